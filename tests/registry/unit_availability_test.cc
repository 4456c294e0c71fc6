// Units' answers to 可否参加 for their admitted people (registry/cohorts/unit_availability.h),
// read from a real XLSX workbook as units fill 附件2, against a real registry.
#include <catch2/catch.hpp>

#include "cohorts_test_support.h"
#include "registry/cohorts/unit_availability.h"
#include "registry/tables/xlsx_writer.h"

using tp::cohorttest::CohortFixture;
using tp::cohorttest::Named;
using tp::cohorttest::PersonSpec;
using tp::registry::PersonScope;
using tp::registry::UnitAvailability;

namespace {

std::string Workbook(const std::vector<std::vector<std::string>>& rows) {
  auto bytes = tp::registry::WriteXlsxToBytes([&rows](tp::registry::XlsxWriter& w) {
    TP_RETURN_IF_ERROR(w.WriteHeader(
        {"序号", "姓名", "性别", "民族", "编号", "可否参加专题研修班", "可否参加国情研修活动"}));
    for (const auto& row : rows) TP_RETURN_IF_ERROR(w.WriteRow(row));
    return tp::Status::Ok();
  });
  REQUIRE(bytes.ok());
  return *bytes;
}

PersonScope UnitScope(CohortFixture& f, const std::string& unit_name) {
  auto units = f.store().ListUnits();
  REQUIRE(units.ok());
  PersonScope scope;
  scope.kind = PersonScope::Kind::kUnit;
  for (const auto& u : *units) {
    if (u.name == unit_name) scope.unit_rowid = u.rowid;
  }
  REQUIRE(scope.unit_rowid != 0);
  return scope;
}

}  // namespace

TEST_CASE(
    "UnitAvailability: an XLSX sheet with one bad row writes nothing, the good sheet sets "
    "the unit's answers, which a staff setting still overrides",
    "[cohorts][availability]") {
  CohortFixture f;
  PersonSpec blank = Named("甲");
  blank.seminar = std::nullopt;
  blank.study_tour = std::nullopt;
  const std::string a = f.Add(blank);
  PersonSpec draft = blank;
  draft.name = "乙";
  draft.admission_year = 0;
  draft.tier = "";
  const std::string b = f.Add(draft);
  const PersonScope scope = UnitScope(f, "广西壮族自治区科学技术协会");
  UnitAvailability answers(f.store());

  auto refused = answers.ApplySheet(scope,
                                    Workbook({{"1", "甲", "男", "汉族", a, "否", "是"},
                                              {"2", "乙", "男", "汉族", b, "是", "是"}}),
                                    "附件2.xlsx", "", CohortFixture::Staff());
  REQUIRE(refused.ok());
  REQUIRE(refused->errors.size() == 1);
  CHECK(refused->errors[0].row == 3);
  CHECK(refused->errors[0].field == "编号");
  CHECK(refused->errors[0].message.find("尚未入库") != std::string::npos);
  CHECK(refused->changed == 0);
  auto untouched = f.cohorts().GetAvailability("2025-seminar", a);
  REQUIRE(untouched.ok());
  CHECK_FALSE(untouched->available.has_value());

  auto done = answers.ApplySheet(scope, Workbook({{"1", "甲", "男", "汉族", a, "否", "是"}}),
                                 "附件2.xlsx", "", CohortFixture::Staff());
  REQUIRE(done.ok());
  CHECK(done->errors.empty());
  CHECK(done->rows == 1);
  CHECK(done->changed == 2);
  auto seminar = f.cohorts().GetAvailability("2025-seminar", a);
  REQUIRE(seminar.ok());
  CHECK(seminar->available == std::optional<bool>(false));
  CHECK(seminar->source == "unit_sheet");
  CHECK(f.cohorts().GetAvailability("2025-study-tour", a)->available == std::optional<bool>(true));

  // Staff say yes; the unit's later no does not override it until staff take theirs back.
  REQUIRE(f.cohorts().SetAvailability("2025-seminar", a, true, CohortFixture::Staff()).ok());
  REQUIRE(answers.Report(scope, "2025-seminar", a, false, CohortFixture::Staff()).ok());
  CHECK(f.cohorts().GetAvailability("2025-seminar", a)->source == "staff");
  REQUIRE(f.cohorts().ClearAvailability("2025-seminar", a, CohortFixture::Staff()).ok());
  CHECK(f.cohorts().GetAvailability("2025-seminar", a)->available == std::optional<bool>(false));

  // Another unit's scope reaches neither person.
  PersonSpec other = Named("丙");
  other.unit = "中国化学会";
  other.unit_type = "全国学会";
  f.Add(other);
  const PersonScope chem = UnitScope(f, "中国化学会");
  CHECK(answers.Report(chem, "2025-seminar", a, true, CohortFixture::Staff()).code() ==
        tp::StatusCode::kNotFound);
  auto events = answers.AskingEvents();
  REQUIRE(events.ok());
  auto listed = answers.List(chem, *events);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->at(0).name == "丙");
}

