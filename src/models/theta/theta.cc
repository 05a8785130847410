// theta: the standard Theta method (Assimakopoulos & Nikolopoulos 2000), in the form of
// Hyndman & Billah (2003) (simple exponential smoothing with drift equal to half the slope of
// the linear trend), exactly as R forecast 8.20's thetaf():
//
//   1. seasonality test and multiplicative decomposition (ThetaSeasonalAdjust in
//      theta_common.h): x = y / s when seasonal (s = decompose(y, "multiplicative")$seasonal)
//   2. SES on x with alpha and l_0 optimised by MSE (R's ses(), FitSes in theta_common.h)
//   3. b = half the least-squares slope of x on t = 0..n-1 (lsfit(0:(n-1), x))
//   4. yhat[h] = (l_n + b * (h - 1 + (1 - (1 - alpha)^n) / alpha)) * s[n - m + (h-1) mod m],
//      alpha = max(alpha, 1e-10)
//   5. se[h] = sigma * sqrt((h - 1) alpha^2 + 1), sigma^2 the SES residual variance (on the
//      adjusted scale, not reseasonalised, as R); bounds yhat -/+ qnorm(0.5 + level/200) se.
// In-sample fitted values are R's: the SES one-step forecasts times the seasonal indices (the
// drift is not in them); residuals = y - fitted.
//
// Missing values (NaN; R's thetaf stops at acf()): the seasonality test uses the observed
// pairs, the decomposition skips NaN ratios, SES skips missing periods (the level is carried),
// the slope is fitted on the observed periods (at their true times) and n is the series length.
// Short series: at most 6 observed values use R's HoltWintersZZ fallback of ses() (l_0 = first
// value); fewer than 3 observed values are a DataError naming the series. An all-zero or
// constant series forecasts its value with zero-width intervals.
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/common/model_util.h"
#include "models/common/r_numerics.h"
#include "retailcast/models/theta.h"

namespace retailcast::models {
namespace {

constexpr uint64_t kStateVersion = 1;
constexpr int64_t kMaxSeasonLength = 100000;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A saved series length above this is corruption (no real series is near 2^40 periods).
constexpr uint64_t kMaxSavedLength = uint64_t{1} << 40;

// Least-squares slope of x on t = 0..n-1 over the observed values (two passes).
double OlsSlope(std::span<const double> x) {
  double st = 0, sx = 0;
  size_t k = 0;
  for (size_t t = 0; t < x.size(); ++t) {
    if (std::isnan(x[t])) continue;
    st += static_cast<double>(t);
    sx += x[t];
    ++k;
  }
  const double tbar = st / static_cast<double>(k), xbar = sx / static_cast<double>(k);
  double sxy = 0, stt = 0;
  for (size_t t = 0; t < x.size(); ++t) {
    if (std::isnan(x[t])) continue;
    const double dt = static_cast<double>(t) - tbar;
    sxy += dt * (x[t] - xbar);
    stt += dt * dt;
  }
  return sxy / stt;
}

// What Predict needs; exactly what Save writes.
struct ThetaState {
  double level = 0;            // l_n of the SES on the adjusted series
  double alpha = 1;            // max(alpha, 1e-10)
  double drift = 0;            // b
  double sigma2 = 0;           // SES residual variance
  uint64_t n = 1;              // series length
  std::vector<double> season;  // the last m seasonal indices; empty when not seasonal
};

class ThetaFitted final : public FittedModel {
 public:
  ThetaFitted(ThetaState state, InSample in_sample)
      : state_(std::move(state)), in_sample_(std::move(in_sample)) {}

  Result<Forecast> Predict(const PredictRequest& request) const override {
    RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
    const auto h = static_cast<size_t>(request.horizon);
    const double alpha = state_.alpha;
    const double offset = (1 - std::pow(1 - alpha, static_cast<double>(state_.n))) / alpha;
    const double sigma = std::sqrt(state_.sigma2);
    std::vector<double> mean(h), se(h);
    for (size_t j = 0; j < h; ++j) {
      const double steps = static_cast<double>(j);
      mean[j] = state_.level + state_.drift * (steps + offset);
      if (!state_.season.empty()) mean[j] *= state_.season[j % state_.season.size()];
      se[j] = sigma * std::sqrt(steps * (alpha * alpha) + 1);
    }
    return NormalIntervalForecast(std::move(mean), se, request.levels);
  }

  const InSample& in_sample() const override { return in_sample_; }

  void Save(ByteWriter& out) const override {
    WriteStateHeader(out, kThetaName, kStateVersion);
    out.PutDouble(state_.level);
    out.PutDouble(state_.alpha);
    out.PutDouble(state_.drift);
    out.PutDouble(state_.sigma2);
    out.PutU64(state_.n);
    out.PutDoubles(state_.season);
  }

