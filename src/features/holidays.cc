// Holiday rule tables and the date arithmetic behind them.
//
// Sources for the rules (national holidays as legislated; regional ones are left out):
//   US: 5 U.S.C. 6103 (federal holidays, Monday holidays act 1971, Juneteenth 2021) and
//       Executive Order 11582 (Saturday -> Friday, Sunday -> Monday).
//   UK: Banking and Financial Dealings Act 1971 for England and Wales, with the royal
//       proclamations that moved or added days (1995, 1999, 2002, 2011, 2012, 2020, 2022, 2023).
//   DE: the nationwide holidays of the federal states' holiday laws, German Unity Day
//       (Einigungsvertrag, 1990), Reformation Day nationwide in 2017 only, Day of Repentance
//       and Prayer nationwide until 1994.
//   FR: Code du travail L3133-1; Whit Monday was a working "journee de solidarite" 2005-2007.
//   CA: Canada Labour Code s.166 (general holidays), National Day for Truth and
//       Reconciliation from 2021; substitute days under s.195.
//   AU: holidays gazetted in every state and territory, with the national substitute-day
//       practice (Australia Day moved to the Monday since 1994).
//   EC: Ley Organica del Servicio Publico (LOSEP) art. 27, and its 2016 reform that moves
//       holidays to form long weekends from 2017.
#include "retailcast/features/holidays.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

