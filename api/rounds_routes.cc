// HTTP and JSON for recommendation rounds (rounds_routes.h).
#include "api/rounds_routes.h"

#include "api/attachments_routes.h"
#include "api/campaigns_routes.h"
#include "api/honour_form_routes.h"
#include "api/invitations_routes.h"
#include "api/summary_form_routes.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string_view>

#include "api/rounds_json.h"
#include "api/route_helpers.h"
#include "registry/base/paths.h"
#include "registry/base/person_fields.h"
#include "registry/fields/text.h"
#include "registry/rounds/summary_sheet.h"
#include "registry/rounds/workflow.h"
#include "registry/tables/xlsx_writer.h"

namespace tp::api {
namespace {

using Json = nlohmann::json;
using registry::RecommendationView;
using registry::SubmissionView;
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

  void SetHonourForms(std::shared_ptr<registry::HonourForms> forms) {
    honour_forms_ = std::move(forms);
  }

  void Wrote() {
    if (after_write_) after_write_();
  }

  Status AuditEnrolmentAnswer(const ApiCall& call, const std::string& via, int answers) {
    return audit_enrolment_answer_ ? audit_enrolment_answer_(call, via, answers) : Status::Ok();
  }

  // A refusal that says the person is enrolled or listed already answers an
  // enrolment check: it is recorded as one before it is answered.
  void RefuseAudited(const ApiCall& call, const std::string& via, const Status& refusal,
                     HttpResponse& res) {
    if (refusal.code() == StatusCode::kAlreadyExists) {
      if (Status logged = AuditEnrolmentAnswer(call, via, 1); !logged.ok())
        return res.SetError(logged);
    }
    res.SetError(refusal);
  }

  // The unit a call acts for: a unit token's own, or ?unit=CODE for staff
  // (and for a province, one of its province's units, reads only).
  StatusOr<registry::UnitRecord> UnitFor(const ApiCall& call, bool write) {
    const Caller& c = *call.caller;
    const std::string asked = call.request.Query("unit").value_or("");
    if (c.role == Role::kUnit) {
      if (!asked.empty() && asked != c.unit_code)
        return NotFound("没有代码为 " + asked + " 的单位");
      return store_.GetUnit(c.unit_code);
    }
    if (asked.empty()) return BadField("unit", "请用 ?unit=单位代码 指明推荐单位");
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
      templates.push_back(
          {{"code", t.code}, {"title", t.title}, {"months", t.months}, {"from_year", t.from_year}});
    }
    res.SetJson(Dump({{"total", items.size()},
                      {"items", std::move(items)},
                      {"templates", std::move(templates)}}));
  }

  void GetRound(const ApiCall& call, HttpResponse& res) {
    auto round = rounds_->GetRound(call.request.PathParam("code"));
    if (!round.ok()) return res.SetError(round.status());
    res.SetJson(Dump(RoundJson(*round, rounds_->Now())));
  }

