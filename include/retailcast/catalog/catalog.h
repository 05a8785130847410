// The catalog: the one explicit table of every built-in model (src/catalog/builtin_models.cc).
// It sits above every module that defines models (models/ for the per-series families, eval/
// for ensembles and per-series selection, which need the backtest), so it is its own module.
#pragma once

#include "retailcast/core/registry.h"

namespace retailcast {

// Adds every built-in model, in table order.
void RegisterBuiltinModels(ModelRegistry& registry);
// A process-wide registry holding the built-in models, built on first use (thread-safe).
const ModelRegistry& BuiltinRegistry();

}  // namespace retailcast
