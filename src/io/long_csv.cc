#include "retailcast/io/long_csv.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "io_internal.h"

namespace retailcast::io {

Result<DuplicatePolicy> ParseDuplicatePolicy(std::string_view text) {
  if (text == "error") return DuplicatePolicy::kError;
  if (text == "sum") return DuplicatePolicy::kSum;
  if (text == "last") return DuplicatePolicy::kLast;
  return Status::InvalidArgument("unknown duplicate policy '" + std::string(text) +
                                 "'; expected error, sum or last");
}

Result<NegativePolicy> ParseNegativePolicy(std::string_view text) {
  if (text == "keep") return NegativePolicy::kKeep;
  if (text == "error") return NegativePolicy::kError;
  if (text == "clip") return NegativePolicy::kClip;
  return Status::InvalidArgument("unknown negative-value policy '" + std::string(text) +
                                 "'; expected keep, error or clip");
}

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Weekday index (Monday = 0) of day 0 (1970-01-01, a Thursday).
constexpr int64_t kEpochWeekday = 3;

}  // namespace

std::optional<int64_t> PeriodNumber(Date date, const Frequency& freq) {
  switch (freq.unit) {
    case FrequencyUnit::kDay:
      return date.days;
    case FrequencyUnit::kWeek: {
      int64_t shifted =
          static_cast<int64_t>(date.days) - (static_cast<int64_t>(freq.anchor) - kEpochWeekday);
      if (shifted % 7 != 0) return std::nullopt;
      return shifted / 7;
    }
    default:
      break;
  }
  int y = 0;
  unsigned m = 0, d = 0;
  date.ToYmd(&y, &m, &d);
  if (d != 1) return std::nullopt;
  int64_t months = static_cast<int64_t>(y) * 12 + (m - 1);
  switch (freq.unit) {
    case FrequencyUnit::kMonth:
      return months;
    case FrequencyUnit::kQuarter:
      if ((m - 1) % 3 != 0) return std::nullopt;
      return months / 3;
    case FrequencyUnit::kYear:
      if (m != 1) return std::nullopt;
      return y;
    default:
      return std::nullopt;
  }
}

Date DateOfPeriod(int64_t period, const Frequency& freq) {
  int64_t months = 0;
  switch (freq.unit) {
    case FrequencyUnit::kDay:
      return Date{static_cast<int32_t>(period)};
    case FrequencyUnit::kWeek:
      return Date{
          static_cast<int32_t>(period * 7 + static_cast<int64_t>(freq.anchor) - kEpochWeekday)};
    case FrequencyUnit::kMonth:
      months = period;
      break;
    case FrequencyUnit::kQuarter:
      months = period * 3;
      break;
    case FrequencyUnit::kYear:
      months = period * 12;
      break;
  }
  int64_t y = FloorDiv(months, 12);
  return Date::FromYmd(static_cast<int>(y), static_cast<unsigned>(months - y * 12 + 1), 1);
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr size_t kChunkCells = size_t{1} << 22;
constexpr size_t kPrescanRows = 1000;
constexpr size_t kFreqPrescanRows = 100000;
constexpr size_t kFreqPrescanIds = 16;
constexpr size_t kReleaseEvery = size_t{64} << 20;

std::string_view WeekdayName(Weekday w) {
  static constexpr std::string_view kNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                "Friday", "Saturday", "Sunday"};
  return kNames[static_cast<int>(w)];
}

std::string OffGridReason(Date date, const Frequency& freq) {
  std::string s = "date " + date.ToString();
  switch (freq.unit) {
    case FrequencyUnit::kWeek:
      return s + " is a " + std::string(WeekdayName(date.weekday())) + "; " + freq.ToString() +
             " periods fall on a " + std::string(WeekdayName(freq.anchor));
    case FrequencyUnit::kMonth:
      return s + " is not the 1st of a month (frequency MS)";
    case FrequencyUnit::kQuarter:
      return s + " is not the 1st day of a quarter (frequency QS)";
    case FrequencyUnit::kYear:
      return s + " is not January 1st (frequency YS)";
    default:
      return s + " is not on the " + freq.ToString() + " grid";
  }
}

