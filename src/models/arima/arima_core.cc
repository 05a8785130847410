#include "arima_core.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace retailcast::models::arima {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Gains at or above this are the diffuse start of the filter, left out of the likelihood
// (R's ARIMA_Like uses the same threshold).
constexpr double kDiffuseGain = 1e4;

// gamma(0..r) of phi(B) w = theta(B) e in O(p^2 + r nnz(theta)^2) when phi is stationary:
// the AR part's partial autocorrelations by running Durbin-Levinson backwards, its
// autocorrelations by running it forwards (gamma(0) = 1 / prod(1 - pacf^2)), then
// gamma_w(k) = sum_{i,j} theta_i theta_j gamma_ar(k - i + j). False (nothing written) when a
// partial autocorrelation is not inside (-1, 1); the caller then solves the linear system.
bool StationaryArmaAutocovariances(std::span<const double> phi, std::span<const double> theta,
                                   int r, std::vector<double>* gamma) {
  const int p = static_cast<int>(phi.size());
  const int q = static_cast<int>(theta.size());
  // Coefficients of every order, from p down to 1, in one triangular array: order k starts
  // at k (k - 1) / 2 and holds phi^(k)_1..k.
  std::vector<double> tri(static_cast<size_t>(p) * (p + 1) / 2);
  auto coef = [&tri](int k) { return tri.data() + static_cast<size_t>(k) * (k - 1) / 2; };
  std::copy(phi.begin(), phi.end(), coef(p));
  std::vector<double> pacf(p + 1);
  for (int k = p; k >= 1; --k) {
    const double* c = coef(k);
    const double kk = c[k - 1];
    if (!(std::fabs(kk) < 1.0)) return false;
    pacf[k] = kk;
    if (k == 1) break;
    double* lower = coef(k - 1);
    const double den = 1.0 - kk * kk;
    for (int j = 0; j < k - 1; ++j) lower[j] = (c[j] + kk * c[k - 2 - j]) / den;
  }
  // Autocorrelations of the AR part up to lag r + q.
  const int lags = r + q;
  std::vector<double> rho(lags + 1, 0.0);
  rho[0] = 1.0;
  double g0 = 1.0;
  for (int k = 1; k <= p; ++k) {
    // rho(k) = pacf_k v_{k-1} + sum_j phi^(k-1)_j rho(k - j), v_{k-1} = 1 - sum phi^(k-1)_j rho(j).
    double v = 1.0, s = 0.0;
    if (k > 1) {
      const double* c = coef(k - 1);
      for (int j = 1; j <= k - 1; ++j) {
        v -= c[j - 1] * rho[j];
        s += c[j - 1] * rho[k - j];
      }
    }
    if (k <= lags) rho[k] = pacf[k] * v + s;
    g0 /= 1.0 - pacf[k] * pacf[k];
  }
  for (int k = p + 1; k <= lags; ++k) {
    double s = 0;
    for (int j = 1; j <= p; ++j) s += phi[j - 1] * rho[k - j];
    rho[k] = s;
  }
  auto gar = [&](int k) { return g0 * rho[std::abs(k)]; };
  std::vector<int> nz{0};
  for (int j = 1; j <= q; ++j) {
    if (theta[j - 1] != 0) nz.push_back(j);
  }
  auto th = [&](int j) { return j == 0 ? 1.0 : theta[j - 1]; };
  for (int k = 0; k <= r; ++k) {
    double s = 0;
    for (int i : nz) {
      for (int j : nz) s += th(i) * th(j) * gar(k - i + j);
    }
    (*gamma)[k] = s;
  }
  return true;
}

