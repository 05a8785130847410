// The service's per-request work without the HTTP library: writing one forecast as JSON,
// parsing a stored-series request, and Service::Handle of a stored forecast for 1 and 1,000
// series of an artifact of 1,000 daily snaive fits (h = 28, 80/95 % intervals). Counters:
// series-forecasts/s. End-to-end figures over HTTP with wrk are bench/serve_bench.sh.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "bench_util.h"
#include "forecast_json.h"
#include "requests.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/model_set.h"
#include "service.h"

namespace retailcast::bench {
namespace {

constexpr int kHorizon = 28;

struct ServiceFixture {
  std::filesystem::path dir;
  std::unique_ptr<serve::Logs> logs;
  std::unique_ptr<serve::Service> service;
  std::string key;
  std::vector<std::string> ids;

  ServiceFixture() {
    dir = std::filesystem::temp_directory_path() /
          ("retailcast-bench-serve-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "serve.db").string();
    auto db = Unwrap(store::Store::Open(path), "open store");
    Panel panel = MakePanel(1000, 365);
    for (size_t i = 0; i < panel.num_series(); ++i) ids.emplace_back(panel.id(i));
    auto specs = Unwrap(eval::MakeModelSpecs(BuiltinRegistry(), "snaive", 7), "specs");
    auto models = Unwrap(eval::InstantiateModels(BuiltinRegistry(), specs), "models");
    ThreadPool pool(1);
    auto set = Unwrap(eval::Train(panel, models, {}, pool), "train");
    store::ArtifactRecord r;
    r.name = "bench";
    r.dataset = "bench";
    r.n_series = static_cast<int64_t>(panel.num_series());
    r.state = set.Serialize();
    r.promoted = true;
    Unwrap(db->SaveArtifact(r), "save artifact");
    const std::string secret = "bench-secret-bench-secret-bench-secret";
    key = Unwrap(serve::IssueApiKey(*db, serve::Role::kReader, "bench", secret), "key").key;
    db.reset();
    logs = Unwrap(serve::Logs::Create("", serve::LogLevel::kOff), "logs");
    serve::ServerOptions o;
    o.store_path = path;
    o.server_secret = secret;
    service = Unwrap(serve::Service::Create(o, logs.get()), "service");
  }
  ~ServiceFixture() {
    service.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string Body(size_t n) const {
    std::string body = "{\"series\":[";
    for (size_t i = 0; i < n; ++i) body += (i > 0 ? ",\"" : "\"") + ids[i % ids.size()] + "\"";
    return body + "],\"horizon\":" + std::to_string(kHorizon) + ",\"levels\":[80,95]}";
  }
};

ServiceFixture& Fixture() {
  static ServiceFixture fixture;
  return fixture;
}

void BM_ForecastJsonWrite(benchmark::State& state) {
  Forecast fc;
  for (int t = 0; t < kHorizon; ++t) fc.mean.push_back(12.5 + t * 0.37);
  fc.levels = {80, 95};
  fc.lower = {fc.mean, fc.mean};
  fc.upper = {fc.mean, fc.mean};
  for (auto& v : fc.lower[0]) v -= 3.3;
  for (auto& v : fc.upper[1]) v += 6.1;
  const Date last = Date::FromYmd(2016, 5, 22);
  std::string out;
  for (auto _ : state) {
    out.clear();
    retailcast::JsonWriter w(&out);
    serve::ForecastJson fj(&w, fc.levels);
    fj.Write("FOODS_3_090_CA_1", "snaive", last, Frequency::Daily(), fc, kHorizon);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["series_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ForecastJsonWrite);

// One stored-series body through ParseForecastRequest (the one-pass reader takes it), and
// through the JSON-document parser it used for every request before that reader.
template <auto Parse>
void BM_ParseStored(benchmark::State& state) {
  const std::string body = R"({"series": ["FOODS_3_090_CA_1"], "horizon": 28, "levels": [80, 95]})";
  for (auto _ : state) {
    serve::ForecastRequest r;
    nlohmann::json details;
    benchmark::DoNotOptimize(Parse(body, serve::RequestLimits{}, &r, &details).ok());
  }
}
BENCHMARK(BM_ParseStored<serve::ParseForecastRequest>)->Name("BM_ParseStoredRequest");
BENCHMARK(BM_ParseStored<serve::ParseForecastRequestJson>)->Name("BM_ParseStoredRequestJson");

void BM_HandleStoredForecast(benchmark::State& state) {
  ServiceFixture& f = Fixture();
  const std::string body = f.Body(static_cast<size_t>(state.range(0)));
  const std::string auth = "Bearer " + f.key;
  serve::ApiRequest req{"POST", "/v1/forecast", auth, "application/json", body};
  for (auto _ : state) {
    serve::RequestInfo info;
    serve::ApiResponse r = f.service->Handle(req, &info);
    if (r.status != 200) {
      state.SkipWithError(r.body.c_str());
      break;
    }
    benchmark::DoNotOptimize(r.body.data());
  }
  state.counters["series_forecasts_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HandleStoredForecast)->ArgName("series")->Arg(1)->Arg(1000)->UseRealTime();

}  // namespace
}  // namespace retailcast::bench

BENCHMARK_MAIN();
