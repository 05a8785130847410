// Unit tests of the ARIMA building blocks against R (numbers from tests/models/arima_golden.R)
// or against a direct computation, and of the arima / auto_arima models' behaviour: regressors,
// the missing-future-regressor error, bad inputs, short and constant series, save/load.
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "arima_test_data.h"
#include "models/arima/arima_auto.h"
#include "models/arima/arima_core.h"
#include "models/arima/arima_fit.h"
#include "models/arima/arima_optim.h"
#include "models/arima/kpss.h"
#include "models/arima/ocsb.h"
#include "models/stl/seasonal_strength.h"
#include "models/stl/stl.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/core/model.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/serialize.h"
#include "retailcast/models/output_transform.h"

namespace retailcast {
namespace {

using models::arima::ArimaOrder;
using models::arima::ArimaStateSpace;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void ExpectRel(const std::vector<double>& got, const std::vector<double>& want, double rel,
               const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], rel * std::max(1e-300, std::fabs(want[i]))) << what << " " << i;
  }
}

std::vector<double> AirWithGaps() {
  std::vector<double> y = testing::AirPassengers();
  for (size_t one_based : {5, 40, 41, 77, 139, 144}) y[one_based - 1] = kNaN;
  return y;
}

// ---- Polynomials, transforms, state space ----

TEST(ArimaCoreTest, ExpandsSeasonalPolynomials) {
  // (1 - 0.5B)(1 - 0.3B^4) and (1 + 0.2B)(1 + 0.6B^4).
  std::vector<double> phi, theta;
  models::arima::ExpandArma(ArimaOrder{1, 0, 1, 1, 0, 1, 4},
                            std::vector<double>{0.5, 0.2, 0.3, 0.6}, &phi, &theta);
  ExpectRel(phi, {0.5, 0, 0, 0.3, -0.15}, 1e-15, "phi");
  ExpectRel(theta, {0.2, 0, 0, 0.6, 0.12}, 1e-15, "theta");
  const std::vector<double> delta = models::arima::DifferencingPolynomial(1, 1, 4);
  // (1 - B)(1 - B^4) = 1 - B - B^4 + B^5.
  ExpectRel(delta, {1, 0, 0, 1, -1}, 0, "delta");
}

TEST(ArimaCoreTest, PacfTransformRoundTripsAndIsStationary) {
  const std::vector<double> raw = {0.8, -1.3, 0.4};
  std::vector<double> ar(3), back(3);
  models::arima::PacfToAr(raw, ar);
  EXPECT_TRUE(models::arima::ArIsStationary(ar));
  models::arima::ArToPacf(ar, back);
  ExpectRel(back, raw, 1e-12, "round trip");
  // The Jacobian is a forward difference of the transform.
  const ArimaOrder order{3, 0, 0, 0, 0, 0, 1};
  const std::vector<double> jac = models::arima::UntransformJacobian(order, raw);
  std::vector<double> moved = raw, ar2(3);
  moved[1] += 1e-3;
  models::arima::PacfToAr(moved, ar2);
  for (int j = 0; j < 3; ++j) EXPECT_NEAR(jac[1 * 3 + j], (ar2[j] - ar[j]) / 1e-3, 1e-12);
}

TEST(ArimaCoreTest, RootsAndMaInversion) {
  EXPECT_FALSE(models::arima::ArIsStationary(std::vector<double>{1.2}));
  EXPECT_TRUE(models::arima::ArIsStationary(std::vector<double>{0.5, 0.3}));
  EXPECT_FALSE(models::arima::ArIsStationary(std::vector<double>{0.5, 0.5}));  // unit root
  // 1 + 0.5 z has its root at -2.
  EXPECT_NEAR(models::arima::MinRootModulus(std::vector<double>{0.5, 1e-9}, 1e-8), 2.0, 1e-12);
  EXPECT_EQ(models::arima::MinRootModulus(std::vector<double>{0, 0}, 1e-8),
            std::numeric_limits<double>::infinity());
  // MA(1) with theta 2 inverts to 1/2; (1 + 2.5B + B^2) = (1 + 2B)(1 + 0.5B) -> (1 + 0.5B)^2.
  ExpectRel(models::arima::InvertMa(std::vector<double>{2.0, 0.0}), {0.5, 0.0}, 1e-15, "ma1");
  ExpectRel(models::arima::InvertMa(std::vector<double>{2.5, 1.0}), {1.0, 0.25}, 1e-12, "ma2");
  ExpectRel(models::arima::InvertMa(std::vector<double>{0.3, 0.1}), {0.3, 0.1}, 0, "invertible");
}

