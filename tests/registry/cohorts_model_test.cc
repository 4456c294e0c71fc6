#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cohorts_test_support.h"
#include "registry/base/paths.h"
#include "registry/tables/table_reader.h"
#include "support/workbook_rows.h"

using tp::StatusCode;
using tp::cohorttest::CohortFixture;
using tp::cohorttest::PersonSpec;
using tp::registry::ActionOptions;
using tp::registry::Cohorts;
using tp::registry::EnrolmentAction;
using tp::registry::EnrolmentState;
using tp::registry::Event;
using tp::registry::Placement;

namespace {

ActionOptions InClass(const std::string& name) {
  ActionOptions o;
  o.class_name = name;
  return o;
}

tp::StatusOr<tp::registry::ActionResult> Do(CohortFixture& f, const std::string& event,
                                            const std::string& id, EnrolmentAction action,
                                            const ActionOptions& o = {}) {
  return f.cohorts().Act(event, id, action, o, CohortFixture::Staff());
}

EnrolmentState StateOf(CohortFixture& f, const std::string& event, const std::string& id) {
  auto list = f.cohorts().ListEnrolments(event);
  REQUIRE(list.ok());
  for (const auto& e : *list) {
    if (e.person_id == id) return e.state;
  }
  FAIL("no enrolment of " << id);
  return EnrolmentState::kRemoved;
}

// The rows of the first sheet of an XLSX download, header first (under the title block).
std::vector<std::vector<std::string>> SheetRows(const std::string& bytes) {
  tp::registry::TableOptions options;
  options.known_columns = {"序号", "编号", "姓名"};
  return tp::testing::WorkbookRows(bytes, options);
}

}  // namespace

TEST_CASE("Cohorts: opening a registry seeds the three events of the notices with their classes",
          "[cohorts][seed]") {
  CohortFixture f;
  auto events = f.cohorts().ListEvents();
  REQUIRE(events.ok());
  REQUIRE(events->size() == 3);
  const Event& training = (*events)[0];
  CHECK(training.code == "2024-training");
  CHECK(training.starts_on == "2024-11-17");
  CHECK(training.ends_on == "2024-11-23");
  CHECK(training.place == "中央社会主义学院");
  CHECK(training.capacity == 100);
  REQUIRE(training.classes.size() == 2);
  CHECK(training.classes[0].level == "领军人才");
  CHECK(training.classes[1].level == "青年人才");
  CHECK(training.classes[0].capacity + training.classes[1].capacity == 100);
  CHECK((*events)[1].code == "2025-seminar");
  CHECK((*events)[1].capacity == 80);
  CHECK((*events)[1].starts_on == "2025-09-01");
  CHECK((*events)[1].availability_field == "can_attend_seminar");
  CHECK((*events)[2].code == "2025-study-tour");
  CHECK((*events)[2].place == "浙江省杭州市");
  CHECK((*events)[2].ends_on == "2025-10-24");
  CHECK((*events)[2].availability_field == "can_attend_study_tour");
}

TEST_CASE("Cohorts: opening again neither duplicates the seeded events nor undoes staff's changes",
          "[cohorts][seed]") {
  CohortFixture f;
  REQUIRE(
      f.cohorts().SetClassCapacity("2024-training", "领军人才班", 60, CohortFixture::Staff()).ok());
  auto again = Cohorts::Open(f.store(), tp::registry::DataDir());
  REQUIRE(again.ok());
  auto events = (*again)->ListEvents();
  REQUIRE(events.ok());
  CHECK(events->size() == 3);
  auto training = (*again)->GetEvent("2024-training");
  REQUIRE(training.ok());
  CHECK(training->classes[0].capacity == 60);
  CHECK(training->capacity == 110);
}

