// ensemble: global and per-series models combined, chosen by a backtest.
//
// Members (registry models, global or per-series, each with its own parameters) are first
// fitted on every series cut `horizon` periods before its training end and scored on those
// periods (one rolling-origin window, Tashman 2000); the candidates are each member alone and
// the equal-weight mean of all members (the M5 accuracy winners averaged several global model
// variants with equal weights: Makridakis, Spiliotis & Assimakopoulos 2022, section 4; simple
// averages are hard to beat, Makridakis & Hibon 2000). choose=backtest keeps the candidate with
// the best mean metric over the series every candidate scored (per_series=true: per series);
// choose=mean always averages. Only the members the choice needs are then fitted on the whole
// training data. A forecast combines the members' forecasts like combo: the point forecast and
// each interval bound are means of the members' (quantile averaging, Lichtendahl,
// Grushka-Cockayne & Winkler 2013).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "retailcast/core/param_table.h"
#include "retailcast/eval/forecast_engine.h"
#include "retailcast/eval/metrics.h"
#include "retailcast/eval/model_runner.h"
#include "retailcast/models/global.h"
#include "row_model.h"

namespace retailcast::models {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view kStateTag = "ensemble";
constexpr uint64_t kStateVersion = 1;
constexpr int64_t kMeanCandidate = -1;  // the choice "equal-weight mean of all members"

// A member's fit over every series: a global fitted model, or one fitted model per series.
struct MemberFit {
  std::unique_ptr<GlobalFittedModel> global;
  std::vector<std::unique_ptr<FittedModel>> local;  // per series; null where the fit failed
  std::vector<Status> local_status;
};

// Forecasts of one member for every series (NaN-free forecasts, or an error status).
struct MemberForecasts {
  std::vector<Status> status;
  std::vector<Forecast> forecasts;
};

MemberFit FitMember(const eval::ModelInstance& m, const GlobalTrainingData& data, ThreadPool& pool,
                    Status* global_error) {
  MemberFit fit;
  const size_t n = data.num_series();
  if (m.global) {
    auto g = eval::FitGlobalModel(*m.global, data, pool);
    if (g.ok()) {
      fit.global = std::move(g).value();
    } else {
      *global_error = g.status();
    }
    return fit;
  }
  fit.local.resize(n);
  fit.local_status.assign(n, Status::Ok());
  pool.ParallelFor(n, [&](size_t i) {
    if (data.length(i) == 0) {
      fit.local_status[i] = Status::DataError("series has no training data");
      return;
    }
    auto f = eval::FitModel(*m.estimator, data.series(i));
    if (f.ok()) {
      fit.local[i] = std::move(f).value();
    } else {
      fit.local_status[i] = f.status();
    }
  });
  return fit;
}

MemberForecasts PredictMember(const MemberFit& fit, const Status& global_error, size_t n,
                              int horizon, const std::vector<double>& levels,
                              std::span<const FutureRegressors* const> future, ThreadPool& pool) {
  MemberForecasts out;
  out.status.assign(n, Status::Ok());
  out.forecasts.assign(n, Forecast{});
  if (!fit.local.empty() || fit.global == nullptr) {
    if (fit.local.empty()) {
      out.status.assign(n,
                        global_error.ok() ? Status::Internal("member not fitted") : global_error);
      return out;
    }
    pool.ParallelFor(n, [&](size_t i) {
      if (!fit.local[i]) {
        out.status[i] = fit.local_status[i];
        return;
      }
      PredictRequest req{horizon, levels, future.empty() ? nullptr : future[i]};
      auto fc = eval::PredictModel(*fit.local[i], req);
      if (fc.ok()) {
        out.forecasts[i] = std::move(fc).value();
      } else {
        out.status[i] = fc.status();
      }
    });
    return out;
  }
  GlobalPredictRequest req{horizon, levels, future};
  auto fc = eval::PredictGlobalModel(*fit.global, req, pool);
  if (!fc.ok()) {
    out.status.assign(n, fc.status());
    return out;
  }
  out.status = std::move(fc->status);
  out.forecasts = std::move(fc->forecasts);
  return out;
}

// Mean of the members' forecasts (each bound averaged); nullopt unless every member has one.
std::optional<Forecast> MeanForecast(const std::vector<const Forecast*>& parts, int horizon,
                                     const std::vector<double>& levels) {
  for (const Forecast* p : parts) {
    if (p == nullptr) return std::nullopt;
  }
  const size_t h = static_cast<size_t>(horizon);
  Forecast out;
  out.levels = levels;
  out.mean.assign(h, 0);
  out.lower.assign(levels.size(), std::vector<double>(h, 0));
  out.upper.assign(levels.size(), std::vector<double>(h, 0));
  const double k = static_cast<double>(parts.size());
  for (const Forecast* p : parts) {
    for (size_t t = 0; t < h; ++t) out.mean[t] += p->mean[t] / k;
    for (size_t l = 0; l < levels.size(); ++l) {
      for (size_t t = 0; t < h; ++t) {
        const bool has = l < p->lower.size() && p->lower[l].size() == h;
        out.lower[l][t] += (has ? p->lower[l][t] : p->mean[t]) / k;
        out.upper[l][t] += (has ? p->upper[l][t] : p->mean[t]) / k;
      }
    }
  }
  return out;
}

class EnsembleFitted final : public GlobalFittedModel {
 public:
  explicit EnsembleFitted(std::shared_ptr<const std::vector<eval::ModelInstance>> members)
      : members_(std::move(members)) {}

