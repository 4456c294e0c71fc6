// Attachment routes (attachments_routes.h).
#include "api/attachments_routes.h"

#include <nlohmann/json.hpp>

#include "api/auth.h"
#include "api/rate_limiter.h"
#include "api/rounds_json.h"
#include "api/route_helpers.h"
#include "registry/attachments/attachments.h"
#include "registry/base/paths.h"
#include "registry/store/store_api_queries.h"

namespace tp::api {
namespace {

using Json = nlohmann::json;

constexpr RoleSet kStaffAndUnits =
    static_cast<RoleSet>(Role::kStaff) | static_cast<RoleSet>(Role::kUnit);

const char* const kAbsent = "没有这个编号的人员（或不在令牌的范围内）";

}  // namespace

Json AttachmentJson(const registry::AttachmentRecord& a) {
  auto positive = [](int value) { return value > 0 ? Json(value) : Json(nullptr); };
  return {
      {"id", a.id},
      {"person", a.person_id},
      {"round", TextOrNull(a.round_code)},
      {"kind", a.kind},
      {"kind_label", a.kind_label},
      {"filename", a.filename},
      {"content_type", a.content_type},
      {"bytes", a.bytes},
      {"width", positive(a.width)},
      {"height", positive(a.height)},
      {"dpi", positive(a.dpi)},
      {"pages", positive(a.pages)},
      {"warnings", a.warnings},
      {"uploaded_by", TextOrNull(a.uploaded_by_name.empty() ? a.uploaded_by : a.uploaded_by_name)},
      {"uploaded_at", BeijingOrNull(a.uploaded_at)},
      {"content_url", "/api/v1/attachments/" + std::to_string(a.id) + "/content"}};
}

Json MissingAttachmentsJson(const std::vector<registry::MissingAttachment>& missing) {
  Json out = Json::array();
  for (const auto& m : missing) {
    out.push_back({{"kind", m.kind}, {"label", m.label}, {"need", m.need}, {"have", m.have}});
  }
  return out;
}

namespace {

Json KindsJson(const registry::Attachments& attachments) {
  Json kinds = Json::array();
  for (const auto& k : attachments.Kinds()) {
    Json content = Json::array();
    if (k.image) content.push_back("image");
    if (k.pdf) content.push_back("pdf");
    kinds.push_back({{"code", k.code},
                     {"label", k.label},
                     {"content", std::move(content)},
                     {"max_bytes", k.max_bytes}});
  }
  return kinds;
}

}  // namespace

void SendAttachmentContent(const registry::AttachmentRecord& record, std::string content,
                           HttpResponse& res) {
  res.status = 200;
  res.content_type = record.content_type;
  const bool photo = record.content_type.rfind("image/", 0) == 0;
  std::string disposition = AttachmentDisposition(
      record.filename, "attachment-" + std::to_string(record.id) + (photo ? ".jpg" : ".pdf"));
  if (photo) disposition.replace(0, std::string_view("attachment").size(), "inline");
  res.SetHeader("Content-Disposition", disposition);
  res.SetHeader("Content-Security-Policy", "default-src 'none'; sandbox");
  res.SetHeader("X-Content-Type-Options", "nosniff");
  res.SetHeader("Cache-Control", "private, no-store");
  res.body = std::move(content);
}

namespace {

struct Context {
  Context(registry::Store& s, std::unique_ptr<registry::Attachments> a,
          std::unique_ptr<registry::ApiQueries> q, AttachmentRouteOptions o)
      : store(s), attachments(std::move(a)), queries(std::move(q)), options(std::move(o)) {}

  // Whether the person of this 编号 is in the caller's scope.
  Status Visible(const ApiCall& call, const std::string& person_id) {
    TP_ASSIGN_OR_RETURN(auto rowid, queries->VisiblePerson(person_id, call.caller->Scope()));
    return rowid ? Status::Ok() : NotFound(kAbsent);
  }

