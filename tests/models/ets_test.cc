// Tests of the ETS models (ets.cc, ets_core.cc): golden values from R forecast 8.20, the
// automatic selection, interval coverage on data simulated from known ETS models, bad inputs,
// missing values, short and constant series, save/load.
//
// Golden rows were printed by R 4.2.2 / forecast 8.20 with
//   fit <- ets(y, model = M, damped = D); fc <- forecast(fit, h = 12, level = c(80, 95))
// for (AirPassengers, "MAM", TRUE), (AirPassengers, "MAM", FALSE), (USAccDeaths, "ANA",
// FALSE), (AirPassengers, "MAN", TRUE), (USAccDeaths, "MNM", FALSE), (AirPassengers, "MMN",
// FALSE): alpha, aicc, sigma2, mean, lo80, hi80, lo95, hi95; and (USAccDeaths, "AAA", FALSE).
//
// Tolerances: our optimiser takes R's Nelder-Mead steps from R's start values, and on these
// series it lands on R's optimum to 6-10 digits. The last bits differ (least squares by
// normal equations instead of R's QR for the start, libm, operation order), which is why the
// comparisons are not exact: 1e-3 relative on alpha, 1e-4 on aicc, 0.5 % on the means, 1 % on
// the interval bounds. The MMN intervals come from R's own random simulation of 5000 paths (so do
// ours, with another generator): their far tail quantiles differ by up to 6 %. ETS(A,A,A) on
// USAccDeaths is the exception: neither R nor we converge within R's 2000 evaluations, and the two
// paths, identical for the first 200 evaluations (checked exactly below), part later by rounding;
// ours ends at a lower criterion, forecasts within 2 %.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/ets/ets_core.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/core/model.h"
#include "retailcast/core/rng.h"
#include "retailcast/models/ets.h"
#include "synthetic_series.h"

