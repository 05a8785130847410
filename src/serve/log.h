// The service's logs, as JSON lines through spdlog: an access log (one line per request:
// method, path, route, status, duration, sizes, the caller's key_id and address, request id;
// never the key's secret, never a body) and the service's own events (startup, artifact
// switches, warnings) on stderr.
//
// Access lines are appended to a buffer that a background thread hands to spdlog every
// 100 ms (or when it holds 1 MiB), so a request never waits for the disk and never wakes a
// thread: spdlog's own async logger signals its worker once per line, which at ten thousand
// requests per second costs a context switch per request on a two-core machine. A request
// waits only when 8 MiB of lines are pending (the disk cannot keep up); no line is dropped.
//
// Thread-safety: every method may be called concurrently.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <nlohmann/json.hpp>

#include "retailcast/core/status.h"

namespace spdlog {
class logger;
}  // namespace spdlog

namespace retailcast::serve {

enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };
// "debug", "info", "warn", "error", "off"; InvalidArgument otherwise.
Result<LogLevel> ParseLogLevel(std::string_view text);

struct AccessRecord {
  std::string_view method;
  std::string_view path;
  std::string_view route;  // the route template, or "unmatched"
  int status = 0;
  double duration_ms = 0;
  size_t bytes_in = 0;
  size_t bytes_out = 0;
  std::string_view key_id;  // public part of the caller's key; empty when none
  std::string_view remote;
  std::string_view request_id;
};

class Logs {
 public:
  // `access_log`: "-" = stdout, "" = no access log, else a file opened for appending.
  // IoError when the file cannot be opened.
  static Result<std::unique_ptr<Logs>> Create(const std::string& access_log, LogLevel level);
  ~Logs();  // flushes both logs
  Logs(const Logs&) = delete;
  Logs& operator=(const Logs&) = delete;

  // {"ts", "level", "msg", ...fields} on stderr when `level` is at or above the threshold.
  void Event(LogLevel level, std::string_view message,
             const nlohmann::json& fields = nlohmann::json::object());
  void Access(const AccessRecord& r);
  void Flush();

  // "2024-05-01T12:34:56.789Z" for now.
  static std::string NowIso();

 private:
  Logs() = default;
  void FlushLoop();
  // Hands the pending access lines to spdlog (call with no lock held).
  void WritePending();

  LogLevel level_ = LogLevel::kInfo;
  std::shared_ptr<spdlog::logger> access_;
  std::shared_ptr<spdlog::logger> events_;
  std::mutex mu_;
  std::condition_variable wake_;  // the flusher: a full buffer, or stop
  std::condition_variable room_;  // writers waiting for the buffer to drain
  std::mutex write_mu_;           // one hand-over to spdlog at a time, in order
  std::string pending_;
  bool stop_ = false;
  std::thread flusher_;
};

}  // namespace retailcast::serve