// A stretch of consecutive rows of one series: its cells are dense from `start` (a period
// number) over `length` periods, stored at `offset` in chunk `chunk`.
struct Run {
  uint32_t series = 0;
  uint32_t chunk = 0;
  int64_t start = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
  size_t byte_begin = 0;
  size_t byte_end = 0;
  int64_t first_line = 0;
};

struct Chunk {
  std::vector<double> y;
  std::vector<std::vector<double>> exog;
  std::vector<uint8_t> filled;  // 1 when a row set the cell
  size_t runs_left = 0;
};

struct SeriesInfo {
  int64_t min_period = 0;
  int64_t max_period = 0;
  int64_t first_line = 0;
  uint32_t runs = 0;
};

void Combine(double* cell, double v, DuplicatePolicy policy) {
  if (policy == DuplicatePolicy::kLast) {
    *cell = v;
  } else if (std::isnan(*cell)) {
    *cell = v;
  } else if (!std::isnan(v)) {
    *cell += v;
  }
}

class LongReader {
 public:
  LongReader(const CsvFile& file, const LongCsvOptions& options)
      : file_(file), options_(options), reader_(file, options.csv) {}

  Result<LoadedPanel> Read();

 private:
  Status ResolveColumns();
  Status Prescan();
  void Process(const CsvRecord& rec);
  // Records a row error for field index `field` (-1 = whole row); always false.
  bool Reject(const CsvRecord& rec, int field, std::string reason, RowErrorKind kind);
  // Parses the fields of a valid-looking record into id_, date_, period_, y_, exog_values_.
  bool ParseRow(const CsvRecord& rec);
  void StartRun(uint32_t series, int64_t period, const CsvRecord& rec);
  void CloseRun(size_t byte_end);
  // Line and raw text of the row of run `r` whose date is `period` (re-reads the run's bytes).
  std::pair<int64_t, std::string> LocateRow(const Run& r, int64_t period);
  Result<LoadedPanel> Assemble();
  std::string_view FieldName(int field) const {
    return field >= 0 && static_cast<size_t>(field) < reader_.header().size()
               ? std::string_view(reader_.header()[static_cast<size_t>(field)])
               : std::string_view();
  }

  const CsvFile& file_;
  const LongCsvOptions& options_;
  CsvReader reader_;
  IngestReport report_;

  // Column indices.
  std::vector<int> id_idx_;
  int date_idx_ = -1;
  int value_idx_ = -1;
  std::vector<int> exog_idx_;
  std::vector<ValueKind> exog_kind_;
  std::vector<std::string> exog_names_;
  std::vector<int> attr_idx_;
  size_t num_fields_ = 0;

  std::optional<internal::DateParser> dates_;
  Frequency freq_;

  // Per-row scratch.
  std::string id_buf_;
  std::string_view id_;
  Date date_;
  int64_t period_ = 0;
  double y_ = 0;
  std::vector<double> exog_values_;
  std::string reason_;

  // Series and their cells.
  internal::KeyTable series_;
  std::vector<SeriesInfo> info_;
  std::vector<StringColumn> attrs_;
  std::vector<Run> runs_;
  std::vector<Chunk> chunks_;
  std::vector<int64_t> run_lines_;  // line of each cell of the current run (0 = gap)
  int64_t current_ = -1;            // index of the current run
  size_t chunk_reserve_ = 0;
};

