#include "api/import_run.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "indexer/store_change_source.h"
#include "registry/base/paths.h"
#include "registry/rounds/duplicates.h"

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
  detail["held"] = outcome.report.held;
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

// The import's options under `policy`; rows without 编号 and 身份证号 are looked up by name,
// birth date and unit through `finder`, which must outlive the import.
StatusOr<registry::ImportOptions> OptionsFor(registry::Store& store, const ImportPolicy& policy,
                                             std::unique_ptr<registry::DuplicateFinder>* finder) {
  TP_ASSIGN_OR_RETURN(*finder, registry::DuplicateFinder::Create(store, registry::DataDir()));
  registry::ImportOptions options;
  options.on_rejected = policy.on_rejected;
  options.on_held = policy.on_held;
  options.on_progress = policy.on_progress;
  options.same_person = policy.same_person;
  options.new_person = policy.new_person;
  registry::DuplicateFinder* found = finder->get();
  options.find_same_person =
      [found](
          const registry::Person& person) -> StatusOr<std::vector<registry::SamePersonCandidate>> {
    registry::DuplicateProbe probe;
    probe.name = person.name;
    probe.birth_date = person.birth_date;
    probe.unit_name = person.unit_name;
    TP_ASSIGN_OR_RETURN(registry::DuplicateReport report, found->Find(probe));
    std::vector<registry::SamePersonCandidate> same;
    const registry::NameMatcher& names = found->names();
    for (const registry::DuplicateCandidate& c : report.possible) {
      // The same name (traditional and simplified folded) and birth date, at a similar unit
      // when both name one.
      if (!names.SameName(person.name, c.name)) continue;
      if (!person.unit_name.empty() && !c.unit_name.empty() &&
          !names.SimilarUnit(person.unit_name, c.unit_name)) {
        continue;
      }
      same.push_back({c.public_id, c.name, c.birth_date, c.unit_name});
    }
    return same;
  };
  return options;
}

}  // namespace

StatusOr<ImportOutcome> RunImport(registry::Store& store, indexer::SearchIndex* index,
                                  registry::TableReader& table,
                                  const registry::ReferenceData& reference,
                                  const ImportPolicy& policy) {
  std::unique_ptr<registry::DuplicateFinder> finder;
  TP_ASSIGN_OR_RETURN(registry::ImportOptions options, OptionsFor(store, policy, &finder));
  return Run(
      store, index, policy,
      [&] { return registry::ImportTable(store, table, reference, options); },
      nlohmann::json::object());
}

StatusOr<ImportOutcome> RunBundleImport(registry::Store& store, indexer::SearchIndex* index,
                                        const registry::Bundle& bundle,
                                        const registry::ReferenceData& reference,
                                        const ImportPolicy& policy) {
  std::unique_ptr<registry::DuplicateFinder> finder;
  TP_ASSIGN_OR_RETURN(registry::ImportOptions options, OptionsFor(store, policy, &finder));
  // Row numbers name rows of one file: confirmations cannot say which file they mean.
  options.same_person.clear();
  options.new_person.clear();
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
      total.held += report->held;
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

namespace {

std::vector<std::string_view> CommaItems(std::string_view text) {
  std::vector<std::string_view> items;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) items.push_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

std::optional<long> RowNumber(std::string_view text) {
  long row = 0;
  if (text.empty() || text.size() > 9) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    row = row * 10 + (c - '0');
  }
  return row > 0 ? std::optional<long>(row) : std::nullopt;
}

}  // namespace

Status ParseConfirmations(std::string_view same, std::string_view fresh, std::string_view same_name,
                          std::string_view fresh_name, ImportPolicy* policy) {
  for (std::string_view item : CommaItems(same)) {
    const std::size_t at = item.find_first_of("=:");
    std::optional<long> row =
        at == std::string_view::npos ? std::nullopt : RowNumber(item.substr(0, at));
    std::string_view id = at == std::string_view::npos ? "" : item.substr(at + 1);
    if (!row || id.empty()) {
      return InvalidArgument(
          std::string(same_name) + "：「" + std::string(item) + "」应写作 行号=编号，如 3=P0000012",
          {{std::string(same_name), "应写作 行号=编号，如 3=P0000012", 0}});
    }
    policy->same_person[*row] = std::string(id);
  }
  for (std::string_view item : CommaItems(fresh)) {
    std::optional<long> row = RowNumber(item);
    if (!row) {
      return InvalidArgument(std::string(fresh_name) + "：「" + std::string(item) + "」不是行号",
                             {{std::string(fresh_name), "应为逗号分隔的行号，如 4,6", 0}});
    }
    if (policy->same_person.contains(*row)) {
      return InvalidArgument(
          "第" + std::to_string(*row) + "行不能既确认为在库人员又确认为另一人",
          {{std::string(fresh_name), "第" + std::to_string(*row) + "行也出现在确认为同一人的行中",
            *row}});
    }
    policy->new_person.insert(*row);
  }
  return Status::Ok();
}

std::string DescribeHeld(const registry::HeldRow& held) {
  std::string text = "第" + std::to_string(held.row) + "行「" + held.name + "」";
  if (!held.birth_date.empty()) text += " " + held.birth_date;
  if (!held.unit_name.empty()) text += " " + held.unit_name;
  text += "：可能是在库的";
  bool first = true;
  for (const registry::SamePersonCandidate& c : held.candidates) {
    text += first ? " " : "、";
    first = false;
    text += c.public_id + " " + c.name + "（" + c.birth_date;
    if (!c.unit_name.empty()) text += "，" + c.unit_name;
    text += "）";
  }
  return text;
}

}  // namespace tp::api
