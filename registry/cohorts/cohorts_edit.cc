// Staff's changes to an event after it was created (cohorts.h): its title, dates, place, source
// and classes, and the order of a class's waiting list.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
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

json ClassJson(const EventClass& c) {
  json out = {{"name", c.name}, {"level", c.level}, {"capacity", c.capacity}};
  if (c.min_age > 0) out["min_age"] = c.min_age;
  if (c.max_age > 0) out["max_age"] = c.max_age;
  return out;
}

// How many of the class's seat holders and waiting people are not of `level`'s tier.
int PeopleOfOtherTier(SQLite::Database& db, int64_t class_rowid, const std::string& level) {
  SQLite::Statement st(
      db,
      "SELECT count(*) FROM enrolments n WHERE n.class_id=? AND n.state IN "
      "('invited','confirmed','attended','absent','waitlisted') AND coalesce((SELECT a.tier "
      "FROM admissions a WHERE a.person_id=n.person_id ORDER BY a.year DESC LIMIT 1),'')<>?");
  st.bind(1, static_cast<int64_t>(class_rowid));
  st.bind(2, level);
  st.executeStep();
  return st.getColumn(0).getInt();
}

// How many of the event's seat holders hold a seat in another event over `starts_on`..`ends_on`.
int BusyElsewhere(SQLite::Database& db, int64_t event_rowid, const std::string& starts_on,
                  const std::string& ends_on) {
  SQLite::Statement st(
      db,
      "SELECT count(DISTINCT n.person_id) FROM enrolments n JOIN enrolments o ON "
      "o.person_id=n.person_id AND o.event_id<>n.event_id JOIN events oe ON oe.id=o.event_id "
      "WHERE n.event_id=? AND n.state IN ('invited','confirmed','attended','absent') AND "
      "o.state IN ('invited','confirmed','attended','absent') AND oe.starts_on<=? AND "
      "oe.ends_on>=?");
  st.bind(1, static_cast<int64_t>(event_rowid));
  st.bind(2, ends_on);
  st.bind(3, starts_on);
  st.executeStep();
  return st.getColumn(0).getInt();
}

int AttendanceRecorded(SQLite::Database& db, int64_t event_rowid) {
  SQLite::Statement st(
      db, "SELECT count(*) FROM enrolments WHERE event_id=? AND state IN ('attended','absent')");
  st.bind(1, static_cast<int64_t>(event_rowid));
  st.executeStep();
  return st.getColumn(0).getInt();
}

int EnrolmentsIn(SQLite::Database& db, int64_t class_rowid) {
  SQLite::Statement st(db, "SELECT count(*) FROM enrolments WHERE class_id=?");
  st.bind(1, static_cast<int64_t>(class_rowid));
  st.executeStep();
  return st.getColumn(0).getInt();
}

// A class of the edited event: the existing one it changes (-1 for a new class) and its new
// values.
struct PlannedClass {
  int existing = -1;
  EventClass to;
};

}  // namespace

