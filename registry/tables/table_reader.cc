// The parts of table reading every format shares: telling the format from the
// first bytes, the header row, blank and ragged rows.
#include "registry/tables/table_reader.h"

#include <sys/stat.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <optional>
#include <utility>

#include "registry/fields/text.h"

namespace tp::registry {
namespace {

using table_internal::ByteStream;
using table_internal::NormalizeHeaderCell;
using table_internal::QuotedFile;
using table_internal::RecordSource;
using table_internal::TextEncoding;

// Enough to see the header of any real table and to judge its encoding.
constexpr std::size_t kSniffBytes = 64 * 1024;
// How far below the top a form's header may sit under TableOptions.
constexpr std::size_t kMaxTitleRows = 10;
// A workbook that arrives through a pipe is held in memory; this caps it.
constexpr std::size_t kMaxPipedWorkbookBytes = std::size_t{512} << 20;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

class FileStream final : public ByteStream {
 public:
  FileStream(FilePtr file, std::string name) : file_(std::move(file)), name_(std::move(name)) {}

  StatusOr<std::size_t> Read(char* buffer, std::size_t size) override {
    std::size_t n = std::fread(buffer, 1, size, file_.get());
    if (n == 0 && std::ferror(file_.get())) {
      return InvalidArgument(QuotedFile(name_) + "读取失败：" + std::strerror(errno));
    }
    return n;
  }

 private:
  FilePtr file_;
  std::string name_;
};

// Bytes in memory from `start` on: `owned` (kept here), or `borrowed`, which
// the caller keeps alive.
class MemoryStream final : public ByteStream {
 public:
  MemoryStream(std::string owned, std::optional<std::string_view> borrowed, std::size_t start)
      : owned_(std::move(owned)), bytes_(borrowed ? *borrowed : owned_), pos_(start) {}

