#include "retailcast/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace retailcast::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Equal lengths are a precondition of every span metric: a mismatch is a caller bug.
void RequireSameSize(std::span<const double> a, std::span<const double> b, const char* what) {
  if (a.size() != b.size()) {
    std::fprintf(stderr, "retailcast: internal error: %s called with spans of length %zu and %zu\n",
                 what, a.size(), b.size());
    std::abort();
  }
}

// Mean over points with a known actual of g(y, f); NaN when there is none.
template <typename G>
double MeanOver(std::span<const double> y, std::span<const double> f, G g) {
  double sum = 0;
  int64_t n = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    if (std::isnan(y[t])) continue;
    sum += g(y[t], f[t]);
    ++n;
  }
  return n == 0 ? kNaN : sum / static_cast<double>(n);
}

// Whether every path value at a point with a known actual is finite.
bool FiniteWhereKnown(std::span<const double> y, std::span<const double> p) {
  for (size_t t = 0; t < y.size(); ++t) {
    if (!std::isnan(y[t]) && !std::isfinite(p[t])) return false;
  }
  return true;
}

// Mean |y_t - y_{t-lag}| over pairs whose both ends are known; NaN when there is no pair.
double MeanAbsLagDiff(std::span<const double> y, size_t lag) {
  double sum = 0;
  int64_t n = 0;
  for (size_t t = lag; t < y.size(); ++t) {
    double d = y[t] - y[t - lag];
    if (std::isnan(d)) continue;
    sum += std::abs(d);
    ++n;
  }
  return n == 0 ? kNaN : sum / static_cast<double>(n);
}

double MeanIgnoringNaN(const std::vector<double>& v) {
  double sum = 0;
  int64_t n = 0;
  for (double x : v) {
    if (std::isnan(x)) continue;
    sum += x;
    ++n;
  }
  return n == 0 ? kNaN : sum / static_cast<double>(n);
}

// Median as pandas computes it (NaN skipped, mean of the two middle values).
double MedianIgnoringNaN(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int FindLevel(const std::vector<double>& levels, double level) {
  for (size_t l = 0; l < levels.size(); ++l) {
    if (levels[l] == level) return static_cast<int>(l);
  }
  return -1;
}

}  // namespace

double Mae(std::span<const double> y, std::span<const double> f) {
  RequireSameSize(y, f, "Mae");
  return MeanOver(y, f, [](double a, double b) { return std::abs(a - b); });
}

double Rmse(std::span<const double> y, std::span<const double> f) {
  RequireSameSize(y, f, "Rmse");
  return std::sqrt(MeanOver(y, f, [](double a, double b) { return (a - b) * (a - b); }));
}

MapeResult Mape(std::span<const double> y, std::span<const double> f) {
  RequireSameSize(y, f, "Mape");
  MapeResult r;
  double sum = 0;
  int64_t n = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    if (std::isnan(y[t])) continue;
    if (y[t] == 0) {
      ++r.n_zero_excluded;
      continue;
    }
    sum += std::abs((y[t] - f[t]) / y[t]);
    ++n;
  }
  r.value = n == 0 ? kNaN : 100.0 * sum / static_cast<double>(n);
  return r;
}

double Smape(std::span<const double> y, std::span<const double> f) {
  RequireSameSize(y, f, "Smape");
  // metrics.py: 100 * mean(2|e| / (|y|+|f|)), a zero denominator counting as 0.
  return 100.0 * MeanOver(y, f, [](double a, double b) {
           double denom = std::abs(a) + std::abs(b);
           return denom > 0 ? 2.0 * std::abs(a - b) / denom : 0.0;
         });
}

BiasResult Bias(std::span<const double> y, std::span<const double> f) {
  RequireSameSize(y, f, "Bias");
  BiasResult r;
  double sum_err = 0, sum_abs_y = 0;
  int64_t n = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    if (std::isnan(y[t])) continue;
    sum_err += f[t] - y[t];
    sum_abs_y += std::abs(y[t]);
    ++n;
  }
  r.mean = n == 0 ? kNaN : sum_err / static_cast<double>(n);
  r.relative = (n == 0 || sum_abs_y == 0) ? kNaN : sum_err / sum_abs_y;
  return r;
}

InSampleScale MaseScale(std::span<const double> train, int m) {
  // Same branches as insample_scale() in metrics.py.
  size_t len = train.size();
  size_t lag = (m > 1 && len >= 2 * static_cast<size_t>(m)) ? static_cast<size_t>(m) : 1;
  if (len > lag) {
    double s = MeanAbsLagDiff(train, lag);
    if (s > 0 || lag == 1) return {s, static_cast<int>(lag)};
  }
  if (len > 1) return {MeanAbsLagDiff(train, 1), 1};
  return {kNaN, 1};
}

