#include "registry/store/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "registry/base/person_fields.h"
#include "registry/fields/masking.h"
#include "registry/store/internal/store_impl.h"
#include "registry/store/migrations.h"

namespace tp::registry {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// The columns of `persons` a person row writes and reads, in one list built from the person-field
// table (base/person_fields.h) and shared by the INSERT, the merging UPDATE and the reads, so the
// three cannot drift apart. A sealed field has three columns (sealed value, keyed hash, mask).
struct PersonColumn {
  enum Role {
    kPublicId,
    kValue,     // a text, yes/no or list field's value
    kSealed,    // the sealed value of a kSealed field
    kHash,      // its keyed hash
    kMask,      // its mask
    kIdRegion,  // the six-digit region of the ID number, kept in the clear for statistics
    kUnitId,    // the recommending unit, bound as integer or NULL
    kAsTyped,   // the cells as typed, a JSON object merged key by key
  };
  std::string name;
  Role role;
  const PersonField* field = nullptr;
};

// 身份证号, of the two sealed fields the one with a region column beside it.
bool IsIdNumber(const PersonField* field) {
  static const PersonField* const id_number = FindPersonFieldByLabel("身份证号");
  return field == id_number;
}

const std::vector<PersonColumn>& PersonColumns() {
  static const std::vector<PersonColumn> columns = [] {
    std::vector<PersonColumn> out = {{"public_id", PersonColumn::kPublicId}};
    for (const PersonField& f : PersonFields()) {
      const std::string column(f.column);
      if (f.kind != PersonFieldKind::kSealed) {
        out.push_back({column, PersonColumn::kValue, &f});
        continue;
      }
      out.push_back({column + "_enc", PersonColumn::kSealed, &f});
      out.push_back({column + "_hash", PersonColumn::kHash, &f});
      out.push_back({column + "_mask", PersonColumn::kMask, &f});
      if (IsIdNumber(&f)) out.push_back({"id_region", PersonColumn::kIdRegion, &f});
    }
    out.push_back({"unit_id", PersonColumn::kUnitId});
    out.push_back({"as_typed", PersonColumn::kAsTyped});
    return out;
  }();
  return columns;
}

std::string InsertPersonSql() {
  std::string cols, marks;
  for (const PersonColumn& c : PersonColumns()) {
    if (!cols.empty()) {
      cols += ",";
      marks += ",";
    }
    cols += c.name;
    marks += "?";
  }
  // The row's id is chosen before the insert: the sealed values are bound to it.
  return "INSERT INTO persons(" + cols + ",id) VALUES(" + marks + ",?)";
}

// Merging update: a NULL parameter keeps what is stored; as_typed merges
// key by key (json_patch), so a narrower file never erases wider data.
std::string UpdatePersonSql() {
  std::string sets;
  for (const PersonColumn& c : PersonColumns()) {
    if (!sets.empty()) sets += ",";
    sets += c.name;
    if (c.role == PersonColumn::kAsTyped) {
      sets += "=json_patch(as_typed, coalesce(?, '{}'))";
    } else {
      sets += "=coalesce(?," + c.name + ")";
    }
  }
  return "UPDATE persons SET " + sets +
         ",version=version+1,updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id=?";
}

// Whether UpdatePersonSql, with the same parameters, would leave the row as it is: one row when
// every given value equals the stored one. Sealed values differ at each sealing; their keyed
// hashes stand for them.
std::string UnchangedPersonSql() {
  std::string same;
  int i = 1;
  for (const PersonColumn& c : PersonColumns()) {
    const std::string p = "?" + std::to_string(i++);
    same += " AND ";
    if (c.role == PersonColumn::kSealed) {
      same += "(" + p + " IS NULL OR 1)";
    } else if (c.role == PersonColumn::kAsTyped) {
      same += "json_patch(as_typed, coalesce(" + p + ", '{}')) IS as_typed";
    } else {
      same += "coalesce(" + p + "," + c.name + ") IS " + c.name;
    }
  }
  return "SELECT 1 FROM persons WHERE id=?" + std::to_string(i) + same;
}

std::string SelectPersonSql(std::string_view where) {
  std::string cols = "id,version,updated_at,merged_into";
  for (const PersonColumn& c : PersonColumns()) {
    cols += ",";
    cols += c.name;
  }
  return "SELECT " + cols + " FROM persons WHERE " + std::string(where);
}

std::string AsTypedJson(const Person& p) {
  json o = json::object();
  for (const auto& [column, text] : p.as_typed) {
    // Sensitive values are kept only in their sealed columns.
    if (column == "身份证号" || column == "手机" || column == "联系方式") continue;
    o[column] = text;
  }
  return o.dump();
}

// The sealed value, keyed hash and mask of a kSealed field.
struct SealedParts {
  const std::string& sealed;
  const std::string& hash;
  const std::string& mask;
};
SealedParts PartsOf(const SealedValues& s, const PersonField& field) {
  if (IsIdNumber(&field)) return {s.id_enc, s.id_hash, s.id_mask};
  return {s.phone_enc, s.phone_hash, s.phone_mask};
}

void BindPerson(SQLite::Statement& st, const Person& p, const SealedValues& s, int64_t unit_rowid,
                bool for_update) {
  int i = 1;
  for (const PersonColumn& c : PersonColumns()) {
    switch (c.role) {
      case PersonColumn::kPublicId: BindText(st, i, p.public_id); break;
      case PersonColumn::kValue:
        if (c.field->kind == PersonFieldKind::kYesNo) {
          BindBool(st, i, p.*(c.field->yes_no));
        } else if (c.field->kind == PersonFieldKind::kList) {
          const std::vector<std::string>& items = p.*(c.field->list);
          if (items.empty() && for_update) {
            st.bind(i);  // a file without the column keeps the stored list
          } else {
            st.bind(i, json(items).dump());
          }
        } else {
          BindText(st, i, p.*(c.field->text));
        }
        break;
      case PersonColumn::kSealed: BindBlob(st, i, PartsOf(s, *c.field).sealed); break;
      case PersonColumn::kHash: BindBlob(st, i, PartsOf(s, *c.field).hash); break;
      case PersonColumn::kMask: BindText(st, i, PartsOf(s, *c.field).mask); break;
      case PersonColumn::kIdRegion: {
        const std::string& number = p.*(c.field->text);
        BindText(st, i,
                 number.size() >= 6 ? std::string_view(number).substr(0, 6) : std::string_view());
        break;
      }
      case PersonColumn::kUnitId:
        if (unit_rowid > 0) {
          st.bind(i, static_cast<int64_t>(unit_rowid));
        } else {
          st.bind(i);
        }
        break;
      case PersonColumn::kAsTyped: st.bind(i, AsTypedJson(p)); break;
    }
    ++i;
  }
}

// Reads a row of SelectPersonSql into a record (sensitive values not decrypted).
void ReadPerson(SQLite::Statement& st, PersonRecord* r, int64_t* unit_rowid) {
  r->rowid = st.getColumn(0).getInt64();
  r->version = st.getColumn(1).getInt64();
  r->updated_at = ColumnText(st, 2);
  r->deleted = !st.getColumn(3).isNull();
  Person& p = r->person;
  p.rowid = r->rowid;
  int i = 4;
  for (const PersonColumn& c : PersonColumns()) {
    switch (c.role) {
      case PersonColumn::kPublicId: p.public_id = ColumnText(st, i); break;
      case PersonColumn::kValue:
        if (c.field->kind == PersonFieldKind::kYesNo) {
          p.*(c.field->yes_no) = ColumnBool(st, i);
        } else if (c.field->kind == PersonFieldKind::kList) {
          const std::string items = ColumnText(st, i);
          json parsed = json::parse(items.empty() ? "[]" : items, nullptr, false);
          if (parsed.is_array()) {
            for (const auto& item : parsed) {
              if (item.is_string()) (p.*(c.field->list)).push_back(item.get<std::string>());
            }
          }
        } else {
          p.*(c.field->text) = ColumnText(st, i);
        }
        break;
      case PersonColumn::kMask:
        (IsIdNumber(c.field) ? r->id_number_mask : r->phone_mask) = ColumnText(st, i);
        break;
      case PersonColumn::kSealed:
      case PersonColumn::kHash:
      case PersonColumn::kIdRegion: break;  // opened on demand (LoadPersonsOn), never read back
      case PersonColumn::kUnitId: {
        SQLite::Column unit = st.getColumn(i);
        *unit_rowid = unit.isNull() ? 0 : unit.getInt64();
        break;
      }
      case PersonColumn::kAsTyped: {
        const std::string typed = ColumnText(st, i);
        json parsed = json::parse(typed.empty() ? "{}" : typed, nullptr, false);
        if (parsed.is_object()) {
          for (auto it = parsed.begin(); it != parsed.end(); ++it) {
            if (it.value().is_string())
              p.as_typed.emplace_back(it.key(), it.value().get<std::string>());
          }
        }
        break;
      }
    }
    ++i;
  }
}

// National societies and central enterprises recommend from every province;
// every other unit belongs to the province of the people it recommends.
bool IsNationalUnitType(std::string_view type) { return type == "全国学会" || type == "央企科协"; }

}  // namespace

