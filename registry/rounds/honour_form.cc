// Honour forms as data (honour_form.h): the spec read key by key, a form read from JSON with
// every unknown key named, and the checks of limits, required boxes and advice.
#include "registry/rounds/honour_form.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "registry/base/person_fields.h"
#include "registry/fields/dates.h"
#include "registry/fields/text.h"

namespace tp::registry {
namespace {

using Json = nlohmann::json;

// The code points of a UTF-8 text, each as its bytes.
std::vector<std::string> CodePoints(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

class SpecReader {
 public:
  explicit SpecReader(std::string source) : source_(std::move(source)) {}

  void Fail(const std::string& path, const std::string& message) {
    errors_.push_back({source_ + ":" + path, message, 0});
  }
  std::vector<FieldError>& errors() { return errors_; }

  void OnlyKeys(const Json& j, const std::string& path,
                std::initializer_list<std::string_view> known) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (std::find(known.begin(), known.end(), it.key()) == known.end())
        Fail(path + "." + it.key(), "未知的键");
    }
  }
  std::string String(const Json& j, const std::string& path, const char* key, bool required) {
    auto it = j.find(key);
    if (it == j.end()) {
      if (required) Fail(path + "." + key, "缺少此项");
      return "";
    }
    if (!it->is_string() || it->get<std::string>().empty()) {
      Fail(path + "." + key, "应为非空字符串");
      return "";
    }
    return it->get<std::string>();
  }
  int Int(const Json& j, const std::string& path, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return 0;
    if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 100000) {
      Fail(path + "." + key, "应为非负整数");
      return 0;
    }
    return static_cast<int>(it->get<long long>());
  }
  bool Bool(const Json& j, const std::string& path, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return false;
    if (!it->is_boolean()) Fail(path + "." + key, "应为 true 或 false");
    return it->is_boolean() && it->get<bool>();
  }
  std::vector<std::string> Strings(const Json& j, const std::string& path, const char* key) {
    std::vector<std::string> out;
    auto it = j.find(key);
    if (it == j.end()) return out;
    if (!it->is_array()) {
      Fail(path + "." + key, "应为字符串数组");
      return out;
    }
    for (const Json& v : *it) {
      if (!v.is_string() || v.get<std::string>().empty()) {
        Fail(path + "." + key, "应为非空字符串");
        continue;
      }
      out.push_back(v.get<std::string>());
    }
    return out;
  }

 private:
  std::string source_;
  std::vector<FieldError> errors_;
};

constexpr std::pair<std::string_view, HonourFieldSpec::Kind> kKinds[] = {
    {"text", HonourFieldSpec::Kind::kText},     {"choices", HonourFieldSpec::Kind::kChoices},
    {"rows", HonourFieldSpec::Kind::kRows},     {"texts", HonourFieldSpec::Kind::kTexts},
    {"accept", HonourFieldSpec::Kind::kAccept}, {"date", HonourFieldSpec::Kind::kDate},
};

