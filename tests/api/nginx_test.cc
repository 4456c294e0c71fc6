// Debian's nginx in front of the server on loopback, configured with the
// site's own snippets (scripts/nginx/), as a province's IT office would run
// it: requests pass through, oversize ones stop at nginx, the client address
// is what nginx says, query strings stay out of nginx's log too. Skipped,
// with a message, only when /usr/sbin/nginx is not installed.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "api/api_test_support.h"
#include "support/temp_dir.h"

extern char** environ;

namespace tp::apitest {
namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";

int FreePort() {
  int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(sock);
  return ntohs(addr.sin_port);
}

void ReplaceAll(std::string* text, const std::string& from, const std::string& to) {
  for (size_t at = text->find(from); at != std::string::npos; at = text->find(from, at + to.size()))
    text->replace(at, from.size(), to);
}

// nginx in the foreground, one process, everything under `dir`.
class Nginx {
 public:
  Nginx(const testing::TempDir& dir, int app_port, int port) : port_(port) {
    const std::string root = std::string(TALENTPOOL_SOURCE_ROOT) + "/scripts/nginx/";
    std::filesystem::create_directories(dir / "snippets");
    std::string http = testing::ReadFileBytes(root + "talentpool-http.conf");
    std::string locations = testing::ReadFileBytes(root + "talentpool-locations.conf");
    REQUIRE(http.find("server 127.0.0.1:8080;") != std::string::npos);
    REQUIRE(locations.find("/var/log/nginx/talentpool.access.log") != std::string::npos);
    ReplaceAll(&http, "127.0.0.1:8080", "127.0.0.1:" + std::to_string(app_port));
    ReplaceAll(&locations, "/var/log/nginx/talentpool.access.log", dir / "access.log");
    testing::WriteFileBytes(dir / "snippets/talentpool-http.conf", http);
    testing::WriteFileBytes(dir / "snippets/talentpool-locations.conf", locations);
    std::string conf =
        "daemon off;\nmaster_process off;\nworker_processes 1;\n"
        "pid " +
        (dir / "nginx.pid") + ";\nerror_log " + (dir / "error.log") +
        " warn;\n"
        "events { worker_connections 256; }\nhttp {\n"
        "  client_body_temp_path " +
        (dir / "body") +
        ";\n"
        "  proxy_temp_path " +
        (dir / "proxy") +
        ";\n"
        "  fastcgi_temp_path " +
        (dir / "fastcgi") +
        ";\n"
        "  uwsgi_temp_path " +
        (dir / "uwsgi") +
        ";\n"
        "  scgi_temp_path " +
        (dir / "scgi") +
        ";\n"
        "  include " +
        (dir / "snippets/talentpool-http.conf") +
        ";\n"
        "  server {\n    listen 127.0.0.1:" +
        std::to_string(port) +
        ";\n"
        "    include " +
        (dir / "snippets/talentpool-locations.conf") + ";\n  }\n}\n";
    testing::WriteFileBytes(dir / "nginx.conf", conf);
    std::vector<std::string> args = {kNginx, "-p", dir.path() + "/", "-c", dir / "nginx.conf"};
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string err = dir / "nginx.stderr";
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(posix_spawn(&pid_, kNginx, &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < until) {
      if (!RawExchange(port_, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 1000)
               .empty()) {
        ready_ = true;
        break;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!ready_)
      FAIL("nginx did not start: " << testing::ReadFileBytes(err)
                                   << testing::ReadFileBytes(dir / "error.log"));
  }
  ~Nginx() {
    if (pid_ > 0) {
      ::kill(pid_, SIGQUIT);
      auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      int status = 0;
      while (::waitpid(pid_, &status, WNOHANG) != pid_) {
        if (std::chrono::steady_clock::now() > until) {
          ::kill(pid_, SIGKILL);
          ::waitpid(pid_, &status, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = 0;
  int port_;
  bool ready_ = false;
};

std::string Request(const std::string& method, const std::string& target, const std::string& token,
                    const std::string& extra = "", const std::string& body = "") {
  std::string r =
      method + " " + target + " HTTP/1.1\r\nHost: pool.example.org\r\nConnection: close\r\n";
  if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
  r += extra;
  if (!body.empty() || method == "POST")
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

}  // namespace

TEST_CASE("nginx: the shipped site proxies the API on loopback and stops oversize requests first",
          "[api][nginx]") {
  if (!std::filesystem::exists(kNginx)) {
    WARN("SKIPPED: " << kNginx
                     << " is not installed (apt-get install -y nginx); the nginx test did not run");
    return;
  }
  FixtureOptions options;
  options.api.trusted_proxy = "127.0.0.1";  // as `serve --trusted-proxy 127.0.0.1` behind nginx
  ApiFixture f(options);
  testing::TempDir dir;
  Nginx nginx(dir, f.port(), FreePort());

  // Through nginx: answers, the application's security headers, no nginx version.
  std::string health = RawExchange(nginx.port(), Request("GET", "/healthz", ""));
  CHECK(RawStatus(health) == 200);
  CHECK(health.find("Server: nginx\r\n") != std::string::npos);
  std::string persons = RawExchange(nginx.port(), Request("GET", "/api/v1/persons", f.staff));
  CHECK(RawStatus(persons) == 200);
  CHECK(persons.find("X-Content-Type-Options: nosniff") != std::string::npos);
  CHECK(persons.find("\"total\":4") != std::string::npos);
  CHECK(RawStatus(RawExchange(nginx.port(), Request("GET", "/api/v1/persons", ""))) == 401);

  // The client address is nginx's word, whatever the client claims.
  const registry::Person& a1 = f.Person("a1");
  std::string read = RawExchange(nginx.port(), Request("GET", "/api/v1/persons/" + a1.public_id,
                                                       f.staff, "X-Real-IP: 203.0.113.9\r\n"));
  CHECK(RawStatus(read) == 200);
  nlohmann::json audit =
      f.Get(f.staff, "/api/v1/audit?action=read&object_id=" + a1.public_id).Json();
  REQUIRE(audit["total"] == 1);
  CHECK(audit["items"][0]["remote_addr"] == "127.0.0.1");

  // Oversize requests stop at nginx: the application never sees them.
  const uint64_t app_requests = f.server().Counters().requests;
  std::string big_length = RawExchange(
      nginx.port(), "POST /api/v1/imports HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + f.staff +
                        "\r\nContent-Length: 41943040\r\n\r\n" + std::string(65536, 'a'));
  CHECK(RawStatus(big_length) == 413);
  std::string chunked = "POST /api/v1/imports HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                        f.staff + "\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 40; ++i) chunked += "100000\r\n" + std::string(1 << 20, 'a') + "\r\n";
  chunked += "0\r\n\r\n";
  CHECK(RawStatus(RawExchange(nginx.port(), chunked)) == 413);
  CHECK(RawStatus(RawExchange(nginx.port(), "GET /api/v1/persons HTTP/1.1\r\nHost: t\r\nX-Big: " +
                                                std::string(100 * 1024, 'a') + "\r\n\r\n")) == 400);
  std::string many = "GET /api/v1/persons HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 10000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  CHECK(RawStatus(RawExchange(nginx.port(), many + "\r\n")) == 400);
  CHECK(f.server().Counters().requests == app_requests);

  // The enrolment check is limited per address at nginx as well.
  std::string check = nlohmann::json{{"id_number", f.Person("b1").id_number}}.dump();
  int limited = 0;
  for (int i = 0; i < 40; ++i) {
    std::string r = RawExchange(nginx.port(), Request("POST", "/api/v1/enrollment-check", f.unit_a,
                                                      "Content-Type: application/json\r\n", check));
    limited += RawStatus(r) == 429;
  }
  CHECK(limited > 0);

  // nginx's log has paths, never query strings or numbers.
  RawExchange(nginx.port(), Request("GET", "/api/v1/search?q=" + a1.id_number, f.staff));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::string access = testing::ReadFileBytes(dir / "access.log");
  CHECK(access.find("/api/v1/search") != std::string::npos);
  CHECK(access.find(a1.id_number) == std::string::npos);
  CHECK(access.find('?') == std::string::npos);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace tp::apitest
