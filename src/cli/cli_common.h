// Options and helpers shared by the subcommands: how an input file is described on the
// command line (or in a config file) and read through the io module, model and level lists,
// and the progress bar glue.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast/io/ingest_report.h"
#include "retailcast/store/store.h"

namespace retailcast::cli {

// Where the data of a command comes from: a file in one of the supported layouts, or a
// dataset already in the store.
struct InputOptions {
  std::string path;             // input file (long / transactions) or sales file (m5)
  std::string format = "long";  // long | transactions | m5 | shared
  std::string shared_name;      // --format shared: dataset name (path = the data directory)
  std::vector<std::string> id_columns = {"unique_id"};
  std::string series_id;  // long: the file holds one series with this id (ds,y files)
  std::string date_column = "ds";
  std::string target_column = "y";
  std::string date_format;         // empty = detect
  std::string freq;                // empty = infer (long) / D (transactions)
  std::vector<std::string> exog;   // exogenous columns; "*" = every other numeric column
  std::vector<std::string> flags;  // exogenous TRUE/FALSE columns
  std::vector<std::string> attributes;
  std::string duplicates = "error";
  std::string negatives = "keep";
  std::string on_error = "fail";
  std::string rejects;  // rejects CSV path (with on_error=skip)
  std::string delimiter = ",";
  // transactions
  std::string quantity_column;
  std::string price_column;
  std::string revenue_column;
  std::string customer_column;
  // m5
  std::string calendar;
  std::string prices;
  // preprocessing, applied after loading (prep module), in this order
  std::string aggregate_freq;         // coarser frequency to sum to (e.g. W-SUN, MS)
  std::vector<std::string> group_by;  // attributes to sum series over (hierarchy level)
  std::string fill;                   // gap filling: missing | zero | linear | seasonal
  std::string outliers;               // "" | flag | clean
  // store
  std::string store;
  std::string dataset;
};

// Registers the file options on `cmd` (the store ones separately).
void AddInputOptions(CLI::App* cmd, InputOptions* in);
void AddStoreOptions(CLI::App* cmd, InputOptions* in, bool dataset_required);
// Fills `in` from a JSON object (the "input" part of a config file). Unknown keys are an
// InvalidArgument naming them.
Status InputOptionsFromJson(const nlohmann::json& j, InputOptions* in);

// Applies the preprocessing options of `in` (aggregation, hierarchy level, gap filling,
// outliers) to `panel`, printing what was done to stderr.
Status Preprocess(const InputOptions& in, Panel* panel);
// Reads the file described by `in`; prints the ingest summary and warnings to stderr.
// With on_error=skip and a rejects path, writes the rejected rows there.
Result<io::LoadedPanel> ReadInput(const InputOptions& in);
// The panel of the command: from the file when `in.path` is set, else from the store's
// dataset. InvalidArgument when neither is given.
Result<Panel> LoadPanelForCommand(const InputOptions& in);
// Reads a long CSV of known future values of exogenous columns (`--future`): the id and date
// columns of `in`, no target column, on frequency `freq`. `exog` names the columns to read
// (each must be in the file; DataError listing the columns found otherwise); {"*"} reads
// every numeric column.
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

// The ingest marker of an input: the file hash, or "shared:<name>" for a shared dataset.
Result<std::string> InputHash(const InputOptions& in);
// A 64-bit FNV-1a hash of a file's bytes, as "fnv1a64:<hex>" (the store's ingest marker).
Result<std::string> HashFile(const std::string& path);

// Progress callback drawing a bar (when stderr is a TTY and the step is slow).
eval::ProgressFn MakeProgress(const std::string& label, const std::string& unit,
                              std::shared_ptr<void>* keep_alive);

// Prints per-(series, model) errors to stderr (the first `max_shown`).
void PrintSeriesErrors(const std::vector<eval::SeriesError>& errors, size_t max_shown = 10);

}  // namespace retailcast::cli
