// The full export of the registry's people (`talentpool export`, GET /api/v1/persons/export.xlsx):
// one row per person with every field under the import's own column names and its 编号, so that
// the file, edited in Excel or WPS, imports back as an update of exactly the edited cells.
//
// ID numbers and phones are masked unless revealed; the import reads a masked cell as
// "unchanged" (importer.h). The placement columns carry the person's recommending unit and its
// latest admission (入库年度, 人才类别); earlier admissions stay in the registry untouched.
#pragma once

#include <functional>

#include "registry/base/status.h"
#include "registry/fields/reference_data.h"
#include "registry/store/store.h"
#include "registry/tables/xlsx_writer.h"

namespace tp::registry {

struct PersonExportOptions {
  // Whole ID numbers, whole phones: the caller audits it as a reveal.
  bool reveal_id_number = false;
  bool reveal_phone = false;
  // Called after each chunk of people is written, with the count so far and the total.
  std::function<void(long written, long total)> on_progress = {};
};

struct PersonExportReport {
  long persons = 0;
};

// The export's columns, in order: the import's canonical columns that a stored person carries.
const std::vector<std::string>& PersonExportColumns();

// Writes the sheet 「人员」 of every person not merged into another, in 编号 order.
StatusOr<PersonExportReport> WritePersonExport(Store& store, const ReferenceData& reference,
                                               XlsxWriter& writer,
                                               const PersonExportOptions& options);

}  // namespace tp::registry
