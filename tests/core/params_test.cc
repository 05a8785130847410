#include "retailcast/core/params.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "retailcast/core/param_table.h"

namespace retailcast {
namespace {

ParamSpec Spec() {
  return {{"season_length", ParamType::kInt, "0", 0, 10000, {}, "season"},
          {"alpha", ParamType::kDouble, "0.5", 0, 1, {}, "smoothing"},
          {"damped", ParamType::kBool, "false", 0, 0, {}, "damping"},
          {"mode", ParamType::kString, "additive", 0, 0, {"additive", "multiplicative"}, "mode"}};
}

TEST(ParamsTest, FillsDefaultsAndParses) {
  auto v = ParseParams(Spec(), {{"alpha", "0.25"}, {"damped", "true"}}, "ets");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->GetInt("season_length"), 0);
  EXPECT_DOUBLE_EQ(v->GetDouble("alpha"), 0.25);
  EXPECT_TRUE(v->GetBool("damped"));
  EXPECT_EQ(v->GetString("mode"), "additive");
  EXPECT_EQ(v->ToJson(), R"({"alpha":0.25,"damped":true,"mode":"additive","season_length":0})");
}

TEST(ParamsTest, RejectsUnknownOutOfBoundsAndBadChoices) {
  auto unknown = ParseParams(Spec(), {{"beta", "1"}}, "ets");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("valid parameters: season_length, alpha"),
            std::string::npos);
  auto bounds = ParseParams(Spec(), {{"alpha", "1.5"}}, "ets");
  ASSERT_FALSE(bounds.ok());
  EXPECT_NE(bounds.status().message().find("within [0, 1]"), std::string::npos);
  EXPECT_FALSE(ParseParams(Spec(), {{"season_length", "7.5"}}, "ets").ok());
  EXPECT_FALSE(ParseParams(Spec(), {{"mode", "other"}}, "ets").ok());
  EXPECT_FALSE(ParseParams(Spec(), {{"damped", "maybe"}}, "ets").ok());
}

TEST(ParamsTest, ParsesJsonAndKeyValueText) {
  auto v =
      ParseParamsJson(Spec(), R"({"season_length": 52, "alpha": 0.1, "damped": false})", "ets");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->GetInt("season_length"), 52);
  EXPECT_FALSE(ParseParamsJson(Spec(), "[1,2]", "ets").ok());
  EXPECT_FALSE(ParseParamsJson(Spec(), "{bad json", "ets").ok());
  auto kv = SplitKeyValues("a=1,b=x");
  ASSERT_TRUE(kv.ok());
  EXPECT_EQ(kv->size(), 2u);
  EXPECT_FALSE(SplitKeyValues("a").ok());
  EXPECT_FALSE(SplitKeyValues("=1").ok());
  auto list = SplitKeyValues("models=theta,mstl,method=mean");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].second, "theta,mstl");
  EXPECT_EQ((*list)[1].first, "method");
}

// ParamTable (param_table.h): a typed table whose rows bind each parameter to a field.
enum class Mode { kAdditive, kMultiplicative };

struct Inner {
  std::string lags = "auto";
  int range = 0;
};

struct Knobs {
  int64_t season_length = 0;
  int iterations = 2000;
  uint64_t seed = 0;
  double alpha = 0.1;
  double range = 0.85;
  double scale = 10;
  double rate = 0.001;
  double tiny = 1e-7;
  bool damped = false;
  std::string name = "ANN";
  Mode mode = Mode::kMultiplicative;
  std::optional<Mode> yearly;  // unset = mode
  int variant = -1;
  Inner inner;
};

