// Fitting one series and evaluating the deterministic forecast of the additive model.
// Data preparation follows R prophet 1.0's fit.prophet / setup_dataframe / set_changepoints:
// missing values are dropped, y is scaled by max |y - floor|, t runs from 0 at the first to
// 1 at the last observation, and the changepoints sit on observations at evenly spaced ranks
// of the first changepoint_range of them.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "additive_fit.h"
#include "additive_state.h"
#include "models/common/model_util.h"

namespace retailcast::models::additive {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string ListColumns(const SeriesView& series) {
  if (series.panel == nullptr || series.panel->num_exog() == 0) return "(none)";
  std::string out;
  for (size_t k = 0; k < series.panel->num_exog(); ++k) {
    out += (out.empty() ? "" : ", ") + series.panel->exog_name(k);
  }
  return out;
}

// The values of exogenous column `name` over the training series; InvalidArgument naming the
// column (and the columns there are) when absent, DataError naming dates where it is missing
// while y is observed.
Result<std::span<const double>> Column(const SeriesView& series, const std::string& name,
                                       std::string_view role, const std::vector<size_t>& observed) {
  const std::span<const double> v = series.exog(name);
  if (v.size() != series.y.size()) {
    return Status::InvalidArgument(SeriesContext(kAdditiveName, series.id) + std::string(role) +
                                   " '" + name +
                                   "' is not an exogenous column of the series; "
                                   "its columns: " +
                                   ListColumns(series) + " (read it with --exog or --flags)");
  }
  std::vector<size_t> missing;
  for (size_t i : observed) {
    if (std::isnan(v[i])) missing.push_back(i);
  }
  if (!missing.empty()) {
    std::string dates;
    for (size_t j = 0; j < missing.size() && j < 5; ++j) {
      dates += (j ? ", " : "") +
               series.freq.Advance(series.start, static_cast<int64_t>(missing[j])).ToString();
    }
    if (missing.size() > 5) dates += " and " + std::to_string(missing.size() - 5) + " more";
    return Status::DataError(SeriesContext(kAdditiveName, series.id) + std::string(role) + " '" +
                             name + "' is missing on " + std::to_string(missing.size()) +
                             " date(s) with an observed value (" + dates +
                             "); fill it (e.g. --fill) or drop the " + std::string(role));
  }
  return v;
}

// R's round() on the changepoint ranks: half to even (IEC 60559).
double RoundHalfEven(double x) { return std::nearbyint(x); }

}  // namespace

