// Runs, model artifacts (versions, promotion) and forecasts.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "retailcast/store/store.h"
#include "store_test_util.h"

namespace retailcast::store {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

class RecordsTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    path_ = PathOf("store.db");
    auto opened = Store::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }
  ArtifactRecord Save(const std::string& name, const std::string& state, bool promoted = false) {
    ArtifactRecord r;
    r.name = name;
    r.dataset = "m5";
    r.models_json = R"({"models":[{"name":"ets","params":{"season_length":7}}]})";
    r.train_start = "2011-01-29";
    r.train_end = "2016-05-22";
    r.n_series = 30490;
    r.metrics_json = R"({"mase":0.91})";
    r.code_version = "0.1.0+abc";
    r.state = state;
    r.promoted = promoted;
    auto saved = store_->SaveArtifact(r);
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return saved.ok() ? *saved : ArtifactRecord{};
  }

  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(RecordsTest, RunsGoFromRunningToFinished) {
  auto id = store_->BeginRun("backtest", R"({"horizon":28})");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto running = store_->GetRun(*id);
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(running->kind, "backtest");
  EXPECT_EQ(running->status, "running");
  EXPECT_EQ(running->config_json, R"({"horizon":28})");
  EXPECT_EQ(running->summary_json, "{}");
  EXPECT_TRUE(running->finished_at.empty());

  ASSERT_TRUE(store_->FinishRun(*id, "succeeded", R"({"mase":0.8})").ok());
  auto second = store_->BeginRun("train", "");
  ASSERT_TRUE(second.ok());
  auto runs = store_->ListRuns();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].status, "succeeded");
  EXPECT_EQ((*runs)[0].summary_json, R"({"mase":0.8})");
  EXPECT_FALSE((*runs)[0].finished_at.empty());
  EXPECT_EQ((*runs)[1].config_json, "{}");
  EXPECT_EQ((*runs)[1].status, "running");
}

TEST_F(RecordsTest, RunErrors) {
  EXPECT_EQ(store_->BeginRun("", "{}").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->BeginRun("train", "{horizon: 28").status().code(),
            StatusCode::kInvalidArgument);
  auto id = store_->BeginRun("train", "{}");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(store_->FinishRun(*id, "running", "{}").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->FinishRun(*id, "ok", "not json").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->FinishRun(*id + 100, "ok", "{}").code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->FinishRun(*id, "failed", "").ok());
  Status twice = store_->FinishRun(*id, "succeeded", "{}");
  EXPECT_EQ(twice.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(twice.message().find("failed"), std::string::npos);
  EXPECT_EQ(store_->GetRun(*id + 100).status().code(), StatusCode::kNotFound);
}

TEST_F(RecordsTest, ArtifactVersionsCountPerName) {
  const std::string binary("\x00\x01\xff state", 9);
  ArtifactRecord a1 = Save("walmart", binary);
  ArtifactRecord a2 = Save("walmart", "two");
  ArtifactRecord b1 = Save("m5", "m5 state");
  ArtifactRecord a3 = Save("walmart", "three");
  EXPECT_EQ(a1.version, 1);
  EXPECT_EQ(a2.version, 2);
  EXPECT_EQ(a3.version, 3);
  EXPECT_EQ(b1.version, 1);
  EXPECT_EQ(a1.created_at.back(), 'Z');

  auto loaded = store_->LoadArtifact(a1.id);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->state, binary);
  EXPECT_EQ(loaded->name, "walmart");
  EXPECT_EQ(loaded->models_json, a1.models_json);
  EXPECT_EQ(loaded->metrics_json, R"({"mase":0.91})");
  EXPECT_EQ(loaded->train_start, "2011-01-29");
  EXPECT_EQ(loaded->train_end, "2016-05-22");
  EXPECT_EQ(loaded->n_series, 30490);
  EXPECT_EQ(loaded->code_version, "0.1.0+abc");
  EXPECT_EQ(loaded->dataset, "m5");
  EXPECT_EQ(loaded->created_at, a1.created_at);
  EXPECT_FALSE(loaded->promoted);

  auto latest = store_->LoadLatestArtifact("walmart");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->id, a3.id);
  EXPECT_EQ(latest->state, "three");

  auto list = store_->ListArtifacts();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ((*list)[0].name, "m5");
  EXPECT_EQ((*list)[1].version, 1);
  EXPECT_EQ((*list)[3].version, 3);
  for (const ArtifactRecord& r : *list) EXPECT_TRUE(r.state.empty());
}

