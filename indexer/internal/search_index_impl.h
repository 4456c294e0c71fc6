// Internals of SearchIndex, shared by the files of indexer/ that implement it: search_index.cc
// (the directory of generations and the public face), search_index_catch_up.cc (following the
// change log), search_index_rebuild.cc (a new generation built aside) and search_index_search.cc
// (queries). Nothing outside indexer/ includes this header (the build checks it); the headers of
// indexer/internal/ are the module's only ones that name Xapian types.
#pragma once

#include <xapian.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "indexer/analyzer.h"
#include "indexer/document_builder.h"
#include "indexer/highlighter.h"
#include "indexer/pinyin.h"
#include "indexer/query_builder.h"
#include "indexer/query_words.h"
#include "indexer/search_index.h"
#include "indexer/text_tables.h"
#include "indexer/unit_abbreviations.h"
#include "registry/base/status.h"

namespace tp::indexer {

inline constexpr std::string_view kCurrentFile = "CURRENT";
inline constexpr const char* kMetaLastSeq = "tp.last_seq";
inline constexpr const char* kMetaRegistryId = "tp.registry_id";
inline constexpr const char* kMetaAnalyzer = "tp.analyzer";
inline constexpr int kBatch = 1000;         // changes per committed batch
inline constexpr int kRebuildBatch = 5000;  // changes per read while rebuilding
// Rebuilding writes persons into small side databases (a few hundred documents each: Xapian
// takes documents into a small database much faster than into a large one), merges each group
// of them into one database on the thread that built them, and merges the groups at the end.
inline constexpr size_t kRebuildPart = 500;     // persons per side database
inline constexpr size_t kRebuildGroup = 10000;  // persons per group, at least
inline constexpr size_t kMaxGroups = 200;       // groups beyond this grow instead (one last merge)
// Between reads of a log that an import is still writing, when the last read found nothing new.
inline constexpr auto kFollowPause = std::chrono::milliseconds(50);
inline constexpr int kBesideNice = 10;  // the build threads' nice value beside a running import
inline constexpr unsigned kMaxBuildThreads = 4;
// Batches built ahead of the writer while catching up: each holds kBatch documents.
inline constexpr size_t kPipelineDepth = 2;
// A catch-up this far behind (and further than the index is large) rebuilds aside instead: side
// databases built on every core and merged are much faster than one growing database.
inline constexpr int64_t kRebuildBehind = 50000;

// Unavailable for another process's write lock, Internal for anything else.
Status FromXapian(const Xapian::Error& e);
// The live generation's name from the CURRENT file; empty when there is none yet.
std::string ReadCurrent(const std::filesystem::path& dir);
// fsync of every file of a directory and of the directory itself.
Status SyncDirectory(const std::filesystem::path& dir);
// Threads building side databases: the cores there are, within bounds.
unsigned BuildThreads(size_t parts);
// Internal for a rowid that cannot be a Xapian document id (document ids are rowids).
Status RowidInRange(int64_t rowid);
// A number from index metadata; 0 for empty or malformed text.
int64_t ParseInt(const std::string& s);
// The index document of a built record.
Xapian::Document ToDocument(const BuiltDocument& built);

// A bounded hand-over between two threads. Close() wakes both sides: Push then refuses, Pop
// hands out what is left and then nothing.
template <typename T>
class Channel {
 public:
  explicit Channel(size_t capacity) : capacity_(capacity) {}

  bool Push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  std::optional<T> Pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  void Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  bool closed_ = false;
};

class SearchIndex::Impl {
 public:
  Impl(std::filesystem::path dir, const TextTables& tables, registry::ReferenceData reference,
       const UnitAbbreviations& abbreviations);

  // search_index.cc: the directory and its generations. Init creates the first one when there
  // is none; SwapCurrent names another one live, atomically.
  Status Init();
  Status SwapCurrent(const std::string& generation);
  StatusOr<IndexInfo> Info() const;

  // search_index_catch_up.cc
  StatusOr<CatchUpStats> CatchUp(ChangeSource& source);
  // Applies the changes after `after` to `db`, committing each batch with its seq. One thread
  // reads the log and builds documents while this one writes the previous batch.
  StatusOr<CatchUpStats> Apply(Xapian::WritableDatabase& db, ChangeSource& source, int64_t after);

  // search_index_rebuild.cc
  StatusOr<CatchUpStats> Rebuild(ChangeSource& source, const std::function<bool()>& still_writing,
                                 const RebuildProgress& on_progress);
  StatusOr<CatchUpStats> RebuildLocked(ChangeSource& source,
                                       const std::function<bool()>& still_writing = nullptr,
                                       const RebuildProgress& on_progress = nullptr);

  // search_index_search.cc
  StatusOr<SearchResult> Search(const SearchRequest& request) const;
  void SetSliceFrom(int64_t matches) { slice_from_ = matches; }
  StatusOr<SearchResult> SearchAmong(const SearchRequest& request,
                                     std::span<const int64_t> allowed) const;

 private:
  // One committed batch of the log, its documents built ahead of the writer.
  struct Batch {
    std::vector<std::pair<Xapian::docid, std::optional<Xapian::Document>>> docs;  // none: delete
    int64_t changes = 0;
    int64_t last_seq = 0;
    Status status;  // a failed read: the last item
  };
  // A reader of the live generation, returned to the pool when done.
  struct Reader {
    std::string generation;
    Xapian::Database db;
  };

  // Reads the log after `after` in batches and hands each over built, until the log ends or the
  // writer stops taking them.
  void ProduceBatches(ChangeSource& source, int64_t after, Channel<Batch>& ready);

  // A reader of `generation` (empty: the live one).
  std::unique_ptr<Reader> Acquire(std::string generation = {}) const;
  void Release(std::unique_ptr<Reader> reader) const;
  StatusOr<Xapian::Query> FilterQuery(const SearchRequest& request, int today) const;
  // Search() among `allowed` (ascending document ids) when given, else among everyone.
  StatusOr<SearchResult> Run(const SearchRequest& request,
                             std::shared_ptr<const std::vector<Xapian::docid>> allowed) const;

  const std::filesystem::path dir_;
  Analyzer analyzer_;
  Pinyin pinyin_;
  QueryWords words_;
  QueryBuilder queries_;
  Highlighter highlighter_;
  std::mutex write_mutex_;
  mutable std::mutex pool_mutex_;
  mutable std::vector<std::unique_ptr<Reader>> pool_;
  std::atomic<int64_t> slice_from_{kDefaultSliceFrom};
};

}  // namespace tp::indexer
