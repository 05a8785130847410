// The additive model ("additive" in the registry): a Prophet-style decomposable model
//
//   y(t) = floor + T(t) * (1 + sum of multiplicative parts) + sum of additive parts + noise
//
// with a piecewise-linear, logistic or flat trend T whose rate changes at automatic
// changepoints under a sparsity (Laplace) prior; Fourier seasonalities (yearly, weekly and any
// custom period); holidays from the built-in calendars (holidays.h) and user events
// (events.h), each with day windows and a prior scale; and extra regressors (price,
// promotion, temperature, ...), standardised. Parameters are the MAP estimate under
// Prophet's priors, found by L-BFGS-B. Intervals come from observation noise plus simulated
// future trend changes, optionally from a count-aware (negative binomial) noise model; every
// forecast carries its components per date. docs/additive.md has the formulas and defaults.
//
// Source: S. J. Taylor and B. Letham, "Forecasting at scale", The American Statistician 72(1),
// 2018, and the model of R package prophet 1.0 (prophet.stan, fit.prophet, predict.prophet,
// sample_predictive_trend), re-derived here; no Stan toolchain is used.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/model.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/params.h"
#include "retailcast/core/status.h"
#include "retailcast/features/events.h"

namespace retailcast::models {

inline constexpr std::string_view kAdditiveName = "additive";

enum class Growth : uint8_t { kLinear, kLogistic, kFlat };
enum class ComponentMode : uint8_t { kAdditive, kMultiplicative };

struct SeasonalitySpec {
  std::string name;  // "yearly", "weekly", "daily" or a custom name
  double period_days = 0;
  int order = 0;  // number of sine/cosine pairs
  double prior_scale = 10;
  ComponentMode mode = ComponentMode::kAdditive;
};

// One country holiday with its own window and prior scale (the holiday_settings parameter),
// e.g. Thanksgiving with the Friday after it. `name` is as features::HolidaysBetween gives it.
struct HolidaySetting {
  std::string name;
  int lower_window = 0;
  int upper_window = 0;
  double prior_scale = 0;  // 0 = holidays_prior_scale
};

enum class Standardize : uint8_t {
  kAuto,  // standardise unless the column only holds 0 and 1 (a flag) or one value
  kYes,
  kNo,
};

struct RegressorSpec {
  std::string name;  // exogenous column of the series (SeriesView::exog)
  double prior_scale = 10;
  ComponentMode mode = ComponentMode::kAdditive;
  Standardize standardize = Standardize::kAuto;
};

// Every option of the model. AdditiveParamsFromValues builds it from the registry's
// parameter values; code may also fill it directly (e.g. with events built in memory).
struct AdditiveParams {
  Growth growth = Growth::kLinear;
  // Logistic growth: the capacity as a constant (> floor) or an exogenous column, whose
  // future values then come from PredictRequest::future. Floor likewise (default 0).
  double cap = 0;
  std::string cap_column;
  double floor = 0;
  std::string floor_column;

  // Trend changepoint candidates: n_changepoints spread over the first changepoint_range of
  // the observations, with a Laplace(0, changepoint_prior_scale) prior on each rate change.
  int n_changepoints = 25;
  double changepoint_range = 0.85;
  double changepoint_prior_scale = 0.05;

  // Fourier orders: -1 = automatic (yearly 10 with >= 2 years of history; weekly 3 for daily
  // data spanning >= 2 weeks; daily never, since the finest frequency is one day), 0 = off.
  int yearly_order = -1;
  int weekly_order = -1;
  int daily_order = -1;
  ComponentMode yearly_mode = ComponentMode::kAdditive;
  ComponentMode weekly_mode = ComponentMode::kAdditive;
  ComponentMode daily_mode = ComponentMode::kAdditive;
  double seasonality_prior_scale = 10;
  std::vector<SeasonalitySpec> seasonalities;  // custom, after the built-in ones

  // Country holidays (features::FindHolidayCountry code; empty = none) and user events.
  std::string country;
  int holidays_lower_window = 0;
  int holidays_upper_window = 0;
  double holidays_prior_scale = 10;
  ComponentMode holidays_mode = ComponentMode::kAdditive;
  std::vector<HolidaySetting> holiday_settings;  // per-holiday windows and prior scales
  // An event with prior_scale 0 takes holidays_prior_scale; events share holidays_mode.
  std::vector<features::Event> events;

  std::vector<RegressorSpec> regressors;

  // Simulated paths behind the intervals (0 = normal intervals from the noise alone).
  int interval_samples = 1000;
  // Intervals from a negative binomial noise model fitted to the residuals, so they never go
  // below zero; the mean is then max(yhat, 0). For unit sales.
  bool count_aware = false;
  uint64_t seed = 0;

  // Grid search: rolling-origin backtest on the training series over changepoint and
  // seasonality prior scales, scored by MASE, then a refit with the best pair.
  bool tune = false;
  int tune_windows = 3;
  int tune_horizon = 0;  // 0 = a tenth of the series, at least 1
  std::vector<double> tune_changepoint_scales = {0.001, 0.01, 0.1, 0.5};
  std::vector<double> tune_seasonality_scales = {0.01, 0.1, 1, 10};
};

// The registry's parameter table of "additive" (param_table.h; see `retailcast models`).
const ParamTableBase& AdditiveParamTable();
// Builds the options from validated values: parses the lists (regressors, seasonalities,
// grids), reads the events file. InvalidArgument for a malformed list or inconsistent
// options; the events file's own errors (NotFound, DataError) as returned by
// features::ReadEventsFile.
Result<AdditiveParams> AdditiveParamsFromValues(const ParamValues& values);
// Checks the options (InvalidArgument naming the option) and builds the estimator.
Result<std::unique_ptr<Estimator>> MakeAdditiveEstimator(AdditiveParams params);
// The registry factory: AdditiveParamsFromValues then MakeAdditiveEstimator.
Result<std::unique_ptr<Estimator>> MakeAdditive(const ParamValues& values);

}  // namespace retailcast::models
