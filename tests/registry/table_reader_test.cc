#include "registry/tables/table_reader.h"

#include <stdlib.h>
#include <unicode/ucnv.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using tp::registry::OpenTable;
using tp::registry::OpenTableFromBytes;
using tp::registry::TableOptions;
using tp::registry::TableReader;
using Cells = std::vector<std::string>;

// A fresh folder under the system's temporary directory, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "table-reader-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
};

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// `utf8` in another encoding, through ICU as a real program would write it.
std::string Encode(const std::string& utf8, const char* encoding) {
  UErrorCode error = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 16, '\0');
  int32_t n = ucnv_convert(encoding, "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                           utf8.data(), static_cast<int32_t>(utf8.size()), &error);
  REQUIRE(U_SUCCESS(error));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

struct Row {
  long number;
  Cells cells;
};

std::vector<Row> ReadRows(TableReader& table) {
  std::vector<Row> rows;
  Cells cells;
  long number = 0;
  while (true) {
    tp::StatusOr<bool> more = table.Next(&cells, &number);
    REQUIRE(more.ok());
    if (!*more) break;
    rows.push_back({number, cells});
  }
  return rows;
}

std::unique_ptr<TableReader> Open(const std::string& path, const TableOptions& options = {}) {
  auto table = OpenTable(path, options);
  INFO(table.status().ToString());
  REQUIRE(table.ok());
  return std::move(table).value();
}

std::unique_ptr<TableReader> OpenCsv(const TempDir& dir, const std::string& bytes) {
  std::string path = dir.File("table.csv");
  WriteBytes(path, bytes);
  return Open(path);
}

// A zip put together entry by entry, as a workbook from another program
// might be.
void WriteZip(const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& entries) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  REQUIRE(zip);
  for (const auto& [name, content] : entries) {
    zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
    REQUIRE(source);
    REQUIRE(zip_file_add(zip, name.c_str(), source, ZIP_FL_OVERWRITE) >= 0);
  }
  REQUIRE(zip_close(zip) == 0);
}

const char* const kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const char* const kRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string Sheet(const std::string& rows) {
  return std::string(
             "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"") +
         kMain + "\"><sheetData>" + rows + "</sheetData></worksheet>";
}

// A workbook whose first sheet in workbook order is xl/worksheets/data.xml
// (named 汇总, relationship rId7) and whose second is sheet1.xml.
struct Workbook {
  std::string first_sheet;
  std::string second_sheet =
      Sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>wrong sheet</t></is></c></row>");
  std::string shared_strings;  // the <sst> body; none when empty
  std::string styles;          // the <styleSheet> body; none when empty
  std::string workbook_pr;     // e.g. <workbookPr date1904="1"/>
  std::string first_state;     // e.g. state="hidden"

  std::vector<std::pair<std::string, std::string>> Entries() const {
    std::string rels =
        std::string(
            "<Relationships "
            "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">") +
        "<Relationship Id=\"rId1\" Type=\"" + kRel +
        "/worksheet\" Target=\"worksheets/sheet1.xml\"/>" + "<Relationship Id=\"rId7\" Type=\"" +
        kRel + "/worksheet\" Target=\"/xl/worksheets/data.xml\"/>" +
        "<Relationship Id=\"rId3\" Type=\"" + kRel +
        "/sharedStrings\" Target=\"sharedStrings.xml\"/>" + "<Relationship Id=\"rId4\" Type=\"" +
        kRel + "/styles\" Target=\"./styles.xml\"/>" + "</Relationships>";
    std::vector<std::pair<std::string, std::string>> entries = {
        {"[Content_Types].xml",
         "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"},
        {"_rels/.rels",
         std::string("<Relationships "
                     "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">") +
             "<Relationship Id=\"rId1\" Type=\"" + kRel +
             "/officeDocument\" Target=\"xl/workbook.xml\"/>" + "</Relationships>"},
        {"xl/workbook.xml", std::string("<workbook xmlns=\"") + kMain + "\" xmlns:r=\"" + kRel +
                                "\">" + workbook_pr +
                                "<sheets><sheet name=\"汇总\" sheetId=\"2\" " + first_state +
                                " r:id=\"rId7\"/><sheet name=\"Sheet1\" sheetId=\"1\" "
                                "r:id=\"rId1\"/></sheets></workbook>"},
        {"xl/_rels/workbook.xml.rels", rels},
        {"xl/worksheets/sheet1.xml", second_sheet},
        {"xl/worksheets/data.xml", first_sheet},
    };
    if (!shared_strings.empty()) {
      entries.push_back({"xl/sharedStrings.xml",
                         std::string("<sst xmlns=\"") + kMain + "\">" + shared_strings + "</sst>"});
    }
    if (!styles.empty()) {
      entries.push_back({"xl/styles.xml", std::string("<styleSheet xmlns=\"") + kMain + "\">" +
                                              styles + "</styleSheet>"});
    }
    return entries;
  }
};

std::string WriteWorkbook(const TempDir& dir, const Workbook& book,
                          const std::string& name = "book.xlsx") {
  std::string path = dir.File(name);
  WriteZip(path, book.Entries());
  return path;
}

// The first column of the first data row of a one-cell-per-row sheet.
std::vector<std::string> FirstColumn(TableReader& table) {
  std::vector<std::string> out;
  for (const Row& row : ReadRows(table)) out.push_back(row.cells.at(0));
  return out;
}

}  // namespace

// ---- CSV ------------------------------------------------------------------

TEST_CASE("OpenTable: a UTF-8 CSV without BOM gives its header and rows", "[table_reader][csv]") {
  TempDir dir;
  auto table = OpenCsv(dir, "编号,姓名,性别\nP0000001,覃超勇,男\nP0000002,曾丽,女\n");
  CHECK(table->Format() == "csv-utf8");
  CHECK(table->Header() == Cells{"编号", "姓名", "性别"});
  CHECK(table->HeaderRowNumber() == 1);
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].number == 2);
  CHECK(rows[0].cells == Cells{"P0000001", "覃超勇", "男"});
  CHECK(rows[1].number == 3);
  CHECK(rows[1].cells == Cells{"P0000002", "曾丽", "女"});
}

