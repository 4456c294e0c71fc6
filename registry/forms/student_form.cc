#include "registry/forms/student_form.h"

#include <ctime>

#include "registry/base/person_fields.h"

namespace tp::registry {
namespace {

// The boxes of the paper form [000] in its order, by the key of the person field they show
// (their label as the form prints it), and three of the form's own: 工作单位及职务 (one box for
// two fields), 最高学历 and 学位 beside 擅长领域 (a row the registry adds to the 2024 form, under
// the fields' own labels so that the Word file imports back), and 推荐单位意见.
struct BoxSpec {
  std::string_view key;
  std::string_view label;
};
constexpr BoxSpec kBoxes[] = {
    {"name", "姓名"},
    {"gender", "性别"},
    {"birth_date", "出生日期"},
    {"native_place", "籍贯"},
    {"birthplace", "出生地"},
    {"ethnic_group", "民族"},
    {"political_affiliation", "政治面貌"},
    {"id_number", "身份证号"},
    {"foreign_residence", "是否有国外永久居留权"},
    {"hobbies", "特长爱好"},
    {"email", "电子邮箱"},
    {"phone", "手机"},
    {"academician", "是否院士"},
    {"address", "通讯地址"},
    {"postcode", "邮编"},
    {"unit_and_post", "工作单位及职务"},
    {"title", "技术职称"},
    {"education", "最高学历"},
    {"degree", "学位"},
    {"fields", "擅长领域"},
    {"congress_posts", "在市级（含）以上人大、政协任职情况"},
    {"association_posts", "在市级（含）以上科协组织、学术社团、行业协会等任职情况"},
    {"united_front_groups", "是否加入知联会、海联会、新联会等社团"},
    {"other_posts", "其他社会职务"},
    {"career", "主要工作和学习经历"},
    {"achievements", "主要成就（工作成绩、成果、受奖励和荣誉称号等）"},
    {"opinion", "推荐单位意见"},
};

// Windows line ends and lone carriage returns as '\n', so that both renderers see one kind.
std::string Lines(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string ValueOf(std::string_view key, const PersonRecord& record, const FormPrint& print) {
  const Person& p = record.person;
  if (key == "unit_and_post") {
    if (p.unit_name.empty() || p.post.empty()) return p.unit_name + p.post;
    return p.unit_name + " " + p.post;
  }
  if (key == "opinion") return p.opinion;
  const PersonField* field = FindPersonFieldByKey(key);
  if (field == nullptr) return {};
  if (field->Has(kSensitiveAttribute) && !print.sensitive_attributes) return {};
  if (field->kind == PersonFieldKind::kSealed) {
    const bool id = key == "id_number";
    if (id ? print.reveal_id_number : print.reveal_phone) return field->TextOf(p);
    return id ? record.id_number_mask : record.phone_mask;
  }
  return field->TextOf(p);
}

}  // namespace

std::vector<FormBox> StudentFormBoxes(const PersonRecord& record, const FormPrint& print) {
  std::vector<FormBox> boxes;
  boxes.reserve(std::size(kBoxes));
  for (const BoxSpec& spec : kBoxes)
    boxes.push_back({spec.key, spec.label, Lines(ValueOf(spec.key, record, print))});
  return boxes;
}

std::string BeijingMinute(int64_t unix_seconds) {
  const std::time_t beijing = static_cast<std::time_t>(unix_seconds + 8 * 3600);
  std::tm tm = {};
  gmtime_r(&beijing, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
  return text;
}

std::string PrintWatermark(const FormPrint& print, std::string_view subject) {
  std::string who = print.printed_by.empty() ? "" : print.printed_by + "  ";
  return print.registry_name + "  " + std::string(subject) + "\n" + who +
         BeijingMinute(print.printed_at) + " 北京时间";
}

std::string FormWatermark(const PersonRecord& record, const FormPrint& print) {
  return PrintWatermark(print, record.person.public_id);
}

std::string StudentFormFilename(const PersonRecord& record, std::string_view extension) {
  return "学员情况表-" + record.person.public_id + "." + std::string(extension);
}

}  // namespace tp::registry
