// Test-local models for the eval tests: small, exact and independent of src/models, so the
// engine, model sets and backtests are tested against behaviour we control.
#pragma once

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "retailcast/core/global_model.h"
#include "retailcast/core/model.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/registry.h"
#include "retailcast/eval/forecast_engine.h"

namespace retailcast::eval::testing {

// "last_plus": forecast step t = last non-NaN value + offset * t (+ the future value of
// exogenous column `regressor` at step t, when set); interval at level L is
// mean -/+ spread * L / 100. Fails (DataError) on series whose id starts with "bad" or that
// have fewer than min_length observations.
class LastPlusFitted : public FittedModel {
 public:
  LastPlusFitted(double last, double offset, double spread, std::string regressor = "")
      : last_(last), offset_(offset), spread_(spread), regressor_(std::move(regressor)) {}
  Result<Forecast> Predict(const PredictRequest& request) const override {
    RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
    std::span<const double> future;
    if (!regressor_.empty()) {
      if (request.future == nullptr) {
        return Status::InvalidArgument("regressor '" + regressor_ + "' has no future values");
      }
      RETAILCAST_RETURN_IF_ERROR(
          request.future->Require(regressor_, request.horizon, "last_plus", "?"));
      future = request.future->Find(regressor_);
    }
    Forecast f;
    f.levels = request.levels;
    for (int t = 1; t <= request.horizon; ++t) {
      f.mean.push_back(last_ + offset_ * t + (future.empty() ? 0 : future[t - 1]));
    }
    for (double level : request.levels) {
      std::vector<double> lo, hi;
      for (double m : f.mean) {
        lo.push_back(m - spread_ * level / 100.0);
        hi.push_back(m + spread_ * level / 100.0);
      }
      f.lower.push_back(std::move(lo));
      f.upper.push_back(std::move(hi));
    }
    return f;
  }
  const InSample& in_sample() const override { return in_sample_; }
  void Save(ByteWriter& out) const override {
    out.PutString("last_plus");
    out.PutDouble(last_);
    out.PutDouble(offset_);
    out.PutDouble(spread_);
    out.PutString(regressor_);
  }

 private:
  double last_, offset_, spread_;
  std::string regressor_;
  InSample in_sample_;
};

class LastPlusEstimator : public Estimator {
 public:
  LastPlusEstimator(double offset, double spread, int64_t min_length, std::string regressor)
      : offset_(offset),
        spread_(spread),
        min_length_(min_length),
        regressor_(std::move(regressor)) {}
  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    if (series.id.substr(0, 3) == "bad") {
      return Status::DataError("series '" + std::string(series.id) + "' is marked bad");
    }
    if (static_cast<int64_t>(series.y.size()) < min_length_) {
      return Status::DataError("series '" + std::string(series.id) + "' is too short");
    }
    double last = NAN;
    for (double v : series.y) {
      if (!std::isnan(v)) last = v;
    }
    if (std::isnan(last)) return Status::DataError("series is all NaN");
    return std::unique_ptr<FittedModel>(
        std::make_unique<LastPlusFitted>(last, offset_, spread_, regressor_));
  }
  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    std::string tag;
    double last = 0, offset = 0, spread = 0;
    RETAILCAST_RETURN_IF_ERROR(in.GetString(&tag));
    if (tag != "last_plus") return Status::DataError("state is not a last_plus state");
    RETAILCAST_RETURN_IF_ERROR(in.GetDouble(&last));
    RETAILCAST_RETURN_IF_ERROR(in.GetDouble(&offset));
    RETAILCAST_RETURN_IF_ERROR(in.GetDouble(&spread));
    std::string regressor;
    RETAILCAST_RETURN_IF_ERROR(in.GetString(&regressor));
    return std::unique_ptr<FittedModel>(
        std::make_unique<LastPlusFitted>(last, offset, spread, regressor));
  }

 private:
  double offset_, spread_;
  int64_t min_length_;
  std::string regressor_;
};

inline ModelEntry LastPlusEntry() {
  ModelEntry e;
  e.name = "last_plus";
  e.description = "test model: last value plus offset per step";
  e.spec = {
      {"offset", ParamType::kDouble, "0", -1e9, 1e9, {}, "added per step"},
      {"spread", ParamType::kDouble, "1", 0, 1e9, {}, "interval half-width per 100 % level"},
      {"min_length", ParamType::kInt, "1", 1, 1e9, {}, "shortest series it fits"},
      {"season_length", ParamType::kInt, "0", 0, 1e6, {}, "unused; tests MakeModelSpecs"},
      {"regressor", ParamType::kString, "", 0, 0, {}, "exogenous column added to the forecast"},
  };
  e.factory = [](const ParamValues& p) -> Result<std::unique_ptr<Estimator>> {
    return std::unique_ptr<Estimator>(
        std::make_unique<LastPlusEstimator>(p.GetDouble("offset"), p.GetDouble("spread"),
                                            p.GetInt("min_length"), p.GetString("regressor")));
  };
  return e;
}

