#include "indexer/search_index.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "index_test_support.h"

namespace tp::indexer {
namespace {

using testing::Find;
using testing::IndexOf;
using testing::MemoryLog;
using testing::Names;
using testing::OpenIndex;
using testing::Person;
using testing::TempDir;

std::string Highlight(const SearchHit& hit, const std::string& field) {
  for (const auto& [f, snippet] : hit.highlights) {
    if (f == field) return snippet;
  }
  return "";
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST_CASE("Search: a two-character name is found and ranks first", "[search][names]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "王芳华", "北京大学"));
  log.Put(Person(2, "王芳", "南开大学"));
  log.Put(Person(3, "李明", "王芳研究所"));
  const char* others[] = {"赵磊", "钱伟", "孙静", "周涛", "吴敏",
                          "郑洁", "冯刚", "陈丽", "褚勇", "卫东"};
  int64_t rowid = 10;
  for (const char* name : others) log.Put(Person(++rowid, name, "某大学"));
  auto index = IndexOf(dir, log);
  const auto names = Names(Find(*index, "王芳"));
  REQUIRE(names.size() == 3);
  CHECK(names[0] == "王芳");
  CHECK(names[1] == "王芳华");
}

TEST_CASE("Search: when somebody has the name, names that only share its characters are left out",
          "[search][names]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "王芳", "北京大学"));
  log.Put(Person(2, "王芳华", "北京大学"));
  log.Put(Person(3, "王小芳", "北京大学"));
  log.Put(Person(4, "李明", "王芳研究所"));
  auto index = IndexOf(dir, log);
  // The name, names holding it whole, and texts naming it; not 王小芳.
  CHECK(Names(Find(*index, "王芳")) == std::vector<std::string>{"王芳", "王芳华", "李明"});
  // Nobody is called 王华: names with both characters are what there is.
  CHECK(Names(Find(*index, "王华")) == std::vector<std::string>{"王芳华"});
}

TEST_CASE("Search: an exact name ranks above longer names containing it", "[search][names]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "张三丰", "武当山研究所"));
  log.Put(Person(2, "张三", "清华大学"));
  log.Put(Person(3, "张三妹", "复旦大学"));
  auto index = IndexOf(dir, log);
  CHECK(Names(Find(*index, "张三")).at(0) == "张三");
  CHECK(Names(Find(*index, "张三丰")).at(0) == "张三丰");
  CHECK(Names(Find(*index, "张三丰")).size() == 1);
}

TEST_CASE("Search: characters in the typed order rank above the same characters reordered",
          "[search][phrase]") {
  TempDir dir;
  MemoryLog log;
  auto reordered = Person(1, "甲", "单位甲");
  reordered.person.achievements = "长期从事育种水稻和栽培研究";
  auto in_order = Person(2, "乙", "单位乙");
  in_order.person.achievements = "长期从事水稻育种和栽培研究";
  log.Put(reordered);
  log.Put(in_order);
  auto index = IndexOf(dir, log);
  const auto names = Names(Find(*index, "水稻育种"));
  REQUIRE(names.size() == 2);
  CHECK(names[0] == "乙");
}

TEST_CASE(
    "Search: a scoped or quoted word is asked for in order inside one field, not pieced "
    "together from two",
    "[search][phrase]") {
  TempDir dir;
  MemoryLog log;
  auto own = Person(1, "甲", "广西大学");
  own.recommending_unit.name = "广西壮族自治区科学技术协会";
  // Every pair of the association's name, but from two fields: 区科 from the unit, the rest
  // from both.
  auto pieced = Person(2, "乙", "广西壮族自治区科学院");
  pieced.recommending_unit.name = "南宁市科学技术协会";
  log.Put(own);
  log.Put(pieced);
  auto index = IndexOf(dir, log);
  CHECK(Names(Find(*index, "推荐单位:广西壮族自治区科学技术协会")) ==
        std::vector<std::string>{"甲"});
  CHECK(Names(Find(*index, "推荐单位:\"广西壮族自治区科学技术协会\"")) ==
        std::vector<std::string>{"甲"});
  CHECK(Names(Find(*index, "推荐单位:\"科学技术协会\"")).size() == 2);
  CHECK(Names(Find(*index, "单位:\"自治区科学\"")) == std::vector<std::string>{"乙"});
  // Unscoped, the word is found wherever its pairs are; the whole value ranks first.
  CHECK(Names(Find(*index, "广西壮族自治区科学技术协会")) == std::vector<std::string>{"甲", "乙"});
}

TEST_CASE("Search: highlights mark whole matched words in the characters as typed",
          "[search][highlight]") {
  TempDir dir;
  MemoryLog log;
  auto p = Person(1, "張三豐", "武當山道教協會");
  p.person.achievements = "创立太极拳，著有《太极拳论》。";
  log.Put(p);
  auto index = IndexOf(dir, log);
  auto result = Find(*index, "张三丰 太极拳");
  REQUIRE(result.hits.size() == 1);
  CHECK(Highlight(result.hits[0], "name") == "<em>張三豐</em>");
  CHECK(Highlight(result.hits[0], "achievements") ==
        "创立<em>太极拳</em>，著有《<em>太极拳</em>论》。");
}

TEST_CASE("Search: traditional and simplified characters find each other",
          "[search][traditional]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "陳建國", "香港中文大學"));
  log.Put(Person(2, "张国华", "广西大学"));
  auto index = IndexOf(dir, log);
  auto simplified = Find(*index, "陈建国 香港中文大学");
  REQUIRE(Names(simplified) == std::vector<std::string>{"陳建國"});
  CHECK(Highlight(simplified.hits[0], "unit") == "<em>香港中文大學</em>");
  CHECK(Names(Find(*index, "張國華")) == std::vector<std::string>{"张国华"});
}

TEST_CASE("Search: full-width digits and letters match half-width ones", "[search][width]") {
  TempDir dir;
  MemoryLog log;
  auto a = Person(1, "甲", "单位");
  a.person.achievements = "获２０２３年度国家科技进步奖，ＩＥＥＥ会士";
  auto b = Person(2, "乙", "单位");
  b.person.achievements = "获2019年度国家自然科学奖";
  log.Put(a);
  log.Put(b);
  auto index = IndexOf(dir, log);
  CHECK(Names(Find(*index, "2023")) == std::vector<std::string>{"甲"});
  CHECK(Names(Find(*index, "ieee")) == std::vector<std::string>{"甲"});
  CHECK(Names(Find(*index, "２０１９")) == std::vector<std::string>{"乙"});
  CHECK(Highlight(Find(*index, "2023").hits.at(0), "achievements").find("<em>２０２３</em>") !=
        std::string::npos);
}

TEST_CASE("Search: mixed Latin and Chinese input is answered, not rejected", "[search][query]") {
  TempDir dir;
  MemoryLog log;
  auto p = Person(1, "我y", "x单位");
  log.Put(p);
  auto index = IndexOf(dir, log);
  for (const char* q :
       {"x 我y", "x我y", "我 y x", "(我", "\"我", "我:", "::", "x*", "AND OR NOT"}) {
    SearchRequest request;
    request.query = q;
    INFO(q);
    CHECK(index->Search(request).ok());
  }
  CHECK(Names(Find(*index, "x 我y")) == std::vector<std::string>{"我y"});
}

TEST_CASE("Search: full pinyin, spaced pinyin, initials and a syllable being typed find the name",
          "[search][pinyin]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "张三", "清华大学"));
  log.Put(Person(2, "章散", "北京大学"));
  log.Put(Person(3, "赵四", "清华大学"));
  log.Put(Person(4, "张山峰", "复旦大学"));
  // Others, so that term frequencies look like a pool's and not like four people's.
  const char* others[] = {"赵磊", "钱伟", "孙静", "周涛", "吴敏",
                          "郑洁", "冯刚", "陈丽", "褚勇", "卫东"};
  int64_t rowid = 10;
  for (const char* name : others) log.Put(Person(++rowid, name, "某大学"));
  auto index = IndexOf(dir, log);
  for (const char* q : {"zhangsan", "zhang san", "ZhangSan", "zhāng sān", "ｚｈａｎｇｓａｎ"}) {
    INFO(q);
    const auto names = Names(Find(*index, q));
    REQUIRE(names.size() >= 2);
    CHECK(
        ((names[0] == "张三" && names[1] == "章散") || (names[0] == "章散" && names[1] == "张三")));
    CHECK_FALSE(Contains(names, "赵四"));
  }
  CHECK(Contains(Names(Find(*index, "zs")), "张三"));
  CHECK(Names(Find(*index, "zs")).at(0) == "张三");
  CHECK(Contains(Names(Find(*index, "zsf")), "张山峰"));
  CHECK(Contains(Names(Find(*index, "zhangsha")), "张山峰"));
  CHECK(Contains(Names(Find(*index, "zhangs")), "张三"));
  auto pinyin = Find(*index, "zhangshanfeng");
  REQUIRE(Names(pinyin).at(0) == "张山峰");
  CHECK(Highlight(pinyin.hits[0], "name") == "<em>张山峰</em>");
  CHECK(Highlight(Find(*index, "zs 清华").hits.at(0), "name") == "<em>张三</em>");
}

TEST_CASE("Search: surnames are read with their surname readings", "[search][pinyin][surnames]") {
  TempDir dir;
  MemoryLog log;
  const std::vector<std::pair<std::string, std::string>> people = {
      {"覃秀英", "qinxiuying"},   {"曾小华", "zengxiaohua"},  {"单田芳", "shantianfang"},
      {"解晓东", "xiexiaodong"},  {"仇建国", "qiujianguo"},   {"区志航", "ouzhihang"},
      {"朴成浩", "piaochenghao"}, {"查良镛", "zhaliangyong"}, {"缪海燕", "miaohaiyan"},
      {"尉迟恭", "yuchigong"},    {"万俟明", "moqiming"},     {"欧阳修", "ouyangxiu"}};
  int64_t rowid = 0;
  for (const auto& [name, reading] : people) log.Put(Person(++rowid, name, "某研究院"));
  auto index = IndexOf(dir, log);
  for (const auto& [name, reading] : people) {
    INFO(name << " as " << reading);
    const auto names = Names(Find(*index, reading));
    REQUIRE_FALSE(names.empty());
    CHECK(names[0] == name);
  }
  // The everyday readings of those characters do not find the surnames.
  CHECK_FALSE(Contains(Names(Find(*index, "cengxiaohua")), "曾小华"));
  CHECK_FALSE(Contains(Names(Find(*index, "dantianfang")), "单田芳"));
  CHECK_FALSE(Contains(Names(Find(*index, "quzhihang")), "区志航"));
}

TEST_CASE("Search: rare readings of a character make no noise", "[search][pinyin]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "田超", "某大学"));
  auto index = IndexOf(dir, log);
  CHECK(Names(Find(*index, "tc")) == std::vector<std::string>{"田超"});
  CHECK(Names(Find(*index, "tianchao")) == std::vector<std::string>{"田超"});
  CHECK(Find(*index, "tt").hits.empty());
  CHECK(Find(*index, "tiantiao").hits.empty());
}

TEST_CASE("Search: u-umlaut is typed as v or u", "[search][pinyin]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "吕绿", "某大学"));
  auto index = IndexOf(dir, log);
  for (const char* q : {"lvlv", "lulu", "lülü", "lv lu", "ll"}) {
    INFO(q);
    CHECK(Names(Find(*index, q)) == std::vector<std::string>{"吕绿"});
  }
}

TEST_CASE("Search: dotted minority names are found joined and split", "[search][names]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "买买提·艾力", "新疆大学"));
  log.Put(Person(2, "艾力江", "新疆农业大学"));
  auto index = IndexOf(dir, log);
  for (const char* q :
       {"买买提·艾力", "买买提艾力", "买买提・艾力", "买买提 艾力", "maimaitiaili"}) {
    INFO(q);
    CHECK(Names(Find(*index, q)).at(0) == "买买提·艾力");
  }
  auto part = Find(*index, "艾力");
  CHECK(Names(part).at(0) == "买买提·艾力");
  CHECK(Highlight(part.hits[0], "name") == "买买提·<em>艾力</em>");
  CHECK(Highlight(Find(*index, "买买提艾力").hits.at(0), "name") == "<em>买买提·艾力</em>");
}

TEST_CASE("Search: a field label scopes the words after it", "[search][fields]") {
  TempDir dir;
  MemoryLog log;
  auto in_unit = Person(1, "甲", "清华大学");
  auto in_text = Person(2, "乙", "北京大学");
  in_text.person.achievements = "毕业于清华大学";
  in_text.person.fields = {"水稻育种"};
  log.Put(in_unit);
  log.Put(in_text);
  auto index = IndexOf(dir, log);
  CHECK(Names(Find(*index, "清华大学")).size() == 2);
  CHECK(Names(Find(*index, "清华大学")).at(0) == "甲");
  CHECK(Names(Find(*index, "单位:清华大学")) == std::vector<std::string>{"甲"});
  CHECK(Names(Find(*index, "单位：清华")) == std::vector<std::string>{"甲"});
  CHECK(Names(Find(*index, "单位: 清华")) == std::vector<std::string>{"甲"});
  // A long text has no terms of its own: its label asks for the words in that order anywhere.
  CHECK(Names(Find(*index, "成就:毕业于清华")) == std::vector<std::string>{"乙"});
  CHECK(Names(Find(*index, "成就:清华毕业")).empty());
  CHECK(Names(Find(*index, "领域:水稻")) == std::vector<std::string>{"乙"});
  CHECK(Names(Find(*index, "姓名:乙")) == std::vector<std::string>{"乙"});
}

TEST_CASE("Search: several words must all match, each in any field", "[search][conjunction]") {
  TempDir dir;
  MemoryLog log;
  auto all = Person(1, "韦丽", "广西农业科学院", "研究员");
  all.person.ethnic_group = "壮族";
  all.person.fields = {"水稻育种"};
  auto two = Person(2, "黄强", "广西大学", "研究员");
  two.person.ethnic_group = "壮族";
  two.person.fields = {"甘蔗栽培"};
  auto other = Person(3, "李娜", "湖南农业大学", "研究员");
  other.person.ethnic_group = "汉族";
  other.person.fields = {"水稻育种"};
  log.Put(all);
  log.Put(two);
  log.Put(other);
  auto index = IndexOf(dir, log);
  CHECK(Names(Find(*index, "壮族 水稻 研究员")) == std::vector<std::string>{"韦丽"});
  CHECK(Names(Find(*index, "韦丽 广西")) == std::vector<std::string>{"韦丽"});
  CHECK(Names(Find(*index, "wl 广西农业科学院")) == std::vector<std::string>{"韦丽"});
}

TEST_CASE("Search: ID numbers are matched through the resolver in any width and case",
          "[search][id]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "甲", "单位"));
  log.Put(Person(2, "乙", "单位"));
  auto index = IndexOf(dir, log);
  std::vector<std::string> asked;
  SearchRequest request;
  request.facets = false;
  request.resolve_id = [&](std::string_view id) -> std::optional<int64_t> {
    asked.emplace_back(id);
    if (id == "45010219900307002X") return 2;
    return std::nullopt;
  };
  for (const char* q :
       {"45010219900307002X", "45010219900307002x", "４５０１０２１９９００３０７００２ｘ"}) {
    INFO(q);
    request.query = q;
    auto result = index->Search(request);
    REQUIRE(result.ok());
    CHECK(Names(*result) == std::vector<std::string>{"乙"});
  }
  CHECK(asked == std::vector<std::string>(3, "45010219900307002X"));
  request.query = "110105194912310021";
  auto unknown = index->Search(request);
  REQUIRE(unknown.ok());
  CHECK(unknown->hits.empty());
  request.resolve_id = nullptr;
  request.query = "45010219900307002X";
  CHECK(index->Search(request)->hits.empty());
}

TEST_CASE(
    "Search: a homophone fallback finds a name typed with other characters only when "
    "nothing better matches",
    "[search][homophones]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "张珊", "某大学"));
  log.Put(Person(2, "张三", "某大学"));
  auto index = IndexOf(dir, log);
  auto sound = Find(*index, "张杉");
  CHECK(sound.homophones);
  CHECK(Contains(Names(sound), "张珊"));
  auto exact = Find(*index, "张三");
  CHECK_FALSE(exact.homophones);
  CHECK(Names(exact).at(0) == "张三");
}

TEST_CASE("Search: in a query of several words, homophones replace only the words that find nobody",
          "[search][homophones]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "张珊", "某大学", "教授"));
  for (int64_t i = 2; i < 12; ++i) log.Put(Person(i, i % 2 ? "李明" : "王芳", "某大学", "教授"));
  for (int64_t i = 20; i < 26; ++i) {
    auto rice = Person(i, i % 2 ? "赵磊" : "钱伟", "某研究所", "研究员");
    rice.person.fields = {"水稻育种"};
    log.Put(rice);
  }
  auto index = IndexOf(dir, log);
  // 张杉 is nobody's name: read by its sound; 教授 finds many people as typed.
  auto sound = Find(*index, "张杉 教授");
  CHECK(sound.homophones);
  CHECK(Names(sound) == std::vector<std::string>{"张珊"});
  // Both words find people alone, just not together: no homophones for either; the people with
  // one of them are shown, loosely.
  auto apart = Find(*index, "教授 水稻");
  CHECK_FALSE(apart.homophones);
  CHECK(apart.loose);
  CHECK(apart.unmatched.empty());
  CHECK(apart.total == 17);  // 11 教授 and 6 in 水稻育种
}

IndexRecord Full(int64_t rowid, const std::string& name, const std::string& gender,
                 const std::string& birth, const std::string& province, int year,
                 const std::string& tier) {
  auto r = Person(rowid, name, "某单位");
  r.person.gender = gender;
  r.person.birth_date = birth;
  r.person.province = province;
  r.person.ethnic_group = "汉族";
  r.admissions.push_back({year, tier, "R" + std::to_string(year)});
  return r;
}

TEST_CASE("Search: filters narrow the hits and facets count the values", "[search][filters]") {
  TempDir dir;
  MemoryLog log;
  auto a = Full(1, "甲", "男", "1990-05-01", "45", 2024, "青年人才");
  a.honours.push_back({"最美科技工作者", 2024});
  a.trainings.push_back({"T2024", 2024, "attended"});
  log.Put(a);
  log.Put(Full(2, "乙", "女", "1970-01-01", "45", 2025, "领军人才"));
  log.Put(Full(3, "丙", "女", "1985-12-31", "11", 2025, "领军人才"));
  auto index = IndexOf(dir, log);
  SearchRequest request;
  request.today = 20250601;
  auto all = index->Search(request);
  REQUIRE(all.ok());
  CHECK(all->total == 3);
  const auto facet = [&](const SearchResult& r, const std::string& name) {
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& [n, values] : r.facets) {
      if (n == name) {
        for (const auto& v : values) out.emplace_back(v.value, v.count);
      }
    }
    return out;
  };
  using Counts = std::vector<std::pair<std::string, int64_t>>;
  CHECK(facet(*all, "province") == Counts{{"45", 2}, {"11", 1}});
  for (const auto& hit : all->hits) CHECK(hit.province == (hit.name == "丙" ? "11" : "45"));
  CHECK(facet(*all, "gender") == Counts{{"女", 2}, {"男", 1}});
  CHECK(facet(*all, "age_band") == Counts{{"35岁及以下", 1}, {"36-45岁", 1}, {"46-55岁", 1}});
  CHECK(facet(*all, "trained") == Counts{{"no", 2}, {"yes", 1}});
  CHECK(facet(*all, "honour") == Counts{{"最美科技工作者", 1}});

  const auto names_with = [&](std::vector<std::pair<std::string, std::string>> filters) {
    SearchRequest r = request;
    r.filters = std::move(filters);
    auto result = index->Search(r);
    REQUIRE(result.ok());
    auto names = Names(*result);
    std::sort(names.begin(), names.end());
    return names;
  };
  using V = std::vector<std::string>;
  CHECK(names_with({{"province", "45"}}) == V{"乙", "甲"});
  CHECK(names_with({{"province", "45"}, {"gender", "女"}}) == V{"乙"});
  CHECK(names_with({{"province", "45"}, {"province", "11"}, {"gender", "女"}}) == V{"丙", "乙"});
  CHECK(names_with({{"tier", "领军人才"}}) == V{"丙", "乙"});
  CHECK(names_with({{"year", "2024"}}) == V{"甲"});
  CHECK(names_with({{"round", "R2025"}}) == V{"丙", "乙"});
  CHECK(names_with({{"honour", "最美科技工作者"}}) == V{"甲"});
  CHECK(names_with({{"trained", "no"}}) == V{"丙", "乙"});
  CHECK(names_with({{"age_band", "35岁及以下"}}) == V{"甲"});
  CHECK(names_with({{"age_band", "36-45岁"}}) == V{"丙"});
  CHECK(names_with({{"age_band", "56岁及以上"}}).empty());
  // 1985-12-31 is 39 on 2025-06-01; the day before the 36th birthday still counts as 35.
  request.today = 20211230;
  request.filters = {{"age_band", "35岁及以下"}};
  auto young = index->Search(request);
  REQUIRE(young.ok());
  auto young_names = Names(*young);
  std::sort(young_names.begin(), young_names.end());
  CHECK(young_names == V{"丙", "甲"});
}

TEST_CASE("Search: birth years, decades and ages find exactly the people born in their range",
          "[search][filters][birth]") {
  TempDir dir;
  MemoryLog log;
  // Seven people a year from 1938 to 2006, born on the days a range may cut between: the first
  // and last of the year, and the days beside the two `today`s below.
  std::vector<std::pair<int64_t, int>> born;  // rowid, YYYYMMDD
  for (int year = 1938; year <= 2006; ++year) {
    for (int mmdd : {101, 606, 607, 608, 1207, 1208, 1231}) {
      const auto rowid = static_cast<int64_t>(born.size()) + 1;
      char date[32];
      std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, mmdd / 100, mmdd % 100);
      log.Put(Full(rowid, "张三", "男", date, "45", 2024, "青年人才"));
      born.emplace_back(rowid, year * 10000 + mmdd);
    }
  }
  auto index = IndexOf(dir, log);
  const auto found = [&](SearchRequest request) {
    std::vector<int64_t> rowids;
    request.size = 100;
    for (request.page = 1;; ++request.page) {
      auto result = index->Search(request);
      REQUIRE(result.ok());
      if (result->hits.empty()) break;
      for (const auto& hit : result->hits) rowids.push_back(hit.rowid);
    }
    std::sort(rowids.begin(), rowids.end());
    return rowids;
  };
  const auto born_between = [&](int from, int to) {
    std::vector<int64_t> rowids;
    for (const auto& [rowid, date] : born) {
      if (date >= from && date <= to) rowids.push_back(rowid);
    }
    return rowids;
  };
  for (const int today : {20260607, 20261207}) {
    INFO("today " << today);
    const auto typed = [&](const std::string& query) {
      SearchRequest request;
      request.today = today;
      request.query = query;
      return found(request);
    };
    const auto band = [&](const std::string& value) {
      SearchRequest request;
      request.today = today;
      request.filters = {{"age_band", value}};
      return found(request);
    };
    const auto years_ago = [&](int years) { return today - years * 10000; };
    CHECK(typed("80后") == born_between(19800101, 19891231));
    CHECK(typed("1983") == born_between(19830101, 19831231));
    CHECK(typed("1983年") == born_between(19830101, 19831231));
    // 35 included: born after the day 36 years ago.
    CHECK(typed("35岁以下") == born_between(years_ago(36) + 1, today));
    CHECK(typed("40岁以下") == born_between(years_ago(41) + 1, today));
    CHECK(typed("30岁以上") == born_between(10000101, years_ago(30)));
    CHECK(typed("60岁以上") == born_between(10000101, years_ago(60)));
    CHECK(band("35岁及以下") == born_between(years_ago(36) + 1, today));
    CHECK(band("36-45岁") == born_between(years_ago(46) + 1, years_ago(36)));
    CHECK(band("46-55岁") == born_between(years_ago(56) + 1, years_ago(46)));
    CHECK(band("56岁及以上") == born_between(10000101, years_ago(56)));
  }
}

TEST_CASE("SearchAmong: hits, total and facets are those of the allowed persons only",
          "[search][among][filters]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Full(1, "甲", "男", "1990-05-01", "45", 2024, "青年人才"));
  log.Put(Full(2, "乙", "女", "1970-01-01", "45", 2025, "领军人才"));
  log.Put(Full(3, "丙", "女", "1985-12-31", "11", 2025, "领军人才"));
  log.Put(Full(4, "丁", "女", "1988-03-01", "45", 2025, "青年人才"));
  auto index = IndexOf(dir, log);
  SearchRequest request;
  request.today = 20250601;
  // In any order, repeated, and with persons the index does not hold.
  const std::vector<int64_t> allowed = {4, 2, 99, 2, 0};
  auto among = index->SearchAmong(request, allowed);
  REQUIRE(among.ok());
  CHECK(among->total == 2);
  // An empty query lists them in rowid order, weighing nothing, as filters alone do.
  CHECK(Names(*among) == std::vector<std::string>{"乙", "丁"});
  for (const auto& hit : among->hits) CHECK(hit.score == 0);
  const auto facet = [](const SearchResult& r, const std::string& name) {
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& [n, values] : r.facets) {
      if (n == name) {
        for (const auto& v : values) out.emplace_back(v.value, v.count);
      }
    }
    return out;
  };
  using Counts = std::vector<std::pair<std::string, int64_t>>;
  CHECK(facet(*among, "gender") == Counts{{"女", 2}});
  CHECK(facet(*among, "tier") == Counts{{"青年人才", 1}, {"领军人才", 1}});
  CHECK_FALSE(among->facets_estimated);

