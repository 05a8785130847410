#include "additive_fit.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <utility>

#include <LBFGS.h>

namespace retailcast::models::additive {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kTrendPriorVar = 25.0;  // k, m ~ N(0, 5)
constexpr double kSigmaPriorVar = 0.25;  // sigma_obs ~ half-N(0, 0.5)
constexpr double kMinSigma = 1e-10;
constexpr int kMaxRestarts = 5;
constexpr int kMaxIterations = 5000;
constexpr double kInitialU = 1e-2;

// The sigma that minimises the objective for a given sum of squares: the positive root of
// n sigma^2 - sse + sigma^4 / kSigmaPriorVar = 0 (d/dsigma of the objective), written without
// the cancellation of (-n + sqrt(n^2 + 16 sse)) / 8. Profiling sigma out leaves the same
// minimum (the objective is minimised over sigma for every theta) and removes the stiffest
// direction of the problem; by the envelope theorem the gradient in theta is unchanged.
double ProfileSigma(double sse, double n) {
  const double c = 4.0 / kSigmaPriorVar;
  const double var = 2.0 * sse / (n + std::sqrt(n * n + c * sse));
  return std::max(std::sqrt(var), kMinSigma);
}

// The smooth part of the objective: likelihood (sigma profiled) and the normal priors on k,
// m and beta; the Laplace prior on delta is added by the caller.
class SmoothPart {
 public:
  SmoothPart(const MapProblem& p, bool use_gram)
      : p_(p), use_gram_(use_gram), hinge_(HingeMatrix(p.t, p.changepoints)) {
    s_ = p.changepoints.size();
    k_ = p.x.cols();
    add_mask_ = VectorXd::Zero(k_);
    mult_mask_ = VectorXd::Zero(k_);
    for (Index c = 0; c < k_; ++c) {
      (p.multiplicative[static_cast<size_t>(c)] ? mult_mask_ : add_mask_)(c) = 1.0;
    }
    inv_prior_var_ = p.prior_scales.array().square().inverse().matrix();
    if (use_gram_) {
      // Z = [t, 1, hinge, X]; the mean is Z theta with theta = [k, m, delta, beta].
      const Index n = p.t.size();
      MatrixXd z(n, 2 + s_ + k_);
      z.col(0) = p.t;
      z.col(1).setOnes();
      z.middleCols(2, s_) = hinge_;
      z.rightCols(k_) = p.x;
      gram_ = z.transpose() * z;
      zy_ = z.transpose() * p.y;
      yy_ = p.y.squaredNorm();
    }
  }

  Index s() const { return s_; }
  Index k() const { return k_; }
  const MatrixXd& hinge() const { return hinge_; }
  bool multiplicative(Index c) const { return mult_mask_(c) > 0; }

