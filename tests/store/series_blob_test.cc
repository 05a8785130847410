// The merge rule behind IngestPanel, on its own.
#include "series_blob.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "store_test_util.h"

namespace retailcast::store::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(MergeSeriesTest, UnionOfRangesWithNaNGapsAndNewestWins) {
  const Date d0 = Date::FromYmd(2020, 3, 1);
  std::vector<double> stored = {1, kNaN, 3};
  std::vector<double> incoming = {kNaN, 2, 30, kNaN, kNaN, 6};  // from d0 - 1
  MergedSeries out;
  MergeCounts counts;
  ASSERT_TRUE(MergeSeries(Frequency::Daily(), d0, stored, d0 - 1, incoming, &out, &counts).ok());
  EXPECT_EQ(out.start, d0 - 1);
  // d0 - 1 .. d0 + 4: 2 replaces 1, 30 fills the hole, 6 extends with a NaN gap.
  EXPECT_TRUE(testing::SameBits(out.values, std::vector<double>{kNaN, 2, 30, 3, kNaN, 6}));
  EXPECT_EQ(counts.updated, 1);
  EXPECT_EQ(counts.inserted, 2);
  EXPECT_TRUE(out.changed);
}

TEST(MergeSeriesTest, CountsEachIncomingValueOnce) {
  const Date d0 = Date::FromYmd(2020, 3, 1);
  std::vector<double> stored = {1, kNaN, 3, 4};
  std::vector<double> incoming = {1, 2, 33, kNaN, 5};
  MergedSeries out;
  MergeCounts counts;
  ASSERT_TRUE(MergeSeries(Frequency::Daily(), d0, stored, d0, incoming, &out, &counts).ok());
  EXPECT_EQ(counts.unchanged, 1);
  EXPECT_EQ(counts.inserted, 2);  // the hole and the new last day
  EXPECT_EQ(counts.updated, 1);
  EXPECT_TRUE(testing::SameBits(out.values, std::vector<double>{1, 2, 33, 4, 5}));
}

TEST(MergeSeriesTest, SameValuesChangeNothing) {
  const Date d0 = Date::FromYmd(2020, 3, 1);
  std::vector<double> stored = {1, kNaN, 3};
  std::vector<double> incoming = {kNaN, kNaN, 3};
  MergedSeries out;
  MergeCounts counts;
  ASSERT_TRUE(MergeSeries(Frequency::Daily(), d0, stored, d0, incoming, &out, &counts).ok());
  EXPECT_FALSE(out.changed);
  EXPECT_EQ(counts.unchanged, 1);
  EXPECT_EQ(counts.inserted + counts.updated, 0);
}

TEST(MergeSeriesTest, EmptySidesTakeTheOtherRange) {
  const Date d0 = Date::FromYmd(2020, 3, 1);
  std::vector<double> values = {1, 2};
  MergedSeries out;
  MergeCounts counts;
  ASSERT_TRUE(MergeSeries(Frequency::Daily(), d0 - 100, {}, d0, values, &out, &counts).ok());
  EXPECT_EQ(out.start, d0);
  EXPECT_EQ(out.values.size(), 2u);
  ASSERT_TRUE(MergeSeries(Frequency::Daily(), d0, values, d0 + 50, {}, &out, &counts).ok());
  EXPECT_EQ(out.start, d0);
  EXPECT_FALSE(out.changed);
}

TEST(MergeSeriesTest, StartsOffTheGridAreADataError) {
  const Frequency w = Frequency::Weekly(Weekday::kFriday);
  const Date friday = Date::FromYmd(2010, 2, 5);
  std::vector<double> v = {1};
  MergedSeries out;
  MergeCounts counts;
  Status s = MergeSeries(w, friday, v, friday + 3, v, &out, &counts);
  EXPECT_EQ(s.code(), StatusCode::kDataError);
}

TEST(SeriesBlobTest, DecodeChecksTheLength) {
  std::vector<double> v = {1.5, -2};
  std::vector<double> scratch;
  auto bytes = LittleEndianBytes(v, &scratch);
  std::vector<double> out;
  ASSERT_TRUE(DecodeBlob(bytes, 2, "test blob", &out).ok());
  EXPECT_EQ(out, v);
  Status short_blob = DecodeBlob(bytes.first(12), 2, "test blob", &out);
  EXPECT_EQ(short_blob.code(), StatusCode::kDataError);
  EXPECT_NE(short_blob.message().find("test blob holds 12 bytes"), std::string::npos);
  // Little-endian: the last byte of 1.5 (0x3FF8000000000000) is its sign/exponent byte.
  EXPECT_EQ(bytes[7], std::byte{0x3F});
  EXPECT_EQ(CountObserved(std::vector<double>{kNaN, 1, kNaN}), 1);
}

}  // namespace
}  // namespace retailcast::store::internal
