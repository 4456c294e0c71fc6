// HTTP and JSON for the honour 推荐表 (honour_form_routes.h).
#include "api/honour_form_routes.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "api/auth.h"
#include "api/http_server.h"
#include "api/rounds_json.h"
#include "api/route_helpers.h"
#include "registry/base/paths.h"
#include "registry/forms/labelled_form.h"
#include "registry/rounds/honour_form_docx.h"

namespace tp::api {
namespace {

using Json = nlohmann::json;
using registry::HonourFieldSpec;
using registry::HonourFormView;

const char* KindName(HonourFieldSpec::Kind kind) {
  switch (kind) {
    case HonourFieldSpec::Kind::kText: return "text";
    case HonourFieldSpec::Kind::kChoices: return "choices";
    case HonourFieldSpec::Kind::kRows: return "rows";
    case HonourFieldSpec::Kind::kTexts: return "texts";
    case HonourFieldSpec::Kind::kAccept: return "accept";
    case HonourFieldSpec::Kind::kDate: return "date";
  }
  return "text";
}

Json SpecJson(const registry::HonourFormSpec& spec) {
  Json fields = Json::array();
  for (const HonourFieldSpec& f : spec.fields) {
    Json j = {{"key", f.key}, {"kind", KindName(f.kind)}, {"required", f.required}};
    if (f.max_chars > 0) j["max_chars"] = f.max_chars;
    if (f.warn_below > 0) j["warn_below"] = f.warn_below;
    if (f.warn_above > 0) j["warn_above"] = f.warn_above;
    if (f.min_items > 0) j["min_items"] = f.min_items;
    if (f.max_items > 0) j["max_items"] = f.max_items;
    if (f.item_max_chars > 0) j["item_max_chars"] = f.item_max_chars;
    if (!f.values.empty()) j["values"] = f.values;
    if (!f.columns.empty()) {
      j["columns"] = Json::array();
      for (const auto& c : f.columns) j["columns"].push_back({{"key", c.key}, {"max_chars", c.max_chars}});
    }
    if (!f.message.empty()) j["message"] = f.message;
    if (!f.text.empty()) j["text"] = f.text;
    j["nominee"] = f.nominee;
    fields.push_back(std::move(j));
  }
  Json person = Json::array();
  for (const auto& p : spec.person_fields)
    person.push_back({{"label", p.label}, {"field", p.field}, {"required", p.required}});
  Json attachments = Json::array();
  for (const auto& a : spec.attachments)
    attachments.push_back({{"kind", a.kind}, {"label", a.label}, {"min", a.min}});
  return {{"code", spec.code},          {"title", spec.title},
          {"source", spec.source},      {"opinion_label", spec.opinion_label},
          {"fields", std::move(fields)}, {"person_fields", std::move(person)},
          {"attachments", std::move(attachments)}};
}

Json ErrorsJson(const std::vector<FieldError>& errors) {
  Json out = Json::array();
  for (const FieldError& e : errors) out.push_back({{"field", e.field}, {"message", e.message}});
  return out;
}

Json ViewJson(const HonourFormView& v, const Caller& caller) {
  const registry::Person& p = v.person;
  Json person = {{"id", p.public_id},
                 {"name", p.name},
                 {"gender", p.gender},
                 {"birth_date", p.birth_date},
                 {"unit", p.unit_name},
                 {"post", p.post},
                 {"title", p.title},
                 {"education", p.education},
                 {"degree", p.degree},
                 {"graduated_from", p.graduated_from},
                 {"major", p.major},
                 {"email", p.email},
                 {"address", p.address},
                 {"postcode", p.postcode},
                 {"id_number_mask", v.id_number_mask},
                 {"phone_mask", v.phone_mask}};
  if (caller.SeesSensitiveAttributes()) {
    person["ethnic_group"] = p.ethnic_group;
    person["political_affiliation"] = p.political_affiliation;
  }
  Json attachments = Json::array();
  for (const auto& a : v.attachments) {
    attachments.push_back({{"id", a.id},
                           {"kind", a.kind},
                           {"filename", a.filename},
                           {"content_type", a.content_type},
                           {"bytes", a.bytes}});
  }
  Json exclusions = Json::array();
  for (const auto& c : v.exclusions) {
    exclusions.push_back({{"check", c.raised.code},
                          {"rule", c.raised.rule},
                          {"message", c.raised.message},
                          {"confirmable", c.raised.confirmable},
                          {"answer", TextOrNull(c.answer)},
                          {"note", TextOrNull(c.note)},
                          {"answered_by", TextOrNull(c.answered_by)},
                          {"answered_at", TextOrNull(c.answered_at)},
                          {"open", c.open}});
  }
  return {{"recommendation_id", v.recommendation_id},
          {"round", v.round},
          {"unit", v.unit_code},
          {"state", v.state},
          {"spec", SpecJson(*v.spec)},
          {"person", std::move(person)},
          {"honours", v.honours},
          {"group", TextOrNull(v.group)},
          {"opinion", TextOrNull(v.opinion)},
          {"values", Json::parse(registry::HonourFormToJson(*v.spec, v.form))},
          {"errors", ErrorsJson(v.check.errors)},
          {"missing", ErrorsJson(v.check.missing)},
          {"warnings", ErrorsJson(v.check.warnings)},
          {"attachments", std::move(attachments)},
          {"missing_attachments", ErrorsJson(v.missing_attachments)},
          {"exclusions", std::move(exclusions)},
          {"version", v.version},
          {"updated_at", TextOrNull(v.updated_at)}};
}

class HonourFormApi {
 public:
  HonourFormApi(registry::Store& store, std::shared_ptr<registry::HonourForms> forms,
                std::shared_ptr<void> keep)
      : store_(store), forms_(std::move(forms)), keep_(std::move(keep)) {}