TEST_F(RecordsTest, PromoteKeepsExactlyOnePromotedPerName) {
  ArtifactRecord a1 = Save("walmart", "one");
  ArtifactRecord a2 = Save("walmart", "two");
  ArtifactRecord b1 = Save("m5", "m5");
  ASSERT_TRUE(store_->Promote(b1.id).ok());
  ASSERT_TRUE(store_->Promote(a1.id).ok());
  EXPECT_EQ(store_->LoadLatestArtifact("walmart")->id, a1.id);  // promoted beats newer
  ASSERT_TRUE(store_->Promote(a2.id).ok());
  ASSERT_TRUE(store_->Promote(a2.id).ok());  // idempotent
  ArtifactRecord a3 = Save("walmart", "three");
  EXPECT_EQ(store_->LoadLatestArtifact("walmart")->id, a2.id);
  ArtifactRecord a4 = Save("walmart", "four", /*promoted=*/true);
  EXPECT_EQ(store_->LoadLatestArtifact("walmart")->id, a4.id);

  auto list = store_->ListArtifacts();
  ASSERT_TRUE(list.ok());
  int promoted_walmart = 0;
  int promoted_m5 = 0;
  for (const ArtifactRecord& r : *list) {
    if (r.promoted) ++(r.name == "walmart" ? promoted_walmart : promoted_m5);
  }
  EXPECT_EQ(promoted_walmart, 1);
  EXPECT_EQ(promoted_m5, 1);
  EXPECT_EQ(store_->Promote(9999).code(), StatusCode::kNotFound);
  (void)a3;
}

TEST_F(RecordsTest, ArtifactErrors) {
  EXPECT_EQ(store_->LoadArtifact(1).status().code(), StatusCode::kNotFound);
  Save("walmart", "x");
  Save("m5", "y");
  auto latest = store_->LoadLatestArtifact("walmrt");
  ASSERT_FALSE(latest.ok());
  EXPECT_EQ(latest.status().code(), StatusCode::kNotFound);
  EXPECT_NE(latest.status().message().find("m5, walmart"), std::string::npos)
      << latest.status().message();
  ArtifactRecord no_name;
  EXPECT_EQ(store_->SaveArtifact(no_name).status().code(), StatusCode::kInvalidArgument);
  ArtifactRecord bad_json;
  bad_json.name = "x";
  bad_json.metrics_json = "{mase: 1}";
  auto bad = store_->SaveArtifact(bad_json);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("metrics_json"), std::string::npos);
}

TEST_F(RecordsTest, ConcurrentSavesFromTwoConnectionsGetDistinctVersions) {
  constexpr int kPerThread = 10;
  std::atomic<int> saves{0};  // for the message of a save that never returns
  auto saver = [this, &saves](std::vector<int64_t>* versions) {
    auto store = Store::Open(path_);
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < kPerThread; ++i) {
      ArtifactRecord r;
      r.name = "shared";
      auto saved = (*store)->SaveArtifact(r);
      ASSERT_TRUE(saved.ok()) << saved.status().ToString();
      versions->push_back(saved->version);
      ++saves;
    }
  };
  std::vector<int64_t> a;
  std::vector<int64_t> b;
  std::vector<testing::TestThread> savers;
  savers.emplace_back([&] { saver(&a); });
  savers.emplace_back([&] { saver(&b); });
  // Each save waits for the other connection's write lock at most the busy timeout (5 s).
  retailcast::testing::JoinAllWithin(
      savers, std::chrono::seconds(120),
      [&] {
        return std::to_string(saves.load()) + " of " + std::to_string(2 * kPerThread) +
               " saves returned";
      },
      "a saving thread did not finish");
  std::set<int64_t> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  ASSERT_EQ(all.size(), 2u * kPerThread);
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), 2 * kPerThread);
}

