// The contract every registered model must honour. The suite is instantiated over every
// entry of BuiltinRegistry(), so a model added to the table is tested without edits here.
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "retailcast/catalog/catalog.h"
#include "retailcast/core/model.h"
#include "retailcast/core/serialize.h"
#include "synthetic_series.h"

namespace retailcast {
namespace {

using testing::MakeSynthetic;
using testing::SyntheticOptions;
using testing::SyntheticSeries;

constexpr uint64_t kSeed = 20240611;

// Normal series of each frequency, at least three seasons long.
std::vector<SyntheticSeries> NormalSeries() {
  return {MakeSynthetic("weekly", Frequency::Weekly(Weekday::kFriday), 3 * 52 + 10, kSeed),
          MakeSynthetic("daily", Frequency::Daily(), 7 * 20 + 3, kSeed),
          MakeSynthetic("monthly", Frequency::Monthly(), 12 * 6 + 5, kSeed)};
}

bool SameBits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

bool SameBits(const Forecast& a, const Forecast& b) {
  if (!SameBits(a.mean, b.mean) || a.levels != b.levels || a.lower.size() != b.lower.size() ||
      a.upper.size() != b.upper.size()) {
    return false;
  }
  for (size_t l = 0; l < a.lower.size(); ++l) {
    if (!SameBits(a.lower[l], b.lower[l]) || !SameBits(a.upper[l], b.upper[l])) return false;
  }
  return true;
}

class ModelContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  const ModelEntry& entry() const { return *BuiltinRegistry().Find(GetParam()).value(); }

  std::unique_ptr<Estimator> MakeDefault() const {
    auto est =
        BuiltinRegistry().Create(GetParam(), std::vector<std::pair<std::string, std::string>>{});
    EXPECT_TRUE(est.ok()) << est.status().ToString();
    return est.ok() ? std::move(est).value() : nullptr;
  }