Status LongReader::ResolveColumns() {
  if (options_.id_columns.empty() && !options_.fixed_id) {
    return Status::InvalidArgument("LongCsvOptions.id_columns must name at least one column");
  }
  if (options_.fixed_id && options_.fixed_id->empty()) {
    return Status::InvalidArgument("LongCsvOptions.fixed_id must not be empty");
  }
  const std::string& name = file_.name();
  if (!options_.csv.has_header) {
    return Status::InvalidArgument(name + ": the long-format reader needs a header row");
  }
  RETAILCAST_RETURN_IF_ERROR(reader_.ReadHeader());
  num_fields_ = reader_.header().size();
  if (!options_.fixed_id) {
    for (const std::string& c : options_.id_columns) {
      RETAILCAST_ASSIGN_OR_RETURN(int idx, internal::RequireColumn(reader_, c, "series id"));
      id_idx_.push_back(idx);
    }
  }
  RETAILCAST_ASSIGN_OR_RETURN(date_idx_,
                              internal::RequireColumn(reader_, options_.date_column, "date"));
  // No target column: a file of known future regressor values (unique_id,ds,price,...).
  if (!options_.value_column.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(
        value_idx_, internal::RequireColumn(reader_, options_.value_column, "target value"));
  }
  for (const ColumnSpec& c : options_.exog_columns) {
    RETAILCAST_ASSIGN_OR_RETURN(int idx, internal::RequireColumn(reader_, c.name, "exogenous"));
    exog_idx_.push_back(idx);
    exog_kind_.push_back(c.kind);
    exog_names_.push_back(c.name);
  }
  for (const std::string& c : options_.attribute_columns) {
    RETAILCAST_ASSIGN_OR_RETURN(int idx, internal::RequireColumn(reader_, c, "attribute"));
    attr_idx_.push_back(idx);
  }
  attrs_.assign(attr_idx_.size(), StringColumn());
  return Status::Ok();
}

