// Store: opening, datasets, ingest and load. Runs, artifacts and forecasts are in
// store_records.cc.
#include "retailcast/store/store.h"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "clock.h"
#include "schema.h"
#include "series_blob.h"
#include "sqlite_db.h"
#include "store_internal.h"

namespace retailcast::store {

using internal::BlobReader;
using internal::Connection;
using internal::MergeCounts;
using internal::MergedSeries;
using internal::Statement;
using internal::Transaction;
using Json = nlohmann::json;

namespace internal {

Result<std::optional<DatasetRow>> FindDataset(Connection& db, std::string_view name) {
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement stmt, Statement::Prepare(db, "SELECT id, frequency FROM datasets WHERE name = ?"));
  stmt.BindText(1, name);
  RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<DatasetRow>();
  return std::optional<DatasetRow>(DatasetRow{stmt.ColumnInt(0), std::string(stmt.ColumnText(1))});
}

Status DatasetNotFound(Connection& db, std::string_view name) {
  std::string names;
  Result<Statement> stmt = Statement::Prepare(db, "SELECT name FROM datasets ORDER BY name");
  if (!stmt.ok()) return stmt.status();
  while (true) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    names += (names.empty() ? "" : ", ") + std::string(stmt->ColumnText(0));
  }
  return Status::NotFound("dataset '" + std::string(name) + "' is not in store '" + db.path() +
                          "' (datasets: " + (names.empty() ? "none" : names) + ")");
}

Result<Frequency> ParseStoredFrequency(std::string_view dataset, std::string_view text) {
  Result<Frequency> freq = Frequency::Parse(text);
  if (!freq.ok()) {
    return Status::DataError("dataset '" + std::string(dataset) + "' has stored frequency '" +
                             std::string(text) + "' that cannot be parsed; the store is damaged");
  }
  return freq;
}

Status CheckJson(std::string_view field, std::string_view text) {
  if (text.empty() || Json::accept(text)) return Status::Ok();
  return Status::InvalidArgument(std::string(field) + " is not valid JSON: '" +
                                 std::string(text.substr(0, 200)) + "'");
}

}  // namespace internal

namespace {

// Serializes attributes; nlohmann throws on invalid UTF-8, which we turn into a DataError.
Result<std::string> DumpAttributes(const Json& attrs, std::string_view series) {
  try {
    return attrs.dump();
  } catch (const Json::exception& e) {
    return Status::DataError("static attributes of series '" + std::string(series) +
                             "' cannot be stored as JSON (" + e.what() +
                             "); attribute values must be UTF-8 text");
  }
}

Result<Json> ParseAttributes(std::string_view text, std::string_view series) {
  Json attrs = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (attrs.is_discarded() || !attrs.is_object()) {
    return Status::DataError("stored attributes of series '" + std::string(series) +
                             "' are not a JSON object: '" + std::string(text.substr(0, 200)) +
                             "'; the store is damaged");
  }
  return attrs;
}

// The prepared statements of one IngestPanel call.
struct IngestStatements {
  Statement find_series;
  Statement insert_series;
  Statement update_range;
  Statement update_attributes;
  Statement select_values;
  Statement insert_values;
  Statement update_values;
  Statement select_exog;
  Statement insert_exog;
  Statement update_exog;

