// Per-key request rate limit: a token bucket per key (Turner, "New directions in
// communications", 1986; the classic leaky-bucket-as-meter), refilled at `rate` tokens per
// second up to `burst`. One request takes one token; without a token the request is refused
// (429) and told how long until the next token.
//
// Thread-safety: Allow may be called concurrently.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace retailcast::serve {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // rate <= 0 disables the limit. burst < 1 is taken as max(1, rate).
  RateLimiter(double rate, double burst);

  bool enabled() const { return rate_ > 0; }
  // True when `key` may make a request at `now` (and takes its token); otherwise false with
  // *retry_after_s = seconds until a token is available.
  bool Allow(std::string_view key, Clock::time_point now, double* retry_after_s);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last;
  };
  // Lets find() take a string_view without building a std::string per request.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  double rate_;
  double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket, Hash, std::equal_to<>> buckets_;
};

}  // namespace retailcast::serve
