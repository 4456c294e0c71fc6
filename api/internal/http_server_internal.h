// Internals of the HTTP server, shared by its files: the server and its
// routing (http_server.cc), the connections and their worker pool
// (http_connection.cc), and the reading of request bodies (http_body.cc).
//
// How the pieces meet: httplib's accept loop hands each accepted socket to the
// waiting room; once a request head is there, a worker serves the connection
// through a GuardedStream and calls httplib's process_request once per
// request. Our pre-routing handler answers every request (so httplib never
// reads a body itself); it reaches the connection's stream through a
// thread-local pointer. Only the server's own files include this header.
#pragma once

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <httplib.h>

#include "api/http_server.h"
#include "api/waiting_room.h"

namespace tp::api {
namespace http_internal {

using Clock = std::chrono::steady_clock;

std::string Lower(std::string_view s);
// `s` without the spaces and tabs around it.
std::string TrimAscii(std::string_view s);

// An error body in the contract's shape, {"error": {code, message, details}}.
std::string JsonError(StatusCode code, std::string_view message,
                      const std::vector<FieldError>& details = {});
// Messages for statuses httplib answers by itself (bad request line, ...).
std::string_view MessageForStatus(int status);
StatusCode CodeForStatus(int status);

// The socket of one connection, read through a buffer. While a request head
// is being read it counts bytes and lines, stops exactly at the blank line
// that ends the head (so the body is never taken for header bytes) and
// fails once the head is too large or late.
class GuardedStream final : public httplib::Stream {
 public:
  // `read_ahead`: bytes of the connection already read (by the waiting room).
  GuardedStream(int sock, const HttpServerOptions& options, std::string read_ahead);

  // Called before each request of the connection; its head must be complete by `deadline`.
  void BeginRequest(Clock::time_point deadline);

  // Whether the whole head of the next request is here, reading without
  // waiting what has arrived: a busy kept-alive client is served on without
  // a trip through the waiting room, any other waits there.
  bool NextHeadReady();

  // The bytes read but not yet consumed, for the waiting room.
  std::string TakeReadAhead();

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

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return sock_; }

 private:
  static void Describe(const sockaddr_storage& addr, socklen_t len, std::string& ip, int& port);
  bool Fill();
  // How many of the next `n` buffered bytes belong to the head; fails the
  // stream when the head grows past its limits. httplib ends a head only at
  // a line that is exactly CRLF, so the count does too.
  size_t CountHead(size_t n);

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
  std::string route;  // the pattern that answered, "static" for a file; empty: none
};

// The context of the connection this worker thread serves; null elsewhere. A
// connection stays on one worker from its first request to its last.
inline thread_local ConnectionContext* tls_connection = nullptr;

// A fixed set of workers serving connections whose request head is here.
// Connections still waiting for bytes are in the waiting room, not queued
// here, so no worker ever waits on a slow client's head.
class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  void Submit(std::function<void()> job);
  // Finishes the queued connections too: their clients wait for an answer.
  void Shutdown();

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable work_;
  std::deque<std::function<void()>> jobs_;
  bool shutdown_ = false;
  std::vector<std::thread> workers_;
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;  // "{name}" for a placeholder
  int literals = 0;
  HttpHandler handler;
  RouteOptions options;
};

// The boundary parameter of a multipart/form-data Content-Type; empty when
// there is none.
std::string BoundaryOf(std::string_view content_type);

// Splits a multipart/form-data body into its parts; InvalidArgument when it
// is malformed or has too many parts.
Status ParseMultipart(const std::string& body, const std::string& boundary,
                      std::vector<UploadedPart>* parts);

}  // namespace http_internal

struct HttpServer::Impl {
  using ConnectionContext = http_internal::ConnectionContext;
  using GuardedStream = http_internal::GuardedStream;
  using Route = http_internal::Route;
  using WorkerPool = http_internal::WorkerPool;
  using Clock = http_internal::Clock;

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

  const Route* FindRoute(const std::string& method, const std::string& path, NameValues* params,
                         std::string* allow) const;
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
    return process_request(stream, close_connection, connection_closed, [](httplib::Request&) {
      if (http_internal::tls_connection != nullptr)
        http_internal::tls_connection->started = Clock::now();
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

}  // namespace tp::api
