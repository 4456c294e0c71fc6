#include "registry/import/demo_data.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace tp::registry {
namespace {

// ---------------------------------------------------------------------------
// Random numbers. xoshiro256** 1.0 (Blackman and Vigna, "Scrambled linear
// pseudorandom number generators", 2018), its state filled by splitmix64 as
// the authors advise. Everything downstream is integer arithmetic, so a seed
// means the same rows on every compiler and machine.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& word : s_) word = SplitMix64(&x);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), n > 0, by the multiply-high reduction: one draw, no
  // division; its bias (n / 2^64) is far below anything a demo can show.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  int Int(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool Percent(int64_t p) { return static_cast<int64_t>(Below(100)) < p; }
  bool PerMille(int64_t p) { return static_cast<int64_t>(Below(1000)) < p; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix64(uint64_t* x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  std::array<uint64_t, 4> s_{};
};

// Picks index i with probability weight[i] / total. Weights are fixed-point
// integers (see ParseWeight), so picks do not depend on floating point.
class Picker {
 public:
  void Add(int64_t weight) {
    total_ += static_cast<uint64_t>(weight);
    cumulative_.push_back(total_);
  }
  bool empty() const { return total_ == 0; }
  size_t Pick(Rng& rng) const {
    const uint64_t r = rng.Below(total_);
    return static_cast<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), r) -
                               cumulative_.begin());
  }

 private:
  std::vector<uint64_t> cumulative_;
  uint64_t total_ = 0;
};

// ---------------------------------------------------------------------------
// Reading the tables.

struct TsvLine {
  int number = 0;
  std::vector<std::string> fields;
};

struct TsvFile {
  std::string name;
  std::vector<TsvLine> lines;  // without comments and blank lines
};

Status BadLine(const std::string& file, int line, const std::string& message) {
  return InvalidArgument(
      "参考数据文件「" + file + "」第 " + std::to_string(line) + " 行：" + message,
      {FieldError{file, message, line}});
}

StatusOr<TsvFile> ReadTsv(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/" + name, std::ios::binary);
  if (!in) return NotFound("找不到参考数据文件「" + name + "」（数据目录 " + dir + "）");
  TsvFile file;
  file.name = name;
  std::string text;
  int number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty() || text[0] == '#') continue;
    TsvLine line;
    line.number = number;
    size_t start = 0;
    while (true) {
      const size_t tab = text.find('\t', start);
      line.fields.push_back(text.substr(start, tab == std::string::npos ? tab : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    file.lines.push_back(std::move(line));
  }
  return file;
}

// "74.9" -> 749000: decimal weights as integers scaled by 10^4, parsed by
// hand so that no locale or floating-point rounding is involved.
constexpr int64_t kWeightScale = 10000;

std::optional<int64_t> ParseWeight(std::string_view text) {
  int64_t whole = 0;
  int64_t fraction = 0;
  int64_t fraction_scale = kWeightScale;
  bool seen_digit = false;
  bool in_fraction = false;
  for (char c : text) {
    if (c == '.' && !in_fraction) {
      in_fraction = true;
    } else if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (in_fraction) {
        if (fraction_scale == 1) return std::nullopt;  // more than four decimals
        fraction_scale /= 10;
        fraction += (c - '0') * fraction_scale;
      } else {
        whole = whole * 10 + (c - '0');
        if (whole > 1'000'000'000) return std::nullopt;
      }
    } else {
      return std::nullopt;
    }
  }
  if (!seen_digit) return std::nullopt;
  return whole * kWeightScale + fraction;
}

std::optional<int> ParseInt(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return parts;
}

void ReplaceAll(std::string* text, std::string_view key, std::string_view value) {
  size_t at = 0;
  while ((at = text->find(key, at)) != std::string::npos) {
    text->replace(at, key.size(), value);
    at += value.size();
  }
}

// Every {key} of `tpl` must be one of `allowed`; a typo in a table is caught at
// load time, not printed into a million rows.
bool TemplateKeysAllowed(std::string_view tpl, std::initializer_list<std::string_view> allowed) {
  size_t at = 0;
  while ((at = tpl.find('{', at)) != std::string_view::npos) {
    const size_t close = tpl.find('}', at);
    if (close == std::string_view::npos) return false;
    const std::string_view key = tpl.substr(at, close - at + 1);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) return false;
    at = close + 1;
  }
  return true;
}

bool EndsWith(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

void AppendInt(int64_t value, std::string* out) {
  char digits[24];
  int n = 0;
  const bool negative = value < 0;
  uint64_t v = negative ? static_cast<uint64_t>(-(value + 1)) + 1 : static_cast<uint64_t>(value);
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (negative) out->push_back('-');
  while (n > 0) out->push_back(digits[--n]);
}

void AppendPadded(uint64_t value, int width, std::string* out) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (int i = n; i < width; ++i) out->push_back('0');
  while (n > 0) out->push_back(digits[--n]);
}

// ---------------------------------------------------------------------------
// The loaded tables.

constexpr int kDomainCount = 9;
constexpr std::array<std::string_view, kDomainCount> kDomainCodes = {"农", "医", "工", "信", "理",
                                                                     "环", "材", "能", "综"};
constexpr uint32_t kAllDomains = (1u << kDomainCount) - 1;

// Where a person works, which decides the titles and posts that fit.
enum class Sector {
  kUniversity,
  kHospital,
  kInstitute,
  kEnterprise,
  kCompany,
  kSocial,
  kStudio,
  kOther
};
constexpr int kSectorCount = 8;

std::optional<Sector> ParseSector(std::string_view text) {
  if (text == "university") return Sector::kUniversity;
  if (text == "hospital") return Sector::kHospital;
  if (text == "institute") return Sector::kInstitute;
  if (text == "enterprise") return Sector::kEnterprise;
  if (text == "company") return Sector::kCompany;
  if (text == "social") return Sector::kSocial;
  if (text == "studio") return Sector::kStudio;
  // Societies, associations and parks employ their own staff under "other".
  if (text == "other" || text == "society" || text == "association" || text == "park") {
    return Sector::kOther;
  }
  return std::nullopt;
}

// Titles come in five families; companies use enterprise titles, social
// organisations and studios the general ones.
constexpr int kTitleGroupCount = 5;
int TitleGroup(Sector sector) {
  switch (sector) {
    case Sector::kUniversity:
      return 0;
    case Sector::kHospital:
      return 1;
    case Sector::kInstitute:
      return 2;
    case Sector::kEnterprise:
    case Sector::kCompany:
      return 3;
    default:
      return 4;
  }
}

enum class NameStyle { kHan, kUyghur, kKazakh, kTibetan, kMongolian, kKorean };

struct NamePart {
  std::string text;
  std::string pinyin;  // without spaces; empty when unknown
};

// A list of names with a picker per gender (0 男, 1 女).
struct NameList {
  std::vector<NamePart> parts;
  std::array<Picker, 2> by_gender;
};

struct Place {
  std::string code;  // six digits
  std::string name;
  int province = 0;
  int prefecture = -1;        // index of the prefecture place, -1 when none
  std::vector<int> children;  // of a prefecture: its current counties
};

struct Province {
  std::string code;  // two digits
  std::string full_name;
  std::string short_name;
  std::string society_prefix;
  std::vector<int> cities;    // prefecture places, or the districts of a municipality
  std::vector<int> counties;  // places that ID numbers carry
  bool municipality = false;  // no prefectures: 北京, 天津, 上海, 重庆
};

struct Ethnic {
  std::string name;
  std::vector<int> homes;  // province indices, first the most likely
  NameStyle style = NameStyle::kHan;
  std::vector<int> surnames;  // indices into the surname list; empty = all
};

struct Unit {
  std::string name;
  int type = 0;
  int province = -1;  // -1 national
  Sector sector = Sector::kOther;
  uint32_t domains = kAllDomains;
};

struct UnitType {
  std::string label;
  int64_t new_group_percent = 0;
  std::vector<int> units;                     // all units of the type
  std::vector<std::vector<int>> by_province;  // units located in each province
};

// Workplaces by how widely their name applies: real named places, then
// per-province, per-city and per-county templates.
constexpr int kTierCount = 4;
constexpr std::array<int, kTierCount + 1> kTierWeights = {40, 20, 20, 8, 12};  // last: a company

struct Workplace {
  std::string name;
  Sector sector = Sector::kOther;
};

struct Field {
  std::string name;
  std::string department;  // hospital department, empty when none
};

struct Title {
  std::string name;
};

struct Post {
  std::string name;
  int min_age = 0;
  int64_t weight = 0;
};

enum class Who { kAny, kYoung, kSenior };
// Age classes for texts: young (<= youth age), middle, senior (> 40).
constexpr int kAgeClassCount = 3;

struct Achievement {
  std::string text;
  int min = 0;
  int max = 0;
};

