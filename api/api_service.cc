// The routes of /api/v1/ and the rules every one of them goes through
// (api_service.h). Handlers answer with the caller's view of the registry:
// scoped, masked, and audited where the contract asks for it.
#include "api/api_service.h"

#include <sodium.h>

#include "api/attachments_routes.h"
#include "api/availability_routes.h"
#include "api/calendar_routes.h"
#include "api/campaigns_routes.h"
#include "api/honour_form_routes.h"
#include "api/internal/api_service_impl.h"
#include "api/observe.h"

namespace tp::api {

StatusOr<int> IntParam(const HttpRequest& req, const std::string& name, const std::string& label,
                       int fallback, int lo, int hi) {
  std::optional<std::string> v = req.Query(name);
  if (!v || v->empty()) return fallback;
  if (v->size() > 9 || v->find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(*v) < lo || std::stoi(*v) > hi) {
    return FieldStatus(StatusCode::kInvalidArgument, label,
                       "应为 " + std::to_string(lo) + " 到 " + std::to_string(hi) + " 之间的整数");
  }
  return std::stoi(*v);
}

std::optional<std::string> ForeignOrigin(const HttpRequest& req) {
  const std::string host = req.Header("Host").value_or("");
  for (const char* name : {"Origin", "Referer"}) {
    std::optional<std::string> origin = req.Header(name);
    if (!origin) continue;
    if (SameOrigin(*origin, host)) return std::nullopt;
    return std::string(name);
  }
  return std::nullopt;
}

bool LooksLikeIp(const std::string& s) {
  if (s.empty() || s.size() > 45) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':';
  });
}

Status ApiService::Impl::CatchUp() {
  if (index == nullptr) return Status::Ok();
  std::lock_guard<std::mutex> lock(catch_up_mu);
  StatusOr<indexer::CatchUpStats> stats = index->CatchUp(source);
  return stats.ok() ? Status::Ok() : stats.status();
}

void ApiService::Impl::StartFollower() {
  if (index == nullptr || options.index_follow_interval.count() <= 0) return;
  follower = std::thread([this] {
    std::unique_lock<std::mutex> lock(follow_mu);
    while (!follow_stop) {
      follow_cv.wait_for(lock, options.index_follow_interval);
      if (follow_stop) break;
      lock.unlock();
      // Unavailable while another process writes the index: next round.
      (void)CatchUp();
      lock.lock();
    }
  });
}

