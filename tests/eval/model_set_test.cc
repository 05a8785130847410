#include "retailcast/eval/model_set.h"
#include "retailcast/catalog/catalog.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "test_models.h"

namespace retailcast::eval {
namespace {

using testing::LastPlusSpec;
using testing::TestRegistry;

Panel WeeklyPanel() {
  Panel p(Frequency::Weekly(Weekday::kFriday));
  for (int i = 0; i < 12; ++i) {
    std::vector<double> y;
    for (int t = 0; t < 60 + i; ++t) y.push_back(100 + 20 * std::sin(0.12 * t + i) + 0.3 * t);
    p.AddSeries("store_" + std::to_string(i), Date::FromYmd(2010, 2, 5), y);
  }
  std::vector<double> two = {1, 2};
  p.AddSeries("bad_series", Date::FromYmd(2011, 1, 7), two);
  return p;
}

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The set as a forecast from an artifact sees it: serialized, then loaded.
LoadedModelSet Loaded(const TrainedModelSet& set, const ModelRegistry& registry) {
  auto loaded = LoadedModelSet::Load(set.Serialize(), registry);
  EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
  return std::move(loaded).value();
}

void ExpectSameTable(const ForecastTable& a, const ForecastTable& b) {
  ASSERT_EQ(a.levels(), b.levels());
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) {
    const auto x = a.row(k), y = b.row(k);
    ASSERT_EQ(x.unique_id, y.unique_id);
    ASSERT_EQ(x.ds, y.ds);
    ASSERT_EQ(x.model, y.model);
    ASSERT_TRUE(SameBits(x.yhat, y.yhat)) << k;
    for (size_t l = 0; l < a.levels().size(); ++l) {
      ASSERT_TRUE(SameBits(x.lo(l), y.lo(l)));
      ASSERT_TRUE(SameBits(x.hi(l), y.hi(l)));
    }
  }
}

TEST(ModelSetTest, ForecastAfterRoundTripIsBitForBitTheSame) {
  Panel p = WeeklyPanel();
  auto specs = MakeModelSpecs(BuiltinRegistry(), "snaive,naive,drift,mean,window_average", 52);
  ASSERT_TRUE(specs.ok()) << specs.status().ToString();
  auto models = InstantiateModels(BuiltinRegistry(), *specs);
  ASSERT_TRUE(models.ok());
  ThreadPool pool(2);
  auto set = Train(p, *models, {}, pool);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ForecastOptions opt;
  opt.request = {13, {80, 95}};
  auto before = Predict(Loaded(*set, BuiltinRegistry()), opt, pool);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  // The same as fitting and predicting directly.
  auto direct = ForecastPanel(p, *models, opt, pool);
  ASSERT_TRUE(direct.ok());
  ExpectSameTable(before->table, direct->table);
  EXPECT_EQ(before->errors.size(), direct->errors.size());

  std::string bytes = set->Serialize();
  auto loaded = TrainedModelSet::Deserialize(bytes, BuiltinRegistry());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->Serialize(), bytes);
  auto after = Predict(Loaded(*loaded, BuiltinRegistry()), opt, pool);
  ASSERT_TRUE(after.ok());
  ExpectSameTable(before->table, after->table);
  ASSERT_EQ(loaded->series().size(), p.num_series());
  EXPECT_EQ(loaded->series()[0].last_date, p.end(0));
  EXPECT_EQ(loaded->series()[0].freq, p.freq());
  EXPECT_EQ(loaded->models()[0].spec.params.GetInt("season_length"), 52);
}