struct TitleLevelRow {
  int max_age = 0;
  Picker levels;  // 0 正高, 1 副高, 2 中级
};

struct GroupKind {
  std::string label;
  Sector sector = Sector::kCompany;
};

struct WorkplaceTemplate {
  std::string text;
};

struct MailDomain {
  std::string domain;
  bool numeric = false;
};

struct Settings {
  int64_t no_id_per_mille = 0;
  int64_t one_char_given_name_percent = 0;
  int youth_max_age = 35;
  int64_t young_tier_percent = 0;
  int64_t minority_home_percent = 0;
  int64_t born_in_work_province_percent = 0;
  int64_t second_year_percent = 0;
  int64_t seminar_yes_percent = 0;
  int64_t study_tour_yes_percent = 0;
  int64_t department_percent = 0;
  int64_t two_sentence_percent = 0;
};

struct Tables {
  Settings settings;

  NameList surnames;
  Picker surname_pick;  // by population share
  NameList han_given;
  NameList uyghur, kazakh, tibetan, mongolian, korean_surnames, korean_given;

  std::vector<Province> provinces;
  Picker province_pick;
  std::vector<Place> places;

  Picker gender_pick;  // 0 男, 1 女
  std::vector<int> ages;
  Picker age_pick;
  std::vector<Ethnic> ethnics;
  Picker ethnic_pick;
  std::vector<std::string> affiliations;
  Picker affiliation_pick;
  std::vector<std::string> educations;
  std::array<Picker, 2> education_pick;  // 0 usual, 1 new groups

  std::vector<UnitType> unit_types;
  Picker unit_type_pick;
  std::vector<Unit> units;
  std::vector<GroupKind> groups;
  Picker group_pick;

  std::array<int64_t, kDomainCount> domain_weights{};
  Picker domain_pick;
  std::vector<Field> fields;
  std::array<std::vector<int>, kDomainCount> fields_by_domain;
  std::array<Picker, kDomainCount> field_pick;
  std::vector<int> field_counts;
  Picker field_count_pick;
  std::array<std::vector<std::string>, kDomainCount> schools;

  // pool[province][domain][tier] -> workplace indices
  std::vector<Workplace> workplaces;
  std::vector<std::array<std::array<std::vector<int>, kTierCount>, kDomainCount>> pool;

  std::vector<TitleLevelRow> title_levels;  // by ascending max_age
  std::array<std::array<std::vector<Title>, 3>, kTitleGroupCount> titles;
  std::array<std::array<Picker, 3>, kTitleGroupCount> title_pick;
  std::array<std::vector<Post>, kSectorCount> posts;

  std::array<std::vector<std::string>, kAgeClassCount> leads;
  std::array<Picker, kAgeClassCount> lead_pick;
  std::vector<Achievement> achievements;
  // achievement_pick[domain][age class] over achievement_index[domain][age class]
  std::array<std::array<std::vector<int>, kAgeClassCount>, kDomainCount> achievement_index;
  std::array<std::array<Picker, kAgeClassCount>, kDomainCount> achievement_pick;

  std::vector<std::string> brands;
  std::array<std::vector<std::string>, kDomainCount> industries;
  std::vector<std::string> company_suffixes;
  Picker company_suffix_pick;
  std::array<std::vector<WorkplaceTemplate>, kSectorCount> group_workplaces;
  std::array<Picker, kSectorCount> group_workplace_pick;
  std::vector<std::string> roads;
  std::vector<MailDomain> mail_domains;
  Picker mail_domain_pick;
  std::vector<char> phone_digits;
  Picker phone_digit_pick;
};

std::optional<int> DomainIndex(std::string_view code) {
  for (int i = 0; i < kDomainCount; ++i) {
    if (kDomainCodes[static_cast<size_t>(i)] == code) return i;
  }
  return std::nullopt;
}

std::optional<uint32_t> ParseDomains(const std::string& text) {
  if (text == "*") return kAllDomains;
  uint32_t mask = 0;
  for (const std::string& code : SplitComma(text)) {
    const std::optional<int> index = DomainIndex(code);
    if (!index) return std::nullopt;
    mask |= 1u << *index;
  }
  return mask;
}

std::string StripPinyin(std::string_view pinyin) {
  std::string out;
  for (char c : pinyin) {
    if (c != ' ') out.push_back(c);
  }
  return out;
}

// ----- loaders; each reports the file and line of the first problem.

Status LoadSurnames(const TsvFile& file, Tables* t) {
  for (const TsvLine& line : file.lines) {
    if (line.fields.size() != 3)
      return BadLine(file.name, line.number, "应有 3 列（姓氏、拼音、千分比）");
    const std::optional<int64_t> weight = ParseWeight(line.fields[2]);
    if (!weight || line.fields[0].empty()) return BadLine(file.name, line.number, "千分比不是数字");
    t->surnames.parts.push_back({line.fields[0], StripPinyin(line.fields[1])});
    t->surname_pick.Add(*weight);
  }
  if (t->surname_pick.empty()) return BadLine(file.name, 0, "没有姓氏");
  return Status::Ok();
}

Status LoadNames(const TsvFile& file, Tables* t) {
  const std::pair<std::string_view, NameList*> kinds[] = {{"han_given", &t->han_given},
                                                          {"uyghur", &t->uyghur},
                                                          {"kazakh", &t->kazakh},
                                                          {"tibetan", &t->tibetan},
                                                          {"mongolian", &t->mongolian},
                                                          {"korean_surname", &t->korean_surnames},
                                                          {"korean_given", &t->korean_given}};
  for (const TsvLine& line : file.lines) {
    if (line.fields.size() != 5) return BadLine(file.name, line.number, "应有 5 列");
    NameList* list = nullptr;
    for (const auto& [kind, target] : kinds) {
      if (line.fields[0] == kind) list = target;
    }
    if (list == nullptr)
      return BadLine(file.name, line.number, "未知的名字类别「" + line.fields[0] + "」");
    const std::optional<int64_t> male = ParseWeight(line.fields[3]);
    const std::optional<int64_t> female = ParseWeight(line.fields[4]);
    if (!male || !female) return BadLine(file.name, line.number, "权重不是数字");
    list->parts.push_back(
        {line.fields[1], line.fields[2] == "-" ? "" : StripPinyin(line.fields[2])});
    list->by_gender[0].Add(*male);
    list->by_gender[1].Add(*female);
  }
  for (const auto& [kind, list] : kinds) {
    if (list->by_gender[0].empty() || list->by_gender[1].empty()) {
      return BadLine(file.name, 0, "类别「" + std::string(kind) + "」缺少男性或女性名字");
    }
  }
  return Status::Ok();
}

int FindProvince(const Tables& t, std::string_view code) {
  for (size_t i = 0; i < t.provinces.size(); ++i) {
    if (t.provinces[i].code == code) return static_cast<int>(i);
  }
  return -1;
}

Status LoadRegions(const TsvFile& file, Tables* t) {
  std::unordered_map<std::string, int> prefecture_by_code;
  for (const TsvLine& line : file.lines) {
    if (line.fields.size() < 2 || line.fields[0].size() != 6) {
      return BadLine(file.name, line.number, "应为「六位代码<TAB>名称」");
    }
    if (line.fields.size() >= 3 && line.fields[2] == "historical") continue;
    const std::string& code = line.fields[0];
    const int province = FindProvince(*t, code.substr(0, 2));
    if (province < 0) continue;  // Hong Kong, Macao, Taiwan: no demo people there
    if (code.compare(2, 4, "0000") == 0) {
      if (line.fields[1] != t->provinces[static_cast<size_t>(province)].full_name) {
        return BadLine(file.name, line.number,
                       "省级名称「" + line.fields[1] + "」与 demo_vocabulary.tsv 不一致");
      }
      continue;
    }
    Place place{code, line.fields[1], province, -1, {}};
    const int index = static_cast<int>(t->places.size());
    if (code.compare(4, 2, "00") == 0) {
      prefecture_by_code[code] = index;
      t->provinces[static_cast<size_t>(province)].cities.push_back(index);
    }
    t->places.push_back(std::move(place));
  }
  std::vector<int> child_count(t->places.size(), 0);
  for (size_t i = 0; i < t->places.size(); ++i) {
    Place& place = t->places[i];
    if (place.code.compare(4, 2, "00") == 0) continue;
    const auto it = prefecture_by_code.find(place.code.substr(0, 4) + "00");
    if (it != prefecture_by_code.end()) {
      place.prefecture = it->second;
      ++child_count[static_cast<size_t>(it->second)];
      t->places[static_cast<size_t>(it->second)].children.push_back(static_cast<int>(i));
    }
    t->provinces[static_cast<size_t>(place.province)].counties.push_back(static_cast<int>(i));
  }
  // A city without districts (东莞市, 儋州市) is itself the code its people's IDs carry.
  for (size_t i = 0; i < t->places.size(); ++i) {
    if (t->places[i].code.compare(4, 2, "00") == 0 && child_count[i] == 0) {
      t->provinces[static_cast<size_t>(t->places[i].province)].counties.push_back(
          static_cast<int>(i));
    }
  }
  for (Province& province : t->provinces) {
    if (province.counties.empty()) {
      return BadLine(file.name, 0, "没有「" + province.full_name + "」的县级代码");
    }
    std::sort(province.counties.begin(), province.counties.end());
    if (province.cities.empty()) {  // a municipality: its districts stand for cities
      province.municipality = true;
      province.cities = province.counties;
    }
  }
  return Status::Ok();
}

