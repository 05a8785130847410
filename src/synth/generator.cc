#include "generator.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace retailcast::synth::internal {
namespace {

// M5's departments in its sales_train order, with M5's item counts as proportions.
constexpr Department kDepartments[] = {
    {"HOBBIES", "HOBBIES_1", 416, 6.0, 0.0},      {"HOBBIES", "HOBBIES_2", 149, 3.0, 0.0},
    {"HOUSEHOLD", "HOUSEHOLD_1", 532, 5.0, 0.12}, {"HOUSEHOLD", "HOUSEHOLD_2", 515, 7.0, 0.12},
    {"FOODS", "FOODS_1", 216, 3.0, 0.05},         {"FOODS", "FOODS_2", 398, 3.5, 0.05},
    {"FOODS", "FOODS_3", 823, 2.5, 0.05},
};

constexpr Holiday kHolidays[] = {
    {1, 1, "NewYear", "National", 0.7},         {2, 14, "ValentinesDay", "Cultural", 1.15},
    {7, 4, "IndependenceDay", "National", 1.3}, {10, 31, "Halloween", "Cultural", 1.2},
    {12, 24, "ChristmasEve", "Religious", 1.4}, {12, 25, "Christmas", "National", 0.05},
};

// Relative demand by weekday, Monday first: weekends sell most, as in M5.
constexpr double kWeekProfile[7] = {-0.25, -0.3, -0.3, -0.2, 0.05, 0.5, 0.5};

constexpr double kTwoPi = 2.0 * std::numbers::pi;

double RoundTo(double v, double step) { return std::round(v / step) * step; }
double Cents(double v) { return std::max(0.25, std::round(v * 100.0) / 100.0); }

double YearFraction(Date d) {
  return static_cast<double>(d - Date::FromYmd(d.year(), 1, 1)) / 365.25;
}

}  // namespace

std::span<const Department> Departments() { return kDepartments; }
std::span<const Holiday> Holidays() { return kHolidays; }

struct Generator::SeriesSpec {
  bool intermittent = false;
  int64_t offset = 0;
  double level = 1;  // units per day before multipliers
  double trend = 0;  // relative change per year
  double weekly_amp = 0;
  double yearly_amp = 0;
  double cos_phase = 1, sin_phase = 0;
  double temp_beta = 0;
  double sigma = 0.3;  // log-normal disturbance of the rate
};

Generator::SeriesSpec Generator::DrawSpec(size_t s, Rng& rng) const {
  SeriesSpec spec;
  const SynthOptions& o = options_;
  spec.intermittent = rng.Uniform() < o.intermittent_share;
  const bool late = rng.Uniform() < o.late_start_share;
  const uint64_t late_max = static_cast<uint64_t>(std::max<int64_t>(o.periods / 2, 1));
  spec.offset =
      late ? std::min<int64_t>(1 + static_cast<int64_t>(rng.Below(late_max)), o.periods - 1) : 0;
  const double store_factor = stores_[store_of(s)].factor;
  if (spec.intermittent) {
    spec.level = std::min(0.9, 0.2 * std::exp(0.7 * rng.Normal())) * store_factor;
    spec.sigma = 0.5;
  } else {
    spec.level = 2.5 * std::exp(0.8 * rng.Normal()) * store_factor;
    spec.sigma = 0.25;
  }
  spec.trend = 0.12 * rng.Normal();
  spec.weekly_amp = 0.15 + 0.35 * rng.Uniform();
  spec.yearly_amp = 0.25 * rng.Uniform();
  const double phase = kTwoPi * rng.Uniform();
  spec.cos_phase = std::cos(phase);
  spec.sin_phase = std::sin(phase);
  spec.temp_beta = kDepartments[items_[item_of(s)].dept].temp_beta * (0.5 + rng.Uniform());
  return spec;
}

