#include "indexer/search_index.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "indexer/analyzer.h"
#include "indexer/document_builder.h"
#include "indexer/highlighter.h"
#include "indexer/pinyin.h"
#include "indexer/schema.h"
#include "indexer/text_tables.h"

namespace tp::indexer {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kCurrentFile = "CURRENT";
constexpr const char* kMetaLastSeq = "tp.last_seq";
constexpr const char* kMetaRegistryId = "tp.registry_id";
constexpr const char* kMetaAnalyzer = "tp.analyzer";
constexpr int kBatch = 1000;           // changes per committed batch
constexpr int kRebuildBatch = 5000;    // changes per read while rebuilding
// Rebuilding writes persons into small side databases (a few hundred documents each: Xapian
// takes documents into a small database much faster than into a large one), merges each group
// of them into one database on the thread that built them, and merges the groups at the end.
constexpr size_t kRebuildPart = 500;      // persons per side database
constexpr size_t kRebuildGroup = 10000;   // persons per group, at least
constexpr size_t kMaxGroups = 200;        // groups beyond this grow instead (one last merge)
// Between reads of a log that an import is still writing, when the last read found nothing new.
constexpr auto kFollowPause = std::chrono::milliseconds(50);
constexpr int kBesideNice = 10;  // the build threads' nice value beside a running import
constexpr unsigned kMaxBuildThreads = 4;
// Batches built ahead of the writer while catching up: each holds kBatch documents.
constexpr size_t kPipelineDepth = 2;
// A catch-up this far behind (and further than the index is large) rebuilds aside instead: side
// databases built on every core and merged are much faster than one growing database.
constexpr int64_t kRebuildBehind = 50000;
constexpr Xapian::doccount kFallbackBelow = 5;  // fewer matches than this: add homophones
constexpr int kMaxPage = 1000;
constexpr Xapian::termcount kWildcardTerms = 200;
constexpr Xapian::doccount kFacetSample = 5000;
// BM25 without length normalisation (b = 0). A record is a person, not a page of free length:
// a longer record is somebody with more achievements and posts, and a word it repeats is no
// sign of padding. Normalising would also read each match's length from the index, which on
// a large pool costs more than the rest of a name search (王芳 among 1,000,000 people: 0.80 ms
// with b = 0.3, 0.16 ms without).
Xapian::BM25Weight RecordWeight() { return Xapian::BM25Weight(1.2, 0, 1, 0, 0.5); }

Status FromXapian(const Xapian::Error& e) {
  if (std::string_view(e.get_type()) == "DatabaseLockError") {
    return Unavailable("检索索引正在被另一进程更新，请稍后重试");
  }
  return Internal(std::string("检索索引出错（") + e.get_type() + "）：" + e.get_msg());
}

int Today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return (local.tm_year + 1900) * 10000 + (local.tm_mon + 1) * 100 + local.tm_mday;
}

// Counts facet values of every match: one slot holds them all (schema.h).
class FacetSpy : public Xapian::MatchSpy {
 public:
  explicit FacetSpy(int today) : today_(today) {}

  void operator()(const Xapian::Document& doc, double) override {
    ++seen_;
    const std::string facets = doc.get_value(kSlotFacets);
    size_t at = 0;
    while (at < facets.size()) {
      const auto index = static_cast<unsigned char>(facets[at]);
      const size_t end = facets.find('\x1f', at + 1);
      if (end == std::string::npos) break;
      const std::string_view value = std::string_view(facets).substr(at + 1, end - at - 1);
      if (index < counts_.size()) {
        Count(index, value);
      } else if (index == static_cast<unsigned char>(kFacetBirthDate)) {
        int birth = 0;
        std::from_chars(value.data(), value.data() + value.size(), birth);
        const std::string_view band = AgeBand(birth, today_);
        if (!band.empty()) Count(kAgeIndex, band);
      }
      at = end + 1;
    }
  }
  std::string name() const override { return "tp.FacetSpy"; }
  int64_t seen() const { return seen_; }

