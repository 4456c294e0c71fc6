// What the fuzz targets share: a failed invariant that libFuzzer sees as a crash (it prints the
// check and aborts, so the input is saved), the talentpool binary as the child that parses .xls,
// the reference tables loaded once, a fixed "today" so every run judges dates alike, and a small
// registry (40 demo people, imported and indexed in a temp dir on first use, removed at exit) for
// the targets that need a store or an index. Setup failures abort at once: a target that cannot
// start must not pass silently.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/search_index.h"
#include "registry/fields/dates.h"
#include "registry/fields/reference_data.h"
#include "registry/store/store.h"
#include "support/temp_dir.h"

namespace tp::fuzz {

// Prints "invariant failed: <what>" with `detail` (escaped, so bytes show) and aborts.
[[noreturn]] void Fail(std::string_view what, std::string_view detail = {});

#define TP_FUZZ_CHECK(condition, detail)                      \
  do {                                                        \
    if (!(condition)) ::tp::fuzz::Fail(#condition, (detail)); \
  } while (false)

// The reference tables of data/, loaded on first call.
const registry::ReferenceData& Reference();

// Dates are judged against this day, not the clock, so a crash reproduces on any later day.
inline constexpr registry::PartialDate kToday{2025, 6, 1};

struct SharedRegistry {
  testing::TempDir dir;
  std::unique_ptr<registry::Store> store;
  std::unique_ptr<indexer::SearchIndex> index;
  std::vector<std::string> id_numbers;  // the 18-character ID numbers of the people stored
};

// Built on first call (Store::Create, a demo import, a catch-up of the index).
SharedRegistry& Registry();

// Whether `text` is valid UTF-8.
bool IsUtf8(std::string_view text);

}  // namespace tp::fuzz
