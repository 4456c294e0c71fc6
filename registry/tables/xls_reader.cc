// Excel 97-2003 workbooks (.xls, BIFF5 and BIFF8 in an OLE2 compound file), as
// older offices and WPS still save them, read with FreeXL (Debian's
// libfreexl): a small C library that does only this, converts every code
// page to UTF-8, and tells dates from numbers by the cell's format.
//
// FreeXL is not safe on hostile input (fuzzing finds memory errors in its
// code-page conversion within seconds), so it never runs in the process that
// asked: the workbook goes to a private temporary file, and a child process
// (the talentpool binary's internal command `read-xls`, under limits on
// memory and CPU time) parses it and writes its records to a pipe. Whatever
// the child does, the parent reads only bounded frames from the pipe; a child
// that crashes or is killed makes the file "damaged", nothing worse.
//
// Frames on the pipe: 'R', the row number (u32), the number of cells (u32),
// then per cell its length (u32) and bytes; 'X', a length and a message
// (the file cannot be read); 'E' at the end. Integers little-endian.
#include <fcntl.h>
#include <freexl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "registry/tables/internal/xlsx_internal.h"
#include "registry/tables/table_reader.h"

extern char** environ;

// AddressSanitizer reserves terabytes of address space for its shadow memory, so a limit on
// the address space would stop the child of a sanitizer build from allocating anything.
#if defined(__SANITIZE_ADDRESS__)
#define TP_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TP_ADDRESS_SANITIZER 1
#endif
#endif

namespace tp::registry {
namespace {

// Real .xls tables from offices are a few megabytes; BIFF8 cannot hold more
// than 65,536 rows anyway.
constexpr std::size_t kMaxXlsBytes = std::size_t{64} << 20;
// The child's limits: FreeXL holds the sheet's cell grid as the file declares
// it (at most 65,536 × 256 cells), well within these.
#ifndef TP_ADDRESS_SANITIZER
constexpr rlim_t kChildMemoryBytes = rlim_t{2} << 30;
#endif
constexpr rlim_t kChildCpuSeconds = 60;

std::mutex helper_mutex;
std::string& HelperBinary() {
  static std::string binary;
  return binary;
}

// ---- The child: FreeXL to frames ---------------------------------------------

struct FreexlClose {
  void operator()(const void* handle) const { freexl_close(handle); }
};
using FreexlPtr = std::unique_ptr<const void, FreexlClose>;

std::string ErrorText(int code) {
  switch (code) {
    case FREEXL_INSUFFICIENT_MEMORY: return "内存不足";
    case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
      return "其中没有 Excel 工作簿（可能是设置了打开密码的 .xlsx，或 Word 等其他 Office 文件）";
    case FREEXL_INVALID_CHARACTER:
    case FREEXL_UNSUPPORTED_CHARSET: return "文字编码无法识别";
    default: return "文件已损坏（错误码 " + std::to_string(code) + "）";
  }
}

class FrameWriter {
 public:
  explicit FrameWriter(std::FILE* out) : out_(out) {}
  void Byte(char c) { std::fputc(c, out_); }
  void U32(uint32_t value) {
    unsigned char bytes[4] = {
        static_cast<unsigned char>(value), static_cast<unsigned char>(value >> 8),
        static_cast<unsigned char>(value >> 16), static_cast<unsigned char>(value >> 24)};
    std::fwrite(bytes, 1, 4, out_);
  }
  void Text(std::string_view text) {
    U32(static_cast<uint32_t>(text.size()));
    std::fwrite(text.data(), 1, text.size(), out_);
  }
  int Refuse(std::string_view message) {
    Byte('X');
    Text(message);
    std::fflush(out_);
    return 0;
  }

 private:
  std::FILE* out_;
};

std::string CellText(const FreeXL_CellValue& value) {
  switch (value.type) {
    case FREEXL_CELL_INT: return std::to_string(value.value.int_value);
    case FREEXL_CELL_DOUBLE:
      return table_internal::xlsx::FormatPlainNumber(value.value.double_value);
    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
    case FREEXL_CELL_TIME: return value.value.text_value ? value.value.text_value : "";
    case FREEXL_CELL_DATE:
    case FREEXL_CELL_DATETIME: {
      // "YYYY-MM-DD HH:MM:SS"; a date without a time of day shows as the
      // date, as the XLSX reader shows it.
      std::string text = value.value.text_value ? value.value.text_value : "";
      if (text.size() == 19 && text.compare(10, 9, " 00:00:00") == 0) text.resize(10);
      return text;
    }
    default: return "";
  }
}

// ---- The parent: frames to records ---------------------------------------------

class XlsRecords final : public table_internal::RecordSource {
 public:
  XlsRecords(pid_t child, int pipe, std::string file, std::string temporary)
      : child_(child), pipe_(pipe), file_(std::move(file)), temporary_(std::move(temporary)) {}
  ~XlsRecords() override { Finish(true); }
  XlsRecords(const XlsRecords&) = delete;
  XlsRecords& operator=(const XlsRecords&) = delete;

