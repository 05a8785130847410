// Classical decomposition (Kendall & Stuart; Hyndman & Athanasopoulos, FPP3 section 3.4),
// reproducing R 4.2.2's stats::decompose with its default filter:
//   filter  = c(0.5, rep(1, m - 1), 0.5) / m for even m, rep(1, m) / m for odd m
//   trend   = filter(y, filter, sides = 2): trend[t] = sum_j filter[j] * y[t + m/2 - j]
//             (j = 0..len-1, in that order, as R's C convolution), NaN where the window
//             leaves the series or holds a NaN
//   season  = y / trend (multiplicative) or y - trend (additive)
//   figure  = per season position, mean(season, na.rm = TRUE); then divided by its mean
//             (multiplicative) or minus its mean (additive)
#include "classical_decomposition.h"

#include <cmath>
#include <limits>
#include <string>

#include "model_util.h"
#include "r_numerics.h"

namespace retailcast::models {

Result<ClassicalDecomposition> ClassicalDecompose(std::span<const double> y, int period,
                                                  DecompositionType type) {
  if (period < 2) {
    return Status::InvalidArgument(
        "classical decomposition needs a season length of at least 2, "
        "got " +
        std::to_string(period));
  }
  const size_t n = y.size();
  const auto m = static_cast<size_t>(period);
  const size_t observed = CountObserved(y);
  if (observed < 2 * m) {
    return Status::InvalidArgument("classical decomposition with season length " +
                                   std::to_string(period) + " needs at least " +
                                   std::to_string(2 * m) + " observed values (two seasons), got " +
                                   std::to_string(observed));
  }
  const bool multiplicative = type == DecompositionType::kMultiplicative;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

  std::vector<double> filter;
  if (m % 2 == 0) {
    filter.assign(m + 1, 1.0 / static_cast<double>(m));
    filter.front() = filter.back() = 0.5 / static_cast<double>(m);
  } else {
    filter.assign(m, 1.0 / static_cast<double>(m));
  }
  const size_t nf = filter.size();
  const size_t shift = nf / 2;

  ClassicalDecomposition out;
  out.type = type;
  out.period = period;
  out.trend.assign(n, kNaN);
  for (size_t t = 0; t < n; ++t) {
    if (t + shift + 1 < nf || t + shift >= n) continue;  // the window leaves the series
    double z = 0;
    bool ok = true;
    for (size_t j = 0; j < nf; ++j) {
      const double v = y[t + shift - j];
      if (std::isnan(v)) {
        ok = false;
        break;
      }
      z += filter[j] * v;
    }
    if (ok) out.trend[t] = z;
  }

  out.figure.assign(m, kNaN);
  std::vector<double> ratios;
  for (size_t j = 0; j < m; ++j) {
    ratios.clear();
    for (size_t t = j; t < n; t += m) {
      const double s = multiplicative ? y[t] / out.trend[t] : y[t] - out.trend[t];
      if (!std::isnan(s)) ratios.push_back(s);
    }
    out.figure[j] = RMean(ratios);
  }
  // mean(figure) without na.rm, as R: one empty position makes every index NaN.
  double centre = RMean(out.figure);
  if (CountObserved(out.figure) != m) centre = kNaN;
  for (double& f : out.figure) f = multiplicative ? f / centre : f - centre;

  out.seasonal.resize(n);
  out.random.resize(n);
  for (size_t t = 0; t < n; ++t) {
    out.seasonal[t] = out.figure[t % m];
    out.random[t] = multiplicative ? y[t] / out.seasonal[t] / out.trend[t]
                                   : y[t] - out.seasonal[t] - out.trend[t];
  }
  return out;
}

}  // namespace retailcast::models
