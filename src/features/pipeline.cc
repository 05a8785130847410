// The feature pipeline: fitting (levels, encodings, mean prices, forecast tails), frames and
// rows (the families of families.h in column order), and the saved state.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "families.h"
#include "static_fit.h"

namespace retailcast::features {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view kStateTag = "feature_pipeline";
constexpr uint64_t kStateVersion = 1;
// Bounds checked when loading, so corrupt state cannot ask for absurd work.
constexpr int64_t kMaxLoadedPeriods = 100000;

Status Corrupt(const std::string& what) {
  return Status::DataError("saved feature pipeline is corrupt: " + what);
}

void PutInts(ByteWriter& w, const std::vector<int>& v) {
  w.PutU64(v.size());
  for (int x : v) w.PutI64(x);
}

Status GetInts(ByteReader& r, std::vector<int>* v, int64_t lo, int64_t hi, const char* what) {
  uint64_t n = 0;
  RETAILCAST_RETURN_IF_ERROR(r.GetU64(&n));
  if (n > 100000) return Corrupt(std::string(what) + " has " + std::to_string(n) + " entries");
  v->clear();
  for (uint64_t k = 0; k < n; ++k) {
    int64_t x = 0;
    RETAILCAST_RETURN_IF_ERROR(r.GetI64(&x));
    if (x < lo || x > hi) return Corrupt(std::string(what) + " value " + std::to_string(x));
    v->push_back(static_cast<int>(x));
  }
  return Status::Ok();
}

void PutStrings(ByteWriter& w, const std::vector<std::string>& v) {
  w.PutU64(v.size());
  for (const auto& s : v) w.PutString(s);
}

Status GetStrings(ByteReader& r, std::vector<std::string>* v) {
  uint64_t n = 0;
  RETAILCAST_RETURN_IF_ERROR(r.GetU64(&n));
  if (n > 10000000) return Corrupt("a string list of " + std::to_string(n) + " entries");
  v->assign(n, {});
  for (auto& s : *v) RETAILCAST_RETURN_IF_ERROR(r.GetString(&s));
  return Status::Ok();
}

void PutFloats(ByteWriter& w, const std::vector<float>& v) {
  w.PutDoubles(std::vector<double>(v.begin(), v.end()));
}

Status GetFloats(ByteReader& r, std::vector<float>* v) {
  std::vector<double> d;
  RETAILCAST_RETURN_IF_ERROR(r.GetDoubles(&d));
  v->assign(d.begin(), d.end());
  return Status::Ok();
}

void PutI64s(ByteWriter& w, const std::vector<int64_t>& v) {
  w.PutU64(v.size());
  for (int64_t x : v) w.PutI64(x);
}

Status GetI64s(ByteReader& r, std::vector<int64_t>* v, size_t expected) {
  uint64_t n = 0;
  RETAILCAST_RETURN_IF_ERROR(r.GetU64(&n));
  if (n != expected) return Corrupt("a per-series array of the wrong length");
  v->assign(n, 0);
  for (auto& x : *v) RETAILCAST_RETURN_IF_ERROR(r.GetI64(&x));
  return Status::Ok();
}

void SaveConfig(ByteWriter& w, const FeatureConfig& c) {
  w.PutString(c.freq.ToString());
  PutInts(w, c.lags);
  PutInts(w, c.windows);
  std::vector<int> stats;
  for (RollingStat s : c.stats) stats.push_back(static_cast<int>(s));
  PutInts(w, stats);
  w.PutU64(c.expanding);
  w.PutU64(c.calendar);
  PutInts(w, c.paydays);
  w.PutString(c.holidays);
  w.PutU64(c.events.size());
  for (const Event& e : c.events) {
    w.PutString(e.name);
    w.PutU64(e.dates.size());
    for (Date d : e.dates) w.PutI64(d.days);
    w.PutI64(e.lower_window);
    w.PutI64(e.upper_window);
    w.PutDouble(e.prior_scale);
  }
  PutStrings(w, c.event_columns);
  w.PutI64(c.event_range);
  w.PutString(c.price_column);
  w.PutString(c.item_attribute);
  w.PutI64(c.price_window);
  PutStrings(w, c.exog);
  PutStrings(w, c.attributes);
  w.PutU64(c.target_encoding);
  w.PutU64(c.scale);
  w.PutI64(c.scale_window);
}

Status GetBool(ByteReader& r, bool* b) {
  uint64_t v = 0;
  RETAILCAST_RETURN_IF_ERROR(r.GetU64(&v));
  if (v > 1) return Corrupt("a flag of value " + std::to_string(v));
  *b = v == 1;
  return Status::Ok();
}

Status GetBounded(ByteReader& r, int* out, int64_t lo, int64_t hi, const char* what) {
  int64_t v = 0;
  RETAILCAST_RETURN_IF_ERROR(r.GetI64(&v));
  if (v < lo || v > hi) return Corrupt(std::string(what) + " " + std::to_string(v));
  *out = static_cast<int>(v);
  return Status::Ok();
}

Status LoadConfig(ByteReader& r, FeatureConfig* c) {
  std::string freq;
  RETAILCAST_RETURN_IF_ERROR(r.GetString(&freq));
  auto f = Frequency::Parse(freq);
  if (!f.ok()) return Corrupt("frequency '" + freq + "'");
  c->freq = *f;
  RETAILCAST_RETURN_IF_ERROR(GetInts(r, &c->lags, 1, kMaxLoadedPeriods, "lag"));
  RETAILCAST_RETURN_IF_ERROR(GetInts(r, &c->windows, 1, kMaxLoadedPeriods, "window"));
  std::vector<int> stats;
  RETAILCAST_RETURN_IF_ERROR(GetInts(r, &stats, 0, 3, "rolling statistic"));
  c->stats.clear();
  for (int s : stats) c->stats.push_back(static_cast<RollingStat>(s));
  RETAILCAST_RETURN_IF_ERROR(GetBool(r, &c->expanding));
  RETAILCAST_RETURN_IF_ERROR(GetBool(r, &c->calendar));
  RETAILCAST_RETURN_IF_ERROR(GetInts(r, &c->paydays, -1, 31, "payday"));
  RETAILCAST_RETURN_IF_ERROR(r.GetString(&c->holidays));
  uint64_t n_events = 0;
  RETAILCAST_RETURN_IF_ERROR(r.GetU64(&n_events));
  if (n_events > 100000) return Corrupt(std::to_string(n_events) + " events");
  c->events.assign(n_events, {});
  for (Event& e : c->events) {
    uint64_t n_dates = 0;
    RETAILCAST_RETURN_IF_ERROR(r.GetString(&e.name));
    RETAILCAST_RETURN_IF_ERROR(r.GetU64(&n_dates));
    if (n_dates > 10000000) return Corrupt("an event of " + std::to_string(n_dates) + " dates");
    for (uint64_t k = 0; k < n_dates; ++k) {
      int64_t d = 0;
      RETAILCAST_RETURN_IF_ERROR(r.GetI64(&d));
      if (d < -1000000 || d > 3000000) return Corrupt("an event date");
      e.dates.push_back(Date{static_cast<int32_t>(d)});
    }
    RETAILCAST_RETURN_IF_ERROR(
        GetBounded(r, &e.lower_window, -kMaxEventWindow, 0, "event lower window"));
    RETAILCAST_RETURN_IF_ERROR(
        GetBounded(r, &e.upper_window, 0, kMaxEventWindow, "event upper window"));
    RETAILCAST_RETURN_IF_ERROR(r.GetDouble(&e.prior_scale));
  }
  RETAILCAST_RETURN_IF_ERROR(GetStrings(r, &c->event_columns));
  RETAILCAST_RETURN_IF_ERROR(GetBounded(r, &c->event_range, 1, 1000, "event range"));
  RETAILCAST_RETURN_IF_ERROR(r.GetString(&c->price_column));
  RETAILCAST_RETURN_IF_ERROR(r.GetString(&c->item_attribute));
  RETAILCAST_RETURN_IF_ERROR(GetBounded(r, &c->price_window, 1, 1000, "price window"));
  RETAILCAST_RETURN_IF_ERROR(GetStrings(r, &c->exog));
  RETAILCAST_RETURN_IF_ERROR(GetStrings(r, &c->attributes));
  RETAILCAST_RETURN_IF_ERROR(GetBool(r, &c->target_encoding));
  RETAILCAST_RETURN_IF_ERROR(GetBool(r, &c->scale));
  RETAILCAST_RETURN_IF_ERROR(GetBounded(r, &c->scale_window, 1, kMaxLoadedPeriods, "scale window"));
  return Status::Ok();
}

}  // namespace

