#include <catch2/catch.hpp>

#include <string>

#include "registry/base/paths.h"
#include "registry/fields/id_number.h"
#include "registry/fields/reference_data.h"

using tp::registry::ComputeCheckDigit;
using tp::registry::IdNumber;
using tp::registry::ParseIdNumber;
using tp::registry::PartialDate;
using tp::registry::ReferenceData;

namespace {

const ReferenceData& Reference() {
  static const ReferenceData reference = [] {
    auto loaded = ReferenceData::Load(tp::registry::DataDir());
    REQUIRE(loaded.ok());
    return *loaded;
  }();
  return reference;
}

const PartialDate kToday{2025, 6, 15};

// ISO 7064 MOD 11-2 written from its definition: weight of position i (1-based,
// from the left) is 2^(18-i) mod 11, and the check value makes the weighted sum
// of all 18 characters ≡ 1 (mod 11), with 10 written as X.
std::string ExpectedCheck(const std::string& first17) {
  int sum = 0;
  for (int i = 1; i <= 17; ++i) {
    int weight = 1;
    for (int k = 0; k < 18 - i; ++k) weight = weight * 2 % 11;
    sum += (first17[i - 1] - '0') * weight;
  }
  const int check = (12 - sum % 11) % 11;
  return check == 10 ? "X" : std::to_string(check);
}

std::string WithCheck(const std::string& first17) { return first17 + ExpectedCheck(first17); }

std::string Error(const std::string& raw) {
  auto id = ParseIdNumber(raw, Reference(), kToday);
  return id.ok() ? "ok" : id.status().message();
}

}  // namespace

TEST_CASE("IdNumber: check digits match an independent MOD 11-2 computation", "[id_number]") {
  for (const char* first17 : {"11010519491231002", "45010319860307002", "44030419900101123",
                              "32058319781231567", "51010719651111999", "62010219720229001"}) {
    INFO(first17);
    CHECK(ComputeCheckDigit(first17) == ExpectedCheck(first17));
  }
  // The example of GB 11643 itself.
  CHECK(ComputeCheckDigit("11010519491231002") == "X");
}

TEST_CASE("IdNumber: ComputeCheckDigit refuses anything but 17 digits", "[id_number]") {
  CHECK(ComputeCheckDigit("1101051949123100") == "");
  CHECK(ComputeCheckDigit("1101051949123100A") == "");
  CHECK(ComputeCheckDigit("110105194912310021") == "");
}

TEST_CASE("IdNumber: a valid number yields its region, birth date and gender", "[id_number]") {
  auto id = ParseIdNumber("11010519491231002X", Reference(), kToday);
  REQUIRE(id.ok());
  CHECK(id->number == "11010519491231002X");
  CHECK(id->region_code == "110105");
  CHECK(id->birth_date == "1949-12-31");
  CHECK(id->gender == "女");
  CHECK_FALSE(id->converted_from_15);

  const std::string male = WithCheck("45010319860307001");
  auto man = ParseIdNumber(male, Reference(), kToday);
  REQUIRE(man.ok());
  CHECK(man->gender == "男");
  CHECK(man->birth_date == "1986-03-07");
}

TEST_CASE("IdNumber: wrong check digit is rejected with the expected digit", "[id_number]") {
  const std::string good = WithCheck("45010319860307002");
  const char wrong = good.back() == '3' ? '4' : '3';
  const std::string bad = good.substr(0, 17) + wrong;
  auto id = ParseIdNumber(bad, Reference(), kToday);
  REQUIRE_FALSE(id.ok());
  CHECK(id.status().message() == "字段「身份证号」：校验码错误：第18位应为 " + good.substr(17) +
                                     "，实为 " + std::string(1, wrong));
  REQUIRE(id.status().details().size() == 1);
  CHECK(id.status().details()[0].field == "身份证号");
}

TEST_CASE("IdNumber: surrounding spaces, full-width digits and lower-case x are accepted",
          "[id_number]") {
  for (const char* raw :
       {"  11010519491231002X  ", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ", "110105 19491231 002X",
        "\xE3\x80\x80"
        "11010519491231002X"}) {
    INFO(raw);
    auto id = ParseIdNumber(raw, Reference(), kToday);
    REQUIRE(id.ok());
    CHECK(id->number == "11010519491231002X");
  }
}

