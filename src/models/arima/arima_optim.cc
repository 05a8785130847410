#include "arima_optim.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace retailcast::models::arima {
namespace {

// Evaluates fn at scaled parameters x (the optimiser's coordinates): fn(x * parscale).
class Scaled {
 public:
  Scaled(const Objective& fn, std::vector<double> parscale)
      : fn_(fn), scale_(std::move(parscale)), buf_(scale_.size()) {}

  double Value(std::span<const double> x) {
    for (size_t i = 0; i < x.size(); ++i) buf_[i] = x[i] * scale_[i];
    ++fn_count_;
    return fn_(buf_);
  }

  // Central differences with step `eps` in scaled units.
  Status Gradient(std::span<const double> x, double eps, std::vector<double>* g) {
    g->resize(x.size());
    std::vector<double> xs(x.begin(), x.end());
    for (size_t i = 0; i < x.size(); ++i) {
      xs[i] = x[i] + eps;
      const double up = Value(xs);
      xs[i] = x[i] - eps;
      const double down = Value(xs);
      xs[i] = x[i];
      (*g)[i] = (up - down) / (2 * eps);
      if (!std::isfinite((*g)[i])) {
        return Status::DataError("non-finite finite-difference gradient for parameter " +
                                 std::to_string(i + 1));
      }
    }
    ++gr_count_;
    return Status::Ok();
  }

  const std::vector<double>& scale() const { return scale_; }
  int fn_count() const { return fn_count_; }
  int gr_count() const { return gr_count_; }

 private:
  const Objective& fn_;
  std::vector<double> scale_;
  std::vector<double> buf_;
  int fn_count_ = 0;
  int gr_count_ = 0;
};

std::vector<double> ScaleOf(const BfgsOptions& options, size_t n) {
  return options.parscale.empty() ? std::vector<double>(n, 1.0) : options.parscale;
}

}  // namespace

Result<BfgsResult> MinimizeBfgs(const Objective& fn, std::vector<double> start,
                                const BfgsOptions& options) {
  // Nash's constants: step reduction, acceptable-point tolerance (Armijo) and the offset that
  // decides whether a step still changes a parameter.
  constexpr double kStepReduction = 0.2;
  constexpr double kAcceptTol = 1e-4;
  constexpr double kRelTest = 10.0;
  const size_t n = start.size();
  Scaled scaled(fn, ScaleOf(options, n));
  std::vector<double> b(n);
  for (size_t i = 0; i < n; ++i) b[i] = start[i] / scaled.scale()[i];
  BfgsResult out;
  auto finish = [&](double value, int convergence) {
    out.par.resize(n);
    for (size_t i = 0; i < n; ++i) out.par[i] = b[i] * scaled.scale()[i];
    out.value = value;
    out.convergence = convergence;
    out.fn_count = scaled.fn_count();
    out.gr_count = scaled.gr_count();
    return out;
  };
  if (options.maxit <= 0 || n == 0) return finish(scaled.Value(b), 0);

  double f = scaled.Value(b);
  if (!std::isfinite(f)) {
    return Status::DataError("the objective is not finite at the starting values");
  }
  double fmin = f;
  std::vector<double> g, x(n), c(n), t(n), bc(n);
  RETAILCAST_RETURN_IF_ERROR(scaled.Gradient(b, options.ndeps, &g));
  int iter = 1;
  int gradcount = 1;
  int ilast = gradcount;
  // Lower triangle of the inverse Hessian approximation (row-major, full storage).
  std::vector<double> h(n * n, 0.0);
  size_t count = 0;
  do {
    if (ilast == gradcount) {
      std::fill(h.begin(), h.end(), 0.0);
      for (size_t i = 0; i < n; ++i) h[i * n + i] = 1.0;
    }
    x = b;
    c = g;
    double gradproj = 0;
    for (size_t i = 0; i < n; ++i) {
      double s = 0;
      for (size_t j = 0; j <= i; ++j) s -= h[i * n + j] * g[j];
      for (size_t j = i + 1; j < n; ++j) s -= h[j * n + i] * g[j];
      t[i] = s;
      gradproj += s * g[i];
    }
    if (gradproj < 0) {
      // Backtracking line search along t until the Armijo condition holds or the step no
      // longer changes any parameter.
      double steplength = 1.0;
      bool accpoint = false;
      do {
        count = 0;
        for (size_t i = 0; i < n; ++i) {
          b[i] = x[i] + steplength * t[i];
          if (kRelTest + x[i] == kRelTest + b[i]) ++count;
        }
        if (count < n) {
          f = scaled.Value(b);
          accpoint = std::isfinite(f) && f <= fmin + gradproj * steplength * kAcceptTol;
          if (!accpoint) steplength *= kStepReduction;
        }
      } while (!(count == n || accpoint));
      const bool enough = std::fabs(f - fmin) > options.reltol * (std::fabs(fmin) + options.reltol);
      if (!enough) {
        count = n;
        fmin = f;
      }
      if (count < n) {
        fmin = f;
        RETAILCAST_RETURN_IF_ERROR(scaled.Gradient(b, options.ndeps, &g));
        ++gradcount;
        ++iter;
        double d1 = 0;
        for (size_t i = 0; i < n; ++i) {
          t[i] *= steplength;
          c[i] = g[i] - c[i];
          d1 += t[i] * c[i];
        }
        if (d1 > 0) {
          // BFGS update of the inverse Hessian approximation.
          double d2 = 0;
          for (size_t i = 0; i < n; ++i) {
            double s = 0;
            for (size_t j = 0; j <= i; ++j) s += h[i * n + j] * c[j];
            for (size_t j = i + 1; j < n; ++j) s += h[j * n + i] * c[j];
            bc[i] = s;
            d2 += s * c[i];
          }
          d2 = 1.0 + d2 / d1;
          for (size_t i = 0; i < n; ++i) {
            for (size_t j = 0; j <= i; ++j) {
              h[i * n + j] += (d2 * t[i] * t[j] - bc[i] * t[j] - t[i] * bc[j]) / d1;
            }
          }
        } else {
          ilast = gradcount;
        }
      } else if (ilast < gradcount) {
        // No progress from a quasi-Newton step: retry once from steepest descent.
        count = 0;
        ilast = gradcount;
      }
    } else {
      // Uphill direction: reset to steepest descent unless that was just tried.
      count = 0;
      if (ilast == gradcount) {
        count = n;
      } else {
        ilast = gradcount;
      }
    }
    if (iter >= options.maxit) break;
    if (gradcount - ilast > 2 * static_cast<int>(n)) ilast = gradcount;  // periodic restart
  } while (count != n || ilast != gradcount);
  return finish(fmin, iter < options.maxit ? 0 : 1);
}

