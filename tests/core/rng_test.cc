#include "retailcast/core/rng.h"

#include <gtest/gtest.h>

#include <cmath>

namespace retailcast {
namespace {

TEST(RngTest, SameSeedAndIdSameStream) {
  Rng a(42, "CA_1/FOODS_3_090"), b(42, "CA_1/FOODS_3_090"), c(42, "CA_1/FOODS_3_091");
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    EXPECT_NE(x, c.Next());
  }
}

TEST(RngTest, NormalHasUnitMoments) {
  Rng r(7);
  double sum = 0, sq = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    double z = r.Normal();
    sum += z;
    sq += z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sq / n, 1.0, 0.02);
}

TEST(RngTest, PoissonMean) {
  Rng r(3);
  for (double mean : {0.3, 4.0, 80.0}) {
    double sum = 0;
    for (int i = 0; i < 50000; ++i) sum += static_cast<double>(r.Poisson(mean));
    EXPECT_NEAR(sum / 50000, mean, 0.03 * mean + 0.01);
  }
}

}  // namespace
}  // namespace retailcast
