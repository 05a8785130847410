// Window average baseline: every future value is the mean of the last `window_size`
// observations (a simple moving average; Hyndman & Athanasopoulos, FPP3 section 3.3 for
// moving averages and section 5.2 for the average method it restricts to a recent window;
// Nixtla statsforecast's WindowAverage is the same point forecast).
//
//   yhat      = mean(y[T-k+1 .. T]),  k = window_size
//   fitted[t] = mean of the k observations before t (NaN while fewer than k exist)
//   sigma     = sqrt(mean(residual^2)) over the non-missing one-step residuals
//   bounds    = yhat -/+ z * sigma, z = qnorm(0.5 + level/200), the same at every horizon.
// The constant width assumes the series fluctuates around a stable local level (as the
// window mean itself does); on a trending series the intervals are too narrow for long
// horizons, which the random walk models capture better.
//
// Missing values (NaN): windows are taken over the observed values only, i.e. the mean of
// the last k non-missing values (however far back they lie); residuals are NaN where y is
// missing.
// Errors (DataError, naming the series): empty or all-NaN series, or fewer than k + 1
// observed values (no window mean plus at least one residual for sigma).
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/common/model_util.h"
#include "retailcast/models/baselines.h"

namespace retailcast::models {
namespace {

constexpr uint64_t kStateVersion = 1;
constexpr int64_t kMaxWindowSize = 1000000;

class WindowAverageFitted final : public FittedModel {
 public:
  WindowAverageFitted(double level, double sigma, InSample in_sample)
      : level_(level), sigma_(sigma), in_sample_(std::move(in_sample)) {}

  Result<Forecast> Predict(const PredictRequest& request) const override {
    RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
    const auto h = static_cast<size_t>(request.horizon);
    const std::vector<double> se(h, sigma_);
    return NormalIntervalForecast(std::vector<double>(h, level_), se, request.levels);
  }

  const InSample& in_sample() const override { return in_sample_; }

  void Save(ByteWriter& out) const override {
    WriteStateHeader(out, kWindowAverageName, kStateVersion);
    out.PutDouble(level_);
    out.PutDouble(sigma_);
  }

 private:
  double level_;  // the window mean
  double sigma_;  // one-step residual standard deviation
  InSample in_sample_;
};

class WindowAverageEstimator final : public Estimator {
 public:
  explicit WindowAverageEstimator(int64_t window_size) : window_size_(window_size) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    RETAILCAST_RETURN_IF_ERROR(RequireObservations(series, kWindowAverageName));
    const std::span<const double> y = series.y;
    const auto k = static_cast<size_t>(window_size_);
    // Positions of the observed values, oldest first.
    std::vector<size_t> observed;
    observed.reserve(y.size());
    for (size_t t = 0; t < y.size(); ++t) {
      if (!std::isnan(y[t])) observed.push_back(t);
    }
    if (observed.size() < k + 1) {
      return Status::DataError(SeriesContext(kWindowAverageName, series.id) + "window_size " +
                               std::to_string(k) + " needs at least " + std::to_string(k + 1) +
                               " observed values (a full window plus one to estimate the "
                               "interval); the series has " +
                               std::to_string(observed.size()) + "; lower window_size");
    }
    // Sum of the observed values j-k .. j-1 (indices into `observed`), added up directly.
    auto window_sum = [&](size_t j) {
      double sum = 0;
      for (size_t i = j - k; i < j; ++i) sum += y[observed[i]];
      return sum;
    };
    InSample in_sample;
    in_sample.fitted.assign(y.size(), std::numeric_limits<double>::quiet_NaN());
    in_sample.residuals.assign(y.size(), std::numeric_limits<double>::quiet_NaN());
    // One pass with a sliding sum (O(n) rather than O(n k)), re-added from scratch every k
    // slides so rounding cannot accumulate. fitted[t] for a missing y[t] is still the mean
    // of the k observations before t.
    size_t j = 0;  // observed values strictly before t
    double running = 0;
    size_t slides = 0;
    bool have_sum = false;
    double sum_sq = 0;
    size_t count = 0;
    for (size_t t = 0; t < y.size(); ++t) {
      if (j >= k) {
        if (!have_sum || slides >= k) {
          running = window_sum(j);
          slides = 0;
          have_sum = true;
        }
        in_sample.fitted[t] = running / static_cast<double>(k);
        in_sample.residuals[t] = y[t] - in_sample.fitted[t];
        if (!std::isnan(y[t])) {
          sum_sq += in_sample.residuals[t] * in_sample.residuals[t];
          ++count;
        }
      }
      if (!std::isnan(y[t])) {
        if (have_sum) {
          running += y[t] - y[observed[j - k]];
          ++slides;
        }
        ++j;
      }
    }
    // The point forecast is summed directly, so it is exact to rounding.
    const double level = window_sum(observed.size()) / static_cast<double>(k);
    const double sigma = std::sqrt(sum_sq / static_cast<double>(count));
    return std::unique_ptr<FittedModel>(
        std::make_unique<WindowAverageFitted>(level, sigma, std::move(in_sample)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    RETAILCAST_RETURN_IF_ERROR(ReadStateHeader(in, kWindowAverageName, kStateVersion));
    double level = 0, sigma = 0;
    Status s = in.GetDouble(&level);
    if (s.ok()) s = in.GetDouble(&sigma);
    if (!s.ok()) {
      return Status::DataError("saved state of model 'window_average' is truncated or corrupt");
    }
    RETAILCAST_RETURN_IF_ERROR(RequireAtEnd(in, kWindowAverageName));
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(level, "level", kWindowAverageName));
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(sigma, "sigma", kWindowAverageName, true));
    return std::unique_ptr<FittedModel>(
        std::make_unique<WindowAverageFitted>(level, sigma, InSample{}));
  }

 private:
  int64_t window_size_;
};

struct WindowAverageParams {
  int64_t window_size = 7;  // most recent observed values averaged
};

const ParamTable<WindowAverageParams>& WindowAverageTable() {
  static const ParamTable<WindowAverageParams> table = ParamTable<WindowAverageParams>().Int(
      "window_size", &WindowAverageParams::window_size, 1, kMaxWindowSize,
      "number of most recent observed values averaged (>= 1)");
  return table;
}

}  // namespace

const ParamTableBase& WindowAverageParamTable() { return WindowAverageTable(); }

Result<std::unique_ptr<Estimator>> MakeWindowAverage(const ParamValues& params) {
  const int64_t k = WindowAverageTable().Bind(params).window_size;
  if (k < 1 || k > kMaxWindowSize) {
    return Status::InvalidArgument("model 'window_average': window_size " + std::to_string(k) +
                                   " is outside [1, " + std::to_string(kMaxWindowSize) + "]");
  }
  return std::unique_ptr<Estimator>(std::make_unique<WindowAverageEstimator>(k));
}

}  // namespace retailcast::models
