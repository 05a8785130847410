// Internal to src/features: the feature families of the pipeline, one file each
// (lags.cc, rolling.cc, calendar.cc, event_features.cc, price_features.cc, exog_features.cc,
// static_features.cc), and what they share. Each family appends its column descriptions
// (XxxNames) and writes its columns of a batch of rows (ComputeXxx) starting at a column
// offset; pipeline.cc strings them together.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "retailcast/features/feature_pipeline.h"

namespace retailcast::features::internal {

inline constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

// Where the families find their exogenous inputs in SeriesFrame::inputs (-1 = absent).
struct InputLayout {
  int price = -1;
  std::vector<int> events;  // per config.event_columns
  std::vector<int> exog;    // per config.exog
};
InputLayout MakeInputLayout(const FeatureConfig& config);

// The per-series values the stateful families read (views into the fitted pipeline).
struct SeriesValues {
  double scale = 1;  // divides every target-derived value (1 without scaling)
  double level = 1;  // mean absolute recent training value (> 0)
  double price_mean = std::numeric_limits<double>::quiet_NaN();
  double item_price_mean = std::numeric_limits<double>::quiet_NaN();
  std::span<const int32_t> codes;  // per attribute; -1 = a value unseen in training
  std::span<const float> te_pos;   // per season key; empty without target encoding
  // Per attribute: the encodings of the series' code (te_attr_pos[a][key], te_attr_level[a]).
  std::vector<std::span<const float>> te_attr_pos;
  std::vector<float> te_attr_level;
};

// One call's rows: frame positions `positions` (ascending); target-derived values of the row
// of position t read frame values before t - shift. Row r's columns are out[r * stride ..].
struct RowBatch {
  const FeatureConfig& config;
  const InputLayout& layout;
  const SeriesFrame& frame;
  const SeriesValues& values;
  std::span<const int64_t> positions;
  int shift = 0;
  float* out = nullptr;
  size_t stride = 0;

  float& at(size_t row, size_t col) const { return out[row * stride + col]; }
  // Period stamp of frame position p.
  Date DateOf(int64_t p) const { return config.freq.Advance(frame.first, p); }
  // Input k at frame position p (NaN outside the frame's values).
  double Input(int k, int64_t p) const {
    if (k < 0) return std::numeric_limits<double>::quiet_NaN();
    std::span<const double> v = frame.inputs[static_cast<size_t>(k)];
    return p >= 0 && p < static_cast<int64_t>(v.size()) ? v[static_cast<size_t>(p)]
                                                        : std::numeric_limits<double>::quiet_NaN();
  }
};

inline float ToFeature(double v) { return std::isnan(v) ? kMissing : static_cast<float>(v); }

void LagNames(const FeatureConfig& config, std::vector<FeatureInfo>* out);
void ComputeLags(const RowBatch& batch, size_t col);

void RollingNames(const FeatureConfig& config, std::vector<FeatureInfo>* out);
void ComputeRolling(const RowBatch& batch, size_t col);
void ExpandingNames(const FeatureConfig& config, std::vector<FeatureInfo>* out);
void ComputeExpanding(const RowBatch& batch, size_t col);

void CalendarNames(const FeatureConfig& config, std::vector<FeatureInfo>* out);
void ComputeCalendar(const RowBatch& batch, size_t col);

void EventNames(const FeatureConfig& config, std::vector<FeatureInfo>* out);
void ComputeEvents(const RowBatch& batch, size_t col);
EventCalendar BuildEventCalendar(const FeatureConfig& config, Date first, Date last);

void PriceNames(const FeatureConfig& config, std::vector<FeatureInfo>* out);
void ComputePrice(const RowBatch& batch, size_t col);

void ExogNames(const FeatureConfig& config, std::vector<FeatureInfo>* out);
void ComputeExog(const RowBatch& batch, size_t col);

void StaticNames(const FeatureConfig& config, std::vector<FeatureInfo>* out);
void ComputeStatic(const RowBatch& batch, size_t col);

// Smoothed mean (an m-estimate: Micci-Barreca 2001, the blend of a category's mean with the
// prior by its count): (sum + k * prior) / (count + k).
inline double SmoothedMean(double sum, double count, double prior, double k) {
  return (sum + k * prior) / (count + k);
}
// Weight k of the prior in the target encodings (as if k more rows had the prior mean).
inline constexpr double kEncodingSmoothing = 10;

}  // namespace retailcast::features::internal
