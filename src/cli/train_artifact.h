// Training a model set on a panel and saving it as a versioned artifact in the store (the
// library's eval::Train and eval::SaveArtifact), with the failed fits printed to stderr.
#pragma once

#include <string>
#include <vector>

#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/artifact.h"
#include "retailcast/eval/model_set.h"
#include "retailcast/store/store.h"

namespace retailcast::cli {

struct TrainedArtifact {
  eval::TrainedModelSet set;
  store::ArtifactRecord record;  // as stored (id, version assigned), without its state
};

Result<TrainedArtifact> TrainAndSave(store::Store& db, const eval::ArtifactInfo& info,
                                     const Panel& panel, std::vector<eval::ModelInstance> models,
                                     ThreadPool& pool);

}  // namespace retailcast::cli
