// Price features from the price column (a known-in-advance regressor: the retailer sets it):
// price, price_rel = price / the series' mean training price, price_rel_item = price / the
// item's mean training price over all its stores (how this store prices the item), price_change
// = price / price one week (daily data) or one period earlier - 1, price_disc = 1 - price / the
// highest price of the last price_window periods (markdown depth) and on_sale = 1 when that
// depth exceeds 5 %. These are the M5 winners' price features (sell_price, its ratios to the
// item's mean and maximum, momentum; Makridakis, Spiliotis & Assimakopoulos 2022, section 4).
#include <algorithm>
#include <cmath>

#include "families.h"

namespace retailcast::features::internal {
namespace {

// Markdown depth above which a period counts as on sale: typical retail price rounding and
// loyalty-card noise stay below it.
constexpr double kSaleDepth = 0.05;

}  // namespace

void PriceNames(const FeatureConfig& config, std::vector<FeatureInfo>* out) {
  if (config.price_column.empty()) return;
  out->push_back({"price", FeatureFamily::kPrice});
  out->push_back({"price_rel", FeatureFamily::kPrice});
  if (!config.item_attribute.empty()) out->push_back({"price_rel_item", FeatureFamily::kPrice});
  out->push_back({"price_change", FeatureFamily::kPrice});
  out->push_back({"price_disc", FeatureFamily::kPrice});
  out->push_back({"on_sale", FeatureFamily::kPrice});
}

void ComputePrice(const RowBatch& b, size_t col) {
  const FeatureConfig& config = b.config;
  if (config.price_column.empty()) return;
  const int k = b.layout.price;
  const int change_lag = config.freq.unit == FrequencyUnit::kDay ? 7 : 1;
  for (size_t r = 0; r < b.positions.size(); ++r) {
    const int64_t t = b.positions[r];
    const double p = b.Input(k, t);
    size_t c = col;
    b.at(r, c++) = ToFeature(p);
    b.at(r, c++) = ToFeature(p / b.values.price_mean);
    if (!config.item_attribute.empty()) b.at(r, c++) = ToFeature(p / b.values.item_price_mean);
    b.at(r, c++) = ToFeature(p / b.Input(k, t - change_lag) - 1);
    double top = NAN;
    for (int64_t q = t - config.price_window; q <= t; ++q) {
      const double v = b.Input(k, q);
      if (!std::isnan(v)) top = std::isnan(top) ? v : std::max(top, v);
    }
    const double disc = top > 0 ? 1 - p / top : NAN;
    b.at(r, c++) = ToFeature(disc);
    b.at(r, c++) = std::isnan(disc) ? kMissing : (disc > kSaleDepth ? 1.0f : 0.0f);
  }
}

}  // namespace retailcast::features::internal
