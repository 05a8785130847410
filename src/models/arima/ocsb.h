// The OCSB test for a seasonal unit root (private to src/models), auto_arima's alternative to
// the seasonal-strength heuristic (parameter seasonal_test = ocsb).
//
// Source: Osborn, Chui, Smith & Birchenhall (1988), "Seasonality and the order of integration
// for consumption", Oxford Bulletin of Economics and Statistics 50, 361-377, as R forecast
// 8.20's ocsb.test(x, maxlag = 3, lag.method = "AIC") runs it: the regression of
// (1 - B)(1 - B^m) x_t on its own lags, Z4_{t-1} and Z5_{t-m} (the seasonal and first
// differences filtered by the fitted lag polynomial), the statistic being the t value of Z5,
// compared with the critical value of Osborn et al.'s simulated response surface (the 5 %
// level). The lag order is picked by AIC among 1..maxlag, and, as R does, the selected fit's
// position minus one is the lag order used.
//
// Pure function; thread-safe.
#pragma once

#include <span>

#include "retailcast/core/status.h"

namespace retailcast::models {

struct OcsbResult {
  double statistic = 0;  // t value of the Z5 coefficient
  double critical = 0;   // 5 % critical value for the season length
  int lags = 0;          // lag order of the final regression
};

// x without NaN, period >= 2. DataError when a regression has no residual degrees of freedom
// or the statistic is undefined (R's ocsb.test stops then; nsdiffs then assumes no seasonal
// difference).
Result<OcsbResult> OcsbTest(std::span<const double> x, int period, int maxlag);

// Osborn et al.'s 5 % critical value for season length m.
double OcsbCriticalValue(int period);

}  // namespace retailcast::models
