// Grid search over changepoint_prior_scale x seasonality_prior_scale, the tuning Prophet's
// documentation recommends ("Hyperparameter tuning": a grid over these two scales scored by
// cross-validation). The backtest is rolling origin (Tashman 2000) inside the training
// series: window w = 0..W-1 trains on the first n - H (W - w) periods and scores the next H
// by MASE (Hyndman & Koehler 2006; seasonal naive scale with the frequency's season, lag 1
// when the training part is shorter than two seasons or its seasonal scale is 0, as the
// shared scorer). Future regressor values of a window are the series' own values there, all
// inside the training series, so nothing after its end reaches the choice.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "additive_state.h"
#include "models/common/model_util.h"

namespace retailcast::models::additive {
namespace {

double MaseScale(std::span<const double> y, int season) {
  auto scale = [&](size_t lag) {
    double sum = 0;
    size_t k = 0;
    for (size_t i = lag; i < y.size(); ++i) {
      if (!std::isnan(y[i]) && !std::isnan(y[i - lag])) {
        sum += std::abs(y[i] - y[i - lag]);
        ++k;
      }
    }
    return k > 0 ? sum / static_cast<double>(k) : 0.0;
  };
  double s = 0;
  if (season > 1 && y.size() >= 2 * static_cast<size_t>(season)) s = scale(season);
  if (s == 0) s = scale(1);
  return s > 0 ? s : 1.0;
}

}  // namespace

Status TunePriorScales(const SeriesView& series, const AdditiveParams& params,
                       double* changepoint_prior_scale, double* seasonality_prior_scale) {
  const auto n = static_cast<int64_t>(series.y.size());
  const int64_t horizon =
      params.tune_horizon > 0 ? params.tune_horizon : std::max<int64_t>(1, n / 10);
  std::vector<int64_t> cutoffs;
  for (int w = 0; w < params.tune_windows; ++w) {
    const int64_t cutoff = n - horizon * (params.tune_windows - w);
    // A window needs a training part at least twice its horizon to say anything.
    if (cutoff >= 2 * horizon && CountObserved(series.y.first(static_cast<size_t>(cutoff))) >= 2 &&
        CountObserved(series.y.subspan(static_cast<size_t>(cutoff), static_cast<size_t>(horizon))) >
            0) {
      cutoffs.push_back(cutoff);
    }
  }
  if (cutoffs.empty()) {
    return Status::DataError(
        SeriesContext(kAdditiveName, series.id) + "tune=true needs a training part of at least " +
        std::to_string(2 * horizon) + " periods before a backtest window of " +
        std::to_string(horizon) + " (tune_horizon) with observations in both; the series has " +
        std::to_string(n) + " periods; lower tune_horizon or tune_windows, or set tune=false");
  }
  std::vector<std::string> columns;
  for (const auto& r : params.regressors) columns.push_back(r.name);
  if (params.growth == Growth::kLogistic) {
    if (!params.cap_column.empty()) columns.push_back(params.cap_column);
    if (!params.floor_column.empty()) columns.push_back(params.floor_column);
  }
  const int season = series.freq.DefaultSeasonLength();
  double best = std::numeric_limits<double>::infinity();
  Status first_error;
  for (double cps : params.tune_changepoint_scales) {
    for (double sps : params.tune_seasonality_scales) {
      double total = 0;
      bool ok = true;
      for (int64_t cutoff : cutoffs) {
        const SeriesView train = series.Head(static_cast<size_t>(cutoff));
        auto state = FitState(train, params, cps, sps, nullptr);
        if (!state.ok()) {
          if (first_error.ok()) first_error = state.status();
          ok = false;
          break;
        }
        FutureRegressors future;
        future.start = series.freq.Advance(series.start, cutoff);
        future.freq = series.freq;
        for (const std::string& c : columns) {
          future.names.push_back(c);
          future.values.push_back(
              series.exog(c).subspan(static_cast<size_t>(cutoff), static_cast<size_t>(horizon)));
        }
        auto path = EvaluatePath(*state, static_cast<int>(horizon), &future);
        if (!path.ok()) {
          if (first_error.ok()) first_error = path.status();
          ok = false;
          break;
        }
        double err = 0;
        size_t k = 0;
        for (int64_t i = 0; i < horizon; ++i) {
          const double y = series.y[static_cast<size_t>(cutoff + i)];
          if (!std::isnan(y)) {
            err += std::abs(y - path->mean[static_cast<size_t>(i)]);
            ++k;
          }
        }
        total += err / static_cast<double>(k) / MaseScale(train.y, season);
      }
      // Strictly lower wins, so ties keep the earlier (smaller) scales.
      if (ok && total < best) {
        best = total;
        *changepoint_prior_scale = cps;
        *seasonality_prior_scale = sps;
      }
    }
  }
  if (std::isfinite(best)) return Status::Ok();
  if (!first_error.ok()) return first_error;
  return Status::DataError(SeriesContext(kAdditiveName, series.id) +
                           "no point of the tuning grid gave a finite backtest error");
}

}  // namespace retailcast::models::additive