  // The attachment of the path's {id}, when its person is in the caller's scope.
  StatusOr<registry::AttachmentRecord> Attachment(const ApiCall& call, std::string* content) {
    TP_ASSIGN_OR_RETURN(int64_t id, IdParam(call.request, "id"));
    // The record first, without its content: out of scope, the file is never opened.
    TP_ASSIGN_OR_RETURN(auto record, attachments->Get(id));
    Status visible = Visible(call, record.person_id);
    if (!visible.ok()) return NotFound("没有编号为 " + std::to_string(id) + " 的附件");
    if (content != nullptr) return attachments->Get(id, content);
    return record;
  }

  registry::Store& store;
  std::unique_ptr<registry::Attachments> attachments;
  std::unique_ptr<registry::ApiQueries> queries;
  AttachmentRouteOptions options;
};

void Upload(Context& ctx, const ApiCall& call, HttpResponse& res) {
  std::optional<UploadGate::Slot> slot;
  if (ctx.options.upload_gate != nullptr) {
    auto entered = ctx.options.upload_gate->Enter(call.caller->Actor());
    if (!entered.ok()) return SetUploadRefused(entered.status(), res);
    slot = std::move(*entered);
  }
  const std::string person = call.request.PathParam("id");
  if (Status visible = ctx.Visible(call, person); !visible.ok()) return res.SetError(visible);
  const std::string kind = call.request.Query("kind").value_or("");
  if (kind.empty()) return res.SetError(BadField("kind", "请指明附件种类"));
  auto upload = UploadedFileOf(call.request, "附件");
  if (!upload.ok()) return res.SetError(upload.status());
  registry::NewAttachment file;
  file.person_id = person;
  file.round_code = call.request.Query("round").value_or("");
  file.kind = kind;
  file.filename = upload->filename;
  file.bytes = upload->bytes;
  auto added = ctx.attachments->Add(file, WhoCalls(call));
  if (!added.ok()) return res.SetError(added.status());
  res.SetJson(Dump(AttachmentJson(*added)), 201);
}

void List(Context& ctx, const ApiCall& call, HttpResponse& res) {
  const std::string person = call.request.PathParam("id");
  if (Status visible = ctx.Visible(call, person); !visible.ok()) return res.SetError(visible);
  const std::string round = call.request.Query("round").value_or("");
  auto items = ctx.attachments->List(person, round);
  if (!items.ok()) return res.SetError(items.status());
  Json out = Json::array();
  for (const auto& a : *items) out.push_back(AttachmentJson(a));
  Json missing = nullptr;
  if (!round.empty()) {
    auto lacking = ctx.attachments->Missing(person, round);
    if (!lacking.ok()) return res.SetError(lacking.status());
    missing = MissingAttachmentsJson(*lacking);
  }
  res.SetJson(Dump({{"items", std::move(out)},
                    {"missing", std::move(missing)},
                    {"kinds", KindsJson(*ctx.attachments)}}));
}

void Get(Context& ctx, const ApiCall& call, HttpResponse& res) {
  auto record = ctx.Attachment(call, nullptr);
  if (!record.ok()) return res.SetError(record.status());
  res.SetJson(Dump(AttachmentJson(*record)));
}

void Content(Context& ctx, const ApiCall& call, HttpResponse& res) {
  std::string content;
  auto record = ctx.Attachment(call, &content);
  if (!record.ok()) return res.SetError(record.status());
  // A photo or a scan is personal data: each read is recorded before it leaves.
  if (ctx.options.audit) {
    Status logged = ctx.options.audit(call, "read", std::to_string(record->id),
                                      {{"person", record->person_id}, {"kind", record->kind}});
    if (!logged.ok()) return res.SetError(logged);
  }
  SendAttachmentContent(*record, std::move(content), res);
}

// The unit whose attachments a round's zip holds: a unit's own; for a province one of its
// province's units, named; for staff the named one, or every unit (0).
StatusOr<int64_t> ZipUnit(Context& ctx, const ApiCall& call) {
  const Caller& c = *call.caller;
  const std::string code = call.request.Query("unit").value_or("");
  if (c.role == Role::kUnit) {
    if (!code.empty() && code != c.unit_code) return NotFound("没有代码为 " + code + " 的推荐单位");
    return c.Scope().unit_rowid;
  }
  if (code.empty()) {
    if (c.role == Role::kStaff) return int64_t{0};
    return FieldStatus(StatusCode::kInvalidArgument, "unit", "请用 ?unit=单位代码 指明推荐单位");
  }
  TP_ASSIGN_OR_RETURN(auto unit, ctx.store.GetUnit(code));
  if (c.role == Role::kProvince && unit.province != c.province) {
    return NotFound("没有代码为 " + code + " 的推荐单位");
  }
  return unit.rowid;
}

void RoundZip(Context& ctx, const ApiCall& call, HttpResponse& res) {
  constexpr std::size_t kMaxZipBytes = std::size_t{512} << 20;
  auto unit = ZipUnit(ctx, call);
  if (!unit.ok()) return res.SetError(unit.status());
  const std::string round = call.request.PathParam("code");
  auto zip = ctx.attachments->ZipRound(round, *unit, kMaxZipBytes);
  if (!zip.ok()) return res.SetError(zip.status());
  if (ctx.options.audit) {
    Status logged = ctx.options.audit(call, "export", round,
                                      {{"unit", call.request.Query("unit").value_or("")},
                                       {"files", zip->files},
                                       {"persons", zip->persons}});
    if (!logged.ok()) return res.SetError(logged);
  }
  res.status = 200;
  res.content_type = "application/zip";
  res.SetHeader("Content-Disposition",
                AttachmentDisposition("附件-" + round + ".zip", "attachments-" + round + ".zip"));
  res.SetHeader("Cache-Control", "no-store");
  res.body = std::move(zip->bytes);
}

void Remove(Context& ctx, const ApiCall& call, HttpResponse& res) {
  auto record = ctx.Attachment(call, nullptr);
  if (!record.ok()) return res.SetError(record.status());
  Status removed = ctx.attachments->Remove(record->id, WhoCalls(call));
  if (!removed.ok()) return res.SetError(removed);
  res.SetJson(Dump({{"id", record->id}, {"deleted", true}}));
}

using Handler = void (*)(Context&, const ApiCall&, HttpResponse&);

}  // namespace

Status AddAttachmentRoutes(registry::Store& store, const AttachmentRouteOptions& options,
                           std::vector<RouteSpec>* routes) {
  TP_ASSIGN_OR_RETURN(auto attachments, registry::Attachments::Open(store, registry::DataDir()));
  // Files a crash left between writing a file and its row go when the service starts.
  TP_RETURN_IF_ERROR(attachments->CollectGarbage().status());
  TP_ASSIGN_OR_RETURN(auto queries, registry::ApiQueries::Open(store));
  auto ctx = std::make_shared<Context>(store, std::move(attachments), std::move(queries), options);
  auto bind = [ctx](Handler h) {
    return [ctx, h](const ApiCall& call, HttpResponse& res) { h(*ctx, call, res); };
  };
  const std::string tag = "附件";
  const RouteParam person{"id", "path", "string", "人员编号", true};
  const RouteParam attachment{"id", "path", "integer", "附件编号", true};
  routes->push_back(
      {.method = "POST",
       .pattern = "/api/v1/persons/{id}/attachments",
       .operation_id = "uploadAttachment",
       .roles = kStaffAndUnits,
       .summary = "上传照片或盖章扫描件（按内容检查：照片须为 JPEG 或 PNG，扫描件须为能打开的 PDF；"
                  "不合通知要求的大小、分辨率时仍保存并给出 warnings；记入审计日志）",
       .tag = tag,
       .params = {person,
                  {"kind", "query", "string",
                   "附件种类：photo、work_photo、form_scan、recommendation_opinion、work_report、"
                   "integrity、meeting_minutes、other",
                   true},
                  {"round", "query", "string", "推荐批次代码：属于该人在这一批次的推荐", false},
                  {"filename", "query", "string", "文件名（只用于显示）", false}},
       .request_schema = "AttachmentFile",
       .response_schema = "Attachment",
       .statuses = {201, 400, 404, 413},
       .max_body_bytes = options.max_upload_bytes,
       .body_content_type = "multipart/form-data",
       .handler = bind(&Upload)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/persons/{id}/attachments",
                     .operation_id = "listAttachments",
                     .roles = kAllRoles,
                     .summary = "人员的附件，及（指定批次时）该批次的活动还缺的附件",
                     .tag = tag,
                     .params = {person, {"round", "query", "string", "推荐批次代码", false}},
                     .response_schema = "AttachmentList",
                     .statuses = {400, 404},
                     .handler = bind(&List)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/attachments/{id}",
                     .operation_id = "getAttachment",
                     .roles = kAllRoles,
                     .summary = "一个附件的信息",
                     .tag = tag,
                     .params = {attachment},
                     .response_schema = "Attachment",
                     .statuses = {400, 404},
                     .handler = bind(&Get)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/attachments/{id}/content",
                     .operation_id = "getAttachmentContent",
                     .roles = kAllRoles,
                     .summary = "附件的文件本身（照片 inline，PDF 下载；每次读取记入审计日志）",
                     .tag = tag,
                     .params = {attachment},
                     .response_schema = "AttachmentContent",
                     .statuses = {400, 404},
                     .handler = bind(&Content)});
  routes->push_back(
      {.method = "GET",
       .pattern = "/api/v1/rounds/{code}/attachments.zip",
       .operation_id = "getRoundAttachmentsZip",
       .roles = kAllRoles,
       .summary =
           "一个批次推荐人员的附件打包下载：姓名/姓名1.jpg、姓名/姓名-种类.pdf（多个单位时外加单位"
           "目录；不含未通过的推荐）；推荐单位下载本单位的，省级科协用 ?unit= 指明本省单位，"
           "工作人员可省略 ?unit 下载全部；记入审计日志",
       .tag = tag,
       .params = {{"code", "path", "string", "批次代码", true},
                  {"unit", "query", "string", "推荐单位代码", false}},
       .statuses = {400, 404},
       .handler = bind(&RoundZip)});
  routes->push_back({.method = "DELETE",
                     .pattern = "/api/v1/attachments/{id}",
                     .operation_id = "deleteAttachment",
                     .roles = kStaffAndUnits,
                     .summary = "删除附件（文件在没有别的附件用到时一并删除；记入审计日志）",
                     .tag = tag,
                     .params = {attachment},
                     .response_schema = "Deleted",
                     .statuses = {400, 404},
                     .handler = bind(&Remove)});
  return Status::Ok();
}

namespace {

// The nominee's side: the invitation of the link's secret, while the form is theirs.
class NomineeAttachments {
 public:
  NomineeAttachments(std::unique_ptr<registry::Attachments> attachments,
                     std::shared_ptr<registry::Invitations> invitations, std::shared_ptr<void> keep,
                     std::shared_ptr<UploadGate> gate)
      : attachments_(std::move(attachments)),
        invitations_(std::move(invitations)),
        keep_(std::move(keep)),
        gate_(std::move(gate)) {}

