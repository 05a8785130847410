// Integration tests: a real server on a free loopback port, spoken to over HTTP. Every route,
// every role allowed and refused, bad bodies, unknown series, body and rate limits, retried
// actuals, promote/rollback under concurrent load, TLS, and shutdown with requests in flight.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "retailcast/catalog/catalog.h"
#include "retailcast/io/long_csv.h"
#include "routes.h"
#include "serve_test_util.h"
#include "service.h"

namespace retailcast::serve {
namespace {

using std::chrono::seconds;
using testing::Client;
using testing::Json;
using testing::Reply;
using testing::RunningServer;

class ServeHttpTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    store_path_ = PathOf("serve.db");
    auto opened = store::Store::Open(store_path_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    db_ = std::move(opened).value();
    panel_ = testing::WeeklyPanel(4);
    for (Role role : {Role::kReader, Role::kWriter, Role::kAdmin}) {
      auto key = IssueApiKey(*db_, role, "test", testing::kTestSecret);
      ASSERT_TRUE(key.ok()) << key.status().ToString();
      keys_[static_cast<int>(role)] = key->key;
    }
  }
  ServerOptions Options() const {
    ServerOptions o;
    o.store_path = store_path_;
    o.port = 0;  // a free port: tests run beside each other
    o.threads = 8;
    o.server_secret = testing::kTestSecret;
    o.access_log = "";
    o.log_level = "off";
    return o;
  }
  void Start(ServerOptions o) {
    server_ = std::make_unique<RunningServer>(std::move(o));
    ASSERT_TRUE(server_->ok()) << server_->status().ToString();
  }
  void Start() { Start(Options()); }
  Client NewClient() const { return Client(server_->port()); }
  const std::string& Key(Role role) const { return keys_[static_cast<int>(role)]; }
  Json StoredRequest(std::vector<std::string> series, int horizon = 6) const {
    return {{"series", series}, {"horizon", horizon}, {"levels", {80, 95}}};
  }

  std::string store_path_;
  std::unique_ptr<store::Store> db_;
  Panel panel_;
  std::string keys_[3];
  std::unique_ptr<RunningServer> server_;
};

TEST_F(ServeHttpTest, HealthReadinessMetricsAndTheDocumentNeedNoKey) {
  store::ArtifactRecord a = testing::SaveTrained(*db_, "weekly", panel_, "naive", 0, true);
  Start();
  Client c = NewClient();
  Reply health = c.Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json["status"], "ok");
  EXPECT_FALSE(health.Header("X-Request-Id").empty());
  Reply ready = c.Get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json["status"], "ready");
  EXPECT_EQ(ready.json["artifacts"][0]["name"], "weekly");
  EXPECT_EQ(ready.json["artifacts"][0]["version"], a.version);
  EXPECT_EQ(ready.json["artifacts"][0]["series"], 4);
  Reply metrics = c.Get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics.body.find("# TYPE retailcast_http_requests_total counter"), std::string::npos);
  EXPECT_NE(metrics.body.find("retailcast_artifact_version{name=\"weekly\"} 1"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("process_resident_memory_bytes "), std::string::npos);
  Reply doc = c.Get("/v1/openapi.json");
  EXPECT_EQ(doc.status, 200);
  EXPECT_TRUE(doc.json.contains("openapi"));
  EXPECT_EQ(doc.body, std::string(OpenApiDocument()));
}

