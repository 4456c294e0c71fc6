// Units' answers to 可否参加 for their admitted people (unit_availability.h).
#include "registry/cohorts/unit_availability.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "registry/base/paths.h"
#include "registry/cohorts/internal/cohorts_internal.h"
#include "registry/fields/dates.h"
#include "registry/fields/names.h"
#include "registry/store/db_handle.h"
#include "registry/tables/table_reader.h"

namespace tp::registry {
namespace {

using namespace cohorts_internal;
using json = nlohmann::json;

constexpr const char* kFields[] = {"can_attend_seminar", "can_attend_study_tour"};

// The scope as a condition on `persons p`, with `?1` its value.
std::string ScopeWhere(const PersonScope& scope) {
  switch (scope.kind) {
    case PersonScope::Kind::kAll: return "1";
    case PersonScope::Kind::kProvince:
      return "coalesce(nullif(p.province,''), (SELECT u.province FROM units u "
             "WHERE u.id=p.unit_id)) = ?1";
    case PersonScope::Kind::kUnit: return "p.unit_id = ?1";
  }
  return "0";
}

void BindScope(SQLite::Statement& st, const PersonScope& scope) {
  if (scope.kind == PersonScope::Kind::kProvince) st.bind(1, scope.province);
  if (scope.kind == PersonScope::Kind::kUnit) st.bind(1, static_cast<int64_t>(scope.unit_rowid));
}

bool InScope(SQLite::Database& db, const PersonScope& scope, int64_t person_rowid) {
  SQLite::Statement st(db, "SELECT 1 FROM persons p WHERE " + ScopeWhere(scope) + " AND p.id=?2");
  BindScope(st, scope);
  st.bind(2, static_cast<int64_t>(person_rowid));
  return st.executeStep();
}

std::optional<bool> Answer(const PersonRow& person, std::string_view field) {
  return field == kFields[0] ? person.can_attend_seminar : person.can_attend_study_tour;
}

// Writes the unit's answer into the person's field, bumping the version so the change is
// followed like any edit of the record, with its audit entry.
void WriteAnswer(SQLite::Database& db, const PersonRow& person, std::string_view field,
                 std::optional<bool> answer, const AuditEntry& who, const json& how) {
  SQLite::Statement st(db, "UPDATE persons SET " + std::string(field) +
                               "=?, version=version+1, "
                               "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id=?");
  if (answer) {
    st.bind(1, *answer ? 1 : 0);
  } else {
    st.bind(1);
  }
  st.bind(2, static_cast<int64_t>(person.rowid));
  st.exec();
  const std::optional<bool> before = Answer(person, field);
  json detail = how;
  detail["field"] = field;
  detail["from"] = before ? json(*before) : json(nullptr);
  detail["to"] = answer ? json(*answer) : json(nullptr);
  AuditOn(db, who, "availability", "person", person.public_id, detail);
}

// 是 / 否 as a spreadsheet user writes them; nullopt for anything else.
std::optional<bool> ParseAnswer(std::string_view text) {
  if (text == "是" || text == "可以" || text == "能") return true;
  if (text == "否" || text == "不可以" || text == "不能") return false;
  return std::nullopt;
}

std::string Trim(std::string s) {
  const char* spaces = " \t\r\n";
  s.erase(0, s.find_first_not_of(spaces));
  s.erase(s.find_last_not_of(spaces) + 1);
  if (s.rfind("\u3000", 0) == 0) s.erase(0, 3);
  return s;
}

// A person checked for an answer: of the scope and admitted.
Status CheckPerson(SQLite::Database& db, const PersonScope& scope, const PersonRow& person) {
  if (!InScope(db, scope, person.rowid)) {
    return NotFound("编号 " + person.public_id + " 不是本单位（或本省）推荐的人员");
  }
  if (!person.admitted) {
    return RuleViolated(person.name + "（" + person.public_id +
                        "）尚未入库：可否参加只为已入库人员报送，新推荐的人员请在推荐表中填写");
  }
  return Status::Ok();
}

// The columns an answer sheet may carry: the title lines above them (附件2's 「2024 年推荐学员
// 参加活动信息表」, 联系人及电话, 填表日期) are skipped.
TableOptions SheetOptions() {
  TableOptions options;
  options.known_columns = {"序号",
                           "姓名",
                           "性别",
                           "民族",
                           "出生年月",
                           "出生日期",
                           "编号",
                           "身份证号",
                           "单位职务",
                           "工作单位及职务",
                           "工作单位",
                           "可否参加",
                           "可否参加专题研修班",
                           "可否参加国情研修活动"};
  return options;
}

// The 编号 of the admitted person of `scope` a row without 编号 and 身份证号 names by 姓名,
// 出生年月 and (when given) 单位职务, or the reason no single one is found.
StatusOr<std::string> MatchByName(SQLite::Database& db, const PersonScope& scope,
                                  const NameMatcher& names, std::string_view name,
                                  std::string_view birth_text, std::string_view unit) {
  auto birth = ParseDate(birth_text);
  if (!birth.ok()) return InvalidArgument(birth.status().message());
  const std::string month = birth->ToString().substr(0, 7);
  SQLite::Statement st(db,
                       "SELECT p.public_id, p.name, coalesce(p.unit_name,'') FROM persons p "
                       "WHERE " +
                           ScopeWhere(scope) +
                           " AND p.merged_into IS NULL AND p.birth_date >= ?2 AND "
                           "p.birth_date <= ?3 AND EXISTS (SELECT 1 FROM admissions a "
                           "WHERE a.person_id=p.id) ORDER BY p.public_id");
  BindScope(st, scope);
  st.bind(2, month);
  st.bind(3, month + "-99");
  std::vector<std::string> found;
  while (st.executeStep()) {
    if (!names.SameName(name, st.getColumn(1).getString())) continue;
    const std::string stored_unit = st.getColumn(2).getString();
    if (!unit.empty() && !stored_unit.empty() && !names.SimilarUnit(unit, stored_unit)) continue;
    found.push_back(st.getColumn(0).getString());
  }
  if (found.empty()) {
    return NotFound("本单位（或本省）已入库的人员中没有姓名、出生年月" +
                    std::string(unit.empty() ? "" : "、单位") + "相同的人员：请填写编号");
  }
  if (found.size() > 1) {
    std::string ids;
    for (const std::string& id : found) ids += (ids.empty() ? "" : "、") + id;
    return AlreadyExists("有多位姓名、出生年月相同的已入库人员（" + ids + "）：请填写编号");
  }
  return found.front();
}

}  // namespace

UnitAvailability::UnitAvailability(Store& store) : store_(store) {}

StatusOr<std::vector<Event>> UnitAvailability::AskingEvents() {
  Cohorts cohorts(store_);
  TP_ASSIGN_OR_RETURN(auto events, cohorts.ListEvents());
  std::vector<Event> asking;
  for (Event& e : events) {
    if (!e.availability_field.empty()) asking.push_back(std::move(e));
  }
  return asking;
}

StatusOr<std::vector<PersonAnswers>> UnitAvailability::List(const PersonScope& scope,
                                                            const std::vector<Event>& events) {
  try {
    auto db = store_.Db().Read();
    SQLite::Transaction snapshot(*db);
    std::vector<EventRow> rows;
    for (const Event& e : events) {
      EventRow row;
      if (!LoadEventOn(*db, e.code, &row)) return NoEvent(e.code);
      rows.push_back(std::move(row));
    }
    SQLite::Statement st(*db,
                         "SELECT p.public_id, coalesce((SELECT u.name FROM units u WHERE "
                         "u.id=p.unit_id),'') FROM persons p WHERE p.merged_into IS NULL AND " +
                             ScopeWhere(scope) +
                             " AND EXISTS(SELECT 1 FROM admissions a WHERE a.person_id=p.id) "
                             "ORDER BY p.public_id");
    BindScope(st, scope);
    std::vector<PersonAnswers> out;
    while (st.executeStep()) {
      PersonRow person;
      if (!LoadPersonOn(*db, st.getColumn(0).getString(), &person)) continue;
      PersonAnswers a;
      a.person_id = person.public_id;
      a.name = person.name;
      a.unit = st.getColumn(1).getString();
      for (const EventRow& row : rows) a.answers.push_back(AvailabilityOn(*db, row, person));
      out.push_back(std::move(a));
    }
    snapshot.commit();
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取可否参加");
  }
}

Status UnitAvailability::Report(const PersonScope& scope, std::string_view event_code,
                                std::string_view person_id, std::optional<bool> answer,
                                const AuditEntry& who) {
  try {
    TP_ASSIGN_OR_RETURN(auto write, store_.Db().Write());
    SQLite::Database& db = write->Connection();
    EventRow event;
    if (!LoadEventOn(db, event_code, &event)) return NoEvent(event_code);
    const std::string& field = event.event.availability_field;
    if (field.empty()) {
      return InvalidArgument("活动" + Quote(event.event.title) + "没有请单位报送可否参加",
                             {{"活动", "没有请单位报送可否参加", 0}});
    }
    PersonRow person;
    if (!LoadPersonOn(db, person_id, &person)) return NoPerson(person_id);
    TP_RETURN_IF_ERROR(CheckPerson(db, scope, person));
    WriteAnswer(db, person, field, answer, who, json{{"event", event.event.code}, {"by", "form"}});
    return write->Commit();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "报送可否参加");
  }
}

