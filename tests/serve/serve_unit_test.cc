// Unit tests of the service's parts that need no socket: JSON writing, the metrics registry,
// the status -> HTTP mapping, keys and the key ring, the rate limiter, request parsing, the
// config file, the route table and the OpenAPI document.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <bit>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "auth.h"
#include "errors.h"
#include "forecast_json.h"
#include "metrics.h"
#include "rate_limiter.h"
#include "requests.h"
#include "retailcast/core/json_writer.h"
#include "routes.h"
#include "serve_test_util.h"
#include "service.h"

namespace retailcast::serve {
namespace {

using Json = nlohmann::json;
using testing::TempDirTest;

// ---- JsonWriter

TEST(JsonWriterTest, NestedValuesGetCommasAndParseBack) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.Int(1);
  w.Double(2.5);
  w.Null();
  w.Bool(true);
  w.BeginObject();
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.EndArray();
  w.Key("b");
  w.String("x");
  w.Key("c");
  w.Raw("{\"d\":[1]}");
  w.EndObject();
  EXPECT_EQ(out, R"({"a":[1,2.5,null,true,{},[]],"b":"x","c":{"d":[1]}})");
}

TEST(JsonWriterTest, DoublesAreWrittenShortestAndPlainWherePractical) {
  auto text = [](double v) {
    std::string s;
    JsonWriter::AppendDouble(&s, v);
    return s;
  };
  EXPECT_EQ(text(1643690.9), "1643690.9");
  EXPECT_EQ(text(3), "3");
  EXPECT_EQ(text(-2.5), "-2.5");
  EXPECT_EQ(text(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(text(1e20), "100000000000000000000");
  EXPECT_EQ(text(1e21), "1e21");
  EXPECT_EQ(text(0.000001), "0.000001");
  EXPECT_EQ(text(1e-7), "1e-7");
  EXPECT_EQ(text(-1.5e-300), "-1.5e-300");
  EXPECT_EQ(text(std::numeric_limits<double>::max()), "1.7976931348623157e308");
  EXPECT_EQ(text(std::numeric_limits<double>::denorm_min()), "5e-324");
  EXPECT_EQ(text(0), "0");
  EXPECT_EQ(text(-0.0), "-0.0");
  // Every digit count and decimal point position.
  double v = 1;
  for (int k = 0; k < 20; ++k, v *= 10) {
    EXPECT_EQ(Json::parse(text(v)).get<double>(), v) << text(v);
    EXPECT_EQ(Json::parse(text(v - 1)).get<double>(), v - 1) << text(v - 1);
    EXPECT_EQ(Json::parse(text(v / 7)).get<double>(), v / 7) << text(v / 7);
  }
  EXPECT_EQ(text(9007199254740993.0), "9007199254740992");
  EXPECT_EQ(text(123.456), "123.456");
  EXPECT_EQ(text(0.0123), "0.0123");
}

TEST(JsonWriterTest, DoublesReadBackExactlyAndNonFiniteIsNull) {
  std::mt19937_64 bits(11);
  for (int i = 0; i < 20000; ++i) {
    // Any finite double: random bit patterns cover every exponent, subnormals included.
    const double v = std::bit_cast<double>(bits());
    if (!std::isfinite(v)) continue;
    std::string s;
    JsonWriter::AppendDouble(&s, v);
    ASSERT_TRUE(Json::accept(s)) << s;
    const double back = Json::parse(s).get<double>();
    EXPECT_EQ(std::bit_cast<uint64_t>(back), std::bit_cast<uint64_t>(v)) << s;
    // Shortest: never more than the 17 significant digits any double needs.
    std::string digits;
    for (char c : s.substr(0, s.find('e'))) {
      if (c >= '0' && c <= '9') digits += c;
    }
    digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    EXPECT_LE(digits.size(), 17u) << s;
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1e6, 1e6);
  for (int i = 0; i < 2000; ++i) {
    const double v = i % 3 == 0 ? u(rng) : std::ldexp(u(rng), static_cast<int>(rng() % 200) - 100);
    std::string s;
    JsonWriter::AppendDouble(&s, v);
    EXPECT_EQ(Json::parse(s).get<double>(), v) << s;
  }
  for (double v : {std::nan(""), std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity()}) {
    std::string s;
    JsonWriter::AppendDouble(&s, v);
    EXPECT_EQ(s, "null");
  }
  std::string z;
  JsonWriter::AppendDouble(&z, -0.0);
  EXPECT_TRUE(std::signbit(Json::parse(z).get<double>()));
}

TEST(JsonWriterTest, StringsAreEscapedAndInvalidUtf8Replaced) {
  const std::string text = "q\"b\\n\n\t\x01 \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
  std::string s;
  JsonWriter::AppendString(&s, text);
  EXPECT_EQ(Json::parse(s).get<std::string>(), text);
  EXPECT_NE(s.find("\\u0001"), std::string::npos) << s;
  for (std::string bad : {std::string("\xFF"), std::string("a\xC3"), std::string("\xED\xA0\x80"),
                          std::string("\xC0\xAF"), std::string("\xF4\x90\x80\x80")}) {
    std::string q;
    JsonWriter::AppendString(&q, bad);
    ASSERT_TRUE(Json::accept(q)) << q;
    EXPECT_NE(Json::parse(q).get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);
  }
}

// ---- Metrics

TEST(MetricsTest, RendersCountersGaugesAndHistogramsInTheTextFormat) {
  MetricsRegistry m;
  auto& requests = m.AddCounter("rc_requests_total", "Requests\nby route", {"route", "status"});
  requests.WithLabels({"/v1/forecast", "200"}).Inc();
  requests.WithLabels({"/v1/forecast", "200"}).Inc(2);
  requests.WithLabels({"a\"b\\c\nd", "500"}).Inc();
  m.AddGauge("rc_version", "Version").WithLabels({}).Set(3);
  auto& h = m.AddHistogram("rc_seconds", "Latency", {"route"}, {0.5, 1}).WithLabels({"r"});
  h.Observe(0.25);
  h.Observe(0.5);  // an observation equal to a bound falls in that bucket (le = <=)
  h.Observe(4);
  m.AddCallbackGauge("rc_rss_bytes", "Memory", [] { return 42.0; });
  const std::string text = m.Render();
  EXPECT_EQ(text,
            "# HELP rc_requests_total Requests\\nby route\n"
            "# TYPE rc_requests_total counter\n"
            "rc_requests_total{route=\"/v1/forecast\",status=\"200\"} 3\n"
            "rc_requests_total{route=\"a\\\"b\\\\c\\nd\",status=\"500\"} 1\n"
            "# HELP rc_version Version\n"
            "# TYPE rc_version gauge\n"
            "rc_version 3\n"
            "# HELP rc_seconds Latency\n"
            "# TYPE rc_seconds histogram\n"
            "rc_seconds_bucket{route=\"r\",le=\"0.5\"} 2\n"
            "rc_seconds_bucket{route=\"r\",le=\"1\"} 2\n"
            "rc_seconds_bucket{route=\"r\",le=\"+Inf\"} 3\n"
            "rc_seconds_sum{route=\"r\"} 4.75\n"
            "rc_seconds_count{route=\"r\"} 3\n"
            "# HELP rc_rss_bytes Memory\n"
            "# TYPE rc_rss_bytes gauge\n"
            "rc_rss_bytes 42\n");
}

TEST(MetricsTest, ConcurrentIncrementsAreAllCounted) {
  MetricsRegistry m;
  auto& c = m.AddCounter("rc_total", "t", {"k"});
  std::vector<testing::TestThread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&c, t] {
      for (int i = 0; i < 5000; ++i) c.WithLabels({(i + t) % 2 == 0 ? "a" : "b"}).Inc();
    });
  }
  testing::JoinAllWithin(
      threads, std::chrono::seconds(60),
      [&c] {
        return std::to_string(c.WithLabels({"a"}).value() + c.WithLabels({"b"}).value()) +
               " of 20000 increments counted";
      },
      "an incrementing thread did not finish");
  EXPECT_EQ(c.WithLabels({"a"}).value() + c.WithLabels({"b"}).value(), 20000);
}

