#include "retailcast/prep/aggregate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "retailcast/synth/synth.h"

namespace retailcast::prep {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> Values(const Panel& p, size_t i) {
  auto v = p.values(i);
  return {v.begin(), v.end()};
}

std::vector<double> Iota(size_t n, double first) {
  std::vector<double> v(n);
  std::iota(v.begin(), v.end(), first);
  return v;
}

TEST(AggregateTimeTest, DailyToWeeklySumAndMeanWithPartialWeeks) {
  Panel p(Frequency::Daily());
  ASSERT_TRUE(p.SetAttributeNames({"store_id"}).ok());
  ASSERT_TRUE(p.AddExogColumn("price").ok());
  const std::string_view attrs[] = {"CA_1"};
  // Monday 2024-01-01 .. Sunday 2024-01-14: two full weeks ending Sunday.
  size_t a = p.AddSeries("full", Date::FromYmd(2024, 1, 1), Iota(14, 1), attrs);
  for (size_t t = 0; t < 14; ++t) p.mutable_exog(0, a)[t] = t < 7 ? 2.0 : 4.0;
  // Wednesday 2024-01-03 .. Wednesday 2024-01-17: partial first and last weeks.
  p.AddSeries("partial", Date::FromYmd(2024, 1, 3), std::vector<double>(15, 1.0), attrs);

  TemporalAggOptions o;
  o.target = Frequency::Weekly(Weekday::kSunday);
  auto r = AggregateTime(p, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Panel& w = r->panel;
  ASSERT_EQ(w.num_series(), 2u);
  EXPECT_EQ(w.freq(), o.target);
  EXPECT_EQ(w.start(0), Date::FromYmd(2024, 1, 7));
  EXPECT_EQ(Values(w, 0), (std::vector<double>{28, 77}));
  EXPECT_EQ(w.exog(0, 0)[0], 2.0);
  EXPECT_EQ(w.exog(0, 0)[1], 4.0);
  EXPECT_EQ(w.attribute(0, 0), "CA_1");
  // kDrop: only the complete week ending 2024-01-14 remains.
  EXPECT_EQ(w.start(1), Date::FromYmd(2024, 1, 14));
  EXPECT_EQ(Values(w, 1), (std::vector<double>{7}));
  EXPECT_EQ(r->partial_periods, 2);

  o.partial = PartialPeriods::kFlag;
  o.partial_column = "partial";
  r = AggregateTime(p, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Values(r->panel, 1), (std::vector<double>{5, 7, 3}));
  EXPECT_EQ(r->panel.start(1), Date::FromYmd(2024, 1, 7));
  EXPECT_EQ(r->partial, (std::vector<uint8_t>{0, 0, 1, 0, 1}));
  EXPECT_EQ(r->partial_periods, 2);
  auto col = r->panel.FindExog("partial");
  ASSERT_TRUE(col.has_value());
  EXPECT_EQ(r->panel.exog(*col, 1)[0], 1.0);
  EXPECT_EQ(r->panel.exog(*col, 1)[1], 0.0);
}

TEST(AggregateTimeTest, MissingValuesSkipUnlessAllMissing) {
  Panel p(Frequency::Daily());
  std::vector<double> y(14, kNaN);
  y[0] = 3;  // first week: one observed value
  p.AddSeries("s", Date::FromYmd(2024, 1, 1), y);
  TemporalAggOptions o;
  o.target = Frequency::Weekly(Weekday::kSunday);
  auto r = AggregateTime(p, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->panel.values(0)[0], 3);
  EXPECT_TRUE(std::isnan(r->panel.values(0)[1]));
}

TEST(AggregateTimeTest, WeeklyToMonthlySpreadsWeeksOverTheirDays) {
  // One unit a day in weekly totals of 7: every month must come out as its number of days.
  Panel p(Frequency::Weekly(Weekday::kSunday));
  // Weeks ending 2024-01-07 (covering Jan 1-7) .. 2024-03-31 (covering Mar 25-31).
  p.AddSeries("s", Date::FromYmd(2024, 1, 7), std::vector<double>(13, 7.0));
  TemporalAggOptions o;
  o.target = Frequency::Monthly();
  auto r = AggregateTime(p, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->panel.start(0), Date::FromYmd(2024, 1, 1));
  ASSERT_EQ(r->panel.length(0), 3);
  EXPECT_NEAR(r->panel.values(0)[0], 31, 1e-12);
  EXPECT_NEAR(r->panel.values(0)[1], 29, 1e-12);
  EXPECT_NEAR(r->panel.values(0)[2], 31, 1e-12);
  EXPECT_EQ(r->partial_periods, 0);
  // To a quarter: complete (Jan 1 .. Mar 31).
  o.target = Frequency::Quarterly();
  r = AggregateTime(p, o);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->panel.values(0)[0], 91, 1e-12);
}

TEST(AggregateTimeTest, MonthlyToQuarterAndYear) {
  Panel p(Frequency::Monthly());
  ASSERT_TRUE(p.AddExogColumn("temp").ok());
  size_t i = p.AddSeries("s", Date::FromYmd(2023, 1, 1), Iota(15, 1));  // Jan 2023 .. Mar 2024
  for (size_t t = 0; t < 15; ++t) p.mutable_exog(0, i)[t] = 10.0;
  TemporalAggOptions o;
  o.target = Frequency::Quarterly();
  o.columns.exog = {{"temp", AggFunc::kSum}};
  auto r = AggregateTime(p, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Values(r->panel, 0), (std::vector<double>{6, 15, 24, 33, 42}));
  EXPECT_EQ(r->panel.exog(0, 0)[0], 30.0);
  o.target = Frequency::Yearly();
  o.columns = {};
  r = AggregateTime(p, o);
  ASSERT_TRUE(r.ok());
  // 2024 has 3 months only: a partial year, dropped.
  EXPECT_EQ(Values(r->panel, 0), (std::vector<double>{78}));
  EXPECT_EQ(r->panel.exog(0, 0)[0], 10.0);
  EXPECT_EQ(r->partial_periods, 1);
}

TEST(AggregateTimeTest, SeriesWithoutACompletePeriodIsReportedNotSilentlyLost) {
  Panel p(Frequency::Daily());
  p.AddSeries("tiny", Date::FromYmd(2024, 1, 3), std::vector<double>{1, 2});
  p.AddSeries("ok", Date::FromYmd(2024, 1, 1), std::vector<double>(7, 1.0));
  TemporalAggOptions o;
  o.target = Frequency::Weekly(Weekday::kSunday);
  auto r = AggregateTime(p, o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->panel.num_series(), 1u);
  EXPECT_EQ(r->panel.id(0), "ok");
  EXPECT_EQ(r->dropped_series, (std::vector<std::string>{"tiny"}));
}

TEST(AggregateTimeTest, BadInputs) {
  Panel p(Frequency::Monthly());
  ASSERT_TRUE(p.AddExogColumn("price").ok());
  p.AddSeries("s", Date::FromYmd(2024, 1, 1), std::vector<double>{1, 2});
  TemporalAggOptions o;
  o.target = Frequency::Daily();
  auto r = AggregateTime(p, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("finer"), std::string::npos);
  o.target = Frequency::Weekly(Weekday::kFriday);
  EXPECT_EQ(AggregateTime(p, o).status().code(), StatusCode::kInvalidArgument);
  o.target = Frequency::Yearly();
  o.columns.exog = {{"pricee", AggFunc::kMean}};
  r = AggregateTime(p, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("price"), std::string::npos);
  EXPECT_NE(r.status().message().find("pricee"), std::string::npos);

  Panel weekly(Frequency::Weekly(Weekday::kSunday));
  o = {};
  o.target = Frequency::Weekly(Weekday::kSaturday);
  r = AggregateTime(weekly, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("anchor"), std::string::npos);
  o.target = Frequency::Monthly();
  r = AggregateTime(weekly, o);
  ASSERT_TRUE(r.ok()) << "an empty panel aggregates to an empty panel";
  EXPECT_EQ(r->panel.num_series(), 0u);
}

// Store/department panel with different start and end dates.
Panel StorePanel() {
  Panel p(Frequency::Daily());
  EXPECT_TRUE(p.SetAttributeNames({"store_id", "dept_id"}).ok());
  EXPECT_TRUE(p.AddExogColumn("price").ok());
  auto add = [&](std::string_view id, std::string_view store, std::string_view dept, int day,
                 std::vector<double> y, double price) {
    const std::string_view attrs[] = {store, dept};
    size_t i = p.AddSeries(id, Date::FromYmd(2024, 1, day), y, attrs);
    for (auto& v : p.mutable_exog(0, i)) v = price;
  };
  add("A_CA_1", "CA_1", "FOODS_3", 1, {1, 2, 3}, 2.0);
  add("B_CA_1", "CA_1", "FOODS_3", 2, {10, kNaN, 30}, 4.0);  // Jan 2 .. Jan 4
  add("C_CA_1", "CA_1", "HOBBIES_1", 1, {kNaN, 5}, 6.0);
  add("A_TX_1", "TX_1", "FOODS_3", 3, {7}, 8.0);
  return p;
}

TEST(AggregateHierarchyTest, GroupsAlignOnTheCalendar) {
  Panel p = StorePanel();
  auto r = AggregateHierarchy(p, {"store_id", "dept_id"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->num_series(), 3u);
  EXPECT_EQ(r->id(0), "CA_1/FOODS_3");
  EXPECT_EQ(r->id(1), "CA_1/HOBBIES_1");
  EXPECT_EQ(r->id(2), "TX_1/FOODS_3");
  ASSERT_EQ(r->num_attributes(), 2u);
  EXPECT_EQ(r->attribute(0, 1), "CA_1");
  EXPECT_EQ(r->attribute(1, 1), "HOBBIES_1");
  EXPECT_EQ(r->start(0), Date::FromYmd(2024, 1, 1));
  // Jan 1: 1; Jan 2: 2 + 10; Jan 3: 3 + NaN = 3; Jan 4: 30.
  EXPECT_EQ(Values(*r, 0), (std::vector<double>{1, 12, 3, 30}));
  EXPECT_TRUE(std::isnan(r->values(1)[0])) << "all NaN stays NaN";
  EXPECT_EQ(r->values(1)[1], 5);
  // Exogenous default: mean over members present that day.
  EXPECT_EQ(r->exog(0, 0)[0], 2.0);
  EXPECT_EQ(r->exog(0, 0)[1], 3.0);
  EXPECT_EQ(r->exog(0, 0)[3], 4.0);

  auto total = AggregateHierarchy(p, {});
  ASSERT_TRUE(total.ok());
  ASSERT_EQ(total->num_series(), 1u);
  EXPECT_EQ(total->id(0), "total");
  EXPECT_EQ(total->num_attributes(), 0u);
  EXPECT_EQ(Values(*total, 0), (std::vector<double>{1, 17, 10, 30}));

  ColumnAggregation sum_price;
  sum_price.exog = {{"price", AggFunc::kSum}};
  auto stores = AggregateHierarchy(p, {"store_id"}, sum_price);
  ASSERT_TRUE(stores.ok());
  EXPECT_EQ(stores->id(1), "TX_1");
  EXPECT_EQ(stores->exog(0, 0)[1], 2.0 + 4.0 + 6.0);
}

TEST(AggregateHierarchyTest, UnknownAttributeListsTheExistingOnes) {
  Panel p = StorePanel();
  auto r = AggregateHierarchy(p, {"store"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("'store'"), std::string::npos);
  EXPECT_NE(r.status().message().find("store_id, dept_id"), std::string::npos);
  ColumnAggregation bad;
  bad.exog = {{"promo", AggFunc::kSum}};
  EXPECT_EQ(AggregateHierarchy(p, {}, bad).status().code(), StatusCode::kInvalidArgument);
  Panel empty;
  auto e = AggregateHierarchy(empty, {});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->num_series(), 0u);
}

TEST(BuildHierarchyTest, LevelsInOnePanel) {
  Panel p = StorePanel();
  auto h = BuildHierarchy(p, {{"store_id", "dept_id"}, {"store_id"}, {}});
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_EQ(h->num_series(), 4u + 3u + 2u + 1u);
  EXPECT_EQ(h->attribute_name(0), "level");
  EXPECT_EQ(h->attribute_name(1), "store_id");
  EXPECT_EQ(h->attribute_name(2), "dept_id");
  EXPECT_EQ(h->attribute(0, 0), "bottom");
  EXPECT_EQ(h->attribute(0, 4), "store_id/dept_id");
  EXPECT_EQ(h->attribute(0, 7), "store_id");
  EXPECT_EQ(h->attribute(2, 7), "") << "store level has no dept";
  EXPECT_EQ(h->id(9), "total");
  EXPECT_EQ(h->attribute(0, 9), "total");
  EXPECT_EQ(Values(*h, 0), Values(p, 0));
  auto dup = BuildHierarchy(p, {{"store_id"}, {"store_id"}});
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("CA_1"), std::string::npos);
  EXPECT_EQ(BuildHierarchy(p, {{"nope"}}).status().code(), StatusCode::kInvalidArgument);
}

TEST(BuildHierarchyTest, M5LevelsOnSyntheticData) {
  synth::SynthOptions o;
  o.stores = 4;
  o.states = 2;
  o.items_per_store = 12;
  o.periods = 60;
  o.threads = 1;
  auto p = synth::Generate(o);
  ASSERT_TRUE(p.ok());
  auto levels = M5HierarchyLevels();
  ASSERT_EQ(levels.size(), 11u);
  auto h = BuildHierarchy(*p, levels);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  auto total = h->Find("total");
  ASSERT_TRUE(total.has_value());
  EXPECT_EQ(h->start(*total), o.start);
  ASSERT_EQ(h->length(*total), 60);
  // The total is the sum of all bottom series on every date; so is every level's sum.
  std::vector<double> want(60, 0.0);
  for (size_t i = 0; i < p->num_series(); ++i) {
    const int64_t off = p->start(i) - o.start;
    for (int64_t t = 0; t < p->length(i); ++t)
      want[static_cast<size_t>(off + t)] += p->values(i)[t];
  }
  EXPECT_EQ(Values(*h, *total), want);
  std::vector<double> stores(60, 0.0);
  int store_series = 0;
  for (size_t i = 0; i < h->num_series(); ++i) {
    if (h->attribute(0, i) != "store_id") continue;
    ++store_series;
    const int64_t off = h->start(i) - o.start;
    for (int64_t t = 0; t < h->length(i); ++t)
      stores[static_cast<size_t>(off + t)] += h->values(i)[t];
  }
  EXPECT_EQ(store_series, 4);
  EXPECT_EQ(stores, want);
}

}  // namespace
}  // namespace retailcast::prep
