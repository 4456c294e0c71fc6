// The server core: httplib parses the request line and headers and writes the
// response; reading of bodies, routing, limits, the worker pool and the
// connection loop are ours (see http_server.h for why).
//
// How the pieces meet: httplib's accept loop hands each connection to our
// BoundedPool; a worker runs Engine::process_and_close_socket (our override),
// which serves the connection's requests through a GuardedStream and calls
// httplib's process_request once per request. Our pre-routing handler answers
// every request (so httplib never reads a body itself); it reaches the
// connection's stream through a thread-local pointer, since a connection
// stays on one worker thread from its first request to its last.
#include "api/http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "api/waiting_room.h"

namespace tp::api {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr std::size_t kReadBufferBytes = 16 * 1024;
constexpr std::size_t kMaxChunkLineBytes = 1024;
constexpr std::size_t kMaxTrailerBytes = 8 * 1024;
constexpr std::size_t kMaxMultipartParts = 16;
constexpr std::size_t kMaxStaticFileBytes = 16 * 1024 * 1024;
// How often idle waits look at the stop flag.

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string TrimAscii(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

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

std::string JsonError(StatusCode code, std::string_view message,
                      const std::vector<FieldError>& details = {}) {
  Json error = {{"code", CodeName(code)}, {"message", message}};
  if (!details.empty()) {
    Json list = Json::array();
    for (const FieldError& d : details) {
      Json item = {{"field", d.field}, {"message", d.message}};
      if (d.row != 0) item["row"] = d.row;
      list.push_back(std::move(item));
    }
    error["details"] = std::move(list);
  }
  return Json{{"error", std::move(error)}}.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Messages for statuses httplib answers by itself (bad request line, ...).
std::string_view MessageForStatus(int status) {
  switch (status) {
    case 400: return "请求格式错误";
    case 404: return "没有这个地址";
    case 405: return "该地址不支持此请求方法";
    case 408: return "请求超时：请求未在规定时间内送达";
    case 413: return "请求体过大";
    case 414: return "请求地址过长";
    case 416: return "请求的范围无效";
    case 417: return "不支持该 Expect 请求头";
    case 429: return "请求过于频繁，请稍后再试";
    case 431: return "请求头过大或过多";
    case 500: return "服务器内部错误";
    case 501: return "不支持的请求";
    case 503: return "服务暂不可用";
    default: return "请求失败";
  }
}

StatusCode CodeForStatus(int status) {
  switch (status) {
    case 401: return StatusCode::kUnauthenticated;
    case 403: return StatusCode::kPermissionDenied;
    case 404: return StatusCode::kNotFound;
    case 409: return StatusCode::kAlreadyExists;
    case 412: return StatusCode::kPreconditionFailed;
    case 413: return StatusCode::kTooLarge;
    case 422: return StatusCode::kRuleViolated;
    case 429: return StatusCode::kResourceExhausted;
    case 500: return StatusCode::kInternal;
    case 503: return StatusCode::kUnavailable;
    default: return StatusCode::kInvalidArgument;
  }
}

// Runs of 11 or more digits (an ID number, a phone) never reach the log,
// even when a client puts one in a path.
std::string PathForLog(std::string_view path) {
  std::string out;
  size_t i = 0;
  while (i < path.size() && out.size() < 300) {
    size_t j = i;
    while (j < path.size() && (std::isdigit(static_cast<unsigned char>(path[j])) ||
                               path[j] == 'X' || path[j] == 'x'))
      ++j;
    if (j - i >= 11) {
      out += "[redacted]";
      i = j;
      continue;
    }
    if (j == i) j = i + 1;
    for (; i < j; ++i) {
      unsigned char c = static_cast<unsigned char>(path[i]);
      if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
        char hex[8];
        std::snprintf(hex, sizeof(hex), "%%%02X", c);
        out += hex;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out;
}

std::string UtcNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
            1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

// The socket of one connection, read through a buffer. While a request head
// is being read it counts bytes and lines, stops exactly at the blank line
// that ends the head (so the body is never taken for header bytes) and
// fails once the head is too large or late.
class GuardedStream final : public httplib::Stream {
 public:
  // `read_ahead`: bytes of the connection already read (by the waiting room).
  GuardedStream(int sock, const HttpServerOptions& options, std::string read_ahead)
      : sock_(sock), options_(options), buffer_(std::max(kReadBufferBytes, read_ahead.size())) {
    std::memcpy(buffer_.data(), read_ahead.data(), read_ahead.size());
    end_ = read_ahead.size();
  }

  // Called before each request of the connection; its head must be complete by `deadline`.
  void BeginRequest(Clock::time_point deadline) {
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

  // Whether the whole head of the next request is here, reading without
  // waiting what has arrived: a busy kept-alive client is served on without
  // a trip through the waiting room, any other waits there.
  bool NextHeadReady() {
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

  // The bytes read but not yet consumed, for the waiting room.
  std::string TakeReadAhead() {
    std::string out(buffer_.data() + pos_, end_ - pos_);
    pos_ = end_ = 0;
    return out;
  }

  bool in_head() const { return in_head_; }
  bool head_overflow() const { return head_overflow_; }
  bool timed_out() const { return timed_out_; }
  size_t head_bytes() const { return head_bytes_; }
  size_t written() const { return written_; }
  // Reading failed (limit, timeout, peer gone); writing may still work.
  bool read_failed() const { return read_failed_; }
  bool write_failed() const { return write_failed_; }

  // A fresh deadline for the body, once the head is complete.
  void StartBody() { deadline_ = Clock::now() + options_.body_deadline; }

  bool is_readable() const override {
    return pos_ < end_ || PollOne(sock_, POLLIN, options_.read_timeout) > 0;
  }
  bool is_writable() const override { return PollOne(sock_, POLLOUT, options_.write_timeout) > 0; }

  ssize_t read(char* ptr, size_t size) override {
    if (read_failed_ || size == 0) return read_failed_ ? -1 : 0;
    if (pos_ == end_ && !Fill()) return -1;
    size_t n = std::min(size, end_ - pos_);
    if (in_head_) n = CountHead(n);
    if (n == 0) return -1;
    std::memcpy(ptr, buffer_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
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

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) Describe(addr, len, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) Describe(addr, len, ip, port);
  }
  int socket() const override { return sock_; }

 private:
  static void Describe(const sockaddr_storage& addr, socklen_t len, std::string& ip, int& port) {
    char host[NI_MAXHOST];
    char serv[NI_MAXSERV];
    if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof(host), serv,
                      sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
      ip = host;
      port = std::atoi(serv);
    }
  }

  bool Fill() {
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

  // How many of the next `n` buffered bytes belong to the head; fails the
  // stream when the head grows past its limits. httplib ends a head only at
  // a line that is exactly CRLF, so the count does too.
  size_t CountHead(size_t n) {
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

  int sock_;
  const HttpServerOptions& options_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool read_failed_ = false;
  bool write_failed_ = false;

  bool in_head_ = true;
  size_t head_bytes_ = 0;
  size_t head_lines_ = 0;
  size_t line_bytes_ = 0;
  char last_byte_ = 0;
  bool head_overflow_ = false;
  bool timed_out_ = false;
  size_t written_ = 0;
  Clock::time_point deadline_;
};

// What one connection's worker knows about the request being served.
struct ConnectionContext {
  GuardedStream* stream = nullptr;
  bool dispatched = false;   // our handler answered (else httplib did)
  bool close_after = false;  // input may be left unread: close, draining it first
  Clock::time_point started;
  std::string request_id;
  std::string actor;
};

thread_local ConnectionContext* tls_connection = nullptr;

// A fixed set of workers serving connections whose request head is here.
// Connections still waiting for bytes are in the waiting room, not queued
// here, so no worker ever waits on a slow client's head.
class WorkerPool {
 public:
  explicit WorkerPool(int threads) {
    for (int i = 0; i < std::max(threads, 1); ++i) workers_.emplace_back([this] { Work(); });
  }

  void Submit(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(job));
    }
    work_.notify_one();
  }

  // Finishes the queued connections too: their clients wait for an answer.
  void Shutdown() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (shutdown_) return;
      shutdown_ = true;
    }
    work_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

 private:
  void Work() {
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

  std::mutex mu_;
  std::condition_variable work_;
  std::deque<std::function<void()>> jobs_;
  bool shutdown_ = false;
  std::vector<std::thread> workers_;
};

// httplib's accept loop hands each accepted socket to a task queue; this one
// runs the hand-over at once on the accept thread, which only puts the socket
// in the waiting room. Accepting therefore never waits for a worker.
class AcceptQueue final : public httplib::TaskQueue {
 public:
  AcceptQueue(std::function<void()> shutdown, std::function<void()> idle)
      : shutdown_(std::move(shutdown)), idle_(std::move(idle)) {}
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override { shutdown_(); }
  void on_idle() override { idle_(); }

 private:
  std::function<void()> shutdown_;
  std::function<void()> idle_;
};

struct Route {
  std::string method;
  std::vector<std::string> segments;  // "{name}" for a placeholder
  int literals = 0;
  HttpHandler handler;
  RouteOptions options;
};

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool IsPlaceholder(const std::string& s) {
  return s.size() > 2 && s.front() == '{' && s.back() == '}';
}

std::string ContentTypeFor(const std::filesystem::path& path) {
  std::string ext = Lower(path.extension().string());
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".json") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// What the pages are made of: a page at the top of the folder, or a file
// under css/, js/ or vendor/. The folder's README, npm's package files and
// scripts, node_modules and hidden files are not served.
bool IsPageAsset(std::string_view relative) {
  if (relative.find("/.") != std::string_view::npos || relative.rfind(".", 0) == 0) return false;
  const size_t slash = relative.find('/');
  if (slash == std::string_view::npos) {
    return relative.size() > 5 && relative.substr(relative.size() - 5) == ".html";
  }
  const std::string_view folder = relative.substr(0, slash);
  return folder == "css" || folder == "js" || folder == "vendor";
}

// The boundary parameter of a multipart/form-data Content-Type.
std::string BoundaryOf(std::string_view content_type) {
  std::string lower = Lower(content_type);
  size_t at = lower.find("boundary=");
  if (at == std::string::npos) return "";
  std::string_view rest = content_type.substr(at + 9);
  if (!rest.empty() && rest.front() == '"') {
    size_t close = rest.find('"', 1);
    if (close == std::string_view::npos) return "";
    return std::string(rest.substr(1, close - 1));
  }
  size_t end = rest.find(';');
  return TrimAscii(rest.substr(0, end));
}

// The value of `key="..."` (or unquoted) in a Content-Disposition line.
std::string DispositionParam(std::string_view line, std::string_view key) {
  std::string lower = Lower(line);
  size_t at = 0;
  std::string needle = std::string(key) + "=";
  while ((at = lower.find(needle, at)) != std::string::npos) {
    bool boundary_before = at == 0 || lower[at - 1] == ';' || lower[at - 1] == ' ';
    if (boundary_before) break;
    at += needle.size();
  }
  if (at == std::string::npos) return "";
  std::string_view rest = line.substr(at + needle.size());
  if (!rest.empty() && rest.front() == '"') {
    size_t close = rest.find('"', 1);
    return std::string(rest.substr(1, close == std::string_view::npos ? rest.size() - 1 : close - 1));
  }
  return TrimAscii(rest.substr(0, rest.find(';')));
}

Status ParseMultipart(const std::string& body, const std::string& boundary,
                      std::vector<UploadedPart>* parts) {
  const Status bad = InvalidArgument("请求体：multipart/form-data 格式错误");
  if (boundary.empty() || boundary.size() > 200) return bad;
  const std::string delimiter = "--" + boundary;
  size_t at = body.find(delimiter);
  if (at == std::string::npos) return bad;
  at += delimiter.size();
  for (;;) {
    if (body.compare(at, 2, "--") == 0) return Status::Ok();
    if (body.compare(at, 2, "\r\n") != 0) return bad;
    at += 2;
    size_t head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string::npos) return bad;
    UploadedPart part;
    std::string_view head(body.data() + at, head_end - at);
    size_t line_start = 0;
    while (line_start <= head.size()) {
      size_t line_end = head.find("\r\n", line_start);
      if (line_end == std::string_view::npos) line_end = head.size();
      std::string_view line = head.substr(line_start, line_end - line_start);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name = Lower(TrimAscii(line.substr(0, colon)));
        std::string value = TrimAscii(line.substr(colon + 1));
        if (name == "content-disposition") {
          part.name = DispositionParam(value, "name");
          part.filename = DispositionParam(value, "filename");
        } else if (name == "content-type") {
          part.content_type = value;
        }
      }
      line_start = line_end + 2;
    }
    size_t content_start = head_end + 4;
    size_t next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string::npos) return bad;
    part.content = body.substr(content_start, next - content_start);
    if (parts->size() >= kMaxMultipartParts) return InvalidArgument("请求体：上传的部分过多");
    parts->push_back(std::move(part));
    at = next + 2 + delimiter.size();
  }
}

}  // namespace

// --- HttpRequest / HttpResponse

namespace {
std::optional<std::string> FindValue(const NameValues& values, std::string_view name) {
  for (const auto& [k, v] : values)
    if (k == name) return v;
  return std::nullopt;
}
}  // namespace

std::optional<std::string> HttpRequest::Header(std::string_view name) const {
  return FindValue(headers, Lower(name));
}
std::optional<std::string> HttpRequest::Query(std::string_view name) const {
  return FindValue(query, name);
}
std::vector<std::string> HttpRequest::QueryAll(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : query)
    if (k == name) out.push_back(v);
  return out;
}
std::string HttpRequest::PathParam(std::string_view name) const {
  return FindValue(path_params, name).value_or("");
}

void HttpResponse::SetHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (Lower(k) == Lower(name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

void HttpResponse::SetError(const Status& status) {
  StatusCode code = status.ok() ? StatusCode::kInternal : status.code();
  this->status = HttpStatusFor(code);
  content_type = "application/json; charset=utf-8";
  // An internal error's text may name files, SQL or values: never sent.
  if (code == StatusCode::kInternal) {
    body = JsonError(code, MessageForStatus(500));
  } else {
    body = JsonError(code, status.message(), status.details());
  }
}

void HttpResponse::SetJson(std::string json, int http_status) {
  status = http_status;
  content_type = "application/json; charset=utf-8";
  body = std::move(json);
}

// --- the server

struct HttpServer::Impl {
  class Engine;

  explicit Impl(HttpServerOptions o) : options(std::move(o)) {}

  void Configure();
  void Dispatch(const httplib::Request& req, httplib::Response& res);
  int ExpectContinue(const httplib::Request& req, httplib::Response& res);
  httplib::Server::HandlerResponse OnError(const httplib::Request& req, httplib::Response& res);
  void Log(const httplib::Request& req, const httplib::Response& res);
  void LogLine(std::string_view method, std::string_view path, int status, size_t bytes,
               const ConnectionContext& ctx);
  // Serves the requests of a connection whose head is here; between
  // requests it goes back to the waiting room.
  void ServeConnection(PendingConnection conn);
  // Made at Bind(); at the end of Run() the waiting room closes and the
  // workers finish what they hold.
  Status StartConnections();
  void ShutdownConnections();

  const Route* FindRoute(const std::string& method, const std::string& path,
                         NameValues* params, std::string* allow) const;
  // Reads the body under the route's limit; on failure fills `res` and asks
  // for the connection to be closed.
  bool ReadBody(const httplib::Request& req, const Route& route, ConnectionContext& ctx,
                std::string* body, HttpResponse& res, size_t* budget_taken);
  bool ServeStatic(const std::string& path, bool head, HttpResponse& res) const;

  std::string NextRequestId() {
    uint64_t n = request_counter.fetch_add(1) + 1;
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%s-%06llu", id_prefix.c_str(),
                  static_cast<unsigned long long>(n));
    return buf;
  }

  HttpServerOptions options;
  std::unique_ptr<Engine> engine;
  std::vector<Route> routes;
  std::atomic<bool> stopping{false};
  std::unique_ptr<WorkerPool> pool;
  std::unique_ptr<WaitingRoom> room;
  std::atomic<uint64_t> request_counter{0};
  std::string id_prefix;
  int bound_port = -1;
  std::mutex log_mu;

  std::atomic<size_t> body_bytes_in_flight{0};
  std::atomic<uint64_t> n_requests{0}, n_head_too_large{0}, n_body_too_large{0}, n_timeouts{0},
      n_exceptions{0}, n_not_admitted{0};
};

class HttpServer::Impl::Engine final : public httplib::Server {
 public:
  explicit Engine(Impl* impl) : impl_(impl) {}
  int ListenSocket() const { return svr_sock_; }
  // For a server bound but never run: httplib closes the socket only in its
  // accept loop.
  void CloseListenSocket() {
    int sock = svr_sock_.exchange(-1);
    if (sock >= 0) ::close(sock);
  }

  bool ServeOne(GuardedStream& stream, bool close_connection, bool& connection_closed) {
    return process_request(stream, close_connection, connection_closed,
                           [](httplib::Request&) {
                             if (tls_connection != nullptr) tls_connection->started = Clock::now();
                           });
  }

 private:
  bool process_and_close_socket(int sock) override {
    int yes = 1;
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
    impl_->room->AddNew(sock);
    return true;
  }

  Impl* impl_;
};

void HttpServer::Impl::Configure() {
  engine = std::make_unique<Engine>(this);
  Engine& e = *engine;
  // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which
  // would let another process of the same user share the port.
  e.set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  e.set_tcp_nodelay(true);
  e.set_keep_alive_max_count(static_cast<size_t>(std::max(options.keep_alive_max_requests, 1)));
  e.set_keep_alive_timeout(std::max<time_t>(
      1, std::chrono::duration_cast<std::chrono::seconds>(options.keep_alive_timeout).count()));
  e.set_read_timeout(std::chrono::duration_cast<std::chrono::seconds>(options.read_timeout).count());
  e.set_write_timeout(
      std::chrono::duration_cast<std::chrono::seconds>(options.write_timeout).count());
  // The accept loop wakes this often to notice Stop() (see on_idle).
  e.set_idle_interval(0, 200000);
  // Bodies are read by Dispatch; should anything reach httplib's own reader,
  // it may take nothing.
  e.set_payload_max_length(0);
  e.set_default_headers({
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
      {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
  });
  e.new_task_queue = [this]() -> httplib::TaskQueue* {
    // httplib takes ownership of the queue (it deletes it in listen) and
    // calls its shutdown() when the accept loop ends.
    return std::make_unique<AcceptQueue>([this] { ShutdownConnections(); },
                                         [this] {
                                           if (stopping.load()) engine->stop();
                                         })
        .release();
  };
  e.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    Dispatch(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  e.set_expect_100_continue_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return ExpectContinue(req, res); });
  e.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) { return OnError(req, res); }));
  // Dispatch catches everything itself; this is the last line of defence
  // and never passes exception text on.
  e.set_exception_handler([this](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    n_exceptions.fetch_add(1);
    res.status = 500;
    res.set_content(JsonError(StatusCode::kInternal, MessageForStatus(500)),
                    "application/json; charset=utf-8");
  });
  e.set_logger([this](const httplib::Request& req, const httplib::Response& res) { Log(req, res); });

  char prefix[16];
  std::snprintf(prefix, sizeof(prefix), "%08x",
                static_cast<unsigned>(std::chrono::system_clock::now().time_since_epoch().count() ^
                                      reinterpret_cast<uintptr_t>(this)));
  id_prefix = prefix;
}

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
    bool connection_closed = false;
    bool ok = engine->ServeOne(stream, last, connection_closed);
    if (stream.head_overflow()) n_head_too_large.fetch_add(1);
    if (stream.timed_out() && stream.head_bytes() > 0) n_timeouts.fetch_add(1);
    if ((stream.head_overflow() || (stream.timed_out() && stream.head_bytes() > 0)) &&
        stream.written() == 0) {
      // httplib gave up on the request line without answering: answer here.
      int status = stream.head_overflow() ? 431 : 408;
      std::string body = JsonError(status == 431 ? StatusCode::kTooLarge : StatusCode::kInvalidArgument,
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

namespace {
// The request as handlers see it, without the body.
HttpRequest HeadOf(const httplib::Request& req, NameValues params, const std::string& request_id) {
  HttpRequest request;
  request.method = req.method == "HEAD" ? "GET" : req.method;
  request.path = req.path;
  request.path_params = std::move(params);
  request.remote_addr = req.remote_addr;
  request.request_id = request_id;
  for (const auto& [k, v] : req.params) request.query.emplace_back(k, v);
  for (const auto& [k, v] : req.headers) {
    std::string name = Lower(k);
    // httplib adds these itself; a client's own copies are dropped too.
    if (name == "remote_addr" || name == "remote_port" || name == "local_addr" ||
        name == "local_port")
      continue;
    request.headers.emplace_back(std::move(name), v);
  }
  return request;
}
}  // namespace

const Route* HttpServer::Impl::FindRoute(const std::string& method, const std::string& path,
                                         NameValues* params, std::string* allow) const {
  std::vector<std::string> segments = SplitPath(path);
  const Route* best = nullptr;
  std::vector<std::string> allowed;
  for (const Route& route : routes) {
    if (route.segments.size() != segments.size()) continue;
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      if (IsPlaceholder(route.segments[i])) {
        match = !segments[i].empty();
      } else {
        match = route.segments[i] == segments[i];
      }
    }
    if (!match) continue;
    if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end())
      allowed.push_back(route.method);
    if (route.method != method) continue;
    if (best == nullptr || route.literals > best->literals) best = &route;
  }
  if (best != nullptr) {
    params->clear();
    for (size_t i = 0; i < segments.size(); ++i) {
      if (IsPlaceholder(best->segments[i]))
        params->emplace_back(best->segments[i].substr(1, best->segments[i].size() - 2), segments[i]);
    }
  }
  allow->clear();
  for (const std::string& m : allowed) {
    if (!allow->empty()) *allow += ", ";
    *allow += m;
    if (m == "GET") *allow += ", HEAD";
  }
  return best;
}

