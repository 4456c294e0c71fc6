#include "registry/store/backup.h"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Transaction.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "registry/store/attachment_files.h"
#include "registry/store/crypto.h"
#include "registry/store/internal/store_impl.h"

namespace tp::registry {
namespace {

Status SyncFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Internal("无法打开 " + path + " 以同步到磁盘");
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::Ok() : Internal("无法把 " + path + " 同步到磁盘");
}

// The table of a backup file that carries the attachment files (attachment_files.h), as they
// lie on disk: sealed, under their keys. Only backup files have it; a restore empties it out.
constexpr const char* kFilesTable = "backup_attachment_files";

// Copies the files the snapshot's attachments name into it. A file removed since the snapshot
// was taken (its attachment deleted meanwhile) is counted as missing.
Status CopyAttachmentFiles(SQLite::Database& target, const std::string& registry_dir,
                           BackupInfo* info) {
  if (!target.tableExists("attachments")) return Status::Ok();
  target.exec(std::string("CREATE TABLE ") + kFilesTable +
              "(key TEXT PRIMARY KEY, sealed BLOB NOT NULL)");
  SQLite::Transaction tx(target);
  SQLite::Statement keys(target, "SELECT DISTINCT blob_key FROM attachments");
  SQLite::Statement insert(target, std::string("INSERT INTO ") + kFilesTable + " VALUES(?, ?)");
  while (keys.executeStep()) {
    const std::string key = keys.getColumn(0).getString();
    StatusOr<std::string> sealed = ReadAttachmentFile(registry_dir, key);
    if (!sealed.ok()) {
      ++info->attachments_missing;
      continue;
    }
    insert.reset();
    insert.bind(1, key);
    insert.bind(2, sealed->data(), static_cast<int>(sealed->size()));
    insert.exec();
    ++info->attachment_files;
  }
  tx.commit();
  return Status::Ok();
}

// Writes the files a backup carries beside the live database (those already there stay).
Status RestoreAttachmentFiles(SQLite::Database& backup, const std::string& registry_dir,
                              BackupInfo* info) {
  if (!backup.tableExists(kFilesTable)) return Status::Ok();
  SQLite::Statement files(backup, std::string("SELECT key, sealed FROM ") + kFilesTable);
  while (files.executeStep()) {
    SQLite::Column sealed = files.getColumn(1);
    TP_RETURN_IF_ERROR(
        WriteAttachmentFile(registry_dir, files.getColumn(0).getString(),
                            std::string_view(static_cast<const char*>(sealed.getBlob()),
                                             static_cast<std::size_t>(sealed.getBytes()))));
    ++info->attachment_files;
  }
  return Status::Ok();
}

BackupInfo Describe(SQLite::Database& db) {
  BackupInfo info;
  info.persons = db.execAndGet("SELECT count(*) FROM persons WHERE merged_into IS NULL").getInt64();
  info.last_seq = db.execAndGet("SELECT coalesce(max(seq),0) FROM change_log").getInt64();
  SQLite::Statement id(db, "SELECT value FROM meta WHERE key='registry_id'");
  if (id.executeStep()) info.registry_id = id.getColumn(0).getString();
  return info;
}

}  // namespace

