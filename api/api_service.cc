// The routes of /api/v1/ and the rules every one of them goes through
// (api_service.h). Handlers answer with the caller's view of the registry:
// scoped, masked, and audited where the contract asks for it.
#include "api/api_service.h"

#include "api/audit_log.h"
#include "api/cohorts_routes.h"
#include "api/import_run.h"
#include "api/rounds_routes.h"
#include "api/route_helpers.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <unordered_set>

#include "indexer/document_builder.h"
#include "indexer/schema.h"
#include "indexer/search_index.h"
#include "indexer/search_json.h"
#include "indexer/store_change_source.h"
#include "registry/fields/id_number.h"
#include "registry/import/importer.h"
#include "registry/tables/table_reader.h"
#include "registry/base/paths.h"
#include "registry/base/person_fields.h"
#include "registry/fields/reference_data.h"
#include "registry/store/store_api_queries.h"
#include "registry/fields/validate.h"

namespace tp::api {
namespace {

using Json = nlohmann::json;
using registry::PersonRecord;

// The JSON name of a field a person's JSON shows but PATCH never sets, and its label.
struct FieldName {
  std::string_view key;
  std::string_view column;
};
// Shown in a person's JSON but never set through PATCH.
constexpr FieldName kReadOnlyFields[] = {
    {"id", "编号"},           {"version", "版本"},        {"updated_at", "更新时间"},
    {"recommending_unit", "推荐单位"}, {"admissions", "入库记录"}, {"honours", "荣誉"},
    {"trainings", "培训记录"}, {"rounds", "推荐批次"},     {"tier", "人才类别"},
    {"admission_year", "入库年度"}, {"revealed", "显示完整字段"},
};

const FieldName* FindReadOnly(std::string_view key) {
  for (const FieldName& f : kReadOnlyFields)
    if (f.key == key) return &f;
  return nullptr;
}

Json UnitJson(const registry::UnitRecord& u) {
  return {{"code", u.code}, {"name", u.name}, {"type", u.type}, {"province", TextOrNull(u.province)}};
}

// A field's value in a person's JSON: null when not given; a sealed value masked unless revealed.
Json PersonFieldJson(const registry::PersonField& field, const PersonRecord& r, bool reveal) {
  const registry::Person& p = r.person;
  switch (field.kind) {
    case registry::PersonFieldKind::kList:
      return p.*(field.list);
    case registry::PersonFieldKind::kYesNo:
      return BoolOrNull(p.*(field.yes_no));
    case registry::PersonFieldKind::kSealed:
      if (reveal) return TextOrNull(p.*(field.text));
      return TextOrNull(field.key == "id_number" ? r.id_number_mask : r.phone_mask);
    case registry::PersonFieldKind::kText:
      break;
  }
  if (field.Has(registry::kRequired)) return p.*(field.text);
  return TextOrNull(p.*(field.text));
}

// A person as `caller` may see it.
Json PersonJson(const PersonRecord& r, const Caller& caller, bool reveal_id, bool reveal_phone) {
  const registry::Person& p = r.person;
  Json j = {
      {"id", p.public_id},
      {"recommending_unit", r.unit ? UnitJson(*r.unit) : Json(nullptr)},
      {"version", r.version},
      {"updated_at", r.updated_at},
  };
  for (const registry::PersonField& field : registry::PersonFields()) {
    if (field.Has(registry::kSensitiveAttribute) && !caller.SeesSensitiveAttributes()) continue;
    j[std::string(field.key)] = PersonFieldJson(field, r, field.key == "id_number" ? reveal_id : reveal_phone);
  }
  Json admissions = Json::array();
  for (const auto& a : r.admissions) {
    admissions.push_back({{"year", a.year},
                          {"tier", TextOrNull(a.tier)},
                          {"batch", TextOrNull(a.batch)},
                          {"round", TextOrNull(a.round_code)},
                          {"unit", TextOrNull(a.unit_name)}});
  }
  j["admissions"] = std::move(admissions);
  Json honours = Json::array();
  for (const auto& h : r.honours)
    honours.push_back({{"campaign", h.campaign_code}, {"title", h.title}, {"year", h.year}});
  j["honours"] = std::move(honours);
  Json trainings = Json::array();
  for (const auto& t : r.trainings) {
    trainings.push_back({{"event", t.event_code},
                         {"title", t.event_title},
                         {"class", TextOrNull(t.class_name)},
                         {"state", t.state},
                         {"year", t.year}});
  }
  j["trainings"] = std::move(trainings);
  j["rounds"] = r.round_codes;
  Json revealed = Json::array();
  if (reveal_id) revealed.push_back("id_number");
  if (reveal_phone) revealed.push_back("phone");
  j["revealed"] = std::move(revealed);
  return j;
}

// The short form of a person in lists: always masked.
Json PersonSummaryJson(const PersonRecord& r, const Caller& caller) {
  const registry::Person& p = r.person;
  const registry::AdmissionRecord* latest = r.admissions.empty() ? nullptr : &r.admissions.back();
  Json j = {
      {"id", p.public_id},
      {"name", p.name},
      {"gender", TextOrNull(p.gender)},
      {"birth_date", TextOrNull(p.birth_date)},
      {"id_number", TextOrNull(r.id_number_mask)},
      {"unit", TextOrNull(p.unit_name)},
      {"post", TextOrNull(p.post)},
      {"title", TextOrNull(p.title)},
      {"province", TextOrNull(p.province)},
      {"recommending_unit", r.unit ? Json(r.unit->name) : Json(nullptr)},
      {"tier", latest != nullptr ? TextOrNull(latest->tier) : Json(nullptr)},
      {"admission_year", latest != nullptr ? Json(latest->year) : Json(nullptr)},
      {"version", r.version},
      {"updated_at", r.updated_at},
  };
  if (caller.SeesSensitiveAttributes()) j["ethnic_group"] = TextOrNull(p.ethnic_group);
  return j;
}

std::string ETagFor(int64_t version) { return "\"v" + std::to_string(version) + "\""; }

// The version an If-Match header names ("v7", W/"v7"); nullopt when none.
std::optional<int64_t> VersionFromIfMatch(const std::string& value) {
  std::string v = value;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() < 4 || v.front() != '"' || v.back() != '"' || v[1] != 'v') return std::nullopt;
  std::string digits = v.substr(2, v.size() - 3);
  if (digits.empty() || digits.size() > 18 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(digits);
}

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

bool LooksLikeIp(const std::string& s) {
  if (s.empty() || s.size() > 45) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':';
  });
}

}  // namespace

