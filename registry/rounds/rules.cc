// The rule-set engine (rules.h): the fields rules read and predicates evaluated over
// Nominees. The loader is rules_parse.cc.
#include "registry/rounds/rules.h"

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "registry/base/person_fields.h"
#include "registry/fields/text.h"
#include "registry/rounds/internal/rules_internal.h"
#include "registry/rounds/post_recognisers.h"

namespace tp::registry {

using namespace rules_internal;

// ---- fields as rules read them ---------------------------------------------

namespace {

using FieldGetter = std::function<std::vector<std::string>(const Nominee&)>;

std::vector<std::string> One(const std::string& s) {
  if (s.empty()) return {};
  return {s};
}

// The person fields a rule may name, under their labels (base/person_fields.h), in the order
// an error lists them, with the value a field reads as when it is not given.
struct RulePersonField {
  std::string_view label;
  std::string_view when_empty = {};
};
constexpr RulePersonField kRulePersonFields[] = {
    {"姓名"},           {"性别"},
    {"出生日期"},       {"民族"},
    {"籍贯"},           {"政治面貌"},
    {"身份证号"},       {"国籍", "中国"},
    {"手机"},           {"电子邮箱"},
    {"工作单位"},       {"职务"},
    {"技术职称"},       {"最高学历"},
    {"擅长领域"},       {"人大政协任职"},
    {"科协及学会任职"}, {"其他社会职务"},
    {"主要经历"},       {"主要成就"},
    {"所属群体"},       {"在职状态", "在职"},
    {"所在省份"},
};

FieldGetter PersonFieldGetter(const PersonField& field, std::string_view when_empty) {
  if (field.kind == PersonFieldKind::kList) {
    return [&field](const Nominee& c) { return c.person.*(field.list); };
  }
  return [&field, when_empty](const Nominee& c) {
    const std::string value = field.TextOf(c.person);
    return One(value.empty() ? std::string(when_empty) : value);
  };
}

const std::vector<std::pair<std::string_view, FieldGetter>>& FieldTable() {
  static const std::vector<std::pair<std::string_view, FieldGetter>> kTable = [] {
    std::vector<std::pair<std::string_view, FieldGetter>> table;
    for (const RulePersonField& f : kRulePersonFields) {
      table.emplace_back(f.label,
                         PersonFieldGetter(*FindPersonFieldByLabel(f.label), f.when_empty));
    }
    table.emplace_back("推荐单位意见", [](const Nominee& c) { return One(c.person.opinion); });
    table.emplace_back("荣誉", [](const Nominee& c) { return c.honours; });
    table.emplace_back("人员类别", [](const Nominee& c) { return c.declared; });
    table.emplace_back("推荐组别", [](const Nominee& c) { return One(c.group); });
    return table;
  }();
  return kTable;
}

}  // namespace

std::optional<std::vector<std::string>> RuleFieldValues(std::string_view field, const Nominee& c) {
  for (const auto& [name, getter] : FieldTable())
    if (name == field) return getter(c);
  return std::nullopt;
}

const std::vector<std::string_view>& RuleFieldNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const auto& entry : FieldTable()) names.push_back(entry.first);
    return names;
  }();
  return kNames;
}

// ---- evaluation ------------------------------------------------------------

