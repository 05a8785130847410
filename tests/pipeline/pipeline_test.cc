#include "retailcast/pipeline/pipeline.h"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "io/test_util.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/pipeline/config.h"

namespace retailcast::pipeline {
namespace {

using io::testing::TempDir;

const std::string kSample =
    std::string(RETAILCAST_SOURCE_DIR) + "/data/sample/walmart_store_sales_10.csv";

// Keeps what the pipeline reports.
class Recorder final : public PipelineObserver {
 public:
  void Step(std::string_view step, std::string_view) override { steps.emplace_back(step); }
  void Result(std::string_view text) override { results += text; }
  void Note(std::string_view text) override { notes += text; }
  eval::ProgressFn Progress(std::string_view, std::string_view) override { return nullptr; }
  std::vector<std::string> steps;
  std::string results, notes;
};

std::string SampleConfig(const TempDir& dir, const std::string& extra) {
  return dir.Write("config.json", R"({"store": ")" + dir.path("rc.db") +
                                      R"(", "dataset": "walmart", "output_dir": ")" +
                                      dir.path("out") + R"(", "horizon": 8, "season_length": 52,
      "input": {"path": ")" + kSample +
                                      R"(", "id_columns": ["Store"], "date_column": "Date",
                "target_column": "Weekly_Sales", "date_format": "dd-mm-yyyy",
                "flag_columns": ["Holiday_Flag"]})" +
                                      extra + "}");
}

