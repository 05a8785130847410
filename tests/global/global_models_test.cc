// The global model families on small seeded panels: gbm (objectives, strategies,
// partitions, intervals, importance, exogenous columns), mlp and lstm, the ensemble; save/load
// bit for bit, the same result on any thread count, errors. Models are kept small (few trees
// and epochs) so the suite stays fast; the contract suite (tests/models/contract_test.cc)
// also runs every global model through its per-series form.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "retailcast/catalog/catalog.h"
#include "retailcast/core/global_model.h"
#include "retailcast/core/rng.h"
#include "retailcast/eval/backtest.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast/models/global.h"

namespace retailcast::models {
namespace {

constexpr int kHorizon = 14;

// Daily counts with a strong weekly profile at very different levels; series `promo_s*` get a
// promo column that triples sales on its days.
Panel MakePanel(int n_series, int length, bool promo = false, uint64_t seed = 7) {
  Panel p(Frequency::Daily());
  EXPECT_TRUE(p.SetAttributeNames({"store_id"}).ok());
  const double profile[7] = {1.0, 0.9, 0.9, 1.0, 1.4, 2.0, 0.6};
  std::vector<std::string> ids;
  for (int s = 0; s < n_series; ++s) ids.push_back("s" + std::to_string(s));
  size_t promo_col = 0;
  for (int s = 0; s < n_series; ++s) {
    std::string_view store = s % 2 == 0 ? "A" : "B";
    std::string_view attrs[] = {store};
    p.AddSeries(ids[static_cast<size_t>(s)], Date::FromYmd(2022, 1, 3) + s % 5, length, attrs);
  }
  if (promo) promo_col = *p.AddExogColumn("promo");
  for (int s = 0; s < n_series; ++s) {
    Rng rng(seed, ids[static_cast<size_t>(s)]);
    const double level = 2.0 + 3.0 * s;
    auto y = p.mutable_values(static_cast<size_t>(s));
    for (int t = 0; t < length; ++t) {
      const Date d = p.start(static_cast<size_t>(s)) + t;
      double rate = level * profile[static_cast<int>(d.weekday())];
      if (promo) {
        const double on = (t % 9 == 4) ? 1.0 : 0.0;
        p.mutable_exog(promo_col, static_cast<size_t>(s))[static_cast<size_t>(t)] = on;
        rate *= on > 0 ? 3.0 : 1.0;
      }
      y[static_cast<size_t>(t)] = static_cast<double>(rng.Poisson(rate));
    }
  }
  return p;
}

Result<std::vector<eval::ModelInstance>> Models(const std::string& name,
                                                const std::vector<std::string>& overrides) {
  RETAILCAST_ASSIGN_OR_RETURN(auto specs, eval::MakeModelSpecs(BuiltinRegistry(), name, 0));
  std::vector<std::pair<std::string, std::string>> kv;
  for (const auto& o : overrides) {
    RETAILCAST_ASSIGN_OR_RETURN(auto one, SplitKeyValues(o));
    for (auto& p : one) kv.push_back(std::move(p));
  }
  RETAILCAST_ASSIGN_OR_RETURN(const ModelEntry* entry, BuiltinRegistry().Find(name));
  RETAILCAST_ASSIGN_OR_RETURN(specs[0].params, ParseParams(entry->spec, kv, name));
  return eval::InstantiateModels(BuiltinRegistry(), specs);
}

// Mean absolute error over the last kHorizon values of every series, forecasting from the
// panel cut before them.
struct Holdout {
  Panel train;
  std::vector<std::vector<double>> actual;
};

Holdout Split(const Panel& p, int h = kHorizon) {
  Holdout out;
  out.train = Panel(p.freq());
  std::vector<std::string> attr_names;
  for (size_t a = 0; a < p.num_attributes(); ++a) attr_names.push_back(p.attribute_name(a));
  EXPECT_TRUE(out.train.SetAttributeNames(attr_names).ok());
  for (size_t i = 0; i < p.num_series(); ++i) {
    auto y = p.values(i);
    std::vector<std::string_view> attrs;
    for (size_t a = 0; a < p.num_attributes(); ++a) attrs.push_back(p.attribute(a, i));
    out.train.AddSeries(p.id(i), p.start(i), y.first(y.size() - static_cast<size_t>(h)), attrs);
    out.actual.emplace_back(y.end() - h, y.end());
  }
  for (size_t k = 0; k < p.num_exog(); ++k) {
    size_t col = *out.train.AddExogColumn(p.exog_name(k));
    for (size_t i = 0; i < p.num_series(); ++i) {
      auto from = p.exog(k, i);
      auto to = out.train.mutable_exog(col, i);
      for (size_t t = 0; t < to.size(); ++t) to[t] = from[t];
    }
  }
  return out;
}

double MeanAbsoluteError(const eval::ForecastRun& run, const Holdout& h, const std::string& model) {
  double sum = 0;
  int n = 0;
  for (const auto& row : run.table.rows()) {
    if (row.model != model) continue;
    auto i = h.train.Find(row.unique_id);
    const int64_t step = row.ds - h.train.end(*i) - 1;
    sum += std::abs(row.yhat - h.actual[*i][static_cast<size_t>(step)]);
    ++n;
  }
  return n > 0 ? sum / n : INFINITY;
}

eval::ForecastRun RunPanel(const Panel& p, const std::vector<eval::ModelInstance>& models,
                           int threads = 2, const Panel* future = nullptr) {
  ThreadPool pool(threads);
  eval::ForecastOptions opt;
  opt.request = {kHorizon, {80, 95}};
  opt.future = future;
  auto run = eval::ForecastPanel(p, models, opt, pool);
  EXPECT_TRUE(run.ok()) << run.status().ToString();
  return run.ok() ? std::move(run).value() : eval::ForecastRun{};
}

// The error of a run in which no (series, model) pair gets a forecast.
Status FailedRun(const Panel& p, const std::vector<eval::ModelInstance>& models,
                 const Panel* future = nullptr) {
  ThreadPool pool(2);
  eval::ForecastOptions opt;
  opt.request = {kHorizon, {80, 95}};
  opt.future = future;
  auto run = eval::ForecastPanel(p, models, opt, pool);
  EXPECT_FALSE(run.ok());
  return run.status();
}

const std::vector<std::string> kSmallGbm = {"trees=60", "max_depth=4", "min_child_weight=2"};

TEST(GbmTest, BeatsSeasonalNaiveAndHasOrderedIntervals) {
  Holdout h = Split(MakePanel(12, 220));
  auto gbm = Models("gbm", kSmallGbm);
  auto snaive = Models("snaive", {});
  ASSERT_TRUE(gbm.ok() && snaive.ok()) << gbm.status().ToString();
  eval::ForecastRun run = RunPanel(h.train, *gbm);
  ASSERT_TRUE(run.errors.empty()) << run.errors[0].status.ToString();
  ASSERT_EQ(run.table.size(), 12u * kHorizon);
  eval::ForecastRun base = RunPanel(h.train, *snaive);
  EXPECT_LT(MeanAbsoluteError(run, h, "gbm"), MeanAbsoluteError(base, h, "snaive"));
  int inside80 = 0;
  for (const auto& r : run.table.rows()) {
    ASSERT_TRUE(std::isfinite(r.yhat));
    EXPECT_LE(r.lo(1), r.lo(0));
    EXPECT_LE(r.lo(0), r.yhat);
    EXPECT_LE(r.yhat, r.hi(0));
    EXPECT_LE(r.hi(0), r.hi(1));
    EXPECT_GE(r.lo(1), 0);  // unit sales: non-negative
    auto i = h.train.Find(r.unique_id);
    const double a = h.actual[*i][static_cast<size_t>(r.ds - h.train.end(*i) - 1)];
    inside80 += a >= r.lo(0) && a <= r.hi(0);
  }
  // Quantile boosters on Poisson counts: the 80 % interval covers roughly 80 %.
  const double cov = static_cast<double>(inside80) / static_cast<double>(run.table.size());
  EXPECT_GT(cov, 0.55);
  EXPECT_LT(cov, 0.97);
  ASSERT_EQ(run.importance.size(), 1u);
  double share = 0;
  for (const auto& f : run.importance[0].features) share += f.gain_share;
  EXPECT_NEAR(share, 1.0, 1e-9);
  EXPECT_FALSE(run.importance[0].features.empty());
}

TEST(GbmTest, EveryObjectiveAndStrategyForecasts) {
  Holdout h = Split(MakePanel(6, 150));
  for (const char* extra :
       {"objective=squared_error", "objective=absolute_error", "objective=poisson",
        "objective=quantile,quantile_alpha=0.5", "strategy=direct,direct_horizon=14",
        "strategy=direct,direct_horizon=14,direct_groups=2", "partition=store_id", "refit=false",
        "early_stopping_rounds=0,trees=20"}) {
    std::vector<std::string> o = kSmallGbm;
    o.push_back(extra);
    auto gbm = Models("gbm", o);
    ASSERT_TRUE(gbm.ok()) << extra << ": " << gbm.status().ToString();
    eval::ForecastRun run = RunPanel(h.train, *gbm);
    ASSERT_TRUE(run.errors.empty()) << extra << ": " << run.errors[0].status.ToString();
    ASSERT_EQ(run.table.size(), 6u * kHorizon) << extra;
    for (const auto& r : run.table.rows()) {
      ASSERT_TRUE(std::isfinite(r.yhat)) << extra;
      EXPECT_GE(r.yhat, 0) << extra;
    }
    // Forecasts track the series' level: the largest series forecasts the most.
    double first = 0, last = 0;
    for (const auto& r : run.table.rows()) {
      if (r.unique_id == "s0") first += r.yhat;
      if (r.unique_id == "s5") last += r.yhat;
    }
    EXPECT_GT(last, 2 * first) << extra;
  }
}

TEST(GbmTest, QuantileObjectiveOrdersItsQuantiles) {
  Holdout h = Split(MakePanel(6, 150));
  auto sum_for = [&](const char* alpha) {
    std::vector<std::string> o = kSmallGbm;
    o.push_back(std::string("objective=quantile,quantile_alpha=") + alpha);
    auto m = Models("gbm", o);
    EXPECT_TRUE(m.ok());
    double s = 0;
    const eval::ForecastRun run = RunPanel(h.train, *m);
    for (double y : run.table.yhat_column()) s += y;
    return s;
  };
  EXPECT_LT(sum_for("0.1"), sum_for("0.9"));
}

TEST(GbmTest, DirectStrategyCoversOnlyItsHorizonAndBadParamsAreErrors) {
  Holdout h = Split(MakePanel(4, 120));
  std::vector<std::string> o = kSmallGbm;
  o.push_back("strategy=direct,direct_horizon=7");
  auto gbm = Models("gbm", o);
  ASSERT_TRUE(gbm.ok());
  const Status failed = FailedRun(h.train, *gbm);  // horizon 14 > 7
  EXPECT_EQ(failed.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(failed.message().find("(4 failed)"), std::string::npos) << failed.ToString();
  EXPECT_NE(failed.message().find("direct_horizon"), std::string::npos);
  auto bad_partition = Models("gbm", {"partition=dept_id"});
  ASSERT_TRUE(bad_partition.ok());
  const Status r2 = FailedRun(h.train, *bad_partition);
  EXPECT_NE(r2.message().find("store_id"), std::string::npos) << r2.ToString();
  EXPECT_EQ(Models("gbm", {"interval_levels=80 120"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Models("gbm", {"lags=0"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Models("gbm", {"objective=huber"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Models("mlp", {"hidden=64 0"}).status().code(), StatusCode::kInvalidArgument);
}

// Sales net of returns go below zero (Walmart's store-department series do): the default
// objective falls back from tweedie to squared_error there, and asking for a log-link loss
// is a DataError that names the negative rows, not an internal XGBoost failure.
TEST(GbmTest, NegativeTargetsPickSquaredErrorOrAreNamed) {
  Panel p = MakePanel(4, 120);
  for (size_t i = 0; i < p.num_series(); ++i) {
    auto y = p.mutable_values(i);
    for (size_t t = 3; t < y.size(); t += 17) y[t] = -2;  // returns
  }
  Holdout h = Split(p);
  auto auto_gbm = Models("gbm", kSmallGbm);
  ASSERT_TRUE(auto_gbm.ok());
  eval::ForecastRun run = RunPanel(h.train, *auto_gbm);
  ASSERT_TRUE(run.errors.empty()) << run.errors[0].status.ToString();
  EXPECT_EQ(run.table.size(), 4u * kHorizon);
  auto snaive = Models("snaive", {});
  ASSERT_TRUE(snaive.ok());
  EXPECT_LT(MeanAbsoluteError(run, h, "gbm"),
            MeanAbsoluteError(RunPanel(h.train, *snaive), h, "snaive"));
  for (const char* objective : {"objective=tweedie", "objective=poisson"}) {
    std::vector<std::string> o = kSmallGbm;
    o.push_back(objective);
    auto gbm = Models("gbm", o);
    ASSERT_TRUE(gbm.ok());
    const Status bad = FailedRun(h.train, *gbm);
    EXPECT_NE(bad.message().find("(4 failed)"), std::string::npos) << objective;
    EXPECT_EQ(bad.code(), StatusCode::kDataError);
    EXPECT_NE(bad.message().find("training rows are negative"), std::string::npos)
        << bad.ToString();
  }
}

// Boosters trained side by side on different threads (as the service does with the per-series
// form for posted histories) must not share XGBoost state: its tweedie metric once freed
// another thread's name buffer (run under ASan to see it).
TEST(GbmTest, ModelsTrainedOnTwoThreadsAtOnceAgreeWithOneAtATime) {
  Panel p = MakePanel(16, 120);
  auto gbm = Models("gbm", {"trees=150", "max_depth=2", "early_stopping_rounds=150"});
  ASSERT_TRUE(gbm.ok());
  const Estimator& est = *(*gbm)[0].estimator;
  auto forecast = [&](size_t i) -> std::vector<double> {
    auto fitted = est.Fit(p.series(i));
    if (!fitted.ok()) return {};
    auto fc = (*fitted)->Predict(PredictRequest{kHorizon, {80}});
    return fc.ok() ? fc->mean : std::vector<double>{};
  };
  std::vector<std::vector<double>> together(p.num_series());
  ThreadPool pool(2);
  pool.ParallelFor(p.num_series(), [&](size_t i) { together[i] = forecast(i); });
  for (size_t i = 0; i < p.num_series(); ++i) {
    ASSERT_EQ(together[i].size(), static_cast<size_t>(kHorizon)) << "series " << i;
    EXPECT_EQ(together[i], forecast(i)) << "series " << i;
  }
}

// Two series whose scaled values follow different rules after the same value: "big" (level
// 1,000) alternates 1.5, 0.5; "small" (level 1) repeats 0.5, 0.5, 1.5, 1.5, so whatever its
// last value its next one averages 1. Stumps (one feature per tree, so lag_1 and the series'
// level only add up) cannot fit both: after a 0.5 the equal-weight model predicts about 1.25,
// the volume-weighted one big's 1.5.
Panel ConflictingPanel(int length) {
  Panel p(Frequency::Daily());
  p.AddSeries("big", Date::FromYmd(2022, 1, 3), length, {});
  p.AddSeries("small", Date::FromYmd(2022, 1, 3), length, {});
  auto big = p.mutable_values(0);
  auto small = p.mutable_values(1);
  const double cycle[4] = {0.5, 0.5, 1.5, 1.5};
  for (int t = 0; t < length; ++t) {
    big[static_cast<size_t>(t)] = t % 2 == 0 ? 1500 : 500;
    small[static_cast<size_t>(t)] = cycle[t % 4];
  }
  return p;
}

TEST(GbmTest, VolumeWeightsLetLargeSeriesCountByTheirVolume) {
  const Panel p = ConflictingPanel(360);  // big ends with 500: its next value is 1,500
  ASSERT_EQ(p.values(0).back(), 500);
  const std::vector<std::string> stumps = {
      "lags=1",         "windows=none",          "expanding=false",
      "calendar=false", "target_encoding=false", "max_depth=1",
      "trees=300",      "learning_rate=0.3",     "min_child_weight=0",
      "subsample=1",    "colsample=1",           "early_stopping_rounds=300"};
  auto first_step = [&](const std::string& weights) -> double {
    std::vector<std::string> params = stumps;
    params.push_back("weights=" + weights);
    auto gbm = Models("gbm", params);
    EXPECT_TRUE(gbm.ok()) << gbm.status().ToString();
    if (!gbm.ok()) return NAN;
    eval::ForecastRun run = RunPanel(p, *gbm);
    for (const auto& r : run.table.rows()) {
      if (r.unique_id == "big" && r.ds == p.end(0) + 1) return r.yhat;
    }
    ADD_FAILURE() << "no first-step forecast of 'big'";
    return NAN;
  };
  const double equal = first_step("equal");
  const double volume = first_step("volume");
  EXPECT_NEAR(volume, 1500, 40);
  EXPECT_LT(equal, 1400);
  EXPECT_GT(equal, 1100);
}

TEST(GbmTest, KnownFutureRegressorsAreUsedAndRequired) {
  Panel full = MakePanel(8, 160, /*promo=*/true);
  Holdout h = Split(full);
  // The future promo values of the test window.
  Panel future(Frequency::Daily());
  ASSERT_TRUE(future.AddExogColumn("promo").ok());
  for (size_t i = 0; i < full.num_series(); ++i) {
    const size_t n = h.train.values(i).size();
    size_t fi = future.AddSeries(full.id(i), full.freq().Advance(full.start(i), n), kHorizon);
    for (int t = 0; t < kHorizon; ++t) {
      future.mutable_exog(0, fi)[static_cast<size_t>(t)] = full.exog(0, i)[n + t];
    }
  }
  auto with = Models("gbm", kSmallGbm);
  std::vector<std::string> no_exog = kSmallGbm;
  no_exog.push_back("exog=none,event_columns=none");
  auto without = Models("gbm", no_exog);
  ASSERT_TRUE(with.ok() && without.ok());
  eval::ForecastRun a = RunPanel(h.train, *with, 2, &future);
  ASSERT_TRUE(a.errors.empty()) << a.errors[0].status.ToString();
  eval::ForecastRun b = RunPanel(h.train, *without, 2, &future);
  EXPECT_LT(MeanAbsoluteError(a, h, "gbm"), 0.8 * MeanAbsoluteError(b, h, "gbm"));
  // Without future values a model fitted with the promo column names it.
  const Status c = FailedRun(h.train, *with);
  EXPECT_NE(c.message().find("(8 failed)"), std::string::npos) << c.ToString();
  EXPECT_EQ(c.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.message().find("promo"), std::string::npos);
}

// Fits `name` on the panel directly through its global estimator.
std::unique_ptr<GlobalFittedModel> FitGlobal(const std::string& name,
                                             const std::vector<std::string>& overrides,
                                             const Panel& p, int threads) {
  auto m = Models(name, overrides);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (!m.ok()) return nullptr;
  ThreadPool pool(threads);
  auto fit = (*m)[0].global->Fit(GlobalTrainingData{&p, {}, false}, pool);
  EXPECT_TRUE(fit.ok()) << fit.status().ToString();
  return fit.ok() ? std::move(fit).value() : nullptr;
}

bool SameForecasts(const GlobalForecast& a, const GlobalForecast& b) {
  if (a.forecasts.size() != b.forecasts.size()) return false;
  for (size_t i = 0; i < a.forecasts.size(); ++i) {
    const auto& x = a.forecasts[i];
    const auto& y = b.forecasts[i];
    if (x.mean.size() != y.mean.size() ||
        std::memcmp(x.mean.data(), y.mean.data(), x.mean.size() * sizeof(double)) != 0) {
      return false;
    }
    for (size_t l = 0; l < x.lower.size(); ++l) {
      if (std::memcmp(x.lower[l].data(), y.lower[l].data(), x.lower[l].size() * 8) != 0 ||
          std::memcmp(x.upper[l].data(), y.upper[l].data(), x.upper[l].size() * 8) != 0) {
        return false;
      }
    }
  }
  return true;
}

GlobalForecast PredictAll(const GlobalFittedModel& m, int threads = 2) {
  ThreadPool pool(threads);
  auto fc = m.Predict(GlobalPredictRequest{kHorizon, {80, 95}, {}}, pool);
  EXPECT_TRUE(fc.ok()) << fc.status().ToString();
  return fc.ok() ? std::move(fc).value() : GlobalForecast{};
}

struct Family {
  std::string name;
  std::vector<std::string> params;
};

const Family kFamilies[] = {
    {"gbm", {"trees=40", "max_depth=4"}},
    {"gbm", {"trees=40", "strategy=direct", "direct_groups=2", "partition=store_id"}},
    {"mlp", {"epochs=3"}},
    {"lstm", {"epochs=2", "window=14"}},
    {"lstm", {"epochs=2", "cell=gru", "units=8"}},
    {"ensemble", {"models=gbm:trees=20 + snaive"}},
};

TEST(GlobalFamiliesTest, SaveLoadIsBitwiseAndThreadCountDoesNotMatter) {
  Panel p = MakePanel(6, 140);
  for (const Family& f : kFamilies) {
    SCOPED_TRACE(f.name + " " + (f.params.empty() ? "" : f.params.back()));
    auto m = Models(f.name, f.params);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    auto one = FitGlobal(f.name, f.params, p, 1);
    auto two = FitGlobal(f.name, f.params, p, 2);
    ASSERT_TRUE(one && two);
    const GlobalForecast a = PredictAll(*one, 1), b = PredictAll(*two, 2);
    EXPECT_TRUE(SameForecasts(a, b));
    for (const auto& s : a.status) EXPECT_TRUE(s.ok()) << s.ToString();
    ByteWriter w;
    two->Save(w);
    ByteReader r(w.bytes());
    auto loaded = (*m)[0].global->Load(r);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_TRUE(r.at_end());
    EXPECT_TRUE(SameForecasts(PredictAll(**loaded), b));
    ByteWriter w2;
    (*loaded)->Save(w2);
    EXPECT_EQ(w.bytes(), w2.bytes());
    // A damaged state is a DataError, never a crash (its checksum fails).
    std::string bad = w.bytes();
    bad[bad.size() / 2] ^= 0x5a;
    ByteReader rb(bad);
    EXPECT_EQ((*m)[0].global->Load(rb).status().code(), StatusCode::kDataError);
    ByteReader rt(std::string_view(w.bytes()).substr(0, w.bytes().size() - 3));
    EXPECT_EQ((*m)[0].global->Load(rt).status().code(), StatusCode::kDataError);
  }
}

TEST(GlobalFamiliesTest, NeuralModelsLearnTheWeeklyPattern) {
  Holdout h = Split(MakePanel(12, 220));
  auto naive = Models("naive", {});
  ASSERT_TRUE(naive.ok());
  const double base = MeanAbsoluteError(RunPanel(h.train, *naive), h, "naive");
  for (const Family& f : {Family{"mlp", {"epochs=15"}}, Family{"lstm", {"epochs=8"}}}) {
    auto m = Models(f.name, f.params);
    ASSERT_TRUE(m.ok());
    eval::ForecastRun run = RunPanel(h.train, *m);
    ASSERT_TRUE(run.errors.empty()) << f.name << ": " << run.errors[0].status.ToString();
    EXPECT_LT(MeanAbsoluteError(run, h, f.name), base) << f.name;
  }
}

// The networks weight their loss too: on the same panel the weights change what they learn.
TEST(GlobalFamiliesTest, NeuralModelsTrainWithVolumeWeights) {
  const Panel p = ConflictingPanel(240);
  for (const Family& f : {Family{"mlp", {"epochs=6"}}, Family{"lstm", {"epochs=3"}}}) {
    std::vector<double> forecasts[2];
    int k = 0;
    for (const char* weights : {"weights=equal", "weights=volume"}) {
      std::vector<std::string> params = f.params;
      params.push_back(weights);
      params.push_back("loss=mse");
      auto m = Models(f.name, params);
      ASSERT_TRUE(m.ok()) << m.status().ToString();
      eval::ForecastRun run = RunPanel(p, *m);
      ASSERT_TRUE(run.errors.empty()) << f.name << ": " << run.errors[0].status.ToString();
      for (const auto& r : run.table.rows()) {
        ASSERT_TRUE(std::isfinite(r.yhat)) << f.name;
        forecasts[k].push_back(r.yhat);
      }
      ++k;
    }
    EXPECT_NE(forecasts[0], forecasts[1]) << f.name << ": the weights changed nothing";
  }
}

TEST(EnsembleTest, MeanChoiceAveragesTheMembers) {
  Holdout h = Split(MakePanel(6, 150));
  auto ens = Models("ensemble", {"models=snaive + naive", "choose=mean"});
  auto members = Models("snaive", {});
  auto naive = Models("naive", {});
  ASSERT_TRUE(ens.ok() && members.ok() && naive.ok()) << ens.status().ToString();
  eval::ForecastRun e = RunPanel(h.train, *ens), s = RunPanel(h.train, *members),
                    n = RunPanel(h.train, *naive);
  ASSERT_EQ(e.table.size(), s.table.size());
  for (size_t k = 0; k < e.table.size(); ++k) {
    EXPECT_DOUBLE_EQ(e.table.rows()[k].yhat, (s.table.rows()[k].yhat + n.table.rows()[k].yhat) / 2);
    EXPECT_DOUBLE_EQ(e.table.rows()[k].hi(0),
                     (s.table.rows()[k].hi(0) + n.table.rows()[k].hi(0)) / 2);
  }
}

TEST(EnsembleTest, BacktestChoosesTheBetterMember) {
  // Weekly seasonality: seasonal naive beats naive, and beats their mean.
  Holdout h = Split(MakePanel(6, 150));
  auto ens = Models("ensemble", {"models=naive + snaive", "metric=MAE"});
  auto snaive = Models("snaive", {});
  ASSERT_TRUE(ens.ok() && snaive.ok());
  eval::ForecastRun e = RunPanel(h.train, *ens), s = RunPanel(h.train, *snaive);
  ASSERT_EQ(e.table.size(), s.table.size());
  for (size_t k = 0; k < e.table.size(); ++k) {
    EXPECT_EQ(e.table.rows()[k].yhat, s.table.rows()[k].yhat);
  }
  auto per_series = Models("ensemble", {"models=naive + snaive", "per_series=true"});
  ASSERT_TRUE(per_series.ok());
  EXPECT_TRUE(RunPanel(h.train, *per_series).errors.empty());
}

TEST(EnsembleTest, MemberListErrors) {
  EXPECT_EQ(Models("ensemble", {"models=gbm + ensemble"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Models("ensemble", {"models=gbm + gbm"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Models("ensemble", {"models=gbm + nope"}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Models("ensemble", {"models= + "}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Models("ensemble", {"models=gbm:no_such=1"}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(GlobalFamiliesTest, BacktestFitsOncePerWindowWithoutLeakage) {
  // A level jump in the last window: a model fitted on the cut series cannot know it.
  Panel p = MakePanel(6, 140);
  for (size_t i = 0; i < p.num_series(); ++i) {
    auto y = p.mutable_values(i);
    for (size_t t = y.size() - 7; t < y.size(); ++t) y[t] += 1000;
  }
  auto gbm = Models("gbm", {"trees=20"});
  ASSERT_TRUE(gbm.ok());
  ThreadPool pool(2);
  eval::BacktestOptions o;
  o.horizon = 7;
  o.windows = 2;
  o.metrics = {"MAE"};
  auto bt = eval::RunBacktest(p, *gbm, o, pool);
  ASSERT_TRUE(bt.ok()) << bt.status().ToString();
  ASSERT_EQ(bt->by_window.size(), 2u);
  EXPECT_LT(bt->by_window[0].metrics.mae, 100);
  EXPECT_GT(bt->by_window[1].metrics.mae, 500);
}

}  // namespace
}  // namespace retailcast::models
