// The shared row-model machinery (row_model.h).
//
// Multi-step strategies (Taieb, Bontempi, Atiya & Sorjamaa 2012, "A review and comparison of
// strategies for multi-step ahead time series forecasting"): recursive feeds each step's
// point forecast back as the next steps' lags; direct trains a model per group of steps on rows
// whose target-derived features are shifted by the group's last step, so every step of the
// group reads observed values only (one group = the M5 entries' horizon-wide lags >= 28).
//
// Intervals: a learner with native quantiles (gbm's quantile boosters) gives them per row;
// otherwise the quantiles of the scaled one-step residuals on the validation window are added
// to the point forecast (split conformal prediction, Lei et al. 2018, pooled over series on
// the scale-free residuals). Levels between trained quantiles are interpolated, and levels
// beyond them extrapolated, linearly in the normal quantile z = Phi^-1(tau) around the median
// (the point forecast when 0.5 is not a trained quantile). The quantiles of each step are
// sorted (monotone rearrangement, Chernozhukov, Fernandez-Val & Galichon 2010) and the bounds
// kept on either side of the point forecast.
#include "row_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>

#include "retailcast/core/rng.h"
#include "retailcast/models/distributions.h"

namespace retailcast::models {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view kStateTag = "row_model";
constexpr uint64_t kStateVersion = 1;

struct Group {
  int first = 1, last = 1;  // steps covered (last = INT_MAX for the recursive group)
  int shift = 0;
};

int AutoValidPeriods(const Frequency& f) {
  switch (f.unit) {
    case FrequencyUnit::kDay:
      return 28;
    case FrequencyUnit::kWeek:
      return 13;
    case FrequencyUnit::kMonth:
      return 6;
    case FrequencyUnit::kQuarter:
      return 4;
    case FrequencyUnit::kYear:
      return 2;
  }
  return 28;
}

std::vector<Group> MakeGroups(const RowModelOptions& o, int direct_horizon) {
  if (o.strategy == Strategy::kRecursive) {
    return {Group{1, std::numeric_limits<int>::max(), 0}};
  }
  const int h = direct_horizon;
  const int g = std::min(o.direct_groups, h);
  std::vector<Group> out;
  for (int k = 0; k < g; ++k) {
    Group gr;
    gr.first = k * h / g + 1;
    gr.last = (k + 1) * h / g;
    gr.shift = gr.last - 1;
    out.push_back(gr);
  }
  return out;
}

std::vector<double> TausOf(const std::vector<double>& levels) {
  std::vector<double> taus;
  for (double l : levels) {
    taus.push_back((1 - l / 100) / 2);
    taus.push_back((1 + l / 100) / 2);
  }
  std::sort(taus.begin(), taus.end());
  taus.erase(std::unique(taus.begin(), taus.end()), taus.end());
  return taus;
}

// Empirical quantile of sorted values (R's type 7: linear between order statistics).
double SortedQuantile(const std::vector<double>& v, double tau) {
  if (v.empty()) return 0;
  const double h = (static_cast<double>(v.size()) - 1) * tau;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// The value at quantile `tau` of a step from the (tau, value) grid, sorted by tau, anchored at
// the median `mid` (see the file comment).
double QuantileAt(const std::vector<std::pair<double, double>>& grid, double mid, double tau) {
  const double z = models::NormalQuantile(tau);
  std::vector<std::pair<double, double>> pts;  // (z, value)
  bool has_mid = false;
  for (const auto& [t, v] : grid) {
    pts.emplace_back(models::NormalQuantile(t), v);
    has_mid = has_mid || t == 0.5;
  }
  if (!has_mid) pts.emplace_back(0.0, mid);
  std::sort(pts.begin(), pts.end());
  for (const auto& [zz, v] : pts) {
    if (zz == z) return v;
  }
  auto mid_value = [&] {
    for (const auto& [zz, v] : pts) {
      if (zz == 0.0) return v;
    }
    return mid;
  };
  if (z < pts.front().first || z > pts.back().first) {
    const auto& outer = z < pts.front().first ? pts.front() : pts.back();
    const double m = mid_value();
    if (outer.first == 0.0) return m;
    return m + (outer.second - m) * z / outer.first;
  }
  for (size_t k = 1; k < pts.size(); ++k) {
    if (z <= pts[k].first) {
      const auto& a = pts[k - 1];
      const auto& b = pts[k];
      return a.second + (b.second - a.second) * (z - a.first) / (b.first - a.first);
    }
  }
  return pts.back().second;
}

Status Corrupt(const std::string& what) {
  return Status::DataError("saved global model state is corrupt: " + what);
}

// A fitted row model.
class RowFitted final : public GlobalFittedModel {
 public:
  struct PartModel {
    std::vector<std::unique_ptr<Learner>> learners;  // per group; null = not trained
    std::vector<std::vector<double>> offsets;        // per group: residual quantile offsets
  };

  RowFitted(std::shared_ptr<const LearnerKind> kind) : kind_(std::move(kind)) {}

  size_t num_series() const override { return ids_.size(); }

  Result<GlobalForecast> Predict(const GlobalPredictRequest& request,
                                 ThreadPool& pool) const override;
  InSample InSampleOf(size_t i) const override {
    return i < in_sample_.size() ? in_sample_[i] : InSample{};
  }
  void Save(ByteWriter& out) const override;
  std::vector<FeatureImportance> Importance() const override;

  Status LoadPayload(ByteReader& in);

  std::shared_ptr<const LearnerKind> kind_;
  features::FeaturePipeline pipeline_;
  Strategy strategy_ = Strategy::kRecursive;
  int direct_horizon_ = 0;
  std::vector<Group> groups_;
  std::vector<double> taus_;  // interval quantiles
  int window_ = 0;            // target window the learners read
  std::string partition_;
  std::vector<std::string> part_values_;
  std::vector<int64_t> part_of_;  // per series; -1 = no partition model
  std::vector<PartModel> parts_;
  std::vector<char> non_negative_;  // per series
  std::vector<char> observed_;      // per series: any observed training value
  std::vector<std::string> ids_;
  std::vector<InSample> in_sample_;
};

size_t GroupOfStep(const std::vector<Group>& groups, int step) {
  for (size_t g = 0; g < groups.size(); ++g) {
    if (step >= groups[g].first && step <= groups[g].last) return g;
  }
  return groups.size() - 1;
}

std::vector<FeatureImportance> RowFitted::Importance() const {
  const auto& feats = pipeline_.features();
  std::vector<double> total(feats.size(), 0);
  for (const auto& part : parts_) {
    for (const auto& l : part.learners) {
      if (!l) continue;
      std::vector<double> g = l->Gains();
      for (size_t k = 0; k < g.size() && k < total.size(); ++k) total[k] += g[k];
    }
  }
  double sum = 0;
  for (double v : total) sum += v;
  std::vector<FeatureImportance> out;
  if (!(sum > 0)) return out;
  for (size_t k = 0; k < feats.size(); ++k) {
    if (total[k] > 0) out.push_back({feats[k].name, total[k] / sum});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.gain_share > b.gain_share; });
  return out;
}

Result<GlobalForecast> RowFitted::Predict(const GlobalPredictRequest& request,
                                          ThreadPool& pool) const {
  RETAILCAST_RETURN_IF_ERROR(
      ValidatePredictRequest(PredictRequest{request.horizon, request.levels, nullptr}));
  const size_t n = ids_.size();
  if (!request.future.empty() && request.future.size() != n) {
    return Status::InvalidArgument("future regressors of " + std::to_string(request.future.size()) +
                                   " series for a model of " + std::to_string(n));
  }
  const int h = request.horizon;
  const std::string model(kind_->name());
  if (strategy_ == Strategy::kDirect && h > direct_horizon_) {
    return Status::InvalidArgument("model '" + model + "' (strategy=direct) was fitted for " +
                                   std::to_string(direct_horizon_) + " steps and cannot forecast " +
                                   std::to_string(h) +
                                   "; refit with direct_horizon >= " + std::to_string(h));
  }
  GlobalForecast out;
  out.status.assign(n, Status::Ok());
  out.forecasts.assign(n, Forecast{});
  // Calendar over every forecast frame.
  Date first{std::numeric_limits<int32_t>::max()}, last{std::numeric_limits<int32_t>::min()};
  const Frequency& freq = pipeline_.config().freq;
  const int64_t tail = std::max(pipeline_.config().Lookback(), window_) + pipeline_.max_shift();
  for (size_t i = 0; i < n; ++i) {
    first = std::min(first, freq.Advance(pipeline_.last_date(i), -tail));
    last = std::max(last, freq.Advance(pipeline_.last_date(i), h));
  }
  const features::EventCalendar calendar =
      n > 0 ? pipeline_.Calendar(first, last) : features::EventCalendar{};
  std::vector<std::optional<features::SeriesFrame>> frames(n);
  pool.ParallelFor(n, [&](size_t i) {
    if (pipeline_.train_length(i) == 0 || observed_[i] == 0) {
      out.status[i] =
          Status::DataError("series '" + ids_[i] + "' had no observed value in its training part");
      return;
    }
    if (part_of_[i] < 0 || !parts_[static_cast<size_t>(part_of_[i])].learners[0]) {
      out.status[i] = Status::DataError("series '" + ids_[i] + "': its " + partition_ +
                                        " had too few training rows for a model");
      return;
    }
    const FutureRegressors* future = request.future.empty() ? nullptr : request.future[i];
    auto f = pipeline_.ForecastFrame(i, h, future, &calendar, model, ids_[i]);
    if (!f.ok()) {
      out.status[i] = f.status();
      return;
    }
    frames[i] = std::move(f).value();
  });
  const size_t q = taus_.size();
  const bool native = !kind_->native_quantiles().empty();
  const size_t outputs = 1 + (native ? q : 0);
  const size_t width = pipeline_.num_features();
  const int window = window_;
  // Per series: point and quantile paths (raw scale).
  std::vector<std::vector<double>> mean(n), quant(n);
  for (size_t i = 0; i < n; ++i) {
    if (frames[i]) {
      mean[i].assign(static_cast<size_t>(h), kNaN);
      quant[i].assign(static_cast<size_t>(h) * q, kNaN);
    }
  }
  // Active series per partition.
  std::vector<std::vector<size_t>> active(parts_.size());
  for (size_t i = 0; i < n; ++i) {
    if (frames[i]) active[static_cast<size_t>(part_of_[i])].push_back(i);
  }
  std::vector<float> x, win;
  std::vector<double> pred;
  for (int k = 1; k <= h; ++k) {
    const size_t g = GroupOfStep(groups_, k);
    const int shift = groups_[g].shift;
    for (size_t p = 0; p < parts_.size(); ++p) {
      const auto& rows = active[p];
      if (rows.empty()) continue;
      const Learner* learner = parts_[p].learners[g].get();
      x.assign(rows.size() * width, 0);
      win.assign(rows.size() * static_cast<size_t>(window), 0);
      pool.ParallelFor(rows.size(), [&](size_t r) {
        const features::SeriesFrame& f = *frames[rows[r]];
        const int64_t pos = f.forecast_start + k - 1;
        pipeline_.Rows(f, std::span<const int64_t>(&pos, 1), shift, x.data() + r * width);
        if (window > 0) {
          pipeline_.TargetWindows(f, std::span<const int64_t>(&pos, 1), shift, window,
                                  win.data() + r * static_cast<size_t>(window));
        }
      });
      pred.assign(rows.size() * outputs, 0);
      RETAILCAST_RETURN_IF_ERROR(
          learner->Predict(x.data(), window > 0 ? win.data() : nullptr, rows.size(), pred.data()));
      for (size_t r = 0; r < rows.size(); ++r) {
        const size_t i = rows[r];
        const double s = pipeline_.scale(i);
        const bool clip = non_negative_[i] != 0;
        auto raw = [&](double v) {
          v *= s;
          return clip && v < 0 ? 0.0 : v;
        };
        const double point = pred[r * outputs];
        const double m = raw(point);
        mean[i][static_cast<size_t>(k - 1)] = m;
        for (size_t j = 0; j < q; ++j) {
          const double v = native ? pred[r * outputs + 1 + j] : point + parts_[p].offsets[g][j];
          quant[i][static_cast<size_t>(k - 1) * q + j] = raw(v);
        }
        if (strategy_ == Strategy::kRecursive) {
          features::FeaturePipeline::SetTarget(&*frames[i], frames[i]->forecast_start + k - 1, m);
        }
      }
    }
  }
  // Assemble forecasts with the requested levels.
  pool.ParallelFor(n, [&](size_t i) {
    if (!frames[i]) return;
    Forecast& fc = out.forecasts[i];
    fc.mean = mean[i];
    fc.levels = request.levels;
    fc.lower.assign(request.levels.size(), std::vector<double>(static_cast<size_t>(h)));
    fc.upper.assign(request.levels.size(), std::vector<double>(static_cast<size_t>(h)));
    std::vector<std::pair<double, double>> grid(q);
    std::vector<double> vals(q);
    for (int t = 0; t < h; ++t) {
      for (size_t j = 0; j < q; ++j) vals[j] = quant[i][static_cast<size_t>(t) * q + j];
      std::sort(vals.begin(), vals.end());
      for (size_t j = 0; j < q; ++j) grid[j] = {taus_[j], vals[j]};
      const double m = fc.mean[static_cast<size_t>(t)];
      for (size_t l = 0; l < request.levels.size(); ++l) {
        const double a = request.levels[l] / 100;
        double lo = QuantileAt(grid, m, (1 - a) / 2);
        double hi = QuantileAt(grid, m, (1 + a) / 2);
        if (non_negative_[i] != 0) {
          lo = std::max(lo, 0.0);
          hi = std::max(hi, 0.0);
        }
        fc.lower[l][static_cast<size_t>(t)] = std::min(lo, m);
        fc.upper[l][static_cast<size_t>(t)] = std::max(hi, m);
      }
    }
  });
  return out;
}

void RowFitted::Save(ByteWriter& out) const {
  ByteWriter w;
  w.PutString(kind_->name());
  w.PutU64(static_cast<uint64_t>(strategy_));
  w.PutI64(direct_horizon_);
  w.PutU64(groups_.size());
  for (const Group& g : groups_) {
    w.PutI64(g.first);
    w.PutI64(g.last);
    w.PutI64(g.shift);
  }
  w.PutDoubles(taus_);
  w.PutI64(window_);
  w.PutString(partition_);
  w.PutU64(part_values_.size());
  for (const auto& v : part_values_) w.PutString(v);
  w.PutU64(ids_.size());
  for (size_t i = 0; i < ids_.size(); ++i) {
    w.PutString(ids_[i]);
    w.PutI64(part_of_[i]);
    w.PutU64((non_negative_[i] != 0 ? 1 : 0) | (observed_[i] != 0 ? 2 : 0));
  }
  pipeline_.Save(w);
  w.PutU64(parts_.size());
  for (const auto& part : parts_) {
    for (size_t g = 0; g < groups_.size(); ++g) {
      const auto& l = part.learners[g];
      w.PutU64(l ? 1 : 0);
      if (!l) continue;
      ByteWriter lw;
      l->Save(lw);
      w.PutString(lw.bytes());
      w.PutDoubles(part.offsets[g]);
    }
  }
  WriteCheckedState(out, kStateTag, kStateVersion, w.bytes());
}

Status RowFitted::LoadPayload(ByteReader& r) {
  std::string name;
  RETAILCAST_RETURN_IF_ERROR(r.GetString(&name));
  if (name != kind_->name()) {
    return Status::DataError("saved state is of model '" + name + "', not '" +
                             std::string(kind_->name()) + "'");
  }
  uint64_t strategy = 0, n_groups = 0;
  int64_t direct_horizon = 0;
  RETAILCAST_RETURN_IF_ERROR(r.GetU64(&strategy));
  RETAILCAST_RETURN_IF_ERROR(r.GetI64(&direct_horizon));
  RETAILCAST_RETURN_IF_ERROR(r.GetU64(&n_groups));
  if (strategy > 1 || n_groups == 0 || n_groups > 100000 || direct_horizon < 0 ||
      direct_horizon > kMaxHorizon) {
    return Corrupt("strategy or groups");
  }
  strategy_ = static_cast<Strategy>(strategy);
  direct_horizon_ = static_cast<int>(direct_horizon);
  groups_.resize(n_groups);
  for (Group& g : groups_) {
    int64_t a = 0, b = 0, s = 0;
    RETAILCAST_RETURN_IF_ERROR(r.GetI64(&a));
    RETAILCAST_RETURN_IF_ERROR(r.GetI64(&b));
    RETAILCAST_RETURN_IF_ERROR(r.GetI64(&s));
    if (a < 1 || b < a || b > std::numeric_limits<int>::max() || s < 0 || s > 100000) {
      return Corrupt("a group");
    }
    g = Group{static_cast<int>(a), static_cast<int>(b), static_cast<int>(s)};
  }
  RETAILCAST_RETURN_IF_ERROR(r.GetDoubles(&taus_));
  for (double t : taus_) {
    if (!(t > 0 && t < 1)) return Corrupt("an interval quantile");
  }
  int64_t window = 0;
  RETAILCAST_RETURN_IF_ERROR(r.GetI64(&window));
  if (window < 0 || window > 10000) return Corrupt("target window");
  window_ = static_cast<int>(window);
  RETAILCAST_RETURN_IF_ERROR(r.GetString(&partition_));
  uint64_t n_values = 0, n = 0;
  RETAILCAST_RETURN_IF_ERROR(r.GetU64(&n_values));
  if (n_values > 10000000) return Corrupt("partition values");
  part_values_.assign(n_values, {});
  for (auto& v : part_values_) RETAILCAST_RETURN_IF_ERROR(r.GetString(&v));
  RETAILCAST_RETURN_IF_ERROR(r.GetU64(&n));
  if (n > 100000000) return Corrupt("series count");
  const size_t n_parts = std::max<size_t>(1, part_values_.size());
  ids_.assign(n, {});
  part_of_.assign(n, -1);
  non_negative_.assign(n, 0);
  observed_.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    uint64_t flags = 0;
    RETAILCAST_RETURN_IF_ERROR(r.GetString(&ids_[i]));
    RETAILCAST_RETURN_IF_ERROR(r.GetI64(&part_of_[i]));
    RETAILCAST_RETURN_IF_ERROR(r.GetU64(&flags));
    if (part_of_[i] < -1 || part_of_[i] >= static_cast<int64_t>(n_parts) || flags > 3) {
      return Corrupt("series record " + std::to_string(i));
    }
    non_negative_[i] = static_cast<char>(flags & 1);
    observed_[i] = static_cast<char>((flags >> 1) & 1);
  }
  RETAILCAST_ASSIGN_OR_RETURN(pipeline_, features::FeaturePipeline::Load(r));
  if (pipeline_.num_series() != n) return Corrupt("pipeline of another series count");
  for (const Group& g : groups_) {
    if (g.shift > pipeline_.max_shift()) return Corrupt("a group shift beyond the saved tails");
  }
  uint64_t parts = 0;
  RETAILCAST_RETURN_IF_ERROR(r.GetU64(&parts));
  if (parts != n_parts) return Corrupt("partition models");
  const size_t outputs_q = kind_->native_quantiles().empty() ? taus_.size() : 0;
  parts_.resize(parts);
  for (auto& part : parts_) {
    part.learners.resize(groups_.size());
    part.offsets.assign(groups_.size(), {});
    for (size_t g = 0; g < groups_.size(); ++g) {
      uint64_t present = 0;
      RETAILCAST_RETURN_IF_ERROR(r.GetU64(&present));
      if (present > 1) return Corrupt("a learner flag");
      if (present == 0) continue;
      std::string bytes;
      RETAILCAST_RETURN_IF_ERROR(r.GetString(&bytes));
      ByteReader lr(bytes);
      RETAILCAST_ASSIGN_OR_RETURN(part.learners[g],
                                  kind_->Load(lr, pipeline_.num_features(), window_));
      if (!lr.at_end()) return Corrupt("trailing bytes in a learner");
      RETAILCAST_RETURN_IF_ERROR(r.GetDoubles(&part.offsets[g]));
      if (part.offsets[g].size() != outputs_q) return Corrupt("residual quantiles");
    }
    if (!part.learners[0]) {
      for (const auto& l : part.learners) {
        if (l) return Corrupt("a partition with later groups but no first");
      }
    }
  }
  if (!kind_->native_quantiles().empty() && kind_->native_quantiles() != taus_) {
    return Corrupt("quantiles differ from the learner's");
  }
  return Status::Ok();
}

}  // namespace

