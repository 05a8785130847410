#include "arima_fit.h"

#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "arima_optim.h"
#include "models/common/least_squares.h"

namespace retailcast::models::arima {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// R's diff(): d times at lag 1, then D times at lag m; the result is shorter by d + m D.
std::vector<double> Difference(std::span<const double> x, int d, int D, int m) {
  std::vector<double> v(x.begin(), x.end());
  auto once = [&v](size_t lag) {
    if (v.size() <= lag) {
      v.clear();
      return;
    }
    for (size_t t = v.size(); t-- > lag;) v[t] -= v[t - lag];
    v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lag));
  };
  for (int i = 0; i < d; ++i) once(1);
  for (int i = 0; i < D; ++i) once(static_cast<size_t>(m));
  return v;
}

// a^-1 b, failing as R's solve() does when a is singular to working precision.
Result<Eigen::MatrixXd> SolveChecked(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  Eigen::PartialPivLU<Eigen::MatrixXd> lu(a);
  const double rcond = lu.rcond();
  if (!(rcond >= std::numeric_limits<double>::epsilon())) {
    return Status::DataError("the Hessian of the likelihood is singular (reciprocal condition " +
                             std::to_string(rcond) + "); the model is not identifiable");
  }
  return Eigen::MatrixXd(lu.solve(b));
}

// The data and fixed parts of one fit, and the two objectives R's arima minimises.
class Problem {
 public:
  Problem(std::span<const double> y, const ArimaOrder& order, std::vector<std::vector<double>> x,
          std::vector<double> coef_template, double kappa, bool finite_kappa)
      : y_(y),
        order_(order),
        x_(std::move(x)),
        delta_(DifferencingPolynomial(order.d, order.D, order.m)),
        template_(std::move(coef_template)),
        kappa_(kappa) {
    for (size_t i = 0; i < template_.size(); ++i) {
      if (std::isnan(template_[i])) free_.push_back(i);
    }
    any_na_ = false;
    for (double v : y_) any_na_ |= std::isnan(v);
    for (const auto& col : x_) {
      for (double v : col) any_na_ |= std::isnan(v);
    }
    // The CSS differences y - X beta = (dy) - (dX) beta: difference once here.
    css_y_.assign(y_.begin(), y_.end());
    DifferenceInPlace(css_y_, order_);
    for (const auto& col : x_) {
      css_x_.emplace_back(col);
      DifferenceInPlace(css_x_.back(), order_);
    }
    fast_ = !any_na_ && !finite_kappa;
    if (fast_) {
      dy_ = Difference(y_, order.d, order.D, order.m);
      for (const auto& col : x_) dx_.push_back(Difference(col, order.d, order.D, order.m));
    }
  }

  const std::vector<size_t>& free() const { return free_; }

  std::vector<double> Full(std::span<const double> p) const {
    std::vector<double> coef = template_;
    for (size_t i = 0; i < free_.size(); ++i) coef[free_[i]] = p[i];
    return coef;
  }

  // y minus the regression part.
  std::vector<double> Adjusted(std::span<const double> coef) const {
    std::vector<double> out(y_.begin(), y_.end());
    const size_t narma = static_cast<size_t>(order_.narma());
    for (size_t j = 0; j < x_.size(); ++j) {
      const double b = coef[narma + j];
      for (size_t t = 0; t < out.size(); ++t) out[t] -= x_[j][t] * b;
    }
    return out;
  }

  // 0.5 log(CSS / n) of the raw coefficients (R's armaCSS).
  double Css(std::span<const double> p, int ncond) const {
    const std::vector<double> coef = Full(p);
    ExpandArma(order_, coef, &phi_, &theta_);
    w_ = css_y_;
    const size_t narma = static_cast<size_t>(order_.narma());
    for (size_t j = 0; j < css_x_.size(); ++j) {
      const double b = coef[narma + j];
      for (size_t t = 0; t < w_.size(); ++t) w_[t] -= css_x_[j][t] * b;
    }
    const double s = CssOfDifferenced(w_, phi_, theta_, ncond, {}, nullptr, any_na_);
    return 0.5 * std::log(s);
  }

