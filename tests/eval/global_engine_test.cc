// Global models through the forecast engine, the backtest and trained model sets, with the
// pooled_drift test model (test_models.h): fitted once per panel (once per backtest window),
// on training parts only, next to per-series models whose results do not change.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "retailcast/core/global_model.h"
#include "retailcast/eval/backtest.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast/eval/model_set.h"
#include "test_models.h"

namespace retailcast::eval {
namespace {

using testing::LastPlusSpec;
using testing::PooledDriftFitCount;
using testing::PooledDriftSpec;
using testing::TestRegistry;

Panel ThreeSeries() {
  Panel p(Frequency::Monthly());
  p.AddSeries("a", Date::FromYmd(2020, 1, 1), std::vector<double>{1, 2, 3, 4});
  p.AddSeries("bad_x", Date::FromYmd(2020, 1, 1), std::vector<double>{5, 6});
  p.AddSeries("b", Date::FromYmd(2019, 6, 1), std::vector<double>{10, 12, NAN});
  return p;
}

std::vector<ModelInstance> LocalAndGlobal(const std::string& pool_params = "spread=2") {
  auto models = InstantiateModels(
      TestRegistry(), {LastPlusSpec("flat", "offset=0"), PooledDriftSpec("pool", pool_params)});
  EXPECT_TRUE(models.ok()) << models.status().ToString();
  return models.ok() ? *models : std::vector<ModelInstance>{};
}

TEST(GlobalEngineTest, InstancesOfGlobalEntriesHaveBothForms) {
  auto models = LocalAndGlobal();
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].global, nullptr);
  EXPECT_NE(models[1].global, nullptr);
  EXPECT_NE(models[1].estimator, nullptr);
  auto per_series = TestRegistry().CreateGlobal("last_plus", ParamValues{});
  EXPECT_EQ(per_series.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TestRegistry().CreateGlobal("nope", ParamValues{}).status().code(),
            StatusCode::kNotFound);
}

TEST(GlobalEngineTest, ForecastPanelFitsTheGlobalModelOnceOnThePanel) {
  Panel p = ThreeSeries();
  ThreadPool pool(2);
  ForecastOptions opt;
  opt.request = {2, {80}};
  const int fits = PooledDriftFitCount();
  auto run = ForecastPanel(p, LocalAndGlobal(), opt, pool);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(PooledDriftFitCount() - fits, 1);
  // Pooled drift: the differences of a (1, 1, 1) and b (2); bad_x is left out.
  const double drift = 5.0 / 4.0;
  const auto r = run->table.rows();
  ASSERT_EQ(r.size(), 8u);
  EXPECT_EQ(r[0].model, "flat");
  EXPECT_EQ(r[0].yhat, 4);
  EXPECT_EQ(r[2].model, "pool");
  EXPECT_EQ(r[2].unique_id, "a");
  EXPECT_EQ(r[2].ds, Date::FromYmd(2020, 5, 1));
  EXPECT_DOUBLE_EQ(r[2].yhat, 4 + drift);
  EXPECT_DOUBLE_EQ(r[3].yhat, 4 + 2 * drift);
  EXPECT_DOUBLE_EQ(r[3].lo(0), 4 + 2 * drift - 1.6);
  EXPECT_EQ(r[6].unique_id, "b");
  EXPECT_EQ(r[6].model, "pool");
  EXPECT_DOUBLE_EQ(r[6].yhat, 12 + drift);
  ASSERT_EQ(run->errors.size(), 2u);
  EXPECT_EQ(run->errors[0].unique_id, "bad_x");
  EXPECT_EQ(run->errors[0].model, "flat");
  EXPECT_EQ(run->errors[1].model, "pool");
  EXPECT_NE(run->errors[1].status.message().find("bad_x"), std::string::npos);
  ASSERT_EQ(run->importance.size(), 1u);
  EXPECT_EQ(run->importance[0].model, "pool");
  EXPECT_EQ(run->importance[0].features[0].feature, "drift");
}

TEST(GlobalEngineTest, SameRowsOnOneAndTwoThreadsAndFailModeOrder) {
  Panel p = ThreeSeries();
  ForecastOptions opt;
  opt.request = {3, {80, 95}};
  ThreadPool one(1), two(2);
  auto a = ForecastPanel(p, LocalAndGlobal(), opt, one);
  auto b = ForecastPanel(p, LocalAndGlobal(), opt, two);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->table.size(), b->table.size());
  for (size_t k = 0; k < a->table.size(); ++k) {
    EXPECT_EQ(a->table.rows()[k].yhat, b->table.rows()[k].yhat);
    EXPECT_EQ(a->table.rows()[k].hi(0), b->table.rows()[k].hi(0));
  }
  opt.on_error = OnModelError::kFail;
  auto failed = ForecastPanel(p, LocalAndGlobal(), opt, two);
  ASSERT_FALSE(failed.ok());
  // The first failing pair in (series, model) order is (bad_x, flat).
  EXPECT_NE(failed.status().message().find("model 'flat'"), std::string::npos)
      << failed.status().ToString();
}