// Autocovariances gamma(0..r) and psi weights psi(0..r) of the ARMA process
// phi(B) w_t = theta(B) e_t with unit innovation variance (Brockwell & Davis 3.3.8):
//   gamma(k) - sum_j phi_j gamma(|k - j|) = sum_{j=k..q} theta_j psi_{j-k},  k = 0..p,
// solved as a (p+1)-dimensional linear system, then the same recursion for k > p.
void ArmaAutocovariances(std::span<const double> phi, std::span<const double> theta, int r,
                         std::vector<double>* gamma, std::vector<double>* psi) {
  const int p = static_cast<int>(phi.size());
  const int q = static_cast<int>(theta.size());
  auto theta_at = [&](int j) { return j == 0 ? 1.0 : (j <= q ? theta[j - 1] : 0.0); };
  psi->assign(r + 1, 0.0);
  for (int j = 0; j <= r; ++j) {
    double s = theta_at(j);
    for (int i = 1; i <= std::min(j, p); ++i) s += phi[i - 1] * (*psi)[j - i];
    (*psi)[j] = s;
  }
  std::vector<double> rhs(r + 1, 0.0);
  for (int k = 0; k <= std::min(q, r); ++k) {
    double s = 0;
    for (int j = k; j <= q; ++j) s += theta_at(j) * (*psi)[j - k];
    rhs[k] = s;
  }
  gamma->assign(r + 1, 0.0);
  if (p == 0) {
    *gamma = rhs;
    return;
  }
  if (StationaryArmaAutocovariances(phi, theta, r, gamma)) return;
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(p + 1, p + 1);
  Eigen::VectorXd b(p + 1);
  for (int k = 0; k <= p; ++k) {
    for (int j = 1; j <= p; ++j) a(k, std::abs(k - j)) -= phi[j - 1];
    b(k) = rhs[k];
  }
  const Eigen::VectorXd g = a.partialPivLu().solve(b);
  for (int k = 0; k <= std::min(p, r); ++k) (*gamma)[k] = g(k);
  for (int k = p + 1; k <= r; ++k) {
    double s = rhs[k];
    for (int j = 1; j <= p; ++j) s += phi[j - 1] * (*gamma)[k - j];
    (*gamma)[k] = s;
  }
}

// First column of the stationary state covariance: c[k] = Cov(state_k, w_t). The state is
//   state_k(t) = sum_{l=0}^{r-1-k} (phi_{k+1+l} w_{t-1-l} + theta_{k+l} e_{t-l}),
// so c[k] = sum_l (phi_{k+1+l} gamma(l+1) + theta_{k+l} psi_l).
void StationaryFirstColumn(std::span<const double> phi, std::span<const double> theta, int r,
                           std::vector<double>* c, std::vector<double>* gamma,
                           std::vector<double>* psi) {
  ArmaAutocovariances(phi, theta, r, gamma, psi);
  const int p = static_cast<int>(phi.size());
  const int q = static_cast<int>(theta.size());
  c->assign(r, 0.0);
  for (int k = 0; k < r; ++k) {
    double s = 0;
    for (int l = 0; l <= r - 1 - k; ++l) {
      const int ai = k + 1 + l;
      if (ai <= p) s += phi[ai - 1] * (*gamma)[l + 1];
      const int mi = k + l;
      const double th = mi == 0 ? 1.0 : (mi <= q ? theta[mi - 1] : 0.0);
      s += th * (*psi)[l];
    }
    (*c)[k] = s;
  }
}

}  // namespace

std::string ArimaOrder::ToString() const {
  std::string s =
      "ARIMA(" + std::to_string(p) + "," + std::to_string(d) + "," + std::to_string(q) + ")";
  if (m > 1 && P + D + Q > 0) {
    s += "(" + std::to_string(P) + "," + std::to_string(D) + "," + std::to_string(Q) + ")[" +
         std::to_string(m) + "]";
  }
  return s;
}

void ExpandArma(const ArimaOrder& o, std::span<const double> coef, std::vector<double>* phi,
                std::vector<double>* theta) {
  const double* ar = coef.data();
  const double* ma = ar + o.p;
  const double* sar = ma + o.q;
  const double* sma = sar + o.P;
  phi->assign(o.ar_degree(), 0.0);
  theta->assign(o.ma_degree(), 0.0);
  for (int i = 0; i < o.p; ++i) (*phi)[i] = ar[i];
  for (int i = 0; i < o.q; ++i) (*theta)[i] = ma[i];
  // (1 - a(B))(1 - s(B^m)): each seasonal lag adds s_j and subtracts a_i s_j at lag mj + i.
  for (int j = 0; j < o.P; ++j) {
    const int lag = (j + 1) * o.m;
    (*phi)[lag - 1] += sar[j];
    for (int i = 0; i < o.p; ++i) (*phi)[lag + i] -= ar[i] * sar[j];
  }
  for (int j = 0; j < o.Q; ++j) {
    const int lag = (j + 1) * o.m;
    (*theta)[lag - 1] += sma[j];
    for (int i = 0; i < o.q; ++i) (*theta)[lag + i] += ma[i] * sma[j];
  }
}

void PacfToAr(std::span<const double> raw, std::span<double> out) {
  const size_t p = raw.size();
  std::vector<double> work(p);
  for (size_t j = 0; j < p; ++j) out[j] = work[j] = std::tanh(raw[j]);
  // Durbin-Levinson: the order-(j+1) coefficients from the order-j ones and pacf_j.
  for (size_t j = 1; j < p; ++j) {
    const double a = out[j];
    for (size_t k = 0; k < j; ++k) work[k] -= a * out[j - k - 1];
    for (size_t k = 0; k < j; ++k) out[k] = work[k];
  }
}

