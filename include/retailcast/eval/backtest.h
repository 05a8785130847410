// Rolling-origin cross-validation (Tashman 2000; Hyndman & Athanasopoulos, FPP3 sec. 5.10):
// each model is fitted on a series up to a cutoff, forecasts the next `horizon` periods, and
// is scored against the actuals; the cutoff then moves forward by `step`.
//
// For window w = 0..windows-1 of a series of length n, the training part is the first
//   cutoff_w = n - horizon - (windows - 1 - w) * step
// observations and the test part the `horizon` observations after it, so the last window
// ends at the last observation. A window whose cutoff is below min_train_length is skipped
// for that series and listed in BacktestResult::skipped (never silently dropped); so is a
// window whose test actuals are all NaN. Test points with a NaN actual are excluded from the
// metrics and counted (SeriesMetrics::n_nan_actual).
//
// Results never depend on the number of threads: series are independent, and records are
// ordered by series, then window, then model.
#pragma once

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast/eval/metrics.h"

namespace retailcast::eval {

struct BacktestOptions {
  int horizon = 0;  // periods forecast at each cutoff; required, >= 1
  int windows = 3;  // number of cutoffs, >= 1
  int step = 0;     // periods between consecutive cutoffs, >= 1; 0 = horizon
  // true: every model is refitted at every cutoff.
  // false: each model is fitted once per series, at the series' first usable cutoff, and
  // makes one long forecast from there; window w is scored on the steps of that forecast
  // that fall in its test part (steps cutoff_w - cutoff_first + 1 .. + horizon). No data
  // after the first cutoff reaches the model, so later windows measure accuracy at longer
  // lead times. (Keeping the parameters and updating only the state with new observations
  // would need a FittedModel update call that model.h does not have; for the baseline
  // models such an update is the same as a refit, i.e. refit = true.)
  bool refit = true;
  std::vector<double> levels = {80, 95};  // interval levels (percent); MSIS needs 95, SPL 80+95
  int season_length = 0;                  // m of the MASE/MSIS scale; 0 = panel frequency's default
  // Metrics shown in the text table and used by default elsewhere (names as in metrics.h).
  std::vector<std::string> metrics = {"MASE", "sMAPE", "RMSE", "MAE", "cov80", "cov95", "MSIS"};
  std::string price_column;  // exogenous column with prices for WRMSSE revenue weights
  int min_train_length = 2;  // a window with fewer training points is skipped (>= 1)
  OnModelError on_error = OnModelError::kReport;
  ProgressFn progress;  // optional, one tick per series
};

// The metrics of one (series, window, model).
struct BacktestRecord {
  size_t series = 0;  // position in the panel (and in BacktestResult::series_ids)
  int window = 0;
  size_t model = 0;  // position in BacktestResult::models
  Date cutoff;       // last training date
  SeriesMetrics metrics;
};

// A (series, window) that was skipped, or a (series, window, model) whose model failed.
struct BacktestIssue {
  std::string unique_id;
  int window = 0;
  std::string model;  // label; empty for a skipped window (it applies to every model)
  Status status;
};

// Aggregated metrics of one model, over one window (window >= 0) or over all (window = -1).
struct BacktestSummary {
  std::string model;
  int window = -1;
  AggregateMetrics metrics;  // means over the scored (series[, window]) records
  int64_t n_failed = 0;      // (series, window) pairs where this model failed
};

struct BacktestResult {
  BacktestOptions options;                 // as run: step and season_length resolved
  std::vector<std::string> models;         // labels, in the order given
  std::vector<std::string> series_ids;     // panel order
  std::vector<BacktestRecord> records;     // (series, window, model) order
  std::vector<BacktestIssue> skipped;      // (series, window) order
  std::vector<BacktestIssue> errors;       // (series, window, model) order
  std::vector<BacktestSummary> by_window;  // (window, model) order
  std::vector<BacktestSummary> overall;    // model order; means over all records of the model
};

// Everything the backtest of one series produced.
struct SeriesBacktest {
  std::vector<BacktestRecord> records;  // (window, model) order
  std::vector<BacktestIssue> skipped;   // window order
  std::vector<BacktestIssue> errors;    // (window, model) order
};

// The backtest of one series (the per-series part of RunBacktest, also used by models that
// choose among candidates per series): every model over the windows of `options`, which must
// be resolved (step >= 1, season_length >= 1, as RunBacktest resolves them; a caller bug
// otherwise). `price` is the series' price column or empty; records carry `series_index`.
// Thread-safe: reads only its arguments.
SeriesBacktest BacktestSeries(const SeriesView& series, std::span<const ModelInstance> models,
                              const BacktestOptions& options, std::span<const double> price = {},
                              size_t series_index = 0);

// Runs the backtest. InvalidArgument for horizon < 1, windows < 1, step < 0,
// min_train_length < 1, season_length < 0, a bad level, an unknown metric name, an unknown
// price column or bad models; with OnModelError::kFail the first model error in
// (series, window, model) order.
Result<BacktestResult> RunBacktest(const Panel& panel, std::span<const ModelInstance> models,
                                   const BacktestOptions& options, ThreadPool& pool);

// Per-record CSV: unique_id,window,cutoff,model,n_points,n_nan_actual,<every metric>;
// an undefined metric is an empty field. IoError when the stream fails.
Status WriteBacktestRecordsCsv(const BacktestResult& result, std::ostream& out);
// Summary CSV: window (empty = overall),model,n_series,n_failed,<every metric incl. WRMSSE>.
Status WriteBacktestSummaryCsv(const BacktestResult& result, std::ostream& out);
// Everything (options, summaries, records, skipped, errors) as one JSON document; undefined
// metrics are null.
Status WriteBacktestJson(const BacktestResult& result, std::ostream& out);
// Skipped windows and model errors: counts and the first five of each, one per line; empty
// when there are none.
std::string FormatBacktestIssues(const BacktestResult& result);

// Fixed-width table of the overall summary: one row per model, one column per metric of
// options.metrics; the best value of each column is marked with '*' (see MetricBetter).
std::string FormatBacktestTable(const BacktestResult& result);

// ------------------------------------------------------------------ model selection

struct SeriesChoice {
  std::string unique_id;
  std::string model;  // chosen label
  double score = 0;   // mean of the metric over the series' scored windows
};

struct ModelSelection {
  std::string metric;
  std::vector<SeriesChoice> choices;      // panel order, selected series only
  std::vector<BacktestIssue> unselected;  // series no model could be chosen for, with reason
  std::vector<std::pair<std::string, int64_t>> wins;  // per model (given order): series won
};

// Chooses per series the model with the best mean of `metric` over the windows the series
// was scored in. A model competes for a series only when it has a finite value in every one
// of those windows; ties go to the model listed first. InvalidArgument for an unknown metric
// or "WRMSSE" (not a per-series metric).
Result<ModelSelection> SelectModels(const BacktestResult& result, std::string_view metric);
// Per-series choices as CSV: unique_id,model,<metric>.
Status WriteSelectionCsv(const ModelSelection& selection, std::ostream& out);
// Where WriteBacktestFiles writes; an empty path is not written.
struct BacktestFiles {
  std::string records_csv;    // per (series, window, model): WriteBacktestRecordsCsv
  std::string summary_csv;    // per (window, model) and overall: WriteBacktestSummaryCsv
  std::string json;           // everything: WriteBacktestJson
  std::string selection_csv;  // per-series best model: WriteSelectionCsv
};
// Writes every non-empty path atomically; returns the paths written. IoError on failure.
Result<std::vector<std::string>> WriteBacktestFiles(const BacktestResult& result,
                                                    const ModelSelection& selection,
                                                    const BacktestFiles& files);

// "snaive  31 series (68.9 %)" lines, plus the number of unselected series.
std::string FormatSelectionSummary(const ModelSelection& selection);

}  // namespace retailcast::eval
