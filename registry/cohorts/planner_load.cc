// Reading a planning problem from the registry: the admitted pool, the
// event's enrolments and everyone's history, with the hard constraints
// applied (planner.h).
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "registry/base/paths.h"
#include "registry/cohorts/class_rules.h"
#include "registry/cohorts/internal/cohorts_internal.h"
#include "registry/cohorts/planner.h"
#include "registry/fields/reference_data.h"
#include "registry/store/db_handle.h"

namespace tp::registry {
namespace {

using namespace cohorts_internal;

// Why the hard constraints leave someone out, in the order they are checked.
constexpr const char* kLeftOut[] = {
    "工作人员排除",           "已去世",
    "入库晚于活动开始",       "已谢绝或已被移出本活动",
    "人才类别与班次层次不符", "不符合班次条件（年龄）",
    "已标注不能参加本活动",   "推荐单位未标注可否参加",
    "同期已在其他活动名单中", "已参加过本系列培训",
};
enum LeftOut {
  kExcluded,
  kDeceased,
  kAdmittedLate,
  kDeclined,
  kLevel,
  kCondition,
  kUnavailable,
  kUnknown,
  kBusy,
  kTrained
};

// What the enrolments say about one person.
struct History {
  bool attended_any = false;
  bool attended_series = false;  // another event of this event's series
  bool busy = false;             // a seat in another, overlapping event
  std::string state_here;        // in this event
  int64_t class_here = 0;
};

// What the request pins and excludes, checked against each other.
struct Choices {
  std::map<std::string, std::string> pins;  // 编号 -> class name
  std::set<std::string> excluded;
};

StatusOr<Choices> CheckRequest(const PlanRequest& request) {
  if (request.reserve_per_class < 0 || request.reserve_per_class > 1000) {
    return InvalidArgument("字段「每班候补人数」：应在 0 到 1000 之间",
                           {{"每班候补人数", "应在 0 到 1000 之间", 0}});
  }
  if (!(request.time_limit_seconds > 0 && request.time_limit_seconds <= 600)) {
    return InvalidArgument("字段「求解时限」：应在 0 到 600 秒之间",
                           {{"求解时限", "应在 0 到 600 秒之间", 0}});
  }
  Choices choices;
  for (const Pin& pin : request.pinned) {
    if (!choices.pins.emplace(pin.person_id, pin.class_name).second) {
      return InvalidArgument("字段「锁定」：编号 " + pin.person_id + " 重复",
                             {{"锁定", pin.person_id + " 重复", 0}});
    }
  }
  choices.excluded.insert(request.excluded.begin(), request.excluded.end());
  for (const auto& pin : choices.pins) {
    const std::string& id = pin.first;
    if (choices.excluded.count(id) > 0) {
      return InvalidArgument("编号 " + id + " 既被锁定又被排除",
                             {{"锁定", id + " 同时在排除名单中", 0}});
    }
  }
  return choices;
}

// The request's goals per class, parallel to the event's classes (left empty when there are
// none), their problems added to `errors`. InvalidArgument for a class the event lacks.
Status ClassGoalsOf(const PlanRequest& request, const Event& event, std::vector<ClassGoals>* out,
                    std::vector<FieldError>* errors) {
  if (request.class_goals.empty()) return Status::Ok();
  for (const auto& entry : request.class_goals) {
    const std::string& name = entry.first;  // a named variable: clang 14 captures no binding
    const bool known = std::any_of(event.classes.begin(), event.classes.end(),
                                   [&name](const EventClass& c) { return c.name == name; });
    if (!known) {
      return InvalidArgument(
          "字段「班次目标」：活动" + Quote(event.title) + "没有班次" + Quote(name),
          {{"班次目标", "没有班次" + Quote(name), 0}});
    }
  }
  for (const EventClass& c : event.classes) {
    auto it = request.class_goals.find(c.name);
    const ClassGoals goals = it == request.class_goals.end() ? ClassGoals() : it->second;
    for (FieldError& e : ValidateClassGoals(goals, c)) errors->push_back(std::move(e));
    out->push_back(goals);
  }
  return Status::Ok();
}

// Staff's own availability settings for the event, by person rowid.
std::unordered_map<int64_t, bool> LoadStaffSays(SQLite::Database& db, const EventRow& event) {
  std::unordered_map<int64_t, bool> staff_says;
  SQLite::Statement st(db, "SELECT person_id, available FROM availability WHERE event_id=?");
  st.bind(1, static_cast<int64_t>(event.rowid));
  while (st.executeStep()) staff_says[st.getColumn(0).getInt64()] = st.getColumn(1).getInt() != 0;
  return staff_says;
}

// Everyone's enrolments as they bear on `event`, by person rowid.
std::unordered_map<int64_t, History> LoadHistory(SQLite::Database& db, const EventRow& event) {
  const Event& e = event.event;
  std::unordered_map<int64_t, History> history;
  SQLite::Statement st(db,
                       "SELECT n.person_id, n.event_id, n.state, coalesce(n.class_id,0), "
                       "coalesce(e.series,''), e.starts_on, e.ends_on FROM enrolments n "
                       "JOIN events e ON e.id=n.event_id");
  while (st.executeStep()) {
    History& h = history[st.getColumn(0).getInt64()];
    const bool here = st.getColumn(1).getInt64() == event.rowid;
    const std::string state = st.getColumn(2).getString();
    const auto parsed = ParseState(state);
    if (state == "attended") {
      h.attended_any = true;
      if (!here && !e.series.empty() && st.getColumn(4).getString() == e.series)
        h.attended_series = true;
    }
    if (here) {
      h.state_here = state;
      h.class_here = st.getColumn(3).getInt64();
    } else if (parsed && HoldsSeat(*parsed) && st.getColumn(5).getString() <= e.ends_on &&
               st.getColumn(6).getString() >= e.starts_on) {
      h.busy = true;
    }
  }
  return history;
}

// The pool, person by person, against the hard constraints: who stays a
// candidate, how many are left out for each reason, and whether every pin and
// exclusion named someone in the pool.
class PoolFilter {
 public:
  PoolFilter(const PlanRequest& request, const EventRow& event, Choices choices,
             std::unordered_map<int64_t, bool> staff_says,
             std::unordered_map<int64_t, History> history)
      : request_(request),
        event_(event),
        choices_(std::move(choices)),
        staff_says_(std::move(staff_says)),
        history_(std::move(history)) {}

