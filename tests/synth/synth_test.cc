#include "retailcast/synth/synth.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>

namespace retailcast::synth {
namespace {

namespace fs = std::filesystem;

SynthOptions Small() {
  SynthOptions o;
  o.stores = 4;
  o.states = 2;
  o.items_per_store = 20;
  o.periods = 400;
  o.seed = 7;
  o.threads = 1;
  return o;
}

bool BitwiseEqual(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

fs::path TempDir(const std::string& name) {
  fs::path dir =
      fs::temp_directory_path() / ("retailcast_synth_" + name + "_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SynthTest, StructureLikeM5) {
  SynthOptions o = Small();
  o.stores = 10;
  o.states = 3;
  EXPECT_EQ(StoreIds(o), (std::vector<std::string>{"CA_1", "CA_2", "CA_3", "CA_4", "TX_1", "TX_2",
                                                   "TX_3", "WI_1", "WI_2", "WI_3"}));
  auto p = Generate(o);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->num_series(), 200u);
  ASSERT_EQ(p->num_attributes(), 5u);
  EXPECT_EQ(p->attribute_name(0), "item_id");
  EXPECT_EQ(p->attribute_name(4), "state_id");
  for (size_t i = 0; i < p->num_series(); ++i) {
    // id = item_store; item = dept_NNN; dept starts with its category.
    std::string id(p->id(i)), item(p->attribute(0, i)), dept(p->attribute(1, i)),
        cat(p->attribute(2, i)), store(p->attribute(3, i)), state(p->attribute(4, i));
    EXPECT_EQ(id, item + "_" + store);
    EXPECT_EQ(item.rfind(dept + "_", 0), 0u) << item;
    EXPECT_EQ(dept.rfind(cat + "_", 0), 0u) << dept;
    EXPECT_EQ(store.rfind(state + "_", 0), 0u) << store;
    EXPECT_EQ(p->end(i), o.start + static_cast<int32_t>(o.periods - 1));
  }
  EXPECT_EQ(p->id(0), "HOBBIES_1_001_CA_1");
  // Several departments and categories are present, and some series start late.
  std::map<std::string, int> cats;
  int late = 0;
  for (size_t i = 0; i < p->num_series(); ++i) {
    cats[std::string(p->attribute(2, i))]++;
    if (p->length(i) < o.periods) ++late;
  }
  EXPECT_EQ(cats.size(), 3u);
  EXPECT_GT(late, 10);
  EXPECT_LT(late, 80);
  EXPECT_EQ(p->num_exog(), 4u);
}

TEST(SynthTest, SameSeedSamePanelDifferentSeedDifferent) {
  auto a = Generate(Small());
  auto b = Generate(Small());
  SynthOptions o = Small();
  o.seed = 8;
  auto c = Generate(o);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_TRUE(BitwiseEqual(a->data(), b->data()));
  for (size_t k = 0; k < a->num_exog(); ++k) {
    for (size_t i = 0; i < a->num_series(); ++i) {
      auto x = a->exog(k, i), y = b->exog(k, i);
      ASSERT_EQ(std::memcmp(x.data(), y.data(), x.size_bytes()), 0);
    }
  }
  EXPECT_FALSE(a->data() == c->data());
  // The exogenous columns are optional outputs: leaving them out does not change the units.
  SynthOptions plain = Small();
  plain.exog = false;
  auto d = Generate(plain);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->num_exog(), 0u);
  EXPECT_TRUE(BitwiseEqual(a->data(), d->data()));
}

TEST(SynthTest, ThreadCountDoesNotChangeOutput) {
  SynthOptions o = Small();
  auto one = Generate(o);
  o.threads = 2;
  auto two = Generate(o);
  o.threads = 3;
  auto three = Generate(o);
  ASSERT_TRUE(one.ok() && two.ok() && three.ok());
  EXPECT_TRUE(BitwiseEqual(one->data(), two->data()));
  EXPECT_TRUE(BitwiseEqual(one->data(), three->data()));
}

TEST(SynthTest, StoreSubsetHasTheSameValues) {
  SynthOptions o = Small();
  auto all = Generate(o);
  o.only_stores = {"TX_2"};
  auto sub = Generate(o);
  ASSERT_TRUE(all.ok() && sub.ok());
  ASSERT_EQ(sub->num_series(), 20u);
  for (size_t i = 0; i < sub->num_series(); ++i) {
    auto j = all->Find(sub->id(i));
    ASSERT_TRUE(j.has_value()) << sub->id(i);
    EXPECT_EQ(sub->start(i), all->start(*j));
    auto x = sub->values(i), y = all->values(*j);
    ASSERT_EQ(x.size(), y.size());
    EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size_bytes()), 0);
  }
}

