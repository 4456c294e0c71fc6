#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "cohorts_test_support.h"
#include "registry/cohorts/planner.h"

using tp::StatusCode;
using tp::cohorttest::CohortFixture;
using tp::cohorttest::Named;
using tp::cohorttest::PersonSpec;
using tp::registry::Candidate;
using tp::registry::EnrolmentAction;
using tp::registry::EvaluateAssignment;
using tp::registry::Event;
using tp::registry::Plan;
using tp::registry::PlanProblem;
using tp::registry::PlanRequest;
using tp::registry::SolvePlan;

namespace {

// A small deterministic generator for test pools.
struct Lcg {
  uint64_t state;
  explicit Lcg(uint64_t seed) : state(seed * 6364136223846793005ULL + 1442695040888963407ULL) {}
  int Below(int n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % static_cast<uint64_t>(n));
  }
};

Event TwoClasses(int lead, int young) {
  Event e;
  e.code = "test";
  e.title = "测试培训";
  e.series = "test";
  e.starts_on = "2026-01-01";
  e.ends_on = "2026-01-03";
  e.capacity = lead + young;
  e.classes = {{"领军人才班", "领军人才", lead, 0, 0}, {"青年人才班", "青年人才", young, 0, 0}};
  return e;
}

Event OneClass(int seats) {
  Event e = TwoClasses(seats, 0);
  e.classes.resize(1);
  e.classes[0].name = "研修班";
  e.classes[0].level = "";
  return e;
}

Candidate Make(int number, std::vector<int> classes) {
  Candidate c;
  char id[16];
  std::snprintf(id, sizeof id, "P%07d", number);
  c.rowid = number;
  c.person_id = id;
  c.name = "候选" + std::to_string(number);
  c.gender = "男";
  c.ethnic_group = "汉族";
  c.province = "11";
  c.unit = "单位" + std::to_string(number);
  c.unit_type = "全国学会";
  c.admission_year = 2024;
  c.classes = std::move(classes);
  return c;
}

// Every assignment of the candidates to classes (or none) that fits the
// capacities: the best objective there is.
double BruteForceBest(const PlanProblem& p) {
  std::vector<int> class_of(p.candidates.size(), -1);
  double best = -1e18;
  std::function<void(size_t)> walk = [&](size_t i) {
    if (i == p.candidates.size()) {
      best = std::max(best, EvaluateAssignment(p, class_of));
      return;
    }
    class_of[i] = -1;
    walk(i + 1);
    for (int cls : p.candidates[i].classes) {
      class_of[i] = cls;
      walk(i + 1);
    }
    class_of[i] = -1;
  };
  walk(0);
  return best;
}

PlanProblem RandomProblem(uint64_t seed) {
  Lcg rng(seed);
  PlanProblem p;
  p.event = rng.Below(2) == 0 ? TwoClasses(2 + rng.Below(2), 1 + rng.Below(2))
                              : OneClass(3 + rng.Below(2));
  p.newest_year = 2025;
  p.goals.minority_target = rng.Below(3);
  p.goals.women_target = rng.Below(3);
  p.goals.new_group_target = rng.Below(2);
  p.goals.max_unit_share = 0.3;
  p.goals.max_province_share = 0.5;
  const int n = 9 + rng.Below(2);
  for (int i = 1; i <= n; ++i) {
    Candidate c = Make(i, {});
    if (p.event.classes.size() == 2) {
      c.classes = {rng.Below(3) == 0 ? 1 : 0};
    } else {
      c.classes = {0};
    }
    c.gender = rng.Below(3) == 0 ? "女" : "男";
    c.ethnic_group = rng.Below(4) == 0 ? "壮族" : "汉族";
    c.group_type = rng.Below(5) == 0 ? "新经济组织" : "";
    c.province = rng.Below(2) == 0 ? "45" : "11";
    c.unit = "单位" + std::to_string(rng.Below(3));
    c.unit_type = rng.Below(2) == 0 ? "省级科协" : "全国学会";
    c.never_trained = rng.Below(3) != 0;
    c.admission_year = 2024 + rng.Below(2);
    p.candidates.push_back(c);
  }
  return p;
}

