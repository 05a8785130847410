#include "retailcast/eval/model_set.h"

#include <nlohmann/json.hpp>

#include <exception>
#include <utility>

#include "global_support.h"
#include "progress.h"
#include "retailcast/eval/model_runner.h"
#include "series_context.h"

namespace retailcast::eval {
namespace {

std::string SpecsToJson(const std::vector<ModelInstance>& models) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& m : models) {
    nlohmann::ordered_json o;
    o["name"] = m.spec.name;
    o["label"] = m.spec.label;
    o["params"] = nlohmann::ordered_json::parse(m.spec.params.ToJson());
    arr.push_back(std::move(o));
  }
  return arr.dump();
}

Status Corrupt(const std::string& what) {
  return Status::DataError("model set is corrupt: " + what);
}

// Parses the specs JSON and rebuilds the estimators; JSON errors become DataError.
Result<std::vector<ModelInstance>> SpecsFromJson(const std::string& text,
                                                 const ModelRegistry& registry) {
  nlohmann::json arr = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (arr.is_discarded() || !arr.is_array()) return Corrupt("the model specs are not a JSON array");
  std::vector<ModelSpec> specs;
  for (const auto& o : arr) {
    if (!o.is_object() || !o.contains("name") || !o["name"].is_string() || !o.contains("label") ||
        !o["label"].is_string() || !o.contains("params") || !o["params"].is_object()) {
      return Corrupt("a model spec lacks a string name, a string label or a params object: " +
                     o.dump());
    }
    ModelSpec spec;
    spec.name = o["name"].get<std::string>();
    spec.label = o["label"].get<std::string>();
    RETAILCAST_ASSIGN_OR_RETURN(const ModelEntry* entry, registry.Find(spec.name));
    auto params = ParseParamsJson(entry->spec, o["params"].dump(), spec.name);
    if (!params.ok()) return Corrupt(params.status().message());
    spec.params = std::move(params).value();
    specs.push_back(std::move(spec));
  }
  auto models = InstantiateModels(registry, specs);
  if (!models.ok() && models.status().code() == StatusCode::kInvalidArgument) {
    return Corrupt(models.status().message());
  }
  return models;
}

}  // namespace

std::string TrainedModelSet::Serialize() const {
  ByteWriter w;
  w.PutString(kModelSetMagic);
  w.PutU64(kModelSetFormatVersion);
  w.PutString(SpecsToJson(models_));
  w.PutU64(series_.size());
  for (const auto& s : series_) {
    w.PutString(s.unique_id);
    w.PutI64(s.last_date.days);
    w.PutString(s.freq.ToString());
    for (size_t j = 0; j < models_.size(); ++j) {
      w.PutU64(static_cast<uint64_t>(s.status[j].code()));
      w.PutString(s.status[j].ok() ? std::string_view(s.state[j])
                                   : std::string_view(s.status[j].message()));
    }
  }
  uint64_t n_global = 0;
  for (const auto& g : global_states_) n_global += g.empty() ? 0 : 1;
  w.PutU64(n_global);
  for (size_t j = 0; j < global_states_.size(); ++j) {
    if (global_states_[j].empty()) continue;
    w.PutU64(j);
    w.PutString(global_states_[j]);
  }
  return w.Release();
}

// Reads the serialized format (documented in model_set.h) once. Every fitted state is loaded
// to check it; LoadedModelSet keeps what was loaded, TrainedModelSet keeps the bytes.
class ModelSetReader {
 public:
  ModelSetReader(std::string_view bytes, const ModelRegistry& registry, bool keep_loaded)
      : r_(bytes), registry_(registry), keep_loaded_(keep_loaded) {}

  Status Read() {
    std::string magic;
    if (!r_.GetString(&magic).ok() || magic != kModelSetMagic) {
      return Status::DataError("not a retailcast model set (the file does not start with '" +
                               std::string(kModelSetMagic) + "')");
    }
    uint64_t version = 0;
    if (!r_.GetU64(&version).ok()) return Corrupt("truncated after the magic");
    if (version != 1 && version != kModelSetFormatVersion) {
      return Status::DataError("model set format version " + std::to_string(version) +
                               " is not supported (this build reads version " +
                               std::to_string(kModelSetFormatVersion) + ")");
    }
    std::string specs_json;
    if (!r_.GetString(&specs_json).ok()) return Corrupt("truncated in the model specs");
    RETAILCAST_ASSIGN_OR_RETURN(models_, SpecsFromJson(specs_json, registry_));
    uint64_t n_series = 0;
    if (!r_.GetU64(&n_series).ok()) return Corrupt("truncated before the series count");
    for (uint64_t i = 0; i < n_series; ++i) RETAILCAST_RETURN_IF_ERROR(ReadSeries(i));
    global_states_.resize(models_.size());
    globals_.resize(models_.size());
    if (version >= 2) RETAILCAST_RETURN_IF_ERROR(ReadGlobalStates());
    for (size_t j = 0; j < models_.size(); ++j) {
      if (!models_[j].global || !global_states_[j].empty() || globals_[j]) continue;
      for (const auto& s : series_) {
        if (s.status[j].ok()) {
          return Corrupt("global model '" + models_[j].spec.label + "' has fitted series ('" +
                         s.unique_id + "') but no state");
        }
      }
    }
    if (!r_.at_end()) return Corrupt("unexpected bytes after the last record");
    return Status::Ok();
  }

