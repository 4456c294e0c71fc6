// The rule-set engine (rules.h): a JSON document checked key by key into
// plain structures, then predicates evaluated over Candidates.
#include "registry/rounds/rules.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "registry/base/person_fields.h"
#include "registry/fields/text.h"

namespace tp::registry {
namespace {

using Json = nlohmann::json;

// A predicate over one person, by name.
struct Category {
  std::string name;
  std::string label;
  enum class Kind { kAgeAtMost, kAgeAtLeast, kField, kAnyOf, kAllOf, kNot } kind = Kind::kField;
  int age = 0;
  std::vector<std::string> fields;
  enum class Op { kIn, kNotIn, kContainsAny } op = Op::kIn;
  std::vector<std::string> values;
  std::vector<std::string> refs;  // any_of / all_of / not
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

std::string Join(const std::vector<std::string>& items, std::string_view sep = "、") {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

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
  std::vector<Quota> quotas;

  const Quota* QuotaFor(std::string_view unit_type) const {
    for (const Quota& q : quotas)
      if (Contains(q.unit_types, unit_type)) return &q;
    return nullptr;
  }

  bool Match(std::string_view name, const Nominee& c, const PartialDate& reference) const;
  std::string Explain(std::string_view name, const Nominee& c, const PartialDate& reference) const;
};

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

bool FieldMatches(const Category& cat, const Nominee& c) {
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

// ---- parsing ---------------------------------------------------------------

namespace {

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  void Fail(const std::string& path, std::string message) {
    errors_.push_back({source_ + ":" + path, std::move(message), 0});
  }
  const std::vector<FieldError>& errors() const { return errors_; }

  // Refuses keys other than `known`, so a misspelt key never goes unnoticed.
  void OnlyKeys(const Json& object, const std::string& path,
                std::initializer_list<std::string_view> known) {
    for (auto it = object.begin(); it != object.end(); ++it) {
      if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
        Fail(path + "." + it.key(), "未知的键（可用：" + JoinViews(known) + "）");
      }
    }
  }

  std::string String(const Json& object, const std::string& path, std::string_view key,
                     bool required) {
    auto it = object.find(key);
    if (it == object.end()) {
      if (required) Fail(path + "." + std::string(key), "缺少此项");
      return "";
    }
    if (!it->is_string() || it->get<std::string>().empty()) {
      Fail(path + "." + std::string(key), "应为非空字符串");
      return "";
    }
    return it->get<std::string>();
  }

  int Integer(const Json& object, const std::string& path, std::string_view key, int fallback) {
    auto it = object.find(key);
    if (it == object.end()) return fallback;
    if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 100000) {
      Fail(path + "." + std::string(key), "应为非负整数");
      return fallback;
    }
    return static_cast<int>(it->get<long long>());
  }

  bool Bool(const Json& object, const std::string& path, std::string_view key, bool fallback) {
    auto it = object.find(key);
    if (it == object.end()) return fallback;
    if (!it->is_boolean()) {
      Fail(path + "." + std::string(key), "应为 true 或 false");
      return fallback;
    }
    return it->get<bool>();
  }

  std::vector<std::string> Strings(const Json& object, const std::string& path,
                                   std::string_view key, bool required) {
    std::vector<std::string> out;
    auto it = object.find(key);
    const std::string here = path + "." + std::string(key);
    if (it == object.end()) {
      if (required) Fail(here, "缺少此项");
      return out;
    }
    // A single string is a list of one: "field": "民族".
    if (it->is_string() && !it->get<std::string>().empty()) return {it->get<std::string>()};
    if (!it->is_array() || (required && it->empty())) {
      Fail(here, required ? "应为非空的字符串数组" : "应为字符串数组");
      return out;
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& v = (*it)[i];
      if (!v.is_string() || v.get<std::string>().empty()) {
        Fail(here + "[" + std::to_string(i) + "]", "应为非空字符串");
        continue;
      }
      out.push_back(v.get<std::string>());
    }
    return out;
  }

 private:
  static std::string JoinViews(std::initializer_list<std::string_view> items) {
    std::string out;
    for (std::string_view s : items) {
      if (!out.empty()) out += "、";
      out += s;
    }
    return out;
  }

  std::string source_;
  std::vector<FieldError> errors_;
};

bool IsCode(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
  });
}

