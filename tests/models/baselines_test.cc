// Hand-computed cases for the baseline models: fitted values, residuals, NaN handling,
// interval formulas and the documented errors.
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "retailcast/catalog/catalog.h"
#include "retailcast/core/model.h"
#include "retailcast/models/distributions.h"
#include "synthetic_series.h"

namespace retailcast {
namespace {

using models::NormalQuantile;

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kZ80 = NormalQuantile(0.9);
const double kZ95 = NormalQuantile(0.975);

// The models' own arithmetic: output options off (no clamping at zero), unless a test sets
// them.
std::unique_ptr<Estimator> Make(std::string_view name,
                                std::vector<std::pair<std::string, std::string>> params = {}) {
  bool has_non_negative = false;
  for (const auto& [k, v] : params) has_non_negative |= k == "non_negative";
  if (!has_non_negative) params.emplace_back("non_negative", "false");
  auto est = BuiltinRegistry().Create(name, params);
  EXPECT_TRUE(est.ok()) << est.status().ToString();
  return est.ok() ? std::move(est).value() : nullptr;
}

SeriesView Series(const std::vector<double>& y, Frequency freq = Frequency::Daily()) {
  return SeriesView{"s1", Date::FromYmd(2021, 1, 1), freq, y};
}

// NaN-aware element comparison.
void ExpectSeq(const std::vector<double>& got, const std::vector<double>& want,
               const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << what << "[" << i << "] = " << got[i];
    } else {
      EXPECT_NEAR(got[i], want[i], 1e-12 * std::max(1.0, std::fabs(want[i])))
          << what << "[" << i << "]";
    }
  }
}

Forecast FitAndPredict(const Estimator& est, const std::vector<double>& y, int h,
                       Frequency freq = Frequency::Daily()) {
  auto fit = est.Fit(Series(y, freq));
  EXPECT_TRUE(fit.ok()) << fit.status().ToString();
  if (!fit.ok()) return {};
  auto fc = (*fit)->Predict(PredictRequest{h, {80, 95}});
  EXPECT_TRUE(fc.ok()) << fc.status().ToString();
  return fc.ok() ? *fc : Forecast{};
}

TEST(NaiveTest, FittedResidualsAndIntervals) {
  auto est = Make("naive");
  auto fit = est->Fit(Series({1, 2, 4}));
  ASSERT_TRUE(fit.ok());
  ExpectSeq((*fit)->in_sample().fitted, {kNaN, 1, 2}, "fitted");
  ExpectSeq((*fit)->in_sample().residuals, {kNaN, 1, 2}, "residuals");
  auto fc = (*fit)->Predict(PredictRequest{3, {80, 95}});
  ASSERT_TRUE(fc.ok());
  // sigma^2 = (1 + 4) / 2; se_h = sigma sqrt(h) (FPP3 table 5.2).
  ExpectSeq(fc->mean, {4, 4, 4}, "mean");
  std::vector<double> lo80, hi95;
  for (int h = 1; h <= 3; ++h) {
    lo80.push_back(4 - kZ80 * std::sqrt(2.5 * h));
    hi95.push_back(4 + kZ95 * std::sqrt(2.5 * h));
  }
  ExpectSeq(fc->lower[0], lo80, "lo80");
  ExpectSeq(fc->upper[1], hi95, "hi95");
}

TEST(NaiveTest, MissingValuesUseTheLastObservation) {
  auto est = Make("naive");
  auto fit = est->Fit(Series({1, kNaN, 3, kNaN}));
  ASSERT_TRUE(fit.ok());
  // Filled: 1 1 3 3. The residual at t=2 compares with the last observation before the gap.
  ExpectSeq((*fit)->in_sample().fitted, {kNaN, 1, 1, 3}, "fitted");
  ExpectSeq((*fit)->in_sample().residuals, {kNaN, kNaN, 2, kNaN}, "residuals");
  auto fc = (*fit)->Predict(PredictRequest{2, {80}});
  ASSERT_TRUE(fc.ok());
  ExpectSeq(fc->mean, {3, 3}, "mean");
  ExpectSeq(fc->upper[0], {3 + kZ80 * 2, 3 + kZ80 * 2 * std::sqrt(2.0)}, "hi80");
}

TEST(NaiveTest, LeadingMissingValuesAndTooFewObservations) {
  auto est = Make("naive");
  auto fc = FitAndPredict(*est, {kNaN, kNaN, 5, 8}, 1);
  ExpectSeq(fc.mean, {8}, "mean");
  auto one = est->Fit(Series({kNaN, 5, kNaN}));
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.status().code(), StatusCode::kDataError);
  EXPECT_NE(one.status().message().find("'s1'"), std::string::npos) << one.status().message();
}

