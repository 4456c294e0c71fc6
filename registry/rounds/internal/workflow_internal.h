// What the files of a unit's list share (workflow.cc: the lists and their edits;
// workflow_review.cc: review, admission, duplicates and merges): the rows they read and write,
// and the workflow's state. Only registry/rounds/ includes this header.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "registry/base/person_fields.h"
#include "registry/fields/masking.h"
#include "registry/fields/text.h"
#include "registry/fields/validate.h"
#include "registry/rounds/recommendation_copy.h"
#include "registry/rounds/workflow.h"
#include "registry/store/crypto.h"
#include "registry/store/db_handle.h"

namespace tp::registry {
namespace workflow_internal {

using Json = nlohmann::json;

// Whether a unit's cells may be written into the stored record `person_rowid`:
// the unit is its recommending unit, and nobody else has a stake in it yet
// (it is not admitted or honoured, and no other unit has it on a list).
bool UnitMayWrite(SQLite::Database& w, int64_t person_rowid, int64_t unit_rowid);

// Whether a list in this state may still change.
bool Editable(std::string_view submission_state);

// A person as an error names them: 姓名（编号）.
std::string Label(const Person& p);

std::vector<std::string> ParseList(const std::string& json_text);

UnitRecord ReadUnitRow(SQLite::Database& db, int64_t rowid, bool* found);

struct SubmissionRow {
  int64_t id = 0;
  std::string state = "draft";
  std::string submitted_at;
};

std::optional<SubmissionRow> FindSubmission(SQLite::Database& db, int64_t round_rowid,
                                            int64_t unit_rowid);

SubmissionRow EnsureSubmission(SQLite::Database& w, int64_t round_rowid, int64_t unit_rowid);

inline constexpr const char* kItemSelect =
    "SELECT m.id, m.person_id, m.state, coalesce(m.opinion,''), m.declared, "
    "coalesce(m.group_name,''), "
    "coalesce(m.reasons,''), coalesce(m.decided_by,''), coalesce(m.decided_at,''), m.version, "
    "r.code, u.code, m.submission_id, m.submitted_enc, s.unit_id "
    "FROM recommendations m JOIN submissions s ON s.id=m.submission_id "
    "JOIN rounds r ON r.id=s.round_id JOIN units u ON u.id=s.unit_id ";

struct ItemRow {
  RecommendationView view;
  int64_t person_rowid = 0;
  int64_t submission_id = 0;
  int64_t unit_rowid = 0;   // the recommending unit
  std::string sealed_copy;  // empty for recommendations older than the copies
};

ItemRow ReadItem(SQLite::Statement& st);

std::vector<ItemRow> ReadItems(SQLite::Database& db, int64_t submission_id);

std::optional<ItemRow> ReadItemById(SQLite::Database& db, int64_t id);

// The recommendation `id` in the writing transaction, when it may still change:
// a draft or returned item of a list that is not locked. `doing` names the
// refused change ("修改", "移出名单").
StatusOr<ItemRow> ChangeableItem(SQLite::Database& w, int64_t id, std::string_view doing);

// A nominee against the round's rule set and its limit on the 推荐单位意见: RuleViolated naming
// the first rule broken, with every problem in the details.
Status CheckNominee(const RuleSet& rules, const Nominee& candidate, const std::string& unit_type,
                    const PartialDate& reference_date);

// The rules judge what the unit submitted.
Nominee ToNominee(const RecommendationView& item);

// The audit detail of a change of state.
// An admission adds its year, tier and batch (`admission`, an object; null: none).
std::string TransitionDetail(const std::string& round, const std::string& from,
                             const std::string& to, const std::string& reasons = "",
                             const Json& admission = Json());

// The columns a merge copies into the kept record where it has nothing: the person fields the
// table marks so (base/person_fields.h), and the recommending unit.
std::vector<std::string> MergeFillColumns();

}  // namespace workflow_internal

// The files that include this header are the workflow's own: its rows are theirs.
using namespace workflow_internal;

struct Workflow::Impl {
  Impl(Rounds& r, std::unique_ptr<DuplicateFinder> f) : rounds(r), finder(std::move(f)) {}

  Store& store() { return rounds.store(); }
  DbHandle& db() { return rounds.store().Db(); }

