// End-to-end tests of the `retailcast` binary on the repository's own files: help and the
// model registry, the config-driven pipeline, the store flow (ingest, describe, train,
// forecast from an artifact), bad input and usage errors with their exit codes, synthetic
// data, and a golden forecast. Every test runs the real binary in a temporary directory.
#include <algorithm>
#include <ctime>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_test_util.h"

namespace retailcast::cli_test {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kSubcommands = {"ingest",   "describe", "train", "forecast",
                                               "backtest", "models",   "synth", "run"};
const std::vector<std::string> kBaselines = {"naive", "snaive", "mean", "drift", "window_average"};

// Exit codes of ExitCodeFor (include/retailcast/status.h).
constexpr int kExitUsage = 2;
constexpr int kExitNotFound = 3;
constexpr int kExitDataError = 4;

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// ---------------------------------------------------------------- help and registry

TEST_F(CliTest, HelpListsEverySubcommand) {
  ProcessResult r = Cli({"--help"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  for (const auto& name : kSubcommands) {
    EXPECT_TRUE(std::regex_search(r.out, std::regex("\n  " + name + " ")))
        << name << " missing from --help:\n"
        << r.out;
  }
}

TEST_F(CliTest, EverySubcommandHasHelp) {
  for (const auto& name : kSubcommands) {
    ProcessResult r = Cli({name, "--help"});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.Describe();
    EXPECT_THAT(r.out, HasSubstr("Usage:")) << name;
    EXPECT_THAT(r.out, HasSubstr(name + " [OPTIONS]")) << name;
    EXPECT_THAT(r.out, HasSubstr("--help")) << name;
  }
  // Commands that fit models name every registered model in the --model help.
  for (const char* name : {"forecast", "backtest", "train"}) {
    ProcessResult r = Cli({name, "--help"});
    for (const auto& model : kBaselines) EXPECT_THAT(r.out, HasSubstr(model)) << name;
  }
}

TEST_F(CliTest, VersionPrintsNameAndExitsZero) {
  ProcessResult r = Cli({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_THAT(r.out, HasSubstr("retailcast "));
}

TEST_F(CliTest, ModelsListsBaselinesWithTheirParameters) {
  ProcessResult r = Cli({"models"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  for (const auto& model : kBaselines) {
    EXPECT_TRUE(std::regex_search(r.out, std::regex("(^|\n)" + model + " +\\S")))
        << model << " not listed:\n"
        << r.out;
  }
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n  season_length \\(int, default 0"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n  window_size \\(int, default 7"))) << r.out;
}

TEST_F(CliTest, ModelsJsonParsesAndMatchesTheTable) {
  ProcessResult r = Cli({"models", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  // The document GET /v1/models returns.
  ASSERT_TRUE(j.is_object() && j.contains("models") && j["models"].is_array()) << r.out;
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& m : j["models"]) {
    ASSERT_TRUE(m.contains("name") && m.contains("description") && m.contains("params")) << m;
    EXPECT_FALSE(m["description"].get<std::string>().empty()) << m;
    by_name[m["name"].get<std::string>()] = m;
  }
  for (const auto& model : kBaselines) EXPECT_TRUE(by_name.count(model)) << model;
  auto param = [&](const std::string& model, const std::string& p) -> nlohmann::json {
    for (const auto& x : by_name[model]["params"]) {
      if (x["name"] == p) return x;
    }
    return nullptr;
  };
  nlohmann::json season = param("snaive", "season_length");
  ASSERT_FALSE(season.is_null()) << by_name["snaive"];
  EXPECT_EQ(season["type"], "int");
  EXPECT_EQ(season["default"], "0");
  nlohmann::json window = param("window_average", "window_size");
  ASSERT_FALSE(window.is_null()) << by_name["window_average"];
  EXPECT_EQ(window["default"], "7");
  EXPECT_EQ(window["min"].get<double>(), 1.0);
  // naive has no parameters of its own, only the output options every per-series model has.
  std::vector<std::string> naive_params;
  for (const auto& x : by_name["naive"]["params"]) naive_params.push_back(x["name"]);
  EXPECT_EQ(naive_params,
            (std::vector<std::string>{"transform", "lambda", "bias_adjust", "non_negative"}));
}

// ---------------------------------------------------------------- the pipeline

TEST_F(CliTest, RunPipelineTwiceIsIdempotentAndVersionsTheArtifact) {
  nlohmann::json config = nlohmann::json::parse(ReadFile(SourceDir() + "/config/parameters.json"));
  config["store"] = Path("pipe/store.db");
  config["output_dir"] = Path("pipe/out");
  const std::string input = config["input"]["path"].get<std::string>();
  if (!fs::path(input).is_absolute()) config["input"]["path"] = SourceDir() + "/" + input;
  // Paths in the config are relative to the working directory (README runs it from the root).
  if (config.contains("future")) {
    config["future"] = SourceDir() + "/" + config["future"].get<std::string>();
  }
  const std::string config_path = Write("parameters.json", config.dump(2));
  const std::string dataset = config["dataset"].get<std::string>();
  const int horizon = config["horizon"].get<int>();
  // The sample is too small for global models: the pipeline leaves them out, with a note.
  std::set<std::string> models;
  for (const auto& m : config["models"]) models.insert(m.get<std::string>());
  models.erase("gbm");

  ProcessResult first = Cli({"run", "--config", config_path});
  ASSERT_EQ(first.exit_code, 0) << first.Describe();
  for (const char* heading :
       {"== 1/5 ingest", "== 2/5 describe", "== 3/5 backtest", "== 4/5 train", "== 5/5 forecast"}) {
    EXPECT_THAT(first.out, HasSubstr(heading));
  }
  const fs::path out = Path("pipe/out");
  for (const char* file : {"forecasts.csv", "forecast_best.csv", "backtest_summary.csv",
                           "backtest_records.csv", "backtest.json", "selection.csv"}) {
    EXPECT_TRUE(fs::is_regular_file(out / file)) << file;
  }
  EXPECT_TRUE(fs::is_regular_file(Path("pipe/store.db")));
  Csv forecasts = ReadCsv(out / "forecasts.csv");
  ASSERT_TRUE(forecasts.ok) << forecasts.error;
  std::set<std::string> ids;
  for (const auto& row : forecasts.rows) ids.insert(row[0]);
  EXPECT_EQ(ids.size(), 10u);  // the sample holds stores 1..10
  std::set<std::string> forecast_models;
  for (const auto& row : forecasts.rows) forecast_models.insert(row[2]);
  EXPECT_EQ(forecast_models, models);
  EXPECT_THAT(first.out + first.err, HasSubstr("model 'gbm' left out"));
  EXPECT_EQ(forecasts.rows.size(), ids.size() * static_cast<size_t>(horizon) * models.size());
  // forecast_best: the model selection.csv chose for each series, `horizon` rows each.
  Csv selection = ReadCsv(out / "selection.csv");
  Csv best = ReadCsv(out / "forecast_best.csv");
  ASSERT_TRUE(selection.ok && best.ok);
  std::map<std::string, std::string> chosen;
  for (const auto& row : selection.rows) chosen[row[0]] = row[1];
  EXPECT_EQ(chosen.size(), ids.size());
  EXPECT_EQ(best.rows.size(), ids.size() * static_cast<size_t>(horizon));
  for (const auto& row : best.rows) EXPECT_EQ(row[2], chosen[row[0]]) << row[0];
  nlohmann::json bt = nlohmann::json::parse(ReadFile(out / "backtest.json"), nullptr, false);
  EXPECT_FALSE(bt.is_discarded());

  const std::string forecasts_first = ReadFile(out / "forecasts.csv");
  ProcessResult second = Cli({"run", "--config", config_path});
  ASSERT_EQ(second.exit_code, 0) << second.Describe();
  EXPECT_THAT(second.out, HasSubstr("observations inserted 0, updated 0, unchanged 1430"));
  EXPECT_THAT(second.out, HasSubstr("ingested before"));
  std::smatch m1, m2;
  const std::regex version("artifact " + dataset + " v([0-9]+) \\(id ([0-9]+)\\)");
  ASSERT_TRUE(std::regex_search(first.out, m1, version)) << first.out;
  ASSERT_TRUE(std::regex_search(second.out, m2, version)) << second.out;
  EXPECT_GT(std::stoi(m2[1]), std::stoi(m1[1]));
  EXPECT_NE(m2[2], m1[2]);
  // Same data, same models: the same forecasts.
  EXPECT_EQ(ReadFile(out / "forecasts.csv"), forecasts_first);
}

TEST_F(CliTest, RunWithMissingConfigIsNotFound) {
  ProcessResult r = Cli({"run", "--config", Path("no_such_config.json")});
  EXPECT_EQ(r.exit_code, kExitNotFound) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("no_such_config.json"));
}

// ---------------------------------------------------------------- the store flow

TEST_F(CliTest, StoreFlowForecastAfterLoadEqualsForecastBefore) {
  const std::vector<std::string> store = {"--store", Path("flow.db"), "--dataset", "walmart10"};
  ProcessResult ingest = Cli(Concat(Concat({"ingest"}, SampleInputArgs()), store));
  ASSERT_EQ(ingest.exit_code, 0) << ingest.Describe();
  EXPECT_THAT(ingest.out, HasSubstr("(new)"));
  EXPECT_THAT(ingest.out, HasSubstr("10 series"));
  EXPECT_THAT(ingest.out, HasSubstr("observations inserted 1430"));
  ProcessResult again = Cli(Concat(Concat({"ingest"}, SampleInputArgs()), store));
  ASSERT_EQ(again.exit_code, 0) << again.Describe();
  EXPECT_THAT(again.out, HasSubstr("inserted 0, updated 0, unchanged 1430"));
  EXPECT_THAT(again.out, HasSubstr("ingested before"));

  ProcessResult describe = Cli(Concat({"describe"}, store));
  ASSERT_EQ(describe.exit_code, 0) << describe.Describe();
  EXPECT_THAT(describe.out, HasSubstr("Series:        10"));
  EXPECT_THAT(describe.out, HasSubstr("W-FRI"));
  EXPECT_THAT(describe.out, HasSubstr("2010-02-05 .. 2012-10-26"));
  ProcessResult json = Cli(Concat({"describe", "--json"}, store));
  ASSERT_EQ(json.exit_code, 0) << json.Describe();
  nlohmann::json j = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << json.out;
  EXPECT_EQ(j["series"], 10);
  EXPECT_EQ(j["values"], 1430);
  EXPECT_EQ(j["frequency"], "W-FRI");
  EXPECT_EQ(j["season_length"], 52);
  EXPECT_EQ(j["per_series"].size(), 10u);

  ProcessResult train = Cli(Concat({"train", "--model", "snaive,naive", "--season", "52"}, store));
  ASSERT_EQ(train.exit_code, 0) << train.Describe();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(train.out, m, std::regex("\\(id ([0-9]+)\\)"))) << train.out;
  const std::string artifact_id = m[1];
  EXPECT_THAT(train.out, HasSubstr("10 series x 2 models"));

  ProcessResult from_artifact = Cli({"forecast", "--store", Path("flow.db"), "--artifact",
                                     artifact_id, "--horizon", "13", "--output", Path("a.csv")});
  ASSERT_EQ(from_artifact.exit_code, 0) << from_artifact.Describe();
  ProcessResult by_name = Cli({"forecast", "--store", Path("flow.db"), "--artifact", "walmart10",
                               "--horizon", "13", "--output", Path("n.csv")});
  ASSERT_EQ(by_name.exit_code, 0) << by_name.Describe();
  ProcessResult refit = Cli(Concat({"forecast", "--model", "snaive,naive", "--season", "52",
                                    "--horizon", "13", "--output", Path("b.csv")},
                                   store));
  ASSERT_EQ(refit.exit_code, 0) << refit.Describe();
  const std::string a = ReadFile(Path("a.csv"));
  EXPECT_EQ(a.size(), ReadFile(Path("b.csv")).size());
  EXPECT_TRUE(a == ReadFile(Path("b.csv"))) << "forecast from the artifact differs from the refit";
  EXPECT_TRUE(a == ReadFile(Path("n.csv"))) << "forecast from the artifact name differs";
  Csv csv = ParseCsv(a);
  EXPECT_EQ(csv.rows.size(), 10u * 13u * 2u);
}

TEST_F(CliTest, ForecastWritesTheGlobalModelsFeatureImportance) {
  ProcessResult run = Cli(Concat(Concat({"forecast"}, SampleInputArgs()),
                                 {"--model", "gbm", "--params", "gbm:trees=20", "--horizon", "4",
                                  "--output", Path("fc.csv"), "--importance", Path("imp.csv")}));
  ASSERT_EQ(run.exit_code, 0) << run.Describe();
  EXPECT_THAT(run.err, HasSubstr("gbm: largest feature gain shares: "));
  Csv imp = ParseCsv(ReadFile(Path("imp.csv")));
  EXPECT_EQ(imp.header, (std::vector<std::string>{"model", "feature", "gain_share"}));
  ASSERT_GT(imp.rows.size(), 3u);
  double total = 0, previous = 1;
  for (const auto& row : imp.rows) {
    EXPECT_EQ(row[0], "gbm");
    const double share = std::stod(row[2]);
    EXPECT_LE(share, previous) << "not sorted at " << row[1];
    previous = share;
    total += share;
  }
  EXPECT_NEAR(total, 1.0, 1e-4);
  // Per-series models have no features: asking for their importance is a usage error.
  ProcessResult local = Cli(Concat(Concat({"forecast"}, SampleInputArgs()),
                                   {"--model", "snaive", "--horizon", "4", "--output",
                                    Path("fc2.csv"), "--importance", Path("imp2.csv")}));
  EXPECT_NE(local.exit_code, 0);
  EXPECT_THAT(local.err, HasSubstr("no model of this run reports feature importance"));
  EXPECT_FALSE(std::filesystem::exists(Path("imp2.csv")));
}

TEST_F(CliTest, CorruptStoreIsACleanErrorAndTheFileIsUnchanged) {
  std::string garbage;
  for (int i = 0; i < 200; ++i) garbage += "this is not a database, only garbage bytes\n";
  const std::string db = Write("x.db", garbage);
  ProcessResult r =
      Cli(Concat(Concat({"ingest"}, SampleInputArgs()), {"--store", db, "--dataset", "w"}));
  EXPECT_NE(r.exit_code, 0) << r.Describe();
  EXPECT_LT(r.exit_code, 128) << "crashed: " << r.Describe();
  EXPECT_NE(r.exit_code, 70) << "internal error: " << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("x.db"));
  EXPECT_THAT(r.err, HasSubstr("not a SQLite database"));
  EXPECT_EQ(ReadFile(db), garbage);
  EXPECT_FALSE(fs::exists(db + "-wal"));
}

// A read-only command with a mistyped --store should say the store does not exist instead of
// creating an empty store file and then reporting a missing dataset or artifact.
TEST_F(CliTest, ReadOnlyCommandsDoNotCreateAMissingStore) {
  ProcessResult describe = Cli({"describe", "--store", Path("typo.db"), "--dataset", "w"});
  EXPECT_EQ(describe.exit_code, kExitNotFound) << describe.Describe();
  EXPECT_FALSE(fs::exists(Path("typo.db"))) << "describe created the store file";
  ProcessResult forecast =
      Cli({"forecast", "--store", Path("typo2.db"), "--artifact", "1", "--horizon", "2"});
  EXPECT_EQ(forecast.exit_code, kExitNotFound) << forecast.Describe();
  EXPECT_FALSE(fs::exists(Path("typo2.db"))) << "forecast --artifact created the store file";
}

// ---------------------------------------------------------------- bad input (exit 4)

// Runs `forecast` on a long file with `content` and returns the result.
class CliBadInputTest : public CliTest {
 protected:
  ProcessResult ForecastOn(const std::string& name, const std::string& content,
                           const std::vector<std::string>& extra = {}) {
    Write(name, content);
    return Cli(Concat(
        {"forecast", "--input", name, "--horizon", "2", "--model", "naive", "--output", "fc.csv"},
        extra));
  }
};

TEST_F(CliBadInputTest, UnparseableDate) {
  ProcessResult r = ForecastOn(
      "d.csv", "unique_id,ds,y\na,2020-01-06,1\na,2020-13-13,2\na,2020-01-20,3\na,2020-01-27,4\n");
  EXPECT_EQ(r.exit_code, kExitDataError) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("d.csv:3:2:"));
  EXPECT_THAT(r.err, HasSubstr("cannot parse date '2020-13-13'"));
  EXPECT_THAT(r.err, HasSubstr("field 'ds'"));
  EXPECT_FALSE(fs::exists(Path("fc.csv")));
}

TEST_F(CliBadInputTest, NonNumericTarget) {
  ProcessResult r = ForecastOn("y.csv", "unique_id,ds,y\na,2020-01-06,1\na,2020-01-13,abc\n");
  EXPECT_EQ(r.exit_code, kExitDataError) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("y.csv:3:3:"));
  EXPECT_THAT(r.err, HasSubstr("'abc' is not a number"));
}

TEST_F(CliBadInputTest, DuplicateKeyNamesBothLines) {
  ProcessResult r =
      ForecastOn("dup.csv", "unique_id,ds,y\na,2020-01-06,1\na,2020-01-13,2\na,2020-01-13,3\n");
  EXPECT_EQ(r.exit_code, kExitDataError) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("dup.csv:4:2:"));
  EXPECT_THAT(r.err, HasSubstr("on line 3"));
  EXPECT_THAT(r.err, HasSubstr("duplicate"));
}

