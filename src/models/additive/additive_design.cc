#include "additive_design.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <string>
#include <utility>

#include "retailcast/features/holidays.h"

namespace retailcast::models::additive {
namespace {

// Shortest spacing of two periods of `freq`, in days: a seasonality must be longer than this
// to be visible in the data.
int SamplingIntervalDays(const Frequency& freq) {
  switch (freq.unit) {
    case FrequencyUnit::kDay:
      return 1;
    case FrequencyUnit::kWeek:
      return 7;
    case FrequencyUnit::kMonth:
      return 28;
    case FrequencyUnit::kQuarter:
      return 89;
    case FrequencyUnit::kYear:
      return 365;
  }
  return 1;
}

std::string ColumnKey(bool holiday, const std::string& event, int offset) {
  return (holiday ? "h\x1f" : "e\x1f") + event + "\x1f" + std::to_string(offset);
}

// Every event indicator column on the grid, keyed by ColumnKey.
Result<std::map<std::string, std::vector<double>>> EventColumns(const FeatureDefs& defs, Date first,
                                                                const Frequency& freq,
                                                                int64_t length) {
  std::map<std::string, std::vector<double>> out;
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<features::Event> holidays,
                              HolidayEvents(defs, first, freq, length));
  for (int pass = 0; pass < 2; ++pass) {
    const bool holiday = pass == 0;
    const std::vector<features::Event>& events = holiday ? holidays : defs.events;
    features::EventFeatures f = features::MakeEventFeatures(events, first, freq, length);
    for (size_t c = 0; c < f.columns.size(); ++c) {
      out[ColumnKey(holiday, events[f.columns[c].event].name, f.columns[c].offset)] =
          std::move(f.values[c]);
    }
  }
  return out;
}

}  // namespace

size_t FeatureDefs::num_columns() const {
  size_t n = 0;
  for (const auto& s : seasonalities) n += 2 * static_cast<size_t>(s.order);
  return n + event_columns.size() + regressors.size();
}

std::vector<Component> ComponentsOf(const FeatureDefs& defs) {
  std::vector<Component> out;
  size_t col = 0;
  for (const auto& s : defs.seasonalities) {
    Component c{s.name, s.mode, {}};
    for (int i = 0; i < 2 * s.order; ++i) c.columns.push_back(col++);
    out.push_back(std::move(c));
  }
  std::map<std::string, size_t> by_name;
  for (const auto& e : defs.event_columns) {
    const std::string name = (e.holiday ? "holiday:" : "event:") + e.event;
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      it = by_name.emplace(name, out.size()).first;
      out.push_back(Component{name, e.mode, {}});
    }
    out[it->second].columns.push_back(col++);
  }
  for (const auto& r : defs.regressors) {
    out.push_back(Component{"regressor:" + r.name, r.mode, {col++}});
  }
  return out;
}

Result<std::vector<SeasonalityDef>> ChooseSeasonalities(const AdditiveParams& params,
                                                        const Frequency& freq, int64_t span_days,
                                                        double seasonality_prior_scale) {
  const int interval = SamplingIntervalDays(freq);
  std::vector<SeasonalityDef> out;
  auto custom_named = [&](std::string_view name) {
    for (const auto& s : params.seasonalities) {
      if (s.name == name) return true;
    }
    return false;
  };
  struct BuiltIn {
    const char* name;
    double period;
    int order;
    int auto_order;
    ComponentMode mode;
  };
  // Prophet's set_auto_seasonalities: yearly with >= 2 years of history, weekly when the data
  // is finer than weekly and spans >= 2 weeks, daily only below one day.
  const BuiltIn built_in[] = {
      {"yearly", 365.25, params.yearly_order, span_days >= 730 ? 10 : 0, params.yearly_mode},
      {"weekly", 7, params.weekly_order, span_days >= 14 && interval < 7 ? 3 : 0,
       params.weekly_mode},
      {"daily", 1, params.daily_order, 0, params.daily_mode},
  };
  for (const BuiltIn& b : built_in) {
    if (custom_named(b.name)) continue;  // a custom one of the same name replaces it
    const int order = b.order < 0 ? b.auto_order : b.order;
    if (order > 0) {
      out.push_back(SeasonalityDef{b.name, b.period, order, seasonality_prior_scale, b.mode});
    }
  }
  for (const auto& s : params.seasonalities) {
    out.push_back(SeasonalityDef{s.name, s.period_days, s.order, s.prior_scale, s.mode});
  }
  for (const auto& s : out) {
    if (s.period_days <= interval) {
      return Status::InvalidArgument(std::string(kAdditiveName) + ": seasonality '" + s.name +
                                     "' has a period of " + std::to_string(s.period_days) +
                                     " days, not longer than the " + std::to_string(interval) +
                                     "-day spacing of " + freq.ToString() +
                                     " data, so it cannot be estimated; turn it off (e.g. " +
                                     s.name + "_seasonality=0) or use finer data");
    }
  }
  return out;
}

