// auto_theta: the optimised theta models of Fiorucci, Pellegrini, Louzada, Petropoulos &
// Koehler (2016), "Models for optimising the theta method and their relationship to state
// space models", IJF 32(4), 1151-1161 (their R package forecTheta gives the defaults below):
//
//   Y_t   = mu_t + e_t,  e_t ~ N(0, sigma^2)
//   mu_t  = l_{t-1} + (1 - 1/theta) (A_{t-1} (1 - alpha)^{t-1} + B_{t-1} (1 - (1 - alpha)^t) /
//   alpha) l_t   = alpha Y_t + (1 - alpha) l_{t-1} static (STM, OTM):   A_t = A_n, B_t = B_n, the
//   least-squares line of Y on t = 1..n dynamic (DSTM, DOTM): the same line refitted on Y_1..Y_t at
//   every t (section 4):
//     Ybar_t = ((t - 1) Ybar_{t-1} + Y_t) / t
//     B_t    = ((t - 2) B_{t-1} + 6 (Y_t - Ybar_{t-1}) / t) / (t + 1)
//     A_t    = Ybar_t - B_t (t + 1) / 2,   with A_1 = Y_1, B_1 = 0, mu_1 = Y_1.
// STM and DSTM fix theta = 2 (the standard theta method as a state space model); OTM and DOTM
// estimate it (theta >= 1). Parameters (l_0, alpha[, theta]) minimise the sum of squared
// one-step errors (from t = 3 for the dynamic models, whose first two fits are trivial) by
// NelderMead from l_0 = Y_1 / 2, alpha = 0.5, theta = 2, with alpha in [0.1, 0.99] and
// theta in [1, 1e10] (forecTheta's defaults), on the series divided by its mean absolute
// value (as forecTheta, so the criterion is scale free). variant = auto fits all four and
// keeps the one with the smallest in-sample MSE over t >= 3 (the same periods for all four).
// Seasonality: the same test and multiplicative decomposition as theta (ThetaSeasonalAdjust);
// forecasts and bounds are multiplied by the last season's indices.
//
// Point forecasts continue the recursion with Y replaced by mu. Intervals: the paper's
// section 3 state space form is linear in the errors, so the h-step forecast error is a
// linear combination of e_{n+1..n+h}; its variance is propagated exactly through the state
// (l, Ybar, A, B) (P <- T P T' + sigma^2 g g', a Kalman-style covariance recursion) instead
// of forecTheta's 200 simulated paths. For the static models this is
// sigma^2 (1 + (h - 1) alpha^2). sigma^2 = SSE / (k - p), k errors in the criterion and p
// estimated parameters. Gaussian bounds mean -/+ z sqrt(var), times the seasonal index.
//
// Missing values (NaN): a missing Y_t is replaced by its one-step forecast mu_t (zero error),
// exactly as the forecast recursion treats the future; leading missing values are dropped
// (the recursion starts at the first observation); the static line is fitted on the observed
// periods. Fewer than 6 observed values (3 parameters and a variance need them) are a
// DataError naming the series.
#include <array>
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
constexpr uint64_t kMaxSavedLength = uint64_t{1} << 40;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr size_t kMinObserved = 6;
constexpr double kAlphaLower = 0.1, kAlphaUpper = 0.99;
constexpr double kThetaLower = 1.0, kThetaUpper = 1e10;
constexpr double kLevelBound = 1e10;

enum class Variant : uint64_t { kStm = 0, kOtm = 1, kDstm = 2, kDotm = 3 };
constexpr std::array<const char*, 4> kVariantNames = {"stm", "otm", "dstm", "dotm"};

bool IsDynamic(Variant v) { return v == Variant::kDstm || v == Variant::kDotm; }
bool OptimisesTheta(Variant v) { return v == Variant::kOtm || v == Variant::kDotm; }