bool UnitAvailability::IsAnswerSheet(std::string_view bytes, std::string_view filename) {
  auto table = OpenTableInPlace(bytes, filename, SheetOptions());
  return table.ok() && IsAnswerSheet(**table);
}

bool UnitAvailability::IsAnswerSheet(const TableReader& table) {
  const std::vector<std::string>& titles = table.TitleLines();
  return std::any_of(titles.begin(), titles.end(), [](const std::string& line) {
    return line.find("参加活动信息表") != std::string::npos;
  });
}

StatusOr<AnswerSheetResult> UnitAvailability::ApplySheet(const PersonScope& scope,
                                                         std::string bytes,
                                                         std::string_view filename,
                                                         std::string_view event_code,
                                                         const AuditEntry& who) {
  TP_ASSIGN_OR_RETURN(auto table, OpenTableFromBytes(std::move(bytes), filename, SheetOptions()));
  const std::vector<std::string>& header = table->Header();
  auto column = [&header](std::string_view name) -> int {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  const int name_col = column("姓名");
  const int id_col = column("编号");
  const int number_col = column("身份证号");
  // 附件2 has neither: its people are found by name, birth date and unit.
  const int birth_col = column("出生年月") >= 0 ? column("出生年月") : column("出生日期");
  int unit_col = column("单位职务");
  if (unit_col < 0) unit_col = column("工作单位及职务");
  if (unit_col < 0) unit_col = column("工作单位");
  // The answer columns: field -> column, by the labels of the sheet (附件2), or 可否参加 for
  // the event named.
  std::map<std::string, int> answer_cols;
  for (const char* field : kFields) {
    if (int c = column(AvailabilityFieldLabel(field)); c >= 0) answer_cols[field] = c;
  }
  std::string generic_field;
  if (int c = column("可否参加"); c >= 0) {
    if (event_code.empty()) {
      return InvalidArgument("「可否参加」一列须指明活动（event）",
                             {{"可否参加", "请指明是哪个活动的可否参加", 1}});
    }
    TP_ASSIGN_OR_RETURN(Event event, Cohorts(store_).GetEvent(event_code));
    if (event.availability_field.empty()) {
      return InvalidArgument("活动" + Quote(event.title) + "没有请单位报送可否参加",
                             {{"可否参加", "该活动不询问可否参加", 1}});
    }
    answer_cols[event.availability_field] = c;
  }
  std::vector<FieldError> missing;
  if (name_col < 0) missing.push_back({"姓名", "表头缺少「姓名」列", 1});
  if (id_col < 0 && number_col < 0 && birth_col < 0)
    missing.push_back({"编号", "表头须有「编号」「身份证号」或「出生年月」列", 1});
  if (answer_cols.empty()) {
    missing.push_back(
        {"可否参加", "表头须有「可否参加专题研修班」「可否参加国情研修活动」列之一", 1});
  }
  if (!missing.empty()) {
    std::string message = "表头：" + missing.front().message;
    return InvalidArgument(std::move(message), std::move(missing));
  }

  struct Change {
    PersonRow person;
    std::string field;
    bool answer = false;
    long row = 0;
  };
  AnswerSheetResult result;
  std::vector<Change> changes;
  std::map<std::string, long> seen;  // 编号 -> row
  std::optional<NameMatcher> names;  // loaded for the first row matched by name
  try {
    auto db = store_.Db().Read();
    std::vector<std::string> cells;
    long row = 0;
    while (true) {
      TP_ASSIGN_OR_RETURN(bool more, table->Next(&cells, &row));
      if (!more) break;
      ++result.rows;
      auto cell = [&cells](int c) {
        return c >= 0 && static_cast<size_t>(c) < cells.size() ? Trim(cells[c]) : std::string();
      };
      auto bad = [&](std::string field, std::string message) {
        result.errors.push_back({std::move(field), std::move(message), static_cast<int>(row)});
      };
      const std::string name = cell(name_col);
      std::string public_id = cell(id_col);
      std::string number = cell(number_col);
      if (public_id.empty() && !number.empty()) {
        for (char& ch : number) ch = ch == 'x' ? 'X' : ch;
        auto found = store_.FindByIdNumber(number);
        if (!found.ok()) return found.status();
        if (*found) {
          SQLite::Statement st(*db, "SELECT public_id FROM persons WHERE id=?");
          st.bind(1, static_cast<int64_t>(**found));
          if (st.executeStep()) public_id = st.getColumn(0).getString();
        }
        if (public_id.empty()) {
          bad("身份证号", "人才库中没有这个身份证号的人员");
          continue;
        }
      }
      if (public_id.empty() && birth_col >= 0) {
        if (cell(birth_col).empty()) {
          bad("出生年月", "没有编号和身份证号时，按姓名和出生年月查找人员：不能为空");
          continue;
        }
        if (!names) {
          TP_ASSIGN_OR_RETURN(NameMatcher loaded, NameMatcher::Load(DataDir()));
          names.emplace(std::move(loaded));
        }
        StatusOr<std::string> matched =
            MatchByName(*db, scope, *names, name, cell(birth_col), cell(unit_col));
        if (!matched.ok()) {
          bad(matched.status().code() == StatusCode::kInvalidArgument ? "出生年月" : "姓名",
              matched.status().message());
          continue;
        }
        public_id = *matched;
      }
      if (public_id.empty()) {
        bad(id_col >= 0 ? "编号" : "身份证号", "不能为空");
        continue;
      }
      PersonRow person;
      if (!LoadPersonOn(*db, public_id, &person)) {
        bad(id_col >= 0 && !cell(id_col).empty() ? "编号" : "身份证号",
            "人才库中没有编号为 " + public_id + " 的人员");
        continue;
      }
      if (!InScope(*db, scope, person.rowid)) {
        bad("编号", person.public_id + " 不是本单位（或本省）推荐的人员");
        continue;
      }
      if (name != person.name && !(names && names->SameName(name, person.name))) {
        bad("姓名", Quote(name) + "与编号 " + person.public_id + " 的人员姓名不符");
        continue;
      }
      if (!person.admitted) {
        bad("编号", person.name + "尚未入库：可否参加只为已入库人员报送");
        continue;
      }
      if (auto [it, added] = seen.emplace(person.public_id, row); !added) {
        bad("编号", person.name + "与第 " + std::to_string(it->second) + " 行重复");
        continue;
      }
      for (const auto& [field, col] : answer_cols) {
        const std::string text = cell(col);
        if (text.empty()) continue;
        std::optional<bool> answer = ParseAnswer(text);
        if (!answer) {
          bad(std::string(AvailabilityFieldLabel(field)), Quote(text) + "应为「是」或「否」");
          continue;
        }
        if (Answer(person, field) != answer) changes.push_back({person, field, *answer, row});
      }
    }
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取可否参加表");
  }
  if (!result.errors.empty()) return result;
  try {
    TP_ASSIGN_OR_RETURN(auto write, store_.Db().Write());
    SQLite::Database& db = write->Connection();
    for (const Change& c : changes) {
      PersonRow now;
      if (!LoadPersonOn(db, c.person.public_id, &now)) return NoPerson(c.person.public_id);
      WriteAnswer(db, now, c.field, c.answer, who,
                  json{{"by", "sheet"}, {"file", std::string(filename)}, {"row", c.row}});
    }
    AuditOn(db, who, "upload", "availability_sheet", std::string(filename),
            json{{"rows", result.rows}, {"changed", changes.size()}});
    TP_RETURN_IF_ERROR(write->Commit());
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "写入可否参加");
  }
  result.changed = static_cast<int>(changes.size());
  return result;
}

}  // namespace tp::registry
