#include "retailcast/core/panel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string_view>
#include <vector>

namespace retailcast {
namespace {

TEST(PanelTest, StoresSeriesContiguously) {
  Panel p(Frequency::Weekly(Weekday::kFriday));
  ASSERT_TRUE(p.SetAttributeNames({"store", "dept"}).ok());
  std::vector<double> a = {1, 2, 3};
  std::vector<double> b = {4, 5};
  std::vector<std::string_view> attrs_a = {"1", "7"};
  std::vector<std::string_view> attrs_b = {"2", "9"};
  p.AddSeries("1_7", Date::FromYmd(2010, 2, 5), a, attrs_a);
  p.AddSeries("2_9", Date::FromYmd(2010, 2, 12), b, attrs_b);
  EXPECT_EQ(p.num_series(), 2u);
  EXPECT_EQ(p.num_values(), 5u);
  EXPECT_EQ(p.offsets(), (std::vector<uint64_t>{0, 3, 5}));
  EXPECT_EQ(p.values(1)[1], 5);
  EXPECT_EQ(p.end(0).ToString(), "2010-02-19");
  EXPECT_EQ(*p.Find("2_9"), 1u);
  EXPECT_FALSE(p.Find("3_1").has_value());
  EXPECT_EQ(p.attribute(*p.FindAttribute("dept"), 1), "9");
  EXPECT_FALSE(p.SetAttributeNames({"x"}).ok());
}

TEST(PanelTest, ExogenousColumnsShareTheLayout) {
  Panel p(Frequency::Daily());
  ASSERT_TRUE(p.AddExogColumn("price").ok());
  std::vector<double> v = {1, 2};
  p.AddSeries("a", Date::FromYmd(2020, 1, 1), v);
  p.AddSeries("b", Date::FromYmd(2020, 1, 1), 3);
  EXPECT_TRUE(std::isnan(p.values(1)[0]));
  auto k = *p.FindExog("price");
  p.mutable_exog(k, 1)[2] = 9.5;
  EXPECT_EQ(p.series(1).exog("price")[2], 9.5);
  EXPECT_TRUE(p.series(1).exog("promo").empty());
  EXPECT_FALSE(p.AddExogColumn("price").ok());
  ASSERT_TRUE(p.AddExogColumn("promo").ok());
  EXPECT_EQ(p.series(0).exog("promo").size(), 2u);
}

TEST(PanelTest, FindSurvivesGrowth) {
  Panel p(Frequency::Daily());
  for (int i = 0; i < 1000; ++i) {
    p.AddSeries("series_with_a_long_name_" + std::to_string(i), Date{0}, 1);
    ASSERT_EQ(*p.Find("series_with_a_long_name_" + std::to_string(i / 2)),
              static_cast<size_t>(i / 2));
  }
}

}  // namespace
}  // namespace retailcast

namespace retailcast {
namespace {

TEST(PanelTest, CopiesAndMovesKeepFindWorking) {
  Panel p(Frequency::Daily());
  p.AddSeries("a", Date{0}, 1);
  p.AddSeries("b", Date{0}, 2);
  ASSERT_EQ(*p.Find("b"), 1u);
  Panel copy = p;
  EXPECT_EQ(*copy.Find("b"), 1u);
  Panel moved = std::move(copy);
  EXPECT_EQ(*moved.Find("a"), 0u);
  EXPECT_EQ(moved.values(1).size(), 2u);
  Panel assigned;
  assigned = moved;
  EXPECT_EQ(*assigned.Find("b"), 1u);
  assigned = std::move(moved);
  EXPECT_EQ(*assigned.Find("a"), 0u);
  EXPECT_EQ(p.num_series(), 2u);
}

}  // namespace
}  // namespace retailcast
