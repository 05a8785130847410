#include "retailcast/pipeline/input.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "pipeline/text.h"
#include "retailcast/io/file_hash.h"
#include "retailcast/io/long_csv.h"
#include "retailcast/io/m5_reader.h"
#include "retailcast/io/transactions_csv.h"
#include "retailcast/prep/aggregate.h"
#include "retailcast/prep/fill_gaps.h"
#include "retailcast/prep/outliers.h"

namespace retailcast::pipeline {
namespace {

using internal::Join;
using internal::Printf;

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

const Option<InputSpec> kInputOptions[] = {
    {"path", "--input,-i", "Input file (for --format m5: the sales_train CSV)", &InputSpec::path},
    {"format",
     "--format",
     "Input layout: long, transactions or m5",
     &InputSpec::format,
     {"long", "transactions", "m5"}},
    {"id_columns", "--id-columns",
     "Column(s) forming the series id, joined by '/' (long) or the aggregation key "
     "(transactions)",
     &InputSpec::id_columns},
    {"series_id", "--series-id", "Long: the file holds one series (e.g. ds,y), give it this id",
     &InputSpec::series_id},
    {"date_column", "--date-column", "Date column", &InputSpec::date_column},
    {"target_column", "--target-column", "Target (sales) column of a long file",
     &InputSpec::target_column},
    {"date_format", "--date-format",
     "iso, dd-mm-yyyy, dd/mm/yyyy, m/d/yyyy, yyyy/mm/dd or yyyymmdd (default: detect)",
     &InputSpec::date_format},
    {"freq", "--freq", "Frequency D, W-MON..W-SUN, MS, QS, YS (default: inferred; transactions: D)",
     &InputSpec::freq},
    {"exog_columns", "--exog", "Exogenous numeric columns ('*' = every other numeric column)",
     &InputSpec::exog},
    {"flag_columns", "--flags", "Exogenous TRUE/FALSE columns", &InputSpec::flags},
    {"attributes", "--attributes", "Static attribute columns (store, dept...)",
     &InputSpec::attributes},
    {"duplicates",
     "--duplicates",
     "Duplicated (series, date) keys: error, sum or last",
     &InputSpec::duplicates,
     {"error", "sum", "last"}},
    {"negatives",
     "--negatives",
     "Negative sales (returns): keep (with a warning), error or clip (to zero)",
     &InputSpec::negatives,
     {"keep", "error", "clip"}},
    {"on_error",
     "--on-error",
     "fail: any bad row fails the run (default); skip: load the rest, report the rejects",
     &InputSpec::on_error,
     {"fail", "skip"}},
    {"rejects", "--rejects", "With --on-error=skip: CSV file for the rejected rows",
     &InputSpec::rejects},
    {"delimiter", "--delimiter", "Field delimiter (one character, or 'tab')",
     &InputSpec::delimiter},
    {"quantity_column", "--quantity-column", "Transactions: units column",
     &InputSpec::quantity_column},
    {"price_column", "--price-column", "Transactions: unit price column", &InputSpec::price_column},
    {"revenue_column", "--revenue-column", "Transactions: line revenue column",
     &InputSpec::revenue_column},
    {"customer_column", "--customer-column",
     "Transactions: customer id column (adds a 'customers' count)", &InputSpec::customer_column},
    {"calendar", "--calendar", "M5: calendar.csv", &InputSpec::calendar},
    {"prices", "--prices", "M5: sell_prices.csv", &InputSpec::prices},
};

const Option<PrepOptions> kPrepOptions[] = {
    {"aggregate_freq", "--aggregate-freq",
     "Sum the series to a coarser frequency after loading (W-SUN, MS, QS, YS...)",
     &PrepOptions::aggregate_freq},
    {"group_by", "--group-by",
     "Sum series sharing these attributes (a hierarchy level, e.g. store_id or dept_id; "
     "'total' = everything)",
     &PrepOptions::group_by},
    {"fill",
     "--fill",
     "Fill gaps: missing (keep NaN), zero, linear or seasonal",
     &PrepOptions::fill,
     {"missing", "zero", "linear", "seasonal"}},
    {"outliers",
     "--outliers",
     "flag: report outliers (robust seasonal-median + MAD); clean: also replace them",
     &PrepOptions::outliers,
     {"flag", "clean"}},
};

}  // namespace

OptionTable<InputSpec> InputOptionTable() { return kInputOptions; }
OptionTable<PrepOptions> PrepOptionTable() { return kPrepOptions; }

Result<io::LoadedPanel> ReadInput(const InputSpec& in) {
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
  } else {
    return Status::InvalidArgument("unknown --format '" + in.format +
                                   "'; expected long, transactions or m5");
  }
  if (!loaded.ok()) return loaded.status();
  if (loaded->report.error_count > 0 && !in.rejects.empty()) {
    RETAILCAST_RETURN_IF_ERROR(loaded->report.WriteRejectsCsv(in.rejects));
  }
  return loaded;
}

