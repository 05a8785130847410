// The ARIMA family: auto_arima and a fixed-order arima (fit + 2-season forecast with 80/95 %
// intervals) over season length x series length, and the two likelihood evaluations the fits
// repeat hundreds of times (Chandrasekhar recursions on the differenced series, Kalman filter
// on the levels). Counters: series/s or evaluations/s.
//
// Series: level 100, trend 0.2, sine season of amplitude 20 and AR(1) noise (phi 0.5, sd 5),
// drawn from Rng so every run measures the same data.
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <memory>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "bench_util.h"
#include "models/arima/arima_core.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/rng.h"

namespace retailcast::bench {
namespace {

constexpr int kSeries = 8;  // distinct series cycled through

std::vector<double> MakeSeries(int m, int64_t length, int k) {
  Rng rng(7, "arima_" + std::to_string(k));
  std::vector<double> y(static_cast<size_t>(length));
  double noise = 0;
  for (int64_t t = 0; t < length; ++t) {
    noise = 0.5 * noise + 5 * rng.Normal();
    y[t] = 100 + 0.2 * static_cast<double>(t) +
           20 * std::sin(2 * std::numbers::pi * static_cast<double>(t) / m) + noise;
  }
  return y;
}

const std::vector<std::vector<double>>& Data(int m, int64_t length) {
  static std::map<std::pair<int, int64_t>, std::vector<std::vector<double>>> cache;
  auto& v = cache[{m, length}];
  if (v.empty()) {
    for (int k = 0; k < kSeries; ++k) v.push_back(MakeSeries(m, length, k));
  }
  return v;
}

void FitPredict(benchmark::State& state, const std::string& model,
                const std::vector<std::pair<std::string, std::string>>& params) {
  const int m = static_cast<int>(state.range(0));
  const auto& data = Data(m, state.range(1));
  auto est = Unwrap(BuiltinRegistry().Create(model, params), "Create");
  const PredictRequest request{2 * m, {80, 95}};
  size_t i = 0;
  for (auto _ : state) {
    const SeriesView s{"s", Date::FromYmd(2010, 1, 1), Frequency::Monthly(), data[i]};
    auto fit = est->Fit(s);
    if (!fit.ok()) {
      state.SkipWithError(fit.status().ToString().c_str());
      break;
    }
    auto fc = (*fit)->Predict(request);
    benchmark::DoNotOptimize(fc);
    i = (i + 1) % data.size();
  }
  state.counters["series/s"] = benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_AutoArima(benchmark::State& state) {
  FitPredict(state, "auto_arima", {{"season_length", std::to_string(state.range(0))}});
}
BENCHMARK(BM_AutoArima)
    ->ArgNames({"m", "length"})
    ->Args({12, 60})
    ->Args({12, 144})
    ->Args({12, 480})
    ->Args({52, 130})
    ->Args({52, 260})
    ->Unit(benchmark::kMillisecond);

void BM_ArimaAirline(benchmark::State& state) {
  FitPredict(state, "arima",
             {{"d", "1"},
              {"q", "1"},
              {"D", "1"},
              {"Q", "1"},
              {"season_length", std::to_string(state.range(0))}});
}
BENCHMARK(BM_ArimaAirline)
    ->ArgNames({"m", "length"})
    ->Args({12, 60})
    ->Args({12, 144})
    ->Args({12, 480})
    ->Args({52, 130})
    ->Unit(benchmark::kMillisecond);

// One likelihood evaluation of ARIMA(2,1,1)(1,1,1)[m].
void Likelihood(benchmark::State& state, bool chandrasekhar) {
  const int m = static_cast<int>(state.range(0));
  const std::vector<double>& y = Data(m, state.range(1))[0];
  const models::arima::ArimaOrder order{2, 1, 1, 1, 1, 1, m};
  std::vector<double> phi, theta;
  models::arima::ExpandArma(order, std::vector<double>{0.3, -0.1, -0.4, 0.2, -0.5}, &phi, &theta);
  const std::vector<double> delta = models::arima::DifferencingPolynomial(1, 1, m);
  std::vector<double> w;
  for (size_t t = static_cast<size_t>(m) + 1; t < y.size(); ++t) {
    w.push_back(y[t] - y[t - 1] - y[t - m] + y[t - m - 1]);
  }
  const models::arima::ArimaStateSpace ss(phi, theta, delta);
  std::vector<double> work, a, p;
  for (auto _ : state) {
    if (chandrasekhar) {
      benchmark::DoNotOptimize(models::arima::ArmaLikelihood(phi, theta, w, &work));
    } else {
      benchmark::DoNotOptimize(ss.Filter(y, 1e6, &a, &p, {}));
    }
  }
  state.counters["evals/s"] = benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
}
void BM_LikelihoodChandrasekhar(benchmark::State& state) { Likelihood(state, true); }
void BM_LikelihoodKalman(benchmark::State& state) { Likelihood(state, false); }
BENCHMARK(BM_LikelihoodChandrasekhar)
    ->ArgNames({"m", "length"})
    ->Args({12, 60})
    ->Args({12, 480})
    ->Args({52, 130})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_LikelihoodKalman)
    ->ArgNames({"m", "length"})
    ->Args({12, 60})
    ->Args({12, 480})
    ->Args({52, 130})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace retailcast::bench

BENCHMARK_MAIN();