// The recursion state after t observations.
struct ThetaLines {
  double level = 0;  // l_t
  double ybar = 0;   // mean of Y_1..Y_t
  double a = 0;      // A_t
  double b = 0;      // B_t
};

// The one-step mean for time t + 1 after t observations, given decay = (1 - alpha)^t and
// c = 1 - 1 / theta.
double OneStepMean(const ThetaLines& s, double decay, double alpha, double inv_alpha, double c) {
  return s.level + c * (s.a * decay + s.b * (1 - decay * (1 - alpha)) * inv_alpha);
}

// The update after observing y at time t + 1 (t observations before it); r1 = 1 / (t + 1),
// r2 = 1 / (t + 2). ybar, A and B move only in the dynamic models (the static ones keep the
// line of the whole sample).
void Update(ThetaLines& s, double t, double y, double alpha, bool dynamic, double r1, double r2) {
  s.level = alpha * y + (1 - alpha) * s.level;
  if (!dynamic) return;
  const double old_mean = s.ybar;
  s.ybar = (t * s.ybar + y) * r1;
  s.b = ((t - 1) * s.b + 6 * (y - old_mean) * r1) * r2;
  s.a = s.ybar - s.b * (t + 2) / 2;
}

// 1 / (t + 1) and 1 / (t + 2) for t = 0..n-1: the dynamic update's divisions, computed once per
// fit rather than at every step of every criterion evaluation (they were most of its time).
struct Reciprocals {
  explicit Reciprocals(size_t n) : r1(n), r2(n) {
    for (size_t t = 0; t < n; ++t) {
      r1[t] = 1 / (static_cast<double>(t) + 1);
      r2[t] = 1 / (static_cast<double>(t) + 2);
    }
  }
  std::vector<double> r1, r2;
};

// A fit of one variant on the (scaled) series x starting at its first observed value.
struct VariantFit {
  Variant variant = Variant::kStm;
  double level0 = 0, alpha = 0.5, theta = 2;
  double criterion = kInf;  // SSE of the fitting criterion (scaled units)
  size_t criterion_count = 0;
  double mse_from_3 = kInf;  // selection criterion: MSE over t >= 3 (scaled units)
  ThetaLines end;            // state after the last period
  std::vector<double> mu;    // one-step means, aligned with x
};

// Runs the recursion over x (x[0] observed) with the given parameters; fills mu and end
// when `fit` is not null. Returns the criterion SSE.
double Run(std::span<const double> x, double level0, double alpha, double theta, bool dynamic,
           double static_a, double static_b, const Reciprocals& rec, VariantFit* fit) {
  ThetaLines s;
  s.ybar = x[0];
  const double c = 1 - 1 / theta, inv_alpha = 1 / alpha;
  double mu = 0;
  if (dynamic) {
    s.a = x[0];
    s.b = 0;
    mu = x[0];
  } else {
    s.a = static_a;
    s.b = static_b;
    mu = level0 + c * (static_a + static_b);
  }
  s.level = alpha * x[0] + (1 - alpha) * level0;
  double sse = 0, sse3 = 0;
  size_t count = 0, count3 = 0;
  if (!dynamic) {
    sse = (x[0] - mu) * (x[0] - mu);
    count = 1;
  }
  if (fit != nullptr) {
    fit->mu.assign(x.size(), kNaN);
    fit->mu[0] = mu;
  }
  // (1 - alpha)^i kept as a running product: two pow() calls per step were most of the
  // fitting time.
  double decay = 1;
  for (size_t i = 1; i < x.size(); ++i) {
    decay *= 1 - alpha;
    mu = OneStepMean(s, decay, alpha, inv_alpha, c);
    double y = x[i];
    if (std::isnan(y)) {
      y = mu;
    } else {
      const double e = y - mu;
      if (!dynamic || i >= 2) {
        sse += e * e;
        ++count;
      }
      if (i >= 2) {
        sse3 += e * e;
        ++count3;
      }
    }
    if (fit != nullptr) fit->mu[i] = mu;
    Update(s, static_cast<double>(i), y, alpha, dynamic, rec.r1[i], rec.r2[i]);
  }
  if (fit != nullptr) {
    fit->criterion = sse;
    fit->criterion_count = count;
    fit->mse_from_3 = count3 > 0 ? sse3 / static_cast<double>(count3) : kInf;
    fit->end = s;
  }
  return sse;
}

