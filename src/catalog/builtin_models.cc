// The one table of built-in models. Adding a model means adding one row here (and its
// family file to its module's CMakeLists.txt); nothing registers itself.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "models/baseline_models.h"
#include "models/output_transform.h"
#include "retailcast/additive.h"
#include "retailcast/catalog.h"
#include "retailcast/global_models.h"

namespace retailcast {
namespace {

// A per-series model's row: its own parameters plus the output options every per-series
// model shares (log1p / Box-Cox scale, non-negative output; models/output_transform.h).
ModelEntry LocalModel(std::string_view name, std::string description, ParamSpec spec,
                      models::EstimatorFactory factory) {
  return {std::string(name), std::move(description), models::WithOutputOptions(std::move(spec)),
          models::WithOutputTransform(name, std::move(factory))};
}

using GlobalFactory = std::function<Result<std::unique_ptr<GlobalEstimator>>(const ParamValues&)>;

// A global model's row (global_model.h): its global factory, and as `factory` its per-series
// form (the model fitted to one series alone) for callers that need a per-series model.
ModelEntry GlobalModel(std::string_view name, std::string description, ParamSpec spec,
                       GlobalFactory global) {
  ModelEntry e;
  e.name = std::string(name);
  e.description = std::move(description);
  e.spec = std::move(spec);
  e.factory = [global](const ParamValues& p) -> Result<std::unique_ptr<Estimator>> {
    RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<GlobalEstimator> g, global(p));
    return MakePerSeriesEstimator(std::move(g));
  };
  e.global_factory = std::move(global);
  return e;
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
      GlobalModel(global::kGbmName,
                  "Gradient-boosted trees (XGBoost) over every series at once on lag, rolling, "
                  "calendar, event, price and static features; the M5 winners' approach "
                  "(Makridakis et al. 2022)",
                  global::GbmSpec(), global::MakeGbm),
      GlobalModel(global::kMlpName,
                  "Dense neural network (64-32-1, LibTorch) over every series at once on the "
                  "gbm feature rows",
                  global::MlpSpec(), global::MakeMlp),
      GlobalModel(global::kLstmName,
                  "LSTM (or GRU) over the recent target window joined with the gbm feature rows "
                  "(LibTorch), over every series at once",
                  global::LstmSpec(), global::MakeLstm),
      GlobalModel(global::kEnsembleName,
                  "Global and per-series models combined: their equal-weight mean or one of them, "
                  "chosen by a backtest (the M5 winners' blend of global variants)",
                  global::EnsembleSpec(),
                  [&registry](const ParamValues& p) { return global::MakeEnsemble(p, registry); }),
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
