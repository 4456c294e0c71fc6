#include "registry/campaigns/notices.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "registry/fields/text.h"
#include "registry/store/crypto.h"
#include "registry/store/db_handle.h"

namespace tp::registry {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxSourceCharacters = 200;
constexpr size_t kMaxContentCharacters = 2000;
constexpr size_t kMaxResolutionCharacters = 1000;
constexpr int kMaxNoticeDays = 30;

std::string Detail(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Status Bad(const std::string& field, const std::string& message) {
  return InvalidArgument("字段「" + field + "」：" + message, {{field, message, 0}});
}

// A whole date written YYYY-MM-DD.
StatusOr<PartialDate> Day(const std::string& field, const std::string& text) {
  auto d = ParseDate(text, PartialDate{9999, 12, 31});
  if (text.size() != 10 || !d.ok() || d->day == 0) return Bad(field, "应为 YYYY-MM-DD");
  return *d;
}

std::string Who(const Actor& actor) { return actor.id.empty() ? std::string("cli") : actor.id; }

}  // namespace

struct Notices::Impl {
  Impl(Rounds& r, Workflow& w, Reviews& v, WorkdayCalendar c)
      : rounds(r), workflow(w), reviews(v), calendar(std::move(c)) {}

  Rounds& rounds;
  Workflow& workflow;
  Reviews& reviews;
  WorkdayCalendar calendar;

  DbHandle& db() { return rounds.store().Db(); }

  StatusOr<Notice> Load(std::string_view round_code) {
    TP_ASSIGN_OR_RETURN(auto round, rounds.GetRound(round_code));
    Notice n;
    std::vector<std::pair<int64_t, std::string>> names;
    try {
      auto lease = db().Read();
      SQLite::Statement st(*lease,
                           "SELECT id, first_day, last_day, days, state, started_by, started_at, "
                           "coalesce(published_by,''), coalesce(published_at,'') FROM notices "
                           "WHERE round_id=?");
      st.bind(1, round.rowid);
      if (!st.executeStep()) return NotFound("「" + round.title + "」还没有公示");
      n.id = st.getColumn(0).getInt64();
      n.round = round.code;
      n.round_title = round.title;
      n.first_day = st.getColumn(1).getString();
      n.last_day = st.getColumn(2).getString();
      n.days = st.getColumn(3).getInt();
      n.state = st.getColumn(4).getString();
      n.started_by = st.getColumn(5).getString();
      n.started_at = st.getColumn(6).getString();
      n.published_by = st.getColumn(7).getString();
      n.published_at = st.getColumn(8).getString();
      SQLite::Statement ns(*lease,
                           "SELECT recommendation_id, coalesce(withdrawn,'') FROM notice_names "
                           "WHERE notice_id=? ORDER BY position");
      ns.bind(1, n.id);
      while (ns.executeStep())
        names.emplace_back(ns.getColumn(0).getInt64(), ns.getColumn(1).getString());
      SQLite::Statement os(*lease,
                           "SELECT id, recommendation_id, received_on, source_enc, content_enc, "
                           "state, coalesce(resolution,''), recorded_by, recorded_at, "
                           "coalesce(resolved_by,''), coalesce(resolved_at,'') FROM objections "
                           "WHERE notice_id=? ORDER BY id");
      os.bind(1, n.id);
      while (os.executeStep()) {
        Objection o;
        o.id = os.getColumn(0).getInt64();
        o.recommendation_id = os.getColumn(1).getInt64();
        o.received_on = os.getColumn(2).getString();
        TP_ASSIGN_OR_RETURN(o.source, Unseal(os, 3, "source", o.id));
        TP_ASSIGN_OR_RETURN(o.content, Unseal(os, 4, "content", o.id));
        o.state = os.getColumn(5).getString();
        o.resolution = os.getColumn(6).getString();
        o.recorded_by = os.getColumn(7).getString();
        o.recorded_at = os.getColumn(8).getString();
        o.resolved_by = os.getColumn(9).getString();
        o.resolved_at = os.getColumn(10).getString();
        if (o.state == "open") ++n.open_objections;
        n.objections.push_back(std::move(o));
      }
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取公示");
    }
    for (const auto& [id, withdrawn] : names) {
      TP_ASSIGN_OR_RETURN(auto item, workflow.GetRecommendation(id));
      NoticeName name;
      static_cast<CandidateSummary&>(name) = CandidateSummary::Of(item);
      name.withdrawn = withdrawn;
      for (Objection& o : n.objections)
        if (o.recommendation_id == id) o.name = name.name;
      n.names.push_back(std::move(name));
    }
    auto first = Day("first_day", n.first_day);
    if (first.ok()) {
      auto days = calendar.Workdays(*first, n.days);
      if (days.ok())
        for (const PartialDate& d : *days) n.workdays.push_back(d.ToString());
    }
    n.may_publish = n.state == "running" && n.open_objections == 0 &&
                    BeijingDate(rounds.Now()).ToString() > n.last_day;
    return n;
  }