TEST_CASE("OpenTable: the UTF-8 BOM Excel writes is not part of the first header cell",
          "[table_reader][csv]") {
  TempDir dir;
  auto table = OpenCsv(dir, "\xEF\xBB\xBF姓名,民族\r\n单仁,壮族\r\n");
  CHECK(table->Format() == "csv-utf8");
  CHECK(table->Header() == Cells{"姓名", "民族"});
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].cells == Cells{"单仁", "壮族"});
}

TEST_CASE("OpenTable: a GB18030 CSV is converted, four-byte characters included",
          "[table_reader][csv]") {
  TempDir dir;
  std::string utf8 = "姓名,备注\r\n覃超勇,𠀀㐀䶵\r\n";
  std::string gb = Encode(utf8, "GB18030");
  REQUIRE(gb != utf8);
  // 𠀀 (U+20000) is 95 32 82 36 in GB18030's four-byte range.
  REQUIRE(gb.find("\x95\x32\x82\x36") != std::string::npos);
  auto table = OpenCsv(dir, gb);
  CHECK(table->Format() == "csv-gb18030");
  CHECK(table->Header() == Cells{"姓名", "备注"});
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].cells == Cells{"覃超勇", "𠀀㐀䶵"});
}

TEST_CASE("OpenTable: a long GB18030 CSV keeps characters split across read chunks",
          "[table_reader][csv]") {
  TempDir dir;
  // Rows of uneven length so that multi-byte characters straddle every
  // 64 KiB boundary somewhere.
  std::string utf8 = "序号,姓名,擅长领域\n";
  const int kRows = 20000;
  for (int i = 0; i < kRows; ++i) {
    utf8 += std::to_string(i) + ",覃" + std::string(i % 3 + 1, 'x') + ",𠀀材料科学与工程\n";
  }
  auto table = OpenCsv(dir, Encode(utf8, "GB18030"));
  CHECK(table->Format() == "csv-gb18030");
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == kRows);
  for (int i = 0; i < kRows; ++i) {
    INFO("row " << i);
    REQUIRE(rows[i].cells ==
            Cells{std::to_string(i), "覃" + std::string(i % 3 + 1, 'x'), "𠀀材料科学与工程"});
    REQUIRE(rows[i].number == i + 2);
  }
}

TEST_CASE("OpenTable: Excel's Unicode text (UTF-16LE, tab-separated) is read",
          "[table_reader][csv]") {
  TempDir dir;
  std::string text = "姓名\t工作单位\r\n解放\t广西大学,化学院\r\n";
  auto table = OpenCsv(dir, "\xFF\xFE" + Encode(text, "UTF-16LE"));
  CHECK(table->Format() == "csv-utf16le");
  CHECK(table->Header() == Cells{"姓名", "工作单位"});
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].cells == Cells{"解放", "广西大学,化学院"});
}

TEST_CASE("OpenTable: UTF-16BE with its BOM is read", "[table_reader][csv]") {
  TempDir dir;
  auto table = OpenCsv(dir, "\xFE\xFF" + Encode("姓名,区\n欧阳,𠀀\n", "UTF-16BE"));
  CHECK(table->Format() == "csv-utf16be");
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].cells == Cells{"欧阳", "𠀀"});
}

TEST_CASE("OpenTable: RFC 4180 quoting with commas, doubled quotes and line breaks",
          "[table_reader][csv]") {
  TempDir dir;
  auto table = OpenCsv(dir,
                       "a,b,c,d\n"
                       "\"广西大学,化学院\",\"他说\"\"好\"\"\",\"第一行\r\n第二行\",\"\"\n"
                       "12\"34,\"ab\"cd, \"x\",\"\"\"\"\n");
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].cells == Cells{"广西大学,化学院", "他说\"好\"", "第一行\r\n第二行", ""});
  // As Excel reads them: a quote inside a field is text, text after a
  // closing quote is kept, a quote after a space does not open quoting.
  CHECK(rows[1].cells == Cells{"12\"34", "abcd", " \"x\"", "\""});
}

TEST_CASE("OpenTable: a record spanning lines counts as one row, blank rows count but are skipped",
          "[table_reader][csv]") {
  TempDir dir;
  auto table = OpenCsv(dir,
                       "姓名,主要经历\n"                           // row 1
                       "甲,\"2001 入学\n2005 毕业\n2008 硕士\"\n"  // row 2, three lines
                       "乙,x\n"                                    // row 3
                       "\n"                                        // row 4: empty
                       ",,\n"                                      // row 5: empty cells only
                       " ,\t\n"  // row 6: blanks only (comma-separated)
                       "丙,y");  // row 7, no final newline
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].number == 2);
  CHECK(rows[0].cells[1] == "2001 入学\n2005 毕业\n2008 硕士");
  CHECK(rows[1].number == 3);
  CHECK(rows[2].number == 7);
  CHECK(rows[2].cells == Cells{"丙", "y"});
}

TEST_CASE("OpenTable: CRLF, LF and bare CR line ends all end a record", "[table_reader][csv]") {
  TempDir dir;
  auto table = OpenCsv(dir, "a,b\r\n1,2\n3,4\r5,6\r\n");
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].cells == Cells{"1", "2"});
  CHECK(rows[1].cells == Cells{"3", "4"});
  CHECK(rows[2].cells == Cells{"5", "6"});
  CHECK(rows[2].number == 4);
}

