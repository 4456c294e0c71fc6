#include "api/invitations_routes.h"

#include "api/honour_form_routes.h"
#include "api/rate_limiter.h"
#include "api/rounds_json.h"
#include "api/route_helpers.h"
#include "registry/accounts/accounts.h"
#include "registry/store/store.h"

namespace tp::api {
namespace {

using Json = nlohmann::json;

Json InvitationJson(const registry::Invitation& i) {
  return {{"id", i.id},
          {"round", i.round},
          {"unit", i.unit_code},
          {"name", i.name},
          {"contact", i.contact_mask},
          {"state", i.state},
          {"reason", TextOrNull(i.reason)},
          {"created_by", i.created_by},
          {"created_at", BeijingOrNull(registry::IsoUtc(i.created_at))},
          {"opened_at", BeijingOrNull(registry::IsoUtc(i.opened_at))},
          {"submitted_at", BeijingOrNull(registry::IsoUtc(i.submitted_at))},
          {"expires_at", BeijingOrNull(registry::IsoUtc(i.expires_at))},
          {"recommendation_id", i.recommendation_id > 0 ? Json(i.recommendation_id) : Json()}};
}

class InvitationsApi {
 public:
  InvitationsApi(registry::Store& store, std::shared_ptr<registry::Invitations> invitations,
                 std::shared_ptr<void> keep, std::function<void()> after_write)
      : store_(store),
        invitations_(std::move(invitations)),
        keep_(std::move(keep)),
        after_write_(std::move(after_write)) {}

  Json FieldsJson() const {
    Json fields = Json::array();
    for (const registry::FormField& f : invitations_->Fields()) {
      Json j = {{"key", f.key},
                {"label", f.label},
                {"kind", f.kind},
                {"required", f.required},
                {"multiline", f.multiline}};
      if (!f.options.empty()) j["options"] = f.options;
      fields.push_back(std::move(j));
    }
    return fields;
  }

  Json FormJson(const registry::NomineeForm& form) const {
    Json errors = Json::array();
    for (const FieldError& e : form.errors) {
      std::string label = e.field;
      for (const registry::FormField& f : invitations_->Fields())
        if (f.key == e.field) label = f.label;
      errors.push_back({{"field", e.field}, {"label", label}, {"message", e.message}});
    }
    Json out = {{"fields", FieldsJson()}, {"values", form.values}, {"errors", std::move(errors)}};
    if (form.honour_spec != nullptr) out["honour"] = HonourJson(form);
    return out;
  }

  // The 推荐表 part of an honour round's form: only the boxes the nominee fills.
  static Json HonourJson(const registry::NomineeForm& form) {
    Json spec = HonourFormSpecJson(*form.honour_spec);
    Json own = Json::array();
    for (const Json& f : spec["fields"])
      if (f.value("nominee", false)) own.push_back(f);
    spec["fields"] = std::move(own);
    spec.erase("attachments");
    spec.erase("opinion_label");
    Json warnings = Json::array();
    for (const FieldError& e : form.honour_warnings)
      warnings.push_back({{"field", e.field}, {"message", e.message}});
    return {{"spec", std::move(spec)},
            {"groups", form.groups},
            {"group_required", form.group_required},
            {"group", TextOrNull(form.group)},
            {"values", Json::parse(registry::HonourFormToJson(*form.honour_spec, form.honour))},
            {"warnings", std::move(warnings)}};
  }

  // The nominee's view: their form and where it goes, nothing else.
  Json NomineeJson(const registry::NomineeForm& form) const {
    Json j = FormJson(form);
    const registry::Invitation& i = form.invitation;
    j["name"] = i.name;
    j["round"] = {{"code", i.round}, {"title", i.round_title}};
    j["unit"] = i.unit_name;
    j["state"] = i.state;
    j["reason"] = TextOrNull(i.reason);
    j["expires_at"] = BeijingOrNull(registry::IsoUtc(i.expires_at));
    return j;
  }

  // The unit an invitation call acts for: a unit itself, staff with ?unit=CODE.
  StatusOr<int64_t> UnitOf(const ApiCall& call) {
    if (call.caller->role == Role::kUnit) return call.caller->unit_rowid;
    const std::string asked = call.request.Query("unit").value_or("");
    if (asked.empty()) return BadField("unit", "请用 ?unit=单位代码 指明推荐单位");
    TP_ASSIGN_OR_RETURN(auto unit, store_.GetUnit(asked));
    return unit.rowid;
  }

  // An invitation the caller may see: staff all, a unit its own; others answer 404.
  StatusOr<registry::NomineeForm> Visible(const ApiCall& call) {
    TP_ASSIGN_OR_RETURN(int64_t id, IdParam(call.request, "id"));
    TP_ASSIGN_OR_RETURN(registry::NomineeForm form, invitations_->Get(id));
    if (call.caller->role != Role::kStaff && form.invitation.unit_rowid != call.caller->unit_rowid)
      return NotFound("没有编号为 " + std::to_string(id) + " 的邀请");
    return form;
  }

