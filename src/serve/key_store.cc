// The serve module's tables in the store, and the key table on them (key_store.h).
#include "retailcast/serve/key_store.h"

#include <utility>

#include "retailcast/store/sql.h"

namespace retailcast::serve {
namespace {

using store::SqlAccess;
using store::SqlStatement;
using store::SqlTransaction;

// The module's own schema, applied once per store by Store::EnsureTables. Ordered and
// append-only: never edit an entry that has shipped, add the next one.
//
// Migration 1 is the table the store's own schema migration 3 made before the keys moved out
// of the store: IF NOT EXISTS with the identical definition, so stores written before the
// move keep their keys and stores of any other backend get the same table.
constexpr std::string_view kOwner = "serve";
constexpr store::ModuleMigration kMigrations[] = {
    {1, "API keys of the service (salted hashes only)", R"sql(
CREATE TABLE IF NOT EXISTS api_keys(
  id INTEGER PRIMARY KEY,
  key_id TEXT NOT NULL UNIQUE,       -- public part of the key (rck_<key_id>_<secret>)
  role TEXT NOT NULL CHECK (role IN ('reader', 'writer', 'admin')),
  hash TEXT NOT NULL,                -- salted hash of the secret, never the key itself
  name TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked_at TEXT NOT NULL DEFAULT '');  -- empty while active
)sql"},
};

constexpr std::string_view kKeyColumns =
    "SELECT id, key_id, role, hash, name, created_at, revoked_at FROM api_keys";

ApiKeyRecord ReadKey(const SqlStatement& s) {
  ApiKeyRecord r;
  r.id = s.ColumnInt(0);
  r.key_id = s.ColumnText(1);
  r.role = s.ColumnText(2);
  r.hash = s.ColumnText(3);
  r.name = s.ColumnText(4);
  r.created_at = s.ColumnText(5);
  r.revoked_at = s.ColumnText(6);
  return r;
}

Status CheckNewKey(const ApiKeyRecord& record) {
  if (record.key_id.empty()) return Status::InvalidArgument("API key has an empty key_id");
  if (record.hash.empty()) {
    return Status::InvalidArgument("API key '" + record.key_id + "' has an empty hash");
  }
  if (record.role != "reader" && record.role != "writer" && record.role != "admin") {
    return Status::InvalidArgument("API key '" + record.key_id + "' has role '" + record.role +
                                   "'; expected reader, writer or admin");
  }
  if (!record.revoked_at.empty()) {
    return Status::InvalidArgument("API key '" + record.key_id +
                                   "' is added revoked; add it with an empty revoked_at");
  }
  return Status::Ok();
}

// NotFound for `key_id`, listing the active keys.
Status UnknownKey(SqlTransaction& sql, std::string_view key_id) {
  RETAILCAST_ASSIGN_OR_RETURN(
      SqlStatement active,
      sql.Prepare("SELECT key_id FROM api_keys WHERE revoked_at = '' ORDER BY id"));
  std::string list;
  while (true) {
    RETAILCAST_ASSIGN_OR_RETURN(bool more, active.Step());
    if (!more) break;
    list += (list.empty() ? "" : ", ") + std::string(active.ColumnText(0));
  }
  return Status::NotFound("no API key has key_id '" + std::string(key_id) +
                          "' (active keys: " + (list.empty() ? "none" : list) + ")");
}

}  // namespace

Result<KeyStore> KeyStore::Open(store::Store& store) {
  RETAILCAST_RETURN_IF_ERROR(store.EnsureTables(kOwner, kMigrations));
  return KeyStore(&store);
}

Result<ApiKeyRecord> KeyStore::Add(ApiKeyRecord record) {
  RETAILCAST_RETURN_IF_ERROR(CheckNewKey(record));
  record.created_at = store::NowTimestamp();
  Status written = store_->RunInTransaction(SqlAccess::kWrite, [&](SqlTransaction& sql) -> Status {
    RETAILCAST_ASSIGN_OR_RETURN(SqlStatement seen,
                                sql.Prepare("SELECT 1 FROM api_keys WHERE key_id = ?"));
    seen.BindText(1, record.key_id);
    RETAILCAST_ASSIGN_OR_RETURN(bool exists, seen.Step());
    if (exists) {
      return Status::InvalidArgument("an API key with key_id '" + record.key_id +
                                     "' exists already");
    }
    RETAILCAST_ASSIGN_OR_RETURN(
        SqlStatement insert,
        sql.Prepare("INSERT INTO api_keys(key_id, role, hash, name, created_at) "
                    "VALUES(?, ?, ?, ?, ?)"));
    insert.BindText(1, record.key_id)
        .BindText(2, record.role)
        .BindText(3, record.hash)
        .BindText(4, record.name)
        .BindText(5, record.created_at);
    RETAILCAST_RETURN_IF_ERROR(insert.Run());
    record.id = sql.LastInsertId();
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return record;
}

Result<std::vector<ApiKeyRecord>> KeyStore::List() {
  std::vector<ApiKeyRecord> out;
  Status read = store_->RunInTransaction(SqlAccess::kRead, [&](SqlTransaction& sql) -> Status {
    RETAILCAST_ASSIGN_OR_RETURN(SqlStatement stmt,
                                sql.Prepare(std::string(kKeyColumns) + " ORDER BY id"));
    while (true) {
      RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      out.push_back(ReadKey(stmt));
    }
    return Status::Ok();
  });
  if (!read.ok()) return read;
  return out;
}

Status KeyStore::Revoke(std::string_view key_id) {
  return store_->RunInTransaction(SqlAccess::kWrite, [&](SqlTransaction& sql) -> Status {
    RETAILCAST_ASSIGN_OR_RETURN(SqlStatement get,
                                sql.Prepare("SELECT revoked_at FROM api_keys WHERE key_id = ?"));
    get.BindText(1, key_id);
    RETAILCAST_ASSIGN_OR_RETURN(bool row, get.Step());
    if (!row) return UnknownKey(sql, key_id);
    if (!get.ColumnText(0).empty()) {
      return Status::FailedPrecondition("API key '" + std::string(key_id) + "' was revoked on " +
                                        std::string(get.ColumnText(0)));
    }
    get.Reset();
    RETAILCAST_ASSIGN_OR_RETURN(SqlStatement revoke,
                                sql.Prepare("UPDATE api_keys SET revoked_at = ? WHERE key_id = ?"));
    revoke.BindText(1, store::NowTimestamp()).BindText(2, key_id);
    return revoke.Run();
  });
}

}  // namespace retailcast::serve