  static Result<IngestStatements> Prepare(Connection& db) {
    auto p = [&db](std::string_view sql) { return Statement::Prepare(db, sql); };
    RETAILCAST_ASSIGN_OR_RETURN(Statement find_series,
                                p("SELECT id, start_day, length, n_obs, attributes FROM series "
                                  "WHERE dataset_id = ? AND unique_id = ?"));
    RETAILCAST_ASSIGN_OR_RETURN(
        Statement insert_series,
        p("INSERT INTO series(dataset_id, unique_id, attributes, start_day, end_day, length, "
          "n_obs) VALUES(?, ?, ?, ?, ?, ?, ?)"));
    RETAILCAST_ASSIGN_OR_RETURN(
        Statement update_range,
        p("UPDATE series SET start_day = ?, end_day = ?, length = ?, n_obs = ? WHERE id = ?"));
    RETAILCAST_ASSIGN_OR_RETURN(Statement update_attributes,
                                p("UPDATE series SET attributes = ? WHERE id = ?"));
    RETAILCAST_ASSIGN_OR_RETURN(Statement select_values,
                                p("SELECT vals FROM observations WHERE series_id = ?"));
    RETAILCAST_ASSIGN_OR_RETURN(Statement insert_values,
                                p("INSERT INTO observations(series_id, vals) VALUES(?, ?)"));
    RETAILCAST_ASSIGN_OR_RETURN(Statement update_values,
                                p("UPDATE observations SET vals = ? WHERE series_id = ?"));
    RETAILCAST_ASSIGN_OR_RETURN(Statement select_exog,
                                p("SELECT id, start_day, length, vals FROM exog_values "
                                  "WHERE series_id = ? AND column_id = ?"));
    RETAILCAST_ASSIGN_OR_RETURN(
        Statement insert_exog,
        p("INSERT INTO exog_values(series_id, column_id, start_day, length, vals) "
          "VALUES(?, ?, ?, ?, ?)"));
    RETAILCAST_ASSIGN_OR_RETURN(
        Statement update_exog,
        p("UPDATE exog_values SET start_day = ?, length = ?, vals = ? WHERE id = ?"));
    return IngestStatements{std::move(find_series),   std::move(insert_series),
                            std::move(update_range),  std::move(update_attributes),
                            std::move(select_values), std::move(insert_values),
                            std::move(update_values), std::move(select_exog),
                            std::move(insert_exog),   std::move(update_exog)};
  }
};

// Last date of a range of `length` periods (start - 1 day when empty, so that
// max(end_day) over a dataset ignores empty series).
int32_t EndDay(const Frequency& freq, Date start, int64_t length) {
  return length > 0 ? freq.Advance(start, length - 1).days : start.days - 1;
}

Status CheckPanel(std::string_view dataset, const Panel& panel) {
  if (dataset.empty()) return Status::InvalidArgument("dataset name is empty");
  std::unordered_set<std::string_view> seen;
  seen.reserve(panel.num_series());
  for (size_t i = 0; i < panel.num_series(); ++i) {
    std::string_view id = panel.id(i);
    if (id.empty()) {
      return Status::InvalidArgument("series " + std::to_string(i) +
                                     " of the panel has an empty unique_id");
    }
    if (!seen.insert(id).second) {
      return Status::InvalidArgument("series id '" + std::string(id) +
                                     "' appears twice in the panel to ingest into dataset '" +
                                     std::string(dataset) + "'");
    }
    if (!panel.freq().IsAligned(panel.start(i))) {
      return Status::DataError("series '" + std::string(id) + "' starts on " +
                               panel.start(i).ToString() + ", which is not a period of frequency " +
                               panel.freq().ToString());
    }
  }
  return Status::Ok();
}

// The summary recorded by the first ingest of `dataset_id` with `content_hash`, marked
// already_ingested.
Result<IngestSummary> EarlierIngest(Connection& db, int64_t dataset_id,
                                    std::string_view content_hash) {
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT id, series_added, observations_inserted, observations_updated, "
                         "observations_unchanged, exog_inserted, exog_updated, exog_unchanged, "
                         "attributes_updated, dataset_created FROM ingests "
                         "WHERE dataset_id = ? AND content_hash = ? ORDER BY id LIMIT 1"));
  stmt.BindInt(1, dataset_id).BindText(2, content_hash);
  RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::Internal("the ingest with content hash seen a moment ago is gone");
  IngestSummary s;
  s.ingest_id = stmt.ColumnInt(0);
  s.series_added = stmt.ColumnInt(1);
  s.observations_inserted = stmt.ColumnInt(2);
  s.observations_updated = stmt.ColumnInt(3);
  s.observations_unchanged = stmt.ColumnInt(4);
  s.exog_inserted = stmt.ColumnInt(5);
  s.exog_updated = stmt.ColumnInt(6);
  s.exog_unchanged = stmt.ColumnInt(7);
  s.attributes_updated = stmt.ColumnInt(8);
  s.dataset_created = stmt.ColumnInt(9) != 0;
  s.already_ingested = true;
  return s;
}

