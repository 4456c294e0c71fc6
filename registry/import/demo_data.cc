#include "registry/import/demo_data.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <ostream>
#include <string_view>
#include <utility>

#include "registry/import/internal/demo_vocabulary.h"

namespace tp::registry {

using namespace demo_internal;

namespace {

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

  // Fills the cells of a row, empty on entry. Its sections draw from `rng`
  // in a fixed order, which is what makes a seed give the same rows.
  void Fill(std::vector<std::string>* row);

 private:
  struct Person;
  void PickWhoAndWhere(Person* p);
  void PickBirthDate(Person* p);
  void AppendHanName(const std::vector<int>& allowed, Person* p, std::string* name);
  void AppendName(Person* p, std::string* name);
  void AppendIdNumber(const Person& p, std::string* id);
  void AppendNativePlace(const Person& p, std::string* native) const;
  void PickGroupAndDomain(Person* p);
  void AppendFields(Person* p, std::string* fields);
  void AppendCompany(std::string_view tpl, const Person& p, std::string* work);
  void AppendWorkplace(Person* p, std::string* work);
  int PickTier(const std::array<std::vector<int>, kTierCount>& tiers);
  void PickTitleAndPost(Person* p, std::string* title, std::string* post_cell);
  void AppendAchievements(const Person& p, std::string* text);
  void AppendEmail(const Person& p, std::string* mail);
  void AppendAddress(const Person& p, std::string* address);
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

const NamePart& PickName(const NameList& list, int gender, Rng& rng) {
  return list.parts[list.by_gender[static_cast<size_t>(gender)].Pick(rng)];
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
  StatusOr<Tables> tables = LoadTables(data_dir);
  if (!tables.ok()) return tables.status();
  return DemoGenerator(std::make_unique<Impl>(options, std::move(tables).value()));
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

// What the sections of a row share about the person being made, in the order
// they are drawn.
struct DemoGenerator::Impl::Person {
  int gender = 0;  // 0 男, 1 女
  int age = 0;
  int age_class = 0;  // see kAgeClassCount
  const Ethnic* ethnic = nullptr;
  const UnitType* type = nullptr;
  const Unit* unit = nullptr;  // the recommending unit
  int province = 0;            // where the person works
  const Province* where = nullptr;
  const Province* born = nullptr;
  const Place* birth_county = nullptr;
  int birth_year = 0, month = 0, day = 0;
  // The pinyin of the name, for the e-mail address.
  std::string_view surname_pinyin;
  std::array<std::string_view, 2> given_pinyin{};
  int given_count = 0;
  const GroupKind* group = nullptr;  // a new group's, or none
  size_t domain = 0;
  const Field* first_field = nullptr;
  const Place* city = nullptr;     // of the workplace and the address
  Sector sector = Sector::kOther;  // of the workplace
};

void DemoGenerator::Impl::Fill(std::vector<std::string>* row_ptr) {
  std::vector<std::string>& row = *row_ptr;
  const Settings& s = t.settings;
  Person p;
  PickWhoAndWhere(&p);
  PickBirthDate(&p);

  // 编号
  std::string& id_cell = row[kColId];
  id_cell.push_back('P');
  AppendPadded(static_cast<uint64_t>(produced + 1), 7, &id_cell);

  AppendName(&p, &row[kColName]);
  row[kColGender] = p.gender == 0 ? "男" : "女";
  row[kColEthnic] = p.ethnic->name;

  std::string& birth = row[kColBirthDate];
  AppendPadded(static_cast<uint64_t>(p.birth_year), 4, &birth);
  birth.push_back('-');
  AppendPadded(static_cast<uint64_t>(p.month), 2, &birth);
  birth.push_back('-');
  AppendPadded(static_cast<uint64_t>(p.day), 2, &birth);

  AppendIdNumber(p, &row[kColIdNumber]);
  AppendNativePlace(p, &row[kColNativePlace]);
  row[kColAffiliation] = t.affiliations[t.affiliation_pick.Pick(rng)];
  PickGroupAndDomain(&p);
  AppendFields(&p, &row[kColFields]);
  AppendWorkplace(&p, &row[kColUnit]);
  PickTitleAndPost(&p, &row[kColTitle], &row[kColPost]);
  row[kColEducation] = t.educations[t.education_pick[p.group != nullptr ? 1 : 0].Pick(rng)];
  AppendAchievements(p, &row[kColAchievements]);

  // 手机: 1[3-9] and nine digits.
  std::string& phone = row[kColPhone];
  phone.push_back('1');
  phone.push_back(t.phone_digits[t.phone_digit_pick.Pick(rng)]);
  AppendPadded(rng.Below(1'000'000'000ULL), 9, &phone);

  AppendEmail(p, &row[kColEmail]);

  row[kColRecommendingUnit] = p.unit->name;
  row[kColUnitType] = p.type->label;
  row[kColTier] =
      p.age <= s.youth_max_age && rng.Percent(s.young_tier_percent) ? "青年人才" : "领军人才";
  if (p.group != nullptr) row[kColGroup] = p.group->label;
  AppendInt(options.first_admission_year + (rng.Percent(s.second_year_percent) ? 1 : 0),
            &row[kColAdmissionYear]);
  row[kColSeminar] = rng.Percent(s.seminar_yes_percent) ? "是" : "否";
  row[kColStudyTour] = rng.Percent(s.study_tour_yes_percent) ? "是" : "否";
  row[kColProvince] = p.where->full_name;

  AppendAddress(p, &row[kColAddress]);
}

void DemoGenerator::Impl::PickWhoAndWhere(Person* p) {
  const Settings& s = t.settings;
  // Who: gender, age, ethnic group.
  p->gender = static_cast<int>(t.gender_pick.Pick(rng));
  p->age = t.ages[t.age_pick.Pick(rng)];
  p->age_class = p->age <= s.youth_max_age ? 0 : p->age <= 40 ? 1 : 2;
  const Ethnic& ethnic = t.ethnics[t.ethnic_pick.Pick(rng)];
  p->ethnic = &ethnic;

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
  p->type = &type;
  // A unit of the home province when the type has one there; else any unit of
  // the type (national ones, or one elsewhere that the person moved to).
  const std::vector<int>& local = type.by_province[static_cast<size_t>(home)];
  const int unit_index =
      local.empty() ? type.units[rng.Below(type.units.size())] : local[rng.Below(local.size())];
  const Unit& unit = t.units[static_cast<size_t>(unit_index)];
  p->unit = &unit;
  p->province = unit.province >= 0 ? unit.province : home;
  p->where = &t.provinces[static_cast<size_t>(p->province)];
  int birth_province = home;
  if (p->province != home && !lives_at_home && rng.Percent(s.born_in_work_province_percent)) {
    birth_province = p->province;
  }
  const Province& born = t.provinces[static_cast<size_t>(birth_province)];
  p->born = &born;
  p->birth_county = &t.places[static_cast<size_t>(born.counties[rng.Below(born.counties.size())])];
}

// Birth date: age is counted at the end of the reference year.
void DemoGenerator::Impl::PickBirthDate(Person* p) {
  const int reference_year = options.first_admission_year + 1;
  const int birth_year = reference_year - p->age;
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
  p->birth_year = birth_year;
  p->month = month + 1;
  p->day = day + 1;
}

// A Han-style name: a surname (of `allowed` when it is not empty), then one
// or two given characters.
void DemoGenerator::Impl::AppendHanName(const std::vector<int>& allowed, Person* p,
                                        std::string* name) {
  const NamePart& surname =
      allowed.empty() ? t.surnames.parts[t.surname_pick.Pick(rng)]
                      : t.surnames.parts[static_cast<size_t>(allowed[rng.Below(allowed.size())])];
  *name += surname.text;
  p->surname_pinyin = surname.pinyin;
  p->given_count = rng.Percent(t.settings.one_char_given_name_percent) ? 1 : 2;
  const Picker& given = t.han_given.by_gender[static_cast<size_t>(p->gender)];
  size_t first = 0;
  for (int i = 0; i < p->given_count; ++i) {
    size_t pick = given.Pick(rng);
    // Doubled characters (婷婷) are girls' names, and rare.
    if (i == 1 && pick == first && !(p->gender == 1 && rng.Percent(20))) pick = given.Pick(rng);
    if (i == 0) first = pick;
    *name += t.han_given.parts[pick].text;
    p->given_pinyin[static_cast<size_t>(i)] = t.han_given.parts[pick].pinyin;
  }
}

// 姓名, and the pinyin of the name for the e-mail address.
void DemoGenerator::Impl::AppendName(Person* p, std::string* name) {
  const Ethnic& ethnic = *p->ethnic;
  const int gender = p->gender;
  switch (ethnic.style) {
    case NameStyle::kHan: AppendHanName(ethnic.surnames, p, name); break;
    case NameStyle::kUyghur:
    case NameStyle::kKazakh: {
      const NameList& list = ethnic.style == NameStyle::kUyghur ? t.uyghur : t.kazakh;
      *name += PickName(list, gender, rng).text;
      *name += "·";
      *name += PickName(list, 0, rng).text;  // the father's name
      break;
    }
    case NameStyle::kTibetan: {
      const NamePart& first = PickName(t.tibetan, gender, rng);
      *name += first.text;
      if (rng.Percent(85)) {
        const NamePart* second = &PickName(t.tibetan, gender, rng);
        if (second == &first) second = &PickName(t.tibetan, gender, rng);
        if (second != &first) *name += second->text;
      }
      break;
    }
    case NameStyle::kMongolian: {
      // Han-style (包玉华), a Mongolian name alone (巴特尔), or one after a
      // family name (包巴特尔), in about equal parts.
      const uint64_t form = rng.Below(3);
      if (form == 0) {
        AppendHanName(ethnic.surnames, p, name);
        break;
      }
      if (form == 2 && !ethnic.surnames.empty()) {
        *name += t.surnames
                     .parts[static_cast<size_t>(ethnic.surnames[rng.Below(ethnic.surnames.size())])]
                     .text;
      }
      *name += PickName(t.mongolian, gender, rng).text;
      break;
    }
    case NameStyle::kKorean: {
      const NamePart& surname = PickName(t.korean_surnames, gender, rng);
      const NamePart& given = PickName(t.korean_given, gender, rng);
      *name += surname.text;
      *name += given.text;
      p->surname_pinyin = surname.pinyin;
      p->given_pinyin[0] = given.pinyin;
      p->given_count = 1;
      break;
    }
  }
}

// 身份证号 (GB 11643): region, birth date, sequence with the gender in its
// parity, ISO 7064 MOD 11-2 check character. Unique within the run.
void DemoGenerator::Impl::AppendIdNumber(const Person& p, std::string* id) {
  if (rng.PerMille(t.settings.no_id_per_mille)) return;
  uint64_t prefix = 0;
  for (char c : p.birth_county->code) prefix = prefix * 10 + static_cast<uint64_t>(c - '0');
  prefix = prefix * 100000000ULL + static_cast<uint64_t>(p.birth_year) * 10000 +
           static_cast<uint64_t>(p.month) * 100 + static_cast<uint64_t>(p.day);
  // Sequence 001-999, odd for men, even for women; 000 is never issued.
  const uint64_t first_sequence = p.gender == 0 ? 1 : 2;
  uint64_t sequence = first_sequence + rng.Below(p.gender == 0 ? 500 : 499) * 2;
  bool issued = false;
  for (int attempt = 0; attempt < 500; ++attempt) {
    if (ids.Insert(prefix * 1000 + sequence)) {
      issued = true;
      break;
    }
    sequence = sequence + 2 > 999 ? first_sequence : sequence + 2;
  }
  if (!issued) return;
  AppendPadded(prefix * 1000 + sequence, 17, id);
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += ((*id)[i] - '0') * kIdWeights[i];
  id->push_back(kIdCheckCodes[static_cast<size_t>(sum % 11)]);
}

// 籍贯: the province and city of birth, the way forms write it (广西柳州).
void DemoGenerator::Impl::AppendNativePlace(const Person& p, std::string* native) const {
  const Province& born = *p.born;
  const Place& birth_county = *p.birth_county;
  *native += born.short_name;
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
    *native += text;
  }
}

// New groups and the person's field of work.
void DemoGenerator::Impl::PickGroupAndDomain(Person* p) {
  const Unit& unit = *p->unit;
  const bool new_group = rng.Percent(p->type->new_group_percent);
  p->group = new_group ? &t.groups[t.group_pick.Pick(rng)] : nullptr;
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
  p->domain = static_cast<size_t>(domain);
}

// 擅长领域: 1-3 distinct fields of the domain.
void DemoGenerator::Impl::AppendFields(Person* p, std::string* fields) {
  const size_t dom = p->domain;
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
  for (int i = 0; i < chosen_fields; ++i) {
    if (i > 0) *fields += "、";
    *fields += t.fields[static_cast<size_t>(field_choice[static_cast<size_t>(i)])].name;
  }
  p->first_field = &t.fields[static_cast<size_t>(field_choice[0])];
}

// A company of the person's city and domain, named by `tpl`.
void DemoGenerator::Impl::AppendCompany(std::string_view tpl, const Person& p, std::string* work) {
  TemplateVars vars;
  vars.city = CityShort(*p.city, *p.where);
  vars.province_short = p.where->short_name;
  vars.brand = t.brands[rng.Below(t.brands.size())];
  const std::vector<std::string>& industries = t.industries[p.domain];
  vars.industry = industries[rng.Below(industries.size())];
  vars.suffix = t.company_suffixes[t.company_suffix_pick.Pick(rng)];
  AppendTemplate(tpl, vars, work);
}

// 工作单位 and its sector.
void DemoGenerator::Impl::AppendWorkplace(Person* p, std::string* work) {
  const Unit& unit = *p->unit;
  const Province& where = *p->where;
  const size_t dom = p->domain;
  Sector sector = Sector::kOther;
  p->city = &t.places[static_cast<size_t>(where.cities[rng.Below(where.cities.size())])];
  if (p->group != nullptr) {
    sector = p->group->sector;
    const size_t s_index = static_cast<size_t>(sector);
    AppendCompany(t.group_workplaces[s_index][t.group_workplace_pick[s_index].Pick(rng)].text, *p,
                  work);
  } else if (unit.sector == Sector::kUniversity || unit.sector == Sector::kHospital ||
             unit.sector == Sector::kInstitute || unit.sector == Sector::kEnterprise) {
    sector = unit.sector;
    *work = unit.name;
    if (EndsWith(*work, "科协")) work->resize(work->size() - std::string_view("科协").size());
  } else if (unit.province >= 0 &&
             (p->type->label == "国家级园区科协" || p->type->label == "园区科协")) {
    sector = Sector::kCompany;
    AppendCompany("{市}{brand}{industry}{suffix}", *p, work);
  } else {
    // A workplace of the person's province and field, named or templated, or a company.
    const auto& tiers = t.pool[static_cast<size_t>(p->province)][dom];
    const int chosen = PickTier(tiers);
    if (chosen == kTierCount) {
      sector = Sector::kCompany;
      AppendCompany("{市}{brand}{industry}{suffix}", *p, work);
    } else {
      const std::vector<int>& list = tiers[static_cast<size_t>(chosen)];
      const Workplace& place = t.workplaces[static_cast<size_t>(list[rng.Below(list.size())])];
      *work = place.name;
      sector = place.sector;
    }
  }
  if (sector == Sector::kUniversity && rng.Percent(t.settings.department_percent)) {
    *work += t.schools[dom][rng.Below(t.schools[dom].size())];
  } else if (sector == Sector::kHospital && !p->first_field->department.empty() &&
             rng.Percent(t.settings.department_percent)) {
    *work += p->first_field->department;
  }
  p->sector = sector;
}

// A tier of `tiers` by kTierWeights, leaving out the empty ones; kTierCount
// for a company.
int DemoGenerator::Impl::PickTier(const std::array<std::vector<int>, kTierCount>& tiers) {
  uint64_t total = 0;
  for (int tier = 0; tier <= kTierCount; ++tier) {
    if (tier == kTierCount || !tiers[static_cast<size_t>(tier)].empty())
      total += static_cast<uint64_t>(kTierWeights[static_cast<size_t>(tier)]);
  }
  uint64_t r = rng.Below(total);
  for (int tier = 0; tier < kTierCount; ++tier) {
    if (tiers[static_cast<size_t>(tier)].empty()) continue;
    const uint64_t w = static_cast<uint64_t>(kTierWeights[static_cast<size_t>(tier)]);
    if (r < w) return tier;
    r -= w;
  }
  return kTierCount;
}

void DemoGenerator::Impl::PickTitleAndPost(Person* p, std::string* title, std::string* post_cell) {
  // 技术职称: the level by age, the title by sector.
  const int age = p->age;
  size_t level_row = 0;
  while (t.title_levels[level_row].max_age < age) ++level_row;
  const size_t level = t.title_levels[level_row].levels.Pick(rng);
  const size_t title_group = static_cast<size_t>(TitleGroup(p->sector));
  *title = t.titles[title_group][level][t.title_pick[title_group][level].Pick(rng)].name;

  // 职务: a post of the sector open at this age; a junior title keeps the
  // person out of the posts of the senior (no 院长 who is a 讲师).
  const int post_age = level == 2 ? std::min(age, 33) : level == 1 ? std::min(age, 42) : age;
  const std::vector<Post>& posts = t.posts[static_cast<size_t>(p->sector)];
  uint64_t total = 0;
  for (const Post& post : posts) {
    if (post.min_age <= post_age) total += static_cast<uint64_t>(post.weight);
  }
  uint64_t r = rng.Below(total);
  for (const Post& post : posts) {
    if (post.min_age > post_age) continue;
    const uint64_t w = static_cast<uint64_t>(post.weight);
    if (r < w) {
      *post_cell = post.name;
      break;
    }
    r -= w;
  }
}

// 主要成就: an opening naming the first field, then two to four items.
void DemoGenerator::Impl::AppendAchievements(const Person& p, std::string* text) {
  TemplateVars vars;
  vars.field = p.first_field->name;
  vars.province_short = p.where->short_name;
  const size_t c = static_cast<size_t>(p.age_class);
  AppendTemplate(t.leads[c][t.lead_pick[c].Pick(rng)], vars, text);
  *text += rng.Percent(t.settings.two_sentence_percent) ? "。" : "，";
  const std::vector<int>& candidates = t.achievement_index[p.domain][c];
  const Picker& picker = t.achievement_pick[p.domain][c];
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
    const int hi = p.age_class == 0 ? item.min + (item.max - item.min) / 3 : item.max;
    vars.n = rng.Int(item.min, hi);
    if (count > 1) *text += "，";
    AppendTemplate(item.text, vars, text);
  }
  *text += "。";
}

// 电子邮箱: pinyin of the name where it is known, else a QQ number.
void DemoGenerator::Impl::AppendEmail(const Person& p, std::string* mail) {
  const MailDomain* domain_choice = &t.mail_domains[t.mail_domain_pick.Pick(rng)];
  const int given_count = p.given_count;
  bool has_pinyin = !p.surname_pinyin.empty() && given_count > 0;
  for (int i = 0; i < given_count; ++i)
    has_pinyin &= !p.given_pinyin[static_cast<size_t>(i)].empty();
  if (domain_choice->numeric || !has_pinyin) {
    mail->push_back(static_cast<char>('1' + rng.Below(9)));
    const int digits = 6 + static_cast<int>(rng.Below(4));
    for (int i = 0; i < digits; ++i) mail->push_back(static_cast<char>('0' + rng.Below(10)));
    *mail += "@qq.com";
    return;
  }
  *mail += p.surname_pinyin;
  const uint64_t style = rng.Below(100);
  if (style < 75) {
    for (int i = 0; i < given_count; ++i) *mail += p.given_pinyin[static_cast<size_t>(i)];
    if (style < 35) {
      AppendPadded(static_cast<uint64_t>(p.birth_year % 100), 2, mail);
    } else if (style < 65) {
      AppendInt(static_cast<int64_t>(100 + rng.Below(900)), mail);
    }
  } else {
    for (int i = 0; i < given_count; ++i)
      mail->push_back(p.given_pinyin[static_cast<size_t>(i)][0]);
    AppendInt(static_cast<int64_t>(1000 + rng.Below(9000)), mail);
  }
  mail->push_back('@');
  *mail += domain_choice->domain;
}

// 通讯地址: province, city, county, road and number.
void DemoGenerator::Impl::AppendAddress(const Person& p, std::string* address) {
  const Place& city = *p.city;
  // A county of the city the workplace was named after, so that a company
  // of 柳州 has its address in 柳州.
  const Place& county =
      city.children.empty()
          ? city
          : t.places[static_cast<size_t>(city.children[rng.Below(city.children.size())])];
  *address += p.where->full_name;
  if (county.prefecture >= 0) *address += t.places[static_cast<size_t>(county.prefecture)].name;
  *address += county.name;
  *address += t.roads[rng.Below(t.roads.size())];
  AppendInt(rng.Int(1, 999), address);
  *address += "号";
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
