// gbm: gradient-boosted regression trees (Friedman 2001; XGBoost, Chen & Guestrin 2016) on
// the feature pipeline's rows, pooled over every series: the approach that won the M5
// accuracy competition (Makridakis, Spiliotis & Assimakopoulos 2022; there LightGBM with
// Tweedie loss).
//
// Objectives (scaled target y / scale): auto (the default: tweedie when no training target is
// negative, squared_error when some are, as in sales net of returns), tweedie (reg:tweedie,
// log link, variance
// power p: the compound Poisson-gamma of intermittent unit sales, Zhou, Yang & Qian 2019, and
// the M5 winners' loss), poisson (count:poisson), squared_error (the conditional mean),
// absolute_error (reg:absoluteerror: leaves set to the median of their residuals, so the
// forecast is the conditional median) and quantile (pinball loss at quantile_alpha through the
// custom-gradient API: gradient tau - 1{y < f}, unit hessian). tweedie is the default because
// on the M5 subset it beat the statistical models on MASE, RMSSE, WRMSSE and pinball loss
// alike (docs/accuracy.md). absolute_error has the lowest MASE there but a worse RMSSE, and
// XGBoost 1.7 does not shrink its median leaves by eta (eta 0.05 and 0.3 give identical
// models), so every tree takes a full step and early stopping ends it after a few trees.
//
// Early stopping: rounds are added while the validation window's metric (mae, rmse, tweedie or
// Poisson deviance, pinball) improved within early_stopping_rounds; then (refit) the model is
// trained again on every row for the best number of rounds, so the most recent periods shape
// the trees too.
//
// Intervals: one booster per quantile of interval_levels (0.025, 0.1, 0.9, 0.975 for 80/95),
// fitted with the pinball gradient to the residual of the point model (base margin = its
// forecast), so they learn how far each row's quantile lies from the point forecast (quantile
// regression, Koenker & Bassett 1978, by gradient boosting as in Friedman 2001, section 4.4).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "retailcast/core/param_table.h"
#include "retailcast/models/global.h"
#include "row_model.h"
#include "xgboost_api.h"

namespace retailcast::models {
namespace {

constexpr uint64_t kLearnerVersion = 1;

enum class Objective : uint8_t { kAbsolute, kSquared, kTweedie, kPoisson, kQuantile, kAuto };

// The booster's options; threads and taus come from the row options (MakeGbm), the others
// from gbm's parameters (BoosterTable).
struct GbmOptions {
  Objective objective = Objective::kAuto;
  double tweedie_power = 1.2;
  double quantile_alpha = 0.5;
  int trees = 500;
  double learning_rate = 0.05;
  int max_depth = 8;
  double min_child_weight = 10;
  double subsample = 0.8;
  double colsample = 0.8;
  double reg_lambda = 1;
  int max_bin = 256;
  int early_stopping_rounds = 25;
  bool refit = true;
  int quantile_trees = 50;
  int threads = 0;
  std::vector<double> taus;
};

// The objective one learner trains with: auto resolved on its targets. The log-link losses
// are undefined for a negative target (XGBoost stops with an internal check), so asking for
// one on such data is a DataError that says what to do instead.
Result<Objective> ObjectiveFor(Objective asked, const float* y, size_t n) {
  size_t negative = 0;
  for (size_t r = 0; r < n; ++r) negative += y[r] < 0 ? 1 : 0;
  if (asked == Objective::kAuto) return negative > 0 ? Objective::kSquared : Objective::kTweedie;
  if (negative > 0 && (asked == Objective::kTweedie || asked == Objective::kPoisson)) {
    return Status::DataError(
        std::string(kGbmName) +
        ": objective=" + (asked == Objective::kTweedie ? "tweedie" : "poisson") +
        " needs targets >= 0, but " + std::to_string(negative) + " of the " + std::to_string(n) +
        " training rows are negative (returns?); use objective=auto or squared_error, or "
        "load the data with --negatives clip");
  }
  return asked;
}

// The gradient and hessian of the pinball loss at quantile tau (unit hessian: each leaf moves
// by the mean of the signs, a bounded step, as XGBoost's own quantile objective before leaf
// refresh), both times the row weights, which XGBoost leaves to a custom objective's caller
// (`weight` null = every row 1).
void PinballGradient(const std::vector<float>& pred, const float* y, const float* weight,
                     double tau, std::vector<float>* grad, std::vector<float>* hess) {
  const size_t n = pred.size();
  grad->resize(n);
  hess->resize(n);
  for (size_t r = 0; r < n; ++r) {
    const float w = weight != nullptr ? weight[r] : 1.0f;
    (*grad)[r] = w * static_cast<float>(y[r] < pred[r] ? 1 - tau : -tau);
    (*hess)[r] = w;
  }
}

// The weighted mean pinball loss.
double Pinball(const std::vector<float>& pred, const float* y, const float* weight, double tau) {
  double sum = 0, total = 0;
  for (size_t r = 0; r < pred.size(); ++r) {
    const double e = static_cast<double>(y[r]) - pred[r];
    const double w = weight != nullptr ? weight[r] : 1.0;
    sum += w * (e >= 0 ? tau * e : (tau - 1) * e);
    total += w;
  }
  return total > 0 ? sum / total : 0;
}

const float* Offset(const float* p, size_t k) { return p != nullptr ? p + k : nullptr; }

double MedianOf(const float* y, size_t n) {
  std::vector<float> v(y, y + n);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n / 2), v.end());
  return v[n / 2];
}

