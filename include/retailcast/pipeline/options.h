// The options of the pipeline's steps, declared once: each row names an option's config-file
// key, its command-line flag, its help text, its kind and the field of the options struct it
// fills. The config reader (config.h) and the CLI's flags both walk these tables, so a flag,
// a config key and a help line cannot drift apart.
//
// Tables are immutable and may be read from any thread.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace retailcast::pipeline {

// One option of an options struct T.
template <typename T>
struct Option {
  std::string_view key;   // config-file key, e.g. "id_columns"
  std::string_view flag;  // command-line flag with its aliases, e.g. "--input,-i"
  std::string_view help;  // one line for --help
  // The field the option fills. A list is a JSON array in a config file and a
  // comma-separated value (or a repeated flag) on the command line.
  std::variant<std::string T::*, std::vector<std::string> T::*, int T::*, double T::*, bool T::*,
               std::vector<double> T::*>
      field;
  std::vector<std::string_view> choices = {};  // the texts allowed; empty = any
  // Lists given as "model:key=value,..." items (parameter overrides) are split on ';' on the
  // command line, not on ',' (their values contain commas).
  bool items_with_commas = false;
};

template <typename T>
using OptionTable = std::span<const Option<T>>;

}  // namespace retailcast::pipeline