StatusOr<std::vector<PersonRecord>> StoreImpl::LoadPersonsOn(PooledConnection& db,
                                                             const std::vector<int64_t>& rowids,
                                                             bool decrypt) {
  if (rowids.empty()) return std::vector<PersonRecord>();
  SQLite::Statement& person = db.Prepare(SelectPersonSql("id=?"));
  SQLite::Statement& secrets =
      db.Prepare("SELECT id_number_enc, phone_enc FROM persons WHERE id=?");
  SQLite::Statement& unit =
      db.Prepare("SELECT id,code,name,type,province,parent_id FROM units WHERE id=?");
  SQLite::Statement& admissions = db.Prepare(
      "SELECT a.year, a.tier, a.batch, r.code, u.name FROM admissions a "
      "LEFT JOIN rounds r ON r.id=a.round_id "
      "LEFT JOIN units u ON u.id=a.source_unit_id "
      "WHERE a.person_id=? ORDER BY a.year");
  SQLite::Statement& honours = db.Prepare(
      "SELECT c.code, h.title, h.year FROM honours h "
      "JOIN campaigns c ON c.id=h.campaign_id WHERE h.person_id=? ORDER BY h.year");
  SQLite::Statement& trainings = db.Prepare(
      "SELECT e.code, e.title, c.name, n.state, "
      "CAST(substr(e.starts_on,1,4) AS INTEGER) FROM enrolments n "
      "JOIN events e ON e.id=n.event_id LEFT JOIN classes c ON c.id=n.class_id "
      "WHERE n.person_id=? ORDER BY e.starts_on");
  SQLite::Statement& rounds = db.Prepare(
      "SELECT DISTINCT r.code FROM recommendations m "
      "JOIN submissions s ON s.id=m.submission_id JOIN rounds r ON r.id=s.round_id "
      "WHERE m.person_id=? ORDER BY r.code");
  // One snapshot for all the rows, and one read lock instead of one per statement. The read ends
  // once this function's statements are reset (a caller's may still be stepping).
  db.Prepare("BEGIN").exec();
  struct EndRead {
    SQLite::Database& db;
    std::vector<SQLite::Statement*> statements;
    ~EndRead() {
      for (SQLite::Statement* st : statements) st->tryReset();
      db.tryExec("COMMIT");
    }
  } end_read{db.db(), {&person, &secrets, &unit, &admissions, &honours, &trainings, &rounds}};
  std::vector<PersonRecord> out;
  out.reserve(rowids.size());
  for (int64_t rowid : rowids) {
    PersonRecord r;
    r.rowid = rowid;
    person.reset();
    person.bind(1, static_cast<int64_t>(rowid));
    if (!person.executeStep()) {
      r.deleted = true;
      out.push_back(std::move(r));
      continue;
    }
    int64_t unit_rowid = 0;
    ReadPerson(person, &r, &unit_rowid);
    if (decrypt) {
      secrets.reset();
      secrets.bind(1, static_cast<int64_t>(rowid));
      if (secrets.executeStep()) {
        for (int c = 0; c < 2; ++c) {
          SQLite::Column col = secrets.getColumn(c);
          if (col.isNull()) continue;
          std::string blob(static_cast<const char*>(col.getBlob()), col.getBytes());
          auto plain =
              keys_.Open(blob, SealContext("persons", c == 0 ? "id_number" : "phone", rowid));
          if (!plain.ok()) return plain.status();
          (c == 0 ? r.person.id_number : r.person.phone) = std::move(*plain);
        }
      }
    }
    if (unit_rowid > 0) {
      unit.reset();
      unit.bind(1, static_cast<int64_t>(unit_rowid));
      if (unit.executeStep()) r.unit = ReadUnit(unit);
    }
    admissions.reset();
    admissions.bind(1, static_cast<int64_t>(rowid));
    while (admissions.executeStep()) {
      r.admissions.push_back({admissions.getColumn(0).getInt(), ColumnText(admissions, 1),
                              ColumnText(admissions, 2), ColumnText(admissions, 3),
                              ColumnText(admissions, 4)});
    }
    honours.reset();
    honours.bind(1, static_cast<int64_t>(rowid));
    while (honours.executeStep()) {
      r.honours.push_back({honours.getColumn(0).getString(), honours.getColumn(1).getString(),
                           honours.getColumn(2).getInt()});
    }
    trainings.reset();
    trainings.bind(1, static_cast<int64_t>(rowid));
    while (trainings.executeStep()) {
      r.trainings.push_back({trainings.getColumn(0).getString(), trainings.getColumn(1).getString(),
                             ColumnText(trainings, 2), trainings.getColumn(3).getString(),
                             trainings.getColumn(4).getInt()});
    }
    rounds.reset();
    rounds.bind(1, static_cast<int64_t>(rowid));
    while (rounds.executeStep()) r.round_codes.push_back(rounds.getColumn(0).getString());
    out.push_back(std::move(r));
  }
  return out;
}

