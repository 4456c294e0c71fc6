// The registry's store: one SQLite database (WAL, foreign keys on, numbered
// migrations applied at open) plus the key file that protects ID numbers and
// phones. The only place of talentpool that talks to SQLite.
//
// A registry lives in a directory:
//   DIR/registry.sqlite   the database (and its -wal / -shm)
//   DIR/talentpool.key    the key file, mode 0600 (see crypto.h)
//   DIR/index/            the search index, owned by the indexer
//
// Thread safety: a Store may be shared by threads. Reads run on a pool of
// read-only connections and see the last committed state; writes are
// serialised through one writer connection (a WriteBatch holds it).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/base/person.h"
#include "registry/base/status.h"
#include "registry/store/crypto.h"

namespace SQLite {
class Database;
}

namespace tp::registry {

class DbHandle;

struct UnitRecord {
  int64_t rowid = 0;
  std::string code;  // public code, e.g. U000001
  std::string name;
  std::string type;      // label from data/unit_types.tsv, e.g. 全国学会
  std::string province;  // two-digit GB/T 2260 code, empty for national units
  int64_t parent_rowid = 0;
};

struct AdmissionRecord {
  int year = 0;
  std::string tier;  // 领军人才 / 青年人才
  std::string batch;
  std::string round_code;  // empty for admissions loaded from a pool file
  std::string unit_name;   // the unit it came from
};

struct HonourRecord {
  std::string campaign_code;
  std::string title;  // 最美科技工作者, …
  int year = 0;
};

struct TrainingRecord {
  std::string event_code;
  std::string event_title;
  std::string class_name;
  std::string state;  // invited, confirmed, waitlisted, declined, removed, attended, absent
  int year = 0;
};

// A person with everything that is shown and searched with them. The ID
// number and phone in `person` are empty unless decryption was asked for;
// the masked forms are always filled.
struct PersonRecord {
  int64_t rowid = 0;
  bool deleted = false;  // the row is gone, or merged into another record
  int64_t version = 0;   // bumped by every update; the API's ETag
  Person person;
  std::string id_number_mask;  // 4501**********0023, empty when no ID number
  std::string phone_mask;
  std::string updated_at;
  std::optional<UnitRecord> unit;  // the recommending unit
  std::vector<AdmissionRecord> admissions;
  std::vector<HonourRecord> honours;
  std::vector<TrainingRecord> trainings;
  std::vector<std::string> round_codes;  // rounds it was recommended in
};

// One entry of the change log: `entity` "person" and its rowid, in `seq` order.
struct Change {
  int64_t seq = 0;
  std::string entity;
  int64_t entity_id = 0;
};

struct TokenInfo {
  int64_t id = 0;
  std::string role;       // staff, province, unit
  std::string unit_code;  // for role unit
  int64_t unit_rowid = 0;
  std::string province;  // for role province (two-digit code)
  std::string label;
  std::string created_at;
  std::string revoked_at;  // empty while valid
  // A token an account made for a script: the account (0 for one made on the command line),
  // and when the token stops working (Unix seconds; 0: never).
  int64_t account_id = 0;
  std::string account_username = {};
  std::string account_display_name = {};
  int64_t expires_at = 0;
};

struct AuditEntry {
  std::string actor;  // "token:12" or "cli"
  std::string role;
  std::string action;       // read, reveal, create, update, delete, export, check, import, …
  std::string object_type;  // person, recommendation, token, …
  std::string object_id;
  std::string detail_json;  // never an ID number or a phone
  std::string remote_addr;
  std::string at = {};  // when it happened (AuditTimestampNow()); empty: when it is stored
  std::string actor_name = {};  // the display name of the account that acted, as it was then
};

struct RegistryStats {
  int64_t persons = 0;           // every live record, drafts of recommendations included
  int64_t admitted_persons = 0;  // people with an admission (入库人员)
  int64_t units = 0;
  int64_t admissions = 0;
  int64_t honours = 0;
  int64_t rounds = 0;
  int64_t recommendations = 0;
  int64_t events = 0;
  int64_t enrolments = 0;  // every enrolment record, whatever its state
  int64_t attended = 0;    // 参训人次: enrolments attended
  int64_t absent = 0;      // enrolments marked absent
  int64_t last_seq = 0;
  std::vector<std::pair<std::string, int64_t>> by_tier;       // 领军人才 → n
  std::vector<std::pair<std::string, int64_t>> by_year;       // 入库年度 → n
  std::vector<std::pair<std::string, int64_t>> by_unit_type;  // unit type label → n
  std::vector<std::pair<std::string, int64_t>> by_province;   // two-digit code → n
  std::vector<std::pair<std::string, int64_t>> attended_by_year;  // the event's year → n
};

// kUnchanged: the record matched a stored one that already holds every value given (a file
// imported again, an export read back without edits): nothing was written.
enum class UpsertOutcome { kInserted, kUpdated, kUnchanged };

// The protected forms of a person's ID number and phone: keyed hash and mask
// (crypto.h, masking.h), computed apart from the write so that an import can
// prepare rows on its reading thread; and the sealed values, which are bound
// to the row and so made by the write, once the row is known.
struct SealedValues {
  std::string id_enc, id_hash, id_mask, phone_enc, phone_hash, phone_mask;
};
SealedValues SealPerson(const Keyring& keys, const Person& person);

class Store;

// One write transaction (BEGIN IMMEDIATE). Holds the writer until Commit() or
// destruction; destruction without Commit() rolls everything back.
class WriteBatch {
 public:
  virtual ~WriteBatch() = default;

