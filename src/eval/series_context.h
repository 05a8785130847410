// Internal to src/eval: how a per-series error names its series and model.
#pragma once

#include <string>
#include <string_view>

#include "retailcast/core/status.h"

namespace retailcast::eval {

// `s` with "series 'id', model 'label': " in front, unless its message names both already
// (per-series models start theirs with "model 'name', series 'id': ", models/model_util.h),
// so that no error says it twice.
inline Status WithSeriesContext(const Status& s, std::string_view series, std::string_view label) {
  const std::string series_part = "series '" + std::string(series) + "'";
  const std::string model_part = "model '" + std::string(label) + "'";
  const std::string& message = s.message();
  if (message.find(series_part) != std::string::npos &&
      message.find(model_part) != std::string::npos) {
    return s;
  }
  return s.WithContext(series_part + ", " + model_part);
}

}  // namespace retailcast::eval