class GbmLearner final : public Learner {
 public:
  GbmLearner(xgb::Booster point, std::vector<xgb::Booster> quantiles, std::vector<double> offsets,
             size_t width)
      : point_(std::move(point)),
        quantiles_(std::move(quantiles)),
        offsets_(std::move(offsets)),
        width_(width) {}

  Status Predict(const float* x, const float*, size_t n, double* out) const override {
    const size_t outputs = 1 + quantiles_.size();
    std::vector<float> p, q;
    RETAILCAST_RETURN_IF_ERROR(point_.PredictDense(x, n, width_, &p));
    for (size_t r = 0; r < n; ++r) out[r * outputs] = p[r];
    for (size_t j = 0; j < quantiles_.size(); ++j) {
      RETAILCAST_RETURN_IF_ERROR(quantiles_[j].PredictDense(x, n, width_, &q));
      for (size_t r = 0; r < n; ++r) {
        out[r * outputs + 1 + j] = static_cast<double>(p[r]) + offsets_[j] + q[r];
      }
    }
    return Status::Ok();
  }

  void Save(ByteWriter& out) const override {
    // A booster that cannot serialise (out of memory) saves as empty bytes, which Load
    // rejects: the failure surfaces as a DataError where the state is read.
    auto bytes = [](const xgb::Booster& b) {
      auto s = b.ToBytes();
      return s.ok() ? *s : std::string();
    };
    out.PutU64(kLearnerVersion);
    out.PutString(bytes(point_));
    out.PutU64(quantiles_.size());
    for (const auto& b : quantiles_) out.PutString(bytes(b));
    out.PutDoubles(offsets_);
  }

  std::vector<double> Gains() const override {
    auto g = point_.TotalGain(width_);
    return g.ok() ? *g : std::vector<double>{};
  }

 private:
  xgb::Booster point_;
  std::vector<xgb::Booster> quantiles_;
  std::vector<double> offsets_;  // per quantile: the pooled residual quantile it starts from
  size_t width_;
};

class GbmKind final : public LearnerKind {
 public:
  explicit GbmKind(GbmOptions o) : o_(std::move(o)) {}

  std::string_view name() const override { return kGbmName; }
  std::vector<double> native_quantiles() const override { return o_.taus; }

