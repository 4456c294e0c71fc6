// A unit's 推荐学员汇总表 as a download (summary_form_routes.h).
#include "api/summary_form_routes.h"

#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

#include "api/auth.h"
#include "api/http_server.h"
#include "api/rounds_json.h"
#include "api/route_helpers.h"
#include "registry/base/paths.h"
#include "registry/forms/summary_form.h"
#include "registry/rounds/summary_sheet.h"

namespace tp::api {
namespace {

using Json = nlohmann::json;

constexpr const char* kDocxType =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

class SummaryFormApi {
 public:
  SummaryFormApi(registry::Store& store, registry::Workflow& workflow, std::shared_ptr<void> keep)
      : store_(store), sheets_(workflow), keep_(std::move(keep)) {}

  void Download(const ApiCall& call, HttpResponse& res, std::string_view format) {
    SendUnitSummary(store_, sheets_, call, res, format);
  }

 private:
  registry::Store& store_;
  registry::SummarySheets sheets_;
  std::shared_ptr<void> keep_;
};

}  // namespace

void SendUnitSummary(registry::Store& store, registry::SummarySheets& sheets, const ApiCall& call,
                     HttpResponse& res, std::string_view format) {
  const Caller& c = *call.caller;
  const std::string code = call.request.PathParam("code");
  std::string unit = call.request.Query("unit").value_or("");
  if (c.role == Role::kUnit && unit.empty()) unit = c.unit_code;
  if (unit.empty()) return res.SetError(BadField("unit", "请用 ?unit=单位代码 指明推荐单位"));
  auto revealed = RevealPhoneOf(call.request);
  if (!revealed.ok()) return res.SetError(revealed.status());
  const bool reveal = *revealed;
  if (reveal && c.role != Role::kStaff)
    return res.SetError(PermissionDenied("只有工作人员可以打印完整的联系方式"));

  const registry::Actor actor = ActorOf(call);
  auto list = sheets.UnitList(code, unit, reveal, c.SeesSensitiveAttributes(), actor);
  if (!list.ok()) return res.SetError(list.status());
  if (format == "xlsx") {
    auto workbook = registry::SummarySheets::UnitListWorkbook(*list);
    if (!workbook.ok()) return res.SetError(workbook.status());
    Status logged = store.Audit(actor.Entry(
        "export", "round", code,
        Json{{"unit", list->unit.code}, {"rows", list->rows.size()}, {"reveal_phone", reveal}}
            .dump()));
    if (!logged.ok()) return res.SetError(logged);
    return SendXlsx(res, std::move(*workbook),
                    code + "-" + list->unit.code + "-推荐学员汇总表.xlsx");
  }
  registry::SummaryForm form;
  form.round_code = code;
  form.unit_code = list->unit.code;
  form.unit_name = list->unit.name;
  form.columns = registry::SummarySheetColumns();
  form.rows = std::move(list->rows);
  registry::FormPrint print;
  print.printed_by = PrintedBy(c);
  print.printed_at = static_cast<int64_t>(std::time(nullptr));
  auto bytes = format == "pdf" ? registry::SummaryFormPdf(form, print)
                               : registry::SummaryFormDocx(
                                     form, print, registry::DataDir() + "/forms/summary_sheet");
  if (!bytes.ok()) return res.SetError(bytes.status());

  // As the round's XLSX export is recorded, with the form and format; before the answer leaves.
  Status logged = store.Audit(actor.Entry("export", "round", code,
                                          Json{{"unit", form.unit_code},
                                               {"rows", form.rows.size()},
                                               {"reveal_phone", reveal},
                                               {"form", "推荐学员汇总表"},
                                               {"format", std::string(format)}}
                                              .dump()));
  if (!logged.ok()) return res.SetError(logged);

  res.status = 200;
  res.content_type = format == "pdf" ? "application/pdf" : kDocxType;
  res.SetHeader("Content-Disposition",
                AttachmentDisposition(registry::SummaryFormFilename(form, format),
                                      registry::SummaryFormAsciiFilename(form, format)));
  res.SetHeader("Cache-Control", "no-store");
  res.body = std::move(*bytes);
}

void AddSummaryFormRoutes(registry::Store& store, registry::Workflow& workflow,
                          std::shared_ptr<void> keep, std::vector<RouteSpec>* routes) {
  auto api = std::make_shared<SummaryFormApi>(store, workflow, std::move(keep));
  for (const bool pdf : {true, false}) {
    const std::string_view format = pdf ? "pdf" : "docx";
    routes->push_back(
        {.method = "GET",
         .pattern =
             pdf ? "/api/v1/rounds/{code}/summary.pdf" : "/api/v1/rounds/{code}/summary.docx",
         .operation_id = pdf ? "getRoundSummaryPdf" : "getRoundSummaryDocx",
         .roles = kAllRoles,
         .summary = std::string("下载一个单位本批次的推荐学员汇总表（") +
                    (pdf ? "PDF，A4 横向，带水印" : "Word，A4 横向") +
                    "；已报送的人员；工作人员用 ?unit= 指明单位，省级科协限本省单位，推荐单位只能"
                    "下载本单位的；?reveal=phone 仅工作人员；记入审计日志）",
         .tag = "推荐批次",
         .params = {{"code", "path", "string", "批次代码", true},
                    {"unit", "query", "string", "推荐单位代码（推荐单位可省略）", false},
                    {"reveal",
                     "query",
                     "string",
                     "phone：显示完整联系方式（仅 staff）",
                     false,
                     {"phone"}}},
         .statuses = {400, 404, 503},
         .handler = [api, format](const ApiCall& call, HttpResponse& res) {
           api->Download(call, res, format);
         }});
  }
}

}  // namespace tp::api