  TrainedModelSet TakeTrained() {
    return TrainedModelSet(std::move(models_), std::move(series_), std::move(global_states_));
  }

  LoadedModelSet TakeLoaded() {
    LoadedModelSet set;
    set.models_ = std::move(models_);
    set.series_.reserve(series_.size());
    set.fit_status_.reserve(series_.size() * set.models_.size());
    for (TrainedSeries& s : series_) {
      set.index_.emplace(s.unique_id, set.series_.size());
      set.series_.push_back({std::move(s.unique_id), s.last_date, s.freq});
      for (Status& st : s.status) set.fit_status_.push_back(std::move(st));
    }
    set.fitted_ = std::move(fitted_);
    set.globals_ = std::move(globals_);
    return set;
  }

 private:
  Status ReadSeries(uint64_t i) {
    TrainedSeries s;
    int64_t days = 0;
    std::string freq;
    std::string where = "series record " + std::to_string(i + 1);
    if (!r_.GetString(&s.unique_id).ok() || !r_.GetI64(&days).ok() || !r_.GetString(&freq).ok()) {
      return Corrupt("truncated in " + where);
    }
    where += " ('" + s.unique_id + "')";
    if (days < INT32_MIN || days > INT32_MAX) return Corrupt("bad last date in " + where);
    s.last_date = Date{static_cast<int32_t>(days)};
    auto f = Frequency::Parse(freq);
    if (!f.ok()) return Corrupt("bad frequency '" + freq + "' in " + where);
    s.freq = *f;
    for (const auto& m : models_) {
      uint64_t code = 0;
      std::string payload;
      if (!r_.GetU64(&code).ok() || !r_.GetString(&payload).ok()) {
        return Corrupt("truncated in " + where + ", model '" + m.spec.label + "'");
      }
      if (code > static_cast<uint64_t>(StatusCode::kInternal)) {
        return Corrupt("bad status code " + std::to_string(code) + " in " + where);
      }
      std::unique_ptr<FittedModel> fitted;
      if (code == 0 && m.global) {
        if (!payload.empty()) {
          return Corrupt(where + ", model '" + m.spec.label +
                         "': a global model has no per-series state");
        }
        s.status.push_back(Status::Ok());
        s.state.emplace_back();
      } else if (code == 0) {
        // Loaded now so a damaged state is reported now, not at forecast time.
        Result<std::unique_ptr<FittedModel>> loaded = LoadModel(*m.estimator, payload);
        if (!loaded.ok()) {
          return Corrupt(where + ", model '" + m.spec.label + "': " + loaded.status().message());
        }
        if (keep_loaded_) fitted = std::move(loaded).value();
        s.status.push_back(Status::Ok());
        s.state.push_back(keep_loaded_ ? std::string() : std::move(payload));
      } else {
        s.status.emplace_back(static_cast<StatusCode>(code), std::move(payload));
        s.state.emplace_back();
      }
      if (keep_loaded_) fitted_.push_back(std::move(fitted));
    }
    series_.push_back(std::move(s));
    return Status::Ok();
  }

  Status ReadGlobalStates() {
    uint64_t n_global = 0;
    if (!r_.GetU64(&n_global).ok()) return Corrupt("truncated before the global model states");
    for (uint64_t g = 0; g < n_global; ++g) {
      uint64_t j = 0;
      std::string state;
      if (!r_.GetU64(&j).ok() || !r_.GetString(&state).ok()) {
        return Corrupt("truncated in global model state " + std::to_string(g + 1));
      }
      if (j >= models_.size() || !models_[j].global || !global_states_[j].empty() || globals_[j] ||
          state.empty()) {
        return Corrupt("global model state " + std::to_string(g + 1) + " names model position " +
                       std::to_string(j) +
                       ", which is not a global model of the set or has a state already");
      }
      Result<std::unique_ptr<GlobalFittedModel>> loaded =
          LoadGlobalModel(*models_[j].global, state);
      if (!loaded.ok()) {
        return Corrupt("model '" + models_[j].spec.label + "': " + loaded.status().message());
      }
      if ((*loaded)->num_series() != series_.size()) {
        return Corrupt("model '" + models_[j].spec.label + "' holds " +
                       std::to_string((*loaded)->num_series()) + " series, the set " +
                       std::to_string(series_.size()));
      }
      if (keep_loaded_) {
        globals_[j] = std::move(loaded).value();
      } else {
        global_states_[j] = std::move(state);
      }
    }
    return Status::Ok();
  }