TEST_F(CliBadInputTest, MissingColumnListsTheColumnsFound) {
  ProcessResult r = ForecastOn("m.csv", "unique_id,date,y\na,2020-01-06,1\n");
  EXPECT_EQ(r.exit_code, kExitDataError) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("m.csv"));
  EXPECT_THAT(r.err, HasSubstr("no column 'ds'"));
  EXPECT_THAT(r.err, HasSubstr("'unique_id', 'date', 'y'"));
}

TEST_F(CliBadInputTest, EmptyFile) {
  ProcessResult r = ForecastOn("e.csv", "");
  EXPECT_EQ(r.exit_code, kExitDataError) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("e.csv"));
  EXPECT_THAT(r.err, HasSubstr("empty"));
}

TEST_F(CliBadInputTest, HeaderOnly) {
  ProcessResult r = ForecastOn("h.csv", "unique_id,ds,y\n");
  EXPECT_EQ(r.exit_code, kExitDataError) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("h.csv"));
  EXPECT_THAT(r.err, HasSubstr("no data rows"));
}

TEST_F(CliBadInputTest, WrongFieldCount) {
  ProcessResult r =
      ForecastOn("f.csv", "unique_id,ds,y\na,2020-01-06,1\na,2020-01-13,2,7\na,2020-01-20,3\n");
  EXPECT_EQ(r.exit_code, kExitDataError) << r.Describe();
  // Column 0 = the whole row (ingest_report.h).
  EXPECT_THAT(r.err, HasSubstr("f.csv:3:0:"));
  EXPECT_THAT(r.err, HasSubstr("expected 3 fields"));
  EXPECT_THAT(r.err, HasSubstr("found 4"));
  EXPECT_THAT(r.err, HasSubstr("raw: 'a,2020-01-13,2,7'"));
}

