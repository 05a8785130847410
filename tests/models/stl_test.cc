// STL / MSTL against R 4.2.2 stats::stl and forecast 8.20's mstl() and forecast.mstl(), and
// the mstl model's contract-level behaviour (components, errors, save/load).
#include "models/stl/stl.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "retailcast/catalog/catalog.h"
#include "retailcast/core/serialize.h"
#include "retailcast/models/mstl.h"

namespace retailcast {
namespace {

const std::vector<double> kAirPassengers = {
    112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, 115, 126, 141, 135, 125, 149,
    170, 170, 158, 133, 114, 140, 145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166,
    171, 180, 193, 181, 183, 218, 230, 242, 209, 191, 172, 194, 196, 196, 236, 235, 229, 243,
    264, 272, 237, 211, 180, 201, 204, 188, 235, 227, 234, 264, 302, 293, 259, 229, 203, 229,
    242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278, 284, 277, 317, 313, 318, 374,
    413, 405, 355, 306, 271, 306, 315, 301, 356, 348, 355, 422, 465, 467, 404, 347, 305, 336,
    340, 318, 362, 348, 363, 435, 491, 505, 404, 359, 310, 337, 360, 342, 406, 396, 420, 472,
    548, 559, 463, 407, 362, 405, 417, 391, 419, 461, 472, 535, 622, 606, 508, 461, 390, 432};

// The first 50 months of R's USAccDeaths.
const std::vector<double> kUsAccDeaths50 = {
    9007, 8106, 8928, 9137,  10017, 10826, 11317, 10744, 9713, 9938, 9161, 8927, 7750,
    6981, 8038, 8422, 8714,  9512,  10120, 9823,  8743,  9129, 8710, 8680, 8162, 7306,
    8124, 7870, 9387, 9556,  10093, 9620,  8285,  8466,  8160, 8034, 7717, 7461, 7767,
    7925, 8623, 8945, 10078, 9179,  8037,  8488,  7874,  8647, 7792, 6957};

// Values at 1-based positions `at` of `v` equal `want` to relative `tol`.
void ExpectAt(const std::vector<double>& v, const std::vector<int>& at,
              const std::vector<double>& want, double tol, const std::string& what) {
  ASSERT_EQ(at.size(), want.size());
  for (size_t k = 0; k < at.size(); ++k) {
    const double got = v[static_cast<size_t>(at[k] - 1)];
    EXPECT_NEAR(got, want[k], tol * std::max(1.0, std::abs(want[k]))) << what << " at " << at[k];
  }
}

TEST(StlTest, MatchesRStl) {
  // stl(ts(AirPassengers, frequency = 12), s.window = 11)
  models::StlOptions o;
  o.period = 12;
  o.s_window = 11;
  models::StlResult r = models::Stl(kAirPassengers, o);
  const std::vector<int> at = {1, 2, 70, 143, 144};
  ExpectAt(r.seasonal, at,
           {-16.977074086370799, -17.177633337161438, -21.711005310157383, -75.59463425509098,
            -44.196324978950329},
           1e-10, "seasonal");
  ExpectAt(r.trend, at,
           {123.14505692808632, 123.72506923990018, 251.16230836111737, 493.138373702536,
            496.68325402519497},
           1e-10, "trend");
  for (size_t t = 0; t < kAirPassengers.size(); ++t) {
    EXPECT_NEAR(r.seasonal[t] + r.trend[t] + r.remainder[t], kAirPassengers[t], 1e-9);
  }
}

TEST(StlTest, MatchesRRobustStl) {
  // stl(ts(AirPassengers, frequency = 12), s.window = 7, robust = TRUE, outer = 5)
  models::StlOptions o;
  o.period = 12;
  o.s_window = 7;
  o.robust = true;
  o.outer = 5;
  models::StlResult r = models::Stl(kAirPassengers, o);
  ExpectAt(r.seasonal, {1, 70, 144}, {-13.317669398820678, -20.522287841792654, -39.29721307285282},
           1e-9, "seasonal");
  ExpectAt(r.trend, {1, 70, 144}, {122.81986677926966, 251.5972500606066, 501.61123591160424}, 1e-9,
           "trend");
  // R's default 15 robustness passes: the two agree to 1e-9 up to the 7th pass, then drift
  // apart by up to 4e-4 relative (a bisquare weight at its cut-off flips on a rounding
  // difference and the later passes amplify it).
  o.outer = -1;
  models::StlResult full = models::Stl(kAirPassengers, o);
  ExpectAt(full.seasonal, {1, 70, 144},
           {-13.289400462928546, -20.307341820064643, -38.58365736374742}, 1e-3, "seasonal");
  ExpectAt(full.trend, {1, 70, 144}, {122.87761346524707, 251.56965286923943, 500.28800953857211},
           1e-4, "trend");
}

TEST(StlTest, MatchesRStlOnAShortSeries) {
  // stl(ts(USAccDeaths[1:50], frequency = 12), s.window = 11): the loess windows are wider
  // than the subseries, which exercises the span > n branch.
  models::StlOptions o;
  o.period = 12;
  o.s_window = 11;
  models::StlResult r = models::Stl(kUsAccDeaths50, o);
  ExpectAt(r.seasonal, {1, 25, 50}, {-862.22353177317461, -828.53639765226364, -1462.2593471971736},
           1e-9, "seasonal");
}

TEST(StlTest, MstlMatchesRMstl) {
  // mstl(msts(AirPassengers, seasonal.periods = c(3, 12)))
  models::MstlResult r = models::Mstl(kAirPassengers, {12, 3});
  ASSERT_EQ(r.periods, (std::vector<int>{3, 12}));
  ExpectAt(r.trend, {1, 70, 144}, {123.49873881666497, 251.00824838416673, 498.1619201837554}, 1e-9,
           "trend");
  ExpectAt(r.seasonal[0], {1, 70, 144},
           {0.18494230080300225, 5.1409625979254967, -0.47500727663924469}, 1e-8, "seasonal3");
  ExpectAt(r.seasonal[1], {1, 70, 144},
           {-20.213676386085996, -24.609165226689765, -45.44946542189426}, 1e-9, "seasonal12");
}

TEST(StlTest, MstlDropsPeriodsOfHalfTheSeriesOrMore) {
  models::MstlResult r = models::Mstl(
      std::vector<double>(kAirPassengers.begin(), kAirPassengers.begin() + 30), {12, 15});
  EXPECT_EQ(r.periods, (std::vector<int>{12}));
  models::MstlResult none = models::Mstl(std::vector<double>{1, 2, 3, 4, 5}, {12});
  EXPECT_TRUE(none.periods.empty());
  EXPECT_EQ(none.trend, (std::vector<double>{1, 2, 3, 4, 5}));
}

Result<std::unique_ptr<Estimator>> MakeMstl(
    const std::vector<std::pair<std::string, std::string>>& kv) {
  RETAILCAST_ASSIGN_OR_RETURN(ParamValues p,
                              ParseParams(models::MstlParamTable().Spec(), kv, "model 'mstl'"));
  return models::MakeMstl(p, BuiltinRegistry());
}

SeriesView Monthly(const std::vector<double>& y) {
  return SeriesView{"ap", Date::FromYmd(1949, 1, 1), Frequency::Monthly(), y};
}

TEST(MstlModelTest, NaiveAdjustedForecastMatchesRForecastMstl) {
  // forecast(mstl(ts(AirPassengers, frequency = 12)), method = "naive", h = 5)
  auto est = MakeMstl({{"trend_model", "naive"}, {"season_length", "12"}});
  ASSERT_TRUE(est.ok()) << est.status().ToString();
  auto fit = (*est)->Fit(Monthly(kAirPassengers));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  auto fc = (*fit)->Predict(PredictRequest{5, {80, 95}});
  ASSERT_TRUE(fc.ok());
  const std::vector<int> all = {1, 2, 3, 4, 5};
  ExpectAt(fc->mean, all,
           {443.50906714777824, 424.99728629021467, 465.93858759214817, 463.31449412770854,
            470.46119079599202},
           1e-9, "mean");
  ExpectAt(fc->lower[1], all,
           {422.35456478419803, 395.08030214238585, 429.29791468959138, 421.00548940054813,
            423.15828548084676},
           1e-9, "lo95");
  ExpectAt(fc->upper[0], all,
           {457.34125275741599, 444.55895077662632, 489.89663584776378, 490.97886534698404,
            501.39089809653638},
           1e-9, "hi80");
  // Components: the adjusted model's forecast plus the seasonal term add up to the mean.
  ASSERT_EQ(fc->component_names, (std::vector<std::string>{"trend", "seasonal12"}));
  for (size_t t = 0; t < 5; ++t) {
    EXPECT_NEAR(fc->components[0][t] + fc->components[1][t], fc->mean[t], 1e-9);
  }
}

TEST(MstlModelTest, SaveLoadAndCorruptState) {
  auto est = MakeMstl({{"trend_model", "drift"}, {"seasonal_periods", "3,12"}});
  ASSERT_TRUE(est.ok()) << est.status().ToString();
  auto fit = (*est)->Fit(Monthly(kAirPassengers));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  ByteWriter out;
  (*fit)->Save(out);
  ByteReader in(out.bytes());
  auto loaded = (*est)->Load(in);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto a = (*fit)->Predict(PredictRequest{30, {90}});
  auto b = (*loaded)->Predict(PredictRequest{30, {90}});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->mean, b->mean);
  EXPECT_EQ(a->lower, b->lower);
  for (size_t n = 0; n < out.bytes().size(); n += 11) {
    ByteReader cut(std::string_view(out.bytes()).substr(0, n));
    EXPECT_EQ((*est)->Load(cut).status().code(), StatusCode::kDataError) << n;
  }
}

TEST(MstlModelTest, MissingValuesAreInterpolatedAndResidualsStayMissing) {
  std::vector<double> y = kAirPassengers;
  y[10] = y[11] = y[70] = std::nan("");
  auto est = MakeMstl({{"trend_model", "naive"}});
  ASSERT_TRUE(est.ok());
  auto fit = (*est)->Fit(Monthly(y));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_TRUE(std::isnan((*fit)->in_sample().residuals[70]));
  EXPECT_FALSE(std::isnan((*fit)->in_sample().fitted[70]));
}

TEST(MstlModelTest, BadParameters) {
  EXPECT_EQ(MakeMstl({{"seasonal_periods", "7,x"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeMstl({{"seasonal_periods", "1"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeMstl({{"trend_model", "mstl"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeMstl({{"trend_model", "nope"}}).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace retailcast
