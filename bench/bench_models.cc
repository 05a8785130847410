// Fit + predict of one series for every registered model (season length 7, 80/95 %
// intervals). Ranges: series length x horizon. Counters: series/s (fit+predict per second)
// and values/s (training values consumed per second).
//
// Every model of the registry gets its own benchmark "BM_FitPredict/<model>", so a model
// added to the registry is measured without touching this file.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/eval/forecast_engine.h"

namespace retailcast::bench {
namespace {

constexpr int kSeries = 64;  // series cycled through, so one series' cache state is not all

const Panel& Series(int64_t length) {
  static std::map<int64_t, Panel> cache;
  auto it = cache.find(length);
  if (it == cache.end()) it = cache.emplace(length, MakePanel(kSeries, length)).first;
  return it->second;
}

void BM_FitPredict(benchmark::State& state, const std::string& model) {
  const Panel& panel = Series(state.range(0));
  const ModelRegistry& registry = BuiltinRegistry();
  std::vector<eval::ModelInstance> instances =
      Unwrap(eval::InstantiateModels(
                 registry, Unwrap(eval::MakeModelSpecs(registry, model, 7), "MakeModelSpecs")),
             "InstantiateModels");
  const Estimator& estimator = *instances.front().estimator;
  PredictRequest request;
  request.horizon = static_cast<int>(state.range(1));
  request.levels = {80, 95};
  size_t i = 0;
  for (auto _ : state) {
    Result<std::unique_ptr<FittedModel>> fitted = estimator.Fit(panel.series(i));
    if (!fitted.ok()) {
      state.SkipWithError(fitted.status().ToString().c_str());
      break;
    }
    Result<Forecast> forecast = (*fitted)->Predict(request);
    if (!forecast.ok()) {
      state.SkipWithError(forecast.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(forecast->mean.data());
    i = (i + 1) % panel.num_series();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["series/s"] = benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["values/s"] = benchmark::Counter(static_cast<double>(state.range(0)),
                                                  benchmark::Counter::kIsIterationInvariantRate);
}

void RegisterAll() {
  for (const ModelEntry& entry : BuiltinRegistry().entries()) {
    benchmark::RegisterBenchmark(("BM_FitPredict/" + entry.name).c_str(), BM_FitPredict, entry.name)
        ->ArgNames({"length", "horizon"})
        ->ArgsProduct({{56, 365, 1941}, {7, 28}})
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace
}  // namespace retailcast::bench

int main(int argc, char** argv) {
  retailcast::bench::RegisterAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
