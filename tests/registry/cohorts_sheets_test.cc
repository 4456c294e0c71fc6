// The roster and sign-in workbooks as the office prints them, and the sign-in sheet uploaded
// back with a mark per person and day.
#include <zip.h>

#include <catch2/catch.hpp>
#include <regex>

#include "cohorts_test_support.h"
#include "registry/tables/table_reader.h"
#include "registry/tables/xlsx_writer.h"

using tp::StatusCode;
using tp::cohorttest::CohortFixture;
using tp::cohorttest::PersonSpec;
using tp::registry::EnrolmentAction;
using tp::registry::EnrolmentState;
using tp::registry::RosterExportOptions;
using tp::registry::RosterSheet;
using Rows = std::vector<std::vector<std::string>>;

namespace {

constexpr const char* kEvent = "2024-training";  // 17-23 November 2024, two classes

tp::Status Do(CohortFixture& f, const std::string& id, EnrolmentAction action) {
  return f.cohorts().Act(kEvent, id, action, {}, CohortFixture::Staff()).status();
}

// Sheet `index` of a workbook: its header, then its rows.
Rows SheetRows(const std::string& bytes, std::size_t index) {
  tp::registry::TableOptions options;
  options.known_columns = {"序号", "编号", "姓名"};
  options.xlsx_sheet = index;
  auto reader = tp::registry::OpenTableFromBytes(bytes, "sheet.xlsx", options);
  INFO(reader.status().ToString());
  REQUIRE(reader.ok());
  Rows rows = {(*reader)->Header()};
  std::vector<std::string> cells;
  long row = 0;
  while (*(*reader)->Next(&cells, &row)) rows.push_back(cells);
  return rows;
}

// One part of a workbook held in memory.
std::string Part(const std::string& bytes, const std::string& name) {
  zip_error_t error;
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  REQUIRE(source);
  zip_t* zip = zip_open_from_source(source, ZIP_RDONLY, &error);
  REQUIRE(zip);
  zip_stat_t stat;
  REQUIRE(zip_stat(zip, name.c_str(), 0, &stat) == 0);
  std::string text(stat.size, '\0');
  zip_file_t* file = zip_fopen(zip, name.c_str(), 0);
  REQUIRE(zip_fread(file, text.data(), stat.size) == static_cast<zip_int64_t>(stat.size));
  zip_fclose(file);
  zip_discard(zip);
  return text;
}

// A workbook of the given sheets (header first), as an office saves the ticked sheet.
std::string Workbook(const std::vector<Rows>& sheets) {
  auto bytes = tp::registry::WriteXlsxToBytes([&](tp::registry::XlsxWriter& w) {
    for (std::size_t i = 0; i < sheets.size(); ++i) {
      TP_RETURN_IF_ERROR(w.AddSheet("签到" + std::to_string(i + 1)));
      TP_RETURN_IF_ERROR(w.SetTitle({"签到表"}));
      TP_RETURN_IF_ERROR(w.WriteHeader(sheets[i][0]));
      for (std::size_t r = 1; r < sheets[i].size(); ++r)
        TP_RETURN_IF_ERROR(w.WriteRow(sheets[i][r]));
    }
    return tp::Status::Ok();
  });
  REQUIRE(bytes.ok());
  return *bytes;
}

std::size_t Column(const Rows& rows, const std::string& name) {
  for (std::size_t j = 0; j < rows[0].size(); ++j) {
    if (rows[0][j] == name) return j;
  }
  FAIL("no column " << name);
  return 0;
}

std::string Days(CohortFixture& f, const std::string& id) {
  auto list = f.cohorts().ListEnrolments(kEvent);
  REQUIRE(list.ok());
  for (const auto& e : *list) {
    if (e.person_id != id) continue;
    std::string out = std::string(tp::registry::StateName(e.state)) + ":";
    for (const auto& d : e.days) out += " " + d.day.substr(8) + (d.present ? "+" : "-");
    return out;
  }
  return "none";
}

// Two leaders (one confirmed, one only invited) and a young talent, confirmed.
struct Training {
  CohortFixture f;
  std::string today = "2024-11-20";
  std::string leader, invited, young;
  Training() {
    f.cohorts().SetToday([this] { return today; });
    PersonSpec a = tp::cohorttest::Named("覃海涛");
    a.ethnic_group = "壮族";
    a.phone = "13877110001";
    PersonSpec b = tp::cohorttest::Named("邀请中");
    PersonSpec c = tp::cohorttest::Named("李静");
    c.tier = "青年人才";
    leader = f.Add(a);
    invited = f.Add(b);
    young = f.Add(c);
    for (const std::string& id : {leader, young}) {
      REQUIRE(Do(f, id, EnrolmentAction::kInvite).ok());
      REQUIRE(Do(f, id, EnrolmentAction::kConfirm).ok());
    }
    REQUIRE(Do(f, invited, EnrolmentAction::kInvite).ok());
  }
};

}  // namespace

