// `retailcast describe`: explore a dataset (file or store) before modelling.
#include <cstdio>
#include <memory>

#include "cli_common.h"
#include "commands.h"
#include "retailcast/explore/describe.h"
#include "retailcast/io/atomic_file.h"

namespace retailcast::cli {
namespace {

struct DescribeArgs {
  InputOptions in;
  explore::DescribeOptions options;
  bool json = false;
  std::string output;
};

Status RunDescribe(const DescribeArgs& a) {
  RETAILCAST_ASSIGN_OR_RETURN(Panel panel, LoadPanelForCommand(a.in));
  RETAILCAST_ASSIGN_OR_RETURN(explore::PanelSummary summary,
                              explore::DescribePanel(panel, a.options));
  std::string text =
      a.json ? explore::SummaryToJson(summary) + "\n" : explore::FormatSummary(summary);
  if (!a.output.empty()) return io::WriteFileAtomic(a.output, text);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return Status::Ok();
}

}  // namespace

void AddDescribeCommand(CLI::App& app, Action* action) {
  auto a = std::make_shared<DescribeArgs>();
  auto* cmd = app.add_subcommand(
      "describe",
      "Explore a dataset: series, date range, frequency, zeros, missing, demand classes, "
      "seasonality strength, top sellers, totals per period");
  AddInputOptions(cmd, &a->in);
  AddStoreOptions(cmd, &a->in, false);
  cmd->add_option("--season", a->options.season_length, "Season length (0 = frequency default)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--top", a->options.top_k, "Top sellers to list")->check(CLI::NonNegativeNumber);
  cmd->add_option("--periods", a->options.last_periods, "Trailing periods of totals to list")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", a->json, "JSON output (with per-series statistics)");
  cmd->add_option("--output,-o", a->output, "Write to this file instead of stdout");
  cmd->callback([action, a] { *action = [a] { return RunDescribe(*a); }; });
}

}  // namespace retailcast::cli
