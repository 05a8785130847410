// STL seasonal-trend decomposition by loess (private to src/models), and the two things
// auto_arima builds on it: the seasonal strength heuristic that chooses the number of seasonal
// differences, and the interpolation of missing values that precedes it.
//
// Sources: Cleveland, Cleveland, McRae & Terpenning (1990), "STL: A Seasonal-Trend
// Decomposition Procedure Based on Loess", Journal of Official Statistics 6(1), 3-73, with the
// details of its reference implementation as R's stats::stl() runs it (loess weights, the
// jumps with linear interpolation between fitted points, the end-point extrapolation of the
// cycle-subseries, the robustness weights). Seasonal strength: Wang, Smith & Hyndman (2006),
// "Characteristic-based clustering for time series data", as R forecast 8.20's seas.heuristic()
// computes it on mstl(); missing values as its na.interp().
//
// Pure functions; thread-safe.
#pragma once

#include <span>
#include <vector>

namespace retailcast::models {

struct StlOptions {
  int s_window = 11;  // seasonal loess span (made odd, at least 3)
  int s_degree = 0;   // seasonal loess degree (0 or 1)
  int t_window = 0;   // trend span; 0 = nextodd(ceil(1.5 period / (1 - 1.5 / s_window)))
  int t_degree = 1;
  int l_window = 0;  // low-pass span; 0 = nextodd(period)
  int l_degree = 1;
  bool robust = false;  // robustness iterations of 1 inner pass (else none and 2 passes)
  int outer = 15;       // robustness iterations when robust (R's outer)
};

struct StlResult {
  std::vector<double> seasonal, trend, remainder;
};

// Decomposes x (no NaN, length > 2 * period, period >= 2) into seasonal + trend + remainder.
StlResult Stl(std::span<const double> x, int period, const StlOptions& options);

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
