// `talentpool serve` as systemd's Type=notify service sees it: READY=1 once it listens, the
// watchdog pinged at half of WATCHDOG_USEC, STOPPING=1 on SIGTERM; and its own messages as JSON
// lines beside the requests'. systemd's side is played by a datagram socket of the test's.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "api/process_support.h"
#include "support/temp_dir.h"

namespace tp::apitest {
namespace {

// A bound AF_UNIX datagram socket: what NOTIFY_SOCKET names.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof addr.sun_path);
    path.copy(addr.sun_path, path.size());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~NotifySocket() { ::close(fd_); }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // The messages received within `wait`.
  std::vector<std::string> Receive(std::chrono::milliseconds wait) const {
    std::vector<std::string> out;
    const auto until = std::chrono::steady_clock::now() + wait;
    for (auto now = std::chrono::steady_clock::now(); now < until;
         now = std::chrono::steady_clock::now()) {
      pollfd p{fd_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
      if (::poll(&p, 1, static_cast<int>(left.count()) + 1) <= 0) continue;
      char buf[512];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) out.emplace_back(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

int Count(const std::vector<std::string>& messages, const std::string& what) {
  int n = 0;
  for (const std::string& m : messages) n += m.find(what) != std::string::npos ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("Service: systemd hears ready and stopping and the watchdog - messages in JSON lines",
          "[api][observe][process]") {
  testing::TempDir dir;
  const std::string data = dir / "data";
  const std::string log = dir / "serve.log";
  InitWithStaffToken(data, log);
  NotifySocket systemd(dir / "notify");

  // The server's environment as systemd sets it for WatchdogSec=0.4s.
  ::setenv("NOTIFY_SOCKET", (dir / "notify").c_str(), 1);
  ::setenv("WATCHDOG_USEC", "400000", 1);
  ServerProcess server(data, log);
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");

  const std::vector<std::string> running = systemd.Receive(std::chrono::milliseconds(1500));
  // While the index is brought up to date, then ready once it listens.
  REQUIRE(running.size() >= 2);
  CHECK(running[0] == "STATUS=bringing the search index up to date");
  CHECK(running[1] == "READY=1\nSTATUS=serving on http://127.0.0.1:" + std::to_string(server.port()));
  // Every 0.2 s: about seven in 1.5 s, however slow the machine, at least three.
  CHECK(Count(running, "WATCHDOG=1") >= 3);

  CHECK(server.Terminate(std::chrono::seconds(15)) == 0);
  CHECK(Count(systemd.Receive(std::chrono::milliseconds(300)), "STOPPING=1") == 1);

  const std::string lines = testing::ReadFileBytes(log);
  CHECK(lines.find("\"level\":\"info\",\"event\":\"started\",\"message\":\"serving on http://") !=
        std::string::npos);
  CHECK(lines.find("\"event\":\"stopping\",\"message\":\"signal 15, finishing requests in "
                   "flight\"") != std::string::npos);
  CHECK(lines.find("\"event\":\"stopped\"") != std::string::npos);
  CHECK(lines.find("talentpool: stopped") == std::string::npos);
}

}  // namespace tp::apitest
