// The connections: a GuardedStream reads each one's requests, a fixed pool of
// workers serves the connections whose request head is here, and between
// requests a connection waits in the waiting room, not on a worker.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "api/internal/http_server_internal.h"

namespace tp::api {

using namespace http_internal;

namespace {

constexpr std::size_t kReadBufferBytes = 16 * 1024;

int PollOne(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  int ms = static_cast<int>(std::clamp<int64_t>(timeout.count(), 0, INT_MAX));
  for (;;) {
    int r = ::poll(&p, 1, ms);
    if (r < 0 && errno == EINTR) continue;
    if (r > 0 && (p.revents & (POLLERR | POLLNVAL)) && !(p.revents & events)) return -1;
    return r;
  }
}

}  // namespace

// --- GuardedStream

GuardedStream::GuardedStream(int sock, const HttpServerOptions& options, std::string read_ahead)
    : sock_(sock), options_(options), buffer_(std::max(kReadBufferBytes, read_ahead.size())) {
  std::memcpy(buffer_.data(), read_ahead.data(), read_ahead.size());
  end_ = read_ahead.size();
}

void GuardedStream::BeginRequest(Clock::time_point deadline) {
  in_head_ = true;
  head_bytes_ = 0;
  head_lines_ = 0;
  line_bytes_ = 0;
  last_byte_ = 0;
  head_overflow_ = false;
  timed_out_ = false;
  written_ = 0;
  deadline_ = deadline;
}

bool GuardedStream::NextHeadReady() {
  if (pos_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  while (end_ < buffer_.size()) {
    ssize_t n = ::recv(sock_, buffer_.data() + end_, buffer_.size() - end_, MSG_DONTWAIT);
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  std::string_view ahead(buffer_.data(), end_);
  return ahead.find("\r\n\r\n") != std::string_view::npos;
}

std::string GuardedStream::TakeReadAhead() {
  std::string out(buffer_.data() + pos_, end_ - pos_);
  pos_ = end_ = 0;
  return out;
}

bool GuardedStream::is_readable() const {
  return pos_ < end_ || PollOne(sock_, POLLIN, options_.read_timeout) > 0;
}

bool GuardedStream::is_writable() const {
  return PollOne(sock_, POLLOUT, options_.write_timeout) > 0;
}

ssize_t GuardedStream::read(char* ptr, size_t size) {
  if (read_failed_ || size == 0) return read_failed_ ? -1 : 0;
  if (pos_ == end_ && !Fill()) return -1;
  size_t n = std::min(size, end_ - pos_);
  if (in_head_) n = CountHead(n);
  if (n == 0) return -1;
  std::memcpy(ptr, buffer_.data() + pos_, n);
  pos_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t GuardedStream::write(const char* ptr, size_t size) {
  if (write_failed_) return -1;
  if (PollOne(sock_, POLLOUT, options_.write_timeout) <= 0) {
    write_failed_ = true;
    return -1;
  }
  ssize_t n;
  do {
    n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    write_failed_ = true;
    return -1;
  }
  written_ += static_cast<size_t>(n);
  return n;
}

void GuardedStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    Describe(addr, len, ip, port);
}

void GuardedStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    Describe(addr, len, ip, port);
}

void GuardedStream::Describe(const sockaddr_storage& addr, socklen_t len, std::string& ip,
                             int& port) {
  char host[NI_MAXHOST];
  char serv[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof(host), serv,
                    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host;
    port = std::atoi(serv);
  }
}

bool GuardedStream::Fill() {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
  if (left.count() <= 0) {
    timed_out_ = true;
    read_failed_ = true;
    return false;
  }
  int r = PollOne(sock_, POLLIN, std::min(left, options_.read_timeout));
  if (r == 0) timed_out_ = true;
  if (r <= 0) {
    read_failed_ = true;
    return false;
  }
  ssize_t n;
  do {
    n = ::recv(sock_, buffer_.data(), buffer_.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) {
    read_failed_ = true;
    return false;
  }
  pos_ = 0;
  end_ = static_cast<size_t>(n);
  return true;
}

size_t GuardedStream::CountHead(size_t n) {
  for (size_t i = 0; i < n; ++i) {
    char c = buffer_[pos_ + i];
    ++head_bytes_;
    if (c == '\n') {
      ++head_lines_;
      bool blank = line_bytes_ == 1 && last_byte_ == '\r';
      line_bytes_ = 0;
      if (blank && head_lines_ > 1) {
        in_head_ = false;
        return i + 1;
      }
    } else {
      ++line_bytes_;
    }
    last_byte_ = c;
    if (head_bytes_ > options_.max_header_bytes || head_lines_ > options_.max_header_count + 1) {
      head_overflow_ = true;
      read_failed_ = true;
      return 0;
    }
  }
  return n;
}

// --- WorkerPool

WorkerPool::WorkerPool(int threads) {
  for (int i = 0; i < std::max(threads, 1); ++i) workers_.emplace_back([this] { Work(); });
}

void WorkerPool::Submit(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(std::move(job));
  }
  work_.notify_one();
}

void WorkerPool::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutdown_) return;
    shutdown_ = true;
  }
  work_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void WorkerPool::Work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_.wait(lock, [this] { return !jobs_.empty() || shutdown_; });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

