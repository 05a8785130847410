// Quasi-Newton minimisation for the ARIMA fits (private to src/models): the variable metric
// (BFGS) method of Nash, "Compact Numerical Methods for Computers" (2nd ed., 1990),
// Algorithm 21, with central-difference gradients and a finite-difference Hessian, as R's
// optim(method = "BFGS", hessian = TRUE) runs it with its default control values (parscale,
// ndeps 1e-3, maxit 100, reltol sqrt(machine epsilon)). stats::arima minimises with exactly
// this, so using the same method, steps and stopping rule lands on the same optimum (and the
// same local optimum when there are several), which a different optimiser would not.
//
// Pure functions; thread-safe when `fn` is.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "retailcast/core/status.h"

namespace retailcast::models::arima {

// The function to minimise; may return a non-finite value where it is undefined.
using Objective = std::function<double(std::span<const double>)>;

struct BfgsOptions {
  // Scale of each parameter: the search works on par / parscale (R's control$parscale).
  // Empty means 1 for every parameter.
  std::vector<double> parscale;
  double ndeps = 1e-3;                     // finite-difference step, in scaled units
  int maxit = 100;                         // iterations (gradient evaluations)
  double reltol = 1.4901161193847656e-08;  // sqrt(DBL_EPSILON)
};

struct BfgsResult {
  std::vector<double> par;
  double value = 0;
  int convergence = 0;  // 0 = converged, 1 = iteration limit reached
  int fn_count = 0;
  int gr_count = 0;
};

// Minimises `fn` from `start`. With maxit <= 0 only evaluates fn at start. DataError when the
// value at `start` is not finite or a finite-difference gradient is not finite (R's optim
// stops with an error in both cases).
Result<BfgsResult> MinimizeBfgs(const Objective& fn, std::vector<double> start,
                                const BfgsOptions& options);

// The Hessian of `fn` at `par` (row-major n x n, symmetrised) by central differences of the
// central-difference gradient, as R's optimHess. DataError when a gradient is not finite.
Result<std::vector<double>> NumericHessian(const Objective& fn, std::span<const double> par,
                                           const BfgsOptions& options);

}  // namespace retailcast::models::arima
