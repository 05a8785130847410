#include "cli_common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "progress_bar.h"
#include "retailcast/catalog/catalog.h"
#include "retailcast/io/datasets.h"
#include "retailcast/io/long_csv.h"
#include "retailcast/io/m5_reader.h"
#include "retailcast/io/transactions_csv.h"
#include "retailcast/prep/aggregate.h"
#include "retailcast/prep/fill_gaps.h"
#include "retailcast/prep/outliers.h"

namespace retailcast::cli {
namespace {

std::vector<io::ColumnSpec> ColumnSpecs(const std::vector<std::string>& numbers,
                                        const std::vector<std::string>& flags) {
  std::vector<io::ColumnSpec> out;
  for (const auto& n : numbers) {
    if (n != "*") out.push_back({n, io::ValueKind::kNumber});
  }
  for (const auto& f : flags) out.push_back({f, io::ValueKind::kFlag});
  return out;
}

Result<char> Delimiter(const std::string& text) {
  if (text == "\\t" || text == "tab") return '\t';
  if (text.size() != 1) {
    return Status::InvalidArgument("--delimiter must be one character (or 'tab'), got '" + text +
                                   "'");
  }
  return text[0];
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

void PrintReport(const io::IngestReport& report) {
  std::string text = report.Summary();
  if (!text.empty() && text.back() != '\n') text += '\n';
  std::fprintf(stderr, "%s", text.c_str());
}

}  // namespace

void AddInputOptions(CLI::App* cmd, InputOptions* in) {
  cmd->add_option("--input,-i", in->path, "Input file (for --format m5: the sales_train CSV)");
  std::string shared_names;
  for (const auto& d : io::ListSharedDatasets())
    shared_names += (shared_names.empty() ? "" : ", ") + d.name;
  cmd->add_option("--format", in->format,
                  "Input layout: long, transactions, m5, or shared (a dataset of ../shared/data by "
                  "--shared-name; --input is then the data directory)")
      ->check(CLI::IsMember({"long", "transactions", "m5", "shared"}));
  cmd->add_option("--shared-name", in->shared_name, "With --format shared: " + shared_names);
  cmd->add_option("--id-columns", in->id_columns,
                  "Column(s) forming the series id, joined by '/' (long) or the aggregation key "
                  "(transactions)")
      ->delimiter(',');
  cmd->add_option("--series-id", in->series_id,
                  "Long: the file holds one series (e.g. ds,y), give it this id");
  cmd->add_option("--date-column", in->date_column, "Date column");
  cmd->add_option("--target-column", in->target_column, "Target (sales) column of a long file");
  cmd->add_option(
      "--date-format", in->date_format,
      "iso, dd-mm-yyyy, dd/mm/yyyy, m/d/yyyy, yyyy/mm/dd or yyyymmdd (default: detect)");
  cmd->add_option("--freq", in->freq,
                  "Frequency D, W-MON..W-SUN, MS, QS, YS (default: inferred; transactions: D)");
  cmd->add_option("--exog", in->exog,
                  "Exogenous numeric columns ('*' = every other numeric column)")
      ->delimiter(',');
  cmd->add_option("--flags", in->flags, "Exogenous TRUE/FALSE columns")->delimiter(',');
  cmd->add_option("--attributes", in->attributes, "Static attribute columns (store, dept...)")
      ->delimiter(',');
  cmd->add_option("--duplicates", in->duplicates,
                  "Duplicated (series, date) keys: error, sum or last")
      ->check(CLI::IsMember({"error", "sum", "last"}));
  cmd->add_option("--negatives", in->negatives,
                  "Negative sales (returns): keep (with a warning), error or clip (to zero)")
      ->check(CLI::IsMember({"keep", "error", "clip"}));
  cmd->add_option(
         "--on-error", in->on_error,
         "fail: any bad row fails the run (default); skip: load the rest, report the rejects")
      ->check(CLI::IsMember({"fail", "skip"}));
  cmd->add_option("--rejects", in->rejects, "With --on-error=skip: CSV file for the rejected rows");
  cmd->add_option("--delimiter", in->delimiter, "Field delimiter (one character, or 'tab')");
  cmd->add_option("--quantity-column", in->quantity_column, "Transactions: units column");
  cmd->add_option("--price-column", in->price_column, "Transactions: unit price column");
  cmd->add_option("--revenue-column", in->revenue_column, "Transactions: line revenue column");
  cmd->add_option("--customer-column", in->customer_column,
                  "Transactions: customer id column (adds a 'customers' count)");
  cmd->add_option("--aggregate-freq", in->aggregate_freq,
                  "Sum the series to a coarser frequency after loading (W-SUN, MS, QS, YS...)");
  cmd->add_option(
         "--group-by", in->group_by,
         "Sum series sharing these attributes (a hierarchy level, e.g. store_id or dept_id; "
         "'total' = everything)")
      ->delimiter(',');
  cmd->add_option("--fill", in->fill, "Fill gaps: missing (keep NaN), zero, linear or seasonal")
      ->check(CLI::IsMember({"missing", "zero", "linear", "seasonal"}));
  cmd->add_option("--outliers", in->outliers,
                  "flag: report outliers (robust seasonal-median + MAD); clean: also replace them")
      ->check(CLI::IsMember({"flag", "clean"}));
  cmd->add_option("--calendar", in->calendar, "M5: calendar.csv");
  cmd->add_option("--prices", in->prices, "M5: sell_prices.csv");
}

void AddStoreOptions(CLI::App* cmd, InputOptions* in, bool dataset_required) {
  in->store = "retailcast.db";
  cmd->add_option("--store", in->store, "SQLite store file (created when absent)");
  auto* d = cmd->add_option("--dataset", in->dataset, "Dataset name in the store");
  if (dataset_required) d->required();
}

Status InputOptionsFromJson(const nlohmann::json& j, InputOptions* in) {
  if (!j.is_object()) return Status::InvalidArgument("config 'input' must be a JSON object");
  auto str = [&](const char* key, std::string* out) {
    if (j.contains(key)) *out = j[key].get<std::string>();
  };
  auto list = [&](const char* key, std::vector<std::string>* out) {
    if (j.contains(key)) *out = j[key].get<std::vector<std::string>>();
  };
  static const char* kKnown[] = {"path",          "format",         "shared_name",
                                 "id_columns",    "series_id",      "date_column",
                                 "target_column", "date_format",    "freq",
                                 "exog_columns",  "flag_columns",   "attributes",
                                 "duplicates",    "negatives",      "on_error",
                                 "rejects",       "delimiter",      "quantity_column",
                                 "price_column",  "revenue_column", "customer_column",
                                 "calendar",      "prices"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : kKnown) known |= it.key() == k;
    if (!known) return Status::InvalidArgument("config 'input': unknown key '" + it.key() + "'");
  }
  try {
    str("path", &in->path);
    str("format", &in->format);
    str("shared_name", &in->shared_name);
    list("id_columns", &in->id_columns);
    str("series_id", &in->series_id);
    str("date_column", &in->date_column);
    str("target_column", &in->target_column);
    str("date_format", &in->date_format);
    str("freq", &in->freq);
    list("exog_columns", &in->exog);
    list("flag_columns", &in->flags);
    list("attributes", &in->attributes);
    str("duplicates", &in->duplicates);
    str("negatives", &in->negatives);
    str("on_error", &in->on_error);
    str("rejects", &in->rejects);
    str("delimiter", &in->delimiter);
    str("quantity_column", &in->quantity_column);
    str("price_column", &in->price_column);
    str("revenue_column", &in->revenue_column);
    str("customer_column", &in->customer_column);
    str("calendar", &in->calendar);
    str("prices", &in->prices);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("config 'input': ") + e.what());
  }
  return Status::Ok();
}

