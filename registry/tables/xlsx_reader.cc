// XLSX: libzip opens the archive, expat parses its XML parts. The worksheet
// is decompressed and parsed one chunk at a time, and the parser is suspended
// whenever a small batch of rows (bounded in cells) waits to be taken; the
// shared-strings table and the cell formats are the only parts kept whole.
// Every byte inflated is counted against the bounds of XlsxLimits, per part
// and per workbook, whatever sizes the archive declares.
//
// Parts are found the way Excel finds them (package relationships, then the
// workbook's), never by assuming names like sheet1.xml.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>

#include "registry/tables/internal/xlsx_internal.h"
#include "registry/tables/table_reader.h"

namespace tp::registry::table_internal {
namespace xlsx {
namespace {

constexpr std::size_t kMaxSheets = 4096;
constexpr std::size_t kMaxRelationships = 65536;
// The worksheet parse pauses once this much is waiting to be taken.
constexpr std::size_t kRowsPerBatch = 256;
constexpr std::size_t kBytesPerBatch = std::size_t{4} << 20;

std::string ColumnName(std::size_t column) {
  std::string out;
  for (std::size_t n = column + 1; n > 0; n = (n - 1) / 26) {
    out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return out;
}

// ---- Package structure ---------------------------------------------------

struct Relationship {
  std::string id, type, target;
};

class RelationshipsHandler final : public XmlHandler {
 public:
  void Start(std::string_view name, const char** attributes) override {
    if (name != "Relationship" || relationships.size() >= kMaxRelationships) return;
    const char* id = Attribute(attributes, "Id");
    const char* type = Attribute(attributes, "Type");
    const char* target = Attribute(attributes, "Target");
    const char* mode = Attribute(attributes, "TargetMode");
    if (!id || !type || !target || (mode && std::string_view(mode) == "External")) return;
    relationships.push_back({id, type, target});
  }
  void End(std::string_view) override {}

  std::vector<Relationship> relationships;
};

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// A relationship target, relative to the folder of the part that names it,
// as a path inside the archive.
std::string ResolveTarget(std::string_view folder, std::string_view target) {
  std::string joined = target.starts_with('/') ? std::string(target.substr(1))
                                               : std::string(folder) + std::string(target);
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= joined.size()) {
    std::size_t slash = std::min(joined.find('/', start), joined.size());
    std::string segment = joined.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(std::move(segment));
    }
    start = slash + 1;
  }
  std::string out;
  for (const std::string& segment : segments) {
    if (!out.empty()) out += '/';
    out += segment;
  }
  return out;
}

std::string FolderOf(std::string_view part) {
  std::size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(part.substr(0, slash + 1));
}

std::string RelationshipsPartOf(std::string_view part) {
  std::size_t slash = part.rfind('/');
  std::string_view base = slash == std::string_view::npos ? part : part.substr(slash + 1);
  return FolderOf(part) + "_rels/" + std::string(base) + ".rels";
}

struct SheetEntry {
  std::string relationship_id;
  bool hidden = false;
};

class WorkbookHandler final : public XmlHandler {
 public:
  void Start(std::string_view name, const char** attributes) override {
    if (name == "workbookPr") {
      const char* value = Attribute(attributes, "date1904");
      date1904 = value && (std::string_view(value) == "1" || std::string_view(value) == "true");
    } else if (name == "sheet" && sheets.size() < kMaxSheets) {
      const char* id = Attribute(attributes, "id");  // r:id
      const char* state = Attribute(attributes, "state");
      if (id) sheets.push_back({id, state && std::string_view(state) != "visible"});
    }
  }
  void End(std::string_view name) override {
    if (name == "sheets") done = true;  // nothing after the sheet list matters
  }

  bool date1904 = false;
  std::vector<SheetEntry> sheets;
};

// ---- The worksheet -------------------------------------------------------

class SheetHandler final : public XmlHandler {
 public:
  SheetHandler(const SharedStrings* strings, const std::vector<NumberKind>* kinds, bool date1904,
               std::string_view file, std::size_t max_cell_text_bytes)
      : strings_(strings),
        kinds_(kinds),
        date1904_(date1904),
        file_(file),
        max_cell_text_bytes_(max_cell_text_bytes) {}

  void Start(std::string_view name, const char** attributes) override {
    if (in_cell_) {
      if (name == "v") {
        in_value_ = true;
      } else if (name == "is") {
        in_inline_ = true;
        rich_.Reset();
      } else if (in_inline_) {
        rich_.Start(name);
      }
    } else if (name == "c" && in_row_) {
      StartCell(attributes);
    } else if (name == "row" && in_data_) {
      StartRow(attributes);
    } else if (name == "sheetData") {
      in_data_ = true;
    }
  }

