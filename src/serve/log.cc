#include "log.h"

#include <time.h>

#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <exception>

#include "json_writer.h"

namespace retailcast::serve {
namespace {

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
    case LogLevel::kOff:
      return "off";
  }
  return "info";
}

}  // namespace

Result<LogLevel> ParseLogLevel(std::string_view text) {
  for (LogLevel l :
       {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError, LogLevel::kOff}) {
    if (text == LevelName(l)) return l;
  }
  return Status::InvalidArgument("unknown log level '" + std::string(text) +
                                 "'; expected debug, info, warn, error or off");
}

std::string Logs::NowIso() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm utc{};
  gmtime_r(&ts.tv_sec, &utc);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ts.tv_nsec / 1000000));
  return buf;
}

Result<std::unique_ptr<Logs>> Logs::Create(const std::string& access_log, LogLevel level) {
  std::unique_ptr<Logs> logs(new Logs());
  logs->level_ = level;
  try {
    logs->events_ = std::make_shared<spdlog::logger>(
        "retailcast", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logs->events_->set_pattern("%v");
    logs->events_->flush_on(spdlog::level::info);
    if (!access_log.empty()) {
      spdlog::sink_ptr sink;
      if (access_log == "-") {
        sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
      } else {
        sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(access_log, false);
      }
      // One background thread; a full queue blocks the request (never drops a line).
      logs->pool_ = std::make_shared<spdlog::details::thread_pool>(8192, 1);
      logs->access_ = std::make_shared<spdlog::async_logger>("access", std::move(sink), logs->pool_,
                                                             spdlog::async_overflow_policy::block);
      logs->access_->set_pattern("%v");
    }
  } catch (const std::exception& e) {
    return Status::IoError("cannot open the access log '" + access_log + "': " + e.what());
  }
  return logs;
}

Logs::~Logs() {
  Flush();
  access_.reset();
  pool_.reset();  // joins the background thread after it drained the queue
}

void Logs::Flush() {
  if (access_) access_->flush();
  if (events_) events_->flush();
}

void Logs::Event(LogLevel level, std::string_view message, const nlohmann::json& fields) {
  if (level < level_ || level_ == LogLevel::kOff) return;
  std::string line;
  JsonWriter w(&line);
  w.BeginObject();
  w.Key("ts");
  w.String(NowIso());
  w.Key("level");
  w.String(LevelName(level));
  w.Key("msg");
  w.String(message);
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      w.Key(it.key());
      w.Raw(it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
  w.EndObject();
  events_->info(std::string_view(line));
}

void Logs::Access(const AccessRecord& r) {
  if (!access_) return;
  std::string line;
  line.reserve(256);
  JsonWriter w(&line);
  w.BeginObject();
  w.Key("ts");
  w.String(NowIso());
  w.Key("type");
  w.String("access");
  w.Key("method");
  w.String(r.method);
  w.Key("path");
  w.String(r.path);
  w.Key("route");
  w.String(r.route);
  w.Key("status");
  w.Int(r.status);
  w.Key("duration_ms");
  w.Double(static_cast<double>(static_cast<int64_t>(r.duration_ms * 1000)) / 1000);
  w.Key("bytes_in");
  w.Int(static_cast<int64_t>(r.bytes_in));
  w.Key("bytes_out");
  w.Int(static_cast<int64_t>(r.bytes_out));
  w.Key("key_id");
  if (r.key_id.empty()) {
    w.Null();
  } else {
    w.String(r.key_id);
  }
  w.Key("remote");
  w.String(r.remote);
  w.Key("request_id");
  w.String(r.request_id);
  w.EndObject();
  access_->info(std::string_view(line));
}

}  // namespace retailcast::serve
