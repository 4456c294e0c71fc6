// The roster planner: proposes who takes the seats of an event, from the
// admitted pool, and says why for every line.
//
// Hard constraints (never broken): each class's capacity; the class's level
// matches the person's tier (领军人才 / 青年人才) and the person meets the
// class's conditions (an age band on the event's start date, class_rules.h);
// the person was admitted (入库) on or before the event's start; the person can attend the
// event (cohorts.h: staff's setting, else the unit's sheet); no seat in an
// overlapping event; not already trained in the event's series unless staff
// allow it; not excluded by staff, not declined or removed from this event.
// People already holding a seat of the event keep it; people staff pin are
// placed. Everyone else is a candidate.
//
// Soft goals, weighted (PlanGoals): fill every seat first; people never
// trained; spread across provinces, unit types and units (no more than a
// share of the seats each); at least the targets for ethnic minorities,
// women and new groups; people admitted in older rounds before newer ones;
// the same targets and limits per class on the class's seats (ClassGoals).
// The goals make one objective, maximised exactly by a mixed-integer
// program (GLPK): people alike in everything the goals look at are one
// integer variable, so the program stays small at 100k people. Among people
// alike in every respect, the lower 编号 goes first. The same registry and
// request give the same plan.
//
// The plan lists each class's roster and a ranked reserve per class, each
// line with its reasons in Chinese; the figure each goal reached (少数民族
// 23/80，目标 ≥20); how many people each hard constraint left out; and the
// solver's objective, bound and gap. Planning writes nothing: Cohorts::
// ApplyRoster takes the plan staff accept.
//
// Errors: NotFound (event, or a pinned / excluded 编号 not in the pool),
// InvalidArgument (goals out of range, a class's goals naming no class of the
// event, one person pinned and excluded),
// RuleViolated (a pinned person who breaks a hard constraint, more pins than
// seats), Unavailable (the solver found no plan in the time limit), Internal.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "registry/base/status.h"
#include "registry/cohorts/cohorts.h"
#include "registry/store/store.h"

