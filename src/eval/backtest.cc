#include "retailcast/eval/backtest.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <sstream>
#include <utility>

#include "global_support.h"
#include "progress.h"
#include "retailcast/eval/model_runner.h"
#include "retailcast/io/atomic_file.h"

namespace retailcast::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Status ValidateOptions(const Panel& panel, const BacktestOptions& o) {
  if (o.horizon < 1) {
    return Status::InvalidArgument("backtest horizon must be >= 1, got " +
                                   std::to_string(o.horizon));
  }
  if (o.windows < 1) {
    return Status::InvalidArgument("backtest windows must be >= 1, got " +
                                   std::to_string(o.windows));
  }
  if (o.step < 0) {
    return Status::InvalidArgument("backtest step must be >= 1 (or 0 = horizon), got " +
                                   std::to_string(o.step));
  }
  if (o.min_train_length < 1) {
    return Status::InvalidArgument("min_train_length must be >= 1, got " +
                                   std::to_string(o.min_train_length));
  }
  if (o.season_length < 0) {
    return Status::InvalidArgument("season length must be >= 0 (0 = frequency default), got " +
                                   std::to_string(o.season_length));
  }
  PredictRequest req{o.horizon, o.levels};
  RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(req));
  std::vector<std::string> valid = MetricNames(o.levels);
  for (const auto& m : o.metrics) {
    if (std::find(valid.begin(), valid.end(), m) == valid.end()) {
      std::string list;
      for (const auto& v : valid) list += (list.empty() ? "" : ", ") + v;
      return Status::InvalidArgument("unknown backtest metric '" + m + "'; valid metrics: " + list);
    }
  }
  if (!o.price_column.empty() && !panel.FindExog(o.price_column).has_value()) {
    return Status::InvalidArgument("price column '" + o.price_column +
                                   "' is not an exogenous column of the panel");
  }
  return Status::Ok();
}

// Where the windows of one series are: cutoffs[w] training values for window w, usable[w]
// when the window is scored.
struct WindowPlan {
  std::vector<int64_t> cutoffs;
  std::vector<bool> usable;
  int first = -1, last = -1;  // first and last usable window; -1 when none is
};

WindowPlan PlanWindows(const SeriesView& view, const BacktestOptions& o,
                       std::vector<BacktestIssue>* skipped) {
  WindowPlan plan;
  const int64_t n = static_cast<int64_t>(view.y.size());
  plan.cutoffs.resize(static_cast<size_t>(o.windows));
  plan.usable.assign(static_cast<size_t>(o.windows), false);
  for (int w = 0; w < o.windows; ++w) {
    int64_t c = n - o.horizon - static_cast<int64_t>(o.windows - 1 - w) * o.step;
    plan.cutoffs[static_cast<size_t>(w)] = c;
    if (c < o.min_train_length) {
      skipped->push_back(BacktestIssue{
          std::string(view.id), w, "",
          Status::DataError("series '" + std::string(view.id) + "' has " + std::to_string(n) +
                            " observations; window " + std::to_string(w) + " needs at least " +
                            std::to_string(o.min_train_length + o.horizon +
                                           static_cast<int64_t>(o.windows - 1 - w) * o.step) +
                            " (min_train_length + horizon + later windows x step)")});
      continue;
    }
    bool any_actual = false;
    for (int64_t t = c; t < c + o.horizon; ++t) {
      if (!std::isnan(view.y[static_cast<size_t>(t)])) any_actual = true;
    }
    if (!any_actual) {
      skipped->push_back(BacktestIssue{
          std::string(view.id), w, "",
          Status::DataError("series '" + std::string(view.id) + "', window " + std::to_string(w) +
                            ": every actual of the test part is missing")});
      continue;
    }
    plan.usable[static_cast<size_t>(w)] = true;
    if (plan.first < 0) plan.first = w;
    plan.last = w;
  }
  return plan;
}

