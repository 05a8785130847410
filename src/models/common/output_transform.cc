// The output-options wrapper of every per-series model; formulas and sources in
// output_transform.h.
#include "retailcast/models/output_transform.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model_util.h"
#include "retailcast/core/param_table.h"
#include "retailcast/models/distributions.h"

namespace retailcast::models {
namespace {

constexpr std::string_view kStateName = "output_transform";
constexpr uint64_t kStateVersion = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kLambdaMin = -1;
constexpr double kLambdaMax = 2;

enum class Transform : int64_t { kNone = 0, kLog1p = 1, kBoxCox = 2 };

// The output parameters as given (OutputTable).
struct OutputOptions {
  Transform transform = Transform::kNone;
  std::string lambda = "auto";  // "auto" or a number in [kLambdaMin, kLambdaMax]
  bool bias_adjust = false;
  std::string non_negative = "auto";  // "auto", "true" or "false"
};

const ParamTable<OutputOptions>& OutputTable() {
  static const ParamTable<OutputOptions> table =
      ParamTable<OutputOptions>()
          .Choice(std::string(kTransformParam), &OutputOptions::transform,
                  {{"none", Transform::kNone},
                   {"log1p", Transform::kLog1p},
                   {"boxcox", Transform::kBoxCox}},
                  "scale the model is fitted on: none, log1p (counts with zeros) or boxcox; "
                  "forecasts are transformed back")
          .String(std::string(kLambdaParam), &OutputOptions::lambda,
                  "Box-Cox lambda in [-1, 2], or auto (Guerrero's method, as R's "
                  "BoxCox.lambda); only with transform=boxcox")
          .Bool(std::string(kBiasAdjustParam), &OutputOptions::bias_adjust,
                "with a transform: forecast the mean (bias-adjusted) instead of the median of "
                "the back-transformed distribution")
          .String(std::string(kNonNegativeParam), &OutputOptions::non_negative,
                  "replace forecasts and bounds below 0 by 0: true, false, or auto (when no "
                  "training value is negative)",
                  {"auto", "true", "false"});
  return table;
}

// What a fitted wrapper needs to map forecasts back; exactly what Save writes.
struct OutputState {
  Transform transform = Transform::kNone;
  double lambda = 0;  // Box-Cox only
  bool bias_adjust = false;
  bool clamp = false;  // replace values below 0 by 0
};

double Forward(double y, const OutputState& s) {
  switch (s.transform) {
    case Transform::kNone:
      return y;
    case Transform::kLog1p:
      return std::log1p(y);
    case Transform::kBoxCox:
      return s.lambda == 0 ? std::log(y) : (std::pow(y, s.lambda) - 1) / s.lambda;
  }
  return y;
}

double Inverse(double z, const OutputState& s) {
  switch (s.transform) {
    case Transform::kNone:
      return z;
    case Transform::kLog1p:
      return std::expm1(z);
    case Transform::kBoxCox: {
      if (s.lambda == 0) return std::exp(z);
      const double base = s.lambda * z + 1;
      return base <= 0 ? 0 : std::pow(base, 1 / s.lambda);
    }
  }
  return z;
}

// E[g^-1(Z)] for Z with mean mu and variance var, to second order (FPP3 section 5.6).
double BiasAdjustedMean(double mu, double var, const OutputState& s) {
  switch (s.transform) {
    case Transform::kNone:
      return mu;
    case Transform::kLog1p:
      return std::exp(mu) * (1 + var / 2) - 1;
    case Transform::kBoxCox: {
      if (s.lambda == 0) return std::exp(mu) * (1 + var / 2);
      const double base = s.lambda * mu + 1;
      if (base <= 0) return 0;
      return Inverse(mu, s) * (1 + var * (1 - s.lambda) / (2 * base * base));
    }
  }
  return mu;
}

// DataError naming the first value the transform cannot take.
Status CheckDomain(std::span<const double> y, const OutputState& s, std::string_view context) {
  for (size_t t = 0; t < y.size(); ++t) {
    const double v = y[t];
    if (std::isnan(v)) continue;
    const bool bad = (s.transform == Transform::kLog1p && v <= -1) ||
                     (s.transform == Transform::kBoxCox && (s.lambda <= 0 ? v <= 0 : v < 0));
    if (bad) {
      const std::string what =
          s.transform == Transform::kLog1p
              ? "transform=log1p needs values above -1"
              : (s.lambda <= 0 ? "transform=boxcox with lambda <= 0 needs positive values"
                               : "transform=boxcox needs non-negative values");
      return Status::DataError(std::string(context) + what + "; value " + std::to_string(v) +
                               " at position " + std::to_string(t) +
                               (s.transform == Transform::kBoxCox
                                    ? " (use transform=log1p for counts with zeros)"
                                    : ""));
    }
  }
  return Status::Ok();
}

class OutputFitted final : public FittedModel {
 public:
  OutputFitted(OutputState state, std::unique_ptr<FittedModel> inner, InSample in_sample)
      : state_(state), inner_(std::move(inner)), in_sample_(std::move(in_sample)) {}

