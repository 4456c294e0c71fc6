#include "registry/campaigns/reviews.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "registry/fields/text.h"
#include "registry/store/db_handle.h"

namespace tp::registry {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxCommentCharacters = 500;

// 工作单位 as compared for 回避: NFKC, without spaces and brackets.
std::string FoldOrganisation(std::string_view text) {
  std::string key = NormalizeKey(text);
  for (const char* bracket : {"(", ")", "（", "）", "·"}) {
    for (size_t at = key.find(bracket); at != std::string::npos; at = key.find(bracket))
      key.erase(at, std::string_view(bracket).size());
  }
  return key;
}

Json CriteriaJson(const std::vector<Criterion>& criteria) {
  Json out = Json::array();
  for (const Criterion& c : criteria)
    out.push_back({{"key", c.key}, {"label", c.label}, {"max", c.max}, {"hint", c.hint}});
  return out;
}

std::vector<Criterion> ParseCriteria(const std::string& text) {
  std::vector<Criterion> out;
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const Json& c : j)
    out.push_back(
        {c.value("key", ""), c.value("label", ""), c.value("max", 0.0), c.value("hint", "")});
  return out;
}

std::vector<std::string> ParseGroups(const std::string& text) {
  std::vector<std::string> out;
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const Json& g : j)
    if (g.is_string()) out.push_back(g.get<std::string>());
  return out;
}

// Whether the expert reviews the candidate's group.
bool InGroups(const ReviewExpert& e, const ReviewCandidate& c) {
  return e.groups.empty() || std::find(e.groups.begin(), e.groups.end(), c.group) != e.groups.end();
}

std::string Detail(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string Points(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), v == std::floor(v) ? "%.0f" : "%.1f", v);
  return buf;
}

}  // namespace

std::string RecusalReason(const ReviewExpert& expert, const ReviewCandidate& candidate) {
  if (!expert.unit_code.empty() && expert.unit_code == candidate.unit_code)
    return "来自推荐单位（" + candidate.unit_name + "）";
  const std::string mine = FoldOrganisation(expert.organisation);
  const std::string theirs = FoldOrganisation(candidate.organisation);
  // Four characters at least, so that a short word (大学) never recuses anyone.
  const size_t shorter = std::min(CountCharacters(mine), CountCharacters(theirs));
  if (shorter >= 4 &&
      (mine.find(theirs) != std::string::npos || theirs.find(mine) != std::string::npos))
    return "与候选人同一工作单位（" + candidate.organisation + "）";
  return {};
}

struct Reviews::Impl {
  Impl(Rounds& r, Workflow& w, ReviewPlans p) : rounds(r), workflow(w), plans(std::move(p)) {}

  Rounds& rounds;
  Workflow& workflow;
  ReviewPlans plans;

  DbHandle& db() { return rounds.store().Db(); }

  static constexpr const char* kStageSelect =
      "SELECT v.id, r.code, r.title, c.code, v.stage, v.kind, v.title, v.criteria, "
      "coalesce(v.advance,0), v.state, v.opened_by, v.opened_at, coalesce(v.closed_by,''), "
      "coalesce(v.closed_at,''), (SELECT count(*) FROM review_candidates k WHERE k.review_id=v.id) "
      "FROM reviews v JOIN rounds r ON r.id=v.round_id JOIN campaigns c ON c.id=r.campaign_id ";

  static ReviewStage ReadStage(SQLite::Statement& st) {
    ReviewStage s;
    s.id = st.getColumn(0).getInt64();
    s.round = st.getColumn(1).getString();
    s.round_title = st.getColumn(2).getString();
    s.campaign = st.getColumn(3).getString();
    s.stage = st.getColumn(4).getInt();
    s.kind = st.getColumn(5).getString();
    s.title = st.getColumn(6).getString();
    s.criteria = ParseCriteria(st.getColumn(7).getString());
    for (const Criterion& c : s.criteria) s.max_total += c.max;
    s.advance = st.getColumn(8).getInt();
    s.state = st.getColumn(9).getString();
    s.opened_by = st.getColumn(10).getString();
    s.opened_at = st.getColumn(11).getString();
    s.closed_by = st.getColumn(12).getString();
    s.closed_at = st.getColumn(13).getString();
    s.candidates = st.getColumn(14).getInt();
    return s;
  }

