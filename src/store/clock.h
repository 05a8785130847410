// Wall-clock stamps for records the store writes.
#pragma once

#include <string>

namespace retailcast::store::internal {

// The current UTC time as ISO 8601 with milliseconds, e.g. "2024-05-01T12:34:56.789Z".
std::string NowIsoUtc();

}  // namespace retailcast::store::internal
