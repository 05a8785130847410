// Text helpers the pipeline's messages share (internal to src/pipeline).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace retailcast::pipeline::internal {

// "a,b,c".
inline std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

// printf into a string as long as the result needs.
template <typename... Args>
std::string Printf(const char* format, Args... args) {
  const int n = std::snprintf(nullptr, 0, format, args...);
  if (n <= 0) return {};
  std::string out(static_cast<size_t>(n), '\0');
  // A std::string owns size() + 1 bytes, so the terminating NUL has room.
  std::snprintf(out.data(), out.size() + 1, format, args...);
  return out;
}

}  // namespace retailcast::pipeline::internal