  StatusOr<UnitRecord> Unit(int64_t rowid) {
    try {
      auto lease = db().Read();
      bool found = false;
      UnitRecord u = ReadUnitRow(*lease, rowid, &found);
      if (!found) return NotFound("没有这个推荐单位");
      return u;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取单位");
    }
  }

  // A unit acts for itself only; staff for anyone.
  static Status CanActFor(const Actor& actor, const UnitRecord& unit) {
    if (actor.IsStaff() || (actor.role == "unit" && actor.unit_rowid == unit.rowid))
      return Status::Ok();
    return PermissionDenied("只能操作本单位的推荐名单");
  }

  // Fills the stored record, the unit's view and the differences of each of
  // `rows`, masked. The ID numbers and phones are decrypted only to compare.
  Status Fill(std::vector<ItemRow>* rows) {
    std::vector<int64_t> ids;
    for (const ItemRow& r : *rows) ids.push_back(r.person_rowid);
    auto persons = store().LoadPersons(ids, /*decrypt=*/true);
    if (!persons.ok()) return persons.status();
    for (size_t i = 0; i < rows->size(); ++i) {
      ItemRow& row = (*rows)[i];
      PersonRecord& stored = (*persons)[i];
      auto copy = OpenCells(store().Keys(), row.sealed_copy, row.view.id);
      if (!copy.ok()) return copy.status();
      row.view.differences = Differences(stored.person, *copy, rounds.reference());
      row.view.submitted = UnitView(stored, row, *copy);
      stored.person.id_number.clear();
      stored.person.phone.clear();
      row.view.record = std::move(stored);
    }
    return Status::Ok();
  }

  // What the recommending unit sees: the stored record when it is the unit's
  // own, else nothing of it (but, for a recommendation older than the copies,
  // the name), with the unit's copy on top.
  PersonRecord UnitView(const PersonRecord& stored, const ItemRow& row, const Cells& copy) const {
    PersonRecord view;
    if (stored.unit && stored.unit->rowid == row.unit_rowid) {
      view = stored;
    } else {
      view.rowid = stored.rowid;
      view.deleted = stored.deleted;
      view.version = stored.version;
      if (row.sealed_copy.empty()) view.person.name = stored.person.name;
    }
    // The cells were checked when the unit sent them.
    if (!copy.empty())
      (void)BuildPerson(WithName(copy, view.person.name), rounds.reference(), &view.person);
    if (!view.person.id_number.empty()) view.id_number_mask = MaskIdNumber(view.person.id_number);
    if (!view.person.phone.empty()) view.phone_mask = MaskPhone(view.person.phone);
    view.person.id_number.clear();
    view.person.phone.clear();
    return view;
  }

  // At admission, the unit's copy becomes the stored record when that record
  // is the unit's own; another's record keeps its values for staff to resolve.
  Status ApplyOwnCopy(WriteBatch& batch, const ItemRow& row, const PersonRecord& stored) {
    if (row.sealed_copy.empty() || !stored.unit || stored.unit->rowid != row.unit_rowid)
      return Status::Ok();
    auto copy = OpenCells(store().Keys(), row.sealed_copy, row.view.id);
    if (!copy.ok()) return copy.status();
    if (copy->empty()) return Status::Ok();
    Person values;
    std::vector<FieldError> errors =
        BuildPerson(WithName(*copy, stored.person.name), rounds.reference(), &values);
    if (!errors.empty())
      return InvalidArgument("字段「" + errors.front().field + "」：" + errors.front().message,
                             errors);
    values.public_id = stored.person.public_id;
    values.opinion.clear();
    auto outcome = batch.UpsertPerson(&values);
    return outcome.ok() ? Status::Ok() : outcome.status();
  }

  StatusOr<SubmissionView> View(const Round& round, const UnitRecord& unit);
  StatusOr<std::string> Reseal(const std::string& sealed, std::string_view column, int64_t from,
                               int64_t to);
  Status CheckNotEnrolled(SQLite::Database& w, const Round& round, int64_t person_rowid,
                          int64_t submission_id);
  void RecomputeState(SQLite::Database& w, int64_t submission_id);
  StatusOr<RecommendationView> DecideIn(SQLite::Database& w, WriteBatch& batch, int64_t id,
                                        const Decision& decision, const Actor& actor);

  Rounds& rounds;
  std::unique_ptr<DuplicateFinder> finder;
  std::vector<SubmitCheck> submit_checks;
};

}  // namespace tp::registry
