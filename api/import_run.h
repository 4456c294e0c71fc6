// The import of a table of people, the one use case behind `talentpool import` and
// POST /api/v1/imports: the rows validated and committed in batches (registry/import/
// importer.h), one audit entry naming who imported what, and the search index brought up to
// date with the rows committed.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/search_index.h"
#include "registry/base/status.h"
#include "registry/fields/reference_data.h"
#include "registry/import/importer.h"
#include "registry/store/store.h"
#include "registry/tables/bundle.h"
#include "registry/tables/table_reader.h"

namespace tp::api {

struct ImportPolicy {
  // Who imports: actor, role and address of the audit entry; the rest of it is filled in.
  registry::AuditEntry who;
  // The file's name, named by the audit entry (empty when it has none).
  std::string source;
  // Each rejected row's errors, as soon as they are known. In an archive of files, a file that
  // cannot be read at all is one error of field "文件" and row 0.
  std::function<void(const std::vector<FieldError>&)> on_rejected;
  // In an archive of files, called with each file's name before its rows are read.
  std::function<void(const std::string& file)> on_file;
  // Writes the audit entry; the store's Audit() when empty. The server records it through its
  // audit log, in order with its other entries.
  std::function<Status(registry::AuditEntry)> record_audit;
  // Brings the index up to date once the rows are in; the index's own CatchUp() when empty. The
  // server passes its own, which serialises catch-ups with its follower.
  std::function<Status()> catch_up;
  // An index that holds nobody (a registry loaded for the first time) is built beside the
  // import, following the rows as each batch commits: the import keeps one core busy and the
  // build takes what is left, so the people are searchable soon after the last row.
  bool build_empty_index_beside = false;
  // Rows without 编号 and 身份证号 that may be people already stored are held, each reported
  // here with its candidates, until confirmed (registry/import/importer.h).
  std::function<void(const registry::HeldRow&)> on_held;
  // After each committed batch, with the rows committed so far (of this file, in an archive).
  std::function<void(long committed)> on_progress;
  std::map<long, std::string> same_person;  // row → 编号: confirmed as that stored person
  std::set<long> new_person;                // rows confirmed as other people
};

// Confirmations as the command line and the API take them: `same` lists ROW=编号 (or ROW:编号)
// pairs, `fresh` lists rows, both comma-separated. InvalidArgument naming `same_name` or
// `fresh_name` when one cannot be read.
Status ParseConfirmations(std::string_view same, std::string_view fresh, std::string_view same_name,
                          std::string_view fresh_name, ImportPolicy* policy);

// A held row and its candidates in one line: 第3行「黄明辉」1983-05 广西大学：可能是在库的
// P0000012 黄明辉（1983-05，广西大学）.
std::string DescribeHeld(const registry::HeldRow& held);

struct ImportOutcome {
  registry::ImportReport report;
  Status audited;  // the audit entry's write
  Status indexed;  // the index's build or catch-up: the rows are in even when this failed
};

// The import of `table` into `store`, and `index` (may be null) brought up to date. A non-ok
// result means the file as a whole could not be used (ImportTable).
StatusOr<ImportOutcome> RunImport(registry::Store& store, indexer::SearchIndex* index,
                                  registry::TableReader& table,
                                  const registry::ReferenceData& reference,
                                  const ImportPolicy& policy);

// The same for every file of an archive a unit sends (registry/tables/bundle.h), in name order:
// each file's rows are reported after policy.on_file names it; a file that cannot be read is
// reported and the others go on. One audit entry names the archive with the totals and the
// number of files; the index catches up once, at the end.
StatusOr<ImportOutcome> RunBundleImport(registry::Store& store, indexer::SearchIndex* index,
                                        const registry::Bundle& bundle,
                                        const registry::ReferenceData& reference,
                                        const ImportPolicy& policy);

}  // namespace tp::api
