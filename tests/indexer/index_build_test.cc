#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "index_test_support.h"
#include "indexer/search_index.h"
#include "indexer/search_json.h"

namespace tp::indexer {
namespace {

using testing::Find;
using testing::MemoryLog;
using testing::Names;
using testing::OpenIndex;
using testing::Person;
using testing::TempDir;

// Names that differ per rowid: a surname and two characters spelling the number.
std::string NumberedName(int64_t i) {
  static const char* kDigits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  std::string name = "欧阳";
  for (int64_t n = i; n > 0; n /= 10) name += kDigits[n % 10];
  return name;
}

TEST_CASE("CatchUp: a backlog of several batches is written in order, each batch committed",
          "[index][catchup][pipeline]") {
  TempDir dir;
  MemoryLog log;
  for (int64_t i = 1; i <= 2500; ++i) log.Put(Person(i, NumberedName(i), "某大学"));
  for (int64_t i = 1; i <= 2500; i += 100) log.Put(Person(i, NumberedName(i), "浙江大学"));
  log.Remove(7);
  auto index = OpenIndex(dir);
  auto stats = index->CatchUp(log);
  REQUIRE(stats.ok());
  CHECK_FALSE(stats->rebuilt);
  CHECK(stats->changes == 2526);
  CHECK(stats->last_seq == 2526);
  // Each batch writes a person once: 999 + 1000 + (500 + the 20 updates of earlier batches'
  // persons). Rowid 7 was already gone when its first change was read: it is never written.
  CHECK(stats->written == 2519);
  auto info = index->Info();
  REQUIRE(info.ok());
  CHECK(info->documents == 2499);
  CHECK(info->last_seq == 2526);
  // The later change of a person wins over the earlier one, in another batch.
  const auto zhejiang = Find(*index, "浙江大学");
  CHECK(zhejiang.total == 25);
  const auto hit = Find(*index, NumberedName(2401));
  REQUIRE_FALSE(hit.hits.empty());
  CHECK(hit.hits[0].rowid == 2401);
  CHECK(hit.hits[0].unit == "浙江大学");
  for (const auto& h : Find(*index, NumberedName(7)).hits) CHECK(h.rowid != 7);
}

TEST_CASE("Rebuild: side databases built on several threads keep every person under their rowid",
          "[index][rebuild][pipeline]") {
  TempDir dir;
  MemoryLog log;
  // Rowids with gaps, more than one side database's worth.
  for (int64_t i = 1; i <= 3100; ++i) log.Put(Person(i * 3, NumberedName(i * 3), "某研究所"));
  auto index = OpenIndex(dir);
  auto stats = index->Rebuild(log);
  REQUIRE(stats.ok());
  CHECK(stats->rebuilt);
  CHECK(stats->written == 3100);
  CHECK(index->Info()->documents == 3100);
  for (int64_t rowid : {3, 2997, 3000, 3003, 9300}) {
    const auto result = Find(*index, NumberedName(rowid));
    REQUIRE_FALSE(result.hits.empty());
    CHECK(result.hits[0].rowid == rowid);
    CHECK(result.hits[0].name == NumberedName(rowid));
  }
  CHECK_FALSE(
      std::filesystem::exists(dir.path() + "/index/" + index->Info()->generation + ".parts"));
}

// MemoryLog behind a mutex: the test writes it while the index's build threads read it.
class LockedLog : public ChangeSource {
 public:
  void Put(IndexRecord record) {
    std::lock_guard lock(mutex_);
    log_.Put(std::move(record));
  }
  void Remove(int64_t rowid) {
    std::lock_guard lock(mutex_);
    log_.Remove(rowid);
  }
  StatusOr<std::string> RegistryId() override {
    std::lock_guard lock(mutex_);
    return log_.RegistryId();
  }
  StatusOr<int64_t> LastSeq() override {
    std::lock_guard lock(mutex_);
    return log_.LastSeq();
  }
  StatusOr<std::vector<Change>> ChangesSince(int64_t after_seq, int limit) override {
    std::lock_guard lock(mutex_);
    return log_.ChangesSince(after_seq, limit);
  }
  StatusOr<std::vector<IndexRecord>> LoadRecords(const std::vector<int64_t>& rowids) override {
    std::lock_guard lock(mutex_);
    loaded_.insert(rowids.begin(), rowids.end());
    loaded_changed_.notify_all();
    return log_.LoadRecords(rowids);
  }
  // Waits (a minute at most) until `rowid` has been loaded.
  bool WaitUntilLoaded(int64_t rowid) {
    std::unique_lock lock(mutex_);
    return loaded_changed_.wait_for(lock, std::chrono::minutes(1),
                                    [&] { return loaded_.count(rowid) > 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable loaded_changed_;
  std::set<int64_t> loaded_;
  MemoryLog log_;
};

TEST_CASE("Rebuild: following a log still being written indexes each person as last written",
          "[index][rebuild][follow]") {
  TempDir dir;
  LockedLog log;
  auto index = OpenIndex(dir);
  // The writer, asked before each read of the log: three batches of 4,000 new persons (enough
  // for a group to be cut and built while writing goes on), then changes to persons of that
  // group, then a last new person, then the writing ends.
  int asked = 0;
  int64_t next = 0;
  const auto writer = [&] {
    ++asked;
    if (asked <= 3) {
      for (int i = 0; i < 4000; ++i, ++next)
        log.Put(Person(next + 1, NumberedName(next + 1), "某研究所"));
      return true;
    }
    if (asked == 4) {
      // Once the first persons are loaded to be built, so that only a second writing of them
      // can bring these changes in.
      REQUIRE(log.WaitUntilLoaded(7));
      auto renamed = Person(5, "司马改名", "浙江大学");
      log.Put(renamed);
      log.Remove(7);
      log.Put(Person(12001, NumberedName(12001), "某研究所"));
      return true;
    }
    return false;
  };
  auto stats = index->Rebuild(log, writer);
  REQUIRE(stats.ok());
  CHECK(stats->rebuilt);
  CHECK(asked >= 5);
  CHECK(stats->changes == 12003);
  const auto info = index->Info();
  REQUIRE(info.ok());
  CHECK(info->documents == 12000);  // 12,001 written, rowid 7 removed
  CHECK(info->last_seq == 12003);
  // The persons changed after their group was cut are as last written.
  const auto renamed = Find(*index, "司马改名");
  REQUIRE(renamed.hits.size() == 1);
  CHECK(renamed.hits[0].rowid == 5);
  CHECK(renamed.hits[0].unit == "浙江大学");
  for (const auto& h : Find(*index, NumberedName(5)).hits) CHECK(h.rowid != 5);
  for (const auto& h : Find(*index, NumberedName(7)).hits) CHECK(h.rowid != 7);
  for (int64_t rowid : {1, 9999, 10000, 10001, 12000, 12001}) {
    const auto found = Find(*index, NumberedName(rowid));
    REQUIRE_FALSE(found.hits.empty());
    CHECK(found.hits[0].rowid == rowid);
  }
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/index/" + info->generation + ".parts"));
}

TEST_CASE("CatchUp: an index ahead of its registry (an older backup restored) is rebuilt",
          "[index][catchup]") {
  TempDir dir;
  MemoryLog newer("registry-same");
  newer.Put(Person(1, "张三", "清华大学"));
  newer.Put(Person(2, "李四", "北京大学"));
  newer.Put(Person(3, "王五", "南开大学"));
  auto index = OpenIndex(dir);
  REQUIRE(index->CatchUp(newer).ok());
  REQUIRE(index->Info()->last_seq == 3);

  // The backup was taken after the first change only; its identity is the same.
  MemoryLog older("registry-same");
  older.Put(Person(1, "张三", "复旦大学"));
  auto stats = index->CatchUp(older);
  REQUIRE(stats.ok());
  CHECK(stats->rebuilt);
  CHECK(index->Info()->last_seq == 1);
  CHECK(index->Info()->documents == 1);
  CHECK(Names(Find(*index, "李四")).empty());
  CHECK(Names(Find(*index, "复旦大学")) == std::vector<std::string>{"张三"});

  // Caught up with the same registry, nothing is rebuilt again.
  auto again = index->CatchUp(older);
  REQUIRE(again.ok());
  CHECK_FALSE(again->rebuilt);
  CHECK(again->changes == 0);
}

IndexRecord Trained(int64_t rowid, const std::string& name,
                    std::vector<std::pair<int, std::string>> trainings) {
  auto r = Person(rowid, name, "某单位");
  for (const auto& [year, state] : trainings)
    r.trainings.push_back({"T" + std::to_string(year), year, state});
  return r;
}

TEST_CASE("Search: trained_year finds who attended a training that year and counts each year",
          "[search][filters]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Trained(1, "甲", {{2023, "attended"}, {2024, "attended"}}));
  log.Put(Trained(2, "乙", {{2024, "已参加"}}));
  log.Put(Trained(3, "丙", {{2024, "invited"}, {2025, "attended"}}));  // invited: not trained
  log.Put(Trained(4, "丁", {}));
  auto index = OpenIndex(dir);
  REQUIRE(index->CatchUp(log).ok());
  const auto names_with = [&](std::vector<std::pair<std::string, std::string>> filters) {
    SearchRequest request;
    request.facets = false;
    request.filters = std::move(filters);
    auto result = index->Search(request);
    REQUIRE(result.ok());
    auto names = Names(*result);
    std::sort(names.begin(), names.end());
    return names;
  };
  using V = std::vector<std::string>;
  CHECK(names_with({{"trained_year", "2024"}}) == V{"乙", "甲"});
  CHECK(names_with({{"trained_year", "2023"}}) == V{"甲"});
  CHECK(names_with({{"trained_year", "2023"}, {"trained_year", "2025"}}) == V{"丙", "甲"});
  CHECK(names_with({{"trained_year", "2022"}}).empty());
  // A year that is no year is refused, naming the filter, rather than answered with nobody.
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"trained_year", "abc"},
                                                        {"trained_year", "24"},
                                                        {"year", "２０２４年"},
                                                        {"trained", "maybe"}}) {
    INFO(name << "=" << value);
    SearchRequest bad;
    bad.filters = {{name, value}};
    auto refused = index->Search(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == StatusCode::kInvalidArgument);
    REQUIRE(refused.status().details().size() == 1);
  }