TEST_F(ServeHttpTest, NotReadyWithoutAnArtifactButPostedForecastsWork) {
  Start();
  Client c = NewClient();
  Reply ready = c.Get("/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.json["status"], "not ready");
  EXPECT_FALSE(ready.json["reasons"].empty());
  Reply stored = c.PostJson("/v1/forecast", StoredRequest({"s00"}), Key(Role::kReader));
  EXPECT_EQ(stored.status, 409) << stored.body;
  EXPECT_EQ(stored.ErrorCode(), "FailedPrecondition");
  Json posted = {{"model", "naive"}, {"horizon", 2}, {"data", testing::PanelData(panel_)}};
  EXPECT_EQ(c.PostJson("/v1/forecast", posted, Key(Role::kReader)).status, 200);
  EXPECT_TRUE(server_->Stop().ok());
  ServerOptions o = Options();
  o.ready_requires_artifact = false;
  Start(o);
  EXPECT_EQ(NewClient().Get("/readyz").status, 200);
}

TEST_F(ServeHttpTest, EveryKeyedRouteRefusesMissingMalformedUnknownWrongAndRevokedKeys) {
  testing::SaveTrained(*db_, "weekly", panel_, "naive", 0, true);
  auto revoked = IssueApiKey(*db_, Role::kAdmin, "", testing::kTestSecret);
  ASSERT_TRUE(revoked.ok());
  Start();
  Client c = NewClient();
  std::string wrong = Key(Role::kAdmin);
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  const std::string unknown = "rck_ffffffffffffffff" + Key(Role::kAdmin).substr(20);
  // Revoked after the server started: refused once the key table is read again.
  ASSERT_TRUE(testing::RevokeKey(*db_, revoked->record.key_id).ok());
  ASSERT_TRUE(server_->server().Refresh().ok());
  for (const Route& r : Routes()) {
    if (!r.needs_key) continue;
    std::string path(r.path);
    if (auto at = path.find("{id}"); at != std::string::npos) path.replace(at, 4, "1");
    for (const std::string& key :
         {std::string(), std::string("not-a-key"), unknown, wrong, revoked->key}) {
      Reply reply = r.method == "GET" ? c.Get(path, key) : c.Post(path, "{}", key);
      EXPECT_EQ(reply.status, 401) << r.path << " with '" << key << "': " << reply.body;
      EXPECT_EQ(reply.ErrorCode(), "Unauthenticated");
      EXPECT_EQ(reply.Header("WWW-Authenticate"), "Bearer realm=\"retailcast\"");
    }
  }
  Reply metrics = c.Get("/metrics");
  for (const char* reason : {"missing", "malformed", "unknown_key", "wrong_secret", "revoked"}) {
    EXPECT_NE(metrics.body.find(std::string("retailcast_auth_failures_total{reason=\"") + reason),
              std::string::npos)
        << reason;
  }
}

TEST_F(ServeHttpTest, EachRoleIsAllowedItsRoutesAndRefusedTheOthers) {
  testing::SaveTrained(*db_, "weekly", panel_, "naive", 0, true);
  Start();
  Client c = NewClient();
  for (const Route& r : Routes()) {
    if (!r.needs_key) continue;
    std::string path(r.path);
    if (auto at = path.find("{id}"); at != std::string::npos) path.replace(at, 4, "999");
    for (Role role : {Role::kReader, Role::kWriter, Role::kAdmin}) {
      Reply reply = r.method == "GET" ? c.Get(path, Key(role)) : c.Post(path, "{}", Key(role));
      const bool allowed = static_cast<int>(role) >= static_cast<int>(r.role);
      SCOPED_TRACE(std::string(r.path) + " as " + std::string(RoleName(role)) + ": " + reply.body);
      if (allowed) {
        // Past authorisation: the handler answers (200, or 400/404 for the empty body/id).
        EXPECT_NE(reply.status, 401);
        EXPECT_NE(reply.status, 403);
        EXPECT_TRUE(reply.status == 200 || reply.status == 400 || reply.status == 404);
      } else {
        EXPECT_EQ(reply.status, 403);
        EXPECT_EQ(reply.ErrorCode(), "PermissionDenied");
        EXPECT_EQ(reply.json["error"]["details"]["required_role"], RoleName(r.role));
      }
    }
  }
}

TEST_F(ServeHttpTest, StoredForecastsEqualTheLibrarysPrediction) {
  store::ArtifactRecord a =
      testing::SaveTrained(*db_, "weekly", panel_, "naive,snaive,mean", 0, true);
  Start();
  Client c = NewClient();
  Reply reply = c.PostJson("/v1/forecast", StoredRequest({"s00", "s01", "s02", "s03"}, 9),
                           Key(Role::kReader));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json["artifact"]["name"], "weekly");
  EXPECT_EQ(reply.json["artifact"]["version"], a.version);
  EXPECT_TRUE(reply.json["errors"].empty());
  ASSERT_EQ(reply.json["forecasts"].size(), 12u);
  testing::ExpectForecastsEqual(testing::ExpectedStored(a, 9, {80, 95}), reply.json["forecasts"]);

  // A subset of series (in the requested order) and of models.
  Json some = StoredRequest({"s02"}, 3);
  some["models"] = {"mean"};
  some["levels"] = {50};
  reply = c.PostJson("/v1/forecast", some, Key(Role::kReader));
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_EQ(reply.json["forecasts"].size(), 1u);
  const Json& f = reply.json["forecasts"][0];
  EXPECT_EQ(f["unique_id"], "s02");
  EXPECT_EQ(f["model"], "mean");
  EXPECT_EQ(f["ds"].size(), 3u);
  EXPECT_TRUE(f.contains("lo50") && f.contains("hi50") && !f.contains("lo80"));
}

TEST_F(ServeHttpTest, RepeatedStoredForecastsComeFromTheCacheWithTheSameNumbers) {
  store::ArtifactRecord a = testing::SaveTrained(*db_, "weekly", panel_, "naive,mean", 0, true);
  Start();
  Client c = NewClient();
  const std::vector<std::string> ids = {"s00", "s03"};
  const Json five = StoredRequest({"s00", "s03"}, 5);
  Reply first = c.PostJson("/v1/forecast", five, Key(Role::kReader));
  Reply again = c.PostJson("/v1/forecast", five, Key(Role::kReader));
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(again.body, first.body);
  testing::ExpectForecastsEqual(testing::OnlySeries(testing::ExpectedStored(a, 5, {80, 95}), ids),
                                again.json["forecasts"]);
  // Another horizon or other levels are another question.
  Reply six = c.PostJson("/v1/forecast", StoredRequest({"s00", "s03"}, 6), Key(Role::kReader));
  testing::ExpectForecastsEqual(testing::OnlySeries(testing::ExpectedStored(a, 6, {80, 95}), ids),
                                six.json["forecasts"]);
  Json levels = five;
  levels["levels"] = {90};
  Reply ninety = c.PostJson("/v1/forecast", levels, Key(Role::kReader));
  testing::ExpectForecastsEqual(testing::OnlySeries(testing::ExpectedStored(a, 5, {90}), ids),
                                ninety.json["forecasts"]);
  EXPECT_EQ(c.PostJson("/v1/forecast", five, Key(Role::kReader)).body, first.body);
  // 2 series x 2 models answered from the cache once (the second request).
  EXPECT_NE(c.Get("/metrics").body.find("retailcast_forecast_cache_hits_total 4\n"),
            std::string::npos);
  EXPECT_TRUE(server_->Stop().ok());

  for (size_t bytes : {size_t{0}, size_t{1500}}) {
    ServerOptions o = Options();
    o.forecast_cache_bytes = bytes;  // off, and room for about one forecast
    Start(o);
    Client d = NewClient();
    for (int i = 0; i < 3; ++i) {
      Reply r = d.PostJson("/v1/forecast", five, Key(Role::kReader));
      ASSERT_EQ(r.status, 200);
      EXPECT_EQ(r.body, first.body);
    }
    const std::string metrics = d.Get("/metrics").body;
    const size_t at = metrics.find("retailcast_forecast_cache_hits_total ");
    ASSERT_NE(at, std::string::npos);
    const int hits = std::atoi(metrics.c_str() + at + 37);
    if (bytes == 0) {
      EXPECT_EQ(hits, 0);
    } else {
      // The budget holds fewer than the 4 forecasts: not every repeat is a hit.
      EXPECT_LT(hits, 8) << metrics;
    }
    EXPECT_TRUE(server_->Stop().ok());
  }
}

