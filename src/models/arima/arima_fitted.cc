#include "arima_fitted.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/common/model_util.h"

namespace retailcast::models::arima {
namespace {

constexpr uint64_t kStateVersion = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Bounds a saved state must respect (the parameter specs enforce the same at fit time).
constexpr int64_t kMaxArmaOrder = 100;
constexpr int64_t kMaxDifferences = 3;
constexpr uint64_t kMaxRegressors = 1000;

ArimaStateSpace SpaceOf(const ArimaForecastState& s) {
  std::vector<double> phi, theta;
  ExpandArma(s.order, s.arma, &phi, &theta);
  return ArimaStateSpace(phi, theta, DifferencingPolynomial(s.order.d, s.order.D, s.order.m));
}

Status Corrupt(std::string_view model, const std::string& what) {
  return Status::DataError("saved state of model '" + std::string(model) + "' is corrupt: " + what);
}

}  // namespace

ArimaForecastState MakeForecastState(const ArimaFit& fit, std::span<const double> y, double sigma2,
                                     std::string_view series, Date next, Frequency freq,
                                     int64_t drift_origin) {
  ArimaForecastState s;
  s.series = std::string(series);
  s.order = fit.order;
  const auto narma = static_cast<size_t>(fit.order.narma());
  s.arma.assign(fit.coef.begin(), fit.coef.begin() + static_cast<std::ptrdiff_t>(narma));
  size_t j = narma;
  if (fit.has_intercept) {
    s.intercept = true;
    s.intercept_coef = fit.coef[j++];
  }
  if (fit.has_drift) {
    s.drift = true;
    s.drift_coef = fit.coef[j++];
    s.drift_origin = drift_origin;
  }
  for (; j < fit.coef.size(); ++j) {
    s.xreg_names.push_back(fit.coef_names[j]);
    s.xreg_coef.push_back(fit.coef[j]);
  }
  s.sigma2 = sigma2;
  s.state = fit.state;
  const ArimaStateSpace space(fit.phi, fit.theta, fit.delta);
  const int rd = space.rd();
  // After filtering observation T the differencing states hold y_{T-1}, ..., y_{T-d}.
  const auto nd = static_cast<size_t>(space.d());
  bool levels_known = y.size() > nd;
  for (size_t i = 1; levels_known && i <= nd; ++i) levels_known = !std::isnan(y[y.size() - 1 - i]);
  s.cov_size = levels_known ? space.r() : rd;
  const auto k = static_cast<size_t>(s.cov_size);
  s.cov.resize(k * k);
  for (size_t c = 0; c < k; ++c) {
    for (size_t r = 0; r < k; ++r)
      s.cov[r + k * c] = fit.state_cov[r + static_cast<size_t>(rd) * c];
  }
  s.next_date = next;
  s.freq = freq;
  return s;
}

ArimaFittedModel::ArimaFittedModel(std::string_view model_name, ArimaForecastState state,
                                   InSample in_sample)
    : name_(model_name),
      state_(std::move(state)),
      space_(SpaceOf(state_)),
      in_sample_(std::move(in_sample)) {}

Result<Forecast> ArimaFittedModel::Predict(const PredictRequest& request) const {
  RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
  const int h = request.horizon;
  std::vector<std::span<const double>> future;
  if (!state_.xreg_names.empty()) {
    const FutureRegressors none{state_.next_date, state_.freq, {}, {}};
    const FutureRegressors& fr = request.future != nullptr ? *request.future : none;
    if (request.future != nullptr && fr.start != state_.next_date) {
      return Status::InvalidArgument(
          SeriesContext(name_, state_.series) + "the future regressor values start on " +
          fr.start.ToString() + " but the forecast starts on " + state_.next_date.ToString() +
          " (the period after the training data); align the future file with the forecast");
    }
    for (const auto& name : state_.xreg_names) {
      RETAILCAST_RETURN_IF_ERROR(fr.Require(name, h, name_, state_.series));
      future.push_back(fr.Find(name));
    }
  }
  std::vector<double> mean, var;
  space_.Forecast(state_.state, state_.cov, state_.cov_size, h, &mean, &var);
  std::vector<double> se(static_cast<size_t>(h));
  for (int t = 0; t < h; ++t) {
    double m = mean[t];
    if (state_.intercept) m += state_.intercept_coef;
    if (state_.drift) m += state_.drift_coef * static_cast<double>(state_.drift_origin + t + 1);
    for (size_t j = 0; j < future.size(); ++j) m += state_.xreg_coef[j] * future[j][t];
    mean[t] = m;
    se[t] = std::sqrt(std::max(var[t], 0.0) * state_.sigma2);
  }
  return NormalIntervalForecast(std::move(mean), se, request.levels);
}

void ArimaFittedModel::Save(ByteWriter& out) const {
  const ArimaForecastState& s = state_;
  WriteStateHeader(out, name_, kStateVersion);
  out.PutString(s.series);
  for (int v : {s.order.p, s.order.d, s.order.q, s.order.P, s.order.D, s.order.Q, s.order.m}) {
    out.PutI64(v);
  }
  out.PutDoubles(s.arma);
  out.PutU64(s.intercept ? 1 : 0);
  out.PutU64(s.drift ? 1 : 0);
  out.PutDouble(s.intercept_coef);
  out.PutDouble(s.drift_coef);
  out.PutI64(s.drift_origin);
  out.PutU64(s.xreg_names.size());
  for (const auto& n : s.xreg_names) out.PutString(n);
  out.PutDoubles(s.xreg_coef);
  out.PutDouble(s.sigma2);
  out.PutDoubles(s.state);
  out.PutI64(s.cov_size);
  // The covariance is symmetric: its upper triangle, column by column.
  const auto k = static_cast<size_t>(s.cov_size);
  std::vector<double> upper;
  upper.reserve(k * (k + 1) / 2);
  for (size_t c = 0; c < k; ++c) {
    for (size_t r = 0; r <= c; ++r) upper.push_back(s.cov[r + k * c]);
  }
  out.PutDoubles(upper);
  out.PutI64(s.next_date.days);
  out.PutU64(static_cast<uint64_t>(s.freq.unit));
  out.PutU64(static_cast<uint64_t>(s.freq.anchor));
}

Result<std::unique_ptr<FittedModel>> ArimaFittedModel::Load(std::string_view model_name,
                                                            ByteReader& in) {
  RETAILCAST_RETURN_IF_ERROR(ReadStateHeader(in, model_name, kStateVersion));
  ArimaForecastState s;
  int64_t ord[7] = {};
  uint64_t intercept = 0, drift = 0, nreg = 0, unit = 0, anchor = 0;
  int64_t cov_size = 0, next_days = 0;
  std::vector<double> upper;
  Status st = in.GetString(&s.series);
  for (int64_t& v : ord) {
    if (st.ok()) st = in.GetI64(&v);
  }
  if (st.ok()) st = in.GetDoubles(&s.arma);
  if (st.ok()) st = in.GetU64(&intercept);
  if (st.ok()) st = in.GetU64(&drift);
  if (st.ok()) st = in.GetDouble(&s.intercept_coef);
  if (st.ok()) st = in.GetDouble(&s.drift_coef);
  if (st.ok()) st = in.GetI64(&s.drift_origin);
  if (st.ok()) st = in.GetU64(&nreg);
  if (st.ok() && nreg > kMaxRegressors) return Corrupt(model_name, "too many regressors");
  for (uint64_t j = 0; st.ok() && j < nreg; ++j) {
    std::string name;
    st = in.GetString(&name);
    s.xreg_names.push_back(std::move(name));
  }
  if (st.ok()) st = in.GetDoubles(&s.xreg_coef);
  if (st.ok()) st = in.GetDouble(&s.sigma2);
  if (st.ok()) st = in.GetDoubles(&s.state);
  if (st.ok()) st = in.GetI64(&cov_size);
  if (st.ok()) st = in.GetDoubles(&upper);
  if (st.ok()) st = in.GetI64(&next_days);
  if (st.ok()) st = in.GetU64(&unit);
  if (st.ok()) st = in.GetU64(&anchor);
  if (!st.ok()) {
    return Status::DataError("saved state of model '" + std::string(model_name) +
                             "' is truncated or corrupt");
  }
  RETAILCAST_RETURN_IF_ERROR(RequireAtEnd(in, model_name));

  auto in_range = [](int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; };
  if (!in_range(ord[0], 0, kMaxArmaOrder) || !in_range(ord[2], 0, kMaxArmaOrder) ||
      !in_range(ord[3], 0, kMaxArmaOrder) || !in_range(ord[5], 0, kMaxArmaOrder) ||
      !in_range(ord[1], 0, kMaxDifferences) || !in_range(ord[4], 0, kMaxDifferences) ||
      !in_range(ord[6], 1, kMaxSeasonLength) || (ord[6] == 1 && ord[3] + ord[4] + ord[5] > 0)) {
    return Corrupt(model_name, "impossible ARIMA orders");
  }
  s.order = ArimaOrder{static_cast<int>(ord[0]), static_cast<int>(ord[1]), static_cast<int>(ord[2]),
                       static_cast<int>(ord[3]), static_cast<int>(ord[4]), static_cast<int>(ord[5]),
                       static_cast<int>(ord[6])};
  if (s.arma.size() != static_cast<size_t>(s.order.narma())) {
    return Corrupt(model_name,
                   std::to_string(s.arma.size()) + " ARMA coefficients for " + s.order.ToString());
  }
  if (intercept > 1 || drift > 1 || s.xreg_coef.size() != nreg ||
      unit > static_cast<uint64_t>(FrequencyUnit::kYear) ||
      anchor > static_cast<uint64_t>(Weekday::kSunday) ||
      !in_range(next_days, std::numeric_limits<int32_t>::min(),
                std::numeric_limits<int32_t>::max())) {
    return Corrupt(model_name, "inconsistent regression or calendar fields");
  }
  s.intercept = intercept == 1;
  s.drift = drift == 1;
  s.next_date = Date{static_cast<int32_t>(next_days)};
  s.freq = Frequency{static_cast<FrequencyUnit>(unit), static_cast<Weekday>(anchor)};
  for (double v : s.arma)
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(v, "ARMA coefficient", model_name));
  for (double v : s.xreg_coef) {
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(v, "regression coefficient", model_name));
  }
  RETAILCAST_RETURN_IF_ERROR(RequireFinite(s.intercept_coef, "intercept", model_name));
  RETAILCAST_RETURN_IF_ERROR(RequireFinite(s.drift_coef, "drift", model_name));
  RETAILCAST_RETURN_IF_ERROR(RequireFinite(s.sigma2, "sigma2", model_name, true));
  const int64_t r = std::max<int64_t>(s.order.ar_degree(), s.order.ma_degree() + 1);
  const int64_t rd = r + s.order.diff_degree();
  if (s.state.size() != static_cast<size_t>(rd) || !in_range(cov_size, 0, rd) ||
      upper.size() != static_cast<size_t>(cov_size * (cov_size + 1) / 2)) {
    return Corrupt(model_name, "state of size " + std::to_string(s.state.size()) +
                                   " and covariance block " + std::to_string(cov_size) +
                                   " do not fit " + s.order.ToString());
  }
  for (double v : s.state) RETAILCAST_RETURN_IF_ERROR(RequireFinite(v, "state", model_name));
  s.cov_size = static_cast<int>(cov_size);
  const auto k = static_cast<size_t>(cov_size);
  s.cov.assign(k * k, 0.0);
  size_t idx = 0;
  for (size_t c = 0; c < k; ++c) {
    for (size_t row = 0; row <= c; ++row) {
      const double v = upper[idx++];
      // Finite only: the diagonal of known states is rounding noise around 0, either sign.
      RETAILCAST_RETURN_IF_ERROR(RequireFinite(v, "state covariance", model_name));
      s.cov[row + k * c] = s.cov[c + k * row] = v;
    }
  }
  return std::unique_ptr<FittedModel>(
      std::make_unique<ArimaFittedModel>(model_name, std::move(s), InSample{}));
}

