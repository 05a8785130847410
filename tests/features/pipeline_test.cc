// The feature pipeline: parameters, resolution against a panel, the value of every family on
// hand-checked data, training rows equal to forecast rows rebuilt from saved state, no reading
// past a series' training part, save/load.
#include "retailcast/features/feature_pipeline.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace retailcast::features {
namespace {

// The options of `kv` as a model builds them: parsed against the table, bound, checked.
Result<FeatureOptions> Options(const std::vector<std::pair<std::string, std::string>>& kv,
                               std::string_view model) {
  auto p = ParseParams(FeatureParamTable().Spec(), kv, "test");
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return p.status();
  FeatureOptions o = FeatureParamTable().Bind(*p);
  RETAILCAST_RETURN_IF_ERROR(CheckFeatureOptions(o, model));
  return o;
}

Result<FeatureConfig> Resolve(const std::vector<std::pair<std::string, std::string>>& kv,
                              const Panel& panel) {
  RETAILCAST_ASSIGN_OR_RETURN(FeatureOptions o, Options(kv, "test"));
  GlobalTrainingData data{&panel, {}, false};
  return ResolveFeatureConfig(o, data, "test");
}

size_t Col(const FeaturePipeline& p, const std::string& name) {
  for (size_t k = 0; k < p.num_features(); ++k) {
    if (p.features()[k].name == name) return k;
  }
  ADD_FAILURE() << "no feature " << name;
  return 0;
}

// Two daily series with a price, a 0/1 promo flag, a temperature and two attributes.
Panel DailyPanel(int64_t length = 60) {
  Panel p(Frequency::Daily());
  EXPECT_TRUE(p.SetAttributeNames({"item_id", "store_id"}).ok());
  std::vector<std::string_view> a = {"ITEM_B", "S1"}, b = {"ITEM_A", "S1"};
  p.AddSeries("b_s1", Date::FromYmd(2023, 11, 1), length, a);
  p.AddSeries("a_s1", Date::FromYmd(2023, 11, 11), length - 10, b);
  size_t price = *p.AddExogColumn("sell_price");
  size_t promo = *p.AddExogColumn("promo");
  size_t temp = *p.AddExogColumn("temperature");
  for (size_t i = 0; i < 2; ++i) {
    auto y = p.mutable_values(i);
    for (size_t t = 0; t < y.size(); ++t) {
      y[t] = (t % 7 == 5 ? 10.0 : 2.0) * (i + 1) + static_cast<double>(t % 3);
      p.mutable_exog(price, i)[t] = t % 10 < 7 ? 4.0 : 3.0;
      p.mutable_exog(promo, i)[t] = t % 10 == 7 ? 1.0 : 0.0;
      p.mutable_exog(temp, i)[t] = 20.0 + static_cast<double>(t) * 0.1;
    }
  }
  p.mutable_values(0)[3] = NAN;
  return p;
}

TEST(FeatureParamsTest, DefaultsParseAndBadListsAreInvalidArgument) {
  auto o = Options({}, "gbm");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->lags, "auto");
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"lags", "0"},
                                                        {"lags", "1-x"},
                                                        {"lags", "7-3"},
                                                        {"lags", ""},
                                                        {"windows", "7 -2"},
                                                        {"rolling_stats", "mean median"},
                                                        {"paydays", "32"},
                                                        {"holidays", "XX"}}) {
    auto bad = Options({{key, value}}, "gbm");
    ASSERT_FALSE(bad.ok()) << key << "=" << value;
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(bad.status().message().find(key), std::string::npos) << bad.status().ToString();
    EXPECT_NE(bad.status().message().find("gbm"), std::string::npos);
  }
  EXPECT_TRUE(Options({{"lags", "1-3 7;14"}}, "gbm").ok());
}

