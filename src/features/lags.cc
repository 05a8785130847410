// Lag features: lag_<l> = y[t - shift - l] / scale, the value l periods before the row's
// latest usable value (Hyndman & Athanasopoulos, FPP3 section 7.4, lagged predictors; the
// M5 winners' lag features, Makridakis, Spiliotis & Assimakopoulos 2022).
#include "families.h"

namespace retailcast::features::internal {

void LagNames(const FeatureConfig& config, std::vector<FeatureInfo>* out) {
  for (int l : config.lags) out->push_back({"lag_" + std::to_string(l), FeatureFamily::kLag});
}

void ComputeLags(const RowBatch& b, size_t col) {
  const auto& y = b.frame.y;
  const int64_t n = static_cast<int64_t>(y.size());
  const double inv = 1.0 / b.values.scale;
  for (size_t r = 0; r < b.positions.size(); ++r) {
    const int64_t e = b.positions[r] - b.shift;
    for (size_t k = 0; k < b.config.lags.size(); ++k) {
      const int64_t p = e - b.config.lags[k];
      b.at(r, col + k) = p >= 0 && p < n ? ToFeature(y[static_cast<size_t>(p)] * inv) : kMissing;
    }
  }
}

}  // namespace retailcast::features::internal
