// Training events, their classes and who can attend them (cohorts.h); the
// rows and rules the cohort files share (cohorts_internal.h). Enrolments are
// in cohorts_enrolments.cc.
#include "registry/cohorts/cohorts.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

#include "registry/cohorts/class_rules.h"
#include "registry/cohorts/internal/cohorts_internal.h"
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
      "(SELECT count(*) FROM enrolments n WHERE n.class_id=c.id AND n.state='waitlisted'), "
      "coalesce(c.min_age,0), coalesce(c.max_age,0) FROM classes c WHERE c.event_id=? ORDER BY "
      "c.id");
  classes.bind(1, static_cast<int64_t>(out->rowid));
  while (classes.executeStep()) {
    out->class_rowids.push_back(classes.getColumn(0).getInt64());
    EventClass& c = e.classes.emplace_back();
    c.name = classes.getColumn(1).getString();
    c.level = classes.getColumn(2).getString();
    c.capacity = classes.getColumn(3).getInt();
    c.seats_taken = classes.getColumn(4).getInt();
    c.waitlisted = classes.getColumn(5).getInt();
    c.min_age = classes.getColumn(6).getInt();
    c.max_age = classes.getColumn(7).getInt();
  }
  return true;
}

bool LoadPersonOn(SQLite::Database& db, std::string_view public_id, PersonRow* out) {
  SQLite::Statement st(
      db,
      "SELECT p.id, p.public_id, p.name, "
      "(SELECT a.tier FROM admissions a WHERE a.person_id=p.id "
      " ORDER BY a.year DESC LIMIT 1), "
      "EXISTS(SELECT 1 FROM admissions a WHERE a.person_id=p.id), "
      "p.can_attend_seminar, p.can_attend_study_tour, coalesce(p.employment_status,''), "
      "coalesce(p.birth_date,''), coalesce(" +
          std::string(kAdmittedOnSql) +
          ",'') FROM persons p WHERE p.public_id=? AND p.merged_into IS NULL");
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
  out->birth_date = st.getColumn(8).getString();
  out->admitted_on = st.getColumn(9).getString();
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

Status NoEvent(std::string_view code) {
  return NotFound("没有代码为 " + std::string(code) + " 的培训活动");
}
Status NoPerson(std::string_view public_id) {
  return NotFound("没有编号为 " + std::string(public_id) + " 的人员");
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

std::optional<std::string> TwinOf(SQLite::Database& db, const Event& event, int64_t self_rowid) {
  SQLite::Statement twin(db,
                         "SELECT code FROM events WHERE title=? AND starts_on=? AND ends_on=? "
                         "AND id<>? ORDER BY code LIMIT 1");
  twin.bind(1, event.title);
  twin.bind(2, event.starts_on);
  twin.bind(3, event.ends_on);
  twin.bind(4, static_cast<int64_t>(self_rowid));
  if (!twin.executeStep()) return std::nullopt;
  return twin.getColumn(0).getString();
}

}  // namespace cohorts_internal

namespace {

using namespace cohorts_internal;

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
  SQLite::Statement st(
      db,
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
  SQLite::Statement cl(db,
                       "INSERT INTO classes(event_id, name, level, capacity, min_age, max_age) "
                       "VALUES(?,?,?,?,nullif(?,0),nullif(?,0))");
  for (const EventClass& c : e.classes) {
    cl.reset();
    cl.bind(1, static_cast<int64_t>(event_rowid));
    cl.bind(2, c.name);
    BindText(cl, 3, c.level);
    cl.bind(4, c.capacity);
    cl.bind(5, c.min_age);
    cl.bind(6, c.max_age);
    cl.exec();
  }
  return Status::Ok();
}

json EventJson(const Event& e) {
  json classes = json::array();
  for (const EventClass& c : e.classes) {
    json item = {{"name", c.name}, {"level", c.level}, {"capacity", c.capacity}};
    if (c.min_age > 0) item["min_age"] = c.min_age;
    if (c.max_age > 0) item["max_age"] = c.max_age;
    classes.push_back(std::move(item));
  }
  return {{"title", e.title},
          {"starts_on", e.starts_on},
          {"ends_on", e.ends_on},
          {"capacity", e.capacity},
          {"classes", classes}};
}

}  // namespace

namespace {

// Today in Beijing (UTC+8, no summer time), as YYYY-MM-DD.
std::string BeijingToday() {
  const std::time_t t = std::time(nullptr) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

Cohorts::Cohorts(Store& store) : db_(store.Db()), today_(BeijingToday) {}

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
    for (FieldError& error : ValidateClassConditions(c)) errors.push_back(std::move(error));
    sum += std::max(c.capacity, 0);
  }
  if (!e.classes.empty() && e.capacity > 0 && sum != e.capacity) {
    add("名额", "各班次名额之和 " + std::to_string(sum) + " 与活动名额 " +
                    std::to_string(e.capacity) + " 不一致");
  }
  return errors;
}

StatusOr<std::vector<Event>> Cohorts::LoadEventsFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("找不到培训活动文件 " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("events") ||
      !doc["events"].is_array()) {
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
    if (item.contains("capacity") && item["capacity"].is_number_integer())
      e.capacity = item["capacity"].get<int>();
    if (item.contains("classes") && item["classes"].is_array()) {
      for (const json& c : item["classes"]) {
        if (!c.is_object()) return InvalidArgument(where + "：班次应为 JSON 对象");
        EventClass ec;
        ec.name = c.value("name", "");
        ec.level = c.value("level", "");
        auto integer = [&c](const char* key) {
          return c.contains(key) && c[key].is_number_integer() ? c[key].get<int>() : 0;
        };
        ec.capacity = integer("capacity");
        ec.min_age = integer("min_age");
        ec.max_age = integer("max_age");
        e.classes.push_back(std::move(ec));
      }
    }
    std::vector<FieldError> errors = Validate(e);
    if (!errors.empty()) {
      std::string message =
          where + "：字段「" + errors.front().field + "」" + errors.front().message;
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

StatusOr<Event> Cohorts::CreateEvent(const Event& event, const AuditEntry& who,
                                     bool same_as_another) {
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
      return AlreadyExists(
          "代码 " + event.code + " 已被活动" + Quote(existing.event.title) + "使用",
          {{"代码", "已被使用", 0}});
    }
    if (!same_as_another) {
      if (auto twin = TwinOf(db, event, 0)) {
        return AlreadyExists(
            "已有名称和日期都相同的活动（代码 " + *twin + "）；如确是另一活动，请确认后再创建",
            {{"名称", "与活动 " + *twin + " 相同", 0}});
      }
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
  if (capacity <= 0)
    return InvalidArgument("字段「名额」：应为正整数", {{"名额", "应为正整数", 0}});
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
    SQLite::Statement ev(
        db,
        "UPDATE events SET capacity=(SELECT sum(capacity) FROM classes WHERE event_id=?) "
        "WHERE id=?");
    ev.bind(1, static_cast<int64_t>(row.rowid));
    ev.bind(2, static_cast<int64_t>(row.rowid));
    ev.exec();
    AuditOn(db, who, "update", "event", row.event.code,
            json{{"class", c.name}, {"from", c.capacity}, {"to", capacity}});
    // The seats it adds go to the people waiting, first come first.
    for (int free = capacity - c.seats_taken; free > 0; --free) {
      if (!PromoteOn(db, row, row.class_rowids[i], who, "名额增加")) break;
    }
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

namespace {

// Sets a staff availability (`available`), or takes the staff setting back (nullopt), in one
// transaction with its audit entry. NotFound when there is no staff setting to take back.
Status ChangeAvailability(DbHandle& handle, std::string_view event_code, std::string_view person_id,
                          std::optional<bool> available, const AuditEntry& who) {
  try {
    TP_ASSIGN_OR_RETURN(auto write, handle.Write());
    SQLite::Database& db = write->Connection();
    EventRow event;
    if (!LoadEventOn(db, event_code, &event)) return NoEvent(event_code);
    PersonRow person;
    if (!LoadPersonOn(db, person_id, &person)) return NoPerson(person_id);
    Availability before = AvailabilityOn(db, event, person);
    SQLite::Statement st(
        db, available ? "INSERT INTO availability(person_id, event_id, available, source) "
                        "VALUES(?1,?2,?3,'staff') ON CONFLICT(person_id, event_id) DO UPDATE SET "
                        "available=excluded.available, source=excluded.source"
                      : "DELETE FROM availability WHERE person_id=?1 AND event_id=?2 AND "
                        "source='staff'");
    st.bind(1, static_cast<int64_t>(person.rowid));
    st.bind(2, static_cast<int64_t>(event.rowid));
    if (available) st.bind(3, *available ? 1 : 0);
    if (st.exec() == 0) return NotFound(person.name + "的可否参加没有工作人员的设置可撤销");
    const Availability after = AvailabilityOn(db, event, person);
    json detail = {{"from", before.available ? json(*before.available) : json(nullptr)},
                   {"to", after.available ? json(*after.available) : json(nullptr)}};
    if (!available) detail["source"] = after.source;
    AuditOn(db, who, available ? "update" : "clear", "availability",
            ObjectId(event.event, person.public_id), detail);
    TP_RETURN_IF_ERROR(write->Commit());
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, available ? "设置可否参加" : "撤销可否参加的设置");
  }
}

}  // namespace

Status Cohorts::SetAvailability(std::string_view event_code, std::string_view person_id,
                                bool available, const AuditEntry& who) {
  return ChangeAvailability(db_, event_code, person_id, available, who);
}

Status Cohorts::ClearAvailability(std::string_view event_code, std::string_view person_id,
                                  const AuditEntry& who) {
  return ChangeAvailability(db_, event_code, person_id, std::nullopt, who);
}

StatusOr<Availability> Cohorts::GetAvailability(std::string_view event_code,
                                                std::string_view person_id) {
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

}  // namespace tp::registry