  Result<Forecast> Predict(const PredictRequest& request) const override {
    RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
    const bool transformed = state_.transform != Transform::kNone;
    PredictRequest inner_request = request;
    // The bias adjustment needs the forecast variance, which the model only reports through
    // its intervals.
    const bool extra_level = transformed && state_.bias_adjust && request.levels.empty();
    if (extra_level) inner_request.levels = {80};
    RETAILCAST_ASSIGN_OR_RETURN(Forecast fc, inner_->Predict(inner_request));
    if (transformed) {
      const size_t widest = fc.levels.empty() ? 0 : WidestLevel(fc.levels);
      for (size_t t = 0; t < fc.mean.size(); ++t) {
        const double mu = fc.mean[t];
        if (state_.bias_adjust && !fc.levels.empty()) {
          const double z = NormalQuantile(0.5 + fc.levels[widest] / 200);
          const double sd = (fc.upper[widest][t] - fc.lower[widest][t]) / (2 * z);
          fc.mean[t] = BiasAdjustedMean(mu, sd * sd, state_);
        } else {
          fc.mean[t] = Inverse(mu, state_);
        }
        for (auto& lo : fc.lower) lo[t] = Inverse(lo[t], state_);
        for (auto& hi : fc.upper) hi[t] = Inverse(hi[t], state_);
      }
      // Components add up on the transformed scale only; they would mislead on this one.
      fc.component_names.clear();
      fc.components.clear();
    }
    if (extra_level) {
      fc.levels.clear();
      fc.lower.clear();
      fc.upper.clear();
    }
    if (state_.clamp) {
      auto clamp = [](std::vector<double>& v) {
        for (double& x : v) x = std::max(x, 0.0);
      };
      clamp(fc.mean);
      for (auto& lo : fc.lower) clamp(lo);
      for (auto& hi : fc.upper) clamp(hi);
    }
    return fc;
  }

  const InSample& in_sample() const override { return in_sample_; }
  const FittedModel& inner() const { return *inner_; }

  void Save(ByteWriter& out) const override {
    WriteStateHeader(out, kStateName, kStateVersion);
    out.PutI64(static_cast<int64_t>(state_.transform));
    out.PutDouble(state_.lambda);
    out.PutU64(state_.bias_adjust ? 1 : 0);
    out.PutU64(state_.clamp ? 1 : 0);
    ByteWriter inner;
    inner_->Save(inner);
    out.PutString(inner.bytes());
  }

 private:
  static size_t WidestLevel(const std::vector<double>& levels) {
    return static_cast<size_t>(std::max_element(levels.begin(), levels.end()) - levels.begin());
  }

