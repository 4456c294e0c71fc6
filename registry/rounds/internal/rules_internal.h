// What the rule-set engine's files share (rules.cc: fields and evaluation; rules_parse.cc: the
// document read into these structures). Only registry/rounds/ includes this header.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "registry/rounds/rules.h"

namespace tp::registry {
namespace rules_internal {

// A predicate over one person, by name.
struct Category {
  std::string name;
  std::string label;
  enum class Kind {
    kAgeAtMost,
    kAgeAtLeast,
    kField,
    kAnyOf,
    kAllOf,
    kNot,
    kRetired
  } kind = Kind::kField;
  int age = 0;
  std::map<std::string, RetirementSchedule, std::less<>> retirement;  // by 性别
  std::vector<std::string> fields;
  enum class Op { kIn, kNotIn, kContainsAny } op = Op::kIn;
  std::vector<std::string> values;
  std::vector<std::string> refs;  // any_of / all_of / not
};

// An exclusion the data suggests: raised for a person in `category`, answered by the unit.
struct Check {
  std::string code;
  std::string name;  // the rule of the notice it stands for
  std::string category;
  std::string message;
  bool confirmable = true;
};

struct Eligibility {
  std::string name;
  bool require = false;  // false: the category is forbidden
  std::string category;
  std::string message;  // optional; replaces the default explanation
};

struct Minimum {
  std::string name;
  std::vector<std::string> any_of;  // categories; qualifying in one is enough
  int at_least = 0;
  int applies_from = 1;  // the minimum holds once this many people count
};

struct Quota {
  std::string name;
  std::vector<std::string> unit_types;
  int min = 0;
  int max = -1;
  std::vector<std::string> exempt;
  std::vector<Minimum> minimums;
  std::vector<std::string> groups;  // allowed 推荐组别 for this channel; empty: any
};

inline std::string Join(const std::vector<std::string>& items, std::string_view sep = "、") {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

inline bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace rules_internal

using namespace rules_internal;

struct RuleSet::Impl {
  std::string code, title, source, kind, json;
  std::vector<std::string> required_fields;
  bool opinion_required = false;
  int opinion_max_chars = 0;
  std::vector<std::string> declarable;
  std::vector<std::string> groups;
  bool group_required = false;
  std::map<std::string, Category, std::less<>> categories;
  std::vector<Eligibility> eligibility;
  std::vector<Check> checks;
  std::vector<Quota> quotas;

  const Quota* QuotaFor(std::string_view unit_type) const {
    for (const Quota& q : quotas)
      if (Contains(q.unit_types, unit_type)) return &q;
    return nullptr;
  }

  bool Match(std::string_view name, const Nominee& c, const PartialDate& reference) const;
  std::string Explain(std::string_view name, const Nominee& c, const PartialDate& reference) const;
};

}  // namespace tp::registry
