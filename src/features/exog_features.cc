// Other exogenous columns (weather, fuel price, CPI, promotion and markdown columns, event
// flags...) enter as they are at the row's date, x_<column>: they are regressors whose
// future values are known (or forecast) when the model forecasts, as in a dynamic regression
// (FPP3 chapter 10). A missing value stays missing (trees route it; networks see 0).
#include "families.h"

namespace retailcast::features::internal {

void ExogNames(const FeatureConfig& config, std::vector<FeatureInfo>* out) {
  for (const auto& c : config.exog) out->push_back({"x_" + c, FeatureFamily::kExog});
}

void ComputeExog(const RowBatch& b, size_t col) {
  for (size_t k = 0; k < b.config.exog.size(); ++k) {
    const int input = b.layout.exog[k];
    for (size_t r = 0; r < b.positions.size(); ++r) {
      b.at(r, col + k) = ToFeature(b.Input(input, b.positions[r]));
    }
  }
}

}  // namespace retailcast::features::internal
