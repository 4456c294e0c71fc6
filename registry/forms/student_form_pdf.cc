// The 学员情况表 as a PDF, laid out with pango (line breaking of Chinese text, font fallback) and
// drawn with cairo's PDF surface, which embeds the font subsets and keeps the text as text: a
// reader can select and search it, and pdftotext reads it back.
//
// The page is planned before anything is drawn: every box becomes a pango layout, a row's height
// is that of its tallest box, and a row of long text (经历, 成就) that does not fit where it falls
// is split between two lines of its text, the rest continuing on the next page under its label
// marked （续）. Lines are drawn one by one (pango_cairo_show_layout_line), so a page holds only
// the text it shows and nothing is hidden by clipping. The plan also gives the page count for the
// footer.
#include <algorithm>
#include <string>
#include <vector>

#include "registry/forms/internal/pdf_pages.h"
#include "registry/forms/student_form.h"

namespace tp::registry {
namespace {

constexpr double kPageWidth = 595.276;  // A4, in points
constexpr double kPageHeight = 841.89;
constexpr double kMarginX = 56.7;  // 2 cm
constexpr double kMarginTop = 40;
constexpr double kMarginBottom = 48;
constexpr double kPad = 5;  // between a box's border and its text
// The six columns of the paper form (label, value, label, value, label, value); the last takes
// what is left of the width between the margins.
constexpr double kColumnWidths[] = {80, 106, 56, 92, 56};
constexpr int kColumns = 6;

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

// --- the grid of the paper form

struct GridCell {
  std::string_view key;  // the box (student_form.cc)
  bool label = false;
  int span = 1;  // columns covered
};
struct GridRow {
  std::vector<GridCell> cells;
  double min_height = 0;
  bool long_text = false;  // one label and one value that may continue on the next page
  bool stamp = false;      // 推荐单位意见: room for the seal and date at the bottom
};

// A row of label-value pairs: (key, label columns, value columns).
struct Pair {
  std::string_view key;
  int label_span;
  int value_span;
};
GridRow Row(std::vector<Pair> pairs, double min_height, bool long_text = false,
            bool stamp = false) {
  GridRow row;
  for (const Pair& p : pairs) {
    row.cells.push_back({p.key, true, p.label_span});
    row.cells.push_back({p.key, false, p.value_span});
  }
  row.min_height = min_height;
  row.long_text = long_text;
  row.stamp = stamp;
  return row;
}

const std::vector<GridRow>& Grid() {
  static const std::vector<GridRow> rows = {
      Row({{"name", 1, 1}, {"gender", 1, 1}, {"birth_date", 1, 1}}, 26),
      Row({{"native_place", 1, 1}, {"birthplace", 1, 1}, {"ethnic_group", 1, 1}}, 26),
      Row({{"political_affiliation", 1, 1}, {"id_number", 1, 3}}, 26),
      Row({{"foreign_residence", 1, 1}, {"hobbies", 1, 3}}, 26),
      Row({{"email", 1, 1}, {"phone", 1, 1}, {"academician", 1, 1}}, 26),
      Row({{"address", 1, 3}, {"postcode", 1, 1}}, 26),
      Row({{"unit_and_post", 1, 3}, {"title", 1, 1}}, 26),
      Row({{"education", 1, 1}, {"degree", 1, 1}, {"fields", 1, 1}}, 26),
      Row({{"congress_posts", 2, 4}}, 30, true),
      Row({{"association_posts", 2, 4}}, 30, true),
      Row({{"united_front_groups", 2, 4}}, 30, true),
      Row({{"other_posts", 1, 5}}, 30, true),
      Row({{"career", 1, 5}}, 110, true),
      Row({{"achievements", 1, 5}}, 120, true),
      Row({{"opinion", 1, 5}}, 70, true, true),
  };
  return rows;
}

double ColumnWidth(int column) {
  if (column < kColumns - 1) return kColumnWidths[column];
  double used = 0;
  for (double w : kColumnWidths) used += w;
  return kPageWidth - 2 * kMarginX - used;
}

// --- the plan: which part of which row goes where

struct CellText {
  double x = 0;
  double width = 0;
  bool label = false;
  Text text;
};

struct RowText {
  const GridRow* row = nullptr;
  std::vector<CellText> cells;
  Text continued_label;  // the label marked （续）, for the part on a later page
};

struct Fragment {
  const RowText* row = nullptr;
  double y = 0;
  double height = 0;
  std::size_t first = 0, end = 0;  // a long row's value lines shown here
  bool continued = false;          // not the row's first part
  bool last = true;                // the row's last part
};

struct Page {
  std::vector<Fragment> fragments;
};

class FormPainter {
 public:
  FormPainter(PangoContext* context, const PersonRecord& record, const FormPrint& print)
      : context_(context), record_(record), print_(print) {}

