// The parameter spec of the additive model and its translation into AdditiveParams.
// Defaults are Prophet 1.0's (R prophet(): n.changepoints 25, changepoint.prior.scale 0.05,
// seasonality/holidays prior scale 10, uncertainty.samples 1000) except changepoint_range:
// 0.85 instead of 0.8, so the trend may still bend in the 80-85 % stretch of the history
// (docs/additive.md has the comparison that chose it).
//
// List-valued parameters use '+' between items and ':' between the fields of an item, since
// ',' separates parameters on the command line (--params additive:a=1,b=2):
//   regressors=Temperature+Holiday_Flag:5:multiplicative   name[:prior_scale[:mode[:standardize]]]
//   seasonalities=monthly:30.4375:5:3 name:period_days:order[:prior_scale[:mode]]
//   holiday_settings=Thanksgiving:0:1:20+Christmas Day:-2:0 name:lower:upper[:prior_scale]
//   tune_changepoint_scales=0.001+0.01+0.1+0.5
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "retailcast/core/param_table.h"
#include "retailcast/features/holidays.h"
#include "retailcast/models/additive.h"

namespace retailcast::models {
namespace {

constexpr double kMaxScale = 1e6;
constexpr int64_t kMaxSeed = 9'000'000'000'000'000;

std::string Owner() { return std::string(kAdditiveName); }

Status Bad(const std::string& param, const std::string& text, const std::string& expected) {
  return Status::InvalidArgument(Owner() + ": parameter '" + param + "' = '" + text +
                                 "': " + expected);
}

std::vector<std::string> Split(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    const size_t next = text.find(sep, pos);
    out.emplace_back(text.substr(pos, next == std::string_view::npos ? text.npos : next - pos));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

// A finite number in (0, kMaxScale].
bool ParseScale(const std::string& text, double* out) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v <= 0 ||
      v > kMaxScale) {
    return false;
  }
  *out = v;
  return true;
}

Result<ComponentMode> ParseMode(const std::string& text, ComponentMode inherited,
                                const std::string& param) {
  if (text.empty()) return inherited;
  if (text == "additive") return ComponentMode::kAdditive;
  if (text == "multiplicative") return ComponentMode::kMultiplicative;
  return Bad(param, text, "a mode must be additive or multiplicative");
}

Result<std::vector<double>> ParseGrid(const std::string& text, const std::string& param) {
  std::vector<double> grid;
  for (const std::string& item : Split(text, '+')) {
    double v = 0;
    if (!ParseScale(item, &v)) {
      return Bad(param, text,
                 "give '+'-separated positive numbers up to 1e6, e.g. 0.001+0.01+0.1+0.5");
    }
    grid.push_back(v);
  }
  return grid;
}

Result<std::vector<RegressorSpec>> ParseRegressors(const std::string& text, double prior,
                                                   ComponentMode mode) {
  std::vector<RegressorSpec> out;
  if (text.empty()) return out;
  for (const std::string& item : Split(text, '+')) {
    const std::vector<std::string> f = Split(item, ':');
    if (f[0].empty() || f.size() > 4) {
      return Bad("regressors", text,
                 "each item is name[:prior_scale[:mode[:standardize]]], items joined by '+', "
                 "e.g. Temperature+Holiday_Flag:5");
    }
    RegressorSpec r;
    r.name = f[0];
    r.prior_scale = prior;
    r.mode = mode;
    if (f.size() > 1 && !f[1].empty() && !ParseScale(f[1], &r.prior_scale)) {
      return Bad(
          "regressors", text,
          "prior scale '" + f[1] + "' of '" + r.name + "' is not a positive number up to 1e6");
    }
    if (f.size() > 2) {
      RETAILCAST_ASSIGN_OR_RETURN(r.mode, ParseMode(f[2], mode, "regressors"));
    }
    if (f.size() > 3) {
      if (f[3] == "auto") {
        r.standardize = Standardize::kAuto;
      } else if (f[3] == "true" || f[3] == "yes") {
        r.standardize = Standardize::kYes;
      } else if (f[3] == "false" || f[3] == "no") {
        r.standardize = Standardize::kNo;
      } else {
        return Bad("regressors", text, "standardize '" + f[3] + "' must be auto, true or false");
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<SeasonalitySpec>> ParseSeasonalities(const std::string& text, double prior,
                                                        ComponentMode mode) {
  std::vector<SeasonalitySpec> out;
  if (text.empty()) return out;
  for (const std::string& item : Split(text, '+')) {
    const std::vector<std::string> f = Split(item, ':');
    const std::string usage =
        "each item is name:period_days:order[:prior_scale[:mode]], items joined by '+', e.g. "
        "monthly:30.4375:5";
    if (f.size() < 3 || f.size() > 5 || f[0].empty()) return Bad("seasonalities", text, usage);
    SeasonalitySpec s;
    s.name = f[0];
    s.prior_scale = prior;
    s.mode = mode;
    char* end = nullptr;
    s.period_days = std::strtod(f[1].c_str(), &end);
    if (f[1].empty() || end != f[1].c_str() + f[1].size() || !std::isfinite(s.period_days)) {
      return Bad("seasonalities", text, "period '" + f[1] + "' is not a number; " + usage);
    }
    const long order = std::strtol(f[2].c_str(), &end, 10);
    if (f[2].empty() || end != f[2].c_str() + f[2].size() || order < 1 || order > 100) {
      return Bad("seasonalities", text, "order '" + f[2] + "' is not an integer in 1..100");
    }
    s.order = static_cast<int>(order);
    if (f.size() > 3 && !f[3].empty() && !ParseScale(f[3], &s.prior_scale)) {
      return Bad("seasonalities", text, "prior scale '" + f[3] + "' is not a positive number");
    }
    if (f.size() > 4) {
      RETAILCAST_ASSIGN_OR_RETURN(s.mode, ParseMode(f[4], mode, "seasonalities"));
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<HolidaySetting>> ParseHolidaySettings(const std::string& text) {
  std::vector<HolidaySetting> out;
  if (text.empty()) return out;
  const std::string usage =
      "each item is name:lower_window:upper_window[:prior_scale], items joined by '+', e.g. "
      "Thanksgiving:0:1:20";
  for (const std::string& item : Split(text, '+')) {
    const std::vector<std::string> f = Split(item, ':');
    if (f.size() < 3 || f.size() > 4 || f[0].empty()) return Bad("holiday_settings", text, usage);
    HolidaySetting h;
    h.name = f[0];
    char* end = nullptr;
    const long lower = std::strtol(f[1].c_str(), &end, 10);
    const bool lower_ok = !f[1].empty() && end == f[1].c_str() + f[1].size();
    const long upper = std::strtol(f[2].c_str(), &end, 10);
    const bool upper_ok = !f[2].empty() && end == f[2].c_str() + f[2].size();
    if (!lower_ok || !upper_ok || lower > 0 || lower < -features::kMaxEventWindow || upper < 0 ||
        upper > features::kMaxEventWindow) {
      return Bad("holiday_settings", text,
                 "the window of '" + h.name +
                     "' must be whole days with -366 <= lower <= 0 <= "
                     "upper <= 366");
    }
    h.lower_window = static_cast<int>(lower);
    h.upper_window = static_cast<int>(upper);
    if (f.size() == 4 && !ParseScale(f[3], &h.prior_scale)) {
      return Bad("holiday_settings", text, "prior scale '" + f[3] + "' is not a positive number");
    }
    out.push_back(std::move(h));
  }
  return out;
}

// '+'-joined numbers in their shortest round-trip form, as the grid parameters read them.
std::string JoinScales(const std::vector<double>& scales) {
  std::string out;
  for (double v : scales) out += (out.empty() ? "" : "+") + ParamDefaultText(ParamValue{v});
  return out;
}

// The registry's parameters of "additive" (AdditiveTable): the fields of AdditiveParams that a
// parameter sets as it is, and, for the others, the form the parameter gives, which
// AdditiveParamsFromValues parses or resolves into them.
struct AdditiveSettings : AdditiveParams {
  ComponentMode seasonality_mode = ComponentMode::kAdditive;
  // Modes given per component; unset = seasonality_mode.
  std::optional<ComponentMode> yearly_mode_given, weekly_mode_given, daily_mode_given,
      holidays_mode_given, regressor_mode_given;
  std::string seasonalities_text;     // name:period_days:order[:prior_scale[:mode]] joined by '+'
  std::string holiday_settings_text;  // name:lower:upper[:prior_scale] joined by '+'
  std::string events_path;            // events file read into `events`
  std::string event_flags;            // 0/1 columns of the events file joined by '+'
  bool events_by_type = false;
  std::string regressors_text;  // name[:prior_scale[:mode[:standardize]]] joined by '+'
  double regressor_prior_scale = RegressorSpec{}.prior_scale;
  std::string tune_changepoint_text = JoinScales(tune_changepoint_scales);
  std::string tune_seasonality_text = JoinScales(tune_seasonality_scales);
};

const ParamTable<AdditiveSettings>& AdditiveTable() {
  using S = AdditiveSettings;
  using P = AdditiveParams;
  static const ParamTable<S> table = [] {
    const std::vector<std::pair<std::string, std::optional<ComponentMode>>> modes = {
        {"", std::nullopt},
        {"additive", ComponentMode::kAdditive},
        {"multiplicative", ComponentMode::kMultiplicative}};
    std::vector<std::string> countries = {""};
    for (const auto& c : features::HolidayCountries()) countries.emplace_back(c.code);
    ParamTable<S> t;
    t.Choice(
         "growth", &P::growth,
         {{"linear", Growth::kLinear}, {"logistic", Growth::kLogistic}, {"flat", Growth::kFlat}},
         "trend: linear (piecewise linear), logistic (saturating between floor and cap) or "
         "flat")
        .Double("cap", &P::cap,
                "logistic growth: the capacity (saturation level), > floor; or give cap_column")
        .String("cap_column", &P::cap_column,
                "logistic growth: exogenous column with the capacity per date (its future values "
                "must be given at forecast time)")
        .Double("floor", &P::floor, "logistic growth: the lower saturation level")
        .String("floor_column", &P::floor_column,
                "logistic growth: exogenous column with the floor per date")
        .Int("n_changepoints", &P::n_changepoints, 0, 1000,
             "number of potential trend changepoints, spread evenly over the first "
             "changepoint_range of the observations")
        .Double("changepoint_range", &P::changepoint_range, 0, 1,
                "share of the history (from its start) where changepoints may be")
        .Double("changepoint_prior_scale", &P::changepoint_prior_scale, 1e-9, kMaxScale,
                "scale of the Laplace prior on trend rate changes (larger = more flexible trend)")
        .Int("yearly_seasonality", &P::yearly_order, -1, 100,
             "Fourier order of the yearly seasonality; -1 = auto (10 with at least two years of "
             "history), 0 = off")
        .Int("weekly_seasonality", &P::weekly_order, -1, 100,
             "Fourier order of the weekly seasonality; -1 = auto (3 for daily data spanning at "
             "least two weeks), 0 = off")
        .Int("daily_seasonality", &P::daily_order, -1, 100,
             "Fourier order of the daily seasonality; -1 = auto (off: it needs sub-daily data)")
        .Choice("seasonality_mode", &S::seasonality_mode,
                {{"additive", ComponentMode::kAdditive},
                 {"multiplicative", ComponentMode::kMultiplicative}},
                "how seasonalities (and by default holidays and regressors) combine with the "
                "trend")
        .Choice("yearly_mode", &S::yearly_mode_given, modes,
                "mode of the yearly seasonality; empty = seasonality_mode")
        .Choice("weekly_mode", &S::weekly_mode_given, modes,
                "mode of the weekly seasonality; empty = seasonality_mode")
        .Choice("daily_mode", &S::daily_mode_given, modes,
                "mode of the daily seasonality; empty = seasonality_mode")
        .Double("seasonality_prior_scale", &P::seasonality_prior_scale, 1e-9, kMaxScale,
                "scale of the normal prior on Fourier coefficients (smaller = smoother)")
        .String("seasonalities", &S::seasonalities_text,
                "custom seasonalities, name:period_days:order[:prior_scale[:mode]] joined by "
                "'+', e.g. monthly:30.4375:5")
        .String("country", &P::country,
                "built-in public holidays of this country (US, UK, DE, FR, CA, AU, EC); empty = "
                "none",
                std::move(countries))
        .Int("holidays_lower_window", &P::holidays_lower_window, -features::kMaxEventWindow, 0,
             "days before each holiday (and each event without its own window) that share its "
             "effect")
        .Int("holidays_upper_window", &P::holidays_upper_window, 0, features::kMaxEventWindow,
             "days after each holiday (and each event without its own window) that share its "
             "effect")
        .Double("holidays_prior_scale", &P::holidays_prior_scale, 1e-9, kMaxScale,
                "prior scale of holiday effects and of events without their own")
        .Choice("holidays_mode", &S::holidays_mode_given, modes,
                "mode of holidays and events; empty = seasonality_mode")
        .String("holiday_settings", &S::holiday_settings_text,
                "per-holiday windows and prior scales, name:lower:upper[:prior_scale] joined by "
                "'+', e.g. Thanksgiving:0:1:20 (names as in the country's calendar)")
        .String("events", &S::events_path,
                "events file: event,ds[,lower_window,upper_window,prior_scale] rows, an M5 "
                "calendar.csv, or a file of 0/1 columns named by event_flags")
        .String("event_flags", &S::event_flags,
                "0/1 columns of the events file that are events, joined by '+' (e.g. "
                "Holiday_Flag)")
        .Bool("events_by_type", &S::events_by_type,
              "M5 calendar: one event per event type (Sporting, Cultural, ...) instead of per "
              "name")
        .String("regressors", &S::regressors_text,
                "extra regressors (exogenous columns), name[:prior_scale[:mode[:standardize]]] "
                "joined by '+', e.g. Temperature+Holiday_Flag:5")
        .Double("regressor_prior_scale", &S::regressor_prior_scale, 1e-9, kMaxScale,
                "default prior scale of regressor coefficients")
        .Choice("regressor_mode", &S::regressor_mode_given, modes,
                "default mode of regressors; empty = seasonality_mode")
        .Int("interval_samples", &P::interval_samples, 0, 10000,
             "simulated paths (noise plus future trend changes) behind the intervals; 0 = "
             "normal intervals from the noise alone")
        .Bool("count_aware", &P::count_aware,
              "intervals from a negative binomial noise model, never below zero (unit sales); "
              "the mean is max(yhat, 0)")
        .Int("seed", &P::seed, 0, kMaxSeed, "seed of the simulated paths (with the series id)")
        .Bool("tune", &P::tune,
              "choose changepoint_prior_scale x seasonality_prior_scale by a rolling-origin "
              "backtest (MASE) on the training series, then refit")
        .Int("tune_windows", &P::tune_windows, 1, 20, "tune: number of backtest windows")
        .Int("tune_horizon", &P::tune_horizon, 0, 10000,
             "tune: periods per backtest window; 0 = a tenth of the series")
        .String("tune_changepoint_scales", &S::tune_changepoint_text,
                "tune: changepoint_prior_scale grid, joined by '+'")
        .String("tune_seasonality_scales", &S::tune_seasonality_text,
                "tune: seasonality_prior_scale grid, joined by '+'");
    return t;
  }();
  return table;
}

}  // namespace

const ParamTableBase& AdditiveParamTable() { return AdditiveTable(); }

Result<AdditiveParams> AdditiveParamsFromValues(const ParamValues& values) {
  const AdditiveSettings given = AdditiveTable().Bind(values);
  AdditiveParams p = given;
  const ComponentMode mode = given.seasonality_mode;
  p.yearly_mode = given.yearly_mode_given.value_or(mode);
  p.weekly_mode = given.weekly_mode_given.value_or(mode);
  p.daily_mode = given.daily_mode_given.value_or(mode);
  RETAILCAST_ASSIGN_OR_RETURN(p.seasonalities, ParseSeasonalities(given.seasonalities_text,
                                                                  p.seasonality_prior_scale, mode));
  p.holidays_mode = given.holidays_mode_given.value_or(mode);
  RETAILCAST_ASSIGN_OR_RETURN(p.holiday_settings,
                              ParseHolidaySettings(given.holiday_settings_text));
  if (!given.events_path.empty()) {
    features::EventFileOptions opt;
    if (!given.event_flags.empty()) opt.flag_columns = Split(given.event_flags, '+');
    opt.by_type = given.events_by_type;
    opt.lower_window = p.holidays_lower_window;
    opt.upper_window = p.holidays_upper_window;
    auto events = features::ReadEventsFile(given.events_path, opt);
    if (!events.ok()) return events.status().WithContext(Owner() + ": events file");
    p.events = std::move(events).value();
  } else if (!given.event_flags.empty()) {
    return Bad("event_flags", given.event_flags, "needs an events file (events=PATH)");
  }
  RETAILCAST_ASSIGN_OR_RETURN(p.regressors,
                              ParseRegressors(given.regressors_text, given.regressor_prior_scale,
                                              given.regressor_mode_given.value_or(mode)));
  RETAILCAST_ASSIGN_OR_RETURN(p.tune_changepoint_scales,
                              ParseGrid(given.tune_changepoint_text, "tune_changepoint_scales"));
  RETAILCAST_ASSIGN_OR_RETURN(p.tune_seasonality_scales,
                              ParseGrid(given.tune_seasonality_text, "tune_seasonality_scales"));
  return p;
}

Result<std::unique_ptr<Estimator>> MakeAdditive(const ParamValues& values) {
  RETAILCAST_ASSIGN_OR_RETURN(AdditiveParams p, AdditiveParamsFromValues(values));
  return MakeAdditiveEstimator(std::move(p));
}

}  // namespace retailcast::models