// The vocabulary comes first: regions and units refer to its provinces.
Status LoadVocabulary(const TsvFile& file, Tables* t) {
  std::unordered_map<std::string, int64_t*> setting_targets = {
      {"no_id_per_mille", &t->settings.no_id_per_mille},
      {"one_char_given_name_percent", &t->settings.one_char_given_name_percent},
      {"young_tier_percent", &t->settings.young_tier_percent},
      {"minority_home_percent", &t->settings.minority_home_percent},
      {"born_in_work_province_percent", &t->settings.born_in_work_province_percent},
      {"second_year_percent", &t->settings.second_year_percent},
      {"seminar_yes_percent", &t->settings.seminar_yes_percent},
      {"study_tour_yes_percent", &t->settings.study_tour_yes_percent},
      {"department_percent", &t->settings.department_percent},
      {"two_sentence_percent", &t->settings.two_sentence_percent}};
  std::vector<std::string> settings_seen;
  int gender_rows = 0;
  // Rows that name provinces or surnames are resolved after all provinces are known.
  std::vector<const TsvLine*> ethnic_lines;

  for (const TsvLine& line : file.lines) {
    const std::vector<std::string>& f = line.fields;
    const std::string& section = f[0];
    auto need = [&](size_t n) { return f.size() == n; };
    auto bad = [&](const std::string& message) { return BadLine(file.name, line.number, message); };
    auto weight_at = [&](size_t i) { return ParseWeight(f[i]); };

    if (section == "setting") {
      if (!need(3)) return bad("setting 应有 3 列");
      const std::optional<int> value = ParseInt(f[2]);
      if (!value) return bad("设置值不是整数");
      if (f[1] == "youth_max_age") {
        t->settings.youth_max_age = *value;
      } else {
        const auto it = setting_targets.find(f[1]);
        if (it == setting_targets.end()) return bad("未知的设置「" + f[1] + "」");
        *it->second = *value;
      }
      settings_seen.push_back(f[1]);
    } else if (section == "province") {
      const std::optional<int64_t> w = need(6) ? weight_at(5) : std::nullopt;
      if (!w || f[1].size() != 2) return bad("province 应为 代码、全称、简称、学会前缀、权重");
      t->provinces.push_back(Province{f[1], f[2], f[3], f[4], {}, {}});
      t->province_pick.Add(*w);
    } else if (section == "gender") {
      const std::optional<int64_t> w = need(3) ? weight_at(2) : std::nullopt;
      if (!w || gender_rows >= 2 || f[1] != (gender_rows == 0 ? "男" : "女")) {
        return bad("gender 应为「男」一行、「女」一行，依此顺序");
      }
      ++gender_rows;
      t->gender_pick.Add(*w);
    } else if (section == "age") {
      const std::optional<int64_t> w = need(3) ? weight_at(2) : std::nullopt;
      const std::optional<int> age = need(3) ? ParseInt(f[1]) : std::nullopt;
      if (!w || !age || *age < 18 || *age > 80) return bad("age 应为 18-80 的年龄和权重");
      t->ages.push_back(*age);
      t->age_pick.Add(*w);
    } else if (section == "ethnic") {
      if (!need(6) || !weight_at(2)) return bad("ethnic 应为 名称、权重、聚居省份、姓名样式、姓氏");
      ethnic_lines.push_back(&line);
    } else if (section == "affiliation") {
      const std::optional<int64_t> w = need(3) ? weight_at(2) : std::nullopt;
      if (!w) return bad("affiliation 应为 名称、权重");
      t->affiliations.push_back(f[1]);
      t->affiliation_pick.Add(*w);
    } else if (section == "education") {
      const std::optional<int64_t> w = need(4) ? weight_at(2) : std::nullopt;
      const std::optional<int64_t> w_new = need(4) ? weight_at(3) : std::nullopt;
      if (!w || !w_new) return bad("education 应为 名称、权重、新群体权重");
      t->educations.push_back(f[1]);
      t->education_pick[0].Add(*w);
      t->education_pick[1].Add(*w_new);
    } else if (section == "unit_type") {
      const std::optional<int64_t> w = need(4) ? weight_at(2) : std::nullopt;
      const std::optional<int> percent = need(4) ? ParseInt(f[3]) : std::nullopt;
      if (!w || !percent || *percent > 100) return bad("unit_type 应为 类型、权重、新群体百分比");
      t->unit_types.push_back(UnitType{f[1], *percent, {}, {}});
      t->unit_type_pick.Add(*w);
    } else if (section == "group") {
      const std::optional<int64_t> w = need(4) ? weight_at(2) : std::nullopt;
      const std::optional<Sector> sector = need(4) ? ParseSector(f[3]) : std::nullopt;
      if (!w || !sector) return bad("group 应为 群体、权重、单位类别");
      t->groups.push_back({f[1], *sector});
      t->group_pick.Add(*w);
    } else if (section == "domain") {
      const std::optional<int> index = need(3) ? DomainIndex(f[1]) : std::nullopt;
      const std::optional<int64_t> w = need(3) ? weight_at(2) : std::nullopt;
      if (!index || !w || t->domain_weights[static_cast<size_t>(*index)] != 0) {
        return bad("domain 应为 领域代码、权重，每个代码一行");
      }
      t->domain_weights[static_cast<size_t>(*index)] = *w;
    } else if (section == "field") {
      const std::optional<int> index = need(5) ? DomainIndex(f[2]) : std::nullopt;
      const std::optional<int64_t> w = need(5) ? weight_at(3) : std::nullopt;
      if (!index || !w) return bad("field 应为 领域名称、领域代码、权重、科室");
      const size_t d = static_cast<size_t>(*index);
      t->fields_by_domain[d].push_back(static_cast<int>(t->fields.size()));
      t->field_pick[d].Add(*w);
      t->fields.push_back({f[1], f[4] == "-" ? "" : f[4]});
    } else if (section == "field_count") {
      const std::optional<int> n = need(3) ? ParseInt(f[1]) : std::nullopt;
      const std::optional<int64_t> w = need(3) ? weight_at(2) : std::nullopt;
      if (!n || !w || *n < 1 || *n > 3) return bad("field_count 应为 1-3 和权重");
      t->field_counts.push_back(*n);
      t->field_count_pick.Add(*w);
    } else if (section == "school") {
      const std::optional<int> index = need(3) ? DomainIndex(f[1]) : std::nullopt;
      if (!index) return bad("school 应为 领域代码、学院名称");
      t->schools[static_cast<size_t>(*index)].push_back(f[2]);
    } else if (section == "title_level") {
      std::optional<int> age = need(5) ? ParseInt(f[1]) : std::nullopt;
      if (!age || !weight_at(2) || !weight_at(3) || !weight_at(4)) {
        return bad("title_level 应为 年龄上限和三个权重");
      }
      TitleLevelRow row;
      row.max_age = *age;
      for (size_t i = 2; i <= 4; ++i) row.levels.Add(*weight_at(i));
      if (!t->title_levels.empty() && t->title_levels.back().max_age >= *age) {
        return bad("title_level 的年龄上限应递增");
      }
      t->title_levels.push_back(std::move(row));
    } else if (section == "title") {
      const std::optional<Sector> sector = need(5) ? ParseSector(f[2]) : std::nullopt;
      const std::optional<int64_t> w = need(5) ? weight_at(4) : std::nullopt;
      int level = -1;
      if (need(5))
        level = f[3] == "senior" ? 0 : f[3] == "associate" ? 1 : f[3] == "intermediate" ? 2 : -1;
      if (!sector || !w || level < 0) return bad("title 应为 职称、单位类别、级别、权重");
      const int group = TitleGroup(*sector);
      t->titles[static_cast<size_t>(group)][static_cast<size_t>(level)].push_back({f[1]});
      t->title_pick[static_cast<size_t>(group)][static_cast<size_t>(level)].Add(*w);
    } else if (section == "post") {
      const std::optional<Sector> sector = need(5) ? ParseSector(f[2]) : std::nullopt;
      const std::optional<int> min_age = need(5) ? ParseInt(f[3]) : std::nullopt;
      const std::optional<int64_t> w = need(5) ? weight_at(4) : std::nullopt;
      if (!sector || !min_age || !w) return bad("post 应为 职务、单位类别、最低年龄、权重");
      t->posts[static_cast<size_t>(*sector)].push_back({f[1], *min_age, *w});
    } else if (section == "lead") {
      if (!need(3) || !TemplateKeysAllowed(f[1], {"{field}"}))
        return bad("lead 应为 模板、适用人群");
      const std::string& who = f[2];
      if (who != "any" && who != "young" && who != "senior")
        return bad("适用人群应为 any/young/senior");
      for (int c = 0; c < kAgeClassCount; ++c) {
        if (who == "any" || (who == "young" && c == 0) || (who == "senior" && c == 2)) {
          t->leads[static_cast<size_t>(c)].push_back(f[1]);
          t->lead_pick[static_cast<size_t>(c)].Add(1);
        }
      }
    } else if (section == "achievement") {
      const std::optional<uint32_t> domains = need(7) ? ParseDomains(f[2]) : std::nullopt;
      const std::optional<int64_t> w = need(7) ? weight_at(4) : std::nullopt;
      const std::optional<int> lo = need(7) ? ParseInt(f[5]) : std::nullopt;
      const std::optional<int> hi = need(7) ? ParseInt(f[6]) : std::nullopt;
      if (!domains || !w || !lo || !hi || *lo > *hi ||
          !TemplateKeysAllowed(f[1], {"{n}", "{省简}"}) ||
          (f[3] != "any" && f[3] != "young" && f[3] != "senior")) {
        return bad("achievement 应为 模板、领域、适用人群、权重、最小值、最大值");
      }
      const int index = static_cast<int>(t->achievements.size());
      t->achievements.push_back({f[1], *lo, *hi});
      for (int d = 0; d < kDomainCount; ++d) {
        if ((*domains & (1u << d)) == 0) continue;
        for (int c = 0; c < kAgeClassCount; ++c) {
          if (f[3] == "any" || (f[3] == "young" && c == 0) || (f[3] == "senior" && c == 2)) {
            t->achievement_index[static_cast<size_t>(d)][static_cast<size_t>(c)].push_back(index);
            t->achievement_pick[static_cast<size_t>(d)][static_cast<size_t>(c)].Add(*w);
          }
        }
      }
    } else if (section == "company_brand") {
      if (!need(2)) return bad("company_brand 应为 一个名称");
      t->brands.push_back(f[1]);
    } else if (section == "company_industry") {
      const std::optional<int> index = need(3) ? DomainIndex(f[1]) : std::nullopt;
      if (!index) return bad("company_industry 应为 领域代码、行业");
      t->industries[static_cast<size_t>(*index)].push_back(f[2]);
    } else if (section == "workplace") {
      const std::optional<Sector> sector = need(4) ? ParseSector(f[1]) : std::nullopt;
      const std::optional<int64_t> w = need(4) ? weight_at(3) : std::nullopt;
      if (!sector || !w ||
          !TemplateKeysAllowed(f[2], {"{市}", "{省简}", "{brand}", "{industry}", "{suffix}"})) {
        return bad("workplace 应为 单位类别、模板、权重");
      }
      t->group_workplaces[static_cast<size_t>(*sector)].push_back({f[2]});
      t->group_workplace_pick[static_cast<size_t>(*sector)].Add(*w);
    } else if (section == "company_suffix") {
      const std::optional<int64_t> w = need(3) ? weight_at(2) : std::nullopt;
      if (!w) return bad("company_suffix 应为 后缀、权重");
      t->company_suffixes.push_back(f[1]);
      t->company_suffix_pick.Add(*w);
    } else if (section == "road") {
      if (!need(2)) return bad("road 应为 一个路名");
      t->roads.push_back(f[1]);
    } else if (section == "mail_domain") {
      const std::optional<int64_t> w = need(4) ? weight_at(2) : std::nullopt;
      if (!w || (f[3] != "name" && f[3] != "number"))
        return bad("mail_domain 应为 域名、权重、name/number");
      t->mail_domains.push_back({f[1], f[3] == "number"});
      t->mail_domain_pick.Add(*w);
    } else if (section == "phone_prefix") {
      const std::optional<int64_t> w = need(3) ? weight_at(2) : std::nullopt;
      if (!w || f[1].size() != 1 || f[1][0] < '3' || f[1][0] > '9')
        return bad("phone_prefix 应为 3-9 的一位数字、权重");
      t->phone_digits.push_back(f[1][0]);
      t->phone_digit_pick.Add(*w);
    } else {
      return bad("未知的段「" + section + "」");
    }
  }

  for (const auto& [key, target] : setting_targets) {
    (void)target;
    if (std::find(settings_seen.begin(), settings_seen.end(), key) == settings_seen.end()) {
      return BadLine(file.name, 0, "缺少设置「" + key + "」");
    }
  }
  for (int64_t w : t->domain_weights) t->domain_pick.Add(w);

  // Ethnic groups refer to provinces and to the surname list.
  std::unordered_map<std::string, int> surname_index;
  for (size_t i = 0; i < t->surnames.parts.size(); ++i) {
    surname_index.emplace(t->surnames.parts[i].text, static_cast<int>(i));
  }
  for (const TsvLine* line : ethnic_lines) {
    const std::vector<std::string>& f = line->fields;
    Ethnic ethnic;
    ethnic.name = f[1];
    if (f[3] != "-") {
      for (const std::string& code : SplitComma(f[3])) {
        const int province = FindProvince(*t, code);
        if (province < 0) return BadLine(file.name, line->number, "未知的省份代码「" + code + "」");
        ethnic.homes.push_back(province);
      }
    }
    const std::string& style = f[4];
    if (style == "han")
      ethnic.style = NameStyle::kHan;
    else if (style == "uyghur")
      ethnic.style = NameStyle::kUyghur;
    else if (style == "kazakh")
      ethnic.style = NameStyle::kKazakh;
    else if (style == "tibetan")
      ethnic.style = NameStyle::kTibetan;
    else if (style == "mongolian")
      ethnic.style = NameStyle::kMongolian;
    else if (style == "korean")
      ethnic.style = NameStyle::kKorean;
    else
      return BadLine(file.name, line->number, "未知的姓名样式「" + style + "」");
    if (f[5] != "-") {
      for (const std::string& surname : SplitComma(f[5])) {
        const auto it = surname_index.find(surname);
        if (it == surname_index.end()) {
          return BadLine(file.name, line->number, "姓氏「" + surname + "」不在 surnames.tsv 中");
        }
        ethnic.surnames.push_back(it->second);
      }
    }
    t->ethnics.push_back(std::move(ethnic));
    t->ethnic_pick.Add(*ParseWeight(f[2]));
  }
  return Status::Ok();
}

