// Numerical pieces shared by the theta family (theta.cc, auto_theta.cc) and the
// intermittent-demand family (intermittent.cc), private to src/models:
//   - RMean: R's mean() (long double sum plus one correction pass), so that averages agree
//     with R to the last bit where R's own code averages;
//   - NelderMead: the simplex minimiser of R's optim(method = "Nelder-Mead") (Nash 1990,
//     "Compact Numerical Methods for Computers", algorithm 19, as R's nmmin), which R's ets()
//     and forecTheta use; reproducing its steps reproduces their optima;
//   - BrentMinimize: Brent's (1973) bounded one-dimensional minimiser (golden section plus
//     parabolic interpolation), for smoothing constants;
//   - FitSes: simple exponential smoothing as R forecast 8.20's ses() (ets(x, "ANN",
//     opt.crit = "mse"), or HoltWintersZZ on series of at most 6 values);
//   - ThetaSeasonalAdjust: the seasonality test and multiplicative classical decomposition of
//     R's thetaf, which theta and auto_theta share.
// All functions are pure and thread-safe.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace retailcast::models {

// R's mean(x) of the non-NaN values: a long double sum divided by the count, then the mean
// of the deviations added back. NaN when there are none.
double RMean(std::span<const double> x);

struct NelderMeadOptions {
  // Stop when the simplex' highest and lowest values differ by at most
  // reltol * (|f(start)| + reltol): R's convergence test (optim's default reltol).
  double reltol = 1.4901161193847656e-08;  // sqrt(DBL_EPSILON)
  // Stop as soon as the lowest value is at most this.
  double abstol = -std::numeric_limits<double>::infinity();
  // Function evaluations allowed (R's maxit counts evaluations in nmmin).
  int max_evaluations = 2000;
};

struct NelderMeadResult {
  std::vector<double> x;  // best vertex
  double value = 0;       // f(x)
  int evaluations = 0;
  bool converged = false;  // false when max_evaluations ran out or a shrink did not shrink
};

// Minimises f(std::span<const double>) from `start`, taking R's nmmin steps exactly:
// initial simplex with the same step 0.1 * max|start_i| on every axis (0.1 when all are 0),
// reflection 1, contraction 0.5, expansion 2, and non-finite values replaced by 1e35 (so a
// function returns +inf outside its bounds). Requires a non-empty start with f finite there;
// otherwise returns start with converged = false.
template <typename F>
NelderMeadResult NelderMead(const F& f, std::vector<double> start,
                            const NelderMeadOptions& options = {});

// Minimises f(double) on [lo, hi] by Brent's method to an absolute tolerance about `tol`
// in the argument; returns the argument of the smallest value found. Requires lo <= hi.
template <typename F>
double BrentMinimize(const F& f, double lo, double hi, double tol = 1e-10);

// A simple exponential smoothing fit. Missing values (NaN) are skipped: the level is not
// updated there and the fitted value is the current level.
struct SesFit {
  double alpha = 0;
  double level0 = 0;  // initial level l_0
  double level = 0;   // l_n, the forecast of every future period
  double sigma2 = 0;  // residual variance used for R's intervals (see FitSes)
  size_t observed = 0;
  std::vector<double> fitted;  // one-step forecasts l_{t-1}, aligned with x
};

// R forecast's ses(x) with optimal initialisation. With more than 6 observed values:
// ets(x, "ANN", opt.crit = "mse"): alpha in [1e-4, 0.9999] and l_0 minimise the mean squared
// one-step error by NelderMead from alpha = 0.20008, l_0 = mean of the first min(10, n)
// observed values; sigma2 = SSE / (n - 2). With 3 to 6 observed values (ets' "n <= npars + 4"
// fallback, HoltWintersZZ): l_0 = the first observed value, alpha in [0, 1] minimises the SSE
// (by BrentMinimize; R uses L-BFGS-B from alpha = 0.2 / m, the same minimum when the SSE is
// unimodal), sigma2 = SSE / n. Requires at least 3 observed values.
SesFit FitSes(std::span<const double> x);