void ArToPacf(std::span<const double> ar, std::span<double> out) {
  const size_t p = ar.size();
  std::vector<double> work(p);
  for (size_t j = 0; j < p; ++j) out[j] = work[j] = ar[j];
  // Durbin-Levinson run backwards: the order-j coefficients from the order-(j+1) ones.
  for (size_t j = p; j-- > 1;) {
    const double a = out[j];
    for (size_t k = 0; k < j; ++k) work[k] = (out[k] + a * out[j - k - 1]) / (1 - a * a);
    for (size_t k = 0; k < j; ++k) out[k] = work[k];
  }
  for (size_t j = 0; j < p; ++j) out[j] = std::atanh(out[j]);
}

std::vector<double> UntransformCoef(const ArimaOrder& o, std::span<const double> coef) {
  std::vector<double> out(coef.begin(), coef.end());
  if (o.p > 0) PacfToAr(coef.subspan(0, o.p), std::span(out).subspan(0, o.p));
  const size_t sar = static_cast<size_t>(o.p + o.q);
  if (o.P > 0) PacfToAr(coef.subspan(sar, o.P), std::span(out).subspan(sar, o.P));
  return out;
}

std::vector<double> TransformCoef(const ArimaOrder& o, std::span<const double> coef) {
  std::vector<double> out(coef.begin(), coef.end());
  if (o.p > 0) ArToPacf(coef.subspan(0, o.p), std::span(out).subspan(0, o.p));
  const size_t sar = static_cast<size_t>(o.p + o.q);
  if (o.P > 0) ArToPacf(coef.subspan(sar, o.P), std::span(out).subspan(sar, o.P));
  return out;
}

std::vector<double> UntransformJacobian(const ArimaOrder& o, std::span<const double> coef) {
  constexpr double kEps = 1e-3;
  const size_t n = coef.size();
  std::vector<double> jac(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) jac[i * n + i] = 1.0;
  auto block = [&](size_t offset, size_t len) {
    if (len == 0) return;
    std::vector<double> w1(coef.begin() + offset, coef.begin() + offset + len), w2(len), w3(len);
    PacfToAr(w1, w2);
    for (size_t i = 0; i < len; ++i) {
      w1[i] += kEps;
      PacfToAr(w1, w3);
      for (size_t j = 0; j < len; ++j) jac[(offset + i) * n + offset + j] = (w3[j] - w2[j]) / kEps;
      w1[i] -= kEps;
    }
  };
  block(0, o.p);
  block(o.p + o.q, o.P);
  return jac;
}

std::vector<double> DifferencingPolynomial(int d, int D, int m) {
  std::vector<double> poly{1.0};
  auto multiply = [&poly](int lag) {
    std::vector<double> out(poly.size() + lag, 0.0);
    for (size_t i = 0; i < poly.size(); ++i) {
      out[i] += poly[i];
      out[i + lag] -= poly[i];
    }
    poly = std::move(out);
  };
  for (int i = 0; i < d; ++i) multiply(1);
  for (int i = 0; i < D; ++i) multiply(m);
  std::vector<double> delta(poly.size() - 1);
  for (size_t i = 1; i < poly.size(); ++i) delta[i - 1] = -poly[i];
  return delta;
}

std::vector<std::complex<double>> PolynomialRoots(std::span<const double> c) {
  size_t n = c.size();
  while (n > 0 && c[n - 1] == 0) --n;
  if (n <= 1) return {};
  const int k = static_cast<int>(n) - 1;
  Eigen::MatrixXd companion = Eigen::MatrixXd::Zero(k, k);
  for (int j = 0; j < k; ++j) companion(0, j) = -c[n - 2 - j] / c[n - 1];
  for (int i = 1; i < k; ++i) companion(i, i - 1) = 1.0;
  Eigen::EigenSolver<Eigen::MatrixXd> solver(companion, /*computeEigenvectors=*/false);
  std::vector<std::complex<double>> roots(k);
  for (int i = 0; i < k; ++i) roots[i] = solver.eigenvalues()(i);
  return roots;
}

double MinRootModulus(std::span<const double> c, double tol) {
  size_t last = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    if (std::fabs(c[i]) > tol) last = i + 1;
  }
  if (last == 0) return std::numeric_limits<double>::infinity();
  std::vector<double> poly(last + 1);
  poly[0] = 1.0;
  for (size_t i = 0; i < last; ++i) poly[i + 1] = c[i];
  double min_mod = std::numeric_limits<double>::infinity();
  for (const auto& z : PolynomialRoots(poly)) min_mod = std::min(min_mod, std::abs(z));
  return min_mod;
}

