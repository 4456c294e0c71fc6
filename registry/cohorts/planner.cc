// The planner's integer program (GLPK), its objective and the explanation of
// a plan (planner.h). Reading the problem from the registry is in
// planner_load.cc.
#include "registry/cohorts/planner.h"

#include "registry/cohorts/internal/planner_internal.h"

#include <glpk.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

namespace tp::registry {
namespace {

using namespace planner_internal;

constexpr int kNone = -1;

// What one person adds to the objective, before the goals of the roster as a whole.
double PersonPoints(const PlanProblem& p, const Candidate& c) {
  const PlanGoals& g = p.goals;
  double points = g.seat_weight;
  if (c.never_trained) points += g.never_trained_weight;
  if (c.admission_year > 0 && p.newest_year > c.admission_year) {
    points += g.older_round_weight * (p.newest_year - c.admission_year);
  }
  return points;
}

std::string Fixed(double v) {
  char buffer[32];
  if (std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f", v);
  }
  return buffer;
}

std::string Quote(std::string_view s) { return "「" + std::string(s) + "」"; }

// The objective's terms for the roster as a whole.
double RosterTerms(const PlanProblem& p, const Tally& t) {
  const PlanGoals& g = p.goals;
  const int seats = Seats(p.event);
  double total = g.province_coverage_weight * static_cast<double>(t.per_limit[0].size());
  for (int l = 0; l < 3; ++l) {
    const int limit = LimitOf(g.*(kLimits[l].share), seats);
    for (const auto& [key, n] : t.per_limit[l]) {
      if (n > limit) total -= g.*(kLimits[l].weight) * (n - limit);
    }
  }
  for (int k = 0; k < 3; ++k) {
    const int target = g.*(kTargets[k].target);
    if (t.per_target[k] < target) total -= g.target_weight * (target - t.per_target[k]);
  }
  return total + ClassGoalTerms(p, t);
}

// People alike in everything the objective looks at: one integer variable
// per class they fit. Kept and pinned people are groups of their own.
struct Group {
  std::vector<int> members;  // candidate indexes, in 编号 order
  std::vector<int> classes;
  bool must = false;  // kept or pinned: exactly one member, placed
};

std::string GroupKey(const PlanProblem& p, const Candidate& c) {
  std::string key;
  for (int cls : c.classes) key += std::to_string(cls) + ",";
  key += '\x1f' + c.province + '\x1f' + c.unit + '\x1f' + c.unit_type + '\x1f';
  key += IsMinority(c) ? 'm' : '-';
  key += IsWoman(c) ? 'w' : '-';
  key += IsNewGroup(c) ? 'g' : '-';
  key += c.never_trained ? 'n' : '-';
  key += std::to_string(std::min(c.admission_year, p.newest_year));
  return key;
}

std::vector<Group> MakeGroups(const PlanProblem& p) {
  std::vector<Group> groups;
  std::unordered_map<std::string, size_t> by_key;
  for (size_t i = 0; i < p.candidates.size(); ++i) {
    const Candidate& c = p.candidates[i];
    if (c.classes.empty()) continue;
    if (c.kept || c.pinned) {
      groups.push_back(
          {{static_cast<int>(i)}, c.kept ? std::vector<int>{c.classes[0]} : c.classes, true});
      continue;
    }
    auto [it, added] = by_key.emplace(GroupKey(p, c), groups.size());
    if (added) groups.push_back({{}, c.classes, false});
    groups[it->second].members.push_back(static_cast<int>(i));
  }
  return groups;
}

// GLPK keeps its state per thread at best; one solve at a time is plenty.
std::mutex glpk_mu;

// The problem, and the environment GLPK made for this thread: a server's
// worker threads come and go, so nothing of GLPK may outlive the solve.
struct GlpkProblem {
  glp_prob* lp = glp_create_prob();
  ~GlpkProblem() {
    glp_delete_prob(lp);
    glp_free_env();
  }
};

struct Solution {
  std::vector<int> class_of;  // per candidate
  double objective = 0;
  double bound = 0;
  bool optimal = false;
  int variables = 0;
  int constraints = 0;
};

// Builds a plan's integer program on a GLPK problem: rows and columns are
// added as the goals need them, the matrix's entries gathered and loaded at
// the end. The order of rows and columns is the solver's input: kept fixed.
class ProgramBuilder {
 public:
  ProgramBuilder(glp_prob* lp, const PlanProblem& p, const std::vector<Group>& groups)
      : lp_(lp), p_(p), groups_(groups), seats_(Seats(p.event)), cols_(groups.size()) {
    glp_set_obj_dir(lp_, GLP_MAX);
  }

