// Helpers shared by the store tests: a temporary directory per test, bitwise panel comparison
// and the bounded waits of bounded_wait.h.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "bounded_wait.h"
#include "retailcast/core/panel.h"

namespace retailcast::store::testing {

using retailcast::testing::PollUntil;
using retailcast::testing::TestThread;
using retailcast::testing::WaitForChild;

// A fresh directory, removed with everything in it when the test ends.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "rc_store_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string PathOf(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

// The first column of the first row of `sql`, as text, read through a raw SQLite connection
// (what the store wrote, seen without the store's code).
inline std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    if (text != nullptr) out = reinterpret_cast<const char*>(text);
  } else {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

inline bool SameBits(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::bit_cast<uint64_t>(a[i]) != std::bit_cast<uint64_t>(b[i])) return false;
  }
  return true;
}

// Expects `actual` to equal `expected` series by series: ids, starts, values (bitwise, so NaN
// positions count), exogenous columns and attributes.
inline void ExpectPanelsEqual(const Panel& expected, const Panel& actual) {
  ASSERT_TRUE(expected.freq() == actual.freq())
      << expected.freq().ToString() << " vs " << actual.freq().ToString();
  ASSERT_EQ(expected.num_series(), actual.num_series());
  ASSERT_EQ(expected.num_exog(), actual.num_exog());
  ASSERT_EQ(expected.num_attributes(), actual.num_attributes());
  for (size_t k = 0; k < expected.num_exog(); ++k) {
    EXPECT_EQ(expected.exog_name(k), actual.exog_name(k));
  }
  for (size_t a = 0; a < expected.num_attributes(); ++a) {
    EXPECT_EQ(expected.attribute_name(a), actual.attribute_name(a));
  }
  for (size_t i = 0; i < expected.num_series(); ++i) {
    SCOPED_TRACE("series " + std::string(expected.id(i)));
    EXPECT_EQ(expected.id(i), actual.id(i));
    EXPECT_EQ(expected.start(i), actual.start(i));
    EXPECT_TRUE(SameBits(expected.values(i), actual.values(i)));
    for (size_t k = 0; k < expected.num_exog(); ++k) {
      EXPECT_TRUE(SameBits(expected.exog(k, i), actual.exog(k, i))) << expected.exog_name(k);
    }
    for (size_t a = 0; a < expected.num_attributes(); ++a) {
      EXPECT_EQ(expected.attribute(a, i), actual.attribute(a, i)) << expected.attribute_name(a);
    }
  }
}

}  // namespace retailcast::store::testing
