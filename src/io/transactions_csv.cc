#include "retailcast/io/transactions_csv.h"

#include <algorithm>
#include <cmath>

#include "io_internal.h"
#include "retailcast/io/long_csv.h"

namespace retailcast::io {
namespace {

struct Line {
  uint32_t series;
  uint32_t customer;
  int64_t period;
  double quantity;
  double revenue;
};

Result<LoadedPanel> ReadTransactions(const CsvFile& file, const TransactionsOptions& o) {
  IngestReport report;
  report.files.push_back(file.name());
  report.on_error = o.on_error;
  if (o.date_column.empty()) {
    return Status::InvalidArgument("TransactionsOptions.date_column must be set");
  }
  if (!o.csv.has_header) {
    return Status::InvalidArgument(file.name() + ": the transactions reader needs a header row");
  }
  CsvReader reader(file, o.csv);
  RETAILCAST_RETURN_IF_ERROR(reader.ReadHeader());
  const size_t num_fields = reader.header().size();
  RETAILCAST_ASSIGN_OR_RETURN(int date_idx, internal::RequireColumn(reader, o.date_column, "date"));
  std::vector<int> key_idx;
  for (const std::string& k : o.key_columns) {
    RETAILCAST_ASSIGN_OR_RETURN(int idx, internal::RequireColumn(reader, k, "series key"));
    key_idx.push_back(idx);
  }
  auto optional_column = [&](const std::string& name, std::string_view role) -> Result<int> {
    if (name.empty()) return -1;
    return internal::RequireColumn(reader, name, role);
  };
  RETAILCAST_ASSIGN_OR_RETURN(int qty_idx, optional_column(o.quantity_column, "quantity"));
  RETAILCAST_ASSIGN_OR_RETURN(int price_idx, optional_column(o.price_column, "unit price"));
  RETAILCAST_ASSIGN_OR_RETURN(int rev_idx, optional_column(o.revenue_column, "revenue"));
  RETAILCAST_ASSIGN_OR_RETURN(int cust_idx, optional_column(o.customer_column, "customer id"));
  if (rev_idx >= 0) price_idx = -1;
  const bool has_revenue = rev_idx >= 0 || price_idx >= 0;

  std::optional<internal::DateParser> dates;
  if (o.date_format) dates.emplace(*o.date_format);
  internal::KeyTable series;
  internal::KeyTable customers;
  std::vector<StringColumn> attrs(key_idx.size());
  std::vector<Line> lines;
  std::string id;
  std::string reason;
  CsvRecord rec;
  auto reject = [&](int field, std::string why, RowErrorKind kind) {
    std::string_view name = internal::HeaderName(reader, field);
    report.AddError(file.name(), rec.line, field + 1, name, rec.raw, std::move(why), kind);
    ++report.rows_rejected;
  };
  auto number = [&](int field, double* out) -> bool {
    std::string_view t = rec.fields[static_cast<size_t>(field)];
    NumberParse r = ParseNumber(t, out);
    if (r == NumberParse::kOk) return true;
    reject(
        field,
        r == NumberParse::kMissing ? "missing value" : "'" + std::string(t) + "' is not a number",
        r == NumberParse::kMissing ? RowErrorKind::kMissingValue : RowErrorKind::kBadNumber);
    return false;
  };
  while (reader.Next(&rec)) {
    ++report.rows_read;
    if (!rec.error.empty()) {
      reject(rec.error_column - 1, std::string(rec.error), RowErrorKind::kSyntax);
      continue;
    }
    if (rec.fields.size() != num_fields) {
      reject(-1,
             "expected " + std::to_string(num_fields) + " fields as in the header, found " +
                 std::to_string(rec.fields.size()),
             RowErrorKind::kFieldCount);
      continue;
    }
    std::string_view date_text = rec.fields[static_cast<size_t>(date_idx)];
    if (!dates) {
      Result<DateFormat> f = DetectDateFormat(internal::Trim(date_text));
      if (!f.ok()) {
        return Status::DataError(file.name() + ":" + std::to_string(rec.line) + ":" +
                                 std::to_string(date_idx + 1) + ": " + f.status().message());
      }
      dates.emplace(*f);
    }
    Date date;
    if (!dates->Parse(date_text, &date, &reason)) {
      reject(date_idx, reason, RowErrorKind::kBadDate);
      continue;
    }
    double qty = 1;
    if (qty_idx >= 0 && !number(qty_idx, &qty)) continue;
    double revenue = 0;
    if (price_idx >= 0) {
      double price = 0;
      if (!number(price_idx, &price)) continue;
      revenue = price * qty;
    } else if (rev_idx >= 0 && !number(rev_idx, &revenue)) {
      continue;
    }
    id.clear();
    bool empty_key = false;
    for (size_t k = 0; k < key_idx.size(); ++k) {
      std::string_view v = rec.fields[static_cast<size_t>(key_idx[k])];
      if (v.empty()) {
        reject(key_idx[k], "empty key value", RowErrorKind::kMissingValue);
        empty_key = true;
        break;
      }
      if (k > 0) id += o.id_separator;
      id += v;
    }
    if (empty_key) continue;
    if (key_idx.empty()) id = "total";
    uint32_t customer = 0;
    if (cust_idx >= 0) {
      std::string_view c = rec.fields[static_cast<size_t>(cust_idx)];
      if (c.empty()) {
        reject(cust_idx, "empty customer id", RowErrorKind::kMissingValue);
        continue;
      }
      bool unused = false;
      customer = customers.FindOrInsert(c, &unused);
    }
    bool inserted = false;
    uint32_t s = series.FindOrInsert(id, &inserted);
    if (inserted) {
      for (size_t k = 0; k < key_idx.size(); ++k) {
        attrs[k].push_back(rec.fields[static_cast<size_t>(key_idx[k])]);
      }
    }
    if (qty < 0) ++report.negative_values;
    Date period_date = o.freq.PeriodOf(date);
    lines.push_back(Line{s, customer, *PeriodNumber(period_date, o.freq), qty, revenue});
    ++report.rows_accepted;
  }
  report.blank_lines = reader.blank_lines();
  if (report.rows_read == 0) {
    return Status::DataError(file.name() +
                             ": the file has a header but no data rows (nothing to ingest)");
  }
  if (report.failed()) return report.ToStatus();

  std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    if (a.series != b.series) return a.series < b.series;
    if (a.period != b.period) return a.period < b.period;
    return a.customer < b.customer;
  });
  // Start of each series' lines in the sorted array.
  std::vector<size_t> begin(series.size() + 1, lines.size());
  for (size_t i = lines.size(); i-- > 0;) begin[lines[i].series] = i;
  for (size_t s = series.size(); s-- > 0;) begin[s] = std::min(begin[s], begin[s + 1]);

