#include "registry/fields/validate.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <array>
#include <bitset>
#include <stdexcept>
#include <unordered_map>

#include "registry/base/person_fields.h"
#include "registry/fields/id_number.h"
#include "registry/fields/text.h"

namespace tp::registry {
namespace {

// The columns read by a rule of their own. Every other person field of the table
// (base/person_fields.h) is read by its kind: text as given, a list split on 、，；, a yes/no.
enum class Column {
  kField,  // a person field without a rule of its own
  kPublicId,
  kName,
  kGender,
  kEthnicGroup,
  kBirthDate,
  kIdNumber,
  kAffiliation,
  kUnit,
  kUnitAndPost,
  kTitle,
  kPhone,
  kEmail,
  kPostcode,
  kNationality,
  kRecommendingUnit,
  kUnitType,
  kTier,
  kGroupType,
  kAdmissionYear,
  kOpinion,
  kProvince,
  kEmployment,
  kRowNumber,
  kCount  // not a column
};

struct ColumnName {
  std::string_view name;
  Column column;
};

// The canonical columns in the order CanonicalColumns() lists them: the contract's import
// columns first, then the other person fields under the wording of the forms ([000] 学员情况表,
// [002] 推荐表), then two columns of the forms' layout. A person field's label and other
// headings are those of the field table; kField marks a field read by its kind.
constexpr ColumnName kColumns[] = {
    {"编号", Column::kPublicId},
    {"姓名", Column::kName},
    {"性别", Column::kGender},
    {"民族", Column::kEthnicGroup},
    {"出生日期", Column::kBirthDate},
    {"身份证号", Column::kIdNumber},
    {"籍贯", Column::kField},
    {"政治面貌", Column::kAffiliation},
    {"工作单位", Column::kUnit},
    {"职务", Column::kField},
    {"技术职称", Column::kTitle},
    {"最高学历", Column::kField},
    {"擅长领域", Column::kField},
    {"主要成就", Column::kField},
    {"手机", Column::kPhone},
    {"电子邮箱", Column::kEmail},
    {"推荐单位", Column::kRecommendingUnit},
    {"推荐单位类型", Column::kUnitType},
    {"人才类别", Column::kTier},
    {"所属群体", Column::kGroupType},
    {"入库年度", Column::kAdmissionYear},
    {"可否参加专题研修班", Column::kField},
    {"可否参加国情研修活动", Column::kField},
    {"出生地", Column::kField},
    {"国外永久居留权", Column::kField},
    {"特长爱好", Column::kField},
    {"是否院士", Column::kField},
    {"通讯地址", Column::kField},
    {"邮编", Column::kPostcode},
    {"学位", Column::kField},
    {"毕业院校", Column::kField},
    {"所学专业", Column::kField},
    {"人大政协任职", Column::kField},
    {"科协及学会任职", Column::kField},
    {"知联会海联会新联会", Column::kField},
    {"其他社会职务", Column::kField},
    {"主要经历", Column::kField},
    {"推荐单位意见", Column::kOpinion},
    {"所在省份", Column::kProvince},
    {"在职状态", Column::kEmployment},
    {"国籍", Column::kNationality},
    {kUnitAndPostColumn, Column::kUnitAndPost},
    {kRowNumberColumn, Column::kRowNumber},
};

// Other headers of the columns that are not person fields (the person fields' own are in the
// field table). Keys are in NormalizeKey form, ASCII lower-cased.
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"单位职务", "工作单位及职务"}, {"单位及职务", "工作单位及职务"}, {"人才类型", "人才类别"},
    {"入库年份", "入库年度"},       {"推荐理由", "推荐单位意见"},
};

std::string LowerAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// At most this many canonical columns: a row notes the ones it has read in a bitset of this size.
constexpr std::size_t kMaxColumns = 64;

// A canonical column: its rule, the person field it fills (nullptr for the columns that are not
// person fields), and its place in the list, by which a row notes the columns it has read.
struct ColumnInfo {
  std::string_view name;
  Column column = Column::kCount;
  const PersonField* field = nullptr;
  std::size_t index = 0;
};

struct Vocabulary {
  std::unordered_map<std::string_view, ColumnInfo> by_canonical;
  std::unordered_map<std::string, std::string_view> by_header;  // normalised header → canonical
  std::vector<std::string_view> canonical_list;
};

