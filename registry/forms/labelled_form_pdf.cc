// A labelled form as a PDF (labelled_form.h). The page is planned before anything is drawn:
// short boxes pair up into rows of label, value, label, value; a wide box is one row of label and
// value that, when it does not fit where it falls, is split between two lines of its text and
// continues on the next page under its label marked （续）.
#include <algorithm>
#include <string>
#include <vector>

#include "registry/forms/internal/pdf_pages.h"
#include "registry/forms/labelled_form.h"

namespace tp::registry {
namespace {

constexpr double kPageWidth = 595.276;  // A4, in points
constexpr double kPageHeight = 841.89;
constexpr double kMarginX = 56.7;
constexpr double kMarginTop = 40;
constexpr double kMarginBottom = 48;
constexpr double kPad = 5;
constexpr double kLabelWidth = 78;
constexpr double kMinHeight = 26;

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

struct Cell {
  double x = 0;
  double width = 0;
  bool label = false;
  Text text;
};

struct Row {
  std::vector<Cell> cells;
  bool wide = false;
  bool stamp = false;
  Text continued_label;
};

struct Fragment {
  const Row* row = nullptr;
  double y = 0;
  double height = 0;
  std::size_t first = 0, end = 0;
  bool continued = false;
  bool last = true;
};

class Painter {
 public:
  Painter(PangoContext* context, const LabelledForm& form, const FormPrint& print)
      : context_(context), form_(form), print_(print) {}

  StatusOr<std::string> Render() {
    LayOutRows();
    Plan();
    return WritePdf(
        kPageWidth, kPageHeight, form_.title + " " + form_.subject, pages_.size(),
        [this](cairo_t* cr, std::size_t i) { DrawPage(cr, i); }, form_.title);
  }

 private:
  static double Width() { return kPageWidth - 2 * kMarginX; }
  double ContentTop(bool first) const { return first ? kMarginTop + 52 : kMarginTop + 36; }
  static double Bottom() { return kPageHeight - kMarginBottom; }

