// Opening stores: new files, WAL and markers, migrations, newer versions, files that are not
// stores and corrupt files.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <string>
#include <vector>

#include "retailcast/store/store.h"
#include "schema.h"
#include "sqlite_db.h"
#include "store_test_util.h"

namespace retailcast::store {
namespace {

using testing::RawQuery;

void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err != nullptr ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

class SchemaTest : public testing::TempDirTest {};

TEST_F(SchemaTest, NewStoreIsAWalFileAtTheLatestVersion) {
  const std::string path = PathOf("new.db");
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->schema_version(), Store::LatestSchemaVersion());
  EXPECT_EQ((*store)->path(), path);
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawQuery(path, "PRAGMA application_id"), std::to_string(internal::kApplicationId));
  EXPECT_EQ(RawQuery(path, "PRAGMA page_size"), "65536");
  EXPECT_EQ(RawQuery(path, "SELECT group_concat(version) FROM schema_version"), "1,2,3,4");
  store->reset();
  auto again = Store::Open(path);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->schema_version(), Store::LatestSchemaVersion());
}

TEST_F(SchemaTest, ForeignKeysAreEnforced) {
  const std::string path = PathOf("fk.db");
  auto connection = internal::Connection::Open(path);
  ASSERT_TRUE(connection.ok());
  int version = 0;
  ASSERT_TRUE(
      internal::PrepareSchema(**connection, internal::LatestSchemaVersion(), &version).ok());
  Status orphan = (*connection)->Exec("INSERT INTO observations(series_id, vals) VALUES(42, x'')");
  EXPECT_FALSE(orphan.ok());
  EXPECT_NE(orphan.message().find("FOREIGN KEY"), std::string::npos) << orphan.message();
}

TEST_F(SchemaTest, AnEmptyExistingFileBecomesAStore) {
  const std::string path = PathOf("empty.db");
  WriteFile(path, "");
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->schema_version(), Store::LatestSchemaVersion());
}

TEST_F(SchemaTest, MigratesAVersionOneStoreToTheLatest) {
  const std::string path = PathOf("v1.db");
  {
    auto connection = internal::Connection::Open(path);
    ASSERT_TRUE(connection.ok());
    int version = 0;
    ASSERT_TRUE(internal::PrepareSchema(**connection, 1, &version).ok());
    ASSERT_EQ(version, 1);
    // Data written by a version-1 build: a weekly dataset with one series of two values.
    ASSERT_TRUE((*connection)
                    ->Exec("INSERT INTO datasets(id, name, frequency, created_at) "
                           "VALUES(1, 'walmart', 'W-FRI', '2024-01-01T00:00:00.000Z');"
                           "INSERT INTO series(id, dataset_id, unique_id, attributes, start_day, "
                           "end_day, length, n_obs) VALUES(1, 1, '1_1', '{\"store\":\"1\"}', "
                           "14645, 14652, 2, 2);"
                           // 1.5 and 2.0 as little-endian doubles
                           "INSERT INTO observations(series_id, vals) "
                           "VALUES(1, x'000000000000F83F0000000000000040');")
                    .ok());
  }
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'artifacts'"), "0");

  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->schema_version(), Store::LatestSchemaVersion());
  auto panel = (*store)->LoadPanel("walmart");
  ASSERT_TRUE(panel.ok()) << panel.status().ToString();
  ASSERT_EQ(panel->num_series(), 1u);
  EXPECT_EQ(panel->start(0).ToString(), "2010-02-05");
  EXPECT_EQ(panel->values(0)[0], 1.5);
  EXPECT_EQ(panel->values(0)[1], 2.0);
  EXPECT_EQ(panel->attribute(0, 0), "1");
  ArtifactRecord record;
  record.name = "after-migration";
  auto saved = (*store)->SaveArtifact(record);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(saved->version, 1);
  EXPECT_EQ(RawQuery(path, "SELECT group_concat(version) FROM schema_version"), "1,2,3,4");
  // Migration 4: the versions of other modules' tables (none yet).
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM module_schema"), "0");
}

