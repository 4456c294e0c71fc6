// The server core: httplib parses the request line and headers and writes the
// response; reading of bodies, routing, limits, the worker pool and the
// connection loop are ours (see http_server.h for why). This file holds the
// server, its routing and the request log; the connections are served in
// http_connection.cc and bodies read in http_body.cc (http_server_internal.h
// says how the pieces meet).
#include "api/http_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "api/internal/http_server_internal.h"

namespace tp::api {

using namespace http_internal;

namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxStaticFileBytes = 16 * 1024 * 1024;

// Runs of 11 or more digits (an ID number, a phone) never reach the log,
// even when a client puts one in a path.
std::string PathForLog(std::string_view path) {
  std::string out;
  size_t i = 0;
  while (i < path.size() && out.size() < 300) {
    size_t j = i;
    while (j < path.size() &&
           (std::isdigit(static_cast<unsigned char>(path[j])) || path[j] == 'X' || path[j] == 'x'))
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
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

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

}  // namespace

namespace http_internal {

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

std::string JsonError(StatusCode code, std::string_view message,
                      const std::vector<FieldError>& details) {
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

}  // namespace http_internal

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
  e.set_read_timeout(
      std::chrono::duration_cast<std::chrono::seconds>(options.read_timeout).count());
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
  e.set_expect_100_continue_handler([this](const httplib::Request& req, httplib::Response& res) {
    return ExpectContinue(req, res);
  });
  e.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) { return OnError(req, res); }));
  // Dispatch catches everything itself; this is the last line of defence
  // and never passes exception text on.
  e.set_exception_handler(
      [this](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        n_exceptions.fetch_add(1);
        res.status = 500;
        res.set_content(JsonError(StatusCode::kInternal, MessageForStatus(500)),
                        "application/json; charset=utf-8");
      });
  e.set_logger(
      [this](const httplib::Request& req, const httplib::Response& res) { Log(req, res); });

  char prefix[16];
  std::snprintf(prefix, sizeof(prefix), "%08x",
                static_cast<unsigned>(std::chrono::system_clock::now().time_since_epoch().count() ^
                                      reinterpret_cast<uintptr_t>(this)));
  id_prefix = prefix;
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
        params->emplace_back(best->segments[i].substr(1, best->segments[i].size() - 2),
                             segments[i]);
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
  if (ctx != nullptr && !res.has_header("X-Request-Id"))
    res.set_header("X-Request-Id", ctx->request_id);
  if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
  // httplib answered by itself: the connection closes after this (see
  // ServeConnection), and the client is told so.
  res.set_header("Connection", "close");
  if (ctx != nullptr && ctx->stream != nullptr) {
    if (ctx->stream->head_overflow())
      res.status = 431;
    else if (ctx->stream->timed_out())
      res.status = 408;
  }
  StatusCode code = res.status == 431 ? StatusCode::kTooLarge : CodeForStatus(res.status);
  res.set_content(JsonError(code, MessageForStatus(res.status)), "application/json; charset=utf-8");
  return httplib::Server::HandlerResponse::Handled;
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
  // What a browser or a bookmark asks for without reading a page's icon link: the pages' icon.
  if (relative == "favicon.ico" && fs::is_regular_file(root / "css/favicon.svg", ec)) {
    res.status = 301;
    res.SetHeader("Location", "css/favicon.svg");
    res.SetHeader("Cache-Control", "max-age=86400");
    return true;
  }
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
  // Images may also be blob: URLs: the pages show attachment photos they fetched with the
  // caller's credentials (web/js/attachments.js).
  res.SetHeader("Content-Security-Policy",
                "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; "
                "form-action 'self'");
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
  static const char* const kMethods[] = {"GET",   "HEAD",   "POST",   "PUT",
                                         "PATCH", "DELETE", "OPTIONS"};
  if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods))
    return refuse(405, MessageForStatus(405));
  if (has_te && (n_length > 0 || req.get_header_value_count("Transfer-Encoding") != 1 ||
                 Lower(TrimAscii(req.get_header_value("Transfer-Encoding"))) != "chunked"))
    return refuse(400, "请求体：不支持的传输编码");
  if (n_length > 1 ||
      (n_length == 1 && (length_text.empty() || length_text.size() > 18 ||
                         length_text.find_first_not_of("0123456789") != std::string::npos)))
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
  if (route != nullptr) ctx.route = route->pattern;

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
        ServeStatic(req.path, head, out)) {
      ctx.route = "static";
      return finish();
    }
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
  if (options.on_request) {
    const std::string redacted = PathForLog(path);
    const std::string actor = PathForLog(ctx.actor);
    options.on_request(RequestRecord{.method = method_text,
                                     .path = redacted,
                                     .route = ctx.route,
                                     .status = status,
                                     .bytes = bytes,
                                     .milliseconds = ms,
                                     .request_id = ctx.request_id,
                                     .actor = actor});
    return;
  }
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

HttpServer::HttpServer(HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
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
  route.pattern = pattern;
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
    port =
        e.bind_to_port(impl_->options.bind_address, impl_->options.port) ? impl_->options.port : -1;
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
