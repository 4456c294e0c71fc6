// The rows of a workbook a test downloaded, read back with the registry's own table reader.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "registry/tables/table_reader.h"

namespace tp::testing {

// The header (as the reader found it under `options`) and then every row after it.
inline std::vector<std::vector<std::string>> WorkbookRows(
    const std::string& bytes, const registry::TableOptions& options = {}) {
  auto reader = registry::OpenTableFromBytes(bytes, "下载.xlsx", options);
  REQUIRE(reader.ok());
  std::vector<std::vector<std::string>> rows = {(*reader)->Header()};
  std::vector<std::string> cells;
  long row = 0;
  while (true) {
    auto more = (*reader)->Next(&cells, &row);
    REQUIRE(more.ok());
    if (!*more) break;
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace tp::testing
