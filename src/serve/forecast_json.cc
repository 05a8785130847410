#include "forecast_json.h"

#include "requests.h"

namespace retailcast::serve {

void AppendIsoDate(std::string* out, Date d, bool quoted) {
  int y = 0;
  unsigned m = 0, day = 0;
  d.ToYmd(&y, &m, &day);
  char buf[16];
  char* p = buf;
  if (quoted) *p++ = '"';
  if (y < 0 || y > 9999) {
    // Outside four digits: the library's own spelling.
    out->append(buf, p);
    out->append(d.ToString());
    if (quoted) out->push_back('"');
    return;
  }
  auto put = [&p](unsigned v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    p += width;
  };
  put(static_cast<unsigned>(y), 4);
  *p++ = '-';
  put(m, 2);
  *p++ = '-';
  put(day, 2);
  if (quoted) *p++ = '"';
  out->append(buf, p);
}

ForecastJson::ForecastJson(JsonWriter* w, std::vector<double> levels)
    : w_(w), levels_(std::move(levels)), where_(levels_.size(), -1) {
  for (double l : levels_) {
    lo_keys_.push_back(LevelKey("lo", l));
    hi_keys_.push_back(LevelKey("hi", l));
  }
}

const std::string& ForecastJson::Dates(Date last, const Frequency& freq, int horizon) {
  if (dates_valid_ && dates_last_ == last && dates_freq_ == freq && dates_horizon_ == horizon) {
    return dates_;
  }
  dates_.clear();
  dates_.push_back('[');
  for (int t = 0; t < horizon; ++t) {
    if (t > 0) dates_.push_back(',');
    AppendIsoDate(&dates_, freq.Advance(last, t + 1), true);
  }
  dates_.push_back(']');
  dates_valid_ = true;
  dates_last_ = last;
  dates_freq_ = freq;
  dates_horizon_ = horizon;
  return dates_;
}

void ForecastJson::Write(std::string_view unique_id, std::string_view model, Date last,
                         const Frequency& freq, const Forecast& fc, int horizon) {
  const auto h = static_cast<size_t>(horizon);
  // Where each requested level sits in the forecast, by the rule of
  // ForecastTable::AppendForecast.
  for (size_t l = 0; l < levels_.size(); ++l) {
    where_[l] = -1;
    for (size_t k = 0; k < fc.levels.size(); ++k) {
      if (fc.levels[k] == levels_[l] && k < fc.lower.size() && k < fc.upper.size() &&
          fc.lower[k].size() == h && fc.upper[k].size() == h) {
        where_[l] = static_cast<int>(k);
      }
    }
  }
  w_->BeginObject();
  w_->Key("unique_id");
  w_->String(unique_id);
  w_->Key("model");
  w_->String(model);
  w_->Key("ds");
  w_->Raw(Dates(last, freq, horizon));
  auto series = [&](const std::string& key, const std::vector<double>* values) {
    w_->Key(key);
    if (values != nullptr) {
      w_->DoubleArray(std::span<const double>(*values).first(h));
    } else {
      w_->NullArray(h);
    }
  };
  series("yhat", &fc.mean);
  for (size_t l = 0; l < levels_.size(); ++l) {
    const int k = where_[l];
    series(lo_keys_[l], k < 0 ? nullptr : &fc.lower[static_cast<size_t>(k)]);
    series(hi_keys_[l], k < 0 ? nullptr : &fc.upper[static_cast<size_t>(k)]);
  }
  w_->EndObject();
}

void ForecastJson::WriteBlock(const ForecastTable& table, const ForecastTable::Block& block) {
  w_->BeginObject();
  w_->Key("unique_id");
  w_->String(table.series_ids()[block.series]);
  w_->Key("model");
  w_->String(table.models()[block.model]);
  w_->Key("ds");
  w_->BeginArray();
  std::string date;
  for (size_t r = block.begin; r < block.end; ++r) {
    date.clear();
    AppendIsoDate(&date, table.ds(r), true);
    w_->Raw(date);
  }
  w_->EndArray();
  w_->Key("yhat");
  w_->DoubleArray(table.yhat_column().subspan(block.begin, block.size()));
  for (size_t l = 0; l < levels_.size(); ++l) {
    w_->Key(lo_keys_[l]);
    w_->DoubleArray(table.lo_column(l).subspan(block.begin, block.size()));
    w_->Key(hi_keys_[l]);
    w_->DoubleArray(table.hi_column(l).subspan(block.begin, block.size()));
  }
  w_->EndObject();
}

}  // namespace retailcast::serve
