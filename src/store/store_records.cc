// Store: runs, model artifacts and forecasts.
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "clock.h"
#include "retailcast/store/store.h"
#include "series_blob.h"
#include "sqlite_db.h"
#include "store_internal.h"

namespace retailcast::store {

using internal::Connection;
using internal::Statement;
using internal::Transaction;

namespace {

constexpr std::string_view kRunning = "running";

std::string JsonOrEmptyObject(std::string_view text) {
  return text.empty() ? std::string("{}") : std::string(text);
}

RunRecord ReadRun(const Statement& s) {
  return RunRecord{s.ColumnInt(0),
                   std::string(s.ColumnText(1)),
                   std::string(s.ColumnText(2)),
                   std::string(s.ColumnText(3)),
                   std::string(s.ColumnText(4)),
                   std::string(s.ColumnText(5)),
                   std::string(s.ColumnText(6))};
}

constexpr std::string_view kRunColumns =
    "SELECT id, kind, status, config_json, summary_json, started_at, finished_at FROM runs";

// Columns of artifacts in ArtifactRecord order; `state` is selected only when asked for.
std::string ArtifactSelect(bool with_state) {
  return std::string(
             "SELECT id, name, version, created_at, dataset, models_json, train_start, "
             "train_end, n_series, metrics_json, code_version, promoted") +
         (with_state ? ", state" : "") + " FROM artifacts";
}

ArtifactRecord ReadArtifact(const Statement& s, bool with_state) {
  ArtifactRecord r;
  r.id = s.ColumnInt(0);
  r.name = s.ColumnText(1);
  r.version = s.ColumnInt(2);
  r.created_at = s.ColumnText(3);
  r.dataset = s.ColumnText(4);
  r.models_json = s.ColumnText(5);
  r.train_start = s.ColumnText(6);
  r.train_end = s.ColumnText(7);
  r.n_series = s.ColumnInt(8);
  r.metrics_json = s.ColumnText(9);
  r.code_version = s.ColumnText(10);
  r.promoted = s.ColumnInt(11) != 0;
  if (with_state) {
    std::span<const std::byte> blob = s.ColumnBlob(12);
    r.state.assign(reinterpret_cast<const char*>(blob.data()), blob.size());
  }
  return r;
}

Status RunExists(Connection& db, int64_t run_id) {
  RETAILCAST_ASSIGN_OR_RETURN(Statement stmt,
                              Statement::Prepare(db, "SELECT 1 FROM runs WHERE id = ?"));
  stmt.BindInt(1, run_id);
  RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::NotFound("run " + std::to_string(run_id) + " does not exist");
  return Status::Ok();
}

Result<std::vector<double>> DecodeDoubles(std::span<const std::byte> blob, size_t count,
                                          const char* what) {
  std::vector<double> out;
  RETAILCAST_RETURN_IF_ERROR(internal::DecodeBlob(blob, static_cast<int64_t>(count), what, &out));
  return out;
}

}  // namespace

Result<int64_t> Store::BeginRun(std::string_view kind, std::string_view config_json) {
  if (kind.empty()) return Status::InvalidArgument("run kind is empty");
  RETAILCAST_RETURN_IF_ERROR(internal::CheckJson("run config", config_json));
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement stmt, Statement::Prepare(*db_,
                                         "INSERT INTO runs(kind, status, config_json, started_at) "
                                         "VALUES(?, ?, ?, ?)"));
  const std::string config = JsonOrEmptyObject(config_json);
  const std::string now = internal::NowIsoUtc();
  stmt.BindText(1, kind).BindText(2, kRunning).BindText(3, config).BindText(4, now);
  RETAILCAST_RETURN_IF_ERROR(stmt.Run());
  return db_->LastInsertRowid();
}

