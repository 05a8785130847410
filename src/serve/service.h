// The API itself, independent of the HTTP library: routing, authentication, roles, rate
// limits, the handlers and their metrics. server.cc feeds it requests from cpp-httplib; tests
// and the fuzz target can call it directly.
//
// Thread-safety: Handle may be called concurrently from any number of threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "artifacts.h"
#include "auth.h"
#include "errors.h"
#include "log.h"
#include "metrics.h"
#include "rate_limiter.h"
#include "requests.h"
#include "retailcast/core/registry.h"
#include "retailcast/serve/serve.h"
#include "retailcast/store/store.h"
#include "routes.h"

namespace retailcast::serve {

struct ApiRequest {
  std::string_view method;         // "GET", "POST", ... ("HEAD" is answered like GET)
  std::string_view path;           // without the query string
  std::string_view authorization;  // the Authorization header; empty when absent
  std::string_view content_type;   // empty when absent
  std::string_view body;
};

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string_view content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

// What the HTTP layer logs about a request besides what it knows itself.
struct RequestInfo {
  std::string_view route = "unmatched";  // the route template
  std::string key_id;
};

// The OpenAPI document (docs/openapi.json, embedded at build time).
std::string_view OpenApiDocument();

class Service {
 public:
  // Opens the store and reads keys and artifacts. `logs` must outlive the service.
  static Result<std::unique_ptr<Service>> Create(const ServerOptions& options, Logs* logs);
  ~Service();

  ApiResponse Handle(const ApiRequest& req, RequestInfo* info);

  // Re-read the key table / the artifacts to serve.
  Status RefreshKeys();
  Status RefreshArtifacts();
  // While draining, /readyz answers 503 so load balancers stop sending traffic.
  void SetDraining() { draining_.store(true); }

  // Counts a finished request (every reply, including the ones the HTTP layer produced).
  void RecordRequest(std::string_view route, std::string_view method, int status, double seconds);
  Gauge& in_flight() { return *in_flight_; }
  MetricsRegistry& metrics() { return metrics_; }
  const KeyRing& keys() const { return *keys_; }
  ArtifactServer& artifacts() { return *artifacts_; }

 private:
  Service(const ServerOptions& options, Logs* logs);
  void RegisterMetrics();

  ApiResponse Public(RouteId id);
  ApiResponse Ready();
  ApiResponse Forecast(const ApiRequest& req);
  ApiResponse ForecastStored(const ForecastRequest& r);
  ApiResponse ForecastPosted(ForecastRequest& r);
  ApiResponse Models();
  ApiResponse Actuals(const ApiRequest& req);
  ApiResponse ListArtifacts();
  ApiResponse SwitchArtifact(RouteId id, const std::string& id_text);
  Identity Authenticate(std::string_view authorization);
  // The frequency of a stored dataset, or nullopt when it does not exist yet.
  Result<std::optional<Frequency>> DatasetFrequency(const std::string& dataset);

  ServerOptions options_;
  Logs* logs_;
  uint64_t instance_ = 0;  // unique per Service in the process (RecordRequest's cache)
  RequestLimits limits_;
  const ModelRegistry& registry_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<ArtifactServer> artifacts_;
  std::string models_json_;  // GET /v1/models never changes while the process runs

  std::mutex key_refresh_mu_;
  std::chrono::steady_clock::time_point last_key_refresh_;
  std::atomic<bool> store_ok_{false};
  std::atomic<bool> draining_{false};
  std::mutex datasets_mu_;
  std::unordered_map<std::string, Frequency> dataset_freq_;

  MetricsRegistry metrics_;
  Family<Counter>* requests_ = nullptr;
  Family<Histogram>* latency_ = nullptr;
  Gauge* in_flight_ = nullptr;
  Family<Counter>* forecasts_ = nullptr;
  Family<Counter>* forecast_errors_ = nullptr;
  Counter* cache_hits_ = nullptr;
  Family<Gauge>* artifact_version_ = nullptr;
  Family<Gauge>* artifact_series_ = nullptr;
  Family<Counter>* artifact_switches_ = nullptr;
  Counter* artifact_load_failures_ = nullptr;
  Family<Counter>* ingest_rows_ = nullptr;
  Family<Counter>* batches_ = nullptr;
  Family<Counter>* auth_failures_ = nullptr;
  Counter* rate_limited_ = nullptr;
  Gauge* keys_active_ = nullptr;
  Gauge* store_up_ = nullptr;
};

}  // namespace retailcast::serve