const Vocabulary& Vocab() {
  static const Vocabulary vocabulary = [] {
    Vocabulary v;
    auto add = [&v](std::string_view name, Column column, const PersonField* field) {
      const std::size_t index = v.by_canonical.size();
      if (index >= kMaxColumns) throw std::logic_error("validate.cc: raise kMaxColumns");
      v.by_canonical.emplace(name, ColumnInfo{name, column, field, index});
      v.by_header.emplace(std::string(name), name);
      if (column != Column::kRowNumber && column != Column::kUnitAndPost)
        v.canonical_list.push_back(name);
    };
    for (const ColumnName& c : kColumns) add(c.name, c.column, FindPersonFieldByLabel(c.name));
    // A person field the list above does not name yet is read by its kind.
    for (const PersonField& f : PersonFields()) {
      if (v.by_canonical.count(f.label) == 0) add(f.label, Column::kField, &f);
      for (std::string_view alias : AliasesOf(f))
        v.by_header.emplace(LowerAscii(NormalizeKey(alias)), f.label);
    }
    for (const auto& [alias, canonical] : kAliases) {
      v.by_header.emplace(LowerAscii(NormalizeKey(alias)), v.by_canonical.find(canonical)->first);
    }
    return v;
  }();
  return vocabulary;
}

// The canonical column of a header, nullptr when it names none.
const ColumnInfo* ColumnOf(std::string_view name) {
  const Vocabulary& v = Vocab();
  auto it = v.by_canonical.find(name);
  if (it != v.by_canonical.end()) return &it->second;
  const std::optional<std::string_view> canonical = CanonicalColumn(name);
  return canonical ? &v.by_canonical.find(*canonical)->second : nullptr;
}

// ---- field rules -------------------------------------------------------------

constexpr std::string_view kMiddleDot = "\xC2\xB7";  // ·

bool IsBlankChar(UChar32 c) { return c == ' ' || c == '\t' || c == '\n'; }

// 姓名 with its dot variants unified and the padding spaces of forms ("张　三")
// removed; spaces stay only between Latin letters ("John Smith").
std::string CleanName(const std::string& value) {
  std::string out;
  const auto* s = reinterpret_cast<const uint8_t*>(value.data());
  const int32_t n = static_cast<int32_t>(value.size());
  bool pending_space = false;
  bool last_latin = false;
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (IsBlankChar(c)) {
      pending_space = true;
      continue;
    }
    const bool latin = c < 0x80 && u_isalpha(c);
    if (pending_space && last_latin && latin) out.push_back(' ');
    pending_space = false;
    if (c == '.' || c == 0x00B7 || c == 0x30FB || c == 0x2022 || c == 0x2027 || c == 0x2219 ||
        c == 0x22C5) {
      out.append(kMiddleDot);
    } else {
      out.append(value, static_cast<std::size_t>(start), static_cast<std::size_t>(i - start));
    }
    last_latin = latin;
  }
  return out;
}

std::optional<std::string> CheckName(const std::string& name) {
  const std::size_t length = CountCharacters(name);
  if (length < 2) return "至少应有2个字";
  if (length > 30) return "不能超过30个字（现为" + std::to_string(length) + "个字）";
  const auto* s = reinterpret_cast<const uint8_t*>(name.data());
  const int32_t n = static_cast<int32_t>(name.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    UErrorCode status = U_ZERO_ERROR;
    const bool han = c >= 0 && uscript_getScript(c, &status) == USCRIPT_HAN;
    if (han || c == ' ' || c == 0x00B7 || (c >= 0 && u_isalpha(c))) continue;
    return "含有不允许的字符「" +
           name.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)) +
           "」：只能使用汉字、字母和间隔号「·」";
  }
  if (name.rfind(kMiddleDot, 0) == 0 || name.compare(name.size() - 2, 2, kMiddleDot) == 0) {
    return "间隔号「·」不能在开头或结尾";
  }
  return std::nullopt;
}

std::optional<std::string> ParseGender(const std::string& v) {
  if (v == "男" || v == "男性") return "男";
  if (v == "女" || v == "女性") return "女";
  return std::nullopt;
}

std::optional<bool> ParseYesNo(const std::string& raw) {
  const std::string v = LowerAscii(raw);
  static const std::unordered_map<std::string_view, bool> kWords = {
      {"是", true},    {"有", true},  {"可以", true},    {"能", true},    {"可", true},
      {"y", true},     {"yes", true}, {"√", true},       {"✓", true},     {"✔", true},
      {"否", false},   {"无", false}, {"不可以", false}, {"不能", false}, {"不可", false},
      {"没有", false}, {"n", false},  {"no", false},     {"×", false},    {"✗", false},
      {"✘", false}};
  const auto it = kWords.find(v);
  if (it == kWords.end()) return std::nullopt;
  return it->second;
}

