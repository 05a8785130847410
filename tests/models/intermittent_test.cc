// Tests of the intermittent-demand models: croston against R forecast 8.20's croston() (golden
// rows), sba, tsb, adida and imapa against hand-worked examples, and the demand-model
// quantiles.
//
// The golden rows were printed by tests/models/r_golden_theta.R (see theta_test.cc), which runs
// croston(y, h = 5, alpha) on the first 200 days of FOODS_1_033_CA_1 and HOBBIES_2_057_TX_2 of
// m5_subset_long.csv and on two short vectors, and prints the mean and the fitted values.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "golden_data.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/core/model.h"

namespace retailcast {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct CrostonGolden {
  std::string_view series;
  double alpha;
  std::vector<double> mean, fitted;
};

const std::vector<CrostonGolden>& Goldens() {
  static const std::vector<CrostonGolden> rows = {
      {"FOODS_1_033_CA_1",
       0.10000000000000001,
       {0.88829144606988575, 0.88829144606988575, 0.88829144606988575, 0.88829144606988575,
        0.88829144606988575},
       {kNaN,
        2,
        2,
        2,
        2,
        2,
        2,
        2,
        2,
        2,
        2,
        1.0526315789473684,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        1.3259668508287294,
        0.57520997709340815,
        0.58689254970985416,
        0.58689254970985416,
        0.58689254970985416,
        0.58689254970985416,
        0.58689254970985416,
        0.58689254970985416,
        0.58689254970985416,
        0.58689254970985416,
        0.54526837389410432,
        0.54526837389410432,
        0.56879765065102028,
        0.56879765065102028,
        0.59224073480620387,
        0.59224073480620387,
        0.58698611779583421,
        0.63033328395353261,
        0.63033328395353261,
        0.62201533618407978,
        0.63495821615879977,
        0.63495821615879977,
        0.63495821615879977,
        0.63495821615879977,
        0.63495821615879977,
        0.62937091894459529,
        0.6763822533086814,
        0.6763822533086814,
        0.6763822533086814,
        0.6763822533086814,
        0.61998203839629851,
        0.63345031384048234,
        0.63345031384048234,
        0.63345031384048234,
        0.60174134718431171,
        0.61673896973927134,
        0.63213140730348638,
        0.64784599048003022,
        0.64784599048003022,
        0.63502795871255924,
        0.65179934165141307,
        0.7172922803233851,
        0.73177014611337232,
        0.73177014611337232,
        0.70808896226645968,
        0.70808896226645968,
        0.70808896226645968,
        0.70808896226645968,
        0.70808896226645968,
        0.70808896226645968,
        0.70808896226645968,
        0.54736029065431646,
        0.56690845187485861,
        0.58673901983628907,
        0.70357208031111551,
        0.71870361917204573,
        0.71870361917204573,
        0.69642223687852012,
        0.71268420682213374,
        0.78500059908164732,
        0.78500059908164732,
        0.78500059908164732,
        0.71376362137628035,
        0.71376362137628035,
        0.6914021713872357,
        0.6914021713872357,
        0.6914021713872357,
        0.63824217626082225,
        0.63824217626082225,
        0.72362246112670536,
        0.73804137543587933,
        0.73804137543587933,
        0.71331100795501645,
        0.71331100795501645,
        0.74297998386043063,
        0.74297998386043063,
        0.76948610277310037,
        0.89035539780801265,
        0.89035539780801265,
        0.84840096181114488,
        0.96963361437755724,
        1.0303401132649512,
        1.0303401132649512,
        1.0303401132649512,
        1.0303401132649512,
        0.86840708335200811,
        0.86840708335200811,
        0.86840708335200811,
        0.86840708335200811,
        0.75253575904354675,
        0.81425091254044091,
        0.82392941164623057,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575,
        0.88829144606988575}},
      {"HOBBIES_2_057_TX_2",
       0.10000000000000001,
       {0.21894723478027597, 0.21894723478027597, 0.21894723478027597, 0.21894723478027597,
        0.21894723478027597},
       {kNaN,
        4,
        4,
        3.3636363636363633,
        3.3636363636363633,
        3.3636363636363633,
        3.3636363636363633,
        3.3636363636363633,
        3.3636363636363633,
        3.3636363636363633,
        3.3636363636363633,
        3.3636363636363633,
        3.3636363636363633,
        1.7236180904522611,
        1.7236180904522611,
        1.7236180904522611,
        1.7236180904522611,
        1.7236180904522611,
        1.7236180904522611,
        1.7236180904522611,
        1.2794058610999599,
        1.2794058610999599,
        1.2794058610999599,
        1.2794058610999599,
        1.46421136303418,
        1.46421136303418,
        1.46421136303418,
        1.3375122772817074,
        1.3375122772817074,
        1.3375122772817074,
        1.3375122772817074,
        1.3375122772817074,
        1.3375122772817074,
        1.3375122772817074,
        1.1007685359744999,
        1.1007685359744999,
        1.1007685359744999,
        1.1007685359744999,
        1.1007685359744999,
        1.1007685359744999,
        1.1007685359744999,
        1.1007685359744999,
        1.1007685359744999,
        1.1007685359744999,
        1.1007685359744999,
        1.1007685359744999,
        1.1007685359744999,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.87363714629893441,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.54571588474846289,
        0.42452481943386033,
        0.42452481943386033,
        0.42676041530168857,
        0.42676041530168857,
        0.42676041530168857,
        0.42676041530168857,
        0.42676041530168857,
        0.42676041530168857,
        0.42676041530168857,
        0.42676041530168857,
        0.42676041530168857,
        0.42676041530168857,
        0.42676041530168857,
        0.42676041530168857,
        0.42676041530168857,
        0.37866600166468811,
        0.37866600166468811,
        0.37866600166468811,
        0.37866600166468811,
        0.37866600166468811,
        0.37866600166468811,
        0.45779053676193426,
        0.45779053676193426,
        0.45779053676193426,
        0.45779053676193426,
        0.45779053676193426,
        0.43941709522867017,
        0.43941709522867017,
        0.43941709522867017,
        0.43941709522867017,
        0.43941709522867017,
        0.43941709522867017,
        0.43941709522867017,
        0.40981933626552652,
        0.40981933626552652,
        0.41258884433018478,
        0.42244282453329018,
        0.42244282453329018,
        0.42244282453329018,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.41772390914041185,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.27615735926817192,
        0.21535651643196091,
        0.21535651643196091,
        0.21535651643196091,
        0.21894723478027597,
        0.21894723478027597,
        0.21894723478027597,
        0.21894723478027597,
        0.21894723478027597}},
      {"one_demand", 0.10000000000000001, {1, 1, 1, 1, 1}, {kNaN, 0, 0, 1, 1, 1}},
      {"alpha_0.3",
       0.29999999999999999,
       {0.85782229891830453, 0.85782229891830453, 0.85782229891830453, 0.85782229891830453,
        0.85782229891830453},
       {kNaN, 0, 1, 1, 1, 0.73913043478260876, 1.4083769633507854, 1.4083769633507854,
        1.4083769633507854, 1.4083769633507854, 0.97871501773748515, 0.97871501773748515}},
  };
  return rows;
}

std::unique_ptr<FittedModel> FitModel(std::string_view model, const std::vector<double>& y,
                                      std::vector<std::pair<std::string, std::string>> params = {},
                                      std::string_view id = "item") {
  auto est = BuiltinRegistry().Create(model, params);
  EXPECT_TRUE(est.ok()) << est.status().ToString();
  if (!est.ok()) return nullptr;
  auto fit = (*est)->Fit(SeriesView{id, Date::FromYmd(2016, 1, 1), Frequency::Daily(), y});
  EXPECT_TRUE(fit.ok()) << model << ": " << fit.status().ToString();
  return fit.ok() ? std::move(fit).value() : nullptr;
}

Forecast PredictOrDie(const FittedModel& m, int h, std::vector<double> levels) {
  auto fc = m.Predict(PredictRequest{h, std::move(levels)});
  EXPECT_TRUE(fc.ok()) << fc.status().ToString();
  return fc.ok() ? *fc : Forecast{};
}

void CheckCroston(const CrostonGolden& g, const std::vector<double>& y) {
  char alpha[32];
  std::snprintf(alpha, sizeof alpha, "%.17g", g.alpha);
  auto fit = FitModel("croston", y, {{"alpha", alpha}});
  ASSERT_NE(fit, nullptr);
  const Forecast fc = PredictOrDie(*fit, 5, {80, 95});
  for (size_t j = 0; j < 5; ++j) EXPECT_NEAR(fc.mean[j], g.mean[j], 1e-12) << g.series;
  const std::vector<double>& fitted = fit->in_sample().fitted;
  ASSERT_EQ(fitted.size(), g.fitted.size()) << g.series;
  for (size_t t = 0; t < fitted.size(); ++t) {
    if (std::isnan(g.fitted[t])) {
      EXPECT_TRUE(std::isnan(fitted[t])) << g.series << " t=" << t;
    } else {
      EXPECT_NEAR(fitted[t], g.fitted[t], 1e-12) << g.series << " t=" << t;
    }
  }
}

TEST(CrostonRGoldenTest, ShortVectors) {
  CheckCroston(Goldens()[2], {0, 0, 3, 0, 0, 0});
  CheckCroston(Goldens()[3], {0, 2, 0, 0, 1, 5, 0, 0, 0, 2, 0, 1});
}

TEST(CrostonRGoldenTest, M5Items) {
  for (size_t i = 0; i < 2; ++i) {
    const std::string id = std::string(Goldens()[i].series) + "_validation";
    const std::vector<double> y = testing::ReadLongSeries(
        std::string(RETAILCAST_SHARED_DIR) + "/peers/data/m5_subset_long.csv", id, 200);
    if (y.size() != 200) GTEST_SKIP() << "m5_subset_long.csv is absent";
    CheckCroston(Goldens()[i], y);
  }
}

const std::vector<double> kLumpy = {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};

TEST(SbaTest, IsCrostonTimesTheBiasCorrection) {
  for (const char* alpha : {"0.1", "0.25"}) {
    auto c = FitModel("croston", kLumpy, {{"alpha", alpha}});
    auto s = FitModel("sba", kLumpy, {{"alpha", alpha}});
    ASSERT_TRUE(c && s);
    const double a = std::stod(alpha);
    EXPECT_NEAR(PredictOrDie(*s, 1, {}).mean[0], PredictOrDie(*c, 1, {}).mean[0] * (1 - a / 2),
                1e-15);
  }
}

TEST(TsbTest, HandWorkedExample) {
  // First demand at period 2: z = 2, p = 1/2; then p <- p + 0.5 (1[d > 0] - p) every
  // period and z <- z + 0.5 (d - z) at demands.
  auto fit = FitModel("tsb", {0, 2, 0, 0, 3}, {{"alpha_d", "0.5"}, {"alpha_p", "0.5"}});
  ASSERT_NE(fit, nullptr);
  EXPECT_DOUBLE_EQ(PredictOrDie(*fit, 3, {}).mean[2], 0.5625 * 2.5);
  const std::vector<double>& f = fit->in_sample().fitted;
  EXPECT_TRUE(std::isnan(f[0]));
  EXPECT_EQ(f[1], 0);
  EXPECT_DOUBLE_EQ(f[2], 1);
  EXPECT_DOUBLE_EQ(f[3], 0.5);
  EXPECT_DOUBLE_EQ(f[4], 0.25);
}

TEST(TsbTest, ProbabilityDecaysWithoutDemand) {
  // TSB's point: after a long run of zeros the forecast decays (Croston's stays flat).
  std::vector<double> y = {3, 0, 2, 4, 0, 3};
  y.resize(40, 0.0);
  auto tsb = FitModel("tsb", y);
  auto croston = FitModel("croston", y);
  ASSERT_TRUE(tsb && croston);
  EXPECT_LT(PredictOrDie(*tsb, 1, {}).mean[0], 0.2 * PredictOrDie(*croston, 1, {}).mean[0]);
}

const std::vector<double> kTwoPeriodDemand = {0, 1, 0, 2, 0, 0, 3, 1};

TEST(AdidaTest, HandWorkedExample) {
  // Intervals 2, 2, 3, 1: k = 2; bucket totals 1, 2, 0, 4; SES(alpha 0.5, l0 = 1) ends at
  // 2.375; per period 1.1875.
  auto fit = FitModel("adida", kTwoPeriodDemand, {{"alpha", "0.5"}, {"optimize", "false"}});
  ASSERT_NE(fit, nullptr);
  EXPECT_DOUBLE_EQ(PredictOrDie(*fit, 2, {}).mean[1], 1.1875);
  const std::vector<double> want = {0.5, 0.5, 0.5, 0.5, 0.75, 0.75, 0.375, 0.375};
  for (size_t t = 0; t < want.size(); ++t) {
    EXPECT_DOUBLE_EQ(fit->in_sample().fitted[t], want[t]) << t;
  }
}

TEST(ImapaTest, IsTheMeanOfAdidaOverLevels) {
  const std::vector<std::pair<std::string, std::string>> p = {{"alpha", "0.5"},
                                                              {"optimize", "false"}};
  auto imapa = FitModel("imapa", kTwoPeriodDemand, p);  // K = round(mean interval) = 2
  auto a1 = FitModel("adida", kTwoPeriodDemand,
                     {{"alpha", "0.5"}, {"optimize", "false"}, {"aggregation", "1"}});
  auto a2 = FitModel("adida", kTwoPeriodDemand, p);
  ASSERT_TRUE(imapa && a1 && a2);
  EXPECT_DOUBLE_EQ(PredictOrDie(*a1, 1, {}).mean[0], 1.3203125);  // plain SES from l0 = 0
  EXPECT_DOUBLE_EQ(PredictOrDie(*imapa, 1, {}).mean[0], (1.3203125 + 1.1875) / 2);
  for (size_t t = 0; t < kTwoPeriodDemand.size(); ++t) {
    EXPECT_DOUBLE_EQ(imapa->in_sample().fitted[t],
                     (a1->in_sample().fitted[t] + a2->in_sample().fitted[t]) / 2)
        << t;
  }
}

TEST(IntermittentTest, QuantilesComeFromTheDemandModel) {
  // Croston: sizes 1, 2, 3 every 4 periods: z = 1.29, p = 4, mean 0.3225, demand probability
  // 1/4, sizes rescaled by 0.3225 / (0.25 * 2) = 0.645. The 0.9 quantile is the
  // (0.9 - 0.75) / 0.25 = 0.6 quantile of the sizes, 2.2, times 0.645.
  auto fit = FitModel("croston", kLumpy);
  ASSERT_NE(fit, nullptr);
  const Forecast fc = PredictOrDie(*fit, 2, {80, 95});
  EXPECT_NEAR(fc.mean[0], 0.3225, 1e-12);
  EXPECT_EQ(fc.lower[0][0], 0);
  EXPECT_EQ(fc.lower[1][1], 0);
  EXPECT_NEAR(fc.upper[0][0], 2.2 * 0.645, 1e-12);
  EXPECT_NEAR(fc.upper[1][1], 2.8 * 0.645, 1e-12);
}

TEST(IntermittentTest, RareDemandKeepsTheMeanInsideTheInterval) {
  std::vector<double> y(20, 0.0);
  y[19] = 1;
  for (const char* model : {"croston", "sba", "tsb", "adida", "imapa"}) {
    auto fit = FitModel(model, y);
    ASSERT_NE(fit, nullptr) << model;
    const Forecast fc = PredictOrDie(*fit, 3, {50, 80, 95});
    for (size_t l = 0; l < 3; ++l) {
      EXPECT_GE(fc.lower[l][0], 0) << model;
      EXPECT_LE(fc.lower[l][0], fc.mean[0]) << model;
      EXPECT_GE(fc.upper[l][0], fc.mean[0]) << model;
    }
  }
}

TEST(IntermittentTest, AllZeroSeriesForecastZero) {
  const std::vector<double> y(30, 0.0);
  for (const char* model : {"croston", "sba", "tsb", "adida", "imapa"}) {
    auto fit = FitModel(model, y);
    ASSERT_NE(fit, nullptr) << model;
    const Forecast fc = PredictOrDie(*fit, 4, {80, 95});
    for (size_t j = 0; j < 4; ++j) {
      EXPECT_EQ(fc.mean[j], 0) << model;
      EXPECT_EQ(fc.lower[1][j], 0) << model;
      EXPECT_EQ(fc.upper[1][j], 0) << model;
    }
  }
}

TEST(IntermittentTest, NegativeDemandIsADataError) {
  const std::vector<double> y = {0, 2, -1, 0, 3};
  for (const char* model : {"croston", "sba", "tsb", "adida", "imapa"}) {
    auto est = BuiltinRegistry().Create(model, std::vector<std::pair<std::string, std::string>>{});
    ASSERT_TRUE(est.ok());
    auto fit =
        (*est)->Fit(SeriesView{"store_3_item_9", Date::FromYmd(2016, 1, 1), Frequency::Daily(), y});
    ASSERT_FALSE(fit.ok()) << model;
    EXPECT_EQ(fit.status().code(), StatusCode::kDataError);
    EXPECT_NE(fit.status().message().find("store_3_item_9"), std::string::npos);
    EXPECT_NE(fit.status().message().find("-1"), std::string::npos);
  }
}

TEST(IntermittentTest, MissingPeriodsAreSkipped) {
  const std::vector<double> with_gaps = {0, kNaN, 2, 0, kNaN, kNaN, 1, 0, 0, 4, kNaN};
  std::vector<double> without;
  for (double v : with_gaps) {
    if (!std::isnan(v)) without.push_back(v);
  }
  for (const char* model : {"croston", "sba", "tsb", "adida", "imapa"}) {
    auto a = FitModel(model, with_gaps);
    auto b = FitModel(model, without);
    ASSERT_TRUE(a && b) << model;
    const Forecast fa = PredictOrDie(*a, 3, {80, 95});
    const Forecast fb = PredictOrDie(*b, 3, {80, 95});
    EXPECT_EQ(fa.mean, fb.mean) << model;
    EXPECT_EQ(fa.upper, fb.upper) << model;
    EXPECT_TRUE(std::isnan(a->in_sample().residuals[1])) << model;
    EXPECT_TRUE(std::isfinite(a->in_sample().fitted[4])) << model;
  }
}

TEST(IntermittentTest, OptimisedConstantsStayInTheirRange) {
  std::vector<double> y;
  for (int t = 0; t < 300; ++t) y.push_back(t % 5 == 0 ? 1 + t % 3 : (t % 11 == 0 ? 2 : 0));
  auto c = FitModel("croston", y, {{"optimize", "true"}});
  auto s = FitModel("sba", y, {{"optimize", "true"}});
  ASSERT_TRUE(c && s);
  const double ratio = PredictOrDie(*s, 1, {}).mean[0] / PredictOrDie(*c, 1, {}).mean[0];
  // SBA's factor 1 - alpha_p / 2 with alpha_p in [0.1, 0.3].
  EXPECT_GE(ratio, 0.85 - 1e-12);
  EXPECT_LE(ratio, 0.95 + 1e-12);
  for (const char* model : {"tsb", "adida", "imapa"}) {
    auto o = FitModel(model, y, {{"optimize", "true"}});
    ASSERT_NE(o, nullptr);
    const double mean = PredictOrDie(*o, 1, {}).mean[0];
    EXPECT_GT(mean, 0.1) << model;
    EXPECT_LT(mean, 1.0) << model;
  }
}

TEST(IntermittentTest, ParametersAreValidated) {
  for (const auto& kv : std::vector<std::pair<std::string, std::string>>{
           {"alpha", "1.5"}, {"alpha", "-0.1"}, {"optimize", "maybe"}}) {
    auto est = BuiltinRegistry().Create("croston", {kv});
    EXPECT_EQ(est.status().code(), StatusCode::kInvalidArgument) << kv.first << "=" << kv.second;
  }
  EXPECT_EQ(BuiltinRegistry().Create("tsb", {{"alpha", "0.2"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(BuiltinRegistry().Create("imapa", {{"aggregation", "-2"}}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(IntermittentTest, AggregationLongerThanTheSeriesIsADataError) {
  auto est = BuiltinRegistry().Create("adida", {{"aggregation", "9"}});
  ASSERT_TRUE(est.ok());
  auto fit = (*est)->Fit(
      SeriesView{"short_item", Date::FromYmd(2016, 1, 1), Frequency::Daily(), kTwoPeriodDemand});
  ASSERT_FALSE(fit.ok());
  EXPECT_EQ(fit.status().code(), StatusCode::kDataError);
  EXPECT_NE(fit.status().message().find("short_item"), std::string::npos);
}

}  // namespace
}  // namespace retailcast
