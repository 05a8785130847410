#include "retailcast/eval/model_specs.h"

#include <set>
#include <utility>

namespace retailcast::eval {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::vector<ModelSpec>> MakeModelSpecs(const ModelRegistry& registry, std::string_view names,
                                              int season_length) {
  if (season_length < 0) {
    return Status::InvalidArgument("season length must be >= 0 (0 = frequency default), got " +
                                   std::to_string(season_length));
  }
  std::vector<ModelSpec> specs;
  size_t pos = 0;
  while (pos <= names.size()) {
    size_t comma = names.find(',', pos);
    std::string_view item = Trim(
        names.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    pos = comma == std::string_view::npos ? names.size() + 1 : comma + 1;
    if (item.empty()) continue;
    for (const auto& s : specs) {
      if (s.name == item) {
        return Status::InvalidArgument("model '" + std::string(item) + "' is listed twice in '" +
                                       std::string(names) + "'");
      }
    }
    RETAILCAST_ASSIGN_OR_RETURN(const ModelEntry* entry, registry.Find(item));
    std::vector<std::pair<std::string, std::string>> kv;
    if (season_length > 0) {
      for (const auto& def : entry->spec) {
        if (def.name == "season_length")
          kv.emplace_back("season_length", std::to_string(season_length));
      }
    }
    RETAILCAST_ASSIGN_OR_RETURN(ParamValues params, ParseParams(entry->spec, kv, entry->name));
    specs.push_back(ModelSpec{entry->name, std::move(params), entry->name});
  }
  if (specs.empty()) {
    return Status::InvalidArgument("no model given; name at least one, e.g. --models snaive,naive");
  }
  return specs;
}

Result<ParamOverride> ParseParamOverride(std::string_view text, const OverrideWording& wording) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument(std::string(wording.overrides) + " '" + std::string(text) +
                                   "' must look like model:key=value[,key=value]");
  }
  ParamOverride o;
  o.label = std::string(text.substr(0, colon));
  RETAILCAST_ASSIGN_OR_RETURN(o.values, SplitKeyValues(text.substr(colon + 1)));
  return o;
}

Status ApplyParamOverrides(const ModelRegistry& registry, std::span<const ParamOverride> overrides,
                           std::vector<ModelSpec>* specs, const OverrideWording& wording,
                           size_t* failed) {
  for (size_t k = 0; k < overrides.size(); ++k) {
    const ParamOverride& o = overrides[k];
    if (failed != nullptr) *failed = k;
    ModelSpec* spec = nullptr;
    for (auto& s : *specs) {
      if (s.label == o.label) spec = &s;
    }
    if (spec == nullptr) {
      return Status::InvalidArgument(std::string(wording.overrides) + " names model '" + o.label +
                                     "', which is not in " + std::string(wording.models));
    }
    RETAILCAST_ASSIGN_OR_RETURN(const ModelEntry* entry, registry.Find(spec->name));
    // Keep the values already set (e.g. season_length), then apply the overrides.
    std::vector<std::pair<std::string, std::string>> merged;
    for (const auto& [key, value] : spec->params.values()) {
      bool overridden = false;
      for (const auto& given : o.values) overridden |= given.first == key;
      if (!overridden) merged.emplace_back(key, ParamValueText(value));
    }
    merged.insert(merged.end(), o.values.begin(), o.values.end());
    RETAILCAST_ASSIGN_OR_RETURN(spec->params, ParseParams(entry->spec, merged, spec->name));
  }
  return Status::Ok();
}

Status ValidateModels(std::span<const ModelInstance> models) {
  if (models.empty()) return Status::InvalidArgument("no model to run");
  std::set<std::string> labels;
  for (const auto& m : models) {
    if (m.spec.label.empty()) {
      return Status::InvalidArgument("model '" + m.spec.name + "' has an empty label");
    }
    if (!labels.insert(m.spec.label).second) {
      return Status::InvalidArgument("two models share the label '" + m.spec.label +
                                     "'; give each a distinct label");
    }
    if (!m.estimator) {
      return Status::InvalidArgument("model '" + m.spec.label + "' has no estimator");
    }
  }
  return Status::Ok();
}

Result<std::vector<ModelInstance>> InstantiateModels(const ModelRegistry& registry,
                                                     const std::vector<ModelSpec>& specs) {
  std::vector<ModelInstance> out;
  out.reserve(specs.size());
  for (const auto& spec : specs) {
    ModelInstance inst;
    inst.spec = spec;
    if (inst.spec.label.empty()) inst.spec.label = spec.name;
    RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<Estimator> est,
                                registry.Create(spec.name, spec.params));
    inst.estimator = std::move(est);
    RETAILCAST_ASSIGN_OR_RETURN(const ModelEntry* entry, registry.Find(spec.name));
    if (entry->is_global()) {
      RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<GlobalEstimator> global,
                                  registry.CreateGlobal(spec.name, spec.params));
      inst.global = std::move(global);
    }
    out.push_back(std::move(inst));
  }
  RETAILCAST_RETURN_IF_ERROR(ValidateModels(out));
  return out;
}

Result<std::vector<ModelInstance>> BuildModels(const ModelRegistry& registry,
                                               std::string_view names, int season_length,
                                               std::span<const ParamOverride> overrides,
                                               const OverrideWording& wording, size_t* failed) {
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<ModelSpec> specs,
                              MakeModelSpecs(registry, names, season_length));
  RETAILCAST_RETURN_IF_ERROR(ApplyParamOverrides(registry, overrides, &specs, wording, failed));
  return InstantiateModels(registry, specs);
}

}  // namespace retailcast::eval
