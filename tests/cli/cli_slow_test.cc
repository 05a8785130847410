// End-to-end tests of the `retailcast` binary that take seconds each (labelled slow): the
// plain forecast form scored by ../shared/peers/metrics.py against R's figure, the backtest's
// last window against metrics.py on the same forecast, and ingestion of the 12 MB Walmart
// recruiting file. Skipped when ../shared or python3 with pandas is absent.
#include <algorithm>
#include <map>
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

// ---------------------------------------------------------------- the plain scored form

TEST_F(CliTest, PlainForecastScoredByMetricsPyMatchesR) {
  const std::string data = SharedDir() + "/peers/data/walmart_store.csv";
  REQUIRE_SHARED(data);
  REQUIRE_PYTHON();
  ProcessResult split =
      Python({MetricsPy(), "split", "--data", data, "--h", "13", "--outdir", Path("split")});
  ASSERT_EQ(split.exit_code, 0) << split.Describe();
  ProcessResult fc =
      Cli({"forecast", "--input", Path("split/train.csv"), "--horizon", "13", "--season", "52",
           "--model", kAllBaselines, "--levels", "80,95", "--output", "fc.csv"});
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
  for (const auto& [key, ds] : dates)
    EXPECT_EQ(ds, future[key.first]) << key.first << " " << key.second;

  ProcessResult score =
      Python({MetricsPy(), "score", "--data", data, "--h", "13", "--season", "52", "--forecasts",
              "retailcast=" + Path("fc.csv"), "--out", Path("score.json")});
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
  for (const char* a :
       {"--model", kAllBaselines, "--records-csv", "records.csv", "--summary-csv", "summary.csv"}) {
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

// ---------------------------------------------------------------- ingestion

TEST_F(CliTest, IngestWalmartRecruitingStoreDept) {
  const std::string file = Data("walmart_recruiting/train.csv");
  REQUIRE_SHARED(file);
  ProcessResult r = Cli({"ingest", "--input", file, "--id-columns", "Store,Dept", "--date-column",
                         "Date", "--target-column", "Weekly_Sales", "--flags", "IsHoliday",
                         "--store", "s.db", "--dataset", "recruiting"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  std::set<std::pair<std::string, std::string>> keys;
  size_t negatives = 0;
  const size_t rows = ForEachUnquotedRow(file, [&](const std::vector<std::string_view>& row) {
    keys.insert({std::string(row[0]), std::string(row[1])});
    negatives += ToDouble(std::string(row[3])) < 0;
  });
  EXPECT_EQ(SeriesCount(r.out), static_cast<long>(keys.size()));  // 3331
  EXPECT_EQ(ObservationsInserted(r.out), static_cast<long>(rows));
  EXPECT_THAT(r.out, HasSubstr("exogenous values inserted " + std::to_string(rows)));
  EXPECT_THAT(r.err,
              HasSubstr("warning: " + std::to_string(negatives) + " negative values were kept"));
  ProcessResult d = Cli({"describe", "--store", "s.db", "--dataset", "recruiting", "--json"});
  ASSERT_EQ(d.exit_code, 0) << d.Describe();
  nlohmann::json j = nlohmann::json::parse(d.out);
  EXPECT_EQ(j["series"], keys.size());
  EXPECT_EQ(j["frequency"], "W-FRI");
  EXPECT_EQ(j["exogenous"], nlohmann::json::array({"IsHoliday"}));
}

}  // namespace
}  // namespace retailcast::cli_test
