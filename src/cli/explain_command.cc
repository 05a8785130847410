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
#include "retailcast/atomic_file.h"
#include "retailcast/csv.h"
#include "retailcast/forecast_csv.h"
#include "retailcast/long_csv.h"
#include "retailcast/registry.h"
#include "retailcast/thread_pool.h"

namespace retailcast::cli {
namespace {

struct ExplainArgs {
  InputOptions in;
  int horizon = 0;
  std::string model = "additive";
  std::vector<std::string> params;
  std::string future;
  std::vector<std::string> series;
  std::string output;
  std::string forecast_output;
  std::string levels = "80,95";
  int max_print = 3;
  int threads = 0;
};

// The future file: unique_id (the input's id columns), ds (its date column) and regressor
// columns, read with the long CSV reader on the panel's frequency. Every other column is a
// regressor; the target column, when present, only carries the rows.
Result<Panel> ReadFuture(const ExplainArgs& a, const Frequency& freq) {
  RETAILCAST_ASSIGN_OR_RETURN(io::CsvFile file, io::CsvFile::Open(a.future));
  io::CsvReader header(file, io::CsvOptions{});
  RETAILCAST_RETURN_IF_ERROR(header.ReadHeader());
  io::LongCsvOptions o;
  o.id_columns = a.in.id_columns;
  if (!a.in.series_id.empty()) o.fixed_id = a.in.series_id;
  o.date_column = a.in.date_column;
  o.freq = freq;
  if (!a.in.date_format.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(o.date_format, ParseDateFormatName(a.in.date_format));
  }
  std::vector<std::string> columns;
  bool has_target = false;
  for (const std::string& c : header.header()) {
    if (c == a.in.target_column) {
      has_target = true;
    } else if (c != a.in.date_column && std::find(a.in.id_columns.begin(), a.in.id_columns.end(),
                                                  c) == a.in.id_columns.end()) {
      columns.push_back(c);
    }
  }
  if (columns.empty()) {
    return Status::InvalidArgument("future file " + a.future +
                                   " has no regressor columns besides the id and date columns");
  }
  // The reader needs a value column; without the target any regressor column serves, since
  // the regressors are read again as exogenous columns.
  o.value_column = has_target ? a.in.target_column : columns.front();
  for (const std::string& c : columns) o.exog_columns.push_back({c, io::ValueKind::kFlag});
  RETAILCAST_ASSIGN_OR_RETURN(io::LoadedPanel loaded, io::ReadLongCsvFile(file, o));
  return std::move(loaded.panel);
}

// Known future values of one series: the future panel's columns from the first forecast date.
// Absent series or columns give no values (the model names what it misses).
FutureRegressors FutureOf(const Panel* future, std::string_view id, Date first,
                          const Frequency& freq) {
  FutureRegressors f;
  f.start = first;
  f.freq = freq;
  if (future == nullptr) return f;
  const auto i = future->Find(id);
  if (!i) return f;
  auto offset = freq.StepsBetween(future->start(*i), first);
  for (size_t k = 0; k < future->num_exog(); ++k) {
    std::span<const double> v = future->exog(k, *i);
    if (!offset.ok() || *offset < 0 || static_cast<size_t>(*offset) >= v.size()) {
      v = {};
    } else {
      v = v.subspan(static_cast<size_t>(*offset));
    }
    f.names.push_back(future->exog_name(k));
    f.values.push_back(v);
  }
  return f;
}

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

Status RunExplain(const ExplainArgs& a) {
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<double> levels, ParseLevels(a.levels));
  RETAILCAST_ASSIGN_OR_RETURN(auto models, BuildModels(a.model, 0, a.params));
  if (models.size() != 1) {
    return Status::InvalidArgument("explain takes one model, got '" + a.model + "'");
  }
  const eval::ModelInstance& model = models.front();
  if (model.global) {
    // A global model is trained on the whole panel, so refitting it on each series alone (as
    // explain does) would explain a different model; say so before any training.
    return Status::InvalidArgument(
        "model '" + model.spec.label +
        "' is a global model and does not split its forecast into components; `retailcast "
        "forecast --model " +
        model.spec.label +
        " --importance FILE` writes its feature gain shares, or use --model additive");
  }
  RETAILCAST_ASSIGN_OR_RETURN(Panel panel, LoadPanelForCommand(a.in));
  std::optional<Panel> future;
  if (!a.future.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(future, ReadFuture(a, panel.freq()));
    future->BuildIdIndex();
  }
  std::vector<size_t> chosen;
  if (a.series.empty()) {
    for (size_t i = 0; i < panel.num_series(); ++i) chosen.push_back(i);
  } else {
    for (const std::string& id : a.series) {
      auto i = panel.Find(id);
      if (!i) return Status::NotFound("series '" + id + "' is not in the input");
      chosen.push_back(*i);
    }
  }
  PredictRequest base;
  base.horizon = a.horizon;
  base.levels = levels;
  RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(base));