bool IsAsciiDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// Mainland mobile (11 digits) or landline with area code ("0771-2803986").
std::optional<std::string> NormalizePhone(const std::string& value) {
  std::string s;
  for (char c : value) {
    if (c == ' ' || c == '-' || c == '(' || c == ')') continue;
    s.push_back(c);
  }
  if (s.rfind("+86", 0) == 0) {
    s.erase(0, 3);
  } else if (s.rfind("0086", 0) == 0) {
    s.erase(0, 4);
  } else if (s.size() == 13 && s.rfind("86", 0) == 0) {
    s.erase(0, 2);
  }
  if (!IsAsciiDigits(s)) return std::nullopt;
  if (s.size() == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9') return s;
  if (s[0] == '0' && s.size() >= 10 && s.size() <= 12) {
    // 010 and 02x are three-digit area codes; every other is four digits.
    const std::size_t area = (s[1] == '1' || s[1] == '2') ? 3 : 4;
    const std::size_t local = s.size() - area;
    if (local >= 7 && local <= 8 && s[area] != '0') return s.substr(0, area) + "-" + s.substr(area);
  }
  return std::nullopt;
}

bool IsEmail(std::string_view v) {
  const std::size_t at = v.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 ||
      v.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  for (char c : v.substr(0, at)) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= ' ' || u >= 0x7F ||
        std::string_view("()<>[]\\,;:\"").find(c) != std::string_view::npos) {
      return false;
    }
  }
  const std::string_view domain = v.substr(at + 1);
  std::size_t labels = 0;
  std::string_view last;
  std::size_t start = 0;
  while (start <= domain.size()) {
    const std::size_t dot = domain.find('.', start);
    const std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label) {
      const bool ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2 || last.size() < 2) return false;
  for (char c : last) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

std::optional<std::string> ParseTier(const std::string& v) {
  if (v == "领军人才" || v == "领军" || v == "领军人才班") return "领军人才";
  if (v == "青年人才" || v == "青年" || v == "青年人才班") return "青年人才";
  return std::nullopt;
}

// 所属群体: one of the three new groups, or "" for none.
std::optional<std::string> ParseGroupType(const std::string& v) {
  if (v == "新经济组织" || v == "新经济") return "新经济组织";
  if (v == "新社会组织" || v == "新社会") return "新社会组织";
  if (v == "新就业群体" || v == "新就业") return "新就业群体";
  if (v == "无" || v == "否" || v == "/" || v == "-") return std::string();
  return std::nullopt;
}

std::optional<std::string> ParseEmployment(const std::string& v) {
  if (v == "在职" || v == "在岗") return "在职";
  if (v == "离退休" || v == "退休" || v == "离休" || v == "已退休") return "离退休";
  if (v == "去世" || v == "已故" || v == "逝世" || v == "不在世") return "去世";
  return std::nullopt;
}

bool IsChina(const std::string& v) {
  return v == "中国" || v == "中华人民共和国" || v == "中国籍" || v == "中国国籍" ||
         LowerAscii(v) == "china" || v == "CN";
}

// Levels rather than titles: SPEC asks for the title itself (研究员, not 正高).
bool IsBareTitleLevel(const std::string& v) {
  return v == "正高" || v == "副高" || v == "正高级" || v == "副高级" || v == "高级" ||
         v == "中级" || v == "初级";
}

bool IsPublicId(const std::string& v) {
  if (v.empty() || v.size() > 32) return false;
  for (char c : v) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out.append(separator);
    out.append(item);
  }
  return out;
}

// The bytes of the first `characters` characters of `utf8`.
std::size_t PrefixBytes(std::string_view utf8, std::size_t characters) {
  std::size_t at = 0;
  for (std::size_t n = 0; at < utf8.size() && n < characters; ++n) {
    do {
      ++at;
    } while (at < utf8.size() && (static_cast<unsigned char>(utf8[at]) & 0xC0) == 0x80);
  }
  return at;
}

