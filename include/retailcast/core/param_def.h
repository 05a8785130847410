// Building the ParamDef rows of a model's spec (params.h) with every field given, as the
// model families write their specs.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "retailcast/core/params.h"

namespace retailcast {

inline ParamDef MakeParamDef(std::string name, ParamType type, std::string default_value,
                             double min, double max, std::string description,
                             std::vector<std::string> choices = {}) {
  ParamDef d;
  d.name = std::move(name);
  d.type = type;
  d.default_value = std::move(default_value);
  d.min = min;
  d.max = max;
  d.choices = std::move(choices);
  d.description = std::move(description);
  return d;
}

// An integer parameter within [min, max].
inline ParamDef IntParamDef(std::string name, int64_t default_value, int64_t min, int64_t max,
                            std::string description) {
  return MakeParamDef(std::move(name), ParamType::kInt, std::to_string(default_value),
                      static_cast<double>(min), static_cast<double>(max), std::move(description));
}

}  // namespace retailcast
