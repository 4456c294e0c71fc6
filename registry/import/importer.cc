#include "registry/import/importer.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "registry/fields/validate.h"

namespace tp::registry {
namespace {

struct ValidatedRow {
  long row = 0;
  Person person;
  SealedValues sealed;
  std::vector<FieldError> errors;
};

// A bounded queue of validated rows between the reading thread and the
// writing one. Push blocks while it is full; Cancel releases both sides.
class RowPipeline {
 public:
  static constexpr size_t kChunkRows = 256;
  static constexpr size_t kMaxChunks = 8;

  // False when the consumer cancelled: the producer should stop.
  bool Push(std::vector<ValidatedRow> chunk) {
    std::unique_lock lock(mu_);
    space_.wait(lock, [&] { return cancelled_ || chunks_.size() < kMaxChunks; });
    if (cancelled_) return false;
    chunks_.push_back(std::move(chunk));
    ready_.notify_one();
    return true;
  }

  // The last chunk, and how reading ended.
  void Finish(std::vector<ValidatedRow> chunk, Status status) {
    std::lock_guard lock(mu_);
    if (!chunk.empty()) chunks_.push_back(std::move(chunk));
    status_ = std::move(status);
    finished_ = true;
    ready_.notify_one();
  }

  // False once everything was taken and the producer finished.
  bool Pop(std::vector<ValidatedRow>* chunk) {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return !chunks_.empty() || finished_; });
    if (chunks_.empty()) return false;
    *chunk = std::move(chunks_.front());
    chunks_.pop_front();
    space_.notify_one();
    return true;
  }

  void Cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    space_.notify_all();
  }

  Status status() {
    std::lock_guard lock(mu_);
    return status_;
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<std::vector<ValidatedRow>> chunks_;
  Status status_;
  bool finished_ = false;
  bool cancelled_ = false;
};