  // Half the concentrated negative log-likelihood per observation (R's armafn):
  // 0.5 (log(ssq / nu) + sumlog / nu).
  double NegLogLik(std::span<const double> p, bool transformed) const {
    std::vector<double> coef = Full(p);
    if (transformed) coef = UntransformCoef(order_, coef);
    const ArimaStateSpace::Sums sums = LikelihoodSums(coef);
    if (sums.nu == 0) return kNaN;
    const double s2 = sums.ssq / sums.nu;
    return 0.5 * (std::log(s2) + sums.sumlog / sums.nu);
  }

  // Sum of innovation^2 / gain at natural coefficients (the likelihood's ssq).
  double InnovationSsq(std::span<const double> coef) const { return LikelihoodSums(coef).ssq; }

  const std::vector<double>& delta() const { return delta_; }

 private:
  // The likelihood's sums at natural coefficients: by Chandrasekhar recursions on the
  // differenced series when it has no missing values, else by the Kalman filter.
  ArimaStateSpace::Sums LikelihoodSums(std::span<const double> coef) const {
    ExpandArma(order_, coef, &phi_, &theta_);
    if (fast_) {
      const size_t narma = static_cast<size_t>(order_.narma());
      w_ = dy_;
      for (size_t j = 0; j < dx_.size(); ++j) {
        const double b = coef[narma + j];
        for (size_t t = 0; t < w_.size(); ++t) w_[t] -= dx_[j][t] * b;
      }
      return ArmaLikelihood(phi_, theta_, w_, &work_);
    }
    const ArimaStateSpace ss(phi_, theta_, delta_);
    std::vector<double> a, pcov;
    return ss.Filter(Adjusted(coef), kappa_, &a, &pcov, {});
  }

  std::span<const double> y_;
  ArimaOrder order_;
  std::vector<std::vector<double>> x_;
  std::vector<double> delta_;
  std::vector<double> template_;
  std::vector<size_t> free_;
  double kappa_;
  bool any_na_ = false;
  bool fast_ = false;  // likelihood of the differenced series by Chandrasekhar recursions
  std::vector<double> dy_;
  std::vector<std::vector<double>> dx_;
  std::vector<double> css_y_;
  std::vector<std::vector<double>> css_x_;
  // Scratch reused across objective evaluations of one (single-threaded) fit.
  mutable std::vector<double> phi_, theta_, w_, work_;
};

std::vector<double> Select(std::span<const double> v, const std::vector<size_t>& idx) {
  std::vector<double> out(idx.size());
  for (size_t i = 0; i < idx.size(); ++i) out[i] = v[idx[i]];
  return out;
}

// The regression design R's arima builds: intercept (no differencing), drift (one
// difference), then the regressors; names appended to `names`.
Result<std::vector<std::vector<double>>> Design(size_t n, std::span<const ArimaRegressor> xreg,
                                                bool intercept, bool drift,
                                                std::vector<std::string>* names) {
  std::vector<std::vector<double>> x;
  if (intercept) {
    x.emplace_back(n, 1.0);
    names->emplace_back("intercept");
  }
  if (drift) {
    std::vector<double> col(n);
    for (size_t t = 0; t < n; ++t) col[t] = static_cast<double>(t + 1);
    x.push_back(std::move(col));
    names->emplace_back("drift");
  }
  for (const auto& r : xreg) {
    if (r.values.size() != n) {
      return Status::InvalidArgument("regressor '" + r.name + "' has " +
                                     std::to_string(r.values.size()) + " values for a series of " +
                                     std::to_string(n));
    }
    x.emplace_back(r.values.begin(), r.values.end());
    names->push_back(r.name);
  }
  return x;
}

std::vector<double> Adjust(std::span<const double> y, const std::vector<std::vector<double>>& x,
                           std::span<const double> beta) {
  std::vector<double> out(y.begin(), y.end());
  for (size_t j = 0; j < x.size(); ++j) {
    for (size_t t = 0; t < out.size(); ++t) out[t] -= x[j][t] * beta[j];
  }
  return out;
}

