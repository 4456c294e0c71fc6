// ParseDate on any bytes. An accepted date exists in the calendar (or is a real year-month), is
// not before 1900 nor after today, and its "YYYY-MM-DD" / "YYYY-MM" form parses back to the same
// value; an age counted from it to today is between 0 and today's year minus 1900. A refusal is
// InvalidArgument with a message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "registry/fields/dates.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tp::registry;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const PartialDate& today = tp::fuzz::kToday;

  auto parsed = ParseDate(text, today);
  if (!parsed.ok()) {
    TP_FUZZ_CHECK(parsed.status().code() == tp::StatusCode::kInvalidArgument,
                  parsed.status().message());
    TP_FUZZ_CHECK(!parsed.status().message().empty(), text);
    return 0;
  }
  const PartialDate& date = *parsed;
  TP_FUZZ_CHECK(date.year >= 1900 && date.month >= 1 && date.month <= 12, date.ToString());
  TP_FUZZ_CHECK(date.day == 0 || IsValidDate(date.year, date.month, date.day), date.ToString());
  const PartialDate this_month{today.year, today.month, 0};
  TP_FUZZ_CHECK(date.day != 0 || date <= this_month, date.ToString());
  TP_FUZZ_CHECK(date.day == 0 || date <= today, date.ToString());

  const std::string written = date.ToString();
  TP_FUZZ_CHECK(written.size() == (date.day == 0 ? 7u : 10u), written);
  auto again = ParseDate(written, today);
  TP_FUZZ_CHECK(again.ok() && *again == date, written);

  const int age = AgeAt(date, today);
  TP_FUZZ_CHECK(age >= 0 && age <= today.year - 1900, written);
  return 0;
}
