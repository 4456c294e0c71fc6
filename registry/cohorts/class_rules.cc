// Class conditions and the admission date rule (class_rules.h).
#include "registry/cohorts/class_rules.h"

#include "registry/fields/dates.h"

namespace tp::registry {
namespace {

constexpr int kOldestAge = 120;

std::string Quote(std::string_view s) { return "「" + std::string(s) + "」"; }

std::optional<PartialDate> DateOf(std::string_view text) {
  auto parsed = ParseDate(text, PartialDate{9999, 12, 31});
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

}  // namespace

std::vector<FieldError> ValidateClassConditions(const EventClass& c) {
  std::vector<FieldError> errors;
  auto bad_age = [&](const char* what, int v) {
    if (v < 0 || v > kOldestAge) {
      errors.push_back({"班次",
                        "班次" + Quote(c.name) + "的" + what + "应在 0 到 " +
                            std::to_string(kOldestAge) + " 之间（0 为不限）",
                        0});
    }
  };
  bad_age("最低年龄", c.min_age);
  bad_age("最高年龄", c.max_age);
  if (c.min_age > 0 && c.max_age > 0 && c.min_age > c.max_age) {
    errors.push_back({"班次",
                      "班次" + Quote(c.name) + "的最低年龄 " + std::to_string(c.min_age) +
                          " 大于最高年龄 " + std::to_string(c.max_age),
                      0});
  }
  return errors;
}

std::string DescribeClassConditions(const EventClass& c) {
  if (c.min_age > 0 && c.max_age > 0) {
    return "年龄 " + std::to_string(c.min_age) + " 至 " + std::to_string(c.max_age) + " 岁";
  }
  if (c.max_age > 0) return "年龄不超过 " + std::to_string(c.max_age) + " 岁";
  if (c.min_age > 0) return "年龄不低于 " + std::to_string(c.min_age) + " 岁";
  return "";
}

std::optional<std::string> ClassConditionFailure(const EventClass& c, std::string_view starts_on,
                                                 std::string_view name,
                                                 std::string_view birth_date) {
  if (c.min_age <= 0 && c.max_age <= 0) return std::nullopt;
  const std::string rule = "班次" + Quote(c.name) + "要求活动开始日（" + std::string(starts_on) +
                           "）" + DescribeClassConditions(c);
  std::optional<PartialDate> birth = DateOf(birth_date);
  std::optional<PartialDate> start = DateOf(starts_on);
  if (!birth || !start) {
    return rule + "，" + std::string(name) + "的出生年月未填，无法确认";
  }
  const int age = AgeAt(*birth, *start);
  if ((c.max_age > 0 && age > c.max_age) || (c.min_age > 0 && age < c.min_age)) {
    return rule + "，" + std::string(name) + "届时 " + std::to_string(age) + " 岁";
  }
  return std::nullopt;
}

std::optional<std::string> AdmittedAfterStart(std::string_view starts_on, std::string_view name,
                                              std::string_view admitted_on) {
  if (admitted_on.empty() || admitted_on <= starts_on) return std::nullopt;
  return std::string(name) + "于 " + std::string(admitted_on) + " 入库，晚于活动开始日 " +
         std::string(starts_on) + "，不是本活动的候选人";
}

}  // namespace tp::registry
