// Numerical core of seasonal ARIMA(p,d,q)(P,D,Q)[m] models (private to src/models): the
// polynomial algebra, the parameter transformation that keeps AR parts stationary, the
// state-space form with its Kalman filter and forecasts, and the conditional sum of squares.
//
// Sources:
//   - Gardner, Harvey & Phillips (1980), "An algorithm for exact maximum likelihood estimation
//     of autoregressive-moving average models by means of Kalman filtering", Applied
//     Statistics 29, AS 154: the state-space form (state dimension r = max(p, q + 1)).
//   - Harvey (1989), "Forecasting, Structural Time Series Models and the Kalman Filter",
//     section 3.3.4 (Chandrasekhar recursions) and Durbin & Koopman (2012), "Time Series
//     Analysis by State Space Methods", 2nd ed., section 5.2 (diffuse initialisation).
//   - Jones (1980), "Maximum likelihood fitting of ARMA models to time series with missing
//     observations", Technometrics 22: the partial autocorrelation reparameterisation.
//   - Brockwell & Davis (1991), "Time Series: Theory and Methods", section 3.3: ARMA
//     autocovariances.
// R's stats::arima (ARIMA_Like, ARIMA_CSS, KalmanFore, ARIMA_transPars, getQ0) implements the
// same mathematics; these functions reproduce its results (the tests compare with R).
//
// Pure functions and value types; thread-safe.
#pragma once

#include <complex>
#include <span>
#include <string>
#include <vector>

namespace retailcast::models::arima {

// The orders of a seasonal ARIMA model, R's `arma` vector.
struct ArimaOrder {
  int p = 0, d = 0, q = 0;  // non-seasonal AR order, differences, MA order
  int P = 0, D = 0, Q = 0;  // seasonal AR order, seasonal differences, seasonal MA order
  int m = 1;                // season length (1 = non-seasonal)

  int narma() const { return p + q + P + Q; }
  int ar_degree() const { return p + m * P; }    // degree of the expanded AR polynomial
  int ma_degree() const { return q + m * Q; }    // degree of the expanded MA polynomial
  int diff_degree() const { return d + m * D; }  // observations lost to differencing
  // "ARIMA(1,1,1)(0,1,1)[12]", or "ARIMA(1,1,1)" without seasonal part.
  std::string ToString() const;
  bool operator==(const ArimaOrder&) const = default;
};

// Coefficients are ordered as R orders them: ar[0..p), ma[0..q), sar[0..P), sma[0..Q).
//
// Multiplies out (1 - sum ar_i B^i)(1 - sum sar_j B^{mj}) = 1 - sum phi_k B^k and
// (1 + sum ma_i B^i)(1 + sum sma_j B^{mj}) = 1 + sum theta_k B^k. `coef` holds at least
// narma() values (extra values, e.g. regression coefficients, are ignored).
void ExpandArma(const ArimaOrder& order, std::span<const double> coef, std::vector<double>* phi,
                std::vector<double>* theta);

// Jones (1980): maps unconstrained values to the coefficients of a stationary AR polynomial
// (tanh gives partial autocorrelations in (-1, 1), Durbin-Levinson turns them into AR
// coefficients). `raw` and `out` have the same size.
void PacfToAr(std::span<const double> raw, std::span<double> out);
// The inverse of PacfToAr for a stationary AR polynomial.
void ArToPacf(std::span<const double> ar, std::span<double> out);
// Applies PacfToAr to the AR and seasonal AR blocks of `coef` (R's ARIMA_undoPars).
std::vector<double> UntransformCoef(const ArimaOrder& order, std::span<const double> coef);
// Applies ArToPacf to the AR and seasonal AR blocks (R's ARIMA_Invtrans).
std::vector<double> TransformCoef(const ArimaOrder& order, std::span<const double> coef);
// Forward-difference Jacobian (step 1e-3, as R's ARIMA_Gradtrans) of UntransformCoef:
// a[i * n + j] = d untransformed_j / d coef_i, n = coef.size().
std::vector<double> UntransformJacobian(const ArimaOrder& order, std::span<const double> coef);

// delta of (1 - B)^d (1 - B^m)^D = 1 - sum_i delta_i B^i (length d + m D).
std::vector<double> DifferencingPolynomial(int d, int D, int m);

// Roots of c[0] + c[1] z + ... + c[k] z^k (trailing zero coefficients dropped), as R's
// polyroot: eigenvalues of the companion matrix.
std::vector<std::complex<double>> PolynomialRoots(std::span<const double> c);
// Smallest root modulus of 1 + c[0] z + ... + c[k-1] z^k, ignoring coefficients after the
// last one with |c| > tol; +inf when there is none.
double MinRootModulus(std::span<const double> c, double tol);
// True when 1 - ar[0] z - ... has all roots outside the unit circle (R's arCheck).
bool ArIsStationary(std::span<const double> ar);
// Reflects roots of 1 + ma[0] z + ... inside the unit circle to their inverses, which gives the
// invertible MA polynomial with the same autocovariances (R's maInvert).
std::vector<double> InvertMa(std::span<const double> ma);

// The state-space form of an ARIMA model with expanded polynomials phi, theta and differencing
// delta: state dimension rd = r + d, r = max(p, q + 1), observation y_t = Z' x_t with
// Z = (1, 0, ..., 0, delta). The first r states are the ARMA part of the differenced series
// (Gardner et al.), the last d the previous d observations. Disturbance variance is 1: every
// covariance is in units of the innovation variance sigma^2.
class ArimaStateSpace {
 public:
  ArimaStateSpace(std::span<const double> phi, std::span<const double> theta,
                  std::span<const double> delta);