  // Class capacities, and one column per group and class it fits.
  void AddSeats() {
    const size_t n_classes = p_.event.classes.size();
    std::vector<int> class_row(n_classes);
    for (size_t c = 0; c < n_classes; ++c) {
      class_row[c] = AddRow(GLP_UP, 0, p_.event.classes[c].capacity);
    }
    for (size_t gi = 0; gi < groups_.size(); ++gi) {
      const Group& grp = groups_[gi];
      const double points = PersonPoints(p_, FirstOf(gi));
      const int n = static_cast<int>(grp.members.size());
      int group_row = 0;
      if (grp.must) {
        group_row = AddRow(GLP_FX, 1, 1);
      } else if (grp.classes.size() > 1) {
        group_row = AddRow(GLP_UP, 0, n);
      }
      for (int cls : grp.classes) {
        const int ub = std::min(n, p_.event.classes[static_cast<size_t>(cls)].capacity);
        const int col =
            ub > 0 ? AddCol(GLP_IV, GLP_DB, 0, ub, points) : AddCol(GLP_IV, GLP_FX, 0, 0, points);
        cols_[gi].push_back(col);
        Entry(class_row[static_cast<size_t>(cls)], col, 1);
        if (group_row != 0) Entry(group_row, col, 1);
      }
    }
  }

  // Limits: only groups of candidates larger than the limit need a row.
  void AddLimits() {
    const PlanGoals& g = p_.goals;
    for (int l = 0; l < 3; ++l) {
      const int limit = LimitOf(g.*(kLimits[l].share), seats_);
      if (limit == INT_MAX) continue;
      std::map<std::string, std::vector<size_t>> by_value;
      std::map<std::string, int> people;
      for (size_t gi = 0; gi < groups_.size(); ++gi) {
        const std::string& v = FirstOf(gi).*(kLimits[l].field);
        if (v.empty()) continue;
        by_value[v].push_back(gi);
        people[v] += static_cast<int>(groups_[gi].members.size());
      }
      for (const auto& [value, members] : by_value) {
        if (people[value] <= limit) continue;
        const int row = AddRow(GLP_UP, 0, limit);
        for (size_t gi : members) {
          for (int col : cols_[gi]) Entry(row, col, 1);
        }
        Entry(row, AddCol(GLP_CV, GLP_LO, 0, 0, -(g.*(kLimits[l].weight))), -1);
      }
    }
  }

  void AddTargets() {
    const PlanGoals& g = p_.goals;
    for (const Target& t : kTargets) {
      const int target = g.*(t.target);
      if (target <= 0) continue;
      const int row = AddRow(GLP_LO, target, 0);
      for (size_t gi = 0; gi < groups_.size(); ++gi) {
        if (!t.counts(FirstOf(gi))) continue;
        for (int col : cols_[gi]) Entry(row, col, 1);
      }
      Entry(row, AddCol(GLP_CV, GLP_DB, 0, target, -g.target_weight), 1);
    }
  }

