// Routes of honour campaigns after the recommendation (campaigns_routes.h).
#include "api/campaigns_routes.h"

#include <algorithm>

#include "api/attachments_routes.h"
#include "api/auth.h"
#include "api/honour_form_routes.h"
#include "api/rounds_json.h"
#include "api/route_helpers.h"
#include "registry/attachments/attachments.h"
#include "registry/base/paths.h"
#include "registry/base/person_fields.h"
#include "registry/campaigns/notices.h"
#include "registry/campaigns/reviews.h"

namespace tp::api {
namespace {

using Json = nlohmann::json;

// What an expert is never shown of a candidate, beside the sealed ID number and phone.
constexpr std::string_view kContactKeys[] = {"email", "address", "postcode"};

Json CriteriaJson(const std::vector<registry::Criterion>& criteria) {
  Json out = Json::array();
  for (const auto& c : criteria)
    out.push_back(
        {{"key", c.key}, {"label", c.label}, {"max", c.max}, {"hint", TextOrNull(c.hint)}});
  return out;
}

Json StageJson(const registry::ReviewStage& s, bool staff) {
  Json j = {{"id", s.id},
            {"round", s.round},
            {"round_title", s.round_title},
            {"campaign", s.campaign},
            {"stage", s.stage},
            {"kind", s.kind},
            {"title", s.title},
            {"criteria", CriteriaJson(s.criteria)},
            {"max_total", s.max_total},
            {"advance", s.advance > 0 ? Json(s.advance) : Json(nullptr)},
            {"state", s.state},
            {"opened_at", s.opened_at},
            {"closed_at", TextOrNull(s.closed_at)},
            {"candidates", s.candidates}};
  if (staff) {
    Json experts = Json::array();
    for (const auto& e : s.experts)
      experts.push_back({{"username", e.username},
                         {"display_name", e.display_name},
                         {"organisation", e.organisation},
                         {"unit", TextOrNull(e.unit_code)},
                         {"groups", e.groups}});
    j["experts"] = std::move(experts);
    j["opened_by"] = s.opened_by;
    j["closed_by"] = TextOrNull(s.closed_by);
  }
  return j;
}

Json CandidateJson(const registry::ReviewCandidate& c) {
  return {{"recommendation", c.recommendation_id}, {"name", c.name},
          {"gender", TextOrNull(c.gender)},        {"organisation", TextOrNull(c.organisation)},
          {"title", TextOrNull(c.title)},          {"unit_name", TextOrNull(c.unit_name)},
          {"group", TextOrNull(c.group)},          {"advanced", c.advanced}};
}

Json ScoreJson(const registry::ExpertScore& s) {
  return {{"username", s.username}, {"display_name", s.display_name},   {"points", s.points},
          {"total", s.total},       {"comment", TextOrNull(s.comment)}, {"scored_at", s.scored_at}};
}

Json RankingJson(const registry::Ranking& ranking) {
  Json items = Json::array();
  for (const auto& r : ranking.candidates) {
    Json c = CandidateJson(r.candidate);
    c["person_id"] = r.candidate.person_id;
    c["unit"] = r.candidate.unit_code;
    c["state"] = r.candidate.state;
    c["rank"] = r.rank > 0 ? Json(r.rank) : Json(nullptr);
    c["mean"] = r.given > 0 ? Json(r.mean) : Json(nullptr);
    c["spread"] = r.given > 0 ? Json(r.spread) : Json(nullptr);
    c["expected"] = r.expected;
    c["given"] = r.given;
    c["missing"] = r.missing;
    Json recused = Json::array();
    for (const auto& x : r.recused)
      recused.push_back(
          {{"username", x.username}, {"display_name", x.display_name}, {"reason", x.reason}});
    c["recused"] = std::move(recused);
    Json scores = Json::array();
    for (const auto& s : r.scores) scores.push_back(ScoreJson(s));
    c["scores"] = std::move(scores);
    items.push_back(std::move(c));
  }
  return {{"stage", StageJson(ranking.stage, true)}, {"candidates", std::move(items)}};
}

Json NoticeJson(const registry::Notice& n) {
  Json names = Json::array();
  for (const auto& x : n.names)
    names.push_back({{"recommendation", x.recommendation_id},
                     {"person_id", x.person_id},
                     {"name", x.name},
                     {"gender", TextOrNull(x.gender)},
                     {"organisation", TextOrNull(x.organisation)},
                     {"title", TextOrNull(x.title)},
                     {"unit_name", TextOrNull(x.unit_name)},
                     {"group", TextOrNull(x.group)},
                     {"state", x.state},
                     {"withdrawn", TextOrNull(x.withdrawn)}});
  Json objections = Json::array();
  for (const auto& o : n.objections)
    objections.push_back({{"id", o.id},
                          {"recommendation", o.recommendation_id},
                          {"name", o.name},
                          {"received_on", o.received_on},
                          {"source", o.source},
                          {"content", o.content},
                          {"state", o.state},
                          {"resolution", TextOrNull(o.resolution)},
                          {"recorded_by", o.recorded_by},
                          {"recorded_at", o.recorded_at},
                          {"resolved_by", TextOrNull(o.resolved_by)},
                          {"resolved_at", TextOrNull(o.resolved_at)}});
  return {{"id", n.id},
          {"round", n.round},
          {"round_title", n.round_title},
          {"first_day", n.first_day},
          {"last_day", n.last_day},
          {"days", n.days},
          {"workdays", n.workdays},
          {"state", n.state},
          {"started_by", n.started_by},
          {"started_at", n.started_at},
          {"published_by", TextOrNull(n.published_by)},
          {"published_at", TextOrNull(n.published_at)},
          {"open_objections", n.open_objections},
          {"may_publish", n.may_publish},
          {"names", std::move(names)},
          {"objections", std::move(objections)}};
}

// The 推荐表 as an expert reads it: every field the unit filled in, but the sealed ones and the
// contact details.
Json FormJson(const registry::Person& p) {
  Json out = Json::array();
  for (const registry::PersonField& f : registry::PersonFields()) {
    if (f.kind == registry::PersonFieldKind::kSealed) continue;
    if (std::find(std::begin(kContactKeys), std::end(kContactKeys), f.key) !=
        std::end(kContactKeys))
      continue;
    const std::string value = f.TextOf(p);
    if (value.empty()) continue;
    out.push_back({{"key", f.key}, {"label", f.label}, {"value", value}});
  }
  return out;
}

// A box of the printed 推荐表 that holds a way to reach the person: never shown to experts.
bool ContactLabel(const std::string& label) {
  for (const char* word : {"电话", "手机", "邮箱", "邮编", "通讯地址", "身份证"})
    if (label.find(word) != std::string::npos) return true;
  return false;
}

StatusOr<std::vector<int64_t>> IdList(const Json& body, const char* key) {
  std::vector<int64_t> out;
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) return BadField(key, "应为推荐记录编号的数组");
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_number_integer())
      return BadField(std::string(key) + "[" + std::to_string(i) + "]", "应为整数编号");
    out.push_back((*it)[i].get<int64_t>());
  }
  return out;
}

