// Random-walk baselines: naive, seasonal naive (snaive) and random walk with drift.
//
// Source: Hyndman & Athanasopoulos, "Forecasting: Principles and Practice" (3rd ed.),
// section 5.2 (the methods) and section 5.5 table 5.2 (h-step standard deviations), as
// implemented by R package forecast 8.20, functions lagwalk() and forecast.lagwalk() (used
// by rwf() and snaive()). This file reproduces those functions exactly, so point forecasts
// and intervals agree with R to rounding:
//
//   fits      = y with each missing y[t] (t > lag) replaced by fits[t - lag]
//   fitted[t] = fits[t - lag] (+ b with drift); NaN for the first `lag` periods
//   residual  = y - fitted
//   drift b, se(b), sigma: the intercept, its standard error and the residual standard
//     error of the regression of (y - fitted) on a constant over the non-missing
//     differences (lm(y - fitted ~ 1)); b = mean, sigma = sd, se(b) = sigma / sqrt(k)
//   forecast  yhat[h] = fits[T - lag + ((h - 1) mod lag)] + s_h * b,
//             s_h = floor((h - 1) / lag) + 1 (the number of full seasons ahead)
//   mse       = sum(residual^2) / (k - [b != 0]),  k = number of non-missing residuals
//   se[h]     = sqrt(mse * s_h + (s_h * se(b))^2); bounds yhat -/+ z * se, z = qnorm.
// naive is lag 1 without drift (se = sigma sqrt(h)); snaive is lag m without drift
// (se = sigma sqrt(floor((h-1)/m) + 1)); drift is lag 1 with drift
// (se = sigma sqrt(h + h^2 / k), k = T - 1 for a complete series).
//
// Missing values (NaN), following lagwalk's fill rule above:
//   naive:  forecasts the last observed value; a residual after a gap compares y[t] with
//           the last observation before the gap.
//   snaive: for each season position, the most recent observed value at that position.
//   drift:  b is the mean of the non-missing differences y[t] - fits[t-1].
//   sigma always comes from the non-missing residuals only.
// Errors (DataError, naming the series): empty or all-NaN series; fewer than the residuals
// an interval needs (naive and snaive need 1 residual, drift needs 2 differences); snaive on
// a series of at most `season_length` values (no fallback to naive: a seasonal model that is
// silently not seasonal would mislead), or whose last season has a position that was never
// observed.
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/common/model_util.h"
#include "retailcast/models/baselines.h"

namespace retailcast::models {
namespace {

constexpr uint64_t kStateVersion = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Longest season accepted (and the largest lag a saved state may claim).
constexpr int64_t kMaxSeasonLength = 100000;

// What Predict needs; this is exactly what Save writes.
struct LagWalkState {
  int64_t lag = 1;
  std::vector<double> future;  // the last `lag` filled values (fits[T-lag .. T-1])
  double drift = 0;            // b
  double drift_se = 0;         // se(b)
  double mse = 0;              // residual variance used for the intervals
};

class LagWalkFitted final : public FittedModel {
 public:
  LagWalkFitted(std::string_view name, LagWalkState state, InSample in_sample)
      : name_(name), state_(std::move(state)), in_sample_(std::move(in_sample)) {}

  Result<Forecast> Predict(const PredictRequest& request) const override {
    RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
    const auto h = static_cast<size_t>(request.horizon);
    const auto lag = static_cast<size_t>(state_.lag);
    std::vector<double> mean(h), se(h);
    for (size_t i = 0; i < h; ++i) {
      const double steps = static_cast<double>(i / lag + 1);
      mean[i] = state_.future[i % lag] + steps * state_.drift;
      const double b_part = steps * state_.drift_se;
      se[i] = std::sqrt(state_.mse * steps + b_part * b_part);
    }
    return NormalIntervalForecast(std::move(mean), se, request.levels);
  }

  const InSample& in_sample() const override { return in_sample_; }

  void Save(ByteWriter& out) const override {
    WriteStateHeader(out, name_, kStateVersion);
    out.PutI64(state_.lag);
    out.PutDoubles(state_.future);
    out.PutDouble(state_.drift);
    out.PutDouble(state_.drift_se);
    out.PutDouble(state_.mse);
  }

