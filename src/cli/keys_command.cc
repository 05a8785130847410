// `retailcast keys create|list|revoke`: the service's API keys.
#include <cstdio>
#include <memory>

#include "cli_common.h"
#include "commands.h"
#include "retailcast/serve/api_keys.h"
#include "retailcast/serve/key_store.h"
#include "retailcast/store/store.h"

namespace retailcast::cli {
namespace {

struct KeysArgs {
  std::string store = "retailcast.db";
  std::string role;
  std::string name;
  std::string server_secret_file;
  std::string key;  // revoke: key_id or the whole key
};

Status Create(const KeysArgs& a) {
  RETAILCAST_ASSIGN_OR_RETURN(serve::Role role, serve::ParseRole(a.role));
  RETAILCAST_ASSIGN_OR_RETURN(std::string secret, serve::LoadServerSecret(a.server_secret_file));
  RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> db, store::Store::Open(a.store));
  RETAILCAST_ASSIGN_OR_RETURN(serve::IssuedKey issued,
                              serve::IssueApiKey(*db, role, a.name, secret));
  std::fprintf(stderr,
               "created %s key %s in %s (hash: %s). The key is printed once, below; keep it in "
               "a secret store: only its hash is kept.\n",
               issued.record.role.c_str(), issued.record.key_id.c_str(), a.store.c_str(),
               std::string(serve::HashScheme(issued.record.hash)).c_str());
  std::printf("%s\n", issued.key.c_str());
  return Status::Ok();
}

Status List(const KeysArgs& a) {
  RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> db, OpenExistingStore(a.store));
  RETAILCAST_ASSIGN_OR_RETURN(serve::KeyStore key_store, serve::KeyStore::Open(*db));
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<serve::ApiKeyRecord> keys, key_store.List());
  std::printf("%-16s  %-6s  %-7s  %-11s  %-24s  %-24s  %s\n", "key_id", "role", "status", "hash",
              "created_at", "revoked_at", "name");
  for (const auto& k : keys) {
    std::printf("%-16s  %-6s  %-7s  %-11s  %-24s  %-24s  %s\n", k.key_id.c_str(), k.role.c_str(),
                k.revoked_at.empty() ? "active" : "revoked",
                std::string(serve::HashScheme(k.hash)).c_str(), k.created_at.c_str(),
                k.revoked_at.empty() ? "-" : k.revoked_at.c_str(), k.name.c_str());
  }
  return Status::Ok();
}

Status Revoke(const KeysArgs& a) {
  std::string key_id = a.key;
  if (serve::LooksLikeApiKey(a.key)) {
    RETAILCAST_ASSIGN_OR_RETURN(serve::KeyParts parts, serve::ParseApiKey(a.key));
    key_id = std::string(parts.key_id);
  }
  RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> db, OpenExistingStore(a.store));
  RETAILCAST_ASSIGN_OR_RETURN(serve::KeyStore key_store, serve::KeyStore::Open(*db));
  RETAILCAST_RETURN_IF_ERROR(key_store.Revoke(key_id));
  std::fprintf(stderr,
               "revoked key %s; running servers refuse it within auth.key_refresh_s (2 s by "
               "default)\n",
               key_id.c_str());
  return Status::Ok();
}

}  // namespace

void AddKeysCommand(CLI::App& app, Action* action) {
  auto a = std::make_shared<KeysArgs>();
  auto* keys = app.add_subcommand("keys", "Manage the API keys of `retailcast serve`");
  keys->require_subcommand(1, 1);

  auto* create = keys->add_subcommand(
      "create", "Make a new API key with a role and print it once (only its hash is stored)");
  create->add_option("--store", a->store, "SQLite store file (created when absent)");
  create
      ->add_option("--role", a->role,
                   "reader (forecast, models), writer (+ actuals) or admin "
                   "(+ artifacts, promote, rollback)")
      ->required()
      ->check(CLI::IsMember({"reader", "writer", "admin"}));
  create->add_option("--name", a->name, "A note saying who or what uses the key");
  create->add_option("--server-secret-file", a->server_secret_file,
                     "Server secret: hash the key with HMAC-SHA-256 under it instead of argon2id "
                     "(default: $RETAILCAST_SERVER_SECRET when set)");
  create->callback([action, a] { *action = [a] { return Create(*a); }; });

  auto* list = keys->add_subcommand("list", "List the keys (never the keys themselves)");
  list->add_option("--store", a->store, "SQLite store file");
  list->callback([action, a] { *action = [a] { return List(*a); }; });

  auto* revoke = keys->add_subcommand("revoke", "Revoke a key (it stays listed as revoked)");
  revoke->add_option("--store", a->store, "SQLite store file");
  revoke->add_option("key", a->key, "The key_id (from `keys list`) or the whole key")->required();
  revoke->callback([action, a] { *action = [a] { return Revoke(*a); }; });
}

}  // namespace retailcast::cli