bool ArIsStationary(std::span<const double> ar) {
  size_t last = 0;
  for (size_t i = 0; i < ar.size(); ++i) {
    if (ar[i] != 0) last = i + 1;
  }
  if (last == 0) return true;
  std::vector<double> poly(last + 1);
  poly[0] = 1.0;
  for (size_t i = 0; i < last; ++i) poly[i + 1] = -ar[i];
  for (const auto& z : PolynomialRoots(poly)) {
    if (!(std::abs(z) > 1.0)) return false;
  }
  return true;
}

std::vector<double> InvertMa(std::span<const double> ma) {
  std::vector<double> out(ma.begin(), ma.end());
  size_t q0 = 0;
  for (size_t i = 0; i < ma.size(); ++i) {
    if (ma[i] != 0) q0 = i + 1;
  }
  if (q0 == 0) return out;
  std::vector<double> poly(q0 + 1);
  poly[0] = 1.0;
  for (size_t i = 0; i < q0; ++i) poly[i + 1] = ma[i];
  std::vector<std::complex<double>> roots = PolynomialRoots(poly);
  bool any_inside = false;
  for (const auto& z : roots) any_inside |= std::abs(z) < 1.0;
  if (!any_inside) return out;
  if (q0 == 1) {
    out[0] = 1.0 / ma[0];
    return out;
  }
  // Rebuild prod_i (1 - B / z_i) with the roots inside the circle reflected.
  std::vector<std::complex<double>> x{1.0};
  for (auto z : roots) {
    if (std::abs(z) < 1.0) z = 1.0 / z;
    std::vector<std::complex<double>> next(x.size() + 1, 0.0);
    for (size_t i = 0; i < x.size(); ++i) {
      next[i] += x[i];
      next[i + 1] -= x[i] / z;
    }
    x = std::move(next);
  }
  for (size_t i = 0; i < q0; ++i) out[i] = x[i + 1].real();
  for (size_t i = q0; i < out.size(); ++i) out[i] = 0.0;
  return out;
}

std::vector<double> StationaryCovariance(std::span<const double> phi,
                                         std::span<const double> theta) {
  const int p = static_cast<int>(phi.size());
  const int q = static_cast<int>(theta.size());
  const int r = std::max(p, q + 1);
  std::vector<double> c, gamma, psi;
  StationaryFirstColumn(phi, theta, r, &c, &gamma, &psi);
  auto ph = [&](int j) { return j <= p ? phi[j - 1] : 0.0; };  // phi_j, j >= 1
  auto th = [&](int j) { return j == 0 ? 1.0 : (j <= q ? theta[j - 1] : 0.0); };
  auto first = [&](int k) { return k < r ? c[k] : 0.0; };
  // Q = T Q T' + R R' entry by entry, with T the companion matrix of phi:
  //   Q[i][j] = phi_{i+1} phi_{j+1} Q[0][0] + phi_{i+1} Q[0][j+1] + phi_{j+1} Q[0][i+1]
  //             + Q[i+1][j+1] + theta_i theta_j,
  // which, given the first column, fills the rest from the bottom-right corner.
  std::vector<double> out(static_cast<size_t>(r) * r, 0.0);
  auto at = [&](int i, int j) -> double& { return out[static_cast<size_t>(i) + r * j]; };
  for (int k = 0; k < r; ++k) at(k, 0) = at(0, k) = c[k];
  for (int i = r - 1; i >= 1; --i) {
    for (int j = r - 1; j >= i; --j) {
      double v = ph(i + 1) * ph(j + 1) * c[0] + ph(i + 1) * first(j + 1) +
                 ph(j + 1) * first(i + 1) + th(i) * th(j);
      if (j + 1 < r) v += at(i + 1, j + 1);
      at(i, j) = at(j, i) = v;
    }
  }
  return out;
}

ArimaStateSpace::ArimaStateSpace(std::span<const double> phi, std::span<const double> theta,
                                 std::span<const double> delta)
    : phi_(phi.begin(), phi.end()),
      theta_(theta.begin(), theta.end()),
      delta_(delta.begin(), delta.end()) {
  r_ = std::max(static_cast<int>(phi.size()), static_cast<int>(theta.size()) + 1);
  theta_.resize(r_ - 1, 0.0);
}