struct ApiService::Impl {
  Impl(registry::Store& s, indexer::SearchIndex* i, std::unique_ptr<registry::ApiQueries> q,
       registry::ReferenceData r, ApiOptions o)
      : store(s),
        index(i),
        queries(std::move(q)),
        reference(std::move(r)),
        options(std::move(o)),
        source(s),
        audit(*queries, s.Dir()),
        per_token(options.per_token),
        check_limited(options.check_per_token),
        check_staff(options.check_per_staff_token),
        unauthenticated(options.per_address_unauthenticated),
        uploads(options.upload_gate != nullptr
                    ? options.upload_gate
                    : std::make_shared<UploadGate>(options.max_uploads_at_once,
                                                   options.max_uploads_per_token)) {}

  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(follow_mu);
      follow_stop = true;
    }
    follow_cv.notify_all();
    if (follower.joinable()) follower.join();
  }

  void BuildRoutes();
  void StartFollower();
  Status CatchUp();

  std::string RemoteAddr(const HttpRequest& req) const {
    if (!options.trusted_proxy.empty() && req.remote_addr == options.trusted_proxy) {
      std::optional<std::string> real = req.Header("X-Real-IP");
      if (real && LooksLikeIp(*real)) return *real;
    }
    return req.remote_addr;
  }

  // Records who did what; the answer waits for the entry to be committed,
  // and a call whose entry cannot be written is answered with the error.
  // One answer that tells whether an ID number is on file, under the
  // enrolment check's limit: every side door to it shares the check's budget.
  bool AllowEnrolmentAnswer(const Caller& caller, int* retry_after) {
    RateLimiter& limiter = caller.role == Role::kStaff ? check_staff : check_limited;
    return limiter.Allow(caller.Actor(), retry_after);
  }

  Status Audit(const ApiCall& call, std::string action, std::string object_type,
               std::string object_id, Json detail = nullptr) {
    registry::AuditEntry e;
    e.actor = call.caller != nullptr ? call.caller->Actor() : "anonymous";
    e.role = call.caller != nullptr ? std::string(RoleName(call.caller->role)) : "";
    e.action = std::move(action);
    e.object_type = std::move(object_type);
    e.object_id = std::move(object_id);
    if (!detail.is_null()) e.detail_json = Dump(detail);
    e.remote_addr = call.remote_addr;
    return audit.Record(std::move(e));
  }

  // Handlers.
  void Me(const ApiCall& call, HttpResponse& res);
  void Search(const ApiCall& call, HttpResponse& res);
  void ListPersons(const ApiCall& call, HttpResponse& res);
  void GetPerson(const ApiCall& call, HttpResponse& res);
  void PatchPerson(const ApiCall& call, HttpResponse& res);
  void ListUnits(const ApiCall& call, HttpResponse& res);
  void GetUnit(const ApiCall& call, HttpResponse& res);
  void EnrollmentCheck(const ApiCall& call, HttpResponse& res);
  void Stats(const ApiCall& call, HttpResponse& res);
  void QueryAudit(const ApiCall& call, HttpResponse& res);
  void ListTokens(const ApiCall& call, HttpResponse& res);
  void RevokeToken(const ApiCall& call, HttpResponse& res);
  void Import(const ApiCall& call, HttpResponse& res);

  // The caller of a request to `route`, or nullopt with `res` set to the
  // refusal (401, 403, 429 for too many failed tokens).
  std::optional<Caller> Authenticate(const RouteSpec& route, const HttpRequest& req,
                                     const std::string& remote_addr, HttpResponse& res);
  // Spends the caller's rate limits on a call; false with `res` set to 429.
  bool CountCall(const RouteSpec& route, const Caller& caller, HttpResponse& res);

  StatusOr<indexer::SearchResult> SearchWithinUnit(const indexer::SearchRequest& request,
                                                   const Caller& caller);
  // The caller's view of a search result, serialised once.
  std::string SearchJson(indexer::SearchResult result, const Caller& caller);

  registry::Store& store;
  indexer::SearchIndex* index;
  std::unique_ptr<registry::ApiQueries> queries;
  registry::ReferenceData reference;
  ApiOptions options;
  indexer::StoreChangeSource source;
  AuditLog audit;
  RateLimiter per_token;
  RateLimiter check_limited;
  RateLimiter check_staff;
  RateLimiter unauthenticated;
  std::shared_ptr<UploadGate> uploads;  // shared with the rounds routes
  std::vector<RouteSpec> routes;
  std::string openapi;

  std::mutex catch_up_mu;
  std::thread follower;
  std::mutex follow_mu;
  std::condition_variable follow_cv;
  bool follow_stop = false;
};

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

