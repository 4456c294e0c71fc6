// Internals of the SQLite store, shared by the files that implement Store
// (store.cc and the store_*.cc files that add areas of the domain). Only
// registry/ includes this header.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "registry/store.h"

namespace tp::registry {

inline constexpr const char* kDatabaseFile = "registry.sqlite";
inline constexpr const char* kKeyFile = "talentpool.key";
inline constexpr int kReaderPoolSize = 8;
inline constexpr int kBusyTimeoutMs = 10000;

// The database, its WAL and shared-memory files and every backup hold personal data: they are
// readable by their owner only (0600). SQLite gives the WAL and -shm files the mode of the
// database file, so the database file is made first, with that mode. `create` makes an empty
// file when none is there; an existing one has its mode narrowed.
Status MakePrivateFile(const std::string& path, bool create);

inline Status FromSqlite(const SQLite::Exception& e, std::string_view what) {
  // The message stays in our logs; a client sees only the code.
  return Internal(std::string(what) + "：数据库错误（" + e.what() + "）");
}

// The page cache of every connection, and of the writer while one transaction writes many
// rows: the index pages such a transaction changes all stay in memory until its commit
// instead of being written out and read back while it runs.
inline constexpr const char* kCacheSizeSql = "PRAGMA cache_size = -32768";           // 32 MiB
inline constexpr const char* kLargeWriteCacheSizeSql = "PRAGMA cache_size = -262144";  // 256 MiB
inline constexpr int64_t kLargeWriteRows = 5000;

// Every connection gets the same settings. synchronous=FULL: in WAL mode an
// acknowledged commit then survives a power cut, not only a killed process;
// the cost is one fsync per transaction, and imports batch many rows in one.
inline void Configure(SQLite::Database& db) {
  db.setBusyTimeout(kBusyTimeoutMs);
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA temp_store = MEMORY");
  db.exec(kCacheSizeSql);
  // The WAL file is cut back to this size after a checkpoint: it keeps the size of the largest
  // transaction otherwise.
  db.exec("PRAGMA journal_size_limit = 67108864");
}

inline void BindText(SQLite::Statement& st, int index, std::string_view value) {
  if (value.empty()) {
    st.bind(index);  // NULL
  } else {
    st.bind(index, std::string(value));
  }
}

inline void BindBlob(SQLite::Statement& st, int index, const std::string& value) {
  if (value.empty()) {
    st.bind(index);
  } else {
    st.bind(index, value.data(), static_cast<int>(value.size()));
  }
}

inline void BindBool(SQLite::Statement& st, int index, const std::optional<bool>& value) {
  if (value) {
    st.bind(index, *value ? 1 : 0);
  } else {
    st.bind(index);
  }
}

inline std::string ColumnText(SQLite::Statement& st, int index) {
  SQLite::Column c = st.getColumn(index);
  return c.isNull() ? std::string() : c.getString();
}

inline std::optional<bool> ColumnBool(SQLite::Statement& st, int index) {
  SQLite::Column c = st.getColumn(index);
  if (c.isNull()) return std::nullopt;
  return c.getInt() != 0;
}

// The person columns in the order PersonColumns() lists them, shared by the

inline constexpr const char* kInsertAuditSql =
    "INSERT INTO audit_log(actor, role, action, object_type, object_id, detail, remote_addr, at) "
    "VALUES(?,?,?,?,?,?,?,coalesce(?,strftime('%Y-%m-%dT%H:%M:%fZ','now')))";

// Binds an entry to a statement of kInsertAuditSql.
inline void BindAudit(SQLite::Statement& st, const AuditEntry& e) {
  st.bind(1, e.actor.empty() ? std::string("cli") : e.actor);
  BindText(st, 2, e.role);
  st.bind(3, e.action);
  BindText(st, 4, e.object_type);
  BindText(st, 5, e.object_id);
  BindText(st, 6, e.detail_json);
  BindText(st, 7, e.remote_addr);
  BindText(st, 8, e.at);
}

inline void InsertAudit(SQLite::Database& db, const AuditEntry& e) {
  SQLite::Statement st(db, kInsertAuditSql);
  BindAudit(st, e);
  st.exec();
}

// A connection of the reader pool with the statements it has prepared.
// Parsing and planning SQL costs more than running the small keyed lookups
// the API makes on every request (a token, an ID number, a person), so each
// text is prepared once per connection and reused.
class PooledConnection {
 public:
  explicit PooledConnection(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}

