// The rule-set engine's own structures (rules.h), shared by rules.cc (fields and evaluation)
// and rules_parse.cc (the loader). Private to registry/rounds/rules*.cc.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "registry/rounds/post_recognisers.h"
#include "registry/rounds/rules.h"

namespace tp::registry {
namespace rules_internal {

using Json = nlohmann::json;

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
  // society_post and deputy_level read posts by their structure (post_recognisers.h).
  enum class Op { kIn, kNotIn, kContainsAny, kSocietyPost, kDeputyLevel } op = Op::kIn;
  std::vector<std::string> values;
  SocietyPostWords post_words = {};
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
  std::vector<std::string> round_kinds = {"concentrated", "supplementary"};  // where it holds
};

// A unit given more seats than its type's max, by unit code or full name.
struct UnitSeats {
  std::string unit;
  int max = 0;
};

inline constexpr std::string_view kRoundKinds[] = {"concentrated", "supplementary"};

struct Quota {
  std::string name;
  std::vector<std::string> unit_types;
  int min = 0;
  int max = -1;
  std::vector<std::string> exempt;
  std::vector<Minimum> minimums;
  std::vector<std::string> groups;  // allowed 推荐组别 for this channel; empty: any
  std::vector<UnitSeats> unit_seats;

  // The most people `context`'s unit may have count: its own seats, else the type's.
  int MaxFor(const QuotaContext& context) const {
    for (const UnitSeats& u : unit_seats) {
      if ((!context.unit_code.empty() && u.unit == context.unit_code) ||
          (!context.unit_name.empty() && u.unit == context.unit_name))
        return u.max;
    }
    return max;
  }
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

struct RuleSet::Impl {
  using Category = rules_internal::Category;
  using Eligibility = rules_internal::Eligibility;
  using Quota = rules_internal::Quota;
  using Check = rules_internal::Check;
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
      if (rules_internal::Contains(q.unit_types, unit_type)) return &q;
    return nullptr;
  }

  bool Match(std::string_view name, const Nominee& c, const PartialDate& reference) const;
  std::string Explain(std::string_view name, const Nominee& c, const PartialDate& reference) const;
};

}  // namespace tp::registry
