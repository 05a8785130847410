// eval::ScoreSeries (every point, interval and quantile metric of one series' forecast) and
// eval::Aggregate over many scored series. Ranges: training length x horizon; series count.
// Counters: series/s and test points/s.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <span>
#include <vector>

#include "bench_util.h"
#include "retailcast/eval/metrics.h"

namespace retailcast::bench {
namespace {

constexpr int kSeries = 64;

// A seasonal-naive-like forecast with symmetric 80 and 95 % bands around it.
Forecast MakeForecast(std::span<const double> train, int horizon) {
  Forecast f;
  f.levels = {80, 95};
  f.lower.assign(2, std::vector<double>(static_cast<size_t>(horizon)));
  f.upper.assign(2, std::vector<double>(static_cast<size_t>(horizon)));
  for (int t = 0; t < horizon; ++t) {
    const double m = train[train.size() - 7 + static_cast<size_t>(t % 7)];
    f.mean.push_back(m);
    for (size_t l = 0; l < 2; ++l) {
      const double half = l == 0 ? 1.28 : 1.96;
      f.lower[l][static_cast<size_t>(t)] = std::max(0.0, m - half * 1.5);
      f.upper[l][static_cast<size_t>(t)] = m + half * 1.5;
    }
  }
  return f;
}

void BM_ScoreSeries(benchmark::State& state) {
  const int64_t train_length = state.range(0);
  const int horizon = static_cast<int>(state.range(1));
  const Panel panel = MakePanel(kSeries, train_length + horizon);
  std::vector<Forecast> forecasts;
  std::vector<eval::ScoreInput> inputs;
  forecasts.reserve(kSeries);
  for (size_t i = 0; i < panel.num_series(); ++i) {
    std::span<const double> y = panel.values(i);
    std::span<const double> train = y.first(static_cast<size_t>(train_length));
    forecasts.push_back(MakeForecast(train, horizon));
  }
  for (size_t i = 0; i < panel.num_series(); ++i) {
    std::span<const double> y = panel.values(i);
    eval::ScoreInput in;
    in.train = y.first(static_cast<size_t>(train_length));
    in.actual = y.subspan(static_cast<size_t>(train_length));
    in.forecast = &forecasts[i];
    inputs.push_back(in);
  }
  size_t i = 0;
  for (auto _ : state) {
    Result<eval::SeriesMetrics> m = eval::ScoreSeries(inputs[i], 7);
    if (!m.ok()) {
      state.SkipWithError(m.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(m->mase);
    i = (i + 1) % inputs.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["series/s"] = benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["points/s"] = benchmark::Counter(static_cast<double>(horizon),
                                                  benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ScoreSeries)
    ->ArgNames({"train", "horizon"})
    ->ArgsProduct({{56, 365, 1941}, {7, 28}})
    ->Unit(benchmark::kMicrosecond);

void BM_Aggregate(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  const Panel panel = MakePanel(kSeries, 365 + 28);
  std::vector<eval::SeriesMetrics> scored;
  scored.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::span<const double> y = panel.values(i % panel.num_series());
    const Forecast f = MakeForecast(y.first(365), 28);
    eval::ScoreInput in;
    in.train = y.first(365);
    in.actual = y.subspan(365);
    in.forecast = &f;
    scored.push_back(Unwrap(eval::ScoreSeries(in, 7), "ScoreSeries"));
  }
  for (auto _ : state) {
    Result<eval::AggregateMetrics> agg = eval::Aggregate(scored);
    if (!agg.ok()) {
      state.SkipWithError(agg.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(agg->mase);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_Aggregate)->ArgNames({"series"})->Arg(1000)->Arg(30490)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace retailcast::bench

BENCHMARK_MAIN();
