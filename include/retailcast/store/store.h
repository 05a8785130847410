// The embedded store: one SQLite file that keeps datasets (series values, exogenous columns,
// static attributes), the log of ingests, runs, model artifacts and forecasts, and the tables
// other modules keep in it through the SQL access of sql.h (the service's API keys).
//
// File format: SQLite in WAL mode with foreign keys on and a 5 s busy timeout. The schema
// has a version (table schema_version) and an ordered list of migrations, applied on Open
// one transaction each. Each series is one row with its first date and one blob of
// little-endian doubles (NaN = no observation); each exogenous column of a series is one
// more blob. Loading a 30,490 x 1,941 panel reads 59 M values in well under 5 s.
//
// Every write method is one transaction: it either happens completely or not at all, also
// when the process dies half-way. Readers see the last committed state and are not blocked
// by a writer (WAL); writers wait for each other up to the busy timeout, then fail with
// IoError.
//
// Thread-safety: a Store may be shared between threads; its calls are serialized by an
// internal mutex (open one Store per thread for parallel reads). Several processes may open
// the same file. Not safe to use across fork(): open a new Store in the child.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/forecast_table.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"
#include "retailcast/store/artifact.h"
#include "retailcast/store/sql.h"

namespace retailcast::store {

namespace internal {
class Connection;
}

// What one IngestPanel call did. Observation counts are over non-NaN incoming values.
struct IngestSummary {
  int64_t ingest_id = 0;               // row of the ingest log
  bool dataset_created = false;        // the dataset did not exist before
  bool already_ingested = false;       // an earlier ingest of this dataset had the same hash
  int64_t series_added = 0;            // series new to the dataset
  int64_t observations_inserted = 0;   // values where the store had none
  int64_t observations_updated = 0;    // values that replaced a different stored value
  int64_t observations_unchanged = 0;  // values equal (bitwise) to the stored value
  int64_t exog_inserted = 0;           // the same three counts over exogenous values
  int64_t exog_updated = 0;
  int64_t exog_unchanged = 0;
  int64_t attributes_updated = 0;  // existing series whose static attributes changed
};

// Options of IngestPanel.
struct IngestOptions {
  // For retried client batches (the service's POST /v1/actuals): when `content_hash` is
  // non-empty and an earlier ingest of this dataset recorded the same hash, nothing is written
  // and the summary of that earlier ingest is returned (ingest_id = its id,
  // already_ingested = true). Decided inside the write transaction, so concurrent retries from
  // any process store the batch once.
  bool skip_if_ingested = false;
  // Test hook, for tests only: called inside the transaction after series `i` of the panel
  // has been written. A non-OK status aborts the ingest (rolled back, status returned).
  std::function<Status(size_t i)> after_series_written;
};

// One row of the ingest log.
struct IngestRecord {
  int64_t id = 0;
  std::string dataset;
  std::string source_name;
  std::string content_hash;
  std::string ingested_at;  // ISO 8601 UTC
  IngestSummary summary;
};

struct DatasetInfo {
  std::string name;
  std::string frequency;  // Frequency::ToString(), e.g. "W-FRI"
  std::string created_at;
  int64_t num_series = 0;
  int64_t num_observations = 0;  // non-NaN values over all series
  std::optional<Date> first;     // earliest first date of a stored series range
  std::optional<Date> last;      // latest last date of a stored series range
};

struct RunRecord {
  int64_t id = 0;
  std::string kind;    // e.g. "backtest", "train", "forecast"
  std::string status;  // "running" until FinishRun, then the status given to it
  std::string config_json;
  std::string summary_json;  // "{}" until FinishRun
  std::string started_at;    // ISO 8601 UTC
  std::string finished_at;   // empty while running
};

class Store {
 public:
  // The schema version this build writes.
  static int LatestSchemaVersion();

  // Opens the store at `path`, creating it when the file is absent or empty, and migrates an
  // older schema to the latest (each migration in one transaction).
  // Errors: IoError when the file cannot be opened or created; DataError when it is not a
  // SQLite database, is corrupt, or is a SQLite database but not a retailcast store;
  // FailedPrecondition when its schema is newer than this build knows.
  static Result<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int schema_version() const { return schema_version_; }
  const std::string& path() const;

