// IngestPanel and LoadPanel: round trip, merge rules and their counts, idempotence,
// validation, rollback on failure (also when the process dies mid-ingest) and WAL readers.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "retailcast/store/store.h"
#include "store_test_util.h"

namespace retailcast::store {
namespace {

using testing::ExpectPanelsEqual;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const Date kDay0 = Date::FromYmd(2020, 1, 1);

// Three daily series given out of byte order, with NaN holes, two exogenous columns and two
// attributes (one series leaves "dept" empty).
Panel SamplePanel() {
  Panel p(Frequency::Daily());
  EXPECT_TRUE(p.SetAttributeNames({"dept", "store"}).ok());
  EXPECT_TRUE(p.AddExogColumn("price").ok());
  EXPECT_TRUE(p.AddExogColumn("promo").ok());
  std::vector<std::string_view> a1 = {"FOODS", "CA_1"};
  std::vector<std::string_view> a2 = {"", "TX_2"};
  std::vector<std::string_view> a3 = {"HOBBIES", "CA_1"};
  std::vector<double> v1 = {1, 2, kNaN, 4, 5};
  std::vector<double> v2 = {kNaN, 0.5, -0.0, 1e300};
  std::vector<double> v3 = {7, 8, 9};
  size_t s1 = p.AddSeries("item_b", kDay0, v1, a1);
  size_t s2 = p.AddSeries("Item_z", kDay0 + 2, v2, a2);
  size_t s3 = p.AddSeries("item_a", kDay0 - 3, v3, a3);
  p.mutable_exog(0, s1)[0] = 9.99;
  p.mutable_exog(0, s1)[4] = 8.5;
  p.mutable_exog(1, s2)[1] = 1;
  p.mutable_exog(0, s3)[2] = 3.25;
  return p;
}

// SamplePanel in unique_id byte order ("Item_z" < "item_a" < "item_b"), as LoadPanel
// returns it.
Panel SamplePanelSorted() {
  Panel in = SamplePanel();
  Panel out(in.freq());
  EXPECT_TRUE(out.SetAttributeNames({"dept", "store"}).ok());
  EXPECT_TRUE(out.AddExogColumn("price").ok());
  EXPECT_TRUE(out.AddExogColumn("promo").ok());
  for (std::string_view id : {"Item_z", "item_a", "item_b"}) {
    size_t i = *in.Find(id);
    std::vector<std::string_view> attrs = {in.attribute(0, i), in.attribute(1, i)};
    size_t j = out.AddSeries(id, in.start(i), in.values(i), attrs);
    for (size_t k = 0; k < 2; ++k) {
      auto src = in.exog(k, i);
      std::copy(src.begin(), src.end(), out.mutable_exog(k, j).begin());
    }
  }
  return out;
}

Panel OneSeries(std::string_view id, Date start, std::vector<double> values,
                Frequency freq = Frequency::Daily()) {
  Panel p(freq);
  p.AddSeries(id, start, values);
  return p;
}

class IngestTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    path_ = PathOf("store.db");
    auto opened = Store::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }
  Panel Load(std::string_view dataset, const std::vector<std::string>& ids = {}) {
    auto loaded = store_->LoadPanel(dataset, ids);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return loaded.ok() ? std::move(loaded).value() : Panel();
  }
  IngestSummary Ingest(std::string_view dataset, const Panel& panel, std::string_view hash = "") {
    auto summary = store_->IngestPanel(dataset, panel, "test.csv", hash);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return summary.ok() ? *summary : IngestSummary{};
  }

  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(IngestTest, LoadPanelReturnsWhatWasIngestedBitForBit) {
  IngestSummary s = Ingest("m5", SamplePanel(), "h1");
  EXPECT_TRUE(s.dataset_created);
  EXPECT_FALSE(s.already_ingested);
  EXPECT_EQ(s.series_added, 3);
  EXPECT_EQ(s.observations_inserted, 4 + 3 + 3);
  EXPECT_EQ(s.exog_inserted, 4);
  ExpectPanelsEqual(SamplePanelSorted(), Load("m5"));
}

TEST_F(IngestTest, ReopenedStoreHasTheSameData) {
  Ingest("m5", SamplePanel());
  store_.reset();
  auto reopened = Store::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto loaded = (*reopened)->LoadPanel("m5");
  ASSERT_TRUE(loaded.ok());
  ExpectPanelsEqual(SamplePanelSorted(), *loaded);
}

TEST_F(IngestTest, SameContentTwiceAddsNothing) {
  Ingest("m5", SamplePanel(), "sha256:abc");
  IngestSummary again = Ingest("m5", SamplePanel(), "sha256:abc");
  EXPECT_TRUE(again.already_ingested);
  EXPECT_FALSE(again.dataset_created);
  EXPECT_EQ(again.series_added, 0);
  EXPECT_EQ(again.observations_inserted, 0);
  EXPECT_EQ(again.observations_updated, 0);
  EXPECT_EQ(again.observations_unchanged, 10);
  EXPECT_EQ(again.exog_inserted, 0);
  EXPECT_EQ(again.exog_updated, 0);
  EXPECT_EQ(again.exog_unchanged, 4);
  EXPECT_EQ(again.attributes_updated, 0);
  ExpectPanelsEqual(SamplePanelSorted(), Load("m5"));

  auto log = store_->ListIngests("m5");
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].content_hash, "sha256:abc");
  EXPECT_EQ((*log)[0].source_name, "test.csv");
  EXPECT_TRUE((*log)[0].summary.dataset_created);
  EXPECT_EQ((*log)[0].summary.observations_inserted, 10);
  EXPECT_TRUE((*log)[1].summary.already_ingested);
  EXPECT_EQ((*log)[1].summary.observations_unchanged, 10);
  EXPECT_EQ((*log)[1].ingested_at.size(), 24u);  // 2024-05-01T12:34:56.789Z
  EXPECT_EQ((*log)[1].ingested_at.back(), 'Z');
}