TEST_CASE(
    "Roster sheets: a title block, 序号 as numbers, A4 landscape one page wide with the "
    "header on every page",
    "[cohorts][export]") {
  Training t;
  auto bytes = t.f.cohorts().ExportRosterXlsx(kEvent, {});
  REQUIRE(bytes.ok());
  Rows rows = SheetRows(*bytes, 0);
  CHECK(rows[0] == std::vector<std::string>{"序号", "编号", "姓名", "性别", "民族",
                                            "工作单位及职务", "班次", "联系电话", "状态"});
  REQUIRE(rows.size() == 3);  // the confirmed and the invited leader
  std::string sheet = Part(*bytes, "xl/worksheets/sheet1.xml");
  // The title: the event, then its class, dates and place, merged across the nine columns.
  CHECK(sheet.find("<mergeCell ref=\"A1:I1\"/>") != std::string::npos);
  CHECK(sheet.find("<mergeCell ref=\"A2:I2\"/>") != std::string::npos);
  std::string strings = Part(*bytes, "xl/sharedStrings.xml");
  CHECK(std::regex_search(strings, std::regex("<t>[^<]*培训[^<]*名单</t>")));
  CHECK(strings.find("班次：领军人才班　时间：2024-11-17 至 2024-11-23　地点：") !=
        std::string::npos);
  // 序号 1 and 2 are number cells under the header in row 3.
  CHECK(std::regex_search(sheet, std::regex("<c r=\"A4\"( s=\"[0-9]+\")?><v>1</v></c>")));
  CHECK(std::regex_search(sheet, std::regex("<c r=\"A5\"( s=\"[0-9]+\")?><v>2</v></c>")));
  CHECK(std::regex_search(sheet, std::regex("<pageSetup paperSize=\"9\"[^>]*fitToHeight=\"0\"[^>]*"
                                            "orientation=\"landscape\"")));
  CHECK(sheet.find("<pageSetUpPr fitToPage=\"1\"/>") != std::string::npos);
  std::string workbook = Part(*bytes, "xl/workbook.xml");
  CHECK(std::regex_search(workbook, std::regex("_xlnm.Print_Titles\" localSheetId=\"0\">"
                                               "'?领军人才班'?!\\$3:\\$3<")));
  CHECK(std::regex_search(workbook, std::regex("_xlnm.Print_Titles\" localSheetId=\"1\">"
                                               "'?青年人才班'?!\\$3:\\$3<")));

  // A choice of states: only the confirmed, or only the invited.
  RosterExportOptions confirmed;
  confirmed.states = {EnrolmentState::kConfirmed};
  Rows only = SheetRows(*t.f.cohorts().ExportRosterXlsx(kEvent, confirmed), 0);
  REQUIRE(only.size() == 2);
  CHECK(only[1][2] == "覃海涛");
  RosterExportOptions invited;
  invited.states = {EnrolmentState::kInvited};
  Rows waiting = SheetRows(*t.f.cohorts().ExportRosterXlsx(kEvent, invited), 0);
  REQUIRE(waiting.size() == 2);
  CHECK(waiting[1][2] == "邀请中");
}

TEST_CASE("Sign-in sheets: a column per event day, without 民族 and phone", "[cohorts][export]") {
  Training t;
  RosterExportOptions options;
  options.sheet = RosterSheet::kSignIn;
  options.reveal_phone = true;
  auto bytes = t.f.cohorts().ExportRosterXlsx(kEvent, options);
  REQUIRE(bytes.ok());
  Rows rows = SheetRows(*bytes, 0);
  CHECK(rows[0] == std::vector<std::string>{"序号", "编号", "姓名", "性别", "工作单位及职务",
                                            "班次", "11月17日", "11月18日", "11月19日", "11月20日",
                                            "11月21日", "11月22日", "11月23日", "备注"});
  CHECK(bytes->find("13877110001") == std::string::npos);
  CHECK(Part(*bytes, "xl/sharedStrings.xml").find("<t>壮族</t>") == std::string::npos);
  CHECK(Part(*bytes, "xl/sharedStrings.xml").find("签到表</t>") != std::string::npos);
  Rows young = SheetRows(*bytes, 1);
  REQUIRE(young.size() == 2);
  CHECK(young[1][2] == "李静");
}

