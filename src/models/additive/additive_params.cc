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
#include <string>
#include <utility>
#include <vector>

#include "retailcast/core/param_def.h"
#include "retailcast/features/holidays.h"
#include "retailcast/models/additive.h"

namespace retailcast::models {
namespace {

constexpr double kMaxScale = 1e6;

ParamDef Text(std::string name, std::string default_value, std::string description,
              std::vector<std::string> choices = {}) {
  return MakeParamDef(std::move(name), ParamType::kString, std::move(default_value), 0, 0,
                      std::move(description), std::move(choices));
}

const std::vector<std::string> kModeChoices = {"", "additive", "multiplicative"};

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

Result<std::vector<double>> ParseGrid(const ParamValues& values, const std::string& param) {
  const std::string& text = values.GetString(param);
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

Result<std::vector<RegressorSpec>> ParseRegressors(const ParamValues& values, double prior,
                                                   ComponentMode mode) {
  const std::string& text = values.GetString("regressors");
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

Result<std::vector<SeasonalitySpec>> ParseSeasonalities(const ParamValues& values, double prior,
                                                        ComponentMode mode) {
  const std::string& text = values.GetString("seasonalities");
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

Result<std::vector<HolidaySetting>> ParseHolidaySettings(const ParamValues& values) {
  const std::string& text = values.GetString("holiday_settings");
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

Result<Growth> ParseGrowth(const std::string& text) {
  if (text == "linear") return Growth::kLinear;
  if (text == "logistic") return Growth::kLogistic;
  if (text == "flat") return Growth::kFlat;
  return Bad("growth", text, "one of linear, logistic, flat");
}

}  // namespace

ParamSpec AdditiveSpec() {
  using T = ParamType;
  std::vector<std::string> countries = {""};
  for (const auto& c : features::HolidayCountries()) countries.emplace_back(c.code);
  return {
      Text("growth", "linear",
           "trend: linear (piecewise linear), logistic (saturating between floor and cap) or "
           "flat",
           {"linear", "logistic", "flat"}),
      MakeParamDef("cap", T::kDouble, "0", -1e300, 1e300,
                   "logistic growth: the capacity (saturation level), > floor; or give cap_column"),
      Text("cap_column", "",
           "logistic growth: exogenous column with the capacity per date (its future values "
           "must be given at forecast time)"),
      MakeParamDef("floor", T::kDouble, "0", -1e300, 1e300,
                   "logistic growth: the lower saturation level"),
      Text("floor_column", "", "logistic growth: exogenous column with the floor per date"),
      MakeParamDef(
          "n_changepoints", T::kInt, "25", 0, 1000,
          "number of potential trend changepoints, spread evenly over the first changepoint_range "
          "of the observations"),
      MakeParamDef("changepoint_range", T::kDouble, "0.85", 0, 1,
                   "share of the history (from its start) where changepoints may be"),
      MakeParamDef(
          "changepoint_prior_scale", T::kDouble, "0.05", 1e-9, kMaxScale,
          "scale of the Laplace prior on trend rate changes (larger = more flexible trend)"),
      MakeParamDef(
          "yearly_seasonality", T::kInt, "-1", -1, 100,
          "Fourier order of the yearly seasonality; -1 = auto (10 with at least two years of "
          "history), 0 = off"),
      MakeParamDef(
          "weekly_seasonality", T::kInt, "-1", -1, 100,
          "Fourier order of the weekly seasonality; -1 = auto (3 for daily data spanning at least "
          "two weeks), 0 = off"),
      MakeParamDef(
          "daily_seasonality", T::kInt, "-1", -1, 100,
          "Fourier order of the daily seasonality; -1 = auto (off: it needs sub-daily data)"),
      Text("seasonality_mode", "additive",
           "how seasonalities (and by default holidays and regressors) combine with the trend",
           {"additive", "multiplicative"}),
      Text("yearly_mode", "", "mode of the yearly seasonality; empty = seasonality_mode",
           kModeChoices),
      Text("weekly_mode", "", "mode of the weekly seasonality; empty = seasonality_mode",
           kModeChoices),
      Text("daily_mode", "", "mode of the daily seasonality; empty = seasonality_mode",
           kModeChoices),
      MakeParamDef("seasonality_prior_scale", T::kDouble, "10", 1e-9, kMaxScale,
                   "scale of the normal prior on Fourier coefficients (smaller = smoother)"),
      Text("seasonalities", "",
           "custom seasonalities, name:period_days:order[:prior_scale[:mode]] joined by '+', "
           "e.g. monthly:30.4375:5"),
      Text("country", "",
           "built-in public holidays of this country (US, UK, DE, FR, CA, AU, EC); empty = none",
           countries),
      MakeParamDef(
          "holidays_lower_window", T::kInt, "0", -features::kMaxEventWindow, 0,
          "days before each holiday (and each event without its own window) that share its "
          "effect"),
      MakeParamDef("holidays_upper_window", T::kInt, "0", 0, features::kMaxEventWindow,
                   "days after each holiday (and each event without its own window) that share its "
                   "effect"),
      MakeParamDef("holidays_prior_scale", T::kDouble, "10", 1e-9, kMaxScale,
                   "prior scale of holiday effects and of events without their own"),
      Text("holidays_mode", "", "mode of holidays and events; empty = seasonality_mode",
           kModeChoices),
      Text("holiday_settings", "",
           "per-holiday windows and prior scales, name:lower:upper[:prior_scale] joined by '+', "
           "e.g. Thanksgiving:0:1:20 (names as in the country's calendar)"),
      Text("events", "",
           "events file: event,ds[,lower_window,upper_window,prior_scale] rows, an M5 "
           "calendar.csv, or a file of 0/1 columns named by event_flags"),
      Text("event_flags", "",
           "0/1 columns of the events file that are events, joined by '+' (e.g. Holiday_Flag)"),
      MakeParamDef(
          "events_by_type", T::kBool, "false", 0, 1,
          "M5 calendar: one event per event type (Sporting, Cultural, ...) instead of per name"),
      Text("regressors", "",
           "extra regressors (exogenous columns), name[:prior_scale[:mode[:standardize]]] joined "
           "by '+', e.g. Temperature+Holiday_Flag:5"),
      MakeParamDef("regressor_prior_scale", T::kDouble, "10", 1e-9, kMaxScale,
                   "default prior scale of regressor coefficients"),
      Text("regressor_mode", "", "default mode of regressors; empty = seasonality_mode",
           kModeChoices),
      MakeParamDef(
          "interval_samples", T::kInt, "1000", 0, 10000,
          "simulated paths (noise plus future trend changes) behind the intervals; 0 = normal "
          "intervals from the noise alone"),
      MakeParamDef(
          "count_aware", T::kBool, "false", 0, 1,
          "intervals from a negative binomial noise model, never below zero (unit sales); the "
          "mean is max(yhat, 0)"),
      MakeParamDef("seed", T::kInt, "0", 0, 9.0e15,
                   "seed of the simulated paths (with the series id)"),
      MakeParamDef(
          "tune", T::kBool, "false", 0, 1,
          "choose changepoint_prior_scale x seasonality_prior_scale by a rolling-origin backtest "
          "(MASE) on the training series, then refit"),
      MakeParamDef("tune_windows", T::kInt, "3", 1, 20, "tune: number of backtest windows"),
      MakeParamDef("tune_horizon", T::kInt, "0", 0, 10000,
                   "tune: periods per backtest window; 0 = a tenth of the series"),
      Text("tune_changepoint_scales", "0.001+0.01+0.1+0.5",
           "tune: changepoint_prior_scale grid, joined by '+'"),
      Text("tune_seasonality_scales", "0.01+0.1+1+10",
           "tune: seasonality_prior_scale grid, joined by '+'"),
  };
}

Result<AdditiveParams> AdditiveParamsFromValues(const ParamValues& values) {
  AdditiveParams p;
  RETAILCAST_ASSIGN_OR_RETURN(p.growth, ParseGrowth(values.GetString("growth")));
  p.cap = values.GetDouble("cap");
  p.cap_column = values.GetString("cap_column");
  p.floor = values.GetDouble("floor");
  p.floor_column = values.GetString("floor_column");
  p.n_changepoints = static_cast<int>(values.GetInt("n_changepoints"));
  p.changepoint_range = values.GetDouble("changepoint_range");
  p.changepoint_prior_scale = values.GetDouble("changepoint_prior_scale");
  p.yearly_order = static_cast<int>(values.GetInt("yearly_seasonality"));
  p.weekly_order = static_cast<int>(values.GetInt("weekly_seasonality"));
  p.daily_order = static_cast<int>(values.GetInt("daily_seasonality"));
  const ComponentMode mode = values.GetString("seasonality_mode") == "multiplicative"
                                 ? ComponentMode::kMultiplicative
                                 : ComponentMode::kAdditive;
  RETAILCAST_ASSIGN_OR_RETURN(p.yearly_mode,
                              ParseMode(values.GetString("yearly_mode"), mode, "yearly_mode"));
  RETAILCAST_ASSIGN_OR_RETURN(p.weekly_mode,
                              ParseMode(values.GetString("weekly_mode"), mode, "weekly_mode"));
  RETAILCAST_ASSIGN_OR_RETURN(p.daily_mode,
                              ParseMode(values.GetString("daily_mode"), mode, "daily_mode"));
  p.seasonality_prior_scale = values.GetDouble("seasonality_prior_scale");
  RETAILCAST_ASSIGN_OR_RETURN(p.seasonalities,
                              ParseSeasonalities(values, p.seasonality_prior_scale, mode));
  p.country = values.GetString("country");
  p.holidays_lower_window = static_cast<int>(values.GetInt("holidays_lower_window"));
  p.holidays_upper_window = static_cast<int>(values.GetInt("holidays_upper_window"));
  p.holidays_prior_scale = values.GetDouble("holidays_prior_scale");
  RETAILCAST_ASSIGN_OR_RETURN(p.holidays_mode,
                              ParseMode(values.GetString("holidays_mode"), mode, "holidays_mode"));
  RETAILCAST_ASSIGN_OR_RETURN(p.holiday_settings, ParseHolidaySettings(values));
  const std::string& events_path = values.GetString("events");
  const std::string& flags = values.GetString("event_flags");
  if (!events_path.empty()) {
    features::EventFileOptions opt;
    if (!flags.empty()) opt.flag_columns = Split(flags, '+');
    opt.by_type = values.GetBool("events_by_type");
    opt.lower_window = p.holidays_lower_window;
    opt.upper_window = p.holidays_upper_window;
    auto events = features::ReadEventsFile(events_path, opt);
    if (!events.ok()) return events.status().WithContext(Owner() + ": events file");
    p.events = std::move(events).value();
  } else if (!flags.empty()) {
    return Bad("event_flags", flags, "needs an events file (events=PATH)");
  }
  const double regressor_prior = values.GetDouble("regressor_prior_scale");
  RETAILCAST_ASSIGN_OR_RETURN(
      const ComponentMode regressor_mode,
      ParseMode(values.GetString("regressor_mode"), mode, "regressor_mode"));
  RETAILCAST_ASSIGN_OR_RETURN(p.regressors,
                              ParseRegressors(values, regressor_prior, regressor_mode));
  p.interval_samples = static_cast<int>(values.GetInt("interval_samples"));
  p.count_aware = values.GetBool("count_aware");
  p.seed = static_cast<uint64_t>(values.GetInt("seed"));
  p.tune = values.GetBool("tune");
  p.tune_windows = static_cast<int>(values.GetInt("tune_windows"));
  p.tune_horizon = static_cast<int>(values.GetInt("tune_horizon"));
  RETAILCAST_ASSIGN_OR_RETURN(p.tune_changepoint_scales,
                              ParseGrid(values, "tune_changepoint_scales"));
  RETAILCAST_ASSIGN_OR_RETURN(p.tune_seasonality_scales,
                              ParseGrid(values, "tune_seasonality_scales"));
  return p;
}

Result<std::unique_ptr<Estimator>> MakeAdditive(const ParamValues& values) {
  RETAILCAST_ASSIGN_OR_RETURN(AdditiveParams p, AdditiveParamsFromValues(values));
  return MakeAdditiveEstimator(std::move(p));
}

}  // namespace retailcast::models