Result<Generator> Generator::Create(const SynthOptions& o) {
  RETAILCAST_RETURN_IF_ERROR(ValidateOptions(o));
  Generator g;
  g.options_ = o;
  const size_t n = static_cast<size_t>(o.periods);

  // Calendar.
  g.dates_.resize(n);
  g.days_.resize(n);
  g.weekday_.resize(n);
  g.years_.resize(n);
  g.sin_year_.resize(n);
  g.cos_year_.resize(n);
  g.holiday_mult_.resize(n);
  g.holiday_flag_.resize(n);
  g.week_.resize(n);
  const Date first_day = o.freq.DaysOf(o.start).first;
  // Walmart weeks run Saturday to Friday; count them from the Saturday on or before the start.
  const Date first_saturday =
      first_day -
      ((static_cast<int>(first_day.weekday()) - static_cast<int>(Weekday::kSaturday) + 7) % 7);
  for (size_t t = 0; t < n; ++t) {
    const Date d = o.freq.Advance(o.start, static_cast<int64_t>(t));
    const auto [b, e] = o.freq.DaysOf(d);
    g.dates_[t] = d;
    g.days_[t] = e - b + 1;
    g.weekday_[t] = o.freq.unit == FrequencyUnit::kDay ? static_cast<int>(d.weekday()) : -1;
    const Date mid = b + (e - b) / 2;
    g.years_[t] = static_cast<double>(mid - first_day) / 365.25;
    g.sin_year_[t] = std::sin(kTwoPi * YearFraction(mid));
    g.cos_year_[t] = std::cos(kTwoPi * YearFraction(mid));
    double mult = 0;
    bool flag = false;
    for (Date day = b; day <= e; day = day + 1) {
      double m = 1.0;
      for (const Holiday& h : kHolidays) {
        if (day.month() == h.month && day.day() == h.day) {
          m = h.uplift;
          flag = true;
        }
      }
      mult += m;
    }
    g.holiday_mult_[t] = mult / g.days_[t];
    g.holiday_flag_[t] = flag ? 1.0 : 0.0;
    g.week_[t] =
        o.freq.unit == FrequencyUnit::kDay ? (d - first_saturday) / 7 : static_cast<int64_t>(t);
  }
  g.num_weeks_ = g.week_.back() + 1;

  // States and their temperature: yearly cycle (coldest mid-January) plus AR(1) weather.
  const char* kStateNames[] = {"CA", "TX", "WI"};
  const double kMean[] = {17.0, 20.0, 8.0}, kAmp[] = {6.0, 10.0, 14.0};
  const Date last_day = o.freq.DaysOf(g.dates_.back()).second;
  for (int k = 0; k < o.states; ++k) {
    std::string name = k < 3 ? kStateNames[k] : "S" + std::to_string(k + 1);
    Rng rng(o.seed, "state:" + name);
    const double mean = k < 3 ? kMean[k] : 8.0 + 12.0 * rng.Uniform();
    const double amp = k < 3 ? kAmp[k] : 6.0 + 8.0 * rng.Uniform();
    std::vector<double> daily(static_cast<size_t>(last_day - first_day + 1));
    double weather = 0;
    for (size_t i = 0; i < daily.size(); ++i) {
      const Date day = first_day + static_cast<int32_t>(i);
      weather = 0.7 * weather + 1.5 * rng.Normal();
      daily[i] = mean + amp * std::sin(kTwoPi * (YearFraction(day) - 0.29)) + weather;
    }
    std::vector<double> temp(n);
    for (size_t t = 0; t < n; ++t) {
      const auto [b, e] = o.freq.DaysOf(g.dates_[t]);
      double sum = 0;
      for (Date day = b; day <= e; day = day + 1)
        sum += daily[static_cast<size_t>(day - first_day)];
      temp[t] = RoundTo(sum / (e - b + 1), 0.1);
    }
    g.states_.push_back(std::move(name));
    g.temperature_.push_back(std::move(temp));
  }

  // Stores (only the requested ones; a store's values depend on its id only).
  for (const std::string& id : StoreIds(o)) {
    if (!o.only_stores.empty() &&
        std::find(o.only_stores.begin(), o.only_stores.end(), id) == o.only_stores.end()) {
      continue;
    }
    StoreInfo store;
    store.id = id;
    store.state = static_cast<size_t>(
        std::find(g.states_.begin(), g.states_.end(), id.substr(0, id.rfind('_'))) -
        g.states_.begin());
    Rng rng(o.seed, "store:" + id);
    store.factor = 0.7 + 0.6 * rng.Uniform();
    g.stores_.push_back(std::move(store));
  }

  // Items: spread over the departments in M5 proportions; the j-th item goes to the
  // department whose share of M5's 3,049 items contains its centre.
  int m5_total = 0;
  for (const Department& d : kDepartments) m5_total += d.m5_items;
  const int items = o.items_per_store;
  std::vector<size_t> item_dept(static_cast<size_t>(items));
  std::vector<int> dept_size(std::size(kDepartments), 0);
  for (int j = 0; j < items; ++j) {
    const double pos = (j + 0.5) / items * m5_total;
    size_t dept = 0;
    for (double cum = kDepartments[0].m5_items; pos >= cum && dept + 1 < std::size(kDepartments);) {
      ++dept;
      cum += kDepartments[dept].m5_items;
    }
    item_dept[static_cast<size_t>(j)] = dept;
    ++dept_size[dept];
  }
  // Item numbers have 3 digits like M5's (FOODS_3_090), more only when a department needs them.
  const int width = std::max<int>(
      3, static_cast<int>(
             std::to_string(*std::max_element(dept_size.begin(), dept_size.end())).size()));
  std::vector<int> dept_count(std::size(kDepartments), 0);
  for (int j = 0; j < items; ++j) {
    const size_t dept = item_dept[static_cast<size_t>(j)];
    std::string num = std::to_string(++dept_count[dept]);
    ItemInfo item;
    item.id =
        std::string(kDepartments[dept].dept) + "_" +
        std::string(static_cast<size_t>(std::max(0, width - static_cast<int>(num.size()))), '0') +
        num;
    item.dept = dept;
    Rng rng(o.seed, item.id);
    item.base_price = Cents(kDepartments[dept].price_median * std::exp(0.6 * rng.Normal()));
    item.elasticity = 1.0 + 1.5 * rng.Uniform();
    item.regular.resize(static_cast<size_t>(g.num_weeks_));
    double price = item.base_price;
    for (auto& p : item.regular) {
      if (rng.Uniform() < 1.0 / 40.0) price = Cents(price * std::exp(0.1 * rng.Normal()));
      p = price;
    }
    g.items_.push_back(std::move(item));
  }

  g.series_ids_.reserve(g.num_series());
  g.offsets_.reserve(g.num_series());
  for (const StoreInfo& store : g.stores_) {
    for (const ItemInfo& item : g.items_) g.series_ids_.push_back(item.id + "_" + store.id);
  }
  for (size_t s = 0; s < g.num_series(); ++s) {
    Rng rng(o.seed, g.series_ids_[s]);
    g.offsets_.push_back(g.DrawSpec(s, rng).offset);
  }
  return g;
}