std::vector<std::string> RosterIds(const Plan& plan) {
  std::vector<std::string> ids;
  for (const auto& c : plan.classes) {
    for (const auto& line : c.lines) ids.push_back(c.name + ":" + line.person_id);
  }
  return ids;
}

const tp::registry::GoalFigure& Goal(const Plan& plan, const std::string& key) {
  for (const auto& g : plan.goals) {
    if (g.key == key) return g;
  }
  FAIL("no goal " << key);
  return plan.goals.front();
}

}  // namespace

TEST_CASE("Planner: on small pools the plan reaches the best objective of every possible roster",
          "[planner][optimum]") {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    PlanProblem p = RandomProblem(seed);
    auto plan = SolvePlan(p);
    REQUIRE(plan.ok());
    INFO("seed " << seed);
    CHECK(plan->optimal);
    CHECK(plan->objective == Approx(BruteForceBest(p)));
    CHECK(plan->gap == Approx(0));
  }
}

TEST_CASE("Planner: no class gets more people than seats, and only people of its level",
          "[planner][hard]") {
  PlanProblem p;
  p.event = TwoClasses(3, 2);
  p.newest_year = 2024;
  for (int i = 1; i <= 12; ++i) p.candidates.push_back(Make(i, {i % 3 == 0 ? 1 : 0}));
  auto plan = SolvePlan(p);
  REQUIRE(plan.ok());
  REQUIRE(plan->classes.size() == 2);
  CHECK(plan->classes[0].lines.size() == 3);
  CHECK(plan->classes[1].lines.size() == 2);
  for (size_t cls = 0; cls < 2; ++cls) {
    for (const auto& line : plan->classes[cls].lines) {
      const int number = std::stoi(line.person_id.substr(1));
      CHECK((number % 3 == 0 ? 1u : 0u) == cls);
    }
  }
  CHECK(plan->filled == 5);
  CHECK(Goal(*plan, "seats").text == "名额 5/5，已全部填满");
}

TEST_CASE("Planner: seats stay empty rather than go to someone of the wrong level",
          "[planner][hard]") {
  PlanProblem p;
  p.event = TwoClasses(2, 3);
  p.newest_year = 2024;
  for (int i = 1; i <= 6; ++i) p.candidates.push_back(Make(i, {i == 6 ? 1 : 0}));
  auto plan = SolvePlan(p);
  REQUIRE(plan.ok());
  CHECK(plan->classes[1].lines.size() == 1);
  CHECK(plan->filled == 3);
  const auto& seats = Goal(*plan, "seats");
  CHECK_FALSE(seats.reachable);
  CHECK(seats.best_possible == 3);
  CHECK(seats.text.find("只够 3 人") != std::string::npos);
}

TEST_CASE(
    "Planner: a minority target is reached when the pool allows, and said to be out of reach when "
    "not",
    "[planner][goals]") {
  PlanProblem p;
  p.event = OneClass(10);
  p.newest_year = 2024;
  p.goals.minority_target = 4;
  p.goals.max_unit_share = 1;
  for (int i = 1; i <= 40; ++i) {
    Candidate c = Make(i, {0});
    // Minorities come last by 编号, so only the target brings them in.
    if (i > 34) c.ethnic_group = i % 2 == 0 ? "壮族" : "回族";
    p.candidates.push_back(c);
  }
  auto plan = SolvePlan(p);
  REQUIRE(plan.ok());
  const auto& minority = Goal(*plan, "minority");
  // Beyond the target a minority counts like anyone else, so 4 or more.
  CHECK(minority.reached >= 4);
  CHECK(minority.met);
  CHECK(minority.text == "少数民族 " + std::to_string(minority.reached) + "/10，目标 ≥4，已达到");

  p.goals.minority_target = 8;
  plan = SolvePlan(p);
  REQUIRE(plan.ok());
  const auto& short_of = Goal(*plan, "minority");
  CHECK(short_of.reached == 6);
  CHECK_FALSE(short_of.met);
  CHECK_FALSE(short_of.reachable);
  CHECK(short_of.text.find("最多 6 人") != std::string::npos);
}

