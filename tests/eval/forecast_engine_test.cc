#include "retailcast/eval/forecast_engine.h"
#include "retailcast/catalog/catalog.h"

#include <gtest/gtest.h>

#include <cmath>
#include <mutex>
#include <vector>

#include "test_models.h"

namespace retailcast::eval {
namespace {

using testing::LastPlusSpec;
using testing::TestRegistry;

Panel MonthlyPanel() {
  Panel p(Frequency::Monthly());
  std::vector<double> a = {1, 2, 3, 4};
  std::vector<double> bad = {5, 6};
  std::vector<double> b = {7, 8, NAN};
  p.AddSeries("a", Date::FromYmd(2020, 1, 1), a);
  p.AddSeries("bad_one", Date::FromYmd(2021, 3, 1), bad);
  p.AddSeries("b", Date::FromYmd(2019, 11, 1), b);
  return p;
}

std::vector<ModelInstance> TwoModels() {
  auto models = InstantiateModels(
      TestRegistry(), {LastPlusSpec("flat", "offset=0"), LastPlusSpec("up", "offset=1,spread=2")});
  EXPECT_TRUE(models.ok()) << models.status().ToString();
  return *models;
}

TEST(ForecastEngineTest, RowsInSeriesModelDateOrderWithDates) {
  Panel p = MonthlyPanel();
  ThreadPool pool(2);
  ForecastOptions opt;
  opt.request = {3, {80, 95}};
  auto run = ForecastPanel(p, TwoModels(), opt, pool);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->table.levels(), (std::vector<double>{80, 95}));
  ASSERT_EQ(run->table.size(), 2u * 2u * 3u);  // bad_one fails for both models
  const auto r = run->table.rows();
  EXPECT_EQ(r[0].unique_id, "a");
  EXPECT_EQ(r[0].model, "flat");
  EXPECT_EQ(r[0].ds, Date::FromYmd(2020, 5, 1));
  EXPECT_EQ(r[2].ds, Date::FromYmd(2020, 7, 1));
  EXPECT_EQ(r[0].yhat, 4);
  EXPECT_EQ(r[3].model, "up");
  EXPECT_EQ(r[3].yhat, 5);
  EXPECT_EQ(r[5].yhat, 7);
  EXPECT_DOUBLE_EQ(r[3].lo(0), 5 - 1.6);
  EXPECT_DOUBLE_EQ(r[3].hi(1), 5 + 1.9);
  // Series b ends 2020-01-01 (its last value is NaN but still part of the series).
  EXPECT_EQ(r[6].unique_id, "b");
  EXPECT_EQ(r[6].ds, Date::FromYmd(2020, 2, 1));
  EXPECT_EQ(r[6].yhat, 8);
  ASSERT_EQ(run->errors.size(), 2u);
  EXPECT_EQ(run->errors[0].unique_id, "bad_one");
  EXPECT_EQ(run->errors[0].model, "flat");
  EXPECT_EQ(run->errors[1].model, "up");
  EXPECT_EQ(run->errors[0].status.code(), StatusCode::kDataError);
  EXPECT_NE(run->errors[0].status.message().find("marked bad"), std::string::npos);
}

// A model that names the series in its own message is not named again by the engine; one
// that does not gets the series and model in front.
TEST(ForecastEngineTest, ErrorsNameTheSeriesAndModelOnce) {
  Panel p(Frequency::Monthly());
  const std::vector<double> one = {5};
  p.AddSeries("lonely", Date::FromYmd(2020, 1, 1), one);
  auto specs = MakeModelSpecs(BuiltinRegistry(), "auto_ets", 0);
  ASSERT_TRUE(specs.ok());
  auto models = InstantiateModels(BuiltinRegistry(), *specs);
  ASSERT_TRUE(models.ok());
  ThreadPool pool(1);
  ForecastOptions opt;
  opt.request = {2, {}};
  // The only pair fails, so the run fails with its error.
  auto run = ForecastPanel(p, *models, opt, pool);
  ASSERT_FALSE(run.ok());
  const std::string& message = run.status().message();
  const size_t first = message.find("series 'lonely'");
  ASSERT_NE(first, std::string::npos) << message;
  EXPECT_EQ(message.find("series 'lonely'", first + 1), std::string::npos) << message;
  EXPECT_NE(message.find("model 'auto_ets'"), std::string::npos) << message;

  ForecastOptions three;
  three.request = {3, {80}};
  auto bad = ForecastPanel(MonthlyPanel(), TwoModels(), three, pool);
  ASSERT_TRUE(bad.ok());
  ASSERT_FALSE(bad->errors.empty());
  EXPECT_EQ(bad->errors[0].status.message().rfind("series 'bad_one', model 'flat': ", 0), 0u)
      << bad->errors[0].status.message();
}

TEST(ForecastEngineTest, FailModeReturnsFirstError) {
  Panel p = MonthlyPanel();
  ThreadPool pool(2);
  ForecastOptions opt;
  opt.request = {2, {}};
  opt.on_error = OnModelError::kFail;
  auto run = ForecastPanel(p, TwoModels(), opt, pool);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kDataError);
  EXPECT_NE(run.status().message().find("series 'bad_one', model 'flat'"), std::string::npos);
}

