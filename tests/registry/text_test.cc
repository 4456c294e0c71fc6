#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "registry/fields/text.h"

using tp::registry::CountCharacters;
using tp::registry::IsValidUtf8;
using tp::registry::NormalizeKey;
using tp::registry::NormalizeText;
using tp::registry::SplitMultiValue;

TEST_CASE("NormalizeText: full-width letters, digits and punctuation become half-width", "[text]") {
  CHECK(NormalizeText("ＡＢＣ１２３") == "ABC123");
  CHECK(NormalizeText("（北京）") == "(北京)");
  CHECK(NormalizeText("１３８　１２３４　５６７８") == "138 1234 5678");
  CHECK(NormalizeText("ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ") == "zhang@example.com");
}

TEST_CASE("NormalizeText: Chinese text without compatibility forms is kept as it is", "[text]") {
  CHECK(NormalizeText("广西壮族自治区南宁市青秀区") == "广西壮族自治区南宁市青秀区");
  CHECK(NormalizeText("人工智能、机器学习") == "人工智能、机器学习");
}

TEST_CASE("NormalizeText: compatibility characters among Chinese text are still normalised",
          "[text]") {
  CHECK(NormalizeText("获奖①项…") == "获奖1项...");
  CHECK(NormalizeText("张\xE3\x80\x80三") == "张 三");  // inner U+3000
  CHECK(NormalizeText("中国科协（CAST）") == "中国科协(CAST)");
  CHECK(NormalizeText("《科技日报》“最美”·—") == "《科技日报》“最美”·—");
}

TEST_CASE("NormalizeText: trims ASCII blanks, ideographic spaces, NBSP and BOM at both ends",
          "[text]") {
  CHECK(NormalizeText("  张三\t") == "张三");
  CHECK(NormalizeText("\xE3\x80\x80\xE3\x80\x80张三\xE3\x80\x80") == "张三");  // U+3000
  CHECK(NormalizeText("\xC2\xA0李四\xC2\xA0") == "李四");                      // NBSP
  CHECK(NormalizeText("\xEF\xBB\xBF王五") == "王五");                          // BOM
  CHECK(NormalizeText("   ") == "");
  CHECK(NormalizeText("") == "");
}

TEST_CASE("NormalizeText: CRLF and CR become LF and inner line breaks are kept", "[text]") {
  CHECK(NormalizeText("第一段\r\n第二段\r第三段\r\n") == "第一段\n第二段\n第三段");
  CHECK(NormalizeText("line one\r\nline two") == "line one\nline two");
}

TEST_CASE("NormalizeKey: removes every blank, inside as well", "[text]") {
  CHECK(NormalizeKey("姓  名") == "姓名");
  CHECK(NormalizeKey("姓\xE3\x80\x80\xE3\x80\x80名") == "姓名");
  CHECK(NormalizeKey(" 主要工作\n和学习 经历 ") == "主要工作和学习经历");
}

TEST_CASE("IsValidUtf8: accepts well-formed text and rejects broken sequences", "[text]") {
  CHECK(IsValidUtf8("plain ASCII"));
  CHECK(IsValidUtf8("汉字"));
  CHECK(IsValidUtf8("\xF0\xA0\x80\x80"));        // U+20000, CJK extension B
  CHECK_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(IsValidUtf8("\xE6\xB1"));          // truncated 汉
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));      // UTF-16 surrogate
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(IsValidUtf8("\xB5\xC4"));          // GB18030 bytes of 的
}

TEST_CASE("SplitMultiValue: splits on 、，；,, and line breaks and drops empty parts", "[text]") {
  const std::vector<std::string> expected = {"人工智能", "机器学习", "数据挖掘",
                                             "生物信息", "化学",     "physics"};
  CHECK(SplitMultiValue("人工智能、机器学习，数据挖掘；生物信息\n化学,physics") == expected);
  CHECK(SplitMultiValue(" 人工智能 ；；、 机器学习 ") ==
        std::vector<std::string>{"人工智能", "机器学习"});
  CHECK(SplitMultiValue("").empty());
  CHECK(SplitMultiValue("材料科学") == std::vector<std::string>{"材料科学"});
}

TEST_CASE("CountCharacters: counts code points, not bytes", "[text]") {
  CHECK(CountCharacters("推荐理由") == 4);
  CHECK(CountCharacters("abc") == 3);
  CHECK(CountCharacters("a汉\xF0\xA0\x80\x80") == 3);
  CHECK(CountCharacters("") == 0);
}
