#include "retailcast/core/model.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace retailcast {

Status ValidatePredictRequest(const PredictRequest& request) {
  if (request.horizon < 1) {
    return Status::InvalidArgument("horizon must be at least 1, got " +
                                   std::to_string(request.horizon));
  }
  if (request.horizon > kMaxHorizon) {
    return Status::InvalidArgument("horizon " + std::to_string(request.horizon) +
                                   " is larger than the maximum of " + std::to_string(kMaxHorizon));
  }
  for (double level : request.levels) {
    if (!(level > 0 && level < 100)) {
      char text[32];
      std::snprintf(text, sizeof text, "%g", level);
      return Status::InvalidArgument(std::string("interval level ") + text +
                                     " is outside (0, 100); give levels in percent, e.g. 80,95");
    }
  }
  return Status::Ok();
}

std::span<const double> FutureRegressors::Find(std::string_view name) const {
  for (size_t k = 0; k < names.size(); ++k) {
    if (names[k] == name) return values[k];
  }
  return {};
}

Status FutureRegressors::Require(std::string_view name, int horizon, std::string_view model,
                                 std::string_view series) const {
  const std::string who =
      "model '" + std::string(model) + "', series '" + std::string(series) + "': ";
  std::span<const double> v = Find(name);
  std::vector<int> missing;
  for (int t = 0; t < horizon; ++t) {
    if (static_cast<size_t>(t) >= v.size() || std::isnan(v[static_cast<size_t>(t)])) {
      missing.push_back(t);
    }
  }
  if (missing.empty()) return Status::Ok();
  constexpr size_t kListed = 5;
  std::string dates;
  for (size_t i = 0; i < missing.size() && i < kListed; ++i) {
    dates += (i ? ", " : "") + freq.Advance(start, missing[i]).ToString();
  }
  if (missing.size() > kListed) {
    dates += " and " + std::to_string(missing.size() - kListed) + " more";
  }
  return Status::InvalidArgument(
      who + "the model was fitted with regressor '" + std::string(name) +
      "' but its future values are missing for " + std::to_string(missing.size()) + " of the " +
      std::to_string(horizon) + " forecast dates (" + dates +
      "); give them in the future file (--future) or fit without this regressor");
}

}  // namespace retailcast