Result<io::LoadedPanel> ReadInput(const InputOptions& in) {
  if (in.path.empty()) return Status::InvalidArgument("no input file: pass --input FILE");
  RETAILCAST_ASSIGN_OR_RETURN(io::OnError on_error, io::ParseOnError(in.on_error));
  RETAILCAST_ASSIGN_OR_RETURN(char delimiter, Delimiter(in.delimiter));
  std::optional<DateFormat> date_format;
  if (!in.date_format.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(date_format, ParseDateFormatName(in.date_format));
  }
  std::optional<Frequency> freq;
  if (!in.freq.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(freq, Frequency::Parse(in.freq));
  }
  Result<io::LoadedPanel> loaded = Status::Internal("unread");
  if (in.format == "long") {
    io::LongCsvOptions o;
    o.csv.delimiter = delimiter;
    o.id_columns = in.id_columns;
    if (!in.series_id.empty()) o.fixed_id = in.series_id;
    o.date_column = in.date_column;
    o.value_column = in.target_column;
    o.date_format = date_format;
    o.freq = freq;
    o.exog_columns = ColumnSpecs(in.exog, in.flags);
    o.all_numeric_exog = std::find(in.exog.begin(), in.exog.end(), "*") != in.exog.end();
    o.attribute_columns = in.attributes;
    RETAILCAST_ASSIGN_OR_RETURN(o.on_duplicate, io::ParseDuplicatePolicy(in.duplicates));
    RETAILCAST_ASSIGN_OR_RETURN(o.on_negative, io::ParseNegativePolicy(in.negatives));
    o.on_error = on_error;
    loaded = io::ReadLongCsv(in.path, o);
  } else if (in.format == "transactions") {
    io::TransactionsOptions o;
    o.csv.delimiter = delimiter;
    o.date_column = in.date_column;
    o.date_format = date_format;
    o.key_columns = in.id_columns;
    o.freq = freq.value_or(Frequency::Daily());
    o.quantity_column = in.quantity_column;
    o.price_column = in.price_column;
    o.revenue_column = in.revenue_column;
    o.customer_column = in.customer_column;
    o.on_error = on_error;
    loaded = io::ReadTransactionsCsv(in.path, o);
  } else if (in.format == "m5") {
    io::M5Options o;
    o.sales_paths = {in.path};
    o.calendar_path = in.calendar;
    o.prices_path = in.prices;
    o.on_error = on_error;
    if (o.calendar_path.empty()) {
      return Status::InvalidArgument(
          "--format m5 needs --calendar calendar.csv (and --prices sell_prices.csv)");
    }
    loaded = io::ReadM5(o);
  } else if (in.format == "shared") {
    if (in.shared_name.empty())
      return Status::InvalidArgument("--format shared needs --shared-name NAME");
    loaded = io::LoadSharedDataset(in.shared_name, in.path);
  } else {
    return Status::InvalidArgument("unknown --format '" + in.format +
                                   "'; expected long, transactions, m5 or shared");
  }
  if (!loaded.ok()) return loaded.status();
  PrintReport(loaded->report);
  if (loaded->report.error_count > 0 && !in.rejects.empty()) {
    RETAILCAST_RETURN_IF_ERROR(loaded->report.WriteRejectsCsv(in.rejects));
    std::fprintf(stderr, "rejected rows written to %s\n", in.rejects.c_str());
  } else if (loaded->report.error_count > 0) {
    std::fprintf(stderr, "%lld rows rejected; pass --rejects FILE to save them\n",
                 static_cast<long long>(loaded->report.error_count));
  }
  return loaded;
}