TEST_F(ServeHttpTest, BatchesOfThousandsOfSeriesInOneCall) {
  Panel big = testing::WeeklyPanel(2000, 60);
  store::ArtifactRecord a = testing::SaveTrained(*db_, "big", big, "naive", 0, true);
  Start();
  std::vector<std::string> ids;
  for (size_t i = 0; i < big.num_series(); ++i) ids.emplace_back(big.id(i));
  Reply reply = NewClient().PostJson("/v1/forecast", StoredRequest(ids, 4), Key(Role::kReader));
  ASSERT_EQ(reply.status, 200) << reply.body.substr(0, 300);
  EXPECT_EQ(reply.json["forecasts"].size(), 2000u);
  testing::ExpectForecastsEqual(testing::ExpectedStored(a, 4, {80, 95}), reply.json["forecasts"]);
}

TEST_F(ServeHttpTest, UnknownSeriesArtifactsAndModelsAreNamed) {
  testing::SaveTrained(*db_, "weekly", panel_, "naive", 0, true);
  testing::SaveTrained(*db_, "other", panel_, "snaive", 0, true);
  Start();
  Client c = NewClient();
  Json req = StoredRequest({"s00", "nope", "s01", "gone"});
  req["artifact"] = "weekly";
  Reply r = c.PostJson("/v1/forecast", req, Key(Role::kReader));
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.ErrorCode(), "NotFound");
  EXPECT_EQ(r.json["error"]["details"]["unknown_series"], Json({"nope", "gone"}));
  EXPECT_EQ(r.json["error"]["details"]["unknown_count"], 2);
  // Two artifacts are served: the request must name one.
  r = c.PostJson("/v1/forecast", StoredRequest({"s00"}), Key(Role::kReader));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json["error"]["details"]["served"], Json({"other", "weekly"}));
  req = StoredRequest({"s00"});
  req["artifact"] = "missing";
  EXPECT_EQ(c.PostJson("/v1/forecast", req, Key(Role::kReader)).status, 404);
  req["artifact"] = "weekly";
  req["models"] = "snaive";
  r = c.PostJson("/v1/forecast", req, Key(Role::kReader));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.json["error"]["message"].get<std::string>().find("has no model 'snaive'"),
            std::string::npos);
}

TEST_F(ServeHttpTest, PostedHistoryEqualsTheCliEngineOnTheSameRows) {
  Start();
  Json data = testing::PanelData(panel_);
  // A missing row (a gap, which the reader fills with NaN and warns about).
  data[2]["ds"].erase(5);
  data[2]["y"].erase(5);
  Json body = {{"model", "snaive,naive,drift"},
               {"season", 13},
               {"horizon", 13},
               {"levels", {80, 95}},
               {"data", data}};
  Reply reply = NewClient().PostJson("/v1/forecast", body, Key(Role::kReader));
  ASSERT_EQ(reply.status, 200) << reply.body;
  // What `retailcast forecast --input` computes: the long reader on the same rows written as
  // a CSV file, then the forecast engine with the same model specs.
  std::string csv = "unique_id,ds,y\n";
  for (const Json& s : data) {
    for (size_t t = 0; t < s["ds"].size(); ++t) {
      char y[40] = "";
      if (!s["y"][t].is_null()) std::snprintf(y, sizeof y, "%.17g", s["y"][t].get<double>());
      csv +=
          s["unique_id"].get<std::string>() + "," + s["ds"][t].get<std::string>() + "," + y + "\n";
    }
  }
  auto loaded = io::ReadLongCsvFromString(csv, "train.csv", io::LongCsvOptions{});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto specs = eval::MakeModelSpecs(BuiltinRegistry(), "snaive,naive,drift", 13);
  auto models = eval::InstantiateModels(BuiltinRegistry(), *specs);
  ThreadPool pool(2);
  eval::ForecastOptions o;
  o.request.horizon = 13;
  o.request.levels = {80, 95};
  auto run = eval::ForecastPanel(loaded->panel, *models, o, pool);
  ASSERT_TRUE(run.ok());
  testing::ExpectForecastsEqual(run->table, reply.json["forecasts"]);
  EXPECT_TRUE(reply.json["errors"].empty());
  EXPECT_EQ(reply.json["warnings"], Json(loaded->report.warnings));
  ASSERT_FALSE(reply.json["warnings"].empty());
}

TEST_F(ServeHttpTest, ParameterOverridesAndModelErrors) {
  Start();
  Client c = NewClient();
  Json body = {{"model", "window_average"},
               {"params", {{"window_average", {{"window_size", 2}}}}},
               {"horizon", 2},
               {"data", testing::PanelData(panel_)}};
  Reply r = c.PostJson("/v1/forecast", body, Key(Role::kReader));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::vector<double> y(panel_.values(0).begin(), panel_.values(0).end());
  EXPECT_DOUBLE_EQ(r.json["forecasts"][0]["yhat"][0].get<double>(),
                   (y[y.size() - 1] + y[y.size() - 2]) / 2);
  body["params"] = {{"window_average", {{"window_sise", 2}}}};
  r = c.PostJson("/v1/forecast", body, Key(Role::kReader));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["error"]["details"]["field"], "params.window_average");
  body["params"] = {{"naive", Json::object()}};
  EXPECT_EQ(c.PostJson("/v1/forecast", body, Key(Role::kReader)).status, 400);
  body.erase("params");
  body["model"] = "no_such_model";
  r = c.PostJson("/v1/forecast", body, Key(Role::kReader));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.json["error"]["message"].get<std::string>().find("snaive"), std::string::npos);
}

