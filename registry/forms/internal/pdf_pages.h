// What the forms' PDFs share: fonts asked of fontconfig by family, Chinese text laid out by pango
// and drawn line by line, pages written by cairo's PDF surface with the text kept as text, and
// the grey diagonal watermark. Private to registry/forms/; pango and cairo stay behind it.
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "registry/base/status.h"

namespace tp::registry::forms_internal {

// Noto Sans CJK SC (黑体 on the paper forms) for every word. Its serif sister would be the 宋体
// of the values, but cairo (1.16, Debian 12) embeds a CFF font's subset with the whole font's
// subroutines: 480 KB for Noto Serif CJK SC in every file, against 80 KB for the sans.
inline constexpr const char* kSans = "Noto Sans CJK SC";

struct GObjectUnref {
  void operator()(void* object) const { g_object_unref(object); }
};
struct FontDescriptionFree {
  void operator()(PangoFontDescription* d) const { pango_font_description_free(d); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectUnref>;
using FontPtr = std::unique_ptr<PangoFontDescription, FontDescriptionFree>;
using ContextPtr = std::unique_ptr<PangoContext, GObjectUnref>;

FontPtr Font(const char* family, double size);

// A pango context measuring in points (the PDF's unit), without hinting. Unavailable, naming the
// Debian package, when fontconfig has no kSans.
StatusOr<ContextPtr> NewPdfContext();

// One line of laid-out text, in points from the layout's top.
struct Line {
  double top = 0;
  double height = 0;
  double baseline = 0;
  double x = 0;  // the line's offset (alignment)
};

struct Text {
  LayoutPtr layout;
  std::vector<Line> lines;

  // The height of lines [first, end).
  double Height(std::size_t first, std::size_t end) const {
    if (first >= end) return 0;
    return lines[end - 1].top + lines[end - 1].height - lines[first].top;
  }
  double Height() const { return Height(0, lines.size()); }
};

// `text` wrapped (between any two Chinese characters, at spaces otherwise) to `width` points.
Text LayOut(PangoContext* context, const std::string& text, const PangoFontDescription* font,
            double width, PangoAlignment align);

// Draws lines [first, end) of `text` with the top of `first` at y. Line by line, so a page
// holds only the text it shows and nothing is hidden by clipping.
void DrawLines(cairo_t* cr, const Text& text, double x, double y, std::size_t first,
               std::size_t end);

// All of `text`, laid out in `width` from (x, y).
void DrawText(cairo_t* cr, PangoContext* context, const std::string& text,
              const PangoFontDescription* font, double x, double y, double width,
              PangoAlignment align);

// `watermark` (lines separated by '\n') in light grey across the page, bottom left to top
// right, three times.
void DrawWatermark(cairo_t* cr, PangoContext* context, const std::string& watermark,
                   double page_width, double page_height);

// A PDF of `pages` pages of width x height points, `draw_page(cr, index)` drawing each. `title`
// goes in the document's metadata; messages name `form`.
StatusOr<std::string> WritePdf(double width, double height, const std::string& title,
                               std::size_t pages,
                               const std::function<void(cairo_t*, std::size_t)>& draw_page,
                               const std::string& form);

}  // namespace tp::registry::forms_internal