  void CreateRound(const ApiCall& call, HttpResponse& res) {
    auto body = ParseJsonObject(call.request.body);
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
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    if (!body->contains("year") || !(*body)["year"].is_number_integer()) {
      return res.SetError(BadField("year", "应为年份（整数）"));
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
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    Status s =
        rounds_->ExtendDeadline(call.request.PathParam("code"), call.request.PathParam("unit"),
                                TextOf(*body, "deadline"), ActorOf(call));
    if (!s.ok()) return res.SetError(s);
    auto round = rounds_->GetRound(call.request.PathParam("code"));
    auto unit = store_.GetUnit(call.request.PathParam("unit"));
    if (!round.ok() || !unit.ok()) return res.SetError(round.ok() ? unit.status() : round.status());
    auto window = rounds_->WindowFor(*round, unit->rowid);
    if (!window.ok()) return res.SetError(window.status());
    res.SetJson(Dump({{"round", round->code},
                      {"unit", unit->code},
                      {"deadline", registry::BeijingIso(window->deadline_at)},
                      {"extended", window->extended}}));
  }

  void ListRuleSets(const ApiCall&, HttpResponse& res) {
    auto sets = rounds_->ListRuleSets();
    if (!sets.ok()) return res.SetError(sets.status());
    Json items = Json::array();
    for (const auto& s : *sets) {
      items.push_back({{"code", s.code},
                       {"title", s.title},
                       {"version", s.version},
                       {"updated_at", BeijingOrNull(s.updated_at)}});
    }
    res.SetJson(Dump({{"total", items.size()}, {"items", std::move(items)}}));
  }

  void GetRuleSet(const ApiCall& call, HttpResponse& res) {
    const std::string code = call.request.PathParam("code");
    auto rules = rounds_->GetRuleSet(code);
    if (!rules.ok()) return res.SetError(rules.status());
    auto info = rounds_->GetRuleSetInfo(code);
    if (!info.ok()) return res.SetError(info.status());
    res.SetJson(Dump({{"code", info->code},
                      {"title", info->title},
                      {"version", info->version},
                      {"updated_at", BeijingOrNull(info->updated_at)},
                      {"body", Json::parse(rules->json())}}));
  }

  void PutRuleSet(const ApiCall& call, HttpResponse& res) {
    auto saved =
        rounds_->PutRuleSet(call.request.PathParam("code"), call.request.body, ActorOf(call));
    if (!saved.ok()) return res.SetError(saved.status());
    res.SetJson(Dump({{"code", saved->code},
                      {"title", saved->title},
                      {"version", saved->version},
                      {"updated_at", BeijingOrNull(saved->updated_at)}}));
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
      items.push_back(
          {{"unit", {{"code", s.unit.code}, {"name", s.unit.name}, {"type", s.unit.type}}},
           {"state", s.state},
           {"submitted_at", BeijingOrNull(s.submitted_at)},
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
    auto body = ParseJsonObject(call.request.body);
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
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    auto input = InputFrom(*body);
    if (!input.ok()) return res.SetError(input.status());
    if (!input->person_id.empty()) return res.SetError(BadField("person_id", "修改时不能更换人员"));
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
      auto body = ParseJsonObject(call.request.body);
      if (!body.ok()) return res.SetError(body.status());
      if (auto o = body->find("opinions"); o != body->end()) {
        if (!o->is_object())
          return res.SetError(BadField("opinions", "应为对象（推荐记录编号 → 推荐单位意见）"));
        for (auto it = o->begin(); it != o->end(); ++it) {
          if (it.key().empty() || it.key().size() > 15 ||
              it.key().find_first_not_of("0123456789") != std::string::npos || !it->is_string()) {
            return res.SetError(BadField("opinions", "键应为推荐记录编号，值应为文字"));
          }
          opinions[std::stoll(it.key())] = it->get<std::string>();
        }
      }
    }
    auto view =
        workflow_->Submit(call.request.PathParam("code"), unit->rowid, opinions, ActorOf(call));
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
      return BadField("action", "应为 review、admit、return 或 reject");
    }
    d.reasons = TextOf(body, "reasons");
    d.tier = TextOf(body, "tier");
    d.batch = TextOf(body, "batch");
    if (body.contains("year")) {
      if (!body["year"].is_number_integer()) return BadField("year", "应为年份（整数）");
      d.year = body["year"].get<int>();
    }
    return d;
  }

  void Decide(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    if (!id.ok()) return res.SetError(id.status());
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    auto decision = DecisionFrom(*body, false);
    if (!decision.ok()) return res.SetError(decision.status());
    auto item = workflow_->Decide(*id, *decision, ActorOf(call));
    if (!item.ok()) return res.SetError(item.status());
    Wrote();
    res.SetJson(Dump(ItemJson(*item, *call.caller)));
  }

  void BulkAdmit(const ApiCall& call, HttpResponse& res) {
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    auto decision = DecisionFrom(*body, true);
    if (!decision.ok()) return res.SetError(decision.status());
    std::vector<int64_t> ids;
    auto list = body->find("ids");
    if (list == body->end() || !list->is_array())
      return res.SetError(BadField("ids", "应为推荐记录编号的数组"));
    for (const Json& v : *list) {
      if (!v.is_number_integer()) return res.SetError(BadField("ids", "应为推荐记录编号的数组"));
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
    auto upload = UploadedFileOf(call.request, "推荐学员汇总表");
    if (!upload.ok()) return res.SetError(upload.status());
    // The memory the file took goes back to the system once it is read (see ReturnFreedMemory).
    struct ReturnMemory {
      ~ReturnMemory() { ReturnFreedMemory(); }
    } return_memory;
    // 附件2 sent with the recommendations answers 可否参加 for people admitted already.
    if (registry::UnitAvailability::IsAnswerSheet(upload->bytes, upload->filename)) {
      return AnswerSheet(call, unit->rowid, *upload, res);
    }
    std::function<bool()> may_check;
    if (allow_enrolment_answer_) may_check = [&] { return allow_enrolment_answer_(call); };
    // A 推荐表 (Word) into an honour round: the person and their form.
    if (honour_forms_ != nullptr &&
        UploadHonourForm(*workflow_, *honour_forms_, call.request.PathParam("code"), unit->rowid,
                         *upload, ActorOf(call), may_check, after_write_, res)) {
      return;
    }
    auto report = sheets_.Upload(call.request.PathParam("code"), unit->rowid, upload->bytes,
                                 upload->filename, ActorOf(call), may_check);
    if (!report.ok()) return res.SetError(report.status());
    if (report->already_enrolled > 0) {
      if (Status logged =
              AuditEnrolmentAnswer(call, "upload", static_cast<int>(report->already_enrolled));
          !logged.ok()) {
        return res.SetError(logged);
      }
    }
    Wrote();
    res.SetJson(Dump(UploadReportJson(*report)));
  }

  // A 参加活动信息表 uploaded as a round's list: the unit's answers for its admitted people are
  // set (all or nothing, UnitAvailability::ApplySheet) and no draft is made. Answered in the
  // shape of an upload's report, with `availability` saying what was done.
  void AnswerSheet(const ApiCall& call, int64_t unit_rowid, const UploadedFile& upload,
                   HttpResponse& res) {
    registry::PersonScope scope;
    scope.kind = registry::PersonScope::Kind::kUnit;
    scope.unit_rowid = unit_rowid;
    registry::UnitAvailability answers(store_);
    auto result =
        answers.ApplySheet(scope, std::string(upload.bytes), upload.filename, "", WhoCalls(call));
    if (!result.ok()) return res.SetError(result.status());
    if (result->errors.empty()) Wrote();
    res.SetJson(Dump(AnswerSheetReportJson(*result)));
  }

  void UploadErrors(const ApiCall& call, HttpResponse& res) {
    auto id = IdParam(call.request, "id");
    if (!id.ok()) return res.SetError(id.status());
    auto bytes = sheets_.ErrorWorkbook(*id, ActorOf(call));
    if (!bytes.ok()) return res.SetError(bytes.status());
    SendXlsx(res, std::move(*bytes), "推荐学员汇总表-错误信息.xlsx");
  }

  void ExportRound(const ApiCall& call, HttpResponse& res) {
    const Caller& c = *call.caller;
    const std::string code = call.request.PathParam("code");
    const std::string unit = call.request.Query("unit").value_or("");
    // A unit exports its own list, a province one of its units', as they print it.
    if (c.role != Role::kStaff) return SendUnitSummary(store_, sheets_, call, res, "xlsx");
    auto reveal = RevealPhoneOf(call.request);
    if (!reveal.ok()) return res.SetError(reveal.status());
    auto bytes = sheets_.ExportRound(code, unit, *reveal, ActorOf(call));
    if (!bytes.ok()) return res.SetError(bytes.status());
    SendXlsx(res, std::move(*bytes),
             code + (unit.empty() ? "" : "-" + unit) + "-推荐学员汇总表.xlsx");
  }

  // The dashboard's 推荐批次进度 as XLSX: every round, newest deadline first, with its units and
  // the people at each state, a province counting its own units as its lists page does. Counts
  // only, no person: not audited.
  void ExportProgress(const ApiCall& call, HttpResponse& res) {
    auto bytes =
        sheets_.ExportProgress(call.caller->role == Role::kProvince ? call.caller->province : "");
    if (!bytes.ok()) return res.SetError(bytes.status());
    SendXlsx(res, std::move(*bytes), "推荐批次进度.xlsx");
  }

  void ExportAdmitted(const ApiCall& call, HttpResponse& res) {
    const std::string year = call.request.Query("year").value_or("");
    if (year.size() != 4 || year.find_first_not_of("0123456789") != std::string::npos) {
      return res.SetError(BadField("year", "应为四位年份，如 2024"));
    }
    auto reveal = RevealPhoneOf(call.request);
    if (!reveal.ok()) return res.SetError(reveal.status());
    auto bytes = sheets_.ExportAdmitted(std::stoi(year), *reveal, ActorOf(call));
    if (!bytes.ok()) return res.SetError(bytes.status());
    SendXlsx(res, std::move(*bytes), year + "年入库人员.xlsx");
  }

  void Duplicates(const ApiCall& call, HttpResponse& res) {
    auto pairs = workflow_->PossibleDuplicates(call.request.PathParam("code"));
    if (!pairs.ok()) return res.SetError(pairs.status());
    Json items = Json::array();
    for (const auto& p : *pairs) {
      items.push_back(
          {{"item", ItemJson(p.item, *call.caller)}, {"other", DuplicateJson(p.other)}});
    }
    res.SetJson(Dump({{"total", items.size()}, {"items", std::move(items)}}));
  }

  void Merge(const ApiCall& call, HttpResponse& res) {
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    const std::string keep = TextOf(*body, "keep"), merged = TextOf(*body, "merge");
    if (keep.empty() || merged.empty())
      return res.SetError(BadField("keep", "请给出保留的编号 keep 和并入的编号 merge"));
    Status s = workflow_->Merge(keep, merged, ActorOf(call));
    if (!s.ok()) return res.SetError(s);
    Wrote();
    res.SetJson(Dump({{"kept", keep}, {"merged", merged}}));
  }

  void Distinct(const ApiCall& call, HttpResponse& res) {
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    const std::string a = TextOf(*body, "id"), b = TextOf(*body, "other");
    if (a.empty() || b.empty())
      return res.SetError(BadField("id", "请给出两个人员编号 id 和 other"));
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
  std::shared_ptr<registry::HonourForms> honour_forms_;  // the honour rounds' 推荐表
  std::function<bool(const ApiCall&)> allow_enrolment_answer_;
  std::function<Status(const ApiCall&, const std::string&, int)> audit_enrolment_answer_;
};

using RouteHandler = std::function<void(const ApiCall&, HttpResponse&)>;

// What the route groups of the rounds share: the handlers' state and the common parameters.
struct RoundsRouteKit {
  using Bind = std::function<RouteHandler(void (RoundsApi::*)(const ApiCall&, HttpResponse&))>;
  Bind bind;
  size_t json_limit = 0;
  const RoundsRouteOptions& options;
  RouteParam code{"code", "path", "string", "推荐批次代码，如 pool-national-2025", true};
  RouteParam id{"id", "path", "integer", "推荐记录编号", true};
  RouteParam unit{"unit", "query", "string",
                  "推荐单位代码（工作人员代单位操作时必填；单位令牌只能是本单位）", false};
  std::string tag = "推荐批次";
};

// Rounds, their deadlines and the rule sets.
void AddRoundRoutes(const RoundsRouteKit& kit, std::vector<RouteSpec>* routes) {
  const RoundsRouteKit::Bind& bind = kit.bind;
  const RouteParam& code = kit.code;
  const size_t json_limit = kit.json_limit;
  const std::string& tag = kit.tag;
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/rounds",
                     .operation_id = "listRounds",
                     .roles = kAllRoles,
                     .summary = "推荐批次列表（时间为北京时间）",
                     .tag = tag,
                     .response_schema = "RoundList",
                     .handler = bind(&RoundsApi::ListRounds)});
  routes->push_back(
      {.method = "GET",
       .pattern = "/api/v1/stats/rounds.xlsx",
       .operation_id = "exportRoundsProgress",
       .roles = kStaffRoles,
       .summary = "统计页的推荐批次进度（XLSX：各批次的单位数与各状态人数；省级只计本省单位）",
       .tag = "统计",
       .response_schema = "Xlsx",
       .handler = bind(&RoundsApi::ExportProgress)});
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/rounds",
                     .operation_id = "createRound",
                     .roles = kStaffOnly,
                     .summary = "创建推荐批次",
                     .tag = tag,
                     .request_schema = "RoundSpec",
                     .response_schema = "Round",
                     .statuses = {201, 400, 404, 409},
                     .max_body_bytes = json_limit,
                     .handler = bind(&RoundsApi::CreateRound)});
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/rounds/supplementary",
                     .operation_id = "createSupplementaryRounds",
                     .roles = kStaffOnly,
                     .summary = "按模板一次创建某年的补充报送批次（6月、11月）",
                     .tag = tag,
                     .request_schema = "SupplementaryRequest",
                     .response_schema = "RoundList",
                     .statuses = {201, 400, 404},
                     .max_body_bytes = json_limit,
                     .handler = bind(&RoundsApi::CreateSupplementary)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/rounds/{code}",
                     .operation_id = "getRound",
                     .roles = kAllRoles,
                     .summary = "读取一个推荐批次",
                     .tag = tag,
                     .params = {code},
                     .response_schema = "Round",
                     .statuses = {404},
                     .handler = bind(&RoundsApi::GetRound)});
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/rounds/{code}/units/{unit}/deadline",
                     .operation_id = "extendUnitDeadline",
                     .roles = kStaffOnly,
                     .summary = "为一个单位延长截止时间（记入审计日志）",
                     .tag = tag,
                     .params = {code, {"unit", "path", "string", "推荐单位代码", true}},
                     .request_schema = "DeadlineRequest",
                     .response_schema = "DeadlineAnswer",
                     .statuses = {400, 404},
                     .max_body_bytes = json_limit,
                     .handler = bind(&RoundsApi::ExtendDeadline)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/rule-sets",
                     .operation_id = "listRuleSets",
                     .roles = kAllRoles,
                     .summary = "规则集列表",
                     .tag = tag,
                     .response_schema = "RuleSetList",
                     .handler = bind(&RoundsApi::ListRuleSets)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/rule-sets/{code}",
                     .operation_id = "getRuleSet",
                     .roles = kAllRoles,
                     .summary = "读取规则集（名额、构成下限、不占名额、推荐条件）",
                     .tag = tag,
                     .params = {{"code", "path", "string", "规则集代码", true}},
                     .response_schema = "RuleSet",
                     .statuses = {404},
                     .handler = bind(&RoundsApi::GetRuleSet)});
  routes->push_back({.method = "PUT",
                     .pattern = "/api/v1/rule-sets/{code}",
                     .operation_id = "putRuleSet",
                     .roles = kStaffOnly,
                     .summary = "保存规则集（先校验，错误指明 JSON 路径）",
                     .tag = tag,
                     .params = {{"code", "path", "string", "规则集代码", true}},
                     .request_schema = "RuleSetBody",
                     .response_schema = "RuleSetInfo",
                     .statuses = {400},
                     .max_body_bytes = json_limit,
                     .handler = bind(&RoundsApi::PutRuleSet)});
}

