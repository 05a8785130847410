// Long-CSV ingestion throughput: io::ReadLongCsvFromString over an in-memory synthetic file
// (unique_id,ds,y, grouped by series and sorted by date, as `retailcast synth` writes it).
// Ranges: series count x series length. Counters: bytes/s (MB/s) and rows/s.
// The full-file figure (M5 size, from disk) is bench/ingest_vs_pandas.sh.
#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <utility>

#include "bench_util.h"
#include "retailcast/io/long_csv.h"

namespace retailcast::bench {
namespace {

struct CsvInput {
  std::string text;
  int64_t rows = 0;
};

// Built once per (series, length) and kept: generation is not what is measured.
const CsvInput& Input(int series, int64_t length) {
  static std::map<std::pair<int, int64_t>, CsvInput> cache;
  auto [it, inserted] = cache.try_emplace({series, length});
  if (inserted) {
    Panel panel = MakePanel(series, length);
    it->second.text = LongCsvText(panel);
    it->second.rows = static_cast<int64_t>(panel.num_values());
  }
  return it->second;
}

void BM_ReadLongCsv(benchmark::State& state) {
  const CsvInput& in = Input(static_cast<int>(state.range(0)), state.range(1));
  io::LongCsvOptions options;
  options.freq = Frequency::Daily();
  for (auto _ : state) {
    Result<io::LoadedPanel> loaded = io::ReadLongCsvFromString(in.text, "bench.csv", options);
    if (!loaded.ok()) {
      state.SkipWithError(loaded.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(loaded->panel.data().data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(in.text.size()));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(in.rows),
                                                benchmark::Counter::kIsIterationInvariantRate);
  state.counters["MB"] = static_cast<double>(in.text.size()) / 1e6;
}
BENCHMARK(BM_ReadLongCsv)
    ->ArgNames({"series", "length"})
    ->ArgsProduct({{100, 1000}, {365, 1941}})
    ->Unit(benchmark::kMillisecond);

// The same file without a given frequency: the reader infers it from the first rows.
void BM_ReadLongCsvInferFreq(benchmark::State& state) {
  const CsvInput& in = Input(static_cast<int>(state.range(0)), state.range(1));
  const io::LongCsvOptions options;
  for (auto _ : state) {
    Result<io::LoadedPanel> loaded = io::ReadLongCsvFromString(in.text, "bench.csv", options);
    if (!loaded.ok()) {
      state.SkipWithError(loaded.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(loaded->panel.data().data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(in.text.size()));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(in.rows),
                                                benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ReadLongCsvInferFreq)
    ->ArgNames({"series", "length"})
    ->Args({1000, 1941})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace retailcast::bench

BENCHMARK_MAIN();
