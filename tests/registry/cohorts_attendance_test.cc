// Attendance per event day: marks checked and recorded, the state following the days, the
// whole-event shortcut of the attend and absent actions.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cohorts_test_support.h"

using tp::StatusCode;
using tp::cohorttest::CohortFixture;
using tp::registry::AttendanceDay;
using tp::registry::AttendanceMark;
using tp::registry::EnrolmentAction;
using tp::registry::EnrolmentState;

namespace {

tp::Status Do(CohortFixture& f, const std::string& id, EnrolmentAction action) {
  return f.cohorts().Act("2026-spring", id, action, {}, CohortFixture::Staff()).status();
}

tp::registry::Enrolment EnrolmentOf(CohortFixture& f, const std::string& id) {
  auto list = f.cohorts().ListEnrolments("2026-spring");
  REQUIRE(list.ok());
  for (const auto& e : *list) {
    if (e.person_id == id) return e;
  }
  FAIL("no enrolment of " << id);
  return {};
}

std::string Days(const std::vector<AttendanceDay>& days) {
  std::string out;
  for (const auto& d : days) out += d.day.substr(8) + (d.present ? "+" : "-") + " ";
  return out;
}

AttendanceMark Mark(const std::string& id, const std::string& day, bool present, long row) {
  return {id, day, present, row, "items[" + std::to_string(row - 1) + "]", ""};
}

// An event of 10-12 April 2026, today the 11th, with a confirmed and an invited person.
struct Spring {
  CohortFixture f;
  std::string today = "2026-04-11";
  std::string confirmed, invited;
  Spring() {
    f.MakeEvent("2026-spring", "2026-04-10", "2026-04-12", 4, "spring");
    f.cohorts().SetToday([this] { return today; });
    confirmed = f.Add(tp::cohorttest::Named("周到"));
    invited = f.Add(tp::cohorttest::Named("迟来"));
    REQUIRE(Do(f, confirmed, EnrolmentAction::kInvite).ok());
    REQUIRE(Do(f, confirmed, EnrolmentAction::kConfirm).ok());
    REQUIRE(Do(f, invited, EnrolmentAction::kInvite).ok());
  }
};

}  // namespace

TEST_CASE(
    "Attendance: the state follows the days, attended on one day present, absent when all "
    "recorded days are absent",
    "[cohorts][attendance]") {
  Spring s;
  auto first = s.f.cohorts().RecordAttendance(
      "2026-spring", {Mark(s.confirmed, "2026-04-10", false, 1)}, CohortFixture::Staff());
  REQUIRE(first.ok());
  REQUIRE(first->size() == 1);
  CHECK((*first)[0].state == EnrolmentState::kAbsent);
  CHECK(Days((*first)[0].days) == "10- ");

  auto second = s.f.cohorts().RecordAttendance(
      "2026-spring", {Mark(s.confirmed, "2026-04-11", true, 1)}, CohortFixture::Staff());
  REQUIRE(second.ok());
  CHECK((*second)[0].state == EnrolmentState::kAttended);
  auto now = EnrolmentOf(s.f, s.confirmed);
  CHECK(Days(now.days) == "10- 11+ ");
  CHECK(now.state == EnrolmentState::kAttended);

  // Recording what is recorded already changes nothing and answers nothing.
  auto same = s.f.cohorts().RecordAttendance(
      "2026-spring", {Mark(s.confirmed, "2026-04-11", true, 1)}, CohortFixture::Staff());
  REQUIRE(same.ok());
  CHECK(same->empty());
  CHECK(EnrolmentOf(s.f, s.confirmed).version == now.version);

  auto back = s.f.cohorts().RecordAttendance(
      "2026-spring", {Mark(s.confirmed, "2026-04-11", false, 1)}, CohortFixture::Staff("token:7"));
  REQUIRE(back.ok());
  CHECK((*back)[0].state == EnrolmentState::kAbsent);

  // The person's history shows the days and each change of state; every change is audited.
  auto history = s.f.cohorts().PersonHistory(s.confirmed);
  REQUIRE(history.ok());
  CHECK(Days(history->at(0).days) == "10- 11- ");
  std::vector<std::string> steps;
  for (const auto& step : history->at(0).steps) steps.push_back(step.to);
  CHECK(steps == std::vector<std::string>{"invited", "confirmed", "absent", "attended", "absent"});
  CHECK(history->at(0).steps.back().actor == "token:7");

  SQLite::Database db(s.f.registry_dir() + "/registry.sqlite", SQLite::OPEN_READONLY);
  SQLite::Statement st(db,
                       "SELECT object_id, actor, detail FROM audit_log WHERE action='attendance' "
                       "ORDER BY id");
  std::vector<std::string> audited;
  while (st.executeStep()) {
    auto detail = nlohmann::json::parse(st.getColumn(2).getString());
    audited.push_back(st.getColumn(0).getString() + " " + detail.value("from", "") + "->" +
                      detail.value("to", "") + " " + detail["days"].dump());
  }
  REQUIRE(audited.size() == 3);
  CHECK(audited[0] == "2026-spring/" + s.confirmed +
                          " confirmed->absent [{\"day\":\"2026-04-10\",\"present\":false}]");
  CHECK(audited[2] == "2026-spring/" + s.confirmed +
                          " attended->absent [{\"day\":\"2026-04-11\",\"present\":false}]");
}

