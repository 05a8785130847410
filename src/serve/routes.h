// The routes of the API: one table, matched by plain string comparison.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "retailcast/serve/api_keys.h"

namespace retailcast::serve {

enum class RouteId {
  kHealthz,
  kReadyz,
  kMetrics,
  kOpenApi,
  kForecast,
  kModels,
  kActuals,
  kArtifacts,
  kPromote,
  kRollback,
};

struct Route {
  std::string_view method;
  std::string_view path;  // template; "{id}" is one path segment
  RouteId id;
  bool needs_key;
  Role role;  // the least role allowed (when needs_key)
};

// Every route, in the order of the table in serve.h.
std::span<const Route> Routes();

struct RouteMatch {
  const Route* route = nullptr;
  std::string id;     // the {id} segment
  std::string allow;  // set when the path exists but not for this method: "GET, HEAD"
};
RouteMatch MatchRoute(std::string_view method, std::string_view path);

}  // namespace retailcast::serve
