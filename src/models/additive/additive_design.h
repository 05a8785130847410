// Feature columns of the additive model (private to src/models): what defines them (saved with
// a fitted model, so the same columns can be rebuilt on any forecast grid) and how they are
// computed on a grid of dates.
//
// Column order: each seasonality's sin/cos pairs (sin(2 pi i t / P), cos(...), i = 1..order,
// t in days since 1970-01-01: Prophet's fourier_series), then the event and holiday
// indicator columns (features::MakeEventFeatures), then the standardised regressors.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "retailcast/core/date.h"
#include "retailcast/core/status.h"
#include "retailcast/features/events.h"
#include "retailcast/models/additive.h"

namespace retailcast::models::additive {

struct SeasonalityDef {
  std::string name;
  double period_days = 0;
  int order = 0;
  double prior_scale = 10;
  ComponentMode mode = ComponentMode::kAdditive;
};

// One event indicator column that had at least one non-zero training value.
struct EventColumnDef {
  bool holiday = false;  // a country holiday (component "holiday:<event>") or a user event
  std::string event;
  int offset = 0;  // day offset (daily data)
  double prior_scale = 10;
  ComponentMode mode = ComponentMode::kAdditive;
};

struct RegressorDef {
  std::string name;
  double mu = 0;  // standardisation: x' = (x - mu) / sd
  double sd = 1;
  double prior_scale = 10;
  ComponentMode mode = ComponentMode::kAdditive;
};

struct FeatureDefs {
  std::vector<SeasonalityDef> seasonalities;
  // Holidays are regenerated from the country rules for whatever dates a grid covers.
  std::string country;
  int holiday_lower = 0;
  int holiday_upper = 0;
  std::vector<HolidaySetting> holiday_settings;  // windows (and priors) of named holidays
  std::vector<features::Event> events;           // user events, with all their dates
  std::vector<EventColumnDef> event_columns;
  std::vector<RegressorDef> regressors;

  size_t num_columns() const;
};

// A named part of the mean: the columns it sums over and how it combines with the trend.
struct Component {
  std::string name;  // "yearly", "holiday:Christmas Day", "event:promo", "regressor:price"
  ComponentMode mode = ComponentMode::kAdditive;
  std::vector<size_t> columns;
};
std::vector<Component> ComponentsOf(const FeatureDefs& defs);

// The seasonalities a series gets: the built-in ones (automatic or as set) and the custom
// ones. `span_days` is the time from the first to the last observation. InvalidArgument
// naming the seasonality when its period is not longer than the sampling interval (it could
// not be estimated, e.g. a weekly seasonality on weekly data).
Result<std::vector<SeasonalityDef>> ChooseSeasonalities(const AdditiveParams& params,
                                                        const Frequency& freq, int64_t span_days,
                                                        double seasonality_prior_scale);

// Country holiday events covering the days of the grid (plus the window margins).
Result<std::vector<features::Event>> HolidayEvents(const FeatureDefs& defs, Date first,
                                                   const Frequency& freq, int64_t length);

// The feature matrix (length x num_columns) on the grid of `length` periods from `first`.
// `regressor_values[k]` holds at least `length` values of defs.regressors[k]; values at rows
// not used may be NaN. Errors: those of HolidayEvents.
Result<Eigen::MatrixXd> BuildFeatures(const FeatureDefs& defs, Date first, const Frequency& freq,
                                      int64_t length,
                                      std::span<const std::span<const double>> regressor_values);

// The event columns of the training grid (length periods from `first`) that are non-zero at
// some observed row, as definitions (filled into defs->event_columns). `events` are the user
// events, prior scales of 0 replaced by `holidays_prior_scale`.
Status ChooseEventColumns(const AdditiveParams& params, Date first, const Frequency& freq,
                          int64_t length, std::span<const size_t> observed, FeatureDefs* defs);

}  // namespace retailcast::models::additive
