// The additive model's estimator and fitted model: option checks, intervals, components and
// the saved state. The fit itself is in additive_state.cc and additive_fit.cc; formulas and
// defaults are in docs/additive.md.
//
// Intervals (R prophet 1.0, predict_uncertainty / sample_predictive_trend / sample_model):
// each simulated path adds to the MAP trend new changepoints after the training end, a
// Poisson process with as many changepoints per unit of scaled time as the history has
// (n_changes ~ Poisson(S (T - 1)) spread uniformly over (1, T] in Prophet), each with a rate
// change ~ Laplace(0, mean |delta| + 1e-8); then observation noise N(0, sigma) (or, with
// count_aware, a negative binomial draw around the path's mean, clipped at zero). Bounds are
// the type 7 quantiles of the paths at 50 -/+ level/2 %. Differences from Prophet, for
// determinism and stability: the changepoints are generated as successive exponential gaps,
// so the first h steps of a longer forecast are the same as an h-step forecast; paths come in
// antithetic pairs (the second with the negated rate changes and noise), which makes the
// Gaussian intervals symmetric about the mean; and each pair has its own random stream from
// Rng(seed, series id), so nothing depends on the thread or the requested levels.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "additive_state.h"
#include "models/common/model_util.h"
#include "retailcast/core/rng.h"
#include "retailcast/features/holidays.h"
#include "retailcast/models/additive.h"