// Replaces {省} {省称} {省简} {市} {县} in a unit or workplace name.
std::string FillPlace(const std::string& tpl, const Province& province, const Place* city,
                      const Place* county) {
  std::string name = tpl;
  ReplaceAll(&name, "{省称}", province.society_prefix);
  ReplaceAll(&name, "{省简}", province.short_name);
  ReplaceAll(&name, "{省}", province.full_name);
  if (city != nullptr) ReplaceAll(&name, "{市}", city->name);
  if (county != nullptr) ReplaceAll(&name, "{县}", county->name);
  return name;
}

Status LoadUnits(const TsvFile& file, Tables* t) {
  const size_t province_count = t->provinces.size();
  for (UnitType& type : t->unit_types) type.by_province.assign(province_count, {});
  t->pool.assign(province_count, {});

  auto add_workplace = [&](std::string name, Sector sector, int province, uint32_t domains,
                           int tier) {
    const int index = static_cast<int>(t->workplaces.size());
    t->workplaces.push_back({std::move(name), sector});
    for (int d = 0; d < kDomainCount; ++d) {
      if (domains & (1u << d)) {
        t->pool[static_cast<size_t>(province)][static_cast<size_t>(d)][static_cast<size_t>(tier)]
            .push_back(index);
      }
    }
  };
  auto add_unit = [&](std::string name, int type, int province, Sector sector, uint32_t domains) {
    const int index = static_cast<int>(t->units.size());
    UnitType& unit_type = t->unit_types[static_cast<size_t>(type)];
    unit_type.units.push_back(index);
    if (province >= 0) unit_type.by_province[static_cast<size_t>(province)].push_back(index);
    // The units that are themselves workplaces employ the people they recommend.
    if (province >= 0 &&
        (sector == Sector::kUniversity || sector == Sector::kHospital ||
         sector == Sector::kInstitute || sector == Sector::kEnterprise) &&
        EndsWith(name, "科协")) {
      add_workplace(name.substr(0, name.size() - std::string_view("科协").size()), sector, province,
                    domains, 0);
    }
    t->units.push_back({std::move(name), type, province, sector, domains});
  };

  for (const TsvLine& line : file.lines) {
    const std::vector<std::string>& f = line.fields;
    if (f.size() != 5)
      return BadLine(file.name, line.number, "应有 5 列（类型、名称、省份、类别、领域）");
    int type = -1;
    for (size_t i = 0; i < t->unit_types.size(); ++i) {
      if (t->unit_types[i].label == f[0]) type = static_cast<int>(i);
    }
    const bool workplace_only = f[0] == "工作单位";
    if (type < 0 && !workplace_only)
      return BadLine(file.name, line.number, "未知的推荐单位类型「" + f[0] + "」");
    const std::optional<Sector> sector = ParseSector(f[3]);
    const std::optional<uint32_t> domains = ParseDomains(f[4]);
    if (!sector || !domains) return BadLine(file.name, line.number, "单位类别或领域无法识别");
    const std::string& tpl = f[1];

    if (f[2] == "*") {
      if (!TemplateKeysAllowed(tpl, {"{省}", "{省称}", "{省简}", "{市}", "{县}"})) {
        return BadLine(file.name, line.number, "名称模板中有未知的占位符");
      }
      const bool per_county = tpl.find("{县}") != std::string::npos;
      const bool per_city = tpl.find("{市}") != std::string::npos;
      if (per_county && per_city)
        return BadLine(file.name, line.number, "{市} 与 {县} 不能同时出现");
      const int tier = per_county ? 3 : per_city ? 2 : 1;
      for (size_t p = 0; p < province_count; ++p) {
        const Province& province = t->provinces[p];
        const std::vector<int>& places = per_county ? province.counties : province.cities;
        const size_t copies = per_city || per_county ? places.size() : 1;
        for (size_t i = 0; i < copies; ++i) {
          const Place* place =
              per_city || per_county ? &t->places[static_cast<size_t>(places[i])] : nullptr;
          std::string name =
              FillPlace(tpl, province, per_city ? place : nullptr, per_county ? place : nullptr);
          if (workplace_only) {
            add_workplace(std::move(name), *sector, static_cast<int>(p), *domains, tier);
          } else {
            add_unit(std::move(name), type, static_cast<int>(p), *sector, *domains);
          }
        }
      }
      continue;
    }
    if (tpl.find('{') != std::string::npos) {
      return BadLine(file.name, line.number, "只有省份为 * 的行可以使用占位符");
    }
    int province = -1;
    if (f[2] != "-") {
      province = FindProvince(*t, f[2]);
      if (province < 0) return BadLine(file.name, line.number, "未知的省份代码「" + f[2] + "」");
    }
    if (workplace_only) {
      if (province < 0) return BadLine(file.name, line.number, "工作单位须有省份");
      add_workplace(tpl, *sector, province, *domains, 0);
    } else {
      add_unit(tpl, type, province, *sector, *domains);
    }
  }
  for (const UnitType& type : t->unit_types) {
    if (type.units.empty())
      return BadLine(file.name, 0, "推荐单位类型「" + type.label + "」没有单位");
  }
  return Status::Ok();
}