  std::vector<ReviewExpert> ReadExperts(SQLite::Database& d, int64_t stage_id) {
    SQLite::Statement st(d,
                         "SELECT a.id, a.username, a.display_name, coalesce(x.organisation,''), "
                         "coalesce(u.code,''), e.groups FROM review_experts e "
                         "JOIN accounts a ON a.id=e.account_id "
                         "LEFT JOIN experts x ON x.account_id=a.id "
                         "LEFT JOIN units u ON u.id=x.unit_id WHERE e.review_id=? "
                         "ORDER BY a.username");
    st.bind(1, stage_id);
    std::vector<ReviewExpert> out;
    while (st.executeStep()) {
      out.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getString(),
                     st.getColumn(2).getString(), st.getColumn(3).getString(),
                     st.getColumn(4).getString(), ParseGroups(st.getColumn(5).getString())});
    }
    return out;
  }

  // The stages whose ids `select` (one parameter, bound to `key`) gives, in its order.
  StatusOr<std::vector<ReviewStage>> LoadStages(const char* select, int64_t key) {
    std::vector<int64_t> ids;
    try {
      auto lease = db().Read();
      SQLite::Statement st(*lease, select);
      st.bind(1, key);
      while (st.executeStep()) ids.push_back(st.getColumn(0).getInt64());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取评审轮次");
    }
    std::vector<ReviewStage> out;
    for (int64_t id : ids) {
      TP_ASSIGN_OR_RETURN(auto s, LoadStage(id));
      out.push_back(std::move(s));
    }
    return out;
  }

  StatusOr<ReviewStage> LoadStage(int64_t stage_id) {
    try {
      auto lease = db().Read();
      SQLite::Statement st(*lease, std::string(kStageSelect) + "WHERE v.id=?");
      st.bind(1, stage_id);
      if (!st.executeStep())
        return NotFound("没有编号为 " + std::to_string(stage_id) + " 的评审轮次");
      ReviewStage s = ReadStage(st);
      s.experts = ReadExperts(*lease, stage_id);
      return s;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取评审轮次");
    }
  }

  // The candidates of a stage as their units sent them, with whether each went on.
  StatusOr<std::vector<ReviewCandidate>> Candidates(int64_t stage_id) {
    std::vector<std::pair<int64_t, bool>> ids;
    try {
      auto lease = db().Read();
      SQLite::Statement st(*lease,
                           "SELECT recommendation_id, advanced FROM review_candidates "
                           "WHERE review_id=? ORDER BY recommendation_id");
      st.bind(1, stage_id);
      while (st.executeStep())
        ids.emplace_back(st.getColumn(0).getInt64(), st.getColumn(1).getInt() != 0);
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取候选人");
    }
    std::vector<ReviewCandidate> out;
    for (const auto& [id, advanced] : ids) {
      TP_ASSIGN_OR_RETURN(auto item, workflow.GetRecommendation(id));
      out.push_back(CandidateOf(item, advanced));
    }
    return out;
  }

  static ReviewCandidate CandidateOf(const RecommendationView& item, bool advanced) {
    ReviewCandidate c;
    static_cast<CandidateSummary&>(c) = CandidateSummary::Of(item);
    c.advanced = advanced;
    return c;
  }

  // Scores of a stage: (account, recommendation) -> score.
  // Scores of a stage, or only one expert's of one candidate (both ids given).
  StatusOr<std::map<std::pair<int64_t, int64_t>, ExpertScore>> Scores(
      int64_t stage_id, int64_t account_id = 0, int64_t recommendation_id = 0) {
    std::map<std::pair<int64_t, int64_t>, ExpertScore> out;
    try {
      auto lease = db().Read();
      const bool one = account_id > 0 && recommendation_id > 0;
      SQLite::Statement st(*lease,
                           std::string("SELECT s.account_id, s.recommendation_id, a.username, "
                                       "a.display_name, s.scores, s.total, coalesce(s.comment,''), "
                                       "s.scored_at FROM review_scores s JOIN accounts a ON "
                                       "a.id=s.account_id WHERE s.review_id=?") +
                               (one ? " AND s.account_id=? AND s.recommendation_id=?" : ""));
      st.bind(1, stage_id);
      if (one) {
        st.bind(2, account_id);
        st.bind(3, recommendation_id);
      }
      while (st.executeStep()) {
        ExpertScore s;
        s.username = st.getColumn(2).getString();
        s.display_name = st.getColumn(3).getString();
        Json points = Json::parse(st.getColumn(4).getString(), nullptr, false);
        if (points.is_object())
          for (auto it = points.begin(); it != points.end(); ++it)
            if (it.value().is_number()) s.points[it.key()] = it.value().get<double>();
        s.total = st.getColumn(5).getDouble();
        s.comment = st.getColumn(6).getString();
        s.scored_at = st.getColumn(7).getString();
        out[{st.getColumn(0).getInt64(), st.getColumn(1).getInt64()}] = std::move(s);
      }
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取评分");
    }
    return out;
  }

  StatusOr<Ranking> Rank(int64_t stage_id) {
    Ranking ranking;
    TP_ASSIGN_OR_RETURN(ranking.stage, LoadStage(stage_id));
    TP_ASSIGN_OR_RETURN(auto candidates, Candidates(stage_id));
    TP_ASSIGN_OR_RETURN(auto scores, Scores(stage_id));
    for (ReviewCandidate& c : candidates) {
      RankedCandidate r;
      double low = 0, high = 0, sum = 0;
      for (const ReviewExpert& e : ranking.stage.experts) {
        if (!InGroups(e, c)) continue;
        const std::string why = RecusalReason(e, c);
        if (!why.empty()) {
          r.recused.push_back({e.username, e.display_name, why});
          continue;
        }
        ++r.expected;
        auto it = scores.find({e.account_id, c.recommendation_id});
        if (it == scores.end()) {
          r.missing.push_back(e.display_name);
          continue;
        }
        const double t = it->second.total;
        low = r.given == 0 ? t : std::min(low, t);
        high = r.given == 0 ? t : std::max(high, t);
        sum += t;
        ++r.given;
        r.scores.push_back(it->second);
      }
      if (r.given > 0) {
        r.mean = std::round(sum / r.given * 100) / 100;
        r.spread = high - low;
      }
      r.candidate = std::move(c);
      ranking.candidates.push_back(std::move(r));
    }
    std::stable_sort(ranking.candidates.begin(), ranking.candidates.end(),
                     [](const RankedCandidate& a, const RankedCandidate& b) {
                       if ((a.given > 0) != (b.given > 0)) return a.given > 0;
                       return a.mean > b.mean;
                     });
    for (size_t i = 0; i < ranking.candidates.size(); ++i) {
      RankedCandidate& r = ranking.candidates[i];
      if (r.given == 0) break;
      r.rank = i > 0 && ranking.candidates[i - 1].mean == r.mean ? ranking.candidates[i - 1].rank
                                                                 : static_cast<int>(i) + 1;
    }
    return ranking;
  }

  // The stage, with the expert's assignment checked: NotFound for a stage they are not on.
  StatusOr<std::pair<ReviewStage, ReviewExpert>> ExpertStage(int64_t stage_id, int64_t account_id) {
    auto stage = LoadStage(stage_id);
    if (stage.ok()) {
      for (const ReviewExpert& e : stage->experts)
        if (e.account_id == account_id) return std::make_pair(*stage, e);
    } else if (stage.status().code() != StatusCode::kNotFound) {
      return stage.status();
    }
    return NotFound("没有分配给您的编号为 " + std::to_string(stage_id) + " 的评审轮次");
  }

  // One candidate of the stage as the expert may see them, with their recommendation:
  // NotFound when not the stage's or not of the expert's groups, PermissionDenied when recused.
  StatusOr<std::pair<ReviewCandidate, RecommendationView>> ExpertCandidate(
      const ReviewStage& stage, const ReviewExpert& expert, int64_t recommendation_id) {
    std::optional<bool> advanced;
    try {
      auto lease = db().Read();
      SQLite::Statement st(*lease,
                           "SELECT advanced FROM review_candidates WHERE review_id=? AND "
                           "recommendation_id=?");
      st.bind(1, stage.id);
      st.bind(2, recommendation_id);
      if (st.executeStep()) advanced = st.getColumn(0).getInt() != 0;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取候选人");
    }
    const Status absent =
        NotFound("本轮评审中您的候选人里没有推荐记录 " + std::to_string(recommendation_id));
    if (!advanced) return absent;
    TP_ASSIGN_OR_RETURN(auto item, workflow.GetRecommendation(recommendation_id));
    ReviewCandidate c = CandidateOf(item, *advanced);
    if (!InGroups(expert, c)) return absent;
    const std::string why = RecusalReason(expert, c);
    if (!why.empty()) return PermissionDenied("您须回避该候选人：" + why);
    return std::make_pair(std::move(c), std::move(item));
  }

  StatusOr<std::optional<ExpertScore>> Mine(int64_t stage_id, int64_t account_id,
                                            int64_t recommendation) {
    TP_ASSIGN_OR_RETURN(auto scores, Scores(stage_id, account_id, recommendation));
    auto it = scores.find({account_id, recommendation});
    if (it == scores.end()) return std::optional<ExpertScore>();
    return std::optional<ExpertScore>(it->second);
  }
};