  // The form when the caller may see its recommendation; 404 as if absent otherwise.
  StatusOr<HonourFormView> Visible(const ApiCall& call, int64_t id) {
    auto view = forms_->Get(id);
    if (!view.ok()) return view.status();
    const Caller& c = *call.caller;
    if (c.role == Role::kStaff) return view;
    if (c.role == Role::kUnit && view->unit_code == c.unit_code) return view;
    if (c.role == Role::kProvince) {
      auto unit = store_.GetUnit(view->unit_code);
      if (unit.ok() && unit->province == c.province) return view;
    }
    return NotFound("没有编号为 " + std::to_string(id) + " 的推荐记录");
  }

  void Get(const ApiCall& call, HttpResponse& res) {
    if (Status s = DoGet(call, res); !s.ok()) res.SetError(s);
  }

  Status DoGet(const ApiCall& call, HttpResponse& res) {
    TP_ASSIGN_OR_RETURN(auto id, IdParam(call.request, "id"));
    TP_ASSIGN_OR_RETURN(auto view, Visible(call, id));
    res.SetJson(Dump(ViewJson(view, *call.caller)));
    return Status::Ok();
  }

  void Put(const ApiCall& call, HttpResponse& res) {
    if (Status s = DoPut(call, res); !s.ok()) res.SetError(s);
  }

  Status DoPut(const ApiCall& call, HttpResponse& res) {
    TP_ASSIGN_OR_RETURN(auto id, IdParam(call.request, "id"));
    TP_ASSIGN_OR_RETURN(auto visible, Visible(call, id));
    (void)visible;
    TP_ASSIGN_OR_RETURN(auto view, forms_->Put(id, call.request.body, ActorOf(call)));
    res.SetJson(Dump(ViewJson(view, *call.caller)));
    return Status::Ok();
  }

  void Answer(const ApiCall& call, HttpResponse& res) {
    if (Status s = DoAnswer(call, res); !s.ok()) res.SetError(s);
  }

  Status DoAnswer(const ApiCall& call, HttpResponse& res) {
    TP_ASSIGN_OR_RETURN(auto id, IdParam(call.request, "id"));
    TP_ASSIGN_OR_RETURN(auto body, ParseJsonObject(call.request.body));
    for (auto it = body.begin(); it != body.end(); ++it) {
      if (it.key() != "check" && it.key() != "answer" && it.key() != "note")
        return BadField(it.key(), "未知的键（可用：check、answer、note）");
    }
    TP_ASSIGN_OR_RETURN(auto visible, Visible(call, id));
    (void)visible;
    registry::ExclusionAnswer answer{TextOf(body, "check"), TextOf(body, "answer"),
                                     TextOf(body, "note")};
    TP_ASSIGN_OR_RETURN(auto view, forms_->Answer(id, answer, ActorOf(call)));
    res.SetJson(Dump(ViewJson(view, *call.caller)));
    return Status::Ok();
  }