ArimaStateSpace::Sums ArimaStateSpace::Filter(std::span<const double> y, double kappa,
                                              std::vector<double>* a_out,
                                              std::vector<double>* p_out,
                                              std::span<double> std_resid) const {
  const int r = r_;
  const int d = this->d();
  const int np = static_cast<int>(phi_.size());
  const auto ur = static_cast<size_t>(r);
  // The state is the ARMA part plus those of the d previous observations that are unknown:
  // the starting levels (prior N(0, kappa)) and missing values still inside the window. Known
  // observations are constants of the observation equation, with zero variance in the full
  // filter; dropping them gives the same numbers at O((r + k)^2) per step, k unknowns.
  std::vector<int> unknown;  // times of the unknown levels, state index r + position
  for (int k = 1; k <= d; ++k) unknown.push_back(-k);
  size_t dim = ur + unknown.size();
  std::vector<double> m(dim, 0.0), c(dim * dim, 0.0);
  {
    const std::vector<double> q0 = StationaryCovariance(phi_, theta_);
    for (size_t jj = 0; jj < ur; ++jj) {
      for (size_t ii = 0; ii < ur; ++ii) c[ii + dim * jj] = q0[ii + ur * jj];
    }
    for (size_t k = ur; k < dim; ++k) c[k + dim * k] = kappa;
  }
  std::vector<double> load(r);
  load[0] = 1.0;
  for (int i = 1; i < r; ++i) load[i] = theta_[i - 1];
  auto slot = [&](const std::vector<int>& u, int time) -> int {
    for (size_t k = 0; k < u.size(); ++k) {
      if (u[k] == time) return static_cast<int>(ur + k);
    }
    return -1;
  };
  // Sparse rows of the transition A (new state = A old + constant) and scratch.
  struct Term {
    int col;
    double coef;
  };
  std::vector<std::vector<Term>> rows;
  std::vector<double> constant, mnew, ac, cnew, z, gain_vec;
  std::vector<int> next_unknown;
  Sums sums;
  for (size_t t = 0; t < y.size(); ++t) {
    const int ti = static_cast<int>(t);
    const bool all_known = unknown.empty() && (d == 0 || !std::isnan(y[t - 1]));
    if (t > 0 && all_known) {
      // Only the ARMA part is uncertain: m <- T m, c <- T c T' + R R' with T the companion
      // matrix, entry by entry (the common case, so without the general machinery below).
      const double m0 = m[0];
      for (int i = 0; i < r; ++i) {
        m[i] = (i + 1 < r ? m[i + 1] : 0.0) + (i < np ? phi_[i] * m0 : 0.0);
      }
      cnew.resize(dim * dim);
      const double c00 = c[0];
      for (size_t jj = 0; jj < ur; ++jj) {
        const double fj = jj < static_cast<size_t>(np) ? phi_[jj] : 0.0;
        for (size_t i = 0; i <= jj; ++i) {
          const double fi = i < static_cast<size_t>(np) ? phi_[i] : 0.0;
          double v = load[i] * load[jj] + fi * fj * c00;
          if (jj + 1 < ur) v += c[i + 1 + ur * (jj + 1)] + fi * c[ur * (jj + 1)];
          if (i + 1 < ur) v += fj * c[i + 1];
          cnew[i + ur * jj] = v;
          cnew[jj + ur * i] = v;
        }
      }
      c.swap(cnew);
    } else if (t > 0) {
      // Unknowns of the new window (t-d .. t-1): those still inside, and y_{t-1} if missing.
      next_unknown.clear();
      for (int s : unknown) {
        if (s >= ti - d) next_unknown.push_back(s);
      }
      const bool new_unknown = d > 0 && std::isnan(y[t - 1]);
      if (new_unknown) next_unknown.push_back(ti - 1);
      const size_t ndim = ur + next_unknown.size();
      rows.resize(ndim);
      for (auto& row : rows) row.clear();
      constant.assign(ndim, 0.0);
      for (int i = 0; i < r; ++i) {
        if (i < np) rows[i].push_back({0, phi_[i]});
        if (i + 1 < r) rows[i].push_back({i + 1, 1.0});
      }
      for (size_t k = 0; k < next_unknown.size(); ++k) {
        const int s = next_unknown[k];
        auto& row = rows[ur + k];
        if (s != ti - 1 || !new_unknown) {
          row.push_back({slot(unknown, s), 1.0});
          continue;
        }
        // y_{t-1} = w_{t-1} + sum_k delta_k y_{t-2-k}, from the previous state.
        row.push_back({0, 1.0});
        for (int kk = 0; kk < d; ++kk) {
          const int src = ti - 2 - kk;
          const int at = slot(unknown, src);
          if (at >= 0) {
            row.push_back({at, delta_[kk]});
          } else {
            constant[ur + k] += delta_[kk] * y[static_cast<size_t>(src)];
          }
        }
      }
      // m <- A m + constant; c <- A c A' + R R' (on the ARMA block).
      mnew.assign(ndim, 0.0);
      for (size_t i = 0; i < ndim; ++i) {
        double v = constant[i];
        for (const Term& e : rows[i]) v += e.coef * m[static_cast<size_t>(e.col)];
        mnew[i] = v;
      }
      ac.assign(ndim * dim, 0.0);  // row-major ndim x dim: A c
      for (size_t i = 0; i < ndim; ++i) {
        double* out = ac.data() + i * dim;
        for (const Term& e : rows[i]) {
          const double* col = c.data() + dim * static_cast<size_t>(e.col);  // symmetric c
          for (size_t q = 0; q < dim; ++q) out[q] += e.coef * col[q];
        }
      }
      cnew.assign(ndim * ndim, 0.0);
      for (size_t jj = 0; jj < ndim; ++jj) {
        for (size_t i = 0; i < ndim; ++i) {
          double v = 0;
          for (const Term& e : rows[jj]) v += e.coef * ac[i * dim + static_cast<size_t>(e.col)];
          cnew[i + ndim * jj] = v;
        }
      }
      for (size_t jj = 0; jj < ur; ++jj) {
        for (size_t i = 0; i < ur; ++i) cnew[i + ndim * jj] += load[i] * load[jj];
      }
      unknown.swap(next_unknown);
      m.swap(mnew);
      c.swap(cnew);
      dim = ndim;
    }
    if (std::isnan(y[t])) {
      if (!std_resid.empty()) std_resid[t] = kNaN;
      continue;
    }
    // y_t = w_t + sum_k delta_k y_{t-1-k}: z picks the unknown levels, the known ones are a
    // constant.
    z.assign(dim, 0.0);
    z[0] = 1.0;
    double known = 0;
    for (int kk = 0; kk < d; ++kk) {
      const int src = ti - 1 - kk;
      const int at = slot(unknown, src);
      if (at >= 0) {
        z[static_cast<size_t>(at)] += delta_[kk];
      } else {
        known += delta_[kk] * y[static_cast<size_t>(src)];
      }
    }
    double resid = y[t] - known;
    gain_vec.assign(dim, 0.0);
    for (size_t q = 0; q < dim; ++q) {
      if (z[q] == 0) continue;
      resid -= z[q] * m[q];
      const double* col = c.data() + dim * q;
      for (size_t i = 0; i < dim; ++i) gain_vec[i] += col[i] * z[q];
    }
    double gain = 0;
    for (size_t q = 0; q < dim; ++q) gain += z[q] * gain_vec[q];
    if (gain < kDiffuseGain) {
      ++sums.nu;
      sums.ssq += resid * resid / gain;
      sums.sumlog += std::log(gain);
    }
    if (!std_resid.empty()) std_resid[t] = resid / std::sqrt(gain);
    for (size_t i = 0; i < dim; ++i) m[i] += gain_vec[i] * resid / gain;
    for (size_t jj = 0; jj < dim; ++jj) {
      const double g = gain_vec[jj] / gain;
      for (size_t i = 0; i < dim; ++i) c[i + dim * jj] -= gain_vec[i] * g;
    }
  }
  // The full state after the last observation T: differencing states y_{T-1}, ..., y_{T-d}
  // (known ones with zero variance).
  const size_t n = ur + static_cast<size_t>(d);
  a_out->assign(n, 0.0);
  p_out->assign(n * n, 0.0);
  std::vector<int> index(n);  // full position -> position in m (-1: known)
  const int last = static_cast<int>(y.size()) - 1;
  for (size_t i = 0; i < ur; ++i) index[i] = static_cast<int>(i);
  for (int kk = 0; kk < d; ++kk) {
    const int s = last - 1 - kk;
    const int at = slot(unknown, s);
    index[ur + static_cast<size_t>(kk)] = at;
    (*a_out)[ur + static_cast<size_t>(kk)] =
        at >= 0 ? m[static_cast<size_t>(at)] : y[static_cast<size_t>(s)];
  }
  for (size_t i = 0; i < ur; ++i) (*a_out)[i] = m[i];
  for (size_t jj = 0; jj < n; ++jj) {
    if (index[jj] < 0) continue;
    for (size_t i = 0; i < n; ++i) {
      if (index[i] < 0) continue;
      (*p_out)[i + n * jj] =
          c[static_cast<size_t>(index[i]) + dim * static_cast<size_t>(index[jj])];
    }
  }
  return sums;
}