TEST(SynthTest, StatisticalSanity) {
  SynthOptions o = Small();
  o.stores = 2;
  o.states = 1;
  o.items_per_store = 100;
  o.periods = 730;
  o.intermittent_share = 0.5;
  o.promo_share = 0.1;
  auto p = Generate(o);
  ASSERT_TRUE(p.ok());
  const size_t price = *p->FindExog(kPriceColumn), promo = *p->FindExog(kPromoColumn),
               temp = *p->FindExog(kTemperatureColumn), hol = *p->FindExog(kHolidayColumn);
  double weekend = 0, midweek = 0;
  int weekend_n = 0, midweek_n = 0, intermittent = 0, smooth = 0;
  double promo_lift_sum = 0;
  int promo_lift_n = 0;
  for (size_t i = 0; i < p->num_series(); ++i) {
    auto y = p->values(i);
    size_t zeros = 0;
    double on = 0, off = 0;
    int on_n = 0, off_n = 0;
    for (size_t t = 0; t < y.size(); ++t) {
      ASSERT_FALSE(std::isnan(y[t]));
      ASSERT_GE(y[t], 0);
      ASSERT_EQ(y[t], std::floor(y[t]));
      ASSERT_GT(p->exog(price, i)[t], 0);
      ASSERT_TRUE(p->exog(promo, i)[t] == 0 || p->exog(promo, i)[t] == 1);
      ASSERT_TRUE(p->exog(hol, i)[t] == 0 || p->exog(hol, i)[t] == 1);
      ASSERT_GT(p->exog(temp, i)[t], -40);
      ASSERT_LT(p->exog(temp, i)[t], 50);
      if (y[t] == 0) ++zeros;
      Weekday wd = (p->start(i) + static_cast<int32_t>(t)).weekday();
      if (wd == Weekday::kSaturday || wd == Weekday::kSunday) {
        weekend += y[t], ++weekend_n;
      } else if (wd == Weekday::kTuesday || wd == Weekday::kWednesday) {
        midweek += y[t], ++midweek_n;
      }
      if (p->exog(promo, i)[t] == 1) {
        on += y[t], ++on_n;
      } else {
        off += y[t], ++off_n;
      }
    }
    double zero_share = static_cast<double>(zeros) / static_cast<double>(y.size());
    if (zero_share > 0.4) ++intermittent;
    if (zero_share < 0.1) ++smooth;
    if (on_n > 0 && off_n > 0 && off > 0) {
      promo_lift_sum += (on / on_n) / (off / off_n);
      ++promo_lift_n;
    }
  }
  // Half the series are intermittent (mostly zeros), many of the others rarely zero.
  EXPECT_GT(intermittent, 70);
  EXPECT_GT(smooth, 30);
  // Weekly pattern: weekends sell clearly more than Tuesday/Wednesday (the model's expected
  // ratio is (1 + 0.5 * 0.325) / (1 - 0.3 * 0.325) = 1.29 with the mean amplitude 0.325).
  EXPECT_GT((weekend / weekend_n) / (midweek / midweek_n), 1.2);
  // Promotions lift demand on average (price cut 10-35%, elasticity 1-2.5).
  ASSERT_GT(promo_lift_n, 100);
  EXPECT_GT(promo_lift_sum / promo_lift_n, 1.2);
}

TEST(SynthTest, WeeklyFrequency) {
  SynthOptions o = Small();
  o.freq = Frequency::Weekly(Weekday::kSunday);
  o.start = Date::FromYmd(2011, 1, 30);
  o.periods = 104;
  auto p = Generate(o);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->freq(), o.freq);
  for (size_t i = 0; i < p->num_series(); ++i) EXPECT_EQ(p->end(i), o.freq.Advance(o.start, 103));
}

TEST(SynthTest, BadOptions) {
  auto expect_bad = [](SynthOptions o, const std::string& needle) {
    Status s = ValidateOptions(o);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << needle;
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
    EXPECT_FALSE(Generate(o).ok());
  };
  SynthOptions o = Small();
  o.stores = 0;
  expect_bad(o, "stores");
  o = Small();
  o.items_per_store = -1;
  expect_bad(o, "items_per_store");
  o = Small();
  o.periods = 0;
  expect_bad(o, "periods");
  o = Small();
  o.intermittent_share = 1.5;
  expect_bad(o, "intermittent_share");
  o = Small();
  o.promo_share = std::nan("");
  expect_bad(o, "promo_share");
  o = Small();
  o.states = 5;
  expect_bad(o, "states");
  o = Small();
  o.only_stores = {"XX_9"};
  expect_bad(o, "CA_1, CA_2, TX_1, TX_2");
  o = Small();
  o.freq = Frequency::Monthly();
  o.start = Date::FromYmd(2011, 1, 29);
  expect_bad(o, "not a period stamp");
  o = Small();
  o.freq = Frequency::Yearly();
  o.start = Date::FromYmd(2011, 1, 1);
  o.periods = 900000;
  expect_bad(o, "years");
}

