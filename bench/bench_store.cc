// store::Store::LoadPanel of a dataset ingested once (setup) into a fresh SQLite file in the
// temporary directory, for a few panel sizes (series count x 1,941 days, the M5 length),
// plus IngestPanel of the same panels into a fresh store. Counters: values/s and the loaded
// panel's memory. The full M5-size figure is bench/store_load.sh.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <system_error>

#include <unistd.h>

#include "bench_util.h"
#include "retailcast/store/store.h"

namespace retailcast::bench {
namespace {

constexpr int64_t kLength = 1941;

std::filesystem::path TempStorePath(const std::string& tag) {
  return std::filesystem::temp_directory_path() /
         ("retailcast-bench-store-" + std::to_string(getpid()) + "-" + tag + ".sqlite");
}

void RemoveStore(const std::filesystem::path& path) {
  std::error_code ec;  // absent files are fine
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path.string() + suffix, ec);
  }
}

// One store per size, filled on first use and deleted at exit.
struct StoreFixture {
  std::filesystem::path path;
  std::unique_ptr<store::Store> db;
  int64_t values = 0;
  ~StoreFixture() {
    db.reset();
    RemoveStore(path);
  }
};

StoreFixture& Fixture(int series) {
  static std::map<int, StoreFixture> cache;
  auto [it, inserted] = cache.try_emplace(series);
  StoreFixture& f = it->second;
  if (inserted) {
    f.path = TempStorePath("load-" + std::to_string(series));
    RemoveStore(f.path);
    f.db = Unwrap(store::Store::Open(f.path.string()), "Store::Open");
    const Panel panel = MakePanel(series, kLength);
    f.values = static_cast<int64_t>(panel.num_values());
    Unwrap(f.db->IngestPanel("bench", panel, "synth", ""), "IngestPanel");
  }
  return f;
}

void BM_LoadPanel(benchmark::State& state) {
  StoreFixture& f = Fixture(static_cast<int>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    Result<Panel> panel = f.db->LoadPanel("bench");
    if (!panel.ok()) {
      state.SkipWithError(panel.status().ToString().c_str());
      break;
    }
    bytes = panel->memory_bytes();
    benchmark::DoNotOptimize(panel->data().data());
  }
  state.counters["values/s"] = benchmark::Counter(static_cast<double>(f.values),
                                                  benchmark::Counter::kIsIterationInvariantRate);
  state.counters["panel_MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_LoadPanel)
    ->ArgNames({"series"})
    ->Arg(100)
    ->Arg(1000)
    ->Arg(5000)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

void BM_IngestPanel(benchmark::State& state) {
  const Panel panel = MakePanel(static_cast<int>(state.range(0)), kLength);
  const std::filesystem::path path = TempStorePath("ingest");
  for (auto _ : state) {
    state.PauseTiming();
    RemoveStore(path);
    std::unique_ptr<store::Store> db = Unwrap(store::Store::Open(path.string()), "Store::Open");
    state.ResumeTiming();
    Result<store::IngestSummary> summary = db->IngestPanel("bench", panel, "synth", "");
    if (!summary.ok()) {
      state.SkipWithError(summary.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(summary->observations_inserted);
  }
  RemoveStore(path);
  state.counters["values/s"] = benchmark::Counter(static_cast<double>(panel.num_values()),
                                                  benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_IngestPanel)
    ->ArgNames({"series"})
    ->Arg(100)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace retailcast::bench

BENCHMARK_MAIN();