TEST_F(IngestTest, SkipIfIngestedWritesNothingAndReturnsTheFirstSummary) {
  IngestOptions once;
  once.skip_if_ingested = true;
  auto first = store_->IngestPanel("m5", SamplePanel(), "batch b1", "batch:b1", once);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->already_ingested);
  // The retry carries other values: none of them may land.
  Panel changed = SamplePanel();
  changed.mutable_values(0)[0] = 1000;
  auto retry = store_->IngestPanel("m5", changed, "batch b1", "batch:b1", once);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_TRUE(retry->already_ingested);
  EXPECT_EQ(retry->ingest_id, first->ingest_id);
  EXPECT_EQ(retry->observations_inserted, first->observations_inserted);
  EXPECT_EQ(retry->series_added, 3);
  EXPECT_TRUE(retry->dataset_created);
  ExpectPanelsEqual(SamplePanelSorted(), Load("m5"));
  auto log = store_->ListIngests("m5");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->size(), 1u);
  // Another hash (a new batch) is ingested as usual.
  auto next = store_->IngestPanel("m5", changed, "batch b2", "batch:b2", once);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_FALSE(next->already_ingested);
  EXPECT_EQ(next->observations_updated, 1);
}

TEST_F(IngestTest, CountsInsertedUpdatedAndUnchangedValues) {
  Ingest("d", OneSeries("s", kDay0, {1, 2, kNaN, 4, 5}));
  // NaN at 0 keeps 1; 2 stays; the hole gets 3; 4 -> 40 and 5 -> 50.
  IngestSummary s = Ingest("d", OneSeries("s", kDay0, {kNaN, 2, 3, 40, 50}));
  EXPECT_EQ(s.series_added, 0);
  EXPECT_EQ(s.observations_inserted, 1);
  EXPECT_EQ(s.observations_updated, 2);
  EXPECT_EQ(s.observations_unchanged, 1);
  ExpectPanelsEqual(OneSeries("s", kDay0, {1, 2, 3, 40, 50}), Load("d"));
}

TEST_F(IngestTest, NegativeZeroIsADifferentValue) {
  Ingest("d", OneSeries("s", kDay0, {0.0}));
  IngestSummary s = Ingest("d", OneSeries("s", kDay0, {-0.0}));
  EXPECT_EQ(s.observations_updated, 1);
  EXPECT_TRUE(std::signbit(Load("d").values(0)[0]));
}