TEST(FeatureConfigTest, AutoValuesDependOnFrequencyAndPanel) {
  Panel daily = DailyPanel();
  auto c = Resolve({}, daily);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->lags, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 14, 21, 28}));
  EXPECT_EQ(c->windows, (std::vector<int>{7, 28, 56}));
  EXPECT_EQ(c->price_column, "sell_price");
  EXPECT_EQ(c->item_attribute, "item_id");
  EXPECT_EQ(c->exog, (std::vector<std::string>{"promo", "temperature"}));
  EXPECT_EQ(c->event_columns, (std::vector<std::string>{"promo"}));
  EXPECT_EQ(c->attributes, (std::vector<std::string>{"item_id", "store_id"}));
  EXPECT_EQ(c->Inputs(), (std::vector<std::string>{"sell_price", "promo", "temperature"}));
  EXPECT_EQ(c->Lookback(), 56);
  Panel monthly(Frequency::Monthly());
  monthly.AddSeries("m", Date::FromYmd(2020, 1, 1), std::vector<double>{1, 2, 3});
  auto m = Resolve({}, monthly);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->lags, (std::vector<int>{1, 2, 3, 6, 12, 24}));
  EXPECT_TRUE(m->price_column.empty());
  EXPECT_TRUE(m->exog.empty());
  auto none = Resolve({{"exog", "none"},
                       {"price_column", "none"},
                       {"attributes", "none"},
                       {"event_columns", "none"}},
                      daily);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->Inputs().empty());
  EXPECT_TRUE(none->attributes.empty());
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"exog", "rain"},
                                                        {"price_column", "cost"},
                                                        {"attributes", "dept"},
                                                        {"event_columns", "holiday"},
                                                        {"item_attribute", "sku"}}) {
    auto bad = Resolve({{key, value}}, daily);
    ASSERT_FALSE(bad.ok()) << key;
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(bad.status().message().find(value), std::string::npos);
  }
  auto missing_file = Resolve({{"events_file", "/nonexistent/events.csv"}}, daily);
  EXPECT_FALSE(missing_file.ok());
}