VariantFit FitVariant(std::span<const double> x, Variant variant, double static_a, double static_b,
                      const Reciprocals& rec) {
  const bool dynamic = IsDynamic(variant);
  const bool free_theta = OptimisesTheta(variant);
  auto objective = [&](std::span<const double> par) {
    const double level0 = par[0], alpha = par[1];
    const double theta = free_theta ? par[2] : 2.0;
    if (!(std::fabs(level0) <= kLevelBound) || alpha < kAlphaLower || alpha > kAlphaUpper ||
        theta < kThetaLower || theta > kThetaUpper) {
      return kInf;
    }
    return Run(x, level0, alpha, theta, dynamic, static_a, static_b, rec, nullptr);
  };
  std::vector<double> start = {x[0] / 2, 0.5};
  if (free_theta) start.push_back(2.0);
  // A zero SSE cannot be beaten (an all-zero or exactly linear series): stop there.
  NelderMeadOptions options;
  options.abstol = 0;
  const NelderMeadResult opt = NelderMead(objective, std::move(start), options);
  VariantFit fit;
  fit.variant = variant;
  fit.level0 = opt.x[0];
  fit.alpha = opt.x[1];
  fit.theta = free_theta ? opt.x[2] : 2.0;
  Run(x, fit.level0, fit.alpha, fit.theta, dynamic, static_a, static_b, rec, &fit);
  return fit;
}

// Intercept and slope of the least-squares line of x on t = 1..n over the observed values.
std::pair<double, double> OlsLine(std::span<const double> x) {
  double st = 0, sx = 0;
  size_t k = 0;
  for (size_t t = 0; t < x.size(); ++t) {
    if (std::isnan(x[t])) continue;
    st += static_cast<double>(t + 1);
    sx += x[t];
    ++k;
  }
  const double tbar = st / static_cast<double>(k), xbar = sx / static_cast<double>(k);
  double sxy = 0, stt = 0;
  for (size_t t = 0; t < x.size(); ++t) {
    if (std::isnan(x[t])) continue;
    const double dt = static_cast<double>(t + 1) - tbar;
    sxy += dt * (x[t] - xbar);
    stt += dt * dt;
  }
  const double slope = sxy / stt;
  return {xbar - slope * tbar, slope};
}

// What Predict needs; exactly what Save writes.
struct AutoThetaState {
  Variant variant = Variant::kStm;
  uint64_t n = 1;  // observations the recursion ran over (t of `end`)
  double alpha = 0.5, theta = 2;
  ThetaLines end;              // in the series' units (ybar: dynamic models only)
  double sigma2 = 0;           // in the series' units
  std::vector<double> season;  // the last m seasonal indices; empty when not seasonal
};

class AutoThetaFitted final : public FittedModel {
 public:
  AutoThetaFitted(AutoThetaState state, InSample in_sample)
      : state_(std::move(state)), in_sample_(std::move(in_sample)) {}