TEST_F(IngestTest, DatesBeyondTheStoredRangeExtendTheSeriesWithNaNGaps) {
  Ingest("d", OneSeries("s", kDay0, {1, 2, 3}));
  IngestSummary later = Ingest("d", OneSeries("s", kDay0 + 6, {7, 8}));
  EXPECT_EQ(later.observations_inserted, 2);
  IngestSummary earlier = Ingest("d", OneSeries("s", kDay0 - 2, {-2, kNaN}));
  EXPECT_EQ(earlier.observations_inserted, 1);
  ExpectPanelsEqual(OneSeries("s", kDay0 - 2, {-2, kNaN, 1, 2, 3, kNaN, kNaN, kNaN, 7, 8}),
                    Load("d"));
  auto info = store_->ListDatasets();
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->size(), 1u);
  EXPECT_EQ((*info)[0].num_observations, 6);
  EXPECT_EQ((*info)[0].first, kDay0 - 2);
  EXPECT_EQ((*info)[0].last, kDay0 + 7);
}

TEST_F(IngestTest, WeeklyGapsAreCountedInWeeks) {
  const Frequency w = Frequency::Weekly(Weekday::kFriday);
  const Date friday = Date::FromYmd(2010, 2, 5);
  Ingest("walmart", OneSeries("1_1", friday, {10, 11}, w));
  Ingest("walmart", OneSeries("1_1", friday + 28, {14}, w));
  ExpectPanelsEqual(OneSeries("1_1", friday, {10, 11, kNaN, kNaN, 14}, w), Load("walmart"));
}

TEST_F(IngestTest, MonthlySeriesMergeOnTheMonthGrid) {
  const Frequency m = Frequency::Monthly();
  Ingest("monthly", OneSeries("x", Date::FromYmd(2021, 11, 1), {1, 2}, m));
  Ingest("monthly", OneSeries("x", Date::FromYmd(2022, 3, 1), {5}, m));
  ExpectPanelsEqual(OneSeries("x", Date::FromYmd(2021, 11, 1), {1, 2, kNaN, kNaN, 5}, m),
                    Load("monthly"));
  auto info = store_->ListDatasets();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ((*info)[0].frequency, "MS");
  EXPECT_EQ((*info)[0].last, Date::FromYmd(2022, 3, 1));
}

TEST_F(IngestTest, FrequencyMismatchNamesBothFrequencies) {
  Ingest("walmart",
         OneSeries("1_1", Date::FromYmd(2010, 2, 5), {1}, Frequency::Weekly(Weekday::kFriday)));
  auto s = store_->IngestPanel("walmart", OneSeries("1_1", kDay0, {1}), "daily.csv", "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("W-FRI"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("frequency D"), std::string::npos) << s.status().message();
  auto log = store_->ListIngests();
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->size(), 1u);
}

TEST_F(IngestTest, NewSeriesAndExogenousUpdatesMergeIntoADataset) {
  Ingest("m5", SamplePanel());
  Panel more(Frequency::Daily());
  ASSERT_TRUE(more.AddExogColumn("price").ok());
  ASSERT_TRUE(more.AddExogColumn("temperature").ok());
  std::vector<double> b = {kNaN, kNaN, kNaN, kNaN, kNaN, 6};
  size_t i = more.AddSeries("item_b", kDay0, b);
  more.mutable_exog(0, i)[0] = 9.99;  // unchanged
  more.mutable_exog(0, i)[4] = 7.5;   // updated
  more.mutable_exog(0, i)[5] = 7.0;   // inserted (extends the blob)
  more.mutable_exog(1, i)[5] = 21.5;  // new column
  std::vector<double> c = {3};
  more.AddSeries("item_c", kDay0, c);
  IngestSummary s = Ingest("m5", more);
  EXPECT_EQ(s.series_added, 1);
  EXPECT_EQ(s.observations_inserted, 2);
  EXPECT_EQ(s.exog_unchanged, 1);
  EXPECT_EQ(s.exog_updated, 1);
  EXPECT_EQ(s.exog_inserted, 2);

  Panel loaded = Load("m5");
  ASSERT_EQ(loaded.num_series(), 4u);
  ASSERT_EQ(loaded.num_exog(), 3u);  // creation order: price, promo, temperature
  EXPECT_EQ(loaded.exog_name(2), "temperature");
  size_t j = *loaded.Find("item_b");
  EXPECT_TRUE(testing::SameBits(loaded.values(j), std::vector<double>{1, 2, kNaN, 4, 5, 6}));
  EXPECT_TRUE(
      testing::SameBits(loaded.exog(0, j), std::vector<double>{9.99, kNaN, kNaN, kNaN, 7.5, 7.0}));
  EXPECT_TRUE(testing::SameBits(loaded.exog(1, j), std::vector<double>(6, kNaN)));
  EXPECT_TRUE(testing::SameBits(loaded.exog(2, j),
                                std::vector<double>{kNaN, kNaN, kNaN, kNaN, kNaN, 21.5}));
  // item_c has no attributes: empty strings under the dataset's attribute names.
  size_t c_index = *loaded.Find("item_c");
  EXPECT_EQ(loaded.attribute(0, c_index), "");
  EXPECT_EQ(loaded.attribute(1, c_index), "");
}

