#include "retailcast/prep/outliers.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace retailcast::prep {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Median of v (reorders v); NaN when empty.
double Median(std::vector<double>& v) {
  if (v.empty()) return kNaN;
  size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(h), v.end());
  double hi = v[h];
  if (v.size() % 2 == 1) return hi;
  double lo = *std::max_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(h));
  return 0.5 * (lo + hi);
}

// Quantile by linear interpolation between order statistics (type 7, the R/NumPy default).
double Quantile(const std::vector<double>& sorted, double q) {
  double pos = q * static_cast<double>(sorted.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// Centred rolling median over the observed values in [t - half, t + half].
std::vector<double> RollingMedian(std::span<const double> y, int64_t half) {
  const int64_t n = static_cast<int64_t>(y.size());
  std::vector<double> out(y.size(), kNaN), buf;
  for (int64_t t = 0; t < n; ++t) {
    buf.clear();
    for (int64_t s = std::max<int64_t>(0, t - half); s <= std::min(n - 1, t + half); ++s) {
      if (!std::isnan(y[s])) buf.push_back(y[s]);
    }
    out[t] = Median(buf);
  }
  return out;
}

std::vector<double> Baseline(std::span<const double> y, const OutlierOptions& o, int64_t m,
                             int64_t window) {
  const int64_t n = static_cast<int64_t>(y.size());
  if (o.baseline == OutlierBaseline::kRollingMedian || m < 2 || n < 2 * m) {
    return RollingMedian(y, window / 2);
  }
  // Two robust passes (in the spirit of STL, Cleveland et al. 1990, with medians in place of
  // loess): a rough trend over one season gives the seasonal profile (median of y - trend at
  // each position); the trend is then re-estimated on the deseasonalised values over the
  // wider `window`, where a single spike cannot move the median much.
  std::vector<double> rough = RollingMedian(y, m / 2);
  std::vector<double> seasonal(static_cast<size_t>(m), 0.0), buf;
  for (int64_t p = 0; p < m; ++p) {
    buf.clear();
    for (int64_t t = p; t < n; t += m) {
      if (!std::isnan(y[t]) && !std::isnan(rough[t])) buf.push_back(y[t] - rough[t]);
    }
    double med = Median(buf);
    seasonal[p] = std::isnan(med) ? 0.0 : med;
  }
  std::vector<double> deseasonalised(y.begin(), y.end());
  for (int64_t t = 0; t < n; ++t) deseasonalised[t] -= seasonal[t % m];
  std::vector<double> trend = RollingMedian(deseasonalised, window / 2);
  for (int64_t t = 0; t < n; ++t) trend[t] += seasonal[t % m];
  return trend;
}

}  // namespace

Result<OutlierReport> DetectOutliers(const Panel& panel, const OutlierOptions& o) {
  if (!(o.mad_threshold > 0) || !(o.iqr_multiplier > 0)) {
    return Status::InvalidArgument(
        "outlier thresholds must be > 0, got mad_threshold=" + std::to_string(o.mad_threshold) +
        " iqr_multiplier=" + std::to_string(o.iqr_multiplier));
  }
  if (o.season_length < 0) {
    return Status::InvalidArgument(
        "season_length must be >= 0 (0 = the frequency's default), got " +
        std::to_string(o.season_length));
  }
  if (o.window != 0 && (o.window < 3 || o.window % 2 == 0)) {
    return Status::InvalidArgument(
        "rolling-median window must be odd and >= 3 (or 0 for "
        "2 * season + 1), got " +
        std::to_string(o.window));
  }
  const int64_t m = o.season_length > 0 ? o.season_length : panel.freq().DefaultSeasonLength();
  const int64_t window = o.window > 0 ? o.window : std::max<int64_t>(3, 2 * m + 1);

  OutlierReport report;
  report.flags.assign(panel.num_values(), 0);
  report.expected.assign(panel.num_values(), kNaN);
  std::vector<double> resid, dev;
  for (size_t i = 0; i < panel.num_series(); ++i) {
    auto y = panel.values(i);
    const size_t base = panel.offsets()[i];
    size_t observed = 0, zeros = 0;
    for (double v : y) {
      if (std::isnan(v)) continue;
      ++observed;
      if (v == 0.0) ++zeros;
    }
    if (observed < static_cast<size_t>(std::max(o.min_observations, 1)) ||
        static_cast<double>(zeros) > o.max_zero_share * static_cast<double>(observed)) {
      report.untested.push_back(i);
      continue;
    }
    std::vector<double> expected = Baseline(y, o, m, window);
    resid.clear();
    for (size_t t = 0; t < y.size(); ++t) {
      if (std::isnan(y[t]) || std::isnan(expected[t])) continue;
      report.expected[base + t] = expected[t];
      resid.push_back(y[t] - expected[t]);
    }
    if (resid.empty()) continue;
    // Per-rule centre and spread of the residuals.
    double center = 0, sigma = 0, q1 = 0, q3 = 0, iqr = 0;
    if (o.rule == OutlierRule::kMad) {
      dev = resid;
      center = Median(dev);
      dev.clear();
      double abs_sum = 0;
      for (double r : resid) {
        dev.push_back(std::fabs(r - center));
        abs_sum += dev.back();
      }
      double mad = Median(dev);
      sigma = mad > 0 ? 1.4826 * mad : 1.2533 * abs_sum / static_cast<double>(resid.size());
      if (!(sigma > 0)) continue;
    } else {
      dev = resid;
      std::sort(dev.begin(), dev.end());
      q1 = Quantile(dev, 0.25);
      q3 = Quantile(dev, 0.75);
      iqr = q3 - q1;
      if (!(iqr > 0)) continue;
    }
    for (size_t t = 0; t < y.size(); ++t) {
      if (std::isnan(y[t]) || std::isnan(expected[t])) continue;
      double r = y[t] - expected[t];
      double score = 0;
      bool flagged = false;
      if (o.rule == OutlierRule::kMad) {
        score = std::fabs(r - center) / sigma;
        flagged = score > o.mad_threshold;
      } else {
        score = r > q3 ? (r - q3) / iqr : r < q1 ? (q1 - r) / iqr : 0.0;
        flagged = score > o.iqr_multiplier;
      }
      if (!flagged) continue;
      report.flags[base + t] = 1;
      report.outliers.push_back(Outlier{
          i, std::string(panel.id(i)),
          panel.freq().Advance(panel.start(i), static_cast<int64_t>(t)), y[t], expected[t], score});
    }
  }
  return report;
}

Result<int64_t> CleanOutliers(Panel& panel, const OutlierReport& report, CleanMethod method) {
  if (report.flags.size() != panel.num_values() || report.expected.size() != panel.num_values()) {
    return Status::InvalidArgument("outlier report does not match the panel: it covers " +
                                   std::to_string(report.flags.size()) + " values, the panel has " +
                                   std::to_string(panel.num_values()) +
                                   "; run DetectOutliers on this panel first");
  }
  int64_t replaced = 0;
  for (size_t i = 0; i < panel.num_series(); ++i) {
    auto y = panel.mutable_values(i);
    const size_t base = panel.offsets()[i];
    const int64_t n = static_cast<int64_t>(y.size());
    auto usable = [&](int64_t t) { return !std::isnan(y[t]) && report.flags[base + t] == 0; };
    for (int64_t t = 0; t < n; ++t) {
      if (report.flags[base + t] == 0 || std::isnan(y[t])) continue;
      double value = report.expected[base + t];
      if (method == CleanMethod::kInterpolate) {
        int64_t p = t - 1, q = t + 1;
        while (p >= 0 && !usable(p)) --p;
        while (q < n && !usable(q)) ++q;
        if (p >= 0 && q < n) {
          double w = static_cast<double>(t - p) / static_cast<double>(q - p);
          value = y[p] + w * (y[q] - y[p]);
        } else if (p >= 0) {
          value = y[p];
        } else if (q < n) {
          value = y[q];
        }
      }
      if (std::isnan(value)) continue;
      y[t] = value;
      ++replaced;
    }
  }
  return replaced;
}

}  // namespace retailcast::prep
