#include "backtest_output.h"

#include <cstdio>
#include <sstream>

#include "retailcast/io/atomic_file.h"

namespace retailcast::cli {

void AddBacktestOutputOptions(CLI::App* cmd, BacktestOutputs* out) {
  cmd->add_option("--records-csv", out->records_csv, "CSV of metrics per series, window and model");
  cmd->add_option("--summary-csv", out->summary_csv,
                  "CSV of metrics per window and model, and overall");
  cmd->add_option("--output-json", out->json, "JSON with options, summaries, records and issues");
  cmd->add_option("--selection-csv", out->selection_csv, "CSV of the best model per series");
}

Status WriteBacktestOutputs(const eval::BacktestResult& result,
                            const eval::ModelSelection& selection, const BacktestOutputs& out) {
  auto write = [](const std::string& path, auto&& writer) -> Status {
    if (path.empty()) return Status::Ok();
    std::ostringstream os;
    RETAILCAST_RETURN_IF_ERROR(writer(os));
    RETAILCAST_RETURN_IF_ERROR(io::WriteFileAtomic(path, os.str()));
    std::fprintf(stderr, "wrote %s\n", path.c_str());
    return Status::Ok();
  };
  RETAILCAST_RETURN_IF_ERROR(write(out.records_csv, [&](std::ostream& os) {
    return eval::WriteBacktestRecordsCsv(result, os);
  }));
  RETAILCAST_RETURN_IF_ERROR(write(out.summary_csv, [&](std::ostream& os) {
    return eval::WriteBacktestSummaryCsv(result, os);
  }));
  RETAILCAST_RETURN_IF_ERROR(
      write(out.json, [&](std::ostream& os) { return eval::WriteBacktestJson(result, os); }));
  RETAILCAST_RETURN_IF_ERROR(write(
      out.selection_csv, [&](std::ostream& os) { return eval::WriteSelectionCsv(selection, os); }));
  return Status::Ok();
}

void PrintBacktestIssues(const eval::BacktestResult& result) {
  auto print = [](const char* what, const std::vector<eval::BacktestIssue>& issues) {
    if (issues.empty()) return;
    std::fprintf(stderr, "%zu %s:\n", issues.size(), what);
    for (size_t i = 0; i < issues.size() && i < 5; ++i) {
      std::fprintf(stderr, "  %s window %d%s%s: %s\n", issues[i].unique_id.c_str(),
                   issues[i].window, issues[i].model.empty() ? "" : " model ",
                   issues[i].model.c_str(), issues[i].status.message().c_str());
    }
    if (issues.size() > 5) std::fprintf(stderr, "  ... and %zu more\n", issues.size() - 5);
  };
  print("skipped (series, window) pairs", result.skipped);
  print("model errors", result.errors);
}

}  // namespace retailcast::cli
