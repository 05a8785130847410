// Store: SQL access for the tables other modules keep in the store (sql.h), over the store's
// private SQLite wrappers, and the module schemas (Store::EnsureTables).
#include "retailcast/store/sql.h"

#include <cctype>
#include <string>
#include <utility>

#include "clock.h"
#include "retailcast/store/store.h"
#include "sqlite_db.h"

namespace retailcast::store {

using internal::Connection;
using internal::Statement;
using internal::Transaction;

namespace {

// The statement text for messages.
std::string Excerpt(std::string_view sql) { return std::string(sql.substr(0, 80)); }

// Whether `sql` starts a statement that would end or nest the transaction the store runs the
// caller in (BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT, RELEASE).
bool IsTransactionControl(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i])) != 0) ++i;
  std::string word;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])) != 0) {
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++])));
  }
  return word == "BEGIN" || word == "COMMIT" || word == "END" || word == "ROLLBACK" ||
         word == "SAVEPOINT" || word == "RELEASE";
}

// The schema version of `owner`'s tables in the store (0 when none was applied).
Result<int> ReadModuleVersion(Connection& db, std::string_view owner) {
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT coalesce(max(version), 0) FROM module_schema WHERE owner = ?"));
  stmt.BindText(1, owner);
  RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return 0;
  return static_cast<int>(stmt.ColumnInt(0));
}

Status ApplyModuleMigration(Connection& db, std::string_view owner, const ModuleMigration& m) {
  RETAILCAST_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, Transaction::Kind::kWrite));
  // Another process may have applied it while we waited for the write lock.
  RETAILCAST_ASSIGN_OR_RETURN(int current, ReadModuleVersion(db, owner));
  if (current >= m.version) return txn.Commit();
  const std::string context = "applying migration " + std::to_string(m.version) + " of '" +
                              std::string(owner) + "' (" + std::string(m.description) + ")";
  if (IsTransactionControl(m.sql)) {
    return Status::InvalidArgument(context +
                                   ": a migration runs inside its own transaction "
                                   "and must not begin or end one");
  }
  Status applied = db.Exec(m.sql);
  if (!applied.ok()) return applied.WithContext(context);
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement record,
      Statement::Prepare(db,
                         "INSERT INTO module_schema(owner, version, description, applied_at) "
                         "VALUES(?, ?, ?, ?)"));
  const std::string now = internal::NowIsoUtc();
  record.BindText(1, owner).BindInt(2, m.version).BindText(3, m.description).BindText(4, now);
  RETAILCAST_RETURN_IF_ERROR(record.Run());
  return txn.Commit();
}

}  // namespace

std::string NowTimestamp() { return internal::NowIsoUtc(); }

SqlStatement::SqlStatement(std::unique_ptr<Statement> statement)
    : statement_(std::move(statement)) {}
SqlStatement::SqlStatement(SqlStatement&& other) noexcept = default;
SqlStatement& SqlStatement::operator=(SqlStatement&& other) noexcept = default;
SqlStatement::~SqlStatement() = default;

SqlStatement& SqlStatement::BindInt(int index, int64_t value) {
  statement_->BindInt(index, value);
  return *this;
}

SqlStatement& SqlStatement::BindDouble(int index, double value) {
  statement_->BindDouble(index, value);
  return *this;
}

SqlStatement& SqlStatement::BindText(int index, std::string_view text) {
  statement_->BindText(index, text, /*copy=*/true);
  return *this;
}

SqlStatement& SqlStatement::BindBlob(int index, std::span<const std::byte> bytes) {
  statement_->BindBlob(index, bytes.data(), bytes.size(), /*copy=*/true);
  return *this;
}

SqlStatement& SqlStatement::BindNull(int index) {
  statement_->BindNull(index);
  return *this;
}

Result<bool> SqlStatement::Step() { return statement_->Step(); }
Status SqlStatement::Run() { return statement_->Run(); }
void SqlStatement::Reset() { statement_->Reset(); }
int64_t SqlStatement::ColumnInt(int column) const { return statement_->ColumnInt(column); }
double SqlStatement::ColumnDouble(int column) const { return statement_->ColumnDouble(column); }
bool SqlStatement::ColumnIsNull(int column) const { return statement_->ColumnIsNull(column); }
std::string_view SqlStatement::ColumnText(int column) const {
  return statement_->ColumnText(column);
}
std::span<const std::byte> SqlStatement::ColumnBlob(int column) const {
  return statement_->ColumnBlob(column);
}

Result<SqlStatement> SqlTransaction::Prepare(std::string_view sql) {
  if (IsTransactionControl(sql)) {
    return Status::InvalidArgument("'" + Excerpt(sql) +
                                   "' would end the transaction the store runs it in; the "
                                   "store commits when the callback returns OK");
  }
  std::string_view rest;
  RETAILCAST_ASSIGN_OR_RETURN(Statement statement, Statement::Prepare(*db_, sql, &rest));
  if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return Status::InvalidArgument("'" + Excerpt(sql) +
                                   "' holds more than one statement; prepare them one by one");
  }
  if (access_ == SqlAccess::kRead && !statement.IsReadOnly()) {
    return Status::InvalidArgument("'" + Excerpt(sql) +
                                   "' writes, but runs in a read transaction; use "
                                   "SqlAccess::kWrite");
  }
  return SqlStatement(std::make_unique<Statement>(std::move(statement)));
}

Status SqlTransaction::Execute(std::string_view sql) {
  RETAILCAST_ASSIGN_OR_RETURN(SqlStatement statement, Prepare(sql));
  return statement.Run();
}

int64_t SqlTransaction::LastInsertId() const { return db_->LastInsertRowid(); }

Status Store::RunInTransaction(SqlAccess access,
                               const std::function<Status(SqlTransaction&)>& body) {
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(
      Transaction txn,
      Transaction::Begin(*db_, access == SqlAccess::kWrite ? Transaction::Kind::kWrite
                                                           : Transaction::Kind::kRead));
  SqlTransaction sql(*db_, access);
  RETAILCAST_RETURN_IF_ERROR(body(sql));
  return txn.Commit();
}

Status Store::EnsureTables(std::string_view owner, std::span<const ModuleMigration> migrations) {
  if (owner.empty()) {
    return Status::InvalidArgument("EnsureTables needs the name of the module owning the tables");
  }
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return Status::InvalidArgument("the migrations of '" + std::string(owner) +
                                     "' must be numbered 1, 2, ... in order; " + "entry " +
                                     std::to_string(i + 1) + " has version " +
                                     std::to_string(migrations[i].version));
    }
  }
  const int latest = static_cast<int>(migrations.size());
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(int current, ReadModuleVersion(*db_, owner));
  if (current > latest) {
    return Status::FailedPrecondition(
        "store '" + db_->path() + "' has the tables of '" + std::string(owner) + "' at version " +
        std::to_string(current) + " but this build of retailcast knows " + "versions up to " +
        std::to_string(latest) + "; upgrade retailcast to use it");
  }
  for (const ModuleMigration& m : migrations) {
    if (m.version <= current) continue;
    RETAILCAST_RETURN_IF_ERROR(ApplyModuleMigration(*db_, owner, m));
  }
  return Status::Ok();
}

}  // namespace retailcast::store
