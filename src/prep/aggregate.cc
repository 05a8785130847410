#include "retailcast/prep/aggregate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_set>

namespace retailcast::prep {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int Rank(FrequencyUnit u) {
  switch (u) {
    case FrequencyUnit::kDay:
      return 0;
    case FrequencyUnit::kWeek:
      return 1;
    case FrequencyUnit::kMonth:
      return 2;
    case FrequencyUnit::kQuarter:
      return 3;
    case FrequencyUnit::kYear:
      return 4;
  }
  return 0;
}

std::string JoinNames(const std::vector<std::string>& names, std::string_view sep) {
  std::string out;
  for (size_t k = 0; k < names.size(); ++k) {
    if (k > 0) out.append(sep);
    out += names[k];
  }
  return out;
}

std::vector<std::string> ExogNames(const Panel& p) {
  std::vector<std::string> names;
  for (size_t k = 0; k < p.num_exog(); ++k) names.push_back(p.exog_name(k));
  return names;
}

// The function of each exogenous column of `panel`.
Result<std::vector<AggFunc>> ResolveExog(const Panel& panel, const ColumnAggregation& c) {
  std::vector<AggFunc> funcs(panel.num_exog(), c.exog_default);
  for (const auto& [name, func] : c.exog) {
    auto k = panel.FindExog(name);
    if (!k) {
      return Status::InvalidArgument("unknown exogenous column '" + name +
                                     "' in the aggregation functions; the panel has: " +
                                     (panel.num_exog() ? JoinNames(ExogNames(panel), ", ")
                                                       : std::string("(no exogenous columns)")));
    }
    funcs[*k] = func;
  }
  return funcs;
}

// Accumulates weighted values of one column over a series' target periods.
struct Accumulator {
  AggFunc func = AggFunc::kSum;
  std::vector<double> sum;
  std::vector<double> weight;  // days for kMean; any positive value marks "has data" for kSum

  void Reset(AggFunc f, size_t n) {
    func = f;
    sum.assign(n, 0.0);
    weight.assign(n, 0.0);
  }
  // A source value covering `days` days of which `overlap` fall in target period j.
  void Add(size_t j, double v, int overlap, int days) {
    if (std::isnan(v)) return;
    if (func == AggFunc::kSum) {
      // Nested periods give overlap == days: the value is added unchanged (no rounding).
      sum[j] += overlap == days ? v : v * overlap / days;
    } else {
      sum[j] += v * overlap;
    }
    weight[j] += overlap;
  }
  double Value(size_t j) const {
    if (weight[j] == 0) return kNaN;
    return func == AggFunc::kSum ? sum[j] : sum[j] / weight[j];
  }
};

std::vector<std::string_view> AttributesOf(const Panel& p, size_t i) {
  std::vector<std::string_view> attrs;
  for (size_t a = 0; a < p.num_attributes(); ++a) attrs.push_back(p.attribute(a, i));
  return attrs;
}

Panel EmptyLike(const Panel& panel, Frequency freq, const std::vector<std::string>& attributes) {
  Panel out(freq);
  (void)out.SetAttributeNames(attributes);  // cannot fail: `out` has no series yet
  for (size_t k = 0; k < panel.num_exog(); ++k) (void)out.AddExogColumn(panel.exog_name(k));
  return out;
}

}  // namespace

