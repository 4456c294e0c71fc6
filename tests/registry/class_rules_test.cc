// Who may take a place in a class besides its level: the class's age
// condition on the event's start date (registry/cohorts/class_rules.h), as
// the events file, the store, invitations, rosters and the planner apply it.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "cohorts_test_support.h"
#include "registry/base/paths.h"
#include "registry/cohorts/class_rules.h"
#include "registry/cohorts/planner.h"
#include "registry/store/migrations.h"
#include "support/temp_dir.h"

using tp::StatusCode;
using tp::cohorttest::CohortFixture;
using tp::cohorttest::Named;
using tp::cohorttest::PersonSpec;
using tp::registry::Cohorts;
using tp::registry::EnrolmentAction;
using tp::registry::Event;
using tp::registry::EventClass;
using tp::registry::Placement;
using tp::registry::Plan;
using tp::registry::PlanRequest;

namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

PlanRequest For(const std::string& event) {
  PlanRequest r;
  r.event_code = event;
  r.goals.max_unit_share = 1;
  r.goals.max_province_share = 1;
  r.goals.max_unit_type_share = 1;
  return r;
}

std::set<std::string> Chosen(const Plan& plan) {
  std::set<std::string> ids;
  for (const auto& c : plan.classes) {
    for (const auto& line : c.lines) ids.insert(line.person_id);
  }
  for (const auto& line : plan.reserve) ids.insert(line.person_id);
  return ids;
}

int LeftOut(const Plan& plan, const std::string& reason) {
  for (const auto& [r, n] : plan.left_out) {
    if (r == reason) return n;
  }
  return 0;
}

PersonSpec Young(const std::string& name, const std::string& birth_date) {
  PersonSpec spec = Named(name);
  spec.tier = "青年人才";
  spec.birth_date = birth_date;
  return spec;
}

}  // namespace

TEST_CASE("ClassRules: the age is taken on the event's start date from 出生年月",
          "[cohorts][rules]") {
  EventClass young;
  young.name = "青年人才班";
  young.max_age = 35;
  // Born in November 1989: 35 on 17 November 2024, whatever the day; October 1989 is 35 too,
  // and September 1988 already 36.
  CHECK_FALSE(tp::registry::ClassConditionFailure(young, "2024-11-17", "甲", "1989-11"));
  CHECK_FALSE(tp::registry::ClassConditionFailure(young, "2024-11-17", "甲", "1988-11-18"));
  auto old = tp::registry::ClassConditionFailure(young, "2024-11-17", "乙", "1988-09");
  REQUIRE(old);
  CHECK(Has(*old, "青年人才班"));
  CHECK(Has(*old, "不超过 35 岁"));
  CHECK(Has(*old, "乙届时 36 岁"));
  auto unknown = tp::registry::ClassConditionFailure(young, "2024-11-17", "丙", "");
  REQUIRE(unknown);
  CHECK(Has(*unknown, "出生年月未填"));
  EventClass senior;
  senior.name = "资深班";
  senior.min_age = 40;
  CHECK(tp::registry::ClassConditionFailure(senior, "2024-11-17", "丁", "1990-01"));
  CHECK_FALSE(tp::registry::ClassConditionFailure(senior, "2024-11-17", "丁", "1980-01"));
  // No condition: no birth date needed.
  CHECK_FALSE(tp::registry::ClassConditionFailure(EventClass{}, "2024-11-17", "戊", ""));
}

TEST_CASE("ClassRules: a class's age band is validated with the class named", "[cohorts][rules]") {
  Event e;
  e.code = "age-test";
  e.title = "测试";
  e.series = "s";
  e.starts_on = "2026-05-10";
  e.ends_on = "2026-05-12";
  e.capacity = 10;
  EventClass c;
  c.name = "青年班";
  c.capacity = 10;
  c.max_age = 200;
  e.classes = {c};
  auto errors = Cohorts::Validate(e);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "班次");
  CHECK(Has(errors[0].message, "「青年班」的最高年龄"));
  e.classes[0].max_age = 30;
  e.classes[0].min_age = 40;
  errors = Cohorts::Validate(e);
  REQUIRE(errors.size() == 1);
  CHECK(Has(errors[0].message, "最低年龄 40 大于最高年龄 30"));
  e.classes[0].min_age = -1;
  CHECK(Cohorts::Validate(e).size() == 1);
}