Reviews::Reviews(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Reviews::~Reviews() = default;

StatusOr<std::unique_ptr<Reviews>> Reviews::Open(Rounds& rounds, Workflow& workflow,
                                                 const std::string& data_dir) {
  TP_ASSIGN_OR_RETURN(auto plans, ReviewPlans::Load(data_dir));
  TP_ASSIGN_OR_RETURN(auto campaigns, rounds.ListCampaigns());
  std::vector<FieldError> errors;
  for (size_t i = 0; i < plans.All().size(); ++i) {
    const ReviewPlan& plan = plans.All()[i];
    auto it = std::find_if(campaigns.begin(), campaigns.end(),
                           [&](const Campaign& c) { return c.code == plan.campaign; });
    const std::string where = "reviews.json:$.campaigns[" + std::to_string(i) + "].campaign";
    if (it == campaigns.end()) {
      errors.push_back({where, "没有代码为「" + plan.campaign + "」的活动", 0});
    } else if (it->kind != "honour") {
      errors.push_back({where, "「" + plan.campaign + "」不是荣誉推选活动", 0});
    }
  }
  if (!errors.empty())
    return InvalidArgument(errors.front().field + "：" + errors.front().message, errors);
  return std::make_unique<Reviews>(std::make_unique<Impl>(rounds, workflow, std::move(plans)));
}

CandidateSummary CandidateSummary::Of(const RecommendationView& item) {
  const Person& p = item.submitted.person;
  CandidateSummary c;
  c.recommendation_id = item.id;
  c.person_id = item.record.person.public_id;
  c.name = p.name;
  c.gender = p.gender;
  c.organisation = p.unit_name;
  c.title = p.title;
  c.unit_code = item.unit_code;
  c.unit_name = item.submitted.unit ? item.submitted.unit->name : std::string();
  c.group = item.group;
  c.state = item.state;
  return c;
}

const ReviewPlans& Reviews::plans() const { return impl_->plans; }

StatusOr<std::vector<ReviewStage>> Reviews::ListStages(std::string_view round) {
  TP_ASSIGN_OR_RETURN(auto r, impl_->rounds.GetRound(round));
  return impl_->LoadStages("SELECT id FROM reviews WHERE round_id=? ORDER BY stage", r.rowid);
}

StatusOr<ReviewStage> Reviews::GetStage(int64_t stage_id) { return impl_->LoadStage(stage_id); }

StatusOr<ReviewStage> Reviews::OpenStage(std::string_view round_code, const NewStage& spec,
                                         const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以组织评审");
  TP_ASSIGN_OR_RETURN(auto round, impl_->rounds.GetRound(round_code));
  if (round.campaign.kind != "honour")
    return PreconditionFailed("「" + round.title + "」不是荣誉推选，没有专家评审");
  const ReviewPlan* plan = impl_->plans.Find(round.campaign.code);
  if (plan == nullptr)
    return PreconditionFailed("活动「" + round.campaign.name + "」在 reviews.json 中没有评审方案");
  if (spec.kind != "shortlist" && spec.kind != "final")
    return InvalidArgument("字段「kind」：应为 shortlist（初评）或 final（终评）",
                           {{"kind", "应为 shortlist 或 final", 0}});
  const std::string title = NormalizeText(spec.title);
  if (CountCharacters(title) > 60)
    return InvalidArgument("字段「title」：最长 60 个字", {{"title", "最长 60 个字", 0}});
  if (spec.kind == "final" && spec.advance != 0)
    return InvalidArgument("字段「advance」：终评不设晋级人数",
                           {{"advance", "终评不设晋级人数", 0}});
  TP_ASSIGN_OR_RETURN(auto batch, impl_->db().Write());
  int64_t id = 0;
  try {
    SQLite::Database& w = batch->Connection();
    int previous_stage = 0;
    int64_t previous_id = 0;
    {
      SQLite::Statement st(w,
                           "SELECT id, stage, kind, state FROM reviews WHERE round_id=? "
                           "ORDER BY stage DESC LIMIT 1");
      st.bind(1, round.rowid);
      if (st.executeStep()) {
        previous_id = st.getColumn(0).getInt64();
        previous_stage = st.getColumn(1).getInt();
        if (st.getColumn(3).getString() == "open")
          return PreconditionFailed("第" + std::to_string(previous_stage) + "轮评审尚未结束");
        if (st.getColumn(2).getString() == "final")
          return PreconditionFailed("本次推选的终评已经结束，不能再开新的评审轮次");
      }
    }
    std::vector<int64_t> candidates;
    {
      SQLite::Statement st(
          w, previous_id == 0
                 ? "SELECT m.id FROM recommendations m JOIN submissions s ON s.id=m.submission_id "
                   "WHERE s.round_id=? AND m.state IN ('submitted','under_review') ORDER BY m.id"
                 : "SELECT recommendation_id FROM review_candidates WHERE review_id=? AND "
                   "advanced=1 ORDER BY recommendation_id");
      st.bind(1, previous_id == 0 ? round.rowid : previous_id);
      while (st.executeStep()) candidates.push_back(st.getColumn(0).getInt64());
    }
    if (candidates.empty())
      return PreconditionFailed("「" + round.title + "」还没有已报送的候选人，无法开始评审");
    if (spec.kind == "shortlist" &&
        (spec.advance < 1 || spec.advance >= static_cast<int>(candidates.size())))
      return InvalidArgument("字段「advance」：初评晋级人数应在 1 到 " +
                                 std::to_string(candidates.size() - 1) + " 之间（本轮 " +
                                 std::to_string(candidates.size()) + " 名候选人）",
                             {{"advance", "应小于候选人数", 0}});
    const int stage = previous_stage + 1;
    SQLite::Statement ins(w,
                          "INSERT INTO reviews(round_id, stage, kind, title, criteria, advance, "
                          "opened_by, opened_at) VALUES(?,?,?,?,?,?,?,?)");
    ins.bind(1, round.rowid);
    ins.bind(2, stage);
    ins.bind(3, spec.kind);
    ins.bind(4, title.empty()
                    ? "第" + std::to_string(stage) + "轮" + (spec.kind == "final" ? "终评" : "初评")
                    : title);
    ins.bind(5, Detail(CriteriaJson(plan->criteria)));
    if (spec.kind == "shortlist") {
      ins.bind(6, spec.advance);
    } else {
      ins.bind(6);
    }
    ins.bind(7, actor.id.empty() ? std::string("cli") : actor.id);
    ins.bind(8, BeijingIso(impl_->rounds.Now()));
    ins.exec();
    id = w.getLastInsertRowid();
    SQLite::Statement add(
        w, "INSERT INTO review_candidates(review_id, recommendation_id) VALUES(?,?)");
    for (int64_t c : candidates) {
      add.reset();
      add.bind(1, id);
      add.bind(2, c);
      add.exec();
    }
    TP_RETURN_IF_ERROR(batch->Audit(actor.Entry("open", "review", std::to_string(id),
                                                Detail({{"round", round.code},
                                                        {"stage", stage},
                                                        {"kind", spec.kind},
                                                        {"candidates", candidates.size()}}))));
    TP_RETURN_IF_ERROR(batch->Commit());
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "开始评审");
  }
  return impl_->LoadStage(id);
}