Status Preprocess(const InputOptions& in, Panel* panel) {
  if (!in.aggregate_freq.empty()) {
    prep::TemporalAggOptions o;
    RETAILCAST_ASSIGN_OR_RETURN(o.target, Frequency::Parse(in.aggregate_freq));
    RETAILCAST_ASSIGN_OR_RETURN(prep::TemporalAggregate agg, prep::AggregateTime(*panel, o));
    std::fprintf(stderr, "aggregated to %s: %zu series; %lld partial periods dropped\n",
                 o.target.ToString().c_str(), agg.panel.num_series(),
                 static_cast<long long>(agg.partial_periods));
    if (!agg.dropped_series.empty()) {
      std::fprintf(stderr, "%zu series cover no complete %s period and were left out (first: %s)\n",
                   agg.dropped_series.size(), o.target.ToString().c_str(),
                   agg.dropped_series[0].c_str());
    }
    *panel = std::move(agg.panel);
  }
  if (!in.group_by.empty()) {
    std::vector<std::string> keys = in.group_by;
    if (keys.size() == 1 && keys[0] == "total") keys.clear();
    RETAILCAST_ASSIGN_OR_RETURN(*panel, prep::AggregateHierarchy(*panel, keys));
    std::fprintf(stderr, "summed to %zu series by %s\n", panel->num_series(),
                 keys.empty() ? "total" : Join(keys).c_str());
  }
  if (!in.fill.empty()) {
    prep::FillOptions o;
    RETAILCAST_ASSIGN_OR_RETURN(o.method, prep::ParseFillMethod(in.fill));
    RETAILCAST_ASSIGN_OR_RETURN(prep::FillReport r, prep::FillGaps(*panel, o));
    std::fprintf(stderr, "filled %lld missing values (%s)\n",
                 static_cast<long long>(r.total_filled), in.fill.c_str());
  }
  if (!in.outliers.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(prep::OutlierReport r, prep::DetectOutliers(*panel));
    std::fprintf(stderr, "%zu outliers flagged\n", r.outliers.size());
    for (size_t k = 0; k < r.outliers.size() && k < 10; ++k) {
      const auto& o = r.outliers[k];
      std::fprintf(stderr, "  %s %s: %g (expected %g, score %.1f)\n", o.id.c_str(),
                   o.date.ToString().c_str(), o.value, o.expected, o.score);
    }
    if (in.outliers == "clean") {
      RETAILCAST_ASSIGN_OR_RETURN(int64_t cleaned,
                                  prep::CleanOutliers(*panel, r, prep::CleanMethod::kExpected));
      std::fprintf(stderr, "replaced %lld outliers by their expected values\n",
                   static_cast<long long>(cleaned));
    }
  }
  return Status::Ok();
}

