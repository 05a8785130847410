// Tests' loader of the public datasets in ../shared/data (beside the repository, where CI has
// them): one call per dataset with the reader options its quirks need (date formats, CR-only
// files, joins, duplicates...). Not part of the product: a user's data comes through the
// readers of the io module, described on the command line or in a config file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "retailcast/io/ingest_report.h"

namespace retailcast::test_data {

using io::LoadedPanel;

struct SharedDatasetInfo {
  std::string name;
  std::string description;  // one line: series, frequency, exogenous columns
};

// Every name LoadSharedDataset accepts, in a fixed order.
std::vector<SharedDatasetInfo> ListSharedDatasets();

// Loads dataset `name` from `shared_data_dir` (the directory holding walmart_store_sales/,
// m5_subset/, ...). InvalidArgument for an unknown name (listing the valid ones), NotFound
// when its files are absent, DataError if a file does not parse.
//   walmart_store_sales  45 weekly (W-FRI) store series, exog Holiday_Flag, Temperature,
//                        Fuel_Price, CPI, Unemployment
//   walmart_recruiting   3,331 weekly Store/Dept series ("1/7"), exog IsHoliday and the
//                        features.csv columns joined on Store+Date, attributes Store, Dept and
//                        stores.csv Type, Size
//   m5_subset            290 daily M5 series (tiny + HOBBIES_1_001 evaluation train; the test
//                        file is ground truth and is not loaded), exog sell_price, snap, events
//   superstore           order lines aggregated weekly (W-SUN) by Category: y units, exog
//                        revenue, lines, customers
//   rossmann_subset      100 daily store series, y Sales, exog Customers, Open, Promo,
//                        SchoolHoliday, StateHoliday (0/1); the 6 duplicated rows are merged
//                        (last kept) with a warning
//   prophet_examples     the 5 daily Prophet example files, one series each (id = file stem)
//   prophet_examples_monthly  the 2 monthly ones (air passengers, retail sales)
Result<LoadedPanel> LoadSharedDataset(std::string_view name, const std::string& shared_data_dir);

}  // namespace retailcast::test_data
