// Helpers shared by the service tests: a temporary directory, a seeded weekly panel, trained
// artifacts in a store, the panel as posted JSON, and a real server on a free loopback port.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "retailcast/catalog/catalog.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast/eval/model_set.h"
#include "retailcast/serve/api_keys.h"
#include "retailcast/serve/key_store.h"
#include "retailcast/serve/serve.h"
#include "retailcast/store/store.h"
#include "store/bounded_wait.h"

namespace retailcast::serve::testing {

using Json = nlohmann::json;
using retailcast::testing::JoinAllWithin;
using retailcast::testing::PollUntil;
using retailcast::testing::TestThread;
using std::chrono::seconds;

// How long a server may take to return from Run after Shutdown (it first answers the requests
// in flight, which are bounded by their own read and write timeouts).
inline constexpr seconds kServerStopLimit(60);

// The keys of `db` (KeyStore::List); a failed read fails the test and gives none.
inline std::vector<ApiKeyRecord> ListKeys(store::Store& db) {
  auto keys = KeyStore::Open(db);
  EXPECT_TRUE(keys.ok()) << keys.status().ToString();
  if (!keys.ok()) return {};
  auto list = keys->List();
  EXPECT_TRUE(list.ok()) << list.status().ToString();
  return list.ok() ? *list : std::vector<ApiKeyRecord>();
}

// Revokes key `key_id` of `db` (KeyStore::Revoke).
inline Status RevokeKey(store::Store& db, std::string_view key_id) {
  auto keys = KeyStore::Open(db);
  if (!keys.ok()) return keys.status();
  return keys->Revoke(key_id);
}

// A fresh directory, removed with everything in it when the test ends.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "rc_serve_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string PathOf(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

// `n` weekly (W-FRI) series "s00".."s{n-1}" of `length` weeks from 2011-01-07: a level per
// series, a yearly wave and a deterministic wiggle, with one missing value in series 1.
inline Panel WeeklyPanel(size_t n, size_t length = 70) {
  Panel p(Frequency::Weekly(Weekday::kFriday));
  for (size_t i = 0; i < n; ++i) {
    std::vector<double> y(length);
    for (size_t t = 0; t < length; ++t) {
      y[t] = 100.0 * static_cast<double>(i + 1) + 10 * std::sin(static_cast<double>(t) * 0.12) +
             static_cast<double>((t * 7 + i * 3) % 11);
    }
    if (i == 1 && length > 5) y[3] = std::nan("");
    char id[24];
    std::snprintf(id, sizeof id, "s%02zu", i);
    p.AddSeries(id, Date::FromYmd(2011, 1, 7), y);
  }
  return p;
}

// Trains `models` (registry names, comma-separated) with `season` on `panel` and saves the
// set as artifact `name` of dataset "weekly". Returns the stored record.
inline store::ArtifactRecord SaveTrained(store::Store& db, const std::string& name,
                                         const Panel& panel, const std::string& models, int season,
                                         bool promote) {
  auto specs = eval::MakeModelSpecs(BuiltinRegistry(), models, season);
  EXPECT_TRUE(specs.ok()) << specs.status().ToString();
  auto instances = eval::InstantiateModels(BuiltinRegistry(), *specs);
  EXPECT_TRUE(instances.ok()) << instances.status().ToString();
  ThreadPool pool(1);
  auto set = eval::Train(panel, *instances, {}, pool);
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  store::ArtifactRecord r;
  r.name = name;
  r.dataset = "weekly";
  r.models_json = "[]";
  r.train_start = panel.start(0).ToString();
  r.train_end = panel.end(0).ToString();
  r.n_series = static_cast<int64_t>(panel.num_series());
  r.code_version = "test";
  r.state = set->Serialize();
  r.promoted = promote;
  auto saved = db.SaveArtifact(r);
  EXPECT_TRUE(saved.ok()) << saved.status().ToString();
  return *saved;
}

// What eval::Predict gives for the stored artifact (the numbers the service must return).
inline ForecastTable ExpectedStored(const store::ArtifactRecord& record, int horizon,
                                    std::vector<double> levels) {
  auto set = eval::LoadedModelSet::Load(record.state, BuiltinRegistry());
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  ThreadPool pool(1);
  eval::ForecastOptions o;
  o.request.horizon = horizon;
  o.request.levels = std::move(levels);
  auto run = eval::Predict(*set, o, pool);
  EXPECT_TRUE(run.ok()) << run.status().ToString();
  return run->table;
}

// The table's rows of the given series only, in the table's order.
inline ForecastTable OnlySeries(const ForecastTable& table, const std::vector<std::string>& ids) {
  ForecastTable out(table.levels());
  for (size_t b = 0; b < table.blocks().size(); ++b) {
    const std::string& id = table.series_ids()[table.blocks()[b].series];
    if (std::find(ids.begin(), ids.end(), id) != ids.end()) out.AppendBlocks(table, b, b + 1);
  }
  return out;
}

// The panel as the "data" array of a request ({unique_id, ds, y}; NaN as null).
inline Json PanelData(const Panel& p) {
  Json data = Json::array();
  for (size_t i = 0; i < p.num_series(); ++i) {
    Json ds = Json::array(), y = Json::array();
    for (int64_t t = 0; t < p.length(i); ++t) {
      ds.push_back(p.freq().Advance(p.start(i), t).ToString());
      const double v = p.values(i)[static_cast<size_t>(t)];
      if (std::isnan(v)) {
        y.push_back(nullptr);
      } else {
        y.push_back(v);
      }
    }
    data.push_back({{"unique_id", std::string(p.id(i))}, {"ds", ds}, {"y", y}});
  }
  return data;
}

// Expects the reply's forecasts to hold exactly the table's rows (same doubles; NaN = null),
// in the table's order.
inline void ExpectForecastsEqual(const ForecastTable& table, const Json& forecasts) {
  size_t row = 0;
  ASSERT_TRUE(forecasts.is_array());
  for (const Json& f : forecasts) {
    const size_t h = f["ds"].size();
    for (size_t t = 0; t < h; ++t, ++row) {
      ASSERT_LT(row, table.size());
      const auto r = table.rows()[row];
      SCOPED_TRACE(std::string(r.unique_id) + " " + std::string(r.model) + " " + r.ds.ToString());
      EXPECT_EQ(f["unique_id"], r.unique_id);
      EXPECT_EQ(f["model"], r.model);
      EXPECT_EQ(f["ds"][t], r.ds.ToString());
      auto same = [](const Json& got, double want) {
        if (std::isnan(want)) return got.is_null();
        return got.is_number() && got.get<double>() == want;
      };
      EXPECT_TRUE(same(f["yhat"][t], r.yhat)) << f["yhat"][t] << " vs " << r.yhat;
      for (size_t l = 0; l < table.levels().size(); ++l) {
        char lo[32], hi[32];
        std::snprintf(lo, sizeof lo, "lo%g", table.levels()[l]);
        std::snprintf(hi, sizeof hi, "hi%g", table.levels()[l]);
        EXPECT_TRUE(same(f[lo][t], r.lo(l))) << lo << " " << f[lo][t] << " vs " << r.lo(l);
        EXPECT_TRUE(same(f[hi][t], r.hi(l))) << hi << " " << f[hi][t] << " vs " << r.hi(l);
      }
    }
  }
  EXPECT_EQ(row, table.size());
}

// A server of the library running on its own thread, on a free loopback port.
class RunningServer {
 public:
  explicit RunningServer(ServerOptions o) {
    o.host = "127.0.0.1";
    o.port = 0;
    auto created = Server::Create(std::move(o));
    if (!created.ok()) {
      status_ = created.status();
      return;
    }
    server_ = std::move(created).value();
    thread_.emplace([this] { run_status_ = server_->Run(); });
  }
  ~RunningServer() { EXPECT_TRUE(Stop().ok()); }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  bool ok() const { return server_ != nullptr; }
  const Status& status() const { return status_; }
  int port() const { return server_->port(); }
  Server& server() { return *server_; }
  // Shuts down and waits (at most kServerStopLimit) for Run to return; returns Run's status.
  Status Stop() {
    if (server_ && thread_ && !stopped_) {
      stopped_ = true;
      server_->Shutdown();
      thread_->JoinWithin(
          kServerStopLimit, [] { return std::string("requests were still in flight"); },
          "Server::Run did not return after Shutdown");
    }
    return run_status_;
  }

