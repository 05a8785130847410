// The forecast engine: fits every series x model of a panel in parallel and predicts (through
// the model runner, model_runner.h), giving a ForecastTable plus a list of the (series, model)
// pairs that failed, with reasons.
//
// Results never depend on the number of threads: every (series, model) pair is independent,
// and rows come out in series order, then model order, then date.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/forecast_table.h"
#include "retailcast/core/global_model.h"
#include "retailcast/core/model.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/params.h"
#include "retailcast/core/status.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/model_specs.h"

namespace retailcast::eval {

// What to do when a model cannot fit or predict a series.
enum class OnModelError {
  kReport,  // record it in the error list and go on (the series has no rows for that model)
  kFail,    // stop: the run returns the first error in (series, model) order
};

// Called with (pairs done, pairs total) as work completes. Calls may come from any pool
// thread but never concurrently, and `done` increases by one per call up to `total`.
using ProgressFn = std::function<void(size_t done, size_t total)>;

struct ForecastOptions {
  PredictRequest request;  // horizon and interval levels (percent); `future` is set per series
  OnModelError on_error = OnModelError::kReport;
  ProgressFn progress;  // optional
  // Known future values of exogenous columns: a panel with the same series ids and frequency
  // whose exogenous columns cover (at least) the forecast dates of each series; the target
  // values are ignored. Null when none are known. Not owned; must outlive the call.
  const Panel* future = nullptr;
};

// The future regressors of one series with the values they point to. Filled by
// FutureFromPanel; not copyable (the views point into `storage`).
struct SeriesFuture {
  SeriesFuture() = default;
  SeriesFuture(const SeriesFuture&) = delete;
  SeriesFuture& operator=(const SeriesFuture&) = delete;

  FutureRegressors regressors;
  std::vector<std::vector<double>> storage;
};

// Fills `out` with every exogenous column of `future` for the `horizon` periods after `last`
// of series `id` (NaN where `future` has no value for a date, or no series `id`), so a model
// that needs a regressor reports exactly the dates that are missing.
void FutureFromPanel(const Panel& future, std::string_view id, Date last, int horizon,
                     SeriesFuture* out);

// The regressors of a series' own exogenous columns after its first `cutoff` values (a
// backtest's test window: the actual exogenous values stand in for the known future ones);
// views into the panel, empty when the series has no panel.
FutureRegressors FutureWithinSeries(const SeriesView& series, size_t cutoff);

// A (series, model) pair that produced no forecast, and why.
struct SeriesError {
  std::string unique_id;
  std::string model;  // label
  Status status;
};

// The feature importance of a global model's fit, for explanations.
struct ModelImportance {
  std::string model;  // label
  std::vector<FeatureImportance> features;
};

struct ForecastRun {
  ForecastTable table;              // levels = request.levels
  std::vector<SeriesError> errors;  // in (series, model) order
  // One entry per global model that reports feature importance (model order); empty when
  // every model is per-series.
  std::vector<ModelImportance> importance;
};

// Fits each model to each series of `panel` (on the whole series) and predicts
// `request.horizon` periods; row dates are panel.freq().Advance(series end, 1..h). A global
// model is fitted once on the whole panel (using `pool`); when that fit fails, every series
// gets its error for that model.
// InvalidArgument for a bad request (ValidatePredictRequest) or bad models; with
// OnModelError::kFail, the first failing pair's error (with series and model named); when
// every pair fails, NothingForecast's error.
// A model whose forecast has the wrong length is reported as an Internal error of that pair.
// A series of length 0 is reported as a DataError of each of its pairs.
Result<ForecastRun> ForecastPanel(const Panel& panel, std::span<const ModelInstance> models,
                                  const ForecastOptions& options, ThreadPool& pool);

// "N (series, model) pairs have no forecast:" and the first `max_shown` errors, one per line;
// empty when there are none.
std::string FormatSeriesErrors(std::span<const SeriesError> errors, size_t max_shown = 10);

// The outcome of a run in which no (series, model) pair got a forecast: the first pair's error,
// saying that every pair failed. OK when the run has rows or nothing was asked.
Status NothingForecast(const ForecastRun& run);

}  // namespace retailcast::eval
