#include "schema.h"

#include <span>
#include <string>

#include "clock.h"

namespace retailcast::store::internal {
namespace {

// Ordered, append-only. Never edit an entry that has shipped: add a new one.
constexpr Migration kMigrations[] = {
    {1, "datasets, series with value blobs, exogenous blobs, ingests, runs", R"sql(
CREATE TABLE datasets(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  frequency TEXT NOT NULL,           -- Frequency::ToString(), e.g. 'W-FRI'
  created_at TEXT NOT NULL);         -- ISO 8601 UTC
CREATE TABLE series(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  unique_id TEXT NOT NULL,
  attributes TEXT NOT NULL DEFAULT '{}',  -- JSON object of static attributes
  start_day INTEGER NOT NULL,        -- first date of the stored range, days since 1970-01-01
  end_day INTEGER NOT NULL,          -- last date of the range (start_day - 1 when empty)
  length INTEGER NOT NULL,           -- periods in the range = doubles in observations.vals
  n_obs INTEGER NOT NULL,            -- non-NaN values
  UNIQUE(dataset_id, unique_id));
-- The values of a series as one blob of little-endian doubles, NaN = no observation.
CREATE TABLE observations(
  series_id INTEGER PRIMARY KEY REFERENCES series(id) ON DELETE CASCADE,
  vals BLOB NOT NULL);
CREATE TABLE exog_columns(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  UNIQUE(dataset_id, name));
-- One exogenous column of one series: a blob like observations.vals with its own range.
CREATE TABLE exog_values(
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  column_id INTEGER NOT NULL REFERENCES exog_columns(id) ON DELETE CASCADE,
  start_day INTEGER NOT NULL,
  length INTEGER NOT NULL,
  vals BLOB NOT NULL,
  UNIQUE(series_id, column_id));
CREATE TABLE ingests(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  source_name TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  ingested_at TEXT NOT NULL,
  series_added INTEGER NOT NULL,
  observations_inserted INTEGER NOT NULL,
  observations_updated INTEGER NOT NULL,
  observations_unchanged INTEGER NOT NULL,
  exog_inserted INTEGER NOT NULL,
  exog_updated INTEGER NOT NULL,
  exog_unchanged INTEGER NOT NULL,
  attributes_updated INTEGER NOT NULL,
  already_ingested INTEGER NOT NULL,
  dataset_created INTEGER NOT NULL);
CREATE INDEX ingests_by_hash ON ingests(dataset_id, content_hash);
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,              -- 'running' until FinishRun
  config_json TEXT NOT NULL,
  summary_json TEXT NOT NULL DEFAULT '{}',
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '');
)sql"},
    {2, "model artifacts and forecasts", R"sql(
CREATE TABLE artifacts(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  dataset TEXT NOT NULL,
  models_json TEXT NOT NULL,
  train_start TEXT NOT NULL,
  train_end TEXT NOT NULL,
  n_series INTEGER NOT NULL,
  metrics_json TEXT NOT NULL,
  code_version TEXT NOT NULL,
  promoted INTEGER NOT NULL DEFAULT 0 CHECK (promoted IN (0, 1)),
  state BLOB NOT NULL,
  UNIQUE(name, version));
-- At most one promoted artifact per name, enforced by the database itself.
CREATE UNIQUE INDEX artifacts_one_promoted ON artifacts(name) WHERE promoted = 1;
CREATE TABLE forecast_sets(
  run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  levels BLOB NOT NULL,              -- interval levels, little-endian doubles
  created_at TEXT NOT NULL);
CREATE TABLE forecasts(
  id INTEGER PRIMARY KEY,            -- keeps the row order of the saved table
  run_id INTEGER NOT NULL REFERENCES forecast_sets(run_id) ON DELETE CASCADE,
  unique_id TEXT NOT NULL,
  ds INTEGER NOT NULL,               -- days since 1970-01-01
  model TEXT NOT NULL,
  -- No declared type on purpose: REAL affinity would store integral values as integers and
  -- lose the sign of -0.0; without affinity a double keeps its bits. NULL for NaN.
  yhat,
  lo BLOB NOT NULL,                  -- one little-endian double per level
  hi BLOB NOT NULL);
CREATE INDEX forecasts_by_run ON forecasts(run_id);
)sql"},
    {3, "API keys of the service (salted hashes only)", R"sql(
CREATE TABLE api_keys(
  id INTEGER PRIMARY KEY,
  key_id TEXT NOT NULL UNIQUE,       -- public part of the key (rck_<key_id>_<secret>)
  role TEXT NOT NULL CHECK (role IN ('reader', 'writer', 'admin')),
  hash TEXT NOT NULL,                -- salted hash of the secret, never the key itself
  name TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked_at TEXT NOT NULL DEFAULT '');  -- empty while active
)sql"},
    // From here on the keys belong to the serve module, which declares api_keys itself
    // (Store::EnsureTables); migration 3 stays, as every shipped migration does.
    {4, "schema versions of the tables other modules keep in the store", R"sql(
CREATE TABLE module_schema(
  owner TEXT NOT NULL,               -- the module owning the tables, e.g. 'serve'
  version INTEGER NOT NULL,          -- the owner's schema version once the migration applied
  description TEXT NOT NULL,
  applied_at TEXT NOT NULL,          -- ISO 8601 UTC
  PRIMARY KEY(owner, version));
)sql"},
};

Result<int> QueryInt(Connection& db, std::string_view sql) {
  RETAILCAST_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, sql));
  RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::Internal("'" + std::string(sql) + "' returned no row");
  return static_cast<int>(stmt.ColumnInt(0));
}

