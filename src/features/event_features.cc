// Holiday and event features: whether the row's period holds a holiday or event day, which one
// (a categorical code), and how many periods it is to the next one and since the previous one
// (capped at event_range; event_range + 1 means none within range), for the calendar events
// (public holidays from holidays.h rules, user events from events.h files, each day of an
// event's window counting) and for every exogenous 0/1 event column (e.g. Walmart's
// IsHoliday). Distances to events ahead of a sale are what lets a model anticipate the
// pre-holiday ramp-up, which indicators alone cannot (the M5 winners' "days to event"
// features; Makridakis, Spiliotis & Assimakopoulos 2022, section 4). Event codes depend only
// on the event names (the country's rule table, then the user events), never on the date
// range, so training and forecast rows agree.
#include <algorithm>
#include <map>

#include "families.h"
#include "retailcast/features/holidays.h"

namespace retailcast::features::internal {
namespace {

// Days one period spans at most, to pad a date range by whole periods.
int MaxDaysPerPeriod(const Frequency& freq) {
  switch (freq.unit) {
    case FrequencyUnit::kDay:
      return 1;
    case FrequencyUnit::kWeek:
      return 7;
    case FrequencyUnit::kMonth:
      return 31;
    case FrequencyUnit::kQuarter:
      return 92;
    case FrequencyUnit::kYear:
      return 366;
  }
  return 1;
}

bool HasCalendarEvents(const FeatureConfig& config) {
  return !config.holidays.empty() || !config.events.empty();
}

}  // namespace

EventCalendar BuildEventCalendar(const FeatureConfig& config, Date first, Date last) {
  EventCalendar cal;
  const int pad = (config.event_range + 1) * MaxDaysPerPeriod(config.freq) + kMaxEventWindow;
  cal.first = first - pad;
  cal.last = last + pad;
  if (!HasCalendarEvents(config)) return cal;
  std::map<std::string, int32_t> code_of;
  auto add_name = [&](const std::string& name) {
    if (code_of.emplace(name, static_cast<int32_t>(cal.names.size())).second) {
      cal.names.push_back(name);
    }
  };
  std::map<int32_t, int32_t> day_code;  // day -> smallest code on it
  auto add_day = [&](Date d, int32_t code) {
    if (d < cal.first || d > cal.last) return;
    auto [it, inserted] = day_code.emplace(d.days, code);
    if (!inserted) it->second = std::min(it->second, code);
  };
  if (!config.holidays.empty()) {
    auto country = FindHolidayCountry(config.holidays);
    if (country.ok()) {
      for (const HolidayRule& rule : (*country)->rules) add_name(std::string(rule.name));
      for (const HolidayRule& rule : (*country)->rules) {
        add_name(std::string(rule.name) + " (observed)");
      }
      // The calendar's years are limited to 1583..9999 (holidays.h); keep inside them.
      const Date lo = std::max(cal.first, Date::FromYmd(1583, 1, 1));
      const Date hi = std::min(cal.last, Date::FromYmd(9999, 12, 31));
      auto days = lo <= hi ? HolidaysBetween(config.holidays, lo, hi)
                           : Result<std::vector<Holiday>>(std::vector<Holiday>{});
      if (days.ok()) {
        for (const Holiday& h : *days) {
          add_name(h.name);
          add_day(h.date, code_of[h.name]);
        }
      }
    }
  }
  for (const Event& e : config.events) {
    add_name(e.name);
    const int32_t code = code_of[e.name];
    for (Date d : e.dates) {
      for (int k = e.lower_window; k <= e.upper_window; ++k) add_day(d + k, code);
    }
  }
  for (const auto& [day, code] : day_code) {
    cal.days.push_back(Date{day});
    cal.code.push_back(code);
  }
  return cal;
}

void EventNames(const FeatureConfig& config, std::vector<FeatureInfo>* out) {
  if (HasCalendarEvents(config)) {
    out->push_back({"event", FeatureFamily::kEvent});
    out->push_back({"event_code", FeatureFamily::kEvent, true});
    out->push_back({"to_event", FeatureFamily::kEvent});
    out->push_back({"since_event", FeatureFamily::kEvent});
  }
  for (const auto& c : config.event_columns) {
    out->push_back({c + "_to_next", FeatureFamily::kEvent});
    out->push_back({c + "_since_prev", FeatureFamily::kEvent});
  }
}

void ComputeEvents(const RowBatch& b, size_t col) {
  const FeatureConfig& config = b.config;
  const Frequency& freq = config.freq;
  const int range = config.event_range;
  const float none = static_cast<float>(range + 1);
  size_t c0 = col;
  if (HasCalendarEvents(config)) {
    c0 += 4;
    const EventCalendar* cal = b.frame.calendar;
    for (size_t r = 0; r < b.positions.size(); ++r) {
      float& event = b.at(r, col);
      float& code = b.at(r, col + 1);
      float& to = b.at(r, col + 2);
      float& since = b.at(r, col + 3);
      event = 0;
      code = kMissing;
      to = none;
      since = none;
      if (cal == nullptr || cal->days.empty()) continue;
      const Date stamp = b.DateOf(b.positions[r]);
      const auto [first, last] = freq.DaysOf(stamp);
      auto lo = std::lower_bound(cal->days.begin(), cal->days.end(), first);
      auto hi = std::upper_bound(cal->days.begin(), cal->days.end(), last);
      if (lo != hi) {
        event = static_cast<float>(hi - lo);
        code = static_cast<float>(cal->code[static_cast<size_t>(lo - cal->days.begin())]);
        to = 0;
        since = 0;
        continue;
      }
      if (hi != cal->days.end()) {
        auto steps = freq.StepsBetween(stamp, freq.PeriodOf(*hi));
        if (steps.ok() && *steps <= range) to = static_cast<float>(*steps);
      }
      if (lo != cal->days.begin()) {
        auto steps = freq.StepsBetween(freq.PeriodOf(*(lo - 1)), stamp);
        if (steps.ok() && *steps <= range) since = static_cast<float>(*steps);
      }
    }
  }
  for (size_t k = 0; k < config.event_columns.size(); ++k) {
    const int input = b.layout.events[k];
    for (size_t r = 0; r < b.positions.size(); ++r) {
      const int64_t t = b.positions[r];
      float to = none, since = none;
      for (int d = 0; d <= range; ++d) {
        if (b.Input(input, t + d) > 0) {
          to = static_cast<float>(d);
          break;
        }
      }
      for (int d = 1; d <= range; ++d) {
        if (b.Input(input, t - d) > 0) {
          since = static_cast<float>(d);
          break;
        }
      }
      b.at(r, c0 + 2 * k) = to;
      b.at(r, c0 + 2 * k + 1) = since;
    }
  }
}

}  // namespace retailcast::features::internal
