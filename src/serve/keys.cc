// Making API keys and reading the server secret (serve_keys.h).
#include <sodium.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "auth.h"
#include "retailcast/serve/key_store.h"

namespace retailcast::serve {
namespace {

constexpr size_t kKeyIdBytes = 8;  // 16 hex digits
constexpr size_t kSecretBytes = 32;
constexpr size_t kSecretChars = 43;  // unpadded base64url of 32 bytes

std::string Hex(const unsigned char* bytes, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

}  // namespace

Result<std::string> LoadServerSecret(const std::string& file) {
  std::string secret;
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::NotFound("server secret file '" + file + "' cannot be opened");
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) return Status::IoError("cannot read server secret file '" + file + "'");
    secret = buf.str();
    if (!secret.empty() && secret.back() == '\n') secret.pop_back();
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    if (secret.empty()) {
      return Status::InvalidArgument("server secret file '" + file + "' is empty");
    }
  } else if (const char* env = std::getenv("RETAILCAST_SERVER_SECRET")) {
    secret = env;
  }
  if (!secret.empty() && secret.size() < kMinServerSecretBytes) {
    return Status::InvalidArgument("the server secret has " + std::to_string(secret.size()) +
                                   " bytes; use at least " + std::to_string(kMinServerSecretBytes) +
                                   " random bytes (e.g. `openssl rand -hex 32`)");
  }
  return secret;
}

Result<IssuedKey> IssueApiKey(store::Store& store, Role role, std::string_view name,
                              std::string_view server_secret) {
  RETAILCAST_RETURN_IF_ERROR(InitSodium());
  if (!server_secret.empty() && server_secret.size() < kMinServerSecretBytes) {
    return Status::InvalidArgument("the server secret is shorter than " +
                                   std::to_string(kMinServerSecretBytes) + " bytes");
  }
  unsigned char id_bytes[kKeyIdBytes];
  unsigned char secret_bytes[kSecretBytes];
  randombytes_buf(id_bytes, sizeof id_bytes);
  randombytes_buf(secret_bytes, sizeof secret_bytes);
  char secret[kSecretChars + 1];
  sodium_bin2base64(secret, sizeof secret, secret_bytes, sizeof secret_bytes,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(secret_bytes, sizeof secret_bytes);
  RETAILCAST_ASSIGN_OR_RETURN(KeyStore keys, KeyStore::Open(store));
  ApiKeyRecord record;
  record.key_id = Hex(id_bytes, sizeof id_bytes);
  record.role = std::string(RoleName(role));
  record.name = std::string(name);
  Result<std::string> hash = HashSecret(std::string_view(secret, kSecretChars), server_secret);
  if (!hash.ok()) return hash.status();
  record.hash = std::move(hash).value();
  IssuedKey issued;
  issued.key = std::string(kKeyPrefix) + record.key_id + "_" + std::string(secret, kSecretChars);
  sodium_memzero(secret, sizeof secret);
  RETAILCAST_ASSIGN_OR_RETURN(issued.record, keys.Add(std::move(record)));
  return issued;
}

}  // namespace retailcast::serve