void ApiService::Impl::Me(const ApiCall& call, HttpResponse& res) {
  const Caller& c = *call.caller;
  Json j = {{"token_id", c.token_id}, {"role", RoleName(c.role)}, {"label", TextOrNull(c.label)}};
  if (c.role == Role::kUnit) {
    auto unit = store.GetUnit(c.unit_code);
    j["unit"] = unit.ok() ? UnitJson(*unit) : Json({{"code", c.unit_code}});
  }
  if (c.role == Role::kProvince) {
    const std::string* name = reference.ProvinceName(c.province);
    j["province"] = {{"code", c.province}, {"name", name != nullptr ? *name : ""}};
  }
  res.SetJson(Dump(j));
}

StatusOr<indexer::SearchResult> ApiService::Impl::SearchWithinUnit(
    const indexer::SearchRequest& request, const Caller& caller) {
  // A unit searches among its own people only: the index counts nobody else
  // in its hits, total and facets. (People a unit put on a list whose record
  // is another's are not its people: it sees them on its recommendations
  // only.) A unit recommends few; beyond the limit the search is among the
  // first of them, and says it is partial.
  const int limit = options.unit_scope_limit;
  auto scope_rowids = queries->ScopeRowids(caller.Scope(), limit + 1);
  if (!scope_rowids.ok()) return scope_rowids.status();
  const bool cut = scope_rowids->size() > static_cast<size_t>(limit);
  if (cut) scope_rowids->resize(static_cast<size_t>(limit));
  StatusOr<indexer::SearchResult> result = index->SearchAmong(request, *scope_rowids);
  if (result.ok()) result->partial = cut;
  return result;
}

std::string ApiService::Impl::SearchJson(indexer::SearchResult result, const Caller& caller) {
  if (!caller.SeesSensitiveAttributes()) {
    // The index shows 民族 with every hit and as a facet; a unit sees neither.
    // Nor a highlight of the recommending unit, its own name.
    for (indexer::SearchHit& hit : result.hits) {
      hit.ethnic_group.reset();
      std::erase_if(hit.highlights, [](const auto& h) {
        return h.first == "ethnic_group" || h.first == "recommending_unit";
      });
    }
    std::erase_if(result.facets, [](const auto& f) { return f.first == "ethnic_group"; });
  }
  return indexer::SearchResultToJson(result);
}

void ApiService::Impl::Search(const ApiCall& call, HttpResponse& res) {
  if (index == nullptr) return res.SetError(Unavailable("检索服务暂不可用"));
  const Caller& c = *call.caller;
  auto request = indexer::SearchRequestFromParams(call.request.query);
  if (!request.ok()) return res.SetError(request.status());
  if (c.role == Role::kUnit) {
    for (const auto& [name, value] : request->filters) {
      if (name == "ethnic_group") {
        return res.SetError(FieldStatus(StatusCode::kPermissionDenied, "民族", "单位令牌不能按民族筛选"));
      }
    }
  }
  if (c.role == Role::kProvince) {
    for (const auto& [name, value] : request->filters) {
      if (name == "province" && value != c.province) {
        return res.SetError(FieldStatus(StatusCode::kPermissionDenied, "省份",
                                        "省级令牌只能检索本省（" + c.province + "）"));
      }
    }
    std::erase_if(request->filters, [](const auto& f) { return f.first == "province"; });
    request->filters.emplace_back("province", c.province);
  }
  // A whole ID number in the query reads that person's number as a reveal
  // does: it is recorded, with whom it found, before the answer.
  bool asked_id_number = false;
  std::vector<int64_t> found_by_id_number;
  request->resolve_id = [&, resolve = indexer::StoreIdResolver(store)](std::string_view number) {
    asked_id_number = true;
    std::optional<int64_t> rowid = resolve(number);
    if (rowid && std::find(found_by_id_number.begin(), found_by_id_number.end(), *rowid) ==
                     found_by_id_number.end()) {
      found_by_id_number.push_back(*rowid);
    }
    return rowid;
  };
  StatusOr<indexer::SearchResult> result =
      c.role == Role::kUnit ? SearchWithinUnit(*request, c) : index->Search(*request);
  if (!result.ok()) return res.SetError(result.status());
  if (asked_id_number) {
    auto found = store.LoadPersons(found_by_id_number, false);
    if (!found.ok()) return res.SetError(found.status());
    std::string ids;
    for (const PersonRecord& r : *found) ids += (ids.empty() ? "" : ",") + r.person.public_id;
    Status logged = Audit(call, "reveal", "person", ids,
                          {{"via", "search"}, {"fields", {"id_number"}}, {"found", found->size()}});
    if (!logged.ok()) return res.SetError(logged);
  }
  res.SetJson(SearchJson(std::move(*result), c));
}