TEST(ArimaCoreTest, StationaryCovarianceMatchesR) {
  // R: makeARIMA(c(0.5, -0.2), c(0.4, 0.3, 0.1), numeric(0))$Pn (Gardner et al.'s getQ0).
  const std::vector<double> r_q0 = {
      2.153151260504202,   0.42473739495798318, 0.38999999999999996,  0.10000000000000001,
      0.42473739495798318, 0.19012605042016828, 0.13000000000000006,  0.03999999999999998,
      0.38999999999999996, 0.13000000000000006, 0.10000000000000009,  0.030000000000000068,
      0.10000000000000001, 0.03999999999999998, 0.030000000000000068, 0.010000000000000009};
  ExpectRel(models::arima::StationaryCovariance(std::vector<double>{0.5, -0.2},
                                                std::vector<double>{0.4, 0.3, 0.1}),
            r_q0, 1e-13, "Q0");
}

TEST(ArimaCoreTest, ChandrasekharLikelihoodEqualsTheKalmanFilter) {
  // An ARMA(2,1)(1,0,1)[12] on the differenced airline series, with both algorithms.
  const std::vector<double>& y = testing::AirPassengers();
  std::vector<double> w;
  for (size_t t = 13; t < y.size(); ++t) w.push_back(y[t] - y[t - 1] - y[t - 12] + y[t - 13]);
  std::vector<double> phi, theta;
  models::arima::ExpandArma(ArimaOrder{2, 0, 1, 1, 0, 1, 12},
                            std::vector<double>{0.2, -0.1, -0.3, 0.25, -0.4}, &phi, &theta);
  const ArimaStateSpace ss(phi, theta, {});
  std::vector<double> p, a;
  const ArimaStateSpace::Sums kf = ss.Filter(w, 1e6, &a, &p, {});
  std::vector<double> work;
  const ArimaStateSpace::Sums fast = models::arima::ArmaLikelihood(phi, theta, w, &work);
  EXPECT_EQ(kf.nu, fast.nu);
  EXPECT_NEAR(fast.ssq, kf.ssq, 1e-11 * kf.ssq);
  EXPECT_NEAR(fast.sumlog, kf.sumlog, 1e-10);
}

TEST(ArimaCoreTest, ForecastVarianceEqualsIteratedCovariance) {
  // The quadratic-form forecast against P <- T P T' + R R' done with explicit matrices.
  std::vector<double> phi = {0.4}, theta = {0.3};
  const std::vector<double> delta = models::arima::DifferencingPolynomial(1, 0, 1);
  const ArimaStateSpace ss(phi, theta, delta);
  const int n = ss.rd();  // r = 2, d = 1
  std::vector<double> a = {0.5, -0.2, 10.0};
  std::vector<double> p = {1.0, 0.2, 0.1, 0.2, 0.5, 0.05, 0.1, 0.05, 0.3};
  std::vector<double> mean, var;
  ss.Forecast(a, p, n, 4, &mean, &var);
  // T = [[phi, 1, 0], [0, 0, 0], [1, 0, 1]], R = (1, theta, 0), Z = (1, 0, 1).
  const double t[3][3] = {{0.4, 1, 0}, {0, 0, 0}, {1, 0, 1}};
  const double rv[3] = {1, 0.3, 0};
  std::vector<double> x = a, pm = p;
  for (int h = 0; h < 4; ++h) {
    std::vector<double> nx(3, 0.0), tp(9, 0.0), np(9, 0.0);
    for (int i = 0; i < 3; ++i) {
      for (int k = 0; k < 3; ++k) nx[i] += t[i][k] * x[k];
    }
    x = nx;
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) {
        for (int k = 0; k < 3; ++k) tp[i + 3 * j] += t[i][k] * pm[k + 3 * j];
      }
    }
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) {
        for (int k = 0; k < 3; ++k) np[i + 3 * j] += tp[i + 3 * k] * t[j][k];
        np[i + 3 * j] += rv[i] * rv[j];
      }
    }
    pm = np;
    const double f = x[0] + x[2];
    const double v = pm[0] + pm[6] + pm[2] + pm[8];
    EXPECT_NEAR(mean[h], f, 1e-12) << h;
    EXPECT_NEAR(var[h], v, 1e-12) << h;
  }
}