  // What a save sends: {"values": {key: text}} and, in an honour round, "honour_form" (the
  // nominee's 推荐表 boxes, replacing theirs whole) and "group" (推荐组别).
  struct Sent {
    std::map<std::string, std::string> values;
    registry::NomineeHonourPatch honour;
  };
  static StatusOr<Sent> Values(const std::string& body) {
    TP_ASSIGN_OR_RETURN(Json j, ParseJsonObject(body));
    Sent sent;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "honour_form") {
        if (!it->is_object()) return BadField("honour_form", "应为对象（推荐表栏目 → 内容）");
        sent.honour.form_json = it->dump();
      } else if (it.key() == "group") {
        if (!it->is_string() && !it->is_null()) return BadField("group", "应为字符串");
        sent.honour.group = it->is_null() ? "" : it->get<std::string>();
      } else if (it.key() != "values") {
        return BadField(it.key(), "未知字段");
      }
    }
    auto v = j.find("values");
    if (v == j.end() || !v->is_object()) return BadField("values", "应为对象（字段 → 内容）");
    std::map<std::string, std::string>& out = sent.values;
    for (auto it = v->begin(); it != v->end(); ++it) {
      if (it->is_null()) {
        out[it.key()] = "";
      } else if (it->is_string()) {
        out[it.key()] = it->get<std::string>();
      } else {
        return BadField(it.key(), "应为字符串");
      }
    }
    return sent;
  }

  void Create(const ApiCall& call, HttpResponse& res) {
    auto unit = UnitOf(call);
    if (!unit.ok()) return res.SetError(unit.status());
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    for (auto it = body->begin(); it != body->end(); ++it)
      if (it.key() != "name" && it.key() != "mobile" && it.key() != "email")
        return res.SetError(BadField(it.key(), "未知字段"));
    std::string contact = TextOf(*body, "mobile");
    if (contact.empty()) contact = TextOf(*body, "email");
    auto made = invitations_->Create(call.request.PathParam("code"), *unit, TextOf(*body, "name"),
                                     contact, ActorOf(call));
    if (!made.ok()) return res.SetError(made.status());
    res.SetJson(Dump({{"invitation", InvitationJson(made->first)},
                      {"token", made->second},
                      {"link", "nominee.html#invite=" + made->second}}),
                201);
  }

  void List(const ApiCall& call, HttpResponse& res) {
    auto unit = UnitOf(call);
    if (!unit.ok()) return res.SetError(unit.status());
    auto list = invitations_->List(call.request.PathParam("code"), *unit);
    if (!list.ok()) return res.SetError(list.status());
    Json items = Json::array();
    for (const auto& i : *list) items.push_back(InvitationJson(i));
    res.SetJson(Dump({{"total", items.size()}, {"items", std::move(items)}}));
  }

  void Get(const ApiCall& call, HttpResponse& res) {
    auto form = Visible(call);
    if (!form.ok()) return res.SetError(form.status());
    res.SetJson(
        Dump({{"invitation", InvitationJson(form->invitation)}, {"form", FormJson(*form)}}));
  }

  void Edit(const ApiCall& call, HttpResponse& res) {
    auto form = Visible(call);
    if (!form.ok()) return res.SetError(form.status());
    auto values = Values(call.request.body);
    if (!values.ok()) return res.SetError(values.status());
    auto edited = invitations_->EditSubmitted(form->invitation.id, values->values, ActorOf(call),
                                              values->honour);
    if (!edited.ok()) return res.SetError(edited.status());
    res.SetJson(
        Dump({{"invitation", InvitationJson(edited->invitation)}, {"form", FormJson(*edited)}}));
  }

  void Return(const ApiCall& call, HttpResponse& res) {
    auto form = Visible(call);
    if (!form.ok()) return res.SetError(form.status());
    auto body = ParseJsonObject(call.request.body);
    if (!body.ok()) return res.SetError(body.status());
    auto back = invitations_->Return(form->invitation.id, TextOf(*body, "reason"), ActorOf(call));
    if (!back.ok()) return res.SetError(back.status());
    res.SetJson(Dump(InvitationJson(*back)));
  }

  void Accept(const ApiCall& call, HttpResponse& res) {
    auto form = Visible(call);
    if (!form.ok()) return res.SetError(form.status());
    auto taken = invitations_->Accept(form->invitation.id, ActorOf(call));
    if (!taken.ok()) return res.SetError(taken.status());
    if (after_write_) after_write_();
    res.SetJson(Dump({{"invitation", InvitationJson(taken->first)},
                      {"recommendation",
                       {{"id", taken->second.item.id},
                        {"state", taken->second.item.state},
                        {"person_created", taken->second.person_created}}}}),
                201);
  }