class WriteBatchImpl final : public WriteBatch {
 public:
  explicit WriteBatchImpl(StoreImpl* store)
      : store_(store),
        lock_(store->write_mutex()),
        tx_(store->writer(), SQLite::TransactionBehavior::IMMEDIATE),
        by_public_id_(store->writer(), "SELECT id FROM persons WHERE public_id=?"),
        by_id_hash_(store->writer(), "SELECT id, public_id FROM persons WHERE id_number_hash=?"),
        insert_(store->writer(), InsertPersonSql()),
        update_(store->writer(), UpdatePersonSql()),
        unchanged_(store->writer(), UnchangedPersonSql()),
        admission_(store->writer(),
                   "INSERT INTO admissions(person_id, year, tier, source_unit_id) VALUES(?,?,?,?) "
                   "ON CONFLICT(person_id, year) DO UPDATE SET "
                   "tier=coalesce(excluded.tier, tier), "
                   "source_unit_id=coalesce(excluded.source_unit_id, source_unit_id) "
                   "WHERE coalesce(excluded.tier, tier) IS NOT tier OR "
                   "coalesce(excluded.source_unit_id, source_unit_id) IS NOT source_unit_id"),
        find_unit_(store->writer(),
                   "SELECT id,code,name,type,province,parent_id FROM units WHERE name=?"),
        insert_unit_(store->writer(),
                     "INSERT INTO units(code,name,type,province) VALUES(?,?,?,?)") {}

