// The API itself, independent of the HTTP library: server.cc feeds it requests from
// cpp-httplib; tests, the fuzz target and the benchmarks call it directly. Service builds the
// parts and answers through them, one concern per file:
//   router.h            the route table's dispatch and the middleware: authentication,
//                       roles, rate limits, content types
//   handlers/           one file per resource: forecasts, actuals, artifacts, models, health
//   service_context.h   what the handlers share (store, artifacts, registry, metrics, limits)
//   service_metrics.h   the service's Prometheus series
//
// Thread-safety: Handle may be called concurrently from any number of threads.
#pragma once

#include <memory>
#include <string_view>

#include "api_exchange.h"
#include "artifacts.h"
#include "auth.h"
#include "log.h"
#include "metrics.h"
#include "openapi.h"
#include "retailcast/serve/serve.h"
#include "router.h"
#include "service_context.h"

namespace retailcast::serve {

class Service {
 public:
  // Opens the store and reads keys and artifacts. `logs` must outlive the service.
  static Result<std::unique_ptr<Service>> Create(const ServerOptions& options, Logs* logs);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  ApiResponse Handle(const ApiRequest& req, RequestInfo* info);

  // Re-read the key table / the artifacts to serve.
  Status RefreshKeys();
  Status RefreshArtifacts();
  // While draining, /readyz answers 503 so load balancers stop sending traffic.
  void SetDraining() { context_->draining.store(true); }

  // Counts a finished request (every reply, including the ones the HTTP layer produced).
  void RecordRequest(std::string_view route, std::string_view method, int status, double seconds);
  Gauge& in_flight() { return *context_->metrics.in_flight; }
  MetricsRegistry& metrics() { return context_->metrics.registry(); }
  const KeyRing& keys() const { return router_->keys(); }
  ArtifactServer& artifacts() { return *context_->artifacts; }

 private:
  Service(std::unique_ptr<ServiceContext> context, std::unique_ptr<Router> router);

  std::unique_ptr<ServiceContext> context_;
  std::unique_ptr<Router> router_;  // uses *context_: declared after it
};

}  // namespace retailcast::serve