Result<TemporalAggregate> AggregateTime(const Panel& panel, const TemporalAggOptions& options) {
  const Frequency& src = panel.freq();
  const Frequency& tgt = options.target;
  if (Rank(tgt.unit) < Rank(src.unit)) {
    return Status::InvalidArgument("cannot aggregate " + src.ToString() +
                                   " data to the finer "
                                   "frequency " +
                                   tgt.ToString() +
                                   "; choose a target at least as coarse as the data");
  }
  if (tgt.unit == FrequencyUnit::kWeek && src.unit == FrequencyUnit::kWeek && !(tgt == src)) {
    return Status::InvalidArgument("cannot aggregate " + src.ToString() + " weeks to " +
                                   tgt.ToString() +
                                   " weeks: weeks with different anchors do "
                                   "not nest; aggregate the daily data instead");
  }
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<AggFunc> exog_funcs, ResolveExog(panel, options.columns));
  std::vector<std::string> attr_names;
  for (size_t a = 0; a < panel.num_attributes(); ++a) attr_names.push_back(panel.attribute_name(a));

  TemporalAggregate result;
  result.panel = EmptyLike(panel, tgt, attr_names);
  std::optional<size_t> partial_col;
  if (options.partial == PartialPeriods::kFlag && !options.partial_column.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(partial_col, result.panel.AddExogColumn(options.partial_column));
  }
  const size_t num_exog = panel.num_exog();
  std::vector<Accumulator> acc(1 + num_exog);
  for (size_t i = 0; i < panel.num_series(); ++i) {
    const int64_t len = panel.length(i);
    if (len == 0) {
      result.dropped_series.emplace_back(panel.id(i));
      continue;
    }
    const Date first_day = src.DaysOf(panel.start(i)).first;
    const Date last_day = src.DaysOf(panel.end(i)).second;
    const Date t_first = tgt.PeriodOf(first_day);
    RETAILCAST_ASSIGN_OR_RETURN(int64_t steps, tgt.StepsBetween(t_first, tgt.PeriodOf(last_day)));
    const size_t nt = static_cast<size_t>(steps + 1);
    acc[0].Reset(options.columns.y, nt);
    for (size_t k = 0; k < num_exog; ++k) acc[1 + k].Reset(exog_funcs[k], nt);

    size_t j = 0;
    auto [tb, te] = tgt.DaysOf(t_first);
    auto y = panel.values(i);
    for (int64_t t = 0; t < len; ++t) {
      auto [sb, se] = src.DaysOf(src.Advance(panel.start(i), t));
      const int days = se - sb + 1;
      while (true) {
        const int overlap = std::min(se, te) - std::max(sb, tb) + 1;
        if (overlap > 0) {
          acc[0].Add(j, y[t], overlap, days);
          for (size_t k = 0; k < num_exog; ++k) {
            acc[1 + k].Add(j, panel.exog(k, i)[t], overlap, days);
          }
        }
        if (se <= te) break;
        ++j;
        std::tie(tb, te) = tgt.DaysOf(tgt.Advance(t_first, static_cast<int64_t>(j)));
      }
    }
    // Partial first / last target periods.
    const bool first_partial = tgt.DaysOf(t_first).first < first_day;
    const bool last_partial =
        tgt.DaysOf(tgt.Advance(t_first, static_cast<int64_t>(nt - 1))).second > last_day;
    size_t lo = 0, hi = nt;  // kept target periods [lo, hi)
    if (options.partial == PartialPeriods::kDrop) {
      if (first_partial) lo = 1;
      if (last_partial && hi > lo) hi -= 1;
      result.partial_periods +=
          (first_partial ? 1 : 0) + (last_partial && (nt > 1 || !first_partial) ? 1 : 0);
      if (lo >= hi) {
        result.dropped_series.emplace_back(panel.id(i));
        continue;
      }
    }
    std::vector<double> values(hi - lo);
    for (size_t p = lo; p < hi; ++p) values[p - lo] = acc[0].Value(p);
    auto attrs = AttributesOf(panel, i);
    size_t out = result.panel.AddSeries(panel.id(i), tgt.Advance(t_first, static_cast<int64_t>(lo)),
                                        values, attrs);
    for (size_t k = 0; k < num_exog; ++k) {
      auto col = result.panel.mutable_exog(k, out);
      for (size_t p = lo; p < hi; ++p) col[p - lo] = acc[1 + k].Value(p);
    }
    std::vector<uint8_t> flags(hi - lo, 0);
    if (options.partial == PartialPeriods::kFlag) {
      // flags holds hi - lo = nt >= 1 entries here (nothing is dropped under kFlag).
      if (first_partial) flags[0] = 1;
      if (last_partial) flags[flags.size() - 1] = 1;
      for (uint8_t f : flags) result.partial_periods += f;
      if (partial_col) {
        auto col = result.panel.mutable_exog(*partial_col, out);
        for (size_t p = 0; p < flags.size(); ++p) col[p] = flags[p];
      }
    }
    result.partial.insert(result.partial.end(), flags.begin(), flags.end());
  }
  return result;
}