TEST_CASE("OpenTable: short rows are padded, extra cells kept, trailing empty ones dropped",
          "[table_reader][csv]") {
  TempDir dir;
  auto table = OpenCsv(dir, "a,b,c,,\n1\n1,2,3,4,,\n1,2,3,,,\n");
  CHECK(table->Header() == Cells{"a", "b", "c"});
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].cells == Cells{"1", "", ""});
  CHECK(rows[1].cells == Cells{"1", "2", "3", "4"});
  CHECK(rows[2].cells == Cells{"1", "2", "3"});
}

TEST_CASE("OpenTable: tab is the delimiter only when the header has tabs and no commas",
          "[table_reader][csv]") {
  TempDir dir;
  auto tabbed = OpenCsv(dir, "\n姓名\t单位\n张三\t甲,乙\n");
  CHECK(tabbed->Header() == Cells{"姓名", "单位"});
  CHECK(ReadRows(*tabbed).at(0).cells == Cells{"张三", "甲,乙"});

  auto both = OpenCsv(dir, "name,unit\tnote\n张三,甲\t乙\n");
  CHECK(both->Header() == Cells{"name", "unit\tnote"});
  CHECK(ReadRows(*both).at(0).cells == Cells{"张三", "甲\t乙"});
}

TEST_CASE("OpenTable: header cells are trimmed and padding between Chinese characters goes",
          "[table_reader][csv]") {
  TempDir dir;
  // Forms spread labels out ("姓　名") or break them in narrow columns.
  auto table = OpenCsv(dir,
                       " 姓　名 ,性  别,\xC2\xA0"
                       "Email Address ,\"出生\n年月\",\"ID 号\"\n1,2,3,4,5\n");
  CHECK(table->Header() == Cells{"姓名", "性别", "Email Address", "出生年月", "ID 号"});
}

TEST_CASE("OpenTable: ill-formed UTF-8 after the sniffed start is replaced, not passed on",
          "[table_reader][csv]") {
  TempDir dir;
  std::string bytes = "姓名,备注\n";
  while (bytes.size() < 70 * 1024) bytes += "张三,正常的一行\n";
  bytes += "李四,坏\xFF字节\n";
  auto table = OpenCsv(dir, bytes);
  CHECK(table->Format() == "csv-utf8");
  auto rows = ReadRows(*table);
  CHECK(rows.back().cells == Cells{"李四", "坏\xEF\xBF\xBD字节"});
}

TEST_CASE("OpenTable: a quote left open is reported with the row it opens on",
          "[table_reader][csv]") {
  TempDir dir;
  auto table = OpenCsv(dir, "a,b\n1,2\n3,\"4\n5,6\n");
  Cells cells;
  long row = 0;
  REQUIRE(*table->Next(&cells, &row));
  auto next = table->Next(&cells, &row);
  REQUIRE_FALSE(next.ok());
  CHECK(next.status().message().find("第 3 行") != std::string::npos);
  CHECK(next.status().message().find("引号") != std::string::npos);
}

TEST_CASE("OpenTable: an unbounded cell is refused rather than read into memory",
          "[table_reader][csv]") {
  TempDir dir;
  std::string bytes = "a\n\"" + std::string(tp::registry::table_internal::kMaxCellBytes + 10, 'x');
  auto table = OpenCsv(dir, bytes);
  Cells cells;
  long row = 0;
  auto next = table->Next(&cells, &row);
  REQUIRE_FALSE(next.ok());
  CHECK(next.status().message().find("第 2 行") != std::string::npos);
}

TEST_CASE("OpenTable: title rows above a form's header are skipped when the columns are known",
          "[table_reader][csv]") {
  TempDir dir;
  std::string path = dir.File("form.csv");
  WriteBytes(path,
             "推荐学员汇总表,,,\n"
             "推荐单位：广西科协（加盖公章）,,,\n"
             "填表日期：,2024-10-01,,\n"
             ",,,\n"
             "序号,姓  名,性别,民族\n"
             "1,覃超勇,男,壮族\n");
  TableOptions options;
  options.known_columns = {"姓名", "性别", "民族", "出生年月"};
  auto table = Open(path, options);
  CHECK(table->Header() == Cells{"序号", "姓名", "性别", "民族"});
  CHECK(table->HeaderRowNumber() == 5);
  CHECK(table->TitleLines() ==
        Cells{"推荐学员汇总表", "推荐单位：广西科协（加盖公章）", "填表日期： 2024-10-01"});
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].number == 6);
  CHECK(rows[0].cells == Cells{"1", "覃超勇", "男", "壮族"});

  // Without known columns the first non-empty row is the header.
  auto plain = Open(path);
  CHECK(plain->Header() == Cells{"推荐学员汇总表"});
  CHECK(plain->TitleLines().empty());
  CHECK(ReadRows(*plain).size() == 4);
}

TEST_CASE("OpenTable: with known columns that no row holds, the first row is still the header",
          "[table_reader][csv]") {
  TempDir dir;
  std::string path = dir.File("other.csv");
  WriteBytes(path, "x,y\n1,2\n3,4\n");
  TableOptions options;
  options.known_columns = {"姓名", "性别"};
  auto table = Open(path, options);
  CHECK(table->Header() == Cells{"x", "y"});
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].number == 2);
  CHECK(rows[1].cells == Cells{"3", "4"});
}

// ---- Files that cannot be read ---------------------------------------------

TEST_CASE("OpenTable: a missing file is NotFound and named", "[table_reader]") {
  TempDir dir;
  std::string path = dir.File("不存在.csv");
  auto table = OpenTable(path);
  REQUIRE_FALSE(table.ok());
  CHECK(table.status().code() == tp::StatusCode::kNotFound);
  CHECK(table.status().message().find(path) != std::string::npos);
}

