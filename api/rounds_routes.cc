// HTTP and JSON for recommendation rounds (rounds_routes.h).
#include "api/rounds_routes.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string_view>

#include "registry/base/paths.h"
#include "registry/base/person_fields.h"
#include "registry/rounds/summary_sheet.h"
#include "registry/fields/text.h"
#include "registry/rounds/workflow.h"

namespace tp::api {
namespace {

using Json = nlohmann::json;
using registry::RecommendationView;
using registry::SubmissionView;

constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json TextOrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Status Field(const std::string& field, const std::string& message) {
  return InvalidArgument("字段「" + field + "」：" + message, {{field, message, 0}});
}

StatusOr<Json> Body(const HttpRequest& req) {
  Json j = Json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument("请求体应为 JSON 对象", {{"请求体", "应为 JSON 对象", 0}});
  return j;
}

std::string TextOf(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return "";
}

// RFC 5987: a download's Chinese file name.
std::string Attachment(const std::string& filename) {
  static const char* kHex = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : filename) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return "attachment; filename=\"download.xlsx\"; filename*=UTF-8''" + encoded;
}

void SendXlsx(HttpResponse& res, std::string bytes, const std::string& filename) {
  res.status = 200;
  res.content_type = kXlsxType;
  res.body = std::move(bytes);
  res.SetHeader("Content-Disposition", Attachment(filename));
}

Json CampaignJson(const registry::Campaign& c) {
  return {{"code", c.code}, {"kind", c.kind}, {"name", c.name}, {"honour_title", TextOrNull(c.honour_title)}};
}

Json RoundJson(const registry::Round& r, int64_t now) {
  return {{"code", r.code},
          {"title", r.title},
          {"kind", r.kind},
          {"campaign", CampaignJson(r.campaign)},
          {"opens_at", registry::BeijingIso(r.opens_at)},
          {"deadline", registry::BeijingIso(r.deadline_at)},
          {"reference_date", r.reference_date.ToString()},
          {"rule_set", r.rule_set},
          {"year", r.year},
          {"open", now >= r.opens_at && now < r.deadline_at}};
}

Json QuotaJson(const registry::QuotaState& q) {
  Json minimums = Json::array();
  for (const auto& m : q.minimums) {
    minimums.push_back({{"name", m.name}, {"needed", m.needed}, {"have", m.have}, {"applies", m.applies},
                        {"met", m.met}, {"who", m.who}});
  }
  Json exempt = Json::array();
  for (const auto& e : q.exempt) exempt.push_back({{"who", e.label}, {"reason", e.reason}});
  Json violations = Json::array();
  for (const auto& v : q.violations) violations.push_back({{"rule", v.field}, {"message", v.message}});
  return {{"rule_set", q.rule_set},
          {"quota", TextOrNull(q.quota)},
          {"min", q.min},
          {"max", q.max < 0 ? Json(nullptr) : Json(q.max)},
          {"used", q.used},
          {"remaining", q.remaining < 0 ? Json(nullptr) : Json(q.remaining)},
          {"counted", q.counted},
          {"exempt", std::move(exempt)},
          {"minimums", std::move(minimums)},
          {"violations", std::move(violations)},
          {"can_submit", q.ok()}};
}

// Staff see the stored record and where the unit's copy differs from it;
// a unit, and its province, see what the unit submitted (workflow.h).
Json ItemJson(const RecommendationView& v, const Caller& caller) {
  const bool staff = caller.role == Role::kStaff;
  const registry::PersonRecord& r = staff ? v.record : v.submitted;
  const registry::Person& p = r.person;
  Json person = {{"id", TextOrNull(p.public_id)},
                 {"name", p.name},
                 {"gender", TextOrNull(p.gender)},
                 {"birth_date", TextOrNull(p.birth_date)},
                 {"id_number", TextOrNull(r.id_number_mask)},
                 {"phone", TextOrNull(r.phone_mask)},
                 {"unit", TextOrNull(p.unit_name)},
                 {"post", TextOrNull(p.post)},
                 {"title", TextOrNull(p.title)},
                 {"education", TextOrNull(p.education)},
                 {"fields", p.fields},
                 {"group_type", TextOrNull(p.group_type)},
                 {"province", TextOrNull(p.province)}};
  if (caller.SeesSensitiveAttributes()) {
    person["ethnic_group"] = TextOrNull(p.ethnic_group);
    person["political_affiliation"] = TextOrNull(p.political_affiliation);
  }
  Json admissions = Json::array();
  for (const auto& a : r.admissions) {
    admissions.push_back({{"year", a.year}, {"tier", TextOrNull(a.tier)}, {"batch", TextOrNull(a.batch)},
                          {"round", TextOrNull(a.round_code)}});
  }
  Json honours = Json::array();
  for (const auto& h : r.honours) honours.push_back({{"title", h.title}, {"year", h.year}});
  Json item = {{"id", v.id},
               {"round", v.round},
               {"unit", v.unit_code},
               {"state", v.state},
               {"person", std::move(person)},
               {"opinion", TextOrNull(v.opinion)},
               {"declared", v.declared},
               {"group", TextOrNull(v.group)},
               {"exempt_reason", TextOrNull(v.exempt_reason)},
               {"reasons", TextOrNull(v.reasons)},
               {"decided_by", caller.role == Role::kUnit ? Json(nullptr) : TextOrNull(v.decided_by)},
               {"decided_at", TextOrNull(v.decided_at)},
               {"admissions", std::move(admissions)},
               {"honours", std::move(honours)},
               {"version", v.version}};
  if (staff) {
    Json differences = Json::array();
    for (const auto& d : v.differences) differences.push_back({{"field", d.column}, {"submitted", d.submitted}});
    item["differences"] = std::move(differences);
  }
  return item;
}

Json SubmissionJson(const SubmissionView& s, const Caller& caller, int64_t now) {
  Json items = Json::array();
  for (const auto& i : s.items) items.push_back(ItemJson(i, caller));
  return {{"round", RoundJson(s.round, now)},
          {"unit", {{"code", s.unit.code}, {"name", s.unit.name}, {"type", s.unit.type},
                    {"province", TextOrNull(s.unit.province)}}},
          {"state", s.state},
          {"submitted_at", TextOrNull(s.submitted_at)},
          {"window", {{"opens_at", registry::BeijingIso(s.window.opens_at)},
                      {"deadline", registry::BeijingIso(s.window.deadline_at)},
                      {"extended", s.window.extended},
                      {"open", now >= s.window.opens_at && now < s.window.deadline_at}}},
          {"items", std::move(items)},
          {"quota", QuotaJson(s.quota)}};
}

Json DuplicateJson(const registry::DuplicateCandidate& d) {
  return {{"id", d.public_id}, {"name", d.name}, {"birth_date", TextOrNull(d.birth_date)},
          {"unit", TextOrNull(d.unit_name)}, {"reason", d.reason}};
}

// The recommendation a request describes: {"person": {"姓名": …} or
// {"name": …}, "person_id", "declared", "group", "opinion"}.
StatusOr<registry::RecommendationInput> InputFrom(const Json& body) {
  registry::RecommendationInput in;
  if (auto p = body.find("person"); p != body.end()) {
    if (!p->is_object()) return Field("person", "应为对象（字段名 → 值）");
    for (auto it = p->begin(); it != p->end(); ++it) {
      std::string column = it.key();
      // The API's own keys for the commonest fields, beside the Chinese columns.
      const registry::PersonField* field = registry::FindPersonFieldByKey(column);
      if (field != nullptr && field->Has(registry::kRecommendationKey)) column = field->label;
      std::string value;
      if (it->is_string()) {
        value = it->get<std::string>();
      } else if (it->is_boolean()) {
        value = it->get<bool>() ? "是" : "否";
      } else if (it->is_array()) {
        for (const Json& v : *it)
          if (v.is_string()) value += (value.empty() ? "" : "、") + v.get<std::string>();
      } else if (it->is_number_integer()) {
        value = std::to_string(it->get<long long>());
      } else if (!it->is_null()) {
        return Field("person." + it.key(), "应为字符串");
      }
      in.cells.emplace_back(column, value);
    }
  }
  in.person_id = TextOf(body, "person_id");
  if (auto d = body.find("declared"); d != body.end() && d->is_array()) {
    for (const Json& v : *d)
      if (v.is_string()) in.declared.push_back(v.get<std::string>());
  }
  in.group = TextOf(body, "group");
  if (body.contains("opinion")) in.opinion = TextOf(body, "opinion");
  if (in.cells.empty() && in.person_id.empty() && !in.opinion && in.declared.empty() && in.group.empty()) {
    return Field("person", "请提供人员信息（person）或已有人员的编号（person_id）");
  }
  return in;
}

registry::Actor ActorOf(const ApiCall& call) {
  registry::Actor a;
  a.id = call.caller->Actor();
  a.role = std::string(RoleName(call.caller->role));
  a.unit_rowid = call.caller->unit_rowid;
  a.province = call.caller->province;
  a.remote_addr = call.remote_addr;
  return a;
}

StatusOr<int64_t> IdParam(const HttpRequest& req, const char* name) {
  const std::string v = req.PathParam(name);
  if (v.empty() || v.size() > 15 || v.find_first_not_of("0123456789") != std::string::npos) {
    return Field(name, "应为整数编号");
  }
  return std::stoll(v);
}

class RoundsApi {
 public:
  RoundsApi(registry::Store& store, std::unique_ptr<registry::Rounds> rounds,
            std::unique_ptr<registry::Workflow> workflow, const RoundsRouteOptions& options)
      : store_(store),
        rounds_(std::move(rounds)),
        workflow_(std::move(workflow)),
        sheets_(*workflow_),
        after_write_(options.after_write),
        uploads_(options.upload_gate),
        allow_enrolment_answer_(options.allow_enrolment_answer),
        audit_enrolment_answer_(options.audit_enrolment_answer) {}