  StatusOr<std::size_t> Read(char* buffer, std::size_t size) override {
    std::size_t n = std::min(size, bytes_.size() - pos_);
    std::memcpy(buffer, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string owned_;  // before bytes_, which may point into it
  std::string_view bytes_;
  std::size_t pos_;
};

// What the first bytes say a file is.
struct Sniffed {
  bool xlsx = false;
  bool xls = false;  // an OLE2 compound file: Excel 97-2003, or an encrypted XLSX
  TextEncoding encoding = TextEncoding::kUtf8;
  std::size_t bom_size = 0;
};

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// Whether `bytes` is well-formed UTF-8. When the file goes on past them
// (`truncated`), a character cut off at the very end is not held against it.
bool IsUtf8(std::string_view bytes, bool truncated) {
  std::size_t length = bytes.size();
  if (truncated) {
    // Back up over at most three continuation bytes to the last lead byte.
    std::size_t lead = length;
    while (lead > 0 && length - lead < 4 &&
           (static_cast<uint8_t>(bytes[lead - 1]) & 0xC0) == 0x80) {
      --lead;
    }
    if (lead > 0) {
      auto b = static_cast<uint8_t>(bytes[lead - 1]);
      std::size_t needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
      if (length - (lead - 1) < needed) length = lead - 1;
    }
  }
  return IsValidUtf8(bytes.substr(0, length));
}

StatusOr<Sniffed> Sniff(std::string_view head, bool whole_file, std::string_view file) {
  Sniffed out;
  if (head.empty()) return InvalidArgument(QuotedFile(file) + "是空文件，没有任何内容");
  if (StartsWith(head, "PK\x03\x04") || StartsWith(head, "PK\x05\x06")) {
    out.xlsx = true;
    return out;
  }
  // Office's compound-file container: an Excel 97-2003 workbook, or an XLSX
  // with an opening password (Office encrypts by wrapping it in one), which
  // the .xls reader tells apart.
  if (StartsWith(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
    out.xls = true;
    return out;
  }
  if (StartsWith(head, "\xEF\xBB\xBF")) {
    out.bom_size = 3;
    return out;
  }
  if (StartsWith(head, "\xFF\xFE")) {
    out.encoding = TextEncoding::kUtf16Le;
    out.bom_size = 2;
    return out;
  }
  if (StartsWith(head, "\xFE\xFF")) {
    out.encoding = TextEncoding::kUtf16Be;
    out.bom_size = 2;
    return out;
  }
  if (StartsWith(head, "%PDF")) {
    return InvalidArgument(QuotedFile(file) + "是 PDF 文件，不是表格；请上传 .xlsx 或 CSV 文件");
  }
  if (head.find('\0') != std::string_view::npos) {
    return InvalidArgument(QuotedFile(file) +
                           "不是文本表格或 Excel 工作簿（含有二进制数据）；"
                           "请另存为 .xlsx 或 CSV（UTF-8）");
  }
  // Some systems export a web page or Excel 2003 XML and call it .xls.
  std::string_view body = head.substr(std::min(head.find_first_not_of(" \t\r\n"), head.size()));
  if (StartsWithNoCase(body, "<html") || StartsWithNoCase(body, "<!doctype") ||
      StartsWithNoCase(body, "<?xml") || StartsWithNoCase(body, "<table")) {
    return InvalidArgument(QuotedFile(file) +
                           "是网页或 XML 格式的表格，不是真正的 Excel 文件；"
                           "请用 Excel 打开后另存为 .xlsx");
  }
  // Chinese Excel saves "CSV" in the ANSI code page, GBK; GB18030 reads GBK
  // and GB2312 unchanged. A file whose start is not UTF-8 is taken to be it.
  if (!IsUtf8(head, !whole_file)) out.encoding = TextEncoding::kGb18030;
  return out;
}

// Code points that pad a cell without being content.
bool IsBlankCodePoint(UChar32 c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0 || c == 0x3000 || c == 0xFEFF ||
         c == 0x200B;
}

}  // namespace

// Trims a header cell and removes blanks between Chinese characters: forms
// spread two-character labels out ("姓  名") to line them up, and break long
// ones in narrow columns.
std::string table_internal::NormalizeHeaderCell(std::string_view cell) {
  struct CodePoint {
    UChar32 c;
    int32_t begin, end;
  };
  std::vector<CodePoint> points;
  const auto* s = reinterpret_cast<const uint8_t*>(cell.data());
  auto length = static_cast<int32_t>(cell.size());
  for (int32_t i = 0; i < length;) {
    int32_t begin = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    points.push_back({c, begin, i});
  }
  std::size_t first = 0, last = points.size();
  while (first < last && IsBlankCodePoint(points[first].c)) ++first;
  while (last > first && IsBlankCodePoint(points[last - 1].c)) --last;
  std::string out;
  for (std::size_t i = first; i < last;) {
    if (!IsBlankCodePoint(points[i].c)) {
      out.append(cell.substr(points[i].begin, points[i].end - points[i].begin));
      ++i;
      continue;
    }
    std::size_t run_end = i;
    while (IsBlankCodePoint(points[run_end].c)) ++run_end;  // stops before `last`
    bool between_wide = points[i - 1].c >= 0x80 && points[run_end].c >= 0x80;
    if (!between_wide) {
      out.append(cell.substr(points[i].begin, points[run_end].begin - points[i].begin));
    }
    i = run_end;
  }
  return out;
}

namespace {

bool IsBlank(std::string_view cell) {
  const auto* s = reinterpret_cast<const uint8_t*>(cell.data());
  auto length = static_cast<int32_t>(cell.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (!IsBlankCodePoint(c)) return false;
  }
  return true;
}

bool AllBlank(const std::vector<std::string>& cells) {
  return std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return IsBlank(c); });
}

class Table final : public TableReader {
 public:
  static StatusOr<std::unique_ptr<TableReader>> Open(std::unique_ptr<RecordSource> source,
                                                     const TableOptions& options,
                                                     std::string_view file) {
    auto table = std::unique_ptr<Table>(new Table(std::move(source)));
    TP_RETURN_IF_ERROR(table->ReadHeader(options, file));
    return std::unique_ptr<TableReader>(std::move(table));
  }

  const std::vector<std::string>& Header() const override { return header_; }
  long HeaderRowNumber() const override { return header_row_; }
  const std::vector<std::string>& TitleLines() const override { return titles_; }
  std::string_view Format() const override { return source_->Format(); }

