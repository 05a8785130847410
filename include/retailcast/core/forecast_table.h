// A table of forecasts, column by column: one row per series, date and model with the mean and
// the bounds of every interval level. It is what `retailcast forecast` writes
// (unique_id,ds,model,yhat,lo80,hi80,lo95,hi95), what the store keeps and what the service
// returns.
//
// Layout: series ids and model labels are interned (each distinct string is kept once and rows
// hold its index), dates and values are contiguous columns (one per interval bound), so a
// table of millions of rows holds no string or vector per row. Rows are grouped in blocks: a
// block is a maximal run of consecutive rows of one (series, model) pair, usually the horizon
// of one forecast, so consumers walk whole forecasts without comparing strings.
//
// Thread-safety: const methods may be called concurrently; appending needs exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/model.h"

namespace retailcast {

class ForecastTable {
 public:
  // A run of consecutive rows of one (series, model) pair: rows [begin, end).
  struct Block {
    uint32_t series = 0;  // index into series_ids()
    uint32_t model = 0;   // index into models()
    size_t begin = 0;
    size_t end = 0;
    size_t size() const { return end - begin; }
  };

  // One row: its fields, and its bounds read through the table (valid while the table is
  // neither changed nor destroyed).
  struct RowView {
    RowView(const ForecastTable* t, size_t i)
        : unique_id(t->unique_id(i)),
          model(t->model(i)),
          ds(t->ds(i)),
          yhat(t->yhat(i)),
          table_(t),
          index_(i) {}
    std::string_view unique_id;
    std::string_view model;
    Date ds;
    double yhat;
    double lo(size_t level) const { return table_->lo(level, index_); }
    double hi(size_t level) const { return table_->hi(level, index_); }

   private:
    const ForecastTable* table_;
    size_t index_;
  };

  class RowIterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = RowView;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = RowView;
    RowIterator() = default;
    RowIterator(const ForecastTable* t, size_t i) : t_(t), i_(i) {}
    RowView operator*() const { return {t_, i_}; }
    RowIterator& operator++() {
      ++i_;
      return *this;
    }
    RowIterator operator++(int) {
      RowIterator old = *this;
      ++i_;
      return old;
    }
    difference_type operator-(const RowIterator& o) const {
      return static_cast<difference_type>(i_) - static_cast<difference_type>(o.i_);
    }
    bool operator==(const RowIterator& o) const { return i_ == o.i_; }

   private:
    const ForecastTable* t_ = nullptr;
    size_t i_ = 0;
  };

  struct Rows {
    const ForecastTable* table;
    RowIterator begin() const { return {table, 0}; }
    RowIterator end() const { return {table, table->size()}; }
    size_t size() const { return table->size(); }
    RowView operator[](size_t i) const { return {table, i}; }
  };

  ForecastTable() = default;
  // An empty table with these interval levels (percent, e.g. {80, 95}).
  explicit ForecastTable(std::vector<double> levels);

  const std::vector<double>& levels() const { return levels_; }
  size_t size() const { return ds_.size(); }
  bool empty() const { return ds_.empty(); }

  // The interned strings, in order of first appearance.
  const std::vector<std::string>& series_ids() const { return series_ids_; }
  const std::vector<std::string>& models() const { return models_; }
  const std::vector<Block>& blocks() const { return blocks_; }

  std::string_view unique_id(size_t row) const { return series_ids_[series_[row]]; }
  std::string_view model(size_t row) const { return models_[model_[row]]; }
  uint32_t series_index(size_t row) const { return series_[row]; }
  uint32_t model_index(size_t row) const { return model_[row]; }
  Date ds(size_t row) const { return ds_[row]; }
  double yhat(size_t row) const { return yhat_[row]; }
  // Bounds of levels()[level]; NaN where the model gave no such interval.
  double lo(size_t level, size_t row) const { return lo_[level][row]; }
  double hi(size_t level, size_t row) const { return hi_[level][row]; }
  std::span<const Date> ds_column() const { return ds_; }
  std::span<const double> yhat_column() const { return yhat_; }
  std::span<const double> lo_column(size_t level) const { return lo_[level]; }
  std::span<const double> hi_column(size_t level) const { return hi_[level]; }

  RowView row(size_t i) const { return {this, i}; }
  Rows rows() const { return Rows{this}; }

  // Appends one forecast of series `unique_id` by `model`: fc.mean.size() rows dated
  // freq.Advance(last, 1), ... The bounds of each level of the table come from the forecast's
  // interval of that level when it has one of the right length, else NaN.
  void AppendForecast(std::string_view unique_id, std::string_view model, Date last,
                      const Frequency& freq, const Forecast& fc);
  // Appends one row; `lo` and `hi` hold one bound per level of the table (missing ones NaN).
  void AppendRow(std::string_view unique_id, std::string_view model, Date ds, double yhat,
                 std::span<const double> lo, std::span<const double> hi);
  // Appends the rows of blocks [first, last) of `other`, which has the same levels.
  void AppendBlocks(const ForecastTable& other, size_t first, size_t last);
  void Reserve(size_t rows);

 private:
  uint32_t Intern(std::vector<std::string>* names, std::unordered_map<std::string, uint32_t>* index,
                  std::string_view s);
  // Starts a new block unless the last one is of the same pair.
  void Extend(uint32_t series, uint32_t model);

  std::vector<double> levels_;
  std::vector<std::string> series_ids_;
  std::vector<std::string> models_;
  std::unordered_map<std::string, uint32_t> series_index_;
  std::unordered_map<std::string, uint32_t> model_index_;
  std::vector<Block> blocks_;
  std::vector<uint32_t> series_;
  std::vector<uint32_t> model_;
  std::vector<Date> ds_;
  std::vector<double> yhat_;
  std::vector<std::vector<double>> lo_;  // lo_[level][row]
  std::vector<std::vector<double>> hi_;
};

}  // namespace retailcast
