#include <catch2/catch.hpp>

#include "registry/base/status.h"

TEST_CASE("Status: each code maps to its HTTP status", "[status]") {
  CHECK(tp::HttpStatusFor(tp::StatusCode::kInvalidArgument) == 400);
  CHECK(tp::HttpStatusFor(tp::StatusCode::kPreconditionFailed) == 412);
  CHECK(tp::HttpStatusFor(tp::StatusCode::kRuleViolated) == 422);
  CHECK(tp::CodeName(tp::StatusCode::kNotFound) == "NOT_FOUND");
  tp::StatusOr<int> bad = tp::InvalidArgument("x");
  CHECK_FALSE(bad.ok());
  tp::StatusOr<int> good = 3;
  CHECK(*good == 3);
}
