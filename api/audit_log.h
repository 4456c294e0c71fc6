// The audit log's writer for the API: every call that must be audited waits
// until its entry is committed (so no answer goes out unrecorded), but the
// entries of calls arriving together share one transaction and one fsync
// (group commit). With synchronous=FULL a commit costs a disk flush; one per
// enrolment check would cap the check at the disk's flush rate.
//
// Thread-safe. `queries` must outlive the writer; destruction commits what
// is queued, then stops its thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "registry/status.h"
#include "registry/store.h"
#include "registry/store_api_queries.h"

namespace tp::api {

class AuditLog {
 public:
  explicit AuditLog(registry::ApiQueries& queries);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Returns once `entry` is committed, with the commit's status.
  Status Record(registry::AuditEntry entry);

  // Commits so far, and entries committed (for tests: entries > commits
  // when calls were grouped).
  uint64_t commits() const;
  uint64_t entries() const;

 private:
  struct Pending {
    registry::AuditEntry entry;
    bool done = false;
    Status status;
  };
  void Run();

  registry::ApiQueries& queries_;
  mutable std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable done_;
  std::vector<std::shared_ptr<Pending>> queue_;
  bool stop_ = false;
  uint64_t commits_ = 0;
  uint64_t entries_ = 0;
  std::thread thread_;
};

}  // namespace tp::api
