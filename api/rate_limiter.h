// Token buckets keyed by a string (an API token's id, a client address):
// each key may make `burst` calls at once and `per_second` calls a second
// after that. Used to slow down token guessing and bulk enrolment checks.
// Memory is bounded: past `max_keys` keys, idle buckets (full again) are
// dropped first, then the longest unused. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tp::api {

struct RateLimit {
  double per_second = 0;  // 0 or less: unlimited
  double burst = 1;
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(RateLimit limit, std::size_t max_keys = 10000);

  // True when `key` may make one more call at `now`. Otherwise false, and
  // *retry_after (when given) is the whole seconds until it may.
  bool Allow(std::string_view key, Clock::time_point now, int* retry_after = nullptr);
  bool Allow(std::string_view key, int* retry_after = nullptr) {
    return Allow(key, Clock::now(), retry_after);
  }

  // Whether `key` could make a call now, without spending it: for limits that count failures,
  // looked at before the attempt and spent after a failed one.
  bool Check(std::string_view key, Clock::time_point now, int* retry_after = nullptr) const;
  bool Check(std::string_view key, int* retry_after = nullptr) const {
    return Check(key, Clock::now(), retry_after);
  }

  std::size_t KeyCount() const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  void Evict(Clock::time_point now);

  const RateLimit limit_;
  const std::size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace tp::api
