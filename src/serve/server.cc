// The HTTP face of the service: cpp-httplib (TLS through OpenSSL) in front of Service; plain
// HTTP connections are driven by ConnectionServer (http_connection.h), which spares most of
// the library's per-request system calls.
//
// cpp-httplib routes by regular expression per request; every method is sent to one catch-all
// handler instead and Service routes by plain string comparison (cheaper, and the one place
// that knows the routes). Per request, the worker thread keeps a small context (start time,
// route, key_id) from the pre-routing hook to the logger hook, which cpp-httplib calls for
// every reply it writes, including the ones it makes itself (413 from the body limit, 400 for
// a malformed request), so metrics and the access log count every reply.
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <httplib.h>
#include <sodium.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "errors.h"
#include "http_connection.h"
#include "log.h"
#include "retailcast/serve/serve.h"
#include "service.h"

namespace retailcast::serve {
namespace {

using Clock = std::chrono::steady_clock;

// The TLS server keeps the library's connection handling (ConnectionServer is plain HTTP);
// its listen backlog is widened as in ConnectionServer::WidenBacklog.
class TlsServer : public httplib::SSLServer {
 public:
  using httplib::SSLServer::SSLServer;
  bool WidenBacklog(int backlog) { return ::listen(svr_sock_, backlog) == 0; }
};

struct RequestContext {
  bool active = false;
  Clock::time_point start;
  std::string_view route = "unmatched";
  std::string key_id;
  std::string request_id;
};
thread_local RequestContext t_request;

bool IsLoopback(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr v4{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += (out.empty() ? "" : "; ") + std::string(buf);
  }
  return out.empty() ? "no detail from OpenSSL" : out;
}

// A request header's value without copying it (empty when absent).
std::string_view Header(const httplib::Request& req, const std::string& name) {
  auto it = req.headers.find(name);
  return it == req.headers.end() ? std::string_view() : std::string_view(it->second);
}

// A request id the client may give (X-Request-Id, printable, short), else a new one.
std::string RequestId(const httplib::Request& req) {
  static std::atomic<uint64_t> counter{0};
  static const uint32_t prefix = randombytes_random();
  static const std::string kName = "X-Request-Id";
  const std::string_view given = Header(req, kName);
  if (!given.empty() && given.size() <= 128 &&
      std::all_of(given.begin(), given.end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
    return std::string(given);
  }
  char buf[40];
  auto [mid, ec1] = std::to_chars(buf, buf + 16, prefix, 16);
  *mid++ = '-';
  auto [end, ec2] = std::to_chars(mid, buf + sizeof buf, counter.fetch_add(1) + 1, 16);
  return std::string(buf, end);
}

}  // namespace

class Server::Impl {
 public:
  ServerOptions options;
  std::unique_ptr<Logs> logs;
  std::unique_ptr<Service> service;
  std::unique_ptr<httplib::Server> http;
  int port = 0;

  std::atomic<bool> run_started{false};
  std::atomic<bool> run_finished{false};
  std::atomic<bool> stopping{false};
  std::atomic<bool> stop_called{false};
  std::mutex mu;
  std::condition_variable cv;
  std::thread refresher;

  Status Setup();
  void Install();
  void RefreshLoop();
};

Status Server::Impl::Setup() {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Status::InvalidArgument(
        "TLS needs both a certificate and a key file (tls.cert_file and tls.key_file, or "
        "--tls-cert and --tls-key); got only the " +
        std::string(options.tls_cert_file.empty() ? "key" : "certificate"));
  }
  if (options.threads < 1) {
    return Status::InvalidArgument("threads must be >= 1, got " + std::to_string(options.threads));
  }
  if (options.server_secret.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(options.server_secret,
                                LoadServerSecret(options.server_secret_file));
  }
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  RETAILCAST_ASSIGN_OR_RETURN(LogLevel level, ParseLogLevel(options.log_level));
  RETAILCAST_ASSIGN_OR_RETURN(logs, Logs::Create(options.access_log, level));
  RETAILCAST_ASSIGN_OR_RETURN(service, Service::Create(options, logs.get()));

