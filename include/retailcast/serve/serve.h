// `retailcast serve`: the HTTP/JSON forecasting service, a thin adapter over the library.
//
// Routes (docs/openapi.json has the full contract; docs/serving.md the behaviour):
//   GET  /healthz                        process up                         no key
//   GET  /readyz                         store open, an artifact loaded      no key
//   GET  /metrics                        Prometheus text format              no key
//   GET  /v1/openapi.json                the OpenAPI 3 document              no key
//   POST /v1/forecast                    stored series or posted history     reader
//   GET  /v1/models                      the model registry with parameters  reader
//   POST /v1/actuals                     new observations (batch id)         writer
//   GET  /v1/artifacts                   artifact versions                   admin
//   POST /v1/artifacts/{id}/promote      serve another version               admin
//   POST /v1/artifacts/{id}/rollback     back to the version before          admin
// Every /v1 call except the OpenAPI document needs "Authorization: Bearer <key>"
// (serve_keys.h). Errors are {"error": {"code", "message", "details"}}.
//
// Thread-safety: a Server's methods may be called from any thread; Run blocks the caller.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/status.h"

namespace retailcast::serve {

struct ServerOptions {
  std::string store_path = "retailcast.db";  // opened (created when absent) by Create
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port (see Server::port())
  // HTTP worker threads. cpp-httplib holds one keep-alive connection per thread, so this is
  // also the number of clients served at once: size it above the expected connections.
  int threads = 64;
  int keep_alive_timeout_s = 5;         // idle keep-alive connections close after this
  int keep_alive_max_requests = 10000;  // requests per connection before it is closed
  int read_timeout_s = 10;              // reading a request (headers and body)
  int write_timeout_s = 10;             // writing a reply
  int listen_backlog = 1024;            // pending connections the kernel queues
  // After SIGTERM, how long `retailcast serve` lets in-flight requests finish before it
  // exits anyway (keep it below the orchestrator's kill timeout, e.g. Kubernetes' 30 s).
  int shutdown_grace_s = 20;
  size_t max_body_bytes = size_t{64} << 20;  // larger bodies get 413
  size_t max_series_per_request = 100000;
  size_t max_points_per_request = 20000000;  // posted points (history values) per request
  // Per-key token bucket: requests per second and burst; 0 disables the limit.
  double rate_limit_rps = 0;
  double rate_limit_burst = 0;
  // TLS: both set = HTTPS through OpenSSL (TLS 1.2 or newer); both empty = plain HTTP (with a
  // warning when the host is not a loopback address).
  std::string tls_cert_file;
  std::string tls_key_file;
  // Secret for hmac-sha256 key hashes (serve_keys.h). When empty, Create reads
  // server_secret_file, or the environment variable RETAILCAST_SERVER_SECRET when that is
  // empty too (LoadServerSecret); no secret at all is allowed (argon2id keys only).
  std::string server_secret;
  std::string server_secret_file;
  double key_refresh_s = 2;       // how often the key table is re-read (revocations)
  double artifact_refresh_s = 5;  // how often promotions by other processes are looked for
  std::vector<std::string> artifact_names;  // artifact names to serve; empty = all
  // Bytes of formatted stored forecasts kept per served version (a repeated question is
  // answered from it; 0 = off). A stored forecast costs mostly its prediction and number
  // formatting, which a loaded version answers the same way every time.
  size_t forecast_cache_bytes = size_t{256} << 20;
  bool ready_requires_artifact = true;  // /readyz needs a loaded artifact
  // JSON access log lines: "-" = stdout, "" = off, else a file (appended).
  std::string access_log = "-";
  // Level of the service's own JSON log lines on stderr: debug, info, warn, error, off.
  std::string log_level = "info";
  // Test hook, for tests only: called on the worker thread after a /v1 request was
  // authenticated and before it is handled, with the route template.
  std::function<void(std::string_view route)> before_handle;
};

// Applies a deployment config (config/deployment_config.json) to `options`: a JSON object
// with the sections "store", "server", "tls", "limits", "auth", "artifacts" and "logging"
// (docs/serving.md lists every key). Unknown keys and values of the wrong type are
// InvalidArgument naming them; IoError / NotFound when the file cannot be read.
Status ApplyConfigFile(const std::string& path, ServerOptions* options);
Status ApplyConfigJson(std::string_view json, std::string_view source, ServerOptions* options);

class Server {
 public:
  // Opens the store, reads the keys and loads the artifacts to serve, and binds the port
  // (the server accepts no connection before Run). InvalidArgument for bad options (e.g. one
  // TLS file without the other, an unknown log level); IoError when the port cannot be bound
  // or a TLS file cannot be loaded; store errors as Store::Open gives them.
  static Result<std::unique_ptr<Server>> Create(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (useful with port 0).
  int port() const;
  // Serves until Shutdown; returns once every in-flight request has been answered.
  // FailedPrecondition when called twice.
  Status Run();
  // Stops accepting connections and lets Run drain and return. Idempotent; callable before
  // Run (Run then returns at once). Not async-signal-safe: call it from a thread that waited
  // for the signal (serve_command.cc does).
  void Shutdown();
  // Re-reads the key table and the artifacts to serve now (also done periodically).
  Status Refresh();

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace retailcast::serve