namespace tp::registry {

struct PlanGoals {
  // At least this many of the event's seats (0: no target).
  int minority_target = 0;   // 少数民族 (民族 other than 汉族)
  int women_target = 0;      // 女性
  int new_group_target = 0;  // 新经济组织、新社会组织、新就业群体
  // No province, unit type or recommending unit above this share of the
  // event's seats (rounded down, at least 1); 1 turns a limit off.
  double max_province_share = 0.15;
  double max_unit_type_share = 0.5;
  double max_unit_share = 0.05;
  // Points of the objective. A filled seat outweighs everything else, so a
  // seat is left empty only when nobody can take it.
  double seat_weight = 1000;
  double never_trained_weight = 10;     // per person never trained
  double older_round_weight = 4;        // per person and year admitted before the newest round
  double target_weight = 100;           // per person short of a target
  double unit_excess_weight = 50;       // per person over the unit limit
  double province_excess_weight = 30;   // per person over the province limit
  double unit_type_excess_weight = 20;  // per person over the unit type limit
  double province_coverage_weight = 3;  // per province with someone on the roster
};

// Goals of one class, counted on its own seats: the targets and limits of
// PlanGoals (the weights stay the event's). A target of 0 and a share of 1 set
// nothing, so a class without goals of its own is planned as before.
struct ClassGoals {
  int minority_target = 0;
  int women_target = 0;
  int new_group_target = 0;
  double max_province_share = 1;
  double max_unit_type_share = 1;
  double max_unit_share = 1;
};

struct Pin {
  std::string person_id;   // 编号
  std::string class_name;  // empty: any class the person fits
};

struct PlanRequest {
  std::string event_code;
  PlanGoals goals;
  std::map<std::string, ClassGoals> class_goals = {};  // by class name
  std::vector<Pin> pinned;
  std::vector<std::string> excluded;  // 编号
  bool allow_retrained = false;       // people who attended the series may come again
  int reserve_per_class = 10;
  double time_limit_seconds = 15;  // for the solver; the best plan found by then is returned
};

// One person as the planner sees them.
struct Candidate {
  int64_t rowid = 0;
  std::string person_id;  // 编号
  std::string name;
  std::string gender;
  std::string ethnic_group;
  std::string group_type;  // 所属群体
  std::string province;    // two digits
  std::string province_name;
  std::string unit;  // recommending unit
  std::string unit_type;
  std::string tier;
  std::string birth_date = {};     // YYYY-MM-DD or YYYY-MM, for the classes' age conditions
  std::string admitted_on = {};    // YYYY-MM-DD, the earliest admission (class_rules.h)
  int admission_year = 0;          // the earliest
  bool never_trained = true;       // attended no event
  bool trained_in_series = false;  // attended this event's series (allowed by staff)
  std::vector<int> classes;        // indexes into the event's classes the person fits
  bool kept = false;               // holds a seat of this event: stays in classes[0]
  std::string kept_state;          // 已邀请, 已确认…
  bool pinned = false;
  bool waitlisted = false;  // on this event's waiting list now
};

// Everything a plan is computed from; built by LoadPlanProblem, or by hand
// in tests and benchmarks.
struct PlanProblem {
  Event event;
  PlanGoals goals;
  std::vector<ClassGoals> class_goals = {};  // parallel to event.classes; empty: none
  std::vector<Candidate> candidates;         // in 编号 order
  // People the hard constraints left out: (reason, count), in a fixed order.
  std::vector<std::pair<std::string, int>> left_out;
  int newest_year = 0;  // the newest admission year in the pool
  int reserve_per_class = 10;
  double time_limit_seconds = 15;
};

struct PlanLine {
  std::string person_id;
  std::string name;
  std::string class_name;
  std::string gender;
  std::string ethnic_group;
  std::string province;
  std::string province_name;
  std::string unit;
  std::string unit_type;
  std::string group_type;
  int admission_year = 0;
  bool never_trained = true;
  bool pinned = false;
  bool kept = false;
  int rank = 0;                      // reserve lines: 1 for the first of its class
  double points = 0;                 // what the person adds to the objective
  std::vector<std::string> reasons;  // in Chinese, most important first
};

struct GoalFigure {
  std::string key;    // seats, never_trained, older_round, minority, women, new_group,
                      // province, unit_type, unit
  std::string label;  // 少数民族
  int reached = 0;    // people on the roster who count for it (for limits: the largest group)
  int seats = 0;
  int target = 0;  // the target (at least) or the limit (at most); 0 when none
  bool at_most = false;
  int best_possible = 0;  // what the pool allows at most (for targets) or at least (for limits)
  bool met = true;
  bool reachable = true;
  std::string text;  // 少数民族 23/80，目标 ≥20，已达到
  std::string class_name = {};  // a class's own goal (seats: the class's); empty: the event's
};

struct ClassRoster {
  std::string name;
  std::string level;
  int capacity = 0;
  std::vector<PlanLine> lines;
};

struct Plan {
  std::string event_code;
  std::vector<ClassRoster> classes;
  std::vector<PlanLine> reserve;  // by class, then rank
  std::vector<GoalFigure> goals;
  std::vector<std::pair<std::string, int>> left_out;
  int candidates = 0;
  int seats = 0;
  int filled = 0;
  double objective = 0;  // of the plan
  double bound = 0;      // no plan can do better than this
  double gap = 0;        // (bound - objective) / bound; 0 when proven optimal
  bool optimal = false;
  int variables = 0;  // of the integer program
  int constraints = 0;
  double load_seconds = 0;
  double solve_seconds = 0;
};

// Reads the pool and the event's state and applies the hard constraints.
StatusOr<PlanProblem> LoadPlanProblem(Store& store, const PlanRequest& request);

// Solves a problem and explains the result.
StatusOr<Plan> SolvePlan(const PlanProblem& problem);

// LoadPlanProblem, then SolvePlan.
StatusOr<Plan> PlanEvent(Store& store, const PlanRequest& request);

// The objective of any assignment: class index per candidate, -1 for none.
// The planner maximises exactly this; tests and benchmarks use it to compare
// other methods with the planner.
double EvaluateAssignment(const PlanProblem& problem, const std::vector<int>& class_of);

// The problems of goals as field errors; empty when valid.
std::vector<FieldError> ValidateGoals(const PlanGoals& goals, int seats);
// The problems of a class's goals, each field named with the class (青年人才班：少数民族目标).
std::vector<FieldError> ValidateClassGoals(const ClassGoals& goals, const EventClass& c);

}  // namespace tp::registry