TEST(ArimaCoreTest, ConditionalSumOfSquaresMatchesADirectRecursion) {
  const std::vector<double>& y = testing::Lh();
  const ArimaOrder order{1, 1, 1, 0, 0, 0, 1};
  const std::vector<double> phi = {0.3}, theta = {-0.4};
  std::vector<double> resid(y.size());
  int nu = 0;
  const double css = models::arima::ConditionalSumOfSquares(y, order, phi, theta, 2, resid, &nu);
  double ss = 0, prev = 0;
  for (size_t t = 2; t < y.size(); ++t) {
    const double w = y[t] - y[t - 1], wl = y[t - 1] - y[t - 2];
    const double e = w - 0.3 * wl + 0.4 * (t > 2 ? prev : 0.0);
    EXPECT_NEAR(resid[t], e, 1e-14);
    ss += e * e;
    prev = e;
  }
  EXPECT_EQ(nu, static_cast<int>(y.size()) - 2);
  EXPECT_NEAR(css, ss / nu, 1e-14);
  EXPECT_EQ(resid[0], 0.0);
}

// ---- Optimiser (R's optim BFGS and optimHess on the Rosenbrock function) ----

// R's fr() of ?optim, with R's operation order (x^2 is x * x).
double Rosenbrock(std::span<const double> x) {
  const double a = x[1] - x[0] * x[0];
  return 100 * (a * a) + (1 - x[0]) * (1 - x[0]);
}

TEST(ArimaOptimTest, BfgsFollowsRsOptim) {
  // R: optim(c(-1.2, 1), fr, method = "BFGS"): par, value, counts (function, gradient). The
  // same algorithm on the same arithmetic gives the same doubles.
  auto res = models::arima::MinimizeBfgs(Rosenbrock, {-1.2, 1}, {});
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->par[0], 0.99980443323139745);
  EXPECT_EQ(res->par[1], 0.99960838062348123);
  EXPECT_EQ(res->value, 3.8273827561079511e-08);
  // R counts the line-search evaluations only; ours include the 2 n per gradient.
  EXPECT_EQ(res->fn_count - 4 * res->gr_count, 118);
  EXPECT_EQ(res->gr_count, 38);
  EXPECT_EQ(res->convergence, 0);
  models::arima::BfgsOptions scaled;
  scaled.parscale = {2, 0.5};
  auto res2 = models::arima::MinimizeBfgs(Rosenbrock, {-1.2, 1}, scaled);
  ASSERT_TRUE(res2.ok());
  EXPECT_NEAR(res2->par[0], 0.99918946797823327, 1e-14);
  EXPECT_NEAR(res2->par[1], 0.99837951499901156, 1e-14);
  EXPECT_EQ(res2->fn_count - 4 * res2->gr_count, 95);
  EXPECT_EQ(res2->gr_count, 37);
}

TEST(ArimaOptimTest, HessianMatchesOptimHess) {
  auto h = models::arima::NumericHessian(Rosenbrock, std::vector<double>{0.9, 0.8}, {});
  ASSERT_TRUE(h.ok());
  ExpectRel(*h, {654.00079999994637, -359.99999999999318, -359.99999999999318, 200.00000000000063},
            1e-10, "hessian");
  models::arima::BfgsOptions scaled;
  scaled.parscale = {2, 0.5};
  auto hs = models::arima::NumericHessian(Rosenbrock, std::vector<double>{0.9, 0.8}, scaled);
  ASSERT_TRUE(hs.ok());
  ExpectRel(*hs, {654.00200000001132, -359.99999999997669, -359.99999999997669, 199.99999999997797},
            1e-10, "scaled hessian");
}