std::string_view FeatureFamilyName(FeatureFamily family) {
  switch (family) {
    case FeatureFamily::kLag:
      return "lag";
    case FeatureFamily::kRolling:
      return "rolling";
    case FeatureFamily::kExpanding:
      return "expanding";
    case FeatureFamily::kCalendar:
      return "calendar";
    case FeatureFamily::kEvent:
      return "event";
    case FeatureFamily::kPrice:
      return "price";
    case FeatureFamily::kExog:
      return "exog";
    case FeatureFamily::kStatic:
      return "static";
  }
  return "?";
}

namespace internal {

InputLayout MakeInputLayout(const FeatureConfig& config) {
  InputLayout l;
  const std::vector<std::string> inputs = config.Inputs();
  auto index = [&](const std::string& name) {
    for (size_t k = 0; k < inputs.size(); ++k) {
      if (inputs[k] == name) return static_cast<int>(k);
    }
    return -1;
  };
  if (!config.price_column.empty()) l.price = index(config.price_column);
  for (const auto& c : config.event_columns) l.events.push_back(index(c));
  for (const auto& c : config.exog) l.exog.push_back(index(c));
  return l;
}

}  // namespace internal

void FeaturePipeline::BuildFeatureList() {
  using namespace internal;  // NOLINT(google-build-using-namespace): .cc file only
  features_.clear();
  void (*names[])(const FeatureConfig&, std::vector<FeatureInfo>*) = {
      LagNames,   RollingNames, ExpandingNames, CalendarNames,
      EventNames, PriceNames,   ExogNames,      StaticNames};
  for (size_t f = 0; f < 8; ++f) {
    family_col_[f] = features_.size();
    names[f](config_, &features_);
  }
  family_col_[8] = features_.size();
}