StatusOr<ReviewStage> Reviews::AssignExperts(int64_t stage_id,
                                             const std::vector<ExpertAssignment>& experts,
                                             const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以分配评审专家");
  TP_ASSIGN_OR_RETURN(auto stage, impl_->LoadStage(stage_id));
  if (stage.state != "open") return PreconditionFailed("「" + stage.title + "」已结束");
  TP_ASSIGN_OR_RETURN(auto round, impl_->rounds.GetRound(stage.round));
  TP_ASSIGN_OR_RETURN(auto rules, impl_->rounds.GetRuleSet(round.rule_set));
  const std::vector<std::string>& groups = rules.groups();
  TP_ASSIGN_OR_RETURN(auto batch, impl_->db().Write());
  try {
    SQLite::Database& w = batch->Connection();
    std::vector<std::pair<int64_t, std::string>> rows;
    std::set<int64_t> seen;
    Json names = Json::array();
    for (size_t i = 0; i < experts.size(); ++i) {
      const std::string field = "experts[" + std::to_string(i) + "]";
      SQLite::Statement st(w, "SELECT id, role, state FROM accounts WHERE username=?");
      st.bind(1, experts[i].username);
      if (!st.executeStep())
        return InvalidArgument(
            "字段「" + field + "」：没有用户名为「" + experts[i].username + "」的账户",
            {{field, "账户不存在", 0}});
      if (st.getColumn(1).getString() != "expert")
        return InvalidArgument(
            "字段「" + field + "」：「" + experts[i].username + "」不是评审专家账户",
            {{field, "不是评审专家账户", 0}});
      if (st.getColumn(2).getString() != "active")
        return InvalidArgument("字段「" + field + "」：账户「" + experts[i].username + "」已停用",
                               {{field, "账户已停用", 0}});
      const int64_t account = st.getColumn(0).getInt64();
      if (!seen.insert(account).second)
        return InvalidArgument("字段「" + field + "」：专家「" + experts[i].username + "」重复",
                               {{field, "重复", 0}});
      for (const std::string& g : experts[i].groups) {
        if (std::find(groups.begin(), groups.end(), g) == groups.end())
          return InvalidArgument(
              "字段「" + field + ".groups」：推荐组别「" + g + "」不在本次推选的组别中",
              {{field + ".groups", "未知的推荐组别", 0}});
      }
      Json list = experts[i].groups;
      rows.emplace_back(account, Detail(list));
      names.push_back({{"username", experts[i].username}, {"groups", list}});
    }
    SQLite::Statement clear(w, "DELETE FROM review_experts WHERE review_id=?");
    clear.bind(1, stage_id);
    clear.exec();
    SQLite::Statement add(
        w, "INSERT INTO review_experts(review_id, account_id, groups) VALUES(?,?,?)");
    for (const auto& [account, list] : rows) {
      add.reset();
      add.bind(1, stage_id);
      add.bind(2, account);
      add.bind(3, list);
      add.exec();
    }
    TP_RETURN_IF_ERROR(batch->Audit(
        actor.Entry("assign", "review", std::to_string(stage_id), Detail({{"experts", names}}))));
    TP_RETURN_IF_ERROR(batch->Commit());
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "分配评审专家");
  }
  return impl_->LoadStage(stage_id);
}

