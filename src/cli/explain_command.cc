// `retailcast explain`: fit a model that explains itself (additive by default) on each series,
// forecast, and print and export the forecast's components per date (trend, each
// seasonality, each holiday and event, each regressor), with their totals and shares of the
// forecast, so a planner can see how much of next week comes from the promotion.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/core/registry.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/eval/artifact.h"
#include "retailcast/eval/model_runner.h"
#include "retailcast/io/atomic_file.h"
#include "retailcast/io/csv.h"
#include "retailcast/io/forecast_csv.h"

namespace retailcast::cli {
namespace {

struct ExplainArgs {
  InputOptions in;
  int horizon = 0;
  std::string model = "additive";
  std::vector<std::string> params;
  std::string future;
  std::vector<std::string> series;
  std::string artifact;  // id or name; empty = fit on the input
  std::string output;
  std::string forecast_output;
  std::string levels = "80,95";
  int max_print = 3;
  int threads = 0;
};

// Readable on screen: whole numbers for sales-sized values, more digits for small ones
// (e.g. log-scale series). Exports use every digit.
std::string Number(double v) {
  char buf[48];
  const double a = std::abs(v);
  std::snprintf(buf, sizeof buf, a >= 1000 ? "%.0f" : a >= 1 ? "%.2f" : "%.4g", v);
  return buf;
}

std::string Exact(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// One series' components as a fixed-width table with total and share rows. Components that
// are zero over the whole horizon (holidays that do not fall in it) are left off the screen.
void PrintSeries(std::string_view id, std::string_view model, Date first, const Frequency& freq,
                 const Forecast& fc) {
  std::vector<size_t> shown;
  for (size_t c = 0; c < fc.components.size(); ++c) {
    const auto& v = fc.components[c];
    if (c == 0 || std::any_of(v.begin(), v.end(), [](double x) { return x != 0; })) {
      shown.push_back(c);
    }
  }
  std::vector<std::string> header = {"ds", "yhat"};
  for (size_t c : shown) header.push_back(fc.component_names[c]);
  std::vector<std::vector<std::string>> rows;
  std::vector<double> totals(shown.size(), 0.0);
  double total_mean = 0;
  for (size_t t = 0; t < fc.mean.size(); ++t) {
    std::vector<std::string> row = {freq.Advance(first, static_cast<int64_t>(t)).ToString(),
                                    Number(fc.mean[t])};
    total_mean += fc.mean[t];
    for (size_t j = 0; j < shown.size(); ++j) {
      row.push_back(Number(fc.components[shown[j]][t]));
      totals[j] += fc.components[shown[j]][t];
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::string> total = {"total", Number(total_mean)};
  std::vector<std::string> share = {"share %", "100"};
  for (double v : totals) {
    total.push_back(Number(v));
    share.push_back(total_mean != 0 ? Number(100.0 * v / total_mean) : "");
  }
  rows.push_back(std::move(total));
  rows.push_back(std::move(share));
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& r : rows) width[c] = std::max(width[c], r[c].size());
  }
  std::printf(
      "\nseries %.*s, model %.*s: %zu periods from %s (components in units of y; they "
      "add up to yhat)\n",
      static_cast<int>(id.size()), id.data(), static_cast<int>(model.size()), model.data(),
      fc.mean.size(), first.ToString().c_str());
  auto print_row = [&](const std::vector<std::string>& r) {
    for (size_t c = 0; c < r.size(); ++c) {
      std::printf(c == 0 ? "%-*s" : "  %*s", static_cast<int>(width[c]), r[c].c_str());
    }
    std::printf("\n");
  };
  print_row(header);
  for (const auto& r : rows) print_row(r);
  if (shown.size() < fc.components.size()) {
    std::printf("(%zu components are zero over these dates and not shown; exports have them)\n",
                fc.components.size() - shown.size());
  }
}

// One series to explain: its id, last training date and frequency, and its forecast.
struct Explained {
  std::string id;
  std::string label;  // the model's
  Date last;
  Frequency freq;
  Result<Forecast> forecast = Status::Internal("not run");
};

// The global-model refusal, before any training: a global model is fitted on a whole panel,
// so one series' forecast has no components of its own.
Status RefuseGlobal(std::string_view label) {
  return Status::InvalidArgument(
      "model '" + std::string(label) +
      "' is a global model and does not split its forecast into components; `retailcast "
      "forecast --model " +
      std::string(label) +
      " --importance FILE` writes its feature gain shares, or use --model additive");
}

// Forecasts of the chosen series from a stored artifact (model a.model of it).
Result<std::vector<Explained>> ExplainArtifact(const ExplainArgs& a, const PredictRequest& base,
                                               ThreadPool& pool) {
  RETAILCAST_ASSIGN_OR_RETURN(auto db, OpenExistingStore(a.in.store));
  RETAILCAST_ASSIGN_OR_RETURN(std::shared_ptr<const eval::LoadedArtifact> artifact,
                              eval::LoadArtifact(*db, a.artifact, BuiltinRegistry()));
  const eval::LoadedModelSet& set = artifact->models;
  const std::optional<size_t> j = set.FindModel(a.model);
  if (!j) {
    std::string labels;
    for (const auto& m : set.models()) labels += (labels.empty() ? "" : ", ") + m.spec.label;
    return Status::InvalidArgument("artifact " + eval::DescribeArtifact(artifact->record) +
                                   " has no model '" + a.model + "' (models: " + labels + ")");
  }
  if (set.models()[*j].global) return RefuseGlobal(a.model);
  std::vector<size_t> chosen;
  if (a.series.empty()) {
    for (size_t i = 0; i < set.series().size(); ++i) chosen.push_back(i);
  }
  for (const std::string& id : a.series) {
    auto i = set.Find(id);
    if (!i) return Status::NotFound("series '" + id + "' is not in the artifact");
    chosen.push_back(*i);
  }
  Panel future;
  if (!a.future.empty() && !set.series().empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(future,
                                LoadFuturePanel(a.in, a.future, set.series().front().freq, {"*"}));
    future.BuildIdIndex();
  }
  std::vector<Explained> out(chosen.size());
  pool.ParallelFor(chosen.size(), [&](size_t k) {
    const eval::LoadedModelSet::Series& s = set.series()[chosen[k]];
    out[k].id = s.unique_id;
    out[k].label = set.models()[*j].spec.label;
    out[k].last = s.last_date;
    out[k].freq = s.freq;
    eval::SeriesFuture f;
    PredictRequest req = base;
    if (!a.future.empty()) {
      eval::FutureFromPanel(future, s.unique_id, s.last_date, req.horizon, &f);
      req.future = &f.regressors;
    }
    ThreadPool inline_pool(1);
    out[k].forecast = eval::PredictOne(set, chosen[k], *j, req, inline_pool);
  });
  return out;
}

// Forecasts of the chosen series of the input, the model fitted on each.
Result<std::vector<Explained>> ExplainInput(const ExplainArgs& a, const PredictRequest& base,
                                            ThreadPool& pool) {
  RETAILCAST_ASSIGN_OR_RETURN(auto models, BuildModels(a.model, 0, a.params));
  if (models.size() != 1) {
    return Status::InvalidArgument("explain takes one model, got '" + a.model + "'");
  }
  const eval::ModelInstance& model = models.front();
  if (model.global) return RefuseGlobal(model.spec.label);
  RETAILCAST_ASSIGN_OR_RETURN(Panel panel, LoadPanelForCommand(a.in));
  Panel future;
  if (!a.future.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(future, LoadFuturePanel(a.in, a.future, panel.freq(), {"*"}));
    future.BuildIdIndex();
  }
  std::vector<size_t> chosen;
  if (a.series.empty()) {
    for (size_t i = 0; i < panel.num_series(); ++i) chosen.push_back(i);
  }
  for (const std::string& id : a.series) {
    auto i = panel.Find(id);
    if (!i) return Status::NotFound("series '" + id + "' is not in the input");
    chosen.push_back(*i);
  }
  std::vector<Explained> out(chosen.size());
  pool.ParallelFor(chosen.size(), [&](size_t k) {
    const SeriesView s = panel.series(chosen[k]);
    out[k].id = std::string(s.id);
    out[k].label = model.spec.label;
    out[k].last = panel.end(chosen[k]);
    out[k].freq = panel.freq();
    eval::SeriesFuture f;
    PredictRequest req = base;
    if (!a.future.empty()) {
      eval::FutureFromPanel(future, s.id, out[k].last, req.horizon, &f);
      req.future = &f.regressors;
    }
    out[k].forecast = eval::FitAndPredict(*model.estimator, s, req);
  });
  return out;
}

Status RunExplain(const ExplainArgs& a) {
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<double> levels, ParseLevels(a.levels));
  PredictRequest base;
  base.horizon = a.horizon;
  base.levels = levels;
  RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(base));
  ThreadPool pool(a.threads);
  RETAILCAST_ASSIGN_OR_RETURN(
      std::vector<Explained> explained,
      a.artifact.empty() ? ExplainInput(a, base, pool) : ExplainArtifact(a, base, pool));

