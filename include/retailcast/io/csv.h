// A fast CSV tokenizer over a whole file held in memory (mmap or a byte buffer).
//
// Handles RFC 4180 quoting ("" escapes a quote, quoted fields may hold delimiters and line
// breaks), a UTF-8 byte-order mark, and LF, CRLF and old-Mac CR-only line endings. Fields are
// std::string_view into the file; a field is copied (into a per-reader scratch buffer) only
// when it contains an escaped quote. Reading a record allocates nothing once the reader's
// buffers have grown to the widest record.
//
// Numbers are parsed with fast_float (ParseNumber); "NA", "N/A", "NaN", "nan" and "" are
// recognised as missing so each caller decides whether missing is allowed.
//
// Thread-safety: a CsvReader is used by one thread at a time; CsvFile may be shared read-only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/status.h"

namespace retailcast::io {

// The bytes of a file: memory-mapped when possible (read-only, private), else read whole.
// Move-only; the views a CsvReader hands out point into it and live as long as it does.
class CsvFile {
 public:
  CsvFile() = default;
  ~CsvFile();
  CsvFile(CsvFile&& other) noexcept;
  CsvFile& operator=(CsvFile&& other) noexcept;
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  // Maps `path`. NotFound when it does not exist, IoError when it cannot be read.
  static Result<CsvFile> Open(const std::string& path);
  // Wraps bytes already in memory (copied); `name` is used in error messages.
  static CsvFile FromString(std::string_view bytes, std::string name = "<memory>");

  std::string_view bytes() const { return {data_, size_}; }
  const std::string& name() const { return name_; }
  // Tells the OS that bytes before `offset` will not be read again soon, so a huge mapped
  // file does not stay resident (they are re-read from disk if touched again). No-op for
  // in-memory buffers.
  void ReleaseBefore(size_t offset) const;

 private:
  void Reset();
  std::string name_;
  const char* data_ = nullptr;
  size_t size_ = 0;
  bool mapped_ = false;
  mutable size_t released_ = 0;
  std::string owned_;  // used when the bytes are not mapped
};

struct CsvOptions {
  char delimiter = ',';
  char quote = '"';
  // The first record is a header with column names.
  bool has_header = true;
};

// One record. Views are valid until the next call to Next() on the same reader.
struct CsvRecord {
  int64_t line = 0;                      // 1-based line where the record starts
  size_t byte_offset = 0;                // offset of the record's first byte in the file
  std::string_view raw;                  // the record's text without its line terminator
  std::vector<std::string_view> fields;  // unquoted field values
  // Empty when the record is well formed; otherwise a description of the syntax error
  // (e.g. an unterminated quote) and the 1-based field it was found in.
  std::string_view error;
  int error_column = 0;
};

class CsvReader {
 public:
  // `file` must outlive the reader. Skips a UTF-8 BOM.
  CsvReader(const CsvFile& file, CsvOptions options);
  // Reads the bytes [begin, end) of `file` as records, numbering lines from `first_line`
  // (used to re-read part of a file to locate a row). `begin` must be a record start.
  CsvReader(const CsvFile& file, CsvOptions options, size_t begin, size_t end, int64_t first_line);

  // Reads the header (requires options.has_header and no record read yet). DataError when
  // the file is empty or the header is malformed.
  Status ReadHeader();
  const std::vector<std::string>& header() const { return header_; }
  // Index of a header column, or -1.
  int FindColumn(std::string_view name) const;

  // Reads the next record into *record; false at end of input. Blank lines are skipped
  // (and counted in blank_lines()).
  bool Next(CsvRecord* record);

  size_t position() const { return pos_; }
  int64_t line() const { return line_; }
  int64_t blank_lines() const { return blank_lines_; }
  const CsvFile& file() const { return *file_; }

 private:
  const CsvFile* file_;
  CsvOptions options_;
  const char* data_;
  size_t pos_ = 0;
  size_t end_ = 0;
  int64_t line_ = 1;
  int64_t blank_lines_ = 0;
  std::vector<std::string> header_;
  std::string scratch_;
  // Per field during tokenizing: offset into the file or (when escaped) into scratch_.
  struct FieldRef {
    size_t begin;
    size_t size;
    bool in_scratch;
  };
  // Grown, never shrunk, so that adding a field is a store, not a vector push_back.
  std::vector<FieldRef> refs_;
  size_t num_refs_ = 0;
  void AddRef(FieldRef ref) {
    if (num_refs_ == refs_.size()) refs_.resize(refs_.empty() ? 16 : refs_.size() * 2);
    refs_[num_refs_++] = ref;
  }
  std::array<bool, 256> stop_{};  // bytes that end an unquoted field
};

// Result of parsing one numeric field.
enum class NumberParse : uint8_t { kOk, kMissing, kInvalid };

// True for "", "NA", "N/A", "NaN", "nan", "NULL" (after trimming spaces).
bool IsMissingToken(std::string_view text);
// Parses a finite decimal number ("+1.5", "-3", "2e3"; surrounding spaces allowed). Missing
// tokens give kMissing and *out = NaN; anything else that is not a finite number, kInvalid.
NumberParse ParseNumber(std::string_view text, double* out);
// Like ParseNumber but also accepts TRUE/FALSE/True/False/true/false as 1/0.
NumberParse ParseFlag(std::string_view text, double* out);

// How a value column is read.
enum class ValueKind : uint8_t {
  kNumber,     // a number; NA/empty = missing
  kFlag,       // a number or TRUE/FALSE (1/0); NA/empty = missing
  kIndicator,  // 0 for "", "0", FALSE, NA; 1 for any other text (e.g. StateHoliday a/b/c)
};
// Parses `text` as `kind` (see ValueKind). kIndicator never gives kInvalid.
NumberParse ParseValue(std::string_view text, ValueKind kind, double* out);

// Text quoted for a CSV field when needed (delimiter, quote, CR or LF inside).
void AppendCsvField(std::string* out, std::string_view field, char delimiter = ',');

}  // namespace retailcast::io
