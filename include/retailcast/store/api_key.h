// An API key of the service (`retailcast serve`) as the store keeps it. The store never sees
// the key itself: the service hands out "rck_<key_id>_<secret>" once and keeps only the public
// key_id, the role and a salted hash of the secret (src/serve/auth.h makes and checks them).
#pragma once

#include <cstdint>
#include <string>

namespace retailcast::store {

struct ApiKeyRecord {
  int64_t id = 0;          // assigned by AddApiKey
  std::string key_id;      // public part of the key; unique, shown by `retailcast keys list`
  std::string role;        // "reader", "writer" or "admin"
  std::string hash;        // salted hash of the secret part (scheme-prefixed text)
  std::string name;        // the operator's note, e.g. "replenishment job"; may be empty
  std::string created_at;  // ISO 8601 UTC, stamped by AddApiKey
  std::string revoked_at;  // ISO 8601 UTC; empty while the key is active
};

}  // namespace retailcast::store
