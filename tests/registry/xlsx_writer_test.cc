#include "registry/tables/xlsx_writer.h"

#include <stdlib.h>
#include <zip.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "registry/tables/table_reader.h"

namespace {

namespace fs = std::filesystem;
using tp::registry::OpenTable;
using tp::registry::TableReader;
using tp::registry::XlsxWriter;
using tp::registry::XlsxWriterOptions;
using Cells = std::vector<std::string>;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "xlsx-writer-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
};

std::unique_ptr<XlsxWriter> Create(const std::string& path, XlsxWriterOptions options = {}) {
  auto writer = XlsxWriter::Create(path, options);
  INFO(writer.status().ToString());
  REQUIRE(writer.ok());
  return std::move(writer).value();
}

// One part of a written workbook, as Excel would unpack it.
std::string ReadPart(const std::string& path, const std::string& name) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_RDONLY, &error);
  REQUIRE(zip);
  zip_stat_t stat;
  REQUIRE(zip_stat(zip, name.c_str(), 0, &stat) == 0);
  std::string text(stat.size, '\0');
  zip_file_t* file = zip_fopen(zip, name.c_str(), 0);
  REQUIRE(file);
  REQUIRE(zip_fread(file, text.data(), stat.size) == static_cast<zip_int64_t>(stat.size));
  zip_fclose(file);
  zip_discard(zip);
  return text;
}

struct ReadBack {
  Cells header;
  std::vector<Cells> rows;
};

ReadBack Read(const std::string& path) {
  auto table = OpenTable(path);
  INFO(table.status().ToString());
  REQUIRE(table.ok());
  ReadBack out{(*table)->Header(), {}};
  Cells cells;
  long row = 0;
  while (true) {
    auto more = (*table)->Next(&cells, &row);
    REQUIRE(more.ok());
    if (!*more) break;
    out.rows.push_back(cells);
  }
  return out;
}

const Cells kHeader = {"编号", "姓名", "身份证号", "主要经历"};
const std::vector<Cells> kRows = {
    {"P0000001", "覃超勇", "450103199001011234", "2008 年毕业\n2012 年博士"},
    {"007", "单仁", "11010519491231002X", ""},
};

}  // namespace

TEST_CASE("XlsxWriter: rows written are read back exactly, IDs and leading zeros kept",
          "[xlsx_writer]") {
  for (bool constant_memory : {false, true}) {
    DYNAMIC_SECTION((constant_memory ? "constant memory" : "shared strings")) {
      TempDir dir;
      std::string path = dir.File("export.xlsx");
      auto writer = Create(path, XlsxWriterOptions{constant_memory});
      REQUIRE(writer->AddSheet("名单").ok());
      REQUIRE(writer->WriteHeader(kHeader).ok());
      for (const Cells& row : kRows) REQUIRE(writer->WriteRow(row).ok());
      REQUIRE(writer->Close().ok());

      ReadBack back = Read(path);
      CHECK(back.header == kHeader);
      CHECK(back.rows == kRows);
      // The mode really differs: inline strings instead of a shared table.
      std::string sheet = ReadPart(path, "xl/worksheets/sheet1.xml");
      CHECK((sheet.find("t=\"inlineStr\"") != std::string::npos) == constant_memory);
      CHECK((sheet.find("t=\"s\"") != std::string::npos) == !constant_memory);
    }
  }
}

TEST_CASE("XlsxWriter: the header is bold and frozen, with filter and Chinese-wide columns",
          "[xlsx_writer]") {
  TempDir dir;
  std::string path = dir.File("layout.xlsx");
  auto writer = Create(path);
  REQUIRE(writer->WriteHeader(kHeader).ok());
  for (const Cells& row : kRows) REQUIRE(writer->WriteRow(row).ok());
  REQUIRE(writer->Close().ok());

  std::string sheet = ReadPart(path, "xl/worksheets/sheet1.xml");
  CHECK(sheet.find("ySplit=\"1\"") != std::string::npos);
  CHECK(sheet.find("state=\"frozen\"") != std::string::npos);
  CHECK(sheet.find("<autoFilter ref=\"A1:D3\"") != std::string::npos);
  CHECK(ReadPart(path, "xl/styles.xml").find("<b/>") != std::string::npos);
  CHECK(ReadPart(path, "xl/workbook.xml").find("name=\"Sheet1\"") != std::string::npos);

  // Widths: 身份证号 holds 18 narrow digits; 主要经历's first line
  // "2008 年毕业" is 5 narrow + 3 wide = 11 columns; 姓名 holds three wide
  // characters, under the minimum.
  std::smatch m;
  auto width_of = [&](int column) {
    std::regex pattern("<col min=\"" + std::to_string(column) + "\" max=\"" +
                       std::to_string(column) + "\" width=\"([0-9.]+)\"");
    REQUIRE(std::regex_search(sheet, m, pattern));
    return std::stod(m[1]);
  };
  CHECK(width_of(3) > 18);
  CHECK(width_of(3) < 25);
  CHECK(width_of(4) > 11);
  CHECK(width_of(4) < width_of(3));
  CHECK(width_of(2) >= 8);
  CHECK(width_of(2) < 12);
}

