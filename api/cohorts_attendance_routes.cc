// Attendance per event day: marks sent as JSON, and the sign-in sheet uploaded back
// (registry/cohorts/cohorts.h). Staff only; the registry audits each enrolment changed.
#include <nlohmann/json.hpp>

#include "api/auth.h"
#include "api/internal/cohorts_routes_internal.h"
#include "api/route_helpers.h"

namespace tp::api::cohort_routes {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxItems = 20000;  // 500 people for a month of days, with room to spare

Json Changed(const std::vector<registry::Enrolment>& changed) {
  Json items = Json::array();
  for (const auto& e : changed) items.push_back(EnrolmentJson(e));
  return items;
}

// {"items":[{"id":"P0000001","day":"YYYY-MM-DD","present":true}, ...]}
StatusOr<std::vector<registry::AttendanceMark>> MarksFromJson(const Json& body) {
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() != "items") return BadField(it.key(), "不认识的字段");
  }
  auto items = body.find("items");
  if (items == body.end() || !items->is_array()) {
    return BadField("items", "应为数组：[{\"id\", \"day\", \"present\"}, …]");
  }
  if (items->size() > kMaxItems) {
    return BadField("items", "一次最多 " + std::to_string(kMaxItems) + " 项");
  }
  std::vector<registry::AttendanceMark> marks;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const Json& item = (*items)[i];
    const std::string where = "items[" + std::to_string(i) + "]";
    if (!item.is_object()) return BadField(where, "应为 {\"id\", \"day\", \"present\"}");
    for (auto it = item.begin(); it != item.end(); ++it) {
      if (it.key() != "id" && it.key() != "day" && it.key() != "present") {
        return BadField(where + "." + it.key(), "不认识的字段");
      }
    }
    auto id = item.find("id");
    auto day = item.find("day");
    auto present = item.find("present");
    if (id == item.end() || !id->is_string()) return BadField(where + ".id", "应为人员编号");
    if (day == item.end() || !day->is_string()) return BadField(where + ".day", "应为 YYYY-MM-DD");
    if (present == item.end() || !present->is_boolean()) {
      return BadField(where + ".present", "应为 true（出席）或 false（缺席）");
    }
    marks.push_back({id->get<std::string>(), day->get<std::string>(), present->get<bool>(),
                     static_cast<long>(i + 1), where, ""});
  }
  return marks;
}

void RecordAttendance(const AttendanceRouteOptions& o, const ApiCall& call, HttpResponse& res) {
  auto body = ParseJsonObject(call.request.body);
  if (!body.ok()) return res.SetError(body.status());
  auto marks = MarksFromJson(*body);
  if (!marks.ok()) return res.SetError(marks.status());
  auto changed =
      o.cohorts->RecordAttendance(call.request.PathParam("code"), *marks, WhoCalls(call));
  if (!changed.ok()) return res.SetError(changed.status());
  if (!changed->empty() && o.after_write) o.after_write();
  res.SetJson(Dump({{"total", changed->size()}, {"items", Changed(*changed)}}));
}

void UploadSignIn(const AttendanceRouteOptions& o, const ApiCall& call, HttpResponse& res) {
  std::optional<UploadGate::Slot> slot;
  if (o.upload_gate != nullptr) {
    auto entered = o.upload_gate->Enter(call.caller->Actor());
    if (!entered.ok()) return SetUploadRefused(entered.status(), res);
    slot = std::move(*entered);
  }
  auto upload = UploadedFileOf(call.request, "签到表");
  if (!upload.ok()) return res.SetError(upload.status());
  struct ReturnMemory {
    ~ReturnMemory() { ReturnFreedMemory(); }
  } return_memory;
  auto done = o.cohorts->ImportSignInSheet(call.request.PathParam("code"), upload->bytes,
                                           upload->filename, WhoCalls(call));
  if (!done.ok()) return res.SetError(done.status());
  if (!done->changed.empty() && o.after_write) o.after_write();
  res.SetJson(Dump({{"rows", done->rows},
                    {"marks", done->marks},
                    {"total", done->changed.size()},
                    {"items", Changed(done->changed)}}));
}

}  // namespace

void AddAttendanceRoutes(const AttendanceRouteOptions& options, std::vector<RouteSpec>* routes) {
  const RouteParam code{"code", "path", "string", "活动代码，如 2025-seminar", true};
  auto bind = [options](void (*h)(const AttendanceRouteOptions&, const ApiCall&, HttpResponse&)) {
    return [options, h](const ApiCall& call, HttpResponse& res) { h(options, call, res); };
  };
  routes->push_back({.method = "POST",
                     .pattern = "/api/v1/events/{code}/attendance",
                     .operation_id = "recordAttendance",
                     .roles = kStaffOnly,
                     .summary =
                         "按天记录出勤（一次事务）：出席一天即为已参加，记录的每天都缺席为缺席；"
                         "答复有变化的报名",
                     .tag = "培训",
                     .params = {code},
                     .request_schema = "AttendanceInput",
                     .response_schema = "AttendanceChanged",
                     .statuses = {400, 404, 422},
                     .max_body_bytes = 2 * 1024 * 1024,
                     .handler = bind(&RecordAttendance)});
  routes->push_back(
      {.method = "POST",
       .pattern = "/api/v1/events/{code}/signin",
       .operation_id = "uploadSignInSheet",
       .roles = kStaffOnly,
       .summary = "上传打过勾的签到表（系统导出的 XLSX）：按编号对应、核对姓名，逐日记录出勤；"
                  "有任何问题时逐行逐列说明，什么也不写入",
       .tag = "培训",
       .params = {code, {"filename", "query", "string", "文件名（只用于提示）", false}},
       .request_schema = "UploadFile",
       .response_schema = "SignInApplied",
       .statuses = {400, 404, 422, 503},
       .max_body_bytes = options.max_upload_bytes,
       .body_content_type = "multipart/form-data",
       .handler = bind(&UploadSignIn)});
}

const char* AttendanceOpenApiSchemas() {
  return R"json(
  "AttendanceDay": {"type": "object", "required": ["day", "present"],
    "properties": {"day": {"type": "string", "format": "date"}, "present": {"type": "boolean"}}},
  "AttendanceInput": {"type": "object", "required": ["items"],
    "properties": {"items": {"type": "array", "items": {"type": "object", "required": ["id", "day", "present"],
      "properties": {"id": {"type": "string", "description": "人员编号"},
        "day": {"type": "string", "format": "date", "description": "活动期间、不晚于今天（北京时间）"},
        "present": {"type": "boolean", "description": "true 出席，false 缺席"}}}}}},
  "AttendanceChanged": {"type": "object", "required": ["total", "items"],
    "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Enrolment"}}}},
  "SignInApplied": {"type": "object", "required": ["rows", "marks", "total", "items"],
    "properties": {"rows": {"type": "integer", "description": "读到的人员行数"},
      "marks": {"type": "integer", "description": "读到的出席与缺席标记数"},
      "total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Enrolment"}}}})json";
}

}  // namespace tp::api::cohort_routes
