#include "retailcast/models/distributions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace retailcast::models {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Evaluates the polynomial c[0] + c[1] r + ... + c[7] r^7 (Horner).
double Poly7(const double (&c)[8], double r) {
  double v = c[7];
  for (int i = 6; i >= 0; --i) v = v * r + c[i];
  return v;
}

// Continued fraction of I_x(a, b) (DLMF 8.17.22):
//   I_x(a,b) = x^a (1-x)^b / (a B(a,b)) * 1 / (1 + d1 / (1 + d2 / (1 + ...)))
//   d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),  d_{2m} = m(b-m) x / ((a+2m-1)(a+2m)).
// Returns the denominator 1 + d1/(1 + ...), evaluated by the modified Lentz method
// (Thompson & Barnett 1986). Converges quickly for x < (a+1)/(a+b+2).
double BetaContinuedFraction(double x, double a, double b) {
  constexpr double kTiny = 1e-300;
  constexpr double kEps = 1e-16;
  constexpr int kMaxTerms = 100000;
  double f = 1.0, c = 1.0, d = 0.0;
  for (int j = 1; j <= kMaxTerms; ++j) {
    const int m = j / 2;
    double dj = 0;
    if (j % 2 == 1) {
      dj = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
    } else {
      dj = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
    }
    d = 1.0 + dj * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + dj / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = c * d;
    f *= delta;
    if (std::fabs(delta - 1.0) < kEps) break;
  }
  return f;
}

// log(Gamma(a + b) / Gamma(a)). For a >= 10 the two lgamma values are large and nearly
// equal, so their difference would lose digits; there Stirling's series is differenced
// analytically: (a+b-1/2) log(a+b) - (a-1/2) log a = (a-1/2) log1p(b/a) + b log(a+b), plus
// the difference of the series' correction terms (DLMF 5.11.1).
double LogGammaRatio(double a, double b) {
  if (a < 10) return std::lgamma(a + b) - std::lgamma(a);
  auto correction = [](double z) {
    const double z2 = z * z;
    return (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * z2)) / z2) / z2) / z;
  };
  return (a - 0.5) * std::log1p(b / a) + b * std::log(a + b) - b +
         (correction(a + b) - correction(a));
}

// log B(a, b), differencing from the larger argument for accuracy.
double LogBeta(double a, double b) {
  return a >= b ? std::lgamma(b) - LogGammaRatio(a, b) : std::lgamma(a) - LogGammaRatio(b, a);
}

// I_x(a, b) given x, y = 1 - x and their logarithms, so a caller that knows them accurately
// (the t distribution, where x = df / (df + t^2) is close to 1) loses no digits: for large
// a, a * log(x) amplifies the rounding of x itself.
double IncompleteBeta(double x, double y, double log_x, double log_y, double a, double b) {
  if (x <= 0) return 0.0;
  if (y <= 0) return 1.0;
  const double front = std::exp(a * log_x + b * log_y - LogBeta(a, b));
  if (x < (a + 1.0) / (a + b + 2.0)) return front / (a * BetaContinuedFraction(x, a, b));
  // Symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where the fraction for x converges slowly.
  return 1.0 - front / (b * BetaContinuedFraction(y, b, a));
}

// P(T <= t) for t <= 0, i.e. I_{df/(df+t^2)}(df/2, 1/2) / 2.
double StudentTLowerTail(double t, double df) {
  if (std::isinf(t)) return 0.0;
  const double t2 = t * t;
  const double x = df / (df + t2);
  const double y = t2 / (df + t2);
  const double log_x = -std::log1p(t2 / df);
  const double log_y = t2 > 0 ? std::log(t2) - std::log(df + t2) : -kInf;
  return 0.5 * IncompleteBeta(x, y, log_x, log_y, 0.5 * df, 0.5);
}

double StudentTDensity(double t, double df) {
  const double log_density = LogGammaRatio(0.5 * df, 0.5) - 0.5 * std::log(df * std::numbers::pi) -
                             0.5 * (df + 1.0) * std::log1p(t * t / df);
  return std::exp(log_density);
}

}  // namespace

double NormalCdf(double x) {
  if (std::isnan(x)) return kNaN;
  return 0.5 * std::erfc(-x / std::numbers::sqrt2);
}

