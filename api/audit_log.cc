#include "api/audit_log.h"

#include <utility>

namespace tp::api {

AuditLog::AuditLog(registry::ApiQueries& queries) : queries_(queries), thread_([this] { Run(); }) {}

AuditLog::~AuditLog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_.notify_all();
  thread_.join();
}

Status AuditLog::Record(registry::AuditEntry entry) {
  auto pending = std::make_shared<Pending>();
  pending->entry = std::move(entry);
  std::unique_lock<std::mutex> lock(mu_);
  if (stop_) return Unavailable("审计日志已关闭");
  queue_.push_back(pending);
  work_.notify_one();
  done_.wait(lock, [&] { return pending->done; });
  return pending->status;
}

uint64_t AuditLog::commits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commits_;
}

uint64_t AuditLog::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_;
}

void AuditLog::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty() && stop_) return;
    // Whatever arrived while the last commit ran goes in this one.
    std::vector<std::shared_ptr<Pending>> batch;
    batch.swap(queue_);
    lock.unlock();
    std::vector<registry::AuditEntry> entries;
    entries.reserve(batch.size());
    for (const auto& p : batch) entries.push_back(p->entry);
    Status status = queries_.AppendAudit(entries);
    lock.lock();
    ++commits_;
    if (status.ok()) entries_ += batch.size();
    for (const auto& p : batch) {
      p->done = true;
      p->status = status;
    }
    done_.notify_all();
  }
}

}  // namespace tp::api
