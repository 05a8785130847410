// auto: per-series model choice by a rolling-origin backtest on the training series.
//
// For each series, every candidate is fitted at `windows` cutoffs of the training series and
// scored on the `horizon` values after each cutoff (eval::BacktestSeries, the same code as
// `retailcast backtest`; Tashman 2000; FPP3 section 5.10); the candidate with the best mean
// of `metric` over the windows wins (ties to the one listed first; a candidate competes only
// when it scored every window, as SelectModels does) and is refitted on the whole series.
// Only data up to the training end reaches the choice. When the series is too short for a
// single window, or no candidate scored every window, the first candidate that fits the whole
// series is used: the choice falls back to the order of the list, which is why the default
// list starts with the most robust candidate.
//
// The validation horizon defaults to min(m, max(1, n / 10)) for season length m and n
// observations: a season ahead when the history is long, shorter for short series so that
// several windows fit (the forecast horizon itself is not known when a model is fitted).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "retailcast/core/param_table.h"
#include "retailcast/eval/backtest.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast/eval/metrics.h"
#include "retailcast/eval/model_runner.h"
#include "retailcast/models/combinations.h"

namespace retailcast::models {
namespace {

constexpr uint64_t kStateVersion = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view kDefaultCandidates = "theta,combo,auto_ets,auto_arima,mstl";

class AutoFitted final : public FittedModel {
 public:
  AutoFitted(uint64_t chosen, std::unique_ptr<FittedModel> fitted)
      : chosen_(chosen), fitted_(std::move(fitted)) {}

  Result<Forecast> Predict(const PredictRequest& request) const override {
    return eval::PredictModel(*fitted_, request);
  }
  const InSample& in_sample() const override { return fitted_->in_sample(); }

  void Save(ByteWriter& out) const override {
    out.PutString(kAutoName);
    out.PutU64(kStateVersion);
    out.PutU64(chosen_);
    ByteWriter member;
    fitted_->Save(member);
    out.PutString(member.bytes());
  }

 private:
  uint64_t chosen_;  // position in the candidate list
  std::unique_ptr<FittedModel> fitted_;
};

class AutoEstimator final : public Estimator {
 public:
  AutoEstimator(std::vector<eval::ModelInstance> candidates, std::string metric, int windows,
                int horizon, int season_length)
      : candidates_(std::move(candidates)),
        metric_(std::move(metric)),
        windows_(windows),
        horizon_(horizon),
        season_length_(season_length) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    std::vector<size_t> order = RankCandidates(series);
    Status first_error;
    for (size_t k : order) {
      auto fitted = eval::FitModel(*candidates_[k].estimator, series);
      if (fitted.ok()) {
        return std::unique_ptr<FittedModel>(
            std::make_unique<AutoFitted>(k, std::move(fitted).value()));
      }
      if (first_error.ok()) first_error = fitted.status();
    }
    return first_error.WithContext("model 'auto': no candidate could fit series '" +
                                   std::string(series.id) + "'; the first error");
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    std::string name, bytes;
    uint64_t version = 0, chosen = 0;
    Status s = in.GetString(&name);
    if (s.ok()) s = in.GetU64(&version);
    if (s.ok()) s = in.GetU64(&chosen);
    if (s.ok()) s = in.GetString(&bytes);
    if (!s.ok() || name != kAutoName || version != kStateVersion || chosen >= candidates_.size() ||
        !in.at_end()) {
      return Status::DataError(
          "saved state of model 'auto' is truncated, corrupt or of another "
          "model");
    }
    RETAILCAST_ASSIGN_OR_RETURN(auto fitted,
                                eval::LoadModel(*candidates_[chosen].estimator, bytes));
    return std::unique_ptr<FittedModel>(std::make_unique<AutoFitted>(chosen, std::move(fitted)));
  }

