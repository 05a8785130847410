// Helpers for the CLI tests that use ../shared: dataset paths, the reference scorer, skip
// macros, and what `ingest` prints.
#pragma once

#include <regex>
#include <string>
#include <vector>

#include "cli_test_util.h"

namespace retailcast::cli_test {

inline const std::vector<std::string> kBaselines = {"snaive", "naive", "mean", "drift",
                                                    "window_average"};
inline constexpr const char* kAllBaselines = "snaive,naive,mean,drift,window_average";
inline constexpr int kExitDataError = 4;

inline std::string Data(const std::string& rel) { return SharedDir() + "/data/" + rel; }
inline std::string MetricsPy() { return SharedDir() + "/peers/metrics.py"; }

#define REQUIRE_SHARED(path)                                                   \
  do {                                                                         \
    if (!fs::exists(path)) GTEST_SKIP() << (path) << " is absent (../shared)"; \
  } while (0)

#define REQUIRE_PYTHON()                                                                     \
  do {                                                                                       \
    if (!HavePythonWithPandas()) GTEST_SKIP() << kPython << " with pandas is not installed"; \
  } while (0)

// The series count printed by `ingest` ("dataset X in S: N series from F").
inline long SeriesCount(const std::string& out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex(": ([0-9]+) series from"))) return -1;
  return std::stol(m[1]);
}
inline long ObservationsInserted(const std::string& out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("observations inserted ([0-9]+)"))) return -1;
  return std::stol(m[1]);
}

// Writes the Walmart store-sales file (Store,Date dd-mm-yyyy,Weekly_Sales,...) as a long
// unique_id,ds,y file, values copied verbatim.
inline void WriteWalmartLong(const std::string& from, const fs::path& to) {
  Csv csv = ReadCsv(from);
  std::string out = "unique_id,ds,y\n";
  for (const auto& row : csv.rows) {
    const std::string& d = row[1];
    out += row[0] + "," + d.substr(6, 4) + "-" + d.substr(3, 2) + "-" + d.substr(0, 2) + "," +
           row[2] + "\n";
  }
  WriteFile(to, out);
}

inline std::vector<std::string> WalmartStoreArgs() {
  return {"--input",         Data("walmart_store_sales/Walmart_Store_sales.csv"),
          "--id-columns",    "Store",
          "--date-column",   "Date",
          "--target-column", "Weekly_Sales",
          "--date-format",   "dd-mm-yyyy",
          "--horizon",       "13",
          "--season",        "52"};
}

}  // namespace retailcast::cli_test
