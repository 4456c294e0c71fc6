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
