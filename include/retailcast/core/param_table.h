// Parameter tables: the one way a model (or a shared option set) declares its parameters.
// Each row binds a parameter of the spec (params.h) to a field of the model's plain params
// struct P, so a default is stated once, as the field's value in a default-constructed P{},
// and a factory gets a filled P from Bind() instead of reading values back by name:
//
//   struct WindowParams {
//     int64_t window_size = 7;  // observations averaged
//   };
//   const ParamTable<WindowParams>& Table() {
//     static const ParamTable<WindowParams> table = ParamTable<WindowParams>().Int(
//         "window_size", &WindowParams::window_size, 1, 1000000, "number of values averaged");
//     return table;
//   }
//   ... Table().Spec() for the registry; Table().Bind(values) in the factory.
//
// A row may name a field of a base of P (`int Base::*`): structs that extend a shared struct
// bind its fields directly. Nested() adds the rows of another table over a member of P.
// Rows appear in the spec in the order they were added.
//
// Tables are built once (typically a function-local static) and are read-only afterwards;
// every const method is then safe to call from any thread.
#pragma once

#include <charconv>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "retailcast/core/params.h"

namespace retailcast {

// The bound of an unbounded kInt / kDouble row, as ParamDef's own defaults have it.
inline constexpr double kUnboundedParam = 1e300;

// A default value's text as the spec shows it and ParseParams reads it back: integers in
// decimal, doubles in their shortest round-trip form ("0.1", "10", "1e-07"), booleans
// "true" / "false", strings as they are.
inline std::string ParamDefaultText(const ParamValue& value) {
  if (const auto* d = std::get_if<double>(&value)) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, r.ptr);
  }
  return ParamValueText(value);
}

// What the registry, help texts and tests need of a table, whatever its struct. A model
// family's header exposes its tables as this.
class ParamTableBase {
 public:
  virtual ~ParamTableBase() = default;
  // The rows as the registry and ParseParams read them.
  virtual ParamSpec Spec() const = 0;
  // The fields of the default struct P{} as values, one per row.
  virtual ParamValues DefaultValues() const = 0;
  // `values` (validated against Spec()) bound into a struct and read back from its fields:
  // equal to `values` when every row maps its text to its field and back faithfully.
  virtual ParamValues BindAndRead(const ParamValues& values) const = 0;

 protected:
  ParamTableBase() = default;
  ParamTableBase(const ParamTableBase&) = default;
  ParamTableBase& operator=(const ParamTableBase&) = default;
};

// Q is P or a base of P: a row may bind a field P inherits.
template <typename Q, typename P>
concept SelfOrBaseOf = std::derived_from<P, Q>;

template <typename P>
class ParamTable final : public ParamTableBase {
 public:
  // An integer parameter within [min, max], stored in an integer field of any width.
  template <std::integral I, SelfOrBaseOf<P> Q>
  ParamTable& Int(std::string name, I Q::*field, int64_t min, int64_t max,
                  std::string description) {
    static_assert(!std::same_as<I, bool>, "a bool field is a Bool row");
    I P::*f = field;
    return Add(
        Def(std::move(name), ParamType::kInt, static_cast<double>(min), static_cast<double>(max),
            std::move(description)),
        [f](const P& p) { return ParamValue{static_cast<int64_t>(p.*f)}; },
        [f](const ParamValues& v, const std::string& n, P& p) {
          p.*f = static_cast<I>(v.GetInt(n));
        });
  }

  // A number within [min, max].
  template <SelfOrBaseOf<P> Q>
  ParamTable& Double(std::string name, double Q::*field, double min, double max,
                     std::string description) {
    double P::*f = field;
    return Add(
        Def(std::move(name), ParamType::kDouble, min, max, std::move(description)),
        [f](const P& p) { return ParamValue{p.*f}; },
        [f](const ParamValues& v, const std::string& n, P& p) { p.*f = v.GetDouble(n); });
  }
  // Any finite number.
  template <SelfOrBaseOf<P> Q>
  ParamTable& Double(std::string name, double Q::*field, std::string description) {
    return Double(std::move(name), field, -kUnboundedParam, kUnboundedParam,
                  std::move(description));
  }

  template <SelfOrBaseOf<P> Q>
  ParamTable& Bool(std::string name, bool Q::*field, std::string description) {
    bool P::*f = field;
    return Add(
        Def(std::move(name), ParamType::kBool, -kUnboundedParam, kUnboundedParam,
            std::move(description)),
        [f](const P& p) { return ParamValue{p.*f}; },
        [f](const ParamValues& v, const std::string& n, P& p) { p.*f = v.GetBool(n); });
  }

