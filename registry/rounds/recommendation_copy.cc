#include "registry/rounds/recommendation_copy.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "registry/fields/masking.h"
#include "registry/fields/text.h"
#include "registry/fields/validate.h"

namespace tp::registry {
namespace {

using Json = nlohmann::json;

std::string MaskedCell(const std::string& column, const std::string& text) {
  if (column == "身份证号") return MaskIdNumber(NormalizeText(text));
  if (column == "手机") return MaskPhone(NormalizeText(text));
  return text;
}

}  // namespace

Cells PersonCellsOnly(const Cells& cells) {
  Cells out;
  for (const auto& cell : cells) {
    const std::string& c = cell.first;
    if (c == "编号" || c == "入库年度" || c == "人才类别" || c == "推荐单位" || c == "推荐单位类型")
      continue;
    out.push_back(cell);
  }
  return out;
}

Cells WithName(Cells cells, const std::string& name) {
  const bool named =
      std::any_of(cells.begin(), cells.end(), [](const auto& c) { return c.first == "姓名"; });
  if (!named && !name.empty()) cells.emplace_back("姓名", name);
  return cells;
}

Cells MergeCells(Cells copy, const Cells& update) {
  for (const auto& cell : update) {
    if (NormalizeText(cell.second).empty()) continue;
    auto same = std::find_if(copy.begin(), copy.end(),
                             [&](const auto& c) { return c.first == cell.first; });
    if (same != copy.end()) {
      same->second = cell.second;
    } else {
      copy.push_back(cell);
    }
  }
  return copy;
}

std::string SealCells(const Keyring& keys, const Cells& cells, int64_t recommendation_id) {
  Json j = Json::array();
  for (const auto& [column, text] : cells) j.push_back({column, text});
  return keys.Seal(j.dump(-1, ' ', false, Json::error_handler_t::replace),
                   SealContext("recommendations", "submitted_enc", recommendation_id));
}

StatusOr<Cells> OpenCells(const Keyring& keys, const std::string& sealed,
                          int64_t recommendation_id) {
  Cells cells;
  if (sealed.empty()) return cells;
  auto plain =
      keys.Open(sealed, SealContext("recommendations", "submitted_enc", recommendation_id));
  if (!plain.ok()) return plain.status();
  Json j = Json::parse(*plain, nullptr, false);
  if (!j.is_array()) return Internal("推荐单位填报的信息无法读取");
  for (const Json& cell : j) {
    if (cell.is_array() && cell.size() == 2 && cell[0].is_string() && cell[1].is_string()) {
      cells.emplace_back(cell[0].get<std::string>(), cell[1].get<std::string>());
    }
  }
  return cells;
}

std::vector<FieldDifference> Differences(const Person& stored, const Cells& copy,
                                         const ReferenceData& reference) {
  Person base = stored;
  base.as_typed.clear();
  std::vector<FieldDifference> out;
  for (const auto& cell : copy) {
    if (cell.first == "推荐单位意见") continue;  // kept on the recommendation, never on the record
    Person changed = base;
    (void)BuildPerson(WithName({cell}, base.name), reference, &changed);
    changed.as_typed.clear();
    if (!(changed == base)) out.push_back({cell.first, MaskedCell(cell.first, cell.second)});
  }
  return out;
}

std::string DifferenceList(const std::vector<FieldDifference>& differences) {
  std::string out;
  for (const FieldDifference& d : differences) out += (out.empty() ? "" : "、") + d.column;
  return out;
}

}  // namespace tp::registry
