#include "retailcast/eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace retailcast::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using V = std::vector<double>;

TEST(MetricsTest, PointErrorsByHand) {
  V y = {10, 20, 30, 40};
  V f = {12, 18, 33, 40};  // errors f - y: 2, -2, 3, 0
  EXPECT_DOUBLE_EQ(Mae(y, f), 7.0 / 4);
  EXPECT_DOUBLE_EQ(Rmse(y, f), std::sqrt(17.0 / 4));
  BiasResult b = Bias(y, f);
  EXPECT_DOUBLE_EQ(b.mean, 3.0 / 4);
  EXPECT_DOUBLE_EQ(b.relative, 3.0 / 100);
  MapeResult m = Mape(y, f);
  EXPECT_DOUBLE_EQ(m.value, 100.0 * (0.2 + 0.1 + 0.1 + 0) / 4);
  EXPECT_EQ(m.n_zero_excluded, 0);
  EXPECT_DOUBLE_EQ(Smape(y, f), 100.0 * (4.0 / 22 + 4.0 / 38 + 6.0 / 63 + 0) / 4);
}

TEST(MetricsTest, MapeExcludesAndCountsZeroActuals) {
  MapeResult m = Mape(V{0, 10, 0}, V{5, 12, 0});
  EXPECT_EQ(m.n_zero_excluded, 2);
  EXPECT_DOUBLE_EQ(m.value, 20.0);
  MapeResult none = Mape(V{0, 0}, V{1, 1});
  EXPECT_TRUE(std::isnan(none.value));
  EXPECT_EQ(none.n_zero_excluded, 2);
}

TEST(MetricsTest, SmapeZeroOverZeroIsZeroAndRangeIsTo200) {
  EXPECT_DOUBLE_EQ(Smape(V{0, 0}, V{0, 0}), 0.0);
  EXPECT_DOUBLE_EQ(Smape(V{0, 5}, V{3, 0}), 200.0);
  EXPECT_DOUBLE_EQ(Smape(V{0, 4}, V{0, 4}), 0.0);
}

TEST(MetricsTest, NanActualsAreSkipped) {
  V y = {10, kNaN, 30};
  V f = {11, 1e9, 27};
  EXPECT_DOUBLE_EQ(Mae(y, f), 2.0);
  EXPECT_DOUBLE_EQ(Rmse(y, f), std::sqrt(5.0));
  EXPECT_TRUE(std::isnan(Mae(V{kNaN}, V{1})));
}

TEST(MetricsTest, MaseScaleSeasonalLag) {
  // Length 8 >= 2m with m = 4: lag-4 differences 4,4,4,4.
  V train = {1, 2, 3, 4, 5, 6, 7, 8};
  InSampleScale s = MaseScale(train, 4);
  EXPECT_EQ(s.lag, 4);
  EXPECT_DOUBLE_EQ(s.scale, 4.0);
}

TEST(MetricsTest, MaseScaleFallsBackToLag1WhenShort) {
  V train = {1, 3, 2, 6, 5};  // 5 < 2 * 4
  InSampleScale s = MaseScale(train, 4);
  EXPECT_EQ(s.lag, 1);
  EXPECT_DOUBLE_EQ(s.scale, (2 + 1 + 4 + 1) / 4.0);
}

TEST(MetricsTest, MaseScaleFallsBackToLag1WhenSeasonalScaleIsZero) {
  V train = {1, 5, 1, 5, 1, 5};  // perfectly periodic with m = 2
  InSampleScale s = MaseScale(train, 2);
  EXPECT_EQ(s.lag, 1);
  EXPECT_DOUBLE_EQ(s.scale, 4.0);
  InSampleScale flat = MaseScale(V{3, 3, 3, 3}, 2);
  EXPECT_EQ(flat.lag, 1);
  EXPECT_DOUBLE_EQ(flat.scale, 0.0);
  EXPECT_TRUE(std::isnan(Mase(V{1}, V{2}, flat.scale)));
  EXPECT_TRUE(std::isnan(MaseScale(V{3}, 1).scale));
  EXPECT_TRUE(std::isnan(MaseScale(V{}, 1).scale));
}

TEST(MetricsTest, MaseScaleSkipsNanPairs) {
  InSampleScale s = MaseScale(V{1, kNaN, 4, 6}, 1);
  EXPECT_DOUBLE_EQ(s.scale, 2.0);  // only the pair (4, 6)
}

TEST(MetricsTest, Naive1ScalesAndRmsse) {
  Naive1Scales s = Naive1Scale(V{1, 3, 2});
  EXPECT_DOUBLE_EQ(s.mean_abs, 1.5);
  EXPECT_DOUBLE_EQ(s.mean_sq, 2.5);
  EXPECT_DOUBLE_EQ(Rmsse(V{1, 2}, V{2, 4}, 2.5), std::sqrt(2.5 / 2.5));
  EXPECT_TRUE(std::isnan(Rmsse(V{1}, V{2}, 0)));
  EXPECT_TRUE(std::isnan(Naive1Scale(V{1}).mean_abs));
}

