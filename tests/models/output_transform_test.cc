// The output options every per-series model shares (models/output_transform.h): log1p and
// Box-Cox scales against R forecast 8.20, bias adjustment, non-negative output, errors.
#include "retailcast/models/output_transform.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "retailcast/catalog/catalog.h"
#include "retailcast/core/serialize.h"
#include "synthetic_series.h"

namespace retailcast {
namespace {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// R's datasets::AirPassengers (monthly, 1949-1960).
const std::vector<double> kAirPassengers = {
    112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, 115, 126, 141, 135, 125, 149,
    170, 170, 158, 133, 114, 140, 145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166,
    171, 180, 193, 181, 183, 218, 230, 242, 209, 191, 172, 194, 196, 196, 236, 235, 229, 243,
    264, 272, 237, 211, 180, 201, 204, 188, 235, 227, 234, 264, 302, 293, 259, 229, 203, 229,
    242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278, 284, 277, 317, 313, 318, 374,
    413, 405, 355, 306, 271, 306, 315, 301, 356, 348, 355, 422, 465, 467, 404, 347, 305, 336,
    340, 318, 362, 348, 363, 435, 491, 505, 404, 359, 310, 337, 360, 342, 406, 396, 420, 472,
    548, 559, 463, 407, 362, 405, 417, 391, 419, 461, 472, 535, 622, 606, 508, 461, 390, 432};

SeriesView View(const std::vector<double>& y, Frequency freq = Frequency::Monthly()) {
  return SeriesView{"s", Date::FromYmd(1949, 1, 1), freq, y};
}

Forecast FitPredict(const std::string& model, const KeyValues& params, const std::vector<double>& y,
                    PredictRequest req) {
  auto est = BuiltinRegistry().Create(model, params);
  EXPECT_TRUE(est.ok()) << est.status().ToString();
  auto fit = (*est)->Fit(View(y));
  EXPECT_TRUE(fit.ok()) << fit.status().ToString();
  auto fc = (*fit)->Predict(req);
  EXPECT_TRUE(fc.ok()) << fc.status().ToString();
  return *fc;
}

void ExpectNear(const std::vector<double>& got, const std::vector<double>& want, double rel) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t t = 0; t < got.size(); ++t) {
    EXPECT_NEAR(got[t], want[t], rel * std::abs(want[t])) << "t=" << t;
  }
}

TEST(OutputTransformTest, GuerreroLambdaMatchesR) {
  // BoxCox.lambda(AirPassengers) in R forecast 8.20: -0.294715585559316.
  EXPECT_NEAR(models::GuerreroLambda(kAirPassengers, 12), -0.294715585559316, 1e-4);
  EXPECT_TRUE(std::isnan(models::GuerreroLambda(std::vector<double>{1, 2, 3}, 12)));
  EXPECT_TRUE(std::isnan(models::GuerreroLambda(std::vector<double>(24, -1.0), 12)));
}

TEST(OutputTransformTest, LogScaleNaiveMatchesR) {
  // naive(AirPassengers, h = 3, lambda = 0, level = c(80, 95)).
  Forecast fc = FitPredict("naive", {{"transform", "boxcox"}, {"lambda", "0"}}, kAirPassengers,
                           PredictRequest{3, {80, 95}});
  ExpectNear(fc.mean, {432, 432, 432}, 1e-12);
  ExpectNear(fc.lower[0], {376.835964553221, 356.103689105861, 340.972020685736}, 1e-9);
  ExpectNear(fc.lower[1], {350.545339200362, 321.483468321976, 300.827986276774}, 1e-9);
  ExpectNear(fc.upper[0], {495.239354930633, 524.072077064389, 547.329366276672}, 1e-9);
  ExpectNear(fc.upper[1], {532.381917915991, 580.508854698214, 620.367813213691}, 1e-9);
}

