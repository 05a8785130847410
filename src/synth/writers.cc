// The synth CSV writers. They never hold the whole panel: blocks of series are simulated and
// formatted in parallel (each series into its own text chunk), then the chunks are appended
// in series order, so the file is identical for any thread count.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "generator.h"
#include "retailcast/core/thread_pool.h"
#include "retailcast/io/atomic_file.h"
#include "retailcast/synth/synth.h"

namespace retailcast::synth {
namespace {

using internal::Generator;
using OutputFile = io::AtomicFileWriter;

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Fixed-point text of v with `decimals` digits (1 or 2): the generator's prices are whole
// cents and temperatures whole tenths, so this prints them exactly and fast.
void AppendFixed(std::string& out, double v, int decimals) {
  if (std::isnan(v)) return;  // empty field
  const int64_t scale = decimals == 1 ? 10 : 100;
  int64_t scaled = std::llround(v * static_cast<double>(scale));
  if (scaled < 0) {
    out.push_back('-');
    scaled = -scaled;
  }
  AppendInt(out, scaled / scale);
  out.push_back('.');
  int64_t frac = scaled % scale;
  if (decimals == 2) out.push_back(static_cast<char>('0' + frac / 10));
  out.push_back(static_cast<char>('0' + frac % 10));
}

// Simulates series s into scratch vectors.
struct Scratch {
  std::vector<double> y, price, promo;
};
void Simulate(const Generator& g, size_t s, Scratch& sc) {
  const size_t n = static_cast<size_t>(g.length(s));
  sc.y.resize(n);
  sc.price.resize(n);
  sc.promo.resize(n);
  g.Fill(s, sc.y, sc.price, sc.promo);
}

// Runs `format(s, chunks_a[i], chunks_b[i])` for every series in blocks, in parallel, and
// appends the chunks in series order to `a` (and `b` when given).
Status RunBlocks(const Generator& g, OutputFile* a, OutputFile* b,
                 const std::function<void(size_t, std::string&, std::string&)>& format) {
  ThreadPool pool(g.options().threads);
  const size_t block = static_cast<size_t>(std::max(64, 32 * pool.size()));
  std::vector<std::string> chunks_a(block), chunks_b(block);
  for (size_t first = 0; first < g.num_series(); first += block) {
    const size_t m = std::min(block, g.num_series() - first);
    pool.ParallelFor(m, [&](size_t i) {
      chunks_a[i].clear();
      chunks_b[i].clear();
      format(first + i, chunks_a[i], chunks_b[i]);
    });
    for (size_t i = 0; i < m; ++i) {
      a->Append(chunks_a[i]);
      if (b != nullptr) b->Append(chunks_b[i]);
    }
    // Stop generating as soon as a write failed (e.g. disk full); Commit reports it too.
    RETAILCAST_RETURN_IF_ERROR(a->status());
    if (b != nullptr) RETAILCAST_RETURN_IF_ERROR(b->status());
  }
  return Status::Ok();
}

std::vector<std::string> DateStrings(const Generator& g) {
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(g.options().periods));
  for (int64_t t = 0; t < g.options().periods; ++t) out.push_back(g.date(t).ToString());
  return out;
}

// Walmart fiscal weeks as in M5's calendar (wm_yr_wk 11101 = fiscal 2011, week 1): a fiscal
// year starts on the last Saturday on or before February 1.
int64_t WalmartWeek(Date d) {
  auto year_start = [](int y) {
    Date feb1 = Date::FromYmd(y, 2, 1);
    return feb1 -
           ((static_cast<int>(feb1.weekday()) - static_cast<int>(Weekday::kSaturday) + 7) % 7);
  };
  int fy = d.year();
  if (d < year_start(fy)) --fy;
  return static_cast<int64_t>(fy - 1900) * 100 + (d - year_start(fy)) / 7 + 1;
}

// SNAP (food stamp) days of the month per state, as in M5's calendar.
bool SnapDay(size_t state, unsigned day) {
  static constexpr unsigned kTx[] = {1, 3, 5, 6, 7, 9, 11, 12, 13, 15};
  static constexpr unsigned kWi[] = {2, 3, 5, 6, 8, 9, 11, 12, 14, 15};
  if (state == 1) return std::find(std::begin(kTx), std::end(kTx), day) != std::end(kTx);
  if (state == 2) return std::find(std::begin(kWi), std::end(kWi), day) != std::end(kWi);
  return day <= 10;
}

}  // namespace

