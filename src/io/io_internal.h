// Helpers shared by the io readers (not part of the public API).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/status.h"
#include "retailcast/core/string_column.h"
#include "retailcast/io/csv.h"

namespace retailcast::io::internal {

std::string_view Trim(std::string_view s);

// Parses dates of one format through a small direct-mapped cache: retail files repeat the same
// few thousand dates millions of times, and a cache hit is a hash and a memcmp.
class DateParser {
 public:
  explicit DateParser(DateFormat format) : format_(format) {}
  DateFormat format() const { return format_; }
  // False with *reason set when `text` is not a date in the format, or carries a time of
  // day other than midnight (sub-daily data is not supported).
  bool Parse(std::string_view text, Date* out, std::string* reason);

 private:
  struct Entry {
    std::array<char, 22> text{};
    uint8_t size = 0;  // 0 = empty slot
    Date date;
  };
  // Two-way set associative: 2 x 8192 entries (512 KB) keep a retail calendar of a few
  // thousand distinct dates free of conflict misses.
  static constexpr size_t kSlots = 16384;
  DateFormat format_;
  unsigned flip_ = 0;
  std::vector<Entry> cache_ = std::vector<Entry>(kSlots);
};

// Index of column `name` in the reader's header, or DataError "<file>: no column 'x' (the
// <role>); the header has: a, b, c".
Result<int> RequireColumn(const CsvReader& reader, std::string_view name, std::string_view role);

// Name of header column `field` (0-based), or "" when out of range (e.g. -1 = whole row, or
// a field beyond the header in a malformed row).
std::string_view HeaderName(const CsvReader& reader, int field);

// An id -> dense index map whose keys live in one arena (no heap object per key).
class KeyTable {
 public:
  size_t size() const { return keys_.size(); }
  std::string_view key(size_t i) const { return keys_[i]; }
  // Index of `key`; inserts it when absent and sets *inserted.
  uint32_t FindOrInsert(std::string_view key, bool* inserted);
  // Index of `key` or -1.
  int64_t Find(std::string_view key) const;

 private:
  void Rehash(size_t slots);
  StringColumn keys_;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> slots_;  // key index + 1; 0 = empty
};

// Series order: indices of `keys` sorted by key bytes.
std::vector<uint32_t> SortedOrder(const KeyTable& keys);

}  // namespace retailcast::io::internal
