// Backup and restore of a registry's database with SQLite's online backup API.
//
// A backup is a consistent snapshot of registry.sqlite taken from one read
// transaction, so it can run while the server serves and writes (WAL readers
// never block writers). It holds the sealed ID numbers and phones but not the
// key that opens them: the key file (talentpool.key) changes only when a key
// is rotated (rekey.h, which keeps the older keys so that older backups still
// open) and is kept apart, somewhere safer than the backups — a stolen backup then
// reveals no ID number, and a lost key file makes every backup's ID numbers
// and phones unreadable (the rest of each record stays readable).
//
// A backup also carries the attachment files (attachment_files.h) in a table of its own, sealed
// as they lie on disk; a restore writes them back beside the database before the rows that name
// them, and removes the files of attachments the backup does not have.
//
// Restore copies a backup into the live database through the same API, so a
// running server sees the restored state at its next read. It refuses a file
// that is not a talentpool registry or whose sealed values this registry's key
// cannot open. A restored registry gets a new identity: the search index sees
// a registry it has not followed and rebuilds itself from it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "registry/base/status.h"
#include "registry/store/store.h"

namespace tp::registry {

struct BackupInfo {
  int64_t persons = 0;
  int64_t last_seq = 0;
  std::string registry_id;  // of the source (backup) or the new identity (restore)
  int attachment_files = 0;     // attachment files carried (backup) or written back (restore)
  int attachments_missing = 0;  // backup: files of attachments deleted while it ran
};

struct BackupOptions {
  // The database is copied this many pages (4 KiB) at a time, all from one read transaction.
  int pages_per_step = 4096;
  // After each step: bytes of the database copied so far, of its size.
  std::function<void(int64_t copied, int64_t total)> on_progress = {};
};

// Writes a snapshot of `store` to `out_path` (written aside, synced, then
// renamed into place; an existing file is replaced).
StatusOr<BackupInfo> BackupTo(Store& store, const std::string& out_path,
                              const BackupOptions& options = {});

// Replaces the contents of `store` with the backup at `backup_path`.
StatusOr<BackupInfo> RestoreFrom(Store& store, const std::string& backup_path);

}  // namespace tp::registry
