// Fonts, text and pages of the forms' PDFs (pdf_pages.h).
#include "registry/forms/internal/pdf_pages.h"

#include <cairo-pdf.h>

#include <cmath>

namespace tp::registry::forms_internal {
namespace {

struct CairoDestroy {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
struct SurfaceDestroy {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};

// Whether fontconfig gives `family` itself for that name, rather than a substitute.
bool HasFamily(PangoContext* context, const char* family) {
  FontPtr wanted = Font(family, 10);
  PangoFont* font =
      pango_font_map_load_font(pango_context_get_font_map(context), context, wanted.get());
  if (font == nullptr) return false;
  FontPtr got(pango_font_describe(font));
  g_object_unref(font);
  const char* name = pango_font_description_get_family(got.get());
  return name != nullptr && g_ascii_strcasecmp(name, family) == 0;
}

}  // namespace

FontPtr Font(const char* family, double size) {
  FontPtr font(pango_font_description_new());
  pango_font_description_set_family(font.get(), family);
  pango_font_description_set_absolute_size(font.get(), size * PANGO_SCALE);
  return font;
}

StatusOr<ContextPtr> NewPdfContext() {
  // pango's default font map is one per thread: each thread of the server has its own.
  PangoFontMap* font_map = pango_cairo_font_map_get_default();
  ContextPtr context(pango_font_map_create_context(font_map));
  // Points for points: the layouts are measured in the PDF's own unit.
  pango_cairo_context_set_resolution(context.get(), 72);
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(context.get(), options);
  cairo_font_options_destroy(options);
  thread_local const bool fonts_ok = HasFamily(context.get(), kSans);
  if (!fonts_ok) {
    return Unavailable(std::string("未安装字体「") + kSans +
                       "」（Debian 软件包 fonts-noto-cjk），无法生成 PDF");
  }
  return context;
}

Text LayOut(PangoContext* context, const std::string& text, const PangoFontDescription* font,
            double width, PangoAlignment align) {
  Text out;
  out.layout.reset(pango_layout_new(context));
  PangoLayout* layout = out.layout.get();
  pango_layout_set_font_description(layout, font);
  pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(layout, align);
  if (g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) {
    pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
  } else {
    gchar* valid = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
    pango_layout_set_text(layout, valid, -1);
    g_free(valid);
  }
  PangoLayoutIter* iter = pango_layout_get_iter(layout);
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, nullptr, &logical);
    out.lines.push_back({static_cast<double>(logical.y) / PANGO_SCALE,
                         static_cast<double>(logical.height) / PANGO_SCALE,
                         static_cast<double>(pango_layout_iter_get_baseline(iter)) / PANGO_SCALE,
                         static_cast<double>(logical.x) / PANGO_SCALE});
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  return out;
}

void DrawLines(cairo_t* cr, const Text& text, double x, double y, std::size_t first,
               std::size_t end) {
  if (first >= end) return;
  const double origin = y - text.lines[first].top;
  for (std::size_t i = first; i < end; ++i) {
    PangoLayoutLine* line = pango_layout_get_line_readonly(text.layout.get(), static_cast<int>(i));
    if (line == nullptr) continue;
    cairo_move_to(cr, x + text.lines[i].x, origin + text.lines[i].baseline);
    pango_cairo_show_layout_line(cr, line);
  }
}

void DrawText(cairo_t* cr, PangoContext* context, const std::string& text,
              const PangoFontDescription* font, double x, double y, double width,
              PangoAlignment align) {
  Text t = LayOut(context, text, font, width, align);
  DrawLines(cr, t, x, y, 0, t.lines.size());
}

void DrawWatermark(cairo_t* cr, PangoContext* context, const std::string& watermark,
                   double page_width, double page_height) {
  cairo_save(cr);
  cairo_set_source_rgba(cr, 0.45, 0.45, 0.45, 0.22);
  cairo_translate(cr, page_width / 2, page_height / 2);
  cairo_rotate(cr, -std::atan2(page_height, page_width));
  FontPtr font = Font(kSans, 15);
  const double width = 640;
  Text text = LayOut(context, watermark, font.get(), width, PANGO_ALIGN_CENTER);
  for (double offset : {-240.0, 0.0, 240.0})
    DrawLines(cr, text, -width / 2, offset - text.Height() / 2, 0, text.lines.size());
  cairo_restore(cr);
}

StatusOr<std::string> WritePdf(double width, double height, const std::string& title,
                               std::size_t pages,
                               const std::function<void(cairo_t*, std::size_t)>& draw_page,
                               const std::string& form) {
  std::string pdf;
  auto write = [](void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  };
  std::unique_ptr<cairo_surface_t, SurfaceDestroy> surface(
      cairo_pdf_surface_create_for_stream(write, &pdf, width, height));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "talentpool");
  {
    std::unique_ptr<cairo_t, CairoDestroy> cr(cairo_create(surface.get()));
    for (std::size_t i = 0; i < pages; ++i) {
      draw_page(cr.get(), i);
      cairo_show_page(cr.get());
    }
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
      return Internal(form + " PDF 绘制失败：" + cairo_status_to_string(cairo_status(cr.get())));
  }
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
    return Internal(form + " PDF 生成失败：" +
                    cairo_status_to_string(cairo_surface_status(surface.get())));
  return pdf;
}

}  // namespace tp::registry::forms_internal
