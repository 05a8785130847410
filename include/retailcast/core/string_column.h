// A column of strings in one contiguous arena: no heap object per row, so millions of series
// keys cost two allocations.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace retailcast {

class StringColumn {
 public:
  void push_back(std::string_view s) {
    chars_.append(s);
    ends_.push_back(chars_.size());
  }
  std::string_view operator[](size_t i) const {
    size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(chars_).substr(begin, ends_[i] - begin);
  }
  size_t size() const { return ends_.size(); }
  bool empty() const { return ends_.empty(); }
  void reserve(size_t rows, size_t chars) {
    ends_.reserve(rows);
    chars_.reserve(chars);
  }
  size_t memory_bytes() const { return chars_.capacity() + ends_.capacity() * sizeof(uint64_t); }

 private:
  std::string chars_;
  std::vector<uint64_t> ends_;
};

}  // namespace retailcast
