#include "retailcast/io/m5_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include "io_internal.h"
#include "retailcast/io/csv.h"

namespace retailcast::io {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view kEventTypes[] = {"Sporting", "Cultural", "National", "Religious"};
constexpr std::string_view kEventColumns[] = {"event_sporting", "event_cultural", "event_national",
                                              "event_religious"};

// "d_123" -> 123; -1 otherwise.
int64_t DayNumber(std::string_view d) {
  if (d.size() < 3 || d.substr(0, 2) != "d_") return -1;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(d.data() + 2, d.data() + d.size(), v);
  if (ec != std::errc() || p != d.data() + d.size() || v <= 0) return -1;
  return v;
}

struct Calendar {
  int64_t first_day = 0;  // d number of index 0
  Date first_date;
  std::vector<int32_t> week;               // wm_yr_wk per day
  std::vector<uint8_t> events;             // bit e set when an event of kEventTypes[e] occurs
  std::vector<std::string> snap_states;    // "CA", "TX", "WI"
  std::vector<std::vector<uint8_t>> snap;  // per state, per day
  size_t size() const { return week.size(); }
};

Result<Calendar> ReadCalendar(const std::string& path) {
  RETAILCAST_ASSIGN_OR_RETURN(CsvFile file, CsvFile::Open(path));
  CsvReader r(file, {});
  RETAILCAST_RETURN_IF_ERROR(r.ReadHeader());
  RETAILCAST_ASSIGN_OR_RETURN(int date_idx, internal::RequireColumn(r, "date", "calendar date"));
  RETAILCAST_ASSIGN_OR_RETURN(int wk_idx, internal::RequireColumn(r, "wm_yr_wk", "Walmart week"));
  RETAILCAST_ASSIGN_OR_RETURN(int d_idx, internal::RequireColumn(r, "d", "day id d_N"));
  RETAILCAST_ASSIGN_OR_RETURN(int t1, internal::RequireColumn(r, "event_type_1", "event type"));
  RETAILCAST_ASSIGN_OR_RETURN(int t2, internal::RequireColumn(r, "event_type_2", "event type"));
  Calendar cal;
  std::vector<int> snap_idx;
  for (size_t c = 0; c < r.header().size(); ++c) {
    if (r.header()[c].rfind("snap_", 0) == 0) {
      cal.snap_states.push_back(r.header()[c].substr(5));
      snap_idx.push_back(static_cast<int>(c));
    }
  }
  cal.snap.resize(snap_idx.size());
  internal::DateParser dates(DateFormat::kIso);
  CsvRecord rec;
  std::string reason;
  auto fail = [&](std::string why) {
    return Status::DataError(path + ":" + std::to_string(rec.line) + ": " + why + " (raw: '" +
                             std::string(rec.raw.substr(0, 200)) + "')");
  };
  while (r.Next(&rec)) {
    if (!rec.error.empty()) return fail(std::string(rec.error));
    if (rec.fields.size() != r.header().size()) return fail("wrong number of fields");
    Date date;
    if (!dates.Parse(rec.fields[static_cast<size_t>(date_idx)], &date, &reason))
      return fail(reason);
    int64_t d = DayNumber(rec.fields[static_cast<size_t>(d_idx)]);
    if (d < 0)
      return fail("'" + std::string(rec.fields[static_cast<size_t>(d_idx)]) +
                  "' is not a day id d_N");
    if (cal.week.empty()) {
      cal.first_day = d;
      cal.first_date = date;
    } else if (d != cal.first_day + static_cast<int64_t>(cal.size()) ||
               date != cal.first_date + static_cast<int32_t>(cal.size())) {
      return fail("calendar rows must be consecutive days (d_N and date both +1 per row)");
    }
    double wk = 0;
    if (ParseNumber(rec.fields[static_cast<size_t>(wk_idx)], &wk) != NumberParse::kOk) {
      return fail("wm_yr_wk is not a number");
    }
    cal.week.push_back(static_cast<int32_t>(wk));
    uint8_t bits = 0;
    for (int t : {t1, t2}) {
      std::string_view type = rec.fields[static_cast<size_t>(t)];
      for (size_t e = 0; e < 4; ++e) {
        if (type == kEventTypes[e]) bits = static_cast<uint8_t>(bits | (1u << e));
      }
    }
    cal.events.push_back(bits);
    for (size_t s = 0; s < snap_idx.size(); ++s) {
      double v = 0;
      if (ParseFlag(rec.fields[static_cast<size_t>(snap_idx[s])], &v) != NumberParse::kOk) {
        return fail("snap flag is not 0/1");
      }
      cal.snap[s].push_back(v != 0 ? 1 : 0);
    }
  }
  if (cal.week.empty()) return Status::DataError(path + ": the calendar has no rows");
  return cal;
}

struct PriceRow {
  uint32_t key;  // store/item
  int32_t week;
  double price;
};

}  // namespace

