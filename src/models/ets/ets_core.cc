// ETS engine. Each part follows one function of R package forecast 8.20 (read from the
// installed package, re-implemented here):
//   Filter            C etscalc/update/forecast: the state recursion and R's "lik" criterion
//                     n log(sum e^2) + 2 sum log|yhat| (multiplicative error), the concentrated
//                     -2 log likelihood of Hyndman et al. (2008) eq. 5.3 up to a constant.
//   InitialStates     forecast:::initstate (+ stats::decompose, the Fourier regression)
//   StartValues       forecast:::initparam
//   UsualOk/Admissible forecast:::check.param / forecast:::admissible (Hyndman et al. 2008,
//                     chapter 10: the characteristic polynomial of the seasonal model)
//   NelderMead        R's optim(method = "Nelder-Mead") (nmmin), as etsNelderMead calls it
//   FitForm           forecast:::etsmodel (aic/bic/aicc with the sigma counted, sigma2 of ets())
//   AnalyticForecast  forecast:::class1 / class2 / class3 (Hyndman et al. 2008, chapter 6)
//   SimulatePaths     forecast:::simulate.ets / C etssimulate
#include "ets_core.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <utility>

namespace retailcast::models::ets {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kTol = 1e-10;    // etscalc's TOL
constexpr double kHuge = 1e10;    // etscalc's HUGEN (a division by ~0 in the recursion)
constexpr double kBig = 1.0e+35;  // nmmin's stand-in for a non-finite objective

// R's default bounds: lower/upper for alpha, beta, gamma, phi.
constexpr double kLower[4] = {1e-4, 1e-4, 1e-4, 0.8};
constexpr double kUpper[4] = {0.9999, 0.9999, 0.9999, 0.98};

int StateSize(const Form& form, int m) {
  return 1 + (form.trend != Kind::kNone ? 1 : 0) + (form.season != Kind::kNone ? m : 0);
}

// The recursion over the series. Seasonal states sit in a ring: ring[t % m] is s_m for time t
// (the value one season back) and receives the new seasonal state, so no state is shifted.
// Returns R's lik (NaN when a multiplicative trend went negative). With kStore, writes the
// one-step forecasts to `fitted` (n values) and the final state (R layout) to `final_state`.
template <Kind kTrend, Kind kSeason, bool kMultError, bool kStore>
double Filter(std::span<const double> y, int m, const double* init, const Smoothing& p,
              double* ring, double* fitted, double* final_state, double* sse_out) {
  double l = init[0];
  double b = kTrend != Kind::kNone ? init[1] : 0.0;
  const int soff = kTrend != Kind::kNone ? 2 : 1;
  if constexpr (kSeason != Kind::kNone) {
    for (int j = 0; j < m; ++j) ring[j] = init[soff + m - 1 - j];
  }
  const double alpha = p.alpha, beta = p.beta, gamma = p.gamma, phi = p.phi;
  const double beta_star = kTrend != Kind::kNone ? p.beta / p.alpha : 0.0;
  const double one_minus_alpha = 1 - alpha;
  // With an additive trend the loop carries q = l + phi b (the level-and-trend forecast) and
  // phib = phi b rather than l and b. R's updates
  //   l' = q + alpha (p - q),  b' = phib + (beta / alpha) ((l' - l) - phib),  q' = l' + phi b'
  // are the same as (l' - l - phib = alpha (p - q))
  //   q' = (q + phi phib) + (alpha + phi beta) (p - q),  phib' = phi (phib + beta (p - q)),
  // which put two dependent operations, not nine, between one forecast and the next: the
  // recursion is a chain, so this is what bounds its speed. Results equal R's up to rounding
  // (the monthly forecasts of docs/accuracy.md agree with R's to ~1e-9).
  const double k_q = alpha + phi * beta;
  double phib = kTrend == Kind::kAdditive ? phi * b : 0.0;
  double q = kTrend == Kind::kAdditive ? l + phib : l;
  const bool phi_one = std::fabs(phi - 1.0) < kTol;
  double sse = 0, sum_log = 0;
  int k = 0;  // t % m
  const size_t n = y.size();
  int observed = 0;
  for (size_t t = 0; t < n; ++t) {
    if constexpr (kTrend == Kind::kMultiplicative) {
      if (b < 0) return std::numeric_limits<double>::quiet_NaN();
      phib = phi_one ? b : std::pow(b, phi);
      q = l * phib;
    }
    double s_old = 0, f = q;
    if constexpr (kSeason == Kind::kAdditive) {
      s_old = ring[k];
      f = q + s_old;
    } else if constexpr (kSeason == Kind::kMultiplicative) {
      s_old = ring[k];
      f = q * s_old;
    }
    if constexpr (kStore) fitted[t] = f;
    double yt = y[t];
    if (std::isnan(yt)) {
      yt = f;  // a missing value: zero innovation, the state moves on by its forecast
    } else {
      const double e = kMultError ? (yt - f) / f : yt - f;
      sse += e * e;
      if constexpr (kMultError) sum_log += std::log(std::fabs(f));
      ++observed;
    }
    double pv = yt;
    if constexpr (kSeason == Kind::kAdditive) {
      pv = yt - s_old;
    } else if constexpr (kSeason == Kind::kMultiplicative) {
      pv = std::fabs(s_old) < kTol ? kHuge : yt / s_old;
    }
    if constexpr (kSeason == Kind::kAdditive) {
      ring[k] = s_old + gamma * ((yt - q) - s_old);
    } else if constexpr (kSeason == Kind::kMultiplicative) {
      const double ts = std::fabs(q) < kTol ? kHuge : yt / q;
      ring[k] = s_old + gamma * (ts - s_old);
    }
    if constexpr (kTrend == Kind::kNone) {
      q = one_minus_alpha * q + alpha * pv;  // l' = l + alpha (p - l)
    } else if constexpr (kTrend == Kind::kAdditive) {
      const double innovation = pv - q;
      if constexpr (kStore) {
        l = q + alpha * innovation;
        b = phib + beta * innovation;
      }
      q = (q + phi * phib) + k_q * innovation;
      phib = phi * (phib + beta * innovation);
    } else {
      const double l_new = q + alpha * (pv - q);
      const double r = std::fabs(l) < kTol ? kHuge : l_new / l;
      b = phib + beta_star * (r - phib);
      l = l_new;
    }
    if constexpr (kSeason != Kind::kNone) {
      if (++k == m) k = 0;
    }
  }
  if constexpr (kStore) {
    final_state[0] = kTrend == Kind::kNone ? q : l;
    if constexpr (kTrend != Kind::kNone) final_state[1] = b;
    if constexpr (kSeason != Kind::kNone) {
      // s_1 (most recent) was written at time n - 1, i.e. ring[(n - 1) % m] = ring[k - 1].
      for (int j = 0; j < m; ++j) {
        int idx = k - 1 - j;
        while (idx < 0) idx += m;
        final_state[soff + j] = ring[idx];
      }
    }
  }
  if (sse_out != nullptr) *sse_out = sse;
  double lik = static_cast<double>(observed) * std::log(sse);
  if constexpr (kMultError) lik += 2 * sum_log;
  return lik;
}

using FilterFn = double (*)(std::span<const double>, int, const double*, const Smoothing&, double*,
                            double*, double*, double*);

template <bool kStore>
FilterFn PickFilter(const Form& form) {
  const bool me = form.error == Kind::kMultiplicative;
#define RC_ETS_PICK(T, S)                                 \
  if (form.trend == Kind::T && form.season == Kind::S) {  \
    return me ? &Filter<Kind::T, Kind::S, true, kStore>   \
              : &Filter<Kind::T, Kind::S, false, kStore>; \
  }
  RC_ETS_PICK(kNone, kNone)
  RC_ETS_PICK(kNone, kAdditive)
  RC_ETS_PICK(kNone, kMultiplicative)
  RC_ETS_PICK(kAdditive, kNone)
  RC_ETS_PICK(kAdditive, kAdditive)
  RC_ETS_PICK(kAdditive, kMultiplicative)
  RC_ETS_PICK(kMultiplicative, kNone)
  RC_ETS_PICK(kMultiplicative, kAdditive)
  RC_ETS_PICK(kMultiplicative, kMultiplicative)
#undef RC_ETS_PICK
  return nullptr;
}

// forecast:::check.param's "usual" part: each parameter within [lower, upper], beta <= alpha
// and gamma <= 1 - alpha.
bool UsualOk(const Form& form, const Smoothing& p) {
  if (p.alpha < kLower[0] || p.alpha > kUpper[0]) return false;
  if (form.trend != Kind::kNone) {
    if (p.beta < kLower[1] || p.beta > p.alpha || p.beta > kUpper[1]) return false;
  }
  if (form.damped && (p.phi < kLower[3] || p.phi > kUpper[3])) return false;
  if (form.season != Kind::kNone) {
    if (p.gamma < kLower[2] || p.gamma > 1 - p.alpha || p.gamma > kUpper[2]) return false;
  }
  return true;
}

// True when every root of sum_k c[k] z^k (c.back() != 0) has modulus <= radius, by the
// Schur-Cohn test on the scaled polynomial c[k] radius^k (Henrici, "Applied and Computational
// Complex Analysis" vol. 1, 6.8). R finds the roots with polyroot() instead; the answer is the
// same and this costs O(degree^2) without complex arithmetic.
bool RootsWithin(std::vector<double>& c, double radius) {
  double scale = 1;
  for (double& v : c) {
    v *= scale;
    scale *= radius;
  }
  size_t deg = c.size() - 1;
  while (deg > 0) {
    const double a0 = c[0], an = c[deg];
    if (std::fabs(a0) >= std::fabs(an)) return false;
    // (a_n p(z) - a_0 p*(z)) / z, p* the reversed polynomial: same roots inside the disk.
    double lead = 0;
    for (size_t j = 0; j < deg; ++j) {
      c[j] = an * c[j + 1] - a0 * c[deg - 1 - j];
      lead = c[j];
    }
    --deg;
    // Normalise so the coefficients neither overflow nor underflow on long seasons.
    const double inv = 1.0 / std::fabs(lead);
    for (size_t j = 0; j <= deg; ++j) c[j] *= inv;
  }
  return true;
}

// forecast:::admissible: the parameter region where the model is forecastable (Hyndman et al.
// 2008, chapter 10). `m` is 1 without a season.
bool Admissible(const Form& form, const Smoothing& p, int m, std::vector<double>& poly) {
  const double phi = form.damped ? p.phi : 1.0;
  if (phi < 0 || phi > 1 + 1e-8) return false;
  const double alpha = p.alpha;
  if (form.season == Kind::kNone) {
    if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
    if (form.trend != Kind::kNone) {
      if (p.beta < alpha * (phi - 1) || p.beta > (1 + phi) * (2 - alpha)) return false;
    }
    return true;
  }
  if (m <= 1) return true;
  const double beta = form.trend != Kind::kNone ? p.beta : 0.0;
  const double gamma = p.gamma;
  if (gamma < std::max(1 - 1 / phi - alpha, 0.0) || gamma > 1 + 1 / phi - alpha) return false;
  const double md = m;
  if (alpha < 1 - 1 / phi - gamma * (1 - md + phi + phi * md) / (2 * phi * md)) return false;
  if (beta < -(1 - phi) * (gamma / md + alpha)) return false;
  poly.assign(static_cast<size_t>(m) + 2, alpha + beta - alpha * phi);
  poly[0] = phi * (1 - alpha - gamma);
  poly[1] = alpha + beta - alpha * phi + gamma - 1;
  poly[static_cast<size_t>(m)] = alpha + beta - phi;
  poly[static_cast<size_t>(m) + 1] = 1;
  if (beta == 0 && phi == 1) {
    // The polynomial then has the root z = 1 exactly (its coefficients sum to m beta = 0),
    // on the unit circle, where the Schur-Cohn recursion loses every digit: divide it out.
    // The quotient's roots (of modulus < 1 in the admissible region) are well separated from
    // the circle; checked against numpy.roots on 20,000 random parameter sets for m = 4, 7, 12.
    // Quotient coefficient k - 1 is the sum of coefficients k.. of the polynomial.
    double acc = 0;
    for (size_t k = poly.size() - 1; k > 0; --k) {
      acc += poly[k];
      poly[k] = acc;
    }
    poly.erase(poly.begin());
  }
  return RootsWithin(poly, 1 + 1e-10);
}

bool ParamsOk(const Form& form, const Smoothing& p, int m, Bounds bounds,
              std::vector<double>& poly) {
  if (bounds != Bounds::kAdmissible && !UsualOk(form, p)) return false;
  if (bounds != Bounds::kUsual && !Admissible(form, p, m, poly)) return false;
  return true;
}

// R's nmmin (optim's Nelder-Mead, after Nash, "Compact Numerical Methods for Computers",
// 1990, algorithm 19) with etsNelderMead's settings: reflection 1, contraction 0.5, expansion
// 2, abstol -Inf. `x` holds the start and receives the best point; returns its value.
template <typename F>
double NelderMead(F&& fn, std::vector<double>& x, int max_evals, double rel_tol,
                  std::vector<double>& work) {
  const int n = static_cast<int>(x.size());
  const int n1 = n + 1, cols = n + 2;
  work.assign(static_cast<size_t>(n1) * cols, 0.0);
  auto P = [&](int i, int j) -> double& { return work[static_cast<size_t>(i) * cols + j]; };
  std::vector<double>& b = x;
  double f = fn(b.data());
  if (!std::isfinite(f)) return kInf;
  int evals = 1;
  const double convtol = rel_tol * (std::fabs(f) + rel_tol);
  P(n1 - 1, 0) = f;
  for (int i = 0; i < n; ++i) P(i, 0) = b[i];
  int L = 1;
  double step = 0;
  for (int i = 0; i < n; ++i) step = std::max(step, 0.1 * std::fabs(b[i]));
  if (step == 0.0) step = 0.1;
  double size = 0;
  for (int j = 2; j <= n1; ++j) {
    for (int i = 0; i < n; ++i) P(i, j - 1) = b[i];
    double trystep = step;
    while (P(j - 2, j - 1) == b[j - 2]) {
      P(j - 2, j - 1) = b[j - 2] + trystep;
      trystep *= 10;
    }
    size += trystep;
  }
  double oldsize = size;
  bool calcvert = true;
  auto eval_at = [&](const double* point) {
    double v = fn(point);
    ++evals;
    return std::isfinite(v) ? v : kBig;
  };
  std::vector<double> point(static_cast<size_t>(n));
  for (;;) {
    if (calcvert) {
      for (int j = 0; j < n1; ++j) {
        if (j + 1 != L) {
          for (int i = 0; i < n; ++i) point[i] = P(i, j);
          P(n1 - 1, j) = eval_at(point.data());
        }
      }
      calcvert = false;
    }
    double VL = P(n1 - 1, L - 1), VH = VL;
    int H = L;
    for (int j = 1; j <= n1; ++j) {
      if (j != L) {
        const double fj = P(n1 - 1, j - 1);
        if (fj < VL) {
          L = j;
          VL = fj;
        }
        if (fj > VH) {
          H = j;
          VH = fj;
        }
      }
    }
    if (VH <= VL + convtol) break;
    for (int i = 0; i < n; ++i) {
      double temp = -P(i, H - 1);
      for (int j = 0; j < n1; ++j) temp += P(i, j);
      P(i, cols - 1) = temp / n;
    }
    for (int i = 0; i < n; ++i) point[i] = 2.0 * P(i, cols - 1) - P(i, H - 1);
    const double VR = eval_at(point.data());
    if (VR < VL) {
      P(n1 - 1, cols - 1) = VR;
      for (int i = 0; i < n; ++i) {
        const double e = 2.0 * point[i] - P(i, cols - 1);
        P(i, cols - 1) = point[i];
        point[i] = e;
      }
      const double VE = eval_at(point.data());
      if (VE < VR) {
        for (int i = 0; i < n; ++i) P(i, H - 1) = point[i];
        P(n1 - 1, H - 1) = VE;
      } else {
        for (int i = 0; i < n; ++i) P(i, H - 1) = P(i, cols - 1);
        P(n1 - 1, H - 1) = VR;
      }
    } else {
      if (VR < VH) {
        for (int i = 0; i < n; ++i) P(i, H - 1) = point[i];
        P(n1 - 1, H - 1) = VR;
      }
      for (int i = 0; i < n; ++i) point[i] = 0.5 * P(i, H - 1) + 0.5 * P(i, cols - 1);
      const double VC = eval_at(point.data());
      if (VC < P(n1 - 1, H - 1)) {
        for (int i = 0; i < n; ++i) P(i, H - 1) = point[i];
        P(n1 - 1, H - 1) = VC;
      } else if (VR >= VH) {
        calcvert = true;
        size = 0;
        for (int j = 0; j < n1; ++j) {
          if (j + 1 != L) {
            for (int i = 0; i < n; ++i) {
              P(i, j) = 0.5 * (P(i, j) - P(i, L - 1)) + P(i, L - 1);
              size += std::fabs(P(i, j) - P(i, L - 1));
            }
          }
        }
        if (size < oldsize) {
          oldsize = size;
        } else {
          break;
        }
      }
    }
    if (evals > max_evals) break;
  }
  for (int i = 0; i < n; ++i) x[i] = P(i, L - 1);
  return P(n1 - 1, L - 1);
}

// Ordinary least squares of y on the columns of X (row-major, rows x cols) by the normal
// equations with Gaussian elimination; cols <= 4 here. False when singular.
bool LeastSquares(const std::vector<double>& X, const std::vector<double>& y, int cols,
                  std::vector<double>* coef) {
  const size_t rows = y.size();
  double A[4][5] = {};
  for (size_t r = 0; r < rows; ++r) {
    for (int i = 0; i < cols; ++i) {
      for (int j = 0; j < cols; ++j) A[i][j] += X[r * cols + i] * X[r * cols + j];
      A[i][cols] += X[r * cols + i] * y[r];
    }
  }
  for (int c = 0; c < cols; ++c) {
    int piv = c;
    for (int r = c + 1; r < cols; ++r) {
      if (std::fabs(A[r][c]) > std::fabs(A[piv][c])) piv = r;
    }
    if (std::fabs(A[piv][c]) < 1e-300) return false;
    std::swap(A[c], A[piv]);
    for (int r = 0; r < cols; ++r) {
      if (r == c) continue;
      const double fct = A[r][c] / A[c][c];
      for (int k = c; k <= cols; ++k) A[r][k] -= fct * A[c][k];
    }
  }
  coef->resize(static_cast<size_t>(cols));
  for (int c = 0; c < cols; ++c) (*coef)[c] = A[c][cols] / A[c][c];
  return true;
}

// stats::decompose's seasonal figure (centred moving average trend, per-position mean of the
// detrended values, centred), repeated over the series from its first value.
std::vector<double> DecomposeSeasonal(const std::vector<double>& y, int m, bool multiplicative) {
  const size_t n = y.size();
  std::vector<double> w;
  if (m % 2 == 0) {
    w.assign(static_cast<size_t>(m) + 1, 1.0 / m);
    w.front() = w.back() = 0.5 / m;
  } else {
    w.assign(static_cast<size_t>(m), 1.0 / m);
  }
  const size_t half = w.size() / 2;
  std::vector<double> sum(static_cast<size_t>(m), 0.0);
  std::vector<int> count(static_cast<size_t>(m), 0);
  for (size_t t = half; t + half < n; ++t) {
    double trend = 0;
    for (size_t k = 0; k < w.size(); ++k) trend += w[k] * y[t - half + k];
    const double detrended = multiplicative ? y[t] / trend : y[t] - trend;
    if (std::isfinite(detrended)) {
      sum[t % static_cast<size_t>(m)] += detrended;
      ++count[t % static_cast<size_t>(m)];
    }
  }
  std::vector<double> figure(static_cast<size_t>(m));
  double mean = 0;
  for (int i = 0; i < m; ++i) {
    figure[i] = count[i] > 0 ? sum[i] / count[i] : (multiplicative ? 1.0 : 0.0);
    mean += figure[i] / m;
  }
  for (double& v : figure) v = multiplicative ? v / mean : v - mean;
  std::vector<double> seasonal(n);
  for (size_t t = 0; t < n; ++t) seasonal[t] = figure[t % static_cast<size_t>(m)];
  return seasonal;
}

// forecast:::initparam: start values inside the bounds.
Smoothing StartValues(const Form& form, int m, Bounds bounds) {
  double lower[4], upper[4];
  std::copy(kLower, kLower + 4, lower);
  std::copy(kUpper, kUpper + 4, upper);
  if (bounds == Bounds::kAdmissible) {
    for (int i = 0; i < 3; ++i) {
      lower[i] = 0;
      upper[i] = 0.001;
    }
  }
  Smoothing p;
  p.alpha = lower[0] + 0.2 * (upper[0] - lower[0]) / m;
  if (p.alpha > 1 || p.alpha < 0) p.alpha = lower[0] + 0.002;
  if (form.trend != Kind::kNone) {
    upper[1] = std::min(upper[1], p.alpha);
    p.beta = lower[1] + 0.1 * (upper[1] - lower[1]);
    if (p.beta < 0 || p.beta > p.alpha) p.beta = p.alpha - 0.001;
  }
  if (form.season != Kind::kNone) {
    upper[2] = std::min(upper[2], 1 - p.alpha);
    p.gamma = lower[2] + 0.05 * (upper[2] - lower[2]);
    if (p.gamma < 0 || p.gamma > 1 - p.alpha) p.gamma = 1 - p.alpha - 0.001;
  }
  if (form.damped) {
    p.phi = lower[3] + 0.99 * (upper[3] - lower[3]);
    if (p.phi < 0 || p.phi > 1) p.phi = upper[3] - 0.001;
  }
  return p;
}

}  // namespace

