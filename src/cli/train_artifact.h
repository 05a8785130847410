// Training a model set on a panel and saving it as a versioned artifact in the store; shared
// by `train` and `run`.
#pragma once

#include <string>
#include <vector>

#include "retailcast/artifact.h"
#include "retailcast/forecast_engine.h"
#include "retailcast/model_set.h"
#include "retailcast/store.h"
#include "retailcast/thread_pool.h"

namespace retailcast::cli {

struct TrainedArtifact {
  eval::TrainedModelSet set;
  store::ArtifactRecord record;  // as stored (id, version assigned)
};

// Fits `models` on every series of `panel`, serializes the set and saves it in `db` under
// `name`, with `metrics_json` (e.g. backtest results) and the code version. Prints fit
// errors to stderr.
Result<TrainedArtifact> TrainAndSave(store::Store& db, const std::string& name,
                                     const std::string& dataset, const Panel& panel,
                                     std::vector<eval::ModelInstance> models,
                                     const std::string& metrics_json, bool promote,
                                     ThreadPool& pool);

}  // namespace retailcast::cli
