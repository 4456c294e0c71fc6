#include "registry/base/person_fields.h"

#include <iterator>

namespace tp::registry {
namespace {

using K = PersonFieldKind;
constexpr unsigned kRec = kRecommendationKey;
constexpr unsigned kFill = kMergeFill;
constexpr unsigned kSensitive = kSensitiveAttribute;

// Labels and aliases are the wording of the forms: [000] 学员情况表, [001] 推荐学员汇总表,
// [002] 最美科技工作者推荐表, and the headings units' own spreadsheets were seen to use.
const PersonField kPersonFields[] = {
    {"name", "姓名", "", "name", K::kText, kRec | kRequired, &Person::name},
    {"gender", "性别", "", "gender", K::kText, kRec | kFill, &Person::gender},
    {"birth_date", "出生日期", "出生年月", "birth_date", K::kText, kRec | kFill,
     &Person::birth_date},
    {"ethnic_group", "民族", "", "ethnic_group", K::kText, kRec | kFill | kSensitive,
     &Person::ethnic_group},
    {"native_place", "籍贯", "", "native_place", K::kText, kFill, &Person::native_place},
    {"birthplace", "出生地", "", "birthplace", K::kText, kFill, &Person::birthplace},
    {"political_affiliation", "政治面貌", "", "political_affiliation", K::kText,
     kRec | kFill | kSensitive, &Person::political_affiliation},
    {"id_number", "身份证号", "身份证号码|公民身份号码|身份证", "id_number", K::kSealed, kRec,
     &Person::id_number},
    {"nationality", "国籍", "", "nationality", K::kText, kFill, &Person::nationality},
    {"foreign_residence", "国外永久居留权", "是否有国外永久居留权", "foreign_residence", K::kYesNo,
     kFill, nullptr, &Person::foreign_residence},
    {"hobbies", "特长爱好", "", "hobbies", K::kText, kFill, &Person::hobbies},
    {"email", "电子邮箱", "邮箱|电子邮件|email|e-mail", "email", K::kText, kRec | kFill,
     &Person::email},
    {"phone", "手机", "联系方式|手机号|手机号码|联系电话|移动电话", "phone", K::kSealed, kRec,
     &Person::phone},
    {"academician", "是否院士", "", "academician", K::kYesNo, kFill, nullptr, &Person::academician},
    {"address", "通讯地址", "", "address", K::kText, kFill, &Person::address},
    {"postcode", "邮编", "邮政编码", "postcode", K::kText, kFill, &Person::postcode},
    {"unit", "工作单位", "单位|工作单位全称", "unit_name", K::kText, kRec | kFill,
     &Person::unit_name},
    {"post", "职务", "", "post", K::kText, kRec | kFill, &Person::post},
    {"title", "技术职称", "专技职务|专业技术职务|专业技术职称|职称", "title", K::kText,
     kRec | kFill, &Person::title},
    {"education", "最高学历", "学历", "education", K::kText, kRec | kFill, &Person::education},
    {"degree", "学位", "", "degree", K::kText, kFill, &Person::degree},
    {"graduated_from", "毕业院校", "", "graduated_from", K::kText, kFill, &Person::graduated_from},
    {"major", "所学专业", "", "major", K::kText, kFill, &Person::major},
    {"fields", "擅长领域", "", "fields", K::kList, kRec, nullptr, nullptr, &Person::fields},
    {"congress_posts", "人大政协任职",
     "在市级(含)以上人大、政协任职情况|人大、政协任职情况|人大政协任职情况", "congress_posts",
     K::kText, kRec | kFill, &Person::congress_posts},
    {"association_posts", "科协及学会任职",
     "在市级(含)以上科协组织、学术社团、行业协会等任职情况|科协组织、学术社团、行业协会等任职情况",
     "association_posts", K::kText, kRec | kFill, &Person::association_posts},
    {"united_front_groups", "知联会海联会新联会",
     "是否加入知联会、海联会、新联会等社团|知联会、海联会、新联会", "united_front_groups", K::kText,
     kFill, &Person::united_front_groups},
    {"other_posts", "其他社会职务", "", "other_posts", K::kText, kRec | kFill,
     &Person::other_posts},
    {"career", "主要经历", "主要工作和学习经历|学习工作经历|工作经历", "career", K::kText,
     kRec | kFill, &Person::career},
    {"achievements", "主要成就", "", "achievements", K::kText, kRec | kFill, &Person::achievements},
    {"group_type", "所属群体", "", "group_type", K::kText, kRec | kFill, &Person::group_type},
    {"employment_status", "在职状态", "", "employment_status", K::kText, kRec | kFill,
     &Person::employment_status},
    {"can_attend_seminar", "可否参加专题研修班", "", "can_attend_seminar", K::kYesNo, kRec | kFill,
     nullptr, &Person::can_attend_seminar},
    {"can_attend_study_tour", "可否参加国情研修活动", "", "can_attend_study_tour", K::kYesNo,
     kRec | kFill, nullptr, &Person::can_attend_study_tour},
    {"province", "所在省份", "省份|所在省(区、市)", "province", K::kText, kRec | kFill,
     &Person::province},
};

}  // namespace

std::string PersonField::TextOf(const Person& person) const {
  switch (kind) {
    case PersonFieldKind::kText:
    case PersonFieldKind::kSealed: return person.*text;
    case PersonFieldKind::kYesNo: {
      const std::optional<bool>& answer = person.*yes_no;
      return answer ? (*answer ? "是" : "否") : "";
    }
    case PersonFieldKind::kList: {
      std::string joined;
      for (const std::string& item : person.*list) {
        if (!joined.empty()) joined += "、";
        joined += item;
      }
      return joined;
    }
  }
  return {};
}

std::span<const PersonField> PersonFields() { return kPersonFields; }

const PersonField* FindPersonFieldByKey(std::string_view key) {
  for (const PersonField& f : kPersonFields)
    if (f.key == key) return &f;
  return nullptr;
}

const PersonField* FindPersonFieldByLabel(std::string_view label) {
  for (const PersonField& f : kPersonFields)
    if (f.label == label) return &f;
  return nullptr;
}

std::vector<std::string_view> AliasesOf(const PersonField& field) {
  std::vector<std::string_view> out;
  std::string_view rest = field.aliases;
  while (!rest.empty()) {
    const size_t bar = rest.find('|');
    out.push_back(rest.substr(0, bar));
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }
  return out;
}

}  // namespace tp::registry