TEST(OutputTransformTest, BiasAdjustedMeanMatchesR) {
  // naive(AirPassengers, h = 3, lambda = 0, biasadj = TRUE).
  Forecast log_fc =
      FitPredict("naive", {{"transform", "boxcox"}, {"lambda", "0"}, {"bias_adjust", "true"}},
                 kAirPassengers, PredictRequest{3, {80, 95}});
  ExpectNear(log_fc.mean, {434.454608226661, 436.909216453322, 439.363824679983}, 1e-9);
  // snaive(AirPassengers, h = 3, lambda = 0.5, biasadj = TRUE); the variance is read off the
  // intervals, so it must not matter whether the caller asked for any.
  Forecast sqrt_fc =
      FitPredict("snaive", {{"transform", "boxcox"}, {"lambda", "0.5"}, {"bias_adjust", "true"}},
                 kAirPassengers, PredictRequest{3, {}});
  ExpectNear(sqrt_fc.mean, {418.132340643918, 392.132340643918, 420.132340643918}, 1e-9);
  EXPECT_TRUE(sqrt_fc.levels.empty());
  EXPECT_TRUE(sqrt_fc.lower.empty());
}

TEST(OutputTransformTest, Log1pBackTransformsEveryPath) {
  std::vector<double> y = {0, 3, 1, 0, 5, 2, 0, 0, 4, 1, 2, 0, 3, 6, 0, 1};
  Forecast plain = FitPredict("mean", {}, y, PredictRequest{2, {80}});
  Forecast fc = FitPredict("mean", {{"transform", "log1p"}}, y, PredictRequest{2, {80}});
  std::vector<double> z;
  for (double v : y) z.push_back(std::log1p(v));
  double mean_z = 0;
  for (double v : z) mean_z += v;
  mean_z /= static_cast<double>(z.size());
  EXPECT_NEAR(fc.mean[0], std::expm1(mean_z), 1e-12);
  EXPECT_GE(fc.lower[0][0], 0);
  EXPECT_LT(fc.lower[0][0], fc.mean[0]);
  EXPECT_GT(fc.upper[0][0], fc.mean[0]);
  // The log scale makes the interval skewed: further above the median than below it.
  EXPECT_GT(fc.upper[0][0] - fc.mean[0], fc.mean[0] - fc.lower[0][0]);
  EXPECT_NE(plain.mean[0], fc.mean[0]);
}

TEST(OutputTransformTest, NonNegativeAutoClampsCountsButKeepsReturns) {
  std::vector<double> counts = {0, 1, 0, 2, 0, 0, 1, 3, 0, 1, 0, 0};
  Forecast clamped = FitPredict("naive", {}, counts, PredictRequest{6, {95}});
  for (double lo : clamped.lower[0]) EXPECT_GE(lo, 0);
  Forecast unclamped =
      FitPredict("naive", {{"non_negative", "false"}}, counts, PredictRequest{6, {95}});
  EXPECT_LT(unclamped.lower[0].back(), 0);
  std::vector<double> with_return = counts;
  with_return[4] = -1;  // a return: negative net sales are real here
  Forecast returns = FitPredict("naive", {}, with_return, PredictRequest{6, {95}});
  EXPECT_LT(returns.lower[0].back(), 0);
  Forecast forced =
      FitPredict("naive", {{"non_negative", "true"}}, with_return, PredictRequest{6, {95}});
  for (double lo : forced.lower[0]) EXPECT_GE(lo, 0);
}

TEST(OutputTransformTest, InSampleIsOnTheOriginalScale) {
  auto est = BuiltinRegistry().Create("naive", KeyValues{{"transform", "log1p"}});
  ASSERT_TRUE(est.ok());
  std::vector<double> y = {4, 9, 2, 7, 5};
  auto fit = (*est)->Fit(View(y));
  ASSERT_TRUE(fit.ok());
  const InSample& ins = (*fit)->in_sample();
  ASSERT_EQ(ins.fitted.size(), y.size());
  EXPECT_TRUE(std::isnan(ins.fitted[0]));
  for (size_t t = 1; t < y.size(); ++t) {
    EXPECT_NEAR(ins.fitted[t], y[t - 1], 1e-12);
    EXPECT_EQ(ins.residuals[t], y[t] - ins.fitted[t]);
  }
}