StatusOr<int> IntOf(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return 0;
  if (!it->is_number_integer()) return BadField(key, "应为整数");
  return it->get<int>();
}

StatusOr<std::string> StringOf(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) return BadField(key, "应为字符串");
  return it->get<std::string>();
}

class CampaignApi {
 public:
  CampaignApi(registry::Rounds& rounds, registry::Workflow& workflow,
              std::unique_ptr<registry::Reviews> reviews,
              std::unique_ptr<registry::Notices> notices,
              std::unique_ptr<registry::Attachments> attachments, std::shared_ptr<void> keep,
              CampaignRouteOptions options)
      : rounds_(rounds),
        workflow_(workflow),
        reviews_(std::move(reviews)),
        notices_(std::move(notices)),
        attachments_(std::move(attachments)),
        keep_(std::move(keep)),
        options_(std::move(options)) {}

  // --- staff
  void Overview(const ApiCall& call, HttpResponse& res) {
    auto round = rounds_.GetRound(call.request.PathParam("code"));
    if (!round.ok()) return res.SetError(round.status());
    if (round->campaign.kind != "honour")
      return res.SetError(NotFound("「" + round->title + "」不是荣誉推选"));
    auto lists = workflow_.ListSubmissions(round->code);
    if (!lists.ok()) return res.SetError(lists.status());
    Json channels = Json::array();
    Json candidates = Json::array();
    for (const auto& s : *lists) {
      channels.push_back(
          {{"unit", {{"code", s.unit.code}, {"name", s.unit.name}, {"type", s.unit.type}}},
           {"state", s.state},
           {"submitted_at", TextOrNull(s.submitted_at)},
           {"count", s.items.size()},
           {"quota", QuotaJson(s.quota)}});
      for (const auto& item : s.items) {
        auto missing = attachments_->Missing(item.record.person.public_id, round->code);
        if (!missing.ok()) return res.SetError(missing.status());
        const registry::Person& p = item.submitted.person;
        candidates.push_back({{"recommendation", item.id},
                              {"person_id", item.record.person.public_id},
                              {"name", p.name},
                              {"organisation", TextOrNull(p.unit_name)},
                              {"unit_name", s.unit.name},
                              {"group", TextOrNull(item.group)},
                              {"state", item.state},
                              {"missing", MissingAttachmentsJson(*missing)}});
      }
    }
    const registry::ReviewPlan* plan = reviews_->plans().Find(round->campaign.code);
    Json plan_json = nullptr;
    if (plan != nullptr)
      plan_json = {{"honourees", plan->honourees > 0 ? Json(plan->honourees) : Json(nullptr)},
                   {"notice_days", plan->notice_days > 0 ? Json(plan->notice_days) : Json(nullptr)},
                   {"criteria", CriteriaJson(plan->criteria)},
                   {"source", plan->source}};
    auto stages = reviews_->ListStages(round->code);
    if (!stages.ok()) return res.SetError(stages.status());
    Json stage_list = Json::array();
    for (const auto& s : *stages) stage_list.push_back(StageJson(s, true));
    auto notice = notices_->Get(round->code);
    if (!notice.ok() && notice.status().code() != StatusCode::kNotFound)
      return res.SetError(notice.status());
    auto rules = rounds_.GetRuleSet(round->rule_set);
    res.SetJson(Dump({{"round", RoundJson(*round, rounds_.Now())},
                      {"groups", rules.ok() ? Json(rules->groups()) : Json::array()},
                      {"plan", std::move(plan_json)},
                      {"channels", std::move(channels)},
                      {"candidates", std::move(candidates)},
                      {"stages", std::move(stage_list)},
                      {"notice", notice.ok() ? NoticeJson(*notice) : Json(nullptr)}}));
  }

