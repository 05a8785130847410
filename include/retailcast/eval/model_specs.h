// Which models a run uses: specs (registry name, validated parameters, output label) built
// from a list of names, parameter overrides applied to them, and the estimators built from
// them. The CLI, the config file, the service and the models built from other models all
// name models this one way.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "retailcast/core/global_model.h"
#include "retailcast/core/model.h"
#include "retailcast/core/params.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/status.h"

namespace retailcast::eval {

// One model to run: a registry name, its validated parameters and the label it gets in the
// `model` column of outputs (default: the name).
struct ModelSpec {
  std::string name;
  ParamValues params;
  std::string label;
};

// Builds specs from "snaive,naive,mean" (comma-separated registry names, spaces ignored),
// each with its default parameters except `season_length`, which is set to `season_length`
// on every model whose parameter spec has it (0 keeps the spec's default, which for the
// built-in models means "the frequency's default"). InvalidArgument for an empty list or a
// name given twice; NotFound (listing valid names) for an unknown name; InvalidArgument when
// a model rejects the season length.
Result<std::vector<ModelSpec>> MakeModelSpecs(const ModelRegistry& registry, std::string_view names,
                                              int season_length);

// Parameter values given for the model labelled `label`, as text ("key", "value").
struct ParamOverride {
  std::string label;
  std::vector<std::pair<std::string, std::string>> values;
};

// How the caller's user names the overrides and the model list, for the message when an
// override names a model that is not run: "<overrides> names model 'x', which is not in
// <models>" (the CLI: "--params", "--model"; the service: "'params'", "'model'").
struct OverrideWording {
  std::string_view overrides = "the parameter overrides";
  std::string_view models = "the model list";
};

// Applies `overrides` in order, each over the values its spec has already (e.g. the season
// length), validated by the model's spec (ParseParams). InvalidArgument when an override
// names a label not among `specs` or gives a value the spec refuses; *failed (when given) is
// then the position of the override at fault.
Status ApplyParamOverrides(const ModelRegistry& registry, std::span<const ParamOverride> overrides,
                           std::vector<ModelSpec>* specs, const OverrideWording& wording = {},
                           size_t* failed = nullptr);

// Parses "model:key=value,key=value" (the CLI's --params, a config file's params) into an
// override. InvalidArgument "<wording.overrides> '<text>' must look like model:key=value..."
// when there is no ':', or naming the item that is not key=value.
Result<ParamOverride> ParseParamOverride(std::string_view text,
                                         const OverrideWording& wording = {});

// A spec with the estimator built from it. The estimator is shared and immutable: Fit is
// const and safe to call concurrently (model.h). A global model (global_model.h) also has
// `global`: ForecastPanel, RunBacktest, Train and Predict then fit it once on the whole panel
// (once per backtest window) instead of calling `estimator` per series; `estimator` is its
// per-series form (MakePerSeriesEstimator), used by per-series callers such as BacktestSeries.
struct ModelInstance {
  ModelSpec spec;
  std::shared_ptr<const Estimator> estimator;
  std::shared_ptr<const GlobalEstimator> global;  // null for per-series models
};

// Builds the estimators of `specs` through the registry. NotFound for an unknown name;
// InvalidArgument for duplicate or empty labels and for parameters the model rejects.
Result<std::vector<ModelInstance>> InstantiateModels(const ModelRegistry& registry,
                                                     const std::vector<ModelSpec>& specs);
// Checks that labels are non-empty and distinct and every estimator is set (InvalidArgument).
Status ValidateModels(std::span<const ModelInstance> models);

// MakeModelSpecs, then ApplyParamOverrides, then InstantiateModels: the models of a run.
Result<std::vector<ModelInstance>> BuildModels(const ModelRegistry& registry,
                                               std::string_view names, int season_length,
                                               std::span<const ParamOverride> overrides,
                                               const OverrideWording& wording = {},
                                               size_t* failed = nullptr);

}  // namespace retailcast::eval
