// Classical seasonal decomposition by moving averages, as R's stats::decompose (R 4.2.2):
// the building block of the theta family's seasonal adjustment, usable by any model that
// needs seasonal indices. Private to src/models. Pure functions; thread-safe.
#pragma once

#include <span>
#include <vector>

#include "retailcast/core/status.h"

namespace retailcast::models {

enum class DecompositionType { kAdditive, kMultiplicative };

struct ClassicalDecomposition {
  DecompositionType type = DecompositionType::kAdditive;
  int period = 0;
  // trend[t]: centred moving average of order `period` (a 2 x m MA when m is even); NaN for
  // the first and last floor(m / 2) periods and wherever the window holds a missing value.
  std::vector<double> trend;
  // figure[j]: the seasonal index of season position j = t mod m (position 0 is the first
  // period of the series): the mean over the series of y / trend (multiplicative) or
  // y - trend (additive), skipping NaN, then normalised to mean 1 (multiplicative) or mean 0
  // (additive). All NaN when some position has no usable value (as R).
  std::vector<double> figure;
  // seasonal[t] = figure[t mod m]; random[t] = y / seasonal / trend (or y - seasonal - trend).
  std::vector<double> seasonal;
  std::vector<double> random;
};

// R's decompose(ts(y, frequency = period), type). Requires period >= 2 and at least
// 2 * period observed (non-NaN) values; InvalidArgument otherwise (the caller names the
// series). NaN values are kept: they give NaN trend windows and are skipped by the means.
// Sums and means are taken in R's order (filter's convolution order, mean's long double
// pass), so the indices agree with R to the last bits on complete series.
Result<ClassicalDecomposition> ClassicalDecompose(std::span<const double> y, int period,
                                                  DecompositionType type);

}  // namespace retailcast::models
