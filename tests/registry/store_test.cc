#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "registry/store/store.h"
#include "support/temp_dir.h"

using tp::registry::Person;
using tp::registry::Store;
using tp::registry::UpsertOutcome;
using tp::testing::ReadFileBytes;
using tp::testing::TempDir;

namespace {

Person Sample() {
  Person p;
  p.name = "覃超勇";
  p.gender = "男";
  p.birth_date = "1986-03-07";
  p.ethnic_group = "壮族";
  p.political_affiliation = "九三学社社员";
  p.id_number = "450103198603070031";
  p.phone = "13812345678";
  p.unit_name = "广西大学";
  p.title = "研究员";
  p.fields = {"水稻育种", "作物遗传"};
  p.recommending_unit = "广西壮族自治区科学技术协会";
  p.recommending_unit_type = "省级科协";
  p.province = "45";
  p.tier = "领军人才";
  p.admission_year = 2024;
  p.as_typed = {{"姓名", "覃超勇"}, {"身份证号", "450103198603070031"}};
  return p;
}

std::unique_ptr<Store> Fresh(const TempDir& dir) {
  auto store = Store::Create(dir / "reg");
  REQUIRE(store.ok());
  return std::move(*store);
}

void Upsert(Store& store, Person* p, UpsertOutcome expected) {
  auto batch = store.BeginWrite();
  REQUIRE(batch.ok());
  auto outcome = (*batch)->UpsertPerson(p);
  REQUIRE(outcome.ok());
  CHECK(*outcome == expected);
  REQUIRE((*batch)->Commit().ok());
}

}  // namespace

TEST_CASE("Store: a new registry has the schema, WAL, foreign keys and a private key file",
          "[store]") {
  TempDir dir;
  auto store = Fresh(dir);
  struct stat st {};
  REQUIRE(::stat((dir / "reg/talentpool.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 36);  // one key: its id and its 32 bytes
  CHECK(store->RegistryId().size() == 32);

  SQLite::Database db(dir / "reg/registry.sqlite");
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(db.execAndGet("PRAGMA user_version").getInt() >= 1);
  for (const char* table : {"persons", "units", "rounds", "submissions", "recommendations",
                            "admissions", "honours", "campaigns", "events", "classes", "enrolments",
                            "availability", "tokens", "audit_log", "change_log"}) {
    INFO(table);
    CHECK(db.tableExists(table));
  }
  CHECK(store->CheckIntegrity().ok());
}

static int ModeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 0777);
}

TEST_CASE("Store: the database, its WAL and shared-memory files are readable by their owner only",
          "[store][privacy]") {
  TempDir dir;
  {
    ::umask(022);  // the usual umask, which gave 0644 before
    auto store = Fresh(dir);
    Person p = Sample();
    Upsert(*store, &p, UpsertOutcome::kInserted);
    for (const char* file :
         {"reg/registry.sqlite", "reg/registry.sqlite-wal", "reg/registry.sqlite-shm"}) {
      INFO(file);
      CHECK(ModeOf(dir / file) == 0600);
    }
  }
  // A registry made before this is narrowed when it opens.
  REQUIRE(::chmod((dir / "reg/registry.sqlite").c_str(), 0644) == 0);
  auto reopened = Store::Open(dir / "reg");
  REQUIRE(reopened.ok());
  CHECK(ModeOf(dir / "reg/registry.sqlite") == 0600);
}

TEST_CASE("Store: creating over an existing registry is refused, opening a missing one too",
          "[store]") {
  TempDir dir;
  auto store = Fresh(dir);
  auto again = Store::Create(dir / "reg");
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == tp::StatusCode::kAlreadyExists);
  auto missing = Store::Open(dir / "nothing-here");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == tp::StatusCode::kNotFound);
}

TEST_CASE("Store: the registry identity survives reopening", "[store]") {
  TempDir dir;
  std::string id = Fresh(dir)->RegistryId();
  auto reopened = Store::Open(dir / "reg");
  REQUIRE(reopened.ok());
  CHECK((*reopened)->RegistryId() == id);
}