  // The invitation of the request's link; a missing header is 400, guessing slowed per address.
  StatusOr<registry::Invitation> Invitation(const ApiCall& call, HttpResponse& res) {
    int retry = 0;
    if (!bad_links_.Check(call.remote_addr, &retry)) {
      res.SetHeader("Retry-After", std::to_string(retry));
      return Status(StatusCode::kResourceExhausted, "尝试次数过多，请稍后再试");
    }
    const std::string secret = call.request.Header("X-Invitation").value_or("");
    if (secret.empty()) {
      return BadField("X-Invitation", "缺少邀请链接：请从推荐单位发来的链接打开");
    }
    auto form = invitations_->Open(secret);
    if (!form.ok()) {
      if (form.status().code() == StatusCode::kNotFound) (void)bad_links_.Allow(call.remote_addr);
      return form.status();
    }
    return form->invitation;
  }

  // One of this invitation's attachments, by the path's {id}.
  StatusOr<registry::AttachmentRecord> Own(const ApiCall& call, HttpResponse& res,
                                           std::string* content) {
    TP_ASSIGN_OR_RETURN(registry::Invitation invitation, Invitation(call, res));
    TP_ASSIGN_OR_RETURN(int64_t id, IdParam(call.request, "id"));
    auto record = attachments_->Get(id);
    if (!record.ok() || record->invitation != invitation.id || !record->person_id.empty()) {
      return NotFound("没有编号为 " + std::to_string(id) + " 的附件");
    }
    if (content != nullptr) return attachments_->Get(id, content);
    return record;
  }

