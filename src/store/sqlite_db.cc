#include "sqlite_db.h"

#include <sqlite3.h>

#include <limits>
#include <utility>

namespace retailcast::store::internal {

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::IoError("cannot open store '" + path + "': " + message +
                           " (check that the directory exists and is writable)");
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new Connection(db, path));
}

Connection::~Connection() { sqlite3_close_v2(db_); }

Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (err != nullptr) sqlite3_free(err);
  if (rc != SQLITE_OK) return Error(rc, text.substr(0, 80));
  return Status::Ok();
}

Status Connection::Error(int rc, std::string_view what) const {
  std::string message = "store '" + path_ + "': " + std::string(what) + ": " + sqlite3_errmsg(db_) +
                        " (sqlite code " + std::to_string(rc) + ")";
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
      return Status::DataError(message + "; the file is not a SQLite database");
    case SQLITE_CORRUPT:
      return Status::DataError(message + "; the store file is corrupt, restore it from a backup");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::IoError(message + "; another process holds the store's write lock");
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      return Status::Internal(message);
    default:
      return Status::IoError(message);
  }
}

int64_t Connection::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

Result<Statement> Statement::Prepare(Connection& db, std::string_view sql, std::string_view* rest) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return db.Error(rc, "preparing '" + std::string(sql.substr(0, 80)) + "'");
  }
  if (stmt == nullptr) {  // only spaces or comments: sqlite compiles nothing
    return Status::InvalidArgument("store '" + db.path() + "': '" + std::string(sql.substr(0, 80)) +
                                   "' holds no SQL statement");
  }
  if (rest != nullptr) {
    *rest =
        tail == nullptr ? std::string_view() : sql.substr(static_cast<size_t>(tail - sql.data()));
  }
  return Statement(&db, stmt, std::string(sql));
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      sql_(std::move(other.sql_)),
      bind_error_(std::move(other.bind_error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    sql_ = std::move(other.sql_);
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::NoteBind(int rc, int index) {
  if (rc != SQLITE_OK && bind_error_.ok()) {
    bind_error_ = db_->Error(
        rc, "binding parameter " + std::to_string(index) + " of '" + sql_.substr(0, 80) + "'");
  }
}

Statement& Statement::BindInt(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::BindDouble(int index, double value) {
  NoteBind(sqlite3_bind_double(stmt_, index, value), index);
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

Statement& Statement::BindText(int index, std::string_view text, bool copy) {
  NoteBind(sqlite3_bind_text64(stmt_, index, text.data(), text.size(),
                               copy ? SQLITE_TRANSIENT : SQLITE_STATIC, SQLITE_UTF8),
           index);
  return *this;
}

Statement& Statement::BindBlob(int index, const void* data, size_t bytes, bool copy) {
  // sqlite3_bind_blob64 with a null pointer binds NULL; an empty blob needs a valid pointer.
  static const char kEmpty = 0;
  NoteBind(sqlite3_bind_blob64(stmt_, index, bytes == 0 ? &kEmpty : data, bytes,
                               copy ? SQLITE_TRANSIENT : SQLITE_STATIC),
           index);
  return *this;
}

Result<bool> Statement::Step() {
  if (!bind_error_.ok()) {
    Status s = std::move(bind_error_);
    bind_error_ = Status::Ok();
    sqlite3_reset(stmt_);
    return s;
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status error = db_->Error(rc, "running '" + sql_.substr(0, 80) + "'");
  sqlite3_reset(stmt_);
  return error;
}

Status Statement::Run() {
  Result<bool> row = Step();
  sqlite3_reset(stmt_);
  if (!row.ok()) return row.status();
  return Status::Ok();
}

void Statement::Reset() { sqlite3_reset(stmt_); }

bool Statement::IsReadOnly() const { return sqlite3_stmt_readonly(stmt_) != 0; }

int64_t Statement::ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }

double Statement::ColumnDouble(int col) const {
  if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return sqlite3_column_double(stmt_, col);
}

bool Statement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::string_view Statement::ColumnText(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

std::span<const std::byte> Statement::ColumnBlob(int col) const {
  const void* data = sqlite3_column_blob(stmt_, col);
  if (data == nullptr) return {};
  return {static_cast<const std::byte*>(data),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

Result<Transaction> Transaction::Begin(Connection& db, Kind kind) {
  RETAILCAST_RETURN_IF_ERROR(db.Exec(kind == Kind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) {
    // A failed rollback leaves nothing to do: sqlite rolls back on close anyway.
    sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Status Transaction::Commit() {
  Connection* db = std::exchange(db_, nullptr);
  int rc = sqlite3_exec(db->handle(), "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    Status error = db->Error(rc, "committing");
    sqlite3_exec(db->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    return error;
  }
  return Status::Ok();
}

BlobReader::~BlobReader() { sqlite3_blob_close(blob_); }

Result<size_t> BlobReader::Open(int64_t rowid) {
  int rc = blob_ == nullptr
               ? sqlite3_blob_open(db_->handle(), "main", table_, column_, rowid, 0, &blob_)
               : sqlite3_blob_reopen(blob_, rowid);
  if (rc != SQLITE_OK) {
    // After a failed reopen the handle is unusable; start afresh next time.
    sqlite3_blob_close(blob_);
    blob_ = nullptr;
    return db_->Error(
        rc, std::string("reading ") + table_ + "." + column_ + " of row " + std::to_string(rowid));
  }
  return static_cast<size_t>(sqlite3_blob_bytes(blob_));
}

Status BlobReader::Read(void* out, size_t bytes, size_t offset) {
  if (bytes == 0) return Status::Ok();
  int rc = sqlite3_blob_read(blob_, out, static_cast<int>(bytes), static_cast<int>(offset));
  if (rc != SQLITE_OK) {
    return db_->Error(rc, std::string("reading ") + table_ + "." + column_);
  }
  return Status::Ok();
}

}  // namespace retailcast::store::internal