TEST_CASE("Planner: women and new-group targets are met together with the seats",
          "[planner][goals]") {
  PlanProblem p;
  p.event = TwoClasses(6, 4);
  p.newest_year = 2024;
  p.goals.women_target = 5;
  p.goals.new_group_target = 3;
  p.goals.max_unit_share = 1;
  for (int i = 1; i <= 60; ++i) {
    Candidate c = Make(i, {i % 2});
    if (i % 7 == 0) c.gender = "女";
    if (i % 11 == 0) c.group_type = "新就业群体";
    p.candidates.push_back(c);
  }
  auto plan = SolvePlan(p);
  REQUIRE(plan.ok());
  CHECK(plan->filled == 10);
  CHECK(Goal(*plan, "women").reached >= 5);
  CHECK(Goal(*plan, "new_group").reached >= 3);
}

TEST_CASE("Planner: no unit or province goes over its share while others can fill the seats",
          "[planner][goals]") {
  PlanProblem p;
  p.event = OneClass(20);
  p.newest_year = 2024;
  p.goals.max_unit_share = 0.1;       // 2 of 20
  p.goals.max_province_share = 0.25;  // 5 of 20
  const char* provinces[] = {"11", "45", "32", "44", "51", "53"};
  for (int i = 1; i <= 120; ++i) {
    Candidate c = Make(i, {0});
    // The first 60 by 编号 all come from one big unit of one province.
    c.unit = i <= 60 ? "广西壮族自治区科学技术协会" : "单位" + std::to_string(i % 15);
    c.province = i <= 60 ? "45" : provinces[i % 6];
    p.candidates.push_back(c);
  }
  auto plan = SolvePlan(p);
  REQUIRE(plan.ok());
  std::map<std::string, int> per_unit, per_province;
  for (const auto& line : plan->classes[0].lines) {
    ++per_unit[line.unit];
    ++per_province[line.province];
  }
  for (const auto& [unit, n] : per_unit) CHECK(n <= 2);
  for (const auto& [province, n] : per_province) CHECK(n <= 5);
  CHECK(plan->filled == 20);
  CHECK(Goal(*plan, "unit").met);
  CHECK(Goal(*plan, "province").met);
  CHECK(Goal(*plan, "province").text.find("覆盖 6 个") != std::string::npos);
}

TEST_CASE("Planner: people never trained and admitted in older rounds come first",
          "[planner][goals]") {
  PlanProblem p;
  p.event = OneClass(4);
  p.newest_year = 2025;
  p.goals.max_unit_share = 1;
  p.goals.max_province_share = 1;
  for (int i = 1; i <= 8; ++i) {
    Candidate c = Make(i, {0});
    c.never_trained = i >= 5;  // 5..8 never trained
    c.admission_year = i % 2 == 0 ? 2024 : 2025;
    p.candidates.push_back(c);
  }
  auto plan = SolvePlan(p);
  REQUIRE(plan.ok());
  std::vector<std::string> chosen;
  for (const auto& line : plan->classes[0].lines) chosen.push_back(line.person_id);
  // Never trained outweighs the older round: 5..8, whatever their year.
  CHECK(chosen == std::vector<std::string>{"P0000005", "P0000006", "P0000007", "P0000008"});
  // The reserve is led by the older round among the rest.
  REQUIRE(plan->reserve.size() == 4);
  CHECK(plan->reserve[0].person_id == "P0000002");
  CHECK(plan->reserve[1].person_id == "P0000004");
  CHECK(plan->reserve[0].rank == 1);
  CHECK(Goal(*plan, "never_trained").text == "从未参训 4/4（最多可达 4）");
}

