// What auto_arima builds on STL: the seasonal-strength heuristic that chooses the number of
// seasonal differences, and the interpolation of missing values that precedes it.
//
// Sources: seasonal strength from Wang, Smith & Hyndman (2006), "Characteristic-based
// clustering for time series data", as R forecast 8.20's seas.heuristic() computes it on
// mstl(); missing values as its na.interp().
//
// Pure functions; thread-safe.
#pragma once

#include <span>
#include <vector>

namespace retailcast::models {

// Seasonal strength max(0, min(1, 1 - var(remainder) / var(remainder + seasonal))) of the STL
// decomposition with s_window 11 (R's mstl() for one season length), after interpolating
// missing values; positions that were missing are left out of both variances. Requires
// length > 2 * period and period >= 2.
double SeasonalStrength(std::span<const double> x, int period);

// Fills NaN positions (R forecast's na.interp): linear interpolation (constant beyond the ends)
// when period <= 1 or there are at most 2 * period observed values; otherwise a robust STL of
// the series pre-filled by a regression on Fourier terms and a polynomial trend, the missing
// values being the interpolated seasonally adjusted series plus the seasonal component (and
// linear interpolation if that goes more than half the range beyond the observed range).
// Requires at least one observed value.
std::vector<double> InterpolateMissing(std::span<const double> x, int period);

}  // namespace retailcast::models