  StatusOr<std::string> Render() {
    for (FormBox& box : StudentFormBoxes(record_, print_)) boxes_.push_back(std::move(box));
    LayOutRows();
    Plan();
    return Draw();
  }

 private:
  const FormBox* Box(std::string_view key) const {
    for (const FormBox& box : boxes_)
      if (box.key == key) return &box;
    return nullptr;
  }

  void LayOutRows() {
    FontPtr label_font = Font(kSans, 9.5);
    FontPtr value_font = Font(kSans, 10.5);
    for (const GridRow& row : Grid()) {
      RowText& out = rows_.emplace_back();
      out.row = &row;
      double x = kMarginX;
      int column = 0;
      for (const GridCell& cell : row.cells) {
        double width = 0;
        for (int i = 0; i < cell.span; ++i) width += ColumnWidth(column++);
        const FormBox* box = Box(cell.key);
        std::string text = box == nullptr ? "" : cell.label ? std::string(box->label) : box->value;
        CellText& c = out.cells.emplace_back();
        c.x = x;
        c.width = width;
        c.label = cell.label;
        c.text = LayOut(context_, text, cell.label ? label_font.get() : value_font.get(),
                        width - 2 * kPad, cell.label ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
        if (row.long_text && cell.label) {
          out.continued_label = LayOut(context_, text + "（续）", label_font.get(),
                                       width - 2 * kPad, PANGO_ALIGN_CENTER);
        }
        x += width;
      }
    }
  }

  double ContentTop(bool first_page) const {
    return first_page ? kMarginTop + 52 : kMarginTop + 36;
  }
  static double ContentBottom() { return kPageHeight - kMarginBottom; }

  // The room a long row's stamp line takes below its text.
  static double StampRoom(const GridRow& row) { return row.stamp ? 26 : 0; }

  void Plan() {
    pages_.emplace_back();
    double y = ContentTop(true);
    for (const RowText& row : rows_) {
      if (row.row->long_text) {
        PlaceLongRow(row, &y);
        continue;
      }
      double height = row.row->min_height;
      for (const CellText& c : row.cells) height = std::max(height, c.text.Height() + 2 * kPad);
      if (y + height > ContentBottom()) y = NewPage();
      pages_.back().fragments.push_back({&row, y, height, 0, ValueLines(row), false, true});
      y += height;
    }
  }

  static std::size_t ValueLines(const RowText& row) { return row.cells.back().text.lines.size(); }

  double NewPage() {
    pages_.emplace_back();
    return ContentTop(false);
  }

  // A row of long text from *y on, over as many pages as it needs.
  void PlaceLongRow(const RowText& row, double* y) {
    const Text& value = row.cells.back().text;
    const std::size_t total = value.lines.size();
    std::size_t first = 0;
    bool continued = false;
    while (true) {
      const Text& label = continued ? row.continued_label : row.cells.front().text;
      const double whole =
          std::max({value.Height(first, total) + StampRoom(*row.row) + 2 * kPad,
                    label.Height() + 2 * kPad, continued ? 30 : row.row->min_height});
      if (*y + whole <= ContentBottom()) {
        pages_.back().fragments.push_back({&row, *y, whole, first, total, continued, true});
        *y += whole;
        return;
      }
      // As many lines as fit here. Fewer than three, the rest of the text (which then wants
      // more room than is left), or no room for the label: the row starts on the next page,
      // unless this page is still empty.
      const double room = ContentBottom() - *y - 2 * kPad;
      std::size_t end = first;
      while (end < total && value.Height(first, end + 1) <= room) ++end;
      const bool fresh_page = pages_.back().fragments.empty();
      if (!fresh_page && (end - first < 3 || end == total || label.Height() > room)) {
        *y = NewPage();
        continue;
      }
      if (end == first) end = first + 1;  // a line taller than a page: never loop
      pages_.back().fragments.push_back(
          {&row, *y, ContentBottom() - *y, first, end, continued, end == total});
      if (end == total) {
        *y = ContentBottom();
        return;
      }
      first = end;
      continued = true;
      *y = NewPage();
    }
  }

  StatusOr<std::string> Draw() {
    return WritePdf(
        kPageWidth, kPageHeight, "学员情况表 " + record_.person.public_id, pages_.size(),
        [this](cairo_t* cr, std::size_t index) { DrawPage(cr, index); }, "学员情况表");
  }

  void Centered(cairo_t* cr, const std::string& text, const PangoFontDescription* font, double y,
                PangoAlignment align = PANGO_ALIGN_CENTER) {
    DrawText(cr, context_, text, font, kMarginX, y, kPageWidth - 2 * kMarginX, align);
  }

  void DrawPage(cairo_t* cr, std::size_t index) {
    const bool first = index == 0;
    cairo_set_source_rgb(cr, 0, 0, 0);
    // Regular, as 黑体 titles are: a bold face would be one more font in the file (50 KB).
    FontPtr title = Font(kSans, first ? 20 : 14);
    FontPtr small = Font(kSans, 9);
    Centered(cr, first ? "学员情况表" : "学员情况表（续）", title.get(), kMarginTop);
    Centered(cr, "编号：" + record_.person.public_id, small.get(), ContentTop(first) - 16,
             PANGO_ALIGN_RIGHT);
    for (const Fragment& f : pages_[index].fragments) DrawFragment(cr, f);
    Centered(cr,
             "第 " + std::to_string(index + 1) + " 页，共 " + std::to_string(pages_.size()) + " 页",
             small.get(), ContentBottom() + 14);
    DrawWatermark(cr, context_, FormWatermark(record_, print_), kPageWidth, kPageHeight);
  }

  void DrawFragment(cairo_t* cr, const Fragment& f) {
    const GridRow& row = *f.row->row;
    cairo_set_line_width(cr, 0.7);
    for (std::size_t i = 0; i < f.row->cells.size(); ++i) {
      const CellText& c = f.row->cells[i];
      cairo_rectangle(cr, c.x, f.y, c.width, f.height);
      cairo_stroke(cr);
      const Text& text = c.label && f.continued ? f.row->continued_label : c.text;
      const bool value_of_long_row = row.long_text && !c.label;
      const std::size_t first = value_of_long_row ? f.first : 0;
      const std::size_t end = value_of_long_row ? f.end : text.lines.size();
      const double height = text.Height(first, end);
      // Labels and short values sit in the middle of their box; long text starts at its top.
      const double y = value_of_long_row ? f.y + kPad : f.y + (f.height - height) / 2;
      DrawLines(cr, text, c.x + kPad, y, first, end);
    }
    if (row.stamp && f.last) {
      const CellText& c = f.row->cells.back();
      FontPtr font = Font(kSans, 10.5);
      Text stamp = LayOut(context_, "（盖章）　　　　年　　月　　日", font.get(),
                          c.width - 4 * kPad, PANGO_ALIGN_RIGHT);
      DrawLines(cr, stamp, c.x + kPad, f.y + f.height - kPad - stamp.Height() - 2, 0,
                stamp.lines.size());
    }
  }

  PangoContext* context_;
  const PersonRecord& record_;
  const FormPrint& print_;
  std::vector<FormBox> boxes_;
  std::vector<RowText> rows_;
  std::vector<Page> pages_;
};

}  // namespace

StatusOr<std::string> StudentFormPdf(const PersonRecord& record, const FormPrint& print) {
  TP_ASSIGN_OR_RETURN(auto context, NewPdfContext());
  return FormPainter(context.get(), record, print).Render();
}

}  // namespace tp::registry
