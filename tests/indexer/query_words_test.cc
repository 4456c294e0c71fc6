// Queries that do not dead-end: words that find nobody are left out and named, words naming a
// filter value are read as that filter (without losing the people whose texts hold them).
#include <algorithm>
#include <catch2/catch.hpp>

#include "indexer/search_index.h"
#include "tests/indexer/index_test_support.h"

namespace tp::indexer::testing {
namespace {

IndexRecord Someone(int64_t rowid, const std::string& name, const std::string& gender,
                    const std::string& birth, const std::string& province,
                    const std::string& ethnic, const std::string& tier, int year) {
  auto r = Person(rowid, name, "某研究所", "研究员");
  r.person.gender = gender;
  r.person.birth_date = birth;
  r.person.province = province;
  r.person.ethnic_group = ethnic;
  r.admissions.push_back({year, tier, "R" + std::to_string(year)});
  return r;
}

SearchResult Ask(const SearchIndex& index, const std::string& query,
                 std::vector<std::string> withheld = {}) {
  SearchRequest request;
  request.query = query;
  request.facets = false;
  request.size = 100;
  request.today = 20260601;
  request.withheld_filters = std::move(withheld);
  auto result = index.Search(request);
  REQUIRE(result.ok());
  return *result;
}

using V = std::vector<std::string>;

std::vector<std::string> Sorted(const SearchResult& result) {
  auto names = Names(result);
  std::sort(names.begin(), names.end());
  return names;
}

V Sorted(V names) {
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::pair<std::string, std::string>> Understood(const SearchResult& r) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const UnderstoodFilter& u : r.understood) out.emplace_back(u.filter, u.value);
  return out;
}

TEST_CASE("Search: a word that finds nobody is left out and named", "[search][unmatched]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "张三", "清华大学", "教授"));
  log.Put(Person(2, "李四", "北京大学", "研究员"));
  auto index = IndexOf(dir, log);

  auto one_wrong = Ask(*index, "张三 锟斤拷");
  CHECK(Names(one_wrong) == V{"张三"});
  CHECK(one_wrong.unmatched == V{"锟斤拷"});
  CHECK_FALSE(one_wrong.loose);

  auto all_found = Ask(*index, "张三 清华");
  CHECK(Names(all_found) == V{"张三"});
  CHECK(all_found.unmatched.empty());

  auto nothing = Ask(*index, "锟斤拷");
  CHECK(nothing.hits.empty());
  CHECK(nothing.unmatched == V{"锟斤拷"});

  auto two_wrong = Ask(*index, "锟斤拷 烫烫烫 李四");
  CHECK(Names(two_wrong) == V{"李四"});
  CHECK(two_wrong.unmatched == V{"锟斤拷", "烫烫烫"});

  // A scoped word is named with its label.
  auto scoped = Ask(*index, "张三 单位:北京大学");
  CHECK(scoped.unmatched.empty());
  CHECK(scoped.loose);
  CHECK(Sorted(scoped) == Sorted(V{"张三", "李四"}));

  // An ID number nobody has is left out as any other word; the number resolving finds its person.
  SearchRequest request;
  request.query = "张三 110105194912310021";
  request.facets = false;
  request.resolve_id = [](std::string_view) -> std::optional<int64_t> { return std::nullopt; };
  auto id = index->Search(request);
  REQUIRE(id.ok());
  CHECK(Names(*id) == V{"张三"});
  CHECK(id->unmatched == V{"1101**********0021"});
}

TEST_CASE("Search: every word matching keeps the ranking of the words alone",
          "[search][unmatched]") {
  TempDir dir;
  MemoryLog log;
  for (int64_t i = 1; i <= 8; ++i) {
    log.Put(Person(i, i % 2 ? "王芳" : "王方", i % 3 ? "清华大学" : "北京大学", "教授"));
  }
  auto index = IndexOf(dir, log);
  auto both = Ask(*index, "王芳 清华大学");
  auto with_noise = Ask(*index, "王芳 清华大学 锟斤拷");
  REQUIRE(both.hits.size() == with_noise.hits.size());
  for (size_t i = 0; i < both.hits.size(); ++i) {
    CHECK(both.hits[i].rowid == with_noise.hits[i].rowid);
    CHECK(both.hits[i].score == Approx(with_noise.hits[i].score));
  }
  CHECK(with_noise.unmatched == V{"锟斤拷"});
}

TEST_CASE("Search: words naming filter values are read as filters", "[search][understood]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Someone(1, "黄明辉", "男", "1983-04-02", "45", "壮族", "青年人才", 2024));
  log.Put(Someone(2, "黄明辉", "男", "1975-08-09", "11", "汉族", "领军人才", 2023));
  log.Put(Someone(3, "韦丽", "女", "1990-01-20", "45", "壮族", "青年人才", 2025));
  log.Put(Someone(4, "陆敏", "女", "1968-11-11", "45", "汉族", "领军人才", 2024));
  log.Put(Someone(5, "马红", "女", "1986-06-06", "64", "回族", "青年人才", 2025));
  // A unit whose name holds a filter word: found by the word too, never lost.
  auto unit = Someone(6, "周平", "男", "1960-02-02", "11", "汉族", "领军人才", 2023);
  unit.person.unit_name = "中国青年科技工作者协会";
  log.Put(unit);
  auto trained = Someone(7, "吴越", "男", "1979-03-03", "33", "汉族", "领军人才", 2022);
  trained.trainings.push_back({"T2024", 2024, "attended"});
  log.Put(trained);
  auto index = IndexOf(dir, log);

  auto women = Ask(*index, "女");
  CHECK(Sorted(women) == Sorted(V{"韦丽", "陆敏", "马红"}));
  CHECK(Understood(women) == std::vector<std::pair<std::string, std::string>>{{"gender", "女"}});
  CHECK(women.understood[0].from == "女");

  auto three = Ask(*index, "广西 壮族 女");
  CHECK(Names(three).at(0) == "韦丽");
  CHECK(Understood(three) == std::vector<std::pair<std::string, std::string>>{
                                 {"province", "45"}, {"ethnic_group", "壮族"}, {"gender", "女"}});
  CHECK(three.understood[0].label == "广西壮族自治区");
  CHECK(Names(Ask(*index, "广西壮族自治区 壯族 女性")).at(0) == "韦丽");

  auto minorities = Ask(*index, "少数民族 女");
  CHECK(Sorted(minorities) == Sorted(V{"韦丽", "马红"}));

  // 青年 is the tier and a word of a unit's name: both are found, the tier's people and the unit's.
  CHECK(Sorted(Ask(*index, "青年")) == Sorted(V{"周平", "韦丽", "马红", "黄明辉"}));
  CHECK(Sorted(Ask(*index, "青年人才")) == Sorted(V{"韦丽", "马红", "黄明辉"}));

  auto born = Ask(*index, "黄明辉 1983");
  CHECK(Names(born) == V{"黄明辉"});
  CHECK(born.hits.at(0).rowid == 1);
  CHECK(Understood(born) ==
        std::vector<std::pair<std::string, std::string>>{{"birth_year", "1983"}});
  CHECK(Ask(*index, "黄明辉 1983年").hits.at(0).rowid == 1);

  CHECK(Sorted(Ask(*index, "80后")) == Sorted(V{"马红", "黄明辉"}));
  CHECK(Ask(*index, "80后").understood.at(0).value == "1980-1989");
  // On 2026-06-01, 35岁以下 (35 included) is born after 1990-06-01.
  CHECK(Sorted(Ask(*index, "35岁以下")) == Sorted(V{}));
  CHECK(Ask(*index, "35岁以下").unmatched == V{"35岁以下"});
  CHECK(Sorted(Ask(*index, "40岁以下 青年人才")) == Sorted(V{"韦丽", "马红"}));
  CHECK(Ask(*index, "40岁以下").understood.at(0).filter == "age");
  CHECK(Sorted(Ask(*index, "56岁及以上")) == Sorted(V{"周平", "陆敏"}));
  CHECK(Ask(*index, "56岁及以上").understood.at(0).filter == "age_band");
  CHECK(Sorted(Ask(*index, "2024年入库")) == Sorted(V{"陆敏", "黄明辉"}));
  CHECK(Sorted(Ask(*index, "参加过培训")) == Sorted(V{"吴越"}));
  CHECK(Sorted(Ask(*index, "领军 男")) == Sorted(V{"吴越", "周平", "黄明辉"}));
}

TEST_CASE("Search: a filter the caller may not use stays text, and short forms need company",
          "[search][understood]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Someone(1, "韦丽", "女", "1990-01-20", "45", "壮族", "青年人才", 2025));
  auto unit = Someone(2, "蓝天", "男", "1980-01-01", "45", "汉族", "青年人才", 2025);
  unit.person.unit_name = "广西壮族自治区农业科学院";
  log.Put(unit);
  log.Put(Someone(3, "苗青", "男", "1980-01-01", "52", "汉族", "青年人才", 2025));
  log.Put(Someone(4, "杨梅", "女", "1980-01-01", "52", "苗族", "青年人才", 2025));
  auto index = IndexOf(dir, log);

  // A unit may not select by 民族: 壮族 is then text only (the ethnic group is a text field
  // too, which the API hides from a unit).
  auto withheld = Ask(*index, "壮族", {"ethnic_group"});
  CHECK(withheld.understood.empty());
  auto read = Ask(*index, "壮族");
  CHECK(Understood(read) ==
        std::vector<std::pair<std::string, std::string>>{{"ethnic_group", "壮族"}});

  // 苗 alone is a surname first; beside other words, the group.
  auto alone = Ask(*index, "苗");
  CHECK(alone.understood.empty());
  CHECK(Names(alone).at(0) == "苗青");
  auto beside = Ask(*index, "苗 女");
  CHECK(Understood(beside) == std::vector<std::pair<std::string, std::string>>{
                                  {"ethnic_group", "苗族"}, {"gender", "女"}});
  CHECK(Names(beside) == V{"杨梅"});

  // Quoted, a filter word is text.
  CHECK(Ask(*index, "\"广西\"").understood.empty());
}

TEST_CASE("Search: 政治面貌 in full or short is read as a filter, and stays text",
          "[search][understood][political]") {
  TempDir dir;
  MemoryLog log;
  const auto with_party = [](int64_t rowid, const std::string& name, const std::string& party,
                             const std::string& post) {
    auto r = Someone(rowid, name, "男", "1980-01-01", "11", "汉族", "青年人才", 2025);
    r.person.political_affiliation = party;
    r.person.post = post;
    return r;
  };
  log.Put(with_party(1, "孙立", "九三学社社员", "研究员"));
  log.Put(with_party(2, "钱进", "九三学社社员", "工程师"));
  log.Put(with_party(3, "赵明", "民盟盟员", "研究员"));
  log.Put(with_party(4, "李强", "无党派人士", "研究员"));
  auto office = with_party(5, "周文", "群众", "研究员");
  office.person.unit_name = "九三学社北京市委员会";
  log.Put(office);
  auto index = IndexOf(dir, log);

  auto both = Ask(*index, "九三学社 研究员");
  REQUIRE(both.hits.size() >= 1);
  CHECK(both.hits[0].rowid == 1);
  CHECK(Understood(both) ==
        std::vector<std::pair<std::string, std::string>>{{"political", "九三学社社员"}});
  // The society's own office holds the words as text: found too, below its members.
  CHECK(Sorted(Ask(*index, "九三学社")) == Sorted(V{"孙立", "钱进", "周文"}));
  CHECK(Sorted(Ask(*index, "九三")) == Sorted(V{"孙立", "钱进", "周文"}));
  CHECK(Ask(*index, "九三学社").hits.at(2).rowid == 5);
  CHECK(Sorted(Ask(*index, "民盟")) == Sorted(V{"赵明"}));
  CHECK(Sorted(Ask(*index, "无党派 研究员")).at(0) == "李强");
  CHECK(Ask(*index, "无党派 研究员").hits.at(0).rowid == 4);
  CHECK(Sorted(Ask(*index, "民盟 研究员")) == Sorted(V{"赵明"}));
  // A caller who may not select by 政治面貌 has the words as text only.
  auto withheld = Ask(*index, "九三学社", {"political"});
  CHECK(withheld.understood.empty());
  CHECK(Names(withheld) == V{"周文"});
}

TEST_CASE("Search: a prefecture-level city ranks its province's people who name it first",
          "[search][understood][city]") {
  TempDir dir;
  MemoryLog log;
  const auto at = [](int64_t rowid, const std::string& name, const std::string& province,
                     const std::string& unit) {
    auto r = Someone(rowid, name, "男", "1980-01-01", province, "汉族", "青年人才", 2025);
    r.person.unit_name = unit;
    return r;
  };
  log.Put(at(1, "韦强", "45", "桂林理工大学"));
  log.Put(at(2, "莫林", "45", "南宁师范大学"));
  log.Put(at(3, "高远", "11", "北京南宁商会"));  // names the city, elsewhere
  log.Put(at(4, "金华", "11", "某研究所"));      // a name that is a city's short name
  log.Put(at(5, "方正", "33", "金华职业技术学院"));
  log.Put(at(6, "巴特尔", "15", "锡林郭勒职业学院"));
  log.Put(at(7, "朴哲", "22", "延边大学"));
  auto index = IndexOf(dir, log);

  for (const char* q : {"南宁", "南宁市"}) {
    INFO(q);
    auto city = Ask(*index, q);
    REQUIRE(Names(city) == V{"莫林", "高远"});  // never all of 广西, never fewer than the text
    CHECK(Understood(city) == std::vector<std::pair<std::string, std::string>>{{"city", "450100"}});
    CHECK(city.understood.at(0).label == "南宁市");
  }
  CHECK(Names(Ask(*index, "桂林 理工")) == V{"韦强"});
  // Somebody is called 金华: the word is a name, as before; 金华市 is the city.
  auto name = Ask(*index, "金华");
  CHECK(name.understood.empty());
  CHECK(Names(name).at(0) == "金华");
  CHECK(Understood(Ask(*index, "金华市")) ==
        std::vector<std::pair<std::string, std::string>>{{"city", "330700"}});
  // A league (盟), full or short.
  for (const char* q : {"锡林郭勒盟", "锡林郭勒"}) {
    INFO(q);
    CHECK(Understood(Ask(*index, q)) ==
          std::vector<std::pair<std::string, std::string>>{{"city", "152500"}});
  }
  // A district or a county is no city.
  CHECK(Ask(*index, "青秀区 金华").understood.empty());
  // A province is still a province (吉林 is also a city of 吉林省).
  CHECK(Understood(Ask(*index, "吉林")).at(0).first == "province");
}

TEST_CASE("FindPhones: mobile numbers in the ways people write them", "[search][phone]") {
  const auto digits = [](std::string_view q) {
    V out;
    for (const PhoneSpan& p : FindPhones(q)) out.push_back(p.digits);
    return out;
  };
  for (const char* q : {"13920511341", "139-2051-1341", "139 2051 1341", "+86 139 2051 1341",
                        "+8613920511341", "008613920511341", "8613920511341",
                        "\xef\xbc\x91\xef\xbc\x93\xef\xbc\x99\xef\xbc\x92\xef\xbc\x90"
                        "\xef\xbc\x95\xef\xbc\x91\xef\xbc\x91\xef\xbc\x93\xef\xbc\x94"
                        "\xef\xbc\x91",
                        "(139)2051-1341"}) {
    INFO(q);
    CHECK(digits(q) == V{"13920511341"});
  }
  // Beside a name and a year, the number alone; other lengths are no number.
  const std::string beside = "黄明辉 1983 13920511341";
  const auto spans = FindPhones(beside);
  REQUIRE(spans.size() == 1);
  CHECK(beside.substr(spans[0].begin, spans[0].end - spans[0].begin) == "13920511341");
  CHECK(digits("450103198603070023").empty());
  CHECK(digits("1392051134").empty());
  CHECK(digits("12920511341").empty());
  CHECK(digits("0771-2803986").empty());
  CHECK(digits("黄明辉1983").empty());
}

TEST_CASE("Search: a mobile number finds its person through the resolver only", "[search][phone]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "黄明辉", "某研究所"));
  log.Put(Person(2, "黄明辉", "某大学"));
  log.Put(Person(3, "李四", "某大学"));
  auto index = IndexOf(dir, log);
  std::vector<std::string> asked;
  SearchRequest request;
  request.facets = false;
  request.resolve_phone = [&](std::string_view phone) -> std::vector<int64_t> {
    asked.emplace_back(phone);
    if (phone == "13920511341") return {2};
    return {};
  };
  for (const char* q : {"13920511341", "139-2051-1341", "139 2051 1341", "+86 139 2051 1341"}) {
    INFO(q);
    request.query = q;
    auto result = index->Search(request);
    REQUIRE(result.ok());
    REQUIRE(result->hits.size() == 1);
    CHECK(result->hits[0].rowid == 2);
  }
  CHECK(asked == V(4, "13920511341"));
  request.query = "黄明辉 139 2051 1341";
  auto with_name = index->Search(request);
  REQUIRE(with_name.ok());
  REQUIRE(with_name->hits.size() == 1);
  CHECK(with_name->hits[0].rowid == 2);
  // A number on file for nobody is named back masked, and the name still finds its people.
  request.query = "黄明辉 13800000000";
  auto unknown = index->Search(request);
  REQUIRE(unknown.ok());
  CHECK(unknown->hits.size() == 2);
  CHECK(unknown->unmatched == V{"138****0000"});
  // Without a resolver (a caller who may not search by phone), nobody, and the number masked.
  request.resolve_phone = nullptr;
  request.query = "13920511341";
  auto refused = index->Search(request);
  REQUIRE(refused.ok());
  CHECK(refused->hits.empty());
  CHECK(refused->unmatched == V{"139****1341"});
  // Nor with a filter that all three pass, or among a unit's people: a restriction adds nobody to
  // a word that matches nobody.
  request.filters = {{"trained", "no"}};
  request.query = "13920511341";
  for (const bool among : {false, true}) {
    INFO("among a set: " << among);
    const std::vector<int64_t> unit{1, 2, 3};
    auto restricted = among ? index->SearchAmong(request, unit) : index->Search(request);
    REQUIRE(restricted.ok());
    CHECK(restricted->total == 0);
    CHECK(restricted->hits.empty());
    CHECK(restricted->unmatched == V{"139****1341"});
    request.filters.clear();
  }
}

}  // namespace
}  // namespace tp::indexer::testing