TEST_F(IngestTest, ChangedAttributesAreUpdatedAndEmptyOnesIgnored) {
  Ingest("m5", SamplePanel());
  Panel p(Frequency::Daily());
  ASSERT_TRUE(p.SetAttributeNames({"dept", "state", "store"}).ok());
  std::vector<std::string_view> b_attrs = {"FOODS", "CA", ""};      // new key; store not given
  std::vector<std::string_view> a_attrs = {"HOBBIES", "", "CA_1"};  // unchanged
  std::vector<double> none = {};
  p.AddSeries("item_b", kDay0, none, b_attrs);
  p.AddSeries("item_a", kDay0 - 3, none, a_attrs);
  IngestSummary s = Ingest("m5", p);
  EXPECT_EQ(s.attributes_updated, 1);
  EXPECT_EQ(s.observations_inserted + s.observations_updated + s.observations_unchanged, 0);

  Panel loaded = Load("m5");
  ASSERT_EQ(loaded.num_attributes(), 3u);  // union of keys, sorted
  EXPECT_EQ(loaded.attribute_name(1), "state");
  size_t b = *loaded.Find("item_b");
  EXPECT_EQ(loaded.attribute(0, b), "FOODS");
  EXPECT_EQ(loaded.attribute(1, b), "CA");
  EXPECT_EQ(loaded.attribute(2, b), "CA_1");
  EXPECT_EQ(loaded.attribute(1, *loaded.Find("item_a")), "");
  // An empty incoming series leaves the stored values alone.
  EXPECT_EQ(loaded.length(b), 5);

  Panel renamed(Frequency::Daily());
  ASSERT_TRUE(renamed.SetAttributeNames({"store"}).ok());
  std::vector<std::string_view> moved = {"CA_2"};
  renamed.AddSeries("item_b", kDay0, none, moved);
  EXPECT_EQ(Ingest("m5", renamed).attributes_updated, 1);
  Panel again = Load("m5", {"item_b"});
  EXPECT_EQ(again.attribute(*again.FindAttribute("store"), 0), "CA_2");
}

TEST_F(IngestTest, LoadSelectedSeriesInByteOrder) {
  Ingest("m5", SamplePanel());
  Panel two = Load("m5", {"item_b", "Item_z", "item_b"});
  ASSERT_EQ(two.num_series(), 2u);
  EXPECT_EQ(two.id(0), "Item_z");
  EXPECT_EQ(two.id(1), "item_b");
  EXPECT_EQ(two.exog(0, 1)[4], 8.5);
  EXPECT_EQ(two.exog(1, 0)[1], 1.0);

  auto missing = store_->LoadPanel("m5", {"item_a", "nope"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("'nope'"), std::string::npos);
}

TEST_F(IngestTest, UnknownDatasetListsTheDatasetsThatExist) {
  Ingest("m5", SamplePanel());
  Ingest("walmart", OneSeries("1_1", kDay0, {1}));
  auto loaded = store_->LoadPanel("m6");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kNotFound);
  EXPECT_NE(loaded.status().message().find("'m6'"), std::string::npos);
  EXPECT_NE(loaded.status().message().find("m5, walmart"), std::string::npos)
      << loaded.status().message();
  EXPECT_EQ(store_->ListIngests("m6").status().code(), StatusCode::kNotFound);
}