Result<Panel> LoadPanelForCommand(const InputOptions& in) {
  Panel panel;
  if (!in.path.empty()) {
    RETAILCAST_ASSIGN_OR_RETURN(io::LoadedPanel loaded, ReadInput(in));
    panel = std::move(loaded.panel);
  } else if (in.dataset.empty()) {
    return Status::InvalidArgument("no data: pass --input FILE, or --store DB --dataset NAME");
  } else {
    RETAILCAST_ASSIGN_OR_RETURN(auto db, OpenExistingStore(in.store));
    RETAILCAST_ASSIGN_OR_RETURN(panel, db->LoadPanel(in.dataset));
  }
  RETAILCAST_RETURN_IF_ERROR(Preprocess(in, &panel));
  return panel;
}

Result<Panel> LoadFuturePanel(const InputOptions& in, const std::string& path,
                              const Frequency& freq, std::vector<std::string> exog) {
  InputOptions f = in;
  f.path = path;
  f.format = "long";
  f.target_column.clear();
  f.freq = freq.ToString();
  f.exog = std::move(exog);
  f.flags.clear();
  f.attributes.clear();
  if (f.exog.empty()) {
    return Status::InvalidArgument("--future " + path +
                                   ": the training data has no exogenous columns, so there is "
                                   "nothing to read from it; name the regressors with --exog");
  }
  RETAILCAST_ASSIGN_OR_RETURN(io::LoadedPanel loaded, ReadInput(f));
  if (loaded.panel.num_exog() == 0) {
    return Status::InvalidArgument("--future " + path +
                                   " has no regressor columns besides the id and date columns");
  }
  return std::move(loaded.panel);
}