TEST(ArimaOptimTest, NonFiniteStartOrGradientIsAnError) {
  auto bad = models::arima::MinimizeBfgs(
      [](std::span<const double>) { return std::numeric_limits<double>::infinity(); }, {1.0}, {});
  EXPECT_EQ(bad.status().code(), StatusCode::kDataError);
  auto cliff = models::arima::MinimizeBfgs(
      [](std::span<const double> x) { return x[0] > 0.0005 ? kNaN : x[0] * x[0]; }, {0.0}, {});
  EXPECT_EQ(cliff.status().code(), StatusCode::kDataError);
}

// ---- Tests that choose the differencing ----

TEST(DifferencingTest, KpssMatchesUrca) {
  // R: ur.kpss(x, type = "mu", use.lag = trunc(3 sqrt(n) / 13))@teststat.
  const std::vector<double>& ap = testing::AirPassengers();
  std::vector<double> dap(ap.size() - 1);
  for (size_t t = 1; t < ap.size(); ++t) dap[t - 1] = ap[t] - ap[t - 1];
  EXPECT_NEAR(models::KpssStatistic(ap, 2), 4.3422867971141299, 1e-12);
  EXPECT_NEAR(models::KpssStatistic(dap, 2), 0.011484728338723351, 1e-12);
  EXPECT_NEAR(models::KpssStatistic(testing::Lh(), 4), 0.29673999952264979, 1e-12);
  EXPECT_DOUBLE_EQ(models::KpssPValue(0.2), 0.10);
  EXPECT_DOUBLE_EQ(models::KpssPValue(0.463), 0.05);
  EXPECT_NEAR(models::KpssPValue(0.5185), 0.0375, 1e-12);
  EXPECT_DOUBLE_EQ(models::KpssPValue(4.3), 0.01);
}

TEST(DifferencingTest, NdiffsAndNsdiffsMatchR) {
  const std::vector<double>& ap = testing::AirPassengers();
  std::vector<double> sdiff, logap;
  for (size_t t = 12; t < ap.size(); ++t) sdiff.push_back(ap[t] - ap[t - 12]);
  for (double v : ap) logap.push_back(std::log(v));
  // R: ndiffs(ap), ndiffs(diff(ap, lag = 12)), ndiffs(lh), ndiffs(log(ap)).
  EXPECT_EQ(models::arima::NumberOfDifferences(ap, 2), 1);
  EXPECT_EQ(models::arima::NumberOfDifferences(sdiff, 2), 1);
  EXPECT_EQ(models::arima::NumberOfDifferences(testing::Lh(), 2), 0);
  EXPECT_EQ(models::arima::NumberOfDifferences(logap, 2), 1);
  using models::arima::SeasonalTest;
  // R: nsdiffs(ap), nsdiffs(USAccDeaths), the same with test = "ocsb", nsdiffs(ts(lh, f = 4)).
  EXPECT_EQ(models::arima::NumberOfSeasonalDifferences(ap, 12, SeasonalTest::kSeas, 1), 1);
  EXPECT_EQ(models::arima::NumberOfSeasonalDifferences(testing::USAccDeaths(), 12,
                                                       SeasonalTest::kSeas, 1),
            1);
  EXPECT_EQ(models::arima::NumberOfSeasonalDifferences(ap, 12, SeasonalTest::kOcsb, 1), 1);
  EXPECT_EQ(models::arima::NumberOfSeasonalDifferences(testing::USAccDeaths(), 12,
                                                       SeasonalTest::kOcsb, 1),
            0);
  EXPECT_EQ(models::arima::NumberOfSeasonalDifferences(testing::Lh(), 4, SeasonalTest::kSeas, 1),
            0);
}

TEST(DifferencingTest, OcsbMatchesR) {
  // R: ocsb.test(x, maxlag = 3, lag.method = "AIC"): statistic, critical value, lag order.
  auto ap = models::OcsbTest(testing::AirPassengers(), 12, 3);
  ASSERT_TRUE(ap.ok()) << ap.status().ToString();
  EXPECT_NEAR(ap->statistic, 1.518762380288363, 1e-9);
  EXPECT_NEAR(ap->critical, -1.8029627911815704, 1e-12);
  EXPECT_EQ(ap->lags, 0);
  auto us = models::OcsbTest(testing::USAccDeaths(), 12, 3);
  ASSERT_TRUE(us.ok()) << us.status().ToString();
  EXPECT_NEAR(us->statistic, -2.2271093034289726, 1e-9);
  EXPECT_EQ(us->lags, 1);
  EXPECT_EQ(models::OcsbTest(std::vector<double>(14, 1.0), 12, 3).status().code(),
            StatusCode::kDataError);
}