  // A query and filters narrow them further; the ranking is the whole index's.
  request.query = "某单位";
  request.filters = {{"tier", "领军人才"}};
  auto everyone = index->Search(request);
  REQUIRE(everyone.ok());
  CHECK(everyone->total == 2);
  auto narrowed = index->SearchAmong(request, allowed);
  REQUIRE(narrowed.ok());
  REQUIRE(Names(*narrowed) == std::vector<std::string>{"乙"});
  CHECK(narrowed->total == 1);
  CHECK(facet(*narrowed, "province") == Counts{{"45", 1}});
  for (const auto& hit : everyone->hits) {
    if (hit.name == "乙") CHECK(narrowed->hits[0].score == hit.score);
  }
  // Without facets the total is still exact.
  request.facets = false;
  auto counted = index->SearchAmong(request, allowed);
  REQUIRE(counted.ok());
  CHECK(counted->total == 1);
  // Nobody allowed: nobody found.
  auto nobody = index->SearchAmong(request, std::vector<int64_t>{});
  REQUIRE(nobody.ok());
  CHECK(nobody->total == 0);
  CHECK(nobody->hits.empty());
}

TEST_CASE(
    "Search: a filter word alone counts the people holding the value and those whose texts name it",
    "[search][filters][facets]") {
  TempDir dir;
  MemoryLog log;
  // 12,000 people, more than one match records: every twelfth is 壮族 in a unit whose name says
  // 汉族, the others 汉族.
  constexpr int64_t kPeople = 12000;
  for (int64_t rowid = 1; rowid <= kPeople; ++rowid) {
    const bool text_only = rowid % 12 == 0;
    auto r = Full(rowid, "张三", "男", "1980-01-01", "45", 2024, "青年人才");
    r.person.ethnic_group = text_only ? "壮族" : "汉族";
    if (text_only) r.person.unit_name = "汉族文化研究所";
    log.Put(r);
  }
  auto index = IndexOf(dir, log);
  SearchRequest request;
  request.today = 20250601;
  request.query = "汉族";
  auto all = index->Search(request);
  REQUIRE(all.ok());
  // The holders of the value rank first; the facets are a sample's, scaled: both kinds are in
  // them, and the total is all of them (11,000 holders would be a count that lost the texts).
  REQUIRE(all->hits.size() == 10);
  CHECK(all->hits[0].rowid == 1);
  CHECK(all->facets_estimated);
  CHECK(static_cast<double>(all->total) == Approx(kPeople).epsilon(0.03));
  int64_t zhuang = 0;
  for (const auto& [name, values] : all->facets) {
    for (const auto& v : values) {
      if (name == "ethnic_group" && v.value == "壮族") zhuang = v.count;
    }
  }
  CHECK(static_cast<double>(zhuang) == Approx(kPeople / 12).epsilon(0.3));
}

