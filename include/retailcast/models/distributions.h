// Quantiles and distribution functions used to turn a forecast's standard error into
// prediction intervals: standard normal (Wichura's AS 241) and Student t (by inverting the
// regularized incomplete beta function). Accuracy is close to double precision, so intervals
// agree with R's qnorm/qt to about 1e-13 relative.
//
// Pure functions; thread-safe. They never fail: out-of-domain arguments return NaN (and the
// limits 0 / 1 return -inf / +inf), so callers validate their inputs first.
#pragma once

namespace retailcast::models {

// Standard normal distribution function Phi(x).
double NormalCdf(double x);

// Standard normal quantile Phi^-1(p) for p in [0, 1] (AS 241, PPND16: Wichura 1988,
// Applied Statistics 37(3), 477-484; the algorithm behind R's qnorm).
double NormalQuantile(double p);

// Regularized incomplete beta function I_x(a, b) for x in [0, 1], a > 0, b > 0,
// evaluated by its continued fraction (DLMF 8.17.22) with the modified Lentz method.
double RegularizedIncompleteBeta(double x, double a, double b);

// Student t distribution function with `df` > 0 degrees of freedom:
// P(T <= t) = 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2 for t >= 0 (DLMF 8.17.2 / Abramowitz &
// Stegun 26.7.1).
double StudentTCdf(double t, double df);

// Student t quantile for p in [0, 1] and df > 0: the t with StudentTCdf(t, df) == p, found
// by safeguarded Newton iteration on the distribution function (what R's qt returns).
double StudentTQuantile(double p, double df);

}  // namespace retailcast::models