TEST_CASE("Cohorts: an events file with a mistake is refused naming the file and the field",
          "[cohorts][seed]") {
  CohortFixture f;
  const std::string path = f.dir() + "/events.json";
  tp::testing::WriteFileBytes(path, R"({"events": [{"code": "x-1", "title": "测试", "series": "s",
      "starts_on": "2025-09-01", "ends_on": "2025-09-05", "capacity": 80,
      "classes": [{"name": "一班", "level": "", "capacity": 70}]}]})");
  auto loaded = Cohorts::LoadEventsFile(path);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().message().find(path) != std::string::npos);
  CHECK(loaded.status().message().find("名额") != std::string::npos);
  CHECK(loaded.status().message().find("70") != std::string::npos);

  tp::testing::WriteFileBytes(path, "{\"events\": [}");
  CHECK(Cohorts::LoadEventsFile(path).status().code() == StatusCode::kInvalidArgument);
  CHECK(Cohorts::LoadEventsFile(f.dir() + "/missing.json").status().code() ==
        StatusCode::kNotFound);
}

TEST_CASE("Cohorts: an event is checked field by field", "[cohorts][event]") {
  Event e;
  e.code = "Bad Code";
  e.title = "";
  e.series = "s";
  e.starts_on = "2025-09-05";
  e.ends_on = "2025-09-01";
  e.capacity = 10;
  e.classes = {{"一班", "中级人才", 10, 0, 0}};
  std::vector<std::string> fields;
  for (const auto& error : Cohorts::Validate(e))
    fields.push_back(error.field + ":" + error.message);
  auto has = [&](const std::string& prefix) {
    return std::any_of(fields.begin(), fields.end(),
                       [&](const std::string& s) { return s.rfind(prefix, 0) == 0; });
  };
  CHECK(has("代码:"));
  CHECK(has("名称:"));
  CHECK(has("结束日期:早于开始日期"));
  CHECK(has("班次:班次「一班」的层次"));
  e.code = "2025-x";
  e.title = "活动";
  e.ends_on = "2025-09-06";
  e.classes[0].level = "";
  CHECK(Cohorts::Validate(e).empty());
  e.starts_on = "2025-02-30";
  auto again = Cohorts::Validate(e);
  REQUIRE(again.size() == 1);
  CHECK(again[0].field == "开始日期");
}

TEST_CASE("Cohorts: a second event with a code in use is refused", "[cohorts][event]") {
  CohortFixture f;
  Event e = f.MakeEvent("2026-seminar", "2026-09-01", "2026-09-05", 10, "seminar");
  auto twice = f.cohorts().CreateEvent(e, CohortFixture::Staff());
  CHECK(twice.status().code() == StatusCode::kAlreadyExists);
}

TEST_CASE(
    "Cohorts: availability comes from the unit's sheet, staff's setting wins, a blank is unknown",
    "[cohorts][availability]") {
  CohortFixture f;
  PersonSpec yes;
  PersonSpec no;
  no.seminar = false;
  PersonSpec blank;
  blank.seminar = std::nullopt;
  const std::string a = f.Add(yes), b = f.Add(no), c = f.Add(blank);

  auto av = f.cohorts().GetAvailability("2025-seminar", a);
  REQUIRE(av.ok());
  CHECK(av->available == std::optional<bool>(true));
  CHECK(av->source == "unit_sheet");
  CHECK(f.cohorts().GetAvailability("2025-seminar", b)->available == std::optional<bool>(false));
  CHECK_FALSE(f.cohorts().GetAvailability("2025-seminar", c)->available.has_value());
  // The 2024 notice asked nothing: everyone counts as available.
  auto not_asked = f.cohorts().GetAvailability("2024-training", b);
  CHECK(not_asked->available == std::optional<bool>(true));
  CHECK(not_asked->source == "not_asked");

  REQUIRE(f.cohorts().SetAvailability("2025-seminar", b, true, CohortFixture::Staff()).ok());
  auto staff = f.cohorts().GetAvailability("2025-seminar", b);
  CHECK(staff->available == std::optional<bool>(true));
  CHECK(staff->source == "staff");
  CHECK(f.cohorts()
            .SetAvailability("2025-seminar", "P9999999", true, CohortFixture::Staff())
            .code() == StatusCode::kNotFound);
}

TEST_CASE("Cohorts: the class is found from the person's tier and a wrong level is refused",
          "[cohorts][rules]") {
  CohortFixture f;
  PersonSpec young;
  young.tier = "青年人才";
  const std::string y = f.Add(young);
  auto wrong = Do(f, "2024-training", y, EnrolmentAction::kInvite, InClass("领军人才班"));
  REQUIRE(wrong.status().code() == StatusCode::kRuleViolated);
  CHECK(wrong.status().message().find("青年人才") != std::string::npos);
  CHECK(wrong.status().message().find("领军人才班") != std::string::npos);
  auto right = Do(f, "2024-training", y, EnrolmentAction::kInvite);
  REQUIRE(right.ok());
  CHECK(right->enrolment.class_name == "青年人才班");
  CHECK(right->enrolment.state == EnrolmentState::kInvited);
}

