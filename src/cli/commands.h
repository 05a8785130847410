// The subcommands of `retailcast`. Each Add*Command registers its options on `app` and
// returns the action to run once the command line has been parsed. The CLI is a thin adapter:
// every action calls the library and only formats what it gets back.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "retailcast/core/status.h"

namespace retailcast::cli {

using Action = std::function<Status()>;

// Each registers one subcommand; when it is the one chosen, *action is set to its work.
void AddIngestCommand(CLI::App& app, Action* action);
void AddDescribeCommand(CLI::App& app, Action* action);
void AddTrainCommand(CLI::App& app, Action* action);
void AddForecastCommand(CLI::App& app, Action* action);
void AddBacktestCommand(CLI::App& app, Action* action);
void AddExplainCommand(CLI::App& app, Action* action);
void AddModelsCommand(CLI::App& app, Action* action);
void AddSynthCommand(CLI::App& app, Action* action);
void AddRunCommand(CLI::App& app, Action* action);
void AddServeCommand(CLI::App& app, Action* action);
void AddKeysCommand(CLI::App& app, Action* action);

}  // namespace retailcast::cli
