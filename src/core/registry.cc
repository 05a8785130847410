#include "retailcast/core/registry.h"

#include "retailcast/core/json_writer.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace retailcast {
namespace {

std::string Owner(std::string_view name) { return "model '" + std::string(name) + "'"; }

}  // namespace

Status ModelRegistry::Register(ModelEntry entry) {
  if (entry.name.empty()) return Status::InvalidArgument("a model needs a non-empty name");
  if (!entry.factory) {
    return Status::InvalidArgument(Owner(entry.name) + " has no factory");
  }
  for (const auto& e : entries_) {
    if (e.name == entry.name) {
      return Status::InvalidArgument(Owner(entry.name) +
                                     " is registered already; model names must be unique");
    }
  }
  entries_.push_back(std::move(entry));
  return Status::Ok();
}

Result<const ModelEntry*> ModelRegistry::Find(std::string_view name) const {
  for (const auto& e : entries_) {
    if (e.name == name) return &e;
  }
  std::string valid;
  for (const auto& e : entries_) valid += (valid.empty() ? "" : ", ") + e.name;
  return Status::NotFound("unknown model '" + std::string(name) +
                          "'; valid models: " + (valid.empty() ? "(none registered)" : valid));
}

std::vector<std::string> ModelRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_) out.push_back(e.name);
  return out;
}

Result<std::unique_ptr<Estimator>> ModelRegistry::Create(
    std::string_view name, const std::vector<std::pair<std::string, std::string>>& params) const {
  RETAILCAST_ASSIGN_OR_RETURN(const ModelEntry* entry, Find(name));
  RETAILCAST_ASSIGN_OR_RETURN(ParamValues values, ParseParams(entry->spec, params, Owner(name)));
  return entry->factory(values);
}

Result<std::unique_ptr<Estimator>> ModelRegistry::Create(std::string_view name,
                                                         const ParamValues& params) const {
  // Re-validate: the values may come from a saved artifact or from code, not from the spec.
  std::vector<std::pair<std::string, std::string>> kv;
  kv.reserve(params.values().size());
  for (const auto& [key, value] : params.values()) kv.emplace_back(key, ParamValueText(value));
  return Create(name, kv);
}

Result<std::unique_ptr<GlobalEstimator>> ModelRegistry::CreateGlobal(
    std::string_view name, const ParamValues& params) const {
  RETAILCAST_ASSIGN_OR_RETURN(const ModelEntry* entry, Find(name));
  if (!entry->is_global()) {
    return Status::InvalidArgument(Owner(name) +
                                   " is a per-series model; it has no global form (use Create)");
  }
  std::vector<std::pair<std::string, std::string>> kv;
  kv.reserve(params.values().size());
  for (const auto& [key, value] : params.values()) kv.emplace_back(key, ParamValueText(value));
  RETAILCAST_ASSIGN_OR_RETURN(ParamValues values, ParseParams(entry->spec, kv, Owner(name)));
  return entry->global_factory(values);
}

std::string ModelRegistry::ToJson() const {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("models");
  w.BeginArray();
  for (const ModelEntry& e : entries_) {
    w.BeginObject();
    w.Key("name");
    w.String(e.name);
    w.Key("description");
    w.String(e.description);
    w.Key("params");
    w.BeginArray();
    for (const ParamDef& p : e.spec) {
      w.BeginObject();
      w.Key("name");
      w.String(p.name);
      w.Key("type");
      w.String(ParamTypeName(p.type));
      w.Key("default");
      w.String(p.default_value);
      if (p.type == ParamType::kInt || p.type == ParamType::kDouble) {
        // The spec's defaults of +-1e300 mean "unbounded": left out.
        if (p.min > -1e300) {
          w.Key("min");
          w.Double(p.min);
        }
        if (p.max < 1e300) {
          w.Key("max");
          w.Double(p.max);
        }
      }
      if (!p.choices.empty()) {
        w.Key("choices");
        w.BeginArray();
        for (const auto& c : p.choices) w.String(c);
        w.EndArray();
      }
      w.Key("description");
      w.String(p.description);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

}  // namespace retailcast