  StatusOr<UpsertOutcome> UpsertPerson(Person* p, const SealedValues* sealed) override {
    try {
      if (++upserts_ == kLargeWriteRows) {
        store_->writer().exec(kLargeWriteCacheSizeSql);
        large_cache_ = true;
      }
      return Upsert(p, sealed);
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "写入人员 " + p->name);
    }
  }

  StatusOr<UnitRecord> EnsureUnit(std::string_view name, std::string_view type,
                                  std::string_view province) override {
    try {
      return Unit(name, type, province);
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "写入单位 " + std::string(name));
    }
  }

  Status Audit(const AuditEntry& entry) override;

  SQLite::Database& Connection() override { return store_->writer(); }

  Status Commit() override {
    try {
      // A statement left on a row holds this connection's read open past the commit, and the
      // checkpoint that follows the commit could then not run: the WAL would grow with every
      // batch of an import.
      for (SQLite::Statement* st : {&by_public_id_, &by_id_hash_, &insert_, &update_, &unchanged_,
                                    &admission_, &find_unit_, &insert_unit_}) {
        st->reset();
      }
      tx_.commit();
      RestoreCache();
      return Status::Ok();
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "提交");
    }
  }

  ~WriteBatchImpl() override {
    try {
      RestoreCache();
    } catch (const SQLite::Exception&) {
      // The writer keeps the larger cache; nothing depends on its size.
    }
  }

 private:
  StatusOr<UpsertOutcome> Upsert(Person* p, const SealedValues* presealed) {
    int64_t by_public = 0;
    if (!p->public_id.empty()) {
      by_public_id_.reset();
      by_public_id_.bind(1, p->public_id);
      if (by_public_id_.executeStep()) by_public = by_public_id_.getColumn(0).getInt64();
    }
    SealedValues sealed = presealed != nullptr ? *presealed : SealPerson(store_->Keys(), *p);
    int64_t by_id = 0;
    std::string id_owner;
    if (!sealed.id_hash.empty()) {
      by_id_hash_.reset();
      by_id_hash_.bind(1, sealed.id_hash.data(), static_cast<int>(sealed.id_hash.size()));
      if (by_id_hash_.executeStep()) {
        by_id = by_id_hash_.getColumn(0).getInt64();
        id_owner = by_id_hash_.getColumn(1).getString();
      }
    }
    if (by_public != 0 && by_id != 0 && by_public != by_id) {
      return AlreadyExists("身份证号已属于编号为 " + id_owner + " 的另一条记录",
                           {{"身份证号", "已属于编号为 " + id_owner + " 的另一条记录", 0}});
    }
    int64_t unit_rowid = 0;
    if (!p->recommending_unit.empty()) {
      UnitRecord unit = Unit(p->recommending_unit, p->recommending_unit_type, p->province);
      unit_rowid = unit.rowid;
    }
    int64_t existing = by_public != 0 ? by_public : by_id;
    const int64_t rowid = existing != 0 ? existing : NextRowid();
    const Keyring& keys = store_->Keys();
    if (!p->id_number.empty())
      sealed.id_enc = keys.Seal(p->id_number, SealContext("persons", "id_number", rowid));
    if (!p->phone.empty())
      sealed.phone_enc = keys.Seal(p->phone, SealContext("persons", "phone", rowid));
    UpsertOutcome outcome;
    if (existing != 0) {
      if (p->public_id.empty()) p->public_id = id_owner;
      const int id_parameter = static_cast<int>(PersonColumns().size()) + 1;
      unchanged_.reset();
      unchanged_.clearBindings();
      BindPerson(unchanged_, *p, sealed, unit_rowid, /*for_update=*/true);
      unchanged_.bind(id_parameter, static_cast<int64_t>(existing));
      if (unchanged_.executeStep()) {
        outcome = UpsertOutcome::kUnchanged;
      } else {
        update_.reset();
        update_.clearBindings();
        BindPerson(update_, *p, sealed, unit_rowid, /*for_update=*/true);
        update_.bind(id_parameter, static_cast<int64_t>(existing));
        update_.exec();
        outcome = UpsertOutcome::kUpdated;
      }
      unchanged_.reset();
      p->rowid = existing;
    } else {
      if (p->public_id.empty()) p->public_id = NextPublicId();
      insert_.reset();
      insert_.clearBindings();
      BindPerson(insert_, *p, sealed, unit_rowid, /*for_update=*/false);
      insert_.bind(static_cast<int>(PersonColumns().size()) + 1, static_cast<int64_t>(rowid));
      insert_.exec();
      p->rowid = rowid;
      outcome = UpsertOutcome::kInserted;
    }
    if (p->admission_year > 0) {
      admission_.reset();
      admission_.bind(1, static_cast<int64_t>(p->rowid));
      admission_.bind(2, p->admission_year);
      BindText(admission_, 3, p->tier);
      if (unit_rowid > 0) {
        admission_.bind(4, static_cast<int64_t>(unit_rowid));
      } else {
        admission_.bind(4);
      }
      admission_.exec();
    }
    return outcome;
  }

  // The id SQLite would give the next row, taken by this batch.
  int64_t NextRowid() {
    if (next_rowid_ == 0) {
      next_rowid_ =
          1 + store_->writer().execAndGet("SELECT coalesce(max(id),0) FROM persons").getInt64();
    }
    return next_rowid_++;
  }

  // P0000001, P0000002, …: the smallest free number above those in use.
  std::string NextPublicId() {
    if (next_number_ == 0) {
      next_number_ = 1 + store_->writer()
                             .execAndGet(
                                 "SELECT coalesce(max(CAST(substr(public_id,2) AS INTEGER)),0) "
                                 "FROM persons WHERE public_id GLOB 'P[0-9]*'")
                             .getInt64();
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "P%07lld", static_cast<long long>(next_number_++));
    return buffer;
  }

  UnitRecord Unit(std::string_view name, std::string_view type, std::string_view province) {
    std::string key(name);
    if (auto it = units_.find(key); it != units_.end()) return it->second;
    find_unit_.reset();
    find_unit_.bind(1, key);
    if (find_unit_.executeStep()) return units_[key] = ReadUnit(find_unit_);
    if (next_unit_ == 0) {
      next_unit_ =
          1 + store_->writer().execAndGet("SELECT coalesce(max(id),0) FROM units").getInt64();
    }
    UnitRecord u;
    char code[32];
    std::snprintf(code, sizeof code, "U%06lld", static_cast<long long>(next_unit_++));
    u.code = code;
    u.name = key;
    u.type = type.empty() ? "其他" : std::string(type);
    u.province = IsNationalUnitType(type) ? std::string() : std::string(province);
    insert_unit_.reset();
    insert_unit_.bind(1, u.code);
    insert_unit_.bind(2, u.name);
    insert_unit_.bind(3, u.type);
    BindText(insert_unit_, 4, u.province);
    insert_unit_.exec();
    u.rowid = store_->writer().getLastInsertRowid();
    return units_[key] = u;
  }

  void RestoreCache() {
    if (!large_cache_) return;
    large_cache_ = false;
    store_->writer().exec(kCacheSizeSql);
  }

  StoreImpl* store_;
  std::lock_guard<std::mutex> lock_;
  SQLite::Transaction tx_;
  SQLite::Statement by_public_id_;
  SQLite::Statement by_id_hash_;
  SQLite::Statement insert_;
  SQLite::Statement update_;
  SQLite::Statement unchanged_;
  SQLite::Statement admission_;
  SQLite::Statement find_unit_;
  SQLite::Statement insert_unit_;
  std::unordered_map<std::string, UnitRecord> units_;
  int64_t next_number_ = 0;
  int64_t next_rowid_ = 0;
  int64_t next_unit_ = 0;
  int64_t upserts_ = 0;
  bool large_cache_ = false;
};