// "pooled_drift", a global test model: every series continues from its last observed value
// by the drift pooled over all series of the fit (the mean of every one-step difference of
// every training part), plus the future value of `regressor` when set; interval at level L is
// mean -/+ spread * L / 100. A series whose id starts with "bad", or without an observation,
// gets a DataError; the fit fails when no series is usable. Fits are counted (FitCount) so
// tests can check that a global model is fitted once per panel.
class PooledDriftFitted : public GlobalFittedModel {
 public:
  PooledDriftFitted(double drift, double spread, std::string regressor, std::vector<double> last,
                    std::vector<std::string> ids, std::vector<InSample> in_sample)
      : drift_(drift),
        spread_(spread),
        regressor_(std::move(regressor)),
        last_(std::move(last)),
        ids_(std::move(ids)),
        in_sample_(std::move(in_sample)) {}

  size_t num_series() const override { return last_.size(); }
  Result<GlobalForecast> Predict(const GlobalPredictRequest& request, ThreadPool&) const override {
    RETAILCAST_RETURN_IF_ERROR(
        ValidatePredictRequest(PredictRequest{request.horizon, request.levels, nullptr}));
    if (!request.future.empty() && request.future.size() != last_.size()) {
      return Status::InvalidArgument("future regressors of the wrong number of series");
    }
    GlobalForecast out;
    out.status.resize(last_.size());
    out.forecasts.resize(last_.size());
    for (size_t i = 0; i < last_.size(); ++i) {
      if (std::isnan(last_[i])) {
        out.status[i] = Status::DataError("series '" + ids_[i] + "' was not fitted");
        continue;
      }
      std::span<const double> future;
      if (!regressor_.empty()) {
        const FutureRegressors* f = request.future.empty() ? nullptr : request.future[i];
        if (f == nullptr) {
          out.status[i] = Status::InvalidArgument("regressor '" + regressor_ + "' is unknown");
          continue;
        }
        Status s = f->Require(regressor_, request.horizon, "pooled_drift", ids_[i]);
        if (!s.ok()) {
          out.status[i] = s;
          continue;
        }
        future = f->Find(regressor_);
      }
      Forecast& fc = out.forecasts[i];
      fc.levels = request.levels;
      for (int t = 1; t <= request.horizon; ++t) {
        fc.mean.push_back(last_[i] + drift_ * t + (future.empty() ? 0 : future[t - 1]));
      }
      for (double level : request.levels) {
        std::vector<double> lo, hi;
        for (double m : fc.mean) {
          lo.push_back(m - spread_ * level / 100.0);
          hi.push_back(m + spread_ * level / 100.0);
        }
        fc.lower.push_back(std::move(lo));
        fc.upper.push_back(std::move(hi));
      }
    }
    return out;
  }
  InSample InSampleOf(size_t i) const override {
    return i < in_sample_.size() ? in_sample_[i] : InSample{};
  }
  void Save(ByteWriter& out) const override {
    out.PutString("pooled_drift");
    out.PutDouble(drift_);
    out.PutDouble(spread_);
    out.PutString(regressor_);
    out.PutDoubles(last_);
    out.PutU64(ids_.size());
    for (const auto& id : ids_) out.PutString(id);
  }
  std::vector<FeatureImportance> Importance() const override { return {{"drift", 1.0}}; }
  double drift() const { return drift_; }

 private:
  double drift_, spread_;
  std::string regressor_;
  std::vector<double> last_;  // NaN: the series was not fitted
  std::vector<std::string> ids_;
  std::vector<InSample> in_sample_;
};

inline std::atomic<int>& PooledDriftFitCount() {
  static std::atomic<int> count{0};
  return count;
}

