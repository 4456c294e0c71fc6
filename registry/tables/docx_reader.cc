// Word documents (.docx) as tables: the tables of word/document.xml, read with
// the same bounded archive and XML parsing as XLSX workbooks (libzip, expat,
// no DTD), so a zip bomb or an entity expansion is refused the same way.
//
// A document is one of two shapes, told apart by where the known column
// names sit:
//  - a list (推荐学员汇总表 written as a Word table): one row of its table
//    holds the column names and the rows below are people. Its rows come out
//    as they are, numbered from the table's first row; title lines above it
//    are paragraphs, outside the table, and are not read.
//  - a form (学员情况表, 推荐表): label cells beside value cells, over several
//    rows and possibly several tables. It comes out as a table of one record:
//    the labels are the header (row 1) and their values the record (row 2).
//    Labels are paired with the cell after them; a known label in a value's
//    place starts a new pair, so an empty box is no shift. A label's trailing
//    note in brackets (主要成就（工作成绩、成果…）) is dropped.
//
// Merged cells: a cell spanning columns (gridSpan) is one cell of a form,
// and in a list it fills its columns with empty cells so the columns stay
// aligned; a cell continuing a vertical merge (vMerge) repeats the text above
// in a list and is skipped in a form. Paragraphs in a cell are joined by line
// breaks; deleted text of tracked changes and field codes are not read.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/tables/internal/xlsx_internal.h"
#include "registry/tables/table_reader.h"

namespace tp::registry::table_internal {

std::string FormLabel(std::string_view text) {
  std::string label = NormalizeHeaderCell(text);
  for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"（", "）"},
                             std::pair<std::string_view, std::string_view>{"(", ")"}}) {
    if (label.size() <= close.size() ||
        label.compare(label.size() - close.size(), close.size(), close) != 0) {
      continue;
    }
    std::size_t at = label.rfind(open);
    if (at != std::string::npos && at > 0) return NormalizeHeaderCell(label.substr(0, at));
  }
  return label;
}

namespace {

using xlsx::Archive;
using xlsx::Attribute;
using xlsx::XmlHandler;
using xlsx::XmlPart;

constexpr const char* kDocumentPart = "word/document.xml";
// A form's document.xml is tens of kilobytes; a list of a thousand people a
// few megabytes.
constexpr std::size_t kMaxDocumentBytes = std::size_t{64} << 20;

struct Cell {
  std::string text;
  int span = 1;            // gridSpan: the grid columns it covers
  bool continues = false;  // vMerge without "restart": the cell above goes on
};
using Row = std::vector<Cell>;
struct DocTable {
  std::vector<Row> rows;
  // The paragraphs just above the table (its title lines: 「推荐学员汇总表」, 「填表日期：」).
  std::vector<std::string> titles;
  // The first table's: the paragraphs before it (a form's cover page).
  std::vector<std::string> leading;
};
// Title lines kept per table: a 汇总表's title, its 推荐单位 and 填表日期 lines.
constexpr std::size_t kMaxTitleLines = 3;
// Paragraphs kept before the first table: a cover page and the notes to fill the form in.
constexpr std::size_t kMaxLeadingLines = 64;

// Collects the top-level tables of the document body. A table inside a cell
// gives its text to that cell.
class DocumentHandler final : public XmlHandler {
 public:
  DocumentHandler(std::string file) : file_(std::move(file)) {}

  void Start(std::string_view name, const char** attributes) override {
    if (name == "tbl") {
      if (++table_depth_ == 1) {
        if (tables.empty())
          leading_.swap(tables.emplace_back().leading);
        else
          tables.emplace_back();
        tables.back().titles = std::move(paragraphs_above_);
        paragraphs_above_.clear();
      }
      return;
    }
    if (table_depth_ == 0) {
      if (name == "p") {
        paragraph_.clear();
        in_paragraph_ = true;
      } else if (name == "t") {
        in_text_ = true;
      }
      return;
    }
    if (table_depth_ == 1 && name == "tr") {
      // A row opened inside a cell (never in a well-formed document) closes
      // that cell: its text would otherwise have no cell to go to.
      in_cell_ = false;
      if (tables.back().rows.size() >= static_cast<std::size_t>(kMaxRows)) return Fail("行数");
      tables.back().rows.emplace_back();
    } else if (table_depth_ == 1 && name == "tc") {
      if (tables.back().rows.empty()) tables.back().rows.emplace_back();
      Row& row = tables.back().rows.back();
      if (row.size() >= kMaxColumns) return Fail("列数");
      row.emplace_back();
      in_cell_ = true;
      paragraphs_ = 0;
    } else if (!in_cell_) {
      return;
    } else if (table_depth_ == 1 && name == "gridSpan") {
      const char* value = Attribute(attributes, "val");
      auto span = value ? xlsx::ParseUnsigned<int>(value) : std::nullopt;
      if (span && *span > 1) CurrentCell().span = std::min(*span, static_cast<int>(kMaxColumns));
    } else if (table_depth_ == 1 && name == "vMerge") {
      const char* value = Attribute(attributes, "val");
      CurrentCell().continues = !value || std::string_view(value) == "continue";
    } else if (name == "p") {
      if (paragraphs_++ > 0) Append("\n");
    } else if (name == "t") {
      in_text_ = true;
    } else if (name == "tab") {
      Append("\t");
    } else if (name == "br" || name == "cr") {
      Append("\n");
    }
  }

