#include "shared_datasets.h"

#include <cmath>
#include <filesystem>
#include <map>

#include "retailcast/io/csv.h"
#include "retailcast/io/long_csv.h"
#include "retailcast/io/m5_reader.h"
#include "retailcast/io/transactions_csv.h"

namespace retailcast::test_data {

using namespace retailcast::io;  // NOLINT(google-build-using-namespace): a test helper's .cc
namespace {

std::string Join(const std::string& dir, std::string_view a, std::string_view b) {
  return dir + "/" + std::string(a) + "/" + std::string(b);
}

Result<LoadedPanel> WalmartStoreSales(const std::string& dir) {
  LongCsvOptions o;
  o.id_columns = {"Store"};
  o.date_column = "Date";
  o.value_column = "Weekly_Sales";
  o.date_format = DateFormat::kDmyDash;
  o.freq = Frequency::Weekly(Weekday::kFriday);
  o.exog_columns = {{"Holiday_Flag", ValueKind::kFlag},
                    {"Temperature", ValueKind::kNumber},
                    {"Fuel_Price", ValueKind::kNumber},
                    {"CPI", ValueKind::kNumber},
                    {"Unemployment", ValueKind::kNumber}};
  return ReadLongCsv(Join(dir, "walmart_store_sales", "Walmart_Store_sales.csv"), o);
}

Result<LoadedPanel> WalmartRecruiting(const std::string& dir) {
  const Frequency freq = Frequency::Weekly(Weekday::kFriday);
  LongCsvOptions train;
  train.id_columns = {"Store", "Dept"};
  train.date_column = "Date";
  train.value_column = "Weekly_Sales";
  train.date_format = DateFormat::kIso;
  train.freq = freq;
  train.exog_columns = {{"IsHoliday", ValueKind::kFlag}};
  train.attribute_columns = {"Store", "Dept"};
  RETAILCAST_ASSIGN_OR_RETURN(LoadedPanel sales,
                              ReadLongCsv(Join(dir, "walmart_recruiting", "train.csv"), train));

  // features.csv is per store and week; read it as a panel keyed by Store (Temperature as the
  // "target" only to reuse the reader) and join it on Store + Date.
  static const std::vector<std::string> kFeatures = {"Fuel_Price", "MarkDown1",   "MarkDown2",
                                                     "MarkDown3",  "MarkDown4",   "MarkDown5",
                                                     "CPI",        "Unemployment"};
  LongCsvOptions feat;
  feat.id_columns = {"Store"};
  feat.date_column = "Date";
  feat.value_column = "Temperature";
  feat.date_format = DateFormat::kIso;
  feat.freq = freq;
  for (const std::string& f : kFeatures) feat.exog_columns.push_back({f, ValueKind::kNumber});
  RETAILCAST_ASSIGN_OR_RETURN(LoadedPanel features,
                              ReadLongCsv(Join(dir, "walmart_recruiting", "features.csv"), feat));

  // stores.csv (CR-only line endings): Store -> Type, Size.
  const std::string stores_path = Join(dir, "walmart_recruiting", "stores.csv");
  RETAILCAST_ASSIGN_OR_RETURN(CsvFile stores_file, CsvFile::Open(stores_path));
  CsvReader sr(stores_file, {});
  RETAILCAST_RETURN_IF_ERROR(sr.ReadHeader());
  const int s_idx = sr.FindColumn("Store"), t_idx = sr.FindColumn("Type"),
            z_idx = sr.FindColumn("Size");
  if (s_idx < 0 || t_idx < 0 || z_idx < 0) {
    return Status::DataError(stores_path + ": expected the columns Store, Type and Size");
  }
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> stores;
  CsvRecord rec;
  while (sr.Next(&rec)) {
    if (!rec.error.empty() || rec.fields.size() != sr.header().size()) {
      return Status::DataError(stores_path + ":" + std::to_string(rec.line) +
                               ": malformed row (raw: '" + std::string(rec.raw) + "')");
    }
    stores[std::string(rec.fields[static_cast<size_t>(s_idx)])] = {
        std::string(rec.fields[static_cast<size_t>(t_idx)]),
        std::string(rec.fields[static_cast<size_t>(z_idx)])};
  }

  LoadedPanel out;
  out.report = std::move(sales.report);
  // Temperature is the features' "target" only for reading: its negative values are not
  // negative sales, so leave them out of the merged report.
  features.report.negative_values = 0;
  std::erase_if(features.report.warnings,
                [](const std::string& w) { return w.find("negative") != std::string::npos; });
  out.report.Merge(features.report);
  Panel& p = out.panel;
  p.set_freq(freq);
  RETAILCAST_RETURN_IF_ERROR(p.SetAttributeNames({"Store", "Dept", "Type", "Size"}));
  std::vector<std::string> exog = {"IsHoliday", "Temperature"};
  exog.insert(exog.end(), kFeatures.begin(), kFeatures.end());
  for (const std::string& e : exog) RETAILCAST_RETURN_IF_ERROR(p.AddExogColumn(e).status());
  const Panel& sp = sales.panel;
  const Panel& fp = features.panel;
  fp.BuildIdIndex();
  p.Reserve(sp.num_series(), sp.num_values());
  size_t missing_store = 0;
  for (size_t i = 0; i < sp.num_series(); ++i) {
    std::string_view store = sp.attribute(0, i);
    auto st = stores.find(store);
    std::string_view type =
        st == stores.end() ? std::string_view() : std::string_view(st->second.first);
    std::string_view size =
        st == stores.end() ? std::string_view() : std::string_view(st->second.second);
    if (st == stores.end()) ++missing_store;
    std::string_view attrs[] = {store, sp.attribute(1, i), type, size};
    size_t pi = p.AddSeries(sp.id(i), sp.start(i), sp.values(i), attrs);
    std::copy(sp.exog(0, i).begin(), sp.exog(0, i).end(), p.mutable_exog(0, pi).begin());
    std::optional<size_t> f = fp.Find(store);
    if (!f) continue;
    auto offset = freq.StepsBetween(fp.start(*f), sp.start(i));
    if (!offset.ok()) continue;
    for (int64_t t = 0; t < sp.length(i); ++t) {
      int64_t ft = *offset + t;
      if (ft < 0 || ft >= fp.length(*f)) continue;
      p.mutable_exog(1, pi)[static_cast<size_t>(t)] = fp.values(*f)[static_cast<size_t>(ft)];
      for (size_t k = 0; k < kFeatures.size(); ++k) {
        p.mutable_exog(2 + k, pi)[static_cast<size_t>(t)] = fp.exog(k, *f)[static_cast<size_t>(ft)];
      }
    }
  }
  if (missing_store > 0) {
    out.report.AddWarning(std::to_string(missing_store) +
                          " series have a Store missing from stores.csv");
  }
  return out;
}

Result<LoadedPanel> M5Subset(const std::string& dir) {
  M5Options o;
  o.sales_paths = {Join(dir, "m5_subset", "sales_train_validation_tiny.csv"),
                   Join(dir, "m5_subset", "sales_train_evaluation_HOBBIES_1_001.csv")};
  o.calendar_path = Join(dir, "m5_subset", "calendar.csv");
  o.prices_path = Join(dir, "m5_subset", "sell_prices.csv");
  return ReadM5(o);
}

Result<LoadedPanel> Superstore(const std::string& dir) {
  TransactionsOptions o;
  o.date_column = "Order Date";
  o.date_format = DateFormat::kMdySlash;
  o.key_columns = {"Category"};
  o.freq = Frequency::Weekly(Weekday::kSunday);
  o.quantity_column = "Quantity";
  o.revenue_column = "Sales";
  o.customer_column = "Customer ID";
  return ReadTransactionsCsv(Join(dir, "superstore", "Sample - Superstore.csv"), o);
}

Result<LoadedPanel> Rossmann(const std::string& dir) {
  LongCsvOptions o;
  o.id_columns = {"Store"};
  o.date_column = "Date";
  o.value_column = "Sales";
  o.date_format = DateFormat::kIso;
  o.freq = Frequency::Daily();
  o.exog_columns = {{"Customers", ValueKind::kNumber},
                    {"Open", ValueKind::kFlag},
                    {"Promo", ValueKind::kFlag},
                    {"SchoolHoliday", ValueKind::kFlag},
                    {"StateHoliday", ValueKind::kIndicator}};
  // SOURCE.md: 6 exact duplicate rows were injected; keep one of each (reported).
  o.on_duplicate = DuplicatePolicy::kLast;
  return ReadLongCsv(Join(dir, "rossmann_subset", "rossmann_train_subset.csv"), o);
}

Result<LoadedPanel> ProphetExamples(const std::string& dir, const std::vector<std::string>& stems,
                                    Frequency freq) {
  LoadedPanel out;
  out.panel.set_freq(freq);
  std::vector<LoadedPanel> parts;
  for (const std::string& stem : stems) {
    LongCsvOptions o;
    o.fixed_id = stem;
    o.freq = freq;
    o.date_format = DateFormat::kIso;
    RETAILCAST_ASSIGN_OR_RETURN(LoadedPanel part,
                                ReadLongCsv(Join(dir, "prophet_examples", stem + ".csv"), o));
    parts.push_back(std::move(part));
  }
  // Stems are given in byte order, so the series stay sorted by id.
  size_t values = 0;
  for (const LoadedPanel& part : parts) values += part.panel.num_values();
  out.panel.Reserve(parts.size(), values);
  for (size_t i = 0; i < parts.size(); ++i) {
    const Panel& p = parts[i].panel;
    for (size_t s = 0; s < p.num_series(); ++s)
      out.panel.AddSeries(p.id(s), p.start(s), p.values(s));
    if (i == 0) {
      out.report = std::move(parts[i].report);
    } else {
      out.report.Merge(parts[i].report);
    }
  }
  return out;
}

}  // namespace

std::vector<SharedDatasetInfo> ListSharedDatasets() {
  return {
      {"walmart_store_sales",
       "45 weekly (W-FRI) Walmart store series with holiday flag, temperature, fuel price, CPI, "
       "unemployment"},
      {"walmart_recruiting",
       "3,331 weekly Walmart store/department series with features.csv markdowns and stores.csv "
       "type/size"},
      {"m5_subset", "290 daily M5 item/store series with sell price, SNAP and event flags"},
      {"superstore",
       "Superstore order lines aggregated weekly (W-SUN) by Category: units, revenue, lines, "
       "customers"},
      {"rossmann_subset",
       "100 daily Rossmann store series with customers, open, promo, school and state holidays"},
      {"prophet_examples",
       "the 5 daily Prophet example series (Wikipedia page views, pedestrians)"},
      {"prophet_examples_monthly",
       "the 2 monthly Prophet example series (air passengers, US retail sales)"},
  };
}

Result<LoadedPanel> LoadSharedDataset(std::string_view name, const std::string& shared_data_dir) {
  const std::string& d = shared_data_dir;
  bool known = false;
  for (const SharedDatasetInfo& info : ListSharedDatasets()) known = known || info.name == name;
  if (!known) {
    std::string names;
    for (const SharedDatasetInfo& info : ListSharedDatasets())
      names += (names.empty() ? "" : ", ") + info.name;
    return Status::InvalidArgument("unknown dataset '" + std::string(name) + "'; expected one of " +
                                   names);
  }
  if (!std::filesystem::is_directory(d)) {
    return Status::NotFound("shared data directory '" + d + "' does not exist");
  }
  Result<LoadedPanel> r = Status::Internal("unreachable");
  if (name == "walmart_store_sales") r = WalmartStoreSales(d);
  if (name == "walmart_recruiting") r = WalmartRecruiting(d);
  if (name == "m5_subset") r = M5Subset(d);
  if (name == "superstore") r = Superstore(d);
  if (name == "rossmann_subset") r = Rossmann(d);
  if (name == "prophet_examples") {
    r = ProphetExamples(
        d,
        {"example_pedestrians_covid", "example_wp_log_R", "example_wp_log_R_outliers1",
         "example_wp_log_R_outliers2", "example_wp_log_peyton_manning"},
        Frequency::Daily());
  }
  if (name == "prophet_examples_monthly") {
    r = ProphetExamples(d, {"example_air_passengers", "example_retail_sales"},
                        Frequency::Monthly());
  }
  if (!r.ok()) return r.status().WithContext("loading dataset '" + std::string(name) + "'");
  return r;
}

}  // namespace retailcast::test_data
