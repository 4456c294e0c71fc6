#include "registry/store/store_api_queries.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>

#include "registry/base/person_fields.h"
#include "registry/fields/masking.h"
#include "registry/store/crypto.h"
#include "registry/store/internal/store_impl.h"

namespace tp::registry {
namespace {

using json = nlohmann::json;

// The scope as a WHERE fragment over `persons p`, and what it binds.
struct ScopeSql {
  std::string where;
  std::function<void(SQLite::Statement&, int*)> bind;
};

ScopeSql ScopeFor(const PersonScope& scope) {
  switch (scope.kind) {
    case PersonScope::Kind::kAll: return {"p.merged_into IS NULL", [](SQLite::Statement&, int*) {}};
    case PersonScope::Kind::kProvince:
      return {
          "p.merged_into IS NULL AND coalesce(nullif(p.province,''), "
          "(SELECT u.province FROM units u WHERE u.id=p.unit_id)) = ?",
          [province = scope.province](SQLite::Statement& st, int* i) {
            st.bind((*i)++, province);
          }};
    case PersonScope::Kind::kUnit:
      // A unit's people are those it is the recommending unit of. Someone it put on a list
      // whose record is another's stays another's: the unit sees its own copy of them on
      // the recommendation (workflow.h), never the record.
      return {"p.merged_into IS NULL AND p.unit_id = ?",
              [unit = scope.unit_rowid](SQLite::Statement& st, int* i) {
                st.bind((*i)++, static_cast<int64_t>(unit));
              }};
  }
  return {"0", [](SQLite::Statement&, int*) {}};
}

class ApiQueriesImpl final : public ApiQueries {
 public:
  explicit ApiQueriesImpl(StoreImpl* store)
      : store_(store), readers_(store->Dir() + "/" + kDatabaseFile) {}

  StatusOr<PersonPage> ListPersons(const PersonScope& scope, PersonSort sort, bool descending,
                                   int page, int size) override {
    const char* key = "p.public_id";
    switch (sort) {
      case PersonSort::kPublicId: key = "p.public_id"; break;
      case PersonSort::kName: key = "p.name"; break;
      case PersonSort::kUpdatedAt: key = "p.updated_at"; break;
      case PersonSort::kBirthDate: key = "p.birth_date"; break;
    }
    const std::string dir = descending ? " DESC" : " ASC";
    ScopeSql where = ScopeFor(scope);
    try {
      auto db = readers_.Borrow();
      PersonPage out;
      {
        SQLite::Statement count(*db, "SELECT count(*) FROM persons p WHERE " + where.where);
        int i = 1;
        where.bind(count, &i);
        if (count.executeStep()) out.total = count.getColumn(0).getInt64();
      }
      std::string order = std::string(key) + dir;
      // 编号 is unique, so it makes any order total and pages disjoint.
      if (sort != PersonSort::kPublicId) order += ", p.public_id" + dir;
      SQLite::Statement st(*db, "SELECT p.id FROM persons p WHERE " + where.where + " ORDER BY " +
                                    order + " LIMIT ? OFFSET ?");
      int i = 1;
      where.bind(st, &i);
      st.bind(i++, size);
      st.bind(i++, static_cast<int64_t>(page - 1) * size);
      while (st.executeStep()) out.rowids.push_back(st.getColumn(0).getInt64());
      return out;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "列出人员");
    }
  }

  StatusOr<std::optional<int64_t>> VisiblePerson(std::string_view public_id,
                                                 const PersonScope& scope) override {
    ScopeSql where = ScopeFor(scope);
    try {
      auto db = readers_.Borrow();
      SQLite::Statement st(*db,
                           "SELECT p.id FROM persons p WHERE p.public_id=? AND " + where.where);
      int i = 1;
      st.bind(i++, std::string(public_id));
      where.bind(st, &i);
      if (st.executeStep()) return std::optional<int64_t>(st.getColumn(0).getInt64());
      return std::optional<int64_t>();
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取人员");
    }
  }

  StatusOr<std::vector<int64_t>> FilterVisible(const std::vector<int64_t>& rowids,
                                               const PersonScope& scope) override {
    ScopeSql where = ScopeFor(scope);
    try {
      auto db = readers_.Borrow();
      SQLite::Statement& st = db.Prepare("SELECT 1 FROM persons p WHERE p.id=? AND " + where.where);
      std::vector<int64_t> out;
      for (int64_t rowid : rowids) {
        st.reset();
        int i = 1;
        st.bind(i++, static_cast<int64_t>(rowid));
        where.bind(st, &i);
        if (st.executeStep()) out.push_back(rowid);
      }
      return out;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取人员");
    }
  }

