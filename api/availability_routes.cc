#include "api/availability_routes.h"

#include <memory>
#include <nlohmann/json.hpp>

#include "api/auth.h"
#include "api/route_helpers.h"
#include "registry/cohorts/unit_availability.h"
#include "registry/store/store_api_queries.h"

namespace tp::api {
namespace {

using Json = nlohmann::json;

struct Context {
  Context(registry::Store& s, AvailabilityRouteOptions o)
      : store(s), answers(s), options(std::move(o)) {}

  // The caller's scope; staff may narrow it to one unit by its code.
  StatusOr<registry::PersonScope> ScopeOf(const ApiCall& call) {
    registry::PersonScope scope = call.caller->Scope();
    const std::string unit = call.request.Query("unit").value_or("");
    if (unit.empty() || call.caller->role != Role::kStaff) return scope;
    TP_ASSIGN_OR_RETURN(auto units, store.ListUnits());
    for (const auto& u : units) {
      if (u.code != unit) continue;
      scope.kind = registry::PersonScope::Kind::kUnit;
      scope.unit_rowid = u.rowid;
      return scope;
    }
    return FieldStatus(StatusCode::kNotFound, "unit", "没有代码为 " + unit + " 的推荐单位");
  }

  void Wrote() {
    if (options.after_write) options.after_write();
  }

  registry::Store& store;
  registry::UnitAvailability answers;
  AvailabilityRouteOptions options;
};

Json AnswerJson(const registry::Availability& a) {
  return {{"available", a.available ? Json(*a.available) : Json(nullptr)},
          {"source", TextOrNull(a.source)}};
}

void List(Context& ctx, const ApiCall& call, HttpResponse& res) {
  auto scope = ctx.ScopeOf(call);
  if (!scope.ok()) return res.SetError(scope.status());
  auto events = ctx.answers.AskingEvents();
  if (!events.ok()) return res.SetError(events.status());
  auto people = ctx.answers.List(*scope, *events);
  if (!people.ok()) return res.SetError(people.status());
  Json event_items = Json::array();
  for (const auto& e : *events) {
    event_items.push_back({{"code", e.code},
                           {"title", e.title},
                           {"starts_on", e.starts_on},
                           {"ends_on", e.ends_on},
                           {"field", e.availability_field}});
  }
  Json items = Json::array();
  for (const auto& p : *people) {
    Json answers = Json::object();
    for (size_t i = 0; i < events->size(); ++i)
      answers[(*events)[i].code] = AnswerJson(p.answers[i]);
    items.push_back(
        {{"id", p.person_id}, {"name", p.name}, {"unit", p.unit}, {"answers", std::move(answers)}});
  }
  res.SetJson(Dump(
      {{"events", std::move(event_items)}, {"total", items.size()}, {"items", std::move(items)}}));
}

void Put(Context& ctx, const ApiCall& call, HttpResponse& res) {
  auto body = ParseJsonObject(call.request.body);
  if (!body.ok()) return res.SetError(body.status());
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (it.key() != "available") return res.SetError(BadField(it.key(), "不认识的字段"));
  }
  auto it = body->find("available");
  if (it == body->end() || !(it->is_boolean() || it->is_null())) {
    return res.SetError(BadField("available", "应为 true（是）、false（否）或 null（未填）"));
  }
  auto scope = ctx.ScopeOf(call);
  if (!scope.ok()) return res.SetError(scope.status());
  const std::optional<bool> answer =
      it->is_null() ? std::nullopt : std::optional<bool>(it->get<bool>());
  const std::string code = call.request.PathParam("code");
  const std::string id = call.request.PathParam("id");
  Status s = ctx.answers.Report(*scope, code, id, answer, WhoCalls(call));
  if (!s.ok()) return res.SetError(s);
  ctx.Wrote();
  auto events = ctx.answers.AskingEvents();
  if (!events.ok()) return res.SetError(events.status());
  std::vector<registry::Event> one;
  for (const auto& e : *events) {
    if (e.code == code) one.push_back(e);
  }
  auto people = ctx.answers.List(*scope, one);
  if (!people.ok()) return res.SetError(people.status());
  for (const auto& p : *people) {
    if (p.person_id != id || p.answers.empty()) continue;
    Json out = AnswerJson(p.answers[0]);
    out["id"] = id;
    out["event"] = code;
    return res.SetJson(Dump(out));
  }
  res.SetError(NotFound("没有这个编号的人员"));
}

void Upload(Context& ctx, const ApiCall& call, HttpResponse& res) {
  auto scope = ctx.ScopeOf(call);
  if (!scope.ok()) return res.SetError(scope.status());
  auto upload = UploadedFileOf(call.request, "参加活动信息表");
  if (!upload.ok()) return res.SetError(upload.status());
  const std::string event = call.request.Query("event").value_or("");
  auto result = ctx.answers.ApplySheet(*scope, std::string(upload->bytes), upload->filename, event,
                                       WhoCalls(call));
  if (!result.ok()) return res.SetError(result.status());
  if (!result->errors.empty()) {
    const auto& first = result->errors.front();
    return res.SetError(InvalidArgument(
        "第 " + std::to_string(first.row) + " 行「" + first.field + "」：" + first.message +
            "（共 " + std::to_string(result->errors.size()) + " 处错误，未写入任何内容）",
        result->errors));
  }
  ctx.Wrote();
  res.SetJson(Dump({{"rows", result->rows}, {"changed", result->changed}}));
}

using Handler = void (*)(Context&, const ApiCall&, HttpResponse&);

}  // namespace