TEST_F(ServeHttpTest, BadJsonWrongTypesAndBadDataGet4xxWithDetails) {
  Start();
  Client c = NewClient();
  const std::string& key = Key(Role::kReader);
  Reply r = c.Post("/v1/forecast", "{\"model\": ", key);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorCode(), "InvalidArgument");
  EXPECT_TRUE(r.json["error"]["details"].contains("byte"));
  r = c.Post("/v1/forecast", R"({"series": ["a"], "horizon": "7"})", key);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["error"]["details"]["field"], "horizon");
  EXPECT_EQ(r.json["error"]["details"]["got"], "string");
  r = c.Post("/v1/forecast",
             R"({"model": "naive", "horizon": 1, "data": [{"unique_id": "a",
                 "ds": ["2020-01-01", "2020-01-02"], "y": [1, true]}]})",
             key);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["error"]["details"]["field"], "data[0].y[1]");
  // Well-formed JSON, bad data: 422 naming the point.
  r = c.Post("/v1/forecast",
             R"({"model": "naive", "horizon": 1, "data": [{"unique_id": "a",
                 "ds": ["2020-01-01", "2020-01-02", "2020-02-31"], "y": [1, 2, 3]}]})",
             key);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.ErrorCode(), "DataError");
  EXPECT_EQ(r.json["error"]["details"]["errors"][0]["point"], 2);
  r = c.Post("/v1/forecast", R"({"model": "naive", "horizon": 1, "freq": "fortnightly",
      "data": [{"unique_id": "a", "ds": ["2020-01-01"], "y": [1]}]})",
             key);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["error"]["details"]["field"], "freq");
  r = c.Post("/v1/forecast", "series=a", key, "text/plain");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.ErrorCode(), "UnsupportedMediaType");
}

TEST_F(ServeHttpTest, UnknownRoutesAndMethods) {
  Start();
  Client c = NewClient();
  Reply r = c.Get("/v2/forecast");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.ErrorCode(), "RouteNotFound");
  r = c.Get("/v1/forecast", Key(Role::kReader));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "POST");
  EXPECT_EQ(r.ErrorCode(), "MethodNotAllowed");
  r = c.Post("/healthz", "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "GET, HEAD");
}

TEST_F(ServeHttpTest, OversizeBodiesGet413) {
  ServerOptions o = Options();
  o.max_body_bytes = 4096;
  Start(o);
  Client c = NewClient();
  Json body = {{"model", "naive"}, {"horizon", 2}, {"data", testing::PanelData(panel_)}};
  ASSERT_GT(body.dump().size(), 4096u);
  Reply r = c.PostJson("/v1/forecast", body, Key(Role::kReader));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.ErrorCode(), "PayloadTooLarge");
  // A body under the limit still works on a new connection.
  Reply small =
      NewClient().Post("/v1/forecast", R"({"series": ["a"], "horizon": 1})", Key(Role::kReader));
  EXPECT_EQ(small.status, 409);
  Reply metrics = NewClient().Get("/metrics");
  EXPECT_NE(metrics.body.find("retailcast_http_requests_total{route=\"unmatched\",method=\"POST\","
                              "status=\"413\"} 1"),
            std::string::npos)
      << metrics.body.substr(0, 2000);
}

TEST_F(ServeHttpTest, ThePerKeyRateLimitAnswers429WithRetryAfter) {
  ServerOptions o = Options();
  o.rate_limit_rps = 0.001;  // one token per 1000 s: the test never sees a refill
  o.rate_limit_burst = 3;
  Start(o);
  Client c = NewClient();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.Get("/v1/models", Key(Role::kReader)).status, 200);
  Reply limited = c.Get("/v1/models", Key(Role::kReader));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.ErrorCode(), "RateLimited");
  EXPECT_GE(std::atoi(limited.Header("Retry-After").c_str()), 1);
  // Per key: another key still has its tokens; the open routes are not limited.
  EXPECT_EQ(c.Get("/v1/models", Key(Role::kWriter)).status, 200);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c.Get("/healthz").status, 200);
  EXPECT_NE(c.Get("/metrics").body.find("retailcast_rate_limited_total 1"), std::string::npos);
}

TEST_F(ServeHttpTest, ModelsListTheRegistryWithParameterSpecs) {
  Start();
  Reply r = NewClient().Get("/v1/models", Key(Role::kReader));
  ASSERT_EQ(r.status, 200);
  std::vector<std::string> names;
  for (const Json& m : r.json["models"]) {
    names.push_back(m["name"]);
    EXPECT_TRUE(m["description"].is_string());
    EXPECT_TRUE(m["params"].is_array());
  }
  EXPECT_EQ(names, BuiltinRegistry().names());
  bool season_found = false;
  for (const Json& m : r.json["models"]) {
    if (m["name"] != "snaive") continue;
    for (const Json& p : m["params"]) season_found |= p["name"] == "season_length";
  }
  EXPECT_TRUE(season_found) << r.body;
}

Json ActualsBody(const std::string& batch, double value) {
  return {{"batch_id", batch},
          {"dataset", "weekly"},
          {"data",
           {{{"unique_id", "s00"}, {"ds", {"2012-05-11", "2012-05-18"}}, {"y", {value, 5.0}}},
            {{"unique_id", "new"}, {"ds", {"2012-05-11"}}, {"y", {1.0}}}}}};
}

