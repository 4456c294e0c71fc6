#include <catch2/catch.hpp>

#include "registry/rounds/summary_sheet.h"
#include "registry/tables/table_reader.h"
#include "rounds_test_support.h"

using tp::StatusCode;
using tp::registry::Decision;
using tp::registry::OpenTableFromBytes;
using tp::registry::SummarySheetColumns;
using tp::registry::SummarySheets;
using tp::roundstest::RoundsFixture;

namespace {

constexpr const char* kNational = "pool-national-2025";

struct Sheet {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

Sheet Read(std::string bytes) {
  auto table = OpenTableFromBytes(std::move(bytes), "下载.xlsx");
  if (!table.ok()) FAIL(table.status().ToString());
  Sheet s;
  s.header = (*table)->Header();
  std::vector<std::string> cells;
  long row = 0;
  for (;;) {
    auto more = (*table)->Next(&cells, &row);
    REQUIRE(more.ok());
    if (!*more) break;
    s.rows.push_back(cells);
  }
  return s;
}

// The seed's summary sheet with a title row above the header, as units fill it in.
std::string SummaryCsv(const std::vector<std::string>& rows) {
  std::string csv = "推荐学员汇总表\r\n推荐单位：中国化学会（加盖公章）,,,\r\n";
  std::string head;
  for (const std::string& c : SummarySheetColumns()) head += (head.empty() ? "" : ",") + c;
  csv += head + ",推荐单位意见\r\n";
  for (const std::string& r : rows) csv += r + "\r\n";
  return csv;
}

}  // namespace

TEST_CASE("SummarySheets: an uploaded 汇总表 adds the good rows and annotates exactly the bad ones",
          "[rounds][summary]") {
  RoundsFixture f;
  f.At("2025-08-01 09:00");
  auto society = f.Unit("中国化学会", "全国学会");
  SummarySheets sheets(f.workflow());
  const std::string csv = SummaryCsv({
      "1,林晓雯,女,汉族,1995.03,九三学社社员,中国科学院化学研究所研究员,博士研究生,有机化学、材料,"
      "13800000001,是,否,同意推荐",
      "2,陈思远,男,汉族,1992.13,民盟盟员,北京大学教授,博士研究生,物理化学,13800000002,是,是,"
      "同意推荐",
      "3,王建国,男,汉族,1970.01,中共党员,清华大学教授,博士研究生,化学工程,13800000003,否,是,"
      "同意推荐",
      "4,赵德明,男,回族,1972.11,无党派人士,南开大学教授,博士研究生,催化,13800000004,是,是,同意推荐",
      "5,孙立平,男,火星族,1968.08,群众,浙江大学教授,博士研究生,高分子,13800000005,是,是,同意推荐",
  });
  auto report = sheets.Upload(kNational, society.unit_rowid, csv, "汇总表.csv", society);
  if (!report.ok()) FAIL(report.status().ToString());
  CHECK(report->rows == 5);
  CHECK(report->added == 2);
  CHECK(report->rejected == 3);
  REQUIRE(report->has_error_workbook);
  std::vector<long> bad_rows;
  for (const auto& e : report->errors) bad_rows.push_back(e.row);
  CHECK(std::find(bad_rows.begin(), bad_rows.end(), 5) !=
        bad_rows.end());  // 陈思远, the CSV's 5th line

  auto workbook = sheets.ErrorWorkbook(report->id, society);
  REQUIRE(workbook.ok());
  Sheet sheet = Read(*workbook);
  REQUIRE(sheet.header.back() == "错误信息");
  REQUIRE(sheet.rows.size() == 3);
  CHECK(sheet.rows[0][1] == "陈思远");
  CHECK(sheet.rows[0].back().find("第5行") != std::string::npos);
  CHECK(sheet.rows[0].back().find("出生") != std::string::npos);
  CHECK(sheet.rows[1][1] == "王建国");
  CHECK(sheet.rows[1].back().find("非中共党员") != std::string::npos);
  CHECK(sheet.rows[2][1] == "孙立平");
  CHECK(sheet.rows[2].back().find("民族") != std::string::npos);
  CHECK(sheet.rows[2][9] == "13800000005");  // the unit's own cells come back as typed

  SECTION("another unit cannot download it") {
    auto other = f.Unit("中国物理学会", "全国学会");
    CHECK(sheets.ErrorWorkbook(report->id, other).status().code() == StatusCode::kNotFound);
  }
  SECTION(
      "the corrected sheet updates the people already on the list instead of adding them again") {
    const std::string fixed = SummaryCsv({
        "1,林晓雯,女,汉族,1995.03,九三学社社员,中国科学院化学研究所研究员,博士研究生,有机化学,"
        "13800000001,是,是,同意推荐",
        "2,陈思远,男,汉族,1992.12,民盟盟员,北京大学教授,博士研究生,物理化学,13800000002,是,是,"
        "同意推荐",
    });
    auto second = sheets.Upload(kNational, society.unit_rowid, fixed, "汇总表.csv", society);
    REQUIRE(second.ok());
    CHECK(second->added == 1);
    CHECK(second->updated == 1);
    CHECK(second->rejected == 0);
    CHECK_FALSE(second->has_error_workbook);
    CHECK(sheets.ErrorWorkbook(second->id, society).status().code() == StatusCode::kNotFound);
    auto list = f.workflow().GetSubmission(kNational, society.unit_rowid);
    REQUIRE(list.ok());
    REQUIRE(list->items.size() == 3);
    CHECK(list->items[0].record.person.can_attend_study_tour == true);
  }
}

TEST_CASE("SummarySheets: a file without a 姓名 column is refused as a whole",
          "[rounds][summary]") {
  RoundsFixture f;
  f.At("2025-08-01 09:00");
  auto society = f.Unit("中国化学会", "全国学会");
  SummarySheets sheets(f.workflow());
  auto report =
      sheets.Upload(kNational, society.unit_rowid, "名字,性别\r\n张三,男\r\n", "x.csv", society);
  REQUIRE(report.status().code() == StatusCode::kInvalidArgument);
  CHECK(report.status().message().find("姓名") != std::string::npos);
}

TEST_CASE(
    "SummarySheets: staff export a round's lists and a year's admissions with the seed's headings",
    "[rounds][summary]") {
  RoundsFixture f;
  f.At("2025-08-01 09:00");
  auto society = f.Unit("中国化学会", "全国学会");
  SummarySheets sheets(f.workflow());
  const std::string csv = SummaryCsv({
      "1,林晓雯,女,汉族,1995.03,九三学社社员,中国科学院化学研究所研究员,博士研究生,有机化学、材料,"
      "13800000001,是,否,同意推荐",
      "2,陈思远,男,汉族,1992.12,民盟盟员,北京大学教授,博士研究生,物理化学,13800000002,是,是,"
      "同意推荐",
  });
  REQUIRE(sheets.Upload(kNational, society.unit_rowid, csv, "汇总表.csv", society).ok());
  CHECK(sheets.ExportRound(kNational, "", false, society).status().code() ==
        StatusCode::kPermissionDenied);

  auto drafts = sheets.ExportRound(kNational, "", false, f.staff);
  REQUIRE(drafts.ok());
  CHECK(Read(*drafts).rows.empty());  // drafts are not exported

  REQUIRE(f.workflow().Submit(kNational, society.unit_rowid, {}, society).ok());
  auto all = sheets.ExportRound(kNational, "", false, f.staff);
  REQUIRE(all.ok());
  Sheet total = Read(*all);
  std::vector<std::string> expected = SummarySheetColumns();
  expected.insert(expected.begin() + 1, "推荐单位");
  CHECK(total.header == expected);
  REQUIRE(total.rows.size() == 2);
  CHECK(total.rows[0][1] == "中国化学会");
  CHECK(total.rows[0][2] == "林晓雯");
  CHECK(total.rows[0][5] == "1995.03");
  CHECK(total.rows[0][9] == "有机化学、材料");
  CHECK(total.rows[0][10] == "138****0001");  // masked unless revealed
  auto revealed = sheets.ExportRound(kNational, "", true, f.staff);
  REQUIRE(revealed.ok());
  CHECK(Read(*revealed).rows[0][10] == "13800000001");

  auto list = f.workflow().GetSubmission(kNational, society.unit_rowid);
  REQUIRE(list.ok());
  Decision admit;
  admit.kind = Decision::Kind::kAdmit;
  admit.batch = "第一批";
  std::vector<int64_t> ids;
  for (const auto& item : list->items) ids.push_back(item.id);
  REQUIRE(f.workflow().BulkAdmit(ids, admit, f.staff).ok());
  auto admitted = sheets.ExportAdmitted(2025, false, f.staff);
  REQUIRE(admitted.ok());
  Sheet year = Read(*admitted);
  CHECK(year.header ==
        std::vector<std::string>{"序号", "姓名", "性别", "民族", "出生年月", "政治面貌", "单位职务",
                                 "最高学历", "擅长领域", "联系方式", "推荐单位", "人才类别",
                                 "入库年度", "批次", "可否参加专题研修班", "可否参加国情研修活动"});
  REQUIRE(year.rows.size() == 2);
  CHECK(year.rows[0][10] == "中国化学会");
  CHECK(year.rows[0][11] == "青年人才");
  CHECK(year.rows[0][12] == "2025");
  CHECK(year.rows[0][13] == "第一批");
  CHECK(Read(*sheets.ExportAdmitted(2024, false, f.staff)).rows.empty());
}
