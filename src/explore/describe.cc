#include "retailcast/explore/describe.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

namespace retailcast::explore {
namespace {

double Variance(const std::vector<double>& v) {
  double mean = 0;
  size_t n = 0;
  for (double x : v) {
    if (std::isnan(x)) continue;
    mean += x;
    ++n;
  }
  if (n < 2) return 0;
  mean /= static_cast<double>(n);
  double ss = 0;
  for (double x : v) {
    if (!std::isnan(x)) ss += (x - mean) * (x - mean);
  }
  return ss / static_cast<double>(n - 1);
}

// Classical additive decomposition (FPP3 §3.4): trend by a centred moving average of order m
// (2×m when m is even), seasonal indices by averaging the detrended values per position and
// centring them, remainder = y - trend - season. Returns NaN with fewer than two seasons.
double SeasonalStrength(std::span<const double> y, int m) {
  const size_t n = y.size();
  if (m < 2 || n < static_cast<size_t>(2 * m)) return std::nan("");
  std::vector<double> trend(n, std::nan(""));
  const size_t half = static_cast<size_t>(m) / 2;
  for (size_t t = half; t + half < n; ++t) {
    double sum = 0;
    bool ok = true;
    if (m % 2 == 1) {
      for (size_t k = t - half; k <= t + half; ++k) ok &= !std::isnan(y[k]), sum += y[k];
      trend[t] = ok ? sum / m : std::nan("");
    } else {
      // 2×m MA: weights 1/(2m) on the two ends, 1/m inside.
      sum = 0.5 * (y[t - half] + y[t + half]);
      ok = !std::isnan(sum);
      for (size_t k = t - half + 1; k < t + half; ++k) ok &= !std::isnan(y[k]), sum += y[k];
      trend[t] = ok ? sum / m : std::nan("");
    }
  }
  std::vector<double> season_sum(static_cast<size_t>(m), 0.0);
  std::vector<int> season_n(static_cast<size_t>(m), 0);
  for (size_t t = 0; t < n; ++t) {
    double d = y[t] - trend[t];
    if (std::isnan(d)) continue;
    season_sum[t % static_cast<size_t>(m)] += d;
    season_n[t % static_cast<size_t>(m)]++;
  }
  double centre = 0;
  int positions = 0;
  for (size_t k = 0; k < season_sum.size(); ++k) {
    if (season_n[k] == 0) return std::nan("");
    season_sum[k] /= season_n[k];
    centre += season_sum[k];
    ++positions;
  }
  centre /= positions;
  std::vector<double> remainder, season_plus_remainder;
  for (size_t t = 0; t < n; ++t) {
    if (std::isnan(trend[t]) || std::isnan(y[t])) continue;
    double s = season_sum[t % static_cast<size_t>(m)] - centre;
    double r = y[t] - trend[t] - s;
    remainder.push_back(r);
    season_plus_remainder.push_back(s + r);
  }
  double v_sr = Variance(season_plus_remainder);
  if (v_sr <= 0) return 0;
  return std::max(0.0, 1.0 - Variance(remainder) / v_sr);
}

std::string Num(double v) {
  char buf[32];
  if (std::isnan(v)) return "-";
  double a = std::fabs(v);
  if (a >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.3gB", v / 1e9);
  } else if (a >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.3fM", v / 1e6);
  } else if (a >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  }
  return buf;
}

std::string Pct(size_t part, size_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%",
                whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

}  // namespace

std::string_view DemandClassName(DemandClass c) {
  switch (c) {
    case DemandClass::kSmooth:
      return "smooth";
    case DemandClass::kErratic:
      return "erratic";
    case DemandClass::kIntermittent:
      return "intermittent";
    case DemandClass::kLumpy:
      return "lumpy";
    case DemandClass::kNoDemand:
      return "no demand";
  }
  return "?";
}

SeriesStats DescribeSeries(const SeriesView& series, int season_length) {
  SeriesStats s;
  s.id = std::string(series.id);
  s.length = static_cast<int64_t>(series.y.size());
  double sum_nz = 0, sum_nz2 = 0;
  int64_t nonzero = 0, observed = 0;
  for (double v : series.y) {
    if (std::isnan(v)) {
      ++s.missing;
      continue;
    }
    ++observed;
    s.total += v;
    if (v == 0) {
      ++s.zeros;
    } else {
      ++nonzero;
      sum_nz += v;
      sum_nz2 += v * v;
    }
  }
  s.mean = observed > 0 ? s.total / static_cast<double>(observed) : std::nan("");
  if (nonzero > 0) {
    s.adi = static_cast<double>(observed) / static_cast<double>(nonzero);
    double mean_nz = sum_nz / static_cast<double>(nonzero);
    double var_nz = nonzero > 1
                        ? (sum_nz2 - nonzero * mean_nz * mean_nz) / static_cast<double>(nonzero - 1)
                        : 0;
    s.cv2 = mean_nz != 0 ? std::max(0.0, var_nz) / (mean_nz * mean_nz) : 0;
    bool intermittent = s.adi >= 1.32;
    bool variable = s.cv2 >= 0.49;
    s.demand_class = intermittent ? (variable ? DemandClass::kLumpy : DemandClass::kIntermittent)
                                  : (variable ? DemandClass::kErratic : DemandClass::kSmooth);
  } else {
    s.adi = std::nan("");
    s.cv2 = std::nan("");
    s.demand_class = DemandClass::kNoDemand;
  }
  s.seasonal_strength = SeasonalStrength(series.y, season_length);
  return s;
}

Result<PanelSummary> DescribePanel(const Panel& panel, const DescribeOptions& options) {
  if (panel.num_series() == 0)
    return Status::InvalidArgument("the panel has no series to describe");
  PanelSummary out;
  out.freq = panel.freq();
  out.season_length =
      options.season_length > 0 ? options.season_length : panel.freq().DefaultSeasonLength();
  out.series = panel.num_series();
  out.values = panel.num_values();
  out.first_date = panel.start(0);
  out.last_date = panel.end(0);
  std::vector<int64_t> lengths;
  std::map<int32_t, double> totals_by_date;
  double strength_sum = 0;
  for (size_t i = 0; i < panel.num_series(); ++i) {
    SeriesStats s = DescribeSeries(panel.series(i), out.season_length);
    out.missing += static_cast<size_t>(s.missing);
    out.zeros += static_cast<size_t>(s.zeros);
    out.total += s.total;
    out.demand_class_counts[static_cast<int>(s.demand_class)]++;
    if (!std::isnan(s.seasonal_strength)) {
      strength_sum += s.seasonal_strength;
      out.seasonal_strength_series++;
    }
    auto y = panel.values(i);
    for (size_t t = 0; t < y.size(); ++t) {
      if (y[t] < 0) out.negatives++;
      if (!std::isnan(y[t]))
        totals_by_date[panel.freq().Advance(panel.start(i), static_cast<int64_t>(t)).days] += y[t];
    }
    out.first_date = std::min(out.first_date, panel.start(i));
    out.last_date = std::max(out.last_date, panel.end(i));
    lengths.push_back(s.length);
    out.per_series.push_back(std::move(s));
  }
  std::sort(lengths.begin(), lengths.end());
  out.min_length = lengths.front();
  out.max_length = lengths.back();
  out.median_length = lengths[lengths.size() / 2];
  out.mean_seasonal_strength =
      out.seasonal_strength_series > 0
          ? strength_sum / static_cast<double>(out.seasonal_strength_series)
          : std::nan("");
  for (size_t k = 0; k < panel.num_exog(); ++k) out.exog_columns.push_back(panel.exog_name(k));
  for (size_t a = 0; a < panel.num_attributes(); ++a)
    out.attributes.push_back(panel.attribute_name(a));
  std::vector<const SeriesStats*> order;
  for (const auto& s : out.per_series) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(),
                   [](const SeriesStats* a, const SeriesStats* b) { return a->total > b->total; });
  for (size_t k = 0; k < order.size() && static_cast<int>(k) < options.top_k; ++k)
    out.top_sellers.push_back(*order[k]);
  size_t skip = totals_by_date.size() > static_cast<size_t>(options.last_periods)
                    ? totals_by_date.size() - static_cast<size_t>(options.last_periods)
                    : 0;
  for (const auto& [day, total] : totals_by_date) {
    if (skip > 0) {
      --skip;
      continue;
    }
    out.recent_totals.emplace_back(Date{day}, total);
  }
  return out;
}

std::string FormatSummary(const PanelSummary& s) {
  std::ostringstream os;
  os << "Series:        " << s.series << " (" << s.values << " periods in all)\n";
  os << "Frequency:     " << s.freq.ToString() << ", season length " << s.season_length << "\n";
  os << "Date range:    " << s.first_date.ToString() << " .. " << s.last_date.ToString() << "\n";
  os << "Length:        min " << s.min_length << ", median " << s.median_length << ", max "
     << s.max_length << "\n";
  os << "Missing:       " << s.missing << " (" << Pct(s.missing, s.values) << ")\n";
  os << "Zeros:         " << s.zeros << " (" << Pct(s.zeros, s.values) << ")\n";
  os << "Negatives:     " << s.negatives << " (returns)\n";
  os << "Total:         " << Num(s.total) << "\n";
  os << "Demand classes: ";
  for (int c = 0; c < 5; ++c) {
    os << (c ? ", " : "") << DemandClassName(static_cast<DemandClass>(c)) << " "
       << s.demand_class_counts[c];
  }
  os << "\nSeasonality:   mean strength " << Num(s.mean_seasonal_strength) << " over "
     << s.seasonal_strength_series << " series with two full seasons (0 = none, 1 = pure season)\n";
  if (!s.exog_columns.empty()) {
    os << "Exogenous:     ";
    for (size_t k = 0; k < s.exog_columns.size(); ++k) os << (k ? ", " : "") << s.exog_columns[k];
    os << "\n";
  }
  if (!s.attributes.empty()) {
    os << "Attributes:    ";
    for (size_t k = 0; k < s.attributes.size(); ++k) os << (k ? ", " : "") << s.attributes[k];
    os << "\n";
  }
  os << "\nTop sellers (by total):\n";
  char line[256];
  std::snprintf(line, sizeof line, "  %-28s %12s %10s %8s %14s %9s\n", "series", "total", "mean",
                "zeros", "class", "season");
  os << line;
  for (const auto& t : s.top_sellers) {
    std::snprintf(line, sizeof line, "  %-28.28s %12s %10s %8s %14s %9s\n", t.id.c_str(),
                  Num(t.total).c_str(), Num(t.mean).c_str(),
                  Pct(static_cast<size_t>(t.zeros), static_cast<size_t>(t.length)).c_str(),
                  std::string(DemandClassName(t.demand_class)).c_str(),
                  Num(t.seasonal_strength).c_str());
    os << line;
  }
  os << "\nTotals of the last " << s.recent_totals.size() << " periods (all series):\n";
  for (const auto& [d, total] : s.recent_totals)
    os << "  " << d.ToString() << "  " << Num(total) << "\n";
  return os.str();
}

std::string SummaryToJson(const PanelSummary& s) {
  auto num = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  nlohmann::ordered_json j;
  j["series"] = s.series;
  j["values"] = s.values;
  j["frequency"] = s.freq.ToString();
  j["season_length"] = s.season_length;
  j["first_date"] = s.first_date.ToString();
  j["last_date"] = s.last_date.ToString();
  j["length"] = {{"min", s.min_length}, {"median", s.median_length}, {"max", s.max_length}};
  j["missing"] = s.missing;
  j["zeros"] = s.zeros;
  j["negatives"] = s.negatives;
  j["total"] = s.total;
  for (int c = 0; c < 5; ++c) {
    j["demand_classes"][std::string(DemandClassName(static_cast<DemandClass>(c)))] =
        s.demand_class_counts[c];
  }
  j["mean_seasonal_strength"] = num(s.mean_seasonal_strength);
  j["exogenous"] = s.exog_columns;
  j["attributes"] = s.attributes;
  auto series_json = [&](const SeriesStats& t) {
    return nlohmann::ordered_json{{"id", t.id},
                                  {"length", t.length},
                                  {"missing", t.missing},
                                  {"zeros", t.zeros},
                                  {"total", t.total},
                                  {"mean", num(t.mean)},
                                  {"adi", num(t.adi)},
                                  {"cv2", num(t.cv2)},
                                  {"demand_class", std::string(DemandClassName(t.demand_class))},
                                  {"seasonal_strength", num(t.seasonal_strength)}};
  };
  j["top_sellers"] = nlohmann::ordered_json::array();
  for (const auto& t : s.top_sellers) j["top_sellers"].push_back(series_json(t));
  j["recent_totals"] = nlohmann::ordered_json::array();
  for (const auto& [d, total] : s.recent_totals)
    j["recent_totals"].push_back({{"ds", d.ToString()}, {"total", total}});
  j["per_series"] = nlohmann::ordered_json::array();
  for (const auto& t : s.per_series) j["per_series"].push_back(series_json(t));
  return j.dump(2);
}

}  // namespace retailcast::explore
