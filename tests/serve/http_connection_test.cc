// ConnectionServer (src/serve/http_connection.h) over raw loopback sockets: what its stream
// does differently from the library's (read-ahead kept between requests, replies held until
// complete, addresses looked up once) must not change what a client sees.
#include "http_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "store/bounded_wait.h"

namespace retailcast::serve {
namespace {

using Clock = std::chrono::steady_clock;
using retailcast::testing::PollUntil;
using retailcast::testing::TestThread;

// Bounds of the waits that have no deadline of their own: a server that never starts or never
// stops fails the test instead of hanging it.
constexpr std::chrono::seconds kStartLimit(30);
constexpr std::chrono::seconds kStopLimit(30);
// Sends block at most this long (a server that stopped reading).
constexpr int kSendTimeoutS = 10;

class HttpConnectionTest : public ::testing::Test {
 protected:
  void Start(size_t keep_alive_max = 100, time_t keep_alive_s = 5, time_t read_timeout_s = 5) {
    server_.new_task_queue = [] { return new httplib::ThreadPool(4); };
    server_.set_tcp_nodelay(true);
    server_.set_keep_alive_max_count(keep_alive_max);
    server_.set_keep_alive_timeout(keep_alive_s);
    server_.set_read_timeout(read_timeout_s, 0);
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.body, "application/octet-stream");
    });
    server_.Get("/big", [](const httplib::Request& req, httplib::Response& res) {
      std::string body(std::stoul(req.get_param_value("n")), '\0');
      for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
      res.set_content(body, "text/plain");
    });
    server_.Get("/peer", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.remote_addr + ":" + std::to_string(req.remote_port) + " " +
                          req.get_header_value("LOCAL_ADDR") + ":" +
                          req.get_header_value("LOCAL_PORT"),
                      "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    runner_.emplace([this] { server_.listen_after_bind(); });
    ASSERT_TRUE(PollUntil([this] { return server_.is_running() || runner_->done(); }, kStartLimit))
        << "the server did not start listening within " << kStartLimit.count() << " s";
    ASSERT_TRUE(server_.is_running()) << "listen_after_bind returned without listening";
  }
  void TearDown() override { Stop(); }
  // Stops the server and waits (bounded) for its listen loop to return.
  void Stop() {
    server_.stop();
    if (runner_) {
      runner_->JoinWithin(
          kStopLimit,
          [this] {
            return std::string("the server ") + (server_.is_running() ? "still" : "no longer") +
                   " reports running";
          },
          "listen_after_bind did not return after stop()");
    }
  }

  // A connected client socket (closed by the test's Close or at the end).
  int Connect() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    // Bounds connect and every send: a server that stops reading fails SendAll.
    timeval send_timeout{kSendTimeoutS, 0};
    EXPECT_EQ(::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout), 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    fds_.push_back(fd);
    return fd;
  }
  static void SendAll(int fd, const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      ASSERT_GT(n, 0) << "send failed or blocked for " << kSendTimeoutS << " s after " << off
                      << " of " << data.size() << " bytes (errno " << errno
                      << "): the server stopped reading";
      off += static_cast<size_t>(n);
    }
  }
  // Reads until `want` bytes arrived, the peer closed, or `timeout` passed.
  static std::string Receive(int fd, size_t want, std::chrono::milliseconds timeout) {
    std::string got;
    const Clock::time_point deadline = Clock::now() + timeout;
    while (got.size() < want) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      pollfd p{fd, POLLIN, 0};
      if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) break;
      char buf[65536];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }
  // One whole reply (headers and a Content-Length body) from the front of `buffer`, or "".
  static std::string TakeReply(std::string& buffer) {
    const size_t end = buffer.find("\r\n\r\n");
    if (end == std::string::npos) return "";
    const size_t at = buffer.find("Content-Length: ");
    size_t length = 0;
    if (at != std::string::npos && at < end) length = std::stoul(buffer.substr(at + 16));
    if (buffer.size() < end + 4 + length) return "";
    std::string reply = buffer.substr(0, end + 4 + length);
    buffer.erase(0, reply.size());
    return reply;
  }
  static std::string BodyOf(const std::string& reply) {
    return reply.substr(reply.find("\r\n\r\n") + 4);
  }
  // The next whole reply on `fd` (what follows it stays in `buffer`), or "" after `timeout`.
  static std::string ReadReply(int fd, std::string& buffer,
                               std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const Clock::time_point deadline = Clock::now() + timeout;
    for (;;) {
      std::string reply = TakeReply(buffer);
      if (!reply.empty()) return reply;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      pollfd p{fd, POLLIN, 0};
      if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return "";
      char buf[65536];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return "";
      buffer.append(buf, static_cast<size_t>(n));
    }
  }
  // True when the server closes `fd` within `timeout` (whatever it sends before is dropped).
  static bool ClosedWithin(int fd, std::chrono::milliseconds timeout) {
    const Clock::time_point deadline = Clock::now() + timeout;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      pollfd p{fd, POLLIN, 0};
      if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
      char buf[4096];
      if (::recv(fd, buf, sizeof buf, 0) <= 0) return true;
    }
  }
  static std::string Post(const std::string& body, const std::string& extra = "") {
    return "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n" + extra + "\r\n" + body;
  }

  ConnectionServer server_;
  int port_ = 0;
  std::optional<TestThread> runner_;
  std::vector<int> fds_;

 public:
  ~HttpConnectionTest() override {
    for (int fd : fds_) ::close(fd);
  }
};

