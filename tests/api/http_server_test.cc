// The server core on its own: routing, errors, limits, timeouts, shutdown.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/api_test_support.h"
#include "api/http_server.h"
#include "support/temp_dir.h"

namespace tp::apitest {
namespace {

using api::HttpRequest;
using api::HttpResponse;
using api::HttpServer;
using api::HttpServerOptions;

// A server on a free loopback port, run by a thread of this process.
class Running {
 public:
  explicit Running(HttpServerOptions options, std::function<void(HttpServer&)> routes) {
    options.port = 0;
    options.log_sink = [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
    };
    server_ = std::make_unique<HttpServer>(options);
    routes(*server_);
    port_ = *server_->Bind();
    thread_ = std::thread([this] { (void)server_->Run(); });
  }
  ~Running() {
    server_->Stop();
    thread_.join();
  }
  int port() const { return port_; }
  HttpServer& server() { return *server_; }
  std::vector<std::string> Lines() {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<std::string> lines_;
};

api::RouteOptions BodyLimit(size_t bytes) {
  api::RouteOptions options;
  options.max_body_bytes = bytes;
  return options;
}

void EchoRoutes(HttpServer& s) {
  s.Handle("GET", "/items/{id}", [](const HttpRequest& r, HttpResponse& res) {
    res.SetJson(nlohmann::json{{"id", r.PathParam("id")}, {"q", r.Query("q").value_or("")}}.dump());
  });
  s.Handle("GET", "/items/special",
           [](const HttpRequest&, HttpResponse& res) { res.SetJson(R"({"special":true})"); });
  s.Handle(
      "POST", "/upload",
      [](const HttpRequest& r, HttpResponse& res) {
        nlohmann::json parts = nlohmann::json::array();
        for (const auto& p : r.parts)
          parts.push_back({{"name", p.name}, {"filename", p.filename}, {"size", p.content.size()}});
        res.SetJson(nlohmann::json{{"size", r.body.size()}, {"parts", parts}}.dump());
      },
      BodyLimit(4096));
  api::RouteOptions guarded = BodyLimit(1 << 20);
  guarded.admit = [](HttpRequest& head, HttpResponse& res) {
    if (head.Header("X-Key") == "open") return true;
    res.SetError(Status(StatusCode::kUnauthenticated, "no key"));
    return false;
  };
  s.Handle(
      "POST", "/guarded",
      [](const HttpRequest& r, HttpResponse& res) {
        res.SetJson(nlohmann::json{{"size", r.body.size()}}.dump());
      },
      guarded);
  s.Handle("GET", "/boom", [](const HttpRequest&, HttpResponse&) {
    throw std::runtime_error("secret detail 450103198603070011");
  });
}

std::string Get(int port, const std::string& target) {
  return RawExchange(port, "GET " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
}

std::string BodyOf(const std::string& raw) {
  size_t at = raw.find("\r\n\r\n");
  return at == std::string::npos ? "" : raw.substr(at + 4);
}

long ProcessThreads() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Threads:", 0) == 0) return std::stol(line.substr(8));
  return -1;
}

}  // namespace

TEST_CASE("HttpServer: literal segments win over placeholders, which capture the segment",
          "[http][routing]") {
  Running s({}, EchoRoutes);
  auto item = nlohmann::json::parse(BodyOf(Get(s.port(), "/items/P0000007?q=%E5%BC%A0")));
  CHECK(item["id"] == "P0000007");
  CHECK(item["q"] == "张");
  CHECK(BodyOf(Get(s.port(), "/items/special")) == R"({"special":true})");
}

TEST_CASE("HttpServer: unknown paths are 404 and wrong methods 405 with Allow, as JSON errors",
          "[http][routing]") {
  Running s({}, EchoRoutes);
  std::string missing = Get(s.port(), "/nowhere");
  CHECK(RawStatus(missing) == 404);
  CHECK(nlohmann::json::parse(BodyOf(missing))["error"]["code"] == "NOT_FOUND");
  std::string wrong =
      RawExchange(s.port(), "DELETE /items/1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  CHECK(RawStatus(wrong) == 405);
  CHECK(wrong.find("Allow: GET, HEAD") != std::string::npos);
  std::string options =
      RawExchange(s.port(), "OPTIONS /items/1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  CHECK(RawStatus(options) == 204);
  std::string odd =
      RawExchange(s.port(), "BREW /items/1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  CHECK(RawStatus(odd) >= 400);
}

TEST_CASE("HttpServer: every answer carries security headers and a request id", "[http][headers]") {
  Running s({}, EchoRoutes);
  for (std::string target : {"/items/1", "/nowhere", "/boom"}) {
    std::string raw = Get(s.port(), target);
    CHECK(raw.find("X-Content-Type-Options: nosniff") != std::string::npos);
    CHECK(raw.find("X-Frame-Options: DENY") != std::string::npos);
    CHECK(raw.find("Cache-Control: no-store") != std::string::npos);
    CHECK(raw.find("Content-Security-Policy:") != std::string::npos);
    CHECK(raw.find("X-Request-Id:") != std::string::npos);
  }
}

TEST_CASE("HttpServer: a throwing handler answers 500 without the exception's text anywhere",
          "[http][errors][privacy]") {
  Running s({}, EchoRoutes);
  std::string raw = Get(s.port(), "/boom");
  CHECK(RawStatus(raw) == 500);
  CHECK(raw.find("secret detail") == std::string::npos);
  CHECK(raw.find("450103198603070011") == std::string::npos);
  CHECK(raw.find("EXCEPTION_WHAT") == std::string::npos);
  CHECK(nlohmann::json::parse(BodyOf(raw))["error"]["code"] == "INTERNAL");
  CHECK(s.server().Counters().handler_exceptions == 1);
  for (const std::string& line : s.Lines()) CHECK(line.find("secret") == std::string::npos);
  // The server goes on.
  CHECK(RawStatus(Get(s.port(), "/items/2")) == 200);
}

TEST_CASE("HttpServer: a chunked body within the limit arrives whole", "[http][body]") {
  Running s({}, EchoRoutes);
  std::string raw = RawExchange(
      s.port(),
      "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n");
  REQUIRE(RawStatus(raw) == 200);
  CHECK(nlohmann::json::parse(BodyOf(raw))["size"] == 11);
}

TEST_CASE("HttpServer: a chunked body over the route's limit is refused with 413",
          "[http][body][limits]") {
  Running s({}, EchoRoutes);
  std::string request = "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 64; ++i) request += "400\r\n" + std::string(1024, 'a') + "\r\n";
  request += "0\r\n\r\n";
  std::string raw = RawExchange(s.port(), request);
  CHECK(RawStatus(raw) == 413);
  CHECK(raw.find("Connection: close") != std::string::npos);
  CHECK(nlohmann::json::parse(BodyOf(raw))["error"]["code"] == "PAYLOAD_TOO_LARGE");
  // A chunk announcing more than the limit is refused before it is read.
  std::string huge =
      RawExchange(s.port(),
                  "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "FFFFFFFFFF\r\nabc");
  CHECK(RawStatus(huge) == 413);
  CHECK(s.server().Counters().body_too_large == 2);
}

TEST_CASE("HttpServer: a Content-Length over the limit is refused without reading the body",
          "[http][body][limits]") {
  Running s({}, EchoRoutes);
  std::string raw = RawExchange(
      s.port(), "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 999999999\r\n\r\nabc");
  CHECK(RawStatus(raw) == 413);
  std::string expect = RawExchange(
      s.port(),
      "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 999999\r\nExpect: 100-continue\r\n\r\n");
  CHECK(RawStatus(expect) == 413);
  CHECK(expect.find("100 Continue") == std::string::npos);
}

TEST_CASE("HttpServer: a route's admit() refuses before the body is read", "[http][body][limits]") {
  Running s({}, EchoRoutes);
  std::string big(512 * 1024, 'x');
  std::string refused =
      RawExchange(s.port(), "POST /guarded HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                                std::to_string(big.size()) + "\r\n\r\n" + big);
  CHECK(RawStatus(refused) == 401);
  CHECK(refused.find("Connection: close") != std::string::npos);
  std::string expect = RawExchange(s.port(),
                                   "POST /guarded HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n"
                                   "Expect: 100-continue\r\n\r\n");
  CHECK(RawStatus(expect) == 401);
  CHECK(expect.find("100 Continue") == std::string::npos);
  CHECK(s.server().Counters().not_admitted == 2);
  std::string admitted = RawExchange(s.port(),
                                     "POST /guarded HTTP/1.1\r\nHost: t\r\nX-Key: open\r\n"
                                     "Connection: close\r\nContent-Length: 3\r\n\r\nabc");
  CHECK(RawStatus(admitted) == 200);
  CHECK(BodyOf(admitted) == R"({"size":3})");
}

TEST_CASE("HttpServer: bodies in flight share a budget, past it a request gets 503",
          "[http][body][limits]") {
  HttpServerOptions options;
  options.max_body_bytes_in_flight = 1000;
  Running s(options, EchoRoutes);
  std::string fits = RawExchange(s.port(),
                                 "POST /upload HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                                 "Content-Length: 900\r\n\r\n" +
                                     std::string(900, 'a'));
  CHECK(RawStatus(fits) == 200);
  // The budget came back after the first request.
  std::string again = RawExchange(s.port(),
                                  "POST /upload HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                                  "Content-Length: 900\r\n\r\n" +
                                      std::string(900, 'a'));
  CHECK(RawStatus(again) == 200);
  std::string over =
      RawExchange(s.port(), "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1100\r\n\r\n" +
                                std::string(1100, 'a'));
  CHECK(RawStatus(over) == 503);
}

TEST_CASE("HttpServer: framing that cannot be bounded is refused with 400",
          "[http][body][limits]") {
  Running s({}, EchoRoutes);
  CHECK(RawStatus(RawExchange(
            s.port(), "GET /items/1 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")) ==
        400);
  CHECK(RawStatus(RawExchange(s.port(),
                              "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")) == 400);
  CHECK(RawStatus(RawExchange(
            s.port(), "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n")) ==
        400);
  CHECK(RawStatus(RawExchange(s.port(),
                              "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n"
                              "Content-Length: 2\r\n\r\nab")) == 400);
  CHECK(RawStatus(RawExchange(
            s.port(), "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n")) == 400);
}

TEST_CASE("HttpServer: a 100 KB header line is refused with 431", "[http][limits]") {
  Running s({}, EchoRoutes);
  std::string raw = RawExchange(s.port(), "GET /items/1 HTTP/1.1\r\nHost: t\r\nX-Big: " +
                                              std::string(100 * 1024, 'a') + "\r\n\r\n");
  CHECK(RawStatus(raw) == 431);
  CHECK(nlohmann::json::parse(BodyOf(raw))["error"]["code"] == "PAYLOAD_TOO_LARGE");
  CHECK(s.server().Counters().head_too_large == 1);
  CHECK(RawStatus(Get(s.port(), "/items/1")) == 200);
}

TEST_CASE("HttpServer: 10,000 headers are refused with 431", "[http][limits]") {
  Running s({}, EchoRoutes);
  std::string request = "GET /items/1 HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 10000; ++i) request += "X-H" + std::to_string(i) + ": v\r\n";
  request += "\r\n";
  CHECK(RawStatus(RawExchange(s.port(), request)) == 431);
  // 100 headers are fine.
  std::string fine = "GET /items/1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n";
  for (int i = 0; i < 90; ++i) fine += "X-H" + std::to_string(i) + ": v\r\n";
  CHECK(RawStatus(RawExchange(s.port(), fine + "\r\n")) == 200);
  // A request line longer than the whole head budget.
  CHECK(RawStatus(RawExchange(s.port(),
                              "GET /" + std::string(40 * 1024, 'a') + " HTTP/1.1\r\n\r\n")) == 431);
}

TEST_CASE("HttpServer: a head that trickles in past its deadline is answered 408",
          "[http][timeouts]") {
  HttpServerOptions options;
  options.head_deadline = std::chrono::milliseconds(300);
  Running s(options, EchoRoutes);
  int sock = ConnectLoopback(s.port());
  REQUIRE(sock >= 0);
  std::string part = "GET /items/1 HTTP/1.1\r\nHost: t\r\n";
  ::send(sock, part.data(), part.size(), MSG_NOSIGNAL);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  std::string tail = "X-Late: 1\r\n\r\n";
  ::send(sock, tail.data(), tail.size(), MSG_NOSIGNAL);
  char buf[4096];
  std::string got;
  ssize_t n;
  while ((n = ::recv(sock, buf, sizeof(buf), 0)) > 0) got.append(buf, static_cast<size_t>(n));
  ::close(sock);
  CHECK(RawStatus(got) == 408);
  CHECK(s.server().Counters().timeouts >= 1);
}

TEST_CASE(
    "HttpServer: clients trickling their heads hold no worker, a fresh client is served meanwhile",
    "[http][timeouts][pool]") {
  HttpServerOptions options;
  options.worker_threads = 1;
  options.head_deadline = std::chrono::milliseconds(30000);
  Running s(options, EchoRoutes);
  std::vector<int> slow;
  for (int i = 0; i < 20; ++i) {
    int sock = ConnectLoopback(s.port());
    REQUIRE(sock >= 0);
    std::string part = "GET /items/1 HTTP/1.1\r\nHost: t\r\nX-Slow: a";
    ::send(sock, part.data(), part.size(), MSG_NOSIGNAL);
    slow.push_back(sock);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // With the one worker waiting on a slow head, this would get no answer before
  // RawExchange gives up; it is answered while every slow head is still pending.
  CHECK(RawStatus(Get(s.port(), "/items/2")) == 200);
  CHECK(s.server().Counters().timeouts == 0);
  for (int sock : slow) ::close(sock);
}

TEST_CASE("HttpServer: one kept-alive connection serves several requests in order",
          "[http][keepalive]") {
  Running s({}, EchoRoutes);
  std::string raw = RawExchange(s.port(),
                                "GET /items/1 HTTP/1.1\r\nHost: t\r\n\r\n"
                                "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                                "GET /items/3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  CHECK(raw.find(R"({"id":"1","q":""})") != std::string::npos);
  CHECK(raw.find(R"("size":3)") != std::string::npos);
  CHECK(raw.find(R"({"id":"3","q":""})") != std::string::npos);
  CHECK(raw.find(R"({"id":"1")") < raw.find(R"({"id":"3")"));
}

TEST_CASE("HttpServer: multipart form parts reach the handler", "[http][body]") {
  Running s({}, EchoRoutes);
  std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\n姓名\r\n张三\r\n--XyZ--\r\n";
  std::string raw =
      RawExchange(s.port(),
                  "POST /upload HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                  "Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body);
  REQUIRE(RawStatus(raw) == 200);
  auto j = nlohmann::json::parse(BodyOf(raw));
  REQUIRE(j["parts"].size() == 2);
  CHECK(j["parts"][1]["filename"] == "a.csv");
  CHECK(j["parts"][1]["size"] == std::string("姓名\r\n张三").size());
  std::string broken = RawExchange(
      s.port(),
      "POST /upload HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
      "Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 5\r\n\r\nhello");
  CHECK(RawStatus(broken) == 400);
}

TEST_CASE("HttpServer: Stop() lets a request in flight finish, then Run() returns",
          "[http][shutdown]") {
  std::atomic<bool> entered{false};
  HttpServerOptions options;
  options.port = 0;
  options.log_sink = [](std::string_view) {};
  HttpServer server(options);
  server.Handle("GET", "/slow", [&](const HttpRequest&, HttpResponse& res) {
    entered = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    res.SetJson(R"({"done":true})");
  });
  int port = *server.Bind();
  std::thread runner([&] { (void)server.Run(); });
  std::string answer;
  std::thread client([&] { answer = Get(port, "/slow"); });
  while (!entered) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto stop_at = std::chrono::steady_clock::now();
  server.Stop();
  runner.join();
  auto stopped_after = std::chrono::steady_clock::now() - stop_at;
  client.join();
  CHECK(RawStatus(answer) == 200);
  CHECK(BodyOf(answer) == R"({"done":true})");
  CHECK(stopped_after >= std::chrono::milliseconds(400));
  // Nothing listens any more.
  CHECK(Get(port, "/slow").empty());
}

TEST_CASE("HttpServer: Stop() before Run() makes Run() return at once", "[http][shutdown]") {
  HttpServerOptions options;
  options.port = 0;
  HttpServer server(options);
  REQUIRE(server.Bind().ok());
  server.Stop();
  auto start = std::chrono::steady_clock::now();
  CHECK(server.Run().ok());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("HttpServer: a full worker pool makes connections wait, it starts no threads",
          "[http][pool]") {
  HttpServerOptions options;
  options.worker_threads = 2;
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> inside{0};
  Running s(options, [&](HttpServer& server) {
    server.Handle("GET", "/ping", [](const HttpRequest&, HttpResponse& res) { res.SetJson("{}"); });
    server.Handle("GET", "/wait", [&](const HttpRequest&, HttpResponse& res) {
      inside++;
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return release; });
      res.SetJson("{}");
    });
  });
  REQUIRE(RawStatus(Get(s.port(), "/ping")) == 200);  // the pool exists now
  long threads_before = ProcessThreads();
  std::vector<std::thread> clients;
  std::vector<std::string> answers(12);
  for (int i = 0; i < 12; ++i)
    clients.emplace_back([&, i] { answers[i] = Get(s.port(), "/wait"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // Two workers are busy; the rest wait for one.
  CHECK(inside == 2);
  CHECK(ProcessThreads() - threads_before == 12);  // only the clients' threads
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  for (std::thread& t : clients) t.join();
  for (const std::string& a : answers) CHECK(RawStatus(a) == 200);
  CHECK(inside == 12);
}

TEST_CASE("HttpServer: an idle kept-alive connection gives its worker up to a waiting one",
          "[http][pool][keepalive]") {
  HttpServerOptions options;
  options.worker_threads = 1;
  options.keep_alive_timeout = std::chrono::milliseconds(30000);
  Running s(options, EchoRoutes);
  // The first client keeps its connection open and idle after one answer.
  int idle = ConnectLoopback(s.port());
  REQUIRE(idle >= 0);
  std::string first = "GET /items/1 HTTP/1.1\r\nHost: t\r\n\r\n";
  ::send(idle, first.data(), first.size(), MSG_NOSIGNAL);
  char buf[4096];
  REQUIRE(::recv(idle, buf, sizeof(buf), 0) > 0);
  // A second client is served long before the first one's 30 s idle time.
  auto start = std::chrono::steady_clock::now();
  CHECK(RawStatus(Get(s.port(), "/items/2")) == 200);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  ::close(idle);
}

TEST_CASE("HttpServer: static files are served from the root and never from outside it",
          "[http][static]") {
  testing::TempDir web;
  testing::WriteFileBytes(web / "index.html", "<!doctype html><title>t</title>");
  std::filesystem::create_directories(web / "css");
  testing::WriteFileBytes(web / "css/site.css", "body{}");
  testing::WriteFileBytes(web.path() + "-secret.txt", "not for you");
  HttpServerOptions options;
  options.static_root = web.path();
  Running s(options, EchoRoutes);
  std::string index = Get(s.port(), "/");
  CHECK(RawStatus(index) == 200);
  CHECK(index.find("Content-Type: text/html") != std::string::npos);
  CHECK(BodyOf(index) == "<!doctype html><title>t</title>");
  CHECK(RawStatus(Get(s.port(), "/css/site.css")) == 200);
  CHECK(RawStatus(Get(s.port(), "/../" + std::filesystem::path(web.path()).filename().string() +
                                    "-secret.txt")) == 404);
  CHECK(RawStatus(Get(s.port(), "/%2e%2e/etc/passwd")) == 404);
  CHECK(RawStatus(Get(s.port(), "/api/v1/nothing")) == 404);
  std::filesystem::create_directories(web / "node_modules/pkg");
  testing::WriteFileBytes(web / "node_modules/pkg/index.js", "x");
  testing::WriteFileBytes(web / ".env", "SECRET=1");
  CHECK(RawStatus(Get(s.port(), "/node_modules/pkg/index.js")) == 404);
  CHECK(RawStatus(Get(s.port(), "/.env")) == 404);
  // Only what the pages load: not the folder's README, npm's files or its scripts.
  for (const char* name : {"README.md", "package.json", "package-lock.json", "copy-vendor.mjs"}) {
    testing::WriteFileBytes(web / name, "{}");
    CHECK(RawStatus(Get(s.port(), std::string("/") + name)) == 404);
  }
  std::filesystem::create_directories(web / "vendor");
  testing::WriteFileBytes(web / "vendor/lib.mjs", "export {};");
  CHECK(RawStatus(Get(s.port(), "/vendor/lib.mjs")) == 200);
  CHECK(RawStatus(Get(s.port(), "/other/page.html")) == 404);
  // /favicon.ico, asked for by browsers that read no icon link: the pages' icon once it exists.
  CHECK(RawStatus(Get(s.port(), "/favicon.ico")) == 404);
  testing::WriteFileBytes(web / "css/favicon.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
  std::string icon = Get(s.port(), "/favicon.ico");
  CHECK(RawStatus(icon) == 301);
  CHECK(icon.find("Location: css/favicon.svg") != std::string::npos);
  CHECK(Get(s.port(), "/css/favicon.svg").find("Content-Type: image/svg+xml") != std::string::npos);
  std::filesystem::remove(web.path() + "-secret.txt");
}

TEST_CASE("HttpServer: the request log has method, path and status, never the query",
          "[http][log][privacy]") {
  Running s({}, EchoRoutes);
  Get(s.port(), "/items/7?q=450103198603070011&name=%E5%BC%A0%E4%B8%89");
  Get(s.port(), "/items/450103198603070011");
  std::vector<std::string> lines = s.Lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].find("\"GET /items/7\" 200") != std::string::npos);
  CHECK(lines[0].find('?') == std::string::npos);
  CHECK(lines[1].find("450103198603070011") == std::string::npos);
  CHECK(lines[1].find("[redacted]") != std::string::npos);
}

}  // namespace tp::apitest
