#include <catch2/catch.hpp>

#include <string>

#include "api/rate_limiter.h"

namespace tp::api {
namespace {

using Clock = RateLimiter::Clock;
using std::chrono::milliseconds;

TEST_CASE("RateLimiter: a key gets its burst at once, then waits, and is told how long",
          "[api][ratelimit]") {
  RateLimiter limiter({2, 3});
  const Clock::time_point t0 = Clock::now();
  CHECK(limiter.Allow("token:1", t0));
  CHECK(limiter.Allow("token:1", t0));
  CHECK(limiter.Allow("token:1", t0));
  int retry = 0;
  CHECK_FALSE(limiter.Allow("token:1", t0, &retry));
  CHECK(retry == 1);
  // Half a second at 2/s gives one call back, and only one.
  CHECK(limiter.Allow("token:1", t0 + milliseconds(500)));
  CHECK_FALSE(limiter.Allow("token:1", t0 + milliseconds(500)));
  // Refill stops at the burst.
  const Clock::time_point later = t0 + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) CHECK(limiter.Allow("token:1", later));
  CHECK_FALSE(limiter.Allow("token:1", later));
}

TEST_CASE("RateLimiter: keys have buckets of their own", "[api][ratelimit]") {
  RateLimiter limiter({1, 1});
  const Clock::time_point t0 = Clock::now();
  CHECK(limiter.Allow("token:1", t0));
  CHECK_FALSE(limiter.Allow("token:1", t0));
  CHECK(limiter.Allow("token:2", t0));
  CHECK(limiter.Allow("10.0.0.1", t0));
}

TEST_CASE("RateLimiter: a slow rate asks for a wait of several seconds", "[api][ratelimit]") {
  RateLimiter limiter({0.25, 1});
  const Clock::time_point t0 = Clock::now();
  CHECK(limiter.Allow("k", t0));
  int retry = 0;
  CHECK_FALSE(limiter.Allow("k", t0, &retry));
  CHECK(retry == 4);
}

TEST_CASE("RateLimiter: no limit when the rate is zero", "[api][ratelimit]") {
  RateLimiter limiter({0, 1});
  for (int i = 0; i < 1000; ++i) CHECK(limiter.Allow("k"));
  CHECK(limiter.KeyCount() == 0);
}

TEST_CASE("RateLimiter: memory stays bounded however many keys call", "[api][ratelimit]") {
  RateLimiter limiter({1, 5}, 100);
  const Clock::time_point t0 = Clock::now();
  for (int i = 0; i < 10000; ++i) limiter.Allow("addr:" + std::to_string(i), t0 + milliseconds(i));
  CHECK(limiter.KeyCount() <= 100);
  // An active key that was just limited keeps its state through eviction of idle ones.
  RateLimiter small({1, 1}, 4);
  CHECK(small.Allow("busy", t0));
  CHECK_FALSE(small.Allow("busy", t0));
  for (int i = 0; i < 3; ++i) small.Allow("idle" + std::to_string(i), t0 - std::chrono::hours(1));
  small.Allow("new", t0);
  CHECK_FALSE(small.Allow("busy", t0));
}

}  // namespace
}  // namespace tp::api
