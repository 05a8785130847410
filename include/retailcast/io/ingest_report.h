// What an ingestion run read, accepted and rejected, and why.
//
// Readers collect every row error (keeping the first kMaxKeptErrors, counting all) before
// deciding: with OnError::kFail (the default) any rejected row makes the read fail, and
// ToStatus() gives a DataError that lists the first errors as
//   file:line:column: reason (field 'x', raw: '...')
// followed by "Possible fixes". With OnError::kSkip the bad rows are left out, the read
// succeeds, and WriteRejectsCsv() writes them for the user to inspect. No row is ever dropped
// without an entry here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"

namespace retailcast::io {

enum class OnError : uint8_t {
  kFail,  // any bad row fails the whole read (after collecting all row errors)
  kSkip,  // bad rows are rejected and reported, the rest is loaded
};
// "fail" / "skip"; InvalidArgument otherwise.
Result<OnError> ParseOnError(std::string_view text);

// Kind of a row problem; decides the "Possible fixes" hint.
enum class RowErrorKind : uint8_t {
  kSyntax,            // malformed CSV (unterminated quote...)
  kFieldCount,        // wrong number of fields
  kBadNumber,         // a numeric field that is not a number
  kMissingValue,      // a required field is empty / NA
  kBadDate,           // unparseable date
  kOffGrid,           // a date that is not a period stamp of the frequency
  kDuplicate,         // the same (series, date) key twice
  kNegative,          // a negative value where the policy forbids it
  kAttributeChanged,  // a static attribute that changes within a series
  kUnknownKey,        // a reference to a key that does not exist (e.g. unknown M5 day)
};
std::string_view RowErrorKindName(RowErrorKind kind);

struct RowError {
  std::string file;
  int64_t line = 0;   // 1-based line where the record starts
  int column = 0;     // 1-based field number; 0 = the whole row
  std::string field;  // column name ("" for the whole row)
  std::string raw;    // the raw record text, truncated to kMaxRawChars (+ "...")
  std::string reason;
  RowErrorKind kind = RowErrorKind::kSyntax;

  static constexpr size_t kMaxRawChars = 200;
  // "file:line:column: reason (field 'x', raw: '...')".
  std::string ToString() const;
};

struct IngestReport {
  static constexpr size_t kMaxKeptErrors = 1000;

  std::vector<std::string> files;  // inputs read, in order
  OnError on_error = OnError::kFail;
  int64_t rows_read = 0;         // data records seen (header excluded)
  int64_t rows_accepted = 0;     // records that went into the output
  int64_t rows_rejected = 0;     // records left out because of an error
  int64_t error_count = 0;       // all row errors, including those beyond the kept ones
  std::vector<RowError> errors;  // the first kMaxKeptErrors
  // Non-fatal findings, one line each, aggregated (e.g. "12 missing periods in 3 series were
  // filled with NaN"); the counters below hold the numbers.
  std::vector<std::string> warnings;
  int64_t gaps_filled = 0;        // missing periods between a series' first and last date
  int64_t negative_values = 0;    // negative targets kept (returns) or clipped
  int64_t duplicates_merged = 0;  // duplicate keys combined by a sum/last policy
  int64_t blank_lines = 0;        // empty lines skipped

  // Records a row error (the row counts as rejected once per row: call MarkRejected()).
  void AddError(RowError error);
  // Builds and records an error for a record; `raw` is truncated here.
  void AddError(std::string_view file, int64_t line, int column, std::string_view field,
                std::string_view raw, std::string reason, RowErrorKind kind);
  void AddWarning(std::string warning) { warnings.push_back(std::move(warning)); }

  bool failed() const { return error_count > 0 && on_error == OnError::kFail; }
  // OK unless failed(): then DataError listing up to `max_shown` errors, how many more there
  // are, and "Possible fixes" for the kinds of error seen.
  Status ToStatus(size_t max_shown = 10) const;
  // Human-readable summary: counts, warnings (for `retailcast ingest` to print).
  std::string Summary() const;
  // Writes the kept errors as CSV (file,line,column,field,kind,reason,raw) atomically.
  // IoError when the file cannot be written.
  Status WriteRejectsCsv(const std::string& path) const;
  // Appends another report (e.g. of a second input file) to this one.
  void Merge(const IngestReport& other);
};

// A panel with the report of the read that produced it.
struct LoadedPanel {
  Panel panel;
  IngestReport report;
};

}  // namespace retailcast::io