TEST_F(IngestTest, ListDatasetsSummarisesEachDataset) {
  auto empty = store_->ListDatasets();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  Ingest("m5", SamplePanel());
  Ingest("a_empty", Panel(Frequency::Weekly(Weekday::kSunday)));
  auto info = store_->ListDatasets();
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->size(), 2u);
  const DatasetInfo& e = (*info)[0];
  EXPECT_EQ(e.name, "a_empty");
  EXPECT_EQ(e.frequency, "W-SUN");
  EXPECT_EQ(e.num_series, 0);
  EXPECT_FALSE(e.first.has_value());
  const DatasetInfo& m = (*info)[1];
  EXPECT_EQ(m.name, "m5");
  EXPECT_EQ(m.frequency, "D");
  EXPECT_EQ(m.num_series, 3);
  EXPECT_EQ(m.num_observations, 10);
  EXPECT_EQ(m.first, kDay0 - 3);
  EXPECT_EQ(m.last, kDay0 + 5);
  EXPECT_FALSE(m.created_at.empty());
}

TEST_F(IngestTest, RejectsBadInputWithoutWriting) {
  auto no_name = store_->IngestPanel("", SamplePanel(), "x", "");
  EXPECT_EQ(no_name.status().code(), StatusCode::kInvalidArgument);

  Panel dup(Frequency::Daily());
  std::vector<double> v = {1};
  dup.AddSeries("a", kDay0, v);
  dup.AddSeries("a", kDay0 + 1, v);
  auto dup_result = store_->IngestPanel("d", dup, "x", "");
  EXPECT_EQ(dup_result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dup_result.status().message().find("'a'"), std::string::npos);

  Panel empty_id(Frequency::Daily());
  empty_id.AddSeries("", kDay0, v);
  EXPECT_EQ(store_->IngestPanel("d", empty_id, "x", "").status().code(),
            StatusCode::kInvalidArgument);

  // 2010-02-06 is a Saturday: not a W-FRI period.
  auto off_grid = store_->IngestPanel(
      "d", OneSeries("a", Date::FromYmd(2010, 2, 6), {1}, Frequency::Weekly(Weekday::kFriday)), "x",
      "");
  EXPECT_EQ(off_grid.status().code(), StatusCode::kDataError);
  EXPECT_NE(off_grid.status().message().find("2010-02-06"), std::string::npos);

  Panel bad_utf8(Frequency::Daily());
  ASSERT_TRUE(bad_utf8.SetAttributeNames({"store"}).ok());
  std::vector<std::string_view> latin1 = {"caf\xe9"};
  bad_utf8.AddSeries("a", kDay0, v, latin1);
  auto utf8_result = store_->IngestPanel("d", bad_utf8, "x", "");
  EXPECT_EQ(utf8_result.status().code(), StatusCode::kDataError);
  EXPECT_NE(utf8_result.status().message().find("UTF-8"), std::string::npos);

  auto datasets = store_->ListDatasets();
  ASSERT_TRUE(datasets.ok());
  EXPECT_TRUE(datasets->empty());
}

TEST_F(IngestTest, FailureMidIngestRollsBackEverything) {
  Ingest("m5", SamplePanel(), "h1");
  Panel changed = SamplePanel();
  for (size_t i = 0; i < changed.num_series(); ++i) {
    for (double& x : changed.mutable_values(i)) x += 100;
  }
  IngestOptions options;
  options.after_series_written = [](size_t i) {
    return i == 1 ? Status::IoError("disk unplugged") : Status::Ok();
  };
  auto failed = store_->IngestPanel("m5", changed, "b.csv", "h2", options);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(), "disk unplugged");
  ExpectPanelsEqual(SamplePanelSorted(), Load("m5"));
  EXPECT_EQ(store_->ListIngests()->size(), 1u);

  // A new dataset is not created either.
  auto failed_new = store_->IngestPanel("other", changed, "b.csv", "h2", options);
  ASSERT_FALSE(failed_new.ok());
  EXPECT_EQ(store_->ListDatasets()->size(), 1u);
}

