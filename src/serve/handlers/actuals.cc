// POST /v1/actuals: a client's batch of new observations, merged into a stored dataset in one
// transaction. A batch id makes retries safe: the batch is stored once, a retry is answered
// as a duplicate (200 instead of 201), and the same id with other data is refused.
#include <sodium.h>

#include <optional>
#include <string>
#include <vector>

#include "retailcast/core/json_writer.h"
#include "serve/handlers/handlers.h"

namespace retailcast::serve {
namespace {

using Json = nlohmann::json;

// The frequency of a stored dataset, or nullopt when it does not exist yet.
Result<std::optional<Frequency>> DatasetFrequency(ServiceContext& context,
                                                  const std::string& dataset) {
  if (std::optional<Frequency> known = context.dataset_frequencies.Find(dataset)) return known;
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<store::DatasetInfo> all, context.store->ListDatasets());
  for (const auto& d : all) {
    if (d.name != dataset) continue;
    RETAILCAST_ASSIGN_OR_RETURN(Frequency f, Frequency::Parse(d.frequency));
    context.dataset_frequencies.Remember(dataset, f);
    return std::optional<Frequency>(f);
  }
  return std::optional<Frequency>();
}

// What the batch is kept as in the store's ingest log: its id and a digest of its content,
// so a batch id reused for other data is told apart from a retry.
std::string BatchSource(const ActualsRequest& r) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(r.data.csv.data()),
                     r.data.csv.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return "POST /v1/actuals batch " + r.batch_id + " sha256:" + hex;
}

std::string ActualsReply(const ActualsRequest& r, const io::LoadedPanel& loaded,
                         const store::IngestSummary& summary) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("batch_id");
  w.String(r.batch_id);
  w.Key("dataset");
  w.String(r.dataset);
  w.Key("duplicate");
  w.Bool(summary.already_ingested);
  w.Key("ingest_id");
  w.Int(summary.ingest_id);
  w.Key("rows");
  w.Int(loaded.report.rows_accepted);
  w.Key("series");
  w.Int(static_cast<int64_t>(loaded.panel.num_series()));
  w.Key("frequency");
  w.String(loaded.panel.freq().ToString());
  w.Key("stored");
  w.BeginObject();
  w.Key("dataset_created");
  w.Bool(summary.dataset_created);
  w.Key("series_added");
  w.Int(summary.series_added);
  w.Key("observations_inserted");
  w.Int(summary.observations_inserted);
  w.Key("observations_updated");
  w.Int(summary.observations_updated);
  w.Key("observations_unchanged");
  w.Int(summary.observations_unchanged);
  w.EndObject();
  w.Key("warnings");
  w.BeginArray();
  for (const std::string& warning : loaded.report.warnings) w.String(warning);
  w.EndArray();
  w.EndObject();
  return out;
}

}  // namespace

ApiResponse PostActuals(ServiceContext& context, const ApiRequest& req) {
  ServiceMetrics& metrics = context.metrics;
  ActualsRequest r;
  Json details = Json::object();
  Status parsed = ParseActualsRequest(req.body, context.limits, &r, &details);
  if (!parsed.ok()) {
    metrics.batches->WithLabels({"rejected"}).Inc();
    return StatusReply(parsed, std::move(details));
  }
  std::optional<Frequency> freq;
  if (!r.freq.empty()) {
    Result<Frequency> f = Frequency::Parse(r.freq);
    if (!f.ok()) {
      metrics.batches->WithLabels({"rejected"}).Inc();
      return StatusReply(f.status(), {{"field", "freq"}});
    }
    freq = *f;
  } else {
    Result<std::optional<Frequency>> stored = DatasetFrequency(context, r.dataset);
    if (!stored.ok()) return StatusReply(stored.status());
    freq = *stored;
  }
  Result<io::LoadedPanel> loaded = ReadPosted(r.data, freq, &details);
  if (!loaded.ok()) {
    metrics.batches->WithLabels({"rejected"}).Inc();
    if (details.contains("error_count")) {
      metrics.ingest_rows->WithLabels({"rejected"}).Inc(details["error_count"].get<double>());
    }
    return StatusReply(loaded.status(), std::move(details));
  }
  const std::string source = BatchSource(r);
  store::IngestOptions once;
  once.skip_if_ingested = true;
  Result<store::IngestSummary> summary =
      context.store->IngestPanel(r.dataset, loaded->panel, source, "batch:" + r.batch_id, once);
  if (!summary.ok()) {
    metrics.batches->WithLabels({"rejected"}).Inc();
    return StatusReply(summary.status());
  }
  if (summary->already_ingested) {
    Result<std::vector<store::IngestRecord>> log = context.store->ListIngests(r.dataset);
    if (!log.ok()) return StatusReply(log.status());
    for (const auto& rec : *log) {
      if (rec.id == summary->ingest_id && rec.source_name != source) {
        metrics.batches->WithLabels({"rejected"}).Inc();
        return StatusReply(
            Status::FailedPrecondition("batch id '" + r.batch_id + "' of dataset '" + r.dataset +
                                       "' was stored before with other data (ingest " +
                                       std::to_string(rec.id) + " at " + rec.ingested_at +
                                       "); use a new batch id for new data"),
            {{"field", "batch_id"}, {"ingest_id", rec.id}});
      }
    }
    metrics.batches->WithLabels({"duplicate"}).Inc();
  } else {
    metrics.batches->WithLabels({"stored"}).Inc();
    context.dataset_frequencies.Remember(r.dataset, loaded->panel.freq());
    metrics.ingest_rows->WithLabels({"inserted"})
        .Inc(static_cast<double>(summary->observations_inserted));
    metrics.ingest_rows->WithLabels({"updated"})
        .Inc(static_cast<double>(summary->observations_updated));
    metrics.ingest_rows->WithLabels({"unchanged"})
        .Inc(static_cast<double>(summary->observations_unchanged));
  }
  return JsonReply(summary->already_ingested ? 200 : 201, ActualsReply(r, *loaded, *summary));
}

}  // namespace retailcast::serve