  void ListStages(const ApiCall& call, HttpResponse& res) {
    auto stages = reviews_->ListStages(call.request.PathParam("code"));
    if (!stages.ok()) return res.SetError(stages.status());
    Json items = Json::array();
    for (const auto& s : *stages) items.push_back(StageJson(s, true));
    res.SetJson(Dump({{"items", std::move(items)}}));
  }

  void OpenStage(const ApiCall& call, HttpResponse& res) {
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    if (Status s = OnlyKeys(*body, {"kind", "title", "advance"}); !s.ok()) return res.SetError(s);
    registry::NewStage spec;
    auto kind = StringOf(*body, "kind");
    auto title = StringOf(*body, "title");
    auto advance = IntOf(*body, "advance");
    for (const Status* s : {&kind.status(), &title.status(), &advance.status()})
      if (!s->ok()) return res.SetError(*s);
    spec.kind = *kind;
    spec.title = *title;
    spec.advance = *advance;
    auto stage = reviews_->OpenStage(call.request.PathParam("code"), spec, ActorOf(call));
    if (!stage.ok()) return res.SetError(stage.status());
    res.SetJson(Dump(StageJson(*stage, true)), 201);
  }

  void GetStage(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    if (!id.ok()) return res.SetError(id.status());
    auto ranking = reviews_->Rank(*id);
    if (!ranking.ok()) return res.SetError(ranking.status());
    res.SetJson(Dump(RankingJson(*ranking)));
  }