void ArimaStateSpace::Forecast(std::span<const double> a, std::span<const double> p_block, int k,
                               int horizon, std::vector<double>* mean,
                               std::vector<double>* var) const {
  const int r = r_;
  const int d = this->d();
  const int n = r + d;
  const int np = static_cast<int>(phi_.size());
  std::vector<double> state(a.begin(), a.end()), next(n);
  // var_h = c_h' P c_h + sum_{j<h} (c_j' R)^2 with c_j = (T')^j Z: the same numbers as
  // iterating P <- T P T' + R R', at O(rd + k^2) per step instead of O(rd^2).
  std::vector<double> c(n, 0.0), cnext(n);
  c[0] = 1.0;
  for (int i = 0; i < d; ++i) c[r + i] = delta_[i];
  mean->assign(horizon, 0.0);
  var->assign(horizon, 0.0);
  double noise = 0;
  for (int h = 0; h < horizon; ++h) {
    // Mean: state <- T state; forecast Z' state.
    const double s0 = state[0];
    for (int i = 0; i < r; ++i) {
      next[i] = (i + 1 < r ? state[i + 1] : 0.0) + (i < np ? phi_[i] * s0 : 0.0);
    }
    if (d > 0) {
      double level = s0;
      for (int j = 0; j < d; ++j) level += delta_[j] * state[r + j];
      next[r] = level;
      for (int i = r + 1; i < n; ++i) next[i] = state[i - 1];
    }
    state.swap(next);
    double f = state[0];
    for (int j = 0; j < d; ++j) f += delta_[j] * state[r + j];
    (*mean)[h] = f;
    // Disturbance part: (c' R)^2 accumulates before c moves on.
    double cr = c[0];
    for (int i = 1; i < r; ++i) cr += c[i] * theta_[i - 1];
    noise += cr * cr;
    // c <- T' c.
    double c0 = 0;
    for (int i = 0; i < np; ++i) c0 += phi_[i] * c[i];
    if (d > 0) c0 += c[r];
    cnext[0] = c0;
    for (int i = 1; i < r; ++i) cnext[i] = c[i - 1];
    for (int i = 0; i < d; ++i) cnext[r + i] = c[r] * delta_[i] + (i + 1 < d ? c[r + i + 1] : 0.0);
    c.swap(cnext);
    double quad = 0;
    for (int j = 0; j < k; ++j) {
      double s = 0;
      for (int i = 0; i < k; ++i) s += p_block[i + static_cast<size_t>(k) * j] * c[i];
      quad += s * c[j];
    }
    (*var)[h] = quad + noise;
  }
}

