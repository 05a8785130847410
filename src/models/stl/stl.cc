// STL and MSTL; see stl.h for the sources. The steps follow section 2 of Cleveland et al.
// (1990): an inner loop of (1) detrending, (2) cycle-subseries smoothing with one value
// extrapolated at each end, (3) low-pass filtering of the smoothed cycle-subseries (moving
// averages of lengths np, np and 3, then loess), (4) detrending of the seasonal, (5)
// deseasonalising and (6) trend smoothing; and an outer loop of bisquare robustness weights.
// Loess fits are computed every `jump` points and interpolated linearly in between, as R's
// stl() does by default (jump = ceiling(window / 10)).
//
// Positions in the loess helpers are 1-based, as in the paper's formulas: a fit at position
// xs uses the points nleft..nright.
#include "stl.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace retailcast::models {
namespace {

int NextOdd(int x) { return x % 2 == 0 ? x + 1 : x; }

// Loess estimate at position xs from y[nleft..nright] (1-based) with span `len`, local
// degree 0 or 1 and optional robustness weights; false when every weight is zero.
bool LoessAt(std::span<const double> y, int len, int degree, double xs, int nleft, int nright,
             const double* robustness, std::vector<double>& w, double* ys) {
  const int n = static_cast<int>(y.size());
  const double range = n - 1.0;
  double h = std::max(xs - nleft, nright - xs);
  if (len > n) h += (len - n) / 2;  // integer division, as the reference implementation
  const double h9 = 0.999 * h, h1 = 0.001 * h;
  double a = 0;
  for (int j = nleft; j <= nright; ++j) {
    double wj = 0;
    const double r = std::abs(j - xs);
    if (r <= h9) {
      if (r <= h1) {
        wj = 1;
      } else {
        const double q = r / h;
        const double c = 1 - q * q * q;
        wj = c * c * c;
      }
      if (robustness != nullptr) wj *= robustness[j - 1];
    }
    w[static_cast<size_t>(j - 1)] = wj;
    a += wj;
  }
  if (a <= 0) return false;
  for (int j = nleft; j <= nright; ++j) w[static_cast<size_t>(j - 1)] /= a;
  if (h > 0 && degree > 0) {
    double mean = 0;
    for (int j = nleft; j <= nright; ++j) mean += w[static_cast<size_t>(j - 1)] * j;
    double b = xs - mean;
    double c = 0;
    for (int j = nleft; j <= nright; ++j) {
      c += w[static_cast<size_t>(j - 1)] * (j - mean) * (j - mean);
    }
    if (std::sqrt(c) > 0.001 * range) {
      b /= c;
      for (int j = nleft; j <= nright; ++j) {
        w[static_cast<size_t>(j - 1)] *= b * (j - mean) + 1;
      }
    }
  }
  double sum = 0;
  for (int j = nleft; j <= nright; ++j) sum += w[static_cast<size_t>(j - 1)] * y[j - 1];
  *ys = sum;
  return true;
}

// Loess smoothing of all of y with span `len`, fitted every `jump` points and interpolated
// linearly between (the reference implementation's stless).
void LoessSmooth(std::span<const double> y, int len, int degree, int jump, const double* robustness,
                 std::span<double> out, std::vector<double>& w) {
  const int n = static_cast<int>(y.size());
  if (n < 2) {
    if (n == 1) out[0] = y[0];
    return;
  }
  const int step = std::min(jump, n - 1);
  int nleft = 0, nright = 0;
  auto fit = [&](int i) {  // 1-based position
    double v = 0;
    out[static_cast<size_t>(i - 1)] =
        LoessAt(y, len, degree, i, nleft, nright, robustness, w, &v) ? v : y[i - 1];
  };
  if (len >= n) {
    nleft = 1;
    nright = n;
    for (int i = 1; i <= n; i += step) fit(i);
  } else if (step == 1) {
    const int half = (len + 1) / 2;
    nleft = 1;
    nright = len;
    for (int i = 1; i <= n; ++i) {
      if (i > half && nright != n) {
        ++nleft;
        ++nright;
      }
      fit(i);
    }
  } else {
    const int half = (len + 1) / 2;
    for (int i = 1; i <= n; i += step) {
      if (i < half) {
        nleft = 1;
        nright = len;
      } else if (i >= n - half + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - half + 1;
        nright = len + i - half;
      }
      fit(i);
    }
  }
  if (step == 1) return;
  for (int i = 1; i <= n - step; i += step) {
    const double delta =
        (out[static_cast<size_t>(i + step - 1)] - out[static_cast<size_t>(i - 1)]) / step;
    for (int j = i + 1; j < i + step; ++j) {
      out[static_cast<size_t>(j - 1)] = out[static_cast<size_t>(i - 1)] + delta * (j - i);
    }
  }
  const int last = ((n - 1) / step) * step + 1;  // the last position fitted above
  if (last != n) {
    // Fit the final point (with the window of the last fit, as the reference implementation
    // does), then interpolate up to it.
    fit(n);
    if (last != n - 1) {
      const double delta =
          (out[static_cast<size_t>(n - 1)] - out[static_cast<size_t>(last - 1)]) / (n - last);
      for (int j = last + 1; j < n; ++j) {
        out[static_cast<size_t>(j - 1)] = out[static_cast<size_t>(last - 1)] + delta * (j - last);
      }
    }
  }
}

// Moving average of length len: out[i] = mean(x[i .. i + len - 1]), n - len + 1 values.
void MovingAverage(std::span<const double> x, int len, std::span<double> out) {
  const size_t n = x.size(), l = static_cast<size_t>(len);
  double v = 0;
  for (size_t i = 0; i < l; ++i) v += x[i];
  out[0] = v / len;
  for (size_t k = 1; k + l <= n; ++k) {
    v += x[k + l - 1] - x[k - 1];
    out[k] = v / len;
  }
}

struct Spans {
  int np, ns, nt, nl;
  int s_degree, t_degree, l_degree;
  int s_jump, t_jump, l_jump;
};

// Step 2: smooths each cycle-subseries and extrapolates one value at each end; `c` gets
// n + 2 np values (one extra cycle before and after).
void CycleSubseries(std::span<const double> detrended, const Spans& sp, const double* robustness,
                    std::vector<double>& c, std::vector<double>& w) {
  const int n = static_cast<int>(detrended.size());
  std::vector<double> sub, sub_rw, smooth;
  for (int j = 1; j <= sp.np; ++j) {
    const int k = (n - j) / sp.np + 1;
    sub.resize(static_cast<size_t>(k));
    sub_rw.resize(static_cast<size_t>(k));
    for (int i = 1; i <= k; ++i) {
      const int at = (i - 1) * sp.np + j;
      sub[static_cast<size_t>(i - 1)] = detrended[at - 1];
      if (robustness != nullptr) sub_rw[static_cast<size_t>(i - 1)] = robustness[at - 1];
    }
    const double* rw = robustness != nullptr ? sub_rw.data() : nullptr;
    smooth.assign(static_cast<size_t>(k + 2), 0);
    LoessSmooth(sub, sp.ns, sp.s_degree, sp.s_jump, rw, std::span(smooth).subspan(1, k), w);
    double v = 0;
    const int right = std::min(sp.ns, k);
    smooth[0] = LoessAt(sub, sp.ns, sp.s_degree, 0, 1, right, rw, w, &v) ? v : smooth[1];
    const int left = std::max(1, k - sp.ns + 1);
    smooth[static_cast<size_t>(k + 1)] = LoessAt(sub, sp.ns, sp.s_degree, k + 1, left, k, rw, w, &v)
                                             ? v
                                             : smooth[static_cast<size_t>(k)];
    for (int m = 1; m <= k + 2; ++m) {
      c[static_cast<size_t>((m - 1) * sp.np + j - 1)] = smooth[static_cast<size_t>(m - 1)];
    }
  }
}

// The inner loop (steps 1-6), `inner` times; updates seasonal and trend.
void InnerLoop(std::span<const double> y, const Spans& sp, int inner, const double* robustness,
               std::vector<double>& seasonal, std::vector<double>& trend) {
  const size_t n = y.size(), np = static_cast<size_t>(sp.np);
  std::vector<double> work(n), c(n + 2 * np), ma1(n + np + 1), ma2(n + 2), low(n), w(n + 2 * np);
  for (int pass = 0; pass < inner; ++pass) {
    for (size_t i = 0; i < n; ++i) work[i] = y[i] - trend[i];
    CycleSubseries(work, sp, robustness, c, w);
    MovingAverage(c, sp.np, ma1);
    MovingAverage(std::span(ma1).first(n + np + 1), sp.np, ma2);
    MovingAverage(std::span(ma2).first(n + 2), 3, low);
    std::vector<double> low_smooth(n);
    LoessSmooth(low, sp.nl, sp.l_degree, sp.l_jump, nullptr, low_smooth, w);
    for (size_t i = 0; i < n; ++i) seasonal[i] = c[np + i] - low_smooth[i];
    for (size_t i = 0; i < n; ++i) work[i] = y[i] - seasonal[i];
    LoessSmooth(work, sp.nt, sp.t_degree, sp.t_jump, robustness, trend, w);
  }
}

// Bisquare robustness weights of the remainders, scaled by 6 median |remainder|.
void RobustnessWeights(std::span<const double> y, std::span<const double> fit,
                       std::vector<double>& rw) {
  const size_t n = y.size();
  std::vector<double> r(n);
  for (size_t i = 0; i < n; ++i) r[i] = std::abs(y[i] - fit[i]);
  std::vector<double> sorted = r;
  const size_t mid1 = (n + 1) / 2 - 1, mid2 = n / 2;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(mid1),
                   sorted.end());
  const double a = sorted[mid1];
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(mid2),
                   sorted.end());
  const double cmad = 3 * (a + sorted[mid2]);
  const double c9 = 0.999 * cmad, c1 = 0.001 * cmad;
  for (size_t i = 0; i < n; ++i) {
    if (r[i] <= c1) {
      rw[i] = 1;
    } else if (r[i] <= c9) {
      const double q = r[i] / cmad;
      rw[i] = (1 - q * q) * (1 - q * q);
    } else {
      rw[i] = 0;
    }
  }
}

}  // namespace