// Writes (or merges) exogenous column `k` of panel series `i` into store series `series_id`.
Status IngestExog(const Panel& panel, size_t k, size_t i, int64_t series_id, int64_t column_id,
                  bool series_is_new, IngestStatements& st, MergeCounts* counts) {
  std::span<const double> incoming = panel.exog(k, i);
  const int64_t observed = internal::CountObserved(incoming);
  // All-NaN columns carry no observation: nothing to store (LoadPanel fills NaN).
  if (observed == 0) return Status::Ok();
  std::vector<double> scratch;
  const Frequency& freq = panel.freq();
  if (!series_is_new) {
    st.select_exog.BindInt(1, series_id).BindInt(2, column_id);
    RETAILCAST_ASSIGN_OR_RETURN(bool found, st.select_exog.Step());
    if (found) {
      const int64_t row_id = st.select_exog.ColumnInt(0);
      const Date stored_start{static_cast<int32_t>(st.select_exog.ColumnInt(1))};
      std::vector<double> stored;
      Status decoded = internal::DecodeBlob(st.select_exog.ColumnBlob(3),
                                            st.select_exog.ColumnInt(2), "exogenous blob", &stored);
      st.select_exog.Reset();
      RETAILCAST_RETURN_IF_ERROR(decoded);
      MergedSeries merged;
      RETAILCAST_RETURN_IF_ERROR(internal::MergeSeries(freq, stored_start, stored, panel.start(i),
                                                       incoming, &merged, counts));
      if (!merged.changed) return Status::Ok();
      auto bytes = internal::LittleEndianBytes(merged.values, &scratch);
      st.update_exog.BindInt(1, merged.start.days)
          .BindInt(2, static_cast<int64_t>(merged.values.size()))
          .BindBlob(3, bytes.data(), bytes.size())
          .BindInt(4, row_id);
      return st.update_exog.Run();
    }
    st.select_exog.Reset();
  }
  counts->inserted += observed;
  auto bytes = internal::LittleEndianBytes(incoming, &scratch);
  st.insert_exog.BindInt(1, series_id)
      .BindInt(2, column_id)
      .BindInt(3, panel.start(i).days)
      .BindInt(4, static_cast<int64_t>(incoming.size()))
      .BindBlob(5, bytes.data(), bytes.size());
  return st.insert_exog.Run();
}

// The attributes of panel series `i` as a JSON object, skipping empty values.
Json PanelAttributes(const Panel& panel, size_t i) {
  Json attrs = Json::object();
  for (size_t a = 0; a < panel.num_attributes(); ++a) {
    std::string_view value = panel.attribute(a, i);
    if (!value.empty()) attrs[panel.attribute_name(a)] = std::string(value);
  }
  return attrs;
}

Result<std::vector<int64_t>> EnsureExogColumns(Connection& db, int64_t dataset_id,
                                               const Panel& panel) {
  RETAILCAST_ASSIGN_OR_RETURN(Statement find,
                              Statement::Prepare(db,
                                                 "SELECT id FROM exog_columns "
                                                 "WHERE dataset_id = ? AND name = ?"));
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement insert,
      Statement::Prepare(db, "INSERT INTO exog_columns(dataset_id, name) VALUES(?, ?)"));
  std::vector<int64_t> ids;
  for (size_t k = 0; k < panel.num_exog(); ++k) {
    find.BindInt(1, dataset_id).BindText(2, panel.exog_name(k));
    RETAILCAST_ASSIGN_OR_RETURN(bool found, find.Step());
    if (found) {
      ids.push_back(find.ColumnInt(0));
      find.Reset();
      continue;
    }
    find.Reset();
    insert.BindInt(1, dataset_id).BindText(2, panel.exog_name(k));
    RETAILCAST_RETURN_IF_ERROR(insert.Run());
    ids.push_back(db.LastInsertRowid());
  }
  return ids;
}

}  // namespace

int Store::LatestSchemaVersion() { return internal::LatestSchemaVersion(); }

Store::Store(std::unique_ptr<Connection> db, int schema_version)
    : db_(std::move(db)), schema_version_(schema_version) {}

Store::~Store() = default;

const std::string& Store::path() const { return db_->path(); }

Result<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<Connection> db, Connection::Open(path));
  int version = 0;
  RETAILCAST_RETURN_IF_ERROR(
      internal::PrepareSchema(*db, internal::LatestSchemaVersion(), &version));
  return std::unique_ptr<Store>(new Store(std::move(db), version));
}

