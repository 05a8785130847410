// CSV output of forecasts and panels, and reading forecasts back.
//
// Forecast CSV: unique_id,ds,model,yhat,lo<L>,hi<L>... with one lo/hi pair per interval level
// L in table.levels() (e.g. lo80,hi80,lo95,hi95; a level like 97.5 is written lo97.5). Dates are
// ISO; numbers use the shortest text that reads back to the same double (std::to_chars);
// NaN is an empty field. All writers go through AtomicFileWriter.
#pragma once

#include <string>

#include "retailcast/core/forecast_table.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"

namespace retailcast::io {

// IoError on write failure.
Status WriteForecastCsv(const std::string& path, const ForecastTable& table);
// The CSV text WriteForecastCsv writes.
std::string FormatForecastCsv(const ForecastTable& table);

// Reads a file written by WriteForecastCsv (or any file with those columns; lo/hi columns
// are matched by level and may come in any order). DataError naming file, line and column
// for bad rows or a header without unique_id,ds,model,yhat or with a lo<L> lacking its hi<L>.
Result<ForecastTable> ReadForecastCsv(const std::string& path);

// Writes a panel as unique_id,ds,y[,exog...] (one row per series and period, missing values
// as empty fields). IoError on write failure.
Status WritePanelLongCsv(const std::string& path, const Panel& panel);

// Shortest round-trip text of a double ("" for NaN).
void AppendDouble(std::string* out, double v);

}  // namespace retailcast::io