TEST_CASE("Search: a wide search matched in slices of the index answers as one match does",
          "[search][slices]") {
  TempDir dir;
  MemoryLog log;
  // 3,000 people whose names, units, titles, birth dates and admissions vary, with gaps in the
  // ids where people were removed.
  const char* surnames[] = {"王", "李", "张", "刘", "陈", "黄", "赵", "周"};
  const char* given[] = {"伟", "芳", "军", "敏", "强", "丽", "明", "华", "建国", "海燕", "志强"};
  const char* units[] = {"中国科学院物理研究所", "清华大学",       "广西大学",
                         "中国农业科学院",       "北京工程研究院", "浙江大学医学院",
                         "南宁市工程研究所"};
  const char* titles[] = {"研究员", "教授", "高级工程师", "副研究员", "工程师"};
  constexpr int64_t kPeople = 3000;
  for (int64_t rowid = 1; rowid <= kPeople; ++rowid) {
    const auto pick = [&](auto& list, int64_t salt) {
      return list[static_cast<size_t>((rowid * salt + rowid / 7) % std::size(list))];
    };
    auto r = Person(rowid, std::string(pick(surnames, 3)) + pick(given, 5), pick(units, 11),
                    pick(titles, 13));
    r.person.gender = rowid % 3 == 0 ? "女" : "男";
    r.person.birth_date = std::to_string(1960 + rowid % 37) + "-0" + std::to_string(1 + rowid % 9) +
                          "-1" + std::to_string(rowid % 10);
    r.person.province = rowid % 4 == 0 ? "11" : "45";
    r.person.ethnic_group = rowid % 5 == 0 ? "壮族" : "汉族";
    r.person.fields = {rowid % 2 == 0 ? "工程力学" : "作物遗传育种"};
    r.admissions.push_back(
        {2019 + static_cast<int>(rowid % 7), rowid % 6 == 0 ? "领军人才" : "青年人才", "R1"});
    log.Put(r);
  }
  for (int64_t rowid = 1000; rowid < 1100; ++rowid) log.Remove(rowid);
  auto index = IndexOf(dir, log);

  const auto answer = [&](SearchRequest request, int64_t slice_from) {
    index->SetSliceFrom(slice_from);
    request.today = 20260601;
    auto result = index->Search(request);
    REQUIRE(result.ok());
    return *result;
  };
  const bool cores = std::thread::hardware_concurrency() >= 2;
  int compared = 0;
  for (const std::string query :
       {"", "王", "研究所 工程", "男", "工程 教授", "广西 研究员", "李明"}) {
    for (const SortOrder sort :
         {SortOrder::kRelevance, SortOrder::kAdmissionYearDesc, SortOrder::kAdmissionYearAsc,
          SortOrder::kYoungestFirst, SortOrder::kOldestFirst}) {
      for (const int page : {1, 3}) {
        SearchRequest request;
        request.query = query;
        request.sort = sort;
        request.page = page;
        request.size = 7;
        if (query == "王") request.filters = {{"province", "45"}};
        const SearchResult one = answer(request, 0);
        const SearchResult sliced = answer(request, 1);
        INFO("query " << query << " sort " << static_cast<int>(sort) << " page " << page);
        CHECK(one.slices == 1);
        // A query that weighs nothing (男, an empty one) stops at its page in one match, and
        // counts exactly.
        const bool boolean = query.empty() || query == "男";
        if (cores) CHECK((sliced.slices >= 2) == !boolean);
        if (sliced.slices >= 2) ++compared;
        CHECK(sliced.total == one.total);
        REQUIRE(sliced.hits.size() == one.hits.size());
        for (size_t i = 0; i < one.hits.size(); ++i) {
          CHECK(sliced.hits[i].rowid == one.hits[i].rowid);
          CHECK(sliced.hits[i].score == one.hits[i].score);
        }
        // Every match of each slice is counted: the facets are exact, and the same.
        CHECK_FALSE(sliced.facets_estimated);
        CHECK(sliced.facets.size() == one.facets.size());
        for (const auto& facet : one.facets) {
          const auto& values = facet.second;
          const auto same = std::find_if(sliced.facets.begin(), sliced.facets.end(),
                                         [&](const auto& f) { return f.first == facet.first; });
          REQUIRE(same != sliced.facets.end());
          REQUIRE(same->second.size() == values.size());
          for (size_t i = 0; i < values.size(); ++i) {
            CHECK(same->second[i].value == values[i].value);
            CHECK(same->second[i].count == values[i].count);
          }
        }
      }
    }
  }
  if (cores) CHECK(compared == 5 * 5 * 2);

  // A search that finds almost nobody is answered by the one match, which can add homophones.
  SearchRequest few;
  few.query = "黄建果";
  const SearchResult homophones = answer(few, 1);
  CHECK(homophones.slices == 1);
  CHECK(homophones.homophones);
  CHECK_FALSE(homophones.hits.empty());
}