// A panel large enough (8 MB) that sqlite spills the uncommitted transaction into the WAL
// file before the process dies, so the test shows that such frames are ignored on recovery.
Panel LargePanel(double base) {
  Panel p(Frequency::Daily());
  for (int s = 0; s < 20; ++s) {
    std::vector<double> v(50'000);
    for (size_t t = 0; t < v.size(); ++t) v[t] = base + s + static_cast<double>(t) * 0.5;
    p.AddSeries("s" + std::to_string(100 + s), kDay0, v);
  }
  return p;
}

TEST_F(IngestTest, ProcessDyingMidIngestLeavesThePreviousState) {
  const Panel before = LargePanel(1.0);
  Ingest("big", before, "v1");
  store_.reset();  // sqlite connections must not cross fork()
  const std::string wal = path_ + "-wal";
  auto wal_size = [&wal] {
    std::error_code ec;
    auto size = std::filesystem::file_size(wal, ec);
    return ec ? 0 : size;
  };
  const auto wal_before = wal_size();  // 0: closing the last connection checkpoints

  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = Store::Open(path_);
    if (!store.ok()) _exit(3);
    IngestOptions options;
    options.after_series_written = [](size_t i) -> Status {
      if (i == 15) _exit(1);  // dies inside the open transaction, without cleanup
      return Status::Ok();
    };
    auto ignored = (*store)->IngestPanel("big", LargePanel(1000.0), "v2.csv", "v2", options);
    _exit(ignored.ok() ? 0 : 2);
  }
  // The child ingests 15 series of 50,000 values, then dies: seconds, even on a loaded machine.
  const std::optional<int> waited = testing::WaitForChild(child, std::chrono::seconds(120));
  ASSERT_TRUE(waited.has_value())
      << "the child ingest did not die within 120 s (killed); the WAL has " << wal_size()
      << " bytes";
  const int status = *waited;
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 1) << "the child did not die inside the ingest";
  EXPECT_GT(wal_size(), wal_before)
      << "the dying ingest should have written uncommitted frames to the WAL";

  auto reopened = Store::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto loaded = (*reopened)->LoadPanel("big");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectPanelsEqual(before, *loaded);
  auto log = (*reopened)->ListIngests();
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].content_hash, "v1");
  // And the store still takes writes.
  auto next = (*reopened)->IngestPanel("big", LargePanel(1000.0), "v2.csv", "v2");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->observations_updated, 20 * 50'000);
}

TEST_F(IngestTest, ReadersSeeTheLastCommitWhileAWriterIsMidTransaction) {
  Ingest("m5", SamplePanel());
  auto reader = Store::Open(path_);
  ASSERT_TRUE(reader.ok());
  Panel changed = SamplePanel();
  for (size_t i = 0; i < changed.num_series(); ++i) {
    for (double& x : changed.mutable_values(i)) x *= 2;
  }
  int checks = 0;
  IngestOptions options;
  options.after_series_written = [&](size_t i) {
    if (i == 1) {
      // The writer holds its write transaction; a second connection reads without waiting
      // and sees the last committed state.
      auto during = (*reader)->LoadPanel("m5");
      EXPECT_TRUE(during.ok()) << during.status().ToString();
      if (during.ok()) ExpectPanelsEqual(SamplePanelSorted(), *during);
      ++checks;
    }
    return Status::Ok();
  };
  auto s = store_->IngestPanel("m5", changed, "x2.csv", "", options);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(checks, 1);
  auto after = (*reader)->LoadPanel("m5");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->values(*after->Find("item_a"))[0], 14.0);
}

TEST_F(IngestTest, ConcurrentReaderAlwaysSeesWholeIngests) {
  // Every ingest sets all values to one version number; a reader must never see a mix.
  auto version_panel = [](double version) {
    Panel p(Frequency::Daily());
    for (int s = 0; s < 50; ++s) {
      p.AddSeries("s" + std::to_string(s), kDay0, std::vector<double>(200, version));
    }
    return p;
  };
  Ingest("v", version_panel(0));
  std::atomic<bool> done{false};
  std::atomic<int> mixed{0};
  std::atomic<int> reads{0};
  testing::TestThread reader_thread([&] {
    auto reader = Store::Open(path_);
    if (!reader.ok()) {
      mixed = -1000;
      return;
    }
    while (!done) {
      auto p = (*reader)->LoadPanel("v");
      if (!p.ok()) {
        mixed = -1000;
        return;
      }
      const double first = p->data().front();
      for (double x : p->data()) {
        if (x != first) {
          ++mixed;
          break;
        }
      }
      ++reads;
    }
  });
  for (int version = 1; version <= 20; ++version) Ingest("v", version_panel(version));
  done = true;
  reader_thread.JoinWithin(
      std::chrono::seconds(60),
      [&] { return std::to_string(reads.load()) + " whole-panel reads made"; },
      "the reader did not stop");
  EXPECT_EQ(mixed.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

}  // namespace
}  // namespace retailcast::store
