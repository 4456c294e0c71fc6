// Word documents (.docx) through the table reader. The first byte picks the shape of the rest:
// bit 0 set, it is word/document.xml, stored uncompressed in a fresh zip so that mutations reach
// expat and the table handler rather than the inflater; clear, it is a whole file (bytes of real
// documents, mutated). Bit 1 gives the import's column names, which decide list or form; bit 2
// reads the tables cell by cell instead (ReadDocxTables, the 推荐表 import's reader).
// Checks: a document opened from parts says "docx", and every table keeps the invariants of
// table_checks.h.
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "registry/tables/table_reader.h"
#include "table_checks.h"

namespace {

// Writes `document` as word/document.xml of a zip at `path`; false when libzip refuses.
bool WriteDocument(const std::string& path, std::string_view document) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (zip == nullptr) return false;
  zip_source_t* source = zip_source_buffer(zip, document.data(), document.size(), 0);
  zip_int64_t index =
      source ? zip_file_add(zip, "word/document.xml", source, ZIP_FL_OVERWRITE) : -1;
  if (index < 0) {
    if (source) zip_source_free(source);
    zip_discard(zip);
    return false;
  }
  zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  if (zip_close(zip) != 0) {
    zip_discard(zip);
    return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tp::registry;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  static tp::testing::TempDir dir;
  const std::string path = dir / "fuzz.docx";

  // Bit 2: the tables cell by cell, as the 推荐表 import reads them (ReadDocxTables).
  if (mode & 4) {
    std::string bytes(rest);
    if (mode & 1) {
      if (!WriteDocument(path, rest)) return 0;
      std::ifstream in(path, std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::vector<std::string> cover;
    auto tables = ReadDocxTables(bytes, "fuzz.docx", {}, &cover);
    if (!tables.ok()) {
      TP_FUZZ_CHECK(!tables.status().message().empty(), rest);
      TP_FUZZ_CHECK(tables.status().code() != tp::StatusCode::kInternal, tables.status().message());
      return 0;
    }
    TP_FUZZ_CHECK(cover.size() <= 64, "cover lines past their bound");
    for (const std::string& line : cover) {
      TP_FUZZ_CHECK(!line.empty(), "an empty cover line");
    }
    for (const auto& rows : *tables) {
      for (const auto& cells : rows) {
        TP_FUZZ_CHECK(cells.size() <= table_internal::kMaxColumns, "too many cells");
        for (const std::string& cell : cells) {
          TP_FUZZ_CHECK(cell.size() <= table_internal::kMaxCellBytes, "cell past its bound");
        }
      }
    }
    return 0;
  }

  TableOptions options;
  if (mode & 2) {
    options.known_columns = {"序号",     "姓名",     "性别", "出生日期", "出生年月",
                             "身份证号", "工作单位", "民族", "手机",     "主要成就"};
  }
  tp::StatusOr<std::unique_ptr<TableReader>> table = tp::InvalidArgument("not opened");
  if (mode & 1) {
    if (!WriteDocument(path, rest)) return 0;
    table = OpenTable(path, options);
  } else {
    table = OpenTableFromBytes(std::string(rest), "fuzz.docx", options);
  }
  if (!table.ok()) {
    TP_FUZZ_CHECK(!table.status().message().empty(), rest);
    TP_FUZZ_CHECK(table.status().code() != tp::StatusCode::kInternal, table.status().message());
    return 0;
  }
  if (mode & 1) TP_FUZZ_CHECK((*table)->Format() == "docx", (*table)->Format());
  tp::fuzz::CheckTable(**table, (*table)->Format() == "docx", (*table)->Format());
  return 0;
}
