// End-to-end tests of `retailcast explain` (and of the additive model through `forecast`):
// components printed and exported, future regressors from a file, and the errors.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_test_util.h"
#include "retailcast/core/date.h"

namespace retailcast::cli_test {
namespace {

using ::testing::HasSubstr;

constexpr int kExitUsage = 2;
constexpr int kExitNotFound = 3;

// Three daily series of 120 days from 2021-01-04 with a promotion column (every 9th day, +25),
// and the future file of the next 14 days (2021-05-04 .. 2021-05-17).
class ExplainTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    std::string train = "unique_id,ds,y,promo\n", future = "unique_id,ds,promo\n";
    for (int s = 0; s < 3; ++s) {
      const std::string id = "shop_" + std::to_string(s);
      for (int d = 0; d < 134; ++d) {
        const Date day = Date::FromYmd(2021, 1, 4) + d;
        const int promo = d % 9 == 0 ? 1 : 0;
        const double y = 100 + 10 * s + 0.1 * d + 8 * std::sin(2 * 3.14159265 * d / 7) +
                         25 * promo + std::sin(3.7 * d);
        if (d < 120) {
          train += id + "," + day.ToString() + "," + std::to_string(y) + "," +
                   std::to_string(promo) + "\n";
        } else {
          future += id + "," + day.ToString() + "," + std::to_string(promo) + "\n";
        }
      }
    }
    train_ = Write("train.csv", train);
    future_ = Write("future.csv", future);
  }
  std::vector<std::string> Base() const {
    return {"explain", "--input",  train_,
            "--flags", "promo",    "--horizon",
            "14",      "--params", "additive:regressors=promo"};
  }
  std::string train_, future_;
};

TEST_F(ExplainTest, PrintsAndExportsComponentsThatAddUpToTheForecast) {
  std::vector<std::string> args = Base();
  args.insert(args.end(), {"--future", future_});
  args.insert(args.end(), {"--output", Path("components.csv"), "--forecast-output", Path("fc.csv"),
                           "--max-print", "2"});
  ProcessResult r = Cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_THAT(r.out, HasSubstr("series shop_0, model additive: 14 periods from 2021-05-04"));
  EXPECT_THAT(r.out, HasSubstr("regressor:promo"));
  EXPECT_THAT(r.out, HasSubstr("weekly"));
  EXPECT_THAT(r.out, HasSubstr("share %"));
  EXPECT_THAT(r.out, HasSubstr("(1 more series in the exports"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("series shop_2")));

  const Csv comps = ParseCsv(ReadFile(Path("components.csv")));
  ASSERT_TRUE(comps.ok) << comps.error;
  EXPECT_EQ(comps.header,
            (std::vector<std::string>{"unique_id", "ds", "model", "component", "value"}));
  std::map<std::string, double> yhat, sum;
  std::map<std::string, double> promo_part;
  for (const auto& row : comps.rows) {
    const std::string key = row[0] + " " + row[1];
    const double v = std::stod(row[4]);
    if (row[3] == "yhat") {
      yhat[key] = v;
    } else {
      sum[key] += v;
    }
    if (row[3] == "regressor:promo") promo_part[key] = v;
  }
  EXPECT_EQ(yhat.size(), 3u * 14);
  for (const auto& [key, v] : yhat) EXPECT_NEAR(sum[key], v, 1e-6 * std::abs(v)) << key;
  // Day 126 (2021-05-10) is a promotion day, day 127 is not.
  EXPECT_NEAR(promo_part["shop_1 2021-05-10"], 25, 3);
  EXPECT_NEAR(promo_part["shop_1 2021-05-11"], 0, 1e-9);

  const Csv fc = ParseCsv(ReadFile(Path("fc.csv")));
  ASSERT_TRUE(fc.ok);
  EXPECT_EQ(fc.header, (std::vector<std::string>{"unique_id", "ds", "model", "yhat", "lo80", "hi80",
                                                 "lo95", "hi95"}));
  EXPECT_EQ(fc.rows.size(), 3u * 14);
}

TEST_F(ExplainTest, MissingFutureRegressorIsAnErrorNamingItAndTheDates) {
  ProcessResult r = Cli(Base());
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("'promo'"));
  EXPECT_THAT(r.err, HasSubstr("2021-05-04"));
  // A future file that stops early names the dates it lacks.
  std::string short_future = "unique_id,ds,promo\n";
  for (int s = 0; s < 3; ++s) {
    short_future += "shop_" + std::to_string(s) + ",2021-05-04,0\n";
  }
  std::vector<std::string> args = Base();
  args.insert(args.end(), {"--future", Write("short.csv", short_future)});
  ProcessResult partial = Cli(args);
  EXPECT_EQ(partial.exit_code, kExitUsage) << partial.Describe();
  EXPECT_THAT(partial.err, HasSubstr("2021-05-05"));
  EXPECT_THAT(partial.err, HasSubstr("13 of the 14"));
}

TEST_F(ExplainTest, OtherErrors) {
  std::vector<std::string> args = {"explain", "--input", train_,  "--horizon",
                                   "7",       "--model", "snaive"};
  ProcessResult no_components = Cli(args);
  EXPECT_EQ(no_components.exit_code, kExitUsage) << no_components.Describe();
  EXPECT_THAT(no_components.err, HasSubstr("does not return components"));
  args.back() = "gbm";
  ProcessResult global = Cli(args);
  EXPECT_EQ(global.exit_code, kExitUsage) << global.Describe();
  EXPECT_THAT(global.err, HasSubstr("global model"));
  EXPECT_THAT(global.err, HasSubstr("--importance"));
  ProcessResult unknown = Cli({"explain", "--input", train_, "--horizon", "7", "--series", "nope"});
  EXPECT_EQ(unknown.exit_code, kExitNotFound) << unknown.Describe();
  EXPECT_THAT(unknown.err, HasSubstr("nope"));
  ProcessResult two =
      Cli({"explain", "--input", train_, "--horizon", "7", "--model", "additive,snaive"});
  EXPECT_EQ(two.exit_code, kExitUsage) << two.Describe();
  ProcessResult no_columns = Cli({"explain", "--input", train_, "--horizon", "7", "--future",
                                  Write("keys.csv", "unique_id,ds\nshop_0,2021-05-04\n")});
  EXPECT_EQ(no_columns.exit_code, kExitUsage) << no_columns.Describe();
  EXPECT_THAT(no_columns.err, HasSubstr("no regressor columns"));
}

TEST_F(ExplainTest, AdditiveThroughForecastAndModels) {
  ProcessResult models = Cli({"models"});
  ASSERT_EQ(models.exit_code, 0);
  EXPECT_THAT(models.out, HasSubstr("additive"));
  EXPECT_THAT(models.out, HasSubstr("changepoint_prior_scale"));
  ProcessResult r = Cli({"forecast", "--input", train_, "--horizon", "7", "--model", "additive",
                         "--output", Path("fc.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const Csv fc = ParseCsv(ReadFile(Path("fc.csv")));
  EXPECT_EQ(fc.rows.size(), 3u * 7);
}

}  // namespace
}  // namespace retailcast::cli_test