  std::vector<Result<Forecast>> results(chosen.size(), Status::Internal("not run"));
  ThreadPool pool(a.threads);
  pool.ParallelFor(chosen.size(), [&](size_t j) {
    const SeriesView s = panel.series(chosen[j]);
    auto fitted = model.estimator->Fit(s);
    if (!fitted.ok()) {
      results[j] = fitted.status();
      return;
    }
    const Date first = panel.freq().Advance(s.start, static_cast<int64_t>(s.y.size()));
    const FutureRegressors f = FutureOf(future ? &*future : nullptr, s.id, first, panel.freq());
    PredictRequest req = base;
    req.future = &f;
    results[j] = (*fitted)->Predict(req);
  });

  std::vector<eval::SeriesError> errors;
  ForecastTable table;
  table.levels = levels;
  std::string csv = "unique_id,ds,model,component,value\n";
  int printed = 0;
  for (size_t j = 0; j < chosen.size(); ++j) {
    const size_t i = chosen[j];
    const std::string id(panel.id(i));
    if (!results[j].ok()) {
      errors.push_back({id, model.spec.label, results[j].status()});
      continue;
    }
    const Forecast& fc = *results[j];
    if (fc.components.empty()) {
      return Status::InvalidArgument("model '" + model.spec.label +
                                     "' does not return components; use --model additive");
    }
    const Date first = panel.freq().Advance(panel.end(i), 1);
    if (printed < a.max_print) {
      PrintSeries(id, model.spec.label, first, panel.freq(), fc);
      ++printed;
    }
    for (size_t t = 0; t < fc.mean.size(); ++t) {
      const std::string prefix = [&] {
        std::string p;
        io::AppendCsvField(&p, id);
        return p + "," + panel.freq().Advance(first, static_cast<int64_t>(t)).ToString() + ",";
      }();
      std::string label;
      io::AppendCsvField(&label, model.spec.label);
      csv += prefix + label + ",yhat," + Exact(fc.mean[t]) + "\n";
      for (size_t c = 0; c < fc.components.size(); ++c) {
        std::string name;
        io::AppendCsvField(&name, fc.component_names[c]);
        csv += prefix + label + "," + name + "," + Exact(fc.components[c][t]) + "\n";
      }
    }
    RETAILCAST_RETURN_IF_ERROR(eval::AppendForecastRows(id, panel.end(i), panel.freq(),
                                                        model.spec.label, fc, base, &table.rows));
  }
  if (printed < static_cast<int>(chosen.size() - errors.size())) {
    std::printf("\n(%zu more series in the exports; --max-print shows more)\n",
                chosen.size() - errors.size() - static_cast<size_t>(printed));
  }
  PrintSeriesErrors(errors);
  if (!chosen.empty() && errors.size() == chosen.size()) {
    return errors.front().status.WithContext("series '" + errors.front().unique_id + "'");
  }
  if (!a.output.empty()) {
    RETAILCAST_RETURN_IF_ERROR(io::WriteFileAtomic(a.output, csv));
    std::fprintf(stderr, "wrote components to %s\n", a.output.c_str());
  }
  if (!a.forecast_output.empty()) {
    RETAILCAST_RETURN_IF_ERROR(io::WriteForecastCsv(a.forecast_output, table));
    std::fprintf(stderr, "wrote %zu forecast rows to %s\n", table.rows.size(),
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
