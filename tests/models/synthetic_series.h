// Seeded synthetic series for the model tests: level + trend + sine season + Gaussian noise,
// drawn from retailcast::Rng so the same seed gives the same series on every platform.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/rng.h"

namespace retailcast::testing {

struct SyntheticOptions {
  double level = 100;
  double trend = 0.2;     // per period
  double amplitude = 20;  // of the seasonal sine
  double noise_sd = 5;
  int season_length = 0;     // 0 = the frequency's default
  double missing_share = 0;  // share of values replaced by NaN (never the last one)
};

// Owns the values; view() points into them, so keep the object alive while fitting.
struct SyntheticSeries {
  std::string id;
  Date start;
  Frequency freq;
  std::vector<double> y;

  SeriesView view() const { return SeriesView{id, start, freq, y}; }
};

inline SyntheticSeries MakeSynthetic(std::string id, Frequency freq, size_t length, uint64_t seed,
                                     const SyntheticOptions& opt = {}) {
  SyntheticSeries s{std::move(id), Date::FromYmd(2015, 1, 1), freq, {}};
  s.start = freq.PeriodOf(s.start);
  const int m = opt.season_length > 0 ? opt.season_length : freq.DefaultSeasonLength();
  Rng rng(seed, s.id);
  s.y.resize(length);
  for (size_t t = 0; t < length; ++t) {
    const double season =
        m > 1 ? opt.amplitude * std::sin(2 * std::numbers::pi * static_cast<double>(t) / m) : 0;
    s.y[t] = opt.level + opt.trend * static_cast<double>(t) + season + opt.noise_sd * rng.Normal();
  }
  for (size_t t = 0; t + 1 < length; ++t) {
    if (rng.Uniform() < opt.missing_share) s.y[t] = std::nan("");
  }
  return s;
}

}  // namespace retailcast::testing
