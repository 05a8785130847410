// One request to the API and its reply, independent of the HTTP library (server.cc converts
// from and to cpp-httplib; tests, the fuzz target and the benchmarks build them directly), and
// the builders every handler makes its replies with, so that an error reply has one shape
// whichever handler produced it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "errors.h"
#include "retailcast/core/status.h"

namespace retailcast::serve {

struct ApiRequest {
  std::string_view method;         // "GET", "POST", ... ("HEAD" is answered like GET)
  std::string_view path;           // without the query string
  std::string_view authorization;  // the Authorization header; empty when absent
  std::string_view content_type;   // empty when absent
  std::string_view body;
};

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string_view content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

// What the HTTP layer logs about a request besides what it knows itself.
struct RequestInfo {
  std::string_view route = "unmatched";  // the route template
  std::string key_id;
};

// A JSON reply with `status` and `body`.
ApiResponse JsonReply(int status, std::string body);
// The reply of an error; a 401 also carries the WWW-Authenticate challenge (RFC 7235).
ApiResponse ErrorReply(const ApiError& e);
// The reply of a library status (must not be OK), with optional details.
ApiResponse StatusReply(const Status& s, nlohmann::json details = nlohmann::json::object());

// "a, b, c": names listed in error messages.
std::string JoinNames(const std::vector<std::string>& names, std::string_view separator = ", ");

}  // namespace retailcast::serve