Result<FeaturePipeline> FeaturePipeline::Fit(FeatureConfig config, const GlobalTrainingData& data,
                                             std::span<const int64_t> encode_end, int max_shift,
                                             ThreadPool& pool, int min_lookback) {
  const Panel& panel = *data.panel;
  const size_t n = data.num_series();
  FeaturePipeline p;
  p.config_ = std::move(config);
  p.max_shift_ = max_shift;
  p.BuildFeatureList();
  const FeatureConfig& c = p.config_;
  const std::vector<std::string> inputs = c.Inputs();
  std::vector<size_t> input_cols;
  for (const auto& name : inputs) {
    auto k = panel.FindExog(name);
    if (!k) return Status::InvalidArgument("exogenous column '" + name + "' is not in the panel");
    input_cols.push_back(*k);
  }
  const internal::InputLayout layout = internal::MakeInputLayout(c);
  const size_t keys = static_cast<size_t>(SeasonKeyCount(c.freq));
  const int64_t tail_len = std::max(c.Lookback(), min_lookback) + max_shift;
  p.scale_.assign(n, 1);
  p.level_.assign(n, 1);
  p.end_.assign(n, 0);
  p.last_date_.assign(n, Date{});
  p.price_mean_.assign(n, kNaN);
  p.item_price_mean_.assign(n, kNaN);
  p.tail_base_.assign(n, 0);
  p.tail_sum_.assign(n, 0);
  p.tail_sumsq_.assign(n, 0);
  p.tail_count_.assign(n, 0);
  p.tail_zeros_.assign(n, 0);
  p.tail_last_nonzero_.assign(n, -1);
  internal::EncodingSums sums;
  sums.sum.assign(n * keys, 0);
  sums.count.assign(n * keys, 0);
  std::vector<char> in_training(n, 0);
  std::vector<double> price_sum(n, 0), price_count(n, 0);
  pool.ParallelFor(n, [&](size_t i) {
    const SeriesView v = data.series(i);
    const int64_t len = static_cast<int64_t>(v.y.size());
    const int64_t enc = encode_end.empty() ? len : std::clamp<int64_t>(encode_end[i], 0, len);
    p.end_[i] = len;
    p.last_date_[i] = c.freq.Advance(v.start, len - 1);
    // Level: mean |y| of the last scale_window observed values before enc; else of all
    // observed training values; else 1.
    double lsum = 0;
    int64_t lcount = 0;
    for (int64_t t = enc - 1; t >= 0 && lcount < c.scale_window; --t) {
      const double y = v.y[static_cast<size_t>(t)];
      if (std::isnan(y)) continue;
      lsum += std::abs(y);
      ++lcount;
    }
    if (!(lsum > 0)) {
      lsum = 0;
      lcount = 0;
      for (double y : v.y) {
        if (std::isnan(y)) continue;
        lsum += std::abs(y);
        ++lcount;
      }
    }
    const double level = lsum > 0 ? lsum / static_cast<double>(lcount) : 1.0;
    p.level_[i] = level;
    p.scale_[i] = c.scale ? level : 1.0;
    const double inv = 1.0 / p.scale_[i];
    // Encodings and mean price over the rows before enc.
    Date d = v.start;
    std::span<const double> price;
    if (layout.price >= 0) {
      price = panel.exog(input_cols[static_cast<size_t>(layout.price)], i);
    }
    for (int64_t t = 0; t < enc; ++t, d = c.freq.Advance(d, 1)) {
      const double y = v.y[static_cast<size_t>(t)];
      if (!price.empty() && !std::isnan(price[static_cast<size_t>(t)])) {
        price_sum[i] += price[static_cast<size_t>(t)];
        price_count[i] += 1;
      }
      if (std::isnan(y)) continue;
      in_training[i] = 1;
      const size_t q = static_cast<size_t>(SeasonKey(d, c.freq));
      sums.sum[i * keys + q] += y * inv;
      sums.count[i * keys + q] += 1;
    }
    if (price_count[i] > 0) p.price_mean_[i] = price_sum[i] / price_count[i];
    // Expanding accumulators up to the forecast tail.
    const int64_t base = std::max<int64_t>(0, len - tail_len);
    p.tail_base_[i] = base;
    for (int64_t t = 0; t < base; ++t) {
      const double y = v.y[static_cast<size_t>(t)];
      if (std::isnan(y)) continue;
      p.tail_sum_[i] += y;
      p.tail_sumsq_[i] += y * y;
      ++p.tail_count_[i];
      if (y == 0) {
        ++p.tail_zeros_[i];
      } else {
        p.tail_last_nonzero_[i] = t;
      }
    }
  });
  sums.in_training.assign(in_training.begin(), in_training.end());
  if (std::none_of(in_training.begin(), in_training.end(), [](char b) { return b != 0; })) {
    return Status::DataError("no series has an observed value in its training part");
  }
  // Item mean prices: pooled over the series (stores) of each item.
  if (!c.item_attribute.empty()) {
    const size_t col = *panel.FindAttribute(c.item_attribute);
    std::map<std::string_view, std::pair<double, double>> item;
    for (size_t i = 0; i < n; ++i) {
      auto& acc = item[panel.attribute(col, i)];
      acc.first += price_sum[i];
      acc.second += price_count[i];
    }
    for (size_t i = 0; i < n; ++i) {
      const auto& acc = item[panel.attribute(col, i)];
      if (acc.second > 0) p.item_price_mean_[i] = acc.first / acc.second;
    }
  }
  internal::StaticState st;
  internal::FitEncodings(c, panel, sums, p.level_, &st);
  p.vocab_ = std::move(st.vocab);
  p.codes_ = std::move(st.codes);
  p.te_pos_ = std::move(st.te_pos);
  p.te_attr_pos_ = std::move(st.te_attr_pos);
  p.te_attr_level_ = std::move(st.te_attr_level);
  // Forecast tails.
  p.tail_offset_.assign(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    p.tail_offset_[i + 1] = p.tail_offset_[i] + static_cast<uint64_t>(p.end_[i] - p.tail_base_[i]);
  }
  p.tail_y_.assign(p.tail_offset_[n], kNaN);
  p.tail_inputs_.assign(inputs.size(), std::vector<double>(p.tail_offset_[n], kNaN));
  pool.ParallelFor(n, [&](size_t i) {
    const SeriesView v = data.series(i);
    const uint64_t off = p.tail_offset_[i];
    for (int64_t t = p.tail_base_[i]; t < p.end_[i]; ++t) {
      const uint64_t at = off + static_cast<uint64_t>(t - p.tail_base_[i]);
      p.tail_y_[at] = v.y[static_cast<size_t>(t)];
      for (size_t k = 0; k < inputs.size(); ++k) {
        p.tail_inputs_[k][at] = panel.exog(input_cols[k], i)[static_cast<size_t>(t)];
      }
    }
  });
  return p;
}