  void Pdf(const ApiCall& call, HttpResponse& res) {
    if (Status s = Print(call, "pdf", res); !s.ok()) res.SetError(s);
  }
  void Docx(const ApiCall& call, HttpResponse& res) {
    if (Status s = Print(call, "docx", res); !s.ok()) res.SetError(s);
  }

  // The printed 推荐表 as `format` (pdf, docx), audited.
  Status Print(const ApiCall& call, const std::string& format, HttpResponse& res) {
    TP_ASSIGN_OR_RETURN(auto id, IdParam(call.request, "id"));
    TP_ASSIGN_OR_RETURN(auto view, Visible(call, id));
    const Caller& c = *call.caller;
    registry::LabelledForm form;
    form.title = view.spec->title;
    form.subject = view.person.public_id;
    for (auto& box : registry::HonourFormPrintBoxes(view, c.SeesSensitiveAttributes())) {
      form.boxes.push_back({std::move(box.label), std::move(box.value), box.wide, box.stamp,
                            std::move(box.columns), std::move(box.rows)});
    }
    registry::FormPrint print;
    print.printed_by = PrintedBy(c);
    print.printed_at = static_cast<int64_t>(std::time(nullptr));
    print.sensitive_attributes = c.SeesSensitiveAttributes();
    TP_ASSIGN_OR_RETURN(
        auto bytes, format == "pdf" ? registry::LabelledFormPdf(form, print)
                                    : registry::LabelledFormDocx(
                                          form, print, registry::DataDir() + "/forms/honour_form"));
    const registry::Actor actor = ActorOf(call);
    Status logged = store_.Audit(actor.Entry(
        "export", "recommendation", std::to_string(id),
        Json{{"round", view.round}, {"form", view.spec->title}, {"format", format}}.dump()));
    if (!logged.ok()) return logged;
    res.status = 200;
    res.content_type = format == "pdf" ? "application/pdf"
                                       : "application/vnd.openxmlformats-officedocument."
                                         "wordprocessingml.document";
    const std::string name = "推荐表-" + view.person.public_id + "." + format;
    res.SetHeader(
        "Content-Disposition",
        AttachmentDisposition(name, "honour-form-" + view.person.public_id + "." + format));
    res.SetHeader("Cache-Control", "no-store");
    res.body = std::move(bytes);
    return Status::Ok();
  }