TEST(MetricsTest, NamesAreChecked) {
  EXPECT_TRUE(MetricsRegistry::ValidMetricName("retailcast_http_requests_total"));
  EXPECT_TRUE(MetricsRegistry::ValidMetricName("a:b"));
  EXPECT_FALSE(MetricsRegistry::ValidMetricName("1abc"));
  EXPECT_FALSE(MetricsRegistry::ValidMetricName("a-b"));
  EXPECT_FALSE(MetricsRegistry::ValidMetricName(""));
  EXPECT_TRUE(MetricsRegistry::ValidLabelName("route"));
  EXPECT_FALSE(MetricsRegistry::ValidLabelName("__name"));
  EXPECT_FALSE(MetricsRegistry::ValidLabelName("a:b"));
  EXPECT_DEATH(MetricsRegistry().AddCounter("bad-name", "x"), "invalid metric name");
  EXPECT_DEATH(
      {
        MetricsRegistry m;
        m.AddCounter("x_total", "x", {"a"}).WithLabels({"1", "2"});
      },
      "takes 1 labels");
}

// ---- Errors

TEST(ErrorsTest, EveryStatusCodeHasOneHttpStatus) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kOk), 200);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kDataError), 422);
  EXPECT_EQ(HttpStatusFor(StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotSupported), 501);
  EXPECT_EQ(HttpStatusFor(StatusCode::kIoError), 503);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInternal), 500);
}

TEST(ErrorsTest, ErrorBodiesHaveCodeMessageAndDetails) {
  ApiError e =
      ApiError::FromStatus(Status::NotFound("series 'x' is unknown"), {{"unknown_series", {"x"}}});
  EXPECT_EQ(e.http_status, 404);
  Json j = Json::parse(e.ToJson());
  EXPECT_EQ(j["error"]["code"], "NotFound");
  EXPECT_EQ(j["error"]["message"], "series 'x' is unknown");
  EXPECT_EQ(j["error"]["details"]["unknown_series"][0], "x");
  for (int status : {400, 404, 413, 414, 416, 418, 500, 503}) {
    ApiError bare = ErrorForBareStatus(status);
    EXPECT_EQ(bare.http_status, status);
    Json b = Json::parse(bare.ToJson());
    EXPECT_FALSE(b["error"]["code"].get<std::string>().empty());
    EXPECT_TRUE(b["error"]["details"].is_object());
  }
  EXPECT_EQ(ErrorForBareStatus(413).code, kCodePayloadTooLarge);
}

