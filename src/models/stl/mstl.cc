// mstl: MSTL decomposition (stl.h) of the series into trend + one seasonal component per
// period + remainder, a non-seasonal model (default auto_ets, R's stlf uses ets "ZZN") fitted
// to the seasonally adjusted series y - sum(seasonal), and the forecast
//   yhat[t] = adjusted forecast[t] + sum_i seasonal_i[n - p_i + ((t - 1) mod p_i)]
// i.e. each seasonal component continued by its last cycle (seasonal naive), exactly as
// R forecast 8.20's forecast.mstl(). Intervals are the adjusted model's, shifted by the same
// seasonal terms (the seasonal components are treated as known, as R does).
//
// Periods: `seasonal_periods` lists them ("7,365"), or "auto": the season length (parameter or
// the frequency's default) and, for daily data, also 365 (yearly); MSTL drops any period of at
// least half the series length. With no period left the adjusted series is the series itself.
// Missing values are filled by linear interpolation before the decomposition (R's mstl uses
// na.interp, which interpolates linearly for non-seasonal data; the decomposition itself
// needs a complete series); the adjusted model sees the filled series.
//
// The forecast carries its components: "trend" (the adjusted model's forecast, i.e. trend
// plus remainder dynamics) and "seasonal<p>" per period; they add up to the mean.
#include "retailcast/models/mstl.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "models/common/model_util.h"
#include "retailcast/models/output_transform.h"
#include "stl.h"

namespace retailcast::models {
namespace {

constexpr uint64_t kStateVersion = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxPeriod = 100000;
constexpr int kYearDays = 365;

// Linear interpolation of NaN gaps; leading and trailing gaps take the nearest value.
std::vector<double> FillLinear(std::span<const double> y) {
  std::vector<double> out(y.begin(), y.end());
  const size_t n = out.size();
  size_t prev = n;  // last observed position
  for (size_t t = 0; t < n; ++t) {
    if (std::isnan(out[t])) continue;
    if (prev == n) {
      for (size_t k = 0; k < t; ++k) out[k] = out[t];
    } else if (t > prev + 1) {
      const double step = (out[t] - out[prev]) / static_cast<double>(t - prev);
      for (size_t k = prev + 1; k < t; ++k)
        out[k] = out[prev] + step * static_cast<double>(k - prev);
    }
    prev = t;
  }
  if (prev != n) {
    for (size_t k = prev + 1; k < n; ++k) out[k] = out[prev];
  }
  return out;
}

// What Predict needs besides the adjusted model: each period and its last cycle.
struct Seasonal {
  int64_t period = 0;
  std::vector<double> last_cycle;  // the last `period` values of the component
};

class MstlFitted final : public FittedModel {
 public:
  MstlFitted(std::vector<Seasonal> seasonal, std::unique_ptr<FittedModel> adjusted,
             InSample in_sample)
      : seasonal_(std::move(seasonal)),
        adjusted_(std::move(adjusted)),
        in_sample_(std::move(in_sample)) {}

  Result<Forecast> Predict(const PredictRequest& request) const override {
    RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
    RETAILCAST_ASSIGN_OR_RETURN(Forecast fc, adjusted_->Predict(request));
    const size_t h = fc.mean.size();
    std::vector<double> trend = fc.mean;
    fc.component_names = {"trend"};
    fc.components.clear();
    std::vector<std::vector<double>> parts;
    for (const auto& s : seasonal_) {
      std::vector<double> part(h);
      for (size_t t = 0; t < h; ++t) part[t] = s.last_cycle[t % s.last_cycle.size()];
      fc.component_names.push_back("seasonal" + std::to_string(s.period));
      parts.push_back(std::move(part));
    }
    for (size_t t = 0; t < h; ++t) {
      double shift = 0;
      for (const auto& part : parts) shift += part[t];
      fc.mean[t] += shift;
      for (auto& lo : fc.lower) lo[t] += shift;
      for (auto& hi : fc.upper) hi[t] += shift;
    }
    fc.components.push_back(std::move(trend));
    for (auto& part : parts) fc.components.push_back(std::move(part));
    return fc;
  }

