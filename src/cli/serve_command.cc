// `retailcast serve`: run the HTTP/JSON forecasting service until SIGTERM or SIGINT.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include "commands.h"
#include "retailcast/serve/serve.h"

namespace retailcast::cli {
namespace {

struct ServeArgs {
  std::string config;
  std::string store;
  std::string host;
  int port = 0;
  int threads = 0;
  std::string tls_cert;
  std::string tls_key;
  std::string server_secret_file;
  std::string access_log;
  std::string log_level;
  std::vector<std::string> artifacts;
  // Which flags were given (they override the config file).
  CLI::Option* store_opt = nullptr;
  CLI::Option* host_opt = nullptr;
  CLI::Option* port_opt = nullptr;
  CLI::Option* threads_opt = nullptr;
  CLI::Option* tls_cert_opt = nullptr;
  CLI::Option* tls_key_opt = nullptr;
  CLI::Option* secret_opt = nullptr;
  CLI::Option* access_log_opt = nullptr;
  CLI::Option* log_level_opt = nullptr;
  CLI::Option* artifacts_opt = nullptr;
};

Status RunServe(const ServeArgs& a) {
  serve::ServerOptions o;
  if (!a.config.empty()) RETAILCAST_RETURN_IF_ERROR(serve::ApplyConfigFile(a.config, &o));
  auto given = [](const CLI::Option* opt) { return opt != nullptr && opt->count() > 0; };
  if (given(a.store_opt)) o.store_path = a.store;
  if (given(a.host_opt)) o.host = a.host;
  if (given(a.port_opt)) o.port = a.port;
  if (given(a.threads_opt)) o.threads = a.threads;
  if (given(a.tls_cert_opt)) o.tls_cert_file = a.tls_cert;
  if (given(a.tls_key_opt)) o.tls_key_file = a.tls_key;
  if (given(a.secret_opt)) o.server_secret_file = a.server_secret_file;
  if (given(a.access_log_opt)) o.access_log = a.access_log;
  if (given(a.log_level_opt)) o.log_level = a.log_level;
  if (given(a.artifacts_opt)) o.artifact_names = a.artifacts;

  // Block the stop signals before any thread exists, so every thread inherits the mask and
  // only the waiter below receives them (a handler could not call Shutdown safely). A client
  // that hangs up mid-reply must not kill the process.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  const int grace_s = o.shutdown_grace_s;
  // No fastbins: every reply is a few kilobytes, and glibc consolidates its fastbins before
  // each allocation of that size, which profiling showed as a visible share of a small
  // request's cost. Small blocks are still cached per thread (tcache).
  mallopt(M_MXFAST, 0);
  RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<serve::Server> server,
                              serve::Server::Create(std::move(o)));
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    while (!done.load()) {
      timespec wait{0, 200 * 1000 * 1000};
      const int sig = sigtimedwait(&stop_signals, nullptr, &wait);
      if (sig != SIGTERM && sig != SIGINT) continue;
      std::fprintf(stderr, "retailcast serve: %s received, draining in-flight requests\n",
                   sig == SIGTERM ? "SIGTERM" : "SIGINT");
      server->Shutdown();
      // Requests that outlive the grace period would make the orchestrator kill us anyway;
      // exiting first at least says why.
      std::thread([grace_s] {
        std::this_thread::sleep_for(std::chrono::seconds(grace_s));
        std::fprintf(stderr,
                     "retailcast serve: requests still running %d s after the stop signal "
                     "(server.shutdown_grace_s); exiting without them\n",
                     grace_s);
        std::_Exit(1);
      }).detach();
      return;
    }
  });
  Status s = server->Run();
  done.store(true);
  waiter.join();
  return s;
}

}  // namespace

void AddServeCommand(CLI::App& app, Action* action) {
  auto a = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand(
      "serve",
      "Run the HTTP/JSON forecasting service (API keys from `retailcast keys`; see "
      "docs/serving.md and deploy/README.md)");
  cmd->add_option("--config", a->config,
                  "Deployment config JSON (e.g. config/deployment_config.json): TLS, limits, "
                  "threads, logging; the flags below override it");
  a->store_opt = cmd->add_option("--store", a->store, "SQLite store file (default retailcast.db)");
  a->host_opt = cmd->add_option("--host", a->host, "Address to listen on (default 127.0.0.1)");
  a->port_opt = cmd->add_option("--port", a->port, "Port (default 8080; 0 = any free port)")
                    ->check(CLI::Range(0, 65535));
  a->threads_opt = cmd->add_option("--threads", a->threads,
                                   "HTTP worker threads = connections served at once (default 64)")
                       ->check(CLI::Range(1, 4096));
  a->tls_cert_opt = cmd->add_option("--tls-cert", a->tls_cert, "TLS certificate chain (PEM)");
  a->tls_key_opt = cmd->add_option("--tls-key", a->tls_key, "TLS private key (PEM)");
  a->secret_opt = cmd->add_option(
      "--server-secret-file", a->server_secret_file,
      "File with the server secret for hmac-sha256 keys (default: $RETAILCAST_SERVER_SECRET)");
  a->access_log_opt = cmd->add_option("--access-log", a->access_log,
                                      "JSON access log: - = stdout (default), a file, or '' = off");
  a->log_level_opt = cmd->add_option("--log-level", a->log_level,
                                     "Service log level: debug, info (default), warn, error, off");
  a->artifacts_opt = cmd->add_option("--artifact", a->artifacts,
                                     "Artifact name(s) to serve (default: every name in the store)")
                         ->delimiter(',');
  cmd->callback([action, a] { *action = [a] { return RunServe(*a); }; });
}

}  // namespace retailcast::cli
