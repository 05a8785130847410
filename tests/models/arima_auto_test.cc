// Order selection: auto_arima picks the model R forecast 8.20's auto.arima() picks, on the two
// datasets of the accuracy targets (the training parts of the shared peers split: every series
// minus its last h values): R's 8 monthly series (h = 12, m = 12) and the 45 Walmart stores
// (h = 13, m = 52). The expected orders, AICc and seasonal strengths were printed by
// tests/models/arima_orders.R (auto.arima(ts(y, frequency = m)) per series). The data come
// from ../shared/peers/data; the tests skip when it is absent.
//
// Tolerances: the seasonal strength (STL) is the same arithmetic as R's, 1e-9. The AICc of
// differenced models differs from R's by R's finite diffuse prior (see arima_golden_test.cc):
// within 0.02.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/arima/arima_auto.h"
#include "models/stl/seasonal_strength.h"

namespace retailcast {
namespace {

using models::arima::ArimaOrder;

struct Expected {
  std::string id;
  ArimaOrder order;
  bool constant;  // drift or mean
  double aicc;
  double seasonal_strength;
};

const std::vector<Expected> kMonthly = {
    {"AirPassengers",
     {1, 1, 0, 0, 1, 0, 12},
     false,
     900.0055727,
     0.928998239704249},  // ARIMA(1,1,0)(0,1,0)[12]
    {"co2",
     {1, 1, 1, 1, 1, 2, 12},
     false,
     167.474353,
     0.98999356383436},  // ARIMA(1,1,1)(1,1,2)[12]
    {"gas",
     {1, 1, 5, 0, 1, 1, 12},
     false,
     7912.189327,
     0.941802862414928},  // ARIMA(1,1,5)(0,1,1)[12]
    {"ldeaths",
     {0, 0, 2, 1, 1, 0, 12},
     true,
     694.7447037,
     0.883558064008804},  // ARIMA(0,0,2)(1,1,0)[12] with drift
    {"nottem",
     {1, 0, 2, 1, 1, 2, 12},
     true,
     997.6029516,
     0.952025399157173},  // ARIMA(1,0,2)(1,1,2)[12] with drift
    {"UKDriverDeaths",
     {1, 1, 2, 0, 1, 1, 12},
     false,
     2142.558055,
     0.806593334454507},  // ARIMA(1,1,2)(0,1,1)[12]
    {"USAccDeaths",
     {0, 1, 1, 0, 1, 1, 12},
     false,
     690.100002,
     0.938565656220914},  // ARIMA(0,1,1)(0,1,1)[12]
    {"wineind",
     {0, 1, 1, 0, 1, 2, 12},
     false,
     2781.30845,
     0.890629266631564},  // ARIMA(0,1,1)(0,1,2)[12]
};
const std::vector<Expected> kWalmart = {
    {"store_01",
     {2, 1, 1, 0, 1, 0, 52},
     false,
     1939.585629,
     0.945929938120116},  // ARIMA(2,1,1)(0,1,0)[52]
    {"store_02",
     {1, 1, 2, 0, 1, 0, 52},
     false,
     1979.094502,
     0.96530870167937},  // ARIMA(1,1,2)(0,1,0)[52]
    {"store_03",
     {1, 1, 1, 0, 1, 0, 52},
     false,
     1774.665184,
     0.916232989450864},  // ARIMA(1,1,1)(0,1,0)[52]
    {"store_04",
     {2, 0, 0, 0, 1, 0, 52},
     true,
     1995.417827,
     0.967365368209543},  // ARIMA(2,0,0)(0,1,0)[52] with drift
    {"store_05",
     {0, 1, 1, 0, 1, 0, 52},
     false,
     1731.745472,
     0.940429462960867},  // ARIMA(0,1,1)(0,1,0)[52]
    {"store_06",
     {0, 1, 1, 0, 1, 0, 52},
     false,
     1959.851147,
     0.963379536662729},  // ARIMA(0,1,1)(0,1,0)[52]
    {"store_07",
     {1, 0, 0, 0, 1, 0, 52},
     true,
     1844.317662,
     0.969940656045101},  // ARIMA(1,0,0)(0,1,0)[52] with drift
    {"store_08",
     {1, 0, 0, 0, 1, 0, 52},
     true,
     1862.950036,
     0.962213904430226},  // ARIMA(1,0,0)(0,1,0)[52] with drift
    {"store_09",
     {3, 0, 0, 0, 1, 0, 52},
     true,
     1808.10243,
     0.949166837345385},  // ARIMA(3,0,0)(0,1,0)[52] with drift
    {"store_10",
     {1, 1, 1, 0, 1, 0, 52},
     false,
     2003.859752,
     0.968972225567404},  // ARIMA(1,1,1)(0,1,0)[52]
    {"store_11",
     {3, 1, 1, 0, 1, 0, 52},
     false,
     1947.81534,
     0.952555626928392},  // ARIMA(3,1,1)(0,1,0)[52]
    {"store_12",
     {0, 1, 1, 0, 1, 0, 52},
     false,
     1892.599724,
     0.963075410798441},  // ARIMA(0,1,1)(0,1,0)[52]
    {"store_13",
     {1, 1, 1, 0, 1, 0, 52},
     false,
     1987.880165,
     0.964442104801989},  // ARIMA(1,1,1)(0,1,0)[52]
    {"store_14",
     {2, 0, 0, 0, 1, 0, 52},
     true,
     2114.12723,
     0.87668673136973},  // ARIMA(2,0,0)(0,1,0)[52] with drift
    {"store_15",
     {1, 0, 0, 0, 1, 0, 52},
     true,
     1898.839543,
     0.96335115444957},  // ARIMA(1,0,0)(0,1,0)[52] with drift
    {"store_16",
     {0, 0, 0, 0, 1, 0, 52},
     true,
     1826.224269,
     0.968457088089021},  // ARIMA(0,0,0)(0,1,0)[52] with drift
    {"store_17",
     {0, 1, 1, 0, 1, 0, 52},
     false,
     1873.265011,
     0.944083079814928},  // ARIMA(0,1,1)(0,1,0)[52]
    {"store_18",
     {0, 1, 1, 0, 1, 0, 52},
     false,
     1982.875661,
     0.923875827249265},  // ARIMA(0,1,1)(0,1,0)[52]
    {"store_19",
     {0, 1, 1, 0, 1, 0, 52},
     false,
     1966.048662,
     0.954599463396077},  // ARIMA(0,1,1)(0,1,0)[52]
    {"store_20",
     {0, 0, 0, 0, 1, 0, 52},
     true,
     2076.861883,
     0.927772768712899},  // ARIMA(0,0,0)(0,1,0)[52] with drift
    {"store_21",
     {1, 1, 1, 0, 1, 0, 52},
     false,
     1902.060287,
     0.955838505401793},  // ARIMA(1,1,1)(0,1,0)[52]
    {"store_22",
     {0, 1, 1, 0, 1, 0, 52},
     false,
     1943.832957,
     0.954121157905509},  // ARIMA(0,1,1)(0,1,0)[52]
    {"store_23",
     {0, 1, 1, 0, 1, 0, 52},
     false,
     2018.056123,
     0.942810875889123},  // ARIMA(0,1,1)(0,1,0)[52]
    {"store_24",
     {1, 1, 1, 0, 1, 0, 52},
     false,
     1975.647444,
     0.933087085615568},  // ARIMA(1,1,1)(0,1,0)[52]
    {"store_25",
     {2, 1, 1, 0, 1, 0, 52},
     false,
     1862.939192,
     0.966323778140096},  // ARIMA(2,1,1)(0,1,0)[52]
    {"store_26",
     {1, 1, 1, 0, 1, 0, 52},
     false,
     1887.697386,
     0.945297929837212},  // ARIMA(1,1,1)(0,1,0)[52]
    {"store_27",
     {0, 0, 0, 0, 1, 0, 52},
     true,
     2063.516121,
     0.915716299287634},  // ARIMA(0,0,0)(0,1,0)[52] with drift
    {"store_28",
     {0, 0, 0, 0, 1, 0, 52},
     false,
     2014.164392,
     0.905256591469547},  // ARIMA(0,0,0)(0,1,0)[52]
    {"store_29",
     {0, 0, 1, 0, 1, 0, 52},
     false,
     1886.05186,
     0.952629153760236},  // ARIMA(0,0,1)(0,1,0)[52]
    {"store_30",
     {2, 1, 0, 0, 1, 0, 52},
     false,
     1733.019582,
     0.69382167800631},  // ARIMA(2,1,0)(0,1,0)[52]
    {"store_31",
     {2, 1, 1, 0, 1, 0, 52},
     false,
     1887.541199,
     0.951856417290404},  // ARIMA(2,1,1)(0,1,0)[52]
    {"store_32",
     {1, 0, 0, 0, 1, 0, 52},
     true,
     1895.474469,
     0.97205992277601},  // ARIMA(1,0,0)(0,1,0)[52] with drift
    {"store_33",
     {3, 1, 0, 0, 1, 0, 52},
     false,
     1682.389797,
     0.826524424699669},  // ARIMA(3,1,0)(0,1,0)[52]
    {"store_34",
     {0, 0, 1, 0, 1, 0, 52},
     true,
     1878.265324,
     0.963011883963496},  // ARIMA(0,0,1)(0,1,0)[52] with drift
    {"store_35",
     {1, 1, 2, 0, 1, 0, 52},
     false,
     1983.267652,
     0.922124697088395},  // ARIMA(1,1,2)(0,1,0)[52]
    {"store_36",
     {1, 0, 1, 0, 1, 0, 52},
     true,
     1761.342783,
     0.708190127202186},  // ARIMA(1,0,1)(0,1,0)[52] with drift
    {"store_37",
     {1, 0, 0, 0, 1, 0, 52},
     true,
     1736.738453,
     0.845348005638438},  // ARIMA(1,0,0)(0,1,0)[52] with drift
    {"store_38",
     {1, 1, 2, 0, 1, 0, 52},
     false,
     1733.295413,
     0.792193395535705},  // ARIMA(1,1,2)(0,1,0)[52]
    {"store_39",
     {0, 1, 1, 0, 1, 0, 52},
     false,
     1958.934002,
     0.961134765376124},  // ARIMA(0,1,1)(0,1,0)[52]
    {"store_40",
     {1, 1, 1, 0, 1, 0, 52},
     false,
     1899.329828,
     0.942865111164446},  // ARIMA(1,1,1)(0,1,0)[52]
    {"store_41",
     {0, 0, 0, 0, 1, 0, 52},
     true,
     1924.510654,
     0.970490081617305},  // ARIMA(0,0,0)(0,1,0)[52] with drift
    {"store_42",
     {0, 0, 1, 0, 1, 0, 52},
     true,
     1751.244618,
     0.943225999604394},  // ARIMA(0,0,1)(0,1,0)[52] with drift
    {"store_43",
     {1, 1, 1, 0, 1, 0, 52},
     false,
     1802.561033,
     0.676957210160267},  // ARIMA(1,1,1)(0,1,0)[52]
    {"store_44",
     {0, 1, 1, 0, 1, 0, 52},
     false,
     1666.157094,
     0.828214695555427},  // ARIMA(0,1,1)(0,1,0)[52]
    {"store_45",
     {2, 0, 0, 0, 1, 0, 52},
     false,
     1934.038431,
     0.952204066859656},  // ARIMA(2,0,0)(0,1,0)[52]
};

// Series of a long CSV unique_id,ds,y (ISO dates), each minus its last `h` values.
std::map<std::string, std::vector<double>> ReadTraining(const std::string& path, size_t h) {
  std::ifstream in(path);
  std::map<std::string, std::vector<std::pair<std::string, double>>> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string uid, ds, y;
    std::getline(ss, uid, ',');
    std::getline(ss, ds, ',');
    std::getline(ss, y, ',');
    rows[uid].emplace_back(ds, std::stod(y));
  }
  std::map<std::string, std::vector<double>> out;
  for (auto& [uid, r] : rows) {
    std::sort(r.begin(), r.end());
    std::vector<double> y;
    for (size_t i = 0; i + h < r.size(); ++i) y.push_back(r[i].second);
    out[uid] = std::move(y);
  }
  return out;
}

void CheckDataset(const std::string& file, size_t h, int m, const std::vector<Expected>& expected) {
  const std::string path = std::string(RETAILCAST_SHARED_DIR) + "/peers/data/" + file;
  const auto series = ReadTraining(path, h);
  if (series.empty()) GTEST_SKIP() << path << " is absent";
  int agree = 0;
  for (const Expected& e : expected) {
    auto it = series.find(e.id);
    ASSERT_NE(it, series.end()) << e.id;
    const std::vector<double>& y = it->second;
    EXPECT_NEAR(models::SeasonalStrength(y, m), e.seasonal_strength, 1e-9) << e.id;
    auto r = models::arima::AutoArima(y, m, {}, models::arima::AutoArimaOptions{});
    ASSERT_TRUE(r.ok()) << e.id << ": " << r.status().ToString();
    const bool constant = r->fit.has_drift || r->fit.has_intercept;
    EXPECT_EQ(r->fit.order.ToString(), e.order.ToString()) << e.id;
    EXPECT_EQ(constant, e.constant) << e.id;
    if (r->fit.order == e.order && constant == e.constant) {
      ++agree;
      EXPECT_NEAR(r->criteria.aicc, e.aicc, 0.02) << e.id;
    }
  }
  EXPECT_EQ(agree, static_cast<int>(expected.size()));
}

TEST(AutoArimaOrderTest, MonthlySeriesAsR) { CheckDataset("r_monthly.csv", 12, 12, kMonthly); }

TEST(AutoArimaOrderTest, WalmartStoresAsR) { CheckDataset("walmart_store.csv", 13, 52, kWalmart); }

}  // namespace
}  // namespace retailcast
