// The OpenAPI 3 document of the route table. Paths, methods, parameters and
// who may call what come from the RouteSpecs themselves, so the document
// cannot list a route the server lacks or miss one it has; the schemas below
// describe the bodies the handlers write (tests/api/openapi_test.cc calls
// every documented route and checks each answer against them).
#include <nlohmann/json.hpp>

#include "api/api_service.h"
#include "registry/base/person_fields.h"

namespace tp::api {
namespace {

using Json = nlohmann::json;
using registry::PersonField;
using registry::PersonFieldKind;

constexpr const char* kSchemas = R"json({
  "Error": {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"],
      "properties": {
        "code": {"type": "string", "example": "INVALID_ARGUMENT"},
        "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object", "required": ["field", "message"],
          "properties": {"field": {"type": "string"}, "message": {"type": "string"}, "row": {"type": "integer"}}}}}}}
  },
  "Health": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["ok", "unavailable"]},
    "database": {"type": "string", "enum": ["ok", "unavailable"]}, "index": {"type": "string", "enum": ["ok", "unavailable"]},
    "index_lag": {"type": "integer", "description": "登记库中搜索索引尚未收入的变更数"},
    "index_documents": {"type": "integer"}}},
  "Metrics": {"type": "string", "description": "Prometheus 文本格式"},
  "OpenApi": {"type": "object", "required": ["openapi", "paths"]},
  "Me": {"type": "object", "required": ["role", "via"],
    "properties": {"token_id": {"type": "integer", "nullable": true, "description": "令牌调用时"},
      "via": {"type": "string", "enum": ["session", "token"]},
      "username": {"type": "string", "nullable": true}, "display_name": {"type": "string", "nullable": true},
      "must_change_password": {"type": "boolean"},
      "role": {"type": "string", "enum": ["staff", "province", "unit", "expert"]},
      "label": {"type": "string", "nullable": true}, "unit": {"$ref": "#/components/schemas/Unit"},
      "province": {"type": "object"}}},
  "SearchResult": {"type": "object", "required": ["total", "page", "size", "hits", "facets"],
    "properties": {"total": {"type": "integer"}, "page": {"type": "integer"}, "size": {"type": "integer"},
      "partial": {"type": "boolean", "description": "单位令牌：检索在上限处停止，结果可能不全"},
      "homophones": {"type": "boolean", "description": "没有同名者，列出的是读音相同或相近的姓名"},
      "facets_estimated": {"type": "boolean", "description": "分面计数为估计值"},
      "understood": {"type": "array", "description": "检索词中被读作筛选条件的词（女、壮族、广西、80后、1983），按输入顺序",
        "items": {"type": "object", "required": ["filter", "value", "from"],
          "properties": {"filter": {"type": "string", "description": "筛选名，或 age（年龄界限）、birth_year（出生年份或年代，如 1980-1989）、city（地级市六位代码：本省且文本含该市名者靠前）"},
            "value": {"type": "string"}, "from": {"type": "string", "description": "输入的原词"},
            "label": {"type": "string", "description": "可读的值，如省份名称"}}}},
      "unmatched": {"type": "array", "items": {"type": "string"},
        "description": "没有找到任何人的词，已忽略（其余的词仍在检索）"},
      "did_you_mean": {"type": "string", "description": "您要找的是不是：同音或近音检索时，把该词换成第一位的姓名（黄昊 → 黄浩）；有词被忽略时，保留下来的词。按原词找到时没有此项"},
      "loose": {"type": "boolean", "description": "每个词都有人匹配，但没有人同时匹配全部：按匹配词数排列"},
      "hits": {"type": "array", "items": {"type": "object", "required": ["id", "name", "highlights"],
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "unit": {"type": "string"},
          "post": {"type": "string"}, "title": {"type": "string"}, "gender": {"type": "string"},
          "birth_date": {"type": "string", "description": "YYYY-MM"},
          "ethnic_group": {"type": "string", "description": "仅 staff 与 province 令牌"},
          "province": {"type": "string"}, "unit_type": {"type": "string"}, "tier": {"type": "string"},
          "recommending_unit": {"type": "string"}, "admission_year": {"type": "integer"},
          "trained": {"type": "boolean"}, "score": {"type": "number"},
          "highlights": {"type": "object", "additionalProperties": {"type": "string"}}}}},
      "facets": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "object",
        "properties": {"value": {"type": "string"}, "count": {"type": "integer"}}}}}},
    "example": {"total": 1, "page": 1, "size": 10,
      "hits": [{"id": "P0000005", "name": "林良", "unit": "哈尔滨工业大学交通运输学院", "post": "教研室主任",
        "title": "教授", "gender": "男", "birth_date": "1976-04", "ethnic_group": "汉族", "province": "23",
        "unit_type": "高校科协", "tier": "领军人才", "recommending_unit": "哈尔滨工业大学科协",
        "admission_year": 2024, "trained": false, "score": 16.1,
        "highlights": {"fields": "<em>冶金</em>工程"}}],
      "facets": {"tier": [{"value": "领军人才", "count": 1}], "province": [{"value": "23", "count": 1}]}}},
  "PersonSummary": {"type": "object", "required": ["id", "name", "version"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "gender": {"type": "string", "nullable": true},
      "birth_date": {"type": "string", "nullable": true},
      "id_number": {"type": "string", "nullable": true, "description": "总是遮盖，如 4501**********0023"},
      "unit": {"type": "string", "nullable": true}, "post": {"type": "string", "nullable": true},
      "title": {"type": "string", "nullable": true}, "province": {"type": "string", "nullable": true},
      "recommending_unit": {"type": "string", "nullable": true}, "tier": {"type": "string", "nullable": true},
      "admission_year": {"type": "integer", "nullable": true}, "ethnic_group": {"type": "string", "nullable": true},
      "version": {"type": "integer"}, "updated_at": {"type": "string"}}},
  "PersonList": {"type": "object", "required": ["total", "page", "size", "items"],
    "properties": {"total": {"type": "integer"}, "page": {"type": "integer"}, "size": {"type": "integer"},
      "items": {"type": "array", "items": {"$ref": "#/components/schemas/PersonSummary"}}}},
  "Person": {"type": "object", "required": ["id", "name", "version", "id_number", "phone", "admissions", "revealed"],
    "description": "身份证号与手机默认遮盖；民族与政治面貌只给 staff 与 province 令牌",
    "properties": {"id": {"type": "string"},
      "recommending_unit": {"allOf": [{"$ref": "#/components/schemas/Unit"}], "nullable": true},
      "admissions": {"type": "array", "items": {"type": "object"}},
      "honours": {"type": "array", "items": {"type": "object"}},
      "trainings": {"type": "array", "items": {"type": "object"}},
      "rounds": {"type": "array", "items": {"type": "string"}},
      "revealed": {"type": "array", "items": {"type": "string"}},
      "version": {"type": "integer"}, "updated_at": {"type": "string"}},
    "example": {"id": "P0000005", "name": "林良", "gender": "男", "birth_date": "1976-04-04", "ethnic_group": "汉族",
      "political_affiliation": "民盟盟员", "id_number": "2304**********881X", "phone": "131****7558",
      "email": "linl1513@foxmail.com", "unit": "哈尔滨工业大学交通运输学院", "post": "教研室主任", "title": "教授",
      "education": "博士研究生", "fields": ["冶金工程"], "achievements": "长期从事冶金工程研究，出版专著3部。",
      "province": "23", "can_attend_seminar": true, "can_attend_study_tour": false, "academician": null,
      "recommending_unit": {"code": "U000001", "name": "哈尔滨工业大学科协", "type": "高校科协", "province": "23"},
      "admissions": [{"year": 2024, "tier": "领军人才", "unit": "哈尔滨工业大学科协", "round": null, "batch": null}],
      "honours": [], "trainings": [], "rounds": [], "revealed": [], "version": 1, "updated_at": "2026-12-07T10:13:54+08:00"}},
  "PersonPatch": {"type": "object", "additionalProperties": false, "minProperties": 1,
    "description": "只能包含可修改字段；值为 null 或空字符串表示清空",
    "properties": {}, "example": {"post": "研究院副院长", "can_attend_seminar": true}},
  "Unit": {"type": "object", "required": ["code", "name", "type"],
    "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "type": {"type": "string"},
      "province": {"type": "string", "nullable": true}}},
  "UnitList": {"type": "object", "required": ["total", "items"],
    "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Unit"}}}},
  "EnrollmentCheck": {"type": "object", "additionalProperties": false,
    "description": "按身份证号，或按姓名加出生日期；姓名的繁体字按简体比较",
    "properties": {"id_number": {"type": "string"}, "name": {"type": "string"},
      "birth_date": {"type": "string", "example": "1986-03-07",
        "description": "写到日；导入接受的写法均可：1986-03-07、1986.3.7、1986/3/7、1986年3月7日、19860307"}},
    "example": {"name": "林良", "birth_date": "1976-04-04"}},
  "EnrollmentAnswer": {"type": "object", "required": ["enrolled", "year", "round"],
    "properties": {"enrolled": {"type": "boolean"}, "year": {"type": "integer", "nullable": true},
      "round": {"type": "string", "nullable": true},
      "matches": {"type": "array", "description": "仅 staff 与 province 令牌（本省人员）",
        "items": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"},
          "unit": {"type": "string", "nullable": true}, "admissions": {"type": "array", "items": {"type": "object"}}}}}}},
  "Stats": {"type": "object", "required": ["scope", "persons"],
    "properties": {"scope": {"type": "string"},
      "persons": {"type": "integer", "description": "登记的人员（含推荐中的草稿）"},
      "admitted": {"type": "integer", "description": "入库人员（有入库记录的人）"},
      "units": {"type": "integer"}, "admissions": {"type": "integer"},
      "enrolments": {"type": "integer", "description": "培训报名记录（任何状态）"},
      "attended": {"type": "integer", "description": "参训人次（已参加）"},
      "absent": {"type": "integer", "description": "缺席人次"},
      "attended_by_year": {"type": "object", "additionalProperties": {"type": "integer"}},
      "by_tier": {"type": "object", "additionalProperties": {"type": "integer"}},
      "by_year": {"type": "object", "additionalProperties": {"type": "integer"}}}},
  "AuditList": {"type": "object", "required": ["total", "page", "size", "items"],
    "properties": {"total": {"type": "integer"}, "page": {"type": "integer"}, "size": {"type": "integer"},
      "items": {"type": "array", "items": {"type": "object", "required": ["id", "at", "actor", "action"],
        "properties": {"id": {"type": "integer"}, "at": {"type": "string"}, "actor": {"type": "string"},
          "actor_name": {"type": "string", "nullable": true, "description": "账户的显示名（当时的）"},
          "role": {"type": "string", "nullable": true}, "action": {"type": "string"},
          "object_type": {"type": "string", "nullable": true}, "object_id": {"type": "string", "nullable": true},
          "detail": {}, "remote_addr": {"type": "string", "nullable": true}}}}}},
  "TokenList": {"type": "object", "required": ["total", "items"],
    "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object",
      "required": ["id", "role", "created_at"],
      "properties": {"id": {"type": "integer"}, "role": {"type": "string", "enum": ["staff", "province", "unit"]},
        "unit": {"type": "string", "nullable": true},
        "province": {"type": "string", "nullable": true}, "label": {"type": "string", "nullable": true},
        "created_at": {"type": "string"}, "revoked_at": {"type": "string", "nullable": true},
        "account": {"type": "string", "nullable": true, "description": "创建令牌的账户；命令行创建的为 null"},
        "expires_at": {"type": "string", "nullable": true}}}}}},
  "ImportFile": {"type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}}},
  "ImportReport": {"type": "object", "required": ["imported", "rejected", "errors"],
    "properties": {"imported": {"type": "integer"}, "inserted": {"type": "integer"}, "updated": {"type": "integer"},
      "unchanged": {"type": "integer", "description": "与库中记录完全相同、未作改动的行（如原样导回的全量导出）"},
      "rejected": {"type": "integer"},
      "held": {"type": "array", "description": "没有编号和身份证号、可能是在库人员而暂未导入的行：确认后以 same=行号:编号（同一人，更新）或 new=行号（另一人，新增）再次导入",
        "items": {"type": "object", "required": ["row", "name", "candidates"], "properties": {
          "row": {"type": "integer"}, "name": {"type": "string"},
          "birth_date": {"type": "string", "nullable": true}, "unit": {"type": "string", "nullable": true},
          "file": {"type": "string", "description": "压缩包中的文件名"},
          "candidates": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "birth_date": {"type": "string", "nullable": true}, "unit": {"type": "string", "nullable": true}}}}}}},
      "availability": {"type": "object", "description": "文件是参加活动信息表（附件2）时：按表更新已入库人员的可否参加，不新增人员（format 为 availability）",
        "properties": {"rows": {"type": "integer"}, "changed": {"type": "integer"}, "written": {"type": "boolean"}}},
      "unused_confirmations": {"type": "array", "items": {"type": "integer"}, "description": "same、new 中没有用上的行号：没有这一行，或它有编号、身份证号，或未通过校验"},
      "format": {"type": "string", "description": "csv-utf8、xlsx、xls、docx；zip：一个压缩包中的多个文件"},
      "ignored_columns": {"type": "array", "items": {"type": "string"}},
      "files": {"type": "integer", "nullable": true, "description": "压缩包中导入的文件数"},
      "skipped_files": {"type": "array", "items": {"type": "string"}, "description": "压缩包中不是表格或 Word 文档而跳过的文件"},
      "errors": {"type": "array", "items": {"type": "object", "properties": {"row": {"type": "integer"},
        "field": {"type": "string"}, "message": {"type": "string"},
        "file": {"type": "string", "description": "压缩包中的文件名"}}}}},
    "example": {"imported": 59, "inserted": 12, "updated": 40, "unchanged": 7, "rejected": 1, "held": [], "format": "csv-utf8",
      "ignored_columns": ["备注"], "files": null, "skipped_files": [],
      "errors": [{"row": 7, "field": "身份证号", "message": "校验位错误，应为 X"}]}},
  "Revoked": {"type": "object", "required": ["id", "revoked"],
    "properties": {"id": {"type": "integer"}, "revoked": {"type": "boolean"}}},
  "SignIn": {"type": "object", "required": ["username", "password"], "additionalProperties": false,
    "properties": {"username": {"type": "string"}, "password": {"type": "string", "format": "password"}},
    "example": {"username": "wangfang", "password": "Kexie-Beijing-2026"}},
  "Session": {"type": "object",
    "required": ["username", "display_name", "role", "scope", "must_change_password", "csrf_token", "expires_at"],
    "properties": {"username": {"type": "string"}, "display_name": {"type": "string"},
      "role": {"type": "string", "enum": ["staff", "province", "unit", "expert"]},
      "scope": {"type": "object", "description": "{\"province\": {code, name}}、{\"unit\": {code, name}} 或 {}"},
      "must_change_password": {"type": "boolean"},
      "csrf_token": {"type": "string", "description": "经 Cookie 认证的写请求须在请求头 X-CSRF-Token 中带上"},
      "expires_at": {"type": "string", "description": "会话的最长时限（UTC）"},
      "idle_timeout_seconds": {"type": "integer"}},
    "example": {"username": "wangfang", "display_name": "王芳", "role": "staff", "scope": {},
      "must_change_password": false, "csrf_token": "3f9c1e…（64 位十六进制）",
      "expires_at": "2026-12-07T14:00:00Z", "idle_timeout_seconds": 1800}},
  "SignedOut": {"type": "object", "required": ["signed_out"], "properties": {"signed_out": {"type": "boolean"}}},
  "PasswordChange": {"type": "object", "required": ["current_password", "new_password"],
    "additionalProperties": false,
    "properties": {"current_password": {"type": "string", "format": "password"},
      "new_password": {"type": "string", "format": "password",
        "description": "至少 10 个字符，含小写、大写、数字、其他符号中的三类，不含用户名，不在常见密码表中"}}},
  "PasswordChanged": {"type": "object", "required": ["changed"], "properties": {"changed": {"type": "boolean"}}},
  "Account": {"type": "object", "required": ["id", "username", "display_name", "role", "state", "must_change_password"],
    "properties": {"id": {"type": "integer"}, "username": {"type": "string"}, "display_name": {"type": "string"},
      "role": {"type": "string", "enum": ["staff", "province", "unit", "expert"]},
      "province": {"type": "string", "nullable": true}, "unit": {"type": "string", "nullable": true},
      "unit_name": {"type": "string", "nullable": true},
      "organisation": {"type": "string", "nullable": true, "description": "评审专家：工作单位（用于回避）"},
      "state": {"type": "string", "enum": ["active", "disabled", "locked"]},
      "locked_until": {"type": "string", "nullable": true}, "must_change_password": {"type": "boolean"},
      "created_by": {"type": "string"}, "created_at": {"type": "string"},
      "last_sign_in_at": {"type": "string", "nullable": true}}},
  "AccountList": {"type": "object", "required": ["total", "items"],
    "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Account"}}}},
  "NewAccount": {"type": "object", "required": ["username", "display_name", "role"], "additionalProperties": false,
    "properties": {"username": {"type": "string", "description": "3–32 个字符：小写字母、数字、. _ -"},
      "display_name": {"type": "string", "description": "本人真实姓名，写入审计日志"},
      "role": {"type": "string", "enum": ["staff", "province", "unit", "expert"]},
      "province": {"type": "string", "description": "省级账户：两位省级代码"},
      "unit": {"type": "string", "description": "单位账户：单位代码；评审专家：其所在的推荐单位（如有），用于回避"},
      "organisation": {"type": "string", "description": "评审专家（必填）：工作单位，用于回避"}}},
  "AccountWithPassword": {"type": "object", "required": ["account", "initial_password"],
    "properties": {"account": {"$ref": "#/components/schemas/Account"},
      "initial_password": {"type": "string", "description": "只显示这一次；首次登录须修改"}}},
  "SessionsEnded": {"type": "object", "required": ["ended"], "properties": {"ended": {"type": "integer"}}},
  "NewToken": {"type": "object", "required": ["label"], "additionalProperties": false,
    "properties": {"label": {"type": "string"}, "role": {"type": "string", "enum": ["staff", "province", "unit"]},
      "province": {"type": "string"},
      "unit": {"type": "string"}, "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 365}}},
  "CreatedToken": {"type": "object", "required": ["id", "token", "role", "expires_at"],
    "properties": {"id": {"type": "integer"}, "token": {"type": "string", "description": "只显示这一次"},
      "label": {"type": "string"}, "role": {"type": "string", "enum": ["staff", "province", "unit"]},
      "province": {"type": "string", "nullable": true},
      "unit": {"type": "string", "nullable": true}, "expires_at": {"type": "string"}}}
})json";

