// The feature pipeline of the global models: one row of numbers per (series, period), built
// from the series itself (lags, rolling and expanding statistics of the target), its calendar
// (day of week, week of year, month, day of month, paydays), holidays and events (indicators
// and distances to the next and previous one), prices (relative price, price change,
// markdown depth), other exogenous columns (weather, promotions, ...) and static attributes
// (store, dept, category, state codes and target encodings).
//
// The pipeline is declared in a model's parameters (FeatureParamSpec: the same keys in the
// CLI's --params, a config file's "params" and a saved model set), resolved against the
// training panel (FeatureConfig), then fitted (FeaturePipeline::Fit): everything it learns
// (per-series scales, attribute codes, target encodings, mean prices) comes from the training
// rows before each series' `encode_end`, and the fitted pipeline keeps the tail of every series
// it needs at forecast time. Training rows and forecast rows are computed by the same code on a
// SeriesFrame, so a feature has the same value (bit for bit) whether it is computed for
// training or at forecast time from saved state; nothing after a series' training part is read.
//
// Target-derived features of the row of position t read values up to t - 1 - shift: shift 0
// for one-step (recursive) models, shift k - 1 for a direct model of step k. Every
// target-derived value is divided by the series' scale (mean absolute value of its recent
// training values), so series of different sizes share one model.
//
// Thread-safety: a fitted pipeline is immutable; Rows, TargetWindows and frame construction may
// run concurrently on different frames. A SeriesFrame is used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/global_model.h"
#include "retailcast/core/model.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/params.h"
#include "retailcast/core/serialize.h"
#include "retailcast/core/status.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/features/events.h"

namespace retailcast::features {

enum class RollingStat : uint8_t { kMean, kStd, kMin, kMax };

// The feature families, in the order of their columns.
enum class FeatureFamily : uint8_t {
  kLag,        // lag_<l>
  kRolling,    // roll_<stat>_<w>
  kExpanding,  // exp_mean, exp_std, exp_zero_share, since_nonzero, age
  kCalendar,   // dow, dom, month, woy, doy, weekend, payday, days_to_payday, ...
  kEvent,      // event, event_code, days_to_event, days_since_event, <column>_to_next, ...
  kPrice,      // price, price_rel, price_rel_item, price_change, price_disc, on_sale
  kExog,       // x_<column>
  kStatic,     // log_scale, te_pos, attr_<a>, te_<a>_pos, te_<a>_level
};
std::string_view FeatureFamilyName(FeatureFamily family);

struct FeatureInfo {
  std::string name;
  FeatureFamily family = FeatureFamily::kLag;
  bool categorical = false;  // an integer code (tree models split it as a category)
};

// The parameters of the pipeline as a model declares them (text forms; "auto" values are
// resolved against the training panel by ResolveFeatureConfig).
struct FeatureOptions {
  std::string lags = "auto";     // "1-7 14 28", "none", "auto"
  std::string windows = "auto";  // rolling windows, same syntax
  std::string rolling_stats = "mean std min max";
  bool expanding = true;
  bool calendar = true;
  std::string paydays = "1 15 last";    // days of the month; "last" = the month's last day
  std::string holidays;                 // country code (holidays.h); "" = none
  std::string events_file;              // events file (events.h), read when the model is fitted
  std::string event_columns = "auto";   // "auto" = every exogenous 0/1 column
  int event_range = 0;                  // 0 = auto
  std::string price_column = "auto";    // "auto" = sell_price / price / unit_price if present
  std::string item_attribute = "auto";  // "auto" = item_id if present
  int price_window = 0;                 // 0 = auto
  std::string exog = "auto";            // "auto" = every exogenous column but the price
  std::string attributes = "auto";      // "auto" = every attribute
  bool target_encoding = true;
  bool scale = true;
  int scale_window = 0;  // 0 = auto (about a year)
};

// The pipeline's parameters as a table over FeatureOptions (param_table.h), nested into each
// global model's table.
const ParamTable<FeatureOptions>& FeatureParamTable();
// Checks the syntax of the lists of `options` (lags, windows, rolling_stats, paydays) and the
// holiday country, so a typo fails when a model is built, not when it is fitted.
// InvalidArgument naming `model`, the key, the value and the expected form.
Status CheckFeatureOptions(const FeatureOptions& options, std::string_view model);

// What the pipeline computes, resolved against a training panel; saved with a fitted model.
struct FeatureConfig {
  Frequency freq;
  std::vector<int> lags;  // each >= 1, ascending
  std::vector<int> windows;
  std::vector<RollingStat> stats;
  bool expanding = true;
  bool calendar = true;
  std::vector<int> paydays;   // 1..31, -1 = last day of the month
  std::string holidays;       // country code or ""
  std::vector<Event> events;  // user events (read from events_file)
  std::vector<std::string> event_columns;
  int event_range = 1;         // distances are capped at this many periods
  std::string price_column;    // "" = no price features
  std::string item_attribute;  // "" = no item-relative price
  int price_window = 1;
  std::vector<std::string> exog;
  std::vector<std::string> attributes;
  bool target_encoding = true;
  bool scale = true;
  int scale_window = 1;