  // Value at theta = [k, m, delta, beta]; *grad gets d/dtheta, *sigma the profiled sigma.
  double Evaluate(const VectorXd& theta, VectorXd* grad, double* sigma) const {
    const double k = theta(0), m = theta(1);
    const auto delta = theta.segment(2, s_);
    const auto beta = theta.tail(k_);
    const double n = static_cast<double>(p_.t.size());
    double sse = 0;
    // d(sse / 2) / dtheta: the data term's gradient before dividing by sigma^2.
    VectorXd g_theta(theta.size());
    if (use_gram_) {
      const VectorXd g_theta_full = gram_ * theta;
      // ||y - Z theta||^2; rounding can make a near-perfect fit slightly negative.
      sse = std::max(0.0, yy_ - 2.0 * theta.dot(zy_) + theta.dot(g_theta_full));
      g_theta = g_theta_full - zy_;
    } else {
      const VectorXd mult = p_.x * beta.cwiseProduct(mult_mask_);
      const VectorXd add = p_.x * beta.cwiseProduct(add_mask_);
      VectorXd trend, dtrend_dz;
      VectorXd z = hinge_ * delta;
      switch (p_.growth) {
        case Growth::kLinear:
          trend = z + k * p_.t + VectorXd::Constant(p_.t.size(), m);
          break;
        case Growth::kFlat:
          trend = VectorXd::Constant(p_.t.size(), m);
          break;
        case Growth::kLogistic: {
          z += k * (p_.t.array() - m).matrix();
          const VectorXd sig = (1.0 + (-z.array()).exp()).inverse().matrix();
          trend = p_.cap.cwiseProduct(sig);
          dtrend_dz = trend.array() * (1.0 - sig.array());
          break;
        }
      }
      const VectorXd resid = p_.y - (trend.array() * (1.0 + mult.array())).matrix() - add;
      sse = resid.squaredNorm();
      // With g = -resid (d(sse/2)/d mean): d/d beta = X' g (additive) or X' (g .* trend).
      const VectorXd g = -resid;
      g_theta.tail(k_) = (p_.x.transpose() * g).cwiseProduct(add_mask_) +
                         (p_.x.transpose() * g.cwiseProduct(trend)).cwiseProduct(mult_mask_);
      const VectorXd gtrend = g.cwiseProduct((1.0 + mult.array()).matrix());
      g_theta.head(2 + s_).setZero();
      switch (p_.growth) {
        case Growth::kLinear:
          g_theta(0) = gtrend.dot(p_.t);
          g_theta(1) = gtrend.sum();
          g_theta.segment(2, s_) = hinge_.transpose() * gtrend;
          break;
        case Growth::kFlat:
          g_theta(1) = gtrend.sum();
          break;
        case Growth::kLogistic: {
          const VectorXd gz = gtrend.cwiseProduct(dtrend_dz);
          g_theta(0) = gz.dot((p_.t.array() - m).matrix());
          g_theta(1) = -k * gz.sum();
          g_theta.segment(2, s_) = hinge_.transpose() * gz;
          break;
        }
      }
    }
    *sigma = ProfileSigma(sse, n);
    const double inv_var = 1.0 / (*sigma * *sigma);
    double f = n * std::log(*sigma) + 0.5 * sse * inv_var;
    f += (k * k + m * m) / (2.0 * kTrendPriorVar);
    f += 0.5 * beta.cwiseProduct(beta).dot(inv_prior_var_);
    f += *sigma * *sigma / (2.0 * kSigmaPriorVar);
    *grad = g_theta * inv_var;
    (*grad)(0) += k / kTrendPriorVar;
    (*grad)(1) += m / kTrendPriorVar;
    grad->tail(k_) += beta.cwiseProduct(inv_prior_var_);
    // A flat trend has no rate: k stays at its start, 0.
    if (p_.growth == Growth::kFlat) (*grad)(0) = 0;
    return f;
  }

 private:
  const MapProblem& p_;
  bool use_gram_;
  Index s_ = 0, k_ = 0;
  MatrixXd hinge_;
  VectorXd add_mask_, mult_mask_, inv_prior_var_;
  MatrixXd gram_;
  VectorXd zy_;
  double yy_ = 0;
};

// The objective over x = [k, m, u (S), v (S), beta (K)] with delta = u .* v and the Laplace
// term |delta_j| / tau replaced by (u_j^2 + v_j^2) / (2 tau): since (u^2 + v^2) / 2 >= |u v|
// with equality when |u| = |v|, minimising over u and v gives back |delta| / tau exactly, so
// the minimum is the MAP (the "Hadamard product parametrisation" of the lasso, P. D. Hoff,
// Computational Statistics & Data Analysis 115, 2017), and the objective is smooth, so plain
// L-BFGS applies. x is held divided by `scale` (Jacobi preconditioning: each parameter by the
// norm of its design column, u and v by its square root since delta = u v).
class HadamardObjective {
 public:
  HadamardObjective(const SmoothPart& smooth, double tau, VectorXd scale)
      : f_(smooth), tau_(tau), scale_(std::move(scale)) {}

  Index size() const { return 2 + 2 * f_.s() + f_.k(); }

