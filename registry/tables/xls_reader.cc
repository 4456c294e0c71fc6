// Excel 97-2003 workbooks (.xls, BIFF5 and BIFF8 in an OLE2 compound file), as
// older offices and WPS still save them, read with FreeXL (Debian's
// libfreexl): a small C library that does only this, converts every code
// page to UTF-8, and tells dates from numbers by the cell's format.
//
// FreeXL reads from a path, so a workbook held in memory is written to a
// private temporary file first, removed when the reader is done with it. It
// keeps the first worksheet's cells in memory as a grid of the size the
// sheet declares, at most Excel 97's 65,536 rows × 256 columns; the bound on
// the file's size below keeps what it is given small.
#include <freexl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "registry/tables/internal/xlsx_internal.h"
#include "registry/tables/table_reader.h"

namespace tp::registry::table_internal {
namespace {

// Real .xls tables from offices are a few megabytes; BIFF8 cannot hold more
// than 65,536 rows anyway.
constexpr std::size_t kMaxXlsBytes = std::size_t{64} << 20;

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

class XlsRecords final : public RecordSource {
 public:
  // `temporary`, when not empty, is a copy of the workbook to delete once
  // FreeXL has let go of it.
  XlsRecords(FreexlPtr handle, unsigned rows, unsigned short columns, std::string file,
             std::string temporary)
      : handle_(std::move(handle)),
        rows_(rows),
        columns_(columns),
        file_(std::move(file)),
        temporary_(std::move(temporary)) {}
  ~XlsRecords() override {
    handle_.reset();
    if (!temporary_.empty()) std::remove(temporary_.c_str());
  }
  XlsRecords(const XlsRecords&) = delete;
  XlsRecords& operator=(const XlsRecords&) = delete;

  StatusOr<bool> NextRecord(std::vector<std::string>* cells, long* row_number) override {
    if (next_row_ >= rows_) return false;
    unsigned row = next_row_++;
    cells->clear();
    std::size_t row_bytes = 0;
    for (unsigned short column = 0; column < columns_; ++column) {
      FreeXL_CellValue value{};
      int rc = freexl_get_cell_value(handle_.get(), row, column, &value);
      if (rc != FREEXL_OK) {
        return InvalidArgument(QuotedFile(file_) + "第 " + std::to_string(row + 1) +
                               " 行无法读取：" + ErrorText(rc));
      }
      std::string text = CellText(value);
      if (text.size() > kMaxCellBytes) text.resize(kMaxCellBytes);
      ReplaceInvalidUtf8(&text);
      row_bytes += text.size();
      if (row_bytes > kMaxRowBytes) {
        return InvalidArgument(QuotedFile(file_) + "第 " + std::to_string(row + 1) +
                               " 行过长，无法读取");
      }
      cells->push_back(std::move(text));
    }
    while (!cells->empty() && cells->back().empty()) cells->pop_back();
    *row_number = static_cast<long>(row) + 1;
    return true;
  }

  std::string_view Format() const override { return "xls"; }

 private:
  std::string CellText(const FreeXL_CellValue& value) const {
    switch (value.type) {
      case FREEXL_CELL_INT: return std::to_string(value.value.int_value);
      case FREEXL_CELL_DOUBLE: return xlsx::FormatPlainNumber(value.value.double_value);
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

  FreexlPtr handle_;
  unsigned rows_;
  unsigned short columns_;
  std::string file_;
  std::string temporary_;
  unsigned next_row_ = 0;
};

// Writes `bytes` to a new private file and returns its path.
StatusOr<std::string> WriteTemporary(std::string_view bytes, const std::string& file) {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") + "/talentpool-xls-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) {
    return Internal("无法为" + QuotedFile(file) + "建立临时文件：" + std::strerror(errno));
  }
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int error = errno;
      close(fd);
      std::remove(path.c_str());
      return Internal("无法为" + QuotedFile(file) + "写临时文件：" + std::strerror(error));
    }
    written += static_cast<std::size_t>(n);
  }
  close(fd);
  return path;
}

// Opens the workbook at `path`; `temporary` as XlsRecords takes it, and
// removed here when opening fails.
StatusOr<std::unique_ptr<RecordSource>> Open(const std::string& path, std::string file,
                                             std::string temporary) {
  struct Cleanup {
    std::string* path;
    ~Cleanup() {
      if (!path->empty()) std::remove(path->c_str());
    }
  } cleanup{&temporary};
  const void* raw = nullptr;
  int rc = freexl_open(path.c_str(), &raw);
  FreexlPtr handle(raw);
  if (rc != FREEXL_OK) {
    return InvalidArgument(QuotedFile(file) + "是旧版 Excel（.xls）格式，但无法读取：" +
                           ErrorText(rc) + "；请用 Excel 或 WPS 打开后另存为 .xlsx");
  }
  unsigned info = 0;
  if (freexl_get_info(handle.get(), FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
      info == FREEXL_BIFF_OBFUSCATED) {
    return InvalidArgument(QuotedFile(file) + "设置了打开密码，无法读取；请取消密码后再上传");
  }
  unsigned sheets = 0;
  if (freexl_get_info(handle.get(), FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK || sheets == 0) {
    return InvalidArgument(QuotedFile(file) + "没有工作表");
  }
  rc = freexl_select_active_worksheet(handle.get(), 0);
  unsigned rows = 0;
  unsigned short columns = 0;
  if (rc == FREEXL_OK) rc = freexl_worksheet_dimensions(handle.get(), &rows, &columns);
  if (rc != FREEXL_OK) {
    return InvalidArgument(QuotedFile(file) + "的第一个工作表无法读取：" + ErrorText(rc));
  }
  if (rows > static_cast<unsigned>(kMaxRows)) rows = static_cast<unsigned>(kMaxRows);
  auto records =
      std::make_unique<XlsRecords>(std::move(handle), rows, columns, std::move(file), temporary);
  temporary.clear();  // the reader removes it now
  return std::unique_ptr<RecordSource>(std::move(records));
}

std::string TooLarge(const std::string& file) {
  return QuotedFile(file) + "是旧版 Excel（.xls）文件，大小超过 " + xlsx::SizeText(kMaxXlsBytes) +
         std::string(xlsx::kTooLargeAdvice);
}

}  // namespace

StatusOr<std::unique_ptr<RecordSource>> OpenXlsFileRecords(const std::string& path,
                                                           std::size_t size, std::string file) {
  if (size > kMaxXlsBytes) return InvalidArgument(TooLarge(file));
  return Open(path, std::move(file), "");
}

StatusOr<std::unique_ptr<RecordSource>> OpenXlsBytesRecords(std::string_view bytes,
                                                            std::string file) {
  if (bytes.size() > kMaxXlsBytes) return InvalidArgument(TooLarge(file));
  StatusOr<std::string> temporary = WriteTemporary(bytes, file);
  if (!temporary.ok()) return temporary.status();
  std::string path = *temporary;
  return Open(path, std::move(file), std::move(temporary).value());
}

}  // namespace tp::registry::table_internal
