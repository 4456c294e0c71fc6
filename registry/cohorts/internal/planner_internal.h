// Internals shared by the planner's files (planner.cc: the integer program
// and the plan; planner_goals.cc: the goals of each class): the soft goals as
// tables and the counts of a roster they look at. Only registry/cohorts/
// includes this header.
#pragma once

#include <algorithm>
#include <climits>
#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "registry/cohorts/planner.h"

namespace tp::registry::planner_internal {

inline bool IsMinority(const Candidate& c) {
  return !c.ethnic_group.empty() && c.ethnic_group != "汉族";
}
inline bool IsWoman(const Candidate& c) { return c.gender == "女"; }
inline bool IsNewGroup(const Candidate& c) {
  return c.group_type == "新经济组织" || c.group_type == "新社会组织" ||
         c.group_type == "新就业群体";
}

// The soft goals that count people: a target of at least so many, for the
// event (PlanGoals) and for a class (ClassGoals).
struct Target {
  const char* key;
  const char* label;
  bool (*counts)(const Candidate&);
  int PlanGoals::*target;
  int ClassGoals::*class_target;
};
inline constexpr Target kTargets[] = {
    {"minority", "少数民族", IsMinority, &PlanGoals::minority_target, &ClassGoals::minority_target},
    {"women", "女性", IsWoman, &PlanGoals::women_target, &ClassGoals::women_target},
    {"new_group", "新经济组织、新社会组织、新就业群体", IsNewGroup, &PlanGoals::new_group_target,
     &ClassGoals::new_group_target},
};

// The soft goals that cap groups: no more than a share of the seats.
struct Limit {
  const char* key;
  const char* label;
  const std::string Candidate::*field;
  double PlanGoals::*share;
  double PlanGoals::*weight;
  double ClassGoals::*class_share;
};
inline constexpr Limit kLimits[] = {
    {"province", "省份", &Candidate::province, &PlanGoals::max_province_share,
     &PlanGoals::province_excess_weight, &ClassGoals::max_province_share},
    {"unit_type", "推荐单位类型", &Candidate::unit_type, &PlanGoals::max_unit_type_share,
     &PlanGoals::unit_type_excess_weight, &ClassGoals::max_unit_type_share},
    {"unit", "推荐单位", &Candidate::unit, &PlanGoals::max_unit_share,
     &PlanGoals::unit_excess_weight, &ClassGoals::max_unit_share},
};

inline int Seats(const Event& e) {
  int seats = 0;
  for (const EventClass& c : e.classes) seats += c.capacity;
  return seats;
}

// The most people of one group a plan of `seats` seats should hold.
inline int LimitOf(double share, int seats) {
  if (share >= 1) return INT_MAX;
  return std::max(1, static_cast<int>(std::floor(share * seats + 1e-9)));
}

// The counts of a roster (or of one class of it) that the goals look at.
struct Counts {
  std::unordered_map<std::string, int> per_limit[3];
  int per_target[3] = {0, 0, 0};

  void Add(const Candidate& c) {
    for (int l = 0; l < 3; ++l) {
      const std::string& key = c.*(kLimits[l].field);
      if (!key.empty()) ++per_limit[l][key];
    }
    for (int t = 0; t < 3; ++t) {
      if (kTargets[t].counts(c)) ++per_target[t];
    }
  }
  int Largest(int l) const {
    int most = 0;
    for (const auto& [key, n] : per_limit[l]) most = std::max(most, n);
    return most;
  }
};

// The counts of a roster: as a whole, and per class for the classes' goals.
struct Tally : Counts {
  std::vector<int> per_class;
  std::vector<Counts> in_class;
  int never_trained = 0;
  int older = 0;
  int filled = 0;

  explicit Tally(const PlanProblem& p)
      : per_class(p.event.classes.size(), 0), in_class(p.event.classes.size()) {}

  void Add(const PlanProblem& p, const Candidate& c, int cls) {
    ++per_class[static_cast<size_t>(cls)];
    ++filled;
    Counts::Add(c);
    in_class[static_cast<size_t>(cls)].Add(c);
    if (c.never_trained) ++never_trained;
    if (c.admission_year > 0 && c.admission_year < p.newest_year) ++older;
  }
};

// The goals of class `k` of the problem; nullptr when it has none of its own.
inline const ClassGoals* GoalsOfClass(const PlanProblem& p, size_t k) {
  return k < p.class_goals.size() ? &p.class_goals[k] : nullptr;
}

// The classes' own goals: their terms of the objective for the roster counted in `t`, and
// their figures (planner_goals.cc).
double ClassGoalTerms(const PlanProblem& p, const Tally& t);
void AddClassFigures(const PlanProblem& p, const Tally& t, std::vector<GoalFigure>* out);

}  // namespace tp::registry::planner_internal
