// End-to-end tests of the `retailcast` binary on the shared datasets (../shared/data) and
// against the shared reference scorer (../shared/peers/metrics.py): the plain forecast form
// the peers are scored with, the backtest and its per-window metrics, and ingestion of every
// shared dataset. Skipped when ../shared (or python3 with pandas, for the scorer) is absent.
#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_test_util.h"

namespace retailcast::cli_test {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kBaselines = {"snaive", "naive", "mean", "drift", "window_average"};
const char* kAllBaselines = "snaive,naive,mean,drift,window_average";
constexpr int kExitDataError = 4;

std::string Data(const std::string& rel) { return SharedDir() + "/data/" + rel; }
std::string MetricsPy() { return SharedDir() + "/peers/metrics.py"; }

#define REQUIRE_SHARED(path)                                                  \
  do {                                                                        \
    if (!fs::exists(path)) GTEST_SKIP() << (path) << " is absent (../shared)"; \
  } while (0)

#define REQUIRE_PYTHON()                                                                 \
  do {                                                                                   \
    if (!HavePythonWithPandas()) GTEST_SKIP() << kPython << " with pandas is not installed"; \
  } while (0)

// The series count printed by `ingest` ("dataset X in S: N series from F").
long SeriesCount(const std::string& out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex(": ([0-9]+) series from"))) return -1;
  return std::stol(m[1]);
}
long ObservationsInserted(const std::string& out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("observations inserted ([0-9]+)"))) return -1;
  return std::stol(m[1]);
}

// Writes the Walmart store-sales file (Store,Date dd-mm-yyyy,Weekly_Sales,...) as a long
// unique_id,ds,y file, values copied verbatim.
void WriteWalmartLong(const std::string& from, const fs::path& to) {
  Csv csv = ReadCsv(from);
  std::string out = "unique_id,ds,y\n";
  for (const auto& row : csv.rows) {
    const std::string& d = row[1];
    out += row[0] + "," + d.substr(6, 4) + "-" + d.substr(3, 2) + "-" + d.substr(0, 2) + "," +
           row[2] + "\n";
  }
  WriteFile(to, out);
}

// ---------------------------------------------------------------- the plain scored form

TEST_F(CliTest, PlainForecastScoredByMetricsPyMatchesR) {
  const std::string data = SharedDir() + "/peers/data/walmart_store.csv";
  REQUIRE_SHARED(data);
  REQUIRE_PYTHON();
  ProcessResult split =
      Python({MetricsPy(), "split", "--data", data, "--h", "13", "--outdir", Path("split")});
  ASSERT_EQ(split.exit_code, 0) << split.Describe();
  ProcessResult fc = Cli({"forecast", "--input", Path("split/train.csv"), "--horizon", "13",
                          "--season", "52", "--model", kAllBaselines, "--levels", "80,95",
                          "--output", "fc.csv"});
  ASSERT_EQ(fc.exit_code, 0) << fc.Describe();
  const std::string text = ReadFile(Path("fc.csv"));
  EXPECT_EQ(text.substr(0, text.find('\n')), "unique_id,ds,model,yhat,lo80,hi80,lo95,hi95");
  Csv csv = ParseCsv(text);
  ASSERT_TRUE(csv.ok) << csv.error;
  EXPECT_EQ(csv.rows.size(), 45u * 13u * 5u);
  // Every (series, model) forecasts exactly the 13 dates of future.csv.
  std::map<std::string, std::set<std::string>> future;
  for (const auto& row : ReadCsv(Path("split/future.csv")).rows) future[row[0]].insert(row[1]);
  ASSERT_EQ(future.size(), 45u);
  std::map<std::pair<std::string, std::string>, std::set<std::string>> dates;
  for (const auto& row : csv.rows) dates[{row[0], row[2]}].insert(row[1]);
  EXPECT_EQ(dates.size(), 45u * 5u);
  for (const auto& [key, ds] : dates) EXPECT_EQ(ds, future[key.first]) << key.first << " " << key.second;

  ProcessResult score = Python({MetricsPy(), "score", "--data", data, "--h", "13", "--season",
                                "52", "--forecasts", "retailcast=" + Path("fc.csv"), "--out",
                                Path("score.json")});
  ASSERT_EQ(score.exit_code, 0) << score.Describe();
  nlohmann::json report = nlohmann::json::parse(ReadFile(Path("score.json")));
  std::set<std::string> scored;
  for (const auto& m : report["models"]) {
    const std::string model = m["model"];
    scored.insert(model);
    EXPECT_EQ(m["n_series"], 45) << model;
    EXPECT_EQ(m["n_missing"], 0) << model;
    if (model == "snaive") {
      // R forecast::snaive on the same split (peers/results): MASE 0.8237 over 45 series.
      EXPECT_NEAR(m["MASE"].get<double>(), 0.8237, 0.002);
    }
  }
  EXPECT_EQ(scored, std::set<std::string>(kBaselines.begin(), kBaselines.end()));
}