TEST(SeasonalNaiveTest, RepeatsTheLastSeason) {
  auto est = Make("snaive", {{"season_length", "3"}});
  const std::vector<double> y = {1, 2, 3, 4, 5, 6, 7, 8, 10};
  auto fit = est->Fit(Series(y));
  ASSERT_TRUE(fit.ok());
  ExpectSeq((*fit)->in_sample().fitted, {kNaN, kNaN, kNaN, 1, 2, 3, 4, 5, 6}, "fitted");
  ExpectSeq((*fit)->in_sample().residuals, {kNaN, kNaN, kNaN, 3, 3, 3, 3, 3, 4}, "residuals");
  auto fc = (*fit)->Predict(PredictRequest{7, {95}});
  ASSERT_TRUE(fc.ok());
  ExpectSeq(fc->mean, {7, 8, 10, 7, 8, 10, 7}, "mean");
  // sigma^2 = (5 * 9 + 16) / 6; se = sigma sqrt(floor((h-1)/m) + 1).
  const double sigma = std::sqrt(61.0 / 6);
  std::vector<double> hi;
  for (int h = 1; h <= 7; ++h) {
    hi.push_back(fc->mean[h - 1] + kZ95 * sigma * std::sqrt(std::floor((h - 1) / 3.0) + 1));
  }
  ExpectSeq(fc->upper[0], hi, "hi95");
}

TEST(SeasonalNaiveTest, MissingValuesUseTheLatestObservationOfTheirPosition) {
  auto est = Make("snaive", {{"season_length", "3"}});
  auto fit = est->Fit(Series({1, 2, 3, 4, kNaN, 6, 7, 8, kNaN}));
  ASSERT_TRUE(fit.ok());
  // Filled: 1 2 3 4 2 6 7 8 6.
  ExpectSeq((*fit)->in_sample().fitted, {kNaN, kNaN, kNaN, 1, 2, 3, 4, 2, 6}, "fitted");
  ExpectSeq((*fit)->in_sample().residuals, {kNaN, kNaN, kNaN, 3, kNaN, 3, 3, 6, kNaN}, "residuals");
  auto fc = (*fit)->Predict(PredictRequest{4, {80}});
  ASSERT_TRUE(fc.ok());
  ExpectSeq(fc->mean, {7, 8, 6, 7}, "mean");
  const double sigma = std::sqrt(63.0 / 4);
  ExpectSeq(
      fc->lower[0],
      {7 - kZ80 * sigma, 8 - kZ80 * sigma, 6 - kZ80 * sigma, 7 - kZ80 * sigma * std::sqrt(2.0)},
      "lo80");
}

TEST(SeasonalNaiveTest, NeverObservedPositionIsDataError) {
  auto est = Make("snaive", {{"season_length", "3"}});
  auto fit = est->Fit(Series({1, kNaN, 3, 4, kNaN, 6, 7, kNaN, 9}));
  ASSERT_FALSE(fit.ok());
  EXPECT_EQ(fit.status().code(), StatusCode::kDataError);
  EXPECT_NE(fit.status().message().find("season position 1"), std::string::npos)
      << fit.status().message();
}

TEST(SeasonalNaiveTest, SeriesNoLongerThanASeasonIsDataError) {
  auto est = Make("snaive", {{"season_length", "4"}});
  for (size_t n : {1u, 3u, 4u}) {
    std::vector<double> y(n, 2.0);
    auto fit = est->Fit(Series(y));
    ASSERT_FALSE(fit.ok()) << n;
    EXPECT_EQ(fit.status().code(), StatusCode::kDataError);
    EXPECT_NE(fit.status().message().find("season_length 4"), std::string::npos)
        << fit.status().message();
  }
  EXPECT_TRUE(est->Fit(Series({1, 2, 3, 4, 5})).ok());
}

TEST(SeasonalNaiveTest, DefaultSeasonComesFromTheFrequency) {
  auto est = Make("snaive");  // season_length 0
  auto s = testing::MakeSynthetic("m", Frequency::Monthly(), 40, 7);
  auto fc = FitAndPredict(*est, s.y, 12, Frequency::Monthly());
  ExpectSeq(fc.mean, std::vector<double>(s.y.end() - 12, s.y.end()), "mean");
  // Yearly data has season 1: snaive is naive.
  auto yearly = FitAndPredict(*est, {3, 5, 4}, 2, Frequency::Yearly());
  auto naive = FitAndPredict(*Make("naive"), {3, 5, 4}, 2, Frequency::Yearly());
  ExpectSeq(yearly.mean, naive.mean, "mean");
  ExpectSeq(yearly.upper[1], naive.upper[1], "hi95");
}

TEST(DriftTest, FittedResidualsAndIntervals) {
  auto est = Make("drift");
  auto fit = est->Fit(Series({1, 2, 4, 7}));
  ASSERT_TRUE(fit.ok());
  // Differences 1, 2, 3: b = 2, sd = 1, se(b) = 1 / sqrt(3).
  ExpectSeq((*fit)->in_sample().fitted, {kNaN, 3, 4, 6}, "fitted");
  ExpectSeq((*fit)->in_sample().residuals, {kNaN, -1, 0, 1}, "residuals");
  auto fc = (*fit)->Predict(PredictRequest{3, {80}});
  ASSERT_TRUE(fc.ok());
  ExpectSeq(fc->mean, {9, 11, 13}, "mean");
  std::vector<double> lo;
  for (int h = 1; h <= 3; ++h) lo.push_back(7 + 2.0 * h - kZ80 * std::sqrt(h + h * h / 3.0));
  ExpectSeq(fc->lower[0], lo, "lo80");
}

