#include "registry/store/audit_spool.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace tp::registry {
namespace {

AuditEntry Entry(const std::string& object_id) {
  AuditEntry e{"token:7",  "unit", "check", "person", object_id, R"({"by":"id_number"})",
               "127.0.0.1"};
  e.at = "2026-11-21T09:30:00.125Z";
  return e;
}

// Spools P1 and P2 in `dir` and stops without committing them (as if killed).
void SpoolTwoAndStop(const testing::TempDir& dir) {
  auto spool = AuditSpool::Open(dir.path(), 0);
  REQUIRE(spool.ok());
  REQUIRE((*spool)->Append(Entry("P1")).ok());
  REQUIRE((*spool)->Append(Entry("P2")).ok());
}

std::vector<std::string> ObjectIds(const std::vector<SpooledEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.entry.object_id);
  return out;
}

TEST_CASE("AuditSpool: entries survive the process and come back in order, every field intact",
          "[registry][audit]") {
  testing::TempDir dir;
  {
    auto spool = AuditSpool::Open(dir.path(), 0);
    REQUIRE(spool.ok());
    for (const char* id : {"P1", "P2", "P3"}) REQUIRE((*spool)->Append(Entry(id)).ok());
    CHECK((*spool)->pending() == 3);
    // Gone without Take(): as if killed.
  }
  auto again = AuditSpool::Open(dir.path(), 0);
  REQUIRE(again.ok());
  std::vector<SpooledEntry> left = (*again)->Take();
  REQUIRE(ObjectIds(left) == std::vector<std::string>{"P1", "P2", "P3"});
  CHECK(left[0].seq < left[1].seq);
  CHECK(left[1].seq < left[2].seq);
  const AuditEntry& e = left[1].entry;
  CHECK(e.actor == "token:7");
  CHECK(e.role == "unit");
  CHECK(e.action == "check");
  CHECK(e.object_type == "person");
  CHECK(e.detail_json == R"({"by":"id_number"})");
  CHECK(e.remote_addr == "127.0.0.1");
  CHECK(e.at == "2026-11-21T09:30:00.125Z");
  // New entries are numbered after the ones found.
  REQUIRE((*again)->Append(Entry("P4")).ok());
  CHECK((*again)->Take().front().seq > left[2].seq);
}

TEST_CASE(
    "AuditSpool: entries already committed are not offered again, and committed files are emptied",
    "[registry][audit]") {
  testing::TempDir dir;
  int64_t through = 0;
  {
    auto spool = AuditSpool::Open(dir.path(), 0);
    REQUIRE(spool.ok());
    REQUIRE((*spool)->Append(Entry("P1")).ok());
    REQUIRE((*spool)->Append(Entry("P2")).ok());
    auto taken = (*spool)->Take();
    REQUIRE(taken.size() == 2);
    through = taken.back().seq;
    // Appended while the taken ones are being committed: in the other file.
    REQUIRE((*spool)->Append(Entry("P3")).ok());
    // Killed after the commit, before the files were emptied.
  }
  {
    auto spool = AuditSpool::Open(dir.path(), through);
    REQUIRE(spool.ok());
    auto taken = (*spool)->Take();
    REQUIRE(ObjectIds(taken) == std::vector<std::string>{"P3"});
    REQUIRE((*spool)->Committed(taken.back().seq).ok());
    CHECK((*spool)->pending() == 0);
  }
  CHECK(std::filesystem::file_size(dir / "audit-spool-a") == 0);
  CHECK(std::filesystem::file_size(dir / "audit-spool-b") == 0);
}