TEST_CASE("Store: a person is inserted once and updated by ID number, never duplicated",
          "[store]") {
  TempDir dir;
  auto store = Fresh(dir);
  Person p = Sample();
  Upsert(*store, &p, UpsertOutcome::kInserted);
  CHECK(p.public_id == "P0000001");

  Person again = Sample();
  again.title = "";       // empty: keeps what is stored
  again.post = "副院长";  // new value: stored
  Upsert(*store, &again, UpsertOutcome::kUpdated);
  CHECK(again.public_id == "P0000001");

  auto stats = store->Stats();
  REQUIRE(stats.ok());
  CHECK(stats->persons == 1);
  CHECK(stats->admissions == 1);
  CHECK(stats->units == 1);

  auto record = store->GetPerson("P0000001");
  REQUIRE(record.ok());
  CHECK(record->person.title == "研究员");
  CHECK(record->person.post == "副院长");
  CHECK(record->person.fields == std::vector<std::string>{"水稻育种", "作物遗传"});
  CHECK(record->version == 2);
  REQUIRE(record->unit);
  CHECK(record->unit->name == "广西壮族自治区科学技术协会");
  REQUIRE(record->admissions.size() == 1);
  CHECK(record->admissions[0].year == 2024);
  CHECK(record->admissions[0].tier == "领军人才");
}

TEST_CASE("Store: 编号 and 身份证号 naming two different records is a conflict", "[store]") {
  TempDir dir;
  auto store = Fresh(dir);
  Person a = Sample();
  Upsert(*store, &a, UpsertOutcome::kInserted);
  Person b = Sample();
  b.id_number = "110101199001011234";
  b.name = "李四";
  Upsert(*store, &b, UpsertOutcome::kInserted);

  Person clash = Sample();  // a's ID number under b's 编号
  clash.public_id = b.public_id;
  auto batch = store->BeginWrite();
  REQUIRE(batch.ok());
  auto outcome = (*batch)->UpsertPerson(&clash);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.status().code() == tp::StatusCode::kAlreadyExists);
  REQUIRE(outcome.status().details().size() == 1);
  CHECK(outcome.status().details()[0].field == "身份证号");
}

TEST_CASE("Store: ID numbers and phones never reach the database file in plaintext",
          "[store][privacy]") {
  TempDir dir;
  auto store = Fresh(dir);
  Person p = Sample();
  Upsert(*store, &p, UpsertOutcome::kInserted);

  std::string bytes =
      ReadFileBytes(dir / "reg/registry.sqlite") + ReadFileBytes(dir / "reg/registry.sqlite-wal");
  CHECK(bytes.find("450103198603070031") == std::string::npos);
  CHECK(bytes.find("13812345678") == std::string::npos);
  CHECK(bytes.find("覃超勇") != std::string::npos);  // the scan itself can see text

  auto found = store->FindByIdNumber("450103198603070031");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK(**found == p.rowid);
  auto none = store->FindByIdNumber("450103198603070049");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  auto masked = store->GetPerson(p.public_id);
  REQUIRE(masked.ok());
  CHECK(masked->person.id_number.empty());
  CHECK(masked->id_number_mask == "4501**********0031");
  CHECK(masked->phone_mask == "138****5678");
  for (const auto& [column, text] : masked->person.as_typed) CHECK(column != "身份证号");

  auto revealed = store->GetPerson(p.public_id, /*decrypt=*/true);
  REQUIRE(revealed.ok());
  CHECK(revealed->person.id_number == "450103198603070031");
  CHECK(revealed->person.phone == "13812345678");
}

TEST_CASE("Store: a sealed ID number copied to another person's row does not open there",
          "[store][privacy]") {
  TempDir dir;
  auto store = Fresh(dir);
  Person a = Sample();
  Upsert(*store, &a, UpsertOutcome::kInserted);
  Person b;
  b.name = "韦小宝";
  b.id_number = "450103199001011232";
  Upsert(*store, &b, UpsertOutcome::kInserted);
  {
    SQLite::Database db(dir / "reg/registry.sqlite", SQLite::OPEN_READWRITE);
    SQLite::Statement copy(
        db,
        "UPDATE persons SET id_number_enc=(SELECT id_number_enc FROM persons WHERE id=?) "
        "WHERE id=?");
    copy.bind(1, static_cast<int64_t>(a.rowid));
    copy.bind(2, static_cast<int64_t>(b.rowid));
    REQUIRE(copy.exec() == 1);
  }
  CHECK_FALSE(store->LoadPersons({b.rowid}, /*decrypt=*/true).ok());
  auto own = store->LoadPersons({a.rowid}, /*decrypt=*/true);
  REQUIRE(own.ok());
  CHECK(own->front().person.id_number == a.id_number);
}

