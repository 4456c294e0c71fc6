// Roster planner benchmark: for each pool size given (default 10000 and
// 100000) it generates a demo pool, imports it into a fresh registry, then
// plans
//   1. the 2024 training: two classes, 领军人才班 and 青年人才班, 100 seats;
//      the roster is applied and everyone on it marked as attended, so the
//      next event has a training history to reckon with;
//   2. the 2025 专题研修班: one class, 80 seats, availability from the
//      units' sheets (可否参加专题研修班);
//   3. the 2025 国情研修活动: 80 seats with goals that pull against each
//      other (high targets, at most 2 per unit and 4 per province).
// For each it prints the time (reading the pool, solving), seats filled,
// each goal's figure, the objective with the solver's bound and gap, and
// whether every hard constraint held: the roster is written through
// Cohorts::ApplyRoster, which checks each person's level, availability,
// overlapping events, series and the class's capacity on its own. As a
// yardstick it also scores a quota-first greedy fill (targets first, then
// by points within the limits) with the planner's objective.
//
//   build/tests/bench/planner_bench 10000 100000
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "registry/base/paths.h"
#include "registry/cohorts/cohorts.h"
#include "registry/cohorts/planner.h"
#include "registry/fields/validate.h"
#include "registry/import/demo_data.h"
#include "registry/import/importer.h"

