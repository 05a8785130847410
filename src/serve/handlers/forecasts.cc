// POST /v1/forecast. Two paths, chosen by the body:
//   stored series ("series": ids)  predicted from the artifact version served right now, with
//                                  the formatted forecasts kept in the version's cache;
//   posted history ("data": rows)  models fitted on the posted rows for this request only, as
//                                  `retailcast forecast` fits them (same engine, same numbers).
// A series and model pair that fails is listed in the reply's "errors"; the others are
// answered.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "retailcast/core/json_writer.h"
#include "retailcast/core/params.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/forecast_engine.h"
#include "serve/forecast_json.h"
#include "serve/handlers/handlers.h"

namespace retailcast::serve {
namespace {

using Json = nlohmann::json;

// The {label: {param: value}} overrides of a posted request, each value as ParseParamsJson
// reads it.
Status ParamOverridesFromJson(const Json& params, std::vector<eval::ParamOverride>* out,
                              Json* details) {
  for (auto it = params.begin(); it != params.end(); ++it) {
    eval::ParamOverride o;
    o.label = it.key();
    for (auto p = it->begin(); p != it->end(); ++p) {
      std::string text;
      if (!ParamTextFromJson(*p, &text)) {
        (*details)["field"] = "params." + it.key();
        return Status::InvalidArgument(it.key() + ": parameter '" + p.key() +
                                       "' must be a number, boolean or string");
      }
      o.values.emplace_back(p.key(), std::move(text));
    }
    out->push_back(std::move(o));
  }
  return Status::Ok();
}

// The reply when no served artifact has the name a stored request gives (empty: the only one).
ApiResponse NotServed(const ServiceContext& context, const ServedSet& set,
                      const std::string& artifact) {
  std::vector<std::string> names;
  for (const auto& x : set.artifacts) names.push_back(x->record().name);
  if (names.empty()) {
    return StatusReply(Status::FailedPrecondition(
        "no artifact is loaded, so stored series cannot be forecast; train one with "
        "`retailcast train --store " +
        context.options.store_path + " --dataset NAME --promote`, or post the history in 'data'"));
  }
  if (artifact.empty()) {
    return StatusReply(Status::InvalidArgument("several artifacts are served (" + JoinNames(names) +
                                               "); name one in 'artifact'"),
                       {{"field", "artifact"}, {"served", names}});
  }
  return StatusReply(Status::NotFound("artifact '" + artifact +
                                      "' is not served (served: " + JoinNames(names) + ")"),
                     {{"field", "artifact"}, {"served", names}});
}

ApiResponse ForecastStored(ServiceContext& context, const ForecastRequest& r) {
  // The snapshot this request answers from, whatever is promoted meanwhile.
  const std::shared_ptr<const ServedSet> set = context.artifacts->Current();
  const ServedArtifact* a = set->Find(r.artifact);
  if (a == nullptr) return NotServed(context, *set, r.artifact);
  const eval::LoadedModelSet& loaded = a->models();
  const auto& models = loaded.models();
  std::vector<size_t> chosen;
  if (r.models.empty()) {
    for (size_t j = 0; j < models.size(); ++j) chosen.push_back(j);
  } else {
    for (const std::string& label : r.models) {
      auto it = std::find_if(models.begin(), models.end(),
                             [&](const auto& m) { return m.spec.label == label; });
      if (it == models.end()) {
        std::vector<std::string> labels;
        labels.reserve(models.size());
        for (const auto& m : models) labels.push_back(m.spec.label);
        return StatusReply(
            Status::InvalidArgument("artifact '" + a->record().name + "' v" +
                                    std::to_string(a->record().version) + " has no model '" +
                                    label + "' (models: " + JoinNames(labels) + ")"),
            {{"field", "models"}, {"models", labels}});
      }
      chosen.push_back(static_cast<size_t>(it - models.begin()));
    }
  }
  std::vector<size_t> rows;
  rows.reserve(r.series.size());
  Json unknown = Json::array();
  size_t unknown_count = 0;
  for (const std::string& id : r.series) {
    std::optional<size_t> i = loaded.Find(id);
    if (i) {
      rows.push_back(*i);
    } else if (unknown_count++ < 20) {
      unknown.push_back(id);
    }
  }
  if (unknown_count > 0) {
    Status missing = Status::NotFound(
        std::to_string(unknown_count) + " of " + std::to_string(r.series.size()) +
        " series are not in artifact '" + a->record().name + "' v" +
        std::to_string(a->record().version) + "; first: '" + unknown[0].get<std::string>() + "'");
    return StatusReply(missing,
                       {{"unknown_series", std::move(unknown)}, {"unknown_count", unknown_count}});
  }

  PredictRequest request;
  request.horizon = r.horizon;
  request.levels = r.levels;
  std::string out;
  out.reserve(256 +
              rows.size() * chosen.size() *
                  (64 + static_cast<size_t>(r.horizon) * (14 + 12 * (1 + 2 * r.levels.size()))));
  JsonWriter w(&out);
  std::vector<double> served(chosen.size(), 0);
  struct Failure {
    size_t series;
    size_t model;
    Status status;
  };
  std::vector<Failure> failures;
  w.BeginObject();
  w.Key("artifact");
  w.BeginObject();
  w.Key("name");
  w.String(a->record().name);
  w.Key("version");
  w.Int(a->record().version);
  w.Key("id");
  w.Int(a->record().id);
  w.EndObject();
  w.Key("forecasts");
  w.BeginArray();
  // A forecast not in the cache is written here first, then copied into the reply and kept.
  std::string one;
  JsonWriter one_writer(&one);
  std::optional<ForecastJson> one_json;  // made at the first miss (it formats the level keys)
  size_t hits = 0;
  std::optional<ThreadPool> pool;
  for (size_t i : rows) {
    const eval::LoadedModelSet::Series& s = loaded.series()[i];
    for (size_t c = 0; c < chosen.size(); ++c) {
      const size_t j = chosen[c];
      if (a->WriteCached(i, j, r.horizon, r.levels, &w)) {
        ++hits;
        served[c] += 1;
        continue;
      }
      if (!pool) pool.emplace(1);  // a global model predicts on this request's thread
      Result<retailcast::Forecast> fc = eval::PredictOne(loaded, i, j, request, *pool);
      if (!fc.ok()) {
        failures.push_back({i, j, fc.status()});
        continue;
      }
      one.clear();
      if (!one_json) one_json.emplace(&one_writer, r.levels);
      one_json->Write(s.unique_id, models[j].spec.label, s.last_date, s.freq, *fc, r.horizon);
      w.Raw(one);
      a->Remember(i, j, r.horizon, r.levels, one);
      served[c] += 1;
    }
  }
  w.EndArray();
  w.Key("errors");
  w.BeginArray();
  for (const Failure& f : failures) {
    w.BeginObject();
    w.Key("unique_id");
    w.String(loaded.series()[f.series].unique_id);
    w.Key("model");
    w.String(models[f.model].spec.label);
    w.Key("code");
    w.String(StatusCodeName(f.status.code()));
    w.Key("message");
    w.String(f.status.message());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  ServiceMetrics& metrics = context.metrics;
  for (size_t c = 0; c < chosen.size(); ++c) {
    if (served[c] > 0)
      metrics.forecasts->WithLabels({"stored", models[chosen[c]].spec.label}).Inc(served[c]);
  }
  if (!failures.empty()) {
    metrics.forecast_errors->WithLabels({"stored"}).Inc(static_cast<double>(failures.size()));
  }
  if (hits > 0) metrics.cache_hits->Inc(static_cast<double>(hits));
  return JsonReply(200, std::move(out));
}

ApiResponse ForecastPosted(ServiceContext& context, ForecastRequest& r) {
  const ModelRegistry& registry = context.registry;
  Json details = Json::object();
  // Models first, as the CLI does: a typo in a model name needs no data read.
  Result<std::vector<eval::ModelSpec>> specs =
      eval::MakeModelSpecs(registry, JoinNames(r.models, ","), r.season);
  if (!specs.ok()) return StatusReply(specs.status(), {{"field", "model"}});
  std::vector<eval::ParamOverride> overrides;
  Status parsed = ParamOverridesFromJson(r.params, &overrides, &details);
  if (!parsed.ok()) return StatusReply(parsed, std::move(details));
  size_t failed = 0;
  Status applied =
      eval::ApplyParamOverrides(registry, overrides, &*specs, {"'params'", "'model'"}, &failed);
  if (!applied.ok()) {
    return StatusReply(applied, {{"field", "params." + overrides[failed].label}});
  }
  Result<std::vector<eval::ModelInstance>> models = eval::InstantiateModels(registry, *specs);
  if (!models.ok()) return StatusReply(models.status(), {{"field", "model"}});
  std::optional<Frequency> freq;
  if (!r.freq.empty()) {
    Result<Frequency> f = Frequency::Parse(r.freq);
    if (!f.ok()) return StatusReply(f.status(), {{"field", "freq"}});
    freq = *f;
  }
  Result<io::LoadedPanel> loaded = ReadPosted(r.data, freq, &details);
  if (!loaded.ok()) return StatusReply(loaded.status(), std::move(details));
  // One request runs on its own worker thread; concurrency comes from concurrent requests.
  ThreadPool inline_pool(1);
  eval::ForecastOptions options;
  options.request.horizon = r.horizon;
  options.request.levels = r.levels;
  Result<eval::ForecastRun> run = eval::ForecastPanel(loaded->panel, *models, options, inline_pool);
  if (!run.ok()) return StatusReply(run.status());

  std::string out;
  JsonWriter w(&out);
  ForecastJson fj(&w, r.levels);
  const ForecastTable& table = run->table;
  std::vector<double> served(table.models().size(), 0);
  w.BeginObject();
  w.Key("forecasts");
  w.BeginArray();
  for (const ForecastTable::Block& block : table.blocks()) {
    fj.WriteBlock(table, block);
    served[block.model] += 1;
  }
  w.EndArray();
  w.Key("errors");
  w.BeginArray();
  for (const eval::SeriesError& err : run->errors) {
    w.BeginObject();
    w.Key("unique_id");
    w.String(err.unique_id);
    w.Key("model");
    w.String(err.model);
    w.Key("code");
    w.String(StatusCodeName(err.status.code()));
    w.Key("message");
    w.String(err.status.message());
    w.EndObject();
  }
  w.EndArray();
  w.Key("warnings");
  w.BeginArray();
  for (const std::string& warning : loaded->report.warnings) w.String(warning);
  w.EndArray();
  w.EndObject();
  for (size_t m = 0; m < served.size(); ++m) {
    context.metrics.forecasts->WithLabels({"posted", table.models()[m]}).Inc(served[m]);
  }
  if (!run->errors.empty()) {
    context.metrics.forecast_errors->WithLabels({"posted"})
        .Inc(static_cast<double>(run->errors.size()));
  }
  return JsonReply(200, std::move(out));
}

}  // namespace

ApiResponse PostForecast(ServiceContext& context, const ApiRequest& req) {
  ForecastRequest r;
  Json details = Json::object();
  Status parsed = ParseForecastRequest(req.body, context.limits, &r, &details);
  if (!parsed.ok()) return StatusReply(parsed, std::move(details));
  return r.posted ? ForecastPosted(context, r) : ForecastStored(context, r);
}

}  // namespace retailcast::serve