Category ParseCategory(Reader& r, const std::string& name, const Json& j, const std::string& path) {
  Category cat;
  cat.name = name;
  if (!j.is_object()) {
    r.Fail(path, "应为对象");
    return cat;
  }
  r.OnlyKeys(j, path,
             {"label", "age_at_most", "age_at_least", "field", "in", "not_in", "contains_any",
              "any_of", "all_of", "not", "note"});
  cat.label = r.String(j, path, "label", true);
  int forms = 0;
  if (j.contains("age_at_most")) {
    ++forms;
    cat.kind = Category::Kind::kAgeAtMost;
    cat.age = r.Integer(j, path, "age_at_most", 0);
  }
  if (j.contains("age_at_least")) {
    ++forms;
    cat.kind = Category::Kind::kAgeAtLeast;
    cat.age = r.Integer(j, path, "age_at_least", 0);
  }
  if (j.contains("field")) {
    ++forms;
    cat.kind = Category::Kind::kField;
    cat.fields = r.Strings(j, path, "field", true);
    for (size_t i = 0; i < cat.fields.size(); ++i) {
      const auto& names = RuleFieldNames();
      if (std::find(names.begin(), names.end(), cat.fields[i]) == names.end()) {
        r.Fail(path + ".field", "「" + cat.fields[i] + "」不是规则可读取的字段");
      }
    }
    int ops = 0;
    for (auto [key, op] :
         {std::pair{"in", Category::Op::kIn}, std::pair{"not_in", Category::Op::kNotIn},
          std::pair{"contains_any", Category::Op::kContainsAny}}) {
      if (!j.contains(key)) continue;
      ++ops;
      cat.op = op;
      cat.values = r.Strings(j, path, key, true);
    }
    if (ops != 1) r.Fail(path, "「field」需要且只需要 in、not_in、contains_any 之一");
  } else if (j.contains("in") || j.contains("not_in") || j.contains("contains_any")) {
    r.Fail(path, "in、not_in、contains_any 需与 field 一起使用");
  }
  for (auto [key, kind] :
       {std::pair{"any_of", Category::Kind::kAnyOf}, std::pair{"all_of", Category::Kind::kAllOf},
        std::pair{"not", Category::Kind::kNot}}) {
    if (!j.contains(key)) continue;
    ++forms;
    cat.kind = kind;
    cat.refs = r.Strings(j, path, key, true);
    if (kind == Category::Kind::kNot && cat.refs.size() != 1)
      r.Fail(path + ".not", "应只引用一个类别");
  }
  if (forms != 1) {
    r.Fail(path, "需要且只需要一种条件：age_at_most、age_at_least、field、any_of、all_of、not");
  }
  return cat;
}

// Reads a rule set's document into `out`, section by section, every problem
// to the Reader. Categories first: everything else refers to them.
class RuleSetParser {
 public:
  RuleSetParser(Reader& r, RuleSet::Impl& out) : r_(r), out_(out) {}

  // code, title, source, kind, required_fields, opinion, declarable and groups.
  void ReadHeader(const Json& doc) {
    r_.OnlyKeys(doc, "$",
                {"code", "title", "source", "kind", "required_fields", "opinion", "categories",
                 "eligibility", "declarable", "groups", "quotas", "note"});
    out_.code = r_.String(doc, "$", "code", true);
    if (!out_.code.empty() && !IsCode(out_.code))
      r_.Fail("$.code", "只能由小写字母、数字、- 和 _ 组成");
    out_.title = r_.String(doc, "$", "title", true);
    out_.source = r_.String(doc, "$", "source", true);
    out_.kind = r_.String(doc, "$", "kind", true);
    if (!out_.kind.empty() && out_.kind != "pool" && out_.kind != "honour") {
      r_.Fail("$.kind", "应为 pool（人才库）或 honour（荣誉推选）");
    }
    out_.required_fields = r_.Strings(doc, "$", "required_fields", false);
    for (size_t i = 0; i < out_.required_fields.size(); ++i) {
      const auto& names = RuleFieldNames();
      if (std::find(names.begin(), names.end(), out_.required_fields[i]) == names.end()) {
        r_.Fail("$.required_fields[" + std::to_string(i) + "]",
                "「" + out_.required_fields[i] + "」不是人员字段");
      }
    }
    if (auto it = doc.find("opinion"); it != doc.end()) {
      if (!it->is_object()) {
        r_.Fail("$.opinion", "应为对象");
      } else {
        r_.OnlyKeys(*it, "$.opinion", {"required", "max_chars"});
        out_.opinion_required = r_.Bool(*it, "$.opinion", "required", false);
        out_.opinion_max_chars = r_.Integer(*it, "$.opinion", "max_chars", 0);
      }
    }
    out_.declarable = r_.Strings(doc, "$", "declarable", false);
    if (auto it = doc.find("groups"); it != doc.end()) {
      if (!it->is_object()) {
        r_.Fail("$.groups", "应为对象");
      } else {
        r_.OnlyKeys(*it, "$.groups", {"values", "required"});
        out_.groups = r_.Strings(*it, "$.groups", "values", true);
        out_.group_required = r_.Bool(*it, "$.groups", "required", false);
      }
    }
  }