  void End(std::string_view name) override {
    if (name == "tbl" && table_depth_ > 0) {
      --table_depth_;
    } else if (name == "p" && table_depth_ == 0 && in_paragraph_) {
      in_paragraph_ = false;
      if (!NormalizeHeaderCell(paragraph_).empty()) {
        if (tables.empty() && leading_.size() < kMaxLeadingLines) leading_.push_back(paragraph_);
        if (paragraphs_above_.size() == kMaxTitleLines) {
          paragraphs_above_.erase(paragraphs_above_.begin());
        }
        paragraphs_above_.push_back(std::move(paragraph_));
      }
      paragraph_.clear();
    } else if (name == "tc" && table_depth_ == 1) {
      in_cell_ = false;
    } else if (name == "t") {
      in_text_ = false;
    }
  }

  void Text(std::string_view text) override {
    if (in_cell_ && in_text_) {
      Append(text);
    } else if (table_depth_ == 0 && in_paragraph_ && in_text_ &&
               paragraph_.size() + text.size() <= kMaxCellBytes) {
      paragraph_.append(text);
    }
  }

  std::vector<DocTable> tables;

 private:
  Cell& CurrentCell() { return tables.back().rows.back().back(); }

  void Append(std::string_view text) {
    std::string& target = CurrentCell().text;
    if (target.size() + text.size() > kMaxCellBytes) return Fail("单元格");
    target.append(text);
  }

  void Fail(std::string_view what) {
    error =
        InvalidArgument(QuotedFile(file_) + "中表格的" + std::string(what) + "超出上限，无法读取");
  }

  std::string file_;
  int table_depth_ = 0;
  bool in_cell_ = false;
  bool in_text_ = false;
  int paragraphs_ = 0;
  bool in_paragraph_ = false;  // a paragraph of the body, outside every table
  std::string paragraph_;
  std::vector<std::string> paragraphs_above_;  // since the last table
  std::vector<std::string> leading_;           // before the first table
};

bool IsBlankText(std::string_view text) { return NormalizeHeaderCell(text).empty(); }

// Rows that hold a known column name, and the most names one row holds.
struct Known {
  std::size_t rows = 0;
  std::size_t most = 0;
};

Known CountKnown(const DocTable& table, const std::vector<std::string>& known) {
  Known out;
  for (const Row& row : table.rows) {
    std::size_t hits = 0;
    for (const Cell& cell : row) {
      if (std::find(known.begin(), known.end(), FormLabel(cell.text)) != known.end()) ++hits;
    }
    if (hits > 0) ++out.rows;
    out.most = std::max(out.most, hits);
  }
  return out;
}

// Records handed out from memory.
class DocxRecords final : public RecordSource {
 public:
  DocxRecords(std::vector<std::pair<long, std::vector<std::string>>> records)
      : records_(std::move(records)) {}

  StatusOr<bool> NextRecord(std::vector<std::string>* cells, long* row_number) override {
    if (next_ >= records_.size()) return false;
    *cells = std::move(records_[next_].second);
    *row_number = records_[next_].first;
    ++next_;
    return true;
  }
  std::string_view Format() const override { return "docx"; }