// Every key of every table is unique, and so is every flag, across the tables one command
// registers together; a config file can set each key.
TEST(OptionTablesTest, KeysAndFlagsAreUniqueAndEveryKeyIsReadable) {
  std::set<std::string> flags;
  auto add_flags = [&flags](auto table) {
    std::set<std::string> keys;
    for (const auto& row : table) {
      EXPECT_TRUE(keys.insert(std::string(row.key)).second) << row.key;
      std::string names(row.flag);
      size_t pos = 0;
      while (pos <= names.size()) {
        size_t comma = names.find(',', pos);
        std::string name = names.substr(pos, comma == std::string::npos ? names.npos : comma - pos);
        EXPECT_TRUE(flags.insert(name).second) << name;
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
      EXPECT_FALSE(row.help.empty()) << row.key;
    }
  };
  add_flags(RunOptionTable());
  add_flags(InputOptionTable());
  add_flags(PrepOptionTable());
  add_flags(BacktestOptionTable());
}

TEST(RunConfigTest, ReadsEverySectionAndCheckedValues) {
  TempDir dir;
  auto c = ReadRunConfig(SampleConfig(dir, R"(, "models": ["naive", "snaive"],
      "params": {"snaive": {"season_length": 52}}, "levels": [50, 90],
      "prepare": {"fill": "zero", "outliers": "flag"},
      "backtest": {"windows": 2, "refit": false, "select_by": "RMSE"})"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->models, (std::vector<std::string>{"naive", "snaive"}));
  EXPECT_EQ(c->params, (std::vector<std::string>{"snaive:season_length=52"}));
  EXPECT_EQ(c->levels, (std::vector<double>{50, 90}));
  EXPECT_EQ(c->prepare.fill, "zero");
  EXPECT_EQ(c->prepare.outliers, "flag");
  EXPECT_EQ(c->backtest.windows, 2);
  EXPECT_FALSE(c->backtest.refit);
  EXPECT_EQ(c->input.flags, (std::vector<std::string>{"Holiday_Flag"}));
}

TEST(RunConfigTest, BadFilesNameTheKey) {
  TempDir dir;
  auto unknown = ReadRunConfig(SampleConfig(dir, R"(, "prepare": {"fil": "zero"})"));
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("'prepare.fil'"), std::string::npos)
      << unknown.status().ToString();
  EXPECT_NE(unknown.status().message().find("fill"), std::string::npos);
  auto top = ReadRunConfig(SampleConfig(dir, R"(, "modles": ["naive"])"));
  EXPECT_NE(top.status().message().find("'modles'"), std::string::npos);
  EXPECT_NE(top.status().message().find("input, prepare, backtest"), std::string::npos);
  auto type = ReadRunConfig(SampleConfig(dir, R"(, "backtest": {"windows": "3"})"));
  EXPECT_NE(type.status().message().find("'backtest.windows' must be an integer, got string"),
            std::string::npos)
      << type.status().ToString();
  auto choice = ReadRunConfig(SampleConfig(dir, R"(, "prepare": {"fill": "mean"})"));
  EXPECT_NE(choice.status().message().find("expected one of missing, zero, linear, seasonal"),
            std::string::npos)
      << choice.status().ToString();
  auto no_horizon =
      ReadRunConfig(dir.Write("c2.json", R"({"dataset": "d", "input": {"path": "x"}})"));
  EXPECT_NE(no_horizon.status().message().find("'horizon' must be at least 1"), std::string::npos);
  EXPECT_EQ(ReadRunConfig(dir.path("absent.json")).status().code(), StatusCode::kNotFound);
  auto not_json = ReadRunConfig(dir.Write("c3.json", "{\"horizon\": "));
  EXPECT_EQ(not_json.status().code(), StatusCode::kInvalidArgument);
}

TEST(PipelineTest, RunsEveryStepAndWritesItsFiles) {
  TempDir dir;
  auto c = ReadRunConfig(SampleConfig(dir, R"(, "models": ["naive", "snaive", "theta", "gbm"],
      "prepare": {"fill": "linear"}, "backtest": {"windows": 2})"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Recorder r;
  auto result = RunPipeline(*c, BuiltinRegistry(), r);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(r.steps, (std::vector<std::string>{"1/5 ingest", "2/5 describe", "3/5 backtest",
                                               "4/5 train", "5/5 forecast"}));
  // 10 stores x 143 weeks is below min_global_rows: gbm is left out, and says why.
  EXPECT_NE(r.notes.find("model 'gbm' left out"), std::string::npos) << r.notes;
  EXPECT_EQ(result->backtest.models, (std::vector<std::string>{"naive", "snaive", "theta"}));
  EXPECT_NE(r.results.find("filled 0 missing values (linear)"), std::string::npos) << r.results;
  EXPECT_EQ(result->forecasts.size(), 10u * 8u * 3u);
  EXPECT_EQ(result->best.size(), 10u * 8u);
  EXPECT_EQ(result->best.blocks().size(), 10u);
  EXPECT_EQ(result->artifact.version, 1);
  EXPECT_TRUE(result->artifact.promoted);
  for (const std::string& f : result->files) EXPECT_TRUE(std::filesystem::exists(f)) << f;
  EXPECT_EQ(result->files.size(), 6u);
  // A second run ingests nothing new and makes the next artifact version.
  Recorder again;
  auto second = RunPipeline(*c, BuiltinRegistry(), again);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->ingest.already_ingested);
  EXPECT_EQ(second->ingest.observations_inserted, 0);
  EXPECT_EQ(second->artifact.version, 2);
  EXPECT_EQ(second->forecasts.yhat_column().size(), result->forecasts.yhat_column().size());
  for (size_t k = 0; k < result->forecasts.size(); ++k) {
    EXPECT_EQ(second->forecasts.yhat(k), result->forecasts.yhat(k)) << k;
  }
}

// The bundled main job's shape: additive with the holiday flag as a regressor, its future
// values from a file that holds only that column.
TEST(PipelineTest, RegressorsComeFromTheFutureFile) {
  TempDir dir;
  const std::string future = RETAILCAST_SOURCE_DIR "/data/sample/walmart_store_sales_10_future.csv";
  auto c = ReadRunConfig(SampleConfig(dir, R"(, "models": ["additive"],
      "params": ["additive:regressors=Holiday_Flag"], "backtest": {"windows": 1},
      "future": ")" + future + R"(")"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Recorder r;
  auto result = RunPipeline(*c, BuiltinRegistry(), r);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->best.size(), 10u * 8u);

  // A wrong path fails before any step, not after the backtest and the training.
  c->future = dir.path("absent.csv");
  Recorder none;
  auto absent = RunPipeline(*c, BuiltinRegistry(), none);
  EXPECT_EQ(absent.status().code(), StatusCode::kNotFound);
  EXPECT_NE(absent.status().message().find("absent.csv"), std::string::npos);
  EXPECT_TRUE(none.steps.empty());
}

TEST(PipelineTest, ErrorsStopTheRunWithTheirCause) {
  TempDir dir;
  auto c = ReadRunConfig(SampleConfig(dir, R"(, "models": ["nope"])"));
  ASSERT_TRUE(c.ok());
  Recorder r;
  auto unknown = RunPipeline(*c, BuiltinRegistry(), r);
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("unknown model 'nope'"), std::string::npos);
  c->models = {"snaive"};
  c->input.path = dir.Write("bad.csv",
                            "Store,Date,Weekly_Sales,Holiday_Flag\n"
                            "1,05-02-2010,10,0\n1,12-02-2010,x,0\n");
  auto bad = RunPipeline(*c, BuiltinRegistry(), r);
  EXPECT_EQ(bad.status().code(), StatusCode::kDataError);
  EXPECT_NE(bad.status().message().find("bad.csv:3"), std::string::npos) << bad.status().ToString();
  c->input.path.clear();
  EXPECT_EQ(RunPipeline(*c, BuiltinRegistry(), r).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace retailcast::pipeline
