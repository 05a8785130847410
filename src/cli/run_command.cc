// `retailcast run --config FILE`: the main job end to end (pipeline::RunPipeline), from a JSON
// config whose keys are the same options tables as the flags; flags given on the command line
// override the file's values.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "option_flags.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/pipeline/pipeline.h"

namespace retailcast::cli {
namespace {

// Prints the pipeline's steps and results to stdout, its notes to stderr.
class PrintingObserver final : public pipeline::PipelineObserver {
 public:
  void Step(std::string_view step, std::string_view what) override {
    std::printf("\n== %.*s: %.*s\n", static_cast<int>(step.size()), step.data(),
                static_cast<int>(what.size()), what.data());
  }
  void Result(std::string_view text) override { std::fwrite(text.data(), 1, text.size(), stdout); }
  void Note(std::string_view text) override {
    std::fflush(stdout);
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
  eval::ProgressFn Progress(std::string_view label, std::string_view unit) override {
    bars_.emplace_back();
    return MakeProgress(std::string(label), std::string(unit), &bars_.back());
  }

 private:
  std::vector<std::shared_ptr<void>> bars_;
};

// The flags of `run`: the config file, and every option of the config's tables.
struct RunArgs {
  std::string config_path = "config/parameters.json";
  pipeline::RunConfig given;  // values of the flags given on the command line
  std::vector<CLI::Option*> run_flags, input_flags, prep_flags, backtest_flags;
};

Status RunMainJob(const RunArgs& a) {
  RETAILCAST_ASSIGN_OR_RETURN(pipeline::RunConfig config, pipeline::ReadRunConfig(a.config_path));
  CopyGivenFlags(pipeline::RunOptionTable(), a.run_flags, a.given, &config);
  CopyGivenFlags(pipeline::InputOptionTable(), a.input_flags, a.given.input, &config.input);
  CopyGivenFlags(pipeline::PrepOptionTable(), a.prep_flags, a.given.prepare, &config.prepare);
  CopyGivenFlags(pipeline::BacktestOptionTable(), a.backtest_flags, a.given.backtest,
                 &config.backtest);
  PrintingObserver observer;
  return pipeline::RunPipeline(config, BuiltinRegistry(), observer).status();
}

}  // namespace

void AddRunCommand(CLI::App& app, Action* action) {
  auto a = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand(
      "run",
      "The main job end to end from a JSON config: ingest, prepare, describe, backtest, choose, "
      "train, forecast (flags override the file's values)");
  cmd->add_option("--config,-c", a->config_path, "Pipeline config (see config/parameters.json)");
  a->run_flags = AddOptionFlags(cmd, pipeline::RunOptionTable(), &a->given, "");
  a->input_flags = AddOptionFlags(cmd, pipeline::InputOptionTable(), &a->given.input, "input");
  a->prep_flags = AddOptionFlags(cmd, pipeline::PrepOptionTable(), &a->given.prepare, "prepare");
  a->backtest_flags =
      AddOptionFlags(cmd, pipeline::BacktestOptionTable(), &a->given.backtest, "backtest");
  cmd->callback([action, a] { *action = [a] { return RunMainJob(*a); }; });
}

}  // namespace retailcast::cli