  void List(const ApiCall& call, HttpResponse& res) {
    auto invitation = Invitation(call, res);
    if (!invitation.ok()) return res.SetError(invitation.status());
    auto items = attachments_->ListForInvitation(invitation->id);
    if (!items.ok()) return res.SetError(items.status());
    auto missing = attachments_->MissingForInvitation(invitation->id);
    if (!missing.ok()) return res.SetError(missing.status());
    Json out = Json::array();
    for (const auto& a : *items) {
      Json j = AttachmentJson(a);
      j["content_url"] = "/api/v1/nominee/attachments/" + std::to_string(a.id) + "/content";
      out.push_back(std::move(j));
    }
    res.SetJson(Dump({{"items", std::move(out)},
                      {"missing", MissingAttachmentsJson(*missing)},
                      {"kinds", KindsJson(*attachments_)}}));
  }

  void Upload(const ApiCall& call, HttpResponse& res) {
    std::optional<UploadGate::Slot> slot;
    if (gate_ != nullptr) {
      auto entered = gate_->Enter("nominee:" + call.remote_addr);
      if (!entered.ok()) return SetUploadRefused(entered.status(), res);
      slot = std::move(*entered);
    }
    auto invitation = Invitation(call, res);
    if (!invitation.ok()) return res.SetError(invitation.status());
    const std::string kind = call.request.Query("kind").value_or("");
    if (kind.empty()) return res.SetError(BadField("kind", "请指明附件种类"));
    auto upload = UploadedFileOf(call.request, "附件");
    if (!upload.ok()) return res.SetError(upload.status());
    registry::NewAttachment file;
    file.invitation = invitation->id;
    file.kind = kind;
    file.filename = upload->filename;
    file.bytes = upload->bytes;
    registry::AuditEntry who;
    who.actor = "nominee";
    who.actor_name = invitation->name;
    who.remote_addr = call.remote_addr;
    auto added = attachments_->Add(file, who);
    if (!added.ok()) return res.SetError(added.status());
    res.SetJson(Dump(AttachmentJson(*added)), 201);
  }