TEST_F(ServeHttpTest, ARetriedActualsBatchIsStoredOnce) {
  ASSERT_TRUE(db_->IngestPanel("weekly", panel_, "test", "").ok());
  Start();
  Client c = NewClient();
  const std::string& writer = Key(Role::kWriter);
  Reply first = c.PostJson("/v1/actuals", ActualsBody("b-1", 4.5), writer);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_FALSE(first.json["duplicate"]);
  EXPECT_EQ(first.json["rows"], 3);
  EXPECT_EQ(first.json["frequency"], "W-FRI");
  EXPECT_EQ(first.json["stored"]["series_added"], 1);
  EXPECT_EQ(first.json["stored"]["observations_inserted"], 3);
  Reply retry = c.PostJson("/v1/actuals", ActualsBody("b-1", 4.5), writer);
  EXPECT_EQ(retry.status, 200) << retry.body;
  EXPECT_TRUE(retry.json["duplicate"]);
  EXPECT_EQ(retry.json["ingest_id"], first.json["ingest_id"]);
  EXPECT_EQ(retry.json["stored"], first.json["stored"]);
  // The same batch id with other data is a client bug, not a retry.
  Reply reused = c.PostJson("/v1/actuals", ActualsBody("b-1", 9), writer);
  EXPECT_EQ(reused.status, 409) << reused.body;
  EXPECT_EQ(reused.json["error"]["details"]["field"], "batch_id");
  Reply next = c.PostJson("/v1/actuals", ActualsBody("b-2", 9), writer);
  EXPECT_EQ(next.status, 201) << next.body;
  EXPECT_EQ(next.json["stored"]["observations_updated"], 1);
  EXPECT_EQ(next.json["stored"]["observations_unchanged"], 2);

  auto log = db_->ListIngests("weekly");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->size(), 3u);  // the initial ingest, b-1 once, b-2
  auto loaded = db_->LoadPanel("weekly", {"s00"});
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->values(0)[static_cast<size_t>(loaded->length(0) - 2)], 9.0);

  Reply metrics = c.Get("/metrics");
  EXPECT_NE(metrics.body.find("retailcast_actuals_batches_total{result=\"stored\"} 2"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("retailcast_actuals_batches_total{result=\"duplicate\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("retailcast_ingest_rows_total{outcome=\"inserted\"} 3"),
            std::string::npos)
      << metrics.body;
}

TEST_F(ServeHttpTest, ConcurrentRetriesOfOneBatchStoreItOnce) {
  ASSERT_TRUE(db_->IngestPanel("weekly", panel_, "test", "").ok());
  Start();
  std::atomic<int> created{0}, duplicates{0}, other{0};
  std::vector<testing::TestThread> clients;
  for (int t = 0; t < 6; ++t) {
    clients.emplace_back([&] {
      Client c = NewClient();
      Reply r = c.PostJson("/v1/actuals", ActualsBody("same", 4.5), Key(Role::kWriter));
      (r.status == 201 ? created : r.status == 200 ? duplicates : other)++;
    });
  }
  // Above the clients' read timeout (60 s): a stuck request ends as a failed call.
  testing::JoinAllWithin(
      clients, seconds(90),
      [&] { return std::to_string(created + duplicates + other) + " of 6 retries answered"; },
      "a retry did not return");
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(duplicates.load(), 5);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(db_->ListIngests("weekly")->size(), 2u);
}

TEST_F(ServeHttpTest, BadActualsAreRejectedWithoutWriting) {
  ASSERT_TRUE(db_->IngestPanel("weekly", panel_, "test", "").ok());
  Start();
  Client c = NewClient();
  Json bad = ActualsBody("b-bad", 1);
  bad["data"][0]["ds"][1] = "2012-05-19";  // a Saturday in W-FRI data
  Reply r = c.PostJson("/v1/actuals", bad, Key(Role::kWriter));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json["error"]["details"]["errors"][0]["point"], 1);
  EXPECT_EQ(r.json["error"]["details"]["errors"][0]["unique_id"], "s00");
  Json other_freq = ActualsBody("b-monthly", 1);
  other_freq["freq"] = "MS";
  other_freq["data"] = {{{"unique_id", "s00"}, {"ds", {"2012-05-01"}}, {"y", {1.0}}}};
  r = c.PostJson("/v1/actuals", other_freq, Key(Role::kWriter));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(c.PostJson("/v1/actuals", {{"dataset", "weekly"}, {"data", Json::array()}},
                       Key(Role::kWriter))
                .status,
            400);
  EXPECT_EQ(db_->ListIngests("weekly")->size(), 1u);
}

TEST_F(ServeHttpTest, ArtifactsAreListedWithTheServedVersion) {
  store::ArtifactRecord v1 = testing::SaveTrained(*db_, "weekly", panel_, "naive", 0, true);
  store::ArtifactRecord v2 = testing::SaveTrained(*db_, "weekly", panel_, "snaive", 0, false);
  Start();
  Reply r = NewClient().Get("/v1/artifacts", Key(Role::kAdmin));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["artifacts"].size(), 2u);
  EXPECT_EQ(r.json["artifacts"][0]["id"], v1.id);
  EXPECT_TRUE(r.json["artifacts"][0]["serving"]);
  EXPECT_TRUE(r.json["artifacts"][0]["promoted"]);
  EXPECT_EQ(r.json["artifacts"][1]["id"], v2.id);
  EXPECT_FALSE(r.json["artifacts"][1]["serving"]);
  EXPECT_EQ(r.json["artifacts"][1]["n_series"], 4);
}