  size_t num_series() const override { return ids_.size(); }

  Result<GlobalForecast> Predict(const GlobalPredictRequest& request,
                                 ThreadPool& pool) const override {
    RETAILCAST_RETURN_IF_ERROR(
        ValidatePredictRequest(PredictRequest{request.horizon, request.levels, nullptr}));
    const size_t n = ids_.size();
    if (!request.future.empty() && request.future.size() != n) {
      return Status::InvalidArgument("future regressors of the wrong number of series");
    }
    std::vector<std::optional<MemberForecasts>> fc(fits_.size());
    for (size_t j = 0; j < fits_.size(); ++j) {
      if (!used_[j]) continue;
      fc[j] = PredictMember(fits_[j], errors_[j], n, request.horizon, request.levels,
                            request.future, pool);
    }
    GlobalForecast out;
    out.status.assign(n, Status::Ok());
    out.forecasts.assign(n, Forecast{});
    for (size_t i = 0; i < n; ++i) {
      const int64_t c = choice_[i];
      if (c != kMeanCandidate) {
        const MemberForecasts& m = *fc[static_cast<size_t>(c)];
        out.status[i] = m.status[i];
        if (m.status[i].ok()) out.forecasts[i] = m.forecasts[i];
        continue;
      }
      std::vector<const Forecast*> parts;
      Status first_error;
      for (size_t j = 0; j < fits_.size(); ++j) {
        const bool ok = fc[j]->status[i].ok();
        if (!ok && first_error.ok()) first_error = fc[j]->status[i];
        parts.push_back(ok ? &fc[j]->forecasts[i] : nullptr);
      }
      auto mean = MeanForecast(parts, request.horizon, request.levels);
      if (mean) {
        out.forecasts[i] = std::move(*mean);
      } else {
        out.status[i] = first_error.WithContext("ensemble member");
      }
    }
    return out;
  }

  InSample InSampleOf(size_t i) const override {
    return i < in_sample_.size() ? in_sample_[i] : InSample{};
  }

  void Save(ByteWriter& out) const override {
    ByteWriter w;
    w.PutU64(ids_.size());
    for (size_t i = 0; i < ids_.size(); ++i) {
      w.PutString(ids_[i]);
      w.PutI64(choice_[i]);
    }
    w.PutU64(fits_.size());
    for (size_t j = 0; j < fits_.size(); ++j) {
      w.PutU64(used_[j] ? 1 : 0);
      if (!used_[j]) continue;
      const MemberFit& f = fits_[j];
      if (f.global) {
        ByteWriter g;
        f.global->Save(g);
        w.PutU64(1);
        w.PutString(g.bytes());
        continue;
      }
      if (f.local.empty()) {
        w.PutU64(2);
        w.PutU64(static_cast<uint64_t>(errors_[j].code()));
        w.PutString(errors_[j].message());
        continue;
      }
      w.PutU64(0);
      for (size_t i = 0; i < ids_.size(); ++i) {
        if (!f.local[i]) {
          w.PutU64(static_cast<uint64_t>(f.local_status[i].code()));
          w.PutString(f.local_status[i].message());
          continue;
        }
        ByteWriter s;
        f.local[i]->Save(s);
        w.PutU64(0);
        w.PutString(s.bytes());
      }
    }
    WriteCheckedState(out, kStateTag, kStateVersion, w.bytes());
  }

