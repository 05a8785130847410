// The ARIMA model families (private to src/models): parameter specs and factories that the
// registry table in builtin_models.cc lists.
//   arima.cc       arima: seasonal ARIMA of a given order (R's stats::arima, forecast::Arima)
//   arima_auto.cc  auto_arima: Hyndman-Khandakar order selection (R forecast's auto.arima)
#pragma once

#include <memory>
#include <string_view>

#include "retailcast/core/model.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/params.h"
#include "retailcast/core/status.h"

namespace retailcast::models {

// Registry names; also written into every saved state.
inline constexpr std::string_view kArimaName = "arima";
inline constexpr std::string_view kAutoArimaName = "auto_arima";

// Parameter tables (param_table.h); a model's spec is its table's Spec().
const ParamTableBase& ArimaParamTable();
const ParamTableBase& AutoArimaParamTable();

// Factories: `params` must have been validated against the matching spec.
Result<std::unique_ptr<Estimator>> MakeArima(const ParamValues& params);
Result<std::unique_ptr<Estimator>> MakeAutoArima(const ParamValues& params);

}  // namespace retailcast::models
