// Transactions reader: one row per sale line (date, key columns such as store / item /
// customer, quantity, price or revenue), aggregated to series at a chosen key and frequency.
//
// For each series (the key columns' values joined by '/', e.g. {"Category","Sub-Category"}
// gives "Furniture/Chairs") and period (Frequency::PeriodOf of the row's date):
//   y         = sum of quantity (each line counts 1 when no quantity column is given)
//   revenue   = sum of price * quantity, or of the revenue column (when either is given)
//   lines     = number of rows
//   customers = number of distinct customer ids (when a customer column is given)
// Periods without any sale between a series' first and last sale are 0 (no sale means zero
// demand), not NaN. The key columns are also the panel's attribute columns.
//
// Row errors (file, line, column, raw text): malformed CSV, wrong field count, unparseable
// date, non-numeric or missing quantity / price / revenue, empty key. Negative quantities
// (returns) are kept and counted in the report. Non-row errors as in long_csv.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/io/csv.h"
#include "retailcast/io/ingest_report.h"

namespace retailcast::io {

struct TransactionsOptions {
  CsvOptions csv;
  std::string date_column;
  // Detected from the first data row when absent.
  std::optional<DateFormat> date_format;
  // Series key columns; empty = one series named "total".
  std::vector<std::string> key_columns;
  std::string id_separator = "/";
  // Output frequency: D, W-XXX, MS, QS or YS.
  Frequency freq = Frequency::Daily();
  std::string quantity_column;  // "" = each line is one unit
  std::string price_column;     // unit price: revenue = price * quantity
  std::string revenue_column;   // line revenue (used instead of price when both are given)
  std::string customer_column;  // "" = no "customers" column
  OnError on_error = OnError::kFail;
};

// Reads and aggregates a transactions file; see the header comment for the output.
Result<LoadedPanel> ReadTransactionsCsv(const std::string& path,
                                        const TransactionsOptions& options);
Result<LoadedPanel> ReadTransactionsCsvFromString(std::string_view bytes, const std::string& name,
                                                  const TransactionsOptions& options);

}  // namespace retailcast::io