// Records the outcome of one (series, window, model): its metrics or its error.
class WindowScorer {
 public:
  WindowScorer(const SeriesView& view, std::span<const double> price, size_t series,
               const BacktestOptions& o, const WindowPlan& plan, SeriesBacktest* out)
      : view_(view), price_(price), series_(series), o_(o), plan_(plan), out_(out) {}

  void Fail(int w, const std::string& label, const Status& s) const {
    out_->errors.push_back(
        BacktestIssue{std::string(view_.id), w, label,
                      s.WithContext("series '" + std::string(view_.id) + "', window " +
                                    std::to_string(w) + ", model '" + label + "'")});
  }

  // Scores window w on `fc` (a forecast of exactly o.horizon steps after the window's cutoff).
  void Score(int w, size_t model, const std::string& label, const Forecast& fc) const {
    const int64_t c = plan_.cutoffs[static_cast<size_t>(w)];
    ScoreInput in;
    in.train = view_.y.first(static_cast<size_t>(c));
    if (!price_.empty()) in.train_price = price_.first(static_cast<size_t>(c));
    in.actual = view_.y.subspan(static_cast<size_t>(c), static_cast<size_t>(o_.horizon));
    in.forecast = &fc;
    auto m = ScoreSeries(in, o_.season_length);
    if (!m.ok()) return Fail(w, label, m.status());
    out_->records.push_back(BacktestRecord{
        series_, w, model, view_.freq.Advance(view_.start, c - 1), std::move(m).value()});
  }

  // Scores every usable window on the steps of `fc`, a forecast made at the cutoff of window
  // plan.first (the no-refit mode) long enough for the last window: window w reads steps
  // cutoff_w - cutoff_first + 1 .. + h.
  void ScoreFromFirstCutoff(size_t model, const std::string& label,
                            const Result<Forecast>& fc) const {
    const int64_t h = o_.horizon;
    const int64_t c0 = plan_.cutoffs[static_cast<size_t>(plan_.first)];
    for (int w = plan_.first; w <= plan_.last; ++w) {
      if (!plan_.usable[static_cast<size_t>(w)]) continue;
      if (!fc.ok()) {
        Fail(w, label, fc.status());
        continue;
      }
      // Slice the window's steps out of the long forecast.
      size_t off = static_cast<size_t>(plan_.cutoffs[static_cast<size_t>(w)] - c0);
      auto cut = [&](const std::vector<double>& v) {
        return std::vector<double>(v.begin() + static_cast<std::ptrdiff_t>(off),
                                   v.begin() + static_cast<std::ptrdiff_t>(off) + h);
      };
      Forecast part;
      part.mean = cut(fc->mean);
      part.levels = fc->levels;
      for (const auto& lo : fc->lower)
        part.lower.push_back(lo.size() == fc->mean.size() ? cut(lo) : lo);
      for (const auto& hi : fc->upper)
        part.upper.push_back(hi.size() == fc->mean.size() ? cut(hi) : hi);
      Score(w, model, label, part);
    }
  }

 private:
  const SeriesView& view_;
  std::span<const double> price_;
  size_t series_;
  const BacktestOptions& o_;
  const WindowPlan& plan_;
  SeriesBacktest* out_;
};

// One per-series model on one series: all windows (fit per window, or once when !refit).
void RunModelOnSeries(const SeriesView& view, size_t model, const ModelInstance& inst,
                      const BacktestOptions& o, const WindowPlan& plan,
                      const WindowScorer& scorer) {
  const std::string& label = inst.spec.label;
  if (o.refit) {
    for (int w = 0; w < o.windows; ++w) {
      if (!plan.usable[static_cast<size_t>(w)]) continue;
      const size_t cutoff = static_cast<size_t>(plan.cutoffs[static_cast<size_t>(w)]);
      SeriesView train = view.Head(cutoff);
      const FutureRegressors future = FutureWithinSeries(view, cutoff);
      PredictRequest req{o.horizon, o.levels, &future};
      Result<Forecast> fc = FitAndPredict(*inst.estimator, train, req);
      if (!fc.ok()) {
        scorer.Fail(w, label, fc.status());
        continue;
      }
      scorer.Score(w, model, label, *fc);
    }
    return;
  }
  // No refit: one fit at the first usable cutoff, one forecast long enough for every window.
  if (plan.first < 0) return;
  int64_t c0 = plan.cutoffs[static_cast<size_t>(plan.first)];
  SeriesView train = view.Head(static_cast<size_t>(c0));
  const FutureRegressors future = FutureWithinSeries(view, static_cast<size_t>(c0));
  PredictRequest req{
      static_cast<int>(plan.cutoffs[static_cast<size_t>(plan.last)] - c0 + o.horizon), o.levels,
      &future};
  scorer.ScoreFromFirstCutoff(model, label, FitAndPredict(*inst.estimator, train, req));
}

