// Exploration of a panel: what a data scientist looks at before modelling (size, calendar,
// missing values, zeros, demand classes, seasonality strength, top sellers, totals per period).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"

namespace retailcast::explore {

struct DescribeOptions {
  int season_length = 0;  // 0 = the frequency's default
  int top_k = 10;         // how many top sellers to list
  int last_periods = 12;  // how many trailing periods of panel totals to list
};

// Syntetos–Boylan–Croston demand classes (Syntetos, Boylan & Croston 2005), from the average
// inter-demand interval (ADI, cut-off 1.32) and the squared coefficient of variation of the
// non-zero demand sizes (CV², cut-off 0.49).
enum class DemandClass { kSmooth, kErratic, kIntermittent, kLumpy, kNoDemand };
std::string_view DemandClassName(DemandClass c);

struct SeriesStats {
  std::string id;
  int64_t length = 0;
  int64_t missing = 0;
  int64_t zeros = 0;
  double total = 0;  // sum of the non-missing values
  double mean = 0;
  double adi = 0;  // periods per non-zero demand
  double cv2 = 0;  // CV² of the non-zero values
  DemandClass demand_class = DemandClass::kNoDemand;
  // Strength of seasonality in [0, 1] (Wang, Smith & Hyndman 2006; FPP3 §4.3):
  // max(0, 1 - Var(R) / Var(S + R)) from a classical additive decomposition;
  // NaN when the series has fewer than two full seasons.
  double seasonal_strength = 0;
};

struct PanelSummary {
  Frequency freq;
  int season_length = 1;
  size_t series = 0;
  size_t values = 0;
  size_t missing = 0;
  size_t zeros = 0;
  size_t negatives = 0;
  Date first_date;
  Date last_date;
  int64_t min_length = 0;
  int64_t median_length = 0;
  int64_t max_length = 0;
  double total = 0;
  size_t demand_class_counts[5] = {0, 0, 0, 0, 0};  // indexed by DemandClass
  double mean_seasonal_strength = 0;                // over series where it is defined
  size_t seasonal_strength_series = 0;
  std::vector<std::string> exog_columns;
  std::vector<std::string> attributes;
  std::vector<SeriesStats> top_sellers;                // by total, descending
  std::vector<std::pair<Date, double>> recent_totals;  // last periods, summed over series
  std::vector<SeriesStats> per_series;                 // every series, panel order
};

// Computes the summary. InvalidArgument for an empty panel.
Result<PanelSummary> DescribePanel(const Panel& panel, const DescribeOptions& options);
// Stats of one series (used by DescribePanel; exposed for tests and the service).
SeriesStats DescribeSeries(const SeriesView& series, int season_length);
// A readable multi-line report.
std::string FormatSummary(const PanelSummary& summary);
// JSON object with the same content (per_series included).
std::string SummaryToJson(const PanelSummary& summary);

}  // namespace retailcast::explore
