// The key table of the service (key_store.h): add, list, revoke and the validation of each;
// the table the serve module declares for itself (Store::EnsureTables), in a fresh store and in
// a store written before the keys moved out of the store module, whose keys must still verify.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>
#include <string>

#include "auth.h"
#include "retailcast/serve/api_keys.h"
#include "retailcast/serve/key_store.h"
#include "retailcast/store/store.h"
#include "serve_test_util.h"
#include "store/store_test_util.h"

namespace retailcast::serve {
namespace {

using store::testing::RawQuery;

// Runs `sql` on a raw sqlite connection to `path`; returns sqlite's error message, "" when OK.
std::string RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    return "cannot open " + path;
  }
  char* err = nullptr;
  std::string message;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    message = err != nullptr ? err : "failed";
  }
  sqlite3_free(err);
  sqlite3_close(db);
  return message;
}

class KeyStoreTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    path_ = PathOf("keys.db");
    auto opened = store::Store::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    auto keys = KeyStore::Open(*store_);
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    keys_.emplace(std::move(keys).value());
  }
  static ApiKeyRecord Key(std::string key_id, std::string role) {
    ApiKeyRecord r;
    r.key_id = std::move(key_id);
    r.role = std::move(role);
    r.hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    r.name = "replenishment job";
    return r;
  }
  std::string path_;
  std::unique_ptr<store::Store> store_;
  std::optional<KeyStore> keys_;
};

TEST_F(KeyStoreTest, AddedKeysAreListedOldestFirst) {
  auto a = keys_->Add(Key("0123456789abcdef", "reader"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_GT(a->id, 0);
  EXPECT_EQ(a->created_at.size(), 24u);
  EXPECT_EQ(a->created_at.back(), 'Z');
  auto b = keys_->Add(Key("fedcba9876543210", "admin"));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->id, a->id + 1);
  auto list = keys_->List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, a->id);
  EXPECT_EQ((*list)[0].key_id, "0123456789abcdef");
  EXPECT_EQ((*list)[0].role, "reader");
  EXPECT_EQ((*list)[0].hash, Key("", "").hash);
  EXPECT_EQ((*list)[0].name, "replenishment job");
  EXPECT_EQ((*list)[0].created_at, a->created_at);
  EXPECT_TRUE((*list)[0].revoked_at.empty());
  EXPECT_EQ((*list)[1].role, "admin");
}

TEST_F(KeyStoreTest, RevokedKeysStayListedWithTheirRevocationTime) {
  ASSERT_TRUE(keys_->Add(Key("0123456789abcdef", "writer")).ok());
  ASSERT_TRUE(keys_->Revoke("0123456789abcdef").ok());
  auto list = keys_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].revoked_at.size(), 24u);
  EXPECT_EQ((*list)[0].revoked_at.back(), 'Z');
  Status again = keys_->Revoke("0123456789abcdef");
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.message(), "API key '0123456789abcdef' was revoked on " + (*list)[0].revoked_at);
}

TEST_F(KeyStoreTest, UnknownKeyIdListsTheActiveKeys) {
  Status none = keys_->Revoke("nope");
  EXPECT_EQ(none.code(), StatusCode::kNotFound);
  EXPECT_EQ(none.message(), "no API key has key_id 'nope' (active keys: none)");
  ASSERT_TRUE(keys_->Add(Key("0123456789abcdef", "reader")).ok());
  ASSERT_TRUE(keys_->Add(Key("fedcba9876543210", "reader")).ok());
  ASSERT_TRUE(keys_->Add(Key("00000000000000aa", "reader")).ok());
  ASSERT_TRUE(keys_->Revoke("fedcba9876543210").ok());
  Status s = keys_->Revoke("nope");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(),
            "no API key has key_id 'nope' (active keys: 0123456789abcdef, 00000000000000aa)");
}

