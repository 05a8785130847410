#include "retailcast/pipeline/pipeline.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "pipeline/text.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/artifact.h"
#include "retailcast/eval/model_set.h"
#include "retailcast/eval/model_specs.h"
#include "retailcast/io/forecast_csv.h"

namespace retailcast::pipeline {
namespace {

using internal::Join;
using internal::Printf;

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

// The run's working state, shared by its steps.
class Run {
 public:
  Run(const RunConfig& c, const ModelRegistry& registry, PipelineObserver& observer)
      : c_(c), registry_(registry), observer_(observer), pool_(c.threads) {}

  Result<PipelineResult> Go() {
    RETAILCAST_RETURN_IF_ERROR(ValidateRunConfig(c_, "config"));
    // The future file is read last; a wrong path should not cost a backtest and a training.
    if (!c_.future.empty() && !std::ifstream(c_.future)) {
      return Status::NotFound("future: cannot open '" + c_.future + "'");
    }
    RETAILCAST_RETURN_IF_ERROR(MakeFolders());
    RETAILCAST_RETURN_IF_ERROR(Ingest());
    RETAILCAST_RETURN_IF_ERROR(Describe());
    RETAILCAST_RETURN_IF_ERROR(Backtest());
    RETAILCAST_RETURN_IF_ERROR(TrainArtifact());
    RETAILCAST_RETURN_IF_ERROR(Forecast());
    return std::move(out_);
  }

 private:
  Status MakeFolders() {
    std::error_code ec;
    std::filesystem::create_directories(c_.output_dir, ec);
    if (ec) {
      return Status::IoError("cannot create output directory '" + c_.output_dir +
                             "': " + ec.message());
    }
    const auto store_dir = std::filesystem::path(c_.store).parent_path();
    if (!store_dir.empty()) std::filesystem::create_directories(store_dir, ec);
    prefix_ = c_.output_dir + "/";
    return Status::Ok();
  }

  Status Ingest() {
    observer_.Step("1/5 ingest",
                   c_.input.path + " -> " + c_.store + " (dataset " + c_.dataset + ")");
    RETAILCAST_ASSIGN_OR_RETURN(io::LoadedPanel loaded, ReadInput(c_.input));
    observer_.Note(InputReport(loaded.report));
    RETAILCAST_ASSIGN_OR_RETURN(std::string hash, InputHash(c_.input));
    RETAILCAST_ASSIGN_OR_RETURN(db_, store::Store::Open(c_.store));
    RETAILCAST_ASSIGN_OR_RETURN(out_.ingest,
                                db_->IngestPanel(c_.dataset, loaded.panel, c_.input.path, hash));
    const store::IngestSummary& s = out_.ingest;
    observer_.Result(
        Printf("%zu series; observations inserted %lld, updated %lld, unchanged %lld%s\n",
               loaded.panel.num_series(), static_cast<long long>(s.observations_inserted),
               static_cast<long long>(s.observations_updated),
               static_cast<long long>(s.observations_unchanged),
               s.already_ingested ? " (this file was ingested before)" : ""));
    RETAILCAST_ASSIGN_OR_RETURN(panel_, db_->LoadPanel(c_.dataset));
    if (c_.prepare.any()) {
      RETAILCAST_ASSIGN_OR_RETURN(PrepReport prep, Prepare(c_.prepare, &panel_));
      std::string text;
      for (const std::string& line : prep.lines) text += line + "\n";
      observer_.Result(text);
    }
    return Status::Ok();
  }

  // The reader's summary and what happened to rejected rows, as the CLI words them.
  std::string InputReport(const io::IngestReport& report) const {
    std::string text = report.Summary();
    if (!text.empty() && text.back() != '\n') text += '\n';
    if (report.error_count > 0 && !c_.input.rejects.empty()) {
      text += "rejected rows written to " + c_.input.rejects + "\n";
    } else if (report.error_count > 0) {
      text +=
          std::to_string(report.error_count) + " rows rejected; set input.rejects to save them\n";
    }
    return text;
  }

  Status Describe() {
    observer_.Step("2/5 describe", "dataset " + c_.dataset + " as stored");
    explore::DescribeOptions o;
    o.season_length = c_.season_length;
    o.top_k = 5;
    o.last_periods = 4;
    RETAILCAST_ASSIGN_OR_RETURN(out_.description, explore::DescribePanel(panel_, o));
    observer_.Result(explore::FormatSummary(out_.description));
    return Status::Ok();
  }

