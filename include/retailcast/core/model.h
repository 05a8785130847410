// The model interface: an Estimator (validated parameters, no data) fits one series and
// returns a FittedModel, which predicts a Forecast (mean and intervals) and can be saved and
// loaded back bit for bit.
//
// Thread-safety: Estimator::Fit and FittedModel::Predict are const and may run concurrently
// on different series (models are fitted in parallel over series).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/params.h"
#include "retailcast/core/serialize.h"
#include "retailcast/core/status.h"

namespace retailcast {

// Known future values of exogenous columns (price, promotion flags, holidays, temperature...)
// over the forecast horizon of one series: the regressors a model fitted with exogenous
// columns needs at predict time. Views only: the caller owns the values and keeps them alive
// for the duration of Predict. NaN marks an unknown value.
struct FutureRegressors {
  Date start;      // date of the first forecast period (the period after the training end)
  Frequency freq;  // of the series
  std::vector<std::string_view> names;
  std::vector<std::span<const double>> values;  // values[k][t] for names[k], t = 0..

  // The values of column `name`; empty span when absent.
  std::span<const double> Find(std::string_view name) const;
  // Checks that column `name` is present with a known (non-NaN) value for each of the first
  // `horizon` periods. InvalidArgument naming the regressor and the missing dates (the first
  // few, then a count) otherwise; `model` and `series` name the caller in the message.
  Status Require(std::string_view name, int horizon, std::string_view model,
                 std::string_view series) const;
};

// What a caller asks of a fitted model.
struct PredictRequest {
  int horizon = 1;
  // Interval levels in percent, each in (0, 100), e.g. {80, 95}.
  std::vector<double> levels;
  // Future exogenous values; null when the caller knows none. A model that was fitted with
  // regressors fails with InvalidArgument (naming the regressor and the missing dates) when
  // they are absent; a model without regressors ignores them.
  const FutureRegressors* future = nullptr;
};

// A forecast of one series: mean path and, per requested level, lower and upper bounds.
struct Forecast {
  std::vector<double> mean;                // horizon values
  std::vector<double> levels;              // as requested
  std::vector<std::vector<double>> lower;  // lower[l][t] for levels[l]
  std::vector<std::vector<double>> upper;  // upper[l][t]
  // Optional decomposition of the mean into named parts (e.g. "trend", "yearly", "holiday:
  // Christmas", "regressor:price"), for models that can explain themselves; empty otherwise.
  // components[c][t] for component_names[c]; how they combine into `mean` (sum, or product
  // for multiplicative parts) is the model's documented rule.
  std::vector<std::string> component_names;
  std::vector<std::vector<double>> components;
};

// In-sample one-step fitted values and residuals (y - fitted), aligned to the training
// series; NaN where the model gives no fitted value (e.g. the first season of snaive).
struct InSample {
  std::vector<double> fitted;
  std::vector<double> residuals;
};

class FittedModel {
 public:
  virtual ~FittedModel() = default;
  // Forecast `request.horizon` periods after the end of the training series.
  // InvalidArgument for a horizon < 1 or a level outside (0, 100).
  virtual Result<Forecast> Predict(const PredictRequest& request) const = 0;
  // In-sample fit; empty vectors for a model loaded from saved state.
  virtual const InSample& in_sample() const = 0;
  // Writes the state needed to predict (not the in-sample fit) to `out`.
  virtual void Save(ByteWriter& out) const = 0;
};

class Estimator {
 public:
  virtual ~Estimator() = default;
  // Fits one series. DataError when the series is unusable for this model (e.g. all NaN);
  // the message names the series.
  virtual Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const = 0;
  // Rebuilds a fitted model from bytes written by FittedModel::Save of this estimator.
  virtual Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const = 0;
};

// Longest horizon a request may ask for (guards against absurd allocations).
inline constexpr int kMaxHorizon = 100000;

// Validates a predict request (1 <= horizon <= kMaxHorizon, every level in (0, 100)).
Status ValidatePredictRequest(const PredictRequest& request);

}  // namespace retailcast
