#include "routes.h"

namespace retailcast::serve {
namespace {

constexpr Route kRoutes[] = {
    {"GET", "/healthz", RouteId::kHealthz, false, Role::kReader},
    {"GET", "/readyz", RouteId::kReadyz, false, Role::kReader},
    {"GET", "/metrics", RouteId::kMetrics, false, Role::kReader},
    {"GET", "/v1/openapi.json", RouteId::kOpenApi, false, Role::kReader},
    {"POST", "/v1/forecast", RouteId::kForecast, true, Role::kReader},
    {"GET", "/v1/models", RouteId::kModels, true, Role::kReader},
    {"POST", "/v1/actuals", RouteId::kActuals, true, Role::kWriter},
    {"GET", "/v1/artifacts", RouteId::kArtifacts, true, Role::kAdmin},
    {"POST", "/v1/artifacts/{id}/promote", RouteId::kPromote, true, Role::kAdmin},
    {"POST", "/v1/artifacts/{id}/rollback", RouteId::kRollback, true, Role::kAdmin},
};

// Whether `path` matches `pattern`, a template whose "{id}" matches one non-empty segment.
bool PathMatches(std::string_view pattern, std::string_view path, std::string* id) {
  const size_t brace = pattern.find("{id}");
  if (brace == std::string_view::npos) return pattern == path;
  const std::string_view head = pattern.substr(0, brace);
  const std::string_view tail = pattern.substr(brace + 4);
  if (path.size() <= head.size() + tail.size() || path.substr(0, head.size()) != head ||
      path.substr(path.size() - tail.size()) != tail) {
    return false;
  }
  const std::string_view segment =
      path.substr(head.size(), path.size() - head.size() - tail.size());
  if (segment.find('/') != std::string_view::npos) return false;
  *id = std::string(segment);
  return true;
}

}  // namespace

std::span<const Route> Routes() { return kRoutes; }

RouteMatch MatchRoute(std::string_view method, std::string_view path) {
  RouteMatch m;
  const std::string_view as = method == "HEAD" ? std::string_view("GET") : method;
  for (const Route& r : kRoutes) {
    std::string id;
    if (!PathMatches(r.path, path, &id)) continue;
    if (r.method == as) {
      m.route = &r;
      m.id = std::move(id);
      m.allow.clear();
      return m;
    }
    m.allow += (m.allow.empty() ? "" : ", ") + std::string(r.method);
    if (r.method == "GET") m.allow += ", HEAD";
  }
  return m;
}

}  // namespace retailcast::serve
