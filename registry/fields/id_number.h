// Resident ID numbers (公民身份号码, GB 11643-1999). An 18-character number is a
// six-digit region code (GB/T 2260), the birth date YYYYMMDD, a three-digit
// sequence whose last digit is odd for men and even for women, and an ISO 7064
// MOD 11-2 check character (0-9 or X). Legacy 15-digit numbers (YYMMDD, no check
// character) are converted to 18 by inserting "19" and computing the check.
// ParseIdNumber accepts surrounding and inner spaces, full-width digits and a
// lower-case x, and fails with messages in Chinese that say exactly which part
// is wrong: the length, a character, the check digit (with the expected one),
// the birth date, or the region code (unknown province vs unknown county).
// The residence permits of Hong Kong, Macao and Taiwan residents (address code
// 810000, 820000, 830000) are accepted in the same form.
#pragma once

#include <string>
#include <string_view>

#include "registry/base/status.h"
#include "registry/fields/dates.h"
#include "registry/fields/reference_data.h"

namespace tp::registry {

struct IdNumber {
  std::string number;       // 18 characters, upper-case X
  std::string region_code;  // six digits
  std::string birth_date;   // YYYY-MM-DD
  std::string gender;       // 男 or 女
  bool converted_from_15 = false;
  bool residence_permit = false;  // 港澳台居民居住证: address code 810000, 820000 or 830000
};

// The MOD 11-2 check character ("0".."9" or "X") for 17 digits; empty when
// `first17` is not exactly 17 ASCII digits.
std::string ComputeCheckDigit(std::string_view first17);

// Parses and checks `raw`. On failure the Status message names the field
// (字段「身份证号」：…) and its details hold one FieldError per problem found.
StatusOr<IdNumber> ParseIdNumber(std::string_view raw, const ReferenceData& reference);
StatusOr<IdNumber> ParseIdNumber(std::string_view raw, const ReferenceData& reference,
                                 const PartialDate& today);

}  // namespace tp::registry
