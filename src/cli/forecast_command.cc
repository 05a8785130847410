// `retailcast forecast`: fit and forecast any long CSV (the plain form the peers are scored
// with), a stored dataset, or forecast again from a trained artifact.
#include <algorithm>
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/core/global_model.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/artifact.h"
#include "retailcast/io/atomic_file.h"
#include "retailcast/io/csv.h"
#include "retailcast/io/forecast_csv.h"

namespace retailcast::cli {
namespace {

struct ForecastArgs {
  InputOptions in;
  int horizon = 0;
  int season = 0;
  std::string models = "snaive";
  std::vector<std::string> params;
  std::string levels = "80,95";
  std::string output;
  std::string importance;  // CSV of the global models' feature importance
  std::string artifact;    // id or name
  std::string future;      // long CSV of known future exogenous values
  int threads = 0;
  bool fail_on_model_error = false;
};

// The global models' feature importance: the five largest shares of each model on stderr, and
// every feature as CSV model,feature,gain_share (largest first) when `path` is given.
Status ReportImportance(const std::vector<eval::ModelImportance>& importance,
                        const std::string& path) {
  std::string csv = "model,feature,gain_share\n";
  for (const eval::ModelImportance& m : importance) {
    std::vector<FeatureImportance> features = m.features;
    std::stable_sort(features.begin(), features.end(),
                     [](const auto& x, const auto& y) { return x.gain_share > y.gain_share; });
    std::string top;
    for (size_t k = 0; k < features.size(); ++k) {
      char share[32];
      std::snprintf(share, sizeof share, "%.6g", features[k].gain_share);
      io::AppendCsvField(&csv, m.model);
      csv += ',';
      io::AppendCsvField(&csv, features[k].feature);
      csv += std::string(",") + share + "\n";
      if (k < 5) {
        std::snprintf(share, sizeof share, " %.1f%%", 100 * features[k].gain_share);
        top += (k > 0 ? ", " : "") + features[k].feature + share;
      }
    }
    std::fprintf(stderr, "%s: largest feature gain shares: %s\n", m.model.c_str(),
                 top.empty() ? "(none)" : top.c_str());
  }
  if (path.empty()) return Status::Ok();
  if (importance.empty()) {
    return Status::InvalidArgument(
        "--importance: no model of this run reports feature importance (only the global "
        "models gbm, mlp and lstm do; per-series models have no features)");
  }
  RETAILCAST_RETURN_IF_ERROR(io::WriteFileAtomic(path, csv));
  std::fprintf(stderr, "wrote feature importance to %s\n", path.c_str());
  return Status::Ok();
}

Status RunForecast(const ForecastArgs& a) {
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<double> levels, ParseLevels(a.levels));
  ThreadPool pool(a.threads);
  eval::ForecastOptions options;
  options.request.horizon = a.horizon;
  options.request.levels = levels;
  options.on_error =
      a.fail_on_model_error ? eval::OnModelError::kFail : eval::OnModelError::kReport;
  std::shared_ptr<void> bar;
  options.progress = MakeProgress("forecast", "fits", &bar);
  RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(options.request));

