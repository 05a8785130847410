#include "retailcast/io/ingest_report.h"

#include <set>

#include "retailcast/io/atomic_file.h"
#include "retailcast/io/csv.h"

namespace retailcast::io {

Result<OnError> ParseOnError(std::string_view text) {
  if (text == "fail") return OnError::kFail;
  if (text == "skip") return OnError::kSkip;
  return Status::InvalidArgument("unknown on-error policy '" + std::string(text) +
                                 "'; expected fail or skip");
}

std::string_view RowErrorKindName(RowErrorKind kind) {
  switch (kind) {
    case RowErrorKind::kSyntax:
      return "syntax";
    case RowErrorKind::kFieldCount:
      return "field_count";
    case RowErrorKind::kBadNumber:
      return "bad_number";
    case RowErrorKind::kMissingValue:
      return "missing_value";
    case RowErrorKind::kBadDate:
      return "bad_date";
    case RowErrorKind::kOffGrid:
      return "off_grid";
    case RowErrorKind::kDuplicate:
      return "duplicate";
    case RowErrorKind::kNegative:
      return "negative";
    case RowErrorKind::kAttributeChanged:
      return "attribute_changed";
    case RowErrorKind::kUnknownKey:
      return "unknown_key";
  }
  return "syntax";
}

namespace {

std::string_view FixFor(RowErrorKind kind) {
  switch (kind) {
    case RowErrorKind::kSyntax:
      return "malformed CSV: close every opened quote and double quotes inside quoted fields "
             "(\"\"); check the delimiter (--delimiter)";
    case RowErrorKind::kFieldCount:
      return "rows must have as many fields as the header: quote fields that contain the "
             "delimiter, or check the delimiter (--delimiter)";
    case RowErrorKind::kBadNumber:
      return "numeric columns must hold plain numbers (1234.5, -3, 1e3) or NA/empty for "
             "missing; remove thousands separators and currency signs";
    case RowErrorKind::kMissingValue:
      return "fill the required field, or drop the row before ingesting";
    case RowErrorKind::kBadDate:
      return "pass the date format explicitly (--date-format iso|dd-mm-yyyy|dd/mm/yyyy|"
             "m/d/yyyy|yyyy/mm/dd|yyyymmdd); sub-daily timestamps are not supported";
    case RowErrorKind::kOffGrid:
      return "pass the right frequency (--freq D|W-FRI|MS|QS|YS...); weekly dates must all "
             "fall on the anchor weekday, monthly ones on the 1st";
    case RowErrorKind::kDuplicate:
      return "remove duplicated (series, date) rows, or choose --duplicates=sum|last";
    case RowErrorKind::kNegative:
      return "negative values are returns: keep them (--negatives=keep) or clip them to "
             "zero (--negatives=clip)";
    case RowErrorKind::kAttributeChanged:
      return "a static attribute must be constant within a series: fix the data or do not "
             "declare that column as an attribute";
    case RowErrorKind::kUnknownKey:
      return "make sure every referenced key exists in the lookup file (e.g. every d_N in "
             "calendar.csv)";
  }
  return "";
}

std::string Truncate(std::string_view raw) {
  if (raw.size() <= RowError::kMaxRawChars) return std::string(raw);
  return std::string(raw.substr(0, RowError::kMaxRawChars)) + "...";
}

}  // namespace

std::string RowError::ToString() const {
  std::string s = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + reason;
  s += " (";
  if (!field.empty()) s += "field '" + field + "', ";
  s += "raw: '" + raw + "')";
  return s;
}

void IngestReport::AddError(RowError error) {
  ++error_count;
  if (errors.size() < kMaxKeptErrors) errors.push_back(std::move(error));
}

void IngestReport::AddError(std::string_view file, int64_t line, int column, std::string_view field,
                            std::string_view raw, std::string reason, RowErrorKind kind) {
  ++error_count;
  if (errors.size() >= kMaxKeptErrors) return;
  RowError e;
  e.file = std::string(file);
  e.line = line;
  e.column = column;
  e.field = std::string(field);
  e.raw = Truncate(raw);
  e.reason = std::move(reason);
  e.kind = kind;
  errors.push_back(std::move(e));
}

Status IngestReport::ToStatus(size_t max_shown) const {
  if (!failed()) return Status::Ok();
  std::string msg = std::to_string(error_count) + " bad row error" + (error_count == 1 ? "" : "s") +
                    " (" + std::to_string(rows_rejected) + " of " + std::to_string(rows_read) +
                    " rows rejected):";
  for (size_t i = 0; i < errors.size() && i < max_shown; ++i) msg += "\n  " + errors[i].ToString();
  if (error_count > static_cast<int64_t>(std::min(max_shown, errors.size()))) {
    msg += "\n  ... and " +
           std::to_string(error_count - static_cast<int64_t>(std::min(max_shown, errors.size()))) +
           " more";
  }
  std::set<RowErrorKind> kinds;
  for (const RowError& e : errors) kinds.insert(e.kind);
  msg += "\nPossible fixes:";
  for (RowErrorKind k : kinds) msg += "\n  - " + std::string(FixFor(k));
  msg +=
      "\n  - or pass --on-error=skip to load the good rows and write the bad ones to a "
      "rejects file";
  return Status::DataError(msg);
}

std::string IngestReport::Summary() const {
  std::string s = "rows read " + std::to_string(rows_read) + ", accepted " +
                  std::to_string(rows_accepted) + ", rejected " + std::to_string(rows_rejected);
  if (error_count > 0) s += ", errors " + std::to_string(error_count);
  for (const std::string& w : warnings) s += "\nwarning: " + w;
  return s;
}

Status IngestReport::WriteRejectsCsv(const std::string& path) const {
  std::string out = "file,line,column,field,kind,reason,raw\n";
  for (const RowError& e : errors) {
    AppendCsvField(&out, e.file);
    out += ',' + std::to_string(e.line) + ',' + std::to_string(e.column) + ',';
    AppendCsvField(&out, e.field);
    out += ',';
    AppendCsvField(&out, RowErrorKindName(e.kind));
    out += ',';
    AppendCsvField(&out, e.reason);
    out += ',';
    AppendCsvField(&out, e.raw);
    out += '\n';
  }
  return WriteFileAtomic(path, out);
}

void IngestReport::Merge(const IngestReport& other) {
  files.insert(files.end(), other.files.begin(), other.files.end());
  rows_read += other.rows_read;
  rows_accepted += other.rows_accepted;
  rows_rejected += other.rows_rejected;
  error_count += other.error_count;
  for (const RowError& e : other.errors) {
    if (errors.size() >= kMaxKeptErrors) break;
    errors.push_back(e);
  }
  warnings.insert(warnings.end(), other.warnings.begin(), other.warnings.end());
  gaps_filled += other.gaps_filled;
  negative_values += other.negative_values;
  duplicates_merged += other.duplicates_merged;
  blank_lines += other.blank_lines;
}

}  // namespace retailcast::io