Status LongReader::Prescan() {
  CsvReader scan(file_, options_.csv, reader_.position(), file_.bytes().size(), reader_.line());
  CsvRecord rec;
  const bool need_freq = !options_.freq.has_value();
  std::optional<DateFormat> format = options_.date_format;
  std::vector<std::pair<std::string, std::vector<Date>>> by_id;
  // Candidate "all numeric" columns: 0 unknown, 1 number, 2 flag, -1 not numeric.
  std::vector<int> numeric(num_fields_, 0);
  std::vector<bool> seen_value(num_fields_, false);
  std::vector<bool> taken(num_fields_, false);
  for (int i : id_idx_) taken[static_cast<size_t>(i)] = true;
  for (int i : attr_idx_) taken[static_cast<size_t>(i)] = true;
  for (int i : exog_idx_) taken[static_cast<size_t>(i)] = true;
  taken[static_cast<size_t>(date_idx_)] = true;
  if (value_idx_ >= 0) taken[static_cast<size_t>(value_idx_)] = true;

  size_t rows = 0;
  std::string id;
  std::string reason;
  int64_t first_data_line = 0;
  while (scan.Next(&rec)) {
    if (rows == 0) first_data_line = rec.line;
    ++rows;
    if (rows > kPrescanRows && (!need_freq || rows > kFreqPrescanRows)) break;
    if (!rec.error.empty() || rec.fields.size() != num_fields_) continue;
    std::string_view date_text = internal::Trim(rec.fields[static_cast<size_t>(date_idx_)]);
    if (!format) {
      if (date_text.empty()) continue;
      Result<DateFormat> f = DetectDateFormat(date_text);
      if (!f.ok()) {
        return Status::DataError(file_.name() + ":" + std::to_string(rec.line) + ":" +
                                 std::to_string(date_idx_ + 1) + ": " + f.status().message() +
                                 " (raw: '" + std::string(rec.raw.substr(0, 200)) + "')");
      }
      format = *f;
    }
    if (rows <= kPrescanRows && options_.all_numeric_exog) {
      for (size_t c = 0; c < num_fields_; ++c) {
        if (taken[c] || numeric[c] < 0) continue;
        double v = 0;
        std::string_view t = internal::Trim(rec.fields[c]);
        NumberParse r = ParseFlag(t, &v);
        if (r == NumberParse::kInvalid) {
          numeric[c] = -1;
        } else if (r == NumberParse::kOk) {
          seen_value[c] = true;
          bool is_flag = t == "TRUE" || t == "FALSE" || t == "True" || t == "False" ||
                         t == "true" || t == "false";
          numeric[c] = std::max(numeric[c], is_flag ? 2 : 1);
        }
      }
    }
    if (need_freq) {
      id.clear();
      for (size_t k = 0; k < id_idx_.size(); ++k) {
        if (k > 0) id += options_.id_separator;
        id += rec.fields[static_cast<size_t>(id_idx_[k])];
      }
      if (options_.fixed_id) id = *options_.fixed_id;
      if (!dates_) dates_.emplace(*format);
      Date d;
      if (!dates_->Parse(date_text, &d, &reason)) continue;
      auto it =
          std::find_if(by_id.begin(), by_id.end(), [&](const auto& p) { return p.first == id; });
      if (it == by_id.end()) {
        if (by_id.size() >= kFreqPrescanIds) {
          if (rows > kPrescanRows) break;
          continue;
        }
        by_id.emplace_back(id, std::vector<Date>());
        it = by_id.end() - 1;
      }
      it->second.push_back(d);
    }
  }
  if (rows == 0) {
    return Status::DataError(file_.name() +
                             ": the file has a header but no data rows (nothing to ingest)");
  }
  if (!format) {
    return Status::DataError(file_.name() + ": cannot detect the date format: no row from line " +
                             std::to_string(first_data_line) + " on has a date in column '" +
                             options_.date_column + "'; pass the date format explicitly");
  }
  dates_.emplace(*format);
  if (options_.all_numeric_exog) {
    for (size_t c = 0; c < num_fields_; ++c) {
      if (taken[c] || numeric[c] <= 0 || !seen_value[c]) continue;
      exog_idx_.push_back(static_cast<int>(c));
      exog_kind_.push_back(numeric[c] == 2 ? ValueKind::kFlag : ValueKind::kNumber);
      exog_names_.push_back(reader_.header()[c]);
    }
  }
  if (!need_freq) {
    freq_ = *options_.freq;
    return Status::Ok();
  }
  const std::pair<std::string, std::vector<Date>>* best = nullptr;
  for (auto& p : by_id) {
    std::sort(p.second.begin(), p.second.end());
    p.second.erase(std::unique(p.second.begin(), p.second.end()), p.second.end());
    if (best == nullptr || p.second.size() > best->second.size()) best = &p;
  }
  if (best == nullptr || best->second.size() < 2) {
    return Status::DataError(file_.name() +
                             ": cannot infer the frequency: no series among the "
                             "first rows has two valid dates; pass the frequency explicitly "
                             "(D, W-FRI, MS, QS, YS...)");
  }
  Result<Frequency> f = InferFrequency(best->second.data(), best->second.size());
  if (!f.ok()) {
    return Status::DataError(file_.name() +
                             ": cannot infer the frequency from the dates of "
                             "series '" +
                             best->first + "': " + f.status().message() +
                             "; pass the frequency explicitly");
  }
  freq_ = *f;
  return Status::Ok();
}

bool LongReader::Reject(const CsvRecord& rec, int field, std::string reason, RowErrorKind kind) {
  report_.AddError(file_.name(), rec.line, field + 1, FieldName(field), rec.raw, std::move(reason),
                   kind);
  ++report_.rows_rejected;
  return false;
}

