// Holiday rules against dates published by each country's government (and Easter against
// the published table of Easter Sundays).
#include "retailcast/features/holidays.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace retailcast::features {
namespace {

Date D(int y, unsigned m, unsigned d) { return Date::FromYmd(y, m, d); }

std::vector<Holiday> Year(std::string_view country, int year) {
  auto h = HolidaysBetween(country, D(year, 1, 1), D(year, 12, 31));
  EXPECT_TRUE(h.ok()) << h.status().ToString();
  return h.ok() ? *h : std::vector<Holiday>{};
}

// The dates of holiday `name` in `year` of `country`.
std::vector<Date> DatesOf(std::string_view country, int year, std::string_view name) {
  std::vector<Date> out;
  for (const Holiday& h : Year(country, year)) {
    if (h.name == name) out.push_back(h.date);
  }
  return out;
}

bool Has(std::string_view country, Date date, std::string_view name) {
  for (const Holiday& h : Year(country, date.year())) {
    if (h.date == date && h.name == name) return true;
  }
  return false;
}

TEST(EasterTest, MatchesPublishedEasterSundays) {
  EXPECT_EQ(EasterSunday(1818), D(1818, 3, 22));  // earliest possible date
  EXPECT_EQ(EasterSunday(1943), D(1943, 4, 25));  // latest possible date
  EXPECT_EQ(EasterSunday(2000), D(2000, 4, 23));
  EXPECT_EQ(EasterSunday(2008), D(2008, 3, 23));
  EXPECT_EQ(EasterSunday(2011), D(2011, 4, 24));
  EXPECT_EQ(EasterSunday(2019), D(2019, 4, 21));
  EXPECT_EQ(EasterSunday(2024), D(2024, 3, 31));
  EXPECT_EQ(EasterSunday(2025), D(2025, 4, 20));
  EXPECT_EQ(EasterSunday(2038), D(2038, 4, 25));
  for (int y = 1583; y < 2500; ++y) {
    const Date e = EasterSunday(y);
    EXPECT_EQ(e.weekday(), Weekday::kSunday) << y;
    EXPECT_TRUE(e >= D(y, 3, 22) && e <= D(y, 4, 25)) << y;
  }
}

TEST(HolidaysTest, UnitedStates) {
  EXPECT_EQ(DatesOf("US", 2010, "Thanksgiving"), std::vector<Date>{D(2010, 11, 25)});
  EXPECT_EQ(DatesOf("US", 2024, "Thanksgiving"), std::vector<Date>{D(2024, 11, 28)});
  EXPECT_EQ(DatesOf("US", 2024, "Martin Luther King Jr. Day"), std::vector<Date>{D(2024, 1, 15)});
  EXPECT_EQ(DatesOf("US", 2024, "Memorial Day"), std::vector<Date>{D(2024, 5, 27)});
  EXPECT_EQ(DatesOf("US", 2012, "Labor Day"), std::vector<Date>{D(2012, 9, 3)});
  EXPECT_EQ(DatesOf("US", 2012, "Columbus Day"), std::vector<Date>{D(2012, 10, 8)});
  EXPECT_TRUE(DatesOf("US", 2020, "Juneteenth").empty());  // created in 2021
  EXPECT_EQ(DatesOf("US", 2021, "Juneteenth"), std::vector<Date>{D(2021, 6, 19)});
  // Observed days: Sunday -> Monday, Saturday -> Friday (even into the previous year).
  EXPECT_TRUE(Has("US", D(2021, 7, 5), "Independence Day (observed)"));
  EXPECT_TRUE(Has("US", D(2022, 6, 20), "Juneteenth (observed)"));
  EXPECT_TRUE(Has("US", D(2021, 12, 24), "Christmas Day (observed)"));
  EXPECT_TRUE(Has("US", D(2021, 12, 31), "New Year's Day (observed)"));
  EXPECT_TRUE(Has("US", D(2012, 11, 12), "Veterans Day (observed)"));
  EXPECT_TRUE(DatesOf("US", 2024, "Christmas Day (observed)").empty());  // a Wednesday
  EXPECT_EQ(Year("US", 2024).size(), 11u);
}

TEST(HolidaysTest, UnitedKingdom) {
  EXPECT_EQ(DatesOf("UK", 2024, "Easter Monday"), std::vector<Date>{D(2024, 4, 1)});
  EXPECT_EQ(DatesOf("UK", 2024, "Good Friday"), std::vector<Date>{D(2024, 3, 29)});
  EXPECT_EQ(DatesOf("UK", 2024, "Early May Bank Holiday"), std::vector<Date>{D(2024, 5, 6)});
  EXPECT_EQ(DatesOf("UK", 2024, "Spring Bank Holiday"), std::vector<Date>{D(2024, 5, 27)});
  EXPECT_EQ(DatesOf("UK", 2024, "Summer Bank Holiday"), std::vector<Date>{D(2024, 8, 26)});
  // Moved and one-off days.
  EXPECT_EQ(DatesOf("UK", 2020, "Early May Bank Holiday"), std::vector<Date>{D(2020, 5, 8)});
  EXPECT_EQ(DatesOf("UK", 2022, "Spring Bank Holiday"), std::vector<Date>{D(2022, 6, 2)});
  EXPECT_TRUE(Has("UK", D(2022, 6, 3), "Platinum Jubilee of Elizabeth II"));
  EXPECT_TRUE(Has("UK", D(2022, 9, 19), "State Funeral of Queen Elizabeth II"));
  EXPECT_TRUE(Has("UK", D(2011, 4, 29), "Wedding of Prince William and Catherine Middleton"));
  // Substitute days: Christmas on Saturday and Boxing Day on Sunday give Monday and Tuesday;
  // Christmas on Sunday with Boxing Day on Monday gives Tuesday.
  EXPECT_TRUE(Has("UK", D(2021, 12, 27), "Christmas Day (observed)"));
  EXPECT_TRUE(Has("UK", D(2021, 12, 28), "Boxing Day (observed)"));
  EXPECT_TRUE(Has("UK", D(2022, 12, 27), "Christmas Day (observed)"));
  EXPECT_TRUE(DatesOf("UK", 2022, "Boxing Day (observed)").empty());
  EXPECT_TRUE(Has("UK", D(2022, 1, 3), "New Year's Day (observed)"));
  // "GB" is the same calendar.
  EXPECT_EQ(Year("GB", 2024), Year("UK", 2024));
}

TEST(HolidaysTest, Germany) {
  EXPECT_TRUE(Has("DE", D(2017, 10, 31), "Reformation Day"));
  EXPECT_TRUE(DatesOf("DE", 2016, "Reformation Day").empty());
  EXPECT_TRUE(DatesOf("DE", 2018, "Reformation Day").empty());
  EXPECT_EQ(DatesOf("DE", 2024, "Ascension Day"), std::vector<Date>{D(2024, 5, 9)});
  EXPECT_EQ(DatesOf("DE", 2024, "Whit Monday"), std::vector<Date>{D(2024, 5, 20)});
  EXPECT_EQ(DatesOf("DE", 2024, "German Unity Day"), std::vector<Date>{D(2024, 10, 3)});
  EXPECT_TRUE(DatesOf("DE", 1989, "German Unity Day").empty());
  EXPECT_EQ(DatesOf("DE", 1994, "Day of Repentance and Prayer"),
            std::vector<Date>{D(1994, 11, 16)});
  EXPECT_TRUE(DatesOf("DE", 1995, "Day of Repentance and Prayer").empty());
  // No observed days in Germany: a Sunday holiday stays where it is.
  for (const Holiday& h : Year("DE", 2022)) EXPECT_FALSE(h.observed) << h.name;
  EXPECT_EQ(Year("DE", 2017).size(), 10u);
}

TEST(HolidaysTest, France) {
  EXPECT_EQ(DatesOf("FR", 2024, "Whit Monday"), std::vector<Date>{D(2024, 5, 20)});
  EXPECT_EQ(DatesOf("FR", 2012, "Whit Monday"), std::vector<Date>{D(2012, 5, 28)});
  EXPECT_TRUE(DatesOf("FR", 2006, "Whit Monday").empty());
  EXPECT_EQ(DatesOf("FR", 2024, "Easter Monday"), std::vector<Date>{D(2024, 4, 1)});
  EXPECT_TRUE(Has("FR", D(2024, 7, 14), "Bastille Day"));
  EXPECT_TRUE(Has("FR", D(2024, 5, 8), "Victory in Europe Day"));
  EXPECT_TRUE(Has("FR", D(2024, 8, 15), "Assumption of Mary"));
  EXPECT_EQ(Year("FR", 2024).size(), 11u);
}

TEST(HolidaysTest, Canada) {
  EXPECT_EQ(DatesOf("CA", 2024, "Victoria Day"), std::vector<Date>{D(2024, 5, 20)});
  EXPECT_EQ(DatesOf("CA", 2021, "Victoria Day"), std::vector<Date>{D(2021, 5, 24)});
  EXPECT_EQ(DatesOf("CA", 2012, "Victoria Day"), std::vector<Date>{D(2012, 5, 21)});
  EXPECT_EQ(DatesOf("CA", 2024, "Thanksgiving"), std::vector<Date>{D(2024, 10, 14)});
  EXPECT_TRUE(Has("CA", D(2012, 7, 2), "Canada Day (observed)"));
  EXPECT_TRUE(Has("CA", D(2023, 7, 3), "Canada Day (observed)"));
  EXPECT_TRUE(Has("CA", D(2021, 9, 30), "National Day for Truth and Reconciliation"));
  EXPECT_TRUE(DatesOf("CA", 2020, "National Day for Truth and Reconciliation").empty());
  EXPECT_TRUE(Has("CA", D(2021, 12, 27), "Christmas Day (observed)"));
  EXPECT_TRUE(Has("CA", D(2021, 12, 28), "Boxing Day (observed)"));
}

TEST(HolidaysTest, Australia) {
  EXPECT_TRUE(Has("AU", D(2019, 1, 26), "Australia Day"));
  EXPECT_TRUE(Has("AU", D(2019, 1, 28), "Australia Day (observed)"));    // Saturday -> Monday
  EXPECT_TRUE(Has("AU", D(2020, 1, 27), "Australia Day (observed)"));    // Sunday -> Monday
  EXPECT_TRUE(DatesOf("AU", 2024, "Australia Day (observed)").empty());  // a Friday
  EXPECT_EQ(DatesOf("AU", 2024, "Good Friday"), std::vector<Date>{D(2024, 3, 29)});
  EXPECT_TRUE(Has("AU", D(2021, 4, 25), "Anzac Day"));
  EXPECT_TRUE(DatesOf("AU", 2021, "Anzac Day (observed)").empty());
}

TEST(HolidaysTest, Ecuador) {
  EXPECT_EQ(DatesOf("EC", 2024, "Carnival"), (std::vector<Date>{D(2024, 2, 12), D(2024, 2, 13)}));
  EXPECT_EQ(DatesOf("EC", 2012, "Carnival"), (std::vector<Date>{D(2012, 2, 20), D(2012, 2, 21)}));
  EXPECT_TRUE(Has("EC", D(2024, 3, 29), "Good Friday"));
  EXPECT_TRUE(Has("EC", D(2024, 8, 10), "Declaration of Independence of Quito"));
  // The 2017 bridge rule: Tuesday -> Monday, Wednesday -> Friday, Saturday -> Friday.
  EXPECT_TRUE(Has("EC", D(2022, 5, 23), "Battle of Pichincha (observed)"));
  EXPECT_TRUE(Has("EC", D(2023, 5, 26), "Battle of Pichincha (observed)"));
  EXPECT_TRUE(Has("EC", D(2024, 8, 9), "Declaration of Independence of Quito (observed)"));
  EXPECT_TRUE(DatesOf("EC", 2016, "Battle of Pichincha (observed)").empty());  // before reform
  // New Year's Day and Christmas move only off weekends.
  EXPECT_TRUE(Has("EC", D(2023, 1, 2), "New Year's Day (observed)"));
  EXPECT_TRUE(DatesOf("EC", 2019, "Christmas Day (observed)").empty());  // a Wednesday
}

TEST(HolidaysTest, RangeIsInclusiveSortedAndCrossesYears) {
  auto h = HolidaysBetween("us", D(2021, 12, 24), D(2022, 1, 1));
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  std::vector<std::string> names;
  for (const auto& x : *h) names.push_back(x.date.ToString() + " " + x.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "2021-12-24 Christmas Day (observed)", "2021-12-25 Christmas Day",
                       "2021-12-31 New Year's Day (observed)", "2022-01-01 New Year's Day"}));
  for (const auto& c : HolidayCountries()) {
    auto all = HolidaysBetween(c.code, D(1990, 1, 1), D(2040, 12, 31));
    ASSERT_TRUE(all.ok());
    EXPECT_TRUE(std::is_sorted(all->begin(), all->end(), [](const Holiday& a, const Holiday& b) {
      return a.date < b.date;
    })) << c.code;
    // Every year of every country has holidays; an observed day is never a weekend.
    EXPECT_GT(all->size(), 51u * 6) << c.code;
    for (const auto& x : *all) {
      if (x.observed) {
        EXPECT_LT(x.date.weekday(), Weekday::kSaturday) << c.code << " " << x.name;
      }
    }
  }
}