TEST_CASE("XlsxWriter: marked cells get Excel's light red fill", "[xlsx_writer]") {
  TempDir dir;
  std::string path = dir.File("errors.xlsx");
  auto writer = Create(path);
  REQUIRE(writer->WriteHeader({"姓名", "身份证号", "错误"}).ok());
  REQUIRE(
      writer->WriteRow({"覃超勇", "450103199001011235", "身份证号：校验码错误，应为 4"}, {1}).ok());
  REQUIRE(writer->WriteRow({"", "", "姓名：不能为空"}, {0}).ok());
  REQUIRE(writer->Close().ok());

  CHECK(ReadPart(path, "xl/styles.xml").find("FFFFC7CE") != std::string::npos);
  std::string sheet = ReadPart(path, "xl/worksheets/sheet1.xml");
  std::smatch m;
  REQUIRE(std::regex_search(sheet, m, std::regex("<c r=\"B2\" s=\"([0-9]+)\"")));
  std::string marked_style = m[1];
  CHECK(std::regex_search(sheet, std::regex("<c r=\"A3\" s=\"" + marked_style + "\"/>")));
  // Unmarked cells stay plain.
  CHECK(sheet.find("<c r=\"A2\" t=\"s\"><v>") != std::string::npos);
  ReadBack back = Read(path);
  CHECK(back.rows.at(0).at(1) == "450103199001011235");
}

TEST_CASE("XlsxWriter: sheet names are made acceptable to Excel and must be unique",
          "[xlsx_writer]") {
  TempDir dir;
  std::string path = dir.File("sheets.xlsx");
  auto writer = Create(path);
  REQUIRE(writer->AddSheet("2024/名单[第1批]").ok());
  REQUIRE(writer->WriteHeader({"姓名"}).ok());
  REQUIRE(writer->WriteRow({"第一张"}).ok());
  REQUIRE(
      writer->AddSheet("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十超出").ok());
  REQUIRE(writer->WriteRow({"第二张"}).ok());
  auto duplicate = writer->AddSheet("2024_名单_第1批_");
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.message().find("重复") != std::string::npos);
  REQUIRE(writer->Close().ok());

  std::string workbook = ReadPart(path, "xl/workbook.xml");
  CHECK(workbook.find("name=\"2024_名单_第1批_\"") != std::string::npos);
  CHECK(workbook.find("name=\"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十超\"") !=
        std::string::npos);
  // A reader takes the first sheet, or the one asked for, and says when there is no such sheet.
  CHECK(Read(path).rows == std::vector<Cells>{{"第一张"}});
  tp::registry::TableOptions second;
  second.xlsx_sheet = 1;
  auto table = OpenTable(path, second);
  REQUIRE(table.ok());
  CHECK((*table)->Header() == Cells{"第二张"});
  second.xlsx_sheet = 2;
  auto none = OpenTable(path, second);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().code() == tp::StatusCode::kNotFound);
  CHECK(none.status().message().find("第 3 个工作表") != std::string::npos);
}

TEST_CASE("XlsxWriter: bad text is mended, over-long text cut at Excel's limit", "[xlsx_writer]") {
  TempDir dir;
  std::string path = dir.File("mended.xlsx");
  auto writer = Create(path, XlsxWriterOptions{true});
  REQUIRE(writer->WriteHeader({"备注", "主要成就"}).ok());
  std::string long_text;
  for (int i = 0; i < 33000; ++i) long_text += "奖";
  REQUIRE(writer->WriteRow({"坏\xC3字节", long_text}).ok());
  REQUIRE(writer->Close().ok());
  ReadBack back = Read(path);
  REQUIRE(back.rows.size() == 1);
  CHECK(back.rows[0][0] == "坏\xEF\xBF\xBD字节");
  CHECK(back.rows[0][1].size() == 32767 * 3);
}

