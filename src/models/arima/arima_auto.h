// Automatic ARIMA order selection (private to src/models; the auto_arima model of
// arima_auto.cc is its registry face), as R forecast 8.20's auto.arima() with its defaults.
//
// Source: Hyndman & Khandakar (2008), "Automatic time series forecasting: the forecast
// package for R", Journal of Statistical Software 27(3), section 3.2: the number of seasonal
// differences D from a seasonal test (here the seasonal strength heuristic of R's nsdiffs,
// "seas", or the OCSB test), the number of differences d from repeated KPSS tests on the
// seasonally differenced series, then a stepwise search over (p, q, P, Q, constant) minimising
// AICc (or AIC, BIC). The details that decide which model R picks are reproduced: the order
// caps (a third of the series, m - 1 for seasonal models), the four starting models and the
// order of the neighbour moves, CSS fits with an offset during the search when
// `approximation` (n > 150 or m > 12) followed by maximum likelihood refits of the candidates
// in IC order until one is usable, the rejection of models with roots within 1.01 of the unit
// circle or undefined standard errors, the drift term when d + D = 1, the special cases of a
// constant series or constant differences.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "arima_core.h"
#include "arima_fit.h"
#include "retailcast/core/status.h"

namespace retailcast::models::arima {

enum class InformationCriterion { kAicc, kAic, kBic };
enum class SeasonalTest { kSeas, kOcsb };
enum class Approximation { kAuto, kOn, kOff };

struct AutoArimaOptions {
  int d = -1;  // -1 = chosen by the KPSS test
  int D = -1;  // -1 = chosen by the seasonal test
  int max_p = 5, max_q = 5, max_P = 2, max_Q = 2;
  int max_order = 5;  // p + q + P + Q, for the exhaustive search only (as R)
  int max_d = 2, max_D = 1;
  int start_p = 2, start_q = 2, start_P = 1, start_Q = 1;
  bool stationary = false;  // d = D = 0
  bool seasonal = true;     // false: non-seasonal models only
  InformationCriterion ic = InformationCriterion::kAicc;
  bool stepwise = true;
  int nmodels = 94;  // cap on the models the stepwise search fits
  Approximation approximation = Approximation::kAuto;
  SeasonalTest seasonal_test = SeasonalTest::kSeas;
  bool allow_drift = true;
  bool allow_mean = true;
  // Estimation method of every fit; unset (auto) = CSS during an approximate search, CSS-ML
  // otherwise.
  std::optional<ArimaMethod> method;
};

// One model the search fitted.
struct SearchStep {
  ArimaOrder order;
  bool constant = false;
  double ic = 0;  // +inf when the fit failed or was rejected
};

struct AutoArimaResult {
  ArimaFit fit;  // with its final pass
  ArimaCriteria criteria;
  double ic = 0;
  // R's constant-series case: the forecast is the first value with zero variance.
  bool constant_series = false;
  std::vector<SearchStep> steps;  // in the order fitted (the ML refits of an approximate
                                  // search last)
};

// Selects and fits a model for x (leading missing values already removed; x[0] observed) with
// season length m and regressors (each the length of x). DataError when no model can be
// fitted (R: "No suitable ARIMA model found", "Not enough data", "xreg is rank deficient").
Result<AutoArimaResult> AutoArima(std::span<const double> x, int m,
                                  std::span<const ArimaRegressor> xreg,
                                  const AutoArimaOptions& options);

// R forecast's ndiffs(x, test = "kpss", alpha = 0.05): differences needed for level
// stationarity, at most max_d; missing values dropped.
int NumberOfDifferences(std::span<const double> x, int max_d);
// R forecast's nsdiffs(x, test): seasonal differences needed, at most max_D.
int NumberOfSeasonalDifferences(std::span<const double> x, int m, SeasonalTest test, int max_D);
// R forecast's is.constant (all.equal to the first value, tolerance 1.5e-8).
bool IsConstant(std::span<const double> x);

}  // namespace retailcast::models::arima
