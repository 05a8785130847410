#include "retailcast/core/global_model.h"

#include <string>
#include <utility>

namespace retailcast {
namespace {

class PerSeriesFitted final : public FittedModel {
 public:
  PerSeriesFitted(std::unique_ptr<GlobalFittedModel> global, InSample in_sample)
      : global_(std::move(global)), in_sample_(std::move(in_sample)) {}

  Result<Forecast> Predict(const PredictRequest& request) const override {
    RETAILCAST_RETURN_IF_ERROR(ValidatePredictRequest(request));
    const FutureRegressors* future[1] = {request.future};
    GlobalPredictRequest global_request;
    global_request.horizon = request.horizon;
    global_request.levels = request.levels;
    if (request.future != nullptr) global_request.future = future;
    // One series: a pool of the calling thread only (Predict may itself run on a pool thread).
    ThreadPool pool(1);
    RETAILCAST_ASSIGN_OR_RETURN(GlobalForecast fc, global_->Predict(global_request, pool));
    if (fc.status.size() != 1 || fc.forecasts.size() != 1) {
      return Status::Internal("a global model fitted to one series returned " +
                              std::to_string(fc.status.size()) + " forecasts");
    }
    if (!fc.status[0].ok()) return fc.status[0];
    return std::move(fc.forecasts[0]);
  }
  const InSample& in_sample() const override { return in_sample_; }
  void Save(ByteWriter& out) const override { global_->Save(out); }

 private:
  std::unique_ptr<GlobalFittedModel> global_;
  InSample in_sample_;
};

class PerSeriesEstimator final : public Estimator {
 public:
  explicit PerSeriesEstimator(std::shared_ptr<const GlobalEstimator> global)
      : global_(std::move(global)) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    Panel panel(series.freq);
    const Panel* source = series.panel;
    std::vector<std::string_view> attributes;
    if (source != nullptr && source->num_attributes() > 0) {
      std::vector<std::string> names;
      for (size_t a = 0; a < source->num_attributes(); ++a) {
        names.push_back(source->attribute_name(a));
        attributes.push_back(source->attribute(a, series.index));
      }
      RETAILCAST_RETURN_IF_ERROR(panel.SetAttributeNames(std::move(names)));
    }
    panel.AddSeries(series.id, series.start, series.y, attributes);
    if (source != nullptr) {
      for (size_t k = 0; k < source->num_exog(); ++k) {
        RETAILCAST_ASSIGN_OR_RETURN(size_t col, panel.AddExogColumn(source->exog_name(k)));
        std::span<const double> from = source->exog(k, series.index).first(series.y.size());
        std::span<double> to = panel.mutable_exog(col, 0);
        for (size_t t = 0; t < from.size(); ++t) to[t] = from[t];
      }
    }
    GlobalTrainingData data;
    data.panel = &panel;
    data.in_sample = true;
    ThreadPool pool(1);
    auto fitted = global_->Fit(data, pool);
    if (!fitted.ok()) {
      // Name the series: the per-series contract promises it in every fit error.
      const std::string& m = fitted.status().message();
      if (m.find(series.id) != std::string::npos) return fitted.status();
      return fitted.status().WithContext("series '" + std::string(series.id) + "'");
    }
    InSample in_sample = (*fitted)->InSampleOf(0);
    return std::unique_ptr<FittedModel>(
        std::make_unique<PerSeriesFitted>(std::move(fitted).value(), std::move(in_sample)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<GlobalFittedModel> global, global_->Load(in));
    // The per-series state is the whole of what a local model's Load reads, as for every
    // local model (model_util.h RequireAtEnd).
    if (!in.at_end()) {
      return Status::DataError(
          "saved state of a global model's per-series form has unexpected trailing bytes "
          "(corrupt)");
    }
    if (global->num_series() != 1) {
      return Status::DataError("saved state holds a global model of " +
                               std::to_string(global->num_series()) +
                               " series, not the per-series form of one");
    }
    return std::unique_ptr<FittedModel>(
        std::make_unique<PerSeriesFitted>(std::move(global), InSample{}));
  }

 private:
  std::shared_ptr<const GlobalEstimator> global_;
};

}  // namespace

std::unique_ptr<Estimator> MakePerSeriesEstimator(std::shared_ptr<const GlobalEstimator> global) {
  return std::make_unique<PerSeriesEstimator>(std::move(global));
}

}  // namespace retailcast