  const bool tls = !options.tls_cert_file.empty();
  auto bind = [&](auto& server) -> Status {
    if (options.port == 0) {
      port = server.bind_to_any_port(options.host);
      if (port <= 0) port = 0;
    } else {
      port = server.bind_to_port(options.host, options.port) ? options.port : 0;
    }
    if (port == 0) {
      return Status::IoError("cannot listen on " + options.host + ":" +
                             std::to_string(options.port) +
                             " (address in use, not an address of this machine, or a port below "
                             "1024 without privileges)");
    }
    if (!server.WidenBacklog(options.listen_backlog)) {
      logs->Event(LogLevel::kWarn, "cannot widen the listen backlog; keeping the library's 5");
    }
    return Status::Ok();
  };
  if (tls) {
    std::string error;
    const std::string cert = options.tls_cert_file;
    const std::string key = options.tls_key_file;
    auto server = std::make_unique<TlsServer>([&](SSL_CTX& ctx) {
      SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
      SSL_CTX_set_options(&ctx,
                          SSL_OP_NO_COMPRESSION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
      if (SSL_CTX_use_certificate_chain_file(&ctx, cert.c_str()) != 1) {
        error = "cannot load the TLS certificate chain '" + cert + "': " + OpenSslErrors();
        return false;
      }
      if (SSL_CTX_use_PrivateKey_file(&ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
        error = "cannot load the TLS private key '" + key + "': " + OpenSslErrors();
        return false;
      }
      if (SSL_CTX_check_private_key(&ctx) != 1) {
        error = "the TLS private key '" + key + "' does not match the certificate '" + cert +
                "': " + OpenSslErrors();
        return false;
      }
      return true;
    });
    if (!server->is_valid()) {
      return Status::IoError(error.empty() ? "cannot set up TLS: " + OpenSslErrors() : error);
    }
    http = std::move(server);
  } else {
    http = std::make_unique<ConnectionServer>();
  }
  // Before binding: socket options such as TCP_NODELAY are set on the listening socket when
  // it is created, and accepted sockets inherit them.
  Install();
  if (tls) {
    RETAILCAST_RETURN_IF_ERROR(bind(static_cast<TlsServer&>(*http)));
  } else {
    RETAILCAST_RETURN_IF_ERROR(bind(static_cast<ConnectionServer&>(*http)));
  }

  const std::string scheme = tls ? "https" : "http";
  logs->Event(LogLevel::kInfo, "listening",
              {{"url", scheme + "://" + options.host + ":" + std::to_string(port)},
               {"store", options.store_path},
               {"threads", options.threads},
               {"api_keys", service->keys().active_keys()}});
  if (!tls && !IsLoopback(options.host)) {
    logs->Event(LogLevel::kWarn,
                "serving plain HTTP beyond loopback: API keys and data cross the network "
                "unencrypted; configure tls.cert_file and tls.key_file, or terminate TLS in "
                "front of the server",
                {{"host", options.host}});
  }
  if (service->keys().active_keys() == 0) {
    logs->Event(LogLevel::kWarn,
                "no API key is active: every /v1 call will get 401; create one with "
                "`retailcast keys create --store " +
                    options.store_path + " --role reader`");
  }
  if (size_t n = service->keys().unusable_keys(); n > 0) {
    logs->Event(LogLevel::kWarn,
                std::to_string(n) +
                    " active keys were made with a server secret (hmac-sha256) "
                    "but this server has none; they will get 401 until auth.server_secret_file or "
                    "RETAILCAST_SERVER_SECRET is set");
  }
  if (service->artifacts().Current()->artifacts.empty()) {
    logs->Event(LogLevel::kWarn,
                "no artifact to serve: stored-series forecasts get 409 and /readyz 503 until one "
                "is trained (`retailcast train --store ... --promote`); posted-history "
                "forecasts work");
  }
  return Status::Ok();
}

void Server::Impl::Install() {
  httplib::Server& s = *http;
  const int threads = options.threads;
  // The library's API hands over a raw pointer it deletes itself.
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_tcp_nodelay(true);
  // The library's default also sets SO_REUSEPORT, with which a second server (another
  // `retailcast serve`, or a test running beside this one) binds the same port without an
  // error and the kernel splits the connections between the two. SO_REUSEADDR alone still
  // lets a restarted server bind while old connections linger in TIME_WAIT.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  s.set_keep_alive_max_count(static_cast<size_t>(options.keep_alive_max_requests));
  s.set_keep_alive_timeout(options.keep_alive_timeout_s);
  s.set_read_timeout(options.read_timeout_s, 0);
  s.set_write_timeout(options.write_timeout_s, 0);
  s.set_payload_max_length(options.max_body_bytes);

  Service* svc = service.get();
  s.set_pre_routing_handler([svc](const httplib::Request& req, httplib::Response&) {
    if (t_request.active) svc->in_flight().Add(-1);  // the last reply on this thread was not logged
    t_request.active = true;
    t_request.start = Clock::now();
    t_request.route = "unmatched";
    t_request.key_id.clear();
    t_request.request_id = RequestId(req);
    svc->in_flight().Add(1);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto handle = [svc](const httplib::Request& req, httplib::Response& res) {
    static const std::string kAuthorization = "Authorization", kContentType = "Content-Type";
    ApiRequest a{req.method, req.path, Header(req, kAuthorization), Header(req, kContentType),
                 req.body};
    RequestInfo info;
    ApiResponse r = svc->Handle(a, &info);
    t_request.route = info.route;
    t_request.key_id = std::move(info.key_id);
    res.status = r.status;
    res.body = std::move(r.body);
    res.set_header("Content-Type", std::string(r.content_type));
    for (auto& [k, v] : r.headers) res.set_header(k, v);
    res.set_header("X-Request-Id", t_request.request_id);
  };
  s.Get(".*", handle);
  s.Post(".*", handle);
  s.Put(".*", handle);
  s.Patch(".*", handle);
  s.Delete(".*", handle);
  s.Options(".*", handle);
  s.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        ApiError e = ErrorForBareStatus(res.status);
        if (res.status == 413 &&
            req.get_header_value("Content-Type") == "application/x-www-form-urlencoded") {
          e.message =
              "the body was sent as a form (Content-Type: application/x-www-form-urlencoded), "
              "which is limited to 8 KiB; send it with 'Content-Type: application/json'";
        }
        res.body = e.ToJson();
        res.set_header("Content-Type", "application/json");
        return httplib::Server::HandlerResponse::Handled;
      }));
  Logs* log = logs.get();
  s.set_exception_handler(
      [log](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        log->Event(LogLevel::kError, "unexpected exception", {{"path", req.path}, {"what", what}});
        res.status = 500;
        res.body = ApiError::FromStatus(Status::Internal("unexpected exception: " + what)).ToJson();
        res.set_header("Content-Type", "application/json");
      });
  s.set_logger([svc, log](const httplib::Request& req, const httplib::Response& res) {
    double seconds = 0;
    if (t_request.active) {
      seconds = std::chrono::duration<double>(Clock::now() - t_request.start).count();
      svc->in_flight().Add(-1);
      t_request.active = false;
    } else {
      t_request.route = "unmatched";
      t_request.key_id.clear();
      t_request.request_id.clear();
    }
    svc->RecordRequest(t_request.route, req.method, res.status, seconds);
    AccessRecord a;
    a.method = req.method;
    a.path = req.path;
    a.route = t_request.route;
    a.status = res.status;
    a.duration_ms = seconds * 1000;
    a.bytes_in = req.body.size();
    a.bytes_out = res.body.size();
    a.key_id = t_request.key_id;
    a.remote = req.remote_addr;
    a.request_id = t_request.request_id;
    log->Access(a);
  });
}

void Server::Impl::RefreshLoop() {
  using std::chrono::duration;
  auto key_every = duration<double>(options.key_refresh_s);
  auto artifact_every = duration<double>(options.artifact_refresh_s);
  Clock::time_point next_keys =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(key_every);
  Clock::time_point next_artifacts =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(artifact_every);
  bool keys_failing = false;
  bool artifacts_failing = false;
  std::unique_lock lock(mu);
  while (!stopping.load()) {
    cv.wait_until(lock, std::min(next_keys, next_artifacts), [&] { return stopping.load(); });
    if (stopping.load()) break;
    lock.unlock();
    const Clock::time_point now = Clock::now();
    if (now >= next_keys) {
      Status s = service->RefreshKeys();
      // Logged when it starts and stops failing, not every couple of seconds.
      if (!s.ok() && !keys_failing) {
        logs->Event(LogLevel::kError, "cannot read the API keys", {{"error", s.ToString()}});
      } else if (s.ok() && keys_failing) {
        logs->Event(LogLevel::kInfo, "the API keys can be read again");
      }
      keys_failing = !s.ok();
      next_keys = now + std::chrono::duration_cast<Clock::duration>(key_every);
    }
    if (now >= next_artifacts) {
      Status s = service->RefreshArtifacts();
      if (!s.ok() && !artifacts_failing) {
        logs->Event(LogLevel::kError, "cannot refresh the served artifacts",
                    {{"error", s.ToString()}});
      }
      artifacts_failing = !s.ok();
      next_artifacts = now + std::chrono::duration_cast<Clock::duration>(artifact_every);
    }
    lock.lock();
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  Shutdown();
  if (impl_->refresher.joinable()) impl_->refresher.join();
}

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  RETAILCAST_RETURN_IF_ERROR(impl->Setup());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

int Server::port() const { return impl_->port; }

Status Server::Refresh() {
  Status keys = impl_->service->RefreshKeys();
  Status artifacts = impl_->service->RefreshArtifacts();
  return keys.ok() ? artifacts : keys;
}

Status Server::Run() {
  if (impl_->run_started.exchange(true)) {
    return Status::FailedPrecondition("Server::Run was called twice");
  }
  if (!impl_->stopping.load()) {
    impl_->refresher = std::thread([this] { impl_->RefreshLoop(); });
    // Returns once stop() was called and the worker pool has finished every queued
    // connection, i.e. after the in-flight requests were answered.
    impl_->http->listen_after_bind();
  }
  impl_->run_finished.store(true);
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping.store(true);
  }
  impl_->cv.notify_all();
  if (impl_->refresher.joinable()) impl_->refresher.join();
  impl_->logs->Event(LogLevel::kInfo, "stopped; every in-flight request was answered");
  impl_->logs->Flush();
  return Status::Ok();
}

void Server::Shutdown() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping.store(true);
  }
  impl_->cv.notify_all();
  impl_->service->SetDraining();
  if (!impl_->run_started.load()) return;  // Run sees `stopping` and returns at once
  if (impl_->stop_called.exchange(true)) return;
  // stop() is a no-op until the listen loop runs; wait for it (or for Run to end).
  while (!impl_->http->is_running() && !impl_->run_finished.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_->http->stop();
}

}  // namespace retailcast::serve