TEST(GlobalEngineTest, AFailedGlobalFitIsReportedForEverySeries) {
  Panel p(Frequency::Monthly());
  p.AddSeries("bad_1", Date::FromYmd(2020, 1, 1), std::vector<double>{1, 2});
  p.AddSeries("bad_2", Date::FromYmd(2020, 1, 1), std::vector<double>{3, 4});
  ThreadPool pool(2);
  ForecastOptions opt;
  opt.request = {2, {}};
  auto models = InstantiateModels(TestRegistry(), {PooledDriftSpec("pool", "")});
  ASSERT_TRUE(models.ok());
  // Nothing is forecast, so the run fails, counting every series' error.
  auto run = ForecastPanel(p, *models, opt, pool);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kDataError);
  EXPECT_NE(run.status().message().find("(2 failed)"), std::string::npos)
      << run.status().ToString();
  EXPECT_NE(run.status().message().find("no series has an observation"), std::string::npos);
  // A trained set keeps the error for every series.
  auto set = Train(p, *models, TrainOptions{}, pool);
  ASSERT_TRUE(set.ok());
  for (const auto& s : set->series()) {
    EXPECT_NE(s.status[0].message().find("no series has an observation"), std::string::npos);
  }
}

TEST(GlobalEngineTest, FutureRegressorsReachTheGlobalModel) {
  Panel p(Frequency::Monthly());
  p.AddSeries("a", Date::FromYmd(2020, 1, 1), std::vector<double>{1, 2, 3});
  p.AddSeries("b", Date::FromYmd(2020, 1, 1), std::vector<double>{1, 2, 3, 4});
  Panel future(Frequency::Monthly());
  future.AddSeries("a", Date::FromYmd(2020, 4, 1), std::vector<double>{0, 0});
  ASSERT_TRUE(future.AddExogColumn("promo").ok());
  future.mutable_exog(0, 0)[0] = 10;
  future.mutable_exog(0, 0)[1] = 20;
  ThreadPool pool(2);
  ForecastOptions opt;
  opt.request = {2, {}};
  opt.future = &future;
  auto models = InstantiateModels(TestRegistry(), {PooledDriftSpec("pool", "regressor=promo")});
  ASSERT_TRUE(models.ok());
  auto run = ForecastPanel(p, *models, opt, pool);
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->table.size(), 2u);
  EXPECT_DOUBLE_EQ(run->table.rows()[0].yhat, 3 + 1 + 10);
  EXPECT_DOUBLE_EQ(run->table.rows()[1].yhat, 3 + 2 + 20);
  // b has no future values: an error naming the regressor, for b only.
  ASSERT_EQ(run->errors.size(), 1u);
  EXPECT_EQ(run->errors[0].unique_id, "b");
  EXPECT_EQ(run->errors[0].status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(run->errors[0].status.message().find("promo"), std::string::npos);
}

// a rises by 1 a month, b by 3; the last two values of a jump by 100, which a fit on the
// training part of the last window must never see.
Panel BacktestPanel() {
  Panel p(Frequency::Monthly());
  p.AddSeries("a", Date::FromYmd(2020, 1, 1),
              std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 108, 109});
  p.AddSeries("b", Date::FromYmd(2020, 3, 1), std::vector<double>{0, 3, 6, 9, 12, 15, 18, 21});
  return p;
}

TEST(GlobalBacktestTest, OneFitPerWindowOnEverySeriesCutAtItsOwnCutoff) {
  Panel p = BacktestPanel();
  ThreadPool pool(2);
  BacktestOptions o;
  o.horizon = 2;
  o.windows = 2;
  o.season_length = 1;
  o.levels = {80};
  o.metrics = {"MAE"};
  const int fits = PooledDriftFitCount();
  auto models = LocalAndGlobal();
  auto bt = RunBacktest(p, models, o, pool);
  ASSERT_TRUE(bt.ok()) << bt.status().ToString();
  EXPECT_EQ(PooledDriftFitCount() - fits, 2);
  ASSERT_EQ(bt->records.size(), 2u * 2u * 2u);
  // Records in (series, window, model) order.
  for (size_t k = 0; k < bt->records.size(); ++k) {
    EXPECT_EQ(bt->records[k].series, k / 4);
    EXPECT_EQ(bt->records[k].window, static_cast<int>(k / 2 % 2));
    EXPECT_EQ(bt->records[k].model, k % 2);
  }
  // Window 1: a is cut after 7 (8 values), b after 15 (6 values): pooled drift
  // (7 * 1 + 5 * 3) / 12; a forecasts 7 + d, 7 + 2d against 108, 109.
  const double d = 22.0 / 12.0;
  const BacktestRecord& a1 = bt->records[3];
  ASSERT_EQ(a1.window, 1);
  ASSERT_EQ(a1.model, 1u);
  EXPECT_NEAR(a1.metrics.mae, ((108 - 7 - d) + (109 - 7 - 2 * d)) / 2, 1e-12);
  // The per-series model's records are those of a backtest without the global model.
  std::vector<ModelInstance> local_only = {models[0]};
  auto bt_local = RunBacktest(p, local_only, o, pool);
  ASSERT_TRUE(bt_local.ok());
  EXPECT_EQ(bt_local->records[1].metrics.mae, bt->records[2].metrics.mae);
}

