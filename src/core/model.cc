#include "retailcast/model.h"

#include <cmath>
#include <cstdio>
#include <string>

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

}  // namespace retailcast
