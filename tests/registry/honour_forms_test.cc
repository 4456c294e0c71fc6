// The honour 推荐表 (registry/rounds/honour_form.h, honour_forms.h): the forms of seeds 002 and
// 003 as data, their limits, storage sealed on real SQLite, the submit check, and the
// exclusions the data raises, answered and audited.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "registry/attachments/attachments.h"
#include "registry/base/paths.h"
#include "registry/rounds/honour_forms.h"
#include "support/photo_writer.h"
#include "tests/registry/rounds_test_support.h"

namespace {

using tp::StatusCode;
using tp::registry::HonourForm;
using tp::registry::HonourFormFromJson;
using tp::registry::HonourForms;
using tp::registry::HonourFormSpec;
using tp::registry::PartialDate;
using tp::registry::RetirementAgeMonths;
using tp::registry::RetirementSchedule;
using tp::roundstest::Input;
using tp::roundstest::RoundsFixture;

constexpr const char* kZuimei = "zuimei-guangxi-2024";
constexpr const char* kYouxiu = "youxiu-dangyuan-2018";

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// A complete 最美 推荐表 with 主要事迹 of `deeds` characters.
std::string ZuimeiForm(int deeds = 1500) {
  return std::string(R"({"推荐领域": ["科技服务民生", "促进科技成果转化应用"],)") +
         R"("办公电话": "0771-2863980",)" +
         R"("学习工作经历": [{"起止年月": "2005.07—2012.06", "单位": "广西大学", "工作": "讲师"},)" +
         R"({"起止年月": "2012.07—今", "单位": "广西农业科学院", "工作": "研究员"}],)" +
         R"("主要事迹": ")" + Repeat("甘", deeds) + R"(",)" +
         R"("感人故事": ["扎根蔗田二十年。"],)" + R"("个人声明": true,)" +
         R"("所在单位意见": "政治表现好，廉洁自律，材料真实，不涉密，同意推荐。"})";
}

tp::roundstest::Cells ZuimeiPerson(const std::string& name, const std::string& unit,
                                   const std::string& birth = "19800101", int seq = 11) {
  auto cells = tp::roundstest::PersonCells(name, birth, seq, "壮族", "中共党员");
  cells[1].second = tp::roundstest::IdNumber("450103", birth, seq);
  cells[4].second = unit;
  cells.push_back({"技术职称", "研究员"});
  cells.push_back({"最高学历", "研究生"});
  cells.push_back({"学位", "博士"});
  cells.push_back({"毕业院校", "广西大学"});
  cells.push_back({"所学专业", "作物遗传育种"});
  cells.push_back({"所在省份", "45"});
  return cells;
}

struct HonourFixture : RoundsFixture {
  HonourFixture() {
    auto forms = HonourForms::Create(workflow(), tp::registry::DataDir());
    if (!forms.ok()) FAIL(forms.status().ToString());
    honour = std::move(*forms);
    auto opened = tp::registry::Attachments::Open(store(), tp::registry::DataDir());
    REQUIRE(opened.ok());
    attachments = std::move(*opened);
  }
  std::unique_ptr<HonourForms> honour;
  std::unique_ptr<tp::registry::Attachments> attachments;
};

const HonourFormSpec& Spec(HonourFixture& f, const std::string& rule_set) {
  const HonourFormSpec* spec = f.honour->SpecForRuleSet(rule_set);
  REQUIRE(spec != nullptr);
  return *spec;
}

}  // namespace

