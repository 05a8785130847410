// Internal: the precomputed world of a synthetic run (calendar, states, stores, items) and
// the per-series demand simulation shared by Generate and the streaming writers.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "retailcast/core/rng.h"
#include "retailcast/synth/synth.h"

namespace retailcast::synth::internal {

struct StoreInfo {
  std::string id;     // "CA_1"
  size_t state = 0;   // index into Generator::states()
  double factor = 1;  // store size: multiplies every item's level
};

struct ItemInfo {
  std::string id;  // "FOODS_3_090"
  size_t dept = 0;
  double base_price = 1;        // price the elasticity is relative to
  double elasticity = 1.5;      // demand ~ (price / base_price)^-elasticity
  std::vector<double> regular;  // regular (non-promotion) price per price week
};

struct Department {
  const char* cat;
  const char* dept;
  int m5_items;         // items in M5, used as proportions
  double price_median;  // median base price in dollars
  double temp_beta;     // demand change per 10 deg C above 15 deg C
};

// Holidays with their effect on demand; fixed dates each year.
struct Holiday {
  unsigned month;
  unsigned day;
  const char* name;
  const char* type;
  double uplift;
};

std::span<const Department> Departments();
std::span<const Holiday> Holidays();

class Generator {
 public:
  // Validates `options` (see ValidateOptions) and precomputes everything shared by series.
  static Result<Generator> Create(const SynthOptions& options);

  const SynthOptions& options() const { return options_; }
  const std::vector<std::string>& states() const { return states_; }
  const std::vector<StoreInfo>& stores() const { return stores_; }  // generated stores only
  const std::vector<ItemInfo>& items() const { return items_; }
  size_t num_series() const { return stores_.size() * items_.size(); }
  size_t store_of(size_t s) const { return s / items_.size(); }
  size_t item_of(size_t s) const { return s % items_.size(); }
  const std::string& series_id(size_t s) const { return series_ids_[s]; }
  // First period of series s (its start is options.start advanced by this many periods).
  int64_t offset(size_t s) const { return offsets_[s]; }
  int64_t length(size_t s) const { return options_.periods - offsets_[s]; }

  // Simulates series s over its periods [offset(s), periods): spans of length(s) values.
  void Fill(size_t s, std::span<double> y, std::span<double> price, std::span<double> promo) const;

  Date date(int64_t t) const { return dates_[static_cast<size_t>(t)]; }
  double holiday(int64_t t) const { return holiday_flag_[static_cast<size_t>(t)]; }
  double temperature(size_t state, int64_t t) const {
    return temperature_[state][static_cast<size_t>(t)];
  }
  // Walmart-style price week of period t (weeks start on Saturday for daily data).
  int64_t week(int64_t t) const { return week_[static_cast<size_t>(t)]; }
  int64_t num_weeks() const { return num_weeks_; }

 private:
  struct SeriesSpec;
  SeriesSpec DrawSpec(size_t s, Rng& rng) const;

  SynthOptions options_;
  std::vector<std::string> states_;
  std::vector<StoreInfo> stores_;
  std::vector<ItemInfo> items_;
  std::vector<std::string> series_ids_;
  std::vector<int64_t> offsets_;
  // Per period of the calendar.
  std::vector<Date> dates_;
  std::vector<double> days_;   // days covered by the period
  std::vector<int> weekday_;   // 0 = Monday..6, or -1 when a period spans several days
  std::vector<double> years_;  // years since the start (trend clock)
  std::vector<double> sin_year_, cos_year_;  // yearly cycle at the period's middle day
  std::vector<double> holiday_mult_;         // mean uplift over the period's days
  std::vector<double> holiday_flag_;         // 1 when a holiday falls in the period
  std::vector<int64_t> week_;
  int64_t num_weeks_ = 0;
  std::vector<std::vector<double>> temperature_;  // [state][period]
};

}  // namespace retailcast::synth::internal
