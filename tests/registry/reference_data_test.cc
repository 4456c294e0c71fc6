#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "registry/base/paths.h"
#include "registry/fields/reference_data.h"

using tp::registry::ReferenceData;

namespace fs = std::filesystem;

namespace {

const ReferenceData& Reference() {
  static const ReferenceData reference = [] {
    auto loaded = ReferenceData::Load(tp::registry::DataDir());
    REQUIRE(loaded.ok());
    return *loaded;
  }();
  return reference;
}

std::string Ethnic(const std::string& text) {
  const std::string* group = Reference().EthnicGroup(text);
  return group == nullptr ? "(none)" : *group;
}

std::string Affiliation(const std::string& text) {
  const std::string* a = Reference().PoliticalAffiliation(text);
  return a == nullptr ? "(none)" : *a;
}

std::string UnitTypeCode(const std::string& text) {
  const tp::registry::UnitType* t = Reference().FindUnitType(text);
  return t == nullptr ? "(none)" : t->code;
}

// A copy of the real data folder in a fresh temporary directory, so that one
// file can be spoiled without touching the others.
class DataCopy {
 public:
  DataCopy() {
    std::string pattern = (fs::temp_directory_path() / "tp_reference_XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    for (const char* name : {"regions.tsv", "ethnic_groups.tsv", "political_affiliations.tsv",
                             "unit_types.tsv", "t2s.tsv"}) {
      fs::copy_file(fs::path(tp::registry::DataDir()) / name, dir_ / name);
    }
  }
  ~DataCopy() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  void Write(const std::string& name, const std::string& content) const {
    std::ofstream(dir_ / name, std::ios::binary | std::ios::trunc) << content;
  }
  std::string dir() const { return dir_.string(); }

 private:
  fs::path dir_;
};

}  // namespace

TEST_CASE("ReferenceData: the data files load and hold 56 ethnic groups and 34 provinces",
          "[reference]") {
  const ReferenceData& ref = Reference();
  // The 56 groups, then GB/T 3304's 97 其他 and 98 外国血统中国籍人士.
  REQUIRE(ref.EthnicGroups().size() == 58);
  CHECK(ref.EthnicGroups().front() == "汉族");
  CHECK(ref.EthnicGroups()[55] == "基诺族");
  CHECK(ref.Provinces().size() == 34);
  CHECK(ref.PoliticalAffiliations().size() == 13);
  CHECK(ref.UnitTypes().size() == 13);
}

TEST_CASE("ReferenceData: every province-level unit is there, Taiwan, Hong Kong and Macao included",
          "[reference]") {
  const ReferenceData& ref = Reference();
  for (const char* code : {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
                           "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
                           "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"}) {
    INFO(code);
    CHECK(ref.ProvinceName(code) != nullptr);
  }
  CHECK(*ref.ProvinceName("71") == "台湾省");
  CHECK(*ref.ProvinceName("81") == "香港特别行政区");
  CHECK(*ref.ProvinceName("82") == "澳门特别行政区");
  CHECK(ref.ProvinceName("99") == nullptr);
}

TEST_CASE("ReferenceData: ethnic groups are found with or without 族", "[reference]") {
  CHECK(Ethnic("壮族") == "壮族");
  CHECK(Ethnic("壮") == "壮族");
  CHECK(Ethnic("汉") == "汉族");
  CHECK(Ethnic("维吾尔") == "维吾尔族");
  CHECK(Ethnic(" 朝鲜族 ") == "朝鲜族");
  CHECK(Ethnic("高山族") == "高山族");
  CHECK(Ethnic("高山") == "高山族");
  CHECK(Ethnic("门巴") == "门巴族");
  CHECK(Ethnic("土") == "土族");
  CHECK(Ethnic("土家") == "土家族");
}

TEST_CASE("ReferenceData: former names and unambiguous short forms of ethnic groups are accepted",
          "[reference]") {
  CHECK(Ethnic("毛难族") == "毛南族");
  CHECK(Ethnic("崩龙族") == "德昂族");
  CHECK(Ethnic("蒙族") == "蒙古族");
  CHECK(Ethnic("维族") == "维吾尔族");
}

