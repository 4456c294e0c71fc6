#include "registry/tables/xlsx_writer.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>

#include "registry/tables/table_reader.h"

namespace tp::registry {
namespace {

using table_internal::QuotedFile;

constexpr std::size_t kMaxCellChars = 32767;    // Excel's limit per cell
constexpr std::size_t kMaxSheetNameChars = 31;  // Excel's limit per sheet name
constexpr long kWidthSampleRows = 1000;         // rows that decide column widths
constexpr double kMinWidth = 8;
constexpr double kMaxWidth = 50;

// Columns of the text's first line, counting East Asian wide characters as
// two, as they show in Excel's default fonts.
int DisplayWidth(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  auto length = static_cast<int32_t>(std::min<std::size_t>(text.size(), 400));
  int width = 0;
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c == '\n') break;
    int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    width += ea == U_EA_WIDE || ea == U_EA_FULLWIDTH ? 2 : 1;
  }
  return width;
}

// Cuts well-formed UTF-8 after `max_chars` code points.
void Truncate(std::string* text, std::size_t max_chars) {
  if (text->size() <= max_chars) return;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text->size(); ++i) {
    if ((static_cast<uint8_t>((*text)[i]) & 0xC0) != 0x80 && chars++ == max_chars) {
      text->resize(i);
      return;
    }
  }
}

std::string SheetName(std::string_view wanted, int number) {
  std::string name(wanted);
  ReplaceInvalidUtf8(&name);
  for (char& c : name) {
    if (std::strchr("[]:*?/\\", c) && c != '\0') c = '_';
  }
  if (!name.empty() && name.front() == '\'') name.front() = '_';
  Truncate(&name, kMaxSheetNameChars);
  if (!name.empty() && name.back() == '\'') name.back() = '_';
  if (name.empty()) name = "Sheet" + std::to_string(number);
  return name;
}

Status LibraryError(std::string_view what, lxw_error error) {
  return Internal(std::string(what) + "：" + lxw_strerror(error));
}

// The value of a cell in a number column that reads as a plain decimal number ("12", "-3.5");
// nothing else (no exponents, no spaces, no leading zeros but "0.") becomes a number.
std::optional<double> PlainNumber(const std::string& text) {
  static const std::regex kPlain(R"(-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?)");
  if (!std::regex_match(text, kPlain)) return std::nullopt;
  return std::strtod(text.c_str(), nullptr);
}

}  // namespace

struct XlsxWriter::Impl {
  std::string path;
  lxw_workbook* workbook = nullptr;
  lxw_format* header = nullptr;
  lxw_format* wrap = nullptr;    // cells with line breaks
  lxw_format* marked = nullptr;  // cells the reader must look at
  lxw_format* marked_wrap = nullptr;
  lxw_format* title = nullptr;     // the first title line
  lxw_format* subtitle = nullptr;  // the lines under it
  int sheets = 0;

  lxw_worksheet* sheet = nullptr;
  long next_row = 0;
  std::size_t header_columns = 0;
  std::vector<int> widths;  // display width per column, from the sampled rows
  std::vector<std::string> title_lines;     // written by WriteHeader above the header
  std::vector<std::size_t> number_columns;  // cells written as numbers when they read as one
  XlsxPrintSetup print;
  long header_row = -1;  // -1 until the header is written

  ~Impl() {
    if (workbook) {
      // Abandoned: libxlsxwriter can only finish a file, so finish and remove it.
      workbook_close(workbook);
      std::remove(path.c_str());
    }
  }

  Status AddSheet(std::string_view wanted) {
    if (!workbook) return Internal("工作簿已经关闭");
    TP_RETURN_IF_ERROR(FinishSheet());
    std::string name = SheetName(wanted, sheets + 1);
    // Excel compares sheet names without regard to case; so does the library.
    if (workbook_validate_sheet_name(workbook, name.c_str()) == LXW_ERROR_SHEETNAME_ALREADY_USED) {
      return InvalidArgument("工作表名称「" + name + "」重复");
    }
    sheet = workbook_add_worksheet(workbook, name.c_str());
    if (!sheet) return Internal("无法添加工作表「" + name + "」");
    ++sheets;
    next_row = 0;
    header_columns = 0;
    widths.clear();
    title_lines.clear();
    number_columns.clear();
    print = {};
    header_row = -1;
    return Status::Ok();
  }

  // The title lines, each merged across `columns` (Excel merges no single cell).
  Status WriteTitle(std::size_t columns) {
    for (std::size_t i = 0; i < title_lines.size(); ++i) {
      std::string text = title_lines[i];
      ReplaceInvalidUtf8(&text);
      Truncate(&text, kMaxCellChars);
      auto row = static_cast<lxw_row_t>(next_row);
      lxw_format* format = i == 0 ? title : subtitle;
      lxw_error error = columns > 1 ? worksheet_merge_range(sheet, row, 0, row,
                                                            static_cast<lxw_col_t>(columns - 1),
                                                            text.c_str(), format)
                                    : worksheet_write_string(sheet, row, 0, text.c_str(), format);
      if (error != LXW_NO_ERROR) return LibraryError("写入标题失败", error);
      if (i == 0) worksheet_set_row(sheet, row, 28, nullptr);
      ++next_row;
    }
    return Status::Ok();
  }

