// STL: Seasonal-Trend decomposition by Loess (Cleveland, Cleveland, McRae & Terpenning 1990,
// "STL: A seasonal-trend decomposition procedure based on loess", Journal of Official
// Statistics 6(1), 3-73), with the defaults and the loess "jumps" of R's stats::stl, so a
// decomposition here equals R's to rounding. Also MSTL (Bandara, Hyndman & Bergmeir 2021,
// "MSTL: A seasonal-trend decomposition algorithm for time series with multiple seasonal
// patterns"), iterating STL over several periods as R forecast's mstl() does.
//
// Pure functions on complete series (no NaN: fill gaps first); thread-safe.
#pragma once

#include <span>
#include <vector>

namespace retailcast::models {

struct StlOptions {
  int period = 0;       // np >= 2
  int s_window = 11;    // seasonal loess span (odd, >= 3; made odd by adding 1 as R does)
  int s_degree = 0;     // 0 or 1
  int t_window = 0;     // trend span; 0 = R's default nextodd(ceil(1.5 np / (1 - 1.5 / ns)))
  int t_degree = 1;     // 0 or 1
  int l_window = 0;     // low-pass span; 0 = nextodd(np)
  int l_degree = -1;    // -1 = t_degree, as R
  bool robust = false;  // R: inner = 1 and outer = 15 when robust, else inner = 2, outer = 0
  int inner = 0;        // 0 = R's default for `robust`
  int outer = -1;       // -1 = R's default for `robust`
};

struct StlResult {
  std::vector<double> seasonal, trend, remainder;
};

// Decomposes y (length >= 2 * period) into seasonal + trend + remainder. Requires a valid
// period and no NaN (the caller's job; checked with a CHECK-style abort being wrong for user
// data, so callers validate first).
StlResult Stl(std::span<const double> y, const StlOptions& options);

struct MstlResult {
  std::vector<int> periods;                   // ascending, the ones used
  std::vector<std::vector<double>> seasonal;  // one component per period
  std::vector<double> trend, remainder;
};

// MSTL as R forecast 8.20's mstl(): periods ascending, those >= n / 2 dropped, `iterate`
// passes (R uses 2 for several periods, 1 for one) of STL on the series with the other
// components removed, seasonal window 7 + 4 i for the i-th period (1-based), the trend of the
// last STL fit. With no usable period the result has no seasonal component and the trend is
// the series itself (R smooths it with supsmu; a forecasting model on the adjusted series
// does not need that).
MstlResult Mstl(std::span<const double> y, std::vector<int> periods, int iterate = 2,
                bool robust = false);

}  // namespace retailcast::models
