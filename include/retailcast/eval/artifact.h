// Model artifacts: a trained model set saved in the store with what it was trained on, and the
// same artifact loaded back with every fitted model ready to forecast. `retailcast train` and
// the main job save them; `retailcast forecast --artifact`, `retailcast explain --artifact` and
// the service load them, all through these functions.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/panel.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/status.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/model_set.h"
#include "retailcast/store/artifact.h"
#include "retailcast/store/store.h"

namespace retailcast::eval {

// An artifact with its model set loaded (LoadedModelSet). Immutable once loaded, so one may be
// shared between threads (the service keeps one per served version).
struct LoadedArtifact {
  store::ArtifactRecord record;  // as stored, without the state bytes
  LoadedModelSet models;
};

// Loads `record` (with its state). Errors as LoadedModelSet::Load, with the artifact named:
// "artifact 'name' v3 (id 7): ...".
Result<std::shared_ptr<const LoadedArtifact>> LoadArtifactRecord(store::ArtifactRecord record,
                                                                 const ModelRegistry& registry);
// Loads artifact `ref` from the store: a positive integer is an id, anything else a name (its
// promoted version, else its highest). NotFound as the store reports it.
Result<std::shared_ptr<const LoadedArtifact>> LoadArtifact(store::Store& store,
                                                           std::string_view ref,
                                                           const ModelRegistry& registry);

// "'name' v3 (id 7)".
std::string DescribeArtifact(const store::ArtifactRecord& record);

// What to save with a trained set.
struct ArtifactInfo {
  std::string name;          // the artifact's name (versions are counted per name)
  std::string dataset;       // the dataset trained on
  std::string metrics_json;  // e.g. the backtest's JSON; empty = "{}"
  bool promote = false;      // make it the promoted version of its name
};

// Saves `set`, trained on `panel`, as the next version of info.name: the specs as JSON, the
// training range, the number of series and this build's code version. InvalidArgument for an
// empty panel; store errors as SaveArtifact returns them. Returns the record as stored
// (without its state).
Result<store::ArtifactRecord> SaveArtifact(store::Store& store, const ArtifactInfo& info,
                                           const Panel& panel, const TrainedModelSet& set);

// "retailcast <version> (<git sha>)": the code version artifacts record.
std::string CodeVersion();

}  // namespace retailcast::eval
