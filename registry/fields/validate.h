// From an imported row (or an API form) to a Person: the column vocabulary and
// the field rules, shared by the file import and the HTTP API so both accept and
// reject exactly the same things.
//
// CanonicalColumn maps a header as found in a file (姓  名, 出生年月, 单位职务,
// 联系方式, 专技职务, 学历, …; NFKC, spaces and a trailing "(…)" note ignored) to
// one canonical column name. BuildPerson checks every cell of one row and fills
// the Person; every problem becomes a FieldError naming the canonical column,
// with a message in Chinese for the person who typed it (row is left 0 for the
// caller to set). The row is acceptable when the returned list is empty.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/base/person.h"
#include "registry/base/status.h"
#include "registry/fields/dates.h"
#include "registry/fields/reference_data.h"

namespace tp::registry {

// Known but carrying no data (the row number of a summary sheet).
inline constexpr std::string_view kRowNumberColumn = "序号";
// "工作单位及职务"/"单位职务": the whole text becomes 工作单位 unless the row
// also has a separate 工作单位 column.
inline constexpr std::string_view kUnitAndPostColumn = "工作单位及职务";

// The canonical column for `header`, or nullopt when it names no field.
std::optional<std::string_view> CanonicalColumn(std::string_view header);

// The canonical columns of person fields, in the order of a blank template
// (the contract's import columns first); 序号 and 工作单位及职务 are not among them.
const std::vector<std::string_view>& CanonicalColumns();

// `cells` are (canonical column, raw text) pairs of one row; empty cells are
// skipped and, for a column given twice, the first non-empty cell counts.
// Fields named by the cells are overwritten in *out, other fields are left as
// they were; out->as_typed is replaced by the (column, raw text) of every
// non-empty cell whose text normalisation changed (" 壮 " kept, "壮族" not).
// `today` bounds dates (birth dates, ID numbers, 入库年度) from above.
std::vector<FieldError> BuildPerson(const std::vector<std::pair<std::string, std::string>>& cells,
                                    const ReferenceData& reference, Person* out);
std::vector<FieldError> BuildPerson(const std::vector<std::pair<std::string, std::string>>& cells,
                                    const ReferenceData& reference, const PartialDate& today,
                                    Person* out);

}  // namespace tp::registry
