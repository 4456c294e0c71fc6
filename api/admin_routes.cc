// The routes of staff's administration (api_service.h): statistics, the audit log, tokens and
// the import of a pool file.
#include <optional>

#include "api/internal/api_service_impl.h"
#include "api/observe.h"
#include "registry/cohorts/unit_availability.h"

namespace tp::api {

void ApiService::Impl::Stats(const ApiCall& call, HttpResponse& res) {
  const Caller& c = *call.caller;
  auto pairs = [](const std::vector<std::pair<std::string, int64_t>>& v) {
    Json o = Json::object();
    for (const auto& [k, n] : v) o[k.empty() ? "未填" : k] = n;
    return o;
  };
  if (c.role == Role::kStaff) {
    auto s = store.Stats();
    if (!s.ok()) return res.SetError(s.status());
    return res.SetJson(Dump({{"scope", "all"},
                             {"persons", s->persons},
                             {"units", s->units},
                             {"admissions", s->admissions},
                             {"honours", s->honours},
                             {"rounds", s->rounds},
                             {"recommendations", s->recommendations},
                             {"events", s->events},
                             {"enrolments", s->enrolments},
                             {"admitted", s->admitted_persons},
                             {"attended", s->attended},
                             {"absent", s->absent},
                             {"attended_by_year", pairs(s->attended_by_year)},
                             {"by_tier", pairs(s->by_tier)},
                             {"by_year", pairs(s->by_year)},
                             {"by_unit_type", pairs(s->by_unit_type)},
                             {"by_province", pairs(s->by_province)}}));
  }
  auto s = queries->Stats(c.Scope());
  if (!s.ok()) return res.SetError(s.status());
  std::string scope = c.role == Role::kProvince ? "province:" + c.province : "unit:" + c.unit_code;
  res.SetJson(Dump({{"scope", scope},
                    {"persons", s->persons},
                    {"admitted", s->admitted},
                    {"by_tier", pairs(s->by_tier)},
                    {"by_year", pairs(s->by_year)}}));
}

void ApiService::Impl::QueryAudit(const ApiCall& call, HttpResponse& res) {
  registry::AuditQuery q;
  auto page = IntParam(call.request, "page", "页码", 1, 1, 100000);
  if (!page.ok()) return res.SetError(page.status());
  auto size = IntParam(call.request, "size", "每页条数", 50, 1, 500);
  if (!size.ok()) return res.SetError(size.status());
  q.page = *page;
  q.size = *size;
  q.actor = call.request.Query("actor").value_or("");
  q.action = call.request.Query("action").value_or("");
  q.object_type = call.request.Query("object_type").value_or("");
  q.object_id = call.request.Query("object_id").value_or("");
  q.since = call.request.Query("since").value_or("");
  q.until = call.request.Query("until").value_or("");
  // Whatever was answered so far is in the answer, spooled or not.
  Status moved = audit.Flush();
  if (!moved.ok()) return res.SetError(moved);
  auto found = queries->QueryAudit(q);
  if (!found.ok()) return res.SetError(found.status());
  Json items = Json::array();
  for (const auto& row : found->rows) {
    Json detail = row.entry.detail_json.empty()
                      ? Json(nullptr)
                      : Json::parse(row.entry.detail_json, nullptr, false);
    if (detail.is_discarded()) detail = row.entry.detail_json;
    items.push_back({{"id", row.id},
                     {"at", row.at},
                     {"actor", row.entry.actor},
                     {"actor_name", TextOrNull(row.entry.actor_name)},
                     {"role", TextOrNull(row.entry.role)},
                     {"action", row.entry.action},
                     {"object_type", TextOrNull(row.entry.object_type)},
                     {"object_id", TextOrNull(row.entry.object_id)},
                     {"detail", detail},
                     {"remote_addr", TextOrNull(row.entry.remote_addr)}});
  }
  res.SetJson(Dump(
      {{"total", found->total}, {"page", q.page}, {"size", q.size}, {"items", std::move(items)}}));
}

// Staff see every token; anyone else the tokens their own account made.
static bool SeesToken(const Caller& caller, const registry::TokenInfo& t) {
  return caller.role == Role::kStaff ||
         (caller.account_id != 0 && t.account_id == caller.account_id);
}

void ApiService::Impl::ListTokens(const ApiCall& call, HttpResponse& res) {
  auto tokens = store.ListTokens();
  if (!tokens.ok()) return res.SetError(tokens.status());
  Json items = Json::array();
  for (const auto& t : *tokens) {
    if (!SeesToken(*call.caller, t)) continue;
    items.push_back({{"id", t.id},
                     {"account", TextOrNull(t.account_username)},
                     {"expires_at", TextOrNull(registry::IsoUtc(t.expires_at))},
                     {"role", t.role},
                     {"unit", TextOrNull(t.unit_code)},
                     {"province", TextOrNull(t.province)},
                     {"label", TextOrNull(t.label)},
                     {"created_at", t.created_at},
                     {"revoked_at", TextOrNull(t.revoked_at)}});
  }
  res.SetJson(Dump({{"total", items.size()}, {"items", std::move(items)}}));
}

void ApiService::Impl::RevokeToken(const ApiCall& call, HttpResponse& res) {
  const std::string id_text = call.request.PathParam("id");
  if (id_text.empty() || id_text.size() > 18 ||
      id_text.find_first_not_of("0123456789") != std::string::npos)
    return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "id", "应为令牌编号（整数）"));
  int64_t id = std::stoll(id_text);
  if (call.caller->role != Role::kStaff) {
    auto tokens = store.ListTokens();
    if (!tokens.ok()) return res.SetError(tokens.status());
    const bool own = std::any_of(tokens->begin(), tokens->end(), [&](const auto& t) {
      return t.id == id && SeesToken(*call.caller, t);
    });
    if (!own) return res.SetError(NotFound("没有编号为 " + id_text + " 的有效令牌"));
  }
  Status s = store.RevokeToken(id);
  if (!s.ok()) return res.SetError(s);
  Status logged = Audit(call, "revoke", "token", id_text);
  if (!logged.ok()) return res.SetError(logged);
  res.SetJson(Dump({{"id", id}, {"revoked", true}}));
}