Result<State> FitState(const SeriesView& series, const AdditiveParams& params,
                       double changepoint_prior_scale, double seasonality_prior_scale,
                       InSample* in_sample) {
  const std::string context = SeriesContext(kAdditiveName, series.id);
  RETAILCAST_RETURN_IF_ERROR(RequireObservations(series, kAdditiveName));
  const size_t n = series.y.size();
  std::vector<size_t> obs;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isnan(series.y[i])) obs.push_back(i);
  }
  if (obs.size() < 2) {
    return Status::DataError(context +
                             "needs at least 2 observed values to fit a trend; the "
                             "series has " +
                             std::to_string(obs.size()));
  }
  State s;
  s.series_id = std::string(series.id);
  s.seed = params.seed;
  s.start = series.start;
  s.freq = series.freq;
  s.length = static_cast<int64_t>(n);
  s.growth = params.growth;
  s.interval_samples = params.interval_samples;
  s.count_aware = params.count_aware;
  s.floor = params.floor;
  s.floor_column = params.growth == Growth::kLogistic ? params.floor_column : "";
  s.cap = params.cap;
  s.cap_column = params.growth == Growth::kLogistic ? params.cap_column : "";

  std::vector<double> day(n);
  for (size_t i = 0; i < n; ++i) {
    day[i] = series.freq.Advance(series.start, static_cast<int64_t>(i)).days;
  }
  s.t_start = day[obs.front()];
  s.t_scale = day[obs.back()] - s.t_start;

  std::vector<double> floor(n, s.floor), cap(n, s.cap);
  if (!s.floor_column.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(auto v, Column(series, s.floor_column, "floor column", obs));
    floor.assign(v.begin(), v.end());
  }
  if (s.growth == Growth::kLogistic) {
    if (!s.cap_column.empty()) {
      RETAILCAST_ASSIGN_OR_RETURN(auto v, Column(series, s.cap_column, "cap column", obs));
      cap.assign(v.begin(), v.end());
    }
    for (size_t i : obs) {
      if (!(cap[i] > floor[i])) {
        return Status::DataError(
            context + "logistic growth needs cap > floor, but on " +
            series.freq.Advance(series.start, static_cast<int64_t>(i)).ToString() + " cap is " +
            std::to_string(cap[i]) + " and floor " + std::to_string(floor[i]));
      }
    }
  }
  double y_scale = 0;
  for (size_t i : obs) y_scale = std::max(y_scale, std::abs(series.y[i] - floor[i]));
  s.y_scale = y_scale > 0 ? y_scale : 1.0;

  FeatureDefs& defs = s.defs;
  RETAILCAST_ASSIGN_OR_RETURN(
      defs.seasonalities, ChooseSeasonalities(params, series.freq, static_cast<int64_t>(s.t_scale),
                                              seasonality_prior_scale));
  RETAILCAST_RETURN_IF_ERROR(
      ChooseEventColumns(params, series.start, series.freq, s.length, obs, &defs));
  std::vector<std::span<const double>> regressor_values;
  for (const RegressorSpec& r : params.regressors) {
    RETAILCAST_ASSIGN_OR_RETURN(auto v, Column(series, r.name, "regressor", obs));
    regressor_values.push_back(v);
    // Prophet's standardize = "auto": not for a 0/1 flag or a column with one value.
    double mean = 0;
    for (size_t i : obs) mean += v[i];
    mean /= static_cast<double>(obs.size());
    double ss = 0;
    bool binary = true, constant = true;
    for (size_t i : obs) {
      ss += (v[i] - mean) * (v[i] - mean);
      binary &= v[i] == 0 || v[i] == 1;
      constant &= v[i] == v[obs.front()];
    }
    const double sd = std::sqrt(ss / static_cast<double>(obs.size() - 1));
    const bool standardize = !constant && (r.standardize == Standardize::kYes ||
                                           (r.standardize == Standardize::kAuto && !binary));
    defs.regressors.push_back(
        RegressorDef{r.name, standardize ? mean : 0, standardize ? sd : 1, r.prior_scale, r.mode});
  }
  RETAILCAST_ASSIGN_OR_RETURN(Eigen::MatrixXd x_all, BuildFeatures(defs, series.start, series.freq,
                                                                   s.length, regressor_values));

  MapProblem problem;
  problem.growth = s.growth;
  problem.tau = changepoint_prior_scale;
  const auto n_obs = static_cast<Eigen::Index>(obs.size());
  problem.t.resize(n_obs);
  problem.y.resize(n_obs);
  problem.cap.resize(n_obs);
  problem.x.resize(n_obs, x_all.cols());
  for (Eigen::Index r = 0; r < n_obs; ++r) {
    const size_t i = obs[static_cast<size_t>(r)];
    problem.t(r) = (day[i] - s.t_start) / s.t_scale;
    problem.y(r) = (series.y[i] - floor[i]) / s.y_scale;
    problem.cap(r) = (cap[i] - floor[i]) / s.y_scale;
    problem.x.row(r) = x_all.row(static_cast<Eigen::Index>(i));
  }
  std::vector<double> prior_scales;
  for (const auto& sd : defs.seasonalities) {
    for (int c = 0; c < 2 * sd.order; ++c) {
      prior_scales.push_back(sd.prior_scale);
      problem.multiplicative.push_back(sd.mode == ComponentMode::kMultiplicative);
    }
  }
  for (const auto& e : defs.event_columns) {
    prior_scales.push_back(e.prior_scale);
    problem.multiplicative.push_back(e.mode == ComponentMode::kMultiplicative);
  }
  for (const auto& r : defs.regressors) {
    prior_scales.push_back(r.prior_scale);
    problem.multiplicative.push_back(r.mode == ComponentMode::kMultiplicative);
  }
  problem.prior_scales = Eigen::Map<Eigen::VectorXd>(
      prior_scales.data(), static_cast<Eigen::Index>(prior_scales.size()));

  // set_changepoints: ranks round(seq(1, hist_size, length.out = n + 1))[-1] (1-based).
  const auto hist_size =
      static_cast<int64_t>(std::floor(static_cast<double>(obs.size()) * params.changepoint_range));
  int64_t n_cp = params.n_changepoints;
  if (n_cp + 1 > hist_size) n_cp = std::max<int64_t>(hist_size - 1, 0);
  if (s.growth == Growth::kFlat) n_cp = 0;
  problem.changepoints.resize(n_cp);
  for (int64_t j = 1; j <= n_cp; ++j) {
    const double rank =
        RoundHalfEven(1.0 + static_cast<double>(j) * static_cast<double>(hist_size - 1) /
                                static_cast<double>(n_cp));
    problem.changepoints(j - 1) = problem.t(static_cast<Eigen::Index>(rank) - 1);
  }
  std::sort(problem.changepoints.begin(), problem.changepoints.end());

  const MapSolution sol = FitMap(problem);
  s.changepoints.assign(problem.changepoints.begin(), problem.changepoints.end());
  s.k = sol.k;
  s.m = sol.m;
  s.delta.assign(sol.delta.begin(), sol.delta.end());
  s.beta.assign(sol.beta.begin(), sol.beta.end());
  s.sigma = sol.sigma;
  for (double v : s.beta) {
    if (!std::isfinite(v)) {
      return Status::DataError(context +
                               "the fit did not converge to finite coefficients; "
                               "check the regressors for extreme values");
    }
  }
  if (!std::isfinite(s.k) || !std::isfinite(s.m) || !std::isfinite(s.sigma)) {
    return Status::DataError(context + "the fit did not converge to a finite trend");
  }

  // In-sample fit over the whole grid (NaN where a column the mean needs is missing).
  std::vector<double> fitted(n, kNaN);
  for (size_t i = 0; i < n; ++i) {
    const double t = (day[i] - s.t_start) / s.t_scale;
    double z = 0;
    for (size_t j = 0; j < s.changepoints.size(); ++j) {
      z += s.delta[j] * std::max(0.0, t - s.changepoints[j]);
    }
    double trend = 0;
    switch (s.growth) {
      case Growth::kLinear:
        trend = s.k * t + s.m + z;
        break;
      case Growth::kFlat:
        trend = s.m;
        break;
      case Growth::kLogistic:
        trend = (cap[i] - floor[i]) / s.y_scale / (1.0 + std::exp(-(s.k * (t - s.m) + z)));
        break;
    }
    double mult = 0, add = 0;
    for (size_t c = 0; c < s.beta.size(); ++c) {
      const double v =
          x_all(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) * s.beta[c];
      (problem.multiplicative[c] ? mult : add) += v;
    }
    fitted[i] = floor[i] + s.y_scale * (trend * (1.0 + mult) + add);
  }
  // Negative binomial dispersion by moments: E[(y - mu)^2 - mu] = phi mu^2.
  if (s.count_aware) {
    double num = 0, den = 0;
    for (size_t i : obs) {
      const double mu = std::max(fitted[i], 0.0);
      const double e = series.y[i] - fitted[i];
      num += e * e - mu;
      den += mu * mu;
    }
    s.dispersion = den > 0 && num > 0 ? num / den : 0;
  }
  if (in_sample != nullptr) {
    in_sample->residuals.resize(n);
    for (size_t i = 0; i < n; ++i) in_sample->residuals[i] = series.y[i] - fitted[i];
    in_sample->fitted = std::move(fitted);
  }
  return s;
}