bool LongReader::ParseRow(const CsvRecord& rec) {
  if (!rec.error.empty()) {
    return Reject(rec, rec.error_column - 1, std::string(rec.error), RowErrorKind::kSyntax);
  }
  if (rec.fields.size() != num_fields_) {
    return Reject(rec, -1,
                  "expected " + std::to_string(num_fields_) + " fields as in the header, found " +
                      std::to_string(rec.fields.size()),
                  RowErrorKind::kFieldCount);
  }
  const auto& f = rec.fields;
  for (int i : id_idx_) {
    if (f[static_cast<size_t>(i)].empty()) {
      return Reject(rec, i, "empty series id", RowErrorKind::kMissingValue);
    }
  }
  if (options_.fixed_id) {
    id_ = *options_.fixed_id;
  } else if (id_idx_.size() == 1) {
    id_ = f[static_cast<size_t>(id_idx_[0])];
  } else {
    id_buf_.clear();
    for (size_t k = 0; k < id_idx_.size(); ++k) {
      if (k > 0) id_buf_ += options_.id_separator;
      id_buf_ += f[static_cast<size_t>(id_idx_[k])];
    }
    id_ = id_buf_;
  }
  if (!dates_->Parse(f[static_cast<size_t>(date_idx_)], &date_, &reason_)) {
    return Reject(rec, date_idx_, reason_, RowErrorKind::kBadDate);
  }
  std::optional<int64_t> p = PeriodNumber(date_, freq_);
  if (!p) return Reject(rec, date_idx_, OffGridReason(date_, freq_), RowErrorKind::kOffGrid);
  period_ = *p;
  if (value_idx_ < 0) {
    y_ = kNaN;
  } else {
    std::string_view vt = f[static_cast<size_t>(value_idx_)];
    if (ParseValue(vt, options_.value_kind, &y_) == NumberParse::kInvalid) {
      return Reject(rec, value_idx_, "'" + std::string(vt) + "' is not a number",
                    RowErrorKind::kBadNumber);
    }
    if (y_ < 0 && options_.on_negative == NegativePolicy::kError) {
      return Reject(rec, value_idx_, "negative value " + std::string(vt) + " is not allowed",
                    RowErrorKind::kNegative);
    }
  }
  for (size_t k = 0; k < exog_idx_.size(); ++k) {
    std::string_view t = f[static_cast<size_t>(exog_idx_[k])];
    if (ParseValue(t, exog_kind_[k], &exog_values_[k]) == NumberParse::kInvalid) {
      return Reject(rec, exog_idx_[k],
                    "'" + std::string(t) + "' is not a number" +
                        (exog_kind_[k] == ValueKind::kFlag ? " or TRUE/FALSE" : ""),
                    RowErrorKind::kBadNumber);
    }
  }
  return true;
}

void LongReader::CloseRun(size_t byte_end) {
  if (current_ >= 0) runs_[static_cast<size_t>(current_)].byte_end = byte_end;
}

void LongReader::StartRun(uint32_t series, int64_t period, const CsvRecord& rec) {
  CloseRun(rec.byte_offset);
  if (chunks_.empty() || chunks_.back().y.size() >= kChunkCells) {
    Chunk c;
    c.y.reserve(chunk_reserve_);
    c.filled.reserve(chunk_reserve_);
    c.exog.resize(exog_idx_.size());
    for (auto& e : c.exog) e.reserve(chunk_reserve_);
    chunks_.push_back(std::move(c));
  }
  Chunk& c = chunks_.back();
  Run r;
  r.series = series;
  r.chunk = static_cast<uint32_t>(chunks_.size() - 1);
  r.start = period;
  r.offset = c.y.size();
  r.length = 1;
  r.byte_begin = rec.byte_offset;
  r.first_line = rec.line;
  c.y.push_back(kNaN);
  for (auto& e : c.exog) e.push_back(kNaN);
  c.filled.push_back(0);
  ++c.runs_left;
  ++info_[series].runs;
  runs_.push_back(r);
  current_ = static_cast<int64_t>(runs_.size() - 1);
  run_lines_.assign(1, 0);
}