Result<IngestSummary> Store::IngestPanel(std::string_view dataset, const Panel& panel,
                                         std::string_view source_name,
                                         std::string_view content_hash,
                                         const IngestOptions& options) {
  RETAILCAST_RETURN_IF_ERROR(CheckPanel(dataset, panel));
  std::lock_guard lock(mu_);
  Connection& db = *db_;
  RETAILCAST_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, Transaction::Kind::kWrite));
  IngestSummary summary;
  const Frequency& freq = panel.freq();
  const std::string now = internal::NowIsoUtc();

  // The dataset, created on first ingest with the panel's frequency.
  RETAILCAST_ASSIGN_OR_RETURN(std::optional<internal::DatasetRow> found,
                              internal::FindDataset(db, dataset));
  int64_t dataset_id = 0;
  if (found) {
    dataset_id = found->id;
    RETAILCAST_ASSIGN_OR_RETURN(Frequency stored,
                                internal::ParseStoredFrequency(dataset, found->frequency));
    if (!(stored == freq)) {
      return Status::FailedPrecondition(
          "dataset '" + std::string(dataset) + "' is stored with frequency " + found->frequency +
          " but the data to ingest has frequency " + freq.ToString() +
          "; ingest it into another dataset or resample it to " + found->frequency);
    }
  } else {
    RETAILCAST_ASSIGN_OR_RETURN(
        Statement insert,
        Statement::Prepare(db,
                           "INSERT INTO datasets(name, frequency, created_at) VALUES(?, ?, ?)"));
    const std::string freq_text = freq.ToString();
    insert.BindText(1, dataset).BindText(2, freq_text).BindText(3, now);
    RETAILCAST_RETURN_IF_ERROR(insert.Run());
    dataset_id = db.LastInsertRowid();
    summary.dataset_created = true;
  }

  if (!content_hash.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(Statement seen,
                                Statement::Prepare(db,
                                                   "SELECT 1 FROM ingests WHERE dataset_id = ? AND "
                                                   "content_hash = ? LIMIT 1"));
    seen.BindInt(1, dataset_id).BindText(2, content_hash);
    RETAILCAST_ASSIGN_OR_RETURN(summary.already_ingested, seen.Step());
    // Decided inside the write transaction, so concurrent retries of one client batch (from
    // any process) store it once; returning without Commit writes nothing.
    if (summary.already_ingested && options.skip_if_ingested) {
      return EarlierIngest(db, dataset_id, content_hash);
    }
  }

  RETAILCAST_ASSIGN_OR_RETURN(std::vector<int64_t> exog_ids,
                              EnsureExogColumns(db, dataset_id, panel));
  RETAILCAST_ASSIGN_OR_RETURN(IngestStatements st, IngestStatements::Prepare(db));
  MergeCounts values_counts;
  MergeCounts exog_counts;
  std::vector<double> scratch;
  std::vector<double> stored;
  MergedSeries merged;

  for (size_t i = 0; i < panel.num_series(); ++i) {
    const std::string_view id = panel.id(i);
    const std::span<const double> incoming = panel.values(i);
    st.find_series.BindInt(1, dataset_id).BindText(2, id);
    RETAILCAST_ASSIGN_OR_RETURN(bool exists, st.find_series.Step());
    int64_t series_id = 0;
    if (!exists) {
      st.find_series.Reset();
      RETAILCAST_ASSIGN_OR_RETURN(std::string attrs, DumpAttributes(PanelAttributes(panel, i), id));
      const int64_t observed = internal::CountObserved(incoming);
      const Date start = panel.start(i);
      st.insert_series.BindInt(1, dataset_id)
          .BindText(2, id)
          .BindText(3, attrs)
          .BindInt(4, start.days)
          .BindInt(5, EndDay(freq, start, panel.length(i)))
          .BindInt(6, panel.length(i))
          .BindInt(7, observed);
      RETAILCAST_RETURN_IF_ERROR(st.insert_series.Run());
      series_id = db.LastInsertRowid();
      auto bytes = internal::LittleEndianBytes(incoming, &scratch);
      st.insert_values.BindInt(1, series_id).BindBlob(2, bytes.data(), bytes.size());
      RETAILCAST_RETURN_IF_ERROR(st.insert_values.Run());
      ++summary.series_added;
      values_counts.inserted += observed;
    } else {
      series_id = st.find_series.ColumnInt(0);
      const Date stored_start{static_cast<int32_t>(st.find_series.ColumnInt(1))};
      const int64_t stored_length = st.find_series.ColumnInt(2);
      const int64_t stored_obs = st.find_series.ColumnInt(3);
      const std::string stored_attrs(st.find_series.ColumnText(4));
      st.find_series.Reset();

      st.select_values.BindInt(1, series_id);
      RETAILCAST_ASSIGN_OR_RETURN(bool has_values, st.select_values.Step());
      Status decoded = has_values ? internal::DecodeBlob(st.select_values.ColumnBlob(0),
                                                         stored_length, "value blob", &stored)
                                  : Status::DataError("series has no value blob");
      st.select_values.Reset();
      if (!decoded.ok()) {
        return decoded.WithContext("series '" + std::string(id) + "' of dataset '" +
                                   std::string(dataset) + "'");
      }
      MergeCounts counts;
      RETAILCAST_RETURN_IF_ERROR(internal::MergeSeries(freq, stored_start, stored, panel.start(i),
                                                       incoming, &merged, &counts));
      if (merged.changed) {
        auto bytes = internal::LittleEndianBytes(merged.values, &scratch);
        st.update_values.BindBlob(1, bytes.data(), bytes.size()).BindInt(2, series_id);
        RETAILCAST_RETURN_IF_ERROR(st.update_values.Run());
        const auto length = static_cast<int64_t>(merged.values.size());
        st.update_range.BindInt(1, merged.start.days)
            .BindInt(2, EndDay(freq, merged.start, length))
            .BindInt(3, length)
            .BindInt(4, stored_obs + counts.inserted)
            .BindInt(5, series_id);
        RETAILCAST_RETURN_IF_ERROR(st.update_range.Run());
      }
      values_counts.inserted += counts.inserted;
      values_counts.updated += counts.updated;
      values_counts.unchanged += counts.unchanged;

      if (panel.num_attributes() > 0) {
        RETAILCAST_ASSIGN_OR_RETURN(Json attrs, ParseAttributes(stored_attrs, id));
        bool changed = false;
        for (size_t a = 0; a < panel.num_attributes(); ++a) {
          std::string_view value = panel.attribute(a, i);
          if (value.empty()) continue;
          const std::string& name = panel.attribute_name(a);
          auto it = attrs.find(name);
          if (it != attrs.end() && it->is_string() && it->get_ref<const std::string&>() == value) {
            continue;
          }
          attrs[name] = std::string(value);
          changed = true;
        }
        if (changed) {
          RETAILCAST_ASSIGN_OR_RETURN(std::string text, DumpAttributes(attrs, id));
          st.update_attributes.BindText(1, text).BindInt(2, series_id);
          RETAILCAST_RETURN_IF_ERROR(st.update_attributes.Run());
          ++summary.attributes_updated;
        }
      }
    }
    for (size_t k = 0; k < panel.num_exog(); ++k) {
      RETAILCAST_RETURN_IF_ERROR(
          IngestExog(panel, k, i, series_id, exog_ids[k], !exists, st, &exog_counts));
    }
    if (options.after_series_written) RETAILCAST_RETURN_IF_ERROR(options.after_series_written(i));
  }

  summary.observations_inserted = values_counts.inserted;
  summary.observations_updated = values_counts.updated;
  summary.observations_unchanged = values_counts.unchanged;
  summary.exog_inserted = exog_counts.inserted;
  summary.exog_updated = exog_counts.updated;
  summary.exog_unchanged = exog_counts.unchanged;

  RETAILCAST_ASSIGN_OR_RETURN(
      Statement log,
      Statement::Prepare(db,
                         "INSERT INTO ingests(dataset_id, source_name, content_hash, ingested_at, "
                         "series_added, observations_inserted, observations_updated, "
                         "observations_unchanged, exog_inserted, exog_updated, exog_unchanged, "
                         "attributes_updated, already_ingested, dataset_created) "
                         "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  log.BindInt(1, dataset_id)
      .BindText(2, source_name)
      .BindText(3, content_hash)
      .BindText(4, now)
      .BindInt(5, summary.series_added)
      .BindInt(6, summary.observations_inserted)
      .BindInt(7, summary.observations_updated)
      .BindInt(8, summary.observations_unchanged)
      .BindInt(9, summary.exog_inserted)
      .BindInt(10, summary.exog_updated)
      .BindInt(11, summary.exog_unchanged)
      .BindInt(12, summary.attributes_updated)
      .BindInt(13, summary.already_ingested ? 1 : 0)
      .BindInt(14, summary.dataset_created ? 1 : 0);
  RETAILCAST_RETURN_IF_ERROR(log.Run());
  summary.ingest_id = db.LastInsertRowid();
  RETAILCAST_RETURN_IF_ERROR(txn.Commit());
  return summary;
}

namespace {

struct SeriesMeta {
  int64_t series_id = 0;
  std::string unique_id;
  Date start;
  int64_t length = 0;
  std::string attributes;
};

Result<std::vector<SeriesMeta>> SelectSeries(Connection& db, std::string_view dataset,
                                             int64_t dataset_id,
                                             const std::vector<std::string>& only_ids) {
  std::vector<SeriesMeta> metas;
  auto take = [&metas](const Statement& s) {
    metas.push_back(SeriesMeta{s.ColumnInt(0), std::string(s.ColumnText(1)),
                               Date{static_cast<int32_t>(s.ColumnInt(2))}, s.ColumnInt(3),
                               std::string(s.ColumnText(4))});
  };
  if (only_ids.empty()) {
    // BINARY collation: unique_id byte order.
    RETAILCAST_ASSIGN_OR_RETURN(Statement all,
                                Statement::Prepare(db,
                                                   "SELECT id, unique_id, start_day, length, "
                                                   "attributes FROM series WHERE dataset_id = ? "
                                                   "ORDER BY unique_id"));
    all.BindInt(1, dataset_id);
    while (true) {
      RETAILCAST_ASSIGN_OR_RETURN(bool row, all.Step());
      if (!row) break;
      take(all);
    }
    return metas;
  }
  std::vector<std::string> ids = only_ids;
  std::sort(ids.begin(), ids.end());  // char_traits<char> compares as unsigned: byte order
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  RETAILCAST_ASSIGN_OR_RETURN(Statement one,
                              Statement::Prepare(db,
                                                 "SELECT id, unique_id, start_day, length, "
                                                 "attributes FROM series WHERE dataset_id = ? AND "
                                                 "unique_id = ?"));
  for (const std::string& id : ids) {
    one.BindInt(1, dataset_id).BindText(2, id);
    RETAILCAST_ASSIGN_OR_RETURN(bool row, one.Step());
    if (!row) {
      one.Reset();
      return Status::NotFound("series '" + id + "' is not in dataset '" + std::string(dataset) +
                              "'");
    }
    take(one);
    one.Reset();
  }
  return metas;
}

// Reads the exogenous blobs of the loaded series into `panel`, each aligned to its series'
// range (parts outside it are dropped, gaps stay NaN).
Status LoadExog(Connection& db, int64_t dataset_id, const std::vector<SeriesMeta>& metas,
                Panel* panel) {
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement columns,
      Statement::Prepare(db, "SELECT id, name FROM exog_columns WHERE dataset_id = ? ORDER BY id"));
  columns.BindInt(1, dataset_id);
  std::unordered_map<int64_t, size_t> column_index;
  while (true) {
    RETAILCAST_ASSIGN_OR_RETURN(bool row, columns.Step());
    if (!row) break;
    RETAILCAST_ASSIGN_OR_RETURN(size_t k, panel->AddExogColumn(std::string(columns.ColumnText(1))));
    column_index.emplace(columns.ColumnInt(0), k);
  }
  if (column_index.empty()) return Status::Ok();
  std::unordered_map<int64_t, size_t> series_index;
  series_index.reserve(metas.size());
  for (size_t i = 0; i < metas.size(); ++i) series_index.emplace(metas[i].series_id, i);

  RETAILCAST_ASSIGN_OR_RETURN(
      Statement rows,
      Statement::Prepare(db,
                         "SELECT e.id, e.series_id, e.column_id, e.start_day, e.length "
                         "FROM exog_values e JOIN series s ON s.id = e.series_id "
                         "WHERE s.dataset_id = ?"));
  rows.BindInt(1, dataset_id);
  BlobReader reader(db, "exog_values", "vals");
  const Frequency& freq = panel->freq();
  while (true) {
    RETAILCAST_ASSIGN_OR_RETURN(bool row, rows.Step());
    if (!row) break;
    auto s = series_index.find(rows.ColumnInt(1));
    if (s == series_index.end()) continue;  // not asked for
    auto c = column_index.find(rows.ColumnInt(2));
    if (c == column_index.end()) return Status::Internal("exogenous value without its column");
    const size_t i = s->second;
    const Date exog_start{static_cast<int32_t>(rows.ColumnInt(3))};
    const int64_t exog_length = rows.ColumnInt(4);
    Result<int64_t> offset = freq.StepsBetween(panel->start(i), exog_start);
    if (!offset.ok()) {
      return Status::DataError("exogenous column '" + panel->exog_name(c->second) +
                               "' of series '" + metas[i].unique_id +
                               "' is off the dataset's date grid; the store is damaged");
    }
    const int64_t lo = std::max<int64_t>(0, *offset);
    const int64_t hi = std::min<int64_t>(panel->length(i), *offset + exog_length);
    RETAILCAST_ASSIGN_OR_RETURN(size_t bytes, reader.Open(rows.ColumnInt(0)));
    if (bytes != static_cast<size_t>(exog_length) * sizeof(double)) {
      return Status::DataError("exogenous column '" + panel->exog_name(c->second) +
                               "' of series '" + metas[i].unique_id + "' holds " +
                               std::to_string(bytes) + " bytes for " + std::to_string(exog_length) +
                               " values; the store is damaged");
    }
    if (hi <= lo) continue;
    std::span<double> dst = panel->mutable_exog(c->second, i)
                                .subspan(static_cast<size_t>(lo), static_cast<size_t>(hi - lo));
    RETAILCAST_RETURN_IF_ERROR(reader.Read(dst.data(), dst.size_bytes(),
                                           static_cast<size_t>(lo - *offset) * sizeof(double)));
    internal::FromLittleEndian(dst);
  }
  return Status::Ok();
}

}  // namespace