TEST_CASE("ClassRules: the events file sets the 青年人才班's age, stored and read back",
          "[cohorts][rules]") {
  auto events = Cohorts::LoadEventsFile(tp::registry::DataDir() + "/events.json");
  REQUIRE(events.ok());
  REQUIRE(events->at(0).code == "2024-training");
  CHECK(events->at(0).classes.at(1).max_age == 35);
  CHECK(events->at(0).classes.at(0).max_age == 0);
  CohortFixture f;
  auto stored = f.cohorts().GetEvent("2024-training");
  REQUIRE(stored.ok());
  CHECK(stored->classes.at(1).name == "青年人才班");
  CHECK(stored->classes.at(1).max_age == 35);
  CHECK(stored->classes.at(1).min_age == 0);
  // An event made with a band keeps it.
  Event e = f.MakeEvent("banded", "2026-05-10", "2026-05-12", 5, "banded");
  CHECK(e.classes[0].max_age == 0);
  Event banded = e;
  banded.code = "banded-2";
  banded.title = "另一活动";
  banded.classes[0].min_age = 30;
  banded.classes[0].max_age = 45;
  REQUIRE(f.cohorts().CreateEvent(banded, CohortFixture::Staff()).ok());
  auto back = f.cohorts().GetEvent("banded-2");
  REQUIRE(back.ok());
  CHECK(back->classes[0].min_age == 30);
  CHECK(back->classes[0].max_age == 45);
}

TEST_CASE(
    "ClassRules: an invitation, a waiting-list place or a roster line that fails the "
    "class's age is refused naming the rule and the age",
    "[cohorts][rules]") {
  CohortFixture f;
  const std::string fits = f.Add(Young("适龄", "1989-11"));
  const std::string old = f.Add(Young("超龄", "1987-03-15"));
  const std::string unknown = f.Add(Young("无生日", ""));
  auto refused =
      f.cohorts().Act("2024-training", old, EnrolmentAction::kInvite, {}, CohortFixture::Staff());
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  CHECK(Has(refused.status().message(), "年龄不超过 35 岁"));
  CHECK(Has(refused.status().message(), "超龄届时 37 岁"));
  auto waitlist =
      f.cohorts().Act("2024-training", old, EnrolmentAction::kWaitlist, {}, CohortFixture::Staff());
  CHECK(waitlist.status().code() == StatusCode::kRuleViolated);
  auto blank = f.cohorts().Act("2024-training", unknown, EnrolmentAction::kInvite, {},
                               CohortFixture::Staff());
  REQUIRE(blank.status().code() == StatusCode::kRuleViolated);
  CHECK(Has(blank.status().message(), "出生年月未填"));
  // A roster with one line that fails writes nothing.
  auto roster = f.cohorts().ApplyRoster(
      "2024-training", {Placement{fits, "青年人才班"}, Placement{old, "青年人才班"}}, {},
      CohortFixture::Staff());
  REQUIRE(roster.status().code() == StatusCode::kRuleViolated);
  CHECK(Has(roster.status().message(), old));
  CHECK(Has(roster.status().message(), "37 岁"));
  auto none = f.cohorts().ListEnrolments("2024-training");
  REQUIRE(none.ok());
  CHECK(none->empty());
  auto invited =
      f.cohorts().Act("2024-training", fits, EnrolmentAction::kInvite, {}, CohortFixture::Staff());
  REQUIRE(invited.ok());
  CHECK(invited->enrolment.class_name == "青年人才班");
}

TEST_CASE(
    "ClassRules: the planner keeps people who fail a class's age out of it, counted "
    "with the reason, and refuses to pin them",
    "[planner][rules]") {
  CohortFixture f;
  const std::string fits = f.Add(Young("适龄", "1990-01"));
  const std::string old = f.Add(Young("超龄", "1980-01"));
  const std::string unknown = f.Add(Young("无生日", ""));
  const std::string lead = f.Add(Named("领军"));
  auto plan = tp::registry::PlanEvent(f.store(), For("2024-training"));
  REQUIRE(plan.ok());
  const auto chosen = Chosen(*plan);
  CHECK(chosen.count(fits) == 1);
  CHECK(chosen.count(lead) == 1);
  CHECK(chosen.count(old) == 0);
  CHECK(chosen.count(unknown) == 0);
  CHECK(LeftOut(*plan, "不符合班次条件（年龄）") == 2);
  PlanRequest pinned = For("2024-training");
  pinned.pinned.push_back({old, ""});
  auto refused = tp::registry::PlanEvent(f.store(), pinned);
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  CHECK(Has(refused.status().message(), "超龄届时 44 岁"));
  // The seminar's class sets no age: everyone is a candidate there.
  auto seminar = tp::registry::PlanEvent(f.store(), For("2025-seminar"));
  REQUIRE(seminar.ok());
  CHECK(Chosen(*seminar).count(old) == 1);
  CHECK(LeftOut(*seminar, "不符合班次条件（年龄）") == 0);
}