// A message quotes the cell it is about: 「…」. Quoted whole, a cell of many
// KB makes each message of a rejected row as large as the row, and the
// messages are kept for the report and the annotated copy (a 30 MB upload of
// 2,000 rows with a 15 KB 民族 cell made 60 MB of messages). A long quote
// keeps its start and says how long the cell is; the row has the rest.
std::string ShortenQuotes(std::string message) {
  constexpr std::size_t kMaxQuoted = 50;  // characters, more than any real value's
  constexpr std::size_t kKept = 20;
  constexpr std::string_view kOpen = "「", kClose = "」";
  for (std::size_t open = message.find(kOpen); open != std::string::npos;
       open = message.find(kOpen, open)) {
    std::size_t begin = open + kOpen.size();
    std::size_t end = message.find(kClose, begin);
    if (end == std::string::npos) break;
    std::string_view quoted = std::string_view(message).substr(begin, end - begin);
    std::size_t characters = CountCharacters(quoted);
    if (characters > kMaxQuoted) {
      // A new string, not replace(): that would keep the long one's memory.
      std::string shorter = message.substr(0, begin);
      shorter.append(quoted.substr(0, PrefixBytes(quoted, kKept)));
      shorter += "…（共 " + std::to_string(characters) + " 字）";
      const std::size_t shorter_end = shorter.size();
      shorter.append(message, end, std::string::npos);
      message = std::move(shorter);
      end = shorter_end;
    }
    open = end + kClose.size();
  }
  return message;
}

// Reads the cells of one row into a Person: each column once, by its rule, every problem a
// FieldError; then Finish() checks what one field says of another (the ID number's sex, birth
// date and province against those columns).
class PersonReader {
 public:
  PersonReader(const ReferenceData& reference, const PartialDate& today, Person* out)
      : reference_(reference), today_(today), p_(*out) {}

  void Read(const std::string& column, const std::string& raw) {
    std::string value = NormalizeText(raw);
    if (value.empty()) return;
    // Only text that normalisation changed needs keeping for a reprint; the
    // rest is the stored value itself.
    if (value != raw) p_.as_typed.emplace_back(column, raw);
    const ColumnInfo* info = ColumnOf(column);
    if (info == nullptr || info->column == Column::kRowNumber) return;
    if (seen_[info->index]) return;
    seen_[info->index] = true;
    if (info->column == Column::kField) {
      ReadByKind(*info->field, std::move(value));
    } else if (!ReadIdentity(info->column, info->name, value)) {
      ReadPlacement(info->column, info->name, std::move(value));
    }
  }

  std::vector<FieldError> Finish();

 private:
  void Fail(std::string_view field, std::string message) {
    errors_.push_back(FieldError{std::string(field), ShortenQuotes(std::move(message))});
  }
  bool Seen(std::size_t index) const { return seen_[index]; }
  static std::size_t IndexOf(std::string_view canonical) {
    return Vocab().by_canonical.find(canonical)->second.index;
  }

  void ReadByKind(const PersonField& field, std::string value);
  bool ReadIdentity(Column column, std::string_view field, std::string& value);
  void ReadPlacement(Column column, std::string_view field, std::string value);

  const ReferenceData& reference_;
  const PartialDate& today_;
  Person& p_;
  std::bitset<kMaxColumns> seen_;  // by ColumnInfo::index
  std::vector<FieldError> errors_;
  std::optional<IdNumber> id_;
  std::optional<PartialDate> birth_;
  bool gender_ok_ = false;
  std::string unit_and_post_;
};

// A person field without a rule of its own, read by its kind.
void PersonReader::ReadByKind(const PersonField& field, std::string value) {
  switch (field.kind) {
    case PersonFieldKind::kText:
    case PersonFieldKind::kSealed: p_.*(field.text) = std::move(value); break;
    case PersonFieldKind::kList: p_.*(field.list) = SplitMultiValue(value); break;
    case PersonFieldKind::kYesNo:
      if (const std::optional<bool> answer = ParseYesNo(value)) {
        p_.*(field.yes_no) = answer;
      } else {
        Fail(field.label,
             "「" + value + "」应填「是」或「否」（也可填 有/无、可以/不可以、能/不能、Y/N、√/×）");
      }
      break;
  }
}

