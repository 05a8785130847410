// Rolling-window and expanding statistics of the target, over the values before the row's
// shift: roll_<stat>_<w> over y[t - shift - w .. t - shift - 1] (observed values only; NaN
// when none is), and the expanding mean, standard deviation and share of zeros over every
// earlier value, the periods since the last non-zero value (Croston's inter-demand interval,
// Croston 1972) and the series' age (periods since its start, which tells a new item from an
// old one). Standard deviations are population ones (divisor n). Values are summed in time
// order, from the series start, on every path, so a training row and the same row rebuilt at
// forecast time from saved accumulators agree bit for bit.
#include <algorithm>
#include <cmath>

#include "families.h"

namespace retailcast::features::internal {

namespace {

const char* StatName(RollingStat s) {
  switch (s) {
    case RollingStat::kMean:
      return "mean";
    case RollingStat::kStd:
      return "std";
    case RollingStat::kMin:
      return "min";
    case RollingStat::kMax:
      return "max";
  }
  return "?";
}

}  // namespace

void RollingNames(const FeatureConfig& config, std::vector<FeatureInfo>* out) {
  for (int w : config.windows) {
    for (RollingStat s : config.stats) {
      out->push_back(
          {std::string("roll_") + StatName(s) + "_" + std::to_string(w), FeatureFamily::kRolling});
    }
  }
}

void ComputeRolling(const RowBatch& b, size_t col) {
  const auto& y = b.frame.y;
  const int64_t n = static_cast<int64_t>(y.size());
  const double inv = 1.0 / b.values.scale;
  const size_t n_stats = b.config.stats.size();
  for (size_t r = 0; r < b.positions.size(); ++r) {
    const int64_t e = std::min(b.positions[r] - b.shift, n);
    for (size_t k = 0; k < b.config.windows.size(); ++k) {
      const int64_t w = b.config.windows[k];
      double sum = 0, sumsq = 0, lo = INFINITY, hi = -INFINITY;
      int64_t count = 0;
      for (int64_t p = std::max<int64_t>(0, e - w); p < e; ++p) {
        const double v = y[static_cast<size_t>(p)];
        if (std::isnan(v)) continue;
        sum += v;
        sumsq += v * v;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        ++count;
      }
      for (size_t s = 0; s < n_stats; ++s) {
        float& out = b.at(r, col + k * n_stats + s);
        if (count == 0) {
          out = kMissing;
          continue;
        }
        const double mean = sum / static_cast<double>(count);
        switch (b.config.stats[s]) {
          case RollingStat::kMean:
            out = ToFeature(mean * inv);
            break;
          case RollingStat::kStd:
            out = ToFeature(
                std::sqrt(std::max(0.0, sumsq / static_cast<double>(count) - mean * mean)) * inv);
            break;
          case RollingStat::kMin:
            out = ToFeature(lo * inv);
            break;
          case RollingStat::kMax:
            out = ToFeature(hi * inv);
            break;
        }
      }
    }
  }
}

void ExpandingNames(const FeatureConfig& config, std::vector<FeatureInfo>* out) {
  if (!config.expanding) return;
  for (const char* name : {"exp_mean", "exp_std", "exp_zero_share", "since_nonzero", "age"}) {
    out->push_back({name, FeatureFamily::kExpanding});
  }
}

void ComputeExpanding(const RowBatch& b, size_t col) {
  if (!b.config.expanding) return;
  const SeriesFrame& f = b.frame;
  const int64_t n = static_cast<int64_t>(f.y.size());
  const double inv = 1.0 / b.values.scale;
  double sum = f.sum, sumsq = f.sumsq;
  int64_t count = f.count, zeros = f.zeros, last_nonzero = f.last_nonzero;
  int64_t done = 0;  // frame values added so far
  for (size_t r = 0; r < b.positions.size(); ++r) {
    const int64_t e = std::clamp<int64_t>(b.positions[r] - b.shift, 0, n);
    for (; done < e; ++done) {
      const double v = f.y[static_cast<size_t>(done)];
      if (std::isnan(v)) continue;
      sum += v;
      sumsq += v * v;
      ++count;
      if (v == 0) {
        ++zeros;
      } else {
        last_nonzero = f.base + done;
      }
    }
    const double c = static_cast<double>(count);
    const double mean = count > 0 ? sum / c : NAN;
    b.at(r, col) = ToFeature(mean * inv);
    b.at(r, col + 1) =
        count > 0 ? ToFeature(std::sqrt(std::max(0.0, sumsq / c - mean * mean)) * inv) : kMissing;
    b.at(r, col + 2) = count > 0 ? ToFeature(static_cast<double>(zeros) / c) : kMissing;
    b.at(r, col + 3) = last_nonzero >= 0
                           ? ToFeature(static_cast<double>(f.base + e - 1 - last_nonzero))
                           : kMissing;
    b.at(r, col + 4) = ToFeature(static_cast<double>(f.base + e));
  }
}

}  // namespace retailcast::features::internal
