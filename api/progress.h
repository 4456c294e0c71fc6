// A progress line for long commands (import, export, reindex, backup): how much is done, how much
// a second and, when the total is known, the time left, rewritten in place on stderr. Silent when
// stderr is not a terminal (a pipe, a log, systemd), so scripts and logs get only the commands' own
// lines.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace tp::api {

class ProgressLine {
 public:
  // `what` names the work ("导入", "导出"), `unit` what is counted ("行", "人", "MB").
  // `enabled` defaults to whether stderr is a terminal.
  explicit ProgressLine(std::string what, std::string unit = "行");
  ProgressLine(std::string what, bool enabled, std::FILE* out, std::string unit = "行");
  ~ProgressLine();  // clears the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Rows done so far, of `total` (0: unknown). Redraws at most four times a second.
  void Update(long done, long total = 0);
  // Takes the line off the terminal (before other output, and at the end).
  void Clear();
  // The line as it would be drawn now (for tests).
  std::string Text(long done, long total, double seconds) const;

 private:
  std::string what_;
  std::string unit_;
  bool enabled_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point drawn_{};
  bool shown_ = false;
};

}  // namespace tp::api
