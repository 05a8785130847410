// A trained model set: the model specs, and for every series its fitted state per model
// (the bytes of FittedModel::Save), its last date and its frequency; a global model
// (global_model.h) has one state for the whole set instead (GlobalFittedModel::Save, over the
// set's series in order). It is what `retailcast train` writes and `retailcast forecast` reads.
//
// Serialized format (all integers little-endian, as written by ByteWriter; see serialize.h):
//   string  magic          "retailcast.model_set" (u64 length + bytes)
//   u64     format version  kModelSetFormatVersion (2; version 1 files, which have no global
//                           section, are still read)
//   string  specs           JSON array: [{"name": s, "label": s, "params": {...}}, ...]
//   u64     series count    S
//   S times:
//     string  unique_id
//     i64     last date     days since 1970-01-01
//     string  frequency     Frequency::ToString(), e.g. "W-FRI"
//     M times (M = number of specs, in spec order):
//       u64     status       0 = fitted, else the StatusCode of the fit error
//       string  payload      the fitted state (status 0) or the error message; empty for a
//                            fitted series of a global model (its state is in the set's)
//   version 2 only:
//   u64     global count    G (the global models that were fitted)
//   G times:
//     u64     model         position in the specs (a global model, each at most once)
//     string  state         GlobalFittedModel::Save bytes
// Nothing may follow the last record.
//
// Thread-safety: a const TrainedModelSet may be read (Predict, Serialize) concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/status.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/forecast_engine.h"

namespace retailcast::eval {

inline constexpr uint64_t kModelSetFormatVersion = 2;
inline constexpr std::string_view kModelSetMagic = "retailcast.model_set";

// One series of a trained set.
struct TrainedSeries {
  std::string unique_id;
  Date last_date;  // date of the last training observation
  Frequency freq;
  // Per model (spec order): OK with the saved state, or the fit error.
  std::vector<Status> status;
  // FittedModel::Save bytes; empty where status is an error and for global models.
  std::vector<std::string> state;
};

class TrainedModelSet {
 public:
  TrainedModelSet() = default;
  TrainedModelSet(std::vector<ModelInstance> models, std::vector<TrainedSeries> series)
      : models_(std::move(models)), series_(std::move(series)), global_states_(models_.size()) {}
  // `global_states[j]`: the saved state of global model j over `series` in order (empty for
  // per-series models and for a global model whose fit failed); one entry per model.
  TrainedModelSet(std::vector<ModelInstance> models, std::vector<TrainedSeries> series,
                  std::vector<std::string> global_states)
      : models_(std::move(models)),
        series_(std::move(series)),
        global_states_(std::move(global_states)) {}

  const std::vector<ModelInstance>& models() const { return models_; }
  const std::vector<TrainedSeries>& series() const { return series_; }
  const std::vector<std::string>& global_states() const { return global_states_; }

  // The documented binary format above.
  std::string Serialize() const;
  // Reads Serialize() output, rebuilding the estimators through `registry` and loading every
  // fitted state once to check it. DataError for a wrong magic, an unknown format version,
  // truncated or trailing bytes, bad JSON, a bad date or frequency, a state the model cannot
  // load, a global state for a per-series model or of another number of series; NotFound for
  // a model name the registry lacks.
  static Result<TrainedModelSet> Deserialize(std::string_view bytes, const ModelRegistry& registry);

 private:
  std::vector<ModelInstance> models_;
  std::vector<TrainedSeries> series_;
  std::vector<std::string> global_states_;  // per model; empty for per-series models
};

struct TrainOptions {
  OnModelError on_error = OnModelError::kReport;  // kReport: failed fits are kept as errors
  ProgressFn progress;                            // optional, one tick per (series, model)
};

// Fits every model to every series (whole series) in parallel and keeps the saved states; a
// global model is fitted once on the whole panel (when that fails, every series records the
// error). InvalidArgument for bad models; with OnModelError::kFail, the first fit error in
// (series, model) order.
Result<TrainedModelSet> Train(const Panel& panel, std::vector<ModelInstance> models,
                              const TrainOptions& options, ThreadPool& pool);

// The fits that failed: "  id / label: error" for the first 10, then "N (series, model) fits
// failed"; empty when every fit succeeded.
std::string FormatFitErrors(const TrainedModelSet& set);

// A trained model set with every fitted model loaded once (the per-series models of every
// series and the global models), ready to forecast any of its series without reading bytes
// again: what forecasts from an artifact use (`retailcast forecast --artifact`, `explain
// --artifact`, the service). Movable, not copyable.
class LoadedModelSet {
 public:
  struct Series {
    std::string unique_id;
    Date last_date;  // date of the last training observation
    Frequency freq;
  };

  // Reads TrainedModelSet::Serialize bytes and loads every fitted state once, with the errors
  // of TrainedModelSet::Deserialize.
  static Result<LoadedModelSet> Load(std::string_view bytes, const ModelRegistry& registry);

  LoadedModelSet(LoadedModelSet&&) = default;
  LoadedModelSet& operator=(LoadedModelSet&&) = default;

  const std::vector<ModelInstance>& models() const { return models_; }
  const std::vector<Series>& series() const { return series_; }
  // Position of series `id` / of the model labelled `label`, or nullopt.
  std::optional<size_t> Find(std::string_view id) const;
  std::optional<size_t> FindModel(std::string_view label) const;
  // The fitted per-series model of series i and model j; null for a global model and where
  // the fit failed (fit_status says why).
  const FittedModel* fitted(size_t i, size_t j) const {
    return fitted_[i * models_.size() + j].get();
  }
  const Status& fit_status(size_t i, size_t j) const { return fit_status_[i * models_.size() + j]; }
  // The fitted global model j; null for per-series models and global models whose fit failed.
  const GlobalFittedModel* global(size_t j) const { return globals_[j].get(); }

 private:
  LoadedModelSet() = default;
  friend class ModelSetReader;

  std::vector<ModelInstance> models_;
  std::vector<Series> series_;
  std::vector<std::unique_ptr<FittedModel>> fitted_;  // series-major, series x models
  std::vector<Status> fit_status_;
  std::vector<std::unique_ptr<GlobalFittedModel>> globals_;  // per model
  std::unordered_map<std::string, size_t> index_;
};

// Forecasts every (series, model) of the set: dates freq.Advance(last_date, 1..h). Pairs whose
// fit failed, or whose prediction fails, are listed in ForecastRun::errors (or returned, with
// OnModelError::kFail); when every pair fails, NothingForecast's error. Rows are in series
// order, then model order, then date.
Result<ForecastRun> Predict(const LoadedModelSet& set, const ForecastOptions& options,
                            ThreadPool& pool);

// The forecast of series i by model j (PredictModel, model_runner.h). For a global model the
// whole set is forecast and series i's part kept, so callers asking for many series should use
// Predict. The fit error when the fit failed.
Result<Forecast> PredictOne(const LoadedModelSet& set, size_t i, size_t j,
                            const PredictRequest& request, ThreadPool& pool);

}  // namespace retailcast::eval
