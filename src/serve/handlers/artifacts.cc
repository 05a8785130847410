// GET /v1/artifacts and POST /v1/artifacts/{id}/promote|rollback: the model artifacts in the
// store and which version of each name the service answers from (ArtifactServer).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "retailcast/core/json_writer.h"
#include "serve/handlers/handlers.h"

namespace retailcast::serve {
namespace {

// `serving`: whether this version is the one the server answers from (left out when unset).
void WriteArtifact(JsonWriter& w, const store::ArtifactRecord& r,
                   std::optional<bool> serving = std::nullopt) {
  w.BeginObject();
  w.Key("id");
  w.Int(r.id);
  w.Key("name");
  w.String(r.name);
  w.Key("version");
  w.Int(r.version);
  w.Key("promoted");
  w.Bool(r.promoted);
  w.Key("created_at");
  w.String(r.created_at);
  w.Key("dataset");
  w.String(r.dataset);
  w.Key("train_start");
  w.String(r.train_start);
  w.Key("train_end");
  w.String(r.train_end);
  w.Key("n_series");
  w.Int(r.n_series);
  w.Key("code_version");
  w.String(r.code_version);
  // Stored as JSON text already (the store checks it is valid JSON).
  w.Key("models");
  w.Raw(r.models_json.empty() ? "{}" : r.models_json);
  w.Key("metrics");
  w.Raw(r.metrics_json.empty() ? "{}" : r.metrics_json);
  if (serving) {
    w.Key("serving");
    w.Bool(*serving);
  }
  w.EndObject();
}

enum class SwitchKind { kPromote, kRollback };

ApiResponse SwitchArtifact(ServiceContext& context, SwitchKind kind, std::string_view id_text) {
  int64_t id = 0;
  const bool digits =
      !id_text.empty() && id_text.size() <= 18 &&
      std::all_of(id_text.begin(), id_text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) id = std::stoll(std::string(id_text));
  if (id <= 0) {
    return StatusReply(Status::InvalidArgument("artifact id '" + std::string(id_text) +
                                               "' is not a positive integer (see GET "
                                               "/v1/artifacts)"),
                       {{"field", "id"}});
  }
  Result<Switch> s = kind == SwitchKind::kPromote ? context.artifacts->Promote(id)
                                                  : context.artifacts->Rollback(id);
  if (!s.ok()) return StatusReply(s.status());
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("name");
  w.String(s->name);
  w.Key("from");
  if (s->from.id == 0) {
    w.Null();
  } else {
    WriteArtifact(w, s->from);
  }
  w.Key("to");
  WriteArtifact(w, s->to);
  w.EndObject();
  return JsonReply(200, std::move(out));
}

}  // namespace

ApiResponse GetArtifacts(ServiceContext& context) {
  Result<std::vector<store::ArtifactRecord>> records = context.store->ListArtifacts();
  if (!records.ok()) return StatusReply(records.status());
  const auto set = context.artifacts->Current();
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("artifacts");
  w.BeginArray();
  for (const auto& r : *records) {
    const ServedArtifact* served = set->Find(r.name);
    WriteArtifact(w, r, served != nullptr && served->record().id == r.id);
  }
  w.EndArray();
  w.EndObject();
  return JsonReply(200, std::move(out));
}

ApiResponse PromoteArtifact(ServiceContext& context, std::string_view id_text) {
  return SwitchArtifact(context, SwitchKind::kPromote, id_text);
}

ApiResponse RollbackArtifact(ServiceContext& context, std::string_view id_text) {
  return SwitchArtifact(context, SwitchKind::kRollback, id_text);
}

}  // namespace retailcast::serve
