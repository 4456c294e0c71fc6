#include "index_test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <random>

namespace tp::indexer::testing {

TempDir::TempDir() {
  std::random_device random;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    const auto candidate = base / ("tp-indexer-" + std::to_string(random()));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate.string();
      return;
    }
  }
  FAIL("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void MemoryLog::Put(IndexRecord record) {
  const int64_t seq = log_.empty() ? 1 : log_.back().seq + 1;
  log_.push_back({seq, record.rowid});
  records_[record.rowid] = std::move(record);
}

void MemoryLog::Remove(int64_t rowid) {
  const int64_t seq = log_.empty() ? 1 : log_.back().seq + 1;
  log_.push_back({seq, rowid});
  records_.erase(rowid);
}

StatusOr<std::vector<Change>> MemoryLog::ChangesSince(int64_t after_seq, int limit) {
  std::vector<Change> out;
  for (const Change& c : log_) {
    if (c.seq > after_seq && static_cast<int>(out.size()) < limit) out.push_back(c);
  }
  return out;
}

StatusOr<std::vector<IndexRecord>> MemoryLog::LoadRecords(const std::vector<int64_t>& rowids) {
  ++loads;
  std::vector<IndexRecord> out;
  for (int64_t rowid : rowids) {
    const auto it = records_.find(rowid);
    if (it == records_.end()) {
      IndexRecord gone;
      gone.rowid = rowid;
      gone.deleted = true;
      out.push_back(gone);
    } else {
      out.push_back(it->second);
    }
  }
  return out;
}

IndexRecord Person(int64_t rowid, const std::string& name, const std::string& unit,
                   const std::string& title) {
  IndexRecord r;
  r.rowid = rowid;
  char id[16];
  std::snprintf(id, sizeof id, "P%07lld", static_cast<long long>(rowid));
  r.person.public_id = id;
  r.person.name = name;
  r.person.unit_name = unit;
  r.person.title = title;
  return r;
}

std::vector<std::string> Names(const SearchResult& result) {
  std::vector<std::string> names;
  for (const SearchHit& h : result.hits) names.push_back(h.name);
  return names;
}

std::unique_ptr<SearchIndex> OpenIndex(const TempDir& dir) {
  auto index = SearchIndex::Open(dir.path() + "/index");
  REQUIRE(index.ok());
  return std::move(index).value();
}

std::unique_ptr<SearchIndex> IndexOf(const TempDir& dir, MemoryLog& log) {
  auto index = OpenIndex(dir);
  REQUIRE(index->CatchUp(log).ok());
  return index;
}

SearchResult Find(const SearchIndex& index, const std::string& query) {
  SearchRequest request;
  request.query = query;
  request.facets = false;
  auto result = index.Search(request);
  INFO("query: " << query);
  REQUIRE(result.ok());
  return std::move(result).value();
}

}  // namespace tp::indexer::testing