TEST_CASE("HonourForm: the seeds' forms are data naming their rule sets", "[rounds][honour]") {
  HonourFixture f;
  const HonourFormSpec& zuimei = Spec(f, kZuimei);
  CHECK(zuimei.opinion_label == "推荐单位意见");
  REQUIRE(zuimei.Field("推荐领域") != nullptr);
  CHECK(zuimei.Field("推荐领域")->values.size() == 5);
  CHECK(zuimei.Field("感人故事")->item_max_chars == 1000);
  CHECK(zuimei.Field("主要事迹")->warn_below == 1200);
  const HonourFormSpec& youxiu = Spec(f, kYouxiu);
  CHECK(youxiu.opinion_label == "学会党组织推荐意见");
  CHECK(youxiu.Field("重点事迹")->max_chars == 300);
  CHECK(youxiu.Field("主要事迹")->max_chars == 3000);
  CHECK(f.honour->SpecForRuleSet("pool-guangxi-2024") == nullptr);

  // A broken spec is refused, naming the file and the JSON path.
  auto bad = HonourFormSpec::Parse(
      R"({"code": "x", "title": "t", "source": "s", "rule_sets": ["r"], "opinion_label": "o",
          "fields": [{"key": "推荐词", "kind": "text", "max_chars": -1, "colour": "red"}],
          "attachments": [{"kind": "selfie", "label": "自拍", "min": 1}]})",
      "x.json", {"photo"});
  REQUIRE(bad.status().code() == StatusCode::kInvalidArgument);
  std::vector<std::string> where;
  for (const auto& e : bad.status().details()) where.push_back(e.field);
  CHECK(std::find(where.begin(), where.end(), "x.json:$.fields[0].colour") != where.end());
  CHECK(std::find(where.begin(), where.end(), "x.json:$.fields[0].max_chars") != where.end());
  CHECK(std::find(where.begin(), where.end(), "x.json:$.attachments[0].kind") != where.end());
}

TEST_CASE("HonourForm: unknown keys and wrong shapes are errors naming them", "[rounds][honour]") {
  HonourFixture f;
  const HonourFormSpec& spec = Spec(f, kZuimei);
  auto unknown = HonourFormFromJson(spec, R"({"主要事迹": "好", "先进事迹": "多"})");
  REQUIRE(unknown.status().code() == StatusCode::kInvalidArgument);
  CHECK(unknown.status().details().front().field == "先进事迹");
  CHECK(unknown.status().message().find("没有栏目「先进事迹」") != std::string::npos);
  auto shape = HonourFormFromJson(spec, R"({"感人故事": "一个故事"})");
  REQUIRE(shape.status().code() == StatusCode::kInvalidArgument);
  CHECK(shape.status().message() == "「感人故事」应为字符串数组");
  auto column =
      HonourFormFromJson(spec, R"({"学习工作经历": [{"起止年月": "2001", "职务": "x"}]})");
  REQUIRE(column.status().code() == StatusCode::kInvalidArgument);
  CHECK(column.status().message().find("没有「职务」一栏") != std::string::npos);

  auto form = HonourFormFromJson(spec, ZuimeiForm());
  REQUIRE(form.ok());
  REQUIRE(form->Get("学习工作经历") != nullptr);
  CHECK(form->Get("学习工作经历")->rows.size() == 2);
  CHECK(form->Get("学习工作经历")->rows[1][1] == "广西农业科学院");
  CHECK(form->Get("个人声明")->text == "是");
  // Written and read again, the form is the same.
  auto again = HonourFormFromJson(spec, tp::registry::HonourFormToJson(spec, *form));
  REQUIRE(again.ok());
  CHECK(tp::registry::HonourFormToJson(spec, *again) ==
        tp::registry::HonourFormToJson(spec, *form));
}