  std::vector<eval::SeriesError> errors;
  ForecastTable table(levels);
  std::string csv = "unique_id,ds,model,component,value\n";
  int printed = 0;
  for (const Explained& e : explained) {
    if (!e.forecast.ok()) {
      errors.push_back({e.id, e.label, e.forecast.status()});
      continue;
    }
    const Forecast& fc = *e.forecast;
    if (fc.components.empty()) {
      return Status::InvalidArgument("model '" + e.label +
                                     "' does not return components; use --model additive");
    }
    const Date first = e.freq.Advance(e.last, 1);
    if (printed < a.max_print) {
      PrintSeries(e.id, e.label, first, e.freq, fc);
      ++printed;
    }
    std::string id, label;
    io::AppendCsvField(&id, e.id);
    io::AppendCsvField(&label, e.label);
    for (size_t t = 0; t < fc.mean.size(); ++t) {
      const std::string prefix =
          id + "," + e.freq.Advance(first, static_cast<int64_t>(t)).ToString() + "," + label + ",";
      csv += prefix + "yhat," + Exact(fc.mean[t]) + "\n";
      for (size_t c = 0; c < fc.components.size(); ++c) {
        std::string name;
        io::AppendCsvField(&name, fc.component_names[c]);
        csv += prefix + name + "," + Exact(fc.components[c][t]) + "\n";
      }
    }
    table.AppendForecast(e.id, e.label, e.last, e.freq, fc);
  }
  if (printed < static_cast<int>(explained.size() - errors.size())) {
    std::printf("\n(%zu more series in the exports; --max-print shows more)\n",
                explained.size() - errors.size() - static_cast<size_t>(printed));
  }
  PrintNote(eval::FormatSeriesErrors(errors));
  if (!explained.empty() && errors.size() == explained.size()) {
    return errors.front().status.WithContext("series '" + errors.front().unique_id + "'");
  }
  if (!a.output.empty()) {
    RETAILCAST_RETURN_IF_ERROR(io::WriteFileAtomic(a.output, csv));
    std::fprintf(stderr, "wrote components to %s\n", a.output.c_str());
  }
  if (!a.forecast_output.empty()) {
    RETAILCAST_RETURN_IF_ERROR(io::WriteForecastCsv(a.forecast_output, table));
    std::fprintf(stderr, "wrote %zu forecast rows to %s\n", table.size(),
                 a.forecast_output.c_str());
  }
  return Status::Ok();
}

}  // namespace

