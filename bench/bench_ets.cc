// bench_ets: AutoETS fit + forecast over an M5-size synthetic panel built in memory
// (docs/benchmarks.md, "ETS / AutoETS").
//   bench_ets [STORES] [ITEMS] [DAYS] [THREADS] [MODEL_PARAMS]
// Defaults: 10 stores x 3049 items x 1941 days (30,490 series, as
// `retailcast synth --stores 10 --items 3049 --days 1941 --seed 42`), 2 threads, auto_ets with
// its defaults (MODEL_PARAMS, e.g. "ic=bic", adds parameters). Season 7, horizon 28, 80/95 %
// intervals through eval::ForecastPanel. Prints the panel build time, the fit + forecast wall
// and CPU seconds, series per second, milliseconds per series per core and the process's peak
// resident memory.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast/synth/synth.h"

namespace {

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  namespace rc = retailcast;
  using rc::bench::Unwrap;
  rc::synth::SynthOptions synth;
  synth.stores = argc > 1 ? std::atoi(argv[1]) : 10;
  synth.items_per_store = argc > 2 ? std::atoi(argv[2]) : 3049;
  synth.periods = argc > 3 ? std::atoi(argv[3]) : 1941;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 2;
  const std::string extra = argc > 5 ? argv[5] : "";
  synth.seed = 42;
  synth.states = std::min(3, synth.stores);
  synth.exog = false;
  if (threads < 1) {
    std::fprintf(stderr, "THREADS must be >= 1\n");
    return 2;
  }
  auto t0 = std::chrono::steady_clock::now();
  const rc::Panel panel = Unwrap(rc::synth::Generate(synth), "synth::Generate");
  std::printf("series=%zu values=%zu build_seconds=%.2f\n", panel.num_series(), panel.num_values(),
              rc::bench::SecondsSince(t0));

  const rc::ModelRegistry& registry = rc::BuiltinRegistry();
  auto specs = Unwrap(rc::eval::MakeModelSpecs(registry, "auto_ets", 7), "MakeModelSpecs");
  if (!extra.empty()) {
    auto kv = Unwrap(rc::SplitKeyValues(extra), "SplitKeyValues");
    kv.emplace_back("season_length", "7");
    specs[0].params = Unwrap(
        rc::ParseParams(registry.Find("auto_ets").value()->spec, kv, "auto_ets"), "ParseParams");
  }
  const auto models = Unwrap(rc::eval::InstantiateModels(registry, specs), "InstantiateModels");

  rc::eval::ForecastOptions options;
  options.request.horizon = 28;
  options.request.levels = {80, 95};
  rc::ThreadPool pool(threads);
  const double cpu0 = CpuSeconds();
  t0 = std::chrono::steady_clock::now();
  const rc::eval::ForecastRun run =
      Unwrap(rc::eval::ForecastPanel(panel, models, options, pool), "ForecastPanel");
  const double wall = rc::bench::SecondsSince(t0);
  const double cpu = CpuSeconds() - cpu0;
  const double n = static_cast<double>(panel.num_series());
  std::printf(
      "threads=%d fit_forecast_seconds=%.2f cpu_seconds=%.2f series_per_s=%.0f "
      "ms_per_series_per_core=%.3f rows=%zu errors=%zu peak_rss_mb=%.0f\n",
      pool.size(), wall, cpu, n / wall, 1000.0 * cpu / n, run.table.size(), run.errors.size(),
      static_cast<double>(PeakRssKb()) / 1024.0);
  if (!run.errors.empty()) {
    std::printf("first error: %s\n", run.errors.front().status.ToString().c_str());
  }
  return 0;
}