TEST_CASE("Planner: every line says why, and the reserve why not", "[planner][explain]") {
  PlanProblem p;
  p.event = OneClass(3);
  p.newest_year = 2025;
  p.goals.max_unit_share = 0.34;  // 1 of 3
  for (int i = 1; i <= 6; ++i) {
    Candidate c = Make(i, {0});
    c.unit = i <= 4 ? "中国化学会" : "中国农学会";
    c.ethnic_group = i == 2 ? "壮族" : "汉族";
    c.admission_year = 2024;
    p.candidates.push_back(c);
  }
  p.goals.minority_target = 1;
  auto plan = SolvePlan(p);
  REQUIRE(plan.ok());
  for (const auto& line : plan->classes[0].lines) {
    REQUIRE_FALSE(line.reasons.empty());
    const std::string all = [&] {
      std::string s;
      for (const auto& r : line.reasons) s += r + "\n";
      return s;
    }();
    CHECK(all.find("从未参训（+10）") != std::string::npos);
    CHECK(all.find("2024年入库，早于最新批次（+4）") != std::string::npos);
    CHECK(all.find("推荐单位「" + line.unit + "」在名单中共") != std::string::npos);
    if (line.person_id == "P0000002")
      CHECK(all.find("少数民族（壮族），计入少数民族目标（≥1）") != std::string::npos);
  }
  REQUIRE_FALSE(plan->reserve.empty());
  const auto& first = plan->reserve.front();
  CHECK(first.reasons.front().rfind("候补第 1 位", 0) == 0);
  bool says_unit_full = false;
  for (const auto& r : first.reasons) {
    if (r.find("未入选：班次名额已满") != std::string::npos &&
        r.find("上限 1") != std::string::npos) {
      says_unit_full = true;
    }
  }
  CHECK(says_unit_full);
}

TEST_CASE("Planner: the same problem gives the same plan", "[planner][determinism]") {
  PlanProblem p = RandomProblem(99);
  for (int i = 11; i <= 200; ++i) {
    Candidate c = Make(i, {0});
    c.unit = "单位" + std::to_string(i % 9);
    c.province = i % 4 == 0 ? "45" : "11";
    if (p.event.classes.size() == 2 && i % 3 == 0) c.classes = {1};
    p.candidates.push_back(c);
  }
  auto a = SolvePlan(p);
  auto b = SolvePlan(p);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(RosterIds(*a) == RosterIds(*b));
  REQUIRE(a->reserve.size() == b->reserve.size());
  for (size_t i = 0; i < a->reserve.size(); ++i)
    CHECK(a->reserve[i].person_id == b->reserve[i].person_id);
}

TEST_CASE("Planner: pinned and kept people are placed even against the goals", "[planner][pins]") {
  PlanProblem p;
  p.event = OneClass(3);
  p.newest_year = 2025;
  p.goals.max_unit_share = 1;
  for (int i = 1; i <= 6; ++i) {
    Candidate c = Make(i, {0});
    c.never_trained = i <= 4;
    p.candidates.push_back(c);
  }
  p.candidates[5].pinned = true;  // trained before: the goals alone would leave it out
  p.candidates[4].kept = true;
  p.candidates[4].kept_state = "已确认";
  auto plan = SolvePlan(p);
  REQUIRE(plan.ok());
  std::set<std::string> chosen;
  for (const auto& line : plan->classes[0].lines) chosen.insert(line.person_id);
  CHECK(chosen.count("P0000006") == 1);
  CHECK(chosen.count("P0000005") == 1);
  CHECK(chosen.size() == 3);
  for (const auto& line : plan->classes[0].lines) {
    if (line.person_id == "P0000006") CHECK(line.reasons.front() == "工作人员锁定");
    if (line.person_id == "P0000005")
      CHECK(line.reasons.front() == "已在本活动名单中（已确认），保留");
  }
  for (auto& c : p.candidates) c.pinned = true;
  CHECK(SolvePlan(p).status().code() == StatusCode::kRuleViolated);
}

TEST_CASE("Planner: goals out of range are refused naming the field", "[planner][goals]") {
  PlanProblem p;
  p.event = OneClass(3);
  p.goals.minority_target = 4;
  p.goals.max_unit_share = 0;
  auto plan = SolvePlan(p);
  REQUIRE(plan.status().code() == StatusCode::kInvalidArgument);
  CHECK(plan.status().details().size() == 2);
  CHECK(plan.status().message().find("少数民族目标") != std::string::npos);
}

// ---- From the registry: the hard constraints as LoadPlanProblem applies them.

namespace {

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
  return ids;
}

int LeftOut(const Plan& plan, const std::string& reason) {
  for (const auto& [r, n] : plan.left_out) {
    if (r == reason) return n;
  }
  return 0;
}

}  // namespace

