// The one table of built-in models. Adding a model means adding one row here (and its
// family file to CMakeLists.txt); nothing registers itself.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "baseline_models.h"
#include "retailcast/additive.h"
#include "retailcast/registry.h"

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
      {std::string(kAdditiveName),
       "Additive (Prophet-style): piecewise-linear/logistic trend, Fourier seasonality, holidays, "
       "events and regressors, MAP by L-BFGS (Taylor & Letham 2018; R prophet)",
       AdditiveSpec(), MakeAdditive},
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
