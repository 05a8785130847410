// Intermittent-demand models: croston, sba, tsb, adida, imapa. All forecast a flat mean per
// period. Notation: d_t the demand of period t; a "demand" is a period with d_t > 0; its size
// is d_t and its interval is the number of periods since the previous demand (for the first
// demand, since the start: period index + 1).
//
// croston (Croston 1972; R forecast 8.20's croston() and croston2()): sizes z and intervals p
//   are smoothed by SES with l_0 = their first value (HoltWintersZZ's "simple" start),
//   z <- alpha z_new + (1 - alpha) z at each demand; forecast z / p. With one demand so far,
//   the forecast is size / interval (R's special case); with none, 0. In-sample fitted value
//   t is the forecast from periods 1..t-1 (NaN for the first period), as R's fitted values.
// sba (Syntetos & Boylan 2005, "The accuracy of intermittent demand estimates", IJF 21):
//   croston times (1 - alpha_p / 2), which removes Croston's bias of the ratio estimator.
// tsb (Teunter, Syntetos & Babai 2011, "Intermittent demand: linking forecasting to
//   inventory obsolescence", EJOR 214): demand probability p <- p + alpha_p (1[d_t > 0] - p)
//   every period, size z <- z + alpha_d (d_t - z) at demands; forecast p z. Initialised at
//   the first demand: z = its size, p = 1 / its interval (Croston's simple start).
// adida (Nikolopoulos, Syntetos, Boylan, Petropoulos & Assimakopoulos 2011, "An aggregate-
//   disaggregate intermittent demand approach (ADIDA)", JORS 62): sum the series in
//   non-overlapping buckets of k = round(mean interval) periods, aligned to the last period
//   (the first n mod k periods are left out), SES on the bucket totals, forecast / k.
// imapa (Petropoulos & Kourentzes 2015, "Forecast combinations for intermittent demand",
//   JORS 66): the ADIDA forecasts for k = 1..K averaged, K = round(mean interval).
// SES inside adida and imapa starts at the first bucket total.
//
// Smoothing constants: given (R's croston default alpha = 0.1), or with optimize = true chosen
// per series by in-sample MSE within [0.1, 0.3] (the range the intermittent-demand literature
// recommends; statsforecast's *Optimized variants use it too), each SES by its own one-step
// MSE: the size SES on the sizes, Croston's interval SES on the intervals, TSB's probability
// on the demand indicators, ADIDA's / IMAPA's SES on the bucket totals.
//
// Quantiles (these methods give a mean only): a per-period demand model whose mean is the
// point forecast. A period has a demand with probability p and then a size drawn from the
// series' own demand sizes, rescaled to the forecast: S = c s_i with c = mean / (p mean(s)).
// Its distribution function is (1 - p) + p F_S(y) for y >= 0, so the q quantile is 0 when
// q <= 1 - p and else the (q - (1 - p)) / p quantile of the sizes (linear interpolation
// between order statistics, R's quantile type 7). This is computed in closed form: no
// simulation, so it is deterministic without random draws. p is 1 / (smoothed interval) for
// croston and sba, the smoothed probability for tsb, and the share of periods with demand for
// adida and imapa. Lower bounds are >= 0 by construction. Every interval is widened, where
// needed, to contain the mean (a quantile can sit below the mean when demands are rare; the
// registry's contract keeps the mean inside every interval).
//
// Missing values (NaN) are skipped: the series is taken without them (they neither add a
// demand nor lengthen an interval); fitted values at missing periods are the forecast made
// there, residuals NaN. Negative values are a DataError naming the series (these are models
// of non-negative demand: clip returns, e.g. ingest --negatives clip). An all-zero series
// forecasts 0 with zero-width intervals; any series with one observed value is usable.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/common/model_util.h"
#include "models/common/r_numerics.h"
#include "retailcast/models/distributions.h"
#include "retailcast/models/intermittent.h"

