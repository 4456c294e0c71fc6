// The sign-in sheet back in (cohorts.h): the workbook ExportRosterXlsx printed, ticked per
// person and day, read sheet by sheet and recorded as attendance.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "registry/cohorts/cohorts.h"
#include "registry/cohorts/internal/cohorts_internal.h"
#include "registry/store/db_handle.h"
#include "registry/tables/table_reader.h"

namespace tp::registry {
namespace {

using namespace cohorts_internal;

// The marks an office writes, as documented in cohorts.h and docs/training.md.
const std::set<std::string> kPresent = {"√", "✓", "✔", "☑", "是", "到", "1"};
const std::set<std::string> kAbsent = {"×", "✗", "✘", "x", "X", "缺", "缺席", "否", "0", "请假"};

// Without surrounding ASCII spaces, ideographic spaces and no-break spaces.
std::string Trim(std::string s) {
  static const std::regex kEdges(R"(^(\s|　|\xC2\xA0)+|(\s|　|\xC2\xA0)+$)");
  return std::regex_replace(s, kEdges, "");
}

enum class DayHeader { kNotADay, kEventDay, kOtherDay };

// Whether a header cell names a day ("11月17日", "11月17日（周日）", "2024年11月17日",
// "2024-11-17") and which day of the event it is.
DayHeader ParseDayHeader(const std::string& cell, const std::vector<std::string>& event_days,
                         std::string* day) {
  static const std::regex kChinese(R"(^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日.*$)");
  static const std::regex kIso(R"(^(\d{4})-(\d{2})-(\d{2})$)");
  std::smatch m;
  int year = 0, month = 0, date = 0;
  if (std::regex_match(cell, m, kChinese)) {
    year = m[1].matched ? std::stoi(m[1]) : 0;
    month = std::stoi(m[2]);
    date = std::stoi(m[3]);
  } else if (std::regex_match(cell, m, kIso)) {
    year = std::stoi(m[1]);
    month = std::stoi(m[2]);
    date = std::stoi(m[3]);
  } else {
    return DayHeader::kNotADay;
  }
  for (const std::string& d : event_days) {
    if ((year == 0 || std::stoi(d.substr(0, 4)) == year) && std::stoi(d.substr(5, 2)) == month &&
        std::stoi(d.substr(8, 2)) == date) {
      *day = d;
      return DayHeader::kEventDay;
    }
  }
  return DayHeader::kOtherDay;
}

struct SheetRead {
  int rows = 0;
  std::vector<AttendanceMark> marks;
  std::vector<FieldError> problems;
};

// Reads one sheet's rows into marks, with the problems of its cells.
Status ReadSheet(SQLite::Database& db, const EventRow& event, TableReader& table,
                 const std::string& where, SheetRead* out) {
  const Event& e = event.event;
  const std::vector<std::string> event_days = EventDays(e);
  const std::vector<std::string>& header = table.Header();
  auto column = [&](const char* name) -> long {
    for (std::size_t j = 0; j < header.size(); ++j) {
      if (header[j] == name) return static_cast<long>(j);
    }
    return -1;
  };
  const long id_col = column("编号"), name_col = column("姓名");
  if (id_col < 0 || name_col < 0) {
    return InvalidArgument(where + "没有「编号」和「姓名」列：请上传系统导出的签到表",
                           {{id_col < 0 ? "编号" : "姓名", "缺少这一列", table.HeaderRowNumber()}});
  }
  std::map<std::size_t, std::string> day_of;  // column -> YYYY-MM-DD
  for (std::size_t j = 0; j < header.size(); ++j) {
    std::string day;
    switch (ParseDayHeader(header[j], event_days, &day)) {
      case DayHeader::kNotADay: break;
      case DayHeader::kEventDay: day_of[j] = day; break;
      case DayHeader::kOtherDay:
        out->problems.push_back({header[j],
                                 where + "「" + header[j] + "」不是" + Quote(e.title) + "的日期（" +
                                     e.starts_on + " 至 " + e.ends_on + "）",
                                 table.HeaderRowNumber()});
    }
  }
  SQLite::Statement enrolled(db, "SELECT 1 FROM enrolments WHERE event_id=? AND person_id=?");
  std::vector<std::string> cells;
  long row = 0;
  while (true) {
    StatusOr<bool> more = table.Next(&cells, &row);
    if (!more.ok()) return more.status();
    if (!*more) break;
    const std::string id = Trim(cells[id_col]);
    const std::string name = Trim(cells[name_col]);
    std::vector<std::pair<std::size_t, std::string>> ticked;
    for (const auto& [j, day] : day_of) {
      std::string mark = j < cells.size() ? Trim(cells[j]) : "";
      if (!mark.empty()) ticked.emplace_back(j, std::move(mark));
    }
    if (id.empty() && name.empty() && ticked.empty()) continue;
    ++out->rows;
    auto problem = [&](const std::string& field, std::string message) {
      out->problems.push_back({field, where + std::move(message), row});
    };
    PersonRow person;
    if (id.empty()) {
      problem("编号", "编号为空：请按系统导出的签到表填写");
      continue;
    }
    if (!LoadPersonOn(db, id, &person)) {
      problem("编号", "没有编号为 " + id + " 的人员");
      continue;
    }
    bool row_ok = true;
    if (name != person.name) {
      problem("姓名",
              "姓名" + Quote(name) + "与编号 " + id + " 登记的" + Quote(person.name) + "不符");
      row_ok = false;
    }
    enrolled.reset();
    enrolled.bind(1, event.rowid);
    enrolled.bind(2, person.rowid);
    if (!enrolled.executeStep()) {
      problem("编号", person.name + "（" + id + "）没有报名" + Quote(e.title));
      continue;
    }
    for (const auto& [j, mark] : ticked) {
      bool present = false;
      if (kPresent.count(mark) != 0 || mark == person.name) {
        present = true;
      } else if (kAbsent.count(mark) == 0) {
        problem(header[j],
                "看不懂的标记" + Quote(mark) + "：出席填 √ 或 是，缺席填 × 或 否，未记录留空");
        row_ok = false;
        continue;
      }
      out->marks.push_back({id, day_of[j], present, row, header[j], where});
    }
    if (!row_ok)
      out->marks.erase(std::remove_if(out->marks.begin(), out->marks.end(),
                                      [&](const AttendanceMark& m) {
                                        return m.row == row && m.person_id == id;
                                      }),
                       out->marks.end());
  }
  return Status::Ok();
}

// Every visible sheet of the workbook in turn: the sign-in sheet has one per class.
Status ReadSheets(SQLite::Database& db, const EventRow& event, std::string_view bytes,
                  std::string_view filename, SignInSheetResult* result,
                  std::vector<AttendanceMark>* marks, std::vector<FieldError>* problems) {
  for (std::size_t sheet = 0;; ++sheet) {
    TableOptions options;
    options.known_columns = {"序号", "编号", "姓名", "性别", "工作单位及职务", "班次", "备注"};
    options.xlsx_sheet = sheet;
    auto table = OpenTableInPlace(bytes, filename, options);
    if (!table.ok()) {
      if (sheet > 0 && table.status().code() == StatusCode::kNotFound) break;
      return table.status();
    }
    SheetRead read;
    const std::string where =
        sheet > 0 ? "第 " + std::to_string(sheet + 1) + " 个工作表：" : std::string();
    TP_RETURN_IF_ERROR(ReadSheet(db, event, **table, where, &read));
    result->rows += read.rows;
    marks->insert(marks->end(), read.marks.begin(), read.marks.end());
    problems->insert(problems->end(), read.problems.begin(), read.problems.end());
    if ((*table)->Format() != "xlsx") break;  // a CSV file is one table
  }
  return Status::Ok();
}

}  // namespace

StatusOr<SignInSheetResult> Cohorts::ImportSignInSheet(std::string_view event_code,
                                                       std::string_view bytes,
                                                       std::string_view filename,
                                                       const AuditEntry& who) {
  try {
    SignInSheetResult result;
    std::vector<AttendanceMark> marks;
    std::vector<FieldError> problems;
    // The workbook is read on a read connection, so inflating it holds up no writer; the
    // seats are checked again under the write lock below.
    EventRow event;
    {
      auto reading = db_.Read();
      if (!LoadEventOn(*reading, event_code, &event)) return NoEvent(event_code);
      TP_RETURN_IF_ERROR(ReadSheets(*reading, event, bytes, filename, &result, &marks, &problems));
    }
    TP_ASSIGN_OR_RETURN(auto write, db_.Write());
    SQLite::Database& db = write->Connection();
    if (!LoadEventOn(db, event_code, &event)) return NoEvent(event_code);
    std::vector<int64_t> rowids;
    std::vector<FieldError> mark_problems = CheckMarksOn(db, event, marks, today_(), &rowids);
    problems.insert(problems.end(), mark_problems.begin(), mark_problems.end());
    if (!problems.empty()) {
      std::string message = "签到表有 " + std::to_string(problems.size()) +
                            " 处问题，均未写入：第 " + std::to_string(problems.front().row) +
                            " 行「" + problems.front().field + "」" + problems.front().message;
      return RuleViolated(std::move(message), std::move(problems));
    }
    result.marks = static_cast<int>(marks.size());
    for (int64_t rowid : WriteMarksOn(db, event, marks, rowids, who, "sheet")) {
      result.changed.push_back(EnrolmentOn(db, rowid));
    }
    TP_RETURN_IF_ERROR(write->Commit());
    return result;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取签到表");
  }
}

}  // namespace tp::registry