namespace {

// The paging parameters of every list.
const std::vector<RouteParam> kPaging = {
    {"page", "query", "integer", "页码，从 1 开始", false},
    {"size", "query", "integer", "每页条数", false},
};

std::vector<RouteParam> With(std::vector<RouteParam> a, const std::vector<RouteParam>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// reveal=id_number,phone: whole numbers instead of masked ones.
RouteParam Reveal(std::string description) {
  return {"reveal", "query", "string", std::move(description), false, {"id_number", "phone"}, true};
}

// A key and its reverse (-key) for each of `keys`, as a sort parameter takes them.
std::vector<std::string> BothWays(std::initializer_list<const char*> keys) {
  std::vector<std::string> out;
  for (const char* key : keys) {
    out.push_back(key);
    out.push_back(std::string("-") + key);
  }
  return out;
}

}  // namespace

std::function<void(const ApiCall&, HttpResponse&)> ApiService::Impl::Bound(
    void (Impl::*method)(const ApiCall&, HttpResponse&)) {
  return [this, method](const ApiCall& call, HttpResponse& res) { (this->*method)(call, res); };
}

void ApiService::Impl::BuildRoutes() {
  AddSystemRoutes();
  AddSessionRoutes();
  AddAccountRoutes();
  AddPersonRoutes();
  AddAdminRoutes();
}

// Health, the OpenAPI document, who the caller is.
void ApiService::Impl::AddSystemRoutes() {
  auto bind = [this](void (Impl::*method)(const ApiCall&, HttpResponse&)) { return Bound(method); };
  // Ready when the database answers and the index opens; the lag is how many changes of the
  // registry the index has yet to take in (the follower takes them every few seconds).
  auto health = [this](const ApiCall&, HttpResponse& res) {
    nlohmann::json out = {{"status", "ok"}};
    auto last_seq = store.LastSeq();
    out["database"] = last_seq.ok() ? "ok" : "unavailable";
    StatusOr<indexer::IndexInfo> info = Unavailable("没有搜索索引");
    if (index != nullptr) info = index->Info();
    out["index"] = info.ok() ? "ok" : "unavailable";
    if (last_seq.ok() && info.ok()) {
      out["index_lag"] = std::max<int64_t>(0, *last_seq - info->last_seq);
      out["index_documents"] = info->documents;
    }
    if (!last_seq.ok() || !info.ok()) out["status"] = "unavailable";
    res.SetJson(out.dump(), last_seq.ok() && info.ok() ? 200 : 503);
  };
  // Prometheus' text format, for the addresses of ApiOptions::metrics_from only (404 to others:
  // the page tells nothing to the outside, not even that it exists).
  auto metrics = [this](const ApiCall& call, HttpResponse& res) {
    const auto& allowed = options.metrics_from;
    if (std::find(allowed.begin(), allowed.end(), call.request.remote_addr) == allowed.end()) {
      return res.SetError(NotFound("没有这个地址"));
    }
    std::string text = options.server_metrics ? options.server_metrics() : "";
    auto last_seq = store.LastSeq();
    if (last_seq.ok()) {
      text +=
          PrometheusGauge("talentpool_registry_last_seq", "The registry's latest change number.",
                          static_cast<double>(*last_seq));
    }
    if (index != nullptr && last_seq.ok()) {
      if (auto info = index->Info(); info.ok()) {
        text +=
            PrometheusGauge("talentpool_index_lag_changes",
                            "Changes of the registry the search index has not taken in yet.",
                            static_cast<double>(std::max<int64_t>(0, *last_seq - info->last_seq)));
        text += PrometheusGauge("talentpool_index_documents", "People in the search index.",
                                static_cast<double>(info->documents));
      }
    }
    text +=
        PrometheusGauge("talentpool_audit_entries_total", "Audit entries recorded since the start.",
                        static_cast<double>(audit.entries()), "counter");
    text += PrometheusGauge("talentpool_audit_commits_total",
                            "Audit commits to the table since the start (entries are grouped).",
                            static_cast<double>(audit.commits()), "counter");
    text += PrometheusGauge("talentpool_audit_spool_entries",
                            "Audit entries spooled and not yet moved into the table.",
                            static_cast<double>(audit.spooled()));
    if (auto open = accounts->OpenSessions(); open.ok()) {
      text += PrometheusGauge("talentpool_sessions_open",
                              "Sessions signed in and neither ended nor idle past the limit.",
                              static_cast<double>(*open));
    }
    text += ImportMetrics();
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    res.body = std::move(text);
  };
  routes.push_back({.method = "GET",
                    .pattern = "/healthz",
                    .operation_id = "getHealth",
                    .needs_token = false,
                    .summary = "健康检查（无需令牌）",
                    .tag = "系统",
                    .response_schema = "Health",
                    .handler = health});
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/healthz",
                    .operation_id = "getApiHealth",
                    .needs_token = false,
                    .summary = "健康检查（无需令牌）",
                    .tag = "系统",
                    .response_schema = "Health",
                    .handler = health});
  routes.push_back({.method = "GET",
                    .pattern = "/metrics",
                    .operation_id = "getMetrics",
                    .needs_token = false,
                    .summary = "Prometheus 指标（文本格式；只回答配置中 metrics_from 的地址，"
                               "对其他地址 404）",
                    .tag = "系统",
                    .response_schema = "Metrics",
                    .statuses = {404},
                    .handler = metrics});
  routes.push_back(
      {.method = "GET",
       .pattern = "/api/v1/openapi.json",
       .operation_id = "getOpenApi",
       .needs_token = false,
       .summary = "本接口的 OpenAPI 3 文档（无需令牌：它不含任何数据）",
       .tag = "系统",
       .response_schema = "OpenApi",
       .handler = [this](const ApiCall&, HttpResponse& res) { res.SetJson(openapi); }});
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/me",
                    .operation_id = "getMe",
                    .roles = kSignedIn,
                    .summary = "当前登录者（账户或令牌）的角色与范围",
                    .tag = "系统",
                    .response_schema = "Me",
                    .handler = bind(&Impl::Me),
                    .before_password_change = true});
}