  // Adds `c` to the problem's candidates or counts why it is left out. An error
  // when a pin or an exclusion cannot hold. `sheet` is what the unit's sheet says.
  Status Consider(Candidate c, const std::string& employment, const Availability& sheet,
                  PlanProblem* problem) {
    auto pin = choices_.pins.find(c.person_id);
    c.pinned = pin != choices_.pins.end();
    if (c.pinned) found_pins_.insert(c.person_id);
    const bool is_excluded = choices_.excluded.count(c.person_id) > 0;
    if (is_excluded) found_excluded_.insert(c.person_id);

    auto h_it = history_.find(c.rowid);
    const History h = h_it == history_.end() ? History() : h_it->second;
    c.never_trained = !h.attended_any;
    c.trained_in_series = h.attended_series;
    c.waitlisted = h.state_here == "waitlisted";
    const auto here = ParseState(h.state_here);
    if (here && HoldsSeat(*here)) {
      if (is_excluded) {
        return RuleViolated(c.name + "（" + c.person_id + "）已在本活动名单中（" +
                            std::string(StateLabel(*here)) +
                            "），不能排除；如需调整，请先将其移出");
      }
      if (KeepSeat(&c, *here, h.class_here)) {
        problem->candidates.push_back(std::move(c));
        return Status::Ok();
      }
    }
    const std::vector<EventClass>& classes = event_.event.classes;
    bool level_fits = false;
    std::string condition_failure;  // of the first class whose level fits
    for (size_t k = 0; k < classes.size(); ++k) {
      const std::string& level = classes[k].level;
      if (!level.empty() && level != c.tier) continue;
      level_fits = true;
      auto failed = ClassConditionFailure(classes[k], event_.event.starts_on, c.name, c.birth_date);
      if (failed) {
        if (condition_failure.empty()) condition_failure = *failed;
        continue;
      }
      c.classes.push_back(static_cast<int>(k));
    }
    std::optional<bool> available = sheet.available;
    if (auto s = staff_says_.find(c.rowid); s != staff_says_.end()) available = s->second;

    const int reason = LeftOutReason(c, employment, available, h, is_excluded, level_fits);
    if (reason >= 0) {
      if (c.pinned) {
        return RuleViolated("锁定的" + c.name + "（" + c.person_id + "）不能入选：" +
                            (reason == kCondition ? condition_failure : kLeftOut[reason]));
      }
      ++counts_[reason];
      return Status::Ok();
    }
    if (c.pinned && !pin->second.empty()) TP_RETURN_IF_ERROR(PinToClass(&c, pin->second));
    problem->candidates.push_back(std::move(c));
    return Status::Ok();
  }

