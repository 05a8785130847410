// ETS models: exponential smoothing in the innovations state space framework of Hyndman,
// Koehler, Ord & Snyder (2008), fitted and selected as R package forecast 8.20's ets() does
// (engine and sources in ets_core.cc).
//
// auto_ets (R's ets(y) with model = "ZZZ"): every error (A, M) x trend (N, A, Ad; M and Md
// with allow_multiplicative_trend) x season (N, A, M) form that R's restrictions allow is
// fitted by maximum likelihood and the one with the smallest AICc (or AIC/BIC) is kept.
// Excluded as in R: additive error with a multiplicative trend or season, M,M,A, any
// multiplicative error on data with a value <= 0, seasonal forms when the series is not
// longer than one season (or m = 1), forms with at least n - 1 parameters.
// ets: one given form, e.g. model=MAdM.
//
// Where this differs from R, on purpose:
// - Missing values (NaN) inside the series: the state moves on with a zero innovation (the
//   one-step forecast takes the place of the missing value) and the likelihood sums over the
//   observed values only; n in the criteria is the number of observed values. R instead
//   keeps the longest stretch without NA. Leading NaNs are dropped; the heuristic initial
//   states see the gaps linearly interpolated.
// - Seasons longer than 24 periods (weekly data, m = 52): R ignores the season. With
//   long_season=heuristic (the default) the seasonal forms are fitted too, with the initial
//   seasonal states of R's heuristic (decomposition when the series spans two seasons) kept
//   fixed and not counted as parameters; only alpha, beta, gamma, phi and the level/trend
//   states are optimised. long_season=none gives R's behaviour. docs/accuracy.md has the
//   Walmart figures behind the default.
// - Series of at most 6 values: R's HoltWinters fallback (simple exponential smoothing or
//   Holt's linear method by least squares) is followed, with beta reported in the ETS
//   parameterisation. A constant series (>= 2 equal observed values) gets R's
//   ses(alpha = 0.99999): a flat forecast with zero-width intervals. A single observed value
//   is a DataError.
// - ets with a form the series cannot support (a season on m = 1 or on a series not longer
//   than one season, too few values for the parameters, a multiplicative form on data <= 0)
//   is a DataError instead of R's silent change of form or HoltWinters fallback.
//
// Intervals: analytic for Hyndman et al.'s classes 1-3 (every form without a multiplicative
// trend), else the quantiles (R's type 8) of `npaths` simulated paths drawn from
// Rng(seed, series id), like forecast(..., simulate = TRUE) with normal errors; a request
// whose simulation would exceed 5e7 values (npaths x horizon) is an InvalidArgument.
#include "retailcast/models/ets.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ets_core.h"
#include "models/common/model_util.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/rng.h"
#include "retailcast/models/output_transform.h"

namespace retailcast::models {
namespace {

using ets::Bounds;
using ets::Form;
using ets::Kind;

constexpr uint64_t kStateVersion = 1;
constexpr int kMaxPaths = 100000;
// Class 3 intervals propagate (2m x 2m) moment matrices: m = 1000 already means 32 MB each.
constexpr int kMaxSeasonLength = 1000;
// Simulated intervals keep every path value of the horizon (npaths x horizon doubles).
constexpr int64_t kMaxSimulatedValues = 50'000'000;

// Seeds are int64 parameters (kept as uint64_t): a round bound below the int64 maximum.
constexpr int64_t kMaxSeed = 9'200'000'000'000'000'000;

// Knobs shared by both models (CommonTable).
struct EtsParams {
  int64_t season_length = 0;  // 0 = the frequency's default
  Bounds bounds = Bounds::kBoth;
  bool long_season = true;  // fit seasonal forms when m > 24 (heuristic seasonal states)
  bool optimise_initial_states = true;  // false: heuristic initial states, smoothing only
  int max_iterations = 2000;            // Nelder-Mead evaluations per form (R's maxit)
  int npaths = 5000;                    // simulated paths for intervals without a closed form
  uint64_t seed = 0;                    // with the series id, seeds the simulation
};

// auto_ets only: the search over forms (SearchTable).
struct AutoParams {
  enum class Criterion { kAicc, kAic, kBic } ic = Criterion::kAicc;
  int damped = -1;  // -1 both, 0 never, 1 always
  bool allow_multiplicative_trend = false;
  bool additive_only = false;
};

// auto_ets (AutoEtsTable).
struct AutoEtsParams {
  EtsParams common;
  AutoParams search;
};

// ets (EtsTable): the shared knobs and the one form.
struct FixedEtsParams {
  std::string model = "ANN";  // the form's code, checked by MakeEts
  EtsParams common;
};

class EtsFitted final : public FittedModel {
 public:
  EtsFitted(std::string_view model, std::string series_id, ets::Fit fit, uint64_t seed, int npaths,
            InSample in_sample)
      : model_(model),
        series_id_(std::move(series_id)),
        fit_(std::move(fit)),
        seed_(seed),
        npaths_(npaths),
        in_sample_(std::move(in_sample)) {
    summary_.form = ets::FormCode(fit_.form);
    summary_.season_length = fit_.m;
    summary_.alpha = fit_.par.alpha;
    summary_.beta = fit_.par.beta;
    summary_.gamma = fit_.par.gamma;
    summary_.phi = fit_.par.phi;
    summary_.sigma2 = fit_.sigma2;
    summary_.aicc = fit_.aicc;
  }