  // Counts over the matches seen; when the spy saw only a part of `matches`, scaled up to them.
  std::vector<std::pair<std::string, std::vector<FacetValue>>> Result(int64_t matches) const {
    const double scale = seen_ > 0 && matches > seen_ ? static_cast<double>(matches) / static_cast<double>(seen_) : 1.0;
    std::vector<std::pair<std::string, std::vector<FacetValue>>> out;
    for (size_t i = 0; i < counts_.size(); ++i) {
      std::vector<FacetValue> values;
      for (const auto& [value, count] : counts_[i]) {
        values.push_back({value, static_cast<int64_t>(static_cast<double>(count) * scale + 0.5)});
      }
      std::sort(values.begin(), values.end(), [](const FacetValue& a, const FacetValue& b) {
        return a.count != b.count ? a.count > b.count : a.value < b.value;
      });
      out.emplace_back(std::string(kFilterNames[i]), std::move(values));
    }
    return out;
  }

 private:
  static constexpr size_t kAgeIndex =
      static_cast<size_t>(std::find(std::begin(kFilterNames), std::end(kFilterNames), "age_band") -
                          std::begin(kFilterNames));
  // Looked up by the bytes of the value, without a string made for each value of each match.
  struct ValueHash {
    using is_transparent = void;
    size_t operator()(std::string_view v) const { return std::hash<std::string_view>()(v); }
  };
  void Count(size_t index, std::string_view value) {
    auto& counts = counts_[index];
    const auto it = counts.find(value);
    if (it != counts.end()) {
      ++it->second;
    } else {
      counts.emplace(std::string(value), 1);
    }
  }

  int today_;
  int64_t seen_ = 0;
  std::array<std::unordered_map<std::string, int64_t, ValueHash, std::equal_to<>>, std::size(kFilterNames)> counts_;
};

Xapian::Query ToXapian(const QueryNode& node) {
  using Op = QueryNode::Op;
  switch (node.op) {
    case Op::kNothing:
      return Xapian::Query();
    case Op::kAll:
      return Xapian::Query::MatchAll;
    case Op::kTerm:
      return Xapian::Query(node.term);
    case Op::kWildcard:
      // One character in a text: the pairs it begins. The most frequent ones are enough to rank.
      return Xapian::Query(Xapian::Query::OP_WILDCARD, node.term, kWildcardTerms,
                           Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    case Op::kScale:
      return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, ToXapian(node.children.at(0)), node.factor);
    default:
      break;
  }
  std::vector<Xapian::Query> children;
  children.reserve(node.children.size());
  for (const QueryNode& c : node.children) children.push_back(ToXapian(c));
  Xapian::Query::op op = Xapian::Query::OP_AND;
  switch (node.op) {
    case Op::kOr: op = Xapian::Query::OP_OR; break;
    case Op::kAndMaybe: op = Xapian::Query::OP_AND_MAYBE; break;
    case Op::kPhrase:
      return Xapian::Query(Xapian::Query::OP_PHRASE, children.begin(), children.end(),
                           static_cast<Xapian::termcount>(children.size()));
    default: break;
  }
  return Xapian::Query(op, children.begin(), children.end());
}

std::string ReadCurrent(const fs::path& dir) {
  std::ifstream in(dir / kCurrentFile);
  std::string name;
  std::getline(in, name);
  return name;
}

// fsync of every file of a directory and of the directory itself.
Status SyncDirectory(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      if (fd >= 0) ::close(fd);
      return Internal("无法写入检索索引文件：" + entry.path().string());
    }
    ::close(fd);
  }
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  return ec ? Internal("无法读取检索索引目录：" + dir.string()) : Status::Ok();
}

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

// Threads building side databases: the cores there are, within bounds.
unsigned BuildThreads(size_t parts) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<size_t>({cores, kMaxBuildThreads, std::max<size_t>(parts, 1)}));
}

Status RowidInRange(int64_t rowid) {
  if (rowid <= 0 || rowid > static_cast<int64_t>(UINT32_MAX)) {
    return Internal("人员编号超出检索索引范围：" + std::to_string(rowid));
  }
  return Status::Ok();
}

