#include "api/upload_gate.h"

#include <malloc.h>

#include <utility>

namespace tp::api {

UploadGate::Slot::Slot(Slot&& other) noexcept
    : gate_(std::exchange(other.gate_, nullptr)), key_(std::move(other.key_)) {}

UploadGate::Slot& UploadGate::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    gate_ = std::exchange(other.gate_, nullptr);
    key_ = std::move(other.key_);
  }
  return *this;
}

UploadGate::Slot::~Slot() { Release(); }

void UploadGate::Slot::Release() {
  if (gate_ != nullptr) std::exchange(gate_, nullptr)->Leave(key_);
}

UploadGate::UploadGate(int max_total, int max_per_token)
    : max_total_(max_total), max_per_token_(max_per_token) {}

StatusOr<UploadGate::Slot> UploadGate::Enter(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto held = by_key_.find(key);
  if ((held != by_key_.end() ? held->second : 0) >= max_per_token_) {
    return Status(StatusCode::kResourceExhausted,
                  "此令牌上传的文件正在处理，请等它完成后再上传下一个");
  }
  if (in_use_ >= max_total_) {
    return Unavailable("服务器正在处理其他上传的文件，请稍后再试");
  }
  ++in_use_;
  ++by_key_[key];
  return Slot(this, key);
}

int UploadGate::InUse() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_use_;
}

void UploadGate::Leave(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  --in_use_;
  auto held = by_key_.find(key);
  if (held != by_key_.end() && --held->second <= 0) by_key_.erase(held);
}

void SetUploadRefused(const Status& refusal, HttpResponse& res) {
  res.SetHeader("Retry-After", std::to_string(kUploadRetryAfterSeconds));
  res.SetError(refusal);
}

void ReturnFreedMemory() { malloc_trim(0); }

}  // namespace tp::api