  Result<std::unique_ptr<Learner>> Train(const LearnSet& set, uint64_t seed,
                                         ThreadPool& pool) const override {
    const int threads = o_.threads > 0 ? o_.threads : pool.size();
    std::vector<const char*> types;
    for (const auto& f : set.features) types.push_back(f.categorical ? "c" : "q");
    const size_t w = set.width;
    xgb::DMatrix fit, valid;
    RETAILCAST_RETURN_IF_ERROR(fit.Init(set.x, set.n_fit, w, set.y, set.weight, types, threads));
    const bool has_valid = set.n > set.n_fit && o_.early_stopping_rounds > 0;
    if (has_valid) {
      RETAILCAST_RETURN_IF_ERROR(valid.Init(set.x + set.n_fit * w, set.n - set.n_fit, w,
                                            set.y + set.n_fit, Offset(set.weight, set.n_fit), types,
                                            threads));
    }
    std::vector<const xgb::DMatrix*> cache = {&fit};
    if (has_valid) cache.push_back(&valid);
    RETAILCAST_ASSIGN_OR_RETURN(const Objective objective,
                                ObjectiveFor(o_.objective, set.y, set.n));
    RETAILCAST_ASSIGN_OR_RETURN(xgb::Booster booster, xgb::Booster::Create(cache));
    RETAILCAST_RETURN_IF_ERROR(Configure(&booster, objective, set.y, set.n_fit, seed, threads));
    // Boost with early stopping on the validation rows.
    int best = o_.trees;
    double best_metric = std::numeric_limits<double>::infinity();
    std::vector<float> pred, grad, hess;
    for (int it = 0; it < o_.trees; ++it) {
      RETAILCAST_RETURN_IF_ERROR(
          Round(&booster, objective, fit, set.y, set.weight, it, &pred, &grad, &hess));
      if (!has_valid) continue;
      double metric = 0;
      if (objective == Objective::kQuantile) {
        RETAILCAST_RETURN_IF_ERROR(booster.PredictMatrix(valid, false, false, &pred));
        metric = Pinball(pred, set.y + set.n_fit, Offset(set.weight, set.n_fit), o_.quantile_alpha);
      } else {
        RETAILCAST_ASSIGN_OR_RETURN(metric, booster.Eval(it, valid));
      }
      if (metric < best_metric) {
        best_metric = metric;
        best = it + 1;
      } else if (it + 1 - best >= o_.early_stopping_rounds) {
        break;
      }
    }
    xgb::DMatrix all;
    xgb::DMatrix* final_rows = &fit;
    size_t final_n = set.n_fit;
    if (has_valid && o_.refit) {
      RETAILCAST_RETURN_IF_ERROR(all.Init(set.x, set.n, w, set.y, set.weight, types, threads));
      RETAILCAST_ASSIGN_OR_RETURN(booster, xgb::Booster::Create({&all}));
      RETAILCAST_RETURN_IF_ERROR(Configure(&booster, objective, set.y, set.n, seed, threads));
      for (int it = 0; it < best; ++it) {
        RETAILCAST_RETURN_IF_ERROR(
            Round(&booster, objective, all, set.y, set.weight, it, &pred, &grad, &hess));
      }
      final_rows = &all;
      final_n = set.n;
    } else {
      RETAILCAST_ASSIGN_OR_RETURN(int rounds, booster.Rounds());
      if (rounds > best) {
        RETAILCAST_ASSIGN_OR_RETURN(booster, booster.Slice(best));
      }
    }
    // Quantile boosters on the residual of the point model, each started from the point
    // forecast plus the residuals' overall quantile, so the trees only learn how a row's
    // quantile differs from the pooled one.
    RETAILCAST_RETURN_IF_ERROR(booster.PredictMatrix(*final_rows, false, false, &pred));
    const std::vector<float> point(pred);
    std::vector<float> residuals(final_n);
    for (size_t r = 0; r < final_n; ++r) residuals[r] = set.y[r] - point[r];
    std::sort(residuals.begin(), residuals.end());
    std::vector<xgb::Booster> quantiles;
    std::vector<double> offsets;
    std::vector<float> margin(final_n);
    for (double tau : o_.taus) {
      const float offset =
          residuals.empty()
              ? 0.0f
              : residuals[std::min(final_n - 1,
                                   static_cast<size_t>(tau * static_cast<double>(final_n)))];
      offsets.push_back(offset);
      for (size_t r = 0; r < final_n; ++r) margin[r] = point[r] + offset;
      RETAILCAST_RETURN_IF_ERROR(final_rows->SetBaseMargin(margin.data(), final_n));
      RETAILCAST_ASSIGN_OR_RETURN(xgb::Booster qb, xgb::Booster::Create({final_rows}));
      RETAILCAST_RETURN_IF_ERROR(SetCommon(&qb, seed, threads));
      RETAILCAST_RETURN_IF_ERROR(qb.SetParam("objective", "reg:squarederror"));
      RETAILCAST_RETURN_IF_ERROR(qb.SetParam("base_score", "0"));
      for (int it = 0; it < o_.quantile_trees; ++it) {
        RETAILCAST_RETURN_IF_ERROR(qb.PredictMatrix(*final_rows, true, true, &pred));
        PinballGradient(pred, set.y, set.weight, tau, &grad, &hess);
        RETAILCAST_RETURN_IF_ERROR(qb.BoostOneIter(*final_rows, &grad, &hess));
      }
      quantiles.push_back(std::move(qb));
    }
    return std::unique_ptr<Learner>(std::make_unique<GbmLearner>(
        std::move(booster), std::move(quantiles), std::move(offsets), w));
  }