TEST_CASE("OpenTable: empty, blank-only, binary, old .xls and folder inputs are refused",
          "[table_reader]") {
  TempDir dir;
  auto refused = [&](const std::string& bytes, const std::string& expected) {
    std::string path = dir.File("bad.csv");
    WriteBytes(path, bytes);
    auto table = OpenTable(path);
    REQUIRE_FALSE(table.ok());
    INFO(table.status().message());
    CHECK(table.status().code() == tp::StatusCode::kInvalidArgument);
    CHECK(table.status().message().find("bad.csv") != std::string::npos);
    CHECK(table.status().message().find(expected) != std::string::npos);
  };
  refused("", "空文件");
  refused("\xEF\xBB\xBF\r\n ,,\r\n\r\n", "没有表头行");
  refused(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "二进制");
  refused(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(512, '\0'), ".xls");
  refused("<html><body><table><tr><td>姓名</td></tr></table></body></html>", "网页");

  auto folder = OpenTable(dir.File(""));
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.status().message().find("文件夹") != std::string::npos);
}

// ---- XLSX -----------------------------------------------------------------

TEST_CASE("OpenTable: an XLSX from libxlsxwriter with shared strings, numbers, dates and gaps",
          "[table_reader][xlsx]") {
  for (bool constant_memory : {false, true}) {
    DYNAMIC_SECTION((constant_memory ? "inline strings (constant memory)" : "shared strings")) {
      TempDir dir;
      std::string path = dir.File("typed.xlsx");
      lxw_workbook_options options{};
      options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
      lxw_workbook* book = workbook_new_opt(path.c_str(), &options);
      lxw_worksheet* sheet = workbook_add_worksheet(book, "名单");
      lxw_format* iso_date = workbook_add_format(book);
      format_set_num_format(iso_date, "yyyy-mm-dd");
      lxw_format* builtin_date = workbook_add_format(book);
      format_set_num_format_index(builtin_date, 14);
      lxw_format* chinese_date = workbook_add_format(book);
      format_set_num_format(chinese_date, "yyyy\"年\"m\"月\"d\"日\"");
      lxw_format* percent = workbook_add_format(book);
      format_set_num_format(percent, "0.00%");

      const char* header[] = {"姓名",     "身份证号", "手机", "出生日期",
                              "入库日期", "填表日期", "得分", "比例"};
      for (lxw_col_t c = 0; c < 8; ++c) worksheet_write_string(sheet, 0, c, header[c], nullptr);
      // Row 2 (index 1) is left out; row 3 has a gap in column C.
      worksheet_write_string(sheet, 2, 0, "覃超勇", nullptr);
      worksheet_write_string(sheet, 2, 1, "450103199001011234", nullptr);
      lxw_datetime birth = {1990, 1, 1, 0, 0, 0};
      worksheet_write_datetime(sheet, 2, 3, &birth, iso_date);
      lxw_datetime admitted = {2024, 11, 17, 0, 0, 0};
      worksheet_write_datetime(sheet, 2, 4, &admitted, builtin_date);
      lxw_datetime filled = {2025, 6, 30, 0, 0, 0};
      worksheet_write_datetime(sheet, 2, 5, &filled, chinese_date);
      worksheet_write_number(sheet, 2, 6, 92.5, nullptr);
      worksheet_write_number(sheet, 2, 7, 0.35, percent);
      // Row 7: a phone number typed as a number, a formula with its value.
      worksheet_write_string(sheet, 6, 0, "曾丽", nullptr);
      worksheet_write_number(sheet, 6, 2, 13800138000.0, nullptr);
      worksheet_write_formula_num(sheet, 6, 6, "=90+5", nullptr, 95);
      REQUIRE(workbook_close(book) == LXW_NO_ERROR);

      auto table = Open(path);
      CHECK(table->Format() == "xlsx");
      CHECK(table->Header() == Cells(std::begin(header), std::end(header)));
      auto rows = ReadRows(*table);
      REQUIRE(rows.size() == 2);
      CHECK(rows[0].number == 3);
      CHECK(rows[0].cells == Cells{"覃超勇", "450103199001011234", "", "1990-01-01", "2024-11-17",
                                   "2025-06-30", "92.5", "0.35"});
      CHECK(rows[1].number == 7);
      CHECK(rows[1].cells == Cells{"曾丽", "", "13800138000", "", "", "", "95", ""});
    }
  }
}

TEST_CASE("OpenTable: the first sheet in workbook order is read, not sheet1.xml",
          "[table_reader][xlsx]") {
  TempDir dir;
  Workbook book;
  book.first_sheet = Sheet(
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\" t=\"s\"><v>3</v></c></row>");
  book.shared_strings =
      "<si><t>姓名</t></si><si><t xml:space=\"preserve\">主要成就</t></si><si><t>尉迟敬</t></si>"
      "<si><r><t>获</t></r><r><rPr><b/></rPr><t>国家自然科学奖</t></r>"
      "<rPh sb=\"0\" eb=\"1\"><t>ふりがな</t></rPh><t>二等奖</t></si>";
  auto table = Open(WriteWorkbook(dir, book));
  CHECK(table->Header() == Cells{"姓名", "主要成就"});
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == 1);
  // Rich-text runs join up; the phonetic guide is not part of the text.
  CHECK(rows[0].cells == Cells{"尉迟敬", "获国家自然科学奖二等奖"});
}