TEST_CASE("XlsxWriter: Excel's column limit and a missing folder are errors", "[xlsx_writer]") {
  TempDir dir;
  auto missing = XlsxWriter::Create(dir.File("no/such/folder/x.xlsx"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("no/such/folder/x.xlsx") != std::string::npos);

  auto writer = Create(dir.File("wide.xlsx"));
  CHECK_FALSE(writer->WriteRow(Cells(16385, "x")).ok());
  CHECK(writer->WriteRow(Cells(16384, "x")).ok());
  CHECK(writer->Close().ok());
  CHECK_FALSE(writer->WriteRow({"late"}).ok());
}

TEST_CASE("XlsxWriter: a writer dropped without Close leaves no file behind", "[xlsx_writer]") {
  TempDir dir;
  std::string path = dir.File("abandoned.xlsx");
  {
    auto writer = Create(path);
    REQUIRE(writer->WriteRow({"half"}).ok());
    CHECK(fs::exists(path));
  }
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("WriteXlsxToBytes: returns a workbook that reads back and leaves no temp file",
          "[xlsx_writer]") {
  TempDir dir;
  const char* old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  setenv("TMPDIR", dir.path().c_str(), 1);
  auto bytes = tp::registry::WriteXlsxToBytes([](XlsxWriter& writer) {
    TP_RETURN_IF_ERROR(writer.WriteHeader(kHeader));
    for (const Cells& row : kRows) TP_RETURN_IF_ERROR(writer.WriteRow(row));
    return tp::Status::Ok();
  });
  if (old) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  REQUIRE(bytes.ok());
  CHECK(bytes->substr(0, 4) == std::string("PK\x03\x04", 4));
  CHECK(fs::is_empty(dir.path()));

  auto table = tp::registry::OpenTableFromBytes(std::move(bytes).value(), "导出.xlsx");
  REQUIRE(table.ok());
  CHECK((*table)->Header() == kHeader);

  auto failed = tp::registry::WriteXlsxToBytes(
      [](XlsxWriter&) { return tp::InvalidArgument("没有可导出的记录"); });
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().message() == "没有可导出的记录");
}

TEST_CASE("XlsxWriter: a title block above the header, number cells and print settings",
          "[xlsx_writer]") {
  TempDir dir;
  std::string path = dir.File("printed.xlsx");
  auto writer = Create(path);
  REQUIRE(writer->AddSheet("领军人才班").ok());
  REQUIRE(writer->SetTitle({"2025年专题研修班", "2025-09-01 至 2025-09-05　北京"}).ok());
  REQUIRE(writer->SetNumberColumns({0}).ok());
  tp::registry::XlsxPrintSetup print;
  print.a4_landscape = true;
  print.fit_to_width = true;
  print.repeat_header = true;
  print.print_gridlines = true;
  REQUIRE(writer->SetPrintSetup(print).ok());
  REQUIRE(writer->WriteHeader({"序号", "编号", "姓名"}).ok());
  REQUIRE(writer->WriteRow({"1", "0012", "覃超勇"}).ok());
  REQUIRE(writer->WriteRow({"2", "P0000002", "单仁"}).ok());
  REQUIRE(writer->WriteRow({"共 2 人", "", ""}).ok());
  // A sheet without any of it keeps the plain layout.
  REQUIRE(writer->AddSheet("plain").ok());
  REQUIRE(writer->WriteHeader({"序号"}).ok());
  REQUIRE(writer->WriteRow({"1"}).ok());
  CHECK_FALSE(writer->SetTitle({"too late"}).ok());
  REQUIRE(writer->Close().ok());

  std::string sheet = ReadPart(path, "xl/worksheets/sheet1.xml");
  CHECK(sheet.find("<mergeCell ref=\"A1:C1\"/>") != std::string::npos);
  CHECK(sheet.find("<mergeCell ref=\"A2:C2\"/>") != std::string::npos);
  // The header is row 3: frozen below it, filter from it.
  CHECK(sheet.find("ySplit=\"3\"") != std::string::npos);
  CHECK(sheet.find("<autoFilter ref=\"A3:C6\"") != std::string::npos);
  // 序号 are numbers (no t= attribute); 编号 "0012" and the total line stay text.
  CHECK(std::regex_search(sheet, std::regex("<c r=\"A4\"( s=\"[0-9]+\")?><v>1</v></c>")));
  CHECK(std::regex_search(sheet, std::regex("<c r=\"A5\"( s=\"[0-9]+\")?><v>2</v></c>")));
  CHECK(sheet.find("<c r=\"B4\" t=\"s\">") != std::string::npos);
  CHECK(sheet.find("<c r=\"A6\" t=\"s\">") != std::string::npos);
  // A4 (paper code 9), landscape, one page wide and as tall as needed, gridlines printed.
  CHECK(sheet.find("<pageSetUpPr fitToPage=\"1\"/>") != std::string::npos);
  CHECK(std::regex_search(sheet, std::regex("<pageSetup paperSize=\"9\"[^>]*fitToHeight=\"0\"[^>]*"
                                            "orientation=\"landscape\"")));
  CHECK(sheet.find("<printOptions gridLines=\"1\"/>") != std::string::npos);
  // The header row repeats on every printed page.
  std::string workbook = ReadPart(path, "xl/workbook.xml");
  INFO(workbook);
  CHECK(std::regex_search(workbook, std::regex("<definedName name=\"_xlnm.Print_Titles\" "
                                               "localSheetId=\"0\">'?领军人才班'?!\\$3:\\$3<")));

  std::string plain = ReadPart(path, "xl/worksheets/sheet2.xml");
  CHECK(plain.find("mergeCell") == std::string::npos);
  CHECK(plain.find("pageSetup") == std::string::npos);
  CHECK(plain.find("<c r=\"A2\" t=\"s\">") != std::string::npos);

  // A reader that knows the columns skips the title lines.
  tp::registry::TableOptions options;
  options.known_columns = {"序号", "编号", "姓名"};
  auto table = OpenTable(path, options);
  REQUIRE(table.ok());
  CHECK((*table)->Header() == Cells{"序号", "编号", "姓名"});
  CHECK((*table)->HeaderRowNumber() == 3);
  Cells cells;
  long row = 0;
  REQUIRE(*(*table)->Next(&cells, &row));
  CHECK(cells == Cells{"1", "0012", "覃超勇"});
  CHECK(row == 4);
}
