// mstl: multiple seasonal decomposition (MSTL) plus a model of the seasonally adjusted
// series, as R forecast's stlf()/forecast.mstl() (private to src/models; the catalog lists
// it). See mstl_model.cc for the method.
#pragma once

#include <memory>
#include <string_view>

#include "retailcast/core/model.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/params.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/status.h"

namespace retailcast::models {

inline constexpr std::string_view kMstlName = "mstl";

// The parameter table (param_table.h); the spec is its Spec().
const ParamTableBase& MstlParamTable();

// `params` validated against MstlParamTable().Spec(); the model of the adjusted series is built
// through `registry`, which must outlive the estimator. NotFound for an unknown trend_model,
// InvalidArgument for a bad seasonal_periods list or a trend model that is an ensemble.
Result<std::unique_ptr<Estimator>> MakeMstl(const ParamValues& params,
                                            const ModelRegistry& registry);

}  // namespace retailcast::models
