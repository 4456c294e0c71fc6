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

namespace {

// Writes every person of the log into a new database. The persons (each once, in rowid order)
// are cut into groups of consecutive rowids; build threads take the groups as they are cut,
// write each into side databases of kRebuildPart persons and merge those into the group's
// database; the groups are merged last. Both merges are sequential passes, and document ids
// stay rowids. A thread holds one side database's records and documents at a time.
//
// Without `still_writing`, the log is read to its end before the first cut. With it, the log
// is followed while still_writing() says rows are still being written into it (an import
// running beside): a group is cut as soon as its rows are committed, so the build threads
// work while the import does, and the build ends when the writing has ended and the log is
// read to its end. A person changed again after its group was cut is written once more into
// the merged database, from the registry as it is then.
//
// The reading thread (the caller's) builds too, once the log is read. The source and the
// first error are shared under one mutex: the source is not promised thread-safe.
class GenerationBuilder {
 public:
  // All must outlive the builder.
  GenerationBuilder(const Analyzer& analyzer, const Pinyin& pinyin, ChangeSource& source,
                    const std::function<bool()>& still_writing, const RebuildProgress& on_progress)
      : analyzer_(analyzer),
        pinyin_(pinyin),
        source_(source),
        still_writing_(still_writing),
        on_progress_(on_progress) {}
  // However Build() leaves, the builders are stopped and joined first.
  ~GenerationBuilder() {
    cut_.Close();
    JoinBuilders();
  }
  GenerationBuilder(const GenerationBuilder&) = delete;
  GenerationBuilder& operator=(const GenerationBuilder&) = delete;

  // Builds the database at `path`, its metadata saying `registry_id` and the last seq read.
  // Called once.
  StatusOr<CatchUpStats> Build(const std::string& registry_id, const fs::path& path);

 private:
  struct Group {
    std::string path;
    std::vector<int64_t> rowids;
  };

  // Reading the log, on the caller's thread.
  void ReadLog();
  void Take(const std::vector<Change>& changes);
  void CutLowest(size_t count);
  size_t GroupSize() const;

  // Building groups, on every thread.
  void StartBuilders(unsigned threads);
  void JoinBuilders();
  void BuildGroups();
  void BuildGroup(DocumentBuilder& builder, BuiltDocument& built, const Group& group);
  bool BuildPart(DocumentBuilder& builder, BuiltDocument& built, std::span<const int64_t> slice,
                 const std::string& part);

  // Merging, once the groups are built.
  void MergeGroups(const fs::path& path) const;
  Status WriteChangedAgain(Xapian::WritableDatabase& db);

  void Fail(Status status);
  StatusOr<std::vector<IndexRecord>> Load(std::span<const int64_t> rowids);

  const Analyzer& analyzer_;
  const Pinyin& pinyin_;
  ChangeSource& source_;
  const std::function<bool()>& still_writing_;
  const RebuildProgress& on_progress_;
  std::mutex progress_mutex_;         // one call of on_progress_ at a time
  std::atomic<int64_t> to_write_{0};  // persons of the generation, once the log is read
  fs::path parts_dir_;
  CatchUpStats stats_;

  // Unbounded: the reading thread never waits for the builders (a group is 8 bytes a person).
  Channel<Group> cut_{std::numeric_limits<size_t>::max()};
  std::vector<std::string> groups_;  // their databases, in rowid order
  std::vector<std::thread> workers_;
  std::atomic<int64_t> written_{0};
  std::atomic<bool> failed_{false};
  std::mutex shared_mutex_;  // source_ and first_error_
  Status first_error_;