const ParamTable<RowModelOptions>& RowModelTable() {
  using O = RowModelOptions;
  static const ParamTable<O> table =
      ParamTable<O>()
          .Choice("strategy", &O::strategy,
                  {{"recursive", Strategy::kRecursive}, {"direct", Strategy::kDirect}},
                  "multi-step strategy: recursive (forecasts fed back as lags) or direct (a model "
                  "per group of steps on shifted features)")
          .Int("direct_horizon", &O::direct_horizon, 0, 10000,
               "direct: the longest horizon the models cover; 0 = the validation window")
          .Int("direct_groups", &O::direct_groups, 1, 10000,
               "direct: number of models the horizon is split into (1 = one model with lags >= "
               "horizon; direct_horizon = one per step)")
          .Int("valid_periods", &O::valid_periods, 0, 10000,
               "validation window (last periods of every series' training part) for early "
               "stopping and residual quantiles; 0 = auto (daily 28, weekly 13, monthly 6)")
          .Int("train_window", &O::train_window, 0, 1000000,
               "training rows from the last periods of each series only; 0 = all history")
          .Int("max_rows", &O::max_rows, 1000, 1'000'000'000,
               "most training rows: above it rows are sampled (seeded, per series)")
          .String("partition", &O::partition,
                  "attribute to train one model per value of (e.g. store_id, cat_id); '' = one "
                  "global model")
          .String("interval_levels", &O::interval_levels,
                  "interval levels (percent, space-separated) the quantiles are learned for; "
                  "others are interpolated")
          .String("non_negative", &O::non_negative,
                  "clip forecasts and bounds at 0: auto = for series whose training values are "
                  "all >= 0",
                  {"auto", "true", "false"})
          .Choice("weights", &O::weights,
                  {{"equal", RowWeights::kEqual}, {"volume", RowWeights::kVolume}},
                  "weight of each series' rows in the loss: equal, or volume (the series' recent "
                  "mean level, so errors count by volume as in WRMSSE and small erratic series do "
                  "not dominate)")
          .Int("seed", &O::seed, 0, 9'000'000'000'000'000,
               "seed of row sampling and learner randomness")
          .Int("threads", &O::threads, 0, 1024, "learner threads; 0 = the thread pool's size")
          .Nested(&O::features, features::FeatureParamTable());
  return table;
}

