// The ETS engine behind the `ets` and `auto_ets` models (private to src/models): the
// innovations state space models of Hyndman, Koehler, Ord & Snyder, "Forecasting with
// Exponential Smoothing: The State Space Approach" (Springer 2008), chapters 2, 5 and 6, fitted
// the way R package forecast 8.20 fits them in ets()/etsmodel() (see ets_core.cc for the
// correspondence, function by function).
//
// State layout (as R's): [l, b (with a trend), s_1 .. s_m (with a season)], s_1 the most
// recent seasonal state, s_m the one the next observation uses.
//
// Thread-safety: every function is pure (no shared state); call them concurrently freely.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "retailcast/core/rng.h"
#include "retailcast/core/status.h"

namespace retailcast::models::ets {

enum class Kind : uint8_t { kNone = 0, kAdditive = 1, kMultiplicative = 2 };

// One ETS form: error (A/M) x trend (N/A/M, optionally damped) x season (N/A/M).
struct Form {
  Kind error = Kind::kAdditive;
  Kind trend = Kind::kNone;
  Kind season = Kind::kNone;
  bool damped = false;

  bool operator==(const Form&) const = default;
};

// "AAdA"-style code (error, trend, "d" when damped, season) and back. ParseForm returns
// false for a malformed code (it does not apply R's restrictions; see Forbidden).
std::string FormCode(const Form& form);
bool ParseForm(std::string_view code, Form* form);
// R's display name, e.g. "ETS(A,Ad,A)".
std::string FormName(const Form& form);
// R's `restrict = TRUE` exclusions: additive error with a multiplicative trend or season
// (infinite variances) and M,M,A (numerically unstable); damping without a trend.
bool Forbidden(const Form& form);

// Which bounds the smoothing parameters must satisfy (R's ets(bounds = ...)).
enum class Bounds : uint8_t { kBoth = 0, kUsual = 1, kAdmissible = 2 };

// Smoothing parameters in R's error-correction parameterisation. beta = 0 without a trend,
// gamma = 0 without a season, phi = 1 without damping.
struct Smoothing {
  double alpha = 0, beta = 0, gamma = 0, phi = 1;
};

// How a form is fitted.
struct FitOptions {
  Bounds bounds = Bounds::kBoth;
  // Seasons longer than this keep the heuristic initial seasonal states of InitialStates
  // (not optimised); R refuses such seasons (its C code stops at 24).
  int max_optimised_season = 24;
  // false: every initial state keeps its heuristic value and only the smoothing parameters are
  // optimised (and counted as parameters), a much smaller search on long series.
  bool optimise_initial_states = true;
  int max_iterations = 2000;                // Nelder-Mead function evaluations (R's maxit)
  double rel_tol = 1.4901161193847656e-08;  // sqrt(DBL_EPSILON), R's reltol
};

// A fitted form. `m` is the season length used (1 without a season).
struct Fit {
  Form form;
  int m = 1;
  Smoothing par;
  std::vector<double> initial_state;  // R layout, before the first observation
  std::vector<double> final_state;    // R layout, after the last observation
  double lik = 0;  // R's "lik": n log(SSE) (+ 2 sum log|fitted| for multiplicative error)
  double aic = 0, aicc = 0, bic = 0;
  double sigma2 = 0;   // sum(e^2) / (n - #estimated), e relative for multiplicative error
  int num_params = 0;  // estimated values (smoothing, initial states, sigma)
  int num_observed = 0;
  std::vector<double> fitted;  // one-step forecasts, aligned with the series passed in
};

// The series as the engine sees it: leading missing values removed by the caller; NaN inside
// marks a missing value (the state then moves on with a zero innovation).
struct SeriesData {
  std::span<const double> y;
  int num_observed = 0;
  bool positive = false;  // every observed value > 0
  // y with gaps linearly interpolated (and trailing gaps carried flat), for the heuristics.
  std::vector<double> filled;
};
SeriesData PrepareSeries(std::span<const double> y);

// forecast:::initstate: the heuristic initial states of a form (seasonal states from a
// classical decomposition, or a trend + Fourier regression on short series; level and trend
// from the first max(10, 2m) seasonally adjusted values). `m` is ignored without a season.
// Returns l, b (with a trend) and the first m - 1 seasonal states (R's s_1..s_{m-1}); false
// when the series is too short (fewer than 4 values with a season).
bool InitialStates(const std::vector<double>& y, Kind trend, Kind season, int m,
                   std::vector<double>* state);

// Fits one form by maximum likelihood (forecast:::etsmodel). Returns false when the form
// cannot be fitted (too many parameters for the series, no admissible start, no finite
// likelihood); `fit` is then unspecified.
bool FitForm(const SeriesData& data, const Form& form, int m, const FitOptions& options, Fit* fit);

// R's fallback for series of at most 6 values (forecast:::HoltWintersZZ without season):
// simple exponential smoothing and Holt's linear method fitted by least squares, the one with
// the smaller residual variance kept. False with fewer than 2 observed values.
bool FitShortSeries(const SeriesData& data, Fit* fit);

// Point forecasts of a fitted state (forecast's etsforecast).
std::vector<double> PointForecast(const Form& form, int m, const Smoothing& par,
                                  std::span<const double> state, int horizon);

// Forecast means and variances where Hyndman et al. (2008) give them in closed form: class 1
// (additive error, N/A trend, N/A season), class 2 (multiplicative error, N/A trend, N/A
// season) and class 3 (multiplicative error and season, N/A trend); chapter 6. False for the
// other forms (multiplicative trend), whose intervals are simulated.
bool HasAnalyticVariance(const Form& form);
void AnalyticForecast(const Form& form, int m, const Smoothing& par, std::span<const double> state,
                      double sigma2, int horizon, std::vector<double>* mean,
                      std::vector<double>* variance);

// Sample paths from the fitted model (forecast's simulate.ets with normal errors, clipped at
// -1 for multiplicative errors), `paths` x `horizon` row-major. NaN rows for paths that hit a
// negative multiplicative trend.
std::vector<double> SimulatePaths(const Form& form, int m, const Smoothing& par,
                                  std::span<const double> state, double sigma2, int horizon,
                                  int paths, Rng& rng);

// R's quantile(type = 8) of finite values sorted ascending; NaN when there are none.
double Quantile8(std::span<const double> sorted, double p);

}  // namespace retailcast::models::ets