// AS 241 (PPND16), Wichura (1988): rational approximations in three regions, accurate to
// about 1e-16. The coefficients are those published in the paper.
double NormalQuantile(double p) {
  if (std::isnan(p) || p < 0 || p > 1) return kNaN;
  if (p == 0) return -kInf;
  if (p == 1) return kInf;
  static constexpr double kCentralNum[8] = {
      3.387132872796366608,  133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
      45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727};
  static constexpr double kCentralDen[8] = {1.0,
                                            42.313330701600911252,
                                            687.1870074920579083,
                                            5394.1960214247511077,
                                            21213.794301586595867,
                                            39307.89580009271061,
                                            28729.085735721942674,
                                            5226.495278852545925};
  static constexpr double kMiddleNum[8] = {1.42343711074968357734,   4.6303378461565452959,
                                           5.7694972214606914055,    3.64784832476320460504,
                                           1.27045825245236838258,   0.24178072517745061177,
                                           0.0227238449892691845833, 7.7454501427834140764e-4};
  static constexpr double kMiddleDen[8] = {1.0,
                                           2.05319162663775882187,
                                           1.6763848301838038494,
                                           0.68976733498510000455,
                                           0.14810397642748007459,
                                           0.0151986665636164571966,
                                           5.475938084995344946e-4,
                                           1.05075007164441684324e-9};
  static constexpr double kTailNum[8] = {6.6579046435011037772,     5.4637849111641143699,
                                         1.7848265399172913358,     0.29656057182850489123,
                                         0.026532189526576123093,   0.0012426609473880784386,
                                         2.71155556874348757815e-5, 2.01033439929228813265e-7};
  static constexpr double kTailDen[8] = {1.0,
                                         0.59983220655588793769,
                                         0.13692988092273580531,
                                         0.0148753612908506148525,
                                         7.868691311456132591e-4,
                                         1.8463183175100546818e-5,
                                         1.4215117583164458887e-7,
                                         2.04426310338993978564e-15};

  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q * Poly7(kCentralNum, r) / Poly7(kCentralDen, r);
  }
  double r = std::sqrt(-std::log(q < 0 ? p : 1.0 - p));
  double value = 0;
  if (r <= 5.0) {
    r -= 1.6;
    value = Poly7(kMiddleNum, r) / Poly7(kMiddleDen, r);
  } else {
    r -= 5.0;
    value = Poly7(kTailNum, r) / Poly7(kTailDen, r);
  }
  return q < 0 ? -value : value;
}

double RegularizedIncompleteBeta(double x, double a, double b) {
  if (std::isnan(x) || std::isnan(a) || std::isnan(b) || a <= 0 || b <= 0 || x < 0 || x > 1) {
    return kNaN;
  }
  return IncompleteBeta(x, 1.0 - x, std::log(x), std::log1p(-x), a, b);
}

double StudentTCdf(double t, double df) {
  if (std::isnan(t) || std::isnan(df) || df <= 0) return kNaN;
  return t <= 0 ? StudentTLowerTail(t, df) : 1.0 - StudentTLowerTail(-t, df);
}

double StudentTQuantile(double p, double df) {
  if (std::isnan(p) || std::isnan(df) || df <= 0 || p < 0 || p > 1) return kNaN;
  if (p == 0) return -kInf;
  if (p == 1) return kInf;
  if (p == 0.5) return 0.0;
  const double lower = std::min(p, 1.0 - p);
  const double sign = p < 0.5 ? -1.0 : 1.0;
  const double z = NormalQuantile(lower);
  if (df > 1e6) {
    // Cornish-Fisher expansion in 1/df (Abramowitz & Stegun 26.7.5); at this df the omitted
    // terms are far below double precision, and the continued fraction would need
    // O(sqrt(df)) terms.
    const double z2 = z * z;
    const double g1 = (z2 + 1.0) * z / 4.0;
    const double g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    const double g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    const double t = z + g1 / df + g2 / (df * df) + g3 / (df * df * df);  // lower tail: < 0
    return sign * std::fabs(t);
  }
  // Bracket the root of F(t) = lower on t < 0: F(0) = 0.5 > lower, and the t tail is
  // heavier than the normal one, so the root lies left of z; double until F(lo) < lower.
  double hi = 0.0;
  double lo = std::min(z, -1.0);
  for (int i = 0; i < 2000 && StudentTLowerTail(lo, df) > lower; ++i) {
    hi = lo;
    lo *= 2.0;
  }
  // Safeguarded Newton: a step that leaves the bracket becomes a bisection.
  double t = 0.5 * (lo + hi);
  for (int iter = 0; iter < 500; ++iter) {
    const double f = StudentTLowerTail(t, df) - lower;
    if (f == 0) break;
    if (f > 0) {
      hi = t;
    } else {
      lo = t;
    }
    double next = t - f / StudentTDensity(t, df);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    const double step = std::fabs(next - t);
    t = next;
    if (step <= 4e-16 * std::fabs(t) || hi - lo <= 4e-16 * std::fabs(t)) break;
  }
  // t is the lower-tail root (negative); the upper quantile is its mirror image.
  return sign * std::fabs(t);
}

}  // namespace retailcast::models