 private:
  registry::Store& store_;
  std::shared_ptr<registry::HonourForms> forms_;
  std::shared_ptr<void> keep_;
};

}  // namespace

nlohmann::json HonourFormSpecJson(const registry::HonourFormSpec& spec) { return SpecJson(spec); }

bool UploadHonourForm(registry::Workflow& workflow, registry::HonourForms& forms,
                      const std::string& round, int64_t unit_rowid, const UploadedFile& upload,
                      const registry::Actor& actor, const std::function<bool()>& may_check,
                      const std::function<void()>& after_write, HttpResponse& res) {
  auto found = workflow.rounds().GetRound(round);
  if (!found.ok()) return false;
  const registry::HonourFormSpec* spec = forms.SpecForRuleSet(found->rule_set);
  if (spec == nullptr || !registry::IsHonourFormDocx(*spec, upload.bytes)) return false;
  auto imported = registry::ImportHonourDocx(workflow, forms, round, unit_rowid, upload.bytes,
                                             upload.filename, actor, may_check);
  if (!imported.ok()) {
    res.SetError(imported.status());
    return true;
  }
  if (imported->report.recommendation_id != 0 && after_write) after_write();
  Json out = UploadReportJson(imported->report);
  out["recommendation_id"] = imported->report.recommendation_id == 0
                                 ? Json(nullptr)
                                 : Json(imported->report.recommendation_id);
  res.SetJson(out.dump());
  return true;
}

void AddHonourFormRoutes(registry::Store& store, std::shared_ptr<registry::HonourForms> forms,
                         std::shared_ptr<void> keep, std::size_t max_json_body_bytes,
                         std::vector<RouteSpec>* routes) {
  auto api = std::make_shared<HonourFormApi>(store, std::move(forms), std::move(keep));
  auto bind = [api](void (HonourFormApi::*method)(const ApiCall&, HttpResponse&)) -> std::function<void(const ApiCall&, HttpResponse&)> {
    return [api, method](const ApiCall& call, HttpResponse& res) { ((*api).*method)(call, res); };
  };
  const RouteParam id{"id", "path", "integer", "推荐记录编号", true};
  const std::string tag = "推荐批次";
  const RoleSet writers = kStaffOnly | static_cast<RoleSet>(Role::kUnit);
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/recommendations/{id}/honour-form",
                     .operation_id = "getHonourForm",
                     .roles = kAllRoles,
                     .summary = "读取荣誉推选的推荐表：栏目及其字数限制、未填项、提示、附件与排除条件核查",
                     .tag = tag,
                     .params = {id},
                     .response_schema = "HonourForm",
                     .statuses = {400, 404},
                     .handler = bind(&HonourFormApi::Get)});
  routes->push_back({.method = "PUT",
                     .pattern = "/api/v1/recommendations/{id}/honour-form",
                     .operation_id = "putHonourForm",
                     .roles = writers,
                     .summary = "保存推荐表（栏目名 → 内容；未知的栏目报错；名单报送后不能修改）",
                     .tag = tag,
                     .params = {id},
                     .request_schema = "HonourFormValues",
                     .response_schema = "HonourForm",
                     .statuses = {400, 404, 412},
                     .max_body_bytes = max_json_body_bytes,
                     .handler = bind(&HonourFormApi::Put)});
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/recommendations/{id}/exclusions",
                     .operation_id = "answerExclusion",
                     .roles = writers,
                     .summary = "回应排除条件核查：confirm（确认仍符合条件，须说明理由）或 correct（已更正人员信息）",
                     .tag = tag,
                     .params = {id},
                     .request_schema = "ExclusionAnswer",
                     .response_schema = "HonourForm",
                     .statuses = {400, 404, 412, 422},
                     .max_body_bytes = max_json_body_bytes,
                     .handler = bind(&HonourFormApi::Answer)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/recommendations/{id}/honour-form.pdf",
                     .operation_id = "getHonourFormPdf",
                     .roles = kAllRoles,
                     .summary = "下载推荐表（PDF，带水印；记入审计日志）",
                     .tag = tag,
                     .params = {id},
                     .statuses = {400, 404, 503},
                     .handler = bind(&HonourFormApi::Pdf)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/recommendations/{id}/honour-form.docx",
                     .operation_id = "getHonourFormDocx",
                     .roles = kAllRoles,
                     .summary = "下载推荐表（Word，记入审计日志）；填好后可作为推荐表上传回本批次",
                     .tag = tag,
                     .params = {id},
                     .statuses = {400, 404, 500},
                     .handler = bind(&HonourFormApi::Docx)});
}

std::string HonourFormOpenApiSchemas() {
  return R"json({
  "HonourFormValues": {"type": "object", "description": "推荐表的栏目（键为栏目名，见 HonourForm.spec.fields）：text/date 为字符串，choices/texts 为字符串数组，rows 为对象数组，accept 为布尔值；未知的栏目报错", "additionalProperties": true},
  "ExclusionAnswer": {"type": "object", "required": ["check", "answer"], "additionalProperties": false,
    "properties": {"check": {"type": "string"}, "answer": {"type": "string", "enum": ["confirm", "correct"]}, "note": {"type": "string"}}},
  "HonourForm": {"type": "object", "required": ["recommendation_id", "round", "unit", "state", "spec", "person", "values", "errors", "missing", "warnings", "attachments", "missing_attachments", "exclusions", "version"],
    "properties": {"recommendation_id": {"type": "integer"}, "round": {"type": "string"}, "unit": {"type": "string"}, "state": {"type": "string"},
      "spec": {"type": "object"}, "person": {"type": "object"}, "honours": {"type": "array", "items": {"type": "string"}},
      "group": {"type": "string", "nullable": true}, "opinion": {"type": "string", "nullable": true},
      "values": {"type": "object"}, "errors": {"type": "array", "items": {"type": "object"}}, "missing": {"type": "array", "items": {"type": "object"}},
      "warnings": {"type": "array", "items": {"type": "object"}}, "attachments": {"type": "array", "items": {"type": "object"}},
      "missing_attachments": {"type": "array", "items": {"type": "object"}}, "exclusions": {"type": "array", "items": {"type": "object"}},
      "version": {"type": "integer"}, "updated_at": {"type": "string", "nullable": true}}}
})json";
}

}  // namespace tp::api
