// The one table of built-in models. Adding a model means adding one row here (and its
// family file to its module's CMakeLists.txt); nothing registers itself.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "retailcast/catalog/catalog.h"
#include "retailcast/core/param_table.h"
#include "retailcast/models/additive.h"
#include "retailcast/models/arima.h"
#include "retailcast/models/baselines.h"
#include "retailcast/models/combinations.h"
#include "retailcast/models/ets.h"
#include "retailcast/models/global.h"
#include "retailcast/models/intermittent.h"
#include "retailcast/models/mstl.h"
#include "retailcast/models/output_transform.h"
#include "retailcast/models/theta.h"

namespace retailcast {
namespace {

// A per-series model's row: its own parameters plus the output options every per-series
// model shares (log1p / Box-Cox scale, non-negative output; models/output_transform.h).
ModelEntry LocalModel(std::string_view name, std::string description, const ParamTableBase& params,
                      models::EstimatorFactory factory) {
  return {std::string(name), std::move(description), models::WithOutputOptions(params.Spec()),
          models::WithOutputTransform(name, std::move(factory))};
}

using GlobalFactory = std::function<Result<std::unique_ptr<GlobalEstimator>>(const ParamValues&)>;

// A global model's row (global_model.h): its global factory, and as `factory` its per-series
// form (the model fitted to one series alone) for callers that need a per-series model.
ModelEntry GlobalModel(std::string_view name, std::string description, const ParamTableBase& params,
                       GlobalFactory global) {
  ModelEntry e;
  e.name = std::string(name);
  e.description = std::move(description);
  e.spec = params.Spec();
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
                 NaiveParamTable(), MakeNaive),
      LocalModel(
          kSeasonalNaiveName,
          "Seasonal naive: the observed value one season earlier (FPP3 5.2; R forecast::snaive)",
          SeasonalNaiveParamTable(), MakeSeasonalNaive),
      LocalModel(kMeanName,
                 "Mean: the average of all observations, Student t intervals (FPP3 5.2; R "
                 "forecast::meanf)",
                 MeanParamTable(), MakeMean),
      LocalModel(kDriftName,
                 "Drift: random walk plus the average historical change per period (FPP3 5.2; R "
                 "rwf)",
                 DriftParamTable(), MakeDrift),
      LocalModel(kWindowAverageName,
                 "Window average: the mean of the last window_size observed values",
                 WindowAverageParamTable(), MakeWindowAverage),
      LocalModel(kAutoEtsName,
                 "AutoETS: exponential smoothing state space model, form chosen by AICc (Hyndman "
                 "et al. 2008; R forecast::ets)",
                 AutoEtsParamTable(), MakeAutoEts),
      LocalModel(kEtsName,
                 "ETS: one given exponential smoothing state space form, e.g. model=MAdM "
                 "(Hyndman et al. 2008; R forecast::ets(y, model))",
                 EtsParamTable(), MakeEts),
      LocalModel(kAutoArimaName,
                 "AutoARIMA: seasonal ARIMA order chosen by the Hyndman-Khandakar stepwise "
                 "search on AICc (R forecast::auto.arima)",
                 AutoArimaParamTable(), MakeAutoArima),
      LocalModel(kArimaName,
                 "ARIMA(p,d,q)(P,D,Q)[m] of a given order, exact likelihood by a Kalman filter "
                 "(R stats::arima, forecast::Arima)",
                 ArimaParamTable(), MakeArima),
      LocalModel(kThetaName,
                 "Theta: SES with drift half the trend slope on the seasonally adjusted series "
                 "(Assimakopoulos & Nikolopoulos 2000; Hyndman & Billah 2003; R forecast::thetaf)",
                 ThetaParamTable(), MakeTheta),
      LocalModel(kAutoThetaName,
                 "Optimised theta models STM, OTM, DSTM, DOTM, chosen per series by in-sample "
                 "MSE (Fiorucci et al. 2016)",
                 AutoThetaParamTable(), MakeAutoTheta),
      LocalModel(kCrostonName,
                 "Croston: smoothed demand size over smoothed interval (Croston 1972; R "
                 "forecast::croston); demand-model quantiles",
                 CrostonParamTable(), MakeCroston),
      LocalModel(kSbaName,
                 "Syntetos-Boylan approximation: Croston times (1 - alpha/2) (Syntetos & Boylan "
                 "2005)",
                 SbaParamTable(), MakeSba),
      LocalModel(kTsbName,
                 "TSB: demand probability smoothed every period times smoothed size (Teunter, "
                 "Syntetos & Babai 2011)",
                 TsbParamTable(), MakeTsb),
      LocalModel(kAdidaName,
                 "ADIDA: SES on the series aggregated to the mean demand interval, disaggregated "
                 "(Nikolopoulos et al. 2011)",
                 AdidaParamTable(), MakeAdida),
      LocalModel(kImapaName,
                 "IMAPA: mean of SES forecasts over aggregation levels 1..mean demand interval "
                 "(Petropoulos & Kourentzes 2015)",
                 ImapaParamTable(), MakeImapa),
      LocalModel(kMstlName,
                 "MSTL: multiple STL seasonal decomposition plus a non-seasonal model of the "
                 "adjusted series (Bandara et al. 2021; R forecast::stlf / mstl)",
                 MstlParamTable(),
                 [](const ParamValues& p) { return MakeMstl(p, BuiltinRegistry()); }),
      LocalModel(kAdditiveName,
                 "Additive (Prophet-style): piecewise-linear/logistic/flat trend, Fourier "
                 "seasonality, holidays, events and regressors, MAP by L-BFGS (Taylor & Letham "
                 "2018; R prophet)",
                 AdditiveParamTable(), MakeAdditive),
      GlobalModel(kGbmName,
                  "Gradient-boosted trees (XGBoost) over every series at once on lag, rolling, "
                  "calendar, event, price and static features; the M5 winners' approach "
                  "(Makridakis et al. 2022)",
                  GbmParamTable(), MakeGbm),
      GlobalModel(kMlpName,
                  "Dense neural network (64-32-1, LibTorch) over every series at once on the "
                  "gbm feature rows",
                  MlpParamTable(), MakeMlp),
      GlobalModel(kLstmName,
                  "LSTM (or GRU) over the recent target window joined with the gbm feature rows "
                  "(LibTorch), over every series at once",
                  LstmParamTable(), MakeLstm),
      // Built from other models of this table; their members carry the output options.
      {std::string(kComboName),
       "Combination: mean or median of several models' forecasts and interval bounds (Bates & "
       "Granger 1969; M4 competition)",
       ComboParamTable().Spec(),
       [](const ParamValues& p) { return MakeCombo(p, BuiltinRegistry()); }},
      {std::string(kAutoName),
       "Per-series choice among candidate models by a rolling-origin backtest on the training "
       "series",
       AutoParamTable().Spec(),
       [](const ParamValues& p) { return MakeAuto(p, BuiltinRegistry()); }},
      GlobalModel(kEnsembleName,
                  "Global and per-series models combined: their equal-weight mean or one of them, "
                  "chosen by a backtest (the M5 winners' blend of global variants)",
                  EnsembleParamTable(),
                  [](const ParamValues& p) { return MakeEnsemble(p, BuiltinRegistry()); }),
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