  Result<std::unique_ptr<Learner>> Load(ByteReader& in, size_t width, int) const override {
    uint64_t version = 0, n_quantiles = 0;
    std::string bytes;
    RETAILCAST_RETURN_IF_ERROR(in.GetU64(&version));
    if (version != kLearnerVersion) return Status::DataError("gbm learner of another version");
    RETAILCAST_RETURN_IF_ERROR(in.GetString(&bytes));
    RETAILCAST_ASSIGN_OR_RETURN(xgb::Booster point, xgb::Booster::FromBytes(bytes));
    RETAILCAST_RETURN_IF_ERROR(in.GetU64(&n_quantiles));
    if (n_quantiles != o_.taus.size()) return Status::DataError("gbm learner quantile count");
    std::vector<xgb::Booster> quantiles;
    for (uint64_t j = 0; j < n_quantiles; ++j) {
      RETAILCAST_RETURN_IF_ERROR(in.GetString(&bytes));
      RETAILCAST_ASSIGN_OR_RETURN(xgb::Booster b, xgb::Booster::FromBytes(bytes));
      quantiles.push_back(std::move(b));
    }
    std::vector<double> offsets;
    RETAILCAST_RETURN_IF_ERROR(in.GetDoubles(&offsets));
    if (offsets.size() != n_quantiles) return Status::DataError("gbm learner quantile offsets");
    const int threads = o_.threads > 0 ? o_.threads : 1;
    RETAILCAST_RETURN_IF_ERROR(point.SetParam("nthread", std::to_string(threads)));
    for (auto& b : quantiles) {
      RETAILCAST_RETURN_IF_ERROR(b.SetParam("nthread", std::to_string(threads)));
    }
    return std::unique_ptr<Learner>(std::make_unique<GbmLearner>(
        std::move(point), std::move(quantiles), std::move(offsets), width));
  }

 private:
  Status SetCommon(xgb::Booster* b, uint64_t seed, int threads) const {
    const std::pair<const char*, std::string> params[] = {
        {"booster", "gbtree"},
        {"tree_method", "hist"},
        {"eta", std::to_string(o_.learning_rate)},
        {"max_depth", std::to_string(o_.max_depth)},
        {"min_child_weight", std::to_string(o_.min_child_weight)},
        {"subsample", std::to_string(o_.subsample)},
        {"colsample_bytree", std::to_string(o_.colsample)},
        {"lambda", std::to_string(o_.reg_lambda)},
        {"max_bin", std::to_string(o_.max_bin)},
        {"seed", std::to_string(seed % 2147483647)},
        {"nthread", std::to_string(threads)},
        {"verbosity", "0"},
    };
    for (const auto& [k, v] : params) RETAILCAST_RETURN_IF_ERROR(b->SetParam(k, v));
    return Status::Ok();
  }

  Status Configure(xgb::Booster* b, Objective objective, const float* y, size_t n, uint64_t seed,
                   int threads) const {
    RETAILCAST_RETURN_IF_ERROR(SetCommon(b, seed, threads));
    double mean = 0;
    for (size_t r = 0; r < n; ++r) mean += y[r];
    mean = n > 0 ? mean / static_cast<double>(n) : 0;
    char base[40];
    switch (objective) {
      case Objective::kAbsolute:
        RETAILCAST_RETURN_IF_ERROR(b->SetParam("objective", "reg:absoluteerror"));
        RETAILCAST_RETURN_IF_ERROR(b->SetParam("eval_metric", "mae"));
        std::snprintf(base, sizeof base, "%.9g", MedianOf(y, n));
        break;
      case Objective::kSquared:
        RETAILCAST_RETURN_IF_ERROR(b->SetParam("objective", "reg:squarederror"));
        RETAILCAST_RETURN_IF_ERROR(b->SetParam("eval_metric", "rmse"));
        std::snprintf(base, sizeof base, "%.9g", mean);
        break;
      case Objective::kTweedie: {
        RETAILCAST_RETURN_IF_ERROR(b->SetParam("objective", "reg:tweedie"));
        const std::string p = std::to_string(o_.tweedie_power);
        RETAILCAST_RETURN_IF_ERROR(b->SetParam("tweedie_variance_power", p));
        RETAILCAST_RETURN_IF_ERROR(b->SetParam("eval_metric", "tweedie-nloglik@" + p));
        std::snprintf(base, sizeof base, "%.9g", std::max(mean, 1e-6));
        break;
      }
      case Objective::kPoisson:
        RETAILCAST_RETURN_IF_ERROR(b->SetParam("objective", "count:poisson"));
        RETAILCAST_RETURN_IF_ERROR(b->SetParam("eval_metric", "poisson-nloglik"));
        std::snprintf(base, sizeof base, "%.9g", std::max(mean, 1e-6));
        break;
      case Objective::kQuantile:
      case Objective::kAuto:  // resolved by ObjectiveFor before
        RETAILCAST_RETURN_IF_ERROR(b->SetParam("objective", "reg:squarederror"));
        std::snprintf(base, sizeof base, "%.9g", MedianOf(y, n));
        break;
    }
    return b->SetParam("base_score", base);
  }

