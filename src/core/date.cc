#include "retailcast/core/date.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

#include "retailcast/core/time_index.h"

namespace retailcast {
namespace {

namespace chr = std::chrono;

chr::year_month_day ToChrono(Date d) {
  return chr::year_month_day{chr::sys_days{chr::days{d.days}}};
}

bool ParseUnsigned(std::string_view s, unsigned* out) {
  if (s.empty() || s.size() > 4) return false;
  unsigned v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return false;
  *out = v;
  return true;
}

// Splits "a<sep>b<sep>c" into three parts.
bool Split3(std::string_view s, char sep, std::string_view parts[3]) {
  size_t p1 = s.find(sep);
  if (p1 == std::string_view::npos) return false;
  size_t p2 = s.find(sep, p1 + 1);
  if (p2 == std::string_view::npos || s.find(sep, p2 + 1) != std::string_view::npos) return false;
  parts[0] = s.substr(0, p1);
  parts[1] = s.substr(p1 + 1, p2 - p1 - 1);
  parts[2] = s.substr(p2 + 1);
  return true;
}

std::string_view StripTime(std::string_view s) {
  // "2010-02-05 00:00:00" or "2010-02-05T00:00:00": keep the date part only.
  size_t cut = s.find_first_of(" T");
  return cut == std::string_view::npos ? s : s.substr(0, cut);
}

bool TryParse(std::string_view text, DateFormat format, Date* out) {
  std::string_view p[3];
  unsigned a = 0, b = 0, c = 0;
  int y = 0;
  unsigned m = 0, d = 0;
  switch (format) {
    case DateFormat::kIso:
      if (!Split3(StripTime(text), '-', p) || p[0].size() != 4) return false;
      if (!ParseUnsigned(p[0], &a) || !ParseUnsigned(p[1], &b) || !ParseUnsigned(p[2], &c))
        return false;
      y = static_cast<int>(a), m = b, d = c;
      break;
    case DateFormat::kYmdSlash:
      if (!Split3(text, '/', p) || p[0].size() != 4) return false;
      if (!ParseUnsigned(p[0], &a) || !ParseUnsigned(p[1], &b) || !ParseUnsigned(p[2], &c))
        return false;
      y = static_cast<int>(a), m = b, d = c;
      break;
    case DateFormat::kDmyDash:
    case DateFormat::kDmySlash:
    case DateFormat::kMdySlash: {
      char sep = format == DateFormat::kDmyDash ? '-' : '/';
      if (!Split3(text, sep, p) || p[2].size() != 4) return false;
      if (!ParseUnsigned(p[0], &a) || !ParseUnsigned(p[1], &b) || !ParseUnsigned(p[2], &c))
        return false;
      if (p[0].size() > 2 || p[1].size() > 2) return false;
      y = static_cast<int>(c);
      if (format == DateFormat::kMdySlash) {
        m = a, d = b;
      } else {
        d = a, m = b;
      }
      break;
    }
    case DateFormat::kCompact:
      if (text.size() != 8 || !ParseUnsigned(text.substr(0, 4), &a) ||
          !ParseUnsigned(text.substr(4, 2), &b) || !ParseUnsigned(text.substr(6, 2), &c)) {
        return false;
      }
      y = static_cast<int>(a), m = b, d = c;
      break;
  }
  if (!Date::IsValidYmd(y, m, d)) return false;
  *out = Date::FromYmd(y, m, d);
  return true;
}

}  // namespace

Date Date::FromYmd(int year, unsigned month, unsigned day) {
  chr::sys_days sd{chr::year{year} / chr::month{month} / chr::day{day}};
  return Date{static_cast<int32_t>(sd.time_since_epoch().count())};
}

bool Date::IsValidYmd(int year, unsigned month, unsigned day) {
  if (year < 1 || year > 9999) return false;
  return (chr::year{year} / chr::month{month} / chr::day{day}).ok();
}

void Date::ToYmd(int* year, unsigned* month, unsigned* day) const {
  auto ymd = ToChrono(*this);
  *year = static_cast<int>(ymd.year());
  *month = static_cast<unsigned>(ymd.month());
  *day = static_cast<unsigned>(ymd.day());
}

int Date::year() const { return static_cast<int>(ToChrono(*this).year()); }
unsigned Date::month() const { return static_cast<unsigned>(ToChrono(*this).month()); }
unsigned Date::day() const { return static_cast<unsigned>(ToChrono(*this).day()); }

Weekday Date::weekday() const {
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  int w = static_cast<int>(((static_cast<int64_t>(days) % 7) + 7 + 3) % 7);
  return static_cast<Weekday>(w);
}

std::string Date::ToString() const {
  int y = 0;
  unsigned m = 0, d = 0;
  ToYmd(&y, &m, &d);
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u", y, m, d);
  return buf;
}

Result<DateFormat> ParseDateFormatName(std::string_view name) {
  static const std::pair<std::string_view, DateFormat> kNames[] = {
      {"iso", DateFormat::kIso},
      {"yyyy-mm-dd", DateFormat::kIso},
      {"dd-mm-yyyy", DateFormat::kDmyDash},
      {"dd/mm/yyyy", DateFormat::kDmySlash},
      {"m/d/yyyy", DateFormat::kMdySlash},
      {"mm/dd/yyyy", DateFormat::kMdySlash},
      {"yyyy/mm/dd", DateFormat::kYmdSlash},
      {"yyyymmdd", DateFormat::kCompact}};
  for (const auto& [n, f] : kNames) {
    if (n == name) return f;
  }
  return Status::InvalidArgument("unknown date format '" + std::string(name) +
                                 "'; expected one of iso, dd-mm-yyyy, dd/mm/yyyy, m/d/yyyy, "
                                 "yyyy/mm/dd, yyyymmdd");
}

std::string_view DateFormatName(DateFormat format) {
  switch (format) {
    case DateFormat::kIso:
      return "iso";
    case DateFormat::kDmyDash:
      return "dd-mm-yyyy";
    case DateFormat::kDmySlash:
      return "dd/mm/yyyy";
    case DateFormat::kMdySlash:
      return "m/d/yyyy";
    case DateFormat::kYmdSlash:
      return "yyyy/mm/dd";
    case DateFormat::kCompact:
      return "yyyymmdd";
  }
  return "iso";
}

Result<Date> ParseDate(std::string_view text, DateFormat format) {
  Date d;
  if (TryParse(text, format, &d)) return d;
  return Status::DataError("'" + std::string(text) + "' is not a valid date in format " +
                           std::string(DateFormatName(format)));
}

Result<DateFormat> DetectDateFormat(std::string_view sample) {
  // The sample is one date; ISO and compact are unambiguous, then the separators decide.
  Date d;
  for (DateFormat f : {DateFormat::kIso, DateFormat::kYmdSlash, DateFormat::kCompact}) {
    if (TryParse(sample, f, &d)) return f;
  }
  if (TryParse(sample, DateFormat::kDmyDash, &d)) return DateFormat::kDmyDash;
  if (sample.find('/') != std::string_view::npos) {
    if (TryParse(sample, DateFormat::kMdySlash, &d)) return DateFormat::kMdySlash;
    if (TryParse(sample, DateFormat::kDmySlash, &d)) return DateFormat::kDmySlash;
  }
  return Status::DataError("cannot tell the date format of '" + std::string(sample) +
                           "'; pass one of iso, dd-mm-yyyy, dd/mm/yyyy, m/d/yyyy, yyyy/mm/dd, "
                           "yyyymmdd");
}

// ---------------------------------------------------------------- Frequency

namespace {
constexpr std::string_view kWeekdayCodes[7] = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};

int MonthsPerUnit(FrequencyUnit u) {
  switch (u) {
    case FrequencyUnit::kMonth:
      return 1;
    case FrequencyUnit::kQuarter:
      return 3;
    case FrequencyUnit::kYear:
      return 12;
    default:
      return 0;
  }
}

int64_t MonthNumber(Date d) {
  int y = 0;
  unsigned m = 0, day = 0;
  d.ToYmd(&y, &m, &day);
  return static_cast<int64_t>(y) * 12 + (m - 1);
}
}  // namespace

