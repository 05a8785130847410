#include "retailcast/prep/fill_gaps.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace retailcast::prep {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> Fill(std::vector<double> y, FillMethod method,
                         EdgeFill edges = EdgeFill::kKeepMissing, int season = 7,
                         int64_t* count = nullptr) {
  FillOptions o;
  o.method = method;
  o.edges = edges;
  int64_t c = FillSeries(y, o, season);
  if (count != nullptr) *count = c;
  return y;
}

// Equality that treats NaN == NaN.
MATCHER_P(SameValues, want, "") {
  if (arg.size() != want.size()) return false;
  for (size_t i = 0; i < arg.size(); ++i) {
    if (std::isnan(want[i]) ? !std::isnan(arg[i]) : arg[i] != want[i]) return false;
  }
  return true;
}

TEST(FillGapsTest, MissingLeavesNaN) {
  int64_t n = -1;
  std::vector<double> y{kNaN, 1, kNaN, 3};
  EXPECT_THAT(Fill(y, FillMethod::kMissing, EdgeFill::kNearest, 7, &n), SameValues(y));
  EXPECT_EQ(n, 0);
}

TEST(FillGapsTest, ZeroFillsEveryGapIncludingEdges) {
  int64_t n = 0;
  EXPECT_THAT(Fill({kNaN, 1, kNaN, 3, kNaN}, FillMethod::kZero, EdgeFill::kKeepMissing, 7, &n),
              SameValues(std::vector<double>{0, 1, 0, 3, 0}));
  EXPECT_EQ(n, 3);
}

TEST(FillGapsTest, LinearInterpolatesAndHandlesEdgesPerOption) {
  int64_t n = 0;
  EXPECT_THAT(
      Fill({kNaN, 1, kNaN, kNaN, 4, kNaN}, FillMethod::kLinear, EdgeFill::kKeepMissing, 7, &n),
      SameValues(std::vector<double>{kNaN, 1, 2, 3, 4, kNaN}));
  EXPECT_EQ(n, 2);
  EXPECT_THAT(Fill({kNaN, 1, kNaN, kNaN, 4, kNaN}, FillMethod::kLinear, EdgeFill::kNearest, 7, &n),
              SameValues(std::vector<double>{1, 1, 2, 3, 4, 4}));
  EXPECT_EQ(n, 4);
  // Nothing observed: nothing to fill from.
  EXPECT_THAT(Fill({kNaN, kNaN}, FillMethod::kLinear, EdgeFill::kNearest, 7, &n),
              SameValues(std::vector<double>{kNaN, kNaN}));
  EXPECT_EQ(n, 0);
}

TEST(FillGapsTest, SeasonalAveragesNearestSeasonsAndFallsBackToLinear) {
  // Period 3 pattern 10, 20, 30 with a trend of +3 per season.
  std::vector<double> y{10, 20, 30, 13, kNaN, 33, 16, 26, 36, kNaN, kNaN, kNaN};
  int64_t n = 0;
  auto out = Fill(y, FillMethod::kSeasonal, EdgeFill::kKeepMissing, 3, &n);
  EXPECT_DOUBLE_EQ(out[4], (20 + 26) / 2.0);  // both neighbouring seasons
  EXPECT_DOUBLE_EQ(out[9], 16);               // only the season before
  EXPECT_DOUBLE_EQ(out[10], 26);
  EXPECT_DOUBLE_EQ(out[11], 36);
  EXPECT_EQ(n, 4);
  // Skips unobserved seasons to reach the nearest observed one on each side (positions 0, 2,
  // 4, 6 share a season of length 2).
  out = Fill({1, 2, kNaN, 5, kNaN, 9, 7, 0}, FillMethod::kSeasonal, EdgeFill::kKeepMissing, 2, &n);
  EXPECT_DOUBLE_EQ(out[2], (1 + 7) / 2.0);
  EXPECT_DOUBLE_EQ(out[4], (1 + 7) / 2.0);
  EXPECT_EQ(n, 2);
  // No observed value at the same position anywhere: linear fallback.
  out = Fill({1, kNaN, 3, kNaN, 5}, FillMethod::kSeasonal, EdgeFill::kKeepMissing, 2, &n);
  EXPECT_DOUBLE_EQ(out[1], 2);
  EXPECT_DOUBLE_EQ(out[3], 4);
}

TEST(FillGapsTest, PanelFillsChosenSeriesAndCounts) {
  Panel p(Frequency::Daily());
  std::vector<double> a{1, kNaN, 3}, b{kNaN, 2, kNaN, kNaN, 5};
  p.AddSeries("a", Date::FromYmd(2024, 1, 1), a);
  p.AddSeries("b", Date::FromYmd(2024, 1, 3), b);
  const size_t only_b[] = {1, 1};
  auto r = FillGaps(p, FillOptions{FillMethod::kLinear, EdgeFill::kKeepMissing, 0}, only_b);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->filled_per_series, (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(r->total_filled, 2);
  EXPECT_TRUE(std::isnan(p.values(0)[1]));
  EXPECT_DOUBLE_EQ(p.values(1)[2], 3);
  EXPECT_DOUBLE_EQ(p.values(1)[3], 4);
  r = FillGaps(p, FillOptions{FillMethod::kZero, EdgeFill::kKeepMissing, 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->filled_per_series, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(r->total_filled, 2);
}

TEST(FillGapsTest, BadInputs) {
  Panel p(Frequency::Daily());
  std::vector<double> a{1, kNaN, 3};
  p.AddSeries("a", Date::FromYmd(2024, 1, 1), a);
  const size_t bad[] = {0, 5};
  auto r = FillGaps(p, FillOptions{}, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("5"), std::string::npos);
  EXPECT_TRUE(std::isnan(p.values(0)[1])) << "nothing changed on error";
  FillOptions neg;
  neg.season_length = -1;
  EXPECT_EQ(FillGaps(p, neg).status().code(), StatusCode::kInvalidArgument);
  auto m = ParseFillMethod("spline");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("missing, zero, linear, seasonal"), std::string::npos);
  for (auto method :
       {FillMethod::kMissing, FillMethod::kZero, FillMethod::kLinear, FillMethod::kSeasonal}) {
    EXPECT_EQ(*ParseFillMethod(FillMethodName(method)), method);
  }
  Panel empty;
  auto e = FillGaps(empty, FillOptions{});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->total_filled, 0);
}

}  // namespace
}  // namespace retailcast::prep