TEST_F(ServeHttpTest, PromoteAndRollbackSwitchVersionsUnderConcurrentLoad) {
  store::ArtifactRecord v1 = testing::SaveTrained(*db_, "weekly", panel_, "naive", 0, true);
  store::ArtifactRecord v2 = testing::SaveTrained(*db_, "weekly", panel_, "snaive", 0, false);
  // Each version's answer, keyed by version: a reply must be exactly one of them.
  std::map<int64_t, ForecastTable> expected = {
      {v1.version, testing::ExpectedStored(v1, 5, {80, 95})},
      {v2.version, testing::ExpectedStored(v2, 5, {80, 95})}};
  Start();
  const Json request = StoredRequest({"s00", "s01", "s02", "s03"}, 5);
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::mutex mu;
  std::set<int64_t> versions_seen;
  std::vector<std::string> failures;
  auto failure_count = [&] {
    std::lock_guard lock(mu);
    return failures.size();
  };
  std::vector<testing::TestThread> load;
  // Stops the load when the test leaves this scope, however it leaves (a failed ASSERT too),
  // before `load` joins its threads.
  struct StopLoad {
    std::atomic<bool>* stop;
    ~StopLoad() { stop->store(true); }
  };
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&] {
      Client c = NewClient();
      while (!stop.load()) {
        Reply r = c.PostJson("/v1/forecast", request, Key(Role::kReader));
        if (r.status != 200) {
          std::lock_guard lock(mu);
          failures.push_back(std::to_string(r.status) + " " + r.body.substr(0, 200));
          continue;
        }
        const int64_t version = r.json["artifact"]["version"];
        {
          std::lock_guard lock(mu);
          versions_seen.insert(version);
        }
        testing::ExpectForecastsEqual(expected.at(version), r.json["forecasts"]);
        ++answered;
      }
    });
  }
  StopLoad stop_load{&stop};
  Client admin = NewClient();
  // Waits (at most a minute) for `more` answers after the ones so far, or a failure.
  auto wait_for_answers = [&](int more) {
    const int before = answered.load();
    const bool moved = testing::PollUntil(
        [&] { return answered.load() >= before + more || failure_count() > 0; }, seconds(60));
    EXPECT_TRUE(moved) << "the load got " << answered.load() - before << " of " << more
                       << " more answers within 60 s (" << answered.load()
                       << " in all); requests in flight: " << testing::InFlight(server_->port());
  };
  for (int round = 0; round < 5; ++round) {
    wait_for_answers(5);
    Reply p =
        admin.Post("/v1/artifacts/" + std::to_string(v2.id) + "/promote", "", Key(Role::kAdmin));
    ASSERT_EQ(p.status, 200) << p.body;
    EXPECT_EQ(p.json["to"]["version"], v2.version);
    EXPECT_EQ(p.json["from"]["version"], v1.version);
    wait_for_answers(5);
    Reply b =
        admin.Post("/v1/artifacts/" + std::to_string(v2.id) + "/rollback", "", Key(Role::kAdmin));
    ASSERT_EQ(b.status, 200) << b.body;
    EXPECT_EQ(b.json["to"]["version"], v1.version);
  }
  wait_for_answers(5);
  stop.store(true);
  testing::JoinAllWithin(
      load, seconds(90), [&] { return std::to_string(answered.load()) + " answers so far"; },
      "a load thread did not stop");
  EXPECT_TRUE(failures.empty()) << failures.size()
                                << " failed, first: " << (failures.empty() ? "" : failures[0]);
  EXPECT_EQ(versions_seen, (std::set<int64_t>{v1.version, v2.version}));

  // After the switches, v1 is promoted in the store and served.
  Client c = NewClient();
  Reply now = c.PostJson("/v1/forecast", request, Key(Role::kReader));
  EXPECT_EQ(now.json["artifact"]["version"], v1.version);
  auto promoted = db_->LoadLatestArtifact("weekly");
  EXPECT_EQ(promoted->id, v1.id);

  // Refused switches: not the promoted version, nothing earlier, unknown or bad ids.
  Reply r = c.Post("/v1/artifacts/" + std::to_string(v2.id) + "/rollback", "", Key(Role::kAdmin));
  EXPECT_EQ(r.status, 409) << r.body;
  r = c.Post("/v1/artifacts/" + std::to_string(v1.id) + "/rollback", "", Key(Role::kAdmin));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.json["error"]["message"].get<std::string>().find("no earlier version"),
            std::string::npos);
  EXPECT_EQ(c.Post("/v1/artifacts/999/promote", "", Key(Role::kAdmin)).status, 404);
  EXPECT_EQ(c.Post("/v1/artifacts/abc/promote", "", Key(Role::kAdmin)).status, 400);
  EXPECT_EQ(c.Post("/v1/artifacts/0/rollback", "", Key(Role::kAdmin)).status, 400);
  Reply metrics = c.Get("/metrics");
  EXPECT_NE(metrics.body.find("retailcast_artifact_switches_total{name=\"weekly\"} 11"),
            std::string::npos)
      << metrics.body;
}

TEST_F(ServeHttpTest, APromotionByAnotherProcessIsServedAfterARefresh) {
  testing::SaveTrained(*db_, "weekly", panel_, "naive", 0, true);
  store::ArtifactRecord v2 = testing::SaveTrained(*db_, "weekly", panel_, "snaive", 0, false);
  Start();
  Client c = NewClient();
  EXPECT_EQ(c.PostJson("/v1/forecast", StoredRequest({"s00"}), Key(Role::kReader))
                .json["artifact"]["version"],
            1);
  ASSERT_TRUE(db_->Promote(v2.id).ok());  // e.g. `retailcast train --promote` elsewhere
  ASSERT_TRUE(server_->server().Refresh().ok());
  EXPECT_EQ(c.PostJson("/v1/forecast", StoredRequest({"s00"}), Key(Role::kReader))
                .json["artifact"]["version"],
            2);
}

