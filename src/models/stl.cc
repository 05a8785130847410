#include "stl.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <span>
#include <vector>

#include "least_squares.h"

namespace retailcast::models {
namespace {

// Positions are 1-based throughout (p[1..n]), as in the STL paper's reference implementation:
// the loess weights depend on distances between positions, and keeping the same arithmetic
// keeps the decomposition identical to R's to rounding.

int NextOdd(double x) {
  auto v = static_cast<int>(std::lround(x));
  return v % 2 == 0 ? v + 1 : v;
}

double Cube(double x) { return x * x * x; }

// Local weighted regression of degree `deg` (0 or 1) at position xs on points
// nleft..nright of y, tricube weights over the half-width h (widened when the span exceeds
// the series). False when every weight is zero.
bool LoessAt(const double* y, int n, int len, int deg, double xs, int nleft, int nright, double* w,
             bool use_rw, const double* rw, double* out) {
  const double range = static_cast<double>(n) - 1.0;
  double h = std::max(xs - nleft, static_cast<double>(nright) - xs);
  if (len > n) h += static_cast<double>((len - n) / 2);
  const double h9 = 0.999 * h;
  const double h1 = 0.001 * h;
  double a = 0;
  for (int j = nleft; j <= nright; ++j) {
    w[j] = 0;
    const double r = std::fabs(static_cast<double>(j) - xs);
    if (r <= h9) {
      w[j] = r <= h1 ? 1.0 : Cube(1.0 - Cube(r / h));
      if (use_rw) w[j] *= rw[j];
      a += w[j];
    }
  }
  if (a <= 0) return false;
  for (int j = nleft; j <= nright; ++j) w[j] /= a;
  if (h > 0 && deg > 0) {
    a = 0;
    for (int j = nleft; j <= nright; ++j) a += w[j] * j;
    double b = xs - a;
    double c = 0;
    for (int j = nleft; j <= nright; ++j) c += w[j] * (j - a) * (j - a);
    if (std::sqrt(c) > 0.001 * range) {
      b /= c;
      for (int j = nleft; j <= nright; ++j) w[j] *= b * (j - a) + 1.0;
    }
  }
  double s = 0;
  for (int j = nleft; j <= nright; ++j) s += w[j] * y[j];
  *out = s;
  return true;
}

// Loess smooth of y[1..n] with span len, evaluated every `jump` positions and linearly
// interpolated in between.
void LoessSmooth(const double* y, int n, int len, int deg, int jump, bool use_rw, const double* rw,
                 double* ys, double* w) {
  if (n < 2) {
    ys[1] = y[1];
    return;
  }
  const int nj = std::min(jump, n - 1);
  int nleft = 1, nright = n;
  auto fit = [&](int i) {
    if (!LoessAt(y, n, len, deg, i, nleft, nright, w, use_rw, rw, &ys[i])) ys[i] = y[i];
  };
  if (len >= n) {
    for (int i = 1; i <= n; i += nj) fit(i);
  } else if (nj == 1) {
    const int nsh = (len + 1) / 2;
    nleft = 1;
    nright = len;
    for (int i = 1; i <= n; ++i) {
      if (i > nsh && nright != n) {
        ++nleft;
        ++nright;
      }
      fit(i);
    }
  } else {
    const int nsh = (len + 1) / 2;
    for (int i = 1; i <= n; i += nj) {
      if (i < nsh) {
        nleft = 1;
        nright = len;
      } else if (i >= n - nsh + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - nsh + 1;
        nright = len + i - nsh;
      }
      fit(i);
    }
  }
  if (nj != 1) {
    for (int i = 1; i <= n - nj; i += nj) {
      const double delta = (ys[i + nj] - ys[i]) / nj;
      for (int j = i + 1; j < i + nj; ++j) ys[j] = ys[i] + delta * (j - i);
    }
    const int k = ((n - 1) / nj) * nj + 1;
    if (k != n) {
      fit(n);
      if (k != n - 1) {
        const double delta = (ys[n] - ys[k]) / (n - k);
        for (int j = k + 1; j < n; ++j) ys[j] = ys[k] + delta * (j - k);
      }
    }
  }
}

// Smooths each cycle-subseries and extends it by one fitted point at each end; the result,
// season[1..n + 2 np], is the subseries values laid back on the time axis.
void CycleSubseries(const double* y, int n, int np, int ns, int deg, int jump, bool use_rw,
                    const double* rw, double* season) {
  const int cap = n / np + 3;
  std::vector<double> sub(cap + 1), smooth(cap + 3), w(cap + 3), srw(cap + 1);
  for (int j = 1; j <= np; ++j) {
    const int k = (n - j) / np + 1;
    for (int i = 1; i <= k; ++i) sub[i] = y[(i - 1) * np + j];
    if (use_rw) {
      for (int i = 1; i <= k; ++i) srw[i] = rw[(i - 1) * np + j];
    }
    // smooth[2..k+1] holds the smoothed subseries, smooth[1] and smooth[k+2] the ends.
    LoessSmooth(sub.data(), k, ns, deg, jump, use_rw, srw.data(), smooth.data() + 1, w.data());
    const int nright = std::min(ns, k);
    if (!LoessAt(sub.data(), k, ns, deg, 0.0, 1, nright, w.data(), use_rw, srw.data(),
                 &smooth[1])) {
      smooth[1] = smooth[2];
    }
    const int nleft = std::max(1, k - ns + 1);
    if (!LoessAt(sub.data(), k, ns, deg, k + 1.0, nleft, k, w.data(), use_rw, srw.data(),
                 &smooth[k + 2])) {
      smooth[k + 2] = smooth[k + 1];
    }
    for (int m = 1; m <= k + 2; ++m) season[(m - 1) * np + j] = smooth[m];
  }
}

// Running mean of length len over x[1..n]: out[1..n-len+1].
void MovingAverage(const double* x, int n, int len, double* out) {
  const int newn = n - len + 1;
  double v = 0;
  for (int i = 1; i <= len; ++i) v += x[i];
  out[1] = v / len;
  for (int j = 2, k = len, m = 0; j <= newn; ++j) {
    ++k;
    ++m;
    v = v - x[m] + x[k];
    out[j] = v / len;
  }
}

// Robustness weights from the residuals y - fit: bisquare of |r| / (6 median |r|), the median
// of an even count being the mean of the two middle order statistics. R's stl() finds those
// with a partial sort that can misplace the upper one (on nottem it returns the 136th smallest
// of 240 in place of the 121st from the 6th robustness pass on); we take the true order
// statistics, so robust decompositions agree with R's only until its first such pass.
// auto_arima only uses the robust decomposition to interpolate missing values before the
// seasonal strength test.
void RobustnessWeights(const double* y, int n, const double* fit, double* rw) {
  std::vector<double> r(n);
  for (int i = 1; i <= n; ++i) r[i - 1] = std::fabs(y[i] - fit[i]);
  const int mid1 = n / 2 + 1;
  const int mid2 = n - mid1 + 1;
  std::vector<double> sorted = r;
  std::nth_element(sorted.begin(), sorted.begin() + (mid1 - 1), sorted.end());
  const double a = sorted[mid1 - 1];
  std::nth_element(sorted.begin(), sorted.begin() + (mid2 - 1), sorted.end());
  const double b = sorted[mid2 - 1];
  const double cmad = 3.0 * (a + b);
  const double c9 = 0.999 * cmad;
  const double c1 = 0.001 * cmad;
  for (int i = 1; i <= n; ++i) {
    const double ri = r[i - 1];
    if (ri <= c1) {
      rw[i] = 1.0;
    } else if (ri <= c9) {
      const double u = ri / cmad;
      rw[i] = (1.0 - u * u) * (1.0 - u * u);
    } else {
      rw[i] = 0.0;
    }
  }
}

double Variance(const std::vector<double>& v) {
  double sum = 0;
  int n = 0;
  for (double x : v) {
    if (!std::isnan(x)) {
      sum += x;
      ++n;
    }
  }
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  const double mean = sum / n;
  double ss = 0;
  for (double x : v) {
    if (!std::isnan(x)) ss += (x - mean) * (x - mean);
  }
  return ss / (n - 1);
}

// R's approx(idx, x[idx], 1:n, rule = 2): linear between observed values, constant beyond.
std::vector<double> LinearFill(std::span<const double> x) {
  std::vector<double> out(x.begin(), x.end());
  const size_t n = x.size();
  size_t prev = n;
  for (size_t t = 0; t < n; ++t) {
    if (std::isnan(x[t])) continue;
    if (prev == n) {
      for (size_t s = 0; s < t; ++s) out[s] = x[t];
    } else {
      for (size_t s = prev + 1; s < t; ++s) {
        const double f = static_cast<double>(s - prev) / static_cast<double>(t - prev);
        out[s] = x[prev] + f * (x[t] - x[prev]);
      }
    }
    prev = t;
  }
  if (prev != n) {
    for (size_t s = prev + 1; s < n; ++s) out[s] = x[prev];
  }
  return out;
}

}  // namespace

StlResult Stl(std::span<const double> x, int period, const StlOptions& options) {
  const int n = static_cast<int>(x.size());
  const int np = std::max(2, period);
  auto odd3 = [](int v) {
    v = std::max(3, v);
    return v % 2 == 0 ? v + 1 : v;
  };
  const int ns = odd3(options.s_window);
  const int nt = odd3(options.t_window > 0
                          ? options.t_window
                          : NextOdd(std::ceil(1.5 * period / (1.0 - 1.5 / options.s_window))));
  const int nl = odd3(options.l_window > 0 ? options.l_window : NextOdd(period));
  // Jumps use the spans as given (R computes them before the odd adjustment).
  const int s_jump = static_cast<int>(std::ceil(options.s_window / 10.0));
  const int t_jump = static_cast<int>(std::ceil(
      (options.t_window > 0 ? options.t_window
                            : NextOdd(std::ceil(1.5 * period / (1.0 - 1.5 / options.s_window)))) /
      10.0));
  const int l_jump = static_cast<int>(
      std::ceil((options.l_window > 0 ? options.l_window : NextOdd(period)) / 10.0));
  const int inner = options.robust ? 1 : 2;
  const int outer = options.robust ? options.outer : 0;

  const int big = n + 2 * np;
  std::vector<double> y(n + 1), trend(n + 1, 0.0), season(n + 1), rw(n + 1, 1.0);
  std::vector<double> w1(big + 1), w2(big + 1), w3(big + 1), w4(big + 1), w5(big + 1);
  for (int i = 1; i <= n; ++i) y[i] = x[i - 1];
  bool use_rw = false;
  for (int pass = 0;; ++pass) {
    for (int it = 0; it < inner; ++it) {
      for (int i = 1; i <= n; ++i) w1[i] = y[i] - trend[i];
      CycleSubseries(w1.data(), n, np, ns, options.s_degree, s_jump, use_rw, rw.data(), w2.data());
      // Low-pass filter of the subseries: moving averages np, np, 3, then loess.
      MovingAverage(w2.data(), big, np, w3.data());
      MovingAverage(w3.data(), big - np + 1, np, w5.data());
      MovingAverage(w5.data(), big - 2 * np + 2, 3, w3.data());
      LoessSmooth(w3.data(), n, nl, options.l_degree, l_jump, false, w4.data(), w1.data(),
                  w5.data());
      for (int i = 1; i <= n; ++i) season[i] = w2[np + i] - w1[i];
      for (int i = 1; i <= n; ++i) w1[i] = y[i] - season[i];
      LoessSmooth(w1.data(), n, nt, options.t_degree, t_jump, use_rw, rw.data(), trend.data(),
                  w3.data());
    }
    if (pass >= outer) break;
    for (int i = 1; i <= n; ++i) w1[i] = trend[i] + season[i];
    RobustnessWeights(y.data(), n, w1.data(), rw.data());
    use_rw = true;
  }
  StlResult out;
  out.seasonal.assign(season.begin() + 1, season.end());
  out.trend.assign(trend.begin() + 1, trend.end());
  out.remainder.resize(n);
  for (int i = 0; i < n; ++i) out.remainder[i] = x[i] - out.seasonal[i] - out.trend[i];
  return out;
}

std::vector<double> InterpolateMissing(std::span<const double> x, int period) {
  size_t observed = 0;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : x) {
    if (std::isnan(v)) continue;
    ++observed;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (observed == x.size()) return {x.begin(), x.end()};
  if (period <= 1 || observed <= 2 * static_cast<size_t>(period)) return LinearFill(x);
  const size_t n = x.size();
  // Pre-fill by regression on Fourier terms (K = min(period / 2, 5) harmonics) and a
  // polynomial trend of degree min(max(n / 10, 1), 6), with an intercept.
  const int harmonics = std::min(period / 2, 5);
  const int degree = std::min(std::max(static_cast<int>(n / 10), 1), 6);
  std::vector<std::vector<double>> cols;
  cols.emplace_back(n, 1.0);
  for (int k = 1; k <= harmonics; ++k) {
    std::vector<double> s(n), c(n);
    for (size_t t = 0; t < n; ++t) {
      const double a = 2.0 * std::numbers::pi * k * static_cast<double>(t + 1) / period;
      s[t] = std::sin(a);
      c[t] = std::cos(a);
    }
    if (2 * k != period) cols.push_back(std::move(s));
    cols.push_back(std::move(c));
  }
  const double mid = (static_cast<double>(n) + 1.0) / 2.0;
  const double half = std::max((static_cast<double>(n) - 1.0) / 2.0, 1.0);
  for (int k = 1; k <= degree; ++k) {
    std::vector<double> p(n);
    for (size_t t = 0; t < n; ++t) p[t] = std::pow((static_cast<double>(t + 1) - mid) / half, k);
    cols.push_back(std::move(p));
  }
  std::vector<std::span<const double>> spans(cols.begin(), cols.end());
  const LeastSquaresFit ls = FitLeastSquares(spans, x);
  std::vector<double> filled(x.begin(), x.end());
  for (size_t t = 0; t < n; ++t) {
    if (!std::isnan(x[t])) continue;
    double v = 0;
    for (size_t j = 0; j < cols.size(); ++j) {
      if (!std::isnan(ls.coef[j])) v += ls.coef[j] * cols[j][t];
    }
    filled[t] = v;
  }
  StlOptions robust;
  robust.robust = true;
  const StlResult stl = Stl(filled, period, robust);
  std::vector<double> adjusted(n);
  for (size_t t = 0; t < n; ++t) {
    adjusted[t] = std::isnan(x[t]) ? std::nan("") : filled[t] - stl.seasonal[t];
  }
  const std::vector<double> sa = LinearFill(adjusted);
  std::vector<double> out(x.begin(), x.end());
  double out_lo = std::numeric_limits<double>::infinity(), out_hi = -out_lo;
  for (size_t t = 0; t < n; ++t) {
    if (std::isnan(x[t])) out[t] = sa[t] + stl.seasonal[t];
    out_lo = std::min(out_lo, out[t]);
    out_hi = std::max(out_hi, out[t]);
  }
  const double range = hi - lo;
  if (out_hi > hi + 0.5 * range || out_lo < lo - 0.5 * range) return LinearFill(x);
  return out;
}

double SeasonalStrength(std::span<const double> x, int period) {
  const std::vector<double> filled = InterpolateMissing(x, period);
  const StlResult stl = Stl(filled, period, StlOptions{});
  std::vector<double> remainder(x.size()), with_season(x.size());
  for (size_t t = 0; t < x.size(); ++t) {
    const double r = std::isnan(x[t]) ? std::nan("") : stl.remainder[t];
    remainder[t] = r;
    with_season[t] = r + stl.seasonal[t];
  }
  const double strength = 1.0 - Variance(remainder) / Variance(with_season);
  if (std::isnan(strength)) return strength;
  return std::max(0.0, std::min(1.0, strength));
}

}  // namespace retailcast::models