// ---- Keys and the key ring

class KeysTest : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    auto opened = store::Store::Open(PathOf("keys.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    db_ = std::move(opened).value();
  }
  std::unique_ptr<store::Store> db_;
};

TEST_F(KeysTest, IssuedKeysParseAndOnlyTheirHashIsStored) {
  for (const std::string& secret : {std::string(), std::string(testing::kTestSecret)}) {
    auto issued = IssueApiKey(*db_, Role::kWriter, "job", secret);
    ASSERT_TRUE(issued.ok()) << issued.status().ToString();
    auto parts = ParseApiKey(issued->key);
    ASSERT_TRUE(parts.ok()) << parts.status().ToString();
    EXPECT_EQ(parts->key_id, issued->record.key_id);
    EXPECT_EQ(issued->record.role, "writer");
    EXPECT_EQ(issued->record.name, "job");
    EXPECT_EQ(HashScheme(issued->record.hash), secret.empty() ? "argon2id" : "hmac-sha256");
    EXPECT_EQ(issued->record.hash.find(parts->secret), std::string::npos);
    auto ok = VerifySecret(issued->record.hash, parts->secret, secret);
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    EXPECT_TRUE(*ok);
    std::string wrong(parts->secret);
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(*VerifySecret(issued->record.hash, wrong, secret));
  }
  EXPECT_EQ(testing::ListKeys(*db_).size(), 2u);
}

