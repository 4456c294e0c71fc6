// The built `talentpool` binary as a child process: a command run to its end,
// or `talentpool serve` kept running on a free loopback port until the test
// stops it (SIGTERM), kills it (SIGKILL) or lets it go out of scope (killed).
// Failures to start are Catch2 REQUIRE failures of the calling test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace tp::apitest {

// Runs `args` (args[0] the program) to its end and returns its stdout; its
// stderr is appended to `err_path`. `exit_code` is -1 when it did not exit.
std::string RunBinary(const std::vector<std::string>& args, const std::string& err_path,
                      int* exit_code);

// `talentpool init --data data_dir`, then `talentpool token --role staff`:
// returns the token. Failures are REQUIRE failures; output goes to `err_path`.
std::string InitWithStaffToken(const std::string& data_dir, const std::string& err_path);

class ServerProcess {
 public:
  // Starts `talentpool serve --data data_dir --port 0` and waits (up to a
  // minute) for the line naming its port.
  ServerProcess(const std::string& data_dir, const std::string& err_path);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  long RssKb() const;  // VmRSS of the server; -1 once it is gone

  // SIGTERM, then the exit code (-1 when it did not exit within `timeout`).
  int Terminate(std::chrono::seconds timeout);
  // SIGKILL, as a power cut or the OOM killer would, and reaps it.
  void Kill();

 private:
  pid_t pid_ = 0;
  int out_ = -1;
  int port_ = 0;
};

}  // namespace tp::apitest
