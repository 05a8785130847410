#include "train_artifact.h"

#include <cstdio>
#include <memory>

#include "cli_common.h"

namespace retailcast::cli {

Result<TrainedArtifact> TrainAndSave(store::Store& db, const eval::ArtifactInfo& info,
                                     const Panel& panel, std::vector<eval::ModelInstance> models,
                                     ThreadPool& pool) {
  if (panel.num_series() == 0)
    return Status::InvalidArgument("dataset " + info.dataset + " has no series to train on");
  eval::TrainOptions options;
  std::shared_ptr<void> bar;
  options.progress = MakeProgress("train", "fits", &bar);
  RETAILCAST_ASSIGN_OR_RETURN(eval::TrainedModelSet set,
                              eval::Train(panel, std::move(models), options, pool));
  size_t failed = 0;
  for (const auto& s : set.series()) {
    for (size_t m = 0; m < s.status.size(); ++m) {
      if (s.status[m].ok()) continue;
      if (failed++ < 10) {
        std::fprintf(stderr, "  %s / %s: %s\n", s.unique_id.c_str(),
                     set.models()[m].spec.label.c_str(), s.status[m].ToString().c_str());
      }
    }
  }
  if (failed > 0) std::fprintf(stderr, "%zu (series, model) fits failed\n", failed);
  RETAILCAST_ASSIGN_OR_RETURN(store::ArtifactRecord stored,
                              eval::SaveArtifact(db, info, panel, set));
  return TrainedArtifact{std::move(set), std::move(stored)};
}

}  // namespace retailcast::cli
