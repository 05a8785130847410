// combo (combinations) and auto (per-series selection by backtest), with baseline members
// whose forecasts are known exactly.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "retailcast/catalog/catalog.h"
#include "retailcast/core/serialize.h"
#include "retailcast/eval/backtest.h"
#include "retailcast/models/combinations.h"

namespace retailcast::eval {
namespace {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

Result<std::unique_ptr<Estimator>> Combo(const KeyValues& kv) {
  RETAILCAST_ASSIGN_OR_RETURN(ParamValues p,
                              ParseParams(models::ComboParamTable().Spec(), kv, "model 'combo'"));
  return models::MakeCombo(p, BuiltinRegistry());
}

Result<std::unique_ptr<Estimator>> Auto(const KeyValues& kv) {
  RETAILCAST_ASSIGN_OR_RETURN(ParamValues p,
                              ParseParams(models::AutoParamTable().Spec(), kv, "model 'auto'"));
  return models::MakeAuto(p, BuiltinRegistry());
}

SeriesView Monthly(const std::vector<double>& y, std::string_view id = "s") {
  return SeriesView{id, Date::FromYmd(2015, 1, 1), Frequency::Monthly(), y};
}

Forecast FitPredict(const Estimator& est, const std::vector<double>& y, PredictRequest req) {
  auto fit = est.Fit(Monthly(y));
  EXPECT_TRUE(fit.ok()) << fit.status().ToString();
  auto fc = (*fit)->Predict(req);
  EXPECT_TRUE(fc.ok()) << fc.status().ToString();
  return *fc;
}

Forecast Member(const std::string& name, const std::vector<double>& y, PredictRequest req) {
  auto est = BuiltinRegistry().Create(name, KeyValues{});
  EXPECT_TRUE(est.ok());
  return FitPredict(**est, y, req);
}

const std::vector<double> kSeries = {10, 12, 11, 14, 13, 15, 16, 15, 18, 17, 19, 21, 20, 22};

TEST(ComboTest, MeanAndMedianOfMembersAndTheirBounds) {
  PredictRequest req{4, {80, 95}};
  Forecast naive = Member("naive", kSeries, req);
  Forecast mean = Member("mean", kSeries, req);
  Forecast drift = Member("drift", kSeries, req);
  auto avg = Combo({{"models", "naive,mean,drift"}});
  ASSERT_TRUE(avg.ok()) << avg.status().ToString();
  Forecast a = FitPredict(**avg, kSeries, req);
  auto med = Combo({{"models", "naive,mean,drift"}, {"method", "median"}});
  ASSERT_TRUE(med.ok());
  Forecast m = FitPredict(**med, kSeries, req);
  for (size_t t = 0; t < 4; ++t) {
    EXPECT_NEAR(a.mean[t], (naive.mean[t] + mean.mean[t] + drift.mean[t]) / 3, 1e-12);
    EXPECT_NEAR(a.lower[1][t], (naive.lower[1][t] + mean.lower[1][t] + drift.lower[1][t]) / 3,
                1e-12);
    std::vector<double> v = {naive.upper[0][t], mean.upper[0][t], drift.upper[0][t]};
    std::sort(v.begin(), v.end());
    EXPECT_EQ(m.upper[0][t], v[1]);
  }
}

TEST(ComboTest, MembersThatCannotFitAreLeftOutAndAllFailingIsAnError) {
  // snaive needs more than one season (12 months); on 8 months only naive takes part.
  std::vector<double> short_series(kSeries.begin(), kSeries.begin() + 8);
  auto combo = Combo({{"models", "snaive,naive"}});
  ASSERT_TRUE(combo.ok());
  Forecast fc = FitPredict(**combo, short_series, {3, {80}});
  Forecast naive = Member("naive", short_series, {3, {80}});
  EXPECT_EQ(fc.mean, naive.mean);
  auto only_snaive = Combo({{"models", "snaive"}});
  ASSERT_TRUE(only_snaive.ok());
  auto fit = (*only_snaive)->Fit(Monthly(short_series, "short"));
  ASSERT_EQ(fit.status().code(), StatusCode::kDataError);
  EXPECT_NE(fit.status().message().find("short"), std::string::npos);
  EXPECT_NE(fit.status().message().find("snaive"), std::string::npos);
}

TEST(ComboTest, SaveLoadIsBitForBitAndCorruptStateIsDataError) {
  auto combo = Combo({{"models", "naive,mean,drift"}});
  ASSERT_TRUE(combo.ok());
  auto fit = (*combo)->Fit(Monthly(kSeries));
  ASSERT_TRUE(fit.ok());
  ByteWriter out;
  (*fit)->Save(out);
  ByteReader in(out.bytes());
  auto loaded = (*combo)->Load(in);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto a = (*fit)->Predict({6, {80, 95}});
  auto b = (*loaded)->Predict({6, {80, 95}});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->mean, b->mean);
  EXPECT_EQ(a->upper, b->upper);
  for (size_t n = 0; n < out.bytes().size(); n += 5) {
    ByteReader cut(std::string_view(out.bytes()).substr(0, n));
    EXPECT_EQ((*combo)->Load(cut).status().code(), StatusCode::kDataError) << n;
  }
}

TEST(ComboTest, BadMemberLists) {
  EXPECT_EQ(Combo({{"models", "naive,nope"}}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Combo({{"models", "naive,naive"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Combo({{"models", ""}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Combo({{"models", "naive,combo"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Combo({{"models", "auto"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Combo({{"method", "mode"}}).status().code(), StatusCode::kInvalidArgument);
}

// A trending series: drift wins every backtest window against mean; a flat noisy one: mean
// wins against drift.
TEST(AutoTest, ChoosesTheCandidateWithTheBestBacktestError) {
  std::vector<double> trend, flat;
  for (int t = 0; t < 60; ++t) {
    trend.push_back(5.0 * t + ((t % 3) - 1));
    flat.push_back(100 + ((t * 7) % 5) - 2);
  }
  auto est = Auto({{"models", "mean,drift"}, {"season_length", "12"}});
  ASSERT_TRUE(est.ok()) << est.status().ToString();
  PredictRequest req{3, {80}};
  EXPECT_EQ(FitPredict(**est, trend, req).mean, Member("drift", trend, req).mean);
  EXPECT_EQ(FitPredict(**est, flat, req).mean, Member("mean", flat, req).mean);
}

TEST(AutoTest, TheChoiceIsTheBacktestsChoice) {
  // The same decision as the library's backtest + SelectModels on one series.
  std::vector<double> y;
  for (int t = 0; t < 48; ++t) y.push_back(50 + 10 * std::sin(t * 0.5236) + (t % 4));
  auto est = Auto({{"models", "naive,snaive,mean"}, {"windows", "3"}, {"horizon", "6"}});
  ASSERT_TRUE(est.ok());
  Panel p(Frequency::Monthly());
  p.AddSeries("s", Date::FromYmd(2015, 1, 1), y);
  auto models = InstantiateModels(BuiltinRegistry(),
                                  *MakeModelSpecs(BuiltinRegistry(), "naive,snaive,mean", 0));
  ASSERT_TRUE(models.ok());
  BacktestOptions o;
  o.horizon = 6;
  o.windows = 3;
  o.levels = {};
  o.metrics = {"MASE"};
  o.min_train_length = 24;
  ThreadPool pool(1);
  auto bt = RunBacktest(p, *models, o, pool);
  ASSERT_TRUE(bt.ok());
  auto sel = SelectModels(*bt, "MASE");
  ASSERT_TRUE(sel.ok());
  ASSERT_EQ(sel->choices.size(), 1u);
  PredictRequest req{4, {}};
  EXPECT_EQ(FitPredict(**est, y, req).mean, Member(sel->choices[0].model, y, req).mean)
      << "backtest chose " << sel->choices[0].model;
}

TEST(AutoTest, ShortSeriesFallBackToTheFirstCandidateThatFits) {
  std::vector<double> y = {3, 4, 5, 4, 6};
  auto est = Auto({{"models", "snaive,naive,mean"}, {"season_length", "12"}});
  ASSERT_TRUE(est.ok());
  EXPECT_EQ(FitPredict(**est, y, {2, {}}).mean, Member("naive", y, {2, {}}).mean);
}

TEST(AutoTest, SaveLoadAndBadParameters) {
  auto est = Auto({{"models", "mean,drift"}});
  ASSERT_TRUE(est.ok());
  auto fit = (*est)->Fit(Monthly(kSeries));
  ASSERT_TRUE(fit.ok());
  ByteWriter out;
  (*fit)->Save(out);
  ByteReader in(out.bytes());
  auto loaded = (*est)->Load(in);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*fit)->Predict({3, {95}})->mean, (*loaded)->Predict({3, {95}})->mean);
  std::string bad = out.bytes();
  bad[bad.size() / 2] ^= 0x5a;
  ByteReader corrupt(bad);
  auto r = (*est)->Load(corrupt);
  EXPECT_TRUE(r.ok() || r.status().code() == StatusCode::kDataError);
  EXPECT_EQ(Auto({{"models", "auto,naive"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Auto({{"metric", "R2"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Auto({{"windows", "0"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace retailcast::eval
