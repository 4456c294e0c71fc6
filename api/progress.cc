#include "api/progress.h"

#include <unistd.h>

#include <utility>

namespace tp::api {

ProgressLine::ProgressLine(std::string what, std::string unit)
    : ProgressLine(std::move(what), ::isatty(STDERR_FILENO) == 1, stderr, std::move(unit)) {}

ProgressLine::ProgressLine(std::string what, bool enabled, std::FILE* out, std::string unit)
    : what_(std::move(what)),
      unit_(std::move(unit)),
      enabled_(enabled),
      out_(out),
      start_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() { Clear(); }

void ProgressLine::Clear() {
  if (!shown_) return;
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
  shown_ = false;
}

std::string ProgressLine::Text(long done, long total, double seconds) const {
  const double rate = seconds > 0 ? done / seconds : 0;
  char line[160];
  int n = std::snprintf(line, sizeof line, "%s %ld", what_.c_str(), done);
  if (total > 0) n += std::snprintf(line + n, sizeof line - n, "/%ld", total);
  n += std::snprintf(line + n, sizeof line - n, " %s，%.0f %s/秒", unit_.c_str(), rate,
                     unit_.c_str());
  if (total > 0 && rate > 0 && done < total) {
    const long left = static_cast<long>((total - done) / rate + 0.5);
    std::snprintf(line + n, sizeof line - n, "，约剩 %ld:%02ld", left / 60, left % 60);
  }
  return line;
}

void ProgressLine::Update(long done, long total) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (shown_ && now - drawn_ < std::chrono::milliseconds(250)) return;
  drawn_ = now;
  shown_ = true;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  std::fprintf(out_, "\r\033[K%s", Text(done, total, seconds).c_str());
  std::fflush(out_);
}

}  // namespace tp::api
