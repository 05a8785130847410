#include "retailcast/core/date.h"

#include <gtest/gtest.h>

#include <vector>

#include "retailcast/core/time_index.h"

namespace retailcast {
namespace {

TEST(DateTest, RoundTripsCivilDates) {
  Date d = Date::FromYmd(2010, 2, 5);
  EXPECT_EQ(d.ToString(), "2010-02-05");
  EXPECT_EQ(d.weekday(), Weekday::kFriday);
  EXPECT_EQ(Date::FromYmd(1970, 1, 1).days, 0);
  EXPECT_EQ(Date::FromYmd(1969, 12, 31).days, -1);
  EXPECT_EQ(Date::FromYmd(1969, 12, 31).weekday(), Weekday::kWednesday);
  EXPECT_EQ(Date::FromYmd(2016, 2, 29) + 1, Date::FromYmd(2016, 3, 1));
}

TEST(DateTest, ParsesEveryFormat) {
  EXPECT_EQ(ParseDate("2010-02-05", DateFormat::kIso)->ToString(), "2010-02-05");
  EXPECT_EQ(ParseDate("2010-02-05 00:00:00", DateFormat::kIso)->ToString(), "2010-02-05");
  EXPECT_EQ(ParseDate("05-02-2010", DateFormat::kDmyDash)->ToString(), "2010-02-05");
  EXPECT_EQ(ParseDate("05/02/2010", DateFormat::kDmySlash)->ToString(), "2010-02-05");
  EXPECT_EQ(ParseDate("2/5/2010", DateFormat::kMdySlash)->ToString(), "2010-02-05");
  EXPECT_EQ(ParseDate("2010/02/05", DateFormat::kYmdSlash)->ToString(), "2010-02-05");
  EXPECT_EQ(ParseDate("20100205", DateFormat::kCompact)->ToString(), "2010-02-05");
}

TEST(DateTest, RejectsInvalidDatesWithTheText) {
  auto r = ParseDate("2023-02-30", DateFormat::kIso);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataError);
  EXPECT_NE(r.status().message().find("2023-02-30"), std::string::npos);
  EXPECT_FALSE(ParseDate("", DateFormat::kIso).ok());
  EXPECT_FALSE(ParseDate("2010-2", DateFormat::kIso).ok());
  EXPECT_FALSE(ParseDate("13/13/2010", DateFormat::kMdySlash).ok());
  EXPECT_FALSE(ParseDate("abc", DateFormat::kDmyDash).ok());
  EXPECT_FALSE(ParseDate("2010-02-05x", DateFormat::kIso).ok());
}

TEST(DateTest, DetectsFormats) {
  EXPECT_EQ(*DetectDateFormat("2010-02-05"), DateFormat::kIso);
  EXPECT_EQ(*DetectDateFormat("05-02-2010"), DateFormat::kDmyDash);
  EXPECT_EQ(*DetectDateFormat("11/8/2018"), DateFormat::kMdySlash);
  EXPECT_EQ(*DetectDateFormat("25/8/2018"), DateFormat::kDmySlash);
  EXPECT_FALSE(DetectDateFormat("yesterday").ok());
}

TEST(FrequencyTest, AdvancesAndCountsSteps) {
  Date jan31 = Date::FromYmd(2020, 1, 31);
  EXPECT_EQ(Frequency::Monthly().Advance(Date::FromYmd(2020, 1, 1), 13).ToString(), "2021-02-01");
  EXPECT_EQ(Frequency::Monthly().Advance(jan31, 1).ToString(), "2020-02-29");
  EXPECT_EQ(Frequency::Quarterly().Advance(Date::FromYmd(2020, 1, 1), -1).ToString(), "2019-10-01");
  EXPECT_EQ(Frequency::Yearly().Advance(Date::FromYmd(2020, 1, 1), 3).ToString(), "2023-01-01");
  Frequency w = Frequency::Weekly(Weekday::kFriday);
  EXPECT_EQ(*w.StepsBetween(Date::FromYmd(2010, 2, 5), Date::FromYmd(2010, 3, 5)), 4);
  EXPECT_FALSE(w.StepsBetween(Date::FromYmd(2010, 2, 5), Date::FromYmd(2010, 3, 6)).ok());
  EXPECT_EQ(
      *Frequency::Monthly().StepsBetween(Date::FromYmd(1992, 1, 1), Date::FromYmd(2016, 5, 1)),
      292);
  EXPECT_FALSE(
      Frequency::Monthly().StepsBetween(Date::FromYmd(1992, 1, 1), Date::FromYmd(1992, 2, 2)).ok());
}

TEST(FrequencyTest, ParsesAndPrints) {
  EXPECT_EQ(Frequency::Parse("W-FRI")->ToString(), "W-FRI");
  EXPECT_EQ(Frequency::Parse("w")->ToString(), "W-SUN");
  EXPECT_EQ(Frequency::Parse("MS")->DefaultSeasonLength(), 12);
  EXPECT_EQ(Frequency::Parse("D")->DefaultSeasonLength(), 7);
  EXPECT_FALSE(Frequency::Parse("fortnight").ok());
}

TEST(FrequencyTest, PeriodOfAndAlignment) {
  Frequency w = Frequency::Weekly(Weekday::kFriday);
  EXPECT_EQ(w.PeriodOf(Date::FromYmd(2010, 2, 1)).ToString(), "2010-02-05");
  EXPECT_EQ(w.PeriodOf(Date::FromYmd(2010, 2, 5)).ToString(), "2010-02-05");
  EXPECT_TRUE(w.IsAligned(Date::FromYmd(2010, 2, 5)));
  EXPECT_FALSE(w.IsAligned(Date::FromYmd(2010, 2, 6)));
  EXPECT_EQ(Frequency::Quarterly().PeriodOf(Date::FromYmd(2010, 8, 17)).ToString(), "2010-07-01");
}

TEST(FrequencyTest, DaysOfAPeriod) {
  auto [wb, we] = Frequency::Weekly(Weekday::kFriday).DaysOf(Date::FromYmd(2010, 2, 5));
  EXPECT_EQ(wb.ToString(), "2010-01-30");
  EXPECT_EQ(we.ToString(), "2010-02-05");
  auto [mb, me] = Frequency::Monthly().DaysOf(Date::FromYmd(2016, 2, 1));
  EXPECT_EQ(mb.ToString(), "2016-02-01");
  EXPECT_EQ(me.ToString(), "2016-02-29");
  auto [qb, qe] = Frequency::Quarterly().DaysOf(Date::FromYmd(2020, 10, 1));
  EXPECT_EQ(qe.ToString(), "2020-12-31");
  auto [db, de] = Frequency::Daily().DaysOf(Date::FromYmd(2020, 1, 1));
  EXPECT_EQ(db, de);
}

TEST(FrequencyTest, InfersFromDates) {
  std::vector<Date> weekly;
  for (int i = 0; i < 10; ++i) weekly.push_back(Date::FromYmd(2010, 2, 5) + 7 * i);
  auto f = InferFrequency(weekly.data(), weekly.size());
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->ToString(), "W-FRI");
  std::vector<Date> monthly;
  for (int i = 0; i < 10; ++i)
    monthly.push_back(Frequency::Monthly().Advance(Date::FromYmd(2010, 1, 1), i));
  EXPECT_EQ(InferFrequency(monthly.data(), monthly.size())->ToString(), "MS");
  std::vector<Date> odd = {Date{0}, Date{5}, Date{10}};
  EXPECT_EQ(InferFrequency(odd.data(), odd.size()).status().code(), StatusCode::kDataError);
  EXPECT_EQ(InferFrequency(odd.data(), 1).status().code(), StatusCode::kNotFound);
}

TEST(TimeIndexTest, PositionOf) {
  TimeIndex idx{Date::FromYmd(2020, 1, 1), Frequency::Daily(), 10};
  EXPECT_EQ(idx.PositionOf(Date::FromYmd(2020, 1, 5)), 4);
  EXPECT_EQ(idx.PositionOf(Date::FromYmd(2020, 1, 11)), -1);
  EXPECT_EQ(idx.end().ToString(), "2020-01-10");
}

}  // namespace
}  // namespace retailcast
