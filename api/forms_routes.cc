// The 学员情况表 of one person as a download (registry/forms/): PDF or Word, in the scope and
// with the masks of GET /api/v1/persons/{id}, watermarked with who asked and when, audited.
#include <ctime>

#include "api/internal/api_service_impl.h"
#include "registry/forms/student_form.h"

namespace tp::api {
namespace {

constexpr const char* kDocxType =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

}  // namespace

void ApiService::Impl::PersonFormPdf(const ApiCall& call, HttpResponse& res) {
  PersonForm(call, res, "pdf");
}

void ApiService::Impl::PersonFormDocx(const ApiCall& call, HttpResponse& res) {
  PersonForm(call, res, "docx");
}

void ApiService::Impl::PersonForm(const ApiCall& call, HttpResponse& res, std::string_view format) {
  const Caller& c = *call.caller;
  RevealRequest reveal_request;
  auto record = VisiblePersonRecord(call, &reveal_request);
  if (!record.ok()) return res.SetError(record.status());
  const RevealRequest* reveal = &reveal_request;
  const registry::PersonRecord& r = *record;

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
