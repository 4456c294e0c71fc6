// The invariants every table the readers open must keep, for csv_fuzz and xlsx_fuzz: a header
// without trailing empty cells, records at least as wide as the header, row numbers after the
// header's and (for text, which is read in order) strictly increasing, no record entirely blank,
// and no more records than Excel has rows. ReadAll stops at the first error, which must carry a
// message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "registry/tables/table_reader.h"

namespace tp::fuzz {

inline bool BlankCell(std::string_view cell) {
  // ASCII blanks and the code points the reader treats as padding (NBSP, ideographic space,
  // BOM, zero-width space), as their UTF-8 bytes.
  static constexpr std::string_view kPads[] = {"\xC2\xA0", "\xE3\x80\x80", "\xEF\xBB\xBF",
                                               "\xE2\x80\x8B"};
  std::size_t i = 0;
  while (i < cell.size()) {
    char c = cell[i];
    if (c == ' ' || (c >= '\t' && c <= '\r')) {
      ++i;
      continue;
    }
    bool pad = false;
    for (std::string_view p : kPads) {
      if (cell.substr(i, p.size()) == p) {
        i += p.size();
        pad = true;
        break;
      }
    }
    if (!pad) return false;
  }
  return true;
}

inline void CheckTable(registry::TableReader& table, bool rows_in_order, std::string_view context) {
  const std::vector<std::string>& header = table.Header();
  TP_FUZZ_CHECK(header.empty() || !header.back().empty(), context);
  TP_FUZZ_CHECK(table.HeaderRowNumber() >= 1, context);
  std::vector<std::string> cells;
  long row = 0, previous = table.HeaderRowNumber(), records = 0;
  while (true) {
    auto more = table.Next(&cells, &row);
    if (!more.ok()) {
      TP_FUZZ_CHECK(!more.status().message().empty(), context);
      return;
    }
    if (!*more) return;
    ++records;
    TP_FUZZ_CHECK(records <= registry::table_internal::kMaxRows, context);
    TP_FUZZ_CHECK(cells.size() >= header.size(), context);
    TP_FUZZ_CHECK(row >= 1 && row <= registry::table_internal::kMaxRows, std::to_string(row));
    if (rows_in_order)
      TP_FUZZ_CHECK(row > previous, std::to_string(previous) + " then " + std::to_string(row));
    previous = row;
    bool all_blank = true;
    for (const std::string& cell : cells) {
      TP_FUZZ_CHECK(cell.size() <= registry::table_internal::kMaxCellBytes, context);
      all_blank = all_blank && BlankCell(cell);
    }
    TP_FUZZ_CHECK(!all_blank, context);
  }
}

}  // namespace tp::fuzz