  // The classes' own targets and limits, on the columns of their class only.
  void AddClassGoals() {
    const PlanGoals& g = p_.goals;
    for (size_t k = 0; k < p_.event.classes.size(); ++k) {
      const ClassGoals* goals = GoalsOfClass(p_, k);
      if (goals == nullptr) continue;
      const int capacity = p_.event.classes[k].capacity;
      for (const Target& t : kTargets) {
        const int target = goals->*(t.class_target);
        if (target <= 0) continue;
        const int row = AddRow(GLP_LO, target, 0);
        for (size_t gi = 0; gi < groups_.size(); ++gi) {
          if (!t.counts(FirstOf(gi))) continue;
          if (const int col = ColumnOf(gi, k); col != 0) Entry(row, col, 1);
        }
        Entry(row, AddCol(GLP_CV, GLP_DB, 0, target, -g.target_weight), 1);
      }
      for (const Limit& l : kLimits) {
        const int limit = LimitOf(goals->*(l.class_share), capacity);
        if (limit == INT_MAX) continue;
        std::map<std::string, std::vector<int>> by_value;
        std::map<std::string, int> people;
        for (size_t gi = 0; gi < groups_.size(); ++gi) {
          const std::string& v = FirstOf(gi).*(l.field);
          const int col = ColumnOf(gi, k);
          if (v.empty() || col == 0) continue;
          by_value[v].push_back(col);
          people[v] += static_cast<int>(groups_[gi].members.size());
        }
        for (const auto& [value, cols] : by_value) {
          if (people[value] <= limit) continue;
          const int row = AddRow(GLP_UP, 0, limit);
          for (int col : cols) Entry(row, col, 1);
          Entry(row, AddCol(GLP_CV, GLP_LO, 0, 0, -(g.*(l.weight))), -1);
        }
      }
    }
  }

  // Provinces with someone on the roster.
  void AddCoverage() {
    const PlanGoals& g = p_.goals;
    if (g.province_coverage_weight <= 0) return;
    std::map<std::string, std::vector<size_t>> by_province;
    for (size_t gi = 0; gi < groups_.size(); ++gi) {
      const std::string& v = FirstOf(gi).province;
      if (!v.empty()) by_province[v].push_back(gi);
    }
    for (const auto& [province, members] : by_province) {
      const int row = AddRow(GLP_UP, 0, 0);
      Entry(row, AddCol(GLP_BV, GLP_DB, 0, 1, g.province_coverage_weight), 1);
      for (size_t gi : members) {
        for (int col : cols_[gi]) Entry(row, col, -1);
      }
    }
  }

  // Hands the gathered entries to GLPK; once, after the last Add.
  void LoadMatrix() {
    glp_load_matrix(lp_, static_cast<int>(ia_.size()) - 1, ia_.data(), ja_.data(), ar_.data());
  }

  // Per group, its columns, parallel to its classes.
  const std::vector<std::vector<int>>& cols() const { return cols_; }

 private:
  const Candidate& FirstOf(size_t gi) const {
    return p_.candidates[static_cast<size_t>(groups_[gi].members[0])];
  }
  // The column of group `gi` in class `k`; 0 when the group does not fit the class.
  int ColumnOf(size_t gi, size_t k) const {
    const std::vector<int>& classes = groups_[gi].classes;
    for (size_t j = 0; j < classes.size(); ++j) {
      if (classes[j] == static_cast<int>(k)) return cols_[gi][j];
    }
    return 0;
  }

  void Entry(int row, int col, double v) {
    ia_.push_back(row);
    ja_.push_back(col);
    ar_.push_back(v);
  }
  int AddRow(int type, double lo, double hi) {
    int row = glp_add_rows(lp_, 1);
    glp_set_row_bnds(lp_, row, type, lo, hi);
    return row;
  }
  int AddCol(int kind, int type, double lo, double hi, double objective) {
    int col = glp_add_cols(lp_, 1);
    glp_set_col_kind(lp_, col, kind);
    if (kind != GLP_BV) glp_set_col_bnds(lp_, col, type, lo, hi);
    glp_set_obj_coef(lp_, col, objective);
    return col;
  }

