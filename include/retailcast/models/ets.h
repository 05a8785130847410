// The ETS model family (private to src/models): `auto_ets` (automatic selection of the
// error/trend/season form by information criterion, R forecast's ets()) and `ets` (one given
// form), both on the engine of ets_core.h. Parameter specs and factories for the registry
// table in builtin_models.cc.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "retailcast/core/model.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/params.h"
#include "retailcast/core/status.h"

namespace retailcast::models {

inline constexpr std::string_view kAutoEtsName = "auto_ets";
inline constexpr std::string_view kEtsName = "ets";

// Parameter tables (param_table.h); a model's spec is its table's Spec().
const ParamTableBase& AutoEtsParamTable();
const ParamTableBase& EtsParamTable();
// Factories: `params` must have been validated against the matching spec.
Result<std::unique_ptr<Estimator>> MakeAutoEts(const ParamValues& params);
Result<std::unique_ptr<Estimator>> MakeEts(const ParamValues& params);

// What an ETS fit chose, for tests, diagnostics and comparisons with R.
struct EtsSummary {
  std::string form;  // e.g. "MAdM"
  int season_length = 1;
  double alpha = 0, beta = 0, gamma = 0, phi = 1;
  double sigma2 = 0;
  double aicc = 0;  // infinite for the short-series fallback and constant series
};
// The summary of a model fitted (or loaded) by `ets` or `auto_ets`; nullptr for any other.
const EtsSummary* DescribeEts(const FittedModel& model);

}  // namespace retailcast::models