TEST(ForecastEngineTest, SameResultOnOneAndTwoThreadsAndProgressCounts) {
  Panel p(Frequency::Daily());
  for (int i = 0; i < 50; ++i) {
    std::vector<double> y;
    for (int t = 0; t < 10 + i % 7; ++t) y.push_back(i * 1.5 + t * 0.25);
    p.AddSeries("s" + std::to_string(i), Date::FromYmd(2022, 1, 1) + i, y);
  }
  ForecastOptions opt;
  opt.request = {5, {90}};
  std::mutex mu;
  std::vector<size_t> seen;
  size_t total_seen = 0;
  opt.progress = [&](size_t done, size_t total) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(done);
    total_seen = total;
  };
  ThreadPool one(1), two(2);
  auto r1 = ForecastPanel(p, TwoModels(), opt, one);
  ASSERT_EQ(seen.size(), 100u);
  for (size_t k = 0; k < seen.size(); ++k) EXPECT_EQ(seen[k], k + 1);
  EXPECT_EQ(total_seen, 100u);
  auto r2 = ForecastPanel(p, TwoModels(), opt, two);
  ASSERT_TRUE(r1.ok() && r2.ok());
  ASSERT_EQ(r1->table.size(), r2->table.size());
  for (size_t k = 0; k < r1->table.size(); ++k) {
    const auto &x = r1->table.rows()[k], &y = r2->table.rows()[k];
    EXPECT_EQ(x.unique_id, y.unique_id);
    EXPECT_EQ(x.ds, y.ds);
    EXPECT_EQ(x.model, y.model);
    EXPECT_EQ(x.yhat, y.yhat);
    EXPECT_EQ(x.lo(0), y.lo(0));
  }
}

TEST(ForecastEngineTest, BadRequestsAndModels) {
  Panel p = MonthlyPanel();
  ThreadPool pool(1);
  ForecastOptions opt;
  opt.request = {0, {}};
  EXPECT_EQ(ForecastPanel(p, TwoModels(), opt, pool).status().code(), StatusCode::kInvalidArgument);
  opt.request = {1, {100}};
  EXPECT_EQ(ForecastPanel(p, TwoModels(), opt, pool).status().code(), StatusCode::kInvalidArgument);
  opt.request = {1, {}};
  EXPECT_EQ(ForecastPanel(p, {}, opt, pool).status().code(), StatusCode::kInvalidArgument);
  auto dup = InstantiateModels(TestRegistry(), {LastPlusSpec("x", ""), LastPlusSpec("x", "")});
  EXPECT_EQ(dup.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dup.status().message().find("'x'"), std::string::npos);
  ModelSpec unknown{"nope", {}, "nope"};
  EXPECT_EQ(InstantiateModels(TestRegistry(), {unknown}).status().code(), StatusCode::kNotFound);
}

TEST(ForecastEngineTest, EmptySeriesIsReportedNotDropped) {
  Panel p(Frequency::Daily());
  const double y[] = {1, 2, 3};
  p.AddSeries("empty", Date::FromYmd(2022, 1, 1), std::span<const double>());
  p.AddSeries("full", Date::FromYmd(2022, 1, 1), y);
  ThreadPool pool(1);
  ForecastOptions opt;
  opt.request = {2, {}};
  auto run = ForecastPanel(p, TwoModels(), opt, pool);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->table.size(), 2u * 2u);
  ASSERT_EQ(run->errors.size(), 2u);
  EXPECT_EQ(run->errors[0].unique_id, "empty");
}

TEST(ForecastEngineTest, ARunWhereEveryPairFailsFails) {
  Panel p(Frequency::Daily());
  p.AddSeries("empty", Date::FromYmd(2022, 1, 1), std::span<const double>());
  ThreadPool pool(1);
  ForecastOptions opt;
  opt.request = {2, {}};
  auto run = ForecastPanel(p, TwoModels(), opt, pool);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kDataError);
  EXPECT_NE(run.status().message().find("no (series, model) pair could be forecast (2 failed)"),
            std::string::npos)
      << run.status().message();
  EXPECT_NE(run.status().message().find("series 'empty'"), std::string::npos);
}

