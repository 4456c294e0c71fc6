#include "indexer/word_breaker.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "index_test_support.h"
#include "indexer/document_builder.h"
#include "indexer/query_builder.h"
#include "indexer/utf8.h"

namespace tp::indexer {
namespace {

using testing::Find;
using testing::MemoryLog;
using testing::Names;
using testing::Person;
using testing::TempDir;

std::vector<char32_t> CodePoints(std::string_view text) {
  std::vector<char32_t> out;
  for (size_t at = 0; at < text.size();) out.push_back(DecodeUtf8(text, at));
  return out;
}

std::vector<std::string> WordsOf(WordBreaker& breaker, std::string_view text) {
  const auto run = CodePoints(text);
  std::vector<WordSpan> spans;
  breaker.Words(run, spans);
  std::vector<std::string> words;
  for (const WordSpan& w : spans) {
    std::string word;
    for (uint32_t i = w.first; i < w.first + w.length; ++i) AppendUtf8(run[i], word);
    words.push_back(word);
  }
  return words;
}

TEST_CASE("WordBreaker: a run of Han characters splits into dictionary words of two or more",
          "[words]") {
  WordBreaker breaker;
  CHECK(WordsOf(breaker, "杂交水稻") == std::vector<std::string>{"杂交", "水稻"});
  CHECK(WordsOf(breaker, "化学习题") == std::vector<std::string>{"化学", "习题"});
  CHECK(WordsOf(breaker, "水").empty());
  // A character outside the BMP keeps the indexes of the characters after it right.
  const auto words = WordsOf(breaker, "𠀀水稻");
  REQUIRE_FALSE(words.empty());
  CHECK(words.back() == "水稻");
}

struct Fixture {
  const TextTables& tables = *TextTables::Default().value();
  Analyzer analyzer{tables};
  Pinyin pinyin{tables};
};

TEST_CASE("DocumentBuilder: unit, title and field texts add their words, without positions",
          "[words][document]") {
  Fixture f;
  DocumentBuilder builder(f.analyzer, f.pinyin);
  auto record = Person(1, "张三", "广西农业科学院", "研究员");
  record.person.fields = {"杂交水稻"};
  record.person.career = "长期从事小麦栽培";  // long texts have no word terms
  record.person.achievements = "选育玉米新品种";
  BuiltDocument built;
  builder.Build(record, built);
  // -1: no such term; 0: the term without positions.
  const auto position_of = [&](const std::string& term) -> int64_t {
    for (const auto& p : built.postings) {
      if (p.term == term) return p.position;
    }
    return -1;
  };
  // Queries use the words as single terms: positions would only cost index time and space.
  CHECK(position_of("W水稻") == 0);
  CHECK(position_of("W杂交") == 0);
  CHECK(position_of("W研究") == 0);
  CHECK(position_of("W广西") == 0);
  // Nor do texts' pairs, which queries chain instead (schema.h); the name's characters keep
  // theirs, for its phrase.
  CHECK(position_of("水稻") == 0);
  CHECK(position_of("研究") == 0);
  CHECK(position_of("N张") > 0);
  CHECK(position_of("W小麦") == -1);
  CHECK(position_of("W栽培") == -1);
  CHECK(position_of("W玉米") == -1);
}

TEST_CASE("QueryBuilder: the query's words are a boost, never a requirement", "[words][query]") {
  Fixture f;
  QueryBuilder builder(f.analyzer, f.pinyin);
  auto plan = builder.Build("杂交水稻", nullptr);
  REQUIRE(plan.ok());
  const std::string described = plan->query.Describe();
  INFO(described);
  CHECK(described.find("W杂交") != std::string::npos);
  CHECK(described.find("W水稻") != std::string::npos);
  // The words sit in the optional side of AND_MAYBE only.
  REQUIRE(plan->query.op == QueryNode::Op::kAndMaybe);
  std::vector<std::string> required;
  plan->query.children.at(0).CollectTerms(required);
  CHECK(std::none_of(required.begin(), required.end(),
                     [](const std::string& t) { return t[0] == 'W'; }));
}

TEST_CASE("Search: a whole word ranks above the same characters split across two words",
          "[words][search]") {
  TempDir dir;
  MemoryLog log;
  auto split = Person(1, "甲", "某单位");
  split.person.fields = {"化学习题解答"};  // 化学 / 习题: 学习 only as characters
  auto whole = Person(2, "乙", "某单位");
  whole.person.fields = {"组织集体学习活动"};  // 学习 as a word
  log.Put(split);
  log.Put(whole);
  auto index = SearchIndex::Open(dir.path() + "/index");
  REQUIRE(index.ok());
  REQUIRE((*index)->CatchUp(log).ok());
  // Both are found: words never decide recall.
  CHECK(Names(Find(**index, "学习")) == std::vector<std::string>{"乙", "甲"});
  CHECK(Names(Find(**index, "习题")) == std::vector<std::string>{"甲"});
}

}  // namespace
}  // namespace tp::indexer