int HttpServer::Impl::ExpectContinue(const httplib::Request& req, httplib::Response& res) {
  ConnectionContext* ctx = tls_connection;
  NameValues params;
  std::string allow;
  const Route* route = FindRoute(req.method, req.path, &params, &allow);
  uint64_t length = req.get_header_value<uint64_t>("Content-Length");
  if (ctx != nullptr && ctx->request_id.empty()) ctx->request_id = NextRequestId();
  HttpResponse refusal;
  bool admitted = route != nullptr && length <= route->options.max_body_bytes;
  if (admitted && route->options.admit) {
    HttpRequest head = HeadOf(req, params, ctx != nullptr ? ctx->request_id : "");
    admitted = route->options.admit(head, refusal);
    if (!admitted) n_not_admitted.fetch_add(1);
  } else if (!admitted) {
    int status = route == nullptr ? (allow.empty() ? 404 : 405) : 413;
    if (status == 413) n_body_too_large.fetch_add(1);
    refusal.SetJson(JsonError(CodeForStatus(status), MessageForStatus(status)), status);
  }
  if (admitted) return 100;
  // Refused before the client sends its body: it will not come.
  if (ctx != nullptr) {
    ctx->dispatched = true;
    ctx->close_after = true;
    ctx->actor = refusal.actor;
  }
  // httplib writes `res` as it is for anything but 100 and 417.
  res.status = refusal.status;
  for (auto& [name, value] : refusal.headers) res.set_header(name, value);
  res.set_content(refusal.body, refusal.content_type);
  res.set_header("Connection", "close");
  if (ctx != nullptr) res.set_header("X-Request-Id", ctx->request_id);
  return refusal.status;
}

