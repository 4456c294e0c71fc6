#include "registry/importer.h"

#include <optional>

#include "registry/validate.h"

namespace tp::registry {

StatusOr<ImportReport> ImportTable(Store& store, TableReader& reader, const ReferenceData& ref,
                                   const ImportOptions& options) {
  ImportReport report;
  report.format = std::string(reader.Format());

  // Map each header cell to its field once; a column named twice keeps the first.
  const std::vector<std::string>& header = reader.Header();
  std::vector<std::optional<std::string>> columns(header.size());
  std::vector<std::string> seen;
  bool has_name = false;
  for (size_t i = 0; i < header.size(); ++i) {
    std::optional<std::string_view> canonical = CanonicalColumn(header[i]);
    if (!canonical) {
      if (!header[i].empty()) report.ignored_columns.push_back(header[i]);
      continue;
    }
    std::string name(*canonical);
    bool duplicate = false;
    for (const std::string& s : seen) duplicate = duplicate || s == name;
    if (duplicate) {
      report.ignored_columns.push_back(header[i] + "（与前面的列重复）");
      continue;
    }
    seen.push_back(name);
    has_name = has_name || name == "姓名";
    columns[i] = std::move(name);
  }
  if (!has_name) {
    return InvalidArgument("第1行（表头）缺少必需的列「姓名」", {{"姓名", "表头中没有这一列", 1}});
  }

  std::unique_ptr<WriteBatch> batch;
  long in_batch = 0, inserted_in_batch = 0, updated_in_batch = 0;
  auto commit = [&]() -> Status {
    if (!batch) return Status::Ok();
    TP_RETURN_IF_ERROR(batch->Commit());
    batch.reset();
    report.inserted += inserted_in_batch;
    report.updated += updated_in_batch;
    report.imported += in_batch;
    in_batch = inserted_in_batch = updated_in_batch = 0;
    if (options.on_progress) options.on_progress(report.imported);
    return Status::Ok();
  };
  auto reject = [&](std::vector<FieldError> errors, long row) {
    for (FieldError& e : errors) e.row = row;
    ++report.rejected;
    if (options.on_rejected) options.on_rejected(errors);
  };

  std::vector<std::string> cells;
  std::vector<std::pair<std::string, std::string>> named;
  long row = 0;
  while (true) {
    StatusOr<bool> more = reader.Next(&cells, &row);
    if (!more.ok()) {
      // Rows read so far stay: commit them before reporting the read error.
      TP_RETURN_IF_ERROR(commit());
      return more.status();
    }
    if (!*more) break;
    named.clear();
    for (size_t i = 0; i < cells.size() && i < columns.size(); ++i) {
      if (columns[i] && !cells[i].empty()) named.emplace_back(*columns[i], cells[i]);
    }
    Person person;
    std::vector<FieldError> errors = BuildPerson(named, ref, &person);
    if (!errors.empty()) {
      reject(std::move(errors), row);
      continue;
    }
    if (!batch) {
      auto begun = store.BeginWrite();
      if (!begun.ok()) return begun.status();
      batch = std::move(*begun);
    }
    StatusOr<UpsertOutcome> outcome = batch->UpsertPerson(&person);
    if (!outcome.ok()) {
      if (outcome.status().code() == StatusCode::kInternal) {
        return outcome.status();  // the batch is rolled back; counts stay as reported
      }
      std::vector<FieldError> details = outcome.status().details();
      if (details.empty()) details.push_back({"", outcome.status().message(), 0});
      reject(std::move(details), row);
      continue;
    }
    ++in_batch;
    (*outcome == UpsertOutcome::kInserted ? inserted_in_batch : updated_in_batch)++;
    if (in_batch >= options.batch_size) TP_RETURN_IF_ERROR(commit());
  }
  TP_RETURN_IF_ERROR(commit());
  return report;
}

}  // namespace tp::registry