TEST(HolidaysTest, SubstituteNeverLandsOnAnotherHoliday) {
  for (const char* code : {"UK", "CA", "AU"}) {
    for (int y = 1990; y < 2060; ++y) {
      const auto year = Year(code, y);
      for (const Holiday& h : year) {
        if (!h.observed) continue;
        for (const Holiday& o : year) {
          if (&o != &h) {
            EXPECT_FALSE(o.date == h.date) << code << " " << h.date.ToString();
          }
        }
      }
    }
  }
}

TEST(HolidaysTest, Errors) {
  auto unknown = HolidaysBetween("XX", D(2020, 1, 1), D(2020, 12, 31));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("XX"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("US, UK, DE, FR, CA, AU, EC"), std::string::npos);
  auto reversed = HolidaysBetween("US", D(2020, 12, 31), D(2020, 1, 1));
  EXPECT_EQ(reversed.status().code(), StatusCode::kInvalidArgument);
  auto ancient = HolidaysBetween("US", D(1200, 1, 1), D(1300, 1, 1));
  EXPECT_EQ(ancient.status().code(), StatusCode::kInvalidArgument);
  auto found = FindHolidayCountry("de");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->code, "DE");
}

TEST(HolidaysTest, RuleDateHonoursYearsAndExceptions) {
  HolidayRule r;
  r.name = "Fifth Friday";
  r.date_rule = HolidayDateRule::kNthWeekday;
  r.month = 2;
  r.weekday = Weekday::kFriday;
  r.nth = 5;
  Date d;
  EXPECT_FALSE(RuleDate(r, 2023, &d));  // February 2023 has four Fridays
  ASSERT_TRUE(RuleDate(r, 2008, &d));   // and February 2008 five
  EXPECT_EQ(d, D(2008, 2, 29));
  r.except_years[0] = 2008;
  EXPECT_FALSE(RuleDate(r, 2008, &d));
  HolidayRule leap;
  leap.month = 2;
  leap.day = 29;
  EXPECT_FALSE(RuleDate(leap, 2023, &d));
  leap.first_year = 2030;
  EXPECT_FALSE(RuleDate(leap, 2028, &d));
  EXPECT_TRUE(RuleDate(leap, 2032, &d));
}

}  // namespace
}  // namespace retailcast::features