  OutputState state_;
  std::unique_ptr<FittedModel> inner_;
  InSample in_sample_;
};

class OutputEstimator final : public Estimator {
 public:
  // `lambda` is the Box-Cox lambda given; unset: Guerrero's, chosen per series.
  OutputEstimator(std::string_view model, OutputOptions options, std::optional<double> lambda,
                  int64_t season_length, std::unique_ptr<Estimator> inner)
      : model_(model),
        options_(std::move(options)),
        lambda_(lambda),
        season_length_(season_length),
        inner_(std::move(inner)) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    RETAILCAST_RETURN_IF_ERROR(RequireObservations(series, model_));
    const std::string context = SeriesContext(model_, series.id);
    OutputState state;
    state.transform = options_.transform;
    state.bias_adjust = options_.bias_adjust;
    state.clamp = options_.non_negative == "true" ||
                  (options_.non_negative == "auto" &&
                   std::none_of(series.y.begin(), series.y.end(), [](double v) { return v < 0; }));
    if (state.transform == Transform::kNone) {
      RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<FittedModel> inner, inner_->Fit(series));
      InSample in_sample = inner->in_sample();
      return std::unique_ptr<FittedModel>(
          std::make_unique<OutputFitted>(state, std::move(inner), std::move(in_sample)));
    }
    if (state.transform == Transform::kBoxCox) {
      if (!lambda_) {
        const int64_t m = season_length_ > 0 ? season_length_ : series.freq.DefaultSeasonLength();
        state.lambda = GuerreroLambda(series.y, static_cast<int>(std::max<int64_t>(2, m)));
        if (std::isnan(state.lambda)) {
          return Status::DataError(
              context +
              "lambda=auto (Guerrero's method) needs at least two complete seasons of "
              "positive values; give lambda explicitly (e.g. lambda=0 for a log) or use "
              "transform=log1p");
        }
      } else {
        state.lambda = *lambda_;
      }
    }
    RETAILCAST_RETURN_IF_ERROR(CheckDomain(series.y, state, context));
    std::vector<double> z(series.y.size());
    for (size_t t = 0; t < z.size(); ++t) z[t] = Forward(series.y[t], state);
    SeriesView view = series;
    view.y = z;
    RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<FittedModel> inner, inner_->Fit(view));
    InSample in_sample;
    const InSample& inner_fit = inner->in_sample();
    if (inner_fit.fitted.size() == series.y.size()) {
      in_sample.fitted.resize(z.size());
      in_sample.residuals.resize(z.size());
      for (size_t t = 0; t < z.size(); ++t) {
        in_sample.fitted[t] =
            std::isnan(inner_fit.fitted[t]) ? kNaN : Inverse(inner_fit.fitted[t], state);
        in_sample.residuals[t] = series.y[t] - in_sample.fitted[t];
      }
    }
    return std::unique_ptr<FittedModel>(
        std::make_unique<OutputFitted>(state, std::move(inner), std::move(in_sample)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    ByteReader peek = in;
    if (!ReadStateHeader(peek, kStateName, kStateVersion).ok()) {
      // A state saved before the wrapper existed (retailcast 0.1 artifacts) is the model's
      // own; it forecasts as it did then, without output options.
      RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<FittedModel> inner, inner_->Load(in));
      return std::unique_ptr<FittedModel>(
          std::make_unique<OutputFitted>(OutputState{}, std::move(inner), InSample{}));
    }
    in = peek;
    OutputState state;
    int64_t transform = 0;
    uint64_t bias = 0, clamp = 0;
    std::string inner_bytes;
    Status s = in.GetI64(&transform);
    if (s.ok()) s = in.GetDouble(&state.lambda);
    if (s.ok()) s = in.GetU64(&bias);
    if (s.ok()) s = in.GetU64(&clamp);
    if (s.ok()) s = in.GetString(&inner_bytes);
    if (!s.ok()) {
      return Status::DataError("saved output options of model '" + std::string(model_) +
                               "' are truncated or corrupt");
    }
    RETAILCAST_RETURN_IF_ERROR(RequireAtEnd(in, model_));
    if (transform < 0 || transform > 2 || bias > 1 || clamp > 1 || !std::isfinite(state.lambda) ||
        state.lambda < kLambdaMin || state.lambda > kLambdaMax) {
      return Status::DataError("saved output options of model '" + std::string(model_) +
                               "' are corrupt");
    }
    state.transform = static_cast<Transform>(transform);
    state.bias_adjust = bias == 1;
    state.clamp = clamp == 1;
    ByteReader inner_in(inner_bytes);
    RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<FittedModel> inner, inner_->Load(inner_in));
    return std::unique_ptr<FittedModel>(
        std::make_unique<OutputFitted>(state, std::move(inner), InSample{}));
  }

 private:
  std::string_view model_;
  OutputOptions options_;
  std::optional<double> lambda_;
  int64_t season_length_;
  std::unique_ptr<Estimator> inner_;
};