 private:
  // Candidates in the order to try: the backtest's winner first, then the others in list
  // order (so a winner that cannot fit the whole series falls back predictably).
  std::vector<size_t> RankCandidates(const SeriesView& series) const {
    std::vector<size_t> order(candidates_.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    const int m =
        season_length_ > 0 ? season_length_ : std::max(1, series.freq.DefaultSeasonLength());
    const int64_t n = static_cast<int64_t>(series.y.size());
    eval::BacktestOptions o;
    o.horizon = horizon_ > 0 ? horizon_
                             : static_cast<int>(std::min<int64_t>(m, std::max<int64_t>(1, n / 10)));
    o.windows = windows_;
    o.step = o.horizon;
    o.levels = {};
    o.season_length = m;
    o.metrics = {metric_};
    // Seasonal candidates need two seasons to fit; a shorter training part would make them
    // fail (or fall back) in the backtest only and bias the choice.
    o.min_train_length = std::max(2, 2 * m);
    eval::SeriesBacktest bt = eval::BacktestSeries(series, candidates_, o);
    // Windows in which the series was scored at all, and each candidate's scores there.
    std::vector<int> scored_windows;
    for (const auto& r : bt.records) {
      if (std::find(scored_windows.begin(), scored_windows.end(), r.window) == scored_windows.end())
        scored_windows.push_back(r.window);
    }
    if (scored_windows.empty()) return order;
    std::vector<double> sum(candidates_.size(), 0);
    std::vector<size_t> count(candidates_.size(), 0);
    for (const auto& r : bt.records) {
      const double v = eval::MetricValue(r.metrics, metric_);
      if (std::isfinite(v)) {
        sum[r.model] += v;
        ++count[r.model];
      }
    }
    size_t best = candidates_.size();
    double best_score = kNaN;
    for (size_t k = 0; k < candidates_.size(); ++k) {
      if (count[k] != scored_windows.size()) continue;
      const double score = sum[k] / static_cast<double>(count[k]);
      if (best == candidates_.size() || eval::MetricBetter(metric_, score, best_score)) {
        best = k;
        best_score = score;
      }
    }
    if (best == candidates_.size()) return order;
    order.erase(order.begin() + static_cast<std::ptrdiff_t>(best));
    order.insert(order.begin(), best);
    return order;
  }

  std::vector<eval::ModelInstance> candidates_;
  std::string metric_;
  int windows_;
  int horizon_;
  int season_length_;
};

struct AutoSelectParams {
  // Comma-separated candidates; the first is the fallback for series too short to backtest.
  std::string models = std::string(kDefaultCandidates);
  std::string metric = "MASE";
  int windows = 2;        // rolling-origin windows
  int horizon = 0;        // periods scored per window; 0 = automatic
  int season_length = 0;  // 0 = the frequency's default
};

const ParamTable<AutoSelectParams>& AutoSelectTable() {
  static const ParamTable<AutoSelectParams> table =
      ParamTable<AutoSelectParams>()
          .String("models", &AutoSelectParams::models,
                  "comma-separated candidate models (default parameters and this "
                  "season_length); the first is the fallback for series too short to backtest")
          .String("metric", &AutoSelectParams::metric, "backtest error the choice minimises",
                  {"MASE", "RMSSE", "MAE", "RMSE", "sMAPE"})
          .Int("windows", &AutoSelectParams::windows, 1, 20,
               "rolling-origin windows of the internal backtest")
          .Int("horizon", &AutoSelectParams::horizon, 0, 10000,
               "periods scored per window; 0 = min(season length, series length / 10)")
          .Int("season_length", &AutoSelectParams::season_length, 0, 100000,
               "season length given to every candidate and to the MASE scale; 0 = the "
               "frequency's default");
  return table;
}

}  // namespace

const ParamTableBase& AutoParamTable() { return AutoSelectTable(); }

Result<std::unique_ptr<Estimator>> MakeAuto(const ParamValues& params,
                                            const ModelRegistry& registry) {
  const AutoSelectParams p = AutoSelectTable().Bind(params);
  RETAILCAST_RETURN_IF_ERROR(RejectMembers(kAutoName, p.models, {kAutoName}));
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<eval::ModelSpec> specs,
                              eval::MakeModelSpecs(registry, p.models, p.season_length));
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<eval::ModelInstance> candidates,
                              eval::InstantiateModels(registry, specs));
  return std::unique_ptr<Estimator>(std::make_unique<AutoEstimator>(
      std::move(candidates), p.metric, p.windows, p.horizon, p.season_length));
}

}  // namespace retailcast::models
