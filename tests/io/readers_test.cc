// Transactions, M5 and forecast CSV readers/writers, including their bad-input paths.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "retailcast/io/forecast_csv.h"
#include "retailcast/io/long_csv.h"
#include "retailcast/io/m5_reader.h"
#include "retailcast/io/transactions_csv.h"
#include "test_util.h"

namespace retailcast::io {
namespace {

TransactionsOptions SalesOptions() {
  TransactionsOptions o;
  o.date_column = "date";
  o.key_columns = {"store", "item"};
  o.quantity_column = "qty";
  o.price_column = "price";
  o.customer_column = "customer";
  o.freq = Frequency::Weekly(Weekday::kSunday);
  return o;
}

TEST(TransactionsTest, AggregatesUnitsRevenueLinesCustomersWithZeroFill) {
  auto r = ReadTransactionsCsvFromString(
      "\xEF\xBB\xBF"
      "date,store,item,qty,price,customer\r\n"
      "1/4/2021,S1,\"Chair, red\",2,10.5,c1\r\n"   // Monday -> week ending Sun 2021-01-10
      "1/10/2021,S1,\"Chair, red\",1,10.5,c1\r\n"  // Sunday, same week
      "1/5/2021,S1,\"Chair, red\",3,10,c2\r\n"
      "1/20/2021,S1,\"Chair, red\",-1,10,c2\r\n"  // a return, two weeks later
      "1/4/2021,S2,Desk,1,100,c3\r\n",
      "tx.csv", SalesOptions());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Panel& p = r->panel;
  ASSERT_EQ(p.num_series(), 2u);
  EXPECT_EQ(p.id(0), "S1/Chair, red");
  EXPECT_EQ(p.attribute(1, 0), "Chair, red");
  EXPECT_EQ(p.start(0), Date::FromYmd(2021, 1, 10));
  ASSERT_EQ(p.length(0), 3);
  EXPECT_EQ(p.values(0)[0], 6);
  EXPECT_EQ(p.values(0)[1], 0);  // no sale = zero demand
  EXPECT_EQ(p.values(0)[2], -1);
  EXPECT_DOUBLE_EQ(p.exog(*p.FindExog("revenue"), 0)[0], 2 * 10.5 + 10.5 + 3 * 10);
  EXPECT_EQ(p.exog(*p.FindExog("lines"), 0)[0], 3);
  EXPECT_EQ(p.exog(*p.FindExog("customers"), 0)[0], 2);
  EXPECT_EQ(p.exog(*p.FindExog("customers"), 0)[1], 0);
  EXPECT_EQ(r->report.negative_values, 1);
}

TEST(TransactionsTest, BadRowsAndMissingColumns) {
  auto bad = ReadTransactionsCsvFromString(
      "date,store,item,qty,price,customer\n"
      "1/4/2021,S1,A,2,10,c1\n"
      "13/45/2021,S1,A,2,10,c1\n"
      "1/4/2021,S1,A,,10,c1\n"
      "1/4/2021,S1,A,2,ten,c1\n"
      "1/4/2021,,A,2,10,c1\n"
      "1/4/2021,S1,A,2\n",
      "tx.csv", SalesOptions());
  ASSERT_FALSE(bad.ok());
  const std::string& m = bad.status().message();
  EXPECT_NE(m.find("5 bad row errors"), std::string::npos) << m;
  EXPECT_NE(m.find("tx.csv:3:1: cannot parse date '13/45/2021'"), std::string::npos) << m;
  EXPECT_NE(m.find("tx.csv:4:4: missing value"), std::string::npos) << m;
  EXPECT_NE(m.find("tx.csv:5:5: 'ten' is not a number"), std::string::npos) << m;
  EXPECT_NE(m.find("tx.csv:6:2: empty key value"), std::string::npos) << m;
  EXPECT_NE(m.find("tx.csv:7:0: expected 6 fields"), std::string::npos) << m;

  auto missing = ReadTransactionsCsvFromString("date,qty\n1/4/2021,1\n", "tx.csv", SalesOptions());
  EXPECT_EQ(missing.status().code(), StatusCode::kDataError);
  EXPECT_NE(missing.status().message().find("no column 'store'"), std::string::npos);
  auto header_only = ReadTransactionsCsvFromString("date,store,item,qty,price,customer\n", "tx.csv",
                                                   SalesOptions());
  EXPECT_NE(header_only.status().message().find("no data rows"), std::string::npos);
}

TEST(TransactionsTest, SyntaxErrorBeyondTheHeaderIsARowError) {
  TransactionsOptions o;
  o.date_column = "d";
  o.on_error = OnError::kSkip;
  auto r = ReadTransactionsCsvFromString("d\n2021-01-05\n2021-01-06,x,\"y\"z\n", "t", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->report.errors.size(), 1u);
  EXPECT_EQ(r->report.errors[0].column, 3);
  EXPECT_EQ(r->report.errors[0].field, "");
  EXPECT_EQ(r->report.errors[0].kind, RowErrorKind::kSyntax);
}

TEST(TransactionsTest, MonthlyTotalWithoutKeysOrQuantity) {
  TransactionsOptions o;
  o.date_column = "d";
  o.freq = Frequency::Monthly();
  auto r = ReadTransactionsCsvFromString("d\n2021-01-05\n2021-01-31\n2021-03-02\n", "t", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->panel.num_series(), 1u);
  EXPECT_EQ(r->panel.id(0), "total");
  std::vector<double> y(r->panel.values(0).begin(), r->panel.values(0).end());
  EXPECT_EQ(y, (std::vector<double>{2, 0, 1}));
}

class M5Test : public ::testing::Test {
 protected:
  void SetUp() override {
    calendar_ =
        dir_.Write("calendar.csv",
                   "date,wm_yr_wk,weekday,wday,month,year,d,event_name_1,event_type_1,event_name_2,"
                   "event_type_2,snap_CA,snap_TX\n"
                   "2011-01-29,11101,Saturday,1,1,2011,d_1,,,,,0,1\n"
                   "2011-01-30,11101,Sunday,2,1,2011,d_2,SuperBowl,Sporting,Easter,Cultural,1,0\n"
                   "2011-01-31,11101,Monday,3,1,2011,d_3,,,,,1,1\n"
                   "2011-02-01,11102,Tuesday,4,2,2011,d_4,,,,,0,0\n");
    prices_ = dir_.Write("prices.csv", "store_id,item_id,wm_yr_wk,sell_price\nTX_1,B,11101,2.5\n");
  }
  testing::TempDir dir_;
  std::string calendar_, prices_;
};

TEST_F(M5Test, ReadsWideSalesWithCalendarAndPrices) {
  std::string sales = dir_.Write("sales.csv",
                                 "id,item_id,dept_id,cat_id,store_id,state_id,d_1,d_2,d_3\n"
                                 "B_TX_1,B,D,C,TX_1,TX,0,1,2\n"
                                 "A_CA_1,A,D,C,CA_1,CA,3,4,5\n");
  std::string later = dir_.Write(
      "later.csv", "id,item_id,dept_id,cat_id,store_id,state_id,d_4\nB_TX_1,B,D,C,TX_1,TX,7\n");
  M5Options o{{sales, later}, calendar_, prices_};
  auto r = ReadM5(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Panel& p = r->panel;
  ASSERT_EQ(p.num_series(), 2u);
  EXPECT_EQ(p.id(0), "A_CA_1");
  EXPECT_EQ(p.length(0), 3);
  EXPECT_EQ(p.length(1), 4);
  EXPECT_EQ(p.values(1)[3], 7);
  EXPECT_EQ(p.attribute(*p.FindAttribute("state_id"), 0), "CA");
  auto snap_a = p.exog(*p.FindExog("snap"), 0);
  auto snap_b = p.exog(*p.FindExog("snap"), 1);
  EXPECT_EQ(snap_a[0], 0);
  EXPECT_EQ(snap_a[1], 1);
  EXPECT_EQ(snap_b[0], 1);  // TX flag, not CA
  EXPECT_EQ(p.exog(*p.FindExog("event_sporting"), 0)[1], 1);
  EXPECT_EQ(p.exog(*p.FindExog("event_cultural"), 0)[1], 1);
  EXPECT_EQ(p.exog(*p.FindExog("event_national"), 0)[1], 0);
  auto price_b = p.exog(*p.FindExog("sell_price"), 1);
  EXPECT_EQ(price_b[0], 2.5);
  EXPECT_TRUE(std::isnan(price_b[3]));  // week 11102 has no price
  EXPECT_TRUE(std::isnan(p.exog(*p.FindExog("sell_price"), 0)[0]));
}

TEST_F(M5Test, BadInputs) {
  std::string bad = dir_.Write("bad.csv",
                               "id,item_id,dept_id,cat_id,store_id,state_id,d_1,d_2\n"
                               "A_CA_1,A,D,C,CA_1,CA,1,x\n"
                               "A_WI_1,A,D,C,WI_1,WI,1,2\n"
                               "B_CA_1,B,D,C,CA_1,CA,1,2\n"
                               "B_CA_1,B,D,C,CA_1,CA,1,2\n");
  auto r = ReadM5(M5Options{{bad}, calendar_, ""});
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("bad.csv:2:8: 'x' is not a number"), std::string::npos) << m;
  EXPECT_NE(m.find("state 'WI' has no snap_WI column"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.csv:5:7: duplicate: series 'B_CA_1' has day d_1 already"),
            std::string::npos)
      << m;

  std::string far =
      dir_.Write("far.csv", "id,item_id,dept_id,cat_id,store_id,state_id,d_9\nA,A,D,C,CA_1,CA,1\n");
  auto f = ReadM5(M5Options{{far}, calendar_, ""});
  EXPECT_EQ(f.status().code(), StatusCode::kDataError);
  EXPECT_NE(f.status().message().find("'d_9' is not a day of"), std::string::npos);
  auto nf = ReadM5(M5Options{{far}, dir_.path("nope.csv"), ""});
  EXPECT_EQ(nf.status().code(), StatusCode::kNotFound);
}

TEST(ForecastCsvTest, RoundTripsShortestNumbersAndNaN) {
  testing::TempDir dir;
  ForecastTable t({80, 95});
  const double lo_a[] = {1.5, NAN}, hi_a[] = {2.5, NAN}, lo_b[] = {-3, -4}, hi_b[] = {3, 4};
  t.AppendRow("a,1", "ets", Date::FromYmd(2024, 1, 5), 0.1 + 0.2, lo_a, hi_a);
  t.AppendRow("b", "naive", Date::FromYmd(2024, 1, 12), 1e-300, lo_b, hi_b);
  std::string path = dir.path("fc.csv");
  ASSERT_TRUE(WriteForecastCsv(path, t).ok());
  std::string text = testing::ReadAll(path);
  EXPECT_EQ(text.substr(0, text.find('\n')), "unique_id,ds,model,yhat,lo80,hi80,lo95,hi95");
  EXPECT_NE(text.find("\"a,1\",2024-01-05,ets,0.30000000000000004,1.5,2.5,,\n"), std::string::npos)
      << text;
  auto back = ReadForecastCsv(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->levels(), t.levels());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ(back->unique_id(0), "a,1");
  EXPECT_EQ(back->yhat(0), 0.1 + 0.2);
  EXPECT_TRUE(std::isnan(back->lo(1, 0)));
  EXPECT_EQ(back->yhat(1), 1e-300);
  EXPECT_EQ(back->ds(1), Date::FromYmd(2024, 1, 12));
  EXPECT_EQ(back->model(1), "naive");
}

TEST(ForecastCsvTest, BadInputs) {
  testing::TempDir dir;
  auto a =
      ReadForecastCsv(dir.Write("a.csv", "unique_id,ds,model,yhat,lo80\na,2024-01-01,m,1,0\n"));
  EXPECT_NE(a.status().message().find("no matching 'hi80'"), std::string::npos);
  auto b = ReadForecastCsv(dir.Write("b.csv", "unique_id,ds,model,yhat\na,2024-01-01,m,abc\n"));
  EXPECT_NE(b.status().message().find("b.csv:2:4: 'abc' is not a number"), std::string::npos)
      << b.status().message();
  auto c = ReadForecastCsv(dir.Write("c.csv", "unique_id,ds,yhat\n"));
  EXPECT_NE(c.status().message().find("no column 'model'"), std::string::npos);
}

TEST(PanelLongCsvTest, WritesAndReadsBack) {
  testing::TempDir dir;
  Panel p(Frequency::Monthly());
  ASSERT_TRUE(p.AddExogColumn("price").ok());
  double y[] = {1, NAN, 3.25};
  p.AddSeries("s/1", Date::FromYmd(2020, 11, 1), y);
  p.mutable_exog(0, 0)[2] = 9.5;
  std::string path = dir.path("panel.csv");
  ASSERT_TRUE(WritePanelLongCsv(path, p).ok());
  EXPECT_EQ(testing::ReadAll(path),
            "unique_id,ds,y,price\ns/1,2020-11-01,1,\ns/1,2020-12-01,,\ns/1,2021-01-01,3.25,9.5\n");
  LongCsvOptions o;
  o.all_numeric_exog = true;
  auto back = ReadLongCsv(path, o);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->panel.freq(), Frequency::Monthly());
  EXPECT_EQ(back->panel.values(0)[2], 3.25);
  EXPECT_EQ(back->panel.exog(0, 0)[2], 9.5);
}

}  // namespace
}  // namespace retailcast::io