TEST_CASE("Store: a key file from another registry cannot open the sealed values",
          "[store][privacy]") {
  TempDir dir;
  {
    auto store = Fresh(dir);
    Person p = Sample();
    Upsert(*store, &p, UpsertOutcome::kInserted);
  }
  TempDir other;
  REQUIRE(Store::Create(other / "reg").ok());
  std::filesystem::copy_file(other / "reg/talentpool.key", dir / "reg/talentpool.key",
                             std::filesystem::copy_options::overwrite_existing);
  auto store = Store::Open(dir / "reg");
  REQUIRE(store.ok());
  CHECK_FALSE((*store)->GetPerson("P0000001", true).ok());
  auto found = (*store)->FindByIdNumber("450103198603070031");
  REQUIRE(found.ok());
  CHECK_FALSE(found->has_value());
}

TEST_CASE("Store: every write of a person or their admission appends to the change log",
          "[store]") {
  TempDir dir;
  auto store = Fresh(dir);
  auto before = store->LastSeq();
  REQUIRE(before.ok());
  CHECK(*before == 0);
  Person p = Sample();
  Upsert(*store, &p, UpsertOutcome::kInserted);
  auto changes = store->ChangesSince(0, 100);
  REQUIRE(changes.ok());
  REQUIRE(changes->size() >= 2);  // the person, then the admission
  for (const auto& c : *changes) {
    CHECK(c.entity == "person");
    CHECK(c.entity_id == p.rowid);
  }
  auto last = store->LastSeq();
  REQUIRE(last.ok());
  CHECK(*last == changes->back().seq);
  auto after = store->ChangesSince(*last, 100);
  REQUIRE(after.ok());
  CHECK(after->empty());
}

TEST_CASE("Store: a batch dropped without commit leaves nothing behind", "[store]") {
  TempDir dir;
  auto store = Fresh(dir);
  {
    auto batch = store->BeginWrite();
    REQUIRE(batch.ok());
    Person p = Sample();
    REQUIRE((*batch)->UpsertPerson(&p).ok());
  }
  auto stats = store->Stats();
  REQUIRE(stats.ok());
  CHECK(stats->persons == 0);
  CHECK(stats->last_seq == 0);
}

TEST_CASE("Store: tokens are kept as hashes, found while valid and refused once revoked",
          "[store][tokens]") {
  TempDir dir;
  auto store = Fresh(dir);
  Person p = Sample();
  Upsert(*store, &p, UpsertOutcome::kInserted);
  auto staff = store->CreateToken("staff", "", "", "张老师");
  REQUIRE(staff.ok());
  CHECK(staff->rfind("tp_", 0) == 0);
  auto unit = store->CreateToken("unit", "U000001", "", "");
  REQUIRE(unit.ok());
  CHECK_FALSE(store->CreateToken("unit", "U999999", "", "").ok());
  CHECK_FALSE(store->CreateToken("admin", "", "", "").ok());

  auto info = store->FindToken(*unit);
  REQUIRE(info.ok());
  CHECK(info->role == "unit");
  CHECK(info->unit_code == "U000001");
  CHECK_FALSE(store->FindToken("tp_not-a-token").ok());

  std::string bytes =
      ReadFileBytes(dir / "reg/registry.sqlite") + ReadFileBytes(dir / "reg/registry.sqlite-wal");
  CHECK(bytes.find(*staff) == std::string::npos);

  auto staff_info = store->FindToken(*staff);
  REQUIRE(staff_info.ok());
  REQUIRE(store->RevokeToken(staff_info->id).ok());
  CHECK(store->FindToken(*staff).status().code() == tp::StatusCode::kNotFound);
  CHECK(store->RevokeToken(staff_info->id).code() == tp::StatusCode::kNotFound);
  auto list = store->ListTokens();
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK_FALSE(list->front().revoked_at.empty());
}