  StatusOr<bool> Next(std::vector<std::string>* cells, long* row_number) override {
    while (true) {
      if (!pending_.empty()) {
        *cells = std::move(pending_.front().cells);
        *row_number = pending_.front().row;
        pending_.pop_front();
      } else {
        StatusOr<bool> more = source_->NextRecord(cells, row_number);
        if (!more.ok() || !*more) return more;
        if (AllBlank(*cells)) continue;
      }
      if (cells->size() < header_.size()) {
        cells->resize(header_.size());
      } else {
        while (cells->size() > header_.size() && IsBlank(cells->back())) cells->pop_back();
      }
      return true;
    }
  }

 private:
  struct Row {
    std::vector<std::string> cells;
    long row = 0;
  };

  explicit Table(std::unique_ptr<RecordSource> source) : source_(std::move(source)) {}

  Status ReadHeader(const TableOptions& options, std::string_view file) {
    const std::vector<std::string>& known = options.known_columns;
    std::size_t look_ahead = known.empty() ? 1 : kMaxTitleRows;
    while (pending_.size() < look_ahead) {
      Row row;
      StatusOr<bool> more = source_->NextRecord(&row.cells, &row.row);
      if (!more.ok()) return more.status();
      if (!*more) break;
      if (!AllBlank(row.cells)) pending_.push_back(std::move(row));
    }
    if (pending_.empty()) {
      return InvalidArgument(QuotedFile(file) + "没有表头行：文件中没有任何非空的行");
    }
    std::size_t needed = std::min<std::size_t>(2, known.size());
    std::size_t pick = 0;
    for (std::size_t i = 0; needed > 0 && i < pending_.size(); ++i) {
      std::size_t hits = 0;
      for (const std::string& cell : pending_[i].cells) {
        if (std::find(known.begin(), known.end(), NormalizeHeaderCell(cell)) != known.end()) ++hits;
      }
      if (hits >= needed) {
        pick = i;
        break;
      }
    }
    for (const std::string& cell : pending_[pick].cells)
      header_.push_back(NormalizeHeaderCell(cell));
    while (!header_.empty() && header_.back().empty()) header_.pop_back();
    header_row_ = pending_[pick].row;
    for (std::size_t i = 0; i < pick; ++i) {
      std::string line;
      for (const std::string& cell : pending_[i].cells) {
        const std::string text = NormalizeHeaderCell(cell);
        if (text.empty()) continue;
        if (!line.empty()) line += ' ';
        line += text;
      }
      titles_.push_back(std::move(line));
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(pick) + 1);
    return Status::Ok();
  }

  std::unique_ptr<RecordSource> source_;
  std::vector<std::string> header_;
  std::vector<std::string> titles_;
  long header_row_ = 0;
  std::deque<Row> pending_;  // rows read while looking for the header
};

StatusOr<std::string> ReadAll(ByteStream& stream, std::string head, std::string_view file) {
  std::string bytes = std::move(head);
  std::vector<char> chunk(kSniffBytes);
  while (true) {
    StatusOr<std::size_t> n = stream.Read(chunk.data(), chunk.size());
    if (!n.ok()) return n.status();
    if (*n == 0) return bytes;
    if (bytes.size() + *n > kMaxPipedWorkbookBytes) {
      return InvalidArgument(QuotedFile(file) + "超过 512 MB，无法读取");
    }
    bytes.append(chunk.data(), *n);
  }
}

}  // namespace

std::string table_internal::QuotedFile(std::string_view file) {
  std::string out = "文件「";
  out += file;
  out += "」";
  return out;
}

bool ReplaceInvalidUtf8(std::string* text) {
  if (IsValidUtf8(*text)) return false;  // nearly every cell
  const auto* s = reinterpret_cast<const uint8_t*>(text->data());
  auto length = static_cast<int32_t>(text->size());
  std::string out;
  out.reserve(text->size() + 8);
  for (int32_t i = 0; i < length;) {
    int32_t begin = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(text->data() + begin, static_cast<std::size_t>(i - begin));
    }
  }
  *text = std::move(out);
  return true;
}

StatusOr<std::unique_ptr<TableReader>> OpenTable(const std::string& path,
                                                 const TableOptions& options) {
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    int error = errno;
    if (error == ENOENT) return NotFound(QuotedFile(path) + "不存在");
    if (error == EACCES) return InvalidArgument("没有读取" + QuotedFile(path) + "的权限");
    return InvalidArgument("无法打开" + QuotedFile(path) + "：" + std::strerror(error));
  }
  struct stat info {};
  if (fstat(fileno(file.get()), &info) == 0 && S_ISDIR(info.st_mode)) {
    return InvalidArgument(QuotedFile(path) + "是一个文件夹，不是表格文件");
  }
  bool regular = S_ISREG(info.st_mode);
  auto stream = std::make_unique<FileStream>(std::move(file), path);

