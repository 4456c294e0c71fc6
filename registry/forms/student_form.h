// The 学员情况表 of the 2024 notice (附件1 of [000]) filled in for one person, as the caller may
// see it, printed as a PDF (student_form_pdf.cc: pango and cairo, selectable text, a watermark on
// every page) and as a Word document (student_form_docx.cc: a template under data/forms/).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"
#include "registry/store/store.h"

namespace tp::registry {

// Who prints, and what they may see. The caller decides; the renderers only obey.
struct FormPrint {
  std::string registry_name = "中国科协科技界党外代表人士库";  // the watermark's first words
  std::string printed_by = {};  // the account's display name, or the token's label
  int64_t printed_at = 0;       // Unix seconds; printed in Beijing time
  // The whole numbers (the record must then have been loaded decrypted); masked otherwise.
  bool reveal_id_number = false;
  bool reveal_phone = false;
  // 民族 and 政治面貌; left blank when false (PIPL: units do not see them).
  bool sensitive_attributes = true;
};

// One box of the form: the key that names it in the Word template ({{key}}), the label the
// paper form prints beside it, and its value (lines separated by '\n'; empty when not given).
struct FormBox {
  std::string_view key;
  std::string_view label;
  std::string value;
};

// Every box of the form, in the paper form's order, filled from `record`: ID number and phone
// masked unless revealed, yes/no as 是/否, 擅长领域 joined with 、, 工作单位及职务 as the unit
// and the post.
std::vector<FormBox> StudentFormBoxes(const PersonRecord& record, const FormPrint& print);

// The watermark's words: the registry and the person's 编号, then on a second line who printed
// it and when.
std::string FormWatermark(const PersonRecord& record, const FormPrint& print);

// A watermark's words for any form: the registry and `subject` (a 编号, a round's code), then on
// a second line who printed it and when.
std::string PrintWatermark(const FormPrint& print, std::string_view subject);

// "2026-12-07 10:13" in Beijing time (UTC+8 all year: China keeps no summer time).
std::string BeijingMinute(int64_t unix_seconds);

// The form as a PDF: A4, the boxes of the paper form with their labels, long 经历 and 成就
// continued on further pages, the watermark drawn across each page. The font is chosen by family
// through fontconfig ("Noto Sans CJK SC": Debian's fonts-noto-cjk); Unavailable when it is not
// installed.
StatusOr<std::string> StudentFormPdf(const PersonRecord& record, const FormPrint& print);

// The form as a .docx: the template's parts in `template_dir` (data/forms/student_form/) with
// every {{key}} replaced by its box's value ({{id}}: the 编号; {{printed}}: who printed it and
// when), XML-escaped for a <w:t>, lines as line breaks. Not watermarked. Internal when the
// template is missing a part or names an unknown key.
StatusOr<std::string> StudentFormDocx(const PersonRecord& record, const FormPrint& print,
                                      const std::string& template_dir);

// The file name of a download: 学员情况表-P0000001.pdf.
std::string StudentFormFilename(const PersonRecord& record, std::string_view extension);

}  // namespace tp::registry
