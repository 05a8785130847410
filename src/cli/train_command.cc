// `retailcast train`: fit models on a stored dataset (optionally backtesting them first) and
// save the fitted set as a versioned artifact in the store.
#include <cstdio>
#include <memory>
#include <sstream>

#include "cli_common.h"
#include "commands.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/eval/artifact.h"
#include "retailcast/eval/backtest.h"
#include "retailcast/eval/model_set.h"

namespace retailcast::cli {
namespace {

struct TrainArgs {
  InputOptions in;
  std::string models = "snaive";
  int season = 0;
  std::vector<std::string> params;
  std::string name;
  int backtest_windows = 0;
  int horizon = 0;
  bool promote = false;
  int threads = 0;
};

Status RunTrain(const TrainArgs& a) {
  RETAILCAST_ASSIGN_OR_RETURN(auto db, OpenExistingStore(a.in.store));
  RETAILCAST_ASSIGN_OR_RETURN(Panel panel, db->LoadPanel(a.in.dataset));
  RETAILCAST_ASSIGN_OR_RETURN(auto models, BuildModels(a.models, a.season, a.params));
  ThreadPool pool(a.threads);
  std::string metrics_json;
  if (a.backtest_windows > 0) {
    if (a.horizon < 1) return Status::InvalidArgument("--backtest-windows needs --horizon");
    eval::BacktestOptions o;
    o.horizon = a.horizon;
    o.windows = a.backtest_windows;
    o.season_length = a.season;
    RETAILCAST_ASSIGN_OR_RETURN(auto result, eval::RunBacktest(panel, models, o, pool));
    std::printf("%s\n", eval::FormatBacktestTable(result).c_str());
    std::ostringstream os;
    RETAILCAST_RETURN_IF_ERROR(eval::WriteBacktestJson(result, os));
    metrics_json = os.str();
  }
  eval::TrainOptions options;
  std::shared_ptr<void> bar;
  options.progress = MakeProgress("train", "fits", &bar);
  RETAILCAST_ASSIGN_OR_RETURN(eval::TrainedModelSet set,
                              eval::Train(panel, std::move(models), options, pool));
  PrintNote(eval::FormatFitErrors(set));
  const eval::ArtifactInfo info{a.name.empty() ? a.in.dataset : a.name, a.in.dataset, metrics_json,
                                a.promote};
  RETAILCAST_ASSIGN_OR_RETURN(store::ArtifactRecord record,
                              eval::SaveArtifact(*db, info, panel, set));
  std::printf("artifact %s v%lld (id %lld): %lld series x %zu models, trained on %s .. %s%s\n",
              record.name.c_str(), static_cast<long long>(record.version),
              static_cast<long long>(record.id), static_cast<long long>(record.n_series),
              set.models().size(), record.train_start.c_str(), record.train_end.c_str(),
              record.promoted ? " (promoted)" : "");
  std::printf("forecast with: retailcast forecast --store %s --artifact %lld --horizon H\n",
              a.in.store.c_str(), static_cast<long long>(record.id));
  return Status::Ok();
}

}  // namespace

void AddTrainCommand(CLI::App& app, Action* action) {
  auto a = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand(
      "train", "Fit models on a stored dataset and save them as a versioned artifact");
  AddStoreOptions(cmd, &a->in, true);
  std::string names;
  for (const auto& n : BuiltinRegistry().names()) names += (names.empty() ? "" : ", ") + n;
  cmd->add_option("--model,-m", a->models, "Comma-separated models: " + names);
  cmd->add_option("--season", a->season, "Season length (0 = frequency default)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--params", a->params, "Parameter overrides, e.g. window_average:window_size=4");
  cmd->add_option("--name", a->name, "Artifact name (default: the dataset name)");
  cmd->add_option("--backtest-windows", a->backtest_windows,
                  "Backtest first with this many windows and store the metrics with the artifact")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--horizon,-H", a->horizon, "Backtest horizon")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--promote", a->promote, "Make this the promoted version of its name");
  cmd->add_option("--threads", a->threads, "Worker threads (default: all cores)");
  cmd->callback([action, a] { *action = [a] { return RunTrain(*a); }; });
}

}  // namespace retailcast::cli