// Puts records and errors of one series in (window, model) order.
void SortSeriesBacktest(std::span<const ModelInstance> models, SeriesBacktest* out) {
  auto by_window_model = [](const auto& a, const auto& b) {
    return std::pair(a.window, a.model) < std::pair(b.window, b.model);
  };
  std::stable_sort(out->records.begin(), out->records.end(), by_window_model);
  std::stable_sort(out->errors.begin(), out->errors.end(), [&](const auto& a, const auto& b) {
    auto pos = [&](const std::string& label) {
      for (size_t j = 0; j < models.size(); ++j) {
        if (models[j].spec.label == label) return j;
      }
      return models.size();
    };
    return std::pair(a.window, pos(a.model)) < std::pair(b.window, pos(b.model));
  });
}

// The per-series models `which` of `models` on one series.
SeriesBacktest BacktestSeriesModels(const SeriesView& view, std::span<const ModelInstance> models,
                                    std::span<const size_t> which, const BacktestOptions& o,
                                    std::span<const double> price, size_t series_index,
                                    const WindowPlan& plan) {
  SeriesBacktest out;
  WindowScorer scorer(view, price, series_index, o, plan, &out);
  for (size_t j : which) RunModelOnSeries(view, j, models[j], o, plan, scorer);
  return out;
}

// A global model over every series: one fit per window on every series cut at its own
// cutoff (refit), or one fit at each series' first usable cutoff (no refit).
void RunGlobalModel(const Panel& panel, size_t model, const ModelInstance& inst,
                    const BacktestOptions& o, const std::vector<WindowPlan>& plans,
                    std::span<const std::span<const double>> prices, ThreadPool& pool,
                    std::vector<SeriesBacktest>* outcomes) {
  const size_t n = panel.num_series();
  const std::string& label = inst.spec.label;
  auto run_fit = [&](const std::vector<int64_t>& lengths, int horizon) -> Result<GlobalForecast> {
    std::vector<FutureRegressors> futures(n);
    std::vector<const FutureRegressors*> pointers(n);
    for (size_t i = 0; i < n; ++i) {
      futures[i] = FutureWithinSeries(panel.series(i), static_cast<size_t>(lengths[i]));
      pointers[i] = &futures[i];
    }
    GlobalTrainingData data{&panel, lengths, false};
    RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<GlobalFittedModel> fitted,
                                FitGlobalModel(*inst.global, data, pool));
    GlobalPredictRequest request{horizon, o.levels, pointers};
    return PredictGlobalModel(*fitted, request, pool);
  };
  if (o.refit) {
    for (int w = 0; w < o.windows; ++w) {
      std::vector<int64_t> lengths(n, 0);
      bool any = false;
      for (size_t i = 0; i < n; ++i) {
        if (!plans[i].usable[static_cast<size_t>(w)]) continue;
        lengths[i] = plans[i].cutoffs[static_cast<size_t>(w)];
        any = true;
      }
      if (!any) continue;
      Result<GlobalForecast> fc = run_fit(lengths, o.horizon);
      for (size_t i = 0; i < n; ++i) {
        if (!plans[i].usable[static_cast<size_t>(w)]) continue;
        SeriesView view = panel.series(i);
        WindowScorer scorer(view, prices[i], i, o, plans[i], &(*outcomes)[i]);
        if (!fc.ok()) {
          scorer.Fail(w, label, fc.status());
        } else if (!fc->status[i].ok()) {
          scorer.Fail(w, label, fc->status[i]);
        } else {
          scorer.Score(w, model, label, fc->forecasts[i]);
        }
      }
    }
    return;
  }
  std::vector<int64_t> lengths(n, 0);
  int horizon = 0;
  for (size_t i = 0; i < n; ++i) {
    const WindowPlan& p = plans[i];
    if (p.first < 0) continue;
    lengths[i] = p.cutoffs[static_cast<size_t>(p.first)];
    horizon = std::max<int>(
        horizon, static_cast<int>(p.cutoffs[static_cast<size_t>(p.last)] - lengths[i] + o.horizon));
  }
  if (horizon == 0) return;
  Result<GlobalForecast> fc = run_fit(lengths, horizon);
  for (size_t i = 0; i < n; ++i) {
    if (plans[i].first < 0) continue;
    SeriesView view = panel.series(i);
    WindowScorer scorer(view, prices[i], i, o, plans[i], &(*outcomes)[i]);
    if (!fc.ok()) {
      scorer.ScoreFromFirstCutoff(model, label, fc.status());
    } else if (!fc->status[i].ok()) {
      scorer.ScoreFromFirstCutoff(model, label, fc->status[i]);
    } else {
      scorer.ScoreFromFirstCutoff(model, label, std::move(fc->forecasts[i]));
    }
  }
}

