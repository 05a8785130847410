// `retailcast ingest`: read a file (long, transactions or M5 layout), validate it and merge
// it into a dataset of the store in one transaction.
#include <cstdio>
#include <memory>

#include "cli_common.h"
#include "commands.h"

namespace retailcast::cli {
namespace {

Status RunIngest(const InputOptions& in) {
  RETAILCAST_ASSIGN_OR_RETURN(io::LoadedPanel loaded, ReadInput(in));
  // The hash marks re-ingests of identical content.
  RETAILCAST_ASSIGN_OR_RETURN(std::string hash, pipeline::InputHash(in));
  RETAILCAST_ASSIGN_OR_RETURN(auto db, store::Store::Open(in.store));
  RETAILCAST_ASSIGN_OR_RETURN(store::IngestSummary s,
                              db->IngestPanel(in.dataset, loaded.panel, in.path, hash));
  std::printf("dataset %s%s in %s: %zu series from %s\n", in.dataset.c_str(),
              s.dataset_created ? " (new)" : "", in.store.c_str(), loaded.panel.num_series(),
              in.path.c_str());
  std::printf("  series added %lld; observations inserted %lld, updated %lld, unchanged %lld\n",
              static_cast<long long>(s.series_added),
              static_cast<long long>(s.observations_inserted),
              static_cast<long long>(s.observations_updated),
              static_cast<long long>(s.observations_unchanged));
  if (loaded.panel.num_exog() > 0) {
    std::printf("  exogenous values inserted %lld, updated %lld, unchanged %lld\n",
                static_cast<long long>(s.exog_inserted), static_cast<long long>(s.exog_updated),
                static_cast<long long>(s.exog_unchanged));
  }
  if (s.already_ingested && s.observations_inserted == 0 && s.observations_updated == 0) {
    std::printf("  this content was ingested before: nothing new\n");
  }
  return Status::Ok();
}

}  // namespace

void AddIngestCommand(CLI::App& app, Action* action) {
  auto in = std::make_shared<InputOptions>();
  auto* cmd = app.add_subcommand(
      "ingest",
      "Validate a sales file and merge it into a dataset of the store (idempotent, atomic)");
  AddInputOptions(cmd, in.get(), /*with_prep=*/false);
  AddStoreOptions(cmd, in.get(), true);
  cmd->callback([action, in] {
    *action = [in]() -> Status {
      if (in->path.empty()) return Status::InvalidArgument("ingest needs --input FILE");
      return RunIngest(*in);
    };
  });
}

}  // namespace retailcast::cli
