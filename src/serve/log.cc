#include "log.h"

#include <time.h>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>

#include "retailcast/core/json_writer.h"

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
  // The date and time to the second change once a second: formatted once per thread and
  // second, then only the milliseconds are written (every access line has a timestamp).
  thread_local time_t cached_second = -1;
  thread_local char cached[80];
  if (ts.tv_sec != cached_second) {
    tm utc{};
    gmtime_r(&ts.tv_sec, &utc);
    std::snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d.", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
    cached_second = ts.tv_sec;
  }
  const auto ms = static_cast<int>(ts.tv_nsec / 1000000);
  std::string out(cached, 20);
  out.push_back(static_cast<char>('0' + ms / 100));
  out.push_back(static_cast<char>('0' + ms / 10 % 10));
  out.push_back(static_cast<char>('0' + ms % 10));
  out.push_back('Z');
  return out;
}

namespace {

constexpr size_t kFlushBytes = size_t{1} << 20;
constexpr size_t kMaxPendingBytes = size_t{8} << 20;
constexpr auto kFlushEvery = std::chrono::milliseconds(100);

}  // namespace

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
      logs->access_ = std::make_shared<spdlog::logger>("access", std::move(sink));
      logs->access_->set_pattern("%v");
    }
  } catch (const std::exception& e) {
    return Status::IoError("cannot open the access log '" + access_log + "': " + e.what());
  }
  if (logs->access_) {
    logs->pending_.reserve(kFlushBytes * 2);
    logs->flusher_ = std::thread([raw = logs.get()] { raw->FlushLoop(); });
  }
  return logs;
}

Logs::~Logs() {
  if (flusher_.joinable()) {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    flusher_.join();
  }
  Flush();
}

void Logs::FlushLoop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, kFlushEvery, [&] { return stop_ || pending_.size() >= kFlushBytes; });
    lock.unlock();
    WritePending();
    lock.lock();
  }
}

void Logs::WritePending() {
  std::lock_guard write_lock(write_mu_);
  std::string batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
    pending_.reserve(kFlushBytes * 2);
  }
  room_.notify_all();
  if (batch.empty() || !access_) return;
  batch.pop_back();  // spdlog ends the message with its own line break
  access_->info(std::string_view(batch));
  access_->flush();
}

void Logs::Flush() {
  WritePending();
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
  line.push_back('\n');
  std::unique_lock lock(mu_);
  room_.wait(lock, [&] { return pending_.size() < kMaxPendingBytes; });
  pending_.append(line);
  if (pending_.size() >= kFlushBytes) wake_.notify_one();
}

}  // namespace retailcast::serve