Status WriteBatchImpl::Audit(const AuditEntry& entry) {
  try {
    InsertAudit(store_->writer(), entry);
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "写入审计日志");
  }
}

StatusOr<std::unique_ptr<WriteBatch>> StoreImpl::BeginWrite() {
  try {
    return std::unique_ptr<WriteBatch>(std::make_unique<WriteBatchImpl>(this));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "开始写入");
  }
}

StatusOr<std::string> StoreImpl::CreateToken(std::string_view role, std::string_view unit_code,
                                             std::string_view province, std::string_view label) {
  if (role != "staff" && role != "province" && role != "unit") {
    return InvalidArgument("角色只能是 staff、province 或 unit", {{"role", "未知角色", 0}});
  }
  int64_t unit_rowid = 0;
  if (role == "unit") {
    if (unit_code.empty())
      return InvalidArgument("unit 角色需要 --unit 单位代码", {{"unit", "缺少单位代码", 0}});
    TP_ASSIGN_OR_RETURN(auto unit, GetUnit(unit_code));
    unit_rowid = unit.rowid;
  }
  if (role == "province" && province.size() != 2) {
    return InvalidArgument("province 角色需要两位省级代码，例如 45",
                           {{"province", "缺少或格式错误", 0}});
  }
  std::string token = NewToken();
  std::string hash = HashToken(token);
  try {
    std::lock_guard lock(write_mu_);
    SQLite::Statement st(
        *writer_, "INSERT INTO tokens(hash, role, unit_id, province, label) VALUES(?,?,?,?,?)");
    st.bind(1, hash.data(), static_cast<int>(hash.size()));
    st.bind(2, std::string(role));
    if (unit_rowid > 0) {
      st.bind(3, static_cast<int64_t>(unit_rowid));
    } else {
      st.bind(3);
    }
    BindText(st, 4, role == "province" ? province : std::string_view());
    BindText(st, 5, label);
    st.exec();
    InsertAudit(*writer_,
                {"cli", "", "create", "token", std::to_string(writer_->getLastInsertRowid()),
                 json{{"role", role}}.dump(), ""});
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "创建令牌");
  }
  return token;
}