// Residuals and filtered state of the final model (R runs arimaSS on the fitted model).
void FinalPass(ArimaFit* fit, std::span<const double> y,
               const std::vector<std::vector<double>>& x) {
  const auto narma = static_cast<size_t>(fit->order.narma());
  const std::vector<double> adjusted =
      Adjust(y, x, std::span<const double>(fit->coef).subspan(narma));
  const ArimaStateSpace ss(fit->phi, fit->theta, fit->delta);
  fit->residuals.assign(y.size(), kNaN);
  const bool css = fit->method == ArimaMethod::kCss;
  const ArimaStateSpace::Sums sums =
      ss.Filter(adjusted, fit->kappa, &fit->state, &fit->state_cov,
                css ? std::span<double>() : std::span<double>(fit->residuals));
  if (css) {
    ConditionalSumOfSquares(adjusted, fit->order, fit->phi, fit->theta, fit->n_cond, fit->residuals,
                            nullptr);
  } else {
    fit->sigma2 = sums.ssq / fit->n_used;
  }
}

}  // namespace

Status FinishArima(ArimaFit* fit, std::span<const double> y, std::span<const ArimaRegressor> xreg) {
  std::vector<std::string> names;
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<std::vector<double>> x,
                              Design(y.size(), xreg, fit->has_intercept, fit->has_drift, &names));
  FinalPass(fit, y, x);
  return Status::Ok();
}

