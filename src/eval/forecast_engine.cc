#include "retailcast/forecast_engine.h"

#include <cmath>
#include <exception>
#include <limits>
#include <optional>
#include <set>
#include <utility>

#include "global_support.h"
#include "progress.h"
#include "series_context.h"

namespace retailcast::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Outcome of one (series, model) pair.
struct PairResult {
  Status status;
  Forecast forecast;
};

}  // namespace

Result<std::vector<ModelSpec>> MakeModelSpecs(const ModelRegistry& registry, std::string_view names,
                                              int season_length) {
  if (season_length < 0) {
    return Status::InvalidArgument("season length must be >= 0 (0 = frequency default), got " +
                                   std::to_string(season_length));
  }
  std::vector<ModelSpec> specs;
  size_t pos = 0;
  while (pos <= names.size()) {
    size_t comma = names.find(',', pos);
    std::string_view item = Trim(
        names.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    pos = comma == std::string_view::npos ? names.size() + 1 : comma + 1;
    if (item.empty()) continue;
    for (const auto& s : specs) {
      if (s.name == item) {
        return Status::InvalidArgument("model '" + std::string(item) + "' is listed twice in '" +
                                       std::string(names) + "'");
      }
    }
    RETAILCAST_ASSIGN_OR_RETURN(const ModelEntry* entry, registry.Find(item));
    std::vector<std::pair<std::string, std::string>> kv;
    if (season_length > 0) {
      for (const auto& def : entry->spec) {
        if (def.name == "season_length")
          kv.emplace_back("season_length", std::to_string(season_length));
      }
    }
    RETAILCAST_ASSIGN_OR_RETURN(ParamValues params, ParseParams(entry->spec, kv, entry->name));
    specs.push_back(ModelSpec{entry->name, std::move(params), entry->name});
  }
  if (specs.empty()) {
    return Status::InvalidArgument("no model given; name at least one, e.g. --models snaive,naive");
  }
  return specs;
}

Status ValidateModels(std::span<const ModelInstance> models) {
  if (models.empty()) return Status::InvalidArgument("no model to run");
  std::set<std::string> labels;
  for (const auto& m : models) {
    if (m.spec.label.empty()) {
      return Status::InvalidArgument("model '" + m.spec.name + "' has an empty label");
    }
    if (!labels.insert(m.spec.label).second) {
      return Status::InvalidArgument("two models share the label '" + m.spec.label +
                                     "'; give each a distinct label");
    }
    if (!m.estimator) {
      return Status::InvalidArgument("model '" + m.spec.label + "' has no estimator");
    }
  }
  return Status::Ok();
}

Result<std::vector<ModelInstance>> InstantiateModels(const ModelRegistry& registry,
                                                     const std::vector<ModelSpec>& specs) {
  std::vector<ModelInstance> out;
  out.reserve(specs.size());
  for (const auto& spec : specs) {
    ModelInstance inst;
    inst.spec = spec;
    if (inst.spec.label.empty()) inst.spec.label = spec.name;
    RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<Estimator> est,
                                registry.Create(spec.name, spec.params));
    inst.estimator = std::move(est);
    RETAILCAST_ASSIGN_OR_RETURN(const ModelEntry* entry, registry.Find(spec.name));
    if (entry->is_global()) {
      RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<GlobalEstimator> global,
                                  registry.CreateGlobal(spec.name, spec.params));
      inst.global = std::move(global);
    }
    out.push_back(std::move(inst));
  }
  RETAILCAST_RETURN_IF_ERROR(ValidateModels(out));
  return out;
}

Status AppendForecastRows(std::string_view unique_id, Date last, const Frequency& freq,
                          std::string_view label, const Forecast& forecast,
                          const PredictRequest& request, std::vector<ForecastRow>* rows) {
  const size_t h = static_cast<size_t>(request.horizon);
  if (forecast.mean.size() != h) {
    return Status::InvalidArgument("model '" + std::string(label) + "' returned " +
                                   std::to_string(forecast.mean.size()) +
                                   " forecast points for horizon " + std::to_string(h));
  }
  // Where each requested level sits in the forecast (-1: the model gave no such interval).
  std::vector<int> where(request.levels.size(), -1);
  for (size_t l = 0; l < request.levels.size(); ++l) {
    for (size_t k = 0; k < forecast.levels.size(); ++k) {
      if (forecast.levels[k] == request.levels[l] && k < forecast.lower.size() &&
          k < forecast.upper.size() && forecast.lower[k].size() == h &&
          forecast.upper[k].size() == h) {
        where[l] = static_cast<int>(k);
      }
    }
  }
  for (size_t t = 0; t < h; ++t) {
    ForecastRow row;
    row.unique_id = std::string(unique_id);
    row.ds = freq.Advance(last, static_cast<int64_t>(t) + 1);
    row.model = std::string(label);
    row.yhat = forecast.mean[t];
    row.lo.resize(request.levels.size(), kNaN);
    row.hi.resize(request.levels.size(), kNaN);
    for (size_t l = 0; l < request.levels.size(); ++l) {
      if (where[l] < 0) continue;
      row.lo[l] = forecast.lower[where[l]][t];
      row.hi[l] = forecast.upper[where[l]][t];
    }
    rows->push_back(std::move(row));
  }
  return Status::Ok();
}

