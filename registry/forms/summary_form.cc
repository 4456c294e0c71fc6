// The words around a round's 推荐学员汇总表, shared by its PDF and Word renderers
// (summary_form.h).
#include "registry/forms/summary_form.h"

#include <ctime>

namespace tp::registry {

std::string BeijingChineseDate(int64_t unix_seconds) {
  const std::time_t beijing = static_cast<std::time_t>(unix_seconds + 8 * 3600);
  std::tm tm = {};
  gmtime_r(&beijing, &tm);
  return std::to_string(tm.tm_year + 1900) + "年" + std::to_string(tm.tm_mon + 1) + "月" +
         std::to_string(tm.tm_mday) + "日";
}

std::vector<std::string> SummaryFormHeading(const SummaryForm& form, const FormPrint& print) {
  return {"推荐单位：" + form.unit_name + "（加盖公章）", "联系人及电话：" + form.contact,
          "填表日期：" + BeijingChineseDate(print.printed_at)};
}

std::string SummaryFormWatermark(const SummaryForm& form, const FormPrint& print) {
  return PrintWatermark(print, form.round_code);
}

std::string SummaryFormFilename(const SummaryForm& form, std::string_view extension) {
  return "推荐学员汇总表-" + form.unit_name + "-" + form.round_code + "." + std::string(extension);
}

std::string SummaryFormAsciiFilename(const SummaryForm& form, std::string_view extension) {
  return "summary-" + form.round_code + "-" + form.unit_code + "." + std::string(extension);
}

}  // namespace tp::registry