  Status EnsureSheet() {
    if (!workbook) return Internal("工作簿已经关闭");
    return sheet ? Status::Ok() : AddSheet("Sheet1");
  }

  // Writes the next row; `base` is the format of unmarked cells (nullptr: plain).
  Status WriteCells(const std::vector<std::string>& cells, const std::vector<std::size_t>& marks,
                    lxw_format* base) {
    TP_RETURN_IF_ERROR(EnsureSheet());
    if (next_row >= LXW_ROW_MAX) {
      return InvalidArgument("超过 Excel 每个工作表 1048576 行的上限，请分成多个工作表");
    }
    std::size_t columns = cells.size();
    for (std::size_t m : marks) columns = std::max(columns, m + 1);
    if (columns > LXW_COL_MAX) return InvalidArgument("超过 Excel 每行 16384 列的上限");
    auto row = static_cast<lxw_row_t>(next_row);
    bool sample = next_row < kWidthSampleRows;
    if (sample && widths.size() < columns) widths.resize(columns, 0);
    std::string text;
    for (std::size_t column = 0; column < columns; ++column) {
      bool is_marked = std::find(marks.begin(), marks.end(), column) != marks.end();
      auto col = static_cast<lxw_col_t>(column);
      lxw_error error = LXW_NO_ERROR;
      if (column >= cells.size() || cells[column].empty()) {
        if (is_marked) error = worksheet_write_blank(sheet, row, col, marked);
      } else {
        text = cells[column];
        ReplaceInvalidUtf8(&text);
        Truncate(&text, kMaxCellChars);
        bool multi_line = text.find('\n') != std::string::npos;
        lxw_format* format = is_marked             ? (multi_line ? marked_wrap : marked)
                             : multi_line && !base ? wrap
                                                   : base;
        std::optional<double> number;
        if (base == nullptr && std::find(number_columns.begin(), number_columns.end(), column) !=
                                   number_columns.end()) {
          number = PlainNumber(text);
        }
        error = number ? worksheet_write_number(sheet, row, col, *number, format)
                       : worksheet_write_string(sheet, row, col, text.c_str(), format);
        if (sample) widths[column] = std::max(widths[column], DisplayWidth(text));
      }
      if (error != LXW_NO_ERROR) return LibraryError("写入单元格失败", error);
    }
    ++next_row;
    return Status::Ok();
  }

  // Column widths and the filter range are known only once the rows are in.
  Status FinishSheet() {
    if (!sheet) return Status::Ok();
    for (std::size_t column = 0; column < widths.size(); ++column) {
      // Bold header text runs wider, and its filter button takes room.
      int extra = column < header_columns ? 3 : 2;
      double width = std::clamp(static_cast<double>(widths[column] + extra), kMinWidth, kMaxWidth);
      auto col = static_cast<lxw_col_t>(column);
      lxw_error error = worksheet_set_column(sheet, col, col, width, nullptr);
      if (error != LXW_NO_ERROR) return LibraryError("设置列宽失败", error);
    }
    if (header_columns > 0) {
      const auto first = static_cast<lxw_row_t>(header_row);
      lxw_error error = worksheet_autofilter(sheet, first, 0, static_cast<lxw_row_t>(next_row - 1),
                                             static_cast<lxw_col_t>(header_columns - 1));
      if (error != LXW_NO_ERROR) return LibraryError("设置筛选失败", error);
      if (print.repeat_header) {
        error = worksheet_repeat_rows(sheet, first, first);
        if (error != LXW_NO_ERROR) return LibraryError("设置打印标题行失败", error);
      }
    }
    if (print.a4_landscape) {
      worksheet_set_landscape(sheet);
      worksheet_set_paper(sheet, 9);  // A4 in Excel's paper codes
    }
    if (print.fit_to_width) worksheet_fit_to_pages(sheet, 1, 0);
    if (print.print_gridlines) worksheet_gridlines(sheet, LXW_SHOW_ALL_GRIDLINES);
    sheet = nullptr;
    return Status::Ok();
  }
};

XlsxWriter::XlsxWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XlsxWriter::~XlsxWriter() = default;

