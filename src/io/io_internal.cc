#include "io_internal.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace retailcast::io::internal {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

namespace {
uint64_t HashBytes(std::string_view s) { return std::hash<std::string_view>{}(s); }

// "2017-05-01 00:05:00" has a time of day; "2017-05-01 00:00:00" or "...T00:00" do not.
bool HasTimeOfDay(std::string_view s) {
  if (s.size() <= 10) return false;
  size_t cut = s.find_first_of(" T", 8);
  if (cut == std::string_view::npos) return false;
  for (char c : s.substr(cut + 1)) {
    if (c != '0' && c != ':' && c != '.' && c != 'Z') return true;
  }
  return false;
}
}  // namespace

bool DateParser::Parse(std::string_view text, Date* out, std::string* reason) {
  text = Trim(text);
  const bool cacheable = !text.empty() && text.size() <= Entry{}.text.size();
  Entry* slot = nullptr;
  if (cacheable) {
    // FNV-1a: dates are short, so this beats a general-purpose hash.
    uint64_t h = 1469598103934665603ull;
    for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    Entry* set = &cache_[(h ^ (h >> 29)) & (kSlots - 2)];
    for (Entry* e = set; e < set + 2; ++e) {
      if (e->size == text.size() && std::memcmp(e->text.data(), text.data(), text.size()) == 0) {
        *out = e->date;
        return true;
      }
    }
    // Replace an empty way, else alternate between the two.
    slot = set[0].size == 0 ? &set[0] : set[1].size == 0 ? &set[1] : &set[flip_ ^= 1];
  }
  if (text.empty()) {
    *reason = "empty date";
    return false;
  }
  if (HasTimeOfDay(text)) {
    *reason =
        "'" + std::string(text) + "' has a time of day; only daily and coarser data is supported";
    return false;
  }
  Result<Date> d = ParseDate(text, format_);
  if (!d.ok()) {
    *reason =
        "cannot parse date '" + std::string(text) + "' as " + std::string(DateFormatName(format_));
    return false;
  }
  *out = *d;
  if (slot != nullptr) {
    std::memcpy(slot->text.data(), text.data(), text.size());
    slot->size = static_cast<uint8_t>(text.size());
    slot->date = *d;
  }
  return true;
}

Result<int> RequireColumn(const CsvReader& reader, std::string_view name, std::string_view role) {
  int idx = reader.FindColumn(name);
  if (idx >= 0) return idx;
  std::string found;
  for (const std::string& h : reader.header()) {
    if (!found.empty()) found += ", ";
    found += "'" + h + "'";
  }
  return Status::DataError(reader.file().name() + ": no column '" + std::string(name) + "' (" +
                           std::string(role) + "); the header has " +
                           std::to_string(reader.header().size()) + " columns: " + found);
}

std::string_view HeaderName(const CsvReader& reader, int field) {
  if (field < 0 || static_cast<size_t>(field) >= reader.header().size()) return {};
  return reader.header()[static_cast<size_t>(field)];
}

uint32_t KeyTable::FindOrInsert(std::string_view key, bool* inserted) {
  if ((keys_.size() + 1) * 2 > slots_.size()) Rehash(std::max<size_t>(64, slots_.size() * 2));
  uint64_t h = HashBytes(key);
  size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    uint32_t v = slots_[i];
    if (v == 0) {
      keys_.push_back(key);
      hashes_.push_back(h);
      slots_[i] = static_cast<uint32_t>(keys_.size());
      *inserted = true;
      return static_cast<uint32_t>(keys_.size() - 1);
    }
    if (hashes_[v - 1] == h && keys_[v - 1] == key) {
      *inserted = false;
      return v - 1;
    }
  }
}

int64_t KeyTable::Find(std::string_view key) const {
  if (slots_.empty()) return -1;
  uint64_t h = HashBytes(key);
  size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    uint32_t v = slots_[i];
    if (v == 0) return -1;
    if (hashes_[v - 1] == h && keys_[v - 1] == key) return v - 1;
  }
}

void KeyTable::Rehash(size_t slots) {
  slots_.assign(slots, 0);
  size_t mask = slots - 1;
  for (size_t k = 0; k < hashes_.size(); ++k) {
    size_t i = hashes_[k] & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = static_cast<uint32_t>(k + 1);
  }
}

std::vector<uint32_t> SortedOrder(const KeyTable& keys) {
  std::vector<uint32_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return keys.key(a) < keys.key(b); });
  return order;
}

}  // namespace retailcast::io::internal