  StatusOr<std::string> Unseal(SQLite::Statement& st, int column, const char* what, int64_t id) {
    SQLite::Column c = st.getColumn(column);
    std::string sealed(static_cast<const char*>(c.getBlob()), static_cast<size_t>(c.getBytes()));
    return db().Keys().Open(sealed, SealContext("objections", what, id));
  }
};

Notices::Notices(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Notices::~Notices() = default;

StatusOr<std::unique_ptr<Notices>> Notices::Open(Rounds& rounds, Workflow& workflow,
                                                 Reviews& reviews, const std::string& data_dir) {
  TP_ASSIGN_OR_RETURN(auto calendar, WorkdayCalendar::Load(data_dir));
  return std::make_unique<Notices>(
      std::make_unique<Impl>(rounds, workflow, reviews, std::move(calendar)));
}

StatusOr<Notice> Notices::Get(std::string_view round) { return impl_->Load(round); }

StatusOr<Notice> Notices::Start(std::string_view round_code, const NewNotice& spec,
                                const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以发起公示");
  TP_ASSIGN_OR_RETURN(auto round, impl_->rounds.GetRound(round_code));
  if (round.campaign.kind != "honour")
    return PreconditionFailed("「" + round.title + "」不是荣誉推选，没有公示");
  const ReviewPlan* plan = impl_->reviews.plans().Find(round.campaign.code);
  const int days = spec.days > 0 ? spec.days : (plan != nullptr ? plan->notice_days : 0);
  if (days < 1 || days > kMaxNoticeDays)
    return Bad("days", "公示天数应为 1 到 " + std::to_string(kMaxNoticeDays) + " 个工作日");
  TP_ASSIGN_OR_RETURN(auto first, Day("first_day", spec.first_day));
  auto counted = impl_->calendar.Workdays(first, days);
  if (!counted.ok()) return Bad("first_day", counted.status().message());
  if (spec.recommendations.empty()) return Bad("recommendations", "请选择公示的人选");
  if (plan != nullptr && plan->honourees > 0 &&
      static_cast<int>(spec.recommendations.size()) > plan->honourees)
    return Bad("recommendations", "本次推选最多确定 " + std::to_string(plan->honourees) +
                                      " 名，现选了 " + std::to_string(spec.recommendations.size()) +
                                      " 名");
  TP_ASSIGN_OR_RETURN(auto finalists, impl_->reviews.FinalCandidates(round.code));
  for (size_t i = 0; i < spec.recommendations.size(); ++i) {
    const int64_t id = spec.recommendations[i];
    const std::string field = "recommendations[" + std::to_string(i) + "]";
    if (std::count(spec.recommendations.begin(), spec.recommendations.end(), id) > 1)
      return Bad(field, "推荐记录 " + std::to_string(id) + " 重复");
    auto item = impl_->workflow.GetRecommendation(id);
    if (!item.ok() || item->round != round.code)
      return Bad(field, "推荐记录 " + std::to_string(id) + " 不属于「" + round.title + "」");
    if (item->state != "submitted" && item->state != "under_review")
      return Bad(field, item->submitted.person.name + "的推荐状态为「" +
                            RecommendationStateLabel(item->state) + "」，不能公示");
    if (finalists && std::find(finalists->begin(), finalists->end(), id) == finalists->end())
      return Bad(field, item->submitted.person.name + "不在终评名单中");
  }
  {
    TP_ASSIGN_OR_RETURN(auto batch, impl_->db().Write());
    try {
      SQLite::Database& w = batch->Connection();
      SQLite::Statement ins(w,
                            "INSERT INTO notices(round_id, first_day, last_day, days, started_by, "
                            "started_at) VALUES(?,?,?,?,?,?) ON CONFLICT(round_id) DO NOTHING");
      ins.bind(1, round.rowid);
      ins.bind(2, first.ToString());
      ins.bind(3, counted->back().ToString());
      ins.bind(4, days);
      ins.bind(5, Who(actor));
      ins.bind(6, BeijingIso(impl_->rounds.Now()));
      if (ins.exec() == 0) return AlreadyExists("「" + round.title + "」已经发起过公示");
      const int64_t id = w.getLastInsertRowid();
      SQLite::Statement add(w,
                            "INSERT INTO notice_names(notice_id, recommendation_id, position) "
                            "VALUES(?,?,?)");
      for (size_t i = 0; i < spec.recommendations.size(); ++i) {
        add.reset();
        add.bind(1, id);
        add.bind(2, spec.recommendations[i]);
        add.bind(3, static_cast<int64_t>(i));
        add.exec();
      }
      TP_RETURN_IF_ERROR(
          batch->Audit(actor.Entry("start", "notice", std::to_string(id),
                                   Detail({{"round", round.code},
                                           {"first_day", first.ToString()},
                                           {"last_day", counted->back().ToString()},
                                           {"days", days},
                                           {"recommendations", spec.recommendations}}))));
      TP_RETURN_IF_ERROR(batch->Commit());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "发起公示");
    }
  }
  return impl_->Load(round.code);
}

StatusOr<Objection> Notices::AddObjection(std::string_view round, const NewObjection& spec,
                                          const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以登记异议");
  TP_ASSIGN_OR_RETURN(auto notice, impl_->Load(round));
  if (notice.state != "running") return PreconditionFailed("公示已结束，结果已公布");
  auto name = std::find_if(notice.names.begin(), notice.names.end(), [&](const NoticeName& n) {
    return n.recommendation_id == spec.recommendation_id;
  });
  if (name == notice.names.end())
    return Bad("recommendation",
               "推荐记录 " + std::to_string(spec.recommendation_id) + " 不在本次公示名单中");
  if (!name->withdrawn.empty()) return Bad("recommendation", name->name + "已从公示名单中撤下");
  TP_ASSIGN_OR_RETURN(auto received, Day("received_on", spec.received_on));
  if (received.ToString() < notice.first_day || received.ToString() > notice.last_day)
    return Bad("received_on", "公示期为 " + notice.first_day + " 至 " + notice.last_day +
                                  "，异议须在公示期内收到");
  const std::string source = NormalizeText(spec.source);
  const std::string content = NormalizeText(spec.content);
  if (source.empty() || CountCharacters(source) > kMaxSourceCharacters)
    return Bad("source", "请写明异议人及联系方式（匿名请写“匿名”），最长 200 个字");
  if (content.empty() || CountCharacters(content) > kMaxContentCharacters)
    return Bad("content", "请写明异议内容，最长 2000 个字");
  int64_t id = 0;
  {
    TP_ASSIGN_OR_RETURN(auto batch, impl_->db().Write());
    try {
      SQLite::Database& w = batch->Connection();
      SQLite::Statement ins(w,
                            "INSERT INTO objections(notice_id, recommendation_id, received_on, "
                            "source_enc, content_enc, recorded_by, recorded_at) "
                            "VALUES(?,?,?,X'00',X'00',?,?)");
      ins.bind(1, notice.id);
      ins.bind(2, spec.recommendation_id);
      ins.bind(3, received.ToString());
      ins.bind(4, Who(actor));
      ins.bind(5, BeijingIso(impl_->rounds.Now()));
      ins.exec();
      id = w.getLastInsertRowid();
      const Keyring& keys = impl_->db().Keys();
      const std::string sealed_source = keys.Seal(source, SealContext("objections", "source", id));
      const std::string sealed_content =
          keys.Seal(content, SealContext("objections", "content", id));
      SQLite::Statement seal(w, "UPDATE objections SET source_enc=?, content_enc=? WHERE id=?");
      BindBlob(seal, 1, sealed_source);
      BindBlob(seal, 2, sealed_content);
      seal.bind(3, id);
      seal.exec();
      // What was said stays sealed in the table; the log says only whom it was about.
      TP_RETURN_IF_ERROR(
          batch->Audit(actor.Entry("create", "objection", std::to_string(id),
                                   Detail({{"round", notice.round},
                                           {"recommendation", spec.recommendation_id},
                                           {"received_on", received.ToString()}}))));
      TP_RETURN_IF_ERROR(batch->Commit());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "登记异议");
    }
  }
  TP_ASSIGN_OR_RETURN(auto reloaded, impl_->Load(round));
  for (Objection& o : reloaded.objections)
    if (o.id == id) return o;
  return Internal("异议已登记，但读回失败");
}

