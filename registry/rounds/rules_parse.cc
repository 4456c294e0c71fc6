// The rule-set loader (rules.h): a JSON document checked key by key into the engine's plain
// structures, every problem named by file and JSON path.
#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "registry/fields/text.h"
#include "registry/rounds/internal/rules_internal.h"
#include "registry/rounds/rules.h"

namespace tp::registry {

using namespace rules_internal;

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

// The words of a society leader's post; titles and societies are required.
SocietyPostWords ParseSocietyPost(Reader& r, const Json& j, const std::string& path) {
  SocietyPostWords words;
  if (!j.is_object()) {
    r.Fail(path, "应为对象（titles、societies、branches、not_after）");
    return words;
  }
  r.OnlyKeys(j, path, {"titles", "not_after", "societies", "branches", "note"});
  words.titles = r.Strings(j, path, "titles", true);
  words.not_after = r.Strings(j, path, "not_after", false);
  words.societies = r.Strings(j, path, "societies", true);
  words.branches = r.Strings(j, path, "branches", false);
  return words;
}

// {"男": {"base_age": 60, "from_birth": "1965-01", "every_months": 4, "max_delay_months": 36}, …}
void ReadRetirement(Reader& r, const Json& j, const std::string& path, Category* cat) {
  if (!j.is_object() || j.empty()) return r.Fail(path, "应为对象（性别 → 退休年龄规则）");
  for (auto g = j.begin(); g != j.end(); ++g) {
    const std::string here = path + "." + g.key();
    if (g.key() != "男" && g.key() != "女") r.Fail(here, "性别应为 男 或 女");
    if (!g->is_object()) {
      r.Fail(here, "应为对象");
      continue;
    }
    r.OnlyKeys(*g, here, {"base_age", "from_birth", "every_months", "max_delay_months"});
    RetirementSchedule s;
    s.base_years = r.Integer(*g, here, "base_age", 0);
    if (s.base_years < 40 || s.base_years > 80) r.Fail(here + ".base_age", "应在 40 到 80 之间");
    const std::string from = r.String(*g, here, "from_birth", true);
    auto date = ParseDate(from);
    if (!from.empty() && !date.ok()) r.Fail(here + ".from_birth", "应为年月，如 1965-01");
    if (date.ok()) {
      s.from_year = date->year;
      s.from_month = date->month;
    }
    s.every_months = r.Integer(*g, here, "every_months", 0);
    if (s.every_months < 1) r.Fail(here + ".every_months", "应为正整数");
    s.max_delay_months = r.Integer(*g, here, "max_delay_months", 0);
    cat->retirement[g.key()] = s;
  }
}

Category ParseCategory(Reader& r, const std::string& name, const Json& j, const std::string& path) {
  Category cat;
  cat.name = name;
  if (!j.is_object()) {
    r.Fail(path, "应为对象");
    return cat;
  }
  r.OnlyKeys(
      j, path,
      {"label", "age_at_most", "age_at_least", "field", "in", "not_in", "contains_any",
       "society_post", "deputy_level", "any_of", "all_of", "not", "past_retirement_age", "note"});
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
    if (j.contains("society_post")) {
      ++ops;
      cat.op = Category::Op::kSocietyPost;
      cat.post_words = ParseSocietyPost(r, j["society_post"], path + ".society_post");
    }
    if (j.contains("deputy_level")) {
      ++ops;
      cat.op = Category::Op::kDeputyLevel;
      if (r.String(j, path, "deputy_level", true) != "provincial")
        r.Fail(path + ".deputy_level", "目前只能是 provincial（省级）");
    }
    if (ops != 1)
      r.Fail(path,
             "「field」需要且只需要 in、not_in、contains_any、society_post、deputy_level 之一");
  } else if (j.contains("in") || j.contains("not_in") || j.contains("contains_any") ||
             j.contains("society_post") || j.contains("deputy_level")) {
    r.Fail(path, "in、not_in、contains_any、society_post、deputy_level 需与 field 一起使用");
  }
  if (auto it = j.find("past_retirement_age"); it != j.end()) {
    ++forms;
    cat.kind = Category::Kind::kRetired;
    ReadRetirement(r, *it, path + ".past_retirement_age", &cat);
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
    r.Fail(path,
           "需要且只需要一种条件：age_at_most、age_at_least、field、any_of、all_of、not、"
           "past_retirement_age");
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
                 "eligibility", "checks", "declarable", "groups", "quotas", "note"});
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

  // Exclusions the data suggests, each with a code the unit's answer names.
  void ReadChecks(const Json& doc) {
    auto it = doc.find("checks");
    if (it == doc.end()) return;
    if (!it->is_array()) return r_.Fail("$.checks", "应为数组");
    std::set<std::string> codes;
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string path = "$.checks[" + std::to_string(i) + "]";
      const Json& e = (*it)[i];
      if (!e.is_object()) {
        r_.Fail(path, "应为对象");
        continue;
      }
      r_.OnlyKeys(e, path, {"code", "name", "when", "message", "confirmable", "note"});
      Check check;
      check.code = r_.String(e, path, "code", true);
      if (!check.code.empty() && (!IsCode(check.code) || !codes.insert(check.code).second))
        r_.Fail(path + ".code", "应为小写字母、数字、- 和 _，且不重复");
      check.name = r_.String(e, path, "name", true);
      check.category = r_.String(e, path, "when", true);
      KnownCategory(check.category, path + ".when");
      check.message = r_.String(e, path, "message", true);
      check.confirmable = r_.Bool(e, path, "confirmable", true);
      out_.checks.push_back(std::move(check));
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
    r_.OnlyKeys(
        q, path,
        {"name", "unit_types", "min", "max", "exempt", "minimums", "groups", "unit_seats", "note"});
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
    ReadUnitSeats(q, path, &quota);
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

  // unit_seats: units with more seats than the type's max, each named once.
  void ReadUnitSeats(const Json& q, const std::string& path, Quota* quota) {
    auto seats = q.find("unit_seats");
    if (seats == q.end()) return;
    const std::string here = path + ".unit_seats";
    if (!seats->is_array()) {
      r_.Fail(here, "应为数组（单位 → 名额）");
      return;
    }
    if (quota->max < 0) r_.Fail(here, "本条规则不限名额，无需为单位增加名额");
    std::set<std::string> seen;
    for (size_t i = 0; i < seats->size(); ++i) {
      const std::string upath = here + "[" + std::to_string(i) + "]";
      const Json& u = (*seats)[i];
      if (!u.is_object()) {
        r_.Fail(upath, "应为对象");
        continue;
      }
      r_.OnlyKeys(u, upath, {"unit", "max", "note"});
      UnitSeats entry;
      entry.unit = r_.String(u, upath, "unit", true);
      if (!u.contains("max")) r_.Fail(upath + ".max", "缺少此项");
      entry.max = r_.Integer(u, upath, "max", 0);
      if (!entry.unit.empty() && !seen.insert(entry.unit).second)
        r_.Fail(upath + ".unit", "单位「" + entry.unit + "」已在前面列出");
      if (quota->max >= 0 && u.contains("max") && entry.max <= quota->max)
        r_.Fail(upath + ".max", "应大于本条规则的 max（" + std::to_string(quota->max) + "）");
      quota->unit_seats.push_back(std::move(entry));
    }
  }

  Minimum ReadMinimum(const Json& mj, const std::string& mpath) {
    r_.OnlyKeys(mj, mpath, {"name", "any_of", "at_least", "applies_from", "round_kinds"});
    Minimum min;
    min.name = r_.String(mj, mpath, "name", true);
    min.any_of = r_.Strings(mj, mpath, "any_of", true);
    for (const std::string& c : min.any_of) KnownCategory(c, mpath + ".any_of");
    if (!mj.contains("at_least")) r_.Fail(mpath + ".at_least", "缺少此项");
    min.at_least = r_.Integer(mj, mpath, "at_least", 0);
    min.applies_from = r_.Integer(mj, mpath, "applies_from", 1);
    if (mj.contains("round_kinds")) {
      min.round_kinds = r_.Strings(mj, mpath, "round_kinds", true);
      for (size_t i = 0; i < min.round_kinds.size(); ++i) {
        if (std::find(std::begin(kRoundKinds), std::end(kRoundKinds), min.round_kinds[i]) ==
            std::end(kRoundKinds))
          r_.Fail(
              mpath + ".round_kinds[" + std::to_string(i) + "]",
              "「" + min.round_kinds[i] + "」不是批次类型（可用：concentrated、supplementary）");
      }
    }
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
  parser.ReadChecks(doc);
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

}  // namespace tp::registry
