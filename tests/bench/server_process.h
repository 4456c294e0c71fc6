// The built `talentpool` run as a process of its own, for the benchmarks that measure the real
// server (its memory in /proc, fresh clients against it): commands run to their end, and
// `talentpool serve` on a free port of 127.0.0.1. Header-only because each benchmark is one
// program. A failure ends the benchmark with a message, since nothing it measures would be
// worth printing after it.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

extern char** environ;

namespace tp::bench {

[[noreturn]] inline void Fail(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::exit(1);
}

// Starts `args` with stdout on a pipe (returned in *out) and stderr appended to `log`.
inline pid_t Spawn(const std::vector<std::string>& args, const std::string& log, int* out) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) Fail("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ) != 0) {
    Fail("cannot start " + args[0]);
  }
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  *out = pipe_fds[0];
  return pid;
}

// Runs a command to its end and returns its stdout; a command that fails ends the benchmark.
inline std::string RunToEnd(const std::vector<std::string>& args, const std::string& log) {
  int out = -1;
  pid_t pid = Spawn(args, log, &out);
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(out, buf, sizeof(buf))) > 0) text.append(buf, static_cast<size_t>(n));
  ::close(out);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    Fail(args[0] + " " + args[1] + " failed; see " + log);
  return text;
}

inline long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// `talentpool serve` on a free port, with `extra` options of serve; stopped with SIGTERM when
// destroyed.
class ServerProcess {
 public:
  ServerProcess(const std::string& binary, const std::string& data, const std::string& log,
                const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {binary, "serve", "--data", data, "--port", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = Spawn(args, log, &out_);
    std::string line;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < until) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[256];
      ssize_t n = ::read(out_, buf, sizeof(buf));
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    if (line.find("serving on http://127.0.0.1:") == std::string::npos) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      Fail("the server did not start; see " + log);
    }
    port_ = std::atoi(line.c_str() + line.rfind(':') + 1);
  }
  ~ServerProcess() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    ::close(out_);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  long Rss() const { return RssKb(pid_); }

 private:
  pid_t pid_ = 0;
  int out_ = -1;
  int port_ = 0;
};

}  // namespace tp::bench