StatusOr<Ranking> Reviews::Rank(int64_t stage_id) { return impl_->Rank(stage_id); }

StatusOr<ReviewStage> Reviews::CloseStage(int64_t stage_id, const std::vector<int64_t>& advance,
                                          bool force, const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以结束评审");
  TP_ASSIGN_OR_RETURN(auto ranking, impl_->Rank(stage_id));
  const ReviewStage& stage = ranking.stage;
  if (stage.state != "open") return PreconditionFailed("「" + stage.title + "」已结束");
  if (stage.experts.empty()) return PreconditionFailed("「" + stage.title + "」还没有分配评审专家");
  std::vector<std::string> missing;
  for (const RankedCandidate& r : ranking.candidates) {
    if (r.missing.empty()) continue;
    std::string who;
    for (const std::string& m : r.missing) who += (who.empty() ? "" : "、") + m;
    missing.push_back(r.candidate.name + "（缺" + who + "）");
  }
  if (!missing.empty() && !force) {
    std::string list;
    for (const std::string& m : missing) list += (list.empty() ? "" : "；") + m;
    return PreconditionFailed("尚有评分未提交：" + list + "。如确需结束，请选择强制结束");
  }
  std::vector<int64_t> chosen;
  if (stage.kind == "shortlist") {
    if (!advance.empty()) {
      for (int64_t id : advance) {
        bool known = std::any_of(
            ranking.candidates.begin(), ranking.candidates.end(),
            [&](const RankedCandidate& r) { return r.candidate.recommendation_id == id; });
        if (!known)
          return InvalidArgument(
              "字段「advance」：推荐记录 " + std::to_string(id) + " 不是本轮候选人",
              {{"advance", "不是本轮候选人", 0}});
        if (std::find(chosen.begin(), chosen.end(), id) == chosen.end()) chosen.push_back(id);
      }
    } else {
      const size_t n = static_cast<size_t>(stage.advance);
      std::vector<const RankedCandidate*> scored;
      for (const RankedCandidate& r : ranking.candidates)
        if (r.given > 0) scored.push_back(&r);
      if (scored.size() < n)
        return PreconditionFailed("有评分的候选人只有 " + std::to_string(scored.size()) +
                                  " 名，少于晋级人数 " + std::to_string(n) + "，请指明晋级名单");
      if (scored.size() > n && scored[n]->rank == scored[n - 1]->rank) {
        std::string tied;
        for (const RankedCandidate* r : scored)
          if (r->rank == scored[n - 1]->rank)
            tied += (tied.empty() ? "" : "、") + r->candidate.name;
        return PreconditionFailed("第 " + std::to_string(n) + " 名并列（" + tied + "，平均 " +
                                  Points(scored[n - 1]->mean) + " 分），请指明晋级名单");
      }
      for (size_t i = 0; i < n; ++i) chosen.push_back(scored[i]->candidate.recommendation_id);
    }
  }
  TP_ASSIGN_OR_RETURN(auto batch, impl_->db().Write());
  try {
    SQLite::Database& w = batch->Connection();
    SQLite::Statement up(w,
                         "UPDATE reviews SET state='closed', closed_by=?, closed_at=? "
                         "WHERE id=? AND state='open'");
    up.bind(1, actor.id.empty() ? std::string("cli") : actor.id);
    up.bind(2, BeijingIso(impl_->rounds.Now()));
    up.bind(3, stage_id);
    if (up.exec() == 0) return PreconditionFailed("「" + stage.title + "」已结束");
    SQLite::Statement mark(w,
                           "UPDATE review_candidates SET advanced=1 WHERE review_id=? AND "
                           "recommendation_id=?");
    for (int64_t id : chosen) {
      mark.reset();
      mark.bind(1, stage_id);
      mark.bind(2, id);
      mark.exec();
    }
    TP_RETURN_IF_ERROR(batch->Audit(actor.Entry("close", "review", std::to_string(stage_id),
                                                Detail({{"advanced", chosen},
                                                        {"forced", force && !missing.empty()},
                                                        {"missing_scores", missing.size()}}))));
    TP_RETURN_IF_ERROR(batch->Commit());
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "结束评审");
  }
  return impl_->LoadStage(stage_id);
}

