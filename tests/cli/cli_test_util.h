// Helpers for the end-to-end CLI tests: run the real `retailcast` binary (or python3) in a
// temporary directory and capture its exit code, stdout and stderr; read and write small
// files; a minimal RFC 4180 CSV reader to check what the binary wrote.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace retailcast::cli_test {

namespace fs = std::filesystem;

inline constexpr const char* kCliBinary = RETAILCAST_CLI_BINARY;
inline constexpr const char* kPython = "/usr/bin/python3";

struct ProcessResult {
  int exit_code = -1;  // 128 + signal number when killed by a signal
  std::string out;
  std::string err;
  // For failure messages: the command, its exit code and both streams.
  std::string Describe() const {
    return "exit " + std::to_string(exit_code) + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
  }
};

inline std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFile(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// Runs `program` with `args` in `cwd`; stdout and stderr go to files under cwd/.proc_io (so a
// chatty child never blocks on a full pipe) and are read back.
inline ProcessResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                                const fs::path& cwd) {
  static int counter = 0;
  fs::path io_dir = cwd / ".proc_io";
  fs::create_directories(io_dir);
  ++counter;
  const std::string out_path = (io_dir / ("out" + std::to_string(counter))).string();
  const std::string err_path = (io_dir / ("err" + std::to_string(counter))).string();
  const std::string cwd_text = cwd.string();
  std::vector<std::string> storage;
  storage.push_back(program);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (out_fd < 0 || err_fd < 0 || null_fd < 0 || ::chdir(cwd_text.c_str()) != 0) ::_exit(126);
    ::dup2(null_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  ProcessResult r;
  if (pid < 0) {
    r.err = std::string("fork failed: ") + std::strerror(errno);
    return r;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.exit_code = 128 + WTERMSIG(status);
  }
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  return r;
}

inline ProcessResult RunCli(const std::vector<std::string>& args, const fs::path& cwd) {
  return RunProgram(kCliBinary, args, cwd);
}

inline std::string SourceDir() { return RETAILCAST_SOURCE_DIR; }
inline std::string SharedDir() { return RETAILCAST_SHARED_DIR; }
inline std::string SampleCsv() { return SourceDir() + "/data/sample/walmart_store_sales_10.csv"; }
// The options that read the sample (the Walmart store-sales layout).
inline std::vector<std::string> SampleInputArgs() {
  return {"--input", SampleCsv(),       "--id-columns", "Store",         "--date-column",
          "Date",    "--target-column", "Weekly_Sales", "--date-format", "dd-mm-yyyy"};
}

// True when python3 with pandas (what peers/metrics.py needs) is installed.
inline bool HavePythonWithPandas() {
  static const int cached = [] {
    if (::access(kPython, X_OK) != 0) return 0;
    ProcessResult r =
        RunProgram(kPython, {"-c", "import numpy, pandas"}, fs::temp_directory_path());
    return r.exit_code == 0 ? 1 : 0;
  }();
  return cached == 1;
}

// A fresh directory under the system temp dir, removed when the test passes (kept, and its
// path printed, when it fails, to look at what the binary wrote).
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() /
           ("retailcast_cli_test_" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (HasFailure()) {
      std::fprintf(stderr, "test files kept in %s\n", dir_.string().c_str());
      return;
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // Runs the binary; a sanitizer report on its stderr (ASan build) fails the test.
  ProcessResult Cli(const std::vector<std::string>& args) const {
    ProcessResult r = RunCli(args, dir_);
    for (const char* report : {"runtime error:", "Sanitizer"}) {
      EXPECT_EQ(r.err.find(report), std::string::npos) << "sanitizer report:\n" << r.err;
    }
    return r;
  }
  ProcessResult Python(const std::vector<std::string>& args) const {
    return RunProgram(kPython, args, dir_);
  }
  std::string Path(std::string_view name) const { return (dir_ / name).string(); }
  std::string Write(std::string_view name, std::string_view content) const {
    WriteFile(dir_ / name, content);
    return Path(name);
  }

  fs::path dir_;
};

// A parsed CSV file: header and rows of fields (quotes removed), one UTF-8 BOM stripped.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  bool ok = true;
  std::string error;

  // Index of `name` in the header, -1 when absent.
  int Col(std::string_view name) const {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
};

inline Csv ParseCsv(std::string_view text) {
  Csv csv;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> fields;
  std::string field;
  bool in_quotes = false, row_started = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      in_quotes = true;
      row_started = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      row_started = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      fields.push_back(std::move(field));
      field.clear();
      lines.push_back(std::move(fields));
      fields.clear();
      row_started = false;
    } else {
      field += c;
      row_started = true;
    }
  }
  if (in_quotes) {
    csv.ok = false;
    csv.error = "unterminated quoted field";
  }
  if (row_started || !field.empty() || !fields.empty()) {
    fields.push_back(std::move(field));
    lines.push_back(std::move(fields));
  }
  if (lines.empty()) {
    csv.ok = false;
    csv.error = "no header";
    return csv;
  }
  csv.header = std::move(lines[0]);
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].size() != csv.header.size()) {
      csv.ok = false;
      csv.error = "row " + std::to_string(i + 1) + " has " + std::to_string(lines[i].size()) +
                  " fields, the header " + std::to_string(csv.header.size());
    }
    csv.rows.push_back(std::move(lines[i]));
  }
  return csv;
}

inline Csv ReadCsv(const fs::path& path) { return ParseCsv(ReadFile(path)); }

// Calls fn(fields) for every data row of a CSV file without quoted fields (fast enough for
// the 12 MB Walmart file in a debug build); returns the number of data rows.
template <typename Fn>
size_t ForEachUnquotedRow(const fs::path& path, Fn fn) {
  const std::string text = ReadFile(path);
  std::string_view rest(text);
  std::vector<std::string_view> fields;
  size_t rows = 0;
  bool header = true;
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (header) {
      header = false;
      continue;
    }
    fields.clear();
    for (size_t pos = 0;;) {
      size_t comma = line.find(',', pos);
      fields.push_back(line.substr(pos, comma == std::string_view::npos ? comma : comma - pos));
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
    fn(fields);
    ++rows;
  }
  return rows;
}

// Parses a whole field as a double; NaN when it is empty or not a number.
inline double ToDouble(const std::string& s) {
  if (s.empty()) return std::nan("");
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() ? v : std::nan("");
}

// |a - b| <= rel * max(|a|, |b|), with NaN equal to NaN.
inline bool NearRelative(double a, double b, double rel) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b));
}

// Number of times `needle` occurs in `text`.
inline size_t CountOf(std::string_view text, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string_view::npos;
       pos = text.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

}  // namespace retailcast::cli_test