  Result<Forecast> Predict(const PredictRequest& request) const override {
    RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
    const auto h = static_cast<size_t>(request.horizon);
    const bool dynamic = IsDynamic(state_.variant);
    const double alpha = state_.alpha, c = 1 - 1 / state_.theta;
    ThetaLines s = state_.end;
    // Covariance of the state deviations (level, ybar, a, b); zero at the origin.
    double p[4][4] = {};
    std::vector<double> mean(h), se(h);
    double decay = std::pow(1 - alpha, static_cast<double>(state_.n));
    for (size_t j = 0; j < h; ++j) {
      const uint64_t t = state_.n + j;
      const double ti = static_cast<double>(t);
      const double mu = OneStepMean(s, decay, alpha, 1 / alpha, c);
      // mu's sensitivity to the state: row vector hv.
      const double hv[4] = {1, 0, c * decay, c * (1 - decay * (1 - alpha)) / alpha};
      decay *= 1 - alpha;
      double var = state_.sigma2;
      for (int r = 0; r < 4; ++r) {
        for (int q = 0; q < 4; ++q) var += hv[r] * p[r][q] * hv[q];
      }
      mean[j] = mu;
      se[j] = std::sqrt(std::max(var, 0.0));
      // New state = G z + g Y with Y = hv z + e: T = G + g hv, noise loading g.
      double g_direct[4][4] = {};
      double g[4] = {};
      g_direct[0][0] = 1 - alpha;
      g[0] = alpha;
      g_direct[1][1] = ti / (ti + 1);
      g[1] = 1 / (ti + 1);
      if (dynamic) {
        const double k = 6 / ((ti + 1) * (ti + 2));
        g_direct[3][1] = -k;
        g_direct[3][3] = (ti - 1) / (ti + 2);
        g[3] = k;
        for (int q = 0; q < 4; ++q) g_direct[2][q] = g_direct[1][q] - (ti + 2) / 2 * g_direct[3][q];
        g[2] = g[1] - (ti + 2) / 2 * g[3];
      } else {
        g_direct[2][2] = 1;
        g_direct[3][3] = 1;
      }
      double tm[4][4];
      for (int r = 0; r < 4; ++r) {
        for (int q = 0; q < 4; ++q) tm[r][q] = g_direct[r][q] + g[r] * hv[q];
      }
      double tp[4][4] = {};
      for (int r = 0; r < 4; ++r) {
        for (int q = 0; q < 4; ++q) {
          for (int k = 0; k < 4; ++k) tp[r][q] += tm[r][k] * p[k][q];
        }
      }
      for (int r = 0; r < 4; ++r) {
        for (int q = 0; q < 4; ++q) {
          double v = state_.sigma2 * g[r] * g[q];
          for (int k = 0; k < 4; ++k) v += tp[r][k] * tm[q][k];
          p[r][q] = v;
        }
      }
      Update(s, ti, mu, alpha, dynamic, 1 / (ti + 1), 1 / (ti + 2));
    }
    Forecast fc = NormalIntervalForecast(std::move(mean), se, request.levels);
    if (!state_.season.empty()) {
      const size_t m = state_.season.size();
      for (size_t j = 0; j < h; ++j) {
        const double index = state_.season[j % m];
        const double centre = fc.mean[j];
        fc.mean[j] = centre * index;
        for (size_t l = 0; l < fc.levels.size(); ++l) {
          const double half = (fc.upper[l][j] - centre) * std::fabs(index);
          fc.lower[l][j] = fc.mean[j] - half;
          fc.upper[l][j] = fc.mean[j] + half;
        }
      }
    }
    return fc;
  }

  const InSample& in_sample() const override { return in_sample_; }

  void Save(ByteWriter& out) const override {
    WriteStateHeader(out, kAutoThetaName, kStateVersion);
    out.PutU64(static_cast<uint64_t>(state_.variant));
    out.PutU64(state_.n);
    out.PutDouble(state_.alpha);
    out.PutDouble(state_.theta);
    out.PutDouble(state_.end.level);
    out.PutDouble(state_.end.ybar);
    out.PutDouble(state_.end.a);
    out.PutDouble(state_.end.b);
    out.PutDouble(state_.sigma2);
    out.PutDoubles(state_.season);
  }

 private:
  AutoThetaState state_;
  InSample in_sample_;
};

