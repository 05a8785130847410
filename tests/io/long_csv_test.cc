#include "retailcast/io/long_csv.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "test_util.h"

namespace retailcast::io {
namespace {

Result<LoadedPanel> Read(std::string_view text, LongCsvOptions o = {}) {
  return ReadLongCsvFromString(text, "t.csv", o);
}

bool HasError(const IngestReport& r, RowErrorKind kind, int64_t line) {
  for (const RowError& e : r.errors) {
    if (e.kind == kind && e.line == line) return true;
  }
  return false;
}

TEST(PeriodTest, RoundTripsEveryFrequency) {
  for (const char* f : {"D", "W-FRI", "W-SUN", "MS", "QS", "YS"}) {
    Frequency freq = *Frequency::Parse(f);
    Date d = freq.PeriodOf(Date::FromYmd(2016, 5, 17));
    auto p = PeriodNumber(d, freq);
    ASSERT_TRUE(p.has_value()) << f;
    EXPECT_EQ(DateOfPeriod(*p, freq), d) << f;
    EXPECT_EQ(DateOfPeriod(*p + 1, freq), freq.Advance(d, 1)) << f;
  }
  EXPECT_FALSE(PeriodNumber(Date::FromYmd(2010, 2, 6), Frequency::Weekly(Weekday::kFriday)));
  EXPECT_FALSE(PeriodNumber(Date::FromYmd(2010, 2, 6), Frequency::Monthly()));
  EXPECT_FALSE(PeriodNumber(Date::FromYmd(2010, 2, 1), Frequency::Quarterly()));
}

TEST(LongCsvTest, ReadsSortsFillsGapsAndInfersFrequency) {
  auto r = Read(
      "unique_id,ds,y\n"
      "b,2020-01-01,1\n"
      "b,2020-01-02,2\n"
      "a,2020-01-03,5\n"
      "a,2020-01-01,3\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Panel& p = r->panel;
  EXPECT_EQ(p.freq(), Frequency::Daily());
  ASSERT_EQ(p.num_series(), 2u);
  EXPECT_EQ(p.id(0), "a");
  EXPECT_EQ(p.start(0), Date::FromYmd(2020, 1, 1));
  ASSERT_EQ(p.length(0), 3);
  EXPECT_EQ(p.values(0)[0], 3);
  EXPECT_TRUE(std::isnan(p.values(0)[1]));
  EXPECT_EQ(p.values(0)[2], 5);
  EXPECT_EQ(p.id(1), "b");
  EXPECT_EQ(p.values(1)[1], 2);
  EXPECT_EQ(r->report.gaps_filled, 1);
  EXPECT_EQ(r->report.rows_accepted, 4);
  ASSERT_EQ(r->report.warnings.size(), 1u);
  EXPECT_NE(r->report.warnings[0].find("filled with NaN"), std::string::npos);
}

TEST(LongCsvTest, InterleavedSeriesGiveTheSamePanelAsGrouped) {
  std::string grouped = "unique_id,ds,y\n";
  std::string interleaved = "unique_id,ds,y\n";
  for (int d = 1; d <= 9; ++d) {
    grouped += "x,2021-03-0" + std::to_string(d) + "," + std::to_string(d) + "\n";
  }
  for (int d = 1; d <= 9; ++d) {
    grouped += "y,2021-03-0" + std::to_string(d) + "," + std::to_string(10 * d) + "\n";
  }
  for (int d = 9; d >= 1; --d) {
    interleaved += "y,2021-03-0" + std::to_string(d) + "," + std::to_string(10 * d) + "\n";
    interleaved += "x,2021-03-0" + std::to_string(d) + "," + std::to_string(d) + "\n";
  }
  auto a = Read(grouped);
  auto b = Read(interleaved);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->panel.data(), b->panel.data());
  EXPECT_EQ(a->panel.start(1), b->panel.start(1));
}

TEST(LongCsvTest, MultiColumnIdExogAttributesAndDateFormat) {
  LongCsvOptions o;
  o.id_columns = {"Store", "Dept"};
  o.date_column = "Date";
  o.value_column = "Sales";
  o.exog_columns = {{"Holiday", ValueKind::kFlag}, {"Temp", ValueKind::kNumber}};
  o.attribute_columns = {"Type"};
  auto r = Read(
      "Store,Dept,Date,Sales,Holiday,Temp,Type\n"
      "1,7,05-02-2010,10,FALSE,3.5,A\n"
      "1,7,12-02-2010,-2,TRUE,NA,A\n"
      "10,1,05-02-2010,4,FALSE,1,B\n",
      o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Panel& p = r->panel;
  EXPECT_EQ(p.freq(), Frequency::Weekly(Weekday::kFriday));
  ASSERT_EQ(p.num_series(), 2u);
  EXPECT_EQ(p.id(0), "1/7");
  EXPECT_EQ(p.id(1), "10/1");
  EXPECT_EQ(p.start(0), Date::FromYmd(2010, 2, 5));
  EXPECT_EQ(p.values(0)[1], -2);
  EXPECT_EQ(p.exog(0, 0)[1], 1);
  EXPECT_TRUE(std::isnan(p.exog(1, 0)[1]));
  EXPECT_EQ(p.attribute(0, 1), "B");
  EXPECT_EQ(r->report.negative_values, 1);
}

TEST(LongCsvTest, WithoutATargetColumnReadsOnlyExogenousValues) {
  // A file of known future regressor values has no target: value_column empty.
  LongCsvOptions o;
  o.value_column.clear();
  o.exog_columns = {{"price", ValueKind::kNumber}};
  auto r = Read("unique_id,ds,price\na,2024-01-01,1.5\na,2024-01-02,1.25\n", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->panel.num_series(), 1u);
  EXPECT_TRUE(std::isnan(r->panel.values(0)[0]));
  EXPECT_EQ(r->panel.exog(0, 0)[1], 1.25);
  // With a target column named, a file without it is still an error naming the column.
  auto missing = Read("unique_id,ds,price\na,2024-01-01,1.5\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'y'"), std::string::npos)
      << missing.status().ToString();
}

TEST(LongCsvTest, AllNumericExogColumns) {
  LongCsvOptions o;
  o.all_numeric_exog = true;
  auto r = Read(
      "unique_id,ds,y,price,name,promo\na,2020-01-01,1,2.5,foo,TRUE\na,2020-01-02,1,NA,bar,FALSE\n",
      o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->panel.num_exog(), 2u);
  EXPECT_EQ(r->panel.exog_name(0), "price");
  EXPECT_EQ(r->panel.exog_name(1), "promo");
  EXPECT_EQ(r->panel.exog(1, 0)[0], 1);
}

TEST(LongCsvTest, DuplicateKeyIsAnErrorNamingBothLines) {
  auto r = Read("unique_id,ds,y\na,2020-01-01,1\na,2020-01-02,2\na,2020-01-01,3\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataError);
  EXPECT_NE(r.status().message().find(
                "t.csv:4:2: duplicate key: series 'a' has date 2020-01-01 on line 2"),
            std::string::npos)
      << r.status().message();
}

TEST(LongCsvTest, DuplicateAcrossRunsNamesBothLines) {
  LongCsvOptions o;
  o.on_error = OnError::kSkip;
  o.freq = Frequency::Daily();
  auto r = Read("unique_id,ds,y\na,2020-01-01,1\nb,2020-01-01,2\na,2020-01-01,3\n", o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->report.errors.size(), 1u);
  EXPECT_EQ(r->report.errors[0].line, 4);
  EXPECT_NE(r->report.errors[0].reason.find("on line 2"), std::string::npos);
  EXPECT_EQ(r->report.errors[0].raw, "a,2020-01-01,3");
  EXPECT_EQ(r->panel.values(0)[0], 1);
  EXPECT_EQ(r->report.rows_accepted, 2);
  EXPECT_EQ(r->report.rows_rejected, 1);
}

TEST(LongCsvTest, DuplicatePoliciesSumAndLast) {
  std::string text =
      "unique_id,ds,y\na,2020-01-01,1\na,2020-01-02,2\nb,2020-01-01,9\na,2020-01-01,3\na,2020-01-"
      "02,4\n";
  LongCsvOptions o;
  o.on_duplicate = DuplicatePolicy::kSum;
  auto s = Read(text, o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->panel.values(0)[0], 4);
  EXPECT_EQ(s->panel.values(0)[1], 6);
  EXPECT_EQ(s->report.duplicates_merged, 2);
  o.on_duplicate = DuplicatePolicy::kLast;
  auto l = Read(text, o);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->panel.values(0)[0], 3);
  EXPECT_EQ(l->panel.values(0)[1], 4);
}

TEST(LongCsvTest, BadRowsAreAllCollectedBeforeFailing) {
  LongCsvOptions o;
  o.freq = Frequency::Daily();
  auto r = Read(
      "unique_id,ds,y\n"
      "a,2020-01-01,1\n"
      "a,2020-13-45,2\n"
      "a,2020-01-03,abc\n"
      "a,2020-01-04\n"
      "a,2020-01-05,1,extra\n"
      "a,\"2020-01-06,1\n",
      o);
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("5 bad row errors"), std::string::npos) << m;
  EXPECT_NE(m.find("t.csv:3:2: cannot parse date '2020-13-45' as iso"), std::string::npos) << m;
  EXPECT_NE(m.find("t.csv:4:3: 'abc' is not a number (field 'y', raw: 'a,2020-01-03,abc')"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("t.csv:5:0: expected 3 fields as in the header, found 2"), std::string::npos)
      << m;
  EXPECT_NE(m.find("t.csv:6:0: expected 3 fields as in the header, found 4"), std::string::npos)
      << m;
  EXPECT_NE(m.find("t.csv:7:2: unterminated quoted field"), std::string::npos) << m;
  EXPECT_NE(m.find("Possible fixes"), std::string::npos);
}

TEST(LongCsvTest, SkipModeKeepsGoodRowsAndReportsBadOnes) {
  LongCsvOptions o;
  o.on_error = OnError::kSkip;
  auto r = Read("unique_id,ds,y\na,2020-01-01,1\na,2020-01-02,x\na,2020-01-03,3\n", o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->report.rows_read, 3);
  EXPECT_EQ(r->report.rows_accepted, 2);
  EXPECT_EQ(r->report.rows_rejected, 1);
  EXPECT_TRUE(HasError(r->report, RowErrorKind::kBadNumber, 3));
  EXPECT_TRUE(std::isnan(r->panel.values(0)[1]));
  testing::TempDir dir;
  ASSERT_TRUE(r->report.WriteRejectsCsv(dir.path("rej.csv")).ok());
  EXPECT_NE(testing::ReadAll(dir.path("rej.csv")).find("t.csv,3,3,y,bad_number"),
            std::string::npos);
}

TEST(LongCsvTest, OffGridDatesAreRejected) {
  LongCsvOptions o;
  o.freq = Frequency::Weekly(Weekday::kFriday);
  o.on_error = OnError::kSkip;
  auto r = Read("unique_id,ds,y\na,2010-02-05,1\na,2010-02-06,2\n", o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->report.errors.size(), 1u);
  EXPECT_EQ(r->report.errors[0].kind, RowErrorKind::kOffGrid);
  EXPECT_NE(r->report.errors[0].reason.find("is a Saturday; W-FRI periods fall on a Friday"),
            std::string::npos);
  o.freq = Frequency::Monthly();
  auto m = Read("unique_id,ds,y\na,2010-02-01,1\na,2010-03-15,2\n", o);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(HasError(m->report, RowErrorKind::kOffGrid, 3));
}

TEST(LongCsvTest, NegativePolicies) {
  std::string text = "unique_id,ds,y\na,2020-01-01,-1\na,2020-01-02,2\n";
  LongCsvOptions o;
  o.on_negative = NegativePolicy::kClip;
  auto c = Read(text, o);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->panel.values(0)[0], 0);
  EXPECT_EQ(c->report.negative_values, 1);
  o.on_negative = NegativePolicy::kError;
  auto e = Read(text, o);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("t.csv:2:3: negative value -1"), std::string::npos);
}

