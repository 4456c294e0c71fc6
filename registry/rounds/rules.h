// Rule sets: the quotas, composition minimums, exemptions and eligibility
// conditions of one recommendation round, as data (data/rules/*.json, or a
// version staff saved through the API). SPEC.md's table of quotas is one rule
// set per notice; next year's numbers are a new file, never new code.
//
// A rule set names *categories* of people (aged ≤35, minority, new group, CCP
// member, society leader, …), each a predicate over a person's fields, and
// refers to them from:
//   eligibility  — per person: a category that is required or forbidden;
//   quotas       — per recommending-unit type: the most (and fewest) people
//                  who count, the categories exempt from counting, the
//                  minimums of a composition ("≥2 aged ≤35") and the kinds of
//                  round each holds in (a June supplement of one person is
//                  no composition), and the units given more seats than
//                  their type (unit_seats: 会员规模较大的央企科协);
//   groups       — the 推荐组别 values a recommendation may carry.
// Parse() checks the whole document and fails with InvalidArgument whose
// details name the file and the JSON path of every problem
// ("pool.json: $.quotas[1].max: 应为非负整数"). A RuleSet is an immutable
// value, cheap to copy and safe to share between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/base/person.h"
#include "registry/base/status.h"
#include "registry/fields/dates.h"

namespace tp::registry {

// One person as the rules see them: the record, the titles they hold and
// what the recommending unit declared about them (人员类别).
struct Nominee {
  std::string label;  // how messages name them: 张三（P0000001）
  Person person;
  std::vector<std::string> honours;   // titles already held (最美科技工作者, …)
  std::vector<std::string> declared;  // 人员类别 values the unit declared
  std::string group;                  // 推荐组别, honour campaigns
};

// The statutory retirement age of one gender as it depends on the birth month: `base_years`
// for people born before from_year-from_month, then one month later for every `every_months`
// months of birth from then on, up to `max_delay_months` (the gradual raise from 2025).
struct RetirementSchedule {
  int base_years = 0;
  int from_year = 0;
  int from_month = 0;
  int every_months = 0;
  int max_delay_months = 0;
};
// The retirement age, in months, of a person born in `birth`'s month.
int RetirementAgeMonths(const RetirementSchedule& schedule, const PartialDate& birth);

// An exclusion the data suggests about one person (a unit name that looks like a government
// organ, an age past retirement, a title already held): the unit confirms the person is
// eligible all the same, with a note, or corrects the record. `confirmable` false: only a
// correction clears it.
struct RaisedCheck {
  std::string code;     // the check's code in the rule set ("official_unit")
  std::string rule;     // the notice's rule it stands for
  std::string message;  // what the data shows, for the unit to answer
  bool confirmable = true;
};

struct ExemptPerson {
  std::string label;
  std::string reason;  // the category label, e.g. 学会理事长、监事长、…
};

struct MinimumState {
  std::string name;  // "35岁及以下学员不少于2人"
  int needed = 0;
  int have = 0;
  // false while fewer people count than the minimum starts from, or in a kind of round it
  // does not hold in
  bool applies = true;
  bool met = true;
  std::vector<std::string> who;  // labels of those who qualify
};

// Which list is measured: the kind of round (a minimum may hold in concentrated rounds only)
// and the unit, by code or full name (unit_seats may give it more seats than its type).
struct QuotaContext {
  std::string round_kind = "concentrated";  // or "supplementary"
  std::string unit_code = {};
  std::string unit_name = {};
};

// A unit's list measured against the rule set: what the unit sees while it
// drafts, and what refuses a submission (`violations`).
struct QuotaState {
  std::string rule_set;  // code
  std::string quota;     // name of the quota rule that applies; empty when none does
  int min = 0;           // fewest people who must count (0: no minimum)
  int max = -1;          // most people who may count (-1: no limit)
  int used = 0;          // people counting against the quota
  int remaining = -1;    // max - used, never below 0 (-1: no limit)
  std::vector<std::string> counted;
  std::vector<ExemptPerson> exempt;
  std::vector<MinimumState> minimums;
  // Every broken rule, each naming the rule (field) and the people (message).
  std::vector<FieldError> violations;

  bool ok() const { return violations.empty(); }
};

class RuleSet {
 public:
  // Parses and validates a rule set; `source_name` (a file name) prefixes
  // every message.
  static StatusOr<RuleSet> Parse(std::string_view json_text, std::string_view source_name);
  // Reads and parses a file; NotFound when it cannot be read.
  static StatusOr<RuleSet> LoadFile(const std::string& path);

  const std::string& code() const;
  const std::string& title() const;
  const std::string& source() const;  // the notice it encodes
  const std::string& kind() const;    // "pool" or "honour"
  // The document as parsed, re-serialised (what the store keeps).
  const std::string& json() const;

  // Columns a recommendation must fill (姓名, 出生日期, 政治面貌, …).
  const std::vector<std::string>& required_fields() const;
  bool opinion_required() const;
  int opinion_max_chars() const;  // 0: no limit
  // Values a unit may declare as 人员类别, and the 推荐组别 values.
  const std::vector<std::string>& declarable() const;
  const std::vector<std::string>& groups() const;
  bool group_required() const;

  // Whether a quota rule covers this unit type label (全国学会, …); a rule
  // set takes no recommendations from other types of unit.
  bool AcceptsUnitType(std::string_view unit_type) const;
  // Unit type labels with a quota, in file order.
  std::vector<std::string> UnitTypes() const;

  // Problems of one person on their own: missing required fields, unknown
  // declared values or group, and eligibility rules broken. Each FieldError
  // names the rule (or the field) and the person. `reference` is the date
  // ages are taken at.
  std::vector<FieldError> CheckPerson(const Nominee& c, std::string_view unit_type,
                                      const PartialDate& reference) const;

  // The rule set's checks that `c` raises, in file order.
  std::vector<RaisedCheck> RaisedChecks(const Nominee& c, const PartialDate& reference) const;
  // Whether the rule set has a check with this code.
  bool HasCheck(std::string_view code) const;

  // Whether `c` falls in the category named `category` (e.g. "young"); false
  // for an unknown name.
  bool InCategory(std::string_view category, const Nominee& c, const PartialDate& reference) const;
  // The label of a category ("35岁及以下"); the name itself when unknown.
  std::string CategoryLabel(std::string_view category) const;

  // The whole list of one unit measured against the quota of its unit type,
  // with every person's own problems included in `violations`.
  QuotaState Evaluate(std::string_view unit_type, const std::vector<Nominee>& list,
                      const PartialDate& reference, const QuotaContext& context = {}) const;

  struct Impl;

 private:
  explicit RuleSet(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// The text of one person field as rules read it, by its Chinese column name
// (民族, 政治面貌, 所属群体, 职务, …, plus 荣誉 and 人员类别 from the
// candidate); nullopt for a name rules cannot read.
std::optional<std::vector<std::string>> RuleFieldValues(std::string_view field, const Nominee& c);
// Names RuleFieldValues understands.
const std::vector<std::string_view>& RuleFieldNames();

}  // namespace tp::registry