HonourFieldSpec ReadField(SpecReader& r, const Json& j, const std::string& path) {
  HonourFieldSpec f;
  if (!j.is_object()) {
    r.Fail(path, "应为对象");
    return f;
  }
  r.OnlyKeys(j, path,
             {"key", "kind", "required", "max_chars", "warn_below", "warn_above", "min_items",
              "max_items", "item_max_chars", "values", "columns", "allowed_chars", "message",
              "text", "stamp", "nominee", "note"});
  f.key = r.String(j, path, "key", true);
  const std::string kind = r.String(j, path, "kind", true);
  bool known = false;
  for (const auto& [name, k] : kKinds) {
    if (name == kind) {
      f.kind = k;
      known = true;
    }
  }
  if (!kind.empty() && !known)
    r.Fail(path + ".kind", "应为 text、choices、rows、texts、accept 或 date");
  f.required = r.Bool(j, path, "required");
  f.stamp = r.Bool(j, path, "stamp");
  f.nominee = r.Bool(j, path, "nominee");
  if (f.nominee && f.stamp) r.Fail(path + ".nominee", "盖章的意见由单位填写，不能由被推荐人填写");
  f.max_chars = r.Int(j, path, "max_chars");
  f.warn_below = r.Int(j, path, "warn_below");
  f.warn_above = r.Int(j, path, "warn_above");
  f.min_items = r.Int(j, path, "min_items");
  f.max_items = r.Int(j, path, "max_items");
  f.item_max_chars = r.Int(j, path, "item_max_chars");
  if (f.max_items > 0 && f.min_items > f.max_items)
    r.Fail(path + ".min_items", "不能大于 max_items");
  if (f.warn_above > 0 && f.warn_below > f.warn_above)
    r.Fail(path + ".warn_below", "不能大于 warn_above");
  f.values = r.Strings(j, path, "values");
  if ((f.kind == HonourFieldSpec::Kind::kChoices) == f.values.empty())
    r.Fail(path + ".values", "choices 需要且只有 choices 可以有 values");
  if (auto it = j.find("columns"); it != j.end()) {
    if (!it->is_array() || it->empty()) r.Fail(path + ".columns", "应为非空数组");
    for (size_t i = 0; it->is_array() && i < it->size(); ++i) {
      const std::string here = path + ".columns[" + std::to_string(i) + "]";
      if (!(*it)[i].is_object()) {
        r.Fail(here, "应为对象");
        continue;
      }
      r.OnlyKeys((*it)[i], here, {"key", "max_chars"});
      f.columns.push_back(
          {r.String((*it)[i], here, "key", true), r.Int((*it)[i], here, "max_chars")});
    }
  }
  if ((f.kind == HonourFieldSpec::Kind::kRows) == f.columns.empty())
    r.Fail(path + ".columns", "rows 需要且只有 rows 可以有 columns");
  f.allowed_chars = r.String(j, path, "allowed_chars", false);
  f.message = r.String(j, path, "message", false);
  f.text = r.String(j, path, "text", false);
  if (f.kind == HonourFieldSpec::Kind::kAccept && f.text.empty())
    r.Fail(path + ".text", "accept 需要声明的文字");
  return f;
}

void Missing(HonourFormCheck* out, const std::string& key, const std::string& message = "") {
  out->missing.push_back(
      {key, "「" + key + "」未填写" + (message.empty() ? "" : "（" + message + "）"), 0});
}

void CheckText(const HonourFieldSpec& f, const std::string& key, const std::string& text,
               int max_chars, HonourFormCheck* out) {
  const size_t n = FormCharacters(text);
  if (max_chars > 0 && n > static_cast<size_t>(max_chars)) {
    out->errors.push_back({f.key,
                           "「" + key + "」不能超过" + std::to_string(max_chars) + "字（现为" +
                               std::to_string(n) + "字）",
                           0});
  }
  if (!f.allowed_chars.empty()) {
    const std::vector<std::string> allowed = CodePoints(f.allowed_chars);
    for (const std::string& cp : CodePoints(text)) {
      if (std::find(allowed.begin(), allowed.end(), cp) == allowed.end()) {
        out->errors.push_back({f.key,
                               "「" + key + "」含有不允许的字符「" + cp + "」" +
                                   (f.message.empty() ? "" : "：" + f.message),
                               0});
        break;
      }
    }
  }
}

}  // namespace

std::size_t FormCharacters(std::string_view utf8) {
  size_t n = 0;
  for (const std::string& cp : CodePoints(utf8)) {
    if (cp == " " || cp == "\n" || cp == "\t" || cp == "\r" || cp == "\u3000") continue;
    ++n;
  }
  return n;
}

const HonourFieldSpec* HonourFormSpec::Field(std::string_view key) const {
  for (const HonourFieldSpec& f : fields)
    if (f.key == key) return &f;
  return nullptr;
}

const HonourValue* HonourForm::Get(std::string_view key) const {
  auto it = values.find(key);
  return it == values.end() ? nullptr : &it->second;
}