  // The categories, then whether the ones they refer to exist and form no cycle.
  void ReadCategories(const Json& doc) {
    if (auto it = doc.find("categories"); it != doc.end()) {
      if (!it->is_object()) {
        r_.Fail("$.categories", "应为对象（类别名 → 条件）");
      } else {
        for (auto c = it->begin(); c != it->end(); ++c) {
          const std::string path = "$.categories." + c.key();
          if (!IsCode(c.key())) r_.Fail(path, "类别名只能由小写字母、数字、- 和 _ 组成");
          out_.categories.emplace(c.key(), ParseCategory(r_, c.key(), c.value(), path));
        }
      }
    }
    for (const auto& [name, cat] : out_.categories) {
      for (const std::string& ref : cat.refs) KnownCategory(ref, "$.categories." + name);
    }
    // A category that refers back to itself would never finish evaluating.
    std::map<std::string, int, std::less<>> mark;  // 1: visiting, 2: done
    for (const auto& [name, cat] : out_.categories) {
      if (!Acyclic(name, &mark)) {
        r_.Fail("$.categories." + name, "类别之间循环引用");
        break;
      }
    }
  }

  void ReadEligibility(const Json& doc) {
    auto it = doc.find("eligibility");
    if (it == doc.end()) return;
    if (!it->is_array()) {
      r_.Fail("$.eligibility", "应为数组");
      return;
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string path = "$.eligibility[" + std::to_string(i) + "]";
      const Json& e = (*it)[i];
      if (!e.is_object()) {
        r_.Fail(path, "应为对象");
        continue;
      }
      r_.OnlyKeys(e, path, {"name", "require", "forbid", "message"});
      Eligibility rule;
      rule.name = r_.String(e, path, "name", true);
      rule.message = r_.String(e, path, "message", false);
      const bool has_require = e.contains("require"), has_forbid = e.contains("forbid");
      if (has_require == has_forbid) {
        r_.Fail(path, "需要且只需要 require 或 forbid 之一");
        continue;
      }
      rule.require = has_require;
      rule.category = r_.String(e, path, has_require ? "require" : "forbid", true);
      KnownCategory(rule.category, path + (has_require ? ".require" : ".forbid"));
      out_.eligibility.push_back(std::move(rule));
    }
  }

  // One quota per kind of unit; a unit type may appear in one only.
  void ReadQuotas(const Json& doc) {
    auto quotas = doc.find("quotas");
    if (quotas == doc.end() || !quotas->is_array() || quotas->empty()) {
      r_.Fail("$.quotas", "应为非空数组：每类推荐单位一条名额规则");
      return;
    }
    std::set<std::string> seen_types;
    for (size_t i = 0; i < quotas->size(); ++i) {
      const std::string path = "$.quotas[" + std::to_string(i) + "]";
      const Json& q = (*quotas)[i];
      if (!q.is_object()) {
        r_.Fail(path, "应为对象");
        continue;
      }
      out_.quotas.push_back(ReadQuota(q, path, &seen_types));
    }
  }

 private:
  void KnownCategory(const std::string& name, const std::string& path) {
    if (!name.empty() && out_.categories.find(name) == out_.categories.end()) {
      r_.Fail(path, "引用了未定义的类别「" + name + "」");
    }
  }

  // False when `name` reaches itself through the categories it refers to.
  bool Acyclic(const std::string& name, std::map<std::string, int, std::less<>>* mark) const {
    int& m = (*mark)[name];
    if (m == 1) return false;
    if (m == 2) return true;
    m = 1;
    auto it = out_.categories.find(name);
    if (it != out_.categories.end()) {
      for (const std::string& ref : it->second.refs)
        if (!Acyclic(ref, mark)) return false;
    }
    (*mark)[name] = 2;
    return true;
  }