Result<Frequency> Frequency::Parse(std::string_view text) {
  std::string t(text);
  for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (t == "D" || t == "DAY" || t == "DAILY") return Daily();
  if (t == "MS" || t == "M" || t == "MONTH" || t == "MONTHLY") return Monthly();
  if (t == "QS" || t == "Q" || t == "QUARTER" || t == "QUARTERLY") return Quarterly();
  if (t == "YS" || t == "Y" || t == "A" || t == "AS" || t == "YEAR" || t == "YEARLY")
    return Yearly();
  if (t == "W" || t == "WEEK" || t == "WEEKLY") return Weekly(Weekday::kSunday);
  if (t.rfind("W-", 0) == 0 && t.size() == 5) {
    for (int i = 0; i < 7; ++i) {
      if (t.substr(2) == kWeekdayCodes[i]) return Weekly(static_cast<Weekday>(i));
    }
  }
  return Status::InvalidArgument("unknown frequency '" + std::string(text) +
                                 "'; expected D, W-MON..W-SUN (W = W-SUN), MS, QS or YS");
}

std::string Frequency::ToString() const {
  switch (unit) {
    case FrequencyUnit::kDay:
      return "D";
    case FrequencyUnit::kWeek:
      return "W-" + std::string(kWeekdayCodes[static_cast<int>(anchor)]);
    case FrequencyUnit::kMonth:
      return "MS";
    case FrequencyUnit::kQuarter:
      return "QS";
    case FrequencyUnit::kYear:
      return "YS";
  }
  return "D";
}