TEST_CASE("Attendance: every faulty mark is named by its row and nothing is written",
          "[cohorts][attendance]") {
  Spring s;
  const std::string declined = s.f.Add(tp::cohorttest::Named("谢绝"));
  REQUIRE(Do(s.f, declined, EnrolmentAction::kInvite).ok());
  REQUIRE(Do(s.f, declined, EnrolmentAction::kDecline).ok());
  const std::string stranger = s.f.Add(tp::cohorttest::Named("路人"));
  auto refused = s.f.cohorts().RecordAttendance(
      "2026-spring",
      {Mark(s.confirmed, "2026-04-10", true, 1),    // fine, but not written either
       Mark(s.confirmed, "2026-04-09", true, 2),    // before the event
       Mark(s.confirmed, "2026-04-12", true, 3),    // tomorrow
       Mark(s.confirmed, "2026-4-10", true, 4),     // malformed
       Mark(s.invited, "2026-04-10", true, 5),      // not confirmed
       Mark(declined, "2026-04-10", true, 6),       // holds no seat
       Mark(stranger, "2026-04-10", true, 7),       // not enrolled
       Mark("P9999999", "2026-04-10", true, 8),     // nobody
       Mark(s.confirmed, "2026-04-10", false, 9)},  // contradicts row 1
      CohortFixture::Staff());
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  const auto& problems = refused.status().details();
  REQUIRE(problems.size() == 8);
  std::vector<long> rows;
  for (const auto& p : problems) rows.push_back(p.row);
  CHECK(rows == std::vector<long>{2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(problems[0].field == "items[1]");
  CHECK(problems[0].message.find("不是") != std::string::npos);
  CHECK(problems[1].message.find("还没有到") != std::string::npos);
  CHECK(problems[2].message.find("YYYY-MM-DD") != std::string::npos);
  CHECK(problems[3].message.find("尚未确认") != std::string::npos);
  CHECK(problems[4].message.find("已谢绝") != std::string::npos);
  CHECK(problems[5].message.find("没有报名") != std::string::npos);
  CHECK(problems[6].message.find("没有这个编号") != std::string::npos);
  CHECK(problems[7].message.find("第 1 行") != std::string::npos);

  auto kept = EnrolmentOf(s.f, s.confirmed);
  CHECK(kept.days.empty());
  CHECK(kept.state == EnrolmentState::kConfirmed);
  CHECK(
      s.f.cohorts().RecordAttendance("no-such-event", {}, CohortFixture::Staff()).status().code() ==
      StatusCode::kNotFound);
}

TEST_CASE("Attendance: attend and absent record every day of the event up to today",
          "[cohorts][attendance]") {
  Spring s;
  REQUIRE(Do(s.f, s.confirmed, EnrolmentAction::kAttend).ok());
  auto attended = EnrolmentOf(s.f, s.confirmed);
  CHECK(attended.state == EnrolmentState::kAttended);
  CHECK(Days(attended.days) == "10+ 11+ ");  // the 12th is tomorrow
  // Like a day's mark, absence needs a confirmed seat: an invited person is refused, naming
  // the state, and nothing is recorded.
  auto unconfirmed = Do(s.f, s.invited, EnrolmentAction::kAbsent);
  REQUIRE(unconfirmed.code() == StatusCode::kRuleViolated);
  CHECK(unconfirmed.message().find("「已邀请」") != std::string::npos);
  CHECK(EnrolmentOf(s.f, s.invited).state == EnrolmentState::kInvited);
  CHECK(EnrolmentOf(s.f, s.invited).days.empty());
  REQUIRE(Do(s.f, s.invited, EnrolmentAction::kConfirm).ok());
  REQUIRE(Do(s.f, s.invited, EnrolmentAction::kAbsent).ok());
  CHECK(Days(EnrolmentOf(s.f, s.invited).days) == "10- 11- ");
  // Once absent, the seat is held and days can be corrected one by one.
  auto corrected = s.f.cohorts().RecordAttendance(
      "2026-spring", {Mark(s.invited, "2026-04-11", true, 1)}, CohortFixture::Staff());
  REQUIRE(corrected.ok());
  CHECK((*corrected)[0].state == EnrolmentState::kAttended);

  s.today = "2026-04-20";
  REQUIRE(Do(s.f, s.confirmed, EnrolmentAction::kAbsent).ok());
  auto absent = EnrolmentOf(s.f, s.confirmed);
  CHECK(absent.state == EnrolmentState::kAbsent);
  CHECK(Days(absent.days) == "10- 11- 12- ");
}
