// The main job as one library call: ingest -> prepare -> describe -> backtest -> choose ->
// train -> forecast, from a typed config (config.h). `retailcast run` reads the config file and
// calls it; the service, tests and later steps (inventory plans, monitoring) can call it too.
//
// Steps:
//   1 ingest    the input file into dataset `dataset` of the store (one transaction; a file
//               ingested before adds nothing), then the stored dataset is loaded and prepared
//               (prepare options: aggregation, hierarchy level, gaps, outliers)
//   2 describe  the prepared panel (explore::DescribePanel)
//   3 backtest  every candidate model over rolling origins, then per series the model with the
//               best `backtest.select_by`; global models are left out of panels smaller than
//               `min_global_rows`
//   4 train     every candidate on the full history, saved as the promoted version of the
//               artifact with the backtest's metrics
//   5 forecast  `horizon` periods from the artifact loaded back from the store, with intervals;
//               stored as a forecast run; every model's forecast and the chosen model's per series
// Files in output_dir: forecasts.csv, forecast_best.csv, backtest_records.csv,
// backtest_summary.csv, backtest.json, selection.csv.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/forecast_table.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/status.h"
#include "retailcast/eval/backtest.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast/explore/describe.h"
#include "retailcast/pipeline/config.h"
#include "retailcast/store/artifact.h"
#include "retailcast/store/store.h"

namespace retailcast::pipeline {

// What the pipeline tells its caller as it runs. Calls come from the calling thread, except
// progress callbacks (see eval::ProgressFn).
class PipelineObserver {
 public:
  virtual ~PipelineObserver() = default;
  // A step begins: `step` is e.g. "3/5 backtest", `what` one line about it.
  virtual void Step(std::string_view step, std::string_view what) = 0;
  // What a person reads of a step's outcome (tables, summaries), as text with line ends.
  virtual void Result(std::string_view text) = 0;
  // Notes and warnings (the input's report, skipped windows, failed fits, files written), as
  // text with line ends.
  virtual void Note(std::string_view text) = 0;
  // A progress callback for a long part of a step; null for none.
  virtual eval::ProgressFn Progress(std::string_view label, std::string_view unit) = 0;
};

struct PipelineResult {
  store::IngestSummary ingest;
  explore::PanelSummary description;
  eval::BacktestResult backtest;
  eval::ModelSelection selection;
  store::ArtifactRecord artifact;  // as stored, without its state
  int64_t forecast_run = 0;        // the store's run id of the forecasts
  ForecastTable forecasts;         // every model
  ForecastTable best;              // per series, the model the backtest chose
  std::vector<std::string> files;  // written, in order
};

// Runs every step. Errors of a step are returned as they come (the store keeps what earlier
// steps committed); InvalidArgument for a config that ValidateRunConfig refuses.
Result<PipelineResult> RunPipeline(const RunConfig& config, const ModelRegistry& registry,
                                   PipelineObserver& observer);

// The forecast a manager reads: per series, the chosen model's first forecast with its first
// interval and the horizon total; then the sum of all series per period.
std::string FormatForecastDigest(const ForecastTable& best, int horizon);

}  // namespace retailcast::pipeline
