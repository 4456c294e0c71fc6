// The 推荐学员汇总表 as a Word document: the template's parts (data/forms/summary_sheet/, written
// by scripts/make_student_form_template.py), its heading placeholders filled and its body row
// written once per person (internal/docx_package.h).
#include <map>
#include <string>

#include "registry/forms/internal/docx_package.h"
#include "registry/forms/summary_form.h"

namespace tp::registry {

StatusOr<std::string> SummaryFormDocx(const SummaryForm& form, const FormPrint& print,
                                      const std::string& template_dir) {
  using forms_internal::WordText;
  std::map<std::string, std::string> values;
  values["unit"] = WordText(form.unit_name);
  values["contact"] = WordText(form.contact);
  values["date"] = WordText(BeijingChineseDate(print.printed_at));
  values["round"] = WordText(form.round_code);
  std::string printed = print.printed_by.empty() ? "" : print.printed_by + " ";
  values["printed"] = WordText(printed + BeijingMinute(print.printed_at) + "（北京时间）");
  return forms_internal::DocxFromTemplate(template_dir, "推荐学员汇总表", values, print.printed_at,
                                          [&form](const std::string& document) {
                                            return forms_internal::RepeatRow(
                                                document, "cell", form.rows, "推荐学员汇总表");
                                          });
}

}  // namespace tp::registry