Status Store::FinishRun(int64_t id, std::string_view status, std::string_view summary_json) {
  if (status.empty() || status == kRunning) {
    return Status::InvalidArgument("final status of run " + std::to_string(id) + " is '" +
                                   std::string(status) +
                                   "'; give a final status such as 'succeeded' or 'failed'");
  }
  RETAILCAST_RETURN_IF_ERROR(internal::CheckJson("run summary", summary_json));
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*db_, Transaction::Kind::kWrite));
  RETAILCAST_ASSIGN_OR_RETURN(Statement get,
                              Statement::Prepare(*db_, "SELECT status FROM runs WHERE id = ?"));
  get.BindInt(1, id);
  RETAILCAST_ASSIGN_OR_RETURN(bool row, get.Step());
  if (!row) return Status::NotFound("run " + std::to_string(id) + " does not exist");
  if (get.ColumnText(0) != kRunning) {
    return Status::FailedPrecondition("run " + std::to_string(id) + " is finished already (" +
                                      std::string(get.ColumnText(0)) + ")");
  }
  get.Reset();
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement update,
      Statement::Prepare(*db_,
                         "UPDATE runs SET status = ?, summary_json = ?, finished_at = ? "
                         "WHERE id = ?"));
  const std::string summary = JsonOrEmptyObject(summary_json);
  const std::string now = internal::NowIsoUtc();
  update.BindText(1, status).BindText(2, summary).BindText(3, now).BindInt(4, id);
  RETAILCAST_RETURN_IF_ERROR(update.Run());
  return txn.Commit();
}

Result<RunRecord> Store::GetRun(int64_t id) {
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(Statement stmt,
                              Statement::Prepare(*db_, std::string(kRunColumns) + " WHERE id = ?"));
  stmt.BindInt(1, id);
  RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::NotFound("run " + std::to_string(id) + " does not exist");
  return ReadRun(stmt);
}

Result<std::vector<RunRecord>> Store::ListRuns() {
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(Statement stmt,
                              Statement::Prepare(*db_, std::string(kRunColumns) + " ORDER BY id"));
  std::vector<RunRecord> out;
  while (true) {
    RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(ReadRun(stmt));
  }
  return out;
}

Result<ArtifactRecord> Store::SaveArtifact(ArtifactRecord record) {
  if (record.name.empty()) return Status::InvalidArgument("artifact name is empty");
  RETAILCAST_RETURN_IF_ERROR(
      internal::CheckJson("models_json of artifact '" + record.name + "'", record.models_json));
  RETAILCAST_RETURN_IF_ERROR(
      internal::CheckJson("metrics_json of artifact '" + record.name + "'", record.metrics_json));
  if (record.models_json.empty()) record.models_json = "{}";
  if (record.metrics_json.empty()) record.metrics_json = "{}";
  if (record.created_at.empty()) record.created_at = internal::NowIsoUtc();

  std::lock_guard lock(mu_);
  Connection& db = *db_;
  // The write lock is taken at BEGIN, so max(version) + 1 cannot race another writer.
  RETAILCAST_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, Transaction::Kind::kWrite));
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement next,
      Statement::Prepare(db, "SELECT coalesce(max(version), 0) + 1 FROM artifacts WHERE name = ?"));
  next.BindText(1, record.name);
  RETAILCAST_ASSIGN_OR_RETURN(bool row, next.Step());
  if (!row) return Status::Internal("max(version) returned no row");
  record.version = next.ColumnInt(0);
  next.Reset();
  if (record.promoted) {
    RETAILCAST_ASSIGN_OR_RETURN(
        Statement demote,
        Statement::Prepare(db,
                           "UPDATE artifacts SET promoted = 0 WHERE name = ? AND promoted = 1"));
    demote.BindText(1, record.name);
    RETAILCAST_RETURN_IF_ERROR(demote.Run());
  }
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement insert,
      Statement::Prepare(db,
                         "INSERT INTO artifacts(name, version, created_at, dataset, models_json, "
                         "train_start, train_end, n_series, metrics_json, code_version, "
                         "promoted, state) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  insert.BindText(1, record.name)
      .BindInt(2, record.version)
      .BindText(3, record.created_at)
      .BindText(4, record.dataset)
      .BindText(5, record.models_json)
      .BindText(6, record.train_start)
      .BindText(7, record.train_end)
      .BindInt(8, record.n_series)
      .BindText(9, record.metrics_json)
      .BindText(10, record.code_version)
      .BindInt(11, record.promoted ? 1 : 0)
      .BindBlob(12, record.state.data(), record.state.size());
  RETAILCAST_RETURN_IF_ERROR(insert.Run());
  record.id = db.LastInsertRowid();
  RETAILCAST_RETURN_IF_ERROR(txn.Commit());
  return record;
}

