// Dates as people write them on Chinese forms: 1986-03-07, 1986/3/7, 1986.3.7,
// 1986年3月7日, 19860307, and year-month only (出生年月): 1986-03, 1986.03,
// 198603, 1986年3月; full-width digits are accepted. ParseDate rejects dates that
// do not exist (2月30日), dates before 1900 and dates after today, with a message
// in Chinese that lists the accepted forms.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "registry/base/status.h"

namespace tp::registry {

struct PartialDate {
  int year = 0;
  int month = 0;
  int day = 0;  // 0: only the year and month are known

  // "1986-03-07", or "1986-03" when the day is unknown.
  std::string ToString() const;

  friend auto operator<=>(const PartialDate&, const PartialDate&) = default;
};

// Today's date in Beijing time (UTC+08:00, no daylight saving), whatever the machine's time
// zone: rounds' windows and ages are counted in China's calendar days.
PartialDate Today();
// The Beijing calendar date of an instant (Unix seconds).
PartialDate BeijingDate(int64_t unix_seconds);

// A real calendar date (Gregorian, leap years included).
bool IsValidDate(int year, int month, int day);

// Parses `text` (raw or normalised); `today` bounds dates from above.
StatusOr<PartialDate> ParseDate(std::string_view text);
StatusOr<PartialDate> ParseDate(std::string_view text, const PartialDate& today);

// Whole years from `birth` to `reference`. An unknown day counts as the 1st,
// so a person born 1990-05 is 35 from 2025-05-01. Someone born on 29 February
// turns a year older on 1 March in common years.
int AgeAt(const PartialDate& birth, const PartialDate& reference);

}  // namespace tp::registry
