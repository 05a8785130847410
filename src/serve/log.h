// The service's logs, as JSON lines through spdlog: an access log (one line per request:
// method, path, route, status, duration, sizes, the caller's key_id and address, request id;
// never the key's secret, never a body) written by a background thread so a slow disk does not
// slow requests, and the service's own events (startup, artifact switches, warnings) on stderr.
//
// Thread-safety: every method may be called concurrently.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "retailcast/status.h"

namespace spdlog {
class logger;
namespace details {
class thread_pool;
}
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
  LogLevel level_ = LogLevel::kInfo;
  std::shared_ptr<spdlog::details::thread_pool> pool_;
  std::shared_ptr<spdlog::logger> access_;
  std::shared_ptr<spdlog::logger> events_;
};

}  // namespace retailcast::serve