ArimaStateSpace::Sums ArmaLikelihood(std::span<const double> phi, std::span<const double> theta,
                                     std::span<const double> w, std::vector<double>* work) {
  const int p = static_cast<int>(phi.size());
  const int q = static_cast<int>(theta.size());
  const int r = std::max(p, q + 1);
  const auto ur = static_cast<size_t>(r);
  work->resize(6 * ur + 2);
  double* c = work->data();
  double* kbar = c + ur;   // T P_t Z
  double* wv = kbar + ur;  // rank-one factor of P_{t+1} - P_t = m w w'
  double* a = wv + ur;
  double* u = a + ur;
  {
    std::vector<double> first, gamma, psi;
    StationaryFirstColumn(phi, theta, r, &first, &gamma, &psi);
    std::copy(first.begin(), first.end(), c);
  }
  double f = c[0];
  for (int i = 0; i < r; ++i) {
    kbar[i] = (i + 1 < r ? c[i + 1] : 0.0) + (i < p ? phi[i] * c[0] : 0.0);
    wv[i] = kbar[i];
    a[i] = 0.0;
  }
  double mscale = -1.0 / f;
  // T x = shift(x) + phi x[0]: the shift is a dense pass, phi (mostly zeros in seasonal
  // models) is visited at its non-zero lags only.
  std::vector<int> ar_lags;
  for (int i = 0; i < p; ++i) {
    if (phi[i] != 0) ar_lags.push_back(i);
  }
  ArimaStateSpace::Sums sums;
  bool converged = false;
  for (double wt : w) {
    const double v = wt - a[0];
    if (f < kDiffuseGain) {
      ++sums.nu;
      sums.ssq += v * v / f;
      sums.sumlog += std::log(f);
    }
    // a <- T a + kbar v / f.
    const double a0 = a[0];
    const double step = v / f;
    for (int i = 0; i + 1 < r; ++i) a[i] = a[i + 1] + kbar[i] * step;
    a[r - 1] = kbar[r - 1] * step;
    for (int i : ar_lags) a[i] += phi[i] * a0;
    // Chandrasekhar: with g = Z'w and u = T w,
    //   F' = F + m g^2,  kbar' = kbar + m g u,  w' = u - (g / F) kbar,  m' = m F / F'.
    if (converged) continue;
    const double g = wv[0];
    for (int i = 0; i + 1 < r; ++i) u[i] = wv[i + 1];
    u[r - 1] = 0.0;
    for (int i : ar_lags) u[i] += phi[i] * g;
    const double fnew = f + mscale * g * g;
    const double gf = g / f;
    const double mg = mscale * g;
    double size = 0;
    for (int i = 0; i < r; ++i) {
      wv[i] = u[i] - gf * kbar[i];
      kbar[i] += mg * u[i];
      size += wv[i] * wv[i];
    }
    mscale = mscale * f / fnew;
    f = fnew;
    // Steady state: the remaining covariance change m w w' can no longer move F or kbar in
    // double precision, so the gain is constant from here on.
    converged = std::fabs(mscale) * size < 1e-17 * f;
  }
  return sums;
}

