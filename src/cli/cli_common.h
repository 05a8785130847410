// What the subcommands share: how an input file, its preparation and a store are given on the
// command line (flags from the library's options tables), reading them with the reports
// printed, model and level lists, and the progress bar glue.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast/io/ingest_report.h"
#include "retailcast/pipeline/input.h"
#include "retailcast/store/store.h"

namespace retailcast::cli {

// Where the data of a command comes from: a file (the input spec, then preparation), or a
// dataset already in the store.
struct InputOptions : pipeline::InputSpec {
  pipeline::PrepOptions prep;
  std::string store;
  std::string dataset;
};

// Registers the input file's flags (pipeline::InputOptionTable) on `cmd`, and the preparation
// flags (pipeline::PrepOptionTable) unless `with_prep` is false.
void AddInputOptions(CLI::App* cmd, InputOptions* in, bool with_prep = true);
void AddStoreOptions(CLI::App* cmd, InputOptions* in, bool dataset_required);

// Reads the file described by `in` (pipeline::ReadInput) and prints its report and what
// happened to rejected rows to stderr.
Result<io::LoadedPanel> ReadInput(const InputOptions& in);
// The panel of the command: from the file when `in.path` is set, else from the store's
// dataset, then prepared (pipeline::Prepare, its report on stderr). InvalidArgument when
// neither a file nor a dataset is given.
Result<Panel> LoadPanelForCommand(const InputOptions& in);
// Known future regressors from `path` (pipeline::ReadFuture), the report printed.
Result<Panel> LoadFuturePanel(const InputOptions& in, const std::string& path,
                              const Frequency& freq, std::vector<std::string> exog);

// "80,95" -> {80, 95}; InvalidArgument for a non-number.
Result<std::vector<double>> ParseLevels(const std::string& text);
// The models of a command: comma-separated names, the season length set where a model has it,
// then the --params overrides ("model:key=value,key=value") applied (eval::BuildModels).
Result<std::vector<eval::ModelInstance>> BuildModels(const std::string& names, int season_length,
                                                     const std::vector<std::string>& overrides);

// Opens a store that must exist already (commands that only read from it): NotFound naming
// the path when the file is absent, instead of creating an empty store.
Result<std::unique_ptr<store::Store>> OpenExistingStore(const std::string& path);

// Progress callback drawing a bar (when stderr is a TTY and the step is slow).
eval::ProgressFn MakeProgress(const std::string& label, const std::string& unit,
                              std::shared_ptr<void>* keep_alive);

// Prints text to stderr (nothing when empty).
void PrintNote(const std::string& text);

}  // namespace retailcast::cli
