// The built-in global model families (src/global; the catalog lists them):
//   gbm       gradient-boosted trees on XGBoost's C API over the feature pipeline's rows
//             (feature_pipeline.h), the M5 winners' approach (Makridakis, Spiliotis &
//             Assimakopoulos 2022): objectives Tweedie (the default) and Poisson for unit
//             sales, squared error, absolute error (the median), quantile (pinball); intervals from
//             quantile boosters; recursive or direct multi-step forecasts; one model, or one per
//             store / category (partition); early stopping on a time-based validation window;
//             feature importance.
//   mlp       a dense network (64-32-1 by default) on the same rows, on LibTorch.
//   lstm      an LSTM (or GRU, cell=gru) over the window of the last values of the target,
//             joined with the same rows, on LibTorch.
//   ensemble  global and per-series models combined: the equal-weight mean of the members (the
//             M5 winners' blend of global model variants), or each member alone, chosen by a
//             backtest on the last validation window of the training data.
// Each family has a spec (name, type, default, bounds, description; the feature pipeline's
// entries are appended) and a factory returning its GlobalEstimator (global_model.h).
#pragma once

#include <memory>
#include <string_view>

#include "retailcast/core/global_model.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/params.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/status.h"

namespace retailcast::models {

inline constexpr std::string_view kGbmName = "gbm";
inline constexpr std::string_view kMlpName = "mlp";
inline constexpr std::string_view kLstmName = "lstm";
inline constexpr std::string_view kEnsembleName = "ensemble";

// Parameter tables (param_table.h); a model's spec is its table's Spec().
const ParamTableBase& GbmParamTable();
const ParamTableBase& MlpParamTable();
const ParamTableBase& LstmParamTable();
const ParamTableBase& EnsembleParamTable();

// Factories: `params` validated against the matching spec. InvalidArgument for combinations
// the spec cannot express (e.g. a feature list with a syntax error).
Result<std::unique_ptr<GlobalEstimator>> MakeGbm(const ParamValues& params);
Result<std::unique_ptr<GlobalEstimator>> MakeMlp(const ParamValues& params);
Result<std::unique_ptr<GlobalEstimator>> MakeLstm(const ParamValues& params);
// Members are built through `registry`, which must outlive the estimator. NotFound for an
// unknown member, InvalidArgument for an empty list, a member listed twice or an ensemble
// inside an ensemble.
Result<std::unique_ptr<GlobalEstimator>> MakeEnsemble(const ParamValues& params,
                                                      const ModelRegistry& registry);

}  // namespace retailcast::models
