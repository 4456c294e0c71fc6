// The working-day calendar of data/workdays.tsv against the State Council's notices it was
// written from, and its refusals.
#include "registry/fields/workdays.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "registry/base/paths.h"
#include "support/temp_dir.h"

using tp::registry::PartialDate;
using tp::registry::WorkdayCalendar;

namespace {

const WorkdayCalendar& Calendar() {
  static const WorkdayCalendar calendar = [] {
    auto loaded = WorkdayCalendar::Load(tp::registry::DataDir());
    REQUIRE(loaded.ok());
    return *loaded;
  }();
  return calendar;
}

bool Works(int y, int m, int d) {
  auto works = Calendar().IsWorkday({y, m, d});
  REQUIRE(works.ok());
  return *works;
}

std::vector<std::string> Texts(const std::vector<PartialDate>& dates) {
  std::vector<std::string> out;
  for (const PartialDate& d : dates) out.push_back(d.ToString());
  return out;
}

}  // namespace

TEST_CASE("Workdays: weekdays work, weekends rest, holidays and 调休 as announced", "[workdays]") {
  CHECK(Works(2024, 9, 27));        // a Friday
  CHECK_FALSE(Works(2024, 9, 28));  // a Saturday
  CHECK(Works(2024, 9, 29));        // a Sunday worked for 国庆节
  CHECK_FALSE(Works(2024, 10, 1));
  CHECK_FALSE(Works(2024, 10, 7));  // a Monday of the holiday
  CHECK(Works(2024, 10, 8));
  CHECK(Works(2024, 10, 12));  // a Saturday worked
  CHECK_FALSE(Works(2025, 1, 28));
  CHECK(Works(2025, 2, 8));
  CHECK_FALSE(Works(2025, 10, 8));  // 国庆节、中秋节, eight days in 2025
  CHECK_FALSE(Works(2026, 2, 23));
  CHECK(Works(2026, 2, 28));
  CHECK(Calendar().NoteOf({2024, 9, 29}) == "国庆节调休上班");
  CHECK(Calendar().NoteOf({2024, 9, 27}).empty());
}

TEST_CASE("Workdays: five working days of a 公示 from 27 September 2024 end on 9 October",
          "[workdays]") {
  auto days = Calendar().Workdays({2024, 9, 27}, 5);
  REQUIRE(days.ok());
  CHECK(Texts(*days) == std::vector<std::string>{"2024-09-27", "2024-09-29", "2024-09-30",
                                                 "2024-10-08", "2024-10-09"});
  // Starting on a rest day, the count starts at the next working day.
  auto from_holiday = Calendar().Workdays({2024, 10, 1}, 1);
  REQUIRE(from_holiday.ok());
  CHECK(Texts(*from_holiday) == std::vector<std::string>{"2024-10-08"});
  // Across the new year, into a year the table has.
  auto across = Calendar().Workdays({2025, 12, 31}, 2);
  REQUIRE(across.ok());
  CHECK(Texts(*across) == std::vector<std::string>{"2025-12-31", "2026-01-04"});
}

TEST_CASE("Workdays: a year the table does not have is an error, never a guess", "[workdays]") {
  auto unknown = Calendar().IsWorkday({2027, 3, 1});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message().find("2027年") != std::string::npos);
  CHECK(unknown.status().message().find("2024年、2025年、2026年") != std::string::npos);
  auto running_out = Calendar().Workdays({2026, 12, 28}, 10);
  REQUIRE_FALSE(running_out.ok());
  CHECK(running_out.status().message().find("2027年") != std::string::npos);
  CHECK_FALSE(Calendar().Workdays({2024, 9, 27}, 0).ok());
  CHECK_FALSE(Calendar().Workdays({2024, 2, 30}, 1).ok());
}

TEST_CASE("Workdays: a bad line of the table is named by file and line", "[workdays]") {
  tp::testing::TempDir dir;
  std::ofstream(dir / "workdays.tsv") << "# test\n2024\tyear\t2024年\n2024-09-27\tworkday\t错\n";
  auto loaded = WorkdayCalendar::Load(dir.path());
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().message().find("第3行") != std::string::npos);
  CHECK(loaded.status().message().find("调休上班只在周末") != std::string::npos);
  std::ofstream(dir / "workdays.tsv") << "2025-01-01\tholiday\t元旦\n";
  CHECK(WorkdayCalendar::Load(dir.path()).status().message().find("year") != std::string::npos);
}
