#include "global_support.h"

#include <string>
#include <utility>

#include "progress.h"

namespace retailcast::eval::internal {

void FuturesFromPanel(const Panel& future, std::span<const std::string_view> ids,
                      std::span<const Date> lasts, int horizon, ThreadPool& pool,
                      PanelFutures* out) {
  future.BuildIdIndex();  // Find() builds it lazily, which is not thread-safe
  out->series = std::vector<SeriesFuture>(ids.size());
  pool.ParallelFor(ids.size(), [&](size_t i) {
    FutureFromPanel(future, ids[i], lasts[i], horizon, &out->series[i]);
  });
  out->pointers.resize(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) out->pointers[i] = &out->series[i].regressors;
}

Result<std::unique_ptr<GlobalFittedModel>> FitGlobal(const GlobalEstimator& estimator,
                                                     const GlobalTrainingData& data,
                                                     ThreadPool& pool) {
  return GuardModelCall([&] { return estimator.Fit(data, pool); });
}

Result<GlobalForecast> PredictGlobal(const GlobalFittedModel& fitted,
                                     const GlobalPredictRequest& request, ThreadPool& pool) {
  RETAILCAST_ASSIGN_OR_RETURN(GlobalForecast fc,
                              GuardModelCall([&] { return fitted.Predict(request, pool); }));
  const size_t n = fitted.num_series();
  if (fc.status.size() != n || fc.forecasts.size() != n) {
    return Status::Internal("global model returned " + std::to_string(fc.status.size()) +
                            " statuses and " + std::to_string(fc.forecasts.size()) +
                            " forecasts for " + std::to_string(n) + " series");
  }
  for (size_t i = 0; i < n; ++i) {
    if (fc.status[i].ok() && fc.forecasts[i].mean.size() != static_cast<size_t>(request.horizon)) {
      fc.status[i] =
          Status::Internal("model returned " + std::to_string(fc.forecasts[i].mean.size()) +
                           " points for horizon " + std::to_string(request.horizon));
    }
  }
  return fc;
}

}  // namespace retailcast::eval::internal