// A unit's list: reading it, adding people one by one or by a 汇总表, submitting, editing an item.
void AddListRoutes(const RoundsRouteKit& kit, std::vector<RouteSpec>* routes) {
  const RoundsRouteKit::Bind& bind = kit.bind;
  const RouteParam& code = kit.code;
  const RouteParam& id = kit.id;
  const RouteParam& unit = kit.unit;
  const size_t json_limit = kit.json_limit;
  const std::string& tag = kit.tag;
  const RoundsRouteOptions& options = kit.options;
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/rounds/{code}/submission",
                     .operation_id = "getSubmission",
                     .roles = kAllRoles,
                     .summary = "一个单位的推荐名单与实时名额状态",
                     .tag = tag,
                     .params = {code, unit},
                     .response_schema = "Submission",
                     .statuses = {400, 404},
                     .handler = bind(&RoundsApi::GetSubmission)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/rounds/{code}/submissions",
                     .operation_id = "listSubmissions",
                     .roles = kStaffRoles,
                     .summary = "本批次各单位的推荐名单（省级令牌：本省单位）",
                     .tag = tag,
                     .params = {code},
                     .response_schema = "SubmissionList",
                     .statuses = {404},
                     .handler = bind(&RoundsApi::ListSubmissions)});
  // 409 says the ID number is enrolled or listed already
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/rounds/{code}/recommendations",
                     .operation_id = "addRecommendation",
                     .roles = kStaffOnly | static_cast<RoleSet>(Role::kUnit),
                     .summary = "把一位人员加入本单位草稿（查重：已入库或已在开放批次中被推荐的拒绝"
                                "；可能重复的提示核实）",
                     .tag = tag,
                     .params = {code, unit},
                     .request_schema = "RecommendationInput",
                     .response_schema = "AddedRecommendation",
                     .statuses = {201, 400, 404, 409, 412, 422},
                     .max_body_bytes = json_limit,
                     .handler = bind(&RoundsApi::Add),
                     .answers_enrolment = true});
  routes->push_back(
      {.method = "POST",
       .pattern = "/api/v1/rounds/{code}/submit",
       .operation_id = "submitRecommendations",
       .roles = kStaffOnly | static_cast<RoleSet>(Role::kUnit),
       .summary = "报送名单（校验报送时间、推荐意见与规则集；违反规则时指明规则与人员）",
       .tag = tag,
       .params = {code, unit},
       .request_schema = "SubmitRequest",
       .response_schema = "Submission",
       .statuses = {400, 404, 412, 422},
       .max_body_bytes = json_limit,
       .handler = bind(&RoundsApi::Submit)});
  routes->push_back(
      {.method = "POST",
       .pattern = "/api/v1/rounds/{code}/uploads",
       .operation_id = "uploadSummarySheet",
       .roles = kStaffOnly | static_cast<RoleSet>(Role::kUnit),
       .summary =
           "上传推荐学员汇总表（XLSX 或 CSV）到本单位草稿；出错的行可下载带「错误信息」列的副本",
       .tag = tag,
       .params = {code, unit, {"filename", "query", "string", "文件名（只用于提示）", false}},
       .request_schema = "UploadFile",
       .response_schema = "UploadReport",
       .statuses = {400, 404, 503},
       .max_body_bytes = options.max_upload_bytes,
       .body_content_type = "multipart/form-data",
       .handler = bind(&RoundsApi::Upload)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/uploads/{id}/errors.xlsx",
                     .operation_id = "getUploadErrors",
                     .roles = kStaffOnly | static_cast<RoleSet>(Role::kUnit),
                     .summary = "下载上传时出错的行（XLSX，带「错误信息」列）",
                     .tag = tag,
                     .params = {{"id", "path", "integer", "上传记录编号", true}},
                     .response_schema = "XlsxFile",
                     .statuses = {404},
                     .handler = bind(&RoundsApi::UploadErrors)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/recommendations/{id}",
                     .operation_id = "getRecommendation",
                     .roles = kAllRoles,
                     .summary = "读取一条推荐记录",
                     .tag = tag,
                     .params = {id},
                     .response_schema = "Recommendation",
                     .statuses = {400, 404},
                     .handler = bind(&RoundsApi::GetItem)});
  // 409 says the ID number belongs to another record
  routes->push_back({.method = "PATCH",
                     .pattern = "/api/v1/recommendations/{id}",
                     .operation_id = "updateRecommendation",
                     .roles = kStaffOnly | static_cast<RoleSet>(Role::kUnit),
                     .summary = "修改草稿或被退回的推荐记录",
                     .tag = tag,
                     .params = {id},
                     .request_schema = "RecommendationInput",
                     .response_schema = "Recommendation",
                     .statuses = {400, 404, 409, 412, 422},
                     .max_body_bytes = json_limit,
                     .handler = bind(&RoundsApi::EditItem),
                     .answers_enrolment = true});
  routes->push_back({.method = "DELETE",
                     .pattern = "/api/v1/recommendations/{id}",
                     .operation_id = "deleteRecommendation",
                     .roles = kStaffOnly | static_cast<RoleSet>(Role::kUnit),
                     .summary = "把草稿或被退回的人员移出名单",
                     .tag = tag,
                     .params = {id},
                     .response_schema = "Removed",
                     .statuses = {400, 404, 412},
                     .handler = bind(&RoundsApi::RemoveItem)});
}

