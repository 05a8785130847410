// The one table of built-in models. Adding a model means adding one row here (and its
// family file to its module's CMakeLists.txt); nothing registers itself.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "models/baseline_models.h"
#include "models/output_transform.h"
#include "retailcast/additive.h"
#include "retailcast/catalog.h"

namespace retailcast {
namespace {

// A per-series model's row: its own parameters plus the output options every per-series
// model shares (log1p / Box-Cox scale, non-negative output; models/output_transform.h).
ModelEntry LocalModel(std::string_view name, std::string description, ParamSpec spec,
                      models::EstimatorFactory factory) {
  return {std::string(name), std::move(description), models::WithOutputOptions(std::move(spec)),
          models::WithOutputTransform(name, std::move(factory))};
}

}  // namespace

void RegisterBuiltinModels(ModelRegistry& registry) {
  using namespace retailcast::models;  // NOLINT(google-build-using-namespace): .cc file only
  ModelEntry table[] = {
      LocalModel(kNaiveName,
                 "Naive: every forecast is the last observed value (random walk; FPP3 5.2)",
                 NaiveSpec(), MakeNaive),
      LocalModel(
          kSeasonalNaiveName,
          "Seasonal naive: the observed value one season earlier (FPP3 5.2; R forecast::snaive)",
          SeasonalNaiveSpec(), MakeSeasonalNaive),
      LocalModel(kMeanName,
                 "Mean: the average of all observations, Student t intervals (FPP3 5.2; R "
                 "forecast::meanf)",
                 MeanSpec(), MakeMean),
      LocalModel(kDriftName,
                 "Drift: random walk plus the average historical change per period (FPP3 5.2; R "
                 "rwf)",
                 DriftSpec(), MakeDrift),
      LocalModel(kWindowAverageName,
                 "Window average: the mean of the last window_size observed values",
                 WindowAverageSpec(), MakeWindowAverage),
      LocalModel(kAdditiveName,
                 "Additive (Prophet-style): piecewise-linear/logistic trend, Fourier seasonality, "
                 "holidays, events and regressors, MAP by L-BFGS (Taylor & Letham 2018; R prophet)",
                 AdditiveSpec(), MakeAdditive),
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

const ModelRegistry& BuiltinRegistry() {
  // A function-local static is initialised once, thread-safely (C++11 [stmt.dcl]/4).
  static const ModelRegistry registry = [] {
    ModelRegistry r;
    RegisterBuiltinModels(r);
    return r;
  }();
  return registry;
}

}  // namespace retailcast
