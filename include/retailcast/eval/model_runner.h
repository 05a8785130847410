// The one way a model is run. Every caller that fits, loads or predicts a model (the forecast
// engine, the backtest, trained model sets, loaded artifacts, combinations of models, the CLI
// and the service) goes through these functions, so that an exception escaping a model never
// takes the process down from a pool thread, and a forecast of the wrong shape is caught in
// one place.
//
// Thread-safety: as the model's own calls (model.h): Fit, Load and Predict of one estimator or
// fitted model may run concurrently on different series.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "retailcast/core/global_model.h"
#include "retailcast/core/model.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"
#include "retailcast/core/thread_pool.h"

namespace retailcast::eval {

// Runs a model call and turns an escaping exception into an Internal status.
template <typename F>
auto GuardModelCall(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("model threw an exception: ") + e.what());
  } catch (...) {
    return Status::Internal("model threw an unknown exception");
  }
}

// Internal error "model returned N points for horizon H" unless the forecast has exactly
// `horizon` mean values.
Status CheckForecastLength(const Forecast& forecast, int horizon);

// Estimator::Fit, guarded.
Result<std::unique_ptr<FittedModel>> FitModel(const Estimator& estimator, const SeriesView& series);
// Estimator::Load of `state`, guarded; DataError "trailing bytes in its state" when the model
// leaves bytes unread.
Result<std::unique_ptr<FittedModel>> LoadModel(const Estimator& estimator, std::string_view state);
// FittedModel::Predict, guarded and checked (CheckForecastLength).
Result<Forecast> PredictModel(const FittedModel& fitted, const PredictRequest& request);
// FitModel then PredictModel.
Result<Forecast> FitAndPredict(const Estimator& estimator, const SeriesView& series,
                               const PredictRequest& request);

// GlobalEstimator::Fit, guarded.
Result<std::unique_ptr<GlobalFittedModel>> FitGlobalModel(const GlobalEstimator& estimator,
                                                          const GlobalTrainingData& data,
                                                          ThreadPool& pool);
// GlobalEstimator::Load of `state`, guarded, checked for trailing bytes.
Result<std::unique_ptr<GlobalFittedModel>> LoadGlobalModel(const GlobalEstimator& estimator,
                                                           std::string_view state);
// GlobalFittedModel::Predict, guarded and checked: one status per series of the fit, and a
// forecast of request.horizon points for every OK series (Internal errors otherwise).
Result<GlobalForecast> PredictGlobalModel(const GlobalFittedModel& fitted,
                                          const GlobalPredictRequest& request, ThreadPool& pool);

}  // namespace retailcast::eval
