// What the handlers of the service share: the options, the store, the artifacts served, the
// model registry, the metrics, the request limits and the logs. Service::Create builds one per
// service; the router and every handler (handlers/handlers.h) get it by reference.
//
// Thread-safety: handlers run concurrently on the HTTP worker threads. Everything here is
// either set once before the first request (options, limits, models_json, the pointers), or
// safe to use concurrently by itself (Store, ArtifactServer, metrics, the atomics,
// DatasetFrequencies).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "artifacts.h"
#include "log.h"
#include "requests.h"
#include "retailcast/core/date.h"
#include "retailcast/core/registry.h"
#include "retailcast/serve/serve.h"
#include "retailcast/store/store.h"
#include "service_metrics.h"

namespace retailcast::serve {

// The frequency of each dataset the service has seen: a dataset's frequency is fixed when it
// is created, so it is read from the store once (POST /v1/actuals without a 'freq').
class DatasetFrequencies {
 public:
  std::optional<Frequency> Find(const std::string& dataset) const {
    std::lock_guard lock(mu_);
    auto it = frequencies_.find(dataset);
    if (it == frequencies_.end()) return std::nullopt;
    return it->second;
  }
  void Remember(const std::string& dataset, const Frequency& frequency) {
    std::lock_guard lock(mu_);
    frequencies_.insert_or_assign(dataset, frequency);
  }

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, Frequency> frequencies_;
};

struct ServiceContext {
  ServiceContext(const ServerOptions& server_options, Logs* service_logs,
                 const ModelRegistry& model_registry)
      : options(server_options), logs(service_logs), registry(model_registry) {
    limits.max_series = options.max_series_per_request;
    limits.max_points = options.max_points_per_request;
  }
  ServiceContext(const ServiceContext&) = delete;
  ServiceContext& operator=(const ServiceContext&) = delete;

  const ServerOptions options;
  Logs* const logs;  // not owned; outlives the service
  RequestLimits limits;
  const ModelRegistry& registry;
  // Declared before what reports to it (the artifacts' change callback), so it outlives it.
  ServiceMetrics metrics;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<ArtifactServer> artifacts;  // reads `store`: declared after it
  std::string models_json;                    // GET /v1/models never changes while the process runs
  // Whether the last read of the key table succeeded (the store is readable: /readyz).
  std::atomic<bool> store_ok{false};
  // While draining, /readyz answers 503 so load balancers stop sending traffic.
  std::atomic<bool> draining{false};
  DatasetFrequencies dataset_frequencies;
};

}  // namespace retailcast::serve
