// A small Prometheus metrics registry: counters, gauges and histograms with labels, rendered
// in the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/). Written here because Debian
// 12 has no prometheus-cpp package; it covers what the service exports and nothing more.
//
// A family is one metric name with fixed label names; WithLabels returns the child for a set
// of label values (created on first use, then stable for the registry's lifetime, so callers
// may keep the reference). Updates are lock-free atomics; WithLabels takes a mutex for the
// lookup. Names and label names are checked when a family is added: a bad one is a bug of ours
// and aborts.
//
// Thread-safety: every method may be called concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace retailcast::serve {

class Counter {
 public:
  // `v` must be >= 0 (counters only go up).
  void Inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds`: the upper bounds of the buckets, strictly increasing (the +Inf bucket is
  // implicit).
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound plus the +Inf bucket (= count), and the sum.
  std::vector<uint64_t> CumulativeCounts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // non-cumulative, bounds_.size() + 1
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

enum class MetricType { kCounter, kGauge, kHistogram };

// One metric name with its label names and its children.
template <typename M>
class Family {
 public:
  // The child for `values` (one per label name, in order; a wrong count is a bug and aborts).
  M& WithLabels(std::initializer_list<std::string_view> values);
  M& WithLabels(const std::vector<std::string>& values);

 private:
  friend class MetricsRegistry;
  struct Child {
    std::vector<std::string> values;
    std::unique_ptr<M> metric;
  };
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<M>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        make_(std::move(make)) {}
  template <typename It>
  M& Lookup(It begin, It end, size_t n);

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<M>()> make_;
  mutable std::mutex mu_;
  // Keyed by the label values joined with '\xff' (a byte that cannot occur in UTF-8), so the
  // render order is stable.
  std::map<std::string, Child, std::less<>> children_;
};

class MetricsRegistry {
 public:
  Family<Counter>& AddCounter(std::string name, std::string help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(std::string name, std::string help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> label_names, std::vector<double> bounds);
  // A gauge without labels whose value `read` computes at each scrape (e.g. resident memory).
  void AddCallbackGauge(std::string name, std::string help, std::function<double()> read);

  // Every family in the order added, in the text exposition format.
  std::string Render() const;

  // Label value escaping of the text format: backslash, double quote and line feed.
  static void AppendLabelValue(std::string* out, std::string_view value);
  // Whether `name` is a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) / label name
  // ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__").
  static bool ValidMetricName(std::string_view name);
  static bool ValidLabelName(std::string_view name);

 private:
  struct Entry {
    MetricType type;
    Family<Counter>* counter = nullptr;
    Family<Gauge>* gauge = nullptr;
    Family<Histogram>* histogram = nullptr;
    std::string name;
    std::string help;
    std::function<double()> read;
  };
  void CheckNames(const std::string& name, const std::vector<std::string>& label_names);

  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  std::vector<std::unique_ptr<Family<Counter>>> counters_;
  std::vector<std::unique_ptr<Family<Gauge>>> gauges_;
  std::vector<std::unique_ptr<Family<Histogram>>> histograms_;
};

}  // namespace retailcast::serve
