#include "train_artifact.h"

#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "retailcast_version.h"

namespace retailcast::cli {

Result<TrainedArtifact> TrainAndSave(store::Store& db, const std::string& name,
                                     const std::string& dataset, const Panel& panel,
                                     std::vector<eval::ModelInstance> models,
                                     const std::string& metrics_json, bool promote,
                                     ThreadPool& pool) {
  if (panel.num_series() == 0)
    return Status::InvalidArgument("dataset " + dataset + " has no series to train on");
  nlohmann::json models_json = nlohmann::json::array();
  for (const auto& m : models) {
    models_json.push_back({{"name", m.spec.name},
                           {"label", m.spec.label},
                           {"params", nlohmann::json::parse(m.spec.params.ToJson())}});
  }
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
  Date first = panel.start(0), last = panel.end(0);
  for (size_t i = 1; i < panel.num_series(); ++i) {
    first = std::min(first, panel.start(i));
    last = std::max(last, panel.end(i));
  }
  store::ArtifactRecord record;
  record.name = name;
  record.dataset = dataset;
  record.models_json = models_json.dump();
  record.train_start = first.ToString();
  record.train_end = last.ToString();
  record.n_series = static_cast<int64_t>(panel.num_series());
  record.metrics_json = metrics_json.empty() ? "{}" : metrics_json;
  record.code_version =
      std::string("retailcast ") + RETAILCAST_VERSION + " (" + RETAILCAST_GIT_SHA + ")";
  record.state = set.Serialize();
  record.promoted = promote;
  RETAILCAST_ASSIGN_OR_RETURN(store::ArtifactRecord stored, db.SaveArtifact(std::move(record)));
  return TrainedArtifact{std::move(set), std::move(stored)};
}

}  // namespace retailcast::cli
