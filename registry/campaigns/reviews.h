// Expert review of an honour round's candidates ([002] 三（三）: 自治区活动办公室……组织专家对
// 候选人进行多轮评选，最终确定10位).
//
// Staff open stages on an honour round. Stage 1 takes every recommendation of the round that is
// submitted or under review; each later stage takes those the previous stage advanced, and opens
// only once that one is closed. A review changes no recommendation's state: the 公示 and its
// publishing decide (notices.h). A shortlist stage advances,
// when staff close it, its `advance` best by mean total, or the ones staff name; a tie at the
// cut is refused with the tied names, for staff to choose. A final stage ranks.
//
// Staff assign experts (accounts of role expert) to a stage, each for every 推荐组别 or some. An
// expert sees the candidates of their groups one at a time, with the 推荐表 and attachments but
// never the 身份证号, phone or contact details, and scores each criterion of the campaign's plan
// (review_plans.h) with a comment, changeable while the stage is open.
//
// 回避: an expert whose organisation and the candidate's 工作单位 name one another (one holds the
// other, after folding: 广西大学 and 广西大学农学院), or who belongs to the recommending unit,
// never sees the candidate and cannot score them; the ranking names who was recused and why.
//
// Every change is audited with who and when. Errors: NotFound (round, stage, candidate, expert),
// PermissionDenied (not staff; an expert not assigned to the stage or group, or recused),
// PreconditionFailed (a closed stage, an open previous stage, a round that is not an honour
// campaign's, missing scores when closing), InvalidArgument naming the field. Thread-safe; the
// rounds and the workflow must outlive the reviews.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/base/status.h"
#include "registry/campaigns/review_plans.h"
#include "registry/rounds/rounds.h"
#include "registry/rounds/workflow.h"

namespace tp::registry {

struct ReviewExpert {
  int64_t account_id = 0;
  std::string username;
  std::string display_name;
  std::string organisation;
  std::string unit_code;            // the recommending unit they belong to, if any
  std::vector<std::string> groups;  // 推荐组别 they review; empty: every group
};

struct ReviewStage {
  int64_t id = 0;
  std::string round;  // code
  std::string round_title;
  std::string campaign;  // code
  int stage = 0;         // 1, 2, …
  std::string kind;      // shortlist, final
  std::string title;
  std::vector<Criterion> criteria;
  double max_total = 0;
  int advance = 0;    // shortlist: how many go on
  std::string state;  // open, closed
  std::string opened_by;
  std::string opened_at;  // Beijing time, 2024-04-08T09:00:00+08:00
  std::string closed_by;
  std::string closed_at;
  std::vector<ReviewExpert> experts;
  int candidates = 0;
};

struct NewStage {
  std::string kind;  // shortlist, final
  std::string title;
  int advance = 0;  // shortlist only
};

// An expert and the groups they review in a stage.
struct ExpertAssignment {
  std::string username;
  std::vector<std::string> groups;
};

struct ExpertScore {
  std::string username;
  std::string display_name;
  std::map<std::string, double> points;  // criterion key -> points
  double total = 0;
  std::string comment;
  std::string scored_at;  // Beijing time
};

struct Recusal {
  std::string username;
  std::string display_name;
  std::string reason;  // 与候选人同一工作单位（广西大学）
};

// Who a candidate is, as review stages and the 公示 list them.
struct CandidateSummary {
  int64_t recommendation_id = 0;
  std::string person_id = {};  // 编号
  std::string name = {};
  std::string gender = {};
  std::string organisation = {};  // 工作单位
  std::string title = {};         // 技术职称
  std::string unit_code = {};     // recommending unit
  std::string unit_name = {};
  std::string group = {};  // 推荐组别
  std::string state = {};  // the recommendation's

  // The recommendation's candidate as the unit sent them.
  static CandidateSummary Of(const RecommendationView& item);
};

struct ReviewCandidate : CandidateSummary {
  bool advanced = false;
};

struct RankedCandidate {
  ReviewCandidate candidate;
  int rank = 0;  // 1 for the best mean; equal means share a rank; 0 without a score
  double mean = 0;
  double spread = 0;  // highest total − lowest
  int expected = 0;   // experts who are to score the candidate
  int given = 0;
  std::vector<std::string> missing;  // display names of those who have not scored yet
  std::vector<Recusal> recused;
  std::vector<ExpertScore> scores;
};

struct Ranking {
  ReviewStage stage;
  std::vector<RankedCandidate> candidates;  // best first; unscored last
};

struct QueueItem {
  ReviewCandidate candidate;
  std::optional<ExpertScore> mine;
};

// What an expert sees of one candidate: the unit's 推荐表 (its copy of the person, without the
// ID number, phone, e-mail, address and postcode) and their own score.
struct CandidateForExpert {
  ReviewStage stage;
  ReviewCandidate candidate;
  RecommendationView recommendation;
  std::optional<ExpertScore> mine;
};

class Reviews {
 public:
  // Reads data_dir/reviews.json and checks that every plan names a campaign of the registry.
  static StatusOr<std::unique_ptr<Reviews>> Open(Rounds& rounds, Workflow& workflow,
                                                 const std::string& data_dir);
  ~Reviews();
  Reviews(const Reviews&) = delete;
  Reviews& operator=(const Reviews&) = delete;

  const ReviewPlans& plans() const;

  // --- staff
  StatusOr<std::vector<ReviewStage>> ListStages(std::string_view round);
  StatusOr<ReviewStage> GetStage(int64_t stage_id);
  StatusOr<ReviewStage> OpenStage(std::string_view round, const NewStage& spec, const Actor& actor);
  // Replaces the stage's experts. InvalidArgument naming experts[i] for an unknown username,
  // an account that is not an expert, or a group the rule set does not know.
  StatusOr<ReviewStage> AssignExperts(int64_t stage_id,
                                      const std::vector<ExpertAssignment>& experts,
                                      const Actor& actor);
  StatusOr<Ranking> Rank(int64_t stage_id);
  // Closes a stage. A shortlist advances `advance` (recommendation ids) or, when empty, its
  // best. Missing scores refuse it unless `force`.
  StatusOr<ReviewStage> CloseStage(int64_t stage_id, const std::vector<int64_t>& advance,
                                   bool force, const Actor& actor);
  // The candidates of the round's last stage when it is a closed final stage (those the 公示
  // may name); nullopt when the round has no stage; PreconditionFailed when the last stage is
  // still open or a closed shortlist.
  StatusOr<std::optional<std::vector<int64_t>>> FinalCandidates(std::string_view round);

  // --- the expert `account_id`
  // The stages they are assigned to, newest first.
  StatusOr<std::vector<ReviewStage>> StagesOf(int64_t account_id);
  StatusOr<std::vector<QueueItem>> Queue(int64_t stage_id, int64_t account_id);
  StatusOr<CandidateForExpert> CandidateFor(int64_t stage_id, int64_t account_id,
                                            int64_t recommendation_id);
  // Every criterion of the plan, each 0..max in steps of 0.5; the comment at most 500
  // characters. InvalidArgument naming scores.KEY or comment.
  StatusOr<ExpertScore> Score(int64_t stage_id, int64_t account_id, int64_t recommendation_id,
                              const std::map<std::string, double>& points, std::string_view comment,
                              const Actor& actor);

  struct Impl;
  explicit Reviews(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// Why `expert` must not review `candidate`; empty when they may.
std::string RecusalReason(const ReviewExpert& expert, const ReviewCandidate& candidate);

}  // namespace tp::registry