EventCalendar FeaturePipeline::Calendar(Date first, Date last) const {
  return internal::BuildEventCalendar(config_, first, last);
}

SeriesFrame FeaturePipeline::TrainingFrame(const GlobalTrainingData& data, size_t i,
                                           const EventCalendar* calendar) const {
  SeriesFrame f;
  f.series = i;
  f.base = 0;
  const SeriesView v = data.series(i);
  f.first = v.start;
  f.y = v.y;
  for (const auto& name : config_.Inputs()) {
    auto k = data.panel->FindExog(name);
    f.inputs.push_back(k ? data.panel->exog(*k, i).first(v.y.size()) : std::span<const double>{});
  }
  f.calendar = calendar;
  return f;
}

Result<SeriesFrame> FeaturePipeline::ForecastFrame(size_t i, int horizon,
                                                   const FutureRegressors* future,
                                                   const EventCalendar* calendar,
                                                   std::string_view model,
                                                   std::string_view series_id) const {
  SeriesFrame f;
  f.series = i;
  f.base = tail_base_[i];
  const int64_t tail = end_[i] - tail_base_[i];
  const uint64_t off = tail_offset_[i];
  f.first = config_.freq.Advance(last_date_[i], 1 - tail);
  f.own_y.assign(tail_y_.begin() + static_cast<std::ptrdiff_t>(off),
                 tail_y_.begin() + static_cast<std::ptrdiff_t>(off + static_cast<uint64_t>(tail)));
  f.own_y.resize(static_cast<size_t>(tail + horizon), kNaN);
  const std::vector<std::string> inputs = config_.Inputs();
  f.own_inputs.resize(inputs.size());
  for (size_t k = 0; k < inputs.size(); ++k) {
    std::span<const double> values =
        future == nullptr ? std::span<const double>{} : future->Find(inputs[k]);
    if (values.empty()) {
      return Status::InvalidArgument(
          "model '" + std::string(model) + "', series '" + std::string(series_id) +
          "': the model was fitted with exogenous column '" + inputs[k] +
          "' but no future values of it were given; give them in the future file (--future) "
          "or fit with exog=none (and price_column=none, event_columns=none)");
    }
    std::vector<double>& own = f.own_inputs[k];
    own.assign(
        tail_inputs_[k].begin() + static_cast<std::ptrdiff_t>(off),
        tail_inputs_[k].begin() + static_cast<std::ptrdiff_t>(off + static_cast<uint64_t>(tail)));
    for (int h = 0; h < horizon; ++h) {
      own.push_back(static_cast<size_t>(h) < values.size() ? values[static_cast<size_t>(h)] : kNaN);
    }
  }
  f.y = f.own_y;
  for (const auto& own : f.own_inputs) f.inputs.emplace_back(own);
  f.sum = tail_sum_[i];
  f.sumsq = tail_sumsq_[i];
  f.count = tail_count_[i];
  f.zeros = tail_zeros_[i];
  f.last_nonzero = tail_last_nonzero_[i];
  f.calendar = calendar;
  f.forecast_start = tail;
  return f;
}