Status CheckComplete(const Tables& t) {
  const std::string file = "demo_vocabulary.tsv";
  auto missing = [&](const std::string& what) { return BadLine(file, 0, "缺少" + what); };
  if (t.provinces.empty()) return missing("省份（province）");
  if (t.gender_pick.empty() || t.ages.empty()) return missing("性别或年龄（gender, age）");
  if (t.ethnic_pick.empty() || t.affiliation_pick.empty())
    return missing("民族或政治面貌（ethnic, affiliation）");
  if (t.education_pick[0].empty() || t.education_pick[1].empty())
    return missing("学历（education）");
  if (t.unit_types.empty() || t.groups.empty())
    return missing("推荐单位类型或群体（unit_type, group）");
  if (t.field_count_pick.empty() || t.title_levels.empty() || t.title_levels.back().max_age < 100) {
    return missing("领域个数或职称级别（field_count, title_level，最后一行年龄上限应不小于 100）");
  }
  for (int d = 0; d < kDomainCount; ++d) {
    const size_t i = static_cast<size_t>(d);
    const std::string code(kDomainCodes[i]);
    if (t.field_pick[i].empty()) return missing("领域「" + code + "」的擅长领域（field）");
    if (t.industries[i].empty()) return missing("领域「" + code + "」的行业（company_industry）");
    if (t.schools[i].empty()) return missing("领域「" + code + "」的学院（school）");
    for (int c = 0; c < kAgeClassCount; ++c) {
      if (t.achievement_pick[i][static_cast<size_t>(c)].empty()) {
        return missing("领域「" + code + "」各年龄段的成就（achievement）");
      }
    }
  }
  for (int c = 0; c < kAgeClassCount; ++c) {
    if (t.lead_pick[static_cast<size_t>(c)].empty()) return missing("各年龄段的成就开头（lead）");
  }
  for (const auto& group : t.title_pick) {
    for (const Picker& picker : group) {
      if (picker.empty()) return missing("某类单位某一级别的职称（title）");
    }
  }
  const int youngest = *std::min_element(t.ages.begin(), t.ages.end());
  for (int s = 0; s < kSectorCount; ++s) {
    bool young_post = false;
    for (const Post& post : t.posts[static_cast<size_t>(s)]) young_post |= post.min_age <= youngest;
    if (!young_post) return missing("各类单位适合最年轻者的职务（post）");
  }
  for (const GroupKind& group : t.groups) {
    if (t.group_workplace_pick[static_cast<size_t>(group.sector)].empty()) {
      return missing("新群体的工作单位模板（workplace）");
    }
  }
  if (t.brands.empty() || t.company_suffix_pick.empty() || t.roads.empty() ||
      t.mail_domain_pick.empty() || t.phone_digit_pick.empty()) {
    return missing(
        "公司名、路名、邮箱域名或手机号段（company_brand, company_suffix, road, mail_domain, "
        "phone_prefix）");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// ID numbers: a set of the 17-digit bodies already issued in this run, open
// addressing over a power-of-two table, because a million inserts into a node
// container would cost more than generating the rows.
class IdSet {
 public:
  explicit IdSet(long expected) {
    size_t capacity = 1024;
    while (capacity < static_cast<size_t>(expected) * 2) capacity <<= 1;
    slots_.assign(capacity, 0);
  }
  // Inserts `body` (< 10^17); false when it was already there.
  bool Insert(uint64_t body) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    if (!InsertInto(&slots_, body + 1)) return false;
    ++size_;
    return true;
  }

 private:
  static bool InsertInto(std::vector<uint64_t>* slots, uint64_t key) {
    const size_t mask = slots->size() - 1;
    size_t i = static_cast<size_t>((key * 0x9e3779b97f4a7c15ULL) >> 20) & mask;
    while ((*slots)[i] != 0) {
      if ((*slots)[i] == key) return false;
      i = (i + 1) & mask;
    }
    (*slots)[i] = key;
    return true;
  }
  void Grow() {
    std::vector<uint64_t> bigger(slots_.size() * 2, 0);
    for (uint64_t key : slots_) {
      if (key != 0) InsertInto(&bigger, key);
    }
    slots_.swap(bigger);
  }
  std::vector<uint64_t> slots_;  // key + 1; 0 marks an empty slot
  size_t size_ = 0;
};

constexpr std::array<int, 17> kIdWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheckCodes = "10X98765432";

bool IsLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

enum Column {
  kColId,
  kColName,
  kColGender,
  kColEthnic,
  kColBirthDate,
  kColIdNumber,
  kColNativePlace,
  kColAffiliation,
  kColUnit,
  kColPost,
  kColTitle,
  kColEducation,
  kColFields,
  kColAchievements,
  kColPhone,
  kColEmail,
  kColRecommendingUnit,
  kColUnitType,
  kColTier,
  kColGroup,
  kColAdmissionYear,
  kColSeminar,
  kColStudyTour,
  kColProvince,
  kColAddress,
  kColumnCount
};

}  // namespace

// ---------------------------------------------------------------------------

struct DemoGenerator::Impl {
  Impl(const DemoOptions& o, Tables&& tables)
      : options(o), t(std::move(tables)), rng(o.seed), ids(o.persons) {}

  DemoOptions options;
  Tables t;
  Rng rng;
  IdSet ids;
  long produced = 0;

  // Scratch reused between rows.
  std::array<int, 3> field_choice{};
  std::array<int, 4> achievement_choice{};

  void Fill(std::vector<std::string>* row);
};