Result<std::vector<double>> CheckRowModelOptions(const RowModelOptions& o, std::string_view model) {
  RETAILCAST_RETURN_IF_ERROR(features::CheckFeatureOptions(o.features, model));
  const std::string& levels = o.interval_levels;
  std::vector<double> out;
  std::string cur;
  for (size_t k = 0; k <= levels.size(); ++k) {
    const char c = k < levels.size() ? levels[k] : ' ';
    if (c != ' ' && c != ';') {
      cur += c;
      continue;
    }
    if (cur.empty()) continue;
    char* end = nullptr;
    const double v = std::strtod(cur.c_str(), &end);
    if (end != cur.c_str() + cur.size() || !(v > 0 && v < 100)) {
      return Status::InvalidArgument("model '" + std::string(model) + "': interval_levels='" +
                                     levels +
                                     "' is not a list of levels in (0, 100), e.g. '80 95'");
    }
    out.push_back(v);
    cur.clear();
  }
  if (out.empty()) {
    return Status::InvalidArgument("model '" + std::string(model) +
                                   "': interval_levels needs at least one level, e.g. '80 95'");
  }
  return out;
}

Result<std::unique_ptr<GlobalFittedModel>> RowModelEstimator::Fit(const GlobalTrainingData& data,
                                                                  ThreadPool& pool) const {
  const std::string model(kind_->name());
  const Panel& panel = *data.panel;
  const size_t n = data.num_series();
  RETAILCAST_ASSIGN_OR_RETURN(features::FeatureConfig config,
                              features::ResolveFeatureConfig(options_.features, data, model));
  const int valid =
      options_.valid_periods > 0 ? options_.valid_periods : AutoValidPeriods(panel.freq());
  const int direct_horizon = options_.direct_horizon > 0 ? options_.direct_horizon : valid;
  const std::vector<Group> groups = MakeGroups(options_, direct_horizon);
  int max_shift = 0;
  for (const Group& g : groups) max_shift = std::max(max_shift, g.shift);
  // Validation rows: the last `valid` periods of every series long enough to spare them.
  std::vector<int64_t> encode_end(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t len = data.length(i);
    encode_end[i] = len > 2 * static_cast<int64_t>(valid) ? len - valid : len;
  }
  auto fitted = std::make_unique<RowFitted>(kind_);
  const int window = kind_->window(panel.freq());
  RETAILCAST_ASSIGN_OR_RETURN(
      fitted->pipeline_,
      features::FeaturePipeline::Fit(std::move(config), data, encode_end, max_shift, pool, window));
  const features::FeaturePipeline& pipeline = fitted->pipeline_;
  fitted->strategy_ = options_.strategy;
  fitted->direct_horizon_ = direct_horizon;
  fitted->groups_ = groups;
  fitted->taus_ = TausOf(levels_);
  fitted->partition_ = options_.partition;
  fitted->ids_.resize(n);
  fitted->non_negative_.assign(n, 0);
  fitted->observed_.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const SeriesView v = data.series(i);
    fitted->ids_[i] = std::string(v.id);
    for (double y : v.y) fitted->observed_[i] = fitted->observed_[i] || !std::isnan(y);
    bool non_negative = options_.non_negative == "true";
    if (options_.non_negative == "auto") {
      non_negative = true;
      for (double y : v.y) non_negative = non_negative && !(y < 0);
    }
    fitted->non_negative_[i] = non_negative ? 1 : 0;
  }
  // Partitions.
  fitted->part_of_.assign(n, 0);
  if (!options_.partition.empty()) {
    auto col = panel.FindAttribute(options_.partition);
    if (!col) {
      std::string names;
      for (size_t a = 0; a < panel.num_attributes(); ++a) {
        names += (names.empty() ? "" : ", ") + panel.attribute_name(a);
      }
      return Status::InvalidArgument(
          "model '" + model + "': partition '" + options_.partition +
          "' is not an attribute of the panel; attributes: " + (names.empty() ? "(none)" : names));
    }
    std::map<std::string, int64_t> code;
    for (size_t i = 0; i < n; ++i) code.emplace(std::string(panel.attribute(*col, i)), 0);
    for (auto& [value, c] : code) {
      c = static_cast<int64_t>(fitted->part_values_.size());
      fitted->part_values_.push_back(value);
    }
    for (size_t i = 0; i < n; ++i)
      fitted->part_of_[i] = code[std::string(panel.attribute(*col, i))];
  }
  const size_t n_parts = std::max<size_t>(1, fitted->part_values_.size());
  // Training rows: observed targets with at least one earlier value, in the train window,
  // sampled down to max_rows.
  std::vector<int64_t> eligible(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const SeriesView v = data.series(i);
    const int64_t len = static_cast<int64_t>(v.y.size());
    const int64_t from =
        options_.train_window > 0 ? std::max<int64_t>(1, len - options_.train_window) : 1;
    for (int64_t t = from; t < len; ++t)
      eligible[i] += std::isnan(v.y[static_cast<size_t>(t)]) ? 0 : 1;
  }
  int64_t total = 0;
  for (int64_t e : eligible) total += e;
  const double keep = total > options_.max_rows
                          ? static_cast<double>(options_.max_rows) / static_cast<double>(total)
                          : 1.0;
  std::vector<std::vector<int64_t>> fit_pos(n), valid_pos(n);
  pool.ParallelFor(n, [&](size_t i) {
    const SeriesView v = data.series(i);
    const int64_t len = static_cast<int64_t>(v.y.size());
    const int64_t from =
        options_.train_window > 0 ? std::max<int64_t>(1, len - options_.train_window) : 1;
    Rng rng(options_.seed, v.id);
    for (int64_t t = from; t < len; ++t) {
      if (std::isnan(v.y[static_cast<size_t>(t)])) continue;
      if (keep < 1.0 && !(rng.Uniform() < keep)) continue;
      (t >= encode_end[i] ? valid_pos[i] : fit_pos[i]).push_back(t);
    }
  });
  const features::EventCalendar calendar = [&] {
    Date first{std::numeric_limits<int32_t>::max()}, last{std::numeric_limits<int32_t>::min()};
    for (size_t i = 0; i < n; ++i) {
      if (data.length(i) == 0) continue;
      first = std::min(first, panel.start(i));
      last = std::max(last, pipeline.last_date(i));
    }
    return first <= last ? pipeline.Calendar(first, last) : features::EventCalendar{};
  }();
  const size_t width = pipeline.num_features();
  fitted->window_ = window;
  const std::vector<double> taus = fitted->taus_;
  const bool native = !kind_->native_quantiles().empty();
  fitted->parts_.resize(n_parts);
  for (size_t p = 0; p < n_parts; ++p) {
    std::vector<size_t> members;
    for (size_t i = 0; i < n; ++i) {
      if (static_cast<size_t>(fitted->part_of_[i]) == p) members.push_back(i);
    }
    // Row offsets: fit rows of every member first, then their validation rows.
    std::vector<size_t> fit_off(members.size() + 1, 0), valid_off(members.size() + 1, 0);
    for (size_t m = 0; m < members.size(); ++m) {
      fit_off[m + 1] = fit_off[m] + fit_pos[members[m]].size();
      valid_off[m + 1] = valid_off[m] + valid_pos[members[m]].size();
    }
    const size_t n_fit = fit_off.back(), n_rows = n_fit + valid_off.back();
    auto& part = fitted->parts_[p];
    part.learners.resize(groups.size());
    part.offsets.assign(groups.size(), {});
    // Volume weights depend only on the series, so every horizon group shares them;
    // normalised to average 1 so the learners' regularisation keeps its meaning.
    std::vector<float> weight;
    if (options_.weights == RowWeights::kVolume && n_rows > 0) {
      weight.resize(n_rows);
      double sum = 0;
      for (size_t m = 0; m < members.size(); ++m) {
        const double level = pipeline.level(members[m]);
        const size_t fit_n = fit_off[m + 1] - fit_off[m], valid_n = valid_off[m + 1] - valid_off[m];
        std::fill_n(weight.begin() + static_cast<std::ptrdiff_t>(fit_off[m]), fit_n,
                    static_cast<float>(level));
        std::fill_n(weight.begin() + static_cast<std::ptrdiff_t>(n_fit + valid_off[m]), valid_n,
                    static_cast<float>(level));
        sum += level * static_cast<double>(fit_n + valid_n);
      }
      const double norm = sum > 0 ? static_cast<double>(n_rows) / sum : 1.0;
      for (float& v : weight) v = static_cast<float>(v * norm);
    }
    for (size_t g = 0; g < groups.size(); ++g) {
      std::vector<float> x(n_rows * width), win(n_rows * static_cast<size_t>(window)), y(n_rows);
      pool.ParallelFor(members.size(), [&](size_t m) {
        const size_t i = members[m];
        const features::SeriesFrame f = pipeline.TrainingFrame(data, i, &calendar);
        const double inv = 1.0 / pipeline.scale(i);
        auto fill = [&](const std::vector<int64_t>& pos, size_t row) {
          if (pos.empty()) return;
          pipeline.Rows(f, pos, groups[g].shift, x.data() + row * width);
          if (window > 0) {
            pipeline.TargetWindows(f, pos, groups[g].shift, window,
                                   win.data() + row * static_cast<size_t>(window));
          }
          for (size_t r = 0; r < pos.size(); ++r) {
            y[row + r] = static_cast<float>(f.y[static_cast<size_t>(pos[r])] * inv);
          }
        };
        fill(fit_pos[i], fit_off[m]);
        fill(valid_pos[i], n_fit + valid_off[m]);
      });
      if (n_fit == 0) {
        if (fitted->part_values_.empty()) {
          return Status::DataError("model '" + model +
                                   "': no training rows (every series has fewer than two "
                                   "observed values before its validation window)");
        }
        break;
      }
      LearnSet set;
      set.x = x.data();
      set.n = n_rows;
      set.n_fit = n_fit;
      set.width = width;
      set.windows = window > 0 ? win.data() : nullptr;
      set.window = window;
      set.y = y.data();
      if (!weight.empty()) set.weight = weight.data();
      set.features = pipeline.features();
      const uint64_t seed = Mix64(options_.seed ^ Mix64(p * 1000003 + g));
      auto learner = kind_->Train(set, seed, pool);
      if (!learner.ok()) {
        if (fitted->part_values_.empty()) return learner.status();
        break;  // this partition's series get an error at forecast time
      }
      if (!native) {
        // Residual quantiles on the validation rows (the fit rows when there are none).
        const size_t from = n_rows > n_fit ? n_fit : 0;
        const size_t count = n_rows - from;
        std::vector<double> pred(count);
        RETAILCAST_RETURN_IF_ERROR((*learner)->Predict(
            x.data() + from * width,
            window > 0 ? win.data() + from * static_cast<size_t>(window) : nullptr, count,
            pred.data()));
        std::vector<double> res;
        res.reserve(count);
        for (size_t r = 0; r < count; ++r) {
          const double e = static_cast<double>(y[from + r]) - pred[r];
          if (std::isfinite(e)) res.push_back(e);
        }
        std::sort(res.begin(), res.end());
        for (double t : taus) part.offsets[g].push_back(SortedQuantile(res, t));
      }
      part.learners[g] = std::move(learner).value();
    }
  }
  bool any = false;
  for (const auto& part : fitted->parts_) any = any || part.learners[0] != nullptr;
  if (!any) {
    return Status::DataError("model '" + model + "': no partition had enough training rows");
  }
  for (size_t i = 0; i < n; ++i) {
    if (!fitted->parts_[static_cast<size_t>(fitted->part_of_[i])].learners[0]) {
      fitted->part_of_[i] = -1;
    }
  }
  if (data.in_sample) {
    // One-step fitted values of the first group's learner over every training position.
    fitted->in_sample_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      if (fitted->part_of_[i] < 0) continue;
      const features::SeriesFrame f = pipeline.TrainingFrame(data, i, &calendar);
      const size_t len = f.y.size();
      std::vector<int64_t> pos(len);
      for (size_t t = 0; t < len; ++t) pos[t] = static_cast<int64_t>(t);
      std::vector<float> x(len * width), win(len * static_cast<size_t>(window));
      pipeline.Rows(f, pos, groups[0].shift, x.data());
      if (window > 0) pipeline.TargetWindows(f, pos, groups[0].shift, window, win.data());
      const auto& part = fitted->parts_[static_cast<size_t>(fitted->part_of_[i])];
      const size_t outputs = 1 + (native ? taus.size() : 0);
      std::vector<double> pred(len * outputs);
      RETAILCAST_RETURN_IF_ERROR(
          part.learners[0]->Predict(x.data(), window > 0 ? win.data() : nullptr, len, pred.data()));
      InSample& s = fitted->in_sample_[i];
      s.fitted.assign(len, kNaN);
      s.residuals.assign(len, kNaN);
      for (size_t t = 0; t < len; ++t) {
        double v = pred[t * outputs] * pipeline.scale(i);
        if (fitted->non_negative_[i] != 0 && v < 0) v = 0;
        if (!std::isfinite(v)) continue;
        s.fitted[t] = v;
        if (!std::isnan(f.y[t])) s.residuals[t] = f.y[t] - v;
      }
    }
  }
  return std::unique_ptr<GlobalFittedModel>(std::move(fitted));
}