constexpr const char* kTokenSelect =
    "SELECT t.id, t.role, coalesce(u.code,''), coalesce(t.unit_id,0), coalesce(t.province,''), "
    "coalesce(t.label,''), t.created_at, coalesce(t.revoked_at,''), coalesce(t.account_id,0), "
    "coalesce(a.username,''), coalesce(a.display_name,''), coalesce(t.expires_at,0) "
    "FROM tokens t LEFT JOIN units u ON u.id=t.unit_id LEFT JOIN accounts a ON a.id=t.account_id";

static TokenInfo ReadToken(SQLite::Statement& st) {
  TokenInfo t{st.getColumn(0).getInt64(),  st.getColumn(1).getString(), st.getColumn(2).getString(),
              st.getColumn(3).getInt64(),  st.getColumn(4).getString(), st.getColumn(5).getString(),
              st.getColumn(6).getString(), st.getColumn(7).getString()};
  t.account_id = st.getColumn(8).getInt64();
  t.account_username = st.getColumn(9).getString();
  t.account_display_name = st.getColumn(10).getString();
  t.expires_at = st.getColumn(11).getInt64();
  return t;
}

StatusOr<TokenInfo> StoreImpl::FindToken(std::string_view token) {
  std::string hash = HashToken(token);
  try {
    auto db = readers_.Borrow();
    SQLite::Statement& st = db.Prepare(
        std::string(kTokenSelect) +
        " WHERE t.hash=? AND t.revoked_at IS NULL"
        " AND (t.expires_at IS NULL OR t.expires_at > CAST(strftime('%s','now') AS INTEGER))"
        " AND (t.account_id IS NULL OR a.state='active')");
    st.bind(1, hash.data(), static_cast<int>(hash.size()));
    if (!st.executeStep()) return NotFound("令牌无效或已吊销");
    return ReadToken(st);
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "查找令牌");
  }
}

