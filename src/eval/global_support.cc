#include "global_support.h"

#include <string>
#include <utility>

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

}  // namespace retailcast::eval::internal