// Staff's review: decisions, admission in bulk, exports, possible duplicates and merges.
void AddReviewRoutes(const RoundsRouteKit& kit, std::vector<RouteSpec>* routes) {
  const RoundsRouteKit::Bind& bind = kit.bind;
  const RouteParam& code = kit.code;
  const RouteParam& id = kit.id;
  const size_t json_limit = kit.json_limit;
  const std::string& tag = kit.tag;
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/recommendations/{id}/decision",
                     .operation_id = "decideRecommendation",
                     .roles = kStaffOnly,
                     .summary = "审核：review（开始审核）、admit（入库：年度、人才类别、批次）、ret"
                                "urn（退回，须写理由）、reject（不予通过）",
                     .tag = tag,
                     .params = {id},
                     .request_schema = "Decision",
                     .response_schema = "Recommendation",
                     .statuses = {400, 404, 412},
                     .max_body_bytes = json_limit,
                     .handler = bind(&RoundsApi::Decide)});
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/recommendations/bulk-admit",
                     .operation_id = "bulkAdmit",
                     .roles = kStaffOnly,
                     .summary = "批量入库（全部成功或全部不入库）",
                     .tag = tag,
                     .request_schema = "BulkAdmit",
                     .response_schema = "RecommendationList",
                     .statuses = {400, 404, 412},
                     .max_body_bytes = json_limit,
                     .handler = bind(&RoundsApi::BulkAdmit)});
  routes->push_back(
      {.method = "GET",
       .pattern = "/api/v1/rounds/{code}/export.xlsx",
       .operation_id = "exportRound",
       .roles = kAllRoles,
       .summary = "导出本批次推荐学员汇总表（XLSX：汇总及各单位；?unit= "
                  "只导出一个单位；?reveal=phone 显示完整手机号，仅工作人员；"
                  "单位只导出本单位已报送的名单（不带 ?unit= 即本单位），"
                  "省级用户导出本省单位之一；均记入审计日志）",
       .tag = tag,
       .params = {code,
                  {"unit", "query", "string", "只导出这个单位", false},
                  {"reveal", "query", "string", "phone：显示完整联系方式", false, {"phone"}}},
       .response_schema = "XlsxFile",
       .statuses = {400, 404},
       .handler = bind(&RoundsApi::ExportRound)});
  routes->push_back(
      {.method = "GET",
       .pattern = "/api/v1/admissions/export.xlsx",
       .operation_id = "exportAdmissions",
       .roles = kStaffOnly,
       .summary = "导出某年度入库人员名单（XLSX）",
       .tag = tag,
       .params = {{"year", "query", "integer", "入库年度", true},
                  {"reveal", "query", "string", "phone：显示完整联系方式", false, {"phone"}}},
       .response_schema = "XlsxFile",
       .statuses = {400},
       .handler = bind(&RoundsApi::ExportAdmitted)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/rounds/{code}/duplicates",
                     .operation_id = "listDuplicates",
                     .roles = kStaffOnly,
                     .summary = "本批次中可能重复的人员（供人工核实）",
                     .tag = tag,
                     .params = {code},
                     .response_schema = "DuplicateList",
                     .statuses = {404},
                     .handler = bind(&RoundsApi::Duplicates)});
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/duplicates/merge",
                     .operation_id = "mergeDuplicates",
                     .roles = kStaffOnly,
                     .summary = "合并两条人员记录（保留双方的推荐、入库、荣誉与培训记录）",
                     .tag = tag,
                     .request_schema = "MergeRequest",
                     .response_schema = "MergeAnswer",
                     .statuses = {400, 404, 412},
                     .max_body_bytes = json_limit,
                     .handler = bind(&RoundsApi::Merge)});
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/duplicates/distinct",
                     .operation_id = "markDistinct",
                     .roles = kStaffOnly,
                     .summary = "确认两条记录是不同的人，不再提示重复",
                     .tag = tag,
                     .request_schema = "DistinctRequest",
                     .response_schema = "DistinctAnswer",
                     .statuses = {400, 404},
                     .max_body_bytes = json_limit,
                     .handler = bind(&RoundsApi::Distinct)});
}

}  // namespace