  // The candidate models: global ones only where the panel gives them enough rows to learn.
  Result<std::vector<eval::ModelInstance>> Candidates() {
    std::vector<eval::ParamOverride> overrides;
    const eval::OverrideWording wording{"params", "models"};
    for (const std::string& item : c_.params) {
      RETAILCAST_ASSIGN_OR_RETURN(eval::ParamOverride o, eval::ParseParamOverride(item, wording));
      overrides.push_back(std::move(o));
    }
    RETAILCAST_ASSIGN_OR_RETURN(
        std::vector<eval::ModelInstance> all,
        eval::BuildModels(registry_, Join(c_.models), c_.season_length, overrides, wording));
    const auto rows = static_cast<int64_t>(panel_.num_values());
    std::vector<eval::ModelInstance> kept;
    for (eval::ModelInstance& m : all) {
      if (m.global && rows < c_.min_global_rows) {
        observer_.Note("model '" + m.spec.label +
                       "' left out: global models learn across series, " + "and this panel has " +
                       std::to_string(rows) + " training rows, below " +
                       "min_global_rows = " + std::to_string(c_.min_global_rows) + "\n");
        continue;
      }
      kept.push_back(std::move(m));
    }
    if (kept.empty()) return Status::InvalidArgument("no candidate model is left to run");
    return kept;
  }

  Status Backtest() {
    RETAILCAST_ASSIGN_OR_RETURN(models_, Candidates());
    std::vector<std::string> labels;
    for (const auto& m : models_) labels.push_back(m.spec.label);
    observer_.Step("3/5 backtest", std::to_string(c_.backtest.windows) + " windows x " +
                                       std::to_string(c_.horizon) + " periods, models " +
                                       Join(labels));
    eval::BacktestOptions o;
    o.horizon = c_.horizon;
    o.windows = c_.backtest.windows;
    o.step = c_.backtest.step;
    o.refit = c_.backtest.refit;
    o.levels = c_.levels;
    o.season_length = c_.season_length;
    o.progress = observer_.Progress("backtest", "series");
    RETAILCAST_ASSIGN_OR_RETURN(out_.backtest, eval::RunBacktest(panel_, models_, o, pool_));
    RETAILCAST_ASSIGN_OR_RETURN(out_.selection,
                                eval::SelectModels(out_.backtest, c_.backtest.select_by));
    observer_.Result(eval::FormatBacktestTable(out_.backtest) + "\n");
    observer_.Result(eval::FormatSelectionSummary(out_.selection) + "\n");
    observer_.Note(eval::FormatBacktestIssues(out_.backtest));
    eval::BacktestFiles files{prefix_ + "backtest_records.csv", prefix_ + "backtest_summary.csv",
                              prefix_ + "backtest.json", prefix_ + "selection.csv"};
    RETAILCAST_ASSIGN_OR_RETURN(std::vector<std::string> written,
                                eval::WriteBacktestFiles(out_.backtest, out_.selection, files));
    for (const std::string& path : written) observer_.Note("wrote " + path + "\n");
    out_.files.insert(out_.files.end(), written.begin(), written.end());
    return Status::Ok();
  }

  Status TrainArtifact() {
    observer_.Step("4/5 train", "every model on the full history, saved as an artifact");
    std::ostringstream metrics;
    RETAILCAST_RETURN_IF_ERROR(eval::WriteBacktestJson(out_.backtest, metrics));
    eval::TrainOptions o;
    o.progress = observer_.Progress("train", "fits");
    RETAILCAST_ASSIGN_OR_RETURN(eval::TrainedModelSet set, eval::Train(panel_, models_, o, pool_));
    observer_.Note(eval::FormatFitErrors(set));
    const eval::ArtifactInfo info{c_.artifact_name.empty() ? c_.dataset : c_.artifact_name,
                                  c_.dataset, metrics.str(), /*promote=*/true};
    RETAILCAST_ASSIGN_OR_RETURN(out_.artifact, eval::SaveArtifact(*db_, info, panel_, set));
    const store::ArtifactRecord& r = out_.artifact;
    observer_.Result(Printf("artifact %s v%lld (id %lld), trained on %s .. %s, code %s\n",
                            r.name.c_str(), static_cast<long long>(r.version),
                            static_cast<long long>(r.id), r.train_start.c_str(),
                            r.train_end.c_str(), r.code_version.c_str()));
    return Status::Ok();
  }