Result<WriteStats> WriteLongCsv(const SynthOptions& options, const std::string& path,
                                const LongCsvOptions& csv) {
  RETAILCAST_ASSIGN_OR_RETURN(Generator g, Generator::Create(options));
  const std::vector<std::string> dates = DateStrings(g);
  OutputFile out;
  RETAILCAST_RETURN_IF_ERROR(out.Open(path));
  out.Append(csv.include_exog ? "unique_id,ds,y,price,promo,holiday,temperature\n"
                              : "unique_id,ds,y\n");
  WriteStats stats;
  auto format = [&](size_t s, std::string& text, std::string&) {
    thread_local Scratch sc;
    Simulate(g, s, sc);
    const std::string& id = g.series_id(s);
    const size_t state = g.stores()[g.store_of(s)].state;
    text.reserve(sc.y.size() * (id.size() + (csv.include_exog ? 36 : 16)));
    for (size_t k = 0; k < sc.y.size(); ++k) {
      const int64_t t = g.offset(s) + static_cast<int64_t>(k);
      text.append(id);
      text.push_back(',');
      text.append(dates[static_cast<size_t>(t)]);
      text.push_back(',');
      AppendInt(text, static_cast<int64_t>(sc.y[k]));
      if (csv.include_exog) {
        text.push_back(',');
        AppendFixed(text, sc.price[k], 2);
        text.append(sc.promo[k] != 0 ? ",1," : ",0,");
        text.push_back(g.holiday(t) != 0 ? '1' : '0');
        text.push_back(',');
        AppendFixed(text, g.temperature(state, t), 1);
      }
      text.push_back('\n');
    }
  };
  RETAILCAST_RETURN_IF_ERROR(RunBlocks(g, &out, nullptr, format));
  for (size_t s = 0; s < g.num_series(); ++s) stats.rows += g.length(s);
  stats.series = static_cast<int64_t>(g.num_series());
  stats.bytes = out.bytes_written();
  RETAILCAST_RETURN_IF_ERROR(out.Commit());
  return stats;
}

Result<WriteStats> WriteTransactionsCsv(const SynthOptions& options, const std::string& path,
                                        const TransactionOptions& tx) {
  if (tx.customers_per_store < 1) {
    return Status::InvalidArgument("transactions customers_per_store must be >= 1, got " +
                                   std::to_string(tx.customers_per_store));
  }
  if (!(tx.mean_extra_units >= 0) || tx.mean_extra_units > 1000) {
    return Status::InvalidArgument("transactions mean_extra_units must be in [0, 1000], got " +
                                   std::to_string(tx.mean_extra_units));
  }
  SynthOptions sub = options;
  sub.exog = true;
  sub.only_stores = tx.stores;
  if (sub.only_stores.empty()) {
    std::vector<std::string> all = StoreIds(options);
    if (!all.empty()) sub.only_stores.push_back(all.front());
  }
  RETAILCAST_ASSIGN_OR_RETURN(Generator g, Generator::Create(sub));
  RETAILCAST_ASSIGN_OR_RETURN(Panel panel, Generate(sub));
  const std::vector<std::string> dates = DateStrings(g);
  const size_t price_col = *panel.FindExog(kPriceColumn);

  OutputFile out;
  RETAILCAST_RETURN_IF_ERROR(out.Open(path));
  out.Append("date,store_id,item_id,customer_id,quantity,price\n");
  // Each series has its own stream, so the lines of a series do not depend on the others.
  std::vector<Rng> rngs;
  rngs.reserve(panel.num_series());
  for (size_t s = 0; s < panel.num_series(); ++s)
    rngs.emplace_back(Mix64(options.seed) ^ 0x7478ULL, panel.id(s));
  WriteStats stats;
  stats.series = static_cast<int64_t>(panel.num_series());
  std::string text, customer;
  for (int64_t t = 0; t < options.periods; ++t) {
    text.clear();
    for (size_t s = 0; s < panel.num_series(); ++s) {
      const int64_t k = t - g.offset(s);
      if (k < 0) continue;
      int64_t units = static_cast<int64_t>(panel.values(s)[static_cast<size_t>(k)]);
      const auto& item = g.items()[g.item_of(s)];
      const auto& store = g.stores()[g.store_of(s)];
      Rng& rng = rngs[s];
      while (units > 0) {
        const int64_t q = std::min<int64_t>(units, 1 + rng.Poisson(tx.mean_extra_units));
        units -= q;
        // u^2 skews visits towards low customer numbers: a few loyal, many rare customers.
        const double u = rng.Uniform();
        const int64_t c = static_cast<int64_t>(u * u * tx.customers_per_store);
        customer = std::to_string(c);
        text.append(dates[static_cast<size_t>(t)]).append(",").append(store.id).append(",");
        text.append(item.id).append(",").append(store.id).append("-C");
        text.append(customer.size() < 6 ? 6 - customer.size() : 0, '0')
            .append(customer)
            .append(",");
        AppendInt(text, q);
        text.push_back(',');
        AppendFixed(text, panel.exog(price_col, s)[static_cast<size_t>(k)], 2);
        text.push_back('\n');
        ++stats.rows;
      }
    }
    out.Append(text);
  }
  stats.bytes = out.bytes_written();
  RETAILCAST_RETURN_IF_ERROR(out.Commit());
  return stats;
}

