// eval::RunBacktest of the five baselines (naive, snaive, mean, drift, window_average;
// season 7, 3 windows, refit at every cutoff, 80/95 % intervals) over a synthetic panel of
// 1,941-day series. Ranges: series count x horizon x threads. Counters: series/s and
// fits/s (series x window x model per second). The M5-size figure is bench/backtest_m5.sh.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <vector>

#include "bench_util.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/eval/backtest.h"

namespace retailcast::bench {
namespace {

constexpr int64_t kLength = 1941;
constexpr int kWindows = 3;
constexpr const char* kBaselines = "naive,snaive,mean,drift,window_average";

const Panel& BenchPanel(int series) {
  static std::map<int, Panel> cache;
  auto it = cache.find(series);
  if (it == cache.end()) it = cache.emplace(series, MakePanel(series, kLength)).first;
  return it->second;
}

void BM_BacktestBaselines(benchmark::State& state) {
  const Panel& panel = BenchPanel(static_cast<int>(state.range(0)));
  const ModelRegistry& registry = BuiltinRegistry();
  const std::vector<eval::ModelInstance> models =
      Unwrap(eval::InstantiateModels(
                 registry, Unwrap(eval::MakeModelSpecs(registry, kBaselines, 7), "MakeModelSpecs")),
             "InstantiateModels");
  eval::BacktestOptions options;
  options.horizon = static_cast<int>(state.range(1));
  options.windows = kWindows;
  options.season_length = 7;
  ThreadPool pool(static_cast<int>(state.range(2)));
  for (auto _ : state) {
    Result<eval::BacktestResult> result = eval::RunBacktest(panel, models, options, pool);
    if (!result.ok()) {
      state.SkipWithError(result.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(result->records.data());
  }
  const double series = static_cast<double>(panel.num_series());
  state.counters["series/s"] =
      benchmark::Counter(series, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["fits/s"] =
      benchmark::Counter(series * kWindows * static_cast<double>(models.size()),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BacktestBaselines)
    ->ArgNames({"series", "horizon", "threads"})
    ->ArgsProduct({{100, 1000}, {7, 28}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace retailcast::bench

BENCHMARK_MAIN();
