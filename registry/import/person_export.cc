#include "registry/import/person_export.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>

#include "registry/base/person_fields.h"
#include "registry/fields/validate.h"
#include "registry/store/db_handle.h"

namespace tp::registry {
namespace {

// People loaded (and, when revealed, decrypted) at a time.
constexpr std::size_t kChunk = 500;

constexpr std::string_view kPublicIdColumn = "编号";
constexpr std::string_view kUnitColumn = "推荐单位";
constexpr std::string_view kUnitTypeColumn = "推荐单位类型";
constexpr std::string_view kTierColumn = "人才类别";
constexpr std::string_view kYearColumn = "入库年度";
constexpr std::string_view kProvinceColumn = "所在省份";

bool IsPlacementColumn(std::string_view column) {
  return column == kPublicIdColumn || column == kUnitColumn || column == kUnitTypeColumn ||
         column == kTierColumn || column == kYearColumn;
}

std::string CellOf(std::string_view column, const PersonRecord& record,
                   const ReferenceData& reference, const PersonExportOptions& options) {
  const Person& p = record.person;
  if (column == kPublicIdColumn) return p.public_id;
  if (column == kUnitColumn) return record.unit ? record.unit->name : "";
  if (column == kUnitTypeColumn) return record.unit ? record.unit->type : "";
  if (column == kTierColumn || column == kYearColumn) {
    auto latest = std::max_element(
        record.admissions.begin(), record.admissions.end(),
        [](const AdmissionRecord& a, const AdmissionRecord& b) { return a.year < b.year; });
    if (latest == record.admissions.end()) return "";
    return column == kTierColumn ? latest->tier : std::to_string(latest->year);
  }
  const PersonField* field = FindPersonFieldByLabel(column);
  if (field == nullptr) return "";
  if (field->kind == PersonFieldKind::kSealed) {
    const bool id_number = field->key == "id_number";
    if (!(id_number ? options.reveal_id_number : options.reveal_phone)) {
      return id_number ? record.id_number_mask : record.phone_mask;
    }
  }
  if (column == kProvinceColumn) {
    const std::string* name = reference.ProvinceName(p.province);
    return name != nullptr ? *name : p.province;
  }
  return field->TextOf(p);
}

}  // namespace

const std::vector<std::string>& PersonExportColumns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> out;
    for (std::string_view column : CanonicalColumns()) {
      if (IsPlacementColumn(column) || FindPersonFieldByLabel(column) != nullptr) {
        out.emplace_back(column);
      }
    }
    return out;
  }();
  return columns;
}

StatusOr<PersonExportReport> WritePersonExport(Store& store, const ReferenceData& reference,
                                               XlsxWriter& writer,
                                               const PersonExportOptions& options) {
  std::vector<int64_t> rowids;
  try {
    auto db = store.Db().Read();
    SQLite::Statement& st =
        db.Prepare("SELECT id FROM persons WHERE merged_into IS NULL ORDER BY public_id");
    while (st.executeStep()) rowids.push_back(st.getColumn(0).getInt64());
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取人员列表");
  }
  const std::vector<std::string>& columns = PersonExportColumns();
  TP_RETURN_IF_ERROR(writer.AddSheet("人员"));
  TP_RETURN_IF_ERROR(writer.WriteHeader(columns));
  PersonExportReport report;
  std::vector<std::string> cells;
  for (std::size_t from = 0; from < rowids.size(); from += kChunk) {
    std::vector<int64_t> chunk(
        rowids.begin() + static_cast<std::ptrdiff_t>(from),
        rowids.begin() + static_cast<std::ptrdiff_t>(std::min(rowids.size(), from + kChunk)));
    TP_ASSIGN_OR_RETURN(std::vector<PersonRecord> records,
                        store.LoadPersons(chunk, options.reveal_id_number || options.reveal_phone));
    for (const PersonRecord& record : records) {
      if (record.deleted) continue;  // merged since the list was read
      cells.clear();
      for (const std::string& column : columns) {
        cells.push_back(CellOf(column, record, reference, options));
      }
      TP_RETURN_IF_ERROR(writer.WriteRow(cells));
      ++report.persons;
    }
    if (options.on_progress) {
      options.on_progress(report.persons, static_cast<long>(rowids.size()));
    }
  }
  return report;
}

}  // namespace tp::registry