  Status Round(xgb::Booster* b, Objective objective, const xgb::DMatrix& m, const float* y,
               const float* weight, int it, std::vector<float>* pred, std::vector<float>* grad,
               std::vector<float>* hess) const {
    if (objective != Objective::kQuantile) return b->UpdateOneIter(it, m);
    RETAILCAST_RETURN_IF_ERROR(b->PredictMatrix(m, true, true, pred));
    PinballGradient(*pred, y, weight, o_.quantile_alpha, grad, hess);
    return b->BoostOneIter(m, grad, hess);
  }

  GbmOptions o_;
};

// The interval quantiles of interval levels (percent).
std::vector<double> Taus(const std::vector<double>& levels) {
  std::vector<double> taus;
  for (double l : levels) {
    taus.push_back((1 - l / 100) / 2);
    taus.push_back((1 + l / 100) / 2);
  }
  std::sort(taus.begin(), taus.end());
  taus.erase(std::unique(taus.begin(), taus.end()), taus.end());
  return taus;
}

const ParamTable<GbmOptions>& BoosterTable() {
  using O = GbmOptions;
  static const ParamTable<O> table =
      ParamTable<O>()
          .Choice("objective", &O::objective,
                  {{"auto", Objective::kAuto},
                   {"tweedie", Objective::kTweedie},
                   {"poisson", Objective::kPoisson},
                   {"squared_error", Objective::kSquared},
                   {"absolute_error", Objective::kAbsolute},
                   {"quantile", Objective::kQuantile}},
                  "loss on the scaled target: tweedie / poisson (unit sales, log link; targets >= "
                  "0), squared_error (mean), absolute_error (median), quantile (pinball at "
                  "quantile_alpha); auto = tweedie, or squared_error when some target is negative")
          .Double("tweedie_power", &O::tweedie_power, 1.01, 1.99,
                  "objective=tweedie: variance power p (1 = Poisson, 2 = gamma)")
          .Double("quantile_alpha", &O::quantile_alpha, 0.001, 0.999,
                  "objective=quantile: the quantile forecast")
          .Int("trees", &O::trees, 1, 100000, "most boosting rounds")
          .Double("learning_rate", &O::learning_rate, 1e-4, 1, "shrinkage eta")
          .Int("max_depth", &O::max_depth, 1, 20, "depth of each tree")
          .Double("min_child_weight", &O::min_child_weight, 0, 1e9, "least hessian sum in a leaf")
          .Double("subsample", &O::subsample, 0.05, 1, "share of rows per tree")
          .Double("colsample", &O::colsample, 0.05, 1, "share of features per tree")
          .Double("reg_lambda", &O::reg_lambda, 0, 1e9, "L2 penalty on leaf values")
          .Int("max_bin", &O::max_bin, 16, 4096, "histogram bins per feature")
          .Int("early_stopping_rounds", &O::early_stopping_rounds, 0, 100000,
               "stop when the validation metric has not improved for this many rounds; 0 = off")
          .Bool("refit", &O::refit,
                "after early stopping, train again on every row for the best number of rounds")
          .Int("quantile_trees", &O::quantile_trees, 0, 100000,
               "rounds of each interval quantile booster (0 = the pooled residual quantile "
               "only)");
  return table;
}

// gbm's parameters (GbmTable).
struct GbmParams {
  GbmOptions booster;
  RowModelOptions row;
};

const ParamTable<GbmParams>& GbmTable() {
  static const ParamTable<GbmParams> table = ParamTable<GbmParams>()
                                                 .Nested(&GbmParams::booster, BoosterTable())
                                                 .Nested(&GbmParams::row, RowModelTable());
  return table;
}

}  // namespace

const ParamTableBase& GbmParamTable() { return GbmTable(); }

Result<std::unique_ptr<GlobalEstimator>> MakeGbm(const ParamValues& params) {
  GbmParams p = GbmTable().Bind(params);
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<double> levels, CheckRowModelOptions(p.row, kGbmName));
  GbmOptions o = std::move(p.booster);
  o.threads = p.row.threads;
  o.taus = Taus(levels);
  return std::unique_ptr<GlobalEstimator>(std::make_unique<RowModelEstimator>(
      std::make_shared<GbmKind>(std::move(o)), std::move(p.row), std::move(levels)));
}

}  // namespace retailcast::models