Result<AggregateMetrics> AggregateWhere(const std::vector<BacktestRecord>& records, size_t model,
                                        int window) {
  std::vector<SeriesMetrics> sel;
  for (const auto& r : records) {
    if (r.model == model && (window < 0 || r.window == window)) sel.push_back(r.metrics);
  }
  return Aggregate(sel);
}

std::string Num(double v) {
  if (!std::isfinite(v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

nlohmann::ordered_json JsonNum(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

// Quotes a CSV field when it holds a separator, a quote or a line break (RFC 4180).
std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Status StreamStatus(const std::ostream& out, const char* what) {
  if (!out) return Status::IoError(std::string("writing the ") + what + " failed");
  return Status::Ok();
}

// Per-record metric columns: every metric name except the aggregate-only WRMSSE.
std::vector<std::string> RecordMetricNames(const std::vector<double>& levels) {
  std::vector<std::string> names = MetricNames(levels);
  names.erase(std::remove(names.begin(), names.end(), "WRMSSE"), names.end());
  return names;
}

std::string FormatCell(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[40];
  double a = std::abs(v);
  if (a >= 1e5) {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  } else if (a >= 100) {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f", v);
  }
  return buf;
}

}  // namespace

SeriesBacktest BacktestSeries(const SeriesView& view, std::span<const ModelInstance> models,
                              const BacktestOptions& o, std::span<const double> price,
                              size_t series_index) {
  std::vector<BacktestIssue> skipped;
  WindowPlan plan = PlanWindows(view, o, &skipped);
  std::vector<size_t> all(models.size());
  for (size_t j = 0; j < models.size(); ++j) all[j] = j;
  SeriesBacktest out = BacktestSeriesModels(view, models, all, o, price, series_index, plan);
  out.skipped = std::move(skipped);
  SortSeriesBacktest(models, &out);
  return out;
}

Result<BacktestResult> RunBacktest(const Panel& panel, std::span<const ModelInstance> models,
                                   const BacktestOptions& options, ThreadPool& pool) {
  RETAILCAST_RETURN_IF_ERROR(ValidateOptions(panel, options));
  RETAILCAST_RETURN_IF_ERROR(ValidateModels(models));
  BacktestResult result;
  result.options = options;
  BacktestOptions& o = result.options;
  if (o.step == 0) o.step = o.horizon;
  if (o.season_length == 0) o.season_length = panel.freq().DefaultSeasonLength();
  if (o.season_length < 1) o.season_length = 1;
  std::optional<size_t> price_col;
  if (!o.price_column.empty()) price_col = panel.FindExog(o.price_column);
  for (const auto& m : models) result.models.push_back(m.spec.label);
  const size_t n_series = panel.num_series();
  for (size_t i = 0; i < n_series; ++i) result.series_ids.emplace_back(panel.id(i));

  std::vector<size_t> local, global;
  for (size_t j = 0; j < models.size(); ++j) (models[j].global ? global : local).push_back(j);
  std::vector<std::span<const double>> prices(n_series);
  if (price_col) {
    for (size_t i = 0; i < n_series; ++i) prices[i] = panel.exog(*price_col, i);
  }
  std::vector<SeriesBacktest> outcomes(n_series);
  std::vector<WindowPlan> plans(n_series);
  internal::ProgressCounter progress(o.progress, n_series);
  pool.ParallelFor(n_series, [&](size_t i) {
    std::vector<BacktestIssue> skipped;
    SeriesView view = panel.series(i);
    plans[i] = PlanWindows(view, o, &skipped);
    outcomes[i] = BacktestSeriesModels(view, models, local, o, prices[i], i, plans[i]);
    outcomes[i].skipped = std::move(skipped);
    progress.Tick();
  });
  for (size_t j : global) RunGlobalModel(panel, j, models[j], o, plans, prices, pool, &outcomes);
  for (auto& out : outcomes) SortSeriesBacktest(models, &out);

  for (auto& out : outcomes) {
    if (!out.errors.empty() && o.on_error == OnModelError::kFail) return out.errors.front().status;
    for (auto& r : out.records) result.records.push_back(std::move(r));
    for (auto& s : out.skipped) result.skipped.push_back(std::move(s));
    for (auto& e : out.errors) result.errors.push_back(std::move(e));
  }
  auto count_failed = [&](const std::string& label, int window) {
    int64_t n = 0;
    for (const auto& e : result.errors) {
      if (e.model == label && (window < 0 || e.window == window)) ++n;
    }
    return n;
  };
  for (int w = 0; w < o.windows; ++w) {
    for (size_t j = 0; j < models.size(); ++j) {
      RETAILCAST_ASSIGN_OR_RETURN(AggregateMetrics agg, AggregateWhere(result.records, j, w));
      result.by_window.push_back(
          BacktestSummary{result.models[j], w, std::move(agg), count_failed(result.models[j], w)});
    }
  }
  for (size_t j = 0; j < models.size(); ++j) {
    RETAILCAST_ASSIGN_OR_RETURN(AggregateMetrics agg, AggregateWhere(result.records, j, -1));
    // Aggregate() gives the levels of its input; keep them when a model scored nothing.
    if (agg.levels.empty()) {
      agg.levels = o.levels;
      agg.coverage.assign(o.levels.size(), kNaN);
    }
    result.overall.push_back(
        BacktestSummary{result.models[j], -1, std::move(agg), count_failed(result.models[j], -1)});
  }
  for (auto& s : result.by_window) {
    if (s.metrics.levels.empty()) {
      s.metrics.levels = o.levels;
      s.metrics.coverage.assign(o.levels.size(), kNaN);
    }
  }
  return result;
}

Status WriteBacktestRecordsCsv(const BacktestResult& result, std::ostream& out) {
  std::vector<std::string> names = RecordMetricNames(result.options.levels);
  out << "unique_id,window,cutoff,model,n_points,n_nan_actual";
  for (const auto& n : names) out << ',' << n;
  out << '\n';
  for (const auto& r : result.records) {
    out << CsvField(result.series_ids[r.series]) << ',' << r.window << ',' << r.cutoff.ToString()
        << ',' << CsvField(result.models[r.model]) << ',' << r.metrics.n_points << ','
        << r.metrics.n_nan_actual;
    for (const auto& n : names) out << ',' << Num(MetricValue(r.metrics, n));
    out << '\n';
  }
  return StreamStatus(out, "backtest records CSV");
}

Status WriteBacktestSummaryCsv(const BacktestResult& result, std::ostream& out) {
  std::vector<std::string> names = MetricNames(result.options.levels);
  out << "window,model,n_series,n_failed";
  for (const auto& n : names) out << ',' << n;
  out << '\n';
  auto row = [&](const BacktestSummary& s) {
    out << (s.window < 0 ? std::string() : std::to_string(s.window)) << ',' << CsvField(s.model)
        << ',' << s.metrics.n_series << ',' << s.n_failed;
    for (const auto& n : names) out << ',' << Num(MetricValue(s.metrics, n));
    out << '\n';
  };
  for (const auto& s : result.by_window) row(s);
  for (const auto& s : result.overall) row(s);
  return StreamStatus(out, "backtest summary CSV");
}

Status WriteBacktestJson(const BacktestResult& result, std::ostream& out) {
  const BacktestOptions& o = result.options;
  using J = nlohmann::ordered_json;
  J doc;
  doc["options"] = {{"horizon", o.horizon},
                    {"windows", o.windows},
                    {"step", o.step},
                    {"refit", o.refit},
                    {"levels", o.levels},
                    {"season_length", o.season_length},
                    {"metrics", o.metrics},
                    {"price_column", o.price_column},
                    {"min_train_length", o.min_train_length}};
  doc["models"] = result.models;
  std::vector<std::string> names = MetricNames(o.levels);
  auto summary = [&](const BacktestSummary& s) {
    J j;
    j["model"] = s.model;
    if (s.window >= 0) j["window"] = s.window;
    j["n_series"] = s.metrics.n_series;
    j["n_failed"] = s.n_failed;
    j["n_nan_actual"] = s.metrics.n_nan_actual;
    for (const auto& n : names) j[n] = JsonNum(MetricValue(s.metrics, n));
    j["MASE_median"] = JsonNum(s.metrics.mase_median);
    return j;
  };
  doc["overall"] = J::array();
  for (const auto& s : result.overall) doc["overall"].push_back(summary(s));
  doc["by_window"] = J::array();
  for (const auto& s : result.by_window) doc["by_window"].push_back(summary(s));
  std::vector<std::string> rnames = RecordMetricNames(o.levels);
  doc["records"] = J::array();
  for (const auto& r : result.records) {
    J j;
    j["unique_id"] = result.series_ids[r.series];
    j["window"] = r.window;
    j["cutoff"] = r.cutoff.ToString();
    j["model"] = result.models[r.model];
    j["n_points"] = r.metrics.n_points;
    j["n_nan_actual"] = r.metrics.n_nan_actual;
    for (const auto& n : rnames) j[n] = JsonNum(MetricValue(r.metrics, n));
    doc["records"].push_back(std::move(j));
  }
  auto issues = [](const std::vector<BacktestIssue>& v) {
    J arr = J::array();
    for (const auto& e : v) {
      J j = {{"unique_id", e.unique_id}, {"window", e.window}};
      if (!e.model.empty()) j["model"] = e.model;
      j["error"] = e.status.ToString();
      arr.push_back(std::move(j));
    }
    return arr;
  };
  doc["skipped"] = issues(result.skipped);
  doc["errors"] = issues(result.errors);
  // Replace invalid UTF-8 (e.g. in a series id) instead of letting dump() throw.
  out << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  return StreamStatus(out, "backtest JSON");
}

std::string FormatBacktestIssues(const BacktestResult& result) {
  std::string out;
  auto list = [&out](const char* what, const std::vector<BacktestIssue>& issues) {
    if (issues.empty()) return;
    out += std::to_string(issues.size()) + " " + what + ":\n";
    for (size_t i = 0; i < issues.size() && i < 5; ++i) {
      out += "  " + issues[i].unique_id + " window " + std::to_string(issues[i].window) +
             (issues[i].model.empty() ? "" : " model ") + issues[i].model + ": " +
             issues[i].status.message() + "\n";
    }
    if (issues.size() > 5) out += "  ... and " + std::to_string(issues.size() - 5) + " more\n";
  };
  list("skipped (series, window) pairs", result.skipped);
  list("model errors", result.errors);
  return out;
}

Result<std::vector<std::string>> WriteBacktestFiles(const BacktestResult& result,
                                                    const ModelSelection& selection,
                                                    const BacktestFiles& files) {
  std::vector<std::string> written;
  auto write = [&written](const std::string& path, auto&& writer) -> Status {
    if (path.empty()) return Status::Ok();
    std::ostringstream os;
    RETAILCAST_RETURN_IF_ERROR(writer(os));
    RETAILCAST_RETURN_IF_ERROR(io::WriteFileAtomic(path, os.str()));
    written.push_back(path);
    return Status::Ok();
  };
  RETAILCAST_RETURN_IF_ERROR(write(
      files.records_csv, [&](std::ostream& os) { return WriteBacktestRecordsCsv(result, os); }));
  RETAILCAST_RETURN_IF_ERROR(write(
      files.summary_csv, [&](std::ostream& os) { return WriteBacktestSummaryCsv(result, os); }));
  RETAILCAST_RETURN_IF_ERROR(
      write(files.json, [&](std::ostream& os) { return WriteBacktestJson(result, os); }));
  RETAILCAST_RETURN_IF_ERROR(write(
      files.selection_csv, [&](std::ostream& os) { return WriteSelectionCsv(selection, os); }));
  return written;
}

std::string FormatBacktestTable(const BacktestResult& result) {
  const auto& metrics = result.options.metrics;
  std::vector<std::vector<std::string>> cells;
  size_t model_w = 5;
  for (const auto& s : result.overall) model_w = std::max(model_w, s.model.size());
  std::vector<size_t> best(metrics.size(), SIZE_MAX);
  for (size_t c = 0; c < metrics.size(); ++c) {
    double b = kNaN;
    for (size_t r = 0; r < result.overall.size(); ++r) {
      double v = MetricValue(result.overall[r].metrics, metrics[c]);
      if (MetricBetter(metrics[c], v, b)) {
        b = v;
        best[c] = r;
      }
    }
  }
  std::vector<size_t> col_w(metrics.size());
  for (size_t c = 0; c < metrics.size(); ++c) col_w[c] = std::max<size_t>(metrics[c].size(), 9);
  for (size_t r = 0; r < result.overall.size(); ++r) {
    std::vector<std::string> row;
    for (size_t c = 0; c < metrics.size(); ++c) {
      std::string cell = FormatCell(MetricValue(result.overall[r].metrics, metrics[c]));
      if (best[c] == r) cell += '*';
      col_w[c] = std::max(col_w[c], cell.size());
      row.push_back(std::move(cell));
    }
    cells.push_back(std::move(row));
  }
  auto pad_left = [](const std::string& s, size_t w) {
    return std::string(w > s.size() ? w - s.size() : 0, ' ') + s;
  };
  auto pad_right = [](const std::string& s, size_t w) {
    return s + std::string(w > s.size() ? w - s.size() : 0, ' ');
  };
  std::string out = pad_right("model", model_w) + "  " + pad_left("n", 6);
  for (size_t c = 0; c < metrics.size(); ++c) out += "  " + pad_left(metrics[c], col_w[c]);
  out += '\n';
  for (size_t r = 0; r < result.overall.size(); ++r) {
    const auto& s = result.overall[r];
    out += pad_right(s.model, model_w) + "  " + pad_left(std::to_string(s.metrics.n_series), 6);
    for (size_t c = 0; c < metrics.size(); ++c) out += "  " + pad_left(cells[r][c], col_w[c]);
    out += '\n';
  }
  out += "n = scored (series, window) pairs; * = best in column";
  if (!result.skipped.empty()) {
    out += "; " + std::to_string(result.skipped.size()) + " (series, window) pairs skipped";
  }
  if (!result.errors.empty()) {
    out += "; " + std::to_string(result.errors.size()) + " model errors";
  }
  out += '\n';
  return out;
}

Result<ModelSelection> SelectModels(const BacktestResult& result, std::string_view metric) {
  std::vector<std::string> valid = RecordMetricNames(result.options.levels);
  if (std::find(valid.begin(), valid.end(), metric) == valid.end()) {
    std::string list;
    for (const auto& v : valid) list += (list.empty() ? "" : ", ") + v;
    return Status::InvalidArgument("cannot select models by '" + std::string(metric) +
                                   "'; per-series metrics: " + list);
  }
  ModelSelection sel;
  sel.metric = std::string(metric);
  const size_t n_models = result.models.size();
  const size_t n_windows = static_cast<size_t>(result.options.windows);
  for (const auto& m : result.models) sel.wins.emplace_back(m, 0);
  // value[w][j] of the current series; records are grouped by series.
  size_t r = 0;
  for (size_t i = 0; i < result.series_ids.size(); ++i) {
    std::vector<std::vector<double>> value(n_windows, std::vector<double>(n_models, kNaN));
    std::vector<bool> window_scored(n_windows, false);
    for (; r < result.records.size() && result.records[r].series == i; ++r) {
      const auto& rec = result.records[r];
      value[static_cast<size_t>(rec.window)][rec.model] = MetricValue(rec.metrics, metric);
      window_scored[static_cast<size_t>(rec.window)] = true;
    }
    int best = -1;
    double best_score = kNaN;
    for (size_t j = 0; j < n_models; ++j) {
      double sum = 0;
      size_t n = 0;
      bool complete = true;
      for (size_t w = 0; w < n_windows; ++w) {
        if (!window_scored[w]) continue;
        if (!std::isfinite(value[w][j])) {
          complete = false;
          break;
        }
        sum += value[w][j];
        ++n;
      }
      if (!complete || n == 0) continue;
      double score = sum / static_cast<double>(n);
      if (MetricBetter(metric, score, best_score)) {
        best_score = score;
        best = static_cast<int>(j);
      }
    }
    if (best < 0) {
      bool any_window =
          std::any_of(window_scored.begin(), window_scored.end(), [](bool b) { return b; });
      std::string why = any_window ? "no model has a finite " + std::string(metric) +
                                         " in every scored window of the series"
                                   : "no window of the series was scored";
      sel.unselected.push_back(BacktestIssue{result.series_ids[i], -1, "", Status::DataError(why)});
      continue;
    }
    sel.choices.push_back(
        SeriesChoice{result.series_ids[i], result.models[static_cast<size_t>(best)], best_score});
    ++sel.wins[static_cast<size_t>(best)].second;
  }
  return sel;
}

Status WriteSelectionCsv(const ModelSelection& selection, std::ostream& out) {
  out << "unique_id,model," << selection.metric << '\n';
  for (const auto& c : selection.choices) {
    out << CsvField(c.unique_id) << ',' << CsvField(c.model) << ',' << Num(c.score) << '\n';
  }
  return StreamStatus(out, "model selection CSV");
}

std::string FormatSelectionSummary(const ModelSelection& selection) {
  size_t total = selection.choices.size();
  size_t w = 5;
  for (const auto& [m, n] : selection.wins) w = std::max(w, m.size());
  std::string out = "best model per series by " + selection.metric + ":\n";
  for (const auto& [m, n] : selection.wins) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%6lld series (%5.1f %%)", static_cast<long long>(n),
                  total == 0 ? 0.0 : 100.0 * static_cast<double>(n) / static_cast<double>(total));
    out += "  " + m + std::string(w - m.size(), ' ') + "  " + buf + "\n";
  }
  if (!selection.unselected.empty()) {
    out += "  " + std::to_string(selection.unselected.size()) +
           " series without a choice (no model scored in every window)\n";
  }
  return out;
}

}  // namespace retailcast::eval
