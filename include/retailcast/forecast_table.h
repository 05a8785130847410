// A long table of forecasts: one row per series, date and model, with the mean and the
// bounds of every interval level. It is what `retailcast forecast` writes
// (unique_id,ds,model,yhat,lo80,hi80,lo95,hi95), what the store keeps and what the
// service returns.
#pragma once

#include <string>
#include <vector>

#include "retailcast/date.h"

namespace retailcast {

struct ForecastRow {
  std::string unique_id;
  Date ds;
  std::string model;
  double yhat = 0;
  std::vector<double> lo;  // lo[l] for levels[l]; NaN when the model gives no interval
  std::vector<double> hi;
};

struct ForecastTable {
  std::vector<double> levels;  // interval levels in percent, e.g. {80, 95}
  std::vector<ForecastRow> rows;
};

}  // namespace retailcast
