#include "xgboost_api.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace retailcast::models::xgb {
namespace {

// XGBoost logs warnings to stderr; silence it once (errors still come back through Status).
void Quiet() {
  static std::once_flag once;
  std::call_once(once, [] { XGBSetGlobalConfig("{\"verbosity\": 0}"); });
}

}  // namespace

Status Check(int rc, std::string_view what) {
  if (rc == 0) return Status::Ok();
  // XGBoost appends a native stack trace after its message; keep the message.
  std::string err = XGBGetLastError() != nullptr ? XGBGetLastError() : "unknown error";
  const size_t trace = err.find("\nStack trace");
  if (trace != std::string::npos) err.resize(trace);
  return Status::Internal("XGBoost " + std::string(what) + ": " + err);
}

DMatrix::~DMatrix() {
  if (h_ != nullptr) XGDMatrixFree(h_);
}

Status DMatrix::Init(const float* x, size_t rows, size_t cols, const float* labels,
                     const float* weights, const std::vector<const char*>& types, int threads) {
  Quiet();
  RETAILCAST_RETURN_IF_ERROR(
      Check(XGDMatrixCreateFromMat_omp(x, rows, cols, NAN, &h_, threads), "DMatrix creation"));
  RETAILCAST_RETURN_IF_ERROR(Check(XGDMatrixSetFloatInfo(h_, "label", labels, rows), "set labels"));
  if (weights != nullptr) {
    RETAILCAST_RETURN_IF_ERROR(
        Check(XGDMatrixSetFloatInfo(h_, "weight", weights, rows), "set weights"));
  }
  std::vector<const char*> t = types;
  return Check(XGDMatrixSetStrFeatureInfo(h_, "feature_type", t.data(), t.size()), "feature types");
}

Status DMatrix::SetBaseMargin(const float* margin, size_t rows) {
  return Check(XGDMatrixSetFloatInfo(h_, "base_margin", margin, rows), "set base margin");
}

Booster& Booster::operator=(Booster&& o) noexcept {
  if (this != &o) {
    if (h_ != nullptr) XGBoosterFree(h_);
    h_ = o.h_;
    o.h_ = nullptr;
  }
  return *this;
}

Booster::~Booster() {
  if (h_ != nullptr) XGBoosterFree(h_);
}

Result<Booster> Booster::Create(const std::vector<const DMatrix*>& cache) {
  Quiet();
  std::vector<DMatrixHandle> handles;
  for (const DMatrix* m : cache) handles.push_back(m->get());
  Booster b;
  RETAILCAST_RETURN_IF_ERROR(
      Check(XGBoosterCreate(handles.data(), handles.size(), &b.h_), "booster creation"));
  return b;
}

Result<Booster> Booster::FromBytes(std::string_view bytes) {
  Quiet();
  Booster b;
  RETAILCAST_RETURN_IF_ERROR(Check(XGBoosterCreate(nullptr, 0, &b.h_), "booster creation"));
  Status s = Check(XGBoosterLoadModelFromBuffer(b.h_, bytes.data(), bytes.size()), "model load");
  if (!s.ok()) return Status::DataError(s.message());
  return b;
}

Status Booster::SetParam(const std::string& name, const std::string& value) {
  return Check(XGBoosterSetParam(h_, name.c_str(), value.c_str()), "parameter " + name);
}

Status Booster::UpdateOneIter(int iter, const DMatrix& train) {
  return Check(XGBoosterUpdateOneIter(h_, iter, train.get()), "boosting round");
}

Status Booster::BoostOneIter(const DMatrix& train, std::vector<float>* grad,
                             std::vector<float>* hess) {
  return Check(XGBoosterBoostOneIter(h_, train.get(), grad->data(), hess->data(), grad->size()),
               "boosting round");
}

