// Little binary writer/reader for model state. Doubles are stored as their 8 raw bytes, so a
// model loaded back predicts bit for bit what it predicted before it was saved.
// Format: a sequence of little-endian fields; strings and arrays are length-prefixed (u64).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/status.h"

namespace retailcast {

class ByteWriter {
 public:
  void PutU64(uint64_t v) { PutRaw(&v, sizeof v); }
  void PutI64(int64_t v) { PutRaw(&v, sizeof v); }
  void PutDouble(double v) { PutRaw(&v, sizeof v); }
  void PutString(std::string_view s) {
    PutU64(s.size());
    PutRaw(s.data(), s.size());
  }
  void PutDoubles(std::span<const double> v) {
    PutU64(v.size());
    PutRaw(v.data(), v.size() * sizeof(double));
  }
  const std::string& bytes() const { return bytes_; }
  std::string Release() { return std::move(bytes_); }

 private:
  void PutRaw(const void* p, size_t n) { bytes_.append(static_cast<const char*>(p), n); }
  std::string bytes_;
};

// Reads what ByteWriter wrote. Every getter fails with DataError on truncated input instead
// of reading past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  Status GetU64(uint64_t* v) { return GetRaw(v, sizeof *v); }
  Status GetI64(int64_t* v) { return GetRaw(v, sizeof *v); }
  Status GetDouble(double* v) { return GetRaw(v, sizeof *v); }
  Status GetString(std::string* s) {
    uint64_t n = 0;
    RETAILCAST_RETURN_IF_ERROR(GetU64(&n));
    if (n > bytes_.size() - pos_) return Truncated();
    s->assign(bytes_.substr(pos_, n));
    pos_ += n;
    return Status::Ok();
  }
  Status GetDoubles(std::vector<double>* v) {
    uint64_t n = 0;
    RETAILCAST_RETURN_IF_ERROR(GetU64(&n));
    if (n > (bytes_.size() - pos_) / sizeof(double)) return Truncated();
    v->resize(n);
    return GetRaw(v->data(), n * sizeof(double));
  }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  Status GetRaw(void* p, size_t n) {
    if (n > bytes_.size() - pos_) return Truncated();
    if (n > 0) std::memcpy(p, bytes_.data() + pos_, n);
    pos_ += n;
    return Status::Ok();
  }
  static Status Truncated() { return Status::DataError("model state is truncated or corrupt"); }
  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace retailcast
