// The routes of people, units and search (api_service.h): search within the caller's scope,
// a person as the caller may see it, the merging PATCH, units, and the enrolment check.
#include "api/internal/api_service_impl.h"
#include "api/rounds_json.h"

namespace tp::api {
namespace {

using registry::PersonRecord;

// The JSON name of a field a person's JSON shows but PATCH never sets, and its label.
struct FieldName {
  std::string_view key;
  std::string_view column;
};
// Shown in a person's JSON but never set through PATCH.
constexpr FieldName kReadOnlyFields[] = {
    {"id", "编号"},
    {"version", "版本"},
    {"updated_at", "更新时间"},
    {"recommending_unit", "推荐单位"},
    {"admissions", "入库记录"},
    {"honours", "荣誉"},
    {"trainings", "培训记录"},
    {"rounds", "推荐批次"},
    {"tier", "人才类别"},
    {"admission_year", "入库年度"},
    {"revealed", "显示完整字段"},
};

const FieldName* FindReadOnly(std::string_view key) {
  for (const FieldName& f : kReadOnlyFields)
    if (f.key == key) return &f;
  return nullptr;
}

Json UnitJson(const registry::UnitRecord& u) {
  return {
      {"code", u.code}, {"name", u.name}, {"type", u.type}, {"province", TextOrNull(u.province)}};
}

// A field's value in a person's JSON: null when not given; a sealed value masked unless revealed.
Json PersonFieldJson(const registry::PersonField& field, const PersonRecord& r, bool reveal) {
  const registry::Person& p = r.person;
  switch (field.kind) {
    case registry::PersonFieldKind::kList: return p.*(field.list);
    case registry::PersonFieldKind::kYesNo: return BoolOrNull(p.*(field.yes_no));
    case registry::PersonFieldKind::kSealed:
      if (reveal) return TextOrNull(p.*(field.text));
      return TextOrNull(field.key == "id_number" ? r.id_number_mask : r.phone_mask);
    case registry::PersonFieldKind::kText: break;
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
      {"updated_at", BeijingOrNull(r.updated_at)},
  };
  for (const registry::PersonField& field : registry::PersonFields()) {
    if (field.Has(registry::kSensitiveAttribute) && !caller.SeesSensitiveAttributes()) continue;
    j[std::string(field.key)] =
        PersonFieldJson(field, r, field.key == "id_number" ? reveal_id : reveal_phone);
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
      {"updated_at", BeijingOrNull(r.updated_at)},
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

}  // namespace

void ApiService::Impl::Me(const ApiCall& call, HttpResponse& res) {
  const Caller& c = *call.caller;
  Json j = {{"token_id", c.session ? Json(nullptr) : Json(c.token_id)},
            {"role", RoleName(c.role)},
            {"label", TextOrNull(c.label)},
            {"via", c.session ? "session" : "token"},
            {"username", TextOrNull(c.username)},
            {"display_name", TextOrNull(c.display_name)},
            {"must_change_password", c.MustChangePassword()}};
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
  TP_ASSIGN_OR_RETURN(auto scope_rowids, queries->ScopeRowids(caller.Scope(), limit + 1));
  const bool cut = scope_rowids.size() > static_cast<size_t>(limit);
  if (cut) scope_rowids.resize(static_cast<size_t>(limit));
  StatusOr<indexer::SearchResult> result = index->SearchAmong(request, scope_rowids);
  if (result.ok()) result->partial = cut;
  return result;
}

std::string ApiService::Impl::SearchJson(indexer::SearchResult result, const Caller& caller) {
  MaskSearchResult(result, caller);
  return indexer::SearchResultToJson(result);
}

void ApiService::Impl::MaskSearchResult(indexer::SearchResult& result, const Caller& caller) {
  if (!caller.SeesSensitiveAttributes()) {
    // The index shows 民族 with every hit and as a facet; a unit sees neither.
    // Nor a highlight of the recommending unit, its own name.
    for (indexer::SearchHit& hit : result.hits) {
      hit.ethnic_group.reset();
      std::erase_if(hit.highlights, [](const auto& h) {
        return h.first == "ethnic_group" || h.first == "recommending_unit";
      });
    }
    std::erase_if(result.facets, [](const auto& f) {
      return f.first == "ethnic_group" || f.first == "political";
    });
  }
}

Status ApiService::Impl::ScopeSearch(indexer::SearchRequest& request, const Caller& c) {
  // Words of the query naming a 民族 are text only for a unit, as the filter is refused it.
  // 政治面貌 likewise: both are sensitive personal information.
  if (!c.SeesSensitiveAttributes()) {
    request.withheld_filters.push_back("ethnic_group");
    request.withheld_filters.push_back("political");
  }
  if (c.role == Role::kUnit) {
    for (const auto& [name, value] : request.filters) {
      if (name == "ethnic_group") {
        return FieldStatus(StatusCode::kPermissionDenied, "民族", "单位令牌不能按民族筛选");
      }
      if (name == "political") {
        return FieldStatus(StatusCode::kPermissionDenied, "政治面貌", "单位令牌不能按政治面貌筛选");
      }
    }
  }
  if (c.role == Role::kProvince) {
    for (const auto& [name, value] : request.filters) {
      if (name == "province" && value != c.province) {
        return FieldStatus(StatusCode::kPermissionDenied, "省份",
                           "省级令牌只能检索本省（" + c.province + "）");
      }
    }
    std::erase_if(request.filters, [](const auto& f) { return f.first == "province"; });
    request.filters.emplace_back("province", c.province);
  }
  return Status::Ok();
}

void ApiService::Impl::Search(const ApiCall& call, HttpResponse& res) {
  auto result = RunSearch(call, nullptr);
  if (!result.ok()) return res.SetError(result.status());
  res.SetJson(SearchJson(std::move(*result), *call.caller));
}

StatusOr<indexer::SearchResult> ApiService::Impl::RunSearch(
    const ApiCall& call, const std::function<void(indexer::SearchRequest&)>& adjust) {
  if (index == nullptr) return Unavailable("检索服务暂不可用");
  const Caller& c = *call.caller;
  auto request = indexer::SearchRequestFromParams(call.request.query);
  if (!request.ok()) return request.status();
  TP_RETURN_IF_ERROR(ScopeSearch(*request, c));
  if (adjust) adjust(*request);
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
  // A mobile number finds its people for staff only, read as an ID number is, and audited alike.
  bool asked_phone = false;
  std::vector<int64_t> found_by_phone;
  if (c.role == Role::kStaff) {
    request->resolve_phone = [&, resolve =
                                     indexer::StorePhoneResolver(store)](std::string_view phone) {
      asked_phone = true;
      std::vector<int64_t> rowids = resolve(phone);
      for (const int64_t rowid : rowids) {
        if (std::find(found_by_phone.begin(), found_by_phone.end(), rowid) ==
            found_by_phone.end()) {
          found_by_phone.push_back(rowid);
        }
      }
      return rowids;
    };
  }
  StatusOr<indexer::SearchResult> result =
      c.role == Role::kUnit ? SearchWithinUnit(*request, c) : index->Search(*request);
  if (!result.ok()) return result.status();
  const auto audit_read = [&](const std::vector<int64_t>& rowids, const char* field) -> Status {
    auto found = store.LoadPersons(rowids, false);
    if (!found.ok()) return found.status();
    std::string ids;
    for (const PersonRecord& r : *found) ids += (ids.empty() ? "" : ",") + r.person.public_id;
    return Audit(call, "reveal", "person", ids,
                 {{"via", "search"}, {"fields", {field}}, {"found", found->size()}});
  };
  if (asked_id_number) TP_RETURN_IF_ERROR(audit_read(found_by_id_number, "id_number"));
  if (asked_phone) TP_RETURN_IF_ERROR(audit_read(found_by_phone, "phone"));
  return result;
}

void ApiService::Impl::ListPersons(const ApiCall& call, HttpResponse& res) {
  const Caller& c = *call.caller;
  auto page = IntParam(call.request, "page", "页码", 1, 1, 100000);
  if (!page.ok()) return res.SetError(page.status());
  auto size = IntParam(call.request, "size", "每页条数", 20, 1, 100);
  if (!size.ok()) return res.SetError(size.status());
  if (call.request.Query("reveal")) {
    return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "reveal",
                                    "列表中不显示完整号码，请读取单个人员"));
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
  res.SetJson(Dump(
      {{"total", listed->total}, {"page", *page}, {"size", *size}, {"items", std::move(items)}}));
}

StatusOr<PersonRecord> ApiService::Impl::VisiblePersonRecord(const ApiCall& call,
                                                             RevealRequest* reveal) {
  const Caller& c = *call.caller;
  TP_ASSIGN_OR_RETURN(*reveal, RevealOf(call.request));
  if (reveal->any() && c.role != Role::kStaff) {
    return FieldStatus(StatusCode::kPermissionDenied, reveal->id_number ? "身份证号" : "手机",
                       "只有中国科协工作人员令牌可以查看完整号码");
  }
  TP_ASSIGN_OR_RETURN(auto rowid, queries->VisiblePerson(call.request.PathParam("id"), c.Scope()));
  if (!rowid) return NotFound("没有这个编号的人员（或不在令牌的范围内）");
  TP_ASSIGN_OR_RETURN(auto records, store.LoadPersons({*rowid}, reveal->any()));
  if (records.empty() || records.front().deleted) {
    return NotFound("没有这个编号的人员（或不在令牌的范围内）");
  }
  return std::move(records.front());
}

void ApiService::Impl::GetPerson(const ApiCall& call, HttpResponse& res) {
  const Caller& c = *call.caller;
  RevealRequest reveal;
  auto record = VisiblePersonRecord(call, &reveal);
  if (!record.ok()) return res.SetError(record.status());
  const bool reveal_id = reveal.id_number;
  const bool reveal_phone = reveal.phone;
  const PersonRecord& r = *record;
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
    return res.SetError(
        Status(StatusCode::kPreconditionFailed,
               "请求头「If-Match」：缺少。请先读取该人员，把响应中的 ETag 放入 If-Match 再修改",
               {{"If-Match", "缺少", 0}}));
  }
  std::optional<int64_t> expected = VersionFromIfMatch(*if_match);
  if (!expected) {
    return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "If-Match",
                                    "应为读取时得到的 ETag，例如 \"v3\""));
  }
  auto body = ParseJsonObject(call.request.body);
  if (!body.ok()) return res.SetError(body.status());
  if (body->empty())
    return res.SetError(
        InvalidArgument("请求体没有要修改的字段", {{"请求体", "没有要修改的字段", 0}}));

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
    return res.SetError(
        InvalidArgument("字段「" + first + "」：" + errors.front().message, errors));
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
  if (patched_columns.count("身份证号") || patched_columns.count("性别") ||
      patched_columns.count("出生日期")) {
    keep("身份证号", before.id_number);
    keep("性别", before.gender);
    keep("出生日期", before.birth_date);
  }
  if (patched_columns.count("姓名") &&
      !std::any_of(cells.begin(), cells.end(),
                   [](const auto& cell) { return cell.first == "姓名"; })) {
    return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "姓名", "不能为空"));
  }
  registry::Person values;
  std::vector<FieldError> invalid = registry::BuildPerson(cells, reference, &values);
  if (!invalid.empty()) {
    return res.SetError(InvalidArgument(
        "字段「" + invalid.front().field + "」：" + invalid.front().message, invalid));
  }

  registry::AuditEntry audit = WhoCalls(call);
  audit.action = "update";
  audit.object_type = "person";
  audit.object_id = id;
  audit.detail_json = Dump({{"fields", keys}, {"from_version", *expected}});
  auto version = queries->UpdatePerson(id, *expected, values, keys, audit);
  if (!version.ok()) return res.SetError(version.status());
  (void)CatchUp();
  auto after = store.LoadPersons({**rowid}, false);
  if (!after.ok() || after->empty())
    return res.SetError(after.ok() ? Internal("reload") : after.status());
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
    if (name.empty())
      return res.SetError(
          FieldStatus(StatusCode::kInvalidArgument, "姓名", "不能为空（或改用身份证号）"));
    if (name.size() > 100)
      return res.SetError(FieldStatus(StatusCode::kInvalidArgument, "姓名", "过长"));
    // The date forms the import reads (1995.8.8, 1995年8月8日, 19950808); a day is needed.
    auto date = registry::ParseDate(birth, registry::Today());
    if (!date.ok() || date->day == 0)
      return res.SetError(
          FieldStatus(StatusCode::kInvalidArgument, "出生日期",
                      date.ok() ? "应写到日，例如 1986-03-07" : date.status().message()));
    auto born = queries->PersonsBornOn(date->ToString());
    if (!born.ok()) return res.SetError(born.status());
    // Names as offices write them: traditional characters, spaces and dots folded.
    for (const auto& [rowid, stored_name] : *born)
      if (names->Fold(name) == names->Fold(stored_name)) rowids.push_back(rowid);
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
      Json m = {{"id", r->person.public_id},
                {"name", r->person.name},
                {"unit", TextOrNull(r->person.unit_name)}};
      Json adm = Json::array();
      for (const auto& a : r->admissions)
        adm.push_back(
            {{"year", a.year}, {"tier", TextOrNull(a.tier)}, {"round", TextOrNull(a.round_code)}});
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

}  // namespace tp::api
