// Key rotation: values sealed anew under a new key, online and resumable.
// The kill test runs the built `talentpool rekey` as a process of its own.
#include "registry/store/rekey.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "registry/fields/id_number.h"
#include "registry/store/backup.h"
#include "registry/store/crypto.h"
#include "registry/store/store.h"
#include "support/temp_dir.h"

using tp::registry::Keyring;
using tp::registry::Person;
using tp::registry::Store;
using tp::testing::TempDir;

namespace {

std::string IdNumber(int n) {
  char first17[32];
  std::snprintf(first17, sizeof first17, "11010519800101%03d", n % 1000);
  std::string id = first17;
  return id + tp::registry::ComputeCheckDigit(id);
}

std::string Phone(int n) {
  char phone[16];
  std::snprintf(phone, sizeof phone, "138%08d", n);
  return phone;
}

// `count` people with an ID number (unique while count ≤ 1000) and a phone.
void Fill(Store& store, int count) {
  auto batch = store.BeginWrite();
  REQUIRE(batch.ok());
  for (int i = 0; i < count; ++i) {
    Person p;
    p.name = "测试" + std::to_string(i);
    p.id_number = IdNumber(i);
    p.phone = Phone(i);
    REQUIRE((*batch)->UpsertPerson(&p).ok());
  }
  REQUIRE((*batch)->Commit().ok());
}

// Values of the persons table not sealed under `key_id`.
int64_t NotUnder(const std::string& data, uint32_t key_id) {
  SQLite::Database db(data + "/registry.sqlite", SQLite::OPEN_READONLY);
  SQLite::Statement st(db, "SELECT id_number_enc, phone_enc FROM persons");
  int64_t n = 0;
  while (st.executeStep()) {
    for (int c = 0; c < 2; ++c) {
      SQLite::Column col = st.getColumn(c);
      if (col.isNull()) continue;
      std::string blob(static_cast<const char*>(col.getBlob()), col.getBytes());
      n += Keyring::KeyIdOf(blob) != key_id;
    }
  }
  return n;
}

void CheckEveryValueOpens(Store& store, int count) {
  std::vector<int64_t> rowids;
  for (int i = 1; i <= count; ++i) rowids.push_back(i);
  auto people = store.LoadPersons(rowids, /*decrypt=*/true);
  REQUIRE(people.ok());
  for (const auto& r : *people) {
    const int n = std::stoi(r.person.name.substr(std::string("测试").size()));
    REQUIRE(r.person.id_number == IdNumber(n));
    REQUIRE(r.person.phone == Phone(n));
  }
}

std::string Meta(const std::string& data, const std::string& key) {
  SQLite::Database db(data + "/registry.sqlite", SQLite::OPEN_READONLY);
  SQLite::Statement st(db, "SELECT value FROM meta WHERE key=?");
  st.bind(1, key);
  return st.executeStep() ? st.getColumn(0).getString() : "";
}

}  // namespace

TEST_CASE(
    "Rekey: every value is sealed anew under a new key, and a backup from before still restores",
    "[rekey][crypto]") {
  TempDir dir;
  const std::string data = dir / "reg";
  auto store = Store::Create(data);
  REQUIRE(store.ok());
  Fill(**store, 300);
  REQUIRE(tp::registry::BackupTo(**store, dir / "before.sqlite").ok());
  int64_t seq_before;
  {
    SQLite::Database db(data + "/registry.sqlite", SQLite::OPEN_READONLY);
    seq_before = db.execAndGet("SELECT coalesce(max(seq),0) FROM change_log").getInt64();
  }
  CHECK(NotUnder(data, 2) == 600);
  tp::registry::RekeyOptions options;
  options.batch_rows = 64;
  int batches = 0;
  options.on_batch = [&](const tp::registry::RekeyProgress&) { ++batches; };
  auto done = tp::registry::Rekey(**store, options);
  REQUIRE(done.ok());
  CHECK(done->key_id == 2);
  CHECK_FALSE(done->resumed);
  CHECK(done->resealed == 600);
  CHECK(batches >= 10);
  CHECK(NotUnder(data, 2) == 0);
  CHECK(Meta(data, "rekey_to").empty());
  CheckEveryValueOpens(**store, 300);
  {
    // Sealing anew changes nothing the search shows: no person re-enters the change log.
    SQLite::Database db(data + "/registry.sqlite", SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT coalesce(max(seq),0) FROM change_log").getInt64() == seq_before);
    CHECK(db.execAndGet("SELECT count(*) FROM audit_log WHERE action='rekey'").getInt() == 1);
  }
  // The old key stays in the file: the backup made before the rotation restores.
  auto restored = tp::registry::RestoreFrom(**store, dir / "before.sqlite");
  INFO(restored.status().ToString());
  REQUIRE(restored.ok());
  CheckEveryValueOpens(**store, 300);
}

TEST_CASE("Rekey: killed midway, the next run takes up the same key and finishes",
          "[rekey][crypto][crash]") {
  TempDir dir;
  const std::string data = dir / "reg";
  {
    auto store = Store::Create(data);
    REQUIRE(store.ok());
    Fill(**store, 1000);
  }
  int out[2];
  REQUIRE(::pipe(out) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::execl(TALENTPOOL_BINARY, TALENTPOOL_BINARY, "rekey", "--data", data.c_str(), "--batch", "10",
            nullptr);
    ::_exit(127);
  }
  ::close(out[1]);
  // Killed once a few batches are committed: 2,000 values in batches of 10 take 200 commits.
  std::string seen, line;
  char c;
  int batches = 0;
  while (batches < 5 && ::read(out[0], &c, 1) == 1) {
    seen += c;
    if (c != '\n') {
      line += c;
      continue;
    }
    if (line.rfind("resealed", 0) == 0) ++batches;
    line.clear();
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(out[0]);
  INFO(seen);
  REQUIRE(batches == 5);
  CHECK(Meta(data, "rekey_to") == "2");
  const int64_t left = NotUnder(data, 2);
  CHECK(left > 0);
  CHECK(left < 2000);

  // The second run resumes the rotation to key 2 rather than adding key 3.
  FILE* again = ::popen(
      (std::string(TALENTPOOL_BINARY) + " rekey --data " + data + " --batch 200").c_str(), "r");
  REQUIRE(again != nullptr);
  std::string output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, again) != nullptr) output += buffer;
  CHECK(::pclose(again) == 0);
  INFO(output);
  CHECK(output.find("resuming rotation to key 2") != std::string::npos);
  CHECK(NotUnder(data, 2) == 0);
  CHECK(Meta(data, "rekey_to").empty());
  auto store = Store::Open(data);
  REQUIRE(store.ok());
  CHECK((*store)->Keys().CurrentKeyId() == 2);
  CHECK((*store)->CheckIntegrity().ok());
  CheckEveryValueOpens(**store, 1000);
}
