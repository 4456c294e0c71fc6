#include "indexer/unit_abbreviations.h"

#include <catch2/catch.hpp>

#include <fstream>

#include "index_test_support.h"
#include "indexer/query_builder.h"
#include "indexer/search_index.h"

namespace tp::indexer {
namespace {

using testing::Find;
using testing::IndexOf;
using testing::MemoryLog;
using testing::Names;
using testing::Person;
using testing::TempDir;

const UnitAbbreviations& Table() {
  auto table = UnitAbbreviations::Default();
  REQUIRE(table.ok());
  return **table;
}

bool Offers(const std::string& word, const std::string& other) {
  const auto all = Table().Alternatives(word);
  return std::find(all.begin(), all.end(), other) != all.end();
}

TEST_CASE("UnitAbbreviations: short names expand and full names shorten", "[abbreviations]") {
  CHECK(Offers("中科院蒙医药研究所", "中国科学院蒙医药研究所"));
  CHECK(Offers("中国科学院植物研究所", "中科院植物研究所"));
  CHECK(Offers("中国农科院", "中国农业科学院"));
  CHECK(Offers("农科院", "中国农业科学院"));
  CHECK(Offers("医科院", "中国医学科学院"));
  CHECK(Offers("北大物理学院", "北京大学物理学院"));
  CHECK(Offers("中科大", "中国科学技术大学"));
  CHECK(Offers("哈工大", "哈尔滨工业大学"));
  // Places before a pattern, both ways.
  CHECK(Offers("湖南农大", "湖南农业大学"));
  CHECK(Offers("湖南农业大学", "湖南农大"));
  CHECK(Offers("华东师大", "华东师范大学"));
  CHECK(Offers("江苏农科院", "江苏省农业科学院"));
  CHECK(Offers("江苏省农业科学院", "江苏农科院"));
  CHECK(Offers("广西科院", "广西科学院"));
  CHECK(Offers("北京理工", "北京理工大学"));
  CHECK(Offers("内蒙古民大", "内蒙古民族大学"));
  CHECK(Offers("广州中医药大", "广州中医药大学"));
  CHECK(Offers("北京工大", "北京工业大学"));
  // A full name holding its short form is not lengthened again.
  CHECK_FALSE(Offers("北京理工大学", "北京理工大学大学"));
  CHECK_FALSE(Offers("清华大学", "清华大学大学"));
  // Two-character short forms count only where the word begins; ambiguous ones are absent.
  CHECK(Table().Alternatives("中华科学").empty());
  CHECK(Table().Alternatives("广大").empty());
  CHECK(Table().Alternatives("人大代表").empty());
  CHECK(Table().Alternatives("研究员").empty());
  CHECK(Table().Alternatives("张伟").empty());
}

TEST_CASE("UnitAbbreviations: a malformed row is an error naming the file and line",
          "[abbreviations]") {
  TempDir dir;
  const std::string path = dir.path() + "/unit_abbreviations.tsv";
  const auto with = [&](const std::string& text) {
    std::ofstream(path, std::ios::binary) << "# header\n中科院\t中国科学院\n" << text;
    return UnitAbbreviations::Load(path);
  };
  for (const char* bad :
       {"北大\n", "北大\t北京大学\t多余\n", "X农大\t农业大学\n", "北大\tPeking\n",
        "北京大学\t北大\n", "大\t大学\n"}) {
    INFO(bad);
    auto loaded = with(bad);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.status().code() == StatusCode::kInvalidArgument);
    CHECK(loaded.status().message().find(path) != std::string::npos);
    CHECK(loaded.status().message().find("第 3 行") != std::string::npos);
  }
  CHECK(with("X农大\tX农业大学\n").ok());
  CHECK(UnitAbbreviations::Load(dir.path() + "/missing.tsv").status().code() ==
        StatusCode::kNotFound);
}

TEST_CASE("UnitAbbreviations: a query without a unit's name is built as without the table",
          "[abbreviations][query]") {
  const TextTables& tables = *TextTables::Default().value();
  Analyzer analyzer{tables};
  Pinyin pinyin{tables};
  QueryBuilder plain{analyzer, pinyin};
  QueryBuilder with{analyzer, pinyin, nullptr, &Table()};
  for (const char* q : {"张伟 研究员", "王芳", "zhangwei", "单位:育才中学", "\"中科院\""}) {
    INFO(q);
    CHECK(with.Build(q, nullptr)->query.Describe() == plain.Build(q, nullptr)->query.Describe());
  }
  CHECK(with.Build("中科院", nullptr)->query.Describe() !=
        plain.Build("中科院", nullptr)->query.Describe());
}

TEST_CASE("Search: a unit's short name finds its full name and the reverse",
          "[search][abbreviations]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "贺梓萱", "中国科学院蒙医药研究所"));
  log.Put(Person(2, "陈致远", "湖南农业大学"));
  log.Put(Person(3, "陈致远", "湖南大学"));
  log.Put(Person(4, "李明", "中科院植物所"));
  log.Put(Person(5, "赵磊", "江苏省农业科学院"));
  log.Put(Person(6, "贺梓萱", "北京大学"));
  auto index = IndexOf(dir, log);
  CHECK(Names(Find(*index, "贺梓萱 中科院蒙医药研究所")) == std::vector<std::string>{"贺梓萱"});
  const auto chen = Find(*index, "陈致远 湖南农大");
  REQUIRE(chen.hits.size() >= 1);
  CHECK(chen.hits[0].rowid == 2);
  CHECK(Names(Find(*index, "中国科学院植物所")) == std::vector<std::string>{"李明"});
  CHECK(Names(Find(*index, "江苏农科院")) == std::vector<std::string>{"赵磊"});
  const auto he = Find(*index, "贺梓萱 北大");
  REQUIRE(he.hits.size() >= 1);
  CHECK(he.hits[0].rowid == 6);
}

}  // namespace
}  // namespace tp::indexer
