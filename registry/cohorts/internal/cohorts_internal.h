// Internals shared by the files of the cohort area (cohorts.cc,
// cohorts_enrolments.cc, cohorts_export.cc, planner_load.cc): rows as a
// transaction or a read sees them, the availability rule, and the errors and
// audit entries the events and enrolments write alike. Only registry/
// includes this header.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/cohorts/cohorts.h"

namespace tp::registry::cohorts_internal {

// 「text」, the way messages quote names.
std::string Quote(std::string_view s);

// NotFound naming the event code / the person's 编号.
Status NoEvent(std::string_view code);
Status NoPerson(std::string_view public_id);

// "EVENT/编号", the object id of an enrolment's or an availability's audit entries.
std::string ObjectId(const Event& event, std::string_view person_id);

// Appends `who` doing `action` to the audit log in the caller's transaction.
void AuditOn(SQLite::Database& db, AuditEntry who, std::string action, std::string object_type,
             std::string object_id, const nlohmann::json& detail);

struct EventRow {
  int64_t rowid = 0;
  Event event;                        // with its classes and their counts
  std::vector<int64_t> class_rowids;  // parallel to event.classes
};

struct PersonRow {
  int64_t rowid = 0;
  std::string public_id;
  std::string name;
  std::string tier;  // of the latest admission
  bool admitted = false;
  std::optional<bool> can_attend_seminar;
  std::optional<bool> can_attend_study_tour;
  std::string employment_status;
  std::string birth_date = {};   // YYYY-MM-DD or YYYY-MM; empty when unknown
  std::string admitted_on = {};  // YYYY-MM-DD (kAdmittedOnSql); empty when not admitted
};

// The date the person of `p.id` counts as admitted (入库), the earliest of their admissions: the
// day an admission was recorded when that was in its year, else 1 January of its year (an
// admission recorded later from the records of its year, as an import of past rounds is).
constexpr const char* kAdmittedOnSql =
    "(SELECT min(CASE WHEN substr(ad.admitted_at,1,4)=printf('%04d',ad.year) "
    "THEN substr(ad.admitted_at,1,10) ELSE printf('%04d-01-01',ad.year) END) "
    "FROM admissions ad WHERE ad.person_id=p.id)";

// False when there is no such event / live person.
bool LoadEventOn(SQLite::Database& db, std::string_view code, EventRow* out);
bool LoadPersonOn(SQLite::Database& db, std::string_view public_id, PersonRow* out);
// The code of another event with `event`'s title and dates (not the one of `self_rowid`).
std::optional<std::string> TwinOf(SQLite::Database& db, const Event& event, int64_t self_rowid);

// Staff's setting, else the unit's sheet column the event names, else
// available when the event's notice asked nothing. A sheet left blank is
// unknown: the notice asked units to mark those who can attend.
Availability AvailabilityOn(SQLite::Database& db, const EventRow& event, const PersonRow& person);
Availability SheetAvailability(std::string_view field, const std::optional<bool>& seminar,
                               const std::optional<bool>& study_tour);
// 可否参加专题研修班 for can_attend_seminar, …; empty for anything else.
std::string_view AvailabilityFieldLabel(std::string_view field);

// Invites the first person on the class's waiting list who is not busy in an overlapping
// event and whom staff have not since marked as unable to attend, in the caller's transaction;
// nullopt when there is none. `freed_by` says in the audit entry what made the seat.
std::optional<Enrolment> PromoteOn(SQLite::Database& db, const EventRow& event, int64_t class_rowid,
                                   const AuditEntry& who, const std::string& freed_by);

// The enrolment of that rowid as reads answer it, with its recorded days.
Enrolment EnrolmentOn(SQLite::Database& db, int64_t rowid);

// ---- Attendance per day (cohorts_attendance.cc) ----

// The event's days, YYYY-MM-DD from starts_on to ends_on (at most 366).
std::vector<std::string> EventDays(const Event& event);

// Fills the `days` of each enrolment: of one event (`event_rowid`) or of one person.
void FillDaysOn(SQLite::Database& db, bool by_event, int64_t rowid, std::vector<Enrolment>* list);

// The problems of `marks` for `event` as of `today`, each naming the mark's row and field;
// empty when all can be recorded. `enrolment_rowids` gets the enrolment of each mark.
std::vector<FieldError> CheckMarksOn(SQLite::Database& db, const EventRow& event,
                                     const std::vector<AttendanceMark>& marks,
                                     const std::string& today,
                                     std::vector<int64_t>* enrolment_rowids);

// Writes checked marks (source "api", "sheet" or "action"), moves each enrolment's state
// after its days and audits each enrolment changed; returns their rowids, in 编号 order.
std::vector<int64_t> WriteMarksOn(SQLite::Database& db, const EventRow& event,
                                  const std::vector<AttendanceMark>& marks,
                                  const std::vector<int64_t>& enrolment_rowids,
                                  const AuditEntry& who, const std::string& source);

// The whole-event shortcut of the attend and absent actions: every day of the event up to
// `today` recorded present (or absent) for the enrolment, in the caller's transaction.
void RecordWholeEventOn(SQLite::Database& db, const Event& event, int64_t enrolment_rowid,
                        const std::string& today, bool present, const AuditEntry& who);

}  // namespace tp::registry::cohorts_internal