TEST(SynthTest, LongCsvMatchesPanel) {
  SynthOptions o = Small();
  o.items_per_store = 5;
  o.periods = 60;
  auto p = Generate(o);
  ASSERT_TRUE(p.ok());
  fs::path dir = TempDir("long");
  const std::string path = (dir / "long.csv").string();
  o.threads = 2;
  auto stats = WriteLongCsv(o, path, LongCsvOptions{true});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "unique_id,ds,y,price,promo,holiday,temperature");
  size_t i = 0, t = 0;
  int64_t rows = 0;
  const size_t price = *p->FindExog(kPriceColumn), temp = *p->FindExog(kTemperatureColumn);
  while (std::getline(in, line)) {
    while (i < p->num_series() && t >= static_cast<size_t>(p->length(i))) ++i, t = 0;
    ASSERT_LT(i, p->num_series());
    std::stringstream ss(line);
    std::string id, ds, y, pr, promo, hol, tc;
    std::getline(ss, id, ',');
    std::getline(ss, ds, ',');
    std::getline(ss, y, ',');
    std::getline(ss, pr, ',');
    std::getline(ss, promo, ',');
    std::getline(ss, hol, ',');
    std::getline(ss, tc, ',');
    ASSERT_EQ(id, p->id(i));
    ASSERT_EQ(ds, (p->start(i) + static_cast<int32_t>(t)).ToString());
    ASSERT_EQ(std::stod(y), p->values(i)[t]);
    ASSERT_EQ(std::stod(pr), p->exog(price, i)[t]) << line;
    ASSERT_NEAR(std::stod(tc), p->exog(temp, i)[t], 1e-9) << line;
    ++t;
    ++rows;
  }
  EXPECT_EQ(rows, stats->rows);
  EXPECT_EQ(static_cast<size_t>(rows), p->num_values());
  EXPECT_EQ(static_cast<int64_t>(fs::file_size(path)), stats->bytes);
  // Nothing but the output is left in the directory (the temporary file was renamed).
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  // Without exogenous columns; and thread count does not change the bytes.
  o.threads = 1;
  ASSERT_TRUE(WriteLongCsv(o, (dir / "a.csv").string()).ok());
  o.threads = 3;
  ASSERT_TRUE(WriteLongCsv(o, (dir / "b.csv").string()).ok());
  std::string a = ReadAll(dir / "a.csv");
  EXPECT_EQ(a, ReadAll(dir / "b.csv"));
  EXPECT_EQ(a.substr(0, a.find('\n')), "unique_id,ds,y");
  fs::remove_all(dir);
}

TEST(SynthTest, WriteErrorsAreIoErrors) {
  auto s = WriteLongCsv(Small(), "/nonexistent_dir_retailcast/x.csv");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kIoError);
  EXPECT_NE(s.status().message().find("/nonexistent_dir_retailcast/x.csv"), std::string::npos);
  SynthOptions bad = Small();
  bad.stores = 0;
  EXPECT_EQ(WriteLongCsv(bad, "/tmp/never_written.csv").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists("/tmp/never_written.csv"));
}

