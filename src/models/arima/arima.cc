// arima: a seasonal ARIMA(p,d,q)(P,D,Q)[m] model of given order, optionally with a mean (no
// differencing), a drift (one difference) and exogenous regressors (regression with ARIMA
// errors), as R forecast 8.20's Arima() on top of R stats' arima():
//
//   phi(B) Phi(B^m) (1 - B)^d (1 - B^m)^D (y_t - x_t' beta) = theta(B) Theta(B^m) e_t,
//   e_t ~ N(0, sigma^2),
//
// estimated by exact Gaussian maximum likelihood started from conditional least squares
// (method "CSS-ML", R's default; "ML" and "CSS" as options). See arima_fit.h for the
// estimation and arima_core.h for the state-space form and its sources (Gardner, Harvey &
// Phillips 1980; Harvey 1989; Jones 1980).
//
// Forecasts: the Kalman forecast of the state-space form from the filtered state after the
// last observation (R's KalmanForecast through predict.Arima), plus x_{T+h}' beta; standard
// errors sqrt(v_h sigma^2) with sigma^2 = sum(residuals^2) / (nstar - npar + 1) as
// forecast::Arima sets it, bounds mean -/+ z se (normal intervals, any levels).
// In-sample: fitted = y - residuals, the residuals being the standardized innovations of the
// final filter pass (R's residuals.Arima).
//
// Regressors (parameter xreg): exogenous columns of the panel at fit, their known future values
// from the request at predict (a missing one is an InvalidArgument naming it and the dates).
// Missing values (NaN) in y or the regressors are skipped by the Kalman filter (method ML is
// then used, as R does). Errors (DataError, naming the series): too few observations for the
// order, an estimation failure (see FitArima), a variance that cannot be estimated.
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "arima_auto.h"
#include "arima_fit.h"
#include "arima_fitted.h"
#include "models/common/model_util.h"
#include "retailcast/core/param_table.h"
#include "retailcast/models/arima.h"

