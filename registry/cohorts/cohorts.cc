#include "registry/cohorts/cohorts.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "registry/cohorts/cohorts_internal.h"
#include "registry/fields/dates.h"
#include "registry/store/db_handle.h"

namespace tp::registry {

namespace cohorts_internal {

using json = nlohmann::json;

std::string Quote(std::string_view s) { return "「" + std::string(s) + "」"; }

bool LoadEventOn(SQLite::Database& db, std::string_view code, EventRow* out) {
  SQLite::Statement st(db,
                       "SELECT id, code, title, coalesce(series,''), starts_on, ends_on, "
                       "coalesce(place,''), capacity, coalesce(availability_field,''), "
                       "coalesce(source,'') FROM events WHERE code=?");
  st.bind(1, std::string(code));
  if (!st.executeStep()) return false;
  out->rowid = st.getColumn(0).getInt64();
  Event& e = out->event;
  e = Event();
  e.code = st.getColumn(1).getString();
  e.title = st.getColumn(2).getString();
  e.series = st.getColumn(3).getString();
  e.starts_on = st.getColumn(4).getString();
  e.ends_on = st.getColumn(5).getString();
  e.place = st.getColumn(6).getString();
  e.capacity = st.getColumn(7).getInt();
  e.availability_field = st.getColumn(8).getString();
  e.source = st.getColumn(9).getString();
  out->class_rowids.clear();
  SQLite::Statement classes(
      db,
      "SELECT c.id, c.name, coalesce(c.level,''), c.capacity, "
      "(SELECT count(*) FROM enrolments n WHERE n.class_id=c.id AND "
      "n.state IN ('invited','confirmed','attended','absent')), "
      "(SELECT count(*) FROM enrolments n WHERE n.class_id=c.id AND n.state='waitlisted') "
      "FROM classes c WHERE c.event_id=? ORDER BY c.id");
  classes.bind(1, static_cast<int64_t>(out->rowid));
  while (classes.executeStep()) {
    out->class_rowids.push_back(classes.getColumn(0).getInt64());
    e.classes.push_back({classes.getColumn(1).getString(), classes.getColumn(2).getString(),
                         classes.getColumn(3).getInt(), classes.getColumn(4).getInt(),
                         classes.getColumn(5).getInt()});
  }
  return true;
}

bool LoadPersonOn(SQLite::Database& db, std::string_view public_id, PersonRow* out) {
  SQLite::Statement st(db,
                       "SELECT p.id, p.public_id, p.name, "
                       "(SELECT a.tier FROM admissions a WHERE a.person_id=p.id "
                       " ORDER BY a.year DESC LIMIT 1), "
                       "EXISTS(SELECT 1 FROM admissions a WHERE a.person_id=p.id), "
                       "p.can_attend_seminar, p.can_attend_study_tour, coalesce(p.employment_status,'') "
                       "FROM persons p WHERE p.public_id=? AND p.merged_into IS NULL");
  st.bind(1, std::string(public_id));
  if (!st.executeStep()) return false;
  out->rowid = st.getColumn(0).getInt64();
  out->public_id = st.getColumn(1).getString();
  out->name = st.getColumn(2).getString();
  out->tier = ColumnText(st, 3);
  out->admitted = st.getColumn(4).getInt() != 0;
  out->can_attend_seminar = ColumnBool(st, 5);
  out->can_attend_study_tour = ColumnBool(st, 6);
  out->employment_status = st.getColumn(7).getString();
  return true;
}

Availability AvailabilityOn(SQLite::Database& db, const EventRow& event, const PersonRow& person) {
  SQLite::Statement st(db, "SELECT available FROM availability WHERE person_id=? AND event_id=?");
  st.bind(1, static_cast<int64_t>(person.rowid));
  st.bind(2, static_cast<int64_t>(event.rowid));
  if (st.executeStep()) return {st.getColumn(0).getInt() != 0, "staff"};
  return SheetAvailability(event.event.availability_field, person.can_attend_seminar,
                           person.can_attend_study_tour);
}

Availability SheetAvailability(std::string_view field, const std::optional<bool>& seminar,
                               const std::optional<bool>& study_tour) {
  if (field.empty()) return {true, "not_asked"};
  const std::optional<bool>& v = field == "can_attend_seminar" ? seminar : study_tour;
  if (v) return {*v, "unit_sheet"};
  return {std::nullopt, ""};
}

std::string_view AvailabilityFieldLabel(std::string_view field) {
  if (field == "can_attend_seminar") return "可否参加专题研修班";
  if (field == "can_attend_study_tour") return "可否参加国情研修活动";
  return "";
}

}  // namespace cohorts_internal

namespace {

Status NoEvent(std::string_view code) { return NotFound("没有代码为 " + std::string(code) + " 的培训活动"); }
Status NoPerson(std::string_view public_id) { return NotFound("没有编号为 " + std::string(public_id) + " 的人员"); }

using namespace cohorts_internal;

constexpr std::string_view kStateNames[] = {"invited", "confirmed", "waitlisted", "declined",
                                            "removed", "attended",  "absent"};
constexpr std::string_view kStateLabels[] = {"已邀请", "已确认", "候补", "已谢绝",
                                             "已移出", "已参加", "缺席"};
constexpr std::string_view kActionNames[] = {"invite",  "waitlist", "confirm", "decline",
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

std::string ObjectId(const Event& event, std::string_view person_id) {
  return event.code + "/" + std::string(person_id);
}

void AuditOn(SQLite::Database& db, AuditEntry who, std::string action, std::string object_type,
             std::string object_id, const json& detail) {
  who.action = std::move(action);
  who.object_type = std::move(object_type);
  who.object_id = std::move(object_id);
  who.detail_json = detail.dump();
  InsertAudit(db, who);
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
    return RuleViolated(person.name + "的人才类别为" + Quote(person.tier.empty() ? "未填" : person.tier) +
                        "，活动" + Quote(event.event.title) + "没有对应的班次");
  }
  return *found;
}

// The rules a person must meet to be given a place (a seat or the waiting
// list) in a class, as the planner applies them to the whole pool.
Status CheckPlaceRules(SQLite::Database& db, const EventRow& event, size_t class_index,
                       const PersonRow& person, bool allow_retrained) {
  const Event& e = event.event;
  const EventClass& c = e.classes[class_index];
  if (!person.admitted) return RuleViolated(person.name + "（" + person.public_id + "）尚未入库，不能参加培训");
  if (person.employment_status == "去世") return RuleViolated(person.name + "已去世");
  if (!c.level.empty() && c.level != person.tier) {
    return RuleViolated(person.name + "的人才类别为" + Quote(person.tier.empty() ? "未填" : person.tier) +
                        "，与班次" + Quote(c.name) + "（" + c.level + "）不符");
  }
  Availability a = AvailabilityOn(db, event, person);
  if (!a.available.value_or(false)) {
    if (a.available.has_value()) {
      return RuleViolated(person.name + "已标注不能参加" + Quote(e.title) +
                          (a.source == "staff" ? "（工作人员设置）" : "（单位报送）"));
    }
    return RuleViolated(person.name + "的推荐单位未标注" + Quote(AvailabilityFieldLabel(e.availability_field)) +
                        "；确认可参加后请先设置可否参加");
  }
  SQLite::Statement busy(db,
                         "SELECT e.title FROM enrolments n JOIN events e ON e.id=n.event_id "
                         "WHERE n.person_id=? AND n.event_id<>? AND e.starts_on<=? AND e.ends_on>=? "
                         "AND n.state IN ('invited','confirmed','attended','absent') LIMIT 1");
  busy.bind(1, static_cast<int64_t>(person.rowid));
  busy.bind(2, static_cast<int64_t>(event.rowid));
  busy.bind(3, e.ends_on);
  busy.bind(4, e.starts_on);
  if (busy.executeStep()) {
    return RuleViolated(person.name + "已在同期活动" + Quote(busy.getColumn(0).getString()) + "的名单中");
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
      return RuleViolated(person.name + "已参加过同系列的" + Quote(trained.getColumn(0).getString()) +
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
int64_t WriteState(SQLite::Database& db, int64_t event_rowid, int64_t class_rowid,
                   int64_t person_rowid, const std::optional<EnrolmentRow>& existing,
                   EnrolmentState state, int64_t waitlist_pos) {
  if (existing) {
    SQLite::Statement st(db,
                         "UPDATE enrolments SET class_id=?, state=?, waitlist_pos=?, version=version+1, "
                         "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id=?");
    st.bind(1, static_cast<int64_t>(class_rowid));
    st.bind(2, std::string(StateName(state)));
    if (waitlist_pos > 0) {
      st.bind(3, static_cast<int64_t>(waitlist_pos));
    } else {
      st.bind(3);
    }
    st.bind(4, static_cast<int64_t>(existing->rowid));
    st.exec();
    return existing->rowid;
  }
  SQLite::Statement st(db,
                       "INSERT INTO enrolments(event_id, class_id, person_id, state, waitlist_pos) "
                       "VALUES(?,?,?,?,?)");
  st.bind(1, static_cast<int64_t>(event_rowid));
  st.bind(2, static_cast<int64_t>(class_rowid));
  st.bind(3, static_cast<int64_t>(person_rowid));
  st.bind(4, std::string(StateName(state)));
  if (waitlist_pos > 0) {
    st.bind(5, static_cast<int64_t>(waitlist_pos));
  } else {
    st.bind(5);
  }
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

// Invites the first person on the class's waiting list who is not busy in
// an overlapping event and whom staff have not since marked as unable to
// attend; nullopt when there is none.
std::optional<Enrolment> PromoteOn(SQLite::Database& db, const EventRow& event, int64_t class_rowid,
                                   const AuditEntry& who, const std::string& freed_by) {
  const Event& e = event.event;
  SQLite::Statement next(db,
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
  SQLite::Statement up(db,
                       "UPDATE enrolments SET state='invited', waitlist_pos=NULL, version=version+1, "
                       "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id=?");
  up.bind(1, static_cast<int64_t>(rowid));
  up.exec();
  AuditOn(db, who, "promote", "enrolment", ObjectId(e, public_id),
          json{{"from", "waitlisted"}, {"to", "invited"}, {"seat_freed_by", freed_by}});
  return EnrolmentById(db, rowid);
}

bool IsClassFull(const SQLite::Exception& e) { return std::strstr(e.what(), "class_full") != nullptr; }

Status ClassFull(const EventClass& c, int taken) {
  return RuleViolated("班次" + Quote(c.name) + "名额已满（" + std::to_string(taken) + "/" +
                      std::to_string(c.capacity) + "），可加入候补名单");
}

// Gives `person` a place: a seat (invite) or the end of the waiting list.
StatusOr<int64_t> PlaceOn(SQLite::Database& db, const EventRow& event, const PersonRow& person,
                          EnrolmentAction action, const std::optional<EnrolmentRow>& existing,
                          std::string_view class_name, bool allow_retrained) {
  auto class_index = ResolveClass(event, person, class_name);
  if (!class_index.ok()) return class_index.status();
  TP_RETURN_IF_ERROR(CheckPlaceRules(db, event, *class_index, person, allow_retrained));
  const EventClass& c = event.event.classes[*class_index];
  const int64_t class_rowid = event.class_rowids[*class_index];
  if (action == EnrolmentAction::kInvite) {
    const int taken = SeatsTaken(db, class_rowid);
    if (taken >= c.capacity) return ClassFull(c, taken);
    return WriteState(db, event.rowid, class_rowid, person.rowid, existing, EnrolmentState::kInvited, 0);
  }
  return WriteState(db, event.rowid, class_rowid, person.rowid, existing, EnrolmentState::kWaitlisted,
                    NextWaitlistPos(db, class_rowid));
}

// Which states an action may start from.
bool Allowed(EnrolmentAction action, const std::optional<EnrolmentRow>& existing) {
  using S = EnrolmentState;
  if (!existing) return action == EnrolmentAction::kInvite || action == EnrolmentAction::kWaitlist;
  const S s = existing->state;
  switch (action) {
    case EnrolmentAction::kInvite:
      return s == S::kWaitlisted || s == S::kDeclined || s == S::kRemoved;
    case EnrolmentAction::kWaitlist:
      return s == S::kDeclined || s == S::kRemoved;
    case EnrolmentAction::kConfirm:
      return s == S::kInvited;
    case EnrolmentAction::kDecline:
    case EnrolmentAction::kRemove:
      return s == S::kInvited || s == S::kConfirmed || s == S::kWaitlisted;
    case EnrolmentAction::kAttend:
      return s == S::kInvited || s == S::kConfirmed || s == S::kAbsent;
    case EnrolmentAction::kAbsent:
      return s == S::kInvited || s == S::kConfirmed || s == S::kAttended;
  }
  return false;
}

EnrolmentState TargetState(EnrolmentAction action) {
  switch (action) {
    case EnrolmentAction::kInvite:
      return EnrolmentState::kInvited;
    case EnrolmentAction::kWaitlist:
      return EnrolmentState::kWaitlisted;
    case EnrolmentAction::kConfirm:
      return EnrolmentState::kConfirmed;
    case EnrolmentAction::kDecline:
      return EnrolmentState::kDeclined;
    case EnrolmentAction::kRemove:
      return EnrolmentState::kRemoved;
    case EnrolmentAction::kAttend:
      return EnrolmentState::kAttended;
    case EnrolmentAction::kAbsent:
      return EnrolmentState::kAbsent;
  }
  return EnrolmentState::kInvited;
}

std::string ActionLabel(EnrolmentAction action) {
  switch (action) {
    case EnrolmentAction::kInvite:
      return "邀请";
    case EnrolmentAction::kWaitlist:
      return "加入候补";
    case EnrolmentAction::kConfirm:
      return "确认";
    case EnrolmentAction::kDecline:
      return "谢绝";
    case EnrolmentAction::kRemove:
      return "移出";
    case EnrolmentAction::kAttend:
      return "记为已参加";
    case EnrolmentAction::kAbsent:
      return "记为缺席";
  }
  return "";
}

std::optional<PartialDate> IsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  PartialDate d{std::stoi(std::string(s.substr(0, 4))), std::stoi(std::string(s.substr(5, 2))),
                std::stoi(std::string(s.substr(8, 2)))};
  if (!IsValidDate(d.year, d.month, d.day)) return std::nullopt;
  return d;
}

bool ValidCode(std::string_view code) {
  if (code.empty() || code.size() > 40 || code.front() == '-') return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Status InsertEventOn(SQLite::Database& db, const Event& e) {
  SQLite::Statement st(db,
                       "INSERT INTO events(code, title, series, starts_on, ends_on, place, capacity, "
                       "availability_field, source) VALUES(?,?,?,?,?,?,?,?,?)");
  st.bind(1, e.code);
  st.bind(2, e.title);
  st.bind(3, e.series);
  st.bind(4, e.starts_on);
  st.bind(5, e.ends_on);
  BindText(st, 6, e.place);
  st.bind(7, e.capacity);
  BindText(st, 8, e.availability_field);
  BindText(st, 9, e.source);
  st.exec();
  const int64_t event_rowid = db.getLastInsertRowid();
  SQLite::Statement cl(db, "INSERT INTO classes(event_id, name, level, capacity) VALUES(?,?,?,?)");
  for (const EventClass& c : e.classes) {
    cl.reset();
    cl.bind(1, static_cast<int64_t>(event_rowid));
    cl.bind(2, c.name);
    BindText(cl, 3, c.level);
    cl.bind(4, c.capacity);
    cl.exec();
  }
  return Status::Ok();
}

json EventJson(const Event& e) {
  json classes = json::array();
  for (const EventClass& c : e.classes) {
    classes.push_back({{"name", c.name}, {"level", c.level}, {"capacity", c.capacity}});
  }
  return {{"title", e.title}, {"starts_on", e.starts_on}, {"ends_on", e.ends_on},
          {"capacity", e.capacity}, {"classes", classes}};
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

std::string_view ActionName(EnrolmentAction action) { return kActionNames[static_cast<int>(action)]; }

std::optional<EnrolmentAction> ParseAction(std::string_view name) {
  for (int i = 0; i < 7; ++i) {
    if (kActionNames[i] == name) return static_cast<EnrolmentAction>(i);
  }
  return std::nullopt;
}

Cohorts::Cohorts(Store& store) : db_(store.Db()) {}

std::vector<FieldError> Cohorts::Validate(const Event& e) {
  std::vector<FieldError> errors;
  auto add = [&](std::string field, std::string message) {
    errors.push_back({std::move(field), std::move(message), 0});
  };
  if (!ValidCode(e.code)) add("代码", "应为 1 到 40 个小写字母、数字或连字符，如 2025-seminar");
  if (e.title.empty()) add("名称", "不能为空");
  if (e.series.empty()) add("系列", "不能为空（同系列培训只参加一次）");
  auto starts = IsoDate(e.starts_on);
  auto ends = IsoDate(e.ends_on);
  if (!starts) add("开始日期", "应为 YYYY-MM-DD 格式的真实日期");
  if (!ends) add("结束日期", "应为 YYYY-MM-DD 格式的真实日期");
  if (starts && ends && *ends < *starts) add("结束日期", "早于开始日期");
  if (e.capacity <= 0) add("名额", "应为正整数");
  if (!e.availability_field.empty() && AvailabilityFieldLabel(e.availability_field).empty()) {
    add("可否参加字段", "只能是 can_attend_seminar 或 can_attend_study_tour");
  }
  if (e.classes.empty()) add("班次", "至少要有一个班次");
  std::set<std::string> names;
  int sum = 0;
  for (const EventClass& c : e.classes) {
    if (c.name.empty()) add("班次", "班次名称不能为空");
    if (!names.insert(c.name).second) add("班次", "班次" + Quote(c.name) + "重复");
    if (!c.level.empty() && c.level != "领军人才" && c.level != "青年人才") {
      add("班次", "班次" + Quote(c.name) + "的层次只能是领军人才、青年人才或空");
    }
    if (c.capacity <= 0) add("班次", "班次" + Quote(c.name) + "的名额应为正整数");
    sum += std::max(c.capacity, 0);
  }
  if (!e.classes.empty() && e.capacity > 0 && sum != e.capacity) {
    add("名额", "各班次名额之和 " + std::to_string(sum) + " 与活动名额 " + std::to_string(e.capacity) +
                    " 不一致");
  }
  return errors;
}

StatusOr<std::vector<Event>> Cohorts::LoadEventsFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("找不到培训活动文件 " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("events") || !doc["events"].is_array()) {
    return InvalidArgument(path + "：应为含 events 数组的 JSON 对象");
  }
  std::vector<Event> events;
  std::set<std::string> codes;
  int number = 0;
  for (const json& item : doc["events"]) {
    ++number;
    const std::string where = path + " 第 " + std::to_string(number) + " 个活动";
    if (!item.is_object()) return InvalidArgument(where + "：应为 JSON 对象");
    auto text_of = [&](const char* key) {
      auto it = item.find(key);
      return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    Event e;
    e.code = text_of("code");
    e.title = text_of("title");
    e.series = text_of("series");
    e.starts_on = text_of("starts_on");
    e.ends_on = text_of("ends_on");
    e.place = text_of("place");
    e.availability_field = text_of("availability_field");
    e.source = text_of("source");
    if (item.contains("capacity") && item["capacity"].is_number_integer()) e.capacity = item["capacity"].get<int>();
    if (item.contains("classes") && item["classes"].is_array()) {
      for (const json& c : item["classes"]) {
        if (!c.is_object()) return InvalidArgument(where + "：班次应为 JSON 对象");
        EventClass ec;
        ec.name = c.value("name", "");
        ec.level = c.value("level", "");
        ec.capacity = c.contains("capacity") && c["capacity"].is_number_integer() ? c["capacity"].get<int>() : 0;
        e.classes.push_back(std::move(ec));
      }
    }
    std::vector<FieldError> errors = Validate(e);
    if (!errors.empty()) {
      std::string message = where + "：字段「" + errors.front().field + "」" + errors.front().message;
      return InvalidArgument(std::move(message), std::move(errors));
    }
    if (!codes.insert(e.code).second) return InvalidArgument(where + "：代码 " + e.code + " 重复");
    events.push_back(std::move(e));
  }
  return events;
}

StatusOr<std::unique_ptr<Cohorts>> Cohorts::Open(Store& store, const std::string& data_dir) {
  auto events = LoadEventsFile(data_dir + "/events.json");
  if (!events.ok()) return events.status();
  auto cohorts = std::make_unique<Cohorts>(store);
  try {
    TP_ASSIGN_OR_RETURN(auto write, store.Db().Write());
    SQLite::Database& db = write->Connection();
    SQLite::Statement exists(db, "SELECT 1 FROM events WHERE code=?");
    for (const Event& e : *events) {
      exists.reset();
      exists.bind(1, e.code);
      if (exists.executeStep()) continue;
      TP_RETURN_IF_ERROR(InsertEventOn(db, e));
      AuditOn(db, {"cli", "", "", "", "", "", ""}, "create", "event", e.code,
              json{{"from", "events.json"}, {"event", EventJson(e)}});
    }
    TP_RETURN_IF_ERROR(write->Commit());
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "写入培训活动");
  }
  return cohorts;
}

StatusOr<Event> Cohorts::CreateEvent(const Event& event, const AuditEntry& who) {
  std::vector<FieldError> errors = Validate(event);
  if (!errors.empty()) {
    std::string message = "字段「" + errors.front().field + "」：" + errors.front().message;
    return InvalidArgument(std::move(message), std::move(errors));
  }
  try {
    TP_ASSIGN_OR_RETURN(auto write, db_.Write());
    SQLite::Database& db = write->Connection();
    EventRow existing;
    if (LoadEventOn(db, event.code, &existing)) {
      return AlreadyExists("代码 " + event.code + " 已被活动" + Quote(existing.event.title) + "使用",
                           {{"代码", "已被使用", 0}});
    }
    TP_RETURN_IF_ERROR(InsertEventOn(db, event));
    AuditOn(db, who, "create", "event", event.code, json{{"event", EventJson(event)}});
    EventRow row;
    LoadEventOn(db, event.code, &row);
    TP_RETURN_IF_ERROR(write->Commit());
    return row.event;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "创建培训活动");
  }
}

StatusOr<Event> Cohorts::SetClassCapacity(std::string_view event_code, std::string_view class_name,
                                          int capacity, const AuditEntry& who) {
  if (capacity <= 0) return InvalidArgument("字段「名额」：应为正整数", {{"名额", "应为正整数", 0}});
  try {
    TP_ASSIGN_OR_RETURN(auto write, db_.Write());
    SQLite::Database& db = write->Connection();
    EventRow row;
    if (!LoadEventOn(db, event_code, &row)) return NoEvent(event_code);
    size_t i = 0;
    while (i < row.event.classes.size() && row.event.classes[i].name != class_name) ++i;
    if (i == row.event.classes.size()) {
      return NotFound("活动" + Quote(row.event.title) + "没有班次" + Quote(class_name));
    }
    const EventClass& c = row.event.classes[i];
    if (capacity < c.seats_taken) {
      return RuleViolated("班次" + Quote(c.name) + "已有 " + std::to_string(c.seats_taken) +
                          " 人占用名额，不能减到 " + std::to_string(capacity));
    }
    SQLite::Statement st(db, "UPDATE classes SET capacity=? WHERE id=?");
    st.bind(1, capacity);
    st.bind(2, static_cast<int64_t>(row.class_rowids[i]));
    st.exec();
    SQLite::Statement ev(db,
                         "UPDATE events SET capacity=(SELECT sum(capacity) FROM classes WHERE event_id=?) "
                         "WHERE id=?");
    ev.bind(1, static_cast<int64_t>(row.rowid));
    ev.bind(2, static_cast<int64_t>(row.rowid));
    ev.exec();
    AuditOn(db, who, "update", "event", row.event.code,
            json{{"class", c.name}, {"from", c.capacity}, {"to", capacity}});
    LoadEventOn(db, event_code, &row);
    TP_RETURN_IF_ERROR(write->Commit());
    return row.event;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "修改班次名额");
  }
}

StatusOr<std::vector<Event>> Cohorts::ListEvents() {
  try {
    auto db = db_.Read();
    std::vector<std::string> codes;
    {
      SQLite::Statement st(*db, "SELECT code FROM events ORDER BY starts_on, code");
      while (st.executeStep()) codes.push_back(st.getColumn(0).getString());
    }
    std::vector<Event> out;
    for (const std::string& code : codes) {
      EventRow row;
      if (LoadEventOn(*db, code, &row)) out.push_back(std::move(row.event));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取培训活动");
  }
}

StatusOr<Event> Cohorts::GetEvent(std::string_view code) {
  try {
    auto db = db_.Read();
    EventRow row;
    if (!LoadEventOn(*db, code, &row)) return NoEvent(code);
    return row.event;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取培训活动");
  }
}

Status Cohorts::SetAvailability(std::string_view event_code, std::string_view person_id, bool available,
                                const AuditEntry& who) {
  try {
    TP_ASSIGN_OR_RETURN(auto write, db_.Write());
    SQLite::Database& db = write->Connection();
    EventRow event;
    if (!LoadEventOn(db, event_code, &event)) return NoEvent(event_code);
    PersonRow person;
    if (!LoadPersonOn(db, person_id, &person)) return NoPerson(person_id);
    Availability before = AvailabilityOn(db, event, person);
    SQLite::Statement st(db,
                         "INSERT INTO availability(person_id, event_id, available, source) VALUES(?,?,?,'staff') "
                         "ON CONFLICT(person_id, event_id) DO UPDATE SET available=excluded.available, "
                         "source=excluded.source");
    st.bind(1, static_cast<int64_t>(person.rowid));
    st.bind(2, static_cast<int64_t>(event.rowid));
    st.bind(3, available ? 1 : 0);
    st.exec();
    AuditOn(db, who, "update", "availability", ObjectId(event.event, person.public_id),
            json{{"from", before.available ? json(*before.available) : json(nullptr)},
                 {"to", available}});
    TP_RETURN_IF_ERROR(write->Commit());
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "设置可否参加");
  }
}

StatusOr<Availability> Cohorts::GetAvailability(std::string_view event_code, std::string_view person_id) {
  try {
    auto db = db_.Read();
    EventRow event;
    if (!LoadEventOn(*db, event_code, &event)) return NoEvent(event_code);
    PersonRow person;
    if (!LoadPersonOn(*db, person_id, &person)) return NoPerson(person_id);
    return AvailabilityOn(*db, event, person);
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取可否参加");
  }
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
    if (options.expected_version != 0 && (!existing || existing->version != options.expected_version)) {
      return PreconditionFailed("报名记录已被他人修改（当前版本 " +
                                std::to_string(existing ? existing->version : 0) + "），请刷新后重试");
    }
    if (!Allowed(action, existing)) {
      return RuleViolated(person.name + (existing ? "当前状态为" + Quote(StateLabel(existing->state))
                                                  : std::string("尚未报名本活动")) +
                          "，不能" + ActionLabel(action));
    }
    const EnrolmentState from = existing ? existing->state : EnrolmentState::kInvited;
    int64_t rowid = 0;
    if (action == EnrolmentAction::kInvite || action == EnrolmentAction::kWaitlist) {
      std::string class_name = options.class_name;
      if (class_name.empty() && existing && existing->class_rowid != 0) {
        for (size_t i = 0; i < event.class_rowids.size(); ++i) {
          if (event.class_rowids[i] == existing->class_rowid) class_name = event.event.classes[i].name;
        }
      }
      auto placed = PlaceOn(db, event, person, action, existing, class_name, options.allow_retrained);
      if (!placed.ok()) return placed.status();
      rowid = *placed;
    } else {
      rowid = WriteState(db, event.rowid, existing->class_rowid, person.rowid, existing, TargetState(action), 0);
    }
    ActionResult result;
    result.enrolment = EnrolmentById(db, rowid);
    AuditOn(db, who, std::string(ActionName(action)), "enrolment", ObjectId(event.event, person.public_id),
            json{{"from", existing ? json(StateName(from)) : json(nullptr)},
                 {"to", StateName(result.enrolment.state)},
                 {"class", result.enrolment.class_name}});
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

StatusOr<ApplyResult> Cohorts::ApplyRoster(std::string_view event_code, const std::vector<Placement>& roster,
                                           const std::vector<Placement>& reserve, const AuditEntry& who) {
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
      auto placed = PlaceOn(db, event, person, action, existing, line.class_name, false);
      if (!placed.ok()) {
        return Status(placed.status().code(), person.public_id + "：" + placed.status().message(),
                      placed.status().details());
      }
      Enrolment made = EnrolmentById(db, *placed);
      AuditOn(db, who, std::string(ActionName(action)), "enrolment", ObjectId(event.event, person.public_id),
              json{{"from", nullptr}, {"to", StateName(made.state)}, {"class", made.class_name},
                   {"by", "roster"}});
      (action == EnrolmentAction::kInvite ? result.invited : result.waitlisted)++;
      return Status::Ok();
    };
    for (const Placement& line : roster) TP_RETURN_IF_ERROR(place(line, EnrolmentAction::kInvite));
    for (const Placement& line : reserve) TP_RETURN_IF_ERROR(place(line, EnrolmentAction::kWaitlist));
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
    SQLite::Statement st(*db, std::string(kEnrolmentSelect) +
                                  "WHERE n.event_id=? ORDER BY n.class_id, "
                                  "CASE WHEN n.state IN ('invited','confirmed','attended','absent') THEN 0 "
                                  "WHEN n.state='waitlisted' THEN 1 ELSE 2 END, n.waitlist_pos, p.public_id");
    st.bind(1, static_cast<int64_t>(event.rowid));
    std::vector<Enrolment> out;
    while (st.executeStep()) out.push_back(ReadEnrolment(st));
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
    SQLite::Statement st(*db, std::string(kEnrolmentSelect) + "WHERE n.person_id=? ORDER BY e.starts_on, e.code");
    st.bind(1, static_cast<int64_t>(person.rowid));
    std::vector<Enrolment> out;
    while (st.executeStep()) out.push_back(ReadEnrolment(st));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取培训记录");
  }
}

}  // namespace tp::registry
