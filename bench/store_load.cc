// bench_store_load: the store side of the M5-size benchmark (bench/store_load.sh).
//   bench_store_load ingest FILE.csv STORE [DATASET]
//     reads the long CSV, writes it into a FRESH store file (any old STORE, -wal and -shm are
//     deleted first) with Store::IngestPanel, and prints read and ingest seconds.
//   bench_store_load load STORE [DATASET] [REPEAT]
//     opens the store and times Store::LoadPanel REPEAT times (default 3) in this process;
//     prints each time, their median, and Panel::memory_bytes of the loaded panel.
// Output lines are key=value for the script to parse. DATASET defaults to "m5".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "bench_util.h"
#include "retailcast/io/long_csv.h"
#include "retailcast/store/store.h"

namespace retailcast::bench {
namespace {

int Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s ingest FILE.csv STORE [DATASET]\n"
               "       %s load STORE [DATASET] [REPEAT]\n",
               argv0, argv0);
  return 2;
}

int Ingest(const std::string& csv, const std::string& store_path, const std::string& dataset) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(store_path + suffix, ec);
  }
  auto t0 = std::chrono::steady_clock::now();
  io::LoadedPanel loaded = Unwrap(io::ReadLongCsv(csv, io::LongCsvOptions{}), "ReadLongCsv");
  const double read_s = SecondsSince(t0);
  std::unique_ptr<store::Store> db = Unwrap(store::Store::Open(store_path), "Store::Open");
  t0 = std::chrono::steady_clock::now();
  const store::IngestSummary summary =
      Unwrap(db->IngestPanel(dataset, loaded.panel, csv, ""), "IngestPanel");
  const double ingest_s = SecondsSince(t0);
  db.reset();
  const auto store_bytes = std::filesystem::file_size(store_path, ec);
  std::printf(
      "series=%zu values=%zu read_seconds=%.3f ingest_seconds=%.3f observations_inserted=%lld "
      "store_bytes=%llu value_sum=%.17g\n",
      loaded.panel.num_series(), loaded.panel.num_values(), read_s, ingest_s,
      static_cast<long long>(summary.observations_inserted),
      static_cast<unsigned long long>(ec ? 0 : store_bytes), ValueSum(loaded.panel));
  return 0;
}

int Load(const std::string& store_path, const std::string& dataset, int repeat) {
  std::unique_ptr<store::Store> db = Unwrap(store::Store::Open(store_path), "Store::Open");
  std::vector<double> times;
  size_t series = 0, values = 0, bytes = 0;
  double sum = 0;
  for (int r = 0; r < repeat; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    Result<Panel> panel = db->LoadPanel(dataset);
    const double s = SecondsSince(t0);
    if (!panel.ok()) {
      std::fprintf(stderr, "%s\n", panel.status().ToString().c_str());
      return 1;
    }
    times.push_back(s);
    series = panel->num_series();
    values = panel->num_values();
    bytes = panel->memory_bytes();
    sum = ValueSum(*panel);
    std::printf("load_run=%d seconds=%.3f\n", r + 1, s);
  }
  std::printf("series=%zu values=%zu load_median_seconds=%.3f panel_bytes=%zu value_sum=%.17g\n",
              series, values, Median(times), bytes, sum);
  return 0;
}

}  // namespace
}  // namespace retailcast::bench

int main(int argc, char** argv) {
  using retailcast::bench::Usage;
  if (argc < 3) return Usage(argv[0]);
  const std::string mode = argv[1];
  if (mode == "ingest" && (argc == 4 || argc == 5)) {
    return retailcast::bench::Ingest(argv[2], argv[3], argc == 5 ? argv[4] : "m5");
  }
  if (mode == "load" && argc >= 3 && argc <= 5) {
    const int repeat = argc == 5 ? std::atoi(argv[4]) : 3;
    if (repeat < 1) return Usage(argv[0]);
    return retailcast::bench::Load(argv[2], argc >= 4 ? argv[3] : "m5", repeat);
  }
  return Usage(argv[0]);
}