  // NotFound for a pinned or excluded 编号 that the pool did not hold.
  Status CheckAllFound() const {
    for (const auto& pin : choices_.pins) {
      const std::string& id = pin.first;
      if (found_pins_.count(id) == 0)
        return NotFound("锁定的编号 " + id + " 不在人才库中（未入库或不存在）");
    }
    for (const std::string& id : choices_.excluded) {
      if (found_excluded_.count(id) == 0)
        return NotFound("排除的编号 " + id + " 不在人才库中（未入库或不存在）");
    }
    return Status::Ok();
  }

  // (reason, count) for each reason that left someone out, in kLeftOut's order.
  std::vector<std::pair<std::string, int>> LeftOutCounts() const {
    std::vector<std::pair<std::string, int>> out;
    for (size_t r = 0; r < std::size(kLeftOut); ++r) {
      if (counts_[r] > 0) out.emplace_back(kLeftOut[r], counts_[r]);
    }
    return out;
  }

 private:
  // Already holding a seat: kept where it is, whatever the rules say now.
  // False when the seat's class is no longer the event's.
  bool KeepSeat(Candidate* c, EnrolmentState state, int64_t class_rowid) const {
    for (size_t k = 0; k < event_.class_rowids.size(); ++k) {
      if (event_.class_rowids[k] == class_rowid) c->classes = {static_cast<int>(k)};
    }
    if (c->classes.empty()) return false;
    c->kept = true;
    c->pinned = false;
    c->kept_state = std::string(StateLabel(state));
    return true;
  }

  // The first hard constraint that leaves `c` out (an index of kLeftOut), or -1.
  int LeftOutReason(const Candidate& c, const std::string& employment,
                    const std::optional<bool>& available, const History& h, bool is_excluded,
                    bool level_fits) const {
    if (is_excluded) return kExcluded;
    if (employment == "去世") return kDeceased;
    if (AdmittedAfterStart(event_.event.starts_on, c.name, c.admitted_on)) return kAdmittedLate;
    if (h.state_here == "declined" || h.state_here == "removed") return kDeclined;
    if (!level_fits) return kLevel;
    if (c.classes.empty()) return kCondition;
    if (available.has_value() && !*available) return kUnavailable;
    if (!available.has_value()) return kUnknown;
    if (h.busy) return kBusy;
    if (h.attended_series && !request_.allow_retrained && !c.pinned) return kTrained;
    return -1;
  }

  // Narrows a pinned candidate's classes to the one the pin names.
  Status PinToClass(Candidate* c, const std::string& class_name) const {
    std::vector<int> only;
    for (int k : c->classes) {
      if (event_.event.classes[static_cast<size_t>(k)].name == class_name) only.push_back(k);
    }
    if (only.empty()) {
      return RuleViolated("锁定的" + c->name + "（" + c->person_id + "）不能进入班次" +
                          Quote(class_name) + "：人才类别为" +
                          Quote(c->tier.empty() ? "未填" : c->tier) +
                          "、不符合该班次的条件或没有该班次");
    }
    c->classes = std::move(only);
    return Status::Ok();
  }

