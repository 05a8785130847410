// Golden checks of every shared dataset against the facts in its SOURCE.md.
#include "support/shared_datasets.h"

#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "test_util.h"

namespace retailcast::io {
namespace {

#define SKIP_WITHOUT_SHARED_DATA()                                                 \
  if (!std::filesystem::exists(testing::SharedDataDir() + "/walmart_store_sales")) \
  GTEST_SKIP() << "shared data not found under " << testing::SharedDataDir()

Date Ymd(int y, unsigned m, unsigned d) { return Date::FromYmd(y, m, d); }

TEST(DatasetsTest, UnknownNameListsValidNames) {
  auto r = test_data::LoadSharedDataset("nope", "/tmp");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("walmart_store_sales"), std::string::npos);
  EXPECT_EQ(test_data::LoadSharedDataset("m5_subset", "/nonexistent").status().code(),
            StatusCode::kNotFound);
}

TEST(DatasetsTest, WalmartStoreSales) {
  SKIP_WITHOUT_SHARED_DATA();
  auto r = test_data::LoadSharedDataset("walmart_store_sales", testing::SharedDataDir());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Panel& p = r->panel;
  EXPECT_EQ(p.freq(), Frequency::Weekly(Weekday::kFriday));
  ASSERT_EQ(p.num_series(), 45u);
  EXPECT_EQ(p.num_values(), 6435u);
  EXPECT_EQ(p.id(0), "1");
  EXPECT_EQ(p.id(1), "10");  // byte order
  EXPECT_EQ(p.start(0), Ymd(2010, 2, 5));
  EXPECT_EQ(p.end(0), Ymd(2012, 10, 26));
  EXPECT_DOUBLE_EQ(p.values(0)[0], 1643690.9);
  EXPECT_EQ(r->report.gaps_filled, 0);
  ASSERT_EQ(p.num_exog(), 5u);
  double holidays = 0;
  for (double v : p.exog(0, 0)) holidays += v;
  EXPECT_EQ(holidays, 10);
}

TEST(DatasetsTest, WalmartRecruiting) {
  SKIP_WITHOUT_SHARED_DATA();
  auto r = test_data::LoadSharedDataset("walmart_recruiting", testing::SharedDataDir());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Panel& p = r->panel;
  EXPECT_EQ(p.num_series(), 3331u);
  EXPECT_EQ(r->report.negative_values, 1285);
  auto i = p.Find("1/1");
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(p.start(*i), Ymd(2010, 2, 5));
  EXPECT_EQ(p.end(*i), Ymd(2012, 10, 26));
  EXPECT_DOUBLE_EQ(p.values(*i)[0], 24924.5);
  EXPECT_EQ(p.attribute(*p.FindAttribute("Type"), *i), "A");
  EXPECT_EQ(p.attribute(*p.FindAttribute("Size"), *i), "151315");
  EXPECT_DOUBLE_EQ(p.exog(*p.FindExog("Temperature"), *i)[0], 42.31);
  EXPECT_TRUE(std::isnan(p.exog(*p.FindExog("MarkDown1"), *i)[0]));  // NA before 2011-11-11
  EXPECT_EQ(p.exog(*p.FindExog("IsHoliday"), *i)[1], 1);
  Date first = p.start(0), last = p.end(0);
  for (size_t s = 0; s < p.num_series(); ++s) {
    first = std::min(first, p.start(s));
    last = std::max(last, p.end(s));
  }
  EXPECT_EQ(first, Ymd(2010, 2, 5));
  EXPECT_EQ(last, Ymd(2012, 10, 26));
}

TEST(DatasetsTest, M5Subset) {
  SKIP_WITHOUT_SHARED_DATA();
  auto r = test_data::LoadSharedDataset("m5_subset", testing::SharedDataDir());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Panel& p = r->panel;
  EXPECT_EQ(p.freq(), Frequency::Daily());
  ASSERT_EQ(p.num_series(), 290u);
  auto h = p.Find("HOBBIES_1_001_CA_1_evaluation");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(p.start(*h), Ymd(2011, 1, 29));
  EXPECT_EQ(p.end(*h), Ymd(2016, 5, 22));
  EXPECT_EQ(p.length(*h), 1941);
  auto t = p.Find("FOODS_3_586_CA_1_validation");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(p.length(*t), 1913);
  EXPECT_EQ(p.attribute(*p.FindAttribute("state_id"), *t), "CA");
  // No price before HOBBIES_1_001 is introduced (week 11325), then 9.58 in CA_1.
  auto price = p.exog(*p.FindExog("sell_price"), *h);
  EXPECT_TRUE(std::isnan(price[0]));
  double first_price = NAN;
  for (double v : price) {
    if (!std::isnan(v)) {
      first_price = v;
      break;
    }
  }
  EXPECT_DOUBLE_EQ(first_price, 9.58);
  // Day 2 of the calendar (2011-01-30) has no event; Super Bowl 2011-02-06 is Sporting.
  auto sporting = p.exog(*p.FindExog("event_sporting"), *h);
  EXPECT_EQ(sporting[1], 0);
  EXPECT_EQ(sporting[8], 1);
  double snap_days = 0;
  for (double v : p.exog(*p.FindExog("snap"), *h)) snap_days += v;
  EXPECT_GT(snap_days, 600);  // 10 SNAP days a month in CA
  EXPECT_EQ(r->report.gaps_filled, 0);
}

TEST(DatasetsTest, SuperstoreWeeklyByCategory) {
  SKIP_WITHOUT_SHARED_DATA();
  auto r = test_data::LoadSharedDataset("superstore", testing::SharedDataDir());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Panel& p = r->panel;
  ASSERT_EQ(p.num_series(), 3u);
  EXPECT_EQ(p.id(0), "Furniture");
  EXPECT_EQ(p.id(1), "Office Supplies");
  EXPECT_EQ(p.id(2), "Technology");
  EXPECT_EQ(r->report.rows_accepted, 9994);
  double lines = 0;
  for (size_t s = 0; s < 3; ++s) {
    for (double v : p.exog(*p.FindExog("lines"), s)) lines += v;
    EXPECT_GE(p.start(s), Ymd(2016, 1, 3));
    EXPECT_LE(p.end(s), Ymd(2020, 1, 5));
    for (double v : p.values(s)) EXPECT_FALSE(std::isnan(v));  // no sale = 0
  }
  EXPECT_EQ(lines, 9994);
}

TEST(DatasetsTest, RossmannSubset) {
  SKIP_WITHOUT_SHARED_DATA();
  auto r = test_data::LoadSharedDataset("rossmann_subset", testing::SharedDataDir());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Panel& p = r->panel;
  ASSERT_EQ(p.num_series(), 100u);
  EXPECT_EQ(r->report.duplicates_merged, 6);
  // Every store also lacks one day (checked with a Python csv script): 84 x 1 + 16 x 185.
  EXPECT_EQ(r->report.gaps_filled, 84 * 1 + 16 * 185);
  auto s1 = p.Find("1");
  ASSERT_TRUE(s1.has_value());
  EXPECT_EQ(p.start(*s1), Ymd(2022, 1, 1));
  EXPECT_EQ(p.end(*s1), Ymd(2024, 7, 31));
  EXPECT_EQ(p.values(*s1).back(), 5263);
  EXPECT_EQ(p.exog(*p.FindExog("Customers"), *s1).back(), 555);
}

TEST(DatasetsTest, ProphetExamples) {
  SKIP_WITHOUT_SHARED_DATA();
  auto r = test_data::LoadSharedDataset("prophet_examples", testing::SharedDataDir());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Panel& p = r->panel;
  ASSERT_EQ(p.num_series(), 5u);
  auto pm = p.Find("example_wp_log_peyton_manning");
  ASSERT_TRUE(pm.has_value());
  EXPECT_EQ(p.start(*pm), Ymd(2007, 12, 10));
  EXPECT_EQ(p.end(*pm), Ymd(2016, 1, 20));
  auto wr = p.Find("example_wp_log_R");  // unsorted file
  ASSERT_TRUE(wr.has_value());
  EXPECT_EQ(p.start(*wr), Ymd(2008, 1, 1));
  EXPECT_EQ(p.end(*wr), Ymd(2015, 12, 31));
  EXPECT_GT(r->report.gaps_filled, 0);

  auto m = test_data::LoadSharedDataset("prophet_examples_monthly", testing::SharedDataDir());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->panel.num_series(), 2u);
  EXPECT_EQ(m->panel.id(0), "example_air_passengers");  // CR-only file
  EXPECT_EQ(m->panel.length(0), 144);
  EXPECT_EQ(m->panel.values(0)[0], 112);
  EXPECT_EQ(m->panel.length(1), 293);
}

}  // namespace
}  // namespace retailcast::io