void ApiService::Impl::ListPersons(const ApiCall& call, HttpResponse& res) {
  const Caller& c = *call.caller;
  auto page = IntParam(call.request, "page", "页码", 1, 1, 100000);
  if (!page.ok()) return res.SetError(page.status());
  auto size = IntParam(call.request, "size", "每页条数", 20, 1, 100);
  if (!size.ok()) return res.SetError(size.status());
  if (call.request.Query("reveal")) {
    return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "reveal", "列表中不显示完整号码，请读取单个人员"));
  }
  std::string sort_text = call.request.Query("sort").value_or("id");
  bool descending = !sort_text.empty() && sort_text.front() == '-';
  if (!sort_text.empty() && (sort_text.front() == '-' || sort_text.front() == '+'))
    sort_text = sort_text.substr(1);
  registry::PersonSort sort;
  if (sort_text == "id") {
    sort = registry::PersonSort::kPublicId;
  } else if (sort_text == "name") {
    sort = registry::PersonSort::kName;
  } else if (sort_text == "updated_at") {
    sort = registry::PersonSort::kUpdatedAt;
  } else if (sort_text == "birth_date") {
    sort = registry::PersonSort::kBirthDate;
  } else {
    return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "sort",
                                    "应为 id、name、updated_at 或 birth_date，可加前缀 -（倒序）"));
  }
  auto listed = queries->ListPersons(c.Scope(), sort, descending, *page, *size);
  if (!listed.ok()) return res.SetError(listed.status());
  auto records = store.LoadPersons(listed->rowids, false);
  if (!records.ok()) return res.SetError(records.status());
  Json items = Json::array();
  for (const PersonRecord& r : *records)
    if (!r.deleted) items.push_back(PersonSummaryJson(r, c));
  res.SetJson(Dump({{"total", listed->total}, {"page", *page}, {"size", *size}, {"items", std::move(items)}}));
}

void ApiService::Impl::GetPerson(const ApiCall& call, HttpResponse& res) {
  const Caller& c = *call.caller;
  const std::string id = call.request.PathParam("id");
  bool reveal_id = false;
  bool reveal_phone = false;
  for (const std::string& value : call.request.QueryAll("reveal")) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find(',', start);
      if (end == std::string::npos) end = value.size();
      std::string item = value.substr(start, end - start);
      if (item == "id_number") {
        reveal_id = true;
      } else if (item == "phone") {
        reveal_phone = true;
      } else if (!item.empty()) {
        return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "reveal", "只能是 id_number 或 phone"));
      }
      start = end + 1;
    }
  }
  if ((reveal_id || reveal_phone) && c.role != Role::kStaff) {
    return res.SetError(FieldStatus(StatusCode::kPermissionDenied, reveal_id ? "身份证号" : "手机",
                                    "只有中国科协工作人员令牌可以查看完整号码"));
  }
  auto rowid = queries->VisiblePerson(id, c.Scope());
  if (!rowid.ok()) return res.SetError(rowid.status());
  if (!*rowid) return res.SetError(NotFound("没有这个编号的人员（或不在令牌的范围内）"));
  auto records = store.LoadPersons({**rowid}, reveal_id || reveal_phone);
  if (!records.ok()) return res.SetError(records.status());
  if (records->empty() || records->front().deleted) return res.SetError(NotFound("没有这个编号的人员（或不在令牌的范围内）"));
  const PersonRecord& r = records->front();
  if (reveal_id || reveal_phone) {
    Json fields = Json::array();
    if (reveal_id) fields.push_back("id_number");
    if (reveal_phone) fields.push_back("phone");
    Status logged = Audit(call, "reveal", "person", r.person.public_id, {{"fields", fields}});
    if (!logged.ok()) return res.SetError(logged);
  } else {
    Status logged = Audit(call, "read", "person", r.person.public_id);
    if (!logged.ok()) return res.SetError(logged);
  }
  res.SetHeader("ETag", ETagFor(r.version));
  res.SetJson(Dump(PersonJson(r, c, reveal_id, reveal_phone)));
}

