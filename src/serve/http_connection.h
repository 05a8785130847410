// How `retailcast serve` drives a plain-HTTP keep-alive connection under cpp-httplib.
//
// The library (0.11) makes a new SocketStream for every request and, per request, polls the
// socket before every read and before every write (twice: writable, then "peer alive"), sends
// the status line with headers and the body as two sends (two packets under TCP_NODELAY), and
// asks the kernel for both addresses again. At ~45 us of CPU per hello-world exchange on this
// machine those system calls are most of the cost. Here one stream lives as long as the
// connection; request parsing, routing, limits and the replies stay the library's.
#pragma once

#include <httplib.h>

#include <atomic>
#include <ctime>
#include <string>
#include <vector>

namespace retailcast::serve {

struct ConnectionTimeouts {
  time_t read_s = 5, read_us = 0;
  time_t write_s = 5, write_us = 0;
};

// The stream of one connection. It
// - reads ahead into a buffer kept from one request to the next, and tries the socket before
//   polling it (a request that is already there costs one recv);
// - holds a reply's writes until Flush(), the next read, or kHoldBytes, so a small reply
//   leaves in one send;
// - looks its two addresses up once.
class ConnectionStream final : public httplib::Stream {
 public:
  static constexpr size_t kHoldBytes = 64 << 10;

  ConnectionStream(socket_t sock, ConnectionTimeouts timeouts);

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return sock_; }

  // Sends what write() held back. False when the peer is gone or the write timeout passed.
  bool Flush();
  // True once bytes of a next request are buffered or arrive within `timeout_s`; false on
  // timeout, end of stream, a socket error, or when `listening` turns invalid (the server
  // stops; checked every kStopCheckMs while idle).
  bool WaitForRequest(time_t timeout_s, const std::atomic<socket_t>& listening);

 private:
  static constexpr int kStopCheckMs = 25;

  bool Poll(short events, int timeout_ms) const;
  // Receives into the read-ahead buffer without waiting: > 0 bytes, 0 at end of stream,
  // -1 on error, -2 when nothing is there yet.
  ssize_t ReceiveNow();
  bool Send(const char* a, size_t a_size, const char* b, size_t b_size);
  int ReadTimeoutMs() const;
  int WriteTimeoutMs() const;

  socket_t sock_;
  ConnectionTimeouts timeouts_;
  std::vector<char> in_;
  size_t in_begin_ = 0, in_end_ = 0;
  std::string out_;
  mutable std::string remote_ip_, local_ip_;
  mutable int remote_port_ = -1, local_port_ = -1;
};

// cpp-httplib's plain-HTTP server with each connection served through one ConnectionStream.
class ConnectionServer : public httplib::Server {
 public:
  // The library listens with a backlog of 5; at a few dozen connections opened at once the
  // kernel then drops SYNs and clients stall for a second. listen() may be called again on a
  // listening socket to change its backlog.
  bool WidenBacklog(int backlog) { return ::listen(svr_sock_, backlog) == 0; }

 private:
  bool process_and_close_socket(socket_t sock) override;
};

}  // namespace retailcast::serve
