#include "seasonal_strength.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <span>
#include <vector>

#include "models/common/least_squares.h"
#include "stl.h"

namespace retailcast::models {
namespace {

double Variance(const std::vector<double>& v) {
  double sum = 0;
  int n = 0;
  for (double x : v) {
    if (!std::isnan(x)) {
      sum += x;
      ++n;
    }
  }
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  const double mean = sum / n;
  double ss = 0;
  for (double x : v) {
    if (!std::isnan(x)) ss += (x - mean) * (x - mean);
  }
  return ss / (n - 1);
}

// R's approx(idx, x[idx], 1:n, rule = 2): linear between observed values, constant beyond.
std::vector<double> LinearFill(std::span<const double> x) {
  std::vector<double> out(x.begin(), x.end());
  const size_t n = x.size();
  size_t prev = n;
  for (size_t t = 0; t < n; ++t) {
    if (std::isnan(x[t])) continue;
    if (prev == n) {
      for (size_t s = 0; s < t; ++s) out[s] = x[t];
    } else {
      for (size_t s = prev + 1; s < t; ++s) {
        const double f = static_cast<double>(s - prev) / static_cast<double>(t - prev);
        out[s] = x[prev] + f * (x[t] - x[prev]);
      }
    }
    prev = t;
  }
  if (prev != n) {
    for (size_t s = prev + 1; s < n; ++s) out[s] = x[prev];
  }
  return out;
}

}  // namespace

std::vector<double> InterpolateMissing(std::span<const double> x, int period) {
  size_t observed = 0;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : x) {
    if (std::isnan(v)) continue;
    ++observed;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (observed == x.size()) return {x.begin(), x.end()};
  if (period <= 1 || observed <= 2 * static_cast<size_t>(period)) return LinearFill(x);
  const size_t n = x.size();
  // Pre-fill by regression on Fourier terms (K = min(period / 2, 5) harmonics) and a
  // polynomial trend of degree min(max(n / 10, 1), 6), with an intercept.
  const int harmonics = std::min(period / 2, 5);
  const int degree = std::min(std::max(static_cast<int>(n / 10), 1), 6);
  std::vector<std::vector<double>> cols;
  cols.emplace_back(n, 1.0);
  for (int k = 1; k <= harmonics; ++k) {
    std::vector<double> s(n), c(n);
    for (size_t t = 0; t < n; ++t) {
      const double a = 2.0 * std::numbers::pi * k * static_cast<double>(t + 1) / period;
      s[t] = std::sin(a);
      c[t] = std::cos(a);
    }
    if (2 * k != period) cols.push_back(std::move(s));
    cols.push_back(std::move(c));
  }
  const double mid = (static_cast<double>(n) + 1.0) / 2.0;
  const double half = std::max((static_cast<double>(n) - 1.0) / 2.0, 1.0);
  for (int k = 1; k <= degree; ++k) {
    std::vector<double> p(n);
    for (size_t t = 0; t < n; ++t) p[t] = std::pow((static_cast<double>(t + 1) - mid) / half, k);
    cols.push_back(std::move(p));
  }
  std::vector<std::span<const double>> spans(cols.begin(), cols.end());
  const LeastSquaresFit ls = FitLeastSquares(spans, x);
  std::vector<double> filled(x.begin(), x.end());
  for (size_t t = 0; t < n; ++t) {
    if (!std::isnan(x[t])) continue;
    double v = 0;
    for (size_t j = 0; j < cols.size(); ++j) {
      if (!std::isnan(ls.coef[j])) v += ls.coef[j] * cols[j][t];
    }
    filled[t] = v;
  }
  StlOptions robust;
  robust.period = period;
  robust.robust = true;
  const StlResult stl = Stl(filled, robust);
  std::vector<double> adjusted(n);
  for (size_t t = 0; t < n; ++t) {
    adjusted[t] = std::isnan(x[t]) ? std::nan("") : filled[t] - stl.seasonal[t];
  }
  const std::vector<double> sa = LinearFill(adjusted);
  std::vector<double> out(x.begin(), x.end());
  double out_lo = std::numeric_limits<double>::infinity(), out_hi = -out_lo;
  for (size_t t = 0; t < n; ++t) {
    if (std::isnan(x[t])) out[t] = sa[t] + stl.seasonal[t];
    out_lo = std::min(out_lo, out[t]);
    out_hi = std::max(out_hi, out[t]);
  }
  const double range = hi - lo;
  if (out_hi > hi + 0.5 * range || out_lo < lo - 0.5 * range) return LinearFill(x);
  return out;
}

double SeasonalStrength(std::span<const double> x, int period) {
  const std::vector<double> filled = InterpolateMissing(x, period);
  StlOptions options;
  options.period = period;
  const StlResult stl = Stl(filled, options);
  std::vector<double> remainder(x.size()), with_season(x.size());
  for (size_t t = 0; t < x.size(); ++t) {
    const double r = std::isnan(x[t]) ? std::nan("") : stl.remainder[t];
    remainder[t] = r;
    with_season[t] = r + stl.seasonal[t];
  }
  const double strength = 1.0 - Variance(remainder) / Variance(with_season);
  if (std::isnan(strength)) return strength;
  return std::max(0.0, std::min(1.0, strength));
}

}  // namespace retailcast::models
