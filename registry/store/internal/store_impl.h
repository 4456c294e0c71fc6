// Internals of the SQLite store, shared by the files of registry/store/ that implement it. Nothing
// outside registry/store/ includes this header (the build checks it); the other areas of the
// registry reach the database through the DbHandle of db_handle.h.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/store/db_handle.h"
#include "registry/store/store.h"

namespace tp::registry {

inline constexpr const char* kDatabaseFile = "registry.sqlite";
inline constexpr const char* kKeyFile = "talentpool.key";

// The database, its WAL and shared-memory files and every backup hold personal data: they are
// readable by their owner only (0600). SQLite gives the WAL and -shm files the mode of the
// database file, so the database file is made first, with that mode. `create` makes an empty
// file when none is there; an existing one has its mode narrowed.
Status MakePrivateFile(const std::string& path, bool create);

// The page cache of every connection, and of the writer while one transaction writes many
// rows: the index pages such a transaction changes all stay in memory until its commit
// instead of being written out and read back while it runs.
inline constexpr const char* kCacheSizeSql = "PRAGMA cache_size = -32768";             // 32 MiB
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

class StoreImpl final : public Store, public DbHandle {
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
      SQLite::Statement& st =
          db.Prepare("SELECT id FROM persons WHERE id_number_hash=? AND merged_into IS NULL");
      std::string hash = keys_.BlindIndex("id_number", id_number);
      st.bind(1, hash.data(), static_cast<int>(hash.size()));
      if (st.executeStep()) return std::optional<int64_t>(st.getColumn(0).getInt64());
      return std::optional<int64_t>();
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "按身份证号查找");
    }
  }

  StatusOr<std::vector<int64_t>> FindByPhone(std::string_view phone) override {
    try {
      auto db = readers_.Borrow();
      SQLite::Statement& st = db.Prepare(
          "SELECT id FROM persons WHERE phone_hash=? AND merged_into IS NULL ORDER BY id LIMIT "
          "100");
      std::string hash = keys_.BlindIndex("phone", phone);
      st.bind(1, hash.data(), static_cast<int>(hash.size()));
      std::vector<int64_t> out;
      while (st.executeStep()) out.push_back(st.getColumn(0).getInt64());
      return out;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "按手机号查找");
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
        out.push_back(
            {st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getInt64()});
      }
      return out;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取变更记录");
    }
  }

  StatusOr<std::vector<UnitRecord>> ListUnits() override {
    try {
      auto db = readers_.Borrow();
      SQLite::Statement st(*db,
                           "SELECT id,code,name,type,province,parent_id FROM units ORDER BY code");
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

  DbHandle& Db() override { return *this; }
  ReaderPool::Lease Read() override { return readers_.Borrow(); }
  StatusOr<std::unique_ptr<WriteBatch>> Write() override { return BeginWrite(); }

  // For registry/store/ only: backup and key rotation hold the writer across several
  // transactions of their own.
  SQLite::Database& writer() { return *writer_; }
  std::mutex& write_mutex() { return write_mu_; }
  ReaderPool& readers() { return readers_; }

  // The implementation behind a Store (there is only this one).
  static StoreImpl& Of(Store& store) { return static_cast<StoreImpl&>(store); }

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