StatusOr<std::unique_ptr<XlsxWriter>> XlsxWriter::Create(const std::string& path,
                                                         XlsxWriterOptions options) {
  // libxlsxwriter opens the file only when closing; find out now instead.
  std::FILE* probe = std::fopen(path.c_str(), "wb");
  if (!probe) return InvalidArgument("无法写入" + QuotedFile(path) + "：" + std::strerror(errno));
  std::fclose(probe);

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  lxw_workbook_options library_options{};
  library_options.constant_memory = options.constant_memory ? LXW_TRUE : LXW_FALSE;
  impl->workbook = workbook_new_opt(path.c_str(), &library_options);
  if (!impl->workbook) {
    std::remove(path.c_str());
    return Internal("无法创建 Excel 工作簿（内存或临时文件不足）");
  }
  lxw_workbook* book = impl->workbook;
  impl->header = workbook_add_format(book);
  format_set_bold(impl->header);
  format_set_bg_color(impl->header, 0xDDEBF7);
  format_set_align(impl->header, LXW_ALIGN_VERTICAL_CENTER);
  format_set_text_wrap(impl->header);
  impl->wrap = workbook_add_format(book);
  format_set_text_wrap(impl->wrap);
  format_set_align(impl->wrap, LXW_ALIGN_VERTICAL_TOP);
  // Excel's own "bad" cell style: light red fill, dark red text.
  for (lxw_format** format : {&impl->marked, &impl->marked_wrap}) {
    *format = workbook_add_format(book);
    format_set_bg_color(*format, 0xFFC7CE);
    format_set_font_color(*format, 0x9C0006);
  }
  format_set_text_wrap(impl->marked_wrap);
  format_set_align(impl->marked_wrap, LXW_ALIGN_VERTICAL_TOP);
  impl->title = workbook_add_format(book);
  format_set_bold(impl->title);
  format_set_font_size(impl->title, 16);
  format_set_align(impl->title, LXW_ALIGN_CENTER);
  format_set_align(impl->title, LXW_ALIGN_VERTICAL_CENTER);
  impl->subtitle = workbook_add_format(book);
  format_set_align(impl->subtitle, LXW_ALIGN_CENTER);
  return std::unique_ptr<XlsxWriter>(new XlsxWriter(std::move(impl)));
}

Status XlsxWriter::AddSheet(std::string_view name) { return impl_->AddSheet(name); }

Status XlsxWriter::SetTitle(const std::vector<std::string>& lines) {
  TP_RETURN_IF_ERROR(impl_->EnsureSheet());
  if (impl_->next_row != 0) return Internal("标题只能写在表头之前");
  impl_->title_lines = lines;
  return Status::Ok();
}

Status XlsxWriter::SetNumberColumns(const std::vector<std::size_t>& columns) {
  TP_RETURN_IF_ERROR(impl_->EnsureSheet());
  impl_->number_columns = columns;
  return Status::Ok();
}

Status XlsxWriter::SetPrintSetup(const XlsxPrintSetup& setup) {
  TP_RETURN_IF_ERROR(impl_->EnsureSheet());
  impl_->print = setup;
  return Status::Ok();
}

Status XlsxWriter::WriteHeader(const std::vector<std::string>& cells) {
  TP_RETURN_IF_ERROR(impl_->EnsureSheet());
  if (impl_->next_row != 0) return Internal("表头只能写在工作表的第一行（或标题之下）");
  TP_RETURN_IF_ERROR(impl_->WriteTitle(cells.size()));
  impl_->header_row = impl_->next_row;
  TP_RETURN_IF_ERROR(impl_->WriteCells(cells, {}, impl_->header));
  worksheet_freeze_panes(impl_->sheet, static_cast<lxw_row_t>(impl_->header_row + 1), 0);
  impl_->header_columns = cells.size();
  return Status::Ok();
}

Status XlsxWriter::WriteRow(const std::vector<std::string>& cells,
                            const std::vector<std::size_t>& marked) {
  return impl_->WriteCells(cells, marked, nullptr);
}

Status XlsxWriter::Close() {
  if (!impl_->workbook) return Internal("工作簿已经关闭");
  Status finished = impl_->FinishSheet();
  lxw_error error = workbook_close(impl_->workbook);
  impl_->workbook = nullptr;
  if (!finished.ok()) return finished;
  if (error != LXW_NO_ERROR) {
    return InvalidArgument("写入" + QuotedFile(impl_->path) + "失败：" + lxw_strerror(error));
  }
  return Status::Ok();
}

StatusOr<std::string> WriteXlsxToBytes(const std::function<Status(XlsxWriter&)>& fill,
                                       XlsxWriterOptions options) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) dir = "/tmp";
  std::string path = (dir / "talentpool-export-XXXXXX.xlsx").string();
  int fd = mkstemps(path.data(), 5);
  if (fd < 0) return Internal(std::string("无法创建临时文件：") + std::strerror(errno));
  close(fd);
  struct Remove {
    std::string path;
    ~Remove() { std::remove(path.c_str()); }
  } remove_after{path};

  StatusOr<std::unique_ptr<XlsxWriter>> writer = XlsxWriter::Create(path, options);
  if (!writer.ok()) return writer.status();
  TP_RETURN_IF_ERROR(fill(**writer));
  TP_RETURN_IF_ERROR((*writer)->Close());
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return Internal("无法读回临时的 Excel 文件");
  return bytes;
}

}  // namespace tp::registry