int64_t ParseInt(const std::string& s) {
  try {
    return s.empty() ? 0 : std::stoll(s);
  } catch (...) {
    return 0;
  }
}

}  // namespace

class SearchIndex::Impl {
 public:
  Impl(fs::path dir, const TextTables& tables)
      : dir_(std::move(dir)),
        analyzer_(tables),
        pinyin_(tables),
        queries_(analyzer_, pinyin_),
        highlighter_(analyzer_, pinyin_) {}

  Status Init() {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return Internal("无法创建检索索引目录：" + dir_.string());
    if (!ReadCurrent(dir_).empty()) return Status::Ok();
    const std::string generation = "gen-000001";
    Xapian::WritableDatabase db((dir_ / generation).string(), Xapian::DB_CREATE_OR_OPEN);
    db.set_metadata(kMetaAnalyzer, AnalyzerVersion());
    db.set_metadata(kMetaLastSeq, "0");
    db.commit();
    db.close();
    return SwapCurrent(generation);
  }

  Status SwapCurrent(const std::string& generation) {
    const fs::path tmp = dir_ / (std::string(kCurrentFile) + ".tmp");
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << generation << "\n";
      out.flush();
      if (!out) return Internal("无法写入检索索引指针文件");
    }
    std::error_code ec;
    fs::rename(tmp, dir_ / kCurrentFile, ec);  // atomic: readers see the old or the new name
    if (ec) return Internal("无法切换检索索引：" + ec.message());
    const int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    return Status::Ok();
  }

  // One committed batch of the log, its documents built ahead of the writer.
  struct Batch {
    std::vector<std::pair<Xapian::docid, std::optional<Xapian::Document>>> docs;  // none: delete
    int64_t changes = 0;
    int64_t last_seq = 0;
    Status status;  // a failed read: the last item
  };

  // Applies the changes after `after` to `db`, committing each batch with its seq. One thread
  // reads the log and builds documents while this one writes the previous batch.
  StatusOr<CatchUpStats> Apply(Xapian::WritableDatabase& db, ChangeSource& source, int64_t after) {
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

  // Reads the log after `after` in batches and hands each over built, until the log ends or the
  // writer stops taking them.
  void ProduceBatches(ChangeSource& source, int64_t after, Channel<Batch>& ready) {
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

  static Xapian::Document ToDocument(const BuiltDocument& built) {
    Xapian::Document doc;
    for (const auto& p : built.postings) {
      if (p.position == 0) {
        doc.add_term(p.term);
      } else {
        doc.add_posting(p.term, p.position);
      }
    }
    for (const std::string& t : built.boolean_terms) doc.add_boolean_term(t);
    for (const auto& [slot, value] : built.values) doc.add_value(slot, value);
    doc.set_data(built.stored.Encode());
    return doc;
  }

  StatusOr<CatchUpStats> CatchUp(ChangeSource& source) {
    std::unique_lock lock(write_mutex_);
    auto registry_id = source.RegistryId();
    if (!registry_id.ok()) return registry_id.status();
    auto source_last_seq = source.LastSeq();
    if (!source_last_seq.ok()) return source_last_seq.status();
    bool must_rebuild = false;
    StatusOr<CatchUpStats> stats = Status(StatusCode::kInternal, "");
    try {
      const std::string generation = ReadCurrent(dir_);
      Xapian::WritableDatabase db((dir_ / generation).string(), Xapian::DB_OPEN);
      const std::string known_id = db.get_metadata(kMetaRegistryId);
      const int64_t last_seq = ParseInt(db.get_metadata(kMetaLastSeq));
      const auto documents = static_cast<int64_t>(db.get_doccount());
      if (db.get_metadata(kMetaAnalyzer) != AnalyzerVersion() ||
          (!known_id.empty() && known_id != *registry_id) ||
          (known_id.empty() && documents > 0) ||
          // The registry is older than the index (an earlier backup restored under the same
          // identity): the index holds changes the registry no longer has.
          last_seq > *source_last_seq ||
          *source_last_seq - last_seq > std::max(kRebuildBehind, documents)) {
        must_rebuild = true;
      } else {
        if (known_id.empty()) db.set_metadata(kMetaRegistryId, *registry_id);
        stats = Apply(db, source, last_seq);
        if (stats.ok()) db.commit();
      }
    } catch (const Xapian::Error& e) {
      return FromXapian(e);
    }
    if (must_rebuild) return RebuildLocked(source);
    return stats;
  }

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
  StatusOr<CatchUpStats> BuildGeneration(ChangeSource& source, const std::string& registry_id,
                                         const fs::path& path, const std::function<bool()>& still_writing) {
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

  StatusOr<CatchUpStats> Rebuild(ChangeSource& source, const std::function<bool()>& still_writing) {
    std::unique_lock lock(write_mutex_);
    return RebuildLocked(source, still_writing);
  }

  StatusOr<CatchUpStats> RebuildLocked(ChangeSource& source, const std::function<bool()>& still_writing = nullptr) {
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

  // A reader of the live generation, returned to the pool when done.
  struct Reader {
    std::string generation;
    Xapian::Database db;
  };

  std::unique_ptr<Reader> Acquire() const {
    const std::string generation = ReadCurrent(dir_);
    std::unique_ptr<Reader> reader;
    {
      std::lock_guard lock(pool_mutex_);
      while (!pool_.empty()) {
        std::unique_ptr<Reader> candidate = std::move(pool_.back());
        pool_.pop_back();
        if (candidate->generation == generation) {
          reader = std::move(candidate);
          break;
        }
      }
    }
    if (reader) {
      reader->db.reopen();  // cheap when nothing was committed since
    } else {
      reader = std::make_unique<Reader>(Reader{generation, Xapian::Database((dir_ / generation).string())});
    }
    return reader;
  }

  void Release(std::unique_ptr<Reader> reader) const {
    std::lock_guard lock(pool_mutex_);
    if (pool_.size() < 16) pool_.push_back(std::move(reader));
  }

  StatusOr<Xapian::Query> FilterQuery(const SearchRequest& request, int today) const {
    std::map<std::string, std::vector<Xapian::Query>> by_name;
    for (const auto& [name, value] : request.filters) {
      if (!IsFilterName(name)) {
        return InvalidArgument("字段「筛选条件」：不支持「" + name + "」",
                               {{"筛选条件", "不支持「" + name + "」"}});
      }
      if (name == "age_band") {
        const auto band = std::find(std::begin(kAgeBands), std::end(kAgeBands), value);
        if (band == std::end(kAgeBands)) {
          return InvalidArgument("字段「年龄段」：应为 35岁及以下、36-45岁、46-55岁 或 56岁及以上",
                                 {{"年龄段", "应为 35岁及以下、36-45岁、46-55岁 或 56岁及以上"}});
        }
        // Age a <= A  <=>  birth > today - (A+1) years, on YYYYMMDD numbers.
        static constexpr int kUpper[] = {35, 45, 55, 200};
        const auto i = static_cast<size_t>(band - std::begin(kAgeBands));
        const int lowest = today - (kUpper[i] + 1) * 10000 + 1;
        const int highest = i == 0 ? today : today - (kUpper[i - 1] + 1) * 10000;
        by_name[name].emplace_back(Xapian::Query::OP_VALUE_RANGE, kSlotBirthDate,
                                   Xapian::sortable_serialise(lowest), Xapian::sortable_serialise(highest));
        continue;
      }
      by_name[name].emplace_back(std::string(kFilterPrefix) + name + ":" + value);
    }
    std::vector<Xapian::Query> all;
    for (auto& [name, alternatives] : by_name) {
      all.emplace_back(Xapian::Query::OP_OR, alternatives.begin(), alternatives.end());
    }
    if (all.empty()) return Xapian::Query();
    return Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end());
  }

  StatusOr<SearchResult> Search(const SearchRequest& request) const {
    if (request.page < 1 || request.page > kMaxPage) {
      return InvalidArgument("字段「页码」：应为 1 到 " + std::to_string(kMaxPage) + " 之间的整数",
                             {{"页码", "应为 1 到 " + std::to_string(kMaxPage) + " 之间的整数"}});
    }
    if (request.size < 1 || request.size > 100) {
      return InvalidArgument("字段「每页条数」：应为 1 到 100 之间的整数", {{"每页条数", "应为 1 到 100 之间的整数"}});
    }
    const int today = request.today > 0 ? request.today : Today();
    auto filter = FilterQuery(request, today);
    if (!filter.ok()) return filter.status();

    std::unique_ptr<Reader> reader;
    try {
      reader = Acquire();
      auto plan = queries_.Build(request.query, request.resolve_id, [&](std::string_view term) {
        return reader->db.term_exists(std::string(term));
      });
      if (!plan.ok()) {
        Release(std::move(reader));
        return plan.status();
      }
      SearchResult result;
      result.page = request.page;
      result.size = request.size;
      const auto run = [&](const QueryNode& node, FacetSpy* spy) {
        Xapian::Query query = ToXapian(node);
        if (!filter->empty()) {
          query = node.op == QueryNode::Op::kAll ? *filter
                                                 : Xapian::Query(Xapian::Query::OP_FILTER, query, *filter);
        }
        Xapian::Enquire enquire(reader->db);
        enquire.set_query(query);
        enquire.set_weighting_scheme(RecordWeight());
        switch (request.sort) {
          case SortOrder::kRelevance: break;
          case SortOrder::kAdmissionYearDesc:
            enquire.set_sort_by_value_then_relevance(kSlotAdmissionYear, true);
            break;
          case SortOrder::kAdmissionYearAsc:
            enquire.set_sort_by_value_then_relevance(kSlotAdmissionYear, false);
            break;
          case SortOrder::kYoungestFirst:
            enquire.set_sort_by_value_then_relevance(kSlotBirthDate, true);
            break;
          case SortOrder::kOldestFirst:
            enquire.set_sort_by_value_then_relevance(kSlotBirthDate, false);
            break;
        }
        if (spy != nullptr) enquire.add_matchspy(spy);
        // Facets count every match up to kFacetSample, and a sample scaled up beyond it: a query
        // matching most of a large pool stays fast.
        const Xapian::doccount check = spy != nullptr ? kFacetSample : 100;
        return enquire.get_mset(static_cast<Xapian::doccount>((request.page - 1) * request.size),
                                static_cast<Xapian::doccount>(request.size), check);
      };
      FacetSpy spy(today);
      Xapian::MSet mset = run(plan->query, request.facets ? &spy : nullptr);
      // Asked only when the query finds almost nobody: each lookup reads the index.
      const auto someone_has_the_name = [&] {
        return std::any_of(plan->exact_name_terms.begin(), plan->exact_name_terms.end(),
                           [&](const std::string& term) { return reader->db.term_exists(term); });
      };
      std::optional<QueryNode> with_homophones;
      if (mset.get_matches_estimated() < kFallbackBelow && !someone_has_the_name()) {
        // Homophones only for the words that find (almost) nobody by themselves: a word that
        // finds many people alone was typed right, whatever the others find. Xapian's estimate
        // from the terms' frequencies says so without running the word's query.
        std::vector<bool> use(plan->parts.size(), true);
        if (plan->parts.size() > 1) {
          for (size_t i = 0; i < plan->parts.size(); ++i) {
            if (!plan->homophones[i]) continue;
            Xapian::Enquire alone(reader->db);
            alone.set_query(ToXapian(plan->parts[i]));
            use[i] = alone.get_mset(0, 0).get_matches_estimated() < kFallbackBelow;
          }
        }
        with_homophones = plan->WithHomophones(use);
      }
      if (with_homophones) {
        FacetSpy fallback_spy(today);
        mset = run(*with_homophones, request.facets ? &fallback_spy : nullptr);
        result.homophones = true;
        if (request.facets) {
          result.facets = fallback_spy.Result(mset.get_matches_estimated());
          result.facets_estimated = fallback_spy.seen() < static_cast<int64_t>(mset.get_matches_estimated());
        }
      } else if (request.facets) {
        result.facets = spy.Result(mset.get_matches_estimated());
        result.facets_estimated = spy.seen() < static_cast<int64_t>(mset.get_matches_estimated());
      }
      result.total = mset.get_matches_estimated();
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        const Xapian::Document doc = it.get_document();
        StoredFields stored;
        if (!stored.Decode(doc.get_data())) continue;
        SearchHit hit;
        hit.rowid = *it;
        hit.id = std::move(stored.public_id);
        hit.name = stored.name;
        hit.unit = stored.unit;
        hit.post = stored.post;
        hit.title = stored.title;
        hit.gender = stored.gender;
        hit.birth_date = stored.birth_date;
        hit.ethnic_group = stored.ethnic_group;
        hit.province = stored.province;
        hit.unit_type = stored.unit_type;
        hit.tier = stored.tier;
        hit.recommending_unit = stored.recommending_unit;
        hit.admission_year = stored.admission_year;
        hit.trained = stored.trained;
        hit.score = it.get_weight();
        hit.highlights = highlighter_.Highlight(stored, plan->highlights);
        result.hits.push_back(std::move(hit));
      }
      Release(std::move(reader));
      return result;
    } catch (const Xapian::Error& e) {
      return FromXapian(e);
    }
  }

  StatusOr<IndexInfo> Info() const {
    try {
      auto reader = Acquire();
      IndexInfo info;
      info.generation = reader->generation;
      info.last_seq = ParseInt(reader->db.get_metadata(kMetaLastSeq));
      info.registry_id = reader->db.get_metadata(kMetaRegistryId);
      info.analyzer_version = reader->db.get_metadata(kMetaAnalyzer);
      info.documents = reader->db.get_doccount();
      Release(std::move(reader));
      return info;
    } catch (const Xapian::Error& e) {
      return FromXapian(e);
    }
  }

 private:
  const fs::path dir_;
  Analyzer analyzer_;
  Pinyin pinyin_;
  QueryBuilder queries_;
  Highlighter highlighter_;
  std::mutex write_mutex_;
  mutable std::mutex pool_mutex_;
  mutable std::vector<std::unique_ptr<Reader>> pool_;
};

StatusOr<SortOrder> ParseSortOrder(std::string_view text) {
  if (text.empty() || text == "relevance") return SortOrder::kRelevance;
  if (text == "admission_year" || text == "-admission_year") return SortOrder::kAdmissionYearDesc;
  if (text == "+admission_year") return SortOrder::kAdmissionYearAsc;
  if (text == "age" || text == "+age") return SortOrder::kYoungestFirst;
  if (text == "-age") return SortOrder::kOldestFirst;
  return InvalidArgument("字段「排序」：应为 relevance、admission_year、+admission_year、age 或 -age",
                         {{"排序", "应为 relevance、admission_year、+admission_year、age 或 -age"}});
}

std::string SearchIndex::AnalyzerVersion() {
  auto tables = TextTables::Default();
  char fingerprint[24];
  std::snprintf(fingerprint, sizeof fingerprint, "%016llx",
                tables.ok() ? static_cast<unsigned long long>((*tables)->Fingerprint()) : 0ull);
  std::string version = "a";
  version += std::to_string(kAnalyzerVersion);
  version += '-';
  version += fingerprint;
  return version;
}

StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& directory) {
  auto tables = TextTables::Default();
  if (!tables.ok()) return tables.status();
  auto impl = std::make_unique<Impl>(fs::path(directory), **tables);
  try {
    TP_RETURN_IF_ERROR(impl->Init());
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(impl)));
}

SearchIndex::SearchIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SearchIndex::~SearchIndex() = default;

StatusOr<CatchUpStats> SearchIndex::CatchUp(ChangeSource& source) { return impl_->CatchUp(source); }
StatusOr<CatchUpStats> SearchIndex::Rebuild(ChangeSource& source, const std::function<bool()>& still_writing) {
  return impl_->Rebuild(source, still_writing);
}
StatusOr<SearchResult> SearchIndex::Search(const SearchRequest& request) const { return impl_->Search(request); }
StatusOr<IndexInfo> SearchIndex::Info() const { return impl_->Info(); }

}  // namespace tp::indexer
