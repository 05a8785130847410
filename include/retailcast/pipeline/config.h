// The main job's typed configuration and its JSON config file (config/parameters.json):
//
//   {"store": "out/retailcast.db", "dataset": "walmart_sample",
//    "input":    {<InputOptionTable keys>},        what to ingest
//    "prepare":  {<PrepOptionTable keys>},         aggregation, gaps, outliers
//    <RunOptionTable keys>: "models", "params", "season_length", "horizon", "levels",
//                           "future", "min_global_rows", "output_dir", "artifact_name", "threads",
//    "backtest": {<BacktestOptionTable keys>}}
//
// Every key comes from an options table (options.h), the same rows the CLI's flags come from.
// Unknown keys, values of the wrong type and values outside their choices are errors naming
// the file and the key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/status.h"
#include "retailcast/pipeline/input.h"
#include "retailcast/pipeline/options.h"

namespace retailcast::pipeline {

struct BacktestConfig {
  int windows = 3;                 // rolling origins
  int step = 0;                    // periods between them; 0 = the horizon
  bool refit = true;               // refit at every origin
  std::string select_by = "MASE";  // metric of the per-series choice
};

struct RunConfig {
  std::string store = "retailcast.db";  // SQLite store file (created when absent)
  std::string dataset;                  // dataset name in the store; required
  InputSpec input;                      // required: input.path
  PrepOptions prepare;
  // Candidate models, each backtested; the best per series is the one forecast_best.csv keeps.
  std::vector<std::string> models = {"naive", "snaive", "mean", "drift", "window_average"};
  std::vector<std::string> params;  // "model:key=value,key=value" overrides
  int season_length = 0;            // 0 = the frequency's default
  int horizon = 0;                  // periods to forecast; required, >= 1
  std::vector<double> levels = {80, 95};
  BacktestConfig backtest;
  // Known future values of regressors over the forecast dates: the input's id and date columns
  // and one column per regressor the models use (others may be left out).
  std::string future;
  // Global models (gbm, mlp, lstm, ensemble) learn across series; below this many training
  // rows (series x periods) they are left out of the run, with a note.
  int min_global_rows = 5000;
  std::string output_dir = "out";
  std::string artifact_name;  // default: the dataset name
  int threads = 0;            // 0 = all cores
};

OptionTable<RunConfig> RunOptionTable();
OptionTable<BacktestConfig> BacktestOptionTable();

// Reads a config file. NotFound when it cannot be opened; InvalidArgument for malformed JSON,
// unknown keys, wrong types, values outside their choices, and missing required values
// (dataset, input.path, horizon >= 1), naming the file and the key.
Result<RunConfig> ReadRunConfig(const std::string& path);

// Checks the required values of a config however it was filled (file, flags or code).
Status ValidateRunConfig(const RunConfig& config, std::string_view source);

}  // namespace retailcast::pipeline