  // Checks the shape and ordering invariants of a forecast; `finite` also demands no NaN/inf.
  static void CheckForecast(const Forecast& fc, const PredictRequest& req, bool finite,
                            const std::string& what) {
    ASSERT_EQ(fc.mean.size(), static_cast<size_t>(req.horizon)) << what;
    ASSERT_EQ(fc.levels, req.levels) << what;
    ASSERT_EQ(fc.lower.size(), req.levels.size()) << what;
    ASSERT_EQ(fc.upper.size(), req.levels.size()) << what;
    for (size_t l = 0; l < req.levels.size(); ++l) {
      ASSERT_EQ(fc.lower[l].size(), fc.mean.size()) << what;
      ASSERT_EQ(fc.upper[l].size(), fc.mean.size()) << what;
    }
    for (size_t t = 0; t < fc.mean.size(); ++t) {
      if (finite) {
        ASSERT_TRUE(std::isfinite(fc.mean[t])) << what << " mean at " << t;
      }
      for (size_t l = 0; l < req.levels.size(); ++l) {
        if (finite) {
          ASSERT_TRUE(std::isfinite(fc.lower[l][t])) << what << " lower at " << t;
          ASSERT_TRUE(std::isfinite(fc.upper[l][t])) << what << " upper at " << t;
        }
        EXPECT_LE(fc.lower[l][t], fc.mean[t]) << what << " level " << req.levels[l] << " t=" << t;
        EXPECT_LE(fc.mean[t], fc.upper[l][t]) << what << " level " << req.levels[l] << " t=" << t;
        // Levels are requested in increasing order: wider or equal intervals.
        if (l > 0) {
          EXPECT_LE(fc.lower[l][t], fc.lower[l - 1][t]) << what << " t=" << t;
          EXPECT_GE(fc.upper[l][t], fc.upper[l - 1][t]) << what << " t=" << t;
        }
      }
    }
  }
};

const PredictRequest kRequest{13, {50, 80, 95, 99}};

TEST_P(ModelContractTest, ForecastHasHorizonLengthAndOrderedBounds) {
  auto est = MakeDefault();
  ASSERT_NE(est, nullptr);
  for (const auto& s : NormalSeries()) {
    auto fit = est->Fit(s.view());
    ASSERT_TRUE(fit.ok()) << s.id << ": " << fit.status().ToString();
    for (const PredictRequest& req : {kRequest, PredictRequest{1, {80}}, PredictRequest{60, {}},
                                      PredictRequest{5, {95, 99.9}}}) {
      auto fc = (*fit)->Predict(req);
      ASSERT_TRUE(fc.ok()) << s.id << ": " << fc.status().ToString();
      CheckForecast(*fc, req, /*finite=*/true, s.id);
    }
  }
}

TEST_P(ModelContractTest, InSampleIsAlignedWithTheSeries) {
  auto est = MakeDefault();
  ASSERT_NE(est, nullptr);
  for (double missing : {0.0, 0.1}) {
    SyntheticOptions opt;
    opt.missing_share = missing;
    auto s = MakeSynthetic("monthly", Frequency::Monthly(), 80, kSeed, opt);
    auto fit = est->Fit(s.view());
    if (!fit.ok()) {
      ASSERT_EQ(fit.status().code(), StatusCode::kDataError) << fit.status().ToString();
      continue;
    }
    const InSample& ins = (*fit)->in_sample();
    ASSERT_EQ(ins.fitted.size(), s.y.size());
    ASSERT_EQ(ins.residuals.size(), s.y.size());
    size_t defined = 0;
    for (size_t t = 0; t < s.y.size(); ++t) {
      if (std::isnan(s.y[t])) {
        EXPECT_TRUE(std::isnan(ins.residuals[t])) << "t=" << t;
      } else if (!std::isnan(ins.fitted[t])) {
        EXPECT_EQ(ins.residuals[t], s.y[t] - ins.fitted[t]) << "t=" << t;
        ++defined;
      } else {
        EXPECT_TRUE(std::isnan(ins.residuals[t])) << "t=" << t;
      }
    }
    EXPECT_GT(defined, s.y.size() / 2);
  }
}

TEST_P(ModelContractTest, MissingValuesForecastOrDataError) {
  auto est = MakeDefault();
  ASSERT_NE(est, nullptr);
  for (const auto& freq :
       {Frequency::Weekly(Weekday::kFriday), Frequency::Daily(), Frequency::Monthly()}) {
    for (double share : {0.05, 0.3, 0.9}) {
      SyntheticOptions opt;
      opt.missing_share = share;
      auto s = MakeSynthetic("gappy", freq, 3 * freq.DefaultSeasonLength() + 7, kSeed, opt);
      auto fit = est->Fit(s.view());
      if (!fit.ok()) {
        EXPECT_EQ(fit.status().code(), StatusCode::kDataError) << fit.status().ToString();
        EXPECT_NE(fit.status().message().find("gappy"), std::string::npos)
            << fit.status().ToString();
        continue;
      }
      auto fc = (*fit)->Predict(kRequest);
      ASSERT_TRUE(fc.ok()) << fc.status().ToString();
      CheckForecast(*fc, kRequest, /*finite=*/true, "missing share " + std::to_string(share));
    }
  }
}

TEST_P(ModelContractTest, ShortSeriesForecastOrDataError) {
  auto est = MakeDefault();
  ASSERT_NE(est, nullptr);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::vector<double>> cases = {{5},      {5, 7},      {5, 7, 6},
                                                  {nan, 7}, {5, nan, 6}, {4, 4, 4}};
  for (const auto& freq : {Frequency::Daily(), Frequency::Yearly()}) {
    for (const auto& y : cases) {
      SeriesView s{"short", Date::FromYmd(2020, 1, 1), freq, y};
      auto fit = est->Fit(s);
      if (!fit.ok()) {
        EXPECT_EQ(fit.status().code(), StatusCode::kDataError) << fit.status().ToString();
        continue;
      }
      auto fc = (*fit)->Predict(kRequest);
      ASSERT_TRUE(fc.ok()) << fc.status().ToString();
      CheckForecast(*fc, kRequest, /*finite=*/true, "short series of " + std::to_string(y.size()));
    }
  }
}

TEST_P(ModelContractTest, EmptyAndAllMissingSeriesAreDataErrors) {
  auto est = MakeDefault();
  ASSERT_NE(est, nullptr);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> empty, all_nan(30, nan);
  for (const auto* y : {&empty, &all_nan}) {
    SeriesView s{"store_42", Date::FromYmd(2020, 1, 3), Frequency::Weekly(Weekday::kFriday), *y};
    auto fit = est->Fit(s);
    ASSERT_FALSE(fit.ok());
    EXPECT_EQ(fit.status().code(), StatusCode::kDataError);
    EXPECT_NE(fit.status().message().find("store_42"), std::string::npos)
        << fit.status().ToString();
  }
}

TEST_P(ModelContractTest, InvalidRequestsAreInvalidArgument) {
  auto est = MakeDefault();
  ASSERT_NE(est, nullptr);
  auto s = NormalSeries()[2];
  auto fit = est->Fit(s.view());
  ASSERT_TRUE(fit.ok());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const PredictRequest& req :
       {PredictRequest{0, {80}}, PredictRequest{-3, {}}, PredictRequest{5, {100}},
        PredictRequest{5, {0}}, PredictRequest{5, {80, -5}}, PredictRequest{5, {nan}}}) {
    auto fc = (*fit)->Predict(req);
    ASSERT_FALSE(fc.ok()) << "horizon " << req.horizon;
    EXPECT_EQ(fc.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST_P(ModelContractTest, SaveLoadRoundTripIsBitwise) {
  auto est = MakeDefault();
  ASSERT_NE(est, nullptr);
  for (const auto& s : NormalSeries()) {
    auto fit = est->Fit(s.view());
    ASSERT_TRUE(fit.ok());
    ByteWriter w;
    (*fit)->Save(w);
    ByteReader r(w.bytes());
    auto loaded = est->Load(r);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    auto before = (*fit)->Predict(kRequest);
    auto after = (*loaded)->Predict(kRequest);
    ASSERT_TRUE(before.ok() && after.ok());
    EXPECT_TRUE(SameBits(*before, *after)) << s.id;
    EXPECT_TRUE((*loaded)->in_sample().fitted.empty());
    // Saving the loaded model writes the same bytes.
    ByteWriter w2;
    (*loaded)->Save(w2);
    EXPECT_EQ(w.bytes(), w2.bytes());
  }
}

// Byte positions at which a saved state is cut or corrupted: every position of a small state;
// of a large one (a boosted-trees model is hundreds of kilobytes, and loading it once per
// byte takes minutes, hours under the sanitizers) every position of its first and last
// kilobyte, where the headers, counts and lengths are, and 2,048 evenly spread in between.
std::vector<size_t> StatePositions(size_t size) {
  constexpr size_t kEdge = 1024;
  constexpr size_t kMiddle = 2048;
  std::vector<size_t> positions;
  if (size <= 2 * kEdge + kMiddle) {
    for (size_t i = 0; i < size; ++i) positions.push_back(i);
    return positions;
  }
  for (size_t i = 0; i < kEdge; ++i) positions.push_back(i);
  const size_t span = size - 2 * kEdge;
  for (size_t k = 0; k < kMiddle; ++k) positions.push_back(kEdge + k * span / kMiddle);
  for (size_t i = size - kEdge; i < size; ++i) positions.push_back(i);
  return positions;
}

TEST_P(ModelContractTest, CorruptOrTruncatedStateIsDataError) {
  auto est = MakeDefault();
  ASSERT_NE(est, nullptr);
  auto s = NormalSeries()[0];
  auto fit = est->Fit(s.view());
  ASSERT_TRUE(fit.ok());
  ByteWriter w;
  (*fit)->Save(w);
  const std::string bytes = w.bytes();
  const std::vector<size_t> positions = StatePositions(bytes.size());
  for (size_t n : positions) {
    ByteReader r(std::string_view(bytes).substr(0, n));
    auto loaded = est->Load(r);
    ASSERT_FALSE(loaded.ok()) << "prefix of " << n << " bytes";
    EXPECT_EQ(loaded.status().code(), StatusCode::kDataError);
  }
  {
    const std::string longer = bytes + "x";  // the reader views, so keep the bytes alive
    ByteReader r(longer);
    auto loaded = est->Load(r);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), StatusCode::kDataError);
  }
  // Flipping any byte either still loads (a changed value) or is a DataError; never a crash,
  // and whatever loads must still predict or reject the request cleanly.
  for (size_t i : positions) {
    for (unsigned char mask : {0x01, 0x80, 0xff}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ mask);
      ByteReader r(bad);
      auto loaded = est->Load(r);
      if (!loaded.ok()) {
        EXPECT_EQ(loaded.status().code(), StatusCode::kDataError);
        continue;
      }
      auto fc = (*loaded)->Predict(PredictRequest{3, {80}});
      EXPECT_TRUE(fc.ok());
    }
  }
}

