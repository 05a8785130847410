#include "rate_limiter.h"

#include <algorithm>

namespace retailcast::serve {

RateLimiter::RateLimiter(double rate, double burst)
    : rate_(rate), burst_(burst >= 1 ? burst : std::max(1.0, rate)) {}

bool RateLimiter::Allow(std::string_view key, Clock::time_point now, double* retry_after_s) {
  if (rate_ <= 0) return true;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    // A key starts with a full bucket. Keys are authenticated before they get here, so the
    // map is bounded by the number of keys in the store.
    it = buckets_.emplace(std::string(key), Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.last).count();
  if (elapsed > 0) {
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  *retry_after_s = (1 - b.tokens) / rate_;
  return false;
}

}  // namespace retailcast::serve