StatusOr<HonourFormSpec> HonourFormSpec::Parse(std::string_view json_text,
                                               std::string_view source_name,
                                               const std::vector<std::string>& attachment_kinds) {
  SpecReader r{std::string(source_name)};
  HonourFormSpec spec;
  Json doc = Json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgument("推荐表定义「" + std::string(source_name) + "」不是有效的 JSON 对象");
  }
  r.OnlyKeys(doc, "$",
             {"code", "title", "source", "rule_sets", "opinion_label", "person_fields", "fields",
              "attachments", "note"});
  spec.code = r.String(doc, "$", "code", true);
  spec.title = r.String(doc, "$", "title", true);
  spec.source = r.String(doc, "$", "source", true);
  spec.rule_sets = r.Strings(doc, "$", "rule_sets");
  if (spec.rule_sets.empty()) r.Fail("$.rule_sets", "应为非空数组：本表用于哪些规则集");
  spec.opinion_label = r.String(doc, "$", "opinion_label", true);
  std::set<std::string> keys;
  if (auto it = doc.find("person_fields"); it != doc.end() && it->is_array()) {
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string path = "$.person_fields[" + std::to_string(i) + "]";
      const Json& j = (*it)[i];
      if (!j.is_object()) {
        r.Fail(path, "应为对象");
        continue;
      }
      r.OnlyKeys(j, path, {"label", "field", "required", "not_in", "message"});
      HonourPersonField p{r.String(j, path, "label", true), r.String(j, path, "field", true),
                          r.Bool(j, path, "required"), r.Strings(j, path, "not_in"),
                          r.String(j, path, "message", false)};
      if (!p.field.empty() && FindPersonFieldByLabel(p.field) == nullptr)
        r.Fail(path + ".field", "「" + p.field + "」不是人员字段");
      if (!keys.insert(p.label).second) r.Fail(path + ".label", "与前面的栏目重名");
      spec.person_fields.push_back(std::move(p));
    }
  } else if (it != doc.end()) {
    r.Fail("$.person_fields", "应为数组");
  }
  auto fields = doc.find("fields");
  if (fields == doc.end() || !fields->is_array() || fields->empty()) {
    r.Fail("$.fields", "应为非空数组");
  } else {
    for (size_t i = 0; i < fields->size(); ++i) {
      const std::string path = "$.fields[" + std::to_string(i) + "]";
      HonourFieldSpec f = ReadField(r, (*fields)[i], path);
      if (!f.key.empty() && !keys.insert(f.key).second) r.Fail(path + ".key", "与前面的栏目重名");
      spec.fields.push_back(std::move(f));
    }
  }
  if (auto it = doc.find("attachments"); it != doc.end() && it->is_array()) {
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string path = "$.attachments[" + std::to_string(i) + "]";
      const Json& j = (*it)[i];
      if (!j.is_object()) {
        r.Fail(path, "应为对象");
        continue;
      }
      r.OnlyKeys(j, path, {"kind", "label", "min"});
      HonourAttachmentSpec a{r.String(j, path, "kind", true), r.String(j, path, "label", true),
                             r.Int(j, path, "min")};
      if (!a.kind.empty() && std::find(attachment_kinds.begin(), attachment_kinds.end(), a.kind) ==
                                 attachment_kinds.end())
        r.Fail(path + ".kind", "「" + a.kind + "」不是 attachments.json 中的附件类型");
      spec.attachments.push_back(std::move(a));
    }
  } else if (it != doc.end()) {
    r.Fail("$.attachments", "应为数组");
  }
  if (!r.errors().empty()) {
    const FieldError& first = r.errors().front();
    return InvalidArgument("推荐表定义「" + std::string(source_name) + "」有 " +
                               std::to_string(r.errors().size()) + " 处错误，第一处：" +
                               first.field + "：" + first.message,
                           r.errors());
  }
  return spec;
}