ForecastTable SampleForecasts() {
  ForecastTable t({80, 95});
  const std::vector<double> lo0 = {0.5, 0.1}, hi0 = {2.0, 2.5}, nan2 = {kNaN, kNaN};
  const std::vector<double> lo2 = {-1e300, -3}, hi2 = {1e-300, 3};
  t.AppendRow("FOODS_1_001_CA_1", "ets", Date::FromYmd(2016, 5, 23), 1.25, lo0, hi0);
  t.AppendRow("FOODS_1_001_CA_1", "ets", Date::FromYmd(2016, 5, 24), kNaN, nan2, nan2);
  t.AppendRow("A", "naive", Date::FromYmd(2016, 5, 23), -0.0, lo2, hi2);
  return t;
}

void ExpectForecastsEqual(const ForecastTable& expected, const ForecastTable& actual) {
  EXPECT_EQ(expected.levels(), actual.levels());
  ASSERT_EQ(expected.size(), actual.size());
  for (size_t r = 0; r < expected.size(); ++r) {
    EXPECT_EQ(expected.unique_id(r), actual.unique_id(r));
    EXPECT_EQ(expected.ds(r), actual.ds(r));
    EXPECT_EQ(expected.model(r), actual.model(r));
    std::vector<double> e = {expected.yhat(r)}, a = {actual.yhat(r)};
    for (size_t l = 0; l < expected.levels().size(); ++l) {
      e.push_back(expected.lo(l, r));
      e.push_back(expected.hi(l, r));
      a.push_back(actual.lo(l, r));
      a.push_back(actual.hi(l, r));
    }
    EXPECT_TRUE(testing::SameBits(e, a)) << "row " << r;
  }
}

TEST_F(RecordsTest, ForecastsRoundTripAndReplace) {
  auto run = store_->BeginRun("forecast", "{}");
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(store_->SaveForecasts(*run, SampleForecasts()).ok());
  auto loaded = store_->LoadForecasts(*run);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectForecastsEqual(SampleForecasts(), *loaded);

  ForecastTable point_only;
  point_only.AppendRow("B", "snaive", Date::FromYmd(2020, 1, 1), 3, {}, {});
  ASSERT_TRUE(store_->SaveForecasts(*run, point_only).ok());
  auto replaced = store_->LoadForecasts(*run);
  ASSERT_TRUE(replaced.ok());
  ExpectForecastsEqual(point_only, *replaced);
}

TEST_F(RecordsTest, ForecastErrors) {
  EXPECT_EQ(store_->SaveForecasts(7, SampleForecasts()).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->LoadForecasts(7).status().code(), StatusCode::kNotFound);
  auto run = store_->BeginRun("forecast", "{}");
  ASSERT_TRUE(run.ok());
  auto none = store_->LoadForecasts(*run);
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find("no saved forecasts"), std::string::npos);

  ASSERT_TRUE(store_->SaveForecasts(*run, SampleForecasts()).ok());
  EXPECT_EQ(store_->SaveForecasts(*run + 1, ForecastTable({50})).code(), StatusCode::kNotFound);
  // The earlier table is untouched.
  auto kept = store_->LoadForecasts(*run);
  ASSERT_TRUE(kept.ok());
  ExpectForecastsEqual(SampleForecasts(), *kept);
}

}  // namespace
}  // namespace retailcast::store
