// The fast path of ParseForecastRequest for the common stored-series request,
// {"series": [...], "horizon": H, "levels": [...], "artifact": "...", "models": [...]}, read
// in one pass without building a JSON document. Building nlohmann's document (a std::map per
// object, a heap string per key and value) was the largest cost the service added to a
// one-series request (about 9 % of the server's CPU under wrk; docs/benchmarks.md).
//
// It accepts a strict subset of what the general parser accepts and must give the same
// result there: ASCII strings without escapes, plain integers, no duplicate fields, every
// value valid. Anything else returns false and the general parser reads the body (and words
// the error). serve_request_fuzz checks the agreement on every input it generates.
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include "requests.h"
#include "retailcast/core/model.h"

namespace retailcast::serve {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  void SkipSpace() {
    while (p_ < s_.size() &&
           (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r')) {
      ++p_;
    }
  }
  bool Eat(char c) {
    SkipSpace();
    if (p_ >= s_.size() || s_[p_] != c) return false;
    ++p_;
    return true;
  }
  bool AtEnd() {
    SkipSpace();
    return p_ == s_.size();
  }
  // A string of printable ASCII without escapes; false for anything else.
  bool PlainString(std::string_view* out) {
    if (!Eat('"')) return false;
    const size_t start = p_;
    while (p_ < s_.size() && s_[p_] != '"') {
      const unsigned char c = static_cast<unsigned char>(s_[p_]);
      if (c < 0x20 || c > 0x7e || c == '\\') return false;
      ++p_;
    }
    if (p_ == s_.size()) return false;
    *out = s_.substr(start, p_ - start);
    ++p_;
    return true;
  }
  // A JSON integer without sign, fraction or exponent, at most 9 digits.
  bool PlainInt(int64_t* out) {
    SkipSpace();
    const size_t start = p_;
    while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') ++p_;
    const size_t n = p_ - start;
    if (n == 0 || n > 9 || (n > 1 && s_[start] == '0')) return false;
    // A fraction or exponent makes it a JSON float, which the general parser types apart.
    if (p_ < s_.size() && (s_[p_] == '.' || s_[p_] == 'e' || s_[p_] == 'E')) return false;
    std::from_chars(s_.data() + start, s_.data() + p_, *out);
    return true;
  }
  // '[' item (',' item)* ']' with at least one item.
  template <typename Item>
  bool Array(Item&& item) {
    if (!Eat('[')) return false;
    do {
      if (!item()) return false;
    } while (Eat(','));
    return Eat(']');
  }
  // A non-empty array of plain strings, appended to *out.
  bool StringArray(std::vector<std::string>* out) {
    return Array([&] {
      std::string_view v;
      if (!PlainString(&v)) return false;
      out->emplace_back(v);
      return true;
    });
  }

 private:
  std::string_view s_;
  size_t p_ = 0;
};

}  // namespace

bool TryParseStoredForecast(std::string_view body, const RequestLimits& limits,
                            ForecastRequest* out) {
  Reader r(body);
  ForecastRequest req;
  bool has_series = false, has_horizon = false, has_levels = false, has_artifact = false,
       has_models = false;
  if (!r.Eat('{')) return false;
  do {
    std::string_view key;
    if (!r.PlainString(&key) || !r.Eat(':')) return false;
    if (key == "series" && !has_series) {
      has_series = true;
      if (!r.StringArray(&req.series) || req.series.size() > limits.max_series) return false;
    } else if (key == "horizon" && !has_horizon) {
      has_horizon = true;
      int64_t h = 0;
      if (!r.PlainInt(&h) || h < 1 || h > kMaxHorizon) return false;
      req.horizon = static_cast<int>(h);
    } else if (key == "levels" && !has_levels) {
      has_levels = true;
      req.levels.clear();
      const bool ok = r.Array([&] {
        int64_t level = 0;
        if (!r.PlainInt(&level) || level < 1 || level > 99) return false;
        const double v = static_cast<double>(level);
        for (double seen : req.levels) {
          if (seen == v) return false;
        }
        req.levels.push_back(v);
        return true;
      });
      if (!ok) return false;
    } else if (key == "artifact" && !has_artifact) {
      has_artifact = true;
      std::string_view name;
      if (!r.PlainString(&name)) return false;
      req.artifact = std::string(name);
    } else if (key == "models" && !has_models) {
      has_models = true;
      if (!r.StringArray(&req.models)) return false;
    } else {
      return false;  // another field, or one given twice
    }
  } while (r.Eat(','));
  if (!r.Eat('}') || !r.AtEnd() || !has_series || !has_horizon) return false;
  *out = std::move(req);
  return true;
}

}  // namespace retailcast::serve
