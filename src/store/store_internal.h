// Helpers shared by the store's source files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "retailcast/core/date.h"
#include "retailcast/core/status.h"
#include "sqlite_db.h"

namespace retailcast::store::internal {

struct DatasetRow {
  int64_t id = 0;
  std::string frequency;  // as stored
};

// The dataset named `name`, or std::nullopt.
Result<std::optional<DatasetRow>> FindDataset(Connection& db, std::string_view name);
// NotFound for dataset `name`, listing the datasets that exist.
Status DatasetNotFound(Connection& db, std::string_view name);
// Parses the stored frequency of a dataset; DataError (store damaged) when unparsable.
Result<Frequency> ParseStoredFrequency(std::string_view dataset, std::string_view text);
// InvalidArgument when `text` is neither empty nor valid JSON; names `field`.
Status CheckJson(std::string_view field, std::string_view text);

}  // namespace retailcast::store::internal
