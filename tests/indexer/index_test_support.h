// Support for the indexer tests: a temporary directory, an in-memory change log standing in for
// the registry's (append a record, get a seq), and a small pool of people built in the test.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "indexer/change_source.h"
#include "indexer/index_record.h"
#include "indexer/search_index.h"

namespace tp::indexer::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A change log in memory: every Put/Remove appends a change, as the registry does on each write.
class MemoryLog : public ChangeSource {
 public:
  explicit MemoryLog(std::string registry_id = "registry-test")
      : registry_id_(std::move(registry_id)) {}

  void Put(IndexRecord record);
  void Remove(int64_t rowid);

  StatusOr<std::string> RegistryId() override { return registry_id_; }
  StatusOr<int64_t> LastSeq() override { return log_.empty() ? 0 : log_.back().seq; }
  StatusOr<std::vector<Change>> ChangesSince(int64_t after_seq, int limit) override;
  StatusOr<std::vector<IndexRecord>> LoadRecords(const std::vector<int64_t>& rowids) override;

  int loads = 0;  // LoadRecords calls

 private:
  std::string registry_id_;
  std::vector<Change> log_;
  std::map<int64_t, IndexRecord> records_;
};

// A person with the fields most tests need; `rowid` also makes the public id P000000<rowid>.
IndexRecord Person(int64_t rowid, const std::string& name, const std::string& unit = "",
                   const std::string& title = "");

// Names of the hits, best first.
std::vector<std::string> Names(const SearchResult& result);

// The index in `dir`/index, opened (created when new), failing the test on an error.
std::unique_ptr<SearchIndex> OpenIndex(const TempDir& dir);

// OpenIndex, caught up with `log`.
std::unique_ptr<SearchIndex> IndexOf(const TempDir& dir, MemoryLog& log);

// Searches `index` for `query` (10 hits, no facets), failing the test on an error.
SearchResult Find(const SearchIndex& index, const std::string& query);

}  // namespace tp::indexer::testing