TEST(GlobalBacktestTest, NoRefitFitsOnceAtEachSeriesFirstCutoff) {
  Panel p = BacktestPanel();
  ThreadPool pool(1);
  BacktestOptions o;
  o.horizon = 2;
  o.windows = 2;
  o.refit = false;
  o.season_length = 1;
  o.levels = {};
  o.metrics = {"MAE"};
  const int fits = PooledDriftFitCount();
  auto models = InstantiateModels(TestRegistry(), {PooledDriftSpec("pool", "")});
  ASSERT_TRUE(models.ok());
  auto bt = RunBacktest(p, *models, o, pool);
  ASSERT_TRUE(bt.ok()) << bt.status().ToString();
  EXPECT_EQ(PooledDriftFitCount() - fits, 1);
  ASSERT_EQ(bt->records.size(), 4u);
  // Window 0 cutoffs: a after 5 (6 values), b after 9 (4 values): drift (5 + 9) / 8.
  const double d = 14.0 / 8.0;
  // Window 1 of a reads steps 3 and 4 of the forecast made after 5.
  EXPECT_NEAR(bt->records[1].metrics.mae, ((108 - 5 - 3 * d) + (109 - 5 - 4 * d)) / 2, 1e-12);
}

TEST(GlobalBacktestTest, AFailingGlobalFitIsAnErrorOfEveryScoredSeries) {
  Panel p(Frequency::Monthly());
  p.AddSeries("bad_1", Date::FromYmd(2020, 1, 1), std::vector<double>{1, 2, 3, 4, 5});
  p.AddSeries("bad_2", Date::FromYmd(2020, 1, 1), std::vector<double>{1, 2, 3, 4, 5});
  ThreadPool pool(2);
  BacktestOptions o;
  o.horizon = 1;
  o.windows = 2;
  o.season_length = 1;
  auto models = InstantiateModels(TestRegistry(), {PooledDriftSpec("pool", "")});
  ASSERT_TRUE(models.ok());
  auto bt = RunBacktest(p, *models, o, pool);
  ASSERT_TRUE(bt.ok());
  EXPECT_TRUE(bt->records.empty());
  ASSERT_EQ(bt->errors.size(), 4u);
  EXPECT_EQ(bt->errors[0].unique_id, "bad_1");
  EXPECT_EQ(bt->errors[1].window, 1);
  EXPECT_EQ(bt->overall[0].n_failed, 4);
  o.on_error = OnModelError::kFail;
  EXPECT_FALSE(RunBacktest(p, *models, o, pool).ok());
}

TEST(GlobalModelSetTest, TrainSaveLoadPredictEqualsTheEngine) {
  Panel p = ThreeSeries();
  ThreadPool pool(2);
  const int fits = PooledDriftFitCount();
  auto set = Train(p, LocalAndGlobal(), TrainOptions{}, pool);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(PooledDriftFitCount() - fits, 1);
  ASSERT_FALSE(set->global_states()[1].empty());
  EXPECT_TRUE(set->global_states()[0].empty());
  EXPECT_TRUE(set->series()[0].state[1].empty());
  const std::string bytes = set->Serialize();
  auto loaded = TrainedModelSet::Deserialize(bytes, TestRegistry());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->Serialize(), bytes);
  ForecastOptions opt;
  opt.request = {3, {80}};
  auto ready = LoadedModelSet::Load(bytes, TestRegistry());
  ASSERT_TRUE(ready.ok()) << ready.status().ToString();
  ASSERT_NE(ready->global(1), nullptr);
  auto from_set = Predict(*ready, opt, pool);
  auto direct = ForecastPanel(p, LocalAndGlobal(), opt, pool);
  ASSERT_TRUE(from_set.ok() && direct.ok());
  ASSERT_EQ(from_set->table.size(), direct->table.size());
  for (size_t k = 0; k < direct->table.size(); ++k) {
    EXPECT_EQ(from_set->table.rows()[k].unique_id, direct->table.rows()[k].unique_id);
    EXPECT_EQ(from_set->table.rows()[k].model, direct->table.rows()[k].model);
    const double x = from_set->table.yhat(k), y = direct->table.yhat(k);
    EXPECT_EQ(std::memcmp(&x, &y, sizeof(double)), 0);
  }
  EXPECT_EQ(from_set->errors.size(), direct->errors.size());
}

