#include "retailcast/catalog/catalog.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace retailcast