TEST_F(ServeHttpTest, AnArtifactThatCannotLoadIsNeverPromoted) {
  store::ArtifactRecord good = testing::SaveTrained(*db_, "weekly", panel_, "naive", 0, true);
  store::ArtifactRecord broken = good;
  broken.state = "not a model set";
  broken.promoted = false;
  auto saved = db_->SaveArtifact(broken);
  ASSERT_TRUE(saved.ok());
  Start();
  Client c = NewClient();
  Reply r =
      c.Post("/v1/artifacts/" + std::to_string(saved->id) + "/promote", "", Key(Role::kAdmin));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(db_->LoadLatestArtifact("weekly")->id, good.id);
  EXPECT_EQ(c.PostJson("/v1/forecast", StoredRequest({"s00"}), Key(Role::kReader)).status, 200);
}

TEST_F(ServeHttpTest, KeysMadeOrRevokedWhileRunningTakeEffect) {
  Start();
  Client c = NewClient();
  auto later = IssueApiKey(*db_, Role::kReader, "", testing::kTestSecret);
  ASSERT_TRUE(later.ok());
  ASSERT_TRUE(server_->server().Refresh().ok());
  EXPECT_EQ(c.Get("/v1/models", later->key).status, 200);
  ASSERT_TRUE(testing::RevokeKey(*db_, later->record.key_id).ok());
  ASSERT_TRUE(server_->server().Refresh().ok());
  EXPECT_EQ(c.Get("/v1/models", later->key).status, 401);
}

TEST_F(ServeHttpTest, TheAccessLogHasOneJsonLinePerRequestWithoutKeysOrBodies) {
  ServerOptions o = Options();
  o.access_log = PathOf("access.log");
  Start(o);
  Client c = NewClient();
  const std::string marker = "series-name-that-must-not-be-logged";
  EXPECT_EQ(c.PostJson("/v1/forecast", StoredRequest({marker}), Key(Role::kReader)).status, 409);
  EXPECT_EQ(c.Get("/healthz").status, 200);
  server_.reset();  // stops the server and drains the access log's queue
  std::ifstream in(PathOf("access.log"));
  std::string line;
  std::vector<Json> lines;
  while (std::getline(in, line)) {
    EXPECT_EQ(line.find(marker), std::string::npos) << line;
    const std::string secret = Key(Role::kReader).substr(21);
    EXPECT_EQ(line.find(secret), std::string::npos) << line;
    lines.push_back(Json::parse(line));
  }
  ASSERT_EQ(lines.size(), 2u);
  // Two connections: the lines may come in either order.
  if (lines[0]["route"] != "/v1/forecast") std::swap(lines[0], lines[1]);
  EXPECT_EQ(lines[0]["route"], "/v1/forecast");
  EXPECT_EQ(lines[0]["status"], 409);
  EXPECT_EQ(lines[0]["key_id"], Key(Role::kReader).substr(4, 16));
  EXPECT_EQ(lines[0]["remote"], "127.0.0.1");
  EXPECT_GT(lines[0]["bytes_in"].get<int>(), 0);
  EXPECT_FALSE(lines[0]["request_id"].get<std::string>().empty());
  EXPECT_EQ(lines[1]["route"], "/healthz");
  EXPECT_TRUE(lines[1]["key_id"].is_null());
  EXPECT_EQ(lines[1]["method"], "GET");
}

TEST_F(ServeHttpTest, ShutdownDrainsRequestsInFlight) {
  testing::SaveTrained(*db_, "weekly", panel_, "naive", 0, true);
  // Every wait of this test has a deadline; on expiry it fails with what it saw instead of
  // hanging. Requests reach their handler in milliseconds; the limits allow a loaded machine.
  constexpr std::chrono::seconds kHoldLimit(30);  // until every request is held
  // Until the clients return: above their read timeout (60 s), so that a request that never
  // reaches its handler ends as a failed client call, not as a stuck test.
  constexpr std::chrono::seconds kJoinLimit(90);
  constexpr int kInFlight = 4;
  std::mutex mu;
  std::condition_variable cv;
  int inside = 0;    // requests held in their handlers
  int answered = 0;  // client calls that returned
  int gave_up = 0;   // handlers that stopped waiting for the release
  bool release = false;
  std::vector<Reply> replies(kInFlight);
  // What the test saw, for the messages of failed waits; takes `mu`.
  auto seen = [&] {
    std::lock_guard lock(mu);
    std::string s = std::to_string(inside) + " of " + std::to_string(kInFlight) +
                    " requests reached the handler, " + std::to_string(answered) +
                    " client calls returned (statuses:";
    for (const Reply& r : replies) s += " " + std::to_string(r.status);
    return s + ")";
  };
  ServerOptions o = Options();
  o.before_handle = [&](std::string_view route) {
    if (route != "/v1/forecast") return;
    std::unique_lock lock(mu);
    ++inside;
    cv.notify_all();
    // Bounded too: a test that failed before releasing must not leave the worker, and with it
    // the server's shutdown, waiting forever.
    if (!cv.wait_for(lock, kJoinLimit, [&] { return release; })) ++gave_up;
  };
  auto created = Server::Create(std::move(o));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::unique_ptr<Server> server = std::move(created).value();
  const int port = server->port();
  std::atomic<bool> run_returned{false};
  Status run_status;
  testing::TestThread runner([&] {
    run_status = server->Run();
    run_returned.store(true);
  });
  std::vector<testing::TestThread> clients;
  for (int i = 0; i < kInFlight; ++i) {
    clients.emplace_back([&, i] {
      Reply r = Client(port).PostJson("/v1/forecast", StoredRequest({"s00"}), Key(Role::kReader));
      std::lock_guard lock(mu);
      replies[static_cast<size_t>(i)] = std::move(r);
      ++answered;
      cv.notify_all();
    });
  }
  // Every request must be held before the shutdown. A request that never reaches its handler
  // (or a client call that returned early) fails the test with what was seen, not hangs it.
  bool all_held = false;
  int held_in_time = 0;
  {
    std::unique_lock lock(mu);
    all_held = cv.wait_for(lock, kHoldLimit, [&] { return inside == kInFlight || answered > 0; }) &&
               inside == kInFlight;
    held_in_time = inside;
  }
  if (all_held) {
    server->Shutdown();
    // The listener is closed, but the four requests are held inside their handlers: Run
    // cannot have returned.
    EXPECT_FALSE(run_returned.load());
    EXPECT_EQ(Client(port).Get("/healthz").status, 0);
  } else {
    ADD_FAILURE() << "the held requests did not all reach their handler within "
                  << kHoldLimit.count() << " s: " << seen()
                  << "; requests in flight: " << testing::InFlight(port);
  }
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  testing::JoinAllWithin(clients, kJoinLimit, seen, "a client call did not return");
  if (!all_held) server->Shutdown();
  runner.JoinWithin(testing::kServerStopLimit, seen, "Server::Run did not return after Shutdown");
  EXPECT_TRUE(run_status.ok()) << run_status.ToString();
  EXPECT_EQ(gave_up, 0) << "handlers that were never released";
  for (size_t i = 0; i < replies.size(); ++i) {
    EXPECT_EQ(replies[i].status, 200) << "request " << i << " of " << kInFlight << " (" << inside
                                      << " reached the handler): " << replies[i].body;
    EXPECT_EQ(replies[i].json["forecasts"].size(), 1u);
  }
  ASSERT_TRUE(all_held) << held_in_time << " of " << kInFlight
                        << " requests reached the handler within " << kHoldLimit.count() << " s";
}

