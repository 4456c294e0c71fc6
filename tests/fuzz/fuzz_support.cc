#include "fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "indexer/store_change_source.h"
#include "registry/base/paths.h"
#include "registry/fields/text.h"
#include "registry/import/demo_data.h"
#include "registry/import/importer.h"
#include "registry/tables/table_reader.h"

namespace tp::fuzz {
namespace {

// An .xls met by any target is parsed in a child running the talentpool binary built beside
// the targets, as the server runs itself (table_reader.h).
const bool kXlsChildSet = (registry::SetXlsReaderBinary(TALENTPOOL_BINARY), true);

[[noreturn]] void SetupFailed(std::string_view what, const Status& status) {
  std::fprintf(stderr, "fuzz setup failed: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               status.message().c_str());
  std::abort();
}

}  // namespace

void Fail(std::string_view what, std::string_view detail) {
  std::string shown;
  for (unsigned char c : detail.substr(0, 2000)) {
    if (c == '\\') {
      shown += "\\\\";
    } else if (c < 0x20 || c == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      shown += hex;
    } else {
      shown += static_cast<char>(c);  // UTF-8 stays readable
    }
  }
  std::fprintf(stderr, "invariant failed: %.*s\n  detail: %s\n", static_cast<int>(what.size()),
               what.data(), shown.c_str());
  std::abort();
}

const registry::ReferenceData& Reference() {
  static const registry::ReferenceData* reference = [] {
    auto loaded = registry::ReferenceData::Load(registry::DataDir());
    if (!loaded.ok()) SetupFailed("reference tables", loaded.status());
    return new registry::ReferenceData(std::move(*loaded));  // lives until exit, on purpose
  }();
  return *reference;
}

SharedRegistry& Registry() {
  // Destroyed at exit, which removes the temp dir (a crashing run leaves it behind).
  static std::unique_ptr<SharedRegistry> shared = [] {
    auto registry = std::make_unique<SharedRegistry>();
    auto store = registry::Store::Create(registry->dir / "registry");
    if (!store.ok()) SetupFailed("store", store.status());
    registry->store = std::move(*store);

    registry::DemoOptions options;
    options.persons = 40;
    std::ostringstream csv;
    Status written = registry::WriteDemoCsv(options, registry::DataDir(), csv);
    if (!written.ok()) SetupFailed("demo rows", written);
    auto table = registry::OpenTableFromBytes(csv.str(), "demo.csv");
    if (!table.ok()) SetupFailed("demo table", table.status());
    auto report = registry::ImportTable(*registry->store, **table, Reference(), {});
    if (!report.ok()) SetupFailed("demo import", report.status());

    auto reread = registry::OpenTableFromBytes(csv.str(), "demo.csv");
    if (!reread.ok()) SetupFailed("demo table", reread.status());
    std::size_t id_column = 0;
    while (id_column < (*reread)->Header().size() && (*reread)->Header()[id_column] != "身份证号")
      ++id_column;
    std::vector<std::string> cells;
    long row = 0;
    while (true) {
      auto more = (*reread)->Next(&cells, &row);
      if (!more.ok()) SetupFailed("demo table", more.status());
      if (!*more) break;
      if (id_column < cells.size()) registry->id_numbers.push_back(cells[id_column]);
    }

    auto index = indexer::SearchIndex::Open(registry->dir / "index");
    if (!index.ok()) SetupFailed("index", index.status());
    registry->index = std::move(*index);
    indexer::StoreChangeSource source(*registry->store);
    auto caught_up = registry->index->CatchUp(source);
    if (!caught_up.ok()) SetupFailed("index catch-up", caught_up.status());
    return registry;
  }();
  return *shared;
}

bool IsUtf8(std::string_view text) { return registry::IsValidUtf8(text); }

}  // namespace tp::fuzz
