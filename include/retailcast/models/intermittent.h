// The intermittent-demand family (private to src/models; all in intermittent.cc): parameter
// specs and factories listed by the registry table in builtin_models.cc.
//   croston  Croston (1972) as R forecast 8.20's croston()
//   sba      Syntetos & Boylan (2005) approximation: Croston times (1 - alpha / 2)
//   tsb      Teunter, Syntetos & Babai (2011): demand probability smoothed every period
//   adida    Nikolopoulos et al. (2011): SES on the series aggregated to the mean interval
//   imapa    Petropoulos & Kourentzes (2015): mean of SES forecasts over aggregation levels
// Every model forecasts a flat mean and builds non-negative quantiles from a per-period demand
// model (occurrence probability x empirical demand sizes); see intermittent.cc.
#pragma once

#include <memory>
#include <string_view>

#include "retailcast/core/model.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/params.h"
#include "retailcast/core/status.h"

namespace retailcast::models {

inline constexpr std::string_view kCrostonName = "croston";
inline constexpr std::string_view kSbaName = "sba";
inline constexpr std::string_view kTsbName = "tsb";
inline constexpr std::string_view kAdidaName = "adida";
inline constexpr std::string_view kImapaName = "imapa";

// Parameter tables (param_table.h); a model's spec is its table's Spec().
const ParamTableBase& CrostonParamTable();
const ParamTableBase& SbaParamTable();
const ParamTableBase& TsbParamTable();
const ParamTableBase& AdidaParamTable();
const ParamTableBase& ImapaParamTable();

// Factories: `params` must have been validated against the matching spec.
Result<std::unique_ptr<Estimator>> MakeCroston(const ParamValues& params);
Result<std::unique_ptr<Estimator>> MakeSba(const ParamValues& params);
Result<std::unique_ptr<Estimator>> MakeTsb(const ParamValues& params);
Result<std::unique_ptr<Estimator>> MakeAdida(const ParamValues& params);
Result<std::unique_ptr<Estimator>> MakeImapa(const ParamValues& params);

}  // namespace retailcast::models