  SQLite::Database& db() { return *db_; }

  // The statement for `sql`, unbound and at its start. It stays valid until
  // the lease ends; using the same text twice in one lease gives the same
  // statement, so nest two loops over one text with a plain Statement.
  SQLite::Statement& Prepare(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      it = statements_.emplace(sql, std::make_unique<SQLite::Statement>(*db_, sql)).first;
    } else {
      it->second->reset();
      it->second->clearBindings();
    }
    used_.push_back(it->second.get());
    return *it->second;
  }

  // Back to the pool: a statement left mid-result would hold its read
  // transaction open, so every one used is reset. Texts built from varying
  // parts (lists of ids, scopes) must not grow the cache without bound.
  void Release() {
    for (SQLite::Statement* st : used_) st->tryReset();
    used_.clear();
    if (statements_.size() > kMaxStatements) statements_.clear();
  }

 private:
  static constexpr size_t kMaxStatements = 64;
  std::unique_ptr<SQLite::Database> db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
  std::vector<SQLite::Statement*> used_;
};

class ReaderPool {
 public:
  explicit ReaderPool(std::string path) : path_(std::move(path)) {}

  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<PooledConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (conn_) pool_->Return(std::move(conn_));
    }
    SQLite::Database& operator*() { return conn_->db(); }
    SQLite::Database* operator->() { return &conn_->db(); }
    SQLite::Statement& Prepare(const std::string& sql) { return conn_->Prepare(sql); }
    PooledConnection& connection() { return *conn_; }

   private:
    ReaderPool* pool_;
    std::unique_ptr<PooledConnection> conn_;
  };

  Lease Borrow() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < kReaderPoolSize; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;
    lock.unlock();
    try {
      // A connection serves one thread at a time (the writer under the write
      // mutex, a reader while leased), so SQLite's own mutex is not needed.
      auto db = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX);
      db->setBusyTimeout(kBusyTimeoutMs);
      return Lease(this, std::make_unique<PooledConnection>(std::move(db)));
    } catch (...) {
      std::lock_guard relock(mu_);
      --open_;
      cv_.notify_one();
      throw;
    }
  }

 private:
  void Return(std::unique_ptr<PooledConnection> conn) {
    conn->Release();
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(conn));
    cv_.notify_one();
  }

  std::string path_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PooledConnection>> idle_;
  int open_ = 0;
};

class StoreImpl final : public Store {
 public:
  StoreImpl(std::string dir, std::unique_ptr<SQLite::Database> writer, Keyring keys,
            std::string registry_id)
      : dir_(std::move(dir)),
        writer_(std::move(writer)),
        keys_(std::move(keys)),
        registry_id_(std::move(registry_id)),
        readers_(dir_ + "/" + kDatabaseFile) {}

  const std::string& Dir() const override { return dir_; }
  std::string IndexDir() const override { return dir_ + "/index"; }
  std::string RegistryId() override {
    try {
      auto db = readers_.Borrow();
      SQLite::Statement st(*db, "SELECT value FROM meta WHERE key='registry_id'");
      if (st.executeStep()) return st.getColumn(0).getString();
    } catch (const SQLite::Exception&) {
      // fall back to the identity seen at open
    }
    return registry_id_;
  }
  const Keyring& Keys() const override { return keys_; }

  StatusOr<std::unique_ptr<WriteBatch>> BeginWrite() override;

  StatusOr<PersonRecord> GetPerson(std::string_view public_id, bool decrypt) override {
    try {
      auto db = readers_.Borrow();
      SQLite::Statement& st = db.Prepare("SELECT id FROM persons WHERE public_id=?");
      st.bind(1, std::string(public_id));
      if (!st.executeStep()) return NotFound("没有编号为 " + std::string(public_id) + " 的人员");
      auto records = LoadPersonsOn(db.connection(), {st.getColumn(0).getInt64()}, decrypt);
      if (!records.ok()) return records.status();
      return std::move(records->front());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取人员");
    }
  }

  StatusOr<std::vector<PersonRecord>> LoadPersons(const std::vector<int64_t>& rowids,
                                                  bool decrypt) override {
    try {
      auto db = readers_.Borrow();
      return LoadPersonsOn(db.connection(), rowids, decrypt);
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取人员");
    }
  }

