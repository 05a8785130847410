// Writing a backtest's files (records, summary, JSON, selection), shared by `backtest` and
// `run`.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "retailcast/eval/backtest.h"

namespace retailcast::cli {

struct BacktestOutputs {
  std::string records_csv;    // per (series, window, model)
  std::string summary_csv;    // per (window, model) and overall
  std::string json;           // everything
  std::string selection_csv;  // per-series best model
};

void AddBacktestOutputOptions(CLI::App* cmd, BacktestOutputs* out);
// Writes every non-empty path atomically.
Status WriteBacktestOutputs(const eval::BacktestResult& result,
                            const eval::ModelSelection& selection, const BacktestOutputs& out);
// Prints skipped windows and model errors (counts and the first few) to stderr.
void PrintBacktestIssues(const eval::BacktestResult& result);

}  // namespace retailcast::cli