  void Wrote() {
    if (after_write_) after_write_();
  }

  Status AuditEnrolmentAnswer(const ApiCall& call, const std::string& via, int answers) {
    return audit_enrolment_answer_ ? audit_enrolment_answer_(call, via, answers) : Status::Ok();
  }

  // A refusal that says the person is enrolled or listed already answers an
  // enrolment check: it is recorded as one before it is answered.
  void RefuseAudited(const ApiCall& call, const std::string& via, const Status& refusal, HttpResponse& res) {
    if (refusal.code() == StatusCode::kAlreadyExists) {
      if (Status logged = AuditEnrolmentAnswer(call, via, 1); !logged.ok()) return res.SetError(logged);
    }
    res.SetError(refusal);
  }

  // The unit a call acts for: a unit token's own, or ?unit=CODE for staff
  // (and for a province, one of its province's units, reads only).
  StatusOr<registry::UnitRecord> UnitFor(const ApiCall& call, bool write) {
    const Caller& c = *call.caller;
    const std::string asked = call.request.Query("unit").value_or("");
    if (c.role == Role::kUnit) {
      if (!asked.empty() && asked != c.unit_code) return NotFound("没有代码为 " + asked + " 的单位");
      return store_.GetUnit(c.unit_code);
    }
    if (asked.empty()) return Field("unit", "请用 ?unit=单位代码 指明推荐单位");
    auto unit = store_.GetUnit(asked);
    if (!unit.ok()) return unit.status();
    if (c.role == Role::kProvince && (write || unit->province != c.province)) {
      return NotFound("没有代码为 " + asked + " 的单位");
    }
    return unit;
  }

  // A recommendation the caller may see: staff all, a province its units',
  // a unit its own. Others are answered as missing.
  StatusOr<RecommendationView> Visible(const ApiCall& call, int64_t id) {
    auto item = workflow_->GetRecommendation(id);
    if (!item.ok()) return item.status();
    const Caller& c = *call.caller;
    if (c.role == Role::kStaff) return item;
    if (c.role == Role::kUnit && item->unit_code == c.unit_code) return item;
    if (c.role == Role::kProvince) {
      auto unit = store_.GetUnit(item->unit_code);
      if (unit.ok() && unit->province == c.province) return item;
    }
    return NotFound("没有编号为 " + std::to_string(id) + " 的推荐记录");
  }

