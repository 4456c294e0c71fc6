#include "registry/store/backup.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "support/temp_dir.h"

using tp::registry::Person;
using tp::registry::Store;
using tp::testing::ReadFileBytes;
using tp::testing::TempDir;

namespace {

std::unique_ptr<Store> Fresh(const std::string& dir) {
  auto store = Store::Create(dir);
  REQUIRE(store.ok());
  return std::move(*store);
}

void Add(Store& store, const std::string& name, const std::string& id_number) {
  Person p;
  p.name = name;
  p.id_number = id_number;
  auto batch = store.BeginWrite();
  REQUIRE(batch.ok());
  REQUIRE((*batch)->UpsertPerson(&p).ok());
  REQUIRE((*batch)->Commit().ok());
}

int64_t Persons(Store& store) {
  auto stats = store.Stats();
  REQUIRE(stats.ok());
  return stats->persons;
}

}  // namespace

TEST_CASE("Backup: a snapshot restores the registry as it was, under a new identity", "[backup]") {
  TempDir dir;
  auto store = Fresh(dir / "reg");
  Add(*store, "覃超勇", "450103198603070038");
  Add(*store, "韦小宝", "450103199001011232");
  auto backup = tp::registry::BackupTo(*store, dir / "snap.sqlite");
  REQUIRE(backup.ok());
  CHECK(backup->persons == 2);
  std::string snapshot = ReadFileBytes(dir / "snap.sqlite");
  CHECK(snapshot.find("450103198603070038") == std::string::npos);  // sealed in the backup too
  CHECK(snapshot.find("覃超勇") != std::string::npos);
  struct stat mode {};
  REQUIRE(::stat((dir / "snap.sqlite").c_str(), &mode) == 0);
  CHECK((mode.st_mode & 0777) == 0600);  // whatever the umask

  Add(*store, "黄飞鸿", "440104197001011234");
  CHECK(Persons(*store) == 3);
  std::string id_before = store->RegistryId();

  auto restored = tp::registry::RestoreFrom(*store, dir / "snap.sqlite");
  REQUIRE(restored.ok());
  CHECK(Persons(*store) == 2);
  CHECK(store->RegistryId() == restored->registry_id);
  CHECK(store->RegistryId() != id_before);
  CHECK(store->CheckIntegrity().ok());
  auto person = store->GetPerson("P0000001", true);
  REQUIRE(person.ok());
  CHECK(person->person.id_number == "450103198603070038");

  // A second process opening the registry sees the restored state.
  auto other = Store::Open(dir / "reg");
  REQUIRE(other.ok());
  CHECK(Persons(**other) == 2);
  CHECK((*other)->RegistryId() == restored->registry_id);
}

TEST_CASE("Backup: a restore refuses another registry's backup and files that are no backup",
          "[backup]") {
  TempDir dir;
  auto mine = Fresh(dir / "mine");
  auto theirs = Fresh(dir / "theirs");
  Add(*mine, "覃超勇", "450103198603070038");
  Add(*theirs, "韦小宝", "450103199001011232");
  REQUIRE(tp::registry::BackupTo(*theirs, dir / "theirs.sqlite").ok());

  auto foreign = tp::registry::RestoreFrom(*mine, dir / "theirs.sqlite");
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.status().code() == tp::StatusCode::kPermissionDenied);
  CHECK(Persons(*mine) == 1);

  tp::testing::WriteFileBytes(dir / "junk.sqlite", "姓名,性别\n张三,男\n");
  auto junk = tp::registry::RestoreFrom(*mine, dir / "junk.sqlite");
  REQUIRE_FALSE(junk.ok());
  CHECK(junk.status().code() == tp::StatusCode::kInvalidArgument);
  CHECK(tp::registry::RestoreFrom(*mine, dir / "missing.sqlite").status().code() ==
        tp::StatusCode::kNotFound);
  CHECK(Persons(*mine) == 1);
}

TEST_CASE("Backup: copied in steps, it is the registry as it was when it began", "[backup]") {
  TempDir dir;
  auto store = Fresh(dir / "reg");
  for (int i = 0; i < 300; ++i) Add(*store, "测试人员" + std::to_string(i), "");
  const int64_t persons = Persons(*store);
  auto seq = store->LastSeq();
  REQUIRE(seq.ok());

  tp::registry::BackupOptions options;
  options.pages_per_step = 2;
  std::vector<std::pair<int64_t, int64_t>> steps;
  options.on_progress = [&](int64_t copied, int64_t total) {
    // A write lands between two steps of the copy, from another connection.
    if (steps.empty()) Add(*store, "后来的人", "450103199001011232");
    steps.emplace_back(copied, total);
  };
  auto backup = tp::registry::BackupTo(*store, dir / "snap.sqlite", options);
  REQUIRE(backup.ok());
  REQUIRE(steps.size() > 10);
  CHECK(steps.front().first == 2 * 4096);
  CHECK(steps.back().first < steps.back().second);
  for (size_t i = 1; i < steps.size(); ++i) CHECK(steps[i].first > steps[i - 1].first);
  CHECK(Persons(*store) == persons + 1);
  CHECK(backup->persons == persons);  // not the one added while it ran
  CHECK(backup->last_seq == *seq);

  auto restored = tp::registry::RestoreFrom(*store, dir / "snap.sqlite");
  REQUIRE(restored.ok());
  CHECK(Persons(*store) == persons);
}
