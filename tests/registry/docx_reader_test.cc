// Word documents (.docx) through OpenTable: seed 000's 学员情况表 as a form of
// label and value cells, and a 推荐学员汇总表 written as a Word table. The
// documents are made by the tests with Debian's python3-docx, a writer
// independent of the reader (scripts/install-deps.sh test installs it).
#include <stdlib.h>
#include <zip.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "registry/tables/table_reader.h"
#include "support/python_writer.h"
#include "support/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using tp::registry::OpenTable;
using tp::registry::OpenTableFromBytes;
using tp::registry::TableOptions;
using tp::registry::TableReader;
using Cells = std::vector<std::string>;

using tp::testing::ReadFileBytes;
using tp::testing::TempDir;

// Runs `body` (Python, with `docx` imported and `out` the path to save to).
void MakeDocx(const TempDir& dir, const std::string& out, const std::string& body) {
  tp::testing::RunPythonWriter(dir, "docx", body, out);
}

// Seed 000's 附件1 学员情况表: two tables, labels padded with spaces, a
// value box spanning columns, a label with a note in brackets, a
// multi-paragraph box, a photo box merged down three rows, one box left
// empty, and a label the registry does not know.
constexpr const char* kStudentForm = R"py(
d = docx.Document()
d.add_paragraph("附件 1")
d.add_paragraph("学员情况表")
t = d.add_table(rows=6, cols=7)
def put(row, column, text): t.cell(row, column).text = text
for column, text in enumerate(["姓 名", "韦晓岚", "性 别", "女", "出生日期", "1986.03"]):
    put(0, column, text)
t.cell(0, 6).merge(t.cell(2, 6)).text = "照片"
for column, text in enumerate(["籍 贯", "广西南宁", "出生地", "南宁", "民 族", "壮族"]):
    put(1, column, text)
put(2, 0, "政治面貌"); put(2, 1, "九三学社社员"); put(2, 2, "身份证号")
t.cell(2, 3).merge(t.cell(2, 5)).text = "450102198603010027"
for column, text in enumerate(["电子邮箱", "weixl@example.cn", "手机", "13920511341", "是否院士", "否"]):
    put(3, column, text)
put(4, 0, "工作单位及职务"); t.cell(4, 1).merge(t.cell(4, 3)).text = "广西医科大学 副院长"
put(4, 4, "技术职称"); put(4, 5, "")
put(5, 0, "特长爱好"); t.cell(5, 1).merge(t.cell(5, 6)).text = "书法"
d.add_paragraph("")
u = d.add_table(rows=2, cols=2)
u.cell(0, 0).text = "主要工作 和学习 经历"
u.cell(0, 1).text = "2004-2008 广西大学 本科"
u.cell(0, 1).add_paragraph("2008-2014 北京协和医学院 博士")
u.cell(1, 0).text = "主要成就 (工作成 绩、成果、 受奖励和 荣誉称号 等)"
u.cell(1, 1).text = "主持国家自然科学基金项目2项"
d.save(out)
)py";

// A 推荐学员汇总表 as a Word table under its title lines, with one unit
// merged down two rows.
constexpr const char* kSummaryTable = R"py(
d = docx.Document()
d.add_paragraph("推荐学员汇总表")
d.add_paragraph("推荐单位（加盖公章）：广西医学会        填表日期：2024年11月5日")
t = d.add_table(rows=3, cols=5)
for column, text in enumerate(["序号", "姓　名", "性别", "出生年月", "工作单位及职务"]):
    t.cell(0, column).text = text
for row, values in enumerate([["1", "黄明辉", "男", "1983.05"], ["2", "韋嶽", "男", "1990.11"]], 1):
    for column, text in enumerate(values):
        t.cell(row, column).text = text
t.cell(1, 4).merge(t.cell(2, 4)).text = "广西大学 教授"
d.save(out)
)py";

const std::vector<std::string> kKnown = {"姓名",     "性别",     "出生日期", "民族",     "身份证号",
                                         "政治面貌", "工作单位", "技术职称", "手机",     "电子邮箱",
                                         "是否院士", "主要成就", "籍贯",     "出生年月", "序号"};

std::vector<std::pair<long, Cells>> ReadAll(TableReader& table) {
  std::vector<std::pair<long, Cells>> rows;
  Cells cells;
  long row = 0;
  while (true) {
    auto more = table.Next(&cells, &row);
    REQUIRE(more.ok());
    if (!*more) break;
    rows.emplace_back(row, cells);
  }
  return rows;
}