Result<std::string> InputHash(const InputSpec& in) {
  RETAILCAST_ASSIGN_OR_RETURN(std::string hash, io::HashFile(in.path));
  if (in.format == "m5") {
    // M5 input is three files.
    for (const std::string* extra : {&in.calendar, &in.prices}) {
      if (extra->empty()) continue;
      RETAILCAST_ASSIGN_OR_RETURN(std::string h, io::HashFile(*extra));
      hash += "+" + h;
    }
  }
  return hash;
}

Result<PrepReport> Prepare(const PrepOptions& prep, Panel* panel) {
  PrepReport report;
  if (!prep.aggregate_freq.empty()) {
    prep::TemporalAggOptions o;
    RETAILCAST_ASSIGN_OR_RETURN(o.target, Frequency::Parse(prep.aggregate_freq));
    RETAILCAST_ASSIGN_OR_RETURN(prep::TemporalAggregate agg, prep::AggregateTime(*panel, o));
    report.lines.push_back(Printf("aggregated to %s: %zu series; %lld partial periods dropped",
                                  o.target.ToString().c_str(), agg.panel.num_series(),
                                  static_cast<long long>(agg.partial_periods)));
    if (!agg.dropped_series.empty()) {
      report.lines.push_back(Printf(
          "%zu series cover no complete %s period and were left out (first: %s)",
          agg.dropped_series.size(), o.target.ToString().c_str(), agg.dropped_series[0].c_str()));
    }
    *panel = std::move(agg.panel);
  }
  if (!prep.group_by.empty()) {
    std::vector<std::string> keys = prep.group_by;
    if (keys.size() == 1 && keys[0] == "total") keys.clear();
    RETAILCAST_ASSIGN_OR_RETURN(*panel, prep::AggregateHierarchy(*panel, keys));
    report.lines.push_back(Printf("summed to %zu series by %s", panel->num_series(),
                                  keys.empty() ? "total" : Join(keys).c_str()));
  }
  if (!prep.fill.empty()) {
    prep::FillOptions o;
    RETAILCAST_ASSIGN_OR_RETURN(o.method, prep::ParseFillMethod(prep.fill));
    RETAILCAST_ASSIGN_OR_RETURN(prep::FillReport r, prep::FillGaps(*panel, o));
    report.lines.push_back(Printf("filled %lld missing values (%s)",
                                  static_cast<long long>(r.total_filled), prep.fill.c_str()));
  }
  if (!prep.outliers.empty()) {
    if (prep.outliers != "flag" && prep.outliers != "clean") {
      return Status::InvalidArgument("outliers must be flag or clean, got '" + prep.outliers + "'");
    }
    RETAILCAST_ASSIGN_OR_RETURN(prep::OutlierReport r, prep::DetectOutliers(*panel));
    report.lines.push_back(Printf("%zu outliers flagged", r.outliers.size()));
    for (size_t k = 0; k < r.outliers.size() && k < 10; ++k) {
      const auto& o = r.outliers[k];
      report.lines.push_back(Printf("  %s %s: %g (expected %g, score %.1f)", o.id.c_str(),
                                    o.date.ToString().c_str(), o.value, o.expected, o.score));
    }
    if (prep.outliers == "clean") {
      RETAILCAST_ASSIGN_OR_RETURN(int64_t cleaned,
                                  prep::CleanOutliers(*panel, r, prep::CleanMethod::kExpected));
      report.lines.push_back(Printf("replaced %lld outliers by their expected values",
                                    static_cast<long long>(cleaned)));
    }
  }
  return report;
}

Result<io::LoadedPanel> ReadFuture(const InputSpec& in, const std::string& path,
                                   const Frequency& freq, std::vector<std::string> exog) {
  InputSpec f = in;
  f.path = path;
  f.format = "long";
  f.target_column.clear();
  f.freq = freq.ToString();
  f.exog = std::move(exog);
  f.flags.clear();
  f.attributes.clear();
  f.rejects.clear();
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
  return loaded;
}

}  // namespace retailcast::pipeline