TEST_CASE(
    "Planner: from the registry, tiers go to their classes and unavailable people are left out",
    "[planner][registry]") {
  CohortFixture f;
  PersonSpec lead = Named("领军");
  PersonSpec young = Named("青年");
  young.tier = "青年人才";
  PersonSpec no_tier = Named("未分类");
  no_tier.tier = "";
  auto leads = f.AddMany(lead, 3);
  auto youngs = f.AddMany(young, 2);
  const std::string untiered = f.Add(no_tier);
  auto plan = tp::registry::PlanEvent(f.store(), For("2024-training"));
  REQUIRE(plan.ok());
  REQUIRE(plan->classes.size() == 2);
  CHECK(plan->classes[0].lines.size() == 3);
  CHECK(plan->classes[1].lines.size() == 2);
  for (const auto& line : plan->classes[1].lines) {
    CHECK(std::find(youngs.begin(), youngs.end(), line.person_id) != youngs.end());
  }
  CHECK(LeftOut(*plan, "人才类别与班次层次不符") == 1);
  CHECK(Chosen(*plan).count(untiered) == 0);

  PersonSpec unable = Named("不能");
  unable.seminar = false;
  PersonSpec blank = Named("未标注");
  blank.seminar = std::nullopt;
  const std::string u = f.Add(unable), b = f.Add(blank);
  auto seminar = tp::registry::PlanEvent(f.store(), For("2025-seminar"));
  REQUIRE(seminar.ok());
  CHECK(seminar->classes[0].lines.size() == 6);  // everyone else, the untiered included: any level
  CHECK(Chosen(*seminar).count(u) == 0);
  CHECK(Chosen(*seminar).count(b) == 0);
  CHECK(LeftOut(*seminar, "已标注不能参加本活动") == 1);
  CHECK(LeftOut(*seminar, "推荐单位未标注可否参加") == 1);
  // Staff's word makes the unmarked person a candidate.
  REQUIRE(f.cohorts().SetAvailability("2025-seminar", b, true, CohortFixture::Staff()).ok());
  auto again = tp::registry::PlanEvent(f.store(), For("2025-seminar"));
  CHECK(Chosen(*again).count(b) == 1);
}

TEST_CASE(
    "Planner: from the registry, overlapping events, the series, declines and exclusions are "
    "respected",
    "[planner][registry]") {
  CohortFixture f;
  f.MakeEvent("2025-forum", "2025-09-05", "2025-09-06", 5, "forum");
  f.MakeEvent("2023-seminar", "2023-09-01", "2023-09-03", 5, "seminar");
  PersonSpec admitted_2023 = Named("人员");  // admitted before the 2023 seminar began
  admitted_2023.admission_year = 2023;
  auto ids = f.AddMany(admitted_2023, 6);
  // ids[0]: busy in the overlapping forum; ids[1]: attended the series in
  // 2023; ids[2]: declined the seminar; ids[3]: excluded by staff.
  REQUIRE(f.cohorts()
              .Act("2025-forum", ids[0], EnrolmentAction::kInvite, {}, CohortFixture::Staff())
              .ok());
  for (EnrolmentAction action :
       {EnrolmentAction::kInvite, EnrolmentAction::kConfirm, EnrolmentAction::kAttend}) {
    REQUIRE(f.cohorts().Act("2023-seminar", ids[1], action, {}, CohortFixture::Staff()).ok());
  }
  REQUIRE(f.cohorts()
              .Act("2025-seminar", ids[2], EnrolmentAction::kInvite, {}, CohortFixture::Staff())
              .ok());
  REQUIRE(f.cohorts()
              .Act("2025-seminar", ids[2], EnrolmentAction::kDecline, {}, CohortFixture::Staff())
              .ok());
  PlanRequest request = For("2025-seminar");
  request.excluded = {ids[3]};
  auto plan = tp::registry::PlanEvent(f.store(), request);
  REQUIRE(plan.ok());
  CHECK(Chosen(*plan) == std::set<std::string>{ids[4], ids[5]});
  CHECK(LeftOut(*plan, "同期已在其他活动名单中") == 1);
  CHECK(LeftOut(*plan, "已参加过本系列培训") == 1);
  CHECK(LeftOut(*plan, "已谢绝或已被移出本活动") == 1);
  CHECK(LeftOut(*plan, "工作人员排除") == 1);

  request.allow_retrained = true;
  auto allowed = tp::registry::PlanEvent(f.store(), request);
  REQUIRE(allowed.ok());
  CHECK(Chosen(*allowed).count(ids[1]) == 1);
  for (const auto& line : allowed->classes[0].lines) {
    if (line.person_id != ids[1]) continue;
    CHECK(std::find(line.reasons.begin(), line.reasons.end(),
                    "已参加过本系列培训，工作人员允许再次参加") != line.reasons.end());
  }
}