  void End(std::string_view name) override {
    if (in_cell_) {
      if (name == "c") {
        EndCell();
      } else if (name == "v") {
        in_value_ = false;
      } else if (name == "is") {
        in_inline_ = false;
      } else if (in_inline_) {
        rich_.End(name);
      }
    } else if (name == "row" && in_row_) {
      in_row_ = false;
      last_row_ = row_;
      std::size_t cost = row_bytes_ + cells_.size() * sizeof(std::string);
      ready_bytes_ += cost;
      ready.push_back({std::move(cells_), row_, cost});
      cells_.clear();
      // Suspending after every row would cost more than the parse itself;
      // a batch bounded in bytes keeps memory as flat.
      if (ready.size() >= kRowsPerBatch || ready_bytes_ >= kBytesPerBatch) pause = true;
    } else if (name == "sheetData") {
      done = true;
    }
  }

  void Text(std::string_view text) override {
    std::string* target = nullptr;
    if (in_value_) {
      target = &value_;
    } else if (in_inline_ && rich_.collecting()) {
      target = &inline_;
    } else {
      return;
    }
    if (target->size() + text.size() > kMaxCellBytes) {
      error = CellError("单元格文字超过 1 MB");
      return;
    }
    target->append(text);
  }

  struct Row {
    std::vector<std::string> cells;
    long number;
    std::size_t bytes;  // memory held, roughly
  };
  // Rows parsed and not yet taken; the taker calls Taken() after each.
  std::deque<Row> ready;
  void Taken(const Row& row) { ready_bytes_ -= row.bytes; }

 private:
  void StartRow(const char** attributes) {
    const char* r = Attribute(attributes, "r");
    std::optional<long> number = r ? ParseUnsigned<long>(r) : std::nullopt;
    row_ = number.value_or(last_row_ + 1);
    if (row_ < 1 || row_ > kMaxRows) {
      error = InvalidArgument(QuotedFile(file_) + "已损坏：工作表的行号 " + std::to_string(row_) +
                              " 超出 Excel 的范围");
      return;
    }
    in_row_ = true;
    next_column_ = 0;
    row_bytes_ = 0;
    cells_.clear();
  }

  void StartCell(const char** attributes) {
    in_cell_ = true;
    value_.clear();
    inline_.clear();
    column_ = next_column_;
    if (const char* r = Attribute(attributes, "r")) {
      std::size_t column = 0;
      const char* p = r;
      for (; *p && std::isalpha(static_cast<unsigned char>(*p)) && p - r < 4; ++p) {
        column = column * 26 + static_cast<std::size_t>((*p | 0x20) - 'a' + 1);
      }
      if (p != r) column_ = column - 1;
    }
    if (column_ >= kMaxColumns) {
      error = InvalidArgument(QuotedFile(file_) + "已损坏：第 " + std::to_string(row_) +
                              " 行的单元格超出 Excel 的 16384 列");
      return;
    }
    const char* type = Attribute(attributes, "t");
    type_ = type ? type : "n";
    const char* style = Attribute(attributes, "s");
    style_ = style ? ParseUnsigned<std::size_t>(style).value_or(0) : 0;
  }

  void EndCell() {
    in_cell_ = false;
    in_value_ = in_inline_ = false;
    next_column_ = column_ + 1;
    std::string text;
    if (type_ == "s") {
      if (!value_.empty()) {
        std::optional<std::size_t> index = ParseUnsigned<std::size_t>(value_);
        if (!index || *index >= strings_->size()) {
          error = CellError("共享字符串编号「" + value_ + "」无效");
          return;
        }
        text = strings_->Get(*index);
      }
    } else if (type_ == "inlineStr") {
      text = inline_.empty() ? value_ : inline_;
      DecodeEscapes(&text);
    } else if (type_ == "str" || type_ == "e") {
      text = value_;
      DecodeEscapes(&text);
    } else if (type_ == "b") {
      text = value_ == "1" ? "TRUE" : value_ == "0" ? "FALSE" : value_;
    } else if (type_ == "d") {
      // ISO 8601 (strict OOXML); a midnight time adds nothing to a date.
      text = value_;
      if (text.size() > 10 && text[10] == 'T') {
        std::string_view time = std::string_view(text).substr(11);
        if (time.find_first_not_of("0:.Z") == std::string_view::npos) {
          text.resize(10);
        } else {
          text[10] = ' ';
        }
      }
    } else if (!value_.empty()) {
      NumberKind kind = style_ < kinds_->size() ? (*kinds_)[style_] : NumberKind::kPlain;
      text = FormatNumber(value_, kind, date1904_);
    } else if (!inline_.empty()) {
      text = inline_;  // <is> without t="inlineStr", as some writers do
    }
    if (text.empty()) return;
    // Shared strings are short to refer to and long to copy: a bound per row
    // and one on the whole sheet keep a hostile sheet from multiplying one
    // long string.
    row_bytes_ += text.size();
    if (row_bytes_ > kMaxRowBytes) {
      error = CellError("所在的行文字超过 32 MB");
      return;
    }
    cell_text_bytes_ += text.size();
    if (cell_text_bytes_ > max_cell_text_bytes_) {
      error = InvalidArgument(QuotedFile(file_) + "的单元格文字合计超过 " +
                              SizeText(max_cell_text_bytes_) + "（第 " + std::to_string(row_) +
                              " 行）" + std::string(kTooLargeAdvice));
      return;
    }
    if (cells_.size() <= column_) cells_.resize(column_ + 1);
    cells_[column_] = std::move(text);
  }

