// Helpers shared by the benchmark programs: synthetic panels, their long-CSV text, a
// die-on-error unwrap (a benchmark cannot go on without its input), a wall clock and a median.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"
#include "retailcast/synth/synth.h"

namespace retailcast::bench {

// Aborts with the status when a setup step fails: a benchmark without its input measures
// nothing, and a silent fallback would record a wrong figure.
inline void CheckOk(const Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "benchmark setup failed: %s: %s\n", what, status.ToString().c_str());
    std::exit(2);
  }
}
template <typename T>
T Unwrap(Result<T> result, const char* what) {
  CheckOk(result.status(), what);
  return std::move(result).value();
}

// An M5-like synthetic panel of `series` daily series of exactly `length` days (no late
// starters, no exogenous columns), deterministic for a given seed.
inline Panel MakePanel(int series, int64_t length, uint64_t seed = 42, int threads = 1) {
  synth::SynthOptions o;
  o.stores = 1;
  o.states = 1;
  o.items_per_store = series;
  o.periods = length;
  o.seed = seed;
  o.late_start_share = 0.0;
  o.exog = false;
  o.threads = threads;
  return Unwrap(synth::Generate(o), "synth::Generate");
}

// The panel as a long CSV `unique_id,ds,y`, grouped by series and sorted by date (the
// layout `retailcast synth` writes). Values are integers (unit sales), printed as such.
inline std::string LongCsvText(const Panel& panel) {
  std::string out = "unique_id,ds,y\n";
  char buf[32];
  for (size_t i = 0; i < panel.num_series(); ++i) {
    const std::string id(panel.id(i));
    Date d = panel.start(i);
    for (double v : panel.values(i)) {
      out += id;
      out += ',';
      out += d.ToString();
      out += ',';
      if (v == v) {
        const int n = std::snprintf(buf, sizeof buf, "%.17g", v);
        out.append(buf, static_cast<size_t>(n));
      }
      out += '\n';
      d = panel.freq().Advance(d, 1);
    }
  }
  return out;
}

// Sum of the panel's non-NaN values, printed by the end-to-end programs so the scripts can
// check that both sides of a comparison read the same data (exact for unit sales: integer
// sums stay far below 2^53).
inline double ValueSum(const Panel& panel) {
  double sum = 0;
  for (double v : panel.data()) {
    if (v == v) sum += v;
  }
  return sum;
}

inline double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Median of a non-empty sample (mean of the two middle values for an even count).
inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace retailcast::bench
