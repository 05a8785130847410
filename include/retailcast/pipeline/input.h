// Where the data of a run comes from and how it is prepared: a sales file in one of the
// supported layouts read through the io module, then the preparation steps of the prep module
// (temporal and hierarchical aggregation, gap filling, outliers). The CLI's commands, the
// config file of `retailcast run` and the pipeline all describe input and preparation with
// these two structs; their options tables (InputOptionTable, PrepOptionTable) name every
// option once.
#pragma once

#include <string>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"
#include "retailcast/io/ingest_report.h"
#include "retailcast/pipeline/options.h"

namespace retailcast::pipeline {

// A sales file and how to read it.
struct InputSpec {
  std::string path;             // input file (long / transactions) or sales file (m5)
  std::string format = "long";  // long | transactions | m5
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
};

// Preparation applied to a loaded panel, in this order.
struct PrepOptions {
  std::string aggregate_freq;         // coarser frequency to sum to (e.g. W-SUN, MS)
  std::vector<std::string> group_by;  // attributes to sum series over; {"total"} = all
  std::string fill;                   // gap filling: missing | zero | linear | seasonal
  std::string outliers;               // "" | flag | clean

  bool any() const {
    return !aggregate_freq.empty() || !group_by.empty() || !fill.empty() || !outliers.empty();
  }
};

OptionTable<InputSpec> InputOptionTable();
OptionTable<PrepOptions> PrepOptionTable();

// Reads the file `in` describes. With on_error=skip and a rejects path, writes the rejected
// rows there (the report says how many). InvalidArgument for bad options (naming them),
// NotFound / IoError / DataError from the readers (file, line, column and reason).
Result<io::LoadedPanel> ReadInput(const InputSpec& in);

// The ingest marker of an input: a hash of the file's bytes (and of the M5 calendar and
// prices files), so a re-ingest of identical content is recognised.
Result<std::string> InputHash(const InputSpec& in);

// What Prepare did, one line per step, for the caller to show.
struct PrepReport {
  std::vector<std::string> lines;
};

// Applies `prep` to `panel` in place. InvalidArgument for a bad frequency, method or
// attribute name; DataError from the steps.
Result<PrepReport> Prepare(const PrepOptions& prep, Panel* panel);

// Reads a long CSV of known future values of exogenous columns (the regressors of a forecast):
// `in`'s id and date columns, no target, on frequency `freq`. `exog` names the columns to
// read (each must be in the file; DataError listing the columns found otherwise); {"*"} reads
// every numeric column. InvalidArgument when `exog` is empty or the file has no regressor
// column.
Result<io::LoadedPanel> ReadFuture(const InputSpec& in, const std::string& path,
                                   const Frequency& freq, std::vector<std::string> exog);

}  // namespace retailcast::pipeline