  Status CellError(const std::string& what) const {
    return InvalidArgument(QuotedFile(file_) + "已损坏：第 " + std::to_string(row_) + " 行 " +
                           ColumnName(column_) + " 列" + what);
  }

  const SharedStrings* strings_;
  const std::vector<NumberKind>* kinds_;
  bool date1904_;
  std::string_view file_;
  std::size_t max_cell_text_bytes_;
  std::size_t cell_text_bytes_ = 0;  // handed out so far

  bool in_data_ = false, in_row_ = false, in_cell_ = false;
  bool in_value_ = false, in_inline_ = false;
  RichText rich_;
  long row_ = 0, last_row_ = 0;
  std::size_t column_ = 0, next_column_ = 0;
  std::string type_;
  std::size_t style_ = 0;
  std::string value_, inline_;
  std::vector<std::string> cells_;  // of the row being read
  std::size_t row_bytes_ = 0;
  std::size_t ready_bytes_ = 0;
};

class XlsxRecords final : public RecordSource {
 public:
  static StatusOr<std::unique_ptr<RecordSource>> Open(std::unique_ptr<Archive> archive,
                                                      std::size_t sheet_index) {
    auto records = std::unique_ptr<XlsxRecords>(new XlsxRecords(std::move(archive)));
    TP_RETURN_IF_ERROR(records->Load(sheet_index));
    return std::unique_ptr<RecordSource>(std::move(records));
  }

  std::string_view Format() const override { return "xlsx"; }

  StatusOr<bool> NextRecord(std::vector<std::string>* cells, long* row_number) override {
    while (true) {
      if (!handler_->ready.empty()) {
        SheetHandler::Row& row = handler_->ready.front();
        handler_->Taken(row);
        *cells = std::move(row.cells);
        *row_number = row.number;
        handler_->ready.pop_front();
        return true;
      }
      StatusOr<bool> paused = sheet_->Parse();
      // Rows read before damage or the end are handed out first.
      if (!handler_->ready.empty()) continue;
      if (!paused.ok()) return paused.status();
      if (!*paused) return false;
    }
  }

 private:
  explicit XlsxRecords(std::unique_ptr<Archive> archive) : archive_(std::move(archive)) {}

  Status NotAWorkbook() const {
    const Archive& a = *archive_;
    std::string what = a.Has("content.xml")            ? "是 OpenDocument（.ods 等）文件"
                       : a.Has("word/document.xml")    ? "是 Word 文档"
                       : a.Has("ppt/presentation.xml") ? "是 PowerPoint 文档"
                                                       : "是压缩包，但其中没有 Excel 工作簿";
    return InvalidArgument(QuotedFile(a.file()) + what +
                           "，不是 xlsx 表格；请在 Excel 中另存为 .xlsx");
  }