  void LayOutRows() {
    FontPtr label_font = Font(kSans, 9.5);
    FontPtr value_font = Font(kSans, 10.5);
    auto add = [&](Row& row, const std::string& text, double x, double width, bool label) {
      Cell& c = row.cells.emplace_back();
      c.x = x;
      c.width = width;
      c.label = label;
      c.text = LayOut(context_, text, label ? label_font.get() : value_font.get(), width - 2 * kPad,
                      label ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
    };
    const double half = Width() / 2;
    for (std::size_t i = 0; i < form_.boxes.size(); ++i) {
      const LabelledBox& box = form_.boxes[i];
      Row& row = rows_.emplace_back();
      if (box.wide) {
        row.wide = true;
        row.stamp = box.stamp;
        add(row, box.label, kMarginX, kLabelWidth, true);
        add(row, box.value, kMarginX + kLabelWidth, Width() - kLabelWidth, false);
        row.continued_label = LayOut(context_, box.label + "（续）", label_font.get(),
                                     kLabelWidth - 2 * kPad, PANGO_ALIGN_CENTER);
        continue;
      }
      add(row, box.label, kMarginX, kLabelWidth, true);
      const bool pair = i + 1 < form_.boxes.size() && !form_.boxes[i + 1].wide;
      add(row, box.value, kMarginX + kLabelWidth, (pair ? half : Width()) - kLabelWidth, false);
      if (pair) {
        const LabelledBox& next = form_.boxes[++i];
        add(row, next.label, kMarginX + half, kLabelWidth, true);
        add(row, next.value, kMarginX + half + kLabelWidth, half - kLabelWidth, false);
      }
    }
  }

  void Plan() {
    pages_.emplace_back();
    double y = ContentTop(true);
    for (const Row& row : rows_) {
      if (row.wide) {
        PlaceWide(row, &y);
        continue;
      }
      double height = kMinHeight;
      for (const Cell& c : row.cells) height = std::max(height, c.text.Height() + 2 * kPad);
      if (y + height > Bottom()) y = NewPage();
      pages_.back().push_back({&row, y, height, 0, 0, false, true});
      y += height;
    }
  }

  double NewPage() {
    pages_.emplace_back();
    return ContentTop(false);
  }

  void PlaceWide(const Row& row, double* y) {
    const Text& value = row.cells.back().text;
    const std::size_t total = value.lines.size();
    const double stamp = row.stamp ? 26 : 0;
    std::size_t first = 0;
    bool continued = false;
    while (true) {
      const Text& label = continued ? row.continued_label : row.cells.front().text;
      const double whole = std::max({value.Height(first, total) + stamp + 2 * kPad,
                                     label.Height() + 2 * kPad, row.stamp ? 70.0 : 40.0});
      if (*y + whole <= Bottom()) {
        pages_.back().push_back({&row, *y, whole, first, total, continued, true});
        *y += whole;
        return;
      }
      const double room = Bottom() - *y - 2 * kPad;
      std::size_t end = first;
      while (end < total && value.Height(first, end + 1) <= room) ++end;
      const bool fresh = pages_.back().empty();
      if (!fresh && (end - first < 3 || end == total || label.Height() > room)) {
        *y = NewPage();
        continue;
      }
      if (end == first) end = first + 1;
      pages_.back().push_back({&row, *y, Bottom() - *y, first, end, continued, end == total});
      if (end == total) {
        *y = Bottom();
        return;
      }
      first = end;
      continued = true;
      *y = NewPage();
    }
  }

  void DrawPage(cairo_t* cr, std::size_t index) {
    const bool first = index == 0;
    cairo_set_source_rgb(cr, 0, 0, 0);
    FontPtr title = Font(kSans, first ? 18 : 13);
    FontPtr small = Font(kSans, 9);
    DrawText(cr, context_, first ? form_.title : form_.title + "（续）", title.get(), kMarginX,
             kMarginTop, Width(), PANGO_ALIGN_CENTER);
    DrawText(cr, context_, "编号：" + form_.subject, small.get(), kMarginX,
             ContentTop(first) - 16, Width(), PANGO_ALIGN_RIGHT);
    for (const Fragment& f : pages_[index]) DrawFragment(cr, f);
    DrawText(cr, context_,
             "第 " + std::to_string(index + 1) + " 页，共 " + std::to_string(pages_.size()) + " 页",
             small.get(), kMarginX, Bottom() + 14, Width(), PANGO_ALIGN_CENTER);
    DrawWatermark(cr, context_, PrintWatermark(print_, form_.subject), kPageWidth, kPageHeight);
  }

  void DrawFragment(cairo_t* cr, const Fragment& f) {
    const Row& row = *f.row;
    cairo_set_line_width(cr, 0.7);
    for (const Cell& c : row.cells) {
      cairo_rectangle(cr, c.x, f.y, c.width, f.height);
      cairo_stroke(cr);
      const Text& text = c.label && f.continued ? row.continued_label : c.text;
      const bool long_value = row.wide && !c.label;
      const std::size_t first = long_value ? f.first : 0;
      const std::size_t end = long_value ? f.end : text.lines.size();
      const double height = text.Height(first, end);
      const double y = long_value ? f.y + kPad : f.y + (f.height - height) / 2;
      DrawLines(cr, text, c.x + kPad, y, first, end);
    }
    if (row.stamp && f.last) {
      const Cell& c = row.cells.back();
      FontPtr font = Font(kSans, 10.5);
      Text stamp = LayOut(context_, "（盖章）　　　　年　　月　　日", font.get(), c.width - 4 * kPad,
                          PANGO_ALIGN_RIGHT);
      DrawLines(cr, stamp, c.x + kPad, f.y + f.height - kPad - stamp.Height() - 2, 0,
                stamp.lines.size());
    }
  }

  PangoContext* context_;
  const LabelledForm& form_;
  const FormPrint& print_;
  std::vector<Row> rows_;
  std::vector<std::vector<Fragment>> pages_;
};

}  // namespace

StatusOr<std::string> LabelledFormPdf(const LabelledForm& form, const FormPrint& print) {
  TP_ASSIGN_OR_RETURN(auto context, NewPdfContext());
  return Painter(context.get(), form, print).Render();
}

}  // namespace tp::registry
