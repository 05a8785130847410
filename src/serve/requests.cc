#include "requests.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include "retailcast/core/json_writer.h"
#include "retailcast/core/model.h"
#include "retailcast/io/csv.h"
#include "retailcast/io/long_csv.h"

namespace retailcast::serve {
namespace {

using Json = nlohmann::json;

std::string TypeName(const Json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number_float()) return "number";
  return v.type_name();
}

Status FieldError(std::string_view path, std::string message, Json* details,
                  std::string_view expected = {}, const Json* got = nullptr) {
  if (details != nullptr) {
    (*details)["field"] = std::string(path);
    if (!expected.empty()) (*details)["expected"] = std::string(expected);
    if (got != nullptr) (*details)["got"] = TypeName(*got);
  }
  return Status::InvalidArgument(std::move(message));
}

Status TypeError(std::string_view path, std::string_view expected, const Json& got, Json* details) {
  return FieldError(path,
                    "field '" + std::string(path) + "' must be " + std::string(expected) +
                        ", got " + TypeName(got),
                    details, expected, &got);
}

Result<Json> ParseBody(std::string_view body, Json* details) {
  if (body.empty()) {
    return Status::InvalidArgument("the request body is empty; send a JSON object");
  }
  Json j;
  try {
    j = Json::parse(body);
  } catch (const Json::parse_error& e) {
    if (details != nullptr) (*details)["byte"] = e.byte;
    return Status::InvalidArgument(std::string("the request body is not valid JSON: ") + e.what());
  } catch (const Json::exception& e) {
    // e.g. a number too large for a double (out_of_range.406)
    return Status::InvalidArgument(std::string("the request body cannot be read: ") + e.what());
  }
  if (!j.is_object()) {
    return Status::InvalidArgument("the request body must be a JSON object, got " + TypeName(j));
  }
  return j;
}

Status CheckKnownFields(const Json& obj, std::string_view where,
                        std::initializer_list<std::string_view> known, Json* details) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) != known.end()) continue;
    std::string list;
    for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    const std::string path = where.empty() ? it.key() : std::string(where) + "." + it.key();
    return FieldError(path, "unknown field '" + path + "'; the known fields are " + list, details);
  }
  return Status::Ok();
}

Status GetInt(const Json& obj, std::string_view key, bool required, int64_t lo, int64_t hi,
              int* out, Json* details) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (!required) return Status::Ok();
    return FieldError(key, "field '" + std::string(key) + "' is required", details, "integer");
  }
  if (!it->is_number_integer()) return TypeError(key, "an integer", *it, details);
  // nlohmann keeps integers above INT64_MAX as unsigned; they are out of any range here.
  const bool huge =
      it->is_number_unsigned() &&
      it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  const int64_t v = huge ? std::numeric_limits<int64_t>::max() : it->get<int64_t>();
  if (v < lo || v > hi) {
    return FieldError(key,
                      "field '" + std::string(key) + "' must be in [" + std::to_string(lo) + ", " +
                          std::to_string(hi) + "], got " + it->dump(),
                      details);
  }
  *out = static_cast<int>(v);
  return Status::Ok();
}

Status GetString(const Json& obj, std::string_view key, bool required, std::string* out,
                 Json* details) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (!required) return Status::Ok();
    return FieldError(key, "field '" + std::string(key) + "' is required", details, "string");
  }
  if (!it->is_string()) return TypeError(key, "a string", *it, details);
  *out = it->get<std::string>();
  if (required && out->empty()) {
    return FieldError(key, "field '" + std::string(key) + "' must not be empty", details);
  }
  return Status::Ok();
}

// A string or an array of strings ("a,b" or ["a", "b"]), as a list.
Status GetNameList(const Json& obj, std::string_view key, std::vector<std::string>* out,
                   Json* details) {
  auto it = obj.find(key);
  if (it == obj.end()) return Status::Ok();
  out->clear();
  if (it->is_string()) {
    const std::string text = it->get<std::string>();
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t comma = text.find(',', pos);
      std::string item =
          text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      if (!item.empty()) out->push_back(item);
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  } else if (it->is_array()) {
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& v = (*it)[i];
      if (!v.is_string()) {
        return TypeError(std::string(key) + "[" + std::to_string(i) + "]", "a string", v, details);
      }
      out->push_back(v.get<std::string>());
    }
  } else {
    return TypeError(key, "a string or an array of strings", *it, details);
  }
  if (out->empty()) {
    return FieldError(key, "field '" + std::string(key) + "' names no model", details);
  }
  return Status::Ok();
}

