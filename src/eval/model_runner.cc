#include "retailcast/eval/model_runner.h"

#include <string>
#include <utility>

namespace retailcast::eval {

Status CheckForecastLength(const Forecast& forecast, int horizon) {
  if (forecast.mean.size() == static_cast<size_t>(horizon)) return Status::Ok();
  return Status::Internal("model returned " + std::to_string(forecast.mean.size()) +
                          " points for horizon " + std::to_string(horizon));
}

Result<std::unique_ptr<FittedModel>> FitModel(const Estimator& estimator,
                                              const SeriesView& series) {
  return GuardModelCall([&] { return estimator.Fit(series); });
}

Result<std::unique_ptr<FittedModel>> LoadModel(const Estimator& estimator, std::string_view state) {
  ByteReader in(state);
  RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<FittedModel> fitted,
                              GuardModelCall([&] { return estimator.Load(in); }));
  if (!in.at_end()) return Status::DataError("trailing bytes in its state");
  return fitted;
}

Result<Forecast> PredictModel(const FittedModel& fitted, const PredictRequest& request) {
  RETAILCAST_ASSIGN_OR_RETURN(Forecast fc, GuardModelCall([&] { return fitted.Predict(request); }));
  RETAILCAST_RETURN_IF_ERROR(CheckForecastLength(fc, request.horizon));
  return fc;
}

Result<Forecast> FitAndPredict(const Estimator& estimator, const SeriesView& series,
                               const PredictRequest& request) {
  RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<FittedModel> fitted, FitModel(estimator, series));
  return PredictModel(*fitted, request);
}

Result<std::unique_ptr<GlobalFittedModel>> FitGlobalModel(const GlobalEstimator& estimator,
                                                          const GlobalTrainingData& data,
                                                          ThreadPool& pool) {
  return GuardModelCall([&] { return estimator.Fit(data, pool); });
}

Result<std::unique_ptr<GlobalFittedModel>> LoadGlobalModel(const GlobalEstimator& estimator,
                                                           std::string_view state) {
  ByteReader in(state);
  RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<GlobalFittedModel> fitted,
                              GuardModelCall([&] { return estimator.Load(in); }));
  if (!in.at_end()) return Status::DataError("trailing bytes in its state");
  return fitted;
}

Result<GlobalForecast> PredictGlobalModel(const GlobalFittedModel& fitted,
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
    if (fc.status[i].ok()) {
      Status length = CheckForecastLength(fc.forecasts[i], request.horizon);
      if (!length.ok()) fc.status[i] = std::move(length);
    }
  }
  return fc;
}

}  // namespace retailcast::eval