TEST_CASE("Cohorts: people not admitted, deceased or unable to attend are not given a place",
          "[cohorts][rules]") {
  CohortFixture f;
  PersonSpec outside;
  outside.admission_year = 0;
  outside.tier = "";
  PersonSpec gone;
  gone.employment_status = "去世";
  PersonSpec unable;
  unable.seminar = false;
  PersonSpec blank;
  blank.seminar = std::nullopt;
  const std::string o = f.Add(outside), g = f.Add(gone), u = f.Add(unable), b = f.Add(blank);
  CHECK(Do(f, "2025-seminar", o, EnrolmentAction::kInvite).status().message().find("尚未入库") !=
        std::string::npos);
  CHECK(Do(f, "2025-seminar", g, EnrolmentAction::kInvite).status().code() ==
        StatusCode::kRuleViolated);
  auto refused = Do(f, "2025-seminar", u, EnrolmentAction::kWaitlist);
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  CHECK(refused.status().message().find("不能参加") != std::string::npos);
  auto unknown = Do(f, "2025-seminar", b, EnrolmentAction::kInvite);
  REQUIRE(unknown.status().code() == StatusCode::kRuleViolated);
  CHECK(unknown.status().message().find("可否参加专题研修班") != std::string::npos);
  REQUIRE(f.cohorts().SetAvailability("2025-seminar", b, true, CohortFixture::Staff()).ok());
  CHECK(Do(f, "2025-seminar", b, EnrolmentAction::kInvite).ok());
}

TEST_CASE("Cohorts: a person holding a seat in an overlapping event is refused",
          "[cohorts][rules]") {
  CohortFixture f;
  f.MakeEvent("2025-forum", "2025-09-04", "2025-09-06", 5, "forum");
  f.MakeEvent("2025-later", "2025-09-07", "2025-09-08", 5, "later");
  const std::string p = f.Add({});
  REQUIRE(Do(f, "2025-forum", p, EnrolmentAction::kInvite).ok());
  auto clash = Do(f, "2025-seminar", p, EnrolmentAction::kInvite);
  REQUIRE(clash.status().code() == StatusCode::kRuleViolated);
  CHECK(clash.status().message().find("同期") != std::string::npos);
  // An event starting the day after the forum ends does not clash with it.
  CHECK(Do(f, "2025-later", p, EnrolmentAction::kInvite).ok());
  // Once the forum seat is given up, the seminar is open again.
  REQUIRE(Do(f, "2025-forum", p, EnrolmentAction::kDecline).ok());
  CHECK(Do(f, "2025-seminar", p, EnrolmentAction::kInvite).ok());
}