namespace retailcast::features {
namespace {

using R = HolidayDateRule;
using O = ObservedRule;
constexpr Weekday kMon = Weekday::kMonday;
constexpr Weekday kWed = Weekday::kWednesday;
constexpr Weekday kThu = Weekday::kThursday;

constexpr int kMinYear = 1583;  // first full year of the Gregorian calendar
constexpr int kMaxYear = 9999;

constexpr HolidayRule Fixed(std::string_view name, unsigned month, unsigned day,
                            O observed = O::kNone, int observed_since = -9999) {
  HolidayRule r;
  r.name = name;
  r.date_rule = R::kFixed;
  r.month = month;
  r.day = day;
  r.observed = observed;
  r.observed_since = observed_since;
  return r;
}

constexpr HolidayRule Nth(std::string_view name, unsigned month, Weekday weekday, int nth) {
  HolidayRule r;
  r.name = name;
  r.date_rule = R::kNthWeekday;
  r.month = month;
  r.weekday = weekday;
  r.nth = nth;
  return r;
}

constexpr HolidayRule Easter(std::string_view name, int offset) {
  HolidayRule r;
  r.name = name;
  r.date_rule = R::kEaster;
  r.easter_offset = offset;
  return r;
}

constexpr HolidayRule Years(HolidayRule r, int first, int last) {
  r.first_year = first;
  r.last_year = last;
  return r;
}

constexpr HolidayRule Once(std::string_view name, int year, unsigned month, unsigned day) {
  return Years(Fixed(name, month, day), year, year);
}

constexpr HolidayRule Except(HolidayRule r, int a, int b = 0, int c = 0) {
  r.except_years[0] = a;
  r.except_years[1] = b;
  r.except_years[2] = c;
  return r;
}

constexpr HolidayRule kUnitedStates[] = {
    Fixed("New Year's Day", 1, 1, O::kNearestWeekday),
    Years(Nth("Martin Luther King Jr. Day", 1, kMon, 3), 1986, 9999),
    Years(Nth("Washington's Birthday", 2, kMon, 3), 1971, 9999),
    Years(Nth("Memorial Day", 5, kMon, -1), 1971, 9999),
    Years(Fixed("Juneteenth", 6, 19, O::kNearestWeekday), 2021, 9999),
    Fixed("Independence Day", 7, 4, O::kNearestWeekday),
    Nth("Labor Day", 9, kMon, 1),
    Years(Nth("Columbus Day", 10, kMon, 2), 1971, 9999),
    Fixed("Veterans Day", 11, 11, O::kNearestWeekday),
    Nth("Thanksgiving", 11, kThu, 4),
    Fixed("Christmas Day", 12, 25, O::kNearestWeekday),
};

constexpr HolidayRule kUnitedKingdom[] = {
    Years(Fixed("New Year's Day", 1, 1, O::kNextFreeWeekday), 1974, 9999),
    Easter("Good Friday", -2),
    Easter("Easter Monday", 1),
    Except(Years(Nth("Early May Bank Holiday", 5, kMon, 1), 1978, 9999), 1995, 2020),
    Once("Early May Bank Holiday", 1995, 5, 8),
    Once("Early May Bank Holiday", 2020, 5, 8),
    Except(Years(Nth("Spring Bank Holiday", 5, kMon, -1), 1971, 9999), 2002, 2012, 2022),
    Once("Spring Bank Holiday", 2002, 6, 4),
    Once("Spring Bank Holiday", 2012, 6, 4),
    Once("Spring Bank Holiday", 2022, 6, 2),
    Years(Nth("Summer Bank Holiday", 8, kMon, -1), 1971, 9999),
    Fixed("Christmas Day", 12, 25, O::kNextFreeWeekday),
    Fixed("Boxing Day", 12, 26, O::kNextFreeWeekday),
    Once("Millennium Celebrations", 1999, 12, 31),
    Once("Golden Jubilee of Elizabeth II", 2002, 6, 3),
    Once("Wedding of Prince William and Catherine Middleton", 2011, 4, 29),
    Once("Diamond Jubilee of Elizabeth II", 2012, 6, 5),
    Once("Platinum Jubilee of Elizabeth II", 2022, 6, 3),
    Once("State Funeral of Queen Elizabeth II", 2022, 9, 19),
    Once("Coronation of Charles III", 2023, 5, 8),
};

constexpr HolidayRule RepentanceDay() {
  HolidayRule r;
  r.name = "Day of Repentance and Prayer";
  r.date_rule = R::kWeekdayOnOrBefore;
  r.month = 11;
  r.day = 22;
  r.weekday = kWed;
  r.last_year = 1994;
  return r;
}

constexpr HolidayRule kGermany[] = {
    Fixed("New Year's Day", 1, 1),
    Easter("Good Friday", -2),
    Easter("Easter Monday", 1),
    Fixed("Labour Day", 5, 1),
    Easter("Ascension Day", 39),
    Easter("Whit Monday", 50),
    Years(Fixed("German Unity Day", 10, 3), 1990, 9999),
    Once("Reformation Day", 2017, 10, 31),
    RepentanceDay(),
    Fixed("Christmas Day", 12, 25),
    Fixed("Second Day of Christmas", 12, 26),
};

constexpr HolidayRule kFrance[] = {
    Fixed("New Year's Day", 1, 1),   Easter("Easter Monday", 1),
    Fixed("Labour Day", 5, 1),       Years(Fixed("Victory in Europe Day", 5, 8), 1982, 9999),
    Easter("Ascension Day", 39),     Except(Easter("Whit Monday", 50), 2005, 2006, 2007),
    Fixed("Bastille Day", 7, 14),    Fixed("Assumption of Mary", 8, 15),
    Fixed("All Saints' Day", 11, 1), Fixed("Armistice Day", 11, 11),
    Fixed("Christmas Day", 12, 25),
};

constexpr HolidayRule VictoriaDay() {
  HolidayRule r;
  r.name = "Victoria Day";
  r.date_rule = R::kWeekdayOnOrBefore;
  r.month = 5;
  r.day = 24;
  r.weekday = kMon;
  return r;
}

constexpr HolidayRule kCanada[] = {
    Fixed("New Year's Day", 1, 1, O::kNextFreeWeekday),
    Easter("Good Friday", -2),
    VictoriaDay(),
    Fixed("Canada Day", 7, 1, O::kNextFreeWeekday),
    Nth("Labour Day", 9, kMon, 1),
    Years(Fixed("National Day for Truth and Reconciliation", 9, 30, O::kNextFreeWeekday), 2021,
          9999),
    Years(Nth("Thanksgiving", 10, kMon, 2), 1957, 9999),
    Fixed("Remembrance Day", 11, 11, O::kNextFreeWeekday),
    Fixed("Christmas Day", 12, 25, O::kNextFreeWeekday),
    Fixed("Boxing Day", 12, 26, O::kNextFreeWeekday),
};

constexpr HolidayRule kAustralia[] = {
    Fixed("New Year's Day", 1, 1, O::kNextFreeWeekday),
    Fixed("Australia Day", 1, 26, O::kNextFreeWeekday, 1994),
    Easter("Good Friday", -2),
    Easter("Easter Monday", 1),
    Fixed("Anzac Day", 4, 25),
    Fixed("Christmas Day", 12, 25, O::kNextFreeWeekday),
    Fixed("Boxing Day", 12, 26, O::kNextFreeWeekday),
};

constexpr int kEcuadorReform = 2017;
constexpr HolidayRule kEcuador[] = {
    Fixed("New Year's Day", 1, 1, O::kNearestWeekday, kEcuadorReform),
    Easter("Carnival", -48),
    Easter("Carnival", -47),
    Easter("Good Friday", -2),
    Fixed("Labour Day", 5, 1, O::kEcuadorBridge, kEcuadorReform),
    Fixed("Battle of Pichincha", 5, 24, O::kEcuadorBridge, kEcuadorReform),
    Fixed("Declaration of Independence of Quito", 8, 10, O::kEcuadorBridge, kEcuadorReform),
    Fixed("Independence of Guayaquil", 10, 9, O::kEcuadorBridge, kEcuadorReform),
    Fixed("All Souls' Day", 11, 2, O::kEcuadorBridge, kEcuadorReform),
    Fixed("Independence of Cuenca", 11, 3, O::kEcuadorBridge, kEcuadorReform),
    Fixed("Christmas Day", 12, 25, O::kNearestWeekday, kEcuadorReform),
};

constexpr CountryCalendar kCountries[] = {
    {"US", "United States", kUnitedStates},
    {"UK", "United Kingdom", kUnitedKingdom},
    {"DE", "Germany", kGermany},
    {"FR", "France", kFrance},
    {"CA", "Canada", kCanada},
    {"AU", "Australia", kAustralia},
    {"EC", "Ecuador", kEcuador},
};

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool IsWeekend(Date d) { return d.weekday() >= Weekday::kSaturday; }

// The last day of month/year.
unsigned DaysInMonth(int year, unsigned month) {
  for (unsigned d = 31; d > 28; --d) {
    if (Date::IsValidYmd(year, month, d)) return d;
  }
  return 28;
}

// The weekday-th day on or before `date`.
Date OnOrBefore(Date date, Weekday weekday) {
  const int back = (static_cast<int>(date.weekday()) - static_cast<int>(weekday) + 7) % 7;
  return date - back;
}

// The day off a holiday on `date` gives under `rule`; equal to `date` when not moved.
Date ObservedDay(Date date, ObservedRule rule, const std::set<int32_t>& taken) {
  const Weekday w = date.weekday();
  switch (rule) {
    case ObservedRule::kNone:
      return date;
    case ObservedRule::kNearestWeekday:
      if (w == Weekday::kSaturday) return date - 1;
      if (w == Weekday::kSunday) return date + 1;
      return date;
    case ObservedRule::kNextFreeWeekday: {
      if (!IsWeekend(date)) return date;
      Date d = date + 1;
      while (IsWeekend(d) || taken.count(d.days) > 0) d = d + 1;
      return d;
    }
    case ObservedRule::kEcuadorBridge:
      switch (w) {
        case Weekday::kTuesday:
          return date - 1;
        case Weekday::kWednesday:
          return date + 2;
        case Weekday::kThursday:
          return date + 1;
        case Weekday::kSaturday:
          return date - 1;
        case Weekday::kSunday:
          return date + 1;
        default:
          return date;
      }
  }
  return date;
}

}  // namespace

std::span<const CountryCalendar> HolidayCountries() { return kCountries; }

Result<const CountryCalendar*> FindHolidayCountry(std::string_view code) {
  std::string want = Upper(code);
  if (want == "GB") want = "UK";
  std::string codes;
  for (const CountryCalendar& c : kCountries) {
    if (c.code == want) return &c;
    codes += (codes.empty() ? "" : ", ") + std::string(c.code);
  }
  return Status::NotFound("no holiday calendar for country '" + std::string(code) +
                          "'; supported: " + codes);
}

Date EasterSunday(int year) {
  const int a = year % 19, b = year / 100, c = year % 100;
  const int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return Date::FromYmd(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

bool RuleDate(const HolidayRule& rule, int year, Date* date) {
  if (year < rule.first_year || year > rule.last_year) return false;
  for (int y : rule.except_years) {
    if (y != 0 && y == year) return false;
  }
  switch (rule.date_rule) {
    case HolidayDateRule::kFixed:
      if (!Date::IsValidYmd(year, rule.month, rule.day)) return false;
      *date = Date::FromYmd(year, rule.month, rule.day);
      return true;
    case HolidayDateRule::kNthWeekday: {
      if (rule.nth == -1) {
        *date = OnOrBefore(Date::FromYmd(year, rule.month, DaysInMonth(year, rule.month)),
                           rule.weekday);
        return true;
      }
      const Date first = Date::FromYmd(year, rule.month, 1);
      const int ahead =
          (static_cast<int>(rule.weekday) - static_cast<int>(first.weekday()) + 7) % 7;
      const Date d = first + ahead + 7 * (rule.nth - 1);
      if (d.month() != rule.month) return false;  // no fifth such weekday this month
      *date = d;
      return true;
    }
    case HolidayDateRule::kWeekdayOnOrBefore:
      *date = OnOrBefore(Date::FromYmd(year, rule.month, rule.day), rule.weekday);
      return true;
    case HolidayDateRule::kEaster:
      *date = EasterSunday(year) + rule.easter_offset;
      return true;
  }
  return false;
}

std::vector<Holiday> HolidaysOfYear(const CountryCalendar& calendar, int year) {
  std::vector<Holiday> out;
  // Actual holiday dates of the neighbouring years too: a substitute day must not land on
  // any holiday (New Year's Day's substitute can only collide with next year's dates).
  std::set<int32_t> taken;
  for (int y = year - 1; y <= year + 1; ++y) {
    for (const HolidayRule& rule : calendar.rules) {
      Date d;
      if (RuleDate(rule, y, &d)) {
        taken.insert(d.days);
        if (y == year) out.push_back(Holiday{d, std::string(rule.name), false});
      }
    }
  }
  std::vector<std::pair<Date, const HolidayRule*>> movable;
  for (const HolidayRule& rule : calendar.rules) {
    Date d;
    if (rule.observed != ObservedRule::kNone && year >= rule.observed_since &&
        RuleDate(rule, year, &d)) {
      movable.emplace_back(d, &rule);
    }
  }
  // In date order, so Christmas takes its substitute before Boxing Day looks for one.
  std::stable_sort(movable.begin(), movable.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [date, rule] : movable) {
    const Date off = ObservedDay(date, rule->observed, taken);
    if (off == date) continue;
    taken.insert(off.days);
    out.push_back(Holiday{off, std::string(rule->name) + " (observed)", true});
  }
  std::sort(out.begin(), out.end(), [](const Holiday& a, const Holiday& b) {
    return a.date != b.date ? a.date < b.date : a.name < b.name;
  });
  return out;
}

Result<std::vector<Holiday>> HolidaysBetween(std::string_view country, Date first, Date last) {
  RETAILCAST_ASSIGN_OR_RETURN(const CountryCalendar* calendar, FindHolidayCountry(country));
  if (first > last) {
    return Status::InvalidArgument("holiday range " + first.ToString() + " .. " + last.ToString() +
                                   " is empty: the first date is after the last");
  }
  if (first.year() < kMinYear || last.year() > kMaxYear) {
    return Status::InvalidArgument("holiday range " + first.ToString() + " .. " + last.ToString() +
                                   " leaves the supported years " + std::to_string(kMinYear) +
                                   " .. " + std::to_string(kMaxYear));
  }
  std::vector<Holiday> out;
  // Observed days can cross a year boundary, so look one year beyond each end.
  for (int y = std::max(kMinYear, first.year() - 1); y <= std::min(kMaxYear, last.year() + 1);
       ++y) {
    for (Holiday& h : HolidaysOfYear(*calendar, y)) {
      if (h.date >= first && h.date <= last) out.push_back(std::move(h));
    }
  }
  std::sort(out.begin(), out.end(), [](const Holiday& a, const Holiday& b) {
    return a.date != b.date ? a.date < b.date : a.name < b.name;
  });
  return out;
}

}  // namespace retailcast::features
