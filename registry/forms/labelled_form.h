// A form of labelled boxes printed as the paper 推荐表 of an honour campaign lays them out
// (最美科技工作者 [002], 优秀党员科技工作者 [003]): short boxes two to a row, long ones (经历,
// 事迹, 意见) across the page and continued on the next page under their label marked （续）.
// The caller (rounds/honour_forms.h, through the API) decides what each box shows, masked as the
// reader may see it; the renderer prints the boxes as given. The PDF is drawn as the 学员情况表
// (pango and cairo, selectable text, the page count and the watermark on every page).
#pragma once

#include <string>
#include <vector>

#include "registry/base/status.h"
#include "registry/forms/student_form.h"

namespace tp::registry {

struct LabelledBox {
  std::string label;
  std::string value;     // lines separated by '\n'
  bool wide = false;     // across the page; may continue on the next page
  bool stamp = false;    // room for the seal and date at its bottom (意见)
  // A table box (学习工作经历): its column headings and rows; `value` holds them as lines for
  // the PDF, the Word file prints the table.
  std::vector<std::string> columns = {};
  std::vector<std::vector<std::string>> rows = {};
};

struct LabelledForm {
  std::string title;    // 2024年广西“最美科技工作者”推荐表
  std::string subject;  // in the watermark and under the title: the 编号
  std::vector<LabelledBox> boxes;
};

// The form as a PDF: A4, the title on the first page, the boxes in order, the watermark across
// every page. Unavailable without the font (as StudentFormPdf).
StatusOr<std::string> LabelledFormPdf(const LabelledForm& form, const FormPrint& print);

// The form as a Word document from the template in `template_dir` (data/forms/honour_form/):
// short boxes two to a row, long ones across the table, a table box as a row of its headings
// under its label and a row per entry, a stamped box followed by （盖 章） and 年 月 日 lines.
// The registry's 推荐表 reader (rounds/honour_form_docx.h) reads it back box by box.
StatusOr<std::string> LabelledFormDocx(const LabelledForm& form, const FormPrint& print,
                                       const std::string& template_dir);

}  // namespace tp::registry
