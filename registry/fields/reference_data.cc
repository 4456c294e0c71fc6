#include "registry/fields/reference_data.h"

#include <fstream>
#include <functional>
#include <unordered_map>

#include "registry/fields/text.h"

namespace tp::registry {
namespace {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <typename V>
using KeyMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

constexpr std::string_view kZu = "族";
constexpr std::string_view kFirstNonGroupCode = "97";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

std::vector<std::string> SplitTabs(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    fields.emplace_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return fields;
}

std::vector<std::string> SplitCommas(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string_view part = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (!part.empty()) parts.emplace_back(part);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return parts;
}

// One data row: its 1-based line number and tab-separated fields.
struct Row {
  int line = 0;
  std::vector<std::string> fields;
};

std::string Where(const std::string& path, int line) {
  return "参考数据文件 " + path + " 第" + std::to_string(line) + "行：";
}

// Reads a table, skipping blank lines and '#' comments; each row must have
// between `min_fields` and `max_fields` fields, none of the first two empty.
StatusOr<std::vector<Row>> ReadTable(const std::string& path, std::size_t min_fields,
                                     std::size_t max_fields) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("无法打开参考数据文件 " + path);
  std::vector<Row> rows;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (line.empty() || line[0] == '#') continue;
    if (!IsValidUtf8(line)) return InvalidArgument(Where(path, number) + "不是有效的UTF-8文本");
    Row row{number, SplitTabs(line)};
    if (row.fields.size() < min_fields || row.fields.size() > max_fields) {
      return InvalidArgument(Where(path, number) + "应有" + std::to_string(min_fields) + "到" +
                             std::to_string(max_fields) + "列（以制表符分隔），实有" +
                             std::to_string(row.fields.size()) + "列");
    }
    for (std::size_t i = 0; i < 2 && i < row.fields.size(); ++i) {
      if (row.fields[i].empty())
        return InvalidArgument(Where(path, number) + "第" + std::to_string(i + 1) + "列为空");
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return InvalidArgument("参考数据文件 " + path + " 没有数据行");
  return rows;
}

// Registers `key` (normalised) for entry `index`; a key already naming another
// entry is a data error, since a lookup could not tell them apart.
Status AddKey(KeyMap<std::size_t>& map, std::string_view raw_key, std::size_t index,
              const std::string& path, int line) {
  const std::string key = NormalizeKey(raw_key);
  if (key.empty()) return Status::Ok();
  const auto [it, inserted] = map.emplace(key, index);
  if (!inserted && it->second != index) {
    return InvalidArgument(Where(path, line) + "「" + key + "」已用于另一条记录");
  }
  return Status::Ok();
}

// Looks `text` up as given and, failing that, in normalised form.
template <typename V>
const V* Find(const KeyMap<V>& map, std::string_view text) {
  auto it = map.find(text);
  if (it != map.end()) return &it->second;
  const std::string key = NormalizeKey(text);
  it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

// `text` normalised with each traditional character replaced by its simplified
// form: 漢族 → 汉族, 民進會員 → 民进会员.
std::string Simplified(const KeyMap<std::string>& simplified, std::string_view text) {
  const std::string key = NormalizeKey(text);
  std::string out;
  out.reserve(key.size());
  for (std::size_t i = 0; i < key.size();) {
    const unsigned char c = static_cast<unsigned char>(key[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (len > key.size() - i) len = key.size() - i;
    const std::string_view ch(key.data() + i, len);
    const auto it = simplified.find(ch);
    out += it == simplified.end() ? ch : std::string_view(it->second);
    i += len;
  }
  return out;
}

// Find, then Find again with traditional characters folded.
template <typename V>
const V* FindFolded(const KeyMap<V>& map, const KeyMap<std::string>& simplified,
                    std::string_view text) {
  if (const V* found = Find(map, text)) return found;
  return Find(map, Simplified(simplified, text));
}

// The forms people use for a province-level unit besides its full name.
std::vector<std::string> ProvinceShortNames(const std::string& name) {
  static constexpr std::string_view kSuffixes[] = {
      "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市"};
  for (std::string_view suffix : kSuffixes) {
    if (EndsWith(name, suffix) && name.size() > suffix.size()) {
      return {name.substr(0, name.size() - suffix.size())};
    }
  }
  return {};
}

}  // namespace

struct ReferenceData::Tables {
  KeyMap<std::string> simplified;  // one traditional character → its simplified form (t2s.tsv)
  std::vector<std::string> ethnic_groups;
  std::vector<std::string> ethnic_stems;  // names without 族, for short forms
  KeyMap<std::size_t> ethnic_by_key;
  std::vector<std::string> affiliations;
  KeyMap<std::size_t> affiliation_by_key;
  std::vector<UnitType> unit_types;
  KeyMap<std::size_t> unit_type_by_key;
  KeyMap<Region> regions;
  std::vector<std::pair<std::string, std::string>> provinces;
  KeyMap<std::string> province_by_key;
};

StatusOr<ReferenceData> ReferenceData::Load(const std::string& data_dir) {
  auto tables = std::make_shared<Tables>();
  Tables& t = *tables;

  {
    const std::string path = data_dir + "/t2s.tsv";
    TP_ASSIGN_OR_RETURN(auto rows, ReadTable(path, 2, 2));
    for (Row& row : rows) t.simplified.emplace(std::move(row.fields[0]), std::move(row.fields[1]));
  }

  {
    const std::string path = data_dir + "/ethnic_groups.tsv";
    TP_ASSIGN_OR_RETURN(auto rows, ReadTable(path, 2, 3));
    KeyMap<int> codes;
    for (const Row& row : rows) {
      const std::string& code = row.fields[0];
      const std::string name = NormalizeKey(row.fields[1]);
      if (code.size() != 2 || !AllDigits(code)) {
        return InvalidArgument(Where(path, row.line) + "代码应为两位数字");
      }
      if (!codes.emplace(code, row.line).second) {
        return InvalidArgument(Where(path, row.line) + "代码 " + code + " 重复");
      }
      // GB/T 3304 codes the 56 groups 01–56; 97 其他 and 98 外国血统中国籍人士 are no group.
      const bool group = code < kFirstNonGroupCode;
      if (group && (!EndsWith(name, kZu) || name.size() == kZu.size())) {
        return InvalidArgument(Where(path, row.line) + "民族名称应以「族」结尾");
      }
      const std::size_t index = t.ethnic_groups.size();
      t.ethnic_groups.push_back(name);
      t.ethnic_stems.push_back(group ? name.substr(0, name.size() - kZu.size()) : std::string());
      TP_RETURN_IF_ERROR(AddKey(t.ethnic_by_key, name, index, path, row.line));
      TP_RETURN_IF_ERROR(AddKey(t.ethnic_by_key, t.ethnic_stems.back(), index, path, row.line));
      if (row.fields.size() > 2) {
        for (const std::string& alias : SplitCommas(row.fields[2])) {
          const std::string a = NormalizeKey(alias);
          TP_RETURN_IF_ERROR(AddKey(t.ethnic_by_key, a, index, path, row.line));
          if (EndsWith(a, kZu) && a.size() > kZu.size()) {
            TP_RETURN_IF_ERROR(
                AddKey(t.ethnic_by_key, a.substr(0, a.size() - kZu.size()), index, path, row.line));
          }
        }
      }
    }
  }

  {
    const std::string path = data_dir + "/political_affiliations.tsv";
    TP_ASSIGN_OR_RETURN(auto rows, ReadTable(path, 2, 3));
    for (const Row& row : rows) {
      if (row.fields[0].size() != 2 || !AllDigits(row.fields[0])) {
        return InvalidArgument(Where(path, row.line) + "代码应为两位数字");
      }
      const std::size_t index = t.affiliations.size();
      t.affiliations.push_back(NormalizeKey(row.fields[1]));
      TP_RETURN_IF_ERROR(AddKey(t.affiliation_by_key, row.fields[1], index, path, row.line));
      if (row.fields.size() > 2) {
        for (const std::string& alias : SplitCommas(row.fields[2])) {
          TP_RETURN_IF_ERROR(AddKey(t.affiliation_by_key, alias, index, path, row.line));
        }
      }
    }
  }

  {
    const std::string path = data_dir + "/unit_types.tsv";
    TP_ASSIGN_OR_RETURN(auto rows, ReadTable(path, 2, 3));
    for (const Row& row : rows) {
      const std::size_t index = t.unit_types.size();
      t.unit_types.push_back(UnitType{row.fields[0], NormalizeKey(row.fields[1])});
      TP_RETURN_IF_ERROR(AddKey(t.unit_type_by_key, row.fields[0], index, path, row.line));
      TP_RETURN_IF_ERROR(AddKey(t.unit_type_by_key, row.fields[1], index, path, row.line));
      if (row.fields.size() > 2) {
        for (const std::string& alias : SplitCommas(row.fields[2])) {
          TP_RETURN_IF_ERROR(AddKey(t.unit_type_by_key, alias, index, path, row.line));
        }
      }
    }
  }

  {
    const std::string path = data_dir + "/regions.tsv";
    TP_ASSIGN_OR_RETURN(auto rows, ReadTable(path, 2, 3));
    for (const Row& row : rows) {
      const std::string& code = row.fields[0];
      if (code.size() != 6 || !AllDigits(code)) {
        return InvalidArgument(Where(path, row.line) + "行政区划代码应为六位数字");
      }
      bool historical = false;
      if (row.fields.size() > 2) {
        if (row.fields[2] != "historical") {
          return InvalidArgument(Where(path, row.line) + "第3列只能是「historical」");
        }
        historical = true;
      }
      Region region{code, row.fields[1], historical};
      if (!t.regions.emplace(code, region).second) {
        return InvalidArgument(Where(path, row.line) + "代码 " + code + " 重复");
      }
      if (code.compare(2, 4, "0000") == 0) {
        if (historical) {
          return InvalidArgument(Where(path, row.line) + "省级单位不应标为 historical");
        }
        const std::string code2 = code.substr(0, 2);
        t.provinces.emplace_back(code2, row.fields[1]);
        t.province_by_key.emplace(NormalizeKey(row.fields[1]), code2);
        t.province_by_key.emplace(code2, code2);
        t.province_by_key.emplace(code, code2);
        for (const std::string& short_name : ProvinceShortNames(row.fields[1])) {
          t.province_by_key.emplace(short_name, code2);
        }
      }
    }
    for (const auto& [code, region] : t.regions) {
      if (t.regions.find(code.substr(0, 2) + "0000") == t.regions.end()) {
        return InvalidArgument("参考数据文件 " + path + "：代码 " + code + " 所属的省级单位 " +
                               code.substr(0, 2) + "0000 不在表中");
      }
    }
  }

  return ReferenceData(std::move(tables));
}

const std::string* ReferenceData::EthnicGroup(std::string_view any_form) const {
  const std::size_t* index = FindFolded(tables_->ethnic_by_key, tables_->simplified, any_form);
  if (index != nullptr) return &tables_->ethnic_groups[*index];
  // "蒙族" and "维族" are common short forms: a stem that begins exactly one name.
  const std::vector<std::string> candidates = EthnicGroupCandidates(any_form);
  if (candidates.size() != 1) return nullptr;
  const std::size_t* unique = Find(tables_->ethnic_by_key, candidates.front());
  return unique == nullptr ? nullptr : &tables_->ethnic_groups[*unique];
}

std::vector<std::string> ReferenceData::EthnicGroupCandidates(std::string_view any_form) const {
  const std::string key = Simplified(tables_->simplified, any_form);
  if (!EndsWith(key, kZu) || key.size() == kZu.size()) return {};
  const std::string_view stem = std::string_view(key).substr(0, key.size() - kZu.size());
  std::vector<std::string> candidates;
  for (std::size_t i = 0; i < tables_->ethnic_stems.size(); ++i) {
    if (!tables_->ethnic_stems[i].empty() && tables_->ethnic_stems[i].rfind(stem, 0) == 0)
      candidates.push_back(tables_->ethnic_groups[i]);
  }
  return candidates;
}

const std::string* ReferenceData::PoliticalAffiliation(std::string_view any_form) const {
  const std::size_t* index = FindFolded(tables_->affiliation_by_key, tables_->simplified, any_form);
  return index == nullptr ? nullptr : &tables_->affiliations[*index];
}

const UnitType* ReferenceData::FindUnitType(std::string_view any_form) const {
  const std::size_t* index = Find(tables_->unit_type_by_key, any_form);
  return index == nullptr ? nullptr : &tables_->unit_types[*index];
}

const Region* ReferenceData::FindRegion(std::string_view code) const {
  const auto it = tables_->regions.find(code);
  return it == tables_->regions.end() ? nullptr : &it->second;
}

const std::string* ReferenceData::RegionName(std::string_view code) const {
  const Region* region = FindRegion(code);
  return region == nullptr ? nullptr : &region->name;
}

const std::string* ReferenceData::ProvinceName(std::string_view code2) const {
  if (code2.size() != 2) return nullptr;
  const Region* region = FindRegion(std::string(code2) + "0000");
  return region == nullptr ? nullptr : &region->name;
}

std::string ReferenceData::ProvinceCode(std::string_view name_or_code) const {
  const std::string* code = Find(tables_->province_by_key, name_or_code);
  return code == nullptr ? std::string() : *code;
}

const std::vector<std::string>& ReferenceData::EthnicGroups() const {
  return tables_->ethnic_groups;
}

const std::vector<std::string>& ReferenceData::PoliticalAffiliations() const {
  return tables_->affiliations;
}

const std::vector<UnitType>& ReferenceData::UnitTypes() const { return tables_->unit_types; }

const std::vector<std::pair<std::string, std::string>>& ReferenceData::Provinces() const {
  return tables_->provinces;
}

}  // namespace tp::registry