  StatusOr<std::vector<int64_t>> ScopeRowids(const PersonScope& scope, int limit) override {
    ScopeSql where = ScopeFor(scope);
    try {
      auto db = readers_.Borrow();
      SQLite::Statement st(
          *db, "SELECT p.id FROM persons p WHERE " + where.where + " ORDER BY p.id LIMIT ?");
      int i = 1;
      where.bind(st, &i);
      st.bind(i++, limit);
      std::vector<int64_t> out;
      while (st.executeStep()) out.push_back(st.getColumn(0).getInt64());
      return out;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取人员");
    }
  }

  StatusOr<std::optional<int64_t>> StandInPerson(uint64_t seed) override {
    // The highest row id is looked up once a thousand calls: a query per call
    // would make the answer for a number not on file the slower one.
    if (stand_in_calls_.fetch_add(1) % 1000 == 0 || max_person_id_.load() == 0) {
      try {
        auto db = readers_.Borrow();
        SQLite::Statement& st = db.Prepare("SELECT coalesce(max(id), 0) FROM persons");
        st.executeStep();
        max_person_id_.store(st.getColumn(0).getInt64());
        st.reset();
      } catch (const SQLite::Exception& e) {
        return FromSqlite(e, "读取人员");
      }
    }
    const int64_t max_id = max_person_id_.load();
    if (max_id <= 0) return std::optional<int64_t>();
    return std::optional<int64_t>(static_cast<int64_t>(seed % static_cast<uint64_t>(max_id)) + 1);
  }

  StatusOr<std::vector<std::pair<int64_t, std::string>>> PersonsBornOn(
      std::string_view birth_date) override {
    try {
      auto db = readers_.Borrow();
      SQLite::Statement& st = db.Prepare(
          "SELECT id, name FROM persons WHERE birth_date IN (?, substr(?,1,7)) AND "
          "merged_into IS NULL ORDER BY public_id LIMIT 1000");
      st.bind(1, std::string(birth_date));
      st.bind(2, std::string(birth_date));
      std::vector<std::pair<int64_t, std::string>> out;
      while (st.executeStep())
        out.emplace_back(st.getColumn(0).getInt64(), st.getColumn(1).getString());
      return out;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "按出生日期查找");
    }
  }

  StatusOr<std::vector<UnitRecord>> ListUnits(const PersonScope& scope) override {
    try {
      auto db = readers_.Borrow();
      std::string sql = "SELECT id,code,name,type,province,parent_id FROM units";
      if (scope.kind == PersonScope::Kind::kProvince) sql += " WHERE province=?";
      if (scope.kind == PersonScope::Kind::kUnit) sql += " WHERE id=?";
      SQLite::Statement st(*db, sql + " ORDER BY code");
      if (scope.kind == PersonScope::Kind::kProvince) st.bind(1, scope.province);
      if (scope.kind == PersonScope::Kind::kUnit)
        st.bind(1, static_cast<int64_t>(scope.unit_rowid));
      std::vector<UnitRecord> out;
      while (st.executeStep()) out.push_back(ReadUnit(st));
      return out;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取单位");
    }
  }