namespace {

std::optional<int> AgeOf(const Nominee& c, const PartialDate& reference) {
  auto birth = ParseDate(c.person.birth_date, reference);
  if (!birth.ok()) return std::nullopt;
  return AgeAt(*birth, reference);
}

// Months past the statutory retirement age at `reference` (negative: not yet there); nullopt
// when the gender has no schedule or the birth date is unknown.
std::optional<int> PastRetirementMonths(const Category& cat, const Nominee& c,
                                        const PartialDate& reference) {
  auto it = cat.retirement.find(c.person.gender);
  if (it == cat.retirement.end()) return std::nullopt;
  auto birth = ParseDate(c.person.birth_date, reference);
  if (!birth.ok()) return std::nullopt;
  int age_months = (reference.year - birth->year) * 12 + (reference.month - birth->month);
  if (birth->day > 0 && reference.day > 0 && reference.day < birth->day) --age_months;
  return age_months - RetirementAgeMonths(it->second, *birth);
}

bool FieldMatches(const Category& cat, const Nominee& c) {
  if (cat.op == Category::Op::kSocietyPost || cat.op == Category::Op::kDeputyLevel) {
    for (const std::string& f : cat.fields) {
      auto v = RuleFieldValues(f, c);
      if (!v) continue;
      for (const std::string& text : *v) {
        const bool holds =
            cat.op == Category::Op::kSocietyPost
                ? HoldsSocietyLeaderPost(text, c.person.unit_name, f == "职务", cat.post_words)
                : HoldsProvincialDeputyPost(text);
        if (holds) return true;
      }
    }
    return false;
  }
  std::vector<std::string> values;
  for (const std::string& f : cat.fields) {
    auto v = RuleFieldValues(f, c);
    if (v) values.insert(values.end(), v->begin(), v->end());
  }
  switch (cat.op) {
    case Category::Op::kIn:
      return std::any_of(values.begin(), values.end(),
                         [&](const std::string& v) { return Contains(cat.values, v); });
    case Category::Op::kNotIn:
      // Unknown is not "other": an empty 民族 is not a minority.
      return !values.empty() &&
             std::all_of(values.begin(), values.end(),
                         [&](const std::string& v) { return !Contains(cat.values, v); });
    case Category::Op::kContainsAny:
      return std::any_of(values.begin(), values.end(), [&](const std::string& v) {
        return std::any_of(cat.values.begin(), cat.values.end(), [&](const std::string& needle) {
          return v.find(needle) != std::string::npos;
        });
      });
    case Category::Op::kSocietyPost:
    case Category::Op::kDeputyLevel: break;
  }
  return false;
}

}  // namespace

bool RuleSet::Impl::Match(std::string_view name, const Nominee& c,
                          const PartialDate& reference) const {
  auto it = categories.find(name);
  if (it == categories.end()) return false;
  const Category& cat = it->second;
  switch (cat.kind) {
    case Category::Kind::kAgeAtMost: {
      auto age = AgeOf(c, reference);
      return age && *age <= cat.age;
    }
    case Category::Kind::kAgeAtLeast: {
      auto age = AgeOf(c, reference);
      return age && *age >= cat.age;
    }
    case Category::Kind::kField: return FieldMatches(cat, c);
    case Category::Kind::kAnyOf:
      return std::any_of(cat.refs.begin(), cat.refs.end(),
                         [&](const std::string& r) { return Match(r, c, reference); });
    case Category::Kind::kAllOf:
      return std::all_of(cat.refs.begin(), cat.refs.end(),
                         [&](const std::string& r) { return Match(r, c, reference); });
    case Category::Kind::kNot: return !Match(cat.refs.front(), c, reference);
    case Category::Kind::kRetired: {
      auto months = PastRetirementMonths(cat, c, reference);
      return months && *months >= 0;
    }
  }
  return false;
}

// What decided a category for a person, for messages: "政治面貌为中共党员".
std::string RuleSet::Impl::Explain(std::string_view name, const Nominee& c,
                                   const PartialDate& reference) const {
  auto it = categories.find(name);
  if (it == categories.end()) return "";
  const Category& cat = it->second;
  switch (cat.kind) {
    case Category::Kind::kAgeAtMost:
    case Category::Kind::kAgeAtLeast: {
      auto age = AgeOf(c, reference);
      if (!age) return "出生日期未填写或无效";
      return std::to_string(*age) + "岁（" + reference.ToString() + "）";
    }
    case Category::Kind::kRetired: {
      auto schedule = cat.retirement.find(c.person.gender);
      auto birth = ParseDate(c.person.birth_date, reference);
      if (schedule == cat.retirement.end() || !birth.ok()) return "";
      const int months = RetirementAgeMonths(schedule->second, *birth);
      auto age = AgeOf(c, reference);
      return c.person.gender + "，" + c.person.birth_date + "出生，法定退休年龄" +
             std::to_string(months / 12) + "岁" +
             (months % 12 ? std::to_string(months % 12) + "个月" : std::string()) + "，" +
             reference.ToString() + "时" + (age ? std::to_string(*age) + "岁" : std::string());
    }
    case Category::Kind::kField: {
      std::vector<std::string> parts;
      for (const std::string& f : cat.fields) {
        auto v = RuleFieldValues(f, c);
        if (!v || v->empty()) continue;
        std::string joined = Join(*v);
        if (CountCharacters(joined) > 40) continue;  // long texts say nothing in a message
        parts.push_back(f + "为" + joined);
      }
      if (parts.empty()) return Join(cat.fields) + "未填写";
      return Join(parts, "，");
    }
    case Category::Kind::kAnyOf:
    case Category::Kind::kAllOf:
    case Category::Kind::kNot: {
      std::vector<std::string> parts;
      for (const std::string& r : cat.refs) {
        std::string e = Explain(r, c, reference);
        if (!e.empty() && !Contains(parts, e)) parts.push_back(e);
      }
      return Join(parts, "，");
    }
  }
  return "";
}

