// Inputs the fuzz targets (tests/fuzz/) found to break the registry's parsers, kept as tests.
#include <catch2/catch.hpp>

#include <string>

#include "registry/fields/dates.h"

namespace tp::registry {
namespace {

const PartialDate kToday{2025, 6, 1};

// date_fuzz: the day's digits were added up before their count was checked, so a long run of
// them overflowed an int (undefined behaviour, reported by UBSan in the sanitizer pass).
TEST_CASE("ParseDate: a day written with far too many digits is refused without overflowing",
          "[dates][fuzz]") {
  for (const std::string text : {"1899-12-3999999999999999991", "2024-1234567890123-01",
                                 "1986年99999999999999月7日", "1986.3.77777777777777777777"}) {
    INFO(text);
    auto date = ParseDate(text, kToday);
    REQUIRE_FALSE(date.ok());
    CHECK(date.status().code() == StatusCode::kInvalidArgument);
    CHECK(date.status().message().find("不是可识别的日期") != std::string::npos);
  }
}

TEST_CASE("ParseDate: two-digit months and days still read after the overflow fix",
          "[dates][fuzz]") {
  auto date = ParseDate("1986年12月31日", kToday);
  REQUIRE(date.ok());
  CHECK(*date == PartialDate{1986, 12, 31});
}

}  // namespace
}  // namespace tp::registry