TEST_CASE("OpenTable: a hidden first sheet (drop-down lists) gives way to the first visible one",
          "[table_reader][xlsx]") {
  TempDir dir;
  Workbook book;
  book.first_state = "state=\"hidden\"";
  book.first_sheet =
      Sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>汉族</t></is></c></row>");
  book.second_sheet = Sheet(
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>姓名</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>查良</t></is></c></row>");
  auto table = Open(WriteWorkbook(dir, book));
  CHECK(table->Header() == Cells{"姓名"});
  CHECK(FirstColumn(*table) == Cells{"查良"});
}

TEST_CASE("OpenTable: XLSX cell types, escapes and cells without references",
          "[table_reader][xlsx]") {
  TempDir dir;
  Workbook book;
  book.first_sheet = Sheet(
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>值</t></is></c>"
      "<c r=\"B1\" t=\"inlineStr\"><is><t>类型</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"b\"><v>1</v></c><c t=\"str\"><f>A1</f><v>公式文字</v></c>"
      "<c r=\"C2\" t=\"s\"/></row>"
      "<row><c t=\"e\"><v>#N/A</v></c><c "
      "t=\"inlineStr\"><is><r><t>第一行_x000D_</t></r><r><t>\n第二行_x005F_x</t></r></is></c></row>"
      "<row r=\"9\"><c r=\"B9\" t=\"d\"><v>2024-11-17T00:00:00</v></c></row>"
      "<row r=\"10\"><c r=\"A10\"><f>NOW()</f></c><c r=\"B10\" t=\"b\"><v>0</v></c></row>");
  auto table = Open(WriteWorkbook(dir, book));
  auto rows = ReadRows(*table);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].cells == Cells{"TRUE", "公式文字"});
  CHECK(rows[1].number == 3);
  CHECK(rows[1].cells == Cells{"#N/A", "第一行\r\n第二行_x"});
  CHECK(rows[2].number == 9);
  CHECK(rows[2].cells == Cells{"", "2024-11-17"});
  // A formula never calculated has no value: an empty cell.
  CHECK(rows[3].cells == Cells{"", "FALSE"});
}

TEST_CASE("OpenTable: XLSX numbers print as Excel shows them, dates by their cell format",
          "[table_reader][xlsx]") {
  TempDir dir;
  Workbook book;
  book.styles =
      "<numFmts count=\"4\"><numFmt numFmtId=\"164\" "
      "formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;\"/>"
      "<numFmt numFmtId=\"165\" formatCode=\"[$-804]yyyy/m/d\\ h:mm\"/>"
      "<numFmt numFmtId=\"166\" formatCode=\"0.00E+00\"/>"
      "<numFmt numFmtId=\"167\" formatCode=\"[Red]#,##0;[Blue]\\-#,##0\"/></numFmts>"
      "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
      "<cellXfs count=\"8\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
      "<xf numFmtId=\"165\"/><xf numFmtId=\"166\"/><xf numFmtId=\"167\"/><xf numFmtId=\"31\"/>"
      "<xf numFmtId=\"20\"/></cellXfs>"
      "<dxfs count=\"1\"><dxf><numFmt numFmtId=\"166\" formatCode=\"yyyy\"/></dxf></dxfs>";
  std::string rows = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>值</t></is></c></row>";
  struct Case {
    std::string style;  // the cell's s="…", if any
    std::string value;  // its <v>
    std::string expected;
  };
  std::vector<Case> cases = {
      {"", "4.50103199001011E+17", "450103199001011000"},  // 18-digit ID typed as a number
      {"", "13800138000", "13800138000"},
      {"", "0.30000000000000004", "0.3"},
      {"", "-12", "-12"},
      {"", "1E-3", "0.001"},
      {"", "1.5E+21", "1.5e+21"},
      {"", "not a number", "not a number"},
      {"1", "1", "1900-01-01"},
      {"1", "59", "1900-02-28"},
      {"1", "60", "1900-02-29"},  // Excel's phantom leap day
      {"1", "61", "1900-03-01"},
      {"1", "45000", "2023-03-15"},
      {"1", "45000.99999999", "2023-03-16"},  // rounds to the second, as Excel shows it
      {"1", "0", "0"},                        // no date before 1900-01-01
      {"1", "-5", "-5"},
      {"2", "33239", "1991-01-01"},  // yyyy"年"m"月": still the full date
      {"3", "45000.5", "2023-03-15 12:00:00"},
      {"3", "45000", "2023-03-15"},
      {"4", "12345", "12345"},  // 0.00E+00 is not a date
      {"5", "7", "7"},
      {"6", "45000", "2023-03-15"},  // built-in 31, yyyy"年"m"月"d"日" in Chinese Excel
      {"7", "0.75", "18:00:00"},
      {"99", "45000", "45000"},  // a style that does not exist: a plain number
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    std::string r = std::to_string(i + 2);
    std::string style = cases[i].style.empty() ? "" : " s=\"" + cases[i].style + "\"";
    rows += "<row r=\"" + r + "\"><c r=\"A" + r + "\"" + style + "><v>" + cases[i].value +
            "</v></c></row>";
  }
  book.first_sheet = Sheet(rows);
  auto table = Open(WriteWorkbook(dir, book));
  std::vector<std::string> values = FirstColumn(*table);
  REQUIRE(values.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO("s=" << cases[i].style << " v=" << cases[i].value);
    CHECK(values[i] == cases[i].expected);
  }
}

TEST_CASE("OpenTable: a workbook in the 1904 date system", "[table_reader][xlsx]") {
  TempDir dir;
  Workbook book;
  book.workbook_pr = "<workbookPr date1904=\"1\"/>";
  book.styles = "<cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs>";
  book.first_sheet = Sheet(
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>日期</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>0</v></c></row>"
      "<row r=\"3\"><c r=\"A3\" s=\"1\"><v>43538</v></c></row>");
  auto table = Open(WriteWorkbook(dir, book));
  CHECK(FirstColumn(*table) == Cells{"1904-01-01", "2023-03-15"});
}