// ---------------------------------------------------------------- backtest

std::vector<std::string> WalmartStoreArgs() {
  return {"--input",         Data("walmart_store_sales/Walmart_Store_sales.csv"),
          "--id-columns",    "Store",
          "--date-column",   "Date",
          "--target-column", "Weekly_Sales",
          "--date-format",   "dd-mm-yyyy",
          "--horizon",       "13",
          "--season",        "52"};
}

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
        << model << " has no row in the table:\n" << r.out;
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

// The backtest's last window (cutoff = 13 weeks before the end) is the peers' split: its
// per-series MASE must equal metrics.py's score of `forecast` on the truncated data.
TEST_F(CliTest, BacktestLastWindowEqualsMetricsPyOnTheSameForecast) {
  const std::string source = Data("walmart_store_sales/Walmart_Store_sales.csv");
  REQUIRE_SHARED(source);
  REQUIRE_PYTHON();
  WriteWalmartLong(source, Path("long.csv"));
  ProcessResult split =
      Python({MetricsPy(), "split", "--data", Path("long.csv"), "--h", "13", "--outdir", "split"});
  ASSERT_EQ(split.exit_code, 0) << split.Describe();
  ProcessResult fc = Cli({"forecast", "--input", "split/train.csv", "--horizon", "13", "--season",
                          "52", "--model", kAllBaselines, "--output", "fc.csv"});
  ASSERT_EQ(fc.exit_code, 0) << fc.Describe();
  ProcessResult score = Python({MetricsPy(), "score", "--data", Path("long.csv"), "--h", "13",
                                "--season", "52", "--forecasts", "rc=" + Path("fc.csv"), "--out",
                                Path("score.json"), "--per-series", Path("per_series.csv")});
  ASSERT_EQ(score.exit_code, 0) << score.Describe();

  std::vector<std::string> args = {"backtest"};
  for (const auto& a : WalmartStoreArgs()) args.push_back(a);
  for (const char* a : {"--model", kAllBaselines, "--records-csv", "records.csv", "--summary-csv",
                        "summary.csv"}) {
    args.push_back(a);
  }
  ProcessResult bt = Cli(args);
  ASSERT_EQ(bt.exit_code, 0) << bt.Describe();

  Csv records = ReadCsv(Path("records.csv"));
  ASSERT_TRUE(records.ok) << records.error;
  const int r_id = records.Col("unique_id"), r_win = records.Col("window"),
            r_model = records.Col("model"), r_mase = records.Col("MASE"),
            r_cutoff = records.Col("cutoff");
  int last_window = 0;
  for (const auto& row : records.rows) last_window = std::max(last_window, std::stoi(row[r_win]));
  std::map<std::pair<std::string, std::string>, double> backtest_mase;
  for (const auto& row : records.rows) {
    if (std::stoi(row[r_win]) == last_window) {
      backtest_mase[{row[r_id], row[r_model]}] = ToDouble(row[r_mase]);
    }
  }
  // The last cutoff is the last training date of the split.
  std::map<std::string, std::string> last_train;
  for (const auto& row : ReadCsv(Path("split/train.csv")).rows) last_train[row[0]] = row[1];
  for (const auto& row : records.rows) {
    if (std::stoi(row[r_win]) == last_window) {
      EXPECT_EQ(row[r_cutoff], last_train[row[r_id]]);
    }
  }

  Csv per = ReadCsv(Path("per_series.csv"));
  ASSERT_TRUE(per.ok) << per.error;
  ASSERT_EQ(per.rows.size(), 45u * 5u);
  for (const auto& row : per.rows) {
    auto it = backtest_mase.find({row[per.Col("unique_id")], row[per.Col("model")]});
    ASSERT_NE(it, backtest_mase.end()) << row[per.Col("unique_id")] << " " << row[per.Col("model")];
    const double want = ToDouble(row[per.Col("MASE")]);
    EXPECT_TRUE(NearRelative(it->second, want, 1e-9))
        << it->first.first << " " << it->first.second << ": backtest " << it->second
        << ", metrics.py " << want;
  }
  // And the window's mean over series against metrics.py's model mean.
  Csv summary = ReadCsv(Path("summary.csv"));
  nlohmann::json report = nlohmann::json::parse(ReadFile(Path("score.json")));
  for (const auto& m : report["models"]) {
    bool found = false;
    for (const auto& row : summary.rows) {
      if (row[summary.Col("window")] == std::to_string(last_window) &&
          row[summary.Col("model")] == m["model"]) {
        found = true;
        EXPECT_TRUE(NearRelative(ToDouble(row[summary.Col("MASE")]), m["MASE"].get<double>(), 1e-9))
            << m["model"] << ": " << row[summary.Col("MASE")] << " vs " << m["MASE"];
      }
    }
    EXPECT_TRUE(found) << m["model"];
  }
}

