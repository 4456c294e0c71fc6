// The 学员情况表 as a Word document: the template's parts (data/forms/student_form/, written by
// scripts/make_student_form_template.py) with their {{key}} placeholders filled, zipped
// (internal/docx_package.h). The template is plain XML so that a change to the form reads as a
// diff; it is read at each call (six small files) so that an edited template needs no restart.
#include <map>
#include <string>
#include <vector>

#include "registry/forms/internal/docx_package.h"
#include "registry/forms/student_form.h"

namespace tp::registry {

StatusOr<std::string> StudentFormDocx(const PersonRecord& record, const FormPrint& print,
                                      const std::string& template_dir) {
  using forms_internal::WordText;
  const std::vector<FormBox> boxes = StudentFormBoxes(record, print);
  std::map<std::string, std::string> values;
  for (const FormBox& box : boxes) values[std::string(box.key)] = WordText(box.value);
  values["id"] = WordText(record.person.public_id);
  std::string printed = print.printed_by.empty() ? "" : print.printed_by + " ";
  values["printed"] = WordText(printed + BeijingMinute(print.printed_at) + "（北京时间）");
  return forms_internal::DocxFromTemplate(template_dir, "学员情况表", values, print.printed_at);
}

}  // namespace tp::registry
