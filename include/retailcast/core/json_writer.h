// A small, fast JSON text writer (the service's replies, the registry's JSON form). The
// service's forecast path writes tens of millions of numbers per second, so it appends straight
// into one std::string: doubles in
// their shortest round-trip form (so a reader gets the exact double back), NaN
// and infinities as null, strings escaped (invalid UTF-8 replaced by U+FFFD, so a reply is
// always valid JSON whatever bytes an error message quotes). Commas are placed automatically.
//
// Not thread-safe; one writer per reply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace retailcast {

class JsonWriter {
 public:
  // Appends to *out, which must outlive the writer.
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // The key of the next member (inside an object).
  void Key(std::string_view key);
  void String(std::string_view value);
  void Double(double value);  // null for NaN or +-infinity
  // [v0,v1,...] with Double's spelling of each value.
  void DoubleArray(std::span<const double> values);
  // [null,null,...] of `n` nulls.
  void NullArray(size_t n);
  void Int(int64_t value);
  void Bool(bool value);
  void Null();
  // Appends `json` (already valid JSON text) as the next value.
  void Raw(std::string_view json);

  // Appends `value` escaped and quoted to *out.
  static void AppendString(std::string* out, std::string_view value);
  // Appends the shortest text that reads back as `value` (NaN/inf: "null").
  static void AppendDouble(std::string* out, double value);
  // The same text written at `p`, which must have room for kMaxDoubleChars bytes; returns
  // the end.
  static constexpr size_t kMaxDoubleChars = 32;
  static char* WriteDouble(char* p, double value);

 private:
  void Separate();

  std::string* out_;
  // One bit per nesting level: set once the level has a first element (so the next one needs
  // a comma). 64 levels is far more than any reply nests.
  uint64_t has_element_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace retailcast
