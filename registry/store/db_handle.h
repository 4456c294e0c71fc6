// The database as the areas of the registry that keep tables of their own (rounds, cohorts,
// duplicates, summary sheets) reach it: a handle handed to each area when it opens, with the one
// way to read and the one way to write.
//
//   auto db = handle.Read();              // a pooled read-only connection, last committed state
//   TP_ASSIGN_OR_RETURN(auto write, handle.Write());
//   SQLite::Statement st(write->Connection(), "UPDATE …");   // the writer, inside the transaction
//   TP_RETURN_IF_ERROR(write->Commit());   // or return early: the transaction rolls back
//
// The writer connection is reachable only through a live WriteBatch, which holds the writer's lock
// for as long as it lives: outside registry/store/, no code can write without holding it.
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

#include "registry/base/status.h"
#include "registry/store/store.h"

namespace tp::registry {

inline constexpr int kReaderPoolSize = 8;
inline constexpr int kBusyTimeoutMs = 10000;

inline Status FromSqlite(const SQLite::Exception& e, std::string_view what) {
  // The message stays in our logs; a client sees only the code.
  return Internal(std::string(what) + "：数据库错误（" + e.what() + "）");
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

inline constexpr const char* kInsertAuditSql =
    "INSERT INTO audit_log(actor, role, action, object_type, object_id, detail, remote_addr, at, "
    "actor_name) VALUES(?,?,?,?,?,?,?,coalesce(?,strftime('%Y-%m-%dT%H:%M:%fZ','now')),?)";

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
  BindText(st, 9, e.actor_name);
}

inline void InsertAudit(SQLite::Database& db, const AuditEntry& e) {
  SQLite::Statement st(db, kInsertAuditSql);
  BindAudit(st, e);
  st.exec();
}

// A unit row selected as id, code, name, type, province, parent_id.
inline UnitRecord ReadUnit(SQLite::Statement& st) {
  UnitRecord u;
  u.rowid = st.getColumn(0).getInt64();
  u.code = st.getColumn(1).getString();
  u.name = st.getColumn(2).getString();
  u.type = st.getColumn(3).getString();
  u.province = ColumnText(st, 4);
  u.parent_rowid = st.getColumn(5).isNull() ? 0 : st.getColumn(5).getInt64();
  return u;
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
      auto db =
          std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX);
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

class DbHandle {
 public:
  virtual ~DbHandle() = default;

  // A read-only connection of the pool; back to the pool when the lease ends. Like the
  // statements run on it, it throws SQLite::Exception, which the caller turns into a Status.
  virtual ReaderPool::Lease Read() = 0;

  // A write transaction (BEGIN IMMEDIATE) on the writer connection: see WriteBatch in store.h.
  virtual StatusOr<std::unique_ptr<WriteBatch>> Write() = 0;

  // The keys that seal ID numbers, phones and the rooms' own sealed values (crypto.h).
  virtual const Keyring& Keys() const = 0;
};

}  // namespace tp::registry
