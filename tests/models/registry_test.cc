#include "retailcast/catalog/catalog.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "retailcast/core/param_table.h"
#include "retailcast/models/additive.h"
#include "retailcast/models/arima.h"
#include "retailcast/models/baselines.h"
#include "retailcast/models/combinations.h"
#include "retailcast/models/ets.h"
#include "retailcast/models/global.h"
#include "retailcast/models/intermittent.h"
#include "retailcast/models/mstl.h"
#include "retailcast/models/output_transform.h"
#include "retailcast/models/theta.h"

namespace retailcast {
namespace {

// A trivial estimator for registry tests; never fitted.
class NullEstimator final : public Estimator {
 public:
  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView&) const override {
    return Status::NotSupported("null");
  }
  Result<std::unique_ptr<FittedModel>> Load(ByteReader&) const override {
    return Status::NotSupported("null");
  }
};

ModelEntry NullEntry(std::string name) {
  ParamDef k;
  k.name = "k";
  k.type = ParamType::kInt;
  k.default_value = "3";
  k.min = 1;
  k.max = 10;
  k.description = "a count";
  return {std::move(name),
          "does nothing",
          {k},
          [](const ParamValues&) -> Result<std::unique_ptr<Estimator>> {
            return std::unique_ptr<Estimator>(std::make_unique<NullEstimator>());
          }};
}

TEST(ModelRegistryTest, BuiltinNamesInTableOrder) {
  EXPECT_EQ(BuiltinRegistry().names(),
            (std::vector<std::string>{
                "naive", "snaive",     "mean",  "drift", "window_average", "auto_ets",
                "ets",   "auto_arima", "arima", "theta", "auto_theta",     "croston",
                "sba",   "tsb",        "adida", "imapa", "mstl",           "additive",
                "gbm",   "mlp",        "lstm",  "combo", "auto",           "ensemble"}));
  EXPECT_EQ(&BuiltinRegistry(), &BuiltinRegistry());
}

TEST(ModelRegistryTest, UnknownNameListsValidNames) {
  auto r = BuiltinRegistry().Find("arima_plus");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  for (const auto& name : BuiltinRegistry().names()) {
    EXPECT_NE(r.status().message().find(name), std::string::npos) << name;
  }
  EXPECT_NE(r.status().message().find("arima_plus"), std::string::npos);
  auto c = BuiltinRegistry().Create("arima_plus", {{"a", "1"}});
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
}

TEST(ModelRegistryTest, RegisterRejectsDuplicatesAndIncompleteEntries) {
  ModelRegistry reg;
  ASSERT_TRUE(reg.Register(NullEntry("a")).ok());
  Status dup = reg.Register(NullEntry("a"));
  EXPECT_EQ(dup.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dup.message().find("'a'"), std::string::npos);
  EXPECT_EQ(reg.Register(NullEntry("")).code(), StatusCode::kInvalidArgument);
  ModelEntry no_factory = NullEntry("b");
  no_factory.factory = nullptr;
  EXPECT_EQ(reg.Register(no_factory).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(reg.names(), std::vector<std::string>{"a"});
  auto found = reg.Find("a");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->description, "does nothing");
}

TEST(ModelRegistryTest, EmptyRegistrySaysSo) {
  ModelRegistry reg;
  auto r = reg.Find("x");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("none registered"), std::string::npos);
}

TEST(ModelRegistryTest, CreateValidatesTextParameters) {
  ModelRegistry reg;
  ASSERT_TRUE(reg.Register(NullEntry("a")).ok());
  EXPECT_TRUE(reg.Create("a", {{"k", "5"}}).ok());
  EXPECT_TRUE(reg.Create("a", std::vector<std::pair<std::string, std::string>>{}).ok());
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"k", "0"}, {"k", "11"}, {"k", "x"}, {"j", "1"}}) {
    auto r = reg.Create("a", {{key, value}});
    ASSERT_FALSE(r.ok()) << key << "=" << value;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("model 'a'"), std::string::npos) << r.status().message();
  }
}

TEST(ModelRegistryTest, CreateRevalidatesParamValues) {
  ModelRegistry reg;
  ASSERT_TRUE(reg.Register(NullEntry("a")).ok());
  ParamValues ok;
  ok.Set("k", int64_t{4});
  EXPECT_TRUE(reg.Create("a", ok).ok());
  EXPECT_TRUE(reg.Create("a", ParamValues{}).ok());  // default filled in
  ParamValues out_of_bounds;
  out_of_bounds.Set("k", int64_t{40});
  EXPECT_EQ(reg.Create("a", out_of_bounds).status().code(), StatusCode::kInvalidArgument);
  ParamValues wrong_type;
  wrong_type.Set("k", 2.5);
  EXPECT_EQ(reg.Create("a", wrong_type).status().code(), StatusCode::kInvalidArgument);
  ParamValues unknown;
  unknown.Set("zzz", true);
  EXPECT_EQ(reg.Create("a", unknown).status().code(), StatusCode::kInvalidArgument);
}