TEST_CASE("OpenTableFromBytes: the content decides the format, the hint only names the file",
          "[table_reader][xlsx]") {
  TempDir dir;
  Workbook book;
  book.first_sheet = Sheet(
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>姓名</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>朴正</t></is></c></row>");
  std::string bytes = ReadBytes(WriteWorkbook(dir, book));
  auto xlsx = OpenTableFromBytes(bytes, "名单.csv");
  REQUIRE(xlsx.ok());
  CHECK((*xlsx)->Format() == "xlsx");
  CHECK(FirstColumn(**xlsx) == Cells{"朴正"});

  auto csv = OpenTableFromBytes("\xEF\xBB\xBF姓名\n朴正\n", "名单.xlsx");
  REQUIRE(csv.ok());
  CHECK((*csv)->Format() == "csv-utf8");
  CHECK(FirstColumn(**csv) == Cells{"朴正"});

  auto broken = OpenTableFromBytes(bytes.substr(0, bytes.size() / 2), "上传.xlsx");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.status().message().find("上传.xlsx") != std::string::npos);
}

TEST_CASE("OpenTable: damaged and foreign archives are refused with the reason",
          "[table_reader][xlsx]") {
  TempDir dir;
  auto refused = [&](const std::string& path, const std::string& expected) {
    auto table = OpenTable(path);
    REQUIRE_FALSE(table.ok());
    INFO(table.status().message());
    CHECK(table.status().code() == tp::StatusCode::kInvalidArgument);
    CHECK(table.status().message().find(path) != std::string::npos);
    CHECK(table.status().message().find(expected) != std::string::npos);
  };
  std::string garbage = dir.File("garbage.xlsx");
  WriteBytes(garbage, std::string("PK\x03\x04", 4) + std::string(300, 'x'));
  refused(garbage, "压缩包已损坏");

  Workbook book;
  book.first_sheet =
      Sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>姓名</t></is></c></row>");
  std::string whole = ReadBytes(WriteWorkbook(dir, book));
  std::string truncated = dir.File("truncated.xlsx");
  WriteBytes(truncated, whole.substr(0, whole.size() - 40));
  refused(truncated, "压缩包已损坏");

  std::string docx = dir.File("report.xlsx");
  WriteZip(docx, {{"word/document.xml", "<w:document/>"}});
  refused(docx, "Word");
  std::string ods = dir.File("sheet.xlsx");
  WriteZip(ods, {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
                 {"content.xml", "<x/>"}});
  refused(ods, "OpenDocument");

  Workbook bad_xml = book;
  bad_xml.first_sheet =
      Sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>姓名</is></c></row>");
  refused(WriteWorkbook(dir, bad_xml, "badxml.xlsx"), "XML");

  Workbook doctype = book;
  doctype.first_sheet =
      "<!DOCTYPE lol [<!ENTITY a \"aaaaaaaa\">]><worksheet><sheetData/></worksheet>";
  refused(WriteWorkbook(dir, doctype, "doctype.xlsx"), "DOCTYPE");

  Workbook no_sheets = book;
  no_sheets.first_sheet = "";
  auto entries = no_sheets.Entries();
  std::erase_if(entries, [](const auto& e) { return e.first == "xl/worksheets/data.xml"; });
  std::string missing = dir.File("missing.xlsx");
  WriteZip(missing, entries);
  refused(missing, "xl/worksheets/data.xml");
}

TEST_CASE("OpenTable: damage inside the rows is an error from Next, never a crash",
          "[table_reader][xlsx]") {
  TempDir dir;
  auto first_error = [&](const std::string& rows) -> std::string {
    Workbook book;
    book.first_sheet =
        Sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>姓名</t></is></c></row>" + rows);
    book.shared_strings = "<si><t>唯一</t></si>";
    auto table = OpenTable(WriteWorkbook(dir, book));
    if (!table.ok()) return table.status().message();
    Cells cells;
    long row = 0;
    while (true) {
      auto more = (*table)->Next(&cells, &row);
      if (!more.ok()) return more.status().message();
      if (!*more) return "";
    }
  };
  CHECK(first_error("<row r=\"2\"><c r=\"A2\" t=\"s\"><v>5</v></c></row>").find("第 2 行 A 列") !=
        std::string::npos);
  CHECK(first_error("<row r=\"2\"><c r=\"XFE2\"><v>1</v></c></row>").find("16384") !=
        std::string::npos);
  CHECK(first_error("<row r=\"99999999\"><c><v>1</v></c></row>").find("行号") != std::string::npos);
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "<x>";
  for (int i = 0; i < 200; ++i) deep += "</x>";
  CHECK(first_error("<row r=\"2\"><c r=\"A2\"><v>1</v>" + deep + "</c></row>").find("嵌套") !=
        std::string::npos);
  // The last column Excel has is fine.
  CHECK(first_error("<row r=\"2\"><c r=\"XFD2\"><v>1</v></c></row>").empty());
}

TEST_CASE("OpenTable: one long shared string repeated across a row is refused, not multiplied",
          "[table_reader][xlsx]") {
  TempDir dir;
  Workbook book;
  book.shared_strings = "<si><t>姓名</t></si><si><t>" + std::string(1000000, 'x') + "</t></si>";
  std::string rows = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row><row r=\"2\">";
  for (int i = 0; i < 40; ++i) rows += "<c t=\"s\"><v>1</v></c>";
  book.first_sheet = Sheet(rows + "</row>");
  auto table = Open(WriteWorkbook(dir, book));
  Cells cells;
  long row = 0;
  auto next = table->Next(&cells, &row);
  REQUIRE_FALSE(next.ok());
  CHECK(next.status().message().find("32 MB") != std::string::npos);
}

TEST_CASE("OpenTable: XLSX rows stream one at a time from a large sheet", "[table_reader][xlsx]") {
  TempDir dir;
  std::string rows = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>序号</t></is></c></row>";
  const int kRows = 30000;
  for (int i = 2; i <= kRows + 1; ++i) {
    rows += "<row r=\"" + std::to_string(i) + "\"><c r=\"A" + std::to_string(i) + "\"><v>" +
            std::to_string(i * 7) + "</v></c></row>";
  }
  Workbook book;
  book.first_sheet = Sheet(rows);
  auto table = Open(WriteWorkbook(dir, book));
  auto read = ReadRows(*table);
  REQUIRE(read.size() == kRows);
  for (int i = 0; i < kRows; ++i) {
    REQUIRE(read[i].number == i + 2);
    REQUIRE(read[i].cells[0] == std::to_string((i + 2) * 7));
  }
}

