// Reader for the M5 competition layout (Walmart, Kaggle 2020):
//   sales_train_*.csv  id,item_id,dept_id,cat_id,store_id,state_id,d_1..d_n (one row per series)
//   calendar.csv       date,wm_yr_wk,...,d,event_name_1,event_type_1,event_name_2,
//                      event_type_2,snap_CA,snap_TX,snap_WI
//   sell_prices.csv    store_id,item_id,wm_yr_wk,sell_price (optional)
// into a daily Panel: ids from `id`, attributes item_id,dept_id,cat_id,store_id,state_id, and
// exogenous columns
//   sell_price                       weekly price on each day of its week; NaN where the item
//                                    has no price (not on sale yet); only with a prices file
//   snap                             the SNAP flag of the series' own state (snap_<state_id>)
//   event_sporting, event_cultural,  1 when an event of that type falls on the day, else 0
//   event_national, event_religious
// Several sales files may be given (e.g. two sets of series, or the same series over later
// days); a (series, day) present twice is a duplicate row error. Each series runs from its
// first to its last day present in the sales files.
//
// Errors: NotFound / IoError for files; DataError for missing columns, a d_N column absent
// from the calendar, a calendar that is not one row per consecutive day; row errors for
// malformed rows, non-numeric sales, an unknown state, duplicate ids/days, bad prices.
#pragma once

#include <string>
#include <vector>

#include "retailcast/io/ingest_report.h"

namespace retailcast::io {

struct M5Options {
  std::vector<std::string> sales_paths;
  std::string calendar_path;
  std::string prices_path;  // "" = no sell_price column
  OnError on_error = OnError::kFail;
};

Result<LoadedPanel> ReadM5(const M5Options& options);

}  // namespace retailcast::io