TEST_CASE("HonourForm: limits are errors, the length of 主要事迹 is advice", "[rounds][honour]") {
  HonourFixture f;
  const HonourFormSpec& spec = Spec(f, kZuimei);
  tp::registry::Person person;
  person.title = "研究员";
  person.education = "研究生";
  person.graduated_from = "广西大学";
  person.major = "作物遗传育种";
  auto check = [&](const std::string& json) {
    auto form = HonourFormFromJson(spec, json);
    REQUIRE(form.ok());
    return tp::registry::CheckHonourForm(spec, *form, person);
  };
  auto good = check(ZuimeiForm(1500));
  CHECK(good.errors.empty());
  CHECK(good.missing.empty());
  CHECK(good.warnings.empty());
  auto short_deeds = check(ZuimeiForm(1000));
  REQUIRE(short_deeds.warnings.size() == 1);
  CHECK(short_deeds.warnings[0].message.find("现为1000字，宜在1200～1800字之间") !=
        std::string::npos);
  CHECK(check(ZuimeiForm(1900)).warnings.size() == 1);
  auto too_long = check(ZuimeiForm(3001));
  REQUIRE(too_long.errors.size() == 1);
  CHECK(too_long.errors[0].message == "「主要事迹」不能超过3000字（现为3001字）");
  // Blank characters do not count, as on the unit's page.
  CHECK(tp::registry::FormCharacters("甘蔗 \n 育种") == 4);

  auto stories = check(R"({"感人故事": ["一", "二", "三"]})");
  REQUIRE(!stories.errors.empty());
  CHECK(stories.errors[0].message == "「感人故事」最多2项（现为3项）");
  auto long_story = check(R"({"感人故事": [")" + Repeat("故", 1001) + R"("]})");
  REQUIRE(!long_story.errors.empty());
  CHECK(long_story.errors[0].message == "「感人故事第1项」不能超过1000字（现为1001字）");
  auto tick = check(R"({"推荐领域": ["科普"]})");
  REQUIRE(!tick.errors.empty());
  CHECK(tick.errors[0].message == "「推荐领域」没有选项「科普」");
  auto phone = check(R"({"办公电话": "请打手机"})");
  REQUIRE(!phone.errors.empty());
  CHECK(phone.errors[0].field == "办公电话");
  // Required boxes left empty are missing, not errors; the declaration must be accepted.
  auto empty = check(R"({"个人声明": false})");
  CHECK(empty.errors.empty());
  std::vector<std::string> missing;
  for (const auto& e : empty.missing) missing.push_back(e.field);
  CHECK(missing == std::vector<std::string>{"推荐领域", "学习工作经历", "主要事迹", "感人故事",
                                            "个人声明", "所在单位意见"});
  // 专业技术职务 in full: 正高 is not a title.
  person.title = "正高";
  auto title = check(ZuimeiForm());
  REQUIRE(title.errors.size() == 1);
  CHECK(title.errors[0].field == "专业技术职务");
  CHECK(title.errors[0].message.find("研究员") != std::string::npos);
}

TEST_CASE("HonourForms: stored sealed, audited, locked with the list, the unit's own only",
          "[rounds][honour]") {
  HonourFixture f;
  f.At("2024-03-20 09:00");
  auto unit = f.Unit("广西农学会", "省级学会", "45");
  auto other = f.Unit("广西化学化工学会", "省级学会", "45");
  auto added =
      f.MustAdd(kZuimei, unit, Input(ZuimeiPerson("韦甘霖", "广西农业科学院"), {}, "农科"));
  const int64_t id = added.item.id;

  auto empty = f.honour->Get(id);
  REQUIRE(empty.ok());
  CHECK(empty->version == 0);
  CHECK(empty->title == "广西“最美科技工作者”推荐表");
  CHECK(empty->person.id_number.empty());
  CHECK(!empty->id_number_mask.empty());

  CHECK(f.honour->Put(id, ZuimeiForm(), other).status().code() == StatusCode::kPermissionDenied);
  auto saved = f.honour->Put(id, ZuimeiForm(), unit);
  REQUIRE(saved.ok());
  CHECK(saved->version == 1);
  CHECK(saved->form.Get("主要事迹")->text == Repeat("甘", 1500));
  CHECK(saved->check.missing.empty());
  // An error stores nothing.
  auto refused = f.honour->Put(id, R"({"主要事迹": ")" + Repeat("甘", 3001) + R"("})", unit);
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK(f.honour->Get(id)->form.Get("感人故事") != nullptr);

  // The text is sealed: the database file does not hold it.
  SQLite::Database db(f.dir() / "registry/registry.sqlite", SQLite::OPEN_READONLY);
  SQLite::Statement raw(db, "SELECT form_enc FROM honour_forms WHERE recommendation_id=?");
  raw.bind(1, id);
  REQUIRE(raw.executeStep());
  CHECK(raw.getColumn(0).getString().find("扎根蔗田") == std::string::npos);
  SQLite::Statement audit(db,
                          "SELECT count(*) FROM audit_log WHERE action='update' AND "
                          "object_type='honour_form' AND object_id=?");
  audit.bind(1, std::to_string(id));
  REQUIRE(audit.executeStep());
  CHECK(audit.getColumn(0).getInt() == 1);

  // Experts see neither the ID number nor a phone.
  auto review = f.honour->ForReview(id);
  REQUIRE(review.ok());
  CHECK(review->id_number_mask.empty());
  CHECK(review->phone_mask.empty());
  CHECK(review->person.email.empty());
  CHECK(review->form.Get("办公电话") == nullptr);
  CHECK(review->form.Get("主要事迹") != nullptr);
}

