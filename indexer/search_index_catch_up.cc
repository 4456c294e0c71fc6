#include "indexer/search_index.h"

#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "indexer/internal/search_index_impl.h"

namespace tp::indexer {
namespace fs = std::filesystem;

StatusOr<CatchUpStats> SearchIndex::Impl::CatchUp(ChangeSource& source) {
  std::unique_lock lock(write_mutex_);
  TP_ASSIGN_OR_RETURN(auto registry_id, source.RegistryId());
  TP_ASSIGN_OR_RETURN(auto source_last_seq, source.LastSeq());
  bool must_rebuild = false;
  StatusOr<CatchUpStats> stats = Status(StatusCode::kInternal, "");
  try {
    const std::string generation = ReadCurrent(dir_);
    Xapian::WritableDatabase db((dir_ / generation).string(), Xapian::DB_OPEN);
    const std::string known_id = db.get_metadata(kMetaRegistryId);
    const int64_t last_seq = ParseInt(db.get_metadata(kMetaLastSeq));
    const auto documents = static_cast<int64_t>(db.get_doccount());
    if (db.get_metadata(kMetaAnalyzer) != AnalyzerVersion() ||
        (!known_id.empty() && known_id != registry_id) || (known_id.empty() && documents > 0) ||
        // The registry is older than the index (an earlier backup restored under the same
        // identity): the index holds changes the registry no longer has.
        last_seq > source_last_seq ||
        source_last_seq - last_seq > std::max(kRebuildBehind, documents)) {
      must_rebuild = true;
    } else {
      if (known_id.empty()) db.set_metadata(kMetaRegistryId, registry_id);
      stats = Apply(db, source, last_seq);
      if (stats.ok()) db.commit();
    }
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  if (must_rebuild) return RebuildLocked(source);
  return stats;
}

StatusOr<CatchUpStats> SearchIndex::Impl::Apply(Xapian::WritableDatabase& db, ChangeSource& source,
                                                int64_t after) {
  Channel<Batch> ready(kPipelineDepth);
  std::thread producer([&] {
    try {
      ProduceBatches(source, after, ready);
    } catch (const Xapian::Error& e) {
      Batch failed;
      failed.status = FromXapian(e);
      ready.Push(std::move(failed));
    } catch (const std::exception& e) {
      Batch failed;
      failed.status = Internal(std::string("建立检索文档出错：") + e.what());
      ready.Push(std::move(failed));
    }
    ready.Close();
  });
  // However this thread leaves, the producer is stopped and joined first.
  struct Join {
    Channel<Batch>& channel;
    std::thread& thread;
    ~Join() {
      channel.Close();
      thread.join();
    }
  } join{ready, producer};

  CatchUpStats stats;
  stats.last_seq = after;
  while (std::optional<Batch> batch = ready.Pop()) {
    if (!batch->status.ok()) return batch->status;
    for (auto& [docid, doc] : batch->docs) {
      if (!doc) {
        try {
          db.delete_document(docid);
          ++stats.deleted;
        } catch (const Xapian::DocNotFoundError&) {
          // Already gone: replaying the log is idempotent.
        }
        continue;
      }
      db.replace_document(docid, *doc);
      ++stats.written;
    }
    stats.changes += batch->changes;
    stats.last_seq = batch->last_seq;
    db.set_metadata(kMetaLastSeq, std::to_string(stats.last_seq));
    db.commit();
  }
  return stats;
}

void SearchIndex::Impl::ProduceBatches(ChangeSource& source, int64_t after, Channel<Batch>& ready) {
  DocumentBuilder builder(analyzer_, pinyin_);
  BuiltDocument built;
  while (true) {
    Batch batch;
    auto changes = source.ChangesSince(after, kBatch);
    if (!changes.ok()) {
      batch.status = changes.status();
      ready.Push(std::move(batch));
      return;
    }
    if (changes->empty()) return;
    std::vector<int64_t> rowids;
    std::unordered_set<int64_t> seen;
    for (const Change& c : *changes) {
      if (seen.insert(c.rowid).second) rowids.push_back(c.rowid);
    }
    auto records = source.LoadRecords(rowids);
    if (!records.ok()) {
      batch.status = records.status();
      ready.Push(std::move(batch));
      return;
    }
    std::unordered_map<int64_t, const IndexRecord*> by_rowid;
    for (const IndexRecord& r : *records) by_rowid[r.rowid] = &r;
    batch.docs.reserve(rowids.size());
    for (int64_t rowid : rowids) {
      if (Status in_range = RowidInRange(rowid); !in_range.ok()) {
        batch.docs.clear();
        batch.status = std::move(in_range);
        ready.Push(std::move(batch));
        return;
      }
      const auto docid = static_cast<Xapian::docid>(rowid);
      const auto it = by_rowid.find(rowid);
      if (it == by_rowid.end() || it->second->deleted) {
        batch.docs.emplace_back(docid, std::nullopt);
        continue;
      }
      builder.Build(*it->second, built);
      batch.docs.emplace_back(docid, ToDocument(built));
    }
    batch.changes = static_cast<int64_t>(changes->size());
    batch.last_seq = changes->back().seq;
    after = batch.last_seq;
    if (!ready.Push(std::move(batch))) return;
  }
}

}  // namespace tp::indexer
