// Mean (historic average) baseline: every future value is the mean of the training series.
//
// Source: Hyndman & Athanasopoulos, "Forecasting: Principles and Practice" (3rd ed.),
// section 5.2 ("Mean method") and section 5.5 table 5.2, as implemented by R package
// forecast 8.20, meanf():
//   yhat      = ybar (mean of the observations)
//   fitted[t] = ybar, residual[t] = y[t] - ybar
//   bounds    = ybar -/+ t_{n-1}(0.5 + level/200) * s * sqrt(1 + 1/n),
// with s the sample standard deviation (denominator n - 1) and t_{n-1} the Student t
// quantile with n - 1 degrees of freedom (the interval of a new observation from a normal
// sample with unknown mean and variance).
//
// Missing values (NaN): ybar and s use the observed values only, and n is the number of
// observed values. (R's meanf takes n = length(x) including NAs, which overstates the
// degrees of freedom; on a complete series both agree.) fitted is ybar at every position,
// residuals are NaN where y is missing.
// Errors (DataError, naming the series): empty or all-NaN series, or fewer than 2 observed
// values (no standard deviation, so no interval).
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/common/model_util.h"
#include "retailcast/models/baselines.h"
#include "retailcast/models/distributions.h"

namespace retailcast::models {
namespace {

constexpr uint64_t kStateVersion = 1;

// StudentTQuantile inverts the incomplete beta by iteration (~10 % of an M5-size baseline
// backtest); series of one panel mostly share (p, df), so each thread remembers its last few
// answers. The cached value is the exact same double, so results do not change.
double CachedStudentTQuantile(double p, double df) {
  struct Entry {
    double p = 0, df = -1, q = 0;
  };
  thread_local Entry cache[4];
  thread_local unsigned next = 0;
  for (const Entry& e : cache) {
    if (e.p == p && e.df == df) return e.q;
  }
  const double q = StudentTQuantile(p, df);
  cache[next++ % 4] = Entry{p, df, q};
  return q;
}

class MeanFitted final : public FittedModel {
 public:
  MeanFitted(double mean, double sd, uint64_t n, InSample in_sample)
      : mean_(mean), sd_(sd), n_(n), in_sample_(std::move(in_sample)) {}

  Result<Forecast> Predict(const PredictRequest& request) const override {
    RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
    const auto h = static_cast<size_t>(request.horizon);
    const double n = static_cast<double>(n_);
    Forecast fc;
    fc.mean.assign(h, mean_);
    fc.levels = request.levels;
    for (double level : request.levels) {
      // Same operation order as meanf: w <- -qt(0.5 - level/200, n - 1) * s * sqrt(1 + 1/n).
      const double tfrac = CachedStudentTQuantile(0.5 - level / 200.0, n - 1.0);
      const double w = -tfrac * sd_ * std::sqrt(1.0 + 1.0 / n);
      fc.lower.emplace_back(h, mean_ - w);
      fc.upper.emplace_back(h, mean_ + w);
    }
    return fc;
  }

  const InSample& in_sample() const override { return in_sample_; }

  void Save(ByteWriter& out) const override {
    WriteStateHeader(out, kMeanName, kStateVersion);
    out.PutDouble(mean_);
    out.PutDouble(sd_);
    out.PutU64(n_);
  }

 private:
  double mean_;
  double sd_;
  uint64_t n_;  // observed values the mean was taken over (>= 2)
  InSample in_sample_;
};

class MeanEstimator final : public Estimator {
 public:
  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    RETAILCAST_RETURN_IF_ERROR(RequireObservations(series, kMeanName));
    const size_t n = CountObserved(series.y);
    if (n < 2) {
      return Status::DataError(SeriesContext(kMeanName, series.id) +
                               "needs at least 2 observed values to estimate the standard "
                               "deviation of its interval; the series has " +
                               std::to_string(n));
    }
    // Two passes (mean, then squared deviations) for an accurate standard deviation.
    double sum = 0;
    for (double v : series.y) {
      if (!std::isnan(v)) sum += v;
    }
    const double mean = sum / static_cast<double>(n);
    double ss = 0;
    for (double v : series.y) {
      if (!std::isnan(v)) ss += (v - mean) * (v - mean);
    }
    const double sd = std::sqrt(ss / static_cast<double>(n - 1));
    InSample in_sample;
    in_sample.fitted.assign(series.y.size(), mean);
    in_sample.residuals.resize(series.y.size());
    for (size_t t = 0; t < series.y.size(); ++t) in_sample.residuals[t] = series.y[t] - mean;
    return std::unique_ptr<FittedModel>(
        std::make_unique<MeanFitted>(mean, sd, n, std::move(in_sample)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    RETAILCAST_RETURN_IF_ERROR(ReadStateHeader(in, kMeanName, kStateVersion));
    double mean = 0, sd = 0;
    uint64_t n = 0;
    Status s = in.GetDouble(&mean);
    if (s.ok()) s = in.GetDouble(&sd);
    if (s.ok()) s = in.GetU64(&n);
    if (!s.ok()) return Status::DataError("saved state of model 'mean' is truncated or corrupt");
    RETAILCAST_RETURN_IF_ERROR(RequireAtEnd(in, kMeanName));
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(mean, "mean", kMeanName));
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(sd, "sd", kMeanName, true));
    if (n < 2) {
      return Status::DataError("saved state of model 'mean' is corrupt: observation count " +
                               std::to_string(n) + " is below 2");
    }
    return std::unique_ptr<FittedModel>(std::make_unique<MeanFitted>(mean, sd, n, InSample{}));
  }
};

}  // namespace

const ParamTableBase& MeanParamTable() { return EmptyParamTable(); }

Result<std::unique_ptr<Estimator>> MakeMean(const ParamValues& /*params*/) {
  return std::unique_ptr<Estimator>(std::make_unique<MeanEstimator>());
}

}  // namespace retailcast::models