  std::string head(kSniffBytes, '\0');
  std::size_t filled = 0;
  while (filled < head.size()) {
    StatusOr<std::size_t> n = stream->Read(head.data() + filled, head.size() - filled);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    filled += *n;
  }
  head.resize(filled);

  StatusOr<Sniffed> sniffed = Sniff(head, filled < kSniffBytes, path);
  if (!sniffed.ok()) return sniffed.status();
  auto source = [&]() -> StatusOr<std::unique_ptr<RecordSource>> {
    if (sniffed->xls && regular) {
      stream.reset();  // FreeXL opens the file itself
      return table_internal::OpenXlsFileRecords(path, static_cast<std::size_t>(info.st_size), path);
    }
    if (sniffed->xls) {
      StatusOr<std::string> bytes = ReadAll(*stream, std::move(head), path);
      if (!bytes.ok()) return bytes.status();
      return table_internal::OpenXlsBytesRecords(*bytes, path);
    }
    if (sniffed->xlsx && regular) {
      stream.reset();  // libzip opens the file itself, to seek in it
      return table_internal::OpenXlsxFileRecords(path, path, options);
    }
    if (sniffed->xlsx) {
      StatusOr<std::string> bytes = ReadAll(*stream, std::move(head), path);
      if (!bytes.ok()) return bytes.status();
      return table_internal::OpenXlsxBytesRecords(std::move(bytes).value(), path, options);
    }
    head.erase(0, sniffed->bom_size);
    return table_internal::OpenCsvRecords(std::move(head), std::move(stream), sniffed->encoding,
                                          path);
  }();
  if (!source.ok()) return source.status();
  return Table::Open(std::move(source).value(), options, path);
}

namespace {

// A table in memory: `owned` by the reader, or `borrowed` from the caller.
StatusOr<std::unique_ptr<TableReader>> OpenInMemory(std::string owned,
                                                    std::optional<std::string_view> borrowed,
                                                    std::string_view filename_hint,
                                                    const TableOptions& options) {
  std::string file(filename_hint.empty() ? std::string_view("上传的文件") : filename_hint);
  std::string_view bytes = borrowed ? *borrowed : std::string_view(owned);
  StatusOr<Sniffed> sniffed =
      Sniff(bytes.substr(0, kSniffBytes), bytes.size() <= kSniffBytes, file);
  if (!sniffed.ok()) return sniffed.status();
  StatusOr<std::unique_ptr<RecordSource>> source =
      sniffed->xls ? table_internal::OpenXlsBytesRecords(bytes, file)
      : !sniffed->xlsx
          ? table_internal::OpenCsvRecords(
                "", std::make_unique<MemoryStream>(std::move(owned), borrowed, sniffed->bom_size),
                sniffed->encoding, file)
      : borrowed ? table_internal::OpenXlsxBorrowedRecords(*borrowed, file, options)
                 : table_internal::OpenXlsxBytesRecords(std::move(owned), file, options);
  if (!source.ok()) return source.status();
  return Table::Open(std::move(source).value(), options, file);
}

}  // namespace

StatusOr<std::unique_ptr<TableReader>> OpenTableFromBytes(std::string bytes,
                                                          std::string_view filename_hint,
                                                          const TableOptions& options) {
  return OpenInMemory(std::move(bytes), std::nullopt, filename_hint, options);
}

StatusOr<std::unique_ptr<TableReader>> OpenTableInPlace(std::string_view bytes,
                                                        std::string_view filename_hint,
                                                        const TableOptions& options) {
  return OpenInMemory("", bytes, filename_hint, options);
}

}  // namespace tp::registry
