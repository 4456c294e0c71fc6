// A hardened HTTP/1.1 server for the API and the web pages, on top of
// cpp-httplib but with none of its types in sight. httplib parses request
// lines and writes responses; this server owns everything else, because the
// library as Debian ships it (0.11.4) has gaps that matter on the internet:
//
//  - a connection waits for its request head in a waiting room watched by
//    one thread (waiting_room.h), and only a connection whose head is here
//    is served by the fixed pool of worker threads; between two requests of
//    a kept-alive connection it waits there again. A client that trickles
//    bytes, or keeps a connection idle, never holds a worker, and no thread
//    is started per connection;
//  - the request head is capped in bytes and in header lines (httplib keeps
//    any number of headers of up to 8 KiB each in memory) and must arrive
//    within a short deadline (431 / 408);
//  - bodies, chunked ones included, are read here and never beyond the
//    route's limit (413); what cannot be bounded (a body on GET, both
//    Content-Length and Transfer-Encoding, unknown codings) is refused (400);
//    after a refusal the connection is closed once unread input is drained
//    for a bounded time, so the client still sees the answer;
//  - read, write, idle (keep-alive) and whole-request timeouts;
//  - exceptions never reach the client: a handler that throws answers 500
//    with a fixed message (httplib would put the text in a header);
//  - every response carries security headers and an X-Request-Id; errors
//    are JSON in the contract's shape;
//  - the request log carries method, path (never the query string), status,
//    size, time, the actor a handler names, and no header or body;
//  - Stop() (for SIGTERM) stops accepting, lets in-flight requests finish
//    and closes idle connections, then Run() returns.
//
// Thread safety: routes are added before Run(); handlers run concurrently on
// the worker threads and must be thread-safe themselves.
#pragma once

#include <any>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/base/status.h"

namespace tp::api {

using NameValues = std::vector<std::pair<std::string, std::string>>;

// One part of a multipart/form-data body.
struct UploadedPart {
  std::string name;      // the form field
  std::string filename;  // empty for plain fields
  std::string content_type;
  std::string content;
};

struct HttpRequest {
  std::string method;  // GET, POST, ...; HEAD is served as GET
  std::string path;    // decoded, without the query string
  NameValues query;    // decoded query parameters, in order
  NameValues headers;  // names in lower case
  std::string body;    // the raw body (empty for multipart: see parts)
  std::vector<UploadedPart> parts;
  NameValues path_params;  // {name} segments of the route pattern
  std::string remote_addr;
  std::string request_id;
  std::any admitted;  // set by the route's admit(), if it has one

  // The first value, or nullopt when absent.
  std::optional<std::string> Header(std::string_view name) const;
  std::optional<std::string> Query(std::string_view name) const;
  // Every value of a repeated query parameter (?tier=a&tier=b).
  std::vector<std::string> QueryAll(std::string_view name) const;
  std::string PathParam(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  NameValues headers;
  // Written to the request log as who made the call ("token:12"); never a
  // secret or a person's data.
  std::string actor;

  void SetHeader(std::string name, std::string value);
  // An error in the contract's shape:
  // {"error": {"code": "...", "message": "...", "details": [{"field", "message", "row"}]}}.
  void SetError(const Status& status);
  void SetJson(std::string json, int http_status = 200);
};

using HttpHandler = std::function<void(const HttpRequest&, HttpResponse&)>;

struct RouteOptions {
  // The largest body the route accepts; 0 means no body at all.
  std::size_t max_body_bytes = 64 * 1024;
  // Called with the request head (no body yet, not even for Expect:
  // 100-continue) before the body is read: returning false sends `res` and
  // closes the connection, the body unread. For authentication, so nobody
  // unknown can make the server hold a large body.
  // What admit() learns (who is calling) it may leave in head.admitted for
  // the handler.
  std::function<bool(HttpRequest& head, HttpResponse& res)> admit;
};

// What the request log says of one request; never a header, a query or a body.
struct RequestRecord {
  std::string_view method;
  std::string_view path;   // ID numbers and phones in it redacted
  std::string_view route;  // the route's pattern, "static" for a file, empty when none matched
  int status = 0;
  std::size_t bytes = 0;
  double milliseconds = 0;
  std::string_view request_id;
  std::string_view actor;  // "token:12", "account:3"; empty when nobody signed in
};

struct HttpServerOptions {
  std::string bind_address = "127.0.0.1";
  int port = 8080;  // 0: any free port (see Bind)

  int worker_threads = 8;
  // Connections waiting for a request head at once; past it a new one is
  // closed at once. Each costs a socket and the bytes of its head so far.
  std::size_t max_waiting_connections = 10000;
  int listen_backlog = 256;

  std::size_t max_header_bytes = 32 * 1024;  // request line + headers
  // Bodies of all requests being read, together; past it a request gets 503.
  std::size_t max_body_bytes_in_flight = 256 * 1024 * 1024;
  std::size_t max_header_count = 100;

  std::chrono::milliseconds read_timeout{10000};   // between two reads
  std::chrono::milliseconds write_timeout{10000};  // between two writes
  // The whole request head, from the connection's start or the next request's
  // first byte: a head is a few hundred bytes, sent at once by any real client.
  std::chrono::milliseconds head_deadline{5000};
  std::chrono::milliseconds body_deadline{120000};  // whole body
  std::chrono::milliseconds keep_alive_timeout{5000};
  int keep_alive_max_requests = 100;
  // How long a refused request's unread input is drained before closing.
  std::chrono::milliseconds linger{2000};

  // Files under this folder are served for GET paths outside /api/ (with
  // index.html for folders); empty serves none.
  std::string static_root;

  // Receives one line per request; nullptr writes to stderr.
  std::function<void(std::string_view line)> log_sink;
  // When set, receives each request instead of the line above (metrics, a structured log).
  // Called on the worker threads, concurrently.
  std::function<void(const RequestRecord&)> on_request;
};

// Counters of what the hardening refused, for tests and the health page.
struct HttpServerCounters {
  uint64_t requests = 0;
  uint64_t head_too_large = 0;
  uint64_t body_too_large = 0;
  uint64_t not_admitted = 0;  // refused by a route's admit() before the body
  uint64_t timeouts = 0;
  uint64_t handler_exceptions = 0;
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Adds a route. `pattern` is a path whose segments may be {name}
  // placeholders ("/api/v1/persons/{id}"); literal routes win over
  // placeholders. A path that matches with another method answers 405.
  void Handle(std::string method, std::string pattern, HttpHandler handler,
              RouteOptions options = {});

  // Binds the listening socket; returns the port (useful with port 0).
  StatusOr<int> Bind();
  // Serves until Stop(); returns after in-flight requests are finished.
  // Binds first when Bind() was not called.
  Status Run();
  // Safe from any thread, any number of times, before or during Run().
  void Stop();

  int port() const;
  HttpServerCounters Counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::api