void ApiService::Impl::PatchPerson(const ApiCall& call, HttpResponse& res) {
  const Caller& c = *call.caller;
  const std::string id = call.request.PathParam("id");
  auto rowid = queries->VisiblePerson(id, c.Scope());
  if (!rowid.ok()) return res.SetError(rowid.status());
  if (!*rowid) return res.SetError(NotFound("没有这个编号的人员（或不在令牌的范围内）"));
  std::optional<std::string> if_match = call.request.Header("If-Match");
  if (!if_match) {
    return res.SetError(Status(StatusCode::kPreconditionFailed,
                               "请求头「If-Match」：缺少。请先读取该人员，把响应中的 ETag 放入 If-Match 再修改",
                               {{"If-Match", "缺少", 0}}));
  }
  std::optional<int64_t> expected = VersionFromIfMatch(*if_match);
  if (!expected) {
    return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "If-Match", "应为读取时得到的 ETag，例如 \"v3\""));
  }
  auto body = ParseJsonObject(call.request.body);
  if (!body.ok()) return res.SetError(body.status());
  if (body->empty()) return res.SetError(InvalidArgument("请求体没有要修改的字段", {{"请求体", "没有要修改的字段", 0}}));

  // No mass assignment: every key must be a settable field.
  std::vector<FieldError> errors;
  std::vector<std::string> keys;
  std::vector<std::pair<std::string, std::string>> cells;
  std::set<std::string> patched_columns;
  for (auto it = body->begin(); it != body->end(); ++it) {
    const std::string& key = it.key();
    const registry::PersonField* field = registry::FindPersonFieldByKey(key);
    if (field == nullptr) {
      const FieldName* ro = FindReadOnly(key);
      if (ro != nullptr) {
        errors.push_back({key, "「" + std::string(ro->column) + "」不能通过此接口修改", 0});
      } else {
        errors.push_back({key, "未知字段", 0});
      }
      continue;
    }
    const Json& v = it.value();
    std::string text;
    if (v.is_null()) {
      text.clear();
    } else if (v.is_string()) {
      text = v.get<std::string>();
    } else if (v.is_boolean()) {
      text = v.get<bool>() ? "是" : "否";
    } else if (v.is_array() && field->kind == registry::PersonFieldKind::kList) {
      for (const Json& item : v) {
        if (!item.is_string()) {
          errors.push_back({std::string(field->label), "应为文字列表", 0});
          break;
        }
        if (!text.empty()) text += "、";
        text += item.get<std::string>();
      }
    } else {
      errors.push_back({std::string(field->label), "值的类型不对", 0});
      continue;
    }
    if (text.size() > 20000) {
      errors.push_back({std::string(field->label), "过长", 0});
      continue;
    }
    keys.push_back(key);
    patched_columns.insert(std::string(field->label));
    if (!text.empty()) cells.emplace_back(std::string(field->label), text);
  }
  if (!errors.empty()) {
    std::string first = errors.front().field;
    return res.SetError(InvalidArgument("字段「" + first + "」：" + errors.front().message, errors));
  }

  // Fields checked together (姓名 is required; 身份证号 must agree with
  // 性别 and 出生日期) take their stored values when not patched.
  auto stored = store.LoadPersons({**rowid}, true);
  if (!stored.ok()) return res.SetError(stored.status());
  const registry::Person& before = stored->front().person;
  auto keep = [&](std::string_view column, const std::string& value) {
    if (patched_columns.count(std::string(column)) == 0 && !value.empty())
      cells.emplace_back(std::string(column), value);
  };
  keep("姓名", before.name);
  if (patched_columns.count("身份证号") || patched_columns.count("性别") || patched_columns.count("出生日期")) {
    keep("身份证号", before.id_number);
    keep("性别", before.gender);
    keep("出生日期", before.birth_date);
  }
  if (patched_columns.count("姓名") && !std::any_of(cells.begin(), cells.end(), [](const auto& cell) {
        return cell.first == "姓名";
      })) {
    return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "姓名", "不能为空"));
  }
  registry::Person values;
  std::vector<FieldError> invalid = registry::BuildPerson(cells, reference, &values);
  if (!invalid.empty()) {
    return res.SetError(InvalidArgument("字段「" + invalid.front().field + "」：" + invalid.front().message,
                                        invalid));
  }

  registry::AuditEntry audit;
  audit.actor = c.Actor();
  audit.role = std::string(RoleName(c.role));
  audit.action = "update";
  audit.object_type = "person";
  audit.object_id = id;
  audit.detail_json = Dump({{"fields", keys}, {"from_version", *expected}});
  audit.remote_addr = call.remote_addr;
  auto version = queries->UpdatePerson(id, *expected, values, keys, audit);
  if (!version.ok()) return res.SetError(version.status());
  (void)CatchUp();
  auto after = store.LoadPersons({**rowid}, false);
  if (!after.ok() || after->empty()) return res.SetError(after.ok() ? Internal("reload") : after.status());
  res.SetHeader("ETag", ETagFor(after->front().version));
  res.SetJson(Dump(PersonJson(after->front(), c, false, false)));
}

void ApiService::Impl::ListUnits(const ApiCall& call, HttpResponse& res) {
  auto units = queries->ListUnits(call.caller->Scope());
  if (!units.ok()) return res.SetError(units.status());
  Json items = Json::array();
  for (const auto& u : *units) items.push_back(UnitJson(u));
  res.SetJson(Dump({{"total", items.size()}, {"items", std::move(items)}}));
}

void ApiService::Impl::GetUnit(const ApiCall& call, HttpResponse& res) {
  const std::string code = call.request.PathParam("code");
  auto units = queries->ListUnits(call.caller->Scope());
  if (!units.ok()) return res.SetError(units.status());
  for (const auto& u : *units) {
    if (u.code == code) return res.SetJson(Dump(UnitJson(u)));
  }
  res.SetError(NotFound("没有这个代码的单位（或不在令牌的范围内）"));
}