void DifferenceInPlace(std::span<double> w, const ArimaOrder& order) {
  const size_t n = w.size();
  for (int i = 0; i < order.d; ++i) {
    for (size_t t = n; t-- > 1;) w[t] -= w[t - 1];
  }
  const auto m = static_cast<size_t>(order.m);
  for (int i = 0; i < order.D; ++i) {
    for (size_t t = n; t-- > m;) w[t] -= w[t - m];
  }
}

double CssOfDifferenced(std::span<const double> w, std::span<const double> phi,
                        std::span<const double> theta, int ncond, std::span<double> resid, int* nu,
                        bool may_have_nan) {
  const size_t n = w.size();
  bool finite = true;
  if (may_have_nan) {
    for (double v : w) finite &= !std::isnan(v);
  }
  // Seasonal polynomials are mostly zeros: with no missing values (where 0 * NaN would
  // matter) only the non-zero lags are visited.
  std::vector<int> ar_lags, ma_lags;
  for (size_t j = 0; j < phi.size(); ++j) {
    if (!finite || phi[j] != 0) ar_lags.push_back(static_cast<int>(j));
  }
  for (size_t j = 0; j < theta.size(); ++j) {
    if (!finite || theta[j] != 0) ma_lags.push_back(static_cast<int>(j));
  }
  const auto start = static_cast<size_t>(std::max(ncond, 0));
  // Residuals before `start` are zero; the rest is written below.
  const std::unique_ptr<double[]> buf(new double[n]);
  double* e = buf.get();
  std::fill(e, e + std::min(start, n), 0.0);
  double ssq = 0;
  int count = 0;
  // The AR part does not depend on earlier residuals: one vectorisable pass per lag.
  for (size_t t = start; t < n; ++t) e[t] = w[t];
  for (int j : ar_lags) {
    const double c = phi[j];
    const double* src = w.data() - j - 1;
    for (size_t t = start; t < n; ++t) e[t] -= c * src[t];
  }
  // Residuals before `start` are zero, so at first only the lags reaching back to it count;
  // after max lag + 1 steps every lag does.
  const size_t full = std::min(n, start + (ma_lags.empty() ? 0 : ma_lags.back() + 1));
  for (size_t t = start; t < full; ++t) {
    double v = e[t];
    const auto reach = static_cast<int>(t - start);
    for (int j : ma_lags) {
      if (j >= reach) break;
      v -= theta[j] * e[t - j - 1];
    }
    e[t] = v;
  }
  // Farthest lags first: the newest residual enters last, so the chain of dependent
  // operations from e[t-1] to e[t] is one multiply-subtract instead of one per lag, and the
  // rest of the sum overlaps the previous steps. (The order of the additions differs from
  // R's, by rounding only.)
  // The lags come in runs (1..q, m..m+q, ...): each run is a dense loop.
  struct Run {
    int last, len;  // lags last - len + 1 .. last
  };
  std::vector<Run> runs;
  for (size_t i = ma_lags.size(); i-- > 0;) {
    const int j = ma_lags[i];
    if (!runs.empty() && runs.back().last - runs.back().len == j) {
      ++runs.back().len;
    } else {
      runs.push_back({j, 1});
    }
  }
  for (size_t t = std::max(full, start); t < n; ++t) {
    double v = e[t];
    const double* past = e + t - 1;
    for (const Run& run : runs) {
      const double* th = theta.data() + run.last;
      const double* ep = past - run.last;
      for (int k = 0; k < run.len; ++k) v -= th[-k] * ep[k];
    }
    e[t] = v;
  }
  for (size_t t = start; t < n; ++t) {
    if (!std::isnan(e[t])) {
      ++count;
      ssq += e[t] * e[t];
    }
  }
  if (!resid.empty()) std::copy(e, e + n, resid.begin());
  if (nu != nullptr) *nu = count;
  return count > 0 ? ssq / count : kNaN;
}

double ConditionalSumOfSquares(std::span<const double> y, const ArimaOrder& order,
                               std::span<const double> phi, std::span<const double> theta,
                               int ncond, std::span<double> resid, int* nu) {
  std::vector<double> w(y.begin(), y.end());
  DifferenceInPlace(w, order);
  return CssOfDifferenced(w, phi, theta, ncond, resid, nu);
}

}  // namespace retailcast::models::arima