StlResult Stl(std::span<const double> y, const StlOptions& o) {
  const int n = static_cast<int>(y.size());
  Spans sp;
  sp.np = std::max(2, o.period);
  sp.ns = std::max(3, NextOdd(o.s_window));
  sp.s_degree = o.s_degree;
  sp.t_degree = o.t_degree;
  sp.l_degree = o.l_degree < 0 ? o.t_degree : o.l_degree;
  const int nt_default =
      NextOdd(static_cast<int>(std::ceil(1.5 * sp.np / (1 - 1.5 / static_cast<double>(sp.ns)))));
  sp.nt = std::max(3, NextOdd(o.t_window > 0 ? o.t_window : nt_default));
  sp.nl = std::max(3, NextOdd(o.l_window > 0 ? o.l_window : sp.np));
  sp.s_jump = static_cast<int>(std::ceil(sp.ns / 10.0));
  sp.t_jump = static_cast<int>(std::ceil(sp.nt / 10.0));
  sp.l_jump = static_cast<int>(std::ceil(sp.nl / 10.0));
  const int inner = o.inner > 0 ? o.inner : (o.robust ? 1 : 2);
  const int outer = o.outer >= 0 ? o.outer : (o.robust ? 15 : 0);

  StlResult out;
  out.seasonal.assign(static_cast<size_t>(n), 0);
  out.trend.assign(static_cast<size_t>(n), 0);
  std::vector<double> rw(static_cast<size_t>(n), 1), fit(static_cast<size_t>(n));
  bool use_weights = false;
  for (int k = 0;; ++k) {
    InnerLoop(y, sp, inner, use_weights ? rw.data() : nullptr, out.seasonal, out.trend);
    if (k >= outer) break;
    for (int i = 0; i < n; ++i) {
      fit[static_cast<size_t>(i)] =
          out.trend[static_cast<size_t>(i)] + out.seasonal[static_cast<size_t>(i)];
    }
    RobustnessWeights(y, fit, rw);
    use_weights = true;
  }
  out.remainder.resize(static_cast<size_t>(n));
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    out.remainder[i] = y[i] - out.seasonal[i] - out.trend[i];
  }
  return out;
}