  eval::ForecastRun run;
  std::unique_ptr<store::Store> db;
  if (!a.artifact.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(db, OpenExistingStore(a.in.store));
    RETAILCAST_ASSIGN_OR_RETURN(std::shared_ptr<const eval::LoadedArtifact> artifact,
                                eval::LoadArtifact(*db, a.artifact, BuiltinRegistry()));
    const store::ArtifactRecord& record = artifact->record;
    const eval::LoadedModelSet& set = artifact->models;
    std::fprintf(stderr, "artifact %s v%lld (id %lld): %lld series, trained on %s .. %s\n",
                 record.name.c_str(), static_cast<long long>(record.version),
                 static_cast<long long>(record.id), static_cast<long long>(record.n_series),
                 record.train_start.c_str(), record.train_end.c_str());
    Panel future;
    if (!a.future.empty() && !set.series().empty()) {
      // The fitted models know which regressors they need; read every numeric column.
      RETAILCAST_ASSIGN_OR_RETURN(
          future, LoadFuturePanel(a.in, a.future, set.series().front().freq, {"*"}));
      options.future = &future;
    }
    RETAILCAST_ASSIGN_OR_RETURN(run, eval::Predict(set, options, pool));
  } else {
    // Models first: a typo in --model should not wait for a large file to be read.
    RETAILCAST_ASSIGN_OR_RETURN(auto models, BuildModels(a.models, a.season, a.params));
    RETAILCAST_ASSIGN_OR_RETURN(Panel panel, LoadPanelForCommand(a.in));
    Panel future;
    if (!a.future.empty()) {
      std::vector<std::string> exog;
      for (size_t k = 0; k < panel.num_exog(); ++k) exog.push_back(panel.exog_name(k));
      RETAILCAST_ASSIGN_OR_RETURN(future, LoadFuturePanel(a.in, a.future, panel.freq(), exog));
      options.future = &future;
    }
    RETAILCAST_ASSIGN_OR_RETURN(run, eval::ForecastPanel(panel, models, options, pool));
  }
  PrintNote(eval::FormatSeriesErrors(run.errors));
  RETAILCAST_RETURN_IF_ERROR(ReportImportance(run.importance, a.importance));
  if (a.output.empty() || a.output == "-") {
    const std::string csv = io::FormatForecastCsv(run.table);
    std::fwrite(csv.data(), 1, csv.size(), stdout);
  } else {
    RETAILCAST_RETURN_IF_ERROR(io::WriteForecastCsv(a.output, run.table));
    std::fprintf(stderr, "wrote %zu forecast rows to %s\n", run.table.size(), a.output.c_str());
  }
  if (!a.in.dataset.empty() || !a.artifact.empty()) {
    if (!db) {
      RETAILCAST_ASSIGN_OR_RETURN(db, OpenExistingStore(a.in.store));
    }
    nlohmann::json config = {{"horizon", a.horizon},
                             {"levels", levels},
                             {"artifact", a.artifact},
                             {"dataset", a.in.dataset},
                             {"models", a.models}};
    RETAILCAST_ASSIGN_OR_RETURN(int64_t run_id, db->BeginRun("forecast", config.dump()));
    RETAILCAST_RETURN_IF_ERROR(db->SaveForecasts(run_id, run.table));
    nlohmann::json summary = {{"rows", run.table.size()}, {"errors", run.errors.size()}};
    RETAILCAST_RETURN_IF_ERROR(db->FinishRun(run_id, "ok", summary.dump()));
    std::fprintf(stderr, "forecasts stored in %s as run %lld\n", a.in.store.c_str(),
                 static_cast<long long>(run_id));
  }
  return Status::Ok();
}

}  // namespace

void AddForecastCommand(CLI::App& app, Action* action) {
  auto a = std::make_shared<ForecastArgs>();
  auto* cmd = app.add_subcommand(
      "forecast",
      "Forecast every series: from a file (--input), a stored dataset (--store/--dataset), or a "
      "trained artifact (--artifact)");
  AddInputOptions(cmd, &a->in);
  AddStoreOptions(cmd, &a->in, false);
  cmd->add_option("--horizon,-H", a->horizon, "Periods to forecast")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--season", a->season,
                  "Season length m (0 = frequency default: 7 D, 52 W, 12 MS, 4 QS)")
      ->check(CLI::NonNegativeNumber);
  std::string names;
  for (const auto& n : BuiltinRegistry().names()) names += (names.empty() ? "" : ", ") + n;
  cmd->add_option("--model,-m", a->models, "Comma-separated models: " + names);
  cmd->add_option(
      "--params", a->params,
      "Parameter overrides, e.g. window_average:window_size=4 (see `retailcast models`)");
  cmd->add_option("--levels", a->levels, "Interval levels in percent, comma-separated");
  cmd->add_option("--output,-o", a->output,
                  "Forecast CSV unique_id,ds,model,yhat,lo80,hi80,lo95,hi95 (default: stdout)");
  cmd->add_option("--importance", a->importance,
                  "Write the global models' feature importance (share of total gain per "
                  "feature) as CSV model,feature,gain_share");
  cmd->add_option("--artifact", a->artifact,
                  "Forecast from a trained artifact (id or name) in --store");
  cmd->add_option("--future", a->future,
                  "Long CSV of known future values of the --exog/--flags columns over the "
                  "forecast dates (same id and date columns, no target), for models fitted "
                  "with regressors");
  cmd->add_option("--threads", a->threads, "Worker threads (default: all cores)");
  cmd->add_flag("--fail-on-model-error", a->fail_on_model_error,
                "Fail when a model cannot fit a series (default: report it and go on)");
  cmd->callback([action, a] { *action = [a] { return RunForecast(*a); }; });
}

}  // namespace retailcast::cli