// A person field's schema, from the field table: the same in a person and in a PATCH body.
Json PersonFieldSchema(const PersonField& field) {
  switch (field.kind) {
    case PersonFieldKind::kList: return {{"type", "array"}, {"items", {{"type", "string"}}}};
    case PersonFieldKind::kYesNo: return {{"type", "boolean"}, {"nullable", true}};
    case PersonFieldKind::kText:
    case PersonFieldKind::kSealed: break;
  }
  if (field.Has(registry::kRequired)) return {{"type", "string"}};
  return {{"type", "string"}, {"nullable", true}};
}

// The schemas below with the person fields of Person and PersonPatch filled in.
Json Schemas() {
  Json schemas = Json::parse(kSchemas);
  for (const PersonField& field : registry::PersonFields()) {
    const std::string key(field.key);
    schemas["Person"]["properties"][key] = PersonFieldSchema(field);
    schemas["PersonPatch"]["properties"][key] = PersonFieldSchema(field);
  }
  return schemas;
}

std::string_view StatusText(int status) {
  switch (status) {
    case 200: return "成功";
    case 400: return "请求无效（details 列出每个字段的问题）";
    case 401: return "缺少令牌或令牌无效";
    case 403: return "令牌的角色无权调用";
    case 404: return "不存在，或不在令牌的范围内";
    case 409: return "与已有记录冲突";
    case 412: return "ETag 已过期（记录已被他人修改）或缺少 If-Match";
    case 413: return "请求体过大";
    case 422: return "违反业务规则";
    case 429: return "请求过于频繁（见 Retry-After）";
    case 503: return "服务暂不可用";
    default: return "错误";
  }
}

