#include <algorithm>
#include <cmath>
#include <string>

#include "generator.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/synth/synth.h"

namespace retailcast::synth {
namespace {

Status ShareInRange(const char* field, double v) {
  if (!(v >= 0.0 && v <= 1.0)) {
    return Status::InvalidArgument(std::string("synth option ") + field +
                                   " must be in [0, 1], got " + std::to_string(v));
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> StoreIds(const SynthOptions& o) {
  // Store k belongs to state k % states (round-robin, so 10 stores over 3 states give M5's
  // 4 + 3 + 3); ids are listed state by state like M5's CA_1..CA_4, TX_1..TX_3, WI_1..WI_3.
  std::vector<std::string> ids;
  if (o.stores < 1 || o.states < 1) return ids;
  for (int state = 0; state < o.states; ++state) {
    std::string name = state == 0   ? "CA"
                       : state == 1 ? "TX"
                       : state == 2 ? "WI"
                                    : "S" + std::to_string(state + 1);
    for (int k = state, num = 1; k < o.stores; k += o.states, ++num) {
      ids.push_back(name + "_" + std::to_string(num));
    }
  }
  return ids;
}

Status ValidateOptions(const SynthOptions& o) {
  if (o.stores < 1)
    return Status::InvalidArgument("synth option stores must be >= 1, got " +
                                   std::to_string(o.stores));
  if (o.states < 1 || o.states > o.stores) {
    return Status::InvalidArgument("synth option states must be in [1, stores=" +
                                   std::to_string(o.stores) + "], got " + std::to_string(o.states));
  }
  if (o.items_per_store < 1) {
    return Status::InvalidArgument("synth option items_per_store must be >= 1, got " +
                                   std::to_string(o.items_per_store));
  }
  if (o.periods < 1 || o.periods > 1'000'000) {
    return Status::InvalidArgument("synth option periods must be in [1, 1000000], got " +
                                   std::to_string(o.periods));
  }
  // Years spanned, computed without calling Advance so a huge count cannot overflow a date.
  const double per_year[] = {365.25, 365.25 / 7, 12, 4, 1};
  const double span_years =
      static_cast<double>(o.periods) / per_year[static_cast<int>(o.freq.unit)];
  if (o.start.year() < 1900 || o.start.year() + span_years > 9000) {
    return Status::InvalidArgument("synth calendar " + o.start.ToString() + " + " +
                                   std::to_string(o.periods) + " periods of " + o.freq.ToString() +
                                   " leaves the supported years 1900-9000");
  }
  if (!o.freq.IsAligned(o.start)) {
    return Status::InvalidArgument("synth start " + o.start.ToString() +
                                   " is not a period stamp of " + o.freq.ToString() +
                                   " (e.g. weekly data must start on its anchor day, "
                                   "monthly on the 1st)");
  }
  RETAILCAST_RETURN_IF_ERROR(ShareInRange("intermittent_share", o.intermittent_share));
  RETAILCAST_RETURN_IF_ERROR(ShareInRange("late_start_share", o.late_start_share));
  RETAILCAST_RETURN_IF_ERROR(ShareInRange("promo_share", o.promo_share));
  if (!o.only_stores.empty()) {
    std::vector<std::string> ids = StoreIds(o);
    for (const std::string& s : o.only_stores) {
      if (std::find(ids.begin(), ids.end(), s) == ids.end()) {
        std::string list;
        for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
        return Status::InvalidArgument("unknown store '" + s +
                                       "' in only_stores; the stores are: " + list);
      }
    }
  }
  return Status::Ok();
}

Result<Panel> Generate(const SynthOptions& options) {
  RETAILCAST_ASSIGN_OR_RETURN(internal::Generator g, internal::Generator::Create(options));
  Panel panel(options.freq);
  RETAILCAST_RETURN_IF_ERROR(
      panel.SetAttributeNames({"item_id", "dept_id", "cat_id", "store_id", "state_id"}));
  size_t price_col = 0, promo_col = 0, holiday_col = 0, temp_col = 0;
  if (options.exog) {
    RETAILCAST_ASSIGN_OR_RETURN(price_col, panel.AddExogColumn(kPriceColumn));
    RETAILCAST_ASSIGN_OR_RETURN(promo_col, panel.AddExogColumn(kPromoColumn));
    RETAILCAST_ASSIGN_OR_RETURN(holiday_col, panel.AddExogColumn(kHolidayColumn));
    RETAILCAST_ASSIGN_OR_RETURN(temp_col, panel.AddExogColumn(kTemperatureColumn));
  }
  size_t total = 0;
  for (size_t s = 0; s < g.num_series(); ++s) total += static_cast<size_t>(g.length(s));
  panel.Reserve(g.num_series(), total);
  for (size_t s = 0; s < g.num_series(); ++s) {
    const auto& item = g.items()[g.item_of(s)];
    const auto& store = g.stores()[g.store_of(s)];
    const auto& dept = internal::Departments()[item.dept];
    const std::string_view attrs[] = {item.id, dept.dept, dept.cat, store.id,
                                      g.states()[store.state]};
    panel.AddSeries(g.series_id(s), options.freq.Advance(options.start, g.offset(s)), g.length(s),
                    attrs);
  }
  // Each series writes only its own CSR range, so the parallel fill needs no locking.
  ThreadPool pool(options.threads);
  pool.ParallelFor(g.num_series(), [&](size_t s) {
    std::span<double> none;
    g.Fill(s, panel.mutable_values(s), options.exog ? panel.mutable_exog(price_col, s) : none,
           options.exog ? panel.mutable_exog(promo_col, s) : none);
    if (options.exog) {
      auto hol = panel.mutable_exog(holiday_col, s);
      auto temp = panel.mutable_exog(temp_col, s);
      const size_t state = g.stores()[g.store_of(s)].state;
      for (int64_t k = 0; k < g.length(s); ++k) {
        hol[static_cast<size_t>(k)] = g.holiday(g.offset(s) + k);
        temp[static_cast<size_t>(k)] = g.temperature(state, g.offset(s) + k);
      }
    }
  });
  return panel;
}

}  // namespace retailcast::synth
