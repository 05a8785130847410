#include "retailcast/eval/backtest.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>
#include <vector>

#include "test_models.h"

namespace retailcast::eval {
namespace {

using testing::LastPlusSpec;
using testing::TestRegistry;

std::vector<ModelInstance> Models(std::vector<ModelSpec> specs) {
  auto m = InstantiateModels(TestRegistry(), specs);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

// y_t = t for series "lin" (length 20), so "last + offset 1" is exact and "flat" is off by
// 1..h; "short" has 7 points.
Panel LinearPanel() {
  Panel p(Frequency::Daily());
  std::vector<double> lin, shrt;
  for (int t = 0; t < 20; ++t) lin.push_back(t);
  for (int t = 0; t < 7; ++t) shrt.push_back(10 - t);
  p.AddSeries("lin", Date::FromYmd(2023, 1, 1), lin);
  p.AddSeries("short", Date::FromYmd(2023, 1, 1), shrt);
  return p;
}

BacktestOptions Opts(int h, int windows, int step = 0) {
  BacktestOptions o;
  o.horizon = h;
  o.windows = windows;
  o.step = step;
  o.season_length = 1;
  return o;
}

TEST(BacktestTest, CutoffsSkipsAndMetrics) {
  Panel p = LinearPanel();
  ThreadPool pool(2);
  auto models = Models({LastPlusSpec("flat", ""), LastPlusSpec("trend", "offset=1")});
  auto r = RunBacktest(p, models, Opts(3, 3, 2), pool);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->options.step, 2);
  // lin: cutoffs 20-3-4 = 13, 15, 17. short: 7-3-4 = 0 (skipped), 2, 4.
  ASSERT_EQ(r->skipped.size(), 1u);
  EXPECT_EQ(r->skipped[0].unique_id, "short");
  EXPECT_EQ(r->skipped[0].window, 0);
  EXPECT_NE(r->skipped[0].status.message().find("needs at least"), std::string::npos);
  ASSERT_EQ(r->records.size(), 3u * 2u + 2u * 2u);
  const BacktestRecord& first = r->records[0];
  EXPECT_EQ(first.series, 0u);
  EXPECT_EQ(first.window, 0);
  EXPECT_EQ(first.model, 0u);
  EXPECT_EQ(first.cutoff, Date::FromYmd(2023, 1, 13));  // 13 training days
  // flat forecasts 12 for actuals 13, 14, 15.
  EXPECT_DOUBLE_EQ(first.metrics.mae, 2.0);
  EXPECT_DOUBLE_EQ(first.metrics.mase, 2.0);  // lag-1 scale of a unit ramp is 1
  EXPECT_DOUBLE_EQ(r->records[1].metrics.mae, 0.0);
  EXPECT_EQ(r->records[1].model, 1u);
  EXPECT_EQ(r->records[2].window, 1);
  // Summaries.
  ASSERT_EQ(r->by_window.size(), 3u * 2u);
  EXPECT_EQ(r->by_window[0].metrics.n_series, 1);  // window 0: lin only
  EXPECT_EQ(r->by_window[2].metrics.n_series, 2);
  ASSERT_EQ(r->overall.size(), 2u);
  EXPECT_EQ(r->overall[0].model, "flat");
  EXPECT_EQ(r->overall[0].metrics.n_series, 5);
  // short declines by 1 a day: the upward trend misses by 2, 4, 6.
  EXPECT_DOUBLE_EQ(r->overall[1].metrics.mae, (0 + 0 + 0 + 4 + 4) / 5.0);
}

TEST(BacktestTest, NoRefitScoresSlicesOfOneForecastFromTheFirstCutoff) {
  Panel p = LinearPanel();
  ThreadPool pool(1);
  auto models = Models({LastPlusSpec("flat", "")});
  BacktestOptions o = Opts(2, 3);
  o.refit = false;
  auto r = RunBacktest(p, models, o, pool);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // lin cutoffs 14, 16, 18; the flat forecast from 14 is 13 everywhere.
  ASSERT_GE(r->records.size(), 3u);
  EXPECT_DOUBLE_EQ(r->records[0].metrics.mae, 1.5);  // actuals 14, 15
  EXPECT_DOUBLE_EQ(r->records[1].metrics.mae, 3.5);  // actuals 16, 17
  EXPECT_DOUBLE_EQ(r->records[2].metrics.mae, 5.5);  // actuals 18, 19
  o.refit = true;
  auto refit = RunBacktest(p, models, o, pool);
  ASSERT_TRUE(refit.ok());
  EXPECT_DOUBLE_EQ(refit->records[2].metrics.mae, 1.5);
}

TEST(BacktestTest, NanActualsAreExcludedAndCounted) {
  Panel p(Frequency::Daily());
  std::vector<double> y = {1, 2, 3, 4, 5, 6, NAN, 8, NAN, NAN};
  p.AddSeries("gappy", Date::FromYmd(2023, 1, 1), y);
  ThreadPool pool(1);
  auto r = RunBacktest(p, Models({LastPlusSpec("trend", "offset=1")}), Opts(2, 3), pool);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Windows: cutoffs 4, 6, 8. Window 2's actuals are all NaN -> skipped.
  ASSERT_EQ(r->skipped.size(), 1u);
  EXPECT_EQ(r->skipped[0].window, 2);
  EXPECT_NE(r->skipped[0].status.message().find("every actual"), std::string::npos);
  ASSERT_EQ(r->records.size(), 2u);
  EXPECT_EQ(r->records[1].metrics.n_nan_actual, 1);
  EXPECT_EQ(r->records[1].metrics.n_points, 1);
  EXPECT_DOUBLE_EQ(r->records[1].metrics.mae, 0.0);  // 6 + 2 = 8 at the known point
  EXPECT_EQ(r->overall[0].metrics.n_nan_actual, 1);
}

TEST(BacktestTest, BadOptions) {
  Panel p = LinearPanel();
  ThreadPool pool(1);
  auto models = Models({LastPlusSpec("flat", "")});
  auto code = [&](BacktestOptions o) { return RunBacktest(p, models, o, pool).status().code(); };
  EXPECT_EQ(code(Opts(0, 3)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Opts(2, 0)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Opts(2, 2, -1)), StatusCode::kInvalidArgument);
  BacktestOptions o = Opts(2, 2);
  o.levels = {120};
  EXPECT_EQ(code(o), StatusCode::kInvalidArgument);
  o = Opts(2, 2);
  o.metrics = {"MASE", "cov90"};
  auto bad_metric = RunBacktest(p, models, o, pool);
  EXPECT_EQ(bad_metric.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_metric.status().message().find("cov90"), std::string::npos);
  o = Opts(2, 2);
  o.price_column = "price";
  EXPECT_EQ(code(o), StatusCode::kInvalidArgument);
  o = Opts(2, 2);
  o.min_train_length = 0;
  EXPECT_EQ(code(o), StatusCode::kInvalidArgument);
  EXPECT_EQ(RunBacktest(p, {}, Opts(2, 2), pool).status().code(), StatusCode::kInvalidArgument);
  // Every window of every series too short: all skipped, nothing scored, no crash.
  auto r = RunBacktest(p, models, Opts(30, 2), pool);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->records.empty());
  EXPECT_EQ(r->skipped.size(), 4u);
  EXPECT_EQ(r->overall[0].metrics.n_series, 0);
  EXPECT_TRUE(std::isnan(r->overall[0].metrics.mase));
  EXPECT_NE(FormatBacktestTable(*r).find("4 (series, window) pairs skipped"), std::string::npos);
}

TEST(BacktestTest, ModelErrorsAreReportedOrFailTheRun) {
  Panel p = LinearPanel();
  ThreadPool pool(1);
  auto models = Models({LastPlusSpec("flat", ""), LastPlusSpec("picky", "min_length=15")});
  auto r = RunBacktest(p, models, Opts(2, 2), pool);
  ASSERT_TRUE(r.ok());
  // picky fails on "short" (both windows).
  ASSERT_EQ(r->errors.size(), 2u);
  EXPECT_EQ(r->errors[0].model, "picky");
  EXPECT_EQ(r->errors[0].unique_id, "short");
  EXPECT_EQ(r->overall[1].n_failed, 2);
  BacktestOptions o = Opts(2, 2);
  o.on_error = OnModelError::kFail;
  auto failed = RunBacktest(p, models, o, pool);
  EXPECT_EQ(failed.status().code(), StatusCode::kDataError);
  EXPECT_NE(failed.status().message().find("series 'short', window 0, model 'picky'"),
            std::string::npos);
}

TEST(BacktestTest, IdenticalOnOneAndTwoThreads) {
  Panel p(Frequency::Weekly(Weekday::kFriday));
  auto price = p.AddExogColumn("price");
  ASSERT_TRUE(price.ok());
  for (int i = 0; i < 40; ++i) {
    std::vector<double> y;
    for (int t = 0; t < 30 + (i * 7) % 25; ++t) y.push_back(50 + 10 * std::sin(0.5 * t + i) + i);
    size_t s = p.AddSeries("s" + std::to_string(i), Date::FromYmd(2020, 1, 3), y);
    auto pr = p.mutable_exog(*price, s);
    for (size_t t = 0; t < pr.size(); ++t) pr[t] = 1.0 + 0.01 * static_cast<double>(i + t);
  }
  auto models =
      Models({LastPlusSpec("flat", "spread=5"), LastPlusSpec("up", "offset=0.5,spread=9")});
  BacktestOptions o = Opts(4, 3);
  o.season_length = 0;  // weekly default 52 -> lag-1 fallback on these short series
  o.price_column = "price";
  ThreadPool one(1), two(2);
  auto a = RunBacktest(p, models, o, one);
  auto b = RunBacktest(p, models, o, two);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->options.season_length, 52);
  std::ostringstream ja, jb, ca, cb;
  ASSERT_TRUE(WriteBacktestJson(*a, ja).ok());
  ASSERT_TRUE(WriteBacktestJson(*b, jb).ok());
  ASSERT_TRUE(WriteBacktestRecordsCsv(*a, ca).ok());
  ASSERT_TRUE(WriteBacktestRecordsCsv(*b, cb).ok());
  EXPECT_EQ(ja.str(), jb.str());
  EXPECT_EQ(ca.str(), cb.str());
  EXPECT_GT(a->records.size(), 200u);
  EXPECT_TRUE(std::isfinite(a->overall[0].metrics.wrmsse));
}

