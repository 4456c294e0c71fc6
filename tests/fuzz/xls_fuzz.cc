// Excel 97-2003 workbooks (.xls) through the table reader: the compound file and its BIFF
// records are FreeXL's to parse, in a child process running the talentpool binary, and the
// frames it sends back, the cell text and the table logic ours. The first byte picks
// how the rest, a whole file (bytes of real workbooks, mutated), is opened: bit 0 from disk
// instead of memory, bit 1 with the import's column names. Checks: an opened table keeps the
// invariants of table_checks.h; a refusal has a message and is never an internal error but for
// the temporary copy, and no temporary copy outlives its reader.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "registry/tables/table_reader.h"
#include "table_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tp::registry;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Every input reads as a compound file, so that the mutations reach FreeXL.
  const std::string_view magic("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  if (bytes.compare(0, magic.size(), magic) != 0) bytes.insert(0, magic);
  static tp::testing::TempDir dir;
  static const std::string scratch = [] {
    std::string path = dir / "tmp";
    std::filesystem::create_directory(path);
    setenv("TMPDIR", path.c_str(), 1);
    return path;
  }();
  TableOptions options;
  if (mode & 2) options.known_columns = {"姓名", "性别", "出生年月", "身份证号", "工作单位"};
  {
    tp::StatusOr<std::unique_ptr<TableReader>> table = tp::InvalidArgument("not opened");
    if (mode & 1) {
      const std::string path = dir / "fuzz.xls";
      tp::testing::WriteFileBytes(path, bytes);
      table = OpenTable(path, options);
    } else {
      table = OpenTableFromBytes(bytes, "fuzz.xls", options);
    }
    if (!table.ok()) {
      TP_FUZZ_CHECK(!table.status().message().empty(), bytes);
    } else {
      TP_FUZZ_CHECK((*table)->Format() == "xls", (*table)->Format());
      tp::fuzz::CheckTable(**table, true, "xls");
    }
  }
  TP_FUZZ_CHECK(std::filesystem::is_empty(scratch), "a temporary copy was left behind");
  return 0;
}
