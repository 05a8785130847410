// Static features of a series: log_level (log of its mean absolute recent training value, so a
// model pooled over series of every size knows which size it forecasts), attr_<a> (the code of
// each static attribute: store, dept, category, state...) and target encodings learned on the
// training rows before each series' encode_end only: te_pos, the series' mean scaled target
// in the row's season position (day of week, ISO week, month or quarter), and per attribute
// te_<a>_pos (the same pooled over the attribute value's series) and te_<a>_level (their mean
// log level). Encodings are m-estimates smoothed towards the series' (attribute value's, all
// series') mean with weight kEncodingSmoothing (Micci-Barreca 2001), so a season position seen
// a few times does not get an extreme value.
#include <algorithm>
#include <cmath>
#include <map>

#include "families.h"
#include "static_fit.h"

namespace retailcast::features::internal {

void StaticNames(const FeatureConfig& config, std::vector<FeatureInfo>* out) {
  out->push_back({"log_level", FeatureFamily::kStatic});
  if (config.target_encoding) out->push_back({"te_pos", FeatureFamily::kStatic});
  for (const auto& a : config.attributes) {
    out->push_back({"attr_" + a, FeatureFamily::kStatic, true});
    if (config.target_encoding) {
      out->push_back({"te_" + a + "_pos", FeatureFamily::kStatic});
      out->push_back({"te_" + a + "_level", FeatureFamily::kStatic});
    }
  }
}

void ComputeStatic(const RowBatch& b, size_t col) {
  const FeatureConfig& config = b.config;
  const SeriesValues& v = b.values;
  const bool te = config.target_encoding;
  const float log_level = ToFeature(std::log(v.level));
  for (size_t r = 0; r < b.positions.size(); ++r) {
    const int key = te ? SeasonKey(b.DateOf(b.positions[r]), config.freq) : 0;
    size_t c = col;
    b.at(r, c++) = log_level;
    if (te) b.at(r, c++) = v.te_pos[static_cast<size_t>(key)];
    for (size_t a = 0; a < config.attributes.size(); ++a) {
      const int32_t code = v.codes[a];
      b.at(r, c++) = code < 0 ? kMissing : static_cast<float>(code);
      if (te) {
        b.at(r, c++) = code < 0 ? kMissing : v.te_attr_pos[a][static_cast<size_t>(key)];
        b.at(r, c++) = code < 0 ? kMissing : v.te_attr_level[a];
      }
    }
  }
}

void FitEncodings(const FeatureConfig& config, const Panel& panel, const EncodingSums& sums,
                  std::span<const double> level, StaticState* out) {
  const size_t n = panel.num_series();
  const size_t keys = static_cast<size_t>(SeasonKeyCount(config.freq));
  const double k = kEncodingSmoothing;
  // Overall mean of the scaled target: the prior of every encoding.
  double all_sum = 0, all_count = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t q = 0; q < keys; ++q) {
      all_sum += sums.sum[i * keys + q];
      all_count += sums.count[i * keys + q];
    }
  }
  const double prior = all_count > 0 ? all_sum / all_count : 1.0;
  if (config.target_encoding) {
    out->te_pos.assign(n * keys, 0);
    for (size_t i = 0; i < n; ++i) {
      double s = 0, c = 0;
      for (size_t q = 0; q < keys; ++q) {
        s += sums.sum[i * keys + q];
        c += sums.count[i * keys + q];
      }
      const double series_prior = SmoothedMean(s, c, prior, k);
      for (size_t q = 0; q < keys; ++q) {
        out->te_pos[i * keys + q] = static_cast<float>(
            SmoothedMean(sums.sum[i * keys + q], sums.count[i * keys + q], series_prior, k));
      }
    }
  }
  const size_t n_attr = config.attributes.size();
  out->vocab.assign(n_attr, {});
  out->codes.assign(n * n_attr, -1);
  out->te_attr_pos.assign(n_attr, {});
  out->te_attr_level.assign(n_attr, {});
  for (size_t a = 0; a < n_attr; ++a) {
    const size_t col = *panel.FindAttribute(config.attributes[a]);
    // Codes in sorted order of the values seen in training, so they do not depend on the order
    // of the series.
    std::map<std::string, int32_t> code_of;
    for (size_t i = 0; i < n; ++i) {
      if (sums.in_training[i]) code_of.emplace(std::string(panel.attribute(col, i)), 0);
    }
    int32_t next = 0;
    for (auto& [value, code] : code_of) {
      code = next++;
      out->vocab[a].push_back(value);
    }
    const size_t n_codes = code_of.size();
    std::vector<double> s(n_codes * keys, 0), c(n_codes * keys, 0), lsum(n_codes, 0),
        lcount(n_codes, 0);
    for (size_t i = 0; i < n; ++i) {
      auto it = code_of.find(std::string(panel.attribute(col, i)));
      if (it == code_of.end()) continue;
      const size_t code = static_cast<size_t>(it->second);
      out->codes[i * n_attr + a] = it->second;
      if (!sums.in_training[i]) continue;
      for (size_t q = 0; q < keys; ++q) {
        s[code * keys + q] += sums.sum[i * keys + q];
        c[code * keys + q] += sums.count[i * keys + q];
      }
      lsum[code] += std::log(level[i]);
      lcount[code] += 1;
    }
    if (!config.target_encoding) continue;
    out->te_attr_pos[a].resize(n_codes * keys);
    out->te_attr_level[a].resize(n_codes);
    for (size_t code = 0; code < n_codes; ++code) {
      double ts = 0, tc = 0;
      for (size_t q = 0; q < keys; ++q) {
        ts += s[code * keys + q];
        tc += c[code * keys + q];
      }
      const double code_prior = SmoothedMean(ts, tc, prior, k);
      for (size_t q = 0; q < keys; ++q) {
        out->te_attr_pos[a][code * keys + q] =
            static_cast<float>(SmoothedMean(s[code * keys + q], c[code * keys + q], code_prior, k));
      }
      out->te_attr_level[a][code] =
          static_cast<float>(lcount[code] > 0 ? lsum[code] / lcount[code] : 0.0);
    }
  }
}

}  // namespace retailcast::features::internal
