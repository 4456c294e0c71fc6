// Goals per class (planner.h: ClassGoals): checked with the class named,
// honoured by the integer program on the class's own seats, and reported per
// class among the plan's goal figures.
#include <catch2/catch.hpp>

#include <set>

#include "cohorts_test_support.h"
#include "registry/cohorts/planner.h"

using tp::StatusCode;
using tp::cohorttest::CohortFixture;
using tp::cohorttest::Named;
using tp::cohorttest::PersonSpec;
using tp::registry::ClassGoals;
using tp::registry::Event;
using tp::registry::EventClass;
using tp::registry::Plan;
using tp::registry::PlanRequest;

namespace {

// An event of two classes of two seats: 甲班 takes 领军人才 only, 乙班 anyone.
void MakeTwoClassEvent(CohortFixture& f) {
  Event e;
  e.code = "two-classes";
  e.title = "两班研修";
  e.series = "two-classes";
  e.starts_on = "2026-05-10";
  e.ends_on = "2026-05-12";
  e.capacity = 4;
  EventClass a;
  a.name = "甲班";
  a.level = "领军人才";
  a.capacity = 2;
  EventClass b;
  b.name = "乙班";
  b.capacity = 2;
  e.classes = {a, b};
  REQUIRE(f.cohorts().CreateEvent(e, CohortFixture::Staff()).ok());
}

PlanRequest Request() {
  PlanRequest r;
  r.event_code = "two-classes";
  r.goals.max_unit_share = 1;
  r.goals.max_province_share = 1;
  r.goals.max_unit_type_share = 1;
  return r;
}

std::set<std::string> In(const Plan& plan, const std::string& class_name) {
  std::set<std::string> ids;
  for (const auto& c : plan.classes) {
    if (c.name != class_name) continue;
    for (const auto& line : c.lines) ids.insert(line.person_id);
  }
  return ids;
}

}  // namespace

TEST_CASE("Planner: a class's own target puts the people it counts in that class",
          "[planner][goals]") {
  CohortFixture f;
  MakeTwoClassEvent(f);
  // Four Han people first by 编号, then two of a minority; six people for four seats.
  auto han = f.AddMany(Named("汉"), 4);
  PersonSpec zhuang = Named("壮");
  zhuang.ethnic_group = "壮族";
  auto minority = f.AddMany(zhuang, 2);
  const std::set<std::string> minorities(minority.begin(), minority.end());

  PlanRequest per_class = Request();
  per_class.class_goals["乙班"].minority_target = 2;
  auto planned = tp::registry::PlanEvent(f.store(), per_class);
  REQUIRE(planned.ok());
  CHECK(planned->optimal);
  CHECK(In(*planned, "乙班") == minorities);
  CHECK(planned->objective == Approx(planned->bound));
  const tp::registry::GoalFigure* figure = nullptr;
  for (const auto& g : planned->goals) {
    if (g.class_name == "乙班" && g.key == "minority") figure = &g;
  }
  REQUIRE(figure != nullptr);
  CHECK(figure->reached == 2);
  CHECK(figure->target == 2);
  CHECK(figure->seats == 2);
  CHECK(figure->met);
  CHECK(figure->text == "乙班：少数民族 2/2，目标 ≥2，已达到");
  // The event's own figures stay, with no class named.
  CHECK(planned->goals.front().key == "seats");
  CHECK(planned->goals.front().class_name.empty());
}

TEST_CASE("Planner: a class's own limit caps one unit in that class", "[planner][goals]") {
  CohortFixture f;
  MakeTwoClassEvent(f);
  auto gx = f.AddMany(Named("桂"), 4);
  PersonSpec other = Named("京");
  other.unit = "中国化学会";
  other.unit_type = "全国学会";
  other.province = "11";
  auto bj = f.AddMany(other, 2);
  PlanRequest r = Request();
  r.class_goals["甲班"].max_unit_share = 0.5;  // one person of a unit in 甲班
  auto planned = tp::registry::PlanEvent(f.store(), r);
  REQUIRE(planned.ok());
  const auto a = In(*planned, "甲班");
  REQUIRE(a.size() == 2);
  int from_gx = 0;
  for (const std::string& id : a) from_gx += std::count(gx.begin(), gx.end(), id) > 0 ? 1 : 0;
  CHECK(from_gx == 1);
  bool reported = false;
  for (const auto& g : planned->goals) {
    reported |= g.class_name == "甲班" && g.key == "unit" && g.at_most && g.target == 1 &&
                g.reached == 1 && g.met;
  }
  CHECK(reported);
}

TEST_CASE("Planner: a class's goals are checked with the class named", "[planner][goals]") {
  CohortFixture f;
  MakeTwoClassEvent(f);
  f.Add(Named("人员"));
  PlanRequest too_many = Request();
  too_many.class_goals["乙班"].women_target = 3;
  auto refused = tp::registry::PlanEvent(f.store(), too_many);
  REQUIRE(refused.status().code() == StatusCode::kInvalidArgument);
  REQUIRE(refused.status().details().size() == 1);
  CHECK(refused.status().details()[0].field == "乙班：女性目标");
  CHECK(refused.status().message().find("班次「乙班」的目标应在 0 到 2 之间") != std::string::npos);
  PlanRequest share = Request();
  share.class_goals["甲班"].max_province_share = 0;
  CHECK(tp::registry::PlanEvent(f.store(), share).status().details().at(0).field ==
        "甲班：单省上限比例");
  PlanRequest unknown = Request();
  unknown.class_goals["丙班"].women_target = 1;
  auto none = tp::registry::PlanEvent(f.store(), unknown);
  REQUIRE(none.status().code() == StatusCode::kInvalidArgument);
  CHECK(none.status().message().find("没有班次「丙班」") != std::string::npos);
}
