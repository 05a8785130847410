// Civil dates and sampling frequencies.
//
// A Date is a day count since 1970-01-01 (proleptic Gregorian), so it is 4 bytes, ordered,
// and the difference of two dates is a number of days. Conversions use
// std::chrono::year_month_day. A Frequency is a unit (day, week, month, quarter, year);
// weekly data carries the weekday its periods are stamped with (Walmart weeks end Friday).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "retailcast/core/status.h"

namespace retailcast {

enum class Weekday : uint8_t {
  kMonday = 0,
  kTuesday,
  kWednesday,
  kThursday,
  kFriday,
  kSaturday,
  kSunday
};

struct Date {
  int32_t days = 0;  // days since 1970-01-01

  static Date FromYmd(int year, unsigned month, unsigned day);
  // False when y/m/d is not a real calendar day (e.g. 2023-02-30).
  static bool IsValidYmd(int year, unsigned month, unsigned day);
  void ToYmd(int* year, unsigned* month, unsigned* day) const;
  int year() const;
  unsigned month() const;
  unsigned day() const;
  Weekday weekday() const;
  // ISO 8601 "YYYY-MM-DD".
  std::string ToString() const;

  Date operator+(int32_t n) const { return Date{days + n}; }
  Date operator-(int32_t n) const { return Date{days - n}; }
  int32_t operator-(Date other) const { return days - other.days; }
  auto operator<=>(const Date&) const = default;
};

// How a date is written in a text file.
enum class DateFormat : uint8_t {
  kIso,       // 2010-02-05 (also accepts a trailing time "2010-02-05 00:00:00" / "T00:00:00")
  kDmyDash,   // 05-02-2010 (Walmart store sales)
  kDmySlash,  // 05/02/2010
  kMdySlash,  // 2/5/2010 or 02/05/2010 (US, Excel re-saves)
  kYmdSlash,  // 2010/02/05
  kCompact,   // 20100205
};

// Parses "iso", "dd-mm-yyyy", "dd/mm/yyyy", "m/d/yyyy", "yyyy/mm/dd", "yyyymmdd".
Result<DateFormat> ParseDateFormatName(std::string_view name);
std::string_view DateFormatName(DateFormat format);

// Parses one date in the given format; DataError names the text and the expected format.
Result<Date> ParseDate(std::string_view text, DateFormat format);
// Guesses the format of a sample of date strings (ISO first, then the others); an ambiguous
// sample (every d/m value <= 12) prefers day-first for dashes and month-first for slashes.
Result<DateFormat> DetectDateFormat(std::string_view sample);

enum class FrequencyUnit : uint8_t { kDay, kWeek, kMonth, kQuarter, kYear };

// A regular sampling frequency. Weekly periods are stamped on `anchor`; monthly, quarterly
// and yearly periods are stamped on their first day (a 2016-05-01 retail month).
struct Frequency {
  FrequencyUnit unit = FrequencyUnit::kDay;
  Weekday anchor = Weekday::kMonday;  // only meaningful for kWeek

  static Frequency Daily() { return {FrequencyUnit::kDay, Weekday::kMonday}; }
  static Frequency Weekly(Weekday anchor) { return {FrequencyUnit::kWeek, anchor}; }
  static Frequency Monthly() { return {FrequencyUnit::kMonth, Weekday::kMonday}; }
  static Frequency Quarterly() { return {FrequencyUnit::kQuarter, Weekday::kMonday}; }
  static Frequency Yearly() { return {FrequencyUnit::kYear, Weekday::kMonday}; }

  // "D", "W-FRI", "MS", "QS", "YS" (pandas-like aliases; "W" means W-SUN, "M" means MS).
  static Result<Frequency> Parse(std::string_view text);
  std::string ToString() const;

  // The seasonal period that is usual for this frequency: 7, 52, 12, 4, 1.
  int DefaultSeasonLength() const;
  // `date` moved by n periods. Month-based units keep the day of month (clamped to the
  // month's end only when the start is not the 1st).
  Date Advance(Date date, int64_t n) const;
  // Number of periods from `from` to `to` when `to` is on the grid started at `from`;
  // DataError otherwise.
  Result<int64_t> StepsBetween(Date from, Date to) const;
  // Whether `date` is a valid period stamp of this frequency (right weekday, 1st of month...).
  bool IsAligned(Date date) const;
  // The period stamp that contains `date` (week ending/starting per anchor: the anchor day on
  // or after `date` for weekly, the 1st of the month/quarter/year otherwise).
  Date PeriodOf(Date date) const;
  // First and last day covered by the period stamped `stamp` (a weekly stamp ends its week,
  // as PeriodOf gives it; other stamps start their period).
  std::pair<Date, Date> DaysOf(Date stamp) const;

  bool operator==(const Frequency& o) const {
    return unit == o.unit && (unit != FrequencyUnit::kWeek || anchor == o.anchor);
  }
};

// Infers the frequency from sorted, distinct dates (the most common spacing). NotFound when
// fewer than two dates; DataError when spacings match no supported frequency.
Result<Frequency> InferFrequency(const Date* dates, size_t n);

}  // namespace retailcast