TEST(ForecastTableTest, MissingIntervalLevelsAreNaN) {
  Forecast f;
  f.mean = {1, 2};
  f.levels = {80};
  f.lower = {{0, 1}};
  f.upper = {{2, 3}};
  ForecastTable t({80, 95});
  t.AppendForecast("s", "m", Date::FromYmd(2020, 1, 31), Frequency::Monthly(), f);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.ds(0), Date::FromYmd(2020, 2, 29));  // month end clamps
  EXPECT_EQ(t.lo(0, 1), 1);
  EXPECT_TRUE(std::isnan(t.lo(1, 1)));
  EXPECT_TRUE(std::isnan(t.hi(1, 0)));
}

TEST(ForecastTableTest, InternsStringsAndGroupsBlocks) {
  Forecast f;
  f.mean = {1, 2, 3};
  ForecastTable t;
  t.AppendForecast("a", "naive", Date::FromYmd(2020, 1, 1), Frequency::Daily(), f);
  t.AppendForecast("a", "snaive", Date::FromYmd(2020, 1, 1), Frequency::Daily(), f);
  t.AppendForecast("b", "naive", Date::FromYmd(2020, 1, 1), Frequency::Daily(), f);
  EXPECT_EQ(t.series_ids(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t.models(), (std::vector<std::string>{"naive", "snaive"}));
  ASSERT_EQ(t.blocks().size(), 3u);
  EXPECT_EQ(t.blocks()[2].series, 1u);
  EXPECT_EQ(t.blocks()[2].model, 0u);
  EXPECT_EQ(t.blocks()[2].begin, 6u);
  EXPECT_EQ(t.blocks()[2].end, 9u);
  EXPECT_EQ(t.model(4), "snaive");
  ForecastTable copy;
  copy.AppendBlocks(t, 1, 3);
  ASSERT_EQ(copy.size(), 6u);
  EXPECT_EQ(copy.unique_id(0), "a");
  EXPECT_EQ(copy.model(0), "snaive");
  EXPECT_EQ(copy.unique_id(5), "b");
  EXPECT_EQ(copy.blocks().size(), 2u);
}

TEST(MakeModelSpecsTest, SetsSeasonLengthWhereTheSpecHasIt) {
  auto specs = MakeModelSpecs(BuiltinRegistry(), " snaive, naive,mean ", 12);
  ASSERT_TRUE(specs.ok()) << specs.status().ToString();
  ASSERT_EQ(specs->size(), 3u);
  EXPECT_EQ((*specs)[0].label, "snaive");
  EXPECT_EQ((*specs)[0].params.GetInt("season_length"), 12);
  for (const auto& s : *specs) {
    if (s.params.Has("season_length")) {
      EXPECT_EQ(s.params.GetInt("season_length"), 12);
    }
  }
  auto deflt = MakeModelSpecs(BuiltinRegistry(), "snaive", 0);
  ASSERT_TRUE(deflt.ok());
  EXPECT_EQ((*deflt)[0].params.GetInt("season_length"), 0);
  auto with_test = MakeModelSpecs(TestRegistry(), "last_plus", 7);
  ASSERT_TRUE(with_test.ok());
  EXPECT_EQ((*with_test)[0].params.GetInt("season_length"), 7);

  EXPECT_EQ(MakeModelSpecs(BuiltinRegistry(), "snaive,snaive", 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeModelSpecs(BuiltinRegistry(), " , ", 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeModelSpecs(BuiltinRegistry(), "snaive", -1).status().code(),
            StatusCode::kInvalidArgument);
  auto unknown = MakeModelSpecs(BuiltinRegistry(), "snaive,prophet", 0);
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("naive"), std::string::npos);
}

TEST(ForecastEngineTest, BuiltinBaselinesRunOnAPanel) {
  Panel p(Frequency::Monthly());
  std::vector<double> y;
  for (int t = 0; t < 36; ++t) y.push_back(100 + 10 * ((t % 12) < 6 ? 1 : -1) + t);
  p.AddSeries("s", Date::FromYmd(2018, 1, 1), y);
  auto specs = MakeModelSpecs(BuiltinRegistry(), "naive,snaive,mean,drift,window_average", 12);
  ASSERT_TRUE(specs.ok()) << specs.status().ToString();
  auto models = InstantiateModels(BuiltinRegistry(), *specs);
  ASSERT_TRUE(models.ok()) << models.status().ToString();
  ThreadPool pool(2);
  ForecastOptions opt;
  opt.request = {12, {80, 95}};
  auto run = ForecastPanel(p, *models, opt, pool);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->errors.empty());
  ASSERT_EQ(run->table.size(), 5u * 12u);
  EXPECT_EQ(run->table.rows()[0].yhat, y.back());  // naive
  EXPECT_EQ(run->table.rows()[12].yhat, y[24]);    // snaive, one year back
  EXPECT_EQ(run->table.rows()[12].ds, Date::FromYmd(2021, 1, 1));
}

}  // namespace
}  // namespace retailcast::eval