const ParamTable<Knobs>& KnobsTable() {
  static const ParamTable<Knobs> table =
      ParamTable<Knobs>()
          .Int("season_length", &Knobs::season_length, 0, 1000, "season")
          .Int("iterations", &Knobs::iterations, 1, 1000000, "iterations")
          .Int("seed", &Knobs::seed, 0, 9'000'000'000'000'000, "seed")
          .Double("alpha", &Knobs::alpha, 0, 1, "smoothing")
          .Double("range", &Knobs::range, 0, 1, "range")
          .Double("scale", &Knobs::scale, 1e-9, 1e6, "scale")
          .Double("rate", &Knobs::rate, 1e-7, 1, "rate")
          .Double("tiny", &Knobs::tiny, "any number")
          .Bool("damped", &Knobs::damped, "damping")
          .String("name", &Knobs::name, "a form", {"ANN", "AAN"})
          .Choice("mode", &Knobs::mode,
                  {{"additive", Mode::kAdditive}, {"multiplicative", Mode::kMultiplicative}},
                  "mode")
          .Choice("yearly", &Knobs::yearly,
                  {{"", std::nullopt},
                   {"additive", Mode::kAdditive},
                   {"multiplicative", Mode::kMultiplicative}},
                  "yearly mode")
          .Choice("variant", &Knobs::variant, {{"auto", -1}, {"stm", 0}, {"otm", 1}}, "variant")
          .Nested(&Knobs::inner, ParamTable<Inner>()
                                     .String("lags", &Inner::lags, "lags")
                                     .Int("range_periods", &Inner::range, 0, 1000, "periods"));
  return table;
}

TEST(ParamTableTest, SpecTakesDefaultsFromTheStructInRowOrder) {
  const ParamSpec spec = KnobsTable().Spec();
  std::vector<std::string> names, defaults;
  for (const ParamDef& d : spec) {
    names.push_back(d.name);
    defaults.push_back(d.default_value);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"season_length", "iterations", "seed", "alpha", "range",
                                      "scale", "rate", "tiny", "damped", "name", "mode", "yearly",
                                      "variant", "lags", "range_periods"}));
  EXPECT_EQ(defaults,
            (std::vector<std::string>{"0", "2000", "0", "0.1", "0.85", "10", "0.001", "1e-07",
                                      "false", "ANN", "multiplicative", "", "auto", "auto", "0"}));
  EXPECT_EQ(spec[0].type, ParamType::kInt);
  EXPECT_EQ(spec[0].min, 0);
  EXPECT_EQ(spec[0].max, 1000);
  EXPECT_EQ(spec[0].description, "season");
  EXPECT_EQ(spec[2].max, 9e15);
  EXPECT_EQ(spec[3].type, ParamType::kDouble);
  EXPECT_EQ(spec[5].min, 1e-9);
  EXPECT_EQ(spec[7].min, -kUnboundedParam);
  EXPECT_EQ(spec[7].max, kUnboundedParam);
  EXPECT_EQ(spec[8].type, ParamType::kBool);
  EXPECT_EQ(spec[9].type, ParamType::kString);
  EXPECT_EQ(spec[9].choices, (std::vector<std::string>{"ANN", "AAN"}));
  EXPECT_EQ(spec[10].type, ParamType::kString);
  EXPECT_EQ(spec[10].choices, (std::vector<std::string>{"additive", "multiplicative"}));
  EXPECT_EQ(spec[11].choices, (std::vector<std::string>{"", "additive", "multiplicative"}));
  EXPECT_EQ(spec[12].choices, (std::vector<std::string>{"auto", "stm", "otm"}));
  EXPECT_TRUE(spec[13].choices.empty());
  EXPECT_EQ(spec[14].max, 1000);
}

TEST(ParamTableTest, DoubleDefaultsAreTheirShortestRoundTripText) {
  for (const auto& [value, text] :
       std::vector<std::pair<double, std::string>>{{0.1, "0.1"},
                                                   {0.85, "0.85"},
                                                   {10, "10"},
                                                   {0.001, "0.001"},
                                                   {0.05, "0.05"},
                                                   {1.2, "1.2"},
                                                   {0, "0"},
                                                   {-1, "-1"},
                                                   {1e-7, "1e-07"},
                                                   {1e9, "1e+09"},
                                                   {1.0 / 3, "0.3333333333333333"}}) {
    EXPECT_EQ(ParamDefaultText(ParamValue{value}), text);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), value) << text;
  }
  EXPECT_EQ(ParamDefaultText(ParamValue{int64_t{-3}}), "-3");
  EXPECT_EQ(ParamDefaultText(ParamValue{true}), "true");
  EXPECT_EQ(ParamDefaultText(ParamValue{std::string("x y")}), "x y");
}

TEST(ParamTableTest, BindFillsTheStructFromValidatedValues) {
  auto values = ParseParams(KnobsTable().Spec(),
                            {{"season_length", "52"},
                             {"seed", "123456789012"},
                             {"alpha", "0.25"},
                             {"damped", "true"},
                             {"name", "AAN"},
                             {"lags", "1-7 14"}},
                            "test");
  ASSERT_TRUE(values.ok()) << values.status().ToString();
  const Knobs k = KnobsTable().Bind(*values);
  EXPECT_EQ(k.season_length, 52);
  EXPECT_EQ(k.seed, uint64_t{123456789012});
  EXPECT_EQ(k.alpha, 0.25);
  EXPECT_TRUE(k.damped);
  EXPECT_EQ(k.name, "AAN");
  EXPECT_EQ(k.inner.lags, "1-7 14");
  // Parameters not given keep the struct's defaults.
  EXPECT_EQ(k.iterations, 2000);
  EXPECT_EQ(k.range, 0.85);
  EXPECT_EQ(k.mode, Mode::kMultiplicative);
  EXPECT_EQ(k.yearly, std::nullopt);
  EXPECT_EQ(k.inner.range, 0);
}

