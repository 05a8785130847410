// Known future values of exogenous columns reach the models: from a future panel in the
// forecast engine and in model-set forecasts, from the series' own exogenous values in a
// backtest, and a missing value is an error naming the regressor and the dates.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "retailcast/eval/backtest.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast/eval/model_set.h"
#include "test_models.h"

namespace retailcast::eval {
namespace {

using testing::LastPlusSpec;
using testing::TestRegistry;

// Weekly (W-FRI) series "a" with a price column 10, 20, ..., and "b" without future values.
Panel Training() {
  Panel p(Frequency::Weekly(Weekday::kFriday));
  EXPECT_TRUE(p.AddExogColumn("price").ok());
  const Date start = Date::FromYmd(2024, 1, 5);
  size_t a = p.AddSeries("a", start, std::vector<double>{1, 2, 3, 4, 5, 6});
  size_t b = p.AddSeries("b", start, std::vector<double>{7, 8, 9});
  for (size_t t = 0; t < 6; ++t) p.mutable_exog(0, a)[t] = 10.0 * static_cast<double>(t + 1);
  for (size_t t = 0; t < 3; ++t) p.mutable_exog(0, b)[t] = 1;
  return p;
}

// Future prices of "a": starts one week before a's end (overlap is allowed) and runs 4 weeks.
Panel Future() {
  Panel f(Frequency::Weekly(Weekday::kFriday));
  EXPECT_TRUE(f.AddExogColumn("price").ok());
  size_t a = f.AddSeries("a", Date::FromYmd(2024, 2, 9), 4);
  std::vector<double> v = {60, 100, 200, 300};
  for (size_t t = 0; t < 4; ++t) f.mutable_exog(0, a)[t] = v[t];
  return f;
}

std::vector<ModelInstance> Regressing() {
  auto m = InstantiateModels(TestRegistry(), {LastPlusSpec("reg", "regressor=price")});
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

TEST(FutureRegressorsTest, FutureFromPanelAlignsByDateAndMarksGaps) {
  Panel future = Future();
  SeriesFuture f;
  // a ends 2024-02-09; the forecast dates are 02-16, 02-23, 03-01, 03-08 (the last is absent).
  FutureFromPanel(future, "a", Date::FromYmd(2024, 2, 9), 4, &f);
  ASSERT_EQ(f.regressors.names.size(), 1u);
  EXPECT_EQ(f.regressors.start, Date::FromYmd(2024, 2, 16));
  std::span<const double> v = f.regressors.Find("price");
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], 100);
  EXPECT_EQ(v[2], 300);
  EXPECT_TRUE(std::isnan(v[3]));
  Status s = f.regressors.Require("price", 4, "m", "a");
  ASSERT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("2024-03-08"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("'price'"), std::string::npos) << s.ToString();
  EXPECT_TRUE(f.regressors.Require("price", 3, "m", "a").ok());
  // A series the future panel lacks: every value unknown.
  SeriesFuture none;
  FutureFromPanel(future, "zzz", Date::FromYmd(2024, 2, 9), 2, &none);
  EXPECT_TRUE(std::isnan(none.regressors.Find("price")[0]));
}

TEST(FutureRegressorsTest, EngineGivesEachSeriesItsFutureValues) {
  Panel train = Training();
  Panel future = Future();
  ThreadPool pool(2);
  ForecastOptions opt;
  opt.request = {3, {}};
  opt.future = &future;
  auto run = ForecastPanel(train, Regressing(), opt, pool);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->table.size(), 3u);  // "a" only
  EXPECT_EQ(run->table.rows()[0].yhat, 6 + 100);
  EXPECT_EQ(run->table.rows()[2].yhat, 6 + 300);
  // "b" has no future prices: its error names the regressor and its first missing date.
  ASSERT_EQ(run->errors.size(), 1u);
  EXPECT_EQ(run->errors[0].unique_id, "b");
  EXPECT_NE(run->errors[0].status.message().find("2024-01-26"), std::string::npos)
      << run->errors[0].status.ToString();
  // Without a future panel the model says what it lacks, and with no forecast at all the run
  // fails.
  opt.future = nullptr;
  auto bare = ForecastPanel(train, Regressing(), opt, pool);
  ASSERT_FALSE(bare.ok());
  EXPECT_NE(bare.status().message().find("(2 failed)"), std::string::npos)
      << bare.status().ToString();
}

TEST(FutureRegressorsTest, ModelSetForecastsUseTheFuturePanel) {
  Panel train = Training();
  Panel future = Future();
  ThreadPool pool(1);
  auto set = Train(train, Regressing(), TrainOptions{}, pool);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ForecastOptions opt;
  opt.request = {2, {}};
  opt.future = &future;
  auto loaded = LoadedModelSet::Load(set->Serialize(), TestRegistry());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto run = Predict(*loaded, opt, pool);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->table.size(), 2u);
  EXPECT_EQ(run->table.rows()[1].yhat, 6 + 200);
}

TEST(FutureRegressorsTest, BacktestUsesTheActualExogenousValuesOfEachTestWindow) {
  Panel train = Training();
  ThreadPool pool(1);
  BacktestOptions o;
  o.horizon = 2;
  o.windows = 2;
  o.levels = {};
  o.min_train_length = 1;
  o.metrics = {"MAE"};
  auto bt = RunBacktest(train, Regressing(), o, pool);
  ASSERT_TRUE(bt.ok()) << bt.status().ToString();
  // Series a, window 1: cutoff 4 (last = 4), forecasts 4 + price[4] = 54 and 4 + price[5] = 64
  // against actuals 5 and 6: MAE 53.5.
  bool found = false;
  for (const auto& r : bt->records) {
    if (r.series == 0 && r.window == 1) {
      EXPECT_DOUBLE_EQ(r.metrics.mae, 53.5);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace retailcast::eval
