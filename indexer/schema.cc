#include "indexer/schema.h"

#include <algorithm>
#include <array>

namespace tp::indexer {
namespace {

constexpr std::string_view kNameLabels[] = {"姓名", "名字", "name"};
constexpr std::string_view kUnitLabels[] = {"单位", "工作单位", "unit"};
constexpr std::string_view kPostLabels[] = {"职务", "post"};
constexpr std::string_view kTitleLabels[] = {"职称", "技术职称", "title"};
constexpr std::string_view kFieldsLabels[] = {"领域", "擅长领域", "专业领域", "field", "fields"};
constexpr std::string_view kAchievementLabels[] = {"成就", "主要成就", "成果", "achievements"};
constexpr std::string_view kCareerLabels[] = {"经历", "主要经历", "工作经历", "career"};
constexpr std::string_view kPlaceLabels[] = {"籍贯", "出生地", "place"};
constexpr std::string_view kEthnicLabels[] = {"民族", "ethnic", "ethnic_group"};
constexpr std::string_view kEducationLabels[] = {"学历", "学位", "毕业院校", "专业", "education"};
constexpr std::string_view kPostsLabels[] = {"任职", "社会职务", "posts"};
constexpr std::string_view kRecommenderLabels[] = {"推荐单位", "recommender", "recommending_unit"};
constexpr std::string_view kHonourLabels[] = {"荣誉", "honour", "honours"};

const std::array<FieldSpec, kFieldCount> kFields = {{
    {FieldId::kName, "name", "N", "XN", kNameLabels, true},
    {FieldId::kUnit, "unit", "U", "XU", kUnitLabels, true, true},
    {FieldId::kPost, "post", "J", "", kPostLabels, true},
    {FieldId::kTitle, "title", "T", "XT", kTitleLabels, true, true},
    {FieldId::kFields, "fields", "F", "XF", kFieldsLabels, true, true},
    {FieldId::kAchievements, "achievements", "A", "", kAchievementLabels},
    {FieldId::kCareer, "career", "C", "", kCareerLabels},
    {FieldId::kPlace, "place", "P", "", kPlaceLabels},
    {FieldId::kEthnicGroup, "ethnic_group", "E", "XE", kEthnicLabels, true},
    {FieldId::kEducation, "education", "D", "", kEducationLabels},
    {FieldId::kPosts, "posts", "S", "", kPostsLabels},
    {FieldId::kRecommendingUnit, "recommending_unit", "R", "XR", kRecommenderLabels, true},
    {FieldId::kHonours, "honours", "H", "XH", kHonourLabels, true},
}};

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

}  // namespace

std::span<const FieldSpec> TextFields() { return kFields; }

const FieldSpec& Field(FieldId id) { return kFields[static_cast<size_t>(id)]; }

const FieldSpec* FieldByLabel(std::string_view label) {
  for (const FieldSpec& f : kFields) {
    for (std::string_view l : f.labels) {
      if (EqualsIgnoringAsciiCase(l, label)) return &f;
    }
  }
  return nullptr;
}

bool IsFilterName(std::string_view name) {
  return std::find(std::begin(kFilterNames), std::end(kFilterNames), name) !=
         std::end(kFilterNames);
}

}  // namespace tp::indexer