std::string FormCode(const Form& form) {
  auto letter = [](Kind k) { return k == Kind::kNone ? 'N' : k == Kind::kAdditive ? 'A' : 'M'; };
  std::string code(1, letter(form.error));
  code += letter(form.trend);
  if (form.damped) code += 'd';
  code += letter(form.season);
  return code;
}

bool ParseForm(std::string_view code, Form* form) {
  auto kind = [](char c, Kind* k) {
    switch (c) {
      case 'N':
        *k = Kind::kNone;
        return true;
      case 'A':
        *k = Kind::kAdditive;
        return true;
      case 'M':
        *k = Kind::kMultiplicative;
        return true;
      default:
        return false;
    }
  };
  Form f;
  f.damped = code.size() == 4 && code[2] == 'd';
  if (code.size() != (f.damped ? 4u : 3u)) return false;
  if (!kind(code[0], &f.error) || !kind(code[1], &f.trend) || !kind(code.back(), &f.season)) {
    return false;
  }
  if (f.error == Kind::kNone) return false;
  *form = f;
  return true;
}

std::string FormName(const Form& form) {
  const std::string code = FormCode(form);
  std::string name = "ETS(";
  name += code[0];
  name += ',';
  name += code.substr(1, code.size() - 2);
  name += ',';
  name += code.back();
  name += ')';
  return name;
}