  Result<Forecast> Predict(const PredictRequest& request) const override {
    RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
    const int h = request.horizon;
    if (ets::HasAnalyticVariance(fit_.form)) {
      std::vector<double> mean, var;
      ets::AnalyticForecast(fit_.form, fit_.m, fit_.par, fit_.final_state, fit_.sigma2, h, &mean,
                            &var);
      std::vector<double> se(var.size());
      for (size_t t = 0; t < var.size(); ++t) se[t] = std::sqrt(std::max(var[t], 0.0));
      return NormalIntervalForecast(std::move(mean), se, request.levels);
    }
    Forecast fc;
    fc.mean = ets::PointForecast(fit_.form, fit_.m, fit_.par, fit_.final_state, h);
    fc.levels = request.levels;
    if (request.levels.empty()) return fc;
    if (static_cast<int64_t>(npaths_) * h > kMaxSimulatedValues) {
      return Status::InvalidArgument("model '" + std::string(model_) + "', series '" + series_id_ +
                                     "': the intervals of " + ets::FormName(fit_.form) +
                                     " are simulated, and " + std::to_string(npaths_) +
                                     " paths x horizon " + std::to_string(h) + " exceed " +
                                     std::to_string(kMaxSimulatedValues) +
                                     " values; ask for a shorter horizon or set a "
                                     "smaller npaths");
    }
    Rng rng(seed_, series_id_);
    const std::vector<double> paths = ets::SimulatePaths(
        fit_.form, fit_.m, fit_.par, fit_.final_state, fit_.sigma2, h, npaths_, rng);
    fc.lower.assign(request.levels.size(), std::vector<double>(static_cast<size_t>(h)));
    fc.upper = fc.lower;
    std::vector<double> column;
    column.reserve(static_cast<size_t>(npaths_));
    for (int t = 0; t < h; ++t) {
      column.clear();
      for (int p = 0; p < npaths_; ++p) {
        const double v = paths[static_cast<size_t>(p) * h + t];
        if (std::isfinite(v)) column.push_back(v);
      }
      std::sort(column.begin(), column.end());
      for (size_t l = 0; l < request.levels.size(); ++l) {
        const double level = request.levels[l];
        fc.lower[l][t] = ets::Quantile8(column, 0.5 - level / 200.0);
        fc.upper[l][t] = ets::Quantile8(column, 0.5 + level / 200.0);
      }
    }
    return fc;
  }

  const InSample& in_sample() const override { return in_sample_; }

  void Save(ByteWriter& out) const override {
    WriteStateHeader(out, model_, kStateVersion);
    out.PutString(ets::FormCode(fit_.form));
    out.PutU64(static_cast<uint64_t>(fit_.m));
    out.PutDouble(fit_.par.alpha);
    out.PutDouble(fit_.par.beta);
    out.PutDouble(fit_.par.gamma);
    out.PutDouble(fit_.par.phi);
    out.PutDouble(fit_.sigma2);
    out.PutDouble(fit_.aicc);
    out.PutDoubles(fit_.final_state);
    out.PutU64(seed_);
    out.PutU64(static_cast<uint64_t>(npaths_));
    out.PutString(series_id_);
  }

  const EtsSummary& summary() const { return summary_; }

