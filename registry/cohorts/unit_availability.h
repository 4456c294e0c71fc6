// Units report 可否参加 for their admitted people (科协企服函〔2025〕8号 附件2,
// 2024年推荐学员参加活动信息表): a list of their people with the answer for each
// event that asks, one answer at a time, or a sheet of them. An answer is the
// unit's (the person fields can_attend_seminar / can_attend_study_tour, source
// unit_sheet): a staff setting for an event still wins (cohorts.h). A sheet
// writes nothing unless every row is good, and never creates a person or a
// draft. Every change is audited (object_type "person", action "availability").
//
// Errors: NotFound (a person or event out of scope), InvalidArgument (a bad
// answer, a sheet whose rows fail, naming row and column), RuleViolated (a
// person not admitted), Internal (SQLite).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"
#include "registry/cohorts/cohorts.h"
#include "registry/store/store.h"
#include "registry/store/store_api_queries.h"
#include "registry/tables/table_reader.h"

namespace tp::registry {

// One admitted person of the scope with the answer for each asking event.
struct PersonAnswers {
  std::string person_id;  // 编号
  std::string name;
  std::string unit;                   // recommending unit
  std::vector<Availability> answers;  // parallel to the asking events
};

struct AnswerSheetResult {
  int rows = 0;                    // rows read
  int changed = 0;                 // answers that changed
  std::vector<FieldError> errors;  // every bad row, by row and column; nothing written when any
};

class UnitAvailability {
 public:
  // Works on `store`, which must outlive it.
  explicit UnitAvailability(Store& store);

  // The events that ask units (availability_field set), soonest first.
  StatusOr<std::vector<Event>> AskingEvents();
  // The admitted people of `scope` by 编号, with their answers for `events`.
  StatusOr<std::vector<PersonAnswers>> List(const PersonScope& scope,
                                            const std::vector<Event>& events);
  // Sets (or with nullopt clears) the unit's answer of one person of `scope` for `event_code`.
  Status Report(const PersonScope& scope, std::string_view event_code, std::string_view person_id,
                std::optional<bool> answer, const AuditEntry& who);
  // Reads a sheet (XLSX, XLS, CSV or a Word table) with 姓名, 编号 or 身份证号 — or, as
  // 附件2 has neither, 出生年月 (and 单位职务): the one admitted person of the scope with that
  // name (traditional and simplified folded), birth month and a similar unit — and
  // 可否参加专题研修班 / 可否参加国情研修活动 (or 可否参加 for `event_code`) answered 是 or 否; a
  // blank answer changes nothing. Title lines above the heading are skipped. All or nothing:
  // any bad row and the result lists the errors, unwritten.
  StatusOr<AnswerSheetResult> ApplySheet(const PersonScope& scope, std::string bytes,
                                         std::string_view filename, std::string_view event_code,
                                         const AuditEntry& who);

  // Whether a file is a 参加活动信息表 (附件2) by the title above its heading: sent with a
  // unit's recommendations, or imported by staff, it answers for admitted people and must not
  // become new people or drafts. False for anything that cannot be read as a table.
  static bool IsAnswerSheet(std::string_view bytes, std::string_view filename);
  // The same, of a table opened already (its title lines).
  static bool IsAnswerSheet(const TableReader& table);

 private:
  Store& store_;
};

}  // namespace tp::registry
