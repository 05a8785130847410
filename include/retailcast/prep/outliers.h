// Outlier flagging and cleaning on a panel's target values.
//
// Each observed value gets an expected value from a robust baseline (a seasonal median or a
// centred rolling median); the residual y - expected is compared with a robust spread of all
// residuals of the series:
//   kMad: flagged when |r - median(r)| > mad_threshold * sigma, sigma = 1.4826 * MAD(r)
//         (Iglewicz & Hoaglin 1993, "How to Detect and Handle Outliers"; 1.4826 makes MAD a
//         consistent estimate of a normal sigma). When MAD is 0 (more than half the
//         residuals equal) sigma = 1.2533 * mean |r - median(r)| (same reference, the
//         mean-absolute-deviation variant); when that is 0 too, nothing is flagged.
//   kIqr: flagged when r < Q1 - iqr_multiplier * IQR or r > Q3 + iqr_multiplier * IQR
//         (Tukey's fences); IQR = 0 flags nothing.
// NaN values are never flagged; a constant series gives no flags.
//
// Thread-safety: DetectOutliers reads the panel only; CleanOutliers needs exclusive access.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"

namespace retailcast::prep {

enum class OutlierBaseline : uint8_t {
  // seasonal profile = median of (y - rolling median over one season) at each season
  // position; expected = profile + rolling median of the deseasonalised values over
  // `window`. Falls back to kRollingMedian when the series is shorter than two seasons or
  // the season length is 1.
  kSeasonalMedian,
  // expected = centred rolling median over `window` observed neighbours.
  kRollingMedian,
};

enum class OutlierRule : uint8_t { kMad, kIqr };

struct OutlierOptions {
  OutlierBaseline baseline = OutlierBaseline::kSeasonalMedian;
  OutlierRule rule = OutlierRule::kMad;
  double mad_threshold = 3.5;   // k of the MAD rule; > 0
  double iqr_multiplier = 1.5;  // fence multiplier of the IQR rule; > 0
  int season_length = 0;        // 0 = the frequency's default (7 daily, 52 weekly...); >= 0
  int window = 0;               // trend rolling-median window (odd, >= 3); 0 = 2 * season + 1
  // Series whose share of zeros among observed values is larger are not tested: with mostly
  // zeros MAD and IQR are 0 and every sale would look like an outlier. 1 tests every series.
  double max_zero_share = 0.5;
  int min_observations = 8;  // series with fewer observed values are not tested
};

struct Outlier {
  size_t series = 0;  // position in the panel
  std::string id;     // series id
  Date date;
  double value = 0;     // the observed value
  double expected = 0;  // the baseline's value
  double score = 0;     // kMad: |r - median r| / sigma; kIqr: distance beyond the nearer
                        // quartile in IQRs (flagged when > the threshold / multiplier)
};

struct OutlierReport {
  std::vector<uint8_t> flags;     // 1 = outlier, in the panel's CSR layout (panel.offsets())
  std::vector<double> expected;   // baseline values, same layout; NaN where y is NaN
  std::vector<Outlier> outliers;  // flagged values in panel order, then date order
  std::vector<size_t> untested;   // series skipped (too short or mostly zeros)
};

// Flags outliers in every series. InvalidArgument for thresholds <= 0, a negative season
// length, or a window that is even or < 3 (when not 0).
Result<OutlierReport> DetectOutliers(const Panel& panel, const OutlierOptions& options = {});

enum class CleanMethod : uint8_t {
  kExpected,     // replace a flagged value by its expected value
  kInterpolate,  // linear interpolation between the nearest unflagged observed values
                 // (the nearest one at the series' edges)
};

// Replaces the flagged values of `panel` and returns how many were replaced. `report` must
// come from DetectOutliers on this panel: InvalidArgument when its layout differs.
Result<int64_t> CleanOutliers(Panel& panel, const OutlierReport& report, CleanMethod method);

}  // namespace retailcast::prep