  std::vector<FeatureImportance> Importance() const override {
    // The gain shares of the global members in use, averaged.
    std::map<std::string, double> sum;
    double members = 0;
    for (size_t j = 0; j < fits_.size(); ++j) {
      if (!used_[j] || !fits_[j].global) continue;
      auto imp = fits_[j].global->Importance();
      if (imp.empty()) continue;
      members += 1;
      for (const auto& f : imp) sum[(*members_)[j].spec.label + ":" + f.feature] += f.gain_share;
    }
    std::vector<FeatureImportance> out;
    for (const auto& [name, v] : sum) out.push_back({name, v / members});
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.gain_share > b.gain_share; });
    return out;
  }

  Status LoadPayload(ByteReader& r) {
    uint64_t n = 0, n_members = 0;
    RETAILCAST_RETURN_IF_ERROR(r.GetU64(&n));
    if (n > 100000000) return Status::DataError("ensemble state: series count");
    ids_.assign(n, {});
    choice_.assign(n, kMeanCandidate);
    for (size_t i = 0; i < n; ++i) {
      RETAILCAST_RETURN_IF_ERROR(r.GetString(&ids_[i]));
      RETAILCAST_RETURN_IF_ERROR(r.GetI64(&choice_[i]));
    }
    RETAILCAST_RETURN_IF_ERROR(r.GetU64(&n_members));
    if (n_members != members_->size()) {
      return Status::DataError("ensemble state has " + std::to_string(n_members) +
                               " members, the model " + std::to_string(members_->size()));
    }
    fits_.resize(n_members);
    used_.assign(n_members, false);
    errors_.assign(n_members, Status::Ok());
    for (size_t j = 0; j < n_members; ++j) {
      uint64_t used = 0, kind = 0;
      RETAILCAST_RETURN_IF_ERROR(r.GetU64(&used));
      if (used > 1) return Status::DataError("ensemble state: member flag");
      used_[j] = used == 1;
      if (!used_[j]) continue;
      RETAILCAST_RETURN_IF_ERROR(r.GetU64(&kind));
      const eval::ModelInstance& m = (*members_)[j];
      if (kind == 1) {
        if (!m.global) return Status::DataError("ensemble state: a global state of a local member");
        std::string bytes;
        RETAILCAST_RETURN_IF_ERROR(r.GetString(&bytes));
        RETAILCAST_ASSIGN_OR_RETURN(fits_[j].global, eval::LoadGlobalModel(*m.global, bytes));
        if (fits_[j].global->num_series() != n) {
          return Status::DataError("ensemble state: member '" + m.spec.label + "'");
        }
      } else if (kind == 2) {
        uint64_t code = 0;
        std::string message;
        RETAILCAST_RETURN_IF_ERROR(r.GetU64(&code));
        RETAILCAST_RETURN_IF_ERROR(r.GetString(&message));
        if (code == 0 || code > static_cast<uint64_t>(StatusCode::kInternal)) {
          return Status::DataError("ensemble state: a status code");
        }
        errors_[j] = Status(static_cast<StatusCode>(code), message);
      } else if (kind == 0) {
        if (m.global) return Status::DataError("ensemble state: local states of a global member");
        fits_[j].local.resize(n);
        fits_[j].local_status.assign(n, Status::Ok());
        for (size_t i = 0; i < n; ++i) {
          uint64_t code = 0;
          std::string bytes;
          RETAILCAST_RETURN_IF_ERROR(r.GetU64(&code));
          RETAILCAST_RETURN_IF_ERROR(r.GetString(&bytes));
          if (code > static_cast<uint64_t>(StatusCode::kInternal)) {
            return Status::DataError("ensemble state: a status code");
          }
          if (code != 0) {
            fits_[j].local_status[i] = Status(static_cast<StatusCode>(code), bytes);
            continue;
          }
          RETAILCAST_ASSIGN_OR_RETURN(fits_[j].local[i], eval::LoadModel(*m.estimator, bytes));
        }
      } else {
        return Status::DataError("ensemble state: member kind");
      }
    }
    for (int64_t c : choice_) {
      if (c < kMeanCandidate || c >= static_cast<int64_t>(n_members) ||
          (c != kMeanCandidate && !used_[static_cast<size_t>(c)])) {
        return Status::DataError("ensemble state: a choice of an unfitted member");
      }
      if (c == kMeanCandidate) {
        for (size_t j = 0; j < n_members; ++j) {
          if (!used_[j]) return Status::DataError("ensemble state: a mean without every member");
        }
      }
    }
    return Status::Ok();
  }

  std::shared_ptr<const std::vector<eval::ModelInstance>> members_;
  std::vector<std::string> ids_;
  std::vector<int64_t> choice_;  // per series: a member, or kMeanCandidate
  std::vector<MemberFit> fits_;
  std::vector<bool> used_;
  std::vector<Status> errors_;  // per member: the error of a failed global fit
  std::vector<InSample> in_sample_;
};

