// bench_arima_series: times fit + forecast of one model per series, single-threaded, as R's
// peer script times auto.arima (bench/arima_vs_r.sh compares the two per series).
//   bench_arima_series TRAIN.csv SEASON HORIZON TIMING.csv [MODEL] [REPEAT]
// TRAIN.csv is a long CSV unique_id,ds,y (the peers' split train.csv). For every series the
// model (default auto_arima, season_length = SEASON) is fitted and forecasts HORIZON steps
// with 80 and 95 % intervals, REPEAT times (default 3); the fastest run's CPU seconds of this
// thread are written as unique_id,model,seconds (the peers' timing format). Prints the totals.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/core/model.h"
#include "retailcast/core/registry.h"
#include "retailcast/io/long_csv.h"

namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  namespace rc = retailcast;
  using rc::bench::Unwrap;
  if (argc < 5 || argc > 7) {
    std::fprintf(stderr, "usage: %s TRAIN.csv SEASON HORIZON TIMING.csv [MODEL] [REPEAT]\n",
                 argv[0]);
    return 2;
  }
  const std::string season = argv[2];
  const int horizon = std::atoi(argv[3]);
  const std::string model = argc >= 6 ? argv[5] : "auto_arima";
  const int repeat = argc >= 7 ? std::atoi(argv[6]) : 3;
  if (horizon < 1 || repeat < 1) {
    std::fprintf(stderr, "HORIZON and REPEAT must be >= 1\n");
    return 2;
  }
  const rc::io::LoadedPanel loaded =
      Unwrap(rc::io::ReadLongCsv(argv[1], rc::io::LongCsvOptions{}), "ReadLongCsv");
  const rc::Panel& panel = loaded.panel;
  auto est = Unwrap(rc::BuiltinRegistry().Create(model, {{"season_length", season}}), "Create");
  std::ofstream out(argv[4]);
  out << "unique_id,model,seconds\n";
  double total = 0;
  int failed = 0;
  for (size_t i = 0; i < panel.num_series(); ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (int r = 0; r < repeat; ++r) {
      const double t0 = ThreadCpuSeconds();
      auto fit = est->Fit(panel.series(i));
      bool ok = fit.ok();
      if (ok) ok = (*fit)->Predict(rc::PredictRequest{horizon, {80, 95}}).ok();
      best = std::min(best, ThreadCpuSeconds() - t0);
      if (!ok) {
        ++failed;
        break;
      }
    }
    total += best;
    out << panel.id(i) << "," << model << "," << best << "\n";
  }
  std::printf("series=%zu failed=%d cpu_seconds=%.4f ms_per_series=%.3f\n", panel.num_series(),
              failed, total, 1000.0 * total / static_cast<double>(panel.num_series()));
  return failed == 0 ? 0 : 1;
}