  std::vector<int64_t> pending_;  // persons read; those from `first_pending_` on are not cut yet
  size_t first_pending_ = 0;
  bool shuffled_ = false;  // pending_ is not in ascending order
  std::unordered_set<int64_t> seen_;
  int64_t cut_through_ = 0;     // every person cut so far has a rowid up to this
  std::vector<int64_t> again_;  // persons changed after their group was cut
};

StatusOr<CatchUpStats> GenerationBuilder::Build(const std::string& registry_id,
                                                const fs::path& path) {
  parts_dir_ = path.string() + ".parts";
  std::error_code ec;
  fs::remove_all(parts_dir_, ec);
  fs::create_directories(parts_dir_, ec);
  // While following, this thread mostly waits for the writer: one builder at least beside it.
  if (still_writing_) StartBuilders(std::max(2u, BuildThreads(kMaxBuildThreads)));
  ReadLog();
  to_write_ = static_cast<int64_t>(seen_.size());
  if (!failed_) {
    const size_t size = GroupSize();
    StartBuilders(
        BuildThreads(groups_.size() + (pending_.size() - first_pending_ + size - 1) / size));
    while (first_pending_ < pending_.size()) CutLowest(size);
  }
  cut_.Close();
  BuildGroups();
  JoinBuilders();
  if (!first_error_.ok()) {
    fs::remove_all(parts_dir_, ec);
    return first_error_;
  }
  stats_.written = written_;
  try {
    MergeGroups(path);
    fs::remove_all(parts_dir_, ec);
    Xapian::WritableDatabase db(path.string(), Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
    TP_RETURN_IF_ERROR(WriteChangedAgain(db));
    db.set_metadata(kMetaAnalyzer, SearchIndex::AnalyzerVersion());
    db.set_metadata(kMetaRegistryId, registry_id);
    db.set_metadata(kMetaLastSeq, std::to_string(stats_.last_seq));
    db.commit();
    db.close();
  } catch (const Xapian::Error& e) {
    fs::remove_all(parts_dir_, ec);
    return FromXapian(e);
  }
  return stats_;
}

// Reads the log to its end, and while still_writing_ says so, follows it, cutting each group
// as soon as it is read.
void GenerationBuilder::ReadLog() {
  while (!failed_) {
    const bool writing = still_writing_ && still_writing_();
    auto changes = [&] {
      std::lock_guard lock(shared_mutex_);
      return source_.ChangesSince(stats_.last_seq, kRebuildBatch);
    }();
    if (!changes.ok()) {
      Fail(changes.status());
      break;
    }
    if (changes->empty()) {
      if (!writing) break;  // asked before this read, which then saw the whole log
      std::this_thread::sleep_for(kFollowPause);
      continue;
    }
    Take(*changes);
    if (writing) {
      while (!failed_ && pending_.size() - first_pending_ >= GroupSize()) CutLowest(GroupSize());
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(first_pending_));
      first_pending_ = 0;
    }
  }
}

// Notes the persons of `changes` (not empty): a new one waits to be cut, one whose group was
// cut is written again after the merge.
void GenerationBuilder::Take(const std::vector<Change>& changes) {
  for (const Change& c : changes) {
    if (Status in_range = RowidInRange(c.rowid); !in_range.ok()) {
      Fail(std::move(in_range));
      break;
    }
    if (c.rowid <= cut_through_) {
      again_.push_back(c.rowid);
    } else if (seen_.insert(c.rowid).second) {
      shuffled_ = shuffled_ || (pending_.size() > first_pending_ && c.rowid < pending_.back());
      pending_.push_back(c.rowid);
    }
  }
  stats_.changes += static_cast<int64_t>(changes.size());
  stats_.last_seq = changes.back().seq;
}

// Cuts the `count` lowest persons not cut yet into the next group.
void GenerationBuilder::CutLowest(size_t count) {
  if (shuffled_) {
    std::sort(pending_.begin() + static_cast<ptrdiff_t>(first_pending_), pending_.end());
    shuffled_ = false;
  }
  count = std::min(count, pending_.size() - first_pending_);
  const auto from = pending_.begin() + static_cast<ptrdiff_t>(first_pending_);
  Group group{(parts_dir_ / std::to_string(groups_.size())).string(),
              std::vector<int64_t>(from, from + static_cast<ptrdiff_t>(count))};
  first_pending_ += count;
  cut_through_ = group.rowids.back();
  groups_.push_back(group.path);
  cut_.Push(std::move(group));
}

// Groups grow beyond kRebuildGroup so that there are at most about kMaxGroups of them.
size_t GenerationBuilder::GroupSize() const {
  return std::max(kRebuildGroup, (seen_.size() + kMaxGroups - 1) / kMaxGroups);
}

// Starts builders until there are `threads` with this one.
void GenerationBuilder::StartBuilders(unsigned threads) {
  while (workers_.size() + 1 < threads) {
    workers_.emplace_back([this] {
      // Beside a writer, the builders take the cores it leaves: it goes on at its own pace.
      if (still_writing_) setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kBesideNice);
      BuildGroups();
    });
  }
}