class AutoThetaEstimator final : public Estimator {
 public:
  // `variant` < 0 means auto.
  AutoThetaEstimator(int64_t season_length, int variant)
      : season_length_(season_length), variant_(variant) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    RETAILCAST_RETURN_IF_ERROR(RequireObservations(series, kAutoThetaName));
    RETAILCAST_ASSIGN_OR_RETURN(const int m,
                                ResolveSeasonLength(season_length_, series, kAutoThetaName));
    const std::span<const double> y = series.y;
    const size_t observed = CountObserved(y);
    if (observed < kMinObserved) {
      return Status::DataError(SeriesContext(kAutoThetaName, series.id) + "the series has " +
                               std::to_string(observed) + " observed value(s); auto_theta needs " +
                               "at least " + std::to_string(kMinObserved) +
                               " (use 'theta' for shorter series)");
    }
    const SeasonalAdjustment adjustment = ThetaSeasonalAdjust(y, m);
    size_t first = 0;
    while (std::isnan(adjustment.adjusted[first])) ++first;
    const std::span<const double> raw = std::span<const double>(adjustment.adjusted).subspan(first);
    double scale = RMean([&] {
      std::vector<double> a(raw.size());
      for (size_t t = 0; t < raw.size(); ++t) a[t] = std::fabs(raw[t]);
      return a;
    }());
    if (!(scale > 0) || !std::isfinite(scale)) scale = 1;
    std::vector<double> x(raw.size());
    for (size_t t = 0; t < raw.size(); ++t) x[t] = raw[t] / scale;
    const auto [static_a, static_b] = OlsLine(x);
    const Reciprocals rec(x.size());

    VariantFit best;
    for (int v = 0; v < 4; ++v) {
      if (variant_ >= 0 && v != variant_) continue;
      VariantFit fit = FitVariant(x, static_cast<Variant>(v), static_a, static_b, rec);
      if (variant_ >= 0 || fit.mse_from_3 < best.mse_from_3) best = std::move(fit);
    }
    const size_t params = OptimisesTheta(best.variant) ? 3 : 2;
    if (!std::isfinite(best.criterion) || best.criterion_count <= params) {
      return Status::DataError(SeriesContext(kAutoThetaName, series.id) +
                               "the theta model could not be fitted (criterion " +
                               std::to_string(best.criterion) + " over " +
                               std::to_string(best.criterion_count) + " errors)");
    }

    AutoThetaState state;
    state.variant = best.variant;
    state.n = x.size();
    state.alpha = best.alpha;
    state.theta = best.theta;
    state.end = {best.end.level * scale, best.end.ybar * scale, best.end.a * scale,
                 best.end.b * scale};
    state.sigma2 =
        best.criterion / static_cast<double>(best.criterion_count - params) * scale * scale;
    if (adjustment.seasonal) {
      state.season.assign(adjustment.indices.end() - m, adjustment.indices.end());
    }