  void ListRounds(const ApiCall&, HttpResponse& res) {
    auto rounds = rounds_->ListRounds();
    if (!rounds.ok()) return res.SetError(rounds.status());
    Json items = Json::array();
    for (const auto& r : *rounds) items.push_back(RoundJson(r, rounds_->Now()));
    Json templates = Json::array();
    for (const auto& t : rounds_->Templates()) {
      templates.push_back({{"code", t.code}, {"title", t.title}, {"months", t.months}, {"from_year", t.from_year}});
    }
    res.SetJson(Dump({{"total", items.size()}, {"items", std::move(items)}, {"templates", std::move(templates)}}));
  }

  void GetRound(const ApiCall& call, HttpResponse& res) {
    auto round = rounds_->GetRound(call.request.PathParam("code"));
    if (!round.ok()) return res.SetError(round.status());
    res.SetJson(Dump(RoundJson(*round, rounds_->Now())));
  }

  void CreateRound(const ApiCall& call, HttpResponse& res) {
    auto body = Body(call.request);
    if (!body.ok()) return res.SetError(body.status());
    registry::RoundSpec spec;
    spec.code = TextOf(*body, "code");
    spec.campaign = TextOf(*body, "campaign");
    spec.kind = body->contains("kind") ? TextOf(*body, "kind") : "concentrated";
    spec.title = TextOf(*body, "title");
    spec.opens = TextOf(*body, "opens_at");
    spec.deadline = TextOf(*body, "deadline");
    spec.reference_date = TextOf(*body, "reference_date");
    spec.rule_set = TextOf(*body, "rule_set");
    spec.year = body->value("year", 0);
    auto round = rounds_->CreateRound(spec, ActorOf(call));
    if (!round.ok()) return res.SetError(round.status());
    res.SetJson(Dump(RoundJson(*round, rounds_->Now())), 201);
  }

  void CreateSupplementary(const ApiCall& call, HttpResponse& res) {
    auto body = Body(call.request);
    if (!body.ok()) return res.SetError(body.status());
    if (!body->contains("year") || !(*body)["year"].is_number_integer()) {
      return res.SetError(Field("year", "应为年份（整数）"));
    }
    std::string tpl = TextOf(*body, "template");
    if (tpl.empty() && !rounds_->Templates().empty()) tpl = rounds_->Templates().front().code;
    auto made = rounds_->CreateFromTemplate(tpl, (*body)["year"].get<int>(), ActorOf(call));
    if (!made.ok()) return res.SetError(made.status());
    Json items = Json::array();
    for (const auto& r : *made) items.push_back(RoundJson(r, rounds_->Now()));
    res.SetJson(Dump({{"total", items.size()}, {"items", std::move(items)}}), 201);
  }

  void ExtendDeadline(const ApiCall& call, HttpResponse& res) {
    auto body = Body(call.request);
    if (!body.ok()) return res.SetError(body.status());
    Status s = rounds_->ExtendDeadline(call.request.PathParam("code"), call.request.PathParam("unit"),
                                       TextOf(*body, "deadline"), ActorOf(call));
    if (!s.ok()) return res.SetError(s);
    auto round = rounds_->GetRound(call.request.PathParam("code"));
    auto unit = store_.GetUnit(call.request.PathParam("unit"));
    if (!round.ok() || !unit.ok()) return res.SetError(round.ok() ? unit.status() : round.status());
    auto window = rounds_->WindowFor(*round, unit->rowid);
    if (!window.ok()) return res.SetError(window.status());
    res.SetJson(Dump({{"round", round->code}, {"unit", unit->code},
                      {"deadline", registry::BeijingIso(window->deadline_at)}, {"extended", window->extended}}));
  }

  void ListRuleSets(const ApiCall&, HttpResponse& res) {
    auto sets = rounds_->ListRuleSets();
    if (!sets.ok()) return res.SetError(sets.status());
    Json items = Json::array();
    for (const auto& s : *sets) {
      items.push_back({{"code", s.code}, {"title", s.title}, {"version", s.version}, {"updated_at", s.updated_at}});
    }
    res.SetJson(Dump({{"total", items.size()}, {"items", std::move(items)}}));
  }

  void GetRuleSet(const ApiCall& call, HttpResponse& res) {
    const std::string code = call.request.PathParam("code");
    auto rules = rounds_->GetRuleSet(code);
    if (!rules.ok()) return res.SetError(rules.status());
    auto info = rounds_->GetRuleSetInfo(code);
    if (!info.ok()) return res.SetError(info.status());
    res.SetJson(Dump({{"code", info->code}, {"title", info->title}, {"version", info->version},
                      {"updated_at", info->updated_at}, {"body", Json::parse(rules->json())}}));
  }

  void PutRuleSet(const ApiCall& call, HttpResponse& res) {
    auto saved = rounds_->PutRuleSet(call.request.PathParam("code"), call.request.body, ActorOf(call));
    if (!saved.ok()) return res.SetError(saved.status());
    res.SetJson(Dump({{"code", saved->code}, {"title", saved->title}, {"version", saved->version},
                      {"updated_at", saved->updated_at}}));
  }

  void GetSubmission(const ApiCall& call, HttpResponse& res) {
    auto unit = UnitFor(call, /*write=*/false);
    if (!unit.ok()) return res.SetError(unit.status());
    auto view = workflow_->GetSubmission(call.request.PathParam("code"), unit->rowid);
    if (!view.ok()) return res.SetError(view.status());
    res.SetJson(Dump(SubmissionJson(*view, *call.caller, rounds_->Now())));
  }

  void ListSubmissions(const ApiCall& call, HttpResponse& res) {
    const std::string province = call.caller->role == Role::kProvince ? call.caller->province : "";
    auto lists = workflow_->ListSubmissions(call.request.PathParam("code"), province);
    if (!lists.ok()) return res.SetError(lists.status());
    Json items = Json::array();
    for (const auto& s : *lists) {
      std::map<std::string, int> by_state;
      for (const auto& i : s.items) by_state[i.state]++;
      items.push_back({{"unit", {{"code", s.unit.code}, {"name", s.unit.name}, {"type", s.unit.type}}},
                       {"state", s.state},
                       {"submitted_at", TextOrNull(s.submitted_at)},
                       {"deadline", registry::BeijingIso(s.window.deadline_at)},
                       {"extended", s.window.extended},
                       {"people", s.items.size()},
                       {"by_state", by_state},
                       {"quota", QuotaJson(s.quota)}});
    }
    res.SetJson(Dump({{"total", items.size()}, {"items", std::move(items)}}));
  }