StatusOr<std::vector<TokenInfo>> StoreImpl::ListTokens() {
  try {
    auto db = readers_.Borrow();
    SQLite::Statement st(*db, std::string(kTokenSelect) + " ORDER BY t.id");
    std::vector<TokenInfo> out;
    while (st.executeStep()) out.push_back(ReadToken(st));
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "列出令牌");
  }
}

Status StoreImpl::RevokeToken(int64_t id) {
  try {
    std::lock_guard lock(write_mu_);
    SQLite::Statement st(*writer_,
                         "UPDATE tokens SET revoked_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                         "WHERE id=? AND revoked_at IS NULL");
    st.bind(1, static_cast<int64_t>(id));
    if (st.exec() == 0) return NotFound("没有编号为 " + std::to_string(id) + " 的有效令牌");
    InsertAudit(*writer_, {"cli", "", "revoke", "token", std::to_string(id), "", ""});
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "吊销令牌");
  }
}

Status StoreImpl::Audit(const AuditEntry& entry) {
  try {
    std::lock_guard lock(write_mu_);
    InsertAudit(*writer_, entry);
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "写入审计日志");
  }
}

StatusOr<RegistryStats> StoreImpl::Stats() {
  try {
    auto db = readers_.Borrow();
    RegistryStats s;
    auto count = [&](const char* sql) { return db->execAndGet(sql).getInt64(); };
    s.persons = count("SELECT count(*) FROM persons WHERE merged_into IS NULL");
    s.units = count("SELECT count(*) FROM units");
    s.admissions = count("SELECT count(*) FROM admissions");
    s.honours = count("SELECT count(*) FROM honours");
    s.rounds = count("SELECT count(*) FROM rounds");
    s.recommendations = count("SELECT count(*) FROM recommendations");
    s.events = count("SELECT count(*) FROM events");
    s.enrolments = count("SELECT count(*) FROM enrolments");
    s.admitted_persons = count(
        "SELECT count(DISTINCT a.person_id) FROM admissions a JOIN persons p ON p.id=a.person_id "
        "WHERE p.merged_into IS NULL");
    s.attended = count("SELECT count(*) FROM enrolments WHERE state='attended'");
    s.absent = count("SELECT count(*) FROM enrolments WHERE state='absent'");
    s.last_seq = count("SELECT coalesce(max(seq),0) FROM change_log");
    auto groups = [&](const char* sql, std::vector<std::pair<std::string, int64_t>>* out) {
      SQLite::Statement st(*db, sql);
      while (st.executeStep()) out->emplace_back(ColumnText(st, 0), st.getColumn(1).getInt64());
    };
    groups(
        "SELECT tier, count(DISTINCT person_id) FROM admissions WHERE tier IS NOT NULL "
        "GROUP BY tier ORDER BY tier",
        &s.by_tier);
    groups("SELECT CAST(year AS TEXT), count(*) FROM admissions GROUP BY year ORDER BY year",
           &s.by_year);
    groups(
        "SELECT u.type, count(*) FROM persons p JOIN units u ON u.id=p.unit_id "
        "WHERE p.merged_into IS NULL GROUP BY u.type ORDER BY u.type",
        &s.by_unit_type);
    groups(
        "SELECT province, count(*) FROM persons WHERE province IS NOT NULL AND merged_into IS NULL "
        "GROUP BY province ORDER BY province",
        &s.by_province);
    groups(
        "SELECT substr(e.starts_on,1,4), count(*) FROM enrolments n JOIN events e "
        "ON e.id=n.event_id WHERE n.state='attended' GROUP BY 1 ORDER BY 1",
        &s.attended_by_year);
    return s;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "统计");
  }
}

static Status Migrate(SQLite::Database& db) {
  auto migrations = Migrations();
  int version = db.execAndGet("PRAGMA user_version").getInt();
  if (version > static_cast<int>(migrations.size())) {
    return Unavailable("数据库版本 " + std::to_string(version) + " 比本程序新（最高支持 " +
                       std::to_string(migrations.size()) + "），请升级 talentpool");
  }
  for (size_t i = static_cast<size_t>(version); i < migrations.size(); ++i) {
    SQLite::Transaction tx(db);
    db.exec(migrations[i]);
    db.exec("PRAGMA user_version = " + std::to_string(i + 1));
    tx.commit();
  }
  return Status::Ok();
}

// SQLite counts every allocation under one process-wide mutex unless told
// not to; with the API's workers each reading on its own connection, that
// mutex is where they queue. Nothing here reads those counters. The setting
// must be made before SQLite initialises, hence at load time.
[[maybe_unused]] static const bool kSqliteMemstatusOff = [] {
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
}();

