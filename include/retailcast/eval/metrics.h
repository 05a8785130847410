// Forecast accuracy metrics: point (MAE, RMSE, MAPE, sMAPE, MASE, RMSSE, bias), interval
// (coverage, MSIS) and quantile (pinball, SPL) metrics, their per-series scoring and their
// aggregation over series (plain mean; WRMSSE weighted).
//
// The definitions follow ../shared/peers/metrics.py (the reference scorer every engine of
// the benchmark is measured by) so our numbers equal its numbers on the same forecasts; the
// test eval/metrics_reference_test.cc checks that.
//
// Missing values: a test point whose actual is NaN is excluded from every metric of the series
// and counted (SeriesMetrics::n_nan_actual). NaN training values are skipped in the scales
// (a lag difference with a NaN end is left out); without NaN the scales are exactly those of
// metrics.py. Functions on spans require spans of equal length (a caller bug otherwise:
// they abort with a message) and return NaN when no point is left to score.
//
// Thread-safety: every function is pure and may be called concurrently.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/model.h"
#include "retailcast/core/status.h"

namespace retailcast::eval {

// ---------------------------------------------------------------- elementary metrics
// y = actuals, f = forecasts (point or quantile path); points with NaN y are skipped.

// Mean absolute error: mean |y - f|.
double Mae(std::span<const double> y, std::span<const double> f);
// Root mean squared error: sqrt(mean (y - f)^2).
double Rmse(std::span<const double> y, std::span<const double> f);

struct MapeResult {
  double value = 0;             // percent, 100 * mean |y - f| / |y| over points with y != 0
  int64_t n_zero_excluded = 0;  // points left out because y == 0
};
// Mean absolute percentage error (Hyndman & Koehler 2006, sec. 3.2): undefined for y = 0, so
// those points are excluded and counted; NaN when no point is left.
MapeResult Mape(std::span<const double> y, std::span<const double> f);

// Symmetric MAPE as in the M4 competition guide: 200/h * sum |y - f| / (|y| + |f|), in
// [0, 200]; a point with y = f = 0 counts as 0.
double Smape(std::span<const double> y, std::span<const double> f);

struct BiasResult {
  double mean = 0;      // mean (f - y): positive = over-forecasting
  double relative = 0;  // sum (f - y) / sum |y|; NaN when sum |y| = 0
};
// Forecast bias (mean forecast error, sign convention forecast minus actual).
BiasResult Bias(std::span<const double> y, std::span<const double> f);

struct InSampleScale {
  double scale = 0;  // NaN when the training part has fewer than two usable points
  int lag = 1;       // lag actually used: m, or 1 after the fallback
};
// MASE scale (Hyndman & Koehler 2006, eq. 9, seasonal variant): in-sample MAE of the
// seasonal naive forecast with lag m on the training part. Falls back to lag 1 when
// m <= 1, when the training part is shorter than 2m, or when the seasonal scale is 0 —
// exactly insample_scale() of metrics.py.
InSampleScale MaseScale(std::span<const double> train, int m);

struct Naive1Scales {
  double mean_abs = 0;  // mean |y_t - y_{t-1}| (SPL scale)
  double mean_sq = 0;   // mean (y_t - y_{t-1})^2 (RMSSE scale)
};
// M5 competition guide scales: lag-1 differences of the training part (NaN when fewer than
// two points).
Naive1Scales Naive1Scale(std::span<const double> train);

// MASE = MAE / scale (Hyndman & Koehler 2006, eq. 9); NaN when scale is not > 0.
double Mase(std::span<const double> y, std::span<const double> f, double scale);
// RMSSE (M5 guide, eq. 1) = sqrt(mean (y - f)^2 / mean_sq); NaN when mean_sq is not > 0.
double Rmsse(std::span<const double> y, std::span<const double> f, double mean_sq);

// Pinball (quantile) loss for quantile tau in (0, 1): mean over points of
// tau * (y - q) when y >= q, else (1 - tau) * (q - y) (Koenker & Bassett 1978; M5 guide).
double Pinball(std::span<const double> y, std::span<const double> q, double tau);

// Share of points with lo <= y <= hi; NaN when a bound is not finite at a scored point.
double Coverage(std::span<const double> y, std::span<const double> lo, std::span<const double> hi);

// Mean scaled interval score (M4 guide; Gneiting & Raftery 2007) of a level-percent interval,
// alpha = 1 - level/100: mean of (hi - lo) + 2/alpha (lo - y)[y < lo] + 2/alpha (y - hi)[y > hi],
// divided by `scale` (the MASE scale). NaN when a bound is not finite or scale is not > 0.
double Msis(std::span<const double> y, std::span<const double> lo, std::span<const double> hi,
            double level, double scale);

// Scaled pinball loss of the M5 uncertainty track as metrics.py computes it: the mean over the
// quantiles .025 .1 .5 .9 .975 (read from lo95 lo80 mean hi80 hi95) of the pinball loss,
// divided by `scale1` (mean |lag-1 difference| of the training part). NaN when any path is
// not finite at a scored point or scale1 is not > 0.
double Spl(std::span<const double> y, std::span<const double> lo95, std::span<const double> lo80,
           std::span<const double> mean, std::span<const double> hi80, std::span<const double> hi95,
           double scale1);

// WRMSSE weight of a series (M5 guide sec. 4): its revenue sum |y_t| * price_t over the last
// h training points when `price` is given (same length as train), else its volume sum |y_t|.
// Points with NaN y (or NaN price) add nothing.
double WrmsseWeight(std::span<const double> train, std::span<const double> price, int h);

// --------------------------------------------------------------- per-series scoring

// Every metric of one series' forecast over its test window. NaN = not defined (e.g. no
// interval, or a zero scale).
struct SeriesMetrics {
  double mae = 0, rmse = 0, mape = 0, smape = 0, mase = 0, rmsse = 0;
  double bias = 0, rel_bias = 0;
  std::vector<double> levels;    // interval levels of the forecast (percent)
  std::vector<double> coverage;  // coverage[l] for levels[l]
  double msis = 0;               // of the 95 % interval (NaN without one)
  double spl = 0;                // needs the 80 and 95 % intervals (NaN without them)
  double wrmsse_weight = 0;      // see WrmsseWeight
  double mase_scale = 0;         // in-sample scale used by MASE and MSIS
  int mase_lag = 1;
  int64_t n_points = 0;       // test points scored
  int64_t n_nan_actual = 0;   // test points excluded because the actual is NaN
  int64_t n_zero_actual = 0;  // scored points excluded from MAPE because y == 0
};

struct ScoreInput {
  std::span<const double> train;        // training values (scales, weights)
  std::span<const double> train_price;  // optional price per training point (WRMSSE weight)
  std::span<const double> actual;       // test values, NaN = missing
  const Forecast* forecast = nullptr;   // mean (+ intervals) for the same dates as `actual`
};

// Scores one series. InvalidArgument when the forecast is missing, its mean or a bound path
// has a length other than actual's, or train_price is non-empty with a length other than
// train's; DataError (an incomplete forecast, as metrics.py calls it) when the mean is not
// finite at a point whose actual is known; DataError when every actual is NaN.
// `season_length` is m of the MASE scale (>= 1).
Result<SeriesMetrics> ScoreSeries(const ScoreInput& input, int season_length);

// ------------------------------------------------------------------- aggregation

// Means over the series that have a complete forecast, NaN-valued entries left out of each
// mean (as pandas does in metrics.py); WRMSSE weighted by wrmsse_weight over series with a
// finite RMSSE and a positive weight.
struct AggregateMetrics {
  int64_t n_series = 0;
  double mae = 0, rmse = 0, mape = 0, smape = 0, mase = 0, mase_median = 0, rmsse = 0;
  double wrmsse = 0;
  double bias = 0, rel_bias = 0;
  std::vector<double> levels;
  std::vector<double> coverage;
  double msis = 0, spl = 0;
  int64_t n_nan_actual = 0;   // summed over series
  int64_t n_zero_actual = 0;  // summed over series
};

// Requires every element to have the same levels (InvalidArgument otherwise). An empty input
// gives n_series = 0 and NaN metrics.
Result<AggregateMetrics> Aggregate(std::span<const SeriesMetrics> series);

// ------------------------------------------------------------- metrics by name
// Names used in option lists, CSV/JSON columns and tables: "MAE", "RMSE", "MAPE", "sMAPE",
// "MASE", "RMSSE", "bias", "rel_bias", "MSIS", "SPL", "WRMSSE" (aggregates only) and
// "cov<level>" (e.g. "cov80") for each interval level.
std::vector<std::string> MetricNames(std::span<const double> levels);
// Parses "MASE,sMAPE,cov80": InvalidArgument naming the unknown item and listing valid names.
Result<std::vector<std::string>> ParseMetricList(std::string_view text,
                                                 std::span<const double> levels);
// Value of a metric by name; NaN for a name the record does not have (e.g. "WRMSSE" of a
// series, or "cov90" when 90 is not among the levels).
double MetricValue(const SeriesMetrics& m, std::string_view name);
double MetricValue(const AggregateMetrics& m, std::string_view name);
// Whether b is a better value of metric `name` than a: lower for errors, closer to the
// nominal level for coverage, closer to 0 for bias. NaN is never better.
bool MetricBetter(std::string_view name, double b, double a);
// "cov80" for 80, "cov97.5" for 97.5.
std::string CoverageName(double level);

}  // namespace retailcast::eval
