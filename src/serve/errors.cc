#include "errors.h"

#include "retailcast/core/json_writer.h"

namespace retailcast::serve {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kDataError:
      return 422;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kNotSupported:
      return 501;
    case StatusCode::kIoError:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

ApiError ApiError::FromStatus(const Status& status, nlohmann::json details) {
  ApiError e;
  e.http_status = HttpStatusFor(status.code());
  e.code = std::string(StatusCodeName(status.code()));
  e.message = status.message();
  e.details = std::move(details);
  return e;
}

std::string ApiError::ToJson() const {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("error");
  w.BeginObject();
  w.Key("code");
  w.String(code);
  w.Key("message");
  w.String(message);
  w.Key("details");
  // nlohmann throws on invalid UTF-8 in dump(); replace instead (details may quote input).
  w.Raw(details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  w.EndObject();
  w.EndObject();
  return out;
}

ApiError HttpError(int http_status, std::string_view code, std::string message,
                   nlohmann::json details) {
  ApiError e;
  e.http_status = http_status;
  e.code = std::string(code);
  e.message = std::move(message);
  e.details = std::move(details);
  return e;
}

ApiError ErrorForBareStatus(int http_status) {
  switch (http_status) {
    case 400:
      return HttpError(400, kCodeBadRequest, "the HTTP request is malformed");
    case 404:
      return HttpError(404, kCodeRouteNotFound, "no such route; see GET /v1/openapi.json");
    case 413:
      return HttpError(413, kCodePayloadTooLarge,
                       "the request body is larger than the server's limit (limits.max_body_bytes "
                       "in the deployment config); split the batch into smaller requests");
    case 414:
      return HttpError(414, kCodeBadRequest, "the request URI is too long");
    case 416:
      return HttpError(416, kCodeBadRequest, "range requests are not supported");
    default:
      break;
  }
  if (http_status >= 500) {
    return HttpError(http_status, std::string(StatusCodeName(StatusCode::kInternal)),
                     "internal server error");
  }
  return HttpError(http_status, kCodeBadRequest, "the request was refused");
}

}  // namespace retailcast::serve