TEST_CASE("HonourForms: a list is submitted only with complete forms and stamped scans",
          "[rounds][honour]") {
  HonourFixture f;
  f.At("2024-03-20 09:00");
  auto unit = f.Unit("广西农学会", "省级学会", "45");
  auto added =
      f.MustAdd(kZuimei, unit, Input(ZuimeiPerson("韦甘霖", "广西农业科学院"), {}, "农科"));
  const int64_t id = added.item.id;
  auto first = f.workflow().Submit(kZuimei, unit.unit_rowid, {}, unit);
  REQUIRE(first.status().code() == StatusCode::kRuleViolated);
  std::string all;
  for (const auto& e : first.status().details()) all += e.message + "\n";
  CHECK(all.find("「韦甘霖（") != std::string::npos);
  CHECK(all.find("「主要事迹」未填写") != std::string::npos);
  CHECK(all.find("缺少所在单位意见（盖章扫描件）") != std::string::npos);

  REQUIRE(f.honour->Put(id, ZuimeiForm(), unit).ok());
  const std::string person = added.item.submitted.person.public_id;
  tp::testing::TempDir dir;
  for (const char* kind : {"unit_opinion", "recommendation_opinion"}) {
    auto a = f.attachments->Add(
        {person, kZuimei, kind, std::string(kind) + ".pdf", tp::testing::MakePdfScan(dir, 1)},
        unit.Entry("upload", "person", person));
    REQUIRE(a.ok());
  }
  auto view = f.honour->Get(id);
  REQUIRE(view.ok());
  CHECK(view->missing_attachments.empty());
  CHECK(view->attachments.size() == 2);
  auto submitted = f.workflow().Submit(kZuimei, unit.unit_rowid, {}, unit);
  // Other rules (the channel's minimum of one person is met) pass; only 2 photos remain, which
  // the attachments' own campaign rules ask for elsewhere.
  if (!submitted.ok()) FAIL(submitted.status().ToString());
  // Submitted, the form is locked.
  CHECK(f.honour->Put(id, ZuimeiForm(), unit).status().code() == StatusCode::kPreconditionFailed);
}

TEST_CASE("RetirementAgeMonths: the gradual raise from 2025 by birth month", "[rounds][honour]") {
  const RetirementSchedule men{60, 1965, 1, 4, 36};
  const RetirementSchedule women{55, 1970, 1, 4, 36};
  CHECK(RetirementAgeMonths(men, {1964, 12, 31}) == 60 * 12);
  CHECK(RetirementAgeMonths(men, {1965, 1, 1}) == 60 * 12 + 1);
  CHECK(RetirementAgeMonths(men, {1965, 4, 30}) == 60 * 12 + 1);
  CHECK(RetirementAgeMonths(men, {1965, 5, 1}) == 60 * 12 + 2);
  CHECK(RetirementAgeMonths(men, {1976, 8, 1}) == 62 * 12 + 11);
  CHECK(RetirementAgeMonths(men, {1976, 9, 1}) == 63 * 12);
  CHECK(RetirementAgeMonths(men, {1990, 1, 1}) == 63 * 12);
  CHECK(RetirementAgeMonths(women, {1969, 12, 1}) == 55 * 12);
  CHECK(RetirementAgeMonths(women, {1971, 1, 1}) == 55 * 12 + 4);
}