TEST_CASE("IdNumber: a 15-digit legacy number is converted to 18 with its check digit",
          "[id_number]") {
  auto id = ParseIdNumber("110105491231002", Reference(), kToday);
  REQUIRE(id.ok());
  CHECK(id->number == "11010519491231002X");
  CHECK(id->converted_from_15);
  CHECK(id->birth_date == "1949-12-31");
  CHECK(id->gender == "女");

  auto other = ParseIdNumber("450103860307001", Reference(), kToday);
  REQUIRE(other.ok());
  CHECK(other->number == WithCheck("45010319860307001"));
  CHECK(other->gender == "男");
}

TEST_CASE("IdNumber: wrong length and stray characters say what is wrong", "[id_number]") {
  CHECK(Error("1101051949123100") == "字段「身份证号」：长度应为18位（旧式为15位），实为16位");
  CHECK(Error("11010519491231002X1").find("实为19位") != std::string::npos);
  CHECK(Error("1101051949一231002X") == "字段「身份证号」：第11位「一」不是数字");
  CHECK(Error("11010519491231X021") ==
        "字段「身份证号」：只有18位号码的最后一位可以是X，第15位却是X");
  CHECK(Error("11010549123100X").find("只有18位号码的最后一位可以是X") != std::string::npos);
  CHECK(Error("   ") == "字段「身份证号」：为空");
}

TEST_CASE("IdNumber: the birth date must exist and lie between 1900 and today", "[id_number]") {
  CHECK(Error(WithCheck("45010319860230001")) ==
        "字段「身份证号」：第7至14位的出生日期「19860230」不是有效日期");
  CHECK(Error(WithCheck("45010318991231001")) ==
        "字段「身份证号」：出生日期 1899-12-31 早于1900年");
  CHECK(Error(WithCheck("45010320250616001")) ==
        "字段「身份证号」：出生日期 2025-06-16 晚于今天（2025-06-15）");
  CHECK(Error(WithCheck("45010320250615001")) == "ok");
}

TEST_CASE("IdNumber: an unknown province and an unknown county are told apart", "[id_number]") {
  CHECK(Error(WithCheck("99010319860307001")) ==
        "字段「身份证号」：前两位「99」不是有效的省级行政区划代码");
  CHECK(Error(WithCheck("45019919860307001")) ==
        "字段「身份证号」：前六位地址码「450199」不在行政区划代码表中（前两位为广西壮族自治区，县级"
        "代码未知）");
}

TEST_CASE("IdNumber: codes of abolished counties are still accepted", "[id_number]") {
  // 杭州市下城区 (abolished 2021) and 崇文区 of Beijing (abolished 2010).
  CHECK(Error(WithCheck("33010319700101001")) == "ok");
  CHECK(Error(WithCheck("11010319700101001")) == "ok");
  // 邯郸地区's 大名县 before 1993.
  CHECK(Error(WithCheck("13212119650505002")) == "ok");
}

TEST_CASE("IdNumber: several problems are all reported in the details", "[id_number]") {
  // Unknown county and impossible date, with a wrong check digit on top.
  const std::string first17 = "45019919860230001";
  const std::string wrong = ExpectedCheck(first17) == "1" ? "2" : "1";
  auto id = ParseIdNumber(first17 + wrong, Reference(), kToday);
  REQUIRE_FALSE(id.ok());
  CHECK(id.status().details().size() == 3);
}

TEST_CASE(
    "IdNumber: residence permit numbers of Hong Kong, Macao and Taiwan residents are accepted",
    "[id_number]") {
  // 港澳台居民居住证: GB 11643 form with address code 810000, 820000 or 830000.
  for (const char* prefix : {"810000", "820000", "830000"}) {
    const std::string number = WithCheck(std::string(prefix) + "19760404003");
    INFO(number);
    auto id = ParseIdNumber(number, Reference(), kToday);
    REQUIRE(id.ok());
    CHECK(id->region_code == prefix);
    CHECK(id->birth_date == "1976-04-04");
    CHECK(id->gender == "男");
    CHECK(id->residence_permit);
  }
  // The check digit still holds, and 81 with another county code is not a permit.
  const std::string good = WithCheck("81000019760404003");
  std::string bad = good;
  bad.back() = bad.back() == '1' ? '2' : '1';
  CHECK_FALSE(ParseIdNumber(bad, Reference(), kToday).ok());
  CHECK_FALSE(ParseIdNumber(WithCheck("83010019760404003"), Reference(), kToday).ok());
  auto mainland = ParseIdNumber(WithCheck("45010319860307001"), Reference(), kToday);
  REQUIRE(mainland.ok());
  CHECK_FALSE(mainland->residence_permit);
}
