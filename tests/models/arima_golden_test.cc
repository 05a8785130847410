// Golden tests: our arima / auto_arima against R 4.2.2 with forecast 8.20 on fixed orders
// (coefficients, standard errors, sigma^2, log-likelihood, AIC/AICc/BIC, the first residuals and
// 12-step forecasts with 80/95 % bounds). The numbers were printed by
//   Rscript tests/models/arima_golden.R
// which runs, per row below, the forecast::Arima() / auto.arima() call named in its comment.
//
// Tolerances, and why:
//  - Models without differencing, CSS fits and fits with missing values evaluate the same
//    likelihood as R (the Kalman filter of arima_core.h) to rounding, and the same BFGS: 1e-6
//    relative on the likelihood, forecasts and variances; 1e-4 standard errors on the
//    coefficients, because BFGS stops once the objective changes by less than 1.5e-8 relative
//    and rounding-level differences in it can move the stopping point that much.
//  - Differenced models without missing values: we maximise the exact likelihood of the
//    differenced series (the limit of R's diffuse prior), R its approximation with prior
//    variance kappa = 1e6. That moves R's log-likelihood by about (level / sigma) / kappa
//    relative (1.1e-3 absolute for USAccDeaths) and its estimates by a thousandth of a standard
//    error or less. So: coefficients within 1e-3 standard errors, log-likelihood and
//    information criteria within 5e-3, forecasts and bounds within 1e-4 relative. The same
//    fits with finite_kappa_likelihood (R's likelihood, slow) agree to rounding (1e-6).
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "arima_test_data.h"
#include "models/arima/arima_fit.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/core/model.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/registry.h"

