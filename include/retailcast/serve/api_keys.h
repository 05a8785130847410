// API keys of the service: roles, making a key, and checking one.
//
// A key reads "rck_<key_id>_<secret>": key_id is 16 hex digits (public, it names the key in
// `retailcast keys list` and in access logs), secret is 32 random bytes in unpadded base64url.
// The store keeps only the key_id, the role and a salted hash of the secret (key_store.h), in
// one of two schemes:
//   argon2id       libsodium's crypto_pwhash_str (random salt, t = 2, m = 19 MiB: the OWASP
//                  minimum for argon2id), used when no server secret is configured;
//   hmac-sha256    "hmac-sha256$<salt hex>$<mac hex>" with mac = HMAC-SHA-256(server secret,
//                  salt || secret), used when a server secret (>= 32 bytes) is configured:
//                  a stolen store is then useless without the secret, and checking a key
//                  costs a microsecond instead of tens of milliseconds.
// Secrets are compared in constant time. Keys carry 256 random bits, so the hash protects a
// leaked store, not a guessable password.
#pragma once

#include <string>
#include <string_view>

#include "retailcast/core/status.h"
#include "retailcast/serve/key_store.h"
#include "retailcast/store/store.h"

namespace retailcast::serve {

// Roles in increasing power: a writer may do what a reader may, an admin everything.
enum class Role { kReader = 0, kWriter = 1, kAdmin = 2 };

std::string_view RoleName(Role role);
// "reader" / "writer" / "admin"; InvalidArgument naming the choices otherwise.
Result<Role> ParseRole(std::string_view text);

// Shortest server secret accepted (bytes).
inline constexpr size_t kMinServerSecretBytes = 32;

// The server secret: the contents of `file` when non-empty (one trailing newline dropped),
// else the environment variable RETAILCAST_SERVER_SECRET, else empty (no secret).
// NotFound / IoError when the file cannot be read; InvalidArgument when the secret is shorter
// than kMinServerSecretBytes.
Result<std::string> LoadServerSecret(const std::string& file);

struct IssuedKey {
  std::string key;      // the full key; shown once, never stored
  ApiKeyRecord record;  // as stored
};

// Makes a new random key with `role` and stores its hash (hmac-sha256 when `server_secret` is
// non-empty, else argon2id). InvalidArgument for a server secret that is too short; Internal
// when libsodium cannot initialise or hash; errors of KeyStore::Open and KeyStore::Add.
Result<IssuedKey> IssueApiKey(store::Store& store, Role role, std::string_view name,
                              std::string_view server_secret);

// The two parts of a key.
struct KeyParts {
  std::string_view key_id;
  std::string_view secret;
};
// Splits "rck_<16 hex>_<43 base64url>"; InvalidArgument (without echoing the key) otherwise.
Result<KeyParts> ParseApiKey(std::string_view key);
// Whether `key` looks like a key (a full one, not just a key_id).
bool LooksLikeApiKey(std::string_view key);

// Whether `secret` matches the stored `hash` (constant-time comparison).
// InvalidArgument for a hash in no known scheme; FailedPrecondition for an hmac-sha256 hash
// when `server_secret` is empty.
Result<bool> VerifySecret(std::string_view hash, std::string_view secret,
                          std::string_view server_secret);

// "argon2id" or "hmac-sha256" for a stored hash, "unknown" otherwise.
std::string_view HashScheme(std::string_view hash);

}  // namespace retailcast::serve
