#include "cli_common.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>

#include "option_flags.h"
#include "progress_bar.h"
#include "retailcast/catalog/catalog.h"

namespace retailcast::cli {
namespace {

void PrintReport(const io::IngestReport& report) {
  std::string text = report.Summary();
  if (!text.empty() && text.back() != '\n') text += '\n';
  std::fprintf(stderr, "%s", text.c_str());
}

}  // namespace

void AddInputOptions(CLI::App* cmd, InputOptions* in, bool with_prep) {
  AddOptionFlags<pipeline::InputSpec>(cmd, pipeline::InputOptionTable(), in);
  if (with_prep) AddOptionFlags(cmd, pipeline::PrepOptionTable(), &in->prep);
}

void AddStoreOptions(CLI::App* cmd, InputOptions* in, bool dataset_required) {
  in->store = "retailcast.db";
  cmd->add_option("--store", in->store, "SQLite store file (created when absent)");
  auto* d = cmd->add_option("--dataset", in->dataset, "Dataset name in the store");
  if (dataset_required) d->required();
}

Result<io::LoadedPanel> ReadInput(const InputOptions& in) {
  RETAILCAST_ASSIGN_OR_RETURN(io::LoadedPanel loaded, pipeline::ReadInput(in));
  PrintReport(loaded.report);
  if (loaded.report.error_count > 0 && !in.rejects.empty()) {
    std::fprintf(stderr, "rejected rows written to %s\n", in.rejects.c_str());
  } else if (loaded.report.error_count > 0) {
    std::fprintf(stderr, "%lld rows rejected; pass --rejects FILE to save them\n",
                 static_cast<long long>(loaded.report.error_count));
  }
  return loaded;
}

Result<Panel> LoadPanelForCommand(const InputOptions& in) {
  Panel panel;
  if (!in.path.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(io::LoadedPanel loaded, ReadInput(in));
    panel = std::move(loaded.panel);
  } else if (in.dataset.empty()) {
    return Status::InvalidArgument("no data: pass --input FILE, or --store DB --dataset NAME");
  } else {
    RETAILCAST_ASSIGN_OR_RETURN(auto db, OpenExistingStore(in.store));
    RETAILCAST_ASSIGN_OR_RETURN(panel, db->LoadPanel(in.dataset));
  }
  RETAILCAST_ASSIGN_OR_RETURN(pipeline::PrepReport report, pipeline::Prepare(in.prep, &panel));
  for (const std::string& line : report.lines) std::fprintf(stderr, "%s\n", line.c_str());
  return panel;
}

Result<Panel> LoadFuturePanel(const InputOptions& in, const std::string& path,
                              const Frequency& freq, std::vector<std::string> exog) {
  RETAILCAST_ASSIGN_OR_RETURN(io::LoadedPanel loaded,
                              pipeline::ReadFuture(in, path, freq, std::move(exog)));
  PrintReport(loaded.report);
  return std::move(loaded.panel);
}

Result<std::vector<double>> ParseLevels(const std::string& text) {
  std::vector<double> out;
  size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    size_t comma = text.find(',', pos);
    std::string item =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    char* end = nullptr;
    double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size()) {
      return Status::InvalidArgument("--levels: '" + item +
                                     "' is not a number; expected e.g. 80,95");
    }
    out.push_back(v);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

Result<std::vector<eval::ModelInstance>> BuildModels(const std::string& names, int season_length,
                                                     const std::vector<std::string>& overrides) {
  const eval::OverrideWording wording{"--params", "--model"};
  std::vector<eval::ParamOverride> parsed;
  for (const std::string& item : overrides) {
    RETAILCAST_ASSIGN_OR_RETURN(eval::ParamOverride o, eval::ParseParamOverride(item, wording));
    parsed.push_back(std::move(o));
  }
  return eval::BuildModels(BuiltinRegistry(), names, season_length, parsed, wording);
}

Result<std::unique_ptr<store::Store>> OpenExistingStore(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::NotFound("store '" + path +
                            "' does not exist; create it with `retailcast ingest --store " + path +
                            " ...` or pass the right --store");
  }
  return store::Store::Open(path);
}

eval::ProgressFn MakeProgress(const std::string& label, const std::string& unit,
                              std::shared_ptr<void>* keep_alive) {
  auto bar = std::make_shared<std::unique_ptr<ProgressBar>>();
  *keep_alive = bar;
  return [bar, label, unit](size_t done, size_t total) {
    if (!*bar) *bar = std::make_unique<ProgressBar>(label, total, unit);
    (*bar)->Update(done);
    if (done == total) (*bar)->Finish();
  };
}

void PrintNote(const std::string& text) {
  if (!text.empty()) std::fprintf(stderr, "%s", text.c_str());
}

}  // namespace retailcast::cli