 private:
  std::vector<std::pair<long, std::vector<std::string>>> records_;
  std::size_t next_ = 0;
};

// The table's title lines (numbered 0: they are no row of the table), then its rows.
std::vector<std::pair<long, std::vector<std::string>>> ListRecords(const DocTable& table) {
  std::vector<std::pair<long, std::vector<std::string>>> records;
  for (const std::string& title : table.titles) {
    records.emplace_back(0, std::vector<std::string>{title});
  }
  std::vector<std::string> above;  // the grid row above, for vertical merges
  long number = 0;
  for (const Row& row : table.rows) {
    ++number;
    std::vector<std::string> cells;
    for (const Cell& cell : row) {
      std::size_t column = cells.size();
      if (cell.continues && column < above.size()) {
        cells.push_back(above[column]);
      } else {
        cells.push_back(cell.text);
      }
      for (int extra = 1; extra < cell.span && cells.size() < kMaxColumns; ++extra) {
        cells.emplace_back();
      }
    }
    above = cells;
    records.emplace_back(number, std::move(cells));
  }
  return records;
}

std::vector<std::pair<long, std::vector<std::string>>> FormRecord(
    const std::vector<DocTable>& tables, const std::vector<std::string>& known) {
  std::vector<std::string> labels, values;
  auto is_known = [&](const std::string& label) {
    return std::find(known.begin(), known.end(), label) != known.end();
  };
  for (const DocTable& table : tables) {
    for (const Row& row : table.rows) {
      std::vector<const Cell*> cells;
      for (const Cell& cell : row) {
        if (!cell.continues) cells.push_back(&cell);
      }
      for (std::size_t i = 0; i < cells.size();) {
        std::string label = FormLabel(cells[i]->text);
        if (label.empty()) {  // a blank box where a label would be
          ++i;
          continue;
        }
        std::string value;
        std::size_t next = i + 1;
        if (next < cells.size() && !is_known(FormLabel(cells[next]->text))) {
          if (!IsBlankText(cells[next]->text)) value = cells[next]->text;
          ++next;
        }
        labels.push_back(std::move(label));
        values.push_back(std::move(value));
        i = next;
      }
    }
  }
  std::vector<std::pair<long, std::vector<std::string>>> records;
  if (labels.empty()) return records;
  records.emplace_back(1, std::move(labels));
  records.emplace_back(2, std::move(values));
  return records;
}

}  // namespace

bool IsWordDocument(const xlsx::Archive& archive) {
  return archive.Has(kDocumentPart) && !archive.Has("xl/workbook.xml");
}

namespace {

// The top-level tables of the document; refused when it has macros or no table.
StatusOr<std::vector<DocTable>> ReadTables(Archive& archive, std::size_t max_bytes) {
  const std::string& file = archive.file();
  if (archive.Has("word/vbaProject.bin")) {
    return InvalidArgument(QuotedFile(file) +
                           "是含有宏的 Word 文档（.docm），为安全起见不予读取；"
                           "请另存为不含宏的 .docx 后再上传");
  }
  DocumentHandler handler(file);
  StatusOr<std::unique_ptr<XmlPart>> part =
      XmlPart::Open(archive, kDocumentPart, &handler, std::min(kMaxDocumentBytes, max_bytes));
  if (!part.ok()) return part.status();
  TP_RETURN_IF_ERROR((*part)->ParseAll());
  if (handler.tables.empty()) {
    return InvalidArgument(QuotedFile(file) +
                           "是 Word 文档，但其中没有表格；请使用通知附件中的表格填写");
  }
  return std::move(handler.tables);
}

}  // namespace

StatusOr<std::unique_ptr<RecordSource>> OpenDocxRecords(std::unique_ptr<xlsx::Archive> owned,
                                                        const TableOptions& options) {
  TP_ASSIGN_OR_RETURN(auto tables, ReadTables(*owned, options.xlsx.max_sheet_bytes));
  const std::vector<std::string>& known = options.known_columns;
  // A list: a table whose column names sit in one row and nowhere else.
  for (const DocTable& table : tables) {
    Known count = CountKnown(table, known);
    if (count.most >= std::min<std::size_t>(2, std::max<std::size_t>(known.size(), 1)) &&
        count.rows <= 2 && table.rows.size() > 1) {
      return std::unique_ptr<RecordSource>(new DocxRecords(ListRecords(table)));
    }
  }
  return std::unique_ptr<RecordSource>(new DocxRecords(FormRecord(tables, known)));
}

}  // namespace tp::registry::table_internal

namespace tp::registry {

StatusOr<DocxTables> ReadDocxTables(std::string_view bytes, std::string_view filename_hint,
                                    const XlsxLimits& limits, std::vector<std::string>* cover) {
  using table_internal::QuotedFile;
  TP_ASSIGN_OR_RETURN(auto archive, table_internal::xlsx::Archive::OpenBytes(
                                        "", bytes, std::string(filename_hint), limits));
  if (!table_internal::IsWordDocument(*archive)) {
    return InvalidArgument(QuotedFile(filename_hint) + "不是 Word 文档（.docx）");
  }
  TP_ASSIGN_OR_RETURN(auto tables, table_internal::ReadTables(*archive, limits.max_sheet_bytes));
  if (cover != nullptr) *cover = tables.front().leading;  // ReadTables refuses no table
  DocxTables out;
  for (const table_internal::DocTable& table : tables) {
    auto& rows = out.emplace_back();
    for (const table_internal::Row& row : table.rows) {
      auto& cells = rows.emplace_back();
      for (const table_internal::Cell& cell : row) {
        if (!cell.continues) cells.push_back(cell.text);
      }
    }
  }
  return out;
}

}  // namespace tp::registry
