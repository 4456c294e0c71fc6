// Loading the demo generator's tables: each loader reads one TSV file into
// Tables and reports the file and line of the first problem, so that a typo
// in data/ is caught at start-up, not printed into a million rows.
#include "registry/import/internal/demo_vocabulary.h"

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <unordered_map>
#include <utility>

namespace tp::registry::demo_internal {
namespace {

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

// One line of demo_vocabulary.tsv, as the loaders of its sections see it.
struct VocabularyLine {
  const TsvFile& file;
  const TsvLine& line;
  const std::vector<std::string>& f;

  bool Need(size_t n) const { return f.size() == n; }
  Status Bad(const std::string& message) const { return BadLine(file.name, line.number, message); }
  std::optional<int64_t> WeightAt(size_t i) const { return ParseWeight(f[i]); }
};

// Reads demo_vocabulary.tsv into Tables, one family of sections at a time.
// The vocabulary comes first: regions and units refer to its provinces.
class VocabularyLoader {
 public:
  VocabularyLoader(const TsvFile& file, Tables* t)
      : file_(file),
        t_(t),
        setting_targets_{
            {"no_id_per_mille", &t->settings.no_id_per_mille},
            {"one_char_given_name_percent", &t->settings.one_char_given_name_percent},
            {"young_tier_percent", &t->settings.young_tier_percent},
            {"minority_home_percent", &t->settings.minority_home_percent},
            {"born_in_work_province_percent", &t->settings.born_in_work_province_percent},
            {"second_year_percent", &t->settings.second_year_percent},
            {"seminar_yes_percent", &t->settings.seminar_yes_percent},
            {"study_tour_yes_percent", &t->settings.study_tour_yes_percent},
            {"department_percent", &t->settings.department_percent},
            {"two_sentence_percent", &t->settings.two_sentence_percent}} {}

  Status Load();

 private:
  // Each loads a line of its own sections and returns nullopt for a line of
  // another section: settings; the people (provinces, gender, age, ethnic
  // groups, affiliation, education); where they work (unit types, groups,
  // domains, fields, schools); titles and posts; the texts of 主要成就;
  // companies, roads, mail domains and phone prefixes.
  std::optional<Status> Setting(const VocabularyLine& l);
  std::optional<Status> People(const VocabularyLine& l);
  std::optional<Status> Work(const VocabularyLine& l);
  std::optional<Status> Titles(const VocabularyLine& l);
  std::optional<Status> Texts(const VocabularyLine& l);
  std::optional<Status> Contacts(const VocabularyLine& l);
  // Once every line is read: every setting given, the ethnic groups resolved.
  Status Finish();

