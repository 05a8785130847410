// Command-line flags from the library's options tables (pipeline/options.h): one flag per row,
// bound to the row's field, with the row's help and choices. Every command that reads input,
// preparation or run options registers them this way, so flags, config keys and help come
// from the same rows.
#pragma once

#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>

#include "retailcast/pipeline/options.h"

namespace retailcast::cli {

// Registers a flag for every row of `table` on `cmd`, filling `*target`, which must outlive
// the parse. Returns the flags in table order (for CopyGivenFlags). A command that also reads
// a config file passes the rows' `config_section` ("" = the top level), and each flag's help
// names its config key.
template <typename T>
std::vector<CLI::Option*> AddOptionFlags(CLI::App* cmd, pipeline::OptionTable<T> table, T* target,
                                         const char* config_section = nullptr) {
  std::vector<CLI::Option*> flags;
  for (const pipeline::Option<T>& row : table) {
    const std::string name(row.flag);
    std::string help(row.help);
    if (config_section != nullptr) {
      help += " [config: ";
      if (*config_section != '\0') help += std::string(config_section) + ".";
      help += std::string(row.key) + "]";
    }
    CLI::Option* flag = std::visit(
        [&](auto field) -> CLI::Option* {
          auto& value = target->*field;
          using Field = std::remove_reference_t<decltype(value)>;
          if constexpr (std::is_same_v<Field, bool>) {
            return cmd->add_flag(name, value, help);
          } else if constexpr (std::is_same_v<Field, std::vector<std::string>> ||
                               std::is_same_v<Field, std::vector<double>>) {
            CLI::Option* o = cmd->add_option(name, value, help);
            // Items that contain commas (parameter overrides) come one per flag.
            if (!row.items_with_commas) o->delimiter(',');
            return o;
          } else {
            return cmd->add_option(name, value, help);
          }
        },
        row.field);
    if (!row.choices.empty()) {
      std::vector<std::string> choices(row.choices.begin(), row.choices.end());
      flag->check(CLI::IsMember(choices));
    }
    flags.push_back(flag);
  }
  return flags;
}

// Copies into `*to` the fields of `from` whose flags were given on the command line (flags as
// AddOptionFlags returned them for `table`), so flags override a config file.
template <typename T>
void CopyGivenFlags(pipeline::OptionTable<T> table, const std::vector<CLI::Option*>& flags,
                    const T& from, T* to) {
  for (size_t k = 0; k < table.size() && k < flags.size(); ++k) {
    if (flags[k]->count() == 0) continue;
    std::visit([&](auto field) { to->*field = from.*field; }, table[k].field);
  }
}

}  // namespace retailcast::cli