TEST_F(KeysTest, HmacKeysNeedTheSameServerSecret) {
  auto issued = IssueApiKey(*db_, Role::kReader, "", testing::kTestSecret);
  ASSERT_TRUE(issued.ok());
  auto parts = ParseApiKey(issued->key);
  ASSERT_TRUE(parts.ok());
  EXPECT_FALSE(*VerifySecret(issued->record.hash, parts->secret,
                             "another-secret-of-at-least-32-bytes-long"));
  EXPECT_EQ(VerifySecret(issued->record.hash, parts->secret, "").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(VerifySecret("md5$abc", parts->secret, "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(IssueApiKey(*db_, Role::kReader, "", "short").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ApiKeyTest, MalformedKeysAreRejectedWithoutEchoingThem) {
  const std::string good = "rck_0123456789abcdef_" + std::string(43, 'A');
  EXPECT_TRUE(ParseApiKey(good).ok());
  EXPECT_TRUE(LooksLikeApiKey(good));
  for (const std::string& bad : {std::string(""), std::string("rck_"), good.substr(1), good + "A",
                                 "rck_0123456789ABCDEF_" + std::string(43, 'A'),
                                 "rck_0123456789abcdef-" + std::string(43, 'A'),
                                 "rck_0123456789abcdef_" + std::string(42, 'A') + "=",
                                 "xyz_0123456789abcdef_" + std::string(43, 'A')}) {
    auto r = ParseApiKey(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    if (bad.size() > 20) {
      EXPECT_EQ(r.status().message().find(bad), std::string::npos);
    }
  }
  EXPECT_EQ(ParseRole("admin").value(), Role::kAdmin);
  EXPECT_EQ(ParseRole("root").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(KeysTest, KeyRingNamesEveryOutcome) {
  auto reader = IssueApiKey(*db_, Role::kReader, "", testing::kTestSecret);
  auto admin = IssueApiKey(*db_, Role::kAdmin, "", testing::kTestSecret);
  ASSERT_TRUE(reader.ok() && admin.ok());
  KeyRing ring(testing::kTestSecret);
  ring.Replace(testing::ListKeys(*db_));
  EXPECT_EQ(ring.active_keys(), 2u);
  EXPECT_EQ(ring.Authenticate("").outcome, AuthOutcome::kMissing);
  EXPECT_EQ(ring.Authenticate("Basic abc").outcome, AuthOutcome::kMalformed);
  EXPECT_EQ(ring.Authenticate("Bearer nope").outcome, AuthOutcome::kMalformed);
  Identity ok = ring.Authenticate("Bearer " + reader->key);
  EXPECT_EQ(ok.outcome, AuthOutcome::kOk);
  EXPECT_EQ(ok.role, Role::kReader);
  EXPECT_EQ(ok.key_id, reader->record.key_id);
  // The scheme is case-insensitive; spaces around the key are ignored.
  EXPECT_EQ(ring.Authenticate("bearer  " + admin->key + " ").role, Role::kAdmin);
  std::string wrong = admin->key;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  // Once a key verified, a wrong secret with the same key_id is still refused.
  EXPECT_EQ(ring.Authenticate("Bearer " + wrong).outcome, AuthOutcome::kWrongSecret);
  std::string unknown = "rck_ffffffffffffffff" + reader->key.substr(20);
  EXPECT_EQ(ring.Authenticate("Bearer " + unknown).outcome, AuthOutcome::kUnknownKey);
  ASSERT_TRUE(testing::RevokeKey(*db_, reader->record.key_id).ok());
  ring.Replace(testing::ListKeys(*db_));
  EXPECT_EQ(ring.Authenticate("Bearer " + reader->key).outcome, AuthOutcome::kRevoked);
  EXPECT_EQ(ring.active_keys(), 1u);

  KeyRing no_secret("");
  no_secret.Replace(testing::ListKeys(*db_));
  EXPECT_EQ(no_secret.unusable_keys(), 1u);
  EXPECT_EQ(no_secret.Authenticate("Bearer " + admin->key).outcome, AuthOutcome::kNoServerSecret);
}

TEST_F(KeysTest, Argon2idKeysVerifyOnceAndAreCached) {
  auto key = IssueApiKey(*db_, Role::kWriter, "", "");
  ASSERT_TRUE(key.ok());
  KeyRing ring("");
  ring.Replace(testing::ListKeys(*db_));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ring.Authenticate("Bearer " + key->key).outcome, AuthOutcome::kOk);
  }
  std::string wrong = key->key;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(ring.Authenticate("Bearer " + wrong).outcome, AuthOutcome::kWrongSecret);
}

TEST_F(KeysTest, ServerSecretComesFromTheFileOrTheEnvironment) {
  const std::string file = PathOf("secret");
  {
    std::ofstream out(file);
    out << testing::kTestSecret << "\n";
  }
  auto s = LoadServerSecret(file);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*s, testing::kTestSecret);
  {
    std::ofstream out(file);
    out << "short\n";
  }
  EXPECT_EQ(LoadServerSecret(file).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadServerSecret(PathOf("missing")).status().code(), StatusCode::kNotFound);
  ::setenv("RETAILCAST_SERVER_SECRET", testing::kTestSecret, 1);
  EXPECT_EQ(LoadServerSecret("").value(), testing::kTestSecret);
  ::unsetenv("RETAILCAST_SERVER_SECRET");
  EXPECT_EQ(LoadServerSecret("").value(), "");
}

// ---- Rate limiter

TEST(RateLimiterTest, BurstThenRefusalThenRefill) {
  RateLimiter limiter(2, 3);  // 2 requests/s, bursts of 3
  const auto t0 = RateLimiter::Clock::time_point() + std::chrono::hours(1);
  double retry = 0;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("k", t0, &retry));
  EXPECT_FALSE(limiter.Allow("k", t0, &retry));
  EXPECT_DOUBLE_EQ(retry, 0.5);
  EXPECT_TRUE(limiter.Allow("other", t0, &retry));  // per key
  EXPECT_TRUE(limiter.Allow("k", t0 + std::chrono::milliseconds(500), &retry));
  EXPECT_FALSE(limiter.Allow("k", t0 + std::chrono::milliseconds(500), &retry));
  // A long pause refills to the burst, not beyond.
  const auto later = t0 + std::chrono::seconds(100);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("k", later, &retry));
  EXPECT_FALSE(limiter.Allow("k", later, &retry));
  RateLimiter off(0, 0);
  EXPECT_FALSE(off.enabled());
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(off.Allow("k", t0, &retry));
}

// ---- Requests

Status ParseF(const std::string& body, ForecastRequest* r, Json* details) {
  return ParseForecastRequest(body, RequestLimits{}, r, details);
}

TEST(RequestsTest, StoredForecastRequest) {
  ForecastRequest r;
  Json d = Json::object();
  ASSERT_TRUE(ParseF(R"({"series": ["CA_1/FOODS_3_090", "b"], "horizon": 28, "levels": [80, 95],
                        "artifact": "m5", "models": "snaive, naive"})",
                     &r, &d)
                  .ok());
  EXPECT_FALSE(r.posted);
  EXPECT_EQ(r.series, (std::vector<std::string>{"CA_1/FOODS_3_090", "b"}));
  EXPECT_EQ(r.horizon, 28);
  EXPECT_EQ(r.levels, (std::vector<double>{80, 95}));
  EXPECT_EQ(r.artifact, "m5");
  EXPECT_EQ(r.models, (std::vector<std::string>{"snaive", "naive"}));
  ForecastRequest defaults;
  ASSERT_TRUE(ParseF(R"({"series": ["a"], "horizon": 1})", &defaults, &d).ok());
  EXPECT_EQ(defaults.levels, (std::vector<double>{80, 95}));
}