StatusOr<HonourForm> HonourFormFromJson(const HonourFormSpec& spec, std::string_view json_text) {
  Json doc = Json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return InvalidArgument("推荐表应为 JSON 对象（栏目名 → 内容）");
  HonourForm form;
  std::vector<FieldError> errors;
  auto text_of = [&](const Json& v, const std::string& where, std::string* out) {
    if (v.is_null()) return true;
    if (!v.is_string()) {
      errors.push_back({where, "「" + where + "」应为字符串", 0});
      return false;
    }
    const std::string raw = v.get<std::string>();
    if (!IsValidUtf8(raw)) {
      errors.push_back({where, "「" + where + "」不是有效的 UTF-8 文本", 0});
      return false;
    }
    *out = NormalizeText(raw);
    return true;
  };
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& key = it.key();
    const HonourFieldSpec* f = spec.Field(key);
    if (f == nullptr) {
      std::string known;
      for (const HonourFieldSpec& s : spec.fields) known += (known.empty() ? "" : "、") + s.key;
      errors.push_back(
          {key, "「" + spec.title + "」没有栏目「" + key + "」（可填：" + known + "）", 0});
      continue;
    }
    HonourValue value;
    const Json& v = it.value();
    switch (f->kind) {
      case HonourFieldSpec::Kind::kText: text_of(v, key, &value.text); break;
      case HonourFieldSpec::Kind::kDate: {
        std::string raw;
        if (!text_of(v, key, &raw) || raw.empty()) break;
        auto date = ParseDate(raw);
        if (!date.ok()) {
          errors.push_back({key, "「" + key + "」不是有效的日期：" + raw, 0});
        } else {
          value.text = date->ToString();
        }
        break;
      }
      case HonourFieldSpec::Kind::kAccept:
        if (v.is_boolean()) {
          if (v.get<bool>()) value.text = "是";
        } else if (!v.is_null()) {
          errors.push_back({key, "「" + key + "」应为 true（接受）或 false", 0});
        }
        break;
      case HonourFieldSpec::Kind::kChoices:
      case HonourFieldSpec::Kind::kTexts:
        if (v.is_null()) break;
        if (!v.is_array()) {
          errors.push_back({key, "「" + key + "」应为字符串数组", 0});
          break;
        }
        for (size_t i = 0; i < v.size(); ++i) {
          std::string item;
          if (!text_of(v[i], key + "[" + std::to_string(i + 1) + "]", &item) || item.empty())
            continue;
          // A tick reads as the form spells it, whatever the width of its brackets.
          for (const std::string& choice : f->values)
            if (NormalizeKey(choice) == NormalizeKey(item)) item = choice;
          value.items.push_back(std::move(item));
        }
        break;
      case HonourFieldSpec::Kind::kRows:
        if (v.is_null()) break;
        if (!v.is_array()) {
          errors.push_back({key, "「" + key + "」应为对象数组（每行一个对象）", 0});
          break;
        }
        for (size_t i = 0; i < v.size(); ++i) {
          const std::string row_name = key + "第" + std::to_string(i + 1) + "行";
          if (!v[i].is_object()) {
            errors.push_back({key, "「" + row_name + "」应为对象", 0});
            continue;
          }
          std::vector<std::string> row(f->columns.size());
          for (auto c = v[i].begin(); c != v[i].end(); ++c) {
            auto col =
                std::find_if(f->columns.begin(), f->columns.end(),
                             [&](const HonourFieldSpec::Column& x) { return x.key == c.key(); });
            if (col == f->columns.end()) {
              errors.push_back({key, "「" + row_name + "」没有「" + c.key() + "」一栏", 0});
              continue;
            }
            text_of(c.value(), row_name + "「" + c.key() + "」",
                    &row[static_cast<size_t>(col - f->columns.begin())]);
          }
          if (std::any_of(row.begin(), row.end(), [](const std::string& s) { return !s.empty(); }))
            value.rows.push_back(std::move(row));
        }
        break;
    }
    form.values[key] = std::move(value);
  }
  if (!errors.empty()) return InvalidArgument(errors.front().message, errors);
  return form;
}