Result<std::vector<double>> NumericHessian(const Objective& fn, std::span<const double> par,
                                           const BfgsOptions& options) {
  const size_t n = par.size();
  // Entry (i, j) and (j, i) difference the gradient at points that coincide bit for bit when
  // both steps are equal (x_i +- e, x_j +- e): each point is evaluated once, which halves the
  // cost and gives exactly the values evaluating them twice would.
  std::map<std::vector<double>, double> seen;
  const Objective memo = [&](std::span<const double> x) {
    std::vector<double> key(x.begin(), x.end());
    auto it = seen.find(key);
    if (it != seen.end()) return it->second;
    const double v = fn(x);
    seen.emplace(std::move(key), v);
    return v;
  };
  Scaled scaled(memo, ScaleOf(options, n));
  const std::vector<double>& scale = scaled.scale();
  std::vector<double> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = par[i] / scale[i];
  std::vector<double> hess(n * n), g1, g2;
  for (size_t i = 0; i < n; ++i) {
    // The outer step is ndeps in the parameter's own units; the inner gradient steps are
    // ndeps in scaled units (R's optimHess does the same).
    const double eps = options.ndeps / scale[i];
    const double xi = x[i];
    x[i] = xi + eps;
    RETAILCAST_RETURN_IF_ERROR(scaled.Gradient(x, options.ndeps, &g1));
    x[i] = xi - eps;
    RETAILCAST_RETURN_IF_ERROR(scaled.Gradient(x, options.ndeps, &g2));
    x[i] = xi;
    for (size_t j = 0; j < n; ++j) {
      hess[i * n + j] = (g1[j] - g2[j]) / (2 * eps * scale[i] * scale[j]);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < i; ++j) {
      const double v = 0.5 * (hess[i * n + j] + hess[j * n + i]);
      hess[i * n + j] = hess[j * n + i] = v;
    }
  }
  return hess;
}

}  // namespace retailcast::models::arima