Result<ArtifactRecord> Store::LoadArtifact(int64_t id) {
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(Statement stmt,
                              Statement::Prepare(*db_, ArtifactSelect(true) + " WHERE id = ?"));
  stmt.BindInt(1, id);
  RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::NotFound("artifact " + std::to_string(id) + " does not exist");
  return ReadArtifact(stmt, true);
}

Result<ArtifactRecord> Store::LoadLatestArtifact(std::string_view name) {
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(*db_, ArtifactSelect(true) +
                                   " WHERE name = ? ORDER BY promoted DESC, version DESC LIMIT 1"));
  stmt.BindText(1, name);
  RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (row) return ReadArtifact(stmt, true);
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement names,
      Statement::Prepare(*db_, "SELECT DISTINCT name FROM artifacts ORDER BY name"));
  std::string list;
  while (true) {
    RETAILCAST_ASSIGN_OR_RETURN(bool more, names.Step());
    if (!more) break;
    list += (list.empty() ? "" : ", ") + std::string(names.ColumnText(0));
  }
  return Status::NotFound("no artifact is named '" + std::string(name) +
                          "' (artifacts: " + (list.empty() ? "none" : list) + ")");
}

Result<std::vector<ArtifactRecord>> Store::ListArtifacts() {
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement stmt, Statement::Prepare(*db_, ArtifactSelect(false) + " ORDER BY name, version"));
  std::vector<ArtifactRecord> out;
  while (true) {
    RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(ReadArtifact(stmt, false));
  }
  return out;
}

Status Store::Promote(int64_t id) {
  std::lock_guard lock(mu_);
  Connection& db = *db_;
  RETAILCAST_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, Transaction::Kind::kWrite));
  RETAILCAST_ASSIGN_OR_RETURN(Statement get,
                              Statement::Prepare(db, "SELECT name FROM artifacts WHERE id = ?"));
  get.BindInt(1, id);
  RETAILCAST_ASSIGN_OR_RETURN(bool row, get.Step());
  if (!row) return Status::NotFound("artifact " + std::to_string(id) + " does not exist");
  const std::string name(get.ColumnText(0));
  get.Reset();
  // Demote first: the partial unique index allows one promoted row per name at any time.
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement demote,
      Statement::Prepare(db, "UPDATE artifacts SET promoted = 0 WHERE name = ? AND promoted = 1"));
  demote.BindText(1, name);
  RETAILCAST_RETURN_IF_ERROR(demote.Run());
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement promote, Statement::Prepare(db, "UPDATE artifacts SET promoted = 1 WHERE id = ?"));
  promote.BindInt(1, id);
  RETAILCAST_RETURN_IF_ERROR(promote.Run());
  return txn.Commit();
}

