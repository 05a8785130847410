// `retailcast run --config FILE`: the main job end to end, driven by a JSON config:
// ingest -> describe -> backtest -> select -> train (artifact) -> forecast from the stored
// artifact -> readable summary and output files.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "backtest_output.h"
#include "cli_common.h"
#include "commands.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/explore/describe.h"
#include "retailcast/io/forecast_csv.h"
#include "train_artifact.h"

namespace retailcast::cli {
namespace {

struct RunConfig {
  std::string store = "retailcast.db";
  std::string dataset;
  InputOptions input;
  std::vector<std::string> models = {"naive", "snaive", "mean", "drift", "window_average"};
  std::vector<std::string> params;  // "model:key=value" overrides
  int season_length = 0;
  int horizon = 0;
  std::vector<double> levels = {80, 95};
  int windows = 3;
  int step = 0;
  bool refit = true;
  std::string select_by = "MASE";
  std::string output_dir = "out";
  std::string artifact_name;
  int threads = 0;
};

Result<RunConfig> ReadConfig(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Status::NotFound("cannot open config file '" + path + "'");
  nlohmann::json j = nlohmann::json::parse(f, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument("config file '" + path + "' is not a JSON object");
  }
  static const char* kKnown[] = {"store",    "dataset",       "input",         "models",
                                 "params",   "season_length", "horizon",       "levels",
                                 "backtest", "output_dir",    "artifact_name", "threads"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : kKnown) known |= it.key() == k;
    if (!known) return Status::InvalidArgument(path + ": unknown key '" + it.key() + "'");
  }
  RunConfig c;
  try {
    c.store = j.value("store", c.store);
    c.dataset = j.value("dataset", c.dataset);
    if (j.contains("input"))
      RETAILCAST_RETURN_IF_ERROR(InputOptionsFromJson(j["input"], &c.input).WithContext(path));
    c.models = j.value("models", c.models);
    if (j.contains("params")) {
      for (auto it = j["params"].begin(); it != j["params"].end(); ++it) {
        std::string item = it.key() + ":";
        bool first = true;
        for (auto p = it.value().begin(); p != it.value().end(); ++p) {
          item += (first ? "" : ",") + p.key() + "=" +
                  (p.value().is_string() ? p.value().get<std::string>() : p.value().dump());
          first = false;
        }
        c.params.push_back(item);
      }
    }
    c.season_length = j.value("season_length", c.season_length);
    c.horizon = j.value("horizon", c.horizon);
    c.levels = j.value("levels", c.levels);
    if (j.contains("backtest")) {
      const auto& b = j["backtest"];
      for (auto it = b.begin(); it != b.end(); ++it) {
        if (it.key() != "windows" && it.key() != "step" && it.key() != "refit" &&
            it.key() != "select_by") {
          return Status::InvalidArgument(path + ": unknown key 'backtest." + it.key() + "'");
        }
      }
      c.windows = b.value("windows", c.windows);
      c.step = b.value("step", c.step);
      c.refit = b.value("refit", c.refit);
      c.select_by = b.value("select_by", c.select_by);
    }
    c.output_dir = j.value("output_dir", c.output_dir);
    c.artifact_name = j.value("artifact_name", c.artifact_name);
    c.threads = j.value("threads", c.threads);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(path + ": " + e.what());
  }
  if (c.dataset.empty()) return Status::InvalidArgument(path + ": 'dataset' is required");
  if (c.input.path.empty()) return Status::InvalidArgument(path + ": 'input.path' is required");
  if (c.horizon < 1) return Status::InvalidArgument(path + ": 'horizon' must be at least 1");
  c.input.store = c.store;
  c.input.dataset = c.dataset;
  return c;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string Money(double v) {
  char buf[32];
  if (std::fabs(v) >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  } else if (std::fabs(v) >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  }
  return buf;
}

void Heading(const char* step, const std::string& text) {
  std::printf("\n== %s: %s\n", step, text.c_str());
}

// Per series: chosen model, first forecast with its first interval, and the horizon total;
// then the sum over all series per period.
void PrintForecastDigest(const ForecastTable& best, int horizon) {
  struct Line {
    size_t first = 0;  // row of the first forecast
    double total = 0;
  };
  std::vector<std::string> order;
  std::map<std::string, Line, std::less<>> lines;
  std::map<int32_t, double> by_date;
  for (size_t r = 0; r < best.size(); ++r) {
    auto [it, inserted] = lines.try_emplace(std::string(best.unique_id(r)));
    if (inserted) {
      it->second.first = r;
      order.emplace_back(best.unique_id(r));
    }
    it->second.total += best.yhat(r);
    by_date[best.ds(r).days] += best.yhat(r);
  }
  char level[32] = "";
  if (!best.levels().empty()) std::snprintf(level, sizeof level, "%g%%", best.levels()[0]);
  std::printf("Next %d periods, per series with its backtest-chosen model:\n", horizon);
  std::printf("  %-12s %-15s %-10s %10s %24s %14s\n", "series", "model", "first date", "forecast",
              (std::string(level) + " interval").c_str(), "horizon total");
  for (const auto& id : order) {
    const Line& l = lines[id];
    const size_t r = l.first;
    std::string range =
        best.levels().empty() ? "-" : Money(best.lo(0, r)) + " .. " + Money(best.hi(0, r));
    std::printf("  %-12s %-15s %-10s %10s %24s %14s\n", id.c_str(),
                std::string(best.model(r)).c_str(), best.ds(r).ToString().c_str(),
                Money(best.yhat(r)).c_str(), range.c_str(), Money(l.total).c_str());
  }
  std::printf("\nAll series together, per period:\n");
  for (const auto& [day, total] : by_date) {
    std::printf("  %s  %s\n", Date{day}.ToString().c_str(), Money(total).c_str());
  }
}

Status RunPipeline(const std::string& config_path) {
  RETAILCAST_ASSIGN_OR_RETURN(RunConfig c, ReadConfig(config_path));
  std::error_code ec;
  std::filesystem::create_directories(c.output_dir, ec);
  if (ec)
    return Status::IoError("cannot create output directory '" + c.output_dir +
                           "': " + ec.message());
  auto store_dir = std::filesystem::path(c.store).parent_path();
  if (!store_dir.empty()) std::filesystem::create_directories(store_dir, ec);
  const std::string out = c.output_dir + "/";
  ThreadPool pool(c.threads);

  Heading("1/5 ingest", c.input.path + " -> " + c.store + " (dataset " + c.dataset + ")");
  RETAILCAST_ASSIGN_OR_RETURN(io::LoadedPanel loaded, ReadInput(c.input));
  RETAILCAST_ASSIGN_OR_RETURN(std::string hash, InputHash(c.input));
  RETAILCAST_ASSIGN_OR_RETURN(auto db, store::Store::Open(c.store));
  RETAILCAST_ASSIGN_OR_RETURN(store::IngestSummary ingest,
                              db->IngestPanel(c.dataset, loaded.panel, c.input.path, hash));
  std::printf("%zu series; observations inserted %lld, updated %lld, unchanged %lld%s\n",
              loaded.panel.num_series(), static_cast<long long>(ingest.observations_inserted),
              static_cast<long long>(ingest.observations_updated),
              static_cast<long long>(ingest.observations_unchanged),
              ingest.already_ingested ? " (this file was ingested before)" : "");
  RETAILCAST_ASSIGN_OR_RETURN(Panel panel, db->LoadPanel(c.dataset));

  Heading("2/5 describe", "dataset " + c.dataset + " as stored");
  explore::DescribeOptions dopt;
  dopt.season_length = c.season_length;
  dopt.top_k = 5;
  dopt.last_periods = 4;
  RETAILCAST_ASSIGN_OR_RETURN(explore::PanelSummary summary, explore::DescribePanel(panel, dopt));
  std::printf("%s", explore::FormatSummary(summary).c_str());

  Heading("3/5 backtest", std::to_string(c.windows) + " windows x " + std::to_string(c.horizon) +
                              " periods, models " + Join(c.models));
  RETAILCAST_ASSIGN_OR_RETURN(auto models, BuildModels(Join(c.models), c.season_length, c.params));
  eval::BacktestOptions bopt;
  bopt.horizon = c.horizon;
  bopt.windows = c.windows;
  bopt.step = c.step;
  bopt.refit = c.refit;
  bopt.levels = c.levels;
  bopt.season_length = c.season_length;
  std::shared_ptr<void> bar;
  bopt.progress = MakeProgress("backtest", "series", &bar);
  RETAILCAST_ASSIGN_OR_RETURN(eval::BacktestResult backtest,
                              eval::RunBacktest(panel, models, bopt, pool));
  RETAILCAST_ASSIGN_OR_RETURN(eval::ModelSelection selection,
                              eval::SelectModels(backtest, c.select_by));
  std::printf("%s\n", eval::FormatBacktestTable(backtest).c_str());
  std::printf("%s\n", eval::FormatSelectionSummary(selection).c_str());
  PrintBacktestIssues(backtest);
  BacktestOutputs bout{out + "backtest_records.csv", out + "backtest_summary.csv",
                       out + "backtest.json", out + "selection.csv"};
  RETAILCAST_RETURN_IF_ERROR(WriteBacktestOutputs(backtest, selection, bout));
  std::ostringstream backtest_json;
  RETAILCAST_RETURN_IF_ERROR(eval::WriteBacktestJson(backtest, backtest_json));

  Heading("4/5 train", "every model on the full history, saved as an artifact");
  std::string name = c.artifact_name.empty() ? c.dataset : c.artifact_name;
  RETAILCAST_ASSIGN_OR_RETURN(
      TrainedArtifact trained,
      TrainAndSave(*db, {name, c.dataset, backtest_json.str(), /*promote=*/true}, panel, models,
                   pool));
  std::printf("artifact %s v%lld (id %lld), trained on %s .. %s, code %s\n",
              trained.record.name.c_str(), static_cast<long long>(trained.record.version),
              static_cast<long long>(trained.record.id), trained.record.train_start.c_str(),
              trained.record.train_end.c_str(), trained.record.code_version.c_str());

  Heading("5/5 forecast", std::to_string(c.horizon) + " periods from the stored artifact");
  RETAILCAST_ASSIGN_OR_RETURN(
      std::shared_ptr<const eval::LoadedArtifact> artifact,
      eval::LoadArtifact(*db, std::to_string(trained.record.id), BuiltinRegistry()));
  const store::ArtifactRecord& stored = artifact->record;
  const eval::LoadedModelSet& set = artifact->models;
  eval::ForecastOptions fopt;
  fopt.request.horizon = c.horizon;
  fopt.request.levels = c.levels;
  RETAILCAST_ASSIGN_OR_RETURN(eval::ForecastRun run, eval::Predict(set, fopt, pool));
  PrintSeriesErrors(run.errors);
  nlohmann::json run_config = {
      {"config", config_path}, {"artifact_id", stored.id}, {"horizon", c.horizon}};
  RETAILCAST_ASSIGN_OR_RETURN(int64_t run_id, db->BeginRun("forecast", run_config.dump()));
  RETAILCAST_RETURN_IF_ERROR(db->SaveForecasts(run_id, run.table));
  RETAILCAST_RETURN_IF_ERROR(
      db->FinishRun(run_id, "ok", nlohmann::json{{"rows", run.table.size()}}.dump()));
  RETAILCAST_RETURN_IF_ERROR(io::WriteForecastCsv(out + "forecasts.csv", run.table));

  // The forecast a manager reads: per series, the model its backtest chose.
  std::map<std::string, std::string> chosen;
  for (const auto& ch : selection.choices) chosen[ch.unique_id] = ch.model;
  ForecastTable best(run.table.levels());
  const auto& blocks = run.table.blocks();
  for (size_t b = 0; b < blocks.size(); ++b) {
    auto it = chosen.find(run.table.series_ids()[blocks[b].series]);
    if (it != chosen.end() && it->second == run.table.models()[blocks[b].model]) {
      best.AppendBlocks(run.table, b, b + 1);
    }
  }
  RETAILCAST_RETURN_IF_ERROR(io::WriteForecastCsv(out + "forecast_best.csv", best));

  PrintForecastDigest(best, c.horizon);

  std::printf("\nOutputs:\n");
  std::printf("  %s  store (dataset %s, artifact id %lld, forecast run %lld)\n", c.store.c_str(),
              c.dataset.c_str(), static_cast<long long>(stored.id), static_cast<long long>(run_id));
  std::printf("  %sforecasts.csv      every model, %zu rows\n", out.c_str(), run.table.size());
  std::printf("  %sforecast_best.csv  the backtest-chosen model per series\n", out.c_str());
  std::printf("  %sbacktest_summary.csv, backtest_records.csv, backtest.json, selection.csv\n",
              out.c_str());
  return Status::Ok();
}

}  // namespace

void AddRunCommand(CLI::App& app, Action* action) {
  auto path = std::make_shared<std::string>("config/parameters.json");
  auto* cmd = app.add_subcommand(
      "run",
      "The main job end to end from a JSON config: ingest, describe, backtest, train, forecast");
  cmd->add_option("--config,-c", *path, "Pipeline config (see config/parameters.json)");
  cmd->callback([action, path] { *action = [path] { return RunPipeline(*path); }; });
}

}  // namespace retailcast::cli