namespace retailcast {
namespace {

using models::arima::ArimaFit;
using models::arima::ArimaFitOptions;
using models::arima::ArimaMethod;
using models::arima::ArimaOrder;
using models::arima::ArimaRegressor;

constexpr double kNA = std::numeric_limits<double>::quiet_NaN();

struct ArimaGolden {
  std::string_view tag;
  std::vector<double> coef, se;
  std::vector<double> stats;  // sigma2 (forecast's), loglik, aic, aicc, bic
  std::vector<double> resid_head, mean, lo80, hi95;
};

const std::vector<ArimaGolden>& Goldens() {
  static const std::vector<ArimaGolden> rows = {
      {"air_011_011",  // ARIMA(0,1,1)(0,1,1)[12]
       {-0.30867366607559699, -0.10744703492617209},
       {0.088950465341947352, 0.08281681339007492},
       {137.52485061798205, -507.50144324098954, 1021.0028864819791, 1021.1918628599318,
        1029.6284784515826},
       {0.064663218208914214, 0.033565843716706685, 0.033806149185138003},
       {447.05321107441216, 421.8774279579111, 453.52620219412961, 489.90082431808082,
        502.18349167499991, 564.22462023039088, 649.7952697340213, 636.7146421753896,
        538.92089840667495, 491.06721997946954, 422.82426732050067, 464.75255352508759},
       {432.02432901012429, 403.60678135619935, 432.50797775943943, 466.45482275002291,
        476.53852685397231, 536.55489938224878, 620.23917589609209, 605.38555163482579,
        505.91391209708877, 456.46360201279475, 386.6945066303723, 427.15855348959906},
       {470.03790272931781, 449.81997063538552, 485.67080255085932, 525.75838939025573,
        541.40408083065449, 606.54180650887633, 694.99741454308355, 684.62835144685823,
        589.40072781369861, 543.98888678781566, 478.0799680090721, 522.24761504689468}},
      {"usacc_111_011",  // ARIMA(1,1,1)(0,1,1)[12]
       {0.097864289401344659, -0.51090536824151467, -0.5436611170215464},
       {0.31107407693301281, 0.27361633551020709, 0.17835743725676426},
       {104809.22708070322, -425.38927667386361, 858.77855334772721, 859.51929408846797,
        867.08870312335011},
       {5.2001925583076778, 1.627685160421577, 1.7602862652039031},
       {8338.1783310472692, 7523.4364953741042, 8306.5606481550021, 8611.427726211914,
        9483.9742711680665, 9852.8746856815706, 10904.427662804163, 10081.904314749445,
        9164.3593703587267, 9380.735005174216, 8882.1463943041526, 9379.0405386500079},
       {7922.9987304548231, 7042.0775422888155, 7774.4440071769013, 8033.6321026399255,
        8863.9136950802385, 9193.2570860031738, 10207.495137298931, 9349.5557331562031,
        8398.23017593445, 8582.2530170802092, 8052.5721079475979, 8519.4951965384153},
       {8973.1407361153142, 8259.6114859466834, 9120.3628235269389, 9495.0898768993247,
        10432.275088739036, 10861.672750228452, 11970.293981702011, 11201.934817339308,
        10336.052862019487, 10601.907824937534, 10150.870780800778, 10693.601699442605}},
      {"usacc_111_011_css",  // ARIMA(1,1,1)(0,1,1)[12]
       {0.12645120129071352, -0.49848030540973176, -0.45809388420708613},
       {0.35900492604616757, 0.32800174689816003, 0.14182348605883979},
       {114266.48498271611, -426.24769284222947, kNA, kNA, kNA},
       {0, 0, 0},
       {8342.4832140326689, 7506.8824177377246, 8303.5426396444309, 8633.1379986885186,
        9510.2649355858739, 9864.3390616404722, 10944.660910244478, 10115.067035604909,
        9234.84042842087, 9421.1611481567215, 8929.190784569997, 9467.2910184612974},
       {7909.2149931488048, 6995.284037986251, 7733.3927709929676, 8010.9496791909796,
        8840.1877066397883, 9149.5886298835758, 10187.87145832468, 9318.45417988802,
        8400.3023704026327, 8550.3480147973387, 8023.5543166865418, 8528.1208937893625},
       {9005.1097765598279, 8289.3046204961647, 9175.5116172424841, 9584.6929189920647,
        10535.059622670216, 10957.455516601578, 12102.070498373134, 11333.381264079368,
        10511.156248571784, 10752.954908576787, 10314.242239275478, 10903.627775563034}},
      {"air_110_drift",  // ARIMA(1,1,0) with drift
       {0.30374665062876499, 2.3699574488334325},
       {0.079693829888358478, 3.8368550293616623},
       {1041.13664505111, -698.73643031451911, 1403.4728606290382, 1403.6455224995418,
        1412.3613945198178},
       {0.10962998216482418, 3.4584985709757623, 10.527429284628385},
       {446.40745013802569, 452.43375567316957, 455.91431660675266, 458.62161614425543,
        461.09404012263826, 463.49512143662395, 465.87453265525198, 468.24736165499633,
        470.61819132780101, 472.98841371174439, 475.35845163373006, 477.72843352601399},
       {405.05607545099917, 384.48959229458842, 366.75826368613878, 351.77438945028968,
        338.92433545784917, 327.67457029602423, 317.64206974070191, 308.56118333313611,
        300.24552943346208, 292.56080939796891, 285.40732709832446, 278.70896462886753},
       {509.64892030341218, 556.34538651350488, 592.26673302621418, 622.03034802713285,
        647.93647985164523, 671.21472925656496, 692.57652145015879, 712.46629654169737,
        731.18069247165579, 748.92862226789885, 765.86362748599333, 782.10244526929807}},
      {"lh_101",  // ARIMA(1,0,1) with non-zero mean
       {0.45220202197594805, 0.19816732658512951, 2.4100596104855065},
       {0.17685678898816865, 0.17051997230594945, 0.13575099984577063},
       {0.2051329431502508, -28.762033205183542, 65.524066410367084, 66.45429896850662,
        73.008870453998654},
       {-0.0081281791274013873, -0.0041807548689127231, -0.0046864977926757666},
       {2.6796109200662253, 2.5319512577041721, 2.4651792598197662, 2.4349848273650641,
        2.4213308439566315, 2.4151564850513121},
       {2.0991756544815487, 1.8395573573558579, 1.7520526752768535, 1.7176924807390059,
        1.7031896303980458, 1.6968418130597962},
       {3.567310054840771, 3.5908763484173338, 3.5558122547770994, 3.53198880564499,
        3.5196330521791923, 3.5137239750545666}},
      {"usacc_xreg",  // Regression with ARIMA(1,0,0)(0,1,1)[12] errors
       {0.79466113932051219, -0.57710289197965881, -11.689859503934171, 37.445056179316019},
       {0.084752532999101821, 0.1863010453784075, 9.1367463212547619, 56.758430069884774},
       {111936.76699550981, -434.71508504820218, 879.43017009640437, 880.54128120751545,
        889.90189290751482},
       {8.9893987694911957, 8.0928356470415785, 8.9467673136477011},
       {8250.6418464687558, 7278.0927948751942, 7920.9436863749588, 8132.9269014824313,
        8969.5952262868468, 9332.8605088231525, 10344.888043744979, 9477.5888389589509,
        8480.157601736908, 8656.5210406291008, 8142.2078952314478, 8641.7110854552157},
       {7821.4418236242636, 6730.0714807403001, 7309.6733069330357, 7484.8887099538797,
        8299.3782758257639, 8649.0105292514363, 9652.5705843866417, 8779.9824317895818,
        7779.2400631797082, 7953.5335627049508, 7437.9369002235881, 7936.6631779255149},
       {8907.0466370020913, 8116.2190687939956, 8855.8010582772567, 9124.0157894763252,
        9994.6035989883894, 10378.71880030707, 11403.696228052402, 10544.48577092541,
        9552.1184721688242, 9731.6476101389781, 9219.2974347264953, 9719.9888101180604}},
      {"lh_xreg",  // Regression with ARIMA(1,0,0) errors
       {0.57145087358007673, 2.4032230548870106, -0.30394798655485933},
       {0.11589510390787963, 0.13333826048051808, 0.098909386315265149},
       {0.17602272369708441, -25.066388049898656, 58.132776099797312, 59.063008657936848,
        65.617580143428881},
       {0.13212305041782096, -0.22171406326540172, -0.23000636071045649},
       {2.4845546460244208, 2.2086109046883151, 2.2340417427093624, 2.4849907246413574,
        2.7007493776342013, 2.6658140159864292},
       {1.9468788906801082, 1.5893363088659731, 1.5903571791875644, 1.8335330149464961,
        2.0467733110850306, 2.0110176625240248},
       {3.3068587531458489, 3.1557096691743136, 3.2184723312444299, 3.4813093143738607,
        3.700919461810916, 3.667238620738166}},
      {"airna_011_011",  // ARIMA(0,1,1)(0,1,1)[12]
       {-0.35692117291225822, -0.055738135798567581},
       {0.088944060180609866, 0.091225006843666287},
       {129.75466203355691, -482.42163933564194, 970.84327867128388, 971.04162577872194,
        979.32821988319074},
       {0.064663217961351674, 0.033565844869928571, 0.03380615138721773},
       {453.01649843752762, 427.45142818039301, 457.39762344656015, 496.48789395650999,
        508.18312450535018, 570.63115937470684, 636.3665930639836, 642.46569119597507,
        544.56834756828675, 497.09888389677644, 427.53692742509037, 477.53362647595486},
       {435.65990186219858, 407.71867868096427, 435.5455901101476, 472.70467888654593,
        482.61417307607439, 543.39329537399772, 605.35357337421271, 612.16451710027229,
        512.84625574403015, 464.01684847216796, 393.14868777890416, 436.06620815100365},
       {479.56112223296566, 457.63006427639414, 490.81742447511783, 532.86118257552152,
        547.28746121031782, 612.28787760008993, 683.79691368315582, 688.8073379260602,
        593.08310043614688, 547.69349102049136, 480.12920151717151, 540.95257007048951}},
      {"auto_usacc_xreg",  // Regression with ARIMA(0,1,1)(0,1,1)[12] errors
       {-0.43329812475465423, -0.55661118691269185, 28.30868359366178},
       {0.12110407082645783, 0.17948526207757409, 40.550828374593891},
       {103704.55552031873, -425.19685532677323, 858.39371065354646, 859.13445139428723,
        866.70386042916937},
       {5.1874142554048559, 1.6177364591228709, 1.7667178144771891},
       {8335.3320775066622, 7501.5534978119958, 8259.8564126584315, 8561.3613750565855,
        9457.7733047130168, 9859.6867018586308, 10918.868333690836, 10084.726840540819,
        9131.0814722208452, 9327.5307914231289, 8828.3803046058529, 9342.3521297009065},
       {7922.2768741543377, 7026.8462129606869, 7730.6311189878252, 7982.732118527666,
        8833.6385264579658, 9193.1459107627943, 10212.462621087945, 9340.5887920426958,
        8351.034140673748, 8513.1560352595534, 7981.0677015625424, 8463.3350358904499},
       {8967.0454973669021, 8227.5556396859974, 9069.2366539140639, 9446.2984573314861,
        10412.305076798952, 10879.072873978454, 11999.222642014478, 11222.787776826635,
        10324.060917741001, 10573.009502473597, 10124.233105430179, 10686.692764899171}},
  };
  return rows;
}

const ArimaGolden& Golden(std::string_view tag) {
  for (const auto& g : Goldens()) {
    if (g.tag == tag) return g;
  }
  ADD_FAILURE() << "no golden row " << tag;
  static const ArimaGolden none;
  return none;
}

// A series with its regressors and their future values, as a one-series panel.
struct Case {
  std::string_view tag;
  std::vector<double> y;
  Frequency freq = Frequency::Monthly();
  int h = 12;
  std::vector<std::pair<std::string, std::vector<double>>> xreg;    // name, values
  std::vector<std::pair<std::string, std::vector<double>>> future;  // name, h values
  std::vector<std::pair<std::string, std::string>> params;          // for the registry
};

std::vector<double> Seq(int from, int to, double (*f)(double)) {
  std::vector<double> v;
  for (int t = from; t <= to; ++t) v.push_back(f(t));
  return v;
}
double Identity(double t) { return t; }
double Wave(double t) { return std::sin(2 * M_PI * t / 7); }
double Cosine(double t) { return std::cos(t); }

std::vector<double> AirPassengersWithGaps() {
  std::vector<double> y = testing::AirPassengers();
  for (size_t one_based : {5, 40, 41, 77, 139, 144}) y[one_based - 1] = kNA;
  return y;
}

struct Tolerance {
  double coef_se;   // |ours - R| <= coef_se * se (+ 1e-10)
  double relative;  // everything else, relative
  double loglik;    // absolute, for loglik and the criteria
};
constexpr Tolerance kSameLikelihood{1e-4, 1e-6, 1e-6};
constexpr Tolerance kDiffuseLimit{1e-3, 1e-4, 5e-3};

void ExpectRel(double got, double want, double rel, const std::string& what) {
  EXPECT_NEAR(got, want, rel * std::max(1e-12, std::fabs(want))) << what;
}

void ExpectVec(const std::vector<double>& got, const std::vector<double>& want, double rel,
               const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < want.size(); ++i)
    ExpectRel(got[i], want[i], rel, what + " [" + std::to_string(i) + "]");
}

// Forecasts through the registry (the path the CLI takes): a panel with the regressors as
// exogenous columns, their future values in the request.
void CheckForecast(const Case& c, std::string_view model, const ArimaGolden& g, double rel) {
  Panel panel(c.freq);
  for (const auto& [name, values] : c.xreg) ASSERT_TRUE(panel.AddExogColumn(name).ok());
  const size_t i = panel.AddSeries(c.tag, Date::FromYmd(1973, 1, 1), c.y);
  for (size_t k = 0; k < c.xreg.size(); ++k) {
    auto dst = panel.mutable_exog(k, i);
    std::copy(c.xreg[k].second.begin(), c.xreg[k].second.end(), dst.begin());
  }
  auto est = BuiltinRegistry().Create(model, c.params);
  ASSERT_TRUE(est.ok()) << est.status().ToString();
  auto fit = (*est)->Fit(panel.series(i));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  FutureRegressors future{
      c.freq.Advance(Date::FromYmd(1973, 1, 1), static_cast<int64_t>(c.y.size())), c.freq, {}, {}};
  for (const auto& [name, values] : c.future) {
    future.names.push_back(name);
    future.values.emplace_back(values);
  }
  PredictRequest req{c.h, {80, 95}, c.future.empty() ? nullptr : &future};
  auto fc = (*fit)->Predict(req);
  ASSERT_TRUE(fc.ok()) << fc.status().ToString();
  ExpectVec(fc->mean, g.mean, rel, std::string(c.tag) + " mean");
  ExpectVec(fc->lower[0], g.lo80, rel, std::string(c.tag) + " lo80");
  ExpectVec(fc->upper[1], g.hi95, rel, std::string(c.tag) + " hi95");
  // In-sample residuals: R's first ones come from the diffuse start of the filter.
  const InSample& ins = (*fit)->in_sample();
  for (size_t t = 0; t < g.resid_head.size(); ++t) {
    EXPECT_NEAR(ins.residuals[t], g.resid_head[t], 1e-6 * std::max(1.0, std::fabs(g.resid_head[t])))
        << c.tag << " residual " << t;
  }
}

// Coefficients, standard errors and criteria from the fitting layer.
void CheckFit(const Case& c, const ArimaOrder& order, const ArimaFitOptions& options,
              const Tolerance& tol) {
  const ArimaGolden& g = Golden(c.tag);
  std::vector<ArimaRegressor> xreg;
  for (const auto& [name, values] : c.xreg) xreg.push_back(ArimaRegressor{name, values});
  auto fit = models::arima::FitArima(c.y, order, xreg, options);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  ASSERT_EQ(fit->coef.size(), g.coef.size()) << c.tag;
  const size_t k = g.se.size();
  for (size_t j = 0; j < g.coef.size(); ++j) {
    EXPECT_NEAR(fit->coef[j], g.coef[j], tol.coef_se * g.se[j] + 1e-10)
        << c.tag << " " << fit->coef_names[j];
    ExpectRel(std::sqrt(fit->var_coef[j * k + j]), g.se[j], std::max(tol.relative, 1e-4),
              std::string(c.tag) + " se " + fit->coef_names[j]);
  }
  const auto crit = models::arima::ComputeCriteria(*fit, fit->residuals, fit->aic);
  ExpectRel(crit.sigma2, g.stats[0], tol.relative, std::string(c.tag) + " sigma2");
  EXPECT_NEAR(fit->loglik, g.stats[1], tol.loglik) << c.tag << " loglik";
  if (!std::isnan(g.stats[2])) {
    EXPECT_NEAR(crit.aic, g.stats[2], 2 * tol.loglik) << c.tag << " aic";
    EXPECT_NEAR(crit.aicc, g.stats[3], 2 * tol.loglik) << c.tag << " aicc";
    EXPECT_NEAR(crit.bic, g.stats[4], 2 * tol.loglik) << c.tag << " bic";
  }
}

ArimaFitOptions Options(ArimaMethod method = ArimaMethod::kCssMl, bool drift = false,
                        bool finite_kappa = false) {
  ArimaFitOptions o;
  o.method = method;
  o.include_drift = drift;
  o.finite_kappa_likelihood = finite_kappa;
  return o;
}

TEST(ArimaGoldenTest, AirlineModelOnAirPassengers) {
  const Case c{"air_011_011",
               testing::AirPassengers(),
               Frequency::Monthly(),
               12,
               {},
               {},
               {{"q", "1"}, {"d", "1"}, {"Q", "1"}, {"D", "1"}, {"season_length", "12"}}};
  const ArimaOrder order{0, 1, 1, 0, 1, 1, 12};
  CheckFit(c, order, Options(), kDiffuseLimit);
  CheckFit(c, order, Options(ArimaMethod::kCssMl, false, true), kSameLikelihood);
  CheckForecast(c, "arima", Golden(c.tag), kDiffuseLimit.relative);
}

TEST(ArimaGoldenTest, SeasonalArmaOnUSAccDeaths) {
  const Case c{"usacc_111_011",
               testing::USAccDeaths(),
               Frequency::Monthly(),
               12,
               {},
               {},
               {{"p", "1"}, {"d", "1"}, {"q", "1"}, {"D", "1"}, {"Q", "1"}}};
  const ArimaOrder order{1, 1, 1, 0, 1, 1, 12};
  CheckFit(c, order, Options(), kDiffuseLimit);
  CheckFit(c, order, Options(ArimaMethod::kCssMl, false, true), kSameLikelihood);
  CheckForecast(c, "arima", Golden(c.tag), kDiffuseLimit.relative);
}

TEST(ArimaGoldenTest, ConditionalSumOfSquares) {
  const Case c{"usacc_111_011_css",
               testing::USAccDeaths(),
               Frequency::Monthly(),
               12,
               {},
               {},
               {{"p", "1"}, {"d", "1"}, {"q", "1"}, {"D", "1"}, {"Q", "1"}, {"method", "CSS"}}};
  CheckFit(c, ArimaOrder{1, 1, 1, 0, 1, 1, 12}, Options(ArimaMethod::kCss), kSameLikelihood);
  CheckForecast(c, "arima", Golden(c.tag), kSameLikelihood.relative);
}

TEST(ArimaGoldenTest, Drift) {
  const Case c{"air_110_drift",
               testing::AirPassengers(),
               Frequency::Monthly(),
               12,
               {},
               {},
               {{"p", "1"}, {"d", "1"}, {"include_drift", "true"}}};
  CheckFit(c, ArimaOrder{1, 1, 0, 0, 0, 0, 1}, Options(ArimaMethod::kCssMl, true), kDiffuseLimit);
  CheckForecast(c, "arima", Golden(c.tag), kDiffuseLimit.relative);
}

TEST(ArimaGoldenTest, ArmaWithMeanIsExact) {
  const Case c{"lh_101", testing::Lh(), Frequency::Monthly(), 6, {}, {}, {{"p", "1"}, {"q", "1"}}};
  CheckFit(c, ArimaOrder{1, 0, 1, 0, 0, 0, 1}, Options(), kSameLikelihood);
  CheckForecast(c, "arima", Golden(c.tag), kSameLikelihood.relative);
}

TEST(ArimaGoldenTest, RegressionWithSeasonalArimaErrors) {
  const Case c{"usacc_xreg",
               testing::USAccDeaths(),
               Frequency::Monthly(),
               12,
               {{"trend", Seq(1, 72, Identity)}, {"wave", Seq(1, 72, Wave)}},
               {{"trend", Seq(73, 84, Identity)}, {"wave", Seq(73, 84, Wave)}},
               {{"p", "1"}, {"D", "1"}, {"Q", "1"}, {"xreg", "trend,wave"}}};
  CheckFit(c, ArimaOrder{1, 0, 0, 0, 1, 1, 12}, Options(), kDiffuseLimit);
  CheckForecast(c, "arima", Golden(c.tag), kDiffuseLimit.relative);
}

TEST(ArimaGoldenTest, RegressionWithArErrorsAndMean) {
  const Case c{"lh_xreg",
               testing::Lh(),
               Frequency::Monthly(),
               6,
               {{"cosine", Seq(1, 48, Cosine)}},
               {{"cosine", Seq(49, 54, Cosine)}},
               {{"p", "1"}, {"xreg", "cosine"}}};
  CheckFit(c, ArimaOrder{1, 0, 0, 0, 0, 0, 1}, Options(), kSameLikelihood);
  CheckForecast(c, "arima", Golden(c.tag), kSameLikelihood.relative);
}

TEST(ArimaGoldenTest, MissingValuesUseTheKalmanFilter) {
  const Case c{"airna_011_011",
               AirPassengersWithGaps(),
               Frequency::Monthly(),
               12,
               {},
               {},
               {{"q", "1"}, {"d", "1"}, {"Q", "1"}, {"D", "1"}}};
  CheckFit(c, ArimaOrder{0, 1, 1, 0, 1, 1, 12}, Options(), kSameLikelihood);
  CheckForecast(c, "arima", Golden(c.tag), kSameLikelihood.relative);
}

TEST(ArimaGoldenTest, AutoArimaWithRegressor) {
  const Case c{"auto_usacc_xreg",
               testing::USAccDeaths(),
               Frequency::Monthly(),
               12,
               {{"wave", Seq(1, 72, Wave)}},
               {{"wave", Seq(73, 84, Wave)}},
               {{"xreg", "wave"}}};
  CheckForecast(c, "auto_arima", Golden(c.tag), kDiffuseLimit.relative);
}

}  // namespace
}  // namespace retailcast