bool Forbidden(const Form& form) {
  if (form.damped && form.trend == Kind::kNone) return true;
  if (form.error == Kind::kAdditive &&
      (form.trend == Kind::kMultiplicative || form.season == Kind::kMultiplicative)) {
    return true;
  }
  return form.error == Kind::kMultiplicative && form.trend == Kind::kMultiplicative &&
         form.season == Kind::kAdditive;
}

SeriesData PrepareSeries(std::span<const double> y) {
  SeriesData d;
  d.y = y;
  d.positive = true;
  d.filled.assign(y.begin(), y.end());
  size_t last = y.size();  // last observed index seen
  for (size_t t = 0; t < y.size(); ++t) {
    if (std::isnan(y[t])) continue;
    ++d.num_observed;
    if (!(y[t] > 0)) d.positive = false;
    if (last != y.size() && t > last + 1) {
      const double step = (y[t] - y[last]) / static_cast<double>(t - last);
      for (size_t k = last + 1; k < t; ++k)
        d.filled[k] = y[last] + step * static_cast<double>(k - last);
    }
    last = t;
  }
  for (size_t k = last + 1; last != y.size() && k < y.size(); ++k) d.filled[k] = y[last];
  return d;
}

bool InitialStates(const std::vector<double>& y, Kind trend, Kind season, int m,
                   std::vector<double>* state) {
  const size_t n = y.size();
  std::vector<double> sa = y;  // seasonally adjusted
  std::vector<double> init_seas;
  if (season != Kind::kNone) {
    if (n < 4) return false;
    const bool mult = season == Kind::kMultiplicative;
    std::vector<double> seasonal;
    const size_t decompose_from =
        static_cast<size_t>(m) > 24 ? 2 * static_cast<size_t>(m) : 3 * static_cast<size_t>(m);
    if (n < decompose_from) {
      // Linear trend + one Fourier pair: y ~ a + b t + sin(2 pi t / m) + cos(2 pi t / m).
      const int cols = m == 2 ? 3 : 4;  // sin(pi t) vanishes for m = 2
      std::vector<double> X(n * static_cast<size_t>(cols));
      for (size_t t = 0; t < n; ++t) {
        const double tt = static_cast<double>(t + 1);
        X[t * cols] = 1;
        X[t * cols + 1] = tt;
        const double ang = 2 * std::numbers::pi * tt / m;
        if (cols == 4) {
          X[t * cols + 2] = std::sin(ang);
          X[t * cols + 3] = std::cos(ang);
        } else {
          X[t * cols + 2] = std::cos(ang);
        }
      }
      std::vector<double> coef;
      if (!LeastSquares(X, y, cols, &coef)) return false;
      seasonal.resize(n);
      for (size_t t = 0; t < n; ++t) {
        const double fit = coef[0] + coef[1] * static_cast<double>(t + 1);
        seasonal[t] = mult ? y[t] / fit : y[t] - fit;
      }
    } else {
      seasonal = DecomposeSeasonal(y, m, mult);
    }
    // rev(seasonal[2:m]): R's s_1 .. s_{m-1}.
    init_seas.resize(static_cast<size_t>(m) - 1);
    for (int k = 0; k < m - 1; ++k) init_seas[k] = seasonal[static_cast<size_t>(m - 1 - k)];
    if (!mult) {
      for (size_t t = 0; t < n; ++t) sa[t] = y[t] - seasonal[t];
    } else {
      double s = 0;
      for (double& v : init_seas) {
        v = std::max(v, 0.01);
        s += v;
      }
      if (s > m) {
        const double denom = s + 0.01 * static_cast<double>(init_seas.size());
        for (double& v : init_seas) v /= denom;
      }
      for (size_t t = 0; t < n; ++t) sa[t] = y[t] / std::max(seasonal[t], 0.01);
    }
  } else {
    m = 1;
  }
  const size_t maxn = std::min(static_cast<size_t>(std::max(10, 2 * m)), n);
  if (maxn == 0) return false;
  state->clear();
  if (trend == Kind::kNone) {
    double s = 0;
    for (size_t t = 0; t < maxn; ++t) s += sa[t];
    state->push_back(s / static_cast<double>(maxn));
  } else {
    if (maxn < 2) return false;
    std::vector<double> X(2 * maxn), ys(sa.begin(), sa.begin() + static_cast<long>(maxn));
    for (size_t t = 0; t < maxn; ++t) {
      X[2 * t] = 1;
      X[2 * t + 1] = static_cast<double>(t + 1);
    }
    std::vector<double> coef;
    if (!LeastSquares(X, ys, 2, &coef)) return false;
    double l0 = 0, b0 = 0;
    if (trend == Kind::kAdditive) {
      l0 = coef[0];
      b0 = coef[1];
      if (std::fabs(l0 + b0) < 1e-8) {
        l0 *= 1 + 0.001;
        b0 *= 1 - 0.001;
      }
    } else {
      l0 = coef[0] + coef[1];
      if (std::fabs(l0) < 1e-8) l0 = 1e-7;
      b0 = (coef[0] + 2 * coef[1]) / l0;
      l0 = l0 / b0;
      if (std::fabs(b0) > 1e10) b0 = b0 > 0 ? 1e10 : -1e10;
      if (l0 < 1e-8 || b0 < 1e-8) {
        l0 = std::max(sa[0], 1e-3);
        b0 = std::max(sa[1] / sa[0], 1e-3);
      }
    }
    state->push_back(l0);
    state->push_back(b0);
  }
  state->insert(state->end(), init_seas.begin(), init_seas.end());
  return true;
}

