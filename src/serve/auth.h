// Authentication inside the server: which keys are accepted right now, and who is calling.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "retailcast/serve/api_keys.h"
#include "retailcast/serve/key_store.h"

namespace retailcast::serve {

// The prefix of every key.
inline constexpr std::string_view kKeyPrefix = "rck_";

// OK once libsodium is initialised (Internal when it cannot be).
Status InitSodium();
// The stored hash of a key's secret: hmac-sha256 under `server_secret` when it is non-empty,
// else argon2id (serve_keys.h describes both). Internal when argon2id runs out of memory.
Result<std::string> HashSecret(std::string_view secret, std::string_view server_secret);

// Why a request was or was not authenticated.
enum class AuthOutcome {
  kOk,
  kMissing,         // no Authorization header
  kMalformed,       // not "Bearer rck_<key_id>_<secret>"
  kUnknownKey,      // no key has this key_id (yet: the caller may refresh and retry)
  kRevoked,         // the key was revoked
  kWrongSecret,     // the key_id exists but the secret does not match
  kNoServerSecret,  // an hmac-sha256 key while the server has no secret configured
};
// "ok", "missing", "malformed", "unknown_key", "revoked", "wrong_secret", "no_server_secret"
// (the `reason` label of the auth failure metric).
std::string_view AuthOutcomeName(AuthOutcome outcome);

struct Identity {
  AuthOutcome outcome = AuthOutcome::kMissing;
  Role role = Role::kReader;
  std::string key_id;  // set once the header parsed
};

// The keys the server accepts: a snapshot of the store's key table, replaced on every refresh,
// and a cache of secrets already verified, so the deliberately slow argon2id check runs once
// per key and process (the cache holds a BLAKE2b digest of the secret under a random
// per-process key, compared in constant time, never the secret). At most two argon2id checks
// run at a time, so a flood of wrong secrets cannot take every core and 19 MiB per thread.
//
// Thread-safety: all methods may be called concurrently.
class KeyRing {
 public:
  explicit KeyRing(std::string server_secret);

  // Makes `keys` the accepted set (revoked ones are remembered as revoked). Cached
  // verifications of keys no longer active are dropped.
  void Replace(const std::vector<ApiKeyRecord>& keys);
  // Checks an Authorization header value (empty = absent).
  Identity Authenticate(std::string_view authorization) const;

  size_t active_keys() const;
  // Active keys whose hash needs a server secret this server does not have.
  size_t unusable_keys() const;

 private:
  struct Entry {
    Role role = Role::kReader;
    std::string hash;
    bool revoked = false;
  };
  using Digest = std::array<unsigned char, 32>;
  Digest DigestOf(std::string_view secret) const;

  std::string server_secret_;
  std::array<unsigned char, 32> cache_key_{};
  mutable std::mutex mu_;
  std::shared_ptr<const std::unordered_map<std::string, Entry>> keys_;
  mutable std::unordered_map<std::string, Digest> verified_;
  mutable std::counting_semaphore<2> slow_checks_{2};
};

}  // namespace retailcast::serve