Status Booster::PredictMatrix(const DMatrix& m, bool output_margin, bool training,
                              std::vector<float>* out) const {
  const std::string config = std::string("{\"type\": ") + (output_margin ? "1" : "0") +
                             ", \"training\": " + (training ? "true" : "false") +
                             ", \"iteration_begin\": 0, \"iteration_end\": 0, "
                             "\"strict_shape\": false}";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  RETAILCAST_RETURN_IF_ERROR(Check(
      XGBoosterPredictFromDMatrix(h_, m.get(), config.c_str(), &shape, &dim, &result), "predict"));
  bst_ulong rows = 0;
  RETAILCAST_RETURN_IF_ERROR(Check(XGDMatrixNumRow(m.get(), &rows), "row count"));
  out->assign(result, result + rows);
  return Status::Ok();
}

Status Booster::PredictDense(const float* x, size_t rows, size_t cols,
                             std::vector<float>* out) const {
  out->clear();
  if (rows == 0) return Status::Ok();
  char values[256];
  std::snprintf(values, sizeof values,
                "{\"data\": [%llu, true], \"shape\": [%llu, %llu], \"typestr\": \"<f4\", "
                "\"version\": 3}",
                static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(x)),
                static_cast<unsigned long long>(rows), static_cast<unsigned long long>(cols));
  const char* config =
      "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
      "\"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0}";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  RETAILCAST_RETURN_IF_ERROR(Check(
      XGBoosterPredictFromDense(h_, values, config, nullptr, &shape, &dim, &result), "predict"));
  out->assign(result, result + rows);
  return Status::Ok();
}

Result<double> Booster::Eval(int iter, const DMatrix& m) const {
  DMatrixHandle handles[1] = {m.get()};
  const char* names[1] = {"valid"};
  const char* text = nullptr;
  // XGBoost 1.7's parameterised metrics build their names in a function-local static string
  // (EvalTweedieNLogLik::Name, for one), so two boosters evaluating at once on different
  // threads free each other's buffer: a heap use-after-free found by ASan when gbm models
  // were trained side by side. Evaluation is once per boosting round; one lock costs nothing.
  static std::mutex eval_mu;
  std::lock_guard lock(eval_mu);
  RETAILCAST_RETURN_IF_ERROR(
      Check(XGBoosterEvalOneIter(h_, iter, handles, names, 1, &text), "evaluation"));
  // "[12]\tvalid-mae:0.4321"
  std::string_view s(text);
  const size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) {
    return Status::Internal("XGBoost evaluation gave '" + std::string(s) + "'");
  }
  return std::strtod(std::string(s.substr(colon + 1)).c_str(), nullptr);
}

Result<Booster> Booster::Slice(int rounds) const {
  Booster b;
  RETAILCAST_RETURN_IF_ERROR(Check(XGBoosterSlice(h_, 0, rounds, 1, &b.h_), "slice"));
  return b;
}

Result<int> Booster::Rounds() const {
  int rounds = 0;
  RETAILCAST_RETURN_IF_ERROR(Check(XGBoosterBoostedRounds(h_, &rounds), "rounds"));
  return rounds;
}

Result<std::string> Booster::ToBytes() const {
  bst_ulong len = 0;
  const char* buf = nullptr;
  RETAILCAST_RETURN_IF_ERROR(
      Check(XGBoosterSaveModelToBuffer(h_, "{\"format\": \"ubj\"}", &len, &buf), "model save"));
  return std::string(buf, len);
}

Result<std::vector<double>> Booster::TotalGain(size_t width) const {
  bst_ulong n_features = 0, dim = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  RETAILCAST_RETURN_IF_ERROR(
      Check(XGBoosterFeatureScore(h_, "{\"importance_type\": \"total_gain\"}", &n_features, &names,
                                  &dim, &shape, &scores),
            "feature importance"));
  std::vector<double> gain(width, 0);
  for (bst_ulong k = 0; k < n_features; ++k) {
    // Without feature names XGBoost calls feature j "f<j>".
    const char* name = names[k];
    if (name == nullptr || name[0] != 'f') continue;
    const size_t j = std::strtoul(name + 1, nullptr, 10);
    if (j < width) gain[j] += scores[k];
  }
  return gain;
}

}  // namespace retailcast::models::xgb