TEST_CASE(
    "ClassRules: a registry made before class conditions gets the 青年人才班's age "
    "from its migration",
    "[cohorts][rules][store]") {
  tp::testing::TempDir dir;
  {
    auto store = tp::registry::Store::Create(dir / "reg");
    REQUIRE(store.ok());
    REQUIRE(Cohorts::Open(**store, tp::registry::DataDir()).ok());
  }
  {
    // Back to the shape before the migration that adds the classes' ages, and so before the
    // ones after it (attendance per day, migration 10; attachments, migration 11; honour forms,
    // migration 12; experts, reviews and the 公示, migration 13, which rebuilds accounts and
    // tokens as they are).
    const auto migrations = tp::registry::Migrations();
    std::size_t ages = 0;
    while (ages < migrations.size() &&
           std::string(migrations[ages]).find("ADD COLUMN max_age") == std::string::npos) {
      ++ages;
    }
    REQUIRE(ages == 8);  // migration 9
    REQUIRE(migrations.size() == 13);
    SQLite::Database db(dir / "reg/registry.sqlite", SQLite::OPEN_READWRITE);
    for (const char* table : {"objections", "notice_names", "notices", "review_scores",
                              "review_experts", "review_candidates", "reviews", "experts"})
      db.exec(std::string("DROP TABLE ") + table);
    db.exec("DROP TABLE exclusion_answers");
    db.exec("DROP TABLE honour_forms");
    db.exec("DROP TABLE attachments");
    db.exec("DROP TABLE attendance");
    db.exec("ALTER TABLE classes DROP COLUMN min_age");
    db.exec("ALTER TABLE classes DROP COLUMN max_age");
    db.exec("PRAGMA user_version=" + std::to_string(ages));
  }
  auto store = tp::registry::Store::Open(dir / "reg");
  REQUIRE(store.ok());
  Cohorts cohorts(**store);
  auto stored = cohorts.GetEvent("2024-training");
  REQUIRE(stored.ok());
  CHECK(stored->classes.at(0).max_age == 0);
  CHECK(stored->classes.at(1).max_age == 35);
  CHECK(stored->classes.at(1).min_age == 0);
}

TEST_CASE("ClassRules: people admitted after the event's start are no candidates, with a reason",
          "[cohorts][planner][rules]") {
  CohortFixture f;
  PersonSpec later = Named("后入库");
  later.admission_year = 2025;  // recorded now from the 2025 records: counts from 2025-01-01
  const std::string late = f.Add(later);
  const std::string early = f.Add(Named("早入库"));
  const std::string september = f.Add(Named("九月入库"));
  {
    // Admitted on 20 September 2025, recorded that day: after the seminar began (1 September),
    // before the study tour (20 October).
    SQLite::Database db(f.registry_dir() + "/registry.sqlite", SQLite::OPEN_READWRITE);
    SQLite::Statement st(db,
                         "UPDATE admissions SET year=2025, admitted_at='2025-09-20T02:00:00Z' "
                         "WHERE person_id=(SELECT id FROM persons WHERE public_id=?)");
    st.bind(1, september);
    REQUIRE(st.exec() == 1);
  }
  auto refused =
      f.cohorts().Act("2024-training", late, EnrolmentAction::kInvite, {}, CohortFixture::Staff());
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  CHECK(Has(refused.status().message(), "后入库于 2025-01-01 入库，晚于活动开始日 2024-11-17"));
  auto seminar_invite = f.cohorts().Act("2025-seminar", september, EnrolmentAction::kInvite, {},
                                        CohortFixture::Staff());
  REQUIRE(seminar_invite.status().code() == StatusCode::kRuleViolated);
  CHECK(Has(seminar_invite.status().message(), "2025-09-20"));

  auto training = tp::registry::PlanEvent(f.store(), For("2024-training"));
  REQUIRE(training.ok());
  CHECK(Chosen(*training) == std::set<std::string>{early});
  CHECK(LeftOut(*training, "入库晚于活动开始") == 2);
  auto seminar = tp::registry::PlanEvent(f.store(), For("2025-seminar"));
  REQUIRE(seminar.ok());
  CHECK(Chosen(*seminar) == std::set<std::string>{early, late});
  CHECK(LeftOut(*seminar, "入库晚于活动开始") == 1);
  auto tour = tp::registry::PlanEvent(f.store(), For("2025-study-tour"));
  REQUIRE(tour.ok());
  CHECK(Chosen(*tour) == std::set<std::string>{early, late, september});
  PlanRequest pinned = For("2025-seminar");
  pinned.pinned.push_back({september, ""});
  auto pin = tp::registry::PlanEvent(f.store(), pinned);
  REQUIRE(pin.status().code() == StatusCode::kRuleViolated);
  CHECK(Has(pin.status().message(), "入库晚于活动开始"));
  CHECK(f.cohorts()
            .Act("2025-study-tour", september, EnrolmentAction::kInvite, {}, CohortFixture::Staff())
            .ok());
}