// Search, people, units and the enrolment check.
void ApiService::Impl::AddPersonRoutes() {
  auto bind = [this](void (Impl::*method)(const ApiCall&, HttpResponse&)) { return Bound(method); };
  const std::vector<RouteParam> search_params = With(
      {{"q", "query", "string",
        "检索词：姓名、拼音、单位、领域…；女、壮族、广西、80后、1983 "
        "等词按筛选条件理解，手机号（仅 staff，记入审计）",
        false},
       {"sort",
        "query",
        "string",
        "relevance（默认）；admission_year 或 -admission_year 入库年度从近到远，+admission_year "
        "从远到近；age 或 +age 从年轻到年长，-age 从年长到年轻",
        false,
        {"relevance", "admission_year", "-admission_year", "+admission_year", "age", "+age",
         "-age"}},
       {"facets", "query", "boolean", "是否返回分面计数", false},
       {"province", "query", "string", "筛选：省级代码（可重复）", false},
       {"unit_type", "query", "string", "筛选：推荐单位类型", false},
       {"tier", "query", "string", "筛选：人才类别", false},
       {"ethnic_group", "query", "string", "筛选：民族（单位令牌不可用）", false},
       {"gender", "query", "string", "筛选：性别", false},
       {"age_band", "query", "string", "筛选：年龄段", false,
        std::vector<std::string>(std::begin(indexer::kAgeBands), std::end(indexer::kAgeBands))},
       {"round", "query", "string", "筛选：推荐批次", false},
       {"year", "query", "string", "筛选：入库年度", false},
       {"honour", "query", "string", "筛选：荣誉", false},
       {"trained", "query", "string", "筛选：是否参加过培训", false, {"yes", "no"}},
       {"trained_year", "query", "string", "筛选：参加培训的年度（如 2024）", false},
       {"group", "query", "string", "筛选：所属群体", false},
       {"political", "query", "string", "筛选：政治面貌（如 九三学社社员；单位令牌不可用）",
        false}},
      kPaging);
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/search",
                    .operation_id = "searchPersons",
                    .roles = kAllRoles,
                    .summary = "检索人才库（单位令牌只检索本单位推荐的人员，省级令牌只检索本省）",
                    .tag = "检索",
                    .params = search_params,
                    .response_schema = "SearchResult",
                    .statuses = {400, 503},
                    .handler = bind(&Impl::Search)});
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/search.xlsx",
                    .operation_id = "exportSearch",
                    .roles = kAllRoles,
                    .summary =
                        "导出检索结果（XLSX；参数与 /api/v1/search 相同，导出全部命中而不分页，"
                        "按令牌范围与遮盖规则，超过 5000 人时 422；记入审计日志）",
                    .tag = "检索",
                    .params = search_params,
                    .response_schema = "Xlsx",
                    .statuses = {400, 422, 503},
                    .handler = bind(&Impl::SearchXlsx)});
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/persons",
                    .operation_id = "listPersons",
                    .roles = kAllRoles,
                    .summary = "人员列表（分页，稳定排序）",
                    .tag = "人员",
                    .params = With({{"sort", "query", "string",
                                     "id（默认）、name、updated_at、birth_date，前缀 - 为倒序",
                                     false, BothWays({"id", "name", "updated_at", "birth_date"})}},
                                   kPaging),
                    .response_schema = "PersonList",
                    .statuses = {400},
                    .handler = bind(&Impl::ListPersons)});
  routes.push_back(
      {.method = "GET",
       .pattern = "/api/v1/persons/export.xlsx",
       .operation_id = "exportPersons",
       .roles = kStaffOnly,
       .summary =
           "全量导出全部人员的全部字段及编号（XLSX）。身份证号、手机默认遮蔽，reveal 导出完整号码；"
           "修改后经 /api/v1/imports 导回只更新改动的单元格、不新增人员，遮蔽的号码视为未改动；"
           "记入审计日志",
       .tag = "人员",
       .params = {Reveal("id_number 和/或 phone，逗号分隔：导出完整号码")},
       .response_schema = "Xlsx",
       .statuses = {400},
       .handler = bind(&Impl::PersonsXlsx)});
  routes.push_back(
      {.method = "GET",
       .pattern = "/api/v1/persons/{id}",
       .operation_id = "getPerson",
       .roles = kAllRoles,
       .summary = "读取一位人员（响应带 ETag；工作人员可用 reveal 查看完整号码，记入审计日志）",
       .tag = "人员",
       .params = {{"id", "path", "string", "人员编号（P 加 7 位数字）", true},
                  Reveal("id_number 和/或 phone，逗号分隔（仅 staff）")},
       .response_schema = "Person",
       .statuses = {400, 404},
       .handler = bind(&Impl::GetPerson)});
  for (const bool pdf : {true, false}) {
    routes.push_back(
        {.method = "GET",
         .pattern = pdf ? "/api/v1/persons/{id}/form.pdf" : "/api/v1/persons/{id}/form.docx",
         .operation_id = pdf ? "getPersonFormPdf" : "getPersonFormDocx",
         .roles = kAllRoles,
         .summary = std::string("下载学员情况表（") + (pdf ? "PDF，带水印" : "Word") +
                    "；范围与遮盖同读取人员，工作人员可用 reveal 打印完整号码；记入审计日志）",
         .tag = "人员",
         .params = {{"id", "path", "string", "人员编号（P 加 7 位数字）", true},
                    Reveal("id_number 和/或 phone，逗号分隔（仅 staff）")},
         .statuses = {400, 404, 503},
         .handler = bind(pdf ? &Impl::PersonFormPdf : &Impl::PersonFormDocx)});
  }
  routes.push_back({.method = "PATCH",
                    .pattern = "/api/v1/persons/{id}",
                    .operation_id = "updatePerson",
                    .roles = kStaffOnly,
                    .summary = "修改人员字段（需 If-Match；只接受可修改字段，未知字段 400）",
                    .tag = "人员",
                    .params = {{"id", "path", "string", "人员编号", true},
                               {"If-Match", "header", "string", "读取时得到的 ETag", true}},
                    .request_schema = "PersonPatch",
                    .response_schema = "Person",
                    .statuses = {400, 404, 409, 412},
                    .max_body_bytes = options.max_json_body_bytes,
                    .handler = bind(&Impl::PatchPerson)});
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/units",
                    .operation_id = "listUnits",
                    .roles = kAllRoles,
                    .summary = "推荐单位列表（按令牌范围）",
                    .tag = "单位",
                    .response_schema = "UnitList",
                    .handler = bind(&Impl::ListUnits)});
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/units/{code}",
                    .operation_id = "getUnit",
                    .roles = kAllRoles,
                    .summary = "读取一个推荐单位",
                    .tag = "单位",
                    .params = {{"code", "path", "string", "单位代码（U 加 6 位数字）", true}},
                    .response_schema = "Unit",
                    .statuses = {404},
                    .handler = bind(&Impl::GetUnit)});
  routes.push_back(
      {.method = "POST",
       .pattern = "/api/v1/enrollment-check",
       .operation_id = "checkEnrollment",
       .roles = kAllRoles,
       .summary =
           "查询是否已入库（单位令牌只得到是否入库及入库年度、批次；按令牌限流；每次记入审计日志）",
       .tag = "入库查询",
       .request_schema = "EnrollmentCheck",
       .response_schema = "EnrollmentAnswer",
       .statuses = {400},
       .max_body_bytes = options.max_json_body_bytes,
       .handler = bind(&Impl::EnrollmentCheck),
       .answers_enrolment = true});
}