 private:
  std::string_view name_;
  LagWalkState state_;
  InSample in_sample_;
};

class LagWalkEstimator final : public Estimator {
 public:
  // `season_length` 0 means the frequency's default; only read when `seasonal`.
  LagWalkEstimator(std::string_view name, bool seasonal, int64_t season_length, bool drift)
      : name_(name), seasonal_(seasonal), season_length_(season_length), drift_(drift) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    RETAILCAST_RETURN_IF_ERROR(RequireObservations(series, name_));
    const std::string context = SeriesContext(name_, series.id);
    int64_t lag = 1;
    if (seasonal_) {
      RETAILCAST_ASSIGN_OR_RETURN(lag, ResolveSeasonLength(season_length_, series, name_));
    }
    const std::span<const double> y = series.y;
    const size_t n = y.size();
    const auto ulag = static_cast<size_t>(lag);
    if (seasonal_ && n <= ulag) {
      return Status::DataError(context + "the series has " + std::to_string(n) +
                               " values but a seasonal naive forecast with season_length " +
                               std::to_string(lag) + " needs at least " + std::to_string(lag + 1) +
                               " (one full season plus one value to estimate the interval); "
                               "use a shorter season_length or the 'naive' model");
    }

    // lagwalk's fill: a missing value takes the filled value one lag earlier.
    std::vector<double> fits(y.begin(), y.end());
    for (size_t t = ulag; t < n; ++t) {
      if (std::isnan(fits[t])) fits[t] = fits[t - ulag];
    }
    InSample in_sample;
    in_sample.fitted.assign(n, kNaN);
    for (size_t t = ulag; t < n; ++t) in_sample.fitted[t] = fits[t - ulag];

    LagWalkState state;
    state.lag = lag;
    size_t k = 0;  // non-missing residuals (or differences)
    if (drift_) {
      // lm(y - fitted ~ 1): intercept = mean, residual sd, se = sd / sqrt(k).
      double sum = 0;
      for (size_t t = 0; t < n; ++t) {
        const double d = y[t] - in_sample.fitted[t];
        if (!std::isnan(d)) {
          sum += d;
          ++k;
        }
      }
      if (k < 2) {
        return Status::DataError(context +
                                 "the drift model needs at least 2 observed "
                                 "period-to-period changes to estimate the drift and its "
                                 "variance; the series has " +
                                 std::to_string(k));
      }
      const double b = sum / static_cast<double>(k);
      double ss = 0;
      for (size_t t = 0; t < n; ++t) {
        const double d = y[t] - in_sample.fitted[t];
        if (!std::isnan(d)) ss += (d - b) * (d - b);
      }
      const double sigma = std::sqrt(ss / static_cast<double>(k - 1));
      state.drift = b;
      state.drift_se = sigma / std::sqrt(static_cast<double>(k));
      for (double& f : in_sample.fitted) f += b;
    }
    in_sample.residuals.resize(n);
    double sum_sq = 0;
    k = 0;
    for (size_t t = 0; t < n; ++t) {
      in_sample.residuals[t] = y[t] - in_sample.fitted[t];
      if (!std::isnan(in_sample.residuals[t])) {
        sum_sq += in_sample.residuals[t] * in_sample.residuals[t];
        ++k;
      }
    }
    if (k == 0) {
      return Status::DataError(
          context + "no observed value has an observed value " + std::to_string(lag) +
          " period(s) earlier, so the residual variance (and the intervals) cannot be "
          "estimated; the series needs more observations");
    }
    // forecast.lagwalk divides by k - 1 only when the drift is non-zero (its degree of
    // freedom test is `drift != 0`); reproduced for agreement with R.
    state.mse = sum_sq / static_cast<double>(k - (state.drift != 0 ? 1 : 0));