Result<std::vector<features::Event>> HolidayEvents(const FeatureDefs& defs, Date first,
                                                   const Frequency& freq, int64_t length) {
  if (defs.country.empty() || length <= 0) return std::vector<features::Event>{};
  int lower = defs.holiday_lower, upper = defs.holiday_upper;
  for (const HolidaySetting& h : defs.holiday_settings) {
    lower = std::min(lower, h.lower_window);
    upper = std::max(upper, h.upper_window);
  }
  const Date first_day = freq.DaysOf(first).first;
  const Date last_day = freq.DaysOf(freq.Advance(first, length - 1)).second;
  RETAILCAST_ASSIGN_OR_RETURN(
      std::vector<features::Holiday> h,
      features::HolidaysBetween(defs.country, first_day - upper, last_day - lower));
  std::vector<features::Event> events =
      features::EventsFromHolidays(h, defs.holiday_lower, defs.holiday_upper, 0);
  for (features::Event& e : events) {
    for (const HolidaySetting& s : defs.holiday_settings) {
      if (s.name == e.name) {
        e.lower_window = s.lower_window;
        e.upper_window = s.upper_window;
        e.prior_scale = s.prior_scale;
      }
    }
  }
  return events;
}

Result<Eigen::MatrixXd> BuildFeatures(const FeatureDefs& defs, Date first, const Frequency& freq,
                                      int64_t length,
                                      std::span<const std::span<const double>> regressor_values) {
  const auto n = static_cast<Eigen::Index>(length);
  Eigen::MatrixXd x(n, static_cast<Eigen::Index>(defs.num_columns()));
  Eigen::Index col = 0;
  if (!defs.seasonalities.empty()) {
    std::vector<double> days(static_cast<size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i) {
      days[static_cast<size_t>(i)] = freq.Advance(first, i).days;
    }
    for (const auto& s : defs.seasonalities) {
      for (int k = 1; k <= s.order; ++k) {
        const double w = 2.0 * std::numbers::pi * k / s.period_days;
        for (Eigen::Index i = 0; i < n; ++i) {
          const double a = w * days[static_cast<size_t>(i)];
          x(i, col) = std::sin(a);
          x(i, col + 1) = std::cos(a);
        }
        col += 2;
      }
    }
  }
  if (!defs.event_columns.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(auto columns, EventColumns(defs, first, freq, length));
    for (const auto& e : defs.event_columns) {
      auto it = columns.find(ColumnKey(e.holiday, e.event, e.offset));
      for (Eigen::Index i = 0; i < n; ++i) {
        x(i, col) = it == columns.end() ? 0.0 : it->second[static_cast<size_t>(i)];
      }
      ++col;
    }
  }
  for (size_t k = 0; k < defs.regressors.size(); ++k) {
    const RegressorDef& r = defs.regressors[k];
    for (Eigen::Index i = 0; i < n; ++i) {
      x(i, col) = (regressor_values[k][static_cast<size_t>(i)] - r.mu) / r.sd;
    }
    ++col;
  }
  return x;
}

Status ChooseEventColumns(const AdditiveParams& params, Date first, const Frequency& freq,
                          int64_t length, std::span<const size_t> observed, FeatureDefs* defs) {
  defs->country = params.country;
  defs->holiday_lower = params.holidays_lower_window;
  defs->holiday_upper = params.holidays_upper_window;
  defs->holiday_settings = params.holiday_settings;
  defs->events = params.events;
  defs->event_columns.clear();
  if (defs->country.empty() && defs->events.empty()) return Status::Ok();
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<features::Event> holidays,
                              HolidayEvents(*defs, first, freq, length));
  for (int pass = 0; pass < 2; ++pass) {
    const bool holiday = pass == 0;
    const std::vector<features::Event>& events = holiday ? holidays : defs->events;
    const features::EventFeatures f = features::MakeEventFeatures(events, first, freq, length);
    for (size_t c = 0; c < f.columns.size(); ++c) {
      bool seen = false;
      for (size_t i : observed) seen |= f.values[c][i] != 0;
      // A column that never fires in the training data has no information: its coefficient
      // would stay at the prior mean, zero, so it is left out.
      if (!seen) continue;
      const features::Event& ev = events[f.columns[c].event];
      // Holidays carry a prior scale only when holiday_settings gives one.
      const double prior = ev.prior_scale == 0 ? params.holidays_prior_scale : ev.prior_scale;
      defs->event_columns.push_back(
          EventColumnDef{holiday, ev.name, f.columns[c].offset, prior, params.holidays_mode});
    }
  }
  return Status::Ok();
}

}  // namespace retailcast::models::additive