void Generator::Fill(size_t s, std::span<double> y, std::span<double> price,
                     std::span<double> promo) const {
  Rng rng(options_.seed, series_ids_[s]);
  const SeriesSpec spec = DrawSpec(s, rng);
  const ItemInfo& item = items_[item_of(s)];
  const std::vector<double>& temp = temperature_[stores_[store_of(s)].state];
  int64_t current_week = -1;
  double week_price = item.base_price, week_promo = 0, price_mult = 1;
  for (int64_t t = spec.offset; t < options_.periods; ++t) {
    const size_t u = static_cast<size_t>(t);
    const size_t k = static_cast<size_t>(t - spec.offset);
    if (week_[u] != current_week) {
      // A new price week: maybe a promotion (a store-level price cut).
      current_week = week_[u];
      const double regular = item.regular[static_cast<size_t>(current_week)];
      const bool on_promo = rng.Uniform() < options_.promo_share;
      const double cut = 0.10 + 0.25 * rng.Uniform();
      week_price = on_promo ? Cents(regular * (1.0 - cut)) : regular;
      week_promo = on_promo ? 1.0 : 0.0;
      price_mult = std::pow(week_price / item.base_price, -item.elasticity);
    }
    double rate = spec.level * days_[u];
    rate *= std::max(0.1, 1.0 + spec.trend * years_[u]);
    if (weekday_[u] >= 0) rate *= 1.0 + spec.weekly_amp * kWeekProfile[weekday_[u]];
    // sin(x - phase) = sin x cos phase - cos x sin phase.
    rate *= 1.0 + spec.yearly_amp * (sin_year_[u] * spec.cos_phase - cos_year_[u] * spec.sin_phase);
    rate *= holiday_mult_[u];
    rate *= std::max(0.3, 1.0 + spec.temp_beta * (temp[u] - 15.0) / 10.0);
    rate *= price_mult;
    rate *= std::exp(spec.sigma * rng.Normal() - 0.5 * spec.sigma * spec.sigma);
    y[k] = static_cast<double>(rng.Poisson(rate));
    if (!price.empty()) price[k] = week_price;
    if (!promo.empty()) promo[k] = week_promo;
  }
}

}  // namespace retailcast::synth::internal
