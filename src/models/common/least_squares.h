// Ordinary least squares through a column-pivoted Householder QR (private to src/models), with
// what R's lm() and summary.lm() report: coefficients, standard errors, rank and residual sum
// of squares. Used for the regression starting values of ARIMA with regressors, the OCSB test
// and the missing-value interpolation of the seasonal-strength test.
//
// Pure function; thread-safe.
#pragma once

#include <span>
#include <vector>

namespace retailcast::models {

struct LeastSquaresFit {
  std::vector<double> coef;  // one per column; NaN for a column dropped as collinear
  std::vector<double> se;    // standard errors sqrt(s^2 (X'X)^-1_jj), s^2 = rss / df
  int rank = 0;
  int n = 0;   // rows used (those without NaN in y or any column)
  int df = 0;  // n - rank
  double rss = 0;
  std::vector<bool> used;  // per input row: did it enter the fit
};

// Regresses y on the given columns (no implicit intercept: pass a column of ones for one).
// Rows where y or any column is NaN are left out (R's na.omit). A column whose pivoted
// diagonal of R is below 1e-7 times the largest (R's lm tolerance) is treated as collinear.
LeastSquaresFit FitLeastSquares(std::span<const std::span<const double>> columns,
                                std::span<const double> y);

}  // namespace retailcast::models