TEST(SynthTest, TransactionsAddUpToPanelUnits) {
  SynthOptions o = Small();
  o.items_per_store = 10;
  o.periods = 90;
  fs::path dir = TempDir("tx");
  const std::string path = (dir / "tx.csv").string();
  TransactionOptions tx;
  tx.stores = {"CA_2", "TX_1"};
  tx.customers_per_store = 50;
  auto stats = WriteTransactionsCsv(o, path, tx);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  auto p = Generate(o);
  ASSERT_TRUE(p.ok());
  const size_t price = *p->FindExog(kPriceColumn);
  std::map<std::tuple<std::string, std::string, std::string>, double> sums;
  std::map<std::string, int> customers;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "date,store_id,item_id,customer_id,quantity,price");
  std::string prev_date;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string date, store, item, customer, qty, pr;
    std::getline(ss, date, ',');
    std::getline(ss, store, ',');
    std::getline(ss, item, ',');
    std::getline(ss, customer, ',');
    std::getline(ss, qty, ',');
    std::getline(ss, pr, ',');
    ASSERT_TRUE(store == "CA_2" || store == "TX_1") << line;
    ASSERT_GE(date, prev_date);  // date order
    prev_date = date;
    ASSERT_GE(std::stoi(qty), 1);
    ASSERT_EQ(customer.rfind(store + "-C", 0), 0u);
    sums[{date, store, item}] += std::stod(qty);
    customers[customer]++;
    auto i = p->Find(item + "_" + store);
    ASSERT_TRUE(i.has_value());
    Date d = *ParseDate(date, DateFormat::kIso);
    ASSERT_EQ(std::stod(pr), p->exog(price, *i)[static_cast<size_t>(d - p->start(*i))]) << line;
  }
  // Every (date, store, item) cell of the two stores matches the panel, zeros included.
  int64_t cells = 0;
  for (size_t i = 0; i < p->num_series(); ++i) {
    std::string store(p->attribute(3, i)), item(p->attribute(0, i));
    if (store != "CA_2" && store != "TX_1") continue;
    for (size_t t = 0; t < static_cast<size_t>(p->length(i)); ++t) {
      std::string date = (p->start(i) + static_cast<int32_t>(t)).ToString();
      auto it = sums.find({date, store, item});
      double got = it == sums.end() ? 0.0 : it->second;
      ASSERT_EQ(got, p->values(i)[t]) << item << " " << store << " " << date;
      if (it != sums.end()) sums.erase(it);
      ++cells;
    }
  }
  EXPECT_TRUE(sums.empty()) << "lines outside the series' dates";
  EXPECT_GT(cells, 0);
  // Skewed customers: the most frequent one buys much more often than the median one.
  int top = 0;
  for (const auto& [c, n] : customers) top = std::max(top, n);
  EXPECT_GT(customers.size(), 20u);
  EXPECT_GT(top, 3 * (stats->rows / static_cast<int64_t>(customers.size())));

  TransactionOptions bad = tx;
  bad.customers_per_store = 0;
  EXPECT_EQ(WriteTransactionsCsv(o, path, bad).status().code(), StatusCode::kInvalidArgument);
  bad = tx;
  bad.stores = {"ZZ_1"};
  EXPECT_EQ(WriteTransactionsCsv(o, path, bad).status().code(), StatusCode::kInvalidArgument);
  fs::remove_all(dir);
}

TEST(SynthTest, M5WideLayout) {
  SynthOptions o = Small();
  o.items_per_store = 4;
  o.periods = 50;
  fs::path dir = TempDir("m5");
  ASSERT_TRUE(WriteM5Csv(o, dir.string()).ok());
  auto p = Generate(o);
  ASSERT_TRUE(p.ok());
  // calendar: M5's columns and fiscal weeks (2011-01-29 is d_1 in week 11101).
  std::ifstream cal(dir / "calendar.csv");
  std::string line;
  std::getline(cal, line);
  EXPECT_EQ(line,
            "date,wm_yr_wk,weekday,wday,month,year,d,event_name_1,event_type_1,event_name_2,"
            "event_type_2,snap_CA,snap_TX");
  std::getline(cal, line);
  EXPECT_EQ(line, "2011-01-29,11101,Saturday,1,1,2011,d_1,,,,,0,0");
  int cal_rows = 1;
  bool valentine = false;
  while (std::getline(cal, line)) {
    ++cal_rows;
    if (line.rfind("2011-02-14,", 0) == 0) {
      valentine = true;
      EXPECT_EQ(line, "2011-02-14,11103,Monday,3,2,2011,d_17,ValentinesDay,Cultural,,,0,0");
    }
  }
  EXPECT_EQ(cal_rows, 50);
  EXPECT_TRUE(valentine);
  // sales_train: one row per series, leading zeros before a late start.
  std::ifstream sales(dir / "sales_train.csv");
  std::getline(sales, line);
  EXPECT_EQ(line.substr(0, 50), "id,item_id,dept_id,cat_id,store_id,state_id,d_1,d_");
  size_t i = 0;
  while (std::getline(sales, line)) {
    ASSERT_LT(i, p->num_series());
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) f.push_back(c);
    ASSERT_EQ(f.size(), 56u);
    EXPECT_EQ(f[0], std::string(p->id(i)) + "_evaluation");
    const size_t lead = static_cast<size_t>(o.periods - p->length(i));
    for (size_t t = 0; t < 50; ++t) {
      double want = t < lead ? 0.0 : p->values(i)[t - lead];
      ASSERT_EQ(std::stod(f[6 + t]), want);
    }
    ++i;
  }
  EXPECT_EQ(i, p->num_series());
  std::ifstream prices(dir / "sell_prices.csv");
  std::getline(prices, line);
  EXPECT_EQ(line, "store_id,item_id,wm_yr_wk,sell_price");
  int price_rows = 0;
  while (std::getline(prices, line)) ++price_rows;
  EXPECT_GE(price_rows, static_cast<int>(p->num_series()));
  o.freq = Frequency::Monthly();
  o.start = Date::FromYmd(2011, 2, 1);
  EXPECT_EQ(WriteM5Csv(o, dir.string()).code(), StatusCode::kInvalidArgument);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace retailcast::synth