std::string HonourFormToJson(const HonourFormSpec& spec, const HonourForm& form) {
  Json out = Json::object();
  for (const HonourFieldSpec& f : spec.fields) {
    const HonourValue* v = form.Get(f.key);
    if (v == nullptr || v->empty()) continue;
    switch (f.kind) {
      case HonourFieldSpec::Kind::kText:
      case HonourFieldSpec::Kind::kDate: out[f.key] = v->text; break;
      case HonourFieldSpec::Kind::kAccept: out[f.key] = v->text == "是"; break;
      case HonourFieldSpec::Kind::kChoices:
      case HonourFieldSpec::Kind::kTexts: out[f.key] = v->items; break;
      case HonourFieldSpec::Kind::kRows: {
        Json rows = Json::array();
        for (const auto& row : v->rows) {
          Json r = Json::object();
          for (size_t i = 0; i < f.columns.size() && i < row.size(); ++i)
            r[f.columns[i].key] = row[i];
          rows.push_back(std::move(r));
        }
        out[f.key] = std::move(rows);
        break;
      }
    }
  }
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

HonourForm MergeHonourForm(const HonourForm& base, const HonourForm& patch) {
  HonourForm out = base;
  for (const auto& [key, value] : patch.values) out.values[key] = value;
  return out;
}

HonourFormCheck CheckHonourForm(const HonourFormSpec& spec, const HonourForm& form,
                                const Person& person) {
  HonourFormCheck out;
  for (const HonourPersonField& p : spec.person_fields) {
    const PersonField* field = FindPersonFieldByLabel(p.field);
    const std::string value = field == nullptr ? "" : field->TextOf(person);
    if (value.empty()) {
      if (p.required) Missing(&out, p.label);
      continue;
    }
    if (std::find(p.not_in.begin(), p.not_in.end(), value) != p.not_in.end()) {
      out.errors.push_back({p.label,
                            "「" + p.label + "」不能填「" + value + "」" +
                                (p.message.empty() ? "" : "：" + p.message),
                            0});
    }
  }
  for (const HonourFieldSpec& f : spec.fields) {
    const HonourValue* v = form.Get(f.key);
    if (v == nullptr || v->empty()) {
      if (f.required)
        Missing(&out, f.key, f.kind == HonourFieldSpec::Kind::kAccept ? "须接受声明" : "");
      continue;
    }
    switch (f.kind) {
      case HonourFieldSpec::Kind::kText: {
        CheckText(f, f.key, v->text, f.max_chars, &out);
        const size_t n = FormCharacters(v->text);
        if ((f.warn_below > 0 && n < static_cast<size_t>(f.warn_below)) ||
            (f.warn_above > 0 && n > static_cast<size_t>(f.warn_above))) {
          out.warnings.push_back({f.key,
                                  "「" + f.key + "」现为" + std::to_string(n) + "字，宜在" +
                                      std::to_string(f.warn_below) + "～" +
                                      std::to_string(f.warn_above) + "字之间" +
                                      (f.message.empty() ? "" : "（" + f.message + "）"),
                                  0});
        }
        break;
      }
      case HonourFieldSpec::Kind::kDate:
      case HonourFieldSpec::Kind::kAccept: break;
      case HonourFieldSpec::Kind::kChoices:
      case HonourFieldSpec::Kind::kTexts:
      case HonourFieldSpec::Kind::kRows: {
        const size_t n = f.kind == HonourFieldSpec::Kind::kRows ? v->rows.size() : v->items.size();
        if (f.max_items > 0 && n > static_cast<size_t>(f.max_items)) {
          out.errors.push_back({f.key,
                                "「" + f.key + "」最多" + std::to_string(f.max_items) + "项（现为" +
                                    std::to_string(n) + "项）",
                                0});
        }
        if (n < static_cast<size_t>(f.min_items)) {
          out.missing.push_back({f.key,
                                 "「" + f.key + "」至少" + std::to_string(f.min_items) +
                                     "项（现为" + std::to_string(n) + "项）",
                                 0});
        }
        std::set<std::string> seen;
        for (size_t i = 0; i < v->items.size(); ++i) {
          const std::string& item = v->items[i];
          if (f.kind == HonourFieldSpec::Kind::kChoices) {
            if (std::find(f.values.begin(), f.values.end(), item) == f.values.end())
              out.errors.push_back({f.key, "「" + f.key + "」没有选项「" + item + "」", 0});
            else if (!seen.insert(item).second)
              out.errors.push_back({f.key, "「" + f.key + "」重复勾选「" + item + "」", 0});
          } else {
            CheckText(f, f.key + "第" + std::to_string(i + 1) + "项", item, f.item_max_chars, &out);
          }
        }
        for (size_t r = 0; r < v->rows.size(); ++r) {
          for (size_t c = 0; c < f.columns.size() && c < v->rows[r].size(); ++c) {
            CheckText(f, f.key + "第" + std::to_string(r + 1) + "行「" + f.columns[c].key + "」",
                      v->rows[r][c], f.columns[c].max_chars, &out);
          }
        }
        break;
      }
    }
  }
  return out;
}

}  // namespace tp::registry