  VectorXd ToTheta(const VectorXd& x) const {
    const VectorXd w = x.cwiseQuotient(scale_);
    const Index s = f_.s();
    VectorXd theta(2 + s + f_.k());
    theta << w.head(2), w.segment(2, s).cwiseProduct(w.segment(2 + s, s)), w.tail(f_.k());
    return theta;
  }

  double operator()(const VectorXd& x, VectorXd& grad) {
    const Index s = f_.s();
    const VectorXd w = x.cwiseQuotient(scale_);
    const auto u = w.segment(2, s), v = w.segment(2 + s, s);
    VectorXd theta(2 + s + f_.k());
    theta << w.head(2), u.cwiseProduct(v), w.tail(f_.k());
    VectorXd g;
    double sigma = 0;
    double fx = f_.Evaluate(theta, &g, &sigma);
    fx += 0.5 * (u.squaredNorm() + v.squaredNorm()) / tau_;
    grad.resize(x.size());
    grad.head(2) = g.head(2);
    grad.segment(2, s) = v.cwiseProduct(g.segment(2, s)) + u / tau_;
    grad.segment(2 + s, s) = u.cwiseProduct(g.segment(2, s)) + v / tau_;
    grad.tail(f_.k()) = g.tail(f_.k());
    grad = grad.cwiseQuotient(scale_);
    if (fx < best_f_) {
      best_f_ = fx;
      best_ = x;
      best_sigma_ = sigma;
    }
    return fx;
  }

  double best_f() const { return best_f_; }
  const VectorXd& best() const { return best_; }
  double best_sigma() const { return best_sigma_; }

 private:
  const SmoothPart& f_;
  double tau_;
  VectorXd scale_;
  double best_f_ = std::numeric_limits<double>::infinity();
  VectorXd best_;
  double best_sigma_ = 0;
};

bool UseGram(const MapProblem& p) {
  if (p.growth == Growth::kLogistic) return false;
  return std::none_of(p.multiplicative.begin(), p.multiplicative.end(), [](bool b) { return b; });
}

// Prophet's linear_growth_init / logistic_growth_init / flat_growth_init.
void InitialTrend(const MapProblem& p, double* k, double* m) {
  const Index last = p.t.size() - 1;
  const double span = p.t(last) - p.t(0);
  switch (p.growth) {
    case Growth::kLinear:
      *k = span > 0 ? (p.y(last) - p.y(0)) / span : 0;
      *m = p.y(0) - *k * p.t(0);
      return;
    case Growth::kFlat:
      *k = 0;
      *m = p.y.mean();
      return;
    case Growth::kLogistic: {
      const double c0 = p.cap(0), c1 = p.cap(last);
      const double y0 = std::max(0.01 * c0, std::min(0.99 * c0, p.y(0)));
      const double y1 = std::max(0.01 * c1, std::min(0.99 * c1, p.y(last)));
      double r0 = c0 / y0;
      const double r1 = c1 / y1;
      if (std::abs(r0 - r1) <= 0.01) r0 *= 1.05;
      const double l0 = std::log(r0 - 1), l1 = std::log(r1 - 1);
      *m = span > 0 ? l0 * span / (l0 - l1) : 0;
      *k = span > 0 ? (l0 - l1) / span : 0;
      return;
    }
  }
}

}  // namespace

MatrixXd HingeMatrix(const VectorXd& t, const VectorXd& changepoints) {
  MatrixXd h(t.size(), changepoints.size());
  for (Index j = 0; j < changepoints.size(); ++j) {
    h.col(j) = (t.array() - changepoints(j)).max(0.0).matrix();
  }
  return h;
}

double MapObjective(const MapProblem& problem, const VectorXd& theta, VectorXd* gradient,
                    bool use_gram) {
  SmoothPart smooth(problem, use_gram);
  double sigma = 0;
  const double f = smooth.Evaluate(theta, gradient, &sigma);
  const auto delta = theta.segment(2, smooth.s());
  for (Index j = 0; j < delta.size(); ++j) {
    (*gradient)(2 + j) += (delta(j) > 0 ? 1.0 : delta(j) < 0 ? -1.0 : 0.0) / problem.tau;
  }
  return f + delta.cwiseAbs().sum() / problem.tau;
}