Status GetLevels(const Json& obj, std::vector<double>* out, Json* details) {
  auto it = obj.find("levels");
  if (it == obj.end()) return Status::Ok();
  if (!it->is_array()) return TypeError("levels", "an array of numbers", *it, details);
  out->clear();
  std::set<double> seen;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& v = (*it)[i];
    const std::string path = "levels[" + std::to_string(i) + "]";
    if (!v.is_number()) return TypeError(path, "a number", v, details);
    const double level = v.get<double>();
    if (!(level > 0 && level < 100)) {
      return FieldError(path, "interval level " + path + " must be in (0, 100), got " + v.dump(),
                        details);
    }
    if (!seen.insert(level).second) {
      return FieldError(path, "interval level " + v.dump() + " is listed twice", details);
    }
    out->push_back(level);
  }
  return Status::Ok();
}

bool HasControlChar(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7f'; });
}

// Appends the rows of `data` (an array of {unique_id, ds, y}) to out->csv.
Status ReadData(const Json& body, const RequestLimits& limits, PostedData* out, Json* details) {
  auto it = body.find("data");
  if (!it->is_array()) return TypeError("data", "an array of series", *it, details);
  if (it->empty()) return FieldError("data", "field 'data' holds no series", details);
  if (it->size() > limits.max_series) {
    return FieldError("data",
                      "the request posts " + std::to_string(it->size()) + " series; the limit is " +
                          std::to_string(limits.max_series) + " per request (split the batch)",
                      details);
  }
  out->csv = "unique_id,ds,y\n";
  out->ids.clear();
  out->first_row.clear();
  size_t rows = 0;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& s = (*it)[i];
    const std::string where = "data[" + std::to_string(i) + "]";
    if (!s.is_object()) return TypeError(where, "an object {unique_id, ds, y}", s, details);
    RETAILCAST_RETURN_IF_ERROR(CheckKnownFields(s, where, {"unique_id", "ds", "y"}, details));
    for (const char* key : {"unique_id", "ds", "y"}) {
      if (!s.contains(key)) {
        return FieldError(where + "." + key, "field '" + where + "." + key + "' is required",
                          details);
      }
    }
    const Json& id = s["unique_id"];
    if (!id.is_string()) return TypeError(where + ".unique_id", "a string", id, details);
    const std::string& id_text = id.get_ref<const std::string&>();
    if (id_text.empty() || HasControlChar(id_text)) {
      return FieldError(
          where + ".unique_id",
          "field '" + where + ".unique_id' must be non-empty text without control characters",
          details);
    }
    const Json& ds = s["ds"];
    const Json& y = s["y"];
    if (!ds.is_array()) return TypeError(where + ".ds", "an array of date strings", ds, details);
    if (!y.is_array()) return TypeError(where + ".y", "an array of numbers or null", y, details);
    if (ds.size() != y.size()) {
      return FieldError(where,
                        where + " has " + std::to_string(ds.size()) + " dates but " +
                            std::to_string(y.size()) + " values; give one value per date",
                        details);
    }
    rows += ds.size();
    if (rows > limits.max_points) {
      return FieldError("data",
                        "the request posts more than " + std::to_string(limits.max_points) +
                            " points; split the batch",
                        details);
    }
    out->ids.push_back(id_text);
    out->first_row.push_back(rows - ds.size());
    for (size_t t = 0; t < ds.size(); ++t) {
      const Json& d = ds[t];
      if (!d.is_string()) {
        return TypeError(where + ".ds[" + std::to_string(t) + "]", "a date string", d, details);
      }
      const std::string& date = d.get_ref<const std::string&>();
      if (HasControlChar(date)) {
        return FieldError(
            where + ".ds[" + std::to_string(t) + "]",
            "date " + where + ".ds[" + std::to_string(t) + "] contains a control character",
            details);
      }
      const Json& v = y[t];
      io::AppendCsvField(&out->csv, id_text);
      out->csv.push_back(',');
      io::AppendCsvField(&out->csv, date);
      out->csv.push_back(',');
      if (v.is_number()) {
        const double x = v.get<double>();
        if (!std::isfinite(x)) {
          return FieldError(where + ".y[" + std::to_string(t) + "]",
                            "value " + where + ".y[" + std::to_string(t) + "] is not finite",
                            details);
        }
        JsonWriter::AppendDouble(&out->csv, x);
      } else if (!v.is_null()) {
        return TypeError(where + ".y[" + std::to_string(t) + "]", "a number or null", v, details);
      }
      out->csv.push_back('\n');
    }
  }
  out->first_row.push_back(rows);
  return Status::Ok();
}

