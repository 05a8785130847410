#include "retailcast/io/csv.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include <fast_float/fast_float.h>

namespace retailcast::io {

// ------------------------------------------------------------------------------- CsvFile

CsvFile::~CsvFile() { Reset(); }

CsvFile::CsvFile(CsvFile&& other) noexcept { *this = std::move(other); }

CsvFile& CsvFile::operator=(CsvFile&& other) noexcept {
  if (this == &other) return *this;
  Reset();
  name_ = std::move(other.name_);
  mapped_ = other.mapped_;
  size_ = other.size_;
  released_ = other.released_;
  owned_ = std::move(other.owned_);
  data_ = mapped_ ? other.data_ : owned_.data();
  other.data_ = nullptr;
  other.size_ = 0;
  other.mapped_ = false;
  return *this;
}

void CsvFile::Reset() {
  if (mapped_ && data_ != nullptr) {
    munmap(const_cast<char*>(data_), size_);  // NOLINT: munmap takes a non-const pointer
  }
  data_ = nullptr;
  size_ = 0;
  mapped_ = false;
  released_ = 0;
  owned_.clear();
}

Result<CsvFile> CsvFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string msg = "cannot open '" + path + "': " + std::strerror(err);
    if (err == ENOENT) return Status::NotFound(msg);
    return Status::IoError(msg);
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IoError("'" + path + "' is not a regular file");
  }
  CsvFile file;
  file.name_ = path;
  size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    file.data_ = file.owned_.data();
    return file;
  }
  void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) {
    // Fall back to reading (e.g. a file system without mmap support).
    file.owned_.resize(size);
    size_t got = 0;
    while (got < size) {
      ssize_t n = ::read(fd, file.owned_.data() + got, size - got);
      if (n <= 0) {
        ::close(fd);
        return Status::IoError("cannot read '" + path + "': " + std::strerror(errno));
      }
      got += static_cast<size_t>(n);
    }
    ::close(fd);
    file.data_ = file.owned_.data();
    file.size_ = size;
    return file;
  }
  ::close(fd);
  madvise(p, size, MADV_SEQUENTIAL);
  file.data_ = static_cast<const char*>(p);
  file.size_ = size;
  file.mapped_ = true;
  return file;
}

CsvFile CsvFile::FromString(std::string_view bytes, std::string name) {
  CsvFile file;
  file.name_ = std::move(name);
  file.owned_.assign(bytes);
  file.data_ = file.owned_.data();
  file.size_ = file.owned_.size();
  return file;
}

void CsvFile::ReleaseBefore(size_t offset) const {
  if (!mapped_) return;
  static const size_t kPage = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t end = (std::min(offset, size_) / kPage) * kPage;
  if (end <= released_) return;
  // The mapping is read-only and private, so dropped pages are simply re-read if needed.
  madvise(const_cast<char*>(data_) + released_, end - released_,  // NOLINT
          MADV_DONTNEED);
  released_ = end;
}

// ----------------------------------------------------------------------------- CsvReader

namespace {

// Bytes that end an unquoted field, per delimiter: built once per reader.
std::array<bool, 256> StopTable(char delimiter) {
  std::array<bool, 256> t{};
  t[static_cast<unsigned char>(delimiter)] = true;
  t['\n'] = true;
  t['\r'] = true;
  return t;
}

}  // namespace

