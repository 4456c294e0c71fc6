// Reading the tables offices send: CSV (UTF-8, GB18030, Excel's UTF-16
// "Unicode text"), XLSX, the older .xls, and the tables of Word documents,
// record by record, whatever the file is called.
//
// The format is told by content: a zip archive is an XLSX workbook (its first
// visible worksheet in workbook order is read) or a Word document (a list
// table's rows, or a form's labels and values as one record: see
// docx_reader.cc), an OLE2 compound file an Excel 97-2003 workbook (its first
// worksheet), anything else is delimited text. Files are streamed, so memory stays flat in the size
// of the file; an XLSX workbook holds only its shared-strings table and its number formats.
//
// XLSX cells come out as Excel shows them: numbers in full ("13800138000",
// never 1.38E+10), dates by their cell format as "YYYY-MM-DD", booleans as
// TRUE/FALSE, formulas as their last computed value.
//
// OpenTable fails (and a command-line import exits 2) when the file cannot be
// read as a table at all: it is missing, empty, has no header row, is a
// damaged, encrypted or non-Excel archive or compound file, or its XML is
// broken.
// Those Status messages are in Chinese and name the file. Next() fails the
// same way on damage found later in the file; it never crashes or hangs on
// malformed input, and nothing it allocates is sized by a number read from
// the file.
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"

namespace tp::registry {

// A table read record by record; the header is its first non-empty row (see
// TableOptions for forms with title rows above the header).
class TableReader {
 public:
  virtual ~TableReader() = default;

  // The header cells, trimmed (ASCII and ideographic spaces, NBSP, BOM), with
  // spaces and line breaks between Chinese characters removed ("姓　名",
  // "出生\n年月" -> "姓名", "出生年月") and trailing empty cells dropped.
  virtual const std::vector<std::string>& Header() const = 0;

  // The header's row number, counted as Next() counts rows.
  virtual long HeaderRowNumber() const = 0;

  // The title lines skipped above the header (TableOptions::known_columns), each the row's
  // non-blank cells joined by a space: 「推荐学员汇总表」, 「2024 年推荐学员参加活动信息表」,
  // 「联系人及电话: 李欣」. For a Word document, the paragraphs just above its table.
  virtual const std::vector<std::string>& TitleLines() const = 0;

  // Reads the next non-empty record into *cells; false at the end of the
  // table. Cells are as written (not trimmed); a short record is padded with
  // empty cells to the header's width, a longer one keeps its extra cells
  // (trailing empty ones dropped). Records whose cells are all blank are
  // skipped. *row_number is the row as a spreadsheet user counts it: the
  // header is 1 when it is the first line, a CSV record spanning several
  // lines counts once, and an XLSX row keeps its number in the sheet.
  virtual StatusOr<bool> Next(std::vector<std::string>* cells, long* row_number) = 0;