  void Add(const ApiCall& call, HttpResponse& res) {
    auto unit = UnitFor(call, /*write=*/true);
    if (!unit.ok()) return res.SetError(unit.status());
    auto body = Body(call.request);
    if (!body.ok()) return res.SetError(body.status());
    auto input = InputFrom(*body);
    if (!input.ok()) return res.SetError(input.status());
    auto added = workflow_->Add(call.request.PathParam("code"), unit->rowid, *input, ActorOf(call));
    if (!added.ok()) return RefuseAudited(call, "recommendation", added.status(), res);
    Wrote();
    Json j = {{"item", ItemJson(added->item, *call.caller)},
              {"person_created", added->person_created},
              {"quota", QuotaJson(added->quota)},
              {"possible_duplicates", added->possible.size()}};
    if (!added->possible.empty()) {
      j["notice"] = "此人可能与库中已有人员重复，工作人员将核实";
    }
    if (call.caller->role == Role::kStaff) {
      Json list = Json::array();
      for (const auto& d : added->possible) list.push_back(DuplicateJson(d));
      j["duplicates"] = std::move(list);
    }
    res.SetJson(Dump(j), 201);
  }

  void GetItem(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    if (!id.ok()) return res.SetError(id.status());
    auto item = Visible(call, *id);
    if (!item.ok()) return res.SetError(item.status());
    res.SetJson(Dump(ItemJson(*item, *call.caller)));
  }

  void EditItem(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    if (!id.ok()) return res.SetError(id.status());
    auto item = Visible(call, *id);
    if (!item.ok()) return res.SetError(item.status());
    auto body = Body(call.request);
    if (!body.ok()) return res.SetError(body.status());
    auto input = InputFrom(*body);
    if (!input.ok()) return res.SetError(input.status());
    if (!input->person_id.empty()) return res.SetError(Field("person_id", "修改时不能更换人员"));
    auto edited = workflow_->Edit(*id, *input, ActorOf(call));
    if (!edited.ok()) return RefuseAudited(call, "recommendation_edit", edited.status(), res);
    Wrote();
    res.SetJson(Dump(ItemJson(*edited, *call.caller)));
  }

  void RemoveItem(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    if (!id.ok()) return res.SetError(id.status());
    auto item = Visible(call, *id);
    if (!item.ok()) return res.SetError(item.status());
    Status s = workflow_->Remove(*id, ActorOf(call));
    if (!s.ok()) return res.SetError(s);
    Wrote();
    res.SetJson(Dump({{"id", *id}, {"removed", true}}));
  }

  void Submit(const ApiCall& call, HttpResponse& res) {
    auto unit = UnitFor(call, /*write=*/true);
    if (!unit.ok()) return res.SetError(unit.status());
    std::map<int64_t, std::string> opinions;
    if (!call.request.body.empty()) {
      auto body = Body(call.request);
      if (!body.ok()) return res.SetError(body.status());
      if (auto o = body->find("opinions"); o != body->end()) {
        if (!o->is_object()) return res.SetError(Field("opinions", "应为对象（推荐记录编号 → 推荐单位意见）"));
        for (auto it = o->begin(); it != o->end(); ++it) {
          if (it.key().empty() || it.key().size() > 15 || it.key().find_first_not_of("0123456789") != std::string::npos ||
              !it->is_string()) {
            return res.SetError(Field("opinions", "键应为推荐记录编号，值应为文字"));
          }
          opinions[std::stoll(it.key())] = it->get<std::string>();
        }
      }
    }
    auto view = workflow_->Submit(call.request.PathParam("code"), unit->rowid, opinions, ActorOf(call));
    if (!view.ok()) return res.SetError(view.status());
    Wrote();
    res.SetJson(Dump(SubmissionJson(*view, *call.caller, rounds_->Now())));
  }

  static StatusOr<registry::Decision> DecisionFrom(const Json& body, bool admit_only) {
    registry::Decision d;
    const std::string action = admit_only ? "admit" : TextOf(body, "action");
    if (action == "review") {
      d.kind = registry::Decision::Kind::kReview;
    } else if (action == "admit") {
      d.kind = registry::Decision::Kind::kAdmit;
    } else if (action == "return") {
      d.kind = registry::Decision::Kind::kReturn;
    } else if (action == "reject") {
      d.kind = registry::Decision::Kind::kReject;
    } else {
      return Field("action", "应为 review、admit、return 或 reject");
    }
    d.reasons = TextOf(body, "reasons");
    d.tier = TextOf(body, "tier");
    d.batch = TextOf(body, "batch");
    if (body.contains("year")) {
      if (!body["year"].is_number_integer()) return Field("year", "应为年份（整数）");
      d.year = body["year"].get<int>();
    }
    return d;
  }

  void Decide(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    if (!id.ok()) return res.SetError(id.status());
    auto body = Body(call.request);
    if (!body.ok()) return res.SetError(body.status());
    auto decision = DecisionFrom(*body, false);
    if (!decision.ok()) return res.SetError(decision.status());
    auto item = workflow_->Decide(*id, *decision, ActorOf(call));
    if (!item.ok()) return res.SetError(item.status());
    Wrote();
    res.SetJson(Dump(ItemJson(*item, *call.caller)));
  }

  void BulkAdmit(const ApiCall& call, HttpResponse& res) {
    auto body = Body(call.request);
    if (!body.ok()) return res.SetError(body.status());
    auto decision = DecisionFrom(*body, true);
    if (!decision.ok()) return res.SetError(decision.status());
    std::vector<int64_t> ids;
    auto list = body->find("ids");
    if (list == body->end() || !list->is_array()) return res.SetError(Field("ids", "应为推荐记录编号的数组"));
    for (const Json& v : *list) {
      if (!v.is_number_integer()) return res.SetError(Field("ids", "应为推荐记录编号的数组"));
      ids.push_back(v.get<int64_t>());
    }
    auto items = workflow_->BulkAdmit(ids, *decision, ActorOf(call));
    if (!items.ok()) return res.SetError(items.status());
    Wrote();
    Json out = Json::array();
    for (const auto& i : *items) out.push_back(ItemJson(i, *call.caller));
    res.SetJson(Dump({{"total", out.size()}, {"items", std::move(out)}}));
  }