  void AssignExperts(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    if (!id.ok()) return res.SetError(id.status());
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    if (Status s = OnlyKeys(*body, {"experts"}); !s.ok()) return res.SetError(s);
    auto list = body->find("experts");
    if (list == body->end() || !list->is_array())
      return res.SetError(BadField("experts", "应为数组：[{\"username\", \"groups\"}]"));
    std::vector<registry::ExpertAssignment> experts;
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string where = "experts[" + std::to_string(i) + "]";
      const Json& e = (*list)[i];
      if (!e.is_object()) return res.SetError(BadField(where, "应为对象"));
      if (Status s = OnlyKeys(e, {"username", "groups"}, where); !s.ok()) return res.SetError(s);
      registry::ExpertAssignment a;
      if (!e.contains("username") || !e["username"].is_string())
        return res.SetError(BadField(where + ".username", "应为用户名"));
      a.username = e["username"].get<std::string>();
      if (e.contains("groups")) {
        if (!e["groups"].is_array()) return res.SetError(BadField(where + ".groups", "应为数组"));
        for (const Json& g : e["groups"]) {
          if (!g.is_string()) return res.SetError(BadField(where + ".groups", "应为字符串数组"));
          a.groups.push_back(g.get<std::string>());
        }
      }
      experts.push_back(std::move(a));
    }
    auto stage = reviews_->AssignExperts(*id, experts, ActorOf(call));
    if (!stage.ok()) return res.SetError(stage.status());
    res.SetJson(Dump(StageJson(*stage, true)));
  }

  void CloseStage(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    if (!id.ok()) return res.SetError(id.status());
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    if (Status s = OnlyKeys(*body, {"advance", "force"}); !s.ok()) return res.SetError(s);
    auto advance = IdList(*body, "advance");
    if (!advance.ok()) return res.SetError(advance.status());
    auto force = body->find("force");
    if (force != body->end() && !force->is_boolean())
      return res.SetError(BadField("force", "应为 true 或 false"));
    auto stage = reviews_->CloseStage(*id, *advance, force != body->end() && force->get<bool>(),
                                      ActorOf(call));
    if (!stage.ok()) return res.SetError(stage.status());
    res.SetJson(Dump(StageJson(*stage, true)));
  }

  void GetNotice(const ApiCall& call, HttpResponse& res) {
    auto notice = notices_->Get(call.request.PathParam("code"));
    if (!notice.ok()) return res.SetError(notice.status());
    res.SetJson(Dump(NoticeJson(*notice)));
  }

  void StartNotice(const ApiCall& call, HttpResponse& res) {
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    if (Status s = OnlyKeys(*body, {"recommendations", "first_day", "days"}); !s.ok())
      return res.SetError(s);
    registry::NewNotice spec;
    auto ids = IdList(*body, "recommendations");
    auto first = StringOf(*body, "first_day");
    auto days = IntOf(*body, "days");
    for (const Status* s : {&ids.status(), &first.status(), &days.status()})
      if (!s->ok()) return res.SetError(*s);
    spec.recommendations = *ids;
    spec.first_day = *first;
    spec.days = *days;
    auto notice = notices_->Start(call.request.PathParam("code"), spec, ActorOf(call));
    if (!notice.ok()) return res.SetError(notice.status());
    res.SetJson(Dump(NoticeJson(*notice)), 201);
  }

  void AddObjection(const ApiCall& call, HttpResponse& res) {
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    if (Status s = OnlyKeys(*body, {"recommendation", "received_on", "source", "content"}); !s.ok())
      return res.SetError(s);
    auto who = body->find("recommendation");
    if (who == body->end() || !who->is_number_integer())
      return res.SetError(BadField("recommendation", "应为推荐记录编号"));
    registry::NewObjection spec;
    spec.recommendation_id = who->get<int64_t>();
    auto received = StringOf(*body, "received_on");
    auto source = StringOf(*body, "source");
    auto content = StringOf(*body, "content");
    for (const Status* s : {&received.status(), &source.status(), &content.status()})
      if (!s->ok()) return res.SetError(*s);
    spec.received_on = *received;
    spec.source = *source;
    spec.content = *content;
    auto objection = notices_->AddObjection(call.request.PathParam("code"), spec, ActorOf(call));
    if (!objection.ok()) return res.SetError(objection.status());
    res.SetJson(Dump({{"id", objection->id}, {"state", objection->state}}), 201);
  }

  void ResolveObjection(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    if (!id.ok()) return res.SetError(id.status());
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    if (Status s = OnlyKeys(*body, {"outcome", "resolution"}); !s.ok()) return res.SetError(s);
    auto outcome = StringOf(*body, "outcome");
    auto resolution = StringOf(*body, "resolution");
    for (const Status* s : {&outcome.status(), &resolution.status()})
      if (!s->ok()) return res.SetError(*s);
    auto done = notices_->Resolve(*id, *outcome, *resolution, ActorOf(call));
    if (!done.ok()) return res.SetError(done.status());
    res.SetJson(Dump({{"id", done->id}, {"state", done->state}}));
  }

  void Publish(const ApiCall& call, HttpResponse& res) {
    auto notice = notices_->Publish(call.request.PathParam("code"), ActorOf(call));
    if (!notice.ok()) return res.SetError(notice.status());
    if (options_.after_write) options_.after_write();
    res.SetJson(Dump(NoticeJson(*notice)));
  }

  // --- experts
  void MyStages(const ApiCall& call, HttpResponse& res) {
    auto stages = reviews_->StagesOf(call.caller->account_id);
    if (!stages.ok()) return res.SetError(stages.status());
    Json items = Json::array();
    for (const auto& s : *stages) {
      Json j = StageJson(s, false);
      auto queue = reviews_->Queue(s.id, call.caller->account_id);
      if (!queue.ok()) return res.SetError(queue.status());
      j["mine"] = queue->size();
      j["scored"] = std::count_if(queue->begin(), queue->end(),
                                  [](const registry::QueueItem& q) { return q.mine.has_value(); });
      items.push_back(std::move(j));
    }
    res.SetJson(Dump({{"items", std::move(items)}}));
  }

  void Queue(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    if (!id.ok()) return res.SetError(id.status());
    auto stage = reviews_->StagesOf(call.caller->account_id);
    auto queue = reviews_->Queue(*id, call.caller->account_id);
    if (!queue.ok()) return res.SetError(queue.status());
    Json items = Json::array();
    for (const auto& q : *queue) {
      Json j = CandidateJson(q.candidate);
      j["scored"] = q.mine.has_value();
      j["total"] = q.mine ? Json(q.mine->total) : Json(nullptr);
      items.push_back(std::move(j));
    }
    Json stage_json = nullptr;
    if (stage.ok())
      for (const auto& s : *stage)
        if (s.id == *id) stage_json = StageJson(s, false);
    res.SetJson(Dump({{"stage", std::move(stage_json)}, {"items", std::move(items)}}));
  }

  void Candidate(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    auto rec = IdParam(call.request, "rec");
    for (const Status* s : {&id.status(), &rec.status()})
      if (!s->ok()) return res.SetError(*s);
    auto seen = reviews_->CandidateFor(*id, call.caller->account_id, *rec);
    if (!seen.ok()) return res.SetError(seen.status());
    auto files = attachments_->List(seen->candidate.person_id, seen->recommendation.round);
    if (!files.ok()) return res.SetError(files.status());
    Json attachments = Json::array();
    for (const auto& a : *files) {
      Json j = AttachmentJson(a);
      j.erase("person");
      j.erase("uploaded_by");
      j["content_url"] = "/api/v1/expert/reviews/" + std::to_string(*id) + "/candidates/" +
                         std::to_string(*rec) + "/attachments/" + std::to_string(a.id);
      attachments.push_back(std::move(j));
    }
    auto queue = reviews_->Queue(*id, call.caller->account_id);
    Json neighbours = {
        {"previous", nullptr}, {"next", nullptr}, {"position", nullptr}, {"of", nullptr}};
    if (queue.ok()) {
      for (size_t i = 0; i < queue->size(); ++i) {
        if ((*queue)[i].candidate.recommendation_id != *rec) continue;
        neighbours["position"] = i + 1;
        neighbours["of"] = queue->size();
        if (i > 0) neighbours["previous"] = (*queue)[i - 1].candidate.recommendation_id;
        if (i + 1 < queue->size()) neighbours["next"] = (*queue)[i + 1].candidate.recommendation_id;
      }
    }
    if (options_.audit) {
      Status audited = options_.audit(call, "read", "recommendation", std::to_string(*rec),
                                      {{"review", *id}, {"as", "expert"}});
      if (!audited.ok()) return res.SetError(audited);
    }
    Json honour_form = Json::array();
    if (options_.honour_forms) {
      auto view = options_.honour_forms->ForReview(*rec);
      if (view.ok()) {
        for (const auto& box : registry::HonourFormPrintBoxes(*view, true)) {
          if (box.value.empty() || ContactLabel(box.label)) continue;
          honour_form.push_back({{"label", box.label}, {"value", box.value}, {"wide", box.wide}});
        }
      } else if (view.status().code() != StatusCode::kNotFound) {
        return res.SetError(view.status());
      }
    }
    res.SetJson(Dump({{"stage", StageJson(seen->stage, false)},
                      {"candidate", CandidateJson(seen->candidate)},
                      {"form", FormJson(seen->recommendation.submitted.person)},
                      {"honour_form", std::move(honour_form)},
                      {"opinion", TextOrNull(seen->recommendation.opinion)},
                      {"attachments", std::move(attachments)},
                      {"mine", seen->mine ? ScoreJson(*seen->mine) : Json(nullptr)},
                      {"queue", std::move(neighbours)}}));
  }

  void Score(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    auto rec = IdParam(call.request, "rec");
    for (const Status* s : {&id.status(), &rec.status()})
      if (!s->ok()) return res.SetError(*s);
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    if (Status s = OnlyKeys(*body, {"scores", "comment"}); !s.ok()) return res.SetError(s);
    auto scores = body->find("scores");
    if (scores == body->end() || !scores->is_object())
      return res.SetError(BadField("scores", "应为对象：{评分项: 分值}"));
    std::map<std::string, double> points;
    for (auto it = scores->begin(); it != scores->end(); ++it) {
      if (!it.value().is_number()) return res.SetError(BadField("scores." + it.key(), "应为数字"));
      points[it.key()] = it.value().get<double>();
    }
    auto comment = StringOf(*body, "comment");
    if (!comment.ok()) return res.SetError(comment.status());
    auto saved =
        reviews_->Score(*id, call.caller->account_id, *rec, points, *comment, ActorOf(call));
    if (!saved.ok()) return res.SetError(saved.status());
    res.SetJson(Dump(ScoreJson(*saved)));
  }

  void AttachmentContent(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    auto rec = IdParam(call.request, "rec");
    auto att = IdParam(call.request, "att");
    for (const Status* s : {&id.status(), &rec.status(), &att.status()})
      if (!s->ok()) return res.SetError(*s);
    // The candidate first: an expert not on the stage, or recused, never reaches the file.
    auto seen = reviews_->CandidateFor(*id, call.caller->account_id, *rec);
    if (!seen.ok()) return res.SetError(seen.status());
    auto files = attachments_->List(seen->candidate.person_id, seen->recommendation.round);
    if (!files.ok()) return res.SetError(files.status());
    const bool theirs =
        std::any_of(files->begin(), files->end(),
                    [&](const registry::AttachmentRecord& a) { return a.id == *att; });
    if (!theirs)
      return res.SetError(NotFound("该候选人没有编号为 " + std::to_string(*att) + " 的附件"));
    std::string content;
    auto record = attachments_->Get(*att, &content);
    if (!record.ok()) return res.SetError(record.status());
    if (options_.audit) {
      Status audited = options_.audit(call, "read", "attachment", std::to_string(*att),
                                      {{"review", *id}, {"as", "expert"}});
      if (!audited.ok()) return res.SetError(audited);
    }
    SendAttachmentContent(*record, std::move(content), res);
  }

 private:
  registry::Rounds& rounds_;
  registry::Workflow& workflow_;
  std::unique_ptr<registry::Reviews> reviews_;
  std::unique_ptr<registry::Notices> notices_;
  std::unique_ptr<registry::Attachments> attachments_;
  std::shared_ptr<void> keep_;
  CampaignRouteOptions options_;
};

}  // namespace