  // Merges `panel` into dataset `dataset`, creating the dataset (with the panel's frequency)
  // when absent, in ONE transaction, and logs the ingest. Per series (matched by id):
  // the stored range grows to the union of the stored and incoming ranges (NaN in between);
  // an incoming NaN is "no observation" and never overwrites; a non-NaN value is inserted,
  // counted unchanged when bitwise equal to the stored one, or replaces it (newest wins).
  // Exogenous columns (matched by name) merge the same way. Non-empty attribute values are
  // stored and replace a different stored value; an empty value means "not given".
  // Re-ingesting the same content changes nothing and reports already_ingested when
  // `content_hash` (non-empty) was seen before for this dataset.
  // Errors: InvalidArgument for an empty dataset name, an empty or duplicate series id;
  // DataError for a series start not on the panel's frequency grid;
  // FailedPrecondition when the dataset is stored with another frequency (names both);
  // IoError when the database fails. On any error nothing is written.
  Result<IngestSummary> IngestPanel(std::string_view dataset, const Panel& panel,
                                    std::string_view source_name, std::string_view content_hash,
                                    const IngestOptions& options = {});

  // Loads a dataset (or the series `only_ids` of it) as a Panel: series in unique_id byte
  // order, each over its stored range; exogenous columns in creation order (NaN where a
  // series has no value); attribute names = union of the series' keys, sorted, "" where a
  // series has none. Errors: NotFound for an unknown dataset (lists the datasets) or id
  // (names it); DataError when the store is damaged.
  Result<Panel> LoadPanel(std::string_view dataset, const std::vector<std::string>& only_ids = {});

  // All datasets, by name.
  Result<std::vector<DatasetInfo>> ListDatasets();
  // The ingest log, oldest first; of one dataset when `dataset` is non-empty (NotFound when
  // it does not exist).
  Result<std::vector<IngestRecord>> ListIngests(std::string_view dataset = {});

  // Runs. BeginRun records a run with status "running" and returns its id; `config_json`
  // must be valid JSON or empty (stored as "{}"). FinishRun sets the final status (non-empty,
  // not "running": InvalidArgument) and summary; NotFound for an unknown id,
  // FailedPrecondition when the run is finished already.
  Result<int64_t> BeginRun(std::string_view kind, std::string_view config_json);
  Status FinishRun(int64_t id, std::string_view status, std::string_view summary_json);
  Result<RunRecord> GetRun(int64_t id);
  Result<std::vector<RunRecord>> ListRuns();  // oldest first

  // Artifacts. SaveArtifact stores `record` (its id/version are ignored) under version =
  // 1 + the largest version of its name, atomically; stamps created_at when empty; when
  // `record.promoted` it also becomes the promoted one. Returns the record as stored.
  // InvalidArgument for an empty name or invalid JSON in models_json/metrics_json.
  Result<ArtifactRecord> SaveArtifact(ArtifactRecord record);
  // NotFound when no artifact has this id.
  Result<ArtifactRecord> LoadArtifact(int64_t id);
  // The promoted artifact of `name` if any, else its highest version; NotFound (listing the
  // names that exist) when there is none.
  Result<ArtifactRecord> LoadLatestArtifact(std::string_view name);
  // Every artifact without its state, by name then version.
  Result<std::vector<ArtifactRecord>> ListArtifacts();
  // Makes `id` the one promoted artifact of its name. NotFound for an unknown id.
  Status Promote(int64_t id);

  // Forecasts of a run: the table (levels and rows, in order) replaces any saved earlier for
  // that run, in one transaction. NotFound for an unknown run.
  Status SaveForecasts(int64_t run_id, const ForecastTable& table);
  // NotFound for an unknown run or a run without saved forecasts.
  Result<ForecastTable> LoadForecasts(int64_t run_id);

  // The tables of other modules (sql.h). EnsureTables applies the migrations of `owner` (the
  // module's name, e.g. "serve") that this store has not had yet, in order, each in its own
  // write transaction together with its row in the store's module_schema(owner, version)
  // table; a store that has them all is only read. Safe against other processes doing the
  // same (a migration applied meanwhile is not applied again).
  // Errors: InvalidArgument for an empty owner or migrations not numbered 1, 2, ... in order
  // (nothing is applied); FailedPrecondition when the store has `owner`'s tables at a newer
  // version than `migrations` reach (upgrade retailcast); the error of a failing migration
  // with "applying migration V of 'owner' (description)" before it (nothing of that migration
  // is kept; the earlier ones are); IoError when the database fails.
  Status EnsureTables(std::string_view owner, std::span<const ModuleMigration> migrations);
  // Runs `body` inside one transaction under the store's lock and commits when it returns OK;
  // otherwise rolls back and returns its status (an exception it throws rolls back too, and
  // goes on to the caller). `body` must not call this store (its lock is held) nor keep the
  // transaction or its statements. kRead transactions see one snapshot and refuse statements
  // that write; kWrite ones take the write lock first (waiting up to the busy timeout for
  // another process, then IoError).
  Status RunInTransaction(SqlAccess access, const std::function<Status(SqlTransaction&)>& body);

 private:
  Store(std::unique_ptr<internal::Connection> db, int schema_version);

  std::mutex mu_;
  std::unique_ptr<internal::Connection> db_;
  int schema_version_;
};

}  // namespace retailcast::store