  void Upload(const ApiCall& call, HttpResponse& res) {
    std::optional<UploadGate::Slot> slot;
    if (uploads_ != nullptr) {
      auto entered = uploads_->Enter(call.caller->Actor());
      if (!entered.ok()) return SetUploadRefused(entered.status(), res);
      slot = std::move(*entered);
    }
    auto unit = UnitFor(call, /*write=*/true);
    if (!unit.ok()) return res.SetError(unit.status());
    // Read where the server holds it: a copy would be one more file's worth of memory.
    std::string_view bytes;
    std::string filename = call.request.Query("filename").value_or("");
    if (!call.request.parts.empty()) {
      const UploadedPart* file = nullptr;
      for (const UploadedPart& part : call.request.parts) {
        if (part.name == "file" || (!part.filename.empty() && file == nullptr)) file = &part;
      }
      if (file == nullptr) return res.SetError(Field("file", "表单中没有上传的文件"));
      bytes = file->content;
      if (!file->filename.empty()) filename = file->filename;
    } else {
      bytes = call.request.body;
    }
    if (bytes.empty()) return res.SetError(Field("file", "上传的文件为空"));
    if (filename.empty()) filename = "推荐学员汇总表";
    // The memory the file took goes back to the system once it is read (see ReturnFreedMemory).
    struct ReturnMemory {
      ~ReturnMemory() { ReturnFreedMemory(); }
    } return_memory;
    std::function<bool()> may_check;
    if (allow_enrolment_answer_) may_check = [&] { return allow_enrolment_answer_(call); };
    auto report =
        sheets_.Upload(call.request.PathParam("code"), unit->rowid, bytes, filename, ActorOf(call), may_check);
    if (!report.ok()) return res.SetError(report.status());
    if (report->already_enrolled > 0) {
      if (Status logged = AuditEnrolmentAnswer(call, "upload", static_cast<int>(report->already_enrolled));
          !logged.ok()) {
        return res.SetError(logged);
      }
    }
    Wrote();
    Json errors = Json::array();
    for (const auto& e : report->errors) {
      errors.push_back({{"row", e.row}, {"field", e.field}, {"message", e.message}});
    }
    res.SetJson(Dump({{"id", report->id},
                      {"format", report->format},
                      {"rows", report->rows},
                      {"added", report->added},
                      {"updated", report->updated},
                      {"rejected", report->rejected},
                      {"ignored_columns", report->ignored_columns},
                      {"errors", std::move(errors)},
                      {"error_file", report->has_error_workbook
                                         ? Json("/api/v1/uploads/" + std::to_string(report->id) + "/errors.xlsx")
                                         : Json(nullptr)}}));
  }

  void UploadErrors(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    if (!id.ok()) return res.SetError(id.status());
    auto bytes = sheets_.ErrorWorkbook(*id, ActorOf(call));
    if (!bytes.ok()) return res.SetError(bytes.status());
    SendXlsx(res, std::move(*bytes), "推荐学员汇总表-错误信息.xlsx");
  }

  void ExportRound(const ApiCall& call, HttpResponse& res) {
    const std::string code = call.request.PathParam("code");
    const std::string unit = call.request.Query("unit").value_or("");
    const bool reveal = call.request.Query("reveal").value_or("") == "phone";
    auto bytes = sheets_.ExportRound(code, unit, reveal, ActorOf(call));
    if (!bytes.ok()) return res.SetError(bytes.status());
    SendXlsx(res, std::move(*bytes), code + (unit.empty() ? "" : "-" + unit) + "-推荐学员汇总表.xlsx");
  }

  void ExportAdmitted(const ApiCall& call, HttpResponse& res) {
    const std::string year = call.request.Query("year").value_or("");
    if (year.size() != 4 || year.find_first_not_of("0123456789") != std::string::npos) {
      return res.SetError(Field("year", "应为四位年份，如 2024"));
    }
    const bool reveal = call.request.Query("reveal").value_or("") == "phone";
    auto bytes = sheets_.ExportAdmitted(std::stoi(year), reveal, ActorOf(call));
    if (!bytes.ok()) return res.SetError(bytes.status());
    SendXlsx(res, std::move(*bytes), year + "年入库人员.xlsx");
  }

  void Duplicates(const ApiCall& call, HttpResponse& res) {
    auto pairs = workflow_->PossibleDuplicates(call.request.PathParam("code"));
    if (!pairs.ok()) return res.SetError(pairs.status());
    Json items = Json::array();
    for (const auto& p : *pairs) {
      items.push_back({{"item", ItemJson(p.item, *call.caller)}, {"other", DuplicateJson(p.other)}});
    }
    res.SetJson(Dump({{"total", items.size()}, {"items", std::move(items)}}));
  }

  void Merge(const ApiCall& call, HttpResponse& res) {
    auto body = Body(call.request);
    if (!body.ok()) return res.SetError(body.status());
    const std::string keep = TextOf(*body, "keep"), merged = TextOf(*body, "merge");
    if (keep.empty() || merged.empty()) return res.SetError(Field("keep", "请给出保留的编号 keep 和并入的编号 merge"));
    Status s = workflow_->Merge(keep, merged, ActorOf(call));
    if (!s.ok()) return res.SetError(s);
    Wrote();
    res.SetJson(Dump({{"kept", keep}, {"merged", merged}}));
  }

  void Distinct(const ApiCall& call, HttpResponse& res) {
    auto body = Body(call.request);
    if (!body.ok()) return res.SetError(body.status());
    const std::string a = TextOf(*body, "id"), b = TextOf(*body, "other");
    if (a.empty() || b.empty()) return res.SetError(Field("id", "请给出两个人员编号 id 和 other"));
    Status s = workflow_->MarkDistinct(a, b, ActorOf(call));
    if (!s.ok()) return res.SetError(s);
    res.SetJson(Dump({{"id", a}, {"other", b}, {"distinct", true}}));
  }

