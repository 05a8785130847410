#include "retailcast/pipeline/config.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <variant>

#include "retailcast/core/params.h"

namespace retailcast::pipeline {
namespace {

using Json = nlohmann::json;

const Option<RunConfig> kRunOptions[] = {
    {"store", "--store", "SQLite store file (created when absent)", &RunConfig::store},
    {"dataset", "--dataset", "Dataset name in the store", &RunConfig::dataset},
    {"models", "--model,-m", "Candidate models, comma-separated (see `retailcast models`)",
     &RunConfig::models},
    {"params",
     "--params",
     "Parameter overrides, e.g. window_average:window_size=4 (repeat the flag for several)",
     &RunConfig::params,
     {},
     /*items_with_commas=*/true},
    {"season_length", "--season", "Season length m (0 = frequency default: 7 D, 52 W, 12 MS, 4 QS)",
     &RunConfig::season_length},
    {"horizon", "--horizon,-H", "Periods to forecast", &RunConfig::horizon},
    {"levels", "--levels", "Interval levels in percent, comma-separated", &RunConfig::levels},
    {"future", "--future",
     "Long CSV of known future values of the exogenous columns over the forecast dates",
     &RunConfig::future},
    {"min_global_rows", "--min-global-rows",
     "Global models (gbm, mlp, lstm, ensemble) run only on panels of at least this many "
     "training rows",
     &RunConfig::min_global_rows},
    {"output_dir", "--output-dir", "Folder for the CSV and JSON outputs", &RunConfig::output_dir},
    {"artifact_name", "--artifact-name", "Name of the trained artifact (default: the dataset)",
     &RunConfig::artifact_name},
    {"threads", "--threads", "Worker threads (default: all cores)", &RunConfig::threads},
};

const Option<BacktestConfig> kBacktestOptions[] = {
    {"windows", "--windows", "Backtest windows (rolling origins)", &BacktestConfig::windows},
    {"step", "--step", "Periods between backtest origins (0 = horizon)", &BacktestConfig::step},
    {"refit", "--refit,!--no-refit", "Refit every model at every origin (or not)",
     &BacktestConfig::refit},
    {"select_by", "--select-by", "Metric of the per-series model choice",
     &BacktestConfig::select_by},
};

std::string TypeName(const Json& j) { return j.type_name(); }

// "model:key=value,key=value" for one entry of a params object.
Result<std::string> OverrideText(const std::string& model, const Json& values,
                                 const std::string& where) {
  if (!values.is_object()) {
    return Status::InvalidArgument(where + "." + model + " must be an object of parameter values");
  }
  std::string item = model + ":";
  for (auto p = values.begin(); p != values.end(); ++p) {
    std::string text;
    if (!ParamTextFromJson(*p, &text)) {
      return Status::InvalidArgument(
          fmt::format("{}.{}.{} must be a number, boolean or string", where, model, p.key()));
    }
    if (p != values.begin()) item += ',';
    item.append(p.key()).append("=").append(text);
  }
  return item;
}

// Fills `target` from the keys of `j` by the rows of `table`. `where` names the section;
// `sections` lists the keys read elsewhere, for the message about an unknown key.
template <typename T>
Status ReadSection(OptionTable<T> table, const Json& j, const std::string& where, T* target,
                   std::string_view sections = "") {
  if (!j.is_object()) return Status::InvalidArgument(where + " must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string key = where.empty() ? it.key() : where + "." + it.key();
    auto row = std::find_if(table.begin(), table.end(),
                            [&](const Option<T>& o) { return o.key == it.key(); });
    if (row == table.end()) {
      std::string valid;
      for (const Option<T>& o : table) valid.append(valid.empty() ? "" : ", ").append(o.key);
      if (!sections.empty()) valid.append(", ").append(sections);
      return Status::InvalidArgument(
          fmt::format("unknown key '{}'; valid keys here: {}", key, valid));
    }
    const Json& v = it.value();
    auto wrong = [&](std::string_view expected) {
      return Status::InvalidArgument("'" + key + "' must be " + std::string(expected) + ", got " +
                                     TypeName(v));
    };
    Status s = std::visit(
        [&](auto field) -> Status {
          using Field = std::remove_reference_t<decltype(target->*field)>;
          Field& out = target->*field;
          if constexpr (std::is_same_v<Field, std::string>) {
            if (!v.is_string()) return wrong("a string");
            out = v.get<std::string>();
            if (!row->choices.empty() &&
                std::find(row->choices.begin(), row->choices.end(), out) == row->choices.end()) {
              std::string list;
              for (auto c : row->choices) list.append(list.empty() ? "" : ", ").append(c);
              return Status::InvalidArgument(
                  fmt::format("'{}' is '{}'; expected one of {}", key, out, list));
            }
          } else if constexpr (std::is_same_v<Field, std::vector<std::string>>) {
            out.clear();
            if (row->items_with_commas && v.is_object()) {
              for (auto m = v.begin(); m != v.end(); ++m) {
                RETAILCAST_ASSIGN_OR_RETURN(std::string item, OverrideText(m.key(), *m, key));
                out.push_back(std::move(item));
              }
              return Status::Ok();
            }
            if (!v.is_array()) return wrong("an array of strings");
            for (const Json& e : v) {
              if (!e.is_string()) return wrong("an array of strings");
              out.push_back(e.get<std::string>());
            }
          } else if constexpr (std::is_same_v<Field, int>) {
            if (!v.is_number_integer()) return wrong("an integer");
            const int64_t x = v.get<int64_t>();
            if (x < INT32_MIN || x > INT32_MAX) return wrong("an integer of 32 bits");
            out = static_cast<int>(x);
          } else if constexpr (std::is_same_v<Field, double>) {
            if (!v.is_number()) return wrong("a number");
            out = v.get<double>();
          } else if constexpr (std::is_same_v<Field, bool>) {
            if (!v.is_boolean()) return wrong("true or false");
            out = v.get<bool>();
          } else {
            static_assert(std::is_same_v<Field, std::vector<double>>);
            if (!v.is_array()) return wrong("an array of numbers");
            out.clear();
            for (const Json& e : v) {
              if (!e.is_number()) return wrong("an array of numbers");
              out.push_back(e.get<double>());
            }
          }
          return Status::Ok();
        },
        row->field);
    RETAILCAST_RETURN_IF_ERROR(s);
  }
  return Status::Ok();
}

}  // namespace

OptionTable<RunConfig> RunOptionTable() { return kRunOptions; }
OptionTable<BacktestConfig> BacktestOptionTable() { return kBacktestOptions; }

Status ValidateRunConfig(const RunConfig& c, std::string_view source) {
  const std::string at(source);
  if (c.dataset.empty()) return Status::InvalidArgument(at + ": 'dataset' is required");
  if (c.input.path.empty()) return Status::InvalidArgument(at + ": 'input.path' is required");
  if (c.horizon < 1) return Status::InvalidArgument(at + ": 'horizon' must be at least 1");
  return Status::Ok();
}

Result<RunConfig> ReadRunConfig(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Status::NotFound("cannot open config file '" + path + "'");
  Json j = Json::parse(f, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument("config file '" + path + "' is not a JSON object");
  }
  RunConfig c;
  Json top = Json::object();
  for (auto it = j.begin(); it != j.end(); ++it) {
    Status s;
    if (it.key() == "input") {
      s = ReadSection(InputOptionTable(), *it, "input", &c.input);
    } else if (it.key() == "prepare") {
      s = ReadSection(PrepOptionTable(), *it, "prepare", &c.prepare);
    } else if (it.key() == "backtest") {
      s = ReadSection(BacktestOptionTable(), *it, "backtest", &c.backtest);
    } else {
      top[it.key()] = *it;
    }
    RETAILCAST_RETURN_IF_ERROR(s.WithContext(path));
  }
  RETAILCAST_RETURN_IF_ERROR(
      ReadSection(RunOptionTable(), top, "", &c, "input, prepare, backtest").WithContext(path));
  RETAILCAST_RETURN_IF_ERROR(ValidateRunConfig(c, path));
  return c;
}

}  // namespace retailcast::pipeline