TEST(DifferencingTest, StlAndSeasonalStrengthMatchR) {
  // R: stl(nottem, s.window = 11) (and robust = TRUE) at positions 1, 2, 100, 240.
  const std::vector<double>& y = testing::Nottem();
  models::StlOptions plain;
  plain.period = 12;
  const models::StlResult s = models::Stl(y, plain);
  const size_t at[] = {0, 1, 99, 239};
  const double seasonal[] = {-8.2809649153987905, -8.9213556408278869, -2.1193721827266621,
                             -10.331727645471179};
  const double trend[] = {49.040154212155116, 49.042466224247541, 48.767033858427936,
                          48.975270325340261};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(s.seasonal[at[i]], seasonal[i], 1e-11);
    EXPECT_NEAR(s.trend[at[i]], trend[i], 1e-11);
  }
  // R: stl(nottem, s.window = 11, robust = TRUE, outer = 5). From the 6th robustness pass on
  // R's weights differ from the bisquare of 6 median |r| (see stl.cc): its partial sort
  // returns, for this series, the 136th smallest |r| in place of the 121st.
  models::StlOptions robust;
  robust.period = 12;
  robust.robust = true;
  robust.outer = 5;
  const models::StlResult r = models::Stl(y, robust);
  const double rtrend[] = {49.5762484093059, 49.5693180072037, 48.877031082174, 48.772482477502};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(r.trend[at[i]], rtrend[i], 1e-11);
  // R: forecast:::seas.heuristic of AirPassengers, USAccDeaths, AirPassengers with gaps (whose
  // interpolation goes through a robust STL, so it agrees to 1e-6 only).
  EXPECT_NEAR(models::SeasonalStrength(testing::AirPassengers(), 12), 0.94067249031021838, 1e-12);
  EXPECT_NEAR(models::SeasonalStrength(testing::USAccDeaths(), 12), 0.94479446488915575, 1e-12);
  EXPECT_NEAR(models::SeasonalStrength(AirWithGaps(), 12), 0.94460908554753642, 1e-6);
}

TEST(DifferencingTest, MissingValueInterpolationMatchesNaInterp) {
  const std::vector<double> filled = models::InterpolateMissing(AirWithGaps(), 12);
  const double want[] = {123.75382962871652, 188.33325856224886, 194.66071668845646,
                         282.10058119814505, 606.40120084691125, 423.43380664727891};
  // 1e-4 relative: the interpolation goes through a robust STL (see above).
  int i = 0;
  for (size_t one_based : {5, 40, 41, 77, 139, 144}) {
    EXPECT_NEAR(filled[one_based - 1], want[i], 1e-4 * want[i]) << one_based;
    ++i;
  }
  // Few observations: linear interpolation, constant beyond the ends.
  const std::vector<double> gaps = {kNaN, 1, kNaN, 3, kNaN};
  const std::vector<double> lin = models::InterpolateMissing(gaps, 12);
  ExpectRel(lin, {1, 1, 2, 3, 3}, 1e-15, "linear");
}

TEST(DifferencingTest, IsConstantFollowsAllEqual) {
  using models::arima::IsConstant;
  EXPECT_TRUE(IsConstant(std::vector<double>{4, 4, 4}));
  EXPECT_TRUE(IsConstant(std::vector<double>{1e6, 1e6 + 1e-3}));  // relative 1e-9
  EXPECT_FALSE(IsConstant(std::vector<double>{1, 1.001}));
  EXPECT_FALSE(IsConstant(std::vector<double>{4, kNaN, 4}));
}

// ---- The registered models ----

std::unique_ptr<Estimator> Make(std::string_view model,
                                std::vector<std::pair<std::string, std::string>> params) {
  auto est = BuiltinRegistry().Create(model, params);
  EXPECT_TRUE(est.ok()) << est.status().ToString();
  return est.ok() ? std::move(est).value() : nullptr;
}

SeriesView Monthly(std::string_view id, const std::vector<double>& y) {
  return SeriesView{id, Date::FromYmd(1973, 1, 1), Frequency::Monthly(), y};
}