 private:
  registry::Store& store_;
  std::unique_ptr<registry::Rounds> rounds_;
  std::unique_ptr<registry::Workflow> workflow_;
  registry::SummarySheets sheets_;
  std::function<void()> after_write_;
  std::shared_ptr<UploadGate> uploads_;  // may be null
  std::function<bool(const ApiCall&)> allow_enrolment_answer_;
  std::function<Status(const ApiCall&, const std::string&, int)> audit_enrolment_answer_;
};

}  // namespace

Status AddRoundsRoutes(registry::Store& store, const registry::ReferenceData& reference,
                       const RoundsRouteOptions& options, std::vector<RouteSpec>* routes) {
  auto rounds = registry::Rounds::Open(store, registry::DataDir(), reference, options.clock);
  if (!rounds.ok()) return rounds.status();
  auto workflow = registry::Workflow::Create(**rounds, registry::DataDir());
  if (!workflow.ok()) return workflow.status();
  auto api = std::make_shared<RoundsApi>(store, std::move(*rounds), std::move(*workflow), options);
  auto bind = [api](void (RoundsApi::*method)(const ApiCall&, HttpResponse&)) {
    return [api, method](const ApiCall& call, HttpResponse& res) { ((*api).*method)(call, res); };
  };
  const RouteParam code{"code", "path", "string", "推荐批次代码，如 pool-national-2025", true};
  const RouteParam id{"id", "path", "integer", "推荐记录编号", true};
  const RouteParam unit{"unit", "query", "string", "推荐单位代码（工作人员代单位操作时必填；单位令牌只能是本单位）", false};
  const size_t json_limit = options.max_json_body_bytes;
  const std::string tag = "推荐批次";
  auto add = [&](std::string method, std::string pattern, RoleSet roles, std::string summary,
                 std::vector<RouteParam> params, std::string request, std::string response, std::vector<int> statuses,
                 size_t body, void (RoundsApi::*handler)(const ApiCall&, HttpResponse&),
                 std::string content_type = "application/json") {
    routes->push_back({std::move(method), std::move(pattern), true, roles, std::move(summary), tag, std::move(params),
                       std::move(request), std::move(response), std::move(statuses), body, std::move(content_type),
                       bind(handler)});
  };
  add("GET", "/api/v1/rounds", kAllRoles, "推荐批次列表（时间为北京时间）", {}, "", "RoundList", {}, 0,
      &RoundsApi::ListRounds);
  add("POST", "/api/v1/rounds", kStaffOnly, "创建推荐批次", {}, "RoundSpec", "Round", {400, 404, 409}, json_limit,
      &RoundsApi::CreateRound);
  add("POST", "/api/v1/rounds/supplementary", kStaffOnly, "按模板一次创建某年的补充报送批次（6月、11月）", {},
      "SupplementaryRequest", "RoundList", {400, 404}, json_limit, &RoundsApi::CreateSupplementary);
  add("GET", "/api/v1/rounds/{code}", kAllRoles, "读取一个推荐批次", {code}, "", "Round", {404}, 0,
      &RoundsApi::GetRound);
  add("POST", "/api/v1/rounds/{code}/units/{unit}/deadline", kStaffOnly, "为一个单位延长截止时间（记入审计日志）",
      {code, {"unit", "path", "string", "推荐单位代码", true}}, "DeadlineRequest", "DeadlineAnswer", {400, 404},
      json_limit, &RoundsApi::ExtendDeadline);
  add("GET", "/api/v1/rule-sets", kAllRoles, "规则集列表", {}, "", "RuleSetList", {}, 0, &RoundsApi::ListRuleSets);
  add("GET", "/api/v1/rule-sets/{code}", kAllRoles, "读取规则集（名额、构成下限、不占名额、推荐条件）",
      {{"code", "path", "string", "规则集代码", true}}, "", "RuleSet", {404}, 0, &RoundsApi::GetRuleSet);
  add("PUT", "/api/v1/rule-sets/{code}", kStaffOnly, "保存规则集（先校验，错误指明 JSON 路径）",
      {{"code", "path", "string", "规则集代码", true}}, "RuleSetBody", "RuleSetInfo", {400}, json_limit,
      &RoundsApi::PutRuleSet);
  add("GET", "/api/v1/rounds/{code}/submission", kAllRoles, "一个单位的推荐名单与实时名额状态", {code, unit}, "",
      "Submission", {400, 404}, 0, &RoundsApi::GetSubmission);
  add("GET", "/api/v1/rounds/{code}/submissions", kStaffRoles, "本批次各单位的推荐名单（省级令牌：本省单位）", {code},
      "", "SubmissionList", {404}, 0, &RoundsApi::ListSubmissions);
  add("POST", "/api/v1/rounds/{code}/recommendations", kStaffOnly | static_cast<RoleSet>(Role::kUnit),
      "把一位人员加入本单位草稿（查重：已入库或已在开放批次中被推荐的拒绝；可能重复的提示核实）", {code, unit},
      "RecommendationInput", "AddedRecommendation", {400, 404, 409, 412, 422}, json_limit, &RoundsApi::Add);
  routes->back().answers_enrolment = true;  // 409 says the ID number is enrolled or listed already
  add("POST", "/api/v1/rounds/{code}/submit", kStaffOnly | static_cast<RoleSet>(Role::kUnit),
      "报送名单（校验报送时间、推荐意见与规则集；违反规则时指明规则与人员）", {code, unit}, "SubmitRequest",
      "Submission", {400, 404, 412, 422}, json_limit, &RoundsApi::Submit);
  add("POST", "/api/v1/rounds/{code}/uploads", kStaffOnly | static_cast<RoleSet>(Role::kUnit),
      "上传推荐学员汇总表（XLSX 或 CSV）到本单位草稿；出错的行可下载带「错误信息」列的副本", {code, unit,
      {"filename", "query", "string", "文件名（只用于提示）", false}}, "UploadFile", "UploadReport", {400, 404, 503},
      options.max_upload_bytes, &RoundsApi::Upload, "multipart/form-data");
  add("GET", "/api/v1/uploads/{id}/errors.xlsx", kStaffOnly | static_cast<RoleSet>(Role::kUnit),
      "下载上传时出错的行（XLSX，带「错误信息」列）", {{"id", "path", "integer", "上传记录编号", true}}, "",
      "XlsxFile", {404}, 0, &RoundsApi::UploadErrors);
  add("GET", "/api/v1/recommendations/{id}", kAllRoles, "读取一条推荐记录", {id}, "", "Recommendation", {400, 404}, 0,
      &RoundsApi::GetItem);
  add("PATCH", "/api/v1/recommendations/{id}", kStaffOnly | static_cast<RoleSet>(Role::kUnit),
      "修改草稿或被退回的推荐记录", {id}, "RecommendationInput", "Recommendation", {400, 404, 409, 412, 422},
      json_limit, &RoundsApi::EditItem);
  routes->back().answers_enrolment = true;  // 409 says the ID number belongs to another record
  add("DELETE", "/api/v1/recommendations/{id}", kStaffOnly | static_cast<RoleSet>(Role::kUnit),
      "把草稿或被退回的人员移出名单", {id}, "", "Removed", {400, 404, 412}, 0, &RoundsApi::RemoveItem);
  add("POST", "/api/v1/recommendations/{id}/decision", kStaffOnly,
      "审核：review（开始审核）、admit（入库：年度、人才类别、批次）、return（退回，须写理由）、reject（不予通过）", {id},
      "Decision", "Recommendation", {400, 404, 412}, json_limit, &RoundsApi::Decide);
  add("POST", "/api/v1/recommendations/bulk-admit", kStaffOnly, "批量入库（全部成功或全部不入库）", {}, "BulkAdmit",
      "RecommendationList", {400, 404, 412}, json_limit, &RoundsApi::BulkAdmit);
  add("GET", "/api/v1/rounds/{code}/export.xlsx", kStaffOnly,
      "导出本批次推荐学员汇总表（XLSX：汇总及各单位；?unit= 只导出一个单位；?reveal=phone 显示完整手机号，记入审计日志）",
      {code, {"unit", "query", "string", "只导出这个单位", false},
       {"reveal", "query", "string", "phone：显示完整联系方式", false}},
      "", "XlsxFile", {404}, 0, &RoundsApi::ExportRound);
  add("GET", "/api/v1/admissions/export.xlsx", kStaffOnly, "导出某年度入库人员名单（XLSX）",
      {{"year", "query", "integer", "入库年度", true}, {"reveal", "query", "string", "phone：显示完整联系方式", false}},
      "", "XlsxFile", {400}, 0, &RoundsApi::ExportAdmitted);
  add("GET", "/api/v1/rounds/{code}/duplicates", kStaffOnly, "本批次中可能重复的人员（供人工核实）", {code}, "",
      "DuplicateList", {404}, 0, &RoundsApi::Duplicates);
  add("POST", "/api/v1/duplicates/merge", kStaffOnly, "合并两条人员记录（保留双方的推荐、入库、荣誉与培训记录）", {},
      "MergeRequest", "MergeAnswer", {400, 404, 412}, json_limit, &RoundsApi::Merge);
  add("POST", "/api/v1/duplicates/distinct", kStaffOnly, "确认两条记录是不同的人，不再提示重复", {},
      "DistinctRequest", "DistinctAnswer", {400, 404}, json_limit, &RoundsApi::Distinct);
  return Status::Ok();
}