// The posted point of 0-based CSV data row `row`.
struct PointRef {
  size_t series = 0;
  size_t point = 0;
};
PointRef PointOfRow(const PostedData& data, size_t row) {
  auto it = std::upper_bound(data.first_row.begin(), data.first_row.end() - 1, row);
  const size_t series = static_cast<size_t>(it - data.first_row.begin()) - 1;
  return {series, row - data.first_row[series]};
}

std::string PointName(const PostedData& data, int64_t line) {
  if (line < 2 || static_cast<size_t>(line - 2) >= data.rows())
    return "line " + std::to_string(line);
  PointRef p = PointOfRow(data, static_cast<size_t>(line - 2));
  return "data[" + std::to_string(p.series) + "] (unique_id '" + data.ids[p.series] + "') point " +
         std::to_string(p.point);
}

// Rewrites the reader's "line N" (and "posted data:N:C:") references as posted points.
std::string NamePoints(const PostedData& data, std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    constexpr std::string_view kLine = "line ";
    constexpr std::string_view kFile = "posted data:";
    if (text.substr(i, kLine.size()) == kLine && i + kLine.size() < text.size() &&
        std::isdigit(static_cast<unsigned char>(text[i + kLine.size()]))) {
      size_t j = i + kLine.size();
      int64_t line = 0;
      auto [end, ec] = std::from_chars(text.data() + j, text.data() + text.size(), line);
      out += PointName(data, line);
      i = static_cast<size_t>(end - text.data());
      continue;
    }
    if (text.substr(i, kFile.size()) == kFile && i + kFile.size() < text.size() &&
        std::isdigit(static_cast<unsigned char>(text[i + kFile.size()]))) {
      size_t j = i + kFile.size();
      int64_t line = 0;
      auto [end, ec] = std::from_chars(text.data() + j, text.data() + text.size(), line);
      out += "posted " + PointName(data, line);
      i = static_cast<size_t>(end - text.data());
      // Drop the ":column" that follows.
      if (i < text.size() && text[i] == ':') {
        ++i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      }
      continue;
    }
    out.push_back(text[i++]);
  }
  return out;
}

}  // namespace

std::string LevelKey(std::string_view side, double level) {
  std::string out(side);
  JsonWriter::AppendDouble(&out, level);
  return out;
}

Status ParseForecastRequest(std::string_view body, const RequestLimits& limits,
                            ForecastRequest* out, Json* details) {
  if (TryParseStoredForecast(body, limits, out)) return Status::Ok();
  return ParseForecastRequestJson(body, limits, out, details);
}

Status ParseForecastRequestJson(std::string_view body, const RequestLimits& limits,
                                ForecastRequest* out, Json* details) {
  RETAILCAST_ASSIGN_OR_RETURN(Json j, ParseBody(body, details));
  RETAILCAST_RETURN_IF_ERROR(CheckKnownFields(j, "",
                                              {"series", "artifact", "models", "horizon", "levels",
                                               "data", "model", "season", "params", "freq"},
                                              details));
  const bool stored = j.contains("series");
  out->posted = j.contains("data");
  if (stored == out->posted) {
    return FieldError(stored ? "data" : "series",
                      stored ? "give either 'series' (stored series keys) or 'data' (posted "
                               "history), not both"
                             : "give 'series' (stored series keys, forecast from the promoted "
                               "artifact) or 'data' (posted history to forecast on demand)",
                      details);
  }
  RETAILCAST_RETURN_IF_ERROR(GetInt(j, "horizon", true, 1, kMaxHorizon, &out->horizon, details));
  RETAILCAST_RETURN_IF_ERROR(GetLevels(j, &out->levels, details));
  if (stored) {
    for (const char* posted_only : {"model", "season", "params", "freq"}) {
      if (j.contains(posted_only)) {
        return FieldError(posted_only,
                          std::string("field '") + posted_only +
                              "' applies to posted history ('data'); a stored forecast uses the "
                              "artifact's models (choose among them with 'models')",
                          details);
      }
    }
    const Json& series = j["series"];
    if (!series.is_array()) return TypeError("series", "an array of series keys", series, details);
    if (series.empty()) return FieldError("series", "field 'series' lists no series", details);
    if (series.size() > limits.max_series) {
      return FieldError("series",
                        "the request asks for " + std::to_string(series.size()) +
                            " series; the limit is " + std::to_string(limits.max_series) +
                            " per request (split the batch)",
                        details);
    }
    out->series.clear();
    out->series.reserve(series.size());
    for (size_t i = 0; i < series.size(); ++i) {
      if (!series[i].is_string()) {
        return TypeError("series[" + std::to_string(i) + "]", "a string", series[i], details);
      }
      out->series.push_back(series[i].get<std::string>());
    }
    RETAILCAST_RETURN_IF_ERROR(GetString(j, "artifact", false, &out->artifact, details));
    RETAILCAST_RETURN_IF_ERROR(GetNameList(j, "models", &out->models, details));
    return Status::Ok();
  }
  for (const char* stored_only : {"artifact", "models"}) {
    if (j.contains(stored_only)) {
      return FieldError(stored_only,
                        std::string("field '") + stored_only +
                            "' applies to stored series ('series'); for posted history name the "
                            "models with 'model'",
                        details);
    }
  }
  if (!j.contains("model")) {
    return FieldError("model",
                      "field 'model' is required with 'data': name the registry models to fit "
                      "(GET /v1/models), e.g. \"model\": \"snaive\"",
                      details, "a string or an array of strings");
  }
  RETAILCAST_RETURN_IF_ERROR(GetNameList(j, "model", &out->models, details));
  RETAILCAST_RETURN_IF_ERROR(GetInt(j, "season", false, 0, 1000000, &out->season, details));
  RETAILCAST_RETURN_IF_ERROR(GetString(j, "freq", false, &out->freq, details));
  if (auto p = j.find("params"); p != j.end()) {
    if (!p->is_object())
      return TypeError("params", "an object {model: {param: value}}", *p, details);
    for (auto it = p->begin(); it != p->end(); ++it) {
      if (!it->is_object()) {
        return TypeError("params." + it.key(), "an object {param: value}", *it, details);
      }
    }
    out->params = *p;
  }
  return ReadData(j, limits, &out->data, details);
}