 private:
  ThetaState state_;
  InSample in_sample_;
};

class ThetaEstimator final : public Estimator {
 public:
  explicit ThetaEstimator(int64_t season_length) : season_length_(season_length) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    RETAILCAST_RETURN_IF_ERROR(RequireObservations(series, kThetaName));
    RETAILCAST_ASSIGN_OR_RETURN(const int m,
                                ResolveSeasonLength(season_length_, series, kThetaName));
    const std::span<const double> y = series.y;
    const size_t observed = CountObserved(y);
    if (observed < 3) {
      return Status::DataError(SeriesContext(kThetaName, series.id) + "the series has " +
                               std::to_string(observed) +
                               " observed value(s); the theta method needs at least 3 (a "
                               "level, a slope and a residual variance)");
    }
    const SeasonalAdjustment adjustment = ThetaSeasonalAdjust(y, m);
    const SesFit ses = FitSes(adjustment.adjusted);

    ThetaState state;
    state.level = ses.level;
    state.alpha = std::max(1e-10, ses.alpha);
    state.drift = OlsSlope(adjustment.adjusted) / 2;
    state.sigma2 = ses.sigma2;
    state.n = y.size();
    if (adjustment.seasonal) {
      state.season.assign(adjustment.indices.end() - m, adjustment.indices.end());
    }

    InSample in_sample;
    in_sample.fitted = ses.fitted;
    in_sample.residuals.resize(y.size());
    for (size_t t = 0; t < y.size(); ++t) {
      if (adjustment.seasonal) in_sample.fitted[t] *= adjustment.indices[t];
      in_sample.residuals[t] = std::isnan(y[t]) ? kNaN : y[t] - in_sample.fitted[t];
    }
    return std::unique_ptr<FittedModel>(
        std::make_unique<ThetaFitted>(std::move(state), std::move(in_sample)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    RETAILCAST_RETURN_IF_ERROR(ReadStateHeader(in, kThetaName, kStateVersion));
    ThetaState state;
    Status s = in.GetDouble(&state.level);
    if (s.ok()) s = in.GetDouble(&state.alpha);
    if (s.ok()) s = in.GetDouble(&state.drift);
    if (s.ok()) s = in.GetDouble(&state.sigma2);
    if (s.ok()) s = in.GetU64(&state.n);
    if (s.ok()) s = in.GetDoubles(&state.season);
    if (!s.ok()) {
      return Status::DataError("saved state of model 'theta' is truncated or corrupt");
    }
    RETAILCAST_RETURN_IF_ERROR(RequireAtEnd(in, kThetaName));
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(state.level, "level", kThetaName));
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(state.drift, "drift", kThetaName));
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(state.sigma2, "sigma2", kThetaName, true));
    if (!(state.alpha >= 1e-10 && state.alpha <= 1)) {
      return Status::DataError("saved state of model 'theta' is corrupt: alpha " +
                               std::to_string(state.alpha) + " is outside [1e-10, 1]");
    }
    if (state.n < 1 || state.n > kMaxSavedLength ||
        state.season.size() > static_cast<size_t>(kMaxSeasonLength)) {
      return Status::DataError("saved state of model 'theta' is corrupt: series length " +
                               std::to_string(state.n) + " with " +
                               std::to_string(state.season.size()) + " seasonal indices");
    }
    for (double v : state.season) {
      RETAILCAST_RETURN_IF_ERROR(RequireFinite(v, "seasonal index", kThetaName));
    }
    return std::unique_ptr<FittedModel>(
        std::make_unique<ThetaFitted>(std::move(state), InSample{}));
  }

 private:
  int64_t season_length_;
};

struct ThetaParams {
  int64_t season_length = 0;  // 0 = the frequency's default; 1 = never seasonal
};

const ParamTable<ThetaParams>& ThetaTable() {
  static const ParamTable<ThetaParams> table = ParamTable<ThetaParams>().Int(
      std::string(kSeasonLengthParam), &ThetaParams::season_length, 0, kMaxSeasonLength,
      "season length m for the seasonality test and decomposition (52 weekly, 12 monthly, 7 "
      "daily); 0 = the frequency's default; 1 = never seasonal");
  return table;
}

}  // namespace

const ParamTableBase& ThetaParamTable() { return ThetaTable(); }

Result<std::unique_ptr<Estimator>> MakeTheta(const ParamValues& params) {
  return std::unique_ptr<Estimator>(
      std::make_unique<ThetaEstimator>(ThetaTable().Bind(params).season_length));
}

}  // namespace retailcast::models
