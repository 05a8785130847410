// The KPSS test of level stationarity (private to src/models), which auto_arima uses to choose
// the number of first differences.
//
// Source: Kwiatkowski, Phillips, Schmidt & Shin (1992), "Testing the null hypothesis of
// stationarity against the alternative of a unit root", Journal of Econometrics 54, 159-178:
// the statistic with Bartlett-weighted long-run variance and the critical values of their
// table 1 (level case), as R's urca::ur.kpss(type = "mu") computes it and R forecast's
// ndiffs() turns it into a p-value (linear interpolation in the table, clamped at its ends).
//
// Pure functions; thread-safe.
#pragma once

#include <span>

namespace retailcast::models {

// eta = sum_t S_t^2 / (n^2 s^2(l)) with S_t the partial sums of x - mean(x) and
// s^2(l) = (1/n) sum e_t^2 + (2/n) sum_{k=1..l} (1 - k/(l+1)) sum_t e_t e_{t-k}.
// Requires x without NaN and n >= 1.
double KpssStatistic(std::span<const double> x, int lags);

// The p-value of a level KPSS statistic: interpolated between the critical values 0.347,
// 0.463, 0.574, 0.739 (10%, 5%, 2.5%, 1%), 0.10 below the first, 0.01 above the last.
double KpssPValue(double statistic);

}  // namespace retailcast::models
