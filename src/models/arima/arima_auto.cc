// auto_arima: Hyndman-Khandakar automatic ARIMA (arima_auto.h), R forecast 8.20's
// auto.arima() with its defaults, as a registered model. The selected model forecasts as
// `arima` does (arima.cc). Leading missing values are dropped before the search (as R does);
// the drift regressor counts from the first observed value.
#include "arima_auto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "arima_fitted.h"
#include "kpss.h"
#include "models/common/least_squares.h"
#include "models/common/model_util.h"
#include "models/stl/seasonal_strength.h"
#include "ocsb.h"
#include "retailcast/core/param_table.h"
#include "retailcast/models/arima.h"

namespace retailcast::models {
namespace arima {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// R's diff(x, lag, differences).
std::vector<double> Diff(std::span<const double> x, int lag, int differences) {
  std::vector<double> v(x.begin(), x.end());
  const auto ulag = static_cast<size_t>(lag);
  for (int i = 0; i < differences; ++i) {
    if (v.size() <= ulag) return {};
    std::vector<double> next(v.size() - ulag);
    for (size_t t = 0; t < next.size(); ++t) next[t] = v[t + ulag] - v[t];
    v = std::move(next);
  }
  return v;
}

bool AllNaN(std::span<const double> x) {
  return std::all_of(x.begin(), x.end(), [](double v) { return std::isnan(v); });
}

// Non-missing values between the first and the last non-missing one.
int SeriesLength(std::span<const double> x) {
  int n = 0;
  for (double v : x) n += std::isnan(v) ? 0 : 1;
  return n;
}

struct Candidate {
  bool fitted = false;  // false: the fit failed (R's try-error)
  ArimaFit fit;
  double ic = kInf;
  bool constant = false;
};

// The search's view of the data and settings shared by every candidate.
class Search {
 public:
  Search(std::span<const double> x, std::span<const ArimaRegressor> xreg,
         const AutoArimaOptions& options, InformationCriterion ic, double offset)
      : x_(x), xreg_(xreg), options_(options), ic_(ic), offset_(offset) {
    serieslength_ = SeriesLength(x);
  }

  // R forecast's myarima: one fit, its information criterion, and the rejection of models
  // with near-unit roots or undefined standard errors (ic = +inf).
  Candidate Fit(const ArimaOrder& order, bool constant, bool approximation) const {
    Candidate c;
    c.constant = constant;
    ArimaFitOptions fo;
    fo.method = options_.method.value_or(approximation ? ArimaMethod::kCss : ArimaMethod::kCssMl);
    const int diffs = order.d + order.D;
    fo.include_mean = constant;
    fo.include_drift = constant && diffs == 1;
    fo.final_pass = false;
    ArimaOrder o = order;
    if (o.P + o.D + o.Q == 0) o.m = 1;
    Result<ArimaFit> fit = FitArima(x_, o, xreg_, fo);
    steps_.push_back(SearchStep{o, constant, kInf});
    if (!fit.ok()) return c;
    c.fitted = true;
    c.fit = std::move(fit).value();
    const ArimaFit& f = c.fit;
    int free = 0;
    for (bool b : f.mask) free += b ? 1 : 0;
    const double npar = free + 1;
    const double nstar = serieslength_ - order.d - order.D * order.m;
    double aic = f.aic;
    if (f.method == ArimaMethod::kCss) aic = offset_ + nstar * std::log(f.sigma2) + 2 * npar;
    double ic = kInf;
    if (!std::isnan(aic)) {
      switch (ic_) {
        case InformationCriterion::kAic:
          ic = aic;
          break;
        case InformationCriterion::kBic:
          ic = aic + npar * (std::log(nstar) - 2);
          break;
        case InformationCriterion::kAicc:
          ic = aic + 2 * npar * (npar + 1) / (nstar - npar - 1);
          break;
      }
    }
    double minroot = 2;
    if (order.p + order.P > 0) {
      std::vector<double> neg(f.phi.size());
      for (size_t i = 0; i < neg.size(); ++i) neg[i] = -f.phi[i];
      minroot = std::min(minroot, MinRootModulus(neg, 1e-8));
    }
    if (order.q + order.Q > 0 && ic < kInf)
      minroot = std::min(minroot, MinRootModulus(f.theta, 1e-8));
    bool bad_se = false;
    const size_t k = static_cast<size_t>(free);
    for (size_t i = 0; i < k && i * k + i < f.var_coef.size(); ++i) {
      const double v = f.var_coef[i * k + i];
      bad_se |= std::isnan(v) || v < 0;
    }
    if (minroot < 1.01 || bad_se) ic = kInf;
    c.ic = ic;
    steps_.back().ic = ic;
    return c;
  }

