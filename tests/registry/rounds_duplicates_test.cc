#include <catch2/catch.hpp>

#include "registry/base/paths.h"
#include "registry/rounds/duplicates.h"
#include "rounds_test_support.h"

using tp::registry::BirthDatesCompatible;
using tp::registry::DataDir;
using tp::registry::DuplicateProbe;
using tp::registry::NameMatcher;
using tp::registry::Person;

namespace {

const NameMatcher& Names() {
  static const NameMatcher names = [] {
    auto loaded = NameMatcher::Load(DataDir());
    REQUIRE(loaded.ok());
    return *loaded;
  }();
  return names;
}

}  // namespace

TEST_CASE("NameMatcher: traditional characters, spaces and dots are the same name",
          "[rounds][duplicates]") {
  CHECK(Names().SameName("張明遠", "张明远"));
  CHECK(Names().SameName("张　明远", "张明远"));
  CHECK(Names().SameName("阿依古丽·买买提", "阿依古丽买买提"));
  CHECK(Names().Fold("歐陽靜") == "欧阳静");
  CHECK_FALSE(Names().SameName("张明远", "张明"));
  CHECK_FALSE(Names().SameName("", ""));
}

TEST_CASE("NameMatcher: the given name's characters in another order are the same name",
          "[rounds][duplicates]") {
  CHECK(Names().SameName("张远明", "张明远"));
  CHECK_FALSE(Names().SameName("远张明", "张明远"));  // the surname stays first
  CHECK_FALSE(Names().SameName("明张", "张明"));      // two characters: no given name to reorder
}

TEST_CASE("NameMatcher: homophones share a pinyin reading, surname readings included",
          "[rounds][duplicates]") {
  CHECK(Names().SamePinyin("张明远", "张明元"));
  CHECK(Names().SamePinyin("章明远", "张明远"));
  CHECK(Names().SamePinyin("覃海涛", "秦海涛"));  // 覃 read qin as a surname
  CHECK_FALSE(Names().SamePinyin("张明远", "张朋远"));
  CHECK_FALSE(Names().SamePinyin("张明远", "张明远远"));
}

TEST_CASE("NameMatcher: units are similar when one contains the other or most pairs agree",
          "[rounds][duplicates]") {
  CHECK(Names().SimilarUnit("清华大学", "清华大学物理系"));
  CHECK(Names().SimilarUnit("中国科学院化学研究所", "中科院化学研究所"));
  CHECK(Names().SimilarUnit("廣西大學", "广西大学"));
  CHECK_FALSE(Names().SimilarUnit("清华大学", "广西医科大学第一附属医院"));
  CHECK_FALSE(Names().SimilarUnit("", "清华大学"));
}

TEST_CASE("BirthDatesCompatible: a month matches its days, a day only itself",
          "[rounds][duplicates]") {
  CHECK(BirthDatesCompatible("1979-05-14", "1979-05-14"));
  CHECK(BirthDatesCompatible("1979-05", "1979-05-14"));
  CHECK(BirthDatesCompatible("1979-05-14", "1979-05"));
  CHECK_FALSE(BirthDatesCompatible("1979-05-14", "1979-05-15"));
  CHECK_FALSE(BirthDatesCompatible("1979-05", "1979-06"));
  CHECK_FALSE(BirthDatesCompatible("", ""));
}

TEST_CASE(
    "DuplicateFinder: same ID is hard, same birth with same or sounding-alike name is possible",
    "[rounds][duplicates]") {
  tp::roundstest::RoundsFixture f;
  auto store_person = [&](const std::string& name, const std::string& birth, const std::string& id,
                          const std::string& unit) {
    Person p;
    p.name = name;
    p.birth_date = birth;
    p.id_number = id;
    p.unit_name = unit;
    auto batch = f.store().BeginWrite();
    REQUIRE(batch.ok());
    REQUIRE((*batch)->UpsertPerson(&p).ok());
    REQUIRE((*batch)->Commit().ok());
    return p;
  };
  const std::string id = tp::roundstest::IdNumber("110105", "19790514", 15);
  Person zhang = store_person("张明远", "1979-05-14", id, "清华大学");
  Person other = store_person("张明远", "1979-05-14",
                              tp::roundstest::IdNumber("110105", "19790514", 17), "北京大学");
  Person homophone = store_person("李文华", "1985-02-02", "", "广西大学化学化工学院");
  auto& finder = f.workflow().duplicates();

  auto hard = finder.Find(DuplicateProbe{id, "张明元", "1979-05-14", "别处", 0});
  REQUIRE(hard.ok());
  REQUIRE(hard->hard);
  CHECK(hard->hard->public_id == zhang.public_id);
  CHECK(hard->possible.empty());  // the other 张明远 has a different ID number

  auto no_id = finder.Find(DuplicateProbe{"", "張明遠", "1979-05", "", 0});
  REQUIRE(no_id.ok());
  CHECK_FALSE(no_id->hard);
  CHECK(no_id->possible.size() == 2);

  auto sounds = finder.Find(DuplicateProbe{"", "李文化", "1985-02-02", "广西大学", 0});
  REQUIRE(sounds.ok());
  REQUIRE(sounds->possible.size() == 1);
  CHECK(sounds->possible[0].public_id == homophone.public_id);
  CHECK(sounds->possible[0].reason == "出生日期相同，姓名同音，工作单位相近");
  auto elsewhere = finder.Find(DuplicateProbe{"", "李文化", "1985-02-02", "新疆农业科学院", 0});
  REQUIRE(elsewhere.ok());
  CHECK(elsewhere->possible.empty());
  auto other_day = finder.Find(DuplicateProbe{"", "李文华", "1985-02-03", "广西大学", 0});
  REQUIRE(other_day.ok());
  CHECK(other_day->possible.empty());
}
