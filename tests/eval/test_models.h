// Test-local models for the eval tests: small, exact and independent of src/models, so the
// engine, model sets and backtests are tested against behaviour we control.
#pragma once

#include <cmath>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "retailcast/forecast_engine.h"
#include "retailcast/model.h"
#include "retailcast/panel.h"
#include "retailcast/registry.h"

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

inline const ModelRegistry& TestRegistry() {
  static const ModelRegistry registry = [] {
    ModelRegistry r;
    if (!r.Register(LastPlusEntry()).ok()) std::abort();
    return r;
  }();
  return registry;
}

// A spec of last_plus with the given parameters and label.
inline ModelSpec LastPlusSpec(const std::string& label, const std::string& kv) {
  auto pairs = SplitKeyValues(kv);
  auto params = ParseParams(LastPlusEntry().spec, *pairs, "last_plus");
  return ModelSpec{"last_plus", *params, label};
}

}  // namespace retailcast::eval::testing