TEST(MetricsTest, PinballLoss) {
  // tau = 0.9: under-forecast by 2 costs 1.8, over-forecast by 1 costs 0.1.
  EXPECT_DOUBLE_EQ(Pinball(V{10, 10}, V{8, 11}, 0.9), (1.8 + 0.1) / 2);
  EXPECT_DOUBLE_EQ(Pinball(V{10}, V{10}, 0.3), 0.0);
}

TEST(MetricsTest, CoverageAndMsis) {
  V y = {5, 12, -1};
  V lo = {0, 0, 0};
  V hi = {10, 10, 10};
  EXPECT_DOUBLE_EQ(Coverage(y, lo, hi), 1.0 / 3);
  // alpha = 0.05, 2/alpha = 40: widths 10 each, penalties 0, 40*2, 40*1.
  EXPECT_DOUBLE_EQ(Msis(y, lo, hi, 95, 2.0), ((10 + 10 + 80) + (10 + 40)) / 3.0 / 2.0);
  // Level 80: alpha 0.2, penalty factor 10.
  EXPECT_DOUBLE_EQ(Msis(y, lo, hi, 80, 1.0), (10 + 30 + 20) / 3.0);
  EXPECT_TRUE(std::isnan(Coverage(y, V{0, kNaN, 0}, hi)));
  EXPECT_TRUE(std::isnan(Msis(y, lo, hi, 95, 0)));
}

TEST(MetricsTest, SplAveragesFiveQuantiles) {
  V y = {10};
  double expect = (Pinball(y, V{6}, 0.025) + Pinball(y, V{8}, 0.1) + Pinball(y, V{9}, 0.5) +
                   Pinball(y, V{12}, 0.9) + Pinball(y, V{14}, 0.975)) /
                  5 / 2.0;
  EXPECT_DOUBLE_EQ(Spl(y, V{6}, V{8}, V{9}, V{12}, V{14}, 2.0), expect);
  EXPECT_TRUE(std::isnan(Spl(y, V{kNaN}, V{8}, V{9}, V{12}, V{14}, 2.0)));
}

TEST(MetricsTest, WrmsseWeightUsesLastHPointsAndPrice) {
  V train = {100, 1, 2, 3};
  EXPECT_DOUBLE_EQ(WrmsseWeight(train, {}, 2), 5.0);
  V price = {9, 9, 10, 0.5};
  EXPECT_DOUBLE_EQ(WrmsseWeight(train, price, 2), 2 * 10 + 3 * 0.5);
  EXPECT_DOUBLE_EQ(WrmsseWeight(train, {}, 10), 106.0);  // shorter than h: all points
  EXPECT_DOUBLE_EQ(WrmsseWeight(V{1, kNaN}, {}, 2), 1.0);
}

Forecast MakeForecast(V mean, V lo80, V hi80, V lo95, V hi95) {
  Forecast f;
  f.mean = std::move(mean);
  f.levels = {80, 95};
  f.lower = {std::move(lo80), std::move(lo95)};
  f.upper = {std::move(hi80), std::move(hi95)};
  return f;
}

TEST(ScoreSeriesTest, AllMetricsAndNanActualCount) {
  V train = {1, 2, 3, 4, 5, 6};
  V actual = {7, kNaN, 0};
  Forecast f = MakeForecast({8, 100, 1}, {6, 0, -1}, {9, 0, 2}, {5, 0, -2}, {10, 0, 3});
  ScoreInput in{train, {}, actual, &f};
  auto m = ScoreSeries(in, 2);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->n_points, 2);
  EXPECT_EQ(m->n_nan_actual, 1);
  EXPECT_EQ(m->n_zero_actual, 1);
  EXPECT_DOUBLE_EQ(m->mae, 1.0);
  EXPECT_DOUBLE_EQ(m->mase_scale, 2.0);  // lag 2 differences on the training part
  EXPECT_EQ(m->mase_lag, 2);
  EXPECT_DOUBLE_EQ(m->mase, 0.5);
  EXPECT_DOUBLE_EQ(m->coverage[0], 1.0);
  EXPECT_DOUBLE_EQ(m->coverage[1], 1.0);
  EXPECT_DOUBLE_EQ(m->rmsse, 1.0);  // mse 1, lag-1 mean square 1
  EXPECT_DOUBLE_EQ(m->wrmsse_weight, 5 + 6 + 4);
  EXPECT_DOUBLE_EQ(MetricValue(*m, "cov95"), 1.0);
  EXPECT_DOUBLE_EQ(MetricValue(*m, "MASE"), 0.5);
  EXPECT_TRUE(std::isnan(MetricValue(*m, "WRMSSE")));
}