TEST_CASE("OpenTable: a 学员情况表 in Word comes out as one record under its labels",
          "[table_reader][docx]") {
  TempDir dir;
  std::string path = dir / "学员情况表-韦晓岚.docx";
  MakeDocx(dir, path, kStudentForm);
  TableOptions options;
  options.known_columns = kKnown;
  auto table = OpenTable(path, options);
  REQUIRE(table.ok());
  CHECK((*table)->Format() == "docx");
  const Cells& header = (*table)->Header();
  auto rows = ReadAll(**table);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].first == 2);
  const Cells& values = rows[0].second;
  auto value = [&](const std::string& label) -> std::string {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == label) return i < values.size() ? values[i] : "";
    }
    FAIL("no label " << label);
    return "";
  };
  CHECK(value("姓名") == "韦晓岚");
  CHECK(value("性别") == "女");
  CHECK(value("出生日期") == "1986.03");
  CHECK(value("民族") == "壮族");
  CHECK(value("身份证号") == "450102198603010027");  // a box over three columns
  CHECK(value("手机") == "13920511341");
  CHECK(value("是否院士") == "否");
  CHECK(value("工作单位及职务") == "广西医科大学 副院长");
  CHECK(value("技术职称").empty());  // the empty box shifts nothing
  CHECK(value("特长爱好") == "书法");
  CHECK(value("主要工作和学习经历") == "2004-2008 广西大学 本科\n2008-2014 北京协和医学院 博士");
  CHECK(value("主要成就") == "主持国家自然科学基金项目2项");  // the note in brackets goes
  CHECK(value("照片").empty());
  // Labels the registry does not know are kept, for the importer to report.
  CHECK(std::find(header.begin(), header.end(), "出生地") != header.end());
}

TEST_CASE("OpenTable: a 汇总表 written as a Word table reads as rows, merged units repeated",
          "[table_reader][docx]") {
  TempDir dir;
  std::string path = dir / "推荐学员汇总表.docx";
  MakeDocx(dir, path, kSummaryTable);
  TableOptions options;
  options.known_columns = kKnown;
  auto table = OpenTableFromBytes(ReadFileBytes(path), "推荐学员汇总表.docx", options);
  REQUIRE(table.ok());
  CHECK((*table)->Header() == Cells{"序号", "姓名", "性别", "出生年月", "工作单位及职务"});
  CHECK((*table)->TitleLines() ==
        Cells{"推荐学员汇总表", "推荐单位（加盖公章）：广西医学会填表日期：2024年11月5日"});
  auto rows = ReadAll(**table);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].first == 2);
  CHECK(rows[0].second == Cells{"1", "黄明辉", "男", "1983.05", "广西大学 教授"});
  CHECK(rows[1].second == Cells{"2", "韋嶽", "男", "1990.11", "广西大学 教授"});
}

// Rewrites the document at `path` with word/document.xml replaced, or a part added.
void PutPart(const std::string& path, const std::string& name, const std::string& content) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), 0, &error);
  REQUIRE(zip != nullptr);
  zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
  REQUIRE(zip_file_add(zip, name.c_str(), source, ZIP_FL_OVERWRITE) >= 0);
  REQUIRE(zip_close(zip) == 0);
}

TEST_CASE("OpenTable: hostile or foreign Word files are refused with the reason",
          "[table_reader][docx]") {
  TempDir dir;
  std::string good = dir / "good.docx";
  MakeDocx(dir, good, kSummaryTable);
  auto refused = [&](const std::string& path, const std::string& expected) {
    TableOptions options;
    options.known_columns = kKnown;
    auto table = OpenTable(path, options);
    REQUIRE_FALSE(table.ok());
    INFO(table.status().message());
    CHECK(table.status().code() == tp::StatusCode::kInvalidArgument);
    CHECK(table.status().message().find(fs::path(path).filename().string()) != std::string::npos);
    CHECK(table.status().message().find(expected) != std::string::npos);
  };

  std::string macro = dir / "宏.docm";
  fs::copy_file(good, macro);
  PutPart(macro, "word/vbaProject.bin", std::string(64, '\x01'));
  refused(macro, "宏");

  std::string entity = dir / "实体.docx";
  fs::copy_file(good, entity);
  PutPart(entity, "word/document.xml",
          "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
          "<w:document xmlns:w=\"w\"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>&x;</w:t>"
          "</w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>");
  refused(entity, "实体.docx");

  // A zip bomb: a document.xml that inflates far past its bound from a small file.
  std::string bomb = dir / "炸弹.docx";
  fs::copy_file(good, bomb);
  std::string body = "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>";
  body.append(std::size_t{80} << 20, 'a');
  body += "</w:t></w:r></w:p></w:body></w:document>";
  PutPart(bomb, "word/document.xml", body);
  CHECK(fs::file_size(bomb) < (std::size_t{1} << 20));
  refused(bomb, "word/document.xml");

  std::string text_only = dir / "通知.docx";
  MakeDocx(dir, text_only, "d = docx.Document()\nd.add_paragraph('通知正文')\nd.save(out)");
  refused(text_only, "没有表格");
}

// docx_fuzz: a row opened inside a cell left the cell's text pointing at the new, empty row
// (undefined behaviour, reported by UBSan in the fuzz pass).
TEST_CASE("OpenTable: a row opened inside a cell reads on without losing its text",
          "[table_reader][docx][fuzz]") {
  TempDir dir;
  std::string path = dir / "行中行.docx";
  MakeDocx(dir, path, kSummaryTable);
  PutPart(path, "word/document.xml",
          "<w:document xmlns:w=\"w\"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>姓名</w:t>"
          "</w:r></w:p><w:tr><w:p><w:r><w:t>游离</w:t></w:r></w:p><w:tc><w:p><w:r>"
          "<w:t>黄明辉</w:t></w:r></w:p></w:tc></w:tr></w:tc></w:tr></w:tbl></w:body>"
          "</w:document>");
  TableOptions options;
  options.known_columns = kKnown;
  auto table = OpenTable(path, options);
  REQUIRE(table.ok());
  CHECK((*table)->Header() == Cells{"姓名", "黄明辉"});
}

}  // namespace
