// bench_ingest_file FILE: reads a long CSV (unique_id,ds,y) into a Panel with io::ReadLongCsv
// (default options: frequency inferred, errors fail the read) and prints one line of
// key=value figures: series, values, rows, seconds, MB/s, rows/s, panel_bytes. Used by
// bench/ingest_vs_pandas.sh under /usr/bin/time -v (which adds the peak RSS).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

#include "bench_util.h"
#include "retailcast/io/long_csv.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE.csv\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  std::error_code ec;
  const auto file_bytes = std::filesystem::file_size(path, ec);
  if (ec) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), ec.message().c_str());
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  retailcast::Result<retailcast::io::LoadedPanel> loaded =
      retailcast::io::ReadLongCsv(path, retailcast::io::LongCsvOptions{});
  const double seconds = retailcast::bench::SecondsSince(t0);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
    return 1;
  }
  const retailcast::Panel& panel = loaded->panel;
  const auto rows = loaded->report.rows_accepted;
  std::printf(
      "series=%zu values=%zu rows=%lld seconds=%.3f MB_per_s=%.1f rows_per_s=%.0f "
      "panel_bytes=%zu value_sum=%.17g\n",
      panel.num_series(), panel.num_values(), static_cast<long long>(rows), seconds,
      static_cast<double>(file_bytes) / 1e6 / seconds, static_cast<double>(rows) / seconds,
      panel.memory_bytes(), retailcast::bench::ValueSum(panel));
  return 0;
}
