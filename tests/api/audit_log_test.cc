#include <catch2/catch.hpp>

#include <thread>

#include "api/audit_log.h"
#include "registry/store.h"
#include "registry/store_api_queries.h"
#include "support/temp_dir.h"

namespace tp::api {
namespace {

TEST_CASE("AuditLog: calls arriving together share commits, and every entry is recorded", "[api][audit]") {
  testing::TempDir dir;
  auto store = registry::Store::Create(dir / "registry");
  REQUIRE(store.ok());
  auto queries = registry::ApiQueries::Open(**store);
  REQUIRE(queries.ok());
  constexpr int kThreads = 16, kEach = 25;
  uint64_t commits = 0;
  {
    AuditLog log(**queries);
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          registry::AuditEntry e{"token:" + std::to_string(t), "unit", "check", "person", "P" + std::to_string(i), "", "127.0.0.1"};
          if (!log.Record(e).ok()) failures++;
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
    CHECK(log.entries() == kThreads * kEach);
    commits = log.commits();
  }
  registry::AuditQuery q;
  q.action = "check";
  auto page = (*queries)->QueryAudit(q);
  REQUIRE(page.ok());
  CHECK(page->total == kThreads * kEach);
  CHECK(commits < static_cast<uint64_t>(kThreads * kEach));
  q.actor = "token:3";
  CHECK((*queries)->QueryAudit(q)->total == kEach);
}

}  // namespace
}  // namespace tp::api