Result<std::unique_ptr<GlobalFittedModel>> RowModelEstimator::Load(ByteReader& in) const {
  RETAILCAST_ASSIGN_OR_RETURN(std::string payload, ReadCheckedState(in, kStateTag, kStateVersion));
  auto fitted = std::make_unique<RowFitted>(kind_);
  ByteReader r(payload);
  Status s = fitted->LoadPayload(r);
  if (!s.ok()) {
    if (s.code() == StatusCode::kDataError) return s;
    return Status::DataError(s.message());
  }
  if (!r.at_end()) return Corrupt("trailing bytes");
  return std::unique_ptr<GlobalFittedModel>(std::move(fitted));
}

uint64_t StateChecksum(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  size_t k = 0;
  for (; k + 8 <= bytes.size(); k += 8) {
    uint64_t word = 0;
    std::memcpy(&word, bytes.data() + k, 8);
    h = (h ^ word) * 0x100000001b3ULL;
  }
  for (; k < bytes.size(); ++k) h = (h ^ static_cast<unsigned char>(bytes[k])) * 0x100000001b3ULL;
  return Mix64(h ^ bytes.size());
}

void WriteCheckedState(ByteWriter& out, std::string_view tag, uint64_t version,
                       std::string_view payload) {
  out.PutString(tag);
  out.PutU64(version);
  out.PutString(payload);
  out.PutU64(StateChecksum(payload));
}

Result<std::string> ReadCheckedState(ByteReader& in, std::string_view tag, uint64_t version) {
  std::string got_tag, payload;
  uint64_t got_version = 0, checksum = 0;
  if (!in.GetString(&got_tag).ok() || got_tag != tag) {
    return Status::DataError("saved state is not a '" + std::string(tag) + "' state");
  }
  if (!in.GetU64(&got_version).ok() || got_version != version) {
    return Status::DataError("saved '" + std::string(tag) + "' state is of format version " +
                             std::to_string(got_version) + ", this build reads " +
                             std::to_string(version));
  }
  if (!in.GetString(&payload).ok() || !in.GetU64(&checksum).ok()) {
    return Status::DataError("saved '" + std::string(tag) + "' state is truncated");
  }
  if (checksum != StateChecksum(payload)) {
    return Status::DataError("saved '" + std::string(tag) + "' state is corrupt (checksum)");
  }
  return payload;
}

}  // namespace retailcast::models