  void Content(const ApiCall& call, HttpResponse& res) {
    std::string content;
    auto record = Own(call, res, &content);
    if (!record.ok()) return res.SetError(record.status());
    SendAttachmentContent(*record, std::move(content), res);
  }

  void Remove(const ApiCall& call, HttpResponse& res) {
    auto record = Own(call, res, nullptr);
    if (!record.ok()) return res.SetError(record.status());
    registry::AuditEntry who;
    who.actor = "nominee";
    who.remote_addr = call.remote_addr;
    Status removed = attachments_->Remove(record->id, who);
    if (!removed.ok()) return res.SetError(removed);
    res.SetJson(Dump({{"id", record->id}, {"deleted", true}}));
  }

 private:
  std::unique_ptr<registry::Attachments> attachments_;
  std::shared_ptr<registry::Invitations> invitations_;
  std::shared_ptr<void> keep_;
  std::shared_ptr<UploadGate> gate_;
  RateLimiter bad_links_{RateLimit{1, 20}};
};

}  // namespace

Status AddNomineeAttachmentRoutes(registry::Store& store,
                                  std::shared_ptr<registry::Invitations> invitations,
                                  std::shared_ptr<void> keep, std::size_t max_upload_bytes,
                                  std::shared_ptr<UploadGate> upload_gate,
                                  std::vector<RouteSpec>* routes) {
  TP_ASSIGN_OR_RETURN(auto attachments, registry::Attachments::Open(store, registry::DataDir()));
  auto api = std::make_shared<NomineeAttachments>(std::move(attachments), std::move(invitations),
                                                  std::move(keep), std::move(upload_gate));
  using Method = void (NomineeAttachments::*)(const ApiCall&, HttpResponse&);
  auto bind = [api](Method method) {
    return [api, method](const ApiCall& call, HttpResponse& res) { ((*api).*method)(call, res); };
  };
  const std::string tag = "邀请填表";
  const RouteParam link = {"X-Invitation", "header", "string", "邀请链接中的密钥", true};
  const RouteParam attachment = {"id", "path", "integer", "附件编号", true};
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/nominee/attachments",
                     .operation_id = "listNomineeAttachments",
                     .needs_token = false,
                     .summary = "被推荐人：自己上传的照片和扫描件，及活动还要求的材料",
                     .tag = tag,
                     .params = {link},
                     .response_schema = "AttachmentList",
                     .statuses = {400, 403, 404, 429},
                     .handler = bind(&NomineeAttachments::List)});
  routes->push_back(
      {.method = "POST",
       .pattern = "/api/v1/nominee/attachments",
       .operation_id = "uploadNomineeAttachment",
       .needs_token = false,
       .summary = "被推荐人：上传照片或扫描件（按内容检查；推荐单位纳入名单后归入本人）",
       .tag = tag,
       .params = {link,
                  {"kind", "query", "string", "附件种类，如 photo、work_photo", true},
                  {"filename", "query", "string", "文件名（只用于显示）", false}},
       .request_schema = "AttachmentFile",
       .response_schema = "Attachment",
       .statuses = {201, 400, 403, 404, 413, 429},
       .max_body_bytes = max_upload_bytes,
       .body_content_type = "multipart/form-data",
       .handler = bind(&NomineeAttachments::Upload)});
  routes->push_back({.method = "GET",
                     .pattern = "/api/v1/nominee/attachments/{id}/content",
                     .operation_id = "getNomineeAttachmentContent",
                     .needs_token = false,
                     .summary = "被推荐人：自己上传的一个文件",
                     .tag = tag,
                     .params = {link, attachment},
                     .response_schema = "AttachmentContent",
                     .statuses = {400, 403, 404, 429},
                     .handler = bind(&NomineeAttachments::Content)});
  routes->push_back({.method = "DELETE",
                     .pattern = "/api/v1/nominee/attachments/{id}",
                     .operation_id = "deleteNomineeAttachment",
                     .needs_token = false,
                     .summary = "被推荐人：删除自己上传的一个文件",
                     .tag = tag,
                     .params = {link, attachment},
                     .response_schema = "Deleted",
                     .statuses = {400, 403, 404, 429},
                     .handler = bind(&NomineeAttachments::Remove)});
  return Status::Ok();
}