  LoadedPanel out;
  Panel& panel = out.panel;
  panel.set_freq(o.freq);
  RETAILCAST_RETURN_IF_ERROR(panel.SetAttributeNames(o.key_columns));
  size_t k_revenue = 0, k_lines = 0, k_customers = 0;
  if (has_revenue) k_revenue = *panel.AddExogColumn("revenue");
  k_lines = *panel.AddExogColumn("lines");
  if (cust_idx >= 0) k_customers = *panel.AddExogColumn("customers");
  std::vector<std::string_view> attr_values(key_idx.size());
  for (uint32_t s : internal::SortedOrder(series)) {
    size_t b = begin[s], e = begin[s + 1];
    if (b == e) continue;
    int64_t first = lines[b].period, last = lines[e - 1].period;
    for (size_t k = 0; k < attrs.size(); ++k) attr_values[k] = attrs[k][s];
    size_t pi =
        panel.AddSeries(series.key(s), DateOfPeriod(first, o.freq), last - first + 1, attr_values);
    std::span<double> y = panel.mutable_values(pi);
    std::fill(y.begin(), y.end(), 0.0);
    std::span<double> rev, cnt, cus;
    if (has_revenue) {
      rev = panel.mutable_exog(k_revenue, pi);
      std::fill(rev.begin(), rev.end(), 0.0);
    }
    cnt = panel.mutable_exog(k_lines, pi);
    std::fill(cnt.begin(), cnt.end(), 0.0);
    if (cust_idx >= 0) {
      cus = panel.mutable_exog(k_customers, pi);
      std::fill(cus.begin(), cus.end(), 0.0);
    }
    for (size_t i = b; i < e; ++i) {
      const Line& l = lines[i];
      auto t = static_cast<size_t>(l.period - first);
      y[t] += l.quantity;
      cnt[t] += 1;
      if (has_revenue) rev[t] += l.revenue;
      // Lines are sorted by customer within a period, so a new customer is a change.
      if (cust_idx >= 0 &&
          (i == b || lines[i - 1].period != l.period || lines[i - 1].customer != l.customer)) {
        cus[t] += 1;
      }
    }
  }
  if (report.negative_values > 0) {
    report.AddWarning(std::to_string(report.negative_values) +
                      " lines with a negative quantity (returns) were kept");
  }
  if (report.blank_lines > 0) {
    report.AddWarning(std::to_string(report.blank_lines) + " blank lines were skipped");
  }
  out.report = std::move(report);
  return out;
}

}  // namespace

Result<LoadedPanel> ReadTransactionsCsv(const std::string& path,
                                        const TransactionsOptions& options) {
  RETAILCAST_ASSIGN_OR_RETURN(CsvFile file, CsvFile::Open(path));
  return ReadTransactions(file, options);
}

Result<LoadedPanel> ReadTransactionsCsvFromString(std::string_view bytes, const std::string& name,
                                                  const TransactionsOptions& options) {
  CsvFile file = CsvFile::FromString(bytes, name);
  return ReadTransactions(file, options);
}

}  // namespace retailcast::io