// Every registered model's parameter table, as its family header exposes it, and whether the
// catalog appends the output options (models/output_transform.h) to its spec.
struct TableOf {
  const ParamTableBase* table;
  bool output_options;
};

std::map<std::string, TableOf> ModelTables() {
  using namespace models;  // NOLINT(google-build-using-namespace): test file only
  return {{"naive", {&NaiveParamTable(), true}},
          {"snaive", {&SeasonalNaiveParamTable(), true}},
          {"mean", {&MeanParamTable(), true}},
          {"drift", {&DriftParamTable(), true}},
          {"window_average", {&WindowAverageParamTable(), true}},
          {"auto_ets", {&AutoEtsParamTable(), true}},
          {"ets", {&EtsParamTable(), true}},
          {"auto_arima", {&AutoArimaParamTable(), true}},
          {"arima", {&ArimaParamTable(), true}},
          {"theta", {&ThetaParamTable(), true}},
          {"auto_theta", {&AutoThetaParamTable(), true}},
          {"croston", {&CrostonParamTable(), true}},
          {"sba", {&SbaParamTable(), true}},
          {"tsb", {&TsbParamTable(), true}},
          {"adida", {&AdidaParamTable(), true}},
          {"imapa", {&ImapaParamTable(), true}},
          {"mstl", {&MstlParamTable(), true}},
          {"additive", {&AdditiveParamTable(), true}},
          {"gbm", {&GbmParamTable(), false}},
          {"mlp", {&MlpParamTable(), false}},
          {"lstm", {&LstmParamTable(), false}},
          {"combo", {&ComboParamTable(), false}},
          {"auto", {&AutoParamTable(), false}},
          {"ensemble", {&EnsembleParamTable(), false}}};
}

void ExpectSameSpec(const ParamSpec& a, const ParamSpec& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) {
    SCOPED_TRACE(a[k].name);
    EXPECT_EQ(a[k].name, b[k].name);
    EXPECT_EQ(a[k].type, b[k].type);
    EXPECT_EQ(a[k].default_value, b[k].default_value);
    EXPECT_EQ(a[k].min, b[k].min);
    EXPECT_EQ(a[k].max, b[k].max);
    EXPECT_EQ(a[k].choices, b[k].choices);
    EXPECT_EQ(a[k].description, b[k].description);
  }
}

// Texts other than the default for one row: its choices, both booleans, its bounds.
std::vector<std::string> OtherTexts(const ParamDef& d) {
  switch (d.type) {
    case ParamType::kBool:
      return {"true", "false"};
    case ParamType::kInt: {
      std::vector<std::string> out;
      for (double b : {d.min, d.max}) {
        if (b > -kUnboundedParam && b < kUnboundedParam) {
          out.push_back(std::to_string(static_cast<int64_t>(b)));
        }
      }
      return out;
    }
    case ParamType::kDouble: {
      std::vector<std::string> out = {"0.5"};
      for (double b : {d.min, d.max}) {
        if (b > -kUnboundedParam && b < kUnboundedParam) out.push_back(ParamValueText(b));
      }
      return out;
    }
    case ParamType::kString:
      return d.choices.empty() ? std::vector<std::string>{"some text"} : d.choices;
  }
  return {};
}

// The round trip of every table: the spec the registry holds is the table's; its defaults
// bind to exactly the default struct's fields; every other value of every row binds to its
// field and reads back unchanged.
void ExpectTableRoundTrips(const ParamTableBase& table, std::string_view owner) {
  const ParamSpec spec = table.Spec();
  auto defaults = ParseParams(spec, {}, owner);
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(table.DefaultValues().ToJson(), defaults->ToJson());
  EXPECT_EQ(table.DefaultValues().values(), defaults->values());
  EXPECT_EQ(table.BindAndRead(*defaults).values(), defaults->values());
  for (const ParamDef& d : spec) {
    for (const std::string& text : OtherTexts(d)) {
      auto values = ParseParams(spec, {{d.name, text}}, owner);
      if (!values.ok()) continue;  // outside a double's bounds (e.g. 0.5 above the max)
      EXPECT_EQ(table.BindAndRead(*values).values(), values->values()) << d.name << "=" << text;
    }
  }
}

TEST(ParamTableTest, EveryRegisteredModelsSpecIsItsTableAndRoundTrips) {
  const std::map<std::string, TableOf> tables = ModelTables();
  EXPECT_EQ(tables.size(), BuiltinRegistry().entries().size());
  for (const ModelEntry& e : BuiltinRegistry().entries()) {
    SCOPED_TRACE(e.name);
    auto it = tables.find(e.name);
    ASSERT_NE(it, tables.end()) << "list the model's table in ModelTables()";
    const ParamTableBase& table = *it->second.table;
    ExpectSameSpec(
        e.spec, it->second.output_options ? models::WithOutputOptions(table.Spec()) : table.Spec());
    ExpectTableRoundTrips(table, e.name);
  }
  ExpectTableRoundTrips(models::OutputParamTable(), "output options");
}

}  // namespace
}  // namespace retailcast