Result<Path> EvaluatePath(const State& s, int horizon, const FutureRegressors* future) {
  const auto h = static_cast<size_t>(horizon);
  const Date first = s.freq.Advance(s.start, s.length);
  FutureRegressors none;
  none.start = first;
  none.freq = s.freq;
  const FutureRegressors& fut = future != nullptr ? *future : none;
  std::vector<std::string> needed;
  for (const auto& r : s.defs.regressors) needed.push_back(r.name);
  if (!s.cap_column.empty()) needed.push_back(s.cap_column);
  if (!s.floor_column.empty()) needed.push_back(s.floor_column);
  if (!needed.empty() && future != nullptr && (fut.start != first || !(fut.freq == s.freq))) {
    return Status::InvalidArgument(SeriesContext(kAdditiveName, s.series_id) +
                                   "the future regressors start on " + fut.start.ToString() + " (" +
                                   fut.freq.ToString() + ") but the forecast starts on " +
                                   first.ToString() + " (" + s.freq.ToString() + ")");
  }
  for (const std::string& name : needed) {
    RETAILCAST_RETURN_IF_ERROR(fut.Require(name, horizon, kAdditiveName, s.series_id));
  }
  std::vector<std::span<const double>> regressor_values;
  for (const auto& r : s.defs.regressors) regressor_values.push_back(fut.Find(r.name));
  RETAILCAST_ASSIGN_OR_RETURN(Eigen::MatrixXd x,
                              BuildFeatures(s.defs, first, s.freq, horizon, regressor_values));
  Path p;
  p.t.resize(h);
  p.trend.resize(h);
  p.mult.assign(h, 0.0);
  p.add.assign(h, 0.0);
  p.floor.assign(h, s.floor);
  p.mean.resize(h);
  if (!s.floor_column.empty()) {
    const auto v = fut.Find(s.floor_column);
    p.floor.assign(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h));
  }
  if (s.growth == Growth::kLogistic) {
    p.z.resize(h);
    p.cap.assign(h, s.cap);
    if (!s.cap_column.empty()) {
      const auto v = fut.Find(s.cap_column);
      p.cap.assign(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h));
    }
    for (size_t i = 0; i < h; ++i) p.cap[i] = (p.cap[i] - p.floor[i]) / s.y_scale;
  }
  for (size_t i = 0; i < h; ++i) {
    const double t = (s.freq.Advance(first, static_cast<int64_t>(i)).days - s.t_start) / s.t_scale;
    p.t[i] = t;
    double z = 0;
    for (size_t j = 0; j < s.changepoints.size(); ++j) {
      z += s.delta[j] * std::max(0.0, t - s.changepoints[j]);
    }
    switch (s.growth) {
      case Growth::kLinear:
        p.trend[i] = s.k * t + s.m + z;
        break;
      case Growth::kFlat:
        p.trend[i] = s.m;
        break;
      case Growth::kLogistic:
        p.z[i] = s.k * (t - s.m) + z;
        p.trend[i] = p.cap[i] / (1.0 + std::exp(-p.z[i]));
        break;
    }
  }
  const std::vector<Component> comps = ComponentsOf(s.defs);
  p.component_names.push_back("trend");
  p.components.emplace_back(h);
  for (size_t i = 0; i < h; ++i) p.components[0][i] = p.floor[i] + s.y_scale * p.trend[i];
  for (const Component& c : comps) {
    std::vector<double> part(h, 0.0);
    for (size_t i = 0; i < h; ++i) {
      double v = 0;
      for (size_t col : c.columns) {
        v += x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(col)) * s.beta[col];
      }
      if (c.mode == ComponentMode::kMultiplicative) {
        p.mult[i] += v;
        part[i] = s.y_scale * p.trend[i] * v;
      } else {
        p.add[i] += v;
        part[i] = s.y_scale * v;
      }
    }
    p.component_names.push_back(c.name);
    p.components.push_back(std::move(part));
  }
  for (size_t i = 0; i < h; ++i) {
    p.mean[i] = p.floor[i] + s.y_scale * (p.trend[i] * (1.0 + p.mult[i]) + p.add[i]);
  }
  return p;
}

}  // namespace retailcast::models::additive