// The one-pass reader takes the common stored request and gives what the JSON parser gives;
// everything outside its subset is left to the JSON parser, which words the errors.
TEST(RequestsTest, OnePassStoredReaderAgreesWithTheJsonParser) {
  const RequestLimits limits;
  for (const char* body : {
           R"({"series": ["CA_1/FOODS_3_090"], "horizon": 28, "levels": [80, 95]})",
           "{\"series\":[\"a\",\"b\"],\"horizon\":1}",
           " \t\r\n{ \"horizon\" : 7 , \"series\" : [ \"\" ] , \"levels\" : [ 50 ] } \n",
           R"({"series": ["x"], "horizon": 100000, "artifact": "", "models": ["snaive"]})",
       }) {
    ForecastRequest fast, general;
    ASSERT_TRUE(TryParseStoredForecast(body, limits, &fast)) << body;
    ASSERT_TRUE(ParseForecastRequestJson(body, limits, &general, nullptr).ok()) << body;
    EXPECT_EQ(fast.series, general.series) << body;
    EXPECT_EQ(fast.horizon, general.horizon) << body;
    EXPECT_EQ(fast.levels, general.levels) << body;
    EXPECT_EQ(fast.artifact, general.artifact) << body;
    EXPECT_EQ(fast.models, general.models) << body;
    EXPECT_FALSE(fast.posted);
  }
  RequestLimits two;
  two.max_series = 2;
  for (const char* body : {
           R"({"series": ["a\"b"], "horizon": 1})",    // an escape
           R"({"series": ["é"], "horizon": 1})",       // not ASCII
           R"({"series": ["a"], "horizon": 1.0})",     // a float horizon is a type error
           R"({"series": ["a"], "horizon": 028})",     // not JSON
           R"({"series": ["a"], "horizon": 0})",       // out of range
           R"({"series": ["a"], "horizon": 100001})",  // out of range
           R"({"series": ["a"], "horizon": 1, "levels": [97.5]})",  // valid, left to JSON
           R"({"series": ["a"], "horizon": 1, "levels": [80, 80]})",
           R"({"series": ["a"], "horizon": 1, "levels": []})",
           R"({"series": [], "horizon": 1})",
           R"({"series": ["a", "b", "c"], "horizon": 1})",  // over the limit of 2
           R"({"series": ["a"], "series": ["b"], "horizon": 1})",
           R"({"series": ["a"], "horizon": 1, "models": "snaive"})",
           R"({"series": ["a"], "horizon": 1, "data": []})",
           R"({"series": ["a"]})",
           R"({"series": ["a"], "horizon": 1} x)",
           R"({"series": ["a"], "horizon": 1)",
           R"({"series": ["a",], "horizon": 1})",
           "",
       }) {
    ForecastRequest r;
    EXPECT_FALSE(TryParseStoredForecast(body, two, &r)) << body;
  }
  // Left to the JSON parser: the valid ones still parse, the invalid ones still fail.
  ForecastRequest r;
  EXPECT_TRUE(ParseForecastRequest(R"({"series": ["a\"b"], "horizon": 1, "levels": [97.5]})",
                                   limits, &r, nullptr)
                  .ok());
  EXPECT_EQ(r.series, (std::vector<std::string>{"a\"b"}));
  EXPECT_EQ(r.levels, (std::vector<double>{97.5}));
  EXPECT_FALSE(
      ParseForecastRequest(R"({"series": ["a"], "horizon": 1.0})", limits, &r, nullptr).ok());
}

TEST(RequestsTest, PostedHistoryBecomesCsvRowsInPostedOrder) {
  ForecastRequest r;
  Json d = Json::object();
  Status s = ParseF(R"({"model": ["snaive", "naive"], "season": 2, "horizon": 3, "levels": [],
      "params": {"naive": {}}, "data": [
        {"unique_id": "b,\"x\"", "ds": ["2020-01-01", "2020-01-02"], "y": [1.5, null]},
        {"unique_id": "a", "ds": ["2020-01-01"], "y": [-0.0]}]})",
                    &r, &d);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(r.posted);
  EXPECT_EQ(r.models, (std::vector<std::string>{"snaive", "naive"}));
  EXPECT_EQ(r.season, 2);
  EXPECT_TRUE(r.levels.empty());
  EXPECT_EQ(r.data.csv,
            "unique_id,ds,y\n\"b,\"\"x\"\"\",2020-01-01,1.5\n\"b,\"\"x\"\"\",2020-01-02,\n"
            "a,2020-01-01,-0.0\n");
  EXPECT_EQ(r.data.ids, (std::vector<std::string>{"b,\"x\"", "a"}));
  EXPECT_EQ(r.data.first_row, (std::vector<size_t>{0, 2, 3}));
}

struct BadCase {
  const char* body;
  const char* field;  // expected details.field ("" = none)
  const char* message_part;
};