TEST_CASE(
    "ClassRules: staff edit a class's age band and add a banded class, an invitation failing "
    "the new band is refused naming the rule",
    "[cohorts][rules][edit]") {
  CohortFixture f;
  const std::string fits = f.Add(Young("适龄", "1989-11"));
  auto event = f.cohorts().GetEvent("2024-training");
  REQUIRE(event.ok());
  auto edit_of = [&](int young_max) {
    tp::registry::EventEdit edit;
    edit.classes.emplace();
    for (const EventClass& c : event->classes) {
      tp::registry::ClassEdit ce;
      ce.change = c;
      ce.change.min_age = ce.change.max_age = 0;
      // A class given no band (the leaders', or -1) keeps its own.
      if (c.name == "青年人才班" && young_max >= 0) ce.max_age = young_max;
      edit.classes->push_back(ce);
    }
    return edit;
  };
  auto edited = f.cohorts().EditEvent("2024-training", edit_of(34), CohortFixture::Staff());
  REQUIRE(edited.ok());
  CHECK(edited->classes.at(1).max_age == 34);
  CHECK(f.cohorts().GetEvent("2024-training")->classes.at(1).max_age == 34);
  // 35 on the event's start: within the old band, outside the new one.
  auto refused =
      f.cohorts().Act("2024-training", fits, EnrolmentAction::kInvite, {}, CohortFixture::Staff());
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  CHECK(Has(refused.status().message(), "年龄不超过 34 岁"));
  CHECK(Has(refused.status().message(), "适龄届时 35 岁"));

  SECTION("an edit that gives no band keeps the class's own") {
    auto edit = edit_of(-1);
    (*edit.classes)[1].change.capacity = 51;
    REQUIRE(f.cohorts().EditEvent("2024-training", edit, CohortFixture::Staff()).ok());
    CHECK(f.cohorts().GetEvent("2024-training")->classes.at(1).max_age == 34);
    CHECK(f.cohorts().GetEvent("2024-training")->classes.at(1).capacity == 51);
  }
  SECTION("a class added by the edit keeps the band it is given") {
    auto edit = edit_of(35);
    tp::registry::ClassEdit added;
    added.change.name = "中青年班";
    added.change.capacity = 5;
    added.min_age = 30;
    added.max_age = 45;
    edit.classes->push_back(added);
    auto with_new = f.cohorts().EditEvent("2024-training", edit, CohortFixture::Staff());
    REQUIRE(with_new.ok());
    REQUIRE(with_new->classes.size() == 3);
    auto stored = f.cohorts().GetEvent("2024-training");
    CHECK(stored->classes.at(2).min_age == 30);
    CHECK(stored->classes.at(2).max_age == 45);
    CHECK(stored->classes.at(1).max_age == 35);
    tp::registry::ActionOptions young_class;
    young_class.class_name = "青年人才班";
    CHECK(f.cohorts()
              .Act("2024-training", fits, EnrolmentAction::kInvite, young_class,
                   CohortFixture::Staff())
              .ok());
  }
  SECTION("a band with its minimum above its maximum is refused naming the class and field") {
    auto edit = edit_of(30);
    (*edit.classes)[1].min_age = 40;
    auto bad = f.cohorts().EditEvent("2024-training", edit, CohortFixture::Staff());
    REQUIRE(bad.status().code() == StatusCode::kInvalidArgument);
    CHECK(Has(bad.status().message(), "「青年人才班」的最低年龄 40 大于最高年龄 30"));
    CHECK(f.cohorts().GetEvent("2024-training")->classes.at(1).max_age == 34);
  }
}