TEST_CASE("ReferenceData: ambiguous short forms and non-members are rejected", "[reference]") {
  const ReferenceData& ref = Reference();
  CHECK(Ethnic("哈族") == "(none)");
  CHECK(ref.EthnicGroupCandidates("哈族") == std::vector<std::string>{"哈尼族", "哈萨克族"});
  CHECK(Ethnic("塔族") == "(none)");
  CHECK(Ethnic("鄂族") == "(none)");
  CHECK(Ethnic("穿青人") == "(none)");
  CHECK(Ethnic("穿青族") == "(none)");
  CHECK(Ethnic("外国血统") == "(none)");
  CHECK(ref.EthnicGroupCandidates("穿青人").empty());
}

TEST_CASE("ReferenceData: political affiliations accept full names and short forms",
          "[reference]") {
  CHECK(Affiliation("中共党员") == "中共党员");
  CHECK(Affiliation("中国共产党党员") == "中共党员");
  CHECK(Affiliation("中共") == "中共党员");
  CHECK(Affiliation("党员") == "中共党员");
  CHECK(Affiliation("预备党员") == "中共预备党员");
  CHECK(Affiliation("团员") == "共青团员");
  CHECK(Affiliation("民革") == "民革党员");
  CHECK(Affiliation("民盟") == "民盟盟员");
  CHECK(Affiliation("中国民主促进会会员") == "民进会员");
  CHECK(Affiliation("农工党") == "农工党党员");
  CHECK(Affiliation("致公党") == "致公党党员");
  CHECK(Affiliation("九三") == "九三学社社员");
  CHECK(Affiliation("九三学社") == "九三学社社员");
  CHECK(Affiliation("台盟") == "台盟盟员");
  CHECK(Affiliation("无党派") == "无党派人士");
  CHECK(Affiliation("群众") == "群众");
  CHECK(Affiliation("无") == "(none)");
  CHECK(Affiliation("民主党派") == "(none)");
}

TEST_CASE("ReferenceData: unit types are found by code, label or alias", "[reference]") {
  CHECK(UnitTypeCode("全国学会") == "national_society");
  CHECK(UnitTypeCode("全国学会（协会、研究会）") == "national_society");
  CHECK(UnitTypeCode("university") == "university");
  CHECK(UnitTypeCode("高校科协") == "university");
  CHECK(UnitTypeCode("自治区级学会") == "provincial_society");
  CHECK(UnitTypeCode("设区市科协") == "city_association");
  CHECK(UnitTypeCode("央企科协") == "central_enterprise");
  CHECK(UnitTypeCode("自治区有关厅局") == "department");
  CHECK(UnitTypeCode("学会") == "(none)");
  CHECK(Reference().FindUnitType("省级科协")->label == "省级科协");
}

TEST_CASE("ReferenceData: region codes are found current or historical", "[reference]") {
  const ReferenceData& ref = Reference();
  REQUIRE(ref.RegionName("450103") != nullptr);
  CHECK(*ref.RegionName("450103") == "青秀区");
  CHECK_FALSE(ref.FindRegion("450103")->historical);
  REQUIRE(ref.FindRegion("330103") != nullptr);  // 下城区, merged in 2021
  CHECK(ref.FindRegion("330103")->historical);
  CHECK(ref.IsKnownRegion("110103"));  // 崇文区, merged in 2010
  CHECK_FALSE(ref.IsKnownRegion("450199"));
  CHECK_FALSE(ref.IsKnownRegion("4501"));
}

TEST_CASE("ReferenceData: provinces are found by name, short name or code", "[reference]") {
  const ReferenceData& ref = Reference();
  CHECK(ref.ProvinceCode("广西") == "45");
  CHECK(ref.ProvinceCode("广西壮族自治区") == "45");
  CHECK(ref.ProvinceCode("北京市") == "11");
  CHECK(ref.ProvinceCode("北京") == "11");
  CHECK(ref.ProvinceCode("内蒙古") == "15");
  CHECK(ref.ProvinceCode("新疆") == "65");
  CHECK(ref.ProvinceCode("宁夏回族自治区") == "64");
  CHECK(ref.ProvinceCode("香港") == "81");
  CHECK(ref.ProvinceCode("台湾") == "71");
  CHECK(ref.ProvinceCode("浙江省") == "33");
  CHECK(ref.ProvinceCode("45") == "45");
  CHECK(ref.ProvinceCode("450000") == "45");
  CHECK(ref.ProvinceCode("火星") == "");
  CHECK(ref.ProvinceCode("99") == "");
}