TEST(RequestsTest, BadRequestsNameTheField) {
  const BadCase cases[] = {
      {"", "", "empty"},
      {"{\"model\": ", "", "not valid JSON"},
      {"[1]", "", "must be a JSON object"},
      {R"({"horizon": 3})", "series", "give 'series'"},
      {R"({"series": ["a"], "data": [], "horizon": 3})", "data", "not both"},
      {R"({"series": ["a"]})", "horizon", "required"},
      {R"({"series": ["a"], "horizon": "3"})", "horizon", "must be an integer, got string"},
      {R"({"series": ["a"], "horizon": 2.5})", "horizon", "must be an integer, got number"},
      {R"({"series": ["a"], "horizon": -3})", "horizon", "got -3"},
      {R"({"series": ["a"], "horizon": 1e999})", "", "cannot be read"},
      {R"({"series": ["a"], "horizon": 0})", "horizon", "must be in [1, 100000]"},
      {R"({"series": ["a"], "horizon": 18446744073709551615})", "horizon",
       "got 18446744073709551615"},
      {R"({"series": ["a"], "horizon": 1, "levels": [80, 80]})", "levels[1]", "listed twice"},
      {R"({"series": ["a"], "horizon": 1, "levels": [100]})", "levels[0]", "(0, 100)"},
      {R"({"series": ["a"], "horizon": 1, "levels": "80"})", "levels", "array of numbers"},
      {R"({"series": [1], "horizon": 1})", "series[0]", "must be a string"},
      {R"({"series": [], "horizon": 1})", "series", "lists no series"},
      {R"({"series": ["a"], "horizon": 1, "season": 2})", "season", "applies to posted"},
      {R"({"series": ["a"], "horizon": 1, "colour": 2})", "colour", "unknown field"},
      {R"({"data": [], "horizon": 1, "model": "snaive"})", "data", "holds no series"},
      {R"({"data": [{"unique_id": "a", "ds": [], "y": []}], "horizon": 1})", "model", "required"},
      {R"({"data": [{"unique_id": "a", "ds": ["2020-01-01"], "y": [1]}], "horizon": 1,
          "model": "snaive", "artifact": "x"})",
       "artifact", "applies to stored"},
      {R"({"data": [5], "horizon": 1, "model": "snaive"})", "data[0]", "must be an object"},
      {R"({"data": [{"unique_id": 1, "ds": [], "y": []}], "horizon": 1, "model": "m"})",
       "data[0].unique_id", "must be a string"},
      {R"({"data": [{"unique_id": "", "ds": [], "y": []}], "horizon": 1, "model": "m"})",
       "data[0].unique_id", "non-empty"},
      {R"({"data": [{"unique_id": "a\n", "ds": [], "y": []}], "horizon": 1, "model": "m"})",
       "data[0].unique_id", "control characters"},
      {R"({"data": [{"unique_id": "a", "y": []}], "horizon": 1, "model": "m"})", "data[0].ds",
       "required"},
      {R"({"data": [{"unique_id": "a", "ds": ["x"], "y": [1, 2]}], "horizon": 1, "model": "m"})",
       "data[0]", "1 dates but 2 values"},
      {R"({"data": [{"unique_id": "a", "ds": ["2020-01-01", 3], "y": [1, 2]}], "horizon": 1,
          "model": "m"})",
       "data[0].ds[1]", "a date string"},
      {R"({"data": [{"unique_id": "a", "ds": ["2020-01-01", "2020-01-02"], "y": [1, "2"]}],
          "horizon": 1, "model": "m"})",
       "data[0].y[1]", "a number or null, got string"},
      {R"({"data": [{"unique_id": "a", "ds": [], "y": [], "z": 1}], "horizon": 1, "model": "m"})",
       "data[0].z", "unknown field"},
      {R"({"data": [{"unique_id": "a", "ds": [], "y": []}], "horizon": 1, "model": 5})", "model",
       "a string or an array"},
      {R"({"data": [{"unique_id": "a", "ds": [], "y": []}], "horizon": 1, "model": "m",
          "params": {"m": 1}})",
       "params.m", "an object"},
  };
  for (const BadCase& c : cases) {
    ForecastRequest r;
    Json d = Json::object();
    Status s = ParseF(c.body, &r, &d);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_NE(s.message().find(c.message_part), std::string::npos)
        << c.body << " -> " << s.message();
    if (*c.field != '\0') {
      EXPECT_EQ(d.value("field", ""), c.field) << c.body;
    }
  }
}

TEST(RequestsTest, LimitsAreChecked) {
  RequestLimits limits;
  limits.max_series = 2;
  limits.max_points = 3;
  ForecastRequest r;
  Json d = Json::object();
  EXPECT_NE(ParseForecastRequest(R"({"series": ["a", "b", "c"], "horizon": 1})", limits, &r, &d)
                .message()
                .find("the limit is 2"),
            std::string::npos);
  Status s = ParseForecastRequest(
      R"({"model": "m", "horizon": 1, "data": [{"unique_id": "a", "ds": ["1", "2"], "y": [1, 2]},
          {"unique_id": "b", "ds": ["1", "2"], "y": [1, 2]}]})",
      limits, &r, &d);
  EXPECT_NE(s.message().find("more than 3 points"), std::string::npos) << s.message();
}

TEST(RequestsTest, ActualsRequest) {
  ActualsRequest a;
  Json d = Json::object();
  ASSERT_TRUE(ParseActualsRequest(R"({"batch_id": "b-1", "dataset": "walmart", "freq": "W-FRI",
      "data": [{"unique_id": "1", "ds": ["2012-11-02"], "y": [10]}]})",
                                  RequestLimits{}, &a, &d)
                  .ok());
  EXPECT_EQ(a.batch_id, "b-1");
  EXPECT_EQ(a.dataset, "walmart");
  EXPECT_EQ(a.freq, "W-FRI");
  EXPECT_EQ(a.data.rows(), 1u);
  EXPECT_EQ(ParseActualsRequest(R"({"dataset": "w", "data": []})", RequestLimits{}, &a, &d).code(),
            StatusCode::kInvalidArgument);
  d = Json::object();
  EXPECT_FALSE(ParseActualsRequest(R"({"batch_id": "", "dataset": "w", "data": []})",
                                   RequestLimits{}, &a, &d)
                   .ok());
  EXPECT_EQ(d["field"], "batch_id");
  d = Json::object();
  EXPECT_FALSE(ParseActualsRequest("{\"batch_id\": \"" + std::string(129, 'x') +
                                       "\", \"dataset\": \"w\", \"data\": []}",
                                   RequestLimits{}, &a, &d)
                   .ok());
  EXPECT_EQ(d["field"], "batch_id");
}

