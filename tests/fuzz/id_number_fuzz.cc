// ParseIdNumber on any bytes. A number it accepts must hold together: 18 characters whose check
// character is the one MOD 11-2 gives, a known region code, a birth date that exists, is not
// before 1900 nor after today and reads back the same, a gender that follows the sequence digit,
// and parsing the normalised number again gives the same record. A refusal names the field.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "registry/fields/id_number.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tp::registry;
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  const ReferenceData& reference = tp::fuzz::Reference();

  // The check character of 17 digits, whatever they are.
  std::string check = ComputeCheckDigit(raw);
  bool seventeen_digits =
      raw.size() == 17 && raw.find_first_not_of("0123456789") == std::string_view::npos;
  TP_FUZZ_CHECK(seventeen_digits ? check.size() == 1 : check.empty(), raw);

  auto parsed = ParseIdNumber(raw, reference, tp::fuzz::kToday);
  if (!parsed.ok()) {
    const tp::Status& status = parsed.status();
    TP_FUZZ_CHECK(status.code() == tp::StatusCode::kInvalidArgument, status.message());
    TP_FUZZ_CHECK(status.message().rfind("字段「身份证号」：", 0) == 0, status.message());
    TP_FUZZ_CHECK(!status.details().empty(), status.message());
    for (const tp::FieldError& e : status.details()) TP_FUZZ_CHECK(e.field == "身份证号", e.field);
    // The message quotes what was typed: well-formed text gives a well-formed message.
    if (tp::fuzz::IsUtf8(raw)) TP_FUZZ_CHECK(tp::fuzz::IsUtf8(status.message()), status.message());
    return 0;
  }
  const IdNumber& id = *parsed;
  const std::string& n = id.number;
  TP_FUZZ_CHECK(n.size() == 18, n);
  TP_FUZZ_CHECK(ComputeCheckDigit(std::string_view(n).substr(0, 17)) == n.substr(17), n);
  TP_FUZZ_CHECK(id.region_code == n.substr(0, 6), n);
  // A residence permit of a Hong Kong, Macao or Taiwan resident carries 810000, 820000 or 830000,
  // which no region table lists; every other number a known region.
  if (id.residence_permit) {
    TP_FUZZ_CHECK(id.region_code == "810000" || id.region_code == "820000" ||
                      id.region_code == "830000",
                  n);
  } else {
    TP_FUZZ_CHECK(reference.IsKnownRegion(id.region_code), n);
  }
  TP_FUZZ_CHECK(id.birth_date == n.substr(6, 4) + "-" + n.substr(10, 2) + "-" + n.substr(12, 2), n);
  auto birth = ParseDate(id.birth_date, tp::fuzz::kToday);
  TP_FUZZ_CHECK(birth.ok() && birth->day != 0 && birth->ToString() == id.birth_date, n);
  TP_FUZZ_CHECK(id.gender == ((n[16] - '0') % 2 == 1 ? "男" : "女"), n);
  if (id.converted_from_15) TP_FUZZ_CHECK(n.substr(6, 2) == "19", n);

  auto again = ParseIdNumber(n, reference, tp::fuzz::kToday);
  TP_FUZZ_CHECK(again.ok(), n);
  TP_FUZZ_CHECK(again->number == n && again->region_code == id.region_code &&
                    again->birth_date == id.birth_date && again->gender == id.gender &&
                    !again->converted_from_15,
                n);
  return 0;
}
