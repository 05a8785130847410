// Parameter specs: one table per model (name, type, default, bounds, description) drives
// parsing, validation, --help text, GET /v1/models and what is saved with a fitted model.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "retailcast/core/status.h"

namespace retailcast {

enum class ParamType { kInt, kDouble, kBool, kString };

struct ParamDef {
  std::string name;
  ParamType type = ParamType::kInt;
  std::string default_value;  // as text, e.g. "0", "0.5", "true", "additive"
  double min = -1e300;        // inclusive bounds for kInt / kDouble
  double max = 1e300;
  std::vector<std::string> choices;  // allowed values for kString; empty = any text
  std::string description;
};

using ParamSpec = std::vector<ParamDef>;
using ParamValue = std::variant<int64_t, double, bool, std::string>;

// Validated values of every parameter of a spec (defaults filled in).
class ParamValues {
 public:
  int64_t GetInt(std::string_view name) const;
  double GetDouble(std::string_view name) const;  // also reads kInt values
  bool GetBool(std::string_view name) const;
  const std::string& GetString(std::string_view name) const;
  bool Has(std::string_view name) const { return values_.find(std::string(name)) != values_.end(); }
  void Set(std::string name, ParamValue value) { values_[std::move(name)] = std::move(value); }
  const std::map<std::string, ParamValue>& values() const { return values_; }
  // {"name": value, ...} as compact JSON, keys sorted.
  std::string ToJson() const;

 private:
  std::map<std::string, ParamValue> values_;
};

// Builds values from "key=value" texts: unknown keys, unparseable values, values out of
// bounds and values not among the choices are InvalidArgument errors naming the key, the
// value and what was expected (never clamped). Missing keys get their default.
Result<ParamValues> ParseParams(const ParamSpec& spec,
                                const std::vector<std::pair<std::string, std::string>>& kv,
                                std::string_view owner);
// A JSON parameter value as ParseParams reads it: a string as it is, a boolean true/false, a
// number in full precision. False (and *text untouched) for anything else.
bool ParamTextFromJson(const nlohmann::json& value, std::string* text);
// Same as ParseParams from a JSON object text (values as ParamTextFromJson gives them).
Result<ParamValues> ParseParamsJson(const ParamSpec& spec, std::string_view json,
                                    std::string_view owner);
// "a=1,b=2" -> {{"a","1"},{"b","2"}}. An item without '=' continues the previous value, so
// list values keep their commas: "models=theta,mstl,method=mean" -> {{"models","theta,mstl"},
// {"method","mean"}}. InvalidArgument when the first item has no '=' or an empty key.
Result<std::vector<std::pair<std::string, std::string>>> SplitKeyValues(std::string_view text);

// A value as the text ParseParams reads back to the same value (doubles with 17 significant
// digits), so values built in code go through the same validation as values a user typed.
std::string ParamValueText(const ParamValue& value);

std::string_view ParamTypeName(ParamType type);
// Multi-line human-readable description of a spec (used in --help and `models`).
std::string DescribeSpec(const ParamSpec& spec);

}  // namespace retailcast