TEST(BacktestTest, WritersTableAndSelection) {
  Panel p = LinearPanel();
  ThreadPool pool(1);
  auto models = Models({LastPlusSpec("flat", ""), LastPlusSpec("trend", "offset=1")});
  auto r = RunBacktest(p, models, Opts(2, 2), pool);
  ASSERT_TRUE(r.ok());

  std::ostringstream csv;
  ASSERT_TRUE(WriteBacktestRecordsCsv(*r, csv).ok());
  std::string first_line = csv.str().substr(0, csv.str().find('\n'));
  EXPECT_EQ(first_line.substr(0, 52), "unique_id,window,cutoff,model,n_points,n_nan_actual,");
  EXPECT_NE(first_line.find(",cov95"), std::string::npos);
  EXPECT_NE(csv.str().find("\nlin,0,2023-01-16,flat,2,0,"), std::string::npos);

  std::ostringstream sum;
  ASSERT_TRUE(WriteBacktestSummaryCsv(*r, sum).ok());
  EXPECT_NE(sum.str().find("\n,trend,4,0,"), std::string::npos);  // overall row
  EXPECT_NE(sum.str().find("WRMSSE"), std::string::npos);

  std::ostringstream js;
  ASSERT_TRUE(WriteBacktestJson(*r, js).ok());
  auto doc = nlohmann::json::parse(js.str());
  EXPECT_EQ(doc["overall"].size(), 2u);
  EXPECT_EQ(doc["records"].size(), r->records.size());
  EXPECT_EQ(doc["options"]["horizon"], 2);
  EXPECT_TRUE(doc["overall"][0]["MAPE"].is_number());

  // On "lin" alone the trend model is exact, so it is best in MASE.
  Panel lin_only(Frequency::Daily());
  lin_only.AddSeries("lin", p.start(0), p.values(0));
  auto lr = RunBacktest(lin_only, models, Opts(2, 2), pool);
  ASSERT_TRUE(lr.ok());
  std::string table = FormatBacktestTable(*lr);
  // Header, two model rows, footnote.
  std::istringstream lines(table);
  std::string header, flat, trend;
  std::getline(lines, header);
  std::getline(lines, flat);
  std::getline(lines, trend);
  EXPECT_NE(header.find("MASE"), std::string::npos);
  EXPECT_EQ(flat.substr(0, 4), "flat");
  EXPECT_EQ(trend.substr(0, 5), "trend");
  EXPECT_NE(trend.find("0.000*"), std::string::npos);
  EXPECT_EQ(header.size(), trend.size() + 0) << table;  // fixed width columns

  auto sel = SelectModels(*r, "MASE");
  ASSERT_TRUE(sel.ok());
  ASSERT_EQ(sel->choices.size(), 2u);
  EXPECT_EQ(sel->choices[0].unique_id, "lin");
  EXPECT_EQ(sel->choices[0].model, "trend");
  EXPECT_EQ(sel->choices[1].model, "flat");  // "short" declines: flat is closer
  EXPECT_EQ(sel->wins[0], (std::pair<std::string, int64_t>("flat", 1)));
  EXPECT_EQ(sel->wins[1], (std::pair<std::string, int64_t>("trend", 1)));
  EXPECT_NE(FormatSelectionSummary(*sel).find("50.0 %"), std::string::npos);
  std::ostringstream sc;
  ASSERT_TRUE(WriteSelectionCsv(*sel, sc).ok());
  EXPECT_EQ(sc.str().substr(0, 23), "unique_id,model,MASE\nli");
  EXPECT_EQ(SelectModels(*r, "WRMSSE").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SelectModels(*r, "nope").status().code(), StatusCode::kInvalidArgument);
  auto by_cov = SelectModels(*r, "cov80");
  ASSERT_TRUE(by_cov.ok());
}

TEST(BacktestTest, SelectionSkipsModelsMissingAWindowAndReportsUnselected) {
  Panel p = LinearPanel();
  std::vector<double> none = {1};
  p.AddSeries("tiny", Date::FromYmd(2023, 1, 1), none);
  ThreadPool pool(1);
  // "picky" fits lin at every cutoff but "short" at none; flat fits everything.
  auto models = Models({LastPlusSpec("picky", "offset=1,min_length=15"), LastPlusSpec("flat", "")});
  auto r = RunBacktest(p, models, Opts(2, 2), pool);
  ASSERT_TRUE(r.ok());
  auto sel = SelectModels(*r, "MAE");
  ASSERT_TRUE(sel.ok());
  ASSERT_EQ(sel->choices.size(), 2u);
  EXPECT_EQ(sel->choices[0].model, "picky");
  EXPECT_EQ(sel->choices[1].unique_id, "short");
  EXPECT_EQ(sel->choices[1].model, "flat");
  ASSERT_EQ(sel->unselected.size(), 1u);
  EXPECT_EQ(sel->unselected[0].unique_id, "tiny");
}

}  // namespace
}  // namespace retailcast::eval
