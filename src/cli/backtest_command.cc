// `retailcast backtest`: rolling-origin cross-validation of models on a file or a stored
// dataset, with a metrics table, CSV/JSON outputs and per-series model selection.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/backtest.h"

namespace retailcast::cli {
namespace {

struct BacktestArgs {
  InputOptions in;
  int horizon = 0;
  int season = 0;
  int windows = 3;
  int step = 0;
  bool no_refit = false;
  std::string models = "naive,snaive,mean,drift,window_average";
  std::vector<std::string> params;
  std::string levels = "80,95";
  std::vector<std::string> metrics;
  std::string select_metric = "MASE";
  std::string price_column;
  eval::BacktestFiles out;
  int threads = 0;
};

Status RunBacktestCommand(const BacktestArgs& a) {
  // Models first: a typo in --model should not wait for a large file to be read.
  RETAILCAST_ASSIGN_OR_RETURN(auto models, BuildModels(a.models, a.season, a.params));
  RETAILCAST_ASSIGN_OR_RETURN(Panel panel, LoadPanelForCommand(a.in));
  eval::BacktestOptions o;
  o.horizon = a.horizon;
  o.windows = a.windows;
  o.step = a.step;
  o.refit = !a.no_refit;
  RETAILCAST_ASSIGN_OR_RETURN(o.levels, ParseLevels(a.levels));
  o.season_length = a.season;
  if (!a.metrics.empty()) o.metrics = a.metrics;
  o.price_column = a.price_column;
  std::shared_ptr<void> bar;
  o.progress = MakeProgress("backtest", "series", &bar);
  ThreadPool pool(a.threads);
  RETAILCAST_ASSIGN_OR_RETURN(eval::BacktestResult result,
                              eval::RunBacktest(panel, models, o, pool));
  RETAILCAST_ASSIGN_OR_RETURN(eval::ModelSelection selection,
                              eval::SelectModels(result, a.select_metric));
  std::printf("Backtest: %zu series, %d windows x %d periods (step %d, %s), season %d\n",
              result.series_ids.size(), result.options.windows, result.options.horizon,
              result.options.step, result.options.refit ? "refit" : "no refit",
              result.options.season_length);
  std::printf("%s\n", eval::FormatBacktestTable(result).c_str());
  std::printf("%s\n", eval::FormatSelectionSummary(selection).c_str());
  PrintNote(eval::FormatBacktestIssues(result));
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<std::string> written,
                              eval::WriteBacktestFiles(result, selection, a.out));
  for (const std::string& path : written) std::fprintf(stderr, "wrote %s\n", path.c_str());
  if (!a.in.dataset.empty() && a.in.path.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(auto db, OpenExistingStore(a.in.store));
    nlohmann::json config = {{"dataset", a.in.dataset},
                             {"models", a.models},
                             {"horizon", a.horizon},
                             {"windows", a.windows},
                             {"step", result.options.step},
                             {"refit", !a.no_refit},
                             {"season_length", result.options.season_length}};
    RETAILCAST_ASSIGN_OR_RETURN(int64_t run_id, db->BeginRun("backtest", config.dump()));
    std::ostringstream summary;
    RETAILCAST_RETURN_IF_ERROR(eval::WriteBacktestJson(result, summary));
    RETAILCAST_RETURN_IF_ERROR(db->FinishRun(run_id, "ok", summary.str()));
    std::fprintf(stderr, "backtest stored in %s as run %lld\n", a.in.store.c_str(),
                 static_cast<long long>(run_id));
  }
  return Status::Ok();
}

}  // namespace

void AddBacktestCommand(CLI::App& app, Action* action) {
  auto a = std::make_shared<BacktestArgs>();
  auto* cmd = app.add_subcommand(
      "backtest", "Rolling-origin backtest of models: metrics per series, window and model");
  AddInputOptions(cmd, &a->in);
  AddStoreOptions(cmd, &a->in, false);
  cmd->add_option("--horizon,-H", a->horizon, "Periods forecast at each cutoff")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--season", a->season, "Season length m (0 = frequency default)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--windows", a->windows, "Number of cutoffs")->check(CLI::PositiveNumber);
  cmd->add_option("--step", a->step, "Periods between cutoffs (0 = horizon)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--no-refit", a->no_refit,
                "Fit once at the first cutoff instead of at every cutoff");
  std::string names;
  for (const auto& n : BuiltinRegistry().names()) names += (names.empty() ? "" : ", ") + n;
  cmd->add_option("--model,-m", a->models, "Comma-separated models: " + names);
  cmd->add_option("--params", a->params, "Parameter overrides, e.g. window_average:window_size=4");
  cmd->add_option("--levels", a->levels, "Interval levels in percent");
  cmd->add_option(
         "--metrics", a->metrics,
         "Metrics in the table (MAE RMSE MAPE sMAPE MASE RMSSE bias cov80 cov95 MSIS SPL...)")
      ->delimiter(',');
  cmd->add_option("--select-metric", a->select_metric, "Metric for the per-series model choice");
  cmd->add_option("--wrmsse-price", a->price_column,
                  "Exogenous price column for WRMSSE revenue weights");
  cmd->add_option("--records-csv", a->out.records_csv,
                  "CSV of metrics per series, window and model");
  cmd->add_option("--summary-csv", a->out.summary_csv,
                  "CSV of metrics per window and model, and overall");
  cmd->add_option("--output-json", a->out.json, "JSON with options, summaries, records and issues");
  cmd->add_option("--selection-csv", a->out.selection_csv, "CSV of the best model per series");
  cmd->add_option("--threads", a->threads, "Worker threads (default: all cores)");
  cmd->callback([action, a] { *action = [a] { return RunBacktestCommand(*a); }; });
}

}  // namespace retailcast::cli
