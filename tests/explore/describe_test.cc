#include "retailcast/explore/describe.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "retailcast/core/rng.h"

namespace retailcast::explore {
namespace {

Panel TwoSeries() {
  Panel p(Frequency::Weekly(Weekday::kFriday));
  std::vector<double> seasonal, flat_noise;
  Rng rng(1);
  for (int t = 0; t < 156; ++t) {
    seasonal.push_back(100 + 30 * std::sin(2 * M_PI * t / 52.0) + rng.Normal());
    flat_noise.push_back(t % 5 == 0 ? 3.0 : 0.0);
  }
  flat_noise[10] = std::nan("");
  p.AddSeries("seasonal", Date::FromYmd(2010, 2, 5), seasonal);
  p.AddSeries("sparse", Date::FromYmd(2010, 2, 12), flat_noise);
  return p;
}

TEST(DescribeTest, CountsAndClasses) {
  Panel p = TwoSeries();
  auto s = DescribePanel(p, DescribeOptions{});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->series, 2u);
  EXPECT_EQ(s->season_length, 52);
  EXPECT_EQ(s->missing, 1u);
  EXPECT_EQ(s->first_date.ToString(), "2010-02-05");
  EXPECT_EQ(s->top_sellers.front().id, "seasonal");
  EXPECT_EQ(s->per_series[1].demand_class, DemandClass::kIntermittent);
  EXPECT_EQ(s->per_series[0].demand_class, DemandClass::kSmooth);
  EXPECT_GT(s->per_series[0].seasonal_strength, 0.9);
  EXPECT_EQ(s->recent_totals.size(), 12u);
  EXPECT_NE(FormatSummary(*s).find("Top sellers"), std::string::npos);
  EXPECT_NE(SummaryToJson(*s).find("\"demand_classes\""), std::string::npos);
}

TEST(DescribeTest, NoSeasonalityInNoise) {
  Panel p(Frequency::Daily());
  std::vector<double> y;
  Rng rng(2);
  for (int t = 0; t < 700; ++t) y.push_back(50 + rng.Normal());
  p.AddSeries("noise", Date::FromYmd(2020, 1, 1), y);
  auto s = DescribePanel(p, DescribeOptions{});
  ASSERT_TRUE(s.ok());
  EXPECT_LT(s->per_series[0].seasonal_strength, 0.2);
}

TEST(DescribeTest, EmptyPanelIsAnError) {
  Panel p(Frequency::Daily());
  EXPECT_EQ(DescribePanel(p, DescribeOptions{}).status().code(), StatusCode::kInvalidArgument);
}

TEST(DescribeTest, ShortSeriesHasUndefinedStrength) {
  std::vector<double> y = {1, 2, 3};
  SeriesView v{"s", Date{0}, Frequency::Daily(), y};
  EXPECT_TRUE(std::isnan(DescribeSeries(v, 7).seasonal_strength));
}

}  // namespace
}  // namespace retailcast::explore
