// Aggregation of a panel to a coarser frequency and to higher levels of a hierarchy.
//
// Missing values: NaN + value = value; a result value is NaN only when every contributing
// value is NaN. Exogenous columns are aggregated alongside the target, each with its own
// function (units add up; prices and temperatures average).
//
// Thread-safety: the functions read their input panel only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"

namespace retailcast::prep {

enum class AggFunc : uint8_t {
  kSum,   // total of the non-missing values (units sold)
  kMean,  // mean of the non-missing values, weighted by days covered in temporal aggregation
};

// Which function each column gets.
struct ColumnAggregation {
  AggFunc y = AggFunc::kSum;
  AggFunc exog_default = AggFunc::kMean;
  // Per exogenous column overrides, e.g. {"promo", kSum}. Unknown names are InvalidArgument.
  std::vector<std::pair<std::string, AggFunc>> exog;
};

// What to do with a first or last target period that the series covers only partly (e.g. a
// daily series starting on a Wednesday aggregated to weeks ending Sunday).
enum class PartialPeriods : uint8_t {
  kDrop,  // drop it (default): a partial total would look like a sales drop
  kFlag,  // keep it and flag it in TemporalAggregate::partial (and optionally a column)
};

struct TemporalAggOptions {
  Frequency target = Frequency::Weekly(Weekday::kSunday);
  ColumnAggregation columns;
  PartialPeriods partial = PartialPeriods::kDrop;
  // With kFlag and a non-empty name, the flags are also written as an exogenous column (1 =
  // partial period, 0 = complete) so they travel with the panel.
  std::string partial_column;
};

struct TemporalAggregate {
  Panel panel;                   // ids, attributes and exogenous columns of the input
  std::vector<uint8_t> partial;  // CSR layout of `panel`: 1 = partly covered period (kFlag)
  int64_t partial_periods = 0;   // partial periods flagged (kFlag) or dropped (kDrop)
  // Series that covered no complete target period and were left out under kDrop.
  std::vector<std::string> dropped_series;
};

// Aggregates every series to `options.target`. Source and target periods are intervals of
// days (a weekly stamp covers the 7 days ending on it per Frequency::PeriodOf, a monthly one
// its month); a source period that straddles two target periods (a week across a month end)
// is spread over its days: a sum gives each target the share of its days, a mean weights by
// days. A series covers the days from its first period to its last; interior NaN values are
// missing observations, not partial coverage.
// Errors: InvalidArgument when the target is finer than the panel's frequency or a week
// with another anchor (weeks do not nest), or an override names an unknown exogenous column
// (the message lists the existing ones). An empty panel gives an empty result.
Result<TemporalAggregate> AggregateTime(const Panel& panel, const TemporalAggOptions& options);

// Sums the series that share the values of the `group_by` attribute columns. The result's ids
// are the values joined with '/', e.g. "CA_1/FOODS_3", or "total" when group_by is empty; its
// attributes are the group_by columns; series are in id order. Each group spans the union of
// its members' dates (all on the panel's calendar).
// Errors: InvalidArgument for an unknown attribute name (lists the existing ones) or an
// unknown exogenous override; DataError when a member's start is not on the group's grid.
Result<Panel> AggregateHierarchy(const Panel& panel, const std::vector<std::string>& group_by,
                                 const ColumnAggregation& columns = {});

// Builds several hierarchy levels in one panel. Each level is a group_by list; the result has
// attributes "level" (the group_by names joined with '/', "total" for {}, "bottom" for the
// input series) followed by the union of all group_by columns (empty where a level does not
// group by that column). With include_bottom the input series come first, unchanged.
// Errors: those of AggregateHierarchy, and InvalidArgument when two levels produce the same
// series id.
Result<Panel> BuildHierarchy(const Panel& panel,
                             const std::vector<std::vector<std::string>>& levels,
                             bool include_bottom = true, const ColumnAggregation& columns = {});

// The levels of the M5 competition above the item-store series, top first: total; state;
// store; cat; dept; state/cat; state/dept; store/cat; store/dept; item; item/state
// (Makridakis et al. 2022, "M5 accuracy competition", Table 1).
std::vector<std::vector<std::string>> M5HierarchyLevels();

}  // namespace retailcast::prep
