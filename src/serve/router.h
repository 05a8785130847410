// The path of every request through the service: the route table (routes.h) finds the route,
// then a keyed route passes the middleware in order
//   authentication (401) -> role (403) -> per-key rate limit (429) -> content type (415)
// and the route's handler (handlers/handlers.h) answers. Unknown paths get 404, known paths
// with another method 405 with Allow.
//
// Thread-safety: Route and RefreshKeys may be called concurrently from any number of threads.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string_view>

#include "api_exchange.h"
#include "auth.h"
#include "rate_limiter.h"
#include "retailcast/serve/key_store.h"
#include "routes.h"
#include "service_context.h"

namespace retailcast::serve {

class Router {
 public:
  // `context` must outlive the router; `keys` is the key table it authenticates against.
  Router(ServiceContext& context, KeyStore keys);
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Answers one request. A std::exception a handler throws becomes a reply: 503 for
  // std::bad_alloc (out of memory for this request), else a logged 500.
  ApiResponse Route(const ApiRequest& req, RequestInfo* info);

  // Re-reads the key table (the keys accepted, revocations); also records whether the store
  // could be read (ServiceContext::store_ok, retailcast_store_up). Store errors as returned.
  Status RefreshKeys();
  const KeyRing& keys() const { return keys_; }

 private:
  // The middleware of a keyed route, in order; nullopt lets the request through to its
  // handler. Sets info->key_id once the Authorization header names a key.
  std::optional<ApiResponse> Admit(const serve::Route& route, const ApiRequest& req,
                                   RequestInfo* info);
  // The key of the request; a key made after the last refresh is looked up again.
  Identity Authenticate(std::string_view authorization);
  // 429 with Retry-After when the key is over its rate limit.
  std::optional<ApiResponse> LimitRate(const Identity& id);
  // The route's handler.
  ApiResponse Dispatch(const RouteMatch& match, const ApiRequest& req);

  ServiceContext& context_;
  KeyStore key_store_;
  KeyRing keys_;
  RateLimiter limiter_;
  std::mutex key_refresh_mu_;
  std::chrono::steady_clock::time_point last_key_refresh_;
};

}  // namespace retailcast::serve