TEST_CASE("Search: facets of many matches are counted in a sample spread over the whole index",
          "[search][filters][facets]") {
  TempDir dir;
  MemoryLog log;
  // Two provinces' files imported one after the other: the first half of the ids in Guangxi, the
  // second in Beijing. Every second person a man, every eighth a 领军人才.
  constexpr int64_t kPeople = 10800;
  for (int64_t rowid = 1; rowid <= kPeople; ++rowid) {
    log.Put(Full(rowid, "张三", rowid % 2 == 0 ? "男" : "女", "1980-01-01",
                 rowid <= kPeople / 2 ? "45" : "11", 2024,
                 rowid % 8 == 0 ? "领军人才" : "青年人才"));
  }
  auto index = IndexOf(dir, log);
  const auto count = [](const SearchResult& r, const std::string& name, const std::string& value) {
    for (const auto& [n, values] : r.facets) {
      for (const auto& v : values) {
        if (n == name && v.value == value) return v.count;
      }
    }
    return int64_t{0};
  };
  SearchRequest request;
  request.today = 20250601;

  // More matches than one match records: a sample of them, taken over all of the index. A sample
  // of the first ids would count nobody in Beijing.
  auto all = index->Search(request);
  REQUIRE(all.ok());
  CHECK(all->total == kPeople);
  CHECK(all->facets_estimated);
  CHECK(static_cast<double>(count(*all, "province", "45")) == Approx(kPeople / 2).epsilon(0.25));
  CHECK(static_cast<double>(count(*all, "province", "11")) == Approx(kPeople / 2).epsilon(0.25));
  CHECK(static_cast<double>(count(*all, "tier", "领军人才")) == Approx(kPeople / 8).epsilon(0.3));

  // A word that is a filter only weighs nothing: the page is the first matches in id order.
  request.query = "男";
  auto men = index->Search(request);
  REQUIRE(men.ok());
  CHECK(men->total == kPeople / 2);
  REQUIRE(men->hits.size() == 10);
  for (size_t i = 0; i < men->hits.size(); ++i) {
    CHECK(men->hits[i].rowid == static_cast<int64_t>(2 * (i + 1)));
    CHECK(men->hits[i].score == 0);
  }
  // 5,400 matches in 675 runs of neighbouring ids: few enough reads to count them all.
  CHECK_FALSE(men->facets_estimated);
  CHECK(count(*men, "province", "11") == kPeople / 4);
  CHECK(count(*men, "gender", "男") == men->total);
  CHECK(count(*men, "gender", "女") == 0);

  // A few matches are all counted, exactly.
  request.query = "领军人才 男";
  request.filters = {{"province", "45"}};
  auto few = index->Search(request);
  REQUIRE(few.ok());
  CHECK(few->total == kPeople / 16);
  CHECK_FALSE(few->facets_estimated);
  CHECK(count(*few, "gender", "男") == kPeople / 16);
  CHECK(count(*few, "province", "45") == kPeople / 16);
  CHECK(count(*few, "tier", "领军人才") == kPeople / 16);

  // Matched in slices, each slice samples its share of the index: the counts still hold, and
  // so does the total, scaled by the share of the runs each sample took.
  index->SetSliceFrom(1);
  request.query = "张三";
  request.filters.clear();
  auto sliced = index->Search(request);
  REQUIRE(sliced.ok());
  if (std::thread::hardware_concurrency() >= 2) CHECK(sliced->slices >= 2);
  CHECK(sliced->facets_estimated);
  CHECK(static_cast<double>(sliced->total) == Approx(kPeople).epsilon(0.1));
  CHECK(static_cast<double>(count(*sliced, "province", "45")) == Approx(kPeople / 2).epsilon(0.25));
  CHECK(static_cast<double>(count(*sliced, "province", "11")) == Approx(kPeople / 2).epsilon(0.25));
  CHECK(static_cast<double>(count(*sliced, "tier", "领军人才")) ==
        Approx(kPeople / 8).epsilon(0.3));
}