namespace retailcast::models {
namespace {

using additive::FeatureDefs;
using additive::Path;
using additive::State;

constexpr uint64_t kStateVersion = 1;
// Saved-state sanity bounds (a corrupt file must not make Predict allocate or loop without
// end, or step a date out of range).
constexpr int64_t kMinDay = -140000;  // 1586-09-29
constexpr int64_t kMaxDay = 2900000;  // 9909-12-01
constexpr int64_t kMaxLength = 10000000;
constexpr uint64_t kMaxItems = 100000;
constexpr int kMaxOrder = 100;
constexpr int kMaxSamples = 10000;

Status Invalid(const std::string& what) {
  return Status::InvalidArgument(std::string(kAdditiveName) + ": " + what);
}

bool PositiveFinite(double v) { return std::isfinite(v) && v > 0; }

Status ValidateParams(const AdditiveParams& p) {
  if (p.n_changepoints < 0 || p.n_changepoints > 1000) {
    return Invalid("n_changepoints " + std::to_string(p.n_changepoints) + " is outside 0..1000");
  }
  if (!(p.changepoint_range >= 0 && p.changepoint_range <= 1)) {
    return Invalid("changepoint_range must be in [0, 1]");
  }
  for (double v : {p.changepoint_prior_scale, p.seasonality_prior_scale, p.holidays_prior_scale}) {
    if (!PositiveFinite(v)) return Invalid("prior scales must be positive finite numbers");
  }
  for (int order : {p.yearly_order, p.weekly_order, p.daily_order}) {
    if (order < -1 || order > kMaxOrder) {
      return Invalid("a seasonality order must be -1 (auto), 0 (off) or up to 100, not " +
                     std::to_string(order));
    }
  }
  if (p.growth == Growth::kLogistic) {
    if (p.cap_column.empty() && !std::isfinite(p.cap)) return Invalid("cap must be finite");
    if (p.cap_column.empty() && p.floor_column.empty() && !(p.cap > p.floor)) {
      return Invalid("logistic growth needs cap > floor (got cap " + std::to_string(p.cap) +
                     ", floor " + std::to_string(p.floor) + "); set cap or cap_column");
    }
  }
  if (!std::isfinite(p.floor)) return Invalid("floor must be finite");
  std::vector<std::string> names = {"trend"};
  for (const auto& s : p.seasonalities) {
    if (s.name.empty() || s.name.find_first_of(":+") != std::string::npos) {
      return Invalid("seasonality name '" + s.name + "' must be non-empty without ':' or '+'");
    }
    if (std::find(names.begin(), names.end(), s.name) != names.end()) {
      return Invalid("seasonality '" + s.name + "' is given twice (or named 'trend')");
    }
    names.push_back(s.name);
    if (!PositiveFinite(s.period_days) || s.period_days > 1e7) {
      return Invalid("seasonality '" + s.name + "' needs a positive period in days");
    }
    if (s.order < 1 || s.order > kMaxOrder) {
      return Invalid("seasonality '" + s.name + "' needs an order in 1..100");
    }
    if (!PositiveFinite(s.prior_scale)) {
      return Invalid("seasonality '" + s.name + "' needs a positive prior scale");
    }
  }
  std::vector<std::string> regressors;
  for (const auto& r : p.regressors) {
    if (r.name.empty()) return Invalid("a regressor has an empty name");
    if (std::find(regressors.begin(), regressors.end(), r.name) != regressors.end()) {
      return Invalid("regressor '" + r.name + "' is given twice");
    }
    regressors.push_back(r.name);
    if (!PositiveFinite(r.prior_scale)) {
      return Invalid("regressor '" + r.name + "' needs a positive prior scale");
    }
  }
  if (!p.country.empty()) {
    auto c = features::FindHolidayCountry(p.country);
    if (!c.ok()) return Invalid(c.status().message());
  }
  if (p.holidays_lower_window > 0 || p.holidays_lower_window < -features::kMaxEventWindow ||
      p.holidays_upper_window < 0 || p.holidays_upper_window > features::kMaxEventWindow) {
    return Invalid(
        "holiday windows must satisfy -366 <= holidays_lower_window <= 0 <= "
        "holidays_upper_window <= 366");
  }
  if (!p.holiday_settings.empty() && p.country.empty()) {
    return Invalid("holiday_settings needs a country");
  }
  std::vector<std::string> settings;
  for (const HolidaySetting& h : p.holiday_settings) {
    if (std::find(settings.begin(), settings.end(), h.name) != settings.end()) {
      return Invalid("holiday_settings gives '" + h.name + "' twice");
    }
    settings.push_back(h.name);
    if (h.lower_window > 0 || h.lower_window < -features::kMaxEventWindow || h.upper_window < 0 ||
        h.upper_window > features::kMaxEventWindow || !std::isfinite(h.prior_scale) ||
        h.prior_scale < 0) {
      return Invalid("holiday_settings of '" + h.name +
                     "': windows must satisfy -366 <= lower "
                     "<= 0 <= upper <= 366 and the prior scale must be >= 0");
    }
    // A name the calendar never produces would silently do nothing.
    auto calendar = features::FindHolidayCountry(p.country);
    bool known = false;
    std::vector<std::string> holidays;
    for (const features::HolidayRule& rule : (*calendar)->rules) {
      const std::string name(rule.name);
      if (std::find(holidays.begin(), holidays.end(), name) == holidays.end()) {
        holidays.push_back(name);
      }
      known |= h.name == name ||
               (rule.observed != features::ObservedRule::kNone && h.name == name + " (observed)");
    }
    if (!known) {
      std::string list;
      for (const std::string& n : holidays) list += (list.empty() ? "" : ", ") + n;
      return Invalid("holiday_settings names '" + h.name + "', which is not a holiday of " +
                     std::string((*calendar)->code) + "; its holidays: " + list);
    }
  }
  Status events = features::ValidateEvents(p.events);
  if (!events.ok()) return Invalid(events.message());
  if (p.interval_samples < 0 || p.interval_samples > kMaxSamples) {
    return Invalid("interval_samples must be in 0..10000");
  }
  if (p.count_aware && p.interval_samples == 0) {
    return Invalid("count_aware intervals are simulated: set interval_samples > 0");
  }
  if (p.tune) {
    if (p.tune_windows < 1 || p.tune_horizon < 0) {
      return Invalid("tune_windows must be >= 1 and tune_horizon >= 0");
    }
    if (p.tune_changepoint_scales.empty() || p.tune_seasonality_scales.empty()) {
      return Invalid("the tuning grids must not be empty");
    }
    for (double v : p.tune_changepoint_scales) {
      if (!PositiveFinite(v)) return Invalid("tuning grid values must be positive");
    }
    for (double v : p.tune_seasonality_scales) {
      if (!PositiveFinite(v)) return Invalid("tuning grid values must be positive");
    }
  }
  return Status::Ok();
}

// ------------------------------------------------------------------ simulation

// Marsaglia & Tsang (2000), "A simple method for generating gamma variables"; shape < 1 by
// Gamma(a) = Gamma(a + 1) U^(1/a).
double GammaDraw(Rng& rng, double shape, double scale) {
  if (shape < 1) {
    const double u = rng.Uniform();
    return GammaDraw(rng, shape + 1, scale) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    const double x = rng.Normal();
    double v = 1.0 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = rng.Uniform();
    if (u < 1.0 - 0.0331 * x * x * x * x ||
        std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) {
      return d * v * scale;
    }
  }
}

// A negative binomial draw with this mean and variance mean + dispersion * mean^2, as a
// gamma-Poisson mixture (Poisson when dispersion is 0).
double CountDraw(Rng& rng, double mean, double dispersion) {
  if (mean <= 0) return 0;
  const double rate = dispersion > 0 ? GammaDraw(rng, 1.0 / dispersion, dispersion * mean) : mean;
  // Beyond 1e15 the Poisson noise is below a millionth of the rate, and the draw's integer
  // would not fit an int64.
  if (!(rate < 1e15)) return rate;
  return static_cast<double>(rng.Poisson(rate));
}

// Laplace(0, scale) by its inverse CDF.
double LaplaceDraw(Rng& rng, double scale) {
  const double u = std::max(rng.Uniform(), 0x1.0p-54);
  return u < 0.5 ? scale * std::log(2.0 * u) : -scale * std::log(2.0 * (1.0 - u));
}

// Exponential gap of a Poisson process with this rate.
double GapDraw(Rng& rng, double rate) { return -std::log(1.0 - rng.Uniform()) / rate; }

// Type 7 quantiles (R's default) of `values` at the probabilities `probs`, written to *out.
// Only the order statistics the quantiles need are put in place (nth_element on shrinking
// ranges, in rank order), which costs a few passes over the values instead of a full sort;
// `values` is reordered.
void Quantiles(std::vector<double>& values, const std::vector<double>& probs,
               std::vector<double>* out) {
  const size_t n = values.size();
  std::vector<size_t> ranks;
  for (double p : probs) {
    const auto lo = static_cast<size_t>(std::floor(p * static_cast<double>(n - 1)));
    ranks.push_back(lo);
    ranks.push_back(std::min(lo + 1, n - 1));
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  size_t from = 0;
  for (size_t r : ranks) {
    std::nth_element(values.begin() + static_cast<std::ptrdiff_t>(from),
                     values.begin() + static_cast<std::ptrdiff_t>(r), values.end());
    from = r + 1;
  }
  out->resize(probs.size());
  for (size_t q = 0; q < probs.size(); ++q) {
    const double h = probs[q] * static_cast<double>(n - 1);
    const auto lo = static_cast<size_t>(std::floor(h));
    const size_t hi = std::min(lo + 1, n - 1);
    (*out)[q] = values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
  }
}

void SimulateIntervals(const State& s, const Path& p, Forecast* fc) {
  const auto n_samples = static_cast<size_t>(s.interval_samples);
  const size_t n_pairs = (n_samples + 1) / 2;
  const double rate = static_cast<double>(s.changepoints.size());
  const bool trend_changes = rate > 0 && s.growth != Growth::kFlat;
  double lambda = 1e-8;
  for (double d : s.delta) lambda += std::abs(d) / static_cast<double>(s.delta.size());
  struct PairState {
    Rng rng;
    double next = std::numeric_limits<double>::infinity();  // next new changepoint (scaled t)
    double slope = 0, intercept = 0;  // sum over new changepoints c <= t of delta_c (t - c)
  };
  const uint64_t base = SeriesSeed(s.seed, s.series_id);
  std::vector<PairState> pairs;
  pairs.reserve(n_pairs);
  for (size_t k = 0; k < n_pairs; ++k) {
    pairs.push_back(PairState{Rng(Mix64(base ^ Mix64(k + 1)))});
    if (trend_changes) pairs.back().next = 1.0 + GapDraw(pairs.back().rng, rate);
  }
  std::vector<double> values(n_samples), probs, q;
  for (double level : fc->levels) {
    probs.push_back(0.5 - level / 200.0);
    probs.push_back(0.5 + level / 200.0);
  }
  for (size_t l = 0; l < fc->levels.size(); ++l) {
    fc->lower[l].resize(p.mean.size());
    fc->upper[l].resize(p.mean.size());
  }
  for (size_t i = 0; i < p.mean.size(); ++i) {
    const double t = p.t[i];
    for (size_t k = 0; k < n_pairs; ++k) {
      PairState& ps = pairs[k];
      while (ps.next <= t) {
        const double d = LaplaceDraw(ps.rng, lambda);
        ps.slope += d;
        ps.intercept -= d * ps.next;
        ps.next += GapDraw(ps.rng, rate);
      }
      const double adj = ps.slope * t + ps.intercept;
      const double noise = s.count_aware ? 0.0 : ps.rng.Normal();
      for (int member = 0; member < 2 && 2 * k + static_cast<size_t>(member) < n_samples;
           ++member) {
        const double sign = member == 0 ? 1.0 : -1.0;
        double trend = p.trend[i];
        if (s.growth == Growth::kLinear) {
          trend += sign * adj;
        } else if (s.growth == Growth::kLogistic) {
          trend = p.cap[i] / (1.0 + std::exp(-(p.z[i] + sign * adj)));
        }
        const double level = p.floor[i] + s.y_scale * (trend * (1.0 + p.mult[i]) + p.add[i]);
        values[2 * k + static_cast<size_t>(member)] =
            s.count_aware ? CountDraw(ps.rng, std::max(level, 0.0), s.dispersion)
                          : level + sign * s.y_scale * s.sigma * noise;
      }
    }
    Quantiles(values, probs, &q);
    for (size_t l = 0; l < fc->levels.size(); ++l) {
      // Rounding (or a skewed count distribution) can put a quantile a hair past the mean;
      // the bounds must contain the point forecast.
      fc->lower[l][i] = std::min(q[2 * l], fc->mean[i]);
      fc->upper[l][i] = std::max(q[2 * l + 1], fc->mean[i]);
    }
  }
}

// ------------------------------------------------------------------ fitted model

class AdditiveFitted final : public FittedModel {
 public:
  AdditiveFitted(State state, InSample in_sample)
      : state_(std::move(state)), in_sample_(std::move(in_sample)) {}

  Result<Forecast> Predict(const PredictRequest& request) const override {
    RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
    RETAILCAST_ASSIGN_OR_RETURN(Path path,
                                additive::EvaluatePath(state_, request.horizon, request.future));
    Forecast fc;
    fc.levels = request.levels;
    fc.mean = path.mean;
    if (state_.count_aware) {
      for (double& v : fc.mean) v = std::max(v, 0.0);
    }
    fc.lower.resize(request.levels.size());
    fc.upper.resize(request.levels.size());
    if (state_.interval_samples > 0 && !request.levels.empty()) {
      SimulateIntervals(state_, path, &fc);
    } else if (!request.levels.empty()) {
      const std::vector<double> se(fc.mean.size(), state_.y_scale * state_.sigma);
      Forecast normal = NormalIntervalForecast(fc.mean, se, request.levels);
      fc.lower = std::move(normal.lower);
      fc.upper = std::move(normal.upper);
    }
    fc.component_names = std::move(path.component_names);
    fc.components = std::move(path.components);
    return fc;
  }

  const InSample& in_sample() const override { return in_sample_; }

  void Save(ByteWriter& out) const override;

 private:
  State state_;
  InSample in_sample_;
};

// ------------------------------------------------------------------ saved state

void PutMode(ByteWriter& out, ComponentMode mode) { out.PutU64(static_cast<uint64_t>(mode)); }

void AdditiveFitted::Save(ByteWriter& out) const {
  const State& s = state_;
  WriteStateHeader(out, kAdditiveName, kStateVersion);
  out.PutString(s.series_id);
  out.PutU64(s.seed);
  out.PutI64(s.start.days);
  out.PutU64(static_cast<uint64_t>(s.freq.unit));
  out.PutU64(static_cast<uint64_t>(s.freq.anchor));
  out.PutI64(s.length);
  out.PutU64(static_cast<uint64_t>(s.growth));
  for (double v : {s.t_start, s.t_scale, s.y_scale, s.floor, s.cap}) out.PutDouble(v);
  out.PutString(s.floor_column);
  out.PutString(s.cap_column);
  out.PutDoubles(s.changepoints);
  out.PutDouble(s.k);
  out.PutDouble(s.m);
  out.PutDoubles(s.delta);
  out.PutDoubles(s.beta);
  out.PutDouble(s.sigma);
  const FeatureDefs& d = s.defs;
  out.PutU64(d.seasonalities.size());
  for (const auto& x : d.seasonalities) {
    out.PutString(x.name);
    out.PutDouble(x.period_days);
    out.PutI64(x.order);
    out.PutDouble(x.prior_scale);
    PutMode(out, x.mode);
  }
  out.PutString(d.country);
  out.PutI64(d.holiday_lower);
  out.PutI64(d.holiday_upper);
  out.PutU64(d.holiday_settings.size());
  for (const auto& h : d.holiday_settings) {
    out.PutString(h.name);
    out.PutI64(h.lower_window);
    out.PutI64(h.upper_window);
    out.PutDouble(h.prior_scale);
  }
  out.PutU64(d.events.size());
  for (const auto& e : d.events) {
    out.PutString(e.name);
    out.PutI64(e.lower_window);
    out.PutI64(e.upper_window);
    out.PutDouble(e.prior_scale);
    out.PutU64(e.dates.size());
    for (Date date : e.dates) out.PutI64(date.days);
  }
  out.PutU64(d.event_columns.size());
  for (const auto& c : d.event_columns) {
    out.PutU64(c.holiday ? 1 : 0);
    out.PutString(c.event);
    out.PutI64(c.offset);
    out.PutDouble(c.prior_scale);
    PutMode(out, c.mode);
  }
  out.PutU64(d.regressors.size());
  for (const auto& r : d.regressors) {
    out.PutString(r.name);
    out.PutDouble(r.mu);
    out.PutDouble(r.sd);
    out.PutDouble(r.prior_scale);
    PutMode(out, r.mode);
  }
  out.PutI64(s.interval_samples);
  out.PutU64(s.count_aware ? 1 : 0);
  out.PutDouble(s.dispersion);
}

// Reads a saved state; every getter failure and every implausible value is a DataError.
class StateReader {
 public:
  explicit StateReader(ByteReader& in) : in_(in) {}

  Result<State> Read() {
    RETAILCAST_RETURN_IF_ERROR(ReadStateHeader(in_, kAdditiveName, kStateVersion));
    State s;
    uint64_t unit = 0, anchor = 0, growth = 0, count_aware = 0;
    int64_t start = 0;
    String(&s.series_id);
    U64(&s.seed);
    I64(&start);
    U64(&unit);
    U64(&anchor);
    I64(&s.length);
    U64(&growth);
    for (double* v : {&s.t_start, &s.t_scale, &s.y_scale, &s.floor, &s.cap}) Double(v);
    String(&s.floor_column);
    String(&s.cap_column);
    Doubles(&s.changepoints);
    Double(&s.k);
    Double(&s.m);
    Doubles(&s.delta);
    Doubles(&s.beta);
    Double(&s.sigma);
    FeatureDefs& d = s.defs;
    uint64_t count = 0;
    if (Count(&count)) {
      d.seasonalities.resize(count);
      for (auto& x : d.seasonalities) {
        int64_t order = 0;
        String(&x.name);
        Double(&x.period_days);
        I64(&order);
        Double(&x.prior_scale);
        Mode(&x.mode);
        Check(order >= 1 && order <= kMaxOrder && x.period_days > 0 && x.period_days <= 1e7);
        x.order = static_cast<int>(order);
      }
    }
    int64_t lower = 0, upper = 0;
    String(&d.country);
    I64(&lower);
    I64(&upper);
    Check(Window(lower, upper));
    d.holiday_lower = static_cast<int>(lower);
    d.holiday_upper = static_cast<int>(upper);
    if (Count(&count)) {
      d.holiday_settings.resize(count);
      for (auto& h : d.holiday_settings) {
        String(&h.name);
        I64(&lower);
        I64(&upper);
        Check(Window(lower, upper));
        h.lower_window = static_cast<int>(lower);
        h.upper_window = static_cast<int>(upper);
        Double(&h.prior_scale);
        Check(h.prior_scale >= 0);
      }
    }
    if (Count(&count)) {
      d.events.resize(count);
      for (auto& e : d.events) {
        String(&e.name);
        I64(&lower);
        I64(&upper);
        Check(Window(lower, upper));
        e.lower_window = static_cast<int>(lower);
        e.upper_window = static_cast<int>(upper);
        Double(&e.prior_scale);
        uint64_t dates = 0;
        if (Count(&dates)) {
          e.dates.resize(dates);
          for (Date& date : e.dates) {
            int64_t day = 0;
            I64(&day);
            Check(day >= kMinDay && day <= kMaxDay);
            date.days = static_cast<int32_t>(day);
          }
        }
      }
    }
    if (Count(&count)) {
      d.event_columns.resize(count);
      for (auto& c : d.event_columns) {
        uint64_t holiday = 0;
        int64_t offset = 0;
        U64(&holiday);
        String(&c.event);
        I64(&offset);
        Double(&c.prior_scale);
        Mode(&c.mode);
        Check(holiday <= 1 && std::abs(offset) <= features::kMaxEventWindow);
        c.holiday = holiday == 1;
        c.offset = static_cast<int>(offset);
      }
    }
    if (Count(&count)) {
      d.regressors.resize(count);
      for (auto& r : d.regressors) {
        String(&r.name);
        Double(&r.mu);
        Double(&r.sd);
        Double(&r.prior_scale);
        Mode(&r.mode);
        Check(r.sd > 0);
      }
    }
    I64(&s.interval_samples);
    U64(&count_aware);
    Double(&s.dispersion);
    if (!status_.ok()) return status_;
    RETAILCAST_RETURN_IF_ERROR(RequireAtEnd(in_, kAdditiveName));
    if (!ok_ || unit > static_cast<uint64_t>(FrequencyUnit::kYear) || anchor > 6 || growth > 2 ||
        count_aware > 1 || start < kMinDay || start > kMaxDay || s.length < 1 ||
        s.length > kMaxLength || !(s.t_scale > 0) || !(s.y_scale > 0) || s.sigma < 0 ||
        s.dispersion < 0 || s.interval_samples < 0 || s.interval_samples > kMaxSamples ||
        (count_aware == 1 && s.interval_samples == 0) || s.delta.size() != s.changepoints.size() ||
        s.changepoints.size() > 1000 || s.beta.size() != d.num_columns() ||
        !std::is_sorted(s.changepoints.begin(), s.changepoints.end())) {
      return Corrupt();
    }
    for (double v : s.changepoints) {
      if (!(v >= 0 && v <= 1)) return Corrupt();
    }
    if (!d.country.empty() && !features::FindHolidayCountry(d.country).ok()) return Corrupt();
    if (!features::ValidateEvents(d.events).ok()) return Corrupt();
    s.start = Date{static_cast<int32_t>(start)};
    s.freq.unit = static_cast<FrequencyUnit>(unit);
    s.freq.anchor = static_cast<Weekday>(anchor);
    s.growth = static_cast<Growth>(growth);
    s.count_aware = count_aware == 1;
    // The training grid must end inside the calendar the date arithmetic supports (checked
    // with the longest period of the unit before stepping a date that far).
    const int64_t max_period_days[] = {1, 7, 31, 92, 366};
    if (s.length > (kMaxDay - start) / max_period_days[unit]) return Corrupt();
    return s;
  }

 private:
  void Check(bool cond) { ok_ = ok_ && cond; }
  static bool Window(int64_t lower, int64_t upper) {
    return lower <= 0 && lower >= -features::kMaxEventWindow && upper >= 0 &&
           upper <= features::kMaxEventWindow;
  }
  void Track(Status s) {
    if (status_.ok() && !s.ok()) status_ = Corrupt();
  }
  void String(std::string* v) {
    if (status_.ok()) Track(in_.GetString(v));
  }
  void U64(uint64_t* v) {
    if (status_.ok()) Track(in_.GetU64(v));
  }
  void I64(int64_t* v) {
    if (status_.ok()) Track(in_.GetI64(v));
  }
  void Double(double* v) {
    if (!status_.ok()) return;
    Track(in_.GetDouble(v));
    Check(std::isfinite(*v));
  }
  void Doubles(std::vector<double>* v) {
    if (!status_.ok()) return;
    Track(in_.GetDoubles(v));
    for (double x : *v) Check(std::isfinite(x));
  }
  void Mode(ComponentMode* mode) {
    uint64_t v = 0;
    U64(&v);
    Check(v <= 1);
    *mode = static_cast<ComponentMode>(v & 1);
  }
  // A list length; false (and the reader marked corrupt) when implausible.
  bool Count(uint64_t* n) {
    U64(n);
    if (!status_.ok()) return false;
    if (*n > kMaxItems) {
      ok_ = false;
      status_ = Corrupt();
      return false;
    }
    return true;
  }
  static Status Corrupt() {
    return Status::DataError("saved state of model '" + std::string(kAdditiveName) +
                             "' is truncated or corrupt");
  }

  ByteReader& in_;
  Status status_;
  bool ok_ = true;
};

// ------------------------------------------------------------------ estimator

class AdditiveEstimator final : public Estimator {
 public:
  explicit AdditiveEstimator(AdditiveParams params) : params_(std::move(params)) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    double cps = params_.changepoint_prior_scale, sps = params_.seasonality_prior_scale;
    if (params_.tune) {
      RETAILCAST_RETURN_IF_ERROR(additive::TunePriorScales(series, params_, &cps, &sps));
    }
    InSample in_sample;
    RETAILCAST_ASSIGN_OR_RETURN(State state,
                                additive::FitState(series, params_, cps, sps, &in_sample));
    return std::unique_ptr<FittedModel>(
        std::make_unique<AdditiveFitted>(std::move(state), std::move(in_sample)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    StateReader reader(in);
    RETAILCAST_ASSIGN_OR_RETURN(State state, reader.Read());
    return std::unique_ptr<FittedModel>(
        std::make_unique<AdditiveFitted>(std::move(state), InSample{}));
  }

 private:
  AdditiveParams params_;
};

}  // namespace

Result<std::unique_ptr<Estimator>> MakeAdditiveEstimator(AdditiveParams params) {
  RETAILCAST_RETURN_IF_ERROR(ValidateParams(params));
  return std::unique_ptr<Estimator>(std::make_unique<AdditiveEstimator>(std::move(params)));
}

}  // namespace retailcast::models