// ---- Bounds on what a workbook inflates to ------------------------------------

namespace {

// `count` shared strings of `length` x's after 姓名, and a sheet of one row
// using the first: deflate shrinks them about a hundredfold and more.
Workbook Repetitive(std::size_t count, std::size_t length) {
  Workbook book;
  book.shared_strings = "<si><t>姓名</t></si>";
  const std::string item = "<si><t>" + std::string(length, 'x') + "</t></si>";
  book.shared_strings.reserve(count * item.size() + 32);
  for (std::size_t i = 0; i < count; ++i) book.shared_strings += item;
  book.first_sheet = Sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>");
  return book;
}

// The message of a table that failed to open, or "" when it opened.
std::string OpenError(const std::string& path, const TableOptions& options) {
  auto table = OpenTable(path, options);
  return table.ok() ? "" : table.status().message();
}

// Rewrites the uncompressed size that the zip at `path` declares for `entry`,
// in its local header and in the central directory, as a hostile file may.
void DeclareSize(const std::string& path, const std::string& entry, uint32_t size) {
  std::string bytes = ReadBytes(path);
  auto patch = [&](const std::string& signature, std::size_t name_length_at, std::size_t name_at,
                   std::size_t size_at) {
    int patched = 0;
    for (std::size_t i = bytes.find(signature); i != std::string::npos;
         i = bytes.find(signature, i + 1)) {
      std::size_t length = static_cast<unsigned char>(bytes[i + name_length_at]) |
                           static_cast<unsigned char>(bytes[i + name_length_at + 1]) << 8;
      if (bytes.compare(i + name_at, length, entry) != 0) continue;
      for (int b = 0; b < 4; ++b) bytes[i + size_at + b] = static_cast<char>(size >> (8 * b));
      ++patched;
    }
    REQUIRE(patched == 1);
  };
  patch(std::string("PK\x03\x04", 4), 26, 30, 22);  // local file header
  patch(std::string("PK\x01\x02", 4), 28, 46, 24);  // central directory
  WriteBytes(path, bytes);
}

}  // namespace

TEST_CASE("XlsxReader: a part that inflates past its bound is refused naming the part",
          "[table_reader][xlsx][bounds]") {
  TempDir dir;
  // 3 MB of shared strings, the bound lowered to 1 MB.
  std::string path = WriteWorkbook(dir, Repetitive(3000, 1000), "炸弹.xlsx");
  TableOptions options;
  options.xlsx.max_shared_strings_part_bytes = std::size_t{1} << 20;
  std::string message = OpenError(path, options);
  CHECK(message.find("文件「" + path + "」的 xl/sharedStrings.xml 解压后超过 1 MB") == 0);

  // The worksheet likewise, by its own bound.
  Workbook rows;
  std::string many;
  for (int i = 1; i <= 20000; ++i) {
    many +=
        "<row r=\"" + std::to_string(i) + "\"><c t=\"inlineStr\"><is><t>姓名</t></is></c></row>";
  }
  rows.first_sheet = Sheet(many);
  options = {};
  options.xlsx.max_sheet_bytes = 256 * 1024;
  std::string sheet_path = WriteWorkbook(dir, rows, "rows.xlsx");
  auto table = OpenTable(sheet_path, options);
  std::string sheet_message = table.ok() ? "" : table.status().message();
  CHECK(sheet_message.find("xl/worksheets/data.xml 解压后超过 256 KB") != std::string::npos);
}

TEST_CASE("XlsxReader: a part declaring less than it inflates to is stopped at its bound anyway",
          "[table_reader][xlsx][bounds]") {
  TempDir dir;
  std::string path = WriteWorkbook(dir, Repetitive(3000, 1000));
  DeclareSize(path, "xl/sharedStrings.xml", 100);
  TableOptions options;
  options.xlsx.max_shared_strings_part_bytes = std::size_t{1} << 20;
  CHECK(OpenError(path, options).find("xl/sharedStrings.xml 解压后超过 1 MB") != std::string::npos);
}

TEST_CASE("XlsxReader: the shared strings kept are bounded in number and in bytes",
          "[table_reader][xlsx][bounds]") {
  TempDir dir;
  std::string path = WriteWorkbook(dir, Repetitive(200, 1000));
  TableOptions by_count;
  by_count.xlsx.max_shared_strings = 100;
  CHECK(OpenError(path, by_count).find("xl/sharedStrings.xml 超过 100 条共享字符串") !=
        std::string::npos);
  TableOptions by_bytes;
  by_bytes.xlsx.max_shared_string_bytes = 64 * 1024;
  CHECK(OpenError(path, by_bytes).find("xl/sharedStrings.xml 中的文字超过 64 KB") !=
        std::string::npos);
  // Within both, the same file reads, its strings intact.
  auto table = Open(path);
  CHECK(table->Header() == Cells{"姓名"});
}

TEST_CASE("XlsxReader: the parts of one workbook are bounded together as well as each",
          "[table_reader][xlsx][bounds]") {
  TempDir dir;
  Workbook book = Repetitive(100, 1000);  // 100 KB of shared strings
  std::string rows;
  for (int i = 1; i <= 2000; ++i) {
    rows += "<row r=\"" + std::to_string(i) + "\"><c t=\"s\"><v>0</v></c></row>";
  }
  book.first_sheet = Sheet(rows);  // 70 KB
  std::string path = WriteWorkbook(dir, book);
  TableOptions options;
  options.xlsx.max_workbook_bytes = 150 * 1024;
  std::string message = OpenError(path, options);
  CHECK(message.find("解压后超过 150 KB（读到 xl/worksheets/data.xml 时）") != std::string::npos);
}