// Who the person is and how to reach them; false for a column read by ReadPlacement.
bool PersonReader::ReadIdentity(Column column, std::string_view field, std::string& value) {
  Person& p = p_;
  switch (column) {
    case Column::kPublicId:
      if (IsPublicId(value)) {
        p.public_id = std::move(value);
      } else {
        Fail(field, "「" + value + "」只能由字母、数字、下划线和连字符组成，且不超过32个字符");
      }
      return true;
    case Column::kName: {
      std::string name = CleanName(value);
      if (auto problem = CheckName(name)) {
        Fail(field, *problem);
      } else {
        p.name = std::move(name);
      }
      return true;
    }
    case Column::kGender:
      if (auto gender = ParseGender(value)) {
        p.gender = *gender;
        gender_ok_ = true;
      } else {
        Fail(field, "应为「男」或「女」，实为「" + value + "」");
      }
      return true;
    case Column::kEthnicGroup:
      if (const std::string* group = reference_.EthnicGroup(value)) {
        p.ethnic_group = *group;
      } else if (auto candidates = reference_.EthnicGroupCandidates(value); candidates.size() > 1) {
        Fail(field, "「" + value + "」可能是" + Join(candidates, "、") + "，请填写民族全称");
      } else {
        Fail(field, "「" + value + "」不是56个民族之一，请填写如「汉族」「壮族」的民族名称");
      }
      return true;
    case Column::kBirthDate: {
      auto date = ParseDate(value, today_);
      if (date.ok()) {
        birth_ = *date;
        p.birth_date = date->ToString();
      } else {
        Fail(field, date.status().message());
      }
      return true;
    }
    case Column::kIdNumber: {
      auto parsed = ParseIdNumber(value, reference_, today_);
      if (parsed.ok()) {
        id_ = std::move(parsed).value();
      } else {
        for (const FieldError& e : parsed.status().details()) Fail(field, e.message);
      }
      return true;
    }
    case Column::kAffiliation:
      if (const std::string* affiliation = reference_.PoliticalAffiliation(value)) {
        p.political_affiliation = *affiliation;
      } else {
        Fail(field, "「" + value + "」不是政治面貌代码表（GB/T 4762）中的值，可选：" +
                        Join(reference_.PoliticalAffiliations(), "、"));
      }
      return true;
    case Column::kUnit: p.unit_name = std::move(value); return true;
    case Column::kUnitAndPost: unit_and_post_ = std::move(value); return true;
    case Column::kTitle:
      if (IsBareTitleLevel(value)) {
        Fail(field, "请填写具体的职称名称（如「研究员」「教授」「高级工程师」），不要只写「" +
                        value + "」");
      } else {
        p.title = std::move(value);
      }
      return true;
    case Column::kPhone:
      if (auto phone = NormalizePhone(value)) {
        p.phone = std::move(*phone);
      } else {
        Fail(field,
             "「" + value +
                 "」不是有效的手机号（1开头的11位数字）或带区号的固定电话（如0771-2803986）");
      }
      return true;
    case Column::kEmail:
      if (IsEmail(value)) {
        p.email = std::move(value);
      } else {
        Fail(field, "「" + value + "」不是有效的电子邮箱地址");
      }
      return true;
    case Column::kPostcode:
      if (value.size() == 6 && IsAsciiDigits(value)) {
        p.postcode = std::move(value);
      } else {
        Fail(field, "「" + value + "」应为6位数字");
      }
      return true;
    case Column::kNationality:
      p.nationality = IsChina(value) ? std::string() : std::move(value);
      return true;
    default: return false;
  }
}

// Where the person stands: the recommending unit, tier, group, admission, province, status.
void PersonReader::ReadPlacement(Column column, std::string_view field, std::string value) {
  Person& p = p_;
  switch (column) {
    case Column::kRecommendingUnit: p.recommending_unit = std::move(value); break;
    case Column::kUnitType:
      if (const UnitType* type = reference_.FindUnitType(value)) {
        p.recommending_unit_type = type->label;
      } else {
        std::vector<std::string> labels;
        for (const UnitType& t : reference_.UnitTypes()) labels.push_back(t.label);
        Fail(field, "「" + value + "」不是已知的推荐单位类型，可选：" + Join(labels, "、"));
      }
      break;
    case Column::kTier:
      if (auto tier = ParseTier(value)) {
        p.tier = *tier;
      } else {
        Fail(field, "应为「领军人才」或「青年人才」，实为「" + value + "」");
      }
      break;
    case Column::kGroupType:
      if (auto group = ParseGroupType(value)) {
        p.group_type = *group;
      } else {
        Fail(field, "应为「新经济组织」「新社会组织」「新就业群体」之一，不属于时留空");
      }
      break;
    case Column::kAdmissionYear: {
      std::string year = value;
      if (year.size() > 3 && year.compare(year.size() - 3, 3, "年") == 0)
        year.resize(year.size() - 3);
      const int next_year = today_.year + 1;
      if (year.size() == 4 && IsAsciiDigits(year) && std::stoi(year) >= 2000 &&
          std::stoi(year) <= next_year) {
        p.admission_year = std::stoi(year);
      } else {
        Fail(field, "「" + value + "」应为2000年到" + std::to_string(next_year) + "年之间的年份");
      }
      break;
    }
    case Column::kOpinion: {
      const std::size_t length = CountCharacters(value);
      if (length > 100) {
        Fail(field, "不能超过100字（现为" + std::to_string(length) + "字）");
      } else {
        p.opinion = std::move(value);
      }
      break;
    }
    case Column::kProvince: {
      const std::string code = reference_.ProvinceCode(value);
      if (code.empty()) {
        Fail(field,
             "「" + value + "」不是省级行政区的名称或代码（如「广西」「广西壮族自治区」「45」）");
      } else {
        p.province = code;
      }
      break;
    }
    case Column::kEmployment:
      if (auto status = ParseEmployment(value)) {
        p.employment_status = *status;
      } else {
        Fail(field, "应为「在职」「离退休」「去世」之一，实为「" + value + "」");
      }
      break;
    default: break;
  }
}