namespace {

using namespace tp::registry;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

long PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

bool IsMinority(const Candidate& c) { return !c.ethnic_group.empty() && c.ethnic_group != "汉族"; }
bool IsWoman(const Candidate& c) { return c.gender == "女"; }
bool IsNewGroup(const Candidate& c) {
  return c.group_type == "新经济组织" || c.group_type == "新社会组织" ||
         c.group_type == "新就业群体";
}

int LimitOf(double share, int seats) {
  return share >= 1 ? INT_MAX : std::max(1, static_cast<int>(std::floor(share * seats + 1e-9)));
}

// What a careful person with a spreadsheet would do: fill each target with
// the best-scoring people who count for it, then the remaining seats by
// score, keeping within the province, unit type and unit limits while
// anyone fits them, then without.
std::vector<int> QuotaGreedy(const PlanProblem& p) {
  const PlanGoals& g = p.goals;
  int seats = 0;
  for (const auto& c : p.event.classes) seats += c.capacity;
  std::vector<int> order(p.candidates.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  auto points = [&](const Candidate& c) {
    double v = g.seat_weight + (c.never_trained ? g.never_trained_weight : 0);
    if (c.admission_year > 0 && c.admission_year < p.newest_year)
      v += g.older_round_weight * (p.newest_year - c.admission_year);
    return v;
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return points(p.candidates[static_cast<size_t>(a)]) >
           points(p.candidates[static_cast<size_t>(b)]);
  });
  std::vector<int> class_of(p.candidates.size(), -1);
  std::vector<int> free(p.event.classes.size());
  for (size_t k = 0; k < free.size(); ++k) free[k] = p.event.classes[k].capacity;
  std::map<std::string, int> per_province, per_type, per_unit;
  const int lp = LimitOf(g.max_province_share, seats), lt = LimitOf(g.max_unit_type_share, seats),
            lu = LimitOf(g.max_unit_share, seats);
  auto take = [&](size_t i, bool within_limits) {
    const Candidate& c = p.candidates[i];
    if (class_of[i] >= 0) return false;
    if (within_limits && ((!c.province.empty() && per_province[c.province] >= lp) ||
                          (!c.unit_type.empty() && per_type[c.unit_type] >= lt) ||
                          (!c.unit.empty() && per_unit[c.unit] >= lu))) {
      return false;
    }
    for (int k : c.classes) {
      if (free[static_cast<size_t>(k)] == 0) continue;
      --free[static_cast<size_t>(k)];
      class_of[i] = k;
      ++per_province[c.province];
      ++per_type[c.unit_type];
      ++per_unit[c.unit];
      return true;
    }
    return false;
  };
  for (size_t i = 0; i < p.candidates.size(); ++i) {
    if (p.candidates[i].kept || p.candidates[i].pinned) take(i, false);
  }
  struct Quota {
    bool (*counts)(const Candidate&);
    int target;
  };
  for (const Quota& q : {Quota{IsMinority, g.minority_target}, Quota{IsWoman, g.women_target},
                         Quota{IsNewGroup, g.new_group_target}}) {
    int have = 0;
    for (size_t i = 0; i < p.candidates.size(); ++i) {
      if (class_of[i] >= 0 && q.counts(p.candidates[i])) ++have;
    }
    for (int i : order) {
      if (have >= q.target) break;
      if (q.counts(p.candidates[static_cast<size_t>(i)]) && take(static_cast<size_t>(i), true))
        ++have;
    }
  }
  for (bool within : {true, false}) {
    for (int i : order) take(static_cast<size_t>(i), within);
  }
  return class_of;
}

struct Scenario {
  const char* code;
  const char* what;
  PlanGoals goals;
};

int Run(long persons, const std::string& work) {
  const std::string csv = work + "/pool-" + std::to_string(persons) + ".csv";
  {
    DemoOptions options;
    options.persons = persons;
    std::ofstream out(csv, std::ios::binary);
    auto status = WriteDemoCsv(options, DataDir(), out);
    if (!status.ok()) {
      std::fprintf(stderr, "%s\n", status.ToString().c_str());
      return 1;
    }
  }
  auto ref = ReferenceData::Load(DataDir());
  auto store = Store::Create(work + "/reg-" + std::to_string(persons));
  if (!ref.ok() || !store.ok()) return 1;
  TableOptions table_options;
  for (std::string_view c : CanonicalColumns()) table_options.known_columns.emplace_back(c);
  auto reader = OpenTable(csv, table_options);
  if (!reader.ok()) return 1;
  auto started = Clock::now();
  auto report = ImportTable(**store, **reader, *ref, {});
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.status().ToString().c_str());
    return 1;
  }
  std::printf("== pool of %ld admitted people (imported %ld, rejected %ld in %.1f s)\n", persons,
              report->imported, report->rejected, Seconds(started));
  auto cohorts = Cohorts::Open(**store, DataDir());
  if (!cohorts.ok()) return 1;
  AuditEntry who;
  who.actor = "bench";

  PlanGoals training;  // 100 seats
  training.minority_target = 25;
  training.women_target = 35;
  training.new_group_target = 12;
  PlanGoals seminar;  // 80 seats
  seminar.minority_target = 20;
  seminar.women_target = 28;
  seminar.new_group_target = 10;
  PlanGoals tight;  // 80 seats, goals that pull against each other
  tight.minority_target = 32;
  tight.women_target = 40;
  tight.new_group_target = 24;
  tight.max_unit_share = 0.025;
  tight.max_province_share = 0.06;
  const Scenario scenarios[] = {
      {"2024-training", "2 classes, 100 seats (领军人才班 50 + 青年人才班 50)", training},
      {"2025-seminar", "1 class, 80 seats, availability from the units' sheets", seminar},
      {"2025-study-tour",
       "1 class, 80 seats, tight goals: ≥32 minorities, ≥40 women, ≥24 new groups, "
       "≤2 per unit, ≤4 per province",
       tight},
  };
  int failures = 0;
  for (const Scenario& sc : scenarios) {
    PlanRequest request;
    request.event_code = sc.code;
    request.goals = sc.goals;
    request.reserve_per_class = 20;
    auto t0 = Clock::now();
    auto problem = LoadPlanProblem(**store, request);
    const double load = Seconds(t0);
    if (!problem.ok()) {
      std::fprintf(stderr, "%s\n", problem.status().ToString().c_str());
      return 1;
    }
    auto t1 = Clock::now();
    auto plan = SolvePlan(*problem);
    const double solve = Seconds(t1);
    if (!plan.ok()) {
      std::fprintf(stderr, "%s\n", plan.status().ToString().c_str());
      return 1;
    }
    std::printf("\n-- %s: %s\n", sc.code, sc.what);
    std::printf("   candidates %d after hard constraints; left out:", plan->candidates);
    for (const auto& [reason, n] : plan->left_out) std::printf(" %s %d;", reason.c_str(), n);
    std::printf(
        "\n   time %.3f s (read pool %.3f s, solve and explain %.3f s); integer program %d "
        "variables, "
        "%d constraints\n",
        load + solve, load, solve, plan->variables, plan->constraints);
    std::printf("   seats filled %d/%d", plan->filled, plan->seats);
    for (const auto& c : plan->classes)
      std::printf("; %s %zu/%d", c.name.c_str(), c.lines.size(), c.capacity);
    std::printf("\n");
    int unmet_reachable = 0;
    for (const auto& g : plan->goals) {
      const bool counts = g.target > 0 || g.key == "seats";
      if (counts && g.reachable && !g.met) ++unmet_reachable;
      std::printf("   goal %-14s %s%s\n", g.key.c_str(), g.text.c_str(),
                  counts ? (g.met         ? "  [met]"
                            : g.reachable ? "  [NOT MET]"
                                          : "  [out of reach]")
                         : "");
    }
    std::printf("   objective %.1f, solver bound %.1f, gap to optimum %.4f%% (%s)\n",
                plan->objective, plan->bound, plan->gap * 100,
                plan->optimal ? "proven optimal" : "time limit");
    const double greedy = EvaluateAssignment(*problem, QuotaGreedy(*problem));
    std::printf("   quota-first greedy: objective %.1f, %.2f%% below the optimum\n", greedy,
                (plan->objective - greedy) / std::fabs(plan->objective) * 100);

    std::vector<Placement> roster, reserve;
    for (const auto& c : plan->classes) {
      for (const auto& l : c.lines) roster.push_back({l.person_id, l.class_name});
    }
    for (const auto& l : plan->reserve) reserve.push_back({l.person_id, l.class_name});
    auto t2 = Clock::now();
    auto applied = (*cohorts)->ApplyRoster(sc.code, roster, reserve, who);
    if (!applied.ok()) {
      std::printf("   hard constraints: VIOLATED (%s)\n", applied.status().ToString().c_str());
      ++failures;
      continue;
    }
    std::printf(
        "   hard constraints: all held (roster of %d and reserve of %d written through the "
        "enrolment "
        "rules in %.3f s)\n",
        applied->invited, applied->waitlisted, Seconds(t2));
    std::printf("   reachable goals not met: %d\n", unmet_reachable);
    failures += unmet_reachable;
    if (std::string(sc.code) == "2024-training") {
      for (const auto& p : roster) {
        for (EnrolmentAction action : {EnrolmentAction::kConfirm, EnrolmentAction::kAttend}) {
          auto done = (*cohorts)->Act(sc.code, p.person_id, action, {}, who);
          if (!done.ok()) return 1;
        }
      }
      std::printf("   (the %zu on the roster are marked as attended)\n", roster.size());
    }
  }
  std::printf("\n   peak RSS %ld MiB\n\n", PeakRssMiB());
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<long> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atol(argv[i]));
  if (sizes.empty()) sizes = {10000, 100000};
  std::string work =
      (std::filesystem::temp_directory_path() / "talentpool-planner-bench-XXXXXX").string();
  if (::mkdtemp(work.data()) == nullptr) return 1;
  int failures = 0;
  for (long persons : sizes) {
    std::fflush(stdout);
    failures += Run(persons, work);
  }
  std::filesystem::remove_all(work);
  return failures == 0 ? 0 : 1;
}