TEST(OutputTransformTest, ValuesOutsideTheDomainAreDataErrors) {
  auto log_est = BuiltinRegistry().Create("naive", KeyValues{{"transform", "log1p"}});
  ASSERT_TRUE(log_est.ok());
  std::vector<double> below = {3, 2, -1.5, 4};
  auto fit = (*log_est)->Fit(View(below));
  ASSERT_EQ(fit.status().code(), StatusCode::kDataError);
  EXPECT_NE(fit.status().message().find("position 2"), std::string::npos)
      << fit.status().ToString();

  auto log_bc =
      BuiltinRegistry().Create("naive", KeyValues{{"transform", "boxcox"}, {"lambda", "0"}});
  ASSERT_TRUE(log_bc.ok());
  std::vector<double> zeros = {3, 0, 2, 4};
  auto fit0 = (*log_bc)->Fit(View(zeros));
  ASSERT_EQ(fit0.status().code(), StatusCode::kDataError);
  EXPECT_NE(fit0.status().message().find("log1p"), std::string::npos);

  auto auto_bc = BuiltinRegistry().Create("naive", KeyValues{{"transform", "boxcox"}});
  ASSERT_TRUE(auto_bc.ok());
  std::vector<double> short_series = {3, 1, 2, 4};
  EXPECT_EQ((*auto_bc)->Fit(View(short_series)).status().code(), StatusCode::kDataError);
}

TEST(OutputTransformTest, BadParametersAreRejected) {
  for (const char* lambda : {"x", "3", "-1.5", "", "0.5x"}) {
    auto est =
        BuiltinRegistry().Create("naive", KeyValues{{"transform", "boxcox"}, {"lambda", lambda}});
    EXPECT_EQ(est.status().code(), StatusCode::kInvalidArgument) << lambda;
  }
  EXPECT_EQ(BuiltinRegistry().Create("naive", KeyValues{{"transform", "sqrt"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(BuiltinRegistry().Create("naive", KeyValues{{"non_negative", "yes"}}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(OutputTransformTest, SaveLoadKeepsTheTransformBitForBit) {
  auto est = BuiltinRegistry().Create(
      "snaive",
      KeyValues{{"transform", "boxcox"}, {"bias_adjust", "true"}, {"season_length", "12"}});
  ASSERT_TRUE(est.ok());
  auto fit = (*est)->Fit(View(kAirPassengers));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  ByteWriter out;
  (*fit)->Save(out);
  ByteReader in(out.bytes());
  auto loaded = (*est)->Load(in);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  PredictRequest req{14, {80, 95}};
  auto a = (*fit)->Predict(req);
  auto b = (*loaded)->Predict(req);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->mean, b->mean);
  EXPECT_EQ(a->lower, b->lower);
  EXPECT_EQ(a->upper, b->upper);

  // Every truncation of the state is a DataError, never a crash.
  for (size_t n = 0; n < out.bytes().size(); n += 7) {
    ByteReader cut(std::string_view(out.bytes()).substr(0, n));
    EXPECT_EQ((*est)->Load(cut).status().code(), StatusCode::kDataError) << n;
  }
}

TEST(OutputTransformTest, StatesSavedBeforeTheWrapperStillLoad) {
  // A retailcast 0.1 artifact holds the bare model state: header "naive", version 1, then the
  // lag-walk fields (lag, last values, drift, drift se, mse).
  ByteWriter legacy;
  legacy.PutString("naive");
  legacy.PutU64(1);
  legacy.PutI64(1);
  legacy.PutDoubles(std::vector<double>{5.0});
  legacy.PutDouble(0);
  legacy.PutDouble(0);
  legacy.PutDouble(4.0);
  auto est = BuiltinRegistry().Create("naive", KeyValues{});
  ASSERT_TRUE(est.ok());
  ByteReader in(legacy.bytes());
  auto loaded = (*est)->Load(in);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto fc = (*loaded)->Predict(PredictRequest{2, {95}});
  ASSERT_TRUE(fc.ok());
  EXPECT_EQ(fc->mean, (std::vector<double>{5, 5}));
  EXPECT_NEAR(fc->lower[0][0], 5 - 1.959963984540054 * 2, 1e-12);  // not clamped: old behaviour
}

}  // namespace
}  // namespace retailcast
