// The 推荐学员汇总表 as a PDF (summary_form.h), with the 学员情况表's fonts, text and watermark
// (internal/pdf_pages.h). The pages are planned before anything is drawn: every cell becomes a
// pango layout wrapped to its column, a row is as tall as its tallest cell and moves whole to
// the next page when it does not fit, and each page starts with the heading row. The plan gives
// the page count for the footer.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "registry/forms/internal/pdf_pages.h"
#include "registry/forms/summary_form.h"

namespace tp::registry {
namespace {

using forms_internal::DrawLines;
using forms_internal::DrawText;
using forms_internal::DrawWatermark;
using forms_internal::Font;
using forms_internal::FontPtr;
using forms_internal::kSans;
using forms_internal::LayOut;
using forms_internal::NewPdfContext;
using forms_internal::Text;
using forms_internal::WritePdf;

constexpr double kPageWidth = 841.89;  // A4 landscape, in points
constexpr double kPageHeight = 595.276;
constexpr double kMarginX = 42.5;  // 1.5 cm
constexpr double kMarginTop = 34;
constexpr double kMarginBottom = 40;
constexpr double kPad = 4;  // between a cell's border and its text
constexpr double kHeadingRowHeight = 30;
constexpr double kRowHeight = 22;

// How wide each of the seed's columns is, relative to the others (the Word template's widths,
// in points); a column not named here gets kOtherColumn. They are scaled to the table's width.
struct ColumnWeight {
  std::string_view heading;
  double weight;
  bool centered;  // short values in the middle of the cell
};
constexpr ColumnWeight kWeights[] = {
    {"序号", 28, true},
    {"姓名", 52, false},
    {"性别", 28, true},
    {"民族", 36, true},
    {"出生年月", 48, true},
    {"政治面貌", 58, false},
    {"单位职务", 150, false},
    {"最高学历", 52, false},
    {"擅长领域", 110, false},
    {"联系方式", 78, false},
    {"可否参加专题研修班", 58, true},
    {"可否参加国情研修活动", 58, true},
};
constexpr double kOtherColumn = 60;

struct Column {
  double x = 0;
  double width = 0;
  bool centered = false;
};

std::vector<Column> Columns(const std::vector<std::string>& headings) {
  std::vector<Column> columns;
  double total = 0;
  for (const std::string& heading : headings) {
    Column c;
    c.width = kOtherColumn;
    for (const ColumnWeight& w : kWeights) {
      if (w.heading == heading) {
        c.width = w.weight;
        c.centered = w.centered;
      }
    }
    total += c.width;
    columns.push_back(c);
  }
  const double scale = total > 0 ? (kPageWidth - 2 * kMarginX) / total : 1;
  double x = kMarginX;
  for (Column& c : columns) {
    c.width *= scale;
    c.x = x;
    x += c.width;
  }
  return columns;
}

// One row of the table laid out: its cells' text and its height.
struct RowText {
  std::vector<Text> cells;
  double height = 0;
};

struct Placed {
  const RowText* row = nullptr;
  double y = 0;
};

class SummaryPainter {
 public:
  SummaryPainter(PangoContext* context, const SummaryForm& form, const FormPrint& print)
      : context_(context), form_(form), print_(print), columns_(Columns(form.columns)) {}

  StatusOr<std::string> Render() {
    FontPtr heading_font = Font(kSans, 9.5);
    FontPtr cell_font = Font(kSans, 9.5);
    headings_ = LayOutRow(form_.columns, heading_font.get(), kHeadingRowHeight, true);
    rows_.reserve(form_.rows.size());
    for (const std::vector<std::string>& cells : form_.rows)
      rows_.push_back(LayOutRow(cells, cell_font.get(), kRowHeight, false));
    Plan();
    return WritePdf(
        kPageWidth, kPageHeight, "推荐学员汇总表 " + form_.unit_name + " " + form_.round_code,
        pages_.size(), [this](cairo_t* cr, std::size_t index) { DrawPage(cr, index); },
        "推荐学员汇总表");
  }

