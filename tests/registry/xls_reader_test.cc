// Excel 97-2003 (.xls) workbooks through OpenTable, parsed by FreeXL in a child
// process. The workbooks are made by the tests with Debian's python3-xlwt, a
// BIFF8 writer independent of the reader (scripts/install-deps.sh test
// installs it).
#include <stdlib.h>

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

// .xls files are parsed by a child running the talentpool binary.
const bool kChildSet = (tp::registry::SetXlsReaderBinary(TALENTPOOL_BINARY), true);

namespace fs = std::filesystem;
using tp::registry::OpenTable;
using tp::registry::OpenTableFromBytes;
using tp::registry::TableOptions;
using tp::registry::TableReader;
using Cells = std::vector<std::string>;

using tp::testing::ReadFileBytes;
using tp::testing::TempDir;

// Runs `body` (Python, with `xlwt` imported and `out` the path to save to).
void MakeXls(const TempDir& dir, const std::string& out, const std::string& body) {
  tp::testing::RunPythonWriter(dir, "datetime, xlwt", body, out);
}

// A 汇总表 as an older office saves it: a merged title row, a header with
// padded labels, text, numbers typed as numbers, a date, a blank row.
constexpr const char* kSummarySheet = R"py(
book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("汇总表")
sheet.write_merge(0, 0, 0, 5, "推荐学员汇总表")
for column, label in enumerate(["序号", "姓　名", "性别", "出生年月", "手机", "工作单位及职务"]):
    sheet.write(2, column, label)
date = xlwt.easyxf(num_format_str="yyyy-mm-dd")
sheet.write(3, 0, 1)
sheet.write(3, 1, "黄明辉")
sheet.write(3, 2, "男")
sheet.write(3, 3, datetime.date(1983, 5, 1), date)
sheet.write(3, 4, 13920511341)
sheet.write(3, 5, "广西大学 教授")
sheet.write(5, 0, 2.5)
sheet.write(5, 1, "韋嶽")
sheet.write(5, 4, "0771-1234567")
book.add_sheet("说明").write(0, 0, "第二个工作表不读")
book.save(out)
)py";

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

TEST_CASE("OpenTable: an .xls workbook is read from its first sheet as Excel shows it",
          "[table_reader][xls]") {
  TempDir dir;
  std::string path = dir / "汇总表.xls";
  MakeXls(dir, path, kSummarySheet);

  TableOptions options;
  options.known_columns = {"姓名", "性别", "出生年月"};
  auto table = OpenTable(path, options);
  REQUIRE(table.ok());
  CHECK((*table)->Format() == "xls");
  CHECK((*table)->Header() == Cells{"序号", "姓名", "性别", "出生年月", "手机", "工作单位及职务"});
  CHECK((*table)->HeaderRowNumber() == 3);
  auto rows = ReadAll(**table);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].first == 4);
  CHECK(rows[0].second == Cells{"1", "黄明辉", "男", "1983-05-01", "13920511341", "广西大学 教授"});
  CHECK(rows[1].first == 6);  // the blank row 5 is skipped, numbers kept
  CHECK(rows[1].second == Cells{"2.5", "韋嶽", "", "", "0771-1234567", ""});
}

TEST_CASE("OpenTableFromBytes: an uploaded .xls is read and leaves no copy behind",
          "[table_reader][xls]") {
  TempDir dir;
  std::string path = dir / "upload.xls";
  MakeXls(dir, path, kSummarySheet);
  std::string bytes = ReadFileBytes(path);

  std::string scratch = dir / "tmp";
  fs::create_directory(scratch);
  // TMPDIR points at `scratch` for this test only, whatever it ends by.
  struct TmpdirAt {
    std::string previous;
    explicit TmpdirAt(const std::string& folder) {
      if (const char* now = std::getenv("TMPDIR")) previous = now;
      setenv("TMPDIR", folder.c_str(), 1);
    }
    ~TmpdirAt() {
      if (previous.empty()) {
        unsetenv("TMPDIR");
      } else {
        setenv("TMPDIR", previous.c_str(), 1);
      }
    }
  } tmpdir(scratch);
  {
    TableOptions options;
    options.known_columns = {"姓名", "性别"};
    auto table = OpenTableFromBytes(bytes, "单位报送.xls", options);
    REQUIRE(table.ok());
    CHECK((*table)->Header()[1] == "姓名");
    CHECK(ReadAll(**table).size() == 2);
  }
  CHECK(fs::directory_iterator(scratch) == fs::directory_iterator());
}

