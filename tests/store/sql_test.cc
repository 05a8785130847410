// The SQL access for modules' own tables (sql.h): transactions that commit or roll back,
// statements of every value type, what a read transaction refuses, and Store::EnsureTables
// (applies once, idempotent across processes' stores, a failing migration rolls back and is
// named, a newer version is refused, bad lists are refused).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "retailcast/store/sql.h"
#include "retailcast/store/store.h"
#include "store_test_util.h"

namespace retailcast::store {
namespace {

using testing::RawQuery;

constexpr ModuleMigration kNotesV1[] = {
    {1, "notes", "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL)"},
};

class SqlTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    path_ = PathOf("sql.db");
    auto opened = Store::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }
  // The number of rows of `table`, read through the SQL access.
  int64_t Count(const std::string& table) {
    int64_t n = -1;
    Status s = store_->RunInTransaction(SqlAccess::kRead, [&](SqlTransaction& sql) -> Status {
      RETAILCAST_ASSIGN_OR_RETURN(SqlStatement q, sql.Prepare("SELECT count(*) FROM " + table));
      RETAILCAST_ASSIGN_OR_RETURN(bool row, q.Step());
      if (row) n = q.ColumnInt(0);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }
  std::string ModuleVersions(const std::string& owner) {
    return RawQuery(path_,
                    "SELECT coalesce(group_concat(version), '') FROM (SELECT version FROM "
                    "module_schema WHERE owner = '" +
                        owner + "' ORDER BY version)");
  }

  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqlTest, EveryValueTypeRoundTripsAndInsertIdsAreReported) {
  constexpr ModuleMigration kValues[] = {
      {1, "values", "CREATE TABLE vals(id INTEGER PRIMARY KEY, i INTEGER, d, t TEXT, b BLOB)"},
  };
  ASSERT_TRUE(store_->EnsureTables("test", kValues).ok());
  const std::vector<std::byte> blob = {std::byte{0}, std::byte{0xff}, std::byte{7}};
  std::vector<int64_t> ids;
  Status wrote = store_->RunInTransaction(SqlAccess::kWrite, [&](SqlTransaction& sql) -> Status {
    EXPECT_EQ(sql.access(), SqlAccess::kWrite);
    RETAILCAST_ASSIGN_OR_RETURN(SqlStatement insert,
                                sql.Prepare("INSERT INTO vals(i, d, t, b) VALUES(?, ?, ?, ?)"));
    {
      // Text bound from a temporary: the value is copied, so it may die before Run.
      std::string text = "caf\xc3\xa9 'quoted'";
      insert.BindInt(1, std::numeric_limits<int64_t>::min())
          .BindDouble(2, -0.0)
          .BindText(3, text)
          .BindBlob(4, blob);
      text.assign(text.size(), 'x');
    }
    RETAILCAST_RETURN_IF_ERROR(insert.Run());
    ids.push_back(sql.LastInsertId());
    insert.BindNull(1).BindDouble(2, std::nan("")).BindNull(3).BindBlob(4, {});
    RETAILCAST_RETURN_IF_ERROR(insert.Run());
    ids.push_back(sql.LastInsertId());
    return Status::Ok();
  });
  ASSERT_TRUE(wrote.ok()) << wrote.ToString();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_GT(ids[0], 0);
  EXPECT_EQ(ids[1], ids[0] + 1);

  Status read = store_->RunInTransaction(SqlAccess::kRead, [&](SqlTransaction& sql) -> Status {
    RETAILCAST_ASSIGN_OR_RETURN(SqlStatement q,
                                sql.Prepare("SELECT id, i, d, t, b FROM vals ORDER BY id"));
    RETAILCAST_ASSIGN_OR_RETURN(bool row, q.Step());
    EXPECT_TRUE(row);
    EXPECT_EQ(q.ColumnInt(0), ids[0]);
    EXPECT_EQ(q.ColumnInt(1), std::numeric_limits<int64_t>::min());
    EXPECT_EQ(q.ColumnDouble(2), 0.0);
    EXPECT_TRUE(std::signbit(q.ColumnDouble(2)));
    EXPECT_EQ(q.ColumnText(3), "caf\xc3\xa9 'quoted'");
    auto b = q.ColumnBlob(4);
    EXPECT_EQ(std::vector<std::byte>(b.begin(), b.end()), blob);
    RETAILCAST_ASSIGN_OR_RETURN(row, q.Step());
    EXPECT_TRUE(row);
    EXPECT_TRUE(q.ColumnIsNull(1));
    EXPECT_TRUE(std::isnan(q.ColumnDouble(2)));  // NaN was stored as NULL
    EXPECT_TRUE(q.ColumnIsNull(3));
    EXPECT_EQ(q.ColumnText(3), "");
    EXPECT_FALSE(q.ColumnIsNull(4));  // an empty blob is not NULL
    EXPECT_TRUE(q.ColumnBlob(4).empty());
    RETAILCAST_ASSIGN_OR_RETURN(row, q.Step());
    EXPECT_FALSE(row);
    // Reset runs the statement again from the first row.
    q.Reset();
    RETAILCAST_ASSIGN_OR_RETURN(row, q.Step());
    EXPECT_TRUE(row);
    EXPECT_EQ(q.ColumnInt(0), ids[0]);
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.ToString();
}

TEST_F(SqlTest, AWriteCommitsOnlyWhenTheCallbackReturnsOk) {
  ASSERT_TRUE(store_->EnsureTables("notes", kNotesV1).ok());
  auto add = [&](const std::string& body, Status result) {
    return store_->RunInTransaction(SqlAccess::kWrite, [&](SqlTransaction& sql) -> Status {
      RETAILCAST_RETURN_IF_ERROR(sql.Execute("INSERT INTO notes(body) VALUES('" + body + "')"));
      return result;
    });
  };
  ASSERT_TRUE(add("kept", Status::Ok()).ok());
  Status refused = add("dropped", Status::FailedPrecondition("changed my mind"));
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.message(), "changed my mind");  // the callback's status, as it was
  EXPECT_EQ(Count("notes"), 1);
  EXPECT_EQ(RawQuery(path_, "SELECT group_concat(body) FROM notes"), "kept");
  // A statement that fails inside the callback: its error is returned and nothing is kept.
  Status failed = store_->RunInTransaction(SqlAccess::kWrite, [&](SqlTransaction& sql) -> Status {
    RETAILCAST_RETURN_IF_ERROR(sql.Execute("INSERT INTO notes(body) VALUES('first')"));
    return sql.Execute("INSERT INTO notes(body) VALUES(NULL)");  // NOT NULL
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("NOT NULL"), std::string::npos) << failed.message();
  EXPECT_EQ(Count("notes"), 1);
  // The store stays usable after every rollback.
  EXPECT_TRUE(add("again", Status::Ok()).ok());
  EXPECT_EQ(Count("notes"), 2);
}

TEST_F(SqlTest, ReadTransactionsRefuseWritesAndNobodyEndsTheTransaction) {
  ASSERT_TRUE(store_->EnsureTables("notes", kNotesV1).ok());
  Status s = store_->RunInTransaction(SqlAccess::kRead, [&](SqlTransaction& sql) -> Status {
    EXPECT_EQ(sql.access(), SqlAccess::kRead);
    auto write = sql.Prepare("INSERT INTO notes(body) VALUES('x')");
    EXPECT_EQ(write.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(write.status().message().find("read transaction"), std::string::npos)
        << write.status().message();
    for (const char* control : {"COMMIT", "  rollback", "BEGIN IMMEDIATE", "savepoint a"}) {
      auto c = sql.Prepare(control);
      EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument) << control;
    }
    auto two = sql.Prepare("SELECT 1; SELECT 2");
    EXPECT_EQ(two.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(two.status().message().find("more than one statement"), std::string::npos);
    EXPECT_TRUE(sql.Prepare("SELECT 1;  ").ok());  // a trailing ';' is one statement
    auto empty = sql.Prepare("  -- only a comment");
    EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(empty.status().message().find("holds no SQL statement"), std::string::npos)
        << empty.status().message();
    auto bad = sql.Prepare("SELECT nope FROM notes");
    EXPECT_FALSE(bad.ok());
    EXPECT_NE(bad.status().message().find("no such column"), std::string::npos)
        << bad.status().message();
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Count("notes"), 0);
}

TEST_F(SqlTest, BindErrorsAreReportedByTheNextStep) {
  ASSERT_TRUE(store_->EnsureTables("notes", kNotesV1).ok());
  Status s = store_->RunInTransaction(SqlAccess::kWrite, [&](SqlTransaction& sql) -> Status {
    RETAILCAST_ASSIGN_OR_RETURN(SqlStatement insert,
                                sql.Prepare("INSERT INTO notes(body) VALUES(?)"));
    insert.BindText(1, "fine").BindText(2, "no such placeholder");
    return insert.Run();
  });
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("binding parameter 2"), std::string::npos) << s.message();
  EXPECT_EQ(Count("notes"), 0);
}

TEST_F(SqlTest, MigrationsApplyOnceInOrderAndAreRecordedPerOwner) {
  // Each migration inserts a row: run twice, it would insert twice.
  constexpr ModuleMigration kV1[] = {
      {1, "log table", "CREATE TABLE log(v INTEGER); INSERT INTO log VALUES(1)"},
  };
  constexpr ModuleMigration kV2[] = {
      kV1[0],
      {2, "second step", "INSERT INTO log VALUES(2); CREATE INDEX log_v ON log(v)"},
  };
  ASSERT_TRUE(store_->EnsureTables("ledger", kV1).ok());
  ASSERT_TRUE(store_->EnsureTables("ledger", kV1).ok());
  EXPECT_EQ(Count("log"), 1);
  EXPECT_EQ(ModuleVersions("ledger"), "1");
  // A later build adds a migration: only the new one runs.
  ASSERT_TRUE(store_->EnsureTables("ledger", kV2).ok());
  ASSERT_TRUE(store_->EnsureTables("ledger", kV2).ok());
  EXPECT_EQ(RawQuery(path_, "SELECT group_concat(v) FROM log"), "1,2");
  EXPECT_EQ(ModuleVersions("ledger"), "1,2");
  EXPECT_EQ(RawQuery(path_,
                     "SELECT description FROM module_schema WHERE owner = 'ledger' AND "
                     "version = 2"),
            "second step");
  EXPECT_EQ(RawQuery(path_,
                     "SELECT length(applied_at) FROM module_schema WHERE owner = "
                     "'ledger' AND version = 1"),
            "24");
  // Another owner has versions of its own.
  ASSERT_TRUE(store_->EnsureTables("notes", kNotesV1).ok());
  EXPECT_EQ(ModuleVersions("notes"), "1");
  EXPECT_EQ(ModuleVersions("ledger"), "1,2");
  // An empty list is nothing to do.
  EXPECT_TRUE(store_->EnsureTables("nothing", {}).ok());
  EXPECT_EQ(ModuleVersions("nothing"), "");
}

TEST_F(SqlTest, AnotherStoreOnTheSameFileDoesNotApplyThemAgain) {
  constexpr ModuleMigration kV1[] = {
      {1, "log table", "CREATE TABLE log(v INTEGER); INSERT INTO log VALUES(1)"},
  };
  auto other = Store::Open(path_);  // as another process would
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ASSERT_TRUE(store_->EnsureTables("ledger", kV1).ok());
  ASSERT_TRUE((*other)->EnsureTables("ledger", kV1).ok());
  EXPECT_EQ(Count("log"), 1);
  // And the store reopened.
  store_.reset();
  auto reopened = Store::Open(path_);
  ASSERT_TRUE(reopened.ok());
  ASSERT_TRUE((*reopened)->EnsureTables("ledger", kV1).ok());
  EXPECT_EQ(RawQuery(path_, "SELECT count(*) FROM log"), "1");
}

TEST_F(SqlTest, AFailingMigrationRollsBackAndIsNamed) {
  constexpr ModuleMigration kBroken[] = {
      {1, "good", "CREATE TABLE good(x INTEGER)"},
      {2, "half done", "CREATE TABLE half(x INTEGER); INSERT INTO missing VALUES(1)"},
  };
  Status s = store_->EnsureTables("ledger", kBroken);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("migration 2 of 'ledger' (half done)"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("no such table: missing"), std::string::npos) << s.message();
  // Migration 1 is kept; nothing of migration 2 is.
  EXPECT_EQ(ModuleVersions("ledger"), "1");
  EXPECT_EQ(RawQuery(path_, "SELECT count(*) FROM sqlite_schema WHERE name = 'good'"), "1");
  EXPECT_EQ(RawQuery(path_, "SELECT count(*) FROM sqlite_schema WHERE name = 'half'"), "0");
  // A build with the migration fixed applies it.
  constexpr ModuleMigration kFixed[] = {
      kBroken[0],
      {2, "half done", "CREATE TABLE half(x INTEGER)"},
  };
  ASSERT_TRUE(store_->EnsureTables("ledger", kFixed).ok());
  EXPECT_EQ(ModuleVersions("ledger"), "1,2");
  // A migration may not end the transaction it runs in.
  constexpr ModuleMigration kCommits[] = {{1, "commits", "COMMIT; CREATE TABLE c(x)"}};
  Status commits = store_->EnsureTables("rogue", kCommits);
  EXPECT_EQ(commits.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(commits.message().find("migration 1 of 'rogue'"), std::string::npos);
  EXPECT_EQ(ModuleVersions("rogue"), "");
}

TEST_F(SqlTest, ANewerVersionThanTheBuildKnowsIsRefused) {
  constexpr ModuleMigration kV2[] = {
      {1, "one", "CREATE TABLE one(x INTEGER)"},
      {2, "two", "CREATE TABLE two(x INTEGER)"},
  };
  ASSERT_TRUE(store_->EnsureTables("ledger", kV2).ok());
  // An older build knows only migration 1.
  Status older = store_->EnsureTables("ledger", std::span(kV2).first(1));
  EXPECT_EQ(older.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(older.message().find("'ledger' at version 2"), std::string::npos) << older.message();
  EXPECT_NE(older.message().find("up to 1"), std::string::npos) << older.message();
  EXPECT_NE(older.message().find(path_), std::string::npos) << older.message();
  EXPECT_EQ(ModuleVersions("ledger"), "1,2");
}

TEST_F(SqlTest, BadMigrationListsAreRefused) {
  constexpr ModuleMigration kGap[] = {
      {1, "one", "CREATE TABLE one(x INTEGER)"},
      {3, "three", "CREATE TABLE three(x INTEGER)"},
  };
  Status gap = store_->EnsureTables("ledger", kGap);
  EXPECT_EQ(gap.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(gap.message().find("entry 2 has version 3"), std::string::npos) << gap.message();
  EXPECT_EQ(ModuleVersions("ledger"), "");  // nothing applied, not even migration 1
  EXPECT_EQ(store_->EnsureTables("", kNotesV1).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace retailcast::store
