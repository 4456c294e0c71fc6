// Training cohorts (培训班次 / 研修班): events with dates, place and seats,
// split into classes of their own capacity and level (领军人才 / 青年人才);
// who can attend each event (可否参加, from the unit's sheet or set by staff);
// and enrolments with a waiting list, which make up each person's training
// history (PersonRecord::trainings, the search index's `trained` filter).
//
// Enrolment states: invited → confirmed → attended | absent; invited or
// confirmed → declined | removed; waitlisted → invited
// (promoted). Attendance is recorded once the event has begun (Beijing time),
// per day of the event (RecordAttendance, an uploaded sign-in sheet), and the
// state follows the recorded days: attended when present on at least one day,
// absent when every recorded day is absent, unchanged while no day is
// recorded. The attend and absent actions are the whole-event shortcut: they
// record every day of the event up to today present (or absent).
// Invited, confirmed, attended and absent hold a seat of their class. When a
// seat holder declines or is removed, or a class gains seats, the first
// people on that class's waiting list who are not busy in an overlapping
// event are invited in the same transaction, so two staff acting at once can
// neither overbook a class nor promote one person twice; the schema refuses a
// write that would overbook whatever code makes it. A seat goes to the first
// person waiting, unless staff pass the list over on purpose (audited); the
// waiting list is for a full class only. Every change is audited (object_type "enrolment",
// object_id "EVENT/编号") with its old and new state.
//
// Errors: NotFound (event, class or person), InvalidArgument (a malformed
// event, an unknown action), RuleViolated (a full class, a level that does
// not match, a person busy in an overlapping event, already trained in the
// series, marked as unable to attend, a transition the state does not
// allow), PreconditionFailed (the enrolment's version moved on),
// AlreadyExists (an event code in use), Internal (SQLite).
//
// A Cohorts works on the Store it was opened on, which must outlive it;
// thread-safe, as writes go through the store's single writer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"
#include "registry/store/store.h"

