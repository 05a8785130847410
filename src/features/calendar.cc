// Calendar features of the row's period stamp: what day of the week, month and year it is and
// how far the nearest payday is (US paydays cluster on the 1st and the 15th and at the month's
// end; pay-cycle effects on retail spending: Stephens 2003, "'3rd of tha month'", AER 93(1)).
// Which features exist depends on the frequency: daily rows get dow (0 = Monday), dom, month,
// woy (ISO 8601 week), doy, weekend, payday, days_to_payday, days_since_payday; weekly rows
// woy, month, week_of_month, paydays (payday days in the week); monthly rows month, quarter;
// quarterly rows quarter; yearly rows none.
#include "families.h"

namespace retailcast::features {
namespace {

int IsoWeek(Date d) {
  const int wd = static_cast<int>(d.weekday());  // Monday = 0
  const Date thursday = d + (3 - wd);
  const Date jan1 = Date::FromYmd(thursday.year(), 1, 1);
  return (thursday - jan1) / 7 + 1;
}

}  // namespace

int SeasonKeyCount(const Frequency& freq) {
  switch (freq.unit) {
    case FrequencyUnit::kDay:
      return 7;
    case FrequencyUnit::kWeek:
      return 53;
    case FrequencyUnit::kMonth:
      return 12;
    case FrequencyUnit::kQuarter:
      return 4;
    case FrequencyUnit::kYear:
      return 1;
  }
  return 1;
}

int SeasonKey(Date stamp, const Frequency& freq) {
  switch (freq.unit) {
    case FrequencyUnit::kDay:
      return static_cast<int>(stamp.weekday());
    case FrequencyUnit::kWeek:
      return IsoWeek(stamp) - 1;
    case FrequencyUnit::kMonth:
      return static_cast<int>(stamp.month()) - 1;
    case FrequencyUnit::kQuarter:
      return static_cast<int>((stamp.month() - 1) / 3);
    case FrequencyUnit::kYear:
      return 0;
  }
  return 0;
}

namespace internal {
namespace {

unsigned DaysInMonth(int year, unsigned month) {
  const Date first = Date::FromYmd(year, month, 1);
  const Date next = month == 12 ? Date::FromYmd(year + 1, 1, 1) : Date::FromYmd(year, month + 1, 1);
  return static_cast<unsigned>(next - first);
}

bool IsPayday(Date d, const std::vector<int>& paydays) {
  int year = 0;
  unsigned month = 0, day = 0;
  d.ToYmd(&year, &month, &day);
  for (int p : paydays) {
    if (p == -1 ? day == DaysInMonth(year, month) : static_cast<unsigned>(p) == day) return true;
  }
  return false;
}

// Days to the next (sign +1) or since the previous (sign -1) payday, 0 on a payday; paydays
// recur within a month, so the search stops after 31 days.
int DaysToPayday(Date d, const std::vector<int>& paydays, int sign) {
  for (int k = 0; k <= 31; ++k) {
    if (IsPayday(d + sign * k, paydays)) return k;
  }
  return 32;
}

}  // namespace

void CalendarNames(const FeatureConfig& config, std::vector<FeatureInfo>* out) {
  if (!config.calendar) return;
  std::vector<const char*> names;
  const bool pay = !config.paydays.empty();
  switch (config.freq.unit) {
    case FrequencyUnit::kDay:
      names = {"dow", "dom", "month", "woy", "doy", "weekend"};
      if (pay) names.insert(names.end(), {"payday", "days_to_payday", "days_since_payday"});
      break;
    case FrequencyUnit::kWeek:
      names = {"woy", "month", "week_of_month"};
      if (pay) names.push_back("paydays");
      break;
    case FrequencyUnit::kMonth:
      names = {"month", "quarter"};
      break;
    case FrequencyUnit::kQuarter:
      names = {"quarter"};
      break;
    case FrequencyUnit::kYear:
      break;
  }
  for (const char* n : names) out->push_back({n, FeatureFamily::kCalendar});
}

void ComputeCalendar(const RowBatch& b, size_t col) {
  if (!b.config.calendar) return;
  const auto& paydays = b.config.paydays;
  const bool pay = !paydays.empty();
  for (size_t r = 0; r < b.positions.size(); ++r) {
    const Date d = b.DateOf(b.positions[r]);
    int year = 0;
    unsigned month = 0, day = 0;
    d.ToYmd(&year, &month, &day);
    size_t c = col;
    auto put = [&](double v) { b.at(r, c++) = static_cast<float>(v); };
    switch (b.config.freq.unit) {
      case FrequencyUnit::kDay:
        put(static_cast<double>(d.weekday()));
        put(day);
        put(month);
        put(IsoWeek(d));
        put(d - Date::FromYmd(year, 1, 1) + 1);
        put(d.weekday() >= Weekday::kSaturday ? 1 : 0);
        if (pay) {
          put(IsPayday(d, paydays) ? 1 : 0);
          put(DaysToPayday(d, paydays, 1));
          put(DaysToPayday(d, paydays, -1));
        }
        break;
      case FrequencyUnit::kWeek: {
        put(IsoWeek(d));
        put(month);
        put((day - 1) / 7 + 1);
        if (pay) {
          auto [first, last] = b.config.freq.DaysOf(d);
          int n = 0;
          for (Date x = first; x <= last; x = x + 1) n += IsPayday(x, paydays) ? 1 : 0;
          put(n);
        }
        break;
      }
      case FrequencyUnit::kMonth:
        put(month);
        put((month - 1) / 3 + 1);
        break;
      case FrequencyUnit::kQuarter:
        put((month - 1) / 3 + 1);
        break;
      case FrequencyUnit::kYear:
        break;
    }
  }
}

}  // namespace internal
}  // namespace retailcast::features