Naive1Scales Naive1Scale(std::span<const double> train) {
  if (train.size() < 2) return {kNaN, kNaN};
  double sum_abs = 0, sum_sq = 0;
  int64_t n = 0;
  for (size_t t = 1; t < train.size(); ++t) {
    double d = train[t] - train[t - 1];
    if (std::isnan(d)) continue;
    sum_abs += std::abs(d);
    sum_sq += d * d;
    ++n;
  }
  if (n == 0) return {kNaN, kNaN};
  return {sum_abs / static_cast<double>(n), sum_sq / static_cast<double>(n)};
}

double Mase(std::span<const double> y, std::span<const double> f, double scale) {
  if (!(scale > 0)) return kNaN;
  return Mae(y, f) / scale;
}

double Rmsse(std::span<const double> y, std::span<const double> f, double mean_sq) {
  RequireSameSize(y, f, "Rmsse");
  if (!(mean_sq > 0)) return kNaN;
  double mse = MeanOver(y, f, [](double a, double b) { return (a - b) * (a - b); });
  return std::sqrt(mse / mean_sq);
}

double Pinball(std::span<const double> y, std::span<const double> q, double tau) {
  RequireSameSize(y, q, "Pinball");
  return MeanOver(
      y, q, [tau](double a, double b) { return a >= b ? tau * (a - b) : (1 - tau) * (b - a); });
}

double Coverage(std::span<const double> y, std::span<const double> lo, std::span<const double> hi) {
  RequireSameSize(y, lo, "Coverage");
  RequireSameSize(y, hi, "Coverage");
  if (!FiniteWhereKnown(y, lo) || !FiniteWhereKnown(y, hi)) return kNaN;
  int64_t n = 0, inside = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    if (std::isnan(y[t])) continue;
    ++n;
    if (y[t] >= lo[t] && y[t] <= hi[t]) ++inside;
  }
  return n == 0 ? kNaN : static_cast<double>(inside) / static_cast<double>(n);
}

double Msis(std::span<const double> y, std::span<const double> lo, std::span<const double> hi,
            double level, double scale) {
  RequireSameSize(y, lo, "Msis");
  RequireSameSize(y, hi, "Msis");
  if (!FiniteWhereKnown(y, lo) || !FiniteWhereKnown(y, hi) || !(scale > 0)) return kNaN;
  // (100 - level) / 100 keeps alpha exactly 0.05 for level 95 (1 - 0.95 is not).
  const double alpha = (100.0 - level) / 100.0;
  const double k = 2.0 / alpha;
  double sum = 0;
  int64_t n = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    if (std::isnan(y[t])) continue;
    // Same association as metrics.py: (hi-lo) + k*(lo-y)*[y<lo] + k*(y-hi)*[y>hi].
    double pen = (hi[t] - lo[t]) + k * (lo[t] - y[t]) * (y[t] < lo[t] ? 1.0 : 0.0) +
                 k * (y[t] - hi[t]) * (y[t] > hi[t] ? 1.0 : 0.0);
    sum += pen;
    ++n;
  }
  return n == 0 ? kNaN : (sum / static_cast<double>(n)) / scale;
}

double Spl(std::span<const double> y, std::span<const double> lo95, std::span<const double> lo80,
           std::span<const double> mean, std::span<const double> hi80, std::span<const double> hi95,
           double scale1) {
  const std::span<const double> paths[5] = {lo95, lo80, mean, hi80, hi95};
  const double taus[5] = {0.025, 0.1, 0.5, 0.9, 0.975};
  for (const auto& p : paths) {
    RequireSameSize(y, p, "Spl");
    if (!FiniteWhereKnown(y, p)) return kNaN;
  }
  if (!(scale1 > 0)) return kNaN;
  double sum = 0;
  for (int k = 0; k < 5; ++k) sum += Pinball(y, paths[k], taus[k]);
  return (sum / 5.0) / scale1;
}

double WrmsseWeight(std::span<const double> train, std::span<const double> price, int h) {
  size_t n = train.size();
  size_t from = h > 0 && static_cast<size_t>(h) < n ? n - static_cast<size_t>(h) : 0;
  double sum = 0;
  for (size_t t = from; t < n; ++t) {
    double v = std::abs(train[t]);
    if (!price.empty()) v *= price[t];
    if (std::isnan(v)) continue;
    sum += v;
  }
  return sum;
}

