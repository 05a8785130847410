// The MAP fit of the additive model (private to src/models): Prophet's Stan model
// (prophet.stan) as a negative log posterior, minimised by L-BFGS (LBFGSpp).
//
// In scaled units (y' = (y - floor) / y_scale, t in [0, 1] over the observations):
//   trend  linear    T(t) = k t + m + sum_j delta_j (t - s_j)+
//          logistic  T(t) = cap' / (1 + exp(-z(t))),  z(t) = k (t - m) + sum_j delta_j (t - s_j)+
//                    (the same function as Prophet's piecewise_logistic with its offsets
//                    gamma_j, written without them: z is continuous and piecewise linear)
//          flat      T(t) = m
//   mean   mu = T (1 + X_mult beta) + X_add beta
//   priors k, m ~ N(0, 5); delta_j ~ Laplace(0, tau); beta_c ~ N(0, sigma_c);
//          sigma_obs ~ half-N(0, 0.5); y' ~ N(mu, sigma_obs)
// The objective is minus the log posterior without constants. It is minimised by L-BFGS
// (LBFGSpp) after three exact rewrites that leave the minimum in place:
//   * sigma is profiled out: for a given sum of squares the best sigma solves a quadratic in
//     sigma^2, so the search runs over the other parameters only;
//   * delta = u .* v with the Laplace term |delta| / tau replaced by (u^2 + v^2) / (2 tau),
//     whose minimum over u v = delta is |delta| / tau (the lasso's Hadamard product
//     parametrisation): the objective becomes smooth, so no bound-constrained solver is needed;
//   * each parameter is divided by the norm of its design column (Jacobi preconditioning).
// For a linear or flat trend without multiplicative columns the mean is linear in
// (k, m, delta, beta), so the sum of squares is evaluated from the Gram matrix Z'Z of the
// design (O(p^2) per evaluation instead of O(n p)).
#pragma once

#include <vector>

#include <Eigen/Dense>

#include "retailcast/models/additive.h"

namespace retailcast::models::additive {

struct MapProblem {
  Growth growth = Growth::kLinear;
  Eigen::VectorXd t;                 // observed rows only
  Eigen::VectorXd y;                 // scaled
  Eigen::VectorXd cap;               // scaled capacity (logistic only)
  Eigen::VectorXd changepoints;      // s_j, sorted, in [0, 1]
  Eigen::MatrixXd x;                 // feature columns
  Eigen::VectorXd prior_scales;      // one per column of x
  std::vector<bool> multiplicative;  // one per column of x
  double tau = 0.05;                 // changepoint prior scale
};

struct MapSolution {
  double k = 0;
  double m = 0;
  Eigen::VectorXd delta;
  Eigen::VectorXd beta;
  double sigma = 0;
  double objective = 0;
  int iterations = 0;
};

// (t - s_j)+ for every row and changepoint.
Eigen::MatrixXd HingeMatrix(const Eigen::VectorXd& t, const Eigen::VectorXd& changepoints);

// Minimises the negative log posterior from Prophet's starting point (k, m through the first
// and last observations, or their logistic / flat analogue; delta = beta = 0).
// A constant series (linear or flat trend) gets Prophet's shortcut: the starting point with
// sigma = 0. Deterministic: the same problem gives the same bits.
MapSolution FitMap(const MapProblem& problem);

// The negative log posterior (sigma profiled out) and its gradient at
// theta = [k, m, delta (S), beta (K)], through the Gram matrix or row by row; for tests.
// The gradient of |delta_j| at delta_j = 0 is taken as 0.
double MapObjective(const MapProblem& problem, const Eigen::VectorXd& theta,
                    Eigen::VectorXd* gradient, bool use_gram);

}  // namespace retailcast::models::additive
