// Delimited text through the table reader, in each encoding it tells apart. The first byte picks
// how the rest is presented: as it is (UTF-8 or, when that fails, GB18030), behind a UTF-8,
// UTF-16LE or UTF-16BE byte order mark, with or without the import's known column names (which
// make the reader look for the header below title rows), from memory or from a file (the
// streamed path). Checks: the format named agrees with the mark, and the table invariants of
// table_checks.h; ReplaceInvalidUtf8 leaves valid UTF-8 that it then leaves alone.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "registry/tables/table_reader.h"
#include "table_checks.h"

namespace {

const tp::registry::TableOptions& ImportColumns() {
  static const tp::registry::TableOptions options = [] {
    tp::registry::TableOptions o;
    o.known_columns = {"编号",     "姓名", "性别",     "民族",     "出生日期", "身份证号",
                       "工作单位", "职务", "技术职称", "推荐单位", "人才类别"};
    return o;
  }();
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tp::registry;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::string repaired = body;
  ReplaceInvalidUtf8(&repaired);
  TP_FUZZ_CHECK(tp::fuzz::IsUtf8(repaired), body);
  TP_FUZZ_CHECK(!ReplaceInvalidUtf8(&repaired), body);

  static constexpr std::string_view kMarks[] = {"", "\xEF\xBB\xBF", "\xFF\xFE", "\xFE\xFF"};
  static constexpr std::string_view kFormats[] = {"", "csv-utf8", "csv-utf16le", "csv-utf16be"};
  const unsigned mark = mode & 3;
  std::string bytes = std::string(kMarks[mark]) + body;
  const TableOptions no_columns;
  const TableOptions& options = (mode & 4) ? ImportColumns() : no_columns;

  tp::StatusOr<std::unique_ptr<TableReader>> table = tp::InvalidArgument("not opened");
  if (mode & 8) {
    static tp::testing::TempDir dir;
    const std::string path = dir / "fuzz.csv";
    tp::testing::WriteFileBytes(path, bytes);
    table = OpenTable(path, options);
  } else {
    table = OpenTableFromBytes(bytes, "fuzz.csv", options);
  }
  if (!table.ok()) {
    TP_FUZZ_CHECK(table.status().message().find("fuzz.csv") != std::string::npos,
                  table.status().message());
    return 0;
  }
  const std::string_view format = (*table)->Format();
  // Without a mark of ours the text may bring its own, or be a zip.
  if (mark != 0) {
    TP_FUZZ_CHECK(format == kFormats[mark], format);
  } else {
    TP_FUZZ_CHECK(format.starts_with("csv-") || format == "xlsx", format);
  }
  tp::fuzz::CheckTable(**table, format != "xlsx", format);
  return 0;
}