std::string AttachmentOpenApiSchemas() {
  return R"json({
  "AttachmentFile": {"type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}}},
  "Attachment": {"type": "object", "required": ["id", "person", "kind", "filename", "content_type", "bytes", "warnings", "content_url"],
    "properties": {"id": {"type": "integer"}, "person": {"type": "string"},
      "round": {"type": "string", "nullable": true}, "kind": {"type": "string"}, "kind_label": {"type": "string"},
      "filename": {"type": "string"}, "content_type": {"type": "string", "enum": ["image/jpeg", "image/png", "application/pdf"]},
      "bytes": {"type": "integer"}, "width": {"type": "integer", "nullable": true},
      "height": {"type": "integer", "nullable": true}, "dpi": {"type": "integer", "nullable": true},
      "pages": {"type": "integer", "nullable": true},
      "warnings": {"type": "array", "items": {"type": "string"}},
      "uploaded_by": {"type": "string", "nullable": true}, "uploaded_at": {"type": "string", "nullable": true},
      "content_url": {"type": "string"}}},
  "AttachmentList": {"type": "object", "required": ["items", "missing", "kinds"],
    "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}},
      "missing": {"type": "array", "nullable": true, "items": {"type": "object",
        "properties": {"kind": {"type": "string"}, "label": {"type": "string"},
          "need": {"type": "integer"}, "have": {"type": "integer"}}}},
      "kinds": {"type": "array", "items": {"type": "object",
        "properties": {"code": {"type": "string"}, "label": {"type": "string"},
          "content": {"type": "array", "items": {"type": "string", "enum": ["image", "pdf"]}},
          "max_bytes": {"type": "integer"}}}}}},
  "AttachmentContent": {"type": "string", "format": "binary", "description": "image/jpeg、image/png 或 application/pdf"},
  "Deleted": {"type": "object", "required": ["id", "deleted"],
    "properties": {"id": {"type": "integer"}, "deleted": {"type": "boolean"}}}
})json";
}

}  // namespace tp::api
