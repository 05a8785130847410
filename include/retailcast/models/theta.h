// The theta family (private to src/models): parameter specs and factories listed by the
// registry table in builtin_models.cc.
//   theta.cc       theta: the standard Theta method as R forecast 8.20's thetaf
//                  (Assimakopoulos & Nikolopoulos 2000; Hyndman & Billah 2003)
//   auto_theta.cc  auto_theta: the optimised and dynamic optimised theta models STM, OTM,
//                  DSTM, DOTM of Fiorucci et al. (2016), chosen per series
#pragma once

#include <memory>
#include <string_view>

#include "retailcast/core/model.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/params.h"
#include "retailcast/core/status.h"

namespace retailcast::models {

inline constexpr std::string_view kThetaName = "theta";
inline constexpr std::string_view kAutoThetaName = "auto_theta";

// Parameter tables (param_table.h); a model's spec is its table's Spec().
const ParamTableBase& ThetaParamTable();
const ParamTableBase& AutoThetaParamTable();

// Factories: `params` must have been validated against the matching spec.
Result<std::unique_ptr<Estimator>> MakeTheta(const ParamValues& params);
Result<std::unique_ptr<Estimator>> MakeAutoTheta(const ParamValues& params);

}  // namespace retailcast::models
