// End-to-end tests of the `retailcast` binary on the shared datasets (../shared/data): the
// Walmart backtest and its output files, and ingestion of the M5 subset, Superstore
// transactions, Rossmann (with its duplicate rows) and a single-series Prophet example.
// Skipped when ../shared is absent. The slower checks are in cli_slow_test.cc.
#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "shared_test_util.h"

namespace retailcast::cli_test {
namespace {

using ::testing::HasSubstr;

// ---------------------------------------------------------------- backtest

TEST_F(CliTest, BacktestWalmartTableAndFiles) {
  REQUIRE_SHARED(Data("walmart_store_sales/Walmart_Store_sales.csv"));
  std::vector<std::string> args = {"backtest"};
  for (const auto& a : WalmartStoreArgs()) args.push_back(a);
  for (const char* a : {"--summary-csv", "summary.csv", "--records-csv", "records.csv",
                        "--output-json", "bt.json", "--selection-csv", "selection.csv"}) {
    args.push_back(a);
  }
  ProcessResult r = Cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_THAT(r.out, HasSubstr("45 series, 3 windows x 13 periods"));
  for (const auto& model : kBaselines) {
    // model, n = 45 series x 3 windows, then the metric columns.
    EXPECT_TRUE(std::regex_search(r.out, std::regex("\n" + model + " +135 +[0-9]")))
        << model << " has no row in the table:\n"
        << r.out;
  }
  Csv summary = ReadCsv(Path("summary.csv"));
  ASSERT_TRUE(summary.ok) << summary.error;
  ASSERT_GE(summary.Col("window"), 0);
  ASSERT_GE(summary.Col("model"), 0);
  ASSERT_GE(summary.Col("MASE"), 0);
  EXPECT_EQ(summary.rows.size(), 5u * 4u);  // windows 0..2 and overall, per model
  for (const auto& row : summary.rows) {
    EXPECT_TRUE(std::isfinite(ToDouble(row[summary.Col("MASE")]))) << row[1];
  }
  Csv records = ReadCsv(Path("records.csv"));
  ASSERT_TRUE(records.ok) << records.error;
  EXPECT_EQ(records.rows.size(), 45u * 3u * 5u);
  for (const auto& row : records.rows) EXPECT_EQ(row[records.Col("n_points")], "13");
  nlohmann::json j = nlohmann::json::parse(ReadFile(Path("bt.json")), nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["options"]["horizon"], 13);
  EXPECT_EQ(j["options"]["season_length"], 52);
  EXPECT_EQ(j["records"].size(), 45u * 3u * 5u);
  Csv selection = ReadCsv(Path("selection.csv"));
  ASSERT_TRUE(selection.ok) << selection.error;
  EXPECT_EQ(selection.rows.size(), 45u);
  for (const auto& row : selection.rows) {
    EXPECT_NE(std::find(kBaselines.begin(), kBaselines.end(), row[1]), kBaselines.end()) << row[1];
  }
}

// ---------------------------------------------------------------- ingestion of shared data

TEST_F(CliTest, IngestM5Subset) {
  const std::string sales = Data("m5_subset/sales_train_validation_tiny.csv");
  REQUIRE_SHARED(sales);
  ProcessResult r = Cli({"ingest", "--format", "m5", "--input", sales, "--calendar",
                         Data("m5_subset/calendar.csv"), "--prices",
                         Data("m5_subset/sell_prices.csv"), "--store", "s.db", "--dataset", "m5"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  Csv csv = ReadCsv(sales);
  size_t days = 0;
  for (const auto& h : csv.header) days += h.rfind("d_", 0) == 0;
  EXPECT_EQ(SeriesCount(r.out), static_cast<long>(csv.rows.size()));  // 280
  EXPECT_EQ(ObservationsInserted(r.out), static_cast<long>(csv.rows.size() * days));
  ProcessResult d = Cli({"describe", "--store", "s.db", "--dataset", "m5", "--json"});
  ASSERT_EQ(d.exit_code, 0) << d.Describe();
  nlohmann::json j = nlohmann::json::parse(d.out);
  EXPECT_EQ(j["frequency"], "D");
  EXPECT_EQ(j["first_date"], "2011-01-29");  // d_1 in calendar.csv
}

TEST_F(CliTest, IngestSuperstoreTransactionsWeekly) {
  const std::string file = Data("superstore/Sample - Superstore.csv");
  REQUIRE_SHARED(file);
  ProcessResult r = Cli({"ingest",     "--format",          "transactions", "--input",
                         file,         "--id-columns",      "Category",     "--date-column",
                         "Order Date", "--quantity-column", "Quantity",     "--revenue-column",
                         "Sales",      "--customer-column", "Customer ID",  "--freq",
                         "W-SUN",      "--store",           "s.db",         "--dataset",
                         "superstore"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  Csv csv = ReadCsv(file);  // quoted product names, UTF-8 BOM
  ASSERT_TRUE(csv.ok) << csv.error;
  std::set<std::string> categories;
  double units = 0;
  for (const auto& row : csv.rows) {
    categories.insert(row[csv.Col("Category")]);
    units += ToDouble(row[csv.Col("Quantity")]);
  }
  EXPECT_EQ(SeriesCount(r.out), static_cast<long>(categories.size()));  // 3
  EXPECT_THAT(r.err, HasSubstr("rows read " + std::to_string(csv.rows.size())));
  ProcessResult d = Cli({"describe", "--store", "s.db", "--dataset", "superstore", "--json"});
  ASSERT_EQ(d.exit_code, 0) << d.Describe();
  nlohmann::json j = nlohmann::json::parse(d.out);
  EXPECT_EQ(j["frequency"], "W-SUN");
  EXPECT_DOUBLE_EQ(j["total"].get<double>(), units);  // every unit lands in some week
}

TEST_F(CliTest, IngestRossmannReportsItsDuplicatesThenKeepsTheLast) {
  const std::string file = Data("rossmann_subset/rossmann_train_subset.csv");
  REQUIRE_SHARED(file);
  const std::vector<std::string> args = {"ingest",
                                         "--input",
                                         file,
                                         "--id-columns",
                                         "Store",
                                         "--date-column",
                                         "Date",
                                         "--target-column",
                                         "Sales",
                                         "--exog",
                                         "Customers,Open,Promo,SchoolHoliday",
                                         "--store",
                                         "s.db",
                                         "--dataset",
                                         "rossmann"};
  // SOURCE.md: 6 exact duplicate rows (stores 24 and 35).
  ProcessResult strict = Cli(args);
  EXPECT_EQ(strict.exit_code, kExitDataError) << strict.Describe();
  EXPECT_THAT(strict.err, HasSubstr("6 bad row errors"));
  EXPECT_THAT(strict.err, HasSubstr("rossmann_train_subset.csv:26:3: duplicate key: series '24' "
                                    "has date 2024-07-31 on line 25 already"));
  std::vector<std::string> last = args;
  last.insert(last.end(), {"--duplicates", "last"});
  ProcessResult r = Cli(last);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  std::set<std::string> stores;
  std::set<std::pair<std::string, std::string>> keys;
  ForEachUnquotedRow(file, [&](const std::vector<std::string_view>& row) {
    stores.insert(std::string(row[0]));
    keys.insert({std::string(row[0]), std::string(row[2])});
  });
  EXPECT_EQ(SeriesCount(r.out), static_cast<long>(stores.size()));  // 100
  EXPECT_EQ(ObservationsInserted(r.out), static_cast<long>(keys.size()));
  EXPECT_THAT(r.out, HasSubstr("exogenous values inserted " + std::to_string(4 * keys.size())));
}

TEST_F(CliTest, IngestProphetSingleSeriesFileWithSeriesId) {
  const std::string file = Data("prophet_examples/example_retail_sales.csv");
  REQUIRE_SHARED(file);
  ProcessResult r = Cli({"ingest", "--input", file, "--series-id", "us_retail", "--store", "s.db",
                         "--dataset", "retail"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(SeriesCount(r.out), 1);
  EXPECT_EQ(ObservationsInserted(r.out), static_cast<long>(ReadCsv(file).rows.size()));
  ProcessResult fc = Cli({"forecast", "--store", "s.db", "--dataset", "retail", "--horizon", "12",
                          "--model", "snaive", "--output", "fc.csv"});
  ASSERT_EQ(fc.exit_code, 0) << fc.Describe();
  Csv out = ReadCsv(Path("fc.csv"));
  ASSERT_EQ(out.rows.size(), 12u);
  EXPECT_EQ(out.rows[0][0], "us_retail");
  EXPECT_EQ(out.rows[0][1], "2016-06-01");  // monthly (MS), after the last month 2016-05-01
  // Without --series-id the file has no unique_id column: a data error naming it.
  ProcessResult no_id = Cli({"ingest", "--input", file, "--store", "s.db", "--dataset", "r2"});
  EXPECT_EQ(no_id.exit_code, kExitDataError) << no_id.Describe();
  EXPECT_THAT(no_id.err, HasSubstr("unique_id"));
}

}  // namespace
}  // namespace retailcast::cli_test
