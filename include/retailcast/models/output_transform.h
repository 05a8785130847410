// Output options shared by every per-series model: forecasting on a log1p or
// Box-Cox scale with back-transformation, and non-negative output for unit sales. They wrap
// any Estimator, so a model family never implements them itself; the catalog applies the
// wrapper to each per-series model's registry row.
//
// The wrapped model sees z = g(y) and forecasts z; the wrapper maps every forecast back:
//   log1p:  g(y) = log(1 + y),                     g^-1(z) = exp(z) - 1        (needs y > -1)
//   boxcox: g(y) = (y^lambda - 1) / lambda,         g^-1(z) = (lambda z + 1)^(1/lambda)
//           g(y) = log(y) when lambda = 0           (Box & Cox 1964; FPP3 section 3.1)
//           lambda "auto" = Guerrero (1993), as R forecast's BoxCox.lambda(method="guerrero",
//           lower=-1, upper=2): the lambda in [-1, 2] minimising the coefficient of variation
//           of sd/mean^(1-lambda) over consecutive subseries of one season (at least 2 values).
// Quantiles map exactly (g is increasing): bound_y = g^-1(bound_z). The point forecast is the
// back-transformed mean of z, which is the median of y when z is symmetric; with bias_adjust
// it is the mean of y by the second-order Taylor correction (FPP3 section 5.6; R's
// InvBoxCox(biasadj = TRUE)):
//   boxcox: E[y] ~ g^-1(mu) (1 + sigma^2 (1 - lambda) / (2 (lambda mu + 1)^2))
//   log:    E[y] ~ exp(mu) (1 + sigma^2 / 2)      (log1p: minus 1)
// with sigma_h read off the wrapped model's widest requested interval as
// (hi - lo) / (2 z_level) (the 80 % interval is asked for internally when none is). Where
// lambda z + 1 <= 0 the inverse Box-Cox is taken as 0, the edge of its support.
// The bias-adjusted mean may lie outside narrow intervals of a skewed forecast distribution:
// it is a mean, the bounds are quantiles.
//
// non_negative: "true" replaces every forecast value and bound below 0 by 0 (the quantiles of
// max(0, y), which is what a demand forecast of unit sales is); "auto" (default) does so when
// every observed training value is >= 0, so a series with returns (negative net sales) keeps
// its negative forecasts; "false" never does.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "retailcast/core/model.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/params.h"
#include "retailcast/core/status.h"

namespace retailcast::models {

inline constexpr std::string_view kTransformParam = "transform";
inline constexpr std::string_view kLambdaParam = "lambda";
inline constexpr std::string_view kBiasAdjustParam = "bias_adjust";
inline constexpr std::string_view kNonNegativeParam = "non_negative";

using EstimatorFactory = std::function<Result<std::unique_ptr<Estimator>>(const ParamValues&)>;

// The table of the four output parameters (transform, lambda, bias_adjust, non_negative).
const ParamTableBase& OutputParamTable();
// `spec` with the rows of OutputParamTable() appended.
ParamSpec WithOutputOptions(ParamSpec spec);

// A factory that builds `inner` from the same parameters and wraps it with the output
// options. `model` names the model in errors. InvalidArgument for a bad lambda text.
EstimatorFactory WithOutputTransform(std::string_view model, EstimatorFactory inner);

// The model inside the output-options wrapper (the argument itself when it is not wrapped),
// for family-specific inspection such as DescribeEts.
const FittedModel& Unwrapped(const FittedModel& model);

// Guerrero's Box-Cox lambda in [-1, 2] for `y` (NaN values skipped) with subseries of
// `period` values (at least 2). NaN when there are fewer than two complete subseries or a
// subseries mean is not positive.
double GuerreroLambda(std::span<const double> y, int period);

}  // namespace retailcast::models