 private:
  Status status_;
  Status run_status_;
  std::unique_ptr<Server> server_;
  std::optional<TestThread> thread_;
  bool stopped_ = false;
};

struct Reply {
  int status = 0;  // 0 = no HTTP reply (connection failed)
  std::string body;
  httplib::Headers headers;
  Json json;  // parsed body when it is JSON, else null

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string ErrorCode() const {
    return json.is_object() && json.contains("error") ? json["error"].value("code", "") : "";
  }
};

inline Reply ToReply(const httplib::Result& r) {
  Reply out;
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  out.headers = r->headers;
  out.json = Json::parse(r->body, nullptr, /*allow_exceptions=*/false);
  if (out.json.is_discarded()) out.json = nullptr;
  return out;
}

// One client connection to a test server.
class Client {
 public:
  explicit Client(int port) : http_("127.0.0.1", port) {
    http_.set_connection_timeout(30, 0);
    http_.set_read_timeout(60, 0);
    http_.set_write_timeout(60, 0);
  }
  Reply Get(const std::string& path, const std::string& key = "") {
    return ToReply(http_.Get(path.c_str(), Headers(key)));
  }
  Reply Post(const std::string& path, const std::string& body, const std::string& key = "",
             const std::string& content_type = "application/json") {
    return ToReply(http_.Post(path.c_str(), Headers(key), body, content_type.c_str()));
  }
  Reply PostJson(const std::string& path, const Json& body, const std::string& key = "") {
    return Post(path, body.dump(), key);
  }

 private:
  static httplib::Headers Headers(const std::string& key) {
    httplib::Headers h;
    if (!key.empty()) h.emplace("Authorization", "Bearer " + key);
    return h;
  }
  httplib::Client http_;
};

// The retailcast_http_requests_in_flight gauge of the server at `port`, read from /metrics
// (this request included), or why it could not be read: for the messages of failed waits.
inline std::string InFlight(int port) {
  httplib::Client http("127.0.0.1", port);
  http.set_connection_timeout(5, 0);
  http.set_read_timeout(5, 0);
  auto r = http.Get("/metrics");
  if (!r) return "unknown (no reply from /metrics within 5 s: every worker may be busy)";
  const std::string name = "\nretailcast_http_requests_in_flight ";
  size_t at = r->body.find(name);
  if (at == std::string::npos) return "unknown (not in /metrics)";
  at += name.size();
  return r->body.substr(at, r->body.find('\n', at) - at) + " (this /metrics request included)";
}

inline constexpr const char* kTestSecret = "0123456789abcdef0123456789abcdef-test-secret";

}  // namespace retailcast::serve::testing