  // The exogenous columns the pipeline reads: the price column, the event columns, then the
  // exog columns, each once.
  std::vector<std::string> Inputs() const;
  // How many earlier periods a row reads (lags, windows, price history, event look-back).
  int Lookback() const;
};

// Resolves "auto" values and checks the options against the training data (only training
// parts are read): the named exogenous columns and attributes must exist (InvalidArgument
// listing those that do), the events file must read (its errors). `model` names the caller in
// messages.
Result<FeatureConfig> ResolveFeatureConfig(const FeatureOptions& options,
                                           const GlobalTrainingData& data, std::string_view model);

// Holiday and event days over a date range, for the event features. Built by
// FeaturePipeline::Calendar; read-only afterwards.
struct EventCalendar {
  Date first, last;           // covered days
  std::vector<Date> days;     // sorted, each day at most once
  std::vector<int32_t> code;  // code[k]: the event of days[k] (index into names)
  std::vector<std::string> names;
};

// A window of one series' timeline that rows are computed on: frame position p is series
// position base + p. Training frames view the panel; forecast frames own their values (the
// saved tail, then one slot per forecast step).
struct SeriesFrame {
  size_t series = 0;  // position in the pipeline's series
  int64_t base = 0;
  Date first;                                   // period stamp of frame position 0
  std::span<const double> y;                    // target on its own scale; NaN = unknown
  std::vector<std::span<const double>> inputs;  // per FeatureConfig::Inputs()
  // Expanding statistics of series positions [0, base).
  double sum = 0, sumsq = 0;
  int64_t count = 0, zeros = 0, last_nonzero = -1;
  const EventCalendar* calendar = nullptr;
  // Owned values of a forecast frame (y and inputs point into them).
  std::vector<double> own_y;
  std::vector<std::vector<double>> own_inputs;
  // Frame position of the first forecast step (forecast frames only).
  int64_t forecast_start = 0;
};

class FeaturePipeline {
 public:
  FeaturePipeline() = default;

  // Learns scales, codes, encodings and mean prices from the rows of series i before
  // encode_end[i] (<= its training length; empty = the whole training part) and keeps the last
  // max(Lookback(), min_lookback) + max_shift values of every series for forecasting (a model
  // reading target windows of w values passes min_lookback = w). DataError when no series has
  // an observed value before its encode_end.
  static Result<FeaturePipeline> Fit(FeatureConfig config, const GlobalTrainingData& data,
                                     std::span<const int64_t> encode_end, int max_shift,
                                     ThreadPool& pool, int min_lookback = 0);

