#include "api/rounds_json.h"

#include <cctype>
#include <map>

#include "api/route_helpers.h"
#include "registry/base/person_fields.h"
#include "registry/fields/text.h"

namespace tp::api {

using Json = nlohmann::json;
using registry::RecommendationView;
using registry::SubmissionView;

std::string TextOf(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return "";
}

Json BeijingOrNull(const std::string& utc_iso) {
  if (utc_iso.empty()) return nullptr;
  auto instant = registry::ParseUtcIso(utc_iso);
  if (!instant.ok()) return utc_iso;
  return registry::BeijingIso(*instant);
}

// RFC 5987: a download's Chinese file name.
std::string Attachment(const std::string& filename) {
  return AttachmentDisposition(filename, "download.xlsx");
}

void SendXlsx(HttpResponse& res, std::string bytes, const std::string& filename) {
  res.status = 200;
  res.content_type = kXlsxType;
  res.body = std::move(bytes);
  res.SetHeader("Content-Disposition", Attachment(filename));
}

Json CampaignJson(const registry::Campaign& c) {
  return {{"code", c.code},
          {"kind", c.kind},
          {"name", c.name},
          {"honour_title", TextOrNull(c.honour_title)}};
}

Json RoundJson(const registry::Round& r, int64_t now) {
  return {{"code", r.code},
          {"title", r.title},
          {"kind", r.kind},
          {"campaign", CampaignJson(r.campaign)},
          {"opens_at", registry::BeijingIso(r.opens_at)},
          {"deadline", registry::BeijingIso(r.deadline_at)},
          {"reference_date", r.reference_date.ToString()},
          {"rule_set", r.rule_set},
          {"year", r.year},
          {"open", now >= r.opens_at && now < r.deadline_at}};
}

Json QuotaJson(const registry::QuotaState& q) {
  Json minimums = Json::array();
  for (const auto& m : q.minimums) {
    minimums.push_back({{"name", m.name},
                        {"needed", m.needed},
                        {"have", m.have},
                        {"applies", m.applies},
                        {"met", m.met},
                        {"who", m.who}});
  }
  Json exempt = Json::array();
  for (const auto& e : q.exempt) exempt.push_back({{"who", e.label}, {"reason", e.reason}});
  Json violations = Json::array();
  for (const auto& v : q.violations)
    violations.push_back({{"rule", v.field}, {"message", v.message}});
  return {{"rule_set", q.rule_set},
          {"quota", TextOrNull(q.quota)},
          {"min", q.min},
          {"max", q.max < 0 ? Json(nullptr) : Json(q.max)},
          {"used", q.used},
          {"remaining", q.remaining < 0 ? Json(nullptr) : Json(q.remaining)},
          {"counted", q.counted},
          {"exempt", std::move(exempt)},
          {"minimums", std::move(minimums)},
          {"violations", std::move(violations)},
          {"can_submit", q.ok()}};
}

// Staff see the stored record and where the unit's copy differs from it;
// a unit, and its province, see what the unit submitted (workflow.h).
Json ItemJson(const RecommendationView& v, const Caller& caller) {
  const bool staff = caller.role == Role::kStaff;
  const registry::PersonRecord& r = staff ? v.record : v.submitted;
  const registry::Person& p = r.person;
  Json person = {{"id", TextOrNull(p.public_id)},
                 {"name", p.name},
                 {"gender", TextOrNull(p.gender)},
                 {"birth_date", TextOrNull(p.birth_date)},
                 {"id_number", TextOrNull(r.id_number_mask)},
                 {"phone", TextOrNull(r.phone_mask)},
                 {"unit", TextOrNull(p.unit_name)},
                 {"post", TextOrNull(p.post)},
                 {"title", TextOrNull(p.title)},
                 {"education", TextOrNull(p.education)},
                 {"fields", p.fields},
                 {"group_type", TextOrNull(p.group_type)},
                 {"province", TextOrNull(p.province)}};
  if (caller.SeesSensitiveAttributes()) {
    person["ethnic_group"] = TextOrNull(p.ethnic_group);
    person["political_affiliation"] = TextOrNull(p.political_affiliation);
  }
  Json admissions = Json::array();
  for (const auto& a : r.admissions) {
    admissions.push_back({{"year", a.year},
                          {"tier", TextOrNull(a.tier)},
                          {"batch", TextOrNull(a.batch)},
                          {"round", TextOrNull(a.round_code)}});
  }
  Json honours = Json::array();
  for (const auto& h : r.honours) honours.push_back({{"title", h.title}, {"year", h.year}});
  Json item = {
      {"id", v.id},
      {"round", v.round},
      {"unit", v.unit_code},
      {"state", v.state},
      {"person", std::move(person)},
      {"opinion", TextOrNull(v.opinion)},
      {"declared", v.declared},
      {"group", TextOrNull(v.group)},
      {"exempt_reason", TextOrNull(v.exempt_reason)},
      {"reasons", TextOrNull(v.reasons)},
      {"decided_by", caller.role == Role::kUnit ? Json(nullptr) : TextOrNull(v.decided_by)},
      {"decided_at", BeijingOrNull(v.decided_at)},
      {"admissions", std::move(admissions)},
      {"honours", std::move(honours)},
      {"version", v.version}};
  if (staff) {
    Json differences = Json::array();
    for (const auto& d : v.differences)
      differences.push_back({{"field", d.column}, {"submitted", d.submitted}});
    item["differences"] = std::move(differences);
  }
  return item;
}

Json SubmissionJson(const SubmissionView& s, const Caller& caller, int64_t now) {
  Json items = Json::array();
  for (const auto& i : s.items) items.push_back(ItemJson(i, caller));
  return {{"round", RoundJson(s.round, now)},
          {"unit",
           {{"code", s.unit.code},
            {"name", s.unit.name},
            {"type", s.unit.type},
            {"province", TextOrNull(s.unit.province)}}},
          {"state", s.state},
          {"submitted_at", BeijingOrNull(s.submitted_at)},
          {"window",
           {{"opens_at", registry::BeijingIso(s.window.opens_at)},
            {"deadline", registry::BeijingIso(s.window.deadline_at)},
            {"extended", s.window.extended},
            {"open", now >= s.window.opens_at && now < s.window.deadline_at}}},
          {"items", std::move(items)},
          {"quota", QuotaJson(s.quota)}};
}

Json DuplicateJson(const registry::DuplicateCandidate& d) {
  return {{"id", d.public_id},
          {"name", d.name},
          {"birth_date", TextOrNull(d.birth_date)},
          {"unit", TextOrNull(d.unit_name)},
          {"reason", d.reason}};
}

// The recommendation a request describes: {"person": {"姓名": …} or
// {"name": …}, "person_id", "declared", "group", "opinion"}.
StatusOr<registry::RecommendationInput> InputFrom(const Json& body) {
  registry::RecommendationInput in;
  if (auto p = body.find("person"); p != body.end()) {
    if (!p->is_object()) return BadField("person", "应为对象（字段名 → 值）");
    for (auto it = p->begin(); it != p->end(); ++it) {
      std::string column = it.key();
      // The API's own keys for the commonest fields, beside the Chinese columns.
      const registry::PersonField* field = registry::FindPersonFieldByKey(column);
      if (field != nullptr && field->Has(registry::kRecommendationKey)) column = field->label;
      std::string value;
      if (it->is_string()) {
        value = it->get<std::string>();
      } else if (it->is_boolean()) {
        value = it->get<bool>() ? "是" : "否";
      } else if (it->is_array()) {
        for (const Json& v : *it)
          if (v.is_string()) value += (value.empty() ? "" : "、") + v.get<std::string>();
      } else if (it->is_number_integer()) {
        value = std::to_string(it->get<long long>());
      } else if (!it->is_null()) {
        return BadField("person." + it.key(), "应为字符串");
      }
      in.cells.emplace_back(column, value);
    }
  }
  in.person_id = TextOf(body, "person_id");
  if (auto d = body.find("declared"); d != body.end() && d->is_array()) {
    for (const Json& v : *d)
      if (v.is_string()) in.declared.push_back(v.get<std::string>());
  }
  in.group = TextOf(body, "group");
  if (body.contains("opinion")) in.opinion = TextOf(body, "opinion");
  if (in.cells.empty() && in.person_id.empty() && !in.opinion && in.declared.empty() &&
      in.group.empty()) {
    return BadField("person", "请提供人员信息（person）或已有人员的编号（person_id）");
  }
  return in;
}

registry::Actor ActorOf(const ApiCall& call) {
  registry::Actor a;
  a.id = call.caller->Actor();
  a.name = call.caller->display_name;
  a.role = std::string(RoleName(call.caller->role));
  a.unit_rowid = call.caller->unit_rowid;
  a.province = call.caller->province;
  a.remote_addr = call.remote_addr;
  return a;
}

StatusOr<int64_t> IdParam(const HttpRequest& req, const char* name) {
  const std::string v = req.PathParam(name);
  if (v.empty() || v.size() > 15 || v.find_first_not_of("0123456789") != std::string::npos) {
    return BadField(name, "应为整数编号");
  }
  return std::stoll(v);
}

nlohmann::json UploadReportJson(const registry::UploadReport& report) {
  return {{"id", report.id},
          {"format", report.format},
          {"rows", report.rows},
          {"added", report.added},
          {"updated", report.updated},
          {"rejected", report.rejected},
          {"ignored_columns", report.ignored_columns},
          {"errors", FieldErrorsJson(report.errors)},
          {"error_file",
           report.has_error_workbook
               ? nlohmann::json("/api/v1/uploads/" + std::to_string(report.id) + "/errors.xlsx")
               : nlohmann::json(nullptr)}};
}

nlohmann::json AnswerSheetReportJson(const registry::AnswerSheetResult& result) {
  const bool written = result.errors.empty();
  return {{"id", 0},
          {"format", "availability"},
          {"rows", result.rows},
          {"added", 0},
          {"updated", 0},
          {"rejected", result.errors.size()},
          {"ignored_columns", nlohmann::json::array()},
          {"errors", FieldErrorsJson(result.errors)},
          {"error_file", nullptr},
          {"availability",
           {{"rows", result.rows},
            {"changed", result.changed},
            {"written", written},
            {"message", written ? "这是参加活动信息表（附件2）：已更新已入库人员的可否参加，"
                                  "未加入推荐名单"
                                : "这是参加活动信息表（附件2）：有错误的行，整表未写入"}}}};
}

}  // namespace tp::api
