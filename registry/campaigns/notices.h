// The 公示 of an honour round's chosen names, its objections, and publishing ([002] 三（三）:
// 最终确定10位……经公示无异议后公布遴选结果).
//
// Staff start the notice with the names they chose — at most the campaign's number of honourees
// (review_plans.h), each a recommendation of the round not yet decided, and, when the round was
// reviewed, a candidate of its closed final stage — from a first day for a number of working days
// (the plan's, else staff's). Its last day comes from the working-day calendar
// (fields/workdays.h): a 公示 running into a year the calendar lacks is refused, never guessed.
//
// An objection is recorded while the notice runs, received on a day of the notice, against one
// of its names, with who raised it and what they said (both sealed: they are personal data), and
// later resolved: dismissed, or upheld, which takes the name off the notice. Publishing, once the
// last day is over (Beijing time) and no objection is open, admits every name still on the
// notice — the honour is written into each person's history — and rejects those taken off, with
// the reason. Publishing is safe to repeat after a crash: names already admitted stay so.
//
// Every change is audited. Errors: NotFound (round, notice, objection), AlreadyExists (a round's
// second notice), PreconditionFailed (the notice not running, too early to publish, open
// objections, the review not finished), InvalidArgument naming the field. Thread-safe; the rounds,
// workflow and reviews must outlive the notices.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"
#include "registry/campaigns/reviews.h"
#include "registry/fields/workdays.h"
#include "registry/rounds/rounds.h"
#include "registry/rounds/workflow.h"

namespace tp::registry {

struct NoticeName : CandidateSummary {
  std::string withdrawn = {};  // why it was taken off; empty while on the notice
};

struct Objection {
  int64_t id = 0;
  int64_t recommendation_id = 0;
  std::string name;         // whom it is about
  std::string received_on;  // YYYY-MM-DD
  std::string source;       // who raised it and how to reach them
  std::string content;
  std::string state;  // open, upheld, dismissed
  std::string resolution;
  std::string recorded_by;
  std::string recorded_at;  // Beijing time
  std::string resolved_by;
  std::string resolved_at;
};

struct Notice {
  int64_t id = 0;
  std::string round;  // code
  std::string round_title;
  std::string first_day;  // YYYY-MM-DD
  std::string last_day;
  int days = 0;
  std::vector<std::string> workdays;  // the counted days
  std::string state;                  // running, published
  std::string started_by;
  std::string started_at;
  std::string published_by;
  std::string published_at;
  std::vector<NoticeName> names;
  std::vector<Objection> objections;
  int open_objections = 0;
  bool may_publish = false;  // the last day is over and no objection is open
};

struct NewNotice {
  std::vector<int64_t> recommendations;  // in the order shown
  std::string first_day;                 // YYYY-MM-DD
  int days = 0;                          // 0: the campaign's plan
};

struct NewObjection {
  int64_t recommendation_id = 0;
  std::string received_on;  // YYYY-MM-DD
  std::string source;
  std::string content;
};

class Notices {
 public:
  // Reads data_dir/workdays.tsv.
  static StatusOr<std::unique_ptr<Notices>> Open(Rounds& rounds, Workflow& workflow,
                                                 Reviews& reviews, const std::string& data_dir);
  ~Notices();
  Notices(const Notices&) = delete;
  Notices& operator=(const Notices&) = delete;

  StatusOr<Notice> Start(std::string_view round, const NewNotice& spec, const Actor& actor);
  // NotFound when the round has no notice.
  StatusOr<Notice> Get(std::string_view round);
  StatusOr<Objection> AddObjection(std::string_view round, const NewObjection& objection,
                                   const Actor& actor);
  // `outcome`: upheld or dismissed; the resolution says why.
  StatusOr<Objection> Resolve(int64_t objection_id, std::string_view outcome,
                              std::string_view resolution, const Actor& actor);
  StatusOr<Notice> Publish(std::string_view round, const Actor& actor);

  struct Impl;
  explicit Notices(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::registry