httplib::Server::HandlerResponse HttpServer::Impl::OnError(const httplib::Request&,
                                                           httplib::Response& res) {
  ConnectionContext* ctx = tls_connection;
  if (ctx != nullptr && ctx->request_id.empty()) ctx->request_id = NextRequestId();
  if (ctx != nullptr && !res.has_header("X-Request-Id")) res.set_header("X-Request-Id", ctx->request_id);
  if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
  // httplib answered by itself: the connection closes after this (see
  // ServeConnection), and the client is told so.
  res.set_header("Connection", "close");
  if (ctx != nullptr && ctx->stream != nullptr) {
    if (ctx->stream->head_overflow()) res.status = 431;
    else if (ctx->stream->timed_out()) res.status = 408;
  }
  StatusCode code = res.status == 431 ? StatusCode::kTooLarge : CodeForStatus(res.status);
  res.set_content(JsonError(code, MessageForStatus(res.status)), "application/json; charset=utf-8");
  return httplib::Server::HandlerResponse::Handled;
}

bool HttpServer::Impl::ReadBody(const httplib::Request& req, const Route& route,
                                ConnectionContext& ctx, std::string* body, HttpResponse& res,
                                size_t* budget_taken) {
  const size_t limit = route.options.max_body_bytes;
  GuardedStream& stream = *ctx.stream;
  stream.StartBody();
  auto fail = [&](int status, std::string_view message) {
    ctx.close_after = true;
    if (status == 413) n_body_too_large.fetch_add(1);
    if (status == 408) n_timeouts.fetch_add(1);
    res.status = status;
    res.content_type = "application/json; charset=utf-8";
    res.body = JsonError(CodeForStatus(status), message);
    return false;
  };
  auto read_exact = [&](char* out, size_t n) {
    while (n > 0) {
      ssize_t r = stream.read(out, n);
      if (r <= 0) return false;
      out += r;
      n -= static_cast<size_t>(r);
    }
    return true;
  };
  auto read_line = [&](std::string* line, size_t max) {
    line->clear();
    char c;
    while (line->size() <= max) {
      if (stream.read(&c, 1) != 1) return false;
      if (c == '\n') {
        if (!line->empty() && line->back() == '\r') line->pop_back();
        return true;
      }
      line->push_back(c);
    }
    return false;
  };
  // Takes `n` more bytes from the budget of bodies in flight.
  auto take = [&](size_t n) {
    size_t before = body_bytes_in_flight.fetch_add(n);
    *budget_taken += n;
    return before + n <= options.max_body_bytes_in_flight;
  };
  auto broken = [&]() {
    return stream.timed_out() ? fail(408, MessageForStatus(408))
                              : fail(400, "请求体不完整");
  };

  if (req.has_header("Transfer-Encoding")) {
    // The length is unknown: room for the largest body is reserved (address
    // space only; memory is used as bytes arrive), so growing never copies.
    body->reserve(limit);
    std::string line;
    for (;;) {
      if (!read_line(&line, kMaxChunkLineBytes)) return broken();
      std::string size_text = TrimAscii(std::string_view(line).substr(0, line.find(';')));
      if (size_text.empty() || size_text.size() > 15 ||
          size_text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
        return fail(400, "请求体：分块编码格式错误");
      size_t chunk = std::stoull(size_text, nullptr, 16);
      if (chunk == 0) break;
      if (chunk > limit || body->size() + chunk > limit) return fail(413, MessageForStatus(413));
      if (!take(chunk)) return fail(503, "服务器繁忙，请稍后再试");
      size_t old = body->size();
      body->resize(old + chunk);
      if (!read_exact(body->data() + old, chunk)) return broken();
      char crlf[2];
      if (!read_exact(crlf, 2)) return broken();
      if (crlf[0] != '\r' || crlf[1] != '\n') return fail(400, "请求体：分块编码格式错误");
    }
    size_t trailer_bytes = 0;
    for (;;) {
      if (!read_line(&line, kMaxTrailerBytes)) return broken();
      if (line.empty()) break;
      trailer_bytes += line.size();
      if (trailer_bytes > kMaxTrailerBytes) return fail(431, MessageForStatus(431));
    }
    return true;
  }
  std::string length_text = req.get_header_value("Content-Length");
  if (length_text.empty()) return true;
  uint64_t length = std::strtoull(length_text.c_str(), nullptr, 10);
  if (length > limit) return fail(413, MessageForStatus(413));
  if (!take(length)) return fail(503, "服务器繁忙，请稍后再试");
  body->resize(length);
  if (!read_exact(body->data(), length)) return broken();
  return true;
}

bool HttpServer::Impl::ServeStatic(const std::string& path, bool head, HttpResponse& res) const {
  namespace fs = std::filesystem;
  if (options.static_root.empty() || path.find("..") != std::string::npos ||
      path.find('\\') != std::string::npos || path.find('\0') != std::string::npos)
    return false;
  std::error_code ec;
  fs::path root = fs::canonical(options.static_root, ec);
  if (ec) return false;
  std::string relative = path.substr(1);
  if (relative.empty() || relative.back() == '/') relative += "index.html";
  if (!IsPageAsset(relative)) return false;
  fs::path file = fs::weakly_canonical(root / relative, ec);
  if (ec) return false;
  std::string root_text = root.string() + "/";
  if (file.string().compare(0, root_text.size(), root_text) != 0) return false;
  if (fs::is_directory(file, ec)) file /= "index.html";
  if (!fs::is_regular_file(file, ec)) return false;
  auto size = fs::file_size(file, ec);
  if (ec || size > kMaxStaticFileBytes) return false;
  res.status = 200;
  res.content_type = ContentTypeFor(file);
  res.SetHeader("Cache-Control", "no-cache");
  res.SetHeader("Content-Security-Policy",
                "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  (void)head;  // httplib leaves the body out of a HEAD answer itself
  std::ifstream in(file, std::ios::binary);
  res.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

void HttpServer::Impl::Dispatch(const httplib::Request& req, httplib::Response& res) {
  ConnectionContext fallback;
  ConnectionContext& ctx = tls_connection != nullptr ? *tls_connection : fallback;
  ctx.dispatched = true;
  if (ctx.request_id.empty()) ctx.request_id = NextRequestId();
  n_requests.fetch_add(1);

  HttpResponse out;
  auto finish = [&]() {
    res.status = out.status;
    for (auto& [name, value] : out.headers) {
      res.headers.erase(name);
      res.set_header(name, value);
    }
    res.set_header("X-Request-Id", ctx.request_id);
    if (ctx.close_after) res.set_header("Connection", "close");
    if (!out.body.empty() || !out.content_type.empty()) res.set_content(out.body, out.content_type);
    ctx.actor = out.actor;
  };

  const std::string& method = req.method;
  const bool has_te = req.has_header("Transfer-Encoding");
  const size_t n_length = req.get_header_value_count("Content-Length");
  std::string length_text = req.get_header_value("Content-Length");
  const bool has_body = has_te || (n_length > 0 && length_text != "0");

  // Framing we cannot trust is refused, and the connection closed: the
  // unread bytes could otherwise be taken for the next request.
  auto refuse = [&](int status, std::string_view message) {
    ctx.close_after = true;
    out.status = status;
    out.content_type = "application/json; charset=utf-8";
    out.body = JsonError(CodeForStatus(status), message);
    finish();
  };
  static const char* const kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods))
    return refuse(405, MessageForStatus(405));
  if (has_te && (n_length > 0 || req.get_header_value_count("Transfer-Encoding") != 1 ||
                 Lower(TrimAscii(req.get_header_value("Transfer-Encoding"))) != "chunked"))
    return refuse(400, "请求体：不支持的传输编码");
  if (n_length > 1 || (n_length == 1 && (length_text.empty() || length_text.size() > 18 ||
                                         length_text.find_first_not_of("0123456789") !=
                                             std::string::npos)))
    return refuse(400, "请求头「Content-Length」无效");
  if (req.path.empty() || req.path.front() != '/' ||
      std::any_of(req.path.begin(), req.path.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return refuse(400, MessageForStatus(400));

  const bool head = method == "HEAD";
  const std::string route_method = head ? "GET" : method;
  NameValues params;
  std::string allow;
  const Route* route = FindRoute(route_method, req.path, &params, &allow);

  if (method == "OPTIONS") {
    if (allow.empty()) {
      out.SetError(NotFound(std::string(MessageForStatus(404))));
    } else {
      out.status = 204;
      out.content_type.clear();
      out.SetHeader("Allow", allow + ", OPTIONS");
    }
    if (has_body) ctx.close_after = true;
    return finish();
  }
  if (route == nullptr) {
    if (has_body) ctx.close_after = true;
    if (!allow.empty()) {
      out.status = 405;
      out.body = JsonError(StatusCode::kInvalidArgument, MessageForStatus(405));
      out.SetHeader("Allow", allow);
      return finish();
    }
    if ((method == "GET" || head) && req.path.rfind("/api/", 0) != 0 && !has_body &&
        ServeStatic(req.path, head, out))
      return finish();
    out.status = 404;
    out.body = JsonError(StatusCode::kNotFound, MessageForStatus(404));
    return finish();
  }
  if (has_body && (route->options.max_body_bytes == 0 || route_method == "GET"))
    return refuse(400, "此请求不应带有请求体");

  HttpRequest request = HeadOf(req, std::move(params), ctx.request_id);
  if (has_body && route->options.admit) {
    bool admitted = false;
    try {
      admitted = route->options.admit(request, out);
    } catch (...) {
      n_exceptions.fetch_add(1);
      out = HttpResponse();
      out.SetError(Internal("unhandled exception"));
    }
    if (!admitted) {
      n_not_admitted.fetch_add(1);
      ctx.close_after = true;
      return finish();
    }
  }
  // The body's bytes count against the budget of all bodies in flight until
  // the handler is done with them.
  struct BudgetRelease {
    std::atomic<size_t>* in_flight;
    size_t bytes = 0;
    ~BudgetRelease() { in_flight->fetch_sub(bytes); }
  } budget{&body_bytes_in_flight};
  if (has_body && !ReadBody(req, *route, ctx, &request.body, out, &budget.bytes)) return finish();

  std::string content_type = req.get_header_value("Content-Type");
  if (Lower(content_type).rfind("multipart/form-data", 0) == 0) {
    Status parsed = ParseMultipart(request.body, BoundaryOf(content_type), &request.parts);
    if (!parsed.ok()) {
      out.SetError(parsed);
      return finish();
    }
    request.body.clear();
  }

  try {
    route->handler(request, out);
  } catch (...) {
    // The exception's text may hold request data: it goes nowhere.
    n_exceptions.fetch_add(1);
    out = HttpResponse();
    out.SetError(Internal("unhandled exception"));
  }
  // For HEAD httplib sends the headers of the GET answer and no body.
  finish();
}

void HttpServer::Impl::Log(const httplib::Request& req, const httplib::Response& res) {
  ConnectionContext fallback;
  const ConnectionContext& ctx = tls_connection != nullptr ? *tls_connection : fallback;
  LogLine(req.method.empty() ? "-" : req.method, req.path.empty() ? "-" : req.path, res.status,
          res.body.size(), ctx);
}

void HttpServer::Impl::LogLine(std::string_view method, std::string_view path, int status,
                               size_t bytes, const ConnectionContext& ctx) {
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - ctx.started).count();
  std::string method_text = PathForLog(method.substr(0, 10));
  char tail[160];
  std::snprintf(tail, sizeof(tail), "\" %d %zuB %.1fms", status, bytes, ms);
  std::string line = UtcNow() + " \"" + method_text + " " + PathForLog(path) + tail;
  if (!ctx.actor.empty()) line += " actor=" + PathForLog(ctx.actor);
  if (!ctx.request_id.empty()) line += " id=" + ctx.request_id;
  if (options.log_sink) {
    options.log_sink(line);
  } else {
    std::lock_guard<std::mutex> lock(log_mu);
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

HttpServer::HttpServer(HttpServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->Configure();
}

HttpServer::~HttpServer() {
  Stop();
  if (!impl_->engine->is_running()) impl_->engine->CloseListenSocket();
  impl_->ShutdownConnections();
}

void HttpServer::Handle(std::string method, std::string pattern, HttpHandler handler,
                        RouteOptions options) {
  Route route;
  route.method = std::move(method);
  route.segments = SplitPath(pattern);
  for (const std::string& s : route.segments)
    if (!IsPlaceholder(s)) ++route.literals;
  route.handler = std::move(handler);
  route.options = options;
  impl_->routes.push_back(std::move(route));
}

StatusOr<int> HttpServer::Bind() {
  if (impl_->bound_port > 0) return impl_->bound_port;
  Impl::Engine& e = *impl_->engine;
  int port;
  if (impl_->options.port == 0) {
    port = e.bind_to_any_port(impl_->options.bind_address);
  } else {
    port = e.bind_to_port(impl_->options.bind_address, impl_->options.port) ? impl_->options.port : -1;
  }
  if (port <= 0) {
    return Unavailable("无法监听 " + impl_->options.bind_address + ":" +
                       std::to_string(impl_->options.port) + "（端口被占用或地址无效）");
  }
  // httplib listens with a backlog of 5; a second listen() widens it, so a
  // burst of connections waits in the kernel until the accept loop takes it.
  ::listen(e.ListenSocket(), impl_->options.listen_backlog);
  TP_RETURN_IF_ERROR(impl_->StartConnections());
  impl_->bound_port = port;
  return port;
}

Status HttpServer::Run() {
  if (impl_->bound_port <= 0) {
    StatusOr<int> port = Bind();
    if (!port.ok()) return port.status();
  }
  if (impl_->stopping.load()) return Status::Ok();
  impl_->engine->listen_after_bind();
  return Status::Ok();
}

void HttpServer::Stop() {
  impl_->stopping.store(true);
  // When Run() has not reached its accept loop yet, the loop's idle check
  // (on_idle) sees the flag instead.
  impl_->engine->stop();
}

int HttpServer::port() const { return impl_->bound_port; }

HttpServerCounters HttpServer::Counters() const {
  HttpServerCounters c;
  c.requests = impl_->n_requests.load();
  c.head_too_large = impl_->n_head_too_large.load();
  c.body_too_large = impl_->n_body_too_large.load();
  c.timeouts = impl_->n_timeouts.load();
  c.handler_exceptions = impl_->n_exceptions.load();
  c.not_admitted = impl_->n_not_admitted.load();
  return c;
}

}  // namespace tp::api
