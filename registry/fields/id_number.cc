#include "registry/fields/id_number.h"

#include <vector>

#include "registry/fields/text.h"

namespace tp::registry {
namespace {

constexpr std::string_view kField = "身份证号";

// 港澳台居民居住证 numbers have the GB 11643 form with these address codes
// (《港澳台居民居住证申领发放办法》, 国办发〔2018〕81号): 香港 810000, 澳门 820000,
// 台湾 830000. They name no county, and 830000 is in no GB/T 2260 table.
constexpr std::string_view kResidencePermitCodes[] = {"810000", "820000", "830000"};

bool IsResidencePermitCode(std::string_view code) {
  for (std::string_view c : kResidencePermitCodes)
    if (c == code) return true;
  return false;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int DigitsValue(std::string_view s, std::size_t from, std::size_t len) {
  int value = 0;
  for (std::size_t i = from; i < from + len; ++i) value = value * 10 + (s[i] - '0');
  return value;
}

Status Fail(std::vector<FieldError> errors) {
  std::string message = "字段「" + std::string(kField) + "」：" + errors.front().message;
  return InvalidArgument(std::move(message), std::move(errors));
}

// The text with every blank removed and x upper-cased; full-width forms are
// already half-width after NFKC.
std::string Compact(std::string_view raw) {
  const std::string text = NormalizeKey(raw);
  std::string out;
  out.reserve(text.size());
  for (char c : text) out.push_back(c == 'x' ? 'X' : c);
  return out;
}

// The first character of `s` that cannot appear in an ID number, with its
// 1-based position in characters; position 0 when there is none.
std::pair<std::size_t, std::string> FirstBadCharacter(std::string_view s) {
  std::size_t position = 0;
  for (std::size_t i = 0; i < s.size();) {
    ++position;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (len > s.size() - i) len = s.size() - i;
    if (!IsDigit(s[i]) && s[i] != 'X') return {position, std::string(s.substr(i, len))};
    i += len;
  }
  return {0, {}};
}

}  // namespace

std::string ComputeCheckDigit(std::string_view first17) {
  if (first17.size() != 17) return {};
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    if (!IsDigit(first17[i])) return {};
    sum += (first17[i] - '0') * kWeights[i];
  }
  return std::string(1, kCheck[sum % 11]);
}

StatusOr<IdNumber> ParseIdNumber(std::string_view raw, const ReferenceData& reference) {
  return ParseIdNumber(raw, reference, Today());
}

StatusOr<IdNumber> ParseIdNumber(std::string_view raw, const ReferenceData& reference,
                                 const PartialDate& today) {
  const std::string s = Compact(raw);
  if (s.empty()) return Fail({{std::string(kField), "为空"}});

  const auto [bad_position, bad_char] = FirstBadCharacter(s);
  if (bad_position != 0) {
    return Fail({{std::string(kField),
                  "第" + std::to_string(bad_position) + "位「" + bad_char + "」不是数字"}});
  }
  if (s.size() != 18 && s.size() != 15) {
    return Fail({{std::string(kField),
                  "长度应为18位（旧式为15位），实为" + std::to_string(s.size()) + "位"}});
  }
  const std::size_t x = s.find('X');
  if (x != std::string::npos && !(s.size() == 18 && x == 17)) {
    return Fail({{std::string(kField),
                  "只有18位号码的最后一位可以是X，第" + std::to_string(x + 1) + "位却是X"}});
  }

  IdNumber id;
  std::vector<FieldError> errors;
  std::string first17;
  if (s.size() == 15) {
    first17 = s.substr(0, 6) + "19" + s.substr(6, 9);
    id.converted_from_15 = true;
  } else {
    first17 = s.substr(0, 17);
  }
  const std::string expected = ComputeCheckDigit(first17);
  if (s.size() == 18 && s.substr(17, 1) != expected) {
    errors.push_back(
        {std::string(kField), "校验码错误：第18位应为 " + expected + "，实为 " + s.substr(17, 1)});
  }
  id.number = first17 + expected;

  const int year = DigitsValue(first17, 6, 4);
  const int month = DigitsValue(first17, 10, 2);
  const int day = DigitsValue(first17, 12, 2);
  const PartialDate birth{year, month, day};
  const std::string digits = first17.substr(6, 8);
  if (!IsValidDate(year, month, day)) {
    errors.push_back({std::string(kField), "第7至14位的出生日期「" + digits + "」不是有效日期"});
  } else if (year < 1900) {
    errors.push_back({std::string(kField), "出生日期 " + birth.ToString() + " 早于1900年"});
  } else if (today < birth) {
    errors.push_back({std::string(kField),
                      "出生日期 " + birth.ToString() + " 晚于今天（" + today.ToString() + "）"});
  }
  id.birth_date = birth.ToString();

  id.region_code = first17.substr(0, 6);
  id.residence_permit = !id.converted_from_15 && IsResidencePermitCode(id.region_code);
  const std::string province = id.region_code.substr(0, 2);
  const std::string* province_name = reference.ProvinceName(province);
  if (id.residence_permit) {
    // Checked by its check digit and birth date like any number.
  } else if (province_name == nullptr) {
    errors.push_back({std::string(kField), "前两位「" + province + "」不是有效的省级行政区划代码"});
  } else if (!reference.IsKnownRegion(id.region_code)) {
    errors.push_back({std::string(kField), "前六位地址码「" + id.region_code +
                                               "」不在行政区划代码表中（前两位为" + *province_name +
                                               "，县级代码未知）"});
  }

  id.gender = (first17[16] - '0') % 2 == 1 ? "男" : "女";
  if (!errors.empty()) return Fail(std::move(errors));
  return id;
}

}  // namespace tp::registry