const std::string& RoundsSchemasJson() {
  static const std::string kSchemas = R"json({
  "Round": {"type": "object", "required": ["code", "title", "kind", "campaign", "opens_at", "deadline", "rule_set", "year", "open"],
    "properties": {"code": {"type": "string"}, "title": {"type": "string"},
      "kind": {"type": "string", "enum": ["concentrated", "supplementary"]},
      "campaign": {"type": "object", "required": ["code", "kind", "name"]},
      "opens_at": {"type": "string", "description": "北京时间，如 2025-07-29T00:00:00+08:00"},
      "deadline": {"type": "string", "description": "北京时间，如 2025-08-14T17:00:00+08:00"},
      "reference_date": {"type": "string"}, "rule_set": {"type": "string"}, "year": {"type": "integer"},
      "open": {"type": "boolean"}}},
  "RoundList": {"type": "object", "required": ["total", "items"],
    "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Round"}}}},
  "RoundSpec": {"type": "object", "required": ["code", "campaign", "title", "opens_at", "deadline", "rule_set"],
    "properties": {"code": {"type": "string"}, "campaign": {"type": "string"}, "kind": {"type": "string"},
      "title": {"type": "string"}, "opens_at": {"type": "string", "description": "北京时间，如 2025-07-29 00:00"},
      "deadline": {"type": "string", "description": "北京时间；「24:00」表示当日结束"},
      "reference_date": {"type": "string"}, "rule_set": {"type": "string"}, "year": {"type": "integer"}}},
  "SupplementaryRequest": {"type": "object", "required": ["year"],
    "properties": {"year": {"type": "integer"}, "template": {"type": "string"}}},
  "DeadlineRequest": {"type": "object", "required": ["deadline"], "properties": {"deadline": {"type": "string"}}},
  "DeadlineAnswer": {"type": "object", "required": ["round", "unit", "deadline", "extended"],
    "properties": {"round": {"type": "string"}, "unit": {"type": "string"}, "deadline": {"type": "string"},
      "extended": {"type": "boolean"}}},
  "RuleSetInfo": {"type": "object", "required": ["code", "version"],
    "properties": {"code": {"type": "string"}, "title": {"type": "string"}, "version": {"type": "integer"},
      "updated_at": {"type": "string"}}},
  "RuleSetList": {"type": "object", "required": ["total", "items"],
    "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/RuleSetInfo"}}}},
  "RuleSet": {"type": "object", "required": ["code", "version", "body"],
    "properties": {"code": {"type": "string"}, "title": {"type": "string"}, "version": {"type": "integer"},
      "updated_at": {"type": "string"}, "body": {"type": "object"}}},
  "RuleSetBody": {"type": "object", "required": ["code", "title", "source", "kind", "quotas"],
    "description": "见 data/rules/*.json：categories、eligibility、quotas（unit_types、max、min、exempt、minimums）"},
  "Quota": {"type": "object", "required": ["used", "counted", "exempt", "minimums", "violations", "can_submit"],
    "properties": {"rule_set": {"type": "string"}, "quota": {"type": "string", "nullable": true},
      "min": {"type": "integer"}, "max": {"type": "integer", "nullable": true}, "used": {"type": "integer"},
      "remaining": {"type": "integer", "nullable": true}, "counted": {"type": "array", "items": {"type": "string"}},
      "exempt": {"type": "array", "items": {"type": "object"}}, "minimums": {"type": "array", "items": {"type": "object"}},
      "violations": {"type": "array", "items": {"type": "object", "properties": {"rule": {"type": "string"}, "message": {"type": "string"}}}},
      "can_submit": {"type": "boolean"}}},
  "Recommendation": {"type": "object", "required": ["id", "round", "unit", "state", "person"],
    "properties": {"id": {"type": "integer"}, "round": {"type": "string"}, "unit": {"type": "string"},
      "state": {"type": "string", "enum": ["draft", "submitted", "under_review", "admitted", "returned", "rejected"]},
      "person": {"type": "object", "required": ["id", "name"],
        "description": "工作人员看到库中记录；推荐单位（及其省级科协）只看到本单位填报的信息，库中记录不属于本单位时没有编号",
        "properties": {"id": {"type": "string", "nullable": true}, "name": {"type": "string"}}},
      "opinion": {"type": "string", "nullable": true},
      "differences": {"type": "array", "description": "仅工作人员：推荐单位填报的信息与库中记录不一致的字段",
        "items": {"type": "object", "required": ["field", "submitted"],
          "properties": {"field": {"type": "string"}, "submitted": {"type": "string"}}}},
      "declared": {"type": "array", "items": {"type": "string"}}, "group": {"type": "string", "nullable": true},
      "exempt_reason": {"type": "string", "nullable": true}, "reasons": {"type": "string", "nullable": true},
      "decided_by": {"type": "string", "nullable": true}, "decided_at": {"type": "string", "nullable": true},
      "admissions": {"type": "array", "items": {"type": "object"}}, "honours": {"type": "array", "items": {"type": "object"}},
      "version": {"type": "integer"}}},
  "RecommendationList": {"type": "object", "required": ["total", "items"],
    "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Recommendation"}}}},
  "RecommendationInput": {"type": "object",
    "properties": {"person": {"type": "object", "description": "字段名（姓名、身份证号……或 name、id_number……）→ 值"},
      "person_id": {"type": "string"}, "declared": {"type": "array", "items": {"type": "string"}},
      "group": {"type": "string"}, "opinion": {"type": "string"}}},
  "AddedRecommendation": {"type": "object", "required": ["item", "person_created", "quota", "possible_duplicates"],
    "properties": {"item": {"$ref": "#/components/schemas/Recommendation"}, "person_created": {"type": "boolean"},
      "quota": {"$ref": "#/components/schemas/Quota"}, "possible_duplicates": {"type": "integer"},
      "notice": {"type": "string"}, "duplicates": {"type": "array", "items": {"type": "object"}}}},
  "Submission": {"type": "object", "required": ["round", "unit", "state", "window", "items", "quota"],
    "properties": {"round": {"$ref": "#/components/schemas/Round"}, "unit": {"type": "object"},
      "state": {"type": "string", "enum": ["draft", "submitted", "under_review", "returned", "closed"]},
      "submitted_at": {"type": "string", "nullable": true}, "window": {"type": "object"},
      "items": {"type": "array", "items": {"$ref": "#/components/schemas/Recommendation"}},
      "quota": {"$ref": "#/components/schemas/Quota"}}},
  "SubmissionList": {"type": "object", "required": ["total", "items"],
    "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object"}}}},
  "SubmitRequest": {"type": "object", "properties": {"opinions": {"type": "object", "additionalProperties": {"type": "string"}}}},
  "Decision": {"type": "object", "required": ["action"],
    "properties": {"action": {"type": "string", "enum": ["review", "admit", "return", "reject"]},
      "reasons": {"type": "string"}, "year": {"type": "integer"}, "tier": {"type": "string"}, "batch": {"type": "string"}}},
  "BulkAdmit": {"type": "object", "required": ["ids"],
    "properties": {"ids": {"type": "array", "items": {"type": "integer"}}, "year": {"type": "integer"},
      "tier": {"type": "string"}, "batch": {"type": "string"}}},
  "Removed": {"type": "object", "required": ["id", "removed"], "properties": {"id": {"type": "integer"}, "removed": {"type": "boolean"}}},
  "UploadFile": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}},
  "UploadReport": {"type": "object", "required": ["id", "rows", "added", "updated", "rejected", "errors", "error_file"],
    "properties": {"id": {"type": "integer"}, "format": {"type": "string"}, "rows": {"type": "integer"},
      "added": {"type": "integer"}, "updated": {"type": "integer"}, "rejected": {"type": "integer"},
      "ignored_columns": {"type": "array", "items": {"type": "string"}},
      "errors": {"type": "array", "items": {"type": "object"}},
      "error_file": {"type": "string", "nullable": true, "description": "出错行的 XLSX 下载地址"}}},
  "XlsxFile": {"type": "string", "format": "binary", "description": "XLSX 工作簿（application/vnd.openxmlformats-officedocument.spreadsheetml.sheet）"},
  "DuplicateList": {"type": "object", "required": ["total", "items"],
    "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object"}}}},
  "MergeRequest": {"type": "object", "required": ["keep", "merge"],
    "properties": {"keep": {"type": "string"}, "merge": {"type": "string"}}},
  "MergeAnswer": {"type": "object", "required": ["kept", "merged"],
    "properties": {"kept": {"type": "string"}, "merged": {"type": "string"}}},
  "DistinctRequest": {"type": "object", "required": ["id", "other"],
    "properties": {"id": {"type": "string"}, "other": {"type": "string"}}},
  "DistinctAnswer": {"type": "object", "required": ["id", "other", "distinct"],
    "properties": {"id": {"type": "string"}, "other": {"type": "string"}, "distinct": {"type": "boolean"}}}
})json";
  return kSchemas;
}

}  // namespace tp::api
