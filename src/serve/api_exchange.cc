#include "api_exchange.h"

namespace retailcast::serve {

ApiResponse JsonReply(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ApiResponse ErrorReply(const ApiError& e) {
  ApiResponse r = JsonReply(e.http_status, e.ToJson());
  if (e.http_status == 401)
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"retailcast\"");
  return r;
}

ApiResponse StatusReply(const Status& s, nlohmann::json details) {
  return ErrorReply(ApiError::FromStatus(s, std::move(details)));
}

std::string JoinNames(const std::vector<std::string>& names, std::string_view separator) {
  std::string out;
  for (const auto& s : names) out += (out.empty() ? "" : std::string(separator)) + s;
  return out;
}

}  // namespace retailcast::serve