void GenerationBuilder::JoinBuilders() {
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

// Builds the groups cut until the channel closes; after a failure, drains them unbuilt.
void GenerationBuilder::BuildGroups() {
  try {
    DocumentBuilder builder(analyzer_, pinyin_);
    BuiltDocument built;
    while (std::optional<Group> group = cut_.Pop()) {
      if (failed_) continue;  // drained, not built
      BuildGroup(builder, built, *group);
    }
  } catch (const Xapian::Error& e) {
    Fail(FromXapian(e));
  } catch (const std::exception& e) {
    Fail(Internal(std::string("建立检索索引出错：") + e.what()));
  }
}

// Writes the group's persons into side databases and merges them into the group's database.
void GenerationBuilder::BuildGroup(DocumentBuilder& builder, BuiltDocument& built,
                                   const Group& group) {
  std::vector<std::string> parts;
  const std::span<const int64_t> members(group.rowids);
  for (size_t at = 0; at < members.size() && !failed_; at += kRebuildPart) {
    parts.push_back(group.path + "." + std::to_string(parts.size()));
    const auto slice = members.subspan(at, std::min(kRebuildPart, members.size() - at));
    if (!BuildPart(builder, built, slice, parts.back())) break;
  }
  if (failed_) return;
  Xapian::Database all;
  for (const std::string& p : parts) all.add_database(Xapian::Database(p));
  all.compact(group.path, Xapian::DBCOMPACT_NO_RENUMBER);
  std::error_code ignored;
  for (const std::string& p : parts) fs::remove_all(p, ignored);
}

// Writes the persons `slice` into a new side database at `part`; false after a failed read.
bool GenerationBuilder::BuildPart(DocumentBuilder& builder, BuiltDocument& built,
                                  std::span<const int64_t> slice, const std::string& part) {
  StatusOr<std::vector<IndexRecord>> records = Load(slice);
  if (!records.ok()) {
    Fail(records.status());
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
  const int64_t written = written_ += static_cast<int64_t>(in_order.size());
  if (on_progress_) {
    std::lock_guard lock(progress_mutex_);
    on_progress_(written, to_write_);
  }
  return true;
}

// Merges the groups' databases into the one at `path` (an empty one when there are none).
void GenerationBuilder::MergeGroups(const fs::path& path) const {
  if (groups_.empty()) {
    Xapian::WritableDatabase empty(path.string(), Xapian::DB_CREATE_OR_OVERWRITE);
    empty.close();
    return;
  }
  Xapian::Database all;
  for (const std::string& g : groups_) all.add_database(Xapian::Database(g));
  // Groups hold disjoint, ascending rowid ranges, so document ids stay rowids.
  all.compact(path.string(), Xapian::DBCOMPACT_NO_RENUMBER);
}

// Writes the persons changed after their group was cut into `db` once more, as they are now.
Status GenerationBuilder::WriteChangedAgain(Xapian::WritableDatabase& db) {
  std::sort(again_.begin(), again_.end());
  again_.erase(std::unique(again_.begin(), again_.end()), again_.end());
  DocumentBuilder builder(analyzer_, pinyin_);
  BuiltDocument built;
  for (size_t at = 0; at < again_.size(); at += kRebuildPart) {
    const std::span<const int64_t> slice =
        std::span<const int64_t>(again_).subspan(at, std::min(kRebuildPart, again_.size() - at));
    TP_ASSIGN_OR_RETURN(auto records, Load(slice));
    std::unordered_map<int64_t, const IndexRecord*> by_rowid;
    for (const IndexRecord& r : records) by_rowid[r.rowid] = &r;
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
      ++stats_.written;
    }
  }
  return Status::Ok();
}

void GenerationBuilder::Fail(Status status) {
  std::lock_guard lock(shared_mutex_);
  if (first_error_.ok()) first_error_ = std::move(status);
  failed_ = true;
}

StatusOr<std::vector<IndexRecord>> GenerationBuilder::Load(std::span<const int64_t> rowids) {
  std::lock_guard lock(shared_mutex_);
  return source_.LoadRecords(std::vector<int64_t>(rowids.begin(), rowids.end()));
}

}  // namespace

StatusOr<CatchUpStats> SearchIndex::Impl::Rebuild(ChangeSource& source,
                                                  const std::function<bool()>& still_writing,
                                                  const RebuildProgress& on_progress) {
  std::unique_lock lock(write_mutex_);
  return RebuildLocked(source, still_writing, on_progress);
}

StatusOr<CatchUpStats> SearchIndex::Impl::RebuildLocked(ChangeSource& source,
                                                        const std::function<bool()>& still_writing,
                                                        const RebuildProgress& on_progress) {
  TP_ASSIGN_OR_RETURN(auto registry_id, source.RegistryId());
  const std::string old_generation = ReadCurrent(dir_);
  int number = 0;
  if (old_generation.starts_with("gen-"))
    number = static_cast<int>(ParseInt(old_generation.substr(4)));
  char name[32];
  std::snprintf(name, sizeof name, "gen-%06d", number + 1);
  const std::string generation = name;
  std::error_code ec;
  fs::remove_all(dir_ / generation, ec);
  GenerationBuilder builder(analyzer_, pinyin_, source, still_writing, on_progress);
  auto built = builder.Build(registry_id, dir_ / generation);
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
    if (n.starts_with("gen-") && n != generation && n != old_generation)
      fs::remove_all(entry.path(), ec);
  }
  // Changes made while the new generation was built.
  try {
    Xapian::WritableDatabase db((dir_ / generation).string(), Xapian::DB_OPEN);
    TP_ASSIGN_OR_RETURN(auto more, Apply(db, source, stats->last_seq));
    stats->changes += more.changes;
    stats->written += more.written;
    stats->deleted += more.deleted;
    stats->last_seq = more.last_seq;
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  stats->rebuilt = true;
  return stats;
}

}  // namespace tp::indexer
