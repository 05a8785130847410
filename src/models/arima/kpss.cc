#include "kpss.h"

#include <cstddef>
#include <vector>

namespace retailcast::models {

double KpssStatistic(std::span<const double> x, int lags) {
  const size_t n = x.size();
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(n);
  std::vector<double> e(n);
  for (size_t t = 0; t < n; ++t) e[t] = x[t] - mean;
  double partial = 0, numerator = 0, s2 = 0;
  for (size_t t = 0; t < n; ++t) {
    partial += e[t];
    numerator += partial * partial;
    s2 += e[t] * e[t];
  }
  const double nn = static_cast<double>(n);
  numerator /= nn * nn;
  s2 /= nn;
  double longrun = 0;
  for (int k = 1; k <= lags; ++k) {
    double cov = 0;
    for (size_t t = static_cast<size_t>(k); t < n; ++t) cov += e[t] * e[t - k];
    longrun += (1.0 - k / (lags + 1.0)) * cov;
  }
  return numerator / (s2 + 2.0 / nn * longrun);
}

double KpssPValue(double statistic) {
  constexpr double kCritical[] = {0.347, 0.463, 0.574, 0.739};
  constexpr double kLevel[] = {0.10, 0.05, 0.025, 0.01};
  if (statistic <= kCritical[0]) return kLevel[0];
  for (int i = 1; i < 4; ++i) {
    if (statistic <= kCritical[i]) {
      const double f = (statistic - kCritical[i - 1]) / (kCritical[i] - kCritical[i - 1]);
      return kLevel[i - 1] + f * (kLevel[i] - kLevel[i - 1]);
    }
  }
  return kLevel[3];
}

}  // namespace retailcast::models