TEST_CASE("AuditSpool: under steady appends each file is emptied once what it holds is committed",
          "[registry][audit]") {
  testing::TempDir dir;
  auto spool = AuditSpool::Open(dir.path(), 0);
  REQUIRE(spool.ok());
  for (int round = 0; round < 6; ++round) {
    REQUIRE((*spool)->Append(Entry("R" + std::to_string(round))).ok());
    auto taken = (*spool)->Take();
    REQUIRE(taken.size() == 1);
    // An entry arrives between the take and the commit every time.
    REQUIRE((*spool)->Append(Entry("late" + std::to_string(round))).ok());
    REQUIRE((*spool)->Committed(taken.back().seq).ok());
    auto late = (*spool)->Take();
    REQUIRE(late.size() == 1);
    REQUIRE((*spool)->Committed(late.back().seq).ok());
  }
  CHECK(std::filesystem::file_size(dir / "audit-spool-a") == 0);
  CHECK(std::filesystem::file_size(dir / "audit-spool-b") == 0);
}

TEST_CASE("AuditSpool: a failed commit offers the same entries again, before newer ones",
          "[registry][audit]") {
  testing::TempDir dir;
  auto spool = AuditSpool::Open(dir.path(), 0);
  REQUIRE(spool.ok());
  REQUIRE((*spool)->Append(Entry("P1")).ok());
  auto taken = (*spool)->Take();
  REQUIRE((*spool)->Append(Entry("P2")).ok());
  (*spool)->PutBack(std::move(taken));
  CHECK(ObjectIds((*spool)->Take()) == std::vector<std::string>{"P1", "P2"});
}

TEST_CASE("AuditSpool: a torn last entry is cut off and later entries stay readable",
          "[registry][audit]") {
  testing::TempDir dir;
  SpoolTwoAndStop(dir);
  // A power cut in the middle of the second entry: half of it reached the disk.
  const std::string path = dir / "audit-spool-a";
  const std::string bytes = testing::ReadFileBytes(path);
  const auto whole = AuditSpool::ReadFile(path);
  REQUIRE(whole.ok());
  REQUIRE(whole->size() == 2);
  testing::WriteFileBytes(path, bytes.substr(0, bytes.size() - 10));
  REQUIRE(AuditSpool::ReadFile(path)->size() == 1);
  {
    auto spool = AuditSpool::Open(dir.path(), 0);
    REQUIRE(spool.ok());
    REQUIRE((*spool)->Append(Entry("P3")).ok());
  }
  auto spool = AuditSpool::Open(dir.path(), 0);
  REQUIRE(spool.ok());
  CHECK(ObjectIds((*spool)->Take()) == std::vector<std::string>{"P1", "P3"});
}

TEST_CASE("AuditSpool: an altered entry ends the readable part of its file", "[registry][audit]") {
  testing::TempDir dir;
  SpoolTwoAndStop(dir);
  const std::string path = dir / "audit-spool-a";
  std::string bytes = testing::ReadFileBytes(path);
  const size_t at = bytes.rfind("P2");
  REQUIRE(at != std::string::npos);
  bytes[at + 1] = '9';  // the checksum no longer matches
  testing::WriteFileBytes(path, bytes);
  auto read = AuditSpool::ReadFile(path);
  REQUIRE(read.ok());
  CHECK(ObjectIds(*read) == std::vector<std::string>{"P1"});
}

TEST_CASE("AuditSpool: one process at a time owns the spool", "[registry][audit]") {
  testing::TempDir dir;
  auto first = AuditSpool::Open(dir.path(), 0);
  REQUIRE(first.ok());
  auto second = AuditSpool::Open(dir.path(), 0);
  REQUIRE(!second.ok());
  CHECK(second.status().code() == StatusCode::kUnavailable);
  first->reset();
  CHECK(AuditSpool::Open(dir.path(), 0).ok());
}

TEST_CASE("AuditTimestampNow: the format audit_log uses", "[registry][audit]") {
  const std::string at = AuditTimestampNow();
  REQUIRE(at.size() == 24);
  CHECK(at[4] == '-');
  CHECK(at[10] == 'T');
  CHECK(at[19] == '.');
  CHECK(at.back() == 'Z');
}

}  // namespace
}  // namespace tp::registry