  const InSample& in_sample() const override { return in_sample_; }

  void Save(ByteWriter& out) const override {
    WriteStateHeader(out, kMstlName, kStateVersion);
    out.PutU64(seasonal_.size());
    for (const auto& s : seasonal_) {
      out.PutI64(s.period);
      out.PutDoubles(s.last_cycle);
    }
    ByteWriter inner;
    adjusted_->Save(inner);
    out.PutString(inner.bytes());
  }

 private:
  std::vector<Seasonal> seasonal_;
  std::unique_ptr<FittedModel> adjusted_;
  InSample in_sample_;
};

class MstlEstimator final : public Estimator {
 public:
  MstlEstimator(std::vector<int> periods, int64_t season_length, bool robust,
                std::unique_ptr<Estimator> adjusted)
      : periods_(std::move(periods)),
        season_length_(season_length),
        robust_(robust),
        adjusted_(std::move(adjusted)) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    RETAILCAST_RETURN_IF_ERROR(RequireObservations(series, kMstlName));
    std::vector<int> periods = periods_;
    if (periods.empty()) {  // "auto"
      RETAILCAST_ASSIGN_OR_RETURN(int m, ResolveSeasonLength(season_length_, series, kMstlName));
      periods.push_back(m);
      if (series.freq.unit == FrequencyUnit::kDay && m != kYearDays) periods.push_back(kYearDays);
    }
    const std::vector<double> y = FillLinear(series.y);
    MstlResult d = Mstl(y, periods, /*iterate=*/2, robust_);
    const size_t n = y.size();
    std::vector<double> adjusted = y;
    std::vector<Seasonal> seasonal;
    for (size_t i = 0; i < d.periods.size(); ++i) {
      for (size_t t = 0; t < n; ++t) adjusted[t] -= d.seasonal[i][t];
      const auto p = static_cast<size_t>(d.periods[i]);
      seasonal.push_back(Seasonal{
          d.periods[i], std::vector<double>(d.seasonal[i].end() - static_cast<std::ptrdiff_t>(p),
                                            d.seasonal[i].end())});
    }
    SeriesView view = series;
    view.y = adjusted;
    auto fit = adjusted_->Fit(view);
    if (!fit.ok()) return fit.status().WithContext("model 'mstl', seasonally adjusted series");
    std::unique_ptr<FittedModel> fitted = std::move(fit).value();
    InSample in_sample;
    const InSample& inner = fitted->in_sample();
    if (inner.fitted.size() == n) {
      in_sample.fitted.resize(n);
      in_sample.residuals.resize(n);
      for (size_t t = 0; t < n; ++t) {
        double f = inner.fitted[t];
        for (const auto& comp : d.seasonal) f += comp[t];
        in_sample.fitted[t] = f;
        in_sample.residuals[t] = series.y[t] - f;  // NaN where y was missing
      }
    }
    return std::unique_ptr<FittedModel>(
        std::make_unique<MstlFitted>(std::move(seasonal), std::move(fitted), std::move(in_sample)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    RETAILCAST_RETURN_IF_ERROR(ReadStateHeader(in, kMstlName, kStateVersion));
    uint64_t count = 0;
    auto corrupt = [] { return Status::DataError("saved state of model 'mstl' is corrupt"); };
    if (!in.GetU64(&count).ok() || count > 16) return corrupt();
    std::vector<Seasonal> seasonal(count);
    for (auto& s : seasonal) {
      if (!in.GetI64(&s.period).ok() || !in.GetDoubles(&s.last_cycle).ok()) return corrupt();
      if (s.period < 2 || s.period > kMaxPeriod ||
          s.last_cycle.size() != static_cast<size_t>(s.period)) {
        return corrupt();
      }
      for (double v : s.last_cycle) {
        RETAILCAST_RETURN_IF_ERROR(RequireFinite(v, "seasonal value", kMstlName));
      }
    }
    std::string inner;
    if (!in.GetString(&inner).ok()) return corrupt();
    RETAILCAST_RETURN_IF_ERROR(RequireAtEnd(in, kMstlName));
    ByteReader inner_in(inner);
    RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<FittedModel> fitted, adjusted_->Load(inner_in));
    return std::unique_ptr<FittedModel>(
        std::make_unique<MstlFitted>(std::move(seasonal), std::move(fitted), InSample{}));
  }

