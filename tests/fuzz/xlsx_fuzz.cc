// XLSX workbooks through the table reader. The first byte picks the shape of the rest: as a whole
// file (bytes of a real workbook, mutated: the zip layer, from memory or from disk), or as the
// XML parts of a workbook separated by NUL bytes — package relationships, workbook, workbook
// relationships, first sheet, shared strings, styles — stored uncompressed in a fresh zip, so
// mutations reach the XML readers (expat and our handlers) instead of dying in the inflater.
// Checks: an opened workbook says "xlsx" and keeps the table invariants of table_checks.h.
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "registry/tables/table_reader.h"
#include "table_checks.h"

namespace {

constexpr const char* kParts[] = {"_rels/.rels",
                                  "xl/workbook.xml",
                                  "xl/_rels/workbook.xml.rels",
                                  "xl/worksheets/sheet1.xml",
                                  "xl/sharedStrings.xml",
                                  "xl/styles.xml"};

// Writes the parts into a zip at `path` without compression; false when libzip refuses.
bool WriteParts(const std::string& path, std::string_view parts) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (zip == nullptr) return false;
  std::size_t begin = 0;
  for (const char* name : kParts) {
    if (begin > parts.size()) break;
    std::size_t end = parts.find('\0', begin);
    if (end == std::string_view::npos) end = parts.size();
    std::string_view content = parts.substr(begin, end - begin);
    begin = end + 1;
    if (content.empty()) continue;
    // libzip copies nothing: the bytes must live until zip_close, and `parts` does.
    zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
    if (source == nullptr) break;
    zip_int64_t index = zip_file_add(zip, name, source, ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(source);
      break;
    }
    zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
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
  const std::string path = dir / "fuzz.xlsx";

  tp::StatusOr<std::unique_ptr<TableReader>> table = tp::InvalidArgument("not opened");
  TableOptions options;
  if (mode & 2) options.known_columns = {"姓名", "性别", "出生日期", "身份证号", "工作单位"};
  switch (mode & 1 ? 2 : (mode & 4 ? 1 : 0)) {
    case 0: table = OpenTableFromBytes(std::string(rest), "fuzz.xlsx", options); break;
    case 1:
      tp::testing::WriteFileBytes(path, std::string(rest));
      table = OpenTable(path, options);
      break;
    default:
      if (!WriteParts(path, rest)) return 0;
      table = OpenTable(path, options);
      break;
  }
  if (!table.ok()) {
    TP_FUZZ_CHECK(!table.status().message().empty(), rest);
    TP_FUZZ_CHECK(table.status().code() != tp::StatusCode::kInternal, table.status().message());
    return 0;
  }
  // Structured inputs are always a zip, so always a workbook; whole files may be text.
  if (mode & 1) TP_FUZZ_CHECK((*table)->Format() == "xlsx", (*table)->Format());
  tp::fuzz::CheckTable(**table, (*table)->Format() != "xlsx", (*table)->Format());
  return 0;
}