Result<Panel> Store::LoadPanel(std::string_view dataset, const std::vector<std::string>& only_ids) {
  std::lock_guard lock(mu_);
  Connection& db = *db_;
  // One read transaction: a consistent snapshot even while another process writes.
  RETAILCAST_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, Transaction::Kind::kRead));
  RETAILCAST_ASSIGN_OR_RETURN(std::optional<internal::DatasetRow> found,
                              internal::FindDataset(db, dataset));
  if (!found) return internal::DatasetNotFound(db, dataset);
  RETAILCAST_ASSIGN_OR_RETURN(Frequency freq,
                              internal::ParseStoredFrequency(dataset, found->frequency));
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<SeriesMeta> metas,
                              SelectSeries(db, dataset, found->id, only_ids));

  // Attribute names: the union of the keys, sorted.
  std::vector<Json> attrs(metas.size());
  std::set<std::string> names;
  uint64_t total = 0;
  for (size_t i = 0; i < metas.size(); ++i) {
    total += static_cast<uint64_t>(metas[i].length);
    if (metas[i].attributes == "{}") continue;
    RETAILCAST_ASSIGN_OR_RETURN(attrs[i], ParseAttributes(metas[i].attributes, metas[i].unique_id));
    for (const auto& item : attrs[i].items()) names.insert(item.key());
  }
  Panel panel(freq);
  std::vector<std::string> name_list(names.begin(), names.end());
  RETAILCAST_RETURN_IF_ERROR(panel.SetAttributeNames(name_list));
  panel.Reserve(metas.size(), total);  // huge-page backed (see Panel::Reserve)

  BlobReader reader(db, "observations", "vals");
  std::vector<std::string> values(name_list.size());
  std::vector<std::string_view> views(name_list.size());
  for (size_t i = 0; i < metas.size(); ++i) {
    const SeriesMeta& m = metas[i];
    for (size_t a = 0; a < name_list.size(); ++a) {
      auto it = attrs[i].is_object() ? attrs[i].find(name_list[a]) : attrs[i].end();
      if (it == attrs[i].end()) {
        values[a].clear();
      } else {
        values[a] = it->is_string() ? it->get<std::string>() : it->dump();
      }
      views[a] = values[a];
    }
    const size_t index = panel.AddSeries(m.unique_id, m.start, m.length, views);
    RETAILCAST_ASSIGN_OR_RETURN(size_t bytes, reader.Open(m.series_id));
    if (bytes != static_cast<size_t>(m.length) * sizeof(double)) {
      return Status::DataError("series '" + m.unique_id + "' of dataset '" + std::string(dataset) +
                               "' holds " + std::to_string(bytes) + " bytes for " +
                               std::to_string(m.length) + " values; the store is damaged");
    }
    std::span<double> dst = panel.mutable_values(index);
    RETAILCAST_RETURN_IF_ERROR(reader.Read(dst.data(), dst.size_bytes(), 0));
    internal::FromLittleEndian(dst);
  }
  RETAILCAST_RETURN_IF_ERROR(LoadExog(db, found->id, metas, &panel));
  RETAILCAST_RETURN_IF_ERROR(txn.Commit());
  return panel;
}

