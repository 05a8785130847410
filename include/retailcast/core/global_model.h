// Global models: one model fitted on every series of a panel at once (gradient boosting,
// neural networks, ensembles of them), as opposed to the per-series Estimator of model.h.
//
// A GlobalEstimator (validated parameters, no data) fits a GlobalTrainingData (a panel and,
// per series, how many leading values are training data) and returns a GlobalFittedModel,
// which forecasts every series of the fit from the end of its own training part and can be
// saved and loaded back bit for bit. The fitted model keeps what it needs of each series'
// history (e.g. the last values its lag features read), so a loaded model forecasts without
// the panel.
//
// Registry entries of global models set ModelEntry::global_factory (registry.h); the forecast
// engine, the backtest and trained model sets then fit them once per panel (once per backtest
// window) instead of once per series. MakePerSeriesEstimator turns any global estimator into a
// per-series Estimator (the global model fitted to one series alone), so global models also
// work wherever a per-series model is expected (combinations, per-series selection,
// BacktestSeries).
//
// Ownership: the training data and the requests are views; the caller keeps the panel and the
// future regressors alive for the duration of the call. Fitted models own their state.
// Thread-safety: Fit and Predict are const and may run concurrently with other calls on the
// same object; each uses the given pool (ThreadPool::ParallelFor is not reentrant, so never
// call them from inside a ParallelFor of the same pool).
// Errors: InvalidArgument for bad requests, DataError for unusable data (the message names
// the series or the model); problems of single series are per-series statuses, not a failed
// call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "retailcast/core/model.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/serialize.h"
#include "retailcast/core/status.h"
#include "retailcast/core/thread_pool.h"

namespace retailcast {

// What a global fit may read: series i's first train_length(i) values and the exogenous values
// at the same positions. Nothing after a series' training part reaches the fit, which is how a
// backtest cuts every series at its own cutoff without copying the panel.
struct GlobalTrainingData {
  const Panel* panel = nullptr;  // not owned
  // Training length per series (<= panel length); empty = every series whole. A length of 0
  // leaves the series out of the fit (its forecast is a DataError).
  std::span<const int64_t> lengths;
  // Whether the fitted model should keep in-sample one-step fitted values of every series
  // (GlobalFittedModel::InSampleOf); they cost a prediction over every training row.
  bool in_sample = false;

  size_t num_series() const { return panel == nullptr ? 0 : panel->num_series(); }
  int64_t length(size_t i) const { return lengths.empty() ? panel->length(i) : lengths[i]; }
  // The training part of series i (a view into the panel).
  SeriesView series(size_t i) const {
    return panel->series(i).Head(static_cast<size_t>(length(i)));
  }
};

struct GlobalPredictRequest {
  int horizon = 1;
  std::vector<double> levels;  // interval levels in percent, each in (0, 100)
  // future[i]: known future exogenous values of series i over the horizon (null: none known);
  // empty: none for any series. Not owned.
  std::span<const FutureRegressors* const> future;
};

// Forecasts of every series of the fit, in panel order: status[i] OK with forecasts[i] set,
// or why series i has no forecast (e.g. it had no training data).
struct GlobalForecast {
  std::vector<Status> status;
  std::vector<Forecast> forecasts;
};

// One input of a fitted model with its share of the model's total gain (sums to 1 over the
// features the model used), for explanations.
struct FeatureImportance {
  std::string feature;
  double gain_share = 0;
};

class GlobalFittedModel {
 public:
  virtual ~GlobalFittedModel() = default;
  // Number of series of the fit (the panel's), in panel order.
  virtual size_t num_series() const = 0;
  // Forecasts request.horizon periods after the end of every series' training part.
  // InvalidArgument for a bad request (ValidatePredictRequest) or a `future` span whose size
  // is neither 0 nor num_series(); per-series failures (e.g. a regressor the model was fitted
  // with is absent from that series' future values) are in GlobalForecast::status.
  virtual Result<GlobalForecast> Predict(const GlobalPredictRequest& request,
                                         ThreadPool& pool) const = 0;
  // In-sample one-step fit of series i, aligned to its training part; empty vectors when the
  // fit was not asked for them (GlobalTrainingData::in_sample) or the model was loaded.
  virtual InSample InSampleOf(size_t i) const = 0;
  // Writes the state needed to predict (not the in-sample fit) to `out`.
  virtual void Save(ByteWriter& out) const = 0;
  // Gain shares of the model's inputs, largest first; empty for models without them.
  virtual std::vector<FeatureImportance> Importance() const { return {}; }
};

class GlobalEstimator {
 public:
  virtual ~GlobalEstimator() = default;
  // Fits every series of `data` at once. DataError when no series has enough training data
  // (naming the model and the requirement); InvalidArgument when the panel lacks something
  // the parameters name (an attribute, an exogenous column).
  virtual Result<std::unique_ptr<GlobalFittedModel>> Fit(const GlobalTrainingData& data,
                                                         ThreadPool& pool) const = 0;
  // Rebuilds a fitted model from bytes written by GlobalFittedModel::Save of this estimator;
  // DataError for truncated, corrupt or foreign bytes (never a crash).
  virtual Result<std::unique_ptr<GlobalFittedModel>> Load(ByteReader& in) const = 0;
};

// The per-series form of a global model: Fit(series) fits `global` on a panel of that one
// series (with its exogenous columns and attributes when it is a view into a panel), single-
// threaded, with in-sample values; Predict passes the request's future regressors on. The
// fitted state is the global model's state. `global` must not be null.
std::unique_ptr<Estimator> MakePerSeriesEstimator(std::shared_ptr<const GlobalEstimator> global);

}  // namespace retailcast