// Simple exponential smoothing with a given alpha and l_0, as R's HoltWintersZZ: l_t =
// alpha * x_t + (1 - alpha) * l_{t-1} over the observed values. Returns l_n; when `fitted` is
// not null it receives the one-step forecasts (l_{t-1}) aligned with x. Returns the sum of
// squared one-step errors through `sse` when not null.
double SesFilter(std::span<const double> x, double alpha, double level0,
                 std::vector<double>* fitted = nullptr, double* sse = nullptr);

// The seasonal adjustment of R forecast 8.20's thetaf, shared by theta and auto_theta.
struct SeasonalAdjustment {
  bool seasonal = false;         // the seasonality test passed and the indices are usable
  std::vector<double> adjusted;  // the series divided by its seasonal indices (or the series)
  std::vector<double> indices;   // seasonal index of every period of the series; empty when
                                 // not seasonal
};

// thetaf's rule: with m > 1, a non-constant series and n > 2m, the series is seasonal when
// |r_m| / sqrt((1 + 2 sum_{k<m} r_k^2) / n) > qnorm(0.95) (r_k the lag-k autocorrelation,
// Assimakopoulos & Nikolopoulos 2000's 90 % test). A seasonal series is divided by the
// seasonal indices of R's decompose(x, "multiplicative"). As in R, when an index is below
// 1e-4 in absolute value the series is left unadjusted but the indices are still kept (and
// multiply the forecasts), and indices that are not finite (a decomposition that failed, e.g.
// a season position never observed) mean no seasonal adjustment at all. Missing values: the
// autocorrelations use the observed pairs (R's na.pass), decompose skips NaN ratios.
SeasonalAdjustment ThetaSeasonalAdjust(std::span<const double> y, int m);

// ---------------------------------------------------------------------------------------
// Template definitions.

template <typename F>
NelderMeadResult NelderMead(const F& f, std::vector<double> start,
                            const NelderMeadOptions& options) {
  constexpr double kBig = 1.0e35;
  constexpr double kReflect = 1.0, kContract = 0.5, kExpand = 2.0;
  NelderMeadResult result;
  const size_t n = start.size();
  double f0 = f(std::span<const double>(start));
  result.evaluations = 1;
  if (n == 0 || !std::isfinite(f0)) {
    result.value = f0;
    result.x = std::move(start);
    return result;
  }
  const double convtol = options.reltol * (std::fabs(f0) + options.reltol);
  // vertex[j] (j = 0..n) and the centroid share one layout: p[j][i], values in fv[j].
  const size_t n1 = n + 1;
  std::vector<std::vector<double>> p(n1, start);
  std::vector<double> fv(n1, 0.0), centroid(n, 0.0), trial(n, 0.0);
  fv[0] = f0;
  double step = 0;
  for (double v : start) step = std::max(step, 0.1 * std::fabs(v));
  if (step == 0.0) step = 0.1;
  double size = 0;
  for (size_t j = 1; j < n1; ++j) {
    double trystep = step;
    while (p[j][j - 1] == start[j - 1]) {
      p[j][j - 1] = start[j - 1] + trystep;
      trystep *= 10;
    }
    size += trystep;
  }
  double oldsize = size;
  size_t lo = 0;
  bool calcvert = true;
  auto eval = [&](const std::vector<double>& x) {
    const double v = f(std::span<const double>(x));
    ++result.evaluations;
    return std::isfinite(v) ? v : kBig;
  };
  for (;;) {
    if (calcvert) {
      for (size_t j = 0; j < n1; ++j) {
        if (j != lo) fv[j] = eval(p[j]);
      }
      calcvert = false;
    }
    double vl = fv[lo], vh = vl;
    size_t hi = lo;
    for (size_t j = 0; j < n1; ++j) {
      if (j == lo) continue;
      if (fv[j] < vl) {
        lo = j;
        vl = fv[j];
      }
      if (fv[j] > vh) {
        hi = j;
        vh = fv[j];
      }
    }
    if (vh <= vl + convtol || vl <= options.abstol) {
      result.converged = true;
      break;
    }
    for (size_t i = 0; i < n; ++i) {
      double sum = -p[hi][i];
      for (size_t j = 0; j < n1; ++j) sum += p[j][i];
      centroid[i] = sum / static_cast<double>(n);
    }
    for (size_t i = 0; i < n; ++i) {
      trial[i] = (1.0 + kReflect) * centroid[i] - kReflect * p[hi][i];
    }
    const double vr = eval(trial);
    if (vr < vl) {
      // Try the expansion; the reflected point waits in `centroid`'s place.
      std::vector<double> expanded(n);
      for (size_t i = 0; i < n; ++i) {
        expanded[i] = kExpand * trial[i] + (1 - kExpand) * centroid[i];
      }
      const double ve = eval(expanded);
      if (ve < vr) {
        p[hi] = std::move(expanded);
        fv[hi] = ve;
      } else {
        p[hi] = trial;
        fv[hi] = vr;
      }
    } else {
      if (vr < vh) {
        p[hi] = trial;
        fv[hi] = vr;
      }
      for (size_t i = 0; i < n; ++i) {
        trial[i] = (1 - kContract) * p[hi][i] + kContract * centroid[i];
      }
      const double vc = eval(trial);
      if (vc < fv[hi]) {
        p[hi] = trial;
        fv[hi] = vc;
      } else if (vr >= vh) {
        calcvert = true;
        size = 0.0;
        for (size_t j = 0; j < n1; ++j) {
          if (j == lo) continue;
          for (size_t i = 0; i < n; ++i) {
            p[j][i] = kContract * (p[j][i] - p[lo][i]) + p[lo][i];
            size += std::fabs(p[j][i] - p[lo][i]);
          }
        }
        if (size < oldsize) {
          oldsize = size;
        } else {
          break;  // the shrink did not shrink: R's fail code 10
        }
      }
    }
    if (result.evaluations > options.max_evaluations) break;
  }
  result.x = p[lo];
  result.value = fv[lo];
  return result;
}

