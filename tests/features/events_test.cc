// Event files (list, M5 calendar and flag layouts) and event indicator features.
#include "retailcast/features/events.h"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace retailcast::features {
namespace {

Date D(int y, unsigned m, unsigned d) { return Date::FromYmd(y, m, d); }

Result<std::vector<Event>> Read(std::string_view text, EventFileOptions options = {}) {
  return ReadEventsFromString(text, "events.csv", options);
}

TEST(EventFileTest, ListLayoutWithWindowsAndPriorScales) {
  auto events = Read(
      "event,ds,lower_window,upper_window,prior_scale\n"
      "superbowl,2010-02-07,0,1,5\n"
      "superbowl,2011-02-06,0,1,\n"
      "playoff,2010-01-24,,,\n"
      "playoff,2010-01-16,,,\n");
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 2u);
  const Event& playoff = (*events)[0];  // sorted by name
  const Event& superbowl = (*events)[1];
  EXPECT_EQ(playoff.name, "playoff");
  EXPECT_EQ(playoff.dates, (std::vector<Date>{D(2010, 1, 16), D(2010, 1, 24)}));
  EXPECT_EQ(playoff.lower_window, 0);
  EXPECT_EQ(playoff.prior_scale, 0);
  EXPECT_EQ(superbowl.dates, (std::vector<Date>{D(2010, 2, 7), D(2011, 2, 6)}));
  EXPECT_EQ(superbowl.upper_window, 1);
  EXPECT_EQ(superbowl.prior_scale, 5);
}

TEST(EventFileTest, ListLayoutDefaultsAndHolidayColumn) {
  EventFileOptions opt;
  opt.lower_window = -2;
  opt.upper_window = 1;
  opt.prior_scale = 3;
  auto events = Read("holiday,date\nxmas,25/12/2020\nxmas,25/12/2021\n", opt);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].dates, (std::vector<Date>{D(2020, 12, 25), D(2021, 12, 25)}));
  EXPECT_EQ((*events)[0].lower_window, -2);
  EXPECT_EQ((*events)[0].upper_window, 1);
  EXPECT_EQ((*events)[0].prior_scale, 3);
}

TEST(EventFileTest, M5CalendarLayout) {
  const char* calendar =
      "date,wm_yr_wk,weekday,wday,month,year,d,event_name_1,event_type_1,event_name_2,"
      "event_type_2,snap_CA,snap_TX,snap_WI\n"
      "2011-02-06,11102,Sunday,2,2,2011,d_9,SuperBowl,Sporting,,,1,1,1\n"
      "2011-02-07,11102,Monday,3,2,2011,d_10,,,,,1,1,0\n"
      "2011-04-24,11113,Sunday,2,4,2011,d_86,OrthodoxEaster,Religious,Easter,Cultural,0,0,0\n"
      "2012-02-05,11202,Sunday,2,2,2012,d_373,SuperBowl,Sporting,,,1,1,1\n";
  auto events = Read(calendar);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].name, "Easter");
  EXPECT_EQ((*events)[1].name, "OrthodoxEaster");
  EXPECT_EQ((*events)[2].name, "SuperBowl");
  EXPECT_EQ((*events)[2].dates, (std::vector<Date>{D(2011, 2, 6), D(2012, 2, 5)}));
  EventFileOptions by_type;
  by_type.by_type = true;
  auto types = Read(calendar, by_type);
  ASSERT_TRUE(types.ok());
  ASSERT_EQ(types->size(), 3u);
  EXPECT_EQ((*types)[0].name, "Cultural");
  EXPECT_EQ((*types)[2].name, "Sporting");
  EXPECT_EQ((*types)[2].dates.size(), 2u);
}

TEST(EventFileTest, FlagLayoutLikeWalmartHolidayFlag) {
  EventFileOptions opt;
  opt.flag_columns = {"Holiday_Flag"};
  opt.upper_window = 0;
  auto events = Read(
      "Store,Date,Weekly_Sales,Holiday_Flag\n"
      "1,05-02-2010,1643690.9,0\n"
      "1,12-02-2010,1641957.44,1\n"
      "2,12-02-2010,2137809.5,1\n"
      "2,19-02-2010,2124451.54,FALSE\n"
      "2,26-11-2010,2124451.54,TRUE\n",
      opt);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].name, "Holiday_Flag");
  EXPECT_EQ((*events)[0].dates, (std::vector<Date>{D(2010, 2, 12), D(2010, 11, 26)}));
}

