// A round's 推荐学员汇总表 (附件1 of [001]) for one recommending unit, printed as the unit stamps
// and sends it: the title, the lines 推荐单位：…（加盖公章）, 联系人及电话：… and 填表日期：…, then
// the table of the people on the list, one row each. As a PDF (summary_form_pdf.cc: A4
// landscape, the heading row again at the top of every page, the watermark of the 学员情况表)
// and as a Word document (summary_form_docx.cc: a template under data/forms/summary_sheet/).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"
#include "registry/forms/student_form.h"

namespace tp::registry {

// What the form shows, masked as the caller decided: the renderers print the cells as given.
struct SummaryForm {
  std::string round_code = {};  // in the watermark and the file name
  std::string unit_code = {};   // in the file name's ASCII fallback
  std::string unit_name = {};
  std::string contact = {};  // 联系人及电话; empty: a blank line to fill in by hand
  // The table's headings (序号 first) and one row of cells per person under them. The Word
  // template's columns are the seed's twelve (the rounds' SummarySheetColumns()).
  std::vector<std::string> columns = {};
  std::vector<std::vector<std::string>> rows = {};
};

// "2026年12月7日": the day in Beijing, as a form's 填表日期.
std::string BeijingChineseDate(int64_t unix_seconds);

// The heading block under the title: 推荐单位, 联系人及电话 and 填表日期 (the day printed).
std::vector<std::string> SummaryFormHeading(const SummaryForm& form, const FormPrint& print);

// The watermark's words: the registry and the round's code, then who printed it and when.
std::string SummaryFormWatermark(const SummaryForm& form, const FormPrint& print);

// The form as a PDF: A4 landscape, the heading block on the first page, the table's rows wrapped
// in their cells and never split, the heading row repeated on every page, "第 N 页，共 M 页"
// below, the watermark across. Unavailable without the font (as StudentFormPdf).
StatusOr<std::string> SummaryFormPdf(const SummaryForm& form, const FormPrint& print);

// The form as a .docx from the template in `template_dir` (data/forms/summary_sheet/): its
// {{unit}}, {{contact}}, {{date}}, {{round}} and {{printed}} filled, and its body row written
// once per row of the form. Internal when the template is missing a part or names a cell the
// rows do not have.
StatusOr<std::string> SummaryFormDocx(const SummaryForm& form, const FormPrint& print,
                                      const std::string& template_dir);

// The download's name: 推荐学员汇总表-中国化学会-pool-national-2025.pdf, and an ASCII one for
// clients without RFC 5987 (summary-pool-national-2025-U000001.pdf).
std::string SummaryFormFilename(const SummaryForm& form, std::string_view extension);
std::string SummaryFormAsciiFilename(const SummaryForm& form, std::string_view extension);

}  // namespace tp::registry