namespace {

// Values for the {key}s of the generator's templates.
struct TemplateVars {
  std::string_view field, province_short, city, brand, industry, suffix;
  int64_t n = -1;
};

std::string_view TemplateValue(std::string_view key, const TemplateVars& v) {
  if (key == "{field}") return v.field;
  if (key == "{省简}") return v.province_short;
  if (key == "{市}") return v.city;
  if (key == "{brand}") return v.brand;
  if (key == "{industry}") return v.industry;
  if (key == "{suffix}") return v.suffix;
  return key;  // the loaders reject unknown keys, so none reach here
}

// Appends `tpl` with its {key}s replaced by their values ({n} by the number).
void AppendTemplate(std::string_view tpl, const TemplateVars& v, std::string* out) {
  size_t at = 0;
  while (at < tpl.size()) {
    const size_t open = tpl.find('{', at);
    if (open == std::string_view::npos) {
      out->append(tpl.substr(at));
      return;
    }
    out->append(tpl.substr(at, open - at));
    const size_t close = tpl.find('}', open);
    const std::string_view key = tpl.substr(open, close - open + 1);
    if (key == "{n}") {
      AppendInt(v.n, out);
    } else {
      out->append(TemplateValue(key, v));
    }
    at = close + 1;
  }
}

// The short form of a city for company names: 柳州市 -> 柳州; names that are
// not cities (districts, 自治州) give way to the province's short name.
std::string_view CityShort(const Place& city, const Province& province) {
  constexpr std::string_view kShi = "市";
  if (EndsWith(city.name, kShi) && city.name.size() > 2 * kShi.size() && city.prefecture < 0 &&
      city.code.compare(4, 2, "00") == 0) {
    return std::string_view(city.name).substr(0, city.name.size() - kShi.size());
  }
  return province.short_name;
}

}  // namespace

DemoGenerator::DemoGenerator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DemoGenerator::DemoGenerator(DemoGenerator&&) noexcept = default;
DemoGenerator& DemoGenerator::operator=(DemoGenerator&&) noexcept = default;
DemoGenerator::~DemoGenerator() = default;

const std::vector<std::string>& DemoGenerator::Header() {
  static const std::vector<std::string> kHeader = {"编号",
                                                   "姓名",
                                                   "性别",
                                                   "民族",
                                                   "出生日期",
                                                   "身份证号",
                                                   "籍贯",
                                                   "政治面貌",
                                                   "工作单位",
                                                   "职务",
                                                   "技术职称",
                                                   "最高学历",
                                                   "擅长领域",
                                                   "主要成就",
                                                   "手机",
                                                   "电子邮箱",
                                                   "推荐单位",
                                                   "推荐单位类型",
                                                   "人才类别",
                                                   "所属群体",
                                                   "入库年度",
                                                   "可否参加专题研修班",
                                                   "可否参加国情研修活动",
                                                   "所在省份",
                                                   "通讯地址"};
  return kHeader;
}

StatusOr<DemoGenerator> DemoGenerator::Create(const DemoOptions& options,
                                              const std::string& data_dir) {
  if (options.persons < 0 || options.persons > 100'000'000) {
    return InvalidArgument(
        "演示数据人数应在 0 到 1 亿之间，实为 " + std::to_string(options.persons),
        {FieldError{"persons", "应在 0 到 1 亿之间"}});
  }
  if (options.first_admission_year < 1990 || options.first_admission_year > 2100) {
    return InvalidArgument(
        "首个入库年度应在 1990 到 2100 之间，实为 " + std::to_string(options.first_admission_year),
        {FieldError{"first_admission_year", "应在 1990 到 2100 之间"}});
  }
  Tables t;
  // Order matters: surnames before the vocabulary (ethnic surnames), the
  // vocabulary before regions (province names) and units.
  StatusOr<TsvFile> surnames = ReadTsv(data_dir, "surnames.tsv");
  if (!surnames.ok()) return surnames.status();
  TP_RETURN_IF_ERROR(LoadSurnames(*surnames, &t));
  StatusOr<TsvFile> names = ReadTsv(data_dir, "demo_names.tsv");
  if (!names.ok()) return names.status();
  TP_RETURN_IF_ERROR(LoadNames(*names, &t));
  StatusOr<TsvFile> vocabulary = ReadTsv(data_dir, "demo_vocabulary.tsv");
  if (!vocabulary.ok()) return vocabulary.status();
  TP_RETURN_IF_ERROR(LoadVocabulary(*vocabulary, &t));
  TP_RETURN_IF_ERROR(CheckComplete(t));
  StatusOr<TsvFile> regions = ReadTsv(data_dir, "regions.tsv");
  if (!regions.ok()) return regions.status();
  TP_RETURN_IF_ERROR(LoadRegions(*regions, &t));
  StatusOr<TsvFile> units = ReadTsv(data_dir, "demo_units.tsv");
  if (!units.ok()) return units.status();
  TP_RETURN_IF_ERROR(LoadUnits(*units, &t));
  return DemoGenerator(std::make_unique<Impl>(options, std::move(t)));
}

long DemoGenerator::produced() const { return impl_->produced; }

bool DemoGenerator::Next(std::vector<std::string>* row) {
  if (impl_->produced >= impl_->options.persons) return false;
  row->resize(kColumnCount);
  for (std::string& cell : *row) cell.clear();
  impl_->Fill(row);
  ++impl_->produced;
  return true;
}

