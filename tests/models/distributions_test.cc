#include "retailcast/models/distributions.h"

#include <cmath>
#include <limits>
#include <numbers>

#include <gtest/gtest.h>

namespace retailcast::models {
namespace {

// Reference values from R 4.2.2:
//   p <- c(1e-300,1e-20,1e-10,0.001,0.01,0.025,0.1,0.3,0.45,0.5,0.55,0.9,0.975,0.999999)
//   cat(sprintf("{%.17g, %.17g},\n", p, qnorm(p)), sep="")
struct NormalCase {
  double p, q;
};
constexpr NormalCase kNormal[] = {
    {1e-300, -37.047096299361201},
    {9.9999999999999995e-21, -9.2623400897984052},
    {1e-10, -6.3613409024040557},
    {0.001, -3.0902323061678132},
    {0.01, -2.3263478740408408},
    {0.025000000000000001, -1.9599639845400538},
    {0.10000000000000001, -1.2815515655446008},
    {0.29999999999999999, -0.52440051270804067},
    {0.45000000000000001, -0.12566134685507399},
    {0.5, 0},
    {0.55000000000000004, 0.12566134685507413},
    {0.90000000000000002, 1.2815515655446008},
    {0.97499999999999998, 1.9599639845400536},
    {0.99999899999999997, 4.7534243088170891},
};

// R 4.2.2:
//   g <- expand.grid(p=c(0.0005,0.025,0.1,0.4,0.9,0.975),
//                    df=c(1,2,3,5.5,12,129,1000,5e4,2e5))
//   cat(sprintf("{%.17g, %.17g, %.17g},\n", g$p, g$df, qt(g$p, g$df)), sep="")
struct TCase {
  double p, df, q;
};
constexpr TCase kStudentT[] = {
    {0.0005, 1, -636.61924876871956},
    {0.025, 1, -12.706204736174707},
    {0.1, 1, -3.077683537175254},
    {0.4, 1, -0.32491969623290634},
    {0.9, 1, 3.0776835371752544},
    {0.975, 1, 12.706204736174694},
    {0.0005, 2, -31.599054576443617},
    {0.025, 2, -4.3026527297494637},
    {0.1, 2, -1.8856180831641265},
    {0.4, 2, -0.28867513459481314},
    {0.9, 2, 1.8856180831641269},
    {0.975, 2, 4.3026527297494619},
    {0.0005, 3, -12.923978636687483},
    {0.025, 3, -3.1824463052837091},
    {0.1, 3, -1.6377443536962089},
    {0.4, 3, -0.27667066233268983},
    {0.9, 3, 1.6377443536962091},
    {0.975, 3, 3.1824463052837078},
    {0.0005, 5.5, -6.3508175000836369},
    {0.025, 5.5, -2.5018586175892397},
    {0.1, 5.5, -1.4559770334640709},
    {0.4, 5.5, -0.26589945713791735},
    {0.9, 5.5, 1.4559770334640711},
    {0.975, 5.5, 2.5018586175892397},
    {0.0005, 12, -4.3177912836061845},
    {0.025, 12, -2.1788128296672289},
    {0.1, 12, -1.356217334023206},
    {0.4, 12, -0.259032745676887},
    {0.9, 12, 1.356217334023206},
    {0.975, 12, 2.1788128296672284},
    {0.0005, 129, -3.3675464566136313},
    {0.025, 129, -1.9785244914792453},
    {0.1, 129, -1.2881486650516516},
    {0.4, 129, -0.2538702371272058},
    {0.9, 129, 1.2881486650516516},
    {0.975, 129, 1.978524491479245},
    {0.0005, 1000, -3.3002826484239121},
    {0.025, 1000, -1.9623390808264078},
    {0.1, 1000, -1.2823987214609247},
    {0.4, 1000, -0.25341451583949876},
    {0.9, 1000, 1.2823987214609247},
    {0.975, 1000, 1.9623390808264076},
    {0.0005, 50000, -3.2907213365587933},
    {0.025, 50000, -1.9600114310936798},
    {0.1, 50000, -1.2815684974683015},
    {0.4, 50000, -0.25334845118069632},
    {0.9, 50000, 1.2815684974683015},
    {0.975, 50000, 1.9600114310936796},
    {0.0005, 200000, -3.2905753807985429},
    {0.025, 200000, -1.959975845966768},
    {0.1, 200000, -1.2815557984827086},
    {0.4, 200000, -0.25334744014622279},
    {0.9, 200000, 1.2815557984827086},
    {0.975, 200000, 1.9599758459667678},
    // R: cat(sprintf("%.17g", qt(c(0.0005, 0.1, 0.975), 5e6)))
    {0.0005, 5e6, -3.2905286774390721},
    {0.1, 5e6, -1.281551734861577},
    {0.975, 5e6, 1.9599644589944127},
};

TEST(NormalQuantileTest, MatchesR) {
  for (const auto& c : kNormal) {
    EXPECT_NEAR(NormalQuantile(c.p), c.q, 1e-14 * std::max(1.0, std::fabs(c.q))) << "p=" << c.p;
  }
}

TEST(NormalQuantileTest, EdgesAndDomain) {
  EXPECT_EQ(NormalQuantile(0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(NormalQuantile(1), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(NormalQuantile(-0.1)));
  EXPECT_TRUE(std::isnan(NormalQuantile(1.5)));
  EXPECT_TRUE(std::isnan(NormalQuantile(std::numeric_limits<double>::quiet_NaN())));
}

TEST(NormalQuantileTest, InvertsTheCdf) {
  for (double p = 0.001; p < 1; p += 0.0137) {
    EXPECT_NEAR(NormalCdf(NormalQuantile(p)), p, 1e-14) << p;
  }
}

TEST(StudentTQuantileTest, MatchesR) {
  for (const auto& c : kStudentT) {
    EXPECT_NEAR(StudentTQuantile(c.p, c.df), c.q, 1e-12 * std::fabs(c.q))
        << "p=" << c.p << " df=" << c.df;
  }
}

TEST(StudentTQuantileTest, ClosedFormsForOneAndTwoDegrees) {
  // df = 1 is the Cauchy distribution; df = 2 has t = (2p-1) / sqrt(2 p (1-p)).
  for (double p : {0.01, 0.2, 0.6, 0.93}) {
    EXPECT_NEAR(StudentTQuantile(p, 1), std::tan(std::numbers::pi * (p - 0.5)), 1e-12);
    EXPECT_NEAR(StudentTQuantile(p, 2), (2 * p - 1) / std::sqrt(2 * p * (1 - p)), 1e-12);
  }
}

TEST(StudentTQuantileTest, InvertsTheCdfAndIsSymmetric) {
  for (double df : {0.5, 1.0, 4.0, 30.0, 700.0}) {
    // Dyadic p, so 1 - p is exact and the symmetry can be checked bit for bit.
    for (double p : {0x1p-27, 0x1p-9, 0.1875, 0.5, 0.78125, 1 - 0x1p-10}) {
      const double t = StudentTQuantile(p, df);
      EXPECT_NEAR(StudentTCdf(t, df), p, 1e-13 * std::min(p, 1 - p)) << df << " " << p;
      EXPECT_EQ(t, -StudentTQuantile(1 - p, df)) << df << " " << p;
    }
  }
}

TEST(StudentTQuantileTest, Domain) {
  EXPECT_TRUE(std::isnan(StudentTQuantile(0.5, 0)));
  EXPECT_TRUE(std::isnan(StudentTQuantile(0.5, -3)));
  EXPECT_TRUE(std::isnan(StudentTQuantile(2, 3)));
  EXPECT_EQ(StudentTQuantile(0, 3), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(StudentTQuantile(1, 3), std::numeric_limits<double>::infinity());
  EXPECT_EQ(StudentTQuantile(0.5, 3), 0);
}

TEST(IncompleteBetaTest, KnownValues) {
  // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1-x)^b; I_0.5(a, a) = 0.5.
  EXPECT_NEAR(RegularizedIncompleteBeta(0.3, 1, 1), 0.3, 1e-15);
  EXPECT_NEAR(RegularizedIncompleteBeta(0.3, 2.5, 1), std::pow(0.3, 2.5), 1e-15);
  EXPECT_NEAR(RegularizedIncompleteBeta(0.3, 1, 4), 1 - std::pow(0.7, 4), 1e-15);
  EXPECT_NEAR(RegularizedIncompleteBeta(0.5, 7.3, 7.3), 0.5, 1e-15);
  EXPECT_EQ(RegularizedIncompleteBeta(0, 2, 3), 0);
  EXPECT_EQ(RegularizedIncompleteBeta(1, 2, 3), 1);
  EXPECT_TRUE(std::isnan(RegularizedIncompleteBeta(0.5, 0, 3)));
  EXPECT_TRUE(std::isnan(RegularizedIncompleteBeta(1.5, 1, 3)));
}

}  // namespace
}  // namespace retailcast::models