TEST(RequestsTest, InvalidPostedRowsAreNamedByTheirPoint) {
  ForecastRequest r;
  Json d = Json::object();
  ASSERT_TRUE(ParseF(R"({"model": "m", "horizon": 1, "data": [
      {"unique_id": "a", "ds": ["2020-01-01", "2020-01-02", "2020-01-03"], "y": [1, 2, 3]},
      {"unique_id": "b", "ds": ["2020-01-01", "2020-13-45", "2020-01-01"], "y": [1, 2, 3]}]})",
                     &r, &d)
                  .ok());
  Json details = Json::object();
  auto loaded = ReadPosted(r.data, std::nullopt, &details);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kDataError);
  EXPECT_NE(loaded.status().message().find("data[1] (unique_id 'b') point 1"), std::string::npos)
      << loaded.status().message();
  ASSERT_EQ(details["errors"].size(), 2u) << details.dump();
  EXPECT_EQ(details["error_count"], 2);
  EXPECT_EQ(details["errors"][0]["series"], 1);
  EXPECT_EQ(details["errors"][0]["unique_id"], "b");
  EXPECT_EQ(details["errors"][0]["point"], 1);
  EXPECT_EQ(details["errors"][0]["field"], "ds");
  // The duplicate names the earlier point, not a CSV line.
  EXPECT_EQ(details["errors"][1]["point"], 2);
  const std::string reason = details["errors"][1]["reason"];
  EXPECT_NE(reason.find("data[1] (unique_id 'b') point 0"), std::string::npos) << reason;
  EXPECT_EQ(reason.find("line "), std::string::npos) << reason;
}

TEST(RequestsTest, PostedHistoryReadsLikeTheLongCsvReader) {
  Panel p = testing::WeeklyPanel(3, 20);
  Json body = {{"model", "naive"}, {"horizon", 2}, {"data", testing::PanelData(p)}};
  ForecastRequest r;
  Json d = Json::object();
  ASSERT_TRUE(ParseF(body.dump(), &r, &d).ok());
  auto loaded = ReadPosted(r.data, std::nullopt, &d);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->panel.freq() == Frequency::Weekly(Weekday::kFriday));
  ASSERT_EQ(loaded->panel.num_series(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(loaded->panel.id(i), p.id(i));
    EXPECT_EQ(loaded->panel.start(i), p.start(i));
    for (int64_t t = 0; t < p.length(i); ++t) {
      const double a = p.values(i)[static_cast<size_t>(t)];
      const double b = loaded->panel.values(i)[static_cast<size_t>(t)];
      EXPECT_TRUE((std::isnan(a) && std::isnan(b)) || a == b);
    }
  }
}

// ---- Forecast JSON: the stored path's writer gives what the table's rows give

TEST(ForecastJsonTest, WriteFromAForecastEqualsWriteFromItsTableRows) {
  Forecast fc;
  fc.mean = {1.5, 2, std::nan("")};
  fc.levels = {95, 80};
  fc.lower = {{0, 1, 2}, {0.5, 1.5, 2.5}};
  fc.upper = {{3, 4, 5}, {2.5, 3.5, 4.5}};
  PredictRequest req{3, {80, 95, 50}};
  const Date last = Date::FromYmd(2012, 10, 26);
  const Frequency w = Frequency::Weekly(Weekday::kFriday);
  std::string a, b;
  JsonWriter wa(&a), wb(&b);
  ForecastJson(&wa, req.levels).Write("s1", "m", last, w, fc, 3);
  ForecastTable table(req.levels);
  table.AppendForecast("s1", "m", last, w, fc);
  ASSERT_EQ(table.blocks().size(), 1u);
  ForecastJson(&wb, req.levels).WriteBlock(table, table.blocks()[0]);
  EXPECT_EQ(a, b);
  Json j = Json::parse(a);
  EXPECT_EQ(j["ds"], Json({"2012-11-02", "2012-11-09", "2012-11-16"}));
  EXPECT_EQ(j["lo80"], Json({0.5, 1.5, 2.5}));
  EXPECT_EQ(j["hi95"], Json({3, 4, 5}));
  EXPECT_EQ(j["lo50"], Json({nullptr, nullptr, nullptr}));
  EXPECT_TRUE(j["yhat"][2].is_null());
}

// ---- Config