template <typename F>
double BrentMinimize(const F& f, double lo, double hi, double tol) {
  // Brent (1973), "Algorithms for Minimization without Derivatives", chapter 5.
  const double golden = 0.5 * (3.0 - std::sqrt(5.0));
  double a = lo, b = hi;
  double x = a + golden * (b - a), w = x, v = x;
  double fx = f(x), fw = fx, fv = fx;
  double d = 0, e = 0;
  for (int iter = 0; iter < 200; ++iter) {
    const double mid = 0.5 * (a + b);
    const double tol1 = 1.4901161193847656e-08 * std::fabs(x) + tol / 3.0;
    const double tol2 = 2.0 * tol1;
    if (std::fabs(x - mid) <= tol2 - 0.5 * (b - a)) break;
    bool golden_step = true;
    if (std::fabs(e) > tol1) {
      // Parabola through x, w, v.
      double r = (x - w) * (fx - fv);
      double q = (x - v) * (fx - fw);
      double pnum = (x - v) * q - (x - w) * r;
      q = 2.0 * (q - r);
      if (q > 0) pnum = -pnum;
      q = std::fabs(q);
      const double etemp = e;
      e = d;
      if (std::fabs(pnum) < std::fabs(0.5 * q * etemp) && pnum > q * (a - x) &&
          pnum < q * (b - x)) {
        d = pnum / q;
        const double u = x + d;
        if (u - a < tol2 || b - u < tol2) d = x < mid ? tol1 : -tol1;
        golden_step = false;
      }
    }
    if (golden_step) {
      e = (x < mid ? b : a) - x;
      d = golden * e;
    }
    const double u = std::fabs(d) >= tol1 ? x + d : (d > 0 ? x + tol1 : x - tol1);
    const double fu = f(u);
    if (fu <= fx) {
      (u < x ? b : a) = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      (u < x ? a : b) = u;
      if (fu <= fw || w == x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v == x || v == w) {
        v = u;
        fv = fu;
      }
    }
  }
  // The interior search never evaluates the ends; an edge minimum (common for smoothing
  // constants) is taken when it is strictly better.
  double best = x, fbest = fx;
  for (double end : {lo, hi}) {
    const double fe = f(end);
    if (fe < fbest) {
      best = end;
      fbest = fe;
    }
  }
  return best;
}

}  // namespace retailcast::models