TEST_CASE("ReferenceData: a malformed row fails naming the file and the line", "[reference]") {
  DataCopy data;
  data.Write("ethnic_groups.tsv", "# comment\n01\t汉族\n2\t蒙古族\n");
  auto loaded = ReferenceData::Load(data.dir());
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().message().find("ethnic_groups.tsv") != std::string::npos);
  CHECK(loaded.status().message().find("第3行") != std::string::npos);
  CHECK(loaded.status().message().find("两位数字") != std::string::npos);
}

TEST_CASE("ReferenceData: a region under an unknown province is rejected", "[reference]") {
  DataCopy data;
  data.Write("regions.tsv", "110000\t北京市\n110101\t东城区\n990101\t某区\n");
  auto loaded = ReferenceData::Load(data.dir());
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().message().find("990101") != std::string::npos);
}

TEST_CASE("ReferenceData: a duplicated code and a bad third column are rejected", "[reference]") {
  DataCopy data;
  data.Write("regions.tsv", "110000\t北京市\n110101\t东城区\n110101\t西城区\n");
  auto duplicated = ReferenceData::Load(data.dir());
  REQUIRE_FALSE(duplicated.ok());
  CHECK(duplicated.status().message().find("第3行") != std::string::npos);

  data.Write("regions.tsv", "110000\t北京市\n110103\t崇文区\tabolished\n");
  auto bad_flag = ReferenceData::Load(data.dir());
  REQUIRE_FALSE(bad_flag.ok());
  CHECK(bad_flag.status().message().find("historical") != std::string::npos);
}

TEST_CASE("ReferenceData: an alias naming two entries is rejected", "[reference]") {
  DataCopy data;
  data.Write("political_affiliations.tsv", "01\t中共党员\t党员\n13\t群众\t党员\n");
  auto loaded = ReferenceData::Load(data.dir());
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().message().find("political_affiliations.tsv 第2行") != std::string::npos);
}

TEST_CASE("ReferenceData: a missing file is named", "[reference]") {
  DataCopy data;
  fs::remove(fs::path(data.dir()) / "unit_types.tsv");
  auto loaded = ReferenceData::Load(data.dir());
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().message().find("unit_types.tsv") != std::string::npos);
}

TEST_CASE("ReferenceData: copies share the tables and stay valid on their own", "[reference]") {
  const std::string* name = nullptr;
  {
    ReferenceData copy = Reference();
    name = copy.EthnicGroup("壮");
  }
  REQUIRE(name != nullptr);
  CHECK(*name == "壮族");
}

TEST_CASE("ReferenceData: traditional spellings, 僮族 and 满州族 name their ethnic groups",
          "[reference]") {
  struct Case {
    const char* written;
    const char* group;
  };
  // As records from Hong Kong, Taiwan and older offices write them.
  const Case cases[] = {
      {"漢族", "汉族"},         {"壯族", "壮族"},     {"壯", "壮族"},
      {"維吾爾族", "维吾尔族"}, {"滿族", "满族"},     {"東鄉族", "东乡族"},
      {"納西族", "纳西族"},     {"錫伯族", "锡伯族"}, {"達斡爾族", "达斡尔族"},
      {"鄂倫春族", "鄂伦春族"}, {"門巴族", "门巴族"}, {"僮族", "壮族"},
      {"僮", "壮族"},           {"满州族", "满族"},   {"满洲族", "满族"},
      {"滿洲族", "满族"},
  };
  for (const Case& c : cases) {
    INFO(c.written);
    CHECK(Ethnic(c.written) == c.group);
  }
}

TEST_CASE("ReferenceData: GB/T 3304's 其他 and 外国血统中国籍人士 are accepted", "[reference]") {
  CHECK(Ethnic("其他") == "其他");
  CHECK(Ethnic("外国血统中国籍人士") == "外国血统中国籍人士");
  CHECK(Ethnic("外國血統中國籍人士") == "外国血统中国籍人士");
  const auto& all = Reference().EthnicGroups();
  CHECK(std::count(all.begin(), all.end(), "其他") == 1);
}

TEST_CASE("ReferenceData: 民进党员 and traditional spellings of affiliations are accepted",
          "[reference]") {
  CHECK(Affiliation("民进党员") == "民进会员");
  CHECK(Affiliation("民進會員") == "民进会员");
  CHECK(Affiliation("中國共產黨黨員") == "中共党员");
  CHECK(Affiliation("無黨派人士") == "无党派人士");
}
