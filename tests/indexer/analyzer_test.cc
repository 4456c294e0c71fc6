#include "indexer/analyzer.h"

#include <catch2/catch.hpp>

#include "indexer/pinyin.h"

namespace tp::indexer {
namespace {

const Analyzer& TheAnalyzer() {
  static const Analyzer analyzer(*TextTables::Default().value());
  return analyzer;
}

std::vector<std::string> Keys(const std::string& text) {
  AnalyzedText out;
  TheAnalyzer().Analyze(text, out);
  std::vector<std::string> keys;
  for (const Token& t : out.tokens) keys.emplace_back(out.Key(t));
  return keys;
}

using V = std::vector<std::string>;

TEST_CASE("Analyzer: one token per Han character, one per run of letters and digits",
          "[analyzer]") {
  CHECK(Keys("张三丰") == V{"张", "三", "丰"});
  CHECK(Keys("x我y") == V{"x", "我", "y"});
  CHECK(Keys("5G通信，IEEE Fellow") == V{"5g", "通", "信", "ieee", "fellow"});
  CHECK(Keys("２０２４年") == V{"2024", "年"});
  CHECK(Keys("  ，。") == V{});
}

TEST_CASE("Analyzer: tokens point back at the original bytes", "[analyzer]") {
  const std::string text = "張三　ＡＢ";
  AnalyzedText out;
  TheAnalyzer().Analyze(text, out);
  REQUIRE(out.tokens.size() == 3);
  const auto source = [&](const Token& t) {
    return text.substr(t.source_begin, t.source_end - t.source_begin);
  };
  CHECK(source(out.tokens[0]) == "張");
  CHECK(out.Key(out.tokens[0]) == "张");
  CHECK(source(out.tokens[2]) == "ＡＢ");
  CHECK(out.Key(out.tokens[2]) == "ab");
  CHECK(out.tokens[1].adjacent);
  CHECK_FALSE(out.tokens[2].adjacent);
}

TEST_CASE("Analyzer: a name dot joins the parts of a name but is remembered", "[analyzer]") {
  AnalyzedText out;
  TheAnalyzer().Analyze("买买提·艾力", out);
  REQUIRE(out.tokens.size() == 5);
  CHECK(out.tokens[3].adjacent);
  CHECK(out.tokens[3].after_dot);
  CHECK_FALSE(out.tokens[2].after_dot);
  CHECK(TheAnalyzer().Fold("买买提·艾力") == "买买提艾力");
  CHECK(TheAnalyzer().Fold("3.5 GHz") == "3 5 ghz");
}

TEST_CASE("Pinyin: typed letters split into every valid sequence of syllables", "[pinyin]") {
  const Pinyin pinyin(*TextTables::Default().value());
  const auto joined = [&](const std::string& letters, bool prefix) {
    std::vector<std::string> out;
    for (const auto& pieces : pinyin.Segment(letters, prefix)) {
      std::string s;
      for (const auto& p : pieces) s += (s.empty() ? "" : "'") + p.text + (p.prefix ? "*" : "");
      out.push_back(s);
    }
    return out;
  };
  CHECK(joined("zhangsan", false) == V{"zhang'san"});
  const auto xian = joined("xian", false);
  CHECK(std::find(xian.begin(), xian.end(), "xian") != xian.end());
  CHECK(std::find(xian.begin(), xian.end(), "xi'an") != xian.end());
  CHECK(joined("zs", false).empty());
  CHECK(joined("zs", true).empty());
  const auto typing = joined("zhangs", true);
  CHECK(typing == V{"zhang's*"});
  CHECK(joined("lve", false).at(0) == "lve");  // longest syllables first; lv'e is valid too
  CHECK(joined("lue", false).at(0) == "lue");
  CHECK(pinyin.IsSyllable("lv"));
  CHECK_FALSE(pinyin.IsSyllable("n"));
}

TEST_CASE("Pinyin: a name's surname takes its surname reading, other characters common ones",
          "[pinyin]") {
  const Pinyin pinyin(*TextTables::Default().value());
  const auto readings = [&](const std::string& name) {
    AnalyzedText out;
    TheAnalyzer().Analyze(name, out);
    std::vector<std::string> joined;
    for (const auto& r : pinyin.NameReadings(out)) {
      std::string s;
      for (auto x : r) s += (s.empty() ? "" : "/") + std::string(x);
      joined.push_back(s);
    }
    return joined;
  };
  CHECK(readings("曾长") == V{"zeng", "zhang/chang"});
  CHECK(readings("单于飞") == V{"chan", "yu", "fei"});
  CHECK(readings("单飞") == V{"shan", "fei"});
  CHECK(readings("吕") == V{"lv/lu"});                 // a lone character is no surname
  // No surname in a dotted name: 曾 takes its every reading of the standard dictionary.
  CHECK(readings("阿依·曾") == V{"a/e", "yi", "ceng/zeng"});
  // A given name's characters keep the standard dictionary's other readings (at most three).
  CHECK(readings("王朝阳") == V{"wang", "chao/zhao", "yang"});
  CHECK(readings("李藏") == V{"li", "cang/zang"});
  CHECK(readings("李和") == V{"li", "he/hu/huo"});
}

}  // namespace
}  // namespace tp::indexer