TEST_P(ModelContractTest, StateOfAnotherModelIsRejected) {
  auto est = MakeDefault();
  ASSERT_NE(est, nullptr);
  auto s = NormalSeries()[2];
  for (const auto& other : BuiltinRegistry().entries()) {
    if (other.name == GetParam()) continue;
    auto other_est =
        BuiltinRegistry().Create(other.name, std::vector<std::pair<std::string, std::string>>{});
    ASSERT_TRUE(other_est.ok());
    auto fit = (*other_est)->Fit(s.view());
    ASSERT_TRUE(fit.ok()) << other.name << ": " << fit.status().ToString();
    ByteWriter w;
    (*fit)->Save(w);
    ByteReader r(w.bytes());
    auto loaded = est->Load(r);
    ASSERT_FALSE(loaded.ok()) << "state of " << other.name;
    EXPECT_EQ(loaded.status().code(), StatusCode::kDataError);
  }
}

TEST_P(ModelContractTest, FittingTwiceGivesIdenticalOutput) {
  auto est = MakeDefault();
  ASSERT_NE(est, nullptr);
  for (const auto& s : NormalSeries()) {
    auto a = est->Fit(s.view());
    auto b = est->Fit(s.view());
    ASSERT_TRUE(a.ok() && b.ok());
    auto fa = (*a)->Predict(kRequest);
    auto fb = (*b)->Predict(kRequest);
    ASSERT_TRUE(fa.ok() && fb.ok());
    EXPECT_TRUE(SameBits(*fa, *fb)) << s.id;
    EXPECT_TRUE(SameBits((*a)->in_sample().fitted, (*b)->in_sample().fitted));
    EXPECT_TRUE(SameBits((*a)->in_sample().residuals, (*b)->in_sample().residuals));
    // A forecast does not depend on the number of interval levels asked for.
    auto single = (*a)->Predict(PredictRequest{kRequest.horizon, {80}});
    ASSERT_TRUE(single.ok());
    EXPECT_TRUE(SameBits(single->mean, fa->mean));
    EXPECT_TRUE(SameBits(single->lower[0], fa->lower[1]));
  }
}