std::vector<FieldError> PersonReader::Finish() {
  // The columns read by position: looked up once, not for every row of an import.
  static const std::size_t kName = IndexOf("姓名"), kUnit = IndexOf("工作单位"),
                           kUnitAndPost = IndexOf(kUnitAndPostColumn), kGender = IndexOf("性别"),
                           kBirthDate = IndexOf("出生日期"), kProvince = IndexOf("所在省份");
  Person& p = p_;
  if (!Seen(kName)) Fail("姓名", "不能为空");
  if (!Seen(kUnit) && Seen(kUnitAndPost)) p.unit_name = unit_and_post_;
  if (id_) {
    p.id_number = id_->number;
    if (!Seen(kGender)) {
      p.gender = id_->gender;
    } else if (gender_ok_ && p.gender != id_->gender) {
      Fail("性别", "与身份证号不符：身份证号显示性别为" + id_->gender);
    }
    if (!Seen(kBirthDate)) {
      p.birth_date = id_->birth_date;
    } else if (birth_) {
      // 出生年月 gives only the month, so only the month can disagree.
      const std::string from_id = birth_->day == 0 ? id_->birth_date.substr(0, 7) : id_->birth_date;
      if (birth_->ToString() != from_id) {
        Fail("出生日期", "与身份证号不符：身份证号显示出生日期为" + id_->birth_date);
      }
    }
    // A residence permit's 81/82/83 says where the holder comes from, not where they live.
    if (!Seen(kProvince) && !id_->residence_permit) p.province = id_->region_code.substr(0, 2);
  }
  return std::move(errors_);
}

}  // namespace

std::optional<std::string_view> CanonicalColumn(std::string_view header) {
  const Vocabulary& v = Vocab();
  std::string key = LowerAscii(NormalizeKey(header));
  // A required-field star or a trailing colon is decoration ("姓名*", "姓名:").
  while (!key.empty() && (key.back() == '*' || key.back() == ':')) key.pop_back();
  auto it = v.by_header.find(key);
  if (it != v.by_header.end()) return it->second;
  // A trailing note in brackets: "主要成就(工作成绩、成果、受奖励和荣誉称号等)".
  if (!key.empty() && key.back() == ')') {
    const std::size_t open = key.rfind('(');
    if (open != std::string::npos && open > 0) {
      it = v.by_header.find(key.substr(0, open));
      if (it != v.by_header.end()) return it->second;
    }
  }
  return std::nullopt;
}

const std::vector<std::string_view>& CanonicalColumns() { return Vocab().canonical_list; }

std::vector<FieldError> BuildPerson(const std::vector<std::pair<std::string, std::string>>& cells,
                                    const ReferenceData& reference, Person* out) {
  return BuildPerson(cells, reference, Today(), out);
}

std::vector<FieldError> BuildPerson(const std::vector<std::pair<std::string, std::string>>& cells,
                                    const ReferenceData& reference, const PartialDate& today,
                                    Person* out) {
  out->as_typed.clear();
  out->as_typed.reserve(cells.size());
  PersonReader reader(reference, today, out);
  for (const auto& [column, raw] : cells) reader.Read(column, raw);
  return reader.Finish();
}

}  // namespace tp::registry
