// Nominees fill in their own 学员情况表 (seed 001: the nominee signs in to the entry system,
// fills in the information, and the unit reviews and submits it).
//
// A unit, in a round open to it, invites a person by name and mobile or e-mail. The invitation
// is a random link (only its hash is kept) valid for 14 days, which the unit can revoke. The
// nominee opens it without an account, sees only the form of that invitation, saves drafts and
// submits; after that the link answers nothing until the unit returns the form with a reason.
// The unit sees its invitations and their states, reviews and edits what was submitted, returns
// it or takes it into its list, where it is a recommendation like any other: what a nominee
// sends changes no stored record until staff admit it (workflow.h).
//
//   sent ──open──▶ opened ──submit──▶ submitted ──accept──▶ accepted
//     │              ▲                   │
//     │              └──── return ◀──────┘          any but accepted ──revoke──▶ revoked
//     └── 14 days without submitting: expired (a state of the clock, not stored)
//
// The unit sees a link once; one it lost is replaced by a new one (the old stops working).
//
// The form's values (and the contact) are sealed like ID numbers, under the registry's keys.
//
// In an honour round (one whose rule set has a 推荐表, honour_forms.h) the nominee also fills the
// form's own-person boxes (`"nominee": true` in data/forms/honour/*.json) and ticks 推荐组别;
// the unit's boxes (所在单位意见, 备注) and the opinion are never theirs. These are kept with the
// invitation, checked as the 推荐表's PUT checks them, and stored as the recommendation's
// 推荐表 only when the unit accepts the form, merged over any boxes it already holds.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"
#include "registry/rounds/honour_form.h"
#include "registry/rounds/rounds.h"
#include "registry/rounds/workflow.h"

namespace tp::registry {

struct Invitation {
  int64_t id = 0;
  std::string round;  // code
  std::string round_title;
  std::string unit_code;
  std::string unit_name;
  int64_t unit_rowid = 0;
  std::string name;
  std::string contact_mask;
  std::string state;  // sent, opened, submitted, returned, accepted, revoked, expired
  std::string reason;
  std::string created_by;
  int64_t created_at = 0;
  int64_t opened_at = 0;
  int64_t submitted_at = 0;
  int64_t expires_at = 0;
  int64_t recommendation_id = 0;
};

// One field of the nominee's form.
struct FormField {
  std::string key;    // the person field's API key (person_fields.h)
  std::string label;  // its Chinese label
  std::string kind;   // text, date, yes_no, list, choice
  bool required = false;
  bool multiline = false;
  std::vector<std::string> options;  // for choice
};

struct NomineeForm {
  Invitation invitation;
  std::map<std::string, std::string> values;  // key -> text as typed
  std::vector<FieldError> errors;             // field: the key, or a 推荐表 box, or 推荐组别
  // An honour round's 推荐表, the part the nominee fills; honour_spec is null elsewhere.
  const HonourFormSpec* honour_spec = nullptr;
  std::vector<std::string> groups;  // the 推荐组别 the round's rule set offers
  std::string group;                // the one ticked
  bool group_required = false;
  HonourForm honour;                        // the nominee's boxes only
  std::vector<FieldError> honour_warnings;  // advice (主要事迹 outside 1,200–1,800)
};

// A change to the 推荐表 part: each member given replaces what is there.
struct NomineeHonourPatch {
  std::optional<std::string> group;
  std::optional<std::string> form_json;  // a JSON object of boxes, as the 推荐表's PUT takes

  bool empty() const { return !group && !form_json; }
};

class HonourForms;

class Invitations {
 public:
  static constexpr int64_t kValidSeconds = 14 * 24 * 3600;

  // Rounds and workflow must outlive the invitations.
  Invitations(Rounds& rounds, Workflow& workflow);

  // The fields of the 学员情况表 a nominee fills in, in the form's order.
  const std::vector<FormField>& Fields() const;

  // The honour rounds' forms; without them no invitation has a 推荐表 part.
  void SetHonourForms(std::shared_ptr<HonourForms> forms);

  // Answers the invitation and its link's secret (shown once). `contact` is a mobile or an
  // e-mail address. RuleViolated outside the unit's window; InvalidArgument naming the field.
  StatusOr<std::pair<Invitation, std::string>> Create(std::string_view round, int64_t unit_rowid,
                                                      std::string_view name,
                                                      std::string_view contact, const Actor& actor);
  StatusOr<std::vector<Invitation>> List(std::string_view round, int64_t unit_rowid);
  StatusOr<NomineeForm> Get(int64_t id);

  // --- the nominee, by the link's secret. NotFound for an unknown or revoked link or one already
  // taken into a list; PermissionDenied when expired or while submitted.
  StatusOr<NomineeForm> Open(std::string_view secret);
  // InvalidArgument naming an unknown field or box, a box the nominee may not fill, or a value
  // over its limit; nothing is saved then.
  StatusOr<NomineeForm> SaveByNominee(std::string_view secret,
                                      const std::map<std::string, std::string>& values,
                                      const NomineeHonourPatch& honour = {});
  // InvalidArgument listing every field in error; the form stays a draft.
  StatusOr<NomineeForm> Submit(std::string_view secret, const std::string& remote_addr);

  // --- the unit (or staff acting for it)
  // Edits a submitted form (values merged over what is there).
  StatusOr<NomineeForm> EditSubmitted(int64_t id, const std::map<std::string, std::string>& values,
                                      const Actor& actor, const NomineeHonourPatch& honour = {});
  StatusOr<Invitation> Return(int64_t id, std::string_view reason, const Actor& actor);
  // Takes a submitted form into the unit's list: the recommendation is added, and the photos and
  // scans the nominee uploaded (attachments/) become the person's, for that recommendation; in an
  // honour round the ticked 推荐组别 is the recommendation's and the boxes become its 推荐表's.
  StatusOr<std::pair<Invitation, AddResult>> Accept(int64_t id, const Actor& actor);
  StatusOr<Invitation> Revoke(int64_t id, const Actor& actor);
  // A new link for an invitation still with the nominee (sent, opened, returned), for a unit
  // that lost the first: the old link stops working. Answers the new secret.
  StatusOr<std::pair<Invitation, std::string>> NewLink(int64_t id, const Actor& actor);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace tp::registry
