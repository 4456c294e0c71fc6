// A spool for audit entries on their way into the database. Appending an
// entry is one write() to a file beside the registry; the entries reach the
// audit_log table later, many to a transaction. A killed process loses
// nothing it had answered for: whoever opens the spool next moves what is
// left into the table. As with the audit commits it replaces
// (synchronous=NORMAL), only a power cut may lose the newest entries.
//
// Why: every commit to the registry, however small, empties the page caches
// of all its reader connections, so a commit per enrolment check made each
// check read its pages again as well as write. Committing a tenth of a
// second's entries at once leaves the readers' caches warm.
//
// Two files take turns: new entries go to one while the other's entries are
// being committed, and a file is emptied only once every entry in it is in
// the database. Each entry carries a sequence number; the highest one
// committed is stored in `meta` in the same transaction as the entries, so
// moving the same file twice inserts nothing twice.
//
// One process at a time owns the spool (an exclusive lock on
// audit-spool.lock); Open() in a second one fails with kUnavailable, and
// that process commits its entries directly.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "registry/base/status.h"
#include "registry/store/store.h"

namespace tp::registry {

struct SpooledEntry {
  int64_t seq = 0;
  AuditEntry entry;
};

class AuditSpool {
 public:
  // Opens or creates the spool in `dir` (the registry's directory).
  // `committed_through` is the highest sequence number already in the
  // database (ApiQueries::AuditSpooledThrough); entries at or below it are
  // dropped as already moved.
  static StatusOr<std::unique_ptr<AuditSpool>> Open(const std::string& dir,
                                                    int64_t committed_through);
  ~AuditSpool();
  AuditSpool(const AuditSpool&) = delete;
  AuditSpool& operator=(const AuditSpool&) = delete;

  // Writes `entry` (whose `at` must be set) to the spool; once this returns
  // the entry survives the process. Thread-safe.
  Status Append(const AuditEntry& entry);

  // Everything appended and not yet taken, oldest first (left over from an
  // earlier process included); later appends go to the other file.
  std::vector<SpooledEntry> Take();
  // The entries through `seq` are in the database: files holding only
  // those are emptied.
  Status Committed(int64_t seq);
  // A commit of `taken` failed: they are offered again by the next Take().
  void PutBack(std::vector<SpooledEntry> taken);

  // Entries appended and not yet taken.
  size_t pending() const;

  // Reads a spool file's entries (for tests and Open): stops at the first
  // entry that is incomplete or fails its checksum.
  static StatusOr<std::vector<SpooledEntry>> ReadFile(const std::string& path);

 private:
  struct File {
    std::string path;
    int fd = -1;
    off_t size = 0;
    int64_t max_seq = 0;  // highest sequence number written since it was last emptied
  };
  AuditSpool() = default;

  mutable std::mutex mu_;
  int lock_fd_ = -1;
  File files_[2];
  int active_ = 0;
  int64_t next_seq_ = 1;
  std::vector<SpooledEntry> pending_;
};

// The time stamp audit_log uses ("2026-11-21T09:30:00.125Z"), for now.
std::string AuditTimestampNow();

}  // namespace tp::registry
