// Enrolments (cohorts.h): invitations, the waiting list and its promotions,
// attendance, and rosters applied from the planner.
#include <SQLiteCpp/SQLiteCpp.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "registry/cohorts/class_rules.h"
#include "registry/cohorts/cohorts.h"
#include "registry/cohorts/internal/cohorts_internal.h"
#include "registry/store/db_handle.h"

namespace tp::registry {
namespace {

using namespace cohorts_internal;
using json = nlohmann::json;

constexpr std::string_view kStateNames[] = {"invited", "confirmed", "waitlisted", "declined",
                                            "removed", "attended",  "absent"};
constexpr std::string_view kStateLabels[] = {"已邀请", "已确认", "候补", "已谢绝",
                                             "已移出", "已参加", "缺席"};
constexpr std::string_view kActionNames[] = {"invite", "waitlist", "confirm", "decline",
                                             "remove", "attend",   "absent"};

// One enrolment row as the transaction sees it.
struct EnrolmentRow {
  int64_t rowid = 0;
  int64_t class_rowid = 0;
  EnrolmentState state = EnrolmentState::kInvited;
  int64_t version = 0;
};

std::optional<EnrolmentRow> FindEnrolment(SQLite::Database& db, int64_t event_rowid,
                                          int64_t person_rowid) {
  SQLite::Statement st(db,
                       "SELECT id, coalesce(class_id,0), state, version FROM enrolments "
                       "WHERE event_id=? AND person_id=?");
  st.bind(1, static_cast<int64_t>(event_rowid));
  st.bind(2, static_cast<int64_t>(person_rowid));
  if (!st.executeStep()) return std::nullopt;
  EnrolmentRow r;
  r.rowid = st.getColumn(0).getInt64();
  r.class_rowid = st.getColumn(1).getInt64();
  r.state = *ParseState(st.getColumn(2).getString());
  r.version = st.getColumn(3).getInt64();
  return r;
}

constexpr const char* kEnrolmentSelect =
    "SELECT e.code, coalesce(c.name,''), p.public_id, p.name, n.state, "
    "CASE WHEN n.state='waitlisted' THEN (SELECT count(*) FROM enrolments w WHERE "
    " w.class_id IS n.class_id AND w.event_id=n.event_id AND w.state='waitlisted' AND "
    " w.waitlist_pos<=n.waitlist_pos) ELSE 0 END, n.version, n.updated_at "
    "FROM enrolments n JOIN events e ON e.id=n.event_id JOIN persons p ON p.id=n.person_id "
    "LEFT JOIN classes c ON c.id=n.class_id ";

Enrolment ReadEnrolment(SQLite::Statement& st) {
  Enrolment e;
  e.event_code = st.getColumn(0).getString();
  e.class_name = st.getColumn(1).getString();
  e.person_id = st.getColumn(2).getString();
  e.person_name = st.getColumn(3).getString();
  e.state = ParseState(st.getColumn(4).getString()).value_or(EnrolmentState::kInvited);
  e.waitlist_rank = st.getColumn(5).getInt();
  e.version = st.getColumn(6).getInt64();
  e.updated_at = st.getColumn(7).getString();
  return e;
}

Enrolment EnrolmentById(SQLite::Database& db, int64_t rowid) {
  SQLite::Statement st(db, std::string(kEnrolmentSelect) + "WHERE n.id=?");
  st.bind(1, static_cast<int64_t>(rowid));
  st.executeStep();
  return ReadEnrolment(st);
}

// The class a person goes to: the one named, else the only one of the
// event that takes the person's tier.
StatusOr<size_t> ResolveClass(const EventRow& event, const PersonRow& person,
                              std::string_view class_name) {
  const std::vector<EventClass>& classes = event.event.classes;
  if (!class_name.empty()) {
    for (size_t i = 0; i < classes.size(); ++i) {
      if (classes[i].name == class_name) return i;
    }
    return NotFound("活动" + Quote(event.event.title) + "没有班次" + Quote(class_name));
  }
  std::optional<size_t> found;
  for (size_t i = 0; i < classes.size(); ++i) {
    if (!classes[i].level.empty() && classes[i].level != person.tier) continue;
    if (found) {
      return InvalidArgument("字段「班次」：" + person.name + "可进入多个班次，请指定班次",
                             {{"班次", "请指定班次", 0}});
    }
    found = i;
  }
  if (!found) {
    return RuleViolated(person.name + "的人才类别为" +
                        Quote(person.tier.empty() ? "未填" : person.tier) + "，活动" +
                        Quote(event.event.title) + "没有对应的班次");
  }
  return *found;
}

// The rules a person must meet to be given a place (a seat or the waiting
// list) in a class, as the planner applies them to the whole pool.
Status CheckPlaceRules(SQLite::Database& db, const EventRow& event, size_t class_index,
                       const PersonRow& person, bool allow_retrained) {
  const Event& e = event.event;
  const EventClass& c = e.classes[class_index];
  if (!person.admitted)
    return RuleViolated(person.name + "（" + person.public_id + "）尚未入库，不能参加培训");
  if (person.employment_status == "去世") return RuleViolated(person.name + "已去世");
  if (auto late = AdmittedAfterStart(e.starts_on, person.name, person.admitted_on))
    return RuleViolated(*late);
  if (!c.level.empty() && c.level != person.tier) {
    return RuleViolated(person.name + "的人才类别为" +
                        Quote(person.tier.empty() ? "未填" : person.tier) + "，与班次" +
                        Quote(c.name) + "（" + c.level + "）不符");
  }
  if (auto failed = ClassConditionFailure(c, e.starts_on, person.name, person.birth_date))
    return RuleViolated(*failed);
  Availability a = AvailabilityOn(db, event, person);
  if (!a.available.value_or(false)) {
    if (a.available.has_value()) {
      return RuleViolated(person.name + "已标注不能参加" + Quote(e.title) +
                          (a.source == "staff" ? "（工作人员设置）" : "（单位报送）"));
    }
    return RuleViolated(person.name + "的推荐单位未标注" +
                        Quote(AvailabilityFieldLabel(e.availability_field)) +
                        "；确认可参加后请先设置可否参加");
  }
  SQLite::Statement busy(
      db,
      "SELECT e.title FROM enrolments n JOIN events e ON e.id=n.event_id "
      "WHERE n.person_id=? AND n.event_id<>? AND e.starts_on<=? AND e.ends_on>=? "
      "AND n.state IN ('invited','confirmed','attended','absent') LIMIT 1");
  busy.bind(1, static_cast<int64_t>(person.rowid));
  busy.bind(2, static_cast<int64_t>(event.rowid));
  busy.bind(3, e.ends_on);
  busy.bind(4, e.starts_on);
  if (busy.executeStep()) {
    return RuleViolated(person.name + "已在同期活动" + Quote(busy.getColumn(0).getString()) +
                        "的名单中");
  }
  if (!allow_retrained && !e.series.empty()) {
    SQLite::Statement trained(db,
                              "SELECT e.title FROM enrolments n JOIN events e ON e.id=n.event_id "
                              "WHERE n.person_id=? AND n.event_id<>? AND e.series=? AND "
                              "n.state='attended' LIMIT 1");
    trained.bind(1, static_cast<int64_t>(person.rowid));
    trained.bind(2, static_cast<int64_t>(event.rowid));
    trained.bind(3, e.series);
    if (trained.executeStep()) {
      return RuleViolated(person.name + "已参加过同系列的" +
                          Quote(trained.getColumn(0).getString()) +
                          "；如确需再次参加，请勾选允许重复参训");
    }
  }
  return Status::Ok();
}

int SeatsTaken(SQLite::Database& db, int64_t class_rowid) {
  SQLite::Statement st(db,
                       "SELECT count(*) FROM enrolments WHERE class_id=? AND "
                       "state IN ('invited','confirmed','attended','absent')");
  st.bind(1, static_cast<int64_t>(class_rowid));
  st.executeStep();
  return st.getColumn(0).getInt();
}

// Writes the new state of a person's enrolment (inserting it when new) and
// returns its rowid. `waitlist_pos` 0 writes NULL.
// Writes the new state of a person's enrolment (inserting it when new), naming `who` for the
// history the schema keeps, and returns its rowid. `waitlist_pos` 0 writes NULL.
int64_t WriteState(SQLite::Database& db, int64_t event_rowid, int64_t class_rowid,
                   int64_t person_rowid, const std::optional<EnrolmentRow>& existing,
                   EnrolmentState state, int64_t waitlist_pos, const AuditEntry& who) {
  if (existing) {
    SQLite::Statement st(
        db,
        "UPDATE enrolments SET class_id=?, state=?, waitlist_pos=?, version=version+1, "
        "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now'), changed_by=?, changed_by_name=? "
        "WHERE id=?");
    st.bind(1, static_cast<int64_t>(class_rowid));
    st.bind(2, std::string(StateName(state)));
    if (waitlist_pos > 0) {
      st.bind(3, static_cast<int64_t>(waitlist_pos));
    } else {
      st.bind(3);
    }
    BindText(st, 4, who.actor);
    BindText(st, 5, who.actor_name);
    st.bind(6, static_cast<int64_t>(existing->rowid));
    st.exec();
    return existing->rowid;
  }
  SQLite::Statement st(db,
                       "INSERT INTO enrolments(event_id, class_id, person_id, state, waitlist_pos, "
                       "changed_by, changed_by_name) VALUES(?,?,?,?,?,?,?)");
  st.bind(1, static_cast<int64_t>(event_rowid));
  st.bind(2, static_cast<int64_t>(class_rowid));
  st.bind(3, static_cast<int64_t>(person_rowid));
  st.bind(4, std::string(StateName(state)));
  if (waitlist_pos > 0) {
    st.bind(5, static_cast<int64_t>(waitlist_pos));
  } else {
    st.bind(5);
  }
  BindText(st, 6, who.actor);
  BindText(st, 7, who.actor_name);
  st.exec();
  return db.getLastInsertRowid();
}

int64_t NextWaitlistPos(SQLite::Database& db, int64_t class_rowid) {
  SQLite::Statement st(db,
                       "SELECT coalesce(max(waitlist_pos),0)+1 FROM enrolments WHERE class_id=? "
                       "AND state='waitlisted'");
  st.bind(1, static_cast<int64_t>(class_rowid));
  st.executeStep();
  return st.getColumn(0).getInt64();
}

}  // namespace

Enrolment cohorts_internal::EnrolmentOn(SQLite::Database& db, int64_t rowid) {
  std::vector<Enrolment> one = {EnrolmentById(db, rowid)};
  SQLite::Statement st(db, "SELECT person_id FROM enrolments WHERE id=?");
  st.bind(1, rowid);
  if (st.executeStep()) FillDaysOn(db, false, st.getColumn(0).getInt64(), &one);
  return one.front();
}

std::optional<Enrolment> cohorts_internal::PromoteOn(SQLite::Database& db, const EventRow& event,
                                                     int64_t class_rowid, const AuditEntry& who,
                                                     const std::string& freed_by) {
  const Event& e = event.event;
  SQLite::Statement next(
      db,
      "SELECT n.id, p.public_id, n.person_id FROM enrolments n "
      "JOIN persons p ON p.id=n.person_id WHERE n.class_id=? AND "
      "n.state='waitlisted' AND NOT EXISTS (SELECT 1 FROM enrolments o JOIN events "
      "oe ON oe.id=o.event_id WHERE o.person_id=n.person_id AND o.event_id<>n.event_id "
      "AND oe.starts_on<=? AND oe.ends_on>=? AND "
      "o.state IN ('invited','confirmed','attended','absent')) "
      "AND NOT EXISTS (SELECT 1 FROM availability a WHERE a.person_id=n.person_id "
      "AND a.event_id=n.event_id AND a.available=0) "
      "ORDER BY n.waitlist_pos, p.public_id LIMIT 1");
  next.bind(1, static_cast<int64_t>(class_rowid));
  next.bind(2, e.ends_on);
  next.bind(3, e.starts_on);
  if (!next.executeStep()) return std::nullopt;
  int64_t rowid = next.getColumn(0).getInt64();
  std::string public_id = next.getColumn(1).getString();
  next.reset();
  SQLite::Statement up(
      db,
      "UPDATE enrolments SET state='invited', waitlist_pos=NULL, version=version+1, "
      "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now'), changed_by=?, changed_by_name=? "
      "WHERE id=?");
  BindText(up, 1, who.actor);
  BindText(up, 2, who.actor_name);
  up.bind(3, static_cast<int64_t>(rowid));
  up.exec();
  AuditOn(db, who, "promote", "enrolment", ObjectId(e, public_id),
          json{{"from", "waitlisted"}, {"to", "invited"}, {"seat_freed_by", freed_by}});
  return EnrolmentById(db, rowid);
}

namespace {

bool IsClassFull(const SQLite::Exception& e) {
  return std::strstr(e.what(), "class_full") != nullptr;
}

Status ClassFull(const EventClass& c, int taken) {
  return RuleViolated("班次" + Quote(c.name) + "名额已满（" + std::to_string(taken) + "/" +
                      std::to_string(c.capacity) + "），可加入候补名单");
}

// How many people wait on the class's list ahead of `person` (all of them when the person is
// not on it), in the order promotions take them.
int WaitingAhead(SQLite::Database& db, int64_t class_rowid, const PersonRow& person) {
  SQLite::Statement st(
      db,
      "SELECT count(*) FROM enrolments n JOIN persons p ON p.id=n.person_id "
      "WHERE n.class_id=?1 AND n.state='waitlisted' AND n.person_id<>?2 AND NOT EXISTS ("
      " SELECT 1 FROM enrolments m JOIN persons q ON q.id=m.person_id WHERE m.class_id=?1 AND "
      " m.person_id=?2 AND m.state='waitlisted' AND "
      " (m.waitlist_pos<n.waitlist_pos OR (m.waitlist_pos=n.waitlist_pos AND "
      "  q.public_id<p.public_id)))");
  st.bind(1, class_rowid);
  st.bind(2, person.rowid);
  st.executeStep();
  return st.getColumn(0).getInt();
}

// Gives `person` a place: a seat (invite) or the end of the waiting list. A seat goes to the
// first person waiting: inviting anyone else while people wait is refused unless staff say
// they mean to pass them over (`ahead_of_waitlist`, which answers how many were passed over
// through `passed_over`). The waiting list is for a full class only.
StatusOr<int64_t> PlaceOn(SQLite::Database& db, const EventRow& event, const PersonRow& person,
                          EnrolmentAction action, const std::optional<EnrolmentRow>& existing,
                          std::string_view class_name, bool allow_retrained, const AuditEntry& who,
                          bool ahead_of_waitlist = false, int* passed_over = nullptr) {
  TP_ASSIGN_OR_RETURN(auto class_index, ResolveClass(event, person, class_name));
  TP_RETURN_IF_ERROR(CheckPlaceRules(db, event, class_index, person, allow_retrained));
  const EventClass& c = event.event.classes[class_index];
  const int64_t class_rowid = event.class_rowids[class_index];
  const int taken = SeatsTaken(db, class_rowid);
  if (action == EnrolmentAction::kInvite) {
    if (taken >= c.capacity) return ClassFull(c, taken);
    const int ahead = WaitingAhead(db, class_rowid, person);
    if (ahead > 0 && !ahead_of_waitlist) {
      return RuleViolated(
          "班次" + Quote(c.name) + "的候补名单上有 " + std::to_string(ahead) + " 人排在" +
              person.name +
              "之前：空出的名额应先给候补者；如确需越过候补名单直接邀请，请点"
              "「越过候补名单邀请」（记入审计日志）",
          {{"ahead_of_waitlist", std::to_string(ahead) + " 人在候补名单上排在前面", 0}});
    }
    if (passed_over != nullptr) *passed_over = ahead;
    return WriteState(db, event.rowid, class_rowid, person.rowid, existing,
                      EnrolmentState::kInvited, 0, who);
  }
  if (taken < c.capacity) {
    return RuleViolated("班次" + Quote(c.name) + "尚有 " + std::to_string(c.capacity - taken) +
                        " 个空余名额：请直接邀请，不必候补");
  }
  return WriteState(db, event.rowid, class_rowid, person.rowid, existing,
                    EnrolmentState::kWaitlisted, NextWaitlistPos(db, class_rowid), who);
}

// Which states an action may start from.
bool Allowed(EnrolmentAction action, const std::optional<EnrolmentRow>& existing) {
  using S = EnrolmentState;
  if (!existing) return action == EnrolmentAction::kInvite || action == EnrolmentAction::kWaitlist;
  const S s = existing->state;
  switch (action) {
    case EnrolmentAction::kInvite:
      return s == S::kWaitlisted || s == S::kDeclined || s == S::kRemoved;
    case EnrolmentAction::kWaitlist: return s == S::kDeclined || s == S::kRemoved;
    case EnrolmentAction::kConfirm: return s == S::kInvited;
    case EnrolmentAction::kDecline:
    case EnrolmentAction::kRemove:
      return s == S::kInvited || s == S::kConfirmed || s == S::kWaitlisted;
    case EnrolmentAction::kAttend: return s == S::kConfirmed || s == S::kAbsent;
    // As a day's mark: only a confirmed seat (an invited person who turns up is confirmed
    // first, one who never answered is declined or removed).
    case EnrolmentAction::kAbsent: return s == S::kConfirmed || s == S::kAttended;
  }
  return false;
}

EnrolmentState TargetState(EnrolmentAction action) {
  switch (action) {
    case EnrolmentAction::kInvite: return EnrolmentState::kInvited;
    case EnrolmentAction::kWaitlist: return EnrolmentState::kWaitlisted;
    case EnrolmentAction::kConfirm: return EnrolmentState::kConfirmed;
    case EnrolmentAction::kDecline: return EnrolmentState::kDeclined;
    case EnrolmentAction::kRemove: return EnrolmentState::kRemoved;
    case EnrolmentAction::kAttend: return EnrolmentState::kAttended;
    case EnrolmentAction::kAbsent: return EnrolmentState::kAbsent;
  }
  return EnrolmentState::kInvited;
}

std::string ActionLabel(EnrolmentAction action) {
  switch (action) {
    case EnrolmentAction::kInvite: return "邀请";
    case EnrolmentAction::kWaitlist: return "加入候补";
    case EnrolmentAction::kConfirm: return "确认";
    case EnrolmentAction::kDecline: return "谢绝";
    case EnrolmentAction::kRemove: return "移出";
    case EnrolmentAction::kAttend: return "记为已参加";
    case EnrolmentAction::kAbsent: return "记为缺席";
  }
  return "";
}

}  // namespace

std::string_view StateName(EnrolmentState state) { return kStateNames[static_cast<int>(state)]; }
std::string_view StateLabel(EnrolmentState state) { return kStateLabels[static_cast<int>(state)]; }

std::optional<EnrolmentState> ParseState(std::string_view name_or_label) {
  for (int i = 0; i < 7; ++i) {
    if (kStateNames[i] == name_or_label || kStateLabels[i] == name_or_label) {
      return static_cast<EnrolmentState>(i);
    }
  }
  return std::nullopt;
}

bool HoldsSeat(EnrolmentState state) {
  return state == EnrolmentState::kInvited || state == EnrolmentState::kConfirmed ||
         state == EnrolmentState::kAttended || state == EnrolmentState::kAbsent;
}

std::string_view ActionName(EnrolmentAction action) {
  return kActionNames[static_cast<int>(action)];
}

std::optional<EnrolmentAction> ParseAction(std::string_view name) {
  for (int i = 0; i < 7; ++i) {
    if (kActionNames[i] == name) return static_cast<EnrolmentAction>(i);
  }
  return std::nullopt;
}

StatusOr<ActionResult> Cohorts::Act(std::string_view event_code, std::string_view person_id,
                                    EnrolmentAction action, const ActionOptions& options,
                                    const AuditEntry& who) {
  try {
    // IMMEDIATE, as every write: the seat count read below cannot go stale before the write,
    // even against another process.
    TP_ASSIGN_OR_RETURN(auto write, db_.Write());
    SQLite::Database& db = write->Connection();
    EventRow event;
    if (!LoadEventOn(db, event_code, &event)) return NoEvent(event_code);
    PersonRow person;
    if (!LoadPersonOn(db, person_id, &person)) return NoPerson(person_id);
    std::optional<EnrolmentRow> existing = FindEnrolment(db, event.rowid, person.rowid);
    if (options.expected_version != 0 &&
        (!existing || existing->version != options.expected_version)) {
      return PreconditionFailed("报名记录已被他人修改（当前版本 " +
                                std::to_string(existing ? existing->version : 0) +
                                "），请刷新后重试");
    }
    if ((action == EnrolmentAction::kAttend || action == EnrolmentAction::kAbsent) &&
        today_() < event.event.starts_on) {
      return RuleViolated(Quote(event.event.title) + "于 " + event.event.starts_on +
                          " 开始，出勤只能在活动开始后记录");
    }
    if (!Allowed(action, existing)) {
      return RuleViolated(person.name +
                          (existing ? "当前状态为" + Quote(StateLabel(existing->state))
                                    : std::string("尚未报名本活动")) +
                          "，不能" + ActionLabel(action));
    }
    const EnrolmentState from = existing ? existing->state : EnrolmentState::kInvited;
    int64_t rowid = 0;
    int passed_over = 0;
    if (action == EnrolmentAction::kInvite || action == EnrolmentAction::kWaitlist) {
      std::string class_name = options.class_name;
      if (class_name.empty() && existing && existing->class_rowid != 0) {
        for (size_t i = 0; i < event.class_rowids.size(); ++i) {
          if (event.class_rowids[i] == existing->class_rowid)
            class_name = event.event.classes[i].name;
        }
      }
      auto placed = PlaceOn(db, event, person, action, existing, class_name,
                            options.allow_retrained, who, options.ahead_of_waitlist, &passed_over);
      if (!placed.ok()) return placed.status();
      rowid = *placed;
    } else {
      rowid = WriteState(db, event.rowid, existing->class_rowid, person.rowid, existing,
                         TargetState(action), 0, who);
      // The whole-event shortcut: the days so far follow the state it sets.
      if (action == EnrolmentAction::kAttend || action == EnrolmentAction::kAbsent) {
        RecordWholeEventOn(db, event.event, rowid, today_(), action == EnrolmentAction::kAttend,
                           who);
      }
    }
    ActionResult result;
    result.enrolment = EnrolmentOn(db, rowid);
    json detail = {{"from", existing ? json(StateName(from)) : json(nullptr)},
                   {"to", StateName(result.enrolment.state)},
                   {"class", result.enrolment.class_name}};
    if (passed_over > 0) detail["passed_over_waitlist"] = passed_over;
    AuditOn(db, who, std::string(ActionName(action)), "enrolment",
            ObjectId(event.event, person.public_id), detail);
    const bool freed = existing && HoldsSeat(from) &&
                       (action == EnrolmentAction::kDecline || action == EnrolmentAction::kRemove);
    if (freed) result.promoted = PromoteOn(db, event, existing->class_rowid, who, person.public_id);
    TP_RETURN_IF_ERROR(write->Commit());
    return result;
  } catch (const SQLite::Exception& e) {
    if (IsClassFull(e)) return RuleViolated("班次名额已满，可加入候补名单");
    return FromSqlite(e, "修改报名状态");
  }
}

StatusOr<ApplyResult> Cohorts::ApplyRoster(std::string_view event_code,
                                           const std::vector<Placement>& roster,
                                           const std::vector<Placement>& reserve,
                                           const AuditEntry& who) {
  try {
    TP_ASSIGN_OR_RETURN(auto write, db_.Write());
    SQLite::Database& db = write->Connection();
    EventRow event;
    if (!LoadEventOn(db, event_code, &event)) return NoEvent(event_code);
    ApplyResult result;
    std::set<std::string> seen;
    auto place = [&](const Placement& line, EnrolmentAction action) -> Status {
      if (!seen.insert(line.person_id).second) {
        return InvalidArgument("编号 " + line.person_id + " 在名单中出现了两次",
                               {{"编号", line.person_id + " 重复", 0}});
      }
      PersonRow person;
      if (!LoadPersonOn(db, line.person_id, &person)) return NoPerson(line.person_id);
      std::optional<EnrolmentRow> existing = FindEnrolment(db, event.rowid, person.rowid);
      if (existing) {
        result.skipped.push_back(person.public_id);
        return Status::Ok();
      }
      auto placed = PlaceOn(db, event, person, action, existing, line.class_name, false, who);
      if (!placed.ok()) {
        return Status(placed.status().code(), person.public_id + "：" + placed.status().message(),
                      placed.status().details());
      }
      Enrolment made = EnrolmentById(db, *placed);
      AuditOn(db, who, std::string(ActionName(action)), "enrolment",
              ObjectId(event.event, person.public_id),
              json{{"from", nullptr},
                   {"to", StateName(made.state)},
                   {"class", made.class_name},
                   {"by", "roster"}});
      (action == EnrolmentAction::kInvite ? result.invited : result.waitlisted)++;
      return Status::Ok();
    };
    for (const Placement& line : roster) TP_RETURN_IF_ERROR(place(line, EnrolmentAction::kInvite));
    for (const Placement& line : reserve)
      TP_RETURN_IF_ERROR(place(line, EnrolmentAction::kWaitlist));
    TP_RETURN_IF_ERROR(write->Commit());
    return result;
  } catch (const SQLite::Exception& e) {
    if (IsClassFull(e)) return RuleViolated("班次名额已满，名单未写入");
    return FromSqlite(e, "写入名单");
  }
}

StatusOr<std::vector<Enrolment>> Cohorts::ListEnrolments(std::string_view event_code) {
  try {
    auto db = db_.Read();
    EventRow event;
    if (!LoadEventOn(*db, event_code, &event)) return NoEvent(event_code);
    SQLite::Statement st(
        *db, std::string(kEnrolmentSelect) +
                 "WHERE n.event_id=? ORDER BY n.class_id, "
                 "CASE WHEN n.state IN ('invited','confirmed','attended','absent') THEN 0 "
                 "WHEN n.state='waitlisted' THEN 1 ELSE 2 END, n.waitlist_pos, p.public_id");
    st.bind(1, static_cast<int64_t>(event.rowid));
    std::vector<Enrolment> out;
    while (st.executeStep()) out.push_back(ReadEnrolment(st));
    FillDaysOn(*db, true, event.rowid, &out);
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取报名");
  }
}

StatusOr<std::vector<Enrolment>> Cohorts::PersonHistory(std::string_view person_id) {
  try {
    auto db = db_.Read();
    PersonRow person;
    if (!LoadPersonOn(*db, person_id, &person)) return NoPerson(person_id);
    SQLite::Statement st(
        *db, std::string(kEnrolmentSelect) + "WHERE n.person_id=? ORDER BY e.starts_on, e.code");
    st.bind(1, static_cast<int64_t>(person.rowid));
    std::vector<Enrolment> out;
    while (st.executeStep()) out.push_back(ReadEnrolment(st));
    FillDaysOn(*db, false, person.rowid, &out);
    SQLite::Statement steps(
        *db,
        "SELECT e.code, coalesce(h.from_state,''), h.to_state, coalesce(h.actor,''), "
        "coalesce(h.actor_name,''), h.at FROM enrolment_history h JOIN enrolments n "
        "ON n.id=h.enrolment_id JOIN events e ON e.id=n.event_id WHERE n.person_id=? "
        "ORDER BY h.id");
    steps.bind(1, static_cast<int64_t>(person.rowid));
    while (steps.executeStep()) {
      const std::string code = steps.getColumn(0).getString();
      for (Enrolment& e : out) {
        if (e.event_code != code) continue;
        e.steps.push_back({steps.getColumn(1).getString(), steps.getColumn(2).getString(),
                           steps.getColumn(3).getString(), steps.getColumn(4).getString(),
                           steps.getColumn(5).getString()});
      }
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取培训记录");
  }
}

}  // namespace tp::registry
