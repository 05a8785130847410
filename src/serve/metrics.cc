#include "metrics.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "retailcast/core/json_writer.h"

namespace retailcast::serve {
namespace {

[[noreturn]] void Bug(const std::string& what) {
  std::fprintf(stderr, "retailcast serve: internal error in metrics: %s\n", what.c_str());
  std::abort();
}

void AppendNumber(std::string* out, double v) {
  // The text format spells non-finite values the Go way.
  if (v != v) {
    out->append("NaN");
  } else if (v == std::numeric_limits<double>::infinity()) {
    out->append("+Inf");
  } else if (v == -std::numeric_limits<double>::infinity()) {
    out->append("-Inf");
  } else {
    JsonWriter::AppendDouble(out, v);
  }
}

void AppendHelp(std::string* out, std::string_view help) {
  // HELP text escapes backslash and line feed (not quotes).
  for (char c : help) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

// `{a="x",b="y"` (no closing brace) for the child's labels; nothing when there are none.
void AppendLabels(std::string* out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values) {
  if (names.empty()) return;
  out->push_back('{');
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(names[i]);
    out->append("=\"");
    MetricsRegistry::AppendLabelValue(out, values[i]);
    out->push_back('"');
  }
}

void CloseLabels(std::string* out, const std::vector<std::string>& names) {
  if (!names.empty()) out->push_back('}');
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i + 1 < bounds_.size(); ++i) {
    if (!(bounds_[i] < bounds_[i + 1])) Bug("histogram bounds are not strictly increasing");
  }
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  const size_t b =
      static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[b].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

template <typename M>
template <typename It>
M& Family<M>::Lookup(It begin, It end, size_t n) {
  if (n != label_names_.size()) {
    Bug("metric " + name_ + " takes " + std::to_string(label_names_.size()) + " labels, got " +
        std::to_string(n));
  }
  thread_local std::string key;
  key.clear();
  for (It it = begin; it != end; ++it) {
    if (it != begin) key.push_back('\xff');
    key.append(*it);
  }
  std::lock_guard lock(mu_);
  auto found = children_.find(std::string_view(key));
  if (found != children_.end()) return *found->second.metric;
  Child child;
  for (It it = begin; it != end; ++it) child.values.emplace_back(*it);
  child.metric = make_();
  return *children_.emplace(key, std::move(child)).first->second.metric;
}

template <typename M>
M& Family<M>::WithLabels(std::initializer_list<std::string_view> values) {
  return Lookup(values.begin(), values.end(), values.size());
}

template <typename M>
M& Family<M>::WithLabels(const std::vector<std::string>& values) {
  return Lookup(values.begin(), values.end(), values.size());
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

bool MetricsRegistry::ValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool MetricsRegistry::ValidLabelName(std::string_view name) {
  if (name.empty() || name.substr(0, 2) == "__") return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void MetricsRegistry::AppendLabelValue(std::string* out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '"') {
      out->append("\\\"");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

void MetricsRegistry::CheckNames(const std::string& name,
                                 const std::vector<std::string>& label_names) {
  if (!ValidMetricName(name)) Bug("invalid metric name '" + name + "'");
  for (const auto& l : label_names) {
    if (!ValidLabelName(l) || l == "le") Bug("invalid label name '" + l + "' of " + name);
  }
  for (const auto& e : entries_) {
    if (e.name == name) Bug("metric " + name + " added twice");
  }
}

Family<Counter>& MetricsRegistry::AddCounter(std::string name, std::string help,
                                             std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  CheckNames(name, label_names);
  counters_.push_back(std::unique_ptr<Family<Counter>>(new Family<Counter>(
      name, help, std::move(label_names), [] { return std::make_unique<Counter>(); })));
  entries_.push_back({MetricType::kCounter, counters_.back().get(), nullptr, nullptr,
                      std::move(name), std::move(help), nullptr});
  return *counters_.back();
}

Family<Gauge>& MetricsRegistry::AddGauge(std::string name, std::string help,
                                         std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  CheckNames(name, label_names);
  gauges_.push_back(std::unique_ptr<Family<Gauge>>(new Family<Gauge>(
      name, help, std::move(label_names), [] { return std::make_unique<Gauge>(); })));
  entries_.push_back({MetricType::kGauge, nullptr, gauges_.back().get(), nullptr, std::move(name),
                      std::move(help), nullptr});
  return *gauges_.back();
}

Family<Histogram>& MetricsRegistry::AddHistogram(std::string name, std::string help,
                                                 std::vector<std::string> label_names,
                                                 std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  CheckNames(name, label_names);
  Histogram probe(bounds);  // checks the bounds once, at registration
  histograms_.push_back(std::unique_ptr<Family<Histogram>>(
      new Family<Histogram>(name, help, std::move(label_names),
                            [bounds] { return std::make_unique<Histogram>(bounds); })));
  entries_.push_back({MetricType::kHistogram, nullptr, nullptr, histograms_.back().get(),
                      std::move(name), std::move(help), nullptr});
  return *histograms_.back();
}

void MetricsRegistry::AddCallbackGauge(std::string name, std::string help,
                                       std::function<double()> read) {
  std::lock_guard lock(mu_);
  CheckNames(name, {});
  entries_.push_back(
      {MetricType::kGauge, nullptr, nullptr, nullptr, std::move(name), std::move(help), read});
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out.reserve(4096);
  auto header = [&](const Entry& e, std::string_view type) {
    out.append("# HELP ").append(e.name).push_back(' ');
    AppendHelp(&out, e.help);
    out.append("\n# TYPE ").append(e.name).push_back(' ');
    out.append(type).push_back('\n');
  };
  auto simple = [&](const auto& family) {
    std::lock_guard family_lock(family.mu_);
    for (const auto& [key, child] : family.children_) {
      out.append(family.name_);
      AppendLabels(&out, family.label_names_, child.values);
      CloseLabels(&out, family.label_names_);
      out.push_back(' ');
      AppendNumber(&out, child.metric->value());
      out.push_back('\n');
    }
  };
  for (const Entry& e : entries_) {
    switch (e.type) {
      case MetricType::kCounter:
        header(e, "counter");
        simple(*e.counter);
        break;
      case MetricType::kGauge:
        header(e, "gauge");
        if (e.read) {
          out.append(e.name).push_back(' ');
          AppendNumber(&out, e.read());
          out.push_back('\n');
        } else {
          simple(*e.gauge);
        }
        break;
      case MetricType::kHistogram: {
        header(e, "histogram");
        const Family<Histogram>& f = *e.histogram;
        std::lock_guard family_lock(f.mu_);
        std::vector<std::string> names = f.label_names_;
        names.push_back("le");
        for (const auto& [key, child] : f.children_) {
          const Histogram& h = *child.metric;
          const std::vector<uint64_t> counts = h.CumulativeCounts();
          std::vector<std::string> values = child.values;
          values.emplace_back();
          for (size_t b = 0; b <= h.bounds().size(); ++b) {
            values.back().clear();
            if (b < h.bounds().size()) {
              AppendNumber(&values.back(), h.bounds()[b]);
            } else {
              values.back() = "+Inf";
            }
            out.append(f.name_).append("_bucket");
            AppendLabels(&out, names, values);
            out.append("} ");
            AppendNumber(&out, static_cast<double>(counts[b]));
            out.push_back('\n');
          }
          out.append(f.name_).append("_sum");
          AppendLabels(&out, f.label_names_, child.values);
          CloseLabels(&out, f.label_names_);
          out.push_back(' ');
          AppendNumber(&out, h.sum());
          out.push_back('\n');
          out.append(f.name_).append("_count");
          AppendLabels(&out, f.label_names_, child.values);
          CloseLabels(&out, f.label_names_);
          out.push_back(' ');
          // The +Inf bucket, so _count always equals it even while observations race.
          AppendNumber(&out, static_cast<double>(counts.back()));
          out.push_back('\n');
        }
        break;
      }
    }
  }
  return out;
}

}  // namespace retailcast::serve
