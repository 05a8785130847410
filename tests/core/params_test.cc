#include "retailcast/core/params.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace retailcast
