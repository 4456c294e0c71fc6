#include "registry/store/audit_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

namespace tp::registry {
namespace {

using Json = nlohmann::json;

// An entry on disk: its payload's length (4 bytes, little-endian), a
// BLAKE2b-128 checksum of the payload, then the payload (JSON).
constexpr size_t kChecksumBytes = crypto_generichash_BYTES_MIN;
constexpr size_t kHeaderBytes = 4 + kChecksumBytes;
constexpr uint32_t kMaxPayload = 1 << 20;

void Checksum(std::string_view payload, unsigned char* out) {
  crypto_generichash(out, kChecksumBytes, reinterpret_cast<const unsigned char*>(payload.data()),
                     payload.size(), nullptr, 0);
}

std::string Frame(int64_t seq, const AuditEntry& e) {
  std::string payload = Json{
      {"seq", seq},
      {"at", e.at},
      {"actor", e.actor},
      {"actor_name", e.actor_name},
      {"role", e.role},
      {"action", e.action},
      {"object_type", e.object_type},
      {"object_id", e.object_id},
      {"detail", e.detail_json},
      {"remote_addr",
       e.remote_addr}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out(kHeaderBytes, '\0');
  const auto n = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  Checksum(payload, reinterpret_cast<unsigned char*>(&out[4]));
  return out + payload;
}

Status Errno(std::string what, const std::string& path) {
  return Internal(std::move(what) + " " + path + "：" + std::strerror(errno));
}

Status WriteAll(int fd, const std::string& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("写入审计暂存文件", path);
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// The entries of a spool file, and how many of its bytes they fill.
struct FileContents {
  std::vector<SpooledEntry> entries;
  off_t valid_bytes = 0;
};

StatusOr<FileContents> ReadContents(const std::string& path) {
  FileContents out;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return out;
    return Errno("打开审计暂存文件", path);
  }
  std::string data;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status failed = Errno("读取审计暂存文件", path);
      ::close(fd);
      return failed;
    }
    if (n == 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  size_t at = 0;
  while (data.size() - at >= kHeaderBytes) {
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i)
      n |= static_cast<uint32_t>(static_cast<unsigned char>(data[at + i])) << (8 * i);
    if (n > kMaxPayload || data.size() - at - kHeaderBytes < n) break;
    std::string_view payload(data.data() + at + kHeaderBytes, n);
    unsigned char sum[kChecksumBytes];
    Checksum(payload, sum);
    if (std::memcmp(sum, data.data() + at + 4, kChecksumBytes) != 0) break;
    Json j = Json::parse(payload, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("seq") || !j["seq"].is_number_integer())
      break;
    SpooledEntry e;
    e.seq = j["seq"].get<int64_t>();
    auto text = [&](const char* key) {
      auto it = j.find(key);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    e.entry.at = text("at");
    e.entry.actor = text("actor");
    e.entry.actor_name = text("actor_name");
    e.entry.role = text("role");
    e.entry.action = text("action");
    e.entry.object_type = text("object_type");
    e.entry.object_id = text("object_id");
    e.entry.detail_json = text("detail");
    e.entry.remote_addr = text("remote_addr");
    out.entries.push_back(std::move(e));
    at += kHeaderBytes + n;
  }
  out.valid_bytes = static_cast<off_t>(at);
  return out;
}

}  // namespace

std::string AuditTimestampNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

StatusOr<std::vector<SpooledEntry>> AuditSpool::ReadFile(const std::string& path) {
  TP_ASSIGN_OR_RETURN(auto contents, ReadContents(path));
  return std::move(contents.entries);
}

StatusOr<std::unique_ptr<AuditSpool>> AuditSpool::Open(const std::string& dir,
                                                       int64_t committed_through) {
  std::unique_ptr<AuditSpool> spool(new AuditSpool());
  const std::string lock_path = dir + "/audit-spool.lock";
  spool->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (spool->lock_fd_ < 0) return Errno("打开", lock_path);
  if (::flock(spool->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return Unavailable("审计暂存文件正由另一个进程使用");
    return Errno("锁定", lock_path);
  }
  int64_t highest = committed_through;
  for (int i = 0; i < 2; ++i) {
    File& f = spool->files_[i];
    f.path = dir + (i == 0 ? "/audit-spool-a" : "/audit-spool-b");
    TP_ASSIGN_OR_RETURN(auto contents, ReadContents(f.path));
    f.fd = ::open(f.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (f.fd < 0) return Errno("打开", f.path);
    // A torn last entry (a power cut mid-write) is cut off, or entries
    // appended after it could never be read.
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) return Errno("读取", f.path);
    if (st.st_size != contents.valid_bytes && ::ftruncate(f.fd, contents.valid_bytes) != 0)
      return Errno("截断", f.path);
    f.size = contents.valid_bytes;
    for (SpooledEntry& e : contents.entries) {
      f.max_seq = std::max(f.max_seq, e.seq);
      highest = std::max(highest, e.seq);
      if (e.seq > committed_through) spool->pending_.push_back(std::move(e));
    }
  }
  std::sort(spool->pending_.begin(), spool->pending_.end(),
            [](const SpooledEntry& a, const SpooledEntry& b) { return a.seq < b.seq; });
  spool->next_seq_ = highest + 1;
  // Files whose entries are all in the database already start empty.
  TP_RETURN_IF_ERROR(spool->Committed(committed_through));
  return spool;
}

AuditSpool::~AuditSpool() {
  for (File& f : files_)
    if (f.fd >= 0) ::close(f.fd);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
}

Status AuditSpool::Append(const AuditEntry& entry) {
  std::lock_guard lock(mu_);
  const int64_t seq = next_seq_++;
  File& f = files_[active_];
  std::string frame = Frame(seq, entry);
  Status written = WriteAll(f.fd, frame, f.path);
  if (!written.ok()) {
    // Cut off a partly written entry so the ones after it stay readable.
    if (::ftruncate(f.fd, f.size) != 0) {
      // Open() cuts it off next time.
    }
    return written;
  }
  f.size += static_cast<off_t>(frame.size());
  f.max_seq = seq;
  pending_.push_back({seq, entry});
  return Status::Ok();
}

std::vector<SpooledEntry> AuditSpool::Take() {
  std::lock_guard lock(mu_);
  std::vector<SpooledEntry> out;
  out.swap(pending_);
  // New entries go to the other file if it is empty, so this one can be
  // emptied once what was taken is committed.
  if (!out.empty() && files_[1 - active_].max_seq == 0) active_ = 1 - active_;
  return out;
}

Status AuditSpool::Committed(int64_t seq) {
  std::lock_guard lock(mu_);
  for (File& f : files_) {
    if (f.max_seq == 0 || f.max_seq > seq) continue;
    if (::ftruncate(f.fd, 0) != 0) return Errno("清空", f.path);
    f.max_seq = 0;
    f.size = 0;
  }
  return Status::Ok();
}

void AuditSpool::PutBack(std::vector<SpooledEntry> taken) {
  std::lock_guard lock(mu_);
  taken.insert(taken.end(), std::make_move_iterator(pending_.begin()),
               std::make_move_iterator(pending_.end()));
  pending_.swap(taken);
}

size_t AuditSpool::pending() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

}  // namespace tp::registry
