#include "ocsb.h"

#include <cmath>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "models/common/least_squares.h"

namespace retailcast::models {
namespace {

struct OcsbFit {
  LeastSquaresFit ls;  // the final regression; Z4 and Z5 are its last two columns
  double aic = 0;
};

// One OCSB regression with `lag` lags of the doubly differenced series, on the sample that
// `maxlag` lags leave (observations t >= m + 1 + maxlag, 0-based).
Result<OcsbFit> FitOcsb(std::span<const double> x, int m, int lag, int maxlag) {
  const int n = static_cast<int>(x.size());
  auto dm = [&](int t) { return x[t] - x[t - m]; };   // t >= m
  auto y = [&](int t) { return dm(t) - dm(t - 1); };  // t >= m + 1
  auto d1 = [&](int t) { return x[t] - x[t - 1]; };   // t >= 1
  const int first = m + 1 + maxlag;
  if (n - first < 1) return Status::DataError("the series is too short for the OCSB test");
  const int rows = n - first;
  // The lag polynomial: y_t on y_{t-1..t-lag} (no intercept).
  std::vector<double> a(lag, 0.0);
  std::vector<std::vector<double>> lags(lag, std::vector<double>(rows));
  std::vector<double> yy(rows);
  for (int i = 0; i < rows; ++i) {
    const int t = first + i;
    yy[i] = y(t);
    for (int k = 1; k <= lag; ++k) lags[k - 1][i] = y(t - k);
  }
  if (lag > 0) {
    std::vector<std::span<const double>> cols(lags.begin(), lags.end());
    const LeastSquaresFit ar = FitLeastSquares(cols, yy);
    for (int k = 0; k < lag; ++k) a[k] = std::isnan(ar.coef[k]) ? 0.0 : ar.coef[k];
  }
  // Z4_{t-1}: the seasonal difference filtered by the lag polynomial; Z5_{t-m}: the same of
  // the first difference.
  std::vector<double> z4(rows), z5(rows);
  for (int i = 0; i < rows; ++i) {
    const int t = first + i;
    double v4 = dm(t - 1), v5 = d1(t - m);
    for (int k = 1; k <= lag; ++k) {
      v4 -= a[k - 1] * dm(t - 1 - k);
      v5 -= a[k - 1] * d1(t - m - k);
    }
    z4[i] = v4;
    z5[i] = v5;
  }
  std::vector<std::span<const double>> cols(lags.begin(), lags.end());
  const std::vector<double> zeros(lag == 0 ? rows : 0, 0.0);
  if (lag == 0) cols.emplace_back(zeros);  // R's zero lag column (collinear, dropped)
  cols.emplace_back(z4);
  cols.emplace_back(z5);
  OcsbFit fit;
  fit.ls = FitLeastSquares(cols, yy);
  const double nn = fit.ls.n;
  fit.aic = nn * (std::log(2 * std::numbers::pi) + 1 - std::log(nn) + std::log(fit.ls.rss)) +
            2.0 * (fit.ls.rank + 1);
  return fit;
}

}  // namespace

double OcsbCriticalValue(int period) {
  const double lm = std::log(static_cast<double>(period)) - 0.7656451;
  return -0.2937411 * std::exp(-0.2850853 * lm - 0.05983644 * lm * lm) - 1.652202;
}

Result<OcsbResult> OcsbTest(std::span<const double> x, int period, int maxlag) {
  int lag = maxlag;
  if (maxlag > 0) {
    double best = std::numeric_limits<double>::infinity();
    int best_index = 0;
    for (int l = 1; l <= maxlag; ++l) {
      RETAILCAST_ASSIGN_OR_RETURN(OcsbFit f, FitOcsb(x, period, l, maxlag));
      if (f.aic < best) {
        best = f.aic;
        best_index = l;
      }
    }
    if (best_index == 0) {
      return Status::DataError("the OCSB lag selection found no finite AIC");
    }
    lag = best_index - 1;
  }
  RETAILCAST_ASSIGN_OR_RETURN(OcsbFit f, FitOcsb(x, period, lag, lag));
  const size_t k = f.ls.coef.size();
  const double t4 = f.ls.coef[k - 2] / f.ls.se[k - 2];
  const double t5 = f.ls.coef[k - 1] / f.ls.se[k - 1];
  if (!std::isfinite(t4) || !std::isfinite(t5)) {
    return Status::DataError("the OCSB regression did not reach a solution (t value " +
                             std::to_string(std::isfinite(t5) ? t4 : t5) + ")");
  }
  return OcsbResult{t5, OcsbCriticalValue(period), lag};
}

}  // namespace retailcast::models