TEST_F(KeyStoreTest, BadRecordsAreRejectedWithoutWriting) {
  auto no_id = keys_->Add(Key("", "reader"));
  EXPECT_EQ(no_id.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(no_id.status().message(), "API key has an empty key_id");
  auto root = keys_->Add(Key("0123456789abcdef", "root"));
  EXPECT_EQ(root.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(root.status().message(),
            "API key '0123456789abcdef' has role 'root'; expected reader, writer or admin");
  ApiKeyRecord no_hash = Key("0123456789abcdef", "reader");
  no_hash.hash.clear();
  auto hashless = keys_->Add(no_hash);
  EXPECT_EQ(hashless.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(hashless.status().message(), "API key '0123456789abcdef' has an empty hash");
  ApiKeyRecord revoked = Key("0123456789abcdef", "reader");
  revoked.revoked_at = "2024-01-01T00:00:00.000Z";
  auto added_revoked = keys_->Add(revoked);
  EXPECT_EQ(added_revoked.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(added_revoked.status().message(),
            "API key '0123456789abcdef' is added revoked; add it with an empty revoked_at");
  auto list = keys_->List();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());

  ASSERT_TRUE(keys_->Add(Key("0123456789abcdef", "reader")).ok());
  auto dup = keys_->Add(Key("0123456789abcdef", "admin"));
  EXPECT_EQ(dup.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(dup.status().message(), "an API key with key_id '0123456789abcdef' exists already");
  list = keys_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].role, "reader");
}

TEST_F(KeyStoreTest, TheServeModuleOwnsItsTableThroughItsOwnMigration) {
  // A fresh store: the serve module's migration 1 is recorded once, however often it opens.
  EXPECT_EQ(RawQuery(path_, "SELECT group_concat(owner || ':' || version) FROM module_schema"),
            "serve:1");
  ASSERT_TRUE(KeyStore::Open(*store_).ok());
  EXPECT_EQ(RawQuery(path_, "SELECT count(*) FROM module_schema"), "1");
  // A store without the table (as a backend without the store's old migration 3 would be):
  // the serve module creates it itself, with the same definition.
  const std::string before =
      RawQuery(path_, "SELECT sql FROM sqlite_schema WHERE name = 'api_keys'");
  store_.reset();
  ASSERT_EQ(RawExec(path_, "DROP TABLE api_keys; DELETE FROM module_schema"), "");
  auto reopened = store::Store::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto keys = KeyStore::Open(**reopened);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(RawQuery(path_, "SELECT group_concat(owner || ':' || version) FROM module_schema"),
            "serve:1");
  const std::string after =
      RawQuery(path_, "SELECT sql FROM sqlite_schema WHERE name = 'api_keys'");
  // sqlite keeps the statement's text: the same columns and constraints, created IF NOT EXISTS.
  EXPECT_EQ(after.substr(after.find('(')), before.substr(before.find('('))) << after;
  auto added = keys->Add(Key("0123456789abcdef", "writer"));
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(keys->List()->size(), 1u);
  // The role constraint of the table itself holds too.
  EXPECT_NE(RawExec(path_,
                    "INSERT INTO api_keys(key_id, role, hash, created_at) "
                    "VALUES('x', 'root', 'h', 'now')"),
            "");
}

// The keys printed by the build that wrote testdata/store_v3_with_api_keys.sql.
constexpr const char* kOldReaderKey =
    "rck_bd2a3de8330d576e_mksq2ZpfxPuWimCeC5U8L-V011CUHD7KTOW4ijj5HvA";  // argon2id
constexpr const char* kOldAdminKey =
    "rck_9d444acdfd9bb863_1QzQN2OnIByNiPVGBPJdnFjT-njrwpEeqNRBLkZ9h9s";  // hmac-sha256
constexpr const char* kOldRevokedKey =
    "rck_f33cd64591a680e3_fFms7jXTWjOtBCEopt54k0giWUP9x3GpmQNWccj-Okk";

TEST_F(KeyStoreTest, KeysOfAStoreWrittenBeforeTheMoveStillVerify) {
  const std::string old_path = PathOf("old.db");
  std::ifstream in(std::string(RETAILCAST_SOURCE_DIR) +
                   "/tests/serve/testdata/store_v3_with_api_keys.sql");
  ASSERT_TRUE(in) << "the fixture is missing";
  std::stringstream dump;
  dump << in.rdbuf();
  ASSERT_EQ(RawExec(old_path, dump.str()), "");
  ASSERT_EQ(RawQuery(old_path, "SELECT max(version) FROM schema_version"), "3");

  // Opening migrates the store (module_schema); the serve module then records its migration 1
  // over the table the store's migration 3 made, and keeps every row.
  auto old_store = store::Store::Open(old_path);
  ASSERT_TRUE(old_store.ok()) << old_store.status().ToString();
  EXPECT_EQ((*old_store)->schema_version(), store::Store::LatestSchemaVersion());
  auto keys = KeyStore::Open(**old_store);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(RawQuery(old_path, "SELECT group_concat(owner || ':' || version) FROM module_schema"),
            "serve:1");
  auto list = keys->List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, 1);
  EXPECT_EQ((*list)[0].key_id, "bd2a3de8330d576e");
  EXPECT_EQ((*list)[0].role, "reader");
  EXPECT_EQ((*list)[0].name, "argon2id, made before the move");
  EXPECT_EQ((*list)[0].created_at, "2026-12-07T19:25:06.577Z");
  EXPECT_EQ((*list)[0].revoked_at, "");
  EXPECT_EQ(HashScheme((*list)[0].hash), "argon2id");
  EXPECT_EQ((*list)[1].role, "admin");
  EXPECT_EQ(HashScheme((*list)[1].hash), "hmac-sha256");
  EXPECT_EQ((*list)[2].role, "writer");
  EXPECT_EQ((*list)[2].revoked_at, "2026-12-07T19:25:13.287Z");

  // The keys still verify (and the revoked one is still refused).
  KeyRing ring(testing::kTestSecret);
  ring.Replace(*list);
  EXPECT_EQ(ring.active_keys(), 2u);
  Identity reader = ring.Authenticate(std::string("Bearer ") + kOldReaderKey);
  EXPECT_EQ(reader.outcome, AuthOutcome::kOk);
  EXPECT_EQ(reader.role, Role::kReader);
  Identity admin = ring.Authenticate(std::string("Bearer ") + kOldAdminKey);
  EXPECT_EQ(admin.outcome, AuthOutcome::kOk);
  EXPECT_EQ(admin.role, Role::kAdmin);
  EXPECT_EQ(ring.Authenticate(std::string("Bearer ") + kOldRevokedKey).outcome,
            AuthOutcome::kRevoked);

  // New keys go on in the same table, and old ones can be revoked.
  auto issued = IssueApiKey(**old_store, Role::kWriter, "after the move", testing::kTestSecret);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->record.id, 4);
  ASSERT_TRUE(keys->Revoke("bd2a3de8330d576e").ok());
  list = keys->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 4u);
  EXPECT_FALSE((*list)[0].revoked_at.empty());
  ring.Replace(*list);
  EXPECT_EQ(ring.Authenticate(std::string("Bearer ") + kOldReaderKey).outcome,
            AuthOutcome::kRevoked);
  EXPECT_EQ(ring.Authenticate("Bearer " + issued->key).outcome, AuthOutcome::kOk);
}

TEST_F(KeyStoreTest, ANewerServeSchemaIsRefused) {
  store_.reset();
  ASSERT_EQ(
      RawExec(path_, "INSERT INTO module_schema VALUES('serve', 2, 'from the future', 'later')"),
      "");
  auto reopened = store::Store::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto keys = KeyStore::Open(**reopened);
  EXPECT_EQ(keys.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(keys.status().message().find("'serve' at version 2"), std::string::npos)
      << keys.status().message();
  // And so is a service on it, and `IssueApiKey`.
  EXPECT_EQ(IssueApiKey(**reopened, Role::kReader, "", "").status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace retailcast::serve