namespace retailcast {
namespace {

using models::DescribeEts;

// R's datasets::AirPassengers (monthly, 1949-01 .. 1960-12).
const std::vector<double> kAirPassengers = {
    112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, 115, 126, 141, 135, 125, 149,
    170, 170, 158, 133, 114, 140, 145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166,
    171, 180, 193, 181, 183, 218, 230, 242, 209, 191, 172, 194, 196, 196, 236, 235, 229, 243,
    264, 272, 237, 211, 180, 201, 204, 188, 235, 227, 234, 264, 302, 293, 259, 229, 203, 229,
    242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278, 284, 277, 317, 313, 318, 374,
    413, 405, 355, 306, 271, 306, 315, 301, 356, 348, 355, 422, 465, 467, 404, 347, 305, 336,
    340, 318, 362, 348, 363, 435, 491, 505, 404, 359, 310, 337, 360, 342, 406, 396, 420, 472,
    548, 559, 463, 407, 362, 405, 417, 391, 419, 461, 472, 535, 622, 606, 508, 461, 390, 432};

// R's datasets::USAccDeaths (monthly, 1973-01 .. 1978-12).
const std::vector<double> kUSAccDeaths = {
    9007, 8106, 8928, 9137, 10017, 10826, 11317, 10744, 9713, 9938, 9161, 8927,
    7750, 6981, 8038, 8422, 8714,  9512,  10120, 9823,  8743, 9129, 8710, 8680,
    8162, 7306, 8124, 7870, 9387,  9556,  10093, 9620,  8285, 8466, 8160, 8034,
    7717, 7461, 7767, 7925, 8623,  8945,  10078, 9179,  8037, 8488, 7874, 8647,
    7792, 6957, 7726, 8106, 8890,  9299,  10625, 9302,  8314, 8850, 8265, 8796,
    7836, 6892, 7791, 8192, 9115,  9434,  10484, 9827,  9110, 9070, 8633, 9240};

struct Golden {
  const char* series;
  const char* form;
  double alpha, aicc, sigma2;
  std::vector<double> mean, lo80, hi80, lo95, hi95;
};

const std::vector<Golden>& Goldens() {
  static const std::vector<Golden> rows = {
      {"AirPassengers",
       "MAdM",
       7.0955191620879110e-01,
       1400.6384324739129,
       0.0015340763495901928,
       {441.80184727847916, 434.11862006878243, 496.63004677699854, 483.23747944576041,
        483.99135344653570, 551.02440000804586, 613.17967924649918, 609.36483084926419,
        530.54083452719067, 463.03321448673006, 402.74780005056482, 451.96937309344844},
       {419.62564878437598, 407.16681260351208, 460.62910301505980, 443.62101743203795,
        440.02355815498248, 496.33675462444967, 547.38653444633940, 539.24466284652476,
        465.48724827240164, 402.84962514188703, 347.49949444047667, 386.77496666854614},
       {463.97804577258233, 461.07042753405278, 532.63099053893734, 522.85394145948283,
        527.95914873808897, 605.71204539164205, 678.97282404665896, 679.48499885200363,
        595.59442078197969, 523.21680383157309, 457.99610566065297, 517.16377951835079},
       {407.88627842348484, 392.89938756155237, 441.57135457925864, 422.64932924612424,
        416.74841327311117, 467.38686388939766, 512.55774743750237, 502.12528811821187,
        431.04995990883418, 370.99035741596185, 318.25280810958975, 352.26313260988655},
       {475.71741613347348, 475.33785257601249, 551.68873897473850, 543.82562964539659,
        551.23429361996023, 634.66193612669406, 713.80161105549598, 716.60437358031652,
        630.03170914554710, 555.07607155749827, 487.24279199153989, 551.67561357701038}},
      {"AirPassengers",
       "MAM",
       0.394996850495014207,
       1403.664380972755,
       0.0015821481352416723,
       {448.97376716740013, 425.22781727305619, 484.21371148492614, 504.61107228796629,
        519.14226471741551, 593.58732603682597, 680.46442831718775, 670.02247131565855,
        555.31506826226587, 491.26532553093352, 420.70292280118787, 466.31775568130848},
       {426.08720170390484, 401.85450637965130, 455.72643333666372, 473.02430833668683,
        484.73475973515275, 552.10138993051874, 630.48763167146478, 618.46340807469574,
        510.65900110013388, 450.07543864473297, 383.99979261685280, 424.06303912675895},
       {471.86033263089541, 448.60112816646108, 512.70098963318856, 536.19783623924582,
        553.54976969967834, 635.07326214313321, 730.44122496291072, 721.58153455662136,
        599.97113542439786, 532.45521241713413, 457.40605298552293, 508.57247223585802},
       {413.97178578461671, 389.48142299428696, 440.64617921443005, 456.30328554169722,
        466.52052683638095, 530.14006193962302, 604.03151362079495, 591.16968868418735,
        487.01950709864877, 428.27082964428155, 364.57032914264721, 401.69474334963400},
       {483.97574855018354, 460.97421155182542, 527.78124375542222, 552.91885903423542,
        571.76400259845013, 657.03459013402892, 756.89734301358055, 748.87525394712975,
        623.61062942588296, 554.25982141758550, 476.83551645972852, 530.94076801298297}},
      {"USAccDeaths",
       "ANA",
       5.9458989083613678e-01,
       1148.7160985966841,
       85667.856312277843,
       {8397.4969092293122, 7599.2206134440412, 8396.5946867401635, 8646.5097032126287,
        9443.4119446218319, 9893.0647268538796, 10819.1237029440217, 10107.1046313326096,
        9015.2326445244689, 9354.4073751499236, 8880.4176952480793, 9085.4921039457386},
       {8022.3986615554313, 7162.8252542307100, 7906.5098740007270, 8108.0625490621351,
        8860.6018967094078, 9269.0376712844936, 10156.4382721267175, 9407.8949386420463,
        8281.3141146539201, 8587.3489532404419, 8081.5930356655263, 8255.9120248357649},
       {8772.5951569031931, 8035.6159726573724, 8886.6794994796001, 9184.9568573631223,
        10026.2219925342561, 10517.0917824232656, 11481.8091337613259, 10806.3143240231730,
        9749.1511743950177, 10121.4657970594053, 9679.2423548306324, 9915.0721830557122},
       {7823.8336436450882, 6931.8115055513927, 7647.0746454368209, 7823.0258434238231,
        8552.0808936929570, 8938.6977023987820, 9805.6337955524468, 9037.7556857578329,
        7892.8011132410720, 8181.2927526869289, 7658.7208046676878, 7816.7588581972659},
       {8971.1601748135363, 8266.6297213366888, 9146.1147280435071, 9469.9935630014334,
        10334.7429955507068, 10847.4317513089773, 11832.6136103355966, 11176.4535769073864,
        10137.6641758078658, 10527.5219976129174, 10102.1145858284708, 10354.2253496942103}},
      {"AirPassengers",
       "MAdN",
       9.9989949528467381e-01,
       1679.4365899499551,
       0.01187744416419367,
       {432.10819622854439, 432.21835369916721, 432.32630800166146, 432.43210319976401,
        432.53578247592952, 432.63738814895618, 432.73696169125918, 432.83454374579821,
        432.93017414266694, 433.02389191535030, 433.11573531665704, 433.20574183433308},
       {371.75641557123851, 346.60424108742643, 327.14293602276172, 310.59556207434514,
        295.88990729638942, 282.47773312833522, 270.03430922536035, 258.34865401132083,
        247.27462170158577, 236.70608812250634, 226.56314505620531, 216.78386681111161},
       {492.45997688585027, 517.83246631090799, 537.50967998056126, 554.26864432518289,
        569.18165765546962, 582.79704316957714, 595.43961415715808, 607.32043348027560,
        618.58572658374806, 629.34169570819427, 639.66832557710882, 649.62761685755459},
       {339.80811274270047, 301.28286752849499, 271.46222231540480, 246.09919313439570,
        223.55395046198115, 202.98801337228934, 183.90472770558691, 165.98140347073303,
        148.99450889319667, 132.78172039222255, 117.22080864477755, 102.21704663353870},
       {524.40827971438830, 563.15383986983943, 593.19039368791812, 618.76501326513232,
        641.51761448987793, 662.28676292562295, 681.56919567693149, 699.68768402086334,
        716.86583939213722, 733.26606343847811, 749.01066198853653, 764.19443703512752}},
      {"USAccDeaths",
       "MNM",
       5.9653111274348114e-01,
       1152.4113946051932,
       0.00118009135026371,
       {8311.4407478004669, 7494.8508147606271, 8301.9690410149287, 8511.3839860239659,
        9368.8030303025444, 9844.4109576267492, 10760.8828572218172, 10120.3383856693526,
        9074.9517685621122, 9390.4119002682401, 8865.7697634301221, 9083.6108690914680},
       {7945.5341738315192, 7110.5866744021505, 7823.6538616945491, 7972.3684553629364,
        8726.3798854126690, 9121.4280902619994, 9921.4286124039991, 9287.1589199525479,
        8290.5950313597077, 8541.9874352384013, 8031.4327589918157, 8195.9387667805313},
       {8677.3473217694154, 7879.1149551191038, 8780.2842203353084, 9050.3995166849945,
        10011.2261751924198, 10567.3938249914991, 11600.3371020396353, 10953.5178513861574,
        9859.3085057645167, 10238.8363652980788, 9700.1067678684285, 9971.2829714024047},
       {7751.8349340610739, 6907.1695259996814, 7570.4491007085271, 7687.0308693747593,
        8386.3016150871190, 8738.7040788932027, 9477.0483781831099, 8846.1003531409369,
        7875.3816558333474, 8092.8586532754052, 7589.7614281953238, 7726.0335406512722},
       {8871.0465615398589, 8082.5321035215729, 9033.4889813213304, 9335.7371026731726,
        10351.3044455179697, 10950.1178363602958, 12044.7173362605245, 11394.5764181977684,
        10274.5218812908770, 10687.9651472610749, 10141.7780986649213, 10441.1881975316646}},
      {"AirPassengers",
       "MMN",
       9.9989989940752699e-01,
       1676.0671504024942,
       0.011441646051979169,
       {438.37495068322175, 444.84771067915966, 451.41604324807361, 458.08135955254505,
        464.84509159146626, 471.70869250769562, 478.67363690025593, 485.74142114114204,
        492.91356369680648, 500.19160545439189, 507.57711005278014, 515.07166421853026},
       {380.10195515845265, 356.73952363884484, 343.92340199277311, 333.31184856926882,
        327.18432764542456, 319.70131766534644, 313.39665752014417, 308.56771697553347,
        303.83118173907138, 300.79128385237721, 297.47186672956639, 294.96232672774318},
       {497.91659997576289, 533.17754948891866, 564.05623783784063, 588.79266589610847,
        610.06959943216452, 632.23267364261142, 655.50886823170379, 680.44228975008025,
        699.27215705019103, 717.61213822199602, 747.32730928344552, 763.83284098022409},
       {348.09416080943691, 321.67168760910221, 297.58717599738287, 284.98761366040981,
        273.33596451491371, 262.98663988592148, 253.78573821830517, 241.33218021671277,
        236.49592758291510, 230.64471054218075, 227.88893296311880, 219.95574672758480},
       {529.42009148260718, 579.47600625627740, 626.27074849853182, 666.33043695146489,
        709.69144806843860, 748.89210130579397, 795.93022428641893, 830.18809720963350,
        865.39123476252996, 898.28100264795148, 920.04373944285010, 973.71341140109678}},
  };
  return rows;
}

const std::vector<double>& SeriesByName(const std::string& name) {
  return name == "AirPassengers" ? kAirPassengers : kUSAccDeaths;
}

std::unique_ptr<Estimator> Make(const std::string& model,
                                const std::vector<std::pair<std::string, std::string>>& params) {
  auto est = BuiltinRegistry().Create(model, params);
  EXPECT_TRUE(est.ok()) << est.status().ToString();
  return est.ok() ? std::move(est).value() : nullptr;
}

SeriesView Monthly(const std::string& id, const std::vector<double>& y) {
  return SeriesView{id, Date::FromYmd(2000, 1, 1), Frequency::Monthly(), y};
}

void ExpectNear(const std::vector<double>& got, const std::vector<double>& want, double rel,
                const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t t = 0; t < want.size(); ++t) {
    EXPECT_NEAR(got[t], want[t], rel * std::fabs(want[t])) << what << " t=" << t;
  }
}

// R: ets(USAccDeaths, "AAA", damped = FALSE) (first row) and the same with maxit = 200:
// -2 loglik = 1114.9123507586137, alpha = 0.501666221092334830, l0 = 9930.841447734834218863.
const Golden kUSAccDeathsAAA = {
    "USAccDeaths",
    "AAA",
    5.3783633857946700e-01,
    1157.1832008002452,
    90853.861735302533,
    {8034.8431346480093, 7485.7253605618162, 8238.4928597915441, 8446.9935973702850,
     9277.1948792939638, 9677.8647339217496, 10603.7517131454824, 9875.7537834457216,
     8820.3567155032524, 9081.0193978426978, 8570.2486420229106, 8869.2260244917943},
    {7648.5581905567078, 7046.8981937737935, 7752.5785386638536, 7917.9881059697627,
     8708.1852606767425, 9071.3265633826231, 9961.7259776325227, 9199.9595538892136,
     8112.2667807868702, 8341.9131765874408, 7801.2504566807456, 8071.3335628570539},
    {8421.1280787393098, 7924.5525273498388, 8724.4071809192355, 8975.9990887708063,
     9846.2044979111852, 10284.4029044608760, 11245.7774486584422, 10551.5480130022297,
     9528.4466502196337, 9820.1256190979548, 9339.2468273650757, 9667.1184861265338},
    {7444.0712932767383, 6814.5971239256423, 7495.3510350006009, 7637.9495146779664,
     8406.9697636368346, 8750.2446509949114, 9621.8580831232703, 8842.2156984386747,
     7737.4266117351199, 7950.6539772408360, 7394.1674073932254, 7648.9548076441624},
    {8625.6149760192802, 8156.8535971979900, 8981.6346845824864, 9256.0376800626036,
     10147.4199949510930, 10605.4848168485878, 11585.6453431676946, 10909.2918684527685,
     9903.2868192713850, 10211.3848184445596, 9746.3298766525950, 10089.4972413394262}};

TEST(EtsGolden, NelderMeadTakesRsSteps) {
  models::ets::Form form;
  ASSERT_TRUE(models::ets::ParseForm("AAA", &form));
  const models::ets::SeriesData data = models::ets::PrepareSeries(kUSAccDeaths);
  models::ets::FitOptions options;
  options.max_iterations = 200;
  models::ets::Fit fit;
  ASSERT_TRUE(models::ets::FitForm(data, form, 12, options, &fit));
  EXPECT_NEAR(fit.lik, 1114.9123507586137, 1e-8);
  EXPECT_NEAR(fit.par.alpha, 0.501666221092334830, 1e-9);
  EXPECT_NEAR(fit.initial_state[0], 9930.841447734834218863, 1e-6);
}

TEST(EtsGolden, UnconvergedFitEndsNoWorseThanR) {
  const Golden& g = kUSAccDeathsAAA;
  auto fit = Make("ets", {{"model", "AAA"}})->Fit(Monthly(g.series, kUSAccDeaths));
  ASSERT_TRUE(fit.ok());
  EXPECT_LE(DescribeEts(**fit)->aicc, g.aicc);
  auto fc = (*fit)->Predict(PredictRequest{12, {80, 95}});
  ASSERT_TRUE(fc.ok());
  ExpectNear(fc->mean, g.mean, 0.02, "AAA mean");
  ExpectNear(fc->lower[1], g.lo95, 0.02, "AAA lo95");
  ExpectNear(fc->upper[1], g.hi95, 0.02, "AAA hi95");
}

TEST(EtsGolden, FixedFormsMatchR) {
  for (const Golden& g : Goldens()) {
    const std::string what = std::string(g.series) + " " + g.form;
    auto est = Make("ets", {{"model", g.form}});
    ASSERT_NE(est, nullptr);
    auto fit = est->Fit(Monthly(g.series, SeriesByName(g.series)));
    ASSERT_TRUE(fit.ok()) << what << ": " << fit.status().ToString();
    const models::EtsSummary* sum = DescribeEts(**fit);
    ASSERT_NE(sum, nullptr);
    EXPECT_EQ(sum->form, g.form);
    EXPECT_NEAR(sum->alpha, g.alpha, 1e-3 * g.alpha) << what;
    EXPECT_NEAR(sum->aicc, g.aicc, 1e-4 * std::fabs(g.aicc)) << what;
    EXPECT_NEAR(sum->sigma2, g.sigma2, 1e-3 * g.sigma2) << what;
    auto fc = (*fit)->Predict(PredictRequest{12, {80, 95}});
    ASSERT_TRUE(fc.ok());
    const bool simulated = std::string(g.form) == "MMN";
    const double rel = simulated ? 0.06 : 0.01;
    ExpectNear(fc->mean, g.mean, 0.005, what + " mean");
    ExpectNear(fc->lower[0], g.lo80, rel, what + " lo80");
    ExpectNear(fc->upper[0], g.hi80, rel, what + " hi80");
    ExpectNear(fc->lower[1], g.lo95, rel, what + " lo95");
    ExpectNear(fc->upper[1], g.hi95, rel, what + " hi95");
  }
}

// R: ets(AirPassengers)$method == "ETS(M,Ad,M)", ets(USAccDeaths)$method == "ETS(A,N,A)".
TEST(EtsGolden, AutoSelectionMatchesR) {
  auto est = Make("auto_ets", {});
  ASSERT_NE(est, nullptr);
  for (const auto& [name, form] : std::vector<std::pair<std::string, std::string>>{
           {"AirPassengers", "MAdM"}, {"USAccDeaths", "ANA"}}) {
    auto fit = est->Fit(Monthly(name, SeriesByName(name)));
    ASSERT_TRUE(fit.ok()) << fit.status().ToString();
    EXPECT_EQ(DescribeEts(**fit)->form, form) << name;
  }
}

// forecast:::initstate(AirPassengers, "A", "M") (decomposition) and
// forecast:::initstate(window(USAccDeaths, end = c(1974, 12)), "N", "A") (24 values < 3m: the
// trend + Fourier regression).
TEST(EtsCore, InitialStatesMatchR) {
  std::vector<double> state;
  ASSERT_TRUE(models::ets::InitialStates(kAirPassengers, models::ets::Kind::kAdditive,
                                         models::ets::Kind::kMultiplicative, 12, &state));
  const std::vector<double> air = {120.95579813875539799, 0.99896498433581649, 0.89882438998501135,
                                   0.80117808241347432,   0.92175724041049767, 1.06049193264681829,
                                   1.21991096944562494,   1.22655554293120139, 1.11277582667927288,
                                   0.98137802749512937,   0.97590601232284724, 1.00736628760354541,
                                   0.88362532069437572};
  ExpectNear(state, air, 1e-10, "AirPassengers A,M");
  const std::vector<double> two_years(kUSAccDeaths.begin(), kUSAccDeaths.begin() + 24);
  ASSERT_TRUE(models::ets::InitialStates(two_years, models::ets::Kind::kNone,
                                         models::ets::Kind::kAdditive, 12, &state));
  const std::vector<double> usa = {9185.12500000000182, -290.49380805745454, -121.23142417236090,
                                   591.03095971273285,  301.29334359782661,  1267.55572748292025,
                                   1775.81811136801389, 1220.08049525310753, 346.34287913820134,
                                   -598.39473697670496, -872.13235309161132, -1758.86996920651745};
  ExpectNear(state, usa, 1e-9, "USAccDeaths[1:24] N,A");
  EXPECT_FALSE(models::ets::InitialStates({1, 2, 3}, models::ets::Kind::kNone,
                                          models::ets::Kind::kAdditive, 12, &state));
}

// quantile(c(3, 1, 4, 1, 5, 9, 2, 6), c(0.1, 0.5, 0.975), type = 8) = 1, 3.5, 9.
TEST(EtsCore, Quantile8MatchesR) {
  const std::vector<double> v = {1, 1, 2, 3, 4, 5, 6, 9};
  EXPECT_NEAR(models::ets::Quantile8(v, 0.1), 1.0, 1e-12);
  EXPECT_NEAR(models::ets::Quantile8(v, 0.5), 3.5, 1e-12);
  EXPECT_NEAR(models::ets::Quantile8(v, 0.975), 9.0, 1e-12);
  EXPECT_TRUE(std::isnan(models::ets::Quantile8(std::vector<double>{}, 0.5)));
}

TEST(EtsCore, FormCodesRoundTrip) {
  models::ets::Form f;
  for (const char* code : {"ANN", "AAdA", "MAdM", "MMN", "MMdM"}) {
    ASSERT_TRUE(models::ets::ParseForm(code, &f)) << code;
    EXPECT_EQ(models::ets::FormCode(f), code);
  }
  for (const char* bad : {"", "NNN", "AXN", "AAd", "AAdAA", "AaA"}) {
    EXPECT_FALSE(models::ets::ParseForm(bad, &f)) << bad;
  }
  ASSERT_TRUE(models::ets::ParseForm("AAdM", &f));
  EXPECT_TRUE(models::ets::Forbidden(f));
  EXPECT_EQ(models::ets::FormName(f), "ETS(A,Ad,M)");
}

// Simulates `count` series from a known ETS model and checks that the 80 % and 95 % intervals
// of the same form, fitted to each, cover the next `h` values at about their level.
void CheckCoverage(const std::string& code, const std::vector<double>& init, double alpha,
                   double beta, double gamma, double sigma) {
  models::ets::Form form;
  ASSERT_TRUE(models::ets::ParseForm(code, &form));
  const int m = 12, n = 240, h = 6, count = 100;
  models::ets::Smoothing par{alpha, beta, gamma, 1.0};
  auto est = Make("ets", {{"model", code}});
  ASSERT_NE(est, nullptr);
  int inside80 = 0, inside95 = 0, total = 0;
  for (int k = 0; k < count; ++k) {
    Rng rng(77, "coverage" + std::to_string(k));
    const std::vector<double> path =
        models::ets::SimulatePaths(form, m, par, init, sigma * sigma, n + h, 1, rng);
    const std::vector<double> train(path.begin(), path.begin() + n);
    auto fit = est->Fit(Monthly("sim", train));
    ASSERT_TRUE(fit.ok()) << fit.status().ToString();
    auto fc = (*fit)->Predict(PredictRequest{h, {80, 95}});
    ASSERT_TRUE(fc.ok());
    for (int t = 0; t < h; ++t) {
      const double y = path[n + t];
      inside80 += fc->lower[0][t] <= y && y <= fc->upper[0][t];
      inside95 += fc->lower[1][t] <= y && y <= fc->upper[1][t];
      ++total;
    }
  }
  // 600 draws, correlated within a series (effective sample of a few hundred): the share is
  // within ~3 points of the level unless the intervals are wrong; the intervals ignore the
  // uncertainty of the estimated parameters, which makes them a little narrow.
  EXPECT_NEAR(inside80 / static_cast<double>(total), 0.80, 0.05) << code;
  EXPECT_NEAR(inside95 / static_cast<double>(total), 0.95, 0.03) << code;
}

std::vector<double> SeasonalInit(double level, double trend, bool mult) {
  std::vector<double> s = {level};
  if (!std::isnan(trend)) s.push_back(trend);
  for (int j = 0; j < 12; ++j) {
    const double wave = std::sin(2 * 3.141592653589793 * j / 12.0);
    s.push_back(mult ? 1 + 0.2 * wave : 20 * wave);
  }
  return s;
}

TEST(EtsIntervals, CoverageOnSimulatedData) {
  const double none = std::numeric_limits<double>::quiet_NaN();
  CheckCoverage("ANA", SeasonalInit(100, none, false), 0.3, 0, 0.1, 5);    // class 1
  CheckCoverage("MAN", {100, 1}, 0.4, 0.01, 0, 0.03);                      // class 2
  CheckCoverage("MNM", SeasonalInit(100, none, true), 0.3, 0, 0.1, 0.05);  // class 3
  CheckCoverage("MMN", {100, 1.005}, 0.4, 0.02, 0, 0.03);                  // simulated
}

TEST(EtsIntervals, SimulatedIntervalsAreSeededBySeedAndSeries) {
  auto a = Make("ets", {{"model", "MMN"}, {"seed", "1"}});
  auto b = Make("ets", {{"model", "MMN"}, {"seed", "2"}});
  ASSERT_TRUE(a && b);
  auto fa = a->Fit(Monthly("AirPassengers", kAirPassengers));
  auto fa2 = a->Fit(Monthly("AirPassengers", kAirPassengers));
  auto fb = b->Fit(Monthly("AirPassengers", kAirPassengers));
  ASSERT_TRUE(fa.ok() && fa2.ok() && fb.ok());
  const PredictRequest req{12, {80, 95}};
  auto pa = (*fa)->Predict(req), pa2 = (*fa2)->Predict(req), pb = (*fb)->Predict(req);
  ASSERT_TRUE(pa.ok() && pa2.ok() && pb.ok());
  EXPECT_EQ(pa->lower[1], pa2->lower[1]);
  EXPECT_EQ(pa->mean, pb->mean);
  EXPECT_NE(pa->lower[1], pb->lower[1]);
  // Intervals widen with the horizon.
  EXPECT_GT(pa->upper[1][11] - pa->lower[1][11], pa->upper[1][0] - pa->lower[1][0]);
  // 5000 paths x 20,000 periods would be 10^8 simulated values: refused, not allocated.
  auto huge = (*fa)->Predict(PredictRequest{20000, {95}});
  EXPECT_EQ(huge.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE((*fa)->Predict(PredictRequest{20000, {}}).ok());
}

TEST(EtsInputs, BadParametersAreInvalidArgument) {
  for (const auto& kv :
       std::vector<std::pair<std::string, std::string>>{{"model", "AMN"},
                                                        {"model", "ZZZ"},
                                                        {"model", "AAdM"},
                                                        {"bounds", "loose"},
                                                        {"npaths", "10"},
                                                        {"long_season", "maybe"}}) {
    auto est = BuiltinRegistry().Create("ets", {kv});
    ASSERT_FALSE(est.ok()) << kv.first << "=" << kv.second;
    EXPECT_EQ(est.status().code(), StatusCode::kInvalidArgument);
  }
  for (const auto& kv : std::vector<std::pair<std::string, std::string>>{
           {"ic", "hqic"}, {"damped", "yes"}, {"model", "ANN"}}) {
    auto est = BuiltinRegistry().Create("auto_ets", {kv});
    ASSERT_FALSE(est.ok()) << kv.first;
    EXPECT_EQ(est.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(EtsInputs, UnsupportedFormsAreDataErrorsNamingTheSeries) {
  std::vector<double> with_zero = kUSAccDeaths;
  with_zero[10] = 0;
  struct Case {
    std::string model;
    std::vector<double> y;
    Frequency freq;
  };
  const std::vector<Case> cases = {
      {"MNN", with_zero, Frequency::Monthly()},
      {"ANA", kUSAccDeaths, Frequency::Yearly()},  // m = 1
      {"AAA", std::vector<double>(kUSAccDeaths.begin(), kUSAccDeaths.begin() + 12),
       Frequency::Monthly()},  // one season only
      {"AAA", std::vector<double>(kUSAccDeaths.begin(), kUSAccDeaths.begin() + 20),
       Frequency::Monthly()},  // too few values for 17 parameters
  };
  for (const Case& c : cases) {
    auto est = Make("ets", {{"model", c.model}});
    ASSERT_NE(est, nullptr);
    auto fit = est->Fit(SeriesView{"sku_9", Date::FromYmd(2000, 1, 1), c.freq, c.y});
    ASSERT_FALSE(fit.ok()) << c.model;
    EXPECT_EQ(fit.status().code(), StatusCode::kDataError);
    EXPECT_NE(fit.status().message().find("sku_9"), std::string::npos);
  }
  // auto_ets leaves the multiplicative forms out instead.
  auto fit = Make("auto_ets", {})->Fit(Monthly("zero", with_zero));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_EQ(DescribeEts(**fit)->form[0], 'A');
}

TEST(EtsInputs, SingleObservationIsDataError) {
  const std::vector<double> y = {std::nan(""), 5, std::nan("")};
  auto fit = Make("auto_ets", {})->Fit(Monthly("lonely", y));
  ASSERT_FALSE(fit.ok());
  EXPECT_EQ(fit.status().code(), StatusCode::kDataError);
}

TEST(EtsSeries, ConstantSeriesGivesFlatForecastWithZeroWidth) {
  const std::vector<double> y(30, 4.5);
  for (const char* model : {"auto_ets", "ets"}) {
    auto fit = Make(model, {})->Fit(Monthly("flat", y));
    ASSERT_TRUE(fit.ok());
    auto fc = (*fit)->Predict(PredictRequest{5, {95}});
    ASSERT_TRUE(fc.ok());
    for (int t = 0; t < 5; ++t) {
      EXPECT_EQ(fc->mean[t], 4.5);
      EXPECT_EQ(fc->lower[0][t], 4.5);
      EXPECT_EQ(fc->upper[0][t], 4.5);
    }
  }
}

TEST(EtsSeries, ShortSeriesUseTheHoltWintersFallback) {
  // Holt's linear method fits 1, 2, 3, 4 exactly: the forecast goes on with slope 1.
  const std::vector<double> y = {1, 2, 3, 4};
  auto fit = Make("auto_ets", {})->Fit(Monthly("tiny", y));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_EQ(DescribeEts(**fit)->form, "AAN");
  auto fc = (*fit)->Predict(PredictRequest{2, {80}});
  ASSERT_TRUE(fc.ok());
  EXPECT_NEAR(fc->mean[0], 5, 1e-3);
  EXPECT_NEAR(fc->mean[1], 6, 1e-3);
}

TEST(EtsSeries, MissingValuesSkipTheErrorAndKeepTheForm) {
  std::vector<double> y = kAirPassengers;
  for (size_t t : {0u, 1u, 40u, 41u, 77u, 139u}) y[t] = std::nan("");
  auto fit = Make("auto_ets", {})->Fit(Monthly("AirPassengers", y));
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_EQ(DescribeEts(**fit)->form, "MAdM");
  const InSample& ins = (*fit)->in_sample();
  EXPECT_TRUE(std::isnan(ins.fitted[0]) && std::isnan(ins.fitted[1]));  // leading gap
  EXPECT_TRUE(std::isfinite(ins.fitted[40]));
  EXPECT_TRUE(std::isnan(ins.residuals[40]));
  auto fc = (*fit)->Predict(PredictRequest{12, {95}});
  ASSERT_TRUE(fc.ok());
  // Close to the complete series' forecast.
  auto full = Make("auto_ets", {})->Fit(Monthly("AirPassengers", kAirPassengers));
  auto ffc = (*full)->Predict(PredictRequest{12, {95}});
  ExpectNear(fc->mean, ffc->mean, 0.05, "gappy vs complete");
}

// A weekly series with a strong yearly pattern (m = 52, 130 weeks): long_season=heuristic fits
// the seasonal forms, long_season=none (R) cannot.
TEST(EtsSeries, LongSeasonsAreFittedWithHeuristicSeasonalStates) {
  testing::SyntheticOptions opt;
  opt.amplitude = 40;
  opt.noise_sd = 3;
  const auto s = testing::MakeSynthetic("weekly", Frequency::Weekly(Weekday::kFriday), 130, 5, opt);
  auto heuristic = Make("auto_ets", {})->Fit(s.view());
  ASSERT_TRUE(heuristic.ok()) << heuristic.status().ToString();
  EXPECT_NE(DescribeEts(**heuristic)->form.back(), 'N');
  EXPECT_EQ(DescribeEts(**heuristic)->season_length, 52);
  auto none = Make("auto_ets", {{"long_season", "none"}})->Fit(s.view());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(DescribeEts(**none)->form.back(), 'N');
  auto fixed = Make("ets", {{"model", "ANA"}, {"long_season", "none"}})->Fit(s.view());
  EXPECT_EQ(fixed.status().code(), StatusCode::kDataError);
}

TEST(EtsSeries, InformationCriterionAndDampingOptionsAreHonoured) {
  auto damped = Make("auto_ets", {{"damped", "true"}})->Fit(Monthly("a", kAirPassengers));
  ASSERT_TRUE(damped.ok());
  EXPECT_NE(DescribeEts(**damped)->form.find('d'), std::string::npos);
  auto additive = Make("auto_ets", {{"additive_only", "true"}})->Fit(Monthly("a", kAirPassengers));
  ASSERT_TRUE(additive.ok());
  EXPECT_EQ(DescribeEts(**additive)->form.find('M'), std::string::npos);
  auto bic = Make("auto_ets", {{"ic", "bic"}})->Fit(Monthly("a", kAirPassengers));
  ASSERT_TRUE(bic.ok());
  // Heuristic initial states: other smoothing parameters, and a forecast in the same range as
  // the fully optimised one (on AirPassengers' strong trend and season, within 15 %).
  auto heur = Make("ets", {{"model", "MAM"}, {"initial_states", "heuristic"}})
                  ->Fit(Monthly("a", kAirPassengers));
  auto full = Make("ets", {{"model", "MAM"}})->Fit(Monthly("a", kAirPassengers));
  ASSERT_TRUE(heur.ok() && full.ok());
  EXPECT_NE(DescribeEts(**heur)->alpha, DescribeEts(**full)->alpha);
  auto fh = (*heur)->Predict(PredictRequest{12, {}});
  auto ff = (*full)->Predict(PredictRequest{12, {}});
  ExpectNear(fh->mean, ff->mean, 0.15, "heuristic vs optimised initial states");
  // A tiny evaluation budget still gives a (worse) fit.
  auto capped =
      Make("ets", {{"model", "MAM"}, {"max_iterations", "20"}})->Fit(Monthly("a", kAirPassengers));
  ASSERT_TRUE(capped.ok());
  EXPECT_GT(DescribeEts(**capped)->aicc, DescribeEts(**full)->aicc);
}

TEST(EtsState, SaveLoadRoundTripOfEveryClass) {
  for (const char* code : {"ANA", "MAdN", "MAM", "MMN"}) {
    auto est = Make("ets", {{"model", code}});
    auto fit = est->Fit(Monthly("AirPassengers", kAirPassengers));
    ASSERT_TRUE(fit.ok()) << code;
    ByteWriter w;
    (*fit)->Save(w);
    ByteReader r(w.bytes());
    auto loaded = est->Load(r);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    const PredictRequest req{24, {50, 99}};
    auto a = (*fit)->Predict(req), b = (*loaded)->Predict(req);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->mean, b->mean) << code;
    EXPECT_EQ(a->lower, b->lower) << code;
    EXPECT_EQ(a->upper, b->upper) << code;
    EXPECT_EQ(DescribeEts(**loaded)->form, code);
    // The state of `ets` is not the state of `auto_ets`.
    ByteReader r2(w.bytes());
    EXPECT_EQ(Make("auto_ets", {})->Load(r2).status().code(), StatusCode::kDataError);
  }
}

}  // namespace
}  // namespace retailcast
