// Internal to src/global: the machinery the row-based global models (gbm, mlp, lstm) share.
// A row model learns y[t] / scale from the feature pipeline's row of (series, t); a family only
// supplies a LearnerKind (how to train and load one learner on a matrix of rows). The shared
// part selects and samples training rows, holds out the last validation window of every
// series (early stopping, residual quantiles), trains one learner per partition (the whole
// panel, or each value of a store / category attribute) and per direct-strategy group, and
// forecasts every series recursively (step k reads the forecasts of steps 1..k-1 as lags) or
// directly (the group of step k was trained on rows shifted by its last step, so it reads
// observed values only).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "retailcast/core/global_model.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/serialize.h"
#include "retailcast/core/status.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/features/feature_pipeline.h"

namespace retailcast::models {

// The training matrix of one learner. Rows [0, n_fit) are fitted on; rows [n_fit, n) are the
// validation window (may be empty). Targets are on the series' scale (y / scale).
struct LearnSet {
  const float* x = nullptr;  // n x width, row-major; NaN = missing
  size_t n = 0, n_fit = 0, width = 0;
  const float* windows = nullptr;  // n x window scaled target windows (window > 0 only)
  int window = 0;
  const float* y = nullptr;  // n targets
  // n row weights of the loss (null = every row counts once); they average 1 over the rows.
  const float* weight = nullptr;
  std::span<const features::FeatureInfo> features;
};

// One trained model of rows. Predict writes, per row, the point forecast and then the
// quantiles of LearnerKind::native_quantiles() (scaled units).
class Learner {
 public:
  virtual ~Learner() = default;
  // Internal error when the underlying library fails.
  virtual Status Predict(const float* x, const float* windows, size_t n, double* out) const = 0;
  virtual void Save(ByteWriter& out) const = 0;
  // Total split gain per feature (same order as LearnSet::features); empty when not defined.
  virtual std::vector<double> Gains() const { return {}; }
};

class LearnerKind {
 public:
  virtual ~LearnerKind() = default;
  virtual std::string_view name() const = 0;
  // Width of the target window the learner reads on data of frequency `freq` (0: rows only).
  virtual int window(const Frequency& /*freq*/) const { return 0; }
  // Quantiles the learner predicts itself after the point; empty: the row model derives
  // intervals from the learner's validation residuals.
  virtual std::vector<double> native_quantiles() const { return {}; }
  // DataError when the rows cannot train a model (the message says why).
  virtual Result<std::unique_ptr<Learner>> Train(const LearnSet& set, uint64_t seed,
                                                 ThreadPool& pool) const = 0;
  // A learner saved by a learner of this kind trained on rows of `width` features and target
  // windows of `window` values. DataError for corrupt bytes.
  virtual Result<std::unique_ptr<Learner>> Load(ByteReader& in, size_t width, int window) const = 0;
};

enum class Strategy : uint8_t { kRecursive, kDirect };

// How much each series' rows count in the learners' loss. Targets are scaled by each series'
// level, so with equal weights a small series' error of 50 % counts as much as a large one's;
// kVolume weights rows by the series' level, which makes the scaled loss count errors by
// volume, as WRMSSE does (the M5 winners trained LightGBM with such weights).
enum class RowWeights : uint8_t { kEqual, kVolume };

// The parameters every row model has (RowModelTable).
struct RowModelOptions {
  features::FeatureOptions features;
  Strategy strategy = Strategy::kRecursive;
  int direct_horizon = 0;  // 0 = the validation window
  int direct_groups = 1;
  int valid_periods = 0;  // 0 = auto
  int train_window = 0;   // 0 = all history
  // Most training rows; gbm's default (a model with costlier rows gives its own,
  // RowOptionsWithMaxRows).
  int64_t max_rows = 2'000'000;
  std::string partition;                  // attribute; "" = one model
  std::string interval_levels = "80 95";  // percent, space-separated (CheckRowModelOptions)
  std::string non_negative = "auto";
  RowWeights weights = RowWeights::kEqual;
  uint64_t seed = 0;
  int threads = 0;  // learner threads; 0 = the pool's size
};

// RowModelOptions{} with another default max_rows.
inline RowModelOptions RowOptionsWithMaxRows(int64_t max_rows) {
  RowModelOptions o;
  o.max_rows = max_rows;
  return o;
}

// The row-model rows of a model's table: strategy, direct_horizon, direct_groups,
// valid_periods, train_window, max_rows, partition, interval_levels, non_negative, weights,
// seed, threads; then the feature pipeline's (features::FeatureParamTable).
const ParamTable<RowModelOptions>& RowModelTable();
// Checks `options` (features::CheckFeatureOptions, the interval levels) and returns the
// interval levels, each in (0, 100). InvalidArgument naming `model`, the key and the value.
Result<std::vector<double>> CheckRowModelOptions(const RowModelOptions& options,
                                                 std::string_view model);

// Fits `kind` as a global model with `options`.
class RowModelEstimator final : public GlobalEstimator {
 public:
  // `levels`: the interval levels of `options`, as CheckRowModelOptions returned them.
  RowModelEstimator(std::shared_ptr<const LearnerKind> kind, RowModelOptions options,
                    std::vector<double> levels)
      : kind_(std::move(kind)), options_(std::move(options)), levels_(std::move(levels)) {}

  Result<std::unique_ptr<GlobalFittedModel>> Fit(const GlobalTrainingData& data,
                                                 ThreadPool& pool) const override;
  Result<std::unique_ptr<GlobalFittedModel>> Load(ByteReader& in) const override;

 private:
  std::shared_ptr<const LearnerKind> kind_;
  RowModelOptions options_;
  std::vector<double> levels_;
};

// Saved states end with a checksum of their payload (FNV-1a 64 over 8-byte words), so a
// damaged state is a DataError before any of it is parsed (a damaged tree or network could
// otherwise predict garbage or index out of range).
uint64_t StateChecksum(std::string_view bytes);
// Writes tag, version, payload and its checksum.
void WriteCheckedState(ByteWriter& out, std::string_view tag, uint64_t version,
                       std::string_view payload);
// Reads what WriteCheckedState wrote: DataError for another tag or version, truncation,
// trailing bytes of the payload's reader are the caller's to check.
Result<std::string> ReadCheckedState(ByteReader& in, std::string_view tag, uint64_t version);

}  // namespace retailcast::models