void ApiService::Impl::Import(const ApiCall& call, HttpResponse& res) {
  StatusOr<UploadGate::Slot> slot = uploads->Enter(call.caller->Actor());
  if (!slot.ok()) return SetUploadRefused(slot.status(), res);
  // Counted for /metrics as it ends: a failure unless it reaches a report.
  struct Counted {
    ImportCounters& counters;
    bool reported = false;
    ~Counted() {
      ++counters.runs;
      if (!reported) ++counters.failed;
    }
  } counted{imports};
  auto upload = UploadedFileOf(call.request, "上传文件");
  if (!upload.ok()) return res.SetError(upload.status());
  const std::string_view bytes = upload->bytes;
  const std::string& filename = upload->filename;
  // Whatever the outcome, the memory the file took goes back to the system
  // when the answer is made (ReturnFreedMemory says why that needs asking).
  struct ReturnMemory {
    ~ReturnMemory() { ReturnFreedMemory(); }
  } return_memory;
  // A zip of documents (a unit's forms) is imported file by file.
  std::optional<registry::Bundle> bundle;
  StatusOr<std::unique_ptr<registry::TableReader>> reader = InvalidArgument("");
  if (registry::IsBundle(bytes)) {
    auto opened = registry::OpenBundle(bytes, filename);
    if (!opened.ok()) return res.SetError(opened.status());
    bundle = std::move(opened).value();
  } else {
    reader = registry::OpenTableInPlace(bytes, filename, registry::ImportTableOptions());
    if (!reader.ok()) return res.SetError(reader.status());
  }
  // 附件2 answers 可否参加 for people admitted already: it sets those, adds nobody. Told by the
  // title above the heading of the table just opened, not by opening the file again.
  if (!bundle && registry::UnitAvailability::IsAnswerSheet(**reader)) {
    reader = InvalidArgument("");  // the sheet is read again by the answers' own rules
    registry::UnitAvailability answers(store);
    auto result = answers.ApplySheet(registry::PersonScope{}, std::string(bytes), filename, "",
                                     WhoCalls(call));
    if (!result.ok()) return res.SetError(result.status());
    if (result->errors.empty()) (void)CatchUp();
    counted.reported = true;
    return res.SetJson(Dump({{"imported", 0},
                             {"inserted", 0},
                             {"updated", 0},
                             {"unchanged", 0},
                             {"rejected", result->errors.size()},
                             {"held", Json::array()},
                             {"format", "availability"},
                             {"errors", FieldErrorsJson(result->errors)},
                             {"availability",
                              {{"rows", result->rows},
                               {"changed", result->changed},
                               {"written", result->errors.empty()}}}}));
  }
  constexpr size_t kMaxReportedErrors = 1000;
  Json errors = Json::array();
  std::string current;  // the file of an archive whose rows are being read
  ImportPolicy policy;
  policy.who = WhoCalls(call);
  policy.source = filename;
  policy.on_file = [&current](const std::string& name) { current = name; };
  Status confirmed =
      ParseConfirmations(call.request.Query("same").value_or(""),
                         call.request.Query("new").value_or(""), "same", "new", &policy);
  if (!confirmed.ok()) return res.SetError(confirmed);
  Json held = Json::array();
  policy.on_held = [&](const registry::HeldRow& row) {
    if (held.size() >= kMaxReportedErrors) return;
    Json candidates = Json::array();
    for (const registry::SamePersonCandidate& c : row.candidates) {
      candidates.push_back({{"id", c.public_id},
                            {"name", c.name},
                            {"birth_date", TextOrNull(c.birth_date)},
                            {"unit", TextOrNull(c.unit_name)}});
    }
    Json item = {{"row", row.row},
                 {"name", row.name},
                 {"birth_date", TextOrNull(row.birth_date)},
                 {"unit", TextOrNull(row.unit_name)},
                 {"candidates", std::move(candidates)}};
    if (bundle) item["file"] = current;
    held.push_back(std::move(item));
  };
  policy.on_rejected = [&](const std::vector<FieldError>& row_errors) {
    for (const FieldError& e : row_errors) {
      if (errors.size() >= kMaxReportedErrors) return;
      Json error = {{"row", e.row}, {"field", e.field}, {"message", e.message}};
      if (bundle) error["file"] = current;
      errors.push_back(std::move(error));
    }
  };
  policy.record_audit = [this](registry::AuditEntry entry) {
    return audit.Record(std::move(entry));
  };
  policy.catch_up = [this] { return CatchUp(); };
  auto outcome = bundle ? RunBundleImport(store, index, *bundle, reference, policy)
                        : RunImport(store, index, **reader, reference, policy);
  if (outcome.ok()) {
    imports.inserted += static_cast<uint64_t>(outcome->report.inserted);
    imports.updated += static_cast<uint64_t>(outcome->report.updated);
    imports.unchanged += static_cast<uint64_t>(outcome->report.unchanged);
    imports.rejected += static_cast<uint64_t>(outcome->report.rejected);
  }
  if (!outcome.ok()) return res.SetError(outcome.status());
  if (!outcome->audited.ok()) return res.SetError(outcome->audited);
  const registry::ImportReport* report = &outcome->report;
  counted.reported = true;
  res.SetJson(Dump({{"imported", report->imported},
                    {"inserted", report->inserted},
                    {"updated", report->updated},
                    {"unchanged", report->unchanged},
                    {"rejected", report->rejected},
                    {"held", std::move(held)},
                    {"unused_confirmations", report->unused_confirmations},
                    {"format", report->format},
                    {"ignored_columns", report->ignored_columns},
                    {"files", bundle ? Json(bundle->files.size()) : Json(nullptr)},
                    {"skipped_files", bundle ? Json(bundle->skipped) : Json::array()},
                    {"errors", std::move(errors)}}));
}

std::string ApiService::Impl::ImportMetrics() const {
  const auto n = [](const std::atomic<uint64_t>& c) { return static_cast<double>(c.load()); };
  return PrometheusCounter(
             "talentpool_imports_total",
             "Tables imported through the API since the start, by result.", "result",
             {{"ok", n(imports.runs) - n(imports.failed)}, {"failed", n(imports.failed)}}) +
         PrometheusCounter("talentpool_import_rows_total",
                           "Rows of the API's imports since the start, by outcome.", "outcome",
                           {{"inserted", n(imports.inserted)},
                            {"updated", n(imports.updated)},
                            {"unchanged", n(imports.unchanged)},
                            {"rejected", n(imports.rejected)}});
}

}  // namespace tp::api