TEST_F(CliBadInputTest, DateOffTheWeeklyGrid) {
  // Mondays except one Tuesday: the frequency is inferred as W-MON, the Tuesday is rejected.
  const std::string content =
      "unique_id,ds,y\na,2020-01-06,1\na,2020-01-13,2\na,2020-01-21,3\na,2020-01-27,4\n"
      "a,2020-02-03,5\na,2020-02-10,6\n";
  ProcessResult inferred = ForecastOn("g.csv", content);
  EXPECT_EQ(inferred.exit_code, kExitDataError) << inferred.Describe();
  EXPECT_THAT(inferred.err, HasSubstr("g.csv:4:2:"));
  EXPECT_THAT(inferred.err, HasSubstr("Tuesday"));
  EXPECT_THAT(inferred.err, HasSubstr("W-MON"));
  ProcessResult given = ForecastOn("g2.csv", content, {"--freq", "W-MON"});
  EXPECT_EQ(given.exit_code, kExitDataError) << given.Describe();
  EXPECT_THAT(given.err, HasSubstr("g2.csv:4:2:"));
}

TEST_F(CliBadInputTest, SkipLoadsTheRestAndWritesTheRejects) {
  ProcessResult r =
      ForecastOn("s.csv",
                 "unique_id,ds,y\na,2020-01-06,1\na,2020-13-13,2\na,2020-01-20,3\nb,2020-01-06,x\n"
                 "b,2020-01-13,5\nb,2020-01-20,6\n",
                 {"--on-error=skip", "--rejects", "r.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("rejected 2"));
  Csv rejects = ReadCsv(Path("r.csv"));
  ASSERT_TRUE(rejects.ok) << rejects.error;
  ASSERT_EQ(rejects.rows.size(), 2u);
  const int line = rejects.Col("line"), raw = rejects.Col("raw"), field = rejects.Col("field");
  ASSERT_GE(line, 0);
  ASSERT_GE(raw, 0);
  ASSERT_GE(field, 0);
  EXPECT_EQ(rejects.rows[0][line], "3");
  EXPECT_EQ(rejects.rows[0][raw], "a,2020-13-13,2");
  EXPECT_EQ(rejects.rows[0][field], "ds");
  EXPECT_EQ(rejects.rows[1][line], "5");
  EXPECT_EQ(rejects.rows[1][raw], "b,2020-01-06,x");
  EXPECT_EQ(rejects.rows[1][field], "y");
  Csv fc = ReadCsv(Path("fc.csv"));
  ASSERT_TRUE(fc.ok);
  EXPECT_EQ(fc.rows.size(), 4u);  // both series kept, 2 periods each
}

TEST_F(CliBadInputTest, NegativesAreKeptWithAWarningByDefault) {
  const std::string content = "unique_id,ds,y\na,2020-01-06,1\na,2020-01-13,-2\na,2020-01-20,-5\n";
  ProcessResult kept = ForecastOn("n.csv", content);
  ASSERT_EQ(kept.exit_code, 0) << kept.Describe();
  EXPECT_THAT(kept.err, HasSubstr("warning: 2 negative values were kept"));
  Csv fc = ReadCsv(Path("fc.csv"));
  ASSERT_EQ(fc.rows.size(), 2u);
  EXPECT_EQ(ToDouble(fc.rows[0][fc.Col("yhat")]), -5.0);  // naive: the last value, kept

  ProcessResult rejected = ForecastOn("n2.csv", content, {"--negatives", "error"});
  EXPECT_EQ(rejected.exit_code, kExitDataError) << rejected.Describe();
  EXPECT_THAT(rejected.err, HasSubstr("n2.csv:3:3:"));
  EXPECT_THAT(rejected.err, HasSubstr("negative value -2"));
}

// The "Possible fixes" of an ingestion error must name options the command accepts.
TEST_F(CliBadInputTest, FixHintsNameOptionsTheCommandAccepts) {
  ProcessResult help = Cli({"forecast", "--help"});
  ASSERT_EQ(help.exit_code, 0);
  ProcessResult dup =
      ForecastOn("dup.csv", "unique_id,ds,y\na,2020-01-06,1\na,2020-01-13,2\na,2020-01-13,3\n");
  ProcessResult neg = ForecastOn("neg.csv", "unique_id,ds,y\na,2020-01-06,1\na,2020-01-13,-2\n",
                                 {"--negatives", "error"});
  for (const ProcessResult* r : {&dup, &neg}) {
    ASSERT_EQ(r->exit_code, kExitDataError) << r->Describe();
    size_t fixes = r->err.find("Possible fixes:");
    ASSERT_NE(fixes, std::string::npos) << r->err;
    const std::string hints = r->err.substr(fixes);
    const std::regex option("--([a-z][a-z-]+)");
    for (auto it = std::sregex_iterator(hints.begin(), hints.end(), option);
         it != std::sregex_iterator(); ++it) {
      const std::string name = "--" + (*it)[1].str();
      EXPECT_TRUE(std::regex_search(help.out, std::regex(name + "[ ,=\n]")))
          << "the hint names " << name << ", which `forecast` does not accept:\n"
          << hints;
    }
  }
}

// ---------------------------------------------------------------- usage errors

TEST_F(CliTest, UnknownModelListsTheValidModels) {
  ProcessResult r =
      Cli(Concat({"forecast", "--horizon", "2", "--model", "snaive,prophetx"}, SampleInputArgs()));
  // ModelRegistry::Find returns NotFound (exit 3) for an unknown name.
  EXPECT_EQ(r.exit_code, kExitNotFound) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("'prophetx'"));
  for (const auto& model : kBaselines) EXPECT_THAT(r.err, HasSubstr(model));
}

TEST_F(CliTest, LevelsOutsideZeroToHundredAreUsageErrors) {
  for (const char* levels : {"100", "0", "80,101", "abc"}) {
    ProcessResult r =
        Cli(Concat({"forecast", "--horizon", "2", "--levels", levels}, SampleInputArgs()));
    EXPECT_EQ(r.exit_code, kExitUsage) << levels << ": " << r.Describe();
    EXPECT_THAT(r.err, HasSubstr("level")) << levels;
  }
}

TEST_F(CliTest, UnknownSubcommandIsAUsageError) {
  ProcessResult r = Cli({"frobnicate"});
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
  ProcessResult none = Cli({});
  EXPECT_EQ(none.exit_code, kExitUsage) << none.Describe();
}

// CLI11 reports "A subcommand is required" for `retailcast frobnicate`; the message should name
// the unknown word (house rule: errors name the bad value).
TEST_F(CliTest, UnknownSubcommandIsNamedInTheMessage) {
  ProcessResult r = Cli({"frobnicate"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_THAT(r.out + r.err, HasSubstr("frobnicate")) << r.Describe();
}

TEST_F(CliTest, MissingHorizonIsAUsageError) {
  ProcessResult r = Cli(Concat({"forecast"}, SampleInputArgs()));
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
  EXPECT_THAT(r.out + r.err, HasSubstr("--horizon"));
  ProcessResult zero = Cli(Concat({"forecast", "--horizon", "0"}, SampleInputArgs()));
  EXPECT_EQ(zero.exit_code, kExitUsage) << zero.Describe();
}

TEST_F(CliTest, MissingInputFileIsNotFound) {
  ProcessResult r = Cli({"forecast", "--input", "no_such_file.csv", "--horizon", "2"});
  EXPECT_EQ(r.exit_code, kExitNotFound) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("no_such_file.csv"));
  EXPECT_THAT(r.err, HasSubstr("No such file"));
}

TEST_F(CliTest, InvalidOptionValuesAreUsageErrors) {
  EXPECT_EQ(
      Cli({"forecast", "--input", SampleCsv(), "--horizon", "2", "--format", "xlsx"}).exit_code,
      kExitUsage);
  EXPECT_EQ(Cli({"forecast", "--input", SampleCsv(), "--horizon", "two"}).exit_code, kExitUsage);
  EXPECT_EQ(Cli({"forecast", "--input", SampleCsv(), "--horizon", "2", "--no-such-flag"}).exit_code,
            kExitUsage);
  EXPECT_EQ(Cli({"ingest", "--input", SampleCsv()}).exit_code, kExitUsage);  // no --dataset
}

TEST_F(CliTest, FutureFileErrorsNameTheProblem) {
  std::string train = Write("train.csv",
                            "unique_id,ds,y,price\n"
                            "a,2024-01-01,5,1.5\na,2024-02-01,6,1.5\na,2024-03-01,7,1.4\n");
  std::string future = Write("future.csv", "unique_id,ds,price\na,2024-04-01,1.3\n");
  std::string wrong = Write("wrong.csv", "unique_id,ds,promo\na,2024-04-01,1\n");
  // No exogenous column in the training data: nothing to read from the future file.
  ProcessResult no_exog =
      Cli({"forecast", "--input", train, "--horizon", "1", "--model", "naive", "--future", future});
  EXPECT_EQ(no_exog.exit_code, kExitUsage) << no_exog.Describe();
  EXPECT_THAT(no_exog.err, HasSubstr("--exog"));
  // The future file lacks the training data's exogenous column.
  ProcessResult missing = Cli({"forecast", "--input", train, "--exog", "price", "--horizon", "1",
                               "--model", "naive", "--future", wrong});
  EXPECT_EQ(missing.exit_code, kExitDataError) << missing.Describe();
  EXPECT_THAT(missing.err, HasSubstr("price"));
  // Models without regressors ignore the future values.
  ProcessResult with = Cli({"forecast", "--input", train, "--exog", "price", "--horizon", "1",
                            "--model", "naive", "--future", future, "--output", "with.csv"});
  ASSERT_EQ(with.exit_code, 0) << with.Describe();
  ProcessResult without = Cli({"forecast", "--input", train, "--horizon", "1", "--model", "naive",
                               "--output", "without.csv"});
  ASSERT_EQ(without.exit_code, 0) << without.Describe();
  EXPECT_EQ(ReadFile(Path("with.csv")), ReadFile(Path("without.csv")));
}

// ---------------------------------------------------------------- synth

// Options for a small synthetic panel (2 stores spread over 2 states).
std::vector<std::string> SmallSynth(const std::string& seed) {
  return {"synth", "--stores", "2",  "--states", "2", "--items",
          "5",     "--days",   "60", "--seed",   seed};
}

TEST_F(CliTest, SynthSameSeedSameFileOtherSeedOtherFile) {
  ASSERT_EQ(Cli(Concat(SmallSynth("7"), {"--output", "a.csv"})).exit_code, 0);
  ASSERT_EQ(Cli(Concat(SmallSynth("7"), {"--output", "b.csv"})).exit_code, 0);
  ASSERT_EQ(Cli(Concat(SmallSynth("8"), {"--output", "c.csv"})).exit_code, 0);
  const std::string a = ReadFile(Path("a.csv"));
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(a == ReadFile(Path("b.csv"))) << "same seed, different files";
  EXPECT_FALSE(a == ReadFile(Path("c.csv"))) << "different seeds, same file";
  Csv csv = ParseCsv(a);
  ASSERT_TRUE(csv.ok) << csv.error;
  EXPECT_EQ(csv.header, (std::vector<std::string>{"unique_id", "ds", "y"}));
  std::set<std::string> ids;
  for (const auto& row : csv.rows) ids.insert(row[0]);
  EXPECT_EQ(ids.size(), 10u);
}

// `synth --stores 2` (without --states) must work: the default of 3 states should shrink to
// the number of stores instead of failing.
TEST_F(CliTest, SynthWithFewerStoresThanDefaultStates) {
  ProcessResult r = Cli({"synth", "--stores", "2", "--items", "5", "--days", "60", "--seed", "7",
                         "--output", "a.csv"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(fs::is_regular_file(Path("a.csv")));
}

TEST_F(CliTest, SynthLongTransactionsAndM5AgreeAndIngestBack) {
  ASSERT_EQ(Cli(Concat(SmallSynth("7"), {"--output", "long.csv"})).exit_code, 0);
  ProcessResult tx =
      Cli(Concat(SmallSynth("7"), {"--format", "transactions", "--output", "tx.csv"}));
  ASSERT_EQ(tx.exit_code, 0) << tx.Describe();
  fs::create_directories(Path("m5"));
  ProcessResult m5 = Cli(Concat(SmallSynth("7"), {"--format", "m5", "--output", "m5"}));
  ASSERT_EQ(m5.exit_code, 0) << m5.Describe();

  // Totals: the long file (all stores), the M5 day columns, and the transactions (first store).
  Csv long_csv = ReadCsv(Path("long.csv"));
  ASSERT_TRUE(long_csv.ok);
  double long_total = 0, long_first_store = 0;
  Csv tx_csv = ReadCsv(Path("tx.csv"));
  ASSERT_TRUE(tx_csv.ok) << tx_csv.error;
  ASSERT_GE(tx_csv.Col("store_id"), 0);
  ASSERT_GE(tx_csv.Col("quantity"), 0);
  const std::string tx_store = tx_csv.rows.at(0)[tx_csv.Col("store_id")];
  double tx_total = 0;
  for (const auto& row : tx_csv.rows) {
    EXPECT_EQ(row[tx_csv.Col("store_id")], tx_store);
    tx_total += ToDouble(row[tx_csv.Col("quantity")]);
  }
  for (const auto& row : long_csv.rows) {
    long_total += ToDouble(row[2]);
    if (row[0].size() > tx_store.size() &&
        row[0].compare(row[0].size() - tx_store.size(), tx_store.size(), tx_store) == 0) {
      long_first_store += ToDouble(row[2]);
    }
  }
  EXPECT_GT(long_total, 0);
  EXPECT_EQ(tx_total, long_first_store);
  Csv sales = ReadCsv(Path("m5/sales_train.csv"));
  ASSERT_TRUE(sales.ok) << sales.error;
  EXPECT_EQ(sales.rows.size(), 10u);
  double m5_total = 0;
  for (const auto& row : sales.rows) {
    for (size_t c = 0; c < sales.header.size(); ++c) {
      if (sales.header[c].rfind("d_", 0) == 0) m5_total += ToDouble(row[c]);
    }
  }
  EXPECT_EQ(m5_total, long_total);

  // Each format ingests back.
  ProcessResult l = Cli({"ingest", "--input", "long.csv", "--store", "s.db", "--dataset", "l"});
  ASSERT_EQ(l.exit_code, 0) << l.Describe();
  EXPECT_THAT(l.out, HasSubstr(": 10 series from"));
  EXPECT_THAT(l.out, HasSubstr("observations inserted " + std::to_string(long_csv.rows.size())));
  ProcessResult m = Cli({"ingest", "--format", "m5", "--input", "m5/sales_train.csv", "--calendar",
                         "m5/calendar.csv", "--prices", "m5/sell_prices.csv", "--store", "s.db",
                         "--dataset", "m"});
  ASSERT_EQ(m.exit_code, 0) << m.Describe();
  EXPECT_THAT(m.out, HasSubstr(": 10 series from"));
  ProcessResult t = Cli({"ingest", "--format", "transactions", "--input", "tx.csv", "--id-columns",
                         "store_id,item_id", "--date-column", "date", "--quantity-column",
                         "quantity", "--price-column", "price", "--customer-column", "customer_id",
                         "--store", "s.db", "--dataset", "t"});
  ASSERT_EQ(t.exit_code, 0) << t.Describe();
  EXPECT_THAT(t.out, HasSubstr(": 5 series from"));
}

// The m5 layout goes into a directory; like every other output path it should be created
// when it does not exist yet.
TEST_F(CliTest, SynthM5CreatesTheOutputDirectory) {
  ProcessResult r = Cli(Concat(SmallSynth("7"), {"--format", "m5", "--output", "new_dir"}));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(fs::is_regular_file(Path("new_dir/sales_train.csv")));
}

// ---------------------------------------------------------------- golden forecast

// snaive + naive on the sample, h=13, m=52, against tests/golden (relative tolerance 1e-9).
// RETAILCAST_UPDATE_GOLDEN=1 rewrites the golden file instead (then check it by hand).
TEST_F(CliTest, GoldenWalmart10SnaiveNaive) {
  const std::string golden = SourceDir() + "/tests/golden/walmart10_snaive_naive_h13.csv";
  ProcessResult r = Cli(Concat({"forecast", "--model", "snaive,naive", "--season", "52",
                                "--horizon", "13", "--output", "fc.csv"},
                               SampleInputArgs()));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const char* update = std::getenv("RETAILCAST_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    fs::copy_file(Path("fc.csv"), golden, fs::copy_options::overwrite_existing);
    GTEST_SKIP() << "golden file rewritten: " << golden;
  }
  Csv got = ReadCsv(Path("fc.csv"));
  Csv want = ReadCsv(golden);
  ASSERT_TRUE(want.ok && !want.rows.empty()) << "cannot read " << golden;
  ASSERT_EQ(got.header, want.header);
  ASSERT_EQ(got.rows.size(), want.rows.size());
  for (size_t i = 0; i < want.rows.size(); ++i) {
    for (size_t c = 0; c < 3; ++c) ASSERT_EQ(got.rows[i][c], want.rows[i][c]) << "row " << i + 2;
    for (size_t c = 3; c < want.header.size(); ++c) {
      EXPECT_TRUE(NearRelative(ToDouble(got.rows[i][c]), ToDouble(want.rows[i][c]), 1e-9))
          << "row " << i + 2 << " " << want.header[c] << ": got " << got.rows[i][c] << ", want "
          << want.rows[i][c];
    }
  }

  // The golden values themselves, from the data: snaive is the value 52 weeks before, naive
  // the last value.
  Csv data = ReadCsv(SampleCsv());
  ASSERT_TRUE(data.ok);
  auto iso = [](const std::string& dmy) {  // dd-mm-yyyy -> yyyy-mm-dd
    return dmy.substr(6, 4) + "-" + dmy.substr(3, 2) + "-" + dmy.substr(0, 2);
  };
  std::map<std::pair<std::string, std::string>, double> value;
  std::map<std::string, std::pair<std::string, double>> last;
  for (const auto& row : data.rows) {
    const std::string ds = iso(row[1]);
    value[{row[0], ds}] = ToDouble(row[2]);
    if (last[row[0]].first < ds) last[row[0]] = {ds, ToDouble(row[2])};
  }
  auto minus_weeks = [](const std::string& ds, int weeks) {
    std::tm tm{};
    tm.tm_year = std::stoi(ds.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(ds.substr(5, 2)) - 1;
    tm.tm_mday = std::stoi(ds.substr(8, 2)) - 7 * weeks;
    tm.tm_hour = 12;
    std::mktime(&tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return std::string(buf);
  };
  size_t checked = 0;
  for (const auto& row : want.rows) {
    const double yhat = ToDouble(row[3]);
    if (row[2] == "snaive") {
      auto it = value.find({row[0], minus_weeks(row[1], 52)});
      ASSERT_NE(it, value.end()) << row[0] << " " << row[1];
      EXPECT_EQ(yhat, it->second) << row[0] << " " << row[1];
      ++checked;
    } else if (row[2] == "naive") {
      EXPECT_EQ(yhat, last[row[0]].second) << row[0] << " " << row[1];
      ++checked;
    }
  }
  EXPECT_EQ(checked, 10u * 13u * 2u);
}

}  // namespace
}  // namespace retailcast::cli_test
