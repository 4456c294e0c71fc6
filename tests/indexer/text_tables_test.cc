#include "indexer/text_tables.h"

#include <unicode/translit.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "indexer/utf8.h"
#include "registry/base/paths.h"

namespace tp::indexer {
namespace {

const TextTables& Tables() {
  auto tables = TextTables::Default();
  REQUIRE(tables.ok());
  return **tables;
}

std::string Fold(const std::string& text) {
  std::string out;
  for (size_t at = 0; at < text.size();) Tables().FoldInto(DecodeUtf8(text, at), out);
  return out;
}

std::string Readings(const std::string& han) {
  size_t at = 0;
  std::string out;
  for (uint16_t id : Tables().Readings(DecodeUtf8(han, at))) {
    if (!out.empty()) out.push_back(',');
    out.append(Tables().Syllable(id));
  }
  return out;
}

TEST_CASE("TextTables: folding gives NFKC, lower case, no Latin diacritics, simplified Han",
          "[tables]") {
  CHECK(Fold("ＡＢＣ１２３") == "abc123");
  CHECK(Fold("Zhāng Lǚ") == "zhang lu");
  CHECK(Fold("張三豐") == "张三丰");
  CHECK(Fold("學習") == "学习");
  CHECK(Fold("乾隆") == "乾隆");        // 乾 is its own simplified form
  CHECK(Fold("\xEF\xA4\x80") == "岂");  // U+F900, a compatibility ideograph: 豈, simplified
  CHECK(Fold("e\xCC\x81") == "e");      // a combining accent typed on its own
}

TEST_CASE("TextTables: only common readings are kept", "[tables][pinyin]") {
  CHECK(Readings("超") == "chao");
  CHECK(Readings("张") == "zhang");
  CHECK(Readings("长") == "zhang,chang");
  CHECK(Readings("吕") == "lv");
  CHECK(Readings("Ａ").empty());
}

TEST_CASE("TextTables: surname readings come from the surname table", "[tables][pinyin]") {
  const auto syllables = [](const std::string& surname) {
    std::string out;
    const auto* readings = Tables().SurnameReadings(surname);
    if (readings == nullptr) return out;
    for (const auto& alternative : *readings) {
      if (!out.empty()) out.push_back(',');
      for (size_t i = 0; i < alternative.size(); ++i) {
        if (i > 0) out.push_back(' ');
        out.append(Tables().Syllable(alternative[i]));
      }
    }
    return out;
  };
  CHECK(syllables("曾") == "zeng");
  CHECK(syllables("覃") == "qin,tan");
  CHECK(syllables("尉迟") == "yu chi");
  CHECK(syllables("万俟") == "mo qi");
  CHECK(syllables("王").empty());
  CHECK(Tables().IsCompoundSurname("欧阳"));
  CHECK_FALSE(Tables().IsCompoundSurname("曾"));
}

TEST_CASE("TextTables: traditional to simplified agrees with ICU's Traditional-Simplified",
          "[tables][t2s]") {
  UErrorCode error = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> icu(
      icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, error));
  REQUIRE(U_SUCCESS(error));
  std::ifstream in(registry::DataDir() + "/t2s.tsv");
  REQUIRE(in);
  std::string line;
  int compared = 0, agreed = 0;
  std::string disagreements;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::string from = line.substr(0, line.find('\t'));
    size_t at = 0;
    const char32_t cp = DecodeUtf8(from, at);
    if (cp >= 0x10000) continue;  // ICU's table covers the BMP's common characters
    icu::UnicodeString text = icu::UnicodeString::fromUTF8(from);
    icu->transliterate(text);
    if (text == icu::UnicodeString::fromUTF8(from)) continue;  // ICU has no mapping for it
    std::string expected;
    text.toUTF8String(expected);
    ++compared;
    std::string ours;
    AppendUtf8(Tables().Simplified(cp), ours);
    if (ours == expected) {
      ++agreed;
    } else if (disagreements.size() < 200) {
      disagreements += from + "→" + ours + "/" + expected + " ";
    }
  }
  INFO("disagreements: " << disagreements);
  CHECK(compared > 2000);
  CHECK(agreed >= compared * 97 / 100);
  // The characters of names and units most often typed in traditional form.
  for (const auto& [t, s] : std::vector<std::pair<std::string, std::string>>{{"陳", "陈"},
                                                                             {"國", "国"},
                                                                             {"張", "张"},
                                                                             {"劉", "刘"},
                                                                             {"黃", "黄"},
                                                                             {"學", "学"},
                                                                             {"華", "华"},
                                                                             {"東", "东"},
                                                                             {"書", "书"},
                                                                             {"龍", "龙"},
                                                                             {"鄧", "邓"},
                                                                             {"葉", "叶"}}) {
    CHECK(Fold(t) == s);
  }
}

