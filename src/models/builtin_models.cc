// The one table of built-in models. Adding a model means adding one row here (and its
// family file to CMakeLists.txt); nothing registers itself.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "baseline_models.h"
#include "intermittent_models.h"
#include "retailcast/registry.h"
#include "theta_models.h"

namespace retailcast {

void RegisterBuiltinModels(ModelRegistry& registry) {
  using namespace retailcast::models;  // NOLINT(google-build-using-namespace): .cc file only
  ModelEntry table[] = {
      {std::string(kNaiveName),
       "Naive: every forecast is the last observed value (random walk; FPP3 5.2)", NaiveSpec(),
       MakeNaive},
      {std::string(kSeasonalNaiveName),
       "Seasonal naive: the observed value one season earlier (FPP3 5.2; R forecast::snaive)",
       SeasonalNaiveSpec(), MakeSeasonalNaive},
      {std::string(kMeanName),
       "Mean: the average of all observations, Student t intervals (FPP3 5.2; R forecast::meanf)",
       MeanSpec(), MakeMean},
      {std::string(kDriftName),
       "Drift: random walk plus the average historical change per period (FPP3 5.2; R rwf)",
       DriftSpec(), MakeDrift},
      {std::string(kWindowAverageName),
       "Window average: the mean of the last window_size observed values", WindowAverageSpec(),
       MakeWindowAverage},
      {std::string(kThetaName),
       "Theta: SES with drift half the trend slope on the seasonally adjusted series "
       "(Assimakopoulos & Nikolopoulos 2000; Hyndman & Billah 2003; R forecast::thetaf)",
       ThetaSpec(), MakeTheta},
      {std::string(kAutoThetaName),
       "Optimised theta models STM, OTM, DSTM, DOTM, chosen per series by in-sample MSE "
       "(Fiorucci et al. 2016)",
       AutoThetaSpec(), MakeAutoTheta},
      {std::string(kCrostonName),
       "Croston: smoothed demand size over smoothed interval (Croston 1972; R "
       "forecast::croston); demand-model quantiles",
       CrostonSpec(), MakeCroston},
      {std::string(kSbaName),
       "Syntetos-Boylan approximation: Croston times (1 - alpha/2) (Syntetos & Boylan 2005)",
       SbaSpec(), MakeSba},
      {std::string(kTsbName),
       "TSB: demand probability smoothed every period times smoothed size (Teunter, Syntetos & "
       "Babai 2011)",
       TsbSpec(), MakeTsb},
      {std::string(kAdidaName),
       "ADIDA: SES on the series aggregated to the mean demand interval, disaggregated "
       "(Nikolopoulos et al. 2011)",
       AdidaSpec(), MakeAdida},
      {std::string(kImapaName),
       "IMAPA: mean of SES forecasts over aggregation levels 1..mean demand interval "
       "(Petropoulos & Kourentzes 2015)",
       ImapaSpec(), MakeImapa},
  };
  for (auto& entry : table) {
    Status s = registry.Register(std::move(entry));
    if (!s.ok()) {
      // Only a bug in this table can get here (e.g. a duplicated name).
      std::fprintf(stderr, "retailcast: internal error: %s\n", s.ToString().c_str());
      std::abort();
    }
  }
}

}  // namespace retailcast
