// The 推荐表 of recommendations in honour rounds, stored (sealed, like the unit's copy of the
// person), checked, and read back for the unit, for staff, and for experts without 身份证号 or
// phone; and the exclusions the data suggests (rules.h: a rule set's checks), which the unit
// answers — confirms the person is eligible all the same, with a note, or corrects the record.
//
// Which form a round has is data: data/forms/honour/*.json name the rule sets they serve
// (honour_form.h). Create() reads every file and fails start-up on a broken one, on a rule set it
// names that does not exist, or on an attachment kind data/attachments.json lacks. A round whose
// rule set no form serves has no 推荐表 (NotFound).
//
// Writes follow the list's lock: the unit changes the form and its answers while the
// recommendation is a draft or returned; staff likewise. Every write is audited in the same
// transaction, with who and what (the boxes changed, never their text). Create() registers a
// submit check on the workflow: a list is refused while a form lacks a required box or stamped
// scan, or a raised check has no answer that clears it.
//
// Thread-safe; the Workflow (and its Rounds and Store) must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"
#include "registry/rounds/honour_form.h"
#include "registry/rounds/rules.h"
#include "registry/rounds/workflow.h"

namespace tp::registry {

// A file the form shows: the person's own or this recommendation's.
struct HonourFormAttachment {
  int64_t id = 0;
  std::string kind;
  std::string filename;
  std::string content_type;
  int64_t bytes = 0;
};

// A check the data raises about the person, with the unit's answer if any.
struct ExclusionCheck {
  RaisedCheck raised;
  std::string answer;  // "", confirm, correct
  std::string note;
  std::string answered_by;  // display name, else the actor id
  std::string answered_at;  // UTC ISO
  bool open = true;         // blocks submission: not confirmed (or not confirmable)
};

struct ExclusionAnswer {
  std::string check;   // the check's code
  std::string answer;  // confirm (note required) or correct
  std::string note;
};

// One recommendation's 推荐表 as the caller may see it.
struct HonourFormView {
  int64_t recommendation_id = 0;
  std::string round;
  std::string unit_code;
  std::string state;  // the recommendation's
  std::string form_code;
  std::string title;
  const HonourFormSpec* spec = nullptr;  // lives as long as the HonourForms
  // The person as the unit sent them (its copy): 身份证号 and 手机 cleared; masks below.
  Person person;
  std::string id_number_mask;
  std::string phone_mask;
  std::vector<std::string> honours;  // titles already held
  std::string group;                 // 推荐组别
  std::string opinion;  // spec->opinion_label: 推荐单位意见, 学会党组织推荐意见
  HonourForm form;
  HonourFormCheck check;  // of the stored form and the person fields it prints
  std::vector<HonourFormAttachment> attachments;
  std::vector<FieldError> missing_attachments;
  std::vector<ExclusionCheck> exclusions;
  int64_t version = 0;  // 0: never saved
  std::string updated_at;
};

// One box of the printed 推荐表.
struct HonourPrintBox {
  std::string label;
  std::string value;
  bool wide = false;   // a long box across the page
  bool stamp = false;  // an opinion the seal goes under
  std::vector<std::string> columns = {};            // a table box: its headings
  std::vector<std::vector<std::string>> rows = {};  // and its rows
};

// The boxes of the printed form in the paper form's order: the person (民族 and 政治面貌 left
// blank unless `sensitive_attributes`; the mobile masked as the view holds it), the person
// boxes of the spec, the unit and post, 推荐组别, the contact lines, the form's own boxes (ticks as
// ☑/☐, rows as lines, stories numbered, the declaration with whether it was accepted) and the
// opinion under the spec's label.
std::vector<HonourPrintBox> HonourFormPrintBoxes(const HonourFormView& view,
                                                 bool sensitive_attributes);

class HonourForms {
 public:
  static StatusOr<std::unique_ptr<HonourForms>> Create(Workflow& workflow,
                                                       const std::string& data_dir);
  ~HonourForms();
  HonourForms(const HonourForms&) = delete;
  HonourForms& operator=(const HonourForms&) = delete;

  // The form of rounds judged by `rule_set`; nullptr when none.
  const HonourFormSpec* SpecForRuleSet(std::string_view rule_set) const;
  const std::vector<HonourFormSpec>& Specs() const;

  // The recommendation's form; NotFound for an unknown recommendation or a round without one.
  // The caller applies who may see which recommendation.
  StatusOr<HonourFormView> Get(int64_t recommendation_id);
  // What an expert reviewing the candidate sees: Get without the ID number, mobile or office
  // phone (not even masked), the e-mail and the unit's exclusion answers.
  StatusOr<HonourFormView> ForReview(int64_t recommendation_id);

  // Replaces the form with `json_text` (HonourFormFromJson). InvalidArgument names unknown keys
  // and values over their limits; PreconditionFailed when the list is locked; PermissionDenied
  // for another unit. Required boxes may stay empty until submission.
  StatusOr<HonourFormView> Put(int64_t recommendation_id, std::string_view json_text,
                               const Actor& actor);
  // Records the unit's answer to a raised check. confirm: the check must be raised and
  // confirmable, and the note say why; correct: the record must no longer raise it.
  StatusOr<HonourFormView> Answer(int64_t recommendation_id, const ExclusionAnswer& answer,
                                  const Actor& actor);

  // Problems that refuse submitting `item`, each naming the person.
  std::vector<FieldError> SubmitProblems(const Round& round, const RecommendationView& item);

  struct Impl;
  explicit HonourForms(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::registry
