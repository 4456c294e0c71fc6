// A unit's recommendations in a round, from draft to 入库.
//
// States of a recommendation:
//   draft ──submit──▶ submitted ──review──▶ under_review ──▶ admitted (入库: year, tier, batch)
//     ▲                    │                     │       └─▶ rejected (with reasons)
//     └──── edit ◀── returned (with reasons) ◀───┘
// A unit's list (its submission) is editable while draft or returned, and
// locked once submitted. Submitting checks the round's window (a deadline
// staff extended for the unit included), the 推荐意见 of every person, and the
// whole list against the round's rule set: a list that breaks a rule is
// refused with RuleViolated whose details name each rule and the people
// involved. Every change of state is written to the audit log with who and
// when, in the same transaction as the change.
//
// Adding a person checks the pool and every open round of the same campaign:
// a person with the same ID number who was admitted, or who is already on a
// list in an open round, is refused with AlreadyExists ("该人员已于2024年入库
// （…），无需重复推荐") — the year and round, never who recommended them.
// Possible duplicates (duplicates.h) do not block; they are reported for a
// human to confirm, and staff may merge two records or mark them distinct.
//
// Whose fields: a recommendation keeps the cells its unit sent (sealed), the
// unit's own copy of the person. The stored record is the unit's own when it
// is the record's recommending unit; the unit's cells are written into it
// while nobody else has a stake in it (not admitted, not honoured, on no other
// unit's list), and at admission. A record that is not the unit's own is never
// changed by the unit's cells, and the unit never reads it: it sees its copy
// only. Where a copy differs from the stored record, staff see the
// differences, as a possible duplicate of that record, and resolve them.
//
// Errors: NotFound (round, unit, recommendation), PermissionDenied (another
// unit's list), PreconditionFailed (a locked list, a decided recommendation),
// InvalidArgument (a bad field, with FieldErrors), RuleViolated (window,
// eligibility, quota), AlreadyExists (hard duplicate). Thread-safe; Rounds
// and the Store must outlive the Workflow.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/base/status.h"
#include "registry/rounds/duplicates.h"
#include "registry/rounds/recommendation_copy.h"
#include "registry/rounds/rounds.h"
#include "registry/rounds/rules.h"
#include "registry/store/store.h"

namespace tp::registry {

// 草稿, 已报送, 审核中, 已入库, 已退回, 未通过, 已办结 for a recommendation's or a list's state
// ("draft", …); an unknown name as it is.
std::string RecommendationStateLabel(std::string_view state);

struct RecommendationView {
  int64_t id = 0;
  std::string round;  // code
  std::string unit_code;
  std::string state;       // draft, submitted, under_review, admitted, returned, rejected
  PersonRecord record;     // the stored record, ID number and phone masked: staff only
  PersonRecord submitted;  // what the unit sees: its own copy, on the stored record when
                           // that is the unit's own; masked
  std::vector<FieldDifference> differences;  // the copy against the stored record: staff only
  std::string opinion;                       // 推荐单位意见
  std::vector<std::string> declared;         // 人员类别
  std::string group;                         // 推荐组别
  std::string exempt_reason;                 // why the person does not count against the quota
  std::string reasons;                       // why returned or rejected
  std::string decided_by;
  std::string decided_at;
  int64_t version = 0;
};

struct SubmissionView {
  Round round;
  UnitRecord unit;
  std::string state = "draft";  // draft, submitted, under_review, returned, closed
  std::string submitted_at;
  UnitWindow window;
  std::vector<RecommendationView> items;
  QuotaState quota;  // over every item not rejected
};

// What a unit sends for one person: cells by canonical column (as the import
// reads them), or the 编号 of a person already in the registry.
struct RecommendationInput {
  std::vector<std::pair<std::string, std::string>> cells;
  std::string person_id;
  std::vector<std::string> declared;   // 人员类别
  std::string group;                   // 推荐组别
  std::optional<std::string> opinion;  // 推荐单位意见
};

struct AddResult {
  RecommendationView item;
  bool person_created = false;
  std::vector<DuplicateCandidate> possible;  // for staff eyes only
  QuotaState quota;
};

struct Decision {
  enum class Kind { kReview, kAdmit, kReturn, kReject } kind = Kind::kReview;
  std::string reasons;  // required to return or reject
  int year = 0;         // admit: 0 means the round's year
  std::string tier;  // admit: 领军人才 / 青年人才; empty: 青年人才 when the person is in
                     // the rule set's "young" category, else 领军人才
  std::string batch;  // admit
};

struct PossibleDuplicatePair {
  RecommendationView item;
  DuplicateCandidate other;
};

// More that a submission must satisfy, per person about to be submitted (an honour round's
// 推荐表 complete, the exclusions the data suggests answered): each problem names the rule or
// box and the person. Runs inside Submit, on the committed state of everything but the opinions.
using SubmitCheck =
    std::function<std::vector<FieldError>(const Round& round, const RecommendationView& item)>;

class Workflow {
 public:
  static StatusOr<std::unique_ptr<Workflow>> Create(Rounds& rounds, const std::string& data_dir);
  ~Workflow();
  Workflow(const Workflow&) = delete;
  Workflow& operator=(const Workflow&) = delete;

  Rounds& rounds();
  DuplicateFinder& duplicates();

  // The unit's list with its live quota state; an empty draft when the unit
  // has not started one.
  StatusOr<SubmissionView> GetSubmission(std::string_view round, int64_t unit_rowid);
  // Every list of the round (staff), or of one province's units.
  StatusOr<std::vector<SubmissionView>> ListSubmissions(std::string_view round,
                                                        std::string_view province = "");
  StatusOr<RecommendationView> GetRecommendation(int64_t id);

  StatusOr<AddResult> Add(std::string_view round, int64_t unit_rowid,
                          const RecommendationInput& input, const Actor& actor);
  // Changes the cells (merged: an empty cell keeps the stored value), the
  // declared values, the group or the opinion of a draft or returned item.
  StatusOr<RecommendationView> Edit(int64_t id, const RecommendationInput& input,
                                    const Actor& actor);
  Status Remove(int64_t id, const Actor& actor);
  // `opinions` (recommendation id → 推荐单位意见) are stored before the checks.
  StatusOr<SubmissionView> Submit(std::string_view round, int64_t unit_rowid,
                                  const std::map<int64_t, std::string>& opinions,
                                  const Actor& actor);

  // Adds a check every Submit runs (honour_forms.h registers one); call before serving.
  void AddSubmitCheck(SubmitCheck check);

  // Staff decisions; BulkAdmit admits all of `ids` or none.
  StatusOr<RecommendationView> Decide(int64_t id, const Decision& decision, const Actor& actor);
  StatusOr<std::vector<RecommendationView>> BulkAdmit(const std::vector<int64_t>& ids,
                                                      const Decision& decision, const Actor& actor);

  // Items of the round with possible duplicates elsewhere in the registry.
  StatusOr<std::vector<PossibleDuplicatePair>> PossibleDuplicates(std::string_view round);
  // Keeps `keep`, folds `merged` into it: the kept record's empty fields take
  // the merged one's values, recommendations, admissions, honours and
  // training records move over (where the kept record has none of the same
  // year, list or event), and the merged record stays, marked merged_into.
  Status Merge(std::string_view keep, std::string_view merged, const Actor& actor);
  // Two records staff confirmed to be two people: not offered again.
  Status MarkDistinct(std::string_view a, std::string_view b, const Actor& actor);

  struct Impl;
  // Use Create(); an Impl cannot be made elsewhere.
  explicit Workflow(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::registry