void FeaturePipeline::Rows(const SeriesFrame& frame, std::span<const int64_t> positions, int shift,
                           float* out) const {
  using namespace internal;  // NOLINT(google-build-using-namespace): .cc file only
  const size_t i = frame.series;
  const size_t keys = static_cast<size_t>(SeasonKeyCount(config_.freq));
  const size_t n_attr = config_.attributes.size();
  SeriesValues v;
  v.scale = scale_[i];
  v.level = level_[i];
  v.price_mean = price_mean_[i];
  v.item_price_mean = item_price_mean_[i];
  v.codes = std::span<const int32_t>(codes_).subspan(i * n_attr, n_attr);
  if (config_.target_encoding) {
    v.te_pos = std::span<const float>(te_pos_).subspan(i * keys, keys);
    for (size_t a = 0; a < n_attr; ++a) {
      const int32_t code = v.codes[a];
      if (code < 0) {
        v.te_attr_pos.emplace_back();
        v.te_attr_level.push_back(0);
        continue;
      }
      v.te_attr_pos.push_back(
          std::span<const float>(te_attr_pos_[a]).subspan(static_cast<size_t>(code) * keys, keys));
      v.te_attr_level.push_back(te_attr_level_[a][static_cast<size_t>(code)]);
    }
  }
  const InputLayout layout = MakeInputLayout(config_);
  RowBatch b{config_, layout, frame, v, positions, shift, out, features_.size()};
  ComputeLags(b, family_col_[0]);
  ComputeRolling(b, family_col_[1]);
  ComputeExpanding(b, family_col_[2]);
  ComputeCalendar(b, family_col_[3]);
  ComputeEvents(b, family_col_[4]);
  ComputePrice(b, family_col_[5]);
  ComputeExog(b, family_col_[6]);
  ComputeStatic(b, family_col_[7]);
}