// Statistics, the import, the audit log and tokens.
void ApiService::Impl::AddAdminRoutes() {
  auto bind = [this](void (Impl::*method)(const ApiCall&, HttpResponse&)) { return Bound(method); };
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/stats",
                    .operation_id = "getStats",
                    .roles = kAllRoles,
                    .summary = "统计（按令牌范围）",
                    .tag = "统计",
                    .response_schema = "Stats",
                    .handler = bind(&Impl::Stats)});
  routes.push_back(
      {.method = "GET",
       .pattern = "/api/v1/stats.xlsx",
       .operation_id = "exportStats",
       .roles = kStaffRoles,
       .summary = "统计页各图表的数据（XLSX，每个图表一张工作表；按令牌范围；记入审计日志）",
       .tag = "统计",
       .params = {{"chart",
                   "query",
                   "string",
                   "只导出一个图表（省级令牌没有 province 地图）；省略则导出全部",
                   false,
                   {"province", "unit-type", "ethnic", "age", "gender", "tier", "year",
                    "trained-year"}}},
       .response_schema = "Xlsx",
       .statuses = {400, 503},
       .handler = bind(&Impl::StatsXlsx)});
  routes.push_back(
      {.method = "POST",
       .pattern = "/api/v1/imports",
       .operation_id = "importPersons",
       .roles = kStaffOnly,
       .summary = "上传入库人员表（CSV、XLSX、XLS、Word 或其 zip；multipart 的 file "
                  "字段或原始请求体），与命令行导入"
                  "相同。没有编号和身份证号的行若与在库人员姓名、出生年月、单位相同，暂不导入而列在"
                  " held 中待确认",
       .tag = "导入",
       .params = {{"filename", "query", "string", "文件名（只用于提示）", false},
                  {"same", "query", "string",
                   "确认为在库人员的行：行号:编号，逗号分隔（如 3:P0000012），更新该人员", false},
                  {"new", "query", "string", "确认为另一人的行号，逗号分隔（如 4,6），新增",
                   false}},
       .request_schema = "ImportFile",
       .response_schema = "ImportReport",
       .statuses = {400, 503},
       .max_body_bytes = options.max_import_bytes,
       .body_content_type = "multipart/form-data",
       .handler = bind(&Impl::Import)});
  routes.push_back(
      {.method = "GET",
       .pattern = "/api/v1/audit",
       .operation_id = "listAudit",
       .roles = kStaffOnly,
       .summary = "查询审计日志",
       .tag = "审计",
       .params = With(
           {{"actor", "query", "string", "如 token:12", false},
            {"action", "query", "string", "read、reveal、update、check、import、revoke…", false},
            {"object_type", "query", "string", "person、token…", false},
            {"object_id", "query", "string", "对象编号", false},
            {"since", "query", "string", "起始时间（UTC，ISO 8601，含）", false},
            {"until", "query", "string", "截止时间（UTC，不含）", false}},
           kPaging),
       .response_schema = "AuditList",
       .statuses = {400},
       .handler = bind(&Impl::QueryAudit)});
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/tokens",
                    .operation_id = "listTokens",
                    .roles = kAllRoles,
                    .summary = "令牌列表（不含令牌本身；工作人员看全部，其他账户看本账户创建的）",
                    .tag = "令牌",
                    .response_schema = "TokenList",
                    .handler = bind(&Impl::ListTokens)});
  routes.push_back({.method = "DELETE",
                    .pattern = "/api/v1/tokens/{id}",
                    .operation_id = "revokeToken",
                    .roles = kAllRoles,
                    .summary = "吊销令牌（工作人员可吊销任何令牌，其他账户只能吊销本账户创建的）",
                    .tag = "令牌",
                    .params = {{"id", "path", "integer", "令牌编号", true}},
                    .response_schema = "Revoked",
                    .statuses = {400, 404},
                    .handler = bind(&Impl::RevokeToken)});
}