Result<LoadedPanel> ReadM5(const M5Options& o) {
  if (o.sales_paths.empty()) return Status::InvalidArgument("M5Options.sales_paths is empty");
  RETAILCAST_ASSIGN_OR_RETURN(Calendar cal, ReadCalendar(o.calendar_path));
  const size_t ndays = cal.size();
  IngestReport report;
  report.on_error = o.on_error;

  static const std::vector<std::string> kAttrs = {"item_id", "dept_id", "cat_id", "store_id",
                                                  "state_id"};
  internal::KeyTable ids;
  std::vector<StringColumn> attrs(kAttrs.size());
  std::vector<uint32_t> state_of;  // index into cal.snap_states, or UINT32_MAX
  std::vector<double> values;      // series-major, ndays per series
  std::vector<uint8_t> filled;
  std::vector<int64_t> first_line;

  for (const std::string& path : o.sales_paths) {
    report.files.push_back(path);
    RETAILCAST_ASSIGN_OR_RETURN(CsvFile file, CsvFile::Open(path));
    CsvReader r(file, {});
    RETAILCAST_RETURN_IF_ERROR(r.ReadHeader());
    RETAILCAST_ASSIGN_OR_RETURN(int id_idx, internal::RequireColumn(r, "id", "series id"));
    std::vector<int> attr_idx;
    for (const std::string& a : kAttrs) {
      RETAILCAST_ASSIGN_OR_RETURN(int idx, internal::RequireColumn(r, a, "attribute"));
      attr_idx.push_back(idx);
    }
    // Map day columns to calendar positions.
    std::vector<std::pair<int, size_t>> day_cols;
    for (size_t c = 0; c < r.header().size(); ++c) {
      int64_t d = DayNumber(r.header()[c]);
      if (d < 0) continue;
      int64_t pos = d - cal.first_day;
      if (pos < 0 || pos >= static_cast<int64_t>(ndays)) {
        return Status::DataError(path + ": column '" + r.header()[c] + "' is not a day of " +
                                 o.calendar_path + " (d_" + std::to_string(cal.first_day) + "..d_" +
                                 std::to_string(cal.first_day + static_cast<int64_t>(ndays) - 1) +
                                 ")");
      }
      day_cols.emplace_back(static_cast<int>(c), static_cast<size_t>(pos));
    }
    if (day_cols.empty())
      return Status::DataError(path + ": no day columns d_1..d_n in the header");
    CsvRecord rec;
    while (r.Next(&rec)) {
      ++report.rows_read;
      auto reject = [&](int field, std::string why, RowErrorKind kind) {
        std::string_view name = internal::HeaderName(r, field);
        report.AddError(path, rec.line, field + 1, name, rec.raw, std::move(why), kind);
        ++report.rows_rejected;
      };
      if (!rec.error.empty()) {
        reject(rec.error_column - 1, std::string(rec.error), RowErrorKind::kSyntax);
        continue;
      }
      if (rec.fields.size() != r.header().size()) {
        reject(-1,
               "expected " + std::to_string(r.header().size()) +
                   " fields as in the header, found " + std::to_string(rec.fields.size()),
               RowErrorKind::kFieldCount);
        continue;
      }
      std::string_view id = rec.fields[static_cast<size_t>(id_idx)];
      if (id.empty()) {
        reject(id_idx, "empty series id", RowErrorKind::kMissingValue);
        continue;
      }
      std::string_view state = rec.fields[static_cast<size_t>(attr_idx[4])];
      auto st = std::find(cal.snap_states.begin(), cal.snap_states.end(), state);
      if (st == cal.snap_states.end()) {
        reject(attr_idx[4],
               "state '" + std::string(state) + "' has no snap_" + std::string(state) +
                   " column in the calendar",
               RowErrorKind::kUnknownKey);
        continue;
      }
      // Validate all day values before touching the series.
      bool ok = true;
      for (auto [c, pos] : day_cols) {
        double v = 0;
        if (ParseNumber(rec.fields[static_cast<size_t>(c)], &v) == NumberParse::kInvalid) {
          reject(c, "'" + std::string(rec.fields[static_cast<size_t>(c)]) + "' is not a number",
                 RowErrorKind::kBadNumber);
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      bool inserted = false;
      uint32_t s = ids.FindOrInsert(id, &inserted);
      if (inserted) {
        for (size_t a = 0; a < kAttrs.size(); ++a)
          attrs[a].push_back(rec.fields[static_cast<size_t>(attr_idx[a])]);
        state_of.push_back(static_cast<uint32_t>(st - cal.snap_states.begin()));
        values.resize(values.size() + ndays, kNaN);
        filled.resize(filled.size() + ndays, 0);
        first_line.push_back(rec.line);
      } else {
        for (size_t a = 0; a < kAttrs.size(); ++a) {
          if (attrs[a][s] != rec.fields[static_cast<size_t>(attr_idx[a])]) {
            reject(attr_idx[a],
                   "attribute '" + kAttrs[a] + "' of series '" + std::string(id) +
                       "' differs from line " + std::to_string(first_line[s]),
                   RowErrorKind::kAttributeChanged);
            ok = false;
            break;
          }
        }
        for (auto [c, pos] : day_cols) {
          if (ok && filled[s * ndays + pos] != 0) {
            reject(c,
                   "duplicate: series '" + std::string(id) + "' has day " +
                       r.header()[static_cast<size_t>(c)] + " already (first seen on line " +
                       std::to_string(first_line[s]) + ")",
                   RowErrorKind::kDuplicate);
            ok = false;
          }
        }
        if (!ok) continue;
      }
      for (auto [c, pos] : day_cols) {
        double v = 0;
        (void)ParseNumber(rec.fields[static_cast<size_t>(c)], &v);
        if (v < 0) ++report.negative_values;
        values[s * ndays + pos] = v;
        filled[s * ndays + pos] = 1;
      }
      ++report.rows_accepted;
    }
    report.blank_lines += r.blank_lines();
  }

  // Prices: (store_id, item_id) -> sorted (week, price).
  internal::KeyTable price_keys;
  std::vector<PriceRow> prices;
  const bool has_prices = !o.prices_path.empty();
  if (has_prices) {
    report.files.push_back(o.prices_path);
    RETAILCAST_ASSIGN_OR_RETURN(CsvFile file, CsvFile::Open(o.prices_path));
    CsvReader r(file, {});
    RETAILCAST_RETURN_IF_ERROR(r.ReadHeader());
    RETAILCAST_ASSIGN_OR_RETURN(int store_idx, internal::RequireColumn(r, "store_id", "store"));
    RETAILCAST_ASSIGN_OR_RETURN(int item_idx, internal::RequireColumn(r, "item_id", "item"));
    RETAILCAST_ASSIGN_OR_RETURN(int wk_idx, internal::RequireColumn(r, "wm_yr_wk", "week"));
    RETAILCAST_ASSIGN_OR_RETURN(int price_idx, internal::RequireColumn(r, "sell_price", "price"));
    CsvRecord rec;
    std::string key;
    while (r.Next(&rec)) {
      ++report.rows_read;
      auto reject = [&](int field, std::string why, RowErrorKind kind) {
        std::string_view name = internal::HeaderName(r, field);
        report.AddError(o.prices_path, rec.line, field + 1, name, rec.raw, std::move(why), kind);
        ++report.rows_rejected;
      };
      if (!rec.error.empty()) {
        reject(rec.error_column - 1, std::string(rec.error), RowErrorKind::kSyntax);
        continue;
      }
      if (rec.fields.size() != r.header().size()) {
        reject(-1, "wrong number of fields", RowErrorKind::kFieldCount);
        continue;
      }
      double wk = 0, price = 0;
      if (ParseNumber(rec.fields[static_cast<size_t>(wk_idx)], &wk) != NumberParse::kOk) {
        reject(wk_idx, "week is not a number", RowErrorKind::kBadNumber);
        continue;
      }
      if (ParseNumber(rec.fields[static_cast<size_t>(price_idx)], &price) != NumberParse::kOk ||
          price < 0) {
        reject(price_idx, "price is not a non-negative number", RowErrorKind::kBadNumber);
        continue;
      }
      key.assign(rec.fields[static_cast<size_t>(store_idx)]);
      key += '\x1f';
      key += rec.fields[static_cast<size_t>(item_idx)];
      bool unused = false;
      prices.push_back(
          PriceRow{price_keys.FindOrInsert(key, &unused), static_cast<int32_t>(wk), price});
      ++report.rows_accepted;
    }
    std::sort(prices.begin(), prices.end(), [](const PriceRow& a, const PriceRow& b) {
      return a.key != b.key ? a.key < b.key : a.week < b.week;
    });
    for (size_t i = 1; i < prices.size(); ++i) {
      if (prices[i].key == prices[i - 1].key && prices[i].week == prices[i - 1].week) {
        report.AddError(
            o.prices_path, 0, 0, "wm_yr_wk", "",
            "duplicate price for one store, item and week " + std::to_string(prices[i].week),
            RowErrorKind::kDuplicate);
        ++report.rows_rejected;
      }
    }
  }
  if (report.failed()) return report.ToStatus();

  LoadedPanel out;
  Panel& panel = out.panel;
  panel.set_freq(Frequency::Daily());
  RETAILCAST_RETURN_IF_ERROR(panel.SetAttributeNames(kAttrs));
  size_t k_price = 0;
  if (has_prices) k_price = *panel.AddExogColumn("sell_price");
  size_t k_snap = *panel.AddExogColumn("snap");
  size_t k_event[4];
  for (size_t e = 0; e < 4; ++e) k_event[e] = *panel.AddExogColumn(std::string(kEventColumns[e]));
  std::vector<std::string_view> attr_values(kAttrs.size());
  std::string key;
  for (uint32_t s : internal::SortedOrder(ids)) {
    const double* v = values.data() + s * ndays;
    const uint8_t* f = filled.data() + s * ndays;
    size_t lo = 0, hi = ndays;
    while (lo < ndays && f[lo] == 0) ++lo;
    while (hi > lo && f[hi - 1] == 0) --hi;
    if (lo == hi) continue;
    for (size_t a = 0; a < kAttrs.size(); ++a) attr_values[a] = attrs[a][s];
    size_t pi = panel.AddSeries(ids.key(s), cal.first_date + static_cast<int32_t>(lo),
                                std::span<const double>(v + lo, hi - lo), attr_values);
    for (size_t t = lo; t < hi; ++t) {
      if (f[t] == 0) ++report.gaps_filled;
    }
    std::span<double> snap = panel.mutable_exog(k_snap, pi);
    const auto& state_snap = cal.snap[state_of[s]];
    for (size_t t = lo; t < hi; ++t) {
      snap[t - lo] = state_snap[t];
      for (size_t e = 0; e < 4; ++e) {
        panel.mutable_exog(k_event[e], pi)[t - lo] = (cal.events[t] >> e) & 1u;
      }
    }
    if (has_prices) {
      key.assign(attrs[3][s]);
      key += '\x1f';
      key += attrs[0][s];
      int64_t pk = price_keys.Find(key);
      if (pk < 0) continue;  // never on sale in the prices file: all NaN
      auto range =
          std::equal_range(prices.begin(), prices.end(), PriceRow{static_cast<uint32_t>(pk), 0, 0},
                           [](const PriceRow& a, const PriceRow& b) { return a.key < b.key; });
      std::span<double> price = panel.mutable_exog(k_price, pi);
      for (size_t t = lo; t < hi; ++t) {
        auto it = std::lower_bound(range.first, range.second, cal.week[t],
                                   [](const PriceRow& a, int32_t w) { return a.week < w; });
        if (it != range.second && it->week == cal.week[t]) price[t - lo] = it->price;
      }
    }
  }
  if (report.gaps_filled > 0) {
    report.AddWarning(std::to_string(report.gaps_filled) +
                      " days without a sales value were filled with NaN");
  }
  if (report.negative_values > 0) {
    report.AddWarning(std::to_string(report.negative_values) + " negative sales values were kept");
  }
  out.report = std::move(report);
  return out;
}

}  // namespace retailcast::io