namespace retailcast::models {
namespace {

using arima::ArimaFit;
using arima::ArimaFitOptions;
using arima::ArimaFittedModel;
using arima::ArimaMethod;
using arima::ArimaOrder;

// The parameters of arima (ArimaTable).
struct ArimaParams {
  int p = 0, d = 0, q = 0;     // non-seasonal orders
  int P = 0, D = 0, Q = 0;     // seasonal orders
  int64_t season_length = 0;   // 0 = the frequency's default
  bool include_mean = true;    // mean term when d + D == 0
  bool include_drift = false;  // drift term when d + D == 1
  ArimaMethod method = ArimaMethod::kCssMl;
  std::string xreg;  // comma-separated exogenous columns (ParseRegressorNames)
};

class ArimaEstimator final : public Estimator {
 public:
  ArimaEstimator(ArimaParams params, std::vector<std::string> xreg)
      : params_(std::move(params)), xreg_(std::move(xreg)) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    RETAILCAST_RETURN_IF_ERROR(RequireObservations(series, kArimaName));
    const std::string context = SeriesContext(kArimaName, series.id);
    const ArimaParams& pr = params_;
    const bool seasonal = pr.P + pr.D + pr.Q > 0;
    int m = 1;
    if (seasonal) {
      RETAILCAST_ASSIGN_OR_RETURN(m, ResolveSeasonLength(pr.season_length, series, kArimaName));
      if (m < 2) {
        return Status::InvalidArgument(
            context + "seasonal orders (P, D, Q) = (" + std::to_string(pr.P) + ", " +
            std::to_string(pr.D) + ", " + std::to_string(pr.Q) +
            ") need a season length of at least 2, but it is " + std::to_string(m) +
            "; set season_length or drop the seasonal orders");
      }
    }
    const ArimaOrder order{pr.p, pr.d, pr.q, pr.P, pr.D, pr.Q, m};
    const std::span<const double> y = series.y;
    if (y.size() <= static_cast<size_t>(order.diff_degree())) {
      return Status::DataError(context + "the series has " + std::to_string(y.size()) +
                               " values; " + order.ToString() + " differences away " +
                               std::to_string(order.diff_degree()) +
                               " of them, so it needs more; use lower differencing orders");
    }
    RETAILCAST_ASSIGN_OR_RETURN(std::vector<arima::ArimaRegressor> xreg,
                                arima::SeriesRegressors(series, xreg_, 0, kArimaName));
    ArimaFitOptions options;
    options.method = pr.method;
    options.include_mean = pr.include_mean;
    options.include_drift = pr.include_drift;
    if (xreg.empty() && arima::IsConstant(y)) {
      // Every value equal (an item that never sold): any coefficients fit it exactly and R's
      // optimiser fails on the zero variance. Hold the ARMA terms at 0 and the mean at the
      // value, so the forecast repeats it with a zero-width interval (auto_arima does the same).
      const bool mean = pr.include_mean && order.diff_degree() == 0;
      const bool drift = pr.include_drift && order.diff_degree() == 1;
      options.fixed.assign(static_cast<size_t>(order.narma()), 0.0);
      if (mean) options.fixed.push_back(y.front());
      if (drift) options.fixed.push_back(0.0);
      options.include_mean = mean;
      options.include_drift = drift;
    }
    Result<ArimaFit> fit = arima::FitArima(y, order, xreg, options);
    if (!fit.ok()) {
      return Status::DataError(context + order.ToString() + ": " + fit.status().message());
    }
    const arima::ArimaCriteria crit = arima::ComputeCriteria(*fit, fit->residuals, fit->aic);
    if (!std::isfinite(crit.sigma2) || crit.sigma2 < 0) {
      return Status::DataError(context + order.ToString() + " has " + std::to_string(crit.npar) +
                               " parameters but only " + std::to_string(crit.nstar) +
                               " usable observations, too few to estimate the innovation "
                               "variance; use a lower order or a longer series");
    }
    for (double v : fit->state) {
      if (!std::isfinite(v)) {
        return Status::DataError(context + order.ToString() +
                                 ": the fitted model's state is not finite (the estimates are "
                                 "degenerate); use a lower order");
      }
    }
    const Date next = series.freq.Advance(series.start, static_cast<int64_t>(y.size()));
    arima::ArimaForecastState state = arima::MakeForecastState(
        *fit, y, crit.sigma2, series.id, next, series.freq, static_cast<int64_t>(y.size()));
    return std::unique_ptr<FittedModel>(std::make_unique<ArimaFittedModel>(
        kArimaName, std::move(state), arima::MakeInSample(y, fit->residuals, 0)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    return ArimaFittedModel::Load(kArimaName, in);
  }

 private:
  ArimaParams params_;
  std::vector<std::string> xreg_;  // params_.xreg parsed
};

const ParamTable<ArimaParams>& ArimaTable() {
  using Params = ArimaParams;
  static const ParamTable<Params> table =
      ParamTable<Params>()
          .Int("p", &Params::p, 0, 100, "non-seasonal autoregressive order")
          .Int("d", &Params::d, 0, 3, "non-seasonal differences")
          .Int("q", &Params::q, 0, 100, "non-seasonal moving-average order")
          .Int("P", &Params::P, 0, 100, "seasonal autoregressive order")
          .Int("D", &Params::D, 0, 3, "seasonal differences")
          .Int("Q", &Params::Q, 0, 100, "seasonal moving-average order")
          .Int(std::string(kSeasonLengthParam), &Params::season_length, 0, arima::kMaxSeasonLength,
               "season length m in periods (52 weekly, 12 monthly, 7 daily); 0 = the "
               "frequency's default; only used when P, D or Q is positive")
          .Bool("include_mean", &Params::include_mean,
                "estimate a mean when d + D = 0 (R's include.mean)")
          .Bool("include_drift", &Params::include_drift,
                "estimate a linear drift when d + D = 1 (R forecast's include.drift)")
          .Choice(std::string(arima::kMethodParam), &Params::method,
                  {{"CSS-ML", ArimaMethod::kCssMl},
                   {"ML", ArimaMethod::kMl},
                   {"CSS", ArimaMethod::kCss}},
                  "estimation: CSS-ML (conditional sum of squares, then exact maximum "
                  "likelihood), ML, or CSS; with missing values CSS-ML runs as ML")
          .String(std::string(arima::kXregParam), &Params::xreg,
                  "comma-separated exogenous columns used as regressors (regression with ARIMA "
                  "errors); their future values are needed to forecast");
  return table;
}

}  // namespace

const ParamTableBase& ArimaParamTable() { return ArimaTable(); }

Result<std::unique_ptr<Estimator>> MakeArima(const ParamValues& params) {
  ArimaParams p = ArimaTable().Bind(params);
  if (p.include_drift && p.d + p.D != 1) {
    // R's Arima() drops the drift with a warning; an option that does nothing is an error here.
    return Status::InvalidArgument(
        "arima: include_drift needs exactly one difference (d + D = 1), "
        "but d = " +
        std::to_string(p.d) + " and D = " + std::to_string(p.D) +
        "; drop include_drift or change d, D");
  }
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<std::string> xreg, arima::ParseRegressorNames(p.xreg));
  return std::unique_ptr<Estimator>(
      std::make_unique<ArimaEstimator>(std::move(p), std::move(xreg)));
}

}  // namespace retailcast::models
