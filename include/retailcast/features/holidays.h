// Public-holiday calendars computed from rules: fixed dates, the nth (or last) weekday of a
// month, the last given weekday on or before a date, Easter-relative dates, and the
// observed-day rules that move a holiday falling on a weekend (or, in Ecuador, mid-week) to a
// working day. One rule table per country; no date lists are stored, so any year works.
//
// Countries (national holidays only, no regional ones): US (federal), UK (England and Wales
// bank holidays), DE (nationwide), FR, CA (national statutory), AU (national), EC. Holiday
// names are in English. A holiday moved by an observed-day rule is listed twice: on its own
// date, and on the day off as "<name> (observed)" with Holiday::observed set.
//
// Used by the additive model's holiday components and by the feature builders of the global
// models. Thread-safety: everything here is stateless and may be called concurrently.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/status.h"

namespace retailcast::features {

// How a rule finds the holiday's date in a year.
enum class HolidayDateRule : uint8_t {
  kFixed,              // month/day
  kNthWeekday,         // the nth `weekday` of `month` (nth = 1..5), or the last one (nth = -1)
  kWeekdayOnOrBefore,  // the last `weekday` on or before month/day (Canada's Victoria Day)
  kEaster,             // Easter Sunday (Gregorian) + easter_offset days
};

// How a holiday that falls on a non-working day is moved to a day off. The holiday keeps its
// own date; the day off is an extra "(observed)" entry.
enum class ObservedRule : uint8_t {
  kNone,
  // Saturday -> the Friday before, Sunday -> the Monday after (US federal).
  kNearestWeekday,
  // Saturday or Sunday -> the next weekday that is not already a holiday or a day off
  // (UK, Canada, Australia "substitute day"; Christmas on a Saturday gives Monday 27 and
  // Boxing Day Tuesday 28).
  kNextFreeWeekday,
  // Ecuador since the 2016 reform of the LOSEP: Tuesday -> the Monday before, Wednesday or
  // Thursday -> the Friday after, Saturday -> the Friday before, Sunday -> the Monday after.
  kEcuadorBridge,
};

struct HolidayRule {
  std::string_view name;
  HolidayDateRule date_rule = HolidayDateRule::kFixed;
  unsigned month = 1;                  // kFixed, kNthWeekday, kWeekdayOnOrBefore
  unsigned day = 1;                    // kFixed, kWeekdayOnOrBefore
  Weekday weekday = Weekday::kMonday;  // kNthWeekday, kWeekdayOnOrBefore
  int nth = 1;                         // kNthWeekday
  int easter_offset = 0;               // kEaster
  ObservedRule observed = ObservedRule::kNone;
  int observed_since = -9999;  // first year the observed rule applies
  int first_year = -9999;      // years the holiday exists (inclusive)
  int last_year = 9999;
  // Years in which the holiday does not fall on its rule date (0 = unused slot), e.g. the UK
  // early May bank holiday moved to VE Day in 1995 and 2020; the moved date is its own rule.
  int except_years[3] = {0, 0, 0};
};

struct CountryCalendar {
  std::string_view code;  // "US", "UK", ...
  std::string_view name;  // "United States"
  std::span<const HolidayRule> rules;
};

struct Holiday {
  Date date;
  std::string name;
  bool observed = false;  // a day off in lieu of `name` without " (observed)"

  bool operator==(const Holiday&) const = default;
};

// Every supported country, in a fixed order.
std::span<const CountryCalendar> HolidayCountries();
// The calendar of `code` (case-insensitive; "GB" is accepted for "UK"). NotFound listing the
// supported codes otherwise.
Result<const CountryCalendar*> FindHolidayCountry(std::string_view code);

// Easter Sunday of the Gregorian calendar (the anonymous Gregorian computus; Meeus,
// "Astronomical Algorithms", chapter 8). Requires year >= 1583.
Date EasterSunday(int year);

// The date of `rule` in `year`; false when the holiday does not exist that year (outside
// first_year..last_year or in except_years).
bool RuleDate(const HolidayRule& rule, int year, Date* date);

// The holidays of one year of `calendar`, including the observed days the year's holidays
// give (an observed day may fall in the next or previous year, e.g. a Saturday 1 January
// observed on Friday 31 December). Sorted by date, then name.
std::vector<Holiday> HolidaysOfYear(const CountryCalendar& calendar, int year);

// Every holiday (and observed day) of `country` with first <= date <= last, sorted by date,
// then name. NotFound for an unknown country; InvalidArgument when first > last or the range
// leaves the years 1583..9999.
Result<std::vector<Holiday>> HolidaysBetween(std::string_view country, Date first, Date last);

}  // namespace retailcast::features