TEST_CASE("HonourForms: exclusions the data suggests are raised, answered and audited",
          "[rounds][honour]") {
  HonourFixture f;
  f.At("2024-03-20 09:00");
  auto unit = f.Unit("广西壮族自治区科学技术厅", "党政部门", "45");
  auto organ = f.MustAdd(kZuimei, unit,
                         Input(ZuimeiPerson("黄科技", "广西壮族自治区科学技术厅"), {}, "综合"));
  // A man born in January 1963 is past 60 on 26 March 2024 (before the raise).
  auto old_man = f.MustAdd(
      kZuimei, unit, Input(ZuimeiPerson("蒙老农", "广西农业科学院", "19630115", 13), {}, "农科"));
  auto young = f.MustAdd(
      kZuimei, unit, Input(ZuimeiPerson("陆青年", "广西农业科学院", "19900101", 15), {}, "农科"));

  auto codes = [&](int64_t id) {
    auto v = f.honour->Get(id);
    REQUIRE(v.ok());
    std::vector<std::string> out;
    for (const auto& c : v->exclusions) out.push_back(c.raised.code);
    return out;
  };
  CHECK(codes(organ.item.id) == std::vector<std::string>{"official"});
  CHECK(codes(old_man.item.id) == std::vector<std::string>{"retirement_age"});
  CHECK(codes(young.item.id).empty());
  auto raised = f.honour->Get(old_man.item.id)->exclusions.front();
  CHECK(raised.open);
  CHECK(raised.raised.message.find("法定退休年龄60岁") != std::string::npos);

  // Open checks refuse the list, each naming the rule and the person.
  for (const auto& item : {organ, old_man, young})
    REQUIRE(f.honour->Put(item.item.id, ZuimeiForm(), unit).ok());
  auto refused = f.workflow().Submit(kZuimei, unit.unit_rowid, {}, unit);
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  std::string all;
  for (const auto& e : refused.status().details()) all += e.field + "：" + e.message + "\n";
  CHECK(all.find("不包括各级党政机关工作人员：「黄科技") != std::string::npos);
  CHECK(all.find("不包括离退休科技工作者：「蒙老农") != std::string::npos);

  // Confirming needs a reason; correcting needs the data corrected.
  tp::registry::ExclusionAnswer confirm{"retirement_age", "confirm", ""};
  CHECK(f.honour->Answer(old_man.item.id, confirm, unit).status().code() ==
        StatusCode::kInvalidArgument);
  confirm.note = "中国工程院院士，仍在科研一线工作";
  auto answered = f.honour->Answer(old_man.item.id, confirm, unit);
  REQUIRE(answered.ok());
  REQUIRE(answered->exclusions.size() == 1);
  CHECK(!answered->exclusions[0].open);
  CHECK(answered->exclusions[0].note == "中国工程院院士,仍在科研一线工作");  // NFKC
  tp::registry::ExclusionAnswer correct{"official", "correct", ""};
  CHECK(f.honour->Answer(organ.item.id, correct, unit).status().code() ==
        StatusCode::kRuleViolated);
  tp::registry::RecommendationInput fix;
  fix.cells = {{"工作单位", "广西壮族自治区科学技术厅直属广西科学技术情报研究所"}};
  REQUIRE(f.workflow().Edit(organ.item.id, fix, unit).ok());
  CHECK(codes(organ.item.id).empty());
  auto corrected = f.honour->Answer(organ.item.id, correct, unit);
  if (!corrected.ok()) FAIL(corrected.status().ToString());
  CHECK(f.honour->Answer(organ.item.id, {"unknown", "confirm", "x"}, unit).status().code() ==
        StatusCode::kInvalidArgument);

  SQLite::Database db(f.dir() / "registry/registry.sqlite", SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT count(*) FROM audit_log WHERE action='answer_check'").getInt() == 2);
  CHECK(db.execAndGet("SELECT count(*) FROM exclusion_answers").getInt() == 2);
}

TEST_CASE("HonourForms: a 最美 title already held is asked about, from the honours history",
          "[rounds][honour]") {
  HonourFixture f;
  f.At("2024-03-20 09:00");
  auto unit = f.Unit("广西农学会", "省级学会", "45");
  auto added =
      f.MustAdd(kZuimei, unit, Input(ZuimeiPerson("韦甘霖", "广西农业科学院"), {}, "农科"));
  {
    SQLite::Database db(f.dir() / "registry/registry.sqlite", SQLite::OPEN_READWRITE);
    SQLite::Statement person(db, "SELECT person_id FROM recommendations WHERE id=?");
    person.bind(1, added.item.id);
    REQUIRE(person.executeStep());
    SQLite::Statement honour(db,
                             "INSERT INTO honours(person_id, campaign_id, title, year, level) "
                             "SELECT ?, id, '全国学会优秀党员、广西“最美科技工作者”', 2018, "
                             "'省级' FROM campaigns WHERE code='youxiu-dangyuan-2018'");
    honour.bind(1, person.getColumn(0).getInt64());
    honour.exec();
  }
  auto view = f.honour->Get(added.item.id);
  REQUIRE(view.ok());
  REQUIRE(view->exclusions.size() == 1);
  CHECK(view->exclusions[0].raised.code == "zuimei_title");
  CHECK(view->exclusions[0].raised.message.find("最美") != std::string::npos);
}

TEST_CASE("HonourForms: 优秀党员 office staff are asked about, the 推荐词 and 总述 are kept",
          "[rounds][honour]") {
  HonourFixture f;
  f.At("2018-04-20 09:00");
  auto society = f.Unit("中国化学会", "全国学会");
  auto cells = tp::roundstest::PersonCells("钱秘书", "19800101", 21, "汉族", "中共党员");
  cells[4].second = "中国化学会秘书处";
  cells.push_back({"技术职称", "研究员"});
  cells.push_back({"最高学历", "研究生"});
  cells.push_back({"通讯地址", "北京市海淀区中关村北一街2号"});
  auto added = f.MustAdd(kYouxiu, society, Input(cells));
  auto view = f.honour->Put(added.item.id,
                            R"({"入会时间": "2008.5", "推荐词": "分子世界的守护者",
                                "总述": "化学家，党支部书记。", "主要事迹": "事迹。",
                                "重点事迹": "重点。"})",
                            society);
  REQUIRE(view.ok());
  CHECK(view->form.Get("入会时间")->text == "2008-05");
  CHECK(view->form.Get("推荐词")->text == "分子世界的守护者");
  REQUIRE(view->exclusions.size() == 1);
  CHECK(view->exclusions[0].raised.rule == "被推荐人不包括学会办事机构工作人员");
  CHECK(f.honour->Put(added.item.id, R"({"重点事迹": ")" + Repeat("重", 301) + R"("})", society)
            .status()
            .code() == StatusCode::kInvalidArgument);
  // Not a party member: refused on adding, as the seed says.
  auto other = tp::roundstest::PersonCells("孙民主", "19810101", 23, "汉族", "九三学社社员");
  CHECK(f.workflow().Add(kYouxiu, society.unit_rowid, Input(other), society).status().code() ==
        StatusCode::kRuleViolated);
}