  // Inserts or updates a person, matched by public_id (编号), else by the
  // ID number's keyed hash. An update merges: a field left empty keeps its
  // stored value, so a file with fewer columns never erases anything.
  // Assigns public_id when empty. Creates the recommending unit and the
  // admission (入库年度) the record carries. AlreadyExists when 编号 and
  // 身份证号 point at two different records.
  // `sealed`, when given, must be SealPerson(Keys(), *person).
  virtual StatusOr<UpsertOutcome> UpsertPerson(Person* person,
                                               const SealedValues* sealed = nullptr) = 0;

  // The unit of that name, created with the type and province when new.
  virtual StatusOr<UnitRecord> EnsureUnit(std::string_view name, std::string_view type,
                                          std::string_view province) = 0;

  virtual Status Audit(const AuditEntry& entry) = 0;

  // The writer connection, for the areas with tables of their own (db_handle.h): valid while
  // this batch lives, and the only way to it.
  virtual SQLite::Database& Connection() = 0;

  virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Creates a new registry in `dir` (created if missing; must not hold one).
  static StatusOr<std::unique_ptr<Store>> Create(const std::string& dir);
  // Opens an existing registry, applying pending migrations.
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& dir);

  virtual const std::string& Dir() const = 0;
  virtual std::string IndexDir() const = 0;
  // A random identity set at Create() and renewed by a restore (backup.h), so
  // an index that followed another timeline of the data notices and rebuilds.
  // Read from the database each time: another process may have restored it.
  virtual std::string RegistryId() = 0;
  virtual const Keyring& Keys() const = 0;

  virtual StatusOr<std::unique_ptr<WriteBatch>> BeginWrite() = 0;
  // The database for the areas of the registry that keep tables of their own (db_handle.h).
  virtual DbHandle& Db() = 0;

  // --- persons
  virtual StatusOr<PersonRecord> GetPerson(std::string_view public_id, bool decrypt = false) = 0;
  virtual StatusOr<std::vector<PersonRecord>> LoadPersons(const std::vector<int64_t>& rowids,
                                                          bool decrypt = false) = 0;
  // The rowid of the person with this normalised 18-character ID number.
  virtual StatusOr<std::optional<int64_t>> FindByIdNumber(std::string_view id_number) = 0;
  // The rowids of the persons with this phone, as stored (a mobile's 11 digits), through its keyed
  // hash: several people may give one number (a lab's).
  virtual StatusOr<std::vector<int64_t>> FindByPhone(std::string_view phone) = 0;

  // --- change log (followed by the search index)
  virtual StatusOr<int64_t> LastSeq() = 0;
  virtual StatusOr<std::vector<Change>> ChangesSince(int64_t after_seq, int limit) = 0;

  // --- units
  virtual StatusOr<std::vector<UnitRecord>> ListUnits() = 0;
  virtual StatusOr<UnitRecord> GetUnit(std::string_view code) = 0;

  // --- tokens: the plaintext token is returned once and never stored
  virtual StatusOr<std::string> CreateToken(std::string_view role, std::string_view unit_code,
                                            std::string_view province, std::string_view label) = 0;
  // NotFound for unknown, revoked and expired tokens alike, and for those of an account that is
  // disabled.
  virtual StatusOr<TokenInfo> FindToken(std::string_view token) = 0;
  virtual StatusOr<std::vector<TokenInfo>> ListTokens() = 0;
  virtual Status RevokeToken(int64_t id) = 0;

  virtual Status Audit(const AuditEntry& entry) = 0;
  virtual StatusOr<RegistryStats> Stats() = 0;

  // PRAGMA integrity_check; ok() when the database answers "ok".
  virtual Status CheckIntegrity() = 0;
};

}  // namespace tp::registry