  glp_prob* lp_;
  const PlanProblem& p_;
  const std::vector<Group>& groups_;
  const int seats_;
  std::vector<std::vector<int>> cols_;
  std::vector<int> ia_ = {0}, ja_ = {0};  // GLPK's arrays count from 1
  std::vector<double> ar_ = {0};
};

// The linear relaxation first, for the bound and a basis to start from, then
// the integer program within the time limit. Fills the figures of `s`.
Status RunSolver(glp_prob* lp, double time_limit_seconds, Solution* s) {
  glp_smcp simplex;
  glp_init_smcp(&simplex);
  simplex.msg_lev = GLP_MSG_OFF;
  simplex.presolve = GLP_ON;
  const int lp_result = glp_simplex(lp, &simplex);
  if (lp_result == GLP_ENOPFS || (lp_result == 0 && glp_get_status(lp) == GLP_NOFEAS)) {
    return RuleViolated("锁定的人员与已在名单中的人员超过了班次名额，无法排出名单");
  }
  if (lp_result != 0 || glp_get_status(lp) != GLP_OPT) {
    return Internal("求解器未能求解线性松弛（GLPK 返回 " + std::to_string(lp_result) + "）");
  }
  s->bound = glp_get_obj_val(lp);

  glp_iocp mip;
  glp_init_iocp(&mip);
  mip.msg_lev = GLP_MSG_OFF;
  mip.presolve = GLP_OFF;  // the LP above left an optimal basis to start from
  mip.mip_gap = 0;
  mip.tm_lim = static_cast<int>(std::clamp(time_limit_seconds, 0.1, 3600.0) * 1000);
  const int mip_result = glp_intopt(lp, &mip);
  const int status = glp_mip_status(lp);
  if (status != GLP_OPT && status != GLP_FEAS) {
    if (mip_result == GLP_ETMLIM)
      return Unavailable("求解器在时限内未找到可行名单，请放宽时限或减少锁定");
    return RuleViolated("在这些锁定和硬性条件下无法排出名单");
  }
  s->objective = glp_mip_obj_val(lp);
  s->optimal = status == GLP_OPT && mip_result == 0;
  if (s->optimal) s->bound = s->objective;
  return Status::Ok();
}

// Hands each group's seats to its members in 编号 order, classes in order.
std::vector<int> HandOutSeats(glp_prob* lp, const PlanProblem& p, const std::vector<Group>& groups,
                              const std::vector<std::vector<int>>& cols) {
  std::vector<int> class_of(p.candidates.size(), kNone);
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    size_t next = 0;
    for (size_t k = 0; k < groups[gi].classes.size(); ++k) {
      const long taken = std::lround(glp_mip_col_val(lp, cols[gi][k]));
      for (long j = 0; j < taken && next < groups[gi].members.size(); ++j) {
        class_of[static_cast<size_t>(groups[gi].members[next++])] = groups[gi].classes[k];
      }
    }
  }
  return class_of;
}

StatusOr<Solution> Solve(const PlanProblem& p, const std::vector<Group>& groups) {
  std::lock_guard lock(glpk_mu);
  glp_term_out(GLP_OFF);
  GlpkProblem holder;
  ProgramBuilder program(holder.lp, p, groups);
  program.AddSeats();
  program.AddLimits();
  program.AddTargets();
  program.AddCoverage();
  program.AddClassGoals();

  Solution s;
  s.variables = glp_get_num_cols(holder.lp);
  s.constraints = glp_get_num_rows(holder.lp);
  if (s.variables == 0) {
    s.class_of.assign(p.candidates.size(), kNone);
    s.optimal = true;
    return s;
  }
  program.LoadMatrix();
  TP_RETURN_IF_ERROR(RunSolver(holder.lp, p.time_limit_seconds, &s));
  s.class_of = HandOutSeats(holder.lp, p, groups, program.cols());
  return s;
}

// What adding `c` to class `cls` of the roster would bring: the reserve's order.
double MarginalPoints(const PlanProblem& p, const Candidate& c, size_t cls, const Tally& t) {
  const PlanGoals& g = p.goals;
  const int seats = Seats(p.event);
  double points = PersonPoints(p, c);
  for (int k = 0; k < 3; ++k) {
    if (kTargets[k].counts(c) && t.per_target[k] < g.*(kTargets[k].target))
      points += g.target_weight;
  }
  for (int l = 0; l < 3; ++l) {
    const std::string& key = c.*(kLimits[l].field);
    if (key.empty()) continue;
    auto it = t.per_limit[l].find(key);
    const int n = it == t.per_limit[l].end() ? 0 : it->second;
    if (n >= LimitOf(g.*(kLimits[l].share), seats)) points -= g.*(kLimits[l].weight);
    if (l == 0 && n == 0) points += g.province_coverage_weight;
  }
  if (const ClassGoals* goals = GoalsOfClass(p, cls)) {
    const Counts& in = t.in_class[cls];
    for (int k = 0; k < 3; ++k) {
      if (kTargets[k].counts(c) && in.per_target[k] < goals->*(kTargets[k].class_target))
        points += g.target_weight;
    }
    for (int l = 0; l < 3; ++l) {
      const std::string& key = c.*(kLimits[l].field);
      if (key.empty()) continue;
      auto it = in.per_limit[l].find(key);
      const int n = it == in.per_limit[l].end() ? 0 : it->second;
      if (n >= LimitOf(goals->*(kLimits[l].class_share), p.event.classes[cls].capacity))
        points -= g.*(kLimits[l].weight);
    }
  }
  return points;
}

PlanLine LineFor(const Candidate& c, const std::string& class_name) {
  PlanLine line;
  line.person_id = c.person_id;
  line.name = c.name;
  line.class_name = class_name;
  line.gender = c.gender;
  line.ethnic_group = c.ethnic_group;
  line.province = c.province;
  line.province_name = c.province_name;
  line.unit = c.unit;
  line.unit_type = c.unit_type;
  line.group_type = c.group_type;
  line.admission_year = c.admission_year;
  line.never_trained = c.never_trained;
  line.pinned = c.pinned;
  line.kept = c.kept;
  return line;
}

// The reasons that describe the person, shared by roster and reserve lines.
void DescribePerson(const PlanProblem& p, const Candidate& c, std::vector<std::string>* out) {
  const PlanGoals& g = p.goals;
  if (c.never_trained) {
    out->push_back("从未参训（+" + Fixed(g.never_trained_weight) + "）");
  } else if (c.trained_in_series) {
    out->push_back("已参加过本系列培训，工作人员允许再次参加");
  } else {
    out->push_back("参加过其他系列的培训");
  }
  if (c.admission_year > 0 && c.admission_year < p.newest_year) {
    out->push_back(std::to_string(c.admission_year) + "年入库，早于最新批次（+" +
                   Fixed(g.older_round_weight * (p.newest_year - c.admission_year)) + "）");
  } else if (c.admission_year > 0) {
    out->push_back(std::to_string(c.admission_year) + "年入库");
  }
  for (const Target& t : kTargets) {
    if (!t.counts(c)) continue;
    std::string what = t.key == std::string_view("minority") ? "少数民族（" + c.ethnic_group + "）"
                       : t.key == std::string_view("women") ? std::string("女性")
                                                            : c.group_type;
    const int target = g.*(t.target);
    out->push_back(
        target > 0 ? what + "，计入" + t.label + "目标（≥" + std::to_string(target) + "）" : what);
  }
  if (c.waitlisted) out->push_back("当前在本活动候补名单中");
}

std::string LimitValueLabel(int l, const Candidate& c) {
  if (l == 0) return c.province_name.empty() ? c.province : c.province_name;
  return Quote(c.*(kLimits[l].field));
}

std::vector<GoalFigure> Figures(const PlanProblem& p, const Tally& t) {
  const PlanGoals& g = p.goals;
  const int seats = Seats(p.event);
  const size_t n_classes = p.event.classes.size();
  // For "as many as possible" goals: the most the classes could hold of the
  // candidates that count (exact when each person fits one class).
  auto best_of = [&](auto counts) {
    std::vector<int> fit(n_classes, 0);
    for (const Candidate& c : p.candidates) {
      if (!counts(c)) continue;
      for (int cls : c.classes) ++fit[static_cast<size_t>(cls)];
    }
    int best = 0;
    for (size_t k = 0; k < n_classes; ++k) best += std::min(fit[k], p.event.classes[k].capacity);
    return std::min(best, seats);
  };
  std::vector<GoalFigure> out;
  auto make = [seats](const char* key, const char* label, int reached, int target, bool at_most,
                      int best) {
    GoalFigure f;
    f.key = key;
    f.label = label;
    f.reached = reached;
    f.seats = seats;
    f.target = target;
    f.at_most = at_most;
    f.best_possible = best;
    return f;
  };
  {
    GoalFigure f = make("seats", "名额", t.filled, seats, false,
                        best_of([](const Candidate&) { return true; }));
    f.met = t.filled >= f.best_possible;
    f.reachable = f.best_possible >= seats;
    f.text =
        "名额 " + std::to_string(t.filled) + "/" + std::to_string(seats) +
        (t.filled == seats ? "，已全部填满"
                           : "，符合条件的候选人只够 " + std::to_string(f.best_possible) + " 人");
    out.push_back(std::move(f));
  }
  {
    GoalFigure f = make("never_trained", "从未参训", t.never_trained, 0, false,
                        best_of([](const Candidate& c) { return c.never_trained; }));
    f.met = t.never_trained >= f.best_possible;
    f.text = "从未参训 " + std::to_string(t.never_trained) + "/" + std::to_string(seats) +
             "（最多可达 " + std::to_string(f.best_possible) + "）";
    out.push_back(std::move(f));
  }
  {
    const int newest = p.newest_year;
    GoalFigure f = make("older_round", "较早批次入库", t.older, 0, false,
                        best_of([newest](const Candidate& c) {
                          return c.admission_year > 0 && c.admission_year < newest;
                        }));
    f.met = t.older >= f.best_possible;
    f.text = "早于 " + std::to_string(newest) + " 年入库 " + std::to_string(t.older) + "/" +
             std::to_string(seats) + "（最多可达 " + std::to_string(f.best_possible) + "）";
    out.push_back(std::move(f));
  }
  for (int k = 0; k < 3; ++k) {
    const Target& tg = kTargets[k];
    const int target = g.*(tg.target);
    GoalFigure f = make(tg.key, tg.label, t.per_target[k], target, false, best_of(tg.counts));
    f.met = t.per_target[k] >= target;
    f.reachable = f.best_possible >= target;
    f.text =
        std::string(tg.label) + " " + std::to_string(t.per_target[k]) + "/" + std::to_string(seats);
    if (target > 0) {
      f.text +=
          "，目标 ≥" + std::to_string(target) +
          (f.met ? "，已达到"
                 : "，未达到（符合条件的候选人最多 " + std::to_string(f.best_possible) + " 人）");
    }
    out.push_back(std::move(f));
  }
  for (int l = 0; l < 3; ++l) {
    const Limit& lim = kLimits[l];
    const int limit = LimitOf(g.*(lim.share), seats);
    // Whether a full roster can respect the limit at all.
    std::unordered_map<std::string, int> pool;
    int unlimited = 0;
    for (const Candidate& c : p.candidates) {
      if (c.classes.empty()) continue;
      const std::string& key = c.*(lim.field);
      if (key.empty()) {
        ++unlimited;
      } else {
        ++pool[key];
      }
    }
    long room = unlimited;
    for (const auto& [key, n] : pool) room += std::min(n, limit);
    GoalFigure f = make(lim.key, lim.label, t.Largest(l), limit == INT_MAX ? 0 : limit, true, 0);
    f.reachable = room >= t.filled;
    f.best_possible = f.target;
    f.met = limit == INT_MAX || f.reached <= limit;
    std::string head = l == 0
                           ? "省份 覆盖 " + std::to_string(t.per_limit[0].size()) + " 个，单省最多 "
                           : std::string(lim.label) + " 单个最多 ";
    f.text = head + std::to_string(f.reached) + " 人";
    if (limit != INT_MAX) {
      f.text += "，上限 " + std::to_string(limit) +
                (f.met         ? "，已满足"
                 : f.reachable ? "，超出上限"
                               : "，候选人分布所限无法满足");
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

std::vector<FieldError> ValidateGoals(const PlanGoals& g, int seats) {
  std::vector<FieldError> errors;
  auto target = [&](const char* field, int v) {
    if (v < 0 || v > seats)
      errors.push_back({field, "应在 0 到 " + std::to_string(seats) + " 之间", 0});
  };
  target("少数民族目标", g.minority_target);
  target("女性目标", g.women_target);
  target("新群体目标", g.new_group_target);
  auto share = [&](const char* field, double v) {
    if (!(v > 0 && v <= 1)) errors.push_back({field, "应为大于 0、不超过 1 的比例", 0});
  };
  share("单省上限比例", g.max_province_share);
  share("单位类型上限比例", g.max_unit_type_share);
  share("单位上限比例", g.max_unit_share);
  auto weight = [&](const char* field, double v) {
    if (!(v >= 0 && v <= 1e6)) errors.push_back({field, "权重应在 0 到 1000000 之间", 0});
  };
  weight("名额权重", g.seat_weight);
  weight("从未参训权重", g.never_trained_weight);
  weight("较早批次权重", g.older_round_weight);
  weight("目标权重", g.target_weight);
  weight("单位超限权重", g.unit_excess_weight);
  weight("省份超限权重", g.province_excess_weight);
  weight("单位类型超限权重", g.unit_type_excess_weight);
  weight("省份覆盖权重", g.province_coverage_weight);
  return errors;
}

double EvaluateAssignment(const PlanProblem& p, const std::vector<int>& class_of) {
  constexpr double kInfeasible = -std::numeric_limits<double>::infinity();
  if (class_of.size() != p.candidates.size()) return kInfeasible;
  Tally t(p);
  double total = 0;
  for (size_t i = 0; i < p.candidates.size(); ++i) {
    const Candidate& c = p.candidates[i];
    const int cls = class_of[i];
    if (cls == kNone) {
      if (c.kept || c.pinned) return kInfeasible;
      continue;
    }
    if (std::find(c.classes.begin(), c.classes.end(), cls) == c.classes.end()) return kInfeasible;
    if (c.kept && cls != c.classes[0]) return kInfeasible;
    t.Add(p, c, cls);
    total += PersonPoints(p, c);
  }
  for (size_t k = 0; k < p.event.classes.size(); ++k) {
    if (t.per_class[k] > p.event.classes[k].capacity) return kInfeasible;
  }
  return total + RosterTerms(p, t);
}

StatusOr<Plan> SolvePlan(const PlanProblem& p) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<FieldError> errors = ValidateGoals(p.goals, Seats(p.event));
  for (size_t k = 0; k < p.event.classes.size(); ++k) {
    if (const ClassGoals* goals = GoalsOfClass(p, k)) {
      for (FieldError& e : ValidateClassGoals(*goals, p.event.classes[k]))
        errors.push_back(std::move(e));
    }
  }
  if (!errors.empty()) {
    std::string message = "字段「" + errors.front().field + "」：" + errors.front().message;
    return InvalidArgument(std::move(message), std::move(errors));
  }
  const std::vector<Group> groups = MakeGroups(p);
  TP_ASSIGN_OR_RETURN(auto solved, Solve(p, groups));
  const Solution& s = solved;

  Plan plan;
  plan.event_code = p.event.code;
  plan.left_out = p.left_out;
  plan.seats = Seats(p.event);
  plan.variables = s.variables;
  plan.constraints = s.constraints;
  plan.optimal = s.optimal;
  for (const Candidate& c : p.candidates) plan.candidates += c.classes.empty() ? 0 : 1;

  Tally t(p);
  for (size_t i = 0; i < p.candidates.size(); ++i) {
    if (s.class_of[i] != kNone) t.Add(p, p.candidates[i], s.class_of[i]);
  }
  plan.filled = t.filled;
  plan.objective = EvaluateAssignment(p, s.class_of);
  plan.bound = std::max(s.bound, plan.objective);
  plan.gap =
      s.optimal || plan.bound == 0 ? 0 : (plan.bound - plan.objective) / std::fabs(plan.bound);

  // Roster lines, with what each person brings and how the roster's goals
  // stand around them.
  const int seats = plan.seats;
  std::vector<int> chosen_in_group(groups.size(), 0);
  std::vector<int> group_of(p.candidates.size(), -1);
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    for (int m : groups[gi].members) {
      group_of[static_cast<size_t>(m)] = static_cast<int>(gi);
      if (s.class_of[static_cast<size_t>(m)] != kNone) ++chosen_in_group[gi];
    }
  }
  for (const EventClass& c : p.event.classes)
    plan.classes.push_back({c.name, c.level, c.capacity, {}});
  for (size_t i = 0; i < p.candidates.size(); ++i) {
    const int cls = s.class_of[i];
    if (cls == kNone) continue;
    const Candidate& c = p.candidates[i];
    PlanLine line = LineFor(c, p.event.classes[static_cast<size_t>(cls)].name);
    line.points = PersonPoints(p, c);
    if (c.kept) line.reasons.push_back("已在本活动名单中（" + c.kept_state + "），保留");
    if (c.pinned) line.reasons.push_back("工作人员锁定");
    if (!c.kept) {
      line.reasons.push_back(c.trained_in_series
                                 ? "符合硬性条件：人才类别与班次条件、可否参加、无时间冲突"
                                 : "符合硬性条件：人才类别与班次条件、可否参加、无时间冲突、"
                                   "未参加过本系列");
    }
    DescribePerson(p, c, &line.reasons);
    for (int l = 0; l < 3; ++l) {
      const std::string& key = c.*(kLimits[l].field);
      if (key.empty()) continue;
      const int n = t.per_limit[l].at(key);
      const int limit = LimitOf(p.goals.*(kLimits[l].share), seats);
      std::string text = std::string(kLimits[l].label) + LimitValueLabel(l, c) + "在名单中共 " +
                         std::to_string(n) + " 人";
      if (limit != INT_MAX)
        text += "（上限 " + std::to_string(limit) + (n > limit ? "，已超出" : "") + "）";
      line.reasons.push_back(std::move(text));
    }
    const Group& grp = groups[static_cast<size_t>(group_of[i])];
    if (!grp.must &&
        static_cast<int>(grp.members.size()) > chosen_in_group[static_cast<size_t>(group_of[i])]) {
      line.reasons.push_back(
          "与其同等条件的 " + std::to_string(grp.members.size()) + " 人中按编号先后取 " +
          std::to_string(chosen_in_group[static_cast<size_t>(group_of[i])]) + " 人");
    }
    plan.classes[static_cast<size_t>(cls)].lines.push_back(std::move(line));
  }

  // The reserve: per class, the people left who would add most to this
  // roster if a seat came free.
  std::set<size_t> in_reserve;
  for (size_t cls = 0; cls < p.event.classes.size(); ++cls) {
    std::vector<std::pair<double, size_t>> ranked;
    for (size_t i = 0; i < p.candidates.size(); ++i) {
      const Candidate& c = p.candidates[i];
      if (s.class_of[i] != kNone || in_reserve.count(i) > 0) continue;
      if (std::find(c.classes.begin(), c.classes.end(), static_cast<int>(cls)) == c.classes.end())
        continue;
      ranked.emplace_back(MarginalPoints(p, c, cls, t), i);
    }
    const size_t keep =
        std::min(ranked.size(), static_cast<size_t>(std::max(p.reserve_per_class, 0)));
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<long>(keep), ranked.end(),
                      [](const auto& a, const auto& b) {
                        return a.first != b.first ? a.first > b.first : a.second < b.second;
                      });
    for (size_t r = 0; r < keep; ++r) {
      const Candidate& c = p.candidates[ranked[r].second];
      in_reserve.insert(ranked[r].second);
      PlanLine line = LineFor(c, p.event.classes[cls].name);
      line.rank = static_cast<int>(r) + 1;
      line.points = ranked[r].first;
      line.reasons.push_back("候补第 " + std::to_string(r + 1) + " 位：若有空缺可增加 " +
                             Fixed(line.points) + " 分");
      DescribePerson(p, c, &line.reasons);
      std::string why = "未入选：班次名额已满";
      for (int l = 0; l < 3; ++l) {
        const std::string& key = c.*(kLimits[l].field);
        if (key.empty()) continue;
        auto it = t.per_limit[l].find(key);
        const int limit = LimitOf(p.goals.*(kLimits[l].share), seats);
        if (it != t.per_limit[l].end() && it->second >= limit) {
          why += "；" + std::string(kLimits[l].label) + LimitValueLabel(l, c) + "已有 " +
                 std::to_string(it->second) + " 人（上限 " + std::to_string(limit) + "）";
        }
      }
      line.reasons.push_back(std::move(why));
      plan.reserve.push_back(std::move(line));
    }
  }
  plan.goals = Figures(p, t);
  AddClassFigures(p, t, &plan.goals);
  plan.solve_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return plan;
}

StatusOr<Plan> PlanEvent(Store& store, const PlanRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  TP_ASSIGN_OR_RETURN(auto problem, LoadPlanProblem(store, request));
  const double load =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto plan = SolvePlan(problem);
  if (!plan.ok()) return plan.status();
  plan->load_seconds = load;
  return plan;
}

}  // namespace tp::registry