TEST(LongCsvTest, AttributeChangeWithinSeriesIsRowError) {
  LongCsvOptions o;
  o.attribute_columns = {"store"};
  auto r = Read("unique_id,ds,y,store\na,2020-01-01,1,S1\na,2020-01-02,2,S2\n", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(
                "attribute 'store' of series 'a' changes from 'S1' (line 2) to 'S2'"),
            std::string::npos)
      << r.status().message();
}

TEST(LongCsvTest, MissingColumnsListTheColumnsFound) {
  auto r = Read("id,date,sales\na,2020-01-01,1\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataError);
  EXPECT_NE(
      r.status().message().find(
          "no column 'unique_id' (series id); the header has 3 columns: 'id', 'date', 'sales'"),
      std::string::npos)
      << r.status().message();
}

TEST(LongCsvTest, EmptyAndHeaderOnlyFiles) {
  auto e = Read("");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("empty"), std::string::npos);
  auto h = Read("unique_id,ds,y\n");
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("header but no data rows"), std::string::npos);
}

TEST(LongCsvTest, FrequencyCannotBeInferredFromOneDate) {
  auto r = Read("unique_id,ds,y\na,2020-01-01,1\nb,2020-01-01,1\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("cannot infer the frequency"), std::string::npos);
  LongCsvOptions o;
  o.freq = Frequency::Daily();
  EXPECT_TRUE(Read("unique_id,ds,y\na,2020-01-01,1\nb,2020-01-01,1\n", o).ok());
}

TEST(LongCsvTest, SubDailyTimestampsAndFarDatesAreRejected) {
  LongCsvOptions o;
  o.freq = Frequency::Daily();
  o.on_error = OnError::kSkip;
  auto r =
      Read("unique_id,ds,y\na,2020-01-01 00:00:00,1\na,2020-01-01 00:05:00,2\na,2920-01-01,3\n", o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(HasError(r->report, RowErrorKind::kBadDate, 3));
  EXPECT_TRUE(HasError(r->report, RowErrorKind::kBadDate, 4));
  EXPECT_EQ(r->panel.length(0), 1);
}

TEST(LongCsvTest, CrOnlyQuotedBomFile) {
  auto r = Read(
      "\xEF\xBB\xBF\"unique_id\",\"ds\",\"y\"\r\"a\",\"2020-01-01\",1\r\"a\",\"2020-01-02\",2\r");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->panel.length(0), 2);
}

TEST(LongCsvTest, ReadsFromDiskAndMissingFileIsNotFound) {
  testing::TempDir dir;
  std::string p = dir.Write("x.csv", "unique_id,ds,y\na,2020-01-01,1\na,2020-02-01,2\n");
  auto r = ReadLongCsv(p, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->panel.freq(), Frequency::Monthly());
  EXPECT_EQ(ReadLongCsv(dir.path("nope.csv"), {}).status().code(), StatusCode::kNotFound);
}

TEST(LongCsvTest, PeersM5LongFileLoads) {
  std::string path = std::string(RETAILCAST_SHARED_DIR) + "/peers/data/m5_subset_long.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared peers data not found at " << path;
  auto r = ReadLongCsv(path, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->panel.freq(), Frequency::Daily());
  EXPECT_GT(r->panel.num_series(), 0u);
  EXPECT_EQ(r->report.rows_rejected, 0);
  for (size_t i = 1; i < r->panel.num_series(); ++i) EXPECT_LT(r->panel.id(i - 1), r->panel.id(i));
}

}  // namespace
}  // namespace retailcast::io