CsvReader::CsvReader(const CsvFile& file, CsvOptions options)
    : CsvReader(file, options, 0, file.bytes().size(), 1) {
  std::string_view b = file.bytes();
  if (b.size() >= 3 && b.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

CsvReader::CsvReader(const CsvFile& file, CsvOptions options, size_t begin, size_t end,
                     int64_t first_line)
    : file_(&file),
      options_(options),
      data_(file.bytes().data()),
      pos_(begin),
      end_(std::min(end, file.bytes().size())),
      line_(first_line),
      stop_(StopTable(options.delimiter)) {}

Status CsvReader::ReadHeader() {
  CsvRecord rec;
  if (!Next(&rec)) {
    return Status::DataError(file_->name() +
                             ": the file is empty (expected a header row with column names)");
  }
  if (!rec.error.empty()) {
    return Status::DataError(file_->name() + ":" + std::to_string(rec.line) +
                             ": bad header: " + std::string(rec.error));
  }
  header_.clear();
  for (std::string_view f : rec.fields) header_.emplace_back(f);
  return Status::Ok();
}

int CsvReader::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

bool CsvReader::Next(CsvRecord* record) {
  const std::array<bool, 256>& stop = stop_;
  const char* d = data_;
  const char quote = options_.quote;
  const char delim = options_.delimiter;

  // Skip blank lines: they carry no record.
  while (pos_ < end_ && (d[pos_] == '\n' || d[pos_] == '\r')) {
    if (d[pos_] == '\r' && pos_ + 1 < end_ && d[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
    ++blank_lines_;
  }
  if (pos_ >= end_) return false;

  record->line = line_;
  record->byte_offset = pos_;
  record->error = {};
  record->error_column = 0;
  num_refs_ = 0;
  scratch_.clear();
  const size_t start = pos_;
  size_t raw_end = end_;
  bool done = false;
  while (!done) {
    size_t p = pos_;
    if (p < end_ && d[p] == quote) {
      ++p;
      size_t content = p;
      bool escaped = false;
      size_t close = std::string_view::npos;
      while (p < end_) {
        const void* q = std::memchr(d + p, quote, end_ - p);
        size_t qi = q == nullptr ? end_ : static_cast<size_t>(static_cast<const char*>(q) - d);
        // Count line breaks inside the quoted text so later records keep true line numbers.
        for (size_t i = p; i < qi; ++i) {
          if (d[i] == '\n' || (d[i] == '\r' && (i + 1 >= end_ || d[i + 1] != '\n'))) ++line_;
        }
        if (qi >= end_) {
          p = end_;
          break;
        }
        if (qi + 1 < end_ && d[qi + 1] == quote) {
          escaped = true;
          p = qi + 2;
          continue;
        }
        close = qi;
        p = qi + 1;
        break;
      }
      if (close == std::string_view::npos) {
        if (record->error.empty()) {
          record->error = "unterminated quoted field (a '\"' opens a field that never closes)";
          record->error_column = static_cast<int>(num_refs_) + 1;
        }
        AddRef({content, end_ - content, false});
        pos_ = end_;
        break;
      }
      if (escaped) {
        size_t sb = scratch_.size();
        for (size_t i = content; i < close; ++i) {
          scratch_.push_back(d[i]);
          if (d[i] == quote) ++i;  // "" -> "
        }
        AddRef({sb, scratch_.size() - sb, true});
      } else {
        AddRef({content, close - content, false});
      }
      if (p < end_ && !stop[static_cast<unsigned char>(d[p])]) {
        if (record->error.empty()) {
          record->error =
              "unexpected text after a closing quote (a quote inside a quoted field "
              "must be doubled: \"\")";
          record->error_column = static_cast<int>(num_refs_);
        }
        while (p < end_ && !stop[static_cast<unsigned char>(d[p])]) ++p;
      }
    } else {
      size_t b = p;
      while (p < end_ && !stop[static_cast<unsigned char>(d[p])]) ++p;
      AddRef({b, p - b, false});
    }
    // p is at a delimiter, a line break or the end.
    if (p >= end_) {
      raw_end = end_;
      pos_ = end_;
      done = true;
    } else if (d[p] == delim) {
      pos_ = p + 1;
    } else {
      raw_end = p;
      if (d[p] == '\r' && p + 1 < end_ && d[p + 1] == '\n') ++p;
      pos_ = p + 1;
      ++line_;
      done = true;
    }
  }
  if (raw_end < start) raw_end = start;
  record->raw = std::string_view(d + start, raw_end - start);
  if (record->fields.size() != num_refs_) record->fields.resize(num_refs_);
  for (size_t i = 0; i < num_refs_; ++i) {
    const FieldRef& r = refs_[i];
    record->fields[i] = r.in_scratch ? std::string_view(scratch_.data() + r.begin, r.size)
                                     : std::string_view(d + r.begin, r.size);
  }
  return true;
}

// ------------------------------------------------------------------------------- numbers

namespace {
std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

bool IsMissingToken(std::string_view text) {
  text = TrimSpaces(text);
  return text.empty() || text == "NA" || text == "N/A" || text == "NaN" || text == "nan" ||
         text == "NULL";
}

NumberParse ParseNumber(std::string_view text, double* out) {
  // Fast path: the common case is a plain number without spaces.
  const char* first = text.data();
  const char* last = first + text.size();
  if (!text.empty() && text.front() == '+') ++first;
  double v = 0;
  auto res = fast_float::from_chars(first, last, v);
  if (res.ec == std::errc() && res.ptr == last && !text.empty() && std::isfinite(v)) {
    *out = v;
    return NumberParse::kOk;
  }
  std::string_view t = TrimSpaces(text);
  if (IsMissingToken(t)) {
    *out = std::numeric_limits<double>::quiet_NaN();
    return NumberParse::kMissing;
  }
  if (t.size() != text.size()) return ParseNumber(t, out);
  return NumberParse::kInvalid;
}

NumberParse ParseFlag(std::string_view text, double* out) {
  std::string_view t = TrimSpaces(text);
  if (t == "TRUE" || t == "True" || t == "true") {
    *out = 1;
    return NumberParse::kOk;
  }
  if (t == "FALSE" || t == "False" || t == "false") {
    *out = 0;
    return NumberParse::kOk;
  }
  return ParseNumber(text, out);
}

NumberParse ParseValue(std::string_view text, ValueKind kind, double* out) {
  switch (kind) {
    case ValueKind::kNumber:
      return ParseNumber(text, out);
    case ValueKind::kFlag:
      return ParseFlag(text, out);
    case ValueKind::kIndicator: {
      double v = 0;
      NumberParse r = ParseFlag(text, &v);
      if (r == NumberParse::kMissing) {
        *out = 0;
      } else if (r == NumberParse::kOk) {
        *out = v != 0 ? 1 : 0;
      } else {
        *out = 1;
      }
      return NumberParse::kOk;
    }
  }
  return NumberParse::kInvalid;
}

void AppendCsvField(std::string* out, std::string_view field, char delimiter) {
  bool needs_quotes = false;
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
      needs_quotes = true;
      break;
    }
  }
  if (!needs_quotes) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace retailcast::io