TEST_CASE("Search: results sort by relevance, admission year or age", "[search][sort]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Full(1, "甲", "男", "1990-05-01", "45", 2024, "青年人才"));
  log.Put(Full(2, "乙", "女", "1970-01-01", "45", 2026, "领军人才"));
  log.Put(Full(3, "丙", "女", "1985-12-31", "11", 2025, "领军人才"));
  auto index = IndexOf(dir, log);
  SearchRequest request;
  request.facets = false;
  request.sort = SortOrder::kAdmissionYearDesc;
  CHECK(Names(*index->Search(request)) == std::vector<std::string>{"乙", "丙", "甲"});
  request.sort = SortOrder::kYoungestFirst;
  CHECK(Names(*index->Search(request)) == std::vector<std::string>{"甲", "丙", "乙"});
  request.sort = SortOrder::kOldestFirst;
  CHECK(Names(*index->Search(request)) == std::vector<std::string>{"乙", "丙", "甲"});
  CHECK(ParseSortOrder("-age").value() == SortOrder::kOldestFirst);
  CHECK(ParseSortOrder("newest").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Search: pages follow each other without overlap", "[search][paging]") {
  TempDir dir;
  MemoryLog log;
  for (int i = 1; i <= 25; ++i) log.Put(Person(i, "王" + std::to_string(i), "某大学"));
  auto index = IndexOf(dir, log);
  SearchRequest request;
  request.query = "王";
  request.size = 10;
  request.facets = false;
  std::vector<std::string> seen;
  for (int page = 1; page <= 3; ++page) {
    request.page = page;
    auto result = index->Search(request);
    REQUIRE(result.ok());
    CHECK(result->total == 25);
    for (const auto& n : Names(*result)) seen.push_back(n);
  }
  std::sort(seen.begin(), seen.end());
  CHECK(std::unique(seen.begin(), seen.end()) == seen.end());
  CHECK(seen.size() == 25);
}

TEST_CASE("Search: bad page, size and filters are rejected naming the field", "[search][errors]") {
  TempDir dir;
  auto index = OpenIndex(dir);
  SearchRequest request;
  request.size = 0;
  auto bad_size = index->Search(request);
  REQUIRE(bad_size.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad_size.status().message().find("每页条数") != std::string::npos);
  request.size = 10;
  request.page = 0;
  CHECK(index->Search(request).status().message().find("页码") != std::string::npos);
  request.page = 1;
  request.filters = {{"colour", "red"}};
  CHECK(index->Search(request).status().message().find("colour") != std::string::npos);
  request.filters = {{"age_band", "30岁"}};
  CHECK(index->Search(request).status().code() == StatusCode::kInvalidArgument);
  request.filters = {};
  request.query = std::string(201, 'a');
  CHECK(index->Search(request).status().message().find("检索词") != std::string::npos);
}

TEST_CASE("CatchUp: applies the log once, records the seq, and follows updates and deletions",
          "[index][catchup]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "张三", "清华大学"));
  log.Put(Person(2, "李四", "北京大学"));
  auto index = OpenIndex(dir);
  auto first = index->CatchUp(log);
  REQUIRE(first.ok());
  CHECK(first->written == 2);
  CHECK(first->last_seq == 2);
  auto again = index->CatchUp(log);
  REQUIRE(again.ok());
  CHECK(again->changes == 0);
  CHECK(again->written == 0);

  log.Put(Person(1, "张三", "浙江大学"));
  log.Remove(2);
  auto next = index->CatchUp(log);
  REQUIRE(next.ok());
  CHECK(next->written == 1);
  CHECK(next->deleted == 1);
  CHECK(Names(Find(*index, "李四")).empty());
  CHECK(Names(Find(*index, "浙江大学")) == std::vector<std::string>{"张三"});
  CHECK(Names(Find(*index, "清华大学")).empty());
  auto info = index->Info();
  REQUIRE(info.ok());
  CHECK(info->last_seq == 4);
  CHECK(info->documents == 1);
  CHECK(info->registry_id == "registry-test");
  CHECK(info->analyzer_version == SearchIndex::AnalyzerVersion());

  // Reopening keeps the seq: nothing is applied twice.
  index.reset();
  auto reopened = OpenIndex(dir);
  auto replay = reopened->CatchUp(log);
  REQUIRE(replay.ok());
  CHECK(replay->changes == 0);
  CHECK(Names(Find(*reopened, "张三")) == std::vector<std::string>{"张三"});
}

TEST_CASE("CatchUp: replaying changes already applied changes nothing", "[index][catchup]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "张三", "清华大学"));
  log.Remove(7);  // a person never indexed
  log.Put(Person(1, "张三", "清华大学"));
  auto index = OpenIndex(dir);
  REQUIRE(index->CatchUp(log).ok());
  REQUIRE(index->Rebuild(log).ok());
  CHECK(index->Info()->documents == 1);
  CHECK(Find(*index, "张三").total == 1);
}

TEST_CASE("CatchUp: an index of another registry is rebuilt from this one", "[index][catchup]") {
  TempDir dir;
  MemoryLog first("registry-a");
  first.Put(Person(1, "张三", "清华大学"));
  auto index = OpenIndex(dir);
  REQUIRE(index->CatchUp(first).ok());
  MemoryLog second("registry-b");
  second.Put(Person(5, "李四", "北京大学"));
  auto stats = index->CatchUp(second);
  REQUIRE(stats.ok());
  CHECK(stats->rebuilt);
  CHECK(Names(Find(*index, "张三")).empty());
  CHECK(Names(Find(*index, "李四")) == std::vector<std::string>{"李四"});
  CHECK(index->Info()->registry_id == "registry-b");
}

TEST_CASE("Rebuild: persons written into several side databases keep their rowids as ids",
          "[index][rebuild]") {
  TempDir dir;
  MemoryLog log;
  // More persons than one side database takes, with gaps: removed rowids leave none behind.
  for (int i = 1; i <= 1234; ++i) log.Put(Person(i, "张" + std::to_string(i), "某研究所"));
  for (int i = 450; i <= 1234; i += 100) log.Remove(i);  // 450, 550, ..., 1150
  auto index = IndexOf(dir, log);
  auto stats = index->Rebuild(log);
  REQUIRE(stats.ok());
  CHECK(stats->written == 1234 - 8);
  CHECK(index->Info()->documents == 1234 - 8);
  for (int i : {1, 499, 500, 501, 999, 1001, 1233}) {
    const SearchResult found = Find(*index, "张" + std::to_string(i));
    REQUIRE_FALSE(found.hits.empty());
    CHECK(found.hits[0].name == "张" + std::to_string(i));
    CHECK(found.hits[0].rowid == i);
  }
  CHECK(Find(*index, "张650").total == 0);
}

TEST_CASE("Rebuild: builds a new generation aside and swaps it in while searches go on",
          "[index][rebuild]") {
  TempDir dir;
  MemoryLog log;
  for (int i = 1; i <= 50; ++i) log.Put(Person(i, "王" + std::to_string(i), "某大学"));
  auto index = IndexOf(dir, log);
  auto reader = OpenIndex(dir);  // another handle on the same index, as a second process would
  CHECK(Find(*reader, "王").total == 50);
  const std::string before = index->Info()->generation;
  log.Put(Person(51, "李娜", "某大学"));
  auto stats = index->Rebuild(log);
  REQUIRE(stats.ok());
  CHECK(stats->rebuilt);
  CHECK(stats->written == 51);
  const std::string after = index->Info()->generation;
  CHECK(after != before);
  CHECK(reader->Info()->generation == after);
  CHECK(Find(*reader, "王").total == 50);
  CHECK(Names(Find(*reader, "李娜")) == std::vector<std::string>{"李娜"});
  CHECK(std::filesystem::exists(dir.path() + "/index/" + after));
  REQUIRE(index->Rebuild(log).ok());
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/index/" + before));
}

}  // namespace
}  // namespace tp::indexer

namespace tp::indexer {
namespace {

TEST_CASE("Search: one character finds the texts holding it at any place in a word",
          "[search][phrase]") {
  TempDir dir;
  MemoryLog log;
  auto middle = Person(1, "甲", "某单位");
  middle.person.fields = {"水稻育种"};
  auto end = Person(2, "乙", "某单位");
  end.person.achievements = "培育杂交水稻";
  auto none = Person(3, "丙", "某单位");
  none.person.achievements = "小麦栽培";
  log.Put(middle);
  log.Put(end);
  log.Put(none);
  auto index = IndexOf(dir, log);
  auto names = Names(Find(*index, "稻"));
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"乙", "甲"});
  CHECK(Names(Find(*index, "领域:稻")) == std::vector<std::string>{"甲"});
  CHECK(Names(Find(*index, "稻育")) == std::vector<std::string>{"甲"});
  CHECK(Names(Find(*index, "杂交水稻")) == std::vector<std::string>{"乙"});
  CHECK(Names(Find(*index, "水稻杂交")) == std::vector<std::string>{"乙"});  // pairs in any order
}

}  // namespace
}  // namespace tp::indexer