Result<ArimaFit> FitArima(std::span<const double> y, const ArimaOrder& order,
                          std::span<const ArimaRegressor> xreg, const ArimaFitOptions& options) {
  const size_t n = y.size();
  const int narma = order.narma();
  const int nd = order.d + order.D;
  ArimaFit fit;
  fit.order = order;
  for (int i = 0; i < order.p; ++i) fit.coef_names.push_back("ar" + std::to_string(i + 1));
  for (int i = 0; i < order.q; ++i) fit.coef_names.push_back("ma" + std::to_string(i + 1));
  for (int i = 0; i < order.P; ++i) fit.coef_names.push_back("sar" + std::to_string(i + 1));
  for (int i = 0; i < order.Q; ++i) fit.coef_names.push_back("sma" + std::to_string(i + 1));

  fit.has_intercept = options.include_mean && nd == 0;
  fit.has_drift = options.include_drift && nd == 1;
  fit.kappa = options.kappa;
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<std::vector<double>> x,
                              Design(n, xreg, fit.has_intercept, fit.has_drift, &fit.coef_names));
  const std::vector<std::vector<double>> x_orig = x;
  const size_t ncxreg = x.size();
  fit.num_regressors = static_cast<int>(ncxreg);
  const size_t ncoef = static_cast<size_t>(narma) + ncxreg;

  ArimaMethod method = options.method;
  bool any_na = false;
  for (double v : y) any_na |= std::isnan(v);
  for (const auto& col : x) {
    for (double v : col) any_na |= std::isnan(v);
  }
  if (method == ArimaMethod::kCssMl && any_na) method = ArimaMethod::kMl;
  fit.method = method;
  int ncond = 0;
  if (method != ArimaMethod::kMl) ncond = order.diff_degree() + order.ar_degree();

  std::vector<double> fixed = options.fixed;
  if (fixed.empty()) fixed.assign(ncoef, kNaN);
  if (fixed.size() != ncoef) {
    return Status::InvalidArgument("fixed has " + std::to_string(fixed.size()) + " values for " +
                                   std::to_string(ncoef) + " coefficients");
  }
  fit.mask.resize(ncoef);
  bool any_free = false;
  for (size_t i = 0; i < ncoef; ++i) {
    fit.mask[i] = std::isnan(fixed[i]);
    any_free |= fit.mask[i];
  }
  const bool no_optim = !any_free;
  bool transform = !no_optim;
  for (int i = 0; i < order.p && transform; ++i) transform = fit.mask[i];
  for (int i = 0; i < order.P && transform; ++i) transform = fit.mask[order.p + order.q + i];

  std::vector<double> init(ncoef, 0.0);
  std::vector<double> parscale(ncoef, 1.0);
  // Regressors: rotated to their right singular vectors (better conditioned search) unless
  // there is one or some are fixed; started from least squares on the differenced data.
  bool rotated = false;
  Eigen::MatrixXd v_rot;
  int n_used = 0;
  {
    size_t observed = 0;
    for (size_t t = 0; t < n; ++t) {
      bool ok = !std::isnan(y[t]);
      for (size_t j = 0; ok && j < ncxreg; ++j) ok = !std::isnan(x[j][t]);
      observed += ok ? 1 : 0;
    }
    n_used = static_cast<int>(observed) - order.diff_degree();
  }
  if (ncxreg > 0) {
    bool any_fixed_reg = false;
    for (size_t j = 0; j < ncxreg; ++j) any_fixed_reg |= !fit.mask[narma + j];
    if (ncxreg > 1 && !any_fixed_reg) {
      std::vector<size_t> rows;
      for (size_t t = 0; t < n; ++t) {
        bool ok = true;
        for (size_t j = 0; ok && j < ncxreg; ++j) ok = !std::isnan(x[j][t]);
        if (ok) rows.push_back(t);
      }
      Eigen::MatrixXd xm(rows.size(), ncxreg);
      for (size_t i = 0; i < rows.size(); ++i) {
        for (size_t j = 0; j < ncxreg; ++j) xm(i, j) = x[j][rows[i]];
      }
      Eigen::JacobiSVD<Eigen::MatrixXd> svd(xm, Eigen::ComputeThinV);
      v_rot = svd.matrixV();
      std::vector<std::vector<double>> xr(ncxreg, std::vector<double>(n, 0.0));
      for (size_t t = 0; t < n; ++t) {
        for (size_t k = 0; k < ncxreg; ++k) {
          double s = 0;
          for (size_t j = 0; j < ncxreg; ++j) s += x[j][t] * v_rot(j, k);
          xr[k][t] = s;
        }
      }
      x = std::move(xr);
      rotated = true;
    }
    std::vector<double> dy = Difference(y, order.d, order.D, order.m);
    std::vector<std::vector<double>> dx;
    for (const auto& col : x) dx.push_back(Difference(col, order.d, order.D, order.m));
    auto columns_of = [](const std::vector<std::vector<double>>& cols) {
      std::vector<std::span<const double>> out;
      for (const auto& c : cols) out.emplace_back(c);
      return out;
    };
    LeastSquaresFit ls;
    if (dy.size() > ncxreg) ls = FitLeastSquares(columns_of(dx), dy);
    if (ls.rank == 0) ls = FitLeastSquares(columns_of(x), y);
    if (ls.rank < static_cast<int>(ncxreg)) {
      return Status::DataError(
          "the regressors are collinear (after differencing); drop the redundant ones");
    }
    for (size_t j = 0; j < ncxreg; ++j) {
      if (!fit.mask[narma + j]) continue;  // held at its fixed value
      init[narma + j] = ls.coef[j];
      parscale[narma + j] = 10 * ls.se[j];
      if (!(parscale[narma + j] > 0) || !std::isfinite(parscale[narma + j])) {
        return Status::DataError(
            "too few observations to estimate the regression coefficients' scale");
      }
    }
  }
  if (n_used <= 0) {
    return Status::DataError("too few non-missing observations for " + order.ToString() + " (" +
                             std::to_string(n_used + order.diff_degree()) +
                             " observed, differencing uses " + std::to_string(order.diff_degree()) +
                             ")");
  }
  fit.n_used = n_used;

  Problem problem(y, order, x, fixed, options.kappa, options.finite_kappa_likelihood);
  const std::vector<size_t>& free = problem.free();
  BfgsOptions bfgs;
  bfgs.parscale = Select(parscale, free);

  std::vector<double> coef = fixed;
  double value = 0;
  Eigen::MatrixXd var;
  if (method == ArimaMethod::kCss) {
    const Objective css = [&](std::span<const double> p) { return problem.Css(p, ncond); };
    BfgsResult res;
    if (no_optim) {
      res.value = css({});
    } else {
      RETAILCAST_ASSIGN_OR_RETURN(res, MinimizeBfgs(css, Select(init, free), bfgs));
    }
    fit.convergence = res.convergence;
    for (size_t i = 0; i < free.size(); ++i) coef[free[i]] = res.par[i];
    value = res.value;
    if (!no_optim) {
      RETAILCAST_ASSIGN_OR_RETURN(std::vector<double> h, NumericHessian(css, res.par, bfgs));
      const auto k = static_cast<Eigen::Index>(free.size());
      const Eigen::MatrixXd hm = Eigen::Map<Eigen::MatrixXd>(h.data(), k, k) * n_used;
      RETAILCAST_ASSIGN_OR_RETURN(var, SolveChecked(hm, Eigen::MatrixXd::Identity(k, k)));
    }
  } else {
    if (method == ArimaMethod::kCssMl) {
      const Objective css = [&](std::span<const double> p) { return problem.Css(p, ncond); };
      if (!no_optim) {
        RETAILCAST_ASSIGN_OR_RETURN(BfgsResult res, MinimizeBfgs(css, Select(init, free), bfgs));
        if (res.convergence == 0) {
          for (size_t i = 0; i < free.size(); ++i) init[free[i]] = res.par[i];
        }
      }
      if (order.p > 0 && !ArIsStationary(std::span(init).subspan(0, order.p))) {
        return Status::DataError("the CSS estimates have a non-stationary AR part");
      }
      if (order.P > 0 && !ArIsStationary(std::span(init).subspan(order.p + order.q, order.P))) {
        return Status::DataError("the CSS estimates have a non-stationary seasonal AR part");
      }
      ncond = 0;
    }
    if (transform) {
      init = TransformCoef(order, init);
      if (order.q > 0) {
        const auto ma = InvertMa(std::span(init).subspan(order.p, order.q));
        std::copy(ma.begin(), ma.end(), init.begin() + order.p);
      }
      if (order.Q > 0) {
        const size_t off = order.p + order.q + order.P;
        const auto sma = InvertMa(std::span(init).subspan(off, order.Q));
        std::copy(sma.begin(), sma.end(), init.begin() + static_cast<std::ptrdiff_t>(off));
      }
    }
    const Objective ml = [&](std::span<const double> p) { return problem.NegLogLik(p, transform); };
    BfgsResult res;
    if (no_optim) {
      res.value = ml({});
    } else {
      RETAILCAST_ASSIGN_OR_RETURN(res, MinimizeBfgs(ml, Select(init, free), bfgs));
    }
    fit.convergence = res.convergence;
    for (size_t i = 0; i < free.size(); ++i) coef[free[i]] = res.par[i];
    std::vector<double> hess;
    if (transform) {
      auto all_free = [&](size_t off, int len) {
        for (int i = 0; i < len; ++i) {
          if (!fit.mask[off + i]) return false;
        }
        return true;
      };
      if (order.q > 0 && all_free(order.p, order.q)) {
        const auto ma = InvertMa(std::span(coef).subspan(order.p, order.q));
        std::copy(ma.begin(), ma.end(), coef.begin() + order.p);
      }
      const size_t off = order.p + order.q + order.P;
      if (order.Q > 0 && all_free(off, order.Q)) {
        const auto sma = InvertMa(std::span(coef).subspan(off, order.Q));
        std::copy(sma.begin(), sma.end(), coef.begin() + static_cast<std::ptrdiff_t>(off));
      }
      bool changed = false;
      for (size_t i = 0; i < free.size(); ++i) changed |= coef[free[i]] != res.par[i];
      if (changed) {
        // Re-evaluate at the reflected MA parameters (same likelihood, new point).
        BfgsOptions once = bfgs;
        once.maxit = 0;
        const int code = res.convergence;
        RETAILCAST_ASSIGN_OR_RETURN(res, MinimizeBfgs(ml, Select(coef, free), once));
        res.convergence = code;
      }
    }
    value = res.value;
    if (!no_optim) {
      RETAILCAST_ASSIGN_OR_RETURN(hess, NumericHessian(ml, res.par, bfgs));
      const auto k = static_cast<Eigen::Index>(free.size());
      const Eigen::MatrixXd hm = Eigen::Map<Eigen::MatrixXd>(hess.data(), k, k) * n_used;
      if (transform) {
        const std::vector<double> jac = UntransformJacobian(order, coef);
        Eigen::MatrixXd a(k, k);
        for (Eigen::Index i = 0; i < k; ++i) {
          for (Eigen::Index j = 0; j < k; ++j) a(i, j) = jac[free[i] * ncoef + free[j]];
        }
        RETAILCAST_ASSIGN_OR_RETURN(Eigen::MatrixXd s, SolveChecked(hm, a));
        var = a.transpose() * s;
        coef = UntransformCoef(order, coef);
      } else {
        RETAILCAST_ASSIGN_OR_RETURN(var, SolveChecked(hm, Eigen::MatrixXd::Identity(k, k)));
      }
    }
  }
  fit.loglik = -0.5 * (2 * n_used * value + n_used + n_used * std::log(2 * std::numbers::pi));
  if (method != ArimaMethod::kCss)
    fit.aic = -2 * fit.loglik + 2 * static_cast<double>(free.size()) + 2;

  ExpandArma(order, coef, &fit.phi, &fit.theta);
  fit.delta = problem.delta();
  fit.n_cond = ncond;
  if (method == ArimaMethod::kCss) {
    fit.sigma2 = ConditionalSumOfSquares(problem.Adjusted(coef), order, fit.phi, fit.theta, ncond,
                                         {}, nullptr);
  } else {
    fit.sigma2 = problem.InnovationSsq(coef) / n_used;
  }

  // Back from the rotated regressors to the original ones (coefficients and covariance).
  if (rotated) {
    const auto k = static_cast<Eigen::Index>(ncxreg);
    Eigen::VectorXd b(k);
    for (Eigen::Index j = 0; j < k; ++j) b(j) = coef[narma + j];
    const Eigen::VectorXd ob = v_rot * b;
    for (Eigen::Index j = 0; j < k; ++j) coef[narma + j] = ob(j);
    if (var.size() > 0) {
      const auto nf = static_cast<Eigen::Index>(free.size());
      Eigen::MatrixXd a = Eigen::MatrixXd::Identity(nf, nf);
      // Every regression coefficient is free here (rotation is off when one is fixed), and
      // they come last among the free ones.
      a.bottomRightCorner(k, k) = v_rot;
      var = a * var * a.transpose();
    }
  }
  fit.coef = std::move(coef);
  if (options.final_pass) FinalPass(&fit, y, x_orig);
  fit.var_coef.assign(static_cast<size_t>(var.size()), 0.0);
  for (Eigen::Index i = 0; i < var.rows(); ++i) {
    for (Eigen::Index j = 0; j < var.cols(); ++j) fit.var_coef[i * var.cols() + j] = var(i, j);
  }
  return fit;
}

ArimaCriteria ComputeCriteria(const ArimaFit& fit, std::span<const double> counted, double aic) {
  ArimaCriteria c;
  size_t first = counted.size(), last = 0;
  for (size_t t = 0; t < counted.size(); ++t) {
    if (!std::isnan(counted[t])) {
      first = std::min(first, t);
      last = t;
    }
  }
  int n = 0;
  for (size_t t = first; t <= last && t < counted.size(); ++t) n += std::isnan(counted[t]) ? 0 : 1;
  int free = 0;
  for (bool b : fit.mask) free += b ? 1 : 0;
  c.npar = free + 1;
  c.nstar = n - fit.order.diff_degree();
  c.aic = aic;
  const double np = c.npar;
  const double ns = c.nstar;
  c.aicc = aic + 2 * np * (np + 1) / (ns - np - 1);
  c.bic = aic + np * (std::log(ns) - 2);
  double ss = 0;
  for (double r : fit.residuals) {
    if (!std::isnan(r)) ss += r * r;
  }
  c.sigma2 = ss / (ns - np + 1);
  return c;
}

}  // namespace retailcast::models::arima