Result<std::vector<DatasetInfo>> Store::ListDatasets() {
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(*db_,
                         "SELECT d.name, d.frequency, d.created_at, count(s.id), "
                         "coalesce(sum(s.n_obs), 0), min(s.start_day), max(s.end_day) "
                         "FROM datasets d LEFT JOIN series s ON s.dataset_id = d.id "
                         "GROUP BY d.id ORDER BY d.name"));
  std::vector<DatasetInfo> out;
  while (true) {
    RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    DatasetInfo info;
    info.name = stmt.ColumnText(0);
    info.frequency = stmt.ColumnText(1);
    info.created_at = stmt.ColumnText(2);
    info.num_series = stmt.ColumnInt(3);
    info.num_observations = stmt.ColumnInt(4);
    if (!stmt.ColumnIsNull(5)) info.first = Date{static_cast<int32_t>(stmt.ColumnInt(5))};
    if (!stmt.ColumnIsNull(6)) info.last = Date{static_cast<int32_t>(stmt.ColumnInt(6))};
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::vector<IngestRecord>> Store::ListIngests(std::string_view dataset) {
  std::lock_guard lock(mu_);
  Connection& db = *db_;
  int64_t dataset_id = -1;
  if (!dataset.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(std::optional<internal::DatasetRow> found,
                                internal::FindDataset(db, dataset));
    if (!found) return internal::DatasetNotFound(db, dataset);
    dataset_id = found->id;
  }
  RETAILCAST_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT i.id, d.name, i.source_name, i.content_hash, i.ingested_at, "
                         "i.series_added, i.observations_inserted, i.observations_updated, "
                         "i.observations_unchanged, i.exog_inserted, i.exog_updated, "
                         "i.exog_unchanged, i.attributes_updated, i.already_ingested, "
                         "i.dataset_created "
                         "FROM ingests i JOIN datasets d ON d.id = i.dataset_id "
                         "WHERE ?1 < 0 OR i.dataset_id = ?1 ORDER BY i.id"));
  stmt.BindInt(1, dataset_id);
  std::vector<IngestRecord> out;
  while (true) {
    RETAILCAST_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    IngestRecord r;
    r.id = stmt.ColumnInt(0);
    r.dataset = stmt.ColumnText(1);
    r.source_name = stmt.ColumnText(2);
    r.content_hash = stmt.ColumnText(3);
    r.ingested_at = stmt.ColumnText(4);
    IngestSummary& s = r.summary;
    s.ingest_id = r.id;
    s.series_added = stmt.ColumnInt(5);
    s.observations_inserted = stmt.ColumnInt(6);
    s.observations_updated = stmt.ColumnInt(7);
    s.observations_unchanged = stmt.ColumnInt(8);
    s.exog_inserted = stmt.ColumnInt(9);
    s.exog_updated = stmt.ColumnInt(10);
    s.exog_unchanged = stmt.ColumnInt(11);
    s.attributes_updated = stmt.ColumnInt(12);
    s.already_ingested = stmt.ColumnInt(13) != 0;
    s.dataset_created = stmt.ColumnInt(14) != 0;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace retailcast::store