bool FitForm(const SeriesData& data, const Form& form, int m, const FitOptions& options, Fit* fit) {
  if (form.season == Kind::kNone) m = 1;
  const bool seasonal = form.season != Kind::kNone;
  const bool opt_seas = seasonal && m <= options.max_optimised_season;
  const int nsmooth = 1 + (form.trend != Kind::kNone) + seasonal + form.damped;
  std::vector<double> init;
  if (!InitialStates(data.filled, form.trend, form.season, m, &init)) return false;
  const int nlb = 1 + (form.trend != Kind::kNone);  // level (+ trend) states
  const int nopt_state = !options.optimise_initial_states ? 0
                         : opt_seas                       ? static_cast<int>(init.size())
                                                          : nlb;
  const int npar = nsmooth + nopt_state;
  if (npar >= data.num_observed - 1) return false;

  Smoothing start = StartValues(form, m, options.bounds);
  std::vector<double> poly;
  if (!ParamsOk(form, start, m, options.bounds, poly)) return false;
  std::vector<double> x;
  x.push_back(start.alpha);
  if (form.trend != Kind::kNone) x.push_back(start.beta);
  if (seasonal) x.push_back(start.gamma);
  if (form.damped) x.push_back(start.phi);
  x.insert(x.end(), init.begin(), init.begin() + nopt_state);

  const int nstate = StateSize(form, m);
  // The states not optimised keep their heuristic values.
  std::vector<double> state(static_cast<size_t>(nstate));
  std::copy(init.begin(), init.end(), state.begin());
  const int soff = nlb;
  std::vector<double> ring(static_cast<size_t>(std::max(m, 1)));
  const FilterFn filter = PickFilter<false>(form);
  const bool mult_season = form.season == Kind::kMultiplicative;

  // Smoothing parameters and full initial state from an optimiser point; false when outside
  // the bounds or with a negative multiplicative seasonal state.
  auto unpack = [&](const double* p, Smoothing* s) {
    int i = 0;
    s->alpha = p[i++];
    s->beta = form.trend != Kind::kNone ? p[i++] : 0.0;
    s->gamma = seasonal ? p[i++] : 0.0;
    s->phi = form.damped ? p[i++] : 1.0;
    if (!ParamsOk(form, *s, m, options.bounds, poly)) return false;
    for (int k = 0; k < nopt_state; ++k) state[k] = p[nsmooth + k];
    if (seasonal) {
      // The last seasonal state keeps the season normalised (sum 0, or m when multiplicative).
      double sum = 0;
      for (int k = 0; k + 1 < m; ++k) sum += state[soff + k];
      state[soff + m - 1] = (mult_season ? m : 0) - sum;
      if (mult_season) {
        for (int k = 0; k < m; ++k) {
          if (state[soff + k] < 0) return false;
        }
      }
    }
    return true;
  };
  auto objective = [&](const double* p) {
    Smoothing s;
    if (!unpack(p, &s)) return kInf;
    double lik = filter(data.y, m, state.data(), s, ring.data(), nullptr, nullptr, nullptr);
    if (std::isnan(lik)) return kInf;
    if (lik < -1e10) lik = -1e10;  // a perfect fit
    return lik;
  };
  std::vector<double> work;
  const double best = NelderMead(objective, x, options.max_iterations, options.rel_tol, work);
  if (!std::isfinite(best) || best >= kBig) return false;
  Smoothing par;
  if (!unpack(x.data(), &par)) return false;

  fit->form = form;
  fit->m = m;
  fit->par = par;
  fit->initial_state = state;
  fit->final_state.assign(static_cast<size_t>(nstate), 0.0);
  fit->fitted.assign(data.y.size(), 0.0);
  double sse = 0;
  const double lik = PickFilter<true>(form)(data.y, m, state.data(), par, ring.data(),
                                            fit->fitted.data(), fit->final_state.data(), &sse);
  if (!std::isfinite(lik)) return false;
  const double ny = data.num_observed;
  const int np = npar + 1;  // + sigma
  fit->lik = lik;
  fit->aic = lik + 2.0 * np;
  fit->bic = lik + std::log(ny) * np;
  fit->aicc = fit->aic + 2.0 * np * (np + 1) / (ny - np - 1);
  fit->num_params = np;
  fit->num_observed = data.num_observed;
  fit->sigma2 = sse / (ny - npar);
  return true;
}