TEST(ScoreSeriesTest, BadInputs) {
  V train = {1, 2, 3};
  Forecast f = MakeForecast({1, 2}, {1, 2}, {1, 2}, {1, 2}, {1, 2});
  V actual3 = {1, 2, 3};
  EXPECT_EQ(ScoreSeries({train, {}, actual3, &f}, 1).status().code(), StatusCode::kInvalidArgument);
  V actual2 = {1, 2};
  EXPECT_EQ(ScoreSeries({train, {}, actual2, nullptr}, 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ScoreSeries({train, {}, actual2, &f}, 0).status().code(), StatusCode::kInvalidArgument);
  V short_price = {1};
  EXPECT_EQ(ScoreSeries({train, short_price, actual2, &f}, 1).status().code(),
            StatusCode::kInvalidArgument);
  V all_nan = {kNaN, kNaN};
  EXPECT_EQ(ScoreSeries({train, {}, all_nan, &f}, 1).status().code(), StatusCode::kDataError);
  Forecast holes = f;
  holes.mean[1] = kNaN;
  auto incomplete = ScoreSeries({train, {}, actual2, &holes}, 1);
  EXPECT_EQ(incomplete.status().code(), StatusCode::kDataError);
  EXPECT_NE(incomplete.status().message().find("step 2"), std::string::npos);
  // A NaN forecast where the actual is missing is fine: that point is not scored.
  V one_nan = {1, kNaN};
  EXPECT_TRUE(ScoreSeries({train, {}, one_nan, &holes}, 1).ok());
  Forecast ragged = f;
  ragged.upper[1].pop_back();
  EXPECT_EQ(ScoreSeries({train, {}, actual2, &ragged}, 1).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(AggregateTest, MeansSkipNanAndWrmsseIsWeighted) {
  SeriesMetrics a, b;
  a.levels = b.levels = {80};
  a.mase = 1;
  b.mase = kNaN;
  a.rmsse = 1;
  b.rmsse = 3;
  a.wrmsse_weight = 1;
  b.wrmsse_weight = 3;
  a.coverage = {1.0};
  b.coverage = {0.5};
  a.n_nan_actual = 2;
  std::vector<SeriesMetrics> v = {a, b};
  auto agg = Aggregate(v);
  ASSERT_TRUE(agg.ok());
  EXPECT_EQ(agg->n_series, 2);
  EXPECT_DOUBLE_EQ(agg->mase, 1.0);
  EXPECT_DOUBLE_EQ(agg->mase_median, 1.0);
  EXPECT_DOUBLE_EQ(agg->rmsse, 2.0);
  EXPECT_DOUBLE_EQ(agg->wrmsse, (1 * 1 + 3 * 3) / 4.0);
  EXPECT_DOUBLE_EQ(agg->coverage[0], 0.75);
  EXPECT_EQ(agg->n_nan_actual, 2);
  EXPECT_DOUBLE_EQ(MetricValue(*agg, "WRMSSE"), agg->wrmsse);
  EXPECT_DOUBLE_EQ(MetricValue(*agg, "cov80"), 0.75);

  v[1].levels = {95};
  EXPECT_EQ(Aggregate(v).status().code(), StatusCode::kInvalidArgument);
  auto empty = Aggregate(std::span<const SeriesMetrics>());
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->n_series, 0);
  EXPECT_TRUE(std::isnan(empty->mase));
  EXPECT_TRUE(std::isnan(empty->wrmsse));
}

TEST(MetricNamesTest, ParseAndCompare) {
  V levels = {80, 97.5};
  auto ok = ParseMetricList(" MASE, sMAPE,cov97.5,MASE", levels);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, (std::vector<std::string>{"MASE", "sMAPE", "cov97.5"}));
  auto bad = ParseMetricList("MASE,mse", levels);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'mse'"), std::string::npos);
  EXPECT_NE(bad.status().message().find("cov80"), std::string::npos);
  EXPECT_EQ(ParseMetricList("cov95", levels).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseMetricList(" , ", levels).status().code(), StatusCode::kInvalidArgument);

  EXPECT_TRUE(MetricBetter("MASE", 0.5, 0.7));
  EXPECT_FALSE(MetricBetter("MASE", kNaN, 0.7));
  EXPECT_TRUE(MetricBetter("MASE", 0.9, kNaN));
  EXPECT_TRUE(MetricBetter("cov80", 0.78, 0.9));
  EXPECT_TRUE(MetricBetter("cov80", 0.85, 0.7));
  EXPECT_TRUE(MetricBetter("bias", -1, 2));
  EXPECT_EQ(CoverageName(80), "cov80");
  EXPECT_EQ(CoverageName(97.5), "cov97.5");
}

}  // namespace
}  // namespace retailcast::eval
