// The 推荐学员汇总表 (summary sheet, attachment 1 of seed [001]) going both
// ways: a unit uploads one (XLSX or CSV) into its draft, and staff export a
// round's lists and the admitted people of a year as XLSX with the seed's
// column headings.
//
// Upload: every row is validated exactly as the import validates it
// (validate.h) and then added through Workflow::Add, so the round's rules and
// the duplicate checks apply row by row; a row naming a person already on the
// unit's list (same name and birth date) updates that item instead. Rows that
// fail never stop the others. When some failed, a copy of those rows — the
// unit's own cells, the faulty ones marked, and an added 错误信息 column
// saying, with the row number, what is wrong — is kept for the unit to
// download, fix and upload again.
//
// Exports decrypt phone numbers (联系方式) only when asked by staff; they are
// masked otherwise. Every upload and export is audited.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"
#include "registry/rounds/rounds.h"
#include "registry/rounds/workflow.h"

namespace tp::registry {

// The columns of the 推荐学员汇总表, in the form's order.
const std::vector<std::string>& SummarySheetColumns();

struct UploadReport {
  int64_t id = 0;  // of the stored report, for ErrorWorkbook
  long rows = 0;
  long added = 0;
  long updated = 0;
  long rejected = 0;
  std::vector<FieldError> errors;  // `row` as the unit's spreadsheet numbers it
  std::vector<std::string> ignored_columns;
  bool has_error_workbook = false;
  std::string format;
  long already_enrolled = 0;  // rows refused because the person is enrolled or listed already
  int64_t recommendation_id = 0;  // the last row put on the list (added or updated)
};

// One unit's list in a round as submitted, as the rows of the 汇总表 (SummarySheetColumns(),
// 序号 first).
struct UnitSummary {
  UnitRecord unit = {};
  std::vector<std::vector<std::string>> rows = {};
};

class SummarySheets {
 public:
  // At most this many rows are read from one upload.
  static constexpr long kMaxRows = 2000;
  // The text of an uploaded XLSX's cells, all together (XlsxLimits::max_cell_text_bytes).
  static constexpr std::size_t kMaxCellTextBytes = std::size_t{32} << 20;

  explicit SummarySheets(Workflow& workflow) : workflow_(workflow) {}

  // `bytes` are read during the call only, where they are.
  // `may_check_id_number`, when given, is asked before each row with an ID
  // number: the row asks whether that number is on file, and is refused
  // unprocessed ("查询过于频繁") when the answer is no.
  StatusOr<UploadReport> Upload(std::string_view round, int64_t unit_rowid, std::string_view bytes,
                                std::string_view filename, const Actor& actor,
                                const std::function<bool()>& may_check_id_number = nullptr);
  // One person read from a form (a 推荐表 taken apart by its reader) put on the unit's list as
  // a row of an upload is: added, or the listed person of the same name and birth date updated;
  // `recommendation_id` of the report says which. Cells refused are the report's errors and
  // nothing is stored but the report. `format` names what the form was ("docx").
  StatusOr<UploadReport> UploadRecord(std::string_view round, int64_t unit_rowid,
                                      const RecommendationInput& input, std::string_view filename,
                                      std::string_view format, const Actor& actor,
                                      const std::function<bool()>& may_check_id_number = nullptr);
  // The annotated copy of an upload's failed rows (XLSX bytes). NotFound
  // when no row failed, or the upload belongs to another unit.
  StatusOr<std::string> ErrorWorkbook(int64_t upload_id, const Actor& actor);

  // The round's lists as submitted (drafts and rejected people left out): one
  // unit's sheet when `unit_code` is given, else a 汇总 sheet with a 推荐单位
  // column followed by a sheet per unit.
  StatusOr<std::string> ExportRound(std::string_view round, std::string_view unit_code,
                                    bool reveal_phone, const Actor& actor);
  // One unit's list as ExportRound selects and writes it, for the printed 汇总表: phones masked
  // unless `reveal_phone`, 民族 and 政治面貌 blank unless `sensitive_attributes`. Staff may
  // ask for any unit, a province for its province's units, a unit for its own; NotFound for
  // any other unit, as for one that does not exist. Not audited: the caller records what it
  // prints.
  // `list` as a workbook of one sheet named after the unit, the 汇总表's columns.
  static StatusOr<std::string> UnitListWorkbook(const UnitSummary& list);
  StatusOr<UnitSummary> UnitList(std::string_view round, std::string_view unit_code,
                                 bool reveal_phone, bool sensitive_attributes, const Actor& actor);
  // People admitted (入库) in `year`, with unit, tier and batch.
  StatusOr<std::string> ExportAdmitted(int year, bool reveal_phone, const Actor& actor);
  // The dashboard's 推荐批次进度 as XLSX: every round, newest deadline first, with its units and
  // the people at each state; with `province`, its own units only. Counts only, no person.
  StatusOr<std::string> ExportProgress(std::string_view province);

 private:
  Workflow& workflow_;
};

}  // namespace tp::registry