  StatusOr<bool> NextRecord(std::vector<std::string>* cells, long* row_number) override {
    if (done_) return false;
    char kind = 0;
    if (!Read(&kind, 1)) return Damaged();
    if (kind == 'E') {
      Finish(false);
      return false;
    }
    if (kind == 'X') {
      std::string message;
      if (!ReadText(&message, 4096)) return Damaged();
      Finish(true);
      return InvalidArgument(table_internal::QuotedFile(file_) + message);
    }
    uint32_t row = 0, count = 0;
    if (kind != 'R' || !ReadU32(&row) || !ReadU32(&count) || count > table_internal::kMaxColumns ||
        row == 0 || row > static_cast<uint32_t>(table_internal::kMaxRows)) {
      return Damaged();
    }
    cells->assign(count, std::string());
    std::size_t row_bytes = 0;
    for (std::string& cell : *cells) {
      if (!ReadText(&cell, table_internal::kMaxCellBytes)) return Damaged();
      row_bytes += cell.size();
      if (row_bytes > table_internal::kMaxRowBytes) return Damaged();
      ReplaceInvalidUtf8(&cell);
    }
    *row_number = static_cast<long>(row);
    return true;
  }

  std::string_view Format() const override { return "xls"; }

  // Reads the first frame, so that a file the child cannot open fails at once.
  Status Start() {
    char kind = 0;
    if (!Read(&kind, 1)) return Damaged();
    if (kind == 'X') {
      std::string message;
      if (!ReadText(&message, 4096)) return Damaged();
      Finish(true);
      return InvalidArgument(table_internal::QuotedFile(file_) + message);
    }
    if (kind != 'S') return Damaged();
    return Status::Ok();
  }

