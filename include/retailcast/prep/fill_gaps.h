// Gap filling: replaces missing (NaN) observations of a panel's series in place.
//
// Thread-safety: FillGaps writes to the panel, so it needs exclusive access; FillSeries only
// touches the span it is given.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"

namespace retailcast::prep {

enum class FillMethod : uint8_t {
  kMissing,   // leave NaN: the value is explicitly missing (nothing is filled)
  kZero,      // NaN -> 0: intermittent demand, where no record means no sale (every NaN,
              // leading and trailing ones included)
  kLinear,    // straight line between the nearest observed neighbours
  kSeasonal,  // mean of the same season position in the nearest observed season before and
              // the nearest observed season after; linear when neither exists
};

// Leading and trailing gaps have a neighbour on one side only, so a line cannot be drawn.
enum class EdgeFill : uint8_t {
  kKeepMissing,  // leave them NaN (default: no invented history)
  kNearest,      // copy the nearest observed value
};

struct FillOptions {
  FillMethod method = FillMethod::kLinear;
  // Edge gaps for kLinear and for kSeasonal's linear fallback. kZero fills edges always.
  EdgeFill edges = EdgeFill::kKeepMissing;
  // Season length for kSeasonal in periods; 0 means the panel frequency's default (7 for
  // daily, 52 weekly, 12 monthly...). Must be >= 0; 1 makes kSeasonal behave like kLinear.
  int season_length = 0;
};

struct FillReport {
  // Filled values per series of the panel (0 for series not asked for), in panel order.
  std::vector<int64_t> filled_per_series;
  int64_t total_filled = 0;
};

// "missing", "zero", "linear", "seasonal" -> the method; InvalidArgument lists the names.
Result<FillMethod> ParseFillMethod(std::string_view name);
std::string_view FillMethodName(FillMethod method);

// Fills gaps of the given series (panel positions; empty = all series) in place. Each series
// is filled from its own observed values only (filled values never feed other fills).
// Errors: InvalidArgument for a negative season length or a series position out of range
// (nothing is changed then).
Result<FillReport> FillGaps(Panel& panel, const FillOptions& options,
                            std::span<const size_t> series = {});

// Fills one series in place and returns the number of filled values. `season_length` must be
// >= 1 (0 in options is resolved by FillGaps, not here; values < 1 are treated as 1).
int64_t FillSeries(std::span<double> y, const FillOptions& options, int season_length);

}  // namespace retailcast::prep
