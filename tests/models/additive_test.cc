// The additive model: trend, seasonality, holidays, events, regressors, intervals, the
// count-aware option, components, tuning, saved state, and every documented error.
#include "retailcast/models/additive.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "retailcast/catalog/catalog.h"
#include "retailcast/core/model.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/rng.h"
#include "retailcast/core/serialize.h"
#include "retailcast/features/holidays.h"

namespace retailcast {
namespace {

using models::AdditiveParams;
using ::testing::HasSubstr;

constexpr double kPi = std::numbers::pi;

std::unique_ptr<Estimator> Make(std::vector<std::pair<std::string, std::string>> params = {}) {
  auto est = BuiltinRegistry().Create("additive", params);
  EXPECT_TRUE(est.ok()) << est.status().ToString();
  return est.ok() ? std::move(est).value() : nullptr;
}

std::unique_ptr<Estimator> Make(AdditiveParams params) {
  auto est = models::MakeAdditiveEstimator(std::move(params));
  EXPECT_TRUE(est.ok()) << est.status().ToString();
  return est.ok() ? std::move(est).value() : nullptr;
}

Forecast FitPredict(const Estimator& est, const SeriesView& s, PredictRequest req) {
  auto fit = est.Fit(s);
  EXPECT_TRUE(fit.ok()) << fit.status().ToString();
  if (!fit.ok()) return {};
  auto fc = (*fit)->Predict(req);
  EXPECT_TRUE(fc.ok()) << fc.status().ToString();
  return fc.ok() ? *fc : Forecast{};
}

// Index of a component by name, or -1.
int ComponentIndex(const Forecast& fc, std::string_view name) {
  for (size_t c = 0; c < fc.component_names.size(); ++c) {
    if (fc.component_names[c] == name) return static_cast<int>(c);
  }
  return -1;
}

void ExpectComponentsSumToMean(const Forecast& fc) {
  ASSERT_EQ(fc.components.size(), fc.component_names.size());
  for (size_t t = 0; t < fc.mean.size(); ++t) {
    double sum = 0;
    for (const auto& c : fc.components) sum += c[t];
    EXPECT_NEAR(sum, fc.mean[t], 1e-9 * std::max(1.0, std::abs(fc.mean[t]))) << "t=" << t;
  }
}

// Daily level + trend + weekly sine + noise, from 2019-01-07 (a Monday).
std::vector<double> DailySeries(size_t n, double slope, double weekly, double noise,
                                uint64_t seed) {
  Rng rng(seed);
  std::vector<double> y(n);
  for (size_t t = 0; t < n; ++t) {
    y[t] = 100 + slope * static_cast<double>(t) +
           weekly * std::sin(2 * kPi * static_cast<double>(t) / 7) + noise * rng.Normal();
  }
  return y;
}

const Date kMonday = Date::FromYmd(2019, 1, 7);

TEST(AdditiveTest, RecoversLinearTrendAndWeeklySeasonality) {
  const auto y = DailySeries(200, 0.5, 10, 0.5, 1);
  SeriesView s{"daily", kMonday, Frequency::Daily(), y};
  auto est = Make();
  const Forecast fc = FitPredict(*est, s, PredictRequest{14, {80, 95}});
  ASSERT_EQ(fc.mean.size(), 14u);
  for (size_t h = 0; h < 14; ++h) {
    const double t = 200.0 + static_cast<double>(h);
    const double truth = 100 + 0.5 * t + 10 * std::sin(2 * kPi * t / 7);
    EXPECT_NEAR(fc.mean[h], truth, 1.5) << "h=" << h;
  }
  EXPECT_EQ(fc.component_names, (std::vector<std::string>{"trend", "weekly"}));
  ExpectComponentsSumToMean(fc);
  // The trend carries the slope, the weekly part the cycle (mean zero over a week).
  const auto& trend = fc.components[0];
  EXPECT_NEAR(trend[13] - trend[0], 0.5 * 13, 0.3);
  double week = 0;
  for (size_t h = 0; h < 7; ++h) week += fc.components[1][h];
  EXPECT_NEAR(week / 7, 0, 0.5);
}

TEST(AdditiveTest, FollowsATrendChange) {
  // Slope +1 for 150 days, then -1 for 100 days: the forecast keeps falling.
  std::vector<double> y(250);
  for (size_t t = 0; t < y.size(); ++t) {
    y[t] = t < 150 ? static_cast<double>(t) : 300.0 - static_cast<double>(t);
  }
  SeriesView s{"kink", kMonday, Frequency::Daily(), y};
  const Forecast fc = FitPredict(*Make({{"weekly_seasonality", "0"}}), s, PredictRequest{10, {}});
  ASSERT_EQ(fc.mean.size(), 10u);
  EXPECT_NEAR(fc.mean[9] - fc.mean[0], -9, 1.0);
  EXPECT_NEAR(fc.mean[0], 50, 3.0);
}

TEST(AdditiveTest, LogisticGrowthSaturatesBelowTheCap) {
  std::vector<double> y(300);
  for (size_t t = 0; t < y.size(); ++t) {
    y[t] = 100.0 / (1.0 + std::exp(-(static_cast<double>(t) - 150.0) / 30.0));
  }
  SeriesView s{"s_curve", kMonday, Frequency::Daily(), y};
  auto est = Make({{"growth", "logistic"}, {"cap", "100"}, {"weekly_seasonality", "0"}});
  const Forecast fc = FitPredict(*est, s, PredictRequest{200, {95}});
  ASSERT_EQ(fc.mean.size(), 200u);
  for (double v : fc.mean) EXPECT_LE(v, 100.0 + 1e-9);
  EXPECT_GT(fc.mean[199], 99.0);
  // A linear trend on the same data runs through the cap.
  const Forecast lin = FitPredict(*Make({{"weekly_seasonality", "0"}}), s, PredictRequest{200, {}});
  EXPECT_GT(lin.mean[199], 100.5);
}

TEST(AdditiveTest, LogisticGrowthNeedsCapAboveFloor) {
  auto bad = BuiltinRegistry().Create("additive", {{"growth", "logistic"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("cap"));
  // A cap column at or below the floor (0) on some date is a DataError naming it.
  Panel panel(Frequency::Daily());
  const size_t cap = *panel.AddExogColumn("cap");
  const std::vector<double> y = {5, 6, 7, 8, 9, 10};
  const size_t i = panel.AddSeries("capped", kMonday, y);
  for (size_t t = 0; t < y.size(); ++t) panel.mutable_exog(cap, i)[t] = t == 3 ? -1 : 20;
  auto est = Make({{"growth", "logistic"}, {"cap_column", "cap"}});
  auto fit = est->Fit(panel.series(i));
  ASSERT_FALSE(fit.ok());
  EXPECT_EQ(fit.status().code(), StatusCode::kDataError);
  EXPECT_THAT(fit.status().message(), HasSubstr("2019-01-10"));
}

TEST(AdditiveTest, LogisticCapColumnNeedsFutureValues) {
  Panel panel(Frequency::Daily());
  const size_t cap = *panel.AddExogColumn("cap");
  std::vector<double> y(60);
  for (size_t t = 0; t < y.size(); ++t) y[t] = 10 + static_cast<double>(t) * 0.5;
  const size_t i = panel.AddSeries("capped", kMonday, y);
  for (size_t t = 0; t < y.size(); ++t) panel.mutable_exog(cap, i)[t] = 80;
  auto est = Make({{"growth", "logistic"}, {"cap_column", "cap"}});
  auto fit = est->Fit(panel.series(i));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  auto missing = (*fit)->Predict(PredictRequest{5, {80}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("'cap'"));
  const std::vector<double> future_cap(5, 80);
  FutureRegressors f{Date::FromYmd(2019, 3, 8), Frequency::Daily(), {"cap"}, {future_cap}};
  PredictRequest req{5, {80}, &f};
  auto fc = (*fit)->Predict(req);
  ASSERT_TRUE(fc.ok()) << fc.status().ToString();
  for (double v : fc->mean) EXPECT_LT(v, 80);
}

TEST(AdditiveTest, FlatTrendIsConstant) {
  const auto y = DailySeries(120, 0.0, 5, 0.3, 2);
  SeriesView s{"flat", kMonday, Frequency::Daily(), y};
  const Forecast fc = FitPredict(*Make({{"growth", "flat"}}), s, PredictRequest{30, {80}});
  const auto& trend = fc.components[0];
  for (double v : trend) EXPECT_DOUBLE_EQ(v, trend[0]);
  EXPECT_NEAR(trend[0], 100, 0.5);
}

TEST(AdditiveTest, MultiplicativeSeasonalityScalesWithTheTrend) {
  // A weekly swing of +-20 % of a level that doubles.
  std::vector<double> y(280);
  for (size_t t = 0; t < y.size(); ++t) {
    const double level = 100 + static_cast<double>(t) * 100.0 / 280;
    y[t] = level * (1 + 0.2 * std::sin(2 * kPi * static_cast<double>(t) / 7));
  }
  SeriesView s{"mult", kMonday, Frequency::Daily(), y};
  auto mult = Make({{"seasonality_mode", "multiplicative"}});
  const Forecast fc = FitPredict(*mult, s, PredictRequest{14, {80}});
  ExpectComponentsSumToMean(fc);
  for (size_t h = 0; h < 14; ++h) {
    const double t = 280.0 + static_cast<double>(h);
    const double truth = (100 + t * 100.0 / 280) * (1 + 0.2 * std::sin(2 * kPi * t / 7));
    EXPECT_NEAR(fc.mean[h], truth, 0.03 * truth) << h;
  }
  // Per component: weekly_mode overrides the global mode.
  auto per = Make({{"seasonality_mode", "multiplicative"}, {"weekly_mode", "additive"}});
  const Forecast add = FitPredict(*per, s, PredictRequest{14, {}});
  ExpectComponentsSumToMean(add);
  double err_mult = 0, err_add = 0;
  for (size_t h = 0; h < 14; ++h) {
    const double t = 280.0 + static_cast<double>(h);
    const double truth = (100 + t * 100.0 / 280) * (1 + 0.2 * std::sin(2 * kPi * t / 7));
    err_mult += std::abs(fc.mean[h] - truth);
    err_add += std::abs(add.mean[h] - truth);
  }
  EXPECT_LT(err_mult, err_add);
}

TEST(AdditiveTest, AutomaticSeasonalitiesFollowFrequencyAndLength) {
  // Daily, 3 years: yearly and weekly. Daily, 3 months: weekly only. Weekly, 3 years: yearly.
  // Monthly, 18 months: none.
  struct Case {
    Frequency freq;
    size_t n;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {Frequency::Daily(), 3 * 365, {"trend", "yearly", "weekly"}},
      {Frequency::Daily(), 90, {"trend", "weekly"}},
      {Frequency::Weekly(Weekday::kFriday), 156, {"trend", "yearly"}},
      {Frequency::Monthly(), 18, {"trend"}},
  };
  for (const Case& c : cases) {
    const auto y = DailySeries(c.n, 0.1, 3, 1, 3);
    const Date start = c.freq.PeriodOf(kMonday);
    SeriesView s{"auto", start, c.freq, y};
    const Forecast fc = FitPredict(*Make(), s, PredictRequest{3, {}});
    EXPECT_EQ(fc.component_names, c.expected) << c.freq.ToString() << " n=" << c.n;
  }
}

TEST(AdditiveTest, CustomSeasonalityAndTheErrorsAroundIt) {
  // A 30.5-day cycle on daily data.
  std::vector<double> y(400);
  for (size_t t = 0; t < y.size(); ++t) {
    y[t] = 50 + 8 * std::cos(2 * kPi * static_cast<double>(t) / 30.5);
  }
  SeriesView s{"monthly_cycle", kMonday, Frequency::Daily(), y};
  auto est = Make({{"seasonalities", "monthly:30.5:3:5"}, {"weekly_seasonality", "0"}});
  const Forecast fc = FitPredict(*est, s, PredictRequest{31, {}});
  ASSERT_GE(ComponentIndex(fc, "monthly"), 0);
  for (size_t h = 0; h < 31; ++h) {
    const double t = 400.0 + static_cast<double>(h);
    EXPECT_NEAR(fc.mean[h], 50 + 8 * std::cos(2 * kPi * t / 30.5), 1.0) << h;
  }
  for (const char* bad : {"monthly:x:3", "monthly:30.5", "monthly:30.5:0", "monthly:30.5:3:-1",
                          ":30.5:3", "monthly:30.5:3:1:sideways", "a:7:1+a:7:1", "trend:7:1"}) {
    auto r = BuiltinRegistry().Create("additive", {{"seasonalities", bad}});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  // A weekly seasonality cannot be seen in weekly data.
  const auto wy = DailySeries(120, 0.1, 0, 1, 4);
  SeriesView weekly{"weekly", Date::FromYmd(2019, 1, 4), Frequency::Weekly(Weekday::kFriday), wy};
  auto fit = Make({{"weekly_seasonality", "3"}})->Fit(weekly);
  ASSERT_FALSE(fit.ok());
  EXPECT_EQ(fit.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(fit.status().message(), HasSubstr("weekly"));
}

// Daily sales with a +40 jump on US Thanksgiving and +20 on the day after.
std::vector<double> ThanksgivingSeries(Date start, size_t n) {
  std::vector<double> y = DailySeries(n, 0.01, 2, 0.5, 5);
  for (size_t t = 0; t < n; ++t) {
    const Date d = start + static_cast<int32_t>(t);
    Date tg;
    features::HolidayRule rule;
    rule.date_rule = features::HolidayDateRule::kNthWeekday;
    rule.month = 11;
    rule.weekday = Weekday::kThursday;
    rule.nth = 4;
    if (features::RuleDate(rule, d.year(), &tg)) {
      if (d == tg) y[t] += 40;
      if (d == tg + 1) y[t] += 20;
    }
  }
  return y;
}

TEST(AdditiveTest, CountryHolidaysWithWindows) {
  const Date start = Date::FromYmd(2016, 1, 1);
  const auto y = ThanksgivingSeries(start, 3 * 365 + 300);  // ends 2019-10-27
  SeriesView s{"us_shop", start, Frequency::Daily(), y};
  auto est = Make({{"country", "US"}, {"holidays_upper_window", "1"}});
  const Forecast fc = FitPredict(*est, s, PredictRequest{40, {80}});
  const int tg = ComponentIndex(fc, "holiday:Thanksgiving");
  ASSERT_GE(tg, 0);
  ExpectComponentsSumToMean(fc);
  // Thanksgiving 2019 is Nov 28; the day after gets the +1 window.
  const Date first = start + static_cast<int32_t>(y.size());
  const auto tg_step = static_cast<size_t>(Date::FromYmd(2019, 11, 28) - first);
  const auto& part = fc.components[static_cast<size_t>(tg)];
  EXPECT_NEAR(part[tg_step], 40, 4);
  EXPECT_NEAR(part[tg_step + 1], 20, 4);
  EXPECT_NEAR(part[tg_step - 10], 0, 1e-12);
  // Without the holidays the jump is invisible to the forecast.
  const Forecast plain = FitPredict(*Make(), s, PredictRequest{40, {}});
  EXPECT_GT(fc.mean[tg_step] - plain.mean[tg_step], 30);
  // The same window for Thanksgiving alone, through holiday_settings.
  auto own = Make({{"country", "US"}, {"holiday_settings", "Thanksgiving:0:1:20"}});
  const Forecast one = FitPredict(*own, s, PredictRequest{40, {}});
  const int tg1 = ComponentIndex(one, "holiday:Thanksgiving");
  ASSERT_GE(tg1, 0);
  EXPECT_NEAR(one.components[static_cast<size_t>(tg1)][tg_step + 1], 20, 4);
  const int xmas = ComponentIndex(one, "holiday:Christmas Day");
  ASSERT_GE(xmas, 0);
  EXPECT_EQ(one.components[static_cast<size_t>(xmas)][tg_step + 1], 0);
}

TEST(AdditiveTest, HolidaySettingsAreChecked) {
  auto unknown = BuiltinRegistry().Create(
      "additive", {{"country", "US"}, {"holiday_settings", "Thanksgivin:0:1"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("Thanksgivin'"));
  EXPECT_THAT(unknown.status().message(), HasSubstr("Labor Day"));
  EXPECT_TRUE(BuiltinRegistry()
                  .Create("additive", {{"country", "US"},
                                       {"holiday_settings", "Christmas Day (observed):-1:0"}})
                  .ok());
  for (const char* bad : {"Thanksgiving:1:0", "Thanksgiving:0", "Thanksgiving:0:x",
                          "Thanksgiving:0:1:-2", "Thanksgiving:0:1+Thanksgiving:0:2"}) {
    auto r = BuiltinRegistry().Create("additive", {{"country", "US"}, {"holiday_settings", bad}});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  auto no_country =
      BuiltinRegistry().Create("additive", {{"holiday_settings", "Thanksgiving:0:1"}});
  EXPECT_EQ(no_country.status().code(), StatusCode::kInvalidArgument);
}

TEST(AdditiveTest, HolidaysOnWeeklyDataHitTheWeekThatHoldsThem) {
  // Weekly (Friday) sales with +100 in Thanksgiving week.
  const Frequency weekly = Frequency::Weekly(Weekday::kFriday);
  const Date start = Date::FromYmd(2015, 1, 2);
  std::vector<double> y = DailySeries(198, 0.2, 0, 1, 6);  // ends 2018-10-12
  for (size_t t = 0; t < y.size(); ++t) {
    const Date stamp = weekly.Advance(start, static_cast<int64_t>(t));
    const auto week = features::HolidaysBetween("US", stamp - 6, stamp);
    ASSERT_TRUE(week.ok());
    for (const auto& h : *week) {
      if (h.name == "Thanksgiving") y[t] += 100;
    }
  }
  SeriesView s{"weekly_us", start, weekly, y};
  const Forecast fc = FitPredict(*Make({{"country", "US"}}), s, PredictRequest{10, {}});
  const int tg = ComponentIndex(fc, "holiday:Thanksgiving");
  ASSERT_GE(tg, 0);
  // Thanksgiving 2018 (Nov 22) is in the week ending Nov 23.
  const Date first = weekly.Advance(start, static_cast<int64_t>(y.size()));
  const auto steps = weekly.StepsBetween(first, Date::FromYmd(2018, 11, 23));
  ASSERT_TRUE(steps.ok());
  EXPECT_NEAR(fc.components[static_cast<size_t>(tg)][static_cast<size_t>(*steps)], 100, 10);
}

TEST(AdditiveTest, UserEventsFromFileAndFromCode) {
  // A promotion on four Saturdays with a +25 effect.
  const auto base = DailySeries(140, 0.05, 3, 0.5, 7);
  std::vector<double> y = base;
  std::vector<Date> promo_days;
  for (int k : {12, 40, 75, 110}) {
    y[static_cast<size_t>(k)] += 25;
    promo_days.push_back(kMonday + k);
  }
  promo_days.push_back(kMonday + 145);  // in the forecast window
  SeriesView s{"promo_shop", kMonday, Frequency::Daily(), y};
  AdditiveParams p;
  p.events.push_back(features::Event{"promo", promo_days, 0, 0, 5});
  const Forecast fc = FitPredict(*Make(p), s, PredictRequest{10, {80}});
  const int e = ComponentIndex(fc, "event:promo");
  ASSERT_GE(e, 0);
  EXPECT_NEAR(fc.components[static_cast<size_t>(e)][5], 25, 3);
  EXPECT_EQ(fc.components[static_cast<size_t>(e)][4], 0);

  // The same through a file and the registry.
  const std::string path = ::testing::TempDir() + "/additive_events.csv";
  {
    std::ofstream out(path);
    out << "event,ds\n";
    for (Date d : promo_days) out << "promo," << d.ToString() << "\n";
  }
  const Forecast via_file = FitPredict(*Make({{"events", path}}), s, PredictRequest{10, {80}});
  const int f = ComponentIndex(via_file, "event:promo");
  ASSERT_GE(f, 0);
  EXPECT_NEAR(via_file.components[static_cast<size_t>(f)][5], 25, 3);
  std::remove(path.c_str());

  auto missing = BuiltinRegistry().Create("additive", {{"events", path}});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto flags_alone = BuiltinRegistry().Create("additive", {{"event_flags", "promo"}});
  EXPECT_EQ(flags_alone.status().code(), StatusCode::kInvalidArgument);
  AdditiveParams bad;
  bad.events.push_back(features::Event{"promo", promo_days, 3, 0, 0});
  EXPECT_EQ(models::MakeAdditiveEstimator(bad).status().code(), StatusCode::kInvalidArgument);
}

// A panel with one daily series, a 0/1 promotion column and a price column.
struct PromoPanel {
  Panel panel{Frequency::Daily()};
  size_t promo = 0, price = 0, series = 0;
  std::vector<double> promo_values, price_values;

  explicit PromoPanel(size_t n) {
    promo = *panel.AddExogColumn("promo");
    price = *panel.AddExogColumn("price");
    Rng rng(11);
    std::vector<double> y(n);
    for (size_t t = 0; t < n; ++t) {
      promo_values.push_back(rng.Uniform() < 0.2 ? 1 : 0);
      price_values.push_back(10 + rng.Normal());
      y[t] = 200 - 5 * (price_values[t] - 10) + 30 * promo_values[t] + rng.Normal();
    }
    series = panel.AddSeries("shop", kMonday, y);
    for (size_t t = 0; t < n; ++t) {
      panel.mutable_exog(promo, series)[t] = promo_values[t];
      panel.mutable_exog(price, series)[t] = price_values[t];
    }
  }
};

TEST(AdditiveTest, RegressorsAreEstimatedAndNeedTheirFutureValues) {
  PromoPanel pp(150);
  const SeriesView s = pp.panel.series(pp.series);
  auto est = Make({{"regressors", "promo+price:5"}});
  auto fit = est->Fit(s);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();

  auto none = (*fit)->Predict(PredictRequest{7, {80}});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(none.status().message(), HasSubstr("'promo'"));
  EXPECT_THAT(none.status().message(), HasSubstr("2019-06-06"));  // the first forecast date

  const std::vector<double> promo = {1, 0, 0, 1, 0, 0, 0};
  const std::vector<double> price = {10, 10, 12, 10, 10, 10, 8};
  const Date first = Date::FromYmd(2019, 6, 6);
  FutureRegressors partial{first, Frequency::Daily(), {"promo"}, {promo}};
  auto only_promo = (*fit)->Predict(PredictRequest{7, {80}, &partial});
  ASSERT_FALSE(only_promo.ok());
  EXPECT_THAT(only_promo.status().message(), HasSubstr("'price'"));

  const std::vector<double> short_price = {10, 10};
  FutureRegressors too_short{first, Frequency::Daily(), {"promo", "price"}, {promo, short_price}};
  auto short_fc = (*fit)->Predict(PredictRequest{7, {80}, &too_short});
  ASSERT_FALSE(short_fc.ok());
  EXPECT_THAT(short_fc.status().message(), HasSubstr("5 of the 7"));

  FutureRegressors late{first + 1, Frequency::Daily(), {"promo", "price"}, {promo, price}};
  EXPECT_EQ((*fit)->Predict(PredictRequest{7, {80}, &late}).status().code(),
            StatusCode::kInvalidArgument);

  FutureRegressors f{first, Frequency::Daily(), {"promo", "price"}, {promo, price}};
  auto fc = (*fit)->Predict(PredictRequest{7, {80}, &f});
  ASSERT_TRUE(fc.ok()) << fc.status().ToString();
  ExpectComponentsSumToMean(*fc);
  const int promo_part = ComponentIndex(*fc, "regressor:promo");
  const int price_part = ComponentIndex(*fc, "regressor:price");
  ASSERT_GE(promo_part, 0);
  ASSERT_GE(price_part, 0);
  // promo is a 0/1 flag (not standardised): its part is the effect on promotion days, 0 else.
  const auto& pr = fc->components[static_cast<size_t>(promo_part)];
  EXPECT_NEAR(pr[0], 30, 1.5);
  EXPECT_NEAR(pr[1], 0, 1e-9);
  // price is standardised; its part moves -5 per unit of price.
  const auto& pc = fc->components[static_cast<size_t>(price_part)];
  EXPECT_NEAR(pc[2] - pc[0], -10, 1.5);
  EXPECT_NEAR(pc[6] - pc[0], 10, 1.5);
}

TEST(AdditiveTest, RegressorErrorsNameTheColumn) {
  PromoPanel pp(60);
  auto absent = Make({{"regressors", "temperature"}})->Fit(pp.panel.series(pp.series));
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(absent.status().message(), HasSubstr("temperature"));
  EXPECT_THAT(absent.status().message(), HasSubstr("promo, price"));
  // A standalone series has no columns at all.
  const std::vector<double> y(30, 1.0);
  SeriesView alone{"alone", kMonday, Frequency::Daily(), y};
  EXPECT_EQ(Make({{"regressors", "promo"}})->Fit(alone).status().code(),
            StatusCode::kInvalidArgument);
  // A missing regressor value where y is observed.
  pp.panel.mutable_exog(pp.price, pp.series)[10] = std::nan("");
  auto gap = Make({{"regressors", "price"}})->Fit(pp.panel.series(pp.series));
  ASSERT_FALSE(gap.ok());
  EXPECT_EQ(gap.status().code(), StatusCode::kDataError);
  EXPECT_THAT(gap.status().message(), HasSubstr("2019-01-17"));
  // ... but not where y is missing too.
  pp.panel.mutable_values(pp.series)[10] = std::nan("");
  EXPECT_TRUE(Make({{"regressors", "price"}})->Fit(pp.panel.series(pp.series)).ok());
  for (const char* bad : {"a:0", "a:x", "a:1:sideways", "a:1:additive:maybe", "a+a", "+a",
                          "a:1:additive:true:extra"}) {
    auto r = BuiltinRegistry().Create("additive", {{"regressors", bad}});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(AdditiveTest, IntervalsWidenAndAreReproducible) {
  const auto y = DailySeries(300, 0.2, 5, 2, 8);
  SeriesView s{"noisy", kMonday, Frequency::Daily(), y};
  auto est = Make();
  const Forecast a = FitPredict(*est, s, PredictRequest{60, {80, 95}});
  const Forecast b = FitPredict(*est, s, PredictRequest{60, {80, 95}});
  EXPECT_EQ(a.lower, b.lower);
  EXPECT_EQ(a.upper, b.upper);
  for (size_t t = 0; t < 60; ++t) {
    EXPECT_LT(a.lower[1][t], a.lower[0][t]);
    EXPECT_GT(a.upper[1][t], a.upper[0][t]);
  }
  // Trend uncertainty grows with the horizon.
  EXPECT_GT(a.upper[1][59] - a.lower[1][59], a.upper[1][0] - a.lower[1][0]);
  // About 80 % of the noise falls in the 80 % interval at the first step: width ~ 2.56 sigma.
  EXPECT_NEAR(a.upper[0][0] - a.lower[0][0], 2.563 * 2, 1.2);
  // A shorter forecast is the start of a longer one.
  const Forecast short_fc = FitPredict(*est, s, PredictRequest{10, {80, 95}});
  for (size_t t = 0; t < 10; ++t) {
    EXPECT_EQ(short_fc.lower[0][t], a.lower[0][t]) << t;
    EXPECT_EQ(short_fc.upper[1][t], a.upper[1][t]) << t;
  }
  // Another seed moves the bounds a little, never the mean.
  const Forecast other = FitPredict(*Make({{"seed", "7"}}), s, PredictRequest{60, {80, 95}});
  EXPECT_EQ(other.mean, a.mean);
  EXPECT_NE(other.lower, a.lower);
  // Without samples: normal intervals from the noise alone, constant over the horizon.
  const Forecast normal =
      FitPredict(*Make({{"interval_samples", "0"}}), s, PredictRequest{60, {80}});
  EXPECT_NEAR(normal.upper[0][59] - normal.lower[0][59], normal.upper[0][0] - normal.lower[0][0],
              1e-9);
}

TEST(AdditiveTest, CountAwareIntervalsNeverGoBelowZero) {
  // Unit sales around 1.5 a day with a weekly pattern: normal intervals reach below zero.
  Rng rng(21);
  std::vector<double> y(200);
  for (size_t t = 0; t < y.size(); ++t) {
    y[t] = static_cast<double>(rng.Poisson(1.5 + std::sin(2 * kPi * static_cast<double>(t) / 7)));
  }
  SeriesView s{"units", kMonday, Frequency::Daily(), y};
  // Without the shared non-negative clamp (its default clamps series that were never negative).
  const Forecast normal =
      FitPredict(*Make({{"non_negative", "false"}}), s, PredictRequest{28, {80, 95}});
  double lowest = 0;
  for (double v : normal.lower[1]) lowest = std::min(lowest, v);
  EXPECT_LT(lowest, 0);
  const Forecast counts = FitPredict(*Make({{"count_aware", "true"}, {"non_negative", "false"}}), s,
                                     PredictRequest{28, {80, 95}});
  for (size_t t = 0; t < 28; ++t) {
    EXPECT_GE(counts.lower[1][t], 0) << t;
    EXPECT_GE(counts.mean[t], 0) << t;
    EXPECT_LE(counts.lower[1][t], counts.mean[t]);
    EXPECT_GE(counts.upper[1][t], counts.mean[t]);
  }
  auto no_samples =
      BuiltinRegistry().Create("additive", {{"count_aware", "true"}, {"interval_samples", "0"}});
  EXPECT_EQ(no_samples.status().code(), StatusCode::kInvalidArgument);
}

TEST(AdditiveTest, TuneChoosesByBacktestWithoutLookingAhead) {
  // A panel series with a regressor; the tuned fit of its first 300 days must be the same
  // whether or not later values (y and regressor) exist in the panel.
  PromoPanel pp(360);
  const SeriesView full = pp.panel.series(pp.series);
  const SeriesView head = full.Head(300);
  Panel alone(Frequency::Daily());
  const size_t promo = *alone.AddExogColumn("promo");
  const size_t i = alone.AddSeries("shop", kMonday, full.y.first(300));
  for (size_t t = 0; t < 300; ++t) alone.mutable_exog(promo, i)[t] = pp.promo_values[t];
  auto est = Make({{"tune", "true"}, {"regressors", "promo"}, {"tune_horizon", "20"}});
  const std::vector<double> future_promo(14, 0);
  FutureRegressors f{
      full.freq.Advance(kMonday, 300), Frequency::Daily(), {"promo"}, {future_promo}};
  const Forecast a = FitPredict(*est, head, PredictRequest{14, {80}, &f});
  // Change what comes after day 300 in the panel: nothing may move.
  for (size_t t = 300; t < 360; ++t) {
    pp.panel.mutable_values(pp.series)[t] = 1e6;
    pp.panel.mutable_exog(pp.promo, pp.series)[t] = 1;
  }
  const Forecast b =
      FitPredict(*est, pp.panel.series(pp.series).Head(300), PredictRequest{14, {80}, &f});
  const Forecast c = FitPredict(*est, alone.series(i), PredictRequest{14, {80}, &f});
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.mean, c.mean);
  // The tuned fit differs from the default one (the grid does not hold the defaults).
  const Forecast untuned =
      FitPredict(*Make({{"regressors", "promo"}}), head, PredictRequest{14, {80}, &f});
  EXPECT_NE(untuned.mean, a.mean);
  // A series too short for one window is a DataError naming it.
  const std::vector<double> y(12, 3.0);
  SeriesView tiny{"tiny", kMonday, Frequency::Daily(), y};
  auto fit = Make({{"tune", "true"}, {"tune_horizon", "10"}})->Fit(tiny);
  ASSERT_FALSE(fit.ok());
  EXPECT_EQ(fit.status().code(), StatusCode::kDataError);
  EXPECT_THAT(fit.status().message(), HasSubstr("tiny"));
  for (const char* grid : {"", "0.1+", "x", "-1", "0"}) {
    auto r = BuiltinRegistry().Create("additive", {{"tune_changepoint_scales", grid}});
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << grid;
  }
}

TEST(AdditiveTest, SavedStateWithHolidaysEventsAndRegressorsRoundTrips) {
  PromoPanel pp(400);
  AdditiveParams p;
  p.country = "UK";
  p.holidays_lower_window = -1;
  p.holiday_settings.push_back(models::HolidaySetting{"Good Friday", -2, 1, 4});
  p.regressors.push_back(models::RegressorSpec{"promo", 3, models::ComponentMode::kMultiplicative,
                                               models::Standardize::kAuto});
  p.events.push_back(features::Event{"launch", {kMonday + 30, kMonday + 405}, 0, 2, 0});
  p.seasonalities.push_back(
      models::SeasonalitySpec{"fortnight", 14, 2, 4, models::ComponentMode::kAdditive});
  auto est = Make(p);
  auto fit = est->Fit(pp.panel.series(pp.series));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  const std::vector<double> promo(30, 1);
  FutureRegressors f{Date::FromYmd(2020, 2, 11), Frequency::Daily(), {"promo"}, {promo}};
  const PredictRequest req{30, {80, 95}, &f};
  auto before = (*fit)->Predict(req);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ByteWriter w;
  (*fit)->Save(w);
  ByteReader r(w.bytes());
  auto loaded = est->Load(r);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto after = (*loaded)->Predict(req);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(before->mean, after->mean);
  EXPECT_EQ(before->lower, after->lower);
  EXPECT_EQ(before->upper, after->upper);
  EXPECT_EQ(before->component_names, after->component_names);
  EXPECT_EQ(before->components, after->components);
  EXPECT_GE(ComponentIndex(*after, "event:launch"), 0);
  EXPECT_GE(ComponentIndex(*after, "fortnight"), 0);
  EXPECT_GE(ComponentIndex(*after, "holiday:Good Friday"), 0);
  ExpectComponentsSumToMean(*after);
}

TEST(AdditiveTest, ShortAndConstantSeries) {
  const std::vector<double> two = {3, 5};
  SeriesView s{"two", kMonday, Frequency::Daily(), two};
  const Forecast fc = FitPredict(*Make(), s, PredictRequest{3, {80}});
  EXPECT_NEAR(fc.mean[0], 7, 0.5);  // the line through both points
  const std::vector<double> flat(40, 12.5);
  SeriesView c{"constant", kMonday, Frequency::Daily(), flat};
  const Forecast cf = FitPredict(*Make(), c, PredictRequest{5, {80}});
  for (size_t t = 0; t < 5; ++t) {
    EXPECT_DOUBLE_EQ(cf.mean[t], 12.5);
    EXPECT_NEAR(cf.upper[0][t] - cf.lower[0][t], 0, 1e-6);
  }
  const std::vector<double> one = {3, std::nan(""), std::nan("")};
  SeriesView o{"one_value", kMonday, Frequency::Daily(), one};
  auto fit = Make()->Fit(o);
  ASSERT_FALSE(fit.ok());
  EXPECT_EQ(fit.status().code(), StatusCode::kDataError);
  EXPECT_THAT(fit.status().message(), HasSubstr("one_value"));
}

TEST(AdditiveTest, OptionChecks) {
  for (const auto& kv : std::vector<std::pair<std::string, std::string>>{
           {"country", "XX"},
           {"growth", "exponential"},
           {"changepoint_range", "1.5"},
           {"changepoint_prior_scale", "0"},
           {"holidays_lower_window", "1"},
           {"interval_samples", "20000"},
           {"yearly_mode", "sideways"},
       }) {
    auto r = BuiltinRegistry().Create("additive", {kv});
    ASSERT_FALSE(r.ok()) << kv.first;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << kv.first;
  }
  AdditiveParams p;
  p.country = "XX";
  auto r = models::MakeAdditiveEstimator(p);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("XX"));
  p = AdditiveParams{};
  p.regressors.push_back(models::RegressorSpec{"", 1});
  EXPECT_FALSE(models::MakeAdditiveEstimator(p).ok());
  p = AdditiveParams{};
  p.tune = true;
  p.tune_seasonality_scales.clear();
  EXPECT_FALSE(models::MakeAdditiveEstimator(p).ok());
}

}  // namespace
}  // namespace retailcast
