#include <catch2/catch.hpp>

#include "index_test_support.h"
#include "indexer/search_index.h"

namespace tp::indexer {
namespace {

using testing::Find;
using testing::IndexOf;
using testing::MemoryLog;
using testing::Names;
using testing::Person;
using testing::TempDir;

TEST_CASE("Search: a word inside a person's field ranks above the same word only in long texts",
          "[search][conjunction][ranking]") {
  TempDir dir;
  MemoryLog log;
  // Both are 壮族 研究员 and both mention 水稻; only the second works in the field of rice.
  auto in_texts = Person(1, "甲", "广西农业科学院", "研究员");
  in_texts.person.ethnic_group = "壮族";
  in_texts.person.fields = {"甘蔗栽培"};
  in_texts.person.achievements = "研究水稻与甘蔗轮作，比较水稻田间管理，推广水稻秸秆还田";
  auto in_field = Person(2, "乙", "广西农业科学院", "研究员");
  in_field.person.ethnic_group = "壮族";
  in_field.person.fields = {"水稻育种"};
  in_field.person.achievements = "选育新品种多个，推广面积较大，获省级科技奖励";
  log.Put(in_texts);
  log.Put(in_field);
  auto index = IndexOf(dir, log);
  CHECK(Names(Find(*index, "壮族 水稻 研究员")) == std::vector<std::string>{"乙", "甲"});
  // A word only in the long texts still finds its person.
  CHECK(Names(Find(*index, "壮族 秸秆 研究员")) == std::vector<std::string>{"甲"});
}

TEST_CASE("Search: an ethnic group named in a unit ranks below the person of that ethnic group",
          "[search][conjunction][ranking]") {
  TempDir dir;
  MemoryLog log;
  auto unit_only = Person(1, "甲", "宁夏回族自治区人民医院", "副主任医师");
  unit_only.person.ethnic_group = "汉族";
  unit_only.person.fields = {"消化内科"};
  auto person = Person(2, "乙", "银川市第一人民医院", "副主任医师");
  person.person.ethnic_group = "回族";
  person.person.fields = {"消化内科"};
  log.Put(unit_only);
  log.Put(person);
  auto index = IndexOf(dir, log);
  CHECK(Names(Find(*index, "回族 消化 副主任医师")) == std::vector<std::string>{"乙", "甲"});
}

TEST_CASE("Search: a longer record is not ranked below a shorter one for the same word",
          "[search][ranking]") {
  TempDir dir;
  MemoryLog log;
  // Both work in 人工智能; the first also has a long list of achievements and posts.
  auto long_record = Person(1, "甲", "中国科学院自动化研究所", "研究员");
  long_record.person.fields = {"人工智能"};
  long_record.person.achievements =
      "主持国家重点研发计划项目三项，发表学术论文一百余篇，获国家科技进步二等奖一项、"
      "省部级科技奖励五项，培养博士研究生二十余名，牵头制定行业标准两项";
  long_record.person.career =
      "1998年至2004年在清华大学学习；2004年至今在中国科学院自动化研究所工作";
  auto short_record = Person(2, "乙", "浙江大学", "教授");
  short_record.person.fields = {"人工智能"};
  log.Put(long_record);
  log.Put(short_record);
  auto index = IndexOf(dir, log);
  const SearchResult found = Find(*index, "人工智能");
  REQUIRE(found.hits.size() == 2);
  CHECK(found.hits[0].score == Approx(found.hits[1].score));
}

}  // namespace
}  // namespace tp::indexer