  Quota ReadQuota(const Json& q, const std::string& path, std::set<std::string>* seen_types) {
    r_.OnlyKeys(q, path,
                {"name", "unit_types", "min", "max", "exempt", "minimums", "groups", "note"});
    Quota quota;
    quota.name = r_.String(q, path, "name", true);
    quota.unit_types = r_.Strings(q, path, "unit_types", true);
    for (const std::string& t : quota.unit_types) {
      if (!seen_types->insert(t).second)
        r_.Fail(path + ".unit_types", "单位类型「" + t + "」已在前面的规则中出现");
    }
    quota.min = r_.Integer(q, path, "min", 0);
    quota.max = q.contains("max") ? r_.Integer(q, path, "max", -1) : -1;
    if (quota.max >= 0 && quota.min > quota.max) r_.Fail(path + ".min", "不能大于 max");
    quota.exempt = r_.Strings(q, path, "exempt", false);
    for (const std::string& e : quota.exempt) KnownCategory(e, path + ".exempt");
    quota.groups = r_.Strings(q, path, "groups", false);
    for (const std::string& g : quota.groups) {
      if (!Contains(out_.groups, g))
        r_.Fail(path + ".groups", "「" + g + "」不在 $.groups.values 中");
    }
    if (auto m = q.find("minimums"); m != q.end()) {
      if (!m->is_array()) {
        r_.Fail(path + ".minimums", "应为数组");
      } else {
        for (size_t k = 0; k < m->size(); ++k) {
          const std::string mpath = path + ".minimums[" + std::to_string(k) + "]";
          const Json& mj = (*m)[k];
          if (!mj.is_object()) {
            r_.Fail(mpath, "应为对象");
            continue;
          }
          quota.minimums.push_back(ReadMinimum(mj, mpath));
        }
      }
    }
    return quota;
  }

  Minimum ReadMinimum(const Json& mj, const std::string& mpath) {
    r_.OnlyKeys(mj, mpath, {"name", "any_of", "at_least", "applies_from"});
    Minimum min;
    min.name = r_.String(mj, mpath, "name", true);
    min.any_of = r_.Strings(mj, mpath, "any_of", true);
    for (const std::string& c : min.any_of) KnownCategory(c, mpath + ".any_of");
    if (!mj.contains("at_least")) r_.Fail(mpath + ".at_least", "缺少此项");
    min.at_least = r_.Integer(mj, mpath, "at_least", 0);
    min.applies_from = r_.Integer(mj, mpath, "applies_from", 1);
    return min;
  }

  Reader& r_;
  RuleSet::Impl& out_;
};

}  // namespace

StatusOr<RuleSet> RuleSet::Parse(std::string_view json_text, std::string_view source_name) {
  Reader r{std::string(source_name)};
  Json doc = Json::parse(json_text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    r.Fail("$", "不是有效的 JSON 对象");
    return InvalidArgument("规则集「" + std::string(source_name) + "」不是有效的 JSON 对象",
                           r.errors());
  }
  auto impl = std::make_shared<Impl>();
  RuleSetParser parser(r, *impl);
  parser.ReadHeader(doc);
  parser.ReadCategories(doc);
  parser.ReadEligibility(doc);
  parser.ReadQuotas(doc);
  if (!r.errors().empty()) {
    const FieldError& first = r.errors().front();
    return InvalidArgument("规则集「" + std::string(source_name) + "」有 " +
                               std::to_string(r.errors().size()) + " 处错误，第一处：" +
                               first.field + "：" + first.message,
                           r.errors());
  }
  impl->json = doc.dump(2, ' ', false, Json::error_handler_t::replace);
  return RuleSet(std::move(impl));
}

StatusOr<RuleSet> RuleSet::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("无法读取规则集文件「" + path + "」");
  std::ostringstream text;
  text << in.rdbuf();
  std::string name =
      path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  return Parse(text.str(), name);
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

bool RuleSet::InCategory(std::string_view category, const Nominee& c,
                         const PartialDate& reference) const {
  return impl_->Match(category, c, reference);
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
                             const PartialDate& reference) const {
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
  state.max = quota->max;
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
  state.remaining = quota->max < 0 ? -1 : std::max(0, quota->max - state.used);
  if (quota->max >= 0 && state.used > quota->max) {
    state.violations.push_back(
        {quota->name,
         "计入名额的有" + std::to_string(state.used) + "人，超出" +
             std::to_string(state.used - quota->max) + "人（上限" + std::to_string(quota->max) +
             "人）：" + Join(state.counted) +
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
    ms.applies = state.used >= m.applies_from;
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
