// Internal to src/eval: the future regressors of a whole panel, as the forecast engine and
// trained model sets hand them to a global model (global_model.h).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "retailcast/core/global_model.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/forecast_engine.h"

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

}  // namespace retailcast::eval::internal
