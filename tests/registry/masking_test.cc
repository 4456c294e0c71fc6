#include <catch2/catch.hpp>

#include "registry/fields/masking.h"

using tp::registry::MaskIdNumber;
using tp::registry::MaskPhone;

TEST_CASE("MaskIdNumber: keeps the first 4 and last 4 characters of an ID number", "[masking]") {
  CHECK(MaskIdNumber("450103198603070023") == "4501**********0023");
  CHECK(MaskIdNumber("11010519491231002X") == "1101**********002X");
  CHECK(MaskIdNumber("１１０１０５１９４９１２３１００２Ｘ") == "1101**********002X");
}

TEST_CASE("MaskIdNumber: a legacy 15-digit number keeps its length", "[masking]") {
  CHECK(MaskIdNumber("110105491231002") == "1101*******1002");
}

TEST_CASE("MaskIdNumber: input too short to mask safely is starred whole", "[masking]") {
  CHECK(MaskIdNumber("12345678") == "********");
  CHECK(MaskIdNumber("") == "");
}

TEST_CASE("MaskPhone: keeps the first 3 and last 4 digits of a mobile number", "[masking]") {
  CHECK(MaskPhone("13812345678") == "138****5678");
  CHECK(MaskPhone(" 13812345678 ") == "138****5678");
}

TEST_CASE("MaskPhone: a landline keeps its shape", "[masking]") {
  CHECK(MaskPhone("0771-2803986") == "077*****3986");
  CHECK(MaskPhone("1234567") == "*******");
}