bool FitShortSeries(const SeriesData& data, Fit* fit) {
  const std::span<const double> y = data.y;
  if (data.num_observed < 2 || y.empty() || std::isnan(y[0])) return false;
  const double l_start = y[0];
  const double b_start = y.size() > 1 && !std::isnan(y[1]) ? y[1] - y[0] : 0.0;
  // zzhw: Holt-Winters recursion from l_start (and b_start), sum of squared errors.
  auto sse_of = [&](double alpha, double beta_hw, bool trend, std::vector<double>* fitted,
                    double* l_end, double* b_end) {
    double l = l_start, b = trend ? b_start : 0.0, sse = 0;
    for (size_t t = 0; t < y.size(); ++t) {
      const double f = l + b;
      if (fitted != nullptr) (*fitted)[t] = f;
      const double yt = std::isnan(y[t]) ? f : y[t];
      sse += (yt - f) * (yt - f);
      const double l_new = alpha * yt + (1 - alpha) * (l + b);
      if (trend) b = beta_hw * (l_new - l) + (1 - beta_hw) * b;
      l = l_new;
    }
    if (l_end != nullptr) *l_end = l;
    if (b_end != nullptr) *b_end = b;
    return sse;
  };
  std::vector<double> work;
  double best_sigma2 = kInf;
  for (bool trend : {true, false}) {
    std::vector<double> x = trend ? std::vector<double>{0.2, 0.02} : std::vector<double>{0.2};
    auto objective = [&](const double* p) {
      const double beta = trend ? p[1] : 0.0;
      if (p[0] < 0 || p[0] > 1 || beta < 0 || beta > 1) return kInf;
      return sse_of(p[0], beta, trend, nullptr, nullptr, nullptr);
    };
    const double sse = NelderMead(objective, x, 2000, 1.4901161193847656e-08, work);
    if (!std::isfinite(sse)) continue;
    const double sigma2 = sse / data.num_observed;
    if (sigma2 < best_sigma2) {
      best_sigma2 = sigma2;
      fit->form = Form{Kind::kAdditive, trend ? Kind::kAdditive : Kind::kNone, Kind::kNone, false};
      fit->m = 1;
      fit->par = Smoothing{x[0], trend ? x[0] * x[1] : 0.0, 0.0, 1.0};
      fit->fitted.assign(y.size(), 0.0);
      double l_end = 0, b_end = 0;
      sse_of(x[0], trend ? x[1] : 0.0, trend, &fit->fitted, &l_end, &b_end);
      fit->initial_state =
          trend ? std::vector<double>{l_start, b_start} : std::vector<double>{l_start};
      fit->final_state = trend ? std::vector<double>{l_end, b_end} : std::vector<double>{l_end};
      fit->sigma2 = sigma2;
      fit->num_params = static_cast<int>(x.size()) + 1;
      fit->num_observed = data.num_observed;
      fit->lik = fit->aic = fit->aicc = fit->bic = kInf;
    }
  }
  return std::isfinite(best_sigma2);
}