  void NewLink(const ApiCall& call, HttpResponse& res) {
    auto form = Visible(call);
    if (!form.ok()) return res.SetError(form.status());
    auto made = invitations_->NewLink(form->invitation.id, ActorOf(call));
    if (!made.ok()) return res.SetError(made.status());
    res.SetJson(Dump({{"invitation", InvitationJson(made->first)},
                      {"token", made->second},
                      {"link", "nominee.html#invite=" + made->second}}));
  }

  void Revoke(const ApiCall& call, HttpResponse& res) {
    auto form = Visible(call);
    if (!form.ok()) return res.SetError(form.status());
    auto revoked = invitations_->Revoke(form->invitation.id, ActorOf(call));
    if (!revoked.ok()) return res.SetError(revoked.status());
    res.SetJson(Dump(InvitationJson(*revoked)));
  }

  // --- the nominee
  // The link's secret, or a refusal: a missing header is 400; guessing is slowed per address.
  std::optional<std::string> Secret(const ApiCall& call, HttpResponse& res) {
    int retry = 0;
    if (!bad_links_.Check(call.remote_addr, &retry)) {
      res.SetHeader("Retry-After", std::to_string(retry));
      res.SetError(Status(StatusCode::kResourceExhausted, "尝试次数过多，请稍后再试"));
      return std::nullopt;
    }
    std::string secret = call.request.Header("X-Invitation").value_or("");
    if (secret.empty()) {
      res.SetError(BadField("X-Invitation", "缺少邀请链接：请从推荐单位发来的链接打开"));
      return std::nullopt;
    }
    return secret;
  }

  void Answer(const ApiCall& call, HttpResponse& res, const StatusOr<registry::NomineeForm>& form) {
    if (!form.ok()) {
      if (form.status().code() == StatusCode::kNotFound) (void)bad_links_.Allow(call.remote_addr);
      return res.SetError(form.status());
    }
    res.SetJson(Dump(NomineeJson(*form)));
  }

  void NomineeGet(const ApiCall& call, HttpResponse& res) {
    auto secret = Secret(call, res);
    if (secret) Answer(call, res, invitations_->Open(*secret));
  }

  void NomineeSave(const ApiCall& call, HttpResponse& res) {
    auto secret = Secret(call, res);
    if (!secret) return;
    auto values = Values(call.request.body);
    if (!values.ok()) return res.SetError(values.status());
    Answer(call, res, invitations_->SaveByNominee(*secret, values->values, values->honour));
  }

  void NomineeSubmit(const ApiCall& call, HttpResponse& res) {
    auto secret = Secret(call, res);
    if (!secret) return;
    auto done = invitations_->Submit(*secret, call.remote_addr);
    if (!done.ok()) return Answer(call, res, done);
    res.SetJson(Dump({{"state", "submitted"}}));
  }

 private:
  registry::Store& store_;
  std::shared_ptr<registry::Invitations> invitations_;
  std::shared_ptr<void> keep_;
  std::function<void()> after_write_;
  RateLimiter bad_links_{RateLimit{1, 20}};
};

}  // namespace