    state.future.assign(fits.end() - lag, fits.end());
    for (size_t j = 0; j < ulag; ++j) {
      if (std::isnan(state.future[j])) {
        const size_t position = n - ulag + j;
        return Status::DataError(
            context + "season position " + std::to_string(position % ulag) +
            " (0-based, of season_length " + std::to_string(lag) +
            ") has no observed value in any season, so it has no seasonal naive forecast; "
            "fill the gap or use the 'naive' model");
      }
    }
    return std::unique_ptr<FittedModel>(
        std::make_unique<LagWalkFitted>(name_, std::move(state), std::move(in_sample)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    RETAILCAST_RETURN_IF_ERROR(ReadStateHeader(in, name_, kStateVersion));
    LagWalkState state;
    Status s = in.GetI64(&state.lag);
    if (s.ok()) s = in.GetDoubles(&state.future);
    if (s.ok()) s = in.GetDouble(&state.drift);
    if (s.ok()) s = in.GetDouble(&state.drift_se);
    if (s.ok()) s = in.GetDouble(&state.mse);
    if (!s.ok()) {
      return Status::DataError("saved state of model '" + std::string(name_) +
                               "' is truncated or corrupt");
    }
    RETAILCAST_RETURN_IF_ERROR(RequireAtEnd(in, name_));
    const int64_t max_lag = seasonal_ ? kMaxSeasonLength : 1;
    if (state.lag < 1 || state.lag > max_lag ||
        state.future.size() != static_cast<size_t>(state.lag)) {
      return Status::DataError("saved state of model '" + std::string(name_) +
                               "' is corrupt: lag " + std::to_string(state.lag) + " with " +
                               std::to_string(state.future.size()) + " saved values");
    }
    for (double v : state.future) {
      RETAILCAST_RETURN_IF_ERROR(RequireFinite(v, "last season value", name_));
    }
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(state.drift, "drift", name_));
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(state.drift_se, "drift_se", name_, true));
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(state.mse, "mse", name_, true));
    if (!drift_ && (state.drift != 0 || state.drift_se != 0)) {
      return Status::DataError("saved state of model '" + std::string(name_) +
                               "' is corrupt: it has a drift term");
    }
    return std::unique_ptr<FittedModel>(
        std::make_unique<LagWalkFitted>(name_, std::move(state), InSample{}));
  }

 private:
  std::string_view name_;
  bool seasonal_;
  int64_t season_length_;
  bool drift_;
};

struct SeasonalNaiveParams {
  int64_t season_length = 0;  // 0 = the frequency's default
};

const ParamTable<SeasonalNaiveParams>& SeasonalNaiveTable() {
  static const ParamTable<SeasonalNaiveParams> table = ParamTable<SeasonalNaiveParams>().Int(
      std::string(kSeasonLengthParam), &SeasonalNaiveParams::season_length, 0, kMaxSeasonLength,
      "season length m in periods (52 weekly, 12 monthly, 7 daily); 0 = the frequency's "
      "default");
  return table;
}

}  // namespace

const ParamTableBase& NaiveParamTable() { return EmptyParamTable(); }
const ParamTableBase& DriftParamTable() { return EmptyParamTable(); }
const ParamTableBase& SeasonalNaiveParamTable() { return SeasonalNaiveTable(); }

Result<std::unique_ptr<Estimator>> MakeNaive(const ParamValues& /*params*/) {
  return std::unique_ptr<Estimator>(
      std::make_unique<LagWalkEstimator>(kNaiveName, /*seasonal=*/false, 0, /*drift=*/false));
}

Result<std::unique_ptr<Estimator>> MakeSeasonalNaive(const ParamValues& params) {
  const SeasonalNaiveParams p = SeasonalNaiveTable().Bind(params);
  return std::unique_ptr<Estimator>(std::make_unique<LagWalkEstimator>(
      kSeasonalNaiveName, /*seasonal=*/true, p.season_length, /*drift=*/false));
}

Result<std::unique_ptr<Estimator>> MakeDrift(const ParamValues& /*params*/) {
  return std::unique_ptr<Estimator>(
      std::make_unique<LagWalkEstimator>(kDriftName, /*seasonal=*/false, 0, /*drift=*/true));
}

}  // namespace retailcast::models