Result<SeriesMetrics> ScoreSeries(const ScoreInput& input, int season_length) {
  const Forecast* fc = input.forecast;
  if (fc == nullptr) return Status::InvalidArgument("ScoreSeries: no forecast given");
  const size_t h = input.actual.size();
  if (fc->mean.size() != h) {
    return Status::InvalidArgument("forecast has " + std::to_string(fc->mean.size()) +
                                   " points but the test window has " + std::to_string(h));
  }
  if (fc->lower.size() != fc->levels.size() || fc->upper.size() != fc->levels.size()) {
    return Status::InvalidArgument("forecast has bounds for " + std::to_string(fc->lower.size()) +
                                   " levels but lists " + std::to_string(fc->levels.size()));
  }
  for (size_t l = 0; l < fc->levels.size(); ++l) {
    if (fc->lower[l].size() != h || fc->upper[l].size() != h) {
      return Status::InvalidArgument(
          "interval bounds of a forecast differ in length from its mean");
    }
  }
  if (!input.train_price.empty() && input.train_price.size() != input.train.size()) {
    return Status::InvalidArgument("price has " + std::to_string(input.train_price.size()) +
                                   " values for " + std::to_string(input.train.size()) +
                                   " training points");
  }
  if (season_length < 1) {
    return Status::InvalidArgument("season length must be >= 1, got " +
                                   std::to_string(season_length));
  }
  std::span<const double> y = input.actual;
  std::span<const double> f = fc->mean;
  SeriesMetrics m;
  for (size_t t = 0; t < h; ++t) {
    if (std::isnan(y[t])) {
      ++m.n_nan_actual;
      continue;
    }
    if (!std::isfinite(f[t])) {
      return Status::DataError("incomplete forecast: the mean at step " + std::to_string(t + 1) +
                               " is not finite");
    }
    ++m.n_points;
  }
  if (m.n_points == 0) {
    return Status::DataError("every actual of the test window is missing (NaN); nothing to score");
  }
  InSampleScale sc = MaseScale(input.train, season_length);
  Naive1Scales s1 = Naive1Scale(input.train);
  m.mase_scale = sc.scale;
  m.mase_lag = sc.lag;
  m.mae = Mae(y, f);
  m.rmse = Rmse(y, f);
  MapeResult mape = Mape(y, f);
  m.mape = mape.value;
  m.n_zero_actual = mape.n_zero_excluded;
  m.smape = Smape(y, f);
  m.mase = Mase(y, f, sc.scale);
  m.rmsse = Rmsse(y, f, s1.mean_sq);
  BiasResult bias = Bias(y, f);
  m.bias = bias.mean;
  m.rel_bias = bias.relative;
  m.levels = fc->levels;
  m.coverage.resize(fc->levels.size());
  for (size_t l = 0; l < fc->levels.size(); ++l) {
    m.coverage[l] = Coverage(y, fc->lower[l], fc->upper[l]);
  }
  int l95 = FindLevel(fc->levels, 95), l80 = FindLevel(fc->levels, 80);
  m.msis = l95 < 0 ? kNaN : Msis(y, fc->lower[l95], fc->upper[l95], 95, sc.scale);
  m.spl = (l95 < 0 || l80 < 0) ? kNaN
                               : Spl(y, fc->lower[l95], fc->lower[l80], f, fc->upper[l80],
                                     fc->upper[l95], s1.mean_abs);
  m.wrmsse_weight = WrmsseWeight(input.train, input.train_price, static_cast<int>(h));
  return m;
}