TEST_CASE("TextTables: OpenCC's traditional forms and Hong Kong and Taiwan variants fold",
          "[tables][t2s]") {
  // Characters the Unihan-only table missed or mapped to rare forms (嶽 went to U+303AB).
  CHECK(Fold("旅遊") == "旅游");
  CHECK(Fold("週末") == "周末");
  CHECK(Fold("這裡") == "这里");
  CHECK(Fold("五嶽") == "五岳");
  CHECK(Fold("巖石") == "岩石");
  CHECK(Fold("諮詢") == "咨询");
  CHECK(Fold("衆爲説録") == "众为说录");
  CHECK(Fold("鹼") == "碱");
  // Hong Kong and Taiwan forms, through the standard traditional character.
  CHECK(Fold("綫") == "线");
  CHECK(Fold("衞生") == "卫生");
  CHECK(Fold("峯") == "峰");
  CHECK(Fold("汙染") == "污染");
  CHECK(Fold("裏") == "里");
  // Simplified characters that happen to have a traditional use stay as typed.
  CHECK(Fold("玛瑙") == "玛瑙");
  CHECK(Fold("大阪") == "大阪");
  CHECK(Fold("幺") == "幺");
  CHECK(Fold("么") == "么");
  CHECK(Fold("後於") == "后于");
}

// Every Han character of GB 2312 (the simplified standard set) folds to itself but for the few
// both sources call traditional forms, so no query typed in simplified characters changes.
TEST_CASE("TextTables: no simplified character is folded to another", "[tables][t2s]") {
  UErrorCode error = U_ZERO_ERROR;
  UConverter* gb = ucnv_open("GB2312", &error);
  REQUIRE(U_SUCCESS(error));
  int simplified = 0;
  std::string changed;
  for (char32_t cp = 0x3400; cp < 0xA000; ++cp) {
    if (!IsHan(cp)) continue;
    UChar utf16[2] = {static_cast<UChar>(cp), 0};
    char bytes[8];
    UErrorCode e = U_ZERO_ERROR;
    ucnv_setFromUCallBack(gb, UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &e);
    const int32_t n = ucnv_fromUChars(gb, bytes, sizeof bytes, utf16, 1, &e);
    ucnv_reset(gb);
    if (U_FAILURE(e) || n != 2) continue;
    ++simplified;
    if (Tables().Simplified(cp) != cp) AppendUtf8(cp, changed);
  }
  ucnv_close(gb);
  CHECK(simplified > 6700);
  CHECK(changed == "吒後於麴麽");  // in code point order
}

// The demo vocabulary, units and names are written in simplified characters: folding keeps them.
TEST_CASE("TextTables: the demo tables fold to themselves", "[tables][t2s]") {
  for (const char* file : {"/demo_vocabulary.tsv", "/demo_units.tsv", "/demo_names.tsv"}) {
    std::ifstream in(registry::DataDir() + file);
    REQUIRE(in);
    std::string line;
    int han = 0;
    std::string changed;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      for (size_t at = 0; at < line.size();) {
        const char32_t cp = DecodeUtf8(line, at);
        if (!IsHan(cp)) continue;
        ++han;
        if (Tables().Simplified(cp) != cp) AppendUtf8(cp, changed);
      }
    }
    INFO(file);
    CHECK(han > 500);
    CHECK(changed.empty());
  }
}

TEST_CASE("TextTables: a missing table is reported as NotFound", "[tables]") {
  auto tables = TextTables::Load("/nonexistent-directory");
  REQUIRE_FALSE(tables.ok());
  CHECK(tables.status().code() == StatusCode::kNotFound);
  CHECK(tables.status().message().find("t2s.tsv") != std::string::npos);
}

}  // namespace
}  // namespace tp::indexer