  std::vector<SearchStep>& steps() const { return steps_; }

 private:
  std::span<const double> x_;
  std::span<const ArimaRegressor> xreg_;
  const AutoArimaOptions& options_;
  InformationCriterion ic_;
  double offset_;
  int serieslength_ = 0;
  mutable std::vector<SearchStep> steps_;
};

struct Row {
  int p, q, P, Q;
  bool constant;
  double ic;
};

bool NewModel(const std::vector<Row>& rows, int p, int q, int P, int Q, bool constant) {
  for (const Row& r : rows) {
    if (r.p == p && r.q == q && r.P == P && r.Q == Q && r.constant == constant) return false;
  }
  return true;
}

// R forecast's search.arima: every order with p + q + P + Q <= max_order.
Result<Candidate> ExhaustiveSearch(const Search& search, int d, int D, int m, int max_p, int max_q,
                                   int max_P, int max_Q, bool approximation, bool constant_allowed,
                                   const AutoArimaOptions& options) {
  Candidate best;
  for (int i = 0; i <= max_p; ++i) {
    for (int j = 0; j <= max_q; ++j) {
      for (int I = 0; I <= max_P; ++I) {
        for (int J = 0; J <= max_Q; ++J) {
          if (i + j + I + J > options.max_order) continue;
          for (int K = 0; K <= (constant_allowed ? 1 : 0); ++K) {
            Candidate c = search.Fit(ArimaOrder{i, d, j, I, D, J, m}, K == 1, approximation);
            if (c.ic < best.ic) best = std::move(c);
          }
        }
      }
    }
  }
  if (!best.fitted) return Status::DataError("no ARIMA model could be estimated");
  if (approximation) {
    const ArimaOrder o = best.fit.order;
    Candidate refit = search.Fit(ArimaOrder{o.p, d, o.q, o.P, D, o.Q, m}, best.constant, false);
    if (refit.ic == kInf) {
      return ExhaustiveSearch(search, d, D, m, max_p, max_q, max_P, max_Q, false, constant_allowed,
                              options);
    }
    best = std::move(refit);
  }
  return best;
}

// R's is.constant(dx) branch: the differences are constant, so the model is (0,d,0)(0,D,0)
// with the constant fixed at their mean (or without one), not searched.
Result<ArimaFit> ConstantDifferencesFit(std::span<const double> x, int d, int D, int m,
                                        std::span<const double> dx,
                                        std::span<const ArimaRegressor> xreg) {
  double mean = 0;
  int n = 0;
  for (double v : dx) {
    if (!std::isnan(v)) {
      mean += v;
      ++n;
    }
  }
  if (n == 0) return Status::DataError("every difference of the series is missing");
  mean /= n;
  ArimaFitOptions fo;
  ArimaOrder order{0, d, 0, 0, D, 0, D > 0 ? m : 1};
  // With regressors R's Arima keeps its default mean (used only without differencing).
  fo.include_mean = !xreg.empty();
  if (xreg.empty()) {
    if (D > 0 && d == 0) {
      fo.include_drift = true;
      fo.fixed = {mean / m};
    } else if (d < 2 && D == 0) {
      fo.include_mean = d == 0;
      fo.include_drift = d == 1;
      fo.fixed = {mean};
    }
  }
  return FitArima(x, order, xreg, fo);
}

}  // namespace

bool IsConstant(std::span<const double> x) {
  if (x.empty()) return true;
  const double first = x[0];
  if (std::isnan(first)) return AllNaN(x);
  double diff = 0, scale = 0;
  int n = 0;
  for (double v : x) {
    if (std::isnan(v)) return false;
    if (v == first) continue;  // all.equal leaves out equal elements
    diff += std::fabs(v - first);
    scale += std::fabs(v);
    ++n;
  }
  if (n == 0) return true;
  constexpr double kTolerance = 1.5e-8;
  double xy = diff / n;
  const double xn = scale / n;
  if (std::isfinite(xn) && xn > kTolerance) xy /= xn;
  return xy <= kTolerance;
}

int NumberOfDifferences(std::span<const double> x_in, int max_d) {
  std::vector<double> x;
  for (double v : x_in) {
    if (!std::isnan(v)) x.push_back(v);
  }
  int d = 0;
  if (IsConstant(x)) return d;
  // KPSS at alpha 0.05 with lag truncation trunc(3 sqrt(n) / 13) (Hyndman & Khandakar).
  auto needs_diff = [](const std::vector<double>& v, bool* na) {
    const int lags =
        static_cast<int>(std::trunc(3.0 * std::sqrt(static_cast<double>(v.size())) / 13.0));
    const double stat = KpssStatistic(v, lags);
    *na = std::isnan(stat);
    return !*na && KpssPValue(stat) < 0.05;
  };
  bool na = false;
  bool dodiff = needs_diff(x, &na);
  if (na) return d;
  while (dodiff && d < max_d) {
    ++d;
    x = Diff(x, 1, 1);
    if (IsConstant(x)) return d;
    dodiff = needs_diff(x, &na);
    if (na) return d - 1;
  }
  return d;
}

int NumberOfSeasonalDifferences(std::span<const double> x_in, int m, SeasonalTest test, int max_D) {
  std::vector<double> x(x_in.begin(), x_in.end());
  int D = 0;
  if (IsConstant(x)) return D;
  if (static_cast<size_t>(m) >= x.size()) return 0;
  // A test that cannot be computed counts as "no seasonal difference" (nsdiffs' tryCatch).
  auto needs_diff = [&](const std::vector<double>& v) {
    if (test == SeasonalTest::kSeas) {
      if (v.size() <= 2 * static_cast<size_t>(m)) return false;
      const double s = SeasonalStrength(v, m);
      return !std::isnan(s) && s > 0.64;
    }
    for (double e : v) {
      if (std::isnan(e)) return false;
    }
    Result<OcsbResult> r = OcsbTest(v, m, 3);
    return r.ok() && r->statistic > r->critical;
  };
  bool dodiff = needs_diff(x);
  while (dodiff && D < max_D) {
    ++D;
    x = Diff(x, m, 1);
    if (IsConstant(x)) return D;
    dodiff = x.size() >= 2 * static_cast<size_t>(m) && D < max_D ? needs_diff(x) : false;
  }
  return D;
}

Result<AutoArimaResult> AutoArima(std::span<const double> x, int m_in,
                                  std::span<const ArimaRegressor> xreg,
                                  const AutoArimaOptions& options) {
  AutoArimaResult result;
  const int serieslength = SeriesLength(x);
  if (IsConstant(x)) {
    if (AllNaN(x)) return Status::DataError("all values are missing");
    // forecast() of R's constant fit repeats the first value with zero variance.
    ArimaFitOptions fo;
    fo.include_mean = options.allow_mean;
    if (options.allow_mean) {
      double s = 0;
      for (double v : x) s += v;
      fo.fixed = {s / static_cast<double>(x.size())};
    }
    RETAILCAST_ASSIGN_OR_RETURN(result.fit, FitArima(x, ArimaOrder{}, {}, fo));
    result.criteria = ComputeCriteria(result.fit, x, result.fit.aic);
    result.constant_series = true;
    return result;
  }
  InformationCriterion ic = options.ic;
  const int m = options.seasonal ? std::max(m_in, 1) : 1;
  int max_p = std::min(options.max_p, serieslength / 3);
  int max_q = std::min(options.max_q, serieslength / 3);
  int max_P = std::min(options.max_P, serieslength / 3 / m);
  int max_Q = std::min(options.max_Q, serieslength / 3 / m);
  if (serieslength <= 3) ic = InformationCriterion::kAic;

  // Regressors: the differencing tests run on the residuals of a regression on them (R
  // leaves constant columns out of that regression).
  std::vector<double> xx(x.begin(), x.end());
  std::vector<std::span<const double>> xregg;
  for (const auto& r : xreg) {
    if (!IsConstant(r.values)) xregg.push_back(r.values);
  }
  if (!xregg.empty()) {
    std::vector<size_t> rows;
    for (size_t t = 0; t < x.size(); ++t) {
      bool ok = true;
      for (const auto& c : xregg) ok = ok && !std::isnan(c[t]);
      if (ok) rows.push_back(t);
    }
    Eigen::MatrixXd design(rows.size(), xregg.size() + 1);
    for (size_t i = 0; i < rows.size(); ++i) {
      design(i, 0) = 1.0;
      for (size_t j = 0; j < xregg.size(); ++j) design(i, j + 1) = xregg[j][rows[i]];
    }
    const Eigen::VectorXd sv = Eigen::JacobiSVD<Eigen::MatrixXd>(design).singularValues();
    if (sv.size() == 0 || sv.minCoeff() / sv.sum() < std::numeric_limits<double>::epsilon()) {
      return Status::InvalidArgument(
          "the regressors (xreg) are rank deficient (collinear with each other or the "
          "intercept); drop the redundant ones");
    }
    std::vector<double> ones(x.size(), 1.0);
    std::vector<std::span<const double>> cols{ones};
    cols.insert(cols.end(), xregg.begin(), xregg.end());
    const LeastSquaresFit ls = FitLeastSquares(cols, x);
    for (size_t t = 0; t < x.size(); ++t) {
      if (!ls.used[t]) continue;
      double fitted = 0;
      for (size_t j = 0; j < cols.size(); ++j) fitted += ls.coef[j] * cols[j][t];
      xx[t] = x[t] - fitted;
    }
  }
  auto any_constant_column = [](const std::vector<std::vector<double>>& cols) {
    for (const auto& c : cols) {
      if (IsConstant(c)) return true;
    }
    return false;
  };
  int d = options.stationary ? 0 : options.d;
  int D = options.stationary ? 0 : options.D;
  if (m == 1) {
    D = 0;
    max_P = max_Q = 0;
  } else if (D < 0 && xx.size() <= 2 * static_cast<size_t>(m)) {
    D = 0;
  } else if (D < 0) {
    D = NumberOfSeasonalDifferences(xx, m, options.seasonal_test, options.max_D);
    if (D > 0 && !xregg.empty()) {
      std::vector<std::vector<double>> dxr;
      for (const auto& c : xregg) dxr.push_back(Diff(c, m, D));
      if (any_constant_column(dxr)) --D;
    }
    if (D > 0 && AllNaN(Diff(xx, m, D))) --D;
  }
  std::vector<double> dx = D > 0 ? Diff(xx, m, D) : xx;
  std::vector<std::vector<double>> diffxreg;
  for (const auto& c : xregg) {
    diffxreg.push_back(D > 0 ? Diff(c, m, D) : std::vector<double>(c.begin(), c.end()));
  }
  if (d < 0) {
    d = NumberOfDifferences(dx, options.max_d);
    if (d > 0 && !xregg.empty()) {
      for (auto& c : diffxreg) c = Diff(c, 1, d);
      if (any_constant_column(diffxreg)) --d;
    }
    if (d > 0 && AllNaN(Diff(dx, 1, d))) --d;
  }
  if (d > 0) dx = Diff(dx, 1, d);
  result.fit.order = ArimaOrder{0, d, 0, 0, D, 0, m};
  if (dx.empty()) {
    return Status::DataError("not enough data: nothing is left after " + std::to_string(d) +
                             " difference(s) and " + std::to_string(D) + " seasonal difference(s)");
  }
  if (IsConstant(dx)) {
    RETAILCAST_ASSIGN_OR_RETURN(result.fit, ConstantDifferencesFit(x, d, D, m, dx, xreg));
    result.criteria = ComputeCriteria(result.fit, result.fit.residuals, result.fit.aic);
    return result;
  }
  if (m > 1) {
    if (max_P > 0) max_p = std::min(max_p, m - 1);
    if (max_Q > 0) max_q = std::min(max_q, m - 1);
  }
  const bool approximation = options.approximation == Approximation::kAuto
                                 ? (x.size() > 150 || m > 12)
                                 : options.approximation == Approximation::kOn;
  double offset = 0;
  if (approximation) {
    // The CSS criteria need the likelihood scale of the series: -2 loglik - n log(sigma2) of
    // the plain differencing model fitted by CSS-ML (R's offset).
    ArimaFitOptions fo;
    fo.final_pass = false;
    Result<ArimaFit> base = FitArima(x, ArimaOrder{0, d, 0, 0, D, 0, D > 0 ? m : 1}, xreg, fo);
    if (base.ok()) offset = -2 * base->loglik - serieslength * std::log(base->sigma2);
  }
  const bool allow_drift = options.allow_drift && d + D == 1;
  const bool allow_mean = options.allow_mean && d + D == 0;
  bool constant = allow_drift || allow_mean;
  const Search search(x, xreg, options, ic, offset);

  Candidate best;
  if (!options.stepwise) {
    RETAILCAST_ASSIGN_OR_RETURN(best, ExhaustiveSearch(search, d, D, m, max_p, max_q, max_P, max_Q,
                                                       approximation, constant, options));
  } else {
    int start_p = options.start_p, start_q = options.start_q;
    int start_P = options.start_P, start_Q = options.start_Q;
    if (x.size() < 10) {
      start_p = std::min(start_p, 1);
      start_q = std::min(start_q, 1);
      start_P = 0;
      start_Q = 0;
    }
    int p = std::min(start_p, max_p);
    int q = std::min(start_q, max_q);
    int P = std::min(start_P, max_P);
    int Q = std::min(start_Q, max_Q);
    std::vector<Row> rows;
    auto fit = [&](int fp, int fq, int fP, int fQ, bool fc, bool approx) {
      Candidate c = search.Fit(ArimaOrder{fp, d, fq, fP, D, fQ, m}, fc, approx);
      rows.push_back(Row{fp, fq, fP, fQ, fc, c.ic});
      return c;
    };
    best = fit(p, q, P, Q, constant, approximation);
    {
      Candidate c = fit(0, 0, 0, 0, constant, approximation);
      if (c.ic < best.ic) {
        best = std::move(c);
        p = q = P = Q = 0;
      }
    }
    if (max_p > 0 || max_P > 0) {
      const int np = max_p > 0 ? 1 : 0, nP = (m > 1 && max_P > 0) ? 1 : 0;
      Candidate c = fit(np, 0, nP, 0, constant, approximation);
      if (c.ic < best.ic) {
        best = std::move(c);
        p = np;
        P = nP;
        q = Q = 0;
      }
    }
    if (max_q > 0 || max_Q > 0) {
      const int nq = max_q > 0 ? 1 : 0, nQ = (m > 1 && max_Q > 0) ? 1 : 0;
      Candidate c = fit(0, nq, 0, nQ, constant, approximation);
      if (c.ic < best.ic) {
        best = std::move(c);
        p = P = 0;
        Q = nQ;
        q = nq;
      }
    }
    if (constant) {
      Candidate c = fit(0, 0, 0, 0, false, approximation);
      if (c.ic < best.ic) {
        best = std::move(c);
        p = q = P = Q = 0;
      }
    }
    // Neighbour moves in R's order: seasonal orders first, then non-seasonal, then the
    // constant; the first improvement restarts the scan from the new model.
    struct Move {
      int dp, dq, dP, dQ;
    };
    constexpr Move kMoves[] = {{0, 0, -1, 0},  {0, 0, 0, -1}, {0, 0, 1, 0},  {0, 0, 0, 1},
                               {0, 0, -1, -1}, {0, 0, -1, 1}, {0, 0, 1, -1}, {0, 0, 1, 1},
                               {-1, 0, 0, 0},  {0, -1, 0, 0}, {1, 0, 0, 0},  {0, 1, 0, 0},
                               {-1, -1, 0, 0}, {-1, 1, 0, 0}, {1, -1, 0, 0}, {1, 1, 0, 0}};
    const int nmodels = options.nmodels;
    size_t startk = 0;
    while (startk < rows.size() && static_cast<int>(rows.size()) < nmodels) {
      startk = rows.size();
      bool moved = false, full = false;
      for (const Move& mv : kMoves) {
        const int np = p + mv.dp, nq = q + mv.dq, nP = P + mv.dP, nQ = Q + mv.dQ;
        if (np < 0 || nq < 0 || nP < 0 || nQ < 0 || np > max_p || nq > max_q || nP > max_P ||
            nQ > max_Q || !NewModel(rows, np, nq, nP, nQ, constant)) {
          continue;
        }
        if (static_cast<int>(rows.size()) + 1 > nmodels) {
          full = true;
          break;
        }
        Candidate c = fit(np, nq, nP, nQ, constant, approximation);
        if (c.ic < best.ic) {
          best = std::move(c);
          p = np;
          q = nq;
          P = nP;
          Q = nQ;
          moved = true;
          break;
        }
      }
      if (full) break;
      if (moved) continue;
      if ((allow_drift || allow_mean) && NewModel(rows, p, q, P, Q, !constant)) {
        if (static_cast<int>(rows.size()) + 1 > nmodels) break;
        Candidate c = fit(p, q, P, Q, !constant, approximation);
        if (c.ic < best.ic) {
          best = std::move(c);
          constant = !constant;
        }
      }
    }
    if (approximation && best.fitted) {
      // Refit by maximum likelihood in order of the approximate criterion until one works.
      std::vector<size_t> order(rows.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(),
                       [&](size_t a, size_t b) { return rows[a].ic < rows[b].ic; });
      for (size_t i : order) {
        const Row& r = rows[i];
        Candidate c = search.Fit(ArimaOrder{r.p, d, r.q, r.P, D, r.Q, m}, r.constant, false);
        if (c.ic < kInf) {
          best = std::move(c);
          break;
        }
      }
    }
  }
  const bool css_only = options.method == ArimaMethod::kCss;
  if (!best.fitted || (best.ic == kInf && !css_only)) {
    return Status::DataError(
        "no suitable ARIMA model found (every candidate failed to fit or "
        "had roots near the unit circle)");
  }
  result.fit = std::move(best.fit);
  result.ic = best.ic;
  RETAILCAST_RETURN_IF_ERROR(FinishArima(&result.fit, x, xreg));
  double aic = result.fit.aic;
  if (result.fit.method == ArimaMethod::kCss) {
    int free = 0;
    for (bool b : result.fit.mask) free += b ? 1 : 0;
    aic = offset + (serieslength - d - D * m) * std::log(result.fit.sigma2) + 2.0 * (free + 1);
  }
  result.criteria = ComputeCriteria(result.fit, x, aic);
  result.steps = std::move(search.steps());
  return result;
}

}  // namespace arima