StatusOr<Objection> Notices::Resolve(int64_t objection_id, std::string_view outcome,
                                     std::string_view resolution, const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以处理异议");
  if (outcome != "upheld" && outcome != "dismissed")
    return Bad("outcome", "应为 upheld（异议成立）或 dismissed（异议不成立）");
  const std::string text = NormalizeText(resolution);
  if (text.empty() || CountCharacters(text) > kMaxResolutionCharacters)
    return Bad("resolution", "请写明核查情况和处理结果，最长 1000 个字");
  std::string round;
  {
    TP_ASSIGN_OR_RETURN(auto batch, impl_->db().Write());
    try {
      SQLite::Database& w = batch->Connection();
      SQLite::Statement st(w,
                           "SELECT o.state, o.recommendation_id, o.notice_id, r.code, n.state "
                           "FROM objections o JOIN notices n ON n.id=o.notice_id "
                           "JOIN rounds r ON r.id=n.round_id WHERE o.id=?");
      st.bind(1, objection_id);
      if (!st.executeStep())
        return NotFound("没有编号为 " + std::to_string(objection_id) + " 的异议");
      if (st.getColumn(4).getString() != "running")
        return PreconditionFailed("公示已结束，结果已公布");
      if (st.getColumn(0).getString() != "open")
        return PreconditionFailed("异议 " + std::to_string(objection_id) + " 已处理");
      const int64_t recommendation = st.getColumn(1).getInt64();
      const int64_t notice = st.getColumn(2).getInt64();
      round = st.getColumn(3).getString();
      st.reset();
      SQLite::Statement up(w,
                           "UPDATE objections SET state=?, resolution=?, resolved_by=?, "
                           "resolved_at=? WHERE id=?");
      up.bind(1, std::string(outcome));
      up.bind(2, text);
      up.bind(3, Who(actor));
      up.bind(4, BeijingIso(impl_->rounds.Now()));
      up.bind(5, objection_id);
      up.exec();
      if (outcome == "upheld") {
        SQLite::Statement off(w,
                              "UPDATE notice_names SET withdrawn=? WHERE notice_id=? AND "
                              "recommendation_id=? AND withdrawn IS NULL");
        off.bind(1, "异议成立：" + text);
        off.bind(2, notice);
        off.bind(3, recommendation);
        off.exec();
      }
      TP_RETURN_IF_ERROR(batch->Audit(
          actor.Entry("resolve", "objection", std::to_string(objection_id),
                      Detail({{"outcome", outcome}, {"recommendation", recommendation}}))));
      TP_RETURN_IF_ERROR(batch->Commit());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "处理异议");
    }
  }
  TP_ASSIGN_OR_RETURN(auto notice, impl_->Load(round));
  for (Objection& o : notice.objections)
    if (o.id == objection_id) return o;
  return Internal("异议已处理，但读回失败");
}

