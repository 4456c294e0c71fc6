// Bulk import of pool records from a CSV or XLSX file (CONTRACT.md, `talentpool
// import`). Rows are validated one by one; good rows are written in batches,
// one transaction per batch, so a crash loses nothing that was reported
// loaded; a bad row is reported with its row number, field and reason and
// never stops the rest. Re-importing a row updates the stored record (matched
// by 编号, else by ID number) and never duplicates it. A masked ID number or
// phone (4501**********0023, as an export without reveal writes them) means
// "unchanged", as an empty cell does.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "registry/base/status.h"
#include "registry/fields/reference_data.h"
#include "registry/store/store.h"
#include "registry/tables/table_reader.h"

namespace tp::registry {

// A stored person a row may stand for (same name once folded, birth date, a similar unit).
struct SamePersonCandidate {
  std::string public_id;
  std::string name;
  std::string birth_date;
  std::string unit_name;
};

// A row held back, unwritten: it has neither 编号 nor 身份证号 (a 汇总表 as seed 001's) and may
// be a person already stored. Importing it again with the row confirmed writes it.
struct HeldRow {
  long row = 0;
  std::string name;
  std::string birth_date;
  std::string unit_name;
  std::vector<SamePersonCandidate> candidates;
};

struct ImportOptions {
  // Rows per transaction. An import inserts into the person indexes at random places, and each
  // commit writes every index page it changed (once to the WAL, once more at the checkpoint):
  // larger batches change each page once for more rows. 1,000,000 rows import in about half
  // the time of batches of 5,000 (tests/bench/import_bench).
  int batch_size = 50000;
  // Called for each rejected row's errors as soon as they are known.
  std::function<void(const std::vector<FieldError>&)> on_rejected;
  // Called after each committed batch with the rows committed so far.
  std::function<void(long committed)> on_progress;

  // The stored people a row without 编号 and 身份证号 may be. When set, such a row with any
  // candidate is held (on_held), unless confirmed below; when empty, every such row is new.
  std::function<StatusOr<std::vector<SamePersonCandidate>>(const Person&)> find_same_person;
  std::function<void(const HeldRow&)> on_held;
  // Confirmations, by row number: the row is this stored person (one of its candidates) and
  // updates it; or the row is another person and is added.
  std::map<long, std::string> same_person;
  std::set<long> new_person;
};

struct ImportReport {
  long imported = 0;  // rows committed (inserted + updated + unchanged)
  long inserted = 0;
  long updated = 0;
  long unchanged = 0;  // rows that matched a stored person holding every value already
  long rejected = 0;
  long held = 0;  // rows held for confirmation (HeldRow), not written
  // Confirmed rows (ImportOptions::same_person, new_person) that held nothing: no such row, or
  // one with 编号 or 身份证号, or one that was rejected.
  std::vector<long> unused_confirmations;
  std::vector<std::string> ignored_columns;  // header cells that name no field
  std::string format;                        // what the reader detected
};

// How a file to import is opened: its header row found by the canonical columns (validate.h).
TableOptions ImportTableOptions();

// Reads `reader` to the end. A non-ok result means the file as a whole could
// not be used (no 姓名 column, a read error, a failed commit); the report's
// counts up to that point are lost only for the batch that failed.
StatusOr<ImportReport> ImportTable(Store& store, TableReader& reader, const ReferenceData& ref,
                                   const ImportOptions& options);

}  // namespace tp::registry
