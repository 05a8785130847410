// Store: the service's API keys.
#include <string>
#include <utility>

#include "clock.h"
#include "retailcast/store/store.h"
#include "sqlite_db.h"

namespace retailcast::store {

using internal::Statement;
using internal::Transaction;

namespace {

constexpr std::string_view kKeyColumns =
    "SELECT id, key_id, role, hash, name, created_at, revoked_at FROM api_keys";

ApiKeyRecord ReadKey(const Statement& s) {
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

}  // namespace

Result<ApiKeyRecord> Store::AddApiKey(ApiKeyRecord record) {
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
  record.created_at = internal::NowIsoUtc();
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*db_, Transaction::Kind::kWrite));
  RETAILCAST_ASSIGN_OR_RETURN(Statement seen,
                              Statement::Prepare(*db_, "SELECT 1 FROM api_keys WHERE key_id = ?"));
  seen.BindText(1, record.key_id);
  RETAILCAST_ASSIGN_OR_RETURN(bool exists, seen.Step());
  if (exists) {
    return Status::InvalidArgument("an API key with key_id '" + record.key_id + "' exists already");
  }
  seen.Reset();
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement insert,
      Statement::Prepare(*db_,
                         "INSERT INTO api_keys(key_id, role, hash, name, created_at) "
                         "VALUES(?, ?, ?, ?, ?)"));
  insert.BindText(1, record.key_id)
      .BindText(2, record.role)
      .BindText(3, record.hash)
      .BindText(4, record.name)
      .BindText(5, record.created_at);
  RETAILCAST_RETURN_IF_ERROR(insert.Run());
  record.id = db_->LastInsertRowid();
  RETAILCAST_RETURN_IF_ERROR(txn.Commit());
  return record;
}

Result<std::vector<ApiKeyRecord>> Store::ListApiKeys() {
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(Statement stmt,
                              Statement::Prepare(*db_, std::string(kKeyColumns) + " ORDER BY id"));
  std::vector<ApiKeyRecord> out;
  while (true) {
    RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(ReadKey(stmt));
  }
  return out;
}

Status Store::RevokeApiKey(std::string_view key_id) {
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*db_, Transaction::Kind::kWrite));
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement get, Statement::Prepare(*db_, "SELECT revoked_at FROM api_keys WHERE key_id = ?"));
  get.BindText(1, key_id);
  RETAILCAST_ASSIGN_OR_RETURN(bool row, get.Step());
  if (!row) {
    get.Reset();
    RETAILCAST_ASSIGN_OR_RETURN(
        Statement active,
        Statement::Prepare(*db_, "SELECT key_id FROM api_keys WHERE revoked_at = '' ORDER BY id"));
    std::string list;
    while (true) {
      RETAILCAST_ASSIGN_OR_RETURN(bool more, active.Step());
      if (!more) break;
      list += (list.empty() ? "" : ", ") + std::string(active.ColumnText(0));
    }
    return Status::NotFound("no API key has key_id '" + std::string(key_id) +
                            "' (active keys: " + (list.empty() ? "none" : list) + ")");
  }
  if (!get.ColumnText(0).empty()) {
    return Status::FailedPrecondition("API key '" + std::string(key_id) + "' was revoked on " +
                                      std::string(get.ColumnText(0)));
  }
  get.Reset();
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement revoke,
      Statement::Prepare(*db_, "UPDATE api_keys SET revoked_at = ? WHERE key_id = ?"));
  const std::string now = internal::NowIsoUtc();
  revoke.BindText(1, now).BindText(2, key_id);
  RETAILCAST_RETURN_IF_ERROR(revoke.Run());
  return txn.Commit();
}

}  // namespace retailcast::store
