// GET /healthz, /readyz, /metrics and /v1/openapi.json: the routes a load balancer, a
// Prometheus scraper or a client generator call without a key.
#include "retailcast/core/json_writer.h"
#include "serve/handlers/handlers.h"
#include "serve/openapi.h"

namespace retailcast::serve {

ApiResponse GetHealthz() { return JsonReply(200, R"({"status":"ok"})"); }

ApiResponse GetReadyz(ServiceContext& context) {
  const auto set = context.artifacts->Current();
  const bool store_ok = context.store_ok.load();
  const bool draining = context.draining.load();
  const bool artifact_ok = !context.options.ready_requires_artifact || !set->artifacts.empty();
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

ApiResponse GetMetrics(ServiceContext& context) {
  ApiResponse r = JsonReply(200, context.metrics.registry().Render());
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return r;
}

ApiResponse GetOpenApi() { return JsonReply(200, std::string(OpenApiDocument())); }

}  // namespace retailcast::serve