void AddExplainCommand(CLI::App& app, Action* action) {
  auto a = std::make_shared<ExplainArgs>();
  auto* cmd = app.add_subcommand(
      "explain",
      "Forecast and show what the forecast is made of: trend, seasonalities, holidays, events "
      "and regressors per date (additive model)");
  AddInputOptions(cmd, &a->in);
  AddStoreOptions(cmd, &a->in, false);
  cmd->add_option("--horizon,-H", a->horizon, "Periods to forecast")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--model,-m", a->model, "A model that returns components (additive)");
  cmd->add_option("--params", a->params,
                  "Parameter overrides, e.g. additive:regressors=Temperature+Holiday_Flag");
  cmd->add_option("--future", a->future,
                  "Known future regressor values: CSV with the input's id and date columns and "
                  "one column per regressor, covering the horizon");
  cmd->add_option("--series", a->series, "Only these series (repeatable; default: all)");
  cmd->add_option("--artifact", a->artifact,
                  "Explain the forecasts of a trained artifact (id or name) in --store; --model "
                  "names the model of the artifact");
  cmd->add_option("--output,-o", a->output,
                  "Components CSV unique_id,ds,model,component,value (component yhat = the "
                  "forecast)");
  cmd->add_option("--forecast-output", a->forecast_output,
                  "Forecast CSV unique_id,ds,model,yhat,lo80,hi80,lo95,hi95");
  cmd->add_option("--levels", a->levels, "Interval levels in percent, comma-separated");
  cmd->add_option("--max-print", a->max_print, "Series printed to stdout (default 3)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--threads", a->threads, "Worker threads (default: all cores)");
  cmd->callback([action, a] { *action = [a] { return RunExplain(*a); }; });
}

}  // namespace retailcast::cli