TEST_CASE("XlsxReader: a shared string repeated through the sheet is bounded by the text it makes",
          "[table_reader][xlsx][bounds]") {
  TempDir dir;
  Workbook book;
  book.shared_strings = "<si><t>姓名</t></si><si><t>" + std::string(100000, 'x') + "</t></si>";
  std::string rows = "<row r=\"1\"><c t=\"s\"><v>0</v></c></row>";
  for (int i = 2; i <= 100; ++i) {
    rows += "<row r=\"" + std::to_string(i) + "\"><c t=\"s\"><v>1</v></c></row>";
  }
  book.first_sheet = Sheet(rows);
  TableOptions options;
  options.xlsx.max_cell_text_bytes = std::size_t{1} << 20;
  auto table = OpenTable(WriteWorkbook(dir, book), options);
  REQUIRE(table.ok());
  Cells cells;
  long row = 0;
  int read = 0;
  tp::StatusOr<bool> more = true;
  while (more.ok() && *more) {
    more = (*table)->Next(&cells, &row);
    if (more.ok() && *more) ++read;
  }
  REQUIRE_FALSE(more.ok());
  CHECK(more.status().message().find("单元格文字合计超过 1 MB") != std::string::npos);
  CHECK(read == 10);  // the rows within the bound came out first
}

TEST_CASE(
    "OpenTableFromBytes: a workbook of kilobytes whose shared strings inflate past 64 MB is "
    "refused with the default bounds",
    "[table_reader][xlsx][bounds]") {
  TempDir dir;
  std::string bytes = ReadBytes(WriteWorkbook(dir, Repetitive(70000, 1000)));
  CHECK(bytes.size() < 1000000);
  auto table = tp::registry::OpenTableInPlace(bytes, "上传.xlsx");
  REQUIRE_FALSE(table.ok());
  CHECK(table.status().code() == tp::StatusCode::kInvalidArgument);
  CHECK(table.status().message().find(
            "文件「上传.xlsx」的 xl/sharedStrings.xml 解压后超过 64 MB") == 0);
}

// ---- Malformed input --------------------------------------------------------

namespace {

// Reads a table to its end; true when it was read, false when refused.
bool ReadOrRefuse(tp::StatusOr<std::unique_ptr<TableReader>> table) {
  if (!table.ok()) {
    CHECK_FALSE(table.status().message().empty());
    return false;
  }
  Cells cells;
  long row = 0, last = 0;
  while (true) {
    auto more = (*table)->Next(&cells, &row);
    if (!more.ok()) return false;
    if (!*more) return true;
    CHECK(row > last);  // row numbers only go forward
    last = row;
  }
}

std::string Mutate(std::string text, std::mt19937& random) {
  std::uniform_int_distribution<int> kind(0, 3);
  int edits = 1 + static_cast<int>(random() % 4);
  for (int i = 0; i < edits && !text.empty(); ++i) {
    std::size_t at = random() % text.size();
    std::size_t length = std::min<std::size_t>(random() % 16, text.size() - at);
    switch (kind(random)) {
      case 0: text[at] = static_cast<char>(random()); break;
      case 1: text.erase(at, length); break;
      case 2: text.insert(at, text.substr(at, length)); break;
      default: {
        static const char* const kPieces[] = {
            "<",   ">",           "\"",      "&",    "</c>", "<row>", "<c r=\"ZZZZ9\">",
            "<v>", "99999999999", "t=\"s\"", "\xE5", ";"};
        text.insert(at, kPieces[random() % std::size(kPieces)]);
      }
    }
  }
  return text;
}

}  // namespace

TEST_CASE("OpenTable: mutated workbooks and CSV files are read or refused, never crash",
          "[table_reader][xlsx][csv]") {
  TempDir dir;
  std::mt19937 random(20241117);
  Workbook book;
  book.first_sheet = Sheet(
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" "
      "t=\"inlineStr\"><is><t>日期</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c><c r=\"B2\" s=\"1\"><v>45000</v></c></row>"
      "<row r=\"5\"><c r=\"C5\" t=\"b\"><v>1</v></c><c "
      "r=\"D5\"><v>4.50103199001011E+17</v></c></row>");
  book.shared_strings = "<si><t>姓名</t></si><si><r><t>覃</t></r><r><t>超勇</t></r></si>";
  book.styles =
      "<numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;\"/></numFmts>"
      "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/></cellXfs>";
  REQUIRE(ReadOrRefuse(OpenTable(WriteWorkbook(dir, book))));

  int refused = 0;
  for (int i = 0; i < 400; ++i) {
    Workbook mutated = book;
    std::string* part = i % 4 == 0   ? &mutated.shared_strings
                        : i % 4 == 1 ? &mutated.styles
                                     : &mutated.first_sheet;
    *part = Mutate(*part, random);
    refused += !ReadOrRefuse(OpenTable(WriteWorkbook(dir, mutated, "m.xlsx")));
  }
  // Mutations that break the XML are refused, a few survive as other data.
  CHECK(refused > 100);

  std::string archive = ReadBytes(WriteWorkbook(dir, book));
  for (int i = 0; i < 300; ++i) {
    ReadOrRefuse(OpenTableFromBytes(Mutate(archive, random), "m.xlsx"));
  }

  std::string alphabet = ",\"\r\n\t ab\xE5\xA7\x93\xC3";
  alphabet += '\0';
  for (int i = 0; i < 500; ++i) {
    std::string csv;
    std::size_t length = random() % 200;
    for (std::size_t j = 0; j < length; ++j) csv += alphabet[random() % alphabet.size()];
    ReadOrRefuse(OpenTableFromBytes(csv, "m.csv"));
  }
}