Result<std::string> QueryText(Connection& db, std::string_view sql) {
  RETAILCAST_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, sql));
  RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::string();
  return std::string(stmt.ColumnText(0));
}

Status ApplyMigration(Connection& db, const Migration& m) {
  RETAILCAST_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, Transaction::Kind::kWrite));
  // Another process may have migrated while we waited for the write lock.
  RETAILCAST_ASSIGN_OR_RETURN(int current, ReadSchemaVersion(db));
  if (current >= m.version) return txn.Commit();
  if (m.version == 1) {
    RETAILCAST_RETURN_IF_ERROR(db.Exec(
        "CREATE TABLE schema_version(version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
        "applied_at TEXT NOT NULL); PRAGMA application_id = " +
        std::to_string(kApplicationId)));
  }
  Status applied = db.Exec(m.sql);
  if (!applied.ok()) {
    return applied.WithContext("applying schema migration " + std::to_string(m.version));
  }
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement record,
      Statement::Prepare(db,
                         "INSERT INTO schema_version(version, description, applied_at) "
                         "VALUES(?, ?, ?)"));
  std::string now = NowIsoUtc();
  record.BindInt(1, m.version).BindText(2, m.description).BindText(3, now);
  RETAILCAST_RETURN_IF_ERROR(record.Run());
  return txn.Commit();
}

}  // namespace

int LatestSchemaVersion() { return std::span(kMigrations).back().version; }

Result<int> ReadSchemaVersion(Connection& db) {
  RETAILCAST_ASSIGN_OR_RETURN(
      int has_table,
      QueryInt(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'schema_version'"));
  if (has_table == 0) return 0;
  return QueryInt(db, "SELECT coalesce(max(version), 0) FROM schema_version");
}

Status PrepareSchema(Connection& db, int target_version, int* version) {
  const std::string& path = db.path();
  // Before the first read: even a WAL reader can meet a short lock (another connection
  // opening or checkpointing the same store), and without a busy handler SQLite reports it
  // at once as SQLITE_BUSY instead of waiting.
  RETAILCAST_RETURN_IF_ERROR(db.Exec("PRAGMA busy_timeout = 5000"));
  // The first read of the file: a file that is not a database fails here.
  Result<int> app_id = QueryInt(db, "PRAGMA application_id");
  if (!app_id.ok()) {
    return {app_id.status().code(),
            "cannot open '" + path + "' as a retailcast store: " + app_id.status().message()};
  }
  RETAILCAST_ASSIGN_OR_RETURN(int objects, QueryInt(db, "SELECT count(*) FROM sqlite_schema"));
  const bool fresh = *app_id == 0 && objects == 0;
  if (!fresh && *app_id != kApplicationId) {
    RETAILCAST_ASSIGN_OR_RETURN(
        std::string tables,
        QueryText(db,
                  "SELECT group_concat(name, ', ') FROM (SELECT name FROM sqlite_schema "
                  "WHERE type = 'table' ORDER BY name LIMIT 10)"));
    return Status::DataError(
        "'" + path + "' is a SQLite database but not a retailcast store (application_id " +
        std::to_string(*app_id) + ", tables: " + (tables.empty() ? "none" : tables) +
        "); pass the path of a store file or a new file name");
  }
  // WAL: readers never block the writer nor each other, and a crash mid-write leaves the
  // last committed state. Page size only takes effect before the first table exists; large
  // pages make the value blobs span fewer overflow pages, which speeds up bulk loads.
  if (fresh) RETAILCAST_RETURN_IF_ERROR(db.Exec("PRAGMA page_size = 65536"));
  RETAILCAST_ASSIGN_OR_RETURN(std::string mode, QueryText(db, "PRAGMA journal_mode = WAL"));
  if (mode != "wal" && mode != "memory") {
    return Status::IoError("store '" + path + "': cannot switch to WAL journal mode (got '" + mode +
                           "'); put the store on a local file system");
  }
  RETAILCAST_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL"));

  RETAILCAST_ASSIGN_OR_RETURN(int current, ReadSchemaVersion(db));
  if (!fresh && current == 0) {
    return Status::DataError("'" + path +
                             "' is marked as a retailcast store but has no schema_version; the "
                             "file is damaged");
  }
  if (current > LatestSchemaVersion()) {
    return Status::FailedPrecondition(
        "store '" + path + "' has schema version " + std::to_string(current) +
        " but this build of retailcast knows versions up to " +
        std::to_string(LatestSchemaVersion()) + "; upgrade retailcast to open it");
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= current || m.version > target_version) continue;
    RETAILCAST_RETURN_IF_ERROR(ApplyMigration(db, m));
    current = m.version;
  }
  *version = current;
  return Status::Ok();
}

}  // namespace retailcast::store::internal