namespace tp::registry {

class DbHandle;

struct EventClass {
  std::string name;   // 领军人才班
  std::string level;  // 领军人才 / 青年人才; empty: people of either tier
  int capacity = 0;
  // Filled by reads.
  int seats_taken = 0;  // invited, confirmed, attended, absent
  int waitlisted = 0;
  // Conditions of the class besides `level` (class_rules.h): the age on the
  // event's start date, from 出生年月; 0 sets no bound.
  int min_age = 0;
  int max_age = 0;  // 青年人才班: 35 (35岁及以下)
};

struct Event {
  std::string code;       // "2025-seminar": lower-case letters, digits and '-'
  std::string title;      // 2025年科技界党外代表人士专题研修班
  std::string series;     // "seminar": attending one event of a series counts for all of it
  std::string starts_on;  // YYYY-MM-DD
  std::string ends_on;    // YYYY-MM-DD, inclusive
  std::string place;
  int capacity = 0;  // the classes' capacities add up to it
  // The person field the unit's sheet fills for this event: can_attend_seminar
  // (可否参加专题研修班) or can_attend_study_tour (可否参加国情研修活动); empty
  // when the notice asked nothing, and then everyone counts as available.
  std::string availability_field;
  std::string source;  // the notice, e.g. 科协企服函〔2025〕8号 二、2
  std::vector<EventClass> classes;
};

enum class EnrolmentState {
  kInvited,
  kConfirmed,
  kWaitlisted,
  kDeclined,
  kRemoved,
  kAttended,
  kAbsent
};

// "invited", … as stored and sent over the API; the label is 已邀请, ….
std::string_view StateName(EnrolmentState state);
std::string_view StateLabel(EnrolmentState state);
// By name or label; nullopt for anything else.
std::optional<EnrolmentState> ParseState(std::string_view name_or_label);
bool HoldsSeat(EnrolmentState state);

enum class EnrolmentAction { kInvite, kWaitlist, kConfirm, kDecline, kRemove, kAttend, kAbsent };
std::string_view ActionName(EnrolmentAction action);  // "invite", …
std::optional<EnrolmentAction> ParseAction(std::string_view name);

// One change of an enrolment's state: from (empty for the first), to, who and when.
struct EnrolmentStep {
  std::string from;
  std::string to;
  std::string actor;       // "account:wangfang", "token:3"; empty when unknown
  std::string actor_name;  // the account's display name
  std::string at;          // UTC, ISO 8601
};

// A person's presence on one day of an event.
struct AttendanceDay {
  std::string day = {};  // YYYY-MM-DD
  bool present = false;
};

struct Enrolment {
  std::string event_code;
  std::string class_name;
  std::string person_id;  // 编号
  std::string person_name;
  EnrolmentState state = EnrolmentState::kInvited;
  int waitlist_rank = 0;  // 1 for the first on its class's list; 0 when not waitlisted
  int64_t version = 0;    // bumped by every change; for If-Match
  std::string updated_at;
  std::vector<EnrolmentStep> steps;  // its history, oldest first: PersonHistory fills it
  std::vector<AttendanceDay> days = {};  // the days recorded, in date order
};

// One day's presence to record. `row` and `field` say where it came from, for
// messages: the request's item (row 1 for items[0]) or a sheet's row and column.
struct AttendanceMark {
  std::string person_id = {};  // 编号
  std::string day = {};        // YYYY-MM-DD
  bool present = false;
  long row = 0;
  std::string field = {};
  std::string sheet = {};  // "第 2 个工作表：" for a workbook's later sheets; empty otherwise
};

// What an uploaded sign-in sheet recorded.
struct SignInSheetResult {
  int rows = 0;                    // people's rows read, on every sheet
  int marks = 0;                   // ticks and crosses read
  std::vector<Enrolment> changed = {};  // enrolments whose days or state changed
};

struct ActionOptions {
  // The class for invite and waitlist; may be empty when only one class of
  // the event fits the person's tier.
  std::string class_name;
  // When non-zero, the change is made only if the enrolment still has this
  // version (PreconditionFailed otherwise).
  int64_t expected_version = 0;
  // Invite someone who already attended an event of this series.
  bool allow_retrained = false;
  // Invite someone while others wait on the class's list ahead of them (audited with how many
  // were passed over); without it such an invitation is refused.
  bool ahead_of_waitlist = false;
};

struct ActionResult {
  Enrolment enrolment;
  // Who was invited from the waiting list into the seat this action freed.
  std::optional<Enrolment> promoted;
};

// Where a person's availability for an event comes from.
struct Availability {
  std::optional<bool> available;  // nullopt: unknown
  std::string source;             // "staff", "unit_sheet", "not_asked" or "" when unknown
};

// One line of a roster to apply: a person and the class they go to.
struct Placement {
  std::string person_id;  // 编号
  std::string class_name;
};

struct ApplyResult {
  int invited = 0;
  int waitlisted = 0;
  // People left as they were because they already have an enrolment in the event.
  std::vector<std::string> skipped;
};

// One class in an event edit: `was` names the existing class it changes (a rename); empty
// means the class of the same name, or a new class when there is none.
struct ClassEdit {
  std::string was = {};
  EventClass change = {};
  // The age band (0: no limit). Not given: an existing class keeps its band, a new class
  // takes change.min_age / change.max_age.
  std::optional<int> min_age = {};
  std::optional<int> max_age = {};
};

// What staff change in an event; fields left empty stay as they are. `classes`, when given, is
// the whole new list: an existing class it does not name is removed.
struct EventEdit {
  std::optional<std::string> title = {};
  std::optional<std::string> starts_on = {};
  std::optional<std::string> ends_on = {};
  std::optional<std::string> place = {};
  std::optional<std::string> source = {};
  std::optional<std::vector<ClassEdit>> classes = {};
  // A new title or dates equal to another event's are refused (409) unless this says the
  // twin is meant, as when creating an event.
  bool same_as_another = false;
};

enum class RosterSheet {
  kRoster,  // 名单: one row per seat holder
  kSignIn,  // 签到表: seat holders with a column per day to sign
};

struct RosterExportOptions {
  RosterSheet sheet = RosterSheet::kRoster;
  // The states listed; empty: the seat holders (invited, confirmed, attended, absent).
  std::vector<EnrolmentState> states = {};
  bool reveal_phone = false;      // whole phone numbers instead of 138****5678
  bool show_ethnic_group = true;  // 民族 is for CAST and provincial staff only
  std::string province;           // two digits: only people of that province
};

class Cohorts {
 public:
  // Opens the cohort area of `store` and adds the events of
  // `data_dir`/events.json that the registry does not hold yet (by code; an
  // event staff changed is never overwritten). Fails when the file is
  // missing or malformed, naming it.
  static StatusOr<std::unique_ptr<Cohorts>> Open(Store& store, const std::string& data_dir);
  explicit Cohorts(Store& store);

  // Reads and checks an events file (see data/events.json).
  static StatusOr<std::vector<Event>> LoadEventsFile(const std::string& path);
  // The problems of an event as field errors (代码, 名称, 开始日期, 班次…); empty when valid.
  static std::vector<FieldError> Validate(const Event& event);

  // Adds a new event with its classes. AlreadyExists when the code is taken, and when another
  // event has the same title and dates, unless `same_as_another` says it is meant.
  StatusOr<Event> CreateEvent(const Event& event, const AuditEntry& who,
                              bool same_as_another = false);
  // Changes a class's capacity and with it the event's; refused below the
  // seats already taken. Seats it adds go to the waiting list at once.
  StatusOr<Event> SetClassCapacity(std::string_view event_code, std::string_view class_name,
                                   int capacity, const AuditEntry& who);
  // Changes an event's title, dates, place, source and classes in one transaction, audited
  // with the old and new values. InvalidArgument (field errors, row = the class's place in the
  // list) for a malformed result; RuleViolated when a class would have fewer seats than are
  // taken, a level its people do not have, or a removed class has enrolments, and when new
  // dates start after today once attendance is recorded or make a seat holder busy in an
  // overlapping event. Seats a class gains go to its waiting list at once.
  StatusOr<Event> EditEvent(std::string_view event_code, const EventEdit& edit,
                            const AuditEntry& who);
  StatusOr<std::vector<Event>> ListEvents();
  StatusOr<Event> GetEvent(std::string_view code);

