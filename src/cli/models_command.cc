// `retailcast models`: the registry table (names, descriptions, parameter specs).
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "retailcast/catalog.h"

namespace retailcast::cli {

void AddModelsCommand(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("models", "List the registered models and their parameters");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print the registry as JSON (as GET /v1/models will)");
  cmd->callback([action, json] {
    *action = [json]() -> Status {
      const ModelRegistry& registry = BuiltinRegistry();
      if (*json) {
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const auto& e : registry.entries()) {
          nlohmann::ordered_json params = nlohmann::ordered_json::array();
          for (const auto& p : e.spec) {
            nlohmann::ordered_json pj{{"name", p.name},
                                      {"type", std::string(ParamTypeName(p.type))},
                                      {"default", p.default_value},
                                      {"description", p.description}};
            if (p.min > -1e300) pj["min"] = p.min;
            if (p.max < 1e300) pj["max"] = p.max;
            if (!p.choices.empty()) pj["choices"] = p.choices;
            params.push_back(pj);
          }
          out.push_back({{"name", e.name}, {"description", e.description}, {"params", params}});
        }
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }
      for (const auto& e : registry.entries()) {
        std::printf("%-16s %s\n", e.name.c_str(), e.description.c_str());
        std::string spec = DescribeSpec(e.spec);
        if (!spec.empty()) std::printf("%s", spec.c_str());
      }
      return Status::Ok();
    };
  });
}

}  // namespace retailcast::cli
