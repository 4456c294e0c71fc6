#include "api/import_run.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "indexer/store_change_source.h"

namespace tp::api {

namespace {

// The import proper: `import_rows` (with an empty index built beside it when the policy asks),
// then one audit entry naming the file, and the index brought up to date.
StatusOr<ImportOutcome> Run(registry::Store& store, indexer::SearchIndex* index,
                            const ImportPolicy& policy,
                            const std::function<StatusOr<registry::ImportReport>()>& import_rows,
                            nlohmann::json detail) {
  indexer::StoreChangeSource source(store);
  std::atomic<bool> importing{true};
  std::optional<StatusOr<indexer::CatchUpStats>> built;
  std::thread beside;
  if (index != nullptr && policy.build_empty_index_beside) {
    const StatusOr<indexer::IndexInfo> info = index->Info();
    if (info.ok() && info->documents == 0) {
      beside =
          std::thread([&] { built = index->Rebuild(source, [&] { return importing.load(); }); });
    }
  }
  StatusOr<registry::ImportReport> report = import_rows();
  importing = false;
  if (beside.joinable()) beside.join();
  if (!report.ok()) return report.status();

  ImportOutcome outcome;
  outcome.report = std::move(*report);
  registry::AuditEntry entry = policy.who;
  entry.action = "import";
  entry.object_type = "file";
  entry.object_id = policy.source;
  detail["imported"] = outcome.report.imported;
  detail["inserted"] = outcome.report.inserted;
  detail["updated"] = outcome.report.updated;
  detail["unchanged"] = outcome.report.unchanged;
  detail["rejected"] = outcome.report.rejected;
  detail["format"] = outcome.report.format;
  entry.detail_json = detail.dump();
  outcome.audited =
      policy.record_audit ? policy.record_audit(std::move(entry)) : store.Audit(entry);

  // The index follows the change log; bringing it up to date now makes the rows searchable at
  // once (a server would do it at its next start anyway).
  outcome.indexed = built && !built->ok() ? built->status() : Status::Ok();
  if (outcome.indexed.ok() && policy.catch_up) {
    outcome.indexed = policy.catch_up();
  } else if (outcome.indexed.ok() && index != nullptr) {
    StatusOr<indexer::CatchUpStats> caught_up = index->CatchUp(source);
    if (!caught_up.ok()) outcome.indexed = caught_up.status();
  }
  return outcome;
}

}  // namespace

StatusOr<ImportOutcome> RunImport(registry::Store& store, indexer::SearchIndex* index,
                                  registry::TableReader& table,
                                  const registry::ReferenceData& reference,
                                  const ImportPolicy& policy) {
  registry::ImportOptions options;
  options.on_rejected = policy.on_rejected;
  return Run(
      store, index, policy,
      [&] { return registry::ImportTable(store, table, reference, options); },
      nlohmann::json::object());
}

StatusOr<ImportOutcome> RunBundleImport(registry::Store& store, indexer::SearchIndex* index,
                                        const registry::Bundle& bundle,
                                        const registry::ReferenceData& reference,
                                        const ImportPolicy& policy) {
  registry::ImportOptions options;
  options.on_rejected = policy.on_rejected;
  auto import_files = [&]() -> StatusOr<registry::ImportReport> {
    registry::ImportReport total;
    total.format = "zip";
    for (const registry::BundleFile& file : bundle.files) {
      if (policy.on_file) policy.on_file(file.name);
      auto reader =
          registry::OpenTableInPlace(file.bytes, file.name, registry::ImportTableOptions());
      StatusOr<registry::ImportReport> report =
          reader.ok() ? registry::ImportTable(store, **reader, reference, options)
                      : StatusOr<registry::ImportReport>(reader.status());
      if (!report.ok()) {
        // The file as a whole could not be used; the others go on.
        ++total.rejected;
        if (policy.on_rejected) policy.on_rejected({{"文件", report.status().message(), 0}});
        continue;
      }
      total.imported += report->imported;
      total.inserted += report->inserted;
      total.updated += report->updated;
      total.unchanged += report->unchanged;
      total.rejected += report->rejected;
      for (std::string& column : report->ignored_columns) {
        if (std::find(total.ignored_columns.begin(), total.ignored_columns.end(), column) ==
            total.ignored_columns.end()) {
          total.ignored_columns.push_back(std::move(column));
        }
      }
    }
    return total;
  };
  return Run(store, index, policy, import_files,
             {{"files", bundle.files.size()}, {"skipped_files", bundle.skipped.size()}});
}

}  // namespace tp::api