StatusOr<std::optional<std::vector<int64_t>>> Reviews::FinalCandidates(std::string_view round) {
  TP_ASSIGN_OR_RETURN(auto stages, ListStages(round));
  if (stages.empty()) return std::optional<std::vector<int64_t>>();
  const ReviewStage& last = stages.back();
  if (last.state == "open") return PreconditionFailed("「" + last.title + "」尚未结束");
  if (last.kind != "final")
    return PreconditionFailed("最后一轮评审「" + last.title + "」是初评，请先组织终评");
  TP_ASSIGN_OR_RETURN(auto candidates, impl_->Candidates(last.id));
  std::vector<int64_t> ids;
  for (const ReviewCandidate& c : candidates) ids.push_back(c.recommendation_id);
  return std::optional<std::vector<int64_t>>(std::move(ids));
}

StatusOr<std::vector<ReviewStage>> Reviews::StagesOf(int64_t account_id) {
  TP_ASSIGN_OR_RETURN(auto out, impl_->LoadStages("SELECT review_id FROM review_experts WHERE "
                                                  "account_id=? ORDER BY review_id DESC",
                                                  account_id));
  // An expert sees who else reviews only as a count; their names stay with staff.
  for (ReviewStage& s : out)
    for (ReviewExpert& e : s.experts) e = ReviewExpert{};
  return out;
}

