// The tables of the demo-data generator (demo_data.h), as loaded and checked
// from data/: the random number generator and pickers that draw from them,
// and the vocabulary, names, regions and units a row is made of. Only the
// generator's files include this header.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"

namespace tp::registry::demo_internal {

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

inline bool EndsWith(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

inline void AppendInt(int64_t value, std::string* out) {
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

inline void AppendPadded(uint64_t value, int width, std::string* out) {
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

inline constexpr int kDomainCount = 9;
inline constexpr std::array<std::string_view, kDomainCount> kDomainCodes = {
    "农", "医", "工", "信", "理", "环", "材", "能", "综"};
inline constexpr uint32_t kAllDomains = (1u << kDomainCount) - 1;

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
inline constexpr int kSectorCount = 8;

// Titles come in five families; companies use enterprise titles, social
// organisations and studios the general ones.
inline constexpr int kTitleGroupCount = 5;
inline int TitleGroup(Sector sector) {
  switch (sector) {
    case Sector::kUniversity: return 0;
    case Sector::kHospital: return 1;
    case Sector::kInstitute: return 2;
    case Sector::kEnterprise:
    case Sector::kCompany: return 3;
    default: return 4;
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
inline constexpr int kTierCount = 4;
// The weight of each tier; the last is a company named after the city.
inline constexpr std::array<int, kTierCount + 1> kTierWeights = {40, 20, 20, 8, 12};

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
inline constexpr int kAgeClassCount = 3;

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

// Reads and checks surnames.tsv, demo_names.tsv, demo_vocabulary.tsv,
// regions.tsv and demo_units.tsv under `data_dir`. NotFound names a missing
// table; InvalidArgument names the file and line of the first problem.
StatusOr<Tables> LoadTables(const std::string& data_dir);

}  // namespace tp::registry::demo_internal