  // Staff say whether a person can attend (source "staff"); this wins over
  // the unit's sheet.
  Status SetAvailability(std::string_view event_code, std::string_view person_id, bool available,
                         const AuditEntry& who);
  // Takes a staff setting back: the unit's sheet speaks again. NotFound when staff set nothing.
  Status ClearAvailability(std::string_view event_code, std::string_view person_id,
                           const AuditEntry& who);

  // The date (YYYY-MM-DD, Beijing) attendance is judged by; tests set it.
  void SetToday(std::function<std::string()> today) { today_ = std::move(today); }
  StatusOr<Availability> GetAvailability(std::string_view event_code, std::string_view person_id);

  // Invites, waitlists or moves a person's enrolment on (see the states
  // above), in one transaction with its audit entry and any promotion.
  StatusOr<ActionResult> Act(std::string_view event_code, std::string_view person_id,
                             EnrolmentAction action, const ActionOptions& options,
                             const AuditEntry& who);

  // Moves a waitlisted person to `rank` (1: first) on their class's list, shifting the others,
  // in one transaction with its audit entry. InvalidArgument for a rank outside the list,
  // RuleViolated when the person is not waiting, PreconditionFailed for a stale version.
  StatusOr<Enrolment> MoveOnWaitlist(std::string_view event_code, std::string_view person_id,
                                     int rank, int64_t expected_version, const AuditEntry& who);

  // Invites the roster and puts the reserve on the waiting lists in their
  // order, in one transaction; a person already enrolled in the event is
  // skipped. RuleViolated, changing nothing, when a line breaks a rule of
  // Act (a full class, a wrong level, …).
  StatusOr<ApplyResult> ApplyRoster(std::string_view event_code,
                                    const std::vector<Placement>& roster,
                                    const std::vector<Placement>& reserve, const AuditEntry& who);

  // The event's enrolments by class, seat holders first, then the waiting
  // list in order, then the rest; ties by 编号.
  StatusOr<std::vector<Enrolment>> ListEnrolments(std::string_view event_code);
  // A person's enrolments in every event, oldest event first, each with its history.
  StatusOr<std::vector<Enrolment>> PersonHistory(std::string_view person_id);

  // Records presence per day, in one transaction with an audit entry per enrolment changed,
  // and moves each enrolment's state after its days (see the top of this file). A day must
  // be a day of the event and not after today (Beijing); the person must hold a seat that
  // was confirmed (confirmed, attended or absent: an invited person is confirmed first).
  // RuleViolated naming every faulty mark (its row and field) and writing nothing when any
  // is faulty. Answers the enrolments whose days or state changed, in 编号 order.
  StatusOr<std::vector<Enrolment>> RecordAttendance(std::string_view event_code,
                                                    const std::vector<AttendanceMark>& marks,
                                                    const AuditEntry& who);

  // Reads back the sign-in sheet ExportRosterXlsx printed (every sheet of the workbook, or a
  // CSV of the same columns), with a mark per person and day, and records the days as
  // RecordAttendance does. Rows are matched by 编号, their 姓名 checked; a day column is
  // "11月17日", "2024-11-17" or "2024年11月17日". Marks: √ ✓ ✔ ☑ 是 到 1 or the person's own
  // name are present; × ✗ ✘ x X 缺 否 0 请假 are absent; an empty cell records nothing.
  // InvalidArgument when the file cannot be read as a table or has no 编号/姓名 column;
  // RuleViolated naming each faulty cell by row and column (an unknown person, one not
  // enrolled, a name that does not match, a column that is not a day of the event, an
  // unreadable mark, a mark on a day after today), writing nothing when there is any.
  StatusOr<SignInSheetResult> ImportSignInSheet(std::string_view event_code, std::string_view bytes,
                                                std::string_view filename, const AuditEntry& who);

  // The seat holders (or the `states` asked for) as an XLSX workbook, one sheet per class
  // under a title block (the event's title, class, dates and place), printed A4 landscape, one
  // page wide, the header row on every page; 序号 are numbers. The roster has 姓名, 性别, 民族,
  // 工作单位及职务, 班次, 联系电话, 状态; the sign-in sheet a column per event day instead of
  // 民族, 联系电话 and 状态. A whole phone is read only when `reveal_phone` asks for it; the
  // caller audits the export.
  StatusOr<std::string> ExportRosterXlsx(std::string_view event_code,
                                         const RosterExportOptions& options);

 private:
  DbHandle& db_;
  std::function<std::string()> today_;
};

}  // namespace tp::registry