ApiService::ApiService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiService::~ApiService() = default;

StatusOr<std::unique_ptr<ApiService>> ApiService::Create(registry::Store& store,
                                                         indexer::SearchIndex* index,
                                                         ApiOptions options) {
  TP_ASSIGN_OR_RETURN(auto reference, registry::ReferenceData::Load(registry::DataDir()));
  TP_ASSIGN_OR_RETURN(auto queries, registry::ApiQueries::Open(store));
  registry::AccountOptions account_options = options.accounts;
  account_options.prepare_sign_in = true;
  TP_ASSIGN_OR_RETURN(auto accounts,
                      registry::Accounts::Open(store, registry::DataDir(), account_options));
  auto impl = std::make_unique<Impl>(store, index, std::move(queries), std::move(reference),
                                     std::move(options));
  impl->accounts = std::move(accounts);
  TP_ASSIGN_OR_RETURN(auto names, registry::NameMatcher::Load(registry::DataDir()));
  impl->names = std::make_shared<const registry::NameMatcher>(std::move(names));
  impl->BuildRoutes();
  Impl* raw = impl.get();
  // A write that shows in a search document (a training, a recommendation,
  // an admission) is searchable at once.
  auto after_write = [raw] { (void)raw->CatchUp(); };
  CohortRouteOptions cohorts;
  cohorts.after_write = after_write;
  cohorts.max_upload_bytes = impl->options.max_import_bytes;
  cohorts.upload_gate = impl->uploads;
  TP_RETURN_IF_ERROR(AddCohortRoutes(store, cohorts, &impl->routes));
  AvailabilityRouteOptions availability;
  availability.after_write = after_write;
  availability.max_upload_bytes = impl->options.max_import_bytes;
  AddAvailabilityRoutes(store, availability, &impl->routes);
  RoundsRouteOptions rounds;
  rounds.after_write = after_write;
  rounds.max_upload_bytes = impl->options.max_import_bytes;
  rounds.upload_gate = impl->uploads;
  rounds.allow_enrolment_answer = [raw = impl.get()](const ApiCall& call) {
    int retry = 0;
    return raw->AllowEnrolmentAnswer(*call.caller, &retry);
  };
  rounds.audit_enrolment_answer = [raw = impl.get()](const ApiCall& call, const std::string& via,
                                                     int answers) {
    return raw->Audit(call, "check", "person", "",
                      {{"by", "id_number"}, {"via", via}, {"enrolled", answers}});
  };
  rounds.audit = [raw = impl.get()](const ApiCall& call, const std::string& action,
                                    const std::string& type, const std::string& id,
                                    const Json& detail) {
    return raw->Audit(call, action, type, id, detail);
  };
  if (impl->options.rounds_clock) rounds.clock = impl->options.rounds_clock;
  TP_RETURN_IF_ERROR(AddRoundsRoutes(store, impl->reference, rounds, &impl->routes));
  AttachmentRouteOptions attachments;
  attachments.max_upload_bytes = impl->options.max_import_bytes;
  attachments.upload_gate = impl->uploads;
  attachments.audit = [raw = impl.get()](const ApiCall& call, const std::string& action,
                                         const std::string& id, const Json& detail) {
    return raw->Audit(call, action, "attachment", id, detail);
  };
  TP_RETURN_IF_ERROR(AddAttachmentRoutes(store, attachments, &impl->routes));
  TP_RETURN_IF_ERROR(AddCalendarRoutes(&impl->routes));
  impl->openapi =
      BuildOpenApiDocument(impl->routes, {CohortOpenApiSchemas(), AvailabilityOpenApiSchemas(),
                                          RoundsSchemasJson(), AttachmentOpenApiSchemas(),
                                          CalendarOpenApiSchemas(), CampaignOpenApiSchemas(),
                                          HonourFormOpenApiSchemas()});
  Status caught = impl->CatchUp();
  if (!caught.ok() && caught.code() != StatusCode::kUnavailable) return caught;
  impl->StartFollower();
  return std::make_unique<ApiService>(std::move(impl));
}

