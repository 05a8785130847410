#include "http_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace retailcast::serve {
namespace {

constexpr size_t kReadAheadBytes = 16 << 10;

int ToMs(time_t s, time_t us) {
  const long long ms = static_cast<long long>(s) * 1000 + static_cast<long long>(us) / 1000;
  return static_cast<int>(std::clamp<long long>(ms, 0, 1LL << 30));
}

// getpeername/getsockname as the numeric host and port cpp-httplib reports.
void Address(socket_t sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  ip.clear();
  port = 0;
  if ((peer ? getpeername(sock, sa, &len) : getsockname(sock, sa, &len)) != 0) return;
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr);
    if (inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf) != nullptr) ip = buf;
    port = ntohs(v4->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    if (inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf) != nullptr) ip = buf;
    port = ntohs(v6->sin6_port);
  }
}

}  // namespace

ConnectionStream::ConnectionStream(socket_t sock, ConnectionTimeouts timeouts)
    : sock_(sock), timeouts_(timeouts), in_(kReadAheadBytes) {}

int ConnectionStream::ReadTimeoutMs() const { return ToMs(timeouts_.read_s, timeouts_.read_us); }
int ConnectionStream::WriteTimeoutMs() const { return ToMs(timeouts_.write_s, timeouts_.write_us); }

bool ConnectionStream::Poll(short events, int timeout_ms) const {
  pollfd p{sock_, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, timeout_ms);
    if (n > 0) return (p.revents & (events | POLLHUP | POLLERR)) != 0;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

bool ConnectionStream::is_readable() const {
  return in_begin_ < in_end_ || Poll(POLLIN, ReadTimeoutMs());
}

bool ConnectionStream::is_writable() const { return Poll(POLLOUT, WriteTimeoutMs()); }

ssize_t ConnectionStream::ReceiveNow() {
  for (;;) {
    const ssize_t n = ::recv(sock_, in_.data(), in_.size(), MSG_DONTWAIT);
    if (n >= 0) {
      in_begin_ = 0;
      in_end_ = static_cast<size_t>(n);
      return n;
    }
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? -2 : -1;
  }
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (in_begin_ == in_end_) {
    // A client that waits for "100 Continue" before sending its body waits for this.
    if (!Flush()) return -1;
    ssize_t n = ReceiveNow();
    if (n == -2) {
      if (!Poll(POLLIN, ReadTimeoutMs())) return -1;
      n = ReceiveNow();
      if (n == -2) return -1;
    }
    if (n <= 0) return n;
  }
  const size_t take = std::min(size, in_end_ - in_begin_);
  std::memcpy(ptr, in_.data() + in_begin_, take);
  in_begin_ += take;
  return static_cast<ssize_t>(take);
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  if (out_.size() + size <= kHoldBytes) {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  const bool sent = Send(out_.data(), out_.size(), ptr, size);
  out_.clear();
  return sent ? static_cast<ssize_t>(size) : -1;
}

bool ConnectionStream::Flush() {
  if (out_.empty()) return true;
  const bool sent = Send(out_.data(), out_.size(), nullptr, 0);
  out_.clear();
  return sent;
}

bool ConnectionStream::Send(const char* a, size_t a_size, const char* b, size_t b_size) {
  iovec iov[2] = {{const_cast<char*>(a), a_size}, {const_cast<char*>(b), b_size}};
  iovec* next = a_size > 0 ? iov : iov + 1;
  size_t parts = static_cast<size_t>(iov + (b_size > 0 ? 2 : 1) - next);
  while (parts > 0) {
    msghdr msg{};
    msg.msg_iov = next;
    msg.msg_iovlen = parts;
    const ssize_t n = ::sendmsg(sock_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if ((errno == EAGAIN || errno == EWOULDBLOCK) && Poll(POLLOUT, WriteTimeoutMs())) continue;
      return false;
    }
    // Step over what went out; a part sent only in part stays with its rest.
    auto left = static_cast<size_t>(n);
    while (parts > 0 && left >= next->iov_len) {
      left -= next->iov_len;
      ++next;
      --parts;
    }
    if (parts > 0) {
      next->iov_base = static_cast<char*>(next->iov_base) + left;
      next->iov_len -= left;
    }
  }
  return true;
}

bool ConnectionStream::WaitForRequest(time_t timeout_s, const std::atomic<socket_t>& listening) {
  if (in_begin_ < in_end_) return true;
  ssize_t n = ReceiveNow();
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(timeout_s);
  while (n == -2) {
    if (listening == INVALID_SOCKET) return false;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    if (Poll(POLLIN, static_cast<int>(std::min<long long>(left, kStopCheckMs)))) n = ReceiveNow();
  }
  return n > 0;
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  if (remote_port_ < 0) Address(sock_, true, remote_ip_, remote_port_);
  ip = remote_ip_;
  port = remote_port_;
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  if (local_port_ < 0) Address(sock_, false, local_ip_, local_port_);
  ip = local_ip_;
  port = local_port_;
}

bool ConnectionServer::process_and_close_socket(socket_t sock) {
  ConnectionStream conn(
      sock, {read_timeout_sec_, read_timeout_usec_, write_timeout_sec_, write_timeout_usec_});
  bool ok = false;
  for (size_t left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET &&
                                            conn.WaitForRequest(keep_alive_timeout_sec_, svr_sock_);
       --left) {
    bool closed = false;
    ok = process_request(conn, /*close_connection=*/left == 1, closed, nullptr);
    // Also after a failed request: the library may have written its 400 or 413.
    ok = conn.Flush() && ok;
    if (!ok || closed) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace retailcast::serve
