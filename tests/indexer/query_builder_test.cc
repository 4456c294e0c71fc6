#include "indexer/query_builder.h"

#include <catch2/catch.hpp>

#include "index_test_support.h"
#include "indexer/document_builder.h"

namespace tp::indexer {
namespace {

struct Fixture {
  const TextTables& tables = *TextTables::Default().value();
  Analyzer analyzer{tables};
  Pinyin pinyin{tables};
  QueryBuilder builder{analyzer, pinyin};
};

std::vector<std::string> Terms(const QueryNode& node) {
  std::vector<std::string> terms;
  node.CollectTerms(terms);
  return terms;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_CASE("QueryBuilder: an ID number of any width and case goes to the resolver, never to text",
          "[query][id]") {
  Fixture f;
  for (const char* q :
       {"45010219900307002x", "４５０１０２１９９００３０７００２Ｘ", " 45010219900307002X "}) {
    INFO(q);
    std::string asked;
    auto plan = f.builder.Build(q, [&](std::string_view id) -> std::optional<int64_t> {
      asked = id;
      return 42;
    });
    REQUIRE(plan.ok());
    CHECK(asked == "45010219900307002X");
    CHECK(plan->has_id_number);
    CHECK(plan->query.Describe() == "Q42");
  }
  auto unknown =
      f.builder.Build("110105194912310021", [](std::string_view) { return std::nullopt; });
  REQUIRE(unknown.ok());
  CHECK(unknown->query.op == QueryNode::Op::kNothing);
  CHECK(IdNumberShape(f.analyzer, "123456789012345").has_value());
  CHECK_FALSE(IdNumberShape(f.analyzer, "1234567890123456").has_value());
  CHECK_FALSE(IdNumberShape(f.analyzer, "45010219900307002Y").has_value());
}

TEST_CASE("QueryBuilder: a Han run has an exact-name tier, a phrase and its characters",
          "[query]") {
  Fixture f;
  auto plan = f.builder.Build("張三", nullptr);
  REQUIRE(plan.ok());
  const auto terms = Terms(plan->query);
  CHECK(Has(terms, "XN张三"));
  CHECK(Has(terms, "N张"));
  CHECK(Has(terms, "N张三"));  // the pair
  CHECK(Has(terms, "张三"));   // texts hold pairs of characters
  CHECK(plan->query.Describe().find("PHRASE(N张, N三)") != std::string::npos);
  REQUIRE(plan->WithHomophones().has_value());
  CHECK(Has(Terms(*plan->WithHomophones()), "XPzhang"));
  CHECK_FALSE(Has(terms, "XPzhang"));
}

TEST_CASE("QueryBuilder: homophones are offered for runs of a name's length only",
          "[query][homophones]") {
  Fixture f;
  for (const char* name : {"张杉", "欧阳娜娜"}) {
    auto plan = f.builder.Build(name, nullptr);
    REQUIRE(plan.ok());
    INFO(name);
    CHECK(plan->WithHomophones().has_value());
  }
  // A title of five or more characters is a word of a text, not a misspelt name.
  for (const char* word : {"助理研究员", "研究员级高级工程师"}) {
    auto plan = f.builder.Build(word, nullptr);
    REQUIRE(plan.ok());
    INFO(word);
    CHECK_FALSE(plan->WithHomophones().has_value());
  }
  // In a conjunction, the name-length runs keep theirs.
  auto mixed = f.builder.Build("满族 张杉 研究员级高级工程师", nullptr);
  REQUIRE(mixed.ok());
  REQUIRE(mixed->WithHomophones().has_value());
  const auto terms = Terms(*mixed->WithHomophones());
  CHECK(Has(terms, "XPshan"));
  CHECK_FALSE(Has(terms, "XPcheng"));  // 程 of 工程师
}

TEST_CASE("QueryBuilder: a word that is somebody's whole name is searched as a name", "[query]") {
  Fixture f;
  const TermExists names = [](std::string_view term) { return term == "XN张伟"; };
  auto as_name = f.builder.Build("张伟", nullptr, names);
  REQUIRE(as_name.ok());
  const auto terms = Terms(as_name->query);
  CHECK(Has(terms, "XN张伟"));        // the name tiers
  CHECK(Has(terms, "N张伟"));         // names holding it whole
  CHECK_FALSE(Has(terms, "N张"));     // not names that only share its characters
  CHECK(Has(terms, "张伟"));          // texts containing it are still found
  CHECK_FALSE(Has(terms, "XU张伟"));  // but not ranked as a unit, title or field
  CHECK_FALSE(Has(terms, "F张伟"));
  CHECK_FALSE(as_name->WithHomophones().has_value());  // and no homophones
  CHECK(as_name->exact_name_terms == std::vector<std::string>{"XN张伟"});

  // Nobody is called 水稻: the word keeps every text tier.
  auto word = f.builder.Build("水稻", nullptr, names);
  REQUIRE(word.ok());
  CHECK(Has(Terms(word->query), "XF水稻"));
  CHECK(Has(Terms(word->query), "F水稻"));
  // Without the index to ask, every word keeps them.
  CHECK(Has(Terms(f.builder.Build("张伟", nullptr)->query), "XU张伟"));
  // Scoped to a field, a name is a value of that field.
  CHECK(Has(Terms(f.builder.Build("单位:张伟", nullptr, names)->query), "XU张伟"));
}

TEST_CASE("QueryBuilder: the surname tier is asked for one character or a compound surname",
          "[query]") {
  Fixture f;
  CHECK(Has(Terms(f.builder.Build("王", nullptr)->query), "XS王"));
  CHECK(Has(Terms(f.builder.Build("欧阳", nullptr)->query), "XS欧阳"));
  // Nobody's surname is 王芳: the index is not asked.
  CHECK_FALSE(Has(Terms(f.builder.Build("王芳", nullptr)->query), "XS王芳"));
  CHECK_FALSE(Has(Terms(f.builder.Build("欧阳娜", nullptr)->query), "XS欧阳娜"));
}

TEST_CASE(
    "QueryBuilder: a word that is a field's whole value is ranked by that value, not by "
    "the chain of its pairs",
    "[query]") {
  Fixture f;
  const TermExists values = [](std::string_view term) {
    return term == "XT高级工程师" || term == "XU中国宝武钢铁集团有限公司";
  };
  const std::string chain = "AND(高级, 级工, 工程, 程师)";
  auto title = f.builder.Build("高级工程师", nullptr, values);
  REQUIRE(title.ok());
  CHECK(title->query.Describe().find(chain) == std::string::npos);
  CHECK(Has(Terms(title->query), "XT高级工程师"));  // the value's exact term ranks
  CHECK(Has(Terms(title->query), "高级"));          // texts holding its pairs are still found
  // A word that is nobody's value keeps the chain, which ranks it in the longer texts.
  auto other = f.builder.Build("杂交水稻", nullptr, values);
  REQUIRE(other.ok());
  CHECK(other->query.Describe().find("AND(杂交, 交水, 水稻)") != std::string::npos);
  // So does every word when the index is not asked.
  CHECK(f.builder.Build("高级工程师", nullptr)->query.Describe().find(chain) != std::string::npos);
  // Scoped to a field, the field's own value counts, and the chain is of the field's own pairs.
  auto unit = f.builder.Build("单位:中国宝武钢铁集团有限公司", nullptr, values);
  REQUIRE(unit.ok());
  CHECK(unit->query.Describe().find("AND(U中国, U国宝, U宝武") == std::string::npos);
  CHECK(Has(Terms(unit->query), "XU中国宝武钢铁集团有限公司"));
  auto as_title = f.builder.Build("职称:中国宝武钢铁集团有限公司", nullptr, values);
  REQUIRE(as_title.ok());
  CHECK(as_title->query.Describe().find("AND(T中国, T国宝, T宝武") != std::string::npos);
}

TEST_CASE("QueryBuilder: Latin letters become pinyin segmentations, initials and words",
          "[query]") {
  Fixture f;
  auto plan = f.builder.Build("xian", nullptr);
  REQUIRE(plan.ok());
  const std::string d = plan->query.Describe();
  CHECK(d.find("XQxian") != std::string::npos);
  CHECK(d.find("PHRASE(XPxi, XPan)") != std::string::npos);
  CHECK(d.find("XPxian") != std::string::npos);
  CHECK(d.find("XJxian") != std::string::npos);  // whole-name initials
  CHECK(d.find("XKxian") != std::string::npos);  // initials still being typed
  CHECK(Has(Terms(plan->query), "xian"));
}

TEST_CASE("QueryBuilder: a field label scopes the terms to that field", "[query][fields]") {
  Fixture f;
  auto plan = f.builder.Build("单位:清华 职称：研究员", nullptr);
  REQUIRE(plan.ok());
  const auto terms = Terms(plan->query);
  CHECK(Has(terms, "U清华"));
  CHECK(Has(terms, "XU清华"));
  CHECK(Has(terms, "T研究"));
  CHECK(Has(terms, "T究员"));
  CHECK_FALSE(Has(terms, "N清"));
  CHECK_FALSE(Has(terms, "清华"));
  // An unknown label is just text.
  auto text = f.builder.Build("颜色:红", nullptr);
  REQUIRE(text.ok());
  CHECK(Has(Terms(text->query), "颜色"));
  CHECK(Has(Terms(text->query), "红*"));
}

TEST_CASE("QueryBuilder: an empty query matches everything, punctuation alone matches nothing",
          "[query]") {
  Fixture f;
  CHECK(f.builder.Build("", nullptr)->query.op == QueryNode::Op::kAll);
  CHECK(f.builder.Build("  　", nullptr)->query.op == QueryNode::Op::kAll);
  CHECK(f.builder.Build("，。", nullptr)->query.op == QueryNode::Op::kNothing);
}

TEST_CASE("DocumentBuilder: the ID number and phone never become terms", "[document][id]") {
  Fixture f;
  DocumentBuilder builder(f.analyzer, f.pinyin);
  auto record = testing::Person(3, "张三", "清华大学", "研究员");
  record.person.id_number = "45010219900307002X";
  record.person.phone = "13800138000";
  BuiltDocument built;
  builder.Build(record, built);
  REQUIRE_FALSE(built.postings.empty());
  for (const auto& p : built.postings) {
    CHECK(p.term.find("45010219900307002") == std::string::npos);
    CHECK(p.term.find("13800138000") == std::string::npos);
  }
  CHECK(built.stored.Encode().find("45010219900307002") == std::string::npos);
  std::vector<std::string> terms;
  for (const auto& p : built.postings) terms.push_back(p.term);
  CHECK(Has(terms, "XN张三"));
  CHECK(Has(terms, "XS张"));
  CHECK(Has(terms, "XG三"));
  CHECK(Has(terms, "XQzhangsan"));
  CHECK(Has(terms, "XJzs"));
  CHECK(Has(terms, "XU清华大学"));
  CHECK(Has(built.boolean_terms, "Q3"));
}

TEST_CASE("DocumentBuilder: stored fields survive encoding", "[document]") {
  StoredFields s;
  s.public_id = "P0000001";
  s.name = "张三";
  s.admission_year = 2025;
  s.trained = true;
  s.texts[static_cast<size_t>(FieldId::kAchievements)] = "成就";
  StoredFields back;
  REQUIRE(back.Decode(s.Encode()));
  CHECK(back.public_id == "P0000001");
  CHECK(back.name == "张三");
  CHECK(back.admission_year == 2025);
  CHECK(back.trained);
  CHECK(back.texts[static_cast<size_t>(FieldId::kAchievements)] == "成就");
  CHECK_FALSE(back.Decode("garbage"));
}

TEST_CASE("DocumentBuilder: birth dates and age bands", "[document]") {
  CHECK(BirthDateNumber("1988-07-15") == 19880715);
  CHECK(BirthDateNumber("1988-07") == 19880701);
  CHECK(BirthDateNumber("1988") == 19880101);
  CHECK(BirthDateNumber("七月") == 0);
  CHECK(BirthDateNumber("1988-13-01") == 0);
  CHECK(AgeBand(19900601, 20250601) == "35岁及以下");
  CHECK(AgeBand(19890601, 20250601) == "36-45岁");
  CHECK(AgeBand(19890602, 20250601) == "35岁及以下");
  CHECK(AgeBand(19600101, 20250601) == "56岁及以上");
  CHECK(AgeBand(0, 20250601).empty());
}

}  // namespace
}  // namespace tp::indexer