StatusOr<Event> Cohorts::EditEvent(std::string_view event_code, const EventEdit& edit,
                                   const AuditEntry& who) {
  try {
    TP_ASSIGN_OR_RETURN(auto write, db_.Write());
    SQLite::Database& db = write->Connection();
    EventRow row;
    if (!LoadEventOn(db, event_code, &row)) return NoEvent(event_code);
    const Event& before = row.event;
    Event after = before;
    for (auto [value, out] : {std::pair{&edit.title, &after.title},
                              {&edit.starts_on, &after.starts_on},
                              {&edit.ends_on, &after.ends_on},
                              {&edit.place, &after.place},
                              {&edit.source, &after.source}}) {
      if (value->has_value()) *out = **value;
    }
    std::vector<PlannedClass> planned;
    std::vector<FieldError> errors;
    if (edit.classes) {
      std::set<int> taken_over;
      for (size_t k = 0; k < edit.classes->size(); ++k) {
        const ClassEdit& c = (*edit.classes)[k];
        const std::string& identity = c.was.empty() ? c.change.name : c.was;
        PlannedClass p;
        p.to = c.change;
        for (size_t i = 0; i < before.classes.size(); ++i) {
          if (before.classes[i].name == identity) p.existing = static_cast<int>(i);
        }
        const EventClass* old = p.existing >= 0 ? &before.classes[p.existing] : nullptr;
        p.to.min_age = c.min_age.value_or(old ? old->min_age : c.change.min_age);
        p.to.max_age = c.max_age.value_or(old ? old->max_age : c.change.max_age);
        if (p.existing < 0 && !c.was.empty()) {
          errors.push_back({"班次", "没有要改名的班次" + Quote(c.was), static_cast<long>(k + 1)});
        } else if (p.existing >= 0 && !taken_over.insert(p.existing).second) {
          errors.push_back(
              {"班次", "班次" + Quote(identity) + "被改了两次", static_cast<long>(k + 1)});
        }
        planned.push_back(std::move(p));
      }
    } else {
      for (size_t i = 0; i < before.classes.size(); ++i) {
        planned.push_back({static_cast<int>(i), before.classes[i]});
      }
    }
    after.classes.clear();
    after.capacity = 0;
    for (const PlannedClass& p : planned) {
      after.classes.push_back(p.to);
      after.capacity += std::max(p.to.capacity, 0);
    }
    for (const FieldError& e : Validate(after)) {
      // Validate names no row; the class errors name the class itself.
      errors.push_back(e);
    }
    if (!errors.empty()) {
      std::string message = "字段「" + errors.front().field + "」：" + errors.front().message;
      return InvalidArgument(std::move(message), std::move(errors));
    }
    // Another event with the new title and dates: refused unless the twin is meant.
    const bool retitled = after.title != before.title || after.starts_on != before.starts_on ||
                          after.ends_on != before.ends_on;
    if (retitled && !edit.same_as_another) {
      if (auto twin = TwinOf(db, after, row.rowid)) {
        return AlreadyExists(
            "已有名称和日期都相同的活动（代码 " + *twin + "）；如确是另一活动，请确认后再保存",
            {{"名称", "与活动 " + *twin + " 相同", 0}});
      }
    }
    // The rules the people already placed impose.
    std::vector<bool> kept(before.classes.size(), false);
    for (size_t k = 0; k < planned.size(); ++k) {
      const PlannedClass& p = planned[k];
      if (p.existing < 0) continue;
      kept[p.existing] = true;
      const EventClass& old = before.classes[p.existing];
      const long at = static_cast<long>(k + 1);
      if (p.to.capacity < old.seats_taken) {
        errors.push_back({"班次",
                          "班次" + Quote(old.name) + "已有 " + std::to_string(old.seats_taken) +
                              " 人占用名额，不能减到 " + std::to_string(p.to.capacity),
                          at});
      }
      if (!p.to.level.empty() && p.to.level != old.level) {
        const int others = PeopleOfOtherTier(db, row.class_rowids[p.existing], p.to.level);
        if (others > 0) {
          errors.push_back({"班次",
                            "班次" + Quote(old.name) + "已有 " + std::to_string(others) +
                                " 人不是" + p.to.level + "，不能改为该层次",
                            at});
        }
      }
    }
    for (size_t i = 0; i < before.classes.size(); ++i) {
      if (kept[i]) continue;
      const int n = EnrolmentsIn(db, row.class_rowids[i]);
      if (n > 0) {
        errors.push_back({"班次",
                          "班次" + Quote(before.classes[i].name) + "有 " + std::to_string(n) +
                              " 条报名记录，不能删除",
                          0});
      }
    }
    if (after.starts_on != before.starts_on || after.ends_on != before.ends_on) {
      const int recorded = AttendanceRecorded(db, row.rowid);
      if (recorded > 0 && after.starts_on > today_()) {
        errors.push_back(
            {"开始日期", "已有 " + std::to_string(recorded) + " 人记录了出勤，开始日期不能晚于今天",
             0});
      }
      const int busy = BusyElsewhere(db, row.rowid, after.starts_on, after.ends_on);
      if (busy > 0) {
        errors.push_back(
            {"开始日期", "改期后有 " + std::to_string(busy) + " 人与其所在的同期活动时间重叠", 0});
      }
    }
    if (!errors.empty()) {
      std::string message = errors.front().message;
      return RuleViolated(std::move(message), std::move(errors));
    }

    json changes = json::object();
    for (auto [key, from, to] : {std::tuple{"title", &before.title, &after.title},
                                 {"starts_on", &before.starts_on, &after.starts_on},
                                 {"ends_on", &before.ends_on, &after.ends_on},
                                 {"place", &before.place, &after.place},
                                 {"source", &before.source, &after.source}}) {
      if (*from != *to) changes[key] = {{"from", *from}, {"to", *to}};
    }
    if (before.capacity != after.capacity) {
      changes["capacity"] = {{"from", before.capacity}, {"to", after.capacity}};
    }
    SQLite::Statement ev(db,
                         "UPDATE events SET title=?, starts_on=?, ends_on=?, place=?, source=?, "
                         "capacity=? WHERE id=?");
    ev.bind(1, after.title);
    ev.bind(2, after.starts_on);
    ev.bind(3, after.ends_on);
    BindText(ev, 4, after.place);
    BindText(ev, 5, after.source);
    ev.bind(6, after.capacity);
    ev.bind(7, static_cast<int64_t>(row.rowid));
    ev.exec();

    json class_changes = json::array();
    for (size_t i = 0; i < before.classes.size(); ++i) {
      if (kept[i]) continue;
      SQLite::Statement del(db, "DELETE FROM classes WHERE id=?");
      del.bind(1, static_cast<int64_t>(row.class_rowids[i]));
      del.exec();
      class_changes.push_back({{"class", before.classes[i].name},
                               {"from", ClassJson(before.classes[i])},
                               {"to", nullptr}});
    }
    // Names move in two steps, so two classes can swap names without a clash.
    for (const PlannedClass& p : planned) {
      if (p.existing < 0) continue;
      SQLite::Statement tmp(db, "UPDATE classes SET name='~'||id WHERE id=?");
      tmp.bind(1, static_cast<int64_t>(row.class_rowids[p.existing]));
      tmp.exec();
    }
    std::vector<int64_t> grown;  // classes that gained seats
    for (const PlannedClass& p : planned) {
      if (p.existing < 0) {
        SQLite::Statement add(
            db,
            "INSERT INTO classes(event_id, name, level, capacity, min_age, max_age) "
            "VALUES(?,?,?,?,nullif(?,0),nullif(?,0))");
        add.bind(1, static_cast<int64_t>(row.rowid));
        add.bind(2, p.to.name);
        BindText(add, 3, p.to.level);
        add.bind(4, p.to.capacity);
        add.bind(5, p.to.min_age);
        add.bind(6, p.to.max_age);
        add.exec();
        class_changes.push_back({{"class", p.to.name}, {"from", nullptr}, {"to", ClassJson(p.to)}});
        continue;
      }
      const EventClass& old = before.classes[p.existing];
      const int64_t class_rowid = row.class_rowids[p.existing];
      SQLite::Statement up(db,
                           "UPDATE classes SET name=?, level=?, capacity=?, min_age=nullif(?,0), "
                           "max_age=nullif(?,0) WHERE id=?");
      up.bind(1, p.to.name);
      BindText(up, 2, p.to.level);
      up.bind(3, p.to.capacity);
      up.bind(4, p.to.min_age);
      up.bind(5, p.to.max_age);
      up.bind(6, static_cast<int64_t>(class_rowid));
      up.exec();
      if (ClassJson(old) != ClassJson(p.to)) {
        class_changes.push_back(
            {{"class", old.name}, {"from", ClassJson(old)}, {"to", ClassJson(p.to)}});
      }
      if (p.to.capacity > old.capacity) grown.push_back(class_rowid);
    }
    if (!changes.empty() || !class_changes.empty()) {
      json detail = {{"changes", changes}};
      if (!class_changes.empty()) detail["classes"] = class_changes;
      AuditOn(db, who, "update", "event", before.code, detail);
    }
    // The seats classes gain go to the people waiting, first come first, under the new dates.
    LoadEventOn(db, event_code, &row);
    for (int64_t class_rowid : grown) {
      size_t i = 0;
      while (i < row.class_rowids.size() && row.class_rowids[i] != class_rowid) ++i;
      const EventClass& c = row.event.classes[i];
      for (int free = c.capacity - c.seats_taken; free > 0; --free) {
        if (!PromoteOn(db, row, class_rowid, who, "名额增加")) break;
      }
    }
    LoadEventOn(db, event_code, &row);
    TP_RETURN_IF_ERROR(write->Commit());
    return row.event;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "修改培训活动");
  }
}