namespace {

using arima::ArimaFittedModel;
using arima::AutoArimaOptions;

// The parameters of auto_arima (AutoArimaTable).
struct AutoArimaParams {
  int64_t season_length = 0;  // 0 = the frequency's default
  AutoArimaOptions options;
  std::string xreg;  // comma-separated exogenous columns (ParseRegressorNames)
};

class AutoArimaEstimator final : public Estimator {
 public:
  AutoArimaEstimator(AutoArimaParams params, std::vector<std::string> xreg)
      : params_(std::move(params)), xreg_(std::move(xreg)) {}

  Result<std::unique_ptr<FittedModel>> Fit(const SeriesView& series) const override {
    RETAILCAST_RETURN_IF_ERROR(RequireObservations(series, kAutoArimaName));
    const std::string context = SeriesContext(kAutoArimaName, series.id);
    RETAILCAST_ASSIGN_OR_RETURN(int m,
                                ResolveSeasonLength(params_.season_length, series, kAutoArimaName));
    size_t offset = 0;
    while (offset < series.y.size() && std::isnan(series.y[offset])) ++offset;
    const std::span<const double> x = series.y.subspan(offset);
    RETAILCAST_ASSIGN_OR_RETURN(std::vector<arima::ArimaRegressor> xreg,
                                arima::SeriesRegressors(series, xreg_, offset, kAutoArimaName));
    Result<arima::AutoArimaResult> r = arima::AutoArima(x, m, xreg, params_.options);
    if (!r.ok()) {
      if (r.status().code() == StatusCode::kInvalidArgument) {
        return Status::InvalidArgument(context + r.status().message());
      }
      return Status::DataError(context + r.status().message());
    }
    arima::AutoArimaResult& res = *r;
    const double sigma2 = res.constant_series ? 0.0 : res.criteria.sigma2;
    if (!std::isfinite(sigma2) || sigma2 < 0) {
      return Status::DataError(context + res.fit.order.ToString() + " was selected but the " +
                               std::to_string(res.criteria.nstar) +
                               " usable observations are too few to estimate its innovation "
                               "variance; give a longer series");
    }
    for (double v : res.fit.state) {
      if (!std::isfinite(v)) {
        return Status::DataError(context + res.fit.order.ToString() +
                                 ": the selected model's state is not finite");
      }
    }
    const Date next = series.freq.Advance(series.start, static_cast<int64_t>(series.y.size()));
    arima::ArimaForecastState state = arima::MakeForecastState(
        res.fit, x, sigma2, series.id, next, series.freq, static_cast<int64_t>(x.size()));
    if (res.constant_series) {
      // R forecasts a constant series by its first value with zero variance.
      state.intercept = true;
      state.intercept_coef = x[0];
    }
    return std::unique_ptr<FittedModel>(std::make_unique<ArimaFittedModel>(
        kAutoArimaName, std::move(state),
        arima::MakeInSample(series.y, res.fit.residuals, offset)));
  }

