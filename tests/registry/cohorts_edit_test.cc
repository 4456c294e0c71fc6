// Staff's changes to an event (title, dates, classes) and to the order of a waiting list.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cohorts_test_support.h"

using tp::StatusCode;
using tp::cohorttest::CohortFixture;
using tp::cohorttest::PersonSpec;
using tp::registry::ActionOptions;
using tp::registry::ClassEdit;
using tp::registry::EnrolmentAction;
using tp::registry::EnrolmentState;
using tp::registry::EventClass;
using tp::registry::EventEdit;

namespace {

tp::StatusOr<tp::registry::ActionResult> Do(CohortFixture& f, const std::string& id,
                                            EnrolmentAction action,
                                            const std::string& class_name = "") {
  ActionOptions o;
  o.class_name = class_name;
  return f.cohorts().Act("2026-small", id, action, o, CohortFixture::Staff());
}

ClassEdit Class(const std::string& name, const std::string& level, int capacity,
                const std::string& was = "") {
  ClassEdit c;
  c.was = was;
  c.change.name = name;
  c.change.level = level;
  c.change.capacity = capacity;
  return c;
}

// The waiting list of the event's first class, 编号 in rank order.
std::vector<std::string> Waiting(CohortFixture& f) {
  auto list = f.cohorts().ListEnrolments("2026-small");
  REQUIRE(list.ok());
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& e : *list) {
    if (e.state == EnrolmentState::kWaitlisted) ranked.push_back({e.waitlist_rank, e.person_id});
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> out;
  for (const auto& [rank, id] : ranked) out.push_back(id);
  return out;
}

std::vector<nlohmann::json> AuditDetails(CohortFixture& f, const std::string& action,
                                         const std::string& object_type) {
  SQLite::Database db(f.registry_dir() + "/registry.sqlite", SQLite::OPEN_READONLY);
  SQLite::Statement st(db,
                       "SELECT detail FROM audit_log WHERE action=? AND object_type=? ORDER BY id");
  st.bind(1, action);
  st.bind(2, object_type);
  std::vector<nlohmann::json> out;
  while (st.executeStep()) out.push_back(nlohmann::json::parse(st.getColumn(0).getString()));
  return out;
}

}  // namespace

TEST_CASE("Cohorts: staff edit an event's title, dates and place, audited with old and new values",
          "[cohorts][edit]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 2, "small");
  EventEdit edit;
  edit.title = "改名后的活动";
  edit.starts_on = "2026-04-01";
  edit.ends_on = "2026-04-03";
  edit.place = "上海";
  edit.source = "科协函〔2026〕1号";
  auto event = f.cohorts().EditEvent("2026-small", edit, CohortFixture::Staff());
  INFO(event.status().ToString());
  REQUIRE(event.ok());
  CHECK(event->title == "改名后的活动");
  CHECK(event->starts_on == "2026-04-01");
  CHECK(event->ends_on == "2026-04-03");
  CHECK(event->place == "上海");
  CHECK(event->source == "科协函〔2026〕1号");
  CHECK(event->classes.size() == 1);
  CHECK(f.cohorts().GetEvent("2026-small")->title == "改名后的活动");

  auto audits = AuditDetails(f, "update", "event");
  REQUIRE(audits.size() == 1);
  CHECK(audits[0]["changes"]["title"]["from"] == "测试活动 2026-small");
  CHECK(audits[0]["changes"]["title"]["to"] == "改名后的活动");
  CHECK(audits[0]["changes"]["place"]["from"] == "北京");
  CHECK_FALSE(audits[0].contains("classes"));

  SECTION("bad dates are refused by field and change nothing") {
    EventEdit bad;
    bad.starts_on = "2026-04-05";
    bad.ends_on = "2026-02-30";
    auto refused = f.cohorts().EditEvent("2026-small", bad, CohortFixture::Staff());
    REQUIRE(refused.status().code() == StatusCode::kInvalidArgument);
    REQUIRE(refused.status().details().size() == 1);
    CHECK(refused.status().details()[0].field == "结束日期");
    CHECK(f.cohorts().GetEvent("2026-small")->starts_on == "2026-04-01");
    CHECK(AuditDetails(f, "update", "event").size() == 1);
  }
}

TEST_CASE("Cohorts: an edit giving an event another event's title and dates is refused as its twin",
          "[cohorts][edit]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 2, "small");
  f.MakeEvent("2026-other", "2026-04-01", "2026-04-02", 2, "other");
  EventEdit twin;
  twin.title = "测试活动 2026-small";
  twin.starts_on = "2026-03-01";
  twin.ends_on = "2026-03-02";
  auto refused = f.cohorts().EditEvent("2026-other", twin, CohortFixture::Staff());
  REQUIRE(refused.status().code() == StatusCode::kAlreadyExists);
  CHECK(refused.status().message().find("代码 2026-small") != std::string::npos);
  REQUIRE(refused.status().details().size() == 1);
  CHECK(refused.status().details()[0].field == "名称");
  CHECK(f.cohorts().GetEvent("2026-other")->starts_on == "2026-04-01");
  CHECK(AuditDetails(f, "update", "event").empty());

  // Its own title and dates are no twin: a new place alone is saved.
  EventEdit place;
  place.place = "上海";
  REQUIRE(f.cohorts().EditEvent("2026-small", place, CohortFixture::Staff()).ok());

  SECTION("said to be meant, the twin is saved") {
    twin.same_as_another = true;
    auto saved = f.cohorts().EditEvent("2026-other", twin, CohortFixture::Staff());
    REQUIRE(saved.ok());
    CHECK(saved->title == "测试活动 2026-small");
  }
}

