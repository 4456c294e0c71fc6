// Attendance per event day (cohorts.h): the marks checked and written, the
// enrolment's state moved after its days, and the days read back.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "registry/cohorts/cohorts.h"
#include "registry/cohorts/internal/cohorts_internal.h"
#include "registry/store/db_handle.h"

namespace tp::registry {
namespace {

using namespace cohorts_internal;
using json = nlohmann::json;

constexpr std::size_t kMaxEventDays = 366;

std::optional<std::chrono::sys_days> ParseDay(const std::string& s) {
  using namespace std::chrono;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  year_month_day d{year{std::stoi(s.substr(0, 4))},
                   month{static_cast<unsigned>(std::stoi(s.substr(5, 2)))},
                   day{static_cast<unsigned>(std::stoi(s.substr(8, 2)))}};
  if (!d.ok()) return std::nullopt;
  return sys_days{d};
}

std::string FormatDay(std::chrono::sys_days d) {
  std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// The state the recorded days call for; nullopt while no day is recorded.
std::optional<EnrolmentState> StateFromDays(SQLite::Database& db, int64_t enrolment_rowid) {
  SQLite::Statement st(db,
                       "SELECT count(*), coalesce(sum(present),0) FROM attendance "
                       "WHERE enrolment_id=?");
  st.bind(1, enrolment_rowid);
  st.executeStep();
  if (st.getColumn(0).getInt() == 0) return std::nullopt;
  return st.getColumn(1).getInt() > 0 ? EnrolmentState::kAttended : EnrolmentState::kAbsent;
}

// Writes one day's mark; false when it was recorded so already.
bool WriteDay(SQLite::Database& db, int64_t enrolment_rowid, const std::string& day, bool present,
              const AuditEntry& who, const std::string& source) {
  SQLite::Statement old(db, "SELECT present FROM attendance WHERE enrolment_id=? AND day=?");
  old.bind(1, enrolment_rowid);
  old.bind(2, day);
  if (old.executeStep() && (old.getColumn(0).getInt() != 0) == present) return false;
  SQLite::Statement st(
      db,
      "INSERT INTO attendance(enrolment_id, day, present, source, recorded_by, recorded_by_name) "
      "VALUES(?,?,?,?,?,?) ON CONFLICT(enrolment_id, day) DO UPDATE SET "
      "present=excluded.present, source=excluded.source, recorded_by=excluded.recorded_by, "
      "recorded_by_name=excluded.recorded_by_name, "
      "recorded_at=strftime('%Y-%m-%dT%H:%M:%SZ','now')");
  st.bind(1, enrolment_rowid);
  st.bind(2, day);
  st.bind(3, present ? 1 : 0);
  st.bind(4, source);
  BindText(st, 5, who.actor);
  BindText(st, 6, who.actor_name);
  st.exec();
  return true;
}

}  // namespace

std::vector<std::string> cohorts_internal::EventDays(const Event& event) {
  std::vector<std::string> out;
  auto from = ParseDay(event.starts_on);
  auto to = ParseDay(event.ends_on);
  if (!from || !to) return out;
  for (auto d = *from; d <= *to && out.size() < kMaxEventDays; d += std::chrono::days{1}) {
    out.push_back(FormatDay(d));
  }
  return out;
}

void cohorts_internal::FillDaysOn(SQLite::Database& db, bool by_event, int64_t rowid,
                                  std::vector<Enrolment>* list) {
  SQLite::Statement st(db,
                       std::string("SELECT e.code, p.public_id, a.day, a.present FROM attendance a "
                                   "JOIN enrolments n ON n.id=a.enrolment_id "
                                   "JOIN events e ON e.id=n.event_id "
                                   "JOIN persons p ON p.id=n.person_id WHERE ") +
                           (by_event ? "n.event_id=?" : "n.person_id=?") + " ORDER BY a.day");
  st.bind(1, rowid);
  std::map<std::pair<std::string, std::string>, Enrolment*> by_key;
  for (Enrolment& e : *list) by_key[{e.event_code, e.person_id}] = &e;
  while (st.executeStep()) {
    auto it = by_key.find({st.getColumn(0).getString(), st.getColumn(1).getString()});
    if (it == by_key.end()) continue;
    it->second->days.push_back({st.getColumn(2).getString(), st.getColumn(3).getInt() != 0});
  }
}

std::vector<FieldError> cohorts_internal::CheckMarksOn(SQLite::Database& db, const EventRow& event,
                                                       const std::vector<AttendanceMark>& marks,
                                                       const std::string& today,
                                                       std::vector<int64_t>* enrolment_rowids) {
  const Event& e = event.event;
  const std::vector<std::string> days = EventDays(e);
  const std::set<std::string> event_days(days.begin(), days.end());
  std::vector<FieldError> problems;
  std::map<std::string, std::pair<int64_t, std::string>> seat_of;  // 编号 -> enrolment or problem
  std::map<std::pair<std::string, std::string>, const AttendanceMark*> seen;
  SQLite::Statement find(db, "SELECT id, state FROM enrolments WHERE event_id=? AND person_id=?");
  enrolment_rowids->assign(marks.size(), 0);
  for (std::size_t i = 0; i < marks.size(); ++i) {
    const AttendanceMark& m = marks[i];
    auto problem = [&](std::string message) {
      problems.push_back({m.field, m.sheet + m.person_id + "：" + std::move(message), m.row});
    };
    if (!ParseDay(m.day)) {
      problem("日期「" + m.day + "」应为 YYYY-MM-DD");
      continue;
    }
    if (event_days.count(m.day) == 0) {
      problem(m.day + " 不是" + Quote(e.title) + "的日期（" + e.starts_on + " 至 " + e.ends_on +
              "）");
      continue;
    }
    if (m.day > today) {
      problem(m.day + " 还没有到（今天是 " + today + "），不能记录出勤");
      continue;
    }
    auto known = seat_of.find(m.person_id);
    if (known == seat_of.end()) {
      std::pair<int64_t, std::string> seat{0, ""};
      PersonRow person;
      if (!LoadPersonOn(db, m.person_id, &person)) {
        seat.second = "没有这个编号的人员";
      } else {
        find.reset();
        find.bind(1, event.rowid);
        find.bind(2, person.rowid);
        if (!find.executeStep()) {
          seat.second = person.name + "没有报名" + Quote(e.title);
        } else {
          auto state = ParseState(find.getColumn(1).getString()).value_or(EnrolmentState::kInvited);
          if (state == EnrolmentState::kInvited) {
            seat.second = person.name + "尚未确认参加（已邀请）：请先确认，再记录出勤";
          } else if (!HoldsSeat(state)) {
            seat.second = person.name + "当前状态为" + Quote(StateLabel(state)) +
                          "，不在名单上，不能记录出勤";
          } else {
            seat.first = find.getColumn(0).getInt64();
          }
        }
      }
      known = seat_of.emplace(m.person_id, std::move(seat)).first;
    }
    if (known->second.first == 0) {
      problem(known->second.second);
      continue;
    }
    auto [other, fresh] = seen.emplace(std::pair{m.person_id, m.day}, &m);
    if (!fresh && other->second->present != m.present) {
      problem(m.day + " 记了两次且不一致（另见第 " + std::to_string(other->second->row) + " 行" +
              (other->second->field.empty() ? "" : "「" + other->second->field + "」") + "）");
      continue;
    }
    (*enrolment_rowids)[i] = known->second.first;
  }
  return problems;
}

std::vector<int64_t> cohorts_internal::WriteMarksOn(SQLite::Database& db, const EventRow& event,
                                                    const std::vector<AttendanceMark>& marks,
                                                    const std::vector<int64_t>& enrolment_rowids,
                                                    const AuditEntry& who,
                                                    const std::string& source) {
  // Per enrolment, in 编号 order: the days that changed.
  std::map<std::string, std::pair<int64_t, json>> changed;
  for (std::size_t i = 0; i < marks.size(); ++i) {
    const AttendanceMark& m = marks[i];
    if (!WriteDay(db, enrolment_rowids[i], m.day, m.present, who, source)) continue;
    auto& entry = changed[m.person_id];
    entry.first = enrolment_rowids[i];
    if (entry.second.is_null()) entry.second = json::array();
    entry.second.push_back({{"day", m.day}, {"present", m.present}});
  }
  std::vector<int64_t> out;
  for (auto& [person_id, entry] : changed) {
    const int64_t rowid = entry.first;
    SQLite::Statement cur(db, "SELECT state FROM enrolments WHERE id=?");
    cur.bind(1, rowid);
    cur.executeStep();
    const EnrolmentState from =
        ParseState(cur.getColumn(0).getString()).value_or(EnrolmentState::kConfirmed);
    const EnrolmentState to = StateFromDays(db, rowid).value_or(from);
    SQLite::Statement up(
        db,
        "UPDATE enrolments SET state=?, version=version+1, "
        "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now'), changed_by=?, changed_by_name=? "
        "WHERE id=?");
    up.bind(1, std::string(StateName(to)));
    BindText(up, 2, who.actor);
    BindText(up, 3, who.actor_name);
    up.bind(4, rowid);
    up.exec();
    AuditOn(db, who, "attendance", "enrolment", ObjectId(event.event, person_id),
            json{{"from", StateName(from)},
                 {"to", StateName(to)},
                 {"days", entry.second},
                 {"source", source}});
    out.push_back(rowid);
  }
  return out;
}

void cohorts_internal::RecordWholeEventOn(SQLite::Database& db, const Event& event,
                                          int64_t enrolment_rowid, const std::string& today,
                                          bool present, const AuditEntry& who) {
  for (const std::string& day : EventDays(event)) {
    if (day > today) break;
    WriteDay(db, enrolment_rowid, day, present, who, "action");
  }
}

StatusOr<std::vector<Enrolment>> Cohorts::RecordAttendance(std::string_view event_code,
                                                           const std::vector<AttendanceMark>& marks,
                                                           const AuditEntry& who) {
  try {
    TP_ASSIGN_OR_RETURN(auto write, db_.Write());
    SQLite::Database& db = write->Connection();
    EventRow event;
    if (!LoadEventOn(db, event_code, &event)) return NoEvent(event_code);
    std::vector<int64_t> rowids;
    std::vector<FieldError> problems = CheckMarksOn(db, event, marks, today_(), &rowids);
    if (!problems.empty()) {
      std::string message = "出勤记录有 " + std::to_string(problems.size()) +
                            " 处问题，均未写入：" + problems.front().message;
      return RuleViolated(std::move(message), std::move(problems));
    }
    std::vector<Enrolment> out;
    for (int64_t rowid : WriteMarksOn(db, event, marks, rowids, who, "api")) {
      out.push_back(EnrolmentOn(db, rowid));
    }
    TP_RETURN_IF_ERROR(write->Commit());
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "记录出勤");
  }
}

}  // namespace tp::registry
