// The MAP objective of the additive model: analytic gradients against central differences,
// the Gram-matrix path against the row-by-row one, and FitMap's minimum against nearby points.
#include "models/additive/additive_fit.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace retailcast::models::additive {
namespace {

using Eigen::VectorXd;

MapProblem Problem(Growth growth, bool multiplicative) {
  MapProblem p;
  const int n = 60, k = 4;
  p.growth = growth;
  p.t = VectorXd::LinSpaced(n, 0, 1);
  p.changepoints = VectorXd::LinSpaced(5, 0.1, 0.8);
  p.x.resize(n, k);
  p.y.resize(n);
  for (int i = 0; i < n; ++i) {
    for (int c = 0; c < k; ++c) p.x(i, c) = std::sin(0.3 * (c + 1) * i + c);
    p.y(i) = 0.5 + 0.3 * p.t(i) + 0.05 * std::sin(1.7 * i) + 0.1 * p.x(i, 0);
  }
  p.cap = VectorXd::Constant(n, 1.5);
  p.prior_scales = VectorXd::Constant(k, 3.0);
  p.multiplicative = {false, multiplicative, false, multiplicative};
  p.tau = 0.05;
  return p;
}

VectorXd Theta(const MapProblem& p) {
  VectorXd theta(2 + p.changepoints.size() + p.x.cols());
  for (int i = 0; i < theta.size(); ++i) theta(i) = 0.3 * std::cos(1.3 * i) + (i == 0 ? 0.5 : 0);
  return theta;
}

TEST(AdditiveFitTest, GradientsMatchCentralDifferences) {
  for (Growth g : {Growth::kLinear, Growth::kLogistic}) {
    for (bool mult : {false, true}) {
      const MapProblem p = Problem(g, mult);
      const VectorXd theta = Theta(p);
      VectorXd grad, scratch;
      MapObjective(p, theta, &grad, false);
      for (int i = 0; i < theta.size(); ++i) {
        VectorXd hi = theta, lo = theta;
        hi(i) += 1e-6;
        lo(i) -= 1e-6;
        const double fd =
            (MapObjective(p, hi, &scratch, false) - MapObjective(p, lo, &scratch, false)) / 2e-6;
        EXPECT_NEAR(grad(i), fd, 1e-5 * std::max(1.0, std::abs(fd)))
            << "growth " << static_cast<int>(g) << " mult " << mult << " i " << i;
      }
    }
  }
}

TEST(AdditiveFitTest, GramPathEqualsRowByRow) {
  const MapProblem p = Problem(Growth::kLinear, false);
  const VectorXd theta = Theta(p);
  VectorXd g_rows, g_gram;
  const double f_rows = MapObjective(p, theta, &g_rows, false);
  const double f_gram = MapObjective(p, theta, &g_gram, true);
  EXPECT_NEAR(f_rows, f_gram, 1e-9 * std::abs(f_rows));
  EXPECT_LT((g_rows - g_gram).cwiseAbs().maxCoeff(), 1e-7);
}

TEST(AdditiveFitTest, FitMapFindsALocalMinimumAndIsDeterministic) {
  for (Growth g : {Growth::kLinear, Growth::kLogistic, Growth::kFlat}) {
    const MapProblem p = Problem(g, g == Growth::kLogistic);
    const MapSolution a = FitMap(p);
    const MapSolution b = FitMap(p);
    EXPECT_EQ(a.objective, b.objective);
    EXPECT_EQ(a.beta, b.beta);
    EXPECT_GT(a.sigma, 0);
    VectorXd best(2 + a.delta.size() + a.beta.size());
    best << a.k, a.m, a.delta, a.beta;
    if (g == Growth::kFlat) {
      EXPECT_EQ(a.k, 0);
      EXPECT_EQ(a.delta.cwiseAbs().sum(), 0);
    }
    VectorXd scratch;
    const double f = MapObjective(p, best, &scratch, false);
    EXPECT_NEAR(f, a.objective, 1e-6 * std::abs(f));
    // No coordinate step of 1e-3 improves it (by more than rounding).
    for (int i = 0; i < best.size(); ++i) {
      if (g == Growth::kFlat && (i == 0 || (i >= 2 && i < 2 + a.delta.size()))) continue;
      for (double step : {-1e-3, 1e-3}) {
        VectorXd moved = best;
        moved(i) += step;
        EXPECT_GE(MapObjective(p, moved, &scratch, false), f - 1e-7 * std::abs(f))
            << "growth " << static_cast<int>(g) << " i " << i;
      }
    }
  }
}

TEST(AdditiveFitTest, ConstantSeriesShortcut) {
  MapProblem p = Problem(Growth::kLinear, false);
  p.y.setConstant(0.7);
  const MapSolution s = FitMap(p);
  EXPECT_EQ(s.sigma, 0);
  EXPECT_EQ(s.k, 0);
  EXPECT_DOUBLE_EQ(s.m, 0.7);
}

TEST(AdditiveFitTest, HingeMatrix) {
  const VectorXd t = VectorXd::LinSpaced(5, 0, 1);
  VectorXd cp(2);
  cp << 0.25, 0.6;
  const Eigen::MatrixXd h = HingeMatrix(t, cp);
  EXPECT_EQ(h(0, 0), 0);
  EXPECT_EQ(h(1, 0), 0);
  EXPECT_DOUBLE_EQ(h(2, 0), 0.25);
  EXPECT_DOUBLE_EQ(h(4, 1), 0.4);
  EXPECT_EQ(h(2, 1), 0);
}

}  // namespace
}  // namespace retailcast::models::additive