TEST(GlobalModelSetTest, CorruptGlobalSectionsAreDataErrors) {
  Panel p = ThreeSeries();
  ThreadPool pool(1);
  auto set = Train(p, LocalAndGlobal(), TrainOptions{}, pool);
  ASSERT_TRUE(set.ok());
  const std::string bytes = set->Serialize();
  // Every truncation fails cleanly.
  for (size_t n = 0; n < bytes.size(); n += 7) {
    auto r = TrainedModelSet::Deserialize(std::string_view(bytes).substr(0, n), TestRegistry());
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), StatusCode::kDataError) << n;
  }
  // A set without the global state (count 0) but with fitted series of the global model.
  const std::string& state = set->global_states()[1];
  const size_t tail = 8 + 8 + 8 + state.size();
  ASSERT_GT(bytes.size(), tail);
  std::string no_state = bytes.substr(0, bytes.size() - tail) + std::string(8, '\0');
  auto r = TrainedModelSet::Deserialize(no_state, TestRegistry());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataError);
  EXPECT_NE(r.status().message().find("no state"), std::string::npos) << r.status().ToString();
  // The state pointed at the per-series model.
  std::string wrong_model = bytes;
  const size_t model_at = bytes.size() - state.size() - 8 - 8;
  wrong_model[model_at] = 0;
  r = TrainedModelSet::Deserialize(wrong_model, TestRegistry());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a global model"), std::string::npos)
      << r.status().ToString();
}

TEST(GlobalModelSetTest, VersionOneSetsStillLoad) {
  Panel p = ThreeSeries();
  ThreadPool pool(1);
  auto models = InstantiateModels(TestRegistry(), {LastPlusSpec("flat", "offset=1")});
  ASSERT_TRUE(models.ok());
  auto set = Train(p, *models, TrainOptions{}, pool);
  ASSERT_TRUE(set.ok());
  std::string bytes = set->Serialize();
  // Version 1 = the same bytes without the global section (a u64 count of 0 at the end).
  std::string v1 = bytes.substr(0, bytes.size() - 8);
  const size_t version_at = 8 + kModelSetMagic.size();
  v1[version_at] = 1;
  auto loaded = TrainedModelSet::Deserialize(v1, TestRegistry());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->Serialize(), bytes);
}

TEST(PerSeriesFormTest, FitsTheGlobalModelOnOneSeries) {
  auto models = InstantiateModels(TestRegistry(), {PooledDriftSpec("pool", "spread=1")});
  ASSERT_TRUE(models.ok());
  const Estimator& est = *(*models)[0].estimator;
  Panel p = ThreeSeries();
  auto fit = est.Fit(p.series(2));  // b: 10, 12, NaN -> drift 2
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  auto fc = (*fit)->Predict(PredictRequest{2, {80}});
  ASSERT_TRUE(fc.ok());
  EXPECT_DOUBLE_EQ(fc->mean[0], 14);
  EXPECT_DOUBLE_EQ(fc->mean[1], 16);
  ASSERT_EQ((*fit)->in_sample().fitted.size(), 3u);
  EXPECT_DOUBLE_EQ((*fit)->in_sample().fitted[1], 12);
  ByteWriter w;
  (*fit)->Save(w);
  ByteReader r(w.bytes());
  auto loaded = est.Load(r);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->Predict(PredictRequest{2, {80}})->mean, fc->mean);
  EXPECT_TRUE((*loaded)->in_sample().fitted.empty());
  EXPECT_EQ((*fit)->Predict(PredictRequest{0, {}}).status().code(), StatusCode::kInvalidArgument);
  // The fit error of a series names it.
  auto bad = est.Fit(p.series(1));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kDataError);
  EXPECT_NE(bad.status().message().find("bad_x"), std::string::npos);
  // A state of a global model of several series is not the per-series form.
  ThreadPool pool(1);
  auto global = (*models)[0].global->Fit(GlobalTrainingData{&p, {}, false}, pool);
  ASSERT_TRUE(global.ok());
  ByteWriter w3;
  (*global)->Save(w3);
  ByteReader r3(w3.bytes());
  EXPECT_EQ(est.Load(r3).status().code(), StatusCode::kDataError);
}

}  // namespace
}  // namespace retailcast::eval