void ApiService::Impl::EnrollmentCheck(const ApiCall& call, HttpResponse& res) {
  const Caller& c = *call.caller;
  auto body = ParseJsonObject(call.request.body);
  if (!body.ok()) return res.SetError(body.status());
  for (auto it = body->begin(); it != body->end(); ++it) {
    if (it.key() != "id_number" && it.key() != "name" && it.key() != "birth_date")
      return res.SetError(FieldStatus(StatusCode::kInvalidArgument, it.key(), "未知字段"));
    if (!it.value().is_string())
      return res.SetError(FieldStatus(StatusCode::kInvalidArgument, it.key(), "应为文字"));
  }
  std::vector<int64_t> rowids;
  std::string by;
  if (body->contains("id_number")) {
    if (body->contains("name") || body->contains("birth_date")) {
      return res.SetError(InvalidArgument("请只按身份证号，或按姓名加出生日期查询",
                                          {{"身份证号", "不能与姓名、出生日期同时提交", 0}}));
    }
    auto parsed = registry::ParseIdNumber((*body)["id_number"].get<std::string>(), reference);
    if (!parsed.ok()) return res.SetError(parsed.status());
    auto found = store.FindByIdNumber(parsed->number);
    if (!found.ok()) return res.SetError(found.status());
    if (*found) {
      rowids.push_back(**found);
    } else {
      // A number not on file loads a stand-in person and drops it, so that the
      // answer takes the time of one that is (they differed by about 46 µs).
      auto stand_in = queries->StandInPerson(std::hash<std::string>{}(parsed->number));
      if (!stand_in.ok()) return res.SetError(stand_in.status());
      if (*stand_in) {
        auto dropped = store.LoadPersons({**stand_in}, false);
        if (!dropped.ok()) return res.SetError(dropped.status());
      }
    }
    by = "id_number";
  } else {
    std::string name = body->value("name", "");
    std::string birth = body->value("birth_date", "");
    if (name.empty()) return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "姓名", "不能为空（或改用身份证号）"));
    if (name.size() > 100) return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "姓名", "过长"));
    bool date_ok = birth.size() == 10 && birth[4] == '-' && birth[7] == '-' &&
                   std::all_of(birth.begin(), birth.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) || ch == '-'; });
    if (!date_ok) return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "出生日期", "应为 YYYY-MM-DD，例如 1986-03-07"));
    auto found = queries->FindByNameAndBirth(name, birth);
    if (!found.ok()) return res.SetError(found.status());
    rowids = *found;
    by = "name_birth_date";
  }
  auto records = store.LoadPersons(rowids, false);
  if (!records.ok()) return res.SetError(records.status());
  // Enrolled means admitted to the pool (入库); the earliest admission says
  // when and through which round.
  const registry::AdmissionRecord* first = nullptr;
  std::vector<const PersonRecord*> admitted;
  for (const PersonRecord& r : *records) {
    if (r.deleted || r.admissions.empty()) continue;
    admitted.push_back(&r);
    for (const auto& a : r.admissions)
      if (first == nullptr || a.year < first->year) first = &a;
  }
  Json answer = {{"enrolled", first != nullptr}};
  answer["year"] = first != nullptr ? Json(first->year) : Json(nullptr);
  answer["round"] = first != nullptr ? TextOrNull(first->round_code) : Json(nullptr);
  if (c.role != Role::kUnit) {
    // Staff see who it is; a province only people of its own province.
    std::vector<int64_t> candidates;
    for (const PersonRecord* r : admitted) candidates.push_back(r->rowid);
    auto visible = queries->FilterVisible(candidates, c.Scope());
    if (!visible.ok()) return res.SetError(visible.status());
    Json matches = Json::array();
    for (const PersonRecord* r : admitted) {
      if (std::find(visible->begin(), visible->end(), r->rowid) == visible->end()) continue;
      Json m = {{"id", r->person.public_id}, {"name", r->person.name}, {"unit", TextOrNull(r->person.unit_name)}};
      Json adm = Json::array();
      for (const auto& a : r->admissions)
        adm.push_back({{"year", a.year}, {"tier", TextOrNull(a.tier)}, {"round", TextOrNull(a.round_code)}});
      m["admissions"] = std::move(adm);
      matches.push_back(std::move(m));
    }
    answer["matches"] = std::move(matches);
  }
  std::string object_ids;
  for (const PersonRecord& r : *records) {
    if (r.deleted) continue;
    if (!object_ids.empty()) object_ids += ",";
    object_ids += r.person.public_id;
  }
  Status logged = Audit(call, "check", "person", object_ids,
                        {{"by", by}, {"enrolled", first != nullptr}, {"found", records->size()}});
  if (!logged.ok()) return res.SetError(logged);
  res.SetJson(Dump(answer));
}

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
    Json detail = row.entry.detail_json.empty() ? Json(nullptr)
                                                : Json::parse(row.entry.detail_json, nullptr, false);
    if (detail.is_discarded()) detail = row.entry.detail_json;
    items.push_back({{"id", row.id},
                     {"at", row.at},
                     {"actor", row.entry.actor},
                     {"role", TextOrNull(row.entry.role)},
                     {"action", row.entry.action},
                     {"object_type", TextOrNull(row.entry.object_type)},
                     {"object_id", TextOrNull(row.entry.object_id)},
                     {"detail", detail},
                     {"remote_addr", TextOrNull(row.entry.remote_addr)}});
  }
  res.SetJson(Dump({{"total", found->total}, {"page", q.page}, {"size", q.size}, {"items", std::move(items)}}));
}

void ApiService::Impl::ListTokens(const ApiCall&, HttpResponse& res) {
  auto tokens = store.ListTokens();
  if (!tokens.ok()) return res.SetError(tokens.status());
  Json items = Json::array();
  for (const auto& t : *tokens) {
    items.push_back({{"id", t.id},
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
  if (id_text.empty() || id_text.size() > 18 || id_text.find_first_not_of("0123456789") != std::string::npos)
    return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "id", "应为令牌编号（整数）"));
  int64_t id = std::stoll(id_text);
  Status s = store.RevokeToken(id);
  if (!s.ok()) return res.SetError(s);
  Status logged = Audit(call, "revoke", "token", id_text);
  if (!logged.ok()) return res.SetError(logged);
  res.SetJson(Dump({{"id", id}, {"revoked", true}}));
}

void ApiService::Impl::Import(const ApiCall& call, HttpResponse& res) {
  StatusOr<UploadGate::Slot> slot = uploads->Enter(call.caller->Actor());
  if (!slot.ok()) return SetUploadRefused(slot.status(), res);
  // A multipart form's file part, or the raw body, read where the server
  // holds it: a copy would be one more file's worth of memory. The name is a
  // hint for messages only: the content decides the format.
  std::string_view bytes;
  std::string filename = call.request.Query("filename").value_or("");
  if (!call.request.parts.empty()) {
    const UploadedPart* file = nullptr;
    for (const UploadedPart& part : call.request.parts) {
      if (part.name == "file" || (!part.filename.empty() && file == nullptr)) file = &part;
    }
    if (file == nullptr) {
      return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "file", "表单中没有上传的文件"));
    }
    bytes = file->content;
    if (!file->filename.empty()) filename = file->filename;
  } else {
    bytes = call.request.body;
  }
  if (bytes.empty()) return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "file", "上传的文件为空"));
  if (filename.empty()) filename = "上传文件";
  // Whatever the outcome, the memory the file took goes back to the system
  // when the answer is made (ReturnFreedMemory says why that needs asking).
  struct ReturnMemory {
    ~ReturnMemory() { ReturnFreedMemory(); }
  } return_memory;
  auto reader = registry::OpenTableInPlace(bytes, filename, registry::ImportTableOptions());
  if (!reader.ok()) return res.SetError(reader.status());
  constexpr size_t kMaxReportedErrors = 1000;
  Json errors = Json::array();
  ImportPolicy policy;
  policy.who.actor = call.caller->Actor();
  policy.who.role = std::string(RoleName(call.caller->role));
  policy.who.remote_addr = call.remote_addr;
  policy.on_rejected = [&](const std::vector<FieldError>& row_errors) {
    for (const FieldError& e : row_errors) {
      if (errors.size() >= kMaxReportedErrors) return;
      errors.push_back({{"row", e.row}, {"field", e.field}, {"message", e.message}});
    }
  };
  policy.record_audit = [this](registry::AuditEntry entry) { return audit.Record(std::move(entry)); };
  policy.catch_up = [this] { return CatchUp(); };
  auto outcome = RunImport(store, index, **reader, reference, policy);
  if (!outcome.ok()) return res.SetError(outcome.status());
  if (!outcome->audited.ok()) return res.SetError(outcome->audited);
  const registry::ImportReport* report = &outcome->report;
  res.SetJson(Dump({{"imported", report->imported},
                    {"inserted", report->inserted},
                    {"updated", report->updated},
                    {"rejected", report->rejected},
                    {"format", report->format},
                    {"ignored_columns", report->ignored_columns},
                    {"errors", std::move(errors)}}));
}