  // A text parameter kept as text: any text, or one of `choices` when they are given.
  template <SelfOrBaseOf<P> Q>
  ParamTable& String(std::string name, std::string Q::*field, std::string description,
                     std::vector<std::string> choices = {}) {
    std::string P::*f = field;
    ParamDef def = Def(std::move(name), ParamType::kString, -kUnboundedParam, kUnboundedParam,
                       std::move(description));
    def.choices = std::move(choices);
    return Add(
        std::move(def), [f](const P& p) { return ParamValue{p.*f}; },
        [f](const ParamValues& v, const std::string& n, P& p) { p.*f = v.GetString(n); });
  }

  // A text parameter stored as another type (an enum, a code, a bool, an optional):
  // choices[k] = {text, value}; the spec's choices are the texts in this order. The default
  // is the text whose value equals the field of P{}.
  template <std::equality_comparable T, SelfOrBaseOf<P> Q>
  ParamTable& Choice(std::string name, T Q::*field,
                     std::vector<std::pair<std::string, std::type_identity_t<T>>> choices,
                     std::string description) {
    T P::*f = field;
    ParamDef def = Def(std::move(name), ParamType::kString, -kUnboundedParam, kUnboundedParam,
                       std::move(description));
    for (const auto& c : choices) def.choices.push_back(c.first);
    auto get = [f, choices, row = def.name](const P& p) {
      for (const auto& c : choices) {
        if (c.second == p.*f) return ParamValue{c.first};
      }
      Fail("parameter '" + row + "': the field's value is none of its choices");
    };
    auto set = [f, choices](const ParamValues& v, const std::string& n, P& p) {
      const std::string& text = v.GetString(n);
      for (const auto& c : choices) {
        if (c.first == text) {
          p.*f = c.second;
          return;
        }
      }
      Fail("parameter '" + n + "' = '" + text + "' was not validated against its choices");
    };
    return Add(std::move(def), std::move(get), std::move(set));
  }

  // The rows of `inner` over P's member `member` (e.g. options several models share). Their
  // defaults are read from P{}.*member, so P may give the member other defaults than Q{}.
  template <typename Q>
  ParamTable& Nested(Q P::*member, const ParamTable<Q>& inner) {
    for (const auto& r : inner.rows_) {
      Add(
          r.def, [member, get = r.get](const P& p) { return get(p.*member); },
          [member, set = r.set](const ParamValues& v, const std::string& n, P& p) {
            set(v, n, p.*member);
          });
    }
    return *this;
  }

  // The rows as the registry and ParseParams read them, each default the text of its field
  // of P{}.
  ParamSpec Spec() const override {
    const P defaults{};
    ParamSpec spec;
    spec.reserve(rows_.size());
    for (const Row& r : rows_) {
      spec.push_back(r.def);
      spec.back().default_value = ParamDefaultText(r.get(defaults));
    }
    return spec;
  }

  // P{} with every row's field set from `values`, which must have been validated against
  // Spec() (ParseParams); a missing or mistyped value is a bug and aborts.
  P Bind(const ParamValues& values) const {
    P p{};
    for (const Row& r : rows_) r.set(values, r.def.name, p);
    return p;
  }

  // The values of every row's field of `p` (the inverse of Bind), e.g. to check that a
  // spec's defaults bind back to the default struct.
  ParamValues Values(const P& p) const {
    ParamValues values;
    for (const Row& r : rows_) values.Set(r.def.name, r.get(p));
    return values;
  }

  ParamValues DefaultValues() const override { return Values(P{}); }
  ParamValues BindAndRead(const ParamValues& values) const override { return Values(Bind(values)); }

 private:
  template <typename>
  friend class ParamTable;

  using Getter = std::function<ParamValue(const P&)>;
  using Setter = std::function<void(const ParamValues&, const std::string&, P&)>;
  struct Row {
    ParamDef def;  // default_value is filled in by Spec()
    Getter get;
    Setter set;
  };

  static ParamDef Def(std::string name, ParamType type, double min, double max,
                      std::string description) {
    ParamDef d;
    d.name = std::move(name);
    d.type = type;
    d.min = min;
    d.max = max;
    d.description = std::move(description);
    return d;
  }

  [[noreturn]] static void Fail(const std::string& message) {
    // Only a bug in a table (or values not parsed against its spec) can get here.
    std::fprintf(stderr, "retailcast: internal error: %s\n", message.c_str());
    std::abort();
  }

  ParamTable& Add(ParamDef def, Getter get, Setter set) {
    for (const Row& r : rows_) {
      if (r.def.name == def.name) Fail("parameter '" + def.name + "' is declared twice");
    }
    rows_.push_back(Row{std::move(def), std::move(get), std::move(set)});
    return *this;
  }

  std::vector<Row> rows_;
};

}  // namespace retailcast
