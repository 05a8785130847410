// Synthetic retail data with the structure of the M5 competition (Walmart, Kaggle 2020):
// states -> stores -> categories -> departments -> items, every item sold in every store.
// Used by tests, scale benchmarks and `retailcast synth`.
//
// Series ids are "ITEM_STORE" as in M5 ("FOODS_3_090_CA_1"); attributes item_id, dept_id,
// cat_id, store_id, state_id. Demand per period is Poisson with a log-normally disturbed rate
// (a Poisson-lognormal mixture, over-dispersed like a negative binomial):
//   rate = level * days * trend * weekly * yearly * holiday * temperature * (price/base)^-e
// Smooth series have levels of a few units a day; intermittent ones well below one, so most
// days are zero. Prices are per item, constant within a Walmart week (Saturday to Friday),
// with occasional permanent changes; promotions are store-level price cuts of 10-35% for a
// week that lift demand through the item's price elasticity e in [1, 2.5]. Holidays are
// fixed-date events with an uplift (Christmas: stores nearly closed). Temperature follows a
// yearly cycle per state and raises demand of FOODS and HOUSEHOLD items. Some series start
// late (their own start date, like M5 items launched during the sample).
//
// Determinism: every series draws from Rng(seed, series_id) (item-level prices from
// Rng(seed, item_id), store and state levels from their ids), so output is bitwise identical
// for any thread count and for any store subset.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/status.h"

namespace retailcast::synth {

// Names of the exogenous columns Generate adds when SynthOptions::exog is set.
inline constexpr const char* kPriceColumn = "price";              // selling price, cents exact
inline constexpr const char* kPromoColumn = "promo";              // 1 = promotion week
inline constexpr const char* kHolidayColumn = "holiday";          // 1 = a holiday in the period
inline constexpr const char* kTemperatureColumn = "temperature";  // state mean, deg C, 0.1 steps

struct SynthOptions {
  int stores = 10;            // >= 1; stores are spread round-robin over the states
  int states = 3;             // >= 1; named CA, TX, WI, then S4, S5...
  int items_per_store = 100;  // >= 1; the same items in every store, spread over the 7 M5
                              // departments in M5 proportions
  int64_t periods = 730;      // >= 1; length of the calendar in periods of `freq`
  Date start = Date::FromYmd(2011, 1, 29);  // first period (M5's d_1)
  Frequency freq = Frequency::Daily();      // daily; weekly/monthly... scale rates by days
  uint64_t seed = 42;
  double intermittent_share = 0.6;  // in [0, 1]: share of series with intermittent demand
  double late_start_share = 0.2;    // in [0, 1]: share of series that start after `start`
                                    // (up to half the calendar later)
  double promo_share = 0.05;        // in [0, 1]: share of weeks a series is on promotion
  bool exog = true;                 // add price, promo, holiday, temperature columns
  // Generate only these stores (ids like "CA_1"); empty = all. The values of a store do not
  // depend on which other stores are generated.
  std::vector<std::string> only_stores;
  int threads = 0;  // worker threads; <= 0 means ThreadPool::DefaultThreadCount()
};

// InvalidArgument naming the field, the value and the valid range; for an unknown store in
// only_stores it lists the valid store ids.
Status ValidateOptions(const SynthOptions& options);

// The store ids of `options` in output order ("CA_1", "CA_2", ..., "TX_1", ...), all stores
// regardless of only_stores.
std::vector<std::string> StoreIds(const SynthOptions& options);

// Builds the panel in memory: series in store order, then item order (as in M5's
// sales_train). Memory is periods * series * 8 bytes per column (5 columns with exog); use
// WriteLongCsv for M5-size output. Errors: those of ValidateOptions.
Result<Panel> Generate(const SynthOptions& options);

struct WriteStats {
  int64_t series = 0;
  int64_t rows = 0;   // data rows (header excluded)
  int64_t bytes = 0;  // file size
};

struct LongCsvOptions {
  bool include_exog = false;  // add price,promo,holiday,temperature columns
};

// Streams `unique_id,ds,y[,price,promo,holiday,temperature]` rows, series by series, without
// building the panel: blocks of series are generated and formatted in parallel, then written
// in order, through a temporary file in the same directory renamed over `path` at the end
// (readers never see a partial file). Same rows as Generate (series start at their own
// date). Errors: those of ValidateOptions; IoError naming the path and the OS error.
Result<WriteStats> WriteLongCsv(const SynthOptions& options, const std::string& path,
                                const LongCsvOptions& csv = {});

struct TransactionOptions {
  // Stores whose sales are split into customer transactions; empty = the first store.
  std::vector<std::string> stores;
  int customers_per_store = 2000;  // >= 1; customer ids "CA_1-C000123"; visit frequencies
                                   // are skewed (a few loyal customers buy often)
  double mean_extra_units = 0.4;   // >= 0; a line has 1 + Poisson(mean) units (capped by the
                                   // day's remaining units)
};

// Writes `date,store_id,item_id,customer_id,quantity,price` lines, date by date, for the
// chosen stores: for every (date, store, item) the quantities add up to the panel's units
// (Generate with the same options), and price is that day's price. Atomic like WriteLongCsv.
// Errors: ValidateOptions', InvalidArgument for bad transaction options or an unknown store,
// IoError.
Result<WriteStats> WriteTransactionsCsv(const SynthOptions& options, const std::string& path,
                                        const TransactionOptions& tx = {});

// Writes M5's wide layout into directory `dir` (which must exist): sales_train.csv (id =
// "<series id>_evaluation", item_id, dept_id, cat_id, store_id, state_id, d_1..d_n; late
// starters have leading zeros as in M5), calendar.csv (date, wm_yr_wk, weekday, wday, month,
// year, d, event_name_1, event_type_1, event_name_2, event_type_2, snap_<state>...) and
// sell_prices.csv (store_id, item_id, wm_yr_wk, sell_price for the weeks an item is on
// sale). Requires daily frequency (InvalidArgument otherwise); IoError on write failure.
Status WriteM5Csv(const SynthOptions& options, const std::string& dir);

}  // namespace retailcast::synth