void LongReader::Process(const CsvRecord& rec) {
  ++report_.rows_read;
  if (!ParseRow(rec)) return;
  uint32_t s = 0;
  bool inserted = false;
  if (current_ >= 0 && series_.key(runs_[static_cast<size_t>(current_)].series) == id_) {
    s = runs_[static_cast<size_t>(current_)].series;
  } else {
    s = series_.FindOrInsert(id_, &inserted);
  }
  if (inserted) {
    info_.push_back(SeriesInfo{period_, period_, rec.line, 0});
    for (size_t a = 0; a < attr_idx_.size(); ++a) {
      attrs_[a].push_back(rec.fields[static_cast<size_t>(attr_idx_[a])]);
    }
  } else {
    SeriesInfo& si = info_[s];
    for (size_t a = 0; a < attr_idx_.size(); ++a) {
      std::string_view now = rec.fields[static_cast<size_t>(attr_idx_[a])];
      std::string_view before = attrs_[a][s];
      if (now != before) {
        Reject(rec, attr_idx_[a],
               "attribute '" + options_.attribute_columns[a] + "' of series '" + std::string(id_) +
                   "' changes from '" + std::string(before) + "' (line " +
                   std::to_string(si.first_line) + ") to '" + std::string(now) + "'",
               RowErrorKind::kAttributeChanged);
        return;
      }
    }
    int64_t lo = std::min(si.min_period, period_);
    int64_t hi = std::max(si.max_period, period_);
    if (hi - lo >= kMaxSeriesSpan) {
      Reject(rec, date_idx_,
             "date " + date_.ToString() + " is more than " + std::to_string(kMaxSeriesSpan) + " " +
                 freq_.ToString() + " periods away from the other dates of series '" +
                 std::string(id_) + "' (first seen on line " + std::to_string(si.first_line) +
                 "); is the year right?",
             RowErrorKind::kBadDate);
      return;
    }
  }
  if (y_ < 0) {
    ++report_.negative_values;
    if (options_.on_negative == NegativePolicy::kClip) y_ = 0;
  }

  if (current_ < 0 || runs_[static_cast<size_t>(current_)].series != s) StartRun(s, period_, rec);
  Run& r = runs_[static_cast<size_t>(current_)];
  Chunk& c = chunks_[r.chunk];
  int64_t idx = period_ - r.start;
  if (idx < 0) {
    // An earlier date inside the current run: the run is the last thing in its chunk, so
    // prepending cells only moves this run's cells.
    auto shift = static_cast<size_t>(-idx);
    auto at = static_cast<ptrdiff_t>(r.offset);
    c.y.insert(c.y.begin() + at, shift, kNaN);
    for (auto& e : c.exog) e.insert(e.begin() + at, shift, kNaN);
    c.filled.insert(c.filled.begin() + at, shift, 0);
    run_lines_.insert(run_lines_.begin(), shift, 0);
    r.start = period_;
    r.length += shift;
    idx = 0;
  } else if (static_cast<uint64_t>(idx) == r.length) {
    // The common case (the next date of a sorted series): push_back is much cheaper than
    // resize by one.
    c.y.push_back(kNaN);
    for (auto& e : c.exog) e.push_back(kNaN);
    c.filled.push_back(0);
    run_lines_.push_back(0);
    ++r.length;
  } else if (static_cast<uint64_t>(idx) > r.length) {
    size_t grow = static_cast<size_t>(idx) + 1 - r.length;
    c.y.resize(c.y.size() + grow, kNaN);
    for (auto& e : c.exog) e.resize(e.size() + grow, kNaN);
    c.filled.resize(c.filled.size() + grow, 0);
    run_lines_.resize(run_lines_.size() + grow, 0);
    r.length += grow;
  }
  size_t cell = r.offset + static_cast<size_t>(idx);
  if (c.filled[cell] != 0) {
    if (options_.on_duplicate == DuplicatePolicy::kError) {
      Reject(rec, date_idx_,
             "duplicate key: series '" + std::string(id_) + "' has date " + date_.ToString() +
                 " on line " + std::to_string(run_lines_[static_cast<size_t>(idx)]) + " already",
             RowErrorKind::kDuplicate);
      return;
    }
    Combine(&c.y[cell], y_, options_.on_duplicate);
    for (size_t k = 0; k < c.exog.size(); ++k) {
      Combine(&c.exog[k][cell], exog_values_[k], options_.on_duplicate);
    }
    ++report_.duplicates_merged;
  } else {
    c.y[cell] = y_;
    for (size_t k = 0; k < c.exog.size(); ++k) c.exog[k][cell] = exog_values_[k];
    c.filled[cell] = 1;
    run_lines_[static_cast<size_t>(idx)] = rec.line;
  }
  SeriesInfo& si = info_[s];
  si.min_period = std::min(si.min_period, period_);
  si.max_period = std::max(si.max_period, period_);
  ++report_.rows_accepted;
}

