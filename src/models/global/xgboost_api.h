// Internal to src/global: owning handles and error conversion for XGBoost's C API
// (xgboost/c_api.h, libxgboost 1.7). Every call's failure becomes a Status carrying
// XGBGetLastError(); the C API itself catches XGBoost's exceptions.
#pragma once

#include <xgboost/c_api.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/status.h"

namespace retailcast::models::xgb {

// OK for rc == 0, else an Internal error "XGBoost <what>: <last error>".
Status Check(int rc, std::string_view what);

class DMatrix {
 public:
  DMatrix() = default;
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  ~DMatrix();
  // Rows of a dense row-major float matrix (NaN = missing), with labels and row weights
  // (rows values each; weights null = all equal) and the feature types ("q" numeric,
  // "c" categorical), copied by XGBoost.
  Status Init(const float* x, size_t rows, size_t cols, const float* labels, const float* weights,
              const std::vector<const char*>& types, int threads);
  Status SetBaseMargin(const float* margin, size_t rows);
  DMatrixHandle get() const { return h_; }

 private:
  DMatrixHandle h_ = nullptr;
};

class Booster {
 public:
  Booster() = default;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  Booster(Booster&& o) noexcept : h_(o.h_) { o.h_ = nullptr; }
  Booster& operator=(Booster&& o) noexcept;
  ~Booster();

  // A booster caching predictions for `cache` (the training and validation matrices).
  static Result<Booster> Create(const std::vector<const DMatrix*>& cache);
  static Result<Booster> FromBytes(std::string_view bytes);
  Status SetParam(const std::string& name, const std::string& value);
  Status UpdateOneIter(int iter, const DMatrix& train);
  Status BoostOneIter(const DMatrix& train, std::vector<float>* grad, std::vector<float>* hess);
  // Predictions for a cached matrix (output_margin: before the link function).
  Status PredictMatrix(const DMatrix& m, bool output_margin, bool training,
                       std::vector<float>* out) const;
  // In-place predictions for a dense row-major matrix; `out` gets `rows` values.
  Status PredictDense(const float* x, size_t rows, size_t cols, std::vector<float>* out) const;
  // The value of the metric reported by EvalOneIter on `m` (named "valid").
  Result<double> Eval(int iter, const DMatrix& m) const;
  // The first `rounds` boosting rounds.
  Result<Booster> Slice(int rounds) const;
  Result<int> Rounds() const;
  // The model in XGBoost's UBJSON format.
  Result<std::string> ToBytes() const;
  // Total gain per feature index (width entries; 0 for unused features).
  Result<std::vector<double>> TotalGain(size_t width) const;

 private:
  BoosterHandle h_ = nullptr;
};

}  // namespace retailcast::models::xgb
