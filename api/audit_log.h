// The audit log's writer for the API. No answer goes out before its entry is
// safe from a killed process, but entries reach the audit_log table many at
// a time:
//
// - With the registry's audit spool (registry/store/audit_spool.h), an entry is
//   one write() to the spool; a thread moves what has gathered into the
//   table every 100 ms (sooner when many are waiting). A spool left by a
//   killed process is moved in when the next one starts.
// - Without it (another process owns the spool, or it cannot be opened),
//   calls arriving together share one transaction (group commit): the first
//   caller to find no commit running commits everything queued so far,
//   itself included, and a lone call commits on its own thread.
//
// Thread-safe. `queries` must outlive the writer, and no Record() may be
// running when it is destroyed; destruction moves the whole spool in.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "registry/base/status.h"
#include "registry/store/audit_spool.h"
#include "registry/store/store.h"
#include "registry/store/store_api_queries.h"

namespace tp::api {

class AuditLog {
 public:
  // `spool_dir` is the registry's directory; empty: no spool.
  AuditLog(registry::ApiQueries& queries, const std::string& spool_dir);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Returns once `entry` is spooled or committed (it survives a killed
  // process), with the status of that.
  Status Record(registry::AuditEntry entry);
  // Moves every spooled entry into the table now (before the log is read).
  Status Flush();

  bool spooling() const { return spool_ != nullptr; }
  // Commits to the table so far, and entries committed (for tests: entries
  // > commits when calls were grouped).
  uint64_t commits() const;
  uint64_t entries() const;
  // Entries in the spool not yet moved into the table (0 without a spool).
  size_t spooled() const { return spool_ != nullptr ? spool_->pending() : 0; }

 private:
  struct Pending {
    registry::AuditEntry entry;
    bool done = false;
    Status status;
  };
  Status CommitTogether(registry::AuditEntry entry);
  void RunMover();

  registry::ApiQueries& queries_;
  std::unique_ptr<registry::AuditSpool> spool_;

  mutable std::mutex mu_;
  std::condition_variable done_;
  std::vector<std::shared_ptr<Pending>> queue_;
  bool committing_ = false;
  uint64_t commits_ = 0;
  uint64_t entries_ = 0;

  std::mutex flush_mu_;  // one move from the spool at a time
  std::mutex mover_mu_;
  std::condition_variable mover_cv_;
  bool stop_ = false;
  std::thread mover_;
};

}  // namespace tp::api
