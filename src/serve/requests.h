// The request bodies of the API, parsed and type-checked: a field of the wrong type, a
// missing required field or an unknown field is an InvalidArgument whose details name the
// field by its JSON path (e.g. "data[3].y[7]"). Posted series history is read through the
// library's long-format reader (io/long_csv.h), so dates, frequency inference, validation and
// series order are exactly those of `retailcast forecast --input` on the same rows.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "retailcast/core/date.h"
#include "retailcast/core/status.h"
#include "retailcast/io/ingest_report.h"

namespace retailcast::serve {

// Posted history: the rows of `data` as the CSV text unique_id,ds,y (a header line, then one
// line per point in the posted order; a null y is an empty field), and where each posted
// series' rows start, to name an invalid row by its place in the request.
struct PostedData {
  std::string csv;
  std::vector<std::string> ids;   // per posted series
  std::vector<size_t> first_row;  // 0-based row of each series' first point, then the total
  size_t rows() const { return first_row.empty() ? 0 : first_row.back(); }
};

struct ForecastRequest {
  int horizon = 0;
  std::vector<double> levels = {80, 95};
  bool posted = false;  // `data` given (on-demand) rather than `series` (stored)
  // Stored: series keys, the artifact name (empty = the only one served), model labels to
  // return (empty = every model of the artifact).
  std::vector<std::string> series;
  std::string artifact;
  // Posted: registry model names (required), season length (0 = frequency default),
  // parameter overrides {label: {param: value}}, frequency (empty = inferred) and the rows.
  std::vector<std::string> models;
  int season = 0;
  nlohmann::json params = nlohmann::json::object();
  std::string freq;
  PostedData data;
};

struct ActualsRequest {
  std::string batch_id;  // the client's id of this batch; a retry with the same id is stored once
  std::string dataset;
  std::string freq;  // empty = the dataset's stored frequency, else inferred
  PostedData data;
};

// Limits a request is checked against.
struct RequestLimits {
  size_t max_series = 100000;    // series keys or posted series per request
  size_t max_points = 20000000;  // posted points per request
};

// Parse `body` (a JSON object). On error, *details (when given) names the field. Errors:
// InvalidArgument for malformed JSON, wrong types, missing or unknown fields, both or neither
// of series/data, duplicated levels, limits exceeded.
Status ParseForecastRequest(std::string_view body, const RequestLimits& limits,
                            ForecastRequest* out, nlohmann::json* details);
// The two halves of ParseForecastRequest: TryParseStoredForecast reads the common
// stored-series request in one pass (a strict subset: ASCII strings without escapes, plain
// integers, no duplicate fields, every value valid) and returns false for anything else;
// ParseForecastRequestJson reads any body through a JSON document and words the errors. Where
// the first accepts, the second gives the same request (checked by serve_request_fuzz).
bool TryParseStoredForecast(std::string_view body, const RequestLimits& limits,
                            ForecastRequest* out);
Status ParseForecastRequestJson(std::string_view body, const RequestLimits& limits,
                                ForecastRequest* out, nlohmann::json* details);
Status ParseActualsRequest(std::string_view body, const RequestLimits& limits, ActualsRequest* out,
                           nlohmann::json* details);

// Reads posted rows into a panel through the long-format reader with the CLI's defaults
// (duplicates are errors, negative values are kept with a warning) and `freq` when given.
// Invalid rows give a DataError whose details list them as {series, unique_id, point, field,
// reason} (the first 20, plus the count); messages name points, not CSV lines.
Result<io::LoadedPanel> ReadPosted(const PostedData& data, std::optional<Frequency> freq,
                                   nlohmann::json* details);

// "lo" / "hi" + the level as the forecast CSV spells it (80 -> "lo80", 97.5 -> "lo97.5").
std::string LevelKey(std::string_view side, double level);

}  // namespace retailcast::serve