  Result<std::unique_ptr<FittedModel>> Load(ByteReader& in) const override {
    return ArimaFittedModel::Load(kAutoArimaName, in);
  }

 private:
  AutoArimaParams params_;
  std::vector<std::string> xreg_;  // params_.xreg parsed
};

const ParamTable<AutoArimaOptions>& OptionsTable() {
  using arima::Approximation;
  using arima::ArimaMethod;
  using arima::InformationCriterion;
  using arima::SeasonalTest;
  using O = AutoArimaOptions;
  static const ParamTable<O> table =
      ParamTable<O>()
          .Int("d", &O::d, -1, 3,
               "non-seasonal differences; -1 = chosen by KPSS tests (alpha 0.05)")
          .Int("D", &O::D, -1, 3, "seasonal differences; -1 = chosen by seasonal_test")
          .Int("max_p", &O::max_p, 0, 100, "largest non-seasonal AR order")
          .Int("max_q", &O::max_q, 0, 100, "largest non-seasonal MA order")
          .Int("max_P", &O::max_P, 0, 100, "largest seasonal AR order")
          .Int("max_Q", &O::max_Q, 0, 100, "largest seasonal MA order")
          .Int("max_order", &O::max_order, 0, 400,
               "largest p + q + P + Q (used when stepwise = false)")
          .Int("max_d", &O::max_d, 0, 3, "largest number of differences the KPSS tests may choose")
          .Int("max_D", &O::max_D, 0, 3,
               "largest number of seasonal differences the test may choose")
          .Int("start_p", &O::start_p, 0, 100, "p of the first model of the stepwise search")
          .Int("start_q", &O::start_q, 0, 100, "q of the first model of the stepwise search")
          .Int("start_P", &O::start_P, 0, 100, "P of the first model of the stepwise search")
          .Int("start_Q", &O::start_Q, 0, 100, "Q of the first model of the stepwise search")
          .Bool("stationary", &O::stationary, "only stationary models (d = D = 0)")
          .Bool("seasonal", &O::seasonal, "consider seasonal models")
          .Choice("ic", &O::ic,
                  {{"aicc", InformationCriterion::kAicc},
                   {"aic", InformationCriterion::kAic},
                   {"bic", InformationCriterion::kBic}},
                  "information criterion minimised")
          .Bool("stepwise", &O::stepwise, "stepwise search (false: every order up to max_order)")
          .Int("nmodels", &O::nmodels, 1, 100000, "most models the stepwise search fits")
          .Choice("approximation", &O::approximation,
                  {{"auto", Approximation::kAuto},
                   {"true", Approximation::kOn},
                   {"false", Approximation::kOff}},
                  "search with CSS fits (then refit by maximum likelihood); auto = when the "
                  "series has more than 150 values or season_length > 12")
          .Choice("seasonal_test", &O::seasonal_test,
                  {{"seas", SeasonalTest::kSeas}, {"ocsb", SeasonalTest::kOcsb}},
                  "test choosing D: seasonal strength > 0.64 of an STL decomposition (seas) or "
                  "the OCSB test")
          .Bool("allow_drift", &O::allow_drift, "consider a drift term when d + D = 1")
          .Bool("allow_mean", &O::allow_mean, "consider a mean when d + D = 0")
          .Choice(std::string(arima::kMethodParam), &O::method,
                  {{"auto", std::nullopt},
                   {"CSS-ML", ArimaMethod::kCssMl},
                   {"ML", ArimaMethod::kMl},
                   {"CSS", ArimaMethod::kCss}},
                  "estimation of every fit; auto = CSS during an approximate search, CSS-ML "
                  "otherwise");
  return table;
}

const ParamTable<AutoArimaParams>& AutoArimaTable() {
  static const ParamTable<AutoArimaParams> table =
      ParamTable<AutoArimaParams>()
          .Int(std::string(kSeasonLengthParam), &AutoArimaParams::season_length, 0,
               arima::kMaxSeasonLength,
               "season length m in periods (52 weekly, 12 monthly, 7 daily); 0 = the "
               "frequency's default")
          .Nested(&AutoArimaParams::options, OptionsTable())
          .String(std::string(arima::kXregParam), &AutoArimaParams::xreg,
                  "comma-separated exogenous columns used as regressors (regression with ARIMA "
                  "errors); their future values are needed to forecast");
  return table;
}

}  // namespace

const ParamTableBase& AutoArimaParamTable() { return AutoArimaTable(); }

Result<std::unique_ptr<Estimator>> MakeAutoArima(const ParamValues& params) {
  AutoArimaParams p = AutoArimaTable().Bind(params);
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<std::string> xreg, arima::ParseRegressorNames(p.xreg));
  return std::unique_ptr<Estimator>(
      std::make_unique<AutoArimaEstimator>(std::move(p), std::move(xreg)));
}

}  // namespace retailcast::models