  StatusOr<std::optional<int64_t>> FindByIdNumber(std::string_view id_number) override {
    try {
      auto db = readers_.Borrow();
      SQLite::Statement& st = db.Prepare("SELECT id FROM persons WHERE id_number_hash=? AND merged_into IS NULL");
      std::string hash = keys_.BlindIndex("id_number", id_number);
      st.bind(1, hash.data(), static_cast<int>(hash.size()));
      if (st.executeStep()) return std::optional<int64_t>(st.getColumn(0).getInt64());
      return std::optional<int64_t>();
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "按身份证号查找");
    }
  }

  StatusOr<int64_t> LastSeq() override {
    try {
      auto db = readers_.Borrow();
      return db->execAndGet("SELECT coalesce(max(seq),0) FROM change_log").getInt64();
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取变更序号");
    }
  }

  StatusOr<std::vector<Change>> ChangesSince(int64_t after_seq, int limit) override {
    try {
      auto db = readers_.Borrow();
      SQLite::Statement st(*db,
                           "SELECT seq, entity, entity_id FROM change_log WHERE seq>? "
                           "ORDER BY seq LIMIT ?");
      st.bind(1, static_cast<int64_t>(after_seq));
      st.bind(2, limit);
      std::vector<Change> out;
      while (st.executeStep()) {
        out.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getString(),
                       st.getColumn(2).getInt64()});
      }
      return out;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取变更记录");
    }
  }

  StatusOr<std::vector<UnitRecord>> ListUnits() override {
    try {
      auto db = readers_.Borrow();
      SQLite::Statement st(*db, "SELECT id,code,name,type,province,parent_id FROM units ORDER BY code");
      std::vector<UnitRecord> out;
      while (st.executeStep()) out.push_back(ReadUnit(st));
      return out;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取单位");
    }
  }

  StatusOr<UnitRecord> GetUnit(std::string_view code) override {
    try {
      auto db = readers_.Borrow();
      SQLite::Statement st(*db,
                           "SELECT id,code,name,type,province,parent_id FROM units WHERE code=?");
      st.bind(1, std::string(code));
      if (!st.executeStep()) return NotFound("没有代码为 " + std::string(code) + " 的单位");
      return ReadUnit(st);
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取单位");
    }
  }

  StatusOr<std::string> CreateToken(std::string_view role, std::string_view unit_code,
                                    std::string_view province, std::string_view label) override;
  StatusOr<TokenInfo> FindToken(std::string_view token) override;
  StatusOr<std::vector<TokenInfo>> ListTokens() override;
  Status RevokeToken(int64_t id) override;
  Status Audit(const AuditEntry& entry) override;
  StatusOr<RegistryStats> Stats() override;

  Status CheckIntegrity() override {
    try {
      auto db = readers_.Borrow();
      std::string answer = db->execAndGet("PRAGMA integrity_check").getString();
      if (answer != "ok") return Internal("数据库完整性检查未通过：" + answer);
      return Status::Ok();
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "完整性检查");
    }
  }

  // For the parts of the registry that keep their own tables (rounds,
  // cohorts, …): write only while holding write_mutex(), read through a
  // lease from readers().
  SQLite::Database& writer() { return *writer_; }
  std::mutex& write_mutex() { return write_mu_; }
  ReaderPool& readers() { return readers_; }

  // The implementation behind a Store (there is only this one).
  static StoreImpl& Of(Store& store) { return static_cast<StoreImpl&>(store); }

  static UnitRecord ReadUnit(SQLite::Statement& st) {
    UnitRecord u;
    u.rowid = st.getColumn(0).getInt64();
    u.code = st.getColumn(1).getString();
    u.name = st.getColumn(2).getString();
    u.type = st.getColumn(3).getString();
    u.province = ColumnText(st, 4);
    u.parent_rowid = st.getColumn(5).isNull() ? 0 : st.getColumn(5).getInt64();
    return u;
  }

 private:
  StatusOr<std::vector<PersonRecord>> LoadPersonsOn(PooledConnection& db,
                                                    const std::vector<int64_t>& rowids,
                                                    bool decrypt);

  std::string dir_;
  std::mutex write_mu_;
  std::unique_ptr<SQLite::Database> writer_;
  Keyring keys_;
  std::string registry_id_;
  ReaderPool readers_;
};

}  // namespace tp::registry