// Workbooks of rejected upload rows were kept as plain XLSX (a zip: "PK\3\4") before they were
// sealed; a registry of that time has them sealed when it opens, in one transaction.
static void SealUploadReports(SQLite::Database& db, const Keyring& keys) {
  SQLite::Statement find(
      db,
      "SELECT id, errors_xlsx FROM upload_reports WHERE substr(errors_xlsx, 1, 4) = X'504B0304'");
  std::vector<std::pair<int64_t, std::string>> plain;
  while (find.executeStep()) {
    SQLite::Column blob = find.getColumn(1);
    std::string bytes(static_cast<const char*>(blob.getBlob()), blob.getBytes());
    const int64_t id = find.getColumn(0).getInt64();
    // A sealed workbook whose nonce happens to begin the same way opens under the key.
    if (!keys.Open(bytes, SealContext("upload_reports", "errors_xlsx", id)).ok())
      plain.emplace_back(id, std::move(bytes));
  }
  find.reset();
  if (plain.empty()) return;
  SQLite::Transaction tx(db);
  SQLite::Statement seal(db, "UPDATE upload_reports SET errors_xlsx=? WHERE id=?");
  for (const auto& [id, bytes] : plain) {
    seal.reset();
    BindBlob(seal, 1, keys.Seal(bytes, SealContext("upload_reports", "errors_xlsx", id)));
    seal.bind(2, id);
    seal.exec();
  }
  tx.commit();
}

Status MakePrivateFile(const std::string& path, bool create) {
  if (create) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Internal("无法创建 " + path + "：" + std::strerror(errno));
    ::close(fd);
  }
  if (::chmod(path.c_str(), 0600) != 0 && errno != ENOENT) {
    return Internal("无法设置 " + path + " 的权限：" + std::strerror(errno));
  }
  return Status::Ok();
}

static StatusOr<std::unique_ptr<Store>> OpenImpl(const std::string& dir, bool create) {
  std::error_code ec;
  std::string db_path = dir + "/" + kDatabaseFile;
  std::string key_path = dir + "/" + kKeyFile;
  if (create) {
    fs::create_directories(dir, ec);
    if (ec) return Internal("无法创建目录 " + dir + "：" + ec.message());
    if (fs::exists(db_path)) return AlreadyExists(dir + " 中已有登记库，不会覆盖");
  } else if (!fs::exists(db_path)) {
    return NotFound(dir + " 中没有登记库（先运行 talentpool init --data " + dir + "）");
  }
  TP_ASSIGN_OR_RETURN(auto keys, create ? Keyring::Create(key_path) : Keyring::Load(key_path));
  // A registry made before the files were private is narrowed when it opens.
  TP_RETURN_IF_ERROR(MakePrivateFile(db_path, create));
  TP_RETURN_IF_ERROR(MakePrivateFile(db_path + "-wal", false));
  TP_RETURN_IF_ERROR(MakePrivateFile(db_path + "-shm", false));
  try {
    int flags = SQLite::OPEN_READWRITE | (create ? SQLite::OPEN_CREATE : 0) | SQLite::OPEN_NOMUTEX;
    auto db = std::make_unique<SQLite::Database>(db_path, flags);
    db->exec("PRAGMA journal_mode = WAL");
    Configure(*db);
    TP_RETURN_IF_ERROR(Migrate(*db));
    SealUploadReports(*db, keys);
    std::string registry_id;
    {
      SQLite::Statement st(*db, "SELECT value FROM meta WHERE key='registry_id'");
      if (st.executeStep()) registry_id = st.getColumn(0).getString();
    }
    if (registry_id.empty()) {
      registry_id = RandomHex(16);
      SQLite::Statement st(*db, "INSERT INTO meta(key, value) VALUES('registry_id', ?)");
      st.bind(1, registry_id);
      st.exec();
    }
    return std::unique_ptr<Store>(
        std::make_unique<StoreImpl>(dir, std::move(db), std::move(keys), registry_id));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "打开登记库 " + dir);
  }
}

SealedValues SealPerson(const Keyring& keys, const Person& p) {
  SealedValues s;
  if (!p.id_number.empty()) {
    s.id_hash = keys.BlindIndex("id_number", p.id_number);
    s.id_mask = MaskIdNumber(p.id_number);
  }
  if (!p.phone.empty()) {
    s.phone_hash = keys.BlindIndex("phone", p.phone);
    s.phone_mask = MaskPhone(p.phone);
  }
  return s;
}

StatusOr<std::unique_ptr<Store>> Store::Create(const std::string& dir) {
  return OpenImpl(dir, true);
}
StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir) {
  return OpenImpl(dir, false);
}

}  // namespace tp::registry