int AutoHorizon(const Frequency& f) {
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

class EnsembleEstimator final : public GlobalEstimator {
 public:
  EnsembleEstimator(std::vector<eval::ModelInstance> members, bool backtest, bool per_series,
                    std::string metric, int horizon, int season_length)
      : members_holder_(
            std::make_shared<const std::vector<eval::ModelInstance>>(std::move(members))),
        members_(*members_holder_),
        backtest_(backtest),
        per_series_(per_series),
        metric_(std::move(metric)),
        horizon_(horizon),
        season_length_(season_length) {}

  Result<std::unique_ptr<GlobalFittedModel>> Fit(const GlobalTrainingData& data,
                                                 ThreadPool& pool) const override {
    const size_t n = data.num_series();
    const size_t k = members_.size();
    std::vector<int64_t> choice(n, kMeanCandidate);
    if (backtest_) RETAILCAST_RETURN_IF_ERROR(Choose(data, pool, &choice));
    auto fitted = std::make_unique<EnsembleFitted>(members_holder_);
    fitted->used_.assign(k, false);
    for (int64_t c : choice) {
      if (c == kMeanCandidate) {
        fitted->used_.assign(k, true);
        break;
      }
      fitted->used_[static_cast<size_t>(c)] = true;
    }
    fitted->fits_.resize(k);
    fitted->errors_.assign(k, Status::Ok());
    for (size_t j = 0; j < k; ++j) {
      if (!fitted->used_[j]) continue;
      fitted->fits_[j] = FitMember(members_[j], data, pool, &fitted->errors_[j]);
    }
    bool any = false;
    for (size_t j = 0; j < k; ++j) {
      any =
          any || (fitted->used_[j] && (fitted->fits_[j].global || !fitted->fits_[j].local.empty()));
    }
    if (!any) {
      for (size_t j = 0; j < k; ++j) {
        if (!fitted->errors_[j].ok()) return fitted->errors_[j].WithContext("ensemble member");
      }
      return Status::DataError("no ensemble member could be fitted");
    }
    fitted->ids_.resize(n);
    for (size_t i = 0; i < n; ++i) fitted->ids_[i] = std::string(data.panel->id(i));
    fitted->choice_ = std::move(choice);
    if (data.in_sample) fitted->in_sample_ = InSampleOf(*fitted, data);
    return std::unique_ptr<GlobalFittedModel>(std::move(fitted));
  }

  Result<std::unique_ptr<GlobalFittedModel>> Load(ByteReader& in) const override {
    RETAILCAST_ASSIGN_OR_RETURN(std::string payload,
                                ReadCheckedState(in, kStateTag, kStateVersion));
    auto fitted = std::make_unique<EnsembleFitted>(members_holder_);
    ByteReader r(payload);
    Status s = fitted->LoadPayload(r);
    if (!s.ok()) return s.code() == StatusCode::kDataError ? s : Status::DataError(s.message());
    if (!r.at_end()) return Status::DataError("ensemble state has trailing bytes");
    return std::unique_ptr<GlobalFittedModel>(std::move(fitted));
  }

 private:
  // The candidate each series uses, from a backtest on the last horizon_ periods.
  Status Choose(const GlobalTrainingData& data, ThreadPool& pool,
                std::vector<int64_t>* choice) const {
    const size_t n = data.num_series();
    const size_t k = members_.size();
    const Panel& panel = *data.panel;
    const int h = horizon_ > 0 ? horizon_ : AutoHorizon(panel.freq());
    const int m =
        season_length_ > 0 ? season_length_ : std::max(1, panel.freq().DefaultSeasonLength());
    std::vector<int64_t> cut(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const int64_t len = data.length(i);
      cut[i] = len > 2 * static_cast<int64_t>(h) ? len - h : 0;
    }
    GlobalTrainingData bt{&panel, cut, false};
    std::vector<FutureRegressors> futures(n);
    std::vector<const FutureRegressors*> pointers(n);
    for (size_t i = 0; i < n; ++i) {
      futures[i] = eval::FutureWithinSeries(panel.series(i), static_cast<size_t>(cut[i]));
      pointers[i] = &futures[i];
    }
    std::vector<MemberForecasts> fc(k);
    for (size_t j = 0; j < k; ++j) {
      Status error;
      MemberFit f = FitMember(members_[j], bt, pool, &error);
      fc[j] = PredictMember(f, error, n, h, {}, pointers, pool);
    }
    // score[i][c]: candidate c = members 0..k-1, then the mean (k).
    std::vector<std::vector<double>> score(n, std::vector<double>(k + 1, kNaN));
    pool.ParallelFor(n, [&](size_t i) {
      if (cut[i] == 0) return;
      const SeriesView v = panel.series(i);
      eval::ScoreInput in;
      in.train = v.y.first(static_cast<size_t>(cut[i]));
      in.actual = v.y.subspan(static_cast<size_t>(cut[i]), static_cast<size_t>(h));
      std::vector<const Forecast*> parts;
      for (size_t j = 0; j <= k; ++j) {
        std::optional<Forecast> mean;
        const Forecast* f = nullptr;
        if (j < k) {
          f = fc[j].status[i].ok() ? &fc[j].forecasts[i] : nullptr;
          parts.push_back(f);
        } else {
          mean = MeanForecast(parts, h, {});
          f = mean ? &*mean : nullptr;
        }
        if (f == nullptr) continue;
        in.forecast = f;
        auto s = eval::ScoreSeries(in, m);
        if (s.ok()) score[i][j] = eval::MetricValue(*s, metric_);
      }
    });
    if (per_series_) {
      for (size_t i = 0; i < n; ++i) {
        int64_t best = kMeanCandidate;
        double best_v = kNaN;
        for (size_t c = 0; c <= k; ++c) {
          if (eval::MetricBetter(metric_, score[i][c], best_v)) {
            best_v = score[i][c];
            best = c == k ? kMeanCandidate : static_cast<int64_t>(c);
          }
        }
        (*choice)[i] = best;
      }
      return Status::Ok();
    }
    // One choice for every series: the best mean over the series every candidate scored.
    std::vector<double> sum(k + 1, 0);
    int64_t count = 0;
    for (size_t i = 0; i < n; ++i) {
      bool all = true;
      for (size_t c = 0; c <= k; ++c) all = all && std::isfinite(score[i][c]);
      if (!all) continue;
      for (size_t c = 0; c <= k; ++c) sum[c] += score[i][c];
      ++count;
    }
    int64_t best = kMeanCandidate;
    if (count > 0) {
      double best_v = sum[k];
      for (size_t c = 0; c < k; ++c) {
        if (eval::MetricBetter(metric_, sum[c], best_v)) {
          best_v = sum[c];
          best = static_cast<int64_t>(c);
        }
      }
    }
    choice->assign(n, best);
    return Status::Ok();
  }

  // In-sample fit of the chosen candidate of every series (the mean where every member has a
  // fitted value).
  std::vector<InSample> InSampleOf(const EnsembleFitted& f, const GlobalTrainingData& data) const {
    const size_t n = data.num_series();
    std::vector<InSample> out(n);
    for (size_t i = 0; i < n; ++i) {
      const SeriesView v = data.series(i);
      std::vector<InSample> parts;
      const int64_t c = f.choice_[i];
      for (size_t j = 0; j < members_.size(); ++j) {
        if (c != kMeanCandidate && static_cast<int64_t>(j) != c) continue;
        const MemberFit& m = f.fits_[j];
        if (m.global) {
          parts.push_back(m.global->InSampleOf(i));
        } else if (!m.local.empty() && m.local[i]) {
          parts.push_back(m.local[i]->in_sample());
        } else {
          parts.emplace_back();
        }
      }
      InSample& s = out[i];
      s.fitted.assign(v.y.size(), kNaN);
      s.residuals.assign(v.y.size(), kNaN);
      for (size_t t = 0; t < v.y.size(); ++t) {
        double sum = 0;
        bool all = !parts.empty();
        for (const auto& p : parts) {
          all = all && p.fitted.size() == v.y.size() && !std::isnan(p.fitted[t]);
          if (all) sum += p.fitted[t];
        }
        if (!all) continue;
        s.fitted[t] = sum / static_cast<double>(parts.size());
        if (!std::isnan(v.y[t])) s.residuals[t] = v.y[t] - s.fitted[t];
      }
    }
    return out;
  }

  std::shared_ptr<const std::vector<eval::ModelInstance>> members_holder_;
  const std::vector<eval::ModelInstance>& members_;
  bool backtest_;
  bool per_series_;
  std::string metric_;
  int horizon_;
  int season_length_;
};

constexpr std::string_view kDefaultMembers = "gbm + gbm:objective=tweedie + mlp";

// ensemble's parameters (EnsembleTable).
struct EnsembleParams {
  std::string models = std::string(kDefaultMembers);  // members separated by '+'
  bool backtest = true;  // choose by a backtest; false: always the mean
  bool per_series = false;
  std::string metric = "MASE";
  int horizon = 0;        // 0 = auto
  int season_length = 0;  // 0 = the frequency's default
};

const ParamTable<EnsembleParams>& EnsembleTable() {
  using E = EnsembleParams;
  static const ParamTable<E> table =
      ParamTable<E>()
          .String("models", &E::models,
                  "members separated by '+', each a registry model with optional parameters "
                  "after ':' separated by ';' (e.g. 'gbm + gbm:objective=tweedie;trees=300 + "
                  "snaive')")
          .Choice("choose", &E::backtest, {{"backtest", true}, {"mean", false}},
                  "backtest: each member alone or their mean, whichever scores best on the last "
                  "validation window; mean: always the equal-weight mean")
          .Bool("per_series", &E::per_series,
                "choose=backtest: choose per series instead of one choice for every series")
          .String("metric", &E::metric, "backtest error the choice minimises",
                  {"MASE", "RMSSE", "MAE", "RMSE", "sMAPE"})
          .Int("horizon", &E::horizon, 0, 10000,
               "periods of the choice's backtest window; 0 = auto (daily 28, weekly 13, monthly "
               "6)")
          .Int("season_length", &E::season_length, 0, 100000,
               "season length given to every member that has one and to the MASE scale; 0 = "
               "the frequency's default");
  return table;
}

}  // namespace