// Coefficient of variation of sd / mean^(1 - lambda) over the subseries (R forecast's
// guerrer.cv); subseries are the complete runs of `period` values counted from the end.
double GuerreroCv(double lambda, const std::vector<double>& means, const std::vector<double>& sds) {
  std::vector<double> ratio(means.size());
  double sum = 0;
  for (size_t k = 0; k < means.size(); ++k) {
    ratio[k] = sds[k] / std::pow(means[k], 1 - lambda);
    sum += ratio[k];
  }
  const double mean = sum / static_cast<double>(ratio.size());
  double ss = 0;
  for (double r : ratio) ss += (r - mean) * (r - mean);
  return std::sqrt(ss / static_cast<double>(ratio.size() - 1)) / mean;
}

}  // namespace

const FittedModel& Unwrapped(const FittedModel& model) {
  const auto* wrapped = dynamic_cast<const OutputFitted*>(&model);
  return wrapped != nullptr ? wrapped->inner() : model;
}

double GuerreroLambda(std::span<const double> y, int period) {
  if (period < 2) return kNaN;
  const size_t p = static_cast<size_t>(period);
  const size_t groups = y.size() / p;
  std::vector<double> means, sds;
  for (size_t g = 0; g < groups; ++g) {
    std::span<const double> part = y.subspan(y.size() - (groups - g) * p, p);
    double sum = 0;
    size_t n = 0;
    for (double v : part) {
      if (std::isnan(v)) continue;
      sum += v;
      ++n;
    }
    if (n < 2) continue;
    const double mean = sum / static_cast<double>(n);
    double ss = 0;
    for (double v : part) {
      if (!std::isnan(v)) ss += (v - mean) * (v - mean);
    }
    if (!(mean > 0)) return kNaN;
    means.push_back(mean);
    sds.push_back(std::sqrt(ss / static_cast<double>(n - 1)));
  }
  if (means.size() < 2) return kNaN;
  // Golden-section search on [-1, 2] (R uses Brent's optimize on the same interval; both
  // find the minimum of this smooth one-dimensional criterion to the tolerance).
  const double inv_phi = (std::sqrt(5.0) - 1) / 2;
  double a = kLambdaMin, b = kLambdaMax;
  double c = b - inv_phi * (b - a), d = a + inv_phi * (b - a);
  double fc = GuerreroCv(c, means, sds), fd = GuerreroCv(d, means, sds);
  while (b - a > 1e-6) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - inv_phi * (b - a);
      fc = GuerreroCv(c, means, sds);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + inv_phi * (b - a);
      fd = GuerreroCv(d, means, sds);
    }
  }
  const double lambda = (a + b) / 2;
  return std::isfinite(lambda) ? lambda : kNaN;
}

ParamSpec WithOutputOptions(ParamSpec spec) {
  for (ParamDef& d : OutputTable().Spec()) spec.push_back(std::move(d));
  return spec;
}

const ParamTableBase& OutputParamTable() { return OutputTable(); }

EstimatorFactory WithOutputTransform(std::string_view model, EstimatorFactory inner) {
  return [model, inner = std::move(inner)](
             const ParamValues& params) -> Result<std::unique_ptr<Estimator>> {
    OutputOptions options = OutputTable().Bind(params);
    std::optional<double> lambda;
    if (options.lambda != "auto") {
      const std::string& text = options.lambda;
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() ||
          !(v >= kLambdaMin && v <= kLambdaMax)) {
        return Status::InvalidArgument("model '" + std::string(model) + "': lambda '" + text +
                                       "' is not 'auto' or a number in [-1, 2]");
      }
      lambda = v;
    }
    // The wrapper does not know the inner model's params struct; the season, when the model
    // has one, only sets Guerrero's subseries length.
    const int64_t season = params.Has(kSeasonLengthParam) ? params.GetInt(kSeasonLengthParam) : 0;
    RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<Estimator> est, inner(params));
    return std::unique_ptr<Estimator>(std::make_unique<OutputEstimator>(
        model, std::move(options), lambda, season, std::move(est)));
  };
}

}  // namespace retailcast::models
