// The built `talentpool serve`, as a process of its own, against the inputs
// Debian's cpp-httplib 0.11.4 takes without limit: a 200 MiB chunked upload,
// a 100 KB header line, 10,000 headers. Each is refused, the server's memory
// (VmRSS in /proc, sampled while it happens) grows by less than 50 MB, and
// it keeps answering; SIGTERM then stops it cleanly.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>

#include "api/api_test_support.h"
#include "api/process_support.h"
#include "support/temp_dir.h"

namespace tp::apitest {
namespace {

// Samples the server's VmRSS every 10 ms while `attack` runs; returns the peak.
long PeakRssDuring(const ServerProcess& server, const std::function<void()>& attack) {
  std::atomic<bool> done{false};
  std::atomic<long> peak{server.RssKb()};
  std::thread sampler([&] {
    while (!done) {
      long now = server.RssKb();
      if (now > peak) peak = now;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  attack();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  done = true;
  sampler.join();
  return peak;
}

// Streams a chunked body of `total` bytes in 1 MiB chunks; returns the
// status of the answer (the server may answer and close long before the end).
int ChunkedUpload(int port, const std::string& head, size_t total) {
  int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return 0;
  ::send(sock, head.data(), head.size(), MSG_NOSIGNAL);
  char hex[32];
  std::snprintf(hex, sizeof(hex), "%x\r\n", 1u << 20);
  std::string chunk = std::string(hex) + std::string(1u << 20, 'a') + "\r\n";
  for (size_t sent = 0; sent < total; sent += 1u << 20) {
    size_t off = 0;
    bool failed = false;
    while (off < chunk.size()) {
      ssize_t n = ::send(sock, chunk.data() + off, chunk.size() - off, MSG_NOSIGNAL);
      if (n <= 0) {
        failed = true;
        break;
      }
      off += static_cast<size_t>(n);
    }
    if (failed) break;
  }
  ::send(sock, "0\r\n\r\n", 5, MSG_NOSIGNAL);
  std::string answer;
  char buf[4096];
  pollfd p{sock, POLLIN, 0};
  while (::poll(&p, 1, 5000) > 0) {
    ssize_t n = ::recv(sock, buf, sizeof(buf), 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  ::close(sock);
  return RawStatus(answer);
}

}  // namespace

TEST_CASE("Hardening: oversize inputs are refused, memory stays flat, the server keeps answering",
          "[api][hardening][process]") {
  testing::TempDir dir;
  const std::string data = dir / "registry";
  const std::string log = dir / "server.log";
  const std::string token = InitWithStaffToken(data, log);

  ServerProcess server(data, log);
  auto healthy = [&] {
    return RawStatus(RawExchange(
               server.port(), "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")) ==
           200;
  };
  REQUIRE(healthy());
  // Warm up the paths the attacks take, so the baseline includes them.
  RawExchange(server.port(), "GET /api/v1/persons HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                                 token + "\r\nConnection: close\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const long baseline = server.RssKb();
  REQUIRE(baseline > 0);

  int status_upload = 0, status_anonymous = 0, status_big_header = 0, status_many_headers = 0;
  long peak_upload = PeakRssDuring(server, [&] {
    status_upload =
        ChunkedUpload(server.port(),
                      "POST /api/v1/imports HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token +
                          "\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n",
                      200u << 20);
  });
  CHECK(status_upload == 413);
  CHECK(healthy());
  long peak_anonymous = PeakRssDuring(server, [&] {
    status_anonymous =
        ChunkedUpload(server.port(),
                      "POST /api/v1/imports HTTP/1.1\r\nHost: t\r\nContent-Type: text/csv\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n",
                      200u << 20);
  });
  CHECK(status_anonymous == 401);
  CHECK(healthy());
  long peak_big_header = PeakRssDuring(server, [&] {
    status_big_header =
        RawStatus(RawExchange(server.port(), "GET /api/v1/persons HTTP/1.1\r\nHost: t\r\nX-Big: " +
                                                 std::string(100 * 1024, 'a') + "\r\n\r\n"));
  });
  CHECK(status_big_header == 431);
  CHECK(healthy());
  long peak_many_headers = PeakRssDuring(server, [&] {
    std::string request = "GET /api/v1/persons HTTP/1.1\r\nHost: t\r\n";
    for (int i = 0; i < 10000; ++i) request += "X-H" + std::to_string(i) + ": v\r\n";
    status_many_headers = RawStatus(RawExchange(server.port(), request + "\r\n"));
  });
  CHECK(status_many_headers == 431);
  CHECK(healthy());

  const long after = server.RssKb();
  std::printf(
      "hardening: VmRSS baseline %ld kB; peak growth: 200 MiB chunked upload (staff) %+ld kB -> "
      "%d, "
      "(no token) %+ld kB -> %d, 100 KB header %+ld kB -> %d, 10,000 headers %+ld kB -> %d; after "
      "%+ld kB\n",
      baseline, peak_upload - baseline, status_upload, peak_anonymous - baseline, status_anonymous,
      peak_big_header - baseline, status_big_header, peak_many_headers - baseline,
      status_many_headers, after - baseline);
  const long kLimitKb = 50 * 1024;
  CHECK(peak_upload - baseline < kLimitKb);
  CHECK(peak_anonymous - baseline < kLimitKb);
  CHECK(peak_big_header - baseline < kLimitKb);
  CHECK(peak_many_headers - baseline < kLimitKb);

  // SIGTERM: a clean exit.
  CHECK(server.Terminate(std::chrono::seconds(15)) == 0);
  std::string server_log = testing::ReadFileBytes(log);
  CHECK(server_log.find("stopped") != std::string::npos);
  CHECK(server_log.find(token) == std::string::npos);
}

}  // namespace tp::apitest