TEST_CASE("Sign-in sheets: the printed sheet ticked and uploaded records the days",
          "[cohorts][signin]") {
  Training t;
  RosterExportOptions options;
  options.sheet = RosterSheet::kSignIn;
  auto printed = t.f.cohorts().ExportRosterXlsx(kEvent, options);
  REQUIRE(printed.ok());
  Rows leaders = SheetRows(*printed, 0);
  Rows young = SheetRows(*printed, 1);
  const std::size_t d17 = Column(leaders, "11月17日");
  REQUIRE(leaders[1][1] == t.leader);
  leaders[1][d17] = "√";
  leaders[1][d17 + 1] = "×";
  leaders[1][d17 + 2] = " 覃海涛 ";  // signed with the name
  young[1][d17] = "否";
  young[1][d17 + 3] = "缺";
  // A mark on a later sheet that cannot be recorded says which sheet it is on.
  Rows early = young;
  early[1][d17 + 5] = "√";  // the 22nd is after today
  auto refused = t.f.cohorts().ImportSignInSheet(kEvent, Workbook({leaders, early}), "签到表.xlsx",
                                                 CohortFixture::Staff());
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  REQUIRE(refused.status().details().size() == 1);
  CHECK(refused.status().details()[0].field == "11月22日");
  CHECK(refused.status().details()[0].row == 3);
  CHECK(refused.status().details()[0].message.rfind("第 2 个工作表：", 0) == 0);
  auto done = t.f.cohorts().ImportSignInSheet(kEvent, Workbook({leaders, young}), "签到表.xlsx",
                                              CohortFixture::Staff());
  INFO(done.status().ToString());
  REQUIRE(done.ok());
  CHECK(done->rows == 3);  // the invited leader's row is left blank: nothing recorded
  CHECK(done->marks == 5);
  REQUIRE(done->changed.size() == 2);
  CHECK(Days(t.f, t.leader) == "attended: 17+ 18- 19+");
  CHECK(Days(t.f, t.young) == "absent: 17- 20-");
  CHECK(Days(t.f, t.invited) == "invited:");

  // The next print shows the recorded marks, and uploading it again changes nothing.
  auto again = t.f.cohorts().ExportRosterXlsx(kEvent, options);
  Rows reprinted = SheetRows(*again, 0);
  CHECK(reprinted[1][d17] == "√");
  CHECK(reprinted[1][d17 + 1] == "×");
  auto same =
      t.f.cohorts().ImportSignInSheet(kEvent, *again, "签到表.xlsx", CohortFixture::Staff());
  REQUIRE(same.ok());
  CHECK(same->changed.empty());
}

TEST_CASE("Sign-in sheets: every faulty cell is named by row and column and nothing is written",
          "[cohorts][signin]") {
  Training t;
  const std::string stranger = t.f.Add(tp::cohorttest::Named("路人"));
  Rows sheet = {{"序号", "编号", "姓名", "11月17日", "11月30日", "11月21日", "备注"},
                {"1", t.leader, "覃海涛", "√", "", "", ""},     // fine, not written either
                {"2", t.young, "李晶", "√", "", "", ""},        // wrong name
                {"3", "P9999999", "无名", "√", "", "", ""},     // nobody
                {"4", stranger, "路人", "", "", "", ""},        // not enrolled
                {"5", t.leader, "覃海涛", "迟到", "", "", ""},  // unreadable mark
                {"6", t.invited, "邀请中", "√", "", "", ""},    // not confirmed
                {"7", t.young, "李静", "", "", "√", ""}};       // the 21st is tomorrow
  auto refused = t.f.cohorts().ImportSignInSheet(kEvent, Workbook({sheet}), "签到表.xlsx",
                                                 CohortFixture::Staff());
  REQUIRE(refused.status().code() == StatusCode::kRuleViolated);
  std::vector<std::string> where;
  for (const auto& p : refused.status().details()) {
    where.push_back(std::to_string(p.row) + " " + p.field);
  }
  // Row 2 is the header (under the title line).
  CHECK(where == std::vector<std::string>{"2 11月30日", "4 姓名", "5 编号", "6 编号", "7 11月17日",
                                          "8 11月17日", "9 11月21日"});
  const auto& details = refused.status().details();
  CHECK(details[0].message.find("不是") != std::string::npos);
  CHECK(details[1].message.find("李晶") != std::string::npos);
  CHECK(details[3].message.find("没有报名") != std::string::npos);
  CHECK(details[4].message.find("迟到") != std::string::npos);
  CHECK(details[5].message.find("尚未确认") != std::string::npos);
  CHECK(details[6].message.find("还没有到") != std::string::npos);
  CHECK(Days(t.f, t.leader) == "confirmed:");

  Rows no_id = {{"序号", "姓名", "11月17日"}, {"1", "覃海涛", "√"}};
  auto unreadable = t.f.cohorts().ImportSignInSheet(kEvent, Workbook({no_id}), "签到表.xlsx",
                                                    CohortFixture::Staff());
  CHECK(unreadable.status().code() == StatusCode::kInvalidArgument);
  CHECK(unreadable.status().message().find("编号") != std::string::npos);
}