TEST_CASE("Planner: from the registry, seat holders are kept and pins are checked",
          "[planner][registry]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 3, "small");
  auto ids = f.AddMany(Named("人员"), 6);
  PersonSpec unable = Named("不能");
  unable.seminar = false;
  const std::string u = f.Add(unable);
  REQUIRE(f.cohorts()
              .Act("2026-small", ids[5], EnrolmentAction::kInvite, {}, CohortFixture::Staff())
              .ok());
  PlanRequest request = For("2026-small");
  request.pinned = {{ids[4], ""}};
  auto plan = tp::registry::PlanEvent(f.store(), request);
  REQUIRE(plan.ok());
  CHECK(Chosen(*plan).count(ids[5]) == 1);
  CHECK(Chosen(*plan).count(ids[4]) == 1);
  CHECK(Chosen(*plan).size() == 3);

  request.pinned = {{"P7777777", ""}};
  CHECK(tp::registry::PlanEvent(f.store(), request).status().code() == StatusCode::kNotFound);
  request.pinned = {{ids[0], ""}};
  request.excluded = {ids[0]};
  CHECK(tp::registry::PlanEvent(f.store(), request).status().code() ==
        StatusCode::kInvalidArgument);
  request.excluded = {ids[5]};
  CHECK(tp::registry::PlanEvent(f.store(), request).status().code() == StatusCode::kRuleViolated);

  PlanRequest seminar = For("2025-seminar");
  seminar.pinned = {{u, ""}};
  auto refused = tp::registry::PlanEvent(f.store(), seminar);
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  CHECK(refused.status().message().find(u) != std::string::npos);
  CHECK(refused.status().message().find("不能参加") != std::string::npos);
}

TEST_CASE("Planner: applying a plan and planning again keeps the same roster",
          "[planner][registry]") {
  CohortFixture f;
  f.MakeEvent("2026-small", "2026-03-01", "2026-03-02", 4, "small");
  for (int i = 0; i < 12; ++i) {
    PersonSpec s = Named("人员" + std::to_string(i));
    s.unit = i % 3 == 0 ? "中国化学会" : "广西壮族自治区科学技术协会";
    s.ethnic_group = i % 4 == 0 ? "壮族" : "汉族";
    f.Add(s);
  }
  PlanRequest request = For("2026-small");
  request.goals.minority_target = 2;
  request.reserve_per_class = 3;
  auto plan = tp::registry::PlanEvent(f.store(), request);
  REQUIRE(plan.ok());
  std::vector<tp::registry::Placement> roster, reserve;
  for (const auto& line : plan->classes[0].lines)
    roster.push_back({line.person_id, line.class_name});
  for (const auto& line : plan->reserve) reserve.push_back({line.person_id, line.class_name});
  REQUIRE(reserve.size() == 3);
  auto applied = f.cohorts().ApplyRoster("2026-small", roster, reserve, CohortFixture::Staff());
  REQUIRE(applied.ok());
  CHECK(applied->invited == 4);
  CHECK(applied->waitlisted == 3);
  auto again = tp::registry::PlanEvent(f.store(), request);
  REQUIRE(again.ok());
  CHECK(Chosen(*again) == Chosen(*plan));
  for (const auto& line : again->classes[0].lines) CHECK(line.kept);
  // The waiting list follows the reserve's order.
  auto list = f.cohorts().ListEnrolments("2026-small");
  std::vector<std::string> waiting;
  for (const auto& e : *list) {
    if (e.state == tp::registry::EnrolmentState::kWaitlisted) waiting.push_back(e.person_id);
  }
  CHECK(waiting ==
        std::vector<std::string>{reserve[0].person_id, reserve[1].person_id, reserve[2].person_id});
}