TEST(FeaturePipelineTest, FamiliesComputeTheDocumentedValues) {
  Panel p = DailyPanel();
  auto c = Resolve({{"lags", "1 2 7"}, {"windows", "3"}, {"holidays", "US"}}, p);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ThreadPool pool(1);
  GlobalTrainingData data{&p, {}, false};
  auto fp = FeaturePipeline::Fit(*c, data, {}, 0, pool);
  ASSERT_TRUE(fp.ok()) << fp.status().ToString();
  const EventCalendar cal = fp->Calendar(Date::FromYmd(2023, 11, 1), Date::FromYmd(2024, 1, 31));
  SeriesFrame f = fp->TrainingFrame(data, 0, &cal);
  // Row t = 54: 2023-12-25 (Monday, Christmas).
  const int64_t t = 54;
  std::vector<float> row(fp->num_features());
  fp->Rows(f, std::span<const int64_t>(&t, 1), 0, row.data());
  auto y = p.values(0);
  const double s = fp->scale(0);
  // Level: mean |y| of the observed training values (scale_window 365 covers them all).
  double sum = 0;
  int count = 0;
  for (double v : y) {
    if (!std::isnan(v)) {
      sum += std::abs(v);
      ++count;
    }
  }
  EXPECT_DOUBLE_EQ(s, sum / count);
  EXPECT_FLOAT_EQ(row[Col(*fp, "lag_1")], static_cast<float>(y[53] / s));
  EXPECT_FLOAT_EQ(row[Col(*fp, "lag_7")], static_cast<float>(y[47] / s));
  const double m3 = (y[51] + y[52] + y[53]) / 3;
  EXPECT_FLOAT_EQ(row[Col(*fp, "roll_mean_3")], static_cast<float>(m3 / s));
  EXPECT_FLOAT_EQ(row[Col(*fp, "roll_max_3")],
                  static_cast<float>(std::max({y[51], y[52], y[53]}) / s));
  EXPECT_EQ(row[Col(*fp, "age")], 54.0f);
  EXPECT_EQ(row[Col(*fp, "dow")], 0.0f);
  EXPECT_EQ(row[Col(*fp, "dom")], 25.0f);
  EXPECT_EQ(row[Col(*fp, "month")], 12.0f);
  EXPECT_EQ(row[Col(*fp, "woy")], 52.0f);
  EXPECT_EQ(row[Col(*fp, "doy")], 359.0f);
  EXPECT_EQ(row[Col(*fp, "payday")], 0.0f);
  EXPECT_EQ(row[Col(*fp, "days_to_payday")], 6.0f);      // Dec 31
  EXPECT_EQ(row[Col(*fp, "days_since_payday")], 10.0f);  // Dec 15
  EXPECT_EQ(row[Col(*fp, "event")], 1.0f);
  EXPECT_FALSE(std::isnan(row[Col(*fp, "event_code")]));
  EXPECT_EQ(row[Col(*fp, "to_event")], 0.0f);
  // Price: 4 on days t % 10 < 7, else 3; t = 54 -> 4; t - 7 = 47 -> 3.
  EXPECT_EQ(row[Col(*fp, "price")], 4.0f);
  EXPECT_FLOAT_EQ(row[Col(*fp, "price_change")], static_cast<float>(4.0 / 3.0 - 1));
  EXPECT_EQ(row[Col(*fp, "price_disc")], 0.0f);
  EXPECT_EQ(row[Col(*fp, "on_sale")], 0.0f);
  // Promo on days t % 10 == 7: next at 57, previous at 47.
  EXPECT_EQ(row[Col(*fp, "promo_to_next")], 3.0f);
  EXPECT_EQ(row[Col(*fp, "promo_since_prev")], 7.0f);
  EXPECT_EQ(row[Col(*fp, "x_temperature")], static_cast<float>(20.0 + 54 * 0.1));
  // Attribute codes follow the sorted values: ITEM_A = 0, ITEM_B = 1.
  EXPECT_EQ(row[Col(*fp, "attr_item_id")], 1.0f);
  EXPECT_EQ(row[Col(*fp, "attr_store_id")], 0.0f);
  EXPECT_FLOAT_EQ(row[Col(*fp, "log_level")], static_cast<float>(std::log(s)));
  // te_pos: smoothed mean of y / s over the series' Mondays, towards the series' mean.
  double mon = 0, n_mon = 0, all = 0, n_all = 0, pooled = 0, n_pooled = 0;
  for (size_t i = 0; i < 2; ++i) {
    for (size_t u = 0; u < p.values(i).size(); ++u) {
      const double v = p.values(i)[u];
      if (std::isnan(v)) continue;
      pooled += v / fp->scale(i);
      n_pooled += 1;
      if (i != 0) continue;
      all += v / s;
      n_all += 1;
      if ((p.start(0) + static_cast<int32_t>(u)).weekday() == Weekday::kMonday) {
        mon += v / s;
        n_mon += 1;
      }
    }
  }
  const double prior = (all + 10 * (pooled / n_pooled)) / (n_all + 10);
  EXPECT_NEAR(row[Col(*fp, "te_pos")], (mon + 10 * prior) / (n_mon + 10), 1e-6);
  // A markdown day: t = 57 has price 3 after 4s.
  const int64_t t2 = 57;
  fp->Rows(f, std::span<const int64_t>(&t2, 1), 0, row.data());
  EXPECT_EQ(row[Col(*fp, "price_disc")], 0.25f);
  EXPECT_EQ(row[Col(*fp, "on_sale")], 1.0f);
  EXPECT_EQ(row[Col(*fp, "promo_to_next")], 0.0f);
  // Rows before enough history: missing lags, windows over what there is.
  const int64_t t0[] = {0, 1, 4};
  std::vector<float> rows(3 * fp->num_features());
  fp->Rows(f, t0, 0, rows.data());
  EXPECT_TRUE(std::isnan(rows[Col(*fp, "lag_1")]));
  EXPECT_TRUE(std::isnan(rows[Col(*fp, "roll_mean_3")]));
  EXPECT_TRUE(std::isnan(rows[Col(*fp, "exp_mean")]));
  const size_t w = fp->num_features();
  EXPECT_FLOAT_EQ(rows[w + Col(*fp, "lag_1")], static_cast<float>(y[0] / s));
  // Row 4 reads y[1..3] with y[3] missing: lag_1 missing, mean of y[1], y[2].
  EXPECT_TRUE(std::isnan(rows[2 * w + Col(*fp, "lag_1")]));
  EXPECT_FLOAT_EQ(rows[2 * w + Col(*fp, "roll_mean_3")], static_cast<float>((y[1] + y[2]) / 2 / s));
  // A shift moves every target-derived feature back.
  fp->Rows(f, std::span<const int64_t>(&t, 1), 6, row.data());
  EXPECT_FLOAT_EQ(row[Col(*fp, "lag_1")], static_cast<float>(y[47] / s));
  EXPECT_EQ(row[Col(*fp, "age")], 48.0f);
  EXPECT_EQ(row[Col(*fp, "dom")], 25.0f);
}