Result<std::vector<double>> ParseLevels(const std::string& text) {
  std::vector<double> out;
  size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    size_t comma = text.find(',', pos);
    std::string item =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    char* end = nullptr;
    double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size()) {
      return Status::InvalidArgument("--levels: '" + item +
                                     "' is not a number; expected e.g. 80,95");
    }
    out.push_back(v);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

Result<std::vector<eval::ModelInstance>> BuildModels(const std::string& names, int season_length,
                                                     const std::vector<std::string>& overrides) {
  const eval::OverrideWording wording{"--params", "--model"};
  std::vector<eval::ParamOverride> parsed;
  for (const std::string& item : overrides) {
    RETAILCAST_ASSIGN_OR_RETURN(eval::ParamOverride o, eval::ParseParamOverride(item, wording));
    parsed.push_back(std::move(o));
  }
  return eval::BuildModels(BuiltinRegistry(), names, season_length, parsed, wording);
}

Result<std::unique_ptr<store::Store>> OpenExistingStore(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::NotFound("store '" + path +
                            "' does not exist; create it with `retailcast ingest --store " + path +
                            " ...` or pass the right --store");
  }
  return store::Store::Open(path);
}

Result<std::string> InputHash(const InputOptions& in) {
  if (in.format == "shared") return "shared:" + in.shared_name;
  RETAILCAST_ASSIGN_OR_RETURN(std::string hash, HashFile(in.path));
  if (in.format == "m5") {
    // M5 input is three files.
    for (const std::string* extra : {&in.calendar, &in.prices}) {
      if (extra->empty()) continue;
      RETAILCAST_ASSIGN_OR_RETURN(std::string h, HashFile(*extra));
      hash += "+" + h;
    }
  }
  return hash;
}

Result<std::string> HashFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open '" + path + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Status::IoError("cannot stat '" + path + "': " + std::strerror(errno));
  }
  uint64_t h = 0xcbf29ce484222325ULL;
  std::vector<unsigned char> buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      ::close(fd);
      return Status::IoError("cannot read '" + path + "': " + std::strerror(errno));
    }
    if (n == 0) break;
    for (ssize_t i = 0; i < n; ++i) h = (h ^ buf[static_cast<size_t>(i)]) * 0x100000001b3ULL;
  }
  ::close(fd);
  char out[40];
  std::snprintf(out, sizeof out, "fnv1a64:%016llx", static_cast<unsigned long long>(h));
  return std::string(out);
}

eval::ProgressFn MakeProgress(const std::string& label, const std::string& unit,
                              std::shared_ptr<void>* keep_alive) {
  auto bar = std::make_shared<std::unique_ptr<ProgressBar>>();
  *keep_alive = bar;
  return [bar, label, unit](size_t done, size_t total) {
    if (!*bar) *bar = std::make_unique<ProgressBar>(label, total, unit);
    (*bar)->Update(done);
    if (done == total) (*bar)->Finish();
  };
}

void PrintSeriesErrors(const std::vector<eval::SeriesError>& errors, size_t max_shown) {
  if (errors.empty()) return;
  std::fprintf(stderr, "%zu (series, model) pairs have no forecast:\n", errors.size());
  for (size_t i = 0; i < errors.size() && i < max_shown; ++i) {
    std::fprintf(stderr, "  %s / %s: %s\n", errors[i].unique_id.c_str(), errors[i].model.c_str(),
                 errors[i].status.ToString().c_str());
  }
  if (errors.size() > max_shown)
    std::fprintf(stderr, "  ... and %zu more\n", errors.size() - max_shown);
}

}  // namespace retailcast::cli
