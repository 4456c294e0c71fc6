// What the HTTP API asks of the registry beyond Store: everything seen
// through a caller's scope (a unit sees the people it recommended, a province
// its province's, staff everyone), pages of persons in a stable order, the
// audit log, and the one API write that must not lose an update: a person's
// fields set only when the caller saw the current version (ETag / If-Match).
//
// ApiQueries reads on its own read-only connections to the store's database
// and writes through the store's single writer, so it sees and serialises
// with everything Store does. The Store must outlive it. Thread-safe.
// Errors: NotFound, PreconditionFailed (stale version), AlreadyExists (an ID
// number that belongs to another record), InvalidArgument, Internal (SQLite;
// the message never reaches a client).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/person.h"
#include "registry/base/status.h"
#include "registry/store/store.h"

namespace tp::registry {

// Whose records a caller may see. kProvince matches a person by its own
// 所在省份, else by its recommending unit's province (as the search index
// does); kUnit matches the people the unit is the recommending unit of (what
// it recommended of another's record it sees on the recommendation only).
struct PersonScope {
  enum class Kind { kAll, kProvince, kUnit };
  Kind kind = Kind::kAll;
  std::string province;    // two digits, for kProvince
  int64_t unit_rowid = 0;  // for kUnit
};

enum class PersonSort { kPublicId, kName, kUpdatedAt, kBirthDate };

struct PersonPage {
  int64_t total = 0;
  std::vector<int64_t> rowids;  // in order; ties broken by 编号, so pages never overlap
};

struct AuditQuery {
  std::string actor;        // "token:12", "cli"
  std::string action;       // read, reveal, update, check, import, ...
  std::string object_type;  // person, token, ...
  std::string object_id;
  std::string since;  // ISO 8601 UTC, inclusive
  std::string until;  // exclusive
  int page = 1;
  int size = 50;
};

struct AuditRow {
  int64_t id = 0;
  std::string at;
  AuditEntry entry;
};

struct AuditPage {
  int64_t total = 0;
  std::vector<AuditRow> rows;  // newest first
};

// Counts within a scope, for callers who may not see the whole registry.
struct ScopedStats {
  int64_t persons = 0;
  int64_t admitted = 0;
  std::vector<std::pair<std::string, int64_t>> by_tier;
  std::vector<std::pair<std::string, int64_t>> by_year;
};

// Columns a person update may set, by the person record's field name
// ("name", "id_number", "fields", ...). Anything else is refused.
const std::vector<std::string_view>& UpdatablePersonFields();

class ApiQueries {
 public:
  static StatusOr<std::unique_ptr<ApiQueries>> Open(Store& store);
  virtual ~ApiQueries() = default;

  virtual StatusOr<PersonPage> ListPersons(const PersonScope& scope, PersonSort sort,
                                           bool descending, int page, int size) = 0;
  // The rowid of the live (not merged) person with this 编号 when the scope
  // lets the caller see it; nullopt when it does not exist or is out of scope.
  virtual StatusOr<std::optional<int64_t>> VisiblePerson(std::string_view public_id,
                                                         const PersonScope& scope) = 0;
  // Those of `rowids` the scope lets the caller see, in the given order.
  virtual StatusOr<std::vector<int64_t>> FilterVisible(const std::vector<int64_t>& rowids,
                                                       const PersonScope& scope) = 0;
  // Every rowid in the scope, up to `limit` (a unit's own people are few).
  virtual StatusOr<std::vector<int64_t>> ScopeRowids(const PersonScope& scope, int limit) = 0;
  // Some person's row, the same for the same `seed`; nullopt when the registry
  // is empty. The enrolment check loads it when a number is not on file, so
  // that both answers take the same work.
  virtual StatusOr<std::optional<int64_t>> StandInPerson(uint64_t seed) = 0;
  // Live persons born on this day (YYYY-MM-DD; a stored month YYYY-MM matches
  // its days) as (row, name), by 编号: the caller compares names as it reads them
  // (traditional characters folded), which SQL cannot.
  virtual StatusOr<std::vector<std::pair<int64_t, std::string>>> PersonsBornOn(
      std::string_view birth_date) = 0;

  // Units the scope may see: all, its province's, or its own.
  virtual StatusOr<std::vector<UnitRecord>> ListUnits(const PersonScope& scope) = 0;
  virtual StatusOr<ScopedStats> Stats(const PersonScope& scope) = 0;

  virtual StatusOr<AuditPage> QueryAudit(const AuditQuery& query) = 0;
  // Appends the entries in one transaction. The commit does not wait for the
  // disk (synchronous=NORMAL for it alone): the entries are in the WAL before
  // this returns, so a killed process keeps them, and the next commit of data
  // flushes them with its own; only a power cut in between may lose the last
  // ones. The records themselves are always committed with a flush.
  // `spooled_through`, when not 0, is stored in the same transaction as the
  // highest AuditSpool sequence number the entries include.
  virtual Status AppendAudit(const std::vector<AuditEntry>& entries, int64_t spooled_through) = 0;
  // The highest AuditSpool sequence number committed so far (0 for none).
  virtual StatusOr<int64_t> AuditSpooledThrough() = 0;

  // Sets `fields` (names from UpdatablePersonFields) of the person to the
  // values in `values` (an empty value clears the field) when its version is
  // still `expected_version`; appends `audit` in the same transaction.
  // Returns the new version. PreconditionFailed when the version moved on,
  // NotFound when there is no such live person.
  virtual StatusOr<int64_t> UpdatePerson(std::string_view public_id, int64_t expected_version,
                                         const Person& values,
                                         const std::vector<std::string>& fields,
                                         const AuditEntry& audit) = 0;
};

}  // namespace tp::registry
