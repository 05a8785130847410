// The service's Prometheus series: registered once per Service, and the handles the router
// and the handlers update. /metrics lists the series in the order they are registered here.
//
// Thread-safety: the handles may be updated concurrently (metrics.h); RecordRequest may be
// called from any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "metrics.h"

namespace retailcast::serve {

class ServiceMetrics {
 public:
  // Registers every series of the service in a registry of its own.
  ServiceMetrics();
  ServiceMetrics(const ServiceMetrics&) = delete;
  ServiceMetrics& operator=(const ServiceMetrics&) = delete;

  MetricsRegistry& registry() { return registry_; }

  // Counts a finished request (every reply, including the ones the HTTP layer produced) and
  // its latency. `route` must be a route template of the route table or a string literal:
  // its address identifies it in a per-thread cache.
  void RecordRequest(std::string_view route, std::string_view method, int status, double seconds);

  // HTTP layer.
  Gauge* in_flight = nullptr;
  // POST /v1/forecast: by source ("stored" / "posted") and model label; errors by source.
  Family<Counter>* forecasts = nullptr;
  Family<Counter>* forecast_errors = nullptr;
  Counter* cache_hits = nullptr;
  // The artifacts served, by artifact name.
  Family<Gauge>* artifact_version = nullptr;
  Family<Gauge>* artifact_series = nullptr;
  Family<Counter>* artifact_switches = nullptr;
  Counter* artifact_load_failures = nullptr;
  // POST /v1/actuals: rows by outcome, batches by result.
  Family<Counter>* ingest_rows = nullptr;
  Family<Counter>* batches = nullptr;
  // Middleware: 401 by reason, 429.
  Family<Counter>* auth_failures = nullptr;
  Counter* rate_limited = nullptr;
  // The key table and the store.
  Gauge* keys_active = nullptr;
  Gauge* store_up = nullptr;

 private:
  MetricsRegistry registry_;
  uint64_t instance_ = 0;  // unique per ServiceMetrics in the process (RecordRequest's cache)
  Family<Counter>* requests_ = nullptr;
  Family<Histogram>* latency_ = nullptr;
};

}  // namespace retailcast::serve