  int r() const { return r_; }
  int d() const { return static_cast<int>(delta_.size()); }
  int rd() const { return r_ + d(); }
  const std::vector<double>& phi() const { return phi_; }
  const std::vector<double>& theta() const { return theta_; }  // padded to r - 1
  const std::vector<double>& delta() const { return delta_; }

  struct Sums {
    double ssq = 0;     // sum of innovation^2 / gain
    double sumlog = 0;  // sum of log(gain)
    int nu = 0;         // innovations counted
  };
  // Runs the Kalman filter over y (NaN = missing: the update is skipped) from the prior R's
  // makeARIMA sets: state 0, the stationary covariance of the ARMA part and variance `kappa`
  // (a large number, R's default 1e6) for each unknown starting level, which makes their prior
  // diffuse. On return `*a` and `*p` (column-major rd x rd) hold the filtered state and
  // covariance after the last observation. Innovations with gain >= 1e4 (those of the first
  // d observations, dominated by the diffuse prior) are left out of the sums, as R's
  // ARIMA_Like does. `std_resid`, when not empty, receives innovation / sqrt(gain) (NaN where
  // y is missing).
  Sums Filter(std::span<const double> y, double kappa, std::vector<double>* a,
              std::vector<double>* p, std::span<double> std_resid) const;

  // Forecast means Z' x_{T+h} and variances (in units of sigma^2) for h = 1..horizon from the
  // filtered state `a` (rd) and covariance, given as its leading k x k block `p_block`
  // (column-major; the rest is zero), k <= rd.
  void Forecast(std::span<const double> a, std::span<const double> p_block, int k, int horizon,
                std::vector<double>* mean, std::vector<double>* var) const;

 private:
  std::vector<double> phi_;    // length p
  std::vector<double> theta_;  // length r - 1
  std::vector<double> delta_;  // length d
  int r_ = 1;
};

// The stationary covariance of the ARMA state (column-major r x r, r = max(p, q + 1)) with unit
// innovation variance, i.e. the solution of Q = T Q T' + R R'. Computed from the ARMA
// autocovariances (first column) and the recursion Q[i][j] = f(Q[0][.]) + Q[i+1][j+1] along
// the diagonals. Garbage (non-finite values) for a non-stationary phi.
std::vector<double> StationaryCovariance(std::span<const double> phi,
                                         std::span<const double> theta);

// Exact Gaussian likelihood sums of a zero-mean ARMA series without missing values, with the
// stationary prior, by Chandrasekhar recursions (Harvey 1989, 3.3.4): the covariance change is
// of rank one in time-invariant models started at their stationary covariance, so each step
// costs O(r) instead of the O(r^2) of the Kalman filter. Same sums as ArimaStateSpace::Filter
// on the same series (without differencing), including the gain >= 1e4 rule. `work` is
// scratch space reused between calls.
ArimaStateSpace::Sums ArmaLikelihood(std::span<const double> phi, std::span<const double> theta,
                                     std::span<const double> w, std::vector<double>* work);

// Conditional sum of squares (R's ARIMA_CSS): differences y by `order`, then computes the
// ARMA residuals from observation `ncond` on with residuals before it taken as 0. Returns
// sum(e^2) / (number of non-NaN residuals) (NaN when there are none). `resid`, when not empty
// (size y.size()), receives the residuals (0 before ncond).
double ConditionalSumOfSquares(std::span<const double> y, const ArimaOrder& order,
                               std::span<const double> phi, std::span<const double> theta,
                               int ncond, std::span<double> resid, int* nu);
// The differencing step of ConditionalSumOfSquares: d passes at lag 1, then D at lag m, in
// place (the first d + m D values are left as partial differences, which the CSS never uses).
void DifferenceInPlace(std::span<double> w, const ArimaOrder& order);
// ConditionalSumOfSquares on an already differenced series. `may_have_nan` false promises w
// has no NaN (which allows skipping zero coefficients: 0 * NaN would otherwise matter).
double CssOfDifferenced(std::span<const double> w, std::span<const double> phi,
                        std::span<const double> theta, int ncond, std::span<double> resid, int* nu,
                        bool may_have_nan = true);

}  // namespace retailcast::models::arima