TEST(ParamTableTest, ChoiceMapsTextsToValuesAndBack) {
  auto values =
      ParseParams(KnobsTable().Spec(),
                  {{"mode", "additive"}, {"yearly", "multiplicative"}, {"variant", "otm"}}, "test");
  ASSERT_TRUE(values.ok()) << values.status().ToString();
  const Knobs k = KnobsTable().Bind(*values);
  EXPECT_EQ(k.mode, Mode::kAdditive);
  EXPECT_EQ(k.yearly, Mode::kMultiplicative);
  EXPECT_EQ(k.variant, 1);
  const ParamValues back = KnobsTable().Values(k);
  EXPECT_EQ(back.GetString("mode"), "additive");
  EXPECT_EQ(back.GetString("yearly"), "multiplicative");
  EXPECT_EQ(back.GetString("variant"), "otm");
  EXPECT_EQ(back.values(), values->values());
  // A text that is not a choice never reaches Bind: the spec rejects it.
  EXPECT_FALSE(ParseParams(KnobsTable().Spec(), {{"mode", "sideways"}}, "test").ok());
}

// A struct whose member and base give other defaults than their own types.
struct Shared {
  bool optimize = false;
  double alpha = 0.1;
};

struct Aggregated : Shared {
  Aggregated() { optimize = true; }
  int64_t aggregation = 0;
};

struct Outer {
  Inner inner = [] {
    Inner i;
    i.range = 28;
    return i;
  }();
};

TEST(ParamTableTest, NestedAndBaseRowsReadTheOuterStructsDefaults) {
  ParamTable<Inner> inner;
  inner.String("lags", &Inner::lags, "lags").Int("range", &Inner::range, 0, 1000, "periods");
  ParamTable<Outer> outer;
  outer.Nested(&Outer::inner, inner);
  EXPECT_EQ(inner.Spec()[1].default_value, "0");
  EXPECT_EQ(outer.Spec()[1].default_value, "28");
  auto values = ParseParams(outer.Spec(), {{"lags", "none"}}, "test");
  ASSERT_TRUE(values.ok());
  const Outer o = outer.Bind(*values);
  EXPECT_EQ(o.inner.lags, "none");
  EXPECT_EQ(o.inner.range, 28);

  ParamTable<Aggregated> aggregated;
  aggregated.Double("alpha", &Shared::alpha, 0, 1, "alpha")
      .Bool("optimize", &Shared::optimize, "optimize")
      .Int("aggregation", &Aggregated::aggregation, 0, 100, "bucket");
  const ParamSpec spec = aggregated.Spec();
  EXPECT_EQ(spec[0].default_value, "0.1");
  EXPECT_EQ(spec[1].default_value, "true");
  auto off = ParseParams(spec, {{"optimize", "false"}, {"aggregation", "7"}}, "test");
  ASSERT_TRUE(off.ok());
  const Aggregated a = aggregated.Bind(*off);
  EXPECT_FALSE(a.optimize);
  EXPECT_EQ(a.aggregation, 7);
}

TEST(ParamTableTest, DefaultsBindBackToTheDefaultStruct) {
  const ParamTableBase& table = KnobsTable();
  auto defaults = ParseParams(table.Spec(), {}, "test");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(table.DefaultValues().values(), defaults->values());
  EXPECT_EQ(table.BindAndRead(*defaults).values(), defaults->values());
  const Knobs bound = KnobsTable().Bind(*defaults);
  const Knobs k;
  EXPECT_EQ(bound.alpha, k.alpha);
  EXPECT_EQ(bound.tiny, k.tiny);
  EXPECT_EQ(bound.seed, k.seed);
  EXPECT_EQ(bound.yearly, k.yearly);
  EXPECT_EQ(bound.inner.lags, k.inner.lags);
}

TEST(ParamTableDeathTest, DuplicateNamesAndValuesNotParsedAgainstTheSpecAreBugs) {
  EXPECT_DEATH(ParamTable<Knobs>()
                   .Int("season_length", &Knobs::season_length, 0, 10, "a")
                   .Int("season_length", &Knobs::iterations, 0, 10, "b"),
               "declared twice");
  ParamValues unparsed;
  unparsed.Set("mode", std::string("sideways"));
  ParamTable<Knobs> modes;
  modes.Choice("mode", &Knobs::mode, {{"additive", Mode::kAdditive}}, "mode");
  EXPECT_DEATH(modes.Bind(unparsed), "not validated");
  // The default struct's value must be one of the choices.
  EXPECT_DEATH(modes.Spec(), "none of its choices");
}

}  // namespace
}  // namespace retailcast
