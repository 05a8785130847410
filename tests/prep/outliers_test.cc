#include "retailcast/prep/outliers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "retailcast/core/rng.h"

namespace retailcast::prep {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const Date kStart = Date::FromYmd(2024, 1, 1);

// Weekly pattern (or a flat level) plus small Gaussian noise, seeded.
std::vector<double> Weekly(size_t n, uint64_t seed, bool seasonal = true) {
  const double pattern[7] = {10, 12, 11, 13, 15, 25, 22};
  const double flat[7] = {12, 12, 12, 12, 12, 12, 12};
  Rng rng(seed);
  std::vector<double> y(n);
  const double* level = seasonal ? pattern : flat;
  for (size_t t = 0; t < n; ++t) y[t] = level[t % 7] + 0.5 * rng.Normal();
  return y;
}

TEST(OutliersTest, FlagsASpikeOnASeasonalSeries) {
  for (auto baseline : {OutlierBaseline::kSeasonalMedian, OutlierBaseline::kRollingMedian}) {
    for (auto rule : {OutlierRule::kMad, OutlierRule::kIqr}) {
      // A rolling median ignores seasonality, so it is tested on a non-seasonal series (on a
      // seasonal one it would flag the weekend peaks, as it should).
      Panel p(Frequency::Daily());
      std::vector<double> y = Weekly(140, 3, baseline == OutlierBaseline::kSeasonalMedian);
      y[50] += 60;  // t = 50 is at season position 1, pattern value 12
      y[90] = kNaN;
      p.AddSeries("s", kStart, y);
      OutlierOptions o;
      o.baseline = baseline;
      o.rule = rule;
      o.iqr_multiplier = 3.0;
      auto r = DetectOutliers(p, o);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(r->flags.size(), p.num_values());
      EXPECT_EQ(r->flags[50], 1);
      EXPECT_EQ(r->flags[90], 0) << "NaN is never flagged";
      EXPECT_TRUE(std::isnan(r->expected[90]));
      ASSERT_GE(r->outliers.size(), 1u);
      EXPECT_LE(r->outliers.size(), 3u)
          << "few false alarms on a clean seasonal series; baseline " << static_cast<int>(baseline)
          << " rule " << static_cast<int>(rule);
      bool found = false;
      for (const Outlier& out : r->outliers) {
        if (out.date != kStart + 50) continue;
        found = true;
        EXPECT_EQ(out.id, "s");
        EXPECT_EQ(out.series, 0u);
        EXPECT_DOUBLE_EQ(out.value, y[50]);
        EXPECT_NEAR(out.expected, 12, 1.0);
        EXPECT_GT(out.score, rule == OutlierRule::kMad ? 3.5 : 3.0);
      }
      EXPECT_TRUE(found);
    }
  }
}

TEST(OutliersTest, ConstantSeriesGiveNoFlagsAndMadZeroIsHandled) {
  Panel p(Frequency::Daily());
  std::vector<double> flat(60, 5.0), spike(60, 5.0);
  spike[30] = 50;
  p.AddSeries("flat", kStart, flat);
  p.AddSeries("spike", kStart, spike);
  auto r = DetectOutliers(p);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->outliers.size(), 1u);  // MAD is 0 for both; the mean-deviation fallback
  EXPECT_EQ(r->outliers[0].id, "spike");
  EXPECT_EQ(r->outliers[0].date, kStart + 30);
  EXPECT_DOUBLE_EQ(r->outliers[0].expected, 5);
  OutlierOptions iqr;
  iqr.rule = OutlierRule::kIqr;
  r = DetectOutliers(p, iqr);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->outliers.empty()) << "IQR 0 flags nothing";
}

TEST(OutliersTest, IntermittentAndShortSeriesAreNotTested) {
  Panel p(Frequency::Daily());
  std::vector<double> sparse(100, 0.0), shortie{1, 2, 100};
  sparse[10] = 3;
  sparse[70] = 1;
  p.AddSeries("sparse", kStart, sparse);
  p.AddSeries("short", kStart, shortie);
  auto r = DetectOutliers(p);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->outliers.empty());
  EXPECT_EQ(r->untested, (std::vector<size_t>{0, 1}));
  OutlierOptions all;
  all.max_zero_share = 1.0;
  r = DetectOutliers(p, all);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->untested, (std::vector<size_t>{1}));
}

TEST(OutliersTest, CleaningReplacesFlaggedValues) {
  Panel p(Frequency::Daily());
  std::vector<double> y = Weekly(140, 5);
  y[40] = 200;
  p.AddSeries("s", kStart, y);
  auto r = DetectOutliers(p);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->flags[40], 1);
  Panel a = p, b = p;
  auto n = CleanOutliers(a, *r, CleanMethod::kExpected);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, static_cast<int64_t>(r->outliers.size()));
  EXPECT_DOUBLE_EQ(a.values(0)[40], r->expected[40]);
  ASSERT_TRUE(CleanOutliers(b, *r, CleanMethod::kInterpolate).ok());
  if (r->flags[39] == 0 && r->flags[41] == 0) {
    EXPECT_DOUBLE_EQ(b.values(0)[40], (y[39] + y[41]) / 2);
  }
  for (size_t t = 0; t < y.size(); ++t) {
    if (r->flags[t] == 0) {
      EXPECT_EQ(b.values(0)[t], y[t]);
    }
  }
  Panel other(Frequency::Daily());
  std::vector<double> z{1, 2};
  other.AddSeries("z", kStart, z);
  auto bad = CleanOutliers(other, *r, CleanMethod::kExpected);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST(OutliersTest, BadOptionsAndEmptyPanel) {
  Panel p(Frequency::Daily());
  OutlierOptions o;
  o.mad_threshold = 0;
  EXPECT_EQ(DetectOutliers(p, o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.iqr_multiplier = std::nan("");
  EXPECT_EQ(DetectOutliers(p, o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.window = 4;
  EXPECT_EQ(DetectOutliers(p, o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.season_length = -2;
  EXPECT_EQ(DetectOutliers(p, o).status().code(), StatusCode::kInvalidArgument);
  auto r = DetectOutliers(p);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->flags.empty());
  EXPECT_TRUE(r->outliers.empty());
}

}  // namespace
}  // namespace retailcast::prep