TEST(FeaturePipelineTest, ForecastRowsFromSavedStateEqualTrainingRows) {
  const int64_t length = 80, horizon = 9;
  Panel p = DailyPanel(length);
  auto c = Resolve({{"holidays", "US"}}, p);
  ASSERT_TRUE(c.ok());
  ThreadPool pool(2);
  // Fit on every series but the last `horizon` values.
  std::vector<int64_t> lengths = {length - horizon, length - 10 - horizon};
  GlobalTrainingData train{&p, lengths, false};
  const int max_shift = 5;
  auto fitted = FeaturePipeline::Fit(*c, train, {}, max_shift, pool);
  ASSERT_TRUE(fitted.ok()) << fitted.status().ToString();
  ByteWriter w;
  fitted->Save(w);
  ByteReader r(w.bytes());
  auto fp = FeaturePipeline::Load(r);
  ASSERT_TRUE(fp.ok()) << fp.status().ToString();
  EXPECT_TRUE(r.at_end());
  ByteWriter w2;
  fp->Save(w2);
  EXPECT_EQ(w.bytes(), w2.bytes());
  const EventCalendar cal = fp->Calendar(Date::FromYmd(2023, 1, 1), Date::FromYmd(2024, 12, 31));
  GlobalTrainingData full{&p, {}, false};
  for (size_t i = 0; i < 2; ++i) {
    const int64_t n = lengths[i];
    // Future regressors: the actual inputs after the training part.
    FutureRegressors future{p.freq().Advance(p.start(i), n), p.freq(), {}, {}};
    for (size_t k = 0; k < p.num_exog(); ++k) {
      future.names.push_back(p.exog_name(k));
      future.values.push_back(p.exog(k, i).subspan(static_cast<size_t>(n)));
    }
    auto frame = fp->ForecastFrame(i, static_cast<int>(horizon), &future, &cal, "test", "s");
    ASSERT_TRUE(frame.ok()) << frame.status().ToString();
    SeriesFrame tf = fp->TrainingFrame(full, i, &cal);
    for (int64_t h = 0; h < horizon; ++h) {
      const int64_t fpos = frame->forecast_start + h, tpos = n + h;
      for (int shift : {0, 3, max_shift}) {
        std::vector<float> a(fp->num_features()), b(fp->num_features());
        fp->Rows(*frame, std::span<const int64_t>(&fpos, 1), shift, a.data());
        fp->Rows(tf, std::span<const int64_t>(&tpos, 1), shift, b.data());
        for (size_t k = 0; k < a.size(); ++k) {
          EXPECT_EQ(std::memcmp(&a[k], &b[k], sizeof(float)), 0)
              << "series " << i << " step " << h << " shift " << shift << " feature "
              << fp->features()[k].name << ": " << a[k] << " vs " << b[k];
        }
        std::vector<float> wa(10), wb(10);
        fp->TargetWindows(*frame, std::span<const int64_t>(&fpos, 1), shift, 10, wa.data());
        fp->TargetWindows(tf, std::span<const int64_t>(&tpos, 1), shift, 10, wb.data());
        EXPECT_EQ(std::memcmp(wa.data(), wb.data(), 10 * sizeof(float)), 0);
      }
      // The next step reads this one's value, as a recursive forecast would set it.
      FeaturePipeline::SetTarget(&*frame, fpos, p.values(i)[static_cast<size_t>(tpos)]);
    }
  }
}

TEST(FeaturePipelineTest, NothingAfterTheTrainingPartIsRead) {
  Panel p = DailyPanel();
  auto c = Resolve({}, p);
  ASSERT_TRUE(c.ok());
  ThreadPool pool(2);
  std::vector<int64_t> lengths = {40, 30};
  std::vector<int64_t> encode = {35, 30};
  auto save = [&](const Panel& panel) {
    GlobalTrainingData data{&panel, lengths, false};
    auto fp = FeaturePipeline::Fit(*c, data, encode, 2, pool);
    EXPECT_TRUE(fp.ok());
    ByteWriter w;
    fp->Save(w);
    return w.Release();
  };
  const std::string before = save(p);
  Panel changed = p;
  for (size_t i = 0; i < 2; ++i) {
    auto y = changed.mutable_values(i);
    for (size_t t = static_cast<size_t>(lengths[i]); t < y.size(); ++t) y[t] = 1e6;
    for (size_t k = 0; k < changed.num_exog(); ++k) {
      auto x = changed.mutable_exog(k, i);
      for (size_t t = static_cast<size_t>(lengths[i]); t < x.size(); ++t) x[t] = 7;
    }
  }
  EXPECT_EQ(save(changed), before);
  // Values between encode_end and the training end change the tails, not the encodings.
  Panel late = p;
  late.mutable_values(0)[37] = 999;
  GlobalTrainingData data{&late, lengths, false};
  auto a = FeaturePipeline::Fit(*c, data, encode, 2, pool);
  GlobalTrainingData orig{&p, lengths, false};
  auto b = FeaturePipeline::Fit(*c, orig, encode, 2, pool);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->scale(0), b->scale(0));
}