TEST_F(SchemaTest, NewerStoreIsAFailedPrecondition) {
  const std::string path = PathOf("future.db");
  ASSERT_TRUE(Store::Open(path).ok());
  RawExec(path, "INSERT INTO schema_version VALUES(99, 'from the future', 'later')");
  auto store = Store::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("schema version 99"), std::string::npos)
      << store.status().message();
  EXPECT_NE(store.status().message().find("up to 4"), std::string::npos);
}

TEST_F(SchemaTest, TextFileIsNotASqliteDatabase) {
  const std::string path = PathOf("sales.csv");
  WriteFile(path, "unique_id,ds,y\n" + std::string(4096, 'x') + "\n");
  auto store = Store::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataError);
  EXPECT_NE(store.status().message().find("not a SQLite database"), std::string::npos)
      << store.status().message();
  EXPECT_NE(store.status().message().find(path), std::string::npos);
}

TEST_F(SchemaTest, OtherSqliteDatabaseIsNotAStoreAndIsLeftAlone) {
  const std::string path = PathOf("other.db");
  RawExec(path, "CREATE TABLE customers(id INTEGER); CREATE TABLE orders(id INTEGER)");
  auto store = Store::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataError);
  EXPECT_NE(store.status().message().find("not a retailcast store"), std::string::npos);
  EXPECT_NE(store.status().message().find("customers, orders"), std::string::npos)
      << store.status().message();
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "delete");
}

TEST_F(SchemaTest, MissingDirectoryIsAnIoError) {
  auto store = Store::Open(PathOf("no/such/dir/store.db"));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kIoError);
  EXPECT_NE(store.status().message().find("no/such/dir"), std::string::npos);
}

// A store with data, closed and checkpointed so everything is in the main file.
std::string MakeStoreWithData(const std::string& path) {
  auto store = Store::Open(path);
  EXPECT_TRUE(store.ok());
  Panel p(Frequency::Daily());
  for (int s = 0; s < 40; ++s) {
    p.AddSeries("s" + std::to_string(s), Date::FromYmd(2020, 1, 1), std::vector<double>(3000, s));
  }
  EXPECT_TRUE((*store)->IngestPanel("d", p, "x", "").ok());
  store->reset();
  RawExec(path, "PRAGMA wal_checkpoint(TRUNCATE)");
  return path;
}

TEST_F(SchemaTest, OverwrittenHeaderIsACleanError) {
  const std::string path = MakeStoreWithData(PathOf("bad_header.db"));
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    f << "this is no longer a sqlite header";
  }
  auto store = Store::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataError);
  EXPECT_NE(store.status().message().find("not a SQLite database"), std::string::npos)
      << store.status().message();
}

TEST_F(SchemaTest, CorruptPagesGiveACleanErrorNotACrash) {
  const std::string path = MakeStoreWithData(PathOf("bad_pages.db"));
  const auto size = std::filesystem::file_size(path);
  ASSERT_GT(size, 4u * 65536);
  {
    // Garbage over every page but the first (which holds the header and schema).
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    std::string junk(65536, '\xA5');
    for (std::uintmax_t at = 65536; at < size; at += 65536) {
      f.seekp(static_cast<std::streamoff>(at));
      f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
  }
  auto store = Store::Open(path);
  if (!store.ok()) {
    EXPECT_EQ(store.status().code(), StatusCode::kDataError) << store.status().ToString();
    return;
  }
  auto panel = (*store)->LoadPanel("d");
  ASSERT_FALSE(panel.ok());
  EXPECT_EQ(panel.status().code(), StatusCode::kDataError) << panel.status().ToString();
  EXPECT_NE(panel.status().message().find("corrupt"), std::string::npos)
      << panel.status().message();
}

}  // namespace
}  // namespace retailcast::store
