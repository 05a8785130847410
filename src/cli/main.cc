// retailcast: the command-line face of libretailcast.
#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "exit_codes.h"
#include "retailcast/core/status.h"
#include "retailcast_version.h"

int main(int argc, char** argv) {
  using retailcast::cli::Action;
  CLI::App app{
      "retailcast: retail sales forecasting from raw sales to backtested, stored forecasts.\n"
      "Run `retailcast <command> --help` for the options of a command."};
  app.set_version_flag("--version", std::string("retailcast ") + RETAILCAST_VERSION + " (" +
                                        RETAILCAST_GIT_SHA + ")");
  app.require_subcommand(1, 1);
  Action action;
  retailcast::cli::AddRunCommand(app, &action);
  retailcast::cli::AddIngestCommand(app, &action);
  retailcast::cli::AddDescribeCommand(app, &action);
  retailcast::cli::AddTrainCommand(app, &action);
  retailcast::cli::AddForecastCommand(app, &action);
  retailcast::cli::AddBacktestCommand(app, &action);
  retailcast::cli::AddExplainCommand(app, &action);
  retailcast::cli::AddModelsCommand(app, &action);
  retailcast::cli::AddSynthCommand(app, &action);
  retailcast::cli::AddServeCommand(app, &action);
  retailcast::cli::AddKeysCommand(app, &action);
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      known |= sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::fprintf(stderr, "retailcast: error: unknown command '%s'; commands: %s\n", argv[1],
                   names.c_str());
      return retailcast::cli::ExitCodeFor(retailcast::StatusCode::kInvalidArgument);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // Help and version exit 0; any usage error is InvalidArgument's exit code.
    return rc == 0 ? 0 : retailcast::cli::ExitCodeFor(retailcast::StatusCode::kInvalidArgument);
  }
  retailcast::Status status;
  try {
    status = action ? action() : retailcast::Status::Internal("no command chosen");
  } catch (const std::exception& e) {
    // Library calls return Status; an exception here is a bug in retailcast.
    status = retailcast::Status::Internal(std::string("unexpected exception: ") + e.what());
  }
  if (!status.ok()) {
    std::fprintf(stderr, "retailcast: error: %s\n", status.ToString().c_str());
    return retailcast::cli::ExitCodeFor(status.code());
  }
  return 0;
}