// USAccDeaths with a price-like regressor as an exogenous column of a panel.
struct RegressorPanel {
  Panel panel{Frequency::Monthly()};
  size_t index = 0;
  RegressorPanel() {
    EXPECT_TRUE(panel.AddExogColumn("price").ok());
    index = panel.AddSeries("usacc", Date::FromYmd(1973, 1, 1), testing::USAccDeaths());
    auto price = panel.mutable_exog(0, index);
    for (size_t t = 0; t < price.size(); ++t) price[t] = 10 + std::sin(0.7 * t);
  }
};

TEST(ArimaModelTest, MissingFutureRegressorIsANamedError) {
  RegressorPanel rp;
  for (std::string_view model : {"arima", "auto_arima"}) {
    auto est = Make(model, {{"xreg", "price"}, {"season_length", "12"}});
    ASSERT_NE(est, nullptr);
    auto fit = est->Fit(rp.panel.series(rp.index));
    ASSERT_TRUE(fit.ok()) << fit.status().ToString();
    // No future values at all.
    auto none = (*fit)->Predict(PredictRequest{3, {80}});
    ASSERT_EQ(none.status().code(), StatusCode::kInvalidArgument) << model;
    EXPECT_NE(none.status().message().find("'price'"), std::string::npos);
    EXPECT_NE(none.status().message().find("1979-01-01"), std::string::npos)
        << none.status().ToString();
    // Values present but one missing.
    const std::vector<double> values = {10.0, kNaN, 10.5};
    FutureRegressors future{Date::FromYmd(1979, 1, 1), Frequency::Monthly(), {"price"}, {values}};
    auto gap = (*fit)->Predict(PredictRequest{3, {80}, &future});
    ASSERT_EQ(gap.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(gap.status().message().find("1979-02-01"), std::string::npos)
        << gap.status().ToString();
    // Misaligned start.
    const std::vector<double> full = {10.0, 10.2, 10.5};
    FutureRegressors late{Date::FromYmd(1979, 2, 1), Frequency::Monthly(), {"price"}, {full}};
    EXPECT_EQ((*fit)->Predict(PredictRequest{3, {80}, &late}).status().code(),
              StatusCode::kInvalidArgument);
    // Complete: the regressor moves the forecast by its coefficient.
    FutureRegressors ok{Date::FromYmd(1979, 1, 1), Frequency::Monthly(), {"price"}, {full}};
    auto fc = (*fit)->Predict(PredictRequest{3, {80}, &ok});
    ASSERT_TRUE(fc.ok()) << fc.status().ToString();
    const std::vector<double> higher = {11.0, 11.2, 11.5};
    FutureRegressors up{Date::FromYmd(1979, 1, 1), Frequency::Monthly(), {"price"}, {higher}};
    auto fc_up = (*fit)->Predict(PredictRequest{3, {80}, &up});
    ASSERT_TRUE(fc_up.ok());
    const double shift = fc_up->mean[0] - fc->mean[0];
    EXPECT_NEAR(fc_up->mean[1] - fc->mean[1], shift, 1e-9 * std::fabs(fc->mean[1]));
    EXPECT_NE(shift, 0.0);
  }
}

TEST(ArimaModelTest, UnknownRegressorColumnIsInvalidArgument) {
  RegressorPanel rp;
  auto est = Make("arima", {{"xreg", "price,promo"}, {"p", "1"}});
  auto fit = est->Fit(rp.panel.series(rp.index));
  ASSERT_EQ(fit.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(fit.status().message().find("'promo'"), std::string::npos);
  EXPECT_NE(fit.status().message().find("price"), std::string::npos) << "lists the columns";
  EXPECT_EQ(BuiltinRegistry().Create("arima", {{"xreg", "price,price"}}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ArimaModelTest, BadParametersAreRejected) {
  for (const auto& kv : std::vector<std::pair<std::string, std::string>>{
           {"p", "-1"}, {"d", "4"}, {"method", "OLS"}, {"season_length", "100000"}}) {
    EXPECT_EQ(BuiltinRegistry().Create("arima", {kv}).status().code(), StatusCode::kInvalidArgument)
        << kv.first;
  }
  EXPECT_EQ(BuiltinRegistry().Create("arima", {{"include_drift", "true"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(BuiltinRegistry().Create("auto_arima", {{"ic", "hqc"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(BuiltinRegistry().Create("auto_arima", {{"seasonal_test", "hegy"}}).status().code(),
            StatusCode::kInvalidArgument);
  // Seasonal orders on yearly data (season length 1).
  auto est = Make("arima", {{"D", "1"}});
  const std::vector<double> y = {1, 2, 3, 4, 5, 6};
  auto fit = est->Fit(SeriesView{"yearly", Date::FromYmd(2000, 1, 1), Frequency::Yearly(), y});
  EXPECT_EQ(fit.status().code(), StatusCode::kInvalidArgument);
}

TEST(ArimaModelTest, ShortSeriesFailWithDataErrorNamingTheSeries) {
  auto est = Make("arima", {{"d", "1"}, {"D", "1"}, {"season_length", "12"}});
  const std::vector<double> y(12, 5.0);
  auto fit = est->Fit(Monthly("tiny", y));
  ASSERT_EQ(fit.status().code(), StatusCode::kDataError);
  EXPECT_NE(fit.status().message().find("tiny"), std::string::npos);
  // More parameters than observations can support a variance.
  auto big = Make("arima", {{"p", "3"}, {"q", "3"}});
  const std::vector<double> few = {1, 3, 2, 5, 4, 6};
  auto f2 = big->Fit(Monthly("few", few));
  EXPECT_EQ(f2.status().code(), StatusCode::kDataError) << f2.status().ToString();
}

TEST(ArimaModelTest, ConstantSeriesForecastsItsValue) {
  // Items that never sold, or always sold the same: R's arima() fails on these (zero
  // variance); both models repeat the value with a zero-width interval.
  for (double value : {7.5, 0.0}) {
    const std::vector<double> y(30, value);
    for (auto [model, params] :
         {std::pair{"auto_arima", std::vector<std::pair<std::string, std::string>>{}},
          std::pair{"arima",
                    std::vector<std::pair<std::string, std::string>>{{"p", "1"}, {"q", "1"}}}}) {
      auto fit = Make(model, params)->Fit(Monthly("flat", y));
      ASSERT_TRUE(fit.ok()) << model << ": " << fit.status().ToString();
      auto fc = (*fit)->Predict(PredictRequest{4, {95}});
      ASSERT_TRUE(fc.ok());
      for (int h = 0; h < 4; ++h) {
        EXPECT_EQ(fc->mean[h], value) << model;
        EXPECT_EQ(fc->lower[0][h], value) << model;
        EXPECT_EQ(fc->upper[0][h], value) << model;
      }
    }
  }
}

TEST(ArimaModelTest, LeadingMissingValuesAreDropped) {
  // auto.arima trims leading NAs: the fit equals the one on the trimmed series.
  std::vector<double> padded(5, kNaN);
  const std::vector<double>& y = testing::USAccDeaths();
  padded.insert(padded.end(), y.begin(), y.end());
  auto est = Make("auto_arima", {});
  auto a = est->Fit(Monthly("padded", padded));
  auto b = est->Fit(SeriesView{"plain", Date::FromYmd(1973, 6, 1), Frequency::Monthly(), y});
  ASSERT_TRUE(a.ok() && b.ok());
  auto fa = (*a)->Predict(PredictRequest{6, {80}});
  auto fb = (*b)->Predict(PredictRequest{6, {80}});
  ASSERT_TRUE(fa.ok() && fb.ok());
  for (int h = 0; h < 6; ++h) EXPECT_EQ(fa->mean[h], fb->mean[h]);
  EXPECT_TRUE(std::isnan((*a)->in_sample().fitted[0]));
  EXPECT_FALSE(std::isnan((*a)->in_sample().fitted[20]));
}

TEST(ArimaModelTest, SaveLoadRoundTripWithRegressorsAndGaps) {
  RegressorPanel rp;
  // A gap in the last season keeps the full covariance in the state.
  rp.panel.mutable_values(rp.index)[70] = kNaN;
  for (std::string_view model : {"arima", "auto_arima"}) {
    auto est = model == "arima" ? Make(model, {{"xreg", "price"}, {"d", "1"}, {"q", "1"}})
                                : Make(model, {{"xreg", "price"}, {"d", "1"}});
    ASSERT_NE(est, nullptr);
    auto fit = est->Fit(rp.panel.series(rp.index));
    ASSERT_TRUE(fit.ok()) << fit.status().ToString();
    ByteWriter w;
    (*fit)->Save(w);
    ByteReader r(w.bytes());
    auto loaded = est->Load(r);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    const std::vector<double> price = {10.0, 10.2, 10.5, 10.1};
    FutureRegressors future{Date::FromYmd(1979, 1, 1), Frequency::Monthly(), {"price"}, {price}};
    auto before = (*fit)->Predict(PredictRequest{4, {80, 95}, &future});
    auto after = (*loaded)->Predict(PredictRequest{4, {80, 95}, &future});
    ASSERT_TRUE(before.ok() && after.ok());
    EXPECT_EQ(std::memcmp(before->mean.data(), after->mean.data(), 4 * sizeof(double)), 0);
    EXPECT_EQ(std::memcmp(before->upper[1].data(), after->upper[1].data(), 4 * sizeof(double)), 0);
    ByteWriter w2;
    (*loaded)->Save(w2);
    EXPECT_EQ(w.bytes(), w2.bytes());
    // The saved future-regressor requirement survives the round trip.
    EXPECT_EQ((*loaded)->Predict(PredictRequest{4, {80}}).status().code(),
              StatusCode::kInvalidArgument);
  }
}

TEST(ArimaModelTest, CompactCovarianceForecastsLikeTheFullFilterState) {
  // With the last observations known the model keeps only the ARMA block of the filtered
  // covariance; forecasts equal those from the whole matrix to rounding.
  const std::vector<double>& y = testing::AirPassengers();
  const ArimaOrder order{0, 1, 1, 0, 1, 1, 12};
  auto fit = models::arima::FitArima(y, order, {}, {});
  ASSERT_TRUE(fit.ok());
  const ArimaStateSpace ss(fit->phi, fit->theta, fit->delta);
  std::vector<double> mean, var;
  ss.Forecast(fit->state, fit->state_cov, ss.rd(), 24, &mean, &var);
  const auto crit = models::arima::ComputeCriteria(*fit, fit->residuals, fit->aic);
  auto est = Make("arima", {{"d", "1"}, {"q", "1"}, {"D", "1"}, {"Q", "1"}});
  auto model = est->Fit(SeriesView{"air", Date::FromYmd(1949, 1, 1), Frequency::Monthly(), y});
  ASSERT_TRUE(model.ok());
  auto fc = (*model)->Predict(PredictRequest{24, {95}});
  ASSERT_TRUE(fc.ok());
  for (int h = 0; h < 24; ++h) {
    EXPECT_NEAR(fc->mean[h], mean[h], 1e-10 * mean[h]);
    const double se = std::sqrt(var[h] * crit.sigma2);
    EXPECT_NEAR(fc->upper[0][h] - fc->mean[h], 1.959963984540054 * se, 1e-8 * se) << h;
  }
}

TEST(ArimaModelTest, LoadingAnotherModelsOrCorruptStateFails) {
  auto arima = Make("arima", {{"p", "1"}});
  auto autoa = Make("auto_arima", {});
  auto fit = arima->Fit(Monthly("usacc", testing::USAccDeaths()));
  ASSERT_TRUE(fit.ok());
  ByteWriter w;
  (*fit)->Save(w);
  ByteReader r(w.bytes());
  EXPECT_EQ(autoa->Load(r).status().code(), StatusCode::kDataError);
  // A state whose order no longer matches its arrays (the model's own state, without the
  // output options' wrapper; Load accepts it as a state saved before the wrapper existed).
  w = ByteWriter();
  models::Unwrapped(**fit).Save(w);
  std::string bytes = w.bytes();
  const size_t order_at = (8 + 5 + 8) + (8 + 5);  // after the header and the series id
  ASSERT_EQ(bytes[order_at], 1);                  // p
  bytes[order_at] = 3;                            // p = 3 with one AR coefficient saved
  ByteReader bad(bytes);
  auto loaded = arima->Load(bad);
  EXPECT_EQ(loaded.status().code(), StatusCode::kDataError) << loaded.status().ToString();
}

}  // namespace
}  // namespace retailcast