TEST_CASE(
    "Cohorts: someone who attended an event of the series needs staff's permission to come again",
    "[cohorts][rules]") {
  CohortFixture f;
  f.MakeEvent("2026-training", "2026-11-16", "2026-11-22", 100, "annual-training");
  const std::string p = f.Add({});
  REQUIRE(Do(f, "2024-training", p, EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2024-training", p, EnrolmentAction::kConfirm).ok());
  REQUIRE(Do(f, "2024-training", p, EnrolmentAction::kAttend).ok());
  auto again = Do(f, "2026-training", p, EnrolmentAction::kInvite);
  REQUIRE(again.status().code() == StatusCode::kRuleViolated);
  CHECK(again.status().message().find("同系列") != std::string::npos);
  // Another series is fine, and staff may allow the same one.
  CHECK(Do(f, "2025-seminar", p, EnrolmentAction::kInvite).ok());
  ActionOptions allow;
  allow.allow_retrained = true;
  CHECK(Do(f, "2026-training", p, EnrolmentAction::kInvite, allow).ok());
}

TEST_CASE("Cohorts: a full class refuses an invitation and keeps a waiting list in order",
          "[cohorts][waitlist]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 2, "small");
  auto ids = f.AddMany({}, 5);
  REQUIRE(Do(f, "2026-small", ids[0], EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2026-small", ids[1], EnrolmentAction::kInvite).ok());
  auto full = Do(f, "2026-small", ids[2], EnrolmentAction::kInvite);
  REQUIRE(full.status().code() == StatusCode::kRuleViolated);
  CHECK(full.status().message().find("2/2") != std::string::npos);
  auto w1 = Do(f, "2026-small", ids[3], EnrolmentAction::kWaitlist);
  auto w2 = Do(f, "2026-small", ids[2], EnrolmentAction::kWaitlist);
  REQUIRE(w1.ok());
  REQUIRE(w2.ok());
  CHECK(w1->enrolment.waitlist_rank == 1);
  CHECK(w2->enrolment.waitlist_rank == 2);
  auto event = f.cohorts().GetEvent("2026-small");
  CHECK(event->classes[0].seats_taken == 2);
  CHECK(event->classes[0].waitlisted == 2);
}

TEST_CASE("Cohorts: a decline invites the first on the waiting list and both changes are audited",
          "[cohorts][waitlist]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 2, "small");
  auto ids = f.AddMany({}, 5);
  REQUIRE(Do(f, "2026-small", ids[0], EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2026-small", ids[1], EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2026-small", ids[1], EnrolmentAction::kConfirm).ok());
  REQUIRE(Do(f, "2026-small", ids[4], EnrolmentAction::kWaitlist).ok());
  REQUIRE(Do(f, "2026-small", ids[2], EnrolmentAction::kWaitlist).ok());

  auto declined = Do(f, "2026-small", ids[1], EnrolmentAction::kDecline);
  REQUIRE(declined.ok());
  CHECK(declined->enrolment.state == EnrolmentState::kDeclined);
  REQUIRE(declined->promoted.has_value());
  CHECK(declined->promoted->person_id == ids[4]);
  CHECK(declined->promoted->state == EnrolmentState::kInvited);
  CHECK(StateOf(f, "2026-small", ids[2]) == EnrolmentState::kWaitlisted);

  // A waitlisted person who leaves frees no seat: nobody is promoted.
  auto left = Do(f, "2026-small", ids[2], EnrolmentAction::kRemove);
  REQUIRE(left.ok());
  CHECK_FALSE(left->promoted.has_value());

  SQLite::Database db(f.registry_dir() + "/registry.sqlite", SQLite::OPEN_READONLY);
  SQLite::Statement st(
      db,
      "SELECT action, object_id, detail FROM audit_log WHERE object_type='enrolment' "
      "AND action IN ('decline','promote') ORDER BY id");
  std::vector<std::string> seen;
  while (st.executeStep()) {
    auto detail = nlohmann::json::parse(st.getColumn(2).getString());
    seen.push_back(st.getColumn(0).getString() + " " + st.getColumn(1).getString() + " " +
                   detail.value("from", "") + "->" + detail.value("to", ""));
  }
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == "decline 2026-small/" + ids[1] + " confirmed->declined");
  CHECK(seen[1] == "promote 2026-small/" + ids[4] + " waitlisted->invited");
}

TEST_CASE("Cohorts: promotion passes over someone now busy elsewhere or marked unable to attend",
          "[cohorts][waitlist]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 1, "small");
  f.MakeEvent("2026-other", "2026-03-02", "2026-03-03", 5, "other");
  auto ids = f.AddMany({}, 4);
  REQUIRE(Do(f, "2026-small", ids[0], EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2026-small", ids[1], EnrolmentAction::kWaitlist).ok());
  REQUIRE(Do(f, "2026-small", ids[2], EnrolmentAction::kWaitlist).ok());
  REQUIRE(Do(f, "2026-small", ids[3], EnrolmentAction::kWaitlist).ok());
  REQUIRE(Do(f, "2026-other", ids[1], EnrolmentAction::kInvite).ok());
  REQUIRE(f.cohorts().SetAvailability("2026-small", ids[2], false, CohortFixture::Staff()).ok());
  auto declined = Do(f, "2026-small", ids[0], EnrolmentAction::kDecline);
  REQUIRE(declined.ok());
  REQUIRE(declined->promoted.has_value());
  CHECK(declined->promoted->person_id == ids[3]);
  CHECK(StateOf(f, "2026-small", ids[1]) == EnrolmentState::kWaitlisted);
  CHECK(StateOf(f, "2026-small", ids[2]) == EnrolmentState::kWaitlisted);
}

TEST_CASE("Cohorts: only the transitions of the state machine are allowed", "[cohorts][states]") {
  CohortFixture f;
  auto ids = f.AddMany({}, 2);
  CHECK(Do(f, "2024-training", ids[0], EnrolmentAction::kConfirm).status().code() ==
        StatusCode::kRuleViolated);
  REQUIRE(Do(f, "2024-training", ids[0], EnrolmentAction::kInvite).ok());
  CHECK(Do(f, "2024-training", ids[0], EnrolmentAction::kInvite).status().code() ==
        StatusCode::kRuleViolated);
  REQUIRE(Do(f, "2024-training", ids[0], EnrolmentAction::kDecline).ok());
  auto refused = Do(f, "2024-training", ids[0], EnrolmentAction::kConfirm);
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  CHECK(refused.status().message().find("已谢绝") != std::string::npos);
  // Staff may invite someone again who declined.
  CHECK(Do(f, "2024-training", ids[0], EnrolmentAction::kInvite).ok());
  // Attended only once confirmed: an invitation nobody answered is no attendance.
  REQUIRE(Do(f, "2024-training", ids[1], EnrolmentAction::kInvite).ok());
  auto unconfirmed = Do(f, "2024-training", ids[1], EnrolmentAction::kAttend);
  CHECK(unconfirmed.status().code() == StatusCode::kRuleViolated);
  CHECK(unconfirmed.status().message().find("已邀请") != std::string::npos);
  REQUIRE(Do(f, "2024-training", ids[1], EnrolmentAction::kConfirm).ok());
  CHECK(Do(f, "2024-training", ids[1], EnrolmentAction::kAttend).ok());
  CHECK(Do(f, "2024-training", "P9999999", EnrolmentAction::kInvite).status().code() ==
        StatusCode::kNotFound);
  CHECK(Do(f, "no-such-event", ids[0], EnrolmentAction::kInvite).status().code() ==
        StatusCode::kNotFound);
}

TEST_CASE("Cohorts: a change based on a stale version is refused", "[cohorts][states]") {
  CohortFixture f;
  const std::string p = f.Add({});
  auto invited = Do(f, "2024-training", p, EnrolmentAction::kInvite);
  REQUIRE(invited.ok());
  const int64_t seen = invited->enrolment.version;
  REQUIRE(Do(f, "2024-training", p, EnrolmentAction::kConfirm).ok());
  ActionOptions stale;
  stale.expected_version = seen;
  CHECK(Do(f, "2024-training", p, EnrolmentAction::kDecline, stale).status().code() ==
        StatusCode::kPreconditionFailed);
  stale.expected_version = seen + 1;
  CHECK(Do(f, "2024-training", p, EnrolmentAction::kDecline, stale).ok());
}

TEST_CASE("Cohorts: the schema refuses to overbook a class whatever code writes",
          "[cohorts][waitlist]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 1, "small");
  auto ids = f.AddMany({}, 2);
  REQUIRE(Do(f, "2026-small", ids[0], EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2026-small", ids[1], EnrolmentAction::kWaitlist).ok());
  SQLite::Database db(f.registry_dir() + "/registry.sqlite", SQLite::OPEN_READWRITE);
  db.setBusyTimeout(5000);
  CHECK_THROWS_WITH(db.exec("UPDATE enrolments SET state='confirmed' WHERE state='waitlisted'"),
                    Catch::Contains("class_full"));
  CHECK(f.cohorts().GetEvent("2026-small")->classes[0].seats_taken == 1);
}

TEST_CASE("Cohorts: the history shows every event's state and reaches the person's record",
          "[cohorts][history]") {
  CohortFixture f;
  const std::string p = f.Add({});
  REQUIRE(Do(f, "2024-training", p, EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2024-training", p, EnrolmentAction::kConfirm).ok());
  REQUIRE(Do(f, "2024-training", p, EnrolmentAction::kAttend).ok());
  REQUIRE(Do(f, "2025-study-tour", p, EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2025-study-tour", p, EnrolmentAction::kDecline).ok());
  auto history = f.cohorts().PersonHistory(p);
  REQUIRE(history.ok());
  REQUIRE(history->size() == 2);
  CHECK((*history)[0].event_code == "2024-training");
  CHECK((*history)[0].state == EnrolmentState::kAttended);
  CHECK((*history)[1].event_code == "2025-study-tour");
  CHECK((*history)[1].state == EnrolmentState::kDeclined);
  // Every step is kept, with who and when, not only the latest state.
  const auto& steps = (*history)[0].steps;
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].from.empty());
  CHECK(steps[0].to == "invited");
  CHECK(steps[1].from == "invited");
  CHECK(steps[1].to == "confirmed");
  CHECK(steps[2].to == "attended");
  CHECK(steps[2].actor == "token:1");
  CHECK_FALSE(steps[2].at.empty());
  REQUIRE((*history)[1].steps.size() == 2);
  CHECK((*history)[1].steps[1].to == "declined");
  auto record = f.store().GetPerson(p);
  REQUIRE(record.ok());
  REQUIRE(record->trainings.size() == 2);
  CHECK(record->trainings[0].state == "attended");
  CHECK(record->trainings[0].year == 2024);
  CHECK(record->trainings[0].class_name == "领军人才班");
  CHECK(record->trainings[1].state == "declined");
}

TEST_CASE("Cohorts: a roster and its reserve are written in one go, or not at all",
          "[cohorts][apply]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 2, "small");
  auto ids = f.AddMany({}, 5);
  PersonSpec unable;
  unable.seminar = false;
  const std::string u = f.Add(unable);
  // Someone already enrolled (here: invited, then declined) is left as they are.
  REQUIRE(Do(f, "2026-small", ids[4], EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2026-small", ids[4], EnrolmentAction::kDecline).ok());
  auto applied =
      f.cohorts().ApplyRoster("2026-small", {{ids[0], ""}, {ids[1], "一班"}},
                              {{ids[2], ""}, {ids[4], ""}, {ids[3], ""}}, CohortFixture::Staff());
  REQUIRE(applied.ok());
  CHECK(applied->invited == 2);
  CHECK(applied->waitlisted == 2);
  CHECK(applied->skipped == std::vector<std::string>{ids[4]});
  auto list = f.cohorts().ListEnrolments("2026-small");
  REQUIRE(list->size() == 5);
  CHECK((*list)[2].person_id == ids[2]);
  CHECK((*list)[2].waitlist_rank == 1);
  CHECK((*list)[3].person_id == ids[3]);
  CHECK((*list)[3].waitlist_rank == 2);
  CHECK((*list)[4].person_id == ids[4]);

  // A roster line that breaks a rule changes nothing.
  auto refused =
      f.cohorts().ApplyRoster("2025-seminar", {{ids[0], ""}, {u, ""}}, {}, CohortFixture::Staff());
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  CHECK(refused.status().message().find(u) != std::string::npos);
  CHECK(f.cohorts().ListEnrolments("2025-seminar")->empty());
}

TEST_CASE("Cohorts: roster and sign-in sheets list the seat holders, phones masked unless revealed",
          "[cohorts][export]") {
  CohortFixture f;
  PersonSpec a;
  a.name = "覃海涛";
  a.ethnic_group = "壮族";
  a.phone = "13877110001";
  PersonSpec b;
  b.name = "李静";
  b.gender = "女";
  b.province = "11";
  b.unit = "中国化学会";
  b.unit_type = "全国学会";
  b.phone = "13701010004";
  PersonSpec c;
  c.name = "候补者";
  const std::string pa = f.Add(a), pb = f.Add(b), pc = f.Add(c);
  REQUIRE(Do(f, "2024-training", pa, EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2024-training", pb, EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2024-training", pb, EnrolmentAction::kConfirm).ok());
  REQUIRE(Do(f, "2024-training", pc, EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2024-training", pc, EnrolmentAction::kDecline).ok());

  tp::registry::RosterExportOptions options;
  auto masked = f.cohorts().ExportRosterXlsx("2024-training", options);
  REQUIRE(masked.ok());
  auto rows = SheetRows(*masked);
  REQUIRE(rows.size() == 3);  // header + two seat holders; the waiting list is not on the roster
  CHECK(rows[0] == std::vector<std::string>{"序号", "编号", "姓名", "性别", "民族",
                                            "工作单位及职务", "班次", "联系电话", "状态"});
  CHECK(rows[1][2] == "覃海涛");
  CHECK(rows[1][4] == "壮族");
  CHECK(rows[1][5] == "广西壮族自治区科学技术协会所属研究所 所长");
  CHECK(rows[1][7] == "138****0001");
  CHECK(rows[2][8] == "已确认");
  CHECK(masked->find("13877110001") == std::string::npos);

  options.reveal_phone = true;
  options.show_ethnic_group = false;
  options.province = "45";
  auto revealed = SheetRows(*f.cohorts().ExportRosterXlsx("2024-training", options));
  REQUIRE(revealed.size() == 2);
  CHECK(revealed[0][4] == "工作单位及职务");
  CHECK(revealed[1][6] == "13877110001");

  tp::registry::RosterExportOptions sign_in;
  sign_in.sheet = tp::registry::RosterSheet::kSignIn;
  auto sheet = SheetRows(*f.cohorts().ExportRosterXlsx("2024-training", sign_in));
  REQUIRE(sheet[0].size() == 6 + 7 + 1);  // no 民族 and no phone on a sign-in sheet
  CHECK(sheet[0][6] == "11月17日");
  CHECK(sheet[0][12] == "11月23日");
  CHECK(sheet[0][13] == "备注");
}

TEST_CASE("Cohorts: seats a class gains go to the people waiting, first come first",
          "[cohorts][waitlist]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 4, "small");
  auto ids = f.AddMany({}, 7);
  for (int i = 0; i < 4; ++i) REQUIRE(Do(f, "2026-small", ids[i], EnrolmentAction::kInvite).ok());
  for (int i = 4; i < 7; ++i) REQUIRE(Do(f, "2026-small", ids[i], EnrolmentAction::kWaitlist).ok());
  auto event = f.cohorts().SetClassCapacity("2026-small", "一班", 6, CohortFixture::Staff());
  REQUIRE(event.ok());
  CHECK(event->classes[0].seats_taken == 6);
  CHECK(event->classes[0].waitlisted == 1);
  CHECK(StateOf(f, "2026-small", ids[4]) == EnrolmentState::kInvited);
  CHECK(StateOf(f, "2026-small", ids[5]) == EnrolmentState::kInvited);
  CHECK(StateOf(f, "2026-small", ids[6]) == EnrolmentState::kWaitlisted);
}

TEST_CASE("Cohorts: the waiting list is for a full class", "[cohorts][waitlist]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 2, "small");
  auto ids = f.AddMany({}, 3);
  REQUIRE(Do(f, "2026-small", ids[0], EnrolmentAction::kInvite).ok());
  auto early = Do(f, "2026-small", ids[1], EnrolmentAction::kWaitlist);
  REQUIRE(early.status().code() == StatusCode::kRuleViolated);
  CHECK(early.status().message().find("尚有 1 个空余名额") != std::string::npos);
  REQUIRE(Do(f, "2026-small", ids[1], EnrolmentAction::kInvite).ok());
  CHECK(Do(f, "2026-small", ids[2], EnrolmentAction::kWaitlist).ok());
}

TEST_CASE("Cohorts: inviting past the people waiting is refused unless staff mean it, audited",
          "[cohorts][waitlist]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 2, "small");
  auto ids = f.AddMany({}, 5);
  REQUIRE(Do(f, "2026-small", ids[0], EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2026-small", ids[1], EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2026-small", ids[2], EnrolmentAction::kWaitlist).ok());
  REQUIRE(Do(f, "2026-small", ids[3], EnrolmentAction::kWaitlist).ok());
  // A free seat with people waiting: both waiting were marked unable to attend when the seat
  // was freed, so promotion passed them over; then staff took ids[3]'s mark back.
  REQUIRE(f.cohorts().SetAvailability("2026-small", ids[2], false, CohortFixture::Staff()).ok());
  REQUIRE(f.cohorts().SetAvailability("2026-small", ids[3], false, CohortFixture::Staff()).ok());
  REQUIRE(Do(f, "2026-small", ids[0], EnrolmentAction::kDecline).ok());
  REQUIRE(f.cohorts().ClearAvailability("2026-small", ids[3], CohortFixture::Staff()).ok());
  auto past = Do(f, "2026-small", ids[4], EnrolmentAction::kInvite);
  REQUIRE(past.status().code() == StatusCode::kRuleViolated);
  CHECK(past.status().message().find("候补名单上有 2 人") != std::string::npos);
  // ids[3] is second on the list, behind ids[2]: refused as well, unless staff mean it.
  CHECK(Do(f, "2026-small", ids[3], EnrolmentAction::kInvite).status().code() ==
        StatusCode::kRuleViolated);
  ActionOptions past_the_list;
  past_the_list.ahead_of_waitlist = true;
  REQUIRE(Do(f, "2026-small", ids[3], EnrolmentAction::kInvite, past_the_list).ok());
  SQLite::Database db(f.store().Dir() + "/registry.sqlite", SQLite::OPEN_READONLY);
  SQLite::Statement st(db,
                       "SELECT detail FROM audit_log WHERE action='invite' AND object_id LIKE ? "
                       "ORDER BY id DESC LIMIT 1");
  st.bind(1, "%/" + ids[3]);
  REQUIRE(st.executeStep());
  CHECK(st.getColumn(0).getString().find("\"passed_over_waitlist\":1") != std::string::npos);
}

TEST_CASE("Cohorts: attendance is recorded once the event has begun, from a confirmed seat",
          "[cohorts][states]") {
  CohortFixture f;
  f.MakeEvent("2026-spring", "2026-04-10", "2026-04-12", 3, "spring");
  const std::string p = f.Add({});
  std::string today = "2026-03-27";
  f.cohorts().SetToday([&] { return today; });
  REQUIRE(Do(f, "2026-spring", p, EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, "2026-spring", p, EnrolmentAction::kConfirm).ok());
  auto early = Do(f, "2026-spring", p, EnrolmentAction::kAttend);
  REQUIRE(early.status().code() == StatusCode::kRuleViolated);
  CHECK(early.status().message().find("2026-04-10") != std::string::npos);
  CHECK(Do(f, "2026-spring", p, EnrolmentAction::kAbsent).status().code() ==
        StatusCode::kRuleViolated);
  today = "2026-04-10";
  CHECK(Do(f, "2026-spring", p, EnrolmentAction::kAttend).ok());
}

TEST_CASE("Cohorts: a staff availability setting can be taken back, the unit's sheet speaks again",
          "[cohorts][availability]") {
  CohortFixture f;
  PersonSpec yes;
  yes.seminar = true;
  const std::string p = f.Add(yes);
  REQUIRE(f.cohorts().SetAvailability("2025-seminar", p, false, CohortFixture::Staff()).ok());
  CHECK(f.cohorts().GetAvailability("2025-seminar", p)->source == "staff");
  REQUIRE(f.cohorts().ClearAvailability("2025-seminar", p, CohortFixture::Staff()).ok());
  auto back = f.cohorts().GetAvailability("2025-seminar", p);
  CHECK(back->source == "unit_sheet");
  CHECK(back->available == std::optional<bool>(true));
  CHECK(f.cohorts().ClearAvailability("2025-seminar", p, CohortFixture::Staff()).code() ==
        StatusCode::kNotFound);
}

TEST_CASE("Cohorts: a second event with the same title and dates is refused unless meant",
          "[cohorts][events]") {
  CohortFixture f;
  tp::registry::Event e = f.MakeEvent("2026-a", "2026-05-01", "2026-05-03", 5, "a");
  e.code = "2026-b";
  auto twin = f.cohorts().CreateEvent(e, CohortFixture::Staff());
  REQUIRE(twin.status().code() == StatusCode::kAlreadyExists);
  CHECK(twin.status().message().find("2026-a") != std::string::npos);
  CHECK(f.cohorts().CreateEvent(e, CohortFixture::Staff(), /*same_as_another=*/true).ok());
  e.code = "2026-c";
  e.starts_on = "2026-06-01";
  e.ends_on = "2026-06-03";
  CHECK(f.cohorts().CreateEvent(e, CohortFixture::Staff()).ok());
}