Status AddRoundsRoutes(registry::Store& store, const registry::ReferenceData& reference,
                       const RoundsRouteOptions& options, std::vector<RouteSpec>* routes) {
  TP_ASSIGN_OR_RETURN(auto rounds,
                      registry::Rounds::Open(store, registry::DataDir(), reference, options.clock));
  TP_ASSIGN_OR_RETURN(auto workflow, registry::Workflow::Create(*rounds, registry::DataDir()));
  auto invitations = std::make_shared<registry::Invitations>(*rounds, *workflow);
  TP_ASSIGN_OR_RETURN(std::shared_ptr<registry::HonourForms> forms,
                      registry::HonourForms::Create(*workflow, registry::DataDir()));
  invitations->SetHonourForms(forms);
  registry::Workflow& lists = *workflow;
  registry::Rounds& seeded = *rounds;
  auto api = std::make_shared<RoundsApi>(store, std::move(rounds), std::move(workflow), options);
  const RoundsRouteKit kit{
      .bind = [api](void (RoundsApi::*method)(const ApiCall&, HttpResponse&)) -> RouteHandler {
        return
            [api, method](const ApiCall& call, HttpResponse& res) { ((*api).*method)(call, res); };
      },
      .json_limit = options.max_json_body_bytes,
      .options = options};
  AddRoundRoutes(kit, routes);
  AddListRoutes(kit, routes);
  AddReviewRoutes(kit, routes);
  TP_RETURN_IF_ERROR(AddNomineeAttachmentRoutes(store, invitations, api, options.max_upload_bytes,
                                                options.upload_gate, routes));
  AddInvitationRoutes(store, std::move(invitations), api, options.max_json_body_bytes,
                      options.after_write, routes);
  AddSummaryFormRoutes(store, lists, api, routes);
  api->SetHonourForms(forms);
  TP_RETURN_IF_ERROR(AddHonourRoutes(store, seeded, lists, api,
                                     {.max_json_body_bytes = options.max_json_body_bytes,
                                      .after_write = options.after_write,
                                      .audit = options.audit,
                                      .honour_forms = forms},
                                     routes));
  return Status::Ok();
}

}  // namespace tp::api
