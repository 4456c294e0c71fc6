// Roster and sign-in sheets of an event as XLSX (cohorts.h).
#include <SQLiteCpp/SQLiteCpp.h>

#include <map>

#include "registry/cohorts/cohorts.h"
#include "registry/cohorts/internal/cohorts_internal.h"
#include "registry/store/crypto.h"
#include "registry/store/db_handle.h"
#include "registry/tables/xlsx_writer.h"

namespace tp::registry {
namespace {

using namespace cohorts_internal;

struct SheetPerson {
  std::string public_id;
  std::string name;
  std::string gender;
  std::string ethnic_group;
  std::string unit_and_post;  // 工作单位及职务, as the 学员情况表 has it in one box
  std::string phone;          // masked unless revealed
  std::string state;
  std::map<std::string, bool> days;  // recorded presence by YYYY-MM-DD
};

// "11月17日" for "2024-11-17".
std::string DayColumn(const std::string& day) {
  return std::to_string(std::stoi(day.substr(5, 2))) + "月" +
         std::to_string(std::stoi(day.substr(8, 2))) + "日";
}

// "('invited','confirmed')" for an IN clause; the names are the fixed state names.
std::string StateList(const std::vector<EnrolmentState>& states) {
  std::string out;
  for (EnrolmentState s : states)
    out += std::string(out.empty() ? "('" : ",'") + std::string(StateName(s)) + "'";
  return out + ")";
}

// The title block above the header: what the sheet is, then the class, dates and place.
std::vector<std::string> TitleLines(const Event& e, const EventClass& c, bool sign_in) {
  std::string details = "班次：" + c.name + "　时间：" + e.starts_on + " 至 " + e.ends_on;
  if (!e.place.empty()) details += "　地点：" + e.place;
  return {e.title + (sign_in ? "签到表" : "名单"), details};
}

}  // namespace

StatusOr<std::string> Cohorts::ExportRosterXlsx(std::string_view event_code,
                                                const RosterExportOptions& options) {
  EventRow event;
  std::vector<std::vector<SheetPerson>> by_class;
  try {
    auto db = db_.Read();
    if (!LoadEventOn(*db, event_code, &event)) {
      return NotFound("没有代码为 " + std::string(event_code) + " 的培训活动");
    }
    by_class.resize(event.class_rowids.size());
    const std::vector<EnrolmentState> states =
        options.states.empty()
            ? std::vector<EnrolmentState>{EnrolmentState::kInvited, EnrolmentState::kConfirmed,
                                          EnrolmentState::kAttended, EnrolmentState::kAbsent}
            : options.states;
    SQLite::Statement days(*db, "SELECT day, present FROM attendance WHERE enrolment_id=?");
    SQLite::Statement st(
        *db,
        "SELECT p.public_id, p.name, coalesce(p.gender,''), coalesce(p.ethnic_group,''), "
        "coalesce(p.unit_name,''), coalesce(p.post,''), coalesce(p.phone_mask,''), p.phone_enc, "
        "n.state, p.id, n.id "
        "FROM enrolments n JOIN persons p ON p.id=n.person_id LEFT JOIN units u ON u.id=p.unit_id "
        "WHERE n.class_id=? AND n.state IN " +
            StateList(states) +
            " "
            "AND (? = '' OR coalesce(nullif(p.province,''), u.province) = ?) ORDER BY p.public_id");
    for (size_t i = 0; i < event.class_rowids.size(); ++i) {
      st.reset();
      st.bind(1, static_cast<int64_t>(event.class_rowids[i]));
      st.bind(2, options.province);
      st.bind(3, options.province);
      while (st.executeStep()) {
        SheetPerson p;
        p.public_id = st.getColumn(0).getString();
        p.name = st.getColumn(1).getString();
        p.gender = st.getColumn(2).getString();
        p.ethnic_group = st.getColumn(3).getString();
        std::string unit = st.getColumn(4).getString();
        std::string post = st.getColumn(5).getString();
        p.unit_and_post = post.empty() ? unit : unit.empty() ? post : unit + " " + post;
        p.phone = st.getColumn(6).getString();
        SQLite::Column sealed = st.getColumn(7);
        if (options.reveal_phone && !sealed.isNull()) {
          auto plain = db_.Keys().Open(std::string(static_cast<const char*>(sealed.getBlob()),
                                                   static_cast<size_t>(sealed.getBytes())),
                                       SealContext("persons", "phone", st.getColumn(9).getInt64()));
          if (!plain.ok()) return plain.status();
          p.phone = std::move(*plain);
        }
        p.state = std::string(
            StateLabel(ParseState(st.getColumn(8).getString()).value_or(EnrolmentState::kInvited)));
        days.reset();
        days.bind(1, st.getColumn(10).getInt64());
        while (days.executeStep())
          p.days[days.getColumn(0).getString()] = days.getColumn(1).getInt() != 0;
        by_class[i].push_back(std::move(p));
      }
    }
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取名单");
  }

  const bool sign_in = options.sheet == RosterSheet::kSignIn;
  const std::vector<std::string> days =
      sign_in ? EventDays(event.event) : std::vector<std::string>();
  XlsxPrintSetup print;
  print.a4_landscape = true;
  print.fit_to_width = true;
  print.repeat_header = true;
  print.print_gridlines = true;
  return WriteXlsxToBytes([&](XlsxWriter& w) -> Status {
    for (size_t i = 0; i < by_class.size(); ++i) {
      const EventClass& c = event.event.classes[i];
      TP_RETURN_IF_ERROR(w.AddSheet(sign_in ? c.name + "签到表" : c.name));
      TP_RETURN_IF_ERROR(w.SetTitle(TitleLines(event.event, c, sign_in)));
      TP_RETURN_IF_ERROR(w.SetNumberColumns({0}));
      TP_RETURN_IF_ERROR(w.SetPrintSetup(print));
      // The sign-in sheet goes round the room: no 民族 and no phone on it.
      std::vector<std::string> header = {"序号", "编号", "姓名", "性别"};
      if (options.show_ethnic_group && !sign_in) header.push_back("民族");
      header.push_back("工作单位及职务");
      header.push_back("班次");
      if (sign_in) {
        for (const std::string& day : days) header.push_back(DayColumn(day));
        header.push_back("备注");
      } else {
        header.push_back("联系电话");
        header.push_back("状态");
      }
      TP_RETURN_IF_ERROR(w.WriteHeader(header));
      int number = 0;
      for (const SheetPerson& p : by_class[i]) {
        std::vector<std::string> row = {std::to_string(++number), p.public_id, p.name, p.gender};
        if (options.show_ethnic_group && !sign_in) row.push_back(p.ethnic_group);
        row.push_back(p.unit_and_post);
        row.push_back(c.name);
        if (sign_in) {
          // Days recorded already show their mark; the rest are left blank to tick.
          for (const std::string& day : days) {
            auto it = p.days.find(day);
            row.push_back(it == p.days.end() ? "" : it->second ? "√" : "×");
          }
          row.push_back("");
        } else {
          row.push_back(p.phone);
          row.push_back(p.state);
        }
        TP_RETURN_IF_ERROR(w.WriteRow(row));
      }
    }
    return Status::Ok();
  });
}

}  // namespace tp::registry
