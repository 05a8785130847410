// The API key table: add, list, revoke, and the validation of each.
#include <gtest/gtest.h>

#include <string>

#include "retailcast/store/store.h"
#include "store_test_util.h"

namespace retailcast::store {
namespace {

class ApiKeysTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    auto opened = Store::Open(PathOf("keys.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }
  static ApiKeyRecord Key(std::string key_id, std::string role) {
    ApiKeyRecord r;
    r.key_id = std::move(key_id);
    r.role = std::move(role);
    r.hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    r.name = "replenishment job";
    return r;
  }
  std::unique_ptr<Store> store_;
};

TEST_F(ApiKeysTest, AddedKeysAreListedOldestFirst) {
  auto a = store_->AddApiKey(Key("0123456789abcdef", "reader"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_GT(a->id, 0);
  EXPECT_EQ(a->created_at.size(), 24u);
  auto b = store_->AddApiKey(Key("fedcba9876543210", "admin"));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  auto list = store_->ListApiKeys();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].key_id, "0123456789abcdef");
  EXPECT_EQ((*list)[0].role, "reader");
  EXPECT_EQ((*list)[0].hash, Key("", "").hash);
  EXPECT_EQ((*list)[0].name, "replenishment job");
  EXPECT_TRUE((*list)[0].revoked_at.empty());
  EXPECT_EQ((*list)[1].role, "admin");
}

TEST_F(ApiKeysTest, RevokedKeysStayListedWithTheirRevocationTime) {
  ASSERT_TRUE(store_->AddApiKey(Key("0123456789abcdef", "writer")).ok());
  ASSERT_TRUE(store_->RevokeApiKey("0123456789abcdef").ok());
  auto list = store_->ListApiKeys();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].revoked_at.back(), 'Z');
  Status again = store_->RevokeApiKey("0123456789abcdef");
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.message().find("was revoked on"), std::string::npos) << again.message();
}

TEST_F(ApiKeysTest, UnknownKeyIdListsTheActiveKeys) {
  ASSERT_TRUE(store_->AddApiKey(Key("0123456789abcdef", "reader")).ok());
  Status s = store_->RevokeApiKey("nope");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("'nope'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("0123456789abcdef"), std::string::npos) << s.message();
}

TEST_F(ApiKeysTest, BadRecordsAreRejectedWithoutWriting) {
  EXPECT_EQ(store_->AddApiKey(Key("", "reader")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->AddApiKey(Key("0123456789abcdef", "root")).status().code(),
            StatusCode::kInvalidArgument);
  ApiKeyRecord no_hash = Key("0123456789abcdef", "reader");
  no_hash.hash.clear();
  EXPECT_EQ(store_->AddApiKey(no_hash).status().code(), StatusCode::kInvalidArgument);
  ApiKeyRecord revoked = Key("0123456789abcdef", "reader");
  revoked.revoked_at = "2024-01-01T00:00:00.000Z";
  EXPECT_EQ(store_->AddApiKey(revoked).status().code(), StatusCode::kInvalidArgument);
  auto list = store_->ListApiKeys();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());

  ASSERT_TRUE(store_->AddApiKey(Key("0123456789abcdef", "reader")).ok());
  auto dup = store_->AddApiKey(Key("0123456789abcdef", "admin"));
  EXPECT_EQ(dup.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dup.status().message().find("exists already"), std::string::npos);
}

}  // namespace
}  // namespace retailcast::store