Result<Panel> AggregateHierarchy(const Panel& panel, const std::vector<std::string>& group_by,
                                 const ColumnAggregation& columns) {
  std::vector<size_t> attr_index;
  for (const auto& name : group_by) {
    auto a = panel.FindAttribute(name);
    if (!a) {
      std::vector<std::string> names;
      for (size_t k = 0; k < panel.num_attributes(); ++k) names.push_back(panel.attribute_name(k));
      return Status::InvalidArgument(
          "unknown attribute '" + name + "' to group by; the panel has: " +
          (names.empty() ? std::string("(no attribute columns)") : JoinNames(names, ", ")));
    }
    attr_index.push_back(*a);
  }
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<AggFunc> exog_funcs, ResolveExog(panel, columns));

  std::map<std::string, std::vector<size_t>> groups;
  std::string key;
  for (size_t i = 0; i < panel.num_series(); ++i) {
    if (panel.length(i) == 0) continue;  // contributes no value to any date
    key.clear();
    for (size_t k = 0; k < attr_index.size(); ++k) {
      if (k > 0) key += '/';
      key.append(panel.attribute(attr_index[k], i));
    }
    if (attr_index.empty()) key = "total";
    groups[key].push_back(i);
  }

  Panel out = EmptyLike(panel, panel.freq(), group_by);
  const Frequency& f = panel.freq();
  // Each group's calendar (first date, length), sized up front so the output grows once.
  std::vector<std::pair<Date, size_t>> spans;
  size_t total = 0;
  for (const auto& [id, members] : groups) {
    Date gstart = panel.start(members[0]), gend = panel.end(members[0]);
    for (size_t i : members) {
      gstart = std::min(gstart, panel.start(i));
      gend = std::max(gend, panel.end(i));
    }
    auto steps = f.StepsBetween(gstart, gend);
    if (!steps.ok()) return steps.status().WithContext("group '" + id + "'");
    spans.emplace_back(gstart, static_cast<size_t>(*steps + 1));
    total += spans.back().second;
  }
  out.Reserve(groups.size(), total);
  const size_t num_exog = panel.num_exog();
  std::vector<Accumulator> acc(1 + num_exog);
  size_t group_index = 0;
  for (const auto& [id, members] : groups) {
    const auto [gstart, n] = spans[group_index++];
    acc[0].Reset(columns.y, n);
    for (size_t k = 0; k < num_exog; ++k) acc[1 + k].Reset(exog_funcs[k], n);
    for (size_t i : members) {
      auto offset = f.StepsBetween(gstart, panel.start(i));
      if (!offset.ok()) {
        return offset.status().WithContext("series '" + std::string(panel.id(i)) + "' of group '" +
                                           id + "'");
      }
      auto y = panel.values(i);
      for (size_t t = 0; t < y.size(); ++t) {
        const size_t p = static_cast<size_t>(*offset) + t;
        acc[0].Add(p, y[t], 1, 1);
        for (size_t k = 0; k < num_exog; ++k) acc[1 + k].Add(p, panel.exog(k, i)[t], 1, 1);
      }
    }
    std::vector<std::string_view> attrs;
    for (size_t a : attr_index) attrs.push_back(panel.attribute(a, members[0]));
    std::vector<double> values(n);
    for (size_t p = 0; p < n; ++p) values[p] = acc[0].Value(p);
    size_t g = out.AddSeries(id, gstart, values, attrs);
    for (size_t k = 0; k < num_exog; ++k) {
      auto col = out.mutable_exog(k, g);
      for (size_t p = 0; p < n; ++p) col[p] = acc[1 + k].Value(p);
    }
  }
  return out;
}

Result<Panel> BuildHierarchy(const Panel& panel,
                             const std::vector<std::vector<std::string>>& levels,
                             bool include_bottom, const ColumnAggregation& columns) {
  // Attribute columns of the result: "level", then every grouping column once.
  std::vector<std::string> attr_names{"level"};
  for (const auto& level : levels) {
    for (const auto& name : level) {
      if (std::find(attr_names.begin() + 1, attr_names.end(), name) == attr_names.end()) {
        attr_names.push_back(name);
      }
    }
  }
  Panel out = EmptyLike(panel, panel.freq(), attr_names);
  std::unordered_set<std::string> ids;
  auto append = [&](const Panel& part, std::string_view level_name) -> Status {
    for (size_t i = 0; i < part.num_series(); ++i) {
      std::string id(part.id(i));
      if (!ids.insert(id).second) {
        return Status::InvalidArgument("series id '" + id + "' of level '" +
                                       std::string(level_name) +
                                       "' occurs in an earlier level too; ids must be unique");
      }
      std::vector<std::string_view> attrs{level_name};
      for (size_t a = 1; a < attr_names.size(); ++a) {
        auto pa = part.FindAttribute(attr_names[a]);
        attrs.push_back(pa ? part.attribute(*pa, i) : std::string_view());
      }
      size_t o = out.AddSeries(part.id(i), part.start(i), part.values(i), attrs);
      for (size_t k = 0; k < part.num_exog(); ++k) {
        auto src = part.exog(k, i);
        std::copy(src.begin(), src.end(), out.mutable_exog(k, o).begin());
      }
    }
    return Status::Ok();
  };
  // Aggregate every level first so the output is allocated once.
  std::vector<Panel> parts;
  size_t series = include_bottom ? panel.num_series() : 0;
  size_t values = include_bottom ? panel.num_values() : 0;
  for (const auto& level : levels) {
    RETAILCAST_ASSIGN_OR_RETURN(Panel part, AggregateHierarchy(panel, level, columns));
    series += part.num_series();
    values += part.num_values();
    parts.push_back(std::move(part));
  }
  out.Reserve(series, values);
  if (include_bottom) RETAILCAST_RETURN_IF_ERROR(append(panel, "bottom"));
  for (size_t l = 0; l < levels.size(); ++l) {
    std::string name = levels[l].empty() ? std::string("total") : JoinNames(levels[l], "/");
    RETAILCAST_RETURN_IF_ERROR(append(parts[l], name));
    parts[l] = Panel();  // release the level's memory early
  }
  return out;
}

std::vector<std::vector<std::string>> M5HierarchyLevels() {
  return {{},
          {"state_id"},
          {"store_id"},
          {"cat_id"},
          {"dept_id"},
          {"state_id", "cat_id"},
          {"state_id", "dept_id"},
          {"store_id", "cat_id"},
          {"store_id", "dept_id"},
          {"item_id"},
          {"item_id", "state_id"}};
}

}  // namespace retailcast::prep
