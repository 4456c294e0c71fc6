#include "registry/fields/dates.h"

#include <cstdio>
#include <ctime>

#include "registry/fields/text.h"

namespace tp::registry {
namespace {

constexpr std::string_view kAcceptedForms =
    "可用格式：1986-03-07、1986/3/7、1986.3.7、1986年3月7日、19860307；"
    "只知年月时可写 1986-03、1986.03、198603、1986年3月";

bool IsLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The value of `len` digits at `from`; the caller has checked they are digits.
int DigitsValue(std::string_view s, std::size_t from, std::size_t len) {
  int value = 0;
  for (std::size_t i = from; i < from + len; ++i) value = value * 10 + (s[i] - '0');
  return value;
}

// Reads 1..max_len digits at `pos`; -1 when there are none or too many.
int ReadNumber(std::string_view s, std::size_t& pos, std::size_t max_len) {
  std::size_t start = pos;
  int value = 0;
  while (pos < s.size() && IsDigit(s[pos])) {
    // Digits past max_len make the number invalid; adding them up would overflow an int.
    if (pos - start < max_len) value = value * 10 + (s[pos] - '0');
    ++pos;
  }
  const std::size_t len = pos - start;
  return len == 0 || len > max_len ? -1 : value;
}

bool Consume(std::string_view s, std::size_t& pos, std::string_view token) {
  if (s.substr(pos, token.size()) != token) return false;
  pos += token.size();
  return true;
}

// Splits the text into year, month and day (day 0 when absent) without judging
// whether the date exists; false when the shape is not one of the accepted forms.
bool SplitDate(std::string_view s, int& year, int& month, int& day) {
  bool all_digits = !s.empty();
  for (char c : s) all_digits = all_digits && IsDigit(c);
  if (all_digits && (s.size() == 8 || s.size() == 6)) {
    year = DigitsValue(s, 0, 4);
    month = DigitsValue(s, 4, 2);
    day = s.size() == 8 ? DigitsValue(s, 6, 2) : 0;
    return true;
  }
  std::size_t pos = 0;
  if (pos + 4 > s.size()) return false;
  for (std::size_t i = 0; i < 4; ++i) {
    if (!IsDigit(s[i])) return false;
  }
  year = DigitsValue(s, 0, 4);
  pos = 4;
  day = 0;
  if (Consume(s, pos, "年")) {
    month = ReadNumber(s, pos, 2);
    if (month < 0 || !Consume(s, pos, "月")) return false;
    if (pos == s.size()) return true;
    day = ReadNumber(s, pos, 2);
    if (day < 0) return false;
    if (!Consume(s, pos, "日")) Consume(s, pos, "号");
    return pos == s.size();
  }
  if (pos >= s.size()) return false;
  const char sep = s[pos];
  if (sep != '-' && sep != '/' && sep != '.') return false;
  ++pos;
  month = ReadNumber(s, pos, 2);
  if (month < 0) return false;
  if (pos == s.size()) return true;
  if (s[pos] != sep) return false;
  ++pos;
  day = ReadNumber(s, pos, 2);
  return day >= 0 && pos == s.size();
}

}  // namespace

std::string PartialDate::ToString() const {
  char buffer[16];
  if (day == 0) {
    std::snprintf(buffer, sizeof buffer, "%04d-%02d", year, month);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
  }
  return buffer;
}

PartialDate BeijingDate(int64_t unix_seconds) {
  const std::time_t shifted = static_cast<std::time_t>(unix_seconds + 8 * 3600);
  std::tm beijing{};
  gmtime_r(&shifted, &beijing);
  return PartialDate{beijing.tm_year + 1900, beijing.tm_mon + 1, beijing.tm_mday};
}

PartialDate Today() { return BeijingDate(std::time(nullptr)); }

bool IsValidDate(int year, int month, int day) {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

StatusOr<PartialDate> ParseDate(std::string_view text) { return ParseDate(text, Today()); }

StatusOr<PartialDate> ParseDate(std::string_view text, const PartialDate& today) {
  const std::string s = NormalizeText(text);
  if (s.empty()) return InvalidArgument("日期为空。" + std::string(kAcceptedForms));
  int year = 0, month = 0, day = 0;
  if (!SplitDate(s, year, month, day)) {
    return InvalidArgument("「" + s + "」不是可识别的日期。" + std::string(kAcceptedForms));
  }
  if (month < 1 || month > 12) {
    return InvalidArgument("「" + s + "」的月份应在1到12之间");
  }
  if (day != 0 && !IsValidDate(year, month, day)) {
    return InvalidArgument("「" + s + "」不存在：" + std::to_string(year) + "年" +
                           std::to_string(month) + "月只有" +
                           std::to_string(DaysInMonth(year, month)) + "天");
  }
  const PartialDate date{year, month, day};
  if (year < 1900) return InvalidArgument("「" + s + "」早于1900年，请核对");
  // A year-month is in the future only when the whole month is.
  const PartialDate bound = day == 0 ? PartialDate{today.year, today.month, 0} : today;
  if (bound < date) {
    return InvalidArgument("「" + s + "」晚于今天（" + today.ToString() + "），请核对");
  }
  return date;
}

int AgeAt(const PartialDate& birth, const PartialDate& reference) {
  const int birth_day = birth.day == 0 ? 1 : birth.day;
  const int ref_day = reference.day == 0 ? 1 : reference.day;
  int age = reference.year - birth.year;
  if (reference.month < birth.month || (reference.month == birth.month && ref_day < birth_day)) {
    --age;
  }
  return age;
}

}  // namespace tp::registry