  // Finds the first visible worksheet (or the one `sheet_index` counts among the visible ones),
  // then reads the shared strings and styles.
  Status Load(std::size_t sheet_index) {
    const std::string& file = archive_->file();
    std::string workbook = "xl/workbook.xml";
    RelationshipsHandler package;
    if (archive_->Has("_rels/.rels")) {
      TP_RETURN_IF_ERROR(ParsePart(*archive_, "_rels/.rels", &package));
      for (const Relationship& r : package.relationships) {
        if (EndsWith(r.type, "/officeDocument")) {
          workbook = ResolveTarget("", r.target);
          break;
        }
      }
    }
    if (!archive_->Has(workbook)) return NotAWorkbook();
    WorkbookHandler book;
    TP_RETURN_IF_ERROR(ParsePart(*archive_, workbook, &book));

    RelationshipsHandler links;
    std::string links_part = RelationshipsPartOf(workbook);
    if (!archive_->Has(links_part)) {
      return InvalidArgument(QuotedFile(file) + "已损坏：缺少 " + links_part);
    }
    TP_RETURN_IF_ERROR(ParsePart(*archive_, links_part, &links));
    std::string folder = FolderOf(workbook);
    std::string sheet, strings_part, styles_part;
    std::unordered_map<std::string_view, const Relationship*> by_id;
    for (const Relationship& r : links.relationships) by_id.emplace(r.id, &r);
    bool sheet_hidden = true;
    std::size_t visible_seen = 0;
    for (const SheetEntry& entry : book.sheets) {
      auto link = by_id.find(entry.relationship_id);
      if (link == by_id.end() || !EndsWith(link->second->type, "/worksheet")) continue;
      if (sheet_index > 0) {
        if (!entry.hidden && visible_seen++ == sheet_index) {
          sheet = ResolveTarget(folder, link->second->target);
          break;
        }
        continue;
      }
      // Hidden sheets hold drop-down lists; the data is on the first visible one.
      if (sheet.empty() || (sheet_hidden && !entry.hidden)) {
        sheet = ResolveTarget(folder, link->second->target);
        sheet_hidden = entry.hidden;
      }
      if (!sheet_hidden) break;
    }
    if (sheet.empty() && sheet_index > 0) {
      return NotFound(QuotedFile(file) + "中没有第 " + std::to_string(sheet_index + 1) +
                      " 个工作表");
    }
    for (const Relationship& r : links.relationships) {
      if (strings_part.empty() && EndsWith(r.type, "/sharedStrings")) {
        strings_part = ResolveTarget(folder, r.target);
      }
      if (styles_part.empty() && EndsWith(r.type, "/styles")) {
        styles_part = ResolveTarget(folder, r.target);
      }
    }
    if (sheet.empty()) return InvalidArgument(QuotedFile(file) + "中没有工作表");

    const XlsxLimits& limits = archive_->limits();
    if (!strings_part.empty() && archive_->Has(strings_part)) {
      SharedStringsHandler strings(&strings_, *archive_, strings_part);
      StatusOr<std::unique_ptr<XmlPart>> part =
          XmlPart::Open(*archive_, strings_part, &strings, limits.max_shared_strings_part_bytes);
      if (!part.ok()) return part.status();
      TP_RETURN_IF_ERROR((*part)->ParseAll());
    }
    if (!styles_part.empty() && archive_->Has(styles_part)) {
      StylesHandler styles;
      TP_RETURN_IF_ERROR(ParsePart(*archive_, styles_part, &styles));
      kinds_ = styles.Kinds();
    }
    handler_ = std::make_unique<SheetHandler>(&strings_, &kinds_, book.date1904, file,
                                              limits.max_cell_text_bytes);
    StatusOr<std::unique_ptr<XmlPart>> part =
        XmlPart::Open(*archive_, sheet, handler_.get(), limits.max_sheet_bytes);
    if (!part.ok()) {
      if (part.status().code() == StatusCode::kNotFound) {
        return InvalidArgument(QuotedFile(file) + "已损坏：找不到工作表 " + sheet);
      }
      return part.status();
    }
    sheet_ = std::move(part).value();
    return Status::Ok();
  }

  // Declared in the order they depend on each other; destroyed in reverse.
  std::unique_ptr<Archive> archive_;
  SharedStrings strings_;
  std::vector<NumberKind> kinds_;
  std::unique_ptr<SheetHandler> handler_;
  std::unique_ptr<XmlPart> sheet_;
};

}  // namespace
}  // namespace xlsx

namespace {

// A Word document's tables (docx_reader.cc), or the workbook's first visible sheet.
StatusOr<std::unique_ptr<RecordSource>> OpenArchiveRecords(
    StatusOr<std::unique_ptr<xlsx::Archive>> archive, const TableOptions& options) {
  if (!archive.ok()) return archive.status();
  if (IsWordDocument(**archive)) return OpenDocxRecords(std::move(archive).value(), options);
  return xlsx::XlsxRecords::Open(std::move(archive).value(), options.xlsx_sheet);
}

}  // namespace

StatusOr<std::unique_ptr<RecordSource>> OpenXlsxFileRecords(const std::string& path,
                                                            std::string file,
                                                            const TableOptions& options) {
  return OpenArchiveRecords(xlsx::Archive::OpenFile(path, std::move(file), options.xlsx), options);
}

StatusOr<std::unique_ptr<RecordSource>> OpenXlsxBytesRecords(std::string bytes, std::string file,
                                                             const TableOptions& options) {
  return OpenArchiveRecords(
      xlsx::Archive::OpenBytes(std::move(bytes), std::nullopt, std::move(file), options.xlsx),
      options);
}

StatusOr<std::unique_ptr<RecordSource>> OpenXlsxBorrowedRecords(std::string_view bytes,
                                                                std::string file,
                                                                const TableOptions& options) {
  return OpenArchiveRecords(xlsx::Archive::OpenBytes("", bytes, std::move(file), options.xlsx),
                            options);
}

}  // namespace tp::registry::table_internal