namespace retailcast::models {
namespace {

constexpr uint64_t kStateVersion = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kOptLower = 0.1, kOptUpper = 0.3;
constexpr int64_t kMaxAggregation = 100000;

// The observed values of a series and where they sit in it.
struct Observed {
  std::vector<double> values;
  std::vector<size_t> positions;
};

Result<Observed> ObservedDemand(const SeriesView& series, std::string_view model) {
  RETAILCAST_RETURN_IF_ERROR(RequireObservations(series, model));
  Observed o;
  o.values.reserve(series.y.size());
  o.positions.reserve(series.y.size());
  for (size_t t = 0; t < series.y.size(); ++t) {
    const double v = series.y[t];
    if (std::isnan(v)) continue;
    if (v < 0 || !std::isfinite(v)) {
      return Status::DataError(SeriesContext(model, series.id) + "value " + std::to_string(v) +
                               " at position " + std::to_string(t) +
                               " is not a finite non-negative demand; intermittent-demand "
                               "models need sales >= 0 (clip returns, e.g. ingest --negatives "
                               "clip)");
    }
    o.values.push_back(v);
    o.positions.push_back(t);
  }
  return o;
}

// Sizes and intervals of the demands of d (observed values only).
struct DemandEvents {
  std::vector<double> sizes;
  std::vector<double> intervals;
};

DemandEvents Events(std::span<const double> d) {
  DemandEvents ev;
  size_t last = 0;  // 1-based period of the previous demand (0 = the start)
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i] > 0) {
      ev.sizes.push_back(d[i]);
      ev.intervals.push_back(static_cast<double>(i + 1 - last));
      last = i + 1;
    }
  }
  return ev;
}

// The aggregation level k = round(mean interval), at least 1; a mean interval ending in .5
// rounds up (half away from zero).
size_t MeanIntervalLevel(const DemandEvents& ev) {
  if (ev.intervals.empty()) return 1;
  const double mean = RMean(ev.intervals);
  return std::max<size_t>(1, static_cast<size_t>(std::llround(mean)));
}

// One-step MSE of SES with l_0 = x_0 (simple start) over x_1.. (0 when x has one value).
double SimpleSesMse(std::span<const double> x, double alpha) {
  if (x.size() < 2) return 0;
  double sse = 0;
  SesFilter(x, alpha, x[0], nullptr, &sse);
  return sse / static_cast<double>(x.size() - 1);
}

double OptimisedAlpha(std::span<const double> x) {
  return BrentMinimize([&](double a) { return SimpleSesMse(x, a); }, kOptLower, kOptUpper);
}

// ---------------------------------------------------------------------------------------
// The per-period demand model behind every interval.