    InSample in_sample;
    in_sample.fitted.assign(y.size(), kNaN);
    in_sample.residuals.assign(y.size(), kNaN);
    for (size_t t = first; t < y.size(); ++t) {
      double f = best.mu[t - first] * scale;
      if (adjustment.seasonal) f *= adjustment.indices[t];
      in_sample.fitted[t] = f;
      if (!std::isnan(y[t])) in_sample.residuals[t] = y[t] - f;
    }
    return std::unique_ptr<FittedModel>(
        std::make_unique<AutoThetaFitted>(std::move(state), std::move(in_sample)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    RETAILCAST_RETURN_IF_ERROR(ReadStateHeader(in, kAutoThetaName, kStateVersion));
    AutoThetaState state;
    uint64_t variant = 0;
    Status s = in.GetU64(&variant);
    if (s.ok()) s = in.GetU64(&state.n);
    if (s.ok()) s = in.GetDouble(&state.alpha);
    if (s.ok()) s = in.GetDouble(&state.theta);
    if (s.ok()) s = in.GetDouble(&state.end.level);
    if (s.ok()) s = in.GetDouble(&state.end.ybar);
    if (s.ok()) s = in.GetDouble(&state.end.a);
    if (s.ok()) s = in.GetDouble(&state.end.b);
    if (s.ok()) s = in.GetDouble(&state.sigma2);
    if (s.ok()) s = in.GetDoubles(&state.season);
    if (!s.ok()) {
      return Status::DataError("saved state of model 'auto_theta' is truncated or corrupt");
    }
    RETAILCAST_RETURN_IF_ERROR(RequireAtEnd(in, kAutoThetaName));
    const std::string corrupt = "saved state of model 'auto_theta' is corrupt: ";
    if (variant > 3) return Status::DataError(corrupt + "variant " + std::to_string(variant));
    state.variant = static_cast<Variant>(variant);
    if (state.n < 1 || state.n > kMaxSavedLength ||
        state.season.size() > static_cast<size_t>(kMaxSeasonLength)) {
      return Status::DataError(corrupt + "series length " + std::to_string(state.n) + " with " +
                               std::to_string(state.season.size()) + " seasonal indices");
    }
    if (!(state.alpha >= kAlphaLower && state.alpha <= kAlphaUpper)) {
      return Status::DataError(corrupt + "alpha " + std::to_string(state.alpha) +
                               " is outside [0.1, 0.99]");
    }
    const bool theta_ok = OptimisesTheta(state.variant)
                              ? state.theta >= kThetaLower && state.theta <= kThetaUpper
                              : state.theta == 2.0;
    if (!theta_ok) {
      return Status::DataError(corrupt + "theta " + std::to_string(state.theta) +
                               " does not fit variant " + kVariantNames[variant]);
    }
    for (double v : {state.end.level, state.end.ybar, state.end.a, state.end.b}) {
      RETAILCAST_RETURN_IF_ERROR(RequireFinite(v, "state", kAutoThetaName));
    }
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(state.sigma2, "sigma2", kAutoThetaName, true));
    for (double v : state.season) {
      RETAILCAST_RETURN_IF_ERROR(RequireFinite(v, "seasonal index", kAutoThetaName));
    }
    return std::unique_ptr<FittedModel>(
        std::make_unique<AutoThetaFitted>(std::move(state), InSample{}));
  }

 private:
  int64_t season_length_;
  int variant_;
};

struct AutoThetaParams {
  int64_t season_length = 0;  // 0 = the frequency's default; 1 = never seasonal
  int variant = -1;           // index into kVariantNames; -1 = chosen per series
};

const ParamTable<AutoThetaParams>& AutoThetaTable() {
  static const ParamTable<AutoThetaParams> table = [] {
    std::vector<std::pair<std::string, int>> variants = {{"auto", -1}};
    for (size_t v = 0; v < kVariantNames.size(); ++v) {
      variants.emplace_back(kVariantNames[v], static_cast<int>(v));
    }
    ParamTable<AutoThetaParams> t;
    t.Int(std::string(kSeasonLengthParam), &AutoThetaParams::season_length, 0, kMaxSeasonLength,
          "season length m for the seasonality test and decomposition (52 weekly, 12 monthly, 7 "
          "daily); 0 = the frequency's default; 1 = never seasonal")
        .Choice("variant", &AutoThetaParams::variant, std::move(variants),
                "theta model: stm (theta = 2), otm (optimised theta), dstm / dotm (their dynamic "
                "versions), or auto = the one with the smallest in-sample MSE");
    return t;
  }();
  return table;
}

}  // namespace

const ParamTableBase& AutoThetaParamTable() { return AutoThetaTable(); }

Result<std::unique_ptr<Estimator>> MakeAutoTheta(const ParamValues& params) {
  const AutoThetaParams p = AutoThetaTable().Bind(params);
  return std::unique_ptr<Estimator>(
      std::make_unique<AutoThetaEstimator>(p.season_length, p.variant));
}

}  // namespace retailcast::models