  const TsvFile& file_;
  Tables* t_;
  std::unordered_map<std::string, int64_t*> setting_targets_;
  std::vector<std::string> settings_seen_;
  int gender_rows_ = 0;
  // Rows that name provinces or surnames are resolved after all provinces are known.
  std::vector<const TsvLine*> ethnic_lines_;
};

Status VocabularyLoader::Load() {
  for (const TsvLine& line : file_.lines) {
    const VocabularyLine l{file_, line, line.fields};
    std::optional<Status> loaded = Setting(l);
    if (!loaded) loaded = People(l);
    if (!loaded) loaded = Work(l);
    if (!loaded) loaded = Titles(l);
    if (!loaded) loaded = Texts(l);
    if (!loaded) loaded = Contacts(l);
    if (!loaded) return l.Bad("未知的段「" + l.f[0] + "」");
    if (!loaded->ok()) return *loaded;
  }
  return Finish();
}

std::optional<Status> VocabularyLoader::Setting(const VocabularyLine& l) {
  const std::vector<std::string>& f = l.f;
  const std::string& section = f[0];
  if (section == "setting") {
    if (!l.Need(3)) return l.Bad("setting 应有 3 列");
    const std::optional<int> value = ParseInt(f[2]);
    if (!value) return l.Bad("设置值不是整数");
    if (f[1] == "youth_max_age") {
      t_->settings.youth_max_age = *value;
    } else {
      const auto it = setting_targets_.find(f[1]);
      if (it == setting_targets_.end()) return l.Bad("未知的设置「" + f[1] + "」");
      *it->second = *value;
    }
    settings_seen_.push_back(f[1]);
  } else {
    return std::nullopt;
  }
  return Status::Ok();
}

std::optional<Status> VocabularyLoader::People(const VocabularyLine& l) {
  const std::vector<std::string>& f = l.f;
  const std::string& section = f[0];
  if (section == "province") {
    const std::optional<int64_t> w = l.Need(6) ? l.WeightAt(5) : std::nullopt;
    if (!w || f[1].size() != 2) return l.Bad("province 应为 代码、全称、简称、学会前缀、权重");
    t_->provinces.push_back(Province{f[1], f[2], f[3], f[4], {}, {}});
    t_->province_pick.Add(*w);
  } else if (section == "gender") {
    const std::optional<int64_t> w = l.Need(3) ? l.WeightAt(2) : std::nullopt;
    if (!w || gender_rows_ >= 2 || f[1] != (gender_rows_ == 0 ? "男" : "女")) {
      return l.Bad("gender 应为「男」一行、「女」一行，依此顺序");
    }
    ++gender_rows_;
    t_->gender_pick.Add(*w);
  } else if (section == "age") {
    const std::optional<int64_t> w = l.Need(3) ? l.WeightAt(2) : std::nullopt;
    const std::optional<int> age = l.Need(3) ? ParseInt(f[1]) : std::nullopt;
    if (!w || !age || *age < 18 || *age > 80) return l.Bad("age 应为 18-80 的年龄和权重");
    t_->ages.push_back(*age);
    t_->age_pick.Add(*w);
  } else if (section == "ethnic") {
    if (!l.Need(6) || !l.WeightAt(2))
      return l.Bad("ethnic 应为 名称、权重、聚居省份、姓名样式、姓氏");
    ethnic_lines_.push_back(&l.line);
  } else if (section == "affiliation") {
    const std::optional<int64_t> w = l.Need(3) ? l.WeightAt(2) : std::nullopt;
    if (!w) return l.Bad("affiliation 应为 名称、权重");
    t_->affiliations.push_back(f[1]);
    t_->affiliation_pick.Add(*w);
  } else if (section == "education") {
    const std::optional<int64_t> w = l.Need(4) ? l.WeightAt(2) : std::nullopt;
    const std::optional<int64_t> w_new = l.Need(4) ? l.WeightAt(3) : std::nullopt;
    if (!w || !w_new) return l.Bad("education 应为 名称、权重、新群体权重");
    t_->educations.push_back(f[1]);
    t_->education_pick[0].Add(*w);
    t_->education_pick[1].Add(*w_new);
  } else {
    return std::nullopt;
  }
  return Status::Ok();
}

std::optional<Status> VocabularyLoader::Work(const VocabularyLine& l) {
  const std::vector<std::string>& f = l.f;
  const std::string& section = f[0];
  if (section == "unit_type") {
    const std::optional<int64_t> w = l.Need(4) ? l.WeightAt(2) : std::nullopt;
    const std::optional<int> percent = l.Need(4) ? ParseInt(f[3]) : std::nullopt;
    if (!w || !percent || *percent > 100) return l.Bad("unit_type 应为 类型、权重、新群体百分比");
    t_->unit_types.push_back(UnitType{f[1], *percent, {}, {}});
    t_->unit_type_pick.Add(*w);
  } else if (section == "group") {
    const std::optional<int64_t> w = l.Need(4) ? l.WeightAt(2) : std::nullopt;
    const std::optional<Sector> sector = l.Need(4) ? ParseSector(f[3]) : std::nullopt;
    if (!w || !sector) return l.Bad("group 应为 群体、权重、单位类别");
    t_->groups.push_back({f[1], *sector});
    t_->group_pick.Add(*w);
  } else if (section == "domain") {
    const std::optional<int> index = l.Need(3) ? DomainIndex(f[1]) : std::nullopt;
    const std::optional<int64_t> w = l.Need(3) ? l.WeightAt(2) : std::nullopt;
    if (!index || !w || t_->domain_weights[static_cast<size_t>(*index)] != 0) {
      return l.Bad("domain 应为 领域代码、权重，每个代码一行");
    }
    t_->domain_weights[static_cast<size_t>(*index)] = *w;
  } else if (section == "field") {
    const std::optional<int> index = l.Need(5) ? DomainIndex(f[2]) : std::nullopt;
    const std::optional<int64_t> w = l.Need(5) ? l.WeightAt(3) : std::nullopt;
    if (!index || !w) return l.Bad("field 应为 领域名称、领域代码、权重、科室");
    const size_t d = static_cast<size_t>(*index);
    t_->fields_by_domain[d].push_back(static_cast<int>(t_->fields.size()));
    t_->field_pick[d].Add(*w);
    t_->fields.push_back({f[1], f[4] == "-" ? "" : f[4]});
  } else if (section == "field_count") {
    const std::optional<int> n = l.Need(3) ? ParseInt(f[1]) : std::nullopt;
    const std::optional<int64_t> w = l.Need(3) ? l.WeightAt(2) : std::nullopt;
    if (!n || !w || *n < 1 || *n > 3) return l.Bad("field_count 应为 1-3 和权重");
    t_->field_counts.push_back(*n);
    t_->field_count_pick.Add(*w);
  } else if (section == "school") {
    const std::optional<int> index = l.Need(3) ? DomainIndex(f[1]) : std::nullopt;
    if (!index) return l.Bad("school 应为 领域代码、学院名称");
    t_->schools[static_cast<size_t>(*index)].push_back(f[2]);
  } else {
    return std::nullopt;
  }
  return Status::Ok();
}

std::optional<Status> VocabularyLoader::Titles(const VocabularyLine& l) {
  const std::vector<std::string>& f = l.f;
  const std::string& section = f[0];
  if (section == "title_level") {
    std::optional<int> age = l.Need(5) ? ParseInt(f[1]) : std::nullopt;
    if (!age || !l.WeightAt(2) || !l.WeightAt(3) || !l.WeightAt(4)) {
      return l.Bad("title_level 应为 年龄上限和三个权重");
    }
    TitleLevelRow row;
    row.max_age = *age;
    for (size_t i = 2; i <= 4; ++i) row.levels.Add(*l.WeightAt(i));
    if (!t_->title_levels.empty() && t_->title_levels.back().max_age >= *age) {
      return l.Bad("title_level 的年龄上限应递增");
    }
    t_->title_levels.push_back(std::move(row));
  } else if (section == "title") {
    const std::optional<Sector> sector = l.Need(5) ? ParseSector(f[2]) : std::nullopt;
    const std::optional<int64_t> w = l.Need(5) ? l.WeightAt(4) : std::nullopt;
    int level = -1;
    if (l.Need(5))
      level = f[3] == "senior" ? 0 : f[3] == "associate" ? 1 : f[3] == "intermediate" ? 2 : -1;
    if (!sector || !w || level < 0) return l.Bad("title 应为 职称、单位类别、级别、权重");
    const int group = TitleGroup(*sector);
    t_->titles[static_cast<size_t>(group)][static_cast<size_t>(level)].push_back({f[1]});
    t_->title_pick[static_cast<size_t>(group)][static_cast<size_t>(level)].Add(*w);
  } else if (section == "post") {
    const std::optional<Sector> sector = l.Need(5) ? ParseSector(f[2]) : std::nullopt;
    const std::optional<int> min_age = l.Need(5) ? ParseInt(f[3]) : std::nullopt;
    const std::optional<int64_t> w = l.Need(5) ? l.WeightAt(4) : std::nullopt;
    if (!sector || !min_age || !w) return l.Bad("post 应为 职务、单位类别、最低年龄、权重");
    t_->posts[static_cast<size_t>(*sector)].push_back({f[1], *min_age, *w});
  } else {
    return std::nullopt;
  }
  return Status::Ok();
}

std::optional<Status> VocabularyLoader::Texts(const VocabularyLine& l) {
  const std::vector<std::string>& f = l.f;
  const std::string& section = f[0];
  if (section == "lead") {
    if (!l.Need(3) || !TemplateKeysAllowed(f[1], {"{field}"}))
      return l.Bad("lead 应为 模板、适用人群");
    const std::string& who = f[2];
    if (who != "any" && who != "young" && who != "senior")
      return l.Bad("适用人群应为 any/young/senior");
    for (int c = 0; c < kAgeClassCount; ++c) {
      if (who == "any" || (who == "young" && c == 0) || (who == "senior" && c == 2)) {
        t_->leads[static_cast<size_t>(c)].push_back(f[1]);
        t_->lead_pick[static_cast<size_t>(c)].Add(1);
      }
    }
  } else if (section == "achievement") {
    const std::optional<uint32_t> domains = l.Need(7) ? ParseDomains(f[2]) : std::nullopt;
    const std::optional<int64_t> w = l.Need(7) ? l.WeightAt(4) : std::nullopt;
    const std::optional<int> lo = l.Need(7) ? ParseInt(f[5]) : std::nullopt;
    const std::optional<int> hi = l.Need(7) ? ParseInt(f[6]) : std::nullopt;
    if (!domains || !w || !lo || !hi || *lo > *hi ||
        !TemplateKeysAllowed(f[1], {"{n}", "{省简}"}) ||
        (f[3] != "any" && f[3] != "young" && f[3] != "senior")) {
      return l.Bad("achievement 应为 模板、领域、适用人群、权重、最小值、最大值");
    }
    const int index = static_cast<int>(t_->achievements.size());
    t_->achievements.push_back({f[1], *lo, *hi});
    for (int d = 0; d < kDomainCount; ++d) {
      if ((*domains & (1u << d)) == 0) continue;
      for (int c = 0; c < kAgeClassCount; ++c) {
        if (f[3] == "any" || (f[3] == "young" && c == 0) || (f[3] == "senior" && c == 2)) {
          t_->achievement_index[static_cast<size_t>(d)][static_cast<size_t>(c)].push_back(index);
          t_->achievement_pick[static_cast<size_t>(d)][static_cast<size_t>(c)].Add(*w);
        }
      }
    }
  } else {
    return std::nullopt;
  }
  return Status::Ok();
}

std::optional<Status> VocabularyLoader::Contacts(const VocabularyLine& l) {
  const std::vector<std::string>& f = l.f;
  const std::string& section = f[0];
  if (section == "company_brand") {
    if (!l.Need(2)) return l.Bad("company_brand 应为 一个名称");
    t_->brands.push_back(f[1]);
  } else if (section == "company_industry") {
    const std::optional<int> index = l.Need(3) ? DomainIndex(f[1]) : std::nullopt;
    if (!index) return l.Bad("company_industry 应为 领域代码、行业");
    t_->industries[static_cast<size_t>(*index)].push_back(f[2]);
  } else if (section == "workplace") {
    const std::optional<Sector> sector = l.Need(4) ? ParseSector(f[1]) : std::nullopt;
    const std::optional<int64_t> w = l.Need(4) ? l.WeightAt(3) : std::nullopt;
    if (!sector || !w ||
        !TemplateKeysAllowed(f[2], {"{市}", "{省简}", "{brand}", "{industry}", "{suffix}"})) {
      return l.Bad("workplace 应为 单位类别、模板、权重");
    }
    t_->group_workplaces[static_cast<size_t>(*sector)].push_back({f[2]});
    t_->group_workplace_pick[static_cast<size_t>(*sector)].Add(*w);
  } else if (section == "company_suffix") {
    const std::optional<int64_t> w = l.Need(3) ? l.WeightAt(2) : std::nullopt;
    if (!w) return l.Bad("company_suffix 应为 后缀、权重");
    t_->company_suffixes.push_back(f[1]);
    t_->company_suffix_pick.Add(*w);
  } else if (section == "road") {
    if (!l.Need(2)) return l.Bad("road 应为 一个路名");
    t_->roads.push_back(f[1]);
  } else if (section == "mail_domain") {
    const std::optional<int64_t> w = l.Need(4) ? l.WeightAt(2) : std::nullopt;
    if (!w || (f[3] != "name" && f[3] != "number"))
      return l.Bad("mail_domain 应为 域名、权重、name/number");
    t_->mail_domains.push_back({f[1], f[3] == "number"});
    t_->mail_domain_pick.Add(*w);
  } else if (section == "phone_prefix") {
    const std::optional<int64_t> w = l.Need(3) ? l.WeightAt(2) : std::nullopt;
    if (!w || f[1].size() != 1 || f[1][0] < '3' || f[1][0] > '9')
      return l.Bad("phone_prefix 应为 3-9 的一位数字、权重");
    t_->phone_digits.push_back(f[1][0]);
    t_->phone_digit_pick.Add(*w);
  } else {
    return std::nullopt;
  }
  return Status::Ok();
}

Status VocabularyLoader::Finish() {
  for (const auto& [key, target] : setting_targets_) {
    (void)target;
    if (std::find(settings_seen_.begin(), settings_seen_.end(), key) == settings_seen_.end()) {
      return BadLine(file_.name, 0, "缺少设置「" + key + "」");
    }
  }
  for (int64_t w : t_->domain_weights) t_->domain_pick.Add(w);

  // Ethnic groups refer to provinces and to the surname list.
  std::unordered_map<std::string, int> surname_index;
  for (size_t i = 0; i < t_->surnames.parts.size(); ++i) {
    surname_index.emplace(t_->surnames.parts[i].text, static_cast<int>(i));
  }
  for (const TsvLine* line : ethnic_lines_) {
    const std::vector<std::string>& f = line->fields;
    Ethnic ethnic;
    ethnic.name = f[1];
    if (f[3] != "-") {
      for (const std::string& code : SplitComma(f[3])) {
        const int province = FindProvince(*t_, code);
        if (province < 0)
          return BadLine(file_.name, line->number, "未知的省份代码「" + code + "」");
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
      return BadLine(file_.name, line->number, "未知的姓名样式「" + style + "」");
    if (f[5] != "-") {
      for (const std::string& surname : SplitComma(f[5])) {
        const auto it = surname_index.find(surname);
        if (it == surname_index.end()) {
          return BadLine(file_.name, line->number, "姓氏「" + surname + "」不在 surnames.tsv 中");
        }
        ethnic.surnames.push_back(it->second);
      }
    }
    t_->ethnics.push_back(std::move(ethnic));
    t_->ethnic_pick.Add(*ParseWeight(f[2]));
  }
  return Status::Ok();
}

Status LoadVocabulary(const TsvFile& file, Tables* t) { return VocabularyLoader(file, t).Load(); }

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

// Adds a workplace to the pool of its province for each of its domains.
void AddWorkplace(std::string name, Sector sector, int province, uint32_t domains, int tier,
                  Tables* t) {
  const int index = static_cast<int>(t->workplaces.size());
  t->workplaces.push_back({std::move(name), sector});
  for (int d = 0; d < kDomainCount; ++d) {
    if (domains & (1u << d)) {
      t->pool[static_cast<size_t>(province)][static_cast<size_t>(d)][static_cast<size_t>(tier)]
          .push_back(index);
    }
  }
}

void AddUnit(std::string name, int type, int province, Sector sector, uint32_t domains, Tables* t) {
  const int index = static_cast<int>(t->units.size());
  UnitType& unit_type = t->unit_types[static_cast<size_t>(type)];
  unit_type.units.push_back(index);
  if (province >= 0) unit_type.by_province[static_cast<size_t>(province)].push_back(index);
  // The units that are themselves workplaces employ the people they recommend.
  if (province >= 0 &&
      (sector == Sector::kUniversity || sector == Sector::kHospital ||
       sector == Sector::kInstitute || sector == Sector::kEnterprise) &&
      EndsWith(name, "科协")) {
    AddWorkplace(name.substr(0, name.size() - std::string_view("科协").size()), sector, province,
                 domains, 0, t);
  }
  t->units.push_back({std::move(name), type, province, sector, domains});
}

// What one line of demo_units.tsv adds: recommending units of a type, or
// workplaces only (type 工作单位).
struct UnitLine {
  int type = -1;
  bool workplace_only = false;
  Sector sector = Sector::kOther;
  uint32_t domains = kAllDomains;

  // A workplace goes into the pool at `tier`; a unit has none.
  void Add(std::string name, int province, int tier, Tables* t) const {
    if (workplace_only) {
      AddWorkplace(std::move(name), sector, province, domains, tier, t);
    } else {
      AddUnit(std::move(name), type, province, sector, domains, t);
    }
  }
};

// A line whose province is "*": its name template made into one name per
// province, or per city ({市}) or county ({县}) of every province.
Status AddPerPlace(const TsvFile& file, const TsvLine& line, const UnitLine& unit, Tables* t) {
  const std::string& tpl = line.fields[1];
  if (!TemplateKeysAllowed(tpl, {"{省}", "{省称}", "{省简}", "{市}", "{县}"})) {
    return BadLine(file.name, line.number, "名称模板中有未知的占位符");
  }
  const bool per_county = tpl.find("{县}") != std::string::npos;
  const bool per_city = tpl.find("{市}") != std::string::npos;
  if (per_county && per_city) return BadLine(file.name, line.number, "{市} 与 {县} 不能同时出现");
  const int tier = per_county ? 3 : per_city ? 2 : 1;
  for (size_t p = 0; p < t->provinces.size(); ++p) {
    const Province& province = t->provinces[p];
    const std::vector<int>& places = per_county ? province.counties : province.cities;
    const size_t copies = per_city || per_county ? places.size() : 1;
    for (size_t i = 0; i < copies; ++i) {
      const Place* place =
          per_city || per_county ? &t->places[static_cast<size_t>(places[i])] : nullptr;
      std::string name =
          FillPlace(tpl, province, per_city ? place : nullptr, per_county ? place : nullptr);
      unit.Add(std::move(name), static_cast<int>(p), tier, t);
    }
  }
  return Status::Ok();
}

Status LoadUnits(const TsvFile& file, Tables* t) {
  const size_t province_count = t->provinces.size();
  for (UnitType& type : t->unit_types) type.by_province.assign(province_count, {});
  t->pool.assign(province_count, {});

  for (const TsvLine& line : file.lines) {
    const std::vector<std::string>& f = line.fields;
    if (f.size() != 5)
      return BadLine(file.name, line.number, "应有 5 列（类型、名称、省份、类别、领域）");
    UnitLine unit;
    for (size_t i = 0; i < t->unit_types.size(); ++i) {
      if (t->unit_types[i].label == f[0]) unit.type = static_cast<int>(i);
    }
    unit.workplace_only = f[0] == "工作单位";
    if (unit.type < 0 && !unit.workplace_only)
      return BadLine(file.name, line.number, "未知的推荐单位类型「" + f[0] + "」");
    const std::optional<Sector> sector = ParseSector(f[3]);
    const std::optional<uint32_t> domains = ParseDomains(f[4]);
    if (!sector || !domains) return BadLine(file.name, line.number, "单位类别或领域无法识别");
    unit.sector = *sector;
    unit.domains = *domains;
    const std::string& tpl = f[1];

    if (f[2] == "*") {
      TP_RETURN_IF_ERROR(AddPerPlace(file, line, unit, t));
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
    if (unit.workplace_only && province < 0) {
      return BadLine(file.name, line.number, "工作单位须有省份");
    }
    unit.Add(tpl, province, 0, t);
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

}  // namespace

StatusOr<Tables> LoadTables(const std::string& data_dir) {
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
  return t;
}

}  // namespace tp::registry::demo_internal
