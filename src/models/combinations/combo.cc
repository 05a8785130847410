// combo: the mean or median of several registered models' forecasts.
//
// Forecast combination (Bates & Granger 1969; Makridakis & Hibon 2000, the M3 finding that
// simple combinations beat most single methods; the M4 competition's best statistical entries
// were combinations of ETS, ARIMA and Theta, Makridakis et al. 2020). The point forecast is
// the mean (or median) of the members' point forecasts; each interval bound is the mean (or
// median) of the members' bounds at the same level: quantile averaging ("Vincentization",
// Lichtendahl, Grushka-Cockayne & Winkler 2013), whose intervals are at least as well
// calibrated as the members' in practice and keep lower <= mean <= upper.
//
// A member that cannot fit a series is left out of that series' combination (its error is
// kept out of the result, not hidden: the saved state lists the members that took part);
// the combination fails only when no member fits. Fitted values are the same combination
// of the members' fitted values where every member has one.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "retailcast/core/param_table.h"
#include "retailcast/eval/model_runner.h"
#include "retailcast/eval/model_specs.h"
#include "retailcast/models/combinations.h"

namespace retailcast::models {
namespace {

constexpr uint64_t kStateVersion = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The best mean combination measured on Walmart and R's monthly series (docs/accuracy.md).
constexpr std::string_view kDefaultMembers = "auto_ets,auto_arima,theta,auto_theta";

enum class Combine { kMean, kMedian };

double CombineValues(std::vector<double>& v, Combine how) {
  if (how == Combine::kMean) {
    double sum = 0;
    for (double x : v) sum += x;
    return sum / static_cast<double>(v.size());
  }
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

class ComboFitted final : public FittedModel {
 public:
  ComboFitted(Combine how, std::vector<uint64_t> members,
              std::vector<std::unique_ptr<FittedModel>> fitted, InSample in_sample)
      : how_(how),
        members_(std::move(members)),
        fitted_(std::move(fitted)),
        in_sample_(std::move(in_sample)) {}

  Result<Forecast> Predict(const PredictRequest& request) const override {
    RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
    std::vector<Forecast> parts;
    parts.reserve(fitted_.size());
    for (const auto& f : fitted_) {
      RETAILCAST_ASSIGN_OR_RETURN(Forecast fc, eval::PredictModel(*f, request));
      parts.push_back(std::move(fc));
    }
    const size_t h = static_cast<size_t>(request.horizon);
    Forecast out;
    out.mean.resize(h);
    out.levels = request.levels;
    out.lower.assign(request.levels.size(), std::vector<double>(h));
    out.upper.assign(request.levels.size(), std::vector<double>(h));
    std::vector<double> v(parts.size());
    auto combine_at = [&](auto&& pick) {
      for (size_t k = 0; k < parts.size(); ++k) v[k] = pick(parts[k]);
      return CombineValues(v, how_);
    };
    for (size_t t = 0; t < h; ++t) {
      out.mean[t] = combine_at([&](const Forecast& f) { return f.mean[t]; });
      for (size_t l = 0; l < request.levels.size(); ++l) {
        out.lower[l][t] = combine_at([&](const Forecast& f) { return BoundAt(f, l, t, true); });
        out.upper[l][t] = combine_at([&](const Forecast& f) { return BoundAt(f, l, t, false); });
      }
    }
    return out;
  }

  const InSample& in_sample() const override { return in_sample_; }

  void Save(ByteWriter& out) const override {
    WriteHeader(out);
    out.PutU64(members_.size());
    for (size_t k = 0; k < members_.size(); ++k) {
      out.PutU64(members_[k]);
      ByteWriter member;
      fitted_[k]->Save(member);
      out.PutString(member.bytes());
    }
  }

  static void WriteHeader(ByteWriter& out) {
    out.PutString(kComboName);
    out.PutU64(kStateVersion);
  }

 private:
  // A member's bound at level l (the request's order), NaN when it gave no such interval.
  static double BoundAt(const Forecast& f, size_t l, size_t t, bool lower) {
    const auto& paths = lower ? f.lower : f.upper;
    if (l >= paths.size() || t >= paths[l].size()) return kNaN;
    return paths[l][t];
  }

  Combine how_;
  std::vector<uint64_t> members_;  // positions in the estimator's member list
  std::vector<std::unique_ptr<FittedModel>> fitted_;
  InSample in_sample_;
};

class ComboEstimator final : public Estimator {
 public:
  ComboEstimator(Combine how, std::vector<eval::ModelInstance> members)
      : how_(how), members_(std::move(members)) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    std::vector<uint64_t> used;
    std::vector<std::unique_ptr<FittedModel>> fitted;
    std::string failures;
    for (size_t k = 0; k < members_.size(); ++k) {
      auto f = eval::FitModel(*members_[k].estimator, series);
      if (!f.ok()) {
        failures += "; " + members_[k].spec.label + ": " + f.status().message();
        continue;
      }
      used.push_back(k);
      fitted.push_back(std::move(f).value());
    }
    if (fitted.empty()) {
      return Status::DataError("model 'combo', series '" + std::string(series.id) +
                               "': no member could fit the series" + failures);
    }
    InSample in_sample = CombineInSample(series, fitted);
    return std::unique_ptr<FittedModel>(std::make_unique<ComboFitted>(
        how_, std::move(used), std::move(fitted), std::move(in_sample)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    std::string name;
    uint64_t version = 0, count = 0;
    Status s = in.GetString(&name);
    if (s.ok()) s = in.GetU64(&version);
    if (s.ok()) s = in.GetU64(&count);
    if (!s.ok() || name != kComboName || version != kStateVersion || count == 0 ||
        count > members_.size()) {
      return Status::DataError("saved state of model 'combo' is corrupt or of another model");
    }
    std::vector<uint64_t> used;
    std::vector<std::unique_ptr<FittedModel>> fitted;
    for (uint64_t k = 0; k < count; ++k) {
      uint64_t member = 0;
      std::string bytes;
      s = in.GetU64(&member);
      if (s.ok()) s = in.GetString(&bytes);
      if (!s.ok() || member >= members_.size() || (!used.empty() && member <= used.back())) {
        return Status::DataError("saved state of model 'combo' is truncated or corrupt");
      }
      RETAILCAST_ASSIGN_OR_RETURN(auto f, eval::LoadModel(*members_[member].estimator, bytes));
      used.push_back(member);
      fitted.push_back(std::move(f));
    }
    if (!in.at_end()) {
      return Status::DataError("saved state of model 'combo' has unexpected trailing bytes");
    }
    return std::unique_ptr<FittedModel>(
        std::make_unique<ComboFitted>(how_, std::move(used), std::move(fitted), InSample{}));
  }

 private:
  InSample CombineInSample(const SeriesView& series,
                           const std::vector<std::unique_ptr<FittedModel>>& fitted) const {
    InSample out;
    const size_t n = series.y.size();
    for (const auto& f : fitted) {
      if (f->in_sample().fitted.size() != n) return out;  // a member without an in-sample fit
    }
    out.fitted.assign(n, kNaN);
    out.residuals.assign(n, kNaN);
    std::vector<double> v(fitted.size());
    for (size_t t = 0; t < n; ++t) {
      bool all = true;
      for (size_t k = 0; k < fitted.size(); ++k) {
        v[k] = fitted[k]->in_sample().fitted[t];
        all = all && !std::isnan(v[k]);
      }
      if (!all) continue;
      out.fitted[t] = CombineValues(v, how_);
      out.residuals[t] = series.y[t] - out.fitted[t];
    }
    return out;
  }

  Combine how_;
  std::vector<eval::ModelInstance> members_;
};

struct ComboParams {
  std::string models = std::string(kDefaultMembers);  // comma-separated registered models
  Combine method = Combine::kMean;
  int season_length = 0;  // given to every member that has one; 0 = their default
};

const ParamTable<ComboParams>& ComboTable() {
  static const ParamTable<ComboParams> table =
      ParamTable<ComboParams>()
          .String("models", &ComboParams::models,
                  "comma-separated registered models to combine, each with its default "
                  "parameters and this season_length")
          .Choice("method", &ComboParams::method,
                  {{"mean", Combine::kMean}, {"median", Combine::kMedian}},
                  "how forecasts and interval bounds are combined")
          .Int("season_length", &ComboParams::season_length, 0, 100000,
               "season length given to every member that has one; 0 = their default");
  return table;
}

}  // namespace

Status RejectMembers(std::string_view model, std::string_view names,
                     std::initializer_list<std::string_view> forbidden) {
  size_t pos = 0;
  while (pos <= names.size()) {
    const size_t comma = std::min(names.find(',', pos), names.size());
    std::string_view item = names.substr(pos, comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    for (std::string_view f : forbidden) {
      if (item == f) {
        return Status::InvalidArgument(
            "model '" + std::string(model) + "': member '" + std::string(item) +
            "' cannot be part of it (a combination cannot hold a combination or a selection, "
            "nor a selection itself); list the models it would contain instead");
      }
    }
    pos = comma + 1;
  }
  return Status::Ok();
}

const ParamTableBase& ComboParamTable() { return ComboTable(); }

Result<std::unique_ptr<Estimator>> MakeCombo(const ParamValues& params,
                                             const ModelRegistry& registry) {
  const ComboParams p = ComboTable().Bind(params);
  RETAILCAST_RETURN_IF_ERROR(RejectMembers(kComboName, p.models, {kComboName, kAutoName}));
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<eval::ModelSpec> specs,
                              eval::MakeModelSpecs(registry, p.models, p.season_length));
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<eval::ModelInstance> members,
                              eval::InstantiateModels(registry, specs));
  return std::unique_ptr<Estimator>(std::make_unique<ComboEstimator>(p.method, std::move(members)));
}

}  // namespace retailcast::models
