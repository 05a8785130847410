// The model registry: a table of models, each with its name, one-line description, parameter
// spec and factory. The built-in table (every model family of every module) is in
// retailcast/catalog.h; the CLI help, `retailcast models`, the service's GET /v1/models and
// saved artifacts all read it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "retailcast/core/global_model.h"
#include "retailcast/core/model.h"
#include "retailcast/core/params.h"
#include "retailcast/core/status.h"

namespace retailcast {

struct ModelEntry {
  std::string name;
  std::string description;
  ParamSpec spec;
  // Builds an estimator from validated parameters. For a global model: its per-series form
  // (MakePerSeriesEstimator), used where a per-series model is expected.
  std::function<Result<std::unique_ptr<Estimator>>(const ParamValues&)> factory;
  // Set for global models only (global_model.h): builds the estimator that fits a whole panel
  // at once. The forecast engine, the backtest and trained model sets use it when it is set.
  std::function<Result<std::unique_ptr<GlobalEstimator>>(const ParamValues&)> global_factory =
      nullptr;

  bool is_global() const { return static_cast<bool>(global_factory); }
};

class ModelRegistry {
 public:
  // InvalidArgument when the name is taken.
  Status Register(ModelEntry entry);
  // NotFound listing the valid names when absent.
  Result<const ModelEntry*> Find(std::string_view name) const;
  const std::vector<ModelEntry>& entries() const { return entries_; }
  std::vector<std::string> names() const;
  // Parses `params` against the model's spec and builds the estimator.
  Result<std::unique_ptr<Estimator>> Create(
      std::string_view name, const std::vector<std::pair<std::string, std::string>>& params) const;
  Result<std::unique_ptr<Estimator>> Create(std::string_view name, const ParamValues& params) const;
  // The global estimator of a global model (validating `params` as Create does);
  // InvalidArgument when `name` is a per-series model, NotFound when it is unknown.
  Result<std::unique_ptr<GlobalEstimator>> CreateGlobal(std::string_view name,
                                                        const ParamValues& params) const;
  // The table as JSON, what GET /v1/models returns and `retailcast models --json` prints:
  // {"models": [{"name", "description", "params": [{"name", "type", "default", "min", "max",
  // "choices", "description"}, ...]}, ...]}; "default" is the spec's text, unbounded min/max
  // and empty choices are left out.
  std::string ToJson() const;

 private:
  std::vector<ModelEntry> entries_;
};

}  // namespace retailcast
