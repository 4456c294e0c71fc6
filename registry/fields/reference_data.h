// The reference tables under data/ that validation checks values against:
// regions.tsv (GB/T 2260 codes, current and historical), ethnic_groups.tsv
// (GB/T 3304), political_affiliations.tsv (GB/T 4762) and unit_types.tsv, with
// t2s.tsv to read traditional spellings (漢族, 民進會員).
// Load reads and checks all five once; a malformed file fails with a message
// naming the file and line. A ReferenceData is an immutable handle: copies share
// the tables, so pass it by const reference or copy it freely across threads.
// Lookups accept what people write (full-width forms, spaces, short forms) and
// return canonical values; pointers returned stay valid while any copy lives.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/base/status.h"

namespace tp::registry {

struct UnitType {
  std::string code;   // "national_society"
  std::string label;  // "全国学会"
};

struct Region {
  std::string code;         // six digits
  std::string name;         // "青秀区"
  bool historical = false;  // abolished; still valid inside old ID numbers
};

class ReferenceData {
 public:
  // Reads the tables from `data_dir` (normally DataDir()).
  static StatusOr<ReferenceData> Load(const std::string& data_dir);

  // 民族 in any accepted form ("壮族", "壮", "毛难族", "蒙族", "壯族", "僮族") to its
  // canonical name with 族, or GB/T 3304's 其他 / 外国血统中国籍人士; nullptr when it
  // is none of these or is ambiguous ("哈族").
  const std::string* EthnicGroup(std::string_view any_form) const;
  // For a short form that names several groups ("哈族", "塔族"), those groups;
  // empty otherwise. Lets an error message say what the person may have meant.
  std::vector<std::string> EthnicGroupCandidates(std::string_view any_form) const;

  // 政治面貌 in any accepted form ("九三", "中共") to its name ("九三学社社员").
  const std::string* PoliticalAffiliation(std::string_view any_form) const;

  // 推荐单位类型 by code, label or alias; nullptr when unknown.
  const UnitType* FindUnitType(std::string_view any_form) const;

  // A six-digit GB/T 2260 code, current or historical; nullptr when unknown.
  const Region* FindRegion(std::string_view code) const;
  const std::string* RegionName(std::string_view code) const;
  bool IsKnownRegion(std::string_view code) const { return FindRegion(code) != nullptr; }

  // Province-level unit by its two-digit code ("45") → "广西壮族自治区".
  const std::string* ProvinceName(std::string_view code2) const;
  // Two-digit code from a name ("广西", "广西壮族自治区", "北京市") or a code
  // ("45", "450000"); empty when it names no province-level unit.
  std::string ProvinceCode(std::string_view name_or_code) const;

  // Canonical values in table order, for filters and generators.
  const std::vector<std::string>& EthnicGroups() const;
  const std::vector<std::string>& PoliticalAffiliations() const;
  const std::vector<UnitType>& UnitTypes() const;
  const std::vector<std::pair<std::string, std::string>>& Provinces() const;  // (code2, name)

 private:
  struct Tables;
  explicit ReferenceData(std::shared_ptr<const Tables> tables) : tables_(std::move(tables)) {}

  std::shared_ptr<const Tables> tables_;
};

}  // namespace tp::registry
