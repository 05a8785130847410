// The handlers of the API: one source file per resource in this folder. The router calls a
// handler once the request passed the middleware its route needs (router.h); the handler
// parses the body, does the work through the library and builds the whole reply, errors
// included (api_exchange.h). Handlers return replies for every bad input and throw only what
// the libraries throw (the router answers that).
//
// Thread-safety: every handler may run concurrently with every other (service_context.h).
#pragma once

#include <string_view>

#include "serve/api_exchange.h"
#include "serve/service_context.h"

namespace retailcast::serve {

// health.cc: the routes without a key.
// GET /healthz: the process is up.
ApiResponse GetHealthz();
// GET /readyz: 200 when the store can be read, an artifact is loaded (unless the options
// say otherwise) and the service is not draining; 503 with the reasons otherwise.
ApiResponse GetReadyz(ServiceContext& context);
// GET /metrics: the Prometheus text format.
ApiResponse GetMetrics(ServiceContext& context);
// GET /v1/openapi.json: the OpenAPI document.
ApiResponse GetOpenApi();

// forecasts.cc: POST /v1/forecast, for stored series (from the served artifact) or posted
// history (fitted on this request).
ApiResponse PostForecast(ServiceContext& context, const ApiRequest& req);

// actuals.cc: POST /v1/actuals, a batch of new observations stored once per batch id.
ApiResponse PostActuals(ServiceContext& context, const ApiRequest& req);

// artifacts.cc: GET /v1/artifacts (every version, the served ones marked), and
// POST /v1/artifacts/{id}/promote|rollback with `id_text` the {id} path segment.
ApiResponse GetArtifacts(ServiceContext& context);
ApiResponse PromoteArtifact(ServiceContext& context, std::string_view id_text);
ApiResponse RollbackArtifact(ServiceContext& context, std::string_view id_text);

// models.cc: GET /v1/models, the model registry with parameter specs.
ApiResponse GetModels(ServiceContext& context);

}  // namespace retailcast::serve