TEST_F(ServeHttpTest, ShutdownBeforeRunReturnsAtOnce) {
  auto created = Server::Create(Options());
  ASSERT_TRUE(created.ok());
  (*created)->Shutdown();
  EXPECT_TRUE((*created)->Run().ok());
  EXPECT_EQ((*created)->Run().code(), StatusCode::kFailedPrecondition);
}

// Two servers must never share a port: with SO_REUSEPORT the kernel would split the
// connections between them (an old and a new version answering at random).
TEST_F(ServeHttpTest, SecondServerOnABusyPortIsRefused) {
  auto first = Server::Create(Options());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ServerOptions o = Options();
  o.port = (*first)->port();
  auto second = Server::Create(o);
  ASSERT_FALSE(second.ok()) << "a second server bound the busy port " << o.port;
  EXPECT_EQ(second.status().code(), StatusCode::kIoError);
  EXPECT_NE(second.status().message().find(std::to_string(o.port)), std::string::npos)
      << second.status().message();
}

TEST_F(ServeHttpTest, BadOptionsAreRefusedAtCreate) {
  ServerOptions o = Options();
  o.tls_cert_file = PathOf("cert.pem");
  EXPECT_EQ(Server::Create(o).status().code(), StatusCode::kInvalidArgument);
  o = Options();
  o.log_level = "loud";
  EXPECT_EQ(Server::Create(o).status().code(), StatusCode::kInvalidArgument);
  o = Options();
  o.host = "192.0.2.1";  // TEST-NET-1: not an address of this machine
  o.port = 1;
  EXPECT_EQ(Server::Create(o).status().code(), StatusCode::kIoError);
  o = Options();
  o.tls_cert_file = PathOf("missing-cert.pem");
  o.tls_key_file = PathOf("missing-key.pem");
  auto tls = Server::Create(o);
  EXPECT_EQ(tls.status().code(), StatusCode::kIoError);
  EXPECT_NE(tls.status().message().find("missing-cert.pem"), std::string::npos)
      << tls.status().message();
}

// A self-signed certificate made with the openssl command line tool (skips without it).
bool MakeCertificate(const std::string& cert, const std::string& key) {
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-keyout '" +
      key + "' -out '" + cert + "' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

TEST_F(ServeHttpTest, ServesHttpsWhenACertificateIsConfigured) {
  const std::string cert = PathOf("cert.pem"), key = PathOf("key.pem");
  if (!MakeCertificate(cert, key)) GTEST_SKIP() << "the openssl command is not available";
  ServerOptions o = Options();
  o.tls_cert_file = cert;
  o.tls_key_file = key;
  Start(o);
  httplib::SSLClient tls("127.0.0.1", server_->port());
  tls.enable_server_certificate_verification(false);
  auto health = tls.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  httplib::Headers auth = {{"Authorization", "Bearer " + Key(Role::kReader)}};
  auto models = tls.Get("/v1/models", auth);
  ASSERT_TRUE(models);
  EXPECT_EQ(models->status, 200);
  // Plain HTTP to the TLS port gets no HTTP reply.
  EXPECT_EQ(NewClient().Get("/healthz").status, 0);
  // A key that does not belong to the certificate is refused at Create.
  const std::string cert2 = PathOf("cert2.pem"), key2 = PathOf("key2.pem");
  ASSERT_TRUE(MakeCertificate(cert2, key2));
  o.tls_key_file = key2;
  auto mismatched = Server::Create(o);
  EXPECT_EQ(mismatched.status().code(), StatusCode::kIoError);
  EXPECT_NE(mismatched.status().message().find("key2.pem"), std::string::npos)
      << mismatched.status().message();
  EXPECT_NE(mismatched.status().message().find("mismatch"), std::string::npos)
      << mismatched.status().message();
}

}  // namespace
}  // namespace retailcast::serve
