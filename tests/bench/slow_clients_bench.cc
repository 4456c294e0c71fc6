// Fresh clients against `talentpool serve` while N connections trickle a request head one
// byte a second (a slowloris), over loopback: the latency of a new connection's GET /healthz,
// probed every 100 ms, for each N.
//
//   slow_clients_bench [--slow 0,100,1000] [--seconds 20] [--binary PATH]
//
// The server is the built binary, started on a fresh empty registry with its default 8
// workers, as a process of its own. A slow connection the server closes (its head deadline
// passed) is opened again at once, so N stay open the whole time, as an attacker would keep
// them. A probe that gets no answer within 5 s counts as failed. Prints one line per N:
// probes, failed, and p50 / p99 / max latency in milliseconds.
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/loopback_client.h"
#include "tests/bench/server_process.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  std::vector<int> slow = {0, 100, 1000};
  int seconds = 20;
  std::string binary = TALENTPOOL_BINARY;
};

std::vector<int> ParseList(const std::string& text) {
  std::vector<int> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(std::atoi(text.substr(start, comma - start).c_str()));
    start = comma + 1;
  }
  return out;
}

// Keeps `count` connections open, each sending one more header byte a second.
class Trickle {
 public:
  Trickle(int port, int count) : port_(port), socks_(count, -1) {
    for (int& s : socks_) s = Open();
    thread_ = std::thread([this] { Run(); });
  }
  ~Trickle() {
    stop_ = true;
    thread_.join();
    for (int s : socks_)
      if (s >= 0) ::close(s);
  }
  long reopened() const { return reopened_.load(); }

 private:
  int Open() {
    int s = tp::bench::ConnectLoopback(port_);
    if (s < 0) return s;
    const std::string start = "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ";
    (void)::send(s, start.data(), start.size(), MSG_NOSIGNAL);
    return s;
  }
  void Run() {
    while (!stop_) {
      auto round = Clock::now();
      for (int& s : socks_) {
        if (stop_) break;
        char scratch[512];
        bool closed = s < 0 || ::send(s, "a", 1, MSG_NOSIGNAL) != 1 ||
                      ::recv(s, scratch, sizeof(scratch), MSG_DONTWAIT) > 0;
        if (closed) {
          if (s >= 0) ::close(s);
          s = Open();
          ++reopened_;
        }
      }
      std::this_thread::sleep_until(round + std::chrono::seconds(1));
    }
  }

  int port_;
  std::vector<int> socks_;
  std::atomic<bool> stop_{false};
  std::atomic<long> reopened_{0};
  std::thread thread_;
};

// One fresh connection's GET /healthz; milliseconds, or -1 when no answer came within 5 s.
double Probe(int port) {
  auto start = Clock::now();
  int s = tp::bench::ConnectLoopback(port);
  if (s < 0) return -1;
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
  (void)::send(s, request.data(), request.size(), MSG_NOSIGNAL);
  std::string got;
  char buffer[4096];
  pollfd p{s, POLLIN, 0};
  while (got.find("\r\n\r\n") == std::string::npos) {
    auto left = std::chrono::seconds(5) - (Clock::now() - start);
    int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(left).count());
    if (ms <= 0 || ::poll(&p, 1, ms) <= 0) break;
    ssize_t n = ::recv(s, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    got.append(buffer, static_cast<size_t>(n));
  }
  ::close(s);
  if (got.rfind("HTTP/1.1 200", 0) != 0) return -1;
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--slow")
      options.slow = ParseList(argv[i + 1]);
    else if (flag == "--seconds")
      options.seconds = std::atoi(argv[i + 1]);
    else if (flag == "--binary")
      options.binary = argv[i + 1];
    else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  // The trickling connections need descriptors of their own.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  ::signal(SIGPIPE, SIG_IGN);
  fs::path dir = fs::temp_directory_path() / ("slow-clients-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  tp::bench::RunToEnd({options.binary, "init", "--data", dir.string()}, "/dev/null");
  {
    // One request-log line a probe: the log goes nowhere.
    tp::bench::ServerProcess server(options.binary, dir.string(), "/dev/null");
    std::printf(
        "fresh-client GET /healthz while N connections trickle one header byte a second, %d s "
        "each\n",
        options.seconds);
    std::printf("%6s %7s %7s %9s %9s %9s %9s\n", "N", "probes", "failed", "p50_ms", "p99_ms",
                "max_ms", "reopened");
    for (int n : options.slow) {
      Trickle trickle(server.port(), n);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      std::vector<double> ms;
      int failed = 0;
      auto until = Clock::now() + std::chrono::seconds(options.seconds);
      while (Clock::now() < until) {
        auto next = Clock::now() + std::chrono::milliseconds(100);
        double t = Probe(server.port());
        if (t < 0) {
          ++failed;
        } else {
          ms.push_back(t);
        }
        std::this_thread::sleep_until(next);
      }
      std::printf("%6d %7zu %7d %9.2f %9.2f %9.2f %9ld\n", n, ms.size() + failed, failed,
                  Percentile(ms, 0.5), Percentile(ms, 0.99),
                  ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()), trickle.reopened());
      std::fflush(stdout);
    }
  }
  fs::remove_all(dir);
  return 0;
}