void AddInvitationRoutes(registry::Store& store, std::shared_ptr<registry::Invitations> invitations,
                         std::shared_ptr<void> keep, std::size_t json_limit,
                         std::function<void()> after_write, std::vector<RouteSpec>* routes) {
  auto api = std::make_shared<InvitationsApi>(store, std::move(invitations), std::move(keep),
                                              std::move(after_write));
  using Method = void (InvitationsApi::*)(const ApiCall&, HttpResponse&);
  auto bind = [api](Method method) {
    return [api, method](const ApiCall& call, HttpResponse& res) { ((*api).*method)(call, res); };
  };
  const std::string tag = "邀请填表";
  const RoleSet unit_or_staff = kStaffOnly | static_cast<RoleSet>(Role::kUnit);
  const RouteParam code = {"code", "path", "string", "批次代码", true};
  const RouteParam unit = {"unit", "query", "string", "单位代码（工作人员代单位操作时）", false};
  const RouteParam id = {"id", "path", "integer", "邀请编号", true};
  const RouteParam link = {"X-Invitation", "header", "string", "邀请链接中的密钥", true};
  routes->push_back(
      {.method = "POST",
       .pattern = "/api/v1/rounds/{code}/invitations",
       .operation_id = "createInvitation",
       .roles = unit_or_staff,
       .summary = "邀请被推荐人自己填写学员情况表：返回只显示这一次的链接（14 天有效）",
       .tag = tag,
       .params = {code, unit},
       .request_schema = "NewInvitation",
       .response_schema = "CreatedInvitation",
       .statuses = {201, 400, 404, 422},
       .max_body_bytes = json_limit,
       .handler = bind(&InvitationsApi::Create)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/rounds/{code}/invitations",
                     .operation_id = "listInvitations",
                     .roles = unit_or_staff,
                     .summary = "本单位在该批次发出的邀请及其状态",
                     .tag = tag,
                     .params = {code, unit},
                     .response_schema = "InvitationList",
                     .statuses = {400, 404},
                     .handler = bind(&InvitationsApi::List)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/invitations/{id}",
                     .operation_id = "getInvitation",
                     .roles = unit_or_staff,
                     .summary = "一份邀请及被推荐人填写的表格",
                     .tag = tag,
                     .params = {id},
                     .response_schema = "InvitationWithForm",
                     .statuses = {400, 404},
                     .handler = bind(&InvitationsApi::Get)});
  routes->push_back({.method = "PUT",
                     .pattern = "/api/v1/invitations/{id}/form",
                     .operation_id = "updateInvitationForm",
                     .roles = unit_or_staff,
                     .summary = "修改被推荐人已提交的表格",
                     .tag = tag,
                     .params = {id},
                     .request_schema = "FormValues",
                     .response_schema = "InvitationWithForm",
                     .statuses = {400, 404, 412},
                     .max_body_bytes = json_limit,
                     .handler = bind(&InvitationsApi::Edit)});
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/invitations/{id}/return",
                     .operation_id = "returnInvitation",
                     .roles = unit_or_staff,
                     .summary = "退回表格给被推荐人修改（须说明原因）",
                     .tag = tag,
                     .params = {id},
                     .request_schema = "ReturnReason",
                     .response_schema = "Invitation",
                     .statuses = {400, 404, 412},
                     .max_body_bytes = json_limit,
                     .handler = bind(&InvitationsApi::Return)});
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/invitations/{id}/accept",
                     .operation_id = "acceptInvitation",
                     .roles = unit_or_staff,
                     .summary = "把被推荐人提交的表格纳入本单位推荐名单（查重同逐人添加）",
                     .tag = tag,
                     .params = {id},
                     .response_schema = "AcceptedInvitation",
                     .statuses = {201, 400, 404, 409, 412, 422},
                     .max_body_bytes = 1024,
                     .handler = bind(&InvitationsApi::Accept),
                     .answers_enrolment = true});
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/invitations/{id}/link",
                     .operation_id = "renewInvitationLink",
                     .roles = unit_or_staff,
                     .summary = "换一个新链接（原链接随即失效），供丢失了链接的单位重新发送",
                     .tag = tag,
                     .params = {id},
                     .response_schema = "CreatedInvitation",
                     .statuses = {400, 404, 412},
                     .max_body_bytes = 1024,
                     .handler = bind(&InvitationsApi::NewLink)});
  routes->push_back({.method = "DELETE",
                     .pattern = "/api/v1/invitations/{id}",
                     .operation_id = "revokeInvitation",
                     .roles = unit_or_staff,
                     .summary = "撤回邀请（链接随即失效）",
                     .tag = tag,
                     .params = {id},
                     .response_schema = "Invitation",
                     .statuses = {400, 404, 412},
                     .handler = bind(&InvitationsApi::Revoke)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/nominee/form",
                     .operation_id = "getNomineeForm",
                     .needs_token = false,
                     .summary = "被推荐人：读取自己的表格（凭邀请链接，无需账户）",
                     .tag = tag,
                     .params = {link},
                     .response_schema = "NomineeForm",
                     .statuses = {400, 403, 404, 429},
                     .handler = bind(&InvitationsApi::NomineeGet)});
  routes->push_back({.method = "PUT",
                     .pattern = "/api/v1/nominee/form",
                     .operation_id = "updateNomineeForm",
                     .needs_token = false,
                     .summary = "被推荐人：保存草稿",
                     .tag = tag,
                     .params = {link},
                     .request_schema = "FormValues",
                     .response_schema = "NomineeForm",
                     .statuses = {400, 403, 404, 429},
                     .max_body_bytes = json_limit,
                     .handler = bind(&InvitationsApi::NomineeSave)});
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/nominee/submit",
                     .operation_id = "submitNomineeForm",
                     .needs_token = false,
                     .summary = "被推荐人：提交给推荐单位（有错误时 400，逐项指明字段）",
                     .tag = tag,
                     .params = {link},
                     .response_schema = "NomineeSubmitted",
                     .statuses = {400, 403, 404, 429},
                     .max_body_bytes = 1024,
                     .handler = bind(&InvitationsApi::NomineeSubmit)});
}

}  // namespace tp::api
