#include "retailcast/core/params.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

namespace retailcast {
namespace {

const ParamValue& Lookup(const std::map<std::string, ParamValue>& values, std::string_view name) {
  auto it = values.find(std::string(name));
  if (it == values.end()) {
    // A model asking for a parameter its own spec lacks is a programming error.
    std::fprintf(stderr, "retailcast: internal error: parameter '%.*s' is not in the spec\n",
                 static_cast<int>(name.size()), name.data());
    std::abort();
  }
  return it->second;
}

std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Result<ParamValue> ParseValue(const ParamDef& def, std::string_view text, std::string_view owner) {
  auto bad = [&](std::string_view expected) {
    return Status::InvalidArgument(std::string(owner) + ": parameter '" + def.name + "' = '" +
                                   std::string(text) + "' is not " + std::string(expected));
  };
  switch (def.type) {
    case ParamType::kInt: {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size()) return bad("an integer");
      if (static_cast<double>(v) < def.min || static_cast<double>(v) > def.max) {
        return bad("within [" + FormatNumber(def.min) + ", " + FormatNumber(def.max) + "]");
      }
      return ParamValue{v};
    }
    case ParamType::kDouble: {
      std::string s(text);
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v)) return bad("a number");
      if (v < def.min || v > def.max) {
        return bad("within [" + FormatNumber(def.min) + ", " + FormatNumber(def.max) + "]");
      }
      return ParamValue{v};
    }
    case ParamType::kBool:
      if (text == "true" || text == "1" || text == "yes") return ParamValue{true};
      if (text == "false" || text == "0" || text == "no") return ParamValue{false};
      return bad("a boolean (true/false)");
    case ParamType::kString:
      if (!def.choices.empty() &&
          std::find(def.choices.begin(), def.choices.end(), text) == def.choices.end()) {
        std::string list;
        for (const auto& c : def.choices) list += (list.empty() ? "" : ", ") + c;
        return bad("one of " + list);
      }
      return ParamValue{std::string(text)};
  }
  return bad("valid");
}

const ParamDef* FindDef(const ParamSpec& spec, std::string_view name) {
  for (const auto& d : spec) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

Status UnknownKey(const ParamSpec& spec, std::string_view key, std::string_view owner) {
  std::string names;
  for (const auto& d : spec) names += (names.empty() ? "" : ", ") + d.name;
  return Status::InvalidArgument(std::string(owner) + ": unknown parameter '" + std::string(key) +
                                 "'; valid parameters: " + (names.empty() ? "(none)" : names));
}

}  // namespace

int64_t ParamValues::GetInt(std::string_view name) const {
  return std::get<int64_t>(Lookup(values_, name));
}
double ParamValues::GetDouble(std::string_view name) const {
  const auto& v = Lookup(values_, name);
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}
bool ParamValues::GetBool(std::string_view name) const {
  return std::get<bool>(Lookup(values_, name));
}
const std::string& ParamValues::GetString(std::string_view name) const {
  return std::get<std::string>(Lookup(values_, name));
}

std::string ParamValues::ToJson() const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& entry : values_) {
    std::visit([&](const auto& x) { j[entry.first] = x; }, entry.second);
  }
  // Replace invalid UTF-8 in string values instead of throwing.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<ParamValues> ParseParams(const ParamSpec& spec,
                                const std::vector<std::pair<std::string, std::string>>& kv,
                                std::string_view owner) {
  ParamValues out;
  for (const auto& [key, text] : kv) {
    const ParamDef* def = FindDef(spec, key);
    if (def == nullptr) return UnknownKey(spec, key, owner);
    RETAILCAST_ASSIGN_OR_RETURN(ParamValue v, ParseValue(*def, text, owner));
    out.Set(def->name, std::move(v));
  }
  for (const auto& def : spec) {
    if (out.Has(def.name)) continue;
    auto v = ParseValue(def, def.default_value, owner);
    if (!v.ok()) return Status::Internal("bad default: " + v.status().message());
    out.Set(def.name, std::move(v).value());
  }
  return out;
}

bool ParamTextFromJson(const nlohmann::json& value, std::string* text) {
  if (value.is_string()) {
    *text = value.get<std::string>();
  } else if (value.is_boolean()) {
    *text = value.get<bool>() ? "true" : "false";
  } else if (value.is_number_integer()) {
    *text = std::to_string(value.get<int64_t>());
  } else if (value.is_number()) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", value.get<double>());
    *text = buf;
  } else {
    return false;
  }
  return true;
}

Result<ParamValues> ParseParamsJson(const ParamSpec& spec, std::string_view json,
                                    std::string_view owner) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument(std::string(owner) + ": parameters must be a JSON object");
  }
  std::vector<std::pair<std::string, std::string>> kv;
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::string text;
    if (!ParamTextFromJson(it.value(), &text)) {
      return Status::InvalidArgument(std::string(owner) + ": parameter '" + it.key() +
                                     "' must be a number, boolean or string");
    }
    kv.emplace_back(it.key(), std::move(text));
  }
  return ParseParams(spec, kv, owner);
}

Result<std::vector<std::pair<std::string, std::string>>> SplitKeyValues(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    std::string_view item =
        text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
    pos = comma == std::string_view::npos ? text.size() : comma + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos && !out.empty()) {
      // A list value: "models=theta,mstl,method=mean" gives models = "theta,mstl".
      out.back().second += "," + std::string(item);
      continue;
    }
    if (eq == std::string_view::npos || eq == 0) {
      return Status::InvalidArgument("'" + std::string(item) + "' is not of the form key=value");
    }
    out.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
  }
  return out;
}

std::string ParamValueText(const ParamValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", *d);  // round-trips every double
    return buf;
  }
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return std::get<std::string>(v);
}

std::string_view ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kInt:
      return "int";
    case ParamType::kDouble:
      return "double";
    case ParamType::kBool:
      return "bool";
    case ParamType::kString:
      return "string";
  }
  return "?";
}

std::string DescribeSpec(const ParamSpec& spec) {
  std::ostringstream os;
  for (const auto& d : spec) {
    os << "  " << d.name << " (" << ParamTypeName(d.type) << ", default " << d.default_value;
    if ((d.type == ParamType::kInt || d.type == ParamType::kDouble) &&
        (d.min > -1e300 || d.max < 1e300)) {
      os << ", range [" << FormatNumber(d.min) << ", " << FormatNumber(d.max) << "]";
    }
    if (!d.choices.empty()) {
      os << ", one of";
      for (const auto& c : d.choices) os << " " << c;
    }
    os << "): " << d.description << "\n";
  }
  return os.str();
}

}  // namespace retailcast
