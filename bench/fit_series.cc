// bench_fit_series: per-series fit + predict time of registered models on a long CSV, on one
// thread, measured like the peers' timing files (R's per-series proc.time() around fit and
// forecast): the CSV is read once, untimed; then, per model, each series is fitted and
// predicted (horizon H, 80/95 % intervals) REPEAT times and the fastest pass over all series
// is kept (the least disturbed by other jobs on a shared machine).
//   bench_fit_series CSV H M MODELS [REPEAT]
// Prints, per model: series fitted, series that failed, total seconds of the fastest pass
// and milliseconds per series. Used by bench/theta_vs_r.sh.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast/io/long_csv.h"

int main(int argc, char** argv) {
  namespace rc = retailcast;
  using rc::bench::Unwrap;
  if (argc < 5 || argc > 6) {
    std::fprintf(stderr, "usage: %s CSV HORIZON SEASON MODELS [REPEAT]\n", argv[0]);
    return 2;
  }
  const int horizon = std::atoi(argv[2]);
  const int season = std::atoi(argv[3]);
  const int repeat = argc == 6 ? std::atoi(argv[5]) : 3;
  if (horizon < 1 || season < 0 || repeat < 1) {
    std::fprintf(stderr, "HORIZON and REPEAT must be >= 1, SEASON >= 0\n");
    return 2;
  }
  const rc::Panel panel =
      Unwrap(rc::io::ReadLongCsv(argv[1], rc::io::LongCsvOptions{}), "ReadLongCsv").panel;
  const rc::ModelRegistry& registry = rc::BuiltinRegistry();
  const auto models = Unwrap(
      rc::eval::InstantiateModels(
          registry, Unwrap(rc::eval::MakeModelSpecs(registry, argv[4], season), "MakeModelSpecs")),
      "InstantiateModels");
  rc::PredictRequest request;
  request.horizon = horizon;
  request.levels = {80, 95};
  std::printf("series=%zu values=%zu horizon=%d season=%d repeat=%d\n", panel.num_series(),
              panel.num_values(), horizon, season, repeat);
  for (const auto& model : models) {
    double best = 1e300;
    size_t fitted = 0, failed = 0;
    double checksum = 0;
    for (int r = 0; r < repeat; ++r) {
      fitted = failed = 0;
      checksum = 0;
      const auto t0 = std::chrono::steady_clock::now();
      for (size_t i = 0; i < panel.num_series(); ++i) {
        auto fit = model.estimator->Fit(panel.series(i));
        if (!fit.ok()) {
          ++failed;
          continue;
        }
        auto fc = (*fit)->Predict(request);
        if (!fc.ok()) {
          ++failed;
          continue;
        }
        checksum += fc->mean.back();
        ++fitted;
      }
      best = std::min(best, rc::bench::SecondsSince(t0));
    }
    std::printf("model=%s fitted=%zu failed=%zu seconds=%.6f ms_per_series=%.4f checksum=%.6g\n",
                model.spec.label.c_str(), fitted, failed, best,
                1e3 * best / static_cast<double>(std::max<size_t>(1, panel.num_series())),
                checksum);
  }
  return 0;
}
