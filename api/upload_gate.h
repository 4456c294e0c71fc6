// How many uploaded tables (imports and 汇总表) are read at once. Reading a
// file takes what it inflates to and what its rows make, so that memory is
// the bound per upload (XlsxLimits in registry/tables/table_reader.h) times these
// counts, however many clients send at once. The bodies themselves arrive
// before this is asked, bounded by the server's limit on bodies in flight.
//
// A token holds at most `max_per_token` slots: one more is refused with
// ResourceExhausted (429, as a rate limit), since that client is waiting for
// an answer already. When all `max_total` slots are taken the refusal is
// Unavailable (503): the server is busy with others. Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "api/http_server.h"
#include "registry/base/status.h"

namespace tp::api {

class UploadGate {
 public:
  // Released when destroyed. Move-only.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    ~Slot();

   private:
    friend class UploadGate;
    Slot(UploadGate* gate, std::string key) : gate_(gate), key_(std::move(key)) {}
    void Release();

    UploadGate* gate_ = nullptr;
    std::string key_;
  };

  UploadGate(int max_total, int max_per_token);
  UploadGate(const UploadGate&) = delete;
  UploadGate& operator=(const UploadGate&) = delete;

  // A slot for the caller named `key` (its Caller::Actor()), or the refusal.
  StatusOr<Slot> Enter(const std::string& key);

  // Slots held now.
  int InUse() const;

 private:
  void Leave(const std::string& key);

  const int max_total_;
  const int max_per_token_;
  mutable std::mutex mu_;
  int in_use_ = 0;
  std::unordered_map<std::string, int> by_key_;  // keys holding a slot only
};

// Seconds a refused upload is told to wait (Retry-After): an upload of the
// largest file the routes take is read in a few seconds.
inline constexpr int kUploadRetryAfterSeconds = 5;

// Answers a refusal of UploadGate::Enter: its status with Retry-After.
void SetUploadRefused(const Status& refusal, HttpResponse& res);

// Gives the memory freed after an upload back to the system. Once a large
// block has been freed, glibc serves blocks up to that size (at most 32 MB)
// from its per-thread arenas instead of mapping them apart, and an arena gives
// back only what is free at its top, past a threshold that rose with it: the
// copies of a file each worker thread made stayed with the process. Measured
// on the code before the upload bounds: three uploads of a 30 MB CSV of bad
// rows took the server from 32 to 771 MB, and malloc_trim(0) brought it back
// to 122 MB. With the uploads' own copies cut since, one such upload still
// leaves 33 MB behind without it, 1.5 MB with it (tests/bench/
// upload_memory_bench). It costs a few milliseconds, once per upload.
void ReturnFreedMemory();

}  // namespace tp::api