// Type 7 quantile of sorted values at u in [0, 1].
double SortedQuantile(const std::vector<double>& sorted, double u) {
  const double h = (static_cast<double>(sorted.size()) - 1) * u;
  const auto lo = static_cast<size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

// What Predict needs; exactly what Save writes.
struct DemandState {
  double mean = 0;            // forecast per period
  double probability = 0;     // p: chance of a demand in a period
  std::vector<double> sizes;  // the series' demand sizes, ascending
};

class DemandFitted final : public FittedModel {
 public:
  DemandFitted(std::string_view name, DemandState state, InSample in_sample)
      : name_(name), state_(std::move(state)), in_sample_(std::move(in_sample)) {}

  Result<Forecast> Predict(const PredictRequest& request) const override {
    RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
    const auto h = static_cast<size_t>(request.horizon);
    Forecast fc;
    fc.mean.assign(h, state_.mean);
    fc.levels = request.levels;
    for (double level : request.levels) {
      const double lo = std::min(Quantile(0.5 - level / 200), state_.mean);
      const double hi = std::max(Quantile(0.5 + level / 200), state_.mean);
      fc.lower.emplace_back(h, lo);
      fc.upper.emplace_back(h, hi);
    }
    return fc;
  }

  const InSample& in_sample() const override { return in_sample_; }

  void Save(ByteWriter& out) const override {
    WriteStateHeader(out, name_, kStateVersion);
    out.PutDouble(state_.mean);
    out.PutDouble(state_.probability);
    out.PutDoubles(state_.sizes);
  }

 private:
  double Quantile(double q) const {
    const double p = state_.probability;
    if (state_.mean <= 0 || p <= 0 || state_.sizes.empty() || q <= 1 - p) return 0;
    const double scale = state_.mean / (p * RMean(state_.sizes));
    const double u = std::min(1.0, (q - (1 - p)) / p);
    return scale * SortedQuantile(state_.sizes, u);
  }

  std::string_view name_;
  DemandState state_;
  InSample in_sample_;
};

// The in-sample fit from per-observed-value one-step forecasts.
InSample MakeInSample(const SeriesView& series, const Observed& obs,
                      const std::vector<double>& fitted_observed, double final_forecast) {
  InSample ins;
  const size_t n = series.y.size();
  ins.fitted.assign(n, kNaN);
  ins.residuals.assign(n, kNaN);
  // A missing period gets the forecast standing at that point: the one made for the next
  // observed period (or the final forecast after the last observation).
  size_t next = 0;
  for (size_t t = 0; t < n; ++t) {
    while (next < obs.positions.size() && obs.positions[next] < t) ++next;
    const double f = next < obs.positions.size() ? fitted_observed[next] : final_forecast;
    ins.fitted[t] = f;
    if (!std::isnan(series.y[t])) ins.residuals[t] = series.y[t] - f;
  }
  return ins;
}

DemandState MakeState(double mean, double probability, const DemandEvents& ev) {
  DemandState s;
  s.mean = mean;
  s.probability = probability;
  s.sizes = ev.sizes;
  std::sort(s.sizes.begin(), s.sizes.end());
  return s;
}

// ---------------------------------------------------------------------------------------
// The five estimators.

enum class Method { kCroston, kSba, kTsb, kAdida, kImapa };

struct IntermittentParams {
  double alpha = 0.1;       // croston, sba, adida, imapa: SES constant (sizes and intervals)
  double alpha_d = 0.1;     // tsb: size
  double alpha_p = 0.1;     // tsb: probability
  bool optimize = false;    // choose the constants by in-sample MSE in [0.1, 0.3]
  int64_t aggregation = 0;  // adida: bucket length; imapa: largest level; 0 = round(ADI)
};

class IntermittentEstimator final : public Estimator {
 public:
  IntermittentEstimator(std::string_view name, Method method, IntermittentParams params)
      : name_(name), method_(method), params_(params) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    RETAILCAST_ASSIGN_OR_RETURN(Observed obs, ObservedDemand(series, name_));
    const DemandEvents ev = Events(obs.values);
    std::vector<double> fitted;
    double mean = 0, probability = 0;
    switch (method_) {
      case Method::kCroston:
      case Method::kSba:
        FitCroston(obs.values, ev, &fitted, &mean, &probability);
        break;
      case Method::kTsb:
        FitTsb(obs.values, ev, &fitted, &mean, &probability);
        break;
      case Method::kAdida:
      case Method::kImapa:
        if (static_cast<size_t>(params_.aggregation) > obs.values.size()) {
          return Status::DataError(
              SeriesContext(name_, series.id) + "aggregation " +
              std::to_string(params_.aggregation) + " is longer than the " +
              std::to_string(obs.values.size()) +
              " observed periods of the series; use a smaller aggregation or 0 (the mean "
              "interval between demands)");
        }
        FitAggregate(obs.values, ev, &fitted, &mean);
        probability = static_cast<double>(ev.sizes.size()) / static_cast<double>(obs.values.size());
        break;
    }
    InSample ins = MakeInSample(series, obs, fitted, mean);
    return std::unique_ptr<FittedModel>(
        std::make_unique<DemandFitted>(name_, MakeState(mean, probability, ev), std::move(ins)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    RETAILCAST_RETURN_IF_ERROR(ReadStateHeader(in, name_, kStateVersion));
    DemandState s;
    Status st = in.GetDouble(&s.mean);
    if (st.ok()) st = in.GetDouble(&s.probability);
    if (st.ok()) st = in.GetDoubles(&s.sizes);
    const std::string corrupt = "saved state of model '" + std::string(name_) + "' is corrupt: ";
    if (!st.ok()) {
      return Status::DataError("saved state of model '" + std::string(name_) +
                               "' is truncated or corrupt");
    }
    RETAILCAST_RETURN_IF_ERROR(RequireAtEnd(in, name_));
    RETAILCAST_RETURN_IF_ERROR(RequireFinite(s.mean, "mean", name_, true));
    if (!(s.probability >= 0 && s.probability <= 1)) {
      return Status::DataError(corrupt + "demand probability " + std::to_string(s.probability) +
                               " is outside [0, 1]");
    }
    for (size_t i = 0; i < s.sizes.size(); ++i) {
      if (!(std::isfinite(s.sizes[i]) && s.sizes[i] > 0) ||
          (i > 0 && s.sizes[i] < s.sizes[i - 1])) {
        return Status::DataError(corrupt + "demand size " + std::to_string(i) + " (" +
                                 std::to_string(s.sizes[i]) +
                                 ") is not positive, finite and in ascending order");
      }
    }
    if (s.mean > 0 && (s.probability <= 0 || s.sizes.empty())) {
      return Status::DataError(corrupt + "a positive mean without demand sizes or probability");
    }
    return std::unique_ptr<FittedModel>(
        std::make_unique<DemandFitted>(name_, std::move(s), InSample{}));
  }

 private:
  // fitted[i]: the forecast for observed value i from the values before it.
  void FitCroston(std::span<const double> d, const DemandEvents& ev, std::vector<double>* fitted,
                  double* mean, double* probability) const {
    double alpha_z = params_.alpha, alpha_p = params_.alpha;
    if (params_.optimize) {
      alpha_z = OptimisedAlpha(ev.sizes);
      alpha_p = OptimisedAlpha(ev.intervals);
    }
    const double correction = method_ == Method::kSba ? 1 - alpha_p / 2 : 1.0;
    fitted->assign(d.size(), 0.0);
    double z = 0, p = 0, first_size = 0, first_interval = 0;
    size_t demands = 0, last = 0;
    auto forecast = [&] {
      if (demands == 0) return 0.0;
      if (demands == 1) return first_size / first_interval * correction;
      return z / p * correction;
    };
    for (size_t i = 0; i < d.size(); ++i) {
      (*fitted)[i] = forecast();
      if (!(d[i] > 0)) continue;
      const double interval = static_cast<double>(i + 1 - last);
      last = i + 1;
      if (demands == 0) {
        first_size = z = d[i];
        first_interval = p = interval;
      }
      z = alpha_z * d[i] + (1 - alpha_z) * z;
      p = alpha_p * interval + (1 - alpha_p) * p;
      ++demands;
    }
    // R's fitted values start with NA (no forecast before the first period).
    if (!fitted->empty()) (*fitted)[0] = kNaN;
    *mean = forecast();
    if (demands == 0) {
      *probability = 0;
    } else {
      *probability = 1 / (demands == 1 ? first_interval : p);
    }
  }

  void FitTsb(std::span<const double> d, const DemandEvents& ev, std::vector<double>* fitted,
              double* mean, double* probability) const {
    double alpha_d = params_.alpha_d, alpha_p = params_.alpha_p;
    size_t first = 0;
    while (first < d.size() && !(d[first] > 0)) ++first;
    if (params_.optimize) {
      alpha_d = OptimisedAlpha(ev.sizes);
      if (first < d.size()) {
        // The probability SES starts at 1 / first interval, then follows the indicators.
        const double p0 = 1.0 / static_cast<double>(first + 1);
        auto mse = [&](double a) {
          double p = p0, sse = 0;
          for (size_t i = first + 1; i < d.size(); ++i) {
            const double occurred = d[i] > 0 ? 1.0 : 0.0;
            sse += (occurred - p) * (occurred - p);
            p = p + a * (occurred - p);
          }
          return sse;
        };
        alpha_p = BrentMinimize(mse, kOptLower, kOptUpper);
      }
    }
    fitted->assign(d.size(), 0.0);
    if (first == d.size()) {
      *mean = 0;
      *probability = 0;
      if (!fitted->empty()) (*fitted)[0] = kNaN;
      return;
    }
    double z = d[first], p = 1.0 / static_cast<double>(first + 1);
    for (size_t i = first + 1; i < d.size(); ++i) {
      (*fitted)[i] = p * z;
      const double occurred = d[i] > 0 ? 1.0 : 0.0;
      p = p + alpha_p * (occurred - p);
      if (d[i] > 0) z = z + alpha_d * (d[i] - z);
    }
    (*fitted)[0] = kNaN;
    *mean = p * z;
    *probability = p;
  }

  // ADIDA at level k: per-period forecast, and per-observed-value fitted values (NaN for the
  // left-out head).
  double AggregateSes(std::span<const double> d, size_t k, std::vector<double>* fitted) const {
    const size_t buckets = d.size() / k;
    const size_t head = d.size() - buckets * k;
    std::vector<double> totals(buckets);
    for (size_t j = 0; j < buckets; ++j) {
      double s = 0;
      for (size_t q = 0; q < k; ++q) s += d[head + j * k + q];
      totals[j] = s;
    }
    const double alpha = params_.optimize ? OptimisedAlpha(totals) : params_.alpha;
    std::vector<double> bucket_fit;
    const double level = SesFilter(totals, alpha, totals[0], &bucket_fit);
    const double kd = static_cast<double>(k);
    fitted->assign(d.size(), kNaN);
    for (size_t j = 0; j < buckets; ++j) {
      for (size_t q = 0; q < k; ++q) (*fitted)[head + j * k + q] = bucket_fit[j] / kd;
    }
    return level / kd;
  }

  void FitAggregate(std::span<const double> d, const DemandEvents& ev, std::vector<double>* fitted,
                    double* mean) const {
    // The default level never exceeds the series: the mean interval is at most its length.
    const size_t levels =
        params_.aggregation > 0 ? static_cast<size_t>(params_.aggregation) : MeanIntervalLevel(ev);
    if (method_ == Method::kAdida) {
      *mean = AggregateSes(d, levels, fitted);
      return;
    }
    fitted->assign(d.size(), 0.0);
    double total = 0;
    std::vector<double> level_fit;
    for (size_t k = 1; k <= levels; ++k) {
      total += AggregateSes(d, k, &level_fit);
      for (size_t i = 0; i < d.size(); ++i) (*fitted)[i] += level_fit[i];
    }
    const double count = static_cast<double>(levels);
    for (double& f : *fitted) f /= count;
    *mean = total / count;
  }

  std::string_view name_;
  Method method_;
  IntermittentParams params_;
};

// adida and imapa choose their smoothing constant per series unless told otherwise.
struct AggregateParams : IntermittentParams {
  AggregateParams() { optimize = true; }
};

constexpr const char* kOptimizeDescription =
    "choose each smoothing constant per series by in-sample one-step MSE within [0.1, 0.3] (the "
    "alpha parameters are then not used)";

const ParamTable<IntermittentParams>& CrostonTable() {
  static const ParamTable<IntermittentParams> table =
      ParamTable<IntermittentParams>()
          .Double("alpha", &IntermittentParams::alpha, 0, 1,
                  "smoothing constant of the demand sizes and intervals (R's croston default "
                  "0.1)")
          .Bool("optimize", &IntermittentParams::optimize, kOptimizeDescription);
  return table;
}

const ParamTable<IntermittentParams>& SbaTable() {
  static const ParamTable<IntermittentParams> table =
      ParamTable<IntermittentParams>()
          .Double("alpha", &IntermittentParams::alpha, 0, 1,
                  "smoothing constant of the demand sizes and intervals; the forecast is "
                  "multiplied by 1 - alpha / 2")
          .Bool("optimize", &IntermittentParams::optimize, kOptimizeDescription);
  return table;
}

const ParamTable<IntermittentParams>& TsbTable() {
  static const ParamTable<IntermittentParams> table =
      ParamTable<IntermittentParams>()
          .Double("alpha_d", &IntermittentParams::alpha_d, 0, 1,
                  "smoothing constant of the demand size")
          .Double("alpha_p", &IntermittentParams::alpha_p, 0, 1,
                  "smoothing constant of the demand probability (updated every period)")
          .Bool("optimize", &IntermittentParams::optimize, kOptimizeDescription);
  return table;
}

const ParamTable<AggregateParams>& AdidaTable() {
  static const ParamTable<AggregateParams> table =
      ParamTable<AggregateParams>()
          .Double("alpha", &IntermittentParams::alpha, 0, 1,
                  "SES smoothing constant on the aggregated series")
          .Bool("optimize", &IntermittentParams::optimize, kOptimizeDescription)
          .Int("aggregation", &IntermittentParams::aggregation, 0, kMaxAggregation,
               "bucket length in periods; 0 = the rounded mean interval between demands");
  return table;
}

const ParamTable<AggregateParams>& ImapaTable() {
  static const ParamTable<AggregateParams> table =
      ParamTable<AggregateParams>()
          .Double("alpha", &IntermittentParams::alpha, 0, 1,
                  "SES smoothing constant on each aggregated series")
          .Bool("optimize", &IntermittentParams::optimize, kOptimizeDescription)
          .Int("aggregation", &IntermittentParams::aggregation, 0, kMaxAggregation,
               "largest aggregation level K (levels 1..K are combined); 0 = the rounded mean "
               "interval between demands");
  return table;
}

Result<std::unique_ptr<Estimator>> Make(std::string_view name, Method method,
                                        const IntermittentParams& params) {
  return std::unique_ptr<Estimator>(std::make_unique<IntermittentEstimator>(name, method, params));
}

}  // namespace

const ParamTableBase& CrostonParamTable() { return CrostonTable(); }
const ParamTableBase& SbaParamTable() { return SbaTable(); }
const ParamTableBase& TsbParamTable() { return TsbTable(); }
const ParamTableBase& AdidaParamTable() { return AdidaTable(); }
const ParamTableBase& ImapaParamTable() { return ImapaTable(); }

Result<std::unique_ptr<Estimator>> MakeCroston(const ParamValues& params) {
  return Make(kCrostonName, Method::kCroston, CrostonTable().Bind(params));
}
Result<std::unique_ptr<Estimator>> MakeSba(const ParamValues& params) {
  return Make(kSbaName, Method::kSba, SbaTable().Bind(params));
}
Result<std::unique_ptr<Estimator>> MakeTsb(const ParamValues& params) {
  return Make(kTsbName, Method::kTsb, TsbTable().Bind(params));
}
Result<std::unique_ptr<Estimator>> MakeAdida(const ParamValues& params) {
  return Make(kAdidaName, Method::kAdida, AdidaTable().Bind(params));
}
Result<std::unique_ptr<Estimator>> MakeImapa(const ParamValues& params) {
  return Make(kImapaName, Method::kImapa, ImapaTable().Bind(params));
}

}  // namespace retailcast::models