const std::vector<RouteSpec>& ApiService::Routes() const { return impl_->routes; }

std::string ApiService::OpenApiJson() const { return impl_->openapi; }

Status ApiService::CatchUpIndex() { return impl_->CatchUp(); }

namespace {

// 429, saying in how many seconds to try again.
void SetTooMany(HttpResponse& res, int retry_after_seconds, std::string_view what) {
  res.SetHeader("Retry-After", std::to_string(retry_after_seconds));
  res.SetError(Status(StatusCode::kResourceExhausted, std::string(what)));
}

}  // namespace

std::optional<Caller> ApiService::Impl::Authenticate(const RouteSpec& route, const HttpRequest& req,
                                                     const std::string& remote_addr,
                                                     HttpResponse& res) {
  int retry = 0;
  auto too_many = [&](std::string_view what) {
    SetTooMany(res, retry, what);
    return std::nullopt;
  };
  auto unauthenticated = [&](std::string message) -> std::optional<Caller> {
    // Guessing tokens and session cookies is slowed down per client address.
    if (!this->unauthenticated.Allow(remote_addr, &retry))
      return too_many("认证失败次数过多，请稍后再试");
    res.SetHeader("WWW-Authenticate", "Bearer");
    res.SetError(Status(StatusCode::kUnauthenticated, std::move(message)));
    return std::nullopt;
  };
  auto refuse = [&](Status status) -> std::optional<Caller> {
    res.SetError(std::move(status));
    return std::nullopt;
  };
  std::optional<std::string> header = req.Header("Authorization");
  std::optional<Caller> caller;
  if (header) {
    std::optional<std::string> token = BearerToken(*header);
    if (!token) return unauthenticated("令牌格式错误：应为 Authorization: Bearer 令牌");
    auto info = store.FindToken(*token);
    if (!info.ok()) {
      if (info.status().code() == StatusCode::kNotFound) return unauthenticated("令牌无效或已吊销");
      return refuse(info.status());
    }
    auto from_token = CallerFromToken(*info);
    if (!from_token.ok()) return refuse(from_token.status());
    caller = std::move(*from_token);
  } else {
    const std::string secret = CookieValue(req.Header("Cookie").value_or(""), kSessionCookie);
    if (secret.empty()) {
      return unauthenticated(
          "未登录：请先登录，或在请求头 Authorization 中提供 Bearer 令牌（缺少令牌）");
    }
    auto session = accounts->FindSession(secret);
    if (!session.ok()) {
      if (session.status().code() == StatusCode::kUnauthenticated)
        return unauthenticated(session.status().message());
      return refuse(session.status());
    }
    auto from_session = CallerFromSession(*session);
    if (!from_session.ok()) return refuse(from_session.status());
    caller = std::move(*from_session);
    // A change made through the cookie must come from this site's pages: they send the
    // session's CSRF token, which another site cannot read, and the browser names the origin.
    if (req.method != "GET" && req.method != "HEAD") {
      const std::string sent = req.Header("X-CSRF-Token").value_or("");
      const std::string& expected = caller->session->csrf_token;
      if (sent.size() != expected.size() ||
          sodium_memcmp(sent.data(), expected.data(), expected.size()) != 0) {
        return refuse(PermissionDenied("缺少或错误的 X-CSRF-Token：请刷新页面后重试"));
      }
      if (std::optional<std::string> foreign = ForeignOrigin(req))
        return refuse(PermissionDenied("请求来自其他网站（" + *foreign + "），已拒绝"));
    }
  }
  res.actor = caller->Actor();
  // A password someone else set is changed before anything else.
  if (caller->MustChangePassword() && !route.before_password_change) {
    return refuse(PermissionDenied("请先修改初始密码（首次登录或密码被重置后须修改）"));
  }
  // Deny by default: only the roles the route names.
  if (!Allows(route.roles, caller->role)) {
    return refuse(PermissionDenied("此" + std::string(caller->session ? "账户" : "令牌") +
                                   "（角色 " + std::string(RoleName(caller->role)) +
                                   "）无权调用此接口"));
  }
  return caller;
}

