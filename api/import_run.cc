#include "api/import_run.h"

#include <atomic>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "indexer/store_change_source.h"

namespace tp::api {

StatusOr<ImportOutcome> RunImport(registry::Store& store, indexer::SearchIndex* index,
                                  registry::TableReader& table,
                                  const registry::ReferenceData& reference,
                                  const ImportPolicy& policy) {
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
  registry::ImportOptions options;
  options.on_rejected = policy.on_rejected;
  StatusOr<registry::ImportReport> report = registry::ImportTable(store, table, reference, options);
  importing = false;
  if (beside.joinable()) beside.join();
  if (!report.ok()) return report.status();

  ImportOutcome outcome;
  outcome.report = std::move(*report);
  registry::AuditEntry entry = policy.who;
  entry.action = "import";
  entry.object_type = "file";
  entry.object_id = policy.source;
  entry.detail_json = nlohmann::json{{"imported", outcome.report.imported},
                                     {"inserted", outcome.report.inserted},
                                     {"updated", outcome.report.updated},
                                     {"rejected", outcome.report.rejected},
                                     {"format", outcome.report.format}}
                          .dump();
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

}  // namespace tp::api