StatusOr<std::vector<QueueItem>> Reviews::Queue(int64_t stage_id, int64_t account_id) {
  TP_ASSIGN_OR_RETURN(auto assigned, impl_->ExpertStage(stage_id, account_id));
  const ReviewExpert& expert = assigned.second;
  TP_ASSIGN_OR_RETURN(auto candidates, impl_->Candidates(stage_id));
  TP_ASSIGN_OR_RETURN(auto scores, impl_->Scores(stage_id));
  std::vector<QueueItem> out;
  for (ReviewCandidate& c : candidates) {
    if (!InGroups(expert, c) || !RecusalReason(expert, c).empty()) continue;
    QueueItem item;
    auto it = scores.find({account_id, c.recommendation_id});
    if (it != scores.end()) item.mine = it->second;
    item.candidate = std::move(c);
    out.push_back(std::move(item));
  }
  return out;
}

StatusOr<CandidateForExpert> Reviews::CandidateFor(int64_t stage_id, int64_t account_id,
                                                   int64_t recommendation_id) {
  TP_ASSIGN_OR_RETURN(auto assigned, impl_->ExpertStage(stage_id, account_id));
  CandidateForExpert out;
  out.stage = std::move(assigned.first);
  for (ReviewExpert& e : out.stage.experts) e = ReviewExpert{};
  TP_ASSIGN_OR_RETURN(auto seen,
                      impl_->ExpertCandidate(out.stage, assigned.second, recommendation_id));
  out.candidate = std::move(seen.first);
  out.recommendation = std::move(seen.second);
  // The 推荐表 as the unit sent it, without what only staff need: the ID number, the phone and
  // the contact details; nor the stored record and its differences.
  RecommendationView& r = out.recommendation;
  r.record = PersonRecord{};
  r.differences.clear();
  for (PersonRecord* rec : {&r.submitted}) {
    rec->person.id_number.clear();
    rec->person.phone.clear();
    rec->person.email.clear();
    rec->person.address.clear();
    rec->person.postcode.clear();
    rec->id_number_mask.clear();
    rec->phone_mask.clear();
  }
  TP_ASSIGN_OR_RETURN(out.mine, impl_->Mine(stage_id, account_id, recommendation_id));
  return out;
}

