// `retailcast models`: the registry table (names, descriptions, parameter specs).
#include <cstdio>
#include <string>

#include "commands.h"
#include "retailcast/catalog/catalog.h"

namespace retailcast::cli {

void AddModelsCommand(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("models", "List the registered models and their parameters");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print the registry as JSON (what GET /v1/models returns)");
  cmd->callback([action, json] {
    *action = [json]() -> Status {
      const ModelRegistry& registry = BuiltinRegistry();
      if (*json) {
        std::printf("%s\n", registry.ToJson().c_str());
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