TEST(EventFileTest, BadFilesAreDataErrorsNamingTheLine) {
  auto bad_date = Read("event,ds\nx,2020-01-01\nx,2020-13-01\n");
  ASSERT_FALSE(bad_date.ok());
  EXPECT_EQ(bad_date.status().code(), StatusCode::kDataError);
  EXPECT_NE(bad_date.status().message().find("events.csv:3"), std::string::npos)
      << bad_date.status().ToString();
  auto two_windows =
      Read("event,ds,lower_window,upper_window\nx,2020-01-01,-1,0\nx,2021-01-01,-2,0\n");
  ASSERT_FALSE(two_windows.ok());
  EXPECT_NE(two_windows.status().message().find("line 2"), std::string::npos)
      << two_windows.status().ToString();
  auto positive_lower = Read("event,ds,lower_window,upper_window\nx,2020-01-01,1,0\n");
  EXPECT_EQ(positive_lower.status().code(), StatusCode::kDataError);
  auto fractional = Read("event,ds,lower_window,upper_window\nx,2020-01-01,-0.5,0\n");
  EXPECT_EQ(fractional.status().code(), StatusCode::kDataError);
  auto half_window = Read("event,ds,lower_window\nx,2020-01-01,-1\n");
  EXPECT_EQ(half_window.status().code(), StatusCode::kDataError);
  auto negative_prior = Read("event,ds,prior_scale\nx,2020-01-01,-3\n");
  EXPECT_EQ(negative_prior.status().code(), StatusCode::kDataError);
  auto empty_name = Read("event,ds\n,2020-01-01\n");
  EXPECT_EQ(empty_name.status().code(), StatusCode::kDataError);
  auto short_row = Read("event,ds\nx\n");
  EXPECT_EQ(short_row.status().code(), StatusCode::kDataError);
  EventFileOptions flags;
  flags.flag_columns = {"promo"};
  auto bad_flag = Read("ds,promo\n2020-01-01,2\n", flags);
  ASSERT_FALSE(bad_flag.ok());
  EXPECT_NE(bad_flag.status().message().find("promo"), std::string::npos);
  auto missing_flag = Read("ds,other\n2020-01-01,1\n", flags);
  EXPECT_EQ(missing_flag.status().code(), StatusCode::kDataError);
  EXPECT_NE(missing_flag.status().message().find("other"), std::string::npos);
  auto no_date = Read("event,day\nx,2020-01-01\n");
  EXPECT_EQ(no_date.status().code(), StatusCode::kDataError);
}

TEST(EventFileTest, UnknownLayoutAndBadOptionsAreInvalidArgument) {
  auto unknown = Read("ds,promo\n2020-01-01,1\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EventFileOptions bad;
  bad.lower_window = 2;
  EXPECT_EQ(Read("event,ds\nx,2020-01-01\n", bad).status().code(), StatusCode::kInvalidArgument);
  EventFileOptions flags_without_columns;
  flags_without_columns.layout = EventFileLayout::kFlags;
  EXPECT_EQ(Read("ds,promo\n2020-01-01,1\n", flags_without_columns).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadEventsFile("/nonexistent/events.csv", {}).status().code(), StatusCode::kNotFound);
}

TEST(EventsTest, FromHolidaysGroupsByName) {
  std::vector<Holiday> h = {{D(2021, 12, 24), "Christmas Day (observed)", true},
                            {D(2021, 12, 25), "Christmas Day", false},
                            {D(2022, 12, 25), "Christmas Day", false}};
  auto events = EventsFromHolidays(h, -1, 0, 4);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].name, "Christmas Day (observed)");
  EXPECT_EQ(events[1].name, "Christmas Day");
  EXPECT_EQ(events[1].dates, (std::vector<Date>{D(2021, 12, 25), D(2022, 12, 25)}));
  EXPECT_EQ(events[1].lower_window, -1);
  EXPECT_EQ(events[1].prior_scale, 4);
  EXPECT_TRUE(ValidateEvents(events).ok());
}