TEST(ConfigTest, EveryKeyIsApplied) {
  ServerOptions o;
  Status s = ApplyConfigJson(R"({
    "store": "/data/rc.db",
    "server": {"host": "0.0.0.0", "port": 9000, "threads": 16, "keep_alive_timeout_s": 2,
               "keep_alive_max_requests": 50, "read_timeout_s": 3, "write_timeout_s": 4,
               "listen_backlog": 64, "shutdown_grace_s": 7},
    "tls": {"cert_file": "c.pem", "key_file": "k.pem"},
    "limits": {"max_body_bytes": 1000, "max_series_per_request": 10,
               "max_points_per_request": 100, "rate_limit_rps": 5.5, "rate_limit_burst": 11},
    "auth": {"server_secret_file": "/run/secret", "key_refresh_s": 0.5},
    "artifacts": {"names": ["a", "b"], "refresh_s": 9, "ready_requires_artifact": false},
    "logging": {"access_log": "/var/log/rc.log", "level": "warn"}})",
                             "test.json", &o);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(o.store_path, "/data/rc.db");
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_EQ(o.port, 9000);
  EXPECT_EQ(o.threads, 16);
  EXPECT_EQ(o.keep_alive_timeout_s, 2);
  EXPECT_EQ(o.keep_alive_max_requests, 50);
  EXPECT_EQ(o.read_timeout_s, 3);
  EXPECT_EQ(o.write_timeout_s, 4);
  EXPECT_EQ(o.listen_backlog, 64);
  EXPECT_EQ(o.shutdown_grace_s, 7);
  EXPECT_EQ(o.tls_cert_file, "c.pem");
  EXPECT_EQ(o.tls_key_file, "k.pem");
  EXPECT_EQ(o.max_body_bytes, 1000u);
  EXPECT_EQ(o.max_series_per_request, 10u);
  EXPECT_EQ(o.max_points_per_request, 100u);
  EXPECT_EQ(o.rate_limit_rps, 5.5);
  EXPECT_EQ(o.rate_limit_burst, 11);
  EXPECT_EQ(o.server_secret_file, "/run/secret");
  EXPECT_EQ(o.key_refresh_s, 0.5);
  EXPECT_EQ(o.artifact_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(o.artifact_refresh_s, 9);
  EXPECT_FALSE(o.ready_requires_artifact);
  EXPECT_EQ(o.access_log, "/var/log/rc.log");
  EXPECT_EQ(o.log_level, "warn");
}

TEST(ConfigTest, UnknownKeysAndWrongTypesAreNamed) {
  struct Case {
    const char* json;
    const char* part;
  };
  for (const Case& c :
       {Case{R"({"serve": {}})", "unknown section 'serve'"},
        Case{R"({"server": {"prot": 1}})", "unknown key 'server.prot'"},
        Case{R"({"server": {"port": "80"}})", "'server.port' must be an integer"},
        Case{R"({"server": {"port": 70000}})", "[0, 65535]"},
        Case{R"({"server": []})", "'server' must be an object"},
        Case{R"({"limits": {"rate_limit_rps": -1}})", "'limits.rate_limit_rps'"},
        Case{R"({"artifacts": {"names": [1]}})", "array of strings"},
        Case{R"({"artifacts": {"ready_requires_artifact": 1}})", "true or false"},
        Case{R"({"store": 5})", "'store' must be a path"}, Case{"{", "not valid JSON"}}) {
    ServerOptions o;
    Status s = ApplyConfigJson(c.json, "cfg.json", &o);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.json;
    EXPECT_NE(s.message().find(c.part), std::string::npos) << c.json << " -> " << s.message();
    EXPECT_NE(s.message().find("cfg.json"), std::string::npos) << s.message();
  }
  ServerOptions o;
  EXPECT_EQ(ApplyConfigFile("/nonexistent/config.json", &o).code(), StatusCode::kNotFound);
}

TEST(ConfigTest, TheShippedDeploymentConfigIsValid) {
  ServerOptions o;
  Status s =
      ApplyConfigFile(std::string(RETAILCAST_SOURCE_DIR) + "/config/deployment_config.json", &o);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

// ---- Routes and the OpenAPI document

TEST(RoutesTest, MatchByMethodAndPath) {
  RouteMatch m = MatchRoute("POST", "/v1/forecast");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->id, RouteId::kForecast);
  EXPECT_EQ(m.route->role, Role::kReader);
  m = MatchRoute("HEAD", "/healthz");
  ASSERT_NE(m.route, nullptr);
  EXPECT_FALSE(m.route->needs_key);
  m = MatchRoute("POST", "/v1/artifacts/17/promote");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->id, RouteId::kPromote);
  EXPECT_EQ(m.id, "17");
  m = MatchRoute("GET", "/v1/forecast");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allow, "POST");
  m = MatchRoute("DELETE", "/metrics");
  EXPECT_EQ(m.allow, "GET, HEAD");
  for (const char* path : {"/v1/forecast/", "/", "", "/v1/artifacts//promote",
                           "/v1/artifacts/1/2/promote", "/v1/artifacts/1/demote"}) {
    m = MatchRoute("POST", path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_TRUE(m.allow.empty()) << path;
  }
}

TEST(RoutesTest, TheOpenApiDocumentCoversEveryRouteAndIsTheDocsFile) {
  Json doc = Json::parse(OpenApiDocument());
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::string> documented;
  for (auto p = doc["paths"].begin(); p != doc["paths"].end(); ++p) {
    for (auto m = p->begin(); m != p->end(); ++m) documented.insert(m.key() + " " + p.key());
  }
  std::set<std::string> routed;
  for (const Route& r : Routes()) {
    std::string method(r.method);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    routed.insert(method + " " + std::string(r.path));
    const Json& op = doc["paths"][std::string(r.path)][method];
    // Routes with a key declare the bearer scheme; the open ones declare none.
    EXPECT_EQ(op["security"].empty(), !r.needs_key) << r.path;
  }
  EXPECT_EQ(documented, routed);
  std::ifstream in(std::string(RETAILCAST_SOURCE_DIR) + "/docs/openapi.json");
  std::stringstream file;
  file << in.rdbuf();
  EXPECT_EQ(file.str(), OpenApiDocument());
}

}  // namespace
}  // namespace retailcast::serve