// The media type of a route that answers a file, by the extension its path ends in; empty for
// the routes that answer JSON.
std::string_view FileType(std::string_view pattern) {
  constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {".pdf", "application/pdf"},
      {".zip", "application/zip"},
      {"/metrics", "text/plain"},
  };
  for (const auto& [extension, type] : kTypes)
    if (pattern.ends_with(extension)) return type;
  return {};
}

Json Schema(std::string_view type) {
  if (type == "integer") return {{"type", "integer"}};
  if (type == "boolean") return {{"type", "boolean"}};
  return {{"type", "string"}};
}

}  // namespace

std::string BuildOpenApiDocument(const std::vector<RouteSpec>& routes,
                                 const std::vector<std::string>& extra_schemas) {
  Json paths = Json::object();
  for (const RouteSpec& r : routes) {
    Json op = {{"summary", r.summary}, {"tags", Json::array({r.tag})}};
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!r.operation_id.empty()) op["operationId"] = r.operation_id;
    Json params = Json::array();
    for (const RouteParam& p : r.params) {
      Json param = {{"name", p.name},
                    {"in", p.in},
                    {"required", p.required || p.in == "path"},
                    {"description", p.description},
                    {"schema", Schema(p.type)}};
      if (!p.values.empty()) {
        Json one = Schema(p.type);
        one["enum"] = p.values;
        if (p.list) {
          // One or more of the values, comma-separated in one parameter.
          param["schema"] = {{"type", "array"}, {"items", std::move(one)}, {"minItems", 1}};
          param["style"] = "form";
          param["explode"] = false;
        } else {
          param["schema"] = std::move(one);
        }
      }
      params.push_back(std::move(param));
    }
    if (!params.empty()) op["parameters"] = std::move(params);
    if (!r.request_schema.empty()) {
      op["requestBody"] = {
          {"required", true},
          {"content",
           {{r.body_content_type,
             {{"schema", {{"$ref", "#/components/schemas/" + r.request_schema}}}}}}}};
    }
    Json responses = Json::object();
    // The success answer: 200, or the 2xx the route names (201 for what it creates).
    std::string success = "200";
    std::vector<int> statuses;
    for (int s : r.statuses) {
      if (s >= 200 && s < 300) {
        success = std::to_string(s);
      } else {
        statuses.push_back(s);
      }
    }
    // Routes ending in .xlsx, .docx or .pdf answer that file; every other route JSON.
    const std::string_view file_type = FileType(r.pattern);
    if (!file_type.empty()) {
      responses[success] = {
          {"description", StatusText(std::stoi(success))},
          {"content",
           {{std::string(file_type), {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
    } else {
      responses[success] = {
          {"description", StatusText(std::stoi(success))},
          {"content",
           {{"application/json",
             {{"schema", {{"$ref", "#/components/schemas/" + r.response_schema}}}}}}}};
    }
    if (r.needs_token) {
      statuses.insert(statuses.end(), {401, 403, 429});
      op["security"] = Json::array({{{"bearer", Json::array()}}, {{"session", Json::array()}}});
      Json roles = Json::array();
      for (Role role : kEveryRole)
        if (Allows(r.roles, role)) roles.push_back(RoleName(role));
      op["x-roles"] = std::move(roles);
    } else {
      op["security"] = Json::array();
    }
    if (r.max_body_bytes > 0) statuses.push_back(413);
    std::sort(statuses.begin(), statuses.end());
    statuses.erase(std::unique(statuses.begin(), statuses.end()), statuses.end());
    for (int s : statuses) {
      responses[std::to_string(s)] = {
          {"description", StatusText(s)},
          {"content",
           {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    }
    op["responses"] = std::move(responses);
    paths[r.pattern][method] = std::move(op);
  }
  Json doc = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "talentpool API"},
        {"version", "1"},
        {"description",
         "中国科协科技界党外代表人士库的接口。每个 /api/ 调用需 Authorization: Bearer 令牌；"
         "角色 staff（全部）、province（本省）、unit（本单位推荐的人员）。错误为 "
         "{\"error\": {\"code\", \"message\", \"details\"}}。"}}},
      // The paths are written whole (/api/v1/…, /healthz): a client joins them to the server's
      // address, so the base is the site's root.
      {"servers", Json::array({{{"url", "/"}, {"description", "本服务（路径已含 /api/v1）"}}})},
      {"paths", std::move(paths)},
      {"components",
       {{"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
          {"session",
           {{"type", "apiKey"},
            {"in", "cookie"},
            {"name", std::string(kSessionCookie)},
            {"description",
             "POST /api/v1/session 登录后的会话 Cookie；经它认证的写请求须带请求头 "
             "X-CSRF-Token"}}}}},
        {"schemas", Schemas()}}},
  };
  for (const std::string& extra : extra_schemas) {
    Json more = Json::parse(extra, nullptr, false);
    if (!more.is_object()) continue;
    for (auto it = more.begin(); it != more.end(); ++it)
      doc["components"]["schemas"][it.key()] = it.value();
  }
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace tp::api
