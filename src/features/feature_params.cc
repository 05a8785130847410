// The pipeline's parameters (FeatureParamTable), their checks and their resolution against a
// training panel (ResolveFeatureConfig), with the frequency-dependent "auto" defaults.
#include <algorithm>
#include <cctype>
#include <set>

#include "families.h"
#include "retailcast/features/holidays.h"

namespace retailcast::features {
namespace {

// Splits a list on spaces and semicolons (commas separate parameters on the command line).
std::vector<std::string> Tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == ';' || c == '\t') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool IsWord(std::string_view text, std::string_view word) {
  auto t = Tokens(text);
  return t.size() == 1 && t[0] == word;
}

Status BadList(std::string_view model, std::string_view key, std::string_view value,
               std::string_view expected) {
  return Status::InvalidArgument("model '" + std::string(model) + "': " + std::string(key) + "='" +
                                 std::string(value) + "' is not " + std::string(expected));
}

constexpr int kMaxPeriods = 10000;

// "1-7 14 28" -> {1..7, 14, 28}, ascending and distinct; "none" -> {}.
Result<std::vector<int>> ParsePeriods(std::string_view model, std::string_view key,
                                      std::string_view text) {
  std::set<int> out;
  if (IsWord(text, "none")) return std::vector<int>{};
  const std::string expected =
      "a list of periods in 1.." + std::to_string(kMaxPeriods) +
      " separated by spaces, with ranges like 1-7 (e.g. '1-7 14 28'), 'auto' or 'none'";
  auto parse = [&](const std::string& s, int* v) {
    if (s.empty() || s.size() > 6) return false;
    for (char c : s) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    *v = std::stoi(s);
    return *v >= 1 && *v <= kMaxPeriods;
  };
  auto tokens = Tokens(text);
  if (tokens.empty()) return BadList(model, key, text, expected);
  for (const auto& tok : tokens) {
    size_t dash = tok.find('-');
    int a = 0, b = 0;
    if (dash == std::string::npos) {
      if (!parse(tok, &a)) return BadList(model, key, text, expected);
      out.insert(a);
    } else {
      if (!parse(tok.substr(0, dash), &a) || !parse(tok.substr(dash + 1), &b) || b < a) {
        return BadList(model, key, text, expected);
      }
      for (int v = a; v <= b; ++v) out.insert(v);
    }
  }
  if (out.size() > 1000) return BadList(model, key, text, "a list of at most 1000 periods");
  return std::vector<int>(out.begin(), out.end());
}

Result<std::vector<RollingStat>> ParseStats(std::string_view model, std::string_view text) {
  std::vector<RollingStat> out;
  if (IsWord(text, "none")) return out;
  for (const auto& tok : Tokens(text)) {
    RollingStat s;
    if (tok == "mean") {
      s = RollingStat::kMean;
    } else if (tok == "std") {
      s = RollingStat::kStd;
    } else if (tok == "min") {
      s = RollingStat::kMin;
    } else if (tok == "max") {
      s = RollingStat::kMax;
    } else {
      return BadList(model, "rolling_stats", text,
                     "a list of mean, std, min, max separated by spaces, or 'none'");
    }
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  if (out.empty()) return BadList(model, "rolling_stats", text, "a non-empty list or 'none'");
  return out;
}

Result<std::vector<int>> ParsePaydays(std::string_view model, std::string_view text) {
  std::vector<int> out;
  if (IsWord(text, "none")) return out;
  for (const auto& tok : Tokens(text)) {
    int v = 0;
    if (tok == "last") {
      v = -1;
    } else {
      bool digits = !tok.empty() && tok.size() <= 2;
      for (char c : tok) digits = digits && std::isdigit(static_cast<unsigned char>(c));
      if (!digits || (v = std::stoi(tok)) < 1 || v > 31) {
        return BadList(model, "paydays", text,
                       "a list of days of the month (1..31 or 'last') separated by spaces, or "
                       "'none'");
      }
    }
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  if (out.empty()) return BadList(model, "paydays", text, "a non-empty list or 'none'");
  return out;
}

// Per frequency unit: day, week, month, quarter, year.
int ByUnit(const Frequency& f, int day, int week, int month, int quarter, int year) {
  switch (f.unit) {
    case FrequencyUnit::kDay:
      return day;
    case FrequencyUnit::kWeek:
      return week;
    case FrequencyUnit::kMonth:
      return month;
    case FrequencyUnit::kQuarter:
      return quarter;
    case FrequencyUnit::kYear:
      return year;
  }
  return day;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string ListOf(const std::vector<std::string>& v) {
  if (v.empty()) return "(none)";
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

const ParamTable<FeatureOptions>& FeatureParamTable() {
  using O = FeatureOptions;
  static const ParamTable<O> table =
      ParamTable<O>()
          .String("lags", &O::lags,
                  "lag features (periods before the latest usable value), e.g. '1-7 14 28'; auto "
                  "= daily 1-7 14 21 28, weekly 1-4 8 13 26 52, monthly 1-3 6 12 24; 'none'")
          .String("windows", &O::windows,
                  "rolling windows in periods; auto = daily 7 28 56, weekly 4 13 52, monthly 3 6 "
                  "12")
          .String("rolling_stats", &O::rolling_stats, "statistics of every rolling window")
          .Bool("expanding", &O::expanding,
                "expanding mean, std and zero share, periods since the last non-zero value, age")
          .Bool("calendar", &O::calendar,
                "calendar features (day of week, week of year, month, paydays...)")
          .String("paydays", &O::paydays, "days of the month that are paydays ('last' = month end)")
          .String("holidays", &O::holidays,
                  "public holiday calendar (US, UK, DE, FR, CA, AU, EC) for event features; '' = "
                  "none")
          .String("events_file", &O::events_file,
                  "events file (list, M5 calendar or flags layout; see events.h) read when fitted")
          .String("event_columns", &O::event_columns,
                  "exogenous 0/1 columns whose next/previous flagged period is a feature; auto = "
                  "every 0/1 column; 'none'")
          .Int("event_range", &O::event_range, 0, 1000,
               "cap of the event distances in periods; 0 = auto (daily 28)")
          .String("price_column", &O::price_column,
                  "exogenous price column for price features; auto = sell_price, price or "
                  "unit_price when present; 'none'")
          .String("item_attribute", &O::item_attribute,
                  "attribute naming the item across stores, for price_rel_item; auto = item_id; "
                  "'none'")
          .Int("price_window", &O::price_window, 0, 1000,
               "periods of the markdown reference price; 0 = auto (daily 28)")
          .String("exog", &O::exog,
                  "exogenous columns used as they are at the row's date; auto = all but the price "
                  "column; 'none'")
          .String("attributes", &O::attributes,
                  "static attributes as categorical codes; auto = all; 'none'")
          .Bool("target_encoding", &O::target_encoding,
                "target encodings of the series and of each attribute by season position")
          .Bool("scale", &O::scale, "divide target-derived values by the series' recent mean level")
          .Int("scale_window", &O::scale_window, 0, 100000,
               "periods of the level; 0 = auto (about a year)");
  return table;
}

Status CheckFeatureOptions(const FeatureOptions& o, std::string_view model) {
  if (!IsWord(o.lags, "auto"))
    RETAILCAST_RETURN_IF_ERROR(ParsePeriods(model, "lags", o.lags).status());
  if (!IsWord(o.windows, "auto")) {
    RETAILCAST_RETURN_IF_ERROR(ParsePeriods(model, "windows", o.windows).status());
  }
  RETAILCAST_RETURN_IF_ERROR(ParseStats(model, o.rolling_stats).status());
  RETAILCAST_RETURN_IF_ERROR(ParsePaydays(model, o.paydays).status());
  if (!o.holidays.empty()) {
    auto c = FindHolidayCountry(o.holidays);
    if (!c.ok()) {
      return Status::InvalidArgument("model '" + std::string(model) +
                                     "': holidays: " + c.status().message());
    }
  }
  return Status::Ok();
}

std::vector<std::string> FeatureConfig::Inputs() const {
  std::vector<std::string> out;
  auto add = [&](const std::string& c) {
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  if (!price_column.empty()) add(price_column);
  for (const auto& c : event_columns) add(c);
  for (const auto& c : exog) add(c);
  return out;
}

int FeatureConfig::Lookback() const {
  int l = 0;
  if (!lags.empty()) l = std::max(l, lags.back());
  if (!windows.empty()) l = std::max(l, windows.back());
  if (!price_column.empty()) l = std::max({l, price_window, 7});
  if (!event_columns.empty()) l = std::max(l, event_range);
  return l;
}

Result<FeatureConfig> ResolveFeatureConfig(const FeatureOptions& o, const GlobalTrainingData& data,
                                           std::string_view model) {
  const Panel& panel = *data.panel;
  FeatureConfig c;
  c.freq = panel.freq();
  const Frequency& f = c.freq;
  const std::string m(model);
  auto auto_list = [&](const std::string& text, const char* key, const char* day, const char* week,
                       const char* month, const char* quarter,
                       const char* year) -> Result<std::vector<int>> {
    if (!IsWord(text, "auto")) return ParsePeriods(model, key, text);
    const char* def = day;
    switch (f.unit) {
      case FrequencyUnit::kDay:
        def = day;
        break;
      case FrequencyUnit::kWeek:
        def = week;
        break;
      case FrequencyUnit::kMonth:
        def = month;
        break;
      case FrequencyUnit::kQuarter:
        def = quarter;
        break;
      case FrequencyUnit::kYear:
        def = year;
        break;
    }
    return ParsePeriods(model, key, def);
  };
  RETAILCAST_ASSIGN_OR_RETURN(c.lags, auto_list(o.lags, "lags", "1-7 14 21 28", "1-4 8 13 26 52",
                                                "1-3 6 12 24", "1-4 8", "1-3"));
  RETAILCAST_ASSIGN_OR_RETURN(
      c.windows, auto_list(o.windows, "windows", "7 28 56", "4 13 52", "3 6 12", "2 4", "2 3"));
  RETAILCAST_ASSIGN_OR_RETURN(c.stats, ParseStats(model, o.rolling_stats));
  c.expanding = o.expanding;
  c.calendar = o.calendar;
  RETAILCAST_ASSIGN_OR_RETURN(c.paydays, ParsePaydays(model, o.paydays));
  c.holidays = o.holidays;
  if (!o.events_file.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(c.events, ReadEventsFile(o.events_file, EventFileOptions{}));
  }
  c.event_range = o.event_range > 0 ? o.event_range : ByUnit(f, 28, 8, 3, 2, 1);
  c.price_window = o.price_window > 0 ? o.price_window : ByUnit(f, 28, 8, 3, 2, 2);
  c.scale_window = o.scale_window > 0 ? o.scale_window : ByUnit(f, 365, 52, 12, 4, 3);
  c.target_encoding = o.target_encoding;
  c.scale = o.scale;

  std::vector<std::string> exog_names;
  for (size_t k = 0; k < panel.num_exog(); ++k) exog_names.push_back(panel.exog_name(k));
  auto need_exog = [&](const std::string& name, const char* key) -> Status {
    if (panel.FindExog(name)) return Status::Ok();
    return Status::InvalidArgument(
        "model '" + m + "': " + key + " '" + name +
        "' is not an exogenous column of the panel; columns: " + ListOf(exog_names));
  };
  // Price column.
  if (IsWord(o.price_column, "auto")) {
    for (const auto& name : exog_names) {
      const std::string l = Lower(name);
      if (c.price_column.empty() && (l == "sell_price" || l == "price" || l == "unit_price")) {
        c.price_column = name;
      }
    }
  } else if (!IsWord(o.price_column, "none") && !o.price_column.empty()) {
    RETAILCAST_RETURN_IF_ERROR(need_exog(o.price_column, "price_column"));
    c.price_column = o.price_column;
  }
  // Attributes.
  std::vector<std::string> attr_names;
  for (size_t a = 0; a < panel.num_attributes(); ++a) attr_names.push_back(panel.attribute_name(a));
  auto need_attr = [&](const std::string& name, const char* key) -> Status {
    if (panel.FindAttribute(name)) return Status::Ok();
    return Status::InvalidArgument(
        "model '" + m + "': " + key + " '" + name +
        "' is not an attribute of the panel; attributes: " + ListOf(attr_names));
  };
  if (!c.price_column.empty()) {
    if (IsWord(o.item_attribute, "auto")) {
      if (panel.FindAttribute("item_id")) c.item_attribute = "item_id";
    } else if (!IsWord(o.item_attribute, "none") && !o.item_attribute.empty()) {
      RETAILCAST_RETURN_IF_ERROR(need_attr(o.item_attribute, "item_attribute"));
      c.item_attribute = o.item_attribute;
    }
  }
  if (IsWord(o.attributes, "auto")) {
    c.attributes = attr_names;
  } else if (!IsWord(o.attributes, "none")) {
    for (const auto& a : Tokens(o.attributes)) {
      RETAILCAST_RETURN_IF_ERROR(need_attr(a, "attributes"));
      c.attributes.push_back(a);
    }
  }
  // Exogenous columns.
  if (IsWord(o.exog, "auto")) {
    for (const auto& name : exog_names) {
      if (name != c.price_column) c.exog.push_back(name);
    }
  } else if (!IsWord(o.exog, "none")) {
    for (const auto& x : Tokens(o.exog)) {
      RETAILCAST_RETURN_IF_ERROR(need_exog(x, "exog"));
      c.exog.push_back(x);
    }
  }
  // Event columns: 0/1 columns (over the training parts only).
  if (IsWord(o.event_columns, "auto")) {
    for (size_t k = 0; k < panel.num_exog(); ++k) {
      if (panel.exog_name(k) == c.price_column) continue;
      bool flags = false, other = false;
      for (size_t i = 0; i < data.num_series() && !other; ++i) {
        auto v = panel.exog(k, i).first(static_cast<size_t>(data.length(i)));
        for (double x : v) {
          if (std::isnan(x)) continue;
          if (x == 0 || x == 1) {
            flags = true;
          } else {
            other = true;
            break;
          }
        }
      }
      if (flags && !other) c.event_columns.push_back(panel.exog_name(k));
    }
  } else if (!IsWord(o.event_columns, "none")) {
    for (const auto& x : Tokens(o.event_columns)) {
      RETAILCAST_RETURN_IF_ERROR(need_exog(x, "event_columns"));
      c.event_columns.push_back(x);
    }
  }
  return c;
}

}  // namespace retailcast::features
