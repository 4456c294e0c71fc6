#include "api/audit_log.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "registry/store/store.h"
#include "registry/store/store_api_queries.h"
#include "support/temp_dir.h"

namespace tp::api {
namespace {

constexpr int kThreads = 16, kEach = 25;

// Records kThreads * kEach entries from kThreads threads at once; returns the failures.
int RecordFromManyThreads(AuditLog& log) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        registry::AuditEntry e{"token:" + std::to_string(t), "unit", "check",    "person",
                               "P" + std::to_string(i),      "",     "127.0.0.1"};
        if (!log.Record(e).ok()) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  return failures.load();
}

// A fresh registry and the API's queries on it.
struct Registry {
  testing::TempDir dir;
  std::unique_ptr<registry::Store> store;
  std::unique_ptr<registry::ApiQueries> queries;
  Registry() {
    auto created = registry::Store::Create(dir / "registry");
    REQUIRE(created.ok());
    store = std::move(*created);
    auto opened = registry::ApiQueries::Open(*store);
    REQUIRE(opened.ok());
    queries = std::move(*opened);
  }
};

int64_t Count(registry::ApiQueries& queries, const std::string& actor) {
  registry::AuditQuery q;
  q.action = "check";
  q.actor = actor;
  auto page = queries.QueryAudit(q);
  REQUIRE(page.ok());
  return page->total;
}

TEST_CASE(
    "AuditLog: spooled entries reach the table in few commits, each with the time it was recorded",
    "[api][audit]") {
  Registry r;
  AuditLog log(*r.queries, r.store->Dir());
  REQUIRE(log.spooling());
  const std::string before = registry::AuditTimestampNow();
  CHECK(RecordFromManyThreads(log) == 0);
  REQUIRE(log.Flush().ok());
  CHECK(log.entries() == kThreads * kEach);
  CHECK(log.commits() < static_cast<uint64_t>(kThreads * kEach));
  CHECK(Count(*r.queries, "") == kThreads * kEach);
  CHECK(Count(*r.queries, "token:3") == kEach);
  registry::AuditQuery q;
  q.since = before;
  CHECK(r.queries->QueryAudit(q)->total == kThreads * kEach);
  auto through = r.queries->AuditSpooledThrough();
  REQUIRE(through.ok());
  CHECK(*through >= kThreads * kEach);
}

TEST_CASE("AuditLog: the mover commits spooled entries without being asked", "[api][audit]") {
  Registry r;
  AuditLog log(*r.queries, r.store->Dir());
  REQUIRE(log.Record({"token:1", "staff", "check", "person", "P1", "", "127.0.0.1"}).ok());
  // Every 100 ms; wait up to 10 s so a loaded machine does not fail the test.
  for (int i = 0; i < 1000 && log.entries() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(log.entries() == 1);
  CHECK(Count(*r.queries, "token:1") == 1);
}

TEST_CASE(
    "AuditLog: a second writer on the same registry commits its calls together instead of spooling",
    "[api][audit]") {
  Registry r;
  AuditLog owner(*r.queries, r.store->Dir());
  REQUIRE(owner.spooling());
  AuditLog second(*r.queries, r.store->Dir());
  REQUIRE(!second.spooling());
  CHECK(RecordFromManyThreads(second) == 0);
  // Committed before Record returned: in the table without a flush.
  CHECK(second.entries() == kThreads * kEach);
  CHECK(Count(*r.queries, "") == kThreads * kEach);
  CHECK(second.commits() < static_cast<uint64_t>(kThreads * kEach));
}

TEST_CASE("AuditLog: what a killed writer spooled is moved in by the next one", "[api][audit]") {
  Registry r;
  {
    // A writer that dies with its entries spooled: the spool alone, no flush.
    auto through = r.queries->AuditSpooledThrough();
    REQUIRE(through.ok());
    auto spool = registry::AuditSpool::Open(r.store->Dir(), *through);
    REQUIRE(spool.ok());
    registry::AuditEntry e{"token:9", "unit", "check", "person", "P9", "", "127.0.0.1"};
    e.at = registry::AuditTimestampNow();
    REQUIRE((*spool)->Append(e).ok());
    REQUIRE((*spool)->Append(e).ok());
  }
  CHECK(Count(*r.queries, "token:9") == 0);
  {
    AuditLog next(*r.queries, r.store->Dir());
    CHECK(Count(*r.queries, "token:9") == 2);
  }
  AuditLog third(*r.queries, r.store->Dir());
  CHECK(Count(*r.queries, "token:9") == 2);  // moved once only
}

}  // namespace
}  // namespace tp::api