TEST(DriftTest, NeedsTwoDifferences) {
  auto est = Make("drift");
  EXPECT_EQ(est->Fit(Series({1, 2})).status().code(), StatusCode::kDataError);
  EXPECT_EQ(est->Fit(Series({1, kNaN, 2, kNaN})).status().code(), StatusCode::kDataError);
  EXPECT_TRUE(est->Fit(Series({1, kNaN, 2, 4})).ok());
}

TEST(MeanTest, StudentTIntervalsAndMissingValues) {
  auto est = Make("mean");
  auto fit = est->Fit(Series({1, 2, 3, 4, kNaN}));
  ASSERT_TRUE(fit.ok());
  ExpectSeq((*fit)->in_sample().fitted, {2.5, 2.5, 2.5, 2.5, 2.5}, "fitted");
  ExpectSeq((*fit)->in_sample().residuals, {-1.5, -0.5, 0.5, 1.5, kNaN}, "residuals");
  auto fc = (*fit)->Predict(PredictRequest{2, {80}});
  ASSERT_TRUE(fc.ok());
  // n = 4 observed values: qt(0.9, 3) = 1.6377443536962091 (R), s = sqrt(5/3).
  const double w = 1.6377443536962091 * std::sqrt(5.0 / 3) * std::sqrt(1.25);
  ExpectSeq(fc->mean, {2.5, 2.5}, "mean");
  ExpectSeq(fc->lower[0], {2.5 - w, 2.5 - w}, "lo80");
  ExpectSeq(fc->upper[0], {2.5 + w, 2.5 + w}, "hi80");
  EXPECT_EQ(est->Fit(Series({kNaN, 3})).status().code(), StatusCode::kDataError);
}

TEST(WindowAverageTest, MeanOfTheLastObservedValues) {
  auto est = Make("window_average", {{"window_size", "2"}});
  auto fit = est->Fit(Series({1, 3, kNaN, 5, 9}));
  ASSERT_TRUE(fit.ok());
  ExpectSeq((*fit)->in_sample().fitted, {kNaN, kNaN, 2, 2, 4}, "fitted");
  ExpectSeq((*fit)->in_sample().residuals, {kNaN, kNaN, kNaN, 3, 5}, "residuals");
  auto fc = (*fit)->Predict(PredictRequest{3, {95}});
  ASSERT_TRUE(fc.ok());
  const double sigma = std::sqrt((9.0 + 25.0) / 2);
  ExpectSeq(fc->mean, {7, 7, 7}, "mean");
  ExpectSeq(fc->lower[0], std::vector<double>(3, 7 - kZ95 * sigma), "lo95");
}

TEST(WindowAverageTest, SlidingSumMatchesDirectMeans) {
  auto est = Make("window_average", {{"window_size", "5"}});
  testing::SyntheticOptions opt;
  opt.level = 1e6;
  opt.missing_share = 0.1;
  auto s = testing::MakeSynthetic("long", Frequency::Daily(), 2000, 3, opt);
  auto fit = est->Fit(s.view());
  ASSERT_TRUE(fit.ok());
  std::vector<double> observed;
  const auto& fitted = (*fit)->in_sample().fitted;
  for (size_t t = 0; t < s.y.size(); ++t) {
    if (observed.size() >= 5) {
      double sum = 0;
      for (size_t i = observed.size() - 5; i < observed.size(); ++i) sum += observed[i];
      EXPECT_NEAR(fitted[t], sum / 5, 1e-9 * std::fabs(sum / 5)) << t;
    } else {
      EXPECT_TRUE(std::isnan(fitted[t])) << t;
    }
    if (!std::isnan(s.y[t])) observed.push_back(s.y[t]);
  }
}

TEST(WindowAverageTest, WindowSizeValidation) {
  EXPECT_EQ(BuiltinRegistry().Create("window_average", {{"window_size", "0"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(BuiltinRegistry().Create("window_average", {{"window_size", "2.5"}}).status().code(),
            StatusCode::kInvalidArgument);
  auto est = Make("window_average");  // window 7
  auto fit = est->Fit(Series({1, 2, 3, 4, 5, 6, 7}));
  ASSERT_FALSE(fit.ok());
  EXPECT_EQ(fit.status().code(), StatusCode::kDataError);
  EXPECT_NE(fit.status().message().find("window_size 7"), std::string::npos);
  EXPECT_TRUE(est->Fit(Series({1, 2, 3, 4, 5, 6, 7, 8})).ok());
  auto one = Make("window_average", {{"window_size", "1"}});
  auto fc = FitAndPredict(*one, {4, 6, 9}, 2);
  ExpectSeq(fc.mean, {9, 9}, "window 1 is naive's point forecast");
}

}  // namespace
}  // namespace retailcast