const std::string& RuleSet::code() const { return impl_->code; }
const std::string& RuleSet::title() const { return impl_->title; }
const std::string& RuleSet::source() const { return impl_->source; }
const std::string& RuleSet::kind() const { return impl_->kind; }
const std::string& RuleSet::json() const { return impl_->json; }
const std::vector<std::string>& RuleSet::required_fields() const { return impl_->required_fields; }
bool RuleSet::opinion_required() const { return impl_->opinion_required; }
int RuleSet::opinion_max_chars() const { return impl_->opinion_max_chars; }
const std::vector<std::string>& RuleSet::declarable() const { return impl_->declarable; }
const std::vector<std::string>& RuleSet::groups() const { return impl_->groups; }
bool RuleSet::group_required() const { return impl_->group_required; }

bool RuleSet::AcceptsUnitType(std::string_view unit_type) const {
  return impl_->QuotaFor(unit_type) != nullptr;
}

std::vector<std::string> RuleSet::UnitTypes() const {
  std::vector<std::string> out;
  for (const Quota& q : impl_->quotas)
    out.insert(out.end(), q.unit_types.begin(), q.unit_types.end());
  return out;
}

int RetirementAgeMonths(const RetirementSchedule& s, const PartialDate& birth) {
  const int since = (birth.year - s.from_year) * 12 + (birth.month - s.from_month);
  if (since < 0 || s.every_months <= 0) return s.base_years * 12;
  return s.base_years * 12 + std::min(s.max_delay_months, since / s.every_months + 1);
}

std::vector<RaisedCheck> RuleSet::RaisedChecks(const Nominee& c,
                                               const PartialDate& reference) const {
  std::vector<RaisedCheck> out;
  for (const Check& check : impl_->checks) {
    if (!impl_->Match(check.category, c, reference)) continue;
    std::string why = impl_->Explain(check.category, c, reference);
    out.push_back({check.code, check.name, check.message + (why.empty() ? "" : "（" + why + "）"),
                   check.confirmable});
  }
  return out;
}

bool RuleSet::HasCheck(std::string_view code) const {
  return std::any_of(impl_->checks.begin(), impl_->checks.end(),
                     [&](const Check& c) { return c.code == code; });
}

bool RuleSet::InCategory(std::string_view category, const Nominee& c,
                         const PartialDate& reference) const {
  return impl_->Match(category, c, reference);
}

std::string RuleSet::CategoryLabel(std::string_view category) const {
  auto it = impl_->categories.find(category);
  return it == impl_->categories.end() ? std::string(category) : it->second.label;
}

std::vector<FieldError> RuleSet::CheckPerson(const Nominee& c, std::string_view unit_type,
                                             const PartialDate& reference) const {
  std::vector<FieldError> out;
  const std::string who = "「" + c.label + "」";
  for (const std::string& field : impl_->required_fields) {
    auto values = RuleFieldValues(field, c);
    if (!values || values->empty())
      out.push_back({field, who + "：字段「" + field + "」未填写", 0});
  }
  for (const std::string& d : c.declared) {
    if (!Contains(impl_->declarable, d)) {
      out.push_back({"人员类别",
                     who + "：人员类别「" + d + "」不是本批次可填的值（可填：" +
                         (impl_->declarable.empty() ? std::string("无") : Join(impl_->declarable)) +
                         "）",
                     0});
    }
  }
  if (!c.group.empty() && !Contains(impl_->groups, c.group)) {
    out.push_back({"推荐组别",
                   who + "：推荐组别「" + c.group + "」不是本批次的组别（可选：" +
                       (impl_->groups.empty() ? std::string("无") : Join(impl_->groups)) + "）",
                   0});
  } else if (c.group.empty() && impl_->group_required) {
    out.push_back({"推荐组别", who + "：未选择推荐组别（可选：" + Join(impl_->groups) + "）", 0});
  } else if (const Quota* q = impl_->QuotaFor(unit_type); q != nullptr && !q->groups.empty() &&
                                                          !c.group.empty() &&
                                                          !Contains(q->groups, c.group)) {
    out.push_back(
        {q->name,
         who + "：此渠道推荐的人员推荐组别应为" + Join(q->groups) + "，实为「" + c.group + "」",
         0});
  }
  for (const Eligibility& rule : impl_->eligibility) {
    const bool in = impl_->Match(rule.category, c, reference);
    if (in == rule.require) continue;
    const Category& cat = impl_->categories.find(rule.category)->second;
    std::string why = impl_->Explain(rule.category, c, reference);
    std::string message = rule.message.empty() ? (rule.require ? "不属于「" + cat.label + "」"
                                                               : "属于「" + cat.label + "」")
                                               : rule.message;
    if (!why.empty()) message += "（" + why + "）";
    out.push_back({rule.name, who + "：" + message, 0});
  }
  return out;
}