std::vector<double> PointForecast(const Form& form, int m, const Smoothing& par,
                                  std::span<const double> state, int horizon) {
  std::vector<double> f(static_cast<size_t>(horizon));
  const double l = state[0];
  const double b = form.trend != Kind::kNone ? state[1] : 0.0;
  const int soff = form.trend != Kind::kNone ? 2 : 1;
  const double phi = form.damped ? par.phi : 1.0;
  double phistar = phi;
  for (int i = 0; i < horizon; ++i) {
    double v = l;
    if (form.trend == Kind::kAdditive) {
      v = l + phistar * b;
    } else if (form.trend == Kind::kMultiplicative) {
      v = b < 0 ? std::numeric_limits<double>::quiet_NaN() : l * std::pow(b, phistar);
    }
    if (form.season != Kind::kNone) {
      int j = m - 1 - i;
      while (j < 0) j += m;
      v = form.season == Kind::kAdditive ? v + state[soff + j] : v * state[soff + j];
    }
    f[i] = v;
    phistar += std::fabs(phi - 1.0) < kTol ? 1.0 : std::pow(phi, i + 1);
  }
  return f;
}

bool HasAnalyticVariance(const Form& form) { return form.trend != Kind::kMultiplicative; }

namespace {

// Class 1 (forecast:::class1): c_j = H F^(j-1) G, var_h = sigma2 (1 + sum_{j<h} c_j^2).
// F, G and H are applied through the structure of the state instead of as matrices.
std::vector<double> Class1Coefficients(const Form& form, int m, const Smoothing& par, int p,
                                       int horizon) {
  const bool trend = form.trend != Kind::kNone, season = form.season != Kind::kNone;
  const double phi = form.damped ? par.phi : 1.0;
  std::vector<double> v(static_cast<size_t>(p), 0.0), next(static_cast<size_t>(p));
  v[0] = par.alpha;
  if (trend) v[1] = par.beta;
  if (season) v[trend ? 2 : 1] = par.gamma;
  const int soff = trend ? 2 : 1;
  std::vector<double> c(static_cast<size_t>(std::max(horizon - 1, 0)));
  for (int j = 0; j + 1 < horizon; ++j) {
    double h = v[0];
    if (trend) h += phi * v[1];
    if (season) h += v[p - 1];
    c[j] = h;
    next[0] = v[0] + (trend ? phi * v[1] : 0.0);
    if (trend) next[1] = phi * v[1];
    if (season) {
      next[soff] = v[p - 1];
      for (int k = 1; k < m; ++k) next[soff + k] = v[soff + k - 1];
    }
    v.swap(next);
  }
  return c;
}

// Small dense matrices for class 3 (sizes up to 2m x 2m).
struct Mat {
  int r = 0, c = 0;
  std::vector<double> a;
  Mat() = default;
  Mat(int rows, int cols) : r(rows), c(cols), a(static_cast<size_t>(rows) * cols, 0.0) {}
  double& operator()(int i, int j) { return a[static_cast<size_t>(i) * c + j]; }
  double operator()(int i, int j) const { return a[static_cast<size_t>(i) * c + j]; }
};

Mat Kron(const Mat& A, const Mat& B) {
  Mat K(A.r * B.r, A.c * B.c);
  for (int i = 0; i < A.r; ++i)
    for (int j = 0; j < A.c; ++j)
      for (int k = 0; k < B.r; ++k)
        for (int l = 0; l < B.c; ++l) K(i * B.r + k, j * B.c + l) = A(i, j) * B(k, l);
  return K;
}

// A * X * B^T, skipping the zeros of A and B (the Kronecker products here are sparse).
Mat Sandwich(const Mat& A, const Mat& X, const Mat& B) {
  Mat T(A.r, X.c);
  for (int i = 0; i < A.r; ++i)
    for (int k = 0; k < A.c; ++k) {
      const double aik = A(i, k);
      if (aik == 0) continue;
      for (int j = 0; j < X.c; ++j) T(i, j) += aik * X(k, j);
    }
  Mat R(A.r, B.r);
  for (int j = 0; j < B.r; ++j)
    for (int k = 0; k < B.c; ++k) {
      const double bjk = B(j, k);
      if (bjk == 0) continue;
      for (int i = 0; i < T.r; ++i) R(i, j) += bjk * T(i, k);
    }
  return R;
}

void AddScaled(Mat& to, const Mat& from, double s) {
  for (size_t i = 0; i < to.a.size(); ++i) to.a[i] += s * from.a[i];
}

// Class 3 (forecast:::class3): moments of the product of the level/trend part and the seasonal
// part, propagated with Kronecker products (Hyndman et al. 2008, section 6.5).
void Class3(const Form& form, int m, const Smoothing& par, std::span<const double> state,
            double sigma2, int horizon, std::vector<double>* mean, std::vector<double>* var) {
  const int d1 = form.trend != Kind::kNone ? 2 : 1;
  const double phi = form.damped ? par.phi : 1.0;
  Mat H1(1, d1), H2(1, m), F1(d1, d1), G1(d1, d1), F2(m, m), G2(m, m);
  for (int j = 0; j < d1; ++j) H1(0, j) = 1;
  H2(0, m - 1) = 1;
  if (d1 == 1) {
    F1(0, 0) = 1;
    G1(0, 0) = par.alpha;
  } else {
    F1(0, 0) = 1;
    F1(0, 1) = 1;
    F1(1, 1) = phi;
    G1(0, 0) = G1(0, 1) = par.alpha;
    G1(1, 0) = G1(1, 1) = par.beta;
  }
  F2(0, m - 1) = 1;
  for (int i = 1; i < m; ++i) F2(i, i - 1) = 1;
  G2(0, m - 1) = par.gamma;
  Mat Mh(d1, m);
  for (int i = 0; i < d1; ++i)
    for (int j = 0; j < m; ++j) Mh(i, j) = state[i] * state[d1 + j];
  const int N = d1 * m;
  Mat Vh(N, N);
  const Mat H21 = Kron(H2, H1), F21 = Kron(F2, F1), G21 = Kron(G2, G1);
  Mat K = Kron(G2, F1);
  AddScaled(K, Kron(F2, G1), 1.0);
  mean->assign(static_cast<size_t>(horizon), 0.0);
  var->assign(static_cast<size_t>(horizon), 0.0);
  Mat vv(N, N), tmp(N, N);
  for (int i = 0; i < horizon; ++i) {
    // mu = H1 Mh H2' = sum of column m-1 of Mh over the d1 rows.
    double mu = 0;
    for (int k = 0; k < d1; ++k) mu += Mh(k, m - 1);
    (*mean)[i] = mu;
    const Mat hv = Sandwich(H21, Vh, H21);
    (*var)[i] = (1 + sigma2) * hv(0, 0) + sigma2 * mu * mu;
    // vec(Mh), column-major.
    std::vector<double> vec(static_cast<size_t>(N));
    for (int c = 0; c < m; ++c)
      for (int r = 0; r < d1; ++r) vec[static_cast<size_t>(c) * d1 + r] = Mh(r, c);
    for (int a = 0; a < N; ++a)
      for (int b = 0; b < N; ++b) vv(a, b) = vec[a] * vec[b];
    Mat next = Sandwich(F21, Vh, F21);
    Mat cross = Sandwich(F21, Vh, G21);
    AddScaled(cross, Sandwich(G21, Vh, F21), 1.0);
    for (size_t k = 0; k < tmp.a.size(); ++k) tmp.a[k] = Vh.a[k] + vv.a[k];
    AddScaled(cross, Sandwich(K, tmp, K), 1.0);
    for (size_t k = 0; k < tmp.a.size(); ++k) tmp.a[k] = 3 * Vh.a[k] + 2 * vv.a[k];
    AddScaled(cross, Sandwich(G21, tmp, G21), sigma2);
    AddScaled(next, cross, sigma2);
    Vh = std::move(next);
    // Mh = F1 Mh F2' + G1 Mh G2' sigma2.
    Mat m1 = Sandwich(F1, Mh, F2);
    AddScaled(m1, Sandwich(G1, Mh, G2), sigma2);
    Mh = std::move(m1);
  }
}

}  // namespace