InSample MakeInSample(std::span<const double> y, std::span<const double> residuals, size_t offset) {
  InSample out;
  out.fitted.assign(y.size(), kNaN);
  out.residuals.assign(y.size(), kNaN);
  for (size_t t = offset; t < y.size(); ++t) {
    const double r = residuals[t - offset];
    if (std::isnan(y[t]) || std::isnan(r)) continue;
    out.fitted[t] = y[t] - r;
    out.residuals[t] = y[t] - out.fitted[t];
  }
  return out;
}

Result<std::vector<std::string>> ParseRegressorNames(std::string_view text) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(pos, end - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      if (!seen.insert(std::string(item)).second) {
        return Status::InvalidArgument("regressor '" + std::string(item) +
                                       "' is listed twice in xreg; list each column once");
      }
      names.emplace_back(item);
    }
    pos = end + 1;
  }
  return names;
}

Result<std::vector<ArimaRegressor>> SeriesRegressors(const SeriesView& series,
                                                     const std::vector<std::string>& names,
                                                     size_t offset, std::string_view model) {
  std::vector<ArimaRegressor> out;
  for (const auto& name : names) {
    std::span<const double> col = series.exog(name);
    if (col.size() != series.y.size()) {
      std::string have;
      if (series.panel != nullptr) {
        for (size_t k = 0; k < series.panel->num_exog(); ++k) {
          have += (k ? ", " : "") + series.panel->exog_name(k);
        }
      }
      return Status::InvalidArgument(
          SeriesContext(model, series.id) + "regressor '" + name +
          "' (parameter xreg) is not an exogenous column of the data (" +
          (have.empty() ? std::string("it has none") : "it has: " + have) +
          "); add the column or remove it from xreg");
    }
    out.push_back(ArimaRegressor{name, col.subspan(offset)});
  }
  return out;
}

}  // namespace retailcast::models::arima