StatusOr<BackupInfo> BackupTo(Store& store, const std::string& out_path,
                              const BackupOptions& options) {
  StoreImpl& impl = StoreImpl::Of(store);
  std::string temp = out_path + ".part";
  std::error_code ec;
  std::filesystem::remove(temp, ec);
  try {
    BackupInfo info;
    {
      auto source = impl.readers().Borrow();
      TP_RETURN_IF_ERROR(MakePrivateFile(temp, /*create=*/true));
      SQLite::Database target(temp, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      // Every step reads within this one read transaction: a consistent snapshot however much
      // the server writes meanwhile (WAL: the writer never waits for it, nor it for the
      // writer), and no step starts the copy again.
      SQLite::Transaction snapshot(*source);
      (void)source->execAndGet("SELECT count(*) FROM meta");
      SQLite::Backup backup(target, *source);
      const int64_t page_size = source->execAndGet("PRAGMA page_size").getInt64();
      for (int rc; (rc = backup.executeStep(std::max(1, options.pages_per_step))) != SQLITE_DONE;) {
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          continue;
        }
        if (options.on_progress) {
          const int64_t total = backup.getTotalPageCount();
          options.on_progress((total - backup.getRemainingPageCount()) * page_size,
                              total * page_size);
        }
      }
      snapshot.commit();  // read only: ends the transaction
      info = Describe(target);
      TP_RETURN_IF_ERROR(CopyAttachmentFiles(target, store.Dir(), &info));
    }
    TP_RETURN_IF_ERROR(SyncFile(temp));
    std::filesystem::rename(temp, out_path, ec);
    if (ec) return Internal("无法把备份移到 " + out_path + "：" + ec.message());
    return info;
  } catch (const SQLite::Exception& e) {
    std::filesystem::remove(temp, ec);
    return FromSqlite(e, "备份到 " + out_path);
  }
}

StatusOr<BackupInfo> RestoreFrom(Store& store, const std::string& backup_path) {
  StoreImpl& impl = StoreImpl::Of(store);
  if (!std::filesystem::is_regular_file(backup_path)) {
    return NotFound("找不到备份文件 " + backup_path);
  }
  try {
    SQLite::Database backup(backup_path, SQLite::OPEN_READONLY);
    bool is_registry = false;
    try {
      is_registry = backup.tableExists("meta") && backup.tableExists("persons") &&
                    backup.execAndGet("PRAGMA user_version").getInt() >= 1;
    } catch (const SQLite::Exception&) {
      is_registry = false;  // not an SQLite file at all
    }
    if (!is_registry) return InvalidArgument(backup_path + " 不是 talentpool 登记库的备份");
    std::string check = backup.execAndGet("PRAGMA integrity_check").getString();
    if (check != "ok") return InvalidArgument("备份文件已损坏：" + check);
    // The sealed values must open with this registry's key, or every ID
    // number and phone of the restored registry would be lost.
    SQLite::Statement sample(
        backup, "SELECT id_number_enc, id FROM persons WHERE id_number_enc IS NOT NULL LIMIT 1");
    if (sample.executeStep()) {
      SQLite::Column c = sample.getColumn(0);
      std::string blob(static_cast<const char*>(c.getBlob()), c.getBytes());
      const std::string context =
          SealContext("persons", "id_number", sample.getColumn(1).getInt64());
      if (!store.Keys().Open(blob, context).ok()) {
        return PermissionDenied(
            "备份中的身份证号无法用本登记库的密钥解开：它来自另一个登记库，或密钥文件已更换");
      }
    }

    std::lock_guard lock(impl.write_mutex());
    BackupInfo info;
    // The files first: the rows that name them arrive with the copy.
    TP_RETURN_IF_ERROR(RestoreAttachmentFiles(backup, store.Dir(), &info));
    SQLite::Backup copy(impl.writer(), backup);
    copy.executeStep(-1);
    impl.writer().exec(std::string("DROP TABLE IF EXISTS ") + kFilesTable);
    // Files of attachments the backup does not have go, as their rows went.
    TP_RETURN_IF_ERROR(RemoveUnnamedAttachmentFiles(impl.writer(), store.Dir()).status());
    const int files = info.attachment_files;
    info = Describe(impl.writer());
    info.attachment_files = files;
    info.registry_id = RandomHex(16);
    SQLite::Statement set_id(impl.writer(),
                             "INSERT INTO meta(key, value) VALUES('registry_id', ?) "
                             "ON CONFLICT(key) DO UPDATE SET value=excluded.value");
    set_id.bind(1, info.registry_id);
    set_id.exec();
    InsertAudit(impl.writer(), {"cli", "", "restore", "registry", info.registry_id,
                                "{\"persons\":" + std::to_string(info.persons) + "}", ""});
    return info;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "从 " + backup_path + " 恢复");
  }
}

}  // namespace tp::registry
