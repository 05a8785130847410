// The fitted state of the additive model and the steps between a series and a forecast
// (private to src/models): fit one series at given prior scales, evaluate the deterministic
// part of a forecast, and the grid search that picks the prior scales (additive_tune.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "additive_design.h"
#include "retailcast/core/model.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"
#include "retailcast/models/additive.h"

namespace retailcast::models::additive {

// Everything Predict needs; exactly what Save writes.
struct State {
  std::string series_id;  // with seed, the stream of the simulated paths
  uint64_t seed = 0;
  // The training grid: `length` periods of `freq` from `start` (the forecast starts after it).
  Date start;
  Frequency freq;
  int64_t length = 0;
  Growth growth = Growth::kLinear;
  // t = (day - t_start) / t_scale, day = days since 1970-01-01 of the period stamp.
  double t_start = 0;
  double t_scale = 1;
  double y_scale = 1;
  double floor = 0;  // constant floor (when floor_column is empty)
  std::string floor_column;
  double cap = 0;  // constant capacity (logistic, when cap_column is empty)
  std::string cap_column;
  std::vector<double> changepoints;  // scaled t, sorted
  double k = 0;
  double m = 0;
  std::vector<double> delta;
  std::vector<double> beta;
  double sigma = 0;  // observation noise, scaled units
  FeatureDefs defs;
  int64_t interval_samples = 1000;
  bool count_aware = false;
  double dispersion = 0;  // negative binomial: variance = mean + dispersion * mean^2
};

// Fits one series with the given changepoint and seasonality prior scales (the grid search
// passes its candidates; otherwise the params' own). Fills *in_sample when not null.
// DataError (naming the series) for unusable data, InvalidArgument for options that do not
// fit the series (e.g. a missing regressor column).
Result<State> FitState(const SeriesView& series, const AdditiveParams& params,
                       double changepoint_prior_scale, double seasonality_prior_scale,
                       InSample* in_sample);

// The deterministic part of a forecast over `horizon` periods after the training grid.
struct Path {
  std::vector<double> t;      // scaled time
  std::vector<double> trend;  // T in scaled units, above the floor
  std::vector<double> z;      // logistic: the argument of the sigmoid
  std::vector<double> cap;    // logistic: scaled capacity
  std::vector<double> mult;   // sum of multiplicative parts
  std::vector<double> add;    // sum of additive parts, scaled units
  std::vector<double> floor;  // original units
  std::vector<double> mean;   // original units: floor + y_scale (T (1 + mult) + add)
  std::vector<std::string> component_names;
  std::vector<std::vector<double>> components;  // original units; they sum to mean
};

// InvalidArgument naming the regressor (and the missing dates) when `future` lacks a value
// the model needs, or starts on another date than the period after the training grid.
Result<Path> EvaluatePath(const State& state, int horizon, const FutureRegressors* future);

// The grid search of AdditiveParams::tune: the (changepoint, seasonality) prior scales with
// the lowest mean MASE over a rolling-origin backtest inside `series`. DataError when the
// series is too short for a single backtest window.
Status TunePriorScales(const SeriesView& series, const AdditiveParams& params,
                       double* changepoint_prior_scale, double* seasonality_prior_scale);

}  // namespace retailcast::models::additive