Status Store::SaveForecasts(int64_t run_id, const ForecastTable& table) {
  const size_t levels = table.levels().size();
  std::lock_guard lock(mu_);
  Connection& db = *db_;
  RETAILCAST_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, Transaction::Kind::kWrite));
  RETAILCAST_RETURN_IF_ERROR(RunExists(db, run_id));
  // Replaces an earlier table of the run (its rows go with it: ON DELETE CASCADE).
  RETAILCAST_ASSIGN_OR_RETURN(Statement clear,
                              Statement::Prepare(db, "DELETE FROM forecast_sets WHERE run_id = ?"));
  clear.BindInt(1, run_id);
  RETAILCAST_RETURN_IF_ERROR(clear.Run());
  std::vector<double> scratch;
  RETAILCAST_ASSIGN_OR_RETURN(Statement set,
                              Statement::Prepare(db,
                                                 "INSERT INTO forecast_sets(run_id, levels, "
                                                 "created_at) VALUES(?, ?, ?)"));
  auto level_bytes = internal::LittleEndianBytes(table.levels(), &scratch);
  const std::string now = internal::NowIsoUtc();
  set.BindInt(1, run_id)
      .BindBlob(2, level_bytes.data(), level_bytes.size(), /*copy=*/true)
      .BindText(3, now);
  RETAILCAST_RETURN_IF_ERROR(set.Run());
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement insert,
      Statement::Prepare(db,
                         "INSERT INTO forecasts(run_id, unique_id, ds, model, yhat, lo, hi) "
                         "VALUES(?, ?, ?, ?, ?, ?, ?)"));
  std::vector<double> lo(levels), hi(levels), scratch_hi;
  for (size_t r = 0; r < table.size(); ++r) {
    for (size_t l = 0; l < levels; ++l) {
      lo[l] = table.lo(l, r);
      hi[l] = table.hi(l, r);
    }
    auto lo_bytes = internal::LittleEndianBytes(lo, &scratch);
    auto hi_bytes = internal::LittleEndianBytes(hi, &scratch_hi);
    insert.BindInt(1, run_id)
        .BindText(2, table.unique_id(r))
        .BindInt(3, table.ds(r).days)
        .BindText(4, table.model(r))
        .BindBlob(6, lo_bytes.data(), lo_bytes.size())
        .BindBlob(7, hi_bytes.data(), hi_bytes.size());
    if (std::isnan(table.yhat(r))) {
      insert.BindNull(5);
    } else {
      insert.BindDouble(5, table.yhat(r));
    }
    RETAILCAST_RETURN_IF_ERROR(insert.Run());
  }
  return txn.Commit();
}

Result<ForecastTable> Store::LoadForecasts(int64_t run_id) {
  std::lock_guard lock(mu_);
  Connection& db = *db_;
  RETAILCAST_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, Transaction::Kind::kRead));
  RETAILCAST_RETURN_IF_ERROR(RunExists(db, run_id));
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement set, Statement::Prepare(db, "SELECT levels FROM forecast_sets WHERE run_id = ?"));
  set.BindInt(1, run_id);
  RETAILCAST_ASSIGN_OR_RETURN(bool found, set.Step());
  if (!found) {
    return Status::NotFound("run " + std::to_string(run_id) + " has no saved forecasts");
  }
  std::span<const std::byte> level_blob = set.ColumnBlob(0);
  RETAILCAST_ASSIGN_OR_RETURN(
      std::vector<double> level_values,
      DecodeDoubles(level_blob, level_blob.size() / sizeof(double), "levels blob"));
  const size_t levels = level_values.size();
  ForecastTable table(std::move(level_values));
  RETAILCAST_ASSIGN_OR_RETURN(Statement rows,
                              Statement::Prepare(db,
                                                 "SELECT unique_id, ds, model, yhat, lo, hi FROM "
                                                 "forecasts WHERE run_id = ? ORDER BY id"));
  rows.BindInt(1, run_id);
  while (true) {
    RETAILCAST_ASSIGN_OR_RETURN(bool row, rows.Step());
    if (!row) break;
    RETAILCAST_ASSIGN_OR_RETURN(std::vector<double> lo,
                                DecodeDoubles(rows.ColumnBlob(4), levels, "forecast lo blob"));
    RETAILCAST_ASSIGN_OR_RETURN(std::vector<double> hi,
                                DecodeDoubles(rows.ColumnBlob(5), levels, "forecast hi blob"));
    table.AppendRow(rows.ColumnText(0), rows.ColumnText(2),
                    Date{static_cast<int32_t>(rows.ColumnInt(1))}, rows.ColumnDouble(3), lo, hi);
  }
  RETAILCAST_RETURN_IF_ERROR(txn.Commit());
  return table;
}

}  // namespace retailcast::store