bool ApiService::Impl::CountCall(const RouteSpec& route, const Caller& caller, HttpResponse& res) {
  int retry = 0;
  auto too_many = [&](std::string_view what) {
    SetTooMany(res, retry, what);
    return false;
  };
  const std::string actor = caller.Actor();
  if (!per_token.Allow(actor, &retry)) return too_many("请求过于频繁，请稍后再试");
  if (route.answers_enrolment && !AllowEnrolmentAnswer(caller, &retry)) {
    return too_many("入库查询过于频繁，请稍后再试");
  }
  return true;
}

void ApiService::Install(HttpServer& server) {
  Impl* impl = impl_.get();
  for (const RouteSpec& spec : impl->routes) {
    const RouteSpec* route = &spec;
    RouteOptions options;
    options.max_body_bytes = route->max_body_bytes;
    if (route->needs_token && route->max_body_bytes > 0) {
      // Nobody without a token for the route makes the server read a body.
      options.admit = [impl, route](HttpRequest& head, HttpResponse& res) {
        std::optional<Caller> caller =
            impl->Authenticate(*route, head, impl->RemoteAddr(head), res);
        if (!caller) return false;
        head.admitted = std::move(*caller);  // the handler need not look the token up again
        return true;
      };
    }
    server.Handle(
        route->method, route->pattern,
        [impl, route](const HttpRequest& req, HttpResponse& res) {
          ApiCall call{req, nullptr, impl->RemoteAddr(req)};
          if (!route->needs_token) return route->handler(call, res);
          std::optional<Caller> caller;
          if (const Caller* admitted = std::any_cast<Caller>(&req.admitted)) {
            caller = *admitted;
            res.actor = caller->Actor();
          } else {
            caller = impl->Authenticate(*route, req, call.remote_addr, res);
          }
          if (!caller || !impl->CountCall(*route, *caller, res)) return;
          call.caller = &*caller;
          route->handler(call, res);
        },
        options);
  }
}

}  // namespace tp::api