TEST_P(ModelContractTest, ParamSpecIsValid) {
  const ModelEntry& e = entry();
  EXPECT_FALSE(e.description.empty());
  EXPECT_TRUE(static_cast<bool>(e.factory));
  auto defaults = ParseParams(e.spec, {}, e.name);
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  for (const auto& def : e.spec) {
    EXPECT_FALSE(def.name.empty());
    EXPECT_FALSE(def.description.empty()) << def.name;
    EXPECT_TRUE(defaults->Has(def.name)) << def.name;
    if (def.type == retailcast::ParamType::kInt || def.type == retailcast::ParamType::kDouble) {
      EXPECT_LE(def.min, def.max) << def.name;
      EXPECT_GE(defaults->GetDouble(def.name), def.min) << def.name;
      EXPECT_LE(defaults->GetDouble(def.name), def.max) << def.name;
    }
    // A season_length, when a model has one, defaults to the frequency's season.
    if (def.name == "season_length") {
      EXPECT_EQ(def.type, retailcast::ParamType::kInt);
      EXPECT_EQ(def.default_value, "0");
    }
  }
  auto est = BuiltinRegistry().Create(e.name, *defaults);
  EXPECT_TRUE(est.ok()) << est.status().ToString();
  EXPECT_FALSE(DescribeSpec(e.spec).empty() && !e.spec.empty());
}

TEST_P(ModelContractTest, UnknownParameterIsInvalidArgument) {
  auto est = BuiltinRegistry().Create(GetParam(), {{"no_such_param", "1"}});
  ASSERT_FALSE(est.ok());
  EXPECT_EQ(est.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(est.status().message().find("no_such_param"), std::string::npos);
}

TEST_P(ModelContractTest, SeasonLengthParameterIsHonoured) {
  const ModelEntry& e = entry();
  bool has_season = false;
  for (const auto& def : e.spec) has_season |= def.name == "season_length";
  if (!has_season) GTEST_SKIP() << GetParam() << " has no season_length";
  // A weekly series with a 4-week cycle: season_length 4 must be usable on 30 weeks, where
  // the weekly default (52) could not be.
  SyntheticOptions opt;
  opt.season_length = 4;
  auto s = MakeSynthetic("four_weekly", Frequency::Weekly(Weekday::kSunday), 30, kSeed, opt);
  auto est = BuiltinRegistry().Create(GetParam(), {{"season_length", "4"}});
  ASSERT_TRUE(est.ok());
  auto fit = (*est)->Fit(s.view());
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  auto fc = (*fit)->Predict(kRequest);
  ASSERT_TRUE(fc.ok());
  CheckForecast(*fc, kRequest, true, "season_length 4");
  auto bad = BuiltinRegistry().Create(GetParam(), {{"season_length", "-1"}});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(AllModels, ModelContractTest,
                         ::testing::ValuesIn(BuiltinRegistry().names()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param;
                         });

}  // namespace
}  // namespace retailcast
