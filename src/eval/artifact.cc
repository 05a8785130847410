#include "retailcast/eval/artifact.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "retailcast/core/json_writer.h"
#include "retailcast_version.h"

namespace retailcast::eval {

std::string DescribeArtifact(const store::ArtifactRecord& r) {
  return "'" + r.name + "' v" + std::to_string(r.version) + " (id " + std::to_string(r.id) + ")";
}

std::string CodeVersion() {
  return std::string("retailcast ") + RETAILCAST_VERSION + " (" + RETAILCAST_GIT_SHA + ")";
}

Result<std::shared_ptr<const LoadedArtifact>> LoadArtifactRecord(store::ArtifactRecord record,
                                                                 const ModelRegistry& registry) {
  Result<LoadedModelSet> models = LoadedModelSet::Load(record.state, registry);
  if (!models.ok()) return models.status().WithContext("artifact " + DescribeArtifact(record));
  record.state.clear();
  record.state.shrink_to_fit();
  return std::make_shared<const LoadedArtifact>(
      LoadedArtifact{std::move(record), std::move(models).value()});
}

Result<std::shared_ptr<const LoadedArtifact>> LoadArtifact(store::Store& store,
                                                           std::string_view ref,
                                                           const ModelRegistry& registry) {
  const std::string text(ref);
  char* end = nullptr;
  const long long id = std::strtoll(text.c_str(), &end, 10);
  store::ArtifactRecord record;
  if (!text.empty() && end == text.c_str() + text.size() && id > 0) {
    RETAILCAST_ASSIGN_OR_RETURN(record, store.LoadArtifact(id));
  } else {
    RETAILCAST_ASSIGN_OR_RETURN(record, store.LoadLatestArtifact(ref));
  }
  return LoadArtifactRecord(std::move(record), registry);
}

Result<store::ArtifactRecord> SaveArtifact(store::Store& store, const ArtifactInfo& info,
                                           const Panel& panel, const TrainedModelSet& set) {
  if (panel.num_series() == 0) {
    return Status::InvalidArgument("dataset " + info.dataset + " has no series to train on");
  }
  // [{"name", "label", "params"}, ...] in spec order.
  std::string models_json;
  JsonWriter w(&models_json);
  w.BeginArray();
  for (const auto& m : set.models()) {
    w.BeginObject();
    w.Key("label");
    w.String(m.spec.label);
    w.Key("name");
    w.String(m.spec.name);
    w.Key("params");
    w.Raw(m.spec.params.ToJson());
    w.EndObject();
  }
  w.EndArray();
  Date first = panel.start(0), last = panel.end(0);
  for (size_t i = 1; i < panel.num_series(); ++i) {
    first = std::min(first, panel.start(i));
    last = std::max(last, panel.end(i));
  }
  store::ArtifactRecord record;
  record.name = info.name;
  record.dataset = info.dataset;
  record.models_json = std::move(models_json);
  record.train_start = first.ToString();
  record.train_end = last.ToString();
  record.n_series = static_cast<int64_t>(panel.num_series());
  record.metrics_json = info.metrics_json.empty() ? "{}" : info.metrics_json;
  record.code_version = CodeVersion();
  record.state = set.Serialize();
  record.promoted = info.promote;
  RETAILCAST_ASSIGN_OR_RETURN(store::ArtifactRecord stored, store.SaveArtifact(std::move(record)));
  stored.state.clear();
  return stored;
}

}  // namespace retailcast::eval
