#include "api/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tp::api {

RateLimiter::RateLimiter(RateLimit limit, std::size_t max_keys)
    : limit_(limit), max_keys_(std::max<std::size_t>(max_keys, 1)) {}

bool RateLimiter::Allow(std::string_view key, Clock::time_point now, int* retry_after) {
  if (limit_.per_second <= 0) return true;
  const double burst = std::max(limit_.burst, 1.0);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) Evict(now);
    it = buckets_.emplace(std::string(key), Bucket{burst, now}).first;
  }
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.updated).count();
  if (elapsed > 0) {
    b.tokens = std::min(burst, b.tokens + elapsed * limit_.per_second);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  if (retry_after != nullptr) {
    *retry_after = std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / limit_.per_second)));
  }
  return false;
}

bool RateLimiter::Check(std::string_view key, Clock::time_point now, int* retry_after) const {
  if (limit_.per_second <= 0) return true;
  const double burst = std::max(limit_.burst, 1.0);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) return true;
  const double elapsed = std::chrono::duration<double>(now - it->second.updated).count();
  const double tokens =
      std::min(burst, it->second.tokens + std::max(elapsed, 0.0) * limit_.per_second);
  if (tokens >= 1.0) return true;
  if (retry_after != nullptr) {
    *retry_after = std::max(1, static_cast<int>(std::ceil((1.0 - tokens) / limit_.per_second)));
  }
  return false;
}

std::size_t RateLimiter::KeyCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

void RateLimiter::Evict(Clock::time_point now) {
  const double burst = std::max(limit_.burst, 1.0);
  // A bucket that has refilled is indistinguishable from a new one.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    double elapsed = std::chrono::duration<double>(now - it->second.updated).count();
    if (it->second.tokens + elapsed * limit_.per_second >= burst) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  if (buckets_.size() < max_keys_) return;
  // Still full: drop the least recently used half.
  std::vector<std::pair<Clock::time_point, std::string>> by_age;
  by_age.reserve(buckets_.size());
  for (const auto& [k, b] : buckets_) by_age.emplace_back(b.updated, k);
  std::sort(by_age.begin(), by_age.end());
  for (std::size_t i = 0; i < by_age.size() / 2 + 1 && i < by_age.size(); ++i)
    buckets_.erase(by_age[i].second);
}

}  // namespace tp::api