TEST(FeaturePipelineTest, SameStateOnOneAndTwoThreads) {
  Panel p = DailyPanel();
  auto c = Resolve({}, p);
  ASSERT_TRUE(c.ok());
  GlobalTrainingData data{&p, {}, false};
  ThreadPool one(1), two(2);
  auto a = FeaturePipeline::Fit(*c, data, {}, 0, one);
  auto b = FeaturePipeline::Fit(*c, data, {}, 0, two);
  ASSERT_TRUE(a.ok() && b.ok());
  ByteWriter wa, wb;
  a->Save(wa);
  b->Save(wb);
  EXPECT_EQ(wa.bytes(), wb.bytes());
}

TEST(FeaturePipelineTest, ErrorsAndCorruptState) {
  Panel p = DailyPanel();
  auto c = Resolve({}, p);
  ASSERT_TRUE(c.ok());
  ThreadPool pool(1);
  GlobalTrainingData data{&p, {}, false};
  auto fp = FeaturePipeline::Fit(*c, data, {}, 0, pool);
  ASSERT_TRUE(fp.ok());
  // Forecasting without the future values of an input names it.
  auto frame = fp->ForecastFrame(0, 3, nullptr, nullptr, "gbm", "b_s1");
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(frame.status().message().find("sell_price"), std::string::npos);
  EXPECT_NE(frame.status().message().find("b_s1"), std::string::npos);
  // No observed value anywhere: a DataError.
  Panel empty(Frequency::Daily());
  empty.AddSeries("x", Date::FromYmd(2020, 1, 1), 10);
  auto ce = Resolve({}, empty);
  ASSERT_TRUE(ce.ok());
  GlobalTrainingData ed{&empty, {}, false};
  auto bad = FeaturePipeline::Fit(*ce, ed, {}, 0, pool);
  EXPECT_EQ(bad.status().code(), StatusCode::kDataError);
  // Every truncation of a saved state is a DataError.
  ByteWriter w;
  fp->Save(w);
  const std::string bytes = w.bytes();
  for (size_t n = 0; n < bytes.size(); n += 13) {
    ByteReader r(std::string_view(bytes).substr(0, n));
    auto loaded = FeaturePipeline::Load(r);
    ASSERT_FALSE(loaded.ok()) << n;
    EXPECT_EQ(loaded.status().code(), StatusCode::kDataError);
  }
}

TEST(FeaturePipelineTest, WeeklyAndMonthlyCalendars) {
  Panel weekly(Frequency::Weekly(Weekday::kFriday));
  weekly.AddSeries("w", Date::FromYmd(2012, 1, 6), std::vector<double>(20, 1.0));
  auto c = Resolve({}, weekly);
  ASSERT_TRUE(c.ok());
  ThreadPool pool(1);
  GlobalTrainingData data{&weekly, {}, false};
  auto fp = FeaturePipeline::Fit(*c, data, {}, 0, pool);
  ASSERT_TRUE(fp.ok());
  SeriesFrame f = fp->TrainingFrame(data, 0, nullptr);
  const int64_t t = 1;  // week ending Friday 2012-01-13 (Sat 7 .. Fri 13)
  std::vector<float> row(fp->num_features());
  fp->Rows(f, std::span<const int64_t>(&t, 1), 0, row.data());
  EXPECT_EQ(row[Col(*fp, "woy")], 2.0f);
  EXPECT_EQ(row[Col(*fp, "month")], 1.0f);
  EXPECT_EQ(row[Col(*fp, "week_of_month")], 2.0f);
  EXPECT_EQ(row[Col(*fp, "paydays")], 0.0f);
  const int64_t t2 = 2;  // Sat 14 .. Fri 20 holds the 15th
  fp->Rows(f, std::span<const int64_t>(&t2, 1), 0, row.data());
  EXPECT_EQ(row[Col(*fp, "paydays")], 1.0f);
  EXPECT_EQ(SeasonKey(Date::FromYmd(2012, 1, 13), weekly.freq()), 1);
  EXPECT_EQ(SeasonKeyCount(Frequency::Monthly()), 12);
  EXPECT_EQ(SeasonKey(Date::FromYmd(2012, 5, 1), Frequency::Monthly()), 4);
}

}  // namespace
}  // namespace retailcast::features