TEST_F(HttpConnectionTest, PipelinedRequestsOnOneConnectionAreAllAnsweredInOrder) {
  Start();
  const int fd = Connect();
  // Three requests in one send: the read-ahead of the first holds the start of the others.
  SendAll(fd, Post("first") + Post("second") + Post("third"));
  std::string buffer;
  for (const char* want : {"first", "second", "third"}) {
    const std::string reply = ReadReply(fd, buffer);
    ASSERT_FALSE(reply.empty()) << "missing the reply to '" << want << "'";
    EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply;
    EXPECT_EQ(BodyOf(reply), want);
  }
  EXPECT_TRUE(buffer.empty()) << buffer;
}

TEST_F(HttpConnectionTest, AClientWaitingFor100ContinueGetsItBeforeSendingTheBody) {
  Start();
  const int fd = Connect();
  const std::string body(100000, 'b');
  SendAll(fd, "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n");
  const std::string interim = Receive(fd, 25, std::chrono::milliseconds(2000));
  ASSERT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  SendAll(fd, body);
  std::string buffer;
  const std::string reply = ReadReply(fd, buffer);
  ASSERT_FALSE(reply.empty());
  EXPECT_EQ(BodyOf(reply), body);
}

TEST_F(HttpConnectionTest, BodiesAndRepliesLargerThanItsBuffersArriveWhole) {
  Start();
  const int fd = Connect();
  std::string body(3 * ConnectionStream::kHoldBytes + 17, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7 % 251);
  SendAll(fd, Post(body));
  std::string buffer;
  std::string reply = ReadReply(fd, buffer);
  ASSERT_FALSE(reply.empty());
  EXPECT_EQ(BodyOf(reply), body);

  const size_t n = 5 * ConnectionStream::kHoldBytes + 3;
  SendAll(fd, "GET /big?n=" + std::to_string(n) + " HTTP/1.1\r\nHost: x\r\n\r\n");
  reply = ReadReply(fd, buffer);
  ASSERT_FALSE(reply.empty());
  const std::string got = BodyOf(reply);
  ASSERT_EQ(got.size(), n);
  for (size_t i = 0; i < n; i += 4099) ASSERT_EQ(got[i], 'a' + i % 26) << "at byte " << i;
}

TEST_F(HttpConnectionTest, TheClientsAndServersAddressesAreReported) {
  Start();
  const int fd = Connect();
  sockaddr_in mine{};
  socklen_t len = sizeof mine;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&mine), &len), 0);
  for (int i = 0; i < 2; ++i) {  // looked up once, the same on the second request
    SendAll(fd, "GET /peer HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string buffer;
    const std::string reply = ReadReply(fd, buffer);
    EXPECT_EQ(BodyOf(reply), "127.0.0.1:" + std::to_string(ntohs(mine.sin_port)) +
                                 " 127.0.0.1:" + std::to_string(port_));
  }
}

TEST_F(HttpConnectionTest, TheKeepAliveLimitClosesTheConnectionAfterItsLastReply) {
  Start(/*keep_alive_max=*/2);
  const int fd = Connect();
  SendAll(fd, Post("one"));
  std::string buffer;
  EXPECT_EQ(BodyOf(ReadReply(fd, buffer)), "one");
  SendAll(fd, Post("two"));
  const std::string last = ReadReply(fd, buffer);
  EXPECT_NE(last.find("Connection: close\r\n"), std::string::npos) << last;
  EXPECT_EQ(BodyOf(last), "two");
  EXPECT_TRUE(ClosedWithin(fd, std::chrono::milliseconds(1000)));
}

TEST_F(HttpConnectionTest, IdleAndStalledConnectionsAreClosedByTheirTimeouts) {
  Start(/*keep_alive_max=*/100, /*keep_alive_s=*/1, /*read_timeout_s=*/1);
  const int idle = Connect();
  const int stalled = Connect();
  SendAll(stalled, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  const Clock::time_point start = Clock::now();
  EXPECT_TRUE(ClosedWithin(idle, std::chrono::milliseconds(3000)));
  EXPECT_TRUE(ClosedWithin(stalled, std::chrono::milliseconds(3000)));
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(900));
}

TEST_F(HttpConnectionTest, StopClosesIdleKeepAliveConnectionsPromptly) {
  Start(/*keep_alive_max=*/100, /*keep_alive_s=*/30);
  const int fd = Connect();
  SendAll(fd, Post("x"));
  std::string buffer;
  ASSERT_EQ(BodyOf(ReadReply(fd, buffer)), "x");
  const Clock::time_point start = Clock::now();
  Stop();
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1000));
  EXPECT_TRUE(ClosedWithin(fd, std::chrono::milliseconds(500)));
}

}  // namespace
}  // namespace retailcast::serve
