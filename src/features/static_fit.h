// Internal to src/features: what fitting the static features (attribute codes and target
// encodings, static_features.cc) takes from the pipeline's pass over the training rows, and
// what it gives back.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "retailcast/core/panel.h"
#include "retailcast/features/feature_pipeline.h"

namespace retailcast::features::internal {

// Per series i and season key q (series x keys, row-major): the sum and count of the scaled
// target over the series' encoding rows; in_training[i] when the series has any.
struct EncodingSums {
  std::vector<double> sum, count;
  std::vector<bool> in_training;
};

struct StaticState {
  std::vector<std::vector<std::string>> vocab;    // per attribute, code = position
  std::vector<int32_t> codes;                     // series x attributes; -1 = unseen
  std::vector<float> te_pos;                      // series x keys
  std::vector<std::vector<float>> te_attr_pos;    // per attribute: codes x keys
  std::vector<std::vector<float>> te_attr_level;  // per attribute: codes
};

// Builds codes and encodings; `level` is every series' level (> 0).
void FitEncodings(const FeatureConfig& config, const Panel& panel, const EncodingSums& sums,
                  std::span<const double> level, StaticState* out);

}  // namespace retailcast::features::internal
