// Panel: many time series on one frequency, in a CSR layout.
//
// All values live in one contiguous double array; series i occupies
// [offsets[i], offsets[i+1]) and starts at its own date, so series of different lengths and
// start dates share one allocation. NaN marks a missing observation. Exogenous columns
// (price, promotion, temperature...) are further arrays with the same offsets, so exogenous
// value k of series i at position t sits at the same place as the target value. Static
// attributes (store, dept, category, state...) are string columns, one row per series.
//
// Thread-safety: const methods may be called concurrently; writers need exclusive access.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/status.h"
#include "retailcast/core/string_column.h"
#include "retailcast/core/time_index.h"

namespace retailcast {

class Panel;

// A read-only view of one series of a panel (or of standalone arrays). Cheap to copy; valid
// while the panel it points into lives and is not resized.
struct SeriesView {
  std::string_view id;
  Date start;
  Frequency freq;
  std::span<const double> y;
  const Panel* panel = nullptr;  // null for a standalone series (no exogenous columns)
  size_t index = 0;              // position of the series in `panel`

  TimeIndex time_index() const { return TimeIndex{start, freq, static_cast<int64_t>(y.size())}; }
  // Values of exogenous column `name` over the same dates; empty span when absent.
  std::span<const double> exog(std::string_view name) const;
  // A view of the first n observations (n <= y.size()).
  SeriesView Head(size_t n) const {
    SeriesView v = *this;
    v.y = y.first(n);
    return v;
  }
};

class Panel {
 public:
  Panel() = default;
  explicit Panel(Frequency freq) : freq_(freq) {}
  // Copies and moves drop the id index: its keys point into the source's id storage.
  Panel(const Panel& other);
  Panel(Panel&& other) noexcept;
  Panel& operator=(const Panel& other);
  Panel& operator=(Panel&& other) noexcept;
  ~Panel() = default;

  const Frequency& freq() const { return freq_; }
  void set_freq(Frequency freq) { freq_ = freq; }

  size_t num_series() const { return starts_.size(); }
  size_t num_values() const { return values_.size(); }
  std::string_view id(size_t i) const { return ids_[i]; }
  Date start(size_t i) const { return starts_[i]; }
  Date end(size_t i) const { return freq_.Advance(starts_[i], length(i) - 1); }
  int64_t length(size_t i) const { return static_cast<int64_t>(offsets_[i + 1] - offsets_[i]); }
  std::span<const double> values(size_t i) const {
    return {values_.data() + offsets_[i], static_cast<size_t>(length(i))};
  }
  std::span<double> mutable_values(size_t i) {
    return {values_.data() + offsets_[i], static_cast<size_t>(length(i))};
  }
  SeriesView series(size_t i) const;
  const std::vector<uint64_t>& offsets() const { return offsets_; }
  const std::vector<double>& data() const { return values_; }
  std::vector<double>& mutable_data() { return values_; }

  // Position of the series with this id; std::nullopt when absent. Builds a hash index on
  // first use (not thread-safe on the first call; call BuildIdIndex() before sharing).
  std::optional<size_t> Find(std::string_view id) const;
  void BuildIdIndex() const;

  // Appends a series of `length` NaN values (and NaN exogenous values) and returns its
  // position; fill it through mutable_values(). `attributes` must have one value per
  // attribute column (empty when there are none). Duplicate ids are the caller's bug.
  size_t AddSeries(std::string_view id, Date start, int64_t length,
                   std::span<const std::string_view> attributes = {});
  // Appends a series with the given values.
  size_t AddSeries(std::string_view id, Date start, std::span<const double> values,
                   std::span<const std::string_view> attributes = {});
  // Reserves room for `series` series and `values` values (and exogenous values). Large
  // value arrays are backed by transparent huge pages where the OS supports it: filling a
  // fresh 474 MB M5-size array costs ~116,000 page faults with 4 KiB pages, which profiling
  // showed to be most of a store load's time.
  void Reserve(size_t series, size_t values);

  // Exogenous columns: same layout as the values.
  size_t num_exog() const { return exog_names_.size(); }
  const std::string& exog_name(size_t k) const { return exog_names_[k]; }
  // Adds a NaN-filled column; InvalidArgument when the name exists.
  Result<size_t> AddExogColumn(std::string name);
  std::optional<size_t> FindExog(std::string_view name) const;
  std::span<const double> exog(size_t k, size_t i) const {
    return {exog_values_[k].data() + offsets_[i], static_cast<size_t>(length(i))};
  }
  std::span<double> mutable_exog(size_t k, size_t i) {
    return {exog_values_[k].data() + offsets_[i], static_cast<size_t>(length(i))};
  }

  // Static attributes: declare the columns before adding series.
  // FailedPrecondition when series exist already.
  Status SetAttributeNames(std::vector<std::string> names);
  size_t num_attributes() const { return attr_names_.size(); }
  const std::string& attribute_name(size_t a) const { return attr_names_[a]; }
  std::optional<size_t> FindAttribute(std::string_view name) const;
  std::string_view attribute(size_t a, size_t i) const { return attrs_[a][i]; }

  // Bytes held by the panel's arrays (capacity, not size).
  size_t memory_bytes() const;

 private:
  Frequency freq_;
  StringColumn ids_;
  std::vector<Date> starts_;
  std::vector<uint64_t> offsets_{0};
  std::vector<double> values_;
  std::vector<std::string> exog_names_;
  std::vector<std::vector<double>> exog_values_;
  std::vector<std::string> attr_names_;
  std::vector<StringColumn> attrs_;
  mutable std::unordered_map<std::string_view, size_t> id_index_;
};

}  // namespace retailcast