TEST(ModelSetTest, FitErrorsAreKeptAndReportedAtForecastTime) {
  Panel p = WeeklyPanel();
  auto models = InstantiateModels(TestRegistry(), {LastPlusSpec("lp", "offset=0.5")});
  ASSERT_TRUE(models.ok());
  ThreadPool pool(1);
  auto set = Train(p, *models, {}, pool);
  ASSERT_TRUE(set.ok());
  const TrainedSeries& bad = set->series().back();
  EXPECT_EQ(bad.unique_id, "bad_series");
  EXPECT_EQ(bad.status[0].code(), StatusCode::kDataError);
  auto loaded = TrainedModelSet::Deserialize(set->Serialize(), TestRegistry());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->series().back().status[0].code(), StatusCode::kDataError);
  EXPECT_EQ(loaded->series().back().status[0].message(), bad.status[0].message());
  ForecastOptions opt;
  opt.request = {2, {}};
  const LoadedModelSet ready = Loaded(*loaded, TestRegistry());
  EXPECT_EQ(ready.fit_status(ready.series().size() - 1, 0).message(), bad.status[0].message());
  EXPECT_EQ(ready.fitted(ready.series().size() - 1, 0), nullptr);
  auto run = Predict(ready, opt, pool);
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->errors.size(), 1u);
  EXPECT_EQ(run->errors[0].unique_id, "bad_series");
  EXPECT_EQ(run->table.size(), 12u * 2u);
  opt.on_error = OnModelError::kFail;
  EXPECT_EQ(Predict(ready, opt, pool).status().code(), StatusCode::kDataError);
  TrainOptions fail;
  fail.on_error = OnModelError::kFail;
  auto failed = Train(p, *models, fail, pool);
  EXPECT_EQ(failed.status().code(), StatusCode::kDataError);
  EXPECT_NE(failed.status().message().find("bad_series"), std::string::npos);
}

TEST(ModelSetTest, CorruptInputIsDataErrorNeverACrash) {
  Panel p = WeeklyPanel();
  auto models =
      InstantiateModels(TestRegistry(), {LastPlusSpec("lp", ""), LastPlusSpec("lp2", "offset=2")});
  ASSERT_TRUE(models.ok());
  ThreadPool pool(1);
  auto set = Train(p, *models, {}, pool);
  ASSERT_TRUE(set.ok());
  std::string bytes = set->Serialize();
  // Every truncation.
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = TrainedModelSet::Deserialize(std::string_view(bytes).substr(0, n), TestRegistry());
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes";
    ASSERT_EQ(r.status().code(), StatusCode::kDataError) << r.status().ToString();
    auto l = LoadedModelSet::Load(std::string_view(bytes).substr(0, n), TestRegistry());
    ASSERT_EQ(l.status().code(), StatusCode::kDataError) << "prefix of " << n << " bytes";
  }
  EXPECT_EQ(TrainedModelSet::Deserialize(bytes + "x", TestRegistry()).status().code(),
            StatusCode::kDataError);
  std::string bad_magic = bytes;
  bad_magic[8] = 'X';
  auto m = TrainedModelSet::Deserialize(bad_magic, TestRegistry());
  EXPECT_EQ(m.status().code(), StatusCode::kDataError);
  EXPECT_NE(m.status().message().find("not a retailcast model set"), std::string::npos);
  std::string bad_version = bytes;
  bad_version[8 + kModelSetMagic.size()] = 9;
  auto v = TrainedModelSet::Deserialize(bad_version, TestRegistry());
  EXPECT_EQ(v.status().code(), StatusCode::kDataError);
  EXPECT_NE(v.status().message().find("version 9"), std::string::npos);
  // Flipping any single byte never crashes (it may still parse when it hits a value byte).
  for (size_t k = 0; k < bytes.size(); ++k) {
    std::string b = bytes;
    b[k] = static_cast<char>(b[k] ^ 0x5a);
    auto r = TrainedModelSet::Deserialize(b, TestRegistry());
    if (!r.ok()) {
      EXPECT_NE(r.status().code(), StatusCode::kInternal) << r.status().ToString();
    }
  }
  // A registry without the model: NotFound naming it.
  auto nf = TrainedModelSet::Deserialize(bytes, BuiltinRegistry());
  EXPECT_EQ(nf.status().code(), StatusCode::kNotFound);
  EXPECT_NE(nf.status().message().find("last_plus"), std::string::npos);
}

}  // namespace
}  // namespace retailcast::eval
