// Roster and sign-in sheets of an event as XLSX (cohorts.h).
#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>

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
};

// "11月17日" for each day from `starts_on` to `ends_on` (YYYY-MM-DD), at most 31.
std::vector<std::string> DayColumns(const std::string& starts_on, const std::string& ends_on) {
  using namespace std::chrono;
  auto parse = [](const std::string& s) {
    return year_month_day{year{std::stoi(s.substr(0, 4))},
                          month{static_cast<unsigned>(std::stoi(s.substr(5, 2)))},
                          day{static_cast<unsigned>(std::stoi(s.substr(8, 2)))}};
  };
  std::vector<std::string> out;
  sys_days from = parse(starts_on);
  const sys_days to = parse(ends_on);
  for (; from <= to && out.size() < 31; from += days{1}) {
    year_month_day d{from};
    out.push_back(std::to_string(static_cast<unsigned>(d.month())) + "月" +
                  std::to_string(static_cast<unsigned>(d.day())) + "日");
  }
  return out;
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
    SQLite::Statement st(
        *db,
        "SELECT p.public_id, p.name, coalesce(p.gender,''), coalesce(p.ethnic_group,''), "
        "coalesce(p.unit_name,''), coalesce(p.post,''), coalesce(p.phone_mask,''), p.phone_enc, "
        "n.state, p.id "
        "FROM enrolments n JOIN persons p ON p.id=n.person_id LEFT JOIN units u ON u.id=p.unit_id "
        "WHERE n.class_id=? AND n.state IN ('invited','confirmed','attended','absent') "
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
        by_class[i].push_back(std::move(p));
      }
    }
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取名单");
  }

  const bool sign_in = options.sheet == RosterSheet::kSignIn;
  const std::vector<std::string> days =
      sign_in ? DayColumns(event.event.starts_on, event.event.ends_on) : std::vector<std::string>();
  return WriteXlsxToBytes([&](XlsxWriter& w) -> Status {
    for (size_t i = 0; i < by_class.size(); ++i) {
      const EventClass& c = event.event.classes[i];
      TP_RETURN_IF_ERROR(w.AddSheet(sign_in ? c.name + "签到表" : c.name));
      std::vector<std::string> header = {"序号", "编号", "姓名", "性别"};
      if (options.show_ethnic_group) header.push_back("民族");
      header.push_back("工作单位及职务");
      header.push_back("班次");
      header.push_back("联系电话");
      if (sign_in) {
        header.insert(header.end(), days.begin(), days.end());
        header.push_back("备注");
      } else {
        header.push_back("状态");
      }
      TP_RETURN_IF_ERROR(w.WriteHeader(header));
      int number = 0;
      for (const SheetPerson& p : by_class[i]) {
        std::vector<std::string> row = {std::to_string(++number), p.public_id, p.name, p.gender};
        if (options.show_ethnic_group) row.push_back(p.ethnic_group);
        row.push_back(p.unit_and_post);
        row.push_back(c.name);
        row.push_back(p.phone);
        if (sign_in) {
          row.resize(row.size() + days.size() + 1);  // left blank to sign
        } else {
          row.push_back(p.state);
        }
        TP_RETURN_IF_ERROR(w.WriteRow(row));
      }
    }
    return Status::Ok();
  });
}

}  // namespace tp::registry
