// The additive model against R prophet 1.0 with default settings on the same series: the
// same model and priors, so the means agree to the precision of the two optimisers (Stan's
// L-BFGS stops early, to about 0.3 %) and the 80 % interval widths to their Monte Carlo
// noise. Golden values from tests/models/additive_golden.R. changepoint_range is set to
// Prophet's 0.8 (our default is 0.85). The data files live in ../shared; the tests skip
// without them.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "retailcast/catalog/catalog.h"
#include "retailcast/core/model.h"
#include "retailcast/core/registry.h"

namespace retailcast {
namespace {

std::string PeerData(const std::string& file) {
  return std::string(RETAILCAST_SHARED_DIR) + "/peers/data/" + file;
}

// (date, y) rows of one series, sorted by date.
std::vector<std::pair<Date, double>> ReadRows(const std::string& path, std::string_view id) {
  std::ifstream in(path);
  std::string line;
  std::vector<std::pair<Date, double>> rows;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string uid, ds, y;
    std::getline(ss, uid, ',');
    std::getline(ss, ds, ',');
    std::getline(ss, y, ',');
    if (uid != id) continue;
    auto d = ParseDate(ds, DateFormat::kIso);
    if (d.ok()) rows.emplace_back(*d, std::stod(y));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

struct Golden {
  const char* file;
  const char* id;
  int h;
  Frequency freq;
  std::vector<int> steps;  // 1-based steps the values are for
  std::vector<double> yhat;
  std::vector<double> w80;
};

const std::vector<Golden>& Goldens() {
  static const std::vector<Golden> g = {
      {"walmart_store.csv",
       "store_01",
       13,
       Frequency::Weekly(Weekday::kFriday),
       {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
       {1546264.02, 1575967.41, 1612650.64, 1636147.84, 1622794.54, 1573648.28, 1524477.01,
        1515373.51, 1547470.63, 1578785.91, 1571305.57, 1538225.76, 1532989.87},
       {282639.50, 282285.67, 281516.02, 273229.08, 275700.25, 280418.18, 277123.83, 279051.86,
        279905.04, 271182.93, 282167.40, 282969.22, 301695.79}},
      {"walmart_store.csv",
       "store_02",
       13,
       Frequency::Weekly(Weekday::kFriday),
       {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
       {1830211.67, 1852830.68, 1888426.24, 1914229.03, 1889359.37, 1808100.02, 1726915.24,
        1714779.39, 1774336.86, 1832671.37, 1825211.22, 1777431.47, 1779983.93},
       {391530.97, 391040.82, 390112.05, 378697.05, 381828.57, 388669.36, 383893.69, 386923.20,
        387473.59, 375576.80, 390779.42, 392361.49, 416735.98}},
      // Daily with gaps (days without a row are missing values in our panel).
      {"prophet_daily.csv",
       "peyton_manning",
       60,
       Frequency::Daily(),
       {1, 10, 20, 30, 40, 50, 60},
       {8.069905, 8.199032, 7.910872, 8.262719, 8.022055, 8.376268, 8.480424},
       {1.237737, 1.224203, 1.184680, 1.258945, 1.229102, 1.262475, 1.236106}},
  };
  return g;
}

TEST(AdditiveGoldenTest, MatchesRProphet) {
  auto est = BuiltinRegistry().Create("additive", {{"changepoint_range", "0.8"}});
  ASSERT_TRUE(est.ok());
  for (const Golden& g : Goldens()) {
    const auto rows = ReadRows(PeerData(g.file), g.id);
    if (rows.empty()) GTEST_SKIP() << PeerData(g.file) << " is absent";
    const auto train = std::vector<std::pair<Date, double>>(rows.begin(), rows.end() - g.h);
    auto n = g.freq.StepsBetween(train.front().first, train.back().first);
    ASSERT_TRUE(n.ok());
    std::vector<double> y(static_cast<size_t>(*n + 1), std::numeric_limits<double>::quiet_NaN());
    for (const auto& [d, v] : train) {
      y[static_cast<size_t>(*g.freq.StepsBetween(train.front().first, d))] = v;
    }
    SeriesView s{g.id, train.front().first, g.freq, y};
    auto fit = (*est)->Fit(s);
    ASSERT_TRUE(fit.ok()) << fit.status().ToString();
    auto fc = (*fit)->Predict(PredictRequest{g.h, {80}});
    ASSERT_TRUE(fc.ok());
    for (size_t k = 0; k < g.steps.size(); ++k) {
      const auto t = static_cast<size_t>(g.steps[k] - 1);
      EXPECT_NEAR(fc->mean[t], g.yhat[k], 0.01 * std::abs(g.yhat[k])) << g.id << " h=" << t + 1;
      const double width = fc->upper[0][t] - fc->lower[0][t];
      EXPECT_NEAR(width / g.w80[k], 1.0, 0.25) << g.id << " h=" << t + 1;
    }
  }
}

}  // namespace
}  // namespace retailcast