TEST_CASE("Cohorts: staff add, rename and resize classes, the event's capacity follows",
          "[cohorts][edit]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 2, "small");
  auto ids = f.AddMany({}, 4);
  REQUIRE(Do(f, ids[0], EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, ids[1], EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, ids[2], EnrolmentAction::kWaitlist).ok());

  EventEdit edit;
  edit.classes = {Class("领军班", "领军人才", 3, "一班"), Class("青年班", "青年人才", 5)};
  auto event = f.cohorts().EditEvent("2026-small", edit, CohortFixture::Staff());
  REQUIRE(event.ok());
  REQUIRE(event->classes.size() == 2);
  CHECK(event->capacity == 8);
  CHECK(event->classes[0].name == "领军班");
  CHECK(event->classes[0].level == "领军人才");
  // The renamed class keeps its people, and the seat it gained went to the first waiting.
  CHECK(event->classes[0].seats_taken == 3);
  CHECK(event->classes[0].waitlisted == 0);
  CHECK(event->classes[1].name == "青年班");
  CHECK(event->classes[1].capacity == 5);

  auto audits = AuditDetails(f, "update", "event");
  REQUIRE(audits.size() == 1);
  REQUIRE(audits[0]["classes"].size() == 2);
  CHECK(audits[0]["classes"][0]["from"]["name"] == "一班");
  CHECK(audits[0]["classes"][0]["to"]["name"] == "领军班");
  CHECK(audits[0]["classes"][1]["from"].is_null());
  CHECK(audits[0]["changes"]["capacity"]["to"] == 8);
  CHECK(AuditDetails(f, "promote", "enrolment").size() == 1);

  SECTION("two classes can swap names") {
    EventEdit swap;
    swap.classes = {Class("青年班", "领军人才", 3, "领军班"),
                    Class("领军班", "青年人才", 5, "青年班")};
    auto swapped = f.cohorts().EditEvent("2026-small", swap, CohortFixture::Staff());
    REQUIRE(swapped.ok());
    CHECK(swapped->classes[0].name == "青年班");
    CHECK(swapped->classes[0].seats_taken == 3);
  }
}

TEST_CASE(
    "Cohorts: a class edit is refused below the seats taken, for a level its people lack, "
    "or removing a class with enrolments",
    "[cohorts][edit]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 3, "small");
  auto ids = f.AddMany({}, 2);
  REQUIRE(Do(f, ids[0], EnrolmentAction::kInvite).ok());
  REQUIRE(Do(f, ids[1], EnrolmentAction::kInvite).ok());

  EventEdit smaller;
  smaller.classes = {Class("一班", "", 1)};
  auto refused = f.cohorts().EditEvent("2026-small", smaller, CohortFixture::Staff());
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  CHECK(refused.status().message().find("已有 2 人占用名额，不能减到 1") != std::string::npos);
  REQUIRE(refused.status().details().size() == 1);
  CHECK(refused.status().details()[0].field == "班次");
  CHECK(refused.status().details()[0].row == 1);

  EventEdit young;
  young.classes = {Class("一班", "青年人才", 3)};
  auto wrong_level = f.cohorts().EditEvent("2026-small", young, CohortFixture::Staff());
  REQUIRE(wrong_level.status().code() == StatusCode::kRuleViolated);
  CHECK(wrong_level.status().message().find("2 人不是青年人才") != std::string::npos);

  EventEdit removed;
  removed.classes = {Class("二班", "", 3)};
  auto with_people = f.cohorts().EditEvent("2026-small", removed, CohortFixture::Staff());
  REQUIRE(with_people.status().code() == StatusCode::kRuleViolated);
  CHECK(with_people.status().message().find("2 条报名记录，不能删除") != std::string::npos);

  EventEdit twice;
  twice.classes = {Class("一班", "", 3), Class("一班", "", 2)};
  auto duplicate = f.cohorts().EditEvent("2026-small", twice, CohortFixture::Staff());
  REQUIRE(duplicate.status().code() == StatusCode::kInvalidArgument);
  CHECK(duplicate.status().details()[0].row == 2);

  // Nothing of it was written.
  auto event = f.cohorts().GetEvent("2026-small");
  REQUIRE(event->classes.size() == 1);
  CHECK(event->classes[0].capacity == 3);
  CHECK(event->classes[0].level.empty());
  CHECK(AuditDetails(f, "update", "event").empty());

  SECTION("a class nobody joined can be removed") {
    EventEdit two;
    two.classes = {Class("一班", "", 3), Class("二班", "", 2)};
    REQUIRE(f.cohorts().EditEvent("2026-small", two, CohortFixture::Staff()).ok());
    EventEdit back;
    back.classes = {Class("一班", "", 3)};
    auto event_back = f.cohorts().EditEvent("2026-small", back, CohortFixture::Staff());
    REQUIRE(event_back.ok());
    CHECK(event_back->classes.size() == 1);
    CHECK(event_back->capacity == 3);
  }
}

