// SQL access for modules that keep tables of their own in the store (the service's API keys
// today; customer facts and the forecast ledger next). A module declares its tables as an
// ordered list of migrations applied once each by Store::EnsureTables, then reads and writes
// them with prepared statements inside Store::RunInTransaction.
//
// Small on purpose, so that every backend of the store (SQLite now, PostgreSQL later)
// implements it the same way. Callers keep to SQL both understand:
//   - placeholders are `?`, numbered from 1 in the order they appear in the statement;
//   - types: INTEGER (64-bit), a double, TEXT (UTF-8), a blob, NULL;
//   - no backend-specific syntax (no INSERT OR REPLACE, AUTOINCREMENT, PRAGMA, date
//     functions): ids of inserted rows come from LastInsertId, times from NowTimestamp();
//   - no statements that begin or end a transaction (the store runs every callback and
//     every migration in one; Prepare refuses them).
//
// Thread-safety: the transaction and its statements belong to the callback that received
// them and must not leave it; the store's lock is held meanwhile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "retailcast/core/status.h"

namespace retailcast::store {

namespace internal {
class Connection;
class Statement;
}  // namespace internal

// What a transaction may do: kRead sees one consistent snapshot of the store and refuses
// statements that write; kWrite holds the store's write lock from its start.
enum class SqlAccess { kRead, kWrite };

// One prepared statement. Bound values are copied, so they need not outlive the call.
// A bind error (e.g. an index beyond the statement's placeholders) is returned by the next
// Step or Run, so call sites can bind in one chain.
class SqlStatement {
 public:
  SqlStatement(SqlStatement&& other) noexcept;
  SqlStatement& operator=(SqlStatement&& other) noexcept;
  ~SqlStatement();

  SqlStatement& BindInt(int index, int64_t value);
  SqlStatement& BindDouble(int index, double value);  // NaN binds NULL
  SqlStatement& BindText(int index, std::string_view text);
  SqlStatement& BindBlob(int index, std::span<const std::byte> bytes);
  SqlStatement& BindNull(int index);

  // Advances to the next result row: true when a row is available, false when done.
  // IoError when the database refuses or fails (a constraint, busy, disk full), DataError
  // when the store is damaged; the message names the store, the statement and the reason.
  Result<bool> Step();
  // Steps to completion (INSERT, UPDATE, DELETE) and resets the statement. Errors as Step.
  Status Run();
  // Resets for another execution; bound values are kept until rebound.
  void Reset();

  // The columns of the current row, 0-based. Views are valid until the next Step or Reset.
  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;  // NULL reads as NaN
  bool ColumnIsNull(int column) const;
  std::string_view ColumnText(int column) const;  // NULL reads as ""
  std::span<const std::byte> ColumnBlob(int column) const;

 private:
  friend class SqlTransaction;
  explicit SqlStatement(std::unique_ptr<internal::Statement> statement);
  std::unique_ptr<internal::Statement> statement_;
};

// A transaction of Store::RunInTransaction: prepares and runs statements.
class SqlTransaction {
 public:
  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;

  SqlAccess access() const { return access_; }

  // Prepares one statement. The database's error for SQL that does not prepare (syntax, an
  // unknown table or column: IoError with the database's reason); InvalidArgument in a kRead
  // transaction for a statement that writes.
  Result<SqlStatement> Prepare(std::string_view sql);
  // Prepares and runs one statement that takes no parameters and returns no rows we need.
  Status Execute(std::string_view sql);
  // The id (INTEGER PRIMARY KEY) of the row the last successful INSERT of this store made.
  int64_t LastInsertId() const;

 private:
  friend class Store;
  SqlTransaction(internal::Connection& db, SqlAccess access) : db_(&db), access_(access) {}
  internal::Connection* db_;
  SqlAccess access_;
};

// One step of a module's schema: Store::EnsureTables applies it once per store.
struct ModuleMigration {
  int version;                   // 1, 2, ...: the module's schema version once applied
  std::string_view description;  // recorded in the store's module_schema table
  // The statements, separated by ';', run inside the migration's transaction. Append-only:
  // never edit a migration that has shipped, add the next one.
  std::string_view sql;
};

// The current UTC time in the form the store keeps times in, e.g. "2024-05-01T12:34:56.789Z"
// (ISO 8601 with milliseconds; sorts as text in time order).
std::string NowTimestamp();

}  // namespace retailcast::store