std::pair<int64_t, std::string> LongReader::LocateRow(const Run& r, int64_t period) {
  CsvReader scan(file_, options_.csv, r.byte_begin, r.byte_end, r.first_line);
  CsvRecord rec;
  internal::DateParser parser(dates_->format());
  std::string reason;
  std::string_view want = series_.key(r.series);
  std::string id;
  while (scan.Next(&rec)) {
    if (!rec.error.empty() || rec.fields.size() != num_fields_) continue;
    id.clear();
    for (size_t k = 0; k < id_idx_.size(); ++k) {
      if (k > 0) id += options_.id_separator;
      id += rec.fields[static_cast<size_t>(id_idx_[k])];
    }
    if (options_.fixed_id) id = *options_.fixed_id;
    if (id != want) continue;
    Date d;
    if (!parser.Parse(rec.fields[static_cast<size_t>(date_idx_)], &d, &reason)) continue;
    std::optional<int64_t> p = PeriodNumber(d, freq_);
    if (p && *p == period) return {rec.line, std::string(rec.raw)};
  }
  return {r.first_line, std::string()};
}

Result<LoadedPanel> LongReader::Assemble() {
  const size_t n = series_.size();
  std::vector<uint32_t> order = internal::SortedOrder(series_);

  // Runs of each series in file order (only needed for series split over several runs).
  std::vector<uint32_t> run_begin(n + 1, 0);
  std::vector<uint32_t> run_list(runs_.size());
  for (const Run& r : runs_) ++run_begin[r.series + 1];
  for (size_t s = 0; s < n; ++s) run_begin[s + 1] += run_begin[s];
  {
    std::vector<uint32_t> fill(run_begin.begin(), run_begin.end() - 1);
    for (size_t i = 0; i < runs_.size(); ++i)
      run_list[fill[runs_[i].series]++] = static_cast<uint32_t>(i);
  }

  LoadedPanel out;
  Panel& panel = out.panel;
  panel.set_freq(freq_);
  RETAILCAST_RETURN_IF_ERROR(panel.SetAttributeNames(options_.attribute_columns));
  for (const std::string& name : exog_names_) {
    Result<size_t> k = panel.AddExogColumn(name);
    if (!k.ok()) {
      return Status::InvalidArgument(file_.name() + ": exogenous column '" + name +
                                     "' is listed twice");
    }
  }
  size_t total = 0;
  for (const SeriesInfo& si : info_)
    total += static_cast<size_t>(si.max_period - si.min_period + 1);
  panel.Reserve(n, total);

  std::vector<std::string_view> attr_values(attr_idx_.size());
  std::vector<uint8_t> filled;
  std::vector<uint32_t> owner;
  size_t series_with_gaps = 0;
  const size_t num_exog = exog_idx_.size();
  for (uint32_t s : order) {
    const SeriesInfo& si = info_[s];
    const auto len = static_cast<size_t>(si.max_period - si.min_period + 1);
    for (size_t a = 0; a < attrs_.size(); ++a) attr_values[a] = attrs_[a][s];
    size_t pi = panel.AddSeries(series_.key(s), DateOfPeriod(si.min_period, freq_),
                                static_cast<int64_t>(len), attr_values);
    std::span<double> y = panel.mutable_values(pi);
    filled.assign(len, 0);
    owner.assign(len, 0);
    size_t count = 0;
    for (uint32_t k = run_begin[s]; k < run_begin[s + 1]; ++k) {
      const Run& r = runs_[run_list[k]];
      Chunk& c = chunks_[r.chunk];
      auto base = static_cast<size_t>(r.start - si.min_period);
      for (size_t j = 0; j < r.length; ++j) {
        size_t cell = r.offset + j;
        if (c.filled[cell] == 0) continue;
        size_t pos = base + j;
        if (filled[pos] != 0) {
          int64_t period = si.min_period + static_cast<int64_t>(pos);
          if (options_.on_duplicate == DuplicatePolicy::kError) {
            auto [first_line, first_raw] = LocateRow(runs_[owner[pos]], period);
            auto [line, raw] = LocateRow(r, period);
            report_.AddError(file_.name(), line, date_idx_ + 1, FieldName(date_idx_), raw,
                             "duplicate key: series '" + std::string(series_.key(s)) +
                                 "' has date " + DateOfPeriod(period, freq_).ToString() +
                                 " on line " + std::to_string(first_line) + " already",
                             RowErrorKind::kDuplicate);
            --report_.rows_accepted;
            ++report_.rows_rejected;
            continue;
          }
          Combine(&y[pos], c.y[cell], options_.on_duplicate);
          for (size_t e = 0; e < num_exog; ++e) {
            Combine(&panel.mutable_exog(e, pi)[pos], c.exog[e][cell], options_.on_duplicate);
          }
          ++report_.duplicates_merged;
          continue;
        }
        filled[pos] = 1;
        owner[pos] = run_list[k];
        ++count;
        y[pos] = c.y[cell];
        for (size_t e = 0; e < num_exog; ++e) panel.mutable_exog(e, pi)[pos] = c.exog[e][cell];
      }
      // Free each chunk once all of its runs are copied: for a file sorted by id this keeps
      // the peak near one copy of the data.
      if (--c.runs_left == 0) c = Chunk();
    }
    if (count < len) {
      report_.gaps_filled += static_cast<int64_t>(len - count);
      ++series_with_gaps;
    }
  }
  report_.blank_lines = reader_.blank_lines();
  if (report_.gaps_filled > 0) {
    report_.AddWarning(std::to_string(report_.gaps_filled) + " missing periods in " +
                       std::to_string(series_with_gaps) +
                       " series (no row for those dates) were filled with NaN");
  }
  if (report_.negative_values > 0) {
    report_.AddWarning(std::to_string(report_.negative_values) + " negative values " +
                       (options_.on_negative == NegativePolicy::kClip
                            ? "were clipped to zero"
                            : "were kept (read as returns)"));
  }
  if (report_.duplicates_merged > 0) {
    report_.AddWarning(
        std::to_string(report_.duplicates_merged) + " duplicate (series, date) rows were " +
        (options_.on_duplicate == DuplicatePolicy::kSum ? "summed"
                                                        : "resolved by keeping the last one"));
  }
  if (report_.blank_lines > 0) {
    report_.AddWarning(std::to_string(report_.blank_lines) + " blank lines were skipped");
  }
  if (report_.failed()) return report_.ToStatus();
  out.report = std::move(report_);
  return out;
}

