#include "indexer/search_index.h"

#include <sys/resource.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "indexer/internal/search_index_impl.h"

namespace tp::indexer {
namespace fs = std::filesystem;

// Writes every person of the log into a new database at `path`. The persons (each once, in
// rowid order) are cut into groups of consecutive rowids; build threads take the groups as
// they are cut, write each into side databases of kRebuildPart persons and merge those into
// the group's database; the groups are merged last. Both merges are sequential passes, and
// document ids stay rowids. A thread holds one side database's records and documents at a
// time.
//
// Without `still_writing`, the log is read to its end before the first cut. With it, the log
// is followed while still_writing() says rows are still being written into it (an import
// running beside): a group is cut as soon as its rows are committed, so the build threads
// work while the import does, and the build ends when the writing has ended and the log is
// read to its end. A person changed again after its group was cut is written once more into
// the merged database, from the registry as it is then.
StatusOr<CatchUpStats> SearchIndex::Impl::BuildGeneration(ChangeSource& source, const std::string& registry_id,
                                                          const fs::path& path,
                                                          const std::function<bool()>& still_writing) {
  CatchUpStats stats;
  const fs::path parts_dir = path.string() + ".parts";
  std::error_code ec;
  fs::remove_all(parts_dir, ec);
  fs::create_directories(parts_dir, ec);

  struct Group {
    std::string path;
    std::vector<int64_t> rowids;
  };
  // Unbounded: the reading thread never waits for the builders (a group is 8 bytes a person).
  Channel<Group> cut(std::numeric_limits<size_t>::max());
  std::vector<std::string> groups;  // their databases, in rowid order
  std::atomic<int64_t> written{0};
  std::atomic<bool> failed{false};
  std::mutex shared_mutex;  // the source (not promised thread-safe) and first_error
  Status first_error;
  const auto fail = [&](Status status) {
    std::lock_guard lock(shared_mutex);
    if (first_error.ok()) first_error = std::move(status);
    failed = true;
  };
  const auto load = [&](std::span<const int64_t> rowids) {
    std::lock_guard lock(shared_mutex);
    return source.LoadRecords(std::vector<int64_t>(rowids.begin(), rowids.end()));
  };
  // Writes the persons `slice` into a new side database at `part`.
  const auto build_part = [&](DocumentBuilder& builder, BuiltDocument& built,
                              std::span<const int64_t> slice, const std::string& part) -> bool {
    StatusOr<std::vector<IndexRecord>> records = load(slice);
    if (!records.ok()) {
      fail(records.status());
      return false;
    }
    std::vector<const IndexRecord*> in_order;
    for (const IndexRecord& r : *records) {
      if (!r.deleted) in_order.push_back(&r);
    }
    std::sort(in_order.begin(), in_order.end(),
              [](const IndexRecord* a, const IndexRecord* b) { return a->rowid < b->rowid; });
    Xapian::WritableDatabase db(part, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
    for (const IndexRecord* r : in_order) {
      builder.Build(*r, built);
      db.replace_document(static_cast<Xapian::docid>(r->rowid), ToDocument(built));
    }
    db.commit();
    db.close();
    written += static_cast<int64_t>(in_order.size());
    return true;
  };
  const auto build_groups = [&] {
    try {
      DocumentBuilder builder(analyzer_, pinyin_);
      BuiltDocument built;
      while (std::optional<Group> group = cut.Pop()) {
        if (failed) continue;  // drained, not built
        std::vector<std::string> parts;
        const std::span<const int64_t> members(group->rowids);
        for (size_t at = 0; at < members.size() && !failed; at += kRebuildPart) {
          parts.push_back(group->path + "." + std::to_string(parts.size()));
          const auto slice = members.subspan(at, std::min(kRebuildPart, members.size() - at));
          if (!build_part(builder, built, slice, parts.back())) break;
        }
        if (failed) continue;
        Xapian::Database all;
        for (const std::string& p : parts) all.add_database(Xapian::Database(p));
        all.compact(group->path, Xapian::DBCOMPACT_NO_RENUMBER);
        std::error_code ignored;
        for (const std::string& p : parts) fs::remove_all(p, ignored);
      }
    } catch (const Xapian::Error& e) {
      fail(FromXapian(e));
    } catch (const std::exception& e) {
      fail(Internal(std::string("建立检索索引出错：") + e.what()));
    }
  };
  std::vector<std::thread> workers;
  // However this function leaves, the builders are stopped and joined first.
  struct Join {
    Channel<Group>& channel;
    std::vector<std::thread>& threads;
    ~Join() {
      channel.Close();
      for (std::thread& t : threads) t.join();
    }
  } join{cut, workers};
  // This thread reads the log, then builds too: `threads` in all.
  const auto start_builders = [&](unsigned threads) {
    while (workers.size() + 1 < threads) {
      workers.emplace_back([&] {
        // Beside a writer, the builders take the cores it leaves: it goes on at its own pace.
        if (still_writing) setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kBesideNice);
        build_groups();
      });
    }
  };

  std::vector<int64_t> pending;  // persons read; those from `first_pending` on are not cut yet
  size_t first_pending = 0;
  bool shuffled = false;          // pending is not in ascending order
  std::unordered_set<int64_t> seen;
  int64_t cut_through = 0;        // every person cut so far has a rowid up to this
  std::vector<int64_t> again;     // persons changed after their group was cut
  // Cuts the `count` lowest persons not cut yet into the next group.
  const auto cut_lowest = [&](size_t count) {
    if (shuffled) {
      std::sort(pending.begin() + static_cast<ptrdiff_t>(first_pending), pending.end());
      shuffled = false;
    }
    count = std::min(count, pending.size() - first_pending);
    const auto from = pending.begin() + static_cast<ptrdiff_t>(first_pending);
    Group group{(parts_dir / std::to_string(groups.size())).string(),
                std::vector<int64_t>(from, from + static_cast<ptrdiff_t>(count))};
    first_pending += count;
    cut_through = group.rowids.back();
    groups.push_back(group.path);
    cut.Push(std::move(group));
  };
  // Groups grow beyond kRebuildGroup so that there are at most about kMaxGroups of them.
  const auto group_size = [&] { return std::max(kRebuildGroup, (seen.size() + kMaxGroups - 1) / kMaxGroups); };
  // While following, this thread mostly waits for the writer: one builder at least beside it.
  if (still_writing) start_builders(std::max(2u, BuildThreads(kMaxBuildThreads)));
  while (!failed) {
    const bool writing = still_writing && still_writing();
    auto changes = [&] {
      std::lock_guard lock(shared_mutex);
      return source.ChangesSince(stats.last_seq, kRebuildBatch);
    }();
    if (!changes.ok()) {
      fail(changes.status());
      break;
    }
    if (changes->empty()) {
      if (!writing) break;  // asked before this read, which then saw the whole log
      std::this_thread::sleep_for(kFollowPause);
      continue;
    }
    for (const Change& c : *changes) {
      if (Status in_range = RowidInRange(c.rowid); !in_range.ok()) {
        fail(std::move(in_range));
        break;
      }
      if (c.rowid <= cut_through) {
        again.push_back(c.rowid);
      } else if (seen.insert(c.rowid).second) {
        shuffled = shuffled || (pending.size() > first_pending && c.rowid < pending.back());
        pending.push_back(c.rowid);
      }
    }
    stats.changes += static_cast<int64_t>(changes->size());
    stats.last_seq = changes->back().seq;
    if (writing) {
      while (!failed && pending.size() - first_pending >= group_size()) cut_lowest(group_size());
      pending.erase(pending.begin(), pending.begin() + static_cast<ptrdiff_t>(first_pending));
      first_pending = 0;
    }
  }
  if (!failed) {
    const size_t size = group_size();
    start_builders(BuildThreads(groups.size() + (pending.size() - first_pending + size - 1) / size));
    while (first_pending < pending.size()) cut_lowest(size);
  }
  cut.Close();
  build_groups();
  for (std::thread& t : workers) t.join();
  workers.clear();
  if (!first_error.ok()) {
    fs::remove_all(parts_dir, ec);
    return first_error;
  }
  stats.written = written;
  try {
    if (groups.empty()) {
      Xapian::WritableDatabase empty(path.string(), Xapian::DB_CREATE_OR_OVERWRITE);
      empty.close();
    } else {
      Xapian::Database all;
      for (const std::string& g : groups) all.add_database(Xapian::Database(g));
      // Groups hold disjoint, ascending rowid ranges, so document ids stay rowids.
      all.compact(path.string(), Xapian::DBCOMPACT_NO_RENUMBER);
    }
    fs::remove_all(parts_dir, ec);
    Xapian::WritableDatabase db(path.string(), Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
    std::sort(again.begin(), again.end());
    again.erase(std::unique(again.begin(), again.end()), again.end());
    DocumentBuilder builder(analyzer_, pinyin_);
    BuiltDocument built;
    for (size_t at = 0; at < again.size(); at += kRebuildPart) {
      const std::span<const int64_t> slice =
          std::span<const int64_t>(again).subspan(at, std::min(kRebuildPart, again.size() - at));
      auto records = load(slice);
      if (!records.ok()) return records.status();
      std::unordered_map<int64_t, const IndexRecord*> by_rowid;
      for (const IndexRecord& r : *records) by_rowid[r.rowid] = &r;
      for (const int64_t rowid : slice) {
        const auto docid = static_cast<Xapian::docid>(rowid);
        const auto it = by_rowid.find(rowid);
        if (it == by_rowid.end() || it->second->deleted) {
          try {
            db.delete_document(docid);
          } catch (const Xapian::DocNotFoundError&) {
            // Never written: gone before its group was built.
          }
          continue;
        }
        builder.Build(*it->second, built);
        db.replace_document(docid, ToDocument(built));
        ++stats.written;
      }
    }
    db.set_metadata(kMetaAnalyzer, AnalyzerVersion());
    db.set_metadata(kMetaRegistryId, registry_id);
    db.set_metadata(kMetaLastSeq, std::to_string(stats.last_seq));
    db.commit();
    db.close();
  } catch (const Xapian::Error& e) {
    fs::remove_all(parts_dir, ec);
    return FromXapian(e);
  }
  return stats;
}

StatusOr<CatchUpStats> SearchIndex::Impl::Rebuild(ChangeSource& source,
                                                  const std::function<bool()>& still_writing) {
  std::unique_lock lock(write_mutex_);
  return RebuildLocked(source, still_writing);
}

StatusOr<CatchUpStats> SearchIndex::Impl::RebuildLocked(ChangeSource& source,
                                                        const std::function<bool()>& still_writing) {
  auto registry_id = source.RegistryId();
  if (!registry_id.ok()) return registry_id.status();
  const std::string old_generation = ReadCurrent(dir_);
  int number = 0;
  if (old_generation.starts_with("gen-")) number = static_cast<int>(ParseInt(old_generation.substr(4)));
  char name[32];
  std::snprintf(name, sizeof name, "gen-%06d", number + 1);
  const std::string generation = name;
  std::error_code ec;
  fs::remove_all(dir_ / generation, ec);
  auto built = BuildGeneration(source, *registry_id, dir_ / generation, still_writing);
  if (!built.ok()) {
    fs::remove_all(dir_ / generation, ec);
    return built.status();
  }
  StatusOr<CatchUpStats> stats = std::move(built);
  TP_RETURN_IF_ERROR(SyncDirectory(dir_ / generation));
  TP_RETURN_IF_ERROR(SwapCurrent(generation));
  // Older generations than the one just replaced go; that one may still serve open readers.
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string n = entry.path().filename().string();
    if (n.starts_with("gen-") && n != generation && n != old_generation) fs::remove_all(entry.path(), ec);
  }
  // Changes made while the new generation was built.
  try {
    Xapian::WritableDatabase db((dir_ / generation).string(), Xapian::DB_OPEN);
    auto more = Apply(db, source, stats->last_seq);
    if (!more.ok()) return more.status();
    stats->changes += more->changes;
    stats->written += more->written;
    stats->deleted += more->deleted;
    stats->last_seq = more->last_seq;
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  stats->rebuilt = true;
  return stats;
}

}  // namespace tp::indexer