// A cell of 身份证号 or 手机 as a mask writes it: digits (and X) around a run of asterisks.
bool IsMaskedCell(std::string_view column, std::string_view text) {
  if (column != "身份证号" && column != "手机") return false;
  if (text.find('*') == std::string_view::npos) return false;
  for (char c : text) {
    if (!(c == '*' || c == 'X' || c == 'x' || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace

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
  long in_batch = 0, inserted_in_batch = 0, updated_in_batch = 0, unchanged_in_batch = 0;
  auto commit = [&]() -> Status {
    if (!batch) return Status::Ok();
    TP_RETURN_IF_ERROR(batch->Commit());
    batch.reset();
    report.inserted += inserted_in_batch;
    report.updated += updated_in_batch;
    report.unchanged += unchanged_in_batch;
    report.imported += in_batch;
    in_batch = inserted_in_batch = updated_in_batch = unchanged_in_batch = 0;
    if (options.on_progress) options.on_progress(report.imported);
    return Status::Ok();
  };
  auto reject = [&](std::vector<FieldError> errors, long row) {
    for (FieldError& e : errors) e.row = row;
    ++report.rejected;
    if (options.on_rejected) options.on_rejected(errors);
  };

  // Two stages on two threads: reading and validating rows (CPU-bound) runs
  // ahead of writing them (SQLite-bound), through a small bounded queue of
  // chunks, so memory stays flat whatever the file's size. The writer takes
  // rows in file order, so reports come in row order.
  RowPipeline pipeline;
  const Keyring& keys = store.Keys();
  std::thread producer([&] {
    std::vector<std::string> cells;
    std::vector<std::pair<std::string, std::string>> named;
    std::vector<ValidatedRow> chunk;
    while (true) {
      ValidatedRow item;
      StatusOr<bool> more = reader.Next(&cells, &item.row);
      if (!more.ok()) {
        pipeline.Finish(std::move(chunk), more.status());
        return;
      }
      if (!*more) break;
      named.clear();
      for (size_t i = 0; i < cells.size() && i < columns.size(); ++i) {
        if (!columns[i] || cells[i].empty() || IsMaskedCell(*columns[i], cells[i])) continue;
        named.emplace_back(*columns[i], cells[i]);
      }
      item.errors = BuildPerson(named, ref, &item.person);
      if (item.errors.empty()) item.sealed = SealPerson(keys, item.person);
      chunk.push_back(std::move(item));
      if (chunk.size() == RowPipeline::kChunkRows) {
        if (!pipeline.Push(std::move(chunk))) return;  // the writer gave up
        chunk = {};
      }
    }
    pipeline.Finish(std::move(chunk), Status::Ok());
  });
  struct JoinOnExit {
    std::thread& thread;
    RowPipeline& pipeline;
    ~JoinOnExit() {
      pipeline.Cancel();
      thread.join();
    }
  } join_on_exit{producer, pipeline};

  std::set<long> confirmed_rows;  // confirmations that applied
  std::vector<ValidatedRow> chunk;
  while (pipeline.Pop(&chunk)) {
    for (ValidatedRow& item : chunk) {
      if (!item.errors.empty()) {
        reject(std::move(item.errors), item.row);
        continue;
      }
      const bool unidentified = item.person.public_id.empty() && item.person.id_number.empty();
      if (unidentified && options.new_person.contains(item.row)) confirmed_rows.insert(item.row);
      if (options.find_same_person && unidentified && !options.new_person.contains(item.row)) {
        // The readers see what earlier batches committed: a person twice in one file is the
        // file's own business, a person already stored is never added again unconfirmed.
        TP_ASSIGN_OR_RETURN(std::vector<SamePersonCandidate> candidates,
                            options.find_same_person(item.person));
        auto confirmed = options.same_person.find(item.row);
        if (confirmed != options.same_person.end()) {
          const bool listed = std::any_of(
              candidates.begin(), candidates.end(),
              [&](const SamePersonCandidate& c) { return c.public_id == confirmed->second; });
          if (!listed) {
            reject(
                {{"编号", "确认的编号 " + confirmed->second + " 不是这一行可能对应的在库人员", 0}},
                item.row);
            continue;
          }
          item.person.public_id = confirmed->second;
          confirmed_rows.insert(item.row);
        } else if (!candidates.empty()) {
          ++report.held;
          if (options.on_held) {
            options.on_held({item.row, item.person.name, item.person.birth_date,
                             item.person.unit_name, std::move(candidates)});
          }
          continue;
        }
      }
      if (!batch) {
        TP_ASSIGN_OR_RETURN(auto begun, store.BeginWrite());
        batch = std::move(begun);
      }
      StatusOr<UpsertOutcome> outcome = batch->UpsertPerson(&item.person, &item.sealed);
      if (!outcome.ok()) {
        if (outcome.status().code() == StatusCode::kInternal) {
          return outcome.status();  // the batch is rolled back; counts stay as reported
        }
        std::vector<FieldError> details = outcome.status().details();
        if (details.empty()) details.push_back({"", outcome.status().message(), 0});
        reject(std::move(details), item.row);
        continue;
      }
      ++in_batch;
      switch (*outcome) {
        case UpsertOutcome::kInserted: ++inserted_in_batch; break;
        case UpsertOutcome::kUpdated: ++updated_in_batch; break;
        case UpsertOutcome::kUnchanged: ++unchanged_in_batch; break;
      }
      if (in_batch >= options.batch_size) TP_RETURN_IF_ERROR(commit());
    }
  }
  if (!pipeline.status().ok()) {
    // Rows read before the error stay: commit them, then report the error.
    TP_RETURN_IF_ERROR(commit());
    return pipeline.status();
  }
  TP_RETURN_IF_ERROR(commit());
  for (const auto& [row, id] : options.same_person) {
    if (!confirmed_rows.contains(row)) report.unused_confirmations.push_back(row);
  }
  for (long row : options.new_person) {
    if (!confirmed_rows.contains(row)) report.unused_confirmations.push_back(row);
  }
  std::sort(report.unused_confirmations.begin(), report.unused_confirmations.end());
  return report;
}

TableOptions ImportTableOptions() {
  TableOptions options;
  for (std::string_view column : CanonicalColumns()) options.known_columns.emplace_back(column);
  return options;
}

}  // namespace tp::registry