MstlResult Mstl(std::span<const double> y, std::vector<int> periods, int iterate, bool robust) {
  const size_t n = y.size();
  MstlResult out;
  std::sort(periods.begin(), periods.end());
  periods.erase(std::unique(periods.begin(), periods.end()), periods.end());
  for (int p : periods) {
    if (p > 1 && static_cast<double>(p) < static_cast<double>(n) / 2) out.periods.push_back(p);
  }
  std::vector<double> deseas(y.begin(), y.end());
  if (out.periods.empty()) {
    out.trend = deseas;
    out.remainder.assign(n, 0);
    return out;
  }
  if (out.periods.size() == 1) iterate = 1;  // R's mstl on a plain ts
  iterate = std::max(1, iterate);
  out.seasonal.assign(out.periods.size(), std::vector<double>(n, 0));
  StlResult last;
  for (int pass = 0; pass < iterate; ++pass) {
    for (size_t i = 0; i < out.periods.size(); ++i) {
      for (size_t t = 0; t < n; ++t) deseas[t] += out.seasonal[i][t];
      StlOptions o;
      o.period = out.periods[i];
      o.s_window = 7 + 4 * static_cast<int>(i + 1);
      o.robust = robust;
      last = Stl(deseas, o);
      out.seasonal[i] = last.seasonal;
      for (size_t t = 0; t < n; ++t) deseas[t] -= out.seasonal[i][t];
    }
  }
  out.trend = last.trend;
  out.remainder.resize(n);
  for (size_t t = 0; t < n; ++t) out.remainder[t] = deseas[t] - out.trend[t];
  return out;
}

}  // namespace retailcast::models