 private:
  std::string_view model_;
  std::string series_id_;
  ets::Fit fit_;
  uint64_t seed_;
  int npaths_;
  InSample in_sample_;
  EtsSummary summary_;
};

Status Corrupt(std::string_view model, const std::string& what) {
  return Status::DataError("saved state of model '" + std::string(model) + "' is corrupt: " + what);
}

Result<std::unique_ptr<FittedModel>> LoadEts(ByteReader& in, std::string_view model) {
  RETAILCAST_RETURN_IF_ERROR(ReadStateHeader(in, model, kStateVersion));
  std::string code, series_id;
  uint64_t m = 0, seed = 0, npaths = 0;
  ets::Fit fit;
  Status s = in.GetString(&code);
  if (s.ok()) s = in.GetU64(&m);
  if (s.ok()) s = in.GetDouble(&fit.par.alpha);
  if (s.ok()) s = in.GetDouble(&fit.par.beta);
  if (s.ok()) s = in.GetDouble(&fit.par.gamma);
  if (s.ok()) s = in.GetDouble(&fit.par.phi);
  if (s.ok()) s = in.GetDouble(&fit.sigma2);
  if (s.ok()) s = in.GetDouble(&fit.aicc);
  if (s.ok()) s = in.GetDoubles(&fit.final_state);
  if (s.ok()) s = in.GetU64(&seed);
  if (s.ok()) s = in.GetU64(&npaths);
  if (s.ok()) s = in.GetString(&series_id);
  if (!s.ok()) {
    return Status::DataError("saved state of model '" + std::string(model) +
                             "' is truncated or corrupt");
  }
  RETAILCAST_RETURN_IF_ERROR(RequireAtEnd(in, model));
  if (!ets::ParseForm(code, &fit.form) || ets::Forbidden(fit.form)) {
    return Corrupt(model, "unknown ETS form '" + code + "'");
  }
  if (m < 1 || m > static_cast<uint64_t>(kMaxSeasonLength) ||
      (fit.form.season == Kind::kNone && m != 1)) {
    return Corrupt(model, "season length " + std::to_string(m));
  }
  fit.m = static_cast<int>(m);
  const size_t want =
      1 + (fit.form.trend != Kind::kNone ? 1 : 0) + (fit.form.season != Kind::kNone ? m : 0);
  if (fit.final_state.size() != want) {
    return Corrupt(model, std::to_string(fit.final_state.size()) + " state values for " +
                              ets::FormName(fit.form) + " (expected " + std::to_string(want) + ")");
  }
  for (double v : fit.final_state) RETAILCAST_RETURN_IF_ERROR(RequireFinite(v, "state", model));
  RETAILCAST_RETURN_IF_ERROR(RequireFinite(fit.sigma2, "sigma2", model, true));
  auto unit = [&](double v, const char* name) -> Status {
    if (!(v >= 0 && v <= 1)) return Corrupt(model, std::string(name) + " " + std::to_string(v));
    return Status::Ok();
  };
  RETAILCAST_RETURN_IF_ERROR(unit(fit.par.alpha, "alpha"));
  RETAILCAST_RETURN_IF_ERROR(unit(fit.par.beta, "beta"));
  RETAILCAST_RETURN_IF_ERROR(unit(fit.par.gamma, "gamma"));
  RETAILCAST_RETURN_IF_ERROR(unit(fit.par.phi, "phi"));
  if (fit.form.trend != Kind::kNone && !(fit.par.alpha > 0)) {
    return Corrupt(model, "alpha 0 with a trend");
  }
  if (std::isnan(fit.aicc)) return Corrupt(model, "aicc is NaN");
  if (npaths < 1 || npaths > static_cast<uint64_t>(kMaxPaths)) {
    return Corrupt(model, "npaths " + std::to_string(npaths));
  }
  return std::unique_ptr<FittedModel>(std::make_unique<EtsFitted>(
      model, std::move(series_id), std::move(fit), seed, static_cast<int>(npaths), InSample{}));
}

InSample MakeInSample(std::span<const double> y, size_t lead, const std::vector<double>& fitted) {
  InSample ins;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ins.fitted.assign(y.size(), nan);
  ins.residuals.assign(y.size(), nan);
  for (size_t t = 0; t < fitted.size(); ++t) {
    ins.fitted[lead + t] = fitted[t];
    ins.residuals[lead + t] = y[lead + t] - fitted[t];
  }
  return ins;
}

// The series without its leading missing values; `lead` receives how many were dropped.
std::span<const double> TrimLeading(std::span<const double> y, size_t* lead) {
  size_t k = 0;
  while (k < y.size() && std::isnan(y[k])) ++k;
  *lead = k;
  return y.subspan(k);
}

bool IsConstant(std::span<const double> y) {
  double first = std::numeric_limits<double>::quiet_NaN();
  for (double v : y) {
    if (std::isnan(v)) continue;
    if (std::isnan(first)) first = v;
    if (v != first) return false;
  }
  return true;
}

// R's answer for a constant series: ses(y, alpha = 0.99999, initial = "simple").
ets::Fit ConstantFit(std::span<const double> y, int observed) {
  double value = 0;
  for (double v : y) {
    if (!std::isnan(v)) {
      value = v;
      break;
    }
  }
  ets::Fit fit;
  fit.form = Form{Kind::kAdditive, Kind::kNone, Kind::kNone, false};
  fit.m = 1;
  fit.par.alpha = 0.99999;
  fit.initial_state = {value};
  fit.final_state = {value};
  fit.sigma2 = 0;
  fit.num_observed = observed;
  fit.lik = fit.aic = fit.aicc = fit.bic = std::numeric_limits<double>::infinity();
  fit.fitted.assign(y.size(), value);
  return fit;
}

class EtsEstimator final : public Estimator {
 public:
  // `fixed` set: the `ets` model with that form; unset: auto_ets.
  EtsEstimator(std::string_view model, EtsParams params, AutoParams auto_params, bool has_fixed,
               Form fixed)
      : model_(model), params_(params), auto_(auto_params), has_fixed_(has_fixed), fixed_(fixed) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    RETAILCAST_RETURN_IF_ERROR(RequireObservations(series, model_));
    auto m_or = ResolveSeasonLength(params_.season_length, series, model_);
    if (!m_or.ok()) return m_or.status();
    const int m = *m_or;
    size_t lead = 0;
    const std::span<const double> y = TrimLeading(series.y, &lead);
    const ets::SeriesData data = ets::PrepareSeries(y);
    if (data.num_observed < 2) {
      return Status::DataError(SeriesContext(model_, series.id) +
                               "needs at least 2 observed values; the series has " +
                               std::to_string(data.num_observed));
    }
    ets::Fit fit;
    if (IsConstant(y)) {
      fit = ConstantFit(y, data.num_observed);
    } else if (has_fixed_) {
      RETAILCAST_RETURN_IF_ERROR(FitFixed(series.id, data, m, &fit));
    } else {
      RETAILCAST_RETURN_IF_ERROR(FitAuto(series.id, data, m, &fit));
    }
    InSample ins = MakeInSample(series.y, lead, fit.fitted);
    fit.fitted.clear();
    fit.fitted.shrink_to_fit();
    return std::unique_ptr<FittedModel>(
        std::make_unique<EtsFitted>(model_, std::string(series.id), std::move(fit), params_.seed,
                                    params_.npaths, std::move(ins)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    return LoadEts(in, model_);
  }

 private:
  ets::FitOptions Options() const {
    ets::FitOptions o;
    o.bounds = params_.bounds;
    o.optimise_initial_states = params_.optimise_initial_states;
    o.max_iterations = params_.max_iterations;
    return o;
  }

  bool SeasonUsable(int m, size_t n) const {
    return m > 1 && n > static_cast<size_t>(m) && (m <= 24 || params_.long_season);
  }

  Status FitFixed(std::string_view id, const ets::SeriesData& data, int m, ets::Fit* fit) const {
    const std::string name = ets::FormName(fixed_);
    if (fixed_.season != Kind::kNone && !SeasonUsable(m, data.y.size())) {
      std::string why = m <= 1 ? "the season length is 1"
                        : m > 24 && !params_.long_season
                            ? "season_length " + std::to_string(m) + " > 24 with long_season=none"
                            : "the series (" + std::to_string(data.y.size()) +
                                  " values) is not longer than one season of " + std::to_string(m);
      return Status::DataError(SeriesContext(model_, id) + name + " needs a season, but " + why +
                               "; choose a non-seasonal form (e.g. model=AAdN) or auto_ets");
    }
    if (fixed_.error == Kind::kMultiplicative && !data.positive) {
      return Status::DataError(SeriesContext(model_, id) + name +
                               " has a multiplicative error, which needs every value > 0; the "
                               "series has values <= 0: use an additive-error form");
    }
    if (!data.positive &&
        (fixed_.trend == Kind::kMultiplicative || fixed_.season == Kind::kMultiplicative)) {
      return Status::DataError(SeriesContext(model_, id) + name +
                               " is multiplicative and the series has values <= 0");
    }
    const int mm = fixed_.season != Kind::kNone ? m : 1;
    // R: n <= npars + 4 is too short for ML (npars: 2, +2 trend, +m season).
    const size_t npars = 2 + (fixed_.trend != Kind::kNone ? 2 : 0) +
                         (fixed_.season != Kind::kNone ? static_cast<size_t>(mm) : 0);
    if (data.y.size() <= npars + 4 || !ets::FitForm(data, fixed_, mm, Options(), fit)) {
      return Status::DataError(SeriesContext(model_, id) + name + " could not be fitted to " +
                               std::to_string(data.num_observed) +
                               " observed values (too few for its parameters, or no finite "
                               "likelihood); use a simpler form or auto_ets");
    }
    return Status::Ok();
  }

  Status FitAuto(std::string_view id, const ets::SeriesData& data, int m, ets::Fit* best) const {
    if (data.y.size() <= 6) {
      if (ets::FitShortSeries(data, best)) return Status::Ok();
      return Status::DataError(SeriesContext(model_, id) + "no model could be fitted to " +
                               std::to_string(data.y.size()) + " values");
    }
    const bool seasonal = SeasonUsable(m, data.y.size());
    std::vector<Kind> errors = {Kind::kAdditive};
    if (!auto_.additive_only) errors.push_back(Kind::kMultiplicative);
    std::vector<Kind> trends = {Kind::kNone, Kind::kAdditive};
    if (auto_.allow_multiplicative_trend && !auto_.additive_only) {
      trends.push_back(Kind::kMultiplicative);
    }
    std::vector<Kind> seasons = {Kind::kNone};
    if (seasonal) {
      seasons.push_back(Kind::kAdditive);
      if (!auto_.additive_only) seasons.push_back(Kind::kMultiplicative);
    }
    std::vector<bool> dampings;
    if (auto_.damped != 0) dampings.push_back(true);
    if (auto_.damped != 1) dampings.push_back(false);
    const ets::FitOptions options = Options();
    double best_ic = std::numeric_limits<double>::infinity();
    ets::Fit fit;
    // R's loop order (error, trend, season, damped first), so ties go the same way.
    for (Kind e : errors) {
      if (e == Kind::kMultiplicative && !data.positive) continue;
      for (Kind t : trends) {
        for (Kind s : seasons) {
          for (bool d : dampings) {
            const Form form{e, t, s, d};
            if (ets::Forbidden(form)) continue;
            if (!ets::FitForm(data, form, s == Kind::kNone ? 1 : m, options, &fit)) continue;
            const double ic = auto_.ic == AutoParams::Criterion::kAic   ? fit.aic
                              : auto_.ic == AutoParams::Criterion::kBic ? fit.bic
                                                                        : fit.aicc;
            if (!std::isnan(ic) && ic < best_ic) {
              best_ic = ic;
              *best = std::move(fit);
              fit = ets::Fit{};
            }
          }
        }
      }
    }
    if (!std::isfinite(best_ic)) {
      return Status::DataError(SeriesContext(model_, id) + "no ETS form could be fitted to " +
                               std::to_string(data.num_observed) + " observed values");
    }
    return Status::Ok();
  }

  std::string_view model_;
  EtsParams params_;
  AutoParams auto_;
  bool has_fixed_;
  Form fixed_;
};

// The forms `ets` accepts: every code that R's restrictions allow.
std::vector<std::string> AllowedForms() {
  std::vector<std::string> codes;
  for (Kind e : {Kind::kAdditive, Kind::kMultiplicative}) {
    for (Kind t : {Kind::kNone, Kind::kAdditive, Kind::kMultiplicative}) {
      for (bool d : {false, true}) {
        for (Kind s : {Kind::kNone, Kind::kAdditive, Kind::kMultiplicative}) {
          const Form f{e, t, s, d};
          if (!ets::Forbidden(f)) codes.push_back(ets::FormCode(f));
        }
      }
    }
  }
  return codes;
}

// Rows shared by both models.
const ParamTable<EtsParams>& CommonTable() {
  static const ParamTable<EtsParams> table =
      ParamTable<EtsParams>()
          .Int(std::string(kSeasonLengthParam), &EtsParams::season_length, 0, kMaxSeasonLength,
               "season length m in periods; 0 = the frequency's default (7 daily, 52 weekly, 12 "
               "monthly, 4 quarterly, 1 yearly)")
          .Choice("bounds", &EtsParams::bounds,
                  {{"both", Bounds::kBoth},
                   {"usual", Bounds::kUsual},
                   {"admissible", Bounds::kAdmissible}},
                  "parameter space (R's ets bounds): usual = 1e-4 <= beta <= alpha <= 0.9999, "
                  "gamma <= 1 - alpha, 0.8 <= phi <= 0.98; admissible = the forecastable region; "
                  "both = both")
          .Choice("long_season", &EtsParams::long_season, {{"heuristic", true}, {"none", false}},
                  "seasons longer than 24 periods: heuristic = fit seasonal forms with the "
                  "initial seasonal states of R's heuristic kept fixed; none = no season (R's "
                  "behaviour)")
          .Choice("initial_states", &EtsParams::optimise_initial_states,
                  {{"optimised", true}, {"heuristic", false}},
                  "optimised = the initial level, trend and seasonal states are estimated with "
                  "the smoothing parameters (R); heuristic = they keep R's heuristic start values "
                  "and only the smoothing parameters are estimated (several times faster on long "
                  "series)")
          .Int("max_iterations", &EtsParams::max_iterations, 1, 1000000,
               "Nelder-Mead function evaluations per fitted form (R's maxit)")
          .Int("npaths", &EtsParams::npaths, 100, kMaxPaths,
               "simulated paths for the intervals of multiplicative-trend forms (no closed form)")
          .Int("seed", &EtsParams::seed, 0, kMaxSeed,
               "random seed of those simulations (combined with the series id)");
  return table;
}

const ParamTable<AutoParams>& SearchTable() {
  using Criterion = AutoParams::Criterion;
  static const ParamTable<AutoParams> table =
      ParamTable<AutoParams>()
          .Choice("ic", &AutoParams::ic,
                  {{"aicc", Criterion::kAicc}, {"aic", Criterion::kAic}, {"bic", Criterion::kBic}},
                  "information criterion that selects the form")
          .Choice("damped", &AutoParams::damped, {{"auto", -1}, {"true", 1}, {"false", 0}},
                  "trend damping: auto = try both, true = only damped trends, false = none")
          .Bool("allow_multiplicative_trend", &AutoParams::allow_multiplicative_trend,
                "also try multiplicative trends (M, Md), as R's ets argument of that name")
          .Bool("additive_only", &AutoParams::additive_only,
                "only additive forms (error, trend and season)");
  return table;
}

const ParamTable<AutoEtsParams>& AutoEtsTable() {
  static const ParamTable<AutoEtsParams> table = ParamTable<AutoEtsParams>()
                                                     .Nested(&AutoEtsParams::common, CommonTable())
                                                     .Nested(&AutoEtsParams::search, SearchTable());
  return table;
}

const ParamTable<FixedEtsParams>& EtsTable() {
  static const ParamTable<FixedEtsParams> table =
      ParamTable<FixedEtsParams>()
          .String("model", &FixedEtsParams::model,
                  "the ETS form: error (A/M), trend (N/A/M, d = damped), season (N/A/M), e.g. "
                  "AAdA = additive error, damped additive trend, additive season",
                  AllowedForms())
          .Nested(&FixedEtsParams::common, CommonTable());
  return table;
}

}  // namespace

const ParamTableBase& AutoEtsParamTable() { return AutoEtsTable(); }
const ParamTableBase& EtsParamTable() { return EtsTable(); }

Result<std::unique_ptr<Estimator>> MakeAutoEts(const ParamValues& params) {
  const AutoEtsParams p = AutoEtsTable().Bind(params);
  return std::unique_ptr<Estimator>(
      std::make_unique<EtsEstimator>(kAutoEtsName, p.common, p.search, false, Form{}));
}

Result<std::unique_ptr<Estimator>> MakeEts(const ParamValues& params) {
  const FixedEtsParams p = EtsTable().Bind(params);
  Form form;
  if (!ets::ParseForm(p.model, &form) || ets::Forbidden(form)) {
    return Status::InvalidArgument("model 'ets': model=" + p.model +
                                   " is not an allowed ETS form (e.g. ANN, AAdN, MAM)");
  }
  return std::unique_ptr<Estimator>(
      std::make_unique<EtsEstimator>(kEtsName, p.common, AutoParams{}, true, form));
}

const EtsSummary* DescribeEts(const FittedModel& model) {
  const auto* fitted = dynamic_cast<const EtsFitted*>(&Unwrapped(model));
  return fitted != nullptr ? &fitted->summary() : nullptr;
}

}  // namespace retailcast::models