const ParamTableBase& EnsembleParamTable() { return EnsembleTable(); }

Result<std::unique_ptr<GlobalEstimator>> MakeEnsemble(const ParamValues& params,
                                                      const ModelRegistry& registry) {
  const EnsembleParams options = EnsembleTable().Bind(params);
  const std::string& text = options.models;
  const int season = options.season_length;
  std::vector<eval::ModelSpec> specs;
  std::vector<std::string> seen;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t plus = std::min(text.find('+', pos), text.size());
    std::string item = text.substr(pos, plus - pos);
    pos = plus + 1;
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (item.empty()) continue;
    if (std::find(seen.begin(), seen.end(), item) != seen.end()) {
      return Status::InvalidArgument("model 'ensemble': member '" + item + "' is listed twice");
    }
    seen.push_back(item);
    const size_t colon = item.find(':');
    const std::string name = item.substr(0, colon);
    if (name == kEnsembleName) {
      return Status::InvalidArgument(
          "model 'ensemble': an ensemble cannot be a member of an ensemble; list its members");
    }
    RETAILCAST_ASSIGN_OR_RETURN(std::vector<eval::ModelSpec> one,
                                eval::MakeModelSpecs(registry, name, season));
    eval::ModelSpec spec = std::move(one.front());
    if (colon != std::string::npos) {
      std::string kv = item.substr(colon + 1);
      std::replace(kv.begin(), kv.end(), ';', ',');
      RETAILCAST_ASSIGN_OR_RETURN(auto pairs, SplitKeyValues(kv));
      RETAILCAST_ASSIGN_OR_RETURN(const ModelEntry* entry, registry.Find(name));
      std::vector<std::pair<std::string, std::string>> merged;
      for (const auto& [key, value] : spec.params.values()) {
        bool overridden = false;
        for (const auto& p : pairs) overridden = overridden || p.first == key;
        if (overridden || key != "season_length") continue;
        merged.emplace_back(key, std::to_string(std::get<int64_t>(value)));
      }
      for (auto& p : pairs) merged.push_back(std::move(p));
      RETAILCAST_ASSIGN_OR_RETURN(spec.params, ParseParams(entry->spec, merged, name));
    }
    spec.label = item;
    specs.push_back(std::move(spec));
  }
  if (specs.empty()) {
    return Status::InvalidArgument("model 'ensemble': no member given; e.g. models='gbm + mlp'");
  }
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<eval::ModelInstance> members,
                              eval::InstantiateModels(registry, specs));
  return std::unique_ptr<GlobalEstimator>(
      std::make_unique<EnsembleEstimator>(std::move(members), options.backtest, options.per_series,
                                          options.metric, options.horizon, season));
}

}  // namespace retailcast::models