  const FeatureConfig& config() const { return config_; }
  const std::vector<FeatureInfo>& features() const { return features_; }
  size_t num_features() const { return features_.size(); }
  size_t num_series() const { return scale_.size(); }
  double scale(size_t i) const { return scale_[i]; }
  // Series i's recent mean level (mean |y| of its last scale_window training values), > 0;
  // the scale when scaling is on.
  double level(size_t i) const { return level_[i]; }
  int max_shift() const { return max_shift_; }
  // Training length of series i when fitted.
  int64_t train_length(size_t i) const { return end_[i]; }
  Date last_date(size_t i) const { return last_date_[i]; }

  // The holiday and event days between `first` and `last` (plus the event range on either
  // side); null-equivalent (no days) when the config has no holidays or events.
  EventCalendar Calendar(Date first, Date last) const;
  // The frame of series i's training part in `data` (the data the pipeline was fitted on).
  SeriesFrame TrainingFrame(const GlobalTrainingData& data, size_t i,
                            const EventCalendar* calendar) const;
  // The forecast frame of series i: its saved tail, then `horizon` unknown steps whose
  // exogenous values come from `future`. InvalidArgument (naming the model, the series and
  // the column) when an input column is absent from `future`; its NaN values are treated as
  // missing features.
  Result<SeriesFrame> ForecastFrame(size_t i, int horizon, const FutureRegressors* future,
                                    const EventCalendar* calendar, std::string_view model,
                                    std::string_view series_id) const;
  // Records the forecast of frame position p (for the target-derived features of later rows).
  static void SetTarget(SeriesFrame* frame, int64_t p, double value) { frame->own_y[p] = value; }

  // The feature rows of frame positions `positions` (ascending) with the given shift
  // (0 <= shift <= max_shift()), row-major into out[positions.size() x num_features()];
  // NaN marks a missing value.
  void Rows(const SeriesFrame& frame, std::span<const int64_t> positions, int shift,
            float* out) const;
  // The scaled target values y[t - shift - width .. t - shift - 1] of every position t,
  // row-major into out[positions.size() x width] (NaN where unknown or before the start).
  void TargetWindows(const SeriesFrame& frame, std::span<const int64_t> positions, int shift,
                     int width, float* out) const;

  void Save(ByteWriter& out) const;
  // DataError for truncated or inconsistent bytes.
  static Result<FeaturePipeline> Load(ByteReader& in);

 private:
  void BuildFeatureList();

  FeatureConfig config_;
  int max_shift_ = 0;
  std::vector<FeatureInfo> features_;
  std::array<size_t, 9> family_col_{};  // first column of each family (and the end)
  // Per series.
  std::vector<double> scale_, level_;
  std::vector<int64_t> end_;
  std::vector<Date> last_date_;
  std::vector<double> price_mean_, item_price_mean_;
  std::vector<int32_t> codes_;  // series x attributes
  std::vector<float> te_pos_;   // series x season keys
  // Per attribute: the values seen in training (code = position), encodings per code.
  std::vector<std::vector<std::string>> vocab_;
  std::vector<std::vector<float>> te_attr_pos_;    // codes x season keys
  std::vector<std::vector<float>> te_attr_level_;  // codes
  // Forecast tails: series i's tail starts at series position tail_base_[i]; its values are
  // tail_y_[tail_offset_[i] ..] and, per input k, tail_inputs_[k][tail_offset_[i] ..].
  std::vector<int64_t> tail_base_;
  std::vector<uint64_t> tail_offset_;
  std::vector<double> tail_y_;
  std::vector<std::vector<double>> tail_inputs_;
  std::vector<double> tail_sum_, tail_sumsq_;
  std::vector<int64_t> tail_count_, tail_zeros_, tail_last_nonzero_;
};

// Number of season keys (day of week, ISO week, month, quarter) of a frequency, and the key
// of a period stamp (0-based), used by the target encodings.
int SeasonKeyCount(const Frequency& freq);
int SeasonKey(Date stamp, const Frequency& freq);

}  // namespace retailcast::features