  Status Forecast() {
    observer_.Step("5/5 forecast",
                   std::to_string(c_.horizon) + " periods from the stored artifact");
    // Forecast from what the store holds, as any later reader of the artifact will.
    RETAILCAST_ASSIGN_OR_RETURN(
        std::shared_ptr<const eval::LoadedArtifact> artifact,
        eval::LoadArtifact(*db_, std::to_string(out_.artifact.id), registry_));
    eval::ForecastOptions o;
    o.request.horizon = c_.horizon;
    o.request.levels = c_.levels;
    io::LoadedPanel future;
    if (!c_.future.empty()) {
      // The trained models know which regressors they need; read every numeric column, so
      // that the file need not hold those no model uses (values nobody knows in advance).
      RETAILCAST_ASSIGN_OR_RETURN(future, ReadFuture(c_.input, c_.future, panel_.freq(), {"*"}));
      o.future = &future.panel;
    }
    RETAILCAST_ASSIGN_OR_RETURN(eval::ForecastRun run, eval::Predict(artifact->models, o, pool_));
    observer_.Note(eval::FormatSeriesErrors(run.errors));
    nlohmann::json run_config = {{"dataset", c_.dataset},
                                 {"artifact_id", artifact->record.id},
                                 {"horizon", c_.horizon},
                                 {"levels", c_.levels}};
    RETAILCAST_ASSIGN_OR_RETURN(out_.forecast_run, db_->BeginRun("forecast", run_config.dump()));
    RETAILCAST_RETURN_IF_ERROR(db_->SaveForecasts(out_.forecast_run, run.table));
    RETAILCAST_RETURN_IF_ERROR(
        db_->FinishRun(out_.forecast_run, "ok", nlohmann::json{{"rows", run.table.size()}}.dump()));
    RETAILCAST_RETURN_IF_ERROR(io::WriteForecastCsv(prefix_ + "forecasts.csv", run.table));
    out_.files.push_back(prefix_ + "forecasts.csv");

    // The forecast a manager reads: per series, the model its backtest chose.
    std::map<std::string, std::string, std::less<>> chosen;
    for (const auto& ch : out_.selection.choices) chosen[ch.unique_id] = ch.model;
    out_.best = ForecastTable(run.table.levels());
    const auto& blocks = run.table.blocks();
    for (size_t b = 0; b < blocks.size(); ++b) {
      auto it = chosen.find(run.table.series_ids()[blocks[b].series]);
      if (it != chosen.end() && it->second == run.table.models()[blocks[b].model]) {
        out_.best.AppendBlocks(run.table, b, b + 1);
      }
    }
    RETAILCAST_RETURN_IF_ERROR(io::WriteForecastCsv(prefix_ + "forecast_best.csv", out_.best));
    out_.files.push_back(prefix_ + "forecast_best.csv");
    out_.forecasts = std::move(run.table);
    observer_.Result(FormatForecastDigest(out_.best, c_.horizon));

    std::string outputs = "\nOutputs:\n";
    outputs +=
        Printf("  %s  store (dataset %s, artifact id %lld, forecast run %lld)\n", c_.store.c_str(),
               c_.dataset.c_str(), static_cast<long long>(artifact->record.id),
               static_cast<long long>(out_.forecast_run));
    outputs += Printf("  %sforecasts.csv      every model, %zu rows\n", prefix_.c_str(),
                      out_.forecasts.size());
    outputs +=
        Printf("  %sforecast_best.csv  the backtest-chosen model per series\n", prefix_.c_str());
    outputs +=
        Printf("  %sbacktest_summary.csv, backtest_records.csv, backtest.json, selection.csv\n",
               prefix_.c_str());
    observer_.Result(outputs);
    return Status::Ok();
  }

  const RunConfig& c_;
  const ModelRegistry& registry_;
  PipelineObserver& observer_;
  ThreadPool pool_;
  std::string prefix_;  // output_dir + "/"
  std::unique_ptr<store::Store> db_;
  Panel panel_;
  std::vector<eval::ModelInstance> models_;
  PipelineResult out_;
};

}  // namespace

Result<PipelineResult> RunPipeline(const RunConfig& config, const ModelRegistry& registry,
                                   PipelineObserver& observer) {
  return Run(config, registry, observer).Go();
}

std::string FormatForecastDigest(const ForecastTable& best, int horizon) {
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
  std::string out =
      Printf("Next %d periods, per series with its backtest-chosen model:\n", horizon);
  out += Printf("  %-12s %-15s %-10s %10s %24s %14s\n", "series", "model", "first date", "forecast",
                (std::string(level) + " interval").c_str(), "horizon total");
  for (const auto& id : order) {
    const Line& l = lines.find(id)->second;
    const size_t r = l.first;
    const std::string range =
        best.levels().empty() ? "-" : Money(best.lo(0, r)) + " .. " + Money(best.hi(0, r));
    out += Printf("  %-12s %-15s %-10s %10s %24s %14s\n", id.c_str(),
                  std::string(best.model(r)).c_str(), best.ds(r).ToString().c_str(),
                  Money(best.yhat(r)).c_str(), range.c_str(), Money(l.total).c_str());
  }
  out += "\nAll series together, per period:\n";
  for (const auto& [day, total] : by_date) {
    out += Printf("  %s  %s\n", Date{day}.ToString().c_str(), Money(total).c_str());
  }
  return out;
}

}  // namespace retailcast::pipeline