void AnalyticForecast(const Form& form, int m, const Smoothing& par, std::span<const double> state,
                      double sigma2, int horizon, std::vector<double>* mean,
                      std::vector<double>* variance) {
  if (form.error == Kind::kMultiplicative && form.season == Kind::kMultiplicative) {
    Class3(form, m, par, state, sigma2, horizon, mean, variance);
    return;
  }
  *mean = PointForecast(form, m, par, state, horizon);
  const std::vector<double> c =
      Class1Coefficients(form, m, par, static_cast<int>(state.size()), horizon);
  variance->assign(static_cast<size_t>(horizon), 0.0);
  if (form.error == Kind::kAdditive) {
    double acc = 0;
    for (int h = 0; h < horizon; ++h) {
      if (h > 0) acc += c[h - 1] * c[h - 1];
      (*variance)[h] = sigma2 * (1 + acc);
    }
    return;
  }
  // Class 2 (forecast:::class2): theta_1 = mu_1^2, theta_j = mu_j^2 + sigma2 sum_{i<j}
  // c_i^2 theta_{j-i}; var_j = (1 + sigma2) theta_j - mu_j^2.
  std::vector<double> theta(static_cast<size_t>(horizon));
  for (int j = 0; j < horizon; ++j) {
    double s = 0;
    for (int i = 0; i < j; ++i) s += c[i] * c[i] * theta[j - 1 - i];
    theta[j] = (*mean)[j] * (*mean)[j] + sigma2 * s;
    (*variance)[j] = (1 + sigma2) * theta[j] - (*mean)[j] * (*mean)[j];
  }
}

