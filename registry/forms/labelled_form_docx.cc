// The 推荐表 as a Word document (labelled_form.h): the template's parts (data/forms/honour_form/,
// written by scripts/make_student_form_template.py) with the row holding {{boxes}} replaced by
// the form's boxes, the other placeholders filled, zipped (internal/docx_package.h).
#include <map>
#include <string>
#include <vector>

#include "registry/forms/internal/docx_package.h"
#include "registry/forms/labelled_form.h"

namespace tp::registry {
namespace {

using forms_internal::WordText;

constexpr int kColumns = 4;  // label, value, label, value

std::string Paragraphs(const std::string& style, const std::vector<std::string>& texts) {
  std::string out;
  for (const std::string& text : texts) {
    out += "<w:p><w:pPr><w:pStyle w:val=\"" + style +
           "\"/></w:pPr><w:r><w:t xml:space=\"preserve\">" + WordText(text) + "</w:t></w:r></w:p>";
  }
  return out;
}

// One cell spanning `span` grid columns; `merge` "restart" or "continue" for a label running
// down the rows of a table box.
std::string Cell(int span, const std::string& content, const std::string& merge = "") {
  std::string props;
  if (span > 1) props += "<w:gridSpan w:val=\"" + std::to_string(span) + "\"/>";
  if (merge == "restart") props += "<w:vMerge w:val=\"restart\"/>";
  if (merge == "continue") props += "<w:vMerge/>";
  props += "<w:vAlign w:val=\"center\"/>";
  return "<w:tc><w:tcPr>" + props + "</w:tcPr>" + content + "</w:tc>";
}

std::string Label(const std::string& text) { return Paragraphs("FormLabel", {text}); }

std::string Row(const std::string& cells) { return "<w:tr>" + cells + "</w:tr>"; }

// A table box: its label down the left, the headings, then a row per entry (an empty one when
// it has none). The headings and cells share the three columns after the label.
std::string TableBox(const LabelledBox& box) {
  const int n = static_cast<int>(box.columns.size());
  auto spans = [&](int i) { return n == 1 ? 3 : (n == 2 ? (i == 0 ? 1 : 2) : 1); };
  std::string out;
  std::string cells = Cell(1, Label(box.label), "restart");
  for (int i = 0; i < n && i < 3; ++i)
    cells += Cell(spans(i), Label(box.columns[static_cast<size_t>(i)]));
  out += Row(cells);
  std::vector<std::vector<std::string>> rows = box.rows;
  if (rows.empty()) rows.emplace_back(static_cast<size_t>(n));
  for (const auto& entry : rows) {
    cells = Cell(1, Paragraphs("FormValue", {""}), "continue");
    for (int i = 0; i < n && i < 3; ++i) {
      const size_t at = static_cast<size_t>(i);
      cells += Cell(spans(i), Paragraphs("FormValue", {at < entry.size() ? entry[at] : ""}));
    }
    out += Row(cells);
  }
  return out;
}

std::string Boxes(const std::vector<LabelledBox>& boxes) {
  std::string out;
  std::string half;  // a short box waiting for its neighbour
  auto flush = [&] {
    if (half.empty()) return;
    out += Row(half + Cell(1, Label("")) + Cell(1, Paragraphs("FormValue", {""})));
    half.clear();
  };
  for (const LabelledBox& box : boxes) {
    if (!box.columns.empty()) {
      flush();
      out += TableBox(box);
      continue;
    }
    std::string value = Paragraphs("FormValue", {box.value});
    if (box.stamp) value += Paragraphs("FormStamp", {"（盖 章）", "年　　月　　日"});
    if (box.wide) {
      flush();
      out += Row(Cell(1, Label(box.label)) + Cell(kColumns - 1, value));
      continue;
    }
    const std::string pair = Cell(1, Label(box.label)) + Cell(1, value);
    if (half.empty()) {
      half = pair;
    } else {
      out += Row(half + pair);
      half.clear();
    }
  }
  flush();
  return out;
}

}  // namespace

StatusOr<std::string> LabelledFormDocx(const LabelledForm& form, const FormPrint& print,
                                       const std::string& template_dir) {
  std::map<std::string, std::string> values;
  values["title"] = WordText(form.title);
  values["subject"] = WordText(form.subject);
  std::string printed = print.printed_by.empty() ? "" : print.printed_by + " ";
  values["printed"] = WordText(printed + BeijingMinute(print.printed_at) + "（北京时间）");
  const std::string rows = Boxes(form.boxes);
  auto edit = [&](const std::string& xml) -> StatusOr<std::string> {
    const size_t mark = xml.find("{{boxes}}");
    const size_t start = mark == std::string::npos ? mark : xml.rfind("<w:tr>", mark);
    const size_t end = mark == std::string::npos ? mark : xml.find("</w:tr>", mark);
    if (start == std::string::npos || end == std::string::npos) {
      return Internal("推荐表的 Word 模板中没有 {{boxes}} 所在的表格行");
    }
    return xml.substr(0, start) + rows + xml.substr(end + std::string("</w:tr>").size());
  };
  return forms_internal::DocxFromTemplate(template_dir, form.title, values, print.printed_at, edit);
}

}  // namespace tp::registry
