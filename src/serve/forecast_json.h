// Forecasts as the API returns them: one object per (series, model),
//   {"unique_id": "1", "model": "snaive", "ds": ["2012-11-02", ...], "yhat": [...],
//    "lo80": [...], "hi80": [...], "lo95": [...], "hi95": [...]}
// with ISO dates and null where a value is NaN (a model that gives no such interval). The
// same numbers as ForecastTable::AppendForecast puts in a table, written without building the
// table (the stored-series path serves hundreds of thousands of series per second).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/forecast_table.h"
#include "retailcast/core/json_writer.h"
#include "retailcast/core/model.h"

namespace retailcast::serve {

class ForecastJson {
 public:
  // `levels`: the requested interval levels (keys lo<level>/hi<level>, in this order).
  ForecastJson(JsonWriter* w, std::vector<double> levels);

  // One forecast of `horizon` periods after `last`. Requires fc.mean.size() == horizon.
  void Write(std::string_view unique_id, std::string_view model, Date last, const Frequency& freq,
             const Forecast& fc, int horizon);
  // One block (one series and model) of a table whose levels are the writer's.
  void WriteBlock(const ForecastTable& table, const ForecastTable::Block& block);

 private:
  // The "ds" array for `horizon` dates after `last`, reused while consecutive forecasts share
  // their dates (every series of a panel usually does).
  const std::string& Dates(Date last, const Frequency& freq, int horizon);

  JsonWriter* w_;
  std::vector<double> levels_;
  std::vector<std::string> lo_keys_;
  std::vector<std::string> hi_keys_;
  std::vector<int> where_;  // per requested level: its index in the forecast, or -1
  std::string dates_;
  bool dates_valid_ = false;
  Date dates_last_;
  Frequency dates_freq_;
  int dates_horizon_ = 0;
};

// Appends an ISO date "YYYY-MM-DD" (quoted when `quoted`).
void AppendIsoDate(std::string* out, Date d, bool quoted);

}  // namespace retailcast::serve
