// The baseline of bench/serve_bench.sh: a hello-world server on the same HTTP library
// (Debian's cpp-httplib) with the same settings as `retailcast serve` (TCP_NODELAY, worker
// threads, keep-alive limits, listen backlog), so the ratio of the two measures what the
// service adds per request.
//
//   bench_serve_hello PORT [THREADS] [library|connection]
//
// serves GET /hello until SIGTERM or SIGINT. "library" (the default) is the library's own
// connection handling, the plain hello world; "connection" drives connections as
// `retailcast serve` does (ConnectionServer, src/serve/http_connection.h), to tell what the
// service adds from what its connection handling saves.
//
// It also answers POST /v1/forecast with a fixed JSON reply as long as a one-series forecast
// of the benchmark (REPLY_BYTES, default 1,974) and the service's extra X-Request-Id header,
// after reading the body: the cost of the same exchange on the wire with no work behind it,
// which bounds what the single-series ratio can reach on this library.
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <httplib.h>

#include "http_connection.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace {

// As in src/serve/server.cc: the library listens with a backlog of 5.
class LibraryServer : public httplib::Server {
 public:
  bool WidenBacklog(int backlog) { return ::listen(svr_sock_, backlog) == 0; }
};

template <typename Http>
int Serve(int port, int threads, const std::string& canned, sigset_t stop) {
  Http server;
  // The library's API hands over a raw pointer it deletes itself.
  server.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(10000);
  server.set_keep_alive_timeout(5);
  server.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("Hello World!", "text/plain");
  });
  server.Post("/v1/forecast", [&canned](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Request-Id", std::to_string(req.body.size()));
    res.set_content(canned, "application/json");
  });
  if (!server.bind_to_port("127.0.0.1", port) || !server.WidenBacklog(1024)) {
    std::fprintf(stderr, "cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop, &sig);
    server.stop();
  });
  std::fprintf(stderr, "hello server on http://127.0.0.1:%d/hello (%d threads)\n", port, threads);
  server.listen_after_bind();
  waiter.detach();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 3 ? argv[3] : "library";
  if (argc < 2 || argc > 4 || (mode != "library" && mode != "connection")) {
    std::fprintf(stderr, "usage: %s PORT [THREADS] [library|connection]\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int threads = argc > 2 ? std::atoi(argv[2]) : 64;
  const char* bytes = std::getenv("REPLY_BYTES");
  const long want = bytes != nullptr ? std::atol(bytes) : 1974;
  if (want < 0 || want > (64L << 20)) {
    std::fprintf(stderr, "REPLY_BYTES must be between 0 and 67108864, got '%s'\n", bytes);
    return 2;
  }
  const std::string canned = [&] {
    const size_t n = static_cast<size_t>(want);
    std::string body = "{\"forecasts\":[\"";
    body.resize(std::max(n, body.size() + 3) - 3, 'x');
    return body + "\"]}";
  }();
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return mode == "library"
             ? Serve<LibraryServer>(port, threads, canned, stop)
             : Serve<retailcast::serve::ConnectionServer>(port, threads, canned, stop);
}
