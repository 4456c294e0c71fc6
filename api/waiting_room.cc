#include "api/waiting_room.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace tp::api {
namespace {

using Clock = std::chrono::steady_clock;

// How often deadlines are looked at when nothing arrives: a deadline is kept
// to within this much.
constexpr std::chrono::milliseconds kSweepInterval{50};
constexpr int kEventsPerWait = 256;
constexpr std::size_t kReadChunk = 16 * 1024;

// httplib ends a head only at a line that is exactly CRLF.
bool HeadComplete(const std::string& bytes, std::size_t searched_before) {
  const std::size_t from = searched_before >= 3 ? searched_before - 3 : 0;
  return bytes.find("\r\n\r\n", from) != std::string::npos;
}

}  // namespace

WaitingRoom::WaitingRoom(WaitingRoomOptions options, Ready ready)
    : options_(options), ready_(std::move(ready)) {}

WaitingRoom::~WaitingRoom() {
  Stop();
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Status WaitingRoom::Start() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd_ < 0 || wake_fd_ < 0)
    return Internal(std::string("无法创建连接等待区：") + std::strerror(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
    return Internal(std::string("无法创建连接等待区：") + std::strerror(errno));
  }
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void WaitingRoom::AddNew(int sock) {
  Entry entry;
  entry.conn.sock = sock;
  entry.conn.deadline = Clock::now() + options_.head_deadline;
  Add(std::move(entry));
}

void WaitingRoom::AddKeptAlive(PendingConnection conn) {
  Entry entry;
  entry.idle = conn.bytes.empty();
  if (entry.idle) entry.idle_until = Clock::now() + options_.keep_alive_timeout;
  conn.deadline = Clock::now() + options_.head_deadline;
  entry.conn = std::move(conn);
  Add(std::move(entry));
}

void WaitingRoom::AddClosing(int sock) {
  Entry entry;
  entry.closing = true;
  entry.conn.sock = sock;
  entry.conn.deadline = Clock::now() + options_.linger;
  Add(std::move(entry));
}

void WaitingRoom::Add(Entry entry) {
  const int sock = entry.conn.sock;
  bool taken = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopped_ && waiting_.load() < options_.max_connections) {
      waiting_.fetch_add(1);
      incoming_.push_back(std::move(entry));
      taken = true;
    }
  }
  if (!taken) {
    Close(sock);  // stopping, or full: the client may try again
    return;
  }
  Wake();
}

void WaitingRoom::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  stopping_.store(true);
  Wake();
  if (thread_.joinable()) thread_.join();
  // What came in after the thread's last look.
  std::lock_guard<std::mutex> lock(mu_);
  for (Entry& e : incoming_) Close(e.conn.sock);
  waiting_.fetch_sub(incoming_.size());
  incoming_.clear();
}

void WaitingRoom::Wake() {
  if (wake_fd_ < 0) return;
  uint64_t one = 1;
  ssize_t n = ::write(wake_fd_, &one, sizeof(one));
  (void)n;  // a full counter already wakes the thread
}

void WaitingRoom::Close(int sock) { ::close(sock); }

void WaitingRoom::Admit(Entry entry) {
  // Bytes that came with the connection (a pipelined request) may complete it already.
  if (!entry.conn.bytes.empty() &&
      (HeadComplete(entry.conn.bytes, 0) || entry.conn.bytes.size() > options_.max_head_bytes)) {
    waiting_.fetch_sub(1);
    ready_(std::move(entry.conn));
    return;
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP;
  ev.data.fd = entry.conn.sock;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, entry.conn.sock, &ev) != 0) {
    waiting_.fetch_sub(1);
    Close(entry.conn.sock);
    return;
  }
  const int sock = entry.conn.sock;
  entries_[sock] = std::move(entry);
}

WaitingRoom::ReadResult WaitingRoom::Read(Entry& entry) {
  char buffer[kReadChunk];
  std::string& bytes = entry.conn.bytes;
  for (;;) {
    ssize_t n = ::recv(entry.conn.sock, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n > 0 && entry.closing) continue;
    if (n > 0) {
      if (entry.idle) {
        // The next request began: its head has head_deadline from now.
        entry.idle = false;
        entry.conn.deadline = Clock::now() + options_.head_deadline;
      }
      const std::size_t before = bytes.size();
      bytes.append(buffer, static_cast<std::size_t>(n));
      if (HeadComplete(bytes, before) || bytes.size() > options_.max_head_bytes)
        return ReadResult::kReady;
      continue;
    }
    if (n == 0) return ReadResult::kClosed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return ReadResult::kWaiting;
    return ReadResult::kClosed;
  }
}

void WaitingRoom::Loop() {
  std::vector<epoll_event> events(kEventsPerWait);
  auto last_sweep = Clock::now();
  auto leave = [this](int sock) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, sock, nullptr);
    auto it = entries_.find(sock);
    Entry entry = std::move(it->second);
    entries_.erase(it);
    waiting_.fetch_sub(1);
    return entry;
  };
  while (!stopping_.load()) {
    int n = ::epoll_wait(epoll_fd_, events.data(), kEventsPerWait,
                         static_cast<int>(kSweepInterval.count()));
    if (n < 0 && errno != EINTR) break;
    std::vector<Entry> arrived;
    {
      std::lock_guard<std::mutex> lock(mu_);
      arrived.swap(incoming_);
    }
    for (Entry& e : arrived) Admit(std::move(e));
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == wake_fd_) {
        uint64_t count;
        while (::read(wake_fd_, &count, sizeof(count)) > 0) {}
        continue;
      }
      auto it = entries_.find(fd);
      if (it == entries_.end()) continue;
      switch (Read(it->second)) {
        case ReadResult::kWaiting: break;
        case ReadResult::kReady: ready_(leave(fd).conn); break;
        case ReadResult::kClosed: Close(leave(fd).conn.sock); break;
      }
    }
    const auto now = Clock::now();
    if (now - last_sweep < kSweepInterval) continue;
    last_sweep = now;
    std::vector<int> due;
    for (const auto& [sock, e] : entries_) {
      if (e.idle ? now >= e.idle_until : now >= e.conn.deadline) due.push_back(sock);
    }
    for (int sock : due) {
      Entry e = leave(sock);
      // Part of a head and out of time: the worker answers 408 at once.
      if (!e.idle && !e.closing && !e.conn.bytes.empty()) {
        ready_(std::move(e.conn));
      } else {
        Close(e.conn.sock);
      }
    }
  }
  for (auto& [sock, e] : entries_) Close(sock);
  waiting_.fetch_sub(entries_.size());
  entries_.clear();
}

}  // namespace tp::api