void FutureFromPanel(const Panel& future, std::string_view id, Date last, int horizon,
                     SeriesFuture* out) {
  const Frequency& freq = future.freq();
  const size_t h = static_cast<size_t>(horizon);
  out->regressors = FutureRegressors{freq.Advance(last, 1), freq, {}, {}};
  out->storage.assign(future.num_exog(), std::vector<double>(h, kNaN));
  std::optional<size_t> i = future.Find(id);
  for (size_t k = 0; k < future.num_exog(); ++k) {
    std::vector<double>& v = out->storage[k];
    if (i) {
      std::span<const double> col = future.exog(k, *i);
      for (size_t t = 0; t < h; ++t) {
        Result<int64_t> at =
            freq.StepsBetween(future.start(*i), freq.Advance(last, int64_t(t) + 1));
        if (at.ok() && *at >= 0 && static_cast<size_t>(*at) < col.size()) {
          v[t] = col[static_cast<size_t>(*at)];
        }
      }
    }
    out->regressors.names.push_back(future.exog_name(k));
    out->regressors.values.push_back(v);
  }
}

FutureRegressors FutureWithinSeries(const SeriesView& series, size_t cutoff) {
  FutureRegressors f{
      series.freq.Advance(series.start, static_cast<int64_t>(cutoff)), series.freq, {}, {}};
  if (series.panel == nullptr) return f;
  const Panel& p = *series.panel;
  for (size_t k = 0; k < p.num_exog(); ++k) {
    std::span<const double> col = p.exog(k, series.index);
    f.names.push_back(p.exog_name(k));
    f.values.push_back(cutoff <= col.size() ? col.subspan(cutoff) : std::span<const double>{});
  }
  return f;
}

Result<ForecastRun> ForecastPanel(const Panel& panel, std::span<const ModelInstance> models,
                                  const ForecastOptions& options, ThreadPool& pool) {
  RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(options.request));
  RETAILCAST_RETURN_IF_ERROR(ValidateModels(models));
  const size_t n_series = panel.num_series();
  const size_t n_models = models.size();
  std::vector<PairResult> results(n_series * n_models);
  std::vector<size_t> local, global;
  for (size_t j = 0; j < n_models; ++j) (models[j].global ? global : local).push_back(j);
  internal::ProgressCounter progress(options.progress, results.size());
  if (options.future != nullptr) options.future->BuildIdIndex();
  pool.ParallelFor(n_series * local.size(), [&](size_t k) {
    size_t i = k / local.size(), j = local[k % local.size()];
    PairResult& out = results[i * n_models + j];
    if (panel.length(i) == 0) {
      out.status = Status::DataError("series has no observations");
    } else {
      SeriesView view = panel.series(i);
      SeriesFuture future;
      PredictRequest request = options.request;
      if (options.future != nullptr) {
        FutureFromPanel(*options.future, view.id, panel.end(i), request.horizon, &future);
        request.future = &future.regressors;
      }
      auto fitted = internal::GuardModelCall([&] { return models[j].estimator->Fit(view); });
      if (!fitted.ok()) {
        out.status = fitted.status();
      } else {
        auto fc = internal::GuardModelCall([&] { return (*fitted)->Predict(request); });
        if (!fc.ok()) {
          out.status = fc.status();
        } else if (fc->mean.size() != static_cast<size_t>(options.request.horizon)) {
          out.status =
              Status::Internal("model returned " + std::to_string(fc->mean.size()) +
                               " points for horizon " + std::to_string(options.request.horizon));
        } else {
          out.forecast = std::move(fc).value();
        }
      }
    }
    progress.Tick();
  });
  ForecastRun run;
  if (!global.empty()) {
    internal::PanelFutures futures;
    if (options.future != nullptr) {
      std::vector<std::string_view> ids(n_series);
      std::vector<Date> lasts(n_series);
      for (size_t i = 0; i < n_series; ++i) {
        ids[i] = panel.id(i);
        lasts[i] = panel.end(i);
      }
      internal::FuturesFromPanel(*options.future, ids, lasts, options.request.horizon, pool,
                                 &futures);
    }
    GlobalPredictRequest request{options.request.horizon, options.request.levels, futures.pointers};
    for (size_t j : global) {
      auto fit_and_predict = [&]() -> Result<GlobalForecast> {
        GlobalTrainingData data{&panel, {}, false};
        RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<GlobalFittedModel> fitted,
                                    internal::FitGlobal(*models[j].global, data, pool));
        std::vector<FeatureImportance> importance = fitted->Importance();
        if (!importance.empty()) {
          run.importance.push_back({models[j].spec.label, std::move(importance)});
        }
        return internal::PredictGlobal(*fitted, request, pool);
      };
      Result<GlobalForecast> fc = fit_and_predict();
      for (size_t i = 0; i < n_series; ++i) {
        PairResult& out = results[i * n_models + j];
        if (!fc.ok()) {
          out.status = fc.status();
        } else if (!fc->status[i].ok()) {
          out.status = std::move(fc->status[i]);
        } else {
          out.forecast = std::move(fc->forecasts[i]);
        }
        progress.Tick();
      }
    }
  }
  run.table.levels = options.request.levels;
  run.table.rows.reserve(results.size() * static_cast<size_t>(options.request.horizon));
  for (size_t k = 0; k < results.size(); ++k) {
    size_t i = k / n_models, j = k % n_models;
    const std::string& label = models[j].spec.label;
    PairResult& r = results[k];
    if (!r.status.ok()) {
      Status s = WithSeriesContext(r.status, panel.id(i), label);
      if (options.on_error == OnModelError::kFail) return s;
      run.errors.push_back(SeriesError{std::string(panel.id(i)), label, std::move(s)});
      continue;
    }
    RETAILCAST_RETURN_IF_ERROR(AppendForecastRows(panel.id(i), panel.end(i), panel.freq(), label,
                                                  r.forecast, options.request, &run.table.rows));
  }
  return run;
}

}  // namespace retailcast::eval
