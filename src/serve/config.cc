// The deployment config file (config/deployment_config.json) applied to ServerOptions.
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "retailcast/serve/serve.h"

namespace retailcast::serve {
namespace {

using Json = nlohmann::json;

// Reads the members of one config section, checking names and types.
class Section {
 public:
  Section(const Json& j, std::string name, std::string_view source)
      : j_(j), name_(std::move(name)), source_(source) {}

  Status Check(std::initializer_list<std::string_view> known) const {
    if (!j_.is_object()) return Bad(name_, "an object");
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      bool found = false;
      for (std::string_view k : known) found |= it.key() == k;
      if (found) continue;
      std::string list;
      for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return Status::InvalidArgument(std::string(source_) + ": unknown key '" + name_ + "." +
                                     it.key() + "'; the keys of '" + name_ + "' are " + list);
    }
    return Status::Ok();
  }
  Status Get(std::string_view key, std::string* out) const {
    auto it = j_.find(key);
    if (it == j_.end()) return Status::Ok();
    if (!it->is_string()) return Bad(Path(key), "a string");
    *out = it->get<std::string>();
    return Status::Ok();
  }
  Status Get(std::string_view key, bool* out) const {
    auto it = j_.find(key);
    if (it == j_.end()) return Status::Ok();
    if (!it->is_boolean()) return Bad(Path(key), "true or false");
    *out = it->get<bool>();
    return Status::Ok();
  }
  Status Get(std::string_view key, double* out, double lo, double hi) const {
    auto it = j_.find(key);
    if (it == j_.end()) return Status::Ok();
    if (!it->is_number() || it->get<double>() < lo || it->get<double>() > hi) {
      return Bad(Path(key), "a number in [" + Num(lo) + ", " + Num(hi) + "]");
    }
    *out = it->get<double>();
    return Status::Ok();
  }
  template <typename Int>
  Status GetInt(std::string_view key, Int* out, int64_t lo, int64_t hi) const {
    auto it = j_.find(key);
    if (it == j_.end()) return Status::Ok();
    const bool integral = it->is_number_integer() || it->is_number_unsigned();
    if (!integral ||
        (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(hi)) ||
        it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
      return Bad(Path(key),
                 "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    *out = static_cast<Int>(it->get<int64_t>());
    return Status::Ok();
  }
  Status Get(std::string_view key, std::vector<std::string>* out) const {
    auto it = j_.find(key);
    if (it == j_.end()) return Status::Ok();
    if (!it->is_array()) return Bad(Path(key), "an array of strings");
    out->clear();
    for (const Json& v : *it) {
      if (!v.is_string()) return Bad(Path(key), "an array of strings");
      out->push_back(v.get<std::string>());
    }
    return Status::Ok();
  }

 private:
  std::string Path(std::string_view key) const { return name_ + "." + std::string(key); }
  static std::string Num(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  }
  Status Bad(const std::string& path, const std::string& expected) const {
    return Status::InvalidArgument(std::string(source_) + ": '" + path + "' must be " + expected);
  }
  const Json& j_;
  std::string name_;
  std::string_view source_;
};

}  // namespace

Status ApplyConfigJson(std::string_view json, std::string_view source, ServerOptions* o) {
  Json j = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::InvalidArgument(std::string(source) + " is not valid JSON");
  }
  if (!j.is_object()) return Status::InvalidArgument(std::string(source) + " must be an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    static constexpr std::string_view kSections[] = {"store", "server",    "tls",    "limits",
                                                     "auth",  "artifacts", "logging"};
    bool known = false;
    for (std::string_view k : kSections) known |= it.key() == k;
    if (!known) {
      return Status::InvalidArgument(std::string(source) + ": unknown section '" + it.key() +
                                     "'; the sections are store, server, tls, limits, auth, "
                                     "artifacts and logging");
    }
  }
  if (auto it = j.find("store"); it != j.end()) {
    if (!it->is_string()) {
      return Status::InvalidArgument(std::string(source) + ": 'store' must be a path string");
    }
    o->store_path = it->get<std::string>();
  }
  constexpr int64_t kIntMax = std::numeric_limits<int>::max();
  constexpr int64_t kSizeMax = int64_t{1} << 40;
  const Json empty = Json::object();
  auto section = [&](const char* name) {
    auto it = j.find(name);
    return Section(it == j.end() ? empty : *it, name, source);
  };
  {
    Section s = section("server");
    RETAILCAST_RETURN_IF_ERROR(
        s.Check({"host", "port", "threads", "keep_alive_timeout_s", "keep_alive_max_requests",
                 "read_timeout_s", "write_timeout_s", "listen_backlog", "shutdown_grace_s"}));
    RETAILCAST_RETURN_IF_ERROR(s.Get("host", &o->host));
    RETAILCAST_RETURN_IF_ERROR(s.GetInt("port", &o->port, 0, 65535));
    RETAILCAST_RETURN_IF_ERROR(s.GetInt("threads", &o->threads, 1, 4096));
    RETAILCAST_RETURN_IF_ERROR(s.GetInt("keep_alive_timeout_s", &o->keep_alive_timeout_s, 0, 3600));
    RETAILCAST_RETURN_IF_ERROR(
        s.GetInt("keep_alive_max_requests", &o->keep_alive_max_requests, 1, kIntMax));
    RETAILCAST_RETURN_IF_ERROR(s.GetInt("read_timeout_s", &o->read_timeout_s, 1, 3600));
    RETAILCAST_RETURN_IF_ERROR(s.GetInt("write_timeout_s", &o->write_timeout_s, 1, 3600));
    RETAILCAST_RETURN_IF_ERROR(s.GetInt("listen_backlog", &o->listen_backlog, 1, 65535));
    RETAILCAST_RETURN_IF_ERROR(s.GetInt("shutdown_grace_s", &o->shutdown_grace_s, 0, 3600));
  }
  {
    Section s = section("tls");
    RETAILCAST_RETURN_IF_ERROR(s.Check({"cert_file", "key_file"}));
    RETAILCAST_RETURN_IF_ERROR(s.Get("cert_file", &o->tls_cert_file));
    RETAILCAST_RETURN_IF_ERROR(s.Get("key_file", &o->tls_key_file));
  }
  {
    Section s = section("limits");
    RETAILCAST_RETURN_IF_ERROR(
        s.Check({"max_body_bytes", "max_series_per_request", "max_points_per_request",
                 "rate_limit_rps", "rate_limit_burst"}));
    RETAILCAST_RETURN_IF_ERROR(s.GetInt("max_body_bytes", &o->max_body_bytes, 1, kSizeMax));
    RETAILCAST_RETURN_IF_ERROR(
        s.GetInt("max_series_per_request", &o->max_series_per_request, 1, kSizeMax));
    RETAILCAST_RETURN_IF_ERROR(
        s.GetInt("max_points_per_request", &o->max_points_per_request, 1, kSizeMax));
    RETAILCAST_RETURN_IF_ERROR(s.Get("rate_limit_rps", &o->rate_limit_rps, 0, 1e9));
    RETAILCAST_RETURN_IF_ERROR(s.Get("rate_limit_burst", &o->rate_limit_burst, 0, 1e9));
  }
  {
    Section s = section("auth");
    RETAILCAST_RETURN_IF_ERROR(s.Check({"server_secret_file", "key_refresh_s"}));
    RETAILCAST_RETURN_IF_ERROR(s.Get("server_secret_file", &o->server_secret_file));
    RETAILCAST_RETURN_IF_ERROR(s.Get("key_refresh_s", &o->key_refresh_s, 0.1, 3600));
  }
  {
    Section s = section("artifacts");
    RETAILCAST_RETURN_IF_ERROR(
        s.Check({"names", "refresh_s", "ready_requires_artifact", "forecast_cache_mb"}));
    int64_t cache_mb = static_cast<int64_t>(o->forecast_cache_bytes >> 20);
    RETAILCAST_RETURN_IF_ERROR(s.GetInt("forecast_cache_mb", &cache_mb, 0, 1 << 20));
    o->forecast_cache_bytes = static_cast<size_t>(cache_mb) << 20;
    RETAILCAST_RETURN_IF_ERROR(s.Get("names", &o->artifact_names));
    RETAILCAST_RETURN_IF_ERROR(s.Get("refresh_s", &o->artifact_refresh_s, 0.1, 86400));
    RETAILCAST_RETURN_IF_ERROR(s.Get("ready_requires_artifact", &o->ready_requires_artifact));
  }
  {
    Section s = section("logging");
    RETAILCAST_RETURN_IF_ERROR(s.Check({"access_log", "level"}));
    RETAILCAST_RETURN_IF_ERROR(s.Get("access_log", &o->access_log));
    RETAILCAST_RETURN_IF_ERROR(s.Get("level", &o->log_level));
  }
  return Status::Ok();
}

Status ApplyConfigFile(const std::string& path, ServerOptions* options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::NotFound("deployment config '" + path +
                            "' cannot be opened; pass an existing file to --config");
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IoError("cannot read deployment config '" + path + "'");
  return ApplyConfigJson(buf.str(), path, options);
}

}  // namespace retailcast::serve