class PooledDriftEstimator : public GlobalEstimator {
 public:
  PooledDriftEstimator(double spread, std::string regressor)
      : spread_(spread), regressor_(std::move(regressor)) {}
  Result<std::unique_ptr<GlobalFittedModel>> Fit(const GlobalTrainingData& data,
                                                 ThreadPool&) const override {
    ++PooledDriftFitCount();
    double sum = 0;
    int64_t count = 0;
    std::vector<double> last(data.num_series(), NAN);
    std::vector<std::string> ids;
    for (size_t i = 0; i < data.num_series(); ++i) {
      SeriesView v = data.series(i);
      ids.emplace_back(v.id);
      if (v.id.substr(0, 3) == "bad") continue;
      for (size_t t = 0; t < v.y.size(); ++t) {
        if (!std::isnan(v.y[t])) last[i] = v.y[t];
        if (t > 0 && !std::isnan(v.y[t]) && !std::isnan(v.y[t - 1])) {
          sum += v.y[t] - v.y[t - 1];
          ++count;
        }
      }
    }
    bool any = false;
    for (double l : last) any = any || !std::isnan(l);
    if (!any) return Status::DataError("pooled_drift: no series has an observation");
    const double drift = count > 0 ? sum / static_cast<double>(count) : 0.0;
    std::vector<InSample> in_sample;
    if (data.in_sample) {
      for (size_t i = 0; i < data.num_series(); ++i) {
        SeriesView v = data.series(i);
        InSample s;
        s.fitted.assign(v.y.size(), NAN);
        s.residuals.assign(v.y.size(), NAN);
        for (size_t t = 1; t < v.y.size(); ++t) {
          s.fitted[t] = v.y[t - 1] + drift;
          s.residuals[t] = v.y[t] - s.fitted[t];
        }
        in_sample.push_back(std::move(s));
      }
    }
    return std::unique_ptr<GlobalFittedModel>(std::make_unique<PooledDriftFitted>(
        drift, spread_, regressor_, std::move(last), std::move(ids), std::move(in_sample)));
  }
  Result<std::unique_ptr<GlobalFittedModel>> Load(ByteReader& in) const override {
    std::string tag, regressor;
    double drift = 0, spread = 0;
    std::vector<double> last;
    uint64_t n = 0;
    RETAILCAST_RETURN_IF_ERROR(in.GetString(&tag));
    if (tag != "pooled_drift") return Status::DataError("state is not a pooled_drift state");
    RETAILCAST_RETURN_IF_ERROR(in.GetDouble(&drift));
    RETAILCAST_RETURN_IF_ERROR(in.GetDouble(&spread));
    RETAILCAST_RETURN_IF_ERROR(in.GetString(&regressor));
    RETAILCAST_RETURN_IF_ERROR(in.GetDoubles(&last));
    RETAILCAST_RETURN_IF_ERROR(in.GetU64(&n));
    if (n != last.size()) return Status::DataError("pooled_drift state is corrupt");
    std::vector<std::string> ids(n);
    for (auto& id : ids) RETAILCAST_RETURN_IF_ERROR(in.GetString(&id));
    return std::unique_ptr<GlobalFittedModel>(std::make_unique<PooledDriftFitted>(
        drift, spread, regressor, std::move(last), std::move(ids), std::vector<InSample>{}));
  }

 private:
  double spread_;
  std::string regressor_;
};

inline ModelEntry PooledDriftEntry() {
  ModelEntry e;
  e.name = "pooled_drift";
  e.description = "global test model: last value plus the drift pooled over all series";
  e.spec = {
      {"spread", ParamType::kDouble, "1", 0, 1e9, {}, "interval half-width per 100 % level"},
      {"regressor", ParamType::kString, "", 0, 0, {}, "exogenous column added to the forecast"},
  };
  auto global = [](const ParamValues& p) -> Result<std::unique_ptr<GlobalEstimator>> {
    return std::unique_ptr<GlobalEstimator>(
        std::make_unique<PooledDriftEstimator>(p.GetDouble("spread"), p.GetString("regressor")));
  };
  e.global_factory = global;
  e.factory = [global](const ParamValues& p) -> Result<std::unique_ptr<Estimator>> {
    RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<GlobalEstimator> g, global(p));
    return MakePerSeriesEstimator(std::move(g));
  };
  return e;
}

inline const ModelRegistry& TestRegistry() {
  static const ModelRegistry registry = [] {
    ModelRegistry r;
    if (!r.Register(LastPlusEntry()).ok()) std::abort();
    if (!r.Register(PooledDriftEntry()).ok()) std::abort();
    return r;
  }();
  return registry;
}

// A spec of pooled_drift with the given parameters and label.
inline ModelSpec PooledDriftSpec(const std::string& label, const std::string& kv) {
  auto pairs = SplitKeyValues(kv);
  auto params = ParseParams(PooledDriftEntry().spec, *pairs, "pooled_drift");
  return ModelSpec{"pooled_drift", *params, label};
}

// A spec of last_plus with the given parameters and label.
inline ModelSpec LastPlusSpec(const std::string& label, const std::string& kv) {
  auto pairs = SplitKeyValues(kv);
  auto params = ParseParams(LastPlusEntry().spec, *pairs, "last_plus");
  return ModelSpec{"last_plus", *params, label};
}

}  // namespace retailcast::eval::testing
