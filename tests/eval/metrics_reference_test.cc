// Our metrics must equal those of the reference scorer ../shared/peers/metrics.py on the same
// forecasts. The test writes a long CSV and a forecast CSV, runs metrics.py `score` on them,
// and compares every aggregate it reports to ours (relative 1e-9).
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "retailcast/catalog/catalog.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast/eval/metrics.h"

namespace retailcast::eval {
namespace {

namespace fs = std::filesystem;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* const kMetricsPy = RETAILCAST_SHARED_DIR "/peers/metrics.py";

// Why the reference cannot run here, or "" when it can.
std::string ReferenceUnavailable() {
  if (!fs::exists(kMetricsPy)) return std::string(kMetricsPy) + " is absent (no ../shared)";
  if (!fs::exists("/usr/bin/python3")) return "/usr/bin/python3 is absent";
  if (std::system("/usr/bin/python3 -c 'import pandas, numpy' >/dev/null 2>&1") != 0) {
    return "python3 pandas/numpy are not installed";
  }
  return "";
}

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) {
    path =
        fs::temp_directory_path() / ("retailcast_eval_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string Num(double v) {
  if (std::isnan(v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// One series: id, dates, all values (train then the h test values).
struct RefSeries {
  std::string id;
  std::vector<std::string> ds;
  std::vector<double> y;
};

// One model's forecast of one series for its h test dates.
struct RefForecast {
  std::string series;
  std::string model;
  Forecast fc;  // levels {80, 95}
};

// Runs metrics.py score and returns the parsed report.
nlohmann::json RunReference(const fs::path& dir, const std::vector<RefSeries>& data,
                            const std::vector<RefForecast>& forecasts, int h, int m) {
  {
    std::ofstream out(dir / "data.csv");
    out << "unique_id,ds,y\n";
    for (const auto& s : data) {
      for (size_t t = 0; t < s.y.size(); ++t)
        out << s.id << ',' << s.ds[t] << ',' << Num(s.y[t]) << '\n';
    }
  }
  {
    std::ofstream out(dir / "fc.csv");
    out << "unique_id,ds,model,yhat,lo80,hi80,lo95,hi95\n";
    for (const auto& f : forecasts) {
      const RefSeries* s = nullptr;
      for (const auto& d : data) {
        if (d.id == f.series) s = &d;
      }
      for (int t = 0; t < h; ++t) {
        size_t pos = s->y.size() - static_cast<size_t>(h) + static_cast<size_t>(t);
        out << f.series << ',' << s->ds[pos] << ',' << f.model << ',' << Num(f.fc.mean[t]) << ','
            << Num(f.fc.lower[0][t]) << ',' << Num(f.fc.upper[0][t]) << ',' << Num(f.fc.lower[1][t])
            << ',' << Num(f.fc.upper[1][t]) << '\n';
      }
    }
  }
  std::string cmd = "/usr/bin/python3 " + std::string(kMetricsPy) + " score --data " +
                    (dir / "data.csv").string() + " --h " + std::to_string(h) + " --season " +
                    std::to_string(m) + " --forecasts ours=" + (dir / "fc.csv").string() +
                    " --out " + (dir / "report.json").string() + " >" + (dir / "log.txt").string() +
                    " 2>&1";
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << "metrics.py failed; see " << (dir / "log.txt");
  std::ifstream in(dir / "report.json");
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

// Our aggregate per model, scoring exactly what metrics.py scores (series with a complete
// forecast, train = all but the last h values).
std::map<std::string, AggregateMetrics> OurScores(const std::vector<RefSeries>& data,
                                                  const std::vector<RefForecast>& forecasts, int h,
                                                  int m) {
  std::map<std::string, std::vector<SeriesMetrics>> per_model;
  for (const auto& f : forecasts) {
    for (const auto& s : data) {
      if (s.id != f.series) continue;
      std::span<const double> y = s.y;
      ScoreInput in;
      in.train = y.first(y.size() - static_cast<size_t>(h));
      in.actual = y.last(static_cast<size_t>(h));
      in.forecast = &f.fc;
      auto r = ScoreSeries(in, m);
      if (r.ok()) per_model[f.model].push_back(*r);
    }
  }
  std::map<std::string, AggregateMetrics> out;
  for (auto& [model, v] : per_model) out[model] = *Aggregate(v);
  return out;
}

void ExpectMatches(const nlohmann::json& report,
                   const std::map<std::string, AggregateMetrics>& ours) {
  ASSERT_TRUE(report.is_object()) << "no JSON report from metrics.py";
  ASSERT_EQ(report["models"].size(), ours.size());
  for (const auto& rm : report["models"]) {
    std::string model = rm["model"].get<std::string>();
    SCOPED_TRACE("model " + model);
    ASSERT_TRUE(ours.count(model));
    const AggregateMetrics& a = ours.at(model);
    EXPECT_EQ(rm["n_series"].get<int64_t>(), a.n_series);
    for (const char* name :
         {"MASE", "sMAPE", "RMSE", "MAE", "cov80", "cov95", "MSIS", "RMSSE", "WRMSSE", "SPL"}) {
      SCOPED_TRACE(name);
      double mine = MetricValue(a, name);
      const auto& ref = rm[name];
      if (ref.is_null()) {
        EXPECT_TRUE(std::isnan(mine)) << "ours " << mine << ", reference null";
        continue;
      }
      double r = ref.get<double>();
      EXPECT_NEAR(mine, r, 1e-9 * std::max(1.0, std::abs(r)));
    }
    EXPECT_NEAR(a.mase_median, rm["MASE_median"].get<double>(), 1e-9);
  }
}

std::vector<std::string> MonthlyDates(int n) {
  std::vector<std::string> ds;
  for (int t = 0; t < n; ++t) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-01", 2015 + t / 12, t % 12 + 1);
    ds.emplace_back(buf);
  }
  return ds;
}

Forecast Interval(std::vector<double> mean, double w80, double w95) {
  Forecast f;
  f.levels = {80, 95};
  f.lower.resize(2);
  f.upper.resize(2);
  for (double v : mean) {
    f.lower[0].push_back(v - w80);
    f.upper[0].push_back(v + w80);
    f.lower[1].push_back(v - w95);
    f.upper[1].push_back(v + w95);
  }
  f.mean = std::move(mean);
  return f;
}

TEST(MetricsReferenceTest, SyntheticForecastsEqualMetricsPy) {
  std::string why = ReferenceUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  TempDir dir("synthetic");
  const int h = 4, m = 4;
  std::vector<RefSeries> data;
  // a: seasonal with noise, long enough for the lag-m scale.
  RefSeries a{"a", MonthlyDates(20), {}};
  for (int t = 0; t < 20; ++t)
    a.y.push_back(10 + 3 * ((t % 4) - 1.5) + 0.37 * t + 0.9 * std::sin(1.7 * t));
  // b: training part shorter than 2m -> lag-1 fallback; zeros in the test part.
  RefSeries b{"b", MonthlyDates(10), {5, 7, 6, 9, 8, 0, 0, 3, 0, 4}};
  // c: perfectly periodic training part -> seasonal scale 0 -> lag-1 fallback.
  RefSeries c{"c", MonthlyDates(16), {1, 5, 2, 8, 1, 5, 2, 8, 1, 5, 2, 8, 1, 6, 2, 7}};
  // d: constant training part -> every scale 0 -> MASE, MSIS, RMSSE, SPL undefined.
  RefSeries d{"d", MonthlyDates(12), {4, 4, 4, 4, 4, 4, 4, 4, 5, 3, 4, 6}};
  // e: not forecast by model "noint" -> missing for it.
  RefSeries e{"e", MonthlyDates(14), {}};
  for (int t = 0; t < 14; ++t) e.y.push_back(100.0 + 13 * std::cos(0.9 * t));
  data = {a, b, c, d, e};

  std::vector<RefForecast> fcs;
  auto tail = [&](const RefSeries& s, double shift) {
    std::vector<double> v(s.y.end() - h, s.y.end());
    for (size_t t = 0; t < v.size(); ++t)
      v[t] = v[t] * 0.93 + shift + 0.41 * static_cast<double>(t);
    return v;
  };
  fcs.push_back({"a", "withint", Interval(tail(a, 0.5), 1.1, 2.3)});
  fcs.push_back({"b", "withint", Interval(tail(b, 0.0), 0.7, 5.0)});
  fcs.push_back({"c", "withint", Interval(tail(c, -0.4), 1.0, 1.9)});
  fcs.push_back({"d", "withint", Interval(tail(d, 0.2), 0.3, 0.6)});
  fcs.push_back({"e", "withint", Interval(tail(e, 3.0), 2.0, 9.0)});
  for (const auto& s : {a, b, c, d}) {
    Forecast f = Interval(tail(s, 1.3), kNaN, kNaN);  // a model without intervals
    fcs.push_back({s.id, "noint", f});
  }
  // b's zero actuals with a zero forecast give sMAPE 0/0 points.
  fcs.push_back({"b", "zeros", Interval({0, 0, 0, 0}, 1, 2)});
  fcs.push_back({"a", "zeros", Interval(tail(a, 0), 1, 2)});

  nlohmann::json report = RunReference(dir.path, data, fcs, h, m);
  ExpectMatches(report, OurScores(data, fcs, h, m));
}

// Real data: Walmart store sales (45 stores x 143 weeks), seasonal naive forecasts of the
// last 13 weeks made by our snaive.
TEST(MetricsReferenceTest, WalmartSnaiveEqualsMetricsPy) {
  std::string why = ReferenceUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  const std::string path = RETAILCAST_SHARED_DIR "/peers/data/walmart_store.csv";
  if (!fs::exists(path)) GTEST_SKIP() << path << " is absent";
  const int h = 13, m = 52;
  std::vector<RefSeries> data;
  {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    ASSERT_EQ(line, "unique_id,ds,y");
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string id, ds, y;
      std::getline(ls, id, ',');
      std::getline(ls, ds, ',');
      std::getline(ls, y, ',');
      if (data.empty() || data.back().id != id) data.push_back(RefSeries{id, {}, {}});
      data.back().ds.push_back(ds);
      data.back().y.push_back(std::strtod(y.c_str(), nullptr));
    }
  }
  ASSERT_EQ(data.size(), 45u);
  // Panel of the training parts (the file is sorted by store and date, weekly on Fridays).
  Panel train(Frequency::Weekly(Weekday::kFriday));
  for (const auto& s : data) {
    auto start = ParseDate(s.ds[0], DateFormat::kIso);
    ASSERT_TRUE(start.ok());
    std::span<const double> y = s.y;
    train.AddSeries(s.id, *start, y.first(y.size() - h));
  }
  auto specs = MakeModelSpecs(BuiltinRegistry(), "snaive", m);
  ASSERT_TRUE(specs.ok()) << specs.status().ToString();
  auto models = InstantiateModels(BuiltinRegistry(), *specs);
  ASSERT_TRUE(models.ok()) << models.status().ToString();
  ThreadPool pool(2);
  ForecastOptions opt;
  opt.request = {h, {80, 95}};
  auto run = ForecastPanel(train, *models, opt, pool);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_TRUE(run->errors.empty());
  ASSERT_EQ(run->table.size(), 45u * h);
  std::vector<RefForecast> fcs;
  for (size_t i = 0; i < data.size(); ++i) {
    RefForecast f{data[i].id, "snaive", {}};
    f.fc.levels = {80, 95};
    f.fc.lower.resize(2);
    f.fc.upper.resize(2);
    for (int t = 0; t < h; ++t) {
      const auto row = run->table.rows()[i * h + static_cast<size_t>(t)];
      ASSERT_EQ(row.unique_id, data[i].id);
      // Our dates are the file's test dates.
      ASSERT_EQ(row.ds.ToString(), data[i].ds[data[i].ds.size() - h + static_cast<size_t>(t)]);
      f.fc.mean.push_back(row.yhat);
      for (int l = 0; l < 2; ++l) {
        f.fc.lower[static_cast<size_t>(l)].push_back(row.lo(static_cast<size_t>(l)));
        f.fc.upper[static_cast<size_t>(l)].push_back(row.hi(static_cast<size_t>(l)));
      }
    }
    fcs.push_back(std::move(f));
  }
  TempDir dir("walmart");
  nlohmann::json report = RunReference(dir.path, data, fcs, h, m);
  auto ours = OurScores(data, fcs, h, m);
  ExpectMatches(report, ours);
  // Sanity: snaive on weekly store sales is a reasonable model, not a degenerate one.
  EXPECT_GT(ours["snaive"].mase, 0.1);
  EXPECT_LT(ours["snaive"].mase, 5.0);
}

}  // namespace
}  // namespace retailcast::eval
