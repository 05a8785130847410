// The fitted model shared by `arima` and `auto_arima` (private to src/models): what a fit
// keeps to forecast (R's predict.Arima / forecast.Arima through KalmanForecast), how it is
// saved and loaded, and the regressor plumbing (columns from the panel at fit, future values
// from the request at predict).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "arima_core.h"
#include "arima_fit.h"
#include "retailcast/core/date.h"
#include "retailcast/core/model.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/serialize.h"
#include "retailcast/core/status.h"

namespace retailcast::models::arima {

// Everything Predict needs; exactly what Save writes.
struct ArimaForecastState {
  std::string series;  // id, for messages
  ArimaOrder order;
  std::vector<double> arma;  // ar, ma, sar, sma coefficients (narma values)
  bool intercept = false;
  bool drift = false;
  double intercept_coef = 0;
  double drift_coef = 0;
  int64_t drift_origin = 0;  // the drift regressor's value at the last fitted observation
  std::vector<std::string> xreg_names;
  std::vector<double> xreg_coef;
  double sigma2 = 0;          // innovation variance the intervals use (R forecast's)
  std::vector<double> state;  // filtered state after the last observation (rd)
  int cov_size = 0;           // k: the filtered covariance's leading k x k block is kept
  std::vector<double> cov;    // that block, column-major k x k
  Date next_date;             // first forecast date (for messages about future regressors)
  Frequency freq;
};

// Builds the state of `fit` (made on series y, whose first forecast date is `next`), with the
// forecast innovation variance `sigma2`. When the d + m D observations before the last are all
// observed the differencing part of the state is known exactly (it holds them), so only
// the leading r x r block of the covariance is kept; the rest of the filter's covariance is
// rounding noise of the diffuse start (about kappa * 1e-16).
ArimaForecastState MakeForecastState(const ArimaFit& fit, std::span<const double> y, double sigma2,
                                     std::string_view series, Date next, Frequency freq,
                                     int64_t drift_origin);

class ArimaFittedModel final : public FittedModel {
 public:
  ArimaFittedModel(std::string_view model_name, ArimaForecastState state, InSample in_sample);

  Result<Forecast> Predict(const PredictRequest& request) const override;
  const InSample& in_sample() const override { return in_sample_; }
  void Save(ByteWriter& out) const override;
  // Reads what Save wrote; DataError for anything inconsistent or truncated.
  static Result<std::unique_ptr<FittedModel>> Load(std::string_view model_name, ByteReader& in);

  const ArimaForecastState& state() const { return state_; }

 private:
  std::string_view name_;
  ArimaForecastState state_;
  ArimaStateSpace space_;
  InSample in_sample_;
};

// In-sample values from a fit's residuals: fitted = y - residual (NaN where either is), and
// residuals recomputed as y - fitted so the two add up exactly. `offset` leading positions
// (trimmed before fitting) get NaN.
InSample MakeInSample(std::span<const double> y, std::span<const double> residuals, size_t offset);

// Splits "price, promo" into names (spaces trimmed, empty items dropped). InvalidArgument for
// a name given twice.
Result<std::vector<std::string>> ParseRegressorNames(std::string_view text);

// The regressor columns of `series` for `names`, starting at observation `offset`.
// InvalidArgument naming the regressor when the series' panel has no such column.
Result<std::vector<ArimaRegressor>> SeriesRegressors(const SeriesView& series,
                                                     const std::vector<std::string>& names,
                                                     size_t offset, std::string_view model);

// Parameter names shared by the two models.
inline constexpr std::string_view kXregParam = "xreg";
inline constexpr std::string_view kMethodParam = "method";

// Longest season a model accepts (and a saved state may claim).
inline constexpr int64_t kMaxSeasonLength = 1000;

}  // namespace retailcast::models::arima
