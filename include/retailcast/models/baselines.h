// The baseline model families: parameter specs and factories that the one registry table
// (src/catalog/builtin_models.cc) lists. Each lives in its own file of src/models/baselines/:
//   random_walk.cc     naive, snaive, drift (R forecast's lagwalk; FPP3 section 5.2)
//   mean.cc            mean (R forecast's meanf; FPP3 section 5.2)
//   window_average.cc  window_average (mean of the last window_size observations)
#pragma once

#include <memory>
#include <string_view>

#include "retailcast/core/model.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/params.h"
#include "retailcast/core/status.h"

namespace retailcast::models {

// Registry names; also written into every saved state so bytes of one model are never
// loaded as another.
inline constexpr std::string_view kNaiveName = "naive";
inline constexpr std::string_view kSeasonalNaiveName = "snaive";
inline constexpr std::string_view kDriftName = "drift";
inline constexpr std::string_view kMeanName = "mean";
inline constexpr std::string_view kWindowAverageName = "window_average";

// Parameter tables (param_table.h); a model's spec is its table's Spec().
const ParamTableBase& NaiveParamTable();
const ParamTableBase& SeasonalNaiveParamTable();
const ParamTableBase& DriftParamTable();
const ParamTableBase& MeanParamTable();
const ParamTableBase& WindowAverageParamTable();

// Factories: `params` must have been validated against the matching spec.
Result<std::unique_ptr<Estimator>> MakeNaive(const ParamValues& params);
Result<std::unique_ptr<Estimator>> MakeSeasonalNaive(const ParamValues& params);
Result<std::unique_ptr<Estimator>> MakeDrift(const ParamValues& params);
Result<std::unique_ptr<Estimator>> MakeMean(const ParamValues& params);
Result<std::unique_ptr<Estimator>> MakeWindowAverage(const ParamValues& params);

}  // namespace retailcast::models
