// Small RAII wrappers over the sqlite3 C API, private to the store module: a connection, a
// prepared statement and a transaction. Every sqlite error becomes a Status that names the
// store file, what we were doing and SQLite's own message.
//
// Thread-safety: none; the Store serializes every use of its connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "retailcast/core/status.h"

struct sqlite3;
struct sqlite3_stmt;
struct sqlite3_blob;

namespace retailcast::store::internal {

// One open sqlite3 connection. Owns the handle and closes it on destruction.
class Connection {
 public:
  // Opens (creating when absent) the database file. IoError when the file cannot be opened
  // (missing directory, no permission). Does not read the file yet: a file that is not a
  // database is only detected by the first statement.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs one or more SQL statements that return no rows we need.
  Status Exec(std::string_view sql);
  // Status for a failed sqlite call with result code `rc`, made while doing `what`:
  // DataError for a file that is not a database or is corrupt, IoError for busy/locked,
  // full disk and other OS failures, Internal for misuse (a bug of ours).
  Status Error(int rc, std::string_view what) const;
  int64_t LastInsertRowid() const;

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// A prepared statement. Bind parameters are 1-based, columns 0-based (as in sqlite3).
// Bind errors are remembered and returned by the next Step/Run so call sites stay short.
class Statement {
 public:
  // Compiles the first statement of `sql`; `*rest` (when given) is the text after it.
  static Result<Statement> Prepare(Connection& db, std::string_view sql,
                                   std::string_view* rest = nullptr);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& BindInt(int index, int64_t value);
  // NaN is stored as NULL by sqlite (and read back as NaN by ColumnDouble).
  Statement& BindDouble(int index, double value);
  Statement& BindNull(int index);
  // The text/blob is copied by sqlite only when `copy`; otherwise it must outlive Step().
  Statement& BindText(int index, std::string_view text, bool copy = false);
  Statement& BindBlob(int index, const void* data, size_t bytes, bool copy = false);

  // Advances: true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps to completion (for INSERT/UPDATE/DELETE) and resets the statement.
  Status Run();
  // Resets for re-execution with new bindings (bindings are kept until rebound).
  void Reset();
  // Whether running the statement leaves the database unchanged (sqlite3_stmt_readonly).
  bool IsReadOnly() const;

  int64_t ColumnInt(int col) const;
  double ColumnDouble(int col) const;  // NULL -> NaN
  bool ColumnIsNull(int col) const;
  std::string_view ColumnText(int col) const;
  std::span<const std::byte> ColumnBlob(int col) const;

 private:
  Statement(Connection* db, sqlite3_stmt* stmt, std::string sql)
      : db_(db), stmt_(stmt), sql_(std::move(sql)) {}
  void NoteBind(int rc, int index);
  Connection* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
  Status bind_error_;
};

// A write transaction (BEGIN IMMEDIATE, so the write lock is taken up front and a busy
// writer is waited for under the busy timeout instead of failing at the first write) or a
// read transaction (BEGIN DEFERRED: a consistent WAL snapshot for several statements).
// Rolls back on destruction unless Commit() succeeded.
class Transaction {
 public:
  enum class Kind { kRead, kWrite };
  static Result<Transaction> Begin(Connection& db, Kind kind);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Connection* db) : db_(db) {}
  Connection* db_;  // null once committed or rolled back
};

// Incremental blob reader over one column of a table (sqlite3_blob_*): reads a blob straight
// into the caller's buffer without an intermediate copy, which is what makes loading tens of
// millions of values fast. Must be used inside a transaction for a consistent snapshot.
class BlobReader {
 public:
  BlobReader(Connection& db, const char* table, const char* column)
      : db_(&db), table_(table), column_(column) {}
  BlobReader(const BlobReader&) = delete;
  BlobReader& operator=(const BlobReader&) = delete;
  ~BlobReader();
  // Opens the blob of row `rowid` and returns its size in bytes.
  Result<size_t> Open(int64_t rowid);
  // Reads `bytes` bytes at `offset` of the open blob into `out`.
  Status Read(void* out, size_t bytes, size_t offset);

 private:
  Connection* db_;
  const char* table_;
  const char* column_;
  sqlite3_blob* blob_ = nullptr;
};

}  // namespace retailcast::store::internal