Result<AggregateMetrics> Aggregate(std::span<const SeriesMetrics> series) {
  AggregateMetrics a;
  a.n_series = static_cast<int64_t>(series.size());
  if (!series.empty()) a.levels = series.front().levels;
  for (const auto& s : series) {
    if (s.levels != a.levels) {
      return Status::InvalidArgument("cannot aggregate metrics of forecasts with different levels");
    }
  }
  auto mean_of = [&](double SeriesMetrics::*field) {
    std::vector<double> v;
    v.reserve(series.size());
    for (const auto& s : series) v.push_back(s.*field);
    return MeanIgnoringNaN(v);
  };
  a.mae = mean_of(&SeriesMetrics::mae);
  a.rmse = mean_of(&SeriesMetrics::rmse);
  a.mape = mean_of(&SeriesMetrics::mape);
  a.smape = mean_of(&SeriesMetrics::smape);
  a.mase = mean_of(&SeriesMetrics::mase);
  a.rmsse = mean_of(&SeriesMetrics::rmsse);
  a.bias = mean_of(&SeriesMetrics::bias);
  a.rel_bias = mean_of(&SeriesMetrics::rel_bias);
  a.msis = mean_of(&SeriesMetrics::msis);
  a.spl = mean_of(&SeriesMetrics::spl);
  {
    std::vector<double> v;
    for (const auto& s : series) v.push_back(s.mase);
    a.mase_median = MedianIgnoringNaN(std::move(v));
  }
  a.coverage.resize(a.levels.size());
  for (size_t l = 0; l < a.levels.size(); ++l) {
    std::vector<double> v;
    for (const auto& s : series) v.push_back(s.coverage[l]);
    a.coverage[l] = MeanIgnoringNaN(v);
  }
  // WRMSSE (M5 guide eq. 2): sum w_i RMSSE_i / sum w_i over series with a finite RMSSE and a
  // positive weight, the weights renormalised over the scored series like metrics.py does.
  double wsum = 0, wr = 0;
  for (const auto& s : series) {
    if (std::isnan(s.rmsse) || !(s.wrmsse_weight > 0)) continue;
    wsum += s.wrmsse_weight;
    wr += s.rmsse * s.wrmsse_weight;
  }
  a.wrmsse = wsum > 0 ? wr / wsum : kNaN;
  for (const auto& s : series) {
    a.n_nan_actual += s.n_nan_actual;
    a.n_zero_actual += s.n_zero_actual;
  }
  return a;
}

std::string CoverageName(double level) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "cov%g", level);
  return buf;
}

namespace {

const char* const kBaseNames[] = {"MAE",  "RMSE",     "MAPE", "sMAPE", "MASE",  "RMSSE",
                                  "bias", "rel_bias", "MSIS", "SPL",   "WRMSSE"};

template <typename M>
double ValueOf(const M& m, std::string_view name) {
  if (name == "MAE") return m.mae;
  if (name == "RMSE") return m.rmse;
  if (name == "MAPE") return m.mape;
  if (name == "sMAPE") return m.smape;
  if (name == "MASE") return m.mase;
  if (name == "RMSSE") return m.rmsse;
  if (name == "bias") return m.bias;
  if (name == "rel_bias") return m.rel_bias;
  if (name == "MSIS") return m.msis;
  if (name == "SPL") return m.spl;
  for (size_t l = 0; l < m.levels.size(); ++l) {
    if (name == CoverageName(m.levels[l])) return m.coverage[l];
  }
  return kNaN;
}

// Nominal level of "cov<level>", or NaN for another name.
double CoverageLevel(std::string_view name) {
  if (name.substr(0, 3) != "cov" || name.size() == 3) return kNaN;
  std::string rest(name.substr(3));
  char* end = nullptr;
  double v = std::strtod(rest.c_str(), &end);
  return end == rest.c_str() + rest.size() ? v : kNaN;
}

}  // namespace

std::vector<std::string> MetricNames(std::span<const double> levels) {
  std::vector<std::string> names(std::begin(kBaseNames), std::end(kBaseNames));
  for (double l : levels) names.push_back(CoverageName(l));
  return names;
}

Result<std::vector<std::string>> ParseMetricList(std::string_view text,
                                                 std::span<const double> levels) {
  std::vector<std::string> valid = MetricNames(levels);
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string_view item =
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    pos = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) continue;
    if (std::find(valid.begin(), valid.end(), item) == valid.end()) {
      std::string list;
      for (const auto& v : valid) list += (list.empty() ? "" : ", ") + v;
      return Status::InvalidArgument("unknown metric '" + std::string(item) +
                                     "'; valid metrics: " + list);
    }
    if (std::find(out.begin(), out.end(), item) == out.end()) out.emplace_back(item);
  }
  if (out.empty()) return Status::InvalidArgument("the metric list is empty");
  return out;
}

double MetricValue(const SeriesMetrics& m, std::string_view name) { return ValueOf(m, name); }

double MetricValue(const AggregateMetrics& m, std::string_view name) {
  if (name == "WRMSSE") return m.wrmsse;
  return ValueOf(m, name);
}

bool MetricBetter(std::string_view name, double b, double a) {
  if (std::isnan(b)) return false;
  if (std::isnan(a)) return true;
  double level = CoverageLevel(name);
  if (!std::isnan(level)) return std::abs(b - level / 100.0) < std::abs(a - level / 100.0);
  if (name == "bias" || name == "rel_bias") return std::abs(b) < std::abs(a);
  return b < a;
}

}  // namespace retailcast::eval
