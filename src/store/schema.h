// The store's schema: an ordered list of migrations, each applied in its own transaction.
// Adding a schema change is one more entry at the end of kMigrations (schema.cc).
#pragma once

#include <string_view>

#include "retailcast/core/status.h"
#include "sqlite_db.h"

namespace retailcast::store::internal {

// Marks a SQLite file as a retailcast store (PRAGMA application_id, "RCST").
inline constexpr int kApplicationId = 0x52435354;

struct Migration {
  int version;                   // 1, 2, ...: the schema version after it is applied
  std::string_view description;  // recorded in schema_version
  std::string_view sql;          // statements run inside the migration's transaction
};

// The newest schema version this build knows.
int LatestSchemaVersion();

// Checks that the open file is an empty database or a retailcast store, configures the
// connection (WAL journal, foreign keys, busy timeout; 64 KiB pages for a new file) and
// applies the migrations after the store's version up to `target_version`
// (<= LatestSchemaVersion(); tests pass a smaller one to build an old store). Never
// downgrades. Errors: DataError when the file is not a SQLite database or is a SQLite
// database of something else; FailedPrecondition when the store's schema is newer than this
// build knows. On success `*version` is the schema version of the store.
Status PrepareSchema(Connection& db, int target_version, int* version);

// The schema version recorded in the store (0 for an empty database).
Result<int> ReadSchemaVersion(Connection& db);

}  // namespace retailcast::store::internal