TEST(EventsTest, ValidateRejectsBadEvents) {
  const std::vector<Date> dates = {D(2020, 1, 1)};
  EXPECT_FALSE(ValidateEvents(std::vector<Event>{{"", dates, 0, 0, 0}}).ok());
  EXPECT_FALSE(
      ValidateEvents(std::vector<Event>{{"a", dates, 0, 0, 0}, {"a", dates, 0, 0, 0}}).ok());
  EXPECT_FALSE(ValidateEvents(std::vector<Event>{{"a", dates, 1, 0, 0}}).ok());
  EXPECT_FALSE(ValidateEvents(std::vector<Event>{{"a", dates, 0, kMaxEventWindow + 1, 0}}).ok());
  EXPECT_FALSE(ValidateEvents(std::vector<Event>{{"a", dates, 0, 0, -1}}).ok());
  EXPECT_FALSE(ValidateEvents(std::vector<Event>{{"a", dates, 0, 0, std::nan("")}}).ok());
  EXPECT_FALSE(
      ValidateEvents(std::vector<Event>{{"a", {D(2020, 1, 2), D(2020, 1, 1)}, 0, 0, 0}}).ok());
  auto s = ValidateEvents(std::vector<Event>{{"promo", dates, 2, 0, 0}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("promo"), std::string::npos);
}

TEST(EventFeaturesTest, DailyColumnsPerOffset) {
  std::vector<Event> events = {{"xmas", {D(2020, 12, 25), D(2021, 12, 25)}, -1, 1, 0},
                               {"nye", {D(2020, 12, 31)}, 0, 0, 0}};
  const Date first = D(2020, 12, 20);
  auto f = MakeEventFeatures(events, first, Frequency::Daily(), 14);
  ASSERT_EQ(f.columns.size(), 4u);
  EXPECT_EQ(f.columns[0].name, "xmas-1");
  EXPECT_EQ(f.columns[1].name, "xmas");
  EXPECT_EQ(f.columns[2].name, "xmas+1");
  EXPECT_EQ(f.columns[3].name, "nye");
  EXPECT_EQ(f.columns[2].offset, 1);
  EXPECT_EQ(f.columns[3].event, 1u);
  for (size_t c = 0; c < 4; ++c) {
    const int64_t hot = c < 3 ? 4 + static_cast<int64_t>(c) : 11;
    for (int64_t t = 0; t < 14; ++t) {
      EXPECT_EQ(f.values[c][static_cast<size_t>(t)], t == hot ? 1.0 : 0.0) << c << " " << t;
    }
  }
  // The same columns on another grid (a forecast grid a year later).
  auto later = MakeEventFeatures(events, D(2021, 12, 20), Frequency::Daily(), 10);
  ASSERT_EQ(later.columns.size(), 4u);
  EXPECT_EQ(later.values[1][5], 1.0);
  EXPECT_EQ(later.values[3][5], 0.0);
}

TEST(EventFeaturesTest, WeeklyAndMonthlyShareTheWindow) {
  // Weeks ending Friday; Christmas 2010 is a Saturday, so the window Dec 24 .. Dec 26
  // has one day in the week ending Dec 24 and two in the week ending Dec 31.
  std::vector<Event> events = {{"xmas", {D(2010, 12, 25)}, -1, 1, 0},
                               {"thanksgiving", {D(2010, 11, 25)}, 0, 0, 0}};
  const Frequency weekly = Frequency::Weekly(Weekday::kFriday);
  auto f = MakeEventFeatures(events, D(2010, 11, 19), weekly, 8);
  ASSERT_EQ(f.columns.size(), 2u);
  EXPECT_EQ(f.columns[0].name, "xmas");
  EXPECT_NEAR(f.values[0][5], 1.0 / 3, 1e-15);  // week ending 2010-12-24
  EXPECT_NEAR(f.values[0][6], 2.0 / 3, 1e-15);  // week ending 2010-12-31
  EXPECT_EQ(f.values[1][1], 1.0);               // week ending 2010-11-26
  double total = 0;
  for (double v : f.values[1]) total += v;
  EXPECT_EQ(total, 1.0);
  auto m = MakeEventFeatures(events, D(2010, 10, 1), Frequency::Monthly(), 4);
  EXPECT_EQ(m.values[0][2], 1.0);  // December
  EXPECT_EQ(m.values[1][1], 1.0);  // November
  EXPECT_EQ(m.values[0][0], 0.0);
  // An empty grid still names the columns.
  auto none = MakeEventFeatures(events, D(2010, 10, 1), Frequency::Monthly(), 0);
  EXPECT_EQ(none.columns.size(), 2u);
  EXPECT_TRUE(none.values[0].empty());
}

}  // namespace
}  // namespace retailcast::features