TEST_CASE(
    "UnitAvailability: 附件2 without 编号 or ID numbers finds each person by name, birth "
    "month and unit, and refuses a row it cannot tell",
    "[cohorts][availability][by_name]") {
  CohortFixture f;
  auto person = [&](const std::string& name, const std::string& birth) {
    PersonSpec spec = Named(name);
    spec.birth_date = birth;
    spec.seminar = std::nullopt;
    spec.study_tour = std::nullopt;
    return f.Add(spec);
  };
  const std::string huang = person("黄明辉", "1983-05-12");
  const std::string wei = person("韦丽娟", "1990-11-03");
  person("李伟", "1988-02-01");
  person("李伟", "1988-02-20");
  const PersonScope scope = UnitScope(f, "广西壮族自治区科学技术协会");
  UnitAvailability answers(f.store());
  // Their 工作单位 is the fixture's 广西壮族自治区科学技术协会所属研究所; 单位职务 adds the post.
  // As seed 001 prints it: the title lines, then the heading, then the people.
  const std::string head =
      "2024 年推荐学员参加活动信息表\n联系人及电话:,李欣 0771-1234567\n填表日期:,2025年8月10日\n"
      "序号,姓名,性别,民族,出生年月,政治面貌,单位职务,最高学历,擅长领域,联系方式,"
      "可否参加专题研修班,可否参加国情研修活动\n";

  auto refused = answers.ApplySheet(
      scope,
      head +
          "1,黄明辉,男,汉族,1983.05,无党派人士,广西壮族自治区科学技术协会所属研究所 "
          "研究员,研究生,水稻育种,,是,否\n"
          "2,李伟,男,汉族,1988.02,无党派人士,广西壮族自治区科学技术协会所属研究所,研究生,,,是,是\n"
          "3,无名氏,男,汉族,1970.01,无党派人士,广西壮族自治区科学技术协会所属研究所,研究生,,,是,"
          "是\n"
          "4,韦丽娟,女,壮族,1990-13,无党派人士,广西壮族自治区科学技术协会所属研究所,研究生,,,是,"
          "是\n",
      "附件2.csv", "", CohortFixture::Staff());
  REQUIRE(refused.ok());
  REQUIRE(refused->errors.size() == 3);
  CHECK(refused->errors[0].row == 6);
  CHECK(refused->errors[0].field == "姓名");
  CHECK(refused->errors[0].message.find("多位") != std::string::npos);
  CHECK(refused->errors[1].row == 7);
  CHECK(refused->errors[1].message.find("没有姓名、出生年月、单位相同") != std::string::npos);
  CHECK(refused->errors[2].row == 8);
  CHECK(refused->errors[2].field == "出生年月");
  CHECK(refused->changed == 0);
  auto untouched = f.cohorts().GetAvailability("2025-seminar", huang);
  REQUIRE(untouched.ok());
  CHECK_FALSE(untouched->available.has_value());

  // Traditional characters and a month for the birth date still name the one person.
  auto done =
      answers.ApplySheet(scope,
                         head +
                             "1,黃明輝,男,汉族,1983.05,无党派人士,"
                             "广西壮族自治区科学技术协会所属研究所 研究员,研究生,水稻育种,,是,否\n"
                             "2,韦丽娟,女,壮族,1990年11月,无党派人士,"
                             "广西壮族自治区科学技术协会所属研究所,研究生,,,否,\n",
                         "附件2.csv", "", CohortFixture::Staff());
  REQUIRE(done.ok());
  CHECK(done->errors.empty());
  CHECK(done->rows == 2);
  CHECK(done->changed == 3);
  auto seminar = f.cohorts().GetAvailability("2025-seminar", huang);
  REQUIRE(seminar.ok());
  CHECK(seminar->available == std::optional<bool>(true));
  auto other = f.cohorts().GetAvailability("2025-seminar", wei);
  REQUIRE(other.ok());
  CHECK(other->available == std::optional<bool>(false));
  auto stats = f.store().Stats();
  REQUIRE(stats.ok());
  CHECK(stats->persons == 4);  // nobody created
}