StatusOr<Enrolment> Cohorts::MoveOnWaitlist(std::string_view event_code, std::string_view person_id,
                                            int rank, int64_t expected_version,
                                            const AuditEntry& who) {
  try {
    TP_ASSIGN_OR_RETURN(auto write, db_.Write());
    SQLite::Database& db = write->Connection();
    EventRow event;
    if (!LoadEventOn(db, event_code, &event)) return NoEvent(event_code);
    PersonRow person;
    if (!LoadPersonOn(db, person_id, &person)) return NoPerson(person_id);
    SQLite::Statement mine(db,
                           "SELECT id, coalesce(class_id,0), state, version FROM enrolments "
                           "WHERE event_id=? AND person_id=?");
    mine.bind(1, static_cast<int64_t>(event.rowid));
    mine.bind(2, static_cast<int64_t>(person.rowid));
    if (!mine.executeStep()) return RuleViolated(person.name + "尚未报名本活动，不能调整候补名次");
    const int64_t rowid = mine.getColumn(0).getInt64();
    const int64_t class_rowid = mine.getColumn(1).getInt64();
    const std::string state = mine.getColumn(2).getString();
    const int64_t version = mine.getColumn(3).getInt64();
    mine.reset();
    if (expected_version != 0 && version != expected_version) {
      return PreconditionFailed("报名记录已被他人修改（当前版本 " + std::to_string(version) +
                                "），请刷新后重试");
    }
    if (state != "waitlisted") {
      auto parsed = ParseState(state);
      return RuleViolated(person.name + "当前状态为" +
                          Quote(parsed ? StateLabel(*parsed) : std::string_view(state)) +
                          "，不在候补名单上，不能调整候补名次");
    }
    // The list in the order promotions take it.
    std::vector<int64_t> order;
    SQLite::Statement list(db,
                           "SELECT n.id FROM enrolments n JOIN persons p ON p.id=n.person_id "
                           "WHERE n.class_id=? AND n.state='waitlisted' "
                           "ORDER BY n.waitlist_pos, p.public_id");
    list.bind(1, static_cast<int64_t>(class_rowid));
    while (list.executeStep()) order.push_back(list.getColumn(0).getInt64());
    const int size = static_cast<int>(order.size());
    if (rank < 1 || rank > size) {
      const std::string message = "应为 1 到 " + std::to_string(size) + " 之间的整数";
      return InvalidArgument("字段「名次」：" + message, {{"名次", message, 0}});
    }
    const auto at = std::find(order.begin(), order.end(), rowid);
    const int from_rank = static_cast<int>(at - order.begin()) + 1;
    order.erase(at);
    order.insert(order.begin() + (rank - 1), rowid);
    SQLite::Statement pos(db, "UPDATE enrolments SET waitlist_pos=? WHERE id=?");
    for (size_t i = 0; i < order.size(); ++i) {
      pos.reset();
      pos.bind(1, static_cast<int64_t>(i + 1));
      pos.bind(2, static_cast<int64_t>(order[i]));
      pos.exec();
    }
    SQLite::Statement bump(
        db,
        "UPDATE enrolments SET version=version+1, "
        "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now'), changed_by=?, changed_by_name=? "
        "WHERE id=?");
    BindText(bump, 1, who.actor);
    BindText(bump, 2, who.actor_name);
    bump.bind(3, static_cast<int64_t>(rowid));
    bump.exec();
    std::string class_name;
    for (size_t i = 0; i < event.class_rowids.size(); ++i) {
      if (event.class_rowids[i] == class_rowid) class_name = event.event.classes[i].name;
    }
    AuditOn(db, who, "move", "enrolment", ObjectId(event.event, person.public_id),
            json{{"class", class_name}, {"from_rank", from_rank}, {"to_rank", rank}});
    Enrolment moved;
    SQLite::Statement read(db, "SELECT version, updated_at FROM enrolments WHERE id=?");
    read.bind(1, static_cast<int64_t>(rowid));
    read.executeStep();
    moved.event_code = event.event.code;
    moved.class_name = class_name;
    moved.person_id = person.public_id;
    moved.person_name = person.name;
    moved.state = EnrolmentState::kWaitlisted;
    moved.waitlist_rank = rank;
    moved.version = read.getColumn(0).getInt64();
    moved.updated_at = read.getColumn(1).getString();
    read.reset();
    TP_RETURN_IF_ERROR(write->Commit());
    return moved;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "调整候补名次");
  }
}

}  // namespace tp::registry
