// The 学员情况表 of one person as a download (registry/forms/): PDF or Word, in the scope and
// with the masks of GET /api/v1/persons/{id}, watermarked with who asked and when, audited.
#include <ctime>

#include "api/internal/api_service_impl.h"
#include "registry/forms/student_form.h"

namespace tp::api {
namespace {

constexpr const char* kDocxType =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

// Whom the watermark names: the account's display name, else the token's label, else how the
// audit log names the caller.
std::string PrintedBy(const Caller& caller) {
  if (!caller.display_name.empty()) return caller.display_name;
  if (!caller.label.empty()) return caller.label;
  return caller.Actor();
}

}  // namespace

void ApiService::Impl::PersonFormPdf(const ApiCall& call, HttpResponse& res) {
  PersonForm(call, res, "pdf");
}

void ApiService::Impl::PersonFormDocx(const ApiCall& call, HttpResponse& res) {
  PersonForm(call, res, "docx");
}

void ApiService::Impl::PersonForm(const ApiCall& call, HttpResponse& res, std::string_view format) {
  const Caller& c = *call.caller;
  const std::string id = call.request.PathParam("id");
  auto reveal = RevealOf(call.request);
  if (!reveal.ok()) return res.SetError(reveal.status());
  if (reveal->any() && c.role != Role::kStaff) {
    return res.SetError(FieldStatus(StatusCode::kPermissionDenied,
                                    reveal->id_number ? "身份证号" : "手机",
                                    "只有中国科协工作人员令牌可以查看完整号码"));
  }
  auto rowid = queries->VisiblePerson(id, c.Scope());
  if (!rowid.ok()) return res.SetError(rowid.status());
  if (!*rowid) return res.SetError(NotFound("没有这个编号的人员（或不在令牌的范围内）"));
  auto records = store.LoadPersons({**rowid}, reveal->any());
  if (!records.ok()) return res.SetError(records.status());
  if (records->empty() || records->front().deleted)
    return res.SetError(NotFound("没有这个编号的人员（或不在令牌的范围内）"));
  const registry::PersonRecord& r = records->front();

  registry::FormPrint print;
  print.printed_by = PrintedBy(c);
  print.printed_at = static_cast<int64_t>(std::time(nullptr));
  print.reveal_id_number = reveal->id_number;
  print.reveal_phone = reveal->phone;
  print.sensitive_attributes = c.SeesSensitiveAttributes();
  auto bytes = format == "pdf" ? registry::StudentFormPdf(r, print)
                               : registry::StudentFormDocx(
                                     r, print, registry::DataDir() + "/forms/student_form");
  if (!bytes.ok()) return res.SetError(bytes.status());

  // A form with whole numbers is a reveal, as on the person's page; otherwise an export of the
  // person's data. Recorded before the answer leaves.
  Json fields = Json::array();
  if (reveal->id_number) fields.push_back("id_number");
  if (reveal->phone) fields.push_back("phone");
  Json detail = {{"form", "学员情况表"}, {"format", format}};
  if (reveal->any()) detail["fields"] = std::move(fields);
  Status logged =
      Audit(call, reveal->any() ? "reveal" : "export", "person", r.person.public_id, detail);
  if (!logged.ok()) return res.SetError(logged);

  res.status = 200;
  res.content_type = format == "pdf" ? "application/pdf" : kDocxType;
  res.SetHeader(
      "Content-Disposition",
      AttachmentDisposition(registry::StudentFormFilename(r, format),
                            "student-form-" + r.person.public_id + "." + std::string(format)));
  res.SetHeader("Cache-Control", "no-store");
  res.body = std::move(*bytes);
}

}  // namespace tp::api