void AddAvailabilityRoutes(registry::Store& store, const AvailabilityRouteOptions& options,
                           std::vector<RouteSpec>* routes) {
  auto ctx = std::make_shared<Context>(store, options);
  auto bind = [ctx](Handler h) {
    return [ctx, h](const ApiCall& call, HttpResponse& res) { h(*ctx, call, res); };
  };
  const std::string tag = "培训";
  // A province reads its people's answers; the answers are the units' (and staff's) to give.
  constexpr RoleSet kWriters = kStaffOnly | static_cast<RoleSet>(Role::kUnit);
  const RouteParam unit{"unit", "query", "string", "推荐单位代码（仅 staff，只看该单位）", false};
  routes->push_back(
      {.method = "GET",
       .pattern = "/api/v1/availability",
       .operation_id = "listUnitAvailability",
       .roles = kAllRoles,
       .summary = "本单位（本省）已入库人员对各活动的可否参加（单位报送与工作人员设置）",
       .tag = tag,
       .params = {unit},
       .response_schema = "AvailabilityList",
       .statuses = {404},
       .handler = bind(&List)});
  routes->push_back({.method = "PUT",
                     .pattern = "/api/v1/availability/{code}/{id}",
                     .operation_id = "reportAvailability",
                     .roles = kWriters,
                     .summary = "单位报送一位已入库人员的可否参加（工作人员的设置仍优先）",
                     .tag = tag,
                     .params = {{"code", "path", "string", "活动代码，如 2025-seminar", true},
                                {"id", "path", "string", "人员编号（P 加 7 位数字）", true}},
                     .request_schema = "UnitAvailabilityInput",
                     .response_schema = "UnitAvailability",
                     .statuses = {400, 404, 422},
                     .max_body_bytes = 64 * 1024,
                     .handler = bind(&Put)});
  routes->push_back(
      {.method = "POST",
       .pattern = "/api/v1/availability/sheet",
       .operation_id = "uploadAvailabilitySheet",
       .roles = kWriters,
       .summary =
           "上传参加活动信息表（XLSX、XLS、CSV 或 Word 表格：姓名、编号或身份证号、可否参加；"
           "附件2 "
           "没有编号和身份证号时按姓名、出生年月和单位职务查找）；任何一行有错则不写入，逐行报告",
       .tag = tag,
       .params = {unit,
                  {"event", "query", "string", "「可否参加」一列所指的活动代码", false},
                  {"filename", "query", "string", "文件名（只用于提示）", false}},
       .request_schema = "UploadFile",
       .response_schema = "AvailabilitySheetResult",
       .statuses = {400, 404},
       .max_body_bytes = options.max_upload_bytes,
       .body_content_type = "multipart/form-data",
       .handler = bind(&Upload)});
}

std::string AvailabilityOpenApiSchemas() {
  return R"json({
  "AvailabilityList": {"type": "object", "required": ["events", "total", "items"],
    "properties": {
      "events": {"type": "array", "items": {"type": "object", "required": ["code", "title", "field"],
        "properties": {"code": {"type": "string"}, "title": {"type": "string"}, "starts_on": {"type": "string"},
          "ends_on": {"type": "string"},
          "field": {"type": "string", "enum": ["can_attend_seminar", "can_attend_study_tour"]}}}},
      "total": {"type": "integer"},
      "items": {"type": "array", "items": {"type": "object", "required": ["id", "name", "answers"],
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "unit": {"type": "string"},
          "answers": {"type": "object", "description": "以活动代码为键",
            "additionalProperties": {"type": "object", "properties": {
              "available": {"type": "boolean", "nullable": true},
              "source": {"type": "string", "nullable": true, "enum": ["staff", "unit_sheet", "not_asked", null]}}}}}}}}},
  "UnitAvailability": {"type": "object", "required": ["id", "event", "available", "source"],
    "properties": {"id": {"type": "string"}, "event": {"type": "string"},
      "available": {"type": "boolean", "nullable": true},
      "source": {"type": "string", "nullable": true, "enum": ["staff", "unit_sheet", "not_asked", null]}}},
  "AvailabilitySheetResult": {"type": "object", "required": ["rows", "changed"],
    "properties": {"rows": {"type": "integer"}, "changed": {"type": "integer"}}}
})json";
}

}  // namespace tp::api
