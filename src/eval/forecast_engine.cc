#include "retailcast/eval/forecast_engine.h"

#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <utility>

#include "global_support.h"
#include "progress.h"
#include "retailcast/eval/model_runner.h"
#include "series_context.h"

namespace retailcast::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Outcome of one (series, model) pair.
struct PairResult {
  Status status;
  Forecast forecast;
};

}  // namespace

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
      Result<Forecast> fc = FitAndPredict(*models[j].estimator, view, request);
      if (!fc.ok()) {
        out.status = fc.status();
      } else {
        out.forecast = std::move(fc).value();
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
                                    FitGlobalModel(*models[j].global, data, pool));
        std::vector<FeatureImportance> importance = fitted->Importance();
        if (!importance.empty()) {
          run.importance.push_back({models[j].spec.label, std::move(importance)});
        }
        return PredictGlobalModel(*fitted, request, pool);
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
  run.table = ForecastTable(options.request.levels);
  run.table.Reserve(results.size() * static_cast<size_t>(options.request.horizon));
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
    run.table.AppendForecast(panel.id(i), label, panel.end(i), panel.freq(), r.forecast);
  }
  RETAILCAST_RETURN_IF_ERROR(NothingForecast(run));
  return run;
}

std::string FormatSeriesErrors(std::span<const SeriesError> errors, size_t max_shown) {
  if (errors.empty()) return "";
  std::string out = std::to_string(errors.size()) + " (series, model) pairs have no forecast:\n";
  for (size_t i = 0; i < errors.size() && i < max_shown; ++i) {
    out += "  " + errors[i].unique_id + " / " + errors[i].model + ": " +
           errors[i].status.ToString() + "\n";
  }
  if (errors.size() > max_shown) {
    out += "  ... and " + std::to_string(errors.size() - max_shown) + " more\n";
  }
  return out;
}

Status NothingForecast(const ForecastRun& run) {
  if (!run.table.empty() || run.errors.empty()) return Status::Ok();
  const Status& first = run.errors.front().status;
  return Status(first.code(), "no (series, model) pair could be forecast (" +
                                  std::to_string(run.errors.size()) +
                                  " failed); the first: " + first.message());
}

}  // namespace retailcast::eval
