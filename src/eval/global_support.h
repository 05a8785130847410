// Internal to src/eval: the parts of running a global model (global_model.h) that the forecast
// engine, the backtest and trained model sets share.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "retailcast/forecast_engine.h"
#include "retailcast/global_model.h"
#include "retailcast/panel.h"
#include "retailcast/status.h"
#include "retailcast/thread_pool.h"

namespace retailcast::eval::internal {

// Future regressors of many series (one SeriesFuture each) and the pointers a
// GlobalPredictRequest takes.
struct PanelFutures {
  std::vector<SeriesFuture> series;
  std::vector<const FutureRegressors*> pointers;
};

// The future regressors of every series i (id ids[i], last training date lasts[i]) read from
// `future` over `horizon` periods (FutureFromPanel), filled in parallel.
void FuturesFromPanel(const Panel& future, std::span<const std::string_view> ids,
                      std::span<const Date> lasts, int horizon, ThreadPool& pool,
                      PanelFutures* out);

// Fits `estimator` on `data` (exceptions become Internal errors).
Result<std::unique_ptr<GlobalFittedModel>> FitGlobal(const GlobalEstimator& estimator,
                                                     const GlobalTrainingData& data,
                                                     ThreadPool& pool);

// Predicts with `fitted` and checks the result: one status per series of the fit, and a
// forecast of request.horizon points for every OK series (Internal errors otherwise).
Result<GlobalForecast> PredictGlobal(const GlobalFittedModel& fitted,
                                     const GlobalPredictRequest& request, ThreadPool& pool);

}  // namespace retailcast::eval::internal