 private:
  RowText LayOutRow(const std::vector<std::string>& cells, const PangoFontDescription* font,
                    double min_height, bool heading) {
    RowText row;
    row.height = min_height;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::string text = i < cells.size() ? cells[i] : "";
      const bool centered = heading || columns_[i].centered;
      row.cells.push_back(LayOut(context_, text, font, columns_[i].width - 2 * kPad,
                                 centered ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT));
      row.height = std::max(row.height, row.cells.back().Height() + 2 * kPad);
    }
    return row;
  }

  // Below the title and, on the first page, the heading block.
  static double TableTop(bool first_page) {
    return first_page ? kMarginTop + 34 + 3 * 19 + 6 : kMarginTop + 26;
  }
  static double TableBottom() { return kPageHeight - kMarginBottom; }

  void Plan() {
    pages_.emplace_back();
    double y = TableTop(true) + headings_.height;
    for (const RowText& row : rows_) {
      // A row moves whole to the next page; one taller than a page is drawn where it starts.
      if (y + row.height > TableBottom() && !pages_.back().empty()) {
        pages_.emplace_back();
        y = TableTop(false) + headings_.height;
      }
      pages_.back().push_back({&row, y});
      y += row.height;
    }
  }

  void DrawRow(cairo_t* cr, const RowText& row, double y) {
    cairo_set_line_width(cr, 0.7);
    for (std::size_t i = 0; i < columns_.size() && i < row.cells.size(); ++i) {
      const Column& c = columns_[i];
      cairo_rectangle(cr, c.x, y, c.width, row.height);
      cairo_stroke(cr);
      const Text& text = row.cells[i];
      DrawLines(cr, text, c.x + kPad, y + (row.height - text.Height()) / 2, 0, text.lines.size());
    }
  }

  void DrawPage(cairo_t* cr, std::size_t index) {
    const bool first = index == 0;
    const double width = kPageWidth - 2 * kMarginX;
    cairo_set_source_rgb(cr, 0, 0, 0);
    // Regular, as 黑体 titles are: a bold face would be one more font in the file.
    FontPtr title = Font(kSans, first ? 18 : 12);
    FontPtr line = Font(kSans, 11);
    FontPtr small = Font(kSans, 9);
    DrawText(cr, context_, first ? "推荐学员汇总表" : "推荐学员汇总表（续）", title.get(), kMarginX,
             kMarginTop, width, PANGO_ALIGN_CENTER);
    if (first) {
      double y = kMarginTop + 34;
      for (const std::string& text : SummaryFormHeading(form_, print_)) {
        DrawText(cr, context_, text, line.get(), kMarginX, y, width, PANGO_ALIGN_LEFT);
        y += 19;
      }
    }
    const double top = TableTop(first);
    DrawRow(cr, headings_, top);
    for (const Placed& placed : pages_[index]) DrawRow(cr, *placed.row, placed.y);
    DrawText(cr, context_,
             "第 " + std::to_string(index + 1) + " 页，共 " + std::to_string(pages_.size()) + " 页",
             small.get(), kMarginX, TableBottom() + 12, width, PANGO_ALIGN_CENTER);
    DrawWatermark(cr, context_, SummaryFormWatermark(form_, print_), kPageWidth, kPageHeight);
  }

  PangoContext* context_;
  const SummaryForm& form_;
  const FormPrint& print_;
  std::vector<Column> columns_;
  RowText headings_;
  std::vector<RowText> rows_;
  std::vector<std::vector<Placed>> pages_;
};

}  // namespace

StatusOr<std::string> SummaryFormPdf(const SummaryForm& form, const FormPrint& print) {
  TP_ASSIGN_OR_RETURN(auto context, NewPdfContext());
  return SummaryPainter(context.get(), form, print).Render();
}

}  // namespace tp::registry