  ByteReader r_;
  const ModelRegistry& registry_;
  bool keep_loaded_;
  std::vector<ModelInstance> models_;
  std::vector<TrainedSeries> series_;
  std::vector<std::string> global_states_;
  std::vector<std::unique_ptr<FittedModel>> fitted_;
  std::vector<std::unique_ptr<GlobalFittedModel>> globals_;
};

Result<TrainedModelSet> TrainedModelSet::Deserialize(std::string_view bytes,
                                                     const ModelRegistry& registry) {
  ModelSetReader reader(bytes, registry, /*keep_loaded=*/false);
  RETAILCAST_RETURN_IF_ERROR(reader.Read());
  return reader.TakeTrained();
}

Result<LoadedModelSet> LoadedModelSet::Load(std::string_view bytes, const ModelRegistry& registry) {
  ModelSetReader reader(bytes, registry, /*keep_loaded=*/true);
  RETAILCAST_RETURN_IF_ERROR(reader.Read());
  return reader.TakeLoaded();
}

std::optional<size_t> LoadedModelSet::Find(std::string_view id) const {
  auto it = index_.find(std::string(id));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::optional<size_t> LoadedModelSet::FindModel(std::string_view label) const {
  for (size_t j = 0; j < models_.size(); ++j) {
    if (models_[j].spec.label == label) return j;
  }
  return std::nullopt;
}

Result<TrainedModelSet> Train(const Panel& panel, std::vector<ModelInstance> models,
                              const TrainOptions& options, ThreadPool& pool) {
  RETAILCAST_RETURN_IF_ERROR(ValidateModels(models));
  const size_t n_series = panel.num_series(), n_models = models.size();
  std::vector<Status> status(n_series * n_models);
  std::vector<std::string> state(n_series * n_models);
  std::vector<size_t> local, global;
  for (size_t j = 0; j < n_models; ++j) (models[j].global ? global : local).push_back(j);
  internal::ProgressCounter progress(options.progress, status.size());
  pool.ParallelFor(n_series * local.size(), [&](size_t q) {
    size_t i = q / local.size(), j = local[q % local.size()];
    size_t k = i * n_models + j;
    if (panel.length(i) == 0) {
      status[k] = Status::DataError("series has no observations");
    } else {
      auto fitted = FitModel(*models[j].estimator, panel.series(i));
      if (!fitted.ok()) {
        status[k] = fitted.status();
      } else {
        ByteWriter w;
        (*fitted)->Save(w);
        state[k] = w.Release();
      }
    }
    progress.Tick();
  });
  std::vector<std::string> global_states(n_models);
  for (size_t j : global) {
    GlobalTrainingData data{&panel, {}, false};
    auto fitted = FitGlobalModel(*models[j].global, data, pool);
    if (fitted.ok()) {
      ByteWriter w;
      (*fitted)->Save(w);
      global_states[j] = w.Release();
    }
    for (size_t i = 0; i < n_series; ++i) {
      size_t k = i * n_models + j;
      if (!fitted.ok()) {
        status[k] = fitted.status();
      } else if (panel.length(i) == 0) {
        status[k] = Status::DataError("series has no observations");
      }
      progress.Tick();
    }
  }
  std::vector<TrainedSeries> series(n_series);
  for (size_t i = 0; i < n_series; ++i) {
    TrainedSeries& s = series[i];
    s.unique_id = std::string(panel.id(i));
    s.freq = panel.freq();
    s.last_date = panel.length(i) > 0 ? panel.end(i) : panel.start(i);
    for (size_t j = 0; j < n_models; ++j) {
      size_t k = i * n_models + j;
      if (!status[k].ok() && options.on_error == OnModelError::kFail) {
        return WithSeriesContext(status[k], s.unique_id, models[j].spec.label);
      }
      s.status.push_back(std::move(status[k]));
      s.state.push_back(std::move(state[k]));
    }
  }
  return TrainedModelSet(std::move(models), std::move(series), std::move(global_states));
}

std::string FormatFitErrors(const TrainedModelSet& set) {
  std::string out;
  size_t failed = 0;
  for (const auto& s : set.series()) {
    for (size_t m = 0; m < s.status.size(); ++m) {
      if (s.status[m].ok()) continue;
      if (failed++ < 10) {
        out += "  " + s.unique_id + " / " + set.models()[m].spec.label + ": " +
               s.status[m].ToString() + "\n";
      }
    }
  }
  if (failed > 0) out += std::to_string(failed) + " (series, model) fits failed\n";
  return out;
}

Result<ForecastRun> Predict(const LoadedModelSet& set, const ForecastOptions& options,
                            ThreadPool& pool) {
  RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(options.request));
  const auto& models = set.models();
  const auto& series = set.series();
  const size_t n_models = models.size();
  std::vector<Status> status(series.size() * n_models);
  std::vector<Forecast> forecasts(status.size());
  std::vector<size_t> local, global;
  for (size_t j = 0; j < n_models; ++j) (models[j].global ? global : local).push_back(j);
  internal::ProgressCounter progress(options.progress, status.size());
  if (options.future != nullptr) options.future->BuildIdIndex();
  pool.ParallelFor(series.size() * local.size(), [&](size_t q) {
    size_t i = q / local.size(), j = local[q % local.size()];
    size_t k = i * n_models + j;
    const LoadedModelSet::Series& s = series[i];
    if (const FittedModel* fitted = set.fitted(i, j); fitted == nullptr) {
      status[k] = set.fit_status(i, j);
    } else {
      SeriesFuture future;
      PredictRequest request = options.request;
      if (options.future != nullptr) {
        FutureFromPanel(*options.future, s.unique_id, s.last_date, request.horizon, &future);
        request.future = &future.regressors;
      }
      Result<Forecast> fc = PredictModel(*fitted, request);
      if (!fc.ok()) {
        status[k] = fc.status();
      } else {
        forecasts[k] = std::move(fc).value();
      }
    }
    progress.Tick();
  });
  if (!global.empty()) {
    internal::PanelFutures futures;
    if (options.future != nullptr) {
      std::vector<std::string_view> ids(series.size());
      std::vector<Date> lasts(series.size());
      for (size_t i = 0; i < series.size(); ++i) {
        ids[i] = series[i].unique_id;
        lasts[i] = series[i].last_date;
      }
      internal::FuturesFromPanel(*options.future, ids, lasts, options.request.horizon, pool,
                                 &futures);
    }
    GlobalPredictRequest request{options.request.horizon, options.request.levels, futures.pointers};
    for (size_t j : global) {
      Result<GlobalForecast> fc =
          set.global(j) == nullptr
              ? Result<GlobalForecast>(Status::FailedPrecondition("the model has no fitted state"))
              : PredictGlobalModel(*set.global(j), request, pool);
      for (size_t i = 0; i < series.size(); ++i) {
        size_t k = i * n_models + j;
        if (!set.fit_status(i, j).ok()) {
          status[k] = set.fit_status(i, j);
        } else if (!fc.ok()) {
          status[k] = fc.status();
        } else if (!fc->status[i].ok()) {
          status[k] = std::move(fc->status[i]);
        } else {
          forecasts[k] = std::move(fc->forecasts[i]);
        }
        progress.Tick();
      }
    }
  }
  ForecastRun run;
  run.table = ForecastTable(options.request.levels);
  for (size_t k = 0; k < status.size(); ++k) {
    size_t i = k / n_models, j = k % n_models;
    const LoadedModelSet::Series& s = series[i];
    const std::string& label = models[j].spec.label;
    if (status[k].ok()) {
      run.table.AppendForecast(s.unique_id, label, s.last_date, s.freq, forecasts[k]);
      continue;
    }
    Status st = WithSeriesContext(status[k], s.unique_id, label);
    if (options.on_error == OnModelError::kFail) return st;
    run.errors.push_back(SeriesError{s.unique_id, label, std::move(st)});
  }
  RETAILCAST_RETURN_IF_ERROR(NothingForecast(run));
  return run;
}

Result<Forecast> PredictOne(const LoadedModelSet& set, size_t i, size_t j,
                            const PredictRequest& request, ThreadPool& pool) {
  if (!set.fit_status(i, j).ok()) return set.fit_status(i, j);
  if (const FittedModel* fitted = set.fitted(i, j)) return PredictModel(*fitted, request);
  const GlobalFittedModel* global = set.global(j);
  if (global == nullptr) return Status::FailedPrecondition("the model has no fitted state");
  std::vector<const FutureRegressors*> future;
  if (request.future != nullptr) {
    future.assign(set.series().size(), nullptr);
    future[i] = request.future;
  }
  GlobalPredictRequest all{request.horizon, request.levels, future};
  RETAILCAST_ASSIGN_OR_RETURN(GlobalForecast fc, PredictGlobalModel(*global, all, pool));
  if (!fc.status[i].ok()) return fc.status[i];
  return std::move(fc.forecasts[i]);
}

}  // namespace retailcast::eval
