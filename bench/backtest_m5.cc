// bench_backtest_m5: times eval::RunBacktest of the baselines over a stored dataset
// (bench/backtest_m5.sh).
//   bench_backtest_m5 STORE [DATASET] [THREADS] [REPEAT]
// Loads DATASET (default "m5") with Store::LoadPanel (timed apart), then runs the backtest
// REPEAT times (default 3) with naive, snaive, mean, drift, window_average; 3 windows x 28
// days, step 28, season 7, refit at every cutoff, 80/95 % intervals, on a pool of THREADS
// threads (default 2). Prints each run's seconds, the median, and the rates:
// rows/s = panel values (input rows) per second, fits/s = (series, window, model) per second.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/eval/backtest.h"
#include "retailcast/store/store.h"

int main(int argc, char** argv) {
  namespace rc = retailcast;
  using rc::bench::Unwrap;
  if (argc < 2 || argc > 5) {
    std::fprintf(stderr, "usage: %s STORE [DATASET] [THREADS] [REPEAT]\n", argv[0]);
    return 2;
  }
  const std::string dataset = argc >= 3 ? argv[2] : "m5";
  const int threads = argc >= 4 ? std::atoi(argv[3]) : 2;
  const int repeat = argc >= 5 ? std::atoi(argv[4]) : 3;
  if (threads < 1 || repeat < 1) {
    std::fprintf(stderr, "THREADS and REPEAT must be >= 1\n");
    return 2;
  }
  auto db = Unwrap(rc::store::Store::Open(argv[1]), "Store::Open");
  auto t0 = std::chrono::steady_clock::now();
  const rc::Panel panel = Unwrap(db->LoadPanel(dataset), "LoadPanel");
  std::printf("series=%zu values=%zu load_seconds=%.3f\n", panel.num_series(), panel.num_values(),
              rc::bench::SecondsSince(t0));

  const rc::ModelRegistry& registry = rc::BuiltinRegistry();
  const auto models = Unwrap(
      rc::eval::InstantiateModels(
          registry,
          Unwrap(rc::eval::MakeModelSpecs(registry, "naive,snaive,mean,drift,window_average", 7),
                 "MakeModelSpecs")),
      "InstantiateModels");
  rc::eval::BacktestOptions options;
  options.horizon = 28;
  options.windows = 3;
  options.step = 28;
  options.season_length = 7;
  rc::ThreadPool pool(threads);
  std::vector<double> times;
  rc::eval::BacktestResult last;
  for (int r = 0; r < repeat; ++r) {
    t0 = std::chrono::steady_clock::now();
    last = Unwrap(rc::eval::RunBacktest(panel, models, options, pool), "RunBacktest");
    times.push_back(rc::bench::SecondsSince(t0));
    std::printf("backtest_run=%d seconds=%.3f\n", r + 1, times.back());
  }
  const double median = rc::bench::Median(times);
  const double fits = static_cast<double>(panel.num_series()) * options.windows *
                      static_cast<double>(models.size());
  std::printf(
      "threads=%d records=%zu skipped=%zu errors=%zu backtest_median_seconds=%.3f "
      "rows_per_s=%.0f fits_per_s=%.0f series_per_s=%.0f\n",
      pool.size(), last.records.size(), last.skipped.size(), last.errors.size(), median,
      static_cast<double>(panel.num_values()) / median, fits / median,
      static_cast<double>(panel.num_series()) / median);
  std::printf("%s\n", rc::eval::FormatBacktestTable(last).c_str());
  return 0;
}
