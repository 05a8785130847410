#include "service.h"

#include <sodium.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <optional>

#include "forecast_json.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/core/json_writer.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast_version.h"

namespace retailcast::serve {
namespace {

using Json = nlohmann::json;

// Latency buckets (seconds): 100 us to 10 s, dense where the stored path lives.
const std::vector<double> kLatencyBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                             0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                             1,      2.5,     5,      10};

ApiResponse JsonReply(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ApiResponse ErrorReply(const ApiError& e) {
  ApiResponse r = JsonReply(e.http_status, e.ToJson());
  if (e.http_status == 401)
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"retailcast\"");
  return r;
}

ApiResponse StatusReply(const Status& s, Json details = Json::object()) {
  return ErrorReply(ApiError::FromStatus(s, std::move(details)));
}

std::string Join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

double ResidentBytes() {
  std::ifstream in("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  if (!(in >> pages_total >> pages_resident)) return 0;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double NowUnixSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

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

// The {label: {param: value}} overrides of a posted request as text, as ParseParamsJson reads
// JSON values: strings as they are, booleans true/false, numbers in full precision.
Status ParamOverridesFromJson(const Json& params, std::vector<eval::ParamOverride>* out,
                              Json* details) {
  for (auto it = params.begin(); it != params.end(); ++it) {
    eval::ParamOverride o;
    o.label = it.key();
    for (auto p = it->begin(); p != it->end(); ++p) {
      const Json& v = *p;
      std::string text;
      if (v.is_string()) {
        text = v.get<std::string>();
      } else if (v.is_boolean()) {
        text = v.get<bool>() ? "true" : "false";
      } else if (v.is_number_integer()) {
        text = std::to_string(v.get<int64_t>());
      } else if (v.is_number()) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", v.get<double>());
        text = buf;
      } else {
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

}  // namespace

Service::Service(const ServerOptions& options, Logs* logs)
    : options_(options), logs_(logs), registry_(BuiltinRegistry()) {
  static std::atomic<uint64_t> instances{0};
  instance_ = ++instances;
  limits_.max_series = options.max_series_per_request;
  limits_.max_points = options.max_points_per_request;
}

Service::~Service() = default;

void Service::RegisterMetrics() {
  requests_ = &metrics_.AddCounter("retailcast_http_requests_total",
                                   "HTTP requests answered, by route template, method and status",
                                   {"route", "method", "status"});
  latency_ = &metrics_.AddHistogram(
      "retailcast_http_request_duration_seconds",
      "Time from the request's headers to the reply being written, by route template", {"route"},
      kLatencyBuckets);
  in_flight_ =
      &metrics_.AddGauge("retailcast_http_requests_in_flight", "Requests being handled right now")
           .WithLabels({});
  forecasts_ = &metrics_.AddCounter(
      "retailcast_forecasts_served_total",
      "Series forecasts returned (one per series and model), by source (stored: from the "
      "promoted artifact; posted: fitted on posted history) and model label",
      {"source", "model"});
  forecast_errors_ = &metrics_.AddCounter(
      "retailcast_forecast_errors_total",
      "Series and model pairs that got no forecast (listed in the reply's errors)", {"source"});
  artifact_version_ = &metrics_.AddGauge(
      "retailcast_artifact_version", "Version of the artifact served, by artifact name", {"name"});
  artifact_series_ = &metrics_.AddGauge(
      "retailcast_artifact_series", "Series in the artifact served, by artifact name", {"name"});
  artifact_switches_ = &metrics_.AddCounter(
      "retailcast_artifact_switches_total",
      "Times the served version of an artifact changed (load, promote, rollback, refresh)",
      {"name"});
  cache_hits_ = &metrics_
                     .AddCounter("retailcast_forecast_cache_hits_total",
                                 "Stored forecasts answered from the forecast cache "
                                 "(artifacts.forecast_cache_mb)")
                     .WithLabels({});
  artifact_load_failures_ = &metrics_
                                 .AddCounter("retailcast_artifact_load_failures_total",
                                             "Artifact versions that could not be loaded")
                                 .WithLabels({});
  ingest_rows_ = &metrics_.AddCounter(
      "retailcast_ingest_rows_total",
      "Posted actuals by outcome: inserted, updated, unchanged (values), rejected (rows)",
      {"outcome"});
  batches_ = &metrics_.AddCounter("retailcast_actuals_batches_total",
                                  "POST /v1/actuals batches by result: stored, duplicate "
                                  "(a retry, stored before), rejected",
                                  {"result"});
  auth_failures_ = &metrics_.AddCounter("retailcast_auth_failures_total",
                                        "Requests refused with 401, by reason", {"reason"});
  rate_limited_ = &metrics_
                       .AddCounter("retailcast_rate_limited_total",
                                   "Requests refused with 429 by the per-key rate limit")
                       .WithLabels({});
  keys_active_ =
      &metrics_.AddGauge("retailcast_api_keys_active", "API keys accepted").WithLabels({});
  store_up_ =
      &metrics_
           .AddGauge("retailcast_store_up", "1 when the last read of the store succeeded, else 0")
           .WithLabels({});
  metrics_
      .AddGauge("retailcast_build_info", "Version of the running retailcast (always 1)",
                {"version", "revision"})
      .WithLabels({RETAILCAST_VERSION, RETAILCAST_GIT_SHA})
      .Set(1);
  const double start = NowUnixSeconds();
  metrics_.AddCallbackGauge("process_start_time_seconds",
                            "Start time of the process since the Unix epoch in seconds",
                            [start] { return start; });
  metrics_.AddCallbackGauge("process_resident_memory_bytes", "Resident memory size in bytes",
                            ResidentBytes);
}

Result<std::unique_ptr<Service>> Service::Create(const ServerOptions& options, Logs* logs) {
  std::unique_ptr<Service> s(new Service(options, logs));
  s->RegisterMetrics();
  RETAILCAST_ASSIGN_OR_RETURN(s->store_, store::Store::Open(options.store_path));
  s->keys_ = std::make_unique<KeyRing>(options.server_secret);
  s->limiter_ = std::make_unique<RateLimiter>(options.rate_limit_rps, options.rate_limit_burst);
  Service* self = s.get();
  s->artifacts_ = std::make_unique<ArtifactServer>(
      *s->store_, s->registry_, options.artifact_names,
      [self](const ServedSet&, const ServedArtifact& changed, const std::string& message) {
        const auto& r = changed.record();
        self->artifact_version_->WithLabels({r.name}).Set(static_cast<double>(r.version));
        self->artifact_series_->WithLabels({r.name}).Set(
            static_cast<double>(changed.models().series().size()));
        self->artifact_switches_->WithLabels({r.name}).Inc();
        self->logs_->Event(LogLevel::kInfo, message,
                           {{"artifact", r.name}, {"version", r.version}, {"id", r.id}});
      },
      options.forecast_cache_bytes);
  s->models_json_ = s->registry_.ToJson();
  RETAILCAST_RETURN_IF_ERROR(s->RefreshKeys());
  Status loaded = s->RefreshArtifacts();
  if (!loaded.ok()) {
    logs->Event(LogLevel::kError, "an artifact could not be loaded; its name is not served",
                {{"error", loaded.ToString()}});
  }
  return s;
}

Status Service::RefreshKeys() {
  Result<std::vector<store::ApiKeyRecord>> keys = store_->ListApiKeys();
  {
    std::lock_guard lock(key_refresh_mu_);
    last_key_refresh_ = std::chrono::steady_clock::now();
  }
  store_ok_.store(keys.ok());
  store_up_->Set(keys.ok() ? 1 : 0);
  if (!keys.ok()) return keys.status();
  keys_->Replace(*keys);
  keys_active_->Set(static_cast<double>(keys_->active_keys()));
  return Status::Ok();
}

Status Service::RefreshArtifacts() {
  Status s = artifacts_->Refresh();
  if (!s.ok()) artifact_load_failures_->Inc();
  return s;
}

void Service::RecordRequest(std::string_view route, std::string_view method, int status,
                            double seconds) {
  // Each worker thread remembers the children of the last few (route, method, status): the
  // families' lookups take a mutex and build a key, for every request otherwise. Route names
  // come from the route table (or a literal), so their addresses identify them; `instance_`
  // tells this service from an earlier one that lived at the same address.
  struct Slot {
    uint64_t instance = 0;
    const char* route = nullptr;
    size_t route_size = 0;
    int status = 0;
    std::string method;
    Counter* requests = nullptr;
    Histogram* latency = nullptr;
  };
  thread_local std::array<Slot, 16> slots;
  thread_local size_t next = 0;
  for (Slot& slot : slots) {
    if (slot.instance == instance_ && slot.route == route.data() &&
        slot.route_size == route.size() && slot.status == status && slot.method == method) {
      slot.requests->Inc();
      slot.latency->Observe(seconds);
      return;
    }
  }
  char code[8];
  std::snprintf(code, sizeof code, "%d", status);
  Slot& slot = slots[next++ % slots.size()];
  slot = Slot{instance_,
              route.data(),
              route.size(),
              status,
              std::string(method),
              &requests_->WithLabels({route, method, code}),
              &latency_->WithLabels({route})};
  slot.requests->Inc();
  slot.latency->Observe(seconds);
}

Identity Service::Authenticate(std::string_view authorization) {
  Identity id = keys_->Authenticate(authorization);
  if (id.outcome != AuthOutcome::kUnknownKey) return id;
  // A key made after the last refresh: look again now, but at most once a second, so unknown
  // keys cannot make every request read the store.
  bool refreshed = false;
  {
    std::unique_lock lock(key_refresh_mu_);
    if (std::chrono::steady_clock::now() - last_key_refresh_ >= std::chrono::seconds(1)) {
      lock.unlock();
      refreshed = RefreshKeys().ok();
    }
  }
  return refreshed ? keys_->Authenticate(authorization) : id;
}

ApiResponse Service::Handle(const ApiRequest& req, RequestInfo* info) {
  RouteMatch m = MatchRoute(req.method, req.path);
  if (m.route == nullptr) {
    if (!m.allow.empty()) {
      ApiResponse r = ErrorReply(HttpError(405, kCodeMethodNotAllowed,
                                           "method " + std::string(req.method) +
                                               " is not allowed "
                                               "on " +
                                               std::string(req.path) + "; use " + m.allow,
                                           {{"allow", m.allow}}));
      r.headers.emplace_back("Allow", m.allow);
      return r;
    }
    return ErrorReply(ErrorForBareStatus(404));
  }
  info->route = m.route->path;
  try {
    if (!m.route->needs_key) return Public(m.route->id);
    Identity id = Authenticate(req.authorization);
    info->key_id = id.key_id;
    if (id.outcome != AuthOutcome::kOk) {
      auth_failures_->WithLabels({AuthOutcomeName(id.outcome)}).Inc();
      std::string message =
          id.outcome == AuthOutcome::kMissing
              ? "this route needs an API key: send 'Authorization: Bearer <key>' (an "
                "operator makes one with `retailcast keys create --role reader`)"
          : id.outcome == AuthOutcome::kMalformed
              ? "the Authorization header must be 'Bearer rck_<key_id>_<secret>'"
              : "the API key is not valid (unknown, revoked or wrong); ask an operator for a "
                "key (`retailcast keys list` shows the active ones)";
      return ErrorReply(HttpError(401, kCodeUnauthenticated, std::move(message)));
    }
    if (static_cast<int>(id.role) < static_cast<int>(m.route->role)) {
      return ErrorReply(
          HttpError(403, kCodePermissionDenied,
                    std::string(m.route->method) + " " + std::string(m.route->path) +
                        " needs the " + std::string(RoleName(m.route->role)) + " role; key " +
                        id.key_id + " has " + std::string(RoleName(id.role)),
                    {{"required_role", RoleName(m.route->role)}, {"key_role", RoleName(id.role)}}));
    }
    double retry_after = 0;
    if (!limiter_->Allow(id.key_id, RateLimiter::Clock::now(), &retry_after)) {
      rate_limited_->Inc();
      const int seconds = std::max(1, static_cast<int>(std::ceil(retry_after)));
      ApiResponse r =
          ErrorReply(HttpError(429, kCodeRateLimited,
                               "key " + id.key_id + " is over its rate limit of " +
                                   std::to_string(options_.rate_limit_rps) +
                                   " requests/s; retry after " + std::to_string(seconds) + " s",
                               {{"retry_after_s", seconds}}));
      r.headers.emplace_back("Retry-After", std::to_string(seconds));
      return r;
    }
    if (options_.before_handle) options_.before_handle(m.route->path);
    if (m.route->method == "POST" && !req.content_type.empty()) {
      const std::string_view type = req.content_type.substr(0, req.content_type.find(';'));
      if (type != "application/json") {
        return ErrorReply(HttpError(415, kCodeUnsupportedMediaType,
                                    "the body must be JSON: send 'Content-Type: application/json' "
                                    "(got '" +
                                        std::string(type) + "')"));
      }
    }
    switch (m.route->id) {
      case RouteId::kForecast:
        return Forecast(req);
      case RouteId::kModels:
        return JsonReply(200, models_json_);
      case RouteId::kActuals:
        return Actuals(req);
      case RouteId::kArtifacts:
        return ListArtifacts();
      case RouteId::kPromote:
      case RouteId::kRollback:
        return SwitchArtifact(m.route->id, m.id);
      default:
        break;
    }
    return StatusReply(Status::Internal("route without a handler"));
  } catch (const std::bad_alloc&) {
    return ErrorReply(HttpError(503, kCodeUnavailable,
                                "the server ran out of memory for this request; send a smaller "
                                "batch"));
  } catch (const std::exception& e) {
    logs_->Event(LogLevel::kError, "unexpected exception in a handler",
                 {{"route", std::string(m.route->path)}, {"what", e.what()}});
    return StatusReply(Status::Internal(std::string("unexpected exception: ") + e.what()));
  }
}

ApiResponse Service::Public(RouteId id) {
  switch (id) {
    case RouteId::kHealthz:
      return JsonReply(200, "{\"status\":\"ok\"}");
    case RouteId::kReadyz:
      return Ready();
    case RouteId::kMetrics: {
      ApiResponse r = JsonReply(200, metrics_.Render());
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      return r;
    }
    case RouteId::kOpenApi:
      return JsonReply(200, std::string(OpenApiDocument()));
    default:
      break;
  }
  return StatusReply(Status::Internal("public route without a handler"));
}

ApiResponse Service::Ready() {
  const auto set = artifacts_->Current();
  const bool store_ok = store_ok_.load();
  const bool draining = draining_.load();
  const bool artifact_ok = !options_.ready_requires_artifact || !set->artifacts.empty();
  const bool ready = store_ok && artifact_ok && !draining;
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("status");
  w.String(ready ? "ready" : "not ready");
  w.Key("store");
  w.String(store_ok ? "ok" : "unavailable");
  w.Key("draining");
  w.Bool(draining);
  w.Key("artifacts");
  w.BeginArray();
  for (const auto& a : set->artifacts) {
    w.BeginObject();
    w.Key("name");
    w.String(a->record().name);
    w.Key("version");
    w.Int(a->record().version);
    w.Key("id");
    w.Int(a->record().id);
    w.Key("series");
    w.Int(static_cast<int64_t>(a->models().series().size()));
    w.EndObject();
  }
  w.EndArray();
  w.Key("reasons");
  w.BeginArray();
  if (!store_ok) w.String("the store cannot be read");
  if (!artifact_ok) {
    w.String("no artifact is loaded: train one (`retailcast train --store ... --promote`)");
  }
  if (draining) w.String("shutting down");
  w.EndArray();
  w.EndObject();
  return JsonReply(ready ? 200 : 503, std::move(out));
}

ApiResponse Service::Forecast(const ApiRequest& req) {
  ForecastRequest r;
  Json details = Json::object();
  Status parsed = ParseForecastRequest(req.body, limits_, &r, &details);
  if (!parsed.ok()) return StatusReply(parsed, std::move(details));
  return r.posted ? ForecastPosted(r) : ForecastStored(r);
}

ApiResponse Service::ForecastStored(const ForecastRequest& r) {
  // The snapshot this request answers from, whatever is promoted meanwhile.
  const std::shared_ptr<const ServedSet> set = artifacts_->Current();
  const ServedArtifact* a = set->Find(r.artifact);
  if (a == nullptr) {
    std::vector<std::string> names;
    for (const auto& x : set->artifacts) names.push_back(x->record().name);
    if (names.empty()) {
      return StatusReply(Status::FailedPrecondition(
          "no artifact is loaded, so stored series cannot be forecast; train one with "
          "`retailcast train --store " +
          options_.store_path + " --dataset NAME --promote`, or post the history in 'data'"));
    }
    if (r.artifact.empty()) {
      return StatusReply(Status::InvalidArgument("several artifacts are served (" + Join(names) +
                                                 "); name one in 'artifact'"),
                         {{"field", "artifact"}, {"served", names}});
    }
    return StatusReply(Status::NotFound("artifact '" + r.artifact +
                                        "' is not served (served: " + Join(names) + ")"),
                       {{"field", "artifact"}, {"served", names}});
  }
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
        for (const auto& m : models) labels.push_back(m.spec.label);
        return StatusReply(
            Status::InvalidArgument("artifact '" + a->record().name + "' v" +
                                    std::to_string(a->record().version) + " has no model '" +
                                    label + "' (models: " + Join(labels) + ")"),
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
  for (size_t c = 0; c < chosen.size(); ++c) {
    if (served[c] > 0)
      forecasts_->WithLabels({"stored", models[chosen[c]].spec.label}).Inc(served[c]);
  }
  if (!failures.empty()) {
    forecast_errors_->WithLabels({"stored"}).Inc(static_cast<double>(failures.size()));
  }
  if (hits > 0) cache_hits_->Inc(static_cast<double>(hits));
  return JsonReply(200, std::move(out));
}

ApiResponse Service::ForecastPosted(ForecastRequest& r) {
  Json details = Json::object();
  // Models first, as the CLI does: a typo in a model name needs no data read.
  Result<std::vector<eval::ModelSpec>> specs =
      eval::MakeModelSpecs(registry_, Join(r.models, ","), r.season);
  if (!specs.ok()) return StatusReply(specs.status(), {{"field", "model"}});
  std::vector<eval::ParamOverride> overrides;
  Status parsed = ParamOverridesFromJson(r.params, &overrides, &details);
  if (!parsed.ok()) return StatusReply(parsed, std::move(details));
  size_t failed = 0;
  Status applied =
      eval::ApplyParamOverrides(registry_, overrides, &*specs, {"'params'", "'model'"}, &failed);
  if (!applied.ok()) {
    return StatusReply(applied, {{"field", "params." + overrides[failed].label}});
  }
  Result<std::vector<eval::ModelInstance>> models = eval::InstantiateModels(registry_, *specs);
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
    forecasts_->WithLabels({"posted", table.models()[m]}).Inc(served[m]);
  }
  if (!run->errors.empty()) {
    forecast_errors_->WithLabels({"posted"}).Inc(static_cast<double>(run->errors.size()));
  }
  return JsonReply(200, std::move(out));
}

Result<std::optional<Frequency>> Service::DatasetFrequency(const std::string& dataset) {
  {
    std::lock_guard lock(datasets_mu_);
    auto it = dataset_freq_.find(dataset);
    if (it != dataset_freq_.end()) return std::optional<Frequency>(it->second);
  }
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<store::DatasetInfo> all, store_->ListDatasets());
  for (const auto& d : all) {
    if (d.name != dataset) continue;
    RETAILCAST_ASSIGN_OR_RETURN(Frequency f, Frequency::Parse(d.frequency));
    // A dataset's frequency is fixed when it is created, so it can be remembered.
    std::lock_guard lock(datasets_mu_);
    dataset_freq_[dataset] = f;
    return std::optional<Frequency>(f);
  }
  return std::optional<Frequency>();
}

ApiResponse Service::Actuals(const ApiRequest& req) {
  ActualsRequest r;
  Json details = Json::object();
  Status parsed = ParseActualsRequest(req.body, limits_, &r, &details);
  if (!parsed.ok()) {
    batches_->WithLabels({"rejected"}).Inc();
    return StatusReply(parsed, std::move(details));
  }
  std::optional<Frequency> freq;
  if (!r.freq.empty()) {
    Result<Frequency> f = Frequency::Parse(r.freq);
    if (!f.ok()) {
      batches_->WithLabels({"rejected"}).Inc();
      return StatusReply(f.status(), {{"field", "freq"}});
    }
    freq = *f;
  } else {
    Result<std::optional<Frequency>> stored = DatasetFrequency(r.dataset);
    if (!stored.ok()) return StatusReply(stored.status());
    freq = *stored;
  }
  Result<io::LoadedPanel> loaded = ReadPosted(r.data, freq, &details);
  if (!loaded.ok()) {
    batches_->WithLabels({"rejected"}).Inc();
    if (details.contains("error_count")) {
      ingest_rows_->WithLabels({"rejected"}).Inc(details["error_count"].get<double>());
    }
    return StatusReply(loaded.status(), std::move(details));
  }
  // The content digest is kept with the batch, so a batch id reused for other data is told
  // apart from a retry.
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(r.data.csv.data()),
                     r.data.csv.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  const std::string source = "POST /v1/actuals batch " + r.batch_id + " sha256:" + hex;
  store::IngestOptions once;
  once.skip_if_ingested = true;
  Result<store::IngestSummary> summary =
      store_->IngestPanel(r.dataset, loaded->panel, source, "batch:" + r.batch_id, once);
  if (!summary.ok()) {
    batches_->WithLabels({"rejected"}).Inc();
    return StatusReply(summary.status());
  }
  if (summary->already_ingested) {
    Result<std::vector<store::IngestRecord>> log = store_->ListIngests(r.dataset);
    if (!log.ok()) return StatusReply(log.status());
    for (const auto& rec : *log) {
      if (rec.id == summary->ingest_id && rec.source_name != source) {
        batches_->WithLabels({"rejected"}).Inc();
        return StatusReply(
            Status::FailedPrecondition("batch id '" + r.batch_id + "' of dataset '" + r.dataset +
                                       "' was stored before with other data (ingest " +
                                       std::to_string(rec.id) + " at " + rec.ingested_at +
                                       "); use a new batch id for new data"),
            {{"field", "batch_id"}, {"ingest_id", rec.id}});
      }
    }
    batches_->WithLabels({"duplicate"}).Inc();
  } else {
    batches_->WithLabels({"stored"}).Inc();
    {
      std::lock_guard lock(datasets_mu_);
      dataset_freq_[r.dataset] = loaded->panel.freq();
    }
    ingest_rows_->WithLabels({"inserted"}).Inc(static_cast<double>(summary->observations_inserted));
    ingest_rows_->WithLabels({"updated"}).Inc(static_cast<double>(summary->observations_updated));
    ingest_rows_->WithLabels({"unchanged"})
        .Inc(static_cast<double>(summary->observations_unchanged));
  }
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("batch_id");
  w.String(r.batch_id);
  w.Key("dataset");
  w.String(r.dataset);
  w.Key("duplicate");
  w.Bool(summary->already_ingested);
  w.Key("ingest_id");
  w.Int(summary->ingest_id);
  w.Key("rows");
  w.Int(loaded->report.rows_accepted);
  w.Key("series");
  w.Int(static_cast<int64_t>(loaded->panel.num_series()));
  w.Key("frequency");
  w.String(loaded->panel.freq().ToString());
  w.Key("stored");
  w.BeginObject();
  w.Key("dataset_created");
  w.Bool(summary->dataset_created);
  w.Key("series_added");
  w.Int(summary->series_added);
  w.Key("observations_inserted");
  w.Int(summary->observations_inserted);
  w.Key("observations_updated");
  w.Int(summary->observations_updated);
  w.Key("observations_unchanged");
  w.Int(summary->observations_unchanged);
  w.EndObject();
  w.Key("warnings");
  w.BeginArray();
  for (const std::string& warning : loaded->report.warnings) w.String(warning);
  w.EndArray();
  w.EndObject();
  return JsonReply(summary->already_ingested ? 200 : 201, std::move(out));
}

ApiResponse Service::ListArtifacts() {
  Result<std::vector<store::ArtifactRecord>> records = store_->ListArtifacts();
  if (!records.ok()) return StatusReply(records.status());
  const auto set = artifacts_->Current();
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

ApiResponse Service::SwitchArtifact(RouteId route, const std::string& id_text) {
  int64_t id = 0;
  const bool digits =
      !id_text.empty() && id_text.size() <= 18 &&
      std::all_of(id_text.begin(), id_text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) id = std::stoll(id_text);
  if (id <= 0) {
    return StatusReply(Status::InvalidArgument("artifact id '" + id_text +
                                               "' is not a positive integer (see GET "
                                               "/v1/artifacts)"),
                       {{"field", "id"}});
  }
  Result<Switch> s =
      route == RouteId::kPromote ? artifacts_->Promote(id) : artifacts_->Rollback(id);
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

}  // namespace retailcast::serve
