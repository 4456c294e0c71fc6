// A unit's own copy of a person: the cells (canonical column, text as typed)
// it sent with a recommendation, merged over its edits and sealed with the
// recommendation. workflow.h says when a copy is written into the stored
// record and who sees which.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "registry/base/person.h"
#include "registry/base/status.h"
#include "registry/fields/reference_data.h"
#include "registry/store/crypto.h"

namespace tp::registry {

using Cells = std::vector<std::pair<std::string, std::string>>;

// A column where a unit's copy differs from the stored record; `submitted`
// is the unit's text, masked for 身份证号 and 手机.
struct FieldDifference {
  std::string column;
  std::string submitted;
};

// The cells a recommendation may set: not 编号, nor where and when the person
// was admitted, which only a decision writes.
Cells PersonCellsOnly(const Cells& cells);
// BuildPerson needs 姓名 in every row: `cells` with 姓名 `name` when they have none.
Cells WithName(Cells cells, const std::string& name);
// The copy after an edit: a non-empty cell replaces the copy's cell of its
// column, an empty one keeps it.
Cells MergeCells(Cells copy, const Cells& update);

// The copy sealed as a whole, bound to its recommendation (it holds the ID
// number and phone the unit typed); an empty blob opens as no cells.
std::string SealCells(const Keyring& keys, const Cells& cells, int64_t recommendation_id);
StatusOr<Cells> OpenCells(const Keyring& keys, const std::string& sealed,
                          int64_t recommendation_id);

// The columns of `copy` whose value would change the stored person (with its
// ID number and phone decrypted). Each cell is applied alone, so a column is
// named only for what it changes itself.
std::vector<FieldDifference> Differences(const Person& stored, const Cells& copy,
                                         const ReferenceData& reference);
// "姓名、工作单位": the columns, for messages and the audit log.
std::string DifferenceList(const std::vector<FieldDifference>& differences);

}  // namespace tp::registry