TEST_CASE("Cohorts: staff move a waiting person to another rank, audited, and promotion follows",
          "[cohorts][waitlist]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 1, "small");
  auto ids = f.AddMany({}, 4);
  REQUIRE(Do(f, ids[0], EnrolmentAction::kInvite).ok());
  for (int i = 1; i < 4; ++i) REQUIRE(Do(f, ids[i], EnrolmentAction::kWaitlist).ok());
  REQUIRE(Waiting(f) == std::vector<std::string>{ids[1], ids[2], ids[3]});

  auto moved = f.cohorts().MoveOnWaitlist("2026-small", ids[3], 1, 0, CohortFixture::Staff());
  REQUIRE(moved.ok());
  CHECK(moved->waitlist_rank == 1);
  CHECK(moved->version == 2);
  CHECK(Waiting(f) == std::vector<std::string>{ids[3], ids[1], ids[2]});

  auto down = f.cohorts().MoveOnWaitlist("2026-small", ids[3], 3, 2, CohortFixture::Staff());
  REQUIRE(down.ok());
  CHECK(Waiting(f) == std::vector<std::string>{ids[1], ids[2], ids[3]});

  auto audits = AuditDetails(f, "move", "enrolment");
  REQUIRE(audits.size() == 2);
  CHECK(audits[0]["from_rank"] == 3);
  CHECK(audits[0]["to_rank"] == 1);
  CHECK(audits[0]["class"] == "一班");

  CHECK(f.cohorts()
            .MoveOnWaitlist("2026-small", ids[3], 4, 0, CohortFixture::Staff())
            .status()
            .code() == StatusCode::kInvalidArgument);
  CHECK(f.cohorts()
            .MoveOnWaitlist("2026-small", ids[3], 1, 2, CohortFixture::Staff())
            .status()
            .code() == StatusCode::kPreconditionFailed);
  CHECK(f.cohorts()
            .MoveOnWaitlist("2026-small", ids[0], 1, 0, CohortFixture::Staff())
            .status()
            .code() == StatusCode::kRuleViolated);

  // The seat a decline frees goes to the person staff moved to the front.
  REQUIRE(f.cohorts().MoveOnWaitlist("2026-small", ids[2], 1, 0, CohortFixture::Staff()).ok());
  auto declined = Do(f, ids[0], EnrolmentAction::kDecline);
  REQUIRE(declined.ok());
  REQUIRE(declined->promoted.has_value());
  CHECK(declined->promoted->person_id == ids[2]);
}

TEST_CASE("Cohorts: new dates are refused when they clash with attendance recorded or another seat",
          "[cohorts][edit]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 2, "small");
  f.MakeEvent("2026-other", "2026-04-01", "2026-04-02", 2, "other");
  auto ids = f.AddMany({}, 2);
  REQUIRE(Do(f, ids[0], EnrolmentAction::kInvite).ok());
  REQUIRE(f.cohorts()
              .Act("2026-other", ids[0], EnrolmentAction::kInvite, {}, CohortFixture::Staff())
              .ok());
  EventEdit onto_other;
  onto_other.starts_on = "2026-04-02";
  onto_other.ends_on = "2026-04-03";
  auto clash = f.cohorts().EditEvent("2026-small", onto_other, CohortFixture::Staff());
  REQUIRE(clash.status().code() == StatusCode::kRuleViolated);
  CHECK(clash.status().message().find("1 人与其所在的同期活动时间重叠") != std::string::npos);

  f.cohorts().SetToday([] { return std::string("2026-03-01"); });
  REQUIRE(Do(f, ids[0], EnrolmentAction::kConfirm).ok());
  REQUIRE(Do(f, ids[0], EnrolmentAction::kAttend).ok());
  EventEdit later;
  later.starts_on = "2026-05-01";
  later.ends_on = "2026-05-02";
  auto recorded = f.cohorts().EditEvent("2026-small", later, CohortFixture::Staff());
  REQUIRE(recorded.status().code() == StatusCode::kRuleViolated);
  CHECK(recorded.status().details()[0].field == "开始日期");
  EventEdit longer;
  longer.ends_on = "2026-03-03";
  CHECK(f.cohorts().EditEvent("2026-small", longer, CohortFixture::Staff()).ok());
  CHECK(f.cohorts().GetEvent("2026-small")->starts_on == "2026-03-01");
}