int Frequency::DefaultSeasonLength() const {
  switch (unit) {
    case FrequencyUnit::kDay:
      return 7;
    case FrequencyUnit::kWeek:
      return 52;
    case FrequencyUnit::kMonth:
      return 12;
    case FrequencyUnit::kQuarter:
      return 4;
    case FrequencyUnit::kYear:
      return 1;
  }
  return 1;
}

Date Frequency::Advance(Date date, int64_t n) const {
  switch (unit) {
    case FrequencyUnit::kDay:
      return Date{static_cast<int32_t>(date.days + n)};
    case FrequencyUnit::kWeek:
      return Date{static_cast<int32_t>(date.days + 7 * n)};
    default:
      break;
  }
  int y = 0;
  unsigned m = 0, d = 0;
  date.ToYmd(&y, &m, &d);
  int64_t months = static_cast<int64_t>(y) * 12 + (m - 1) + n * MonthsPerUnit(unit);
  int ny = static_cast<int>(months >= 0 ? months / 12 : (months - 11) / 12);
  unsigned nm = static_cast<unsigned>(months - static_cast<int64_t>(ny) * 12) + 1;
  auto last = chr::year_month_day_last{chr::year{ny} / chr::month{nm} / chr::last};
  unsigned nd = std::min(d, static_cast<unsigned>(last.day()));
  return Date::FromYmd(ny, nm, nd);
}

Result<int64_t> Frequency::StepsBetween(Date from, Date to) const {
  int64_t diff = to.days - from.days;
  switch (unit) {
    case FrequencyUnit::kDay:
      return diff;
    case FrequencyUnit::kWeek:
      if (diff % 7 != 0) break;
      return diff / 7;
    default: {
      int64_t months = MonthNumber(to) - MonthNumber(from);
      int per = MonthsPerUnit(unit);
      if (months % per != 0) break;
      int64_t steps = months / per;
      if (Advance(from, steps) != to) break;
      return steps;
    }
  }
  return Status::DataError("date " + to.ToString() + " is not on the " + ToString() +
                           " grid that starts at " + from.ToString());
}

bool Frequency::IsAligned(Date date) const {
  switch (unit) {
    case FrequencyUnit::kDay:
      return true;
    case FrequencyUnit::kWeek:
      return date.weekday() == anchor;
    case FrequencyUnit::kMonth:
      return date.day() == 1;
    case FrequencyUnit::kQuarter:
      return date.day() == 1 && (date.month() - 1) % 3 == 0;
    case FrequencyUnit::kYear:
      return date.day() == 1 && date.month() == 1;
  }
  return false;
}

Date Frequency::PeriodOf(Date date) const {
  switch (unit) {
    case FrequencyUnit::kDay:
      return date;
    case FrequencyUnit::kWeek: {
      int ahead = (static_cast<int>(anchor) - static_cast<int>(date.weekday()) + 7) % 7;
      return date + ahead;
    }
    case FrequencyUnit::kMonth:
      return Date::FromYmd(date.year(), date.month(), 1);
    case FrequencyUnit::kQuarter:
      return Date::FromYmd(date.year(), ((date.month() - 1) / 3) * 3 + 1, 1);
    case FrequencyUnit::kYear:
      return Date::FromYmd(date.year(), 1, 1);
  }
  return date;
}

std::pair<Date, Date> Frequency::DaysOf(Date stamp) const {
  switch (unit) {
    case FrequencyUnit::kDay:
      return {stamp, stamp};
    case FrequencyUnit::kWeek:
      return {stamp - 6, stamp};
    default:
      return {stamp, Advance(stamp, 1) - 1};
  }
}

Result<Frequency> InferFrequency(const Date* dates, size_t n) {
  if (n < 2) return Status::NotFound("need at least two dates to infer a frequency");
  std::map<int32_t, size_t> counts;
  for (size_t i = 1; i < n; ++i) counts[dates[i].days - dates[i - 1].days]++;
  int32_t mode = 0;
  size_t best = 0;
  for (const auto& [gap, c] : counts) {
    if (c > best) best = c, mode = gap;
  }
  Frequency f;
  if (mode == 1) {
    f = Frequency::Daily();
  } else if (mode > 0 && mode % 7 == 0 && mode <= 28) {
    f = Frequency::Weekly(dates[0].weekday());
  } else if (mode >= 28 && mode <= 31) {
    f = Frequency::Monthly();
  } else if (mode >= 89 && mode <= 92) {
    f = Frequency::Quarterly();
  } else if (mode >= 365 && mode <= 366) {
    f = Frequency::Yearly();
  } else {
    return Status::DataError("dates are spaced " + std::to_string(mode) +
                             " days apart most often, which matches no supported frequency "
                             "(daily, weekly, monthly, quarterly, yearly)");
  }
  return f;
}

int64_t TimeIndex::PositionOf(Date date) const {
  auto steps = freq.StepsBetween(start, date);
  if (!steps.ok() || *steps < 0 || *steps >= length) return -1;
  return *steps;
}

}  // namespace retailcast
