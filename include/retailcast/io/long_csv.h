// Long-format reader: one row per (series, date) with the target and optional exogenous and
// static attribute columns, e.g. unique_id,ds,y[,price,promo...]. Column names are mapped by
// LongCsvOptions; the series id may be built from several columns joined by '/'.
//
// Output: a Panel whose series are sorted by id (byte order), each running from its first to
// its last date on the frequency grid with NaN for periods that have no row, plus an
// IngestReport. Rows need not be sorted (a file grouped by series and sorted by date is the
// fast path; any order works). Memory: about 8 bytes per cell and exogenous cell plus one
// byte per cell while reading; the file is memory-mapped and released as it is consumed.
//
// Behaviour on bad input (each a RowError naming file, line, column, field and raw text):
//   wrong number of fields, malformed quoting, unparseable date, a date off the frequency
//   grid (e.g. a Saturday in W-FRI data) or with a time of day, non-numeric values,
//   duplicated (series, date) keys (naming both lines; or summed / last kept per
//   on_duplicate), negative targets when on_negative = kError, an attribute that changes
//   within a series, a date implausibly far (> kMaxSeriesSpan periods) from the series' others.
// Errors that are not about a row are returned directly: NotFound / IoError for the file,
// DataError for an empty file, a header without data rows, or missing columns (listing the
// columns found), InvalidArgument for inconsistent options.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/io/csv.h"
#include "retailcast/io/ingest_report.h"

namespace retailcast::io {

// What to do when two rows have the same (series, date) key.
enum class DuplicatePolicy : uint8_t {
  kError,  // row error naming both lines (default)
  kSum,    // add the values (missing + x = x)
  kLast,   // keep the later row
};
// "error" / "sum" / "last".
Result<DuplicatePolicy> ParseDuplicatePolicy(std::string_view text);

// What to do with a negative target (returns exceed sales).
enum class NegativePolicy : uint8_t {
  kKeep,   // keep it (a return) and count it in the report's warnings (default)
  kError,  // row error
  kClip,   // replace by zero and count it
};
// "keep" / "error" / "clip".
Result<NegativePolicy> ParseNegativePolicy(std::string_view text);

// A value column to read and how to read it.
struct ColumnSpec {
  std::string name;
  ValueKind kind = ValueKind::kNumber;
};

struct LongCsvOptions {
  CsvOptions csv;
  // Columns whose values, joined by id_separator, form the series id (e.g. {"Store","Dept"}
  // gives "1/7"). Must not be empty.
  std::vector<std::string> id_columns = {"unique_id"};
  std::string id_separator = "/";
  // When set, every row belongs to this one series and id_columns is ignored (a file that
  // holds a single series as ds,y, e.g. the Prophet examples).
  std::optional<std::string> fixed_id;
  std::string date_column = "ds";
  std::string value_column = "y";
  ValueKind value_kind = ValueKind::kNumber;
  // Date format; detected from the first data row when absent.
  std::optional<DateFormat> date_format;
  // Frequency; inferred from the dates of the first series with the most dates among the
  // first rows when absent (InferFrequency).
  std::optional<Frequency> freq;
  // Exogenous columns, in output order.
  std::vector<ColumnSpec> exog_columns;
  // Also take every other column whose values in the first 1000 rows are all numbers,
  // TRUE/FALSE or missing (and not all missing) as exogenous (kFlag when TRUE/FALSE occurs).
  bool all_numeric_exog = false;
  // Static attributes (constant per series), stored as Panel attribute columns. An id column
  // may also be an attribute.
  std::vector<std::string> attribute_columns;
  DuplicatePolicy on_duplicate = DuplicatePolicy::kError;
  NegativePolicy on_negative = NegativePolicy::kKeep;
  OnError on_error = OnError::kFail;
};

// Rows whose date is further than this many periods from the series' other dates are
// rejected (a typo such as 2201 for 2021 would otherwise allocate a huge NaN gap).
inline constexpr int64_t kMaxSeriesSpan = 200000;

// Reads a long CSV file. On OnError::kFail, any row error gives report.ToStatus() (after all
// rows were read); on kSkip the bad rows are in the returned report.
Result<LoadedPanel> ReadLongCsv(const std::string& path, const LongCsvOptions& options);
// Same over bytes already in memory; `name` appears in error messages.
Result<LoadedPanel> ReadLongCsvFromString(std::string_view bytes, const std::string& name,
                                          const LongCsvOptions& options);
// Same over an opened file (e.g. to read one mapping several times).
Result<LoadedPanel> ReadLongCsvFile(const CsvFile& file, const LongCsvOptions& options);

// Period numbering shared by the readers: the number of `freq` periods from a fixed origin
// to `date`, or std::nullopt when `date` is not a period stamp of `freq`
// (Frequency::IsAligned). DateOfPeriod is the inverse.
std::optional<int64_t> PeriodNumber(Date date, const Frequency& freq);
Date DateOfPeriod(int64_t period, const Frequency& freq);

}  // namespace retailcast::io