Status AddCampaignRoutes(registry::Store& store, registry::Rounds& rounds,
                         registry::Workflow& workflow, std::shared_ptr<void> keep,
                         const CampaignRouteOptions& options, std::vector<RouteSpec>* routes) {
  TP_ASSIGN_OR_RETURN(auto reviews, registry::Reviews::Open(rounds, workflow, registry::DataDir()));
  TP_ASSIGN_OR_RETURN(auto notices,
                      registry::Notices::Open(rounds, workflow, *reviews, registry::DataDir()));
  TP_ASSIGN_OR_RETURN(auto attachments, registry::Attachments::Open(store, registry::DataDir()));
  auto api = std::make_shared<CampaignApi>(rounds, workflow, std::move(reviews), std::move(notices),
                                           std::move(attachments), std::move(keep), options);
  using Handler = std::function<void(const ApiCall&, HttpResponse&)>;
  auto bind = [api](void (CampaignApi::*method)(const ApiCall&, HttpResponse&)) -> Handler {
    return [api, method](const ApiCall& call, HttpResponse& res) { ((*api).*method)(call, res); };
  };
  const std::string staff_tag = "荣誉推选评审与公示";
  const std::string expert_tag = "评审专家";
  const std::size_t json = options.max_json_body_bytes;
  const RouteParam code{"code", "path", "string", "推荐批次代码（荣誉推选）", true};
  const RouteParam id{"id", "path", "integer", "评审轮次编号", true};
  const RouteParam rec{"rec", "path", "integer", "推荐记录编号", true};
  auto add = [&](RouteSpec spec) { routes->push_back(std::move(spec)); };
  add({.method = "GET",
       .pattern = "/api/v1/rounds/{code}/campaign",
       .operation_id = "getCampaignProgress",
       .roles = kStaffOnly,
       .summary = "荣誉推选一览：各推荐渠道的报送与名额、候选人及缺少的材料、评审轮次、公示",
       .tag = staff_tag,
       .params = {code},
       .response_schema = "CampaignProgress",
       .statuses = {404},
       .handler = bind(&CampaignApi::Overview)});
  add({.method = "GET",
       .pattern = "/api/v1/rounds/{code}/reviews",
       .operation_id = "listReviewStages",
       .roles = kStaffOnly,
       .summary = "本批次的评审轮次",
       .tag = staff_tag,
       .params = {code},
       .response_schema = "ReviewStageList",
       .statuses = {404},
       .handler = bind(&CampaignApi::ListStages)});
  add({.method = "POST",
       .pattern = "/api/v1/rounds/{code}/reviews",
       .operation_id = "openReviewStage",
       .roles = kStaffOnly,
       .summary = "开始下一轮评审：第一轮取全部已报送的候选人，之后各轮取上一轮晋级者",
       .tag = staff_tag,
       .params = {code},
       .request_schema = "NewReviewStage",
       .response_schema = "ReviewStage",
       .statuses = {201, 400, 404, 412},
       .max_body_bytes = json,
       .handler = bind(&CampaignApi::OpenStage)});
  add({.method = "GET",
       .pattern = "/api/v1/reviews/{id}",
       .operation_id = "getReviewRanking",
       .roles = kStaffOnly,
       .summary = "评审轮次及排名：平均分、分差、已评/应评、未评专家、回避",
       .tag = staff_tag,
       .params = {id},
       .response_schema = "ReviewRanking",
       .statuses = {400, 404},
       .handler = bind(&CampaignApi::GetStage)});
  add({.method = "PUT",
       .pattern = "/api/v1/reviews/{id}/experts",
       .operation_id = "assignReviewExperts",
       .roles = kStaffOnly,
       .summary = "分配本轮评审专家（替换原有名单），可限定各自评审的推荐组别",
       .tag = staff_tag,
       .params = {id},
       .request_schema = "ExpertAssignments",
       .response_schema = "ReviewStage",
       .statuses = {400, 404, 412},
       .max_body_bytes = json,
       .handler = bind(&CampaignApi::AssignExperts)});
  add({.method = "POST",
       .pattern = "/api/v1/reviews/{id}/close",
       .operation_id = "closeReviewStage",
       .roles = kStaffOnly,
       .summary = "结束本轮评审：初评按平均分晋级（并列或指定时用 advance），缺评分时须 force",
       .tag = staff_tag,
       .params = {id},
       .request_schema = "CloseReviewStage",
       .response_schema = "ReviewStage",
       .statuses = {400, 404, 412},
       .max_body_bytes = json,
       .handler = bind(&CampaignApi::CloseStage)});
  add({.method = "GET",
       .pattern = "/api/v1/rounds/{code}/notice",
       .operation_id = "getNotice",
       .roles = kStaffOnly,
       .summary = "公示：名单、起止日期（按工作日）、异议及处理",
       .tag = staff_tag,
       .params = {code},
       .response_schema = "Notice",
       .statuses = {404},
       .handler = bind(&CampaignApi::GetNotice)});
  add({.method = "POST",
       .pattern = "/api/v1/rounds/{code}/notice",
       .operation_id = "startNotice",
       .roles = kStaffOnly,
       .summary = "发起公示：选定的人选（不超过本次推选的名额；评审过的须在终评名单中），"
                  "从 first_day 起 days 个工作日",
       .tag = staff_tag,
       .params = {code},
       .request_schema = "NewNotice",
       .response_schema = "Notice",
       .statuses = {201, 400, 404, 409, 412},
       .max_body_bytes = json,
       .handler = bind(&CampaignApi::StartNotice)});
  add({.method = "POST",
       .pattern = "/api/v1/rounds/{code}/notice/objections",
       .operation_id = "addObjection",
       .roles = kStaffOnly,
       .summary = "登记公示期间收到的异议（异议人与内容加密保存）",
       .tag = staff_tag,
       .params = {code},
       .request_schema = "NewObjection",
       .response_schema = "ObjectionState",
       .statuses = {201, 400, 404, 412},
       .max_body_bytes = json,
       .handler = bind(&CampaignApi::AddObjection)});
  add({.method = "POST",
       .pattern = "/api/v1/objections/{id}/resolve",
       .operation_id = "resolveObjection",
       .roles = kStaffOnly,
       .summary = "处理异议：upheld（成立，撤下该人选）或 dismissed（不成立），写明核查情况",
       .tag = staff_tag,
       .params = {{"id", "path", "integer", "异议编号", true}},
       .request_schema = "ObjectionResolution",
       .response_schema = "ObjectionState",
       .statuses = {400, 404, 412},
       .max_body_bytes = json,
       .handler = bind(&CampaignApi::ResolveObjection)});
  add({.method = "POST",
       .pattern = "/api/v1/rounds/{code}/notice/publish",
       .operation_id = "publishNotice",
       .roles = kStaffOnly,
       .summary = "公示期满且异议均已处理后公布结果：名单上的人选获得称号，写入荣誉记录",
       .tag = staff_tag,
       .params = {code},
       .response_schema = "Notice",
       .statuses = {404, 412},
       .max_body_bytes = 1024,
       .handler = bind(&CampaignApi::Publish)});
  add({.method = "GET",
       .pattern = "/api/v1/expert/reviews",
       .operation_id = "listMyReviews",
       .roles = kExpertOnly,
       .summary = "分配给本人的评审轮次，及本人已评/应评人数",
       .tag = expert_tag,
       .response_schema = "ExpertStageList",
       .handler = bind(&CampaignApi::MyStages)});
  add({.method = "GET",
       .pattern = "/api/v1/expert/reviews/{id}/candidates",
       .operation_id = "listMyCandidates",
       .roles = kExpertOnly,
       .summary = "本人在该轮要评的候选人（本人所属组别，回避者不列出）",
       .tag = expert_tag,
       .params = {id},
       .response_schema = "ExpertQueue",
       .statuses = {400, 404},
       .handler = bind(&CampaignApi::Queue)});
  add({.method = "GET",
       .pattern = "/api/v1/expert/reviews/{id}/candidates/{rec}",
       .operation_id = "getMyCandidate",
       .roles = kExpertOnly,
       .summary = "一名候选人的推荐表与附件（不含身份证号、手机和联系方式）及本人评分；记入审计",
       .tag = expert_tag,
       .params = {id, rec},
       .response_schema = "ExpertCandidate",
       .statuses = {400, 403, 404},
       .handler = bind(&CampaignApi::Candidate)});
  add({.method = "PUT",
       .pattern = "/api/v1/expert/reviews/{id}/candidates/{rec}/score",
       .operation_id = "scoreCandidate",
       .roles = kExpertOnly,
       .summary = "按本次推选的评分项打分并写评语；本轮结束前可修改",
       .tag = expert_tag,
       .params = {id, rec},
       .request_schema = "ExpertScoreInput",
       .response_schema = "ExpertScore",
       .statuses = {400, 403, 404, 412},
       .max_body_bytes = json,
       .handler = bind(&CampaignApi::Score)});
  add({.method = "GET",
       .pattern = "/api/v1/expert/reviews/{id}/candidates/{rec}/attachments/{att}",
       .operation_id = "getMyCandidateAttachment",
       .roles = kExpertOnly,
       .summary = "候选人的一个附件（照片或盖章扫描件）；记入审计",
       .tag = expert_tag,
       .params = {id, rec, {"att", "path", "integer", "附件编号", true}},
       .response_schema = "AttachmentContent",
       .statuses = {400, 403, 404},
       .handler = bind(&CampaignApi::AttachmentContent)});
  return Status::Ok();
}

Status AddHonourRoutes(registry::Store& store, registry::Rounds& rounds,
                       registry::Workflow& workflow, std::shared_ptr<void> keep,
                       CampaignRouteOptions options, std::vector<RouteSpec>* routes) {
  std::shared_ptr<registry::HonourForms> forms = options.honour_forms;
  if (forms == nullptr) {
    TP_ASSIGN_OR_RETURN(forms, registry::HonourForms::Create(workflow, registry::DataDir()));
  }
  AddHonourFormRoutes(store, forms, keep, options.max_json_body_bytes, routes);
  options.honour_forms = std::move(forms);
  return AddCampaignRoutes(store, rounds, workflow, std::move(keep), options, routes);
}

}  // namespace tp::api
