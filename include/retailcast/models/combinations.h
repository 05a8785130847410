// Models built from other registered models (src/models/combinations; the catalog lists them):
//   combo.cc        combo: mean or median of several models' forecasts
//   auto_select.cc  auto: per-series choice among candidates by a rolling-origin backtest
// Both build their members through a registry and run them through eval's model runner; the
// selection scores candidates with eval's backtest (BacktestSeries).
#pragma once

#include <initializer_list>
#include <memory>
#include <string_view>

#include "retailcast/core/model.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/params.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/status.h"

namespace retailcast::models {

inline constexpr std::string_view kComboName = "combo";
inline constexpr std::string_view kAutoName = "auto";

// Parameter tables (param_table.h); a model's spec is its table's Spec().
const ParamTableBase& ComboParamTable();
const ParamTableBase& AutoParamTable();

// Factories: `params` validated against the matching spec; members are built through
// `registry`, which must outlive the estimator. NotFound for an unknown member name,
// InvalidArgument for an empty list, a member listed twice, or a member that is itself an
// ensemble the model cannot contain (combo in combo, auto in anything).
Result<std::unique_ptr<Estimator>> MakeCombo(const ParamValues& params,
                                             const ModelRegistry& registry);
Result<std::unique_ptr<Estimator>> MakeAuto(const ParamValues& params,
                                            const ModelRegistry& registry);

// InvalidArgument when the comma-separated `names` lists one of `forbidden` (checked before
// the registry is asked, so the error says why rather than "unknown model").
Status RejectMembers(std::string_view model, std::string_view names,
                     std::initializer_list<std::string_view> forbidden);

}  // namespace retailcast::models
