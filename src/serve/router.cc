#include "router.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "handlers/handlers.h"

namespace retailcast::serve {
namespace {

ApiResponse Unauthenticated(AuthOutcome outcome) {
  std::string message =
      outcome == AuthOutcome::kMissing
          ? "this route needs an API key: send 'Authorization: Bearer <key>' (an "
            "operator makes one with `retailcast keys create --role reader`)"
      : outcome == AuthOutcome::kMalformed
          ? "the Authorization header must be 'Bearer rck_<key_id>_<secret>'"
          : "the API key is not valid (unknown, revoked or wrong); ask an operator for a "
            "key (`retailcast keys list` shows the active ones)";
  return ErrorReply(HttpError(401, kCodeUnauthenticated, std::move(message)));
}

ApiResponse PermissionDenied(const Route& route, const Identity& id) {
  return ErrorReply(
      HttpError(403, kCodePermissionDenied,
                std::string(route.method) + " " + std::string(route.path) + " needs the " +
                    std::string(RoleName(route.role)) + " role; key " + id.key_id + " has " +
                    std::string(RoleName(id.role)),
                {{"required_role", RoleName(route.role)}, {"key_role", RoleName(id.role)}}));
}

// 415 unless a POST body is JSON; a POST without a Content-Type is read as JSON.
std::optional<ApiResponse> CheckContentType(const Route& route, const ApiRequest& req) {
  if (route.method != "POST" || req.content_type.empty()) return std::nullopt;
  const std::string_view type = req.content_type.substr(0, req.content_type.find(';'));
  if (type == "application/json") return std::nullopt;
  return ErrorReply(HttpError(415, kCodeUnsupportedMediaType,
                              "the body must be JSON: send 'Content-Type: application/json' "
                              "(got '" +
                                  std::string(type) + "')"));
}

}  // namespace

Router::Router(ServiceContext& context, KeyStore keys)
    : context_(context),
      key_store_(keys),
      keys_(context.options.server_secret),
      limiter_(context.options.rate_limit_rps, context.options.rate_limit_burst) {}

ApiResponse Router::Route(const ApiRequest& req, RequestInfo* info) {
  RouteMatch m = MatchRoute(req.method, req.path);
  if (m.route == nullptr) {
    if (!m.allow.empty()) {
      ApiResponse r = ErrorReply(HttpError(405, kCodeMethodNotAllowed,
                                           "method " + std::string(req.method) +
                                               " is not allowed "
                                               "on " +
                                               std::string(req.path) + "; use " + m.allow,
                                           {{"allow", m.allow}}));
      r.headers.emplace_back("Allow", m.allow);
      return r;
    }
    return ErrorReply(ErrorForBareStatus(404));
  }
  info->route = m.route->path;
  try {
    if (m.route->needs_key) {
      if (std::optional<ApiResponse> refused = Admit(*m.route, req, info)) {
        return std::move(*refused);
      }
    }
    return Dispatch(m, req);
  } catch (const std::bad_alloc&) {
    return ErrorReply(HttpError(503, kCodeUnavailable,
                                "the server ran out of memory for this request; send a smaller "
                                "batch"));
  } catch (const std::exception& e) {
    context_.logs->Event(LogLevel::kError, "unexpected exception in a handler",
                         {{"route", std::string(m.route->path)}, {"what", e.what()}});
    return StatusReply(Status::Internal(std::string("unexpected exception: ") + e.what()));
  }
}

std::optional<ApiResponse> Router::Admit(const serve::Route& route, const ApiRequest& req,
                                         RequestInfo* info) {
  Identity id = Authenticate(req.authorization);
  info->key_id = id.key_id;
  if (id.outcome != AuthOutcome::kOk) {
    context_.metrics.auth_failures->WithLabels({AuthOutcomeName(id.outcome)}).Inc();
    return Unauthenticated(id.outcome);
  }
  if (static_cast<int>(id.role) < static_cast<int>(route.role)) {
    return PermissionDenied(route, id);
  }
  if (std::optional<ApiResponse> limited = LimitRate(id)) return limited;
  // Where the handler's own work starts: tests hold requests here (ServerOptions).
  if (context_.options.before_handle) context_.options.before_handle(route.path);
  return CheckContentType(route, req);
}

std::optional<ApiResponse> Router::LimitRate(const Identity& id) {
  double retry_after = 0;
  if (limiter_.Allow(id.key_id, RateLimiter::Clock::now(), &retry_after)) return std::nullopt;
  context_.metrics.rate_limited->Inc();
  const int seconds = std::max(1, static_cast<int>(std::ceil(retry_after)));
  ApiResponse r =
      ErrorReply(HttpError(429, kCodeRateLimited,
                           "key " + id.key_id + " is over its rate limit of " +
                               std::to_string(context_.options.rate_limit_rps) +
                               " requests/s; retry after " + std::to_string(seconds) + " s",
                           {{"retry_after_s", seconds}}));
  r.headers.emplace_back("Retry-After", std::to_string(seconds));
  return r;
}

Identity Router::Authenticate(std::string_view authorization) {
  Identity id = keys_.Authenticate(authorization);
  if (id.outcome != AuthOutcome::kUnknownKey) return id;
  // A key made after the last refresh: look again now, but at most once a second, so unknown
  // keys cannot make every request read the store.
  bool refreshed = false;
  {
    std::unique_lock lock(key_refresh_mu_);
    if (std::chrono::steady_clock::now() - last_key_refresh_ >= std::chrono::seconds(1)) {
      lock.unlock();
      refreshed = RefreshKeys().ok();
    }
  }
  return refreshed ? keys_.Authenticate(authorization) : id;
}

Status Router::RefreshKeys() {
  Result<std::vector<ApiKeyRecord>> keys = key_store_.List();
  {
    std::lock_guard lock(key_refresh_mu_);
    last_key_refresh_ = std::chrono::steady_clock::now();
  }
  context_.store_ok.store(keys.ok());
  context_.metrics.store_up->Set(keys.ok() ? 1 : 0);
  if (!keys.ok()) return keys.status();
  keys_.Replace(*keys);
  context_.metrics.keys_active->Set(static_cast<double>(keys_.active_keys()));
  return Status::Ok();
}

ApiResponse Router::Dispatch(const RouteMatch& match, const ApiRequest& req) {
  switch (match.route->id) {
    case RouteId::kHealthz:
      return GetHealthz();
    case RouteId::kReadyz:
      return GetReadyz(context_);
    case RouteId::kMetrics:
      return GetMetrics(context_);
    case RouteId::kOpenApi:
      return GetOpenApi();
    case RouteId::kForecast:
      return PostForecast(context_, req);
    case RouteId::kModels:
      return GetModels(context_);
    case RouteId::kActuals:
      return PostActuals(context_, req);
    case RouteId::kArtifacts:
      return GetArtifacts(context_);
    case RouteId::kPromote:
      return PromoteArtifact(context_, match.id);
    case RouteId::kRollback:
      return RollbackArtifact(context_, match.id);
  }
  return StatusReply(Status::Internal("route without a handler"));
}

}  // namespace retailcast::serve
