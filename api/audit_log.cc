#include "api/audit_log.h"

#include <chrono>
#include <utility>

namespace tp::api {
namespace {

constexpr auto kMoveEvery = std::chrono::milliseconds(100);
constexpr size_t kMoveAt = 2048;  // entries waiting that wake the mover early

}  // namespace

AuditLog::AuditLog(registry::ApiQueries& queries, const std::string& spool_dir)
    : queries_(queries) {
  if (spool_dir.empty()) return;
  auto through = queries_.AuditSpooledThrough();
  if (!through.ok()) return;
  auto spool = registry::AuditSpool::Open(spool_dir, *through);
  if (!spool.ok()) return;  // owned by another process: commit directly
  spool_ = std::move(*spool);
  // What a killed predecessor left goes in before anything new; if that
  // fails it stays spooled and the mover tries again.
  (void)Flush();
  mover_ = std::thread([this] { RunMover(); });
}

AuditLog::~AuditLog() {
  if (!mover_.joinable()) return;
  {
    std::lock_guard lock(mover_mu_);
    stop_ = true;
  }
  mover_cv_.notify_all();
  mover_.join();
  (void)Flush();  // what fails stays spooled for the next start
}

Status AuditLog::Record(registry::AuditEntry entry) {
  if (entry.at.empty()) entry.at = registry::AuditTimestampNow();
  if (spool_ == nullptr) return CommitTogether(std::move(entry));
  TP_RETURN_IF_ERROR(spool_->Append(entry));
  if (spool_->pending() >= kMoveAt) mover_cv_.notify_one();
  return Status::Ok();
}

Status AuditLog::Flush() {
  if (spool_ == nullptr) return Status::Ok();
  std::lock_guard flush_lock(flush_mu_);
  std::vector<registry::SpooledEntry> taken = spool_->Take();
  if (taken.empty()) return Status::Ok();
  std::vector<registry::AuditEntry> entries;
  entries.reserve(taken.size());
  for (const auto& e : taken) entries.push_back(e.entry);
  const int64_t through = taken.back().seq;
  Status status = queries_.AppendAudit(entries, through);
  if (!status.ok()) {
    spool_->PutBack(std::move(taken));
    return status;
  }
  {
    std::lock_guard lock(mu_);
    ++commits_;
    entries_ += entries.size();
  }
  return spool_->Committed(through);
}

void AuditLog::RunMover() {
  std::unique_lock lock(mover_mu_);
  while (!stop_) {
    mover_cv_.wait_for(lock, kMoveEvery, [&] { return stop_ || spool_->pending() >= kMoveAt; });
    if (stop_) break;
    lock.unlock();
    (void)Flush();  // a failure leaves the entries spooled for the next round
    lock.lock();
  }
}

Status AuditLog::CommitTogether(registry::AuditEntry entry) {
  auto pending = std::make_shared<Pending>();
  pending->entry = std::move(entry);
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(pending);
  while (!pending->done) {
    if (committing_) {
      done_.wait(lock);
      continue;
    }
    // Nobody is committing: this call commits whatever has queued up,
    // its own entry among it.
    committing_ = true;
    std::vector<std::shared_ptr<Pending>> batch;
    batch.swap(queue_);
    lock.unlock();
    std::vector<registry::AuditEntry> entries;
    entries.reserve(batch.size());
    for (const auto& p : batch) entries.push_back(std::move(p->entry));
    Status status = queries_.AppendAudit(entries, 0);
    lock.lock();
    committing_ = false;
    ++commits_;
    if (status.ok()) entries_ += batch.size();
    for (const auto& p : batch) {
      p->done = true;
      p->status = status;
    }
    // The waiters whose entries were in the batch return; the first of the
    // others to wake commits the next group.
    done_.notify_all();
  }
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

}  // namespace tp::api