// ---------------------------------------------------------------- ingestion of shared data

TEST_F(CliTest, IngestWalmartRecruitingStoreDept) {
  const std::string file = Data("walmart_recruiting/train.csv");
  REQUIRE_SHARED(file);
  ProcessResult r = Cli({"ingest", "--input", file, "--id-columns", "Store,Dept", "--date-column",
                         "Date", "--target-column", "Weekly_Sales", "--flags", "IsHoliday",
                         "--store", "s.db", "--dataset", "recruiting"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  Csv csv = ReadCsv(file);
  std::set<std::pair<std::string, std::string>> keys;
  size_t negatives = 0;
  for (const auto& row : csv.rows) {
    keys.insert({row[0], row[1]});
    negatives += ToDouble(row[3]) < 0;
  }
  EXPECT_EQ(SeriesCount(r.out), static_cast<long>(keys.size()));  // 3331
  EXPECT_EQ(ObservationsInserted(r.out), static_cast<long>(csv.rows.size()));
  EXPECT_THAT(r.out, HasSubstr("exogenous values inserted " + std::to_string(csv.rows.size())));
  EXPECT_THAT(r.err, HasSubstr("warning: " + std::to_string(negatives) + " negative values were kept"));
  ProcessResult d = Cli({"describe", "--store", "s.db", "--dataset", "recruiting", "--json"});
  ASSERT_EQ(d.exit_code, 0) << d.Describe();
  nlohmann::json j = nlohmann::json::parse(d.out);
  EXPECT_EQ(j["series"], keys.size());
  EXPECT_EQ(j["frequency"], "W-FRI");
  EXPECT_EQ(j["exogenous"], nlohmann::json::array({"IsHoliday"}));
}

TEST_F(CliTest, IngestM5Subset) {
  const std::string sales = Data("m5_subset/sales_train_validation_tiny.csv");
  REQUIRE_SHARED(sales);
  ProcessResult r = Cli({"ingest", "--format", "m5", "--input", sales, "--calendar",
                         Data("m5_subset/calendar.csv"), "--prices", Data("m5_subset/sell_prices.csv"),
                         "--store", "s.db", "--dataset", "m5"});
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
  ProcessResult r = Cli({"ingest", "--format", "transactions", "--input", file, "--id-columns",
                         "Category", "--date-column", "Order Date", "--quantity-column", "Quantity",
                         "--revenue-column", "Sales", "--customer-column", "Customer ID", "--freq",
                         "W-SUN", "--store", "s.db", "--dataset", "superstore"});
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
  const std::vector<std::string> args = {"ingest", "--input", file, "--id-columns", "Store",
                                         "--date-column", "Date", "--target-column", "Sales",
                                         "--exog", "Customers,Open,Promo,SchoolHoliday", "--store",
                                         "s.db", "--dataset", "rossmann"};
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
  Csv csv = ReadCsv(file);
  std::set<std::string> stores;
  std::set<std::pair<std::string, std::string>> keys;
  for (const auto& row : csv.rows) {
    stores.insert(row[0]);
    keys.insert({row[0], row[2]});
  }
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