StatusOr<Notice> Notices::Publish(std::string_view round, const Actor& actor) {
  if (!actor.IsStaff()) return PermissionDenied("只有工作人员可以公布结果");
  TP_ASSIGN_OR_RETURN(auto notice, impl_->Load(round));
  if (notice.state != "running")
    return PreconditionFailed("结果已于 " + notice.published_at + " 公布");
  const std::string today = BeijingDate(impl_->rounds.Now()).ToString();
  if (today <= notice.last_day)
    return PreconditionFailed("公示期至 " + notice.last_day + "（含）结束，之后才能公布结果");
  if (notice.open_objections > 0) {
    std::string who;
    for (const Objection& o : notice.objections)
      if (o.state == "open") who += (who.empty() ? "" : "、") + o.name;
    return PreconditionFailed("还有 " + std::to_string(notice.open_objections) + " 条异议未处理（" +
                              who + "），处理后才能公布");
  }
  std::vector<int64_t> admit;
  for (const NoticeName& n : notice.names) {
    if (!n.withdrawn.empty()) {
      if (n.state == "submitted" || n.state == "under_review") {
        Decision reject;
        reject.kind = Decision::Kind::kReject;
        reject.reasons = "公示期间" + n.withdrawn;
        TP_RETURN_IF_ERROR(impl_->workflow.Decide(n.recommendation_id, reject, actor).status());
      }
    } else if (n.state != "admitted") {
      admit.push_back(n.recommendation_id);
    }
  }
  if (!admit.empty()) {
    Decision decision;
    decision.kind = Decision::Kind::kAdmit;
    decision.batch = "公示无异议后公布";
    TP_RETURN_IF_ERROR(impl_->workflow.BulkAdmit(admit, decision, actor).status());
  }
  {
    TP_ASSIGN_OR_RETURN(auto batch, impl_->db().Write());
    try {
      SQLite::Statement up(batch->Connection(),
                           "UPDATE notices SET state='published', published_by=?, "
                           "published_at=? WHERE id=? AND state='running'");
      up.bind(1, Who(actor));
      up.bind(2, BeijingIso(impl_->rounds.Now()));
      up.bind(3, notice.id);
      up.exec();
      int honoured = 0;
      for (const NoticeName& n : notice.names) honoured += n.withdrawn.empty() ? 1 : 0;
      TP_RETURN_IF_ERROR(batch->Audit(
          actor.Entry("publish", "notice", std::to_string(notice.id),
                      Detail({{"round", notice.round},
                              {"honoured", honoured},
                              {"withdrawn", static_cast<int>(notice.names.size()) - honoured}}))));
      TP_RETURN_IF_ERROR(batch->Commit());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "公布结果");
    }
  }
  return impl_->Load(round);
}

}  // namespace tp::registry
