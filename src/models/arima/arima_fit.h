// Fitting one seasonal ARIMA model of given order (private to src/models), as R's
// stats::arima() does it, plus the quantities R forecast's Arima() adds on top (drift term,
// AICc, BIC and its residual variance).
//
// Estimation (R's default method "CSS-ML"): the conditional sum of squares is minimised
// first, its estimates start the maximisation of the exact Gaussian likelihood computed
// through the state-space form (arima_core.h), both with the BFGS method of arima_optim.h.
// During the likelihood search the AR parts are reparameterised through partial
// autocorrelations (Jones 1980), so every trial model is stationary; MA parts found outside
// the invertible region are reflected inside (same likelihood). The covariance of the
// estimates is the inverse of the finite-difference Hessian of the negative log-likelihood,
// mapped back by the delta method. Regression with ARIMA errors: the regressors' coefficients
// are estimated jointly with the ARMA ones, the regressors differenced along with the series
// (R's xreg), started from least squares on the differenced data.
//
// With missing values (NaN), or with method ML, the likelihood is computed by the Kalman
// filter on the undifferenced series with a diffuse prior for the starting levels (R's
// approach, which skips missing observations exactly); without them as the likelihood of the
// differenced series with fast Chandrasekhar recursions, which is the exact limit of R's
// diffuse prior (R's finite prior variance 1e6 shifts its likelihood by about 1e-5 relative;
// see ArimaFitOptions::finite_kappa_likelihood).
//
// Thread-safe (pure functions).
#pragma once

#include <limits>
#include <span>
#include <string>
#include <vector>

#include "arima_core.h"
#include "retailcast/core/status.h"

namespace retailcast::models::arima {

enum class ArimaMethod {
  kCssMl,  // CSS estimates start the maximum likelihood fit (R's default)
  kMl,     // maximum likelihood from zero starting values
  kCss,    // conditional sum of squares only
};

struct ArimaRegressor {
  std::string name;
  std::span<const double> values;  // one per observation; NaN = unknown
};

struct ArimaFitOptions {
  ArimaMethod method = ArimaMethod::kCssMl;
  // A constant term: the mean when d + D == 0 (R's include.mean; ignored otherwise).
  bool include_mean = true;
  // A linear trend regressor 1..n when d + D == 1 (R forecast's include.drift; ignored
  // otherwise, as Arima() does with a warning).
  bool include_drift = false;
  // Values of coefficients held fixed, in coefficient order (ar, ma, sar, sma, intercept,
  // drift, regressors); NaN = estimated. Empty = all estimated.
  std::vector<double> fixed;
  // Variance of the diffuse prior of the starting levels (R's kappa).
  double kappa = 1e6;
  // Without missing values the likelihood is by default that of the differenced series (the
  // exact limit of a diffuse prior, and fast). True evaluates it as R does, through the Kalman
  // filter of the undifferenced series with prior variance `kappa`: R's numbers to rounding,
  // at O(n (r + d)^2) per evaluation. The two differ by about (level / sigma) / kappa
  // relative (1e-5 for typical data), which moves estimates by about as much.
  bool finite_kappa_likelihood = false;
  // Run the final Kalman filter pass (residuals, filtered state); a model search skips it for
  // candidates and runs FinishArima on the one it keeps.
  bool final_pass = true;
};

struct ArimaFit {
  ArimaOrder order;
  std::vector<double> coef;  // ar, ma, sar, sma, then regression coefficients
  std::vector<std::string> coef_names;
  std::vector<bool> mask;        // which coefficients were estimated
  std::vector<double> var_coef;  // covariance of the estimated ones (row-major); may be empty
  int num_regressors = 0;        // regression coefficients (intercept and drift included)
  bool has_intercept = false;
  bool has_drift = false;
  ArimaMethod method = ArimaMethod::kCssMl;  // as used (CSS-ML becomes ML with missing values)
  double sigma2 = 0;                         // innovation variance as stats::arima reports it
  double loglik = 0;
  double aic = std::numeric_limits<double>::quiet_NaN();  // NaN for CSS
  int n_used = 0;       // observations minus those lost to differencing
  int n_cond = 0;       // observations the CSS conditions on (method CSS)
  int convergence = 0;  // optimiser code: 0 = converged
  double kappa = 1e6;
  // From the final pass (empty without it): one per observation, the standardized
  // innovations of the Kalman filter (CSS residuals for method CSS), NaN where the series is
  // missing; the filtered state after the last observation and its covariance (column-major
  // rd x rd), for forecasting.
  std::vector<double> residuals;
  std::vector<double> state;
  std::vector<double> state_cov;
  // Expanded polynomials and the differencing operator.
  std::vector<double> phi, theta, delta;
};

// Fits `order` to y with the given regressors (each the length of y). DataError, naming what
// failed, in the cases where stats::arima stops with an error: too few observations, a
// non-stationary AR part from the CSS step, a non-finite objective or gradient, a singular
// Hessian, regressors that are collinear. The message is for the caller to prefix with the
// model and series.
Result<ArimaFit> FitArima(std::span<const double> y, const ArimaOrder& order,
                          std::span<const ArimaRegressor> xreg, const ArimaFitOptions& options);

// The final pass of a fit made with final_pass = false, on the same y and regressors
// (InvalidArgument when a regressor's length differs from y's).
Status FinishArima(ArimaFit* fit, std::span<const double> y, std::span<const ArimaRegressor> xreg);

// What R forecast adds to a fit: npar = estimated coefficients + 1, nstar = observations
// (between the first and last non-missing) minus d + m D, and from those the AICc, BIC and
// the residual variance sum(residuals^2) / (nstar - npar + 1) that forecast() uses.
struct ArimaCriteria {
  int npar = 0;
  int nstar = 0;
  double aic = 0, aicc = 0, bic = 0;
  double sigma2 = 0;
};
// `aic` is fit.aic, or for a CSS fit the value the caller computes (R's myarima uses an
// offset). n counts the non-missing values of `counted` (R's Arima counts the residuals,
// auto.arima the series). sigma2 is NaN without the final pass.
ArimaCriteria ComputeCriteria(const ArimaFit& fit, std::span<const double> counted, double aic);

}  // namespace retailcast::models::arima