  const PlanRequest& request_;
  const EventRow& event_;
  const Choices choices_;
  const std::unordered_map<int64_t, bool> staff_says_;
  const std::unordered_map<int64_t, History> history_;
  std::set<std::string> found_pins_, found_excluded_;
  int counts_[std::size(kLeftOut)] = {};
};

// Reads the admitted pool in 编号 order, each person through `filter`.
Status ReadPool(SQLite::Database& db, const ReferenceData& reference, PoolFilter& filter,
                PlanProblem* problem) {
  SQLite::Statement st(
      db,
      "SELECT p.id, p.public_id, p.name, coalesce(p.gender,''), coalesce(p.ethnic_group,''), "
      "coalesce(p.group_type,''), coalesce(p.employment_status,''), "
      "coalesce(nullif(p.province,''), u.province, ''), coalesce(u.name,''), "
      "coalesce(u.type,''), p.can_attend_seminar, p.can_attend_study_tour, a.first_year, "
      "(SELECT t.tier FROM admissions t WHERE t.person_id=p.id ORDER BY t.year DESC LIMIT 1), "
      "a.last_year, coalesce(p.birth_date,''), coalesce(" +
          std::string(kAdmittedOnSql) +
          ",'') "
          "FROM persons p JOIN (SELECT person_id, min(year) AS first_year, max(year) AS last_year "
          "FROM admissions GROUP BY person_id) a ON a.person_id=p.id "
          "LEFT JOIN units u ON u.id=p.unit_id WHERE p.merged_into IS NULL ORDER BY p.public_id");
  while (st.executeStep()) {
    Candidate c;
    c.rowid = st.getColumn(0).getInt64();
    c.person_id = st.getColumn(1).getString();
    c.name = st.getColumn(2).getString();
    c.gender = st.getColumn(3).getString();
    c.ethnic_group = st.getColumn(4).getString();
    c.group_type = st.getColumn(5).getString();
    const std::string employment = st.getColumn(6).getString();
    c.province = st.getColumn(7).getString();
    if (const std::string* name = reference.ProvinceName(c.province)) c.province_name = *name;
    c.unit = st.getColumn(8).getString();
    c.unit_type = st.getColumn(9).getString();
    const Availability sheet = SheetAvailability(problem->event.availability_field,
                                                 ColumnBool(st, 10), ColumnBool(st, 11));
    c.admission_year = st.getColumn(12).getInt();
    c.tier = ColumnText(st, 13);
    problem->newest_year = std::max(problem->newest_year, st.getColumn(14).getInt());
    c.birth_date = st.getColumn(15).getString();
    c.admitted_on = st.getColumn(16).getString();
    TP_RETURN_IF_ERROR(filter.Consider(std::move(c), employment, sheet, problem));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<PlanProblem> LoadPlanProblem(Store& store, const PlanRequest& request) {
  TP_ASSIGN_OR_RETURN(auto reference, ReferenceData::Load(DataDir()));
  TP_ASSIGN_OR_RETURN(Choices choices, CheckRequest(request));

  PlanProblem problem;
  problem.goals = request.goals;
  problem.reserve_per_class = request.reserve_per_class;
  problem.time_limit_seconds = request.time_limit_seconds;
  try {
    auto db = store.Db().Read();
    // One read transaction: the pool and the enrolments as of one moment.
    SQLite::Transaction snapshot(*db);
    EventRow event;
    if (!LoadEventOn(*db, request.event_code, &event)) {
      return NotFound("没有代码为 " + request.event_code + " 的培训活动");
    }
    problem.event = event.event;
    int seats = 0;
    for (const EventClass& c : problem.event.classes) seats += c.capacity;
    std::vector<FieldError> errors = ValidateGoals(request.goals, seats);
    TP_RETURN_IF_ERROR(ClassGoalsOf(request, problem.event, &problem.class_goals, &errors));
    if (!errors.empty()) {
      std::string message = "字段「" + errors.front().field + "」：" + errors.front().message;
      return InvalidArgument(std::move(message), std::move(errors));
    }

    PoolFilter filter(request, event, std::move(choices), LoadStaffSays(*db, event),
                      LoadHistory(*db, event));
    TP_RETURN_IF_ERROR(ReadPool(*db, reference, filter, &problem));
    TP_RETURN_IF_ERROR(filter.CheckAllFound());
    problem.left_out = filter.LeftOutCounts();
    snapshot.commit();
  } catch (const SQLite::Exception& ex) {
    return FromSqlite(ex, "读取排班数据");
  }
  return problem;
}

}  // namespace tp::registry