Status WriteM5Csv(const SynthOptions& options, const std::string& dir) {
  if (options.freq.unit != FrequencyUnit::kDay) {
    return Status::InvalidArgument("the M5 layout is daily; synth frequency is " +
                                   options.freq.ToString());
  }
  RETAILCAST_ASSIGN_OR_RETURN(Generator g, Generator::Create(options));
  const std::string base = dir.empty() || dir.back() == '/' ? dir : dir + "/";

  // calendar.csv
  {
    static constexpr const char* kDayNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                "Friday", "Saturday", "Sunday"};
    std::string text =
        "date,wm_yr_wk,weekday,wday,month,year,d,event_name_1,event_type_1,event_name_2,event_type_"
        "2";
    for (const auto& st : g.states()) text += ",snap_" + st;
    text += '\n';
    for (int64_t t = 0; t < options.periods; ++t) {
      const Date d = g.date(t);
      const int wd = static_cast<int>(d.weekday());
      text += d.ToString() + "," + std::to_string(WalmartWeek(d)) + "," + kDayNames[wd] + "," +
              std::to_string((wd + 2) % 7 + 1) + "," + std::to_string(d.month()) + "," +
              std::to_string(d.year()) + ",d_" + std::to_string(t + 1) + ",";
      for (const auto& h : internal::Holidays()) {
        if (d.month() == h.month && d.day() == h.day) text += std::string(h.name) + "," + h.type;
      }
      if (text.back() == ',') text += ',';
      text += ",,";
      for (size_t st = 0; st < g.states().size(); ++st) text += SnapDay(st, d.day()) ? ",1" : ",0";
      text += '\n';
    }
    OutputFile out;
    RETAILCAST_RETURN_IF_ERROR(out.Open(base + "calendar.csv"));
    out.Append(text);
    RETAILCAST_RETURN_IF_ERROR(out.Commit());
  }

  std::vector<int64_t> wm_week(static_cast<size_t>(options.periods));
  for (int64_t t = 0; t < options.periods; ++t)
    wm_week[static_cast<size_t>(t)] = WalmartWeek(g.date(t));
  OutputFile sales, prices;
  RETAILCAST_RETURN_IF_ERROR(sales.Open(base + "sales_train.csv"));
  RETAILCAST_RETURN_IF_ERROR(prices.Open(base + "sell_prices.csv"));
  std::string header = "id,item_id,dept_id,cat_id,store_id,state_id";
  for (int64_t t = 1; t <= options.periods; ++t) header += ",d_" + std::to_string(t);
  header += '\n';
  sales.Append(header);
  prices.Append("store_id,item_id,wm_yr_wk,sell_price\n");
  auto format = [&](size_t s, std::string& row, std::string& price_rows) {
    thread_local Scratch sc;
    Simulate(g, s, sc);
    const auto& item = g.items()[g.item_of(s)];
    const auto& store = g.stores()[g.store_of(s)];
    const auto& dept = internal::Departments()[item.dept];
    row.append(g.series_id(s)).append("_evaluation,").append(item.id).append(",");
    row.append(dept.dept).append(",").append(dept.cat).append(",").append(store.id).append(",");
    row.append(g.states()[store.state]);
    // Late starters have leading zeros, as M5 writes items not yet on sale.
    for (int64_t t = 0; t < g.offset(s); ++t) row.append(",0");
    int64_t last_week = -1;
    for (size_t k = 0; k < sc.y.size(); ++k) {
      row.push_back(',');
      AppendInt(row, static_cast<int64_t>(sc.y[k]));
      const int64_t w = wm_week[static_cast<size_t>(g.offset(s)) + k];
      if (w != last_week) {
        last_week = w;
        price_rows.append(store.id).append(",").append(item.id).append(",");
        AppendInt(price_rows, w);
        price_rows.push_back(',');
        AppendFixed(price_rows, sc.price[k], 2);
        price_rows.push_back('\n');
      }
    }
    row.push_back('\n');
  };
  RETAILCAST_RETURN_IF_ERROR(RunBlocks(g, &sales, &prices, format));
  RETAILCAST_RETURN_IF_ERROR(sales.Commit());
  return prices.Commit();
}

}  // namespace retailcast::synth