 private:
  std::vector<int> periods_;  // empty = auto
  int64_t season_length_;
  bool robust_;
  std::unique_ptr<Estimator> adjusted_;
};

Result<std::vector<int>> ParsePeriods(const std::string& text) {
  std::vector<int> out;
  if (text == "auto") return out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string item =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    char* end = nullptr;
    long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || end != item.c_str() + item.size() || v < 2 || v > kMaxPeriod) {
      return Status::InvalidArgument("model 'mstl': seasonal_periods item '" + item +
                                     "' is not a whole number of periods in [2, 100000]; give "
                                     "e.g. 7,365 or auto");
    }
    out.push_back(static_cast<int>(v));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

struct MstlParams {
  int64_t season_length = 0;  // main season of seasonal_periods=auto; 0 = the frequency's default
  std::string seasonal_periods = "auto";  // comma-separated periods (ParsePeriods) or auto
  std::string trend_model = "auto_ets";   // registered model of the adjusted series
  bool robust = false;
};

const ParamTable<MstlParams>& MstlTable() {
  static const ParamTable<MstlParams> table =
      ParamTable<MstlParams>()
          .Int(std::string(kSeasonLengthParam), &MstlParams::season_length, 0, kMaxPeriod,
               "main season length for seasonal_periods=auto; 0 = the frequency's default")
          .String("seasonal_periods", &MstlParams::seasonal_periods,
                  "comma-separated seasonal periods (e.g. 7,365), or auto: season_length, plus "
                  "365 for daily data")
          .String("trend_model", &MstlParams::trend_model,
                  "registered model fitted (non-seasonal, season_length 1) to the seasonally "
                  "adjusted series")
          .Bool("robust", &MstlParams::robust,
                "robust STL fits (bisquare weights against outliers)");
  return table;
}

}  // namespace

const ParamTableBase& MstlParamTable() { return MstlTable(); }

Result<std::unique_ptr<Estimator>> MakeMstl(const ParamValues& params,
                                            const ModelRegistry& registry) {
  const MstlParams p = MstlTable().Bind(params);
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<int> periods, ParsePeriods(p.seasonal_periods));
  const std::string& trend = p.trend_model;
  if (trend == kMstlName || trend == "combo" || trend == "auto") {
    return Status::InvalidArgument("model 'mstl': trend_model '" + trend +
                                   "' must be a single non-seasonal model, e.g. auto_ets");
  }
  RETAILCAST_ASSIGN_OR_RETURN(const ModelEntry* entry, registry.Find(trend));
  // The adjusted series is modelled without seasonality and without clamping: the seasonal
  // terms are added afterwards, and the output options apply to that total.
  std::vector<std::pair<std::string, std::string>> kv;
  for (const auto& def : entry->spec) {
    if (def.name == kSeasonLengthParam) kv.emplace_back(kSeasonLengthParam, "1");
    if (def.name == kNonNegativeParam) kv.emplace_back(kNonNegativeParam, "false");
  }
  RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<Estimator> adjusted, registry.Create(trend, kv));
  return std::unique_ptr<Estimator>(std::make_unique<MstlEstimator>(
      std::move(periods), p.season_length, p.robust, std::move(adjusted)));
}

}  // namespace retailcast::models