TEST_CASE("OpenTable: a damaged .xls is refused naming the file, never read half",
          "[table_reader][xls]") {
  TempDir dir;
  std::string path = dir / "good.xls";
  MakeXls(dir, path, kSummarySheet);
  std::string bytes = ReadFileBytes(path);

  // Cut short: the compound file's sectors are missing.
  auto cut = OpenTableFromBytes(bytes.substr(0, bytes.size() / 3), "残缺.xls");
  REQUIRE_FALSE(cut.ok());
  INFO(cut.status().message());
  CHECK(cut.status().code() == tp::StatusCode::kInvalidArgument);
  CHECK(cut.status().message().find("残缺.xls") != std::string::npos);
  CHECK(cut.status().message().find(".xlsx") != std::string::npos);  // the way out

  // A compound-file header with nothing behind it (what an encrypted XLSX
  // or a stray Office file starts with).
  auto empty = OpenTableFromBytes(bytes.substr(0, 512) + std::string(4096, '\0'), "空.xls");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().message().find("空.xls") != std::string::npos);
}

TEST_CASE("OpenTable: an .xls past the size bound is refused before it is parsed",
          "[table_reader][xls]") {
  std::string bytes = std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  bytes.resize((std::size_t{64} << 20) + 1, '\0');
  auto table = OpenTableFromBytes(bytes, "巨大.xls");
  REQUIRE_FALSE(table.ok());
  CHECK(table.status().message().find("64 MB") != std::string::npos);
}

}  // namespace

namespace {

std::string SourceFile(const std::string& relative) {
  return ReadFileBytes(std::string(TALENTPOOL_SOURCE_ROOT) + "/" + relative);
}

TEST_CASE("OpenTable: a .xls that breaks FreeXL harms only its child process",
          "[table_reader][xls][fuzz]") {
  // xls_fuzz: this workbook makes FreeXL read before a stack buffer while it
  // converts text (AddressSanitizer: stack-buffer-underflow in iconv). Whatever
  // the child does with it, the answer comes back here.
  std::string bytes = SourceFile("tests/fuzz/corpus/xls/freexl_iconv_stack_underflow").substr(1);
  REQUIRE(bytes.size() > 512);
  auto table = OpenTableFromBytes(bytes, "crafted.xls");
  if (table.ok()) {
    Cells cells;
    long row = 0;
    while (true) {
      auto more = (*table)->Next(&cells, &row);
      if (!more.ok() || !*more) break;
    }
  } else {
    CHECK(table.status().message().find("crafted.xls") != std::string::npos);
  }
}

TEST_CASE("OpenTable: a child that dies or answers nonsense makes the .xls damaged, nothing else",
          "[table_reader][xls]") {
  TempDir dir;
  std::string path = dir / "good.xls";
  MakeXls(dir, path, kSummarySheet);
  for (const char* helper : {"/bin/false", "/bin/echo"}) {
    INFO(helper);
    tp::registry::SetXlsReaderBinary(helper);
    auto table = OpenTable(path);
    tp::registry::SetXlsReaderBinary(TALENTPOOL_BINARY);
    REQUIRE_FALSE(table.ok());
    CHECK(table.status().code() == tp::StatusCode::kInvalidArgument);
    CHECK(table.status().message().find("good.xls") != std::string::npos);
    CHECK(table.status().message().find("已损坏") != std::string::npos);
  }
  CHECK(OpenTable(path).ok());
}

}  // namespace