MapSolution FitMap(const MapProblem& p) {
  const bool flat = p.growth == Growth::kFlat;
  MapProblem local = p;
  if (flat) local.changepoints.resize(0);
  const SmoothPart smooth(local, UseGram(local));
  const Index s = smooth.s(), k = smooth.k();
  MapSolution sol;
  InitialTrend(local, &sol.k, &sol.m);
  if (!std::isfinite(sol.k) || !std::isfinite(sol.m)) sol.k = sol.m = 0;
  sol.delta = VectorXd::Zero(s);
  sol.beta = VectorXd::Zero(k);
  if (p.growth != Growth::kLogistic && p.y.maxCoeff() == p.y.minCoeff()) {
    sol.sigma = 0;  // fit.prophet's shortcut for a constant series
    return sol;
  }
  VectorXd scale(2 + 2 * s + k);
  scale(0) = std::max(local.t.norm(), 1e-12);
  scale(1) = std::sqrt(static_cast<double>(local.t.size()));
  for (Index j = 0; j < s; ++j) {
    scale(2 + j) = scale(2 + s + j) = std::sqrt(std::max(smooth.hinge().col(j).norm(), 1e-12));
  }
  const double level = std::max(local.y.cwiseAbs().mean(), 1e-3);
  for (Index c = 0; c < k; ++c) {
    const double norm = local.x.col(c).norm() * (smooth.multiplicative(c) ? level : 1.0);
    scale(2 + 2 * s + c) = norm > 0 && std::isfinite(norm) ? norm : 1.0;
  }
  HadamardObjective objective(smooth, local.tau, scale);
  // u = v = 0 is a stationary point of the product (and u = v one that only leads to
  // positive delta), so u starts small and v at zero: delta = 0, and v's gradient u dL/ddelta
  // points to whichever sign the data want.
  VectorXd x = VectorXd::Zero(objective.size());
  x(0) = sol.k;
  x(1) = sol.m;
  x.segment(2, s).setConstant(kInitialU);
  x = x.cwiseProduct(scale);
  if (flat) x(0) = 0;

  LBFGSpp::LBFGSParam<double> param;
  // Stop when the objective fell by less than 1e-9 (relative) over 10 iterations. Tighter
  // tolerances change no forecast of the benchmark series in its fourth digit, but with strong
  // priors the last digits of the optimum only creep (at rounding level) and a 1e-10 test can
  // run to the iteration cap.
  param.m = 10;
  param.epsilon = 1e-6;
  param.epsilon_rel = 0;
  param.past = 10;
  param.delta = 1e-9;
  param.max_iterations = kMaxIterations;
  param.max_linesearch = 60;
  param.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
  LBFGSpp::LBFGSSolver<double, LBFGSpp::LineSearchNocedalWright> solver(param);
  // LBFGSpp throws when a line search cannot make progress: at the minimum to rounding, or
  // when its curvature memory has gone stale. Restarting from the best point with an empty
  // memory tells the two apart; a restart that gains (relatively) nothing ends the fit.
  for (int attempt = 0; attempt < kMaxRestarts; ++attempt) {
    const double before = objective.best_f();
    double fx = 0;
    bool stopped = false;
    try {
      sol.iterations += solver.minimize(objective, x, fx);
    } catch (const std::exception&) {
      stopped = true;
    }
    if (!stopped) break;
    x = objective.best();
    if (std::isfinite(before) &&
        before - objective.best_f() <= 1e-10 * std::max(1.0, std::abs(before))) {
      break;
    }
  }
  const VectorXd theta =
      objective.ToTheta(objective.best().size() == x.size() ? objective.best() : x);
  sol.k = flat ? 0 : theta(0);
  sol.m = theta(1);
  sol.delta = VectorXd::Zero(p.changepoints.size());
  if (!flat) sol.delta = theta.segment(2, s);
  sol.beta = theta.tail(k);
  sol.sigma = objective.best_sigma();
  sol.objective = objective.best_f();
  return sol;
}

}  // namespace retailcast::models::additive