QuotaState RuleSet::Evaluate(std::string_view unit_type, const std::vector<Nominee>& list,
                             const PartialDate& reference, const QuotaContext& context) const {
  QuotaState state;
  state.rule_set = impl_->code;
  for (const Nominee& c : list) {
    auto problems = CheckPerson(c, unit_type, reference);
    state.violations.insert(state.violations.end(), problems.begin(), problems.end());
  }
  const Quota* quota = impl_->QuotaFor(unit_type);
  if (quota == nullptr) {
    state.violations.push_back({"推荐单位类型",
                                "本批次（" + impl_->title + "）不接受「" + std::string(unit_type) +
                                    "」类单位推荐（接受：" + Join(UnitTypes()) + "）",
                                0});
    return state;
  }
  state.quota = quota->name;
  state.min = quota->min;
  state.max = quota->MaxFor(context);
  const int max = state.max;
  for (const Nominee& c : list) {
    const std::string* reason = nullptr;
    for (const std::string& e : quota->exempt) {
      if (impl_->Match(e, c, reference)) {
        reason = &impl_->categories.find(e)->second.label;
        break;
      }
    }
    if (reason != nullptr) {
      state.exempt.push_back({c.label, *reason});
    } else {
      state.counted.push_back(c.label);
    }
  }
  state.used = static_cast<int>(state.counted.size());
  state.remaining = max < 0 ? -1 : std::max(0, max - state.used);
  if (max >= 0 && state.used > max) {
    state.violations.push_back(
        {quota->name,
         "计入名额的有" + std::to_string(state.used) + "人，超出" +
             std::to_string(state.used - max) + "人（上限" + std::to_string(max) +
             (max != quota->max ? "人，本单位增加的名额" : "人") + "）：" + Join(state.counted) +
             (quota->exempt.empty() ? std::string() : "；不占名额的人员须符合免占名额的条件"),
         0});
  }
  if (state.used < quota->min) {
    state.violations.push_back(
        {quota->name,
         "计入名额的只有" + std::to_string(state.used) + "人，至少应有" +
             std::to_string(quota->min) + "人" +
             (state.counted.empty() ? std::string() : "：" + Join(state.counted)),
         0});
  }
  for (const Minimum& m : quota->minimums) {
    MinimumState ms;
    ms.name = m.name;
    ms.needed = m.at_least;
    for (const Nominee& c : list) {
      const bool qualifies =
          std::any_of(m.any_of.begin(), m.any_of.end(),
                      [&](const std::string& cat) { return impl_->Match(cat, c, reference); });
      if (qualifies) ms.who.push_back(c.label);
    }
    ms.have = static_cast<int>(ms.who.size());
    ms.applies = state.used >= m.applies_from && Contains(m.round_kinds, context.round_kind);
    ms.met = !ms.applies || ms.have >= ms.needed;
    if (!ms.met) {
      state.violations.push_back(
          {m.name,
           "目前只有" + std::to_string(ms.have) + "人符合" +
               (ms.who.empty() ? std::string() : "（" + Join(ms.who) + "）") + "，还需" +
               std::to_string(ms.needed - ms.have) + "人；计入名额的名单：" + Join(state.counted),
           0});
    }
    state.minimums.push_back(std::move(ms));
  }
  return state;
}

}  // namespace tp::registry
