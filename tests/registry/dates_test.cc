#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <string>

#include "registry/fields/dates.h"

using tp::registry::AgeAt;
using tp::registry::ParseDate;
using tp::registry::PartialDate;

namespace {

const PartialDate kToday{2025, 6, 15};

std::string Parsed(const std::string& text) {
  auto date = ParseDate(text, kToday);
  return date.ok() ? date->ToString() : "error: " + date.status().message();
}

}  // namespace

TEST_CASE("ParseDate: every accepted full-date form gives the same date", "[dates]") {
  for (const char* text : {"1986-03-07", "1986/3/7", "1986.3.7", "1986年3月7日", "1986年03月07日",
                           "19860307", "1986-3-7", "1986/03/07", "1986年3月7号",
                           "１９８６年３月７日", "１９８６－０３－０７", " 1986-03-07 "}) {
    INFO(text);
    CHECK(Parsed(text) == "1986-03-07");
  }
}

TEST_CASE("ParseDate: year-month forms keep the day unknown", "[dates]") {
  for (const char* text :
       {"198603", "1986-03", "1986.03", "1986年3月", "1986/3", "１９８６．０３"}) {
    INFO(text);
    auto date = ParseDate(text, kToday);
    REQUIRE(date.ok());
    CHECK(date->day == 0);
    CHECK(date->ToString() == "1986-03");
  }
}

TEST_CASE("ParseDate: impossible dates are rejected with the length of the month", "[dates]") {
  CHECK(Parsed("1986年2月30日").find("2月只有28天") != std::string::npos);
  CHECK(Parsed("2023-02-29").find("只有28天") != std::string::npos);
  CHECK(Parsed("2024-02-29") == "2024-02-29");
  CHECK(Parsed("1900-02-29").find("只有28天") != std::string::npos);  // 1900 was not a leap year
  CHECK(Parsed("2000-02-29") == "2000-02-29");
  CHECK(Parsed("1986-04-31").find("只有30天") != std::string::npos);
  CHECK(Parsed("1986-13-01").find("月份") != std::string::npos);
  CHECK(Parsed("1986-00").find("月份") != std::string::npos);
}

TEST_CASE("ParseDate: dates before 1900 or after today are rejected", "[dates]") {
  CHECK(Parsed("1899-12-31").find("早于1900年") != std::string::npos);
  CHECK(Parsed("1900-01-01") == "1900-01-01");
  CHECK(Parsed("2025-06-15") == "2025-06-15");
  CHECK(Parsed("2025-06-16").find("晚于今天（2025-06-15）") != std::string::npos);
  CHECK(Parsed("2025-06") == "2025-06");  // the current month is not in the future
  CHECK(Parsed("2025-07").find("晚于今天") != std::string::npos);
}

TEST_CASE("ParseDate: unrecognised text is rejected with the forms accepted", "[dates]") {
  for (const char* text :
       {"三月七日", "86-3-7", "1986", "1986-3-7-1", "1986/3.7", "1986年", "abc", ""}) {
    INFO(text);
    const std::string result = Parsed(text);
    CHECK(result.rfind("error:", 0) == 0);
    CHECK(result.find("可用格式：1986-03-07") != std::string::npos);
  }
}

TEST_CASE("AgeAt: counts whole years, the birthday itself included", "[dates]") {
  CHECK(AgeAt({1990, 5, 20}, {2025, 5, 19}) == 34);
  CHECK(AgeAt({1990, 5, 20}, {2025, 5, 20}) == 35);
  CHECK(AgeAt({1990, 5, 20}, {2025, 12, 31}) == 35);
  CHECK(AgeAt({1990, 12, 31}, {2025, 1, 1}) == 34);
}

TEST_CASE("AgeAt: with only the month known the birthday counts as the 1st", "[dates]") {
  CHECK(AgeAt({1990, 5, 0}, {2025, 4, 30}) == 34);
  CHECK(AgeAt({1990, 5, 0}, {2025, 5, 1}) == 35);
}

TEST_CASE("AgeAt: someone born on 29 February is a year older on 1 March in common years",
          "[dates]") {
  CHECK(AgeAt({2000, 2, 29}, {2025, 2, 28}) == 24);
  CHECK(AgeAt({2000, 2, 29}, {2025, 3, 1}) == 25);
  CHECK(AgeAt({2000, 2, 29}, {2024, 2, 29}) == 24);
}

TEST_CASE("PartialDate: ToString pads month and day", "[dates]") {
  CHECK(PartialDate{1986, 3, 7}.ToString() == "1986-03-07");
  CHECK(PartialDate{1986, 3, 0}.ToString() == "1986-03");
}

TEST_CASE("Dates: today is Beijing's calendar day whatever the machine's time zone", "[dates]") {
  // 2026-12-31T16:30:00Z is 2027-01-01 00:30 in Beijing; 15:59:59Z is still 2026-12-31 there.
  CHECK(tp::registry::BeijingDate(1798734600) == tp::registry::PartialDate{2027, 1, 1});
  CHECK(tp::registry::BeijingDate(1798732799) == tp::registry::PartialDate{2026, 12, 31});
  // A machine set to UTC-10 (its local date is still 2026-12-31 06:30) agrees with Beijing.
  setenv("TZ", "Pacific/Honolulu", 1);
  tzset();
  const auto today = tp::registry::Today();
  const auto beijing = tp::registry::BeijingDate(std::time(nullptr));
  unsetenv("TZ");
  tzset();
  CHECK(today == beijing);
}
