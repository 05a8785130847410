// API keys: roles, hashing, parsing and checking them (serve_keys.h), and the server's
// KeyRing.
#include "auth.h"

#include <sodium.h>

namespace retailcast::serve {
namespace {

constexpr size_t kKeyIdHexChars = 16;
constexpr size_t kSecretChars = 43;  // unpadded base64url of 32 bytes
constexpr size_t kSaltBytes = 16;
constexpr std::string_view kHmacScheme = "hmac-sha256$";
constexpr std::string_view kArgonScheme = "$argon2id$";
// OWASP Password Storage Cheat Sheet, minimum argon2id configuration: t = 2, m = 19 MiB, p = 1.
constexpr unsigned long long kArgonOps = 2;
constexpr size_t kArgonMemory = size_t{19} << 20;

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsBase64Url(std::string_view s) {
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_')) {
      return false;
    }
  }
  return true;
}

std::string Hex(const unsigned char* bytes, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

bool FromHex(std::string_view hex, unsigned char* out, size_t n) {
  if (hex.size() != n * 2 || !IsHex(hex)) return false;
  size_t written = 0;
  return sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &written, nullptr) == 0 &&
         written == n;
}

void HmacOf(std::string_view server_secret, const unsigned char* salt, std::string_view secret,
            unsigned char mac[crypto_auth_hmacsha256_BYTES]) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(server_secret.data()),
                              server_secret.size());
  crypto_auth_hmacsha256_update(&st, salt, kSaltBytes);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(secret.data()),
                                secret.size());
  crypto_auth_hmacsha256_final(&st, mac);
  sodium_memzero(&st, sizeof st);
}

}  // namespace

Status InitSodium() {
  static const int kSodiumInit = sodium_init();
  if (kSodiumInit < 0) return Status::Internal("libsodium failed to initialise");
  return Status::Ok();
}

Result<std::string> HashSecret(std::string_view secret, std::string_view server_secret) {
  if (!server_secret.empty()) {
    unsigned char salt[kSaltBytes];
    randombytes_buf(salt, sizeof salt);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    HmacOf(server_secret, salt, secret, mac);
    return std::string(kHmacScheme) + Hex(salt, sizeof salt) + "$" + Hex(mac, sizeof mac);
  }
  char out[crypto_pwhash_argon2id_STRBYTES];
  if (crypto_pwhash_argon2id_str(out, secret.data(), secret.size(), kArgonOps, kArgonMemory) != 0) {
    return Status::Internal("argon2id hashing failed (out of memory?)");
  }
  return std::string(out);
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kReader:
      return "reader";
    case Role::kWriter:
      return "writer";
    case Role::kAdmin:
      return "admin";
  }
  return "reader";
}

Result<Role> ParseRole(std::string_view text) {
  if (text == "reader") return Role::kReader;
  if (text == "writer") return Role::kWriter;
  if (text == "admin") return Role::kAdmin;
  return Status::InvalidArgument("unknown role '" + std::string(text) +
                                 "'; expected reader, writer or admin");
}

Result<KeyParts> ParseApiKey(std::string_view key) {
  const size_t expected = kKeyPrefix.size() + kKeyIdHexChars + 1 + kSecretChars;
  if (key.size() != expected || key.substr(0, kKeyPrefix.size()) != kKeyPrefix ||
      key[kKeyPrefix.size() + kKeyIdHexChars] != '_') {
    return Status::InvalidArgument("not an API key: expected rck_<16 hex digits>_<43 characters>");
  }
  KeyParts parts{key.substr(kKeyPrefix.size(), kKeyIdHexChars),
                 key.substr(kKeyPrefix.size() + kKeyIdHexChars + 1)};
  if (!IsHex(parts.key_id) || !IsBase64Url(parts.secret)) {
    return Status::InvalidArgument(
        "not an API key: the key_id must be lowercase hex and the secret base64url");
  }
  return parts;
}

bool LooksLikeApiKey(std::string_view key) { return ParseApiKey(key).ok(); }

std::string_view HashScheme(std::string_view hash) {
  if (hash.substr(0, kArgonScheme.size()) == kArgonScheme) return "argon2id";
  if (hash.substr(0, kHmacScheme.size()) == kHmacScheme) return "hmac-sha256";
  return "unknown";
}

Result<bool> VerifySecret(std::string_view hash, std::string_view secret,
                          std::string_view server_secret) {
  RETAILCAST_RETURN_IF_ERROR(InitSodium());
  const std::string_view scheme = HashScheme(hash);
  if (scheme == "argon2id") {
    const std::string text(hash);  // crypto_pwhash_str_verify wants a NUL-terminated string
    return crypto_pwhash_argon2id_str_verify(text.c_str(), secret.data(), secret.size()) == 0;
  }
  if (scheme == "hmac-sha256") {
    if (server_secret.empty()) {
      return Status::FailedPrecondition(
          "the key was made with a server secret (hmac-sha256) but this server has none; "
          "configure auth.server_secret_file or RETAILCAST_SERVER_SECRET");
    }
    std::string_view rest = hash.substr(kHmacScheme.size());
    const size_t dollar = rest.find('$');
    unsigned char salt[kSaltBytes];
    unsigned char stored[crypto_auth_hmacsha256_BYTES];
    if (dollar == std::string_view::npos || !FromHex(rest.substr(0, dollar), salt, sizeof salt) ||
        !FromHex(rest.substr(dollar + 1), stored, sizeof stored)) {
      return Status::InvalidArgument("malformed hmac-sha256 key hash in the store");
    }
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    HmacOf(server_secret, salt, secret, mac);
    return sodium_memcmp(mac, stored, sizeof mac) == 0;
  }
  return Status::InvalidArgument(
      "the stored key hash is in no known scheme (expected argon2id "
      "or hmac-sha256)");
}

