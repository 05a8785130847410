// bench_features_m5: times the global models' feature pipeline (feature_pipeline.h) on a
// synthetic M5-like panel (bench/features_vs_pandas.sh compares it with pandas).
//   bench_features_m5 STORES ITEMS DAYS [THREADS] [REPEAT] [CSV]
// Generates STORES x ITEMS daily series of DAYS days (no exogenous columns, no late starters;
// with CSV also writes the panel there as a long CSV for the pandas side), then REPEAT times
// (default 3) fits the pipeline and computes the feature row of every (series, day) after the
// first day on THREADS threads (default 2): lags 1-7 14 21 28; rolling mean, std, min, max over
// 7, 28 and 56 days; day of week, day of month, month, ISO week, day of year, weekend; the
// series' log level; no expanding statistics, paydays, encodings or scaling, so both sides
// compute the same 29 columns (bench/pandas_features.py). Rows are made per series into a reused
// buffer (the whole M5-size matrix would be 59 M x 29 floats); their sum is printed so the work
// cannot be skipped.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "bench_util.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/features/feature_pipeline.h"

int main(int argc, char** argv) {
  namespace rc = retailcast;
  using rc::bench::Unwrap;
  if (argc < 4 || argc > 7) {
    std::fprintf(stderr, "usage: %s STORES ITEMS DAYS [THREADS] [REPEAT] [CSV]\n", argv[0]);
    return 2;
  }
  const int stores = std::atoi(argv[1]), items = std::atoi(argv[2]);
  const int64_t days = std::atoll(argv[3]);
  const int threads = argc >= 5 ? std::atoi(argv[4]) : 2;
  const int repeat = argc >= 6 ? std::atoi(argv[5]) : 3;
  if (stores < 1 || items < 1 || days < 2 || threads < 1 || repeat < 1) {
    std::fprintf(stderr, "STORES, ITEMS, THREADS, REPEAT must be >= 1 and DAYS >= 2\n");
    return 2;
  }
  rc::synth::SynthOptions so;
  so.stores = stores;
  so.states = std::min(3, stores);
  so.items_per_store = items;
  so.periods = days;
  so.late_start_share = 0.0;
  so.exog = false;
  so.threads = threads;
  auto t0 = std::chrono::steady_clock::now();
  const rc::Panel panel = Unwrap(rc::synth::Generate(so), "synth::Generate");
  std::printf("series=%zu values=%zu value_sum=%.0f generate_seconds=%.3f\n", panel.num_series(),
              panel.num_values(), rc::bench::ValueSum(panel), rc::bench::SecondsSince(t0));
  if (argc == 7) {
    std::ofstream out(argv[6], std::ios::binary);
    out << rc::bench::LongCsvText(panel);
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", argv[6]);
      return 2;
    }
  }

  rc::features::FeatureOptions fo;
  fo.lags = "1-7 14 21 28";
  fo.windows = "7 28 56";
  fo.rolling_stats = "mean std min max";
  fo.expanding = false;
  fo.paydays = "none";
  fo.event_columns = "none";
  fo.price_column = "none";
  fo.item_attribute = "none";
  fo.exog = "none";
  fo.attributes = "none";
  fo.target_encoding = false;
  fo.scale = false;
  const rc::GlobalTrainingData data{&panel, {}, false};
  const rc::features::FeatureConfig config =
      Unwrap(rc::features::ResolveFeatureConfig(fo, data, "bench"), "ResolveFeatureConfig");
  rc::ThreadPool pool(threads);
  {
    const rc::features::FeaturePipeline p =
        Unwrap(rc::features::FeaturePipeline::Fit(config, data, {}, 0, pool), "Fit");
    std::printf("feature_names=");
    for (const auto& f : p.features()) std::printf("%s ", f.name.c_str());
    std::printf("\n");
  }
  std::vector<double> times;
  for (int r = 0; r < repeat; ++r) {
    t0 = std::chrono::steady_clock::now();
    const rc::features::FeaturePipeline pipeline =
        Unwrap(rc::features::FeaturePipeline::Fit(config, data, {}, 0, pool), "Fit");
    const size_t width = pipeline.num_features();
    std::vector<double> sums(panel.num_series(), 0.0);
    std::vector<size_t> rows(panel.num_series(), 0);
    pool.ParallelFor(panel.num_series(), [&](size_t i) {
      thread_local std::vector<float> buf;
      thread_local std::vector<int64_t> pos;
      const rc::features::SeriesFrame f = pipeline.TrainingFrame(data, i, nullptr);
      pos.clear();
      for (int64_t t = 1; t < static_cast<int64_t>(f.y.size()); ++t) pos.push_back(t);
      buf.resize(pos.size() * width);
      pipeline.Rows(f, pos, 0, buf.data());
      double s = 0;
      for (float v : buf) s += std::isnan(v) ? 0.0 : v;
      sums[i] = s;
      rows[i] = pos.size();
    });
    times.push_back(rc::bench::SecondsSince(t0));
    std::printf("features_run=%d seconds=%.3f rows=%zu features=%zu checksum=%.6e\n", r + 1,
                times.back(), std::accumulate(rows.begin(), rows.end(), size_t{0}), width,
                std::accumulate(sums.begin(), sums.end(), 0.0));
  }
  std::printf("features_median_seconds=%.3f threads=%d\n", rc::bench::Median(times), threads);
  return 0;
}