void ApiService::Impl::BuildRoutes() {
  auto bind = [this](void (Impl::*method)(const ApiCall&, HttpResponse&)) {
    return [this, method](const ApiCall& call, HttpResponse& res) { (this->*method)(call, res); };
  };
  const std::vector<RouteParam> kPaging = {
      {"page", "query", "integer", "页码，从 1 开始", false},
      {"size", "query", "integer", "每页条数", false},
  };
  auto with = [](std::vector<RouteParam> a, const std::vector<RouteParam>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  auto health = [](const ApiCall&, HttpResponse& res) { res.SetJson(R"({"status":"ok"})"); };

  routes.push_back({.method = "GET",
                    .pattern = "/healthz",
                    .needs_token = false,
                    .summary = "健康检查（无需令牌）",
                    .tag = "系统",
                    .response_schema = "Health",
                    .handler = health});
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/healthz",
                    .needs_token = false,
                    .summary = "健康检查（无需令牌）",
                    .tag = "系统",
                    .response_schema = "Health",
                    .handler = health});
  routes.push_back(
      {.method = "GET",
       .pattern = "/api/v1/openapi.json",
       .roles = kAllRoles,
       .summary = "本接口的 OpenAPI 3 文档",
       .tag = "系统",
       .response_schema = "OpenApi",
       .handler = [this](const ApiCall&, HttpResponse& res) { res.SetJson(openapi); }});
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/me",
                    .roles = kAllRoles,
                    .summary = "当前令牌的角色与范围",
                    .tag = "系统",
                    .response_schema = "Me",
                    .handler = bind(&Impl::Me)});
  routes.push_back(
      {.method = "GET",
       .pattern = "/api/v1/search",
       .roles = kAllRoles,
       .summary = "检索人才库（单位令牌只检索本单位推荐的人员，省级令牌只检索本省）",
       .tag = "检索",
       .params =
           with({{"q", "query", "string", "检索词：姓名、拼音、单位、领域…", false},
                 {"sort", "query", "string",
                  "relevance、admission_year、-admission_year、age、-age", false},
                 {"facets", "query", "boolean", "是否返回分面计数", false},
                 {"province", "query", "string", "筛选：省级代码（可重复）", false},
                 {"unit_type", "query", "string", "筛选：推荐单位类型", false},
                 {"tier", "query", "string", "筛选：人才类别", false},
                 {"ethnic_group", "query", "string", "筛选：民族（单位令牌不可用）", false},
                 {"gender", "query", "string", "筛选：性别", false},
                 {"age_band", "query", "string", "筛选：年龄段", false},
                 {"round", "query", "string", "筛选：推荐批次", false},
                 {"year", "query", "string", "筛选：入库年度", false},
                 {"honour", "query", "string", "筛选：荣誉", false},
                 {"trained", "query", "string", "筛选：是否参加过培训（yes/no）", false},
                 {"trained_year", "query", "string", "筛选：参加培训的年度（如 2024）", false},
                 {"group", "query", "string", "筛选：所属群体", false}},
                kPaging),
       .response_schema = "SearchResult",
       .statuses = {400, 503},
       .handler = bind(&Impl::Search)});
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/persons",
                    .roles = kAllRoles,
                    .summary = "人员列表（分页，稳定排序）",
                    .tag = "人员",
                    .params = with({{"sort", "query", "string",
                                     "id、name、updated_at、birth_date，前缀 - 为倒序", false}},
                                   kPaging),
                    .response_schema = "PersonList",
                    .statuses = {400},
                    .handler = bind(&Impl::ListPersons)});
  routes.push_back(
      {.method = "GET",
       .pattern = "/api/v1/persons/{id}",
       .roles = kAllRoles,
       .summary = "读取一位人员（响应带 ETag；工作人员可用 reveal 查看完整号码，记入审计日志）",
       .tag = "人员",
       .params = {{"id", "path", "string", "人员编号（P 加 7 位数字）", true},
                  {"reveal", "query", "string", "id_number 和/或 phone（仅 staff）", false}},
       .response_schema = "Person",
       .statuses = {400, 404},
       .handler = bind(&Impl::GetPerson)});
  routes.push_back({.method = "PATCH",
                    .pattern = "/api/v1/persons/{id}",
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
                    .roles = kAllRoles,
                    .summary = "推荐单位列表（按令牌范围）",
                    .tag = "单位",
                    .response_schema = "UnitList",
                    .handler = bind(&Impl::ListUnits)});
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/units/{code}",
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
  routes.push_back({.method = "GET",
                    .pattern = "/api/v1/stats",
                    .roles = kAllRoles,
                    .summary = "统计（按令牌范围）",
                    .tag = "统计",
                    .response_schema = "Stats",
                    .handler = bind(&Impl::Stats)});
  routes.push_back(
      {.method = "POST",
       .pattern = "/api/v1/imports",
       .roles = kStaffOnly,
       .summary =
           "上传入库人员表（CSV 或 XLSX；multipart 的 file 字段或原始请求体），与命令行导入相同",
       .tag = "导入",
       .params = {{"filename", "query", "string", "文件名（只用于提示）", false}},
       .request_schema = "ImportFile",
       .response_schema = "ImportReport",
       .statuses = {400, 503},
       .max_body_bytes = options.max_import_bytes,
       .body_content_type = "multipart/form-data",
       .handler = bind(&Impl::Import)});
  routes.push_back(
      {.method = "GET",
       .pattern = "/api/v1/audit",
       .roles = kStaffOnly,
       .summary = "查询审计日志",
       .tag = "审计",
       .params = with(
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
                    .roles = kStaffOnly,
                    .summary = "令牌列表（不含令牌本身）",
                    .tag = "令牌",
                    .response_schema = "TokenList",
                    .handler = bind(&Impl::ListTokens)});
  routes.push_back({.method = "DELETE",
                    .pattern = "/api/v1/tokens/{id}",
                    .roles = kStaffOnly,
                    .summary = "吊销令牌",
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
  auto reference = registry::ReferenceData::Load(registry::DataDir());
  if (!reference.ok()) return reference.status();
  auto queries = registry::ApiQueries::Open(store);
  if (!queries.ok()) return queries.status();
  auto impl = std::make_unique<Impl>(store, index, std::move(*queries), std::move(*reference),
                                     std::move(options));
  impl->BuildRoutes();
  Impl* raw = impl.get();
  // A write that shows in a search document (a training, a recommendation,
  // an admission) is searchable at once.
  auto after_write = [raw] { (void)raw->CatchUp(); };
  CohortRouteOptions cohorts;
  cohorts.after_write = after_write;
  TP_RETURN_IF_ERROR(AddCohortRoutes(store, cohorts, &impl->routes));
  RoundsRouteOptions rounds;
  rounds.after_write = after_write;
  rounds.max_upload_bytes = impl->options.max_import_bytes;
  rounds.upload_gate = impl->uploads;
  rounds.allow_enrolment_answer = [raw = impl.get()](const ApiCall& call) {
    int retry = 0;
    return raw->AllowEnrolmentAnswer(*call.caller, &retry);
  };
  rounds.audit_enrolment_answer = [raw = impl.get()](const ApiCall& call, const std::string& via, int answers) {
    return raw->Audit(call, "check", "person", "", {{"by", "id_number"}, {"via", via}, {"enrolled", answers}});
  };
  TP_RETURN_IF_ERROR(AddRoundsRoutes(store, impl->reference, rounds, &impl->routes));
  impl->openapi = BuildOpenApiDocument(impl->routes, {CohortOpenApiSchemas(), RoundsSchemasJson()});
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
                                                     const std::string& remote_addr, HttpResponse& res) {
  int retry = 0;
  auto too_many = [&](std::string_view what) {
    SetTooMany(res, retry, what);
    return std::nullopt;
  };
  auto unauthenticated = [&](std::string message) -> std::optional<Caller> {
    // Guessing tokens is slowed down per client address.
    if (!this->unauthenticated.Allow(remote_addr, &retry)) return too_many("认证失败次数过多，请稍后再试");
    res.SetHeader("WWW-Authenticate", "Bearer");
    res.SetError(Status(StatusCode::kUnauthenticated, std::move(message)));
    return std::nullopt;
  };
  std::optional<std::string> header = req.Header("Authorization");
  if (!header) return unauthenticated("缺少令牌：请在请求头 Authorization 中提供 Bearer 令牌");
  std::optional<std::string> token = BearerToken(*header);
  if (!token) return unauthenticated("令牌格式错误：应为 Authorization: Bearer 令牌");
  auto info = store.FindToken(*token);
  if (!info.ok()) {
    if (info.status().code() == StatusCode::kNotFound) return unauthenticated("令牌无效或已吊销");
    res.SetError(info.status());
    return std::nullopt;
  }
  auto caller = CallerFromToken(*info);
  if (!caller.ok()) {
    res.SetError(caller.status());
    return std::nullopt;
  }
  res.actor = caller->Actor();
  // Deny by default: only the roles the route names.
  if (!Allows(route.roles, caller->role)) {
    res.SetError(PermissionDenied("此令牌（角色 " + std::string(RoleName(caller->role)) + "）无权调用此接口"));
    return std::nullopt;
  }
  return *caller;
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
        std::optional<Caller> caller = impl->Authenticate(*route, head, impl->RemoteAddr(head), res);
        if (!caller) return false;
        head.admitted = std::move(*caller);  // the handler need not look the token up again
        return true;
      };
    }
    server.Handle(route->method, route->pattern, [impl, route](const HttpRequest& req, HttpResponse& res) {
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
    }, options);
  }
}

}  // namespace tp::api