void FeaturePipeline::TargetWindows(const SeriesFrame& frame, std::span<const int64_t> positions,
                                    int shift, int width, float* out) const {
  const int64_t n = static_cast<int64_t>(frame.y.size());
  const double inv = 1.0 / scale_[frame.series];
  for (size_t r = 0; r < positions.size(); ++r) {
    const int64_t e = positions[r] - shift;
    for (int j = 0; j < width; ++j) {
      const int64_t p = e - width + j;
      const double y = p >= 0 && p < n ? frame.y[static_cast<size_t>(p)] : kNaN;
      out[r * static_cast<size_t>(width) + static_cast<size_t>(j)] = internal::ToFeature(y * inv);
    }
  }
}

void FeaturePipeline::Save(ByteWriter& w) const {
  w.PutString(kStateTag);
  w.PutU64(kStateVersion);
  SaveConfig(w, config_);
  w.PutI64(max_shift_);
  w.PutDoubles(scale_);
  w.PutDoubles(level_);
  PutI64s(w, end_);
  std::vector<int64_t> last;
  for (Date d : last_date_) last.push_back(d.days);
  PutI64s(w, last);
  w.PutDoubles(price_mean_);
  w.PutDoubles(item_price_mean_);
  std::vector<int64_t> codes(codes_.begin(), codes_.end());
  PutI64s(w, codes);
  PutFloats(w, te_pos_);
  w.PutU64(vocab_.size());
  for (size_t a = 0; a < vocab_.size(); ++a) {
    PutStrings(w, vocab_[a]);
    PutFloats(w, te_attr_pos_[a]);
    PutFloats(w, te_attr_level_[a]);
  }
  PutI64s(w, tail_base_);
  w.PutDoubles(tail_y_);
  w.PutU64(tail_inputs_.size());
  for (const auto& t : tail_inputs_) w.PutDoubles(t);
  w.PutDoubles(tail_sum_);
  w.PutDoubles(tail_sumsq_);
  PutI64s(w, tail_count_);
  PutI64s(w, tail_zeros_);
  PutI64s(w, tail_last_nonzero_);
}

