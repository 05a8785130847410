#include "service_metrics.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "retailcast_version.h"

namespace retailcast::serve {
namespace {

// Latency buckets (seconds): 100 us to 10 s, dense where the stored path lives.
const std::vector<double> kLatencyBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                             0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                             1,      2.5,     5,      10};

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

}  // namespace

ServiceMetrics::ServiceMetrics() {
  static std::atomic<uint64_t> instances{0};
  instance_ = ++instances;
  MetricsRegistry& m = registry_;
  requests_ = &m.AddCounter("retailcast_http_requests_total",
                            "HTTP requests answered, by route template, method and status",
                            {"route", "method", "status"});
  latency_ = &m.AddHistogram(
      "retailcast_http_request_duration_seconds",
      "Time from the request's headers to the reply being written, by route template", {"route"},
      kLatencyBuckets);
  in_flight = &m.AddGauge("retailcast_http_requests_in_flight", "Requests being handled right now")
                   .WithLabels({});
  forecasts = &m.AddCounter(
      "retailcast_forecasts_served_total",
      "Series forecasts returned (one per series and model), by source (stored: from the "
      "promoted artifact; posted: fitted on posted history) and model label",
      {"source", "model"});
  forecast_errors = &m.AddCounter(
      "retailcast_forecast_errors_total",
      "Series and model pairs that got no forecast (listed in the reply's errors)", {"source"});
  artifact_version = &m.AddGauge("retailcast_artifact_version",
                                 "Version of the artifact served, by artifact name", {"name"});
  artifact_series = &m.AddGauge("retailcast_artifact_series",
                                "Series in the artifact served, by artifact name", {"name"});
  artifact_switches = &m.AddCounter(
      "retailcast_artifact_switches_total",
      "Times the served version of an artifact changed (load, promote, rollback, refresh)",
      {"name"});
  cache_hits = &m.AddCounter("retailcast_forecast_cache_hits_total",
                             "Stored forecasts answered from the forecast cache "
                             "(artifacts.forecast_cache_mb)")
                    .WithLabels({});
  artifact_load_failures = &m.AddCounter("retailcast_artifact_load_failures_total",
                                         "Artifact versions that could not be loaded")
                                .WithLabels({});
  ingest_rows = &m.AddCounter(
      "retailcast_ingest_rows_total",
      "Posted actuals by outcome: inserted, updated, unchanged (values), rejected (rows)",
      {"outcome"});
  batches = &m.AddCounter("retailcast_actuals_batches_total",
                          "POST /v1/actuals batches by result: stored, duplicate "
                          "(a retry, stored before), rejected",
                          {"result"});
  auth_failures = &m.AddCounter("retailcast_auth_failures_total",
                                "Requests refused with 401, by reason", {"reason"});
  rate_limited = &m.AddCounter("retailcast_rate_limited_total",
                               "Requests refused with 429 by the per-key rate limit")
                      .WithLabels({});
  keys_active = &m.AddGauge("retailcast_api_keys_active", "API keys accepted").WithLabels({});
  store_up =
      &m.AddGauge("retailcast_store_up", "1 when the last read of the store succeeded, else 0")
           .WithLabels({});
  m.AddGauge("retailcast_build_info", "Version of the running retailcast (always 1)",
             {"version", "revision"})
      .WithLabels({RETAILCAST_VERSION, RETAILCAST_GIT_SHA})
      .Set(1);
  const double start = NowUnixSeconds();
  m.AddCallbackGauge("process_start_time_seconds",
                     "Start time of the process since the Unix epoch in seconds",
                     [start] { return start; });
  m.AddCallbackGauge("process_resident_memory_bytes", "Resident memory size in bytes",
                     ResidentBytes);
}

void ServiceMetrics::RecordRequest(std::string_view route, std::string_view method, int status,
                                   double seconds) {
  // Each worker thread remembers the children of the last few (route, method, status): the
  // families' lookups take a mutex and build a key, for every request otherwise. Route names
  // come from the route table (or a literal), so their addresses identify them; `instance_`
  // tells these metrics from an earlier service's that lived at the same address.
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

}  // namespace retailcast::serve