 private:
  bool Read(void* buffer, std::size_t size) {
    auto* out = static_cast<char*>(buffer);
    while (size > 0) {
      ssize_t n = read(pipe_, out, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      out += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  }
  bool ReadU32(uint32_t* value) {
    unsigned char bytes[4];
    if (!Read(bytes, 4)) return false;
    *value = bytes[0] | (uint32_t{bytes[1]} << 8) | (uint32_t{bytes[2]} << 16) |
             (uint32_t{bytes[3]} << 24);
    return true;
  }
  bool ReadText(std::string* text, std::size_t max) {
    uint32_t size = 0;
    if (!ReadU32(&size) || size > max) return false;
    text->resize(size);
    return size == 0 || Read(text->data(), size);
  }

  Status Damaged() {
    Finish(true);
    return InvalidArgument(table_internal::QuotedFile(file_) +
                           "是旧版 Excel（.xls）格式，但文件已损坏，无法读取；"
                           "请用 Excel 或 WPS 打开后另存为 .xlsx");
  }

  // Ends the child (killed when `kill`, else waited for) and removes the copy.
  void Finish(bool kill_child) {
    done_ = true;
    if (pipe_ >= 0) {
      close(pipe_);
      pipe_ = -1;
    }
    if (child_ > 0) {
      if (kill_child) ::kill(child_, SIGKILL);
      int status = 0;
      while (waitpid(child_, &status, 0) < 0 && errno == EINTR) {}
      child_ = -1;
    }
    if (!temporary_.empty()) {
      std::remove(temporary_.c_str());
      temporary_.clear();
    }
  }

  pid_t child_;
  int pipe_;
  std::string file_;
  std::string temporary_;
  bool done_ = false;
};

// Writes `bytes` to a new private file and returns its path.
StatusOr<std::string> WriteTemporary(std::string_view bytes, const std::string& file) {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") + "/talentpool-xls-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) {
    return Internal("无法为" + table_internal::QuotedFile(file) + "建立临时文件：" +
                    std::strerror(errno));
  }
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int error = errno;
      close(fd);
      std::remove(path.c_str());
      return Internal("无法为" + table_internal::QuotedFile(file) + "写临时文件：" +
                      std::strerror(error));
    }
    written += static_cast<std::size_t>(n);
  }
  close(fd);
  return path;
}

std::string TooLarge(const std::string& file) {
  return table_internal::QuotedFile(file) + "是旧版 Excel（.xls）文件，大小超过 " +
         table_internal::xlsx::SizeText(kMaxXlsBytes) +
         std::string(table_internal::xlsx::kTooLargeAdvice);
}

// Starts the child on `path`; `temporary` (may be empty) is removed with the records.
StatusOr<std::unique_ptr<table_internal::RecordSource>> Spawn(const std::string& path,
                                                              std::string file,
                                                              std::string temporary) {
  std::string helper;
  {
    std::lock_guard<std::mutex> lock(helper_mutex);
    helper = HelperBinary();
  }
  auto fail = [&](Status status) {
    if (!temporary.empty()) std::remove(temporary.c_str());
    return status;
  };
  if (helper.empty()) {
    return fail(Internal("读取旧版 Excel（.xls）的子进程未配置"));
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return fail(Internal(std::string("无法建立管道：") + std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string command = "read-xls";
  char* argv[] = {helper.data(), command.data(), const_cast<char*>(path.c_str()), nullptr};
  pid_t child = -1;
  int rc = posix_spawn(&child, helper.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return fail(Internal("无法启动读取 .xls 的子进程（" + helper + "）：" + std::strerror(rc)));
  }
  auto records = std::make_unique<XlsRecords>(child, fds[0], std::move(file), temporary);
  temporary.clear();  // the records remove it now
  TP_RETURN_IF_ERROR(records->Start());
  return std::unique_ptr<table_internal::RecordSource>(std::move(records));
}

}  // namespace

void SetXlsReaderBinary(std::string binary) {
  std::lock_guard<std::mutex> lock(helper_mutex);
  HelperBinary() = std::move(binary);
}

int ReadXlsInChild(const char* path, std::FILE* out) {
  // Bounds on what a hostile file can make FreeXL take.
#ifndef TP_ADDRESS_SANITIZER
  rlimit memory{kChildMemoryBytes, kChildMemoryBytes};
  setrlimit(RLIMIT_AS, &memory);
#endif
  rlimit cpu{kChildCpuSeconds, kChildCpuSeconds};
  setrlimit(RLIMIT_CPU, &cpu);

  FrameWriter frames(out);
  const void* raw = nullptr;
  int rc = freexl_open(path, &raw);
  FreexlPtr handle(raw);
  if (rc != FREEXL_OK) {
    return frames.Refuse("是旧版 Excel（.xls）格式，但无法读取：" + ErrorText(rc) +
                         "；请用 Excel 或 WPS 打开后另存为 .xlsx");
  }
  unsigned info = 0;
  if (freexl_get_info(handle.get(), FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
      info == FREEXL_BIFF_OBFUSCATED) {
    return frames.Refuse("设置了打开密码，无法读取；请取消密码后再上传");
  }
  unsigned sheets = 0;
  if (freexl_get_info(handle.get(), FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK || sheets == 0) {
    return frames.Refuse("没有工作表");
  }
  rc = freexl_select_active_worksheet(handle.get(), 0);
  unsigned rows = 0;
  unsigned short columns = 0;
  if (rc == FREEXL_OK) rc = freexl_worksheet_dimensions(handle.get(), &rows, &columns);
  if (rc != FREEXL_OK) return frames.Refuse("的第一个工作表无法读取：" + ErrorText(rc));
  if (rows > static_cast<unsigned>(table_internal::kMaxRows)) {
    rows = static_cast<unsigned>(table_internal::kMaxRows);
  }
  frames.Byte('S');
  std::vector<std::string> cells;
  for (unsigned row = 0; row < rows; ++row) {
    cells.clear();
    for (unsigned short column = 0; column < columns; ++column) {
      FreeXL_CellValue value{};
      rc = freexl_get_cell_value(handle.get(), row, column, &value);
      if (rc != FREEXL_OK) {
        return frames.Refuse("第 " + std::to_string(row + 1) + " 行无法读取：" + ErrorText(rc));
      }
      std::string text = CellText(value);
      if (text.size() > table_internal::kMaxCellBytes) text.resize(table_internal::kMaxCellBytes);
      cells.push_back(std::move(text));
    }
    while (!cells.empty() && cells.back().empty()) cells.pop_back();
    frames.Byte('R');
    frames.U32(row + 1);
    frames.U32(static_cast<uint32_t>(cells.size()));
    for (const std::string& cell : cells) frames.Text(cell);
  }
  frames.Byte('E');
  std::fflush(out);
  return 0;
}

namespace table_internal {

StatusOr<std::unique_ptr<RecordSource>> OpenXlsFileRecords(const std::string& path,
                                                           std::size_t size, std::string file) {
  if (size > kMaxXlsBytes) return InvalidArgument(TooLarge(file));
  return Spawn(path, std::move(file), "");
}

StatusOr<std::unique_ptr<RecordSource>> OpenXlsBytesRecords(std::string_view bytes,
                                                            std::string file) {
  if (bytes.size() > kMaxXlsBytes) return InvalidArgument(TooLarge(file));
  StatusOr<std::string> temporary = WriteTemporary(bytes, file);
  if (!temporary.ok()) return temporary.status();
  std::string path = *temporary;
  return Spawn(path, std::move(file), std::move(temporary).value());
}

}  // namespace table_internal
}  // namespace tp::registry
