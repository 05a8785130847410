// Fit + forecast (80/95 % intervals from 1000 simulated paths) of the additive model on one
// series. Ranges: frequency (weekly, daily) x series length x horizon, for the default model
// and for the options that change the cost: country holidays, a regressor, multiplicative
// seasonality (no Gram matrix), and the grid search (tune=true, 16 x 3 fits). Counters:
// series/s and values/s. Series are level + trend + yearly and weekly cycles + noise, seeded.
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <memory>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "bench_util.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/core/model.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/rng.h"

namespace retailcast::bench {
namespace {

constexpr int kSeries = 16;  // series cycled through

// kSeries series of `length` periods with a "temperature" column, built once per shape.
const Panel& Series(bool weekly, int64_t length) {
  static std::map<std::pair<bool, int64_t>, Panel> cache;
  auto key = std::make_pair(weekly, length);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  const Frequency freq = weekly ? Frequency::Weekly(Weekday::kFriday) : Frequency::Daily();
  Panel panel(freq);
  const size_t temp = Unwrap(panel.AddExogColumn("temperature"), "AddExogColumn");
  const double per_year = weekly ? 52.18 : 365.25;
  for (int s = 0; s < kSeries; ++s) {
    Rng rng(42, "bench" + std::to_string(s));
    std::vector<double> y(static_cast<size_t>(length)), t(y.size());
    for (size_t i = 0; i < y.size(); ++i) {
      const double x = static_cast<double>(i);
      t[i] = 15 + 10 * std::sin(2 * std::numbers::pi * x / per_year) + 2 * rng.Normal();
      y[i] = 1000 + 0.5 * x + 80 * std::sin(2 * std::numbers::pi * x / per_year) +
             (weekly ? 0 : 30 * std::sin(2 * std::numbers::pi * x / 7)) + 4 * t[i] +
             20 * rng.Normal();
    }
    const size_t k =
        panel.AddSeries("s" + std::to_string(s), freq.PeriodOf(Date::FromYmd(2015, 1, 2)), y);
    std::copy(t.begin(), t.end(), panel.mutable_exog(temp, k).begin());
  }
  return cache.emplace(key, std::move(panel)).first->second;
}

void BM_AdditiveFitPredict(benchmark::State& state, bool weekly,
                           std::vector<std::pair<std::string, std::string>> params) {
  const Panel& panel = Series(weekly, state.range(0));
  const auto estimator = Unwrap(BuiltinRegistry().Create("additive", params), "Create additive");
  bool regressor = false;
  for (const auto& [k, v] : params) regressor |= k == "regressors";
  PredictRequest request;
  request.horizon = static_cast<int>(state.range(1));
  request.levels = {80, 95};
  const std::vector<double> future_temp(static_cast<size_t>(request.horizon), 15.0);
  size_t i = 0;
  for (auto _ : state) {
    const SeriesView s = panel.series(i);
    Result<std::unique_ptr<FittedModel>> fitted = estimator->Fit(s);
    if (!fitted.ok()) {
      state.SkipWithError(fitted.status().ToString().c_str());
      break;
    }
    FutureRegressors future{panel.freq().Advance(s.start, static_cast<int64_t>(s.y.size())),
                            panel.freq(),
                            {"temperature"},
                            {future_temp}};
    if (regressor) request.future = &future;
    Result<Forecast> forecast = (*fitted)->Predict(request);
    request.future = nullptr;
    if (!forecast.ok()) {
      state.SkipWithError(forecast.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(forecast->mean.data());
    i = (i + 1) % panel.num_series();
  }
  state.counters["series/s"] = benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["values/s"] = benchmark::Counter(static_cast<double>(state.range(0)),
                                                  benchmark::Counter::kIsIterationInvariantRate);
}

void RegisterAll() {
  struct Variant {
    const char* name;
    std::vector<std::pair<std::string, std::string>> params;
  };
  const std::vector<Variant> variants = {
      {"default", {}},
      {"holidays_US", {{"country", "US"}}},
      {"regressor", {{"regressors", "temperature"}}},
      {"multiplicative", {{"seasonality_mode", "multiplicative"}}},
      {"tune", {{"tune", "true"}}},
  };
  for (const Variant& v : variants) {
    for (bool weekly : {true, false}) {
      const std::string name =
          std::string("BM_AdditiveFitPredict/") + v.name + (weekly ? "/weekly" : "/daily");
      auto* b = benchmark::RegisterBenchmark(name.c_str(), BM_AdditiveFitPredict, weekly, v.params);
      b->ArgNames({"length", "horizon"})->Unit(benchmark::kMillisecond);
      if (weekly) {
        b->ArgsProduct({{130, 260}, {13, 52}});
      } else {
        b->ArgsProduct({{365, 1095, 2920}, {28, 60}});
      }
    }
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