void DemoGenerator::Impl::Fill(std::vector<std::string>* row_ptr) {
  std::vector<std::string>& row = *row_ptr;
  const Settings& s = t.settings;
  const int reference_year = options.first_admission_year + 1;

  // Who: gender, age, ethnic group.
  const int gender = static_cast<int>(t.gender_pick.Pick(rng));
  const int age = t.ages[t.age_pick.Pick(rng)];
  const int age_class = age <= s.youth_max_age ? 0 : age <= 40 ? 1 : 2;
  const Ethnic& ethnic = t.ethnics[t.ethnic_pick.Pick(rng)];

  // Where: the home province, then the recommending unit, which may place the
  // person in its own province.
  int home = -1;
  bool lives_at_home = false;
  if (!ethnic.homes.empty() && rng.Percent(s.minority_home_percent)) {
    // The first home province takes half; the others share the rest.
    const size_t pick =
        ethnic.homes.size() == 1 || rng.Percent(50) ? 0 : 1 + rng.Below(ethnic.homes.size() - 1);
    home = ethnic.homes[pick];
    lives_at_home = true;
  } else {
    home = static_cast<int>(t.province_pick.Pick(rng));
  }
  const int type_index = static_cast<int>(t.unit_type_pick.Pick(rng));
  const UnitType& type = t.unit_types[static_cast<size_t>(type_index)];
  // A unit of the home province when the type has one there; else any unit of
  // the type (national ones, or one elsewhere that the person moved to).
  const std::vector<int>& local = type.by_province[static_cast<size_t>(home)];
  const int unit_index =
      local.empty() ? type.units[rng.Below(type.units.size())] : local[rng.Below(local.size())];
  const Unit& unit = t.units[static_cast<size_t>(unit_index)];
  const int province = unit.province >= 0 ? unit.province : home;
  const Province& where = t.provinces[static_cast<size_t>(province)];
  int birth_province = home;
  if (province != home && !lives_at_home && rng.Percent(s.born_in_work_province_percent)) {
    birth_province = province;
  }
  const Province& born = t.provinces[static_cast<size_t>(birth_province)];
  const Place& birth_county =
      t.places[static_cast<size_t>(born.counties[rng.Below(born.counties.size())])];

  // Birth date: age is counted at the end of the reference year.
  const int birth_year = reference_year - age;
  int day = static_cast<int>(rng.Below(IsLeap(birth_year) ? 366 : 365));
  static constexpr std::array<int, 12> kMonthDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  int month = 0;
  while (true) {
    const int length =
        kMonthDays[static_cast<size_t>(month)] + (month == 1 && IsLeap(birth_year) ? 1 : 0);
    if (day < length) break;
    day -= length;
    ++month;
  }
  ++month;
  ++day;

  // 编号
  std::string& id_cell = row[kColId];
  id_cell.push_back('P');
  AppendPadded(static_cast<uint64_t>(produced + 1), 7, &id_cell);

  // 姓名, and the pinyin of the name for the e-mail address.
  std::string& name = row[kColName];
  std::string_view surname_pinyin;
  std::array<std::string_view, 2> given_pinyin{};
  int given_count = 0;
  auto han_name = [&](const std::vector<int>& allowed) {
    const NamePart& surname =
        allowed.empty() ? t.surnames.parts[t.surname_pick.Pick(rng)]
                        : t.surnames.parts[static_cast<size_t>(allowed[rng.Below(allowed.size())])];
    name += surname.text;
    surname_pinyin = surname.pinyin;
    given_count = rng.Percent(s.one_char_given_name_percent) ? 1 : 2;
    size_t first = 0;
    for (int i = 0; i < given_count; ++i) {
      size_t pick = t.han_given.by_gender[static_cast<size_t>(gender)].Pick(rng);
      // Doubled characters (婷婷) are girls' names, and rare.
      if (i == 1 && pick == first && !(gender == 1 && rng.Percent(20))) {
        pick = t.han_given.by_gender[static_cast<size_t>(gender)].Pick(rng);
      }
      if (i == 0) first = pick;
      name += t.han_given.parts[pick].text;
      given_pinyin[static_cast<size_t>(i)] = t.han_given.parts[pick].pinyin;
    }
  };
  auto pick_from = [&](const NameList& list, int who) -> const NamePart& {
    return list.parts[list.by_gender[static_cast<size_t>(who)].Pick(rng)];
  };
  switch (ethnic.style) {
    case NameStyle::kHan:
      han_name(ethnic.surnames);
      break;
    case NameStyle::kUyghur:
    case NameStyle::kKazakh: {
      const NameList& list = ethnic.style == NameStyle::kUyghur ? t.uyghur : t.kazakh;
      name += pick_from(list, gender).text;
      name += "·";
      name += pick_from(list, 0).text;  // the father's name
      break;
    }
    case NameStyle::kTibetan: {
      const NamePart& first = pick_from(t.tibetan, gender);
      name += first.text;
      if (rng.Percent(85)) {
        const NamePart* second = &pick_from(t.tibetan, gender);
        if (second == &first) second = &pick_from(t.tibetan, gender);
        if (second != &first) name += second->text;
      }
      break;
    }
    case NameStyle::kMongolian: {
      // Han-style (包玉华), a Mongolian name alone (巴特尔), or one after a
      // family name (包巴特尔), in about equal parts.
      const uint64_t form = rng.Below(3);
      if (form == 0) {
        han_name(ethnic.surnames);
        break;
      }
      if (form == 2 && !ethnic.surnames.empty()) {
        name += t.surnames
                    .parts[static_cast<size_t>(ethnic.surnames[rng.Below(ethnic.surnames.size())])]
                    .text;
      }
      name += pick_from(t.mongolian, gender).text;
      break;
    }
    case NameStyle::kKorean: {
      const NamePart& surname = pick_from(t.korean_surnames, gender);
      const NamePart& given = pick_from(t.korean_given, gender);
      name += surname.text;
      name += given.text;
      surname_pinyin = surname.pinyin;
      given_pinyin[0] = given.pinyin;
      given_count = 1;
      break;
    }
  }

  row[kColGender] = gender == 0 ? "男" : "女";
  row[kColEthnic] = ethnic.name;

  std::string& birth = row[kColBirthDate];
  AppendPadded(static_cast<uint64_t>(birth_year), 4, &birth);
  birth.push_back('-');
  AppendPadded(static_cast<uint64_t>(month), 2, &birth);
  birth.push_back('-');
  AppendPadded(static_cast<uint64_t>(day), 2, &birth);

  // 身份证号 (GB 11643): region, birth date, sequence with the gender in its
  // parity, ISO 7064 MOD 11-2 check character. Unique within the run.
  if (!rng.PerMille(s.no_id_per_mille)) {
    uint64_t prefix = 0;
    for (char c : birth_county.code) prefix = prefix * 10 + static_cast<uint64_t>(c - '0');
    prefix = prefix * 100000000ULL + static_cast<uint64_t>(birth_year) * 10000 +
             static_cast<uint64_t>(month) * 100 + static_cast<uint64_t>(day);
    // Sequence 001-999, odd for men, even for women; 000 is never issued.
    const uint64_t first_sequence = gender == 0 ? 1 : 2;
    uint64_t sequence = first_sequence + rng.Below(gender == 0 ? 500 : 499) * 2;
    bool issued = false;
    for (int attempt = 0; attempt < 500; ++attempt) {
      if (ids.Insert(prefix * 1000 + sequence)) {
        issued = true;
        break;
      }
      sequence = sequence + 2 > 999 ? first_sequence : sequence + 2;
    }
    if (issued) {
      std::string& id = row[kColIdNumber];
      AppendPadded(prefix * 1000 + sequence, 17, &id);
      int sum = 0;
      for (size_t i = 0; i < 17; ++i) sum += (id[i] - '0') * kIdWeights[i];
      id.push_back(kIdCheckCodes[static_cast<size_t>(sum % 11)]);
    }
  }

  // 籍贯: the province and city of birth, the way forms write it (广西柳州).
  {
    std::string& native = row[kColNativePlace];
    native += born.short_name;
    // The prefecture; a municipality writes its name alone, and a county-level
    // city directly under its province (济源市) or a city without districts
    // (东莞市) stands for itself.
    const Place* shown = birth_county.prefecture >= 0
                             ? &t.places[static_cast<size_t>(birth_county.prefecture)]
                         : born.municipality ? nullptr
                                             : &birth_county;
    if (shown != nullptr) {
      constexpr std::string_view kShi = "市";
      std::string_view text = shown->name;
      if (EndsWith(text, kShi) && text.size() > 2 * kShi.size()) text.remove_suffix(kShi.size());
      native += text;
    }
  }

  row[kColAffiliation] = t.affiliations[t.affiliation_pick.Pick(rng)];

  // New groups and the person's field of work.
  const bool new_group = rng.Percent(type.new_group_percent);
  const GroupKind* group = new_group ? &t.groups[t.group_pick.Pick(rng)] : nullptr;
  int domain;
  if (unit.domains == kAllDomains) {
    domain = static_cast<int>(t.domain_pick.Pick(rng));
  } else {
    uint64_t total = 0;
    for (int d = 0; d < kDomainCount; ++d) {
      if (unit.domains & (1u << d))
        total += static_cast<uint64_t>(t.domain_weights[static_cast<size_t>(d)]);
    }
    uint64_t r = rng.Below(total);
    domain = 0;
    for (int d = 0; d < kDomainCount; ++d) {
      if ((unit.domains & (1u << d)) == 0) continue;
      const uint64_t w = static_cast<uint64_t>(t.domain_weights[static_cast<size_t>(d)]);
      if (r < w) {
        domain = d;
        break;
      }
      r -= w;
    }
  }
  const size_t dom = static_cast<size_t>(domain);

  // 擅长领域: 1-3 distinct fields of the domain.
  const int field_count = t.field_counts[t.field_count_pick.Pick(rng)];
  int chosen_fields = 0;
  for (int attempt = 0; attempt < 12 && chosen_fields < field_count; ++attempt) {
    const int f = t.fields_by_domain[dom][t.field_pick[dom].Pick(rng)];
    if (std::find(field_choice.begin(), field_choice.begin() + chosen_fields, f) !=
        field_choice.begin() + chosen_fields) {
      continue;
    }
    field_choice[static_cast<size_t>(chosen_fields++)] = f;
  }
  std::string& fields = row[kColFields];
  for (int i = 0; i < chosen_fields; ++i) {
    if (i > 0) fields += "、";
    fields += t.fields[static_cast<size_t>(field_choice[static_cast<size_t>(i)])].name;
  }
  const Field& first_field = t.fields[static_cast<size_t>(field_choice[0])];

  // 工作单位 and its sector.
  std::string& work = row[kColUnit];
  Sector sector = Sector::kOther;
  const Place& city = t.places[static_cast<size_t>(where.cities[rng.Below(where.cities.size())])];
  auto company = [&](std::string_view tpl) {
    TemplateVars vars;
    vars.city = CityShort(city, where);
    vars.province_short = where.short_name;
    vars.brand = t.brands[rng.Below(t.brands.size())];
    const std::vector<std::string>& industries = t.industries[dom];
    vars.industry = industries[rng.Below(industries.size())];
    vars.suffix = t.company_suffixes[t.company_suffix_pick.Pick(rng)];
    AppendTemplate(tpl, vars, &work);
  };
  if (group != nullptr) {
    sector = group->sector;
    const size_t s_index = static_cast<size_t>(sector);
    company(t.group_workplaces[s_index][t.group_workplace_pick[s_index].Pick(rng)].text);
  } else if (unit.sector == Sector::kUniversity || unit.sector == Sector::kHospital ||
             unit.sector == Sector::kInstitute || unit.sector == Sector::kEnterprise) {
    sector = unit.sector;
    work = unit.name;
    if (EndsWith(work, "科协")) work.resize(work.size() - std::string_view("科协").size());
  } else if (unit.province >= 0 && (type.label == "国家级园区科协" || type.label == "园区科协")) {
    sector = Sector::kCompany;
    company("{市}{brand}{industry}{suffix}");
  } else {
    // A workplace of the person's province and field, named or templated, or a company.
    const auto& tiers = t.pool[static_cast<size_t>(province)][dom];
    uint64_t total = 0;
    for (int tier = 0; tier <= kTierCount; ++tier) {
      if (tier == kTierCount || !tiers[static_cast<size_t>(tier)].empty())
        total += static_cast<uint64_t>(kTierWeights[static_cast<size_t>(tier)]);
    }
    uint64_t r = rng.Below(total);
    int chosen = kTierCount;
    for (int tier = 0; tier < kTierCount; ++tier) {
      if (tiers[static_cast<size_t>(tier)].empty()) continue;
      const uint64_t w = static_cast<uint64_t>(kTierWeights[static_cast<size_t>(tier)]);
      if (r < w) {
        chosen = tier;
        break;
      }
      r -= w;
    }
    if (chosen == kTierCount) {
      sector = Sector::kCompany;
      company("{市}{brand}{industry}{suffix}");
    } else {
      const std::vector<int>& list = tiers[static_cast<size_t>(chosen)];
      const Workplace& place = t.workplaces[static_cast<size_t>(list[rng.Below(list.size())])];
      work = place.name;
      sector = place.sector;
    }
  }
  if (sector == Sector::kUniversity && rng.Percent(s.department_percent)) {
    work += t.schools[dom][rng.Below(t.schools[dom].size())];
  } else if (sector == Sector::kHospital && !first_field.department.empty() &&
             rng.Percent(s.department_percent)) {
    work += first_field.department;
  }

  // 技术职称: the level by age, the title by sector.
  size_t level_row = 0;
  while (t.title_levels[level_row].max_age < age) ++level_row;
  const size_t level = t.title_levels[level_row].levels.Pick(rng);
  const size_t title_group = static_cast<size_t>(TitleGroup(sector));
  row[kColTitle] = t.titles[title_group][level][t.title_pick[title_group][level].Pick(rng)].name;

  // 职务: a post of the sector open at this age; a junior title keeps the
  // person out of the posts of the senior (no 院长 who is a 讲师).
  {
    const int post_age = level == 2 ? std::min(age, 33) : level == 1 ? std::min(age, 42) : age;
    const std::vector<Post>& posts = t.posts[static_cast<size_t>(sector)];
    uint64_t total = 0;
    for (const Post& post : posts) {
      if (post.min_age <= post_age) total += static_cast<uint64_t>(post.weight);
    }
    uint64_t r = rng.Below(total);
    for (const Post& post : posts) {
      if (post.min_age > post_age) continue;
      const uint64_t w = static_cast<uint64_t>(post.weight);
      if (r < w) {
        row[kColPost] = post.name;
        break;
      }
      r -= w;
    }
  }

  row[kColEducation] = t.educations[t.education_pick[new_group ? 1 : 0].Pick(rng)];

  // 主要成就: an opening naming the first field, then two to four items.
  {
    std::string& text = row[kColAchievements];
    TemplateVars vars;
    vars.field = first_field.name;
    vars.province_short = where.short_name;
    const size_t c = static_cast<size_t>(age_class);
    AppendTemplate(t.leads[c][t.lead_pick[c].Pick(rng)], vars, &text);
    text += rng.Percent(s.two_sentence_percent) ? "。" : "，";
    const std::vector<int>& candidates = t.achievement_index[dom][c];
    const Picker& picker = t.achievement_pick[dom][c];
    const int wanted = 2 + static_cast<int>(rng.Below(3));
    int count = 0;
    for (int attempt = 0; attempt < 16 && count < wanted; ++attempt) {
      const int a = candidates[picker.Pick(rng)];
      if (std::find(achievement_choice.begin(), achievement_choice.begin() + count, a) !=
          achievement_choice.begin() + count) {
        continue;
      }
      achievement_choice[static_cast<size_t>(count++)] = a;
      const Achievement& item = t.achievements[static_cast<size_t>(a)];
      const int hi = age_class == 0 ? item.min + (item.max - item.min) / 3 : item.max;
      vars.n = rng.Int(item.min, hi);
      if (count > 1) text += "，";
      AppendTemplate(item.text, vars, &text);
    }
    text += "。";
  }

  // 手机: 1[3-9] and nine digits.
  {
    std::string& phone = row[kColPhone];
    phone.push_back('1');
    phone.push_back(t.phone_digits[t.phone_digit_pick.Pick(rng)]);
    AppendPadded(rng.Below(1'000'000'000ULL), 9, &phone);
  }

  // 电子邮箱: pinyin of the name where it is known, else a QQ number.
  {
    std::string& mail = row[kColEmail];
    const MailDomain* domain_choice = &t.mail_domains[t.mail_domain_pick.Pick(rng)];
    bool has_pinyin = !surname_pinyin.empty() && given_count > 0;
    for (int i = 0; i < given_count; ++i)
      has_pinyin &= !given_pinyin[static_cast<size_t>(i)].empty();
    if (domain_choice->numeric || !has_pinyin) {
      mail.push_back(static_cast<char>('1' + rng.Below(9)));
      const int digits = 6 + static_cast<int>(rng.Below(4));
      for (int i = 0; i < digits; ++i) mail.push_back(static_cast<char>('0' + rng.Below(10)));
      mail += "@qq.com";
    } else {
      mail += surname_pinyin;
      const uint64_t style = rng.Below(100);
      if (style < 75) {
        for (int i = 0; i < given_count; ++i) mail += given_pinyin[static_cast<size_t>(i)];
        if (style < 35) {
          AppendPadded(static_cast<uint64_t>(birth_year % 100), 2, &mail);
        } else if (style < 65) {
          AppendInt(static_cast<int64_t>(100 + rng.Below(900)), &mail);
        }
      } else {
        for (int i = 0; i < given_count; ++i)
          mail.push_back(given_pinyin[static_cast<size_t>(i)][0]);
        AppendInt(static_cast<int64_t>(1000 + rng.Below(9000)), &mail);
      }
      mail.push_back('@');
      mail += domain_choice->domain;
    }
  }

  row[kColRecommendingUnit] = unit.name;
  row[kColUnitType] = type.label;
  row[kColTier] =
      age <= s.youth_max_age && rng.Percent(s.young_tier_percent) ? "青年人才" : "领军人才";
  if (group != nullptr) row[kColGroup] = group->label;
  AppendInt(options.first_admission_year + (rng.Percent(s.second_year_percent) ? 1 : 0),
            &row[kColAdmissionYear]);
  row[kColSeminar] = rng.Percent(s.seminar_yes_percent) ? "是" : "否";
  row[kColStudyTour] = rng.Percent(s.study_tour_yes_percent) ? "是" : "否";
  row[kColProvince] = where.full_name;

  // 通讯地址: province, city, county, road and number.
  {
    std::string& address = row[kColAddress];
    // A county of the city the workplace was named after, so that a company
    // of 柳州 has its address in 柳州.
    const Place& county =
        city.children.empty()
            ? city
            : t.places[static_cast<size_t>(city.children[rng.Below(city.children.size())])];
    address += where.full_name;
    if (county.prefecture >= 0) address += t.places[static_cast<size_t>(county.prefecture)].name;
    address += county.name;
    address += t.roads[rng.Below(t.roads.size())];
    AppendInt(rng.Int(1, 999), &address);
    address += "号";
  }
}

void AppendCsvRecord(const std::vector<std::string>& fields, std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(',');
    const std::string& field = fields[i];
    // strcspn is the C library's vectorised scan (find_first_of with a set
    // calls memchr once per byte); a NUL inside the field ends it early, and
    // then the rest is looked at byte by byte.
    size_t at = std::strcspn(field.c_str(), ",\"\r\n");
    while (at < field.size() && field[at] == '\0') {
      ++at;
      at += std::strcspn(field.c_str() + at, ",\"\r\n");
    }
    if (at >= field.size()) {
      out->append(field);
      continue;
    }
    out->push_back('"');
    for (char c : field) {
      if (c == '"') out->push_back('"');
      out->push_back(c);
    }
    out->push_back('"');
  }
  out->append("\r\n");
}

Status WriteDemoCsv(const DemoOptions& options, const std::string& data_dir, std::ostream& out) {
  StatusOr<DemoGenerator> generator = DemoGenerator::Create(options, data_dir);
  if (!generator.ok()) return generator.status();
  constexpr size_t kFlushAt = 1 << 20;
  std::string buffer;
  buffer.reserve(kFlushAt + 8192);
  AppendCsvRecord(DemoGenerator::Header(), &buffer);
  std::vector<std::string> row;
  auto flush = [&]() {
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    buffer.clear();
    return static_cast<bool>(out);
  };
  while (generator->Next(&row)) {
    AppendCsvRecord(row, &buffer);
    if (buffer.size() >= kFlushAt && !flush()) break;
  }
  if (!flush() || !out.flush()) {
    return Unavailable("演示数据写出失败：输出流不再接受数据（已生成 " +
                       std::to_string(generator->produced()) + " 行）");
  }
  return Status::Ok();
}

}  // namespace tp::registry
