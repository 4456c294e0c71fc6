// The goals of each class (planner.h: ClassGoals): their check, their terms
// of the objective and their figures in a plan. The integer program's rows
// for them are built with the event's in planner.cc.
#include <string>

#include "registry/cohorts/internal/planner_internal.h"
#include "registry/cohorts/planner.h"

namespace tp::registry {
namespace planner_internal {

double ClassGoalTerms(const PlanProblem& p, const Tally& t) {
  const PlanGoals& g = p.goals;
  double total = 0;
  for (size_t k = 0; k < p.event.classes.size(); ++k) {
    const ClassGoals* goals = GoalsOfClass(p, k);
    if (goals == nullptr) continue;
    const Counts& in = t.in_class[k];
    for (int i = 0; i < 3; ++i) {
      const int target = goals->*(kTargets[i].class_target);
      if (in.per_target[i] < target) total -= g.target_weight * (target - in.per_target[i]);
    }
    for (int l = 0; l < 3; ++l) {
      const int limit = LimitOf(goals->*(kLimits[l].class_share), p.event.classes[k].capacity);
      for (const auto& [key, n] : in.per_limit[l]) {
        if (n > limit) total -= g.*(kLimits[l].weight) * (n - limit);
      }
    }
  }
  return total;
}

void AddClassFigures(const PlanProblem& p, const Tally& t, std::vector<GoalFigure>* out) {
  for (size_t k = 0; k < p.event.classes.size(); ++k) {
    const ClassGoals* goals = GoalsOfClass(p, k);
    if (goals == nullptr) continue;
    const EventClass& c = p.event.classes[k];
    const Counts& in = t.in_class[k];
    const std::string head = c.name + "：";
    auto make = [&](const char* key, const char* label) {
      GoalFigure f;
      f.key = key;
      f.label = label;
      f.seats = c.capacity;
      f.class_name = c.name;
      return f;
    };
    for (int i = 0; i < 3; ++i) {
      const Target& tg = kTargets[i];
      const int target = goals->*(tg.class_target);
      if (target <= 0) continue;
      int fit = 0;  // candidates of this class who count for the target
      for (const Candidate& cand : p.candidates) {
        if (!tg.counts(cand)) continue;
        for (int cls : cand.classes) fit += cls == static_cast<int>(k) ? 1 : 0;
      }
      GoalFigure f = make(tg.key, tg.label);
      f.reached = in.per_target[i];
      f.target = target;
      f.best_possible = std::min(fit, c.capacity);
      f.met = f.reached >= target;
      f.reachable = f.best_possible >= target;
      f.text = head + tg.label + " " + std::to_string(f.reached) + "/" +
               std::to_string(c.capacity) + "，目标 ≥" + std::to_string(target) +
               (f.met ? "，已达到"
                      : "，未达到（本班符合条件的候选人最多 " + std::to_string(f.best_possible) +
                            " 人）");
      out->push_back(std::move(f));
    }
    for (int l = 0; l < 3; ++l) {
      const Limit& lim = kLimits[l];
      const int limit = LimitOf(goals->*(lim.class_share), c.capacity);
      if (limit == INT_MAX) continue;
      GoalFigure f = make(lim.key, lim.label);
      f.reached = in.Largest(l);
      f.target = limit;
      f.at_most = true;
      f.best_possible = limit;
      f.met = f.reached <= limit;
      f.text = head + lim.label + " 单个最多 " + std::to_string(f.reached) + " 人，上限 " +
               std::to_string(limit) + (f.met ? "，已满足" : "，超出上限");
      out->push_back(std::move(f));
    }
  }
}

}  // namespace planner_internal

std::vector<FieldError> ValidateClassGoals(const ClassGoals& g, const EventClass& c) {
  std::vector<FieldError> errors;
  const std::string where = c.name + "：";
  auto target = [&](const char* field, int v) {
    if (v < 0 || v > c.capacity) {
      errors.push_back({where + field,
                        "班次「" + c.name + "」的目标应在 0 到 " + std::to_string(c.capacity) +
                            " 之间（本班名额）",
                        0});
    }
  };
  target("少数民族目标", g.minority_target);
  target("女性目标", g.women_target);
  target("新群体目标", g.new_group_target);
  auto share = [&](const char* field, double v) {
    if (!(v > 0 && v <= 1)) {
      errors.push_back(
          {where + field, "班次「" + c.name + "」的比例应大于 0、不超过 1（1 为不限）", 0});
    }
  };
  share("单省上限比例", g.max_province_share);
  share("单位类型上限比例", g.max_unit_type_share);
  share("单位上限比例", g.max_unit_share);
  return errors;
}

}  // namespace tp::registry