Result<LoadedPanel> LongReader::Read() {
  report_.files.push_back(file_.name());
  report_.on_error = options_.on_error;
  RETAILCAST_RETURN_IF_ERROR(ResolveColumns());
  RETAILCAST_RETURN_IF_ERROR(Prescan());
  exog_values_.assign(exog_idx_.size(), kNaN);
  chunk_reserve_ = std::min(kChunkCells, file_.bytes().size() / 8 + 16);
  CsvRecord rec;
  size_t next_release = kReleaseEvery;
  while (reader_.Next(&rec)) {
    Process(rec);
    if (rec.byte_offset > next_release) {
      file_.ReleaseBefore(rec.byte_offset);
      next_release = rec.byte_offset + kReleaseEvery;
    }
  }
  CloseRun(reader_.position());
  return Assemble();
}

}  // namespace

Result<LoadedPanel> ReadLongCsvFile(const CsvFile& file, const LongCsvOptions& options) {
  LongReader reader(file, options);
  return reader.Read();
}

Result<LoadedPanel> ReadLongCsv(const std::string& path, const LongCsvOptions& options) {
  RETAILCAST_ASSIGN_OR_RETURN(CsvFile file, CsvFile::Open(path));
  return ReadLongCsvFile(file, options);
}

Result<LoadedPanel> ReadLongCsvFromString(std::string_view bytes, const std::string& name,
                                          const LongCsvOptions& options) {
  CsvFile file = CsvFile::FromString(bytes, name);
  return ReadLongCsvFile(file, options);
}

}  // namespace retailcast::io
