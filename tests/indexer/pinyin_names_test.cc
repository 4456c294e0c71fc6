// Names as people type them, on a real index: southern-accent pinyin, a Han surname with the
// given name in pinyin or initials, the given name first, and whole-name homophones.
#include <catch2/catch.hpp>

#include <algorithm>

#include "index_test_support.h"
#include "indexer/pinyin.h"
#include "indexer/query_builder.h"

namespace tp::indexer {
namespace {

using testing::Find;
using testing::IndexOf;
using testing::MemoryLog;
using testing::Names;
using testing::Person;
using testing::TempDir;

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<std::string> Sorted(std::vector<std::string_view> v) {
  std::vector<std::string> out(v.begin(), v.end());
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("Pinyin: southern-accent variants swap zh/z ch/c sh/s n/l and an/ang en/eng in/ing",
          "[pinyin][fuzzy]") {
  const TextTables& tables = *TextTables::Default().value();
  const Pinyin pinyin(tables);
  CHECK(Sorted(pinyin.FuzzyVariants("pen")) == std::vector<std::string>{"peng"});
  CHECK(Sorted(pinyin.FuzzyVariants("zhang")) == std::vector<std::string>{"zan", "zang", "zhan"});
  CHECK(Sorted(pinyin.FuzzyVariants("lin")) == std::vector<std::string>{"ling", "nin", "ning"});
  CHECK(Sorted(pinyin.FuzzyVariants("xian")) == std::vector<std::string>{"xiang"});
  CHECK(Sorted(pinyin.FuzzyVariants("huang")) == std::vector<std::string>{"huan"});
  CHECK(Sorted(pinyin.FuzzyVariants("ten")) == std::vector<std::string>{"teng"});  // no "ten"
  CHECK(pinyin.FuzzyVariants("yao").empty());
  // Ways of cutting: only those with a fuzzy piece, never more pieces than a name has.
  const auto ways = pinyin.SegmentFuzzy("yaopentao", 4, 4);
  REQUIRE_FALSE(ways.empty());
  CHECK(ways[0] == std::vector<std::string>{"yao", "pen", "tao"});
  CHECK(pinyin.SegmentFuzzy("yaotao", 4, 4).empty());
  CHECK(pinyin.SegmentFuzzy("zhangsanlisiwangwuzhaoliu", 4, 4).empty());
}

TEST_CASE("Search: southern-accent pinyin finds the name, below the people read exactly",
          "[search][pinyin][fuzzy]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "姚鹏涛", "某大学"));
  log.Put(Person(2, "邓勇", "某研究所"));
  log.Put(Person(3, "陈森", "某医院"));
  log.Put(Person(4, "程森", "某医院"));
  log.Put(Person(5, "陈生", "某医院"));
  log.Put(Person(6, "李明", "某医院"));
  auto index = IndexOf(dir, log);
  CHECK(Names(Find(*index, "yaopentao")) == std::vector<std::string>{"姚鹏涛"});
  CHECK(Names(Find(*index, "denyong")) == std::vector<std::string>{"邓勇"});
  CHECK(Names(Find(*index, "Den Yong")) == std::vector<std::string>{"邓勇"});
  // 陈森 reads chensen exactly: first, then the southern-accent readings.
  const auto names = Names(Find(*index, "chensen"));
  REQUIRE(names.size() == 3);
  CHECK(names[0] == "陈森");
  CHECK(Contains(names, "程森"));
  CHECK(Contains(names, "陈生"));
  // nin for lin: 李明 is li ming, no southern reading of "ninmin" reaches it.
  CHECK(Names(Find(*index, "nimin")) == std::vector<std::string>{"李明"});
}

TEST_CASE("Search: a query read exactly by five people or more gets no southern-accent readings",
          "[search][pinyin][fuzzy]") {
  TempDir dir;
  MemoryLog log;
  for (int64_t i = 1; i <= 6; ++i) log.Put(Person(i, "陈森", "单位" + std::to_string(i)));
  log.Put(Person(7, "程森", "某医院"));
  auto index = IndexOf(dir, log);
  const auto result = Find(*index, "chensen");
  CHECK(result.total == 6);
  CHECK_FALSE(Contains(Names(result), "程森"));
  CHECK_FALSE(result.homophones);
}

TEST_CASE("QueryBuilder: southern-accent readings stay bounded for long pinyin strings",
          "[query][pinyin][fuzzy]") {
  const TextTables& tables = *TextTables::Default().value();
  const Analyzer analyzer(tables);
  const Pinyin pinyin(tables);
  const QueryBuilder builder(analyzer, pinyin);
  const auto extra_terms = [&](const std::string& query) {
    auto plan = builder.Build(query, nullptr);
    REQUIRE(plan.ok());
    std::vector<std::string> plain, with;
    plan->query.CollectTerms(plain);
    if (auto fallback = plan->WithHomophones()) fallback->CollectTerms(with);
    return with.size() > plain.size() ? with.size() - plain.size() : 0;
  };
  // Four syllables, each with three variants: four ways of cutting at most, 4 x 4 terms each,
  // and 16 whole-name spellings.
  const size_t four = extra_terms("zhangshangchangsheng");
  CHECK(four > 0);
  CHECK(four <= 64 + 16);
  // Longer than a name: none at all, however long.
  CHECK(extra_terms("zhangshangchangshengzhanglan") == 0);
  CHECK(extra_terms(std::string(60, 'a') + "n") == 0);
  CHECK(extra_terms("chen sen zhang shan lin") == 0);
}

TEST_CASE("Search: a Han surname with the given name in pinyin or initials",
          "[search][pinyin][surname]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "王晓明", "某大学"));
  log.Put(Person(2, "胡思明", "某大学"));
  log.Put(Person(3, "赵宇轩", "某大学"));
  log.Put(Person(4, "王晓明华", "某大学"));
  log.Put(Person(5, "汪晓明", "某大学"));
  log.Put(Person(6, "王思敏", "某大学"));
  log.Put(Person(7, "胡宇", "某大学"));
  // 黄 in the unit, a given name beginning zh: not somebody called 黄zh…
  log.Put(Person(8, "李志强", "黄河水利委员会"));
  int64_t rowid = 9;
  for (const char* name : {"黄志华", "黄志明", "黄振华", "黄正", "黄忠"}) {
    log.Put(Person(rowid++, name, "某大学"));
  }
  auto index = IndexOf(dir, log);
  for (const char* q : {"王xiaoming", "王xm", "王XiaoMing", "王xiaom", "王Xm"}) {
    INFO(q);
    const auto names = Names(Find(*index, q));
    REQUIRE_FALSE(names.empty());
    CHECK(names[0] == "王晓明");
    CHECK_FALSE(Contains(names, "汪晓明"));  // the surname typed in characters is the surname
  }
  CHECK(Names(Find(*index, "胡sm")) == std::vector<std::string>{"胡思明"});
  CHECK(Names(Find(*index, "赵yx")) == std::vector<std::string>{"赵宇轩"});
  CHECK(Names(Find(*index, "王sm")) == std::vector<std::string>{"王思敏"});
  // Read as a name only, the surname and the given name's letters in the name, as long as the
  // name finds a few people (fewer, and the fallback reads the words apart too).
  auto huang_zh = Names(Find(*index, "黄zh"));
  std::sort(huang_zh.begin(), huang_zh.end());
  CHECK(huang_zh == std::vector<std::string>{"黄志华", "黄志明", "黄忠", "黄振华", "黄正"});
  CHECK(Names(Find(*index, "黄zhihua")) == std::vector<std::string>{"黄志华"});
}

TEST_CASE("Search: a given name is found by each reading of the standard dictionary",
          "[search][pinyin]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "王朝阳", "某大学"));
  log.Put(Person(2, "李藏", "某大学"));
  auto index = IndexOf(dir, log);
  CHECK(Names(Find(*index, "wangzhaoyang")) == std::vector<std::string>{"王朝阳"});
  CHECK(Names(Find(*index, "wangchaoyang")) == std::vector<std::string>{"王朝阳"});
  CHECK(Names(Find(*index, "lizang")) == std::vector<std::string>{"李藏"});
  CHECK(Names(Find(*index, "wzy")) == std::vector<std::string>{"王朝阳"});
}

TEST_CASE("Search: the given name first, in any case", "[search][pinyin][order]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "王晓明", "某大学"));
  log.Put(Person(2, "汪明", "某大学"));
  log.Put(Person(3, "肖旺", "某大学"));
  auto index = IndexOf(dir, log);
  for (const char* q : {"Xiaoming Wang", "xiaoming wang", "XiaoMing WANG", "XIAOMING Wang"}) {
    INFO(q);
    const auto names = Names(Find(*index, q));
    REQUIRE_FALSE(names.empty());
    CHECK(names[0] == "王晓明");
  }
}

TEST_CASE("Search: a whole-name homophone ranks above longer names sharing the characters typed",
          "[search][homophones]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "黄昊天", "某大学"));
  log.Put(Person(2, "黄昊然", "某大学"));
  log.Put(Person(3, "黄浩", "某大学"));
  log.Put(Person(4, "黄浩宇", "某大学"));
  log.Put(Person(5, "李昊", "某大学"));
  auto index = IndexOf(dir, log);
  const auto names = Names(Find(*index, "黄昊"));
  REQUIRE(names.size() >= 3);
  CHECK(names[0] == "黄浩");
  CHECK(Contains(names, "黄昊天"));
  CHECK(Contains(names, "黄昊然"));
  // Beside another word too.
  const auto with_unit = Names(Find(*index, "某大学 黄昊"));
  REQUIRE_FALSE(with_unit.empty());
  CHECK(with_unit[0] == "黄浩");
  // Quoted, the characters typed rank first (a homophone may follow, from the fallback).
  CHECK(Names(Find(*index, "\"黄昊\"")).at(0) != "黄浩");
  // Not a name (高 is a surname, 级 in nobody's name): no homophones read into it.
  log.Put(Person(6, "高吉", "某大学"));
  log.Put(Person(7, "李强", "某大学", "高级工程师"));
  index = IndexOf(dir, log);
  // (高吉 may still come as a homophone, below: 高级 finds almost nobody as typed.)
  CHECK(Names(Find(*index, "高级")).at(0) == "李强");
  // Somebody has the very name typed: first, and the homophone is not added.
  log.Put(Person(8, "黄昊", "某大学"));
  index = IndexOf(dir, log);
  const auto exact = Names(Find(*index, "黄昊"));
  REQUIRE_FALSE(exact.empty());
  CHECK(exact[0] == "黄昊");
  CHECK_FALSE(Contains(exact, "黄浩"));
}

}  // namespace
}  // namespace tp::indexer