StatusOr<ExpertScore> Reviews::Score(int64_t stage_id, int64_t account_id,
                                     int64_t recommendation_id,
                                     const std::map<std::string, double>& points,
                                     std::string_view comment, const Actor& actor) {
  TP_ASSIGN_OR_RETURN(auto assigned, impl_->ExpertStage(stage_id, account_id));
  const ReviewStage& stage = assigned.first;
  if (stage.state != "open")
    return PreconditionFailed("「" + stage.title + "」已结束，评分不能再改");
  TP_RETURN_IF_ERROR(impl_->ExpertCandidate(stage, assigned.second, recommendation_id).status());
  std::vector<FieldError> errors;
  double total = 0;
  Json stored = Json::object();
  for (const Criterion& c : stage.criteria) {
    auto it = points.find(c.key);
    const std::string field = "scores." + c.key;
    if (it == points.end()) {
      errors.push_back({field, "请为「" + c.label + "」打分", 0});
      continue;
    }
    const double v = it->second;
    if (!(v >= 0 && v <= c.max) || std::fmod(v * 2, 1.0) != 0) {
      errors.push_back(
          {field, "「" + c.label + "」应为 0 到 " + Points(c.max) + " 分（步长 0.5）", 0});
      continue;
    }
    total += v;
    stored[c.key] = v;
  }
  for (const auto& entry : points) {
    const std::string& key = entry.first;
    bool known = std::any_of(stage.criteria.begin(), stage.criteria.end(),
                             [&](const Criterion& c) { return c.key == key; });
    if (!known) errors.push_back({"scores." + key, "不是本轮的评分项", 0});
  }
  const std::string text = NormalizeText(comment);
  if (CountCharacters(text) > kMaxCommentCharacters)
    errors.push_back({"comment", "评语最长 " + std::to_string(kMaxCommentCharacters) + " 个字", 0});
  if (!errors.empty())
    return InvalidArgument("字段「" + errors.front().field + "」：" + errors.front().message,
                           errors);
  TP_ASSIGN_OR_RETURN(auto batch, impl_->db().Write());
  try {
    SQLite::Statement st(batch->Connection(),
                         "INSERT INTO review_scores(review_id, account_id, recommendation_id, "
                         "scores, total, comment, scored_at) VALUES(?,?,?,?,?,?,?) "
                         "ON CONFLICT(review_id, account_id, recommendation_id) DO UPDATE SET "
                         "scores=excluded.scores, total=excluded.total, comment=excluded.comment, "
                         "scored_at=excluded.scored_at");
    st.bind(1, stage_id);
    st.bind(2, account_id);
    st.bind(3, recommendation_id);
    st.bind(4, Detail(stored));
    st.bind(5, total);
    BindText(st, 6, text);
    st.bind(7, BeijingIso(impl_->rounds.Now()));
    st.exec();
    TP_RETURN_IF_ERROR(
        batch->Audit(actor.Entry("score", "recommendation", std::to_string(recommendation_id),
                                 Detail({{"review", stage_id}, {"total", total}}))));
    TP_RETURN_IF_ERROR(batch->Commit());
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "保存评分");
  }
  TP_ASSIGN_OR_RETURN(auto mine, impl_->Mine(stage_id, account_id, recommendation_id));
  if (!mine) return Internal("评分已保存，但读回失败");
  return *mine;
}

}  // namespace tp::registry