  SearchRequest all;
  auto result = index->Search(all);
  REQUIRE(result.ok());
  std::vector<std::pair<std::string, int64_t>> counts;
  for (const auto& [name, values] : result->facets) {
    if (name != "trained_year") continue;
    for (const auto& v : values) counts.emplace_back(v.value, v.count);
  }
  CHECK(counts ==
        std::vector<std::pair<std::string, int64_t>>{{"2024", 2}, {"2023", 1}, {"2025", 1}});
  const auto json = nlohmann::json::parse(SearchResultToJson(*result));
  CHECK(json["facets"]["trained_year"][0]["value"] == "2024");
  CHECK(json["facets"]["trained_year"][0]["count"] == 2);

  // The API's and the command line's parameters: repeatable, like the other filters.
  auto request =
      SearchRequestFromParams({{"q", ""}, {"trained_year", "2023"}, {"trained_year", "2025"}});
  REQUIRE(request.ok());
  CHECK(request->filters == std::vector<std::pair<std::string, std::string>>{
                                {"trained_year", "2023"}, {"trained_year", "2025"}});
  auto searched = index->Search(*request);
  REQUIRE(searched.ok());
  auto names = Names(*searched);
  std::sort(names.begin(), names.end());
  CHECK(names == V{"丙", "甲"});
}

}  // namespace
}  // namespace tp::indexer