Result<FeaturePipeline> FeaturePipeline::Load(ByteReader& r) {
  std::string tag;
  uint64_t version = 0;
  if (!r.GetString(&tag).ok() || tag != kStateTag || !r.GetU64(&version).ok() ||
      version != kStateVersion) {
    return Corrupt("not a feature pipeline state of version " + std::to_string(kStateVersion));
  }
  FeaturePipeline p;
  RETAILCAST_RETURN_IF_ERROR(LoadConfig(r, &p.config_));
  int64_t max_shift = 0;
  RETAILCAST_RETURN_IF_ERROR(r.GetI64(&max_shift));
  if (max_shift < 0 || max_shift > kMaxLoadedPeriods) return Corrupt("max shift");
  p.max_shift_ = static_cast<int>(max_shift);
  RETAILCAST_RETURN_IF_ERROR(r.GetDoubles(&p.scale_));
  const size_t n = p.scale_.size();
  RETAILCAST_RETURN_IF_ERROR(r.GetDoubles(&p.level_));
  RETAILCAST_RETURN_IF_ERROR(GetI64s(r, &p.end_, n));
  std::vector<int64_t> last;
  RETAILCAST_RETURN_IF_ERROR(GetI64s(r, &last, n));
  for (int64_t d : last) {
    if (d < -1000000 || d > 3000000) return Corrupt("a last date");
    p.last_date_.push_back(Date{static_cast<int32_t>(d)});
  }
  RETAILCAST_RETURN_IF_ERROR(r.GetDoubles(&p.price_mean_));
  RETAILCAST_RETURN_IF_ERROR(r.GetDoubles(&p.item_price_mean_));
  const size_t n_attr = p.config_.attributes.size();
  const size_t keys = static_cast<size_t>(SeasonKeyCount(p.config_.freq));
  std::vector<int64_t> codes;
  RETAILCAST_RETURN_IF_ERROR(GetI64s(r, &codes, n * n_attr));
  RETAILCAST_RETURN_IF_ERROR(GetFloats(r, &p.te_pos_));
  uint64_t n_vocab = 0;
  RETAILCAST_RETURN_IF_ERROR(r.GetU64(&n_vocab));
  if (p.level_.size() != n || p.price_mean_.size() != n || p.item_price_mean_.size() != n ||
      n_vocab != n_attr || p.te_pos_.size() != (p.config_.target_encoding ? n * keys : 0)) {
    return Corrupt("per-series arrays of inconsistent lengths");
  }
  for (size_t i = 0; i < n; ++i) {
    if (!(p.scale_[i] > 0) || !std::isfinite(p.scale_[i]) || !(p.level_[i] > 0) ||
        !std::isfinite(p.level_[i]) || p.end_[i] < 0) {
      return Corrupt("the level of series " + std::to_string(i));
    }
  }
  p.vocab_.assign(n_attr, {});
  p.te_attr_pos_.assign(n_attr, {});
  p.te_attr_level_.assign(n_attr, {});
  for (size_t a = 0; a < n_attr; ++a) {
    RETAILCAST_RETURN_IF_ERROR(GetStrings(r, &p.vocab_[a]));
    RETAILCAST_RETURN_IF_ERROR(GetFloats(r, &p.te_attr_pos_[a]));
    RETAILCAST_RETURN_IF_ERROR(GetFloats(r, &p.te_attr_level_[a]));
    const size_t n_codes = p.vocab_[a].size();
    if (p.config_.target_encoding &&
        (p.te_attr_pos_[a].size() != n_codes * keys || p.te_attr_level_[a].size() != n_codes)) {
      return Corrupt("the encodings of attribute '" + p.config_.attributes[a] + "'");
    }
  }
  for (size_t k = 0; k < codes.size(); ++k) {
    const int64_t code = codes[k];
    if (code < -1 || code >= static_cast<int64_t>(p.vocab_[k % n_attr].size())) {
      return Corrupt("an attribute code");
    }
    p.codes_.push_back(static_cast<int32_t>(code));
  }
  RETAILCAST_RETURN_IF_ERROR(GetI64s(r, &p.tail_base_, n));
  p.tail_offset_.assign(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    if (p.tail_base_[i] < 0 || p.tail_base_[i] > p.end_[i] ||
        p.end_[i] - p.tail_base_[i] > kMaxLoadedPeriods) {
      return Corrupt("the forecast tail of series " + std::to_string(i));
    }
    p.tail_offset_[i + 1] = p.tail_offset_[i] + static_cast<uint64_t>(p.end_[i] - p.tail_base_[i]);
  }
  RETAILCAST_RETURN_IF_ERROR(r.GetDoubles(&p.tail_y_));
  uint64_t n_inputs = 0;
  RETAILCAST_RETURN_IF_ERROR(r.GetU64(&n_inputs));
  if (p.tail_y_.size() != p.tail_offset_[n] || n_inputs != p.config_.Inputs().size()) {
    return Corrupt("the forecast tails");
  }
  p.tail_inputs_.assign(n_inputs, {});
  for (auto& t : p.tail_inputs_) {
    RETAILCAST_RETURN_IF_ERROR(r.GetDoubles(&t));
    if (t.size() != p.tail_offset_[n]) return Corrupt("the forecast tails of an input");
  }
  RETAILCAST_RETURN_IF_ERROR(r.GetDoubles(&p.tail_sum_));
  RETAILCAST_RETURN_IF_ERROR(r.GetDoubles(&p.tail_sumsq_));
  RETAILCAST_RETURN_IF_ERROR(GetI64s(r, &p.tail_count_, n));
  RETAILCAST_RETURN_IF_ERROR(GetI64s(r, &p.tail_zeros_, n));
  RETAILCAST_RETURN_IF_ERROR(GetI64s(r, &p.tail_last_nonzero_, n));
  if (p.tail_sum_.size() != n || p.tail_sumsq_.size() != n) return Corrupt("the accumulators");
  p.BuildFeatureList();
  return p;
}

}  // namespace retailcast::features