std::string_view AuthOutcomeName(AuthOutcome outcome) {
  switch (outcome) {
    case AuthOutcome::kOk:
      return "ok";
    case AuthOutcome::kMissing:
      return "missing";
    case AuthOutcome::kMalformed:
      return "malformed";
    case AuthOutcome::kUnknownKey:
      return "unknown_key";
    case AuthOutcome::kRevoked:
      return "revoked";
    case AuthOutcome::kWrongSecret:
      return "wrong_secret";
    case AuthOutcome::kNoServerSecret:
      return "no_server_secret";
  }
  return "unknown";
}

KeyRing::KeyRing(std::string server_secret)
    : server_secret_(std::move(server_secret)),
      keys_(std::make_shared<const std::unordered_map<std::string, Entry>>()) {
  if (InitSodium().ok()) randombytes_buf(cache_key_.data(), cache_key_.size());
}

KeyRing::Digest KeyRing::DigestOf(std::string_view secret) const {
  Digest d{};
  crypto_generichash(d.data(), d.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), cache_key_.data(), cache_key_.size());
  return d;
}

void KeyRing::Replace(const std::vector<ApiKeyRecord>& keys) {
  auto next = std::make_shared<std::unordered_map<std::string, Entry>>();
  for (const auto& k : keys) {
    Result<Role> role = ParseRole(k.role);
    if (!role.ok()) continue;  // the table's CHECK constraint makes this unreachable
    (*next)[k.key_id] = Entry{*role, k.hash, !k.revoked_at.empty()};
  }
  std::lock_guard lock(mu_);
  for (auto it = verified_.begin(); it != verified_.end();) {
    auto found = next->find(it->first);
    if (found == next->end() || found->second.revoked) {
      it = verified_.erase(it);
    } else {
      ++it;
    }
  }
  keys_ = std::move(next);
}

Identity KeyRing::Authenticate(std::string_view authorization) const {
  Identity id;
  if (authorization.empty()) return id;
  id.outcome = AuthOutcome::kMalformed;
  // RFC 7235: the scheme name is case-insensitive.
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() <= kBearer.size()) return id;
  for (size_t i = 0; i < kBearer.size(); ++i) {
    const char c = authorization[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kBearer[i]) return id;
  }
  std::string_view token = authorization.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  Result<KeyParts> parts = ParseApiKey(token);
  if (!parts.ok()) return id;
  id.key_id = std::string(parts->key_id);

  std::shared_ptr<const std::unordered_map<std::string, Entry>> keys;
  {
    std::lock_guard lock(mu_);
    keys = keys_;
  }
  auto found = keys->find(id.key_id);
  if (found == keys->end()) {
    id.outcome = AuthOutcome::kUnknownKey;
    return id;
  }
  const Entry& entry = found->second;
  if (entry.revoked) {
    id.outcome = AuthOutcome::kRevoked;
    return id;
  }
  id.role = entry.role;
  const Digest digest = DigestOf(parts->secret);
  {
    std::lock_guard lock(mu_);
    auto cached = verified_.find(id.key_id);
    if (cached != verified_.end() &&
        sodium_memcmp(cached->second.data(), digest.data(), digest.size()) == 0) {
      id.outcome = AuthOutcome::kOk;
      return id;
    }
  }
  Result<bool> ok = [&] {
    slow_checks_.acquire();
    Result<bool> r = VerifySecret(entry.hash, parts->secret, server_secret_);
    slow_checks_.release();
    return r;
  }();
  if (!ok.ok()) {
    id.outcome = ok.status().code() == StatusCode::kFailedPrecondition
                     ? AuthOutcome::kNoServerSecret
                     : AuthOutcome::kWrongSecret;
    return id;
  }
  if (!*ok) {
    id.outcome = AuthOutcome::kWrongSecret;
    return id;
  }
  std::lock_guard lock(mu_);
  // Only while the key is still the active one (a refresh may have revoked it meanwhile).
  if (keys_ == keys) verified_[id.key_id] = digest;
  id.outcome = AuthOutcome::kOk;
  return id;
}

size_t KeyRing::active_keys() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [key_id, e] : *keys_) n += e.revoked ? 0 : 1;
  return n;
}

size_t KeyRing::unusable_keys() const {
  if (!server_secret_.empty()) return 0;
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [key_id, e] : *keys_) {
    n += !e.revoked && HashScheme(e.hash) == "hmac-sha256" ? 1 : 0;
  }
  return n;
}

}  // namespace retailcast::serve