std::vector<double> SimulatePaths(const Form& form, int m, const Smoothing& par,
                                  std::span<const double> state, double sigma2, int horizon,
                                  int paths, Rng& rng) {
  const double sd = std::sqrt(sigma2);
  const bool trend = form.trend != Kind::kNone, season = form.season != Kind::kNone;
  const int soff = trend ? 2 : 1;
  const double phi = form.damped ? par.phi : 1.0;
  const bool phi_one = std::fabs(phi - 1.0) < kTol;
  const double beta_star = trend ? par.beta / par.alpha : 0.0;
  std::vector<double> out(static_cast<size_t>(paths) * horizon);
  std::vector<double> ring(static_cast<size_t>(std::max(m, 1)));
  for (int p = 0; p < paths; ++p) {
    double l = state[0], b = trend ? state[1] : 0.0;
    if (season) {
      for (int j = 0; j < m; ++j) ring[j] = state[soff + m - 1 - j];
    }
    int k = 0;
    double* row = out.data() + static_cast<size_t>(p) * horizon;
    for (int t = 0; t < horizon; ++t) {
      double e = sd * rng.Normal();
      if (form.error == Kind::kMultiplicative) e = std::max(-1.0, e);
      double phib = 0, q = l;
      if (form.trend == Kind::kAdditive) {
        phib = phi * b;
        q = l + phib;
      } else if (form.trend == Kind::kMultiplicative) {
        if (b < 0) {
          std::fill(row, row + horizon, std::numeric_limits<double>::quiet_NaN());
          break;
        }
        phib = phi_one ? b : std::pow(b, phi);
        q = l * phib;
      }
      const double s_old = season ? ring[k] : 0.0;
      const double f = form.season == Kind::kAdditive         ? q + s_old
                       : form.season == Kind::kMultiplicative ? q * s_old
                                                              : q;
      const double yt = form.error == Kind::kAdditive ? f + e : f * (1 + e);
      row[t] = yt;
      double pv = yt;
      if (form.season == Kind::kAdditive) pv = yt - s_old;
      if (form.season == Kind::kMultiplicative) pv = std::fabs(s_old) < kTol ? kHuge : yt / s_old;
      const double l_new = q + par.alpha * (pv - q);
      if (form.trend == Kind::kAdditive) b = phib + beta_star * ((l_new - l) - phib);
      if (form.trend == Kind::kMultiplicative) {
        const double r = std::fabs(l) < kTol ? kHuge : l_new / l;
        b = phib + beta_star * (r - phib);
      }
      if (form.season == Kind::kAdditive) ring[k] = s_old + par.gamma * ((yt - q) - s_old);
      if (form.season == Kind::kMultiplicative) {
        const double ts = std::fabs(q) < kTol ? kHuge : yt / q;
        ring[k] = s_old + par.gamma * (ts - s_old);
      }
      l = l_new;
      if (season && ++k == m) k = 0;
    }
  }
  return out;
}

double Quantile8(std::span<const double> sorted, double p) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double n = static_cast<double>(sorted.size());
  // Hyndman & Fan (1996) definition 8: m = (p + 1) / 3, j = floor(n p + m), g = n p + m - j.
  const double h = n * p + (p + 1) / 3.0;
  const double j = std::floor(h);
  const double g = h - j;
  auto at = [&](double one_based) {
    return sorted[static_cast<size_t>(std::clamp(one_based, 1.0, n)) - 1];
  };
  return (1 - g) * at(j) + g * at(j + 1);
}

}  // namespace retailcast::models::ets
