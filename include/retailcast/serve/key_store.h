// The service's API keys as the store keeps them: the table api_keys, which the serve module
// owns and declares through Store::EnsureTables (owner "serve"). The store never sees a key
// itself: the service hands out "rck_<key_id>_<secret>" once and keeps only the public
// key_id, the role and a salted hash of the secret (api_keys.h makes and checks them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/status.h"
#include "retailcast/store/store.h"

namespace retailcast::serve {

struct ApiKeyRecord {
  int64_t id = 0;          // assigned by KeyStore::Add
  std::string key_id;      // public part of the key; unique, shown by `retailcast keys list`
  std::string role;        // "reader", "writer" or "admin"
  std::string hash;        // salted hash of the secret part (scheme-prefixed text)
  std::string name;        // the operator's note, e.g. "replenishment job"; may be empty
  std::string created_at;  // ISO 8601 UTC, stamped by KeyStore::Add
  std::string revoked_at;  // ISO 8601 UTC; empty while the key is active
};

// The key table of one store. Cheap to make; holds a pointer to the store, which must
// outlive it.
//
// Thread-safety: as the Store's: calls may come from any thread and are serialized by it.
class KeyStore {
 public:
  // Makes sure the store has the serve module's tables (creating or migrating them once per
  // store). Errors of Store::EnsureTables: FailedPrecondition when the store has them at a
  // newer version than this build knows; IoError when the database fails.
  static Result<KeyStore> Open(store::Store& store);

  // Stores `record` (its id and created_at are assigned; revoked_at must be empty) and
  // returns it as stored. InvalidArgument for an empty key_id or hash, a role other than
  // reader/writer/admin, a revoked_at, or a key_id that exists.
  Result<ApiKeyRecord> Add(ApiKeyRecord record);
  // Every key, revoked ones included, oldest first.
  Result<std::vector<ApiKeyRecord>> List();
  // Marks key `key_id` revoked now (it stays listed). NotFound for an unknown key_id (listing
  // the active ones); FailedPrecondition when it was revoked already.
  Status Revoke(std::string_view key_id);

 private:
  explicit KeyStore(store::Store* store) : store_(store) {}
  store::Store* store_;
};

}  // namespace retailcast::serve