  StatusOr<ScopedStats> Stats(const PersonScope& scope) override {
    ScopeSql where = ScopeFor(scope);
    try {
      auto db = readers_.Borrow();
      ScopedStats s;
      auto one = [&](const std::string& sql) {
        SQLite::Statement st(*db, sql);
        int i = 1;
        where.bind(st, &i);
        return st.executeStep() ? st.getColumn(0).getInt64() : int64_t{0};
      };
      auto groups = [&](const std::string& sql, std::vector<std::pair<std::string, int64_t>>* out) {
        SQLite::Statement st(*db, sql);
        int i = 1;
        where.bind(st, &i);
        while (st.executeStep()) out->emplace_back(ColumnText(st, 0), st.getColumn(1).getInt64());
      };
      s.persons = one("SELECT count(*) FROM persons p WHERE " + where.where);
      s.admitted =
          one("SELECT count(DISTINCT a.person_id) FROM admissions a JOIN persons p ON "
              "p.id=a.person_id WHERE " +
              where.where);
      groups(
          "SELECT a.tier, count(DISTINCT a.person_id) FROM admissions a JOIN persons p ON "
          "p.id=a.person_id WHERE a.tier IS NOT NULL AND " +
              where.where + " GROUP BY a.tier ORDER BY a.tier",
          &s.by_tier);
      groups(
          "SELECT CAST(a.year AS TEXT), count(*) FROM admissions a JOIN persons p ON "
          "p.id=a.person_id WHERE " +
              where.where + " GROUP BY a.year ORDER BY a.year",
          &s.by_year);
      return s;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "统计");
    }
  }

  StatusOr<AuditPage> QueryAudit(const AuditQuery& q) override {
    std::string where = "1";
    std::vector<std::string> binds;
    auto add = [&](const std::string& value, const char* clause) {
      if (value.empty()) return;
      where += " AND ";
      where += clause;
      binds.push_back(value);
    };
    add(q.actor, "actor=?");
    add(q.action, "action=?");
    add(q.object_type, "object_type=?");
    add(q.object_id, "object_id=?");
    add(q.since, "at>=?");
    add(q.until, "at<?");
    try {
      auto db = readers_.Borrow();
      AuditPage out;
      {
        SQLite::Statement count(*db, "SELECT count(*) FROM audit_log WHERE " + where);
        for (size_t i = 0; i < binds.size(); ++i) count.bind(static_cast<int>(i + 1), binds[i]);
        if (count.executeStep()) out.total = count.getColumn(0).getInt64();
      }
      SQLite::Statement st(
          *db,
          "SELECT id, at, actor, coalesce(role,''), action, coalesce(object_type,''), "
          "coalesce(object_id,''), coalesce(detail,''), coalesce(remote_addr,''), "
          "coalesce(actor_name,'') FROM audit_log WHERE " +
              where + " ORDER BY at DESC, id DESC LIMIT ? OFFSET ?");
      int i = 1;
      for (const std::string& b : binds) st.bind(i++, b);
      st.bind(i++, q.size);
      st.bind(i++, static_cast<int64_t>(q.page - 1) * q.size);
      while (st.executeStep()) {
        AuditRow row;
        row.id = st.getColumn(0).getInt64();
        row.at = st.getColumn(1).getString();
        row.entry = {st.getColumn(2).getString(), st.getColumn(3).getString(),
                     st.getColumn(4).getString(), st.getColumn(5).getString(),
                     st.getColumn(6).getString(), st.getColumn(7).getString(),
                     st.getColumn(8).getString()};
        row.entry.actor_name = st.getColumn(9).getString();
        out.rows.push_back(std::move(row));
      }
      return out;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "查询审计日志");
    }
  }

  Status AppendAudit(const std::vector<AuditEntry>& entries, int64_t spooled_through) override {
    try {
      std::lock_guard lock(store_->write_mutex());
      SQLite::Database& db = store_->writer();
      // An fsync per enrolment check would cap the checks at the disk's flush
      // rate; reads and checks are logged durably against a crash instead.
      db.exec("PRAGMA synchronous = NORMAL");
      struct RestoreFull {
        SQLite::Database& db;
        ~RestoreFull() {
          try {
            db.exec("PRAGMA synchronous = FULL");
          } catch (const SQLite::Exception&) {
            // Only fails when the database is already unusable; the next write reports it.
          }
        }
      } restore{db};
      SQLite::Transaction tx(db);
      SQLite::Statement insert(db, kInsertAuditSql);
      for (const AuditEntry& e : entries) {
        insert.reset();
        BindAudit(insert, e);
        insert.exec();
      }
      if (spooled_through > 0) {
        SQLite::Statement mark(
            db, "INSERT OR REPLACE INTO meta(key, value) VALUES('audit_spooled_through', ?)");
        mark.bind(1, std::to_string(spooled_through));
        mark.exec();
      }
      tx.commit();
      return Status::Ok();
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "写入审计日志");
    }
  }

  StatusOr<int64_t> AuditSpooledThrough() override {
    try {
      auto db = readers_.Borrow();
      SQLite::Statement& st =
          db.Prepare("SELECT value FROM meta WHERE key='audit_spooled_through'");
      if (!st.executeStep()) return int64_t{0};
      return std::stoll(st.getColumn(0).getString());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取审计暂存序号");
    } catch (const std::exception&) {
      return Internal("登记库 meta 表中的 audit_spooled_through 不是数字");
    }
  }

  StatusOr<int64_t> UpdatePerson(std::string_view public_id, int64_t expected_version,
                                 const Person& values, const std::vector<std::string>& fields,
                                 const AuditEntry& audit) override {
    std::string sets;
    std::vector<std::function<void(SQLite::Statement&, int*)>> binders;
    auto set_text = [&](std::string_view column, std::string value) {
      sets += std::string(column) + "=?,";
      binders.push_back([value = std::move(value)](SQLite::Statement& st, int* i) {
        BindText(st, (*i)++, value);
      });
    };
    auto set_blob = [&](std::string_view column, std::string value) {
      sets += std::string(column) + "=?,";
      binders.push_back([value = std::move(value)](SQLite::Statement& st, int* i) {
        BindBlob(st, (*i)++, value);
      });
    };
    const Keyring& keys = store_->Keys();
    // Sealed values are bound to the row; a row's id never changes.
    int64_t rowid = 0;
    try {
      auto db = readers_.Borrow();
      SQLite::Statement& st = db.Prepare("SELECT id FROM persons WHERE public_id=?");
      st.bind(1, std::string(public_id));
      if (st.executeStep()) rowid = st.getColumn(0).getInt64();
      st.reset();
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "修改人员");
    }
    if (rowid == 0) return NotFound("没有编号为 " + std::string(public_id) + " 的人员");
    for (const std::string& name : fields) {
      const PersonField* field = FindPersonFieldByKey(name);
      if (field == nullptr)
        return InvalidArgument("字段「" + name + "」：不可修改", {{name, "不可修改", 0}});
      const std::string column(field->column);
      switch (field->kind) {
        case PersonFieldKind::kText: set_text(column, values.*(field->text)); break;
        case PersonFieldKind::kYesNo: {
          const std::optional<bool>& b = values.*(field->yes_no);
          set_text(column, b ? (*b ? "1" : "0") : "");
          break;
        }
        case PersonFieldKind::kList: set_text(column, json(values.*(field->list)).dump()); break;
        case PersonFieldKind::kSealed: {
          // 身份证号 or 手机: the sealed value bound to its row and column, its keyed hash and
          // mask.
          const std::string& value = values.*(field->text);
          const bool id_number = field == FindPersonFieldByLabel("身份证号");
          set_blob(column + "_enc",
                   value.empty() ? "" : keys.Seal(value, SealContext("persons", column, rowid)));
          set_blob(column + "_hash", value.empty() ? "" : keys.BlindIndex(column, value));
          set_text(column + "_mask", value.empty() ? ""
                                     : id_number   ? MaskIdNumber(value)
                                                   : MaskPhone(value));
          if (id_number) set_text("id_region", value.size() >= 6 ? value.substr(0, 6) : "");
          break;
        }
      }
    }
    try {
      TP_ASSIGN_OR_RETURN(auto write, store_->Write());
      SQLite::Database& db = write->Connection();
      SQLite::Statement st(db,
                           "UPDATE persons SET " + sets +
                               "version=version+1,updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                               "WHERE public_id=? AND version=? AND merged_into IS NULL");
      int i = 1;
      for (auto& bind : binders) bind(st, &i);
      st.bind(i++, std::string(public_id));
      st.bind(i++, static_cast<int64_t>(expected_version));
      int changed = 0;
      try {
        changed = st.exec();
      } catch (const SQLite::Exception& e) {
        if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) {
          return AlreadyExists("字段「身份证号」：已属于另一条记录",
                               {{"身份证号", "已属于另一条记录", 0}});
        }
        throw;
      }
      SQLite::Statement now(
          db, "SELECT version FROM persons WHERE public_id=? AND merged_into IS NULL");
      now.bind(1, std::string(public_id));
      if (!now.executeStep()) return NotFound("没有编号为 " + std::string(public_id) + " 的人员");
      int64_t version = now.getColumn(0).getInt64();
      if (changed == 0) {
        return PreconditionFailed("记录已被他人修改（当前版本 " + std::to_string(version) +
                                  "），请重新读取后再改");
      }
      InsertAudit(db, audit);
      TP_RETURN_IF_ERROR(write->Commit());
      return version;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "修改人员");
    }
  }

 private:
  StoreImpl* store_;
  ReaderPool readers_;
  std::atomic<uint64_t> stand_in_calls_{0};
  std::atomic<int64_t> max_person_id_{0};
};

}  // namespace

const std::vector<std::string_view>& UpdatablePersonFields() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const PersonField& f : PersonFields()) out.push_back(f.key);
    return out;
  }();
  return names;
}

StatusOr<std::unique_ptr<ApiQueries>> ApiQueries::Open(Store& store) {
  auto* impl = dynamic_cast<StoreImpl*>(&store);
  if (impl == nullptr) return Internal("ApiQueries 需要 SQLite 登记库");
  return std::unique_ptr<ApiQueries>(std::make_unique<ApiQueriesImpl>(impl));
}

}  // namespace tp::registry