  // "csv-utf8", "csv-gb18030", "csv-utf16le", "csv-utf16be", "xlsx", "xls" or "docx".
  virtual std::string_view Format() const = 0;
};

// What one XLSX workbook may inflate to. A zip part can inflate a
// thousandfold (a 0.6 MB file whose shared strings are 600 MB), so these
// bound the bytes actually inflated, never the sizes the archive declares,
// and what is kept: the shared strings are the one part held whole. A file
// past a bound is refused with InvalidArgument naming the file and the part.
//
// The defaults hold a pool file of well over 100,000 people: the demo pool
// (`talentpool demo`, 25 columns) has per 10,000 people about 4.4 MB of
// xl/sharedStrings.xml (86,000 distinct strings, 2.9 MB of text) and 9 MB of
// worksheet XML. Larger tables come as CSV, which is streamed.
struct XlsxLimits {
  // The worksheet is parsed as it inflates, so its size costs time (about a
  // second per 100 MB), not memory.
  std::size_t max_sheet_bytes = std::size_t{256} << 20;
  // xl/sharedStrings.xml, inflated. Its strings are kept whole while the
  // sheet is read, as their text and a 4-byte offset each, so the next two
  // bound their memory: 56 MB at most.
  std::size_t max_shared_strings_part_bytes = std::size_t{64} << 20;
  std::size_t max_shared_string_bytes = std::size_t{48} << 20;
  std::size_t max_shared_strings = 2000000;
  // The workbook, its relationships and styles: kilobytes in real files.
  std::size_t max_other_part_bytes = std::size_t{16} << 20;
  // All parts read from one workbook together.
  std::size_t max_workbook_bytes = std::size_t{320} << 20;
  // The text of all cells the sheet hands out, a shared string counted each
  // time a cell uses it: a 1 MB string referenced by every cell would
  // otherwise make gigabytes of rows out of a file of kilobytes.
  std::size_t max_cell_text_bytes = std::size_t{256} << 20;
};

struct TableOptions {
  // Column names the caller understands. When given, title rows above the
  // header (a form's "推荐学员汇总表", "推荐单位：…", "填表日期：" lines) are
  // skipped: the header is the first of the first 10 non-empty rows holding
  // at least two of these names (one, when only one is given). When no row
  // qualifies, or the list is empty, the first non-empty row is the header.
  std::vector<std::string> known_columns;
  XlsxLimits xlsx;
  // XLSX: which visible worksheet to read, in workbook order (0: the first, hidden ones only
  // when none is visible). Past the last one OpenTable fails with NotFound, so a caller can
  // read every sheet of a workbook in turn. CSV has one table: any index reads it.
  std::size_t xlsx_sheet = 0;
};

// Opens the file at `path`. The messages name the file by `path` as given.
StatusOr<std::unique_ptr<TableReader>> OpenTable(const std::string& path,
                                                 const TableOptions& options = {});

// Opens a table received as bytes (an HTTP upload). `filename_hint` names the
// file in messages only; it never decides the format.
StatusOr<std::unique_ptr<TableReader>> OpenTableFromBytes(std::string bytes,
                                                          std::string_view filename_hint,
                                                          const TableOptions& options = {});
// The same, reading `bytes` where they are, without a copy: they must outlive
// the reader. For an upload the server holds already, so that reading it does
// not cost one more file's worth of memory.
StatusOr<std::unique_ptr<TableReader>> OpenTableInPlace(std::string_view bytes,
                                                        std::string_view filename_hint,
                                                        const TableOptions& options = {});

// The tables of a Word document cell by cell, for a form whose boxes are more than labels
// beside values (a 推荐表 with a table of 学习工作经历 rows inside it): tables, their rows, each
// row's cells in order, a cell's paragraphs joined by line breaks, a cell continuing a vertical
// merge left out, a cell spanning columns once. Refused as OpenTable refuses a Word document
// (damaged, macros, no table, past `limits`), and when the file is not one.
// `cover`, when given, receives the paragraphs of the body before its first table (a form's
// cover page: 推荐领域 and its ticked lines), at most 64 of them.
using DocxTables = std::vector<std::vector<std::vector<std::string>>>;
StatusOr<DocxTables> ReadDocxTables(std::string_view bytes, std::string_view filename_hint,
                                    const XlsxLimits& limits = {},
                                    std::vector<std::string>* cover = nullptr);

// An .xls workbook is parsed in a child process, `binary read-xls FILE` (the
// talentpool binary's internal command, which calls ReadXlsInChild), so that
// a hostile file can harm nothing but that child. The command line and the
// server set it to their own executable at start; until it is set, .xls
// files are refused.
void SetXlsReaderBinary(std::string binary);
// The child's side: parses the .xls at `path` and writes its records to `out`
// as frames (xls_reader.cc). Returns the exit status.
int ReadXlsInChild(const char* path, std::FILE* out);

// Replaces each ill-formed UTF-8 sequence in *text with U+FFFD, so text from
// outside can go into XML, JSON and the store. Returns whether it changed.
bool ReplaceInvalidUtf8(std::string* text);

// The seam between the format readers (csv_reader.cc, xlsx_reader.cc) and the
// shared table logic (table_reader.cc). Not for callers.
namespace table_internal {

// Guards against hostile files: Excel's own limits, with room to spare.
inline constexpr std::size_t kMaxCellBytes = std::size_t{1} << 20;
inline constexpr std::size_t kMaxRowBytes = std::size_t{32} << 20;
inline constexpr std::size_t kMaxColumns = 16384;  // Excel's XFD
inline constexpr long kMaxRows = 1048576;          // Excel's row limit

// "文件「name」", the way every message names the file it is about.
std::string QuotedFile(std::string_view file);

// A header cell trimmed, without the blanks between Chinese characters that
// forms pad labels with: "姓　名" -> "姓名", "出生\n年月" -> "出生年月".
std::string NormalizeHeaderCell(std::string_view cell);

// "主要成就 (工作成绩、成果、受奖励和荣誉称号等)" -> "主要成就": a form's label without a note
// in brackets at its end, and without the blanks that pad it. Brackets inside a label stay:
// 在市级（含）以上人大、政协任职情况.
std::string FormLabel(std::string_view text);

// A forward-only source of bytes; Read returns 0 at the end.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  virtual StatusOr<std::size_t> Read(char* buffer, std::size_t size) = 0;
};

// Raw records of one format, before header handling: possibly all empty,
// possibly ragged. *row_number as TableReader::Next defines it.
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  virtual StatusOr<bool> NextRecord(std::vector<std::string>* cells, long* row_number) = 0;
  virtual std::string_view Format() const = 0;
};

enum class TextEncoding { kUtf8, kGb18030, kUtf16Le, kUtf16Be };

// Delimited text from `prefix` (bytes already read, without the BOM) followed
// by the rest of `stream`. `file` names the file in messages.
StatusOr<std::unique_ptr<RecordSource>> OpenCsvRecords(std::string prefix,
                                                       std::unique_ptr<ByteStream> stream,
                                                       TextEncoding encoding, std::string file);

// The first visible worksheet of an XLSX workbook on disk, or held in `bytes`;
// for a Word document in the same container, its tables (docx_reader.cc).
StatusOr<std::unique_ptr<RecordSource>> OpenXlsxFileRecords(const std::string& path,
                                                            std::string file,
                                                            const TableOptions& options);
StatusOr<std::unique_ptr<RecordSource>> OpenXlsxBytesRecords(std::string bytes, std::string file,
                                                             const TableOptions& options);
// The same over bytes the caller keeps alive as long as the source.
StatusOr<std::unique_ptr<RecordSource>> OpenXlsxBorrowedRecords(std::string_view bytes,
                                                                std::string file,
                                                                const TableOptions& options);

// The first worksheet of an Excel 97-2003 workbook (xls_reader.cc), on disk
// (`size` bytes long) or in `bytes`; refused past 64 MB.
StatusOr<std::unique_ptr<RecordSource>> OpenXlsFileRecords(const std::string& path,
                                                           std::size_t size, std::string file);
StatusOr<std::unique_ptr<RecordSource>> OpenXlsBytesRecords(std::string_view bytes,
                                                            std::string file);

}  // namespace table_internal
}  // namespace tp::registry