// --- serving the connections

Status HttpServer::Impl::StartConnections() {
  pool = std::make_unique<WorkerPool>(options.worker_threads);
  WaitingRoomOptions waiting;
  waiting.max_head_bytes = options.max_header_bytes;
  waiting.head_deadline = options.head_deadline;
  waiting.keep_alive_timeout = options.keep_alive_timeout;
  waiting.linger = options.linger;
  waiting.max_connections = options.max_waiting_connections;
  room = std::make_unique<WaitingRoom>(waiting, [this](PendingConnection conn) {
    // std::function wants a copyable job; the connection moves in whole.
    auto held = std::make_shared<PendingConnection>(std::move(conn));
    pool->Submit([this, held] { ServeConnection(std::move(*held)); });
  });
  return room->Start();
}

void HttpServer::Impl::ShutdownConnections() {
  if (room) room->Stop();
  if (pool) pool->Shutdown();
}

void HttpServer::Impl::ServeConnection(PendingConnection conn) {
  const int sock = conn.sock;
  GuardedStream stream(sock, options, std::move(conn.bytes));
  ConnectionContext ctx;
  ctx.stream = &stream;
  tls_connection = &ctx;
  Clock::time_point deadline = conn.deadline;
  bool kept_alive = false;
  for (int n = conn.served;; ++n) {
    bool last = n + 1 >= options.keep_alive_max_requests || stopping.load();
    stream.BeginRequest(deadline);
    ctx.dispatched = false;
    ctx.close_after = false;
    ctx.started = Clock::now();
    ctx.request_id.clear();
    ctx.actor.clear();
    ctx.route.clear();
    bool connection_closed = false;
    bool ok = engine->ServeOne(stream, last, connection_closed);
    if (stream.head_overflow()) n_head_too_large.fetch_add(1);
    if (stream.timed_out() && stream.head_bytes() > 0) n_timeouts.fetch_add(1);
    if ((stream.head_overflow() || (stream.timed_out() && stream.head_bytes() > 0)) &&
        stream.written() == 0) {
      // httplib gave up on the request line without answering: answer here.
      int status = stream.head_overflow() ? 431 : 408;
      std::string body =
          JsonError(status == 431 ? StatusCode::kTooLarge : StatusCode::kInvalidArgument,
                    MessageForStatus(status));
      std::string head = "HTTP/1.1 " + std::to_string(status) +
                         (status == 431 ? " Request Header Fields Too Large" : " Request Timeout") +
                         "\r\nContent-Type: application/json; charset=utf-8\r\n"
                         "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n"
                         "Connection: close\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n";
      std::string all = head + body;
      size_t off = 0;
      while (off < all.size()) {
        ssize_t w = stream.write(all.data() + off, all.size() - off);
        if (w <= 0) break;
        off += static_cast<size_t>(w);
      }
      if (ctx.request_id.empty()) ctx.request_id = NextRequestId();
      LogLine("-", "-", status, body.size(), ctx);
      ctx.close_after = true;
    }
    // A request httplib answered itself (bad head, 414, ...) may have left
    // its body unread; so may a head that never ended.
    if (!ctx.dispatched || stream.in_head()) ctx.close_after = true;
    if (!ok || connection_closed || last || ctx.close_after || stream.read_failed() ||
        stream.write_failed())
      break;
    if (!stream.NextHeadReady()) {
      conn.served = n + 1;
      kept_alive = true;
      break;
    }
    deadline = Clock::now() + options.head_deadline;
  }
  tls_connection = nullptr;
  if (kept_alive) {
    conn.sock = sock;
    conn.bytes = stream.TakeReadAhead();
    room->AddKeptAlive(std::move(conn));
    return;
  }
  if (ctx.close_after && !stream.write_failed()) {
    // What the client still sends is drained in the waiting room, not here.
    ::shutdown(sock, SHUT_WR);
    room->AddClosing(sock);
    return;
  }
  ::close(sock);
}

}  // namespace tp::api