Status ParseActualsRequest(std::string_view body, const RequestLimits& limits, ActualsRequest* out,
                           Json* details) {
  RETAILCAST_ASSIGN_OR_RETURN(Json j, ParseBody(body, details));
  RETAILCAST_RETURN_IF_ERROR(
      CheckKnownFields(j, "", {"batch_id", "dataset", "freq", "data"}, details));
  RETAILCAST_RETURN_IF_ERROR(GetString(j, "batch_id", true, &out->batch_id, details));
  if (out->batch_id.size() > 128 || HasControlChar(out->batch_id)) {
    return FieldError("batch_id",
                      "field 'batch_id' must be at most 128 characters without control "
                      "characters (e.g. a UUID)",
                      details);
  }
  RETAILCAST_RETURN_IF_ERROR(GetString(j, "dataset", true, &out->dataset, details));
  RETAILCAST_RETURN_IF_ERROR(GetString(j, "freq", false, &out->freq, details));
  if (!j.contains("data")) {
    return FieldError("data", "field 'data' is required", details, "an array of series");
  }
  return ReadData(j, limits, &out->data, details);
}

Result<io::LoadedPanel> ReadPosted(const PostedData& data, std::optional<Frequency> freq,
                                   Json* details) {
  io::LongCsvOptions o;  // the CLI's defaults: unique_id,ds,y; duplicates are errors
  o.freq = freq;
  // Skip, then fail below: the report keeps every row error to list in the details.
  o.on_error = io::OnError::kSkip;
  Result<io::LoadedPanel> loaded = io::ReadLongCsvFromString(data.csv, "posted data", o);
  if (!loaded.ok()) {
    return Status(loaded.status().code(), NamePoints(data, loaded.status().message()));
  }
  const io::IngestReport& report = loaded->report;
  if (report.error_count == 0) return loaded;
  Json errors = Json::array();
  std::string first;
  for (const io::RowError& e : report.errors) {
    if (errors.size() >= 20) break;
    Json item = Json::object();
    const std::string reason = NamePoints(data, e.reason);
    if (e.line >= 2 && static_cast<size_t>(e.line - 2) < data.rows()) {
      PointRef p = PointOfRow(data, static_cast<size_t>(e.line - 2));
      item["series"] = p.series;
      item["unique_id"] = data.ids[p.series];
      item["point"] = p.point;
      if (first.empty()) {
        first = "data[" + std::to_string(p.series) + "] (unique_id '" + data.ids[p.series] +
                "') point " + std::to_string(p.point) +
                (e.field.empty() ? "" : " (" + e.field + ")") + ": " + reason;
      }
    }
    item["field"] = e.field;
    item["reason"] = reason;
    errors.push_back(std::move(item));
  }
  if (details != nullptr) {
    (*details)["errors"] = std::move(errors);
    (*details)["error_count"] = report.error_count;
  }
  return Status::DataError(std::to_string(report.error_count) + " of " +
                           std::to_string(report.rows_read) +
                           " posted points are invalid; first: " + first);
}

}  // namespace retailcast::serve
