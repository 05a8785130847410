// Errors of the HTTP API: every failure is answered as
//   {"error": {"code": "...", "message": "...", "details": {...}}}
// with a 4xx/5xx status. Library errors keep their StatusCode name as the code and get their
// HTTP status from HttpStatusFor, the one place where status codes map to HTTP; errors that
// only exist at the HTTP layer (no or a bad key, a refused role, a body too large, a rate
// limit, an unknown route or method) have codes of their own.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "retailcast/core/status.h"

namespace retailcast::serve {

// HTTP status of a library status code: InvalidArgument 400, NotFound 404, DataError 422
// (the request is well-formed JSON but the data in it is not acceptable), FailedPrecondition
// 409, NotSupported 501, IoError 503 (the store is busy or unavailable; retry), Internal 500.
// kOk gives 200.
int HttpStatusFor(StatusCode code);

struct ApiError {
  int http_status = 500;
  std::string code;  // StatusCodeName for library errors, else one of the kCode* below
  std::string message;
  nlohmann::json details = nlohmann::json::object();

  // From a library status (must not be OK), with optional details.
  static ApiError FromStatus(const Status& status,
                             nlohmann::json details = nlohmann::json::object());
  // The reply body.
  std::string ToJson() const;
};

// Codes of the errors that only exist at the HTTP layer.
inline constexpr std::string_view kCodeUnauthenticated = "Unauthenticated";            // 401
inline constexpr std::string_view kCodePermissionDenied = "PermissionDenied";          // 403
inline constexpr std::string_view kCodeRouteNotFound = "RouteNotFound";                // 404
inline constexpr std::string_view kCodeMethodNotAllowed = "MethodNotAllowed";          // 405
inline constexpr std::string_view kCodePayloadTooLarge = "PayloadTooLarge";            // 413
inline constexpr std::string_view kCodeUnsupportedMediaType = "UnsupportedMediaType";  // 415
inline constexpr std::string_view kCodeRateLimited = "RateLimited";                    // 429
inline constexpr std::string_view kCodeUnavailable = "Unavailable";                    // 503
inline constexpr std::string_view kCodeBadRequest = "BadRequest";  // 400 from the HTTP parser

ApiError HttpError(int http_status, std::string_view code, std::string message,
                   nlohmann::json details = nlohmann::json::object());

// The code and message the HTTP layer uses for a bare status it produced itself (e.g. 413 from
// the body limit, 400 for a malformed request line).
ApiError ErrorForBareStatus(int http_status);

}  // namespace retailcast::serve
